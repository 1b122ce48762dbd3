//! The teaching views of issue 13 driven through egui_kittest: drawing a digit on the canvas,
//! a feature-map pixel's arithmetic checked against a hand computation, and the XOR preset
//! starting paused at step 0 on its four points.

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use gradscope::data::SynthKind;
use gradscope::train::TrainConfig;
use gradscope::ui::controls::PRESETS_MENU;
use gradscope::ui::pixel::{PixelMath, explain};
use gradscope::ui::{DataSettings, DatasetChoice, GradscopeApp, Settings};

mod ui_common;
use ui_common::{paused_app, run_until, save_experiment};

/// The real App at 1280×800 on `settings`, paused.
fn paused_app_1280(settings: Settings) -> Harness<'static, GradscopeApp> {
    paused_app(settings, 1280.0, 800.0)
}

/// The bundled MNIST digits with the Small CNN, paused.
fn mnist() -> Harness<'static, GradscopeApp> {
    let mut data = DataSettings::synth(SynthKind::Circle);
    data.choice = DatasetChoice::Mnist;
    paused_app_1280(Settings {
        data,
        train: TrainConfig::small_cnn(),
        speed: None,
    })
}

fn probabilities(app: &GradscopeApp) -> Option<(bool, Vec<f32>)> {
    let maps = app.snapshot()?.feature_maps.as_ref()?;
    Some((maps.drawn, maps.probabilities.clone()))
}

/// Opens the Teach section's presets menu and clicks the preset `name`.
fn click_preset(harness: &mut Harness<'static, GradscopeApp>, name: &str) {
    harness.get_by_label(PRESETS_MENU).click();
    harness.run_steps(2);
    harness.get_by_label(name).click();
}

#[test]
fn drawing_a_stroke_on_the_canvas_changes_the_probabilities() {
    let mut harness = mnist();
    run_until(&mut harness, |app| app.has_feature_maps());
    harness.run_steps(2);
    let (drawn, before) = probabilities(harness.state()).unwrap();
    assert!(!drawn);
    harness.get_by_label("Draw a digit").click();
    harness.run_steps(2);
    let canvas = harness.get_by_label("digit canvas").rect();
    // A vertical stroke down the middle: a "1".
    let top = canvas.center_top() + eframe::egui::vec2(0.0, canvas.height() * 0.15);
    harness.hover_at(top);
    harness.drag_at(top);
    harness.run_steps(1);
    for k in 1..=10 {
        harness.hover_at(top + eframe::egui::vec2(0.0, canvas.height() * 0.07 * k as f32));
        harness.run_steps(1);
    }
    harness.drop_at(top + eframe::egui::vec2(0.0, canvas.height() * 0.7));
    harness.run_steps(1);
    run_until(&mut harness, |app| {
        probabilities(app).is_some_and(|(drawn, _)| drawn)
    });
    let (_, after) = probabilities(harness.state()).unwrap();
    assert_eq!(after.len(), 10);
    assert!((after.iter().sum::<f32>() - 1.0).abs() < 1e-4, "{after:?}");
    let change: f32 = before.iter().zip(&after).map(|(a, b)| (a - b).abs()).sum();
    assert!(
        change > 1e-3,
        "the probabilities did not move: {before:?} → {after:?}"
    );
    // The drawn input is the stroke, centred: ink in the middle column, none in the corners.
    let maps = harness
        .state()
        .snapshot()
        .unwrap()
        .feature_maps
        .clone()
        .unwrap();
    let input = &maps.input.values;
    assert_eq!(input.len(), 784);
    assert!(
        input[14 * 28 + 14] > 0.5 || input[14 * 28 + 13] > 0.5,
        "no ink at the centre"
    );
    assert_eq!(input[0] + input[27] + input[27 * 28] + input[783], 0.0);
    assert!(
        harness
            .query_by_label_contains("your drawing · predicted")
            .is_some()
    );
}

#[test]
fn a_clicked_conv_pixel_shows_the_arithmetic_of_a_hand_computation() {
    let mut harness = mnist();
    run_until(&mut harness, |app| app.has_feature_maps());
    harness.run_steps(2);
    harness
        .get_by_label("feature map: Conv2d 1 · 8×26×26 channel 2")
        .click();
    harness.run_steps(3);
    let pixel = harness.state().selected_pixel().expect("no pixel chosen");
    assert_eq!((pixel.layer, pixel.channel), (0, 1));
    // The tile's centre is pixel (13, 13) of 26×26.
    assert!(
        (12..=13).contains(&pixel.y) && (12..=13).contains(&pixel.x),
        "{pixel:?}"
    );
    let snapshot = harness.state().snapshot().unwrap().clone();
    let maps = snapshot.feature_maps.as_ref().unwrap();
    let filters = &snapshot.kernels[0];
    // By hand: z = Σ_ky Σ_kx x[y+ky, x+kx] · w[ky, kx] + b (stride 1, no padding, 1 channel).
    let mut z = filters.biases[1];
    for ky in 0..3 {
        for kx in 0..3 {
            let x = maps.input.values[(pixel.y + ky) * 28 + pixel.x + kx];
            let w = filters.weights[9 + ky * 3 + kx];
            z += x * w;
        }
    }
    let stored = maps.layers[0].values[(26 + pixel.y) * 26 + pixel.x];
    assert!(
        (z - stored).abs() < 1e-5,
        "hand {z} vs the network's {stored}"
    );
    let explanation = explain(maps, &snapshot.kernels, pixel).unwrap();
    let PixelMath::Conv {
        z: explained,
        activation,
        ..
    } = explanation.math
    else {
        panic!("not a conv pixel: {explanation:?}");
    };
    assert!((explained - z).abs() < 1e-5);
    let (_, a) = activation.expect("the Small CNN has ReLU after its convolutions");
    assert_eq!(a, z.max(0.0));
    let shown = gradscope::ui::typeset::number(f64::from(explained));
    let line = harness.get_by_label_contains("z = Σ + b = ");
    let text = line.value().unwrap_or_default();
    assert!(
        text.ends_with(&format!("= {shown}")),
        "{text} ≠ … = {shown}"
    );
    // The tab and the panel's heading.
    assert_eq!(harness.query_all_by_label("Pixel arithmetic").count(), 2);
}

/// In presentation mode at 1280×800 the confusion matrix and the pixel arithmetic fit their
/// panel: the loss panel gives up room to these tables (at 56 % of the column the matrix
/// showed seven of its ten rows), and a 3×3 grid that does not fit its row goes to the next
/// (the products ran past the window's right edge).
/// In presentation mode the lab's four tabs do not all fit the right column's row: they
/// take two rows of two, not three and "Runs" alone below.
#[test]
fn in_presentation_mode_the_tabs_share_two_rows_evenly() {
    use eframe::egui::Key;
    let mut harness = paused_app_1280(Settings::default());
    let top = |h: &Harness<'static, GradscopeApp>, name: &str| h.get_by_label(name).rect().top();
    assert_eq!(top(&harness, "Weight heatmaps"), top(&harness, "Runs"));
    harness.key_press(Key::F);
    harness.run_steps(3);
    assert!(harness.state().presenting());
    let first = top(&harness, "Weight heatmaps");
    assert_eq!(top(&harness, "Network view"), first);
    let second = top(&harness, "Gradients (doctor)");
    assert!(second > first, "one row: {first} {second}");
    assert_eq!(top(&harness, "Runs"), second);
}

#[test]
fn in_presentation_mode_the_tables_of_numbers_fit_their_panel() {
    use eframe::egui::Key;
    let mut harness = mnist();
    run_until(&mut harness, |app| app.has_feature_maps());
    harness.key_press(Key::F);
    harness.run_steps(2);
    assert!(harness.state().presenting());
    let screen = harness.ctx.content_rect();
    harness.get_by_label("Confusion matrix").click();
    harness.run_steps(3);
    let strip = harness
        .get_by_label_contains("Training doctor")
        .rect()
        .top();
    let matrix = harness.state().panel_rect("Confusion matrix").unwrap();
    assert!(
        matrix.bottom() <= strip,
        "{matrix:?} runs under the strip at {strip}"
    );
    harness
        .get_by_label("feature map: Conv2d 1 · 8×26×26 channel 2")
        .click();
    harness.run_steps(3);
    assert!(harness.state().selected_pixel().is_some());
    for caption in ["input patch x", "weights w", "products x·w"] {
        let rect = harness.get_by_label(caption).rect();
        assert!(rect.right() <= screen.right(), "{caption} at {rect:?}");
    }
    // Back to a tab of pictures, the loss panel has its room and both plots again.
    harness.get_by_label("Kernels").click();
    harness.run_steps(3);
    let loss = harness.state().panel_rect("Loss").unwrap();
    assert!(loss.height() > 0.5 * (strip - loss.top()), "{loss:?}");
}

#[test]
fn a_clicked_pool_pixel_names_the_winner_of_its_window() {
    let mut harness = mnist();
    run_until(&mut harness, |app| app.has_feature_maps());
    harness.run_steps(2);
    harness
        .get_by_label("feature map: MaxPool2d 1 · 8×13×13 channel 1")
        .click();
    harness.run_steps(3);
    let pixel = harness.state().selected_pixel().unwrap();
    let snapshot = harness.state().snapshot().unwrap().clone();
    let maps = snapshot.feature_maps.as_ref().unwrap();
    let explanation = explain(maps, &snapshot.kernels, pixel).unwrap();
    let PixelMath::Pool { window, winner, .. } = explanation.math else {
        panic!("not a pool pixel");
    };
    // The pool's input is conv 1 after ReLU.
    let conv = &maps.layers[0].values;
    let mut hand = Vec::new();
    for ky in 0..2 {
        for kx in 0..2 {
            hand.push(conv[(2 * pixel.y + ky) * 26 + 2 * pixel.x + kx].max(0.0));
        }
    }
    assert_eq!(window, hand);
    let max = hand.iter().copied().fold(f32::MIN, f32::max);
    assert_eq!(window[winner], max);
    assert_eq!(explanation.stored, max);
}

#[test]
fn the_xor_preset_starts_paused_at_step_zero_on_four_points() {
    let mut harness = paused_app_1280(Settings::default());
    harness.run_steps(2);
    harness.get_by_label("Play").click();
    run_until(&mut harness, |app| app.step() > 20);
    click_preset(&mut harness, "XOR, 2-2-1 sigmoid (backprop by hand)");
    harness.run_steps(2);
    std::thread::sleep(Duration::from_millis(300));
    harness.run_steps(3);
    assert_eq!(harness.state().step(), 0);
    std::thread::sleep(Duration::from_millis(300));
    harness.run_steps(3);
    assert_eq!(harness.state().step(), 0, "the preset did not stay paused");
    let data = harness.state().data().clone();
    assert_eq!((data.train.len(), data.test.len()), (4, 0));
    let config = &harness.state().settings().train;
    assert_eq!(config.hidden.len(), 1);
    assert_eq!(config.hidden[0].units, 2);
    assert!(harness.query_by_label_contains("Step 0 ·").is_some());
}

#[test]
fn a_banner_appearing_does_not_move_the_tabs_or_the_panels() {
    use gradscope::nn::OptimizerKind;
    use gradscope::ui::Banner;
    let mut settings = Settings {
        data: DataSettings::synth(SynthKind::Line),
        speed: None,
        ..Settings::default()
    };
    settings.train.hidden.clear();
    settings.train.optimizer.kind = OptimizerKind::Sgd;
    settings.train.optimizer.learning_rate = 10.0;
    settings.train.batch_size = 1000;
    let mut harness = paused_app_1280(settings);
    harness.run_steps(2);
    let tab = harness.get_by_label("Network view").rect();
    let heading = harness.get_by_label("Loss").rect();
    assert!(harness.state().banner().is_none());
    harness.get_by_label("Play").click();
    run_until(&mut harness, |app| {
        matches!(app.banner(), Some(Banner::Diverged(..)))
    });
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label_contains("diverged at step")
            .is_some()
    );
    assert_eq!(harness.get_by_label("Network view").rect(), tab);
    assert_eq!(harness.get_by_label("Loss").rect(), heading);
    // A click where the tab was lands on the tab.
    harness.get_by_label("Network view").click();
    harness.run_steps(2);
    run_until(&mut harness, |app| {
        app.snapshot().is_some_and(|s| s.trace.is_some())
    });
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label_contains("circles: activation a")
            .is_some()
    );
}

#[test]
fn a_reopened_experiment_counts_on_from_its_saved_step_with_its_curves() {
    use gradscope::experiment::Experiment;
    let dir = std::env::temp_dir().join(format!("gradscope-reopen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("run.json");
    let mut harness = paused_app_1280(Settings::default());
    harness.run_steps(2);
    for _ in 0..3 {
        harness.get_by_label("Step").click();
        harness.run_steps(1);
    }
    run_until(&mut harness, |app| app.step() == 3);
    save_experiment(&mut harness, &path);
    let saved = Experiment::load(&path).unwrap();
    assert_eq!(saved.weights.as_ref().unwrap().step, 3);

    // A new window opens the file: the counter says step 3 and the three losses are back.
    let mut reopened = paused_app_1280(Settings::default());
    reopened.run_steps(2);
    let ctx = reopened.ctx.clone();
    reopened.state_mut().open_experiment(&ctx, path.clone());
    run_until(&mut reopened, |app| app.step() == 3);
    reopened.run_steps(3);
    assert_eq!(reopened.state().step(), 3);
    assert!(reopened.query_by_label_contains("Step 3 ·").is_some());
    let losses = reopened.state().loss_history();
    assert_eq!(losses.total_steps(), 3);
    // The next step is step 4.
    reopened.get_by_label("Step").click();
    run_until(&mut reopened, |app| app.step() == 4);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hidden_units_carry_heatmaps_and_zero_initial_weights_make_them_identical() {
    let mut harness = paused_app_1280(Settings::default());
    harness.run_steps(2);
    click_preset(&mut harness, "zero initial weights: symmetry");
    run_until(&mut harness, |app| {
        app.snapshot().is_some_and(|s| s.neurons.is_some()) && app.data().train.len() == 4
    });
    let maps = harness.state().snapshot().unwrap().neurons.clone().unwrap();
    // One hidden layer of two sigmoid units, each a full grid of outputs in (0, 1).
    assert_eq!(maps.layers.len(), 1);
    assert_eq!(maps.layers[0].len(), 2);
    let cells = maps.resolution * maps.resolution;
    for unit in &maps.layers[0] {
        assert_eq!(unit.len(), cells);
        assert!(unit.iter().all(|&v| v > 0.0 && v < 1.0));
    }
    // With every weight zero both units compute the same thing everywhere.
    assert_eq!(maps.layers[0][0], maps.layers[0][1]);
    // The XOR preset's random weights make them differ.
    click_preset(&mut harness, "XOR, 2-2-1 sigmoid (backprop by hand)");
    run_until(&mut harness, |app| {
        app.snapshot()
            .and_then(|s| s.neurons.as_ref())
            .is_some_and(|m| m.layers[0][0] != m.layers[0][1])
    });
}

/// On images the stepper, which follows Dense networks on feature data, is greyed (it opened
/// onto nothing, and then took the → key from training).
#[test]
fn on_images_the_stepper_is_greyed_and_the_arrow_key_still_steps() {
    use eframe::egui::Key;
    let mut harness = mnist();
    run_until(&mut harness, |app| app.has_feature_maps());
    let button = harness.get_by_label("Backprop stepper…");
    assert!(button.accesskit_node().is_disabled());
    button.click();
    harness.run_steps(2);
    assert!(!harness.state().stepper().is_open());
    let step = harness.state().step();
    harness.key_press(Key::ArrowRight);
    run_until(&mut harness, |app| app.step() == step + 1);
}
