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
            "--epochs: train for at least 1 epoch",
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
        format!("gradscope: {file}:3:2: \"oops\" in column \"x2\" is not a number")
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
