//! A session's whole training state — weights, optimizer moments, batch order, RNG and
//! counters — taken out and put back, so that a run can be checkpointed, rewound, branched and
//! resumed exactly.
//!
//! Two forms:
//! - [`SessionState`], in memory: a clone of everything, restored with
//!   [`Session::restore`] (checkpoints and branches in the window).
//! - [`BatchPosition`] + [`crate::nn::OptimizerExport`], plain data for a file: the batch
//!   order's RNG cannot be serialised, so the position records the seed and how many shuffles
//!   were drawn, and [`Session::resume`] replays them (the order after `k` shuffles of
//!   `0..n` with the same seeded generator is the same permutation, bit for bit).

use std::sync::Arc;

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use super::{EarlyStopState, ORDER_SEED_SALT, Session, TrainConfig};
use crate::data::Dataset;
use crate::nn::{Optimizer, OptimizerExport};

/// Most shuffles [`Session::resume`] replays (a damaged file must not hang the program).
const MAX_SHUFFLES: u64 = 10_000_000;
/// Most element swaps (shuffles × training samples) [`Session::resume`] replays.
const MAX_REPLAY_SWAPS: u64 = 4_000_000_000;

/// Everything [`Session::step`] depends on, copied out of a session at one step.
#[derive(Clone)]
pub struct SessionState {
    /// The configuration in force (live changes included).
    pub config: TrainConfig,
    /// Every parameter tensor, in `Sequential::copy_params_into` order.
    pub params: Vec<DMatrix<f32>>,
    /// The optimizer with its moments and step counts.
    pub optimizer: Optimizer<f32>,
    order_rng: StdRng,
    order: Vec<usize>,
    /// Where in the batch order the next step starts, and how the order was drawn.
    pub position: BatchPosition,
    /// Steps taken.
    pub step: u64,
    /// Completed epochs.
    pub epoch: u64,
}

impl SessionState {
    /// Bytes held by the weights, the optimizer moments and the batch order (the figure a
    /// checkpoint budget counts).
    pub fn bytes(&self) -> usize {
        let params: usize = self.params.iter().map(|p| p.len() * 4).sum();
        params + self.optimizer.state_bytes() + self.order.len() * std::mem::size_of::<usize>()
    }
}

/// Where a session is in its batch order, as plain data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchPosition {
    /// Seed of the batch order (the session's `config.seed` when it was built).
    pub seed: u64,
    /// Shuffles of `0..n` drawn so far (1 for a fresh session, +1 at every epoch end).
    pub shuffles: u64,
    /// Index in the current order of the first sample of the next batch.
    pub cursor: usize,
}

impl Session {
    /// A copy of everything the next steps depend on (see [`Session::restore`]).
    pub fn state(&self) -> SessionState {
        let mut params = Vec::new();
        self.model.copy_params_into(&mut params);
        SessionState {
            config: self.config.clone(),
            params,
            optimizer: self.optimizer.clone(),
            order_rng: self.order_rng.clone(),
            order: self.order.clone(),
            position: self.position(),
            step: self.step,
            epoch: self.epoch,
        }
    }

    /// The batch position as plain data (for an experiment file).
    pub fn position(&self) -> BatchPosition {
        BatchPosition {
            seed: self.order_seed,
            shuffles: self.shuffles,
            cursor: self.cursor,
        }
    }

    /// The optimizer's running state as plain data (for an experiment file).
    pub fn optimizer_state(&self) -> OptimizerExport<f32> {
        self.optimizer.export()
    }

    /// Puts `state` back: weights, optimizer, batch order, RNG, counters and configuration.
    /// From here the session takes exactly the steps it took after `state` was copied.
    /// Early-stopping book-keeping starts afresh.
    ///
    /// # Errors
    /// A one-line reason when the weights do not fit the model or the batch order belongs to a
    /// training split of another size; the session is then unchanged.
    pub fn restore(&mut self, state: &SessionState) -> Result<(), String> {
        if state.order.len() != self.data.train.len() {
            return Err(format!(
                "the checkpoint's batch order covers {} samples, the training split has {}",
                state.order.len(),
                self.data.train.len()
            ));
        }
        self.load_params(&state.params)?;
        self.config = state.config.clone();
        self.optimizer = state.optimizer.clone();
        self.order_rng = state.order_rng.clone();
        self.order = state.order.clone();
        self.order_seed = state.position.seed;
        self.shuffles = state.position.shuffles;
        self.cursor = state.position.cursor;
        self.step = state.step;
        self.epoch = state.epoch;
        self.batch_indices.clear();
        self.early = EarlyStopState::default();
        Ok(())
    }

    /// A session on `data` in `state` (see [`Session::restore`]).
    ///
    /// # Errors
    /// [`Session::new`]'s and [`Session::restore`]'s.
    pub fn from_state(data: Arc<Dataset>, state: &SessionState) -> Result<Self, String> {
        let mut session = Self::new(data, state.config.clone())?;
        session.restore(state)?;
        Ok(session)
    }

    /// Continues a saved run: the counters, the batch position (replaying the shuffles from
    /// its seed) and the optimizer state. The weights are loaded separately
    /// ([`Session::load_params`]).
    ///
    /// # Errors
    /// A one-line reason when the cursor is past the training split, the shuffle count is
    /// beyond what can be replayed (more than 10⁷ shuffles or 4·10⁹ swaps), or the optimizer
    /// state does not fit ([`Optimizer::import`]); the session is then unchanged.
    pub fn resume(
        &mut self,
        step: u64,
        epoch: u64,
        position: BatchPosition,
        optimizer: &OptimizerExport<f32>,
    ) -> Result<(), String> {
        let n = self.data.train.len();
        if position.cursor >= n {
            return Err(format!(
                "batch position {} is past the training split ({n} samples)",
                position.cursor
            ));
        }
        if position.shuffles == 0
            || position.shuffles > MAX_SHUFFLES
            || position.shuffles.saturating_mul(n as u64) > MAX_REPLAY_SWAPS
        {
            return Err(format!(
                "{} shuffles of {n} samples cannot be replayed (1 to {MAX_SHUFFLES}, at most {MAX_REPLAY_SWAPS} swaps)",
                position.shuffles
            ));
        }
        let mut fresh = Optimizer::new(self.config.optimizer);
        fresh.import(optimizer)?;
        let mut rng = StdRng::seed_from_u64(position.seed ^ ORDER_SEED_SALT);
        let mut order: Vec<usize> = (0..n).collect();
        for _ in 0..position.shuffles {
            order.shuffle(&mut rng);
        }
        self.optimizer = fresh;
        self.order_rng = rng;
        self.order = order;
        self.order_seed = position.seed;
        self.shuffles = position.shuffles;
        self.cursor = position.cursor;
        self.step = step;
        self.epoch = epoch;
        self.batch_indices.clear();
        Ok(())
    }
}
