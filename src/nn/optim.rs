//! Optimizers: turn the gradients left by `backward` into parameter updates.

use nalgebra::DMatrix;
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
    /// Adam (Kingma & Ba 2015).
    Adam,
}

impl OptimizerKind {
    /// Every kind, in declaration order (for menus).
    pub const ALL: [OptimizerKind; 3] = [
        OptimizerKind::Sgd,
        OptimizerKind::Momentum,
        OptimizerKind::Adam,
    ];

    /// Display name: `"SGD"`, `"Momentum"`, `"Adam"`.
    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "SGD",
            OptimizerKind::Momentum => "Momentum",
            OptimizerKind::Adam => "Adam",
        }
    }

    /// Case-insensitive `sgd`, `momentum` or `adam` (whitespace ignored).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sgd" => Some(OptimizerKind::Sgd),
            "momentum" => Some(OptimizerKind::Momentum),
            "adam" => Some(OptimizerKind::Adam),
            _ => None,
        }
    }
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
    /// Momentum coefficient μ in `[0, 1)`, default 0.9 (Momentum only).
    pub momentum: f64,
    /// Adam decay rate of the first-moment estimate, default 0.9.
    pub beta1: f64,
    /// Adam decay rate of the second-moment estimate, default 0.999.
    pub beta2: f64,
    /// Adam's small constant in the denominator, default 1e-8.
    pub epsilon: f64,
}

impl OptimizerConfig {
    /// `kind` with learning rate `learning_rate` and the default
    /// μ = 0.9, β1 = 0.9, β2 = 0.999, ε = 1e-8 (Kingma & Ba 2015, Section 2).
    pub fn new(kind: OptimizerKind, learning_rate: f64) -> Self {
        OptimizerConfig {
            kind,
            learning_rate,
            momentum: 0.9,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
        }
    }
}

impl Default for OptimizerConfig {
    /// Adam with learning rate 0.01 and the default constants.
    fn default() -> Self {
        OptimizerConfig::new(OptimizerKind::Adam, 0.01)
    }
}

/// Updates the parameters of a [`Sequential`] from its gradients.
///
/// Per parameter tensor it keeps a first moment (Momentum's velocity, Adam's
/// `m`) and, for Adam, a second moment `v`, each shaped like the parameter.
pub struct Optimizer<T: Scalar> {
    config: OptimizerConfig,
    /// Velocity (Momentum) or first moment m (Adam), one per parameter tensor.
    first: Vec<DMatrix<T>>,
    /// Second moment v (Adam), one per parameter tensor.
    second: Vec<DMatrix<T>>,
    /// Number of steps taken (t in Kingma & Ba 2015).
    steps: u64,
}

impl<T: Scalar> Optimizer<T> {
    /// A fresh optimizer; its state is created on the first [`Optimizer::step`].
    pub fn new(config: OptimizerConfig) -> Self {
        Optimizer {
            config,
            first: Vec::new(),
            second: Vec::new(),
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

    /// Forgets all moments and the step count (e.g. after re-initialising the model).
    pub fn reset(&mut self) {
        self.first.clear();
        self.second.clear();
        self.steps = 0;
    }

    /// One update of every parameter of `model` from the gradients left by
    /// the last backward. With learning rate η and gradient g:
    ///
    /// - SGD: `w ← w - η g`.
    /// - Momentum (Polyak 1964): `v ← μ v - η g; w ← w + v`.
    /// - Adam (Kingma & Ba 2015, Algorithm 1): `t ← t + 1;
    ///   m ← β1 m + (1 - β1) g; v ← β2 v + (1 - β2) g²;
    ///   m̂ = m / (1 - β1^t); v̂ = v / (1 - β2^t); w ← w - η m̂ / (√v̂ + ε)`.
    ///
    /// State is created lazily, in parameter order, on the first step (and
    /// again, from zero, if the model's parameter shapes no longer match).
    pub fn step(&mut self, model: &mut Sequential<T>) {
        let mut params = model.params_and_grads_mut();
        self.ensure_state(&params);
        self.steps += 1;
        let lr = cast::<T>(self.config.learning_rate);
        match self.config.kind {
            OptimizerKind::Sgd => {
                for (w, g) in params.iter_mut() {
                    w.zip_apply(*g, |w, g| *w -= lr * g);
                }
            }
            OptimizerKind::Momentum => {
                let mu = cast::<T>(self.config.momentum);
                for ((w, g), v) in params.iter_mut().zip(&mut self.first) {
                    v.zip_apply(*g, |v, g| *v = mu * *v - lr * g);
                    **w += &*v;
                }
            }
            OptimizerKind::Adam => {
                let c = &self.config;
                let t = self.steps as f64;
                let (b1, b2, eps) = (cast::<T>(c.beta1), cast::<T>(c.beta2), cast::<T>(c.epsilon));
                let (one_minus_b1, one_minus_b2) =
                    (cast::<T>(1.0 - c.beta1), cast::<T>(1.0 - c.beta2));
                // Bias corrections 1 / (1 - β^t), computed in f64.
                let m_hat_scale = cast::<T>(1.0 / (1.0 - c.beta1.powf(t)));
                let v_hat_scale = cast::<T>(1.0 / (1.0 - c.beta2.powf(t)));
                for (((w, g), m), v) in params.iter_mut().zip(&mut self.first).zip(&mut self.second)
                {
                    let g = g.as_slice();
                    let w = w.as_mut_slice();
                    let (m, v) = (m.as_mut_slice(), v.as_mut_slice());
                    for i in 0..w.len() {
                        m[i] = b1 * m[i] + one_minus_b1 * g[i];
                        v[i] = b2 * v[i] + one_minus_b2 * g[i] * g[i];
                        let m_hat = m[i] * m_hat_scale;
                        let v_hat = v[i] * v_hat_scale;
                        w[i] -= lr * m_hat / (v_hat.sqrt() + eps);
                    }
                }
            }
        }
    }

    /// Makes sure there is one zeroed moment tensor per parameter, shaped like it.
    fn ensure_state(&mut self, params: &[(&mut DMatrix<T>, &DMatrix<T>)]) {
        let matches = |state: &[DMatrix<T>]| {
            state.len() == params.len()
                && state
                    .iter()
                    .zip(params)
                    .all(|(s, (w, _))| s.shape() == w.shape())
        };
        let needs_second = self.config.kind == OptimizerKind::Adam;
        let first_ok = self.config.kind == OptimizerKind::Sgd || matches(&self.first);
        let second_ok = !needs_second || matches(&self.second);
        if first_ok && second_ok {
            return;
        }
        let zeros = || {
            params
                .iter()
                .map(|(w, _)| DMatrix::zeros(w.nrows(), w.ncols()))
                .collect()
        };
        self.first = zeros();
        if needs_second {
            self.second = zeros();
        }
        self.steps = 0;
    }
}
