//! One training step of a multilayer perceptron, recorded layer by layer for the backprop
//! stepper: per Dense layer the pre-activations `z`, the activations `a`, the error terms
//! `δ = ∂E/∂z` and the gradients `∂E/∂W`, `∂E/∂b`, all taken from the engine's own
//! [`super::Layer::forward`] and [`super::Layer::backward`].
//!
//! Notation (Rumelhart, Hinton & Williams 1986; Goodfellow et al., *Deep Learning* 2016,
//! Section 6.5): for Dense layer `l` with input `a⁽ˡ⁻¹⁾` (the network input for `l = 1`),
//! `z⁽ˡ⁾ = a⁽ˡ⁻¹⁾·W⁽ˡ⁾ + b⁽ˡ⁾` and `a⁽ˡ⁾ = f(z⁽ˡ⁾)`. Backward, `δ⁽ᴸ⁾ = ∂E/∂a⁽ᴸ⁾ ⊙ f'(z⁽ᴸ⁾)`,
//! `δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾·W⁽ˡ⁺¹⁾ᵀ) ⊙ f'(z⁽ˡ⁾)`, and `∂E/∂W⁽ˡ⁾ = a⁽ˡ⁻¹⁾ᵀ·δ⁽ˡ⁾`, i.e.
//! `∂E/∂w_ij = Σ_samples a_i · δ_j`. The update of plain gradient descent is
//! `w_ij ← w_ij − η (∂E/∂w_ij + λ w_ij)` with the L2 term `λ w_ij` (0 without L2).

use nalgebra::DMatrix;

use super::{
    Activation, ActivationKind, Dense, LossKind, Mode, OptimizerConfig, OptimizerKind,
    OptimizerState, Scalar, Sequential, Target, compute_loss,
};

/// The numbers of one Dense layer (and the activation right after it, if any) for one step.
///
/// Shapes, with `B` samples, `n_in` inputs and `n_out` units: `input` `(B, n_in)`, `weight`
/// `(n_in, n_out)` (column `j` holds the incoming weights of unit `j`), `bias` `(1, n_out)`,
/// `z`, `a`, `grad_a`, `delta` `(B, n_out)`, `weight_grad` `(n_in, n_out)`, `bias_grad`
/// `(1, n_out)`. All values are `f64`.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerTrace {
    /// Index of the Dense layer in [`Sequential::layers`].
    pub layer_index: usize,
    /// The activation after the Dense layer; `None` for a linear output layer (then `a = z`).
    pub activation: Option<ActivationKind>,
    /// `a⁽ˡ⁻¹⁾`: what the layer receives (the network input for the first layer).
    pub input: DMatrix<f64>,
    /// `W⁽ˡ⁾` before the update.
    pub weight: DMatrix<f64>,
    /// `b⁽ˡ⁾` before the update.
    pub bias: DMatrix<f64>,
    /// `z⁽ˡ⁾ = a⁽ˡ⁻¹⁾·W + b`, the Dense output.
    pub z: DMatrix<f64>,
    /// `a⁽ˡ⁾ = f(z⁽ˡ⁾)`, the activation output.
    pub a: DMatrix<f64>,
    /// `∂E/∂a⁽ˡ⁾`, the gradient arriving from above (from the loss for the last layer).
    pub grad_a: DMatrix<f64>,
    /// `δ⁽ˡ⁾ = ∂E/∂z⁽ˡ⁾ = ∂E/∂a⁽ˡ⁾ ⊙ f'(z⁽ˡ⁾)`.
    pub delta: DMatrix<f64>,
    /// `∂E/∂W⁽ˡ⁾ = a⁽ˡ⁻¹⁾ᵀ·δ⁽ˡ⁾` (data loss only, without the L2 term).
    pub weight_grad: DMatrix<f64>,
    /// `∂E/∂b⁽ˡ⁾ = Σ_samples δ⁽ˡ⁾`.
    pub bias_grad: DMatrix<f64>,
}

impl LayerTrace {
    /// Units of the layer.
    pub fn units(&self) -> usize {
        self.weight.ncols()
    }

    /// Inputs of the layer.
    pub fn inputs(&self) -> usize {
        self.weight.nrows()
    }

    /// `f'(z)` for sample `row`, unit `j`, from the activation output as the engine computes
    /// it (1 for a linear layer).
    pub fn derivative(&self, row: usize, j: usize) -> f64 {
        match self.activation {
            Some(kind) => kind.derivative_from_output(self.a[(row, j)]),
            None => 1.0,
        }
    }
}

/// Forward, loss and backward of one batch through a Dense/activation network, with every
/// intermediate value. Built by [`trace_step`].
#[derive(Clone, Debug, PartialEq)]
pub struct BackpropTrace {
    /// One entry per Dense layer, input side first.
    pub layers: Vec<LayerTrace>,
    /// The network input, `(B, features)`.
    pub input: DMatrix<f64>,
    /// The network output, `(B, outputs)`: logits for softmax cross-entropy, values for MSE.
    pub output: DMatrix<f64>,
    /// The targets: one class per row, or target rows `(B, outputs)`.
    pub target: Target<f64>,
    /// Which loss `E` is.
    pub loss_kind: LossKind,
    /// `E` for the batch (mean over samples, as in training).
    pub loss: f64,
    /// `∂E/∂output`, `(B, outputs)`.
    pub grad_output: DMatrix<f64>,
}

/// Why a model cannot be traced.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TraceError {
    /// The model holds a layer that is neither Dense nor an activation (e.g. Conv2d).
    #[error(
        "the backprop stepper follows Dense and activation layers only; layer {index} is {name}"
    )]
    Unsupported {
        /// 0-based index of the layer.
        index: usize,
        /// Its display name.
        name: String,
    },
    /// The model has no Dense layer, or two activations in a row, or starts with one.
    #[error("the backprop stepper needs Dense layers, each followed by at most one activation")]
    Layout,
    /// The input has the wrong number of columns or no rows.
    #[error("the input has shape {rows}×{cols}, the model expects B×{expected} with B ≥ 1")]
    Input {
        /// Rows given.
        rows: usize,
        /// Columns given.
        cols: usize,
        /// Columns expected.
        expected: usize,
    },
}

/// Runs one step's forward, loss and backward through `model` on `x` `(B, inputs)` and
/// records every Dense layer's `z`, `a`, `δ`, `∂E/∂W` and `∂E/∂b` (see the module docs).
///
/// The numbers come from the model's own [`super::Layer::forward`] in [`Mode::Train`],
/// [`compute_loss`] and [`super::Layer::backward`]; `δ` is what each Dense layer's backward
/// receives and `∂E/∂W` is what it leaves in [`Dense::weight_grad`]. The parameters are not
/// changed, but the layers' gradients and caches are overwritten, so trace a copy (see
/// [`Sequential::convert`]) when the gradients of a training step must survive.
///
/// # Errors
/// [`TraceError`] when a layer is not Dense or an activation, when the layout is not
/// `Dense [activation] Dense [activation] …`, or when `x` does not fit the model.
pub fn trace_step(
    model: &mut Sequential<f64>,
    x: &DMatrix<f64>,
    target: &Target<f64>,
    loss_kind: LossKind,
) -> Result<BackpropTrace, TraceError> {
    // Group the layers as (dense index, optional activation index).
    let mut groups: Vec<(usize, Option<usize>)> = Vec::new();
    for (index, layer) in model.layers.iter().enumerate() {
        let any = layer.as_any();
        if any.is::<Dense<f64>>() {
            groups.push((index, None));
        } else if any.is::<Activation<f64>>() {
            match groups.last_mut() {
                Some((dense, act @ None)) if *dense + 1 == index => *act = Some(index),
                _ => return Err(TraceError::Layout),
            }
        } else {
            return Err(TraceError::Unsupported {
                index,
                name: layer.name(),
            });
        }
    }
    let Some(&(first, _)) = groups.first() else {
        return Err(TraceError::Layout);
    };
    let expected = dense_at(model, first).inputs();
    if x.ncols() != expected || x.nrows() == 0 {
        return Err(TraceError::Input {
            rows: x.nrows(),
            cols: x.ncols(),
            expected,
        });
    }
    let target_fits = match target {
        Target::Classes(labels) => labels.len() == x.nrows(),
        Target::Values(values) => values.nrows() == x.nrows(),
    };
    if !target_fits {
        return Err(TraceError::Input {
            rows: x.nrows(),
            cols: x.ncols(),
            expected,
        });
    }

    // Forward, recording each layer's output.
    let mut layers = Vec::with_capacity(groups.len());
    let mut h = x.clone();
    for &(dense_index, act_index) in &groups {
        let input = h.clone();
        let z = model.layers[dense_index].forward(&h, Mode::Train);
        let a = match act_index {
            Some(i) => model.layers[i].forward(&z, Mode::Train),
            None => z.clone(),
        };
        let dense = dense_at(model, dense_index);
        let activation = act_index.and_then(|i| {
            model.layers[i]
                .as_any()
                .downcast_ref::<Activation<f64>>()
                .map(|act| act.kind)
        });
        layers.push(LayerTrace {
            layer_index: dense_index,
            activation,
            input,
            weight: dense.weight.clone(),
            bias: dense.bias.clone(),
            z,
            a: a.clone(),
            grad_a: DMatrix::zeros(0, 0),
            delta: DMatrix::zeros(0, 0),
            weight_grad: DMatrix::zeros(0, 0),
            bias_grad: DMatrix::zeros(0, 0),
        });
        h = a;
    }
    let output = h;
    if !fits_loss(&output, target) {
        return Err(TraceError::Input {
            rows: x.nrows(),
            cols: x.ncols(),
            expected,
        });
    }
    let (loss, grad_output) = compute_loss(loss_kind, &output, target);

    // Backward, last layer first.
    let mut g = grad_output.clone();
    for (trace, &(dense_index, act_index)) in layers.iter_mut().zip(&groups).rev() {
        trace.grad_a = g.clone();
        let delta = match act_index {
            Some(i) => model.layers[i].backward(&g),
            None => g,
        };
        g = model.layers[dense_index].backward(&delta);
        let dense = dense_at(model, dense_index);
        trace.weight_grad = dense.weight_grad.clone();
        trace.bias_grad = dense.bias_grad.clone();
        trace.delta = delta;
    }
    Ok(BackpropTrace {
        layers,
        input: x.clone(),
        output,
        target: target.clone(),
        loss_kind,
        loss,
        grad_output,
    })
}

/// True when [`compute_loss`] accepts this output/target pair without a shape panic.
fn fits_loss(output: &DMatrix<f64>, target: &Target<f64>) -> bool {
    match target {
        Target::Classes(labels) => {
            labels.len() == output.nrows() && labels.iter().all(|&c| c < output.ncols())
        }
        Target::Values(values) => values.shape() == output.shape(),
    }
}

fn dense_at(model: &Sequential<f64>, index: usize) -> &Dense<f64> {
    model.layers[index]
        .as_any()
        .downcast_ref::<Dense<f64>>()
        .expect("trace_step: grouped layer is Dense")
}

/// The weights `(n_in, n_out)` and biases `(1, n_out)` of `layer` after one plain SGD step
/// with learning rate η = `learning_rate` and L2 coefficient λ = `l2`, computed by the
/// optimizers' own update rule ([`OptimizerState::update`]) exactly as training applies it:
/// `w_ij ← w_ij − η (∂E/∂w_ij + λ w_ij)` and `b_j ← b_j − η ∂E/∂b_j` (L2 leaves biases alone).
pub fn sgd_step(layer: &LayerTrace, learning_rate: f64, l2: f64) -> (DMatrix<f64>, DMatrix<f64>) {
    let config = OptimizerConfig::new(OptimizerKind::Sgd, learning_rate);
    let mut weight = layer.weight.clone();
    let weight_grad = layer.weight_grad.zip_map(&layer.weight, |g, w| g + l2 * w);
    OptimizerState::new().update(&config, weight.as_mut_slice(), weight_grad.as_slice());
    let mut bias = layer.bias.clone();
    OptimizerState::new().update(&config, bias.as_mut_slice(), layer.bias_grad.as_slice());
    (weight, bias)
}

/// Whether every layer of `model` can be traced: Dense layers each followed by at most one
/// activation (a multilayer perceptron).
pub fn is_traceable<T: Scalar>(model: &Sequential<T>) -> bool {
    let mut previous_dense = false;
    let mut any_dense = false;
    for layer in &model.layers {
        let any = layer.as_any();
        if any.is::<Dense<T>>() {
            previous_dense = true;
            any_dense = true;
        } else if any.is::<Activation<T>>() && previous_dense {
            previous_dense = false;
        } else {
            return false;
        }
    }
    any_dense
}
