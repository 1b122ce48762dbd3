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
//! - Each run is read on its own: JSON of the wrong shape, a value out of range or an
//!   inconsistent `resume` block leaves that run out, and [`DamagedRun`] says why
//!   (`exp.json: run "lr 0.1": line 40, column 19: resume.epoch: 60, but …`); the others open.

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

/// Reads `runs` from the experiment text `text` run by run: the runs that read and check
/// cleanly, and the damaged ones. `dataset` is the file's data set (a run's own is checked).
pub(super) fn read_runs(
    file: &str,
    text: &[u8],
    dataset: &DatasetRef,
) -> (Vec<SavedRun>, Vec<DamagedRun>) {
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    let Some(array) = locate(text, &[PathStep::Key("runs")]) else {
        return (Vec::new(), Vec::new());
    };
    let mut runs = Vec::new();
    let mut damaged = Vec::new();
    for index in 0.. {
        let steps = [PathStep::Key("runs"), PathStep::Index(index)];
        let Some(span) = locate(text, &steps).filter(|s| s.end <= array.end) else {
            break;
        };
        let slice = &text[span.clone()];
        let name = serde_json::from_slice::<NameProbe>(slice)
            .ok()
            .and_then(|probe| probe.name);
        let result = match serde_json::from_slice::<SavedRun>(slice) {
            Ok(run) => run
                .check(dataset)
                .map(|()| run)
                .map_err(|error| field_error(file, Some(text), &format!("runs[{index}]."), error)),
            Err(error) => {
                let (line, column) = line_column(text, span.start);
                let at_line = error.line() + line - 1;
                let at_column = if error.line() == 1 {
                    error.column() + column - 1
                } else {
                    error.column()
                };
                let message = error.to_string();
                let suffix = format!(" at line {} column {}", error.line(), error.column());
                let message = message.strip_suffix(&suffix).unwrap_or(&message);
                Err(ExperimentError::Json {
                    file: file.to_string(),
                    line: at_line,
                    column: at_column,
                    message: message.to_string(),
                })
            }
        };
        match result {
            Ok(run) => runs.push(run),
            Err(error) => {
                let full = error.to_string();
                let message = full
                    .strip_prefix(&format!("{file}: "))
                    .unwrap_or(&full)
                    .to_string();
                damaged.push(DamagedRun {
                    file: file.to_string(),
                    index,
                    name,
                    message,
                });
            }
        }
    }
    (runs, damaged)
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
        match &self.resume {
            Some(resume) => resume.check(self.weights.as_ref(), &self.train),
            None => Ok(()),
        }
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
            name: "run 1".to_string(),
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
        let known = if names.is_empty() {
            "the file holds one unnamed run".to_string()
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
