//! The worker's side of checkpoints: taking them on schedule and on demand, rewinding to one,
//! handing one out to branch from, and starting a session from one (see
//! [`crate::train::checkpoint`]).

use std::sync::Arc;
use std::sync::mpsc::Sender;

use super::{Event, WorkerState};
use crate::data::Dataset;
use crate::nn::OptimizerExport;
use crate::train::checkpoint::{Checkpoint, branch_session};
use crate::train::session::{BatchPosition, TrainConfig};

/// What [`super::Command::StartFrom`] starts: a session continuing from a checkpoint.
#[derive(Clone)]
pub struct BranchSetup {
    /// The data (the parent's).
    pub data: Arc<Dataset>,
    /// Where the new run starts.
    pub checkpoint: Arc<Checkpoint>,
    /// The new run's settings: learning rate, optimizer, batch size, L2, epochs and early
    /// stopping are taken from here (see [`branch_session`]).
    pub config: TrainConfig,
}

impl WorkerState {
    /// Takes a scheduled checkpoint after a step, if one is due, and says so.
    pub(super) fn scheduled_checkpoint(&mut self) {
        if let Some(session) = &self.session
            && self.checkpoints.maybe_take(session)
        {
            self.emit(Event::Checkpoints(self.checkpoints.list()));
        }
    }

    /// Forgets the checkpoints (the run's past changed, e.g. other weights were loaded) and
    /// takes one of the current state.
    pub(super) fn restart_checkpoints(&mut self) {
        self.checkpoints.clear();
        if let Some(session) = &self.session {
            self.checkpoints.push(Checkpoint::of(session, false));
        }
        self.emit(Event::Checkpoints(self.checkpoints.list()));
    }

    /// Answers [`super::Command::CheckpointNow`].
    pub(super) fn checkpoint_now(&mut self) {
        if let Some(session) = &self.session {
            self.checkpoints.take_now(session);
            self.emit(Event::Checkpoints(self.checkpoints.list()));
            self.waker.wake();
        }
    }

    /// Answers [`super::Command::Restore`]: pauses, rewinds to the newest checkpoint at or
    /// before `step` and drops the later ones.
    pub(super) fn restore(&mut self, step: u64) {
        self.set_running(false);
        let Some(checkpoint) = self.checkpoints.at_or_before(step) else {
            self.emit(Event::Error(format!(
                "no checkpoint at or before step {step}"
            )));
            self.waker.wake();
            return;
        };
        let Some(session) = &mut self.session else {
            return;
        };
        match session.restore(&checkpoint.state) {
            Ok(()) => {
                self.pending = None;
                self.checkpoints.truncate_after(checkpoint.step());
                self.emit(Event::Rewound {
                    step: checkpoint.step(),
                    epoch: checkpoint.epoch(),
                });
                self.emit(Event::Checkpoints(self.checkpoints.list()));
                self.publish_views();
            }
            Err(message) => self.emit(Event::Error(message)),
        }
        self.waker.wake();
    }

    /// Answers [`super::Command::Branch`]: sends the newest checkpoint at or before `step`
    /// (nothing when there is none).
    pub(super) fn branch(&self, step: u64, reply: &Sender<Arc<Checkpoint>>) {
        if let Some(checkpoint) = self.checkpoints.at_or_before(step) {
            let _ = reply.send(checkpoint);
        }
    }

    /// Answers [`super::Command::StartFrom`]: replaces the session with one continuing from
    /// the checkpoint (paused), whose first checkpoint is that one.
    pub(super) fn start_from(&mut self, setup: BranchSetup) {
        self.set_running(false);
        match branch_session(setup.data, &setup.checkpoint, &setup.config) {
            Ok(mut session) => {
                self.pending = None;
                self.latest_eval = None;
                self.forget_health();
                session.set_monitor(self.views.health);
                self.emit(Event::SessionStarted {
                    steps_per_epoch: session.steps_per_epoch(),
                });
                let (step, epoch) = (session.step_count(), session.epoch());
                self.session = Some(session);
                self.restart_checkpoints();
                self.emit(Event::Progress { step, epoch });
                self.publish_views();
            }
            Err(message) => self.emit(Event::Error(message)),
        }
        self.waker.wake();
    }
}

/// What [`super::Command::Resume`] puts into the session: the counters, batch position and
/// optimizer state of a saved run (an experiment file's `resume` block), after its weights
/// were loaded with [`super::Command::LoadParams`].
#[derive(Clone, Debug)]
pub struct ResumePoint {
    /// Steps the saved run had taken.
    pub step: u64,
    /// Epochs it had completed.
    pub epoch: u64,
    /// Its batch position.
    pub position: BatchPosition,
    /// Its optimizer state.
    pub optimizer: OptimizerExport<f32>,
}

impl WorkerState {
    /// Answers [`super::Command::Resume`] (an [`Event::Error`] when the state does not fit).
    pub(super) fn resume(&mut self, point: &ResumePoint) {
        let Some(session) = &mut self.session else {
            return;
        };
        match session.resume(point.step, point.epoch, point.position, &point.optimizer) {
            Ok(()) => {
                self.forget_health();
                self.restart_checkpoints();
                self.emit(Event::Progress {
                    step: point.step,
                    epoch: point.epoch,
                });
                self.publish_views();
            }
            Err(message) => self.emit(Event::Error(message)),
        }
        self.waker.wake();
    }
}
