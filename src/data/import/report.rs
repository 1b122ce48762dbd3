//! What the importer tells about a table it built (or could not build): every decision,
//! the rows left out and why, the warnings ([`TableReport`], filled in by [`super::build`]).

use serde::Serialize;

use super::columns::ColumnDecision;
use super::settings::CsvOptions;
use crate::data::DataError;

/// The report lists the first this many rows left out ([`TableReport::left_out`]).
pub const LEFT_OUT_LISTED: usize = 5;

/// A row left out of the data set, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LeftOutRow {
    /// 0-based data row.
    pub row: usize,
    /// 1-based line where the row starts; 0 when unknown (a large file of numbers read as a
    /// stream keeps no text).
    pub line: u64,
    /// Why, in a few words: `a missing value in column "b"`, `"oops" in column "b" is not a
    /// number, treated as missing`.
    pub reason: String,
}

impl std::fmt::Display for LeftOutRow {
    /// `line 3: a missing value in column "b"` (`data row 2: …` when the line is unknown).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "line {}: {}", self.line, self.reason)
        } else {
            write!(f, "data row {}: {}", self.row + 1, self.reason)
        }
    }
}

/// Something the user should know although the data set was built.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImportWarning {
    /// What kind of problem.
    pub kind: WarningKind,
    /// One line, for people.
    pub message: String,
}

/// Kinds of [`ImportWarning`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// The label has a distinct value for (nearly) every row: an identifier, not a class.
    IdLikeLabel,
    /// Two or more header cells hold the same name: the columns are all read, under one
    /// name.
    DuplicateColumnNames,
}

/// Every decision the importer took on a table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TableReport {
    /// The file, as given.
    pub file: String,
    /// How the text was read.
    pub options: CsvOptions,
    /// Whether an Excel `sep=` first line named the delimiter.
    pub sep_line: bool,
    /// Data rows in the file.
    pub rows_read: usize,
    /// Rows in the data set (training + test).
    pub rows: usize,
    /// Rows left out because their label is missing.
    pub dropped_missing_label: usize,
    /// Rows left out because a feature is missing (with [`super::MissingPolicy::DropRows`]).
    pub dropped_missing_feature: usize,
    /// The first rows left out ([`LEFT_OUT_LISTED`] at most), in file order, with why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<LeftOutRow>,
    /// Rows in the training split (0 when the build fails).
    pub train_rows: usize,
    /// Rows in the test split (0 when the build fails; also when every class has a single
    /// row, which trains, or the training share is 1).
    pub test_rows: usize,
    /// Rows per class among the rows kept, in class order (classification only).
    pub class_counts: Vec<(String, usize)>,
    /// Missing cells in the whole table (every column).
    pub missing_values: usize,
    /// Cells that are not numbers and are treated as missing values
    /// ([`super::BadNumbers::Missing`]): in the feature columns of numbers, and in a label
    /// of numbers the cells not finite as a 32-bit float.
    pub treated_as_missing: usize,
    /// Cells of a label of numbers that are numbers not finite as a 32-bit float (`inf`,
    /// `3.5e38`): refused, or their rows left out with [`super::BadNumbers::Missing`].
    pub non_finite_labels: usize,
    /// `"classification"` or `"regression"` (empty when the build failed before deciding).
    pub task: String,
    /// One decision per column of the file, in order (the label included).
    pub columns: Vec<ColumnDecision>,
    /// Things to check although the data set was built.
    pub warnings: Vec<ImportWarning>,
    /// Why the data set cannot be built with these settings (from [`report`] only; as text
    /// in JSON).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "error_text")]
    pub error: Option<DataError>,
}

/// An error as its text (for [`TableReport::error`] in JSON).
fn error_text<S: serde::Serializer>(
    error: &Option<DataError>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match error {
        Some(e) => serializer.serialize_str(&e.to_string()),
        None => serializer.serialize_none(),
    }
}

impl TableReport {
    /// The columns left out, with their reasons.
    pub fn excluded(&self) -> impl Iterator<Item = &ColumnDecision> {
        self.columns.iter().filter(|d| d.is_excluded())
    }

    /// The columns kept in another form than their cells (one-hot, bad cells as missing).
    pub fn retyped(&self) -> impl Iterator<Item = &ColumnDecision> {
        self.columns.iter().filter(|d| d.is_retyped())
    }
}
