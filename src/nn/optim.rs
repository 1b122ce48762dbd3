//! Optimizers: turn the gradients left by `backward` into parameter updates.
//!
//! The update rules live in one place, [`OptimizerState::update`], which works on plain slices
//! of parameters and gradients. [`Optimizer::step`] applies it to every parameter tensor of a
//! [`Sequential`]; the optimizer race of the gradient-descent lesson applies it to a point
//! `[x, y]` on a 2-D surface.

use serde::{Deserialize, Serialize};

use super::scalar::cast;
use super::{Scalar, Sequential};

/// Which update rule an [`Optimizer`] applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OptimizerKind {
    /// Plain stochastic gradient descent.
    Sgd,
    /// Gradient descent with Polyak (heavy-ball) momentum.
    Momentum,
    /// Nesterov's accelerated gradient, in the form of Sutskever et al. (2013) and Bengio et al.
    /// (2013) that needs only the gradient at the current parameters.
    Nesterov,
    /// RMSProp (Tieleman & Hinton 2012): steps divided by a running root mean square of the
    /// gradient.
    #[serde(rename = "RMSProp")]
    RmsProp,
    /// Adam (Kingma & Ba 2015).
    Adam,
}

impl OptimizerKind {
    /// Every kind, in declaration order (for menus).
    pub const ALL: [OptimizerKind; 5] = [
        OptimizerKind::Sgd,
        OptimizerKind::Momentum,
        OptimizerKind::Nesterov,
        OptimizerKind::RmsProp,
        OptimizerKind::Adam,
    ];

    /// Display name: `"SGD"`, `"Momentum"`, `"Nesterov"`, `"RMSProp"`, `"Adam"`.
    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "SGD",
            OptimizerKind::Momentum => "Momentum",
            OptimizerKind::Nesterov => "Nesterov",
            OptimizerKind::RmsProp => "RMSProp",
            OptimizerKind::Adam => "Adam",
        }
    }

    /// Case-insensitive `sgd`, `momentum`, `nesterov`, `rmsprop` or `adam` (whitespace
    /// ignored).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sgd" => Some(OptimizerKind::Sgd),
            "momentum" => Some(OptimizerKind::Momentum),
            "nesterov" => Some(OptimizerKind::Nesterov),
            "rmsprop" => Some(OptimizerKind::RmsProp),
            "adam" => Some(OptimizerKind::Adam),
            _ => None,
        }
    }

    /// How many state values the rule keeps per parameter: 0 (SGD), 1 (Momentum, Nesterov:
    /// velocity; RMSProp: mean square) or 2 (Adam: first and second moment).
    pub fn state_per_param(self) -> usize {
        match self {
            OptimizerKind::Sgd => 0,
            OptimizerKind::Momentum | OptimizerKind::Nesterov | OptimizerKind::RmsProp => 1,
            OptimizerKind::Adam => 2,
        }
    }
}

/// The message shown when training stops because step `step` made the loss (or an update)
/// non-finite: the one wording the network lab, the command line and the lesson share.
pub fn divergence_message(step: u64) -> String {
    format!("diverged at step {step}: lower the learning rate or normalise the inputs")
}

fn default_rho() -> f64 {
    0.9
}

/// Hyper-parameters of an [`Optimizer`]. Fields a kind does not use are ignored. Fields
/// missing from serialised text take [`OptimizerConfig::default`]'s values.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OptimizerConfig {
    /// The update rule.
    pub kind: OptimizerKind,
    /// Step size (α in Kingma & Ba 2015, ε in Polyak 1964), > 0.
    pub learning_rate: f64,
    /// Momentum coefficient μ in `[0, 1)`, default 0.9 (Momentum and Nesterov).
    pub momentum: f64,
    /// Adam decay rate of the first-moment estimate, default 0.9.
    pub beta1: f64,
    /// Adam decay rate of the second-moment estimate, default 0.999.
    pub beta2: f64,
    /// Small constant added to the root mean square in the denominator (Adam and RMSProp),
    /// default 1e-8.
    pub epsilon: f64,
    /// RMSProp decay rate ρ of the running mean of squared gradients, in `[0, 1)`, default 0.9
    /// (Tieleman & Hinton 2012). Missing in older saved configurations, which then get 0.9.
    #[serde(default = "default_rho")]
    pub rho: f64,
}

impl OptimizerConfig {
    /// `kind` with learning rate `learning_rate` and the default
    /// μ = 0.9, β1 = 0.9, β2 = 0.999, ε = 1e-8 (Kingma & Ba 2015, Section 2) and
    /// ρ = 0.9 (Tieleman & Hinton 2012).
    pub fn new(kind: OptimizerKind, learning_rate: f64) -> Self {
        OptimizerConfig {
            kind,
            learning_rate,
            momentum: 0.9,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            rho: default_rho(),
        }
    }
}

impl Default for OptimizerConfig {
    /// Adam with learning rate 0.01 and the default constants.
    fn default() -> Self {
        OptimizerConfig::new(OptimizerKind::Adam, 0.01)
    }
}

/// The running state of one update rule for one flat group of parameters (one tensor of a
/// model, or the two coordinates of a point in the optimizer race), and the rule itself.
///
/// With learning rate η, gradient g = ∇f(θ) at the current parameters θ, and all state starting
/// at zero, one [`OptimizerState::update`] does, element by element:
///
/// - **SGD**: `θ ← θ − η g`.
/// - **Momentum** (Polyak 1964, "heavy ball"): `v ← μ v − η g;  θ ← θ + v`.
/// - **Nesterov** (Nesterov 1983, accelerated gradient), in the reformulation of Sutskever,
///   Martens, Dahl & Hinton (2013, eq. 3–4) as rewritten by Bengio, Boulanger-Lewandowski &
///   Pascanu (2013, eq. 6–7), which tracks the look-ahead point Θ = θ + μ v so that only the
///   gradient at the current parameters is needed:
///   `v ← μ v − η g;  θ ← θ + μ v − η g` (the new v), i.e.
///   `θ ← θ + μ² v_old − (1 + μ) η g`.
/// - **RMSProp** (Tieleman & Hinton 2012, Coursera lecture 6e):
///   `r ← ρ r + (1 − ρ) g²;  θ ← θ − η g / (√r + ε)`.
/// - **Adam** (Kingma & Ba 2015, Algorithm 1): `t ← t + 1;
///   m ← β1 m + (1 − β1) g;  v ← β2 v + (1 − β2) g²;
///   m̂ = m / (1 − β1^t);  v̂ = v / (1 − β2^t);  θ ← θ − η m̂ / (√v̂ + ε)`.
///
/// The state is sized lazily on the first update (and reset to zero, step count included,
/// whenever the number of parameters or the kind of rule changes).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OptimizerState<T: Scalar> {
    /// Velocity v (Momentum, Nesterov), mean square r (RMSProp) or first moment m (Adam); one
    /// per parameter, empty for SGD.
    first: Vec<T>,
    /// Second moment v (Adam); one per parameter, empty otherwise.
    second: Vec<T>,
    /// Updates taken (t in Kingma & Ba 2015).
    steps: u64,
    /// The rule the state belongs to (`None` before the first update).
    kind: Option<OptimizerKind>,
}

impl<T: Scalar> OptimizerState<T> {
    /// Fresh (zero) state.
    pub fn new() -> Self {
        OptimizerState {
            first: Vec::new(),
            second: Vec::new(),
            steps: 0,
            kind: None,
        }
    }

    /// Updates taken since creation or the last [`OptimizerState::reset`].
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The first state vector: velocity (Momentum, Nesterov), running mean square (RMSProp)
    /// or first moment (Adam); empty for SGD and before the first update.
    pub fn first(&self) -> &[T] {
        &self.first
    }

    /// Adam's second moment; empty for the other rules and before the first update.
    pub fn second(&self) -> &[T] {
        &self.second
    }

    /// The state as plain data for `shape` (rows, columns) of the tensor it updates.
    pub fn export(&self, shape: (usize, usize)) -> TensorOptimizerState<T> {
        TensorOptimizerState {
            shape,
            kind: self.kind,
            steps: self.steps,
            first: self.first.clone(),
            second: self.second.clone(),
        }
    }

    /// Forgets the moments and the step count.
    pub fn reset(&mut self) {
        self.first.clear();
        self.second.clear();
        self.steps = 0;
        self.kind = None;
    }

    /// One update of `params` from `grads` (same length; if they differ, only the common prefix
    /// is updated) with the rule and constants of `config`; see the type's documentation for the
    /// equations. Does not check for non-finite values: callers that must stop on divergence
    /// check the result.
    pub fn update(&mut self, config: &OptimizerConfig, params: &mut [T], grads: &[T]) {
        let n = params.len().min(grads.len());
        let (params, grads) = (&mut params[..n], &grads[..n]);
        let layers = config.kind.state_per_param();
        let sized = |state: &[T], wanted: bool| !wanted || state.len() == n;
        if self.kind != Some(config.kind)
            || !sized(&self.first, layers >= 1)
            || !sized(&self.second, layers >= 2)
        {
            self.kind = Some(config.kind);
            self.first = if layers >= 1 {
                vec![T::zero(); n]
            } else {
                Vec::new()
            };
            self.second = if layers >= 2 {
                vec![T::zero(); n]
            } else {
                Vec::new()
            };
            self.steps = 0;
        }
        self.steps += 1;
        let lr = cast::<T>(config.learning_rate);
        match config.kind {
            OptimizerKind::Sgd => {
                for (w, &g) in params.iter_mut().zip(grads) {
                    *w -= lr * g;
                }
            }
            OptimizerKind::Momentum => {
                let mu = cast::<T>(config.momentum);
                for ((w, &g), v) in params.iter_mut().zip(grads).zip(&mut self.first) {
                    *v = mu * *v - lr * g;
                    *w += *v;
                }
            }
            OptimizerKind::Nesterov => {
                let mu = cast::<T>(config.momentum);
                for ((w, &g), v) in params.iter_mut().zip(grads).zip(&mut self.first) {
                    *v = mu * *v - lr * g;
                    *w += mu * *v - lr * g;
                }
            }
            OptimizerKind::RmsProp => {
                let (rho, eps) = (cast::<T>(config.rho), cast::<T>(config.epsilon));
                let one_minus_rho = cast::<T>(1.0 - config.rho);
                for ((w, &g), r) in params.iter_mut().zip(grads).zip(&mut self.first) {
                    *r = rho * *r + one_minus_rho * g * g;
                    *w -= lr * g / (r.sqrt() + eps);
                }
            }
            OptimizerKind::Adam => {
                let c = config;
                let t = self.steps as f64;
                let (b1, b2, eps) = (cast::<T>(c.beta1), cast::<T>(c.beta2), cast::<T>(c.epsilon));
                let (one_minus_b1, one_minus_b2) =
                    (cast::<T>(1.0 - c.beta1), cast::<T>(1.0 - c.beta2));
                // Bias corrections 1 / (1 - β^t), computed in f64.
                let m_hat_scale = cast::<T>(1.0 / (1.0 - c.beta1.powf(t)));
                let v_hat_scale = cast::<T>(1.0 / (1.0 - c.beta2.powf(t)));
                let (m, v) = (&mut self.first, &mut self.second);
                for i in 0..n {
                    let g = grads[i];
                    m[i] = b1 * m[i] + one_minus_b1 * g;
                    v[i] = b2 * v[i] + one_minus_b2 * g * g;
                    let m_hat = m[i] * m_hat_scale;
                    let v_hat = v[i] * v_hat_scale;
                    params[i] -= lr * m_hat / (v_hat.sqrt() + eps);
                }
            }
        }
    }
}

/// The running state of one tensor's update rule as plain data (see [`Optimizer::export`]).
#[derive(Clone, Debug, PartialEq)]
pub struct TensorOptimizerState<T> {
    /// Shape (rows, columns) of the parameter tensor.
    pub shape: (usize, usize),
    /// The rule the moments belong to; `None` before the first update.
    pub kind: Option<OptimizerKind>,
    /// Updates taken by this tensor's state (t in Kingma & Ba 2015).
    pub steps: u64,
    /// Velocity, mean square or first moment: rows × columns values in the tensor's storage
    /// order (column-major, as nalgebra stores it), or empty.
    pub first: Vec<T>,
    /// Adam's second moment, same layout as `first`, or empty.
    pub second: Vec<T>,
}

/// The running state of an [`Optimizer`]: its step count and one
/// [`TensorOptimizerState`] per parameter tensor, in parameter order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OptimizerExport<T> {
    /// Updates taken by the optimizer.
    pub steps: u64,
    /// One state per parameter tensor (empty before the first step).
    pub tensors: Vec<TensorOptimizerState<T>>,
}

/// Updates the parameters of a [`Sequential`] from its gradients.
///
/// Keeps one [`OptimizerState`] per parameter tensor (created on the first step, in parameter
/// order) and applies [`OptimizerState::update`] to each tensor's elements. Cloning copies
/// the moments and step counts (a checkpoint of the optimizer).
#[derive(Clone, Debug, PartialEq)]
pub struct Optimizer<T: Scalar> {
    config: OptimizerConfig,
    /// One state per parameter tensor.
    states: Vec<OptimizerState<T>>,
    /// Shapes of the tensors the states were made for.
    shapes: Vec<(usize, usize)>,
    /// Number of steps taken (t in Kingma & Ba 2015).
    steps: u64,
}

impl<T: Scalar> Optimizer<T> {
    /// A fresh optimizer; its state is created on the first [`Optimizer::step`].
    pub fn new(config: OptimizerConfig) -> Self {
        Optimizer {
            config,
            states: Vec::new(),
            shapes: Vec::new(),
            steps: 0,
        }
    }

    /// The hyper-parameters.
    pub fn config(&self) -> &OptimizerConfig {
        &self.config
    }

    /// Current step size.
    pub fn learning_rate(&self) -> f64 {
        self.config.learning_rate
    }

    /// Changes the step size; moments and step count are kept.
    pub fn set_learning_rate(&mut self, lr: f64) {
        self.config.learning_rate = lr;
    }

    /// Number of updates taken since creation or the last [`Optimizer::reset`].
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Copies this optimizer (hyper-parameters, moments and step counts) into `copy`, reusing
    /// its buffers: after the first call no memory is allocated while the shapes stay. A
    /// training step keeps such a copy, so that an update that makes the weights non-finite
    /// can be undone whole, the optimizer's state with the weights.
    pub fn copy_into(&self, copy: &mut Optimizer<T>) {
        copy.config = self.config;
        copy.steps = self.steps;
        copy.shapes.clone_from(&self.shapes);
        copy.states
            .resize_with(self.states.len(), OptimizerState::new);
        for (to, from) in copy.states.iter_mut().zip(&self.states) {
            to.first.clone_from(&from.first);
            to.second.clone_from(&from.second);
            to.steps = from.steps;
            to.kind = from.kind;
        }
    }

    /// The running state (moments and step counts of every tensor) as plain data, e.g. for an
    /// experiment file; [`Optimizer::import`] puts it back.
    pub fn export(&self) -> OptimizerExport<T> {
        OptimizerExport {
            steps: self.steps,
            tensors: self
                .states
                .iter()
                .zip(&self.shapes)
                .map(|(state, &shape)| state.export(shape))
                .collect(),
        }
    }

    /// Replaces the running state with `state` (from [`Optimizer::export`]); the
    /// hyper-parameters stay. The next [`Optimizer::step`] continues exactly where the exported
    /// optimizer would have.
    ///
    /// # Errors
    /// A one-line reason when a tensor's moment vectors do not match its shape and kind (one
    /// value per element for each moment the kind keeps), or a value is not finite; the state
    /// is then unchanged.
    pub fn import(&mut self, state: &OptimizerExport<T>) -> Result<(), String> {
        for (i, tensor) in state.tensors.iter().enumerate() {
            let n = tensor.shape.0.saturating_mul(tensor.shape.1);
            let layers = tensor.kind.map_or(0, OptimizerKind::state_per_param);
            let wanted = |layer: usize| if layers > layer { n } else { 0 };
            let (first, second) = (tensor.first.len(), tensor.second.len());
            if tensor.kind.is_some() && (first != wanted(0) || second != wanted(1)) {
                return Err(format!(
                    "optimizer state of tensor {}: {first} and {second} moment values for a {}×{} tensor",
                    i + 1,
                    tensor.shape.0,
                    tensor.shape.1
                ));
            }
            if !tensor
                .first
                .iter()
                .chain(&tensor.second)
                .all(|v| v.is_finite())
            {
                return Err(format!(
                    "optimizer state of tensor {} holds a non-finite value",
                    i + 1
                ));
            }
        }
        self.steps = state.steps;
        self.shapes = state.tensors.iter().map(|t| t.shape).collect();
        self.states = state
            .tensors
            .iter()
            .map(|t| OptimizerState {
                first: t.first.clone(),
                second: t.second.clone(),
                steps: t.steps,
                kind: t.kind,
            })
            .collect();
        Ok(())
    }

    /// Bytes held by the moment vectors (for checkpoint memory budgets).
    pub fn state_bytes(&self) -> usize {
        self.states
            .iter()
            .map(|s| (s.first.len() + s.second.len()) * std::mem::size_of::<T>())
            .sum()
    }

    /// Forgets all moments and the step count (e.g. after re-initialising the model).
    pub fn reset(&mut self) {
        self.states.clear();
        self.shapes.clear();
        self.steps = 0;
    }

    /// One update of every parameter of `model` from the gradients left by the last backward,
    /// tensor by tensor with [`OptimizerState::update`] (see there for the equations).
    ///
    /// State is created lazily, in parameter order, on the first step (and again, from zero, if
    /// the model's parameter shapes no longer match).
    pub fn step(&mut self, model: &mut Sequential<T>) {
        let mut params = model.params_and_grads_mut();
        let shapes: Vec<(usize, usize)> = params.iter().map(|(w, _)| w.shape()).collect();
        if shapes != self.shapes {
            self.states = vec![OptimizerState::new(); shapes.len()];
            self.shapes = shapes;
            self.steps = 0;
        }
        self.steps += 1;
        for ((w, g), state) in params.iter_mut().zip(&mut self.states) {
            state.update(&self.config, w.as_mut_slice(), g.as_slice());
        }
    }
}
