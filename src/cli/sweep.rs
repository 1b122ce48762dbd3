//! `gradscope train --sweep SETTING=V1,V2,…`: one run per value of one setting, trained side by
//! side on as many threads as the machine has cores (`--jobs` to change), each printed as a
//! `--json` line with the setting and value added, and a table on stderr at the end.
//!
//! Every run is built from the same prepared data and configuration with only the swept
//! setting changed, and trained by the same [`super::train_session`] as a single run, so a
//! sweep's runs equal the same trainings run one by one (the data set keeps the base seed when
//! the seed is swept: only the weights and the batch order change).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use clap::Args;
use serde::Serialize;

use super::{TrainArgs, TrainProgress, TrainReport, prepare_run, train_session};
use crate::nn::OptimizerKind;
use crate::train::{MAX_UNITS, Session, TrainConfig};

/// The sweep flags of `gradscope train`.
#[derive(Args, Debug, Clone, Default)]
pub struct SweepArgs {
    /// Train one run per value of one setting, e.g. lr=0.001,0.01,0.1,1. Settings: lr, batch,
    /// optimizer, hidden (the width of every hidden layer), l2, seed (of the weights and batch
    /// order; the data keeps its own). With --json, one line per run with "setting" and
    /// "value" added; a table on stderr at the end.
    #[arg(long, value_name = "SETTING=V1,V2,…")]
    pub sweep: Option<String>,
    /// Runs of a --sweep trained at once (default: the number of cores).
    #[arg(long, value_name = "N", requires = "sweep")]
    pub jobs: Option<usize>,
}

/// A setting `--sweep` can vary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SweepSetting {
    /// Learning rate (> 0).
    LearningRate,
    /// Batch size (≥ 1).
    BatchSize,
    /// Optimizer kind.
    Optimizer,
    /// Units of every hidden layer (1 ..= [`MAX_UNITS`]).
    HiddenWidth,
    /// L2 coefficient (≥ 0).
    L2,
    /// Seed of the weights and batch order.
    Seed,
}

impl SweepSetting {
    /// The name used on the command line and in the JSON lines.
    pub fn name(self) -> &'static str {
        match self {
            SweepSetting::LearningRate => "lr",
            SweepSetting::BatchSize => "batch",
            SweepSetting::Optimizer => "optimizer",
            SweepSetting::HiddenWidth => "hidden",
            SweepSetting::L2 => "l2",
            SweepSetting::Seed => "seed",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        [
            SweepSetting::LearningRate,
            SweepSetting::BatchSize,
            SweepSetting::Optimizer,
            SweepSetting::HiddenWidth,
            SweepSetting::L2,
            SweepSetting::Seed,
        ]
        .into_iter()
        .find(|s| s.name() == name.trim().to_ascii_lowercase())
    }
}

/// One value of a sweep, checked.
#[derive(Clone, Debug, PartialEq)]
pub enum SweepValue {
    /// A number (lr, l2).
    Number(f64),
    /// A count (batch, hidden, seed).
    Count(u64),
    /// An optimizer.
    Optimizer(OptimizerKind),
}

impl SweepValue {
    fn json(&self) -> serde_json::Value {
        match self {
            SweepValue::Number(v) => serde_json::json!(v),
            SweepValue::Count(v) => serde_json::json!(v),
            SweepValue::Optimizer(kind) => serde_json::json!(kind.name()),
        }
    }

    /// The value as written in the table.
    pub fn text(&self) -> String {
        match self {
            SweepValue::Number(v) => v.to_string(),
            SweepValue::Count(v) => v.to_string(),
            SweepValue::Optimizer(kind) => kind.name().to_string(),
        }
    }
}

/// A parsed `--sweep`: the setting and its values in the order given.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    /// What varies.
    pub setting: SweepSetting,
    /// The values, in the order given.
    pub values: Vec<SweepValue>,
}

const SETTINGS: &str = "lr, batch, optimizer, hidden, l2, seed";

/// Parses `SETTING=V1,V2,…`.
///
/// # Errors
/// A one-line reason starting `--sweep`, naming the bad setting or value.
pub fn parse_sweep(text: &str) -> Result<Sweep, String> {
    let Some((name, list)) = text.split_once('=') else {
        return Err(format!(
            "--sweep: '{text}' is not SETTING=V1,V2,… (settings: {SETTINGS})"
        ));
    };
    let setting = SweepSetting::parse(name)
        .ok_or_else(|| format!("--sweep: '{name}' is not a setting ({SETTINGS})"))?;
    let items: Vec<&str> = list.split(',').map(str::trim).collect();
    if items.iter().all(|v| v.is_empty()) {
        return Err(format!("--sweep {}: no values given", setting.name()));
    }
    // A value left empty (`0.1,,0.2`, a trailing comma) is more likely a typo than a wish:
    // say so rather than run one run fewer.
    if let Some(k) = items.iter().position(|v| v.is_empty()) {
        return Err(format!(
            "--sweep {}: value {} of {} is empty in '{list}'",
            setting.name(),
            k + 1,
            items.len()
        ));
    }
    let values = items
        .iter()
        .map(|v| parse_value(setting, v))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Sweep { setting, values })
}

fn parse_value(setting: SweepSetting, text: &str) -> Result<SweepValue, String> {
    let bad = |what: &str| format!("--sweep {}: '{text}' is not {what}", setting.name());
    let count = |low: u64, high: u64, what: &str| {
        text.parse::<u64>()
            .ok()
            .filter(|v| (low..=high).contains(v))
            .map(SweepValue::Count)
            .ok_or_else(|| bad(what))
    };
    match setting {
        SweepSetting::LearningRate => text
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v > 0.0)
            .map(SweepValue::Number)
            .ok_or_else(|| bad("a positive number")),
        SweepSetting::L2 => text
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)
            .map(SweepValue::Number)
            .ok_or_else(|| bad("a number ≥ 0")),
        SweepSetting::BatchSize => count(1, 1 << 24, "a batch size ≥ 1"),
        SweepSetting::HiddenWidth => count(1, MAX_UNITS as u64, "a layer width from 1 to 256"),
        SweepSetting::Seed => count(0, u64::MAX, "a seed (a whole number ≥ 0)"),
        SweepSetting::Optimizer => OptimizerKind::parse(text)
            .map(SweepValue::Optimizer)
            .ok_or_else(|| bad("an optimizer (sgd momentum nesterov rmsprop adam)")),
    }
}

/// `config` with the swept setting set to `value`.
pub fn apply(mut config: TrainConfig, setting: SweepSetting, value: &SweepValue) -> TrainConfig {
    match (setting, value) {
        (SweepSetting::LearningRate, SweepValue::Number(v)) => config.optimizer.learning_rate = *v,
        (SweepSetting::L2, SweepValue::Number(v)) => config.l2 = *v,
        (SweepSetting::BatchSize, SweepValue::Count(v)) => config.batch_size = *v as usize,
        (SweepSetting::HiddenWidth, SweepValue::Count(v)) => {
            for layer in &mut config.hidden {
                layer.units = *v as usize;
            }
        }
        (SweepSetting::Seed, SweepValue::Count(v)) => config.seed = *v,
        (SweepSetting::Optimizer, SweepValue::Optimizer(kind)) => config.optimizer.kind = *kind,
        _ => {}
    }
    config
}

/// One finished run of a sweep: the `--json` line's content.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct SweepRun {
    /// The run's report (the keys of a single run's line).
    #[serde(flatten)]
    pub report: TrainReport,
    /// The swept setting's name.
    pub setting: String,
    /// Its value in this run (a number, or the optimizer's name).
    pub value: serde_json::Value,
}

/// A progress sink that shows nothing (the runs of a sweep report when they finish).
struct Quiet;

impl TrainProgress for Quiet {
    fn line(&mut self, _text: &str) {}
    fn step(&mut self, _status: &super::StepStatus) {}
}

/// Trains one run per value on up to `jobs` threads (default: the cores) and returns them in
/// the order of the values, with the sweep's wall-clock seconds. `progress` receives one line
/// per finished run.
///
/// # Errors
/// A one-line reason for a bad argument (as `gradscope train`), a bad `--sweep`, flags that do
/// not go with a sweep (`--save`, `--weights`, `--metrics`, `--resume`, `--load-weights`), or a
/// run that cannot start.
pub fn sweep_command(
    args: &TrainArgs,
    progress: &mut (dyn FnMut(&str) + Send),
) -> Result<(Vec<SweepRun>, f64), String> {
    let sweep = parse_sweep(args.sweep_flags.sweep.as_deref().unwrap_or_default())?;
    if args.sweep_flags.jobs == Some(0) {
        return Err("--jobs: train at least 1 run at a time".to_string());
    }
    let single = [
        ("--save", args.save.is_some()),
        ("--weights", args.weights.is_some()),
        ("--metrics", args.metrics.is_some()),
        ("--resume", args.resume),
        ("--load-weights", args.load_weights.is_some()),
    ];
    if let Some((flag, _)) = single.iter().find(|(_, given)| *given) {
        return Err(format!("--sweep: {flag} belongs to a single run"));
    }
    let run = prepare_run(args)?;
    let configs: Vec<TrainConfig> = sweep
        .values
        .iter()
        .map(|value| apply(run.config.clone(), sweep.setting, value))
        .collect();
    for config in &configs {
        config
            .model_spec(&run.data)
            .map_err(|e| format!("--sweep: {e}"))?;
    }
    let jobs = args
        .sweep_flags
        .jobs
        .unwrap_or_else(crate::nn::available_threads)
        .clamp(1, configs.len());
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<TrainReport, String>>>> =
        Mutex::new(vec![None; configs.len()]);
    let progress = Mutex::new(progress);
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(config) = configs.get(i) else {
                        break;
                    };
                    let result = Session::new(Arc::clone(&run.data), config.clone())
                        .and_then(|mut session| train_session(&mut session, &mut Quiet))
                        .map(|(report, _)| report);
                    let line = match &result {
                        Ok(report) => format!(
                            "run {}/{} ({}={}) done in {:.2} s",
                            i + 1,
                            configs.len(),
                            sweep.setting.name(),
                            sweep.values[i].text(),
                            report.seconds
                        ),
                        Err(e) => format!("run {}/{}: {e}", i + 1, configs.len()),
                    };
                    (progress.lock().unwrap_or_else(|e| e.into_inner()))(&line);
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
                }
            });
        }
    });
    let seconds = start.elapsed().as_secs_f64();
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut runs = Vec::with_capacity(results.len());
    for (result, value) in results.into_iter().zip(&sweep.values) {
        let report = result.unwrap_or_else(|| Err("the run did not finish".to_string()))?;
        runs.push(SweepRun {
            report,
            setting: sweep.setting.name().to_string(),
            value: value.json(),
        });
    }
    Ok((runs, seconds))
}

/// The table printed on stderr after a sweep: one row per run.
pub fn sweep_table(runs: &[SweepRun], seconds: f64) -> String {
    let percent =
        |a: Option<f64>| a.map_or_else(|| "–".to_string(), |a| format!("{:.1}", a * 100.0));
    let setting = runs.first().map_or("value", |r| r.setting.as_str());
    let mut text = format!(
        "{setting:>10}  {:>10}  {:>10}  {:>7}  {:>7}  {:>7}  {:>8}\n",
        "train loss", "test loss", "train %", "test %", "steps", "seconds"
    );
    for run in runs {
        let r = &run.report;
        // Numbers as Rust writes an f64: `1` and `0.001` (JSON's text of 1.0 is "1.0").
        let value = match &run.value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => {
                n.as_f64().map_or_else(|| n.to_string(), |v| v.to_string())
            }
            other => other.to_string(),
        };
        let test_loss = r
            .test_loss
            .map_or_else(|| "–".to_string(), |l| format!("{l:.4}"));
        let loss = if r.diverged.is_some() {
            "diverged".to_string()
        } else {
            format!("{:.4}", r.train_loss)
        };
        text.push_str(&format!(
            "{value:>10}  {loss:>10}  {test_loss:>10}  {:>7}  {:>7}  {:>7}  {:>8.2}\n",
            percent(r.train_accuracy),
            percent(r.test_accuracy),
            r.steps,
            r.seconds
        ));
    }
    text.push_str(&format!(
        "{} run{} in {seconds:.2} s wall clock ({:.2} s of training in all)",
        runs.len(),
        if runs.len() == 1 { "" } else { "s" },
        runs.iter().map(|r| r.report.seconds).sum::<f64>()
    ));
    text
}

/// `gradscope train --sweep …`: runs the sweep, prints the JSON lines (with `--json`) and the
/// table; returns the exit code's reason on failure.
///
/// # Errors
/// As [`sweep_command`].
pub fn run_sweep(args: &TrainArgs) -> Result<(), String> {
    let mut progress = |line: &str| crate::cli::stdout::print_err(line);
    let (runs, seconds) = sweep_command(args, &mut progress)?;
    if args.json {
        for run in &runs {
            super::stdout::print_line(&serde_json::to_string(run).map_err(|e| e.to_string())?);
        }
    }
    crate::cli::stdout::print_err(&sweep_table(&runs, seconds));
    Ok(())
}
