//! The PyTorch export (`experiment::pytorch`, `gradscope export-pytorch`): the files it
//! writes, `train.py` compiling for every kind of data (`python3 -m py_compile`), its table
//! reader (run with numpy, torch stubbed out) giving gradscope's very samples for an awkward
//! CSV, and — where
//! a Python with torch, safetensors and numpy is found — `train.py --epochs 0 --init
//! model.safetensors` evaluating a CSV model (semicolons, decimal commas, a one-hot column,
//! filled gaps), a regression, the bundled and the full MNIST CNN to within 1e-4 of gradscope;
//! and weights trained further by `train.py --save` read back by `gradscope train
//! --load-weights --epochs 0` with the accuracy PyTorch printed.
//!
//! The Python is `$GRADSCOPE_PYTHON`, else `~/.venvs/torchref/bin/python`, else `python3`
//! when it imports torch (see `tests/torch`); without one these tests print a `SKIPPED` line.
//! Make one with `python3 -m venv v && v/bin/pip install torch safetensors numpy pillow`.

mod datasets;
mod torch;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use gradscope::data::{
    CsvOptions, FileImport, ImportSettings, MissingPolicy, SynthConfig, SynthKind,
};
use gradscope::experiment::{
    DatasetRef, ExistingFiles, Experiment, Preprocessing, SplitRecord, export_pytorch,
    parse_safetensors,
};
use gradscope::train::TrainConfig;
use torch::{assert_same_evaluation, numpy_python, run_script, torch_python, trained};

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
        let summary = export_pytorch(&experiment, &out, ExistingFiles::Refuse).expect("export");
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

/// A CSV that Python's line-by-line reading got wrong: an Excel `sep=` line and a record of
/// empty cells before the header, numbers with thousands separators (quoted), a one-hot
/// column whose values hold a line break (quoted) and a form feed, and, among the data, a
/// record of empty cells (a row, left out for its missing label), a line of spaces and a
/// blank line (neither a row).
fn awkward_table_text() -> String {
    let mut text = String::from("sep=,\n,,,\n\nx1,x2,colour,label\n");
    for i in 0..80 {
        let x1 = format!("\"1,{:05.1}\"", i as f64 * 10.5);
        let x2 = (i % 7) as f32 - 3.0;
        let colour = ["\"red\nish\"", "blue", "green\u{c}grey"][i % 3];
        let label = if x2 + (i % 2) as f32 > 0.0 {
            "yes"
        } else {
            "no"
        };
        text += &format!("{x1},{x2},{colour},{label}\n");
        match i {
            20 => text += ",,,\n",
            40 => text += "   \n",
            50 => text += "\n",
            _ => {}
        }
    }
    text
}

/// Runs `train.py`'s `load_splits` (torch stubbed out) on the data and split of the export in
/// `dir`: `[x_train, y_train, x_test, y_test]` as JSON.
fn script_splits(python: &Path, dir: &Path) -> serde_json::Value {
    const STUBBED: &str = r#"
import json, sys, types
for name in ("torch", "torch.distributed", "torch.nn", "safetensors", "safetensors.torch"):
    sys.modules[name] = types.ModuleType(name)
torch = sys.modules["torch"]
torch.distributed, torch.nn = sys.modules["torch.distributed"], sys.modules["torch.nn"]
torch.no_grad = lambda: (lambda f: f)
sys.modules["safetensors"].safe_open = None
sys.modules["safetensors.torch"].load_file = sys.modules["safetensors.torch"].save_file = None
script = sys.argv[1]
names = {"__name__": "exported", "__file__": script}
exec(compile(open(script).read(), script, "exec"), names)
split = json.load(open(sys.argv[2]))
arrays = names["load_splits"](names["CONFIG"]["data"]["path"], split)
print(json.dumps([a.tolist() for a in arrays]))
"#;
    let output = Command::new(python)
        .args(["-c", STUBBED])
        .arg(dir.join("train.py"))
        .arg(dir.join("split.json"))
        .output()
        .expect("run python");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "load_splits failed: {stderr}");
    serde_json::from_slice(&output.stdout).expect("JSON")
}

#[test]
fn the_script_reads_an_awkward_csv_as_gradscope_does() {
    let Some(python) = numpy_python("the_script_reads_an_awkward_csv_as_gradscope_does") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("awkward.csv");
    std::fs::write(&path, awkward_table_text()).expect("write");
    let settings = ImportSettings::defaults(
        4,
        CsvOptions {
            delimiter: b',',
            has_header: true,
            decimal_comma: false,
        },
    );
    let experiment = Experiment::new(
        DatasetRef::File {
            path,
            import: FileImport::Table(settings),
        },
        TrainConfig::default(),
    );
    let data = experiment.load_dataset().expect("gradscope reads it");
    assert_eq!(
        data.train.len() + data.test.len(),
        80,
        "the empty record left out"
    );
    assert_eq!(
        data.feature_names,
        [
            "x1",
            "x2",
            "colour=blue",
            "colour=green\u{c}grey",
            "colour=red\nish"
        ]
    );
    let summary = export_pytorch(&experiment, &dir.path().join("out"), ExistingFiles::Refuse)
        .expect("export");
    let arrays = script_splits(&python, &summary.out_dir);
    for (k, split) in [(0, &data.train), (2, &data.test)] {
        let x = arrays[k].as_array().expect("x");
        let y = arrays[k + 1].as_array().expect("y");
        assert_eq!(x.len(), split.len(), "samples of split {k}");
        let gradscope::data::Labels::Classes(classes) = &split.labels else {
            panic!("classes expected");
        };
        for (i, (row, label)) in x.iter().zip(y).enumerate() {
            let ours = split.row(i);
            let theirs: Vec<f64> = row
                .as_array()
                .expect("row")
                .iter()
                .map(|v| v.as_f64().expect("number"))
                .collect();
            assert_eq!(theirs.len(), ours.len());
            for (a, b) in ours.iter().zip(&theirs) {
                assert!(
                    (f64::from(*a) - b).abs() <= 1e-5 * (1.0 + b.abs()),
                    "sample {i} of split {k}: gradscope {ours:?}, script {theirs:?}"
                );
            }
            assert_eq!(
                label.as_u64(),
                Some(classes[i] as u64),
                "label of sample {i}"
            );
        }
    }
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
    let summary =
        export_pytorch(&table, &dir.path().join("table"), ExistingFiles::Refuse).expect("export");
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
    let summary =
        export_pytorch(&line, &dir.path().join("line"), ExistingFiles::Refuse).expect("export");
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
    let summary = export_pytorch(
        &experiment,
        &dir.path().join("mnist"),
        ExistingFiles::Refuse,
    )
    .expect("export");
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
    let summary = export_pytorch(
        &experiment,
        &dir.path().join("mnist"),
        ExistingFiles::Refuse,
    )
    .expect("export");
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
    export_pytorch(&experiment, &out, ExistingFiles::Refuse).expect("export");
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

/// An Iris experiment (no weights) saved as `dir/iris.json`.
fn iris_file(dir: &Path) -> PathBuf {
    let path = dir.join("iris.json");
    let mut experiment = Experiment::new(
        DatasetRef::Iris {
            train_ratio: 0.7,
            seed: 3,
        },
        TrainConfig::default(),
    );
    experiment.save(&path).expect("save");
    path
}

/// `gradscope export-pytorch ARGS`: exit code and stderr.
fn export_cli(args: &[&std::ffi::OsStr]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_gradscope"))
        .arg("export-pytorch")
        .args(args)
        .output()
        .expect("gradscope");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn export_refuses_a_folder_that_is_not_empty_unless_forced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = iris_file(dir.path());
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("folder");
    std::fs::write(out.join("notes.txt"), "mine").expect("write");
    let (code, stderr) = export_cli(&[config.as_os_str(), out.as_os_str()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "gradscope: {}: the folder is not empty (it holds notes.txt): export into a new or \
             empty folder, or pass --force to replace its files\n",
            out.display()
        )
    );
    assert!(!out.join("train.py").exists(), "nothing is written");

    let (code, stderr) = export_cli(&[config.as_os_str(), out.as_os_str(), "--force".as_ref()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).expect("kept"),
        "mine"
    );
    for file in ["iris.csv", "model.safetensors", "split.json", "train.py"] {
        assert!(out.join(file).is_file(), "{file}");
    }

    // Again without --force: the earlier export is named (three names, then a count).
    let (code, stderr) = export_cli(&[config.as_os_str(), out.as_os_str()]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains(": the folder is not empty (it holds iris.csv, model.safetensors, notes.txt and 2 more): "),
        "{stderr}"
    );

    // A new folder (with missing parents) and an empty one take an export without --force.
    let fresh = dir.path().join("a/b/fresh");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("folder");
    for folder in [&fresh, &empty] {
        let (code, stderr) = export_cli(&[config.as_os_str(), folder.as_os_str()]);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(folder.join("train.py").is_file());
    }

    // With --force, a folder named like one of the export's files stops it before anything
    // is written (it used to fail at train.py, the weights and split already replaced).
    let blocked = dir.path().join("blocked");
    std::fs::create_dir_all(blocked.join("train.py")).expect("folders");
    let force = std::ffi::OsStr::new("--force");
    let (code, stderr) = export_cli(&[config.as_os_str(), blocked.as_os_str(), force]);
    assert_eq!(code, Some(2));
    assert_eq!(
        stderr,
        format!(
            "gradscope: {}: a folder of that name is in the way of the export's file\n",
            blocked.join("train.py").display()
        )
    );
    assert!(!blocked.join("model.safetensors").exists());
    assert!(!blocked.join("split.json").exists());
}

#[test]
fn export_into_a_place_that_cannot_take_a_folder_names_it_and_the_os_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = iris_file(dir.path());
    let a_file = dir.path().join("a-file");
    std::fs::write(&a_file, "not a folder").expect("write");
    let (code, stderr) = export_cli(&[config.as_os_str(), a_file.as_os_str()]);
    assert_eq!(code, Some(2));
    assert_eq!(
        stderr,
        format!(
            "gradscope: {}: not a folder (a file of that name exists)\n",
            a_file.display()
        )
    );
    let inside = a_file.join("out");
    let (code, stderr) = export_cli(&[config.as_os_str(), inside.as_os_str()]);
    assert_eq!(code, Some(2));
    assert_eq!(
        stderr,
        format!(
            "gradscope: {}: cannot create the folder: {} is a file, not a folder\n",
            inside.display(),
            a_file.display()
        )
    );
    #[cfg(unix)]
    {
        let link = dir.path().join("link");
        let gone = dir.path().join("gone");
        std::os::unix::fs::symlink(&gone, &link).expect("symlink");
        let (code, stderr) = export_cli(&[config.as_os_str(), link.as_os_str()]);
        assert_eq!(code, Some(2));
        assert_eq!(
            stderr,
            format!(
                "gradscope: {}: cannot create the folder: {} is a link to {}, which does not \
                 exist\n",
                link.display(),
                link.display(),
                gone.display()
            )
        );
        assert!(!gone.exists());
    }
    if Path::new("/proc/self").exists() {
        let (code, stderr) = export_cli(&[config.as_os_str(), "/proc/x".as_ref()]);
        assert_eq!(code, Some(2));
        assert_eq!(
            stderr,
            "gradscope: /proc/x: cannot create the folder in /proc: No such file or directory \
             (os error 2)\n"
        );
    }
}

/// The `"train"` settings and the `"epochs_note"` that `train.py` in `dir` was written with.
fn script_config(dir: &Path) -> serde_json::Value {
    let script = std::fs::read_to_string(dir.join("train.py")).expect("script");
    let open = "CONFIG = json.loads(r\"\"\"";
    let start = script.find(open).expect("config") + open.len();
    let end = start + script[start..].find("\"\"\")").expect("end of config");
    serde_json::from_str(&script[start..end]).expect("config JSON")
}

/// The window trains without an epoch limit (epochs 0: until paused), which a script cannot
/// do: the export gives `train.py` the epochs the weights had trained (100 without weights)
/// and a note that says so, instead of a script that trains nothing.
#[test]
fn an_experiment_without_an_epoch_limit_exports_a_script_that_trains() {
    let dir = tempfile::tempdir().expect("temp dir");
    let iris = || {
        Experiment::new(
            DatasetRef::Iris {
                train_ratio: 0.7,
                seed: 3,
            },
            TrainConfig {
                epochs: 0,
                ..TrainConfig::default()
            },
        )
    };
    export_pytorch(&iris(), &dir.path().join("fresh"), ExistingFiles::Refuse).expect("export");
    let config = script_config(&dir.path().join("fresh"));
    assert_eq!(config["train"]["epochs"], 100);
    assert_eq!(
        config["epochs_note"],
        "gradscope trained until paused (no epoch limit); 100 epochs is the script's default then"
    );
    // 105 samples in training, batch 16: 7 steps an epoch, so 30 steps are 4 epochs and 2 steps.
    let trained_experiment = trained(iris(), 30);
    assert_eq!(
        trained_experiment.weights.as_ref().map(|w| w.epoch),
        Some(4)
    );
    export_pytorch(
        &trained_experiment,
        &dir.path().join("trained"),
        ExistingFiles::Refuse,
    )
    .expect("export");
    let config = script_config(&dir.path().join("trained"));
    assert_eq!(config["train"]["epochs"], 4);
    assert_eq!(
        config["epochs_note"],
        "gradscope trained until paused (no epoch limit); 4 epochs is what it had trained"
    );
    // An experiment with a limit keeps it, without a note.
    export_pytorch(
        &Experiment::new(
            DatasetRef::Iris {
                train_ratio: 0.7,
                seed: 3,
            },
            TrainConfig {
                epochs: 30,
                ..TrainConfig::default()
            },
        ),
        &dir.path().join("limited"),
        ExistingFiles::Refuse,
    )
    .expect("export");
    let config = script_config(&dir.path().join("limited"));
    assert_eq!(config["train"]["epochs"], 30);
    assert!(config["epochs_note"].is_null());
}

/// A small two-class table: `x` and `y` numbers, rows `0..rows`.
fn small_table(rows: usize) -> String {
    let mut text = String::from("x,y,class\n");
    for i in 0..rows {
        let class = if i % 2 == 0 { "a" } else { "b" };
        text += &format!("{}.5,{},{class}\n", i % 9, (i * 7) % 11);
    }
    text
}

/// `export-pytorch` (and `train --config`) on an experiment whose data file changed since it
/// was saved with trained weights: the export is written, with a note on stderr naming the
/// file and the change; an unchanged file gets no note.
#[test]
fn an_export_says_when_the_data_changed_since_the_experiment_was_saved() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("t.csv");
    let config = dir.path().join("exp.json");
    std::fs::write(&data, small_table(100)).expect("write");
    let train = Command::new(env!("CARGO_BIN_EXE_gradscope"))
        .args(["train", "--epochs", "2", "--data"])
        .arg(&data)
        .arg("--save")
        .arg(&config)
        .output()
        .expect("gradscope");
    assert!(train.status.success(), "{train:?}");
    let export = |out: &str| {
        let out = dir.path().join(out);
        export_cli(&[config.as_os_str(), out.as_os_str()])
    };
    let (code, stderr) = export("same");
    assert_eq!((code, stderr.as_str()), (Some(0), ""));
    let note = |change: &str| {
        format!(
            "gradscope export-pytorch: note: {}: the data changed since the experiment was \
             saved: {change}; the saved weights were trained on it as it was\n",
            data.display()
        )
    };
    // Rows added: the split's sizes.
    std::fs::write(&data, small_table(110)).expect("write");
    let (code, stderr) = export("added");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        stderr,
        note("the split had 80 training and 20 test samples, now 88 and 22")
    );
    // Values edited (x of the rows with x = 0.5 now 8.5): the split is the same, the training
    // mean of x is not.
    let edited = small_table(100).replace("\n0.5,", "\n8.5,");
    std::fs::write(&data, edited).expect("write");
    let (code, stderr) = export("edited");
    assert_eq!(code, Some(0), "{stderr}");
    let start = format!(
        "gradscope export-pytorch: note: {}: the data changed since the experiment was saved: \
         the training mean of \"x\" was ",
        data.display()
    );
    assert!(stderr.starts_with(&start), "{stderr}");
    assert!(
        stderr.ends_with("; the saved weights were trained on it as it was\n"),
        "{stderr}"
    );
    // train --config --resume says it before training.
    let output = Command::new(env!("CARGO_BIN_EXE_gradscope"))
        .args(["train", "--epochs", "1", "--resume", "--config"])
        .arg(&config)
        .output()
        .expect("gradscope");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "note: {}: the data changed since the experiment was saved: the training mean of \
             \"x\" was ",
            data.display()
        )),
        "{stderr}"
    );
}
