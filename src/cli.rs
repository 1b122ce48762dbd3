//! The command line: `gradscope` opens the window; `gradscope train …` trains headless with the
//! same engine and session code.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::error::ErrorKind;
use clap::{Args, Parser, Subcommand};
use nalgebra::DMatrix;
use serde::Serialize;

mod bench_ui;
mod data_flags;
mod export;
mod flags;
mod inspect;
mod progress;
pub mod stdout;
mod sweep;
mod training;

pub use data_flags::builtin_dataset;
use flags::{initial_params, parse_flags};

pub use bench_ui::{BenchUiArgs, bench_plan};
pub use export::{ExportArgs, export_command};
pub use inspect::{IMPORT_HELP, InspectArgs, inspect, inspection_json};
pub use progress::{PlainLines, StepStatus, TerminalBar, TrainProgress, clock, stderr_progress};
pub use sweep::{
    Sweep, SweepArgs, SweepRun, SweepSetting, SweepValue, parse_sweep, sweep_command, sweep_table,
};
pub use training::{blocks_from_spec, run_training, train_session, train_session_after};

use crate::data::{BadNumbers, Dataset, ImportReport};
use crate::experiment::{
    DatasetRef, Experiment, History, Preprocessing, ResumeState, SavedWeights,
    save_safetensors_with, write_metrics_csv,
};
use crate::nn::{ActivationKind, LayerSpec, ModelSpec, Shape};
use crate::train::{
    ConvBlock, EVAL_CHUNK, EvalRecord, HiddenLayer, LossHistory, MAX_HIDDEN_LAYERS, MAX_UNITS,
    Session, StepOutcome, TrainConfig, overflowing_target,
};

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
    Train(Box<TrainArgs>),
    /// Print what the import wizard understands of a file or folder as one JSON object.
    Inspect(InspectArgs),
    /// Hopfield memory: recall a stored pattern from a noisy cue; `memory capacity` sweeps P.
    Memory(Box<crate::memory::cli::MemoryArgs>),
    /// Open the window and measure its frame times and memory in each view while training
    /// runs at full speed (needs a display; under Xvfb at 1280×800 for the README's table).
    BenchUi(bench_ui::BenchUiArgs),
    /// Write an experiment's model.safetensors, split.json and a PyTorch train.py (same data,
    /// preprocessing, split, model, loss and optimizer) into OUT_DIR.
    ExportPytorch(ExportArgs),
}

/// Options of the window.
#[derive(Args, Debug, Default)]
pub struct WindowArgs {
    /// Save a PNG of the window after `--quit-after` seconds (default 3), then quit.
    #[arg(long, value_parser = parse_path, value_name = "FILE.png")]
    pub screenshot: Option<PathBuf>,
    /// Quit after this many seconds (taking the screenshot first, if one is asked for).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub quit_after: Option<f32>,
    /// Start paused instead of training at once.
    #[arg(long)]
    pub paused: bool,
    /// Start with this built-in data set (circle xor xor4 gaussians spiral moons line iris mnist).
    #[arg(long, value_name = "NAME", conflicts_with = "data")]
    pub dataset: Option<String>,
    /// Start with this CSV/TSV file (also .gz), IDX file, MNIST folder or folder of class
    /// sub-folders of images.
    #[arg(long, value_parser = parse_path, value_name = "FILE_OR_DIR")]
    pub data: Option<PathBuf>,
    /// Label column of a CSV `--data`: a header name or a 0-based index (default: the last).
    #[arg(long, value_name = "COLUMN", allow_hyphen_values = true)]
    pub label: Option<String>,
    /// A CSV column of numbers with a few cells that are not numbers: refuse (default),
    /// missing (treat those cells as missing) or exclude (leave the column out).
    #[arg(long, value_name = "POLICY", value_parser = inspect::parse_bad_numbers)]
    pub bad_numbers: Option<BadNumbers>,
    /// Open this file or folder in the import wizard at start (while the default trains).
    #[arg(long, value_parser = parse_path, value_name = "FILE_OR_DIR", conflicts_with = "data")]
    pub open: Option<PathBuf>,
    /// Open this experiment or lesson file (JSON, see "Save & open…") at start. `--config`
    /// works too, as in `gradscope train --config`.
    #[arg(
        long,
        value_parser = parse_path,
        alias = "config",
        value_name = "FILE.json",
        conflicts_with_all = ["data", "dataset"]
    )]
    pub experiment: Option<PathBuf>,
    /// Start on a teaching preset, paused at step 0: xor, zero-init, deep-sigmoid,
    /// large-weights, overfitting, dead-relu, saturated-tanh.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["data", "dataset", "experiment"])]
    pub preset: Option<String>,
    /// Start in presentation mode (zoomed, high contrast, advanced controls hidden; F toggles).
    #[arg(long)]
    pub present: bool,
    /// Ignore the settings and window size remembered from the last launch (open at 1280×800;
    /// they are still saved on exit).
    #[arg(long)]
    pub fresh: bool,
    /// Start in this view: lab (the network trainer, default), lesson (gradient descent on
    /// linear regression), race (the optimizer race) or memory (the Hopfield memory).
    #[arg(long, value_name = "VIEW")]
    pub mode: Option<String>,
}

/// Options of `gradscope train`.
///
/// With `--config`, the experiment file gives the data, the model and the training settings,
/// and these flags, when given, override it: `--dataset`/`--data`/`--label` (replace its
/// data set), `--train-ratio` (its split), `--model`, `--hidden`, `--activation`,
/// `--optimizer`, `--lr`, `--batch`, `--epochs` and `--seed` (the seed of the weights and
/// batch order only; the data set keeps its own).
#[derive(Args, Debug, Clone)]
#[command(after_long_help = IMPORT_HELP)]
pub struct TrainArgs {
    /// Experiment file (JSON) to train from. Flags given as well override its values:
    /// --dataset/--data/--label replace its data set, --train-ratio its split, --model,
    /// --hidden, --activation, --optimizer, --lr, --batch, --epochs its training settings, and
    /// --seed the seed of the weights and batch order (the data keeps its own). Training starts
    /// from the seed unless --resume or --load-weights is given.
    #[arg(long, value_parser = parse_path, value_name = "FILE.json")]
    pub config: Option<PathBuf>,
    /// Built-in data set: circle xor xor4 gaussians spiral moons line iris mnist (default spiral).
    #[arg(long, conflicts_with = "data")]
    pub dataset: Option<String>,
    /// Your own data instead of a built-in set: a CSV/TSV file (also .gz; the label is the last
    /// column unless --label names another), one file of an IDX pair, a folder with the four
    /// MNIST IDX files, or a folder of class sub-folders of images.
    #[arg(long, value_parser = parse_path, value_name = "FILE_OR_DIR")]
    pub data: Option<PathBuf>,
    /// A CSV column of numbers with a few cells that are not numbers: refuse (default),
    /// missing (treat those cells as missing) or exclude (leave the column out).
    #[arg(long, value_name = "POLICY", value_parser = inspect::parse_bad_numbers)]
    pub bad_numbers: Option<BadNumbers>,
    /// The whole model as text, e.g. conv8k3,relu,pool2,conv16k3,relu,pool2,dense10 (overrides
    /// --hidden/--activation; the last Dense must have one unit per class).
    #[arg(long, value_name = "SPEC")]
    pub model: Option<String>,
    /// Label column of a CSV `--data`: a header name or a 0-based index (default: the last).
    #[arg(long, value_name = "COLUMN", allow_hyphen_values = true)]
    pub label: Option<String>,
    /// Hidden layer sizes, comma separated, e.g. 16,16 (empty for none). Default: 16,16, or no
    /// hidden layer after the Small CNN for MNIST.
    #[arg(long, allow_hyphen_values = true)]
    pub hidden: Option<String>,
    /// Activation of every hidden layer: sigmoid tanh relu leakyrelu linear (default tanh).
    #[arg(long)]
    pub activation: Option<String>,
    /// Optimizer: sgd momentum nesterov rmsprop adam (default adam, or momentum for MNIST).
    #[arg(long)]
    pub optimizer: Option<String>,
    /// Learning rate > 0 (default 0.01, or 0.05 for MNIST).
    #[arg(long, allow_negative_numbers = true)]
    pub lr: Option<f64>,
    /// Samples per step (default 32, or 64 for MNIST).
    #[arg(long, allow_negative_numbers = true)]
    pub batch: Option<usize>,
    /// Epochs to train, ≥ 1 (default 100); 0 with --load-weights or --resume only evaluates
    /// those weights (e.g. weights trained further in PyTorch).
    #[arg(long, allow_negative_numbers = true)]
    pub epochs: Option<u64>,
    /// Seed of the data, the initial weights and the batch order (default 1; with --config,
    /// of the weights and batch order only).
    #[arg(long, allow_negative_numbers = true)]
    pub seed: Option<u64>,
    /// Share of the samples used for training (0 < r ≤ 1); default: the data set's own.
    #[arg(long, allow_negative_numbers = true)]
    pub train_ratio: Option<f32>,
    /// Continue the run saved in the --config file: its weights, and (files of format
    /// version 2) its optimizer moments and batch position, so the run goes on exactly as if it
    /// had never stopped. --epochs (or the file's epochs) then counts the epochs to add.
    #[arg(long, requires = "config", conflicts_with = "load_weights")]
    pub resume: bool,
    /// With --config: train the run of this name from the file's runs (a file saved by the
    /// window with several runs); without it, the run that was selected when it was saved.
    #[arg(long, value_name = "NAME", requires = "config")]
    pub run: Option<String>,
    /// Start from the weights in this safetensors file instead of the seed's.
    #[arg(long, value_parser = parse_path, value_name = "FILE.safetensors")]
    pub load_weights: Option<PathBuf>,
    /// After training, write the experiment with its weights and history to this file.
    #[arg(long, value_parser = parse_path, value_name = "FILE.json")]
    pub save: Option<PathBuf>,
    /// After training, write the weights to this safetensors file (PyTorch names and shapes).
    #[arg(long, value_parser = parse_path, value_name = "FILE.safetensors")]
    pub weights: Option<PathBuf>,
    /// After training, write the loss history and the final evaluation to this CSV file.
    #[arg(long, value_parser = parse_path, value_name = "FILE.csv")]
    pub metrics: Option<PathBuf>,
    /// Print one JSON line with the final metrics on stdout.
    #[arg(long)]
    pub json: bool,
    /// `--sweep` and `--jobs`.
    #[command(flatten)]
    pub sweep_flags: SweepArgs,
}

/// Final metrics of a headless run (the `--json` line).
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct TrainReport {
    /// Data set name.
    pub dataset: String,
    /// Model in text form, e.g. "dense16,tanh,dense16,tanh,dense2".
    pub model: String,
    /// Mean loss over the whole training split at the final weights, evaluated after
    /// training (not the mean of the mini-batch losses seen during the last epoch, which most
    /// PyTorch loops print: that is `epoch_batch_loss`).
    pub train_loss: f64,
    /// Mean loss over the whole test split at the final weights (`null` if it is empty).
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
    /// Mean of the mini-batch losses of the last completed epoch, each taken before its
    /// step's update (`null` when no epoch was completed): the running figure a PyTorch loop
    /// prints, higher than `train_loss` while the model is still improving.
    pub epoch_batch_loss: Option<f64>,
}

/// A path given on the command line, refused when it is empty or only spaces: `--data "   "`
/// said `   : the file does not exist`, naming no file. Other paths are taken as they are.
///
/// # Errors
/// `"the path is blank: give the path of a file or folder"`.
pub fn parse_path(text: &str) -> Result<PathBuf, String> {
    if text.trim().is_empty() {
        return Err("the path is blank: give the path of a file or folder".to_string());
    }
    Ok(PathBuf::from(text))
}

/// Parses `--hidden 16,16` with one activation for all layers.
///
/// # Errors
/// A one-line reason naming the bad item.
pub fn parse_hidden(text: &str, activation: ActivationKind) -> Result<Vec<HiddenLayer>, String> {
    // An empty text is no hidden layer; an empty item among others is a slip (`4,,4` trained
    // two layers without a word), refused as `--model` refuses it.
    if !text.trim().is_empty()
        && let Some(k) = text.split(',').position(|item| item.trim().is_empty())
    {
        return Err(format!(
            "--hidden: item {} is empty (two commas in a row?)",
            k + 1
        ));
    }
    let count = text
        .split(',')
        .filter(|item| !item.trim().is_empty())
        .count();
    if count > MAX_HIDDEN_LAYERS {
        return Err(format!(
            "--hidden: {count} layers, at most {MAX_HIDDEN_LAYERS} are allowed"
        ));
    }
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

/// Checks the arguments and builds the data and the configuration.
///
/// # Errors
/// A one-line reason for the first invalid argument or a data file that cannot be read.
pub fn prepare(args: &TrainArgs) -> Result<(Arc<Dataset>, TrainConfig), String> {
    prepare_run(args).map(|run| (run.data, run.config))
}

/// Everything a headless run starts from.
pub struct PreparedRun {
    /// The data set.
    pub data: Arc<Dataset>,
    /// Where the data came from (written by `--save`).
    pub dataset: DatasetRef,
    /// The configuration after the flags' overrides.
    pub config: TrainConfig,
    /// The `--config` file, if any (its title, view and lesson are kept by `--save`).
    pub base: Option<Experiment>,
    /// Weights to start from (`--resume` or `--load-weights`), in parameter order.
    pub initial_params: Option<Vec<DMatrix<f32>>>,
    /// With `--resume`: where the saved run stopped.
    pub resume: Option<ResumePoint>,
    /// What the importer decided, for data read from a file.
    pub report: Option<ImportReport>,
}

/// Where a `--resume` run continues from.
pub struct ResumePoint {
    /// Steps the saved run had taken.
    pub step: u64,
    /// Epochs the saved run had completed.
    pub epoch: u64,
    /// Optimizer state and batch position (format version 2; `None` in version-1 files,
    /// which continue with fresh moments at the start of an epoch).
    pub state: Option<ResumeState>,
    /// The saved run's history, which the new one extends.
    pub history: Option<History>,
}

/// [`prepare`] with everything `gradscope train` needs: the experiment file (`--config`)
/// with the flags' overrides, the data reference, and the starting weights.
///
/// # Errors
/// A one-line reason for the first invalid argument, an experiment or weights file that cannot
/// be read (naming it), or a data file that cannot be read.
pub fn prepare_run(args: &TrainArgs) -> Result<PreparedRun, String> {
    let model_flags = parse_flags(args)?;
    let base = args
        .config
        .as_deref()
        .map(|path| {
            let experiment = Experiment::load(path)?;
            match &args.run {
                Some(name) => experiment.with_run(name),
                None => Ok(experiment),
            }
        })
        .transpose()
        .map_err(|e| e.to_string())?;
    let seed = args.seed.unwrap_or(1);
    let dataset = data_flags::data_reference(args, base.as_ref(), seed)?;
    let (data, report) = match &base {
        Some(base) if dataset == base.dataset => {
            let (data, report) = base.load_dataset_with_report().map_err(|e| e.to_string())?;
            (data, report)
        }
        _ => {
            let (data, report) = dataset.load_with_report()?;
            (Arc::new(data), report)
        }
    };
    let mut config = configure(args, base.as_ref(), &data, model_flags, seed)?;
    if config.epochs == 0 && args.epochs != Some(0) {
        let file = args
            .config
            .as_deref()
            .map_or_else(String::new, |p| format!("{}: ", p.display()));
        return Err(format!(
            "--epochs: {file}train.epochs is 0 (train until paused), which never ends without a window; give --epochs N"
        ));
    }
    let spec = config
        .model_spec(&data)
        .map_err(|e| format!("--model: {e}"))?;
    let initial_params = initial_params(args, base.as_ref(), &spec)?;
    if let Some(base) = base.as_ref().filter(|_| args.resume)
        && let Some(state) = &base.resume
    {
        // The counters against the data, with the batch size they were saved with.
        state
            .check_on(data.train.len(), base.train.batch_size)
            .map_err(|(field, message)| {
                format!("--resume: {}: {field}: {message}", base.file_name())
            })?;
    }
    let resume = base.as_ref().filter(|_| args.resume).and_then(|base| {
        let weights = base.weights.as_ref()?;
        Some(ResumePoint {
            step: weights.step,
            epoch: weights.epoch,
            state: base.resume.clone(),
            history: base.history.clone(),
        })
    });
    if let Some(point) = &resume {
        config.epochs = config.epochs.saturating_add(point.epoch);
    }
    Ok(PreparedRun {
        data,
        dataset,
        config,
        base,
        initial_params,
        resume,
        report,
    })
}

/// The training settings of `train`: the experiment's (`base`) or the defaults for `data`,
/// with the command line's flags over them.
///
/// # Errors
/// A `--model` spec that does not fit `data`.
fn configure(
    args: &TrainArgs,
    base: Option<&Experiment>,
    data: &Dataset,
    model_flags: flags::ModelFlags,
    seed: u64,
) -> Result<TrainConfig, String> {
    let flags::ModelFlags {
        activation,
        optimizer,
        hidden,
    } = model_flags;
    let mut config = match base {
        Some(base) => base.train.clone(),
        None => TrainConfig::for_data(data),
    };
    if let Some(hidden) = hidden {
        config.hidden = hidden;
    } else if let Some(activation) = activation {
        for layer in &mut config.hidden {
            layer.activation = activation;
        }
    }
    if let Some(text) = &args.model {
        let (conv, hidden) = blocks_from_spec(text, data)?;
        config.conv = conv;
        config.hidden = hidden;
    }
    if let Some(kind) = optimizer {
        config.optimizer.kind = kind;
    }
    if let Some(lr) = args.lr {
        config.optimizer.learning_rate = lr;
    }
    if let Some(batch) = args.batch {
        config.batch_size = batch;
    }
    match (args.epochs, base) {
        (Some(epochs), _) => config.epochs = epochs,
        (None, None) => config.epochs = 100,
        (None, Some(_)) => {}
    }
    if base.is_none() || args.seed.is_some() {
        config.seed = seed;
    }
    Ok(config)
}

/// `gradscope train`: prepares, trains to the epoch limit, evaluates, and writes `--save`,
/// `--weights` and `--metrics`. `progress` receives the importer's notes (columns excluded
/// or changed, rows and files left out, warnings), the progress lines and the summary.
///
/// # Errors
/// A one-line reason (bad argument, unreadable input, failed write), naming the file.
pub fn train_command(args: &TrainArgs, progress: impl FnMut(&str)) -> Result<TrainReport, String> {
    train_command_with(args, &mut PlainLines::new(progress))
}

/// [`train_command`] reporting to any [`TrainProgress`] (e.g. [`stderr_progress`]).
///
/// Refuses `--save FILE` when FILE is an experiment of several runs (the window's Save
/// experiment writes them): the one run trained here would replace them all.
///
/// # Errors
/// `"--save {file}: that file holds {n} runs ({names}); …"`.
fn refuse_to_replace_runs(path: &std::path::Path) -> Result<(), String> {
    let Ok(text) = std::fs::read(path) else {
        return Ok(());
    };
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&text) else {
        return Ok(());
    };
    let Some(runs) = value.get("runs").and_then(serde_json::Value::as_array) else {
        return Ok(());
    };
    if runs.len() < 2 {
        return Ok(());
    }
    let names: Vec<String> = runs
        .iter()
        .map(|run| {
            run.get("name")
                .and_then(serde_json::Value::as_str)
                .map_or_else(|| "?".to_string(), |n| format!("{n:?}"))
        })
        .collect();
    Err(format!(
        "--save {}: that file holds {} runs ({}); saving this one run there would replace them \
         all. Save to another file (`--run NAME` picks the run to train; the window's Save \
         experiment keeps every run)",
        path.display(),
        runs.len(),
        names.join(", ")
    ))
}

/// # Errors
/// As [`train_command`].
pub fn train_command_with(
    args: &TrainArgs,
    progress: &mut dyn TrainProgress,
) -> Result<TrainReport, String> {
    if let Some(path) = &args.save {
        refuse_to_replace_runs(path)?;
    }
    let run = prepare_run(args)?;
    if let Some(report) = &run.report {
        for note in report.notes() {
            progress.line(&format!("{}: {note}", report.source));
        }
    }
    if let Some(base) = &run.base {
        // The file's other runs are not trained, but what is wrong with them is said.
        for damaged in &base.damaged_runs {
            progress.line(&format!("note: {damaged} (left out)"));
        }
        for note in &base.run_notes {
            progress.line(&format!("note: {note}"));
        }
    }
    let mut session = Session::new(Arc::clone(&run.data), run.config.clone())?;
    // Resuming saved weights on their data file, which changed since they were saved: said
    // before training.
    if let Some(base) = &run.base
        && run.resume.is_some()
        && run.dataset == base.dataset
        && let Some(saved) = &base.preprocessing
    {
        let now = Preprocessing::new(&run.data, session.model().spec().input, run.report.as_ref());
        if let Some(change) = now.change_since(saved) {
            let note = crate::experiment::data_changed(base, &run.data.name, &change);
            progress.line(&format!("note: {note}"));
        }
    }
    if let Some(params) = &run.initial_params {
        session.load_params(params)?;
    }
    let prior = match &run.resume {
        Some(point) => {
            match &point.state {
                Some(state) => state.apply(&mut session).map_err(|e| {
                    let file = args.config.as_deref().unwrap_or(std::path::Path::new(""));
                    format!("--resume: {}: {e}", file.display())
                })?,
                None => session.set_counters(point.step, point.epoch),
            }
            point.history.as_ref()
        }
        None => None,
    };
    // A saved run or a metrics file gets a test curve, not only the final evaluation.
    let evals = if args.save.is_some() || args.metrics.is_some() {
        training::SAVED_EVALS
    } else {
        0
    };
    let (report, history) = train_session_after(&mut session, progress, prior, evals)?;
    let input = session.model().spec().input;
    let preprocessing = Preprocessing::new(&run.data, input, run.report.as_ref());
    if let Some(path) = &args.weights {
        save_safetensors_with(path, session.model(), &preprocessing).map_err(|e| e.to_string())?;
    }
    if let Some(path) = &args.metrics {
        // The run's name in a file of several runs: `--run`, else the selected one.
        let selected = run.base.as_ref().and_then(|base| {
            let id = base.selected_run?;
            base.runs
                .iter()
                .find(|r| r.id == id)
                .map(|r| r.name.as_str())
        });
        let name = args
            .run
            .as_deref()
            .or(selected)
            .unwrap_or(crate::experiment::LONE_RUN_NAME);
        write_metrics_csv(path, &[(name, &history)]).map_err(|e| e.to_string())?;
    }
    if let Some(path) = &args.save {
        let mut experiment = Experiment::new(run.dataset.clone(), session.config().clone());
        if let Some(base) = &run.base {
            experiment.title = base.title.clone();
            experiment.view = base.view.clone();
            experiment.worksheet = base.worksheet.clone();
        }
        experiment.weights = Some(SavedWeights::from_model(
            session.model(),
            session.step_count(),
            session.epoch(),
        ));
        experiment.history = Some(history);
        experiment.preprocessing = Some(preprocessing);
        experiment.resume = Some(ResumeState::of(&session));
        experiment.save(path).map_err(|e| e.to_string())?;
    }
    Ok(report)
}

/// Prints a one-line reason and returns the usage-error exit code (2).
pub fn usage_error(message: &str) -> ExitCode {
    crate::cli::stdout::print_err(&format!("gradscope: {message}"));
    ExitCode::from(2)
}

/// Parses the process's arguments. `--help` and `--version` print and give `Err(success)`;
/// a bad argument prints clap's reason on one line and gives `Err(2)`.
///
/// # Errors
/// The exit code to end with when there is nothing to run.
pub fn parse() -> Result<Cli, ExitCode> {
    Cli::try_parse().map_err(|err| {
        if matches!(
            err.kind(),
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
        ) {
            let _ = err.print();
            return ExitCode::SUCCESS;
        }
        // clap's message up to the usage block, on one line.
        let text = err.to_string();
        let reason: Vec<&str> = text
            .lines()
            .take_while(|line| !line.trim().is_empty())
            .map(str::trim)
            .collect();
        let reason = reason.join(" ");
        usage_error(reason.trim_start_matches("error: "))
    })
}

/// Runs a subcommand and returns the process's exit code: 0 on success, 2 with a one-line
/// reason on stderr otherwise.
pub fn run(command: CliCommand) -> ExitCode {
    match command {
        CliCommand::Train(args) if args.sweep_flags.sweep.is_some() => {
            sweep::run_sweep(&args).map_or_else(|e| usage_error(&e), |()| ExitCode::SUCCESS)
        }
        CliCommand::Train(args) => match train_command_with(&args, &mut *stderr_progress()) {
            Ok(report) => {
                if args.json {
                    match serde_json::to_string(&report) {
                        Ok(json) => stdout::print_line(&json),
                        Err(e) => return usage_error(&e.to_string()),
                    }
                }
                ExitCode::SUCCESS
            }
            Err(message) => usage_error(&message),
        },
        CliCommand::Inspect(args) => match inspect(&args) {
            Ok(json) => {
                stdout::print_line(&json);
                ExitCode::SUCCESS
            }
            Err(message) => usage_error(&message),
        },
        CliCommand::Memory(args) => crate::memory::cli::run(&args),
        CliCommand::BenchUi(args) => bench_ui::bench_ui(&args),
        CliCommand::ExportPytorch(args) => match export_command(&args) {
            Ok(json) => {
                stdout::print_line(&json);
                ExitCode::SUCCESS
            }
            Err(message) => usage_error(&message),
        },
    }
}
