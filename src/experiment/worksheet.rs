//! A teacher's worksheet inside an experiment file: which window controls are locked or hidden
//! ([`ControlId`]) and a short text per step ([`WorksheetStep`]). Older files call it
//! `"lesson"`; the gradient-descent view (`--mode lesson`) is something else and keeps its name.

use serde::{Deserialize, Serialize};

/// A control of the window that a worksheet can lock (shown, not changeable) or hide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlId {
    /// Play / Pause.
    Play,
    /// Step and its step count.
    Step,
    /// Reset.
    Reset,
    /// Speed slider and "full speed".
    Speed,
    /// The data set picker.
    Dataset,
    /// Open data…, Open folder… and the recent files.
    OpenData,
    /// Noise of a generated set.
    Noise,
    /// Sample count of a generated set.
    Samples,
    /// Train/test split.
    TrainRatio,
    /// Seed of the data.
    DataSeed,
    /// Hidden layers: adding, removing, sizes.
    Layers,
    /// Activation of each layer.
    Activations,
    /// Convolution blocks and the Small CNN preset.
    ConvBlocks,
    /// Learning rate.
    LearningRate,
    /// Batch size.
    BatchSize,
    /// Optimizer kind.
    Optimizer,
    /// Momentum, β1, β2.
    OptimizerParams,
    /// Epoch limit.
    Epochs,
    /// Seed of the weights and batch order.
    Seed,
}

impl ControlId {
    /// Every control, in panel order.
    pub const ALL: [ControlId; 19] = [
        ControlId::Play,
        ControlId::Step,
        ControlId::Reset,
        ControlId::Speed,
        ControlId::Dataset,
        ControlId::OpenData,
        ControlId::Noise,
        ControlId::Samples,
        ControlId::TrainRatio,
        ControlId::DataSeed,
        ControlId::Layers,
        ControlId::Activations,
        ControlId::ConvBlocks,
        ControlId::LearningRate,
        ControlId::BatchSize,
        ControlId::Optimizer,
        ControlId::OptimizerParams,
        ControlId::Epochs,
        ControlId::Seed,
    ];
}

/// A teacher's worksheet: controls to lock or hide, and a short text for each step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Worksheet {
    /// Controls shown but not changeable.
    pub locked: Vec<ControlId>,
    /// Controls not shown at all.
    pub hidden: Vec<ControlId>,
    /// The worksheet's steps, in order.
    pub steps: Vec<WorksheetStep>,
}

impl Worksheet {
    /// True if `control` is locked (hidden controls count as locked too).
    pub fn is_locked(&self, control: ControlId) -> bool {
        self.locked.contains(&control) || self.hidden.contains(&control)
    }

    /// True if `control` is hidden.
    pub fn is_hidden(&self, control: ControlId) -> bool {
        self.hidden.contains(&control)
    }
}

/// One step of a worksheet.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorksheetStep {
    /// Heading, e.g. "1. Press Play".
    pub title: String,
    /// A few sentences (plain text; blank lines separate paragraphs).
    pub text: String,
}
