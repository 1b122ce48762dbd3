//! Numerical gradient checks: compare backpropagated gradients with
//! central differences `(f(θ + ε) - f(θ - ε)) / 2ε` (Goodfellow et al.,
//! *Deep Learning* 2016, Section 11.5). The truncation error of the
//! central difference is O(ε²), so in `f64` with `ε ≈ 1e-5` a correct
//! backward agrees to roughly 1e-8 relative error or better.

use nalgebra::DMatrix;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::{Conv2d, Dense, Layer, LossKind, Mode, Sequential, Target, compute_loss};

/// Result of checking one gradient tensor.
#[derive(Clone, Debug)]
pub struct GradCheck {
    /// What was checked, e.g. `"Dense 2→3 weight"` or `"Tanh input"`.
    pub name: String,
    /// Backpropagated gradient, column-major like the tensor.
    pub analytic: Vec<f64>,
    /// Central-difference gradient, same order.
    pub numeric: Vec<f64>,
    /// `max |a - n|` over the elements.
    pub max_abs_error: f64,
    /// Maximum of [`relative_error`] over the elements.
    pub max_rel_error: f64,
}

impl GradCheck {
    /// Builds a check from the two gradients and computes the error summaries.
    pub fn new(name: String, analytic: Vec<f64>, numeric: Vec<f64>) -> Self {
        assert_eq!(analytic.len(), numeric.len(), "gradcheck: length mismatch");
        let pairs = || analytic.iter().zip(&numeric);
        let max_abs_error = pairs().map(|(a, n)| (a - n).abs()).fold(0.0, f64::max);
        let max_rel_error = pairs()
            .map(|(a, n)| relative_error(*a, *n))
            .fold(0.0, f64::max);
        GradCheck {
            name,
            analytic,
            numeric,
            max_abs_error,
            max_rel_error,
        }
    }

    /// True when `max_rel_error < tol` (false if any error is NaN).
    pub fn passed(&self, tol: f64) -> bool {
        self.max_rel_error < tol
            && self
                .analytic
                .iter()
                .chain(&self.numeric)
                .all(|v| v.is_finite())
    }
}

/// `|a - n| / max(|a|, |n|, 1e-8)`: relative error of an analytic gradient
/// `a` against a numeric one `n`. The `1e-8` floor keeps gradients that are
/// (almost) zero from turning rounding noise into a huge ratio.
pub fn relative_error(a: f64, n: f64) -> f64 {
    (a - n).abs() / a.abs().max(n.abs()).max(1e-8)
}

/// Names of the parameter tensors of `layer`: weight/bias for [`Dense`]
/// and [`Conv2d`], `param k` otherwise.
fn param_names(layer: &dyn Layer<f64>) -> Vec<String> {
    let count = layer.params().len();
    let any = layer.as_any();
    if any.is::<Dense<f64>>() || any.is::<Conv2d<f64>>() {
        vec!["weight".to_string(), "bias".to_string()]
    } else {
        (0..count).map(|k| format!("param {k}")).collect()
    }
}

/// Sets element `i` of parameter tensor `k` of `layer` to `value`.
fn set_param(layer: &mut dyn Layer<f64>, k: usize, i: usize, value: f64) {
    layer.params_and_grads_mut()[k].0[i] = value;
}

/// Checks dL/d(input) and dL/d(each parameter) of one layer, with the test
/// loss `L = Σ out ⊙ R` for a fixed random `R` (uniform in [-1, 1], drawn
/// from `seed`), so `dL/dout = R`.
///
/// `x`: `(batch, in)`; `eps`: the difference step (1e-5 works well in f64).
/// Returns `[input, param 0, param 1, …]` checks. The numeric side runs in
/// [`Mode::Eval`], so the Train cache used by `backward` is not disturbed;
/// every parameter is restored exactly.
pub fn check_layer(
    layer: &mut dyn Layer<f64>,
    x: &DMatrix<f64>,
    eps: f64,
    seed: u64,
) -> Vec<GradCheck> {
    let out = layer.forward(x, Mode::Train);
    let mut rng = StdRng::seed_from_u64(seed);
    let r = DMatrix::from_fn(out.nrows(), out.ncols(), |_, _| {
        rng.random_range(-1.0..=1.0)
    });
    let grad_input = layer.backward(&r);
    let param_grads: Vec<DMatrix<f64>> = layer.grads().into_iter().cloned().collect();
    let name = layer.name();

    // L(out) = Σ out ⊙ R; summing (out⁺ - out⁻) ⊙ R rather than subtracting
    // two sums keeps rounding error small for elements that did not change.
    let diff_loss =
        |plus: &DMatrix<f64>, minus: &DMatrix<f64>| (plus - minus).component_mul(&r).sum();

    let mut checks = Vec::new();
    let mut numeric = Vec::with_capacity(x.len());
    let mut xp = x.clone();
    for i in 0..x.len() {
        xp[i] = x[i] + eps;
        let plus = layer.forward(&xp, Mode::Eval);
        xp[i] = x[i] - eps;
        let minus = layer.forward(&xp, Mode::Eval);
        xp[i] = x[i];
        numeric.push(diff_loss(&plus, &minus) / (2.0 * eps));
    }
    checks.push(GradCheck::new(
        format!("{name} input"),
        grad_input.as_slice().to_vec(),
        numeric,
    ));

    for (k, pname) in param_names(layer).into_iter().enumerate() {
        let mut numeric = Vec::with_capacity(param_grads[k].len());
        for i in 0..param_grads[k].len() {
            let original = layer.params()[k][i];
            set_param(layer, k, i, original + eps);
            let plus = layer.forward(x, Mode::Eval);
            set_param(layer, k, i, original - eps);
            let minus = layer.forward(x, Mode::Eval);
            set_param(layer, k, i, original);
            numeric.push(diff_loss(&plus, &minus) / (2.0 * eps));
        }
        let analytic = param_grads[k].as_slice().to_vec();
        checks.push(GradCheck::new(format!("{name} {pname}"), analytic, numeric));
    }
    checks
}

/// Checks dL/d(output) of the loss `kind` at `output` `(batch, outputs)`
/// against `target`, by central differences of the loss value.
pub fn check_loss(
    kind: LossKind,
    output: &DMatrix<f64>,
    target: &Target<f64>,
    eps: f64,
) -> GradCheck {
    let (_, analytic) = compute_loss(kind, output, target);
    let mut o = output.clone();
    let mut numeric = Vec::with_capacity(o.len());
    for i in 0..o.len() {
        o[i] = output[i] + eps;
        let plus = compute_loss(kind, &o, target).0;
        o[i] = output[i] - eps;
        let minus = compute_loss(kind, &o, target).0;
        o[i] = output[i];
        numeric.push((plus - minus) / (2.0 * eps));
    }
    let name = match kind {
        LossKind::Mse => "MSE output",
        LossKind::SoftmaxCrossEntropy => "Softmax cross-entropy output",
    };
    GradCheck::new(name.to_string(), analytic.as_slice().to_vec(), numeric)
}

/// Checks every parameter tensor of a whole model under a loss: one
/// [`GradCheck`] per tensor, named like `"layer 0 Dense 2→3 weight"`.
///
/// The analytic side is one Train forward, the loss gradient and
/// [`Sequential::backward`]; the numeric side perturbs each parameter and
/// re-evaluates the loss with Eval forwards. Parameters are restored exactly.
pub fn check_model(
    model: &mut Sequential<f64>,
    x: &DMatrix<f64>,
    target: &Target<f64>,
    loss: LossKind,
    eps: f64,
) -> Vec<GradCheck> {
    check_model_sampled(model, x, target, loss, eps, usize::MAX)
}

/// Like [`check_model`], but compares at most `max_per_tensor` elements of each parameter
/// tensor (evenly spaced, always including the first), so that a check of a large model
/// stays quick: it costs two Eval forwards per compared element. `analytic` and `numeric`
/// of each [`GradCheck`] hold the compared elements only. `max_per_tensor = 0` is read as 1.
pub fn check_model_sampled(
    model: &mut Sequential<f64>,
    x: &DMatrix<f64>,
    target: &Target<f64>,
    loss: LossKind,
    eps: f64,
    max_per_tensor: usize,
) -> Vec<GradCheck> {
    let out = model.forward(x, Mode::Train);
    let (_, grad_out) = compute_loss(loss, &out, target);
    model.backward(&grad_out);

    let loss_at = |model: &mut Sequential<f64>| {
        let out = model.forward(x, Mode::Eval);
        compute_loss(loss, &out, target).0
    };

    let mut checks = Vec::new();
    // Layers with parameters are numbered from 1 on the input side, as every panel numbers
    // them (activations and pooling have none and are not counted).
    let mut number = 0;
    for li in 0..model.layers.len() {
        let layer_name = model.layers[li].name();
        let names = param_names(model.layers[li].as_ref());
        if !names.is_empty() {
            number += 1;
        }
        let grads: Vec<DMatrix<f64>> = model.layers[li].grads().into_iter().cloned().collect();
        for (k, (pname, grad)) in names.into_iter().zip(grads).enumerate() {
            let stride = grad.len().div_ceil(max_per_tensor.max(1)).max(1);
            let picked: Vec<usize> = (0..grad.len()).step_by(stride).collect();
            let mut numeric = Vec::with_capacity(picked.len());
            for &i in &picked {
                let original = model.layers[li].params()[k][i];
                set_param(model.layers[li].as_mut(), k, i, original + eps);
                let plus = loss_at(model);
                set_param(model.layers[li].as_mut(), k, i, original - eps);
                let minus = loss_at(model);
                set_param(model.layers[li].as_mut(), k, i, original);
                numeric.push((plus - minus) / (2.0 * eps));
            }
            let name = format!("layer {number}: {layer_name} {pname}");
            let analytic = picked.iter().map(|&i| grad[i]).collect();
            checks.push(GradCheck::new(name, analytic, numeric));
        }
    }
    checks
}
