//! Memory room, capacity: for N = 100 the Hebbian rule recalls ≥ 95 % of cues with 10 % noise
//! at P = 5 and < 50 % at P = 25, Storkey's rule recalls more than Hebb's at P = 15, and the
//! sweep reports progress per P, stops on its cancel flag, repeats exactly for a seed and
//! refuses bad settings with one line each.

use std::sync::atomic::{AtomicBool, Ordering};

use gradscope::memory::{
    AGS_CAPACITY, CapacityConfig, CapacityCurve, LearningRule, MemoryError, capacity_sweep,
};

fn sweep(config: &CapacityConfig) -> CapacityCurve {
    let never = AtomicBool::new(false);
    capacity_sweep(config, |_| {}, &never).expect("the sweep runs")
}

fn share(curve: &CapacityCurve, rule: LearningRule, p: usize) -> f64 {
    curve.share(rule, p).expect("swept")
}

#[test]
fn hebb_recalls_at_low_load_and_fails_well_above_the_capacity() {
    for seed in [1, 2] {
        let config = CapacityConfig {
            seed,
            ..CapacityConfig::new(100)
        };
        assert_eq!(config.max_patterns, 25);
        let curve = sweep(&config);
        let hebb = |p| share(&curve, LearningRule::Hebb, p);
        let storkey = |p| share(&curve, LearningRule::Storkey, p);
        // P/N = 0.05, well below α_c ≈ 0.138.
        assert!(hebb(5) >= 0.95, "seed {seed}: Hebb at P = 5: {}", hebb(5));
        // P/N = 0.25, far above it.
        assert!(hebb(25) < 0.5, "seed {seed}: Hebb at P = 25: {}", hebb(25));
        // P/N = 0.15: Storkey's capacity (≈ N/√(2 ln N) ≈ 33 for N = 100) is well above it.
        assert!(
            storkey(15) > hebb(15),
            "seed {seed}: Storkey {} vs Hebb {} at P = 15",
            storkey(15),
            hebb(15)
        );
        assert!((curve.theoretical_patterns() - 13.8).abs() < 1e-9);
        assert_eq!(AGS_CAPACITY, 0.138);
    }
}

#[test]
fn the_pseudo_inverse_rule_recalls_at_a_load_where_hebb_fails() {
    let config = CapacityConfig {
        max_patterns: 25,
        trials: 10,
        rules: vec![LearningRule::Hebb, LearningRule::PseudoInverse],
        ..CapacityConfig::new(100)
    };
    let curve = sweep(&config);
    let (hebb, pinv) = (
        share(&curve, LearningRule::Hebb, 25),
        share(&curve, LearningRule::PseudoInverse, 25),
    );
    assert!(
        pinv >= 0.9 && hebb < 0.5,
        "P = 25: pseudo-inverse {pinv}, Hebb {hebb}"
    );
}

#[test]
fn the_sweep_reports_every_p_and_repeats_exactly() {
    let config = CapacityConfig {
        max_patterns: 6,
        trials: 4,
        ..CapacityConfig::new(64)
    };
    let never = AtomicBool::new(false);
    let mut seen = Vec::new();
    let curve = capacity_sweep(&config, |step| seen.push(step.clone()), &never).unwrap();
    assert_eq!(seen.len(), 6);
    for (k, step) in seen.iter().enumerate() {
        assert_eq!((step.done, step.total), (k + 1, 6));
        let rules: Vec<_> = step.points.iter().map(|p| p.rule).collect();
        assert_eq!(rules, [LearningRule::Hebb, LearningRule::Storkey]);
        assert_eq!(step.points, curve.points[2 * k..2 * k + 2]);
        for point in &step.points {
            assert_eq!((point.patterns, point.trials), (k + 1, 4));
            assert!((point.load - (k + 1) as f64 / 64.0).abs() < 1e-12);
            assert!((point.share - point.recalled as f64 / 4.0).abs() < 1e-12);
            assert!((-1.0..=1.0).contains(&point.mean_overlap));
        }
    }
    assert_eq!(curve, sweep(&config), "the same seed gives the same curve");
    let other = sweep(&CapacityConfig { seed: 99, ..config });
    let overlaps = |c: &CapacityCurve| c.points.iter().map(|p| p.mean_overlap).collect::<Vec<_>>();
    assert_ne!(
        overlaps(&curve),
        overlaps(&other),
        "another seed draws other patterns"
    );
}

/// The mean overlap is k / (N · trials) for a whole k, rounded once: printed in the JSON as
/// `0.947`, not as the `0.9470000000000001` that adding 20 rounded overlaps gave.
#[test]
fn the_mean_overlap_is_one_rounding_of_a_whole_count() {
    let config = CapacityConfig::new(100);
    let curve = sweep(&config);
    let cells = (100 * config.trials) as f64;
    for point in &curve.points {
        let k = (point.mean_overlap * cells).round();
        assert_eq!(point.mean_overlap, k / cells, "{point:?}");
    }
    assert!(
        curve.points.iter().any(|p| p.mean_overlap < 0.99),
        "some recalls end off the pattern"
    );
}

#[test]
fn the_sweep_stops_when_cancelled() {
    let config = CapacityConfig::new(100);
    let cancel = AtomicBool::new(false);
    let mut calls = 0;
    let result = capacity_sweep(
        &config,
        |step| {
            calls += 1;
            if step.done == 3 {
                cancel.store(true, Ordering::Relaxed);
            }
        },
        &cancel,
    );
    assert_eq!(result.unwrap_err(), MemoryError::Cancelled);
    assert_eq!(calls, 3, "no P after the flag was set");
}

#[test]
fn bad_settings_are_refused_with_one_line() {
    let base = CapacityConfig::new(100);
    let cases = [
        (
            CapacityConfig {
                neurons: 1,
                ..base.clone()
            },
            "neurons",
            "the capacity sweep needs 2 to 1024 neurons, got 1",
        ),
        (
            CapacityConfig {
                neurons: 101,
                ..base.clone()
            },
            "neurons",
            "101 neurons do not fit a grid of at most 32×32 (give R·C with R, C ≤ 32, e.g. \
             144 = 12×12)",
        ),
        (
            CapacityConfig {
                max_patterns: 0,
                ..base.clone()
            },
            "max_patterns",
            "the largest number of patterns must be 1 to N = 100, got 0",
        ),
        (
            CapacityConfig {
                trials: 0,
                ..base.clone()
            },
            "trials",
            "give at least 1 trial",
        ),
        (
            CapacityConfig {
                noise: 1.5,
                ..base.clone()
            },
            "noise",
            "noise must be a share of the bits in [0, 1], got 1.5",
        ),
        (
            CapacityConfig {
                noise: f64::NAN,
                ..base.clone()
            },
            "noise",
            "noise must be a share of the bits in [0, 1], got NaN",
        ),
        (
            CapacityConfig {
                rules: vec![],
                ..base.clone()
            },
            "rules",
            "name at least one learning rule",
        ),
        (
            CapacityConfig {
                rules: vec![LearningRule::Hebb, LearningRule::Hebb],
                ..base.clone()
            },
            "rules",
            "the rule hebb is named twice",
        ),
        (
            CapacityConfig {
                max_sweeps: 0,
                ..base.clone()
            },
            "max_sweeps",
            "give at least 1 sweep per recall",
        ),
    ];
    for (config, field, message) in cases {
        let (got_field, error) = config.check().unwrap_err();
        assert_eq!((got_field, error.to_string().as_str()), (field, message));
        let never = AtomicBool::new(false);
        let err = capacity_sweep(&config, |_| panic!("no progress"), &never).unwrap_err();
        assert_eq!(err.to_string(), message);
    }
}
