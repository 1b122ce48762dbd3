//! Helpers shared by the window tests (egui_kittest): the real App, paused, frames run until
//! a condition holds, and saving an experiment through the Files panel.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gradscope::ui::files::FileKind;
use gradscope::ui::{AppOptions, GradscopeApp, Settings};

/// The real App at `width`×`height` points on `settings`, paused.
pub fn paused_app(settings: Settings, width: f32, height: f32) -> Harness<'static, GradscopeApp> {
    Harness::builder()
        .with_size(eframe::egui::vec2(width, height))
        .build_eframe(move |cc| {
            GradscopeApp::new(
                &cc.egui_ctx,
                AppOptions {
                    autoplay: false,
                    settings,
                    screenshot: None,
                    open: None,
                    bench: None,
                },
            )
        })
}

/// Runs frames until `done` holds (the worker trains in real time) or 30 s pass.
pub fn run_until(
    harness: &mut Harness<'static, GradscopeApp>,
    done: impl Fn(&GradscopeApp) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done(harness.state()) {
        assert!(Instant::now() < deadline, "condition not reached in 30 s");
        std::thread::sleep(Duration::from_millis(20));
        harness.run_steps(1);
    }
}

/// Saves the experiment to `path` with the Files panel's *Save experiment*, and waits until
/// it is saved.
pub fn save_experiment(harness: &mut Harness<'static, GradscopeApp>, path: &std::path::Path) {
    harness
        .state_mut()
        .files_panel()
        .set_path(FileKind::SaveExperiment, &path.display().to_string());
    harness.run_steps(2);
    harness.get_by_label("Save experiment").click();
    run_until(harness, |app| {
        app.file_status()
            .is_some_and(|s| s.as_ref().is_ok_and(|s| s.starts_with("saved")))
    });
}
