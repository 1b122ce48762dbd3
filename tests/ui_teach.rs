//! The teaching panels in the real App (egui_kittest): the network view draws the traced
//! sample, the backprop stepper advances phase by phase and shows formulas with the engine's
//! numbers, the gradient check passes, and a doctor banner's remedy works in one click.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gradscope::train::doctor::DetectorId;
use gradscope::train::presets::Preset;
use gradscope::ui::controls::PRESETS_MENU;
use gradscope::ui::stepper::{delta_lines, forward_lines};
use gradscope::ui::typeset::{factor, number, plain};
use gradscope::ui::{GradscopeApp, Settings};

mod ui_common;
use ui_common::{paused_app, run_until};

fn harness() -> Harness<'static, GradscopeApp> {
    paused_app(Settings::default(), 1400.0, 900.0)
}

fn has_trace(app: &GradscopeApp) -> bool {
    app.snapshot()
        .and_then(|s| s.trace.as_ref())
        .is_some_and(|t| t.trace.is_ok())
}

/// Opens the Teach section's presets menu and clicks the preset `name`.
fn click_preset(harness: &mut Harness<'static, GradscopeApp>, name: &str) {
    harness.get_by_label(PRESETS_MENU).click();
    harness.run_steps(2);
    harness.get_by_label(name).click();
}

#[test]
fn the_network_tab_draws_the_traced_sample() {
    let mut harness = harness();
    harness.run_steps(3);
    assert!(harness.state().snapshot().is_none_or(|s| s.trace.is_none()));
    harness.get_by_label("Network view").click();
    run_until(&mut harness, has_trace);
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label_contains("training sample 1 · circles: activation a")
            .is_some()
    );
    let snapshot = harness.state().snapshot().expect("snapshot").clone();
    let view = snapshot.trace.as_ref().expect("trace");
    let trace = view.trace.as_ref().expect("traceable");
    // Default network: 2 → 16 Tanh → 16 Tanh → 2.
    let units: Vec<usize> = trace.layers.iter().map(|l| l.units()).collect();
    assert_eq!(units, [16, 16, 2]);
    // Leaving the tab stops the trace requests.
    harness.get_by_label("Weight heatmaps").click();
    run_until(&mut harness, |app| {
        app.snapshot().is_some_and(|s| s.trace.is_none())
    });
}

#[test]
fn the_stepper_advances_a_phase_and_shows_formulas_with_numbers() {
    let mut harness = harness();
    harness.run_steps(2);
    click_preset(&mut harness, "XOR, 2-2-1 sigmoid (backprop by hand)");
    run_until(&mut harness, |app| {
        has_trace(app) && app.data().train.len() == 4 && app.stepper().is_open()
    });
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label("Phase 1 of 6: forward through layer 1")
            .is_some()
    );
    // The followed sample is counted from 1, as the network view and the boundary count.
    assert!(harness.query_by_label_contains("sample 1: x = (").is_some());
    assert!(harness.query_by_label_contains("sample 0:").is_none());
    let snapshot = harness.state().snapshot().expect("snapshot").clone();
    let trace = snapshot
        .trace
        .as_ref()
        .and_then(|t| t.trace.as_ref().ok())
        .expect("trace")
        .clone();
    // The first forward line is z1 = x1·w11 + x2·w21 + b1 = … with the engine's numbers,
    // negative factors in parentheses.
    let first = plain(&forward_lines(&trace.layers[0], 0).remove(0));
    assert!(first.starts_with(&format!(
        "z1 = {}·{} + {}·{} + {} = {}",
        factor(trace.input[(0, 0)]),
        factor(trace.layers[0].weight[(0, 0)]),
        factor(trace.input[(0, 1)]),
        factor(trace.layers[0].weight[(1, 0)]),
        factor(trace.layers[0].bias[0]),
        number(trace.layers[0].z[(0, 0)])
    )));
    assert!(harness.query_by_label(&first).is_some(), "{first}");

    // Next three times: layer 2 forward, the loss, backward through layer 2.
    for _ in 0..3 {
        harness.get_by_label("Next ▶").click();
        harness.run_steps(2);
    }
    assert_eq!(harness.state().stepper().phase_index(), 3);
    assert!(
        harness
            .query_by_label("Phase 4 of 6: backward through layer 2 (δ)")
            .is_some()
    );
    assert!(
        harness
            .query_by_label("δj = ∂E/∂zj = ∂E/∂aj · f'(zj)")
            .is_some()
    );
    let delta = plain(&delta_lines(&trace, 1, 0).remove(0));
    // δ = σ'(z)·∂E/∂a with σ' = o(1 − o) and ∂E/∂a = 2(o − t) for the one output.
    let o = trace.output[(0, 0)];
    let expected = o * (1.0 - o) * trace.grad_output[(0, 0)];
    assert!((trace.layers[1].delta[(0, 0)] - expected).abs() < 1e-12);
    assert!(
        delta.ends_with(&format!("= {}", number(expected))),
        "{delta}"
    );
    assert!(harness.query_by_label(&delta).is_some(), "{delta}");
    // The → key of the lead's shortcut uses the same method.
    harness.state_mut().stepper_mut().next_phase();
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label("Phase 5 of 6: backward through layer 1 (δ)")
            .is_some()
    );
    harness.get_by_label("◀ Back").click();
    harness.run_steps(2);
    assert_eq!(harness.state().stepper().phase_index(), 3);
    // → twice more reaches the update; once more takes that training step and starts the
    // phases again (it did nothing at the update).
    let step = harness.state().step();
    for _ in 0..2 {
        harness.key_press(eframe::egui::Key::ArrowRight);
        harness.run_steps(2);
    }
    assert_eq!(harness.state().stepper().phase_index(), 5);
    assert_eq!(harness.state().step(), step);
    harness.key_press(eframe::egui::Key::ArrowRight);
    run_until(&mut harness, |app| app.step() == step + 1);
    assert_eq!(harness.state().stepper().phase_index(), 0);
    // Next and Back stay on screen with the phase's numbers scrolled below them.
    assert!(harness.query_by_label("Next ▶").is_some());
}

#[test]
fn the_gradient_check_window_passes_every_tensor() {
    let mut harness = harness();
    harness.run_steps(2);
    harness.get_by_label("Gradient check…").click();
    run_until(&mut harness, |app| app.gradcheck().report().is_some());
    harness.run_steps(2);
    let report = harness
        .state()
        .gradcheck()
        .report()
        .expect("report")
        .clone();
    let rows = report.rows.expect("rows");
    assert_eq!(rows.len(), 6);
    assert!(
        rows.iter().all(|r| r.passed && r.max_rel_error < 1e-6),
        "{rows:?}"
    );
    assert_eq!(harness.query_all_by_label("pass").count(), 6);
    assert!(harness.query_by_label("FAIL").is_none());
}

#[test]
fn a_doctor_banner_offers_a_remedy_that_works_in_one_click() {
    let mut harness = harness();
    harness.run_steps(2);
    click_preset(&mut harness, "deep sigmoid: vanishing gradients");
    harness.run_steps(2);
    assert_eq!(harness.state().settings().train.hidden.len(), 10);
    harness.get_by_label("Play").click();
    run_until(&mut harness, |app| {
        app.doctor()
            .findings()
            .iter()
            .any(|d| d.id == DetectorId::VanishingGradients)
    });
    harness.get_by_label("Pause").click();
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label_contains("Vanishing gradients: the first layer's gradient is")
            .is_some()
    );
    assert!(harness.state().doctor().norm_count() > 0);
    harness.get_by_label("Switch to ReLU + He init").click();
    harness.run_steps(2);
    let hidden = &harness.state().settings().train.hidden;
    assert!(
        hidden
            .iter()
            .all(|l| l.activation == gradscope::nn::ActivationKind::Relu)
    );
    run_until(&mut harness, |app| {
        app.step() == 0 && app.doctor().findings().is_empty()
    });
    let _ = Preset::DeepSigmoid;
}

/// In presentation mode the message strip holds two lines: a finding's one-click remedy is
/// drawn before its long message, inside the window (after it, it was below the edge), and
/// the finding of the cause comes before its symptoms.
#[test]
fn in_presentation_mode_the_doctors_remedy_is_on_screen() {
    use eframe::egui::Key;
    let mut harness = paused_app(Settings::default(), 1280.0, 800.0);
    harness.run_steps(2);
    click_preset(&mut harness, "zero initial weights: symmetry");
    harness.run_steps(2);
    harness.key_press(Key::F);
    harness.run_steps(2);
    assert!(harness.state().presenting());
    harness.key_press(Key::Space);
    // The symmetric start also saturates the units a little later: the cause stays first
    // (the strip showed "saturated units" and lost the remedy for the symmetry).
    let has =
        |app: &GradscopeApp, id: DetectorId| app.doctor().findings().iter().any(|d| d.id == id);
    run_until(&mut harness, |app| {
        has(app, DetectorId::IdenticalUnits) && has(app, DetectorId::Saturation)
    });
    harness.key_press(Key::Space);
    harness.run_steps(2);
    assert_eq!(
        harness.state().doctor().findings()[0].id,
        DetectorId::IdenticalUnits
    );
    let screen = harness.ctx.content_rect();
    let remedy = harness.get_by_label("Random initial weights").rect();
    assert!(
        remedy.bottom() <= screen.bottom() && remedy.top() >= screen.top(),
        "the remedy at {remedy:?}, the window {screen:?}"
    );
}

/// The bottom edge of the widget labelled `label`, in points.
fn bottom_of(harness: &Harness<'static, GradscopeApp>, label: &str) -> f32 {
    harness.get_by_label(label).rect().bottom()
}

/// At 1280×800 the whole Teach section is inside the window (seven presets in a list ran
/// 80 points past its bottom edge), and every preset of its menu is too.
#[test]
fn the_teach_section_and_its_presets_fit_a_1280_by_800_window() {
    let mut harness = paused_app(Settings::default(), 1280.0, 800.0);
    harness.run_steps(3);
    for label in [PRESETS_MENU, "Backprop stepper…", "Gradient check…"] {
        let bottom = bottom_of(&harness, label);
        assert!(bottom <= 800.0, "{label} ends at {bottom}");
    }
    harness.get_by_label(PRESETS_MENU).click();
    harness.run_steps(2);
    for preset in Preset::ALL {
        let rect = harness.get_by_label(preset.name()).rect();
        assert!(
            rect.top() >= 0.0 && rect.bottom() <= 800.0 && rect.right() <= 1280.0,
            "{}: {rect:?}",
            preset.name()
        );
    }
    // A preset picked from the menu is applied (its 2-2-1 network on four points).
    harness.get_by_label(Preset::Backprop221.name()).click();
    run_until(&mut harness, |app| app.data().train.len() == 4);
    assert_eq!(harness.state().settings().train.hidden.len(), 1);
    assert_eq!(harness.state().settings().train.hidden[0].units, 2);
}

/// Presentation mode folds the controls; opened again (») they are zoomed 1.5× past the
/// window's bottom: the Teach section is out of sight at first, and scrolling the controls
/// brings it inside the window.
#[test]
fn in_presentation_mode_the_teach_section_scrolls_into_view() {
    let mut harness = paused_app(Settings::default(), 1280.0, 800.0);
    harness.run_steps(2);
    harness.get_by_label("Present").click();
    harness.run_steps(3);
    harness.get_by_label("»").click();
    harness.run_steps(3);
    // Zoomed, the window is 1280 / 1.5 × 800 / 1.5 points.
    let height = 800.0 / 1.5;
    let in_view = |harness: &Harness<'static, GradscopeApp>| {
        harness
            .query_by_label("Gradient check…")
            .is_some_and(|node| node.rect().bottom() <= height)
    };
    assert!(!in_view(&harness), "the zoomed controls should overflow");
    let mut scrolls = 0;
    while !in_view(&harness) {
        assert!(scrolls < 30, "not in view after {scrolls} scrolls");
        // Scroll the controls down 100 points, from whichever of their rows is on screen.
        let row = [
            "Controls",
            "Data",
            "Network",
            "Training",
            "Regularisation",
            "Teach",
        ]
        .into_iter()
        .find(|label| harness.query_by_label(label).is_some())
        .unwrap_or_else(|| panic!("no row of the controls on screen after {scrolls} scrolls"));
        harness.get_by_label(row).scroll_down();
        harness.run_steps(3);
        scrolls += 1;
    }
    assert!(scrolls >= 1);
    assert!(bottom_of(&harness, PRESETS_MENU) <= height);
}

/// On a projector the backprop stepper takes the left half, in place of the decision
/// boundary, so that a phase's formulas are on screen: under the network view it had room for
/// one line. The gradient plot, under its legend and statistics, keeps a readable height.
#[test]
fn in_presentation_mode_the_stepper_and_the_gradient_plot_have_room() {
    use eframe::egui::Key;
    let mut harness = paused_app(Settings::default(), 1280.0, 800.0);
    harness.run_steps(2);
    harness.get_by_label("Backprop stepper…").click();
    run_until(&mut harness, |app| {
        app.stepper().is_open() && has_trace(app)
    });
    harness.key_press(Key::F);
    harness.run_steps(3);
    assert!(harness.state().presenting());
    let strip = harness
        .get_by_label_contains("Training doctor")
        .rect()
        .top();
    // The target names the output unit from 1, as p_k in the loss phase (it said "class 0
    // blue" beside p_1).
    assert!(
        ["target blue (output 1)", "target orange (output 2)"]
            .iter()
            .any(|t| harness.query_by_label_contains(t).is_some())
    );
    let stepper = harness.state().panel_rect("Backprop stepper").unwrap();
    let network = harness.state().panel_rect("Network view").unwrap();
    assert!(stepper.right() <= network.left(), "{stepper:?} {network:?}");
    assert!(harness.state().panel_rect("Decision boundary").is_none());
    // The default network's first phase: z and a of the first four hidden units (eight
    // lines, some wrapped) are above the message strip.
    let snapshot = harness.state().snapshot().unwrap().clone();
    let trace = snapshot.trace.as_ref().unwrap().trace.as_ref().unwrap();
    let lines = forward_lines(&trace.layers[0], 0);
    let fourth = harness.get_by_label(&plain(&lines[7])).rect();
    assert!(
        fourth.bottom() <= strip && fourth.top() > stepper.top(),
        "{} at {fourth:?}, the strip at {strip}",
        plain(&lines[7])
    );

    // The Gradients tab after some steps: the boundary is back, and under the activation
    // statistics the plot has at least 100 points (it had about 55, its axis title cut, with
    // the statistics below the window's strip).
    harness.key_press(Key::Space);
    run_until(&mut harness, |app| {
        app.step() > 50 && app.doctor().stats.len() == 2
    });
    harness.key_press(Key::Space);
    harness.get_by_label("Gradients (doctor)").click();
    harness.run_steps(3);
    assert!(harness.state().panel_rect("Decision boundary").is_some());
    let stats = harness.get_by_label_contains("Tanh 2:").rect();
    assert!(
        stats.bottom() + 100.0 <= strip,
        "the statistics end at {}, the strip starts at {strip}",
        stats.bottom()
    );
}

/// The stepper takes → only while it is on screen: with another tab in front, → is one
/// training step and the hidden stepper keeps its phase (it advanced unseen).
#[test]
fn a_hidden_stepper_leaves_the_arrow_key_to_training() {
    use eframe::egui::Key;
    let mut harness = harness();
    harness.run_steps(2);
    harness.get_by_label("Backprop stepper…").click();
    run_until(&mut harness, |app| {
        app.stepper().is_open() && has_trace(app)
    });
    harness.key_press(Key::ArrowRight);
    harness.run_steps(2);
    assert_eq!(harness.state().stepper().phase_index(), 1);
    harness.get_by_label("Gradients (doctor)").click();
    harness.run_steps(2);
    let step = harness.state().step();
    harness.key_press(Key::ArrowRight);
    run_until(&mut harness, |app| app.step() == step + 1);
    assert_eq!(harness.state().stepper().phase_index(), 1);
}

/// On a projector the network view of the XOR preset, with the stepper closed, fits above
/// the message strip (its lower half was under it).
#[test]
fn in_presentation_mode_the_network_view_fits_its_panel() {
    use eframe::egui::Key;
    let mut harness = paused_app(Settings::default(), 1280.0, 800.0);
    harness.run_steps(2);
    click_preset(&mut harness, "XOR, 2-2-1 sigmoid (backprop by hand)");
    run_until(&mut harness, |app| {
        app.stepper().is_open() && has_trace(app)
    });
    harness.get_by_label("Close stepper").click();
    harness.key_press(Key::F);
    harness.run_steps(3);
    assert!(harness.state().presenting() && !harness.state().stepper().is_open());
    let strip = harness
        .get_by_label_contains("Training doctor")
        .rect()
        .top();
    let network = harness.state().panel_rect("Network view").unwrap();
    assert!(
        network.bottom() <= strip,
        "{network:?}, the strip at {strip}"
    );
}
