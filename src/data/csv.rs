//! Loading a labelled data set from a CSV file with a header row: the strict loader of
//! earlier versions, now a thin wrapper over the importer in [`super::import`].

use std::path::Path;

use super::import::{
    self, BadNumbers, CsvOptions, ImportSettings, MissingPolicy, Table, TaskChoice, TextFeature,
    UNTERMINATED_QUOTE, build_dataset, decode_input, find_column, is_missing, not_a_number,
    read_table, sniff_csv, unknown_column,
};
use super::{DataError, Dataset};

/// Reads the file at `path` and parses it with [`parse_csv`] (errors name the path as given;
/// the data set is named after the file name).
///
/// Errors: `"{path}: the file does not exist"`, `"{path}: cannot read the file: {reason}"`,
/// and every error of [`parse_csv`].
pub fn load_csv(
    path: &Path,
    label: &str,
    train_ratio: f32,
    seed: u64,
) -> Result<Dataset, DataError> {
    let file = path.display().to_string();
    if path.exists() && !path.is_file() {
        return Err(DataError::new(&file, "not a regular file"));
    }
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => DataError::new(&file, "the file does not exist"),
        _ => DataError::new(&file, format!("cannot read the file: {e}")),
    })?;
    let mut dataset = parse_csv(&file, &bytes, label, train_ratio, seed)?;
    if let Some(name) = path.file_name() {
        dataset.name = name.to_string_lossy().into_owned();
    }
    Ok(dataset)
}

/// Parses delimited text with a header row, one sample per row: raw or gzipped, the
/// delimiter (`,` `;` tab `|`) and a decimal comma guessed by [`sniff_csv`], `"` quotes
/// (`""` inside quotes is a literal quote), LF, CRLF or CR line ends, blank lines ignored,
/// an optional UTF-8 byte order mark, spaces around cells ignored, one trailing empty field
/// ignored (see [`import`]).
///
/// `label` names the label column: a header name (exact, else ignoring ASCII case), else a
/// 0-based column index. Every other column is a feature and must hold finite numbers (this
/// loader is strict: no missing values, no text features; [`import::inspect_csv`] and
/// [`build_dataset`] handle those). The task is classification when any label is not a
/// number or when the labels are at most 20 distinct integers; otherwise regression. Class
/// names are sorted (numeric labels in numeric order, written like `1`, `-2`, `2.5`).
/// Features are standardised with training statistics. The data set is named `file_name`.
///
/// Errors (`file_name` is the error's file; see [`DataError`] for line and column; the
/// earliest problem in the file is reported):
/// - `"{file}: the file is empty"` (no bytes, or only blank lines)
/// - `"{file}: no data rows"` (header only)
/// - `"{file}:{line}: 4 fields, the header has 3"` (wrong field count)
/// - `"{file}:{line}:{column}: \"abc\" in column \"x2\" is not a number"` (also `is not a finite
///   number` for `inf`/`NaN`, and `empty cell in column "x2" (expected a number)`)
/// - `"{file}:{line}:{column}: empty label in column \"label\""` (and `missing label "NA" in
///   column "label"` for the other missing-value marks `NA`, `N/A`, `?`, `nan`)
/// - `"{file}:1: unknown label column \"y\"; the columns are x1, x2, label"`
/// - `"{file}:{line}:{column}: unterminated quote (the quoted cell starting here never ends)"`
/// - `"{file}:1: no feature columns besides the label column"`
/// - `"{file}:{line}:{column}: the cell is not valid UTF-8"`
/// - `"{file}: cannot decompress the gzip data: {reason}"`
/// - `"{file}: train_ratio must be in (0, 1], got 0"`.
pub fn parse_csv(
    file_name: &str,
    bytes: &[u8],
    label: &str,
    train_ratio: f32,
    seed: u64,
) -> Result<Dataset, DataError> {
    let text = decode_input(file_name, bytes)?;
    let options = CsvOptions {
        has_header: true,
        ..sniff_csv(&text)
    };
    let table = match read_table(file_name, &text, &options) {
        Ok(table) => table,
        Err(e) => return Err(earlier_error(file_name, &text, &options, label, e)),
    };
    let label_col = check_strict(file_name, &options, &table, label)?;
    let settings = ImportSettings {
        task: TaskChoice::Auto,
        missing: MissingPolicy::DropRows,
        text_features: TextFeature::Exclude,
        bad_numbers: BadNumbers::Refuse,
        standardize: true,
        train_ratio,
        seed,
        ..ImportSettings::guess(&table, options).with_label(&table, label_col)
    };
    build_dataset(file_name, file_name, &table, &settings)
}

/// For an unterminated quote `error`: a strictness error in the rows before the record
/// holding the quote, if there is one (it comes first in the file), else `error`.
fn earlier_error(
    file_name: &str,
    text: &[u8],
    options: &CsvOptions,
    label: &str,
    error: DataError,
) -> DataError {
    if error.message != UNTERMINATED_QUOTE {
        return error;
    }
    let before = import::open_quote_record_start(text, options.delimiter)
        .and_then(|start| text.get(..start));
    let earlier = before
        .and_then(|prefix| read_table(file_name, prefix, options).ok())
        .and_then(|table| check_strict(file_name, options, &table, label).err());
    match earlier {
        Some(e) if e.line.is_some() && e.line < error.line => e,
        _ => error,
    }
}

/// The label column of `table`, after checking the rules of [`parse_csv`]: at least one
/// feature column, every feature cell a finite number, no missing label.
fn check_strict(
    file_name: &str,
    options: &CsvOptions,
    table: &Table,
    label: &str,
) -> Result<usize, DataError> {
    let label_col = find_column(&table.columns, label)
        .ok_or_else(|| unknown_column(file_name, table.header_line(), &table.columns, label))?;
    if table.columns.len() < 2 {
        return Err(
            DataError::new(file_name, "no feature columns besides the label column")
                .at_line(table.header_line()),
        );
    }
    let mut first: Option<(usize, usize)> = None;
    for j in 0..table.columns.len() {
        let Some(column) = table.numbers(j) else {
            continue;
        };
        let problem = |i: &usize| {
            let cell = table.cell(*i, j);
            if j == label_col {
                is_missing(cell)
            } else {
                cell.is_empty() || import::parse_number(cell, options.decimal_comma).is_none()
            }
        };
        let clean = if j == label_col {
            column.missing == 0
        } else {
            column.missing == 0 && column.bad == 0
        };
        if clean {
            continue;
        }
        let limit = first.map_or(table.n_rows(), |(i, _)| i + 1);
        if let Some(i) = (0..limit).find(problem)
            && first.is_none_or(|(fi, fj)| (i, j) < (fi, fj))
        {
            first = Some((i, j));
        }
    }
    if let Some((i, j)) = first {
        let cell = table.cell(i, j);
        let column = table.columns.get(j).map_or("", String::as_str);
        let message = if j == label_col {
            if cell.is_empty() {
                format!("empty label in column {column:?}")
            } else {
                format!("missing label {cell:?} in column {column:?}")
            }
        } else if cell.is_empty() {
            format!("empty cell in column {column:?} (expected a number)")
        } else {
            not_a_number(cell, column)
        };
        return Err(DataError::new(file_name, message).at_cell(table.cell_line(i, j), j + 1));
    }
    Ok(label_col)
}
