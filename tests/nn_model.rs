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
            (8, ActivationKind::LeakyRelu),
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
            LayerSpec::Activation(ActivationKind::LeakyRelu),
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

#[test]
fn oversized_models_are_refused_before_allocating() {
    // (2 + 1) × 2e9 parameters in the first layer alone: refused by the parser, which checks
    // the shapes, and by the builder.
    let err = ModelSpec::parse("dense2000000000,relu,dense2", Shape::flat(2)).unwrap_err();
    let message = "item 1 \"dense2000000000\": the model would have more than 20000000 parameters; make the layers smaller";
    assert_eq!(err.to_string(), message);
    let spec = ModelSpec {
        input: Shape::flat(2),
        layers: vec![LayerSpec::Dense {
            units: 2_000_000_000,
        }],
    };
    let err = Sequential::<f32>::try_from_spec(&spec, 1)
        .err()
        .expect("refused");
    assert_eq!(err.to_string(), message);
    // Few parameters, but 64 × 2000 × 2000 = 256 000 000 values per sample.
    let err =
        ModelSpec::parse("conv64k1p500,relu,dense2", Shape::image(1, 1000, 1000)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "item 1 \"conv64k1p500\": its output would hold 256000000 values per sample (at most 16777216); make the layer smaller"
    );
    // Padding so large that the padded size overflows: an error, not an overflow panic.
    let text = format!("conv1k3p{},dense2", usize::MAX / 2 + 1);
    let err = ModelSpec::parse(&text, Shape::image(1, 4, 4)).unwrap_err();
    assert!(matches!(err, SpecError::DoesNotFit { .. }), "{err}");
    // The limit itself: (2 + 1) × 6 666 666 = 19 999 998 parameters pass, one more unit fails.
    assert!(ModelSpec::parse("dense6666666", Shape::flat(2)).is_ok());
    assert!(matches!(
        ModelSpec::parse("dense6666667", Shape::flat(2)),
        Err(SpecError::TooManyParameters { position: 1, .. })
    ));
}
