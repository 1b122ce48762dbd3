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

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::nn::{OptimizerExport, OptimizerKind, TensorOptimizerState};
use crate::train::{BatchPosition, Session};

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
}

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
        let export = session.optimizer_state();
        Self {
            step: session.step_count(),
            epoch: session.epoch(),
            batch: session.position(),
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
        }
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
