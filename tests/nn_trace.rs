//! The backprop stepper's numbers: the engine's trace of one step equals values worked by hand
//! for a 2-2-1 Sigmoid network with fixed weights, equals the Layer API for a deeper net, and
//! the gradient-check panel's rows pass for a correct backward and flag a wrong one.

use std::sync::Arc;

use gradscope::data::synth::XOR_TABLE;
use gradscope::data::{SynthConfig, SynthKind, generate};
use gradscope::nn::{
    ActivationKind, Dense, LayerSpec, LossKind, Mode, ModelSpec, Sequential, Shape, Target,
    TraceError, compute_loss, sgd_step, trace_step,
};
use gradscope::train::doctor::{GRADCHECK_TOLERANCE, gradcheck_rows};
use gradscope::train::presets::Preset;
use gradscope::train::{Session, TrainConfig};
use nalgebra::{DMatrix, dmatrix};

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// 2 → Dense 2 → Sigmoid → Dense 1 → Sigmoid, with weights set by hand.
fn net_221() -> Sequential<f64> {
    let spec = ModelSpec {
        input: Shape::flat(2),
        layers: vec![
            LayerSpec::Dense { units: 2 },
            LayerSpec::Activation(ActivationKind::Sigmoid),
            LayerSpec::Dense { units: 1 },
            LayerSpec::Activation(ActivationKind::Sigmoid),
        ],
    };
    let mut model = Sequential::<f64>::from_spec(&spec, 0);
    // W1 is (in, out): W1[i][j] connects input i to hidden unit j.
    model.set_params(&[
        dmatrix![0.15, 0.25; 0.20, 0.30],
        dmatrix![0.35, 0.35],
        dmatrix![0.40; 0.45],
        dmatrix![0.60],
    ]);
    model
}

#[test]
fn the_221_trace_equals_the_numbers_worked_by_hand() {
    let mut model = net_221();
    let x = dmatrix![0.05, 0.10];
    let t = 0.01;
    let target = Target::Values(dmatrix![t]);
    let trace = trace_step(&mut model, &x, &target, LossKind::Mse).expect("trace");
    assert_eq!(trace.layers.len(), 2);

    // Forward, layer 1: z_j = Σ_i x_i w_ij + b_j, a_j = σ(z_j).
    let z1 = [
        0.05 * 0.15 + 0.10 * 0.20 + 0.35, // 0.3775
        0.05 * 0.25 + 0.10 * 0.30 + 0.35, // 0.3925
    ];
    let a1 = [sigmoid(z1[0]), sigmoid(z1[1])]; // 0.593270, 0.596884
    // Layer 2.
    let z2 = a1[0] * 0.40 + a1[1] * 0.45 + 0.60; // 1.105906
    let o = sigmoid(z2); // 0.751365
    // E = (o − t)² (MSE over one output), ∂E/∂o = 2 (o − t).
    let loss = (o - t) * (o - t);
    let de_do = 2.0 * (o - t);
    // δ at the output: ∂E/∂o · σ'(z2) with σ' = o (1 − o).
    let delta2 = de_do * o * (1.0 - o);
    // Hidden δ_j = σ'(z_j) Σ_k w_jk δ_k.
    let delta1 = [
        a1[0] * (1.0 - a1[0]) * 0.40 * delta2,
        a1[1] * (1.0 - a1[1]) * 0.45 * delta2,
    ];
    // ∂E/∂w_ij = δ_j · a_i.
    let dw2 = [delta2 * a1[0], delta2 * a1[1]];
    let dw1 = [
        [delta1[0] * 0.05, delta1[1] * 0.05],
        [delta1[0] * 0.10, delta1[1] * 0.10],
    ];

    let close = |a: f64, b: f64| (a - b).abs() < 1e-14;
    let hidden = &trace.layers[0];
    let output = &trace.layers[1];
    assert_eq!(hidden.activation, Some(ActivationKind::Sigmoid));
    for j in 0..2 {
        assert!(close(hidden.z[(0, j)], z1[j]), "z1[{j}]");
        assert!(close(hidden.a[(0, j)], a1[j]), "a1[{j}]");
        assert!(close(hidden.delta[(0, j)], delta1[j]), "δ1[{j}]");
        assert!(close(hidden.bias_grad[j], delta1[j]), "∂E/∂b1[{j}]");
        assert!(close(output.weight_grad[(j, 0)], dw2[j]), "∂E/∂W2[{j}]");
        for (i, row) in dw1.iter().enumerate() {
            assert!(close(hidden.weight_grad[(i, j)], row[j]), "∂E/∂W1[{i},{j}]");
        }
    }
    assert!(close(output.z[(0, 0)], z2));
    assert!(close(output.a[(0, 0)], o));
    assert!(close(trace.output[(0, 0)], o));
    assert!(close(trace.loss, loss));
    assert!(close(output.grad_a[(0, 0)], de_do));
    assert!(close(output.delta[(0, 0)], delta2));
    assert!(close(output.bias_grad[0], delta2));
    // The values themselves, to four places, as a student would write them.
    assert!((z1[0] - 0.3775).abs() < 1e-12);
    assert!((a1[0] - 0.593270).abs() < 1e-6);
    assert!((o - 0.751365).abs() < 1e-6);
    assert!((delta2 - 0.276997).abs() < 1e-6, "{delta2}"); // 2·0.741365·0.751365·0.248635

    // The update θ_ij ← θ_ij − η δ_j x_ij (x_ij = a_i), with and without L2.
    let eta = 0.5;
    let (weight, bias) = sgd_step(output, eta, 0.0);
    assert!(close(weight[(0, 0)], 0.40 - eta * delta2 * a1[0]));
    assert!(close(bias[(0, 0)], 0.60 - eta * delta2));
    let (with_l2, bias_l2) = sgd_step(output, eta, 0.1);
    assert!(close(
        with_l2[(1, 0)],
        0.45 - eta * (delta2 * a1[1] + 0.1 * 0.45)
    ));
    assert_eq!(bias_l2, bias, "L2 leaves the biases alone");
    // Tracing leaves the parameters as they were.
    let mut params = Vec::new();
    model.copy_params_into(&mut params);
    assert_eq!(params[0], dmatrix![0.15, 0.25; 0.20, 0.30]);
}

#[test]
fn a_deeper_trace_equals_the_layer_api_forward_and_backward() {
    let spec = ModelSpec::mlp(
        3,
        &[(5, ActivationKind::Tanh), (4, ActivationKind::Relu)],
        3,
    );
    let mut model = Sequential::<f64>::from_spec(&spec, 7);
    let x = dmatrix![0.5, -1.0, 2.0; 0.1, 0.3, -0.7];
    let target = Target::Classes(vec![2, 0]);
    let trace = trace_step(&mut model, &x, &target, LossKind::SoftmaxCrossEntropy).expect("trace");

    // Independent run through the Layer API on a second copy of the same model.
    let mut reference = Sequential::<f64>::from_spec(&spec, 7);
    let outputs = reference.forward_all(&x);
    let out = reference.forward(&x, Mode::Train);
    let (loss, grad) = compute_loss(LossKind::SoftmaxCrossEntropy, &out, &target);
    // Backward layer by layer, keeping what each layer receives.
    let mut received = vec![DMatrix::zeros(0, 0); reference.layers.len()];
    let mut g = grad;
    for index in (0..reference.layers.len()).rev() {
        received[index] = g.clone();
        g = reference.layers[index].backward(&g);
    }
    assert_eq!(trace.loss, loss);
    assert_eq!(trace.output, out);
    assert_eq!(trace.layers.len(), 3);
    for (layer, dense_index) in trace.layers.iter().zip([0, 2, 4]) {
        assert_eq!(layer.layer_index, dense_index);
        assert_eq!(layer.z, outputs[dense_index]);
        let after = outputs.get(dense_index + 1).filter(|_| dense_index < 4);
        assert_eq!(&layer.a, after.unwrap_or(&outputs[dense_index]));
        assert_eq!(
            layer.delta, received[dense_index],
            "δ = what Dense receives"
        );
        let dense = reference.layers[dense_index]
            .as_any()
            .downcast_ref::<Dense<f64>>()
            .expect("dense");
        assert_eq!(layer.weight_grad, dense.weight_grad);
        assert_eq!(layer.bias_grad, dense.bias_grad);
        // ∂E/∂W = a_prevᵀ·δ
        assert!((layer.input.transpose() * &layer.delta - &layer.weight_grad).amax() < 1e-15);
    }
    assert!(trace.layers[2].activation.is_none());
}

#[test]
fn a_cnn_or_a_bad_input_is_refused_with_a_reason() {
    let spec = ModelSpec::parse("conv2k3,relu,dense2", Shape::image(1, 4, 4)).expect("spec");
    let mut cnn = Sequential::<f64>::from_spec(&spec, 1);
    let x = DMatrix::zeros(1, 16);
    let err = trace_step(
        &mut cnn,
        &x,
        &Target::Classes(vec![0]),
        LossKind::SoftmaxCrossEntropy,
    )
    .expect_err("not traceable");
    assert!(
        matches!(err, TraceError::Unsupported { index: 0, .. }),
        "{err}"
    );

    let mut model = net_221();
    let wrong = dmatrix![1.0, 2.0, 3.0];
    let err = trace_step(
        &mut model,
        &wrong,
        &Target::Values(dmatrix![1.0]),
        LossKind::Mse,
    )
    .expect_err("wrong width");
    assert_eq!(
        err.to_string(),
        "the input has shape 1×3, the model expects B×2 with B ≥ 1"
    );
}

#[test]
fn the_221_preset_session_traces_its_own_f32_weights() {
    let (data, config) = Preset::Backprop221.build();
    let mut session = Session::new(data.build(), config).expect("session");
    for _ in 0..3 {
        let _ = session.step();
    }
    let sample = 3;
    let trace = session.trace(sample).expect("trace");
    assert_eq!(trace.layers.len(), 2);
    assert_eq!(trace.layers[0].units(), 2);
    assert_eq!(trace.layers[1].units(), 1);
    assert_eq!(trace.layers[1].activation, Some(ActivationKind::Sigmoid));
    // The traced input is that training row and the output is the session's prediction.
    let row = session.data().train.row(sample).to_vec();
    assert!(
        XOR_TABLE
            .iter()
            .any(|(x, _)| x.as_slice() == row.as_slice())
    );
    let x = DMatrix::from_row_slice(1, 2, &row);
    let predicted = session.predict(&x)[(0, 0)];
    assert!((trace.output[(0, 0)] - f64::from(predicted)).abs() < 1e-6);
    assert!(session.trace(99).is_err());
}

#[test]
fn the_gradient_check_rows_pass_for_the_engine_and_flag_a_wrong_gradient() {
    let data = Arc::new(generate(&SynthConfig::new(SynthKind::Spiral)));
    let mut session = Session::new(data, TrainConfig::default()).expect("session");
    for _ in 0..20 {
        let _ = session.step();
    }
    let mut checks = session.gradient_check(usize::MAX).expect("check");
    // Dense 2→8, 8→8, 8→2: weight and bias each.
    assert_eq!(checks.len(), 6);
    let rows = gradcheck_rows(&checks, GRADCHECK_TOLERANCE);
    for row in &rows {
        assert!(row.passed, "{row:?}");
        assert!(row.max_rel_error < 1e-6, "{row:?}");
    }
    assert_eq!(rows[0].count, 16);
    assert!(rows[0].name.starts_with("layer 1: Dense 2→8 weight"));

    // A backward that is 1 % off in one element is caught, and only there.
    checks[2].analytic[3] *= 1.01;
    let wrong = gradscope::nn::GradCheck::new(
        checks[2].name.clone(),
        checks[2].analytic.clone(),
        checks[2].numeric.clone(),
    );
    checks[2] = wrong;
    let rows = gradcheck_rows(&checks, GRADCHECK_TOLERANCE);
    let failed: Vec<usize> = (0..rows.len()).filter(|&i| !rows[i].passed).collect();
    assert_eq!(failed, [2]);
    assert!((rows[2].max_rel_error - 0.01 / 1.01).abs() < 1e-6);

    // The sampled check compares at most 5 elements per tensor.
    let sampled = session.gradient_check(5).expect("check");
    assert!(
        sampled
            .iter()
            .all(|c| c.analytic.len() <= 5 && !c.analytic.is_empty())
    );
}

#[test]
fn a_small_batch_trace_is_the_mean_of_its_samples() {
    let (data, config) = Preset::Backprop221.build();
    let session = Session::new(data.build(), config).expect("session");
    let batch = session.trace_batch(0, 4).expect("batch trace");
    assert_eq!(batch.input.nrows(), 4);
    let singles: Vec<_> = (0..4).map(|s| session.trace(s).expect("trace")).collect();
    // E is the mean over the batch, so each sample's δ is its own δ / B and ∂E/∂W is the
    // mean of the samples' ∂E/∂W.
    let mean_loss = singles.iter().map(|t| t.loss).sum::<f64>() / 4.0;
    assert!((batch.loss - mean_loss).abs() < 1e-14);
    for l in 0..2 {
        let mut grad_sum = DMatrix::zeros(batch.layers[l].inputs(), batch.layers[l].units());
        for (n, single) in singles.iter().enumerate() {
            let own = single.layers[l].delta.row(0) / 4.0;
            assert!(
                (batch.layers[l].delta.row(n) - own).amax() < 1e-15,
                "layer {l} row {n}"
            );
            assert_eq!(batch.layers[l].z.row(n), single.layers[l].z.row(0));
            grad_sum += &single.layers[l].weight_grad;
        }
        assert!((&batch.layers[l].weight_grad - grad_sum / 4.0).amax() < 1e-15);
    }
    // The stepper writes the batch gradient as a sum of products.
    let line = gradscope::ui::typeset::plain(
        &gradscope::ui::stepper::gradient_lines(&batch.layers[1]).remove(0),
    );
    assert!(line.starts_with("∂E/∂w11 = Σn δ1 · a1 = "), "{line}");
    assert_eq!(line.matches(" + ").count(), 3, "{line}");
    // Past the end of the split the batch is cut short; a first index past it is refused.
    assert_eq!(session.trace_batch(2, 8).expect("cut").input.nrows(), 2);
    assert!(session.trace_batch(4, 1).is_err());
}

/// → past the stepper's update phase applies the update it showed: one step on the followed
/// samples gives the traced SGD update's weights (it took the schedule's next minibatch,
/// another sample's step), counts as a step, and leaves the epoch's batch position alone.
#[test]
fn a_step_on_the_traced_samples_applies_the_shown_update() {
    let (data, config) = Preset::Backprop221.build();
    let mut session = Session::new(data.build(), config).expect("session");
    for _ in 0..2 {
        let _ = session.step();
    }
    let (first, count) = (1, 2);
    let trace = session.trace_batch(first, count).expect("trace");
    let learning_rate = session.config().optimizer.learning_rate;
    let l2 = session.config().l2;
    let shown: Vec<_> = trace
        .layers
        .iter()
        .map(|layer| sgd_step(layer, learning_rate, l2))
        .collect();
    let (position, step) = (session.position(), session.step_count());
    let rows: Vec<usize> = (first..first + count).collect();
    assert!(matches!(
        session.step_on(&rows),
        Some(gradscope::train::StepOutcome::Trained { .. })
    ));
    assert_eq!(session.step_count(), step + 1);
    assert_eq!(session.position(), position);
    for ((_, dense), (weight, bias)) in session.model().dense_layers().iter().zip(&shown) {
        let (w, b) = (dense.weight.map(f64::from), dense.bias.map(f64::from));
        assert!((&w - weight).abs().max() < 1e-6, "{w} against {weight}");
        assert!((&b - bias).abs().max() < 1e-6, "{b} against {bias}");
    }
    // The shown update is not the one of the schedule's next minibatch here.
    let mut scheduled = Session::new(
        Preset::Backprop221.build().0.build(),
        Preset::Backprop221.build().1,
    )
    .expect("session");
    for _ in 0..3 {
        let _ = scheduled.step();
    }
    assert_ne!(
        scheduled.model().dense_layers()[0].1.weight,
        session.model().dense_layers()[0].1.weight
    );
    assert!(session.step_on(&[99]).is_none());
    // Its counters no longer follow from the batch size: a saved file says so and opens.
    let state = gradscope::experiment::ResumeState::of(&session);
    assert!(
        state
            .unchecked
            .as_deref()
            .is_some_and(|why| why.contains("backprop stepper"))
    );
    assert!(
        state
            .check_on(session.data().train.len(), session.config().batch_size)
            .is_ok()
    );
}
