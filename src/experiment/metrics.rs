//! The loss and accuracy history of a run: kept in experiment files ([`History`]) and exported
//! as CSV ([`write_metrics_csv`]).
//!
//! # CSV layout
//!
//! One table, comma separated, with a header row and these columns:
//!
//! `run,kind,step,steps,epoch,train_loss,train_loss_min,train_loss_max,train_accuracy,test_loss,test_accuracy`
//!
//! - `run`: the run's name (the Runs table's; `run 1` for the command line's single run). The
//!   window writes every run of the lab, one after another in the table's order.
//! - `kind = step`: the training (minibatch) loss of `steps` consecutive steps starting at
//!   `step` (1-based). Short runs have one row per step (`steps = 1`, min = max = mean); long
//!   runs are kept in bounded memory by merging neighbouring steps, and then a row gives their
//!   exact mean (`train_loss`), minimum and maximum. `epoch` and the accuracy/test columns are
//!   empty.
//! - `kind = eval`: a whole-split evaluation after `step` steps and `epoch` completed epochs:
//!   `train_loss` and `train_accuracy` on the training split (the live view evaluates at most
//!   its first 1 000 samples), `test_loss` and `test_accuracy` on the whole test split. `steps`,
//!   `train_loss_min` and `train_loss_max` are empty, and so are the accuracies for regression
//!   and the test columns when the test split is empty.
//!
//! Within a run, rows are ordered by step; an evaluation comes after the step rows up to its
//! step. Losses are
//! softmax cross-entropy in nats (classification) or mean squared error (regression);
//! accuracies are fractions in [0, 1]. In pandas: `df[df.kind == "eval"].groupby("run")`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::atomic::{SaveError, write_atomically};
use crate::train::{EvalRecord, LossBucket, LossHistory, SplitMetrics};

/// Header of the metrics CSV (see the module docs).
pub const CSV_HEADER: [&str; 11] = [
    "run",
    "kind",
    "step",
    "steps",
    "epoch",
    "train_loss",
    "train_loss_min",
    "train_loss_max",
    "train_accuracy",
    "test_loss",
    "test_accuracy",
];

/// Training losses of consecutive steps: one step, or several merged exactly.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LossPoint {
    /// First step (1-based).
    pub step: u64,
    /// Number of steps (≥ 1).
    pub steps: u64,
    /// Mean minibatch loss of those steps.
    pub mean: f64,
    /// Smallest loss.
    pub min: f32,
    /// Largest loss.
    pub max: f32,
}

/// One whole-split evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvalPoint {
    /// Steps taken.
    pub step: u64,
    /// Completed epochs.
    pub epoch: u64,
    /// Loss on the training split (or its evaluated prefix).
    pub train_loss: Option<f64>,
    /// Accuracy on the training split, 0–1 (`None` for regression).
    pub train_accuracy: Option<f64>,
    /// Loss on the test split (`None` when it is empty).
    pub test_loss: Option<f64>,
    /// Accuracy on the test split, 0–1.
    pub test_accuracy: Option<f64>,
}

impl From<&EvalRecord> for EvalPoint {
    fn from(record: &EvalRecord) -> Self {
        let loss = |m: Option<SplitMetrics>| m.map(|m| m.loss);
        let accuracy = |m: Option<SplitMetrics>| m.and_then(|m| m.accuracy);
        Self {
            step: record.step,
            epoch: record.epoch,
            train_loss: loss(record.train),
            train_accuracy: accuracy(record.train),
            test_loss: loss(record.test),
            test_accuracy: accuracy(record.test),
        }
    }
}

impl EvalPoint {
    /// The worker's form of this evaluation.
    pub fn to_record(&self) -> EvalRecord {
        let split = |loss: Option<f64>, accuracy| loss.map(|loss| SplitMetrics { loss, accuracy });
        EvalRecord {
            step: self.step,
            epoch: self.epoch,
            train: split(self.train_loss, self.train_accuracy),
            test: split(self.test_loss, self.test_accuracy),
        }
    }
}

/// The loss curve and evaluations of a run, as stored in an experiment file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// Training losses, oldest first.
    #[serde(default)]
    pub losses: Vec<LossPoint>,
    /// Evaluations, oldest first.
    #[serde(default)]
    pub evals: Vec<EvalPoint>,
}

impl History {
    /// The history up to and including `step`: loss points that end after it and evaluations
    /// taken after it are left out. Saving a run pairs its history with weights the worker
    /// captured at `step`, while the window may already hold a little more; without the cut,
    /// a resumed run would repeat those steps.
    pub fn up_to(mut self, step: u64) -> Self {
        self.losses
            .retain(|p| p.step.saturating_add(p.steps.saturating_sub(1)) <= step);
        self.evals.retain(|e| e.step <= step);
        self
    }

    /// The window's (or the command line's) history in file form.
    pub fn new(losses: &LossHistory, evals: &[EvalRecord]) -> Self {
        Self {
            losses: losses
                .buckets()
                .iter()
                .map(|b| LossPoint {
                    step: b.first_step,
                    steps: b.count,
                    mean: b.mean(),
                    min: b.min,
                    max: b.max,
                })
                .collect(),
            evals: evals.iter().map(EvalPoint::from).collect(),
        }
    }

    /// The losses as a [`LossHistory`] with room for `capacity`…2·`capacity` buckets.
    pub fn loss_history(&self, capacity: usize) -> LossHistory {
        let buckets = self
            .losses
            .iter()
            .map(|p| LossBucket {
                first_step: p.step,
                count: p.steps,
                sum: p.mean * p.steps as f64,
                min: p.min,
                max: p.max,
            })
            .collect();
        LossHistory::from_buckets(buckets, capacity)
    }

    /// The evaluations in the worker's form.
    pub fn eval_records(&self) -> Vec<EvalRecord> {
        self.evals.iter().map(EvalPoint::to_record).collect()
    }
}

/// The CSV rows (without the header) of the run named `run` with `history`, in file order
/// (see the module docs).
pub fn metrics_rows(run: &str, history: &History) -> Vec<[String; 11]> {
    let number = |v: Option<f64>| v.map_or_else(String::new, |v| v.to_string());
    let eval_row = |e: &EvalPoint| {
        [
            run.to_string(),
            "eval".to_string(),
            e.step.to_string(),
            String::new(),
            e.epoch.to_string(),
            number(e.train_loss),
            String::new(),
            String::new(),
            number(e.train_accuracy),
            number(e.test_loss),
            number(e.test_accuracy),
        ]
    };
    let mut rows = Vec::with_capacity(history.losses.len() + history.evals.len());
    let mut evals = history.evals.iter().peekable();
    for point in &history.losses {
        while let Some(e) = evals.next_if(|e| e.step < point.step) {
            rows.push(eval_row(e));
        }
        rows.push([
            run.to_string(),
            "step".to_string(),
            point.step.to_string(),
            point.steps.to_string(),
            String::new(),
            point.mean.to_string(),
            point.min.to_string(),
            point.max.to_string(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    rows.extend(evals.map(eval_row));
    rows
}

/// Writes the histories of `runs` (name, history) as one CSV table (layout in the module
/// docs) to `path`, atomically, run after run in the order given.
///
/// # Errors
/// [`SaveError`] naming the file.
pub fn write_metrics_csv(path: &Path, runs: &[(&str, &History)]) -> Result<(), SaveError> {
    write_atomically(path, |out| {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(CSV_HEADER)?;
        for (name, history) in runs {
            for row in metrics_rows(name, history) {
                writer.write_record(&row)?;
            }
        }
        writer.flush()
    })
}
