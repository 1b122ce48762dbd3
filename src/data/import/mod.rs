//! Importing a labelled table from a delimited text file (CSV, TSV, `;`- or `|`-separated),
//! raw or gzipped, with guesses for everything the user would otherwise have to say, and a
//! report of every decision ([`TableReport`]).
//!
//! The steps, each usable on its own (one file each):
//! 1. [`sniff`]: [`decode_input`] gunzips (by the magic bytes `1F 8B`), strips a UTF-8 byte
//!    order mark and turns lone CR line ends into LF; [`sniff_csv`] guesses the delimiter,
//!    the header row and the decimal comma.
//! 2. [`table`]: [`read_table`] reads the text into a [`Table`] ([`scan`] has the quoting
//!    rules; [`numbers`] reads cells as numbers).
//! 3. [`columns`]: [`summarize`] says what each column holds; the decisions below say what
//!    it becomes.
//! 4. [`build`]: [`build_dataset`] turns the table into a [`Dataset`] (missing values, text
//!    features, task, split, standardisation), [`report`] says what it would decide.
//!
//! [`inspect_csv`] runs all of them, and [`parse_csv`](super::parse_csv) is the strict
//! loader of earlier versions built on the same steps.
//!
//! # Reading the text
//!
//! - An Excel `sep=;` first line (any one character after `sep=`) names the delimiter and is
//!   skipped; line numbers still count it.
//! - Field count: spreadsheet exports often end every line with a delimiter, so a data line
//!   with exactly one field more than the header (or, without a header, than the first row)
//!   whose last field is empty is read without that field, and a last column whose header
//!   cell and data cells are all empty is dropped. Every other field-count difference is an
//!   error (`"{file}:{line}: 4 fields, the header has 3"`).
//! - Cells are trimmed. A cell is *missing* when it is empty, `NA`, `N/A`, `?` or `nan` (any
//!   case), and a *number* by the rules of [`numbers`]: `1,444.7` (thousands separators) in
//!   a file with a decimal point; `0,5`, `2.907,5` and `1.234.567` in a file with a decimal
//!   comma.
//!
//! # What each column becomes, in this order
//!
//! The label column is the one the settings name (default: the last). For every other
//! column, the first rule that applies decides; every column that is not a plain numeric
//! feature is listed in the report with its reason ([`ColumnDecision`]).
//!
//! 1. Not among the settings' feature columns → **excluded** (`not_selected`). By default
//!    every column but the label is a feature.
//! 2. Every cell missing → **excluded** (`all_missing`); its rows stay.
//! 3. Every present cell a number:
//!    - all the same value → **excluded** (`constant`);
//!    - otherwise → **one numeric feature**.
//! 4. More than half of the present cells numbers, the others not (a typo, `n.a.`, `-`):
//!    by the setting [`BadNumbers`] — `Refuse` (default): building stops with an error at
//!    the first such cell that names how many there are and offers the two others;
//!    `Missing`: those cells are missing values (then rule 3 and the missing-value policy
//!    apply; listed as re-typed, `bad_numbers`); `Exclude`: **excluded** (`bad_numbers`).
//! 5. Otherwise the column is text:
//!    - one distinct value → **excluded** (`constant`);
//!    - text features set to `Exclude` → **excluded** (`text_excluded`);
//!    - more than 20 distinct values → **excluded** (`too_many_values`);
//!    - otherwise → **one-hot**: one 0/1 feature per value, named `column=value`, values in
//!      sorted order (listed as re-typed).
//!
//! If no feature is left, building stops with an error that lists every column's reason.
//!
//! # Rows
//!
//! Rows whose label is missing are left out; rows with a missing feature value are left out
//! ([`MissingPolicy::DropRows`], default) or get the training mean
//! ([`MissingPolicy::FillMean`]). Both counts are in the report.
//!
//! # The label and the task
//!
//! With [`TaskChoice::Auto`] (default): when every present label is a number and the kept
//! rows hold at most 20 distinct values, all whole numbers → **classification** with one
//! class per value (in numeric order, named like `-1`, `2`); other numbers →
//! **regression**; any label that is not a number → **classification** with one class per
//! text (sorted). `Classification` makes every distinct value a class; `Regression` needs
//! every label to be a number. A classification label with a distinct value for at least
//! 90 % of the rows (and at least 10 rows) gets a warning ([`WarningKind::IdLikeLabel`]):
//! it looks like an identifier, and another column or regression is suggested.
//!
//! The split is stratified for classification, shuffled by the seed (default
//! [`DEFAULT_SPLIT_SEED`]); missing-value means and standardisation (on by default) use the
//! training split only.

use std::borrow::Cow;

use serde::Serialize;

use super::{DataError, Dataset, Labels, Task};

pub mod build;
pub mod columns;
mod kept;
mod labels;
pub mod numbers;
mod read;
pub mod report;
pub mod rules;
pub mod scan;
mod scatter;
pub mod settings;
pub mod sniff;
pub mod stream;
pub mod table;

pub use build::{
    ID_LIKE_MIN_ROWS, ID_LIKE_SHARE, build_dataset, build_owned, build_with_report, report,
};
pub use columns::{
    BadCell, ColumnCause, ColumnDecision, ColumnKind, ColumnSummary, ColumnUse, summarize,
};
pub use numbers::{is_missing, not_a_number, parse_number, shorten};
pub use report::{ImportWarning, LEFT_OUT_LISTED, LeftOutRow, TableReport, WarningKind};
pub use rules::IMPORT_RULES;
pub use settings::{
    BadNumbers, CsvOptions, DEFAULT_SPLIT_SEED, DEFAULT_TRAIN_RATIO, ImportSettings,
    MAX_INTEGER_CLASSES, MAX_ONE_HOT_VALUES, MissingPolicy, TaskChoice, TextFeature,
};
pub use sniff::{decode_input, decode_owned, sep_line, sniff_csv};
pub use table::{
    ColumnNumbers, ProgressFn, Table, UNTERMINATED_QUOTE, read_table, read_table_owned,
    read_table_with_progress,
};

pub(crate) use sniff::{GZIP_MAGIC, open_quote_record_start};

/// Index of a column: a header name (exact after trimming, else ignoring ASCII case), else a
/// 0-based index.
pub fn find_column(columns: &[String], label: &str) -> Option<usize> {
    let label = label.trim();
    columns
        .iter()
        .position(|c| c == label)
        .or_else(|| columns.iter().position(|c| c.eq_ignore_ascii_case(label)))
        .or_else(|| label.parse::<usize>().ok().filter(|&i| i < columns.len()))
}

/// `"{file}:{line}: unknown label column \"y\"; the columns are x1, x2, label"`, with
/// `line` the header's (or first record's) line, [`Table::header_line`]. A name holding a
/// line break or another control character is quoted and escaped ([`one_line`]:
/// `"first\nheader"`), so the message stays one line.
pub fn unknown_column(file_name: &str, line: u64, columns: &[String], label: &str) -> DataError {
    let names: Vec<Cow<'_, str>> = columns.iter().map(|name| one_line(name)).collect();
    DataError::new(
        file_name,
        format!(
            "unknown label column {:?}; the columns are {}",
            label.trim(),
            names.join(", ")
        ),
    )
    .at_line(line)
}

/// `text` as it is, or quoted and escaped (`"x\ny"`) when it holds a line break or another
/// control character: so that a name or value shows on one line, and `x\ny` cannot be taken
/// for two values `x` and `y`.
pub fn one_line(text: &str) -> Cow<'_, str> {
    if text.chars().any(char::is_control) {
        Cow::Owned(format!("{text:?}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A column of the report in `inspect`'s JSON: `{"column": "area", "reason": "…"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ColumnNote {
    /// Column name.
    pub column: String,
    /// Why it was left out or changed.
    pub reason: String,
}

/// What `gradscope inspect FILE [--label COL]` prints for a table, as one JSON object.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Inspection {
    /// File name as given.
    pub file: String,
    /// Rows in the data set (training + test), after dropping incomplete rows.
    pub rows: usize,
    /// Features per sample (one-hot columns counted one per value).
    pub features: usize,
    /// Name of each feature.
    pub feature_names: Vec<String>,
    /// `"classification"` or `"regression"`.
    pub task: String,
    /// Class names (empty for regression).
    pub classes: Vec<String>,
    /// Rows of each class, training + test (empty for regression).
    pub class_counts: Vec<usize>,
    /// `","`, `";"`, `"\t"` or `"|"`.
    pub delimiter: String,
    /// Whether the first row was taken as a header.
    pub header: bool,
    /// Whether numbers were read with a decimal comma.
    pub decimal_comma: bool,
    /// Whether an Excel `sep=` first line named the delimiter.
    pub sep_line: bool,
    /// Missing cells in the whole table (every column).
    pub missing_values: usize,
    /// Whether the file was gzipped.
    pub gzip: bool,
    /// Data rows in the file.
    pub rows_read: usize,
    /// Rows left out because the label is missing (or, with `--bad-numbers missing`, not a
    /// finite number).
    pub dropped_missing_label: usize,
    /// Rows left out because a feature is missing.
    pub dropped_missing_feature: usize,
    /// Columns left out, with their reasons.
    pub excluded: Vec<ColumnNote>,
    /// Columns kept in another form (one-hot, bad cells as missing), with their reasons.
    pub retyped: Vec<ColumnNote>,
    /// Warnings (e.g. a label that looks like an identifier).
    pub warnings: Vec<ImportWarning>,
    /// Every column's decision, in file order.
    pub columns: Vec<ColumnDecision>,
}

impl Inspection {
    /// The inspection of `dataset` built from `file_name` with `report`.
    pub fn new(file_name: &str, gzip: bool, dataset: &Dataset, report: &TableReport) -> Self {
        let (task, classes, class_counts) = match &dataset.task {
            Task::Classification { class_names } => {
                let mut counts = vec![0usize; class_names.len()];
                for split in [&dataset.train, &dataset.test] {
                    if let Labels::Classes(classes) = &split.labels {
                        for &c in classes {
                            if let Some(k) = counts.get_mut(c) {
                                *k += 1;
                            }
                        }
                    }
                }
                ("classification", class_names.clone(), counts)
            }
            Task::Regression => ("regression", Vec::new(), Vec::new()),
        };
        let note = |d: &ColumnDecision| ColumnNote {
            column: d.column.clone(),
            reason: d.reason.clone(),
        };
        Inspection {
            file: file_name.to_string(),
            rows: dataset.train.len() + dataset.test.len(),
            features: dataset.n_features(),
            feature_names: dataset.feature_names.clone(),
            task: task.to_string(),
            classes,
            class_counts,
            delimiter: char::from(report.options.delimiter).to_string(),
            header: report.options.has_header,
            decimal_comma: report.options.decimal_comma,
            sep_line: report.sep_line,
            missing_values: report.missing_values,
            gzip,
            rows_read: report.rows_read,
            dropped_missing_label: report.dropped_missing_label,
            dropped_missing_feature: report.dropped_missing_feature,
            excluded: report.excluded().map(note).collect(),
            retyped: report.retyped().map(note).collect(),
            warnings: report.warnings.clone(),
            columns: report.columns.clone(),
        }
    }
}

/// Reads (raw or gzipped), sniffs, guesses settings ([`ImportSettings::guess`]; the label
/// by header name or 0-based index when given) and builds; returns both the inspection
/// and the data set (named `file_name`).
///
/// Errors: those of [`decode_input`], [`read_table`] and [`build_dataset`] (cells on their
/// exact line), and `"{file}:{line}: unknown label column \"y\"; the columns are …"`.
pub fn inspect_csv(
    file_name: &str,
    raw: &[u8],
    label: Option<&str>,
) -> Result<(Inspection, Dataset), DataError> {
    let gzip = raw.starts_with(&GZIP_MAGIC);
    let text = decode_input(file_name, raw)?;
    let options = sniff_csv(&text);
    let table = read_table_owned(file_name, text, &options, &|_| true)?;
    let mut settings = ImportSettings::guess(&table, options);
    if let Some(label) = label {
        let column = find_column(&table.columns, label)
            .ok_or_else(|| unknown_column(file_name, table.header_line(), &table.columns, label))?;
        settings = settings.with_label(&table, column);
    }
    let (dataset, report) = build_owned(file_name, file_name, table, &settings)?;
    let inspection = Inspection::new(file_name, gzip, &dataset, &report);
    Ok((inspection, dataset))
}
