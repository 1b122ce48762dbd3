//! Gradient checks: every backward pass against central differences in f64.

mod common;

use common::{EPS, TOL, assert_passes};
use gradscope::nn::{
    ActivationKind, Dense, Init, Layer, LossKind, Mode, ModelSpec, Sequential, Shape, Target,
    check_layer, check_loss, check_model,
};
use nalgebra::DMatrix;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn uniform(rows: usize, cols: usize, lo: f64, hi: f64, seed: u64) -> DMatrix<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    DMatrix::from_fn(rows, cols, |_, _| rng.random_range(lo..hi))
}

/// Random values with magnitude in [0.1, 2] and random sign: at least 0.1
/// away from the ReLU / LeakyReLU kink at 0, far more than EPS.
fn away_from_zero(rows: usize, cols: usize, seed: u64) -> DMatrix<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    DMatrix::from_fn(rows, cols, |_, _| {
        let magnitude = rng.random_range(0.1..2.0);
        if rng.random::<bool>() {
            magnitude
        } else {
            -magnitude
        }
    })
}

#[test]
fn dense_input_weight_and_bias() {
    let mut rng = StdRng::seed_from_u64(1);
    let mut dense = Dense::<f64>::new(3, 4, Init::XavierUniform, &mut rng);
    dense.bias = uniform(1, 4, -1.0, 1.0, 2);
    let x = uniform(5, 3, -2.0, 2.0, 3);
    let checks = check_layer(&mut dense, &x, EPS, 4);
    let names: Vec<&str> = checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["Dense 3→4 input", "Dense 3→4 weight", "Dense 3→4 bias"]
    );
    assert_eq!(checks[0].analytic.len(), 15);
    assert_eq!(checks[1].analytic.len(), 12);
    assert_eq!(checks[2].analytic.len(), 4);
    for check in &checks {
        assert_passes(check);
    }
}

#[test]
fn every_activation() {
    for (i, kind) in ActivationKind::ALL.into_iter().enumerate() {
        let mut layer = gradscope::nn::Activation::<f64>::new(kind);
        let x = away_from_zero(4, 5, 10 + i as u64);
        let checks = check_layer(&mut layer, &x, EPS, 20 + i as u64);
        assert_eq!(checks.len(), 1, "{kind:?} has no parameters");
        assert_eq!(checks[0].name, format!("{} input", kind.name()));
        assert_passes(&checks[0]);
    }
}

#[test]
fn mse_loss() {
    let output = uniform(4, 3, -2.0, 2.0, 5);
    let target = Target::Values(uniform(4, 3, -2.0, 2.0, 6));
    let check = check_loss(LossKind::Mse, &output, &target, EPS);
    assert_eq!(check.name, "MSE output");
    assert_passes(&check);
}

#[test]
fn softmax_cross_entropy_two_classes() {
    let logits = uniform(6, 2, -3.0, 3.0, 7);
    let target = Target::Classes(vec![0, 1, 1, 0, 1, 0]);
    assert_passes(&check_loss(
        LossKind::SoftmaxCrossEntropy,
        &logits,
        &target,
        EPS,
    ));
}

#[test]
fn softmax_cross_entropy_five_classes() {
    let logits = uniform(7, 5, -3.0, 3.0, 8);
    let target = Target::Classes(vec![4, 0, 2, 3, 1, 2, 4]);
    assert_passes(&check_loss(
        LossKind::SoftmaxCrossEntropy,
        &logits,
        &target,
        EPS,
    ));
}

#[test]
fn whole_model_softmax_cross_entropy() {
    let spec = ModelSpec::parse("dense5,tanh,dense3", Shape::flat(4)).unwrap();
    let mut model = Sequential::<f64>::from_spec(&spec, 11);
    let x = uniform(6, 4, -1.5, 1.5, 12);
    let target = Target::Classes(vec![0, 2, 1, 1, 0, 2]);
    let checks = check_model(&mut model, &x, &target, LossKind::SoftmaxCrossEntropy, EPS);
    let names: Vec<&str> = checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "layer 1: Dense 4→5 weight",
            "layer 1: Dense 4→5 bias",
            "layer 2: Dense 5→3 weight",
            "layer 2: Dense 5→3 bias"
        ]
    );
    for check in &checks {
        assert_passes(check);
    }
}

#[test]
fn whole_model_mse_with_sigmoid_and_leaky_relu() {
    let spec = ModelSpec::parse("dense6,sigmoid,dense4,leakyrelu,dense2", Shape::flat(3)).unwrap();
    let mut model = Sequential::<f64>::from_spec(&spec, 13);
    let x = uniform(5, 3, -1.5, 1.5, 14);
    let target = Target::Values(uniform(5, 2, -1.0, 1.0, 15));
    let checks = check_model(&mut model, &x, &target, LossKind::Mse, EPS);
    assert_eq!(checks.len(), 6);
    for check in &checks {
        assert_passes(check);
    }
}

/// y = 3x, but backward claims dL/dx = 6·G: off by a factor of 2.
struct WrongScale;

impl Layer<f64> for WrongScale {
    fn name(&self) -> String {
        "WrongScale".to_string()
    }
    fn output_features(&self, input_features: usize) -> usize {
        input_features
    }
    fn forward(&mut self, x: &DMatrix<f64>, _mode: Mode) -> DMatrix<f64> {
        x * 3.0
    }
    fn backward(&mut self, grad_out: &DMatrix<f64>) -> DMatrix<f64> {
        grad_out * 6.0
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// A correct Dense whose bias gradient is doubled after backward.
struct WrongBias(Dense<f64>);

impl Layer<f64> for WrongBias {
    fn name(&self) -> String {
        "WrongBias".to_string()
    }
    fn output_features(&self, input_features: usize) -> usize {
        self.0.output_features(input_features)
    }
    fn forward(&mut self, x: &DMatrix<f64>, mode: Mode) -> DMatrix<f64> {
        self.0.forward(x, mode)
    }
    fn backward(&mut self, grad_out: &DMatrix<f64>) -> DMatrix<f64> {
        let grad_in = self.0.backward(grad_out);
        self.0.bias_grad *= 2.0;
        grad_in
    }
    fn params(&self) -> Vec<&DMatrix<f64>> {
        self.0.params()
    }
    fn grads(&self) -> Vec<&DMatrix<f64>> {
        self.0.grads()
    }
    fn params_and_grads_mut(&mut self) -> Vec<(&mut DMatrix<f64>, &DMatrix<f64>)> {
        self.0.params_and_grads_mut()
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[test]
fn a_wrong_input_gradient_is_caught() {
    let x = uniform(3, 4, -1.0, 1.0, 16);
    let checks = check_layer(&mut WrongScale, &x, EPS, 17);
    // analytic = 2 × numeric everywhere, so |a - n| / |a| = 1/2.
    assert!(!checks[0].passed(TOL));
    assert!(
        (checks[0].max_rel_error - 0.5).abs() < 1e-6,
        "{}",
        checks[0].max_rel_error
    );
}

#[test]
fn a_wrong_parameter_gradient_is_caught() {
    let mut rng = StdRng::seed_from_u64(18);
    let mut layer = WrongBias(Dense::new(3, 2, Init::XavierUniform, &mut rng));
    let x = uniform(4, 3, -1.0, 1.0, 19);
    let checks = check_layer(&mut layer, &x, EPS, 20);
    let names: Vec<&str> = checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["WrongBias input", "WrongBias param 0", "WrongBias param 1"]
    );
    assert!(checks[0].passed(TOL) && checks[1].passed(TOL));
    assert!(!checks[2].passed(TOL));
    assert!((checks[2].max_rel_error - 0.5).abs() < 1e-6);
}

#[test]
fn gradcheck_leaves_parameters_untouched() {
    let spec = ModelSpec::parse("dense3,relu,dense2", Shape::flat(2)).unwrap();
    let mut model = Sequential::<f64>::from_spec(&spec, 21);
    let mut before = Vec::new();
    model.copy_params_into(&mut before);
    let x = away_from_zero(4, 2, 22);
    check_model(
        &mut model,
        &x,
        &Target::Classes(vec![0, 1, 1, 0]),
        LossKind::SoftmaxCrossEntropy,
        EPS,
    );
    let mut after = Vec::new();
    model.copy_params_into(&mut after);
    assert_eq!(before, after);
}
