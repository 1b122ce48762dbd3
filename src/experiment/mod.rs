//! Keeping, sharing and repeating runs: experiment files (JSON), weights (safetensors), the
//! metrics history (CSV), animated GIFs, and the atomic writes they all go through.
//!
//! - [`file`](mod@file): [`Experiment`] — data reference, model and training settings, seed, and
//!   optionally trained weights, history, view settings and a [`Worksheet`]; versioned, with errors
//!   that name the file, line and column.
//! - [`weights`]: tensors named and shaped as PyTorch's `nn.Sequential` state dict, read and
//!   written as safetensors.
//! - [`pytorch`]: the export to PyTorch (weights, split, a `train.py` that trains the same
//!   model on the same data there).
//! - [`resume`]: optimizer moments and batch position, for continuing a run exactly, and the
//!   checks that its counters agree.
//! - [`runs`]: every run of the window's lab (settings, weights, history, lineage), each read
//!   on its own so that a damaged run does not stop the others.
//! - [`locate`]: the line and column of a field in JSON text, for errors found after parsing.
//! - [`metrics`]: the loss/accuracy history and its CSV export.
//! - [`preprocess`]: the preprocessing between a data file and the model's inputs (feature
//!   names, standardisation, fill values, one-hot categories, classes, split), kept with the
//!   weights.
//! - [`gif`]: RGBA frames → animated GIF, streamed.
//! - [`worksheet`]: a teacher's locked and hidden controls and step texts.
//! - [`atomic`]: temporary file + rename, so a failed write never damages a good file.
//!
//! Nothing here draws; the window and the command line call it.

pub mod atomic;
mod check;
pub mod file;
pub mod gif;
pub mod locate;
pub mod metrics;
pub mod preprocess;
pub mod pytorch;
pub mod resume;
pub mod runs;
pub mod weights;
pub mod worksheet;

pub use atomic::{AtomicFile, SaveError, write_atomically};
pub use file::{
    ControlId, DatasetRef, Experiment, ExperimentError, FORMAT_VERSION, FileImport,
    OLDEST_FORMAT_VERSION, Start, TableImport, ViewSettings, Worksheet, WorksheetStep,
};
pub use gif::{GifError, GifRecorder, GifSettings, RgbaFrame, write_gif};
pub use metrics::{EvalPoint, History, LossPoint, write_metrics_csv};
pub use preprocess::{
    ColumnSource, Deviation, LabelColumn, PixelScaling, Preprocessing, SplitRecord,
    Standardization, input_shape_text,
};
pub(crate) use pytorch::data_changed;
pub use pytorch::{ExistingFiles, ExportSummary, TRAIN_PY_TEMPLATE, export_pytorch};
pub use resume::ResumeState;
pub use runs::{
    DamagedRun, LONE_RUN_NAME, RunParent, RunSummary, SavedClock, SavedRun, SettingChange,
};
pub use weights::{
    NamedTensor, SavedTensor, SavedWeights, WeightsError, load_safetensors, model_tensors,
    parse_safetensors, pytorch_code, save_safetensors, save_safetensors_with, tensors_from_params,
    write_safetensors,
};
