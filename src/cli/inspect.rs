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

/// What the importer accepts and decides, for `--help` of `inspect` and `train`.
pub const IMPORT_HELP: &str = "\
What --data / PATH may be (judged by content, not by name):
  CSV/TSV text, raw or gzipped (.csv.gz): delimiter , ; tab or | guessed from the first
    100 lines (an Excel 'sep=;' first line wins); header row guessed; decimal comma guessed
    with ';' (0,5  2.907,5); thousands separators read (1,444.7); UTF-8 BOM skipped; LF, CRLF,
    CR line ends; one trailing empty field per line dropped; other field-count mismatches
    are errors with file:line.
  Missing cells: empty, NA, N/A, ?, nan.
  Columns, first rule that applies (the label column is --label, default the last):
    1. every cell missing            -> excluded (rows stay)
    2. all numbers, one value        -> excluded (constant)
    3. all numbers                   -> one numeric feature
    4. over half numbers, some not   -> error naming the first bad cells, unless
                                        --bad-numbers missing (those cells become missing)
                                        or --bad-numbers exclude (column excluded)
    5. text with one value           -> excluded (constant)
    6. text with more than 20 values -> excluded
    7. other text                    -> one-hot (one 0/1 feature per value)
  Every excluded or changed column is listed with its reason (inspect: \"excluded\",
  \"retyped\", \"columns\"; train: on stderr).
  Rows with a missing label are dropped; rows with a missing feature are dropped. Both counts
  are reported.
  Task: classification when the label is text or at most 20 distinct whole numbers, else
  regression. A label with a distinct value for >= 90 % of the rows gets a warning (it looks
  like an ID: choose another column, or regression).
  Split: stratified for classification, 80 % train, seed 1 (train: --seed, --train-ratio);
  features standardised with training statistics.
IDX: one file of an images/labels pair (its partner is found by name; the whole folder when it
  holds the four MNIST files), or a folder with train-/t10k- images and labels, raw or .gz.
  Labels are any byte value; the classes are the distinct labels, named by their numbers.
Image folders: root/<class>/*.png|jpg|jpeg|bmp|gif; hidden entries and other files are ignored
  (listed); images that cannot be decoded are skipped and listed with the reason; all images
  are resized to the most common size; grey stays 1 channel, else RGB.";

/// Options of `gradscope inspect`.
#[derive(Args, Debug, Clone)]
#[command(after_long_help = IMPORT_HELP)]
pub struct InspectArgs {
    /// A CSV/TSV file (also .gz), an IDX file, a folder with the MNIST files or a folder of
    /// class sub-folders of images.
    pub path: PathBuf,
    /// Label column of a CSV: a header name or a 0-based index (default: the last column).
    #[arg(long, value_name = "COLUMN")]
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
