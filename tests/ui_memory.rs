//! The Memory view driven through egui_kittest (no GPU, no window): storing two letters and
//! recalling one from 20 % noise ends on "recalled", and drawing on the canvas changes the
//! pattern that is stored; side by side, a second run plays the same cue under synchronous
//! dynamics and names its own end; continuous dynamics plots u over time and recalls.

use std::time::{Duration, Instant};

use eframe::egui::{Event, Modifiers, PointerButton};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gradscope::memory::{EndState, StateName};
use gradscope::ui::{AppMode, AppOptions, GradscopeApp};

/// The real App, paused, in the Memory view, at 1280×800.
fn harness() -> Harness<'static, GradscopeApp> {
    let mut harness = Harness::builder()
        .with_size(eframe::egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| {
            GradscopeApp::new(
                &cc.egui_ctx,
                AppOptions {
                    autoplay: false,
                    ..AppOptions::default()
                },
            )
        });
    harness.run_steps(2);
    harness.get_by_label("Memory").click();
    harness.run_steps(3);
    assert_eq!(harness.state().mode(), AppMode::Memory);
    harness
}

/// Opening the Memory view from the bar after the lab (not paused) plays the demo, as
/// `--mode memory` does: the first three letters are stored one by one.
#[test]
fn opening_memory_from_the_bar_plays_the_demo_unless_paused() {
    let mut app = Harness::builder()
        .with_size(eframe::egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| GradscopeApp::new(&cc.egui_ctx, AppOptions::default()));
    app.run_steps(2);
    assert!(app.state_mut().memory().stored().is_empty());
    app.get_by_label("Memory").click();
    app.run_steps(2);
    run_until(&mut app, |app| app.memory().stored().len() == 3);
    assert_eq!(stored_labels(&mut app), ["A", "B", "C"]);
    // The paused app (harness()) opens the view empty.
    let mut paused = harness();
    paused.run_steps(5);
    assert!(paused.state_mut().memory().stored().is_empty());
}

/// The labels of the stored patterns, in storing order.
fn stored_labels(harness: &mut Harness<'static, GradscopeApp>) -> Vec<String> {
    let memory = harness.state_mut().memory();
    memory.stored().iter().map(|p| p.label.clone()).collect()
}

/// Runs frames until `done` holds or 20 s pass.
fn run_until(
    harness: &mut Harness<'static, GradscopeApp>,
    done: impl Fn(&mut GradscopeApp) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done(harness.state_mut()) {
        assert!(Instant::now() < deadline, "condition not reached in 20 s");
        std::thread::sleep(Duration::from_millis(10));
        harness.run_steps(1);
    }
}

#[test]
fn storing_two_letters_and_recalling_one_from_20_percent_noise_ends_on_recalled() {
    let mut harness = harness();
    harness.get_by_label("Tick first 2").click();
    harness.run_steps(1);
    harness.get_by_label("Store ticked").click();
    run_until(&mut harness, |app| app.memory().stored().len() == 2);
    assert_eq!(stored_labels(&mut harness), ["A", "B"]);
    harness.get_by_label("2 patterns stored · P/N = 0.014");
    // The default cue: pattern 1 with 20 % of its bits flipped, asynchronous dynamics.
    harness.get_by_label("as fast as possible").click();
    harness.run_steps(1);
    harness.get_by_label("Play").click();
    run_until(&mut harness, |app| app.memory().end().is_some());
    harness.run_steps(2);
    assert_eq!(
        harness.state_mut().memory().end(),
        Some(&EndState::Fixed(StateName::Pattern(0)))
    );
    harness.get_by_label("Ended: recalled pattern 1 (A)");
    // Empty forgets every pattern: cueing and recalling are off, and the view says why
    // (they stayed on and did nothing).
    let disabled = |harness: &Harness<'static, GradscopeApp>, label: &str| {
        use egui_kittest::kittest::NodeT;
        harness.get_by_label(label).accesskit_node().is_disabled()
    };
    assert!(!disabled(&harness, "New cue"));
    harness.get_by_label("Empty").click();
    run_until(&mut harness, |app| app.memory().stored().is_empty());
    harness.run_steps(2);
    assert!(disabled(&harness, "New cue"));
    assert!(disabled(&harness, "Step"));
    harness
        .get_by_label("No pattern is stored: tick patterns and press Store ticked, then cue one");
}

#[test]
fn drawing_on_the_canvas_changes_the_stored_pattern() {
    let mut harness = harness();
    assert!(
        harness
            .state_mut()
            .memory()
            .drawing()
            .iter()
            .all(|&s| s == -1)
    );
    let canvas = harness.get_by_label("memory canvas").rect();
    // A stroke across the middle row, from the left edge to the right.
    let row = canvas.left_center() + eframe::egui::vec2(2.0, 0.0);
    harness.hover_at(row);
    harness.drag_at(row);
    harness.run_steps(1);
    for k in 1..=12 {
        harness.hover_at(row + eframe::egui::vec2(canvas.width() * 0.08 * k as f32, 0.0));
        harness.run_steps(1);
    }
    harness.drop_at(canvas.right_center() - eframe::egui::vec2(2.0, 0.0));
    harness.run_steps(1);
    // 12×12 grid: the middle row is row 6; every cell of it is ink now, nothing else.
    let drawing = harness.state_mut().memory().drawing().to_vec();
    let ink: Vec<usize> = (0..144).filter(|&i| drawing[i] == 1).collect();
    assert_eq!(ink, (72..84).collect::<Vec<_>>());
    // Drawing ticked the drawing (and nothing else is ticked): store it.
    harness.get_by_label("Store ticked").click();
    run_until(&mut harness, |app| app.memory().stored().len() == 1);
    let stored = harness.state_mut().memory().stored()[0].clone();
    assert_eq!(stored.label, "drawing");
    assert_eq!(stored.spins, drawing);
}

#[test]
fn a_fast_stroke_paints_every_cell_it_crosses() {
    let mut harness = harness();
    let canvas = harness.get_by_label("memory canvas").rect();
    // Down at the left edge of the top row, then across the whole row in two frames: the
    // pointer jumps six cells at a time.
    let start = canvas.left_top() + eframe::egui::vec2(2.0, canvas.height() / 24.0);
    harness.hover_at(start);
    harness.drag_at(start);
    harness.run_steps(1);
    harness.hover_at(start + eframe::egui::vec2(canvas.width() * 0.5, 0.0));
    harness.run_steps(1);
    harness.drop_at(start + eframe::egui::vec2(canvas.width() - 4.0, 0.0));
    harness.run_steps(1);
    // 12×12 grid: every cell of row 0 is ink, nothing else.
    let drawing = harness.state_mut().memory().drawing().to_vec();
    let ink: Vec<usize> = (0..144).filter(|&i| drawing[i] == 1).collect();
    assert_eq!(ink, (0..12).collect::<Vec<_>>());
}

#[test]
fn a_flick_that_moves_and_releases_in_one_frame_paints_its_cells() {
    let mut harness = harness();
    let canvas = harness.get_by_label("memory canvas").rect();
    // Pressed on the first cell of row 2 (12×12 grid) and held for a frame; then the whole
    // flick across the row and the release reach the window in one frame, before egui has
    // decided that the press is a drag (xdotool, or a quick flick on a busy machine).
    let row_2 = canvas.top() + canvas.height() * 2.5 / 12.0;
    let start = eframe::egui::pos2(canvas.left() + 2.0, row_2);
    let end = eframe::egui::pos2(canvas.right() - 4.0, row_2);
    harness.hover_at(start);
    harness.drag_at(start);
    harness.run_steps(1);
    // Both events in one frame, as the window delivers them (the harness's own helpers give
    // each event a frame of its own).
    harness.input_mut().events.extend([
        Event::PointerMoved(end),
        Event::PointerButton {
            pos: end,
            button: PointerButton::Primary,
            pressed: false,
            modifiers: Modifiers::NONE,
        },
    ]);
    harness.run_steps(1);
    let drawing = harness.state_mut().memory().drawing().to_vec();
    let ink: Vec<usize> = (0..144).filter(|&i| drawing[i] == 1).collect();
    assert_eq!(ink, (24..36).collect::<Vec<_>>());
}

#[test]
fn side_by_side_plays_the_same_cue_under_synchronous_dynamics_too() {
    let mut harness = harness();
    harness.get_by_label("Tick first 2").click();
    harness.run_steps(1);
    harness.get_by_label("Store ticked").click();
    run_until(&mut harness, |app| app.memory().stored().len() == 2);
    harness.get_by_label("Side by side").click();
    harness.get_by_label("as fast as possible").click();
    harness.run_steps(1);
    harness.get_by_label("Play").click();
    run_until(&mut harness, |app| app.memory().end().is_some());
    // The second run (synchronous, Hebbian, same cue) reports its own end state.
    let deadline = Instant::now() + Duration::from_secs(20);
    while harness
        .query_by_label_contains("B: Synchronous, Hebbian ended: ")
        .is_none()
    {
        assert!(Instant::now() < deadline, "the second run never ended");
        std::thread::sleep(Duration::from_millis(10));
        harness.run_steps(1);
    }
    harness.get_by_label("Ended: recalled pattern 1 (A)");
    harness.get_by_label("E (B)");
}

#[test]
fn continuous_dynamics_plots_each_traced_neurons_potential_and_recalls() {
    let mut harness = harness();
    harness.get_by_label("Tick first 2").click();
    harness.run_steps(1);
    harness.get_by_label("Store ticked").click();
    run_until(&mut harness, |app| app.memory().stored().len() == 2);
    harness
        .get_all_by_role(eframe::egui::accesskit::Role::ComboBox)
        .find(|node| node.value().as_deref() == Some("Asynchronous"))
        .expect("the dynamics menu")
        .click();
    harness.run_steps(2);
    harness.get_by_label("Continuous (τ du/dt)").click();
    harness.run_steps(2);
    harness.get_by_label("as fast as possible").click();
    harness.run_steps(1);
    harness.get_by_label("Play").click();
    run_until(&mut harness, |app| app.memory().end().is_some());
    harness.run_steps(2);
    // Gain β = 4 is above the critical gain: the state settles on pattern 1.
    assert_eq!(
        harness.state_mut().memory().end(),
        Some(&EndState::Fixed(StateName::Pattern(0)))
    );
    let curves = harness.state_mut().memory().potentials().to_vec();
    assert_eq!(curves.len(), 5, "five traced neurons");
    for curve in &curves {
        assert!(curve.len() > 2, "u was traced over time");
        // Time runs forward and each u ends where tanh(βu) has the sign of pattern 1's bit.
        assert!(curve.windows(2).all(|w| w[1][0] >= w[0][0]));
    }
    let pattern = harness.state_mut().memory().stored()[0].spins.clone();
    for (curve, i) in curves
        .iter()
        .zip(gradscope::ui::memory::traced_neurons(144))
    {
        let u = curve.last().unwrap()[1];
        assert_eq!(u.signum() as i8, pattern[i], "neuron {i}: u = {u}");
    }
    // The plot of u over time replaces the energy plot, headed by its equation.
    harness.get_by_label("τ dui/dt = −ui + Σj wij tanh(β uj)");
}
