//! The training doctor: detectors that recognise the classic failures of gradient training
//! from numbers the worker already has (per-layer gradient norms, activation statistics, the
//! loss history), each with a stable id, a plain-language message and one-click remedies.
//!
//! Every detector is a pure function, so tests can drive a [`Session`] step by step, feed a
//! [`Monitor`] and check what it finds with fixed seeds. Thresholds and their reasons:
//!
//! | detector | fires when | why this threshold |
//! |---|---|---|
//! | [`DetectorId::NonFiniteLoss`] | the loss or an update is NaN/∞ | nothing can be learned from it |
//! | [`DetectorId::ExplodingGradients`] | median over the last [`RECENT`] steps of some layer's ‖∂E/∂W‖ > [`EXPLODING_NORM`] | the loss is a batch mean and softmax cross-entropy has ‖∂E/∂logits‖ ≤ √2 per sample, so with Xavier/He scales healthy weight gradients stay within ~0.01–2 (measured: default spiral run, all presets without large weights); 100 is fifty times that |
//! | [`DetectorId::VanishingGradients`] | ≥ 3 weight layers and the median of ‖∂E/∂W‖ of the first layer / the last layer < [`VANISHING_RATIO`] | each sigmoid layer multiplies the backward signal by σ' ≤ 1/4, so ten layers shrink it by ~10⁻⁵; in a healthy net the ratio stays within a factor of ~100 |
//! | [`DetectorId::DeadRelu`] | more than [`DEAD_FRACTION`] of a ReLU layer's units output 0 for every sample looked at | a unit that is 0 for all inputs gets no gradient and never recovers |
//! | [`DetectorId::Saturation`] | more than [`SATURATED_FRACTION`] of a Sigmoid/Tanh layer's (sample, unit) pairs sit where f' is below 4 % of its peak (σ outside [0.01, 0.99], \|tanh\| > 0.98) | there the unit passes back almost no gradient; a trained healthy Tanh net on the spiral already has ~40 % of its pairs there, hence 60 % |
//! | [`DetectorId::Overfitting`] | ≥ [`MIN_EVALS`] evaluations, the last [`OVERFIT_SUSTAINED`] test losses are all > [`OVERFIT_RISE`]× the lowest value and at least [`OVERFIT_MIN_RISE`] above it, and the train loss is below its value at that time | the two curves are parting: the model fits noise in the training split. The absolute floor keeps a well-trained model's wobble quiet (full MNIST at 98.7 % test accuracy moves from 0.051 to 0.063), and the sustained rise ignores one noisy evaluation |
//! | [`DetectorId::RisingLoss`] | ≥ [`MIN_EVALS`] evaluations and the last [`OVERFIT_SUSTAINED`] training losses are all > [`RISING_LOSS_FACTOR`]× the lowest training loss before them and at least [`RISING_LOSS_MIN`] above it | gradient descent with a step that fits the curvature lowers the loss it is trained on; a sustained doubling means each step overshoots the minimum (a learning rate far too large: Adam at 10 on the spiral climbs from 6.9 to 23 while its gradients stay small enough for no other detector; or a rate raised mid-run), and the floor keeps a tiny loss's doubling quiet |
//! | [`DetectorId::IdenticalUnits`] | every unit of a hidden Dense layer (≥ 2 units) has the same incoming weights and bias, to within 10⁻⁶ of the layer's largest weight | units that start equal get equal gradients and stay equal forever: the symmetry of, e.g., all-zero initial weights is never broken |

use std::collections::VecDeque;

use crate::nn::{ActivationKind, GradCheck};
use crate::train::session::Session;

/// Steps whose gradient norms the detectors look at (the median damps one-step spikes).
pub const RECENT: usize = 16;
/// Gradient norm above which gradients count as exploding (see the module table).
pub const EXPLODING_NORM: f64 = 100.0;
/// First-layer / last-layer gradient-norm ratio below which early layers count as vanishing.
pub const VANISHING_RATIO: f64 = 1e-3;
/// Fraction of dead units that makes a ReLU layer count as dying.
pub const DEAD_FRACTION: f64 = 0.5;
/// Fraction of saturated (sample, unit) pairs that makes a Sigmoid/Tanh layer saturated.
pub const SATURATED_FRACTION: f64 = 0.6;
/// Evaluations needed before the overfitting detector says anything.
pub const MIN_EVALS: usize = 5;
/// How far above its lowest value the test loss must climb (factor) to count as rising.
pub const OVERFIT_RISE: f64 = 1.2;
/// How far above its lowest value the test loss must climb (absolute, in loss units).
pub const OVERFIT_MIN_RISE: f64 = 0.05;
/// How many of the latest evaluations must all show the rise.
pub const OVERFIT_SUSTAINED: usize = 3;
/// How many times its lowest earlier value the training loss must reach to count as rising.
pub const RISING_LOSS_FACTOR: f64 = 2.0;
/// How far above its lowest earlier value the training loss must be (absolute, loss units).
pub const RISING_LOSS_MIN: f64 = 0.1;
/// Training rows the activation statistics look at.
pub const STATS_ROWS: usize = 256;

/// Stable identity of a detector (the UI keys banners and dismissals on it). Ordered as the
/// window lists the findings, cause before symptom: a rising loss first (a learning rate far
/// too large also saturates units and starves early layers, and those findings are its
/// symptoms), then a non-finite loss, then identical units (a symmetric start: its units
/// saturate together, and with zero initial weights the doctor's "identical units" gave way
/// to "saturated units" a few seconds in, taking its one-click remedy off a projector's
/// two-line strip), then the rest in [`Monitor::diagnose`]'s order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DetectorId {
    /// The training loss climbs far above where it started: the steps overshoot.
    RisingLoss,
    /// The loss (or an update) was NaN or infinite.
    NonFiniteLoss,
    /// Every unit of a hidden layer computes the same thing (symmetry never broken).
    IdenticalUnits,
    /// Gradient norms are huge.
    ExplodingGradients,
    /// The first layers receive almost no gradient.
    VanishingGradients,
    /// More than half of a ReLU layer never fires.
    DeadRelu,
    /// Sigmoid/Tanh units sit in their flat tails.
    Saturation,
    /// Test loss rises while training loss falls.
    Overfitting,
}

impl DetectorId {
    /// Short stable name, e.g. `"exploding-gradients"`.
    pub fn name(self) -> &'static str {
        match self {
            DetectorId::NonFiniteLoss => "non-finite-loss",
            DetectorId::ExplodingGradients => "exploding-gradients",
            DetectorId::VanishingGradients => "vanishing-gradients",
            DetectorId::DeadRelu => "dead-relu",
            DetectorId::Saturation => "saturation",
            DetectorId::Overfitting => "overfitting",
            DetectorId::IdenticalUnits => "identical-units",
            DetectorId::RisingLoss => "rising-loss",
        }
    }
}

/// A one-click fix the UI offers under a diagnosis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Remedy {
    /// Divide the learning rate by 10 (live).
    LowerLearningRate,
    /// Standardise every input feature to mean 0, standard deviation 1 (starts over).
    StandardizeInputs,
    /// Make every hidden activation ReLU, initialised with He (starts over).
    SwitchToRelu,
    /// Go back to the standard Xavier/He initial scale (init gain 1; starts over).
    StandardInitScale,
    /// Switch on L2 regularisation (λ = 0.01, or ×10 if already on) and start over.
    AddL2,
    /// Switch on early stopping (patience 20 epochs) and start over.
    StopEarly,
    /// Start again from the same initial weights.
    Reset,
    /// Draw random initial weights at the standard scale (init gain 1) and start over.
    RandomInit,
}

/// One finding of the doctor.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnosis {
    /// Which detector fired.
    pub id: DetectorId,
    /// Plain-language message with the numbers that triggered it.
    pub message: String,
    /// Fixes to offer, most useful first.
    pub remedies: Vec<Remedy>,
}

/// Per-layer weight-gradient norms of one step.
#[derive(Clone, Debug, PartialEq)]
pub struct GradNormRecord {
    /// Step number (from 1).
    pub step: u64,
    /// `‖∂E/∂W‖` (Frobenius) of each layer with weights, input side first.
    pub norms: Vec<f64>,
}

/// How one activation layer behaves on a set of training rows.
#[derive(Clone, Debug, PartialEq)]
pub struct ActivationStats {
    /// Index of the activation layer in the model.
    pub layer_index: usize,
    /// Its function.
    pub kind: ActivationKind,
    /// Units in the layer.
    pub units: usize,
    /// ReLU: fraction of units that output exactly 0 for every row looked at (0 for other
    /// kinds).
    pub dead_fraction: f64,
    /// Sigmoid/Tanh: fraction of (row, unit) pairs in the flat tails (see the module table;
    /// 0 for other kinds).
    pub saturated_fraction: f64,
}

/// True when `a = f(z)` lies where `f'` is below ~4 % of its peak.
fn saturated(kind: ActivationKind, a: f64) -> bool {
    match kind {
        ActivationKind::Sigmoid => !(0.01..=0.99).contains(&a),
        ActivationKind::Tanh => a.abs() > 0.98,
        _ => false,
    }
}

/// Activation statistics of every activation layer of `session`'s model on the first
/// [`STATS_ROWS`] training rows (one Eval forward; the weights are not touched).
pub fn activation_stats(session: &mut Session) -> Vec<ActivationStats> {
    let data = std::sync::Arc::clone(session.data());
    let rows = data.train.len().min(STATS_ROWS);
    if rows == 0 {
        return Vec::new();
    }
    let indices: Vec<usize> = (0..rows).collect();
    let x = data.train.gather::<f32>(&indices);
    let outputs = session.predict_all(&x);
    let kinds: Vec<Option<ActivationKind>> = session
        .model()
        .layers
        .iter()
        .map(|layer| {
            layer
                .as_any()
                .downcast_ref::<crate::nn::Activation<f32>>()
                .map(|a| a.kind)
        })
        .collect();
    kinds
        .iter()
        .zip(&outputs)
        .enumerate()
        .filter_map(|(layer_index, (kind, out))| {
            let kind = (*kind)?;
            let units = out.ncols();
            let pairs = (out.nrows() * units).max(1) as f64;
            let (dead_fraction, saturated_fraction) = match kind {
                ActivationKind::Relu => {
                    let dead = (0..units)
                        .filter(|&j| out.column(j).iter().all(|&v| v <= 0.0))
                        .count();
                    (dead as f64 / units.max(1) as f64, 0.0)
                }
                ActivationKind::Sigmoid | ActivationKind::Tanh => {
                    let count = out
                        .iter()
                        .filter(|&&v| saturated(kind, f64::from(v)))
                        .count();
                    (0.0, count as f64 / pairs)
                }
                _ => (0.0, 0.0),
            };
            Some(ActivationStats {
                layer_index,
                kind,
                units,
                dead_fraction,
                saturated_fraction,
            })
        })
        .collect()
}

/// The diagnosis for a non-finite loss at `step` (training has paused with the last finite
/// weights).
pub fn non_finite_loss(step: u64) -> Diagnosis {
    Diagnosis {
        id: DetectorId::NonFiniteLoss,
        message: format!(
            "The loss became NaN or infinite at step {step}, so training paused and kept the last finite weights. The steps were too large for this landscape."
        ),
        remedies: vec![
            Remedy::LowerLearningRate,
            Remedy::StandardizeInputs,
            Remedy::Reset,
        ],
    }
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(values[values.len() / 2])
}

/// Exploding gradients: some layer's median gradient norm over `recent` exceeds
/// [`EXPLODING_NORM`]. `recent` should hold the last [`RECENT`] records, oldest first.
pub fn detect_exploding(recent: &[GradNormRecord]) -> Option<Diagnosis> {
    let layers = recent.last()?.norms.len();
    let (layer, norm) = (0..layers)
        .filter_map(|l| {
            let m = median(
                recent
                    .iter()
                    .filter_map(|r| r.norms.get(l).copied())
                    .collect(),
            )?;
            Some((l, m))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    (norm > EXPLODING_NORM).then(|| Diagnosis {
        id: DetectorId::ExplodingGradients,
        message: format!(
            "Exploding gradients: the weight gradient of layer {} has norm {norm:.3e} (healthy runs stay below ~10). Each layer multiplies the backward signal by its large weights, so one step can throw the weights far away.",
            layer + 1
        ),
        remedies: vec![
            Remedy::LowerLearningRate,
            Remedy::StandardInitScale,
            Remedy::StandardizeInputs,
        ],
    })
}

/// Vanishing gradients: with ≥ 3 weight layers, the median ratio of the first layer's to the
/// last layer's gradient norm over `recent` is below [`VANISHING_RATIO`].
pub fn detect_vanishing(recent: &[GradNormRecord], stats: &[ActivationStats]) -> Option<Diagnosis> {
    let ratios: Vec<f64> = recent
        .iter()
        .filter(|r| r.norms.len() >= 3)
        .filter_map(|r| {
            let first = *r.norms.first()?;
            let last = *r.norms.last()?;
            (last > 0.0).then(|| first / last)
        })
        .collect();
    let ratio = median(ratios)?;
    let layers = recent.last()?.norms.len();
    let size = if ratio > 0.0 {
        format!("{ratio:.1e} times the last layer's")
    } else {
        "zero, while the last layer's is not".to_string()
    };
    let kinds: Vec<ActivationKind> = stats.iter().map(|s| s.kind).collect();
    let why = if !kinds.is_empty() && kinds.iter().all(|&k| k == ActivationKind::Sigmoid) {
        " Each Sigmoid layer passes back at most 1/4 of the signal (σ' ≤ 1/4)."
    } else if !kinds.is_empty() && kinds.iter().all(|&k| k == ActivationKind::Tanh) {
        " Each Tanh layer multiplies the signal by its slope 1 − a², which is far below 1 where its units saturate."
    } else {
        " Each layer multiplies the backward signal by its activation's slope and its weights; many factors below 1 shrink it to nothing."
    };
    (ratio < VANISHING_RATIO).then(|| Diagnosis {
        id: DetectorId::VanishingGradients,
        message: format!(
            "Vanishing gradients: the first layer's gradient is {size} across {layers} layers, so the early layers barely learn.{why}"
        ),
        remedies: vec![Remedy::SwitchToRelu, Remedy::StandardizeInputs],
    })
}

/// Dead ReLU units: a ReLU layer with more than [`DEAD_FRACTION`] of its units silent.
pub fn detect_dead_relu(stats: &[ActivationStats]) -> Option<Diagnosis> {
    let (position, worst) = stats
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == ActivationKind::Relu)
        .max_by(|a, b| a.1.dead_fraction.total_cmp(&b.1.dead_fraction))?;
    (worst.dead_fraction > DEAD_FRACTION).then(|| Diagnosis {
        id: DetectorId::DeadRelu,
        message: format!(
            "Dead ReLUs: {:.0} % of the units of activation layer {} output 0 for every training sample looked at; they get no gradient and cannot recover.",
            worst.dead_fraction * 100.0,
            position + 1
        ),
        remedies: vec![Remedy::LowerLearningRate, Remedy::Reset],
    })
}

/// Saturated units: a Sigmoid/Tanh layer with more than [`SATURATED_FRACTION`] of its
/// (sample, unit) pairs in the flat tails.
pub fn detect_saturation(stats: &[ActivationStats]) -> Option<Diagnosis> {
    let (position, worst) = stats
        .iter()
        .enumerate()
        .filter(|(_, s)| matches!(s.kind, ActivationKind::Sigmoid | ActivationKind::Tanh))
        .max_by(|a, b| a.1.saturated_fraction.total_cmp(&b.1.saturated_fraction))?;
    (worst.saturated_fraction > SATURATED_FRACTION).then(|| Diagnosis {
        id: DetectorId::Saturation,
        message: format!(
            "Saturated units: {:.0} % of the outputs of {} layer {} sit in its flat tails, where its slope is almost 0 and little gradient gets through.",
            worst.saturated_fraction * 100.0,
            worst.kind.name(),
            position + 1
        ),
        remedies: vec![
            Remedy::StandardizeInputs,
            Remedy::StandardInitScale,
            Remedy::SwitchToRelu,
        ],
    })
}

/// A hidden Dense layer whose units are all alike (see [`detect_identical_units`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdenticalLayer {
    /// Dense layer, counted from 1 on the input side.
    pub dense: usize,
    /// Its units.
    pub units: usize,
}

/// The hidden Dense layers of `session`'s model (every Dense layer but the last) with ≥ 2 units
/// whose units all have the same incoming weights and bias, to within 10⁻⁶ of the layer's
/// largest |weight| (exactly equal for all-zero weights).
pub fn identical_layers(session: &Session) -> Vec<IdenticalLayer> {
    let dense = session.model().dense_layers();
    let hidden = dense.len().saturating_sub(1);
    dense
        .iter()
        .take(hidden)
        .enumerate()
        .filter_map(|(k, (_, layer))| {
            let (w, b) = (&layer.weight, &layer.bias);
            let units = w.ncols();
            let scale = w.iter().fold(0.0f32, |m, v| m.max(v.abs())).max(1.0);
            let tolerance = 1e-6 * scale;
            let alike = |j: usize| {
                (b[(0, j)] - b[(0, 0)]).abs() <= tolerance
                    && (0..w.nrows()).all(|i| (w[(i, j)] - w[(i, 0)]).abs() <= tolerance)
            };
            (units >= 2 && (1..units).all(alike)).then_some(IdenticalLayer {
                dense: k + 1,
                units,
            })
        })
        .collect()
}

/// Identical hidden units: some hidden layer's units all have the same weights (see
/// [`identical_layers`]).
pub fn detect_identical_units(layers: &[IdenticalLayer]) -> Option<Diagnosis> {
    let first = layers.first()?;
    Some(Diagnosis {
        id: DetectorId::IdenticalUnits,
        message: format!(
            "Identical hidden units: all {} units of Dense layer {} have the same weights and bias, so they compute the same thing and receive the same gradient at every step. The symmetry is never broken and the layer acts like a single unit (every initial weight was equal, e.g. zero).",
            first.units, first.dense
        ),
        remedies: vec![Remedy::RandomInit],
    })
}

/// One evaluation as the overfitting detector sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LossPoint {
    /// Step of the evaluation.
    pub step: u64,
    /// Mean training loss.
    pub train: f64,
    /// Mean test loss.
    pub test: f64,
}

/// Overfitting: at least [`MIN_EVALS`] evaluations, each of the last [`OVERFIT_SUSTAINED`]
/// test losses is more than [`OVERFIT_RISE`] times the lowest one and [`OVERFIT_MIN_RISE`]
/// above it, and the last train loss is below the train loss at that lowest point.
pub fn detect_overfitting(evals: &[LossPoint]) -> Option<Diagnosis> {
    if evals.len() < MIN_EVALS {
        return None;
    }
    let best = evals
        .iter()
        .filter(|p| p.test.is_finite())
        .min_by(|a, b| a.test.total_cmp(&b.test))?;
    let last = evals.last()?;
    let recent = &evals[evals.len().saturating_sub(OVERFIT_SUSTAINED)..];
    let rising = recent.iter().all(|p| {
        p.step > best.step
            && p.test > OVERFIT_RISE * best.test
            && p.test - best.test > OVERFIT_MIN_RISE
    });
    (rising && last.train < best.train).then(|| Diagnosis {
        id: DetectorId::Overfitting,
        message: format!(
            "Overfitting: the test loss rose from {} (step {}) to {} while the training loss fell from {} to {}. The model is learning the noise of the training samples.",
            loss_number(best.test),
            best.step,
            loss_number(last.test),
            loss_number(best.train),
            loss_number(last.train)
        ),
        remedies: vec![Remedy::AddL2, Remedy::StopEarly, Remedy::Reset],
    })
}

/// A loss in a finding: three decimals, or from 10⁴ on in exponent form (`7.789e29`, where
/// three decimals wrote 30 digits).
fn loss_number(loss: f64) -> String {
    if loss.abs() >= 1e4 {
        format!("{loss:.3e}")
    } else {
        format!("{loss:.3}")
    }
}

/// Rising loss: at least [`MIN_EVALS`] evaluations, and each of the last
/// [`OVERFIT_SUSTAINED`] training losses is more than [`RISING_LOSS_FACTOR`] times the lowest
/// training loss before them and [`RISING_LOSS_MIN`] above it (see the module table).
pub fn detect_rising_loss(evals: &[LossPoint]) -> Option<Diagnosis> {
    if evals.len() < MIN_EVALS {
        return None;
    }
    let (before, recent) = evals.split_at(evals.len().saturating_sub(OVERFIT_SUSTAINED));
    let best = before
        .iter()
        .filter(|p| p.train.is_finite())
        .min_by(|a, b| a.train.total_cmp(&b.train))?;
    let last = evals.last()?;
    let rising = recent.iter().all(|p| {
        p.train > RISING_LOSS_FACTOR * best.train && p.train - best.train > RISING_LOSS_MIN
    });
    rising.then(|| Diagnosis {
        id: DetectorId::RisingLoss,
        message: format!(
            "Rising loss: the training loss went up from {} (step {}) to {} (step {}). Each step overshoots the minimum: the learning rate is too large.",
            loss_number(best.train),
            best.step,
            loss_number(last.train),
            last.step
        ),
        remedies: vec![Remedy::LowerLearningRate, Remedy::Reset],
    })
}

/// What the doctor remembers of a run: recent gradient norms, all evaluations and the latest
/// activation statistics. Bounded: [`RECENT`] norm records, every evaluation (a few per
/// second at most).
#[derive(Clone, Debug, Default)]
pub struct Monitor {
    recent: VecDeque<GradNormRecord>,
    evals: Vec<LossPoint>,
    stats: Vec<ActivationStats>,
    identical: Vec<IdenticalLayer>,
}

impl Monitor {
    /// Records one step's gradient norms (`(layer index, norm)` as from
    /// [`Session::grad_norms`]); empty input is ignored.
    pub fn record_norms(&mut self, step: u64, norms: &[(usize, f64)]) {
        if norms.is_empty() {
            return;
        }
        if self.recent.len() == RECENT {
            self.recent.pop_front();
        }
        self.recent.push_back(GradNormRecord {
            step,
            norms: norms.iter().map(|&(_, n)| n).collect(),
        });
    }

    /// Records an evaluation; non-finite or missing losses are skipped.
    pub fn record_eval(&mut self, step: u64, train: Option<f64>, test: Option<f64>) {
        if let (Some(train), Some(test)) = (train, test)
            && train.is_finite()
            && test.is_finite()
        {
            self.evals.push(LossPoint { step, train, test });
        }
    }

    /// Replaces the activation statistics.
    pub fn record_stats(&mut self, stats: Vec<ActivationStats>) {
        self.stats = stats;
    }

    /// Replaces the list of hidden layers whose units are all alike.
    pub fn record_identical(&mut self, layers: Vec<IdenticalLayer>) {
        self.identical = layers;
    }

    /// The latest activation statistics.
    pub fn stats(&self) -> &[ActivationStats] {
        &self.stats
    }

    /// The newest gradient-norm record.
    pub fn latest_norms(&self) -> Option<&GradNormRecord> {
        self.recent.back()
    }

    /// Every detector over what has been recorded, in a fixed order.
    pub fn diagnose(&self) -> Vec<Diagnosis> {
        let recent: Vec<GradNormRecord> = self.recent.iter().cloned().collect();
        [
            detect_rising_loss(&self.evals),
            detect_exploding(&recent),
            detect_vanishing(&recent, &self.stats),
            detect_dead_relu(&self.stats),
            detect_saturation(&self.stats),
            detect_overfitting(&self.evals),
            detect_identical_units(&self.identical),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// One parameter tensor's gradient check as the panel shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct GradCheckRow {
    /// E.g. `"layer 0 Dense 2→16 weight"`.
    pub name: String,
    /// Elements compared.
    pub count: usize,
    /// Largest relative error `|a − n| / max(|a|, |n|, 1e-8)`.
    pub max_rel_error: f64,
    /// Element with that error: (analytic, numeric).
    pub worst: (f64, f64),
    /// `max_rel_error < tolerance` and every value finite.
    pub passed: bool,
}

/// Relative error below which a gradient check passes in `f64` (central differences with
/// ε = 10⁻⁵ agree with a correct backward to ~10⁻⁸; see [`crate::nn::gradcheck`]).
pub const GRADCHECK_TOLERANCE: f64 = 1e-6;

/// The panel's rows for a list of checks, with pass/fail at `tolerance`.
pub fn gradcheck_rows(checks: &[GradCheck], tolerance: f64) -> Vec<GradCheckRow> {
    checks
        .iter()
        .map(|check| {
            let worst = check
                .analytic
                .iter()
                .zip(&check.numeric)
                .map(|(&a, &n)| (a, n))
                .max_by(|x, y| {
                    crate::nn::relative_error(x.0, x.1)
                        .total_cmp(&crate::nn::relative_error(y.0, y.1))
                })
                .unwrap_or((0.0, 0.0));
            GradCheckRow {
                name: check.name.clone(),
                count: check.analytic.len(),
                max_rel_error: check.max_rel_error,
                worst,
                passed: check.passed(tolerance),
            }
        })
        .collect()
}
