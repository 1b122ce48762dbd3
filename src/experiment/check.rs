//! The range checks of an experiment file's values, field by field: layer counts and sizes
//! within the window's limits, optimizer constants, data set sizes and ratios, loss-history
//! step counts. Each returns the first wrong field as `(path, message)`; the caller names the
//! file (and the line and column when it has the text).

use super::file::{DatasetRef, MAX_SYNTH_SAMPLES};
use super::metrics::History;
use crate::nn::OptimizerKind;
use crate::train::{MAX_HIDDEN_LAYERS, MAX_UNITS, TrainConfig};

/// An invalid value: (field path, message).
pub(super) type Invalid = (String, String);

/// Hidden layers and conv blocks within the window's limits.
pub(super) fn check_layers(train: &TrainConfig) -> Result<(), Invalid> {
    if train.hidden.len() > MAX_HIDDEN_LAYERS {
        return Err((
            "train.hidden".into(),
            format!(
                "{} layers, at most {MAX_HIDDEN_LAYERS} are allowed",
                train.hidden.len()
            ),
        ));
    }
    for (i, layer) in train.hidden.iter().enumerate() {
        if !(1..=MAX_UNITS).contains(&layer.units) {
            return Err((
                format!("train.hidden[{i}].units"),
                format!("{} is outside 1 to {MAX_UNITS}", layer.units),
            ));
        }
    }
    if train.conv.len() > MAX_HIDDEN_LAYERS {
        return Err((
            "train.conv".into(),
            format!(
                "{} blocks, at most {MAX_HIDDEN_LAYERS} are allowed",
                train.conv.len()
            ),
        ));
    }
    for (i, block) in train.conv.iter().enumerate() {
        let checks = [
            ("filters", block.filters, 1, MAX_UNITS),
            ("kernel", block.kernel, 1, 32),
            ("pool", block.pool, 0, 32),
        ];
        for (name, value, low, high) in checks {
            if !(low..=high).contains(&value) {
                return Err((
                    format!("train.conv[{i}].{name}"),
                    format!("{value} is outside {low} to {high}"),
                ));
            }
        }
    }
    Ok(())
}

/// A learning rate above 0 and finite in f32, an L2 λ ≥ 0, the optimizer constants the rule
/// uses in range (μ for Momentum and Nesterov, ρ for RMSProp, β1, β2 and ε for Adam), a batch
/// size ≥ 1.
pub(super) fn check_optimizer(train: &TrainConfig) -> Result<(), Invalid> {
    let optimizer = &train.optimizer;
    if !(optimizer.learning_rate.is_finite() && optimizer.learning_rate > 0.0) {
        return Err((
            "train.optimizer.learning_rate".into(),
            format!("{} is not a positive number", optimizer.learning_rate),
        ));
    }
    // Trained in f32: 1e300 became infinite and "diverged at step 1" (the command line's
    // --lr says so first).
    let in_f32 = optimizer.learning_rate as f32;
    if !(in_f32.is_finite() && in_f32 > 0.0) {
        return Err((
            "train.optimizer.learning_rate".into(),
            format!(
                "{:e} is 0 or infinite in f32, the weights' type: give a learning rate from \
                 1e-38 to 1e38",
                optimizer.learning_rate
            ),
        ));
    }
    if !(train.l2.is_finite() && train.l2 >= 0.0) {
        return Err((
            "train.l2".into(),
            format!("{} is not a number ≥ 0", train.l2),
        ));
    }
    let unit = |v: f64| (0.0..1.0).contains(&v);
    let constants = [
        (
            "momentum",
            optimizer.momentum,
            matches!(
                optimizer.kind,
                OptimizerKind::Momentum | OptimizerKind::Nesterov
            ),
        ),
        (
            "rho",
            optimizer.rho,
            optimizer.kind == OptimizerKind::RmsProp,
        ),
        (
            "beta1",
            optimizer.beta1,
            optimizer.kind == OptimizerKind::Adam,
        ),
        (
            "beta2",
            optimizer.beta2,
            optimizer.kind == OptimizerKind::Adam,
        ),
    ];
    for (name, value, used) in constants {
        if used && !unit(value) {
            return Err((
                format!("train.optimizer.{name}"),
                format!("{value} is outside [0, 1)"),
            ));
        }
    }
    if optimizer.kind == OptimizerKind::Adam
        && !(optimizer.epsilon.is_finite() && optimizer.epsilon > 0.0)
    {
        return Err((
            "train.optimizer.epsilon".into(),
            format!("{} is not a positive number", optimizer.epsilon),
        ));
    }
    if train.batch_size == 0 {
        return Err(("train.batch_size".into(), "must be at least 1".into()));
    }
    Ok(())
}

/// Sample counts, noise and train ratios in range.
pub(super) fn check_dataset(dataset: &DatasetRef) -> Result<(), Invalid> {
    let ratio_ok = |r: f32| r > 0.0 && r <= 1.0;
    match dataset {
        DatasetRef::Synth(config) => {
            if !(1..=MAX_SYNTH_SAMPLES).contains(&config.samples) {
                return Err((
                    "dataset.synth.samples".into(),
                    format!("{} is outside 1 to {MAX_SYNTH_SAMPLES}", config.samples),
                ));
            }
            if !(config.noise.is_finite() && (0.0..=1.0).contains(&config.noise)) {
                return Err((
                    "dataset.synth.noise".into(),
                    format!("{} is outside 0 to 1", config.noise),
                ));
            }
            if !ratio_ok(config.train_ratio) {
                return Err((
                    "dataset.synth.train_ratio".into(),
                    format!("{} is outside (0, 1]", config.train_ratio),
                ));
            }
        }
        DatasetRef::Iris { train_ratio, .. } if !ratio_ok(*train_ratio) => {
            return Err((
                "dataset.iris.train_ratio".into(),
                format!("{train_ratio} is outside (0, 1]"),
            ));
        }
        DatasetRef::File { import, .. } => {
            if let Err((field, message)) = import.check() {
                return Err((format!("dataset.file.import.{field}"), message));
            }
        }
        DatasetRef::Iris { .. } | DatasetRef::Mnist => {}
    }
    Ok(())
}

/// Loss history step counts far from overflowing when buckets merge.
pub(super) fn check_history(history: Option<&History>) -> Result<(), Invalid> {
    let Some(history) = history else {
        return Ok(());
    };
    const MAX_STEPS: u64 = 1 << 48;
    let mut total = 0u64;
    for (i, point) in history.losses.iter().enumerate() {
        total = total.saturating_add(point.steps);
        if point.steps == 0 || point.step > MAX_STEPS || total > MAX_STEPS {
            return Err((
                format!("history.losses[{i}]"),
                format!(
                    "step {} with {} steps is outside 1 to {MAX_STEPS} steps in all",
                    point.step, point.steps
                ),
            ));
        }
    }
    Ok(())
}
