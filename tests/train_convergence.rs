//! Convergence with fixed seeds: the engine, data and session together reach real numbers.

use std::sync::Arc;

use gradscope::data::{Dataset, Labels, SynthConfig, SynthKind, Task, generate, iris};
use gradscope::nn::{ActivationKind, OptimizerConfig, OptimizerKind};
use gradscope::train::{HiddenLayer, Session, SplitMetrics, StepOutcome, TrainConfig};

fn config(
    hidden: &[usize],
    activation: ActivationKind,
    kind: OptimizerKind,
    lr: f64,
) -> TrainConfig {
    TrainConfig {
        conv: Vec::new(),
        hidden: hidden
            .iter()
            .map(|&units| HiddenLayer { units, activation })
            .collect(),
        optimizer: OptimizerConfig {
            kind,
            learning_rate: lr,
            ..OptimizerConfig::default()
        },
        batch_size: 32,
        ..TrainConfig::default()
    }
}

/// Trains for `epochs` epochs (panics on divergence) and returns (train, test) metrics.
fn train(
    data: Dataset,
    mut config: TrainConfig,
    epochs: u64,
) -> (Session, SplitMetrics, Option<SplitMetrics>) {
    config.epochs = epochs;
    let mut session = Session::new(Arc::new(data), config).expect("a session");
    while !session.finished() {
        if let StepOutcome::Diverged { step } = session.step() {
            panic!("diverged at step {step}");
        }
    }
    let (train, test) = session.evaluate_both();
    (session, train.expect("train metrics"), test)
}

#[test]
fn xor_four_points_reach_100_percent() {
    let rows = vec![
        vec![0.0, 0.0],
        vec![0.0, 1.0],
        vec![1.0, 0.0],
        vec![1.0, 1.0],
    ];
    let data = Dataset::from_rows(
        "xor4",
        vec!["a".into(), "b".into()],
        rows,
        Labels::Classes(vec![0, 1, 1, 0]),
        Task::Classification {
            class_names: vec!["0".into(), "1".into()],
        },
        1.0,
        1,
        false,
    )
    .expect("four points");
    let mut cfg = config(&[8], ActivationKind::Tanh, OptimizerKind::Adam, 0.05);
    cfg.batch_size = 4;
    let (_, train, _) = train(data, cfg, 500);
    assert_eq!(train.accuracy, Some(1.0));
    assert!(train.loss < 0.01, "loss {}", train.loss);
}

#[test]
fn spiral_2_16_16_2_tanh_adam_reaches_95_percent_test_accuracy() {
    let mut data_config = SynthConfig::new(SynthKind::Spiral);
    data_config.seed = 1;
    let cfg = config(&[16, 16], ActivationKind::Tanh, OptimizerKind::Adam, 0.01);
    let (_, train, test) = train(generate(&data_config), cfg, 300);
    let test = test.expect("a test split");
    assert!(train.accuracy.unwrap_or(0.0) >= 0.95, "train {train:?}");
    assert!(test.accuracy.unwrap_or(0.0) >= 0.95, "test {test:?}");
}

#[test]
fn iris_reaches_93_percent_test_accuracy() {
    let data = iris(0.7, 1).expect("bundled iris");
    assert_eq!(data.test.len(), 45);
    let cfg = config(&[8], ActivationKind::Tanh, OptimizerKind::Adam, 0.01);
    let (_, _, test) = train(data, cfg, 200);
    let accuracy = test.and_then(|m| m.accuracy).unwrap_or(0.0);
    assert!(accuracy >= 0.93, "test accuracy {accuracy}");
}

#[test]
fn line_regression_matches_the_least_squares_solution() {
    let data = generate(&SynthConfig::new(SynthKind::Line));
    // Closed-form least squares on the training split: w = cov(x, y) / var(x), b = ȳ − w·x̄.
    let Labels::Values(ys) = &data.train.labels else {
        panic!("regression expected")
    };
    let n = data.train.len() as f64;
    let xs: Vec<f64> = (0..data.train.len())
        .map(|i| f64::from(data.train.row(i)[0]))
        .collect();
    let ys: Vec<f64> = ys.iter().map(|&y| f64::from(y)).collect();
    let mean_x = xs.iter().sum::<f64>() / n;
    let mean_y = ys.iter().sum::<f64>() / n;
    let cov: f64 = xs
        .iter()
        .zip(&ys)
        .map(|(x, y)| (x - mean_x) * (y - mean_y))
        .sum();
    let var: f64 = xs.iter().map(|x| (x - mean_x).powi(2)).sum();
    let w_star = cov / var;
    let b_star = mean_y - w_star * mean_x;
    assert!((w_star - 3.0).abs() < 0.5 && (b_star - 2.5).abs() < 0.5);

    // ŷ = w·x + b (no hidden layer), full-batch gradient descent with α = 0.5 < 2/λmax ≈ 0.8.
    let mut cfg = config(&[], ActivationKind::Linear, OptimizerKind::Sgd, 0.5);
    cfg.batch_size = 1000;
    let (session, _, _) = train(data, cfg, 2000);
    let dense = session.model().dense_layers();
    let (_, layer) = dense.first().expect("one Dense layer");
    let w = f64::from(layer.weight[(0, 0)]);
    let b = f64::from(layer.bias[(0, 0)]);
    assert!((w - w_star).abs() < 1e-2, "w = {w}, least squares {w_star}");
    assert!((b - b_star).abs() < 1e-2, "b = {b}, least squares {b_star}");
}

#[test]
fn small_cnn_reaches_90_percent_on_bundled_mnist_after_one_epoch() {
    let data = gradscope::data::mnist_bundled().expect("bundled MNIST");
    assert_eq!((data.train.len(), data.test.len()), (8000, 2000));
    let (session, _, test) = train(data, TrainConfig::small_cnn(), 1);
    assert_eq!(session.step_count(), 125, "8 000 digits in batches of 64");
    let accuracy = test.and_then(|m| m.accuracy).unwrap_or(0.0);
    assert!(
        accuracy >= 0.90,
        "test accuracy after one epoch: {accuracy}"
    );
}

#[test]
fn unstandardised_steep_line_diverges_with_the_message_and_keeps_finite_weights() {
    use gradscope::data::{CsvOptions, ImportSettings, build_dataset, read_table};
    // x = 0..99, y = 2x + 1, no standardisation, α = 0.5: λmax of (2/N)·XᵀX is about 6 700,
    // far above 2/α = 4, so plain gradient descent blows up.
    let mut text = String::from("x,y\n");
    for x in 0..100 {
        text.push_str(&format!("{x},{}\n", 2 * x + 1));
    }
    let options = CsvOptions {
        delimiter: b',',
        has_header: true,
        decimal_comma: false,
    };
    let table = read_table("steep.csv", text.as_bytes(), &options).expect("table");
    let mut settings = ImportSettings::guess(&table, options);
    settings.standardize = false;
    settings.train_ratio = 1.0;
    let data = build_dataset("steep", "steep.csv", &table, &settings).expect("data");
    assert!(!data.is_classification());
    let mut cfg = config(&[], ActivationKind::Linear, OptimizerKind::Sgd, 0.5);
    cfg.batch_size = 100;
    let mut session = Session::new(Arc::new(data), cfg).expect("session");
    let weights = |session: &Session| -> Vec<f32> {
        session
            .model()
            .dense_layers()
            .iter()
            .flat_map(|(_, d)| d.weight.iter().chain(d.bias.iter()).copied())
            .collect()
    };
    let (step, before) = loop {
        let before = weights(&session);
        match session.step() {
            StepOutcome::Trained { step, .. } => assert!(step < 1000, "no divergence"),
            StepOutcome::Diverged { step } => break (step, before),
        }
    };
    assert_eq!(
        gradscope::nn::divergence_message(step),
        format!("diverged at step {step}: lower the learning rate or normalise the inputs")
    );
    assert_eq!(session.step_count(), step - 1);
    let after = weights(&session);
    assert_eq!(before, after, "the weights before the failed step are kept");
    assert!(after.iter().all(|w| w.is_finite()));
}
