//! Optimizer updates against hand arithmetic, and a real training run (XOR).

use gradscope::nn::{
    ActivationKind, Layer, LossKind, Mode, ModelSpec, Optimizer, OptimizerConfig, OptimizerKind,
    OptimizerState, Sequential, Target, compute_loss, mse,
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
    assert_eq!(
        OptimizerKind::parse("RMSprop"),
        Some(OptimizerKind::RmsProp)
    );
    assert_eq!(
        OptimizerKind::parse("nesterov"),
        Some(OptimizerKind::Nesterov)
    );
    assert_eq!(OptimizerKind::parse("adagrad"), None);
    let c = OptimizerConfig::default();
    assert_eq!(c.kind, OptimizerKind::Adam);
    assert_eq!(
        (c.learning_rate, c.momentum, c.beta1, c.beta2, c.epsilon),
        (0.01, 0.9, 0.9, 0.999, 1e-8)
    );
    assert_eq!(c.rho, 0.9);
}

#[test]
fn a_saved_config_without_rho_still_parses_with_the_default() {
    let json = r#"{"kind":"Momentum","learning_rate":0.05,"momentum":0.8,"beta1":0.9,"beta2":0.999,"epsilon":1e-8}"#;
    let c: OptimizerConfig = serde_json::from_str(json).expect("old JSON parses");
    assert_eq!(c.kind, OptimizerKind::Momentum);
    assert_eq!((c.learning_rate, c.momentum, c.rho), (0.05, 0.8, 0.9));
    let round: OptimizerConfig = serde_json::from_str(
        &serde_json::to_string(&OptimizerConfig::new(OptimizerKind::RmsProp, 0.1)).expect("json"),
    )
    .expect("round trip");
    assert_eq!(round.kind, OptimizerKind::RmsProp);
}

// ---- The slice-level rule on f(x, y) = ½(x² + 4y²), ∇f = (x, 4y), from (1, 1), η = 0.1 ----

/// The first three iterates of `kind` (default constants, η = 0.1) on ½(x² + 4y²) from (1, 1).
fn quadratic_iterates(kind: OptimizerKind) -> Vec<[f64; 2]> {
    let config = OptimizerConfig::new(kind, 0.1);
    let mut state = OptimizerState::<f64>::new();
    let mut theta = [1.0, 1.0];
    (0..3)
        .map(|_| {
            let grad = [theta[0], 4.0 * theta[1]];
            state.update(&config, &mut theta, &grad);
            theta
        })
        .collect()
}

fn assert_iterates(kind: OptimizerKind, expected: [[f64; 2]; 3], tol: f64) {
    let got = quadratic_iterates(kind);
    for (t, (g, e)) in got.iter().zip(&expected).enumerate() {
        for k in 0..2 {
            assert!(
                (g[k] - e[k]).abs() < tol,
                "{} step {} coordinate {k}: got {}, expected {}",
                kind.name(),
                t + 1,
                g[k],
                e[k]
            );
        }
    }
}

#[test]
fn sgd_on_a_quadratic_by_hand() {
    // θ ← θ − η g.
    // g0 = (1, 4):       θ1 = (1 − 0.1,     1 − 0.4)    = (0.9, 0.6)
    // g1 = (0.9, 2.4):   θ2 = (0.9 − 0.09,  0.6 − 0.24) = (0.81, 0.36)
    // g2 = (0.81, 1.44): θ3 = (0.81 − 0.081, 0.36 − 0.144) = (0.729, 0.216)
    assert_iterates(
        OptimizerKind::Sgd,
        [[0.9, 0.6], [0.81, 0.36], [0.729, 0.216]],
        1e-12,
    );
}

#[test]
fn momentum_on_a_quadratic_by_hand() {
    // Polyak (1964): v ← μ v − η g; θ ← θ + v, μ = 0.9, v0 = 0.
    // g0 = (1, 4):     v1 = (−0.1, −0.4);                          θ1 = (0.9, 0.6)
    // g1 = (0.9, 2.4): v2 = (−0.09 − 0.09, −0.36 − 0.24) = (−0.18, −0.6);   θ2 = (0.72, 0)
    // g2 = (0.72, 0):  v3 = (−0.162 − 0.072, −0.54 − 0) = (−0.234, −0.54); θ3 = (0.486, −0.54)
    assert_iterates(
        OptimizerKind::Momentum,
        [[0.9, 0.6], [0.72, 0.0], [0.486, -0.54]],
        1e-12,
    );
}

#[test]
fn nesterov_on_a_quadratic_by_hand() {
    // Nesterov (1983) in the form of Sutskever et al. (2013) / Bengio et al. (2013):
    // v ← μ v − η g; θ ← θ + μ v − η g (new v), μ = 0.9.
    // g0 = (1, 4):        v1 = (−0.1, −0.4)
    //                     θ1 = (1 − 0.09 − 0.1, 1 − 0.36 − 0.4) = (0.81, 0.24)
    // g1 = (0.81, 0.96):  v2 = (−0.09 − 0.081, −0.36 − 0.096) = (−0.171, −0.456)
    //                     θ2 = (0.81 − 0.1539 − 0.081, 0.24 − 0.4104 − 0.096) = (0.5751, −0.2664)
    // g2 = (0.5751, −1.0656):
    //                     v3 = (−0.1539 − 0.05751, −0.4104 + 0.10656) = (−0.21141, −0.30384)
    //                     θ3 = (0.5751 − 0.190269 − 0.05751, −0.2664 − 0.273456 + 0.10656)
    //                        = (0.327321, −0.433296)
    // (These are the look-ahead points θ + μv of the classical form v ← μv − η∇f(θ + μv),
    // θ ← θ + v, which gives θ = (0.9, 0.6), (0.7290, 0.1440), (0.517590, −0.159840).)
    assert_iterates(
        OptimizerKind::Nesterov,
        [[0.81, 0.24], [0.5751, -0.2664], [0.327321, -0.433296]],
        1e-12,
    );
}

#[test]
fn rmsprop_on_a_quadratic_by_hand() {
    // Tieleman & Hinton (2012): r ← ρ r + (1 − ρ) g²; θ ← θ − η g / (√r + ε), ρ = 0.9, ε = 1e-8.
    // g0 = (1, 4):   r1 = (0.1, 1.6); steps 0.1·1/√0.1 = 0.1·4/√1.6 = 0.316227766 (less ε)
    //                θ1 = (0.683772244, 0.683772236)
    // g1 = (0.683772244, 2.735088946):
    //                r2 = (0.09 + 0.1·0.467544, 1.44 + 0.1·7.480712) = (0.136754448, 2.188071154)
    //                θ2 = θ1 − 0.1·g1/√r2 = (0.683772244 − 0.184901624, 0.683772236 − 0.184901626)
    //                   = (0.498870620, 0.498870610)
    // g2 = (0.498870620, 1.995482441):
    //                r3 = (0.123079003 + 0.1·0.248871896, 1.969264039 + 0.1·3.981950166)
    //                   = (0.147966193, 2.367459056)
    //                θ3 = θ2 − 0.1·g2/√r3 = (0.369180567, 0.369180557)
    assert_iterates(
        OptimizerKind::RmsProp,
        [
            [0.683_772_244, 0.683_772_236],
            [0.498_870_620, 0.498_870_610],
            [0.369_180_567, 0.369_180_557],
        ],
        1e-9,
    );
}

#[test]
fn adam_on_a_quadratic_by_hand() {
    // Kingma & Ba (2015), Algorithm 1: β1 = 0.9, β2 = 0.999, ε = 1e-8.
    // t = 1, g = (1, 4):   m = (0.1, 0.4), v = (0.001, 0.016); m̂ = (1, 4), v̂ = (1, 16)
    //                      θ1 = 1 − 0.1·(1/(1 + 1e-8), 4/(4 + 1e-8)) = (0.900000001, 0.90000000025)
    // t = 2, g = (0.900000001, 3.600000001):
    //   m = (0.09 + 0.0900000001, 0.36 + 0.3600000001) = (0.1800000001, 0.7200000001)
    //   v = (0.000999 + 0.000810000002, 0.015984 + 0.012960000007) = (0.001809000002, 0.028944000007)
    //   m̂ = m/0.19 = (0.947368422, 3.789473685); v̂ = v/0.001999 = (0.904952477, 14.479239623)
    //   θ2 = θ1 − 0.1·m̂/√v̂ = (0.900000001 − 0.099587771, 0.90000000025 − 0.099587772)
    //      = (0.800412230, 0.800412228)
    // t = 3, g = (0.800412230, 3.201648913):
    //   m = (0.162 + 0.080041223, 0.648 + 0.320164891) = (0.242041223, 0.968164891)
    //   v = (0.001807191 + 0.000640660, 0.028915056 + 0.010250556) = (0.002447851, 0.039165612)
    //   m̂ = m/0.271 = (0.893141045, 3.572564175); v̂ = v/0.002997001 = (0.816766741, 13.068267834)
    //   θ3 = θ2 − 0.1·m̂/√v̂ = (0.701586275, 0.701586272)
    assert_iterates(
        OptimizerKind::Adam,
        [
            [0.900_000_001, 0.900_000_000_25],
            [0.800_412_230, 0.800_412_228],
            [0.701_586_275, 0.701_586_272],
        ],
        1e-9,
    );
}

#[test]
fn the_model_optimizer_and_the_slice_rule_agree_exactly() {
    let spec = ModelSpec::mlp(2, &[(3, ActivationKind::Tanh)], 1);
    let x = dmatrix![0.5, -1.0; 1.5, 0.25; -0.75, 2.0];
    let y = dmatrix![1.0; -1.0; 0.5];
    for kind in OptimizerKind::ALL {
        let config = OptimizerConfig::new(kind, 0.05);
        let mut model = Sequential::<f64>::from_spec(&spec, 3);
        let mut twin = Sequential::<f64>::from_spec(&spec, 3);
        let mut optimizer = Optimizer::new(config);
        let mut states: Vec<OptimizerState<f64>> = Vec::new();
        for _ in 0..3 {
            for m in [&mut model, &mut twin] {
                let out = m.forward(&x, Mode::Train);
                let (_, grad) = mse(&out, &y);
                m.backward(&grad);
            }
            optimizer.step(&mut model);
            let mut params = twin.params_and_grads_mut();
            states.resize(params.len(), OptimizerState::new());
            for ((w, g), state) in params.iter_mut().zip(&mut states) {
                state.update(&config, w.as_mut_slice(), g.as_slice());
            }
        }
        let a: Vec<f64> = model
            .layers
            .iter()
            .flat_map(|l| l.params())
            .flat_map(|p| p.iter().copied().collect::<Vec<_>>())
            .collect();
        let b: Vec<f64> = twin
            .layers
            .iter()
            .flat_map(|l| l.params())
            .flat_map(|p| p.iter().copied().collect::<Vec<_>>())
            .collect();
        assert_eq!(a.len(), 13, "2·3 + 3 + 3·1 + 1 parameters");
        assert_eq!(a, b, "{}", kind.name());
        assert_eq!(optimizer.steps(), 3);
        let initial: Vec<f64> = Sequential::<f64>::from_spec(&spec, 3)
            .layers
            .iter()
            .flat_map(|l| l.params())
            .flat_map(|p| p.iter().copied().collect::<Vec<_>>())
            .collect();
        assert_ne!(a, initial, "{} did not move", kind.name());
    }
}

#[test]
fn the_slice_rule_resets_its_state_when_the_kind_changes() {
    let mut state = OptimizerState::<f64>::new();
    let mut theta = [1.0];
    state.update(
        &OptimizerConfig::new(OptimizerKind::Momentum, 0.1),
        &mut theta,
        &[2.0],
    );
    assert_eq!(state.first(), &[-0.2]);
    // RMSProp must not read Momentum's velocity as its mean square: r = 0.1·4 = 0.4.
    state.update(
        &OptimizerConfig::new(OptimizerKind::RmsProp, 0.1),
        &mut theta,
        &[2.0],
    );
    assert!((state.first()[0] - 0.4).abs() < 1e-15);
    assert_eq!(state.steps(), 1);
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
