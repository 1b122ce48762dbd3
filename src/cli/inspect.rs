//! `gradscope inspect PATH`: what the importer makes of a file or folder, as one JSON object.
//! It loads through [`crate::data::load`] exactly as `train --data` does, so the two never
//! disagree.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use crate::data::{
    BadNumbers, DataSource, Dataset, FileImport, ImportReport, Inspection, SourceKind, Task,
    load_now,
};

/// What the importer accepts and decides, for `--help` of `inspect` and `train`: the data
/// room's own list of its rules, [`crate::data::IMPORT_RULES`].
pub const IMPORT_HELP: &str = crate::data::IMPORT_RULES;

/// Options of `gradscope inspect`.
#[derive(Args, Debug, Clone)]
#[command(after_long_help = IMPORT_HELP)]
pub struct InspectArgs {
    /// A CSV/TSV file (also .gz), an IDX file, a folder with the MNIST files or a folder of
    /// class sub-folders of images.
    #[arg(value_parser = crate::cli::parse_path)]
    pub path: PathBuf,
    /// Label column of a CSV: a header name or a 0-based index (default: the last column).
    #[arg(long, value_name = "COLUMN", allow_hyphen_values = true)]
    pub label: Option<String>,
    /// A CSV column of numbers with a few cells that are not numbers: refuse (default),
    /// missing (treat those cells as missing) or exclude (leave the column out).
    #[arg(long, value_name = "POLICY", value_parser = parse_bad_numbers)]
    pub bad_numbers: Option<BadNumbers>,
}

/// `--bad-numbers` values.
pub(crate) fn parse_bad_numbers(text: &str) -> Result<BadNumbers, String> {
    BadNumbers::parse(text)
        .ok_or_else(|| format!("unknown policy '{text}' (known: refuse missing exclude)"))
}

/// The JSON object `gradscope inspect` prints.
///
/// # Errors
/// The loader's message, naming the file (and line and column for text).
pub fn inspect(args: &InspectArgs) -> Result<String, String> {
    let source = DataSource {
        path: args.path.clone(),
        import: FileImport::Auto {
            label: args.label.clone(),
            train_ratio: crate::data::DEFAULT_TRAIN_RATIO,
            seed: crate::data::DEFAULT_SPLIT_SEED,
            bad_numbers: args.bad_numbers.unwrap_or_default(),
        },
    };
    let loaded = load_now(&source).map_err(|e| e.to_string())?;
    let json = inspection_json(&loaded.dataset, &loaded.report);
    serde_json::to_string(&json).map_err(|e| e.to_string())
}

/// The JSON of a loaded data set and its report.
pub fn inspection_json(data: &Dataset, report: &ImportReport) -> serde_json::Value {
    if let Some(table) = &report.table {
        let inspection = Inspection::new(&report.source, report.gzip, data, table);
        return serde_json::to_value(&inspection).unwrap_or_default();
    }
    let classes = match &data.task {
        Task::Classification { class_names } => class_names.clone(),
        Task::Regression => Vec::new(),
    };
    let mut counts = vec![0usize; classes.len()];
    for split in [&data.train, &data.test] {
        for c in split.classes(&(0..split.len()).collect::<Vec<_>>()) {
            if let Some(k) = counts.get_mut(c) {
                *k += 1;
            }
        }
    }
    let kind = match report.kind {
        SourceKind::ImageFolder => "image folder",
        _ => "idx",
    };
    let mut json = json!({
        "file": report.source,
        "name": data.name,
        "kind": kind,
        "task": "classification",
        "rows": data.train.len() + data.test.len(),
        "train": data.train.len(),
        "test": data.test.len(),
        "features": data.n_features(),
        "image_shape": data.image_shape,
        "classes": classes,
        "class_counts": counts,
        "warnings": report.warnings,
    });
    if let Some(folder) = &report.folder {
        json["sizes"] = folder
            .sizes
            .iter()
            .map(|((w, h), n)| json!({"width": w, "height": h, "count": n}))
            .collect();
        json["skipped"] = json!(folder.skipped);
        json["unreadable"] = json!(folder.unreadable);
    }
    json
}
