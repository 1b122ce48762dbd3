//! `gradscope export-pytorch exp.json OUT_DIR`: the experiment as `model.safetensors`,
//! `split.json` and a PyTorch `train.py` (see [`crate::experiment::pytorch`]).

use std::path::PathBuf;

use clap::Args;

use crate::experiment::{ExistingFiles, Experiment, export_pytorch};

/// Options of `gradscope export-pytorch`.
#[derive(Args, Debug, Clone)]
pub struct ExportArgs {
    /// The experiment file (JSON) to export; its saved weights are exported, else the seed's
    /// initial weights.
    #[arg(value_parser = crate::cli::parse_path, value_name = "EXPERIMENT.json")]
    pub experiment: PathBuf,
    /// The folder to write model.safetensors, split.json and train.py into: a new or empty
    /// folder (created if missing), or any folder with --force.
    #[arg(value_parser = crate::cli::parse_path, value_name = "OUT_DIR")]
    pub out_dir: PathBuf,
    /// Write into OUT_DIR even when it holds files, replacing those of the same names
    /// (model.safetensors, split.json, train.py and the data files of bundled sets); other
    /// files stay.
    #[arg(long)]
    pub force: bool,
}

/// Runs the export and returns the JSON line printed on stdout: the folder, the files, where
/// the weights came from (`"saved"` or `"seed"`) and gradscope's evaluation of them
/// (`train_loss`, `test_loss`, `train_accuracy`, `test_accuracy`), which `python train.py
/// --epochs 0 --init model.safetensors` reproduces.
///
/// # Errors
/// A one-line reason naming the file (experiment, data, weights, or an output file); for a
/// folder that is not empty, `"{dir}: the folder is not empty (it holds …): export into a new
/// or empty folder, or pass --force to replace its files"`.
pub fn export_command(args: &ExportArgs) -> Result<String, String> {
    let existing = if args.force {
        ExistingFiles::Replace
    } else {
        ExistingFiles::Refuse
    };
    let experiment = Experiment::load(&args.experiment).map_err(|e| e.to_string())?;
    let summary = export_pytorch(&experiment, &args.out_dir, existing).map_err(|message| {
        if message.ends_with(NOT_EMPTY) {
            format!("{message}, or pass --force to replace its files")
        } else {
            message
        }
    })?;
    for note in &summary.notes {
        crate::cli::stdout::print_err(&format!("gradscope export-pytorch: note: {note}"));
    }
    serde_json::to_string(&summary).map_err(|e| e.to_string())
}

/// The end of the library's message for a folder that is not empty.
const NOT_EMPTY: &str = "export into a new or empty folder";
