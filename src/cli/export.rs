//! `gradscope export-pytorch exp.json OUT_DIR`: the experiment as `model.safetensors`,
//! `split.json` and a PyTorch `train.py` (see [`crate::experiment::pytorch`]).

use std::path::PathBuf;

use clap::Args;

use crate::experiment::{Experiment, export_pytorch};

/// Options of `gradscope export-pytorch`.
#[derive(Args, Debug, Clone)]
pub struct ExportArgs {
    /// The experiment file (JSON) to export; its saved weights are exported, else the seed's
    /// initial weights.
    #[arg(value_name = "EXPERIMENT.json")]
    pub experiment: PathBuf,
    /// The folder to write model.safetensors, split.json and train.py into (created if
    /// missing; files there are replaced).
    #[arg(value_name = "OUT_DIR")]
    pub out_dir: PathBuf,
}

/// Runs the export and returns the JSON line printed on stdout: the folder, the files, where
/// the weights came from (`"saved"` or `"seed"`) and gradscope's evaluation of them
/// (`train_loss`, `test_loss`, `train_accuracy`, `test_accuracy`), which `python train.py
/// --epochs 0 --init model.safetensors` reproduces.
///
/// # Errors
/// A one-line reason naming the file (experiment, data, weights, or an output file).
pub fn export_command(args: &ExportArgs) -> Result<String, String> {
    let experiment = Experiment::load(&args.experiment).map_err(|e| e.to_string())?;
    let summary = export_pytorch(&experiment, &args.out_dir)?;
    serde_json::to_string(&summary).map_err(|e| e.to_string())
}
