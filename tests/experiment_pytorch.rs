//! The PyTorch export (`experiment::pytorch`, `gradscope export-pytorch`): the files it
//! writes, `train.py` compiling for every kind of data (`python3 -m py_compile`), and — where
//! a Python with torch, safetensors and numpy is found — `train.py --epochs 0 --init
//! model.safetensors` evaluating a CSV model (semicolons, decimal commas, a one-hot column,
//! filled gaps), a regression, the bundled and the full MNIST CNN to within 1e-4 of gradscope;
//! and weights trained further by `train.py --save` read back by `gradscope train
//! --load-weights --epochs 0` with the accuracy PyTorch printed.
//!
//! The Python is `$GRADSCOPE_PYTHON`, else `~/.venvs/torchref/bin/python`, else `python3`
//! when it imports torch; without one these tests print a `SKIPPED` line. Make one with
//! `python3 -m venv v && v/bin/pip install torch safetensors numpy`.

mod datasets;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use gradscope::data::{
    CsvOptions, FileImport, ImportSettings, MissingPolicy, SynthConfig, SynthKind,
};
use gradscope::experiment::{
    DatasetRef, Experiment, ExportSummary, Preprocessing, SavedWeights, SplitRecord,
    export_pytorch, parse_safetensors,
};
use gradscope::train::{Session, TrainConfig};

/// A semicolon CSV with decimal commas, a text column (one-hot), a gap in a number column
/// (filled with the training mean), a blank line, and a label of three text classes.
fn table_text() -> String {
    let mut text = String::from("a;b;colour;label\n");
    for i in 0..90 {
        let class = ["low", "mid", "high"][i % 3];
        let a = (i % 3) as f32 * 1.5 + (i % 7) as f32 * 0.1;
        let b = if i == 10 {
            String::new()
        } else {
            format!("{},{}", i % 5, i % 10)
        };
        let colour = ["red", "green", "blue", "red"][i % 4];
        text += &format!(
            "{};{b};{colour};{class}\n",
            format!("{a}").replace('.', ",")
        );
        if i == 20 {
            text += "\n";
        }
    }
    text
}

/// An experiment on the table above, written to `dir`.
fn table_experiment(dir: &Path) -> Experiment {
    let path = dir.join("t.csv");
    std::fs::write(&path, table_text()).expect("write");
    let mut settings = ImportSettings::defaults(
        4,
        CsvOptions {
            delimiter: b';',
            has_header: true,
            decimal_comma: true,
        },
    );
    settings.missing = MissingPolicy::FillMean;
    settings.train_ratio = 0.7;
    let train = TrainConfig {
        epochs: 30,
        ..TrainConfig::default()
    };
    Experiment::new(
        DatasetRef::File {
            path,
            import: FileImport::Table(settings),
        },
        train,
    )
}

/// `experiment` after `steps` steps of training, with those weights saved in it.
fn trained(mut experiment: Experiment, steps: usize) -> Experiment {
    let data = experiment.load_dataset().expect("data");
    let mut session = Session::new(Arc::clone(&data), experiment.train.clone()).expect("session");
    for _ in 0..steps {
        session.step();
    }
    experiment.weights = Some(SavedWeights::from_model(
        session.model(),
        session.step_count(),
        session.epoch(),
    ));
    experiment
}

/// The Python to run the scripts with, or `None` (after a `SKIPPED` line for `test`).
fn torch_python(test: &str) -> Option<PathBuf> {
    let home =
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".venvs/torchref/bin/python"));
    let candidates = [
        std::env::var_os("GRADSCOPE_PYTHON").map(PathBuf::from),
        home.filter(|p| p.exists()),
        Some(PathBuf::from("python3")),
    ];
    let works = |python: &PathBuf| {
        Command::new(python)
            .args(["-c", "import torch, safetensors, numpy"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let found = candidates.into_iter().flatten().find(works);
    if found.is_none() {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: no Python with torch, safetensors and numpy (set GRADSCOPE_PYTHON)"
        );
    }
    found
}

/// Runs `train.py` in `dir` with `args` and returns its JSON line.
fn run_script(python: &Path, dir: &Path, args: &[&str]) -> serde_json::Value {
    // One thread: PyTorch's default of one per core crawls on a CPU shared with other jobs.
    let output = Command::new(python)
        .arg(dir.join("train.py"))
        .args(args)
        .args(["--threads", "1"])
        .current_dir(dir)
        .output()
        .expect("run python");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "train.py failed: {stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().last().expect("a JSON line");
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))
}

/// `train.py --epochs 0 --init model.safetensors` agrees with gradscope's evaluation.
fn assert_same_evaluation(python: &Path, summary: &ExportSummary) {
    let report = run_script(
        python,
        &summary.out_dir,
        &[
            "--epochs",
            "0",
            "--init",
            "model.safetensors",
            "--device",
            "cpu",
        ],
    );
    let pairs = [
        ("train_loss", summary.train_loss),
        ("test_loss", summary.test_loss),
        ("train_accuracy", summary.train_accuracy),
        ("test_accuracy", summary.test_accuracy),
    ];
    for (key, ours) in pairs {
        let theirs = report[key].as_f64();
        match (ours, theirs) {
            (Some(a), Some(b)) => assert!((a - b).abs() <= 1e-4, "{key}: gradscope {a}, torch {b}"),
            (None, None) => {}
            _ => panic!("{key}: gradscope {ours:?}, torch {theirs:?}"),
        }
    }
    assert_eq!(report["epochs"], 0);
    assert_eq!(report["steps"], 0);
}

#[test]
fn the_export_writes_weights_split_and_a_script_that_compiles() {
    let dir = tempfile::tempdir().expect("temp dir");
    let experiments = [
        ("table", table_experiment(dir.path())),
        (
            "iris",
            Experiment::new(
                DatasetRef::Iris {
                    train_ratio: 0.7,
                    seed: 3,
                },
                TrainConfig::default(),
            ),
        ),
        (
            "line",
            Experiment::new(
                DatasetRef::Synth(SynthConfig::new(SynthKind::Line)),
                TrainConfig::default(),
            ),
        ),
        ("mnist", {
            let data = gradscope::data::mnist_bundled().expect("bundled");
            Experiment::new(DatasetRef::Mnist, TrainConfig::for_data(&data))
        }),
    ];
    let python3 = Command::new("python3").arg("--version").output().is_ok();
    for (name, experiment) in experiments {
        let out = dir.path().join(name);
        let summary = export_pytorch(&experiment, &out).expect("export");
        assert_eq!(summary.weights, "seed");
        for file in ["model.safetensors", "split.json", "train.py"] {
            assert!(out.join(file).is_file(), "{name}: {file}");
        }
        let bytes = std::fs::read(out.join("model.safetensors")).expect("read");
        let weights = parse_safetensors(name, &bytes).expect("safetensors");
        let prep = Preprocessing::from_metadata(&weights.metadata, name)
            .expect("valid")
            .expect("preprocessing in the metadata");
        let split: SplitRecord =
            serde_json::from_slice(&std::fs::read(out.join("split.json")).expect("split"))
                .expect("split.json");
        assert_eq!(split, prep.split, "{name}");
        let script = std::fs::read_to_string(out.join("train.py")).expect("script");
        assert!(
            !script.contains("__GRADSCOPE_"),
            "{name}: a placeholder is left"
        );
        if python3 {
            let status = Command::new("python3")
                .args(["-m", "py_compile"])
                .arg(out.join("train.py"))
                .status()
                .expect("python3");
            assert!(status.success(), "{name}: train.py does not compile");
        }
    }
    if !python3 {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 is missing on CI (.ci/run installs it)"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED the_export_writes_weights_split_and_a_script_that_compiles: no python3 to \
             compile train.py"
        );
    }
    // A split of the table by rows: the blank line is not a record; 90 rows, 70 % to train
    // per class (21 of 30).
    let table = Preprocessing::from_metadata(
        &parse_safetensors(
            "t",
            &std::fs::read(dir.path().join("table/model.safetensors")).expect("read"),
        )
        .expect("parse")
        .metadata,
        "t",
    )
    .expect("valid")
    .expect("some");
    assert_eq!(table.split.counts(), (63, 27));
    assert_eq!(table.input_shape, "[N, 5]");
}

#[test]
fn torch_evaluates_a_csv_model_and_a_regression_as_gradscope_does() {
    let Some(python) =
        torch_python("torch_evaluates_a_csv_model_and_a_regression_as_gradscope_does")
    else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let table = trained(table_experiment(dir.path()), 60);
    let summary = export_pytorch(&table, &dir.path().join("table")).expect("export");
    assert_eq!(summary.weights, "saved");
    assert!(
        summary.test_accuracy.is_some_and(|a| a > 0.5),
        "{summary:?}"
    );
    assert_same_evaluation(&python, &summary);

    let line = trained(
        Experiment::new(
            DatasetRef::Synth(SynthConfig::new(SynthKind::Line)),
            TrainConfig::default(),
        ),
        40,
    );
    let summary = export_pytorch(&line, &dir.path().join("line")).expect("export");
    assert_eq!(summary.test_accuracy, None);
    assert_same_evaluation(&python, &summary);
}

#[test]
fn torch_evaluates_the_bundled_mnist_cnn_as_gradscope_does() {
    let Some(python) = torch_python("torch_evaluates_the_bundled_mnist_cnn_as_gradscope_does")
    else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let data = gradscope::data::mnist_bundled().expect("bundled");
    let experiment = trained(
        Experiment::new(DatasetRef::Mnist, TrainConfig::for_data(&data)),
        40,
    );
    let summary = export_pytorch(&experiment, &dir.path().join("mnist")).expect("export");
    assert!(
        summary.test_accuracy.is_some_and(|a| a > 0.5),
        "{summary:?}"
    );
    assert_same_evaluation(&python, &summary);
}

#[test]
fn torch_evaluates_the_full_mnist_cnn_as_gradscope_does() {
    let test = "torch_evaluates_the_full_mnist_cnn_as_gradscope_does";
    let Some(mnist) = datasets::full_mnist(test) else {
        return;
    };
    let Some(python) = torch_python(test) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let reference = DatasetRef::File {
        path: mnist,
        import: FileImport::default(),
    };
    let data = reference.load().expect("full MNIST");
    assert_eq!((data.train.len(), data.test.len()), (60_000, 10_000));
    let experiment = trained(Experiment::new(reference, TrainConfig::for_data(&data)), 60);
    let summary = export_pytorch(&experiment, &dir.path().join("mnist")).expect("export");
    assert!(
        summary.test_accuracy.is_some_and(|a| a > 0.5),
        "{summary:?}"
    );
    assert_same_evaluation(&python, &summary);
}

#[test]
fn weights_trained_further_in_pytorch_read_back_with_the_same_accuracy() {
    let test = "weights_trained_further_in_pytorch_read_back_with_the_same_accuracy";
    let Some(python) = torch_python(test) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let mut experiment = table_experiment(dir.path());
    let config = dir.path().join("exp.json");
    experiment.save(&config).expect("save");
    let out = dir.path().join("torch");
    export_pytorch(&experiment, &out).expect("export");
    let further = out.join("further.safetensors");
    let torch = run_script(
        &python,
        &out,
        &[
            "--epochs",
            "3",
            "--device",
            "cpu",
            "--save",
            further.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(torch["epochs"], 3);
    let output = Command::new(env!("CARGO_BIN_EXE_gradscope"))
        .args(["train", "--config"])
        .arg(&config)
        .arg("--load-weights")
        .arg(&further)
        .args(["--epochs", "0", "--json"])
        .output()
        .expect("gradscope");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let ours: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("gradscope's JSON line");
    assert_eq!(ours["steps"], 0);
    assert_eq!(ours["test_accuracy"], torch["test_accuracy"]);
    assert_eq!(ours["train_accuracy"], torch["train_accuracy"]);
    for key in ["train_loss", "test_loss"] {
        let (a, b) = (ours[key].as_f64(), torch[key].as_f64());
        assert!(
            a.zip(b).is_some_and(|(a, b)| (a - b).abs() <= 1e-4),
            "{key}: gradscope {a:?}, torch {b:?}"
        );
    }
}
