//! The experiment file: everything needed to repeat or continue a run, as JSON.
//!
//! ```json
//! {
//!   "format_version": 3,
//!   "title": "Spiral with two tanh layers",
//!   "dataset": { "synth": { "kind": "Spiral", "samples": 400, "noise": 0.1,
//!                            "train_ratio": 0.5, "seed": 0 } },
//!   "train": { "conv": [], "hidden": [ { "units": 16, "activation": "Tanh" } ],
//!              "optimizer": { "kind": "Adam", "learning_rate": 0.01, "momentum": 0.9,
//!                             "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8 },
//!              "batch_size": 32, "epochs": 300, "seed": 1 },
//!   "view": { "steps_per_second": 600.0, "full_speed": false },
//!   "weights": { "model": "dense16,tanh,dense2", "step": 2100, "epoch": 300,
//!                "tensors": [ { "name": "0.weight", "shape": [16, 2], "f32_base64": "…" } ] },
//!   "history": { "losses": [ { "step": 1, "steps": 1, "mean": 0.69, "min": 0.69, "max": 0.69 } ],
//!                "evals": [ { "step": 7, "epoch": 1, "train_loss": 0.68, "train_accuracy": 0.55,
//!                             "test_loss": 0.69, "test_accuracy": 0.52 } ] },
//!   "resume": { "step": 2100, "epoch": 300, "batch": { "seed": 1, "shuffles": 301, "cursor": 0 },
//!               "optimizer": { "steps": 2100, "tensors": [ … ] } },
//!   "selected_run": 1,
//!   "runs": [ { "id": 0, "name": "run 1", "color": "#1f77b4", "train": { … }, "weights": { … },
//!               "history": { … }, "resume": { … }, "summary": { "steps": 2100, … } },
//!             { "id": 1, "name": "run 1 @500", "parent": { "id": 0, "step": 500 }, … } ],
//!   "worksheet": { "locked": ["dataset", "layers"], "hidden": ["seed"],
//!               "steps": [ { "title": "Press Play", "text": "Watch the boundary bend." } ] }
//! }
//! ```
//!
//! - `dataset` is one of `{"synth": SynthConfig}`, `{"iris": {"train_ratio", "seed"}}`,
//!   `"mnist"` (the bundled digits) or `{"file": {"path", "import"}}`. A file path is written
//!   relative to the experiment file when it has a common folder with it, and read relative to
//!   the experiment file's folder.
//! - `train` is [`TrainConfig`]; missing fields take [`TrainConfig::default`]'s values.
//! - `resume` (version 2) holds the optimizer's moments and the batch position, so that a run
//!   continues exactly (see [`super::resume`]). Version-1 files have none and still open:
//!   they continue from their weights with fresh moments.
//! - `runs` (version 3) holds every run of the window's lab with its name, colour, settings,
//!   weights, resume block, history, summary and lineage (see [`super::runs`]). The top-level
//!   `train`, `weights`, `history` and `resume` are then those of the selected run
//!   (`selected_run`), so whatever reads one run (`train --config`, the PyTorch export) takes
//!   it. A damaged run is left out and reported by name ([`Experiment::damaged_runs`]); the
//!   others open.
//! - `view`, `weights`, `history`, `resume`, `runs`, `worksheet`, `preprocessing` and `title`
//!   are optional. Files written before
//!   the rename call the worksheet `lesson`; they still open.
//! - Weights are embedded (one file to hand around) with the tensor names and shapes of the
//!   safetensors export (see [`super::weights`]), as base64 of little-endian F32 so they
//!   come back bit for bit.
//!
//! Reading checks `format_version` first: a file from another version gets
//! `"exp.json: format version 4 is not supported (this gradscope reads versions 1 to 3)"` rather
//! than a confusing field error. JSON errors give the line and column; values out of range name
//! the field, and a `resume` block whose counters contradict each other names the field with its
//! line and column (see [`super::resume`]). Nothing in a file can make gradscope panic or
//! allocate beyond the layer limits.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

use super::atomic::{SaveError, write_atomically};
use super::check::{check_dataset, check_history, check_layers, check_optimizer};
use super::locate::position;
use super::metrics::History;
use super::preprocess::Preprocessing;
use super::resume::{FieldError, ResumeState};
use super::runs::{DamagedRun, SavedRun};
use super::weights::{SavedWeights, WeightsError};
pub use super::worksheet::{ControlId, Worksheet, WorksheetStep};
pub use crate::data::FileImport;
use crate::data::{
    DataSource, Dataset, ImportReport, ImportSettings, SynthConfig, iris, mnist_bundled,
};
use crate::nn::ModelSpec;
use crate::train::{Session, TrainConfig};

/// The format version this build writes. Version 2 added the `resume` block, version 3 the
/// `runs` of the lab and the checks of the `resume` counters.
pub const FORMAT_VERSION: u32 = 3;

/// The oldest format version this build still reads.
pub const OLDEST_FORMAT_VERSION: u32 = 1;

/// Most samples a generated data set may ask for.
pub const MAX_SYNTH_SAMPLES: usize = 100_000;

/// An experiment: data, model and training settings, and optionally the trained weights, the
/// history and a worksheet. See the module docs for the JSON form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Experiment {
    /// [`FORMAT_VERSION`] when written by this build.
    pub format_version: u32,
    /// Short title shown in the window's title bar or worksheet panel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Where the data comes from.
    pub dataset: DatasetRef,
    /// Layers, optimizer, batch size, epochs, seed.
    #[serde(default)]
    pub train: TrainConfig,
    /// Window settings that are not part of the run.
    #[serde(default)]
    pub view: ViewSettings,
    /// Trained weights (none: start from the seed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<SavedWeights>,
    /// Loss curve and evaluations of the run that produced `weights`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<History>,
    /// Optimizer state and batch position of the run that produced `weights` (version 2),
    /// so that `--resume` continues it exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<ResumeState>,
    /// Locked and hidden controls and the worksheet's text (`"lesson"` in older files).
    #[serde(default, alias = "lesson", skip_serializing_if = "Option::is_none")]
    pub worksheet: Option<Worksheet>,
    /// How the data file became the model's inputs when `weights` were saved (feature names,
    /// standardisation, fill values, one-hot categories, classes, split): see
    /// [`Preprocessing`]. Optional; not read back into training, which refits it from the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preprocessing: Option<Preprocessing>,
    /// Id of the run (in `runs`) that the top-level `train`, `weights`, `history` and
    /// `resume` belong to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected_run: Option<u64>,
    /// Every run of the lab (version 3; empty for a file of one run). Read run by run by
    /// [`Experiment::from_json`], so that a damaged run does not stop the others.
    #[serde(default, skip_deserializing, skip_serializing_if = "Vec::is_empty")]
    pub runs: Vec<SavedRun>,
    /// The runs of `runs` that could not be read or failed a check, with the reason (not
    /// stored in the file).
    #[serde(skip)]
    pub damaged_runs: Vec<DamagedRun>,
    /// What was odd about `runs` but did not stop a run from opening (two runs of one name, a
    /// branch whose parent is not in the file, a damaged clock that was dropped), one sentence
    /// each naming the file and the run (not stored in the file).
    #[serde(skip)]
    pub run_notes: Vec<String>,
    /// The file this experiment was read from or last saved to (not stored in the file).
    #[serde(skip)]
    pub file: Option<PathBuf>,
}

/// Where a data set comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatasetRef {
    /// A generated set (kind, samples, noise, train ratio, seed).
    Synth(SynthConfig),
    /// The bundled Iris flowers, split with `train_ratio` (in (0, 1]) by `seed`.
    Iris {
        /// Share of the samples used for training.
        train_ratio: f32,
        /// Seed of the split.
        seed: u64,
    },
    /// The bundled MNIST digits (8 000 train / 2 000 test).
    Mnist,
    /// A file or folder on disk.
    File {
        /// The file or folder; relative paths are relative to the experiment file's folder
        /// (after [`Experiment::load`] they are joined to it).
        path: PathBuf,
        /// How to read it.
        #[serde(default)]
        import: FileImport,
    },
}

/// The import wizard's settings for a delimited text file: the data room's
/// [`ImportSettings`] (one type; this name is kept for code written before they were merged).
pub type TableImport = ImportSettings;

/// Window settings kept with an experiment (none of them changes the run).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ViewSettings {
    /// Speed limit while playing, in steps per second.
    pub steps_per_second: f64,
    /// Train as fast as the machine goes (ignores `steps_per_second`).
    pub full_speed: bool,
    /// The two features the decision-boundary panel plots (0-based), when there are more than
    /// two.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boundary_axes: Option<[usize; 2]>,
    /// Start training as soon as the file is opened.
    pub autoplay: bool,
    /// Anything else the window wants to keep (free form; unknown keys are kept as they are).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Default for ViewSettings {
    fn default() -> Self {
        Self {
            steps_per_second: 600.0,
            full_speed: false,
            boundary_axes: None,
            autoplay: false,
            extra: serde_json::Map::new(),
        }
    }
}

/// An experiment file could not be read, checked or used. Display names the file first.
#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    /// The file could not be read.
    #[error("{file}: cannot read the file: {source}")]
    Read {
        /// The file.
        file: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// Not JSON, truncated, or a value of the wrong type: serde_json's message with its
    /// position (1-based line and column).
    #[error("{file}: line {line}, column {column}: {message}")]
    Json {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column (0 for an empty file).
        column: usize,
        /// serde_json's message without its position.
        message: String,
    },
    /// JSON without `format_version`.
    #[error("{file}: not a gradscope experiment (there is no \"format_version\")")]
    NotAnExperiment {
        /// The file.
        file: String,
    },
    /// Another format version.
    #[error(
        "{file}: format version {found} is not supported (this gradscope reads versions {OLDEST_FORMAT_VERSION} to {FORMAT_VERSION})"
    )]
    Version {
        /// The file.
        file: String,
        /// The version in the file.
        found: u64,
    },
    /// A value out of range; `field` is its path, e.g. `train.hidden[0].units`.
    #[error("{file}: {field}: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// Path of the field.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A value that contradicts another, at a known place in the file (e.g. a `resume`
    /// counter); `field` is its path.
    #[error("{file}: line {line}, column {column}: {field}: {message}")]
    InvalidAt {
        /// The file.
        file: String,
        /// 1-based line of the value.
        line: usize,
        /// 1-based column of the value.
        column: usize,
        /// Path of the field.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A run of `runs`: no run of that name, or a damaged one (the message says which).
    #[error("{file}: {message}")]
    Run {
        /// The file.
        file: String,
        /// What is wrong, starting with the run's name.
        message: String,
    },
    /// The data set could not be loaded (the loader's message names the data file).
    #[error("{file}: the data set cannot be loaded: {message}")]
    Data {
        /// The experiment file.
        file: String,
        /// The loader's message.
        message: String,
    },
    /// The session could not be built (e.g. a model that does not fit the data).
    #[error("{file}: {message}")]
    Session {
        /// The experiment file.
        file: String,
        /// The reason.
        message: String,
    },
    /// The embedded weights do not fit the model.
    #[error(transparent)]
    Weights(#[from] WeightsError),
    /// Writing failed.
    #[error(transparent)]
    Save(#[from] SaveError),
}

/// How a session built from an experiment starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// With the saved weights when the file has them (the model predicts exactly as when it was
    /// saved), and with the saved optimizer moments, batch position and counters when the file
    /// has a `resume` block (version 2), so training continues exactly; else from the seed.
    SavedWeights,
    /// From the seed, ignoring saved weights: the same seed repeats the run step for step.
    Seed,
}

/// The position-free text of a serde_json error (its Display ends in " at line L column C").
/// serde_json counts column 0 for an error before a line's first character (an empty file);
/// columns are given from 1, as everywhere else in gradscope's messages.
fn json_error(file: &str, error: &serde_json::Error) -> ExperimentError {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = text.strip_suffix(&suffix).unwrap_or(&text).to_string();
    ExperimentError::Json {
        file: file.to_string(),
        line: error.line(),
        column: error.column().max(1),
        message,
    }
}

/// Only the version, read before the rest so that another version is reported as such.
#[derive(Deserialize)]
struct VersionProbe {
    format_version: Option<u64>,
}

/// `path` made absolute against the current folder (no file-system access).
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `target` relative to the folder `base` when both are absolute and share more than the root
/// (`../data/x.csv`), else `target` unchanged.
fn relative_to(target: &Path, base: &Path) -> PathBuf {
    let (target_abs, base_abs) = (absolute(target), absolute(base));
    let target_parts: Vec<Component> = target_abs.components().collect();
    let base_parts: Vec<Component> = base_abs.components().collect();
    let common = target_parts
        .iter()
        .zip(&base_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let shares_a_folder = target_parts[..common]
        .iter()
        .any(|c| matches!(c, Component::Normal(_)));
    if !shares_a_folder {
        return target_abs;
    }
    let mut relative = PathBuf::new();
    for _ in common..base_parts.len() {
        relative.push("..");
    }
    for part in &target_parts[common..] {
        relative.push(part.as_os_str());
    }
    relative
}

/// The folder a file lives in (`.` for a bare name).
fn folder_of(file: &Path) -> PathBuf {
    match file.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

impl Experiment {
    /// A new experiment of the current format version with default view settings and no
    /// weights, history or worksheet.
    pub fn new(dataset: DatasetRef, train: TrainConfig) -> Self {
        Self {
            format_version: FORMAT_VERSION,
            title: None,
            dataset,
            train,
            view: ViewSettings::default(),
            weights: None,
            history: None,
            resume: None,
            worksheet: None,
            preprocessing: None,
            selected_run: None,
            runs: Vec::new(),
            damaged_runs: Vec::new(),
            run_notes: Vec::new(),
            file: None,
        }
    }

    /// Reads and checks an experiment file. A relative data path in it is joined to the file's
    /// folder; `file` is set to `path`.
    ///
    /// # Errors
    /// [`ExperimentError::Read`], [`ExperimentError::Json`] (truncated or damaged file, wrong
    /// types; with line and column), [`ExperimentError::NotAnExperiment`],
    /// [`ExperimentError::Version`], [`ExperimentError::Invalid`] — all naming the file.
    pub fn load(path: &Path) -> Result<Self, ExperimentError> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| ExperimentError::Read {
            file: file.clone(),
            source,
        })?;
        let mut experiment = Self::from_json(&file, &bytes)?;
        if let DatasetRef::File { path: data, .. } = &mut experiment.dataset
            && data.is_relative()
        {
            *data = folder_of(path).join(&*data);
        }
        experiment.file = Some(path.to_path_buf());
        Ok(experiment)
    }

    /// Parses and checks experiment JSON; `file` names it in errors. Paths are left as written.
    ///
    /// # Errors
    /// As [`Experiment::load`], without the read error.
    pub fn from_json(file: &str, bytes: &[u8]) -> Result<Self, ExperimentError> {
        // Notepad and other Windows editors start UTF-8 files with a byte order mark.
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        // Valid JSON that is not an object (`[]`, `3`) is simply not an experiment (serde
        // would name the probe's internal type).
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if first.is_some_and(|&b| b != b'{')
            && serde_json::from_slice::<serde_json::Value>(bytes).is_ok()
        {
            return Err(ExperimentError::NotAnExperiment {
                file: file.to_string(),
            });
        }
        let probe: VersionProbe =
            serde_json::from_slice(bytes).map_err(|e| json_error(file, &e))?;
        match probe.format_version {
            None => {
                return Err(ExperimentError::NotAnExperiment {
                    file: file.to_string(),
                });
            }
            Some(found)
                if !(u64::from(OLDEST_FORMAT_VERSION)..=u64::from(FORMAT_VERSION))
                    .contains(&found) =>
            {
                return Err(ExperimentError::Version {
                    file: file.to_string(),
                    found,
                });
            }
            Some(_) => {}
        }
        let mut experiment: Self =
            serde_json::from_slice(bytes).map_err(|e| json_error(file, &e))?;
        experiment
            .check(file)
            .and_then(|()| experiment.check_resume(file, Some(bytes)))?;
        let read = super::runs::read_runs(file, bytes, &experiment.dataset);
        experiment.run_notes = super::runs::run_notes(file, &read.runs);
        experiment.run_notes.extend(read.clock_notes);
        experiment.runs = read.runs;
        experiment.damaged_runs = read.damaged;
        Ok(experiment)
    }

    /// [`ResumeState::check`] of the top-level `resume` block; with the file's `text`, the
    /// error gives the field's line and column.
    ///
    /// # Errors
    /// [`ExperimentError::InvalidAt`] (or [`ExperimentError::Invalid`] without the text).
    pub fn check_resume(&self, file: &str, text: Option<&[u8]>) -> Result<(), ExperimentError> {
        match &self.resume {
            Some(resume) => resume
                .check(self.weights.as_ref(), &self.train)
                .map_err(|error| field_error(file, text, "", error)),
            None => Ok(()),
        }
    }

    /// The JSON text as [`Experiment::save`] writes it, with data paths as they are in memory.
    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Writes the experiment to `path` atomically (pretty-printed JSON, newline at the end).
    /// A data path is written relative to `path`'s folder when they share a folder. Sets
    /// `file` to `path`.
    ///
    /// # Errors
    /// [`ExperimentError::Save`] naming the file.
    pub fn save(&mut self, path: &Path) -> Result<(), ExperimentError> {
        let mut stored = self.clone();
        if let DatasetRef::File { path: data, .. } = &mut stored.dataset {
            *data = relative_to(data, &folder_of(path));
        }
        let mut text = stored.to_json();
        text.push('\n');
        write_atomically(path, |w| w.write_all(text.as_bytes()))?;
        self.file = Some(path.to_path_buf());
        Ok(())
    }

    /// The file's name for messages (`experiment` when it has none).
    pub fn file_name(&self) -> String {
        self.file
            .as_ref()
            .map_or_else(|| "experiment".to_string(), |f| f.display().to_string())
    }

    /// Checks every value a build could choke on: layer counts and sizes within the window's
    /// limits, a positive finite learning rate, optimizer constants in range, sample counts,
    /// train ratios in (0, 1], a finite positive speed.
    ///
    /// # Errors
    /// [`ExperimentError::Invalid`] naming `file` and the field.
    pub fn check(&self, file: &str) -> Result<(), ExperimentError> {
        let result = check_layers(&self.train)
            .and_then(|()| check_optimizer(&self.train))
            .and_then(|()| check_dataset(&self.dataset))
            .and_then(|()| check_history(self.history.as_ref()))
            .and_then(|()| {
                let speed = self.view.steps_per_second;
                if speed.is_finite() && speed > 0.0 {
                    Ok(())
                } else {
                    Err((
                        "view.steps_per_second".into(),
                        format!("{speed} is not a positive number"),
                    ))
                }
            });
        result.map_err(|(field, message)| ExperimentError::Invalid {
            file: file.to_string(),
            field,
            message,
        })
    }

    /// Loads the data set (on the calling thread: the bundled sets are instant, a big file may
    /// take seconds).
    ///
    /// # Errors
    /// [`ExperimentError::Data`] with the loader's message, which names the data file (and the
    /// line and column for text).
    pub fn load_dataset(&self) -> Result<Arc<Dataset>, ExperimentError> {
        self.dataset
            .load()
            .map(Arc::new)
            .map_err(|message| ExperimentError::Data {
                file: self.file_name(),
                message,
            })
    }

    /// [`Experiment::load_dataset`] with the importer's report (for data read from a file).
    ///
    /// # Errors
    /// As [`Experiment::load_dataset`].
    pub fn load_dataset_with_report(
        &self,
    ) -> Result<(Arc<Dataset>, Option<ImportReport>), ExperimentError> {
        self.dataset
            .load_with_report()
            .map(|(data, report)| (Arc::new(data), report))
            .map_err(|message| ExperimentError::Data {
                file: self.file_name(),
                message,
            })
    }

    /// The model this experiment builds on `data`.
    ///
    /// # Errors
    /// [`ExperimentError::Session`] when the layers do not fit the data.
    pub fn model_spec(&self, data: &Dataset) -> Result<ModelSpec, ExperimentError> {
        self.train
            .model_spec(data)
            .map_err(|message| ExperimentError::Session {
                file: self.file_name(),
                message,
            })
    }

    /// The saved weights as parameter matrices for the model built on `data`
    /// (`Sequential::set_params` order), or `None` when the file has none.
    ///
    /// # Errors
    /// [`ExperimentError::Weights`] for weights of another model, a wrong shape or damaged
    /// data.
    pub fn saved_params(
        &self,
        data: &Dataset,
    ) -> Result<Option<Vec<DMatrix<f32>>>, ExperimentError> {
        let Some(weights) = &self.weights else {
            return Ok(None);
        };
        let spec = self.model_spec(data)?;
        Ok(Some(weights.params(&spec, &self.file_name())?))
    }

    /// A training session on `data` (already loaded, e.g. by [`Experiment::load_dataset`] on a
    /// background thread) with this experiment's configuration.
    ///
    /// # Errors
    /// [`ExperimentError::Session`] (empty training split, a model that does not fit) and
    /// [`Experiment::saved_params`]' errors.
    pub fn session_on(&self, data: Arc<Dataset>, start: Start) -> Result<Session, ExperimentError> {
        let params = match start {
            Start::SavedWeights => self.saved_params(&data)?,
            Start::Seed => None,
        };
        if let (Some(resume), Some(_)) = (&self.resume, &params) {
            self.check_resume(&self.file_name(), None)?;
            resume
                .check_on(data.train.len(), self.train.batch_size)
                .map_err(|error| field_error(&self.file_name(), None, "", error))?;
        }
        let mut session =
            Session::new(data, self.train.clone()).map_err(|message| ExperimentError::Session {
                file: self.file_name(),
                message,
            })?;
        if let Some(params) = params {
            session
                .load_params(&params)
                .map_err(|message| ExperimentError::Session {
                    file: self.file_name(),
                    message,
                })?;
            if let Some(resume) = &self.resume {
                resume
                    .apply(&mut session)
                    .map_err(|message| ExperimentError::Session {
                        file: self.file_name(),
                        message,
                    })?;
            }
        }
        Ok(session)
    }

    /// Loads the data and builds the session: [`Experiment::load_dataset`] then
    /// [`Experiment::session_on`].
    ///
    /// # Errors
    /// Theirs.
    pub fn session(&self, start: Start) -> Result<Session, ExperimentError> {
        self.session_on(self.load_dataset()?, start)
    }
}

/// `error` of the field at `prefix` + its path, with the line and column when `text` holds it.
pub(super) fn field_error(
    file: &str,
    text: Option<&[u8]>,
    prefix: &str,
    (field, message): FieldError,
) -> ExperimentError {
    match text.and_then(|text| position(text, &format!("{prefix}{field}"))) {
        Some((line, column)) => ExperimentError::InvalidAt {
            file: file.to_string(),
            line,
            column,
            field,
            message,
        },
        None => ExperimentError::Invalid {
            file: file.to_string(),
            field,
            message,
        },
    }
}

impl DatasetRef {
    /// Name for menus and messages: the generator's kind, `iris`, `mnist` or the file name.
    pub fn label(&self) -> String {
        match self {
            DatasetRef::Synth(config) => config.kind.name().to_string(),
            DatasetRef::Iris { .. } => "iris".to_string(),
            DatasetRef::Mnist => "mnist".to_string(),
            DatasetRef::File { path, .. } => path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
        }
    }

    /// The file source, for a data set read from disk.
    pub fn source(&self) -> Option<DataSource> {
        match self {
            DatasetRef::File { path, import } => Some(DataSource {
                path: path.clone(),
                import: import.clone(),
            }),
            _ => None,
        }
    }

    /// Builds the data set: generated and bundled sets directly, files through
    /// [`crate::data::load`].
    ///
    /// # Errors
    /// The loader's one-line message, naming the data file (and line and column for text),
    /// e.g. `data/x.csv: the file does not exist`.
    pub fn load(&self) -> Result<Dataset, String> {
        self.load_with_report().map(|(data, _)| data)
    }

    /// [`DatasetRef::load`] with the importer's report for a file (`None` for generated and
    /// bundled sets).
    ///
    /// # Errors
    /// As [`DatasetRef::load`].
    pub fn load_with_report(&self) -> Result<(Dataset, Option<ImportReport>), String> {
        match self {
            DatasetRef::Synth(config) => Ok((crate::data::generate(config), None)),
            DatasetRef::Iris { train_ratio, seed } => iris(*train_ratio, *seed)
                .map(|d| (d, None))
                .map_err(|e| e.to_string()),
            DatasetRef::Mnist => mnist_bundled()
                .map(|d| (d, None))
                .map_err(|e| e.to_string()),
            DatasetRef::File { path, import } => {
                let source = DataSource {
                    path: path.clone(),
                    import: import.clone(),
                };
                crate::data::load_now(&source)
                    .map(|loaded| (loaded.dataset, Some(loaded.report)))
                    .map_err(|e| e.to_string())
            }
        }
    }
}
