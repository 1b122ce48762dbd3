//! Optimizer updates against hand arithmetic, and a real training run (XOR).

use gradscope::nn::{
    ActivationKind, Layer, LossKind, Mode, ModelSpec, Optimizer, OptimizerConfig, OptimizerKind,
    Sequential, Target, compute_loss, mse,
};
use nalgebra::{DMatrix, dmatrix};

/// A one-parameter "layer" that ignores its input and outputs θ (1×1),
/// so with MSE against 3 the loss is f(θ) = (θ - 3)² and f'(θ) = 2(θ - 3).
struct Theta {
    value: DMatrix<f64>,
    grad: DMatrix<f64>,
}

impl Layer<f64> for Theta {
    fn name(&self) -> String {
        "θ".to_string()
    }
    fn output_features(&self, _input_features: usize) -> usize {
        1
    }
    fn forward(&mut self, _x: &DMatrix<f64>, _mode: Mode) -> DMatrix<f64> {
        self.value.clone()
    }
    fn backward(&mut self, grad_out: &DMatrix<f64>) -> DMatrix<f64> {
        self.grad.copy_from(grad_out);
        DMatrix::zeros(1, 1)
    }
    fn params(&self) -> Vec<&DMatrix<f64>> {
        vec![&self.value]
    }
    fn grads(&self) -> Vec<&DMatrix<f64>> {
        vec![&self.grad]
    }
    fn params_and_grads_mut(&mut self) -> Vec<(&mut DMatrix<f64>, &DMatrix<f64>)> {
        vec![(&mut self.value, &self.grad)]
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// A model holding only θ = 1 (the Dense layer built from the spec is replaced).
fn theta_model() -> Sequential<f64> {
    let mut model = Sequential::from_spec(&ModelSpec::mlp(1, &[], 1), 0);
    model.layers = vec![Box::new(Theta {
        value: dmatrix![1.0],
        grad: dmatrix![0.0],
    })];
    model
}

/// Runs `steps` updates on f(θ) = (θ - 3)² from θ = 1; returns θ after each.
fn trajectory(
    optimizer: &mut Optimizer<f64>,
    model: &mut Sequential<f64>,
    steps: usize,
) -> Vec<f64> {
    let x = dmatrix![0.0];
    (0..steps)
        .map(|_| {
            let out = model.forward(&x, Mode::Train);
            let (_, grad) = mse(&out, &dmatrix![3.0]);
            model.backward(&grad);
            optimizer.step(model);
            model.layers[0].params()[0][0]
        })
        .collect()
}

fn assert_close(actual: &[f64], expected: &[f64], tol: f64) {
    assert_eq!(actual.len(), expected.len());
    for (step, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a - e).abs() < tol,
            "step {}: got {a}, expected {e}",
            step + 1
        );
    }
}

#[test]
fn sgd_by_hand() {
    // η = 0.1, g = 2(θ - 3):
    // θ1 = 1    - 0.1·(-4)    = 1.4
    // θ2 = 1.4  - 0.1·(-3.2)  = 1.72
    // θ3 = 1.72 - 0.1·(-2.56) = 1.976
    let mut opt = Optimizer::new(OptimizerConfig::new(OptimizerKind::Sgd, 0.1));
    let thetas = trajectory(&mut opt, &mut theta_model(), 3);
    assert_close(&thetas, &[1.4, 1.72, 1.976], 1e-12);
    assert_eq!(opt.steps(), 3);
}

#[test]
fn momentum_by_hand() {
    // η = 0.1, μ = 0.9, v0 = 0; v ← μv - ηg, θ ← θ + v:
    // g = -4:   v1 = 0 + 0.4            = 0.4,   θ1 = 1.4
    // g = -3.2: v2 = 0.36 + 0.32        = 0.68,  θ2 = 2.08
    // g = -1.84: v3 = 0.612 + 0.184     = 0.796, θ3 = 2.876
    let mut opt = Optimizer::new(OptimizerConfig::new(OptimizerKind::Momentum, 0.1));
    let thetas = trajectory(&mut opt, &mut theta_model(), 3);
    assert_close(&thetas, &[1.4, 2.08, 2.876], 1e-12);
}

#[test]
fn adam_by_hand() {
    // η = 0.1, β1 = 0.9, β2 = 0.999, ε = 1e-8, m0 = v0 = 0.
    // t = 1: g = -4; m = 0.1·(-4) = -0.4; v = 0.001·16 = 0.016;
    //        m̂ = -0.4 / 0.1 = -4; v̂ = 0.016 / 0.001 = 16; √v̂ = 4;
    //        θ1 = 1 + 0.1·4 / (4 + 1e-8) = 1.09999999975
    // t = 2: g = 2(1.09999999975 - 3) = -3.8000000005;
    //        m = 0.9·(-0.4) + 0.1·(-3.8000000005) = -0.74000000005;
    //        v = 0.999·0.016 + 0.001·14.4400000038 = 0.0304240000038;
    //        m̂ = m / (1 - 0.81) = -3.89473684237; v̂ = v / (1 - 0.998001) = 15.2196098068;
    //        √v̂ = 3.90123183197; θ2 = θ1 + 0.1·3.89473684237 / 3.90123183197
    //           = 1.09999999975 + 0.09983351413 = 1.19983351388
    let mut opt = Optimizer::new(OptimizerConfig::new(OptimizerKind::Adam, 0.1));
    let thetas = trajectory(&mut opt, &mut theta_model(), 2);
    assert_close(&thetas, &[1.09999999975, 1.19983351388], 1e-10);
}

#[test]
fn changing_the_learning_rate_keeps_momentum() {
    // Step 1 at η = 0.1: v1 = 0.4, θ1 = 1.4. Step 2 at η = 0:
    // v2 = 0.9·0.4 - 0 = 0.36, θ2 = 1.76 — the velocity survived.
    let mut opt = Optimizer::new(OptimizerConfig::new(OptimizerKind::Momentum, 0.1));
    let mut model = theta_model();
    assert_close(&trajectory(&mut opt, &mut model, 1), &[1.4], 1e-12);
    opt.set_learning_rate(0.0);
    assert_eq!(opt.learning_rate(), 0.0);
    assert_close(&trajectory(&mut opt, &mut model, 1), &[1.76], 1e-12);
}

#[test]
fn kinds_and_defaults() {
    for kind in OptimizerKind::ALL {
        assert_eq!(OptimizerKind::parse(kind.name()), Some(kind));
    }
    assert_eq!(OptimizerKind::parse(" ADAM "), Some(OptimizerKind::Adam));
    assert_eq!(OptimizerKind::parse("rmsprop"), None);
    let c = OptimizerConfig::default();
    assert_eq!(c.kind, OptimizerKind::Adam);
    assert_eq!(
        (c.learning_rate, c.momentum, c.beta1, c.beta2, c.epsilon),
        (0.01, 0.9, 0.9, 0.999, 1e-8)
    );
}

#[test]
fn xor_is_learned_perfectly() {
    let x = dmatrix![0.0_f32, 0.0; 0.0, 1.0; 1.0, 0.0; 1.0, 1.0];
    let labels = vec![0, 1, 1, 0];
    let target = Target::Classes(labels.clone());
    let spec = ModelSpec::mlp(2, &[(8, ActivationKind::Tanh)], 2);
    let mut model = Sequential::<f32>::from_spec(&spec, 7);
    let mut opt = Optimizer::new(OptimizerConfig::new(OptimizerKind::Adam, 0.05));

    let accuracy = |model: &mut Sequential<f32>| {
        let out = model.forward(&x, Mode::Eval);
        let correct = (0..4).filter(|&i| out.row(i).transpose().argmax().0 == labels[i]);
        correct.count() as f32 / 4.0
    };
    assert!(
        accuracy(&mut model) < 1.0,
        "the untrained net should not already solve XOR"
    );

    let mut solved_at = None;
    let mut loss = f32::NAN;
    for step in 1..=2000 {
        let out = model.forward(&x, Mode::Train);
        let (l, grad) = compute_loss(LossKind::SoftmaxCrossEntropy, &out, &target);
        loss = l;
        model.backward(&grad);
        opt.step(&mut model);
        if solved_at.is_none() && accuracy(&mut model) == 1.0 {
            solved_at = Some(step);
        }
    }
    let solved_at = solved_at.expect("XOR never reached 100% accuracy");
    assert!(solved_at <= 1000, "took {solved_at} steps");
    assert_eq!(accuracy(&mut model), 1.0);
    assert!(loss < 1e-3, "final loss {loss}");
    assert!(model.params_finite());
}
