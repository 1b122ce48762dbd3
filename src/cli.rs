//! The command line: `gradscope` opens the window; `gradscope train …` trains headless with the
//! same engine and session code.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};
use serde::Serialize;

use crate::data::{Dataset, SynthConfig, SynthKind, iris, load_csv};
use crate::nn::{ActivationKind, OptimizerConfig, OptimizerKind};
use crate::train::{HiddenLayer, MAX_UNITS, Session, StepOutcome, TrainConfig, divergence_message};

/// gradscope: watch neural networks learn.
#[derive(Parser, Debug)]
#[command(name = "gradscope", version, about)]
pub struct Cli {
    /// Headless commands; without one, the window opens.
    #[command(subcommand)]
    pub command: Option<CliCommand>,
    /// Options of the window.
    #[command(flatten)]
    pub window: WindowArgs,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum CliCommand {
    /// Train without a window; progress on stderr, `--json` prints a final JSON line on stdout.
    Train(TrainArgs),
}

/// Options of the window.
#[derive(Args, Debug, Default)]
pub struct WindowArgs {
    /// Save a PNG of the window after `--quit-after` seconds, then quit.
    #[arg(long, value_name = "FILE")]
    pub screenshot: Option<PathBuf>,
    /// Seconds to wait before the screenshot (default 3).
    #[arg(long, value_name = "SECONDS", default_value_t = 3.0)]
    pub quit_after: f32,
    /// Start paused instead of training at once.
    #[arg(long)]
    pub paused: bool,
    /// Start with this built-in data set (circle xor gaussians spiral moons line iris).
    #[arg(long, value_name = "NAME")]
    pub dataset: Option<String>,
    /// Start with this CSV file (header row, comma separated); needs `--label`.
    #[arg(long, value_name = "FILE", requires = "label")]
    pub data: Option<PathBuf>,
    /// Label column of `--data`: a header name or a 0-based index.
    #[arg(long, value_name = "COLUMN")]
    pub label: Option<String>,
}

/// Options of `gradscope train`.
#[derive(Args, Debug, Clone)]
pub struct TrainArgs {
    /// Built-in data set: circle xor gaussians spiral moons line iris.
    #[arg(long, default_value = "spiral", conflicts_with = "data")]
    pub dataset: String,
    /// CSV file to train on (header row, comma separated) instead of a built-in set.
    #[arg(long, value_name = "FILE", requires = "label")]
    pub data: Option<PathBuf>,
    /// Label column of `--data`: a header name or a 0-based index.
    #[arg(long, value_name = "COLUMN")]
    pub label: Option<String>,
    /// Hidden layer sizes, comma separated, e.g. 16,16 (empty for none).
    #[arg(long, default_value = "16,16")]
    pub hidden: String,
    /// Activation of every hidden layer: sigmoid tanh relu leakyrelu linear.
    #[arg(long, default_value = "tanh")]
    pub activation: String,
    /// Optimizer: sgd momentum adam.
    #[arg(long, default_value = "adam")]
    pub optimizer: String,
    /// Learning rate (> 0).
    #[arg(long, default_value_t = 0.01, allow_negative_numbers = true)]
    pub lr: f64,
    /// Samples per step.
    #[arg(long, default_value_t = 32)]
    pub batch: usize,
    /// Epochs to train (≥ 1).
    #[arg(long, default_value_t = 100)]
    pub epochs: u64,
    /// Seed of the data, the initial weights and the batch order.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Share of the samples used for training (0 < r ≤ 1); default: the data set's own.
    #[arg(long)]
    pub train_ratio: Option<f32>,
    /// Print one JSON line with the final metrics on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Final metrics of a headless run (the `--json` line).
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct TrainReport {
    /// Data set name.
    pub dataset: String,
    /// Model in text form, e.g. "dense16,tanh,dense16,tanh,dense2".
    pub model: String,
    /// Mean loss on the training split.
    pub train_loss: f64,
    /// Mean loss on the test split (`null` if it is empty).
    pub test_loss: Option<f64>,
    /// Accuracy on the training split, 0–1 (`null` for regression).
    pub train_accuracy: Option<f64>,
    /// Accuracy on the test split, 0–1 (`null` for regression or an empty test split).
    pub test_accuracy: Option<f64>,
    /// Completed epochs.
    pub epochs: u64,
    /// Steps taken.
    pub steps: u64,
    /// Wall-clock training time in seconds (excluding data loading).
    pub seconds: f64,
    /// `null`, or "diverged at step N: …" when training stopped on a non-finite loss.
    pub diverged: Option<String>,
}

/// Parses `--hidden 16,16` with one activation for all layers.
///
/// # Errors
/// A one-line reason naming the bad item.
pub fn parse_hidden(text: &str, activation: ActivationKind) -> Result<Vec<HiddenLayer>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| match item.parse::<usize>() {
            Ok(units) if (1..=MAX_UNITS).contains(&units) => Ok(HiddenLayer { units, activation }),
            _ => Err(format!(
                "--hidden: '{item}' is not a layer size from 1 to {MAX_UNITS}"
            )),
        })
        .collect()
}

/// Builds a built-in data set by name.
///
/// # Errors
/// Unknown names list the known ones.
pub fn builtin_dataset(name: &str, seed: u64, train_ratio: Option<f32>) -> Result<Dataset, String> {
    if name.eq_ignore_ascii_case("iris") {
        return iris(train_ratio.unwrap_or(0.7), seed).map_err(|e| e.to_string());
    }
    let kind = SynthKind::parse(name).ok_or_else(|| {
        format!("--dataset: unknown data set '{name}' (known: circle xor gaussians spiral moons line iris)")
    })?;
    let mut config = SynthConfig::new(kind);
    config.seed = seed;
    if let Some(ratio) = train_ratio {
        config.train_ratio = ratio;
    }
    Ok(crate::data::generate(&config))
}

/// Checks the arguments and builds the data and the configuration.
///
/// # Errors
/// A one-line reason for the first invalid argument or a data file that cannot be read.
pub fn prepare(args: &TrainArgs) -> Result<(Arc<Dataset>, TrainConfig), String> {
    let activation = ActivationKind::parse(&args.activation).ok_or_else(|| {
        format!(
            "--activation: unknown activation '{}' (known: sigmoid tanh relu leakyrelu linear)",
            args.activation
        )
    })?;
    let optimizer = OptimizerKind::parse(&args.optimizer).ok_or_else(|| {
        format!(
            "--optimizer: unknown optimizer '{}' (known: sgd momentum adam)",
            args.optimizer
        )
    })?;
    if !(args.lr.is_finite() && args.lr > 0.0) {
        return Err(format!(
            "--lr: the learning rate must be a positive number, got {}",
            args.lr
        ));
    }
    if args.batch == 0 {
        return Err("--batch: the batch size must be at least 1".to_string());
    }
    if args.epochs == 0 {
        return Err("--epochs: train for at least 1 epoch".to_string());
    }
    if let Some(ratio) = args.train_ratio
        && !(ratio > 0.0 && ratio <= 1.0)
    {
        return Err(format!("--train-ratio: must be in (0, 1], got {ratio}"));
    }
    let hidden = parse_hidden(&args.hidden, activation)?;
    let data = match &args.data {
        Some(path) => load_csv(
            path,
            args.label.as_deref().unwrap_or_default(),
            args.train_ratio.unwrap_or(0.8),
            args.seed,
        )
        .map_err(|e| e.to_string())?,
        None => builtin_dataset(&args.dataset, args.seed, args.train_ratio)?,
    };
    let config = TrainConfig {
        hidden,
        optimizer: OptimizerConfig {
            kind: optimizer,
            learning_rate: args.lr,
            ..OptimizerConfig::default()
        },
        batch_size: args.batch,
        epochs: args.epochs,
        seed: args.seed,
    };
    Ok((Arc::new(data), config))
}

/// Trains to the epoch limit (or the first non-finite loss) and evaluates.
/// `progress` receives one line per ~second of training and one at the end.
///
/// # Errors
/// A one-line reason when the session cannot start.
pub fn run_training(
    data: Arc<Dataset>,
    config: TrainConfig,
    mut progress: impl FnMut(&str),
) -> Result<TrainReport, String> {
    let name = data.name.clone();
    let epochs = config.epochs;
    let mut session = Session::new(data, config)?;
    let model = session.model().spec().to_text();
    let start = Instant::now();
    let mut last_report = Instant::now();
    let mut diverged = None;
    while !session.finished() {
        match session.step() {
            StepOutcome::Trained { loss, .. } => {
                if last_report.elapsed().as_secs_f64() >= 1.0 {
                    last_report = Instant::now();
                    progress(&format!(
                        "epoch {}/{epochs}  step {}  loss {loss:.4}",
                        session.epoch(),
                        session.step_count()
                    ));
                }
            }
            StepOutcome::Diverged { step } => {
                diverged = Some(divergence_message(step));
                break;
            }
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let (train, test) = session.evaluate_both();
    let train = train.ok_or_else(|| "the training split is empty".to_string())?;
    let report = TrainReport {
        dataset: name,
        model,
        train_loss: train.loss,
        test_loss: test.map(|m| m.loss),
        train_accuracy: train.accuracy,
        test_accuracy: test.and_then(|m| m.accuracy),
        epochs: session.epoch(),
        steps: session.step_count(),
        seconds,
        diverged,
    };
    let accuracy = |a: Option<f64>| a.map_or(String::new(), |a| format!(" ({:.1} %)", a * 100.0));
    progress(&format!(
        "done: {} epochs, {} steps in {:.2} s; train loss {:.4}{}; test loss {}{}",
        report.epochs,
        report.steps,
        report.seconds,
        report.train_loss,
        accuracy(report.train_accuracy),
        report
            .test_loss
            .map_or("–".to_string(), |l| format!("{l:.4}")),
        accuracy(report.test_accuracy),
    ));
    if let Some(message) = &report.diverged {
        progress(message);
    }
    Ok(report)
}
