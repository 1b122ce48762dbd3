//! The Runs tab of the real App (egui_kittest): "New run" keeps the old run, ticking two runs
//! overlays two loss curves in their colours (and unticking one leaves the selected run's own
//! plot), "Branch from here" creates a run whose first step is the checkpoint's step and which
//! counts on from it, and the curve thinning keeps spikes (the min/max envelope).

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use gradscope::train::{DEFAULT_CHECKPOINT_EVERY, is_scheduled};
use gradscope::ui::loss::overlaid_runs;
use gradscope::ui::plot::{envelope, step_loss_points};
use gradscope::ui::{AppOptions, GradscopeApp, Settings};

fn harness() -> Harness<'static, GradscopeApp> {
    Harness::builder()
        .with_size(eframe::egui::vec2(1280.0, 800.0))
        .build_eframe(|cc| {
            GradscopeApp::new(
                &cc.egui_ctx,
                AppOptions {
                    autoplay: false,
                    settings: Settings::default(),
                    screenshot: None,
                    open: None,
                    bench: None,
                },
            )
        })
}

fn run_until(harness: &mut Harness<'static, GradscopeApp>, done: impl Fn(&GradscopeApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done(harness.state()) {
        assert!(Instant::now() < deadline, "condition not reached in 30 s");
        std::thread::sleep(Duration::from_millis(20));
        harness.run_steps(1);
    }
}

/// Trains the selected run until it has taken at least `steps` steps, then pauses it.
fn train_to(harness: &mut Harness<'static, GradscopeApp>, steps: u64) {
    harness.get_by_label("Play").click();
    harness.run_steps(1);
    run_until(harness, |app| app.step() >= steps);
    harness.get_by_label("Pause").click();
    harness.run_steps(1);
    run_until(harness, |app| !app.run_view().running);
}

/// Clicks the tick box of the run named `name` in the Runs table.
fn tick(harness: &mut Harness<'static, GradscopeApp>, name: &str) {
    let boxes: Vec<_> = harness
        .query_all_by_label(name)
        .filter(|node| node.accesskit_node().role() == eframe::egui::accesskit::Role::CheckBox)
        .collect();
    assert_eq!(boxes.len(), 1, "one tick box named {name}");
    boxes[0].click();
    harness.run_steps(2);
}

#[test]
fn ticking_two_runs_draws_two_loss_curves() {
    let mut harness = harness();
    harness.run_steps(2);
    harness.get_by_label("Runs").click();
    harness.run_steps(2);
    train_to(&mut harness, 30);
    harness.get_by_label("New run").click();
    harness.run_steps(2);
    let runs = harness.state().runs();
    assert_eq!(runs.entries.len(), 2);
    assert_eq!(runs.selected, 1, "the new run is selected");
    train_to(&mut harness, 20);
    // Both are ticked: two curves, each with its run's losses, in two colours.
    let app = harness.state();
    let overlay = overlaid_runs(app.runs(), app.run_view());
    assert_eq!(overlay.len(), 2);
    let names: Vec<&str> = overlay.iter().map(|(e, _)| e.name.as_str()).collect();
    assert_eq!(names, ["run 1", "run 2"]);
    assert_ne!(overlay[0].0.color, overlay[1].0.color);
    for (entry, run) in &overlay {
        let points = step_loss_points(&run.losses, Some);
        assert!(
            points.len() >= 20,
            "{} has {} points",
            entry.name,
            points.len()
        );
    }
    // The first run trained on: its curve is longer than the second's.
    assert!(overlay[0].1.step >= 30);
    // Unticking run 1 leaves run 2, the selected one, drawn alone (the usual plot).
    tick(&mut harness, "run 1");
    let app = harness.state();
    assert!(!app.runs().entries[0].ticked);
    assert!(overlaid_runs(app.runs(), app.run_view()).is_empty());
    // Ticking it again overlays both again.
    tick(&mut harness, "run 1");
    let app = harness.state();
    assert_eq!(overlaid_runs(app.runs(), app.run_view()).len(), 2);
}

#[test]
fn branch_from_here_creates_a_run_starting_at_the_checkpoint_step() {
    let mut harness = harness();
    harness.run_steps(2);
    harness.get_by_label("Runs").click();
    harness.run_steps(2);
    train_to(&mut harness, 60);
    // The pause lands at step 60 or a little later: the newest checkpoint is the last
    // log-spaced step (0, 10, 20, 50, 100, …) at or before it.
    let paused = harness.state().step();
    let newest = (0..=paused)
        .rev()
        .find(|&s| is_scheduled(s, DEFAULT_CHECKPOINT_EVERY))
        .unwrap_or(0);
    assert!(newest >= 50);
    run_until(&mut harness, |app| {
        app.runs()
            .selected_entry()
            .is_some_and(|e| e.checkpoints.steps.last() == Some(&newest))
    });
    let steps = harness.state().runs().entries[0].checkpoints.steps.clone();
    assert_eq!(steps[..4], [0, 10, 20, 50]);
    harness.run_steps(2);
    let label = format!("step {newest}");
    assert!(
        harness.query_by_label(&label).is_some(),
        "the timeline shows {label}"
    );
    harness.get_by_label("Branch from here").click();
    harness.run_steps(2);
    let runs = harness.state().runs();
    assert_eq!(runs.entries.len(), 2);
    let child = runs.selected_entry().expect("the branch is selected");
    assert_eq!(child.parent, Some((0, newest)));
    assert_eq!(child.first_step, newest);
    assert_eq!(child.name, format!("run 1 @{newest}"));
    run_until(&mut harness, |app| app.step() == newest);
    // It counts on from the checkpoint: its own curve starts at the step after it.
    harness.get_by_label("Step").click();
    harness.run_steps(1);
    run_until(&mut harness, |app| app.step() == newest + 1);
    run_until(&mut harness, |app| !app.loss_history().buckets().is_empty());
    assert_eq!(
        harness.state().loss_history().buckets()[0].first_step,
        newest + 1
    );
    // The lineage names the branch and its step.
    assert!(
        harness
            .query_by_label_contains(&format!("run 1 @{newest} (from step {newest})"))
            .is_some()
    );
}

#[test]
fn thinning_keeps_every_columns_extremes() {
    // 10 000 points of a smooth curve with one spike at x = 6 543.
    let points: Vec<[f64; 2]> = (0..10_000)
        .map(|i| {
            let y = if i == 6543 {
                50.0
            } else {
                1.0 / (1.0 + i as f64)
            };
            [i as f64, y]
        })
        .collect();
    let thin = envelope(&points, 100);
    assert!(thin.len() <= 400, "{} points", thin.len());
    assert!(thin.contains(&[6543.0, 50.0]), "the spike survives");
    assert_eq!(thin.first(), points.first());
    assert_eq!(thin.last(), points.last());
    assert!(thin.windows(2).all(|w| w[0][0] < w[1][0]), "in x order");
    // Short curves come back as they are.
    assert_eq!(envelope(&points[..300], 100), points[..300].to_vec());
}
