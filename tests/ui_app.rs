//! The real App driven through egui_kittest (no GPU, no window).

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gradscope::ui::{AppMode, GradscopeApp};

mod ui_common;
use ui_common::{paused_app, run_until};

/// The real App, paused at start, with `settings`, in a window of `size`.
fn harness_with(
    settings: gradscope::ui::Settings,
    size: eframe::egui::Vec2,
) -> Harness<'static, GradscopeApp> {
    paused_app(settings, size.x, size.y)
}

fn harness() -> Harness<'static, GradscopeApp> {
    harness_with(
        gradscope::ui::Settings::default(),
        eframe::egui::vec2(1280.0, 800.0),
    )
}

/// Runs frames until a widget labelled `label` shows up, or fails with `why` after 20 s.
fn wait_for_label(harness: &mut Harness<'static, GradscopeApp>, label: &str, why: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while harness.query_by_label(label).is_none() {
        assert!(Instant::now() < deadline, "{why}");
        std::thread::sleep(Duration::from_millis(20));
        harness.run_steps(1);
    }
}

/// Lets the last events of a pause arrive, then checks that the step count no longer moves;
/// returns the step it stopped at.
fn settled_step(harness: &mut Harness<'static, GradscopeApp>) -> u64 {
    harness.run_steps(2);
    std::thread::sleep(Duration::from_millis(300));
    harness.run_steps(2);
    let paused_at = harness.state().step();
    std::thread::sleep(Duration::from_millis(300));
    harness.run_steps(2);
    assert_eq!(
        harness.state().step(),
        paused_at,
        "training went on after the pause"
    );
    paused_at
}

fn counter_step(harness: &Harness<'static, GradscopeApp>) -> u64 {
    let node = harness.get_by_label_contains("· epoch");
    let label = node.value().unwrap_or_default();
    label
        .trim_start_matches("Step ")
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("cannot read the step counter from {label:?}"))
}

#[test]
fn panels_are_present() {
    let mut harness = harness();
    harness.run_steps(3);
    for heading in ["Controls", "Loss", "Decision boundary", "Weights"] {
        harness.get_by_label(heading);
    }
    for control in ["Play", "Step", "Reset", "learning rate", "batch size"] {
        assert!(
            harness
                .query_all_by_label_contains(control)
                .next()
                .is_some(),
            "control {control:?} is missing"
        );
    }
}

#[test]
fn play_makes_the_step_counter_rise_and_pause_stops_it() {
    let mut harness = harness();
    harness.run_steps(3);
    assert_eq!(counter_step(&harness), 0);

    harness.get_by_label("Play").click();
    run_until(&mut harness, |app| app.step() > 20);
    harness.run_steps(2);
    assert!(counter_step(&harness) > 20);

    harness.get_by_label("Pause").click();
    harness.run_steps(2);
    // Let the last events arrive, then check that nothing moves any more.
    std::thread::sleep(Duration::from_millis(300));
    harness.run_steps(2);
    let paused_at = harness.state().step();
    std::thread::sleep(Duration::from_millis(400));
    harness.run_steps(3);
    assert_eq!(harness.state().step(), paused_at);
    assert_eq!(counter_step(&harness), paused_at);
    assert!(harness.query_by_label("Play").is_some());
}

#[test]
fn step_button_takes_exactly_one_step() {
    let mut harness = harness();
    harness.run_steps(3);
    harness.get_by_label("Step").click();
    run_until(&mut harness, |app| app.step() >= 1);
    std::thread::sleep(Duration::from_millis(200));
    harness.run_steps(3);
    assert_eq!(harness.state().step(), 1);
}

#[test]
fn a_silly_learning_rate_shows_the_divergence_banner_and_the_app_survives() {
    use gradscope::data::SynthKind;
    use gradscope::nn::OptimizerKind;
    use gradscope::ui::{Banner, DataSettings, Settings};

    let mut settings = Settings {
        data: DataSettings::synth(SynthKind::Line),
        speed: None,
        ..Settings::default()
    };
    settings.train.hidden.clear();
    settings.train.optimizer.kind = OptimizerKind::Sgd;
    settings.train.optimizer.learning_rate = 10.0;
    settings.train.batch_size = 1000;
    let mut harness = harness_with(settings, eframe::egui::vec2(1280.0, 800.0));
    harness.run_steps(2);
    harness.get_by_label("Play").click();
    run_until(&mut harness, |app| {
        matches!(app.banner(), Some(Banner::Diverged(..)))
    });
    harness.run_steps(2);
    let Some(Banner::Diverged(message, _)) = harness.state().banner().cloned() else {
        panic!("no divergence banner")
    };
    let step: u64 = message
        .trim_start_matches("diverged at step ")
        .split(':')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected message {message:?}"));
    assert_eq!(
        message,
        format!("diverged at step {step}: lower the learning rate or normalise the inputs")
    );
    assert!(
        harness.query_by_label_contains(&message).is_some(),
        "banner not on screen"
    );
    assert_eq!(harness.state().step(), step - 1);
    // Paused, and the banner offers a reset that starts again from step 0.
    assert!(harness.query_by_label("Play").is_some());
    let resets: Vec<_> = harness.get_all_by_label("Reset").collect();
    assert_eq!(resets.len(), 2, "control panel and banner both offer Reset");
    resets[1].click();
    run_until(&mut harness, |app| {
        app.banner().is_none() && app.step() == 0
    });
}

#[test]
fn mnist_shows_one_feature_map_tile_per_channel_of_each_layer() {
    use gradscope::data::SynthKind;
    use gradscope::train::TrainConfig;
    use gradscope::ui::{DataSettings, DatasetChoice, Settings};

    let mut data = DataSettings::synth(SynthKind::Circle);
    data.choice = DatasetChoice::Mnist;
    let settings = Settings {
        data,
        train: TrainConfig::small_cnn(),
        speed: None,
    };
    let mut harness = harness_with(settings, eframe::egui::vec2(1400.0, 2000.0));
    run_until(&mut harness, |app| app.has_feature_maps());
    harness.run_steps(2);
    harness.get_by_label("Feature maps");
    // conv8k3 → 8×26×26, pool2 → 8×13×13, conv16k3 → 16×11×11, pool2 → 16×5×5
    for (layer, channels) in [
        ("Conv2d 1 · 8×26×26", 8),
        ("MaxPool2d 1 · 8×13×13", 8),
        ("Conv2d 2 · 16×11×11", 16),
        ("MaxPool2d 2 · 16×5×5", 16),
    ] {
        let tiles = harness
            .query_all_by_label_contains(&format!("feature map: {layer} channel"))
            .count();
        assert_eq!(tiles, channels, "{layer}");
    }
    assert_eq!(
        harness.query_all_by_label_contains("feature map: ").count(),
        48
    );
    assert!(harness.query_by_label_contains("input image").is_some());
}

#[test]
fn space_toggles_play_and_pause() {
    let mut harness = harness();
    harness.run_steps(3);
    harness.key_press(eframe::egui::Key::Space);
    run_until(&mut harness, |app| app.step() > 10);
    harness.key_press(eframe::egui::Key::Space);
    settled_step(&mut harness);
}

#[test]
fn a_file_that_fails_to_load_leaves_the_session_training() {
    let dir = std::env::temp_dir().join(format!("gradscope-ui-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "x1,x2,label\n\"1.0,2.0,a\n3.0,4.0,b\n").expect("write");

    let mut harness = harness();
    harness.run_steps(2);
    harness.get_by_label("Play").click();
    run_until(&mut harness, |app| app.step() > 5);
    let ctx = harness.ctx.clone();
    harness.state_mut().open_data(&ctx, bad.clone());
    run_until(&mut harness, |app| app.import_error().is_some());
    harness.run_steps(2);
    let message = harness.state().import_error().map(str::to_string);
    assert_eq!(
        message.as_deref(),
        Some(
            format!(
                "{}:2:1: unterminated quote (the quoted cell starting here never ends)",
                bad.display()
            )
            .as_str()
        )
    );
    assert!(
        harness
            .query_by_label_contains("unterminated quote")
            .is_some()
    );
    assert_eq!(harness.state().data().name, "spiral");
    let before = harness.state().step();
    run_until(&mut harness, |app| app.step() > before + 5);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_good_csv_goes_through_the_wizard_into_training() {
    let dir = std::env::temp_dir().join(format!("gradscope-ui-good-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let good = dir.join("points.csv");
    let mut text = String::from("a;b;label\n");
    for i in 0..40 {
        text.push_str(&format!("{},5;{},25;{}\n", i % 7, i % 5, i % 2));
    }
    std::fs::write(&good, text).expect("write");

    let mut harness = harness();
    harness.run_steps(2);
    let ctx = harness.ctx.clone();
    harness.state_mut().open_data(&ctx, good);
    run_until(&mut harness, |_| true);
    wait_for_label(
        &mut harness,
        "Train on it",
        "the wizard did not show its review",
    );
    assert!(harness.query_by_label("decimal comma").is_some());
    harness.get_by_label("Train on it").click();
    run_until(&mut harness, |app| {
        assert_eq!(app.import_error(), None);
        app.data().name == "points.csv"
    });
    let data = harness.state().data().clone();
    assert_eq!(data.feature_names, ["a", "b"]);
    assert_eq!(data.n_classes(), Some(2));
    assert_eq!(data.train.len() + data.test.len(), 40);
    // Decimal commas were read: a = 0,5 … 6,5 and b = 0,25 … 4,25 before standardisation.
    let s = data.standardizer.as_ref().expect("standardised");
    assert!(
        s.mean.iter().all(|m| m.fract() != 0.0),
        "means {:?}",
        s.mean
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A file dropped on the window, as the native integration would hand it to egui.
#[derive(Debug)]
struct DroppedPath(std::path::PathBuf);

impl eframe::egui::DroppedFile for DroppedPath {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn dropping_a_file_on_the_window_opens_the_wizard_with_its_columns() {
    let dir = std::env::temp_dir().join(format!("gradscope-ui-drop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("dropped.tsv");
    let mut text = String::from("width\theight\tkind\n");
    for i in 0..30 {
        text.push_str(&format!(
            "{}\t{}\t{}\n",
            i % 9,
            i % 4,
            ["cat", "dog"][i % 2]
        ));
    }
    std::fs::write(&file, text).expect("write");

    let mut harness = harness();
    harness.run_steps(2);
    assert!(harness.query_by_label("Train on it").is_none());
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(DroppedPath(file.clone())));
    wait_for_label(
        &mut harness,
        "Train on it",
        "the drop did not open the wizard",
    );
    // The review shows what was understood: tab-separated, three columns, the label last.
    assert!(
        harness
            .query_by_label_contains("30 rows × 3 columns")
            .is_some()
    );
    assert!(harness.query_by_label("kind (label)").is_some());
    harness.get_by_label("Train on it").click();
    run_until(&mut harness, |app| app.data().name == "dropped.tsv");
    assert_eq!(harness.state().data().n_classes(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dropping_an_image_folder_shows_its_classes_and_trains_at_the_most_common_size() {
    let dir = std::env::temp_dir().join(format!("gradscope-ui-folder-{}", std::process::id()));
    let root = dir.join("shapes");
    for (class, sizes) in [("round", [12u32, 12, 8]), ("square", [12, 12, 12])] {
        std::fs::create_dir_all(root.join(class)).expect("class dir");
        for (i, &side) in sizes.iter().enumerate() {
            let image = image::GrayImage::from_fn(side, side, |x, y| {
                image::Luma([((x * 20 + y * 3 + i as u32 * 7) % 256) as u8])
            });
            image
                .save(root.join(class).join(format!("{i}.png")))
                .expect("png");
        }
    }
    std::fs::write(root.join(".DS_Store"), b"\0\0").expect("hidden file");

    let mut harness = harness();
    harness.run_steps(2);
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(DroppedPath(root.clone())));
    wait_for_label(
        &mut harness,
        "Train on it",
        "the drop did not open the wizard",
    );
    assert!(harness.query_by_label("2 classes found").is_some());
    assert!(harness.query_by_label("round: 3, square: 3").is_some());
    harness.get_by_label("Train on it").click();
    run_until(&mut harness, |app| app.data().name == "shapes");
    // 12×12 is the most common size (5 of 6 images); the 8×8 one was resized to it.
    let data = harness.state().data().clone();
    assert_eq!(data.image_shape, Some([1, 12, 12]));
    assert_eq!(data.train.len() + data.test.len(), 6);
    assert_eq!(data.n_classes(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn presentation_mode_zooms_and_hides_the_advanced_controls() {
    use eframe::egui::Key;
    let mut harness = harness();
    harness.run_steps(2);
    let normal_zoom = harness.ctx.zoom_factor();
    assert!(harness.query_by_label("Open data…").is_some());
    assert!(harness.query_by_label("seed").is_some());
    harness.key_press(Key::F);
    harness.run_steps(2);
    assert!(harness.state().presenting());
    assert_eq!(
        harness.ctx.zoom_factor(),
        gradscope::ui::present::PRESENTATION_ZOOM
    );
    // On the projector the controls start folded into a strip with Play, Step and Reset.
    assert!(harness.query_all_by_label("learning rate").next().is_none());
    assert!(harness.query_by_label("Step").is_some());
    harness.get_by_label("»").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("Open data…").is_none());
    assert!(harness.query_by_label("seed").is_none());
    assert!(harness.query_all_by_label("learning rate").next().is_some());
    harness.get_by_label("Exit presentation").click();
    harness.run_steps(2);
    assert!(!harness.state().presenting());
    assert_eq!(harness.ctx.zoom_factor(), normal_zoom);
    assert!(harness.query_by_label("Open data…").is_some());
}

#[test]
fn keyboard_shortcuts_step_reset_and_open_the_help() {
    use eframe::egui::Key;
    let mut harness = harness();
    harness.run_steps(2);
    assert_eq!(harness.state().title(), "gradscope · spiral · seed 1");
    harness.key_press(Key::ArrowRight);
    run_until(&mut harness, |app| app.step() == 1);
    harness.key_press(Key::ArrowRight);
    run_until(&mut harness, |app| app.step() == 2);
    harness.key_press(Key::R);
    run_until(&mut harness, |app| app.step() == 0);
    assert!(harness.query_by_label("Keyboard shortcuts").is_none());
    harness.key_press(Key::H);
    harness.run_steps(2);
    assert!(harness.query_by_label("Keyboard shortcuts").is_some());
    assert!(
        harness
            .query_by_label("reset to the same initial weights (same seed)")
            .is_some()
    );
    // H again closes it, and so does Escape.
    harness.key_press(Key::H);
    harness.run_steps(2);
    assert!(harness.query_by_label("Keyboard shortcuts").is_none());
    harness.key_press(Key::F1);
    harness.run_steps(2);
    assert!(harness.query_by_label("Keyboard shortcuts").is_some());
    harness.key_press(Key::Escape);
    harness.run_steps(2);
    assert!(harness.query_by_label("Keyboard shortcuts").is_none());
}

/// Space, → and R drive the gradient-descent lesson, the optimizer race and the memory's
/// recall in their views (the 45-minute lesson in the README says "press Step (→)"), and
/// leave the lab's run alone.
#[test]
fn the_keys_drive_the_lesson_and_the_race_in_their_views() {
    use eframe::egui::Key;
    let mut harness = harness();
    harness.run_steps(2);
    let lab_step = harness.state().step();
    harness.state_mut().set_mode(AppMode::Lesson);
    harness.run_steps(2);
    assert_eq!(harness.state_mut().lesson().run().steps(), 0);
    harness.key_press(Key::ArrowRight);
    harness.run_steps(1);
    harness.key_press(Key::ArrowRight);
    harness.run_steps(1);
    assert_eq!(harness.state_mut().lesson().run().steps(), 2);
    harness.key_press(Key::Space);
    harness.run_steps(1);
    assert!(harness.state_mut().lesson().playing);
    harness.key_press(Key::Space);
    harness.run_steps(1);
    assert!(!harness.state_mut().lesson().playing);
    harness.key_press(Key::R);
    harness.run_steps(1);
    assert_eq!(harness.state_mut().lesson().run().steps(), 0);

    harness.state_mut().set_mode(AppMode::Race);
    harness.run_steps(2);
    assert_eq!(harness.state_mut().race().race.steps(), 0);
    for _ in 0..3 {
        harness.key_press(Key::ArrowRight);
        harness.run_steps(1);
    }
    assert_eq!(harness.state_mut().race().race.steps(), 3);
    harness.key_press(Key::Space);
    harness.run_steps(1);
    assert!(harness.state_mut().race().playing);
    harness.key_press(Key::R);
    harness.run_steps(1);
    assert_eq!(harness.state_mut().race().race.steps(), 0);
    assert!(!harness.state_mut().race().playing);
    // In the memory view the keys drive the recall (they did nothing there).
    harness.state_mut().set_mode(AppMode::Memory);
    harness.state_mut().memory().start_demo();
    run_until(&mut harness, |app| app.memory_ref().stored().len() == 3);
    harness.run_steps(2);
    let was = harness.state().memory_ref().is_playing();
    harness.key_press(Key::Space);
    harness.run_steps(2);
    assert_eq!(harness.state().memory_ref().is_playing(), !was);
    harness.key_press(Key::ArrowRight);
    harness.run_steps(2);
    assert!(!harness.state().memory_ref().is_playing());
    harness.key_press(Key::Space);
    harness.run_steps(2);
    assert!(harness.state().memory_ref().is_playing());
    harness.key_press(Key::R);
    harness.run_steps(2);
    assert!(!harness.state().memory_ref().is_playing());
    // The lab's run did not move meanwhile.
    assert_eq!(harness.state().step(), lab_step);
}

/// A temporary folder for one test.
fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("gradscope-ui-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs frames until the files window reports an outcome; returns it.
fn file_outcome(harness: &mut Harness<'static, GradscopeApp>) -> Result<String, String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = harness.state().file_status()
            && status.as_ref().map_or(true, |s| !s.ends_with('…'))
        {
            return status.clone();
        }
        assert!(Instant::now() < deadline, "no outcome in 20 s");
        std::thread::sleep(Duration::from_millis(20));
        harness.run_steps(1);
    }
}

#[test]
fn save_experiment_writes_settings_weights_and_history_that_load_back() {
    use gradscope::experiment::{DatasetRef, Experiment};
    use gradscope::ui::files::FileKind;
    let dir = temp_dir("save");
    let path = dir.join("run.json");
    let metrics = dir.join("run.csv");
    let mut harness = harness();
    harness.run_steps(2);
    harness.get_by_label("Step").click();
    run_until(&mut harness, |app| app.step() == 1);
    let app = harness.state_mut();
    app.files_panel()
        .set_path(FileKind::SaveExperiment, &path.display().to_string());
    app.files_panel()
        .set_path(FileKind::ExportMetrics, &metrics.display().to_string());
    harness.run_steps(2);
    harness.get_by_label("Save experiment").click();
    let outcome = file_outcome(&mut harness);
    assert_eq!(
        outcome,
        Ok(format!("saved {} (with weights)", path.display()))
    );

    let experiment = Experiment::load(&path).expect("loads");
    assert!(
        matches!(experiment.dataset, DatasetRef::Synth(c) if c.kind == gradscope::data::SynthKind::Spiral)
    );
    assert_eq!(
        experiment
            .train
            .hidden
            .iter()
            .map(|h| h.units)
            .collect::<Vec<_>>(),
        [16, 16]
    );
    let weights = experiment.weights.as_ref().expect("weights saved");
    assert_eq!((weights.step, weights.epoch), (1, 0));
    assert_eq!(
        experiment.history.as_ref().expect("history").losses.len(),
        1
    );

    harness.get_by_label("Export metrics").click();
    harness.run_steps(1);
    let outcome = file_outcome(&mut harness);
    assert_eq!(outcome, Ok(format!("saved {}", metrics.display())));
    let text = std::fs::read_to_string(&metrics).expect("csv");
    assert!(text.starts_with("run,kind,step,"), "{text}");
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("run 1,step,1,"))
            .count(),
        1,
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn opening_a_lesson_file_restores_its_settings_and_shows_its_steps() {
    let dir = temp_dir("lesson");
    let path = dir.join("lesson.json");
    std::fs::write(
        &path,
        r#"{
  "format_version": 1,
  "title": "XOR needs a hidden layer",
  "dataset": { "synth": { "kind": "Xor", "samples": 200, "noise": 0.1, "train_ratio": 0.5, "seed": 3 } },
  "train": { "hidden": [ { "units": 3, "activation": "Tanh" } ], "batch_size": 8, "seed": 7 },
  "lesson": { "locked": ["learning_rate"], "hidden": ["seed"],
              "steps": [ { "title": "1. Press Play", "text": "Watch the boundary bend." },
                         { "title": "2. Remove the layer", "text": "What happens now?" } ] }
}"#,
    )
    .expect("write");
    let mut harness = harness();
    harness.run_steps(2);
    let ctx = harness.ctx.clone();
    harness.state_mut().open_experiment(&ctx, path.clone());
    run_until(&mut harness, |app| app.data().name == "xor");
    harness.run_steps(2);
    let app = harness.state();
    assert_eq!(app.settings().train.seed, 7);
    assert_eq!(app.settings().train.hidden.len(), 1);
    assert_eq!(app.data().train.len() + app.data().test.len(), 200);
    assert_eq!(app.title(), "gradscope · xor · seed 7");
    assert!(harness.query_by_label("1. Press Play").is_some());
    // The lesson hides the seed and locks the learning rate; the batch size stays free.
    use egui_kittest::kittest::NodeT;
    assert!(harness.query_by_label("seed").is_none());
    let disabled = |label: &str| -> Vec<bool> {
        harness
            .query_all_by_label(label)
            .map(|n| n.accesskit_node().is_disabled())
            .collect()
    };
    assert!(!disabled("learning rate").is_empty());
    assert!(disabled("learning rate").iter().all(|&d| d));
    assert!(disabled("batch size").iter().all(|&d| !d));
    harness.get_by_label("Next ▶").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("2. Remove the layer").is_some());
    assert!(harness.query_by_label("step 2 of 2").is_some());

    // A damaged file changes nothing and says what is wrong, with line and column.
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        "{\n  \"format_version\": 1,\n  \"dataset\": \"mnist\",\n  \"train\": {",
    )
    .expect("write");
    harness.state_mut().open_experiment(&ctx, bad.clone());
    let outcome = file_outcome(&mut harness);
    assert_eq!(
        outcome,
        Err(format!(
            "{}: line 4, column 12: EOF while parsing an object",
            bad.display()
        ))
    );
    assert_eq!(harness.state().data().name, "xor");
    let _ = std::fs::remove_dir_all(&dir);
}

/// eframe storage in memory.
#[derive(Default)]
struct MemoryStorage(std::collections::HashMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

#[test]
fn settings_and_recent_files_survive_a_restart() {
    use eframe::{App, Storage};
    let mut settings = gradscope::ui::Settings::default();
    settings.train.seed = 42;
    settings.train.optimizer.learning_rate = 0.003;
    settings.speed = None;
    let mut harness = harness_with(settings, eframe::egui::vec2(1280.0, 800.0));
    harness.run_steps(2);
    harness
        .state_mut()
        .set_recent(vec!["/data/a.csv".into(), "/data/b".into()]);
    let mut storage = MemoryStorage::default();
    harness.state_mut().save(&mut storage);

    let (restored, recent) = gradscope::ui::restore(&storage);
    let restored = restored.expect("settings restored");
    assert_eq!(restored.train.seed, 42);
    assert_eq!(restored.train.optimizer.learning_rate, 0.003);
    assert_eq!(restored.speed, None);
    assert_eq!(restored.data.choice.label(), "spiral");
    assert_eq!(
        recent,
        [std::path::PathBuf::from("/data/a.csv"), "/data/b".into()]
    );

    // Damaged storage is ignored, not fatal.
    let mut damaged = MemoryStorage::default();
    damaged.set_string(gradscope::ui::app::STORAGE_SETTINGS, "{ not json".into());
    damaged.set_string(gradscope::ui::app::STORAGE_RECENT, "[1, 2".into());
    let (restored, recent) = gradscope::ui::restore(&damaged);
    assert!(restored.is_none() && recent.is_empty());
}

/// The window size eframe stores in presentation mode is at zoom 1.5 (1280×800 pixels are
/// 853.3333×533.3333 points): saving must store the normal zoom's size, or the next launch
/// opens a window two thirds as large.
#[test]
fn a_session_ended_in_presentation_mode_keeps_the_window_size() {
    use eframe::{App, Storage};
    let stored = |zoomed: &str| {
        format!(
            "(normal_geometry:(outer_position_pixels:Some((x:0.0,y:0.0)),scale_factor:1.0,\
             inner_size_points:{zoomed}),fullscreen:false,maximized:false)"
        )
    };
    let size = |storage: &MemoryStorage| {
        let text = storage
            .get_string(gradscope::ui::app::STORAGE_WINDOW)
            .expect("window stored");
        let start = text.find("inner_size_points:").expect("size") + "inner_size_points:".len();
        text[start..text[start..].find(')').expect("end") + start + 1].to_string()
    };
    let mut harness = harness();
    harness.run_steps(2);
    let ctx = harness.ctx.clone();
    harness.state_mut().set_presentation(&ctx, true);
    harness.run_steps(2);
    let mut storage = MemoryStorage::default();
    // What eframe writes just before App::save, from a 1280×800 window at zoom 1.5.
    storage.set_string(
        gradscope::ui::app::STORAGE_WINDOW,
        stored("(x:853.3333,y:533.3333)"),
    );
    harness.state_mut().save(&mut storage);
    assert_eq!(size(&storage), "(x:1280.0,y:800.0)");
    assert!(
        storage
            .get_string(gradscope::ui::app::STORAGE_WINDOW)
            .expect("kept")
            .contains("outer_position_pixels:Some((x:0.0,y:0.0))")
    );

    // At the normal zoom the stored size is left as eframe wrote it.
    harness.state_mut().set_presentation(&ctx, false);
    harness.run_steps(2);
    storage.set_string(
        gradscope::ui::app::STORAGE_WINDOW,
        stored("(x:1280.0,y:800.0)"),
    );
    harness.state_mut().save(&mut storage);
    assert_eq!(size(&storage), "(x:1280.0,y:800.0)");
}

#[test]
fn leaving_the_lab_pauses_it_and_coming_back_resumes_it() {
    let mut harness = harness();
    harness.run_steps(2);
    harness.get_by_label("Play").click();
    run_until(&mut harness, |app| app.step() > 5);
    harness.get_by_label("Gradient descent").click();
    let paused_at = settled_step(&mut harness);
    harness.get_by_label("Network lab").click();
    run_until(&mut harness, |app| app.step() > paused_at + 5);
}

#[test]
fn an_idx_file_opened_in_the_wizard_is_the_data_set_the_command_line_builds() {
    use gradscope::data::{DataSource, load_now};
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("assets/mnist/t10k-images-idx3-ubyte.gz");
    let expected = load_now(&DataSource::auto(&path)).expect("loads").dataset;
    let mut harness = harness();
    harness.run_steps(2);
    let ctx = harness.ctx.clone();
    harness.state_mut().open_data(&ctx, path);
    wait_for_label(
        &mut harness,
        "Train on it",
        "the wizard did not offer the IDX file",
    );
    harness.get_by_label("Train on it").click();
    run_until(&mut harness, |app| {
        assert_eq!(app.import_error(), None);
        app.data().name == expected.name
    });
    let data = harness.state().data().clone();
    // The same split, rows and labels as `--data`, `train` and `inspect` get.
    assert_eq!((data.train.len(), data.test.len()), (8_000, 2_000));
    assert_eq!(
        (data.train.len(), data.test.len()),
        (expected.train.len(), expected.test.len())
    );
    assert_eq!(data.train.labels, expected.train.labels);
    assert_eq!(data.test.labels, expected.test.labels);
}

/// Typing a number into a control applies it when the typing is done (Enter), not at every
/// key: typing `5e-4` as the learning rate must never train at 5 (its first key), which blew
/// a running session up.
#[test]
fn a_typed_learning_rate_applies_only_when_entered() {
    let mut harness = harness();
    harness.run_steps(3);
    let before = harness.state().settings().train.optimizer.learning_rate;
    assert_eq!(before, 0.01);
    // The slider's value box (the "0.01" on the slider's row): a click starts editing its
    // text, selected whole, so typing replaces it.
    let row = harness
        .query_all_by_label("learning rate")
        .next()
        .expect("the learning rate slider")
        .rect()
        .center()
        .y;
    let box_at = |harness: &Harness<'static, GradscopeApp>, value: &str| {
        harness
            .query_all_by_value(value)
            .find(|node| (node.rect().center().y - row).abs() < 8.0)
            .map(|node| node.rect().center())
            .expect("the learning rate's value box")
    };
    let at = box_at(&harness, "0.01");
    harness
        .query_all_by_value("0.01")
        .find(|node| node.rect().center() == at)
        .expect("box")
        .click();
    harness.run_steps(2);
    let editing = || egui_kittest::kittest::by().predicate(|node| node.is_focused());
    harness.get(editing()).type_text("5");
    harness.run_steps(2);
    assert_eq!(
        harness.state().settings().train.optimizer.learning_rate,
        before,
        "applied while typing"
    );
    harness.get(editing()).type_text("e-4");
    harness.run_steps(2);
    assert_eq!(
        harness.state().settings().train.optimizer.learning_rate,
        before
    );
    harness.key_press(eframe::egui::Key::Enter);
    harness.run_steps(3);
    assert_eq!(
        harness.state().settings().train.optimizer.learning_rate,
        5e-4
    );
    // Text that is not a number changes nothing and says so; a rate above the slider's end
    // (10) is taken as typed and shown as it is, not as 10.
    let enter = |harness: &mut Harness<'static, GradscopeApp>, shown: &str, text: &str| {
        let at = box_at(harness, shown);
        harness
            .query_all_by_value(shown)
            .find(|node| node.rect().center() == at)
            .expect("box")
            .click();
        harness.run_steps(2);
        harness.get(editing()).type_text(text);
        harness.key_press(eframe::egui::Key::Enter);
        harness.run_steps(3);
    };
    enter(&mut harness, "5e-4", "nan");
    assert_eq!(
        harness.state().settings().train.optimizer.learning_rate,
        5e-4
    );
    harness.get_by_label("\"nan\" is not a number: the learning rate stays 5e-4");
    enter(&mut harness, "5e-4", "1e6");
    assert_eq!(
        harness.state().settings().train.optimizer.learning_rate,
        1e6
    );
    box_at(&harness, "1e6");
}
