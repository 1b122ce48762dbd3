//! Model specs (text form, errors) and reproducible construction.

use gradscope::nn::{ActivationKind, LayerSpec, Mode, ModelSpec, Sequential, Shape, SpecError};
use nalgebra::dmatrix;

#[test]
fn same_seed_same_weights() {
    let spec = ModelSpec::parse("dense16,tanh,dense16,relu,dense2", Shape::flat(2)).unwrap();
    let params = |seed| {
        let mut out = Vec::new();
        Sequential::<f32>::from_spec(&spec, seed).copy_params_into(&mut out);
        out
    };
    assert_eq!(params(42), params(42));
    assert_ne!(params(42), params(43));
}

#[test]
fn init_follows_the_next_activation() {
    // Dense 2→16 before tanh: Xavier, |w| ≤ sqrt(6 / 18) ≈ 0.577.
    // Dense 16→16 before relu: He normal, std sqrt(2 / 16) ≈ 0.354, so among
    // 256 draws some exceed the Xavier bound sqrt(6 / 32) ≈ 0.433.
    let spec = ModelSpec::parse("dense16,tanh,dense16,relu,dense2", Shape::flat(2)).unwrap();
    let model = Sequential::<f64>::from_spec(&spec, 5);
    let dense = model.dense_layers();
    assert!(
        dense[0]
            .1
            .weight
            .iter()
            .all(|w| w.abs() <= (6.0_f64 / 18.0).sqrt())
    );
    assert!(
        dense[1]
            .1
            .weight
            .iter()
            .any(|w| w.abs() > (6.0_f64 / 32.0).sqrt())
    );
    assert!(dense.iter().all(|(_, d)| d.bias.iter().all(|&b| b == 0.0)));
}

#[test]
fn text_round_trip() {
    let spec = ModelSpec::mlp(
        3,
        &[
            (16, ActivationKind::Tanh),
            (8, ActivationKind::LeakyReLU),
            (4, ActivationKind::Sigmoid),
        ],
        2,
    );
    let text = spec.to_text();
    assert_eq!(text, "dense16,tanh,dense8,leakyrelu,dense4,sigmoid,dense2");
    assert_eq!(ModelSpec::parse(&text, Shape::flat(3)), Ok(spec));

    // Spaces and capitals are accepted, and written back in canonical form.
    let loose = ModelSpec::parse(" Dense16 , LEAKY_RELU,dense 3, linear ", Shape::flat(2)).unwrap();
    assert_eq!(
        loose.layers,
        [
            LayerSpec::Dense { units: 16 },
            LayerSpec::Activation(ActivationKind::LeakyReLU),
            LayerSpec::Dense { units: 3 },
            LayerSpec::Activation(ActivationKind::Linear),
        ]
    );
    assert_eq!(loose.to_text(), "dense16,leakyrelu,dense3,linear");
    assert_eq!(loose.outputs(), 3);
}

#[test]
fn parse_errors_name_the_item_and_position() {
    let err = ModelSpec::parse("dense16,tanhh,dense2", Shape::flat(2)).unwrap_err();
    assert_eq!(
        err,
        SpecError::UnknownItem {
            position: 2,
            item: "tanhh".to_string()
        }
    );
    assert_eq!(
        err.to_string(),
        "item 2 \"tanhh\" is not a layer: expected denseN (e.g. dense16) or one of sigmoid, tanh, relu, leakyrelu, linear"
    );

    let err = ModelSpec::parse("dense16,relu,dense0", Shape::flat(2)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "item 3 \"dense0\": a dense layer needs a positive whole number of units, e.g. dense16"
    );
    assert!(matches!(
        ModelSpec::parse("denseX", Shape::flat(2)),
        Err(SpecError::BadUnits { position: 1, .. })
    ));
    assert_eq!(
        ModelSpec::parse("dense4,,dense2", Shape::flat(2)),
        Err(SpecError::EmptyItem { position: 2 })
    );
    assert_eq!(
        ModelSpec::parse("  ", Shape::flat(2)),
        Err(SpecError::Empty)
    );
    assert_eq!(
        ModelSpec::parse("tanh", Shape::flat(2)),
        Err(SpecError::NoDense)
    );
    assert_eq!(
        ModelSpec::parse("dense2", Shape::flat(0)),
        Err(SpecError::NoInputs)
    );
    for e in [
        SpecError::Empty,
        SpecError::NoDense,
        SpecError::EmptyItem { position: 1 },
    ] {
        assert!(!e.to_string().contains('\n'));
    }
}

#[test]
fn forward_shapes_and_train_eval_agree() {
    let spec = ModelSpec::parse("dense4,relu,dense3", Shape::flat(2)).unwrap();
    let mut model = Sequential::<f32>::from_spec(&spec, 1);
    let x = dmatrix![0.5_f32, -0.5; 1.0, 2.0; -1.0, 0.0];
    let train = model.forward(&x, Mode::Train);
    let eval = model.forward(&x, Mode::Eval);
    assert_eq!(train.shape(), (3, 3));
    assert_eq!(train, eval);
    let grad_in = model.backward(&dmatrix![1.0_f32, 0.0, 0.0; 0.0, 1.0, 0.0; 0.0, 0.0, 1.0]);
    assert_eq!(grad_in.shape(), (3, 2));
    assert_eq!(model.spec(), &spec);
}
