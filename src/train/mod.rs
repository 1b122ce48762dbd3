//! The training room: a [`Session`] (model + optimizer + data + counters) and the background
//! [`Worker`] thread that owns one, talking to the UI through commands, events and snapshots.

pub mod checkpoint;
mod defaults;
pub mod doctor;
pub mod history;
pub mod memory;
pub mod presets;
pub mod session;
pub mod snapshot;
pub mod worker;

pub use checkpoint::{
    Checkpoint, CheckpointList, CheckpointStore, DEFAULT_CHECKPOINT_BUDGET,
    DEFAULT_CHECKPOINT_EVERY, branch_session, is_scheduled,
};
pub use history::{LOSS_HISTORY_CAPACITY, LossBucket, LossHistory};
pub use session::{
    BatchPosition, Confusion, ConvBlock, EVAL_CHUNK, EarlyStop, Evaluation, HiddenLayer,
    MAX_HIDDEN_LAYERS, MAX_UNITS, Session, SessionState, SplitMetrics, StepOutcome, TrainConfig,
    overflowing_target,
};
pub use snapshot::{
    BoundaryGrid, DenseView, FeatureMaps, FittedCurve, KernelView, MapLayer, MapOp, NeuronMaps,
    Snapshot, TraceView, ViewRequest, build_snapshot,
};
pub use worker::{
    BranchSetup, Captured, Command, EvalRecord, Event, GradCheckReport, HealthReport, NoWaker,
    ResumePoint, RunState, SessionSetup, StepLosses, Waker, Worker,
};
