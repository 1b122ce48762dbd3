//! What the UI and the training thread say to each other: the [`Command`]s the UI sends and
//! the [`Event`]s the worker answers with, and what they carry.

use std::sync::Arc;
use std::sync::mpsc::Sender;

use nalgebra::DMatrix;

use super::checkpoints::{BranchSetup, ResumePoint};
use crate::data::Dataset;
use crate::nn::{ModelSpec, OptimizerConfig, OptimizerExport};
use crate::train::checkpoint::{Checkpoint, CheckpointList};
use crate::train::doctor::{ActivationStats, Diagnosis, GradCheckRow, GradNormRecord, Remedy};
use crate::train::session::{BatchPosition, EarlyStop, SplitMetrics, TrainConfig};
use crate::train::snapshot::ViewRequest;

/// What a new session is made of.
#[derive(Clone)]
pub struct SessionSetup {
    /// The data (shared with the UI, which draws its points).
    pub data: Arc<Dataset>,
    /// Layers, optimizer, batch size, stop condition, seed.
    pub config: TrainConfig,
}

/// Requests from the UI. Applied between two steps.
pub enum Command {
    /// Train continuously until paused, finished or diverged.
    Play,
    /// Stop after the current step.
    Pause,
    /// Take this many steps now, then pause.
    Step(u32),
    /// Pause, then take one step on these training rows, outside the epoch's schedule (the
    /// backprop stepper's samples; see [`crate::train::Session::step_on`]).
    StepOn(Vec<usize>),
    /// Throw the session away and start a new one (same seed = same weights and batch order).
    Reset(Box<SessionSetup>),
    /// New learning rate from the next step on.
    SetLearningRate(f64),
    /// New batch size from the next step on.
    SetBatchSize(usize),
    /// New optimizer (kind and hyper-parameters) from the next step on.
    SetOptimizer(OptimizerConfig),
    /// New stop condition in epochs (0 = none).
    SetEpochs(u64),
    /// Which heavy views to build.
    SetViews(ViewRequest),
    /// Most steps per second while playing (`None` = as fast as the machine goes).
    SetSpeed(Option<f64>),
    /// Replaces the current session's weights (e.g. read from an experiment file), in
    /// `Sequential::copy_params_into` order; counters and optimizer state are kept. Answered
    /// with [`Event::Error`] when they do not fit the model (the weights stay as they were).
    LoadParams(Vec<DMatrix<f32>>),
    /// Sets the current session's step and epoch counters (see [`Session::set_counters`]);
    /// answered with [`Event::Progress`].
    SetCounters {
        /// Steps taken.
        step: u64,
        /// Completed epochs.
        epoch: u64,
    },
    /// Sends the current weights, model, configuration and counters back on the channel (for
    /// saving); nothing is sent when there is no session.
    Capture(Sender<Captured>),
    /// New L2 coefficient λ from the next step on (see [`TrainConfig::l2`]).
    SetL2(f64),
    /// New early-stopping patience in epochs, 0 = off (see
    /// [`TrainConfig::early_stopping_patience`]).
    SetEarlyStopping(u32),
    /// Run a finite-difference gradient check of the current model on the last minibatch;
    /// answered by [`Event::GradCheck`].
    GradCheck,
    /// Take a checkpoint of the current state now; answered with [`Event::Checkpoints`].
    /// Scheduled checkpoints are taken at log-spaced steps (see [`crate::train::checkpoint`]).
    CheckpointNow,
    /// Pause and rewind to the newest checkpoint at or before this step, dropping the later
    /// checkpoints; answered with [`Event::Rewound`] (or [`Event::Error`] when there is none).
    Restore(u64),
    /// Send the newest checkpoint at or before this step on the channel, to branch a new run
    /// from it (nothing is sent when there is none).
    Branch(u64, Sender<Arc<Checkpoint>>),
    /// Replace the session with one continuing from a checkpoint (paused); answered like a
    /// [`Command::Reset`], with [`Event::Progress`] at the checkpoint's step.
    StartFrom(Box<BranchSetup>),
    /// Continue a saved run exactly: counters, batch position and optimizer state (after
    /// [`Command::LoadParams`] with its weights); answered with [`Event::Progress`].
    Resume(Box<ResumePoint>),
    /// Panics inside the worker. Exists so tests can check that a worker panic is reported and
    /// the app survives.
    SimulatePanic,
    /// End the thread.
    Shutdown,
}

/// The state of a session at one moment, as [`Command::Capture`] returns it.
#[derive(Clone, Debug, PartialEq)]
pub struct Captured {
    /// The model's layers.
    pub spec: ModelSpec,
    /// Every parameter tensor, in `Sequential::copy_params_into` order.
    pub params: Vec<DMatrix<f32>>,
    /// The configuration in force (live changes included).
    pub config: TrainConfig,
    /// Steps taken.
    pub step: u64,
    /// Completed epochs.
    pub epoch: u64,
    /// Where the batch order is (for an experiment file's `resume` block).
    pub position: BatchPosition,
    /// The optimizer's moments and step counts.
    pub optimizer: OptimizerExport<f32>,
    /// Samples in the training split.
    pub train_samples: usize,
}

/// Whether the worker is training.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunState {
    /// Training continuously.
    Running,
    /// Waiting for a command.
    Paused,
}

/// Losses of consecutive steps, in order: `losses[i]` belongs to step `first_step + i`.
#[derive(Clone, Debug, PartialEq)]
pub struct StepLosses {
    /// Step number of the first loss (steps count from 1).
    pub first_step: u64,
    /// Minibatch losses, all finite.
    pub losses: Vec<f32>,
}

/// A periodic evaluation on the whole training and test splits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EvalRecord {
    /// Steps taken at evaluation time.
    pub step: u64,
    /// Completed epochs at evaluation time.
    pub epoch: u64,
    /// Metrics on the training split.
    pub train: Option<SplitMetrics>,
    /// Metrics on the test split (`None` when it is empty).
    pub test: Option<SplitMetrics>,
}

/// News from the worker.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A new session started (after a Reset); the UI should clear its history.
    SessionStarted {
        /// Steps per epoch of the new session.
        steps_per_epoch: u64,
    },
    /// Losses of steps just taken. Every step appears exactly once.
    Steps(StepLosses),
    /// Counters after the last step.
    Progress {
        /// Steps taken.
        step: u64,
        /// Completed epochs.
        epoch: u64,
    },
    /// Whole-split metrics.
    Eval(EvalRecord),
    /// Running or paused.
    State(RunState),
    /// Training reached its epoch limit and paused.
    Finished {
        /// Completed epochs.
        epochs: u64,
    },
    /// A non-finite loss or update: training paused with the previous (finite) weights.
    Diverged {
        /// Step that failed.
        step: u64,
        /// "diverged at step N: lower the learning rate or normalise the inputs"
        /// ([`Session::divergence_message`]).
        message: String,
        /// The fixes to offer under it ([`Session::divergence_remedies`]).
        remedies: Vec<Remedy>,
    },
    /// Early stopping ended the run and restored the best weights.
    StoppedEarly(EarlyStop),
    /// What the training doctor sees (sent with the step losses while health is requested).
    Health(Box<HealthReport>),
    /// The answer to [`Command::GradCheck`].
    GradCheck(Box<GradCheckReport>),
    /// The checkpoints kept now (after one was taken, dropped or the run was rewound).
    Checkpoints(CheckpointList),
    /// The session was rewound to a checkpoint (training paused); the UI should drop the
    /// history after `step`.
    Rewound {
        /// Steps taken at the checkpoint.
        step: u64,
        /// Completed epochs at the checkpoint.
        epoch: u64,
    },
    /// A command could not be carried out (e.g. a reset with an empty training split).
    Error(String),
    /// The worker panicked; it waits for a Reset.
    Panicked(String),
}

/// The training doctor's view of the run, sent at most once per flush (~15 ms).
#[derive(Clone, Debug, PartialEq)]
pub struct HealthReport {
    /// Gradient norms of the newest step, if a step was taken since the last report.
    pub norms: Option<GradNormRecord>,
    /// Names of the layers the norms belong to (those with weights), input side first.
    pub layer_names: Vec<String>,
    /// Activation statistics of the latest evaluation.
    pub stats: Vec<ActivationStats>,
    /// What the detectors find now (see [`crate::train::doctor`]).
    pub diagnoses: Vec<Diagnosis>,
}

/// A finite-difference gradient check of the model at one step.
#[derive(Clone, Debug, PartialEq)]
pub struct GradCheckReport {
    /// Steps taken when the check ran.
    pub step: u64,
    /// Samples in the checked batch.
    pub batch: usize,
    /// One row per parameter tensor, or why the check could not run.
    pub rows: Result<Vec<GradCheckRow>, String>,
}

/// Elements compared per parameter tensor by [`Command::GradCheck`] (two forwards each).
pub const GRADCHECK_ELEMENTS: usize = 24;
