//! The runs of the window's lab in an experiment file (format version 3): each run's name,
//! colour, settings, weights, `resume` block, history, summary and lineage.
//!
//! ```json
//! "selected_run": 1,
//! "runs": [
//!   { "id": 0, "name": "run 1", "color": "#1f77b4", "ticked": true,
//!     "train": { … }, "weights": { … }, "resume": { … }, "history": { … },
//!     "summary": { "steps": 2100, "epoch": 300, "best_test_loss": 0.05, "final_test_loss": 0.06,
//!                  "best_test_accuracy": 0.99, "final_test_accuracy": 0.985 } },
//!   { "id": 1, "name": "run 1 @500", "color": "#ff7f0e", "parent": { "id": 0, "step": 500 }, … }
//! ]
//! ```
//!
//! - `id` is the run's number in the file; `parent` names the run it branched from by that id
//!   and the step it branched at. A parent that is missing or damaged leaves the child a root.
//! - `dataset` is given only when the run's data differ from the file's.
//! - `weights`, `resume` and `history` are optional (a file saved without weights keeps the
//!   settings, lineage and summary, and the runs start again from their seeds).
//! - `clock` (optional) holds when the run reached which step ([`SavedClock`]): the window's
//!   x axes in seconds and wall-clock time. A file without it opens; its runs then have no
//!   times up to their saved step. A damaged clock (JSON of the wrong shape, times out of
//!   order) is dropped alone: the run opens without its times, and a note in
//!   [`Experiment::run_notes`] names the run and what was wrong.
//! - `changes` (optional) lists the settings changed while the run trained
//!   ([`SettingChange`]), so that "group by seed" keeps such a run apart.
//! - Each run is read on its own: JSON of the wrong shape, a value out of range, an
//!   inconsistent `resume` block or a tensor whose data do not fit its shape leaves that run
//!   out, and [`DamagedRun`] says why (`exp.json: run "lr 0.1": line 40, column 19:
//!   resume.epoch: 60, but …`); the others open.
//! - Two runs of one name both open, and a branch whose parent is not in the file opens as a
//!   run of its own; [`Experiment::run_notes`] says so, naming the runs.

use serde::{Deserialize, Serialize};

use super::check::{check_dataset, check_history, check_layers, check_optimizer};
use super::file::{DatasetRef, Experiment, ExperimentError, field_error};
use super::locate::{PathStep, line_column, locate};
use super::metrics::History;
use super::resume::{FieldError, ResumeState};
use super::weights::SavedWeights;
use crate::data::Dataset;
use crate::train::TrainConfig;

/// One run of the lab, as stored in `runs`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedRun {
    /// The run's number in this file (what `parent` and `selected_run` refer to).
    pub id: u64,
    /// Its name in the Runs table.
    pub name: String,
    /// Colour of its curves as `#rrggbb` (none: the window picks one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Its curves were overlaid on the plots.
    #[serde(default = "yes")]
    pub ticked: bool,
    /// The run it branched from and the step it branched at (none: started from its seed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<RunParent>,
    /// Its data set, when it is not the file's `dataset`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset: Option<DatasetRef>,
    /// Its layers, optimizer, batch size, epochs and seed.
    #[serde(default)]
    pub train: TrainConfig,
    /// Its weights when saved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<SavedWeights>,
    /// Its optimizer state and batch position, to continue exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<ResumeState>,
    /// Its loss curve and evaluations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<History>,
    /// Steps, epochs and its best and final test metrics (for readers that skip `history`).
    #[serde(default)]
    pub summary: RunSummary,
    /// When it reached which step (none: saved without times).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<SavedClock>,
    /// Settings changed while it trained, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<SettingChange>,
}

/// Most samples a [`SavedClock`] may hold.
pub const MAX_SAVED_CLOCK_SAMPLES: usize = 16_384;

/// When a run reached which step, as the window's progress reports recorded it.
///
/// ```json
/// "clock": { "started_at": 1796114600, "offset": 0,
///            "samples": [[0, 0, 0, 0], [140, 20, 1.503, 1.503], [300, 42.857, 3.2, 3.2]] }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedClock {
    /// Unix time (seconds since 1970-01-01 UTC) at which the run started training, in whole
    /// seconds.
    pub started_at: f64,
    /// Seconds on the run's time axis at its start: for a branch, its parent's time at the
    /// branch step; 0 for a run from its seed.
    #[serde(default)]
    pub offset: f64,
    /// `[step, epoch, seconds, wall]` per report, in step order: steps taken, fractional
    /// epochs, seconds spent training since the start (pauses and the time between closing
    /// and reopening a file do not count; older versions counted pauses) and
    /// Unix time − `started_at` (everything counts: where it runs ahead of the seconds, the
    /// run stood still).
    pub samples: Vec<[f64; 4]>,
}

impl SavedClock {
    /// The samples up to `step` (a run saved at an earlier step than it reached).
    pub fn up_to(mut self, step: u64) -> Self {
        self.samples.retain(|s| s[0] <= step as f64);
        self
    }

    /// Finite, non-negative values; whole steps; steps, seconds and wall times in order.
    ///
    /// # Errors
    /// The first wrong field, its path relative to the run (`clock.samples[3]`).
    pub fn check(&self) -> Result<(), FieldError> {
        let bad = |field: &str, message: String| Err((format!("clock.{field}"), message));
        if !(self.started_at.is_finite() && self.started_at >= 0.0) {
            return bad(
                "started_at",
                format!("{} is not a Unix time", short(self.started_at)),
            );
        }
        if !(self.offset.is_finite() && self.offset >= 0.0) {
            return bad(
                "offset",
                format!("{} is not a number of seconds ≥ 0", short(self.offset)),
            );
        }
        if self.samples.len() > MAX_SAVED_CLOCK_SAMPLES {
            let n = self.samples.len();
            return bad(
                "samples",
                format!("{n} samples, at most {MAX_SAVED_CLOCK_SAMPLES} are allowed"),
            );
        }
        let mut previous = [0.0f64; 4];
        for (i, sample) in self.samples.iter().enumerate() {
            let field = format!("samples[{i}]");
            if sample.iter().any(|v| !v.is_finite() || *v < 0.0) {
                return bad(&field, format!("{sample:?} holds a value that is not ≥ 0"));
            }
            if sample[0].fract() != 0.0 {
                return bad(
                    &field,
                    format!("step {} is not a whole number", short(sample[0])),
                );
            }
            let names = ["step", "epoch", "seconds", "wall time"];
            if i > 0
                && let Some(k) = [0, 2, 3].into_iter().find(|&k| sample[k] < previous[k])
            {
                return bad(
                    &field,
                    format!(
                        "{} {} is before the previous sample's {}",
                        names[k],
                        short(sample[k]),
                        short(previous[k])
                    ),
                );
            }
            previous = *sample;
        }
        Ok(())
    }
}

/// A setting changed while a run trained (the learning rate, optimizer, batch size or L2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingChange {
    /// The run's step when the change took effect (the next step used the new value).
    pub step: u64,
    /// The setting's name as the window shows it, e.g. `"learning rate"`.
    pub setting: String,
    /// Its value before, as text.
    pub from: String,
    /// Its value after, as text.
    pub to: String,
}

/// `x` as a message shows it: plainly, or in scientific notation past 10¹⁵ (a hand-edited
/// -1e300 would otherwise print 301 digits).
fn short(x: f64) -> String {
    if x.abs() < 1e15 {
        x.to_string()
    } else {
        format!("{x:e}")
    }
}

/// The notes of [`Experiment::run_notes`] on `runs` of `file`: names used by more than one
/// run, and branches whose parent id is not among `runs`.
pub(super) fn run_notes(file: &str, runs: &[SavedRun]) -> Vec<String> {
    let mut notes = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        if runs[..i].iter().any(|earlier| earlier.name == run.name) {
            continue;
        }
        let ids: Vec<String> = runs
            .iter()
            .filter(|other| other.name == run.name)
            .map(|other| other.id.to_string())
            .collect();
        if ids.len() > 1 {
            notes.push(format!(
                "{file}: {} runs are named {:?} (ids {}); each opened under that name",
                ids.len(),
                run.name,
                ids.join(", ")
            ));
        }
    }
    for (i, run) in runs.iter().enumerate() {
        let sharing: Vec<String> = runs
            .iter()
            .filter(|other| other.id == run.id)
            .map(|other| format!("{:?}", other.name))
            .collect();
        if sharing.len() > 1 && !runs[..i].iter().any(|earlier| earlier.id == run.id) {
            notes.push(format!(
                "{file}: {} runs have id {} ({}); a branch of that id is drawn from the first",
                sharing.len(),
                run.id,
                sharing.join(", ")
            ));
        }
    }
    notes.extend((0..runs.len()).filter_map(|index| parent_note(file, runs, index)));
    notes
}

/// What is wrong with the parent of `runs[index]`, if anything: itself, missing, branched
/// from after its last saved step, or a circle of branches (noted once, at the circle's first
/// run in `runs`).
fn parent_note(file: &str, runs: &[SavedRun], index: usize) -> Option<String> {
    let run = runs.get(index)?;
    let parent = run.parent?;
    if parent.id == run.id {
        return Some(format!(
            "{file}: run {:?} names itself (id {}) as the run it branched from; it opened as a \
             run of its own",
            run.name, run.id
        ));
    }
    let find = |id: u64| runs.iter().position(|r| r.id == id);
    let Some(from) = find(parent.id) else {
        return Some(format!(
            "{file}: run {:?} branched at step {} from run id {}, which is not in the file; it opened as a run of its own",
            run.name, parent.step, parent.id
        ));
    };
    // Follow the parents: back to `index` means a circle.
    let (mut chain, mut at) = (vec![index], from);
    while chain.len() <= runs.len() {
        if at == index {
            let names: Vec<String> = chain
                .iter()
                .map(|&i| format!("{:?}", runs[i].name))
                .collect();
            return (chain.iter().min() == Some(&index)).then(|| {
                format!(
                    "{file}: runs {} branch from one another in a circle; the lineage shows \
                     them as runs of their own",
                    names.join(" → ")
                )
            });
        }
        chain.push(at);
        match runs[at].parent.and_then(|p| find(p.id)) {
            Some(next) => at = next,
            None => break,
        }
    }
    let last = runs[from].weights.as_ref().map(|w| w.step)?;
    (parent.step > last).then(|| {
        format!(
            "{file}: run {:?} branched at step {} from run {:?}, whose saved weights are from \
             step {last}",
            run.name, parent.step, runs[from].name
        )
    })
}

fn yes() -> bool {
    true
}

/// Where a branch came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunParent {
    /// The parent's `id`.
    pub id: u64,
    /// The parent's step the branch started from (its checkpoint's step).
    pub step: u64,
}

/// A run's counters and its best and final test metrics (losses in the task's loss: softmax
/// cross-entropy in nats or mean squared error; accuracies as fractions in [0, 1]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunSummary {
    /// Steps taken.
    pub steps: u64,
    /// Completed epochs.
    pub epoch: u64,
    /// Lowest test loss of any evaluation.
    pub best_test_loss: Option<f64>,
    /// Test loss of the newest evaluation.
    pub final_test_loss: Option<f64>,
    /// Step of the newest evaluation (that of `final_test_loss` and `final_test_accuracy`):
    /// before `steps` when the run was saved while it trained between two evaluations, so
    /// those metrics are not of the saved weights. None in files written before it was kept.
    pub final_test_step: Option<u64>,
    /// Highest test accuracy of any evaluation.
    pub best_test_accuracy: Option<f64>,
    /// Test accuracy of the newest evaluation.
    pub final_test_accuracy: Option<f64>,
}

impl RunSummary {
    /// The summary of a run at `steps`/`epoch` with evaluations `history.evals`.
    pub fn of(history: &History, steps: u64, epoch: u64) -> Self {
        let tests = || history.evals.iter();
        let lowest = |values: &mut dyn Iterator<Item = f64>| values.reduce(f64::min);
        let highest = |values: &mut dyn Iterator<Item = f64>| values.reduce(f64::max);
        let last = history.evals.iter().rev().find(|e| e.test_loss.is_some());
        Self {
            steps,
            epoch,
            best_test_loss: lowest(&mut tests().filter_map(|e| e.test_loss)),
            final_test_loss: last.and_then(|e| e.test_loss),
            final_test_step: last.map(|e| e.step),
            best_test_accuracy: highest(&mut tests().filter_map(|e| e.test_accuracy)),
            final_test_accuracy: last.and_then(|e| e.test_accuracy),
        }
    }
}

/// A run of `runs` that was left out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DamagedRun {
    /// The experiment file.
    pub file: String,
    /// Position in `runs` (0-based).
    pub index: usize,
    /// Its name, when that much could be read.
    pub name: Option<String>,
    /// What is wrong, with the line and column when known.
    pub message: String,
}

impl DamagedRun {
    /// `run "lr 0.1"`, or `run 2 (unnamed)` (1-based) when the name could not be read.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("run {name:?}"),
            None => format!("run {} (unnamed)", self.index + 1),
        }
    }
}

impl std::fmt::Display for DamagedRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.label(), self.message)
    }
}

/// The name of a run whose other fields may be damaged.
#[derive(Deserialize)]
struct NameProbe {
    name: Option<String>,
}

/// The runs of an experiment file as [`read_runs`] reads them.
pub(super) struct ReadRuns {
    /// The runs that read and check cleanly (a damaged clock dropped).
    pub runs: Vec<SavedRun>,
    /// The runs left out, and why.
    pub damaged: Vec<DamagedRun>,
    /// One note per run that opened without its damaged clock.
    pub clock_notes: Vec<String>,
}

/// `error`, a JSON error within the run that starts at byte `start` of `text`, at its line
/// and column in the whole file.
fn json_error_at(
    file: &str,
    text: &[u8],
    start: usize,
    error: &serde_json::Error,
) -> ExperimentError {
    let (line, column) = line_column(text, start);
    let at_line = error.line() + line - 1;
    let at_column = if error.line() == 1 {
        error.column() + column - 1
    } else {
        error.column()
    };
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = message.strip_suffix(&suffix).unwrap_or(&message);
    ExperimentError::Json {
        file: file.to_string(),
        line: at_line,
        column: at_column.max(1),
        message: message.to_string(),
    }
}

/// The run of JSON `slice` read without its `clock` (when it has one): what opens when only
/// the clock is of the wrong shape.
fn without_clock(slice: &[u8]) -> Option<SavedRun> {
    let mut value: serde_json::Value = serde_json::from_slice(slice).ok()?;
    value.as_object_mut()?.remove("clock")?;
    serde_json::from_value(value).ok()
}

/// `error` without the `file: ` its message starts with.
fn without_file(file: &str, error: &ExperimentError) -> String {
    let full = error.to_string();
    full.strip_prefix(&format!("{file}: "))
        .unwrap_or(&full)
        .to_string()
}

/// Reads `runs` from the experiment text `text` run by run: the runs that read and check
/// cleanly, the damaged ones, and a note for each run whose clock was damaged and dropped
/// (the run opens without its times). `dataset` is the file's data set (a run's own is
/// checked).
pub(super) fn read_runs(file: &str, text: &[u8], dataset: &DatasetRef) -> ReadRuns {
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    let mut read = ReadRuns {
        runs: Vec::new(),
        damaged: Vec::new(),
        clock_notes: Vec::new(),
    };
    let Some(array) = locate(text, &[PathStep::Key("runs")]) else {
        return read;
    };
    for index in 0.. {
        let steps = [PathStep::Key("runs"), PathStep::Index(index)];
        let Some(span) = locate(text, &steps).filter(|s| s.end <= array.end) else {
            break;
        };
        let slice = &text[span.clone()];
        let name = serde_json::from_slice::<NameProbe>(slice)
            .ok()
            .and_then(|probe| probe.name);
        let prefix = format!("runs[{index}].");
        // A clock of the wrong shape: the run without it, and why the clock was dropped.
        let parsed = match serde_json::from_slice::<SavedRun>(slice) {
            Ok(run) => Ok((run, None)),
            Err(error) => {
                let error = json_error_at(file, text, span.start, &error);
                match without_clock(slice) {
                    Some(run) => Ok((run, Some(error))),
                    None => Err(error),
                }
            }
        };
        let result = parsed.and_then(|(mut run, clock_error)| {
            let clock_error = clock_error.or_else(|| {
                let error = run.clock.as_ref()?.check().err()?;
                Some(field_error(file, Some(text), &prefix, error))
            });
            if clock_error.is_some() {
                run.clock = None;
            }
            run.check(dataset)
                .map(|()| (run, clock_error))
                .map_err(|error| field_error(file, Some(text), &prefix, error))
        });
        match result {
            Ok((run, clock_error)) => {
                if let Some(error) = clock_error {
                    read.clock_notes.push(format!(
                        "{file}: run {:?}: its times were dropped ({}); on the seconds and \
                         wall-clock axes it is drawn only from where it trains on",
                        run.name,
                        without_file(file, &error)
                    ));
                }
                read.runs.push(run);
            }
            Err(error) => read.damaged.push(DamagedRun {
                file: file.to_string(),
                index,
                name,
                message: without_file(file, &error),
            }),
        }
    }
    read
}

impl SavedRun {
    /// Range checks of its settings (as the file's own) and [`ResumeState::check`].
    ///
    /// # Errors
    /// The first wrong field, its path relative to the run.
    pub fn check(&self, file_dataset: &DatasetRef) -> Result<(), FieldError> {
        check_layers(&self.train)?;
        check_optimizer(&self.train)?;
        check_dataset(self.dataset.as_ref().unwrap_or(file_dataset))?;
        check_history(self.history.as_ref())?;
        if let Some(color) = &self.color
            && parse_color(color).is_none()
        {
            return Err((
                "color".into(),
                format!("{color:?} is not a colour of the form #rrggbb"),
            ));
        }
        if let Some(clock) = &self.clock {
            clock.check()?;
        }
        self.check_tensors()?;
        match &self.resume {
            Some(resume) => resume.check(self.weights.as_ref(), &self.train),
            None => Ok(()),
        }
    }

    /// Each embedded tensor's data decode to exactly the values its shape holds.
    fn check_tensors(&self) -> Result<(), FieldError> {
        let Some(weights) = &self.weights else {
            return Ok(());
        };
        for (i, tensor) in weights.tensors.iter().enumerate() {
            let one = SavedWeights {
                model: String::new(),
                step: weights.step,
                epoch: weights.epoch,
                tensors: vec![tensor.clone()],
            };
            if let Err(error) = one.tensors("") {
                let message = error.to_string();
                let message = message.strip_prefix(": ").unwrap_or(&message).to_string();
                return Err((format!("weights.tensors[{i}].f32_base64"), message));
            }
        }
        Ok(())
    }

    /// Its colour as red, green and blue, when it has a valid one.
    pub fn rgb(&self) -> Option<[u8; 3]> {
        self.color.as_deref().and_then(parse_color)
    }
}

/// `#rrggbb` as bytes.
pub fn parse_color(text: &str) -> Option<[u8; 3]> {
    let hex = text.strip_prefix('#').filter(|h| h.len() == 6)?;
    let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// The name of the one run of a file without a `runs` list (the window and `--metrics` call
/// it so, and `--run` picks it by it).
pub const LONE_RUN_NAME: &str = "run 1";

/// `[r, g, b]` as `#rrggbb`.
pub fn color_text([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

impl Experiment {
    /// The runs to open: `runs` when the file has them, else the file itself as one run
    /// (id 0, named after the title or `run 1`).
    pub fn run_records(&self) -> Vec<SavedRun> {
        if !self.runs.is_empty() || !self.damaged_runs.is_empty() {
            return self.runs.clone();
        }
        let history = self.history.clone();
        let (steps, epoch) = self.weights.as_ref().map_or((0, 0), |w| (w.step, w.epoch));
        vec![SavedRun {
            id: 0,
            name: LONE_RUN_NAME.to_string(),
            color: None,
            ticked: true,
            parent: None,
            dataset: None,
            train: self.train.clone(),
            weights: self.weights.clone(),
            resume: self.resume.clone(),
            summary: RunSummary::of(
                history.as_ref().unwrap_or(&History::default()),
                steps,
                epoch,
            ),
            history,
            clock: None,
            changes: Vec::new(),
        }]
    }

    /// This experiment with `run`'s data set, settings, weights, resume block and history at
    /// the top level (what [`Experiment::session`] and `train --config` use).
    pub fn with_run_record(&self, run: &SavedRun) -> Experiment {
        let mut experiment = self.clone();
        if let Some(dataset) = &run.dataset {
            experiment.dataset = dataset.clone();
        }
        experiment.train = run.train.clone();
        experiment.weights = run.weights.clone();
        experiment.resume = run.resume.clone();
        experiment.history = run.history.clone();
        experiment.selected_run = Some(run.id);
        experiment
    }

    /// This experiment with the run named `name` at the top level (`train --config FILE
    /// --run NAME`).
    ///
    /// # Errors
    /// [`ExperimentError::Run`]: the run is damaged (with the reason) or there is none of that
    /// name (listing the names there are).
    pub fn with_run(&self, name: &str) -> Result<Experiment, ExperimentError> {
        let file = self.file_name();
        if let Some(run) = self.runs.iter().find(|r| r.name == name) {
            return Ok(self.with_run_record(run));
        }
        let lone = self.runs.is_empty() && self.damaged_runs.is_empty();
        if lone && name == LONE_RUN_NAME {
            return Ok(self.clone());
        }
        if let Some(damaged) = self
            .damaged_runs
            .iter()
            .find(|d| d.name.as_deref() == Some(name))
        {
            return Err(ExperimentError::Run {
                file,
                message: format!("{}: {}", damaged.label(), damaged.message),
            });
        }
        let names: Vec<String> = self.runs.iter().map(|r| format!("{:?}", r.name)).collect();
        let known = if lone {
            format!("the file holds one run, {LONE_RUN_NAME:?}")
        } else if names.is_empty() {
            "none of its runs opens".to_string()
        } else {
            format!("its runs are {}", names.join(", "))
        };
        Err(ExperimentError::Run {
            file,
            message: format!("there is no run {name:?} ({known})"),
        })
    }

    /// Checks `run` against its data: its weights fit the model and its `resume` counters
    /// fit the training split ([`ResumeState::check_on`]).
    ///
    /// # Errors
    /// A one-line reason naming the file and the run.
    pub fn check_run_on(&self, run: &SavedRun, data: &Dataset) -> Result<(), String> {
        let experiment = self.with_run_record(run);
        let named = |message: String| {
            let file = self.file_name();
            let message = message
                .strip_prefix(&format!("{file}: "))
                .map(str::to_string)
                .unwrap_or(message);
            format!("{file}: run {:?}: {message}", run.name)
        };
        experiment
            .saved_params(data)
            .map_err(|e| named(e.to_string()))?;
        if let Some(resume) = &run.resume {
            resume
                .check_on(data.train.len(), run.train.batch_size)
                .map_err(|(field, message)| named(format!("{field}: {message}")))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hand-edited clock is refused with a short number, not 301 digits.
    #[test]
    fn a_wild_clock_is_refused_in_a_few_characters() {
        let clock = SavedClock {
            started_at: -1e300,
            offset: 0.0,
            samples: Vec::new(),
        };
        assert_eq!(
            clock.check(),
            Err((
                "clock.started_at".to_string(),
                "-1e300 is not a Unix time".to_string()
            ))
        );
        assert_eq!(short(-5.5), "-5.5");
        assert_eq!(short(2.5e20), "2.5e20");
    }
}
