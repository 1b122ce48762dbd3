//! Convolution, pooling and CNN specs: gradient checks in f64 against
//! central differences, output sizes, and the text form.

mod common;

use common::{EPS, assert_passes};
use gradscope::nn::{
    Conv2d, Conv2dConfig, GradCheck, Init, Layer, LayerSpec, LossKind, MaxPool2d, MaxPool2dConfig,
    Mode, ModelSpec, Sequential, Shape, SpecError, Target, check_layer, check_model,
    conv_output_size,
};
use nalgebra::DMatrix;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn uniform(rows: usize, cols: usize, seed: u64) -> DMatrix<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    DMatrix::from_fn(rows, cols, |_, _| rng.random_range(-1.0..1.0))
}

/// A random permutation of 0..n scaled to [-1, 1): all values distinct and
/// at least 2/n apart, so no max-pool window has a tie (even after ±EPS).
fn distinct(rows: usize, cols: usize, seed: u64) -> DMatrix<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let n = rows * cols;
    let mut values: Vec<f64> = (0..n).map(|i| 2.0 * i as f64 / n as f64 - 1.0).collect();
    for i in (1..n).rev() {
        values.swap(i, rng.random_range(0..=i));
    }
    DMatrix::from_vec(rows, cols, values)
}

fn conv(c: usize, o: usize, k: usize, s: usize, p: usize, input: Shape, seed: u64) -> Conv2d<f64> {
    let config = Conv2dConfig {
        in_channels: c,
        out_channels: o,
        kernel: k,
        stride: s,
        padding: p,
    };
    let mut rng = StdRng::seed_from_u64(seed);
    let mut layer = Conv2d::new(config, input, Init::XavierUniform, &mut rng);
    // Non-zero biases so their gradient path is exercised with real values.
    layer.bias = uniform(1, o, seed + 100);
    layer
}

/// Runs `check_layer` on a conv and checks names, sizes and tolerances.
fn check_conv(layer: &mut Conv2d<f64>, batch: usize, seed: u64) -> Vec<GradCheck> {
    let x = uniform(batch, layer.input_shape.len(), seed);
    let checks = check_layer(layer, &x, EPS, seed + 1);
    let name = layer.name();
    let names: Vec<String> = checks.iter().map(|c| c.name.clone()).collect();
    assert_eq!(
        names,
        [
            format!("{name} input"),
            format!("{name} weight"),
            format!("{name} bias")
        ]
    );
    let c = layer.config;
    assert_eq!(checks[0].analytic.len(), batch * layer.input_shape.len());
    assert_eq!(
        checks[1].analytic.len(),
        c.in_channels * c.kernel * c.kernel * c.out_channels
    );
    assert_eq!(checks[2].analytic.len(), c.out_channels);
    for check in &checks {
        assert_passes(check);
    }
    checks
}

#[test]
fn conv_one_filter_one_channel() {
    let mut layer = conv(1, 1, 3, 1, 0, Shape::image(1, 5, 5), 1);
    assert_eq!(layer.name(), "Conv2d 1→1 3×3");
    assert_eq!(layer.output_shape(layer.input_shape), Shape::image(1, 3, 3));
    check_conv(&mut layer, 3, 2);
}

#[test]
fn conv_4x4_kernel_3_stride_1_pad_0() {
    let mut layer = conv(1, 2, 3, 1, 0, Shape::image(1, 4, 4), 3);
    assert_eq!(layer.output_shape(layer.input_shape), Shape::image(2, 2, 2));
    check_conv(&mut layer, 2, 4);
}

#[test]
fn conv_4x4_kernel_3_stride_2_pad_1() {
    // floor((4 + 2 − 3) / 2) + 1 = 2: windows start at −1 and 1.
    let mut layer = conv(1, 2, 3, 2, 1, Shape::image(1, 4, 4), 5);
    assert_eq!(layer.name(), "Conv2d 1→2 3×3 s2 p1");
    assert_eq!(layer.output_shape(layer.input_shape), Shape::image(2, 2, 2));
    let checks = check_conv(&mut layer, 2, 6);
    // Every input pixel but none of the padding is read: all 16 pixels of
    // each sample get a gradient (row/column 3 only through the second window).
    assert!(checks[0].analytic.iter().all(|g| g.abs() > 0.0));
}

#[test]
fn conv_multi_channel_2_to_3() {
    let mut layer = conv(2, 3, 3, 1, 1, Shape::image(2, 5, 4), 7);
    assert_eq!(layer.output_shape(layer.input_shape), Shape::image(3, 5, 4));
    check_conv(&mut layer, 3, 8);
    // And a strided, unpadded 2→3 with a 2×2 kernel on a non-square input.
    let mut layer = conv(2, 3, 2, 2, 0, Shape::image(2, 5, 6), 9);
    assert_eq!(layer.output_shape(layer.input_shape), Shape::image(3, 2, 3));
    check_conv(&mut layer, 2, 10);
}

#[test]
fn conv_kernel_layout() {
    let mut layer = conv(2, 3, 2, 1, 0, Shape::image(2, 3, 3), 11);
    // weight row (c·k + ky)·k + kx, column o.
    for (i, w) in layer.weight.iter_mut().enumerate() {
        *w = i as f64;
    }
    // Filter 2 starts at 2·8 = 16; channel 1 adds 1·4 rows.
    assert_eq!(layer.kernel(2, 1), vec![20.0, 21.0, 22.0, 23.0]);
    assert_eq!(layer.kernel(0, 0), vec![0.0, 1.0, 2.0, 3.0]);
}

#[test]
fn eval_forward_keeps_the_train_cache() {
    let mut a = conv(2, 3, 3, 1, 1, Shape::image(2, 4, 4), 12);
    let mut b = conv(2, 3, 3, 1, 1, Shape::image(2, 4, 4), 12);
    let x = uniform(2, 32, 13);
    let g = uniform(2, 48, 14);
    a.forward(&x, Mode::Train);
    b.forward(&x, Mode::Train);
    b.forward(&uniform(5, 32, 15), Mode::Eval);
    assert_eq!(a.backward(&g), b.backward(&g));
    assert_eq!(a.weight_grad, b.weight_grad);
}

#[test]
fn maxpool_gradients() {
    for &(size, stride, h, w) in &[(2, 2, 6, 6), (2, 2, 5, 7), (3, 2, 7, 5), (2, 1, 4, 4)] {
        let input = Shape::image(2, h, w);
        let mut pool = MaxPool2d::<f64>::new(MaxPool2dConfig { size, stride }, input);
        let x = distinct(3, input.len(), (size * 100 + h) as u64);
        let checks = check_layer(&mut pool, &x, EPS, 16);
        assert_eq!(checks.len(), 1, "MaxPool2d has no parameters");
        assert_passes(&checks[0]);
        // Exactly one input per window receives each output's gradient.
        let out = pool.output_shape(input);
        let nonzero = checks[0].analytic.iter().filter(|g| **g != 0.0).count();
        assert!(nonzero <= 3 * out.len());
        if stride == size {
            assert_eq!(nonzero, 3 * out.len());
        }
    }
}

#[test]
fn maxpool_maximum_in_the_last_row_and_column() {
    // One 1×4×4 sample; the largest value 9 is at (3, 3), the last pixel.
    let input = Shape::image(1, 4, 4);
    let mut pool = MaxPool2d::<f64>::new(MaxPool2dConfig { size: 2, stride: 2 }, input);
    #[rustfmt::skip]
    let pixels = [
        0.1, 0.2, 0.3, 0.4,
        0.5, 0.6, 0.7, 0.8,
        1.1, 1.2, 1.3, 1.4,
        1.5, 1.6, 1.7, 9.0,
    ];
    let x = DMatrix::from_row_slice(1, 16, &pixels);
    let y = pool.forward(&x, Mode::Train);
    assert_eq!(y, DMatrix::from_row_slice(1, 4, &[0.6, 0.8, 1.6, 9.0]));
    let grad = pool.backward(&DMatrix::from_row_slice(1, 4, &[0.25, -0.5, 0.75, 2.0]));
    let mut expected = DMatrix::zeros(1, 16);
    expected[5] = 0.25; // 0.6 at (1, 1)
    expected[7] = -0.5; // 0.8 at (1, 3)
    expected[13] = 0.75; // 1.6 at (3, 1)
    expected[15] = 2.0; // 9.0 at (3, 3): the last row and column
    assert_eq!(grad, expected);

    // The same through the numeric check.
    let checks = check_layer(&mut pool, &x, EPS, 17);
    assert_passes(&checks[0]);
    assert!(checks[0].analytic[15] != 0.0);
}

#[test]
fn maxpool_5x5_by_2_gives_2x2_without_reading_past_the_edge() {
    let input = Shape::image(1, 5, 5);
    let mut pool = MaxPool2d::<f64>::new(MaxPool2dConfig { size: 2, stride: 2 }, input);
    assert_eq!(pool.output_shape(input), Shape::image(1, 2, 2));
    assert_eq!(conv_output_size(5, 2, 2, 0), Some(2));
    // Pixel value = 10·row + column; the last row and column (the biggest
    // values) lie outside every window and must not show up.
    let x = DMatrix::from_fn(1, 25, |_, i| (10 * (i / 5) + i % 5) as f64);
    let y = pool.forward(&x, Mode::Train);
    assert_eq!(y, DMatrix::from_row_slice(1, 4, &[11.0, 13.0, 31.0, 33.0]));
    let grad = pool.backward(&DMatrix::from_element(1, 4, 1.0));
    for i in 0..25 {
        let (row, col) = (i / 5, i % 5);
        let expected = if row % 2 == 1 && col % 2 == 1 && row < 4 && col < 4 {
            1.0
        } else {
            0.0
        };
        assert_eq!(grad[i], expected, "pixel ({row}, {col})");
    }
}

#[test]
fn output_size_table() {
    // (input, kernel, stride, padding) → floor((in + 2p − k) / s) + 1
    let table = [
        ((28, 5, 1, 0), Some(24)),
        ((24, 2, 2, 0), Some(12)),
        ((28, 3, 1, 0), Some(26)),
        ((26, 2, 2, 0), Some(13)),
        ((13, 3, 1, 0), Some(11)),
        ((11, 2, 2, 0), Some(5)),
        ((28, 5, 1, 2), Some(28)),
        ((4, 3, 1, 0), Some(2)),
        ((4, 3, 2, 1), Some(2)),
        ((5, 2, 2, 0), Some(2)),
        ((7, 3, 2, 0), Some(3)),
        ((3, 3, 1, 0), Some(1)),
        ((1, 1, 1, 0), Some(1)),
        ((1, 3, 1, 1), Some(1)),
        ((2, 3, 1, 0), None),
        ((4, 7, 1, 1), None),
        ((4, 3, 0, 0), None),
        ((4, 0, 1, 0), None),
    ];
    for ((input, kernel, stride, padding), expected) in table {
        assert_eq!(
            conv_output_size(input, kernel, stride, padding),
            expected,
            "in {input} k {kernel} s {stride} p {padding}"
        );
    }
}

#[test]
fn model_28_conv5_24_pool2_12_dense() {
    let input = Shape::image(1, 28, 28);
    let spec = ModelSpec::parse("conv2k5,tanh,pool2,dense10", input).unwrap();
    let expected = [
        Shape::image(2, 24, 24),
        Shape::image(2, 24, 24),
        Shape::image(2, 12, 12),
        Shape::flat(10),
    ];
    assert_eq!(spec.shapes().unwrap(), expected);
    let mut model = Sequential::<f64>::from_spec(&spec, 31);
    assert_eq!(model.shapes(), expected);
    // The layers agree with the spec's shapes.
    let mut shape = input;
    for (layer, expected) in model.layers.iter().zip(expected) {
        shape = layer.output_shape(shape);
        assert_eq!(shape, expected);
    }
    let names: Vec<String> = model.layers.iter().map(|l| l.name()).collect();
    assert_eq!(
        names,
        ["Conv2d 1→2 5×5", "Tanh", "MaxPool2d 2×2", "Dense 288→10"]
    );
    assert_eq!(model.param_count(), 2 * 25 + 2 + 288 * 10 + 10);
    let conv_layers: Vec<usize> = model.conv_layers().iter().map(|(i, _)| *i).collect();
    assert_eq!(conv_layers, [0]);

    // Conv biases of 1.5 keep every tanh (and so every Dense input) well
    // away from 0: otherwise some Dense weight gradients are ~1e-5, where
    // the central difference of a loss ≈ 2.3 has rounding noise ~1e-11,
    // i.e. a relative error above 1e-6 that says nothing about backward.
    model.params_and_grads_mut()[1].0.fill(1.5);
    let x = uniform(2, 28 * 28, 32);
    let target = Target::Classes(vec![3, 7]);
    let checks = check_model(&mut model, &x, &target, LossKind::SoftmaxCrossEntropy, EPS);
    let names: Vec<&str> = checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "layer 1: Conv2d 1→2 5×5 weight",
            "layer 1: Conv2d 1→2 5×5 bias",
            "layer 2: Dense 288→10 weight",
            "layer 2: Dense 288→10 bias"
        ]
    );
    for check in &checks {
        assert_passes(check);
    }
}

#[test]
fn small_cnn_shapes_and_forward() {
    let spec = ModelSpec::small_cnn(Shape::image(1, 28, 28), 10);
    assert_eq!(
        spec.to_text(),
        "conv8k3,relu,pool2,conv16k3,relu,pool2,dense10"
    );
    assert_eq!(
        spec.shapes().unwrap(),
        [
            Shape::image(8, 26, 26),
            Shape::image(8, 26, 26),
            Shape::image(8, 13, 13),
            Shape::image(16, 11, 11),
            Shape::image(16, 11, 11),
            Shape::image(16, 5, 5),
            Shape::flat(10),
        ]
    );
    assert_eq!(spec.outputs(), 10);
    let mut model = Sequential::<f32>::from_spec(&spec, 1);
    let x = DMatrix::from_fn(3, 784, |i, j| ((i * 784 + j) % 17) as f32 / 17.0);
    let out = model.forward(&x, Mode::Train);
    assert_eq!(out.shape(), (3, 10));
    assert_eq!(out, model.forward(&x, Mode::Eval));
    let grad_in = model.backward(&DMatrix::from_element(3, 10, 0.1));
    assert_eq!(grad_in.shape(), (3, 784));
    let conv: Vec<usize> = model.conv_layers().iter().map(|(i, _)| *i).collect();
    assert_eq!(conv, [0, 3]);
    assert_eq!(model.conv_layers()[1].1.config.in_channels, 8);
}

#[test]
fn text_round_trips() {
    let input = Shape::image(1, 28, 28);
    let text = "conv8k3,relu,pool2,conv16k3,relu,pool2,dense10";
    let spec = ModelSpec::parse(text, input).unwrap();
    assert_eq!(spec, ModelSpec::small_cnn(input, 10));
    assert_eq!(spec.to_text(), text);
    assert_eq!(ModelSpec::parse(&spec.to_text(), input), Ok(spec));

    let text = "conv16k5s1p2,relu,pool2s2,flatten,dense10";
    let spec = ModelSpec::parse(text, input).unwrap();
    assert_eq!(
        spec.layers,
        [
            LayerSpec::Conv2d {
                filters: 16,
                kernel: 5,
                stride: 1,
                padding: 2
            },
            LayerSpec::Activation(gradscope::nn::ActivationKind::Relu),
            LayerSpec::MaxPool2d { size: 2, stride: 2 },
            LayerSpec::Flatten,
            LayerSpec::Dense { units: 10 },
        ]
    );
    // to_text leaves out values equal to their defaults (s1, and a pool
    // stride equal to its size); parsing it gives the same spec back.
    let canonical = spec.to_text();
    assert_eq!(canonical, "conv16k5p2,relu,pool2,flatten,dense10");
    assert_eq!(ModelSpec::parse(&canonical, input), Ok(spec.clone()));
    assert_eq!(
        spec.shapes().unwrap(),
        [
            Shape::image(16, 28, 28),
            Shape::image(16, 28, 28),
            Shape::image(16, 14, 14),
            Shape::flat(16 * 14 * 14),
            Shape::flat(10),
        ]
    );

    // Non-default strides are written out; case and spaces are accepted.
    let spec = ModelSpec::parse(" CONV4k3s2 , Pool3S2 ,dense5", input).unwrap();
    assert_eq!(spec.to_text(), "conv4k3s2,pool3s2,dense5");
    assert_eq!(spec.shapes().unwrap()[1], Shape::image(4, 6, 6));
}

#[test]
fn a_kernel_that_does_not_fit_is_a_spec_error() {
    // 12 → conv5 → 8 → pool2 → 4, and a 5×5 kernel cannot fit 4×4.
    let input = Shape::image(1, 12, 12);
    let text = "conv4k5,relu,pool2,conv8k5,relu,dense10";
    let err = ModelSpec::parse(text, input).unwrap_err();
    assert_eq!(
        err,
        SpecError::DoesNotFit {
            position: 4,
            item: "conv8k5".to_string(),
            height: 4,
            width: 4,
            kernel: 5,
            padding: 0,
        }
    );
    assert_eq!(
        err.to_string(),
        "item 4 \"conv8k5\": its 5×5 window does not fit the 4×4 input"
    );

    // With padding 1 it fits (4 + 2 − 5 = 1 ≥ 0): output 2×2.
    let spec = ModelSpec::parse("conv4k5,relu,pool2,conv8k5p1,relu,dense10", input).unwrap();
    assert_eq!(spec.shapes().unwrap()[3], Shape::image(8, 2, 2));

    // A pooling window, and the message with padding.
    let err = ModelSpec::parse("pool3,dense2", Shape::image(1, 2, 5)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "item 1 \"pool3\": its 3×3 window does not fit the 2×5 input"
    );
    let err = ModelSpec::parse("conv1k9p2,dense2", Shape::image(1, 4, 4)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "item 1 \"conv1k9p2\": its 9×9 window does not fit the 4×4 input padded by 2 on each side"
    );

    // Built from a spec value, the same check returns (try) or panics (from_spec).
    let bad = ModelSpec {
        input,
        layers: vec![
            LayerSpec::Conv2d {
                filters: 2,
                kernel: 13,
                stride: 1,
                padding: 0,
            },
            LayerSpec::Dense { units: 2 },
        ],
    };
    assert!(matches!(
        Sequential::<f32>::try_from_spec(&bad, 0),
        Err(SpecError::DoesNotFit {
            position: 1,
            kernel: 13,
            height: 12,
            ..
        })
    ));
    let panic = std::panic::catch_unwind(|| Sequential::<f32>::from_spec(&bad, 0));
    assert!(panic.is_err());
}

#[test]
fn conv_and_pool_syntax_errors() {
    let input = Shape::image(1, 28, 28);
    for (text, position) in [
        ("conv8,dense10", 1),
        ("conv8k,dense10", 1),
        ("relu,conv0k3,dense10", 2),
        ("conv8k0,dense10", 1),
        ("conv8k3s0,dense10", 1),
        ("conv8k3p1s1,dense10", 1),
        ("conv8k3x,dense10", 1),
    ] {
        assert_eq!(
            ModelSpec::parse(text, input),
            Err(SpecError::BadConv {
                position,
                item: text.split(',').nth(position - 1).unwrap().to_string()
            }),
            "{text}"
        );
    }
    for text in [
        "pool,dense2",
        "pool0,dense2",
        "pool2s0,dense2",
        "pool2p1,dense2",
    ] {
        assert!(
            matches!(
                ModelSpec::parse(text, input),
                Err(SpecError::BadPool { position: 1, .. })
            ),
            "{text}"
        );
    }
    let err = ModelSpec::parse("conv8k,dense10", input).unwrap_err();
    assert_eq!(
        err.to_string(),
        "item 1 \"conv8k\": write a conv layer as conv<filters>k<kernel>[s<stride>][p<padding>] with positive filters, kernel and stride, e.g. conv8k3 or conv16k5s1p2"
    );
    assert!(!err.to_string().contains('\n'));
    assert_eq!(ModelSpec::parse("conv8k3", input), Err(SpecError::NoDense));
}

#[test]
fn conv_on_both_sides_of_the_small_matrix_threshold() {
    // Backward takes a strided-view product when C·k·k > 5 and O > 5 (the
    // matrixmultiply path of nalgebra) and `gemm_tr` otherwise: check both,
    // including the edge values 5 and 6.
    for (i, &(c, o, k)) in [(2, 6, 3), (6, 6, 1), (5, 6, 1), (6, 5, 1), (3, 8, 2)]
        .iter()
        .enumerate()
    {
        let seed = 40 + 10 * i as u64;
        let mut layer = conv(c, o, k, 1, 1, Shape::image(c, 4, 5), seed);
        check_conv(&mut layer, 3, seed + 1);
    }
}
