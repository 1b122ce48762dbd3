//! The Runs tab of the real App (egui_kittest): "New run" keeps the old run, ticking two runs
//! overlays two loss curves in their colours (and unticking one leaves the selected run's own
//! plot), scrubbing the timeline shows the model of that checkpoint and "Branch from here"
//! creates a run whose first step is exactly the checkpoint the timeline shows and which counts
//! on from it, "New run" takes the next unused seed, Save experiment keeps every run with its
//! lineage and opening the file brings them back, and the curve thinning keeps spikes (the
//! min/max envelope). The comparison's controls: "group by seed" draws two runs that differ
//! only in the seed as one mean curve; the x axis in epochs; hovering a curve names its run;
//! the table fits the window; a paused run's curves are not prepared again each frame. Save and
//! reopen keeps the table, the times (seconds and wall clock) and the branch's evaluations (none
//! at its branch step) as they were, and a branch's time goes on from its parent's; a file
//! saved without times draws nothing at x = 0 on the time axes and names the runs, and a file
//! with two runs of one name says so; a run that trained a while at another learning rate is
//! not grouped with its seed. A run saved between two evaluations shows its last test loss
//! with the step it was measured at; with four runs, in presentation mode and not, both plots
//! keep at least 150 px; on the wall clock a reopened run's curve breaks where its file was
//! closed, and on step and seconds it does not.

use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use egui_plot::PlotPoint;
use gradscope::experiment::{Experiment, RunParent};
use gradscope::train::{DEFAULT_CHECKPOINT_EVERY, is_scheduled};
use gradscope::ui::loss::overlaid_runs;
use gradscope::ui::plot::{envelope, step_loss_points};
use gradscope::ui::runclock::XAxis;
use gradscope::ui::runcurves::{CurveKind, CurveView, prepare};
use gradscope::ui::runlist::RunSummary;
use gradscope::ui::seedgroup::band;
use gradscope::ui::state::Banner;
use gradscope::ui::{GradscopeApp, Settings};

mod ui_common;
use ui_common::{paused_app, run_until, save_experiment};

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

/// Sets the seed field (beside the "seed" label of the controls) to `seed`.
fn set_seed(harness: &mut Harness<'static, GradscopeApp>, seed: f64) {
    let label = harness.get_by_role_and_label(Role::Label, "seed").rect();
    let field = harness
        .query_all_by_role(Role::SpinButton)
        .filter(|node| {
            let rect = node.rect();
            (rect.center().y - label.center().y).abs() < 6.0 && rect.left() >= label.right()
        })
        .min_by(|a, b| a.rect().left().total_cmp(&b.rect().left()))
        .expect("the seed's field");
    field.set_value_accesskit(seed);
    harness.run_steps(2);
}

/// The real App, paused, with the Runs tab open.
fn runs_tab() -> Harness<'static, GradscopeApp> {
    let mut harness = paused_app(Settings::default(), 1280.0, 800.0);
    harness.run_steps(2);
    harness.get_by_label("Runs").click();
    harness.run_steps(2);
    harness
}

/// A new window on the Runs tab that has started opening the experiment file `path`.
fn opened_on_runs_tab(path: &std::path::Path) -> Harness<'static, GradscopeApp> {
    let mut harness = runs_tab();
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .open_experiment(&ctx, path.to_path_buf());
    harness
}

/// Two runs, both paused: run 1 after at least 30 steps, run 2 (selected) after at least
/// `second` steps with seed `seed`.
fn two_runs(second: u64, seed: f64) -> Harness<'static, GradscopeApp> {
    let mut harness = runs_tab();
    train_to(&mut harness, 30);
    harness.get_by_label("New run").click();
    harness.run_steps(2);
    set_seed(&mut harness, seed);
    train_to(&mut harness, second);
    harness.run_steps(2);
    harness
}

/// Names of the test-loss lines drawn in the last frame.
fn test_loss_lines(app: &GradscopeApp) -> Vec<String> {
    let lines = app.run_plot().drawn().iter();
    lines
        .filter(|line| line.name.contains("· test loss"))
        .map(|line| line.name.clone())
        .collect()
}

#[test]
fn grouping_runs_that_differ_only_in_the_seed_draws_one_mean_curve() {
    let mut harness = two_runs(30, 2.0);
    assert_eq!(harness.state().settings().train.seed, 2);
    assert!(
        harness.query_by_label("seed: 1 → 2").is_some(),
        "the runs differ in the seed alone"
    );
    // Smoothing is on by default: each run's raw curve, faint, under its smoothed one.
    assert_eq!(
        test_loss_lines(harness.state()),
        [
            "run 1 · test loss (raw)",
            "run 1 · test loss (smoothed)",
            "run 2 · test loss (raw)",
            "run 2 · test loss (smoothed)"
        ]
    );
    harness.get_by_label("group by seed").click();
    harness.run_steps(2);
    let group = "run 1, run 2 (mean of 2 seeds)";
    assert_eq!(
        test_loss_lines(harness.state()),
        [
            format!("{group} · test loss (raw)"),
            format!("{group} · test loss (smoothed)")
        ]
    );
    assert!(
        harness.query_by_label("run 1 +1 (2 seeds)").is_some(),
        "legend"
    );
    // The mean curve ends where the shorter run ends, at the mean of both smoothed curves.
    let app = harness.state();
    let view = CurveView {
        smoothing: app.run_plot().options.smoothing,
        x_axis: XAxis::Step,
        log_x: false,
        log_y: false,
        columns: 400,
    };
    let series: Vec<Vec<[f64; 2]>> = overlaid_runs(app.runs(), app.run_view())
        .iter()
        .map(|(_, run)| prepare(run, CurveKind::TestLoss, &view).series)
        .collect();
    let expected = band(&[&series[0], &series[1]], 2);
    let drawn = app.run_plot().drawn();
    let mean = drawn
        .iter()
        .find(|line| line.name == format!("{group} · test loss (smoothed)"))
        .expect("the mean line");
    assert_eq!(mean.last, [expected.x[1], expected.mean[1]]);
    let end = series[0].last().unwrap()[0].min(series[1].last().unwrap()[0]);
    assert_eq!(mean.last[0], end);
    // Unticking the box draws the runs apart again.
    harness.get_by_label("group by seed").click();
    harness.run_steps(2);
    assert_eq!(test_loss_lines(harness.state()).len(), 4);
}

#[test]
fn epochs_on_x_hovering_names_the_run_and_the_table_fits() {
    let mut harness = two_runs(20, 1.0);
    // Every column header of the table lies inside the 1280-point-wide window.
    for header in ["run", "lr", "seed", "steps", "best", "max", "last"] {
        let rect = harness.get_by_role_and_label(Role::Button, header).rect();
        assert!(rect.right() <= 1280.0, "{header} ends at {}", rect.right());
    }
    harness.get_by_value("x: step").click();
    harness.run_steps(2);
    harness.get_by_label("epoch").click();
    harness.run_steps(2);
    let app = harness.state();
    assert_eq!(app.run_plot().options.x_axis, XAxis::Epoch);
    // Run 1 trained from step 0 at a constant batch size: x = step / steps per epoch.
    let first = &app.runs().entries[0].run;
    assert_eq!(
        first.steps_per_epoch, 13,
        "400 training points in batches of 32"
    );
    let evaluated = first.evals.last().expect("an evaluation").step as f64;
    let line = app
        .run_plot()
        .drawn()
        .iter()
        .find(|line| line.name == "run 1 · test loss (raw)")
        .expect("run 1's test loss");
    assert!(
        (line.last[0] - evaluated / 13.0).abs() < 1e-9,
        "{:?}",
        line.last
    );
    let band = app
        .run_plot()
        .drawn()
        .iter()
        .find(|line| line.name == "run 1 · loss each step (raw)")
        .expect("run 1's per-step loss band");
    let steps = first.losses.total_steps() as f64;
    assert!((band.last[0] - steps / 13.0).abs() < 1.0, "{:?}", band.last);
    // Hovering the end of run 1's smoothed test loss names it (a point just inside the
    // plot: the last point can sit on its right edge).
    let line = app
        .run_plot()
        .drawn()
        .iter()
        .find(|line| line.name == "run 1 · test loss (smoothed)")
        .expect("run 1's test loss")
        .clone();
    let transform = app.run_plot().loss_transform().expect("the loss plot");
    let position = transform.position_from_point(&PlotPoint::from(line.last));
    harness.hover_at(position - eframe::egui::vec2(3.0, 0.0));
    harness.run_steps(2);
    // The hover names the run whose curve is nearest: run 1's smoothed line, the raw one
    // beneath it where they meet, or run 2's where the two runs' curves end together (both
    // can sit at loss 0.692 after a few epochs).
    let named = ["run 1", "run 2"].iter().any(|run| {
        ["smoothed", "raw"].iter().any(|kind| {
            harness
                .query_by_label_contains(&format!("{run} · test loss ({kind})\nepoch "))
                .is_some()
        })
    });
    assert!(named, "the hover names the run");
    // Paused runs: their curves are taken from the cache, frame after frame.
    let prepared = harness.state().run_plot().preparations();
    harness.run_steps(5);
    assert_eq!(harness.state().run_plot().preparations(), prepared);
}

#[test]
fn ticking_two_runs_draws_two_loss_curves() {
    let mut harness = runs_tab();
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

/// Sets the timeline slider to checkpoint number `index` (0 = the oldest).
fn scrub_to(harness: &mut Harness<'static, GradscopeApp>, index: usize) {
    let sliders: Vec<_> = harness
        .query_all_by_role(eframe::egui::accesskit::Role::Slider)
        .filter(|node| {
            node.accesskit_node()
                .label()
                .is_some_and(|l| l.starts_with("step "))
        })
        .collect();
    assert_eq!(sliders.len(), 1, "one timeline slider");
    sliders[0].set_value_accesskit(index as f64);
    harness.run_steps(2);
}

#[test]
fn branch_from_here_starts_at_exactly_the_checkpoint_the_timeline_shows() {
    let mut harness = runs_tab();
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
    assert!(
        harness.query_by_label(&format!("step {newest}")).is_some(),
        "the timeline shows the newest checkpoint"
    );
    // Scrub back to the third checkpoint, step 20: the panels show the model of step 20 (the
    // run stays paused at its own step) and the loss plot marks it.
    scrub_to(&mut harness, 2);
    assert!(
        harness.query_by_label("step 20").is_some(),
        "the timeline shows step 20"
    );
    assert_eq!(harness.state().runs().timeline_step, Some(20));
    run_until(&mut harness, |app| {
        app.snapshot().is_some_and(|s| s.step == 20)
    });
    let snapshot = harness.state().snapshot().cloned().expect("snapshot");
    assert!(
        snapshot.boundary.is_some(),
        "the decision boundary of step 20"
    );
    assert_eq!(harness.state().step(), paused);
    assert!(!harness.state().run_view().running);
    assert_eq!(
        harness.state().banner(),
        Some(&Banner::Done(format!(
            "showing the model at step 20 (a checkpoint); the run is paused at step {paused}: Play goes on from there, Branch from here starts a run from step 20"
        )))
    );

    harness.get_by_label("Branch from here").click();
    harness.run_steps(2);
    let runs = harness.state().runs();
    assert_eq!(runs.entries.len(), 2);
    let child = runs.selected_entry().expect("the branch is selected");
    assert_eq!(child.parent, Some((0, 20)), "branched at the step shown");
    assert_eq!(child.first_step, 20);
    assert_eq!(child.name, "run 1 @20");
    assert_eq!(
        harness.state().banner(),
        None,
        "the preview's message goes with it"
    );
    run_until(&mut harness, |app| app.step() == 20);
    // It counts on from the checkpoint: its own curve starts at the step after it.
    harness.get_by_label("Step").click();
    harness.run_steps(1);
    run_until(&mut harness, |app| app.step() == 21);
    run_until(&mut harness, |app| !app.loss_history().buckets().is_empty());
    assert_eq!(harness.state().loss_history().buckets()[0].first_step, 21);
    // The lineage names the branch and its step, inside the window.
    let lineage = harness
        .get_by_label_contains("run 1 @20 (from step 20)")
        .rect();
    assert!(lineage.right() <= 1280.0, "{lineage:?}");
}

#[test]
fn a_new_run_takes_the_next_unused_seed() {
    let mut harness = runs_tab();
    assert_eq!(harness.state().settings().train.seed, 1);
    harness.get_by_label("New run").click();
    harness.run_steps(2);
    harness.get_by_label("New run").click();
    harness.run_steps(2);
    let app = harness.state();
    let seeds: Vec<u64> = app
        .runs()
        .entries
        .iter()
        .map(|e| app.runs().settings_of(e, app.settings()).train.seed)
        .collect();
    assert_eq!(seeds, [1, 2, 3]);
    assert_eq!(
        app.settings().train.seed,
        3,
        "the controls show the new run's seed"
    );
}

#[test]
fn save_experiment_keeps_every_run_and_opening_it_brings_them_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("lab.json");
    let mut harness = runs_tab();
    train_to(&mut harness, 55);
    run_until(&mut harness, |app| {
        app.runs()
            .selected_entry()
            .is_some_and(|e| e.checkpoints.steps.contains(&50))
    });
    harness.run_steps(2);
    scrub_to(&mut harness, 2);
    assert!(matches!(harness.state().banner(), Some(Banner::Done(_))));
    // Play goes back to the live model, and the preview's message goes with it.
    harness.get_by_label("Play").click();
    run_until(&mut harness, |app| app.run_view().running);
    harness.run_steps(2);
    assert_eq!(harness.state().banner(), None);
    assert_eq!(harness.state().runs().timeline_step, None);
    harness.get_by_label("Pause").click();
    run_until(&mut harness, |app| !app.run_view().running);
    harness.run_steps(2);
    scrub_to(&mut harness, 2);
    harness.get_by_label("Branch from here").click();
    harness.run_steps(2);
    run_until(&mut harness, |app| app.step() == 20);
    for _ in 0..3 {
        harness.get_by_label("Step").click();
        harness.run_steps(1);
    }
    run_until(&mut harness, |app| app.step() == 23);
    run_until(&mut harness, |app| {
        app.run_view().evals.last().is_some_and(|e| e.step == 23)
    });
    let first_steps = harness.state().runs().entries[0].run.step;
    // The branch point's evaluation belongs to the parent: the branch's own start after it.
    let branch_evals: Vec<u64> = harness
        .state()
        .run_view()
        .evals
        .iter()
        .map(|e| e.step)
        .collect();
    assert_eq!(branch_evals.first(), Some(&21), "{branch_evals:?}");
    assert!(
        branch_evals.windows(2).all(|w| w[0] < w[1]),
        "{branch_evals:?}"
    );
    // On the seconds axis the branch goes on from its parent's time at step 20.
    let parent_time = harness.state().runs().entries[0]
        .run
        .clock
        .seconds_at_step(20)
        .expect("the parent's time at step 20");
    assert!(parent_time > 0.0);
    assert_eq!(harness.state().run_view().clock.offset(), parent_time);
    let table = run_summaries(harness.state());
    let times = |app: &GradscopeApp| -> Vec<Option<(u64, f64, f64)>> {
        let runs = app.runs();
        runs.entries
            .iter()
            .map(|e| {
                let s = runs.run_of(e, app.run_view()).clock.samples().last()?;
                let ms = |v: f64| (v * 1000.0).round() / 1000.0;
                // Wall times are kept to the millisecond: whole seconds compare safely
                // unless one sits on a boundary, so compare tenths of a minute.
                Some((s.step, ms(s.seconds), (s.wall / 6.0).floor()))
            })
            .collect()
    };
    let clocks = times(harness.state());
    save_experiment(&mut harness, &path);
    assert_eq!(
        harness.state().file_status().cloned(),
        Some(Ok(format!(
            "saved {} (2 runs, with weights)",
            path.display()
        )))
    );
    let saved = Experiment::load(&path).expect("loads");
    let runs: Vec<(&str, Option<RunParent>, u64)> = saved
        .runs
        .iter()
        .map(|r| (r.name.as_str(), r.parent, r.weights.as_ref().unwrap().step))
        .collect();
    assert_eq!(
        runs,
        [
            ("run 1", None, first_steps),
            ("run 1 @20", Some(RunParent { id: 0, step: 20 }), 23)
        ]
    );
    assert_eq!(saved.selected_run, Some(1));
    assert_eq!(saved.runs[1].color.as_deref(), Some("#ff7f0e"));
    let offsets: Vec<f64> = saved
        .runs
        .iter()
        .map(|r| r.clock.as_ref().expect("times saved").offset)
        .collect();
    assert_eq!(offsets, [0.0, (parent_time * 1000.0).round() / 1000.0]);

    // A new window opens the file: both runs, the branch selected at step 23 with its curve
    // from step 21, and the lineage.
    let mut reopened = opened_on_runs_tab(&path);
    run_until(&mut reopened, |app| {
        app.runs().entries.len() == 2 && app.step() == 23
    });
    reopened.run_steps(3);
    let app = reopened.state();
    let names: Vec<&str> = app.runs().entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["run 1", "run 1 @20"]);
    let parent = app.runs().entries[1].parent.map(|(p, step)| {
        let name = app.runs().entry(p).map(|e| e.name.clone());
        (name, step)
    });
    assert_eq!(parent, Some((Some("run 1".to_string()), 20)));
    assert_eq!(
        app.runs().selected_entry().map(|e| e.name.as_str()),
        Some("run 1 @20")
    );
    assert_eq!(app.loss_history().buckets()[0].first_step, 21);
    assert_eq!(app.runs().entries[0].run.step, first_steps);
    // The table (best, max, last) and the times are as they were before saving.
    assert_eq!(run_summaries(app), table);
    assert_eq!(times(app), clocks);
    assert_eq!(app.run_view().clock.offset(), offsets[1]);
    let reopened_evals: Vec<u64> = app.run_view().evals.iter().map(|e| e.step).collect();
    assert_eq!(reopened_evals, branch_evals);
    // Checkpoints are not in the file: each reopened run's timeline starts at its saved step.
    let timelines: Vec<Vec<u64>> = app
        .runs()
        .entries
        .iter()
        .map(|e| e.checkpoints.steps.clone())
        .collect();
    assert_eq!(timelines, [vec![first_steps], vec![23]]);
    assert_eq!(
        app.file_status().cloned(),
        Some(Ok(format!(
            "opened 2 runs from {} with its saved weights",
            path.display()
        )))
    );
    assert!(
        reopened
            .query_by_label_contains("run 1 @20 (from step 20)")
            .is_some()
    );
    // The wall clock: each run's curve at the time of day it trained (labels like 14:03:20).
    reopened.get_by_value("x: step").click();
    reopened.run_steps(2);
    reopened.get_by_label("wall clock (UTC)").click();
    reopened.run_steps(3);
    let app = reopened.state();
    assert_eq!(app.run_plot().options.x_axis, XAxis::WallClock);
    let line = app
        .run_plot()
        .drawn()
        .iter()
        .find(|line| line.name == "run 1 · test loss (raw)")
        .expect("run 1's test loss")
        .clone();
    let first = &app.runs().entries[0].run;
    let evaluated = first.evals.last().expect("an evaluation").step as f64;
    let expected = first
        .clock
        .to_axis(&[[evaluated, 0.0]], XAxis::WallClock, 0)[0][0];
    assert_eq!(line.last[0], expected);
    let saved_start = saved.runs[0].clock.as_ref().expect("times").started_at;
    assert!(
        line.last[0] >= saved_start && line.last[0] < saved_start + 600.0,
        "{} vs {saved_start}",
        line.last[0]
    );
    let label = gradscope::ui::runclock::time_of_day(expected, false);
    assert_eq!(label.len(), 8, "{label}");
}

#[test]
fn a_file_saved_without_times_leaves_its_runs_off_the_seconds_axis() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("lab.json");
    let mut harness = two_runs(20, 2.0);
    run_until(&mut harness, |app| !app.run_view().evals.is_empty());
    save_experiment(&mut harness, &path);
    // The file as an older gradscope wrote it: no times.
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for index in 0..2 {
        let run = value["runs"][index].as_object_mut().expect("a run");
        assert!(run.remove("clock").is_some());
    }
    // And both runs by one name (a hand-edited file).
    value["runs"][1]["name"] = "run 1".into();
    std::fs::write(&path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
    let saved = Experiment::load(&path).unwrap();
    let (first_step, saved_step) = (saved.runs[0].summary.steps, saved.runs[1].summary.steps);

    let mut reopened = opened_on_runs_tab(&path);
    run_until(&mut reopened, |app| {
        app.runs().entries.len() == 2 && app.step() == saved_step
    });
    reopened.run_steps(2);
    reopened.get_by_value("x: step").click();
    reopened.run_steps(2);
    reopened.get_by_label("seconds (relative)").click();
    reopened.run_steps(3);
    let app = reopened.state();
    assert_eq!(app.run_view().clock.untimed_through(), Some(saved_step));
    // Nothing of the saved history is drawn at x = 0: no line at all yet, and a note says why.
    let drawn: Vec<String> = app
        .run_plot()
        .drawn()
        .iter()
        .map(|l| l.name.clone())
        .collect();
    assert!(drawn.is_empty(), "{drawn:?}");
    assert_eq!(
        app.banner(),
        Some(&Banner::Error(format!(
            "{}: 2 runs are named \"run 1\" (ids 0, 1); each opened under that name",
            path.display()
        )))
    );
    let note = format!(
        "no times (left off this axis): run 1 (to step {first_step}), run 1 (to step {saved_step})"
    );
    assert!(reopened.query_by_label(&note).is_some(), "{note}");
    // On the step axis the saved history is all there.
    reopened.get_by_value("x: seconds (relative)").click();
    reopened.run_steps(2);
    reopened.get_by_label("step").click();
    reopened.run_steps(3);
    let lines = reopened.state().run_plot().drawn().len();
    assert!(lines >= 4, "{lines} lines on the step axis");
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

#[test]
fn a_run_that_trained_a_while_at_another_learning_rate_is_not_grouped_with_its_seed() {
    let mut harness = two_runs(30, 2.0);
    let rate = harness.state().settings().train.optimizer.learning_rate;
    let set_rate = |harness: &mut Harness<'static, GradscopeApp>, value: f64| {
        harness
            .get_by_role_and_label(Role::Slider, "learning rate")
            .set_value_accesskit(value);
        harness.run_steps(2);
        assert_eq!(
            harness.state().settings().train.optimizer.learning_rate,
            value
        );
    };
    // Run 2 trains a while at 0.1, then goes back to its rate.
    let at = harness.state().step();
    set_rate(&mut harness, 0.1);
    train_to(&mut harness, at + 20);
    let back = harness.state().step();
    set_rate(&mut harness, rate);
    let changes: Vec<(u64, String, String)> = harness
        .state()
        .run_view()
        .changes
        .iter()
        .map(|c| (c.step, c.from.clone(), c.to.clone()))
        .collect();
    assert_eq!(
        changes,
        [
            (at, rate.to_string(), "0.1".to_string()),
            (back, "0.1".to_string(), rate.to_string())
        ]
    );
    assert!(
        harness.query_by_label("seed: 1 → 2").is_some(),
        "its settings now differ from run 1's in the seed alone"
    );
    harness.get_by_label("group by seed").click();
    harness.run_steps(2);
    assert_eq!(
        test_loss_lines(harness.state()),
        [
            "run 1 · test loss (raw)",
            "run 1 · test loss (smoothed)",
            "run 2 · test loss (raw)",
            "run 2 · test loss (smoothed)"
        ],
        "not one group"
    );
}

#[test]
fn a_run_saved_between_evaluations_shows_the_step_of_its_last_test_loss() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("lab.json");
    let mut harness = two_runs(20, 2.0);
    // Pausing evaluates: each run's newest test loss is of its weights.
    run_until(&mut harness, |app| {
        app.run_view()
            .evals
            .last()
            .is_some_and(|e| e.step == app.step())
    });
    harness.run_steps(2);
    let live = run_summaries(harness.state());
    assert_eq!(live[1].final_test_step, Some(live[1].steps));
    assert_eq!(
        live[1].stale_test_step(),
        None,
        "nothing to say while in step"
    );
    save_experiment(&mut harness, &path);
    // The file as a save during training writes it: the newest evaluation of run 2 is from
    // before the step of its saved weights.
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let evals = value["runs"][1]["history"]["evals"]
        .as_array_mut()
        .expect("evaluations");
    evals.pop();
    let before = evals.last().expect("an earlier evaluation").clone();
    std::fs::write(&path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
    let saved = Experiment::load(&path).expect("loads");
    let run = &saved.runs[1];
    let history = run.history.as_ref().expect("history");
    let (eval_step, loss) = (
        before["step"].as_u64().unwrap(),
        before["test_loss"].as_f64().unwrap(),
    );
    let steps = run.weights.as_ref().expect("weights").step;
    assert!(eval_step < steps, "{eval_step} < {steps}");
    // The file's summary keeps the step its final test loss is of.
    let summary = gradscope::experiment::RunSummary::of(history, steps, 0);
    assert_eq!(
        (summary.final_test_loss, summary.final_test_step),
        (Some(loss), Some(eval_step))
    );

    let mut reopened = opened_on_runs_tab(&path);
    run_until(&mut reopened, |app| {
        app.runs().entries.len() == 2 && app.step() == steps
    });
    reopened.run_steps(3);
    let table = run_summaries(reopened.state());
    assert_eq!(table[1].steps, steps);
    assert_eq!(table[1].final_test_loss, Some(loss));
    assert_eq!(table[1].stale_test_step(), Some(eval_step));
    // The table never shows that loss beside the run's step without saying where it is from.
    let cell = format!("{loss:.4} @{eval_step}");
    assert!(reopened.query_by_label(&cell).is_some(), "{cell}");
    // Run 1's newest test loss is of its weights: shown as it is (its best or highest may
    // be the same number).
    let first = table[0].final_test_loss.expect("run 1's test loss");
    assert_eq!(table[0].stale_test_step(), None);
    let shown = reopened.query_all_by_label(&format!("{first:.4}")).count();
    assert!(shown >= 1, "run 1's last test loss");
}

/// Four runs, run 1 trained 30 steps, the others new; the Runs tab open; presentation mode
/// on or off.
fn four_runs(presenting: bool) -> Harness<'static, GradscopeApp> {
    let mut harness = runs_tab();
    train_to(&mut harness, 30);
    for _ in 0..3 {
        harness.get_by_label("New run").click();
        harness.run_steps(2);
    }
    assert_eq!(harness.state().runs().entries.len(), 4);
    let ctx = harness.ctx.clone();
    harness.state_mut().set_presentation(&ctx, presenting);
    harness.run_steps(4);
    harness
}

#[test]
fn presentation_mode_with_four_runs_keeps_both_plots_readable() {
    for presenting in [true, false] {
        let harness = four_runs(presenting);
        let app = harness.state();
        assert_eq!(app.presenting(), presenting);
        assert_eq!(overlaid_runs(app.runs(), app.run_view()).len(), 4);
        let pixels_per_point = harness.ctx.pixels_per_point();
        let screen = harness.ctx.content_rect();
        let frames = app.run_plot().plot_frames();
        eprintln!(
            "presenting {presenting}: ppp {pixels_per_point}, screen {screen:?}, frames {frames:?}"
        );
        assert_eq!(frames.len(), 2, "the loss and the accuracy plot");
        for frame in &frames {
            let pixels = frame.height() * pixels_per_point;
            assert!(pixels >= 150.0, "presenting {presenting}: {pixels} px tall");
            assert!(screen.contains_rect(*frame), "{frame:?} inside {screen:?}");
        }
        assert!(!frames[0].intersects(frames[1]), "{frames:?}");
    }
}

#[test]
fn on_the_wall_clock_a_reopened_run_breaks_where_its_file_was_closed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("lab.json");
    let mut harness = two_runs(30, 2.0);
    save_experiment(&mut harness, &path);
    // Run 1 as a file reopened after an hour writes it: 10 steps in a second, an hour with
    // the file closed, then the rest in another second.
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let steps = value["runs"][0]["summary"]["steps"].as_u64().unwrap() as f64;
    value["runs"][0]["clock"]["samples"] = serde_json::json!([
        [0.0, 0.0, 0.0, 0.0],
        [10.0, 0.0, 1.0, 1.0],
        [10.0, 0.0, 1.0, 3601.0],
        [steps, 2.0, 2.0, 3602.0]
    ]);
    std::fs::write(&path, serde_json::to_string_pretty(&value).unwrap()).unwrap();

    let mut reopened = opened_on_runs_tab(&path);
    run_until(&mut reopened, |app| app.runs().entries.len() == 2);
    reopened.run_steps(3);
    let strokes = |harness: &Harness<'static, GradscopeApp>, name: &str| {
        let lines = harness.state().run_plot().drawn();
        lines.iter().find(|l| l.name == name).map(|l| l.strokes)
    };
    let line = "run 1 · loss each step (smoothed)";
    assert_eq!(
        strokes(&reopened, line),
        Some(1),
        "one stroke on the step axis"
    );
    for (from, to, expected) in [
        ("x: step", "wall clock (UTC)", 2),
        ("x: wall clock (UTC)", "seconds (relative)", 1),
    ] {
        reopened.get_by_value(from).click();
        reopened.run_steps(2);
        reopened.get_by_label(to).click();
        reopened.run_steps(3);
        // On the wall clock the hour the file was closed splits the curve in two; the
        // relative seconds count only training, so the curve goes on unbroken.
        assert_eq!(strokes(&reopened, line), Some(expected), "{to}");
        let run2 = strokes(&reopened, "run 2 · loss each step (smoothed)");
        assert_eq!(run2, Some(1), "run 2 trained without a stop ({to})");
    }
}

/// The Runs table's rows, as the app has them.
fn run_summaries(app: &GradscopeApp) -> Vec<RunSummary> {
    let runs = app.runs();
    runs.entries
        .iter()
        .map(|e| RunSummary::of(runs.run_of(e, app.run_view())))
        .collect()
}
