//! The window's *Export to PyTorch* (Save & open): the current weights and settings go into a
//! folder as model.safetensors (with the preprocessing), split.json and train.py, and the
//! outcome is shown in the window's status line and the message strip; a folder that cannot
//! be made is reported there too. Driven through egui_kittest on the real App.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gradscope::experiment::{Preprocessing, parse_safetensors};
use gradscope::ui::files::FileKind;
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

#[test]
fn export_to_pytorch_writes_the_folder_and_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("torch");
    let mut harness = harness();
    harness.run_steps(2);
    harness
        .state_mut()
        .files_panel()
        .set_path(FileKind::ExportPytorch, &out.display().to_string());
    harness.run_steps(2);
    harness.get_by_label("Export to PyTorch").click();
    let message = outcome(&mut harness).expect("exported");
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
    let mut harness = harness();
    harness.run_steps(2);
    harness
        .state_mut()
        .files_panel()
        .set_path(FileKind::ExportPytorch, &blocked.display().to_string());
    harness.run_steps(2);
    harness.get_by_label("Export to PyTorch").click();
    let message = outcome(&mut harness).expect_err("refused");
    assert_eq!(
        message,
        format!(
            "{}: not a folder (a file of that name exists)",
            blocked.display()
        )
    );
    assert_eq!(harness.state().banner(), Some(&Banner::Error(message)));
}

#[test]
fn an_export_into_a_folder_that_is_not_empty_is_refused_and_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("mine");
    std::fs::create_dir(&out).expect("folder");
    std::fs::write(out.join("train.py"), "# my own script").expect("write");
    let mut harness = harness();
    harness.run_steps(2);
    harness
        .state_mut()
        .files_panel()
        .set_path(FileKind::ExportPytorch, &out.display().to_string());
    harness.run_steps(2);
    harness.get_by_label("Export to PyTorch").click();
    let message = outcome(&mut harness).expect_err("refused");
    assert_eq!(
        message,
        format!(
            "{}: the folder is not empty (it holds train.py): export into a new or empty folder",
            out.display()
        )
    );
    assert_eq!(
        std::fs::read_to_string(out.join("train.py")).expect("kept"),
        "# my own script"
    );
}
