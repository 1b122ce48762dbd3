//! Synthetic toy data sets in the spirit of TensorFlow Playground, plus a 1-D regression line.

use std::f32::consts::{PI, TAU};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use super::{Dataset, Labels, Task};

/// Half-width of the square the 2-D sets are drawn in: their shapes are built in [-1, 1] and
/// scaled by this, so the first layer of a small tanh network sees inputs of a few units (as in
/// TensorFlow Playground's [-6, 6]) rather than nearly linear ones.
pub const PLANE_EXTENT: f32 = 5.0;

/// Largest displacement of a coordinate by noise (at `noise = 1`) for the jittered 2-D sets.
/// Their shapes fit in [-0.8, 0.8], so jittered points stay within [-1, 1].
const MAX_JITTER: f32 = 0.2;

/// The synthetic data sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SynthKind {
    /// Blue inner disc inside an orange ring.
    Circle,
    /// Blue where x1·x2 > 0 (quadrants I and III), orange elsewhere.
    Xor,
    /// Two Gaussian blobs, blue around (0.4, 0.4), orange around (-0.4, -0.4).
    Gaussians,
    /// Two interleaved spiral arms, one per class.
    Spiral,
    /// Two interleaving half-moons, one per class.
    Moons,
    /// 1-D regression: y = 3x + 2 + noise·U[0, 1).
    Line,
    /// The classic XOR truth table: exactly four points, (0,0)→0, (0,1)→1, (1,0)→1,
    /// (1,1)→0, all in the training split.
    Xor4,
}

impl SynthKind {
    /// Every kind, in menu order.
    pub const ALL: [SynthKind; 7] = [
        SynthKind::Circle,
        SynthKind::Xor,
        SynthKind::Xor4,
        SynthKind::Gaussians,
        SynthKind::Spiral,
        SynthKind::Moons,
        SynthKind::Line,
    ];

    /// Lower-case name: "circle", "xor", "xor4", "gaussians", "spiral", "moons", "line".
    pub fn name(self) -> &'static str {
        match self {
            SynthKind::Circle => "circle",
            SynthKind::Xor => "xor",
            SynthKind::Gaussians => "gaussians",
            SynthKind::Spiral => "spiral",
            SynthKind::Moons => "moons",
            SynthKind::Line => "line",
            SynthKind::Xor4 => "xor4",
        }
    }

    /// Inverse of [`SynthKind::name`], ignoring case and surrounding spaces.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(s))
    }

    /// One-sentence description for the user interface.
    pub fn description(self) -> &'static str {
        match self {
            SynthKind::Circle => "A blue disc surrounded by an orange ring.",
            SynthKind::Xor => "Blue where x1 and x2 have the same sign, orange where they differ.",
            SynthKind::Gaussians => "Two Gaussian blobs; noise widens them until they overlap.",
            SynthKind::Spiral => "Two interleaved spiral arms, one per class.",
            SynthKind::Moons => "Two interleaving half-moons, one per class.",
            SynthKind::Line => "Regression of y = 3x + 2 plus uniform noise, x in [0, 1).",
            SynthKind::Xor4 => {
                "The XOR truth table: (0,0)→0, (0,1)→1, (1,0)→1, (1,1)→0; four points, all for training."
            }
        }
    }
}

/// How to generate a synthetic data set.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SynthConfig {
    /// Which set.
    pub kind: SynthKind,
    /// Number of samples (train + test).
    pub samples: usize,
    /// 0..=1, a fraction of the set's largest sensible noise (see [`generate`]).
    pub noise: f32,
    /// Fraction of the samples used for training, in (0, 1].
    pub train_ratio: f32,
    /// Seed of `StdRng`: the same config always gives the same data set.
    pub seed: u64,
}

impl SynthConfig {
    /// Defaults: 2-D sets 400 samples, noise 0.1, train ratio 0.5; line 100 samples,
    /// noise 1.0, train ratio 0.8. Seed 0.
    pub fn new(kind: SynthKind) -> Self {
        let (samples, noise, train_ratio) = match kind {
            SynthKind::Line => (100, 1.0, 0.8),
            SynthKind::Xor4 => (4, 0.0, 1.0),
            _ => (400, 0.1, 0.5),
        };
        Self {
            kind,
            samples,
            noise,
            train_ratio,
            seed: 0,
        }
    }
}

/// Generates a synthetic data set; deterministic in `config.seed` (`StdRng::seed_from_u64`).
///
/// 2-D sets: classification, features "x1", "x2", classes "blue" (0) and "orange" (1) with
/// `ceil(n/2)` and `floor(n/2)` samples. Every coordinate lies in [-PLANE_EXTENT, PLANE_EXTENT].
/// In units of PLANE_EXTENT: circle, xor, spiral and moons have shapes within [-0.8, 0.8] and
/// noise moves each coordinate by `noise · 0.2 · U[-1, 1)`; gaussians have standard deviation
/// `0.1 + 0.25 · noise`, truncated to [-1, 1] by resampling.
///
/// Line: regression, feature "x", `x ~ U[0, 1)`, `y = 3x + 2 + noise · U[0, 1)`.
///
/// Neither is standardised. Out-of-range settings are repaired rather than rejected:
/// `samples` is raised to 2 (1 for line), `noise` clamped to [0, 1] (NaN → 0) and
/// `train_ratio` clamped to [0.01, 1] (NaN → the kind's default).
pub fn generate(config: &SynthConfig) -> Dataset {
    let mut rng = StdRng::seed_from_u64(config.seed);
    let noise = if config.noise.is_nan() {
        0.0
    } else {
        config.noise.clamp(0.0, 1.0)
    };
    let train_ratio = if config.train_ratio.is_nan() {
        SynthConfig::new(config.kind).train_ratio
    } else {
        config.train_ratio.clamp(0.01, 1.0)
    };
    let name = config.kind.name();

    if config.kind == SynthKind::Line {
        let n = config.samples.max(1);
        let (mut rows, mut values) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for _ in 0..n {
            let x: f32 = rng.random();
            let e: f32 = rng.random();
            rows.push(vec![x]);
            values.push(3.0 * x + 2.0 + noise * e);
        }
        let labels = Labels::Values(values);
        let names = vec!["x".to_string()];
        return Dataset::assemble(
            name,
            names,
            &rows,
            labels,
            Task::Regression,
            train_ratio,
            split_seed(&mut rng),
            false,
        );
    }

    if config.kind == SynthKind::Xor4 {
        return xor_table();
    }
    let n = config.samples.max(2);
    let counts = [n - n / 2, n / 2];
    let mut rows = Vec::with_capacity(n);
    let mut classes = Vec::with_capacity(n);
    for (class, &count) in counts.iter().enumerate() {
        for i in 0..count {
            let t = i as f32 / count as f32;
            let [x, y] = point(config.kind, &mut rng, class, t, noise);
            rows.push(vec![x * PLANE_EXTENT, y * PLANE_EXTENT]);
            classes.push(class);
        }
    }
    let task = Task::Classification {
        class_names: vec!["blue".to_string(), "orange".to_string()],
    };
    let names = vec!["x1".to_string(), "x2".to_string()];
    Dataset::assemble(
        name,
        names,
        &rows,
        Labels::Classes(classes),
        task,
        train_ratio,
        split_seed(&mut rng),
        false,
    )
}

/// Sample number `t·count` (t ∈ [0, 1)) of `class` of a 2-D set, noise included.
fn point(kind: SynthKind, rng: &mut StdRng, class: usize, t: f32, noise: f32) -> [f32; 2] {
    let [x, y] = match kind {
        SynthKind::Circle => circle(rng, class),
        SynthKind::Xor => xor(rng, class),
        SynthKind::Spiral => spiral(t, class),
        SynthKind::Moons => moons(rng, class),
        // Line and Xor4 never get here; the blobs carry their noise in their spread.
        SynthKind::Gaussians | SynthKind::Line | SynthKind::Xor4 => {
            return gaussian(rng, class, noise);
        }
    };
    let a = noise * MAX_JITTER;
    [x + jitter(rng, a), y + jitter(rng, a)]
}

/// Seed for the train/test shuffle, drawn after the samples so that the shuffle does not
/// reuse the random numbers that placed the points.
/// The four points of the XOR truth table as two classes "0" and "1", all for training; the
/// sample count, noise, split and seed of the configuration do not apply.
fn xor_table() -> Dataset {
    let rows: Vec<Vec<f32>> = XOR_TABLE.iter().map(|(x, _)| x.to_vec()).collect();
    let classes = XOR_TABLE.iter().map(|&(_, class)| class).collect();
    let task = Task::Classification {
        class_names: vec!["0".to_string(), "1".to_string()],
    };
    let names = vec!["x1".to_string(), "x2".to_string()];
    Dataset::assemble(
        SynthKind::Xor4.name(),
        names,
        &rows,
        Labels::Classes(classes),
        task,
        1.0,
        0,
        false,
    )
}

/// The XOR truth table: inputs and output.
pub const XOR_TABLE: [([f32; 2], usize); 4] = [
    ([0.0, 0.0], 0),
    ([0.0, 1.0], 1),
    ([1.0, 0.0], 1),
    ([1.0, 1.0], 0),
];

fn split_seed(rng: &mut StdRng) -> u64 {
    rng.random()
}

/// Uniform in [lo, hi) (lo when the interval is empty).
fn uniform(rng: &mut StdRng, lo: f32, hi: f32) -> f32 {
    lo + (hi - lo) * rng.random::<f32>()
}

/// Uniform in [-amplitude, amplitude).
fn jitter(rng: &mut StdRng, amplitude: f32) -> f32 {
    uniform(rng, -amplitude, amplitude)
}

/// Class 0: radius U[0, 0.4); class 1: radius U[0.56, 0.8); uniform angle.
fn circle(rng: &mut StdRng, class: usize) -> [f32; 2] {
    let r = if class == 0 {
        uniform(rng, 0.0, 0.4)
    } else {
        uniform(rng, 0.56, 0.8)
    };
    let angle = uniform(rng, 0.0, TAU);
    [r * angle.cos(), r * angle.sin()]
}

/// Magnitudes U[0.05, 0.8) (kept off the axes); class 0 in quadrants I/III, class 1 in II/IV.
fn xor(rng: &mut StdRng, class: usize) -> [f32; 2] {
    let sx = if rng.random::<bool>() { 1.0 } else { -1.0 };
    let sy = if class == 0 { sx } else { -sx };
    [sx * uniform(rng, 0.05, 0.8), sy * uniform(rng, 0.05, 0.8)]
}

/// Point at fraction `t` ∈ [0, 1) along arm `class`: radius 0.8·t, 1.75 turns, arms π apart.
fn spiral(t: f32, class: usize) -> [f32; 2] {
    let r = 0.8 * t;
    let angle = 1.75 * TAU * t + class as f32 * PI;
    [r * angle.sin(), r * angle.cos()]
}

/// Half-moons of scikit-learn's `make_moons` (upper: (cos s, sin s); lower: (1 - cos s,
/// 0.5 - sin s), s ~ U[0, π)), centred and scaled by 0.8/1.5 into [-0.8, 0.8] × [-0.4, 0.4].
fn moons(rng: &mut StdRng, class: usize) -> [f32; 2] {
    let s = uniform(rng, 0.0, PI);
    let [x, y] = if class == 0 {
        [s.cos(), s.sin()]
    } else {
        [1.0 - s.cos(), 0.5 - s.sin()]
    };
    let scale = 0.8 / 1.5;
    [(x - 0.5) * scale, (y - 0.25) * scale]
}

/// Class 0 around (0.4, 0.4), class 1 around (-0.4, -0.4), standard deviation 0.1 + 0.25·noise.
fn gaussian(rng: &mut StdRng, class: usize, noise: f32) -> [f32; 2] {
    let centre = if class == 0 { 0.4 } else { -0.4 };
    let sd = 0.1 + 0.25 * noise;
    [
        truncated_normal(rng, centre, sd),
        truncated_normal(rng, centre, sd),
    ]
}

/// Normal(mean, sd) restricted to [-1, 1] by resampling (Box–Muller transform);
/// falls back to `mean` after 64 rejections.
fn truncated_normal(rng: &mut StdRng, mean: f32, sd: f32) -> f32 {
    for _ in 0..64 {
        let u1 = 1.0 - rng.random::<f32>(); // (0, 1], so ln is finite
        let u2: f32 = rng.random();
        let v = mean + sd * (-2.0 * u1.ln()).sqrt() * (TAU * u2).cos();
        if (-1.0..=1.0).contains(&v) {
            return v;
        }
    }
    mean
}
