//! The gradient-descent lesson and the optimizer race driven through egui_kittest.

use std::time::{Duration, Instant};

use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use gradscope::lesson::{PresetConfig, Regime, RegressionData};
use gradscope::ui::Panel;
use gradscope::ui::format::format_number;
use gradscope::ui::lesson::LessonPanel;
use gradscope::ui::plot::CONTOUR_LEVELS;
use gradscope::ui::race::RacePanel;
use gradscope::ui::state::StandaloneView;

/// A view for drawing one panel on its own, alive for the whole test.
fn standalone() -> &'static StandaloneView {
    Box::leak(Box::new(StandaloneView::default()))
}

/// The fonts the app installs at start (Hack as a fallback of the proportional family, for
/// ∇, ●, subscripts and the like), so a panel alone renders what it renders in the window.
fn app_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    if let Some(family) = fonts.families.get_mut(&egui::FontFamily::Proportional) {
        family.push("Hack".to_owned());
    }
    ctx.set_fonts(fonts);
}

fn lesson() -> Harness<'static, LessonPanel> {
    let models = standalone();
    Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_context_setup(app_fonts)
        .build_ui_state(
            move |ui, panel: &mut LessonPanel| {
                let _ = panel.ui(ui, &models.view());
            },
            LessonPanel::default(),
        )
}

/// The optimizer race alone in a window of `size` points.
fn race(size: egui::Vec2) -> Harness<'static, RacePanel> {
    let models = standalone();
    Harness::builder()
        .with_size(size)
        .with_context_setup(app_fonts)
        .build_ui_state(
            move |ui, panel: &mut RacePanel| {
                let _ = panel.ui(ui, &models.view());
            },
            RacePanel::default(),
        )
}

/// The text of the first label containing `needle`.
fn label_text(harness: &Harness<'static, LessonPanel>, needle: &str) -> String {
    let node = harness.get_by_label_contains(needle);
    node.value()
        .or_else(|| node.accesskit_node().label())
        .unwrap_or_default()
}

fn regime_labels(harness: &Harness<'static, LessonPanel>) -> Vec<&'static str> {
    [Regime::Monotone, Regime::Oscillating, Regime::Diverging]
        .into_iter()
        .map(Regime::label)
        .filter(|label| harness.query_by_label(label).is_some())
        .collect()
}

#[test]
fn the_lesson_shows_the_formula_with_numbers_and_the_landscape() {
    let mut harness = lesson();
    harness.run_steps(2);
    // The landscape: its heading, a contour grid with log levels, the LS minimum and −∇J in
    // the legend.
    harness.get_by_label("Loss landscape J(w, b)");
    let grid = harness.state().landscape().expect("contour grid drawn");
    assert_eq!(grid.levels.len(), CONTOUR_LEVELS);
    let ratios: Vec<f64> = grid
        .levels
        .windows(3)
        .map(|l| (l[2] - l[1]) / (l[1] - l[0]))
        .collect();
    assert!(
        ratios
            .iter()
            .all(|r| (r - ratios[0]).abs() < 1e-9 && *r > 1.0),
        "level gaps grow geometrically: {ratios:?}"
    );
    // The known minimum is the least-squares fit, named with its place (so presentation mode
    // can leave the status row's "least squares" out).
    let fit = harness.state().run().data().least_squares().unwrap();
    let named = format!(
        "known minimum ({}, {})",
        format_number(fit[0]),
        format_number(fit[1])
    );
    assert!(harness.query_by_label(&named).is_some(), "{named}");
    assert!(
        harness
            .query_by_label_contains("−∇J, drawn at a fixed length (|∇J| = ")
            .is_some()
    );
    assert!(
        harness
            .query_by_label_contains("2/λ_max = 0.7820")
            .is_some()
    );

    harness.get_by_label("Step").click();
    harness.run_steps(2);
    let record = *harness.state().shown_step().expect("a step is shown");
    assert_eq!(record.step, 1);
    assert_eq!(record.before, [0.0, 0.0]);
    // At θ = (0, 0) the residuals are −yᵢ, so ∂J/∂w = −(2/N)Σxᵢyᵢ and ∂J/∂b = −(2/N)Σyᵢ.
    let data = RegressionData::preset(&PresetConfig::default());
    let n = data.len() as f64;
    let dw = -2.0 / n * data.x.iter().zip(&data.y).map(|(x, y)| x * y).sum::<f64>();
    let db = -2.0 / n * data.y.iter().sum::<f64>();
    assert!((record.gradient[0] - dw).abs() < 1e-12 && (record.gradient[1] - db).abs() < 1e-12);
    // Expected values −2·E[x(3x + 2.5)] = −4.5 and −2·E[3x + 2.5] = −8, up to sampling.
    assert!(
        (dw + 4.5).abs() < 0.5 && (db + 8.0).abs() < 0.5,
        "{dw} {db}"
    );
    let text = label_text(&harness, "∂J/∂w = ");
    assert!(
        text.contains(&format!("∂J/∂w = {}", format_number(dw))),
        "{text}"
    );
    assert!(
        text.contains(&format!("∂J/∂b = {}", format_number(db))),
        "{text}"
    );
    assert!(text.contains("α = 0.3000"), "{text}");
    // w: 0 − 0.3 × (∂J/∂w) = −0.3·∂J/∂w.
    let expected_w = format!(
        "w: 0 − 0.3000 × ({}) = {}",
        format_number(dw),
        format_number(-0.3 * dw)
    );
    assert!(text.contains(&expected_w), "{text}\nmissing {expected_w}");
    assert!(text.contains("step t = 1"), "{text}");

    // A second step refreshes the numbers.
    harness.get_by_label("Step").click();
    harness.run_steps(2);
    let second = *harness.state().shown_step().expect("shown");
    assert_eq!(second.step, 2);
    assert_ne!(second.gradient, record.gradient);
    let text = label_text(&harness, "∂J/∂w = ");
    assert!(
        text.contains(&format!("∂J/∂w = {}", format_number(second.gradient[0]))),
        "{text}"
    );
}

#[test]
fn changing_the_learning_rate_moves_the_regime_label() {
    let mut harness = lesson();
    harness.run_steps(2);
    let critical = harness.state().critical_learning_rate().expect("2/λ_max");
    assert!((critical - 0.782).abs() < 1e-3, "2/λ_max = {critical}");
    // α = 0.3 < 1/λ_max ≈ 0.391.
    assert_eq!(regime_labels(&harness), vec![Regime::Monotone.label()]);

    harness.state_mut().learning_rate = 0.75 * critical;
    harness.run_steps(2);
    assert_eq!(regime_labels(&harness), vec![Regime::Oscillating.label()]);

    harness.state_mut().learning_rate = 1.1 * critical;
    harness.run_steps(2);
    assert_eq!(regime_labels(&harness), vec![Regime::Diverging.label()]);

    // Standardising x makes H = 2·I: λ_max = 2, so α = 0.86 is now oscillating (1/2 < 0.86 < 1).
    harness.get_by_label("standardise x").click();
    harness.run_steps(2);
    assert!(harness.state().standardize);
    let critical = harness.state().critical_learning_rate().expect("2/λ_max");
    assert!((critical - 1.0).abs() < 1e-12, "{critical}");
    assert_eq!(regime_labels(&harness), vec![Regime::Oscillating.label()]);
}

#[test]
fn a_diverging_run_stops_with_the_divergence_message() {
    let mut harness = lesson();
    harness.run_steps(2);
    let critical = harness.state().critical_learning_rate().expect("2/λ_max");
    {
        let panel = harness.state_mut();
        panel.learning_rate = 1.5 * critical;
        panel.steps_per_second = 5000.0;
    }
    harness.get_by_label("Play").click();
    let deadline = Instant::now() + Duration::from_secs(20);
    while harness.state().run().diverged().is_none() {
        assert!(Instant::now() < deadline, "did not diverge in 20 s");
        std::thread::sleep(Duration::from_millis(10));
        harness.run_steps(1);
    }
    harness.run_steps(2);
    let panel = harness.state();
    let message = panel.run().diverged().expect("diverged").to_string();
    assert_eq!(
        message,
        format!(
            "diverged at step {}: lower the learning rate or normalise the inputs",
            panel.run().steps() + 1
        )
    );
    assert!(!panel.playing);
    assert!(panel.run().theta().iter().all(|v| v.is_finite()));
    assert!(
        harness.query_by_label(&message).is_some(),
        "message not on screen"
    );
    assert!(harness.query_by_label("Play").is_some());
    harness.get_by_label("Reset").click();
    harness.run_steps(2);
    assert!(harness.state().run().diverged().is_none());
    assert!(harness.query_by_label(&message).is_none());
}

#[test]
fn the_race_steps_every_racer_together() {
    let mut harness = race(egui::vec2(1280.0, 900.0));
    harness.run_steps(2);
    for name in ["SGD", "Momentum", "Nesterov", "RMSProp", "Adam"] {
        assert!(
            harness
                .query_by_label_contains(&format!("● {name}"))
                .is_some(),
            "{name} is missing from the table"
        );
    }
    harness.get_by_label("steps to tolerance");
    // Before the first step every racer is "ready" (it said "running" while nothing moved).
    let count =
        |harness: &Harness<RacePanel>, status: &str| harness.query_all_by_label(status).count();
    assert_eq!(count(&harness, "ready"), 5);
    assert_eq!(count(&harness, "running"), 0);
    for _ in 0..3 {
        harness.get_by_label("Step").click();
        harness.run_steps(1);
    }
    // Stepped by hand, the race is paused between steps.
    assert_eq!(count(&harness, "paused"), 5);
    assert_eq!(count(&harness, "ready"), 0);
    let race = &harness.state().race;
    assert_eq!(race.steps(), 3);
    for racer in &race.racers {
        assert_eq!(racer.steps(), 3, "{}", racer.config.kind.name());
        assert_eq!(racer.path().len(), 4);
        assert_ne!(racer.position(), race.start());
    }
    let step_left = harness.get_by_label("Step").rect().left();
    harness.get_by_label("Play").click();
    harness.run_steps(2);
    assert_eq!(count(&harness, "running"), 5);
    // Play became Pause without moving the controls after it.
    assert!(harness.query_by_label("Pause").is_some());
    assert_eq!(harness.get_by_label("Step").rect().left(), step_left);
    harness.get_by_label("Pause").click();
    harness.get_by_label("Reset").click();
    harness.run_steps(1);
    assert_eq!(harness.state().race.steps(), 0);
    assert_eq!(count(&harness, "ready"), 5);
}

#[test]
fn the_mode_bar_switches_between_the_lab_the_lesson_and_the_race() {
    use gradscope::ui::{AppMode, AppOptions, GradscopeApp};
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(|cc| {
            GradscopeApp::new(
                &cc.egui_ctx,
                AppOptions {
                    autoplay: false,
                    ..AppOptions::default()
                },
            )
        });
    harness.run_steps(2);
    assert_eq!(harness.state().mode(), AppMode::NetworkLab);
    harness.get_by_label("Decision boundary");
    harness.get_by_label("Gradient descent").click();
    harness.run_steps(2);
    assert_eq!(harness.state().mode(), AppMode::Lesson);
    harness.get_by_label("Gradient descent on linear regression");
    assert!(harness.query_by_label("Decision boundary").is_none());
    harness.get_by_label("Optimizer race").click();
    harness.run_steps(2);
    assert_eq!(harness.state().mode(), AppMode::Race);
    harness.get_by_label("steps to tolerance");
    harness.get_by_label("Network lab").click();
    harness.run_steps(2);
    harness.get_by_label("Decision boundary");
}

/// A legend entry's marker and name stay on one row, at any width where a row holds the
/// longest of them: no name begins a row (the marker of "−∇J, …" was left at the end of the
/// row above, its name on the next).
#[test]
fn a_legend_entry_never_leaves_its_marker_on_the_row_above() {
    use gradscope::ui::plot::{LegendEntry, Marker, legend_row};
    let names = [
        "known minimum (2.9911, 2.4794)",
        "path of (w, b)",
        "θ now",
        "−∇J, drawn at a fixed length (|∇J| = 0.0056)",
        "low",
        "high loss (log-spaced levels)",
    ];
    for width in (330..=900).step_by(15) {
        let mut harness = Harness::builder()
            .with_size(egui::vec2(width as f32, 300.0))
            .with_context_setup(app_fonts)
            .build_ui(move |ui| {
                let entries: Vec<LegendEntry> = names
                    .iter()
                    .map(|n| LegendEntry::new(*n, egui::Color32::WHITE, Marker::Line))
                    .collect();
                legend_row(ui, &entries);
            });
        harness.run_steps(2);
        let left = harness.ctx.content_rect().left();
        for name in names {
            let rect = harness.get_by_label(name).rect();
            assert!(
                rect.left() >= left + 18.0,
                "at {width} points \"{name}\" begins a row without its marker: {rect:?}"
            );
        }
    }
}

/// On the saddle every racer falls off the ridge; the table says so in a few words and keeps
/// the reason for the tooltip, so the table and the loss curves stay inside the window (the
/// whole sentence pushed both past its right edge at 1280 points).
#[test]
fn a_racer_that_falls_off_the_saddle_is_named_briefly_inside_the_window() {
    use gradscope::lesson::Surface;
    // 1280×800 pixels at presentation mode's 1.5× zoom.
    let mut harness = race(egui::vec2(853.0, 533.0));
    harness.state_mut().race.set_surface(Surface::Saddle);
    for _ in 0..5000 {
        if !harness.state_mut().race.step() {
            break;
        }
    }
    let messages: Vec<String> = harness
        .state()
        .race
        .racers
        .iter()
        .filter_map(|r| r.diverged().map(str::to_string))
        .collect();
    assert!(messages.len() >= 3, "{messages:?}");
    harness.run_steps(2);
    let screen = harness.ctx.content_rect();
    for message in messages {
        let (short, _) = message.split_once(": ").unwrap();
        assert!(short.starts_with("fell off at step "), "{message}");
        assert!(
            harness.query_by_label(&message).is_none(),
            "{message} in full"
        );
        let rect = harness.get_all_by_label(short).next().unwrap().rect();
        assert!(rect.right() <= screen.right(), "{short} at {rect:?}");
    }
}

/// Converged, the gradient is rounding noise: no −∇J arrow (it pointed wherever the noise
/// did), and the legend says why; before, the arrow and its length are there.
#[test]
fn at_the_minimum_no_gradient_arrow_is_drawn() {
    use gradscope::ui::lesson::MIN_ARROW_GRADIENT;
    use gradscope::ui::pacer::SteppedView;
    let mut harness = lesson();
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label_contains("−∇J, drawn at a fixed length")
            .is_some()
    );
    for _ in 0..1000 {
        harness.state_mut().step_paused();
    }
    harness.run_steps(2);
    let run = harness.state().run();
    let gradient = run.data().gradient(run.theta());
    let norm = gradient[0].hypot(gradient[1]);
    assert!(norm < MIN_ARROW_GRADIENT, "|∇J| = {norm}");
    assert!(
        harness
            .query_by_label_contains("−∇J: none at the minimum (|∇J| = ")
            .is_some()
    );
}

/// A learning rate typed into the race's table that is not a number changes nothing and
/// says so; one above the table's range is set to its end and says so (`nan` and `1e30`
/// both set 10 without a word).
#[test]
fn a_racers_typed_learning_rate_is_checked_and_explained() {
    let mut harness = race(egui::vec2(1280.0, 900.0));
    harness.run_steps(2);
    let before: Vec<f64> = harness
        .state()
        .race
        .racers
        .iter()
        .map(|r| r.config.learning_rate)
        .collect();
    let last = *before.last().unwrap();
    let shown = format!("{last:.2e}");
    let editing = || egui_kittest::kittest::by().predicate(|node| node.is_focused());
    let enter = |harness: &mut Harness<'static, RacePanel>, text: &str| {
        let at = harness
            .query_all_by_value(&shown)
            .map(|node| node.rect().center())
            .max_by(|a, b| a.y.total_cmp(&b.y))
            .expect("the last racer's learning rate box");
        harness
            .query_all_by_value(&shown)
            .find(|node| node.rect().center() == at)
            .unwrap()
            .click();
        harness.run_steps(2);
        harness.get(editing()).type_text(text);
        harness.key_press(egui::Key::Enter);
        harness.run_steps(3);
    };
    enter(&mut harness, "nan");
    let rates = |harness: &Harness<'static, RacePanel>| -> Vec<f64> {
        harness
            .state()
            .race
            .racers
            .iter()
            .map(|r| r.config.learning_rate)
            .collect()
    };
    assert_eq!(rates(&harness), before);
    harness.get_by_label(&format!(
        "\"nan\" is not a number: the learning rate stays {}",
        gradscope::ui::format::format_learning_rate(last)
    ));
    enter(&mut harness, "1e30");
    assert_eq!(*rates(&harness).last().unwrap(), 10.0);
    harness.get_by_label("\"1e30\" is above the most the learning rate may be: set to 10");
}

/// The lesson's learning rate α typed as text that is not a number changes nothing, and one
/// above the slider's range is set to its end, each with a note (both were silent).
#[test]
fn the_lessons_typed_learning_rate_is_checked_and_explained() {
    let mut harness = lesson();
    harness.run_steps(2);
    let before = harness.state().learning_rate;
    let editing = || egui_kittest::kittest::by().predicate(|node| node.is_focused());
    let enter = |harness: &mut Harness<'static, LessonPanel>, text: &str| {
        let shown = format!("{:.4}", harness.state().learning_rate);
        harness.get_by_value(&shown).click();
        harness.run_steps(2);
        harness.get(editing()).type_text(text);
        harness.key_press(egui::Key::Enter);
        harness.run_steps(3);
    };
    enter(&mut harness, "nan");
    assert_eq!(harness.state().learning_rate, before);
    harness.get_by_label(&format!(
        "\"nan\" is not a number: the learning rate stays {}",
        gradscope::ui::format::format_learning_rate(before)
    ));
    enter(&mut harness, "1e30");
    assert_eq!(harness.state().learning_rate, 10.0);
    harness.get_by_label("\"1e30\" is above the most the learning rate may be: set to 10");
}
