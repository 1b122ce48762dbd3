//! Linear regression ŷ = w·x + b fitted by gradient descent: the seed text's worked example.
//!
//! The loss is the mean squared error
//! J(w, b) = (1/N) Σᵢ (w·xᵢ + b − yᵢ)²,
//! with gradient ∂J/∂w = (2/N) Σᵢ (w·xᵢ + b − yᵢ)·xᵢ and ∂J/∂b = (2/N) Σᵢ (w·xᵢ + b − yᵢ).
//! With the design matrix X = [x 1] (one row per point, a bias column of ones) the Hessian is
//! the constant H = (2/N)·XᵀX, so J is a quadratic bowl and gradient descent with step α
//! multiplies the error along each eigenvector of H by (1 − α·λ). Hence the three regimes
//! (Goodfellow, Bengio & Courville 2016, Section 4.3; Boyd & Vandenberghe 2004, Section 9.3):
//! monotone for α ≤ 1/λ_max, oscillating but converging for 1/λ_max < α < 2/λ_max, and
//! diverging for α > 2/λ_max.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::nn::divergence_message;
use crate::nn::{OptimizerConfig, OptimizerKind, OptimizerState};

/// A loss above this (or a non-finite one) counts as diverged: the run stops there.
pub const DIVERGENCE_LOSS: f64 = 1e12;

/// At most this many points are kept in a path; beyond it every other point is dropped
/// (first and last always stay), so long runs stay cheap to store and draw.
pub const MAX_PATH_POINTS: usize = 20_000;

/// How the preset data set y = 3x + 2 + noise·U[0, 1) is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PresetConfig {
    /// Number of points N (default 100).
    pub points: usize,
    /// Scale of the uniform noise: y = 3x + 2 + noise·U[0, 1) (default 1, as in the seed text).
    /// Non-finite values are treated as 0.
    pub noise: f64,
    /// Seed of `StdRng`; the same config always gives the same points.
    pub seed: u64,
}

impl Default for PresetConfig {
    fn default() -> Self {
        Self {
            points: 100,
            noise: 1.0,
            seed: 1,
        }
    }
}

/// Points (xᵢ, yᵢ) of a one-feature regression problem.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RegressionData {
    /// Inputs xᵢ, length N.
    pub x: Vec<f64>,
    /// Targets yᵢ, length N.
    pub y: Vec<f64>,
}

/// The affine map of feature standardisation, z = (x − mean) / std.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Standardization {
    /// Mean of x.
    pub mean: f64,
    /// Population standard deviation of x (1 when x is constant or there are no points).
    pub std: f64,
}

impl Standardization {
    /// Converts parameters (w_z, b_z) of ŷ = w_z·z + b_z on standardised inputs into the
    /// equivalent (w, b) on the original inputs: w = w_z / std, b = b_z − w_z·mean / std.
    pub fn to_original(&self, theta: [f64; 2]) -> [f64; 2] {
        let w = theta[0] / self.std;
        [w, theta[1] - w * self.mean]
    }
}

impl RegressionData {
    /// The seed text's example: `config.points` points with x ~ U[0, 1) and
    /// y = 3x + 2 + noise·U[0, 1), drawn from `StdRng::seed_from_u64(config.seed)`.
    pub fn preset(config: &PresetConfig) -> Self {
        let mut rng = StdRng::seed_from_u64(config.seed);
        let noise = if config.noise.is_finite() {
            config.noise
        } else {
            0.0
        };
        let mut x = Vec::with_capacity(config.points);
        let mut y = Vec::with_capacity(config.points);
        for _ in 0..config.points {
            let xi: f64 = rng.random();
            let u: f64 = rng.random();
            x.push(xi);
            y.push(3.0 * xi + 2.0 + noise * u);
        }
        Self { x, y }
    }

    /// Points from two columns. Pairs beyond the shorter column and pairs with a non-finite
    /// value are dropped.
    pub fn new(x: &[f64], y: &[f64]) -> Self {
        let (x, y) = x
            .iter()
            .zip(y)
            .filter(|(a, b)| a.is_finite() && b.is_finite())
            .map(|(&a, &b)| (a, b))
            .unzip();
        Self { x, y }
    }

    /// Number of points N.
    pub fn len(&self) -> usize {
        self.x.len().min(self.y.len())
    }

    /// True without points.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// J(θ) = (1/N) Σ (w·xᵢ + b − yᵢ)² at θ = (w, b); 0 without points.
    pub fn loss(&self, theta: [f64; 2]) -> f64 {
        let n = self.len();
        if n == 0 {
            return 0.0;
        }
        let sum: f64 = (0..n)
            .map(|i| (theta[0] * self.x[i] + theta[1] - self.y[i]).powi(2))
            .sum();
        sum / n as f64
    }

    /// ∇J(θ) = ((2/N) Σ rᵢ·xᵢ, (2/N) Σ rᵢ) with residuals rᵢ = w·xᵢ + b − yᵢ; zero without
    /// points.
    pub fn gradient(&self, theta: [f64; 2]) -> [f64; 2] {
        let all: Vec<usize> = (0..self.len()).collect();
        self.batch_gradient(theta, &all)
    }

    /// The gradient of the mean squared error over the points `indices` only (a minibatch);
    /// indices out of range are skipped, and an empty batch gives zero.
    pub fn batch_gradient(&self, theta: [f64; 2], indices: &[usize]) -> [f64; 2] {
        let n = self.len();
        let mut sums = [0.0, 0.0];
        let mut count = 0usize;
        for &i in indices.iter().filter(|&&i| i < n) {
            let r = theta[0] * self.x[i] + theta[1] - self.y[i];
            sums[0] += r * self.x[i];
            sums[1] += r;
            count += 1;
        }
        if count == 0 {
            return [0.0, 0.0];
        }
        let scale = 2.0 / count as f64;
        [scale * sums[0], scale * sums[1]]
    }

    /// The closed-form least-squares fit (the normal equations XᵀX θ = Xᵀy):
    /// w = cov(x, y) / var(x), b = ȳ − w·x̄. `None` without points or when all x are equal
    /// (then every line through (x̄, ȳ) with any slope fits equally well).
    pub fn least_squares(&self) -> Option<[f64; 2]> {
        let n = self.len();
        if n == 0 {
            return None;
        }
        let nf = n as f64;
        let mean_x = self.x[..n].iter().sum::<f64>() / nf;
        let mean_y = self.y[..n].iter().sum::<f64>() / nf;
        let (mut sxx, mut sxy) = (0.0, 0.0);
        for i in 0..n {
            let dx = self.x[i] - mean_x;
            sxx += dx * dx;
            sxy += dx * (self.y[i] - mean_y);
        }
        if sxx.is_nan() || sxx <= 1e-300 * nf {
            return None;
        }
        let w = sxy / sxx;
        Some([w, mean_y - w * mean_x])
    }

    /// The Hessian H = (2/N)·XᵀX of J with X = [x 1]:
    /// `[[(2/N) Σ xᵢ², (2/N) Σ xᵢ], [(2/N) Σ xᵢ, 2]]`; zero without points.
    pub fn hessian(&self) -> [[f64; 2]; 2] {
        let n = self.len();
        if n == 0 {
            return [[0.0; 2]; 2];
        }
        let scale = 2.0 / n as f64;
        let sxx: f64 = self.x[..n].iter().map(|x| x * x).sum();
        let sx: f64 = self.x[..n].iter().sum();
        [[scale * sxx, scale * sx], [scale * sx, 2.0]]
    }

    /// Eigenvalues (λ_min, λ_max) of [`RegressionData::hessian`], from the closed form for a
    /// symmetric 2×2 matrix: λ = tr/2 ∓ √((tr/2)² − det).
    pub fn hessian_eigenvalues(&self) -> [f64; 2] {
        symmetric_eigenvalues(self.hessian())
    }

    /// The largest eigenvalue λ_max of the Hessian (the curvature along the steepest direction).
    pub fn lambda_max(&self) -> f64 {
        self.hessian_eigenvalues()[1]
    }

    /// The critical step size 2/λ_max: gradient descent converges for α below it and diverges
    /// above it. `None` when λ_max is 0 (no points).
    pub fn critical_learning_rate(&self) -> Option<f64> {
        let lambda = self.lambda_max();
        (lambda > 0.0 && lambda.is_finite()).then(|| 2.0 / lambda)
    }

    /// The same points with x standardised to z = (x − mean)/std (population std), and the map
    /// back. Standardising makes H = 2·I, so the contours of J become circles.
    pub fn standardized(&self) -> (RegressionData, Standardization) {
        let n = self.len();
        let nf = n.max(1) as f64;
        let mean = self.x[..n].iter().sum::<f64>() / nf;
        let var = self.x[..n].iter().map(|x| (x - mean).powi(2)).sum::<f64>() / nf;
        let std = if var > 0.0 && var.is_finite() {
            var.sqrt()
        } else {
            1.0
        };
        let data = RegressionData {
            x: self.x[..n].iter().map(|x| (x - mean) / std).collect(),
            y: self.y[..n].to_vec(),
        };
        (data, Standardization { mean, std })
    }
}

/// Eigenvalues `[λ_min, λ_max]` of a symmetric 2×2 matrix `[[a, b], [b, d]]`
/// (the off-diagonal is taken as the mean of the two given).
pub fn symmetric_eigenvalues(m: [[f64; 2]; 2]) -> [f64; 2] {
    let (a, d) = (m[0][0], m[1][1]);
    let b = 0.5 * (m[0][1] + m[1][0]);
    let half_trace = 0.5 * (a + d);
    let radius = (0.25 * (a - d) * (a - d) + b * b).sqrt();
    [half_trace - radius, half_trace + radius]
}

/// How plain gradient descent with step α behaves on a quadratic with top curvature λ_max.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Regime {
    /// α ≤ 1/λ_max: every error component shrinks without changing sign.
    Monotone,
    /// 1/λ_max < α < 2/λ_max: the steepest component flips sign every step but shrinks.
    Oscillating,
    /// α ≥ 2/λ_max: the steepest component grows (or, exactly at 2/λ_max, never shrinks).
    Diverging,
}

impl Regime {
    /// The regime of step size `lr` for top curvature `lambda_max`; `None` when either is not a
    /// positive finite number.
    pub fn classify(lr: f64, lambda_max: f64) -> Option<Regime> {
        if !(lr > 0.0 && lr.is_finite() && lambda_max > 0.0 && lambda_max.is_finite()) {
            return None;
        }
        let factor = lr * lambda_max;
        Some(if factor <= 1.0 {
            Regime::Monotone
        } else if factor < 2.0 {
            Regime::Oscillating
        } else {
            Regime::Diverging
        })
    }

    /// The stable label the lesson shows, e.g. `"regime: monotone (α < 1/λ_max)"`.
    pub fn label(self) -> &'static str {
        match self {
            Regime::Monotone => "regime: monotone (α < 1/λ_max)",
            Regime::Oscillating => "regime: oscillating (1/λ_max < α < 2/λ_max)",
            Regime::Diverging => "regime: diverging (α > 2/λ_max)",
        }
    }
}

/// Which points each step's gradient averages over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchMode {
    /// All N points (gradient descent as in the seed text).
    Full,
    /// Minibatch SGD: this many points per step (at least 1), drawn without replacement from
    /// a reshuffled order each pass.
    Minibatch(usize),
}

/// What one step did, for the formula panel (θ = (w, b)).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepRecord {
    /// 1-based step number.
    pub step: u64,
    /// Step size α used.
    pub lr: f64,
    /// The gradient (∂J/∂w, ∂J/∂b) used (of the minibatch loss for minibatch SGD).
    pub gradient: [f64; 2],
    /// θ before the step.
    pub before: [f64; 2],
    /// θ after the step: before − α·gradient.
    pub after: [f64; 2],
    /// Full-data loss J at `after`.
    pub loss: f64,
}

/// Why [`GradientDescent::step`] did not move θ.
#[derive(Clone, Debug, PartialEq)]
pub enum StepError {
    /// The step size is not a finite number ≥ 0.
    BadLearningRate,
    /// The run has diverged; [`GradientDescent::reset`] starts again.
    Diverged,
}

/// Gradient descent θ_{t+1} = θ_t − α ∇J(θ_t) on a [`RegressionData`], with its path.
#[derive(Clone, Debug)]
pub struct GradientDescent {
    data: RegressionData,
    batch: BatchMode,
    seed: u64,
    rng: StdRng,
    order: Vec<usize>,
    cursor: usize,
    state: OptimizerState<f64>,
    start: [f64; 2],
    theta: [f64; 2],
    steps: u64,
    path: Vec<[f64; 2]>,
    losses: Vec<[f64; 2]>,
    last: Option<StepRecord>,
    diverged: Option<String>,
}

impl GradientDescent {
    /// A run on `data` from θ₀ = `start` = (w, b); `seed` orders the minibatches.
    pub fn new(data: RegressionData, start: [f64; 2], batch: BatchMode, seed: u64) -> Self {
        let mut run = Self {
            data,
            batch,
            seed,
            rng: StdRng::seed_from_u64(seed),
            order: Vec::new(),
            cursor: 0,
            state: OptimizerState::new(),
            start,
            theta: start,
            steps: 0,
            path: Vec::new(),
            losses: Vec::new(),
            last: None,
            diverged: None,
        };
        run.reset(start);
        run
    }

    /// The points.
    pub fn data(&self) -> &RegressionData {
        &self.data
    }

    /// Current θ = (w, b).
    pub fn theta(&self) -> [f64; 2] {
        self.theta
    }

    /// θ₀.
    pub fn start(&self) -> [f64; 2] {
        self.start
    }

    /// Steps taken since the last reset.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// θ₀, θ₁, … (thinned beyond [`MAX_PATH_POINTS`]).
    pub fn path(&self) -> &[[f64; 2]] {
        &self.path
    }

    /// `[step, J(θ_step)]` for the points of [`GradientDescent::path`].
    pub fn losses(&self) -> &[[f64; 2]] {
        &self.losses
    }

    /// The last step taken, if any.
    pub fn last(&self) -> Option<&StepRecord> {
        self.last.as_ref()
    }

    /// The divergence message (`"diverged at step N: …"`) once a step produced a loss that is
    /// non-finite or above [`DIVERGENCE_LOSS`]; θ then stays at the last finite value.
    pub fn diverged(&self) -> Option<&str> {
        self.diverged.as_deref()
    }

    /// The batch mode.
    pub fn batch(&self) -> BatchMode {
        self.batch
    }

    /// Changes the batch mode from the next step on.
    pub fn set_batch(&mut self, batch: BatchMode) {
        self.batch = batch;
    }

    /// Back to θ₀ = `start` (step 0, empty history, minibatch order reseeded).
    pub fn reset(&mut self, start: [f64; 2]) {
        self.start = start;
        self.theta = start;
        self.steps = 0;
        self.rng = StdRng::seed_from_u64(self.seed);
        self.order = (0..self.data.len()).collect();
        self.cursor = self.order.len();
        self.state.reset();
        self.path = vec![start];
        self.losses = vec![[0.0, self.data.loss(start)]];
        self.last = None;
        self.diverged = None;
    }

    /// The indices of the next minibatch (all points for [`BatchMode::Full`]).
    fn next_batch(&mut self) -> Vec<usize> {
        let n = self.data.len();
        let size = match self.batch {
            BatchMode::Full => return (0..n).collect(),
            BatchMode::Minibatch(size) => size.clamp(1, n.max(1)),
        };
        let mut batch = Vec::with_capacity(size);
        while batch.len() < size && n > 0 {
            if self.cursor >= self.order.len() {
                self.order.shuffle(&mut self.rng);
                self.cursor = 0;
            }
            batch.push(self.order[self.cursor]);
            self.cursor += 1;
        }
        batch
    }

    /// One step θ ← θ − α·∇J(θ) (the plain-SGD rule of [`OptimizerState::update`]).
    ///
    /// # Errors
    /// [`StepError::BadLearningRate`] for a NaN, infinite or negative `lr`;
    /// [`StepError::Diverged`] if the run had already diverged, or diverges now (the loss after
    /// the step is non-finite or above [`DIVERGENCE_LOSS`]): θ keeps its last finite value and
    /// [`GradientDescent::diverged`] gives the message.
    pub fn step(&mut self, lr: f64) -> Result<&StepRecord, StepError> {
        if self.diverged.is_some() {
            return Err(StepError::Diverged);
        }
        if !(lr >= 0.0 && lr.is_finite()) {
            return Err(StepError::BadLearningRate);
        }
        let batch = self.next_batch();
        let gradient = self.data.batch_gradient(self.theta, &batch);
        let before = self.theta;
        let mut after = before;
        let config = OptimizerConfig::new(OptimizerKind::Sgd, lr);
        self.state.update(&config, &mut after, &gradient);
        let loss = self.data.loss(after);
        let step = self.steps + 1;
        if !(loss.is_finite() && loss <= DIVERGENCE_LOSS && after.iter().all(|v| v.is_finite())) {
            self.diverged = Some(divergence_message(step));
            return Err(StepError::Diverged);
        }
        self.theta = after;
        self.steps = step;
        push_thinned(&mut self.path, &mut self.losses, after, [step as f64, loss]);
        self.last = Some(StepRecord {
            step,
            lr,
            gradient,
            before,
            after,
            loss,
        });
        Ok(self.last.as_ref().expect("just set"))
    }

    /// Up to `steps` steps; stops early on an error. Returns the steps taken.
    pub fn run(&mut self, lr: f64, steps: u64) -> u64 {
        let mut taken = 0;
        while taken < steps && self.step(lr).is_ok() {
            taken += 1;
        }
        taken
    }
}

/// Appends a path point and its `[step, loss]`, halving both lists (keeping the first and the
/// newest point) when they reach [`MAX_PATH_POINTS`].
pub(crate) fn push_thinned(
    path: &mut Vec<[f64; 2]>,
    losses: &mut Vec<[f64; 2]>,
    point: [f64; 2],
    loss: [f64; 2],
) {
    path.push(point);
    losses.push(loss);
    if path.len() >= MAX_PATH_POINTS {
        for list in [&mut *path, &mut *losses] {
            let last = list.len() - 1;
            let mut index = 0;
            list.retain(|_| {
                let keep = index % 2 == 0 || index == last;
                index += 1;
                keep
            });
        }
    }
}
