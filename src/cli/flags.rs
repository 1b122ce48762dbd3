//! `train`'s model flags checked one by one, the output paths checked before training, and the
//! weights a run starts from.

use nalgebra::DMatrix;

use std::path::PathBuf;

use super::{TrainArgs, parse_hidden};
use crate::experiment::{Experiment, load_safetensors};
use crate::nn::{ActivationKind, ModelSpec, OptimizerKind};
use crate::train::HiddenLayer;

/// `train`'s model flags, checked (`None`: not given).
pub(super) struct ModelFlags {
    /// `--activation`.
    pub activation: Option<ActivationKind>,
    /// `--optimizer`.
    pub optimizer: Option<OptimizerKind>,
    /// `--hidden`.
    pub hidden: Option<Vec<HiddenLayer>>,
}

/// The model flags of `train`, checked: `--activation`, `--optimizer`, `--hidden`, and the
/// ranges of `--lr`, `--batch`, `--epochs`, `--train-ratio` and the output paths.
///
/// # Errors
/// One line naming the flag.
pub(super) fn parse_flags(args: &TrainArgs) -> Result<ModelFlags, String> {
    let activation = args
        .activation
        .as_deref()
        .map(|name| {
            ActivationKind::parse(name).ok_or_else(|| {
                format!(
                    "--activation: unknown activation '{name}' (known: sigmoid tanh relu leakyrelu linear)"
                )
            })
        })
        .transpose()?;
    // The weights are f32: a rate that rounds to 0 (or infinity) in f32 would train nothing.
    if let Some(lr) = args.lr
        && !(lr.is_finite() && lr > 0.0 && (lr as f32) > 0.0 && (lr as f32).is_finite())
    {
        return Err(if lr.is_finite() && lr > 0.0 {
            format!(
                "--lr: {lr:e} is 0 or infinite in f32, the weights' type: give a learning \
                 rate from 1e-38 to 1e38"
            )
        } else {
            format!("--lr: the learning rate must be a positive number, got {lr}")
        });
    }
    if args.batch == Some(0) {
        return Err("--batch: the batch size must be at least 1".to_string());
    }
    if args.epochs == Some(0) && args.load_weights.is_none() && !args.resume {
        return Err(
            "--epochs: train for at least 1 epoch (0 only evaluates the weights of \
             --load-weights or --resume)"
                .to_string(),
        );
    }
    if let Some(ratio) = args.train_ratio
        && !(ratio > 0.0 && ratio <= 1.0)
    {
        return Err(format!("--train-ratio: must be in (0, 1], got {ratio}"));
    }
    check_output("--save", args.save.as_ref())?;
    check_output("--weights", args.weights.as_ref())?;
    check_output("--metrics", args.metrics.as_ref())?;
    let optimizer = args
        .optimizer
        .as_deref()
        .map(|name| {
            OptimizerKind::parse(name).ok_or_else(|| {
                format!("--optimizer: unknown optimizer '{name}' (known: sgd momentum nesterov rmsprop adam)")
            })
        })
        .transpose()?;
    let hidden = args
        .hidden
        .as_deref()
        .map(|text| parse_hidden(text, activation.unwrap_or(ActivationKind::Tanh)))
        .transpose()?;
    Ok(ModelFlags {
        activation,
        optimizer,
        hidden,
    })
}

/// The starting weights: `--load-weights`, or the experiment's with `--resume`.
///
/// # Errors
/// An unreadable or mismatched weights file, or `--resume` on a file without weights.
pub(super) fn initial_params(
    args: &TrainArgs,
    base: Option<&Experiment>,
    spec: &ModelSpec,
) -> Result<Option<Vec<DMatrix<f32>>>, String> {
    Ok(match (&args.load_weights, base) {
        (Some(path), _) => Some(load_safetensors(path, spec).map_err(|e| e.to_string())?),
        (None, Some(base)) if args.resume => {
            let Some(weights) = &base.weights else {
                return Err(format!(
                    "--resume: {} holds no weights",
                    args.config
                        .as_deref()
                        .map_or_else(String::new, |p| p.display().to_string())
                ));
            };
            let file = args
                .config
                .as_deref()
                .map_or_else(String::new, |p| p.display().to_string());
            Some(weights.params(spec, &file).map_err(|e| e.to_string())?)
        }
        _ => None,
    })
}

/// Checks that the folder a `flag` output goes to exists and that the path is not itself a
/// folder, so no training is wasted.
fn check_output(flag: &str, path: Option<&PathBuf>) -> Result<(), String> {
    if let Some(path) = path {
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
        if folder.is_some_and(|folder| !folder.is_dir()) {
            return Err(format!(
                "{flag} {}: the folder does not exist",
                path.display()
            ));
        }
        // Checked before training: found only when saving, it lost the run.
        if path.is_dir() {
            return Err(format!(
                "{flag} {}: this is a folder; give the name of a file to write",
                path.display()
            ));
        }
    }
    Ok(())
}
