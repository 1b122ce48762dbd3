//! The generated data sets (`data::synth`): names, counts, splits, balanced classes, ranges
//! and determinism in the seed.

use gradscope::data::{Dataset, Labels, PLANE_EXTENT, SynthConfig, SynthKind, Task, generate};

const PLANE: [SynthKind; 5] = [
    SynthKind::Circle,
    SynthKind::Xor,
    SynthKind::Gaussians,
    SynthKind::Spiral,
    SynthKind::Moons,
];

fn config(kind: SynthKind, seed: u64, noise: f32) -> SynthConfig {
    SynthConfig {
        seed,
        noise,
        ..SynthConfig::new(kind)
    }
}

fn class_counts(ds: &Dataset) -> [usize; 2] {
    let mut counts = [0; 2];
    for split in [&ds.train, &ds.test] {
        for c in split.classes(&(0..split.len()).collect::<Vec<_>>()) {
            counts[c] += 1;
        }
    }
    counts
}

#[test]
fn names_parse_and_defaults() {
    assert_eq!(SynthKind::ALL.len(), 7);
    for kind in SynthKind::ALL {
        assert_eq!(SynthKind::parse(kind.name()), Some(kind));
        assert_eq!(SynthKind::parse(&kind.name().to_uppercase()), Some(kind));
        assert!(!kind.description().is_empty());
    }
    assert_eq!(SynthKind::parse("spiral"), Some(SynthKind::Spiral));
    assert_eq!(SynthKind::parse("nope"), None);
    let c = SynthConfig::new(SynthKind::Circle);
    assert_eq!((c.samples, c.noise, c.train_ratio), (400, 0.1, 0.5));
    let l = SynthConfig::new(SynthKind::Line);
    assert_eq!((l.samples, l.noise, l.train_ratio), (100, 1.0, 0.8));
}

#[test]
fn xor4_is_the_truth_table_whatever_the_settings() {
    for config in [
        SynthConfig::new(SynthKind::Xor4),
        config(SynthKind::Xor4, 9, 0.7),
    ] {
        let data = generate(&config);
        assert_eq!((data.train.len(), data.test.len()), (4, 0));
        let rows: Vec<(Vec<f32>, usize)> = (0..4)
            .map(|i| (data.train.row(i).to_vec(), data.train.classes(&[i])[0]))
            .collect();
        for (x, class) in [
            ([0.0, 0.0], 0),
            ([0.0, 1.0], 1),
            ([1.0, 0.0], 1),
            ([1.0, 1.0], 0),
        ] {
            assert!(
                rows.contains(&(x.to_vec(), class)),
                "({x:?}) → {class} in {rows:?}"
            );
        }
    }
}

#[test]
fn plane_sets_have_counts_splits_and_balanced_classes() {
    for kind in PLANE {
        let ds = generate(&SynthConfig::new(kind));
        assert_eq!(ds.name, kind.name());
        assert_eq!(ds.feature_names, ["x1", "x2"]);
        assert_eq!(
            ds.task,
            Task::Classification {
                class_names: vec!["blue".into(), "orange".into()]
            }
        );
        assert_eq!(ds.n_features(), 2);
        assert_eq!(ds.n_classes(), Some(2));
        assert!(
            ds.standardizer.is_none(),
            "{kind:?} must not be standardised"
        );
        assert_eq!((ds.train.len(), ds.test.len()), (200, 200), "{kind:?}");
        assert_eq!(ds.train.features.len(), 400);
        assert_eq!(class_counts(&ds), [200, 200], "{kind:?}");
        // stratified: 100 of each class in training
        let train_classes = ds.train.classes(&(0..200).collect::<Vec<_>>());
        assert_eq!(
            train_classes.iter().filter(|&&c| c == 0).count(),
            100,
            "{kind:?}"
        );
    }
}

#[test]
fn odd_sample_counts_stay_balanced() {
    for kind in PLANE {
        let ds = generate(&SynthConfig {
            samples: 101,
            train_ratio: 0.8,
            ..SynthConfig::new(kind)
        });
        assert_eq!(class_counts(&ds), [51, 50], "{kind:?}");
        // round(51 * 0.8) = 41, round(50 * 0.8) = 40
        assert_eq!((ds.train.len(), ds.test.len()), (81, 20), "{kind:?}");
    }
}

#[test]
fn all_sets_are_deterministic_in_the_seed() {
    // Xor4 is the fixed truth table: the seed does not apply.
    for kind in SynthKind::ALL.into_iter().filter(|&k| k != SynthKind::Xor4) {
        let a = generate(&config(kind, 7, 0.3));
        let b = generate(&config(kind, 7, 0.3));
        let c = generate(&config(kind, 8, 0.3));
        assert_eq!(a, b, "{kind:?}: same seed");
        assert_ne!(
            a.train.features, c.train.features,
            "{kind:?}: different seed"
        );
    }
}

#[test]
fn plane_coordinates_stay_within_unit_square() {
    for kind in PLANE {
        for noise in [0.0, 0.1, 0.5, 1.0] {
            let ds = generate(&config(kind, 3, noise));
            let train = ds.train.features.as_f32().expect("f32 features");
            let test = ds.test.features.as_f32().expect("f32 features");
            for x in train.iter().chain(test) {
                assert!(
                    (-PLANE_EXTENT..=PLANE_EXTENT).contains(x),
                    "{kind:?} noise {noise}: {x}"
                );
            }
            let (lo, hi) = ds.feature_range(0);
            assert!(lo >= -PLANE_EXTENT && hi <= PLANE_EXTENT && lo < hi);
        }
    }
}

/// Every sample of both splits in units of the plane's half-width: (x1, x2, class).
fn points(ds: &Dataset) -> Vec<(f32, f32, usize)> {
    let mut out = Vec::new();
    for split in [&ds.train, &ds.test] {
        let Labels::Classes(classes) = &split.labels else {
            panic!("classification expected")
        };
        for (i, &c) in classes.iter().enumerate() {
            let r = split.row(i);
            out.push((r[0] / PLANE_EXTENT, r[1] / PLANE_EXTENT, c));
        }
    }
    out
}

#[test]
fn noiseless_shapes_follow_their_rules() {
    for (x, y, c) in points(&generate(&config(SynthKind::Circle, 1, 0.0))) {
        let r = (x * x + y * y).sqrt();
        if c == 0 {
            assert!(r < 0.4 + 1e-6, "inner disc: r = {r}");
        } else {
            assert!((0.56 - 1e-6..0.8 + 1e-6).contains(&r), "ring: r = {r}");
        }
    }
    for (x, y, c) in points(&generate(&config(SynthKind::Xor, 1, 0.0))) {
        assert_eq!(usize::from(x * y < 0.0), c, "xor ({x}, {y})");
        assert!(x.abs() >= 0.05 && y.abs() >= 0.05);
    }
    for (x, y, c) in points(&generate(&config(SynthKind::Spiral, 1, 0.0))) {
        assert!((x * x + y * y).sqrt() < 0.8 + 1e-6);
        assert!(c < 2);
    }
    for (x, y, c) in points(&generate(&config(SynthKind::Moons, 1, 0.0))) {
        // upper moon: centre of its circle at (-0.2667, -0.1333), radius 0.5333
        let (cx, cy) = if c == 0 {
            (-0.5 * 0.8 / 1.5, -0.25 * 0.8 / 1.5)
        } else {
            (0.5 * 0.8 / 1.5, 0.25 * 0.8 / 1.5)
        };
        let r = ((x - cx).powi(2) + (y - cy).powi(2)).sqrt();
        assert!((r - 0.8 / 1.5).abs() < 1e-5, "moon radius {r}");
        if c == 0 {
            assert!(y >= cy - 1e-6);
        } else {
            assert!(y <= cy + 1e-6);
        }
    }
}

#[test]
fn gaussian_blobs_sit_on_their_centres() {
    let ds = generate(&config(SynthKind::Gaussians, 5, 0.1));
    let mut sums = [[0.0f64; 2]; 2];
    for (x, y, c) in points(&ds) {
        sums[c][0] += f64::from(x);
        sums[c][1] += f64::from(y);
    }
    for (c, centre) in [(0, 0.4), (1, -0.4)] {
        for s in sums[c] {
            assert!(
                (s / 200.0 - centre).abs() < 0.03,
                "class {c} mean {}",
                s / 200.0
            );
        }
    }
}

#[test]
fn noise_moves_points() {
    for kind in [
        SynthKind::Circle,
        SynthKind::Xor,
        SynthKind::Spiral,
        SynthKind::Moons,
    ] {
        let calm = generate(&config(kind, 2, 0.0));
        let noisy = generate(&config(kind, 2, 1.0));
        assert_ne!(calm.train.features, noisy.train.features, "{kind:?}");
    }
}

#[test]
fn line_is_three_x_plus_two_plus_uniform_noise() {
    let ds = generate(&SynthConfig::new(SynthKind::Line));
    assert_eq!(ds.name, "line");
    assert_eq!(ds.task, Task::Regression);
    assert_eq!(ds.feature_names, ["x"]);
    assert_eq!(ds.n_classes(), None);
    assert!(!ds.is_classification());
    assert!(ds.standardizer.is_none());
    assert_eq!((ds.train.len(), ds.test.len()), (80, 20));
    let mut residuals = Vec::new();
    for split in [&ds.train, &ds.test] {
        let idx: Vec<usize> = (0..split.len()).collect();
        let x = split.gather::<f64>(&idx);
        let y = split.values::<f64>(&idx);
        assert_eq!(y.shape(), (split.len(), 1));
        assert!(split.classes(&idx).is_empty());
        for i in 0..split.len() {
            assert!((0.0..1.0).contains(&x[(i, 0)]), "x = {}", x[(i, 0)]);
            residuals.push(y[(i, 0)] - 3.0 * x[(i, 0)] - 2.0);
        }
    }
    assert_eq!(residuals.len(), 100);
    // y is stored as f32 (about 5e-7 resolution near 5), hence the small tolerance.
    for r in &residuals {
        assert!(*r >= -1e-5 && *r < 1.0 + 1e-5, "residual {r}");
    }
    // the noise really is spread over [0, 1)
    let lo = residuals.iter().cloned().fold(f64::INFINITY, f64::min);
    let hi = residuals.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    assert!(lo < 0.1 && hi > 0.9, "residuals in [{lo}, {hi}]");
}

#[test]
fn line_without_noise_is_exact() {
    let ds = generate(&config(SynthKind::Line, 4, 0.0));
    let idx: Vec<usize> = (0..ds.train.len()).collect();
    let x = ds.train.gather::<f32>(&idx);
    let y = ds.train.values::<f32>(&idx);
    for i in 0..idx.len() {
        assert!((y[(i, 0)] - 3.0 * x[(i, 0)] - 2.0).abs() < 1e-6);
    }
}

#[test]
fn bad_settings_are_repaired() {
    let ds = generate(&SynthConfig {
        samples: 0,
        noise: f32::NAN,
        train_ratio: 7.0,
        ..SynthConfig::new(SynthKind::Circle)
    });
    assert_eq!((ds.train.len(), ds.test.len()), (2, 0));
    let ds = generate(&SynthConfig {
        samples: 0,
        ..SynthConfig::new(SynthKind::Line)
    });
    assert_eq!(ds.train.len() + ds.test.len(), 1);
}

#[test]
fn config_and_kind_implement_serde() {
    fn assert_serde<T: serde::Serialize + for<'a> serde::Deserialize<'a>>() {}
    assert_serde::<SynthConfig>();
    assert_serde::<SynthKind>();
}
