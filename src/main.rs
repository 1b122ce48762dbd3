//! gradscope's entry point: parse the command line, then open the window or train headless.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::sync::Arc;

use clap::Parser;
use clap::error::ErrorKind;
use gradscope::cli::{Cli, CliCommand, WindowArgs, builtin_dataset, inspect, train_command};
use gradscope::data::{SynthKind, open_path};
use gradscope::experiment::{DatasetRef, FileImport};
use gradscope::train::TrainConfig;
use gradscope::ui::{
    AppMode, AppOptions, DataSettings, DatasetChoice, GradscopeApp, ScreenshotPlan, restore,
};

/// Prints a one-line reason and returns the usage-error exit code.
fn usage_error(message: &str) -> ExitCode {
    eprintln!("gradscope: {message}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            if matches!(
                err.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
            ) {
                let _ = err.print();
                return ExitCode::SUCCESS;
            }
            // clap's message up to the usage block, on one line.
            let text = err.to_string();
            let reason: Vec<&str> = text
                .lines()
                .take_while(|line| !line.trim().is_empty())
                .map(str::trim)
                .collect();
            let reason = reason.join(" ");
            return usage_error(reason.trim_start_matches("error: "));
        }
    };
    match cli.command {
        Some(CliCommand::Train(args)) => match train_command(&args, |line| eprintln!("{line}")) {
            Ok(report) => {
                if args.json {
                    match serde_json::to_string(&report) {
                        Ok(json) => println!("{json}"),
                        Err(e) => return usage_error(&e.to_string()),
                    }
                }
                ExitCode::SUCCESS
            }
            Err(message) => usage_error(&message),
        },
        Some(CliCommand::Inspect(args)) => match inspect(&args) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(message) => usage_error(&message),
        },
        Some(CliCommand::Memory(args)) => {
            match gradscope::memory::cli::memory_command(&args, |line| eprintln!("{line}")) {
                Ok(text) => {
                    println!("{text}");
                    ExitCode::SUCCESS
                }
                Err(message) => usage_error(&message),
            }
        }
        None => open_window(cli.window),
    }
}

fn open_window(args: WindowArgs) -> ExitCode {
    let mut options = AppOptions {
        autoplay: !args.paused,
        open: args.open.clone(),
        ..AppOptions::default()
    };
    if let Some(path) = &args.data {
        let loaded = open_path(path, args.label.as_deref(), 0.8, 1);
        match loaded {
            Ok(data) => {
                if data.image_shape.is_some() {
                    options.settings.train = TrainConfig::small_cnn();
                }
                options.settings.data.choice = DatasetChoice::Loaded(Arc::new(data));
                let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
                options.settings.data.source = Some(DatasetRef::File {
                    path,
                    import: FileImport::Auto {
                        label: args.label.clone(),
                        train_ratio: 0.8,
                        seed: 1,
                    },
                });
            }
            Err(e) => return usage_error(&e.to_string()),
        }
    } else if let Some(name) = &args.dataset {
        if let Err(message) = builtin_dataset(name, 1, None) {
            return usage_error(&message);
        }
        options.settings.data = match SynthKind::parse(name) {
            Some(kind) => DataSettings::synth(kind),
            None if name.eq_ignore_ascii_case("mnist") => {
                options.settings.train = TrainConfig::small_cnn();
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
        return usage_error(&format!(
            "--quit-after: give a number of seconds from 0 to 86400, got {seconds}"
        ));
    }
    if let Some(path) = &args.screenshot {
        let is_png = path
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("png"));
        if !is_png {
            return usage_error(&format!(
                "--screenshot {}: the screenshot is saved as PNG, so the name must end in .png",
                path.display()
            ));
        }
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
        if folder.is_some_and(|folder| !folder.is_dir()) {
            return usage_error(&format!(
                "--screenshot {}: the folder does not exist",
                path.display()
            ));
        }
    }
    let mode = match args.mode.as_deref().map(AppMode::parse) {
        None => AppMode::NetworkLab,
        Some(Some(mode)) => mode,
        Some(None) => {
            return usage_error(&format!(
                "--mode: unknown view '{}' (known: lab lesson race)",
                args.mode.as_deref().unwrap_or_default()
            ));
        }
    };
    let paused = args.paused;
    let failed = Arc::new(AtomicBool::new(false));
    if args.screenshot.is_some() || args.quit_after.is_some() {
        options.screenshot = Some(ScreenshotPlan {
            path: args.screenshot.clone(),
            after_secs: args.quit_after.unwrap_or(3.0),
            failed: Arc::clone(&failed),
        });
    }
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
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([800.0, 500.0]),
        persist_window: !scripted,
        ..Default::default()
    };
    let (experiment, present) = (args.experiment.clone(), args.present);
    let result = eframe::run_native(
        "gradscope",
        native_options,
        Box::new(move |cc| {
            let mut recent = Vec::new();
            if restore_saved && let Some(storage) = cc.storage {
                let (settings, remembered) = restore(storage);
                if let Some(settings) = settings {
                    options.settings = settings;
                }
                recent = remembered;
            }
            let mut app = GradscopeApp::new(&cc.egui_ctx, options);
            if !recent.is_empty() {
                app.set_recent(recent);
            }
            if let Some(path) = experiment {
                app.open_experiment(&cc.egui_ctx, path);
            }
            if present {
                app.set_presentation(&cc.egui_ctx, true);
            }
            app.set_mode(mode);
            // Like the network lab, the chosen view starts moving unless --paused is given.
            app.lesson().playing = mode == AppMode::Lesson && !paused;
            app.race().playing = mode == AppMode::Race && !paused;
            Ok(Box::new(app))
        }),
    );
    match result {
        Ok(()) if failed.load(Ordering::Relaxed) => ExitCode::FAILURE,
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gradscope: cannot open the window: {e}");
            ExitCode::FAILURE
        }
    }
}
