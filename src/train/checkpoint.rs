//! Checkpoints of a run: the whole training state at chosen steps, kept within a memory budget,
//! to rewind to or branch from.
//!
//! A [`Checkpoint`] is a [`SessionState`] (weights, optimizer moments and step counts, batch
//! order, RNG, counters, configuration). The loss history up to the checkpoint is not copied:
//! the run that owns the checkpoints already holds it, and a branch draws its parent's curve up
//! to the branch step.
//!
//! [`CheckpointStore`] takes them at log-spaced steps — 0, 10, 20, 50, 100, 200, 500, 1000, …
//! (1-2-5 per decade) up to `every`, then at every multiple of `every` — and on demand. When
//! the bytes held pass the budget it thins them: it drops the interior checkpoint whose
//! neighbours are closest together (the oldest on ties), again and again, so the ones left stay
//! evenly spread over the run; the first and the newest go last.

use std::sync::Arc;

use super::{Session, SessionState};

/// Default checkpoint budget of one run: 25 MiB, so eight runs stay within 200 MiB.
pub const DEFAULT_CHECKPOINT_BUDGET: usize = 25 << 20;
/// Default spacing of checkpoints after the log-spaced start, in steps.
pub const DEFAULT_CHECKPOINT_EVERY: u64 = 1000;

/// The training state of a run at one step.
#[derive(Clone)]
pub struct Checkpoint {
    /// Everything the following steps depend on.
    pub state: SessionState,
    /// Taken on demand ("checkpoint now") rather than by the schedule.
    pub on_demand: bool,
}

impl Checkpoint {
    /// The state of `session` now.
    pub fn of(session: &Session, on_demand: bool) -> Self {
        Self {
            state: session.state(),
            on_demand,
        }
    }

    /// Steps taken at the checkpoint.
    pub fn step(&self) -> u64 {
        self.state.step
    }

    /// Completed epochs at the checkpoint.
    pub fn epoch(&self) -> u64 {
        self.state.epoch
    }

    /// Bytes held (weights, optimizer moments, batch order).
    pub fn bytes(&self) -> usize {
        self.state.bytes()
    }
}

/// True when the schedule takes a checkpoint after `step`: 0, then 1, 2 and 5 times each power
/// of ten from 10 while below `every`, then every multiple of `every` (`every` = 0 is read as
/// 1000).
pub fn is_scheduled(step: u64, every: u64) -> bool {
    let every = if every == 0 {
        DEFAULT_CHECKPOINT_EVERY
    } else {
        every
    };
    if step.is_multiple_of(every) {
        return true;
    }
    if step >= every || step < 10 {
        return false;
    }
    let mut decade = 10;
    while decade <= step {
        if step == decade || step == 2 * decade || step == 5 * decade {
            return true;
        }
        decade *= 10;
    }
    false
}

/// Summary of a store for the UI: where the checkpoints are and what they cost.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckpointList {
    /// Steps of the kept checkpoints, ascending.
    pub steps: Vec<u64>,
    /// Bytes they hold together.
    pub bytes: usize,
    /// The budget they are kept within.
    pub budget: usize,
}

/// The checkpoints of one run, oldest first, within a memory budget.
pub struct CheckpointStore {
    checkpoints: Vec<Arc<Checkpoint>>,
    bytes: usize,
    budget: usize,
    every: u64,
}

impl Default for CheckpointStore {
    fn default() -> Self {
        Self::new(DEFAULT_CHECKPOINT_BUDGET, DEFAULT_CHECKPOINT_EVERY)
    }
}

impl CheckpointStore {
    /// An empty store keeping at most `budget` bytes, with scheduled checkpoints spaced
    /// `every` steps apart after the log-spaced start (see [`is_scheduled`]).
    pub fn new(budget: usize, every: u64) -> Self {
        Self {
            checkpoints: Vec::new(),
            bytes: 0,
            budget,
            every,
        }
    }

    /// Takes a checkpoint of `session` if its step is on the schedule and not yet kept.
    /// Returns true when one was taken.
    pub fn maybe_take(&mut self, session: &Session) -> bool {
        let step = session.step_count();
        if !is_scheduled(step, self.every) || self.last_step() == Some(step) {
            return false;
        }
        self.push(Checkpoint::of(session, false));
        true
    }

    /// Takes a checkpoint of `session` now (replacing one at the same step) and returns it.
    pub fn take_now(&mut self, session: &Session) -> Arc<Checkpoint> {
        self.push(Checkpoint::of(session, true));
        let newest = self.checkpoints.last().cloned();
        newest.unwrap_or_else(|| Arc::new(Checkpoint::of(session, true)))
    }

    /// Adds `checkpoint` as the newest (dropping any at or after its step), then thins to the
    /// budget.
    pub fn push(&mut self, checkpoint: Checkpoint) {
        match checkpoint.step() {
            0 => self.clear(),
            step => self.truncate_after(step - 1),
        }
        self.bytes += checkpoint.bytes();
        self.checkpoints.push(Arc::new(checkpoint));
        self.thin();
    }

    /// Drops every checkpoint after `step` (when a run is rewound and continues differently).
    pub fn truncate_after(&mut self, step: u64) {
        while self.checkpoints.last().is_some_and(|c| c.step() > step) {
            if let Some(dropped) = self.checkpoints.pop() {
                self.bytes -= dropped.bytes();
            }
        }
    }

    /// Forgets every checkpoint.
    pub fn clear(&mut self) {
        self.checkpoints.clear();
        self.bytes = 0;
    }

    /// Drops checkpoints until the bytes held fit the budget: each time the interior one
    /// whose neighbours are closest together (the oldest on ties); with two or fewer left, the
    /// oldest.
    fn thin(&mut self) {
        while self.bytes > self.budget && !self.checkpoints.is_empty() {
            let n = self.checkpoints.len();
            let index = if n <= 2 {
                0
            } else {
                (1..n - 1)
                    .min_by_key(|&i| {
                        self.checkpoints[i + 1].step() - self.checkpoints[i - 1].step()
                    })
                    .unwrap_or(1)
            };
            let dropped = self.checkpoints.remove(index);
            self.bytes -= dropped.bytes();
        }
    }

    /// The newest checkpoint at or before `step`.
    pub fn at_or_before(&self, step: u64) -> Option<Arc<Checkpoint>> {
        self.checkpoints
            .iter()
            .rev()
            .find(|c| c.step() <= step)
            .cloned()
    }

    /// Step of the newest checkpoint.
    pub fn last_step(&self) -> Option<u64> {
        self.checkpoints.last().map(|c| c.step())
    }

    /// The kept checkpoints, oldest first.
    pub fn checkpoints(&self) -> &[Arc<Checkpoint>] {
        &self.checkpoints
    }

    /// Bytes held by the kept checkpoints (never above [`CheckpointStore::budget`] after a
    /// push).
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The budget in bytes.
    pub fn budget(&self) -> usize {
        self.budget
    }

    /// Steps, bytes and budget, for the UI.
    pub fn list(&self) -> CheckpointList {
        CheckpointList {
            steps: self.checkpoints.iter().map(|c| c.step()).collect(),
            bytes: self.bytes,
            budget: self.budget,
        }
    }
}

/// A session on `data` continuing from `checkpoint` with the settings of `config` that may
/// change mid-run (learning rate, optimizer, batch size, L2, epochs, early stopping); layers,
/// seed and initial gain stay the checkpoint's. With `config` equal to the checkpoint's own
/// configuration, the new session takes exactly the steps the parent took after the
/// checkpoint. A changed optimizer kind or constant starts with fresh moments (as the live
/// control does, [`Session::set_optimizer`]).
///
/// # Errors
/// [`Session::from_state`]'s (e.g. data of another size).
pub fn branch_session(
    data: Arc<crate::data::Dataset>,
    checkpoint: &Checkpoint,
    config: &super::TrainConfig,
) -> Result<Session, String> {
    let mut session = Session::from_state(data, &checkpoint.state)?;
    session.set_optimizer(config.optimizer);
    session.set_batch_size(config.batch_size);
    session.set_l2(config.l2);
    session.set_epochs(config.epochs);
    session.set_early_stopping(config.early_stopping_patience);
    Ok(session)
}
