//! The `resume` block of an experiment file (format version 2): what a run needs besides its
//! weights to continue exactly — the optimizer's moments and step counts and the batch
//! position.
//!
//! ```json
//! "resume": { "step": 700, "epoch": 100,
//!             "batch": { "seed": 1, "shuffles": 101, "cursor": 0 },
//!             "optimizer": { "steps": 700, "tensors": [
//!               { "shape": [2, 16], "kind": "Adam", "steps": 700,
//!                 "first_f32_base64": "…", "second_f32_base64": "…" } ] } }
//! ```
//!
//! Moments are stored like the weights: little-endian F32 bytes in standard base64, so they
//! come back bit for bit (decimal text would round). A file without the block (every version-1
//! file) continues from its weights with fresh moments at the start of an epoch.
//!
//! # Consistency
//!
//! The counters say the same thing several times, so an edited block is caught rather than
//! continuing silently from a wrong place ([`ResumeState::check`], [`ResumeState::check_on`]):
//!
//! - `step` and `epoch` equal the `weights` block's (`resume` without `weights` is refused);
//! - `batch.shuffles = epoch + 1` (one shuffle at the start, one at every epoch end) and
//!   `batch.seed` = `train.seed`;
//! - with n training samples in batches of b: `batch.cursor` is a multiple of b below n, and
//!   `step = epoch · ⌈n / b⌉ + cursor / b`;
//! - `optimizer.steps` ≤ `step` (a changed optimizer starts counting again), every tensor took
//!   `optimizer.steps` updates with the rule of `train.optimizer.kind`, and the tensors have
//!   the model's shapes.
//!
//! A run whose counters do not follow from one batch size (the batch size changed during the
//! run, the backprop stepper took a step on the samples it showed, or it continued a
//! version-1 file) is saved with `"unchecked": "<why>"`; its step,
//! epoch, shuffle and cursor relations are then not checked.

use base64::Engine;
use serde::{Deserialize, Serialize};

use super::weights::SavedWeights;
use crate::nn::{OptimizerExport, OptimizerKind, TensorOptimizerState};
use crate::train::{BatchPosition, Session, TrainConfig};

/// Everything besides the weights that [`Session::resume`] needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResumeState {
    /// Steps taken when saved.
    pub step: u64,
    /// Completed epochs when saved.
    pub epoch: u64,
    /// Seed, shuffle count and cursor of the batch order.
    pub batch: BatchPosition,
    /// The optimizer's running state.
    pub optimizer: SavedOptimizer,
    /// Why the step, epoch, shuffle and cursor relations of the module docs do not hold for
    /// this run (e.g. its batch size changed), when they do not; they are then not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unchecked: Option<String>,
}

/// A field of an experiment file that is wrong: (field path, message).
pub type FieldError = (String, String);

/// [`OptimizerExport`] with its moments as base64.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedOptimizer {
    /// Updates taken by the optimizer.
    pub steps: u64,
    /// One entry per parameter tensor, in parameter order.
    pub tensors: Vec<SavedOptimizerTensor>,
}

/// One tensor's optimizer state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedOptimizerTensor {
    /// Shape [rows, columns] of the parameter tensor.
    pub shape: [usize; 2],
    /// The rule the moments belong to (`null` before the first update).
    pub kind: Option<OptimizerKind>,
    /// Updates this tensor's state has taken.
    pub steps: u64,
    /// First moment / velocity / mean square, little-endian F32 in base64 (empty for SGD).
    #[serde(default)]
    pub first_f32_base64: String,
    /// Adam's second moment, little-endian F32 in base64 (empty otherwise).
    #[serde(default)]
    pub second_f32_base64: String,
}

fn encode(values: &[f32]) -> String {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn decode(text: &str, field: &str) -> Result<Vec<f32>, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.as_bytes())
        .map_err(|e| format!("{field} is not valid base64 ({e})"))?;
    if bytes.len() % 4 != 0 {
        return Err(format!(
            "{field} holds {} bytes, not a whole number of f32 values",
            bytes.len()
        ));
    }
    Ok(bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect())
}

impl ResumeState {
    /// The state of `session` now.
    pub fn of(session: &Session) -> Self {
        Self::from_parts(
            session.step_count(),
            session.epoch(),
            session.position(),
            &session.optimizer_state(),
            session.config(),
            session.data().train.len(),
        )
    }

    /// The block of a run that took `step` steps and `epoch` epochs, is at `position` with
    /// optimizer state `export`, and trains with `config` on `train_samples` samples. Sets
    /// [`ResumeState::unchecked`] when the counters do not follow from `config.batch_size`
    /// (see the module docs).
    pub fn from_parts(
        step: u64,
        epoch: u64,
        position: BatchPosition,
        export: &OptimizerExport<f32>,
        config: &TrainConfig,
        train_samples: usize,
    ) -> Self {
        let mut state = Self {
            step,
            epoch,
            batch: position,
            optimizer: SavedOptimizer {
                steps: export.steps,
                tensors: export
                    .tensors
                    .iter()
                    .map(|t| SavedOptimizerTensor {
                        shape: [t.shape.0, t.shape.1],
                        kind: t.kind,
                        steps: t.steps,
                        first_f32_base64: encode(&t.first),
                        second_f32_base64: encode(&t.second),
                    })
                    .collect(),
            },
            unchecked: None,
        };
        let follows = state.check_counters(config.seed).is_ok()
            && state
                .check_on(train_samples, config.batch_size.max(1))
                .is_ok();
        if !follows {
            state.unchecked = Some(
                "the step, epoch and batch position do not follow from one batch size \
                 (it changed during the run, the backprop stepper took a step on the samples \
                 it showed, or the run continued a version-1 file)"
                    .to_string(),
            );
        }
        state
    }

    /// The optimizer state as plain data.
    ///
    /// # Errors
    /// `resume.optimizer.tensors[i].first_f32_base64: …` for text that is not base64 or not a
    /// whole number of values.
    pub fn optimizer_export(&self) -> Result<OptimizerExport<f32>, String> {
        let mut tensors = Vec::with_capacity(self.optimizer.tensors.len());
        for (i, t) in self.optimizer.tensors.iter().enumerate() {
            let field = |name: &str| format!("resume.optimizer.tensors[{i}].{name}");
            tensors.push(TensorOptimizerState {
                shape: (t.shape[0], t.shape[1]),
                kind: t.kind,
                steps: t.steps,
                first: decode(&t.first_f32_base64, &field("first_f32_base64"))?,
                second: decode(&t.second_f32_base64, &field("second_f32_base64"))?,
            });
        }
        Ok(OptimizerExport {
            steps: self.optimizer.steps,
            tensors,
        })
    }

    /// Puts the counters, batch position and optimizer state into `session` (whose weights
    /// are already the saved ones).
    ///
    /// # Errors
    /// A one-line reason starting `resume:` when the state does not fit the session.
    pub fn apply(&self, session: &mut Session) -> Result<(), String> {
        let optimizer = self.optimizer_export()?;
        session
            .resume(self.step, self.epoch, self.batch, &optimizer)
            .map_err(|e| format!("resume: {e}"))
    }
}

impl ResumeState {
    /// Checks the block against itself, the weights it belongs to and the training settings
    /// (everything of the module docs' list that needs no data).
    ///
    /// # Errors
    /// The first inconsistent field, e.g. `("resume.epoch", "60, but the weights were saved
    /// after epoch 100")`.
    pub fn check(
        &self,
        weights: Option<&SavedWeights>,
        train: &TrainConfig,
    ) -> Result<(), FieldError> {
        let Some(weights) = weights else {
            return Err((
                "resume".into(),
                "there are no weights to continue (a resume block belongs to a weights block)"
                    .into(),
            ));
        };
        if self.step != weights.step {
            return Err((
                "resume.step".into(),
                format!(
                    "{}, but the weights were saved at step {}",
                    self.step, weights.step
                ),
            ));
        }
        if self.epoch != weights.epoch {
            return Err((
                "resume.epoch".into(),
                format!(
                    "{}, but the weights were saved after epoch {}",
                    self.epoch, weights.epoch
                ),
            ));
        }
        self.check_optimizer(train.optimizer.kind)?;
        if self.unchecked.is_none() {
            self.check_counters(train.seed)?;
        }
        Ok(())
    }

    /// `optimizer.steps` ≤ `step`; every tensor took that many updates with `kind`'s rule.
    fn check_optimizer(&self, kind: OptimizerKind) -> Result<(), FieldError> {
        let optimizer = &self.optimizer;
        if optimizer.steps > self.step {
            return Err((
                "resume.optimizer.steps".into(),
                format!(
                    "{} updates, more than the {} steps taken",
                    optimizer.steps, self.step
                ),
            ));
        }
        if optimizer.tensors.is_empty() && optimizer.steps > 0 {
            return Err((
                "resume.optimizer.tensors".into(),
                format!("empty, but the optimizer took {} updates", optimizer.steps),
            ));
        }
        for (i, tensor) in optimizer.tensors.iter().enumerate() {
            if tensor.steps != optimizer.steps {
                return Err((
                    format!("resume.optimizer.tensors[{i}].steps"),
                    format!(
                        "{}, but resume.optimizer.steps is {}",
                        tensor.steps, optimizer.steps
                    ),
                ));
            }
            if tensor.kind.is_some_and(|k| k != kind) || (tensor.kind.is_none() && tensor.steps > 0)
            {
                let found = tensor.kind.map_or("null", OptimizerKind::name);
                return Err((
                    format!("resume.optimizer.tensors[{i}].kind"),
                    format!(
                        "{found}, but the optimizer is {} (train.optimizer.kind)",
                        kind.name()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// `batch.shuffles = epoch + 1` and `batch.seed` = the run's `seed`.
    fn check_counters(&self, seed: u64) -> Result<(), FieldError> {
        if self.batch.shuffles != self.epoch.saturating_add(1) {
            return Err((
                "resume.batch.shuffles".into(),
                format!(
                    "{}, but after {} epochs the batch order has been shuffled {} times \
                     (once at the start and at every epoch end)",
                    self.batch.shuffles,
                    self.epoch,
                    self.epoch.saturating_add(1)
                ),
            ));
        }
        if self.batch.seed != seed {
            return Err((
                "resume.batch.seed".into(),
                format!("{}, but train.seed is {seed}", self.batch.seed),
            ));
        }
        Ok(())
    }

    /// The relations that need the data: with `train_samples` (n) samples in batches of
    /// `batch_size` (b), the cursor is a multiple of b below n and
    /// `step = epoch · ⌈n / b⌉ + cursor / b` (not checked for an [`ResumeState::unchecked`]
    /// run, except the cursor's bound).
    ///
    /// # Errors
    /// The first inconsistent field.
    pub fn check_on(&self, train_samples: usize, batch_size: usize) -> Result<(), FieldError> {
        let (n, b) = (train_samples as u64, batch_size.max(1) as u64);
        let cursor = self.batch.cursor as u64;
        if cursor >= n {
            return Err((
                "resume.batch.cursor".into(),
                format!("{cursor} is past the training split ({n} samples)"),
            ));
        }
        if self.unchecked.is_some() {
            return Ok(());
        }
        if !cursor.is_multiple_of(b) {
            return Err((
                "resume.batch.cursor".into(),
                format!("{cursor} is not a multiple of the batch size {b}"),
            ));
        }
        let per_epoch = n.div_ceil(b);
        let expected = self
            .epoch
            .saturating_mul(per_epoch)
            .saturating_add(cursor / b);
        if self.step != expected {
            return Err((
                "resume.step".into(),
                format!(
                    "{}, but {} epochs of {per_epoch} steps ({n} samples in batches of {b}) \
                     plus the cursor at {cursor} ({} batch{}) make {expected}",
                    self.step,
                    self.epoch,
                    cursor / b,
                    if cursor / b == 1 { "" } else { "es" }
                ),
            ));
        }
        Ok(())
    }
}
