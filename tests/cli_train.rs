//! The command line: headless training with a JSON report, and one-line errors with exit 2.

use std::process::{Command, Output};

fn gradscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gradscope"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn train_spiral_prints_a_json_report() {
    let output = gradscope(&[
        "train",
        "--dataset",
        "spiral",
        "--hidden",
        "16,16",
        "--activation",
        "tanh",
        "--optimizer",
        "adam",
        "--lr",
        "0.01",
        "--epochs",
        "300",
        "--seed",
        "1",
        "--json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one JSON line on stdout: {stdout}");
    let report: serde_json::Value = serde_json::from_str(lines[0]).expect("valid JSON");
    for key in [
        "train_loss",
        "test_loss",
        "train_accuracy",
        "test_accuracy",
        "epochs",
        "steps",
        "seconds",
    ] {
        assert!(report.get(key).is_some(), "missing {key} in {report}");
    }
    assert_eq!(report["epochs"], 300);
    // 200 training points at batch 32: 7 steps per epoch.
    assert_eq!(report["steps"], 2100);
    assert!(
        report["test_accuracy"].as_f64().unwrap_or(0.0) >= 0.95,
        "{report}"
    );
    assert!(stderr(&output).contains("done: 300 epochs, 2100 steps"));
}

#[test]
fn regression_reports_null_accuracy() {
    let output = gradscope(&[
        "train",
        "--dataset",
        "line",
        "--hidden",
        "",
        "--optimizer",
        "sgd",
        "--lr",
        "0.5",
        "--batch",
        "100",
        "--epochs",
        "500",
        "--json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert!(report["train_accuracy"].is_null());
    assert!(report["test_accuracy"].is_null());
    // The noise U[0,1) has variance 1/12: the best possible MSE is about 0.083.
    let loss = report["train_loss"].as_f64().unwrap_or(f64::NAN);
    assert!((0.05..0.12).contains(&loss), "train loss {loss}");
}

#[test]
fn every_builtin_dataset_trains() {
    for name in [
        "circle",
        "xor",
        "gaussians",
        "spiral",
        "moons",
        "line",
        "iris",
    ] {
        let output = gradscope(&["train", "--dataset", name, "--epochs", "2", "--json"]);
        assert!(output.status.success(), "{name}: {}", stderr(&output));
    }
}

#[test]
fn invalid_arguments_exit_2_with_one_line() {
    for (args, expected) in [
        (
            vec!["train", "--lr", "abc"],
            "invalid value 'abc' for '--lr <LR>'",
        ),
        (
            vec!["train", "--lr", "-1"],
            "--lr: the learning rate must be a positive number, got -1",
        ),
        (
            vec!["train", "--lr", "5e-324"],
            "--lr: 5e-324 is 0 or infinite in f32, the weights' type: give a learning rate from 1e-38 to 1e38",
        ),
        (
            vec!["train", "--dataset", "mnist2"],
            "--dataset: unknown data set 'mnist2'",
        ),
        (
            vec!["train", "--hidden", "16,x"],
            "--hidden: 'x' is not a layer size from 1 to 256",
        ),
        (
            vec!["train", "--optimizer", "lbfgs"],
            "--optimizer: unknown optimizer 'lbfgs'",
        ),
        (
            vec!["train", "--epochs", "0"],
            "--epochs: train for at least 1 epoch (0 only evaluates the weights of --load-weights or --resume)",
        ),
        (vec!["train", "--bogus"], "unexpected argument '--bogus'"),
        (
            vec!["train", "--batch", "-1"],
            "invalid value '-1' for '--batch <BATCH>'",
        ),
        (
            vec!["train", "--hidden", "4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4"],
            "--hidden: 17 layers, at most 16 are allowed",
        ),
        (
            vec!["train", "--data", "/dev/zero", "--label", "y"],
            "/dev/zero: not a regular file",
        ),
        (
            vec!["--screenshot", "shot.jpg"],
            "--screenshot shot.jpg: the screenshot is saved as PNG, so the name must end in .png",
        ),
        (
            vec!["--quit-after", "inf"],
            "--quit-after: give a number of seconds from 0 to 86400, got inf",
        ),
        (
            vec!["--mode", "tour"],
            "--mode: unknown view 'tour' (known: lab lesson race memory)",
        ),
        (
            vec!["train", "--dataset", "mnist", "--model", "pool2,dense10"],
            "--model: item 1 (pool2) is not supported here",
        ),
        (
            vec!["train", "--hidden", "4,,4"],
            "--hidden: item 2 is empty (two commas in a row?)",
        ),
        (
            vec!["train", "--data", "   "],
            "invalid value '   ' for '--data <FILE_OR_DIR>': the path is blank: give the path of a file or folder",
        ),
        (
            vec!["inspect", ""],
            "invalid value '' for '<PATH>': the path is blank: give the path of a file or folder",
        ),
        (
            vec!["train", "--optimizer", "adagrad"],
            "--optimizer: unknown optimizer 'adagrad' (known: sgd momentum nesterov rmsprop adam)",
        ),
    ] {
        let output = gradscope(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let text = stderr(&output);
        assert_eq!(text.lines().count(), 1, "{args:?}: {text}");
        assert!(text.contains(expected), "{args:?}: {text}");
    }
}

#[test]
fn a_bad_csv_names_file_line_and_column() {
    let dir = std::env::temp_dir().join(format!("gradscope-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("bad.csv");
    std::fs::write(&path, "x1,x2,label\n1,2,a\n3,oops,b\n5,6,a\n").expect("write");
    let file = path.to_str().expect("utf-8");
    let output = gradscope(&["train", "--data", file, "--label", "label"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim_end(),
        format!(
            "gradscope: {file}:3:2: \"oops\" in column \"x2\" is not a number (1 of 3 cells): \
             treat such cells as missing or exclude the column (--bad-numbers missing|exclude)"
        )
    );

    std::fs::write(&path, "x1,x2,label\n1,2,a\n3,4,a\n").expect("write");
    let output = gradscope(&["train", "--data", file, "--label", "label"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim_end(),
        "gradscope: bad.csv: the labels hold only one class, so there is nothing to tell apart"
    );

    std::fs::write(&path, "x1,x2,label\n1,2,a\n3,4,b\n5,6,a\n7,8,b\n").expect("write");
    let output = gradscope(&[
        "train", "--data", file, "--label", "label", "--epochs", "3", "--json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));

    // A label starting with '-' is a column name, not another option (clap took `-1` for a
    // flag and said "a value is required").
    for command in ["train", "inspect"] {
        let args = match command {
            "train" => vec!["train", "--data", file, "--label", "-1"],
            _ => vec!["inspect", file, "--label", "-1"],
        };
        let output = gradscope(&args);
        assert_eq!(output.status.code(), Some(2), "{command}");
        assert_eq!(
            stderr(&output).trim_end(),
            format!(
                "gradscope: {file}:1: unknown label column \"-1\"; the columns are x1, x2, label"
            ),
            "{command}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn train_mnist_with_a_model_spec() {
    let output = gradscope(&[
        "train",
        "--dataset",
        "mnist",
        "--model",
        "conv8k3,relu,pool2,conv16k3,relu,pool2,dense10",
        "--epochs",
        "1",
        "--batch",
        "64",
        "--optimizer",
        "momentum",
        "--lr",
        "0.05",
        "--seed",
        "1",
        "--json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert_eq!(
        report["model"],
        "conv8k3,relu,pool2,conv16k3,relu,pool2,dense10"
    );
    assert_eq!(report["steps"], 125);
    assert!(
        report["test_accuracy"].as_f64().unwrap_or(0.0) >= 0.9,
        "{report}"
    );

    let output = gradscope(&["train", "--dataset", "mnist", "--model", "conv8k30,dense10"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("gradscope: --model: "),
        "{}",
        stderr(&output)
    );
}

/// A fresh folder for one test's files (removed at the end of the test).
/// A regression target whose square overflows `f32` makes the loss infinite whatever the
/// model predicts: the divergence names the largest training target instead of asking for a
/// lower learning rate or normalised inputs; targets whose batches stay within `f32` do not
/// get the message.
#[test]
fn targets_too_large_for_the_squared_error_are_named_when_training_diverges() {
    let dir = scratch("huge-targets");
    // 30 distinct targets from `scale` to 1.29 `scale`: a regression.
    let write = |name: &str, scale: f64| {
        let mut text = String::from("x,y\n");
        for i in 0..30 {
            text += &format!("{i},{:e}\n", -scale * (1.0 + i as f64 / 100.0));
        }
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        path.to_str().expect("utf-8").to_string()
    };
    let huge = write("huge.csv", 2.5e19);
    let output = gradscope(&["train", "--data", &huge, "--label", "y", "--epochs", "3"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stderr(&output);
    let last = text.lines().last().expect("a line");
    let largest = last
        .strip_prefix(
            "diverged at step 1: the targets are too large for 32-bit floats (the largest is ",
        )
        .and_then(|rest| {
            rest.strip_suffix(
                "; their squared error passes 3.4e38): divide the target column by a power of \
                 ten",
            )
        })
        .unwrap_or_else(|| panic!("{last}"));
    let largest: f64 = largest.parse().expect("a number");
    assert!((2.5e19..=2.5e19 * 1.29).contains(&largest), "{largest}");
    // 1e17: a batch of 32 sums squares up to 32 × 1.7e34, within f32.
    let large = write("large.csv", 1.0e17);
    let output = gradscope(&["train", "--data", &large, "--label", "y", "--epochs", "3"]);
    let text = stderr(&output);
    assert!(!text.contains("targets are too large"), "{text}");
    // Its loss, about 1.3e34, is printed in scientific notation rather than in 35 digits.
    let done = text
        .lines()
        .find(|l| l.starts_with("done:"))
        .expect("done line");
    let train_loss = done
        .split("train loss ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .expect("train loss");
    let value: f64 = train_loss.parse().expect("a number");
    assert!(train_loss.contains("e3") && value > 1e33, "{done}");

    // 1e25 in row 6 of 40, which the seeded split puts in the test split: training runs,
    // and the infinite test loss is explained.
    let mut text = String::from("x,y\n");
    for i in 0..40 {
        let y = if i == 6 {
            "1e25".to_string()
        } else {
            format!("{:.3}", 1.0 + i as f64 * 0.137)
        };
        text += &format!("{i},{y}\n");
    }
    let in_test = dir.join("in-test.csv");
    std::fs::write(&in_test, text).expect("write");
    let in_test = in_test.to_str().expect("utf-8");
    let output = gradscope(&["train", "--data", in_test, "--label", "y", "--epochs", "2"]);
    let text = stderr(&output);
    assert_eq!(
        text.lines().last(),
        Some(
            "the test loss is infinite: the test split's targets are too large for 32-bit \
             floats (the largest is 1.000e25; their squared error passes 3.4e38): divide the \
             target column by a power of ten"
        ),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("gradscope-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

const SPIRAL_EXPERIMENT: &str = r#"{
  "format_version": 1,
  "dataset": { "synth": { "kind": "Spiral", "samples": 400, "noise": 0.1, "train_ratio": 0.5, "seed": 0 } },
  "train": {
    "hidden": [ { "units": 16, "activation": "Tanh" }, { "units": 16, "activation": "Tanh" } ],
    "optimizer": { "kind": "Adam", "learning_rate": 0.01 },
    "batch_size": 32,
    "epochs": 20,
    "seed": 1
  }
}"#;

fn json_line(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).expect("one JSON line")
}

#[test]
fn train_from_a_config_saves_weights_history_and_repeats_exactly() {
    let dir = scratch("config");
    let config = dir.join("exp.json");
    std::fs::write(&config, SPIRAL_EXPERIMENT).expect("write");
    let path = |name: &str| dir.join(name).to_str().expect("utf-8").to_string();
    let output = gradscope(&[
        "train",
        "--config",
        &path("exp.json"),
        "--save",
        &path("out.json"),
        "--weights",
        &path("out.safetensors"),
        "--metrics",
        &path("metrics.csv"),
        "--json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let first = json_line(&output);
    // 200 training points at batch 32: 7 steps per epoch.
    assert_eq!(first["steps"], 140);
    assert_eq!(first["epochs"], 20);

    let saved = gradscope::experiment::Experiment::load(&dir.join("out.json")).expect("load");
    let weights = saved.weights.as_ref().expect("weights");
    assert_eq!((weights.step, weights.epoch), (140, 20));
    let history = saved.history.as_ref().expect("history");
    assert_eq!(history.losses.len(), 140);
    // One evaluation per epoch (20 epochs, at most 20 recorded while training), so the window
    // and the metrics CSV have a test curve; the last is the final one.
    let at: Vec<(u64, u64)> = history.evals.iter().map(|e| (e.step, e.epoch)).collect();
    assert_eq!(at, (1..=20).map(|e| (7 * e, e)).collect::<Vec<_>>());
    assert_eq!(
        history.evals.last().expect("evals").train_loss,
        first["train_loss"].as_f64()
    );
    let spec = {
        let data = saved.load_dataset().expect("data");
        saved.model_spec(&data).expect("spec")
    };
    let params = gradscope::experiment::load_safetensors(&dir.join("out.safetensors"), &spec)
        .expect("safetensors");
    let embedded = saved
        .saved_params(&saved.load_dataset().expect("data"))
        .expect("params");
    assert_eq!(Some(params), embedded);
    let metrics = std::fs::read_to_string(dir.join("metrics.csv")).expect("csv");
    // A header, a row per step and a row per evaluation.
    assert_eq!(metrics.lines().count(), 1 + 140 + 20);

    // The saved file trains again from the same seed: the same run, to the last bit (and
    // without `--save`, so without the evaluations while training: they change nothing).
    let output = gradscope(&["train", "--config", &path("out.json"), "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let again = json_line(&output);
    assert_eq!(again["train_loss"], first["train_loss"]);
    assert_eq!(again["test_loss"], first["test_loss"]);

    // Flags override the file: epochs and learning rate.
    let output = gradscope(&[
        "train",
        "--config",
        &path("exp.json"),
        "--epochs",
        "2",
        "--lr",
        "0.001",
        "--json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(json_line(&output)["steps"], 14);

    // --resume starts from the saved weights: the loss starts where the first run ended.
    let output = gradscope(&[
        "train",
        "--config",
        &path("out.json"),
        "--resume",
        "--epochs",
        "1",
        "--lr",
        "1e-9",
        "--json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let resumed = json_line(&output);
    let (a, b) = (
        resumed["train_loss"].as_f64().unwrap_or(f64::NAN),
        first["train_loss"].as_f64().unwrap_or(f64::NAN),
    );
    assert!((a - b).abs() < 1e-4, "{a} vs {b}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_config_and_weights_files_exit_2_with_one_line() {
    let dir = scratch("bad-config");
    let config = dir.join("exp.json");
    let name = config.to_str().expect("utf-8").to_string();
    let run = |args: &[&str]| {
        let output = gradscope(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let text = stderr(&output);
        assert_eq!(text.lines().count(), 1, "{args:?}: {text}");
        text.trim_end().to_string()
    };

    std::fs::write(&config, &SPIRAL_EXPERIMENT[..120]).expect("write");
    assert_eq!(
        run(&["train", "--config", &name]),
        format!("gradscope: {name}: line 3, column 95: EOF while parsing a string")
    );

    std::fs::write(
        &config,
        SPIRAL_EXPERIMENT.replace("\"format_version\": 1", "\"format_version\": 7"),
    )
    .expect("write");
    assert_eq!(
        run(&["train", "--config", &name]),
        format!(
            "gradscope: {name}: format version 7 is not supported (this gradscope reads versions 1 to 3)"
        )
    );

    std::fs::write(
        &config,
        SPIRAL_EXPERIMENT.replace("\"epochs\": 20", "\"epochs\": 0"),
    )
    .expect("write");
    assert_eq!(
        run(&["train", "--config", &name]),
        format!(
            "gradscope: --epochs: {name}: train.epochs is 0 (train until paused), which never ends without a window; give --epochs N"
        )
    );

    std::fs::write(&config, SPIRAL_EXPERIMENT).expect("write");
    assert_eq!(
        run(&["train", "--config", &name, "--resume"]),
        format!("gradscope: --resume: {name} holds no weights")
    );

    let weights = dir.join("w.safetensors");
    let weights_name = weights.to_str().expect("utf-8").to_string();
    let output = gradscope(&[
        "train",
        "--hidden",
        "8",
        "--epochs",
        "1",
        "--weights",
        &weights_name,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        run(&["train", "--config", &name, "--load-weights", &weights_name]),
        format!(
            "gradscope: {weights_name}: tensor \"0.weight\" has shape [8, 2], the model expects [16, 2]"
        )
    );
    assert_eq!(
        run(&["train", "--save", "/no/such/folder/out.json"]),
        "gradscope: --save /no/such/folder/out.json: the folder does not exist"
    );
    let folder = dir.display().to_string();
    assert_eq!(
        run(&["train", "--save", &folder]),
        format!("gradscope: --save {folder}: this is a folder; give the name of a file to write")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_window_refuses_a_broken_experiment_file_before_it_opens() {
    let dir = std::env::temp_dir().join(format!("gradscope-cli-exp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.json");
    std::fs::write(
        &broken,
        "{\"format_version\": 1, \"title\": \"x\",\n \"dataset\": {",
    )
    .unwrap();
    // `--config` (the name `train` uses) is the same flag.
    for flag in ["--experiment", "--config"] {
        let out = gradscope(&[flag, broken.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{flag}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr.trim(),
            format!(
                "gradscope: {}: line 2, column 13: EOF while parsing an object",
                broken.display()
            ),
            "{flag}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A reader that stops reading (`gradscope inspect … | head -c 0`) ends the process quietly
/// with status 0, instead of a panic ("failed printing to stdout: Broken pipe").
#[test]
fn a_closed_pipe_on_stdout_ends_quietly() {
    let iris = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/iris.csv");
    for args in [
        vec!["inspect", iris],
        vec!["train", "--data", iris, "--epochs", "2", "--json"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gradscope"))
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("gradscope starts");
        // Close the reading end before anything is written.
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("gradscope ends");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

/// A closed standard error (`gradscope train … 2>&1 | true`) loses the messages, not the
/// run: `eprintln!` panicked with status 101 before `--save` was written.
#[test]
fn a_closed_stderr_still_trains_and_saves() {
    let dir = scratch("closed-stderr");
    let saved = dir.join("x.json");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gradscope"))
        .args(["train", "--dataset", "xor", "--epochs", "1", "--save"])
        .arg(&saved)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    drop(child.stderr.take());
    let status = child.wait().expect("it ends");
    assert_eq!(status.code(), Some(0));
    assert!(saved.is_file(), "--save was written");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--label` and `--bad-numbers` with `--config` replace the choices of the experiment's CSV
/// (they were ignored without a word, even for a column that does not exist); with a data
/// set they cannot apply to, they are refused.
#[test]
fn csv_flags_with_a_config_apply_to_its_csv_or_are_refused() {
    let dir = scratch("csv-flags");
    let csv = dir.join("small.csv");
    let mut text = String::from("a,b,kind\n");
    for i in 0..40 {
        text.push_str(&format!(
            "{},{},{}\n",
            i % 7,
            (i * 3) % 11,
            ["x", "y"][i % 2]
        ));
    }
    std::fs::write(&csv, text).unwrap();
    let saved = dir.join("e.json");
    let (csv_name, saved_name) = (csv.display().to_string(), saved.display().to_string());
    let output = gradscope(&[
        "train",
        "--data",
        &csv_name,
        "--epochs",
        "1",
        "--save",
        &saved_name,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = gradscope(&[
        "train",
        "--config",
        &saved_name,
        "--label",
        "nosuch",
        "--epochs",
        "1",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("nosuch"), "{}", stderr(&output));
    // Column b as the label: 11 whole numbers, so 11 classes (the file's own label has 2).
    let output = gradscope(&[
        "train",
        "--config",
        &saved_name,
        "--label",
        "b",
        "--epochs",
        "1",
        "--json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .last()
            .unwrap(),
    )
    .unwrap();
    assert!(
        report["model"].as_str().unwrap().ends_with(",dense11"),
        "{report}"
    );
    let output = gradscope(&[
        "train",
        "--dataset",
        "iris",
        "--label",
        "x",
        "--epochs",
        "1",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim_end(),
        "gradscope: --label: a built-in data set has no columns to choose; it applies to a CSV \
         file given with --data"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
