//! [`Action`]: what a panel asks the App to do. Panels draw from a read-only
//! [`crate::ui::View`] and return at most one action per frame; the App carries every action
//! out in one place (`ui/app/actions.rs`), so drawing stays apart from acting.

use std::path::PathBuf;
use std::sync::Arc;

use crate::data::{Dataset, ImportReport};
use crate::experiment::{DatasetRef, ExistingFiles, GifSettings};
use crate::train::doctor::{DetectorId, Remedy};
use crate::train::presets::Preset;
use crate::ui::runlist::RunAction;
use crate::ui::state::Settings;

/// A request from a panel to the App.
#[must_use]
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Train continuously.
    Play,
    /// Stop training.
    Pause,
    /// Take this many steps, then pause.
    Step(u32),
    /// Pause, then take one step on the training samples `first .. first + count` (those the
    /// backprop stepper follows, whose update it showed), outside the epoch's schedule.
    StepTraced {
        /// Index of the first sample in the training split.
        first: usize,
        /// Number of samples (1–8).
        count: usize,
    },
    /// Same settings, fresh weights from the seed.
    Reset,
    /// New settings. The App compares them with the ones in force: a new data set is built
    /// and starts a new session, a new model or seed starts a new session, and the learning
    /// rate, batch size, optimizer, epochs, speed, L2 and early stopping apply live.
    Settings(Box<Settings>),
    /// Open the file dialog for a data file (true: for a folder).
    OpenDialog(bool),
    /// Open this recently used file or folder in the import wizard.
    OpenRecent(PathBuf),
    /// The import wizard built a data set from this source (with the importer's report):
    /// train on it.
    Imported(Arc<Dataset>, Option<DatasetRef>, Option<Arc<ImportReport>>),
    /// Presentation mode on or off.
    TogglePresentation,
    /// Show the Help window.
    Help,
    /// Show the "Save & open" window.
    Files,
    /// Carry out a request of the "Save & open" window.
    File(FileRequest),
    /// Load a teaching preset (data and network; starts over).
    Preset(Preset),
    /// Open the backprop stepper window.
    OpenStepper,
    /// Run a gradient check on the current model (and open its window).
    GradCheck,
    /// Show test sample `n` in the feature-map view.
    ShowSample(usize),
    /// Show the feature maps of this drawn MNIST-style image (784 values in [0, 1]) instead
    /// of a sample; `None` goes back to the sample.
    DrawnDigit(Option<Arc<Vec<f32>>>),
    /// Explain this feature-map pixel's arithmetic (and show the tab that does).
    SelectPixel(PixelRef),
    /// Put these features on the decision boundary's horizontal and vertical axes.
    BoundaryAxes(usize, usize),
    /// Carry out a remedy offered for a training doctor's finding.
    Remedy(DetectorId, Remedy),
    /// Hide a training doctor's finding for the rest of the session.
    DismissFinding(DetectorId),
    /// Hide the message across the top.
    DismissBanner,
    /// Something the Runs panel asks for: a new run, select, tick, branch, rewind, …
    Runs(RunAction),
}

/// What the picture rows capture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PictureTarget {
    /// The whole window.
    Window,
    /// One panel, by its heading (e.g. `"Loss"`).
    Panel(String),
}

impl PictureTarget {
    /// Name shown in the picker.
    pub fn name(&self) -> &str {
        match self {
            PictureTarget::Window => "whole window",
            PictureTarget::Panel(name) => name,
        }
    }
}

/// A request for the app to carry out.
#[derive(Clone, Debug, PartialEq)]
pub enum FileRequest {
    /// Save an experiment file, with the current weights and history when `with_weights`.
    SaveExperiment {
        /// Destination.
        path: PathBuf,
        /// Include weights and history.
        with_weights: bool,
    },
    /// Open an experiment file.
    OpenExperiment(PathBuf),
    /// Write the weights as safetensors.
    ExportWeights(PathBuf),
    /// Load safetensors weights into the current model.
    ImportWeights(PathBuf),
    /// Write the metrics CSV.
    ExportMetrics(PathBuf),
    /// Write model.safetensors, split.json and a PyTorch train.py into a folder.
    ExportPytorch {
        /// The folder (created if missing).
        path: PathBuf,
        /// Refuse a folder that holds files, or write into it anyway (the command line's
        /// `--force`).
        existing: ExistingFiles,
    },
    /// Save a PNG of `target`.
    SavePng {
        /// Destination.
        path: PathBuf,
        /// What to capture.
        target: PictureTarget,
    },
    /// Record a GIF of `target`.
    RecordGif {
        /// Destination.
        path: PathBuf,
        /// What to capture.
        target: PictureTarget,
        /// Frame rate and length.
        settings: GifSettings,
    },
    /// Stop the GIF being recorded and write what was recorded so far.
    StopGif,
}

/// A pixel of a feature map: layer index in [`crate::train::FeatureMaps::layers`], channel, row and column
/// (all 0-based, as stored; the panels show them 1-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PixelRef {
    /// Index in [`crate::train::FeatureMaps::layers`].
    pub layer: usize,
    /// Channel of that layer.
    pub channel: usize,
    /// Row, 0 at the top.
    pub y: usize,
    /// Column, 0 at the left.
    pub x: usize,
}
