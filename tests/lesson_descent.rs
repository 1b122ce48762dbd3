//! The gradient-descent lesson and the optimizer race: convergence to least squares, the
//! critical learning rate, regimes, and the test surfaces' gradients and minima.

use gradscope::lesson::{
    BatchMode, CriticalKind, DIVERGENCE_LOSS, GradientDescent, LevelGrid, PresetConfig, Race,
    Regime, RegressionData, StepError, Surface, SurfaceKind, log_levels, symmetric_eigenvalues,
};
use gradscope::nn::OptimizerKind;

fn preset() -> RegressionData {
    RegressionData::preset(&PresetConfig::default())
}

#[test]
fn the_preset_is_the_seed_example() {
    let data = preset();
    assert_eq!(data.len(), 100);
    for (&x, &y) in data.x.iter().zip(&data.y) {
        assert!((0.0..1.0).contains(&x));
        let noise = y - (3.0 * x + 2.0);
        assert!((0.0..1.0).contains(&noise), "noise {noise}");
    }
    assert_eq!(data, preset(), "same seed, same points");
    let other = RegressionData::preset(&PresetConfig {
        seed: 2,
        ..PresetConfig::default()
    });
    assert_ne!(data.x, other.x);
    // Noise 0 puts every point on the line, so least squares recovers (3, 2) exactly.
    let clean = RegressionData::preset(&PresetConfig {
        noise: 0.0,
        ..PresetConfig::default()
    });
    let [w, b] = clean.least_squares().expect("fit");
    assert!(
        (w - 3.0).abs() < 1e-12 && (b - 2.0).abs() < 1e-12,
        "{w} {b}"
    );
    // With U[0,1) noise the intercept absorbs its mean 0.5.
    let [w, b] = data.least_squares().expect("fit");
    assert!((w - 3.0).abs() < 0.3 && (b - 2.5).abs() < 0.2, "{w} {b}");
}

#[test]
fn gradient_descent_converges_to_least_squares_within_1e_4() {
    let data = preset();
    let target = data.least_squares().expect("fit");
    let lr = 0.5 * data.critical_learning_rate().expect("λ_max > 0");
    let mut run = GradientDescent::new(data, [0.0, 0.0], BatchMode::Full, 1);
    let far = (run.theta()[0] - target[0])
        .abs()
        .max((run.theta()[1] - target[1]).abs());
    assert!(far > 1.0, "the start is not already at the fit");
    assert_eq!(run.run(lr, 2000), 2000);
    let [w, b] = run.theta();
    println!(
        "GD at α = {lr:.4} after 2000 steps: ({w:.10}, {b:.10}); LS ({:.10}, {:.10})",
        target[0], target[1]
    );
    assert!((w - target[0]).abs() < 1e-4, "w = {w}, LS {}", target[0]);
    assert!((b - target[1]).abs() < 1e-4, "b = {b}, LS {}", target[1]);
    assert_eq!(run.path().len(), 2001);
    assert_eq!(run.diverged(), None);
    let last = run.last().expect("a step");
    assert_eq!(last.step, 2000);
    // The recorded update is the rule itself: after = before − α·gradient.
    for k in 0..2 {
        assert_eq!(last.after[k], last.before[k] - lr * last.gradient[k]);
    }
}

#[test]
fn minibatch_sgd_gets_close_but_keeps_jittering() {
    let data = preset();
    let target = data.least_squares().expect("fit");
    let j_min = data.loss(target);
    let lr = 0.2 * data.critical_learning_rate().expect("λ_max > 0");
    let mut run = GradientDescent::new(data, [0.0, 0.0], BatchMode::Minibatch(10), 7);
    run.run(lr, 3000);
    let gap = run.data().loss(run.theta()) - j_min;
    assert!(gap < 0.01, "J − J_min = {gap}");
    // A minibatch gradient differs from the full one.
    let last = *run.last().expect("step");
    let full = run.data().gradient(last.before);
    assert_ne!(last.gradient, full);
}

#[test]
fn the_critical_learning_rate_separates_convergence_from_divergence() {
    let data = preset();
    let target = data.least_squares().expect("fit");
    let j_min = data.loss(target);
    let critical = data.critical_learning_rate().expect("λ_max > 0");
    let [lambda_min, lambda_max] = data.hessian_eigenvalues();
    println!("λ_min = {lambda_min:.6}, λ_max = {lambda_max:.6}, 2/λ_max = {critical:.6}");
    assert!((critical - 2.0 / lambda_max).abs() < 1e-15);

    // 0.9 × critical: the loss never rises and ends at the minimum.
    let mut run = GradientDescent::new(data.clone(), [0.0, 0.0], BatchMode::Full, 1);
    assert_eq!(run.run(0.9 * critical, 3000), 3000);
    let losses: Vec<f64> = run.losses().iter().map(|p| p[1]).collect();
    for pair in losses.windows(2) {
        assert!(
            pair[1] <= pair[0] + 1e-12,
            "loss rose: {} → {}",
            pair[0],
            pair[1]
        );
    }
    let gap = losses.last().expect("losses") - j_min;
    assert!(gap.abs() < 1e-12, "J − J_min = {gap}");

    // 1.1 × critical: the loss grows without bound until the run stops on divergence.
    let mut run = GradientDescent::new(data, [0.0, 0.0], BatchMode::Full, 1);
    let start_loss = run.losses()[0][1];
    assert_eq!(run.run(1.1 * critical, 60), 60);
    let after_60 = run.losses().last().expect("losses")[1];
    assert!(after_60 > 1e6 * start_loss, "J after 60 steps {after_60}");
    let losses: Vec<f64> = run.losses().iter().map(|p| p[1]).collect();
    let rises = losses[20..].windows(2).filter(|p| p[1] > p[0]).count();
    assert_eq!(
        rises,
        losses.len() - 21,
        "past the transient every step raises J"
    );
    let taken = run.run(1.1 * critical, 100_000);
    assert!(taken < 1000, "divergence must stop the run, took {taken}");
    let message = run.diverged().expect("diverged").to_string();
    let failed = run.steps() + 1;
    assert_eq!(
        message,
        format!("diverged at step {failed}: lower the learning rate or normalise the inputs")
    );
    assert!(run.theta().iter().all(|v| v.is_finite()));
    let last_loss = run.data().loss(run.theta());
    assert!(last_loss.is_finite() && last_loss <= DIVERGENCE_LOSS);
    assert_eq!(run.step(0.01), Err(StepError::Diverged));
    run.reset([0.0, 0.0]);
    assert!(run.diverged().is_none() && run.steps() == 0);
}

#[test]
fn regimes_follow_one_and_two_over_lambda_max() {
    let lambda = 2.5;
    assert_eq!(Regime::classify(0.1, lambda), Some(Regime::Monotone));
    assert_eq!(Regime::classify(0.4, lambda), Some(Regime::Monotone));
    assert_eq!(Regime::classify(0.41, lambda), Some(Regime::Oscillating));
    assert_eq!(Regime::classify(0.79, lambda), Some(Regime::Oscillating));
    assert_eq!(Regime::classify(0.8, lambda), Some(Regime::Diverging));
    assert_eq!(Regime::classify(5.0, lambda), Some(Regime::Diverging));
    assert_eq!(Regime::classify(f64::NAN, lambda), None);
    assert_eq!(Regime::classify(-0.1, lambda), None);
    assert_eq!(Regime::classify(0.1, 0.0), None);
    assert_eq!(Regime::Monotone.label(), "regime: monotone (α < 1/λ_max)");
    assert_eq!(
        Regime::Oscillating.label(),
        "regime: oscillating (1/λ_max < α < 2/λ_max)"
    );
    assert_eq!(Regime::Diverging.label(), "regime: diverging (α > 2/λ_max)");

    // The regimes show in the path: the w−b error flips sign only above 1/λ_max.
    let data = preset();
    let target = data.least_squares().expect("fit");
    let lambda_max = data.lambda_max();
    let sign_flips = |lr: f64| {
        let mut run = GradientDescent::new(data.clone(), [0.0, 0.0], BatchMode::Full, 1);
        run.run(lr, 40);
        // Error along the top eigenvector (the dominant direction of w and b together).
        let h = data.hessian();
        let v = [h[0][1], lambda_max - h[0][0]];
        let along = |p: &[f64; 2]| (p[0] - target[0]) * v[0] + (p[1] - target[1]) * v[1];
        run.path()
            .windows(2)
            .filter(|p| along(&p[0]).signum() != along(&p[1]).signum())
            .count()
    };
    assert_eq!(sign_flips(0.9 / lambda_max), 0);
    assert!(sign_flips(1.5 / lambda_max) >= 30);
}

#[test]
fn hessian_and_standardisation() {
    let data = RegressionData::new(&[0.0, 1.0, 2.0, 3.0], &[1.0, 3.0, 5.0, 7.0]);
    // H = (2/4)·[[0+1+4+9, 6], [6, 4]] = [[7, 3], [3, 2]].
    assert_eq!(data.hessian(), [[7.0, 3.0], [3.0, 2.0]]);
    // λ = 4.5 ∓ √(6.25 + 9) = 4.5 ∓ 3.905124837953327.
    let [low, high] = data.hessian_eigenvalues();
    assert!((low - 0.594_875_162_046_673).abs() < 1e-12);
    assert!((high - 8.405_124_837_953_327).abs() < 1e-12);
    assert_eq!(data.least_squares(), Some([2.0, 1.0]));
    // Standardised inputs make H = 2·I (round contours) and map back to the same line.
    let (z, map) = data.standardized();
    let h = z.hessian();
    assert!((h[0][0] - 2.0).abs() < 1e-12 && h[0][1].abs() < 1e-12 && h[1][1] == 2.0);
    let fit = z.least_squares().expect("fit");
    let [w, b] = map.to_original(fit);
    assert!((w - 2.0).abs() < 1e-12 && (b - 1.0).abs() < 1e-12);
    assert_eq!(symmetric_eigenvalues([[3.0, 0.0], [0.0, 1.0]]), [1.0, 3.0]);
}

#[test]
fn bad_input_never_panics() {
    let empty = RegressionData::new(&[], &[]);
    assert_eq!(empty.loss([1.0, 1.0]), 0.0);
    assert_eq!(empty.gradient([1.0, 1.0]), [0.0, 0.0]);
    assert_eq!(empty.least_squares(), None);
    assert_eq!(empty.critical_learning_rate(), None);
    let constant = RegressionData::new(&[2.0, 2.0, f64::NAN], &[1.0, 3.0, 4.0]);
    assert_eq!(constant.len(), 2, "the NaN pair is dropped");
    assert_eq!(constant.least_squares(), None);
    let mut run = GradientDescent::new(empty, [0.0, 0.0], BatchMode::Minibatch(0), 1);
    assert_eq!(run.step(f64::NAN).err(), Some(StepError::BadLearningRate));
    assert_eq!(run.step(-1.0).err(), Some(StepError::BadLearningRate));
    assert!(run.step(0.1).is_ok());
    let zero = RegressionData::preset(&PresetConfig {
        points: 0,
        noise: f64::NAN,
        seed: 0,
    });
    assert!(zero.is_empty());
    let flat = Surface::IllConditioned { condition: 0.0 };
    assert_eq!(flat.condition(), 1.0);
    assert_eq!(
        Surface::IllConditioned {
            condition: f64::NAN
        }
        .condition(),
        1.0
    );
    let mut race = Race::new(Surface::Rosenbrock);
    race.racers[0].config.learning_rate = f64::NAN;
    race.step();
    assert!(race.racers[0].diverged().is_some());
    assert_eq!(race.racers[0].position(), Surface::Rosenbrock.start());
}

fn surfaces() -> Vec<Surface> {
    let mut all: Vec<Surface> = SurfaceKind::ALL
        .iter()
        .map(|&k| Surface::of_kind(k))
        .collect();
    all.push(Surface::IllConditioned { condition: 250.0 });
    all
}

#[test]
fn surface_gradients_match_central_differences() {
    let points = [
        [-1.3, 0.7],
        [0.4, -1.1],
        [2.2, 1.9],
        [-0.6, -2.4],
        [1.0, 0.0],
    ];
    for surface in surfaces() {
        for p in points {
            let g = surface.gradient(p);
            for k in 0..2 {
                let h = 1e-6;
                let (mut plus, mut minus) = (p, p);
                plus[k] += h;
                minus[k] -= h;
                let numeric = (surface.value(plus) - surface.value(minus)) / (2.0 * h);
                let scale = g[k].abs().max(numeric.abs()).max(1.0);
                assert!(
                    (g[k] - numeric).abs() / scale < 1e-6,
                    "{} at {p:?}, ∂/∂{k}: analytic {} vs numeric {numeric}",
                    surface.name(),
                    g[k]
                );
            }
        }
    }
}

#[test]
fn known_minima_have_zero_gradient_and_the_lowest_value() {
    for surface in surfaces() {
        let points = surface.critical_points();
        assert!(!points.is_empty(), "{}", surface.name());
        for c in &points {
            let g = surface.gradient(c.point);
            assert!(
                g[0].abs() < 1e-9 && g[1].abs() < 1e-9,
                "{} at {:?}: ∇f = {g:?}",
                surface.name(),
                c.point
            );
            match c.kind {
                CriticalKind::Minimum => {
                    let min = surface.min_value().expect("a minimum value");
                    assert!((surface.value(c.point) - min).abs() < 1e-12);
                    // Nudging away from a minimum never lowers f.
                    for d in [[1e-3, 0.0], [0.0, 1e-3], [-1e-3, 1e-3]] {
                        let q = [c.point[0] + d[0], c.point[1] + d[1]];
                        assert!(
                            surface.value(q) >= min,
                            "{} near {:?}",
                            surface.name(),
                            c.point
                        );
                    }
                }
                CriticalKind::Saddle => {
                    assert_eq!(surface.min_value(), None);
                    assert!(surface.value([0.1, 0.0]) > 0.0 && surface.value([0.0, 0.1]) < 0.0);
                }
            }
        }
        let bounds = surface.bounds();
        assert!(bounds.contains(surface.start()), "{}", surface.name());
        for c in &points {
            assert!(bounds.contains(c.point), "{} {:?}", surface.name(), c.point);
        }
    }
    assert_eq!(Surface::Himmelblau.critical_points().len(), 4);
}

#[test]
fn the_race_is_shared_and_reports_steps_to_tolerance() {
    let mut race = Race::new(Surface::IllConditioned { condition: 10.0 });
    let kinds: Vec<OptimizerKind> = race.racers.iter().map(|r| r.config.kind).collect();
    assert_eq!(kinds, OptimizerKind::ALL.to_vec());
    let mut steps = 0;
    while race.step() {
        steps += 1;
    }
    assert!(race.is_finished());
    assert_eq!(race.steps(), steps);
    for racer in &race.racers {
        let reached = racer
            .reached_at()
            .unwrap_or_else(|| panic!("{} never reached 1e-4", racer.config.kind.name()));
        println!(
            "ill-conditioned κ = 10: {} reached 1e-4 after {reached} steps",
            racer.config.kind.name()
        );
        assert!(reached > 0 && reached <= steps);
        // At its arrival step the racer's loss is below the tolerance, one step before it is not.
        let losses = racer.losses();
        assert!(losses[reached as usize][1] < 1e-4);
        assert!(losses[reached as usize - 1][1] >= 1e-4);
        assert_eq!(racer.path()[0], race.start());
    }
    race.set_start([1.0, -1.0]);
    assert_eq!(race.steps(), 0);
    for racer in &race.racers {
        assert_eq!(racer.position(), [1.0, -1.0]);
        assert_eq!(racer.reached_at(), None);
    }
}

#[test]
fn a_diverging_racer_stops_and_the_others_go_on() {
    let mut race = Race::new(Surface::IllConditioned { condition: 10.0 });
    // SGD with α = 0.3 > 2/κ = 0.2 diverges along y.
    race.racers[0].config.learning_rate = 0.3;
    for _ in 0..200 {
        race.step();
    }
    let sgd = &race.racers[0];
    let message = sgd.diverged().expect("SGD diverged");
    assert!(message.starts_with("diverged at step "), "{message}");
    assert!(sgd.position().iter().all(|v| v.is_finite()));
    assert!(!sgd.is_running());
    assert!(race.racers[1..].iter().all(|r| r.diverged().is_none()));
    assert!(race.racers[4].steps() > sgd.steps());
}

#[test]
fn default_race_settings_make_progress_on_every_surface() {
    for surface in surfaces() {
        let mut race = Race::new(surface.clone());
        for _ in 0..5000 {
            race.step();
        }
        for racer in &race.racers {
            let start = surface.value(race.start());
            let now = surface.value(racer.position());
            println!(
                "{:<26} {:<9} lr {:<9.2e} steps {:>5} reached {:?} f {now:.3e}{}",
                surface.name(),
                racer.config.kind.name(),
                racer.config.learning_rate,
                racer.steps(),
                racer.reached_at(),
                racer
                    .diverged()
                    .map_or(String::new(), |m| format!(" ({m})"))
            );
            if surface.kind() != SurfaceKind::Saddle {
                assert!(
                    racer.diverged().is_none(),
                    "{} {}",
                    surface.name(),
                    racer.config.kind.name()
                );
                assert!(
                    now < start,
                    "{} {}",
                    surface.name(),
                    racer.config.kind.name()
                );
            }
        }
    }
}

#[test]
fn contour_levels_are_log_spaced() {
    let levels = log_levels(0.01, 100.0, 5);
    let expected = [0.01, 0.1, 1.0, 10.0, 100.0];
    for (l, e) in levels.iter().zip(expected) {
        assert!((l / e - 1.0).abs() < 1e-12, "{levels:?}");
    }
    assert!(log_levels(0.0, 1.0, 5).is_empty());
    assert!(log_levels(2.0, 1.0, 5).is_empty());
    let surface = Surface::IllConditioned { condition: 4.0 };
    let grid = LevelGrid::sample(|p| surface.value(p), surface.bounds(), 41, 41, 12);
    assert_eq!(grid.values.len(), 41 * 41);
    assert_eq!(grid.levels.len(), 12);
    // The cell at the centre (the minimum) is in the lowest band, the corners in the highest.
    assert_eq!(grid.bands[20 * 41 + 20], 0);
    assert_eq!(grid.bands[0], 12);
    // Along the centre row from the minimum to the right edge (f = ½x², up to 2 of the
    // corner's 10) the bands never fall and end in band 10: levels 1e-4·(1e5)^(i/11) ≤ 2 for
    // i = 0 … 9. Log spacing crowds levels near the minimum, so the first cells skip bands.
    let row = 20;
    let bands: Vec<u16> = (20..41).map(|c| grid.bands[row * 41 + c]).collect();
    assert!(bands.windows(2).all(|p| p[1] >= p[0]), "{bands:?}");
    assert_eq!(bands[0], 0);
    assert_eq!(*bands.last().expect("cells"), 10);
    assert!(
        bands[1..3].iter().any(|&b| b >= 2),
        "crowded near the minimum: {bands:?}"
    );
    for c in 20..40 {
        if bands[c - 20] != bands[c - 19] {
            assert!(
                grid.on_contour(c, row),
                "a band edge at column {c} has no line"
            );
        }
    }
    assert!(!grid.on_contour(41, 0));
}
