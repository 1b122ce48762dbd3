//! The window's *Export to PyTorch* (Save & open): the current weights and settings go into a
//! folder as model.safetensors (with the preprocessing), split.json and train.py, and the
//! outcome is shown in the window's status line and the message strip; a folder that cannot
//! be made is reported there too. Driven through egui_kittest on the real App.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gradscope::experiment::{Preprocessing, parse_safetensors};
use gradscope::ui::files::{FileKind, WRITE_ANYWAY};
use gradscope::ui::{AppOptions, Banner, GradscopeApp};

/// The real App on the default spiral, paused.
fn harness() -> Harness<'static, GradscopeApp> {
    Harness::builder()
        .with_size(eframe::egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| {
            GradscopeApp::new(
                &cc.egui_ctx,
                AppOptions {
                    autoplay: false,
                    settings: gradscope::ui::Settings::default(),
                    screenshot: None,
                    open: None,
                    bench: None,
                },
            )
        })
}

/// Runs frames until the files window reports a finished outcome (not one ending in "…").
fn outcome(harness: &mut Harness<'static, GradscopeApp>) -> Result<String, String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = harness.state().file_status()
            && status.as_ref().map_or(true, |s| !s.ends_with('…'))
        {
            return status.clone();
        }
        assert!(Instant::now() < deadline, "no outcome in 30 s");
        std::thread::sleep(Duration::from_millis(20));
        harness.run_steps(1);
    }
}

/// A fresh window that clicks Export to PyTorch with `out` as the folder: the window and
/// the outcome.
fn export_into(out: &std::path::Path) -> (Harness<'static, GradscopeApp>, Result<String, String>) {
    let mut harness = harness();
    harness.run_steps(2);
    harness
        .state_mut()
        .files_panel()
        .set_path(FileKind::ExportPytorch, &out.display().to_string());
    harness.run_steps(2);
    harness.get_by_label("Export to PyTorch").click();
    let result = outcome(&mut harness);
    (harness, result)
}

#[test]
fn export_to_pytorch_writes_the_folder_and_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("torch");
    let (harness, result) = export_into(&out);
    let message = result.expect("exported");
    assert!(
        message.starts_with(&format!(
            "exported to {}: model.safetensors, split.json, train.py; test accuracy ",
            out.display()
        )),
        "{message}"
    );
    assert_eq!(
        harness.state().banner(),
        Some(&Banner::Done(message.clone()))
    );
    let bytes = std::fs::read(out.join("model.safetensors")).expect("weights");
    let weights = parse_safetensors("model", &bytes).expect("safetensors");
    assert_eq!(
        weights.metadata["gradscope_model"],
        "dense16,tanh,dense16,tanh,dense2"
    );
    let prep = Preprocessing::from_metadata(&weights.metadata, "model")
        .expect("valid")
        .expect("preprocessing");
    assert_eq!(prep.input_shape, "[N, 2]");
    assert_eq!(prep.feature_names, ["x1", "x2"]);
    let script = std::fs::read_to_string(out.join("train.py")).expect("script");
    assert!(script.contains("nn.Linear(2, 16),  # 0"), "{script}");
    assert!(out.join("split.json").is_file());
    assert!(out.join("data.csv").is_file());
}

#[test]
fn an_export_that_cannot_make_its_folder_says_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blocked = dir.path().join("a-file");
    std::fs::write(&blocked, "not a folder").expect("write");
    let (harness, result) = export_into(&blocked);
    let message = result.expect_err("refused");
    assert_eq!(
        message,
        format!(
            "{}: not a folder (a file of that name exists)",
            blocked.display()
        )
    );
    assert_eq!(harness.state().banner(), Some(&Banner::Error(message)));
}

/// A folder that holds files is refused, naming them, with a way forward: *Write into it
/// anyway* (the command line's `--force`) replaces the export's files and keeps the others.
#[test]
fn an_export_into_a_folder_that_is_not_empty_is_refused_then_written_on_request() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("mine");
    std::fs::create_dir(&out).expect("folder");
    std::fs::write(out.join("train.py"), "# my own script").expect("write");
    let (mut window, result) = export_into(&out);
    let message = result.expect_err("refused");
    assert_eq!(
        message,
        format!(
            "{}: the folder is not empty (it holds train.py): export into a new or empty \
             folder, or press Write into it anyway to replace its files",
            out.display()
        )
    );
    assert_eq!(window.state().banner(), Some(&Banner::Error(message)));
    assert_eq!(
        std::fs::read_to_string(out.join("train.py")).expect("kept"),
        "# my own script"
    );
    // Only after the refusal does the window offer to write anyway, and only for the
    // refused folder: once the path names another folder, the offer is gone.
    assert!(window.query_by_label(WRITE_ANYWAY).is_some());
    let other = dir.path().join("other");
    window
        .state_mut()
        .files_panel()
        .set_path(FileKind::ExportPytorch, &other.display().to_string());
    window.run_steps(2);
    assert!(window.query_by_label(WRITE_ANYWAY).is_none());
    window
        .state_mut()
        .files_panel()
        .set_path(FileKind::ExportPytorch, &out.display().to_string());
    window.run_steps(2);
    std::fs::write(out.join("notes.txt"), "mine").expect("write");
    let done = click_and_wait(&mut window, WRITE_ANYWAY);
    assert!(
        done.starts_with(&format!("exported to {}: model.safetensors", out.display())),
        "{done}"
    );
    let script = std::fs::read_to_string(out.join("train.py")).expect("script");
    assert!(script.contains("import torch"), "train.py was replaced");
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).expect("other files stay"),
        "mine"
    );
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    // data.csv: the generated spiral, which has no file of its own.
    assert_eq!(
        names,
        [
            "data.csv",
            "model.safetensors",
            "notes.txt",
            "split.json",
            "train.py"
        ]
    );
    // The offer went with the refusal.
    window.run_steps(2);
    assert!(window.query_by_label(WRITE_ANYWAY).is_none());
}

/// No offer to write anyway for other refusals (here: a file where the folder should be).
#[test]
fn other_export_failures_offer_no_way_to_write_anyway() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blocked = dir.path().join("a-file");
    std::fs::write(&blocked, "not a folder").expect("write");
    let (mut window, result) = export_into(&blocked);
    assert!(result.is_err());
    window.run_steps(2);
    assert!(window.query_by_label(WRITE_ANYWAY).is_none());
}

/// 90 rows of three kinds of flower (30 each, in turn): `petal` is 2·k and `stem` 10·k + 1 for
/// kind k, `colour` is the kind's colour (one-hot) — so the training split's statistics are
/// known whatever rows the stratified split picks.
fn write_flowers(path: &std::path::Path) {
    let mut text = String::from("petal,stem,colour,kind\n");
    for i in 0..90 {
        let k = i % 3;
        let colour = ["red", "green", "blue"][k];
        let kind = ["iris", "lily", "rose"][k];
        text += &format!("{},{},{colour},{kind}\n", 2 * k, 10 * k + 1);
    }
    std::fs::write(path, text).expect("write");
}

/// The `preprocessing` field of the experiment file at `path`.
fn saved_preprocessing(path: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("experiment file");
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    json["preprocessing"].clone()
}

/// Clicks `button`, runs one frame (the click's) and waits for the files window's outcome.
fn click_and_wait(harness: &mut Harness<'static, GradscopeApp>, button: &str) -> String {
    harness.get_by_label(button).click();
    harness.run_steps(1);
    outcome(harness).unwrap_or_else(|e| panic!("{button}: {e}"))
}

#[test]
fn save_experiment_after_loading_a_csv_writes_the_preprocessing_train_writes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("flowers.csv");
    write_flowers(&csv);
    let cli = dir.path().join("cli.json");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_gradscope"))
        .args(["train", "--data"])
        .arg(&csv)
        .args(["--epochs", "1", "--save"])
        .arg(&cli)
        .output()
        .expect("gradscope train");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let expected = saved_preprocessing(&cli);

    let mut harness = harness();
    harness.run_steps(2);
    let ctx = harness.ctx.clone();
    harness.state_mut().open_data(&ctx, csv.clone());
    let deadline = Instant::now() + Duration::from_secs(30);
    while harness.query_by_label("Train on it").is_none() {
        assert!(
            Instant::now() < deadline,
            "the wizard did not show its review"
        );
        std::thread::sleep(Duration::from_millis(20));
        harness.run_steps(1);
    }
    harness.get_by_label("Train on it").click();
    while harness.state().data().name != "flowers.csv" {
        assert!(Instant::now() < deadline, "the window did not take the CSV");
        assert_eq!(harness.state().import_error(), None);
        std::thread::sleep(Duration::from_millis(20));
        harness.run_steps(1);
    }
    let with_weights = dir.path().join("with.json");
    let without = dir.path().join("without.json");
    harness.state_mut().files_panel().set_path(
        FileKind::SaveExperiment,
        &with_weights.display().to_string(),
    );
    harness.run_steps(2);
    let message = click_and_wait(&mut harness, "Save experiment");
    assert_eq!(
        message,
        format!("saved {} (with weights)", with_weights.display())
    );
    harness
        .get_by_label("experiment: include weights and history")
        .click();
    harness
        .state_mut()
        .files_panel()
        .set_path(FileKind::SaveExperiment, &without.display().to_string());
    harness.run_steps(2);
    let message = click_and_wait(&mut harness, "Save experiment");
    assert_eq!(message, format!("saved {}", without.display()));

    for saved in [&with_weights, &without] {
        assert_eq!(saved_preprocessing(saved), expected, "{}", saved.display());
    }
    let prep: Preprocessing = serde_json::from_value(expected).expect("preprocessing");
    assert_eq!(
        prep.feature_names,
        ["petal", "stem", "colour=blue", "colour=green", "colour=red"]
    );
    assert_eq!(
        prep.class_names.as_deref(),
        Some(&["iris".to_string(), "lily".to_string(), "rose".to_string()][..])
    );
    assert_eq!(prep.input_shape, "[N, 5]");
    // Stratified 80 %: 24 rows of each kind train, so each statistic is that of the three
    // kinds' values: petal 0, 2, 4 → mean 2, population std √(8/3); stem 1, 11, 21 → mean 11,
    // std 5·√(8/3) = 10·√(2/3); each colour → mean 1/3, std √2/3.
    let standardization = prep.standardization.expect("standardised");
    let want_mean = [2.0, 11.0, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0];
    let root = (8.0f32 / 3.0).sqrt();
    let third = 2.0f32.sqrt() / 3.0;
    let want_std = [root, 5.0 * root, third, third, third];
    for (j, (mean, std)) in standardization
        .mean
        .iter()
        .zip(&standardization.std)
        .enumerate()
    {
        assert!((mean - want_mean[j]).abs() < 1e-5, "mean {j}: {mean}");
        assert!((std - want_std[j]).abs() < 1e-5, "std {j}: {std}");
    }
    assert_eq!(prep.split.counts(), (72, 18));
    let columns: Vec<(&str, usize)> = prep
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.index))
        .collect();
    assert_eq!(columns, [("petal", 0), ("stem", 1), ("colour", 2)]);
    assert_eq!(
        prep.label.map(|l| (l.name, l.index)),
        Some(("kind".into(), 3))
    );
}
