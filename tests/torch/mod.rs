//! Running an exported `train.py` from the tests: finding a Python with torch, running the
//! script, comparing its evaluation with gradscope's, and training an experiment a few steps.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use gradscope::experiment::{Experiment, ExportSummary, SavedWeights};
use gradscope::train::Session;

/// `experiment` after `steps` steps of training, with those weights saved in it.
pub fn trained(mut experiment: Experiment, steps: usize) -> Experiment {
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
pub fn torch_python(test: &str) -> Option<PathBuf> {
    python_with(test, &["torch", "safetensors", "numpy"])
}

/// The Python to run the scripts of image folders with (torch and pillow), or `None` (after
/// a `SKIPPED` line for `test`).
pub fn torch_pillow_python(test: &str) -> Option<PathBuf> {
    python_with(test, &["torch", "safetensors", "numpy", "PIL"])
}

/// The Python to run parts of the scripts with, torch left out (numpy), or `None` (after a
/// `SKIPPED` line for `test`).
pub fn numpy_python(test: &str) -> Option<PathBuf> {
    python_with(test, &["numpy"])
}

/// `$GRADSCOPE_PYTHON`, `~/.venvs/torchref/bin/python` or `python3`, the first that imports
/// every module of `modules`.
fn python_with(test: &str, modules: &[&str]) -> Option<PathBuf> {
    let home =
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".venvs/torchref/bin/python"));
    let candidates = [
        std::env::var_os("GRADSCOPE_PYTHON").map(PathBuf::from),
        home.filter(|p| p.exists()),
        Some(PathBuf::from("python3")),
    ];
    let imports = format!("import {}", modules.join(", "));
    let works = |python: &PathBuf| {
        Command::new(python)
            .args(["-c", &imports])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let found = candidates.into_iter().flatten().find(works);
    if found.is_none() {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: no Python with {} (set GRADSCOPE_PYTHON)",
            modules.join(", ")
        );
    }
    found
}

/// Runs `train.py` in `dir` with `args` and returns its JSON line.
pub fn run_script(python: &Path, dir: &Path, args: &[&str]) -> serde_json::Value {
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
pub fn assert_same_evaluation(python: &Path, summary: &ExportSummary) {
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
