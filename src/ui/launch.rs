//! Opening the native window from the command line's [`WindowArgs`]: the starting data set
//! and model, the view, presentation mode, an experiment file, a scripted screenshot, and the
//! settings remembered from the last launch.

use crate::train::presets::Preset;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::cli::{WindowArgs, builtin_dataset};
use crate::data::{DataSource, FileImport, ImportReport, SynthKind, load_now};
use crate::experiment::DatasetRef;
use crate::train::TrainConfig;
use crate::ui::app::{AppOptions, GradscopeApp, ScreenshotPlan, restore};
use crate::ui::state::{AppMode, DataSettings, DatasetChoice};

/// Opens the window and runs it until it is closed. Bad arguments print one line and give
/// exit status 2; a window that cannot open (no display) gives 1.
pub fn run_window(args: WindowArgs) -> ExitCode {
    match prepare(&args) {
        Ok((options, mode, report)) => open(args, options, mode, report),
        Err(message) => {
            eprintln!("gradscope: {message}");
            ExitCode::from(2)
        }
    }
}

/// The app's starting options and view from the arguments, and the importer's report of a
/// `--data` file.
///
/// # Errors
/// A one-line reason: an unreadable `--data`, an unknown `--dataset` or `--mode`, a
/// `--quit-after` out of range or a `--screenshot` path that cannot be written.
fn prepare(args: &WindowArgs) -> Result<(AppOptions, AppMode, Option<ImportReport>), String> {
    let mut report = None;
    let mut options = AppOptions {
        autoplay: !args.paused,
        open: args.open.clone(),
        ..AppOptions::default()
    };
    if let Some(path) = &args.data {
        // The same route and defaults as `train --data` and the import wizard.
        let mut source =
            DataSource::auto(std::path::absolute(path).unwrap_or_else(|_| path.clone()));
        if let FileImport::Auto {
            label, bad_numbers, ..
        } = &mut source.import
        {
            label.clone_from(&args.label);
            if let Some(policy) = args.bad_numbers {
                *bad_numbers = policy;
            }
        }
        let loaded = load_now(&source).map_err(|e| e.to_string())?;
        for note in loaded.report.notes() {
            eprintln!("{}: {note}", loaded.report.source);
        }
        options.settings.train = TrainConfig::for_data(&loaded.dataset);
        options.settings.data.choice = DatasetChoice::Loaded(Arc::new(loaded.dataset));
        report = Some(loaded.report);
        options.settings.data.source = Some(DatasetRef::File {
            path: source.path,
            import: source.import,
        });
    } else if let Some(name) = &args.dataset {
        builtin_dataset(name, 1, None)?;
        options.settings.data = match SynthKind::parse(name) {
            Some(kind) => DataSettings::synth(kind),
            None if name.eq_ignore_ascii_case("mnist") => {
                options.settings.train = TrainConfig::for_shape(Some([1, 28, 28]));
                let mut settings = DataSettings::synth(SynthKind::Circle);
                settings.choice = DatasetChoice::Mnist;
                settings
            }
            None => {
                let mut settings = DataSettings::synth(SynthKind::Circle);
                settings.choice = DatasetChoice::Iris;
                settings.synth.train_ratio = 0.7;
                settings
            }
        };
    }
    if let Some(seconds) = args.quit_after
        && !(seconds.is_finite() && (0.0..=86_400.0).contains(&seconds))
    {
        return Err(format!(
            "--quit-after: give a number of seconds from 0 to 86400, got {seconds}"
        ));
    }
    if let Some(path) = &args.screenshot {
        check_screenshot_path(path)?;
    }
    if args.screenshot.is_some() || args.quit_after.is_some() {
        options.screenshot = Some(ScreenshotPlan {
            path: args.screenshot.clone(),
            after_secs: args.quit_after.unwrap_or(3.0),
            failed: Arc::new(AtomicBool::new(false)),
        });
    }
    if let Some(text) = &args.preset
        && Preset::parse(text).is_none()
    {
        let known: Vec<&str> = Preset::ALL.iter().map(|p| p.slug()).collect();
        return Err(format!(
            "--preset: unknown preset '{text}' (known: {})",
            known.join(" ")
        ));
    }
    // A broken experiment file is refused here, with its line and column, as `train --config`
    // refuses it; a window that opened on the default run would hide the error.
    if let Some(path) = &args.experiment {
        crate::experiment::Experiment::load(path).map_err(|e| e.to_string())?;
    }
    let mode = match args.mode.as_deref() {
        None => AppMode::NetworkLab,
        Some(text) => AppMode::parse(text).ok_or_else(|| {
            format!("--mode: unknown view '{text}' (known: lab lesson race memory)")
        })?,
    };
    Ok((options, mode, report))
}

/// A screenshot is written as PNG into an existing folder.
fn check_screenshot_path(path: &Path) -> Result<(), String> {
    let is_png = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("png"));
    if !is_png {
        return Err(format!(
            "--screenshot {}: the screenshot is saved as PNG, so the name must end in .png",
            path.display()
        ));
    }
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
    if folder.is_some_and(|folder| !folder.is_dir()) {
        return Err(format!(
            "--screenshot {}: the folder does not exist",
            path.display()
        ));
    }
    Ok(())
}

/// The window's size at first launch and with `--fresh`, in points.
const DEFAULT_SIZE: [f32; 2] = [1280.0, 800.0];

/// Runs eframe with the app.
fn open(
    args: WindowArgs,
    mut options: AppOptions,
    mode: AppMode,
    report: Option<ImportReport>,
) -> ExitCode {
    let failed = options.screenshot.as_ref().map_or_else(
        || Arc::new(AtomicBool::new(false)),
        |plan| Arc::clone(&plan.failed),
    );
    // Scripted runs (screenshots, timed quits) start from a known state and size; so do
    // runs that name their data or experiment on the command line.
    let scripted = options.screenshot.is_some();
    let restore_saved = !args.fresh
        && !scripted
        && args.data.is_none()
        && args.dataset.is_none()
        && args.experiment.is_none();
    let native_options = eframe::NativeOptions {
        viewport: eframe::egui::ViewportBuilder::default()
            .with_title("gradscope — watch neural networks learn")
            .with_inner_size(DEFAULT_SIZE)
            .with_min_inner_size([800.0, 500.0]),
        persist_window: !scripted,
        ..Default::default()
    };
    let (experiment, present, paused) = (args.experiment, args.present, args.paused);
    let fresh = args.fresh;
    let preset = args.preset.as_deref().and_then(Preset::parse);
    let result = eframe::run_native(
        "gradscope",
        native_options,
        Box::new(move |cc| {
            if !restore_saved {
                // egui's own remembered state (zoom, window positions) goes too: a fresh
                // start is egui's defaults.
                cc.egui_ctx
                    .memory_mut(|memory| *memory = Default::default());
            }
            crate::ui::edges::apply(&cc.egui_ctx);
            crate::ui::signals::close_on_signals(&cc.egui_ctx);
            if fresh {
                // eframe has already restored the remembered size; a fresh start is the
                // default size (and is remembered again on exit). The command is in points,
                // which presentation mode's zoom (set below, in effect from the first frame)
                // makes larger than pixels: 1280×800 points were 1920×1200 pixels.
                let zoom = if present {
                    crate::ui::present::PRESENTATION_ZOOM
                } else {
                    cc.egui_ctx.zoom_factor()
                };
                cc.egui_ctx
                    .send_viewport_cmd(eframe::egui::ViewportCommand::InnerSize(
                        eframe::egui::Vec2::from(DEFAULT_SIZE) / zoom,
                    ));
            }
            let mut recent = Vec::new();
            if restore_saved && let Some(storage) = cc.storage {
                let (settings, remembered) = restore(storage);
                if let Some(settings) = settings {
                    options.settings = settings;
                }
                recent = remembered;
            }
            let mut app = GradscopeApp::new(&cc.egui_ctx, options);
            if let Some(report) = report {
                app.keep_import_report(report);
            }
            if !recent.is_empty() {
                app.set_recent(recent);
            }
            if let Some(path) = experiment {
                app.open_experiment(&cc.egui_ctx, path);
            }
            if let Some(preset) = preset {
                app.load_preset(preset);
            }
            if present {
                app.set_presentation(&cc.egui_ctx, true);
            }
            app.set_mode(mode);
            // Like the network lab, the chosen view starts moving unless --paused is given.
            app.lesson().playing = mode == AppMode::Lesson && !paused;
            app.race().playing = mode == AppMode::Race && !paused;
            // Opening the Memory view starts its demo (set_mode) unless --paused was given.
            Ok(Box::new(app))
        }),
    );
    match result {
        Ok(()) if failed.load(Ordering::Relaxed) => ExitCode::FAILURE,
        Ok(()) => crate::ui::signals::exit_code().map_or(ExitCode::SUCCESS, ExitCode::from),
        Err(e) => {
            eprintln!(
                "gradscope: cannot open the window: {}. The window needs a display (X11 or \
                 Wayland); on a machine without one, run it under Xvfb: \
                 xvfb-run -a -s \"-screen 0 1280x800x24\" gradscope",
                window_error(&e.to_string())
            );
            ExitCode::FAILURE
        }
    }
}

/// eframe's reason a window did not open, for people: without the source path winit puts in
/// it (`os error at /root/.cargo/…/mod.rs:765: `) and without a final period.
pub(crate) fn window_error(message: &str) -> String {
    let mut text = message.to_string();
    if let Some(start) = text.find("os error at ")
        && let Some(end) = text[start..].find(": ")
    {
        text.replace_range(start..start + end + 2, "");
    }
    text.trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::window_error;

    #[test]
    fn the_window_error_loses_winits_source_path() {
        let raw = "winit EventLoopError: os error at /root/.cargo/registry/src/index.crates.io-1/\
                   winit-0.30.13/src/platform_impl/linux/mod.rs:765: neither WAYLAND_DISPLAY nor \
                   WAYLAND_SOCKET nor DISPLAY is set.";
        assert_eq!(
            window_error(raw),
            "winit EventLoopError: neither WAYLAND_DISPLAY nor WAYLAND_SOCKET nor DISPLAY is set"
        );
        assert_eq!(window_error("no GL context."), "no GL context");
    }
}
