//! Step 5 of the importer: a [`Table`] and [`ImportSettings`] → a [`Dataset`] and the
//! [`TableReport`] of every decision taken on the way (its types in [`super::report`]).

use std::borrow::Cow;

use super::columns::{ColumnDecision, ColumnUse, Plan, decide};
use super::kept::Kept;
use super::labels::labels_and_task;
use super::numbers::{is_missing, not_a_number};
use super::report::{ImportWarning, LEFT_OUT_LISTED, LeftOutRow, TableReport, WarningKind};
use super::scatter::{scatter_rows, zeroed_in_parallel};
use super::settings::ImportSettings;
use super::table::{ColumnNumbers, Table};
use crate::data::dataset::{Features, SourceRows, Split, split_indices, split_sizes};
use crate::data::{DataError, Dataset, Labels, Remedy, Standardizer, Task};

/// A label column with a distinct value for at least this share of the rows (and at least
/// [`ID_LIKE_MIN_ROWS`] rows) looks like an identifier.
pub const ID_LIKE_SHARE: f64 = 0.9;
/// Fewer rows than this never make a label look like an identifier.
pub const ID_LIKE_MIN_ROWS: usize = 10;
/// One-hot code of a missing cell.
pub(super) const MISSING_CODE: u8 = u8::MAX;
/// How one feature column is read while assembling.
pub(super) enum Source {
    /// Numbers of column `j` (NaN = missing).
    Number(usize),
    /// One-hot codes per row (index of the value, [`MISSING_CODE`] = missing), `width` values,
    /// of column `column`.
    OneHot {
        column: usize,
        codes: Vec<u8>,
        width: usize,
    },
}

/// Everything decided before the features are written.
struct Prepared {
    sources: Vec<Source>,
    feature_names: Vec<String>,
    kept: Kept,
    labels: Labels,
    /// Whether a kept feature value may be missing (a NaN to fill).
    gaps: bool,
    task: Task,
    report: TableReport,
}

/// Builds and splits a data set named `name` from `table` with `settings`, by the rules in
/// the module docs of [`super`]. Missing-value means and standardisation use the training
/// split only; the split is stratified for classification (see [`Dataset::from_rows`]).
///
/// Errors name `file_name` and, for cells, their exact line and 1-based column: unknown
/// label/feature column index, a column both label and feature, no data rows, `train_ratio`
/// outside (0, 1], `"\"4x\" in column \"y\" is not a number (1 of 3 cells): treat such
/// cells as missing or exclude the column (--bad-numbers missing|exclude)"` (a
/// mostly-numeric column while [`super::BadNumbers::Refuse`]; with more bad cells the next
/// two are named too: `(3 of 60 cells; also 9:2 "x", 12:2 "-")`), `"label \"a\" in column \"y\" is not a number (regression
/// needs numbers)"`, no usable feature columns (naming each column and why), no rows left
/// after dropping rows with missing values.
pub fn build_dataset(
    name: &str,
    file_name: &str,
    table: &Table,
    settings: &ImportSettings,
) -> Result<Dataset, DataError> {
    build_with_report(name, file_name, table, settings).map(|(data, _)| data)
}

/// [`build_dataset`] with the report of every decision.
///
/// # Errors
/// As [`build_dataset`].
pub fn build_with_report(
    name: &str,
    file_name: &str,
    table: &Table,
    settings: &ImportSettings,
) -> Result<(Dataset, TableReport), DataError> {
    let numbers = table.numbers_with(settings.csv.decimal_comma);
    let prepared = prepare(file_name, table, &numbers, settings)?;
    Ok(assemble(name, prepared, numbers, settings))
}

/// [`build_with_report`] that consumes the table: its text is freed before the features are
/// written, so that a large file does not hold text and data set at once.
///
/// # Errors
/// As [`build_dataset`].
pub fn build_owned(
    name: &str,
    file_name: &str,
    mut table: Table,
    settings: &ImportSettings,
) -> Result<(Dataset, TableReport), DataError> {
    if settings.csv.decimal_comma != table.options().decimal_comma {
        return build_with_report(name, file_name, &table, settings);
    }
    // Columns of numbers only (label included) need no cell text: free it first.
    let used = settings.features.iter().chain([&settings.label]);
    let text_needed = used
        .map(|&j| table.numbers(j))
        .any(|c| c.is_none_or(|c| c.bad > 0));
    if !text_needed {
        let rows = first_gaps(&table, settings);
        table.release_text_keeping_lines(rows);
    }
    let prepared = {
        let numbers = table.numbers_with(settings.csv.decimal_comma);
        prepare(file_name, &table, &numbers, settings)?
    };
    let numbers = table.into_numbers();
    Ok(assemble(name, prepared, Cow::Owned(numbers), settings))
}

/// The rows a build of a table of numbers may leave out first, for their lines: the first
/// [`LEFT_OUT_LISTED`] whose label is missing and the first whose feature is.
fn first_gaps(table: &Table, settings: &ImportSettings) -> Vec<usize> {
    let first = |columns: &[usize]| -> Vec<usize> {
        let columns: Vec<&ColumnNumbers> = columns
            .iter()
            .filter_map(|&j| table.numbers(j))
            .filter(|c| c.missing > 0)
            .collect();
        if columns.is_empty() {
            return Vec::new();
        }
        (0..table.n_rows())
            .filter(|&i| {
                columns
                    .iter()
                    .any(|c| c.values.get(i).is_some_and(|x| x.is_nan()))
            })
            .take(LEFT_OUT_LISTED)
            .collect()
    };
    let mut rows = first(&[settings.label]);
    rows.extend(first(&settings.features));
    rows
}

/// What building `table` with `settings` would decide, without building: every column's
/// decision, the rows kept, the task and the warnings; `error` says why building would fail.
pub fn report(file_name: &str, table: &Table, settings: &ImportSettings) -> TableReport {
    let numbers = table.numbers_with(settings.csv.decimal_comma);
    match prepare(file_name, table, &numbers, settings) {
        Ok(prepared) => prepared.report,
        Err(error) => {
            let mut report = empty_report(file_name, table, &numbers, settings);
            report.columns = decide(table, &numbers, settings).0;
            report.treated_as_missing = bad_cells_treated_as_missing(&report.columns);
            report.error = Some(error);
            report
        }
    }
}

fn empty_report(
    file_name: &str,
    table: &Table,
    numbers: &[ColumnNumbers],
    settings: &ImportSettings,
) -> TableReport {
    TableReport {
        file: file_name.to_string(),
        options: settings.csv,
        sep_line: table.has_sep_line(),
        rows_read: table.n_rows(),
        rows: 0,
        dropped_missing_label: 0,
        dropped_missing_feature: 0,
        left_out: Vec::new(),
        train_rows: 0,
        test_rows: 0,
        class_counts: Vec::new(),
        missing_values: numbers.iter().map(|c| c.missing).sum(),
        treated_as_missing: 0,
        non_finite_labels: numbers
            .get(settings.label)
            .filter(|c| c.bad > 0 && c.numbers > 0)
            .filter(|c| overflowing_only(table, settings.label, c).is_some())
            .map_or(0, |c| c.bad),
        task: String::new(),
        columns: Vec::new(),
        warnings: Vec::new(),
        error: None,
    }
}

/// The bad cells of the feature columns of numbers that treat them as missing.
fn bad_cells_treated_as_missing(decisions: &[ColumnDecision]) -> usize {
    decisions
        .iter()
        .filter(|d| d.kind == ColumnUse::Number && d.cause == Some(super::ColumnCause::BadNumbers))
        .map(|d| d.bad_count)
        .sum()
}

/// Checks the settings against the table.
fn check_settings(
    file_name: &str,
    table: &Table,
    settings: &ImportSettings,
) -> Result<(), DataError> {
    let err = |message: String| Err(DataError::new(file_name, message));
    let n_columns = table.columns.len();
    let label = settings.label;
    if label >= n_columns {
        return err(format!(
            "there is no label column {}: the table has {n_columns} columns",
            label + 1
        ));
    }
    for &j in &settings.features {
        if j >= n_columns {
            return err(format!(
                "there is no feature column {}: the table has {n_columns} columns",
                j + 1
            ));
        }
        if j == label {
            let column = table.columns.get(j).map_or("", String::as_str);
            return err(format!(
                "column {column:?} cannot be both the label and a feature"
            ));
        }
    }
    if table.n_rows() == 0 {
        return err("no data rows".into());
    }
    let ratio = settings.train_ratio;
    if !(ratio > 0.0 && ratio <= 1.0) {
        return err(format!("train_ratio must be in (0, 1], got {ratio}"));
    }
    Ok(())
}

/// The error for an unresolved column: its first bad cell, the count and the choice.
fn unresolved_error(file_name: &str, table: &Table, d: &ColumnDecision) -> DataError {
    let Some(first) = d.bad_cells.first() else {
        return DataError::new(file_name, format!("column {:?}: {}", d.column, d.reason));
    };
    let cell = first
        .value
        .strip_suffix('…')
        .map_or(first.value.clone(), str::to_string);
    let present = table.numbers(d.index).map_or(0, ColumnNumbers::present);
    let mut message = not_a_number(&cell, &d.column);
    let more: Vec<String> = d
        .bad_cells
        .iter()
        .skip(1)
        .take(2)
        .map(ToString::to_string)
        .collect();
    let also = if more.is_empty() {
        String::new()
    } else {
        let ellipsis = if d.bad_count > 3 { ", …" } else { "" };
        format!("; also {}{ellipsis}", more.join(", "))
    };
    message += &format!(
        " ({} of {present} cells{also}): treat such cells as missing or exclude the column",
        d.bad_count
    );
    DataError::new(file_name, message)
        .at_cell(first.line, first.column)
        .with_remedy(Remedy::BadNumbers)
}

/// Decides every column, the rows kept, the labels and the task.
fn prepare(
    file_name: &str,
    table: &Table,
    numbers: &[ColumnNumbers],
    settings: &ImportSettings,
) -> Result<Prepared, DataError> {
    check_settings(file_name, table, settings)?;
    let err = |message: String| DataError::new(file_name, message);
    let mut report = empty_report(file_name, table, numbers, settings);
    let (decisions, plans) = decide(table, numbers, settings);
    if let Some(d) = decisions.iter().find(|d| d.kind == ColumnUse::Unresolved) {
        return Err(unresolved_error(file_name, table, d));
    }
    let label = settings.label;
    let label_name = table.columns.get(label).map_or("", String::as_str);
    if plans.is_empty() {
        let reasons: Vec<String> = decisions
            .iter()
            .filter(|d| d.index != label)
            .map(|d| format!("{:?} {}", d.column, d.reason))
            .collect();
        let reasons = if reasons.is_empty() {
            String::new()
        } else {
            format!(": {}", reasons.join("; "))
        };
        return Err(err(format!(
            "no usable feature columns besides the label column {label_name:?}{reasons}{}",
            one_column_hint(table)
        )));
    }
    let mut sources = Vec::new();
    let mut feature_names = Vec::new();
    for plan in plans {
        match plan {
            Plan::Number(j) => {
                sources.push(Source::Number(j));
                feature_names.push(table.columns.get(j).cloned().unwrap_or_default());
            }
            Plan::OneHot(j, values) => {
                let codes = (0..table.n_rows())
                    .map(|i| {
                        let cell = table.cell(i, j);
                        values
                            .binary_search_by(|v| v.as_str().cmp(cell))
                            .map_or(MISSING_CODE, |k| k as u8)
                    })
                    .collect();
                let column = table.columns.get(j).map_or("", String::as_str);
                feature_names.extend(values.iter().map(|v| format!("{column}={v}")));
                sources.push(Source::OneHot {
                    column: j,
                    codes,
                    width: values.len(),
                });
            }
        }
    }
    let mut label_numbers = numbers.get(label).filter(|c| c.bad == 0);
    // A label of numbers whose other cells are numbers too large for f32 (3.5e38, 1e39, inf)
    // is a column of numbers with unusable cells, not text labels (which made each value a
    // class): refused at the first such cell, or those rows left out with
    // `--bad-numbers missing`.
    if let Some(column) = numbers.get(label).filter(|c| c.bad > 0 && c.numbers > 0)
        && let Some(first) = overflowing_only(table, label, column)
    {
        if settings.bad_numbers != super::BadNumbers::Missing {
            return Err(non_finite_label(file_name, table, label, column, first));
        }
        label_numbers = Some(column);
    }
    let drop_incomplete = settings.missing == super::MissingPolicy::DropRows;
    let (kept, gaps) = kept_rows(
        table,
        (numbers, &sources),
        (label, label_numbers),
        drop_incomplete,
        &mut report,
    );
    if kept.is_empty() {
        return Err(err(
            "no rows left: every row has a missing value in a feature or the label".into(),
        ));
    }
    let (labels, task) = labels_and_task(file_name, table, label_numbers, &kept, settings)?;
    report.rows = kept.len();
    (report.train_rows, report.test_rows) = split_sizes(&labels, settings.train_ratio);
    if let (Labels::Classes(classes), Task::Classification { class_names }) = (&labels, &task) {
        let mut counts = vec![0usize; class_names.len()];
        for &c in classes {
            if let Some(n) = counts.get_mut(c) {
                *n += 1;
            }
        }
        report.class_counts = class_names.iter().cloned().zip(counts).collect();
    }
    report.treated_as_missing = bad_cells_treated_as_missing(&decisions);
    if label_numbers.is_some_and(|c| c.bad > 0) {
        report.treated_as_missing += report.non_finite_labels;
    }
    report.columns = decisions;
    if let Some(label_decision) = report.columns.get_mut(label) {
        label_decision.reason = match &task {
            Task::Classification { class_names } => {
                format!("label: classification with {} classes", class_names.len())
            }
            Task::Regression => "label: regression".into(),
        };
    }
    report.task = match task {
        Task::Classification { .. } => "classification".into(),
        Task::Regression => "regression".into(),
    };
    if let Some(warning) = id_like_warning(label_name, &task, kept.len()) {
        report.warnings.push(warning);
    }
    if table.options().has_header {
        report
            .warnings
            .extend(duplicate_name_warnings(&table.columns));
    }
    Ok(Prepared {
        sources,
        feature_names,
        kept,
        labels,
        gaps,
        task,
        report,
    })
}

/// The rows that become samples (see [`Kept`]), counting in `report` those left out for a
/// missing label or (when `drop_incomplete`) a missing feature, and listing the first ones
/// with why; and whether a kept row may still hold a missing feature value (to be filled).
fn kept_rows(
    table: &Table,
    (numbers, sources): (&[ColumnNumbers], &[Source]),
    (label, label_numbers): (usize, Option<&ColumnNumbers>),
    drop_incomplete: bool,
    report: &mut TableReport,
) -> (Kept, bool) {
    let label_missing = |i: usize| match label_numbers {
        Some(c) => c.values.get(i).is_none_or(|x| x.is_nan()),
        None => is_missing(table.cell(i, label)),
    };
    // Only columns with missing (or bad) cells can make a row incomplete.
    let gaps: Vec<&Source> = sources
        .iter()
        .filter(|s| match s {
            Source::Number(j) => numbers[*j].missing + numbers[*j].bad > 0,
            Source::OneHot { .. } => true,
        })
        .collect();
    let missing_at = |s: &Source, i: usize| match s {
        Source::Number(j) => numbers[*j].values.get(i).is_none_or(|x| x.is_nan()),
        Source::OneHot { codes, .. } => codes.get(i).is_none_or(|&c| c == MISSING_CODE),
    };
    let label_gaps = label_numbers.is_none_or(|c| c.missing + c.bad > 0);
    let mut kept = Kept::new();
    let list = |report: &mut TableReport, i: usize, j: usize| {
        if report.left_out.len() < LEFT_OUT_LISTED {
            report.left_out.push(LeftOutRow {
                row: i,
                line: table.line(i),
                reason: missing_reason(table, numbers.get(j), i, j, j == label),
            });
        }
    };
    for i in 0..table.n_rows() {
        if label_gaps && label_missing(i) {
            report.dropped_missing_label += 1;
            list(report, i, label);
            kept.leave_out(i);
            continue;
        }
        let incomplete = gaps.iter().find(|s| missing_at(s, i));
        if let Some(source) = incomplete
            && drop_incomplete
        {
            report.dropped_missing_feature += 1;
            let j = match source {
                Source::Number(j) => *j,
                Source::OneHot { column, .. } => *column,
            };
            list(report, i, j);
            kept.leave_out(i);
            continue;
        }
        kept.keep(i);
    }
    (kept, !gaps.is_empty() && !drop_incomplete)
}

/// Why row `i` is left out for its cell in column `j` (`label`: the label column), a missing
/// value or a cell that is not a number treated as one: `a missing value in column "b"`,
/// `"oops" in column "b" is not a number, treated as missing`, `a missing label in column
/// "y"`, `"inf" in column "y" is not a finite number`. The cell's text is read only in a
/// column with cells that are not numbers (a table of numbers may have freed its text).
fn missing_reason(
    table: &Table,
    column: Option<&ColumnNumbers>,
    i: usize,
    j: usize,
    label: bool,
) -> String {
    let name = table.columns.get(j).map_or("", String::as_str);
    let text = column.is_none_or(|c| c.bad > 0);
    let cell = if text { table.cell(i, j) } else { "" };
    match (is_missing(cell), label) {
        (true, true) => format!("a missing label in column {name:?}"),
        (true, false) => format!("a missing value in column {name:?}"),
        (false, true) => not_a_number(cell, name),
        (false, false) => format!("{}, treated as missing", not_a_number(cell, name)),
    }
}

/// The first row whose `label` cell is not a finite `f32` when every such cell of `column`
/// (neither missing nor read as a number) is still a number by Rust's float syntax (too
/// large for `f32`, or `inf`); `None` when some is text.
fn overflowing_only(table: &Table, label: usize, column: &ColumnNumbers) -> Option<usize> {
    let mut first = None;
    for (i, value) in column.values.iter().enumerate() {
        let cell = table.cell(i, label);
        if !value.is_nan() || is_missing(cell) {
            continue;
        }
        cell.parse::<f64>().ok()?;
        first.get_or_insert(i);
    }
    first
}

/// `"file:line:col: \"3.5e38\" in column \"y\" is not a finite number (1 of 200 cells): the
/// label must be a 32-bit float (at most 3.4e38 in size); …"`, at row `row`'s cell.
fn non_finite_label(
    file_name: &str,
    table: &Table,
    label: usize,
    column: &ColumnNumbers,
    row: usize,
) -> DataError {
    let name = table.columns.get(label).map_or("", String::as_str);
    let message = format!(
        "{} ({} of {} cells): a label of numbers must be finite as a 32-bit float (at most \
         3.4e38 in size); scale the column, or leave such rows out",
        not_a_number(table.cell(row, label), name),
        column.bad,
        column.present()
    );
    DataError::new(file_name, message)
        .at_cell(table.cell_line(row, label), label + 1)
        .with_remedy(Remedy::NonFiniteLabel)
}

/// The warning for a classification label with a distinct value for (nearly) every row.
fn id_like_warning(label: &str, task: &Task, rows: usize) -> Option<ImportWarning> {
    let Task::Classification { class_names } = task else {
        return None;
    };
    let classes = class_names.len();
    let id_like = rows >= ID_LIKE_MIN_ROWS && classes as f64 >= ID_LIKE_SHARE * rows as f64;
    id_like.then(|| ImportWarning {
        kind: WarningKind::IdLikeLabel,
        message: format!(
            "the label column {label:?} has {classes} distinct values in {rows} rows, like an \
             identifier: each class has about one row, so nothing can be learned or tested; \
             choose another label column, or regression if the label is a quantity"
        ),
    })
}

/// For a table read as one column whose name holds another common delimiter: which
/// delimiter was used and why (an Excel `sep=` line names it), so that a `sep=,` line over a
/// file of `;` explains itself. Empty otherwise.
fn one_column_hint(table: &Table) -> String {
    let [only] = table.columns.as_slice() else {
        return String::new();
    };
    let used = char::from(table.options().delimiter);
    let Some(other) = [';', ',', '\t', '|']
        .into_iter()
        .find(|&c| c != used && only.contains(c))
    else {
        return String::new();
    };
    let why = if table.has_sep_line() {
        format!("the file's first line \"sep={used}\" sets it")
    } else {
        "it was detected from the first lines".to_string()
    };
    format!(
        " (every line was read as one cell with the delimiter {used:?}: {why}; the header holds \
         {other:?}, which may be the file's delimiter)"
    )
}

/// One warning per header name that two or more columns share (1-based column numbers), in
/// the order the names first appear.
fn duplicate_name_warnings(names: &[String]) -> Vec<ImportWarning> {
    // The 1-based columns of each name, in one pass: comparing every name with the ones
    // before it took 18 s for a header of 100 000 columns.
    let mut columns: std::collections::HashMap<&str, Vec<usize>> =
        std::collections::HashMap::with_capacity(names.len());
    for (j, name) in names.iter().enumerate() {
        columns.entry(name.as_str()).or_default().push(j + 1);
    }
    let mut warnings = Vec::new();
    for (j, name) in names.iter().enumerate() {
        let same = &columns[name.as_str()];
        // Warned once, at the name's first column, so the warnings keep the file's order.
        if same.len() > 1 && same[0] == j + 1 {
            let list: Vec<String> = same.iter().map(ToString::to_string).collect();
            warnings.push(ImportWarning {
                kind: WarningKind::DuplicateColumnNames,
                message: format!(
                    "columns {} are all named {name:?}: each is read as its own column, and \
                     the panels and exports name them alike; rename them in the file to tell \
                     them apart",
                    list.join(", ")
                ),
            });
        }
    }
    warnings
}

/// Writes the features of the kept rows, splits, fills missing values and standardises.
/// Owned column numbers are freed as soon as the features are written.
fn assemble(
    name: &str,
    prepared: Prepared,
    numbers: Cow<'_, [ColumnNumbers]>,
    settings: &ImportSettings,
) -> (Dataset, TableReport) {
    let Prepared {
        sources,
        feature_names,
        kept,
        labels,
        gaps,
        task,
        report,
    } = prepared;
    let n = feature_names.len();
    // Columns that no feature reads (the label's, whose classes are drawn already, and the
    // excluded ones) are freed before the splits' memory is taken: the system can then hand
    // their pages straight back, which costs less than pages it has not used lately.
    let mut numbers = numbers;
    if let Cow::Owned(columns) = &mut numbers {
        let read: Vec<usize> = sources
            .iter()
            .filter_map(|s| match s {
                Source::Number(j) => Some(*j),
                Source::OneHot { .. } => None,
            })
            .collect();
        for (j, column) in columns.iter_mut().enumerate() {
            if !read.contains(&j) {
                column.values = Vec::new();
            }
        }
    }
    // The split (one thread: its order follows the seeded generator) while the other core
    // zeroes the memory of the two splits.
    let (sizes_train, sizes_test) = split_sizes(&labels, settings.train_ratio);
    let ((train_idx, test_idx), (mut train_features, mut test_features)) = rayon::join(
        || split_indices(&labels, settings.train_ratio, settings.seed),
        || {
            (
                zeroed_in_parallel(sizes_train.saturating_mul(n)),
                zeroed_in_parallel(sizes_test.saturating_mul(n)),
            )
        },
    );
    scatter_rows(
        &sources,
        &numbers,
        &kept,
        n,
        (&train_idx, &test_idx),
        (&mut train_features, &mut test_features),
    );
    drop((sources, numbers));
    let train = Split {
        features: Features::F32(train_features),
        labels: labels.select(&train_idx),
        n_features: n,
    };
    let test = Split {
        features: Features::F32(test_features),
        labels: labels.select(&test_idx),
        n_features: n,
    };
    drop(labels);
    // The split's indices are the source rows themselves when every row was kept.
    let source_rows = match kept.rows() {
        Some(rows) => SourceRows::mapped(Some(rows), &train_idx, &test_idx),
        None => SourceRows {
            train: train_idx,
            test: test_idx,
        },
    };
    drop(kept);
    let mut dataset = Dataset {
        name: name.to_string(),
        feature_names,
        task,
        train,
        test,
        standardizer: None,
        image_shape: None,
        source_rows: Some(source_rows),
        fill_values: None,
    };
    dataset.fill_values = if gaps {
        fill_missing(&mut dataset, n)
    } else {
        None
    };
    if settings.standardize {
        let s = Standardizer::fit(&dataset.train);
        s.transform(&mut dataset.train);
        s.transform(&mut dataset.test);
        dataset.standardizer = Some(s);
    }
    (dataset, report)
}

/// Replaces the NaN placeholders of missing values in both splits by the mean of the
/// feature over the training split's present values (0 when there are none), and returns
/// those means (`None` when no value was missing).
fn fill_missing(dataset: &mut Dataset, n: usize) -> Option<Vec<f32>> {
    if !has_nan(&dataset.train.features) && !has_nan(&dataset.test.features) {
        return None;
    }
    let (mut sums, mut counts) = (vec![0.0f64; n], vec![0usize; n]);
    if let Features::F32(values) = &dataset.train.features {
        for row in values.chunks_exact(n.max(1)) {
            for ((s, c), &x) in sums.iter_mut().zip(counts.iter_mut()).zip(row) {
                if !x.is_nan() {
                    *s += f64::from(x);
                    *c += 1;
                }
            }
        }
    }
    let means: Vec<f32> = sums
        .iter()
        .zip(&counts)
        .map(|(&s, &c)| if c == 0 { 0.0 } else { (s / c as f64) as f32 })
        .collect();
    for split in [&mut dataset.train, &mut dataset.test] {
        if let Features::F32(values) = &mut split.features {
            for row in values.chunks_exact_mut(n.max(1)) {
                for (x, &m) in row.iter_mut().zip(&means) {
                    if x.is_nan() {
                        *x = m;
                    }
                }
            }
        }
    }
    Some(means)
}

fn has_nan(features: &Features) -> bool {
    features
        .as_f32()
        .is_some_and(|v| v.iter().any(|x| x.is_nan()))
}
