//! Loading a labelled data set from a CSV file with a header row.

use std::path::Path;

use ::csv::{ByteRecord, ReaderBuilder};

use super::{DataError, Dataset, Labels, Task};

/// At most this many distinct integer labels make a numeric label column a classification.
const MAX_INTEGER_CLASSES: usize = 20;

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

/// Parses CSV text: a header row, then one sample per row, comma separated, `"` quotes
/// (`""` inside quotes is a literal quote), LF or CRLF line ends, blank lines ignored, an
/// optional UTF-8 byte order mark, spaces around cells ignored.
///
/// `label` names the label column: a header name, else a 0-based column index. Every other
/// column is a feature and must hold finite numbers. The task is classification when any
/// label is not a (finite) number or when the labels are at most 20 distinct integers;
/// otherwise regression. Class names are sorted (numeric labels in numeric order, written
/// like `1`, `-2`, `2.5`). Features are standardised with training statistics. The data set
/// is named `file_name`.
///
/// Errors (`file_name` is the error's file; see [`DataError`] for line and column):
/// - `"{file}: the file is empty"` (no bytes, or only blank lines)
/// - `"{file}: no data rows"` (header only)
/// - `"{file}:{line}: 4 fields, the header has 3"` (wrong field count)
/// - `"{file}:{line}:{column}: \"abc\" in column \"x2\" is not a number"` (also `is not a finite
///   number` for `inf`/`NaN`, and `empty cell in column "x2" (expected a number)`)
/// - `"{file}:{line}:{column}: empty label in column \"label\""`
/// - `"{file}:1: unknown label column \"y\"; the columns are x1, x2, label"`
/// - `"{file}:{line}:{column}: unterminated quote (the quoted cell starting here never ends)"`
/// - `"{file}:1: no feature columns besides the label column"`
/// - `"{file}:{line}:{column}: the cell is not valid UTF-8"`
/// - errors of [`Dataset::from_rows`], e.g. `train_ratio` outside (0, 1].
pub fn parse_csv(
    file_name: &str,
    bytes: &[u8],
    label: &str,
    train_ratio: f32,
    seed: u64,
) -> Result<Dataset, DataError> {
    let err = |message: String| DataError::new(file_name, message);
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let records = read_records(bytes).map_err(|e| {
        let at = e.position().map(|p| record_line(bytes, p));
        let error = err(e.to_string());
        match at {
            Some(line) => error.at_line(line),
            None => error,
        }
    })?;
    let open_quote = unterminated_quote(bytes);
    let quote_error = |(line, column)| {
        err("unterminated quote (the quoted cell starting here never ends)".into())
            .at_cell(line, column)
    };

    let Some((header, data)) = records.split_first() else {
        return Err(err("the file is empty".into()));
    };
    if data.is_empty()
        && let Some(at) = open_quote
    {
        return Err(quote_error(at));
    }
    let header_line = line_of(bytes, header);
    let columns: Vec<String> = cells(file_name, header, header_line)?
        .into_iter()
        .map(|(text, _)| text)
        .collect();
    let label_col = find_column(&columns, label).ok_or_else(|| {
        let list = columns.join(", ");
        err(format!(
            "unknown label column {:?}; the columns are {list}",
            label.trim()
        ))
        .at_line(header_line)
    })?;
    if columns.len() < 2 {
        return Err(err("no feature columns besides the label column".into()).at_line(header_line));
    }
    if data.is_empty() {
        return Err(err("no data rows".into()));
    }

    let mut rows = Vec::with_capacity(data.len());
    let mut label_cells = Vec::with_capacity(data.len());
    for (k, record) in data.iter().enumerate() {
        if k + 1 == data.len()
            && let Some(at) = open_quote
        {
            return Err(quote_error(at));
        }
        let (row, label_cell) = parse_row(file_name, bytes, record, &columns, label_col)?;
        rows.push(row);
        label_cells.push(label_cell);
    }
    let feature_names = columns
        .iter()
        .enumerate()
        .filter(|&(j, _)| j != label_col)
        .map(|(j, name)| {
            if name.is_empty() {
                format!("column {}", j + 1)
            } else {
                name.clone()
            }
        })
        .collect();
    let (labels, task) = labels_and_task(&label_cells);
    Dataset::from_rows(
        file_name,
        feature_names,
        rows,
        labels,
        task,
        train_ratio,
        seed,
        true,
    )
}

/// The features and the (trimmed, non-empty) label cell of one data record.
fn parse_row(
    file_name: &str,
    bytes: &[u8],
    record: &ByteRecord,
    columns: &[String],
    label_col: usize,
) -> Result<(Vec<f32>, String), DataError> {
    let line = line_of(bytes, record);
    if record.len() != columns.len() {
        let (n, m) = (record.len(), columns.len());
        let fields = if n == 1 { "field" } else { "fields" };
        let message = format!("{n} {fields}, the header has {m}");
        return Err(DataError::new(file_name, message).at_line(line));
    }
    let mut features = Vec::with_capacity(columns.len());
    let mut label = String::new();
    for ((j, (cell, cell_line)), column) in cells(file_name, record, line)?
        .into_iter()
        .enumerate()
        .zip(columns)
    {
        let at = |message: String| DataError::new(file_name, message).at_cell(cell_line, j + 1);
        if j != label_col {
            features.push(parse_feature(&cell, column).map_err(at)?);
        } else if cell.is_empty() {
            return Err(at(format!("empty label in column {column:?}")));
        } else {
            label = cell;
        }
    }
    Ok((features, label))
}

/// Every record, header included, with the csv crate's positions. Field counts are checked
/// by the caller (so the reader is flexible), and cells are trimmed by the caller (so the
/// line breaks inside quoted cells survive and can be counted).
fn read_records(bytes: &[u8]) -> Result<Vec<ByteRecord>, ::csv::Error> {
    ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes)
        .byte_records()
        .collect()
}

/// The 1-based line where `record` starts.
fn line_of(bytes: &[u8], record: &ByteRecord) -> u64 {
    record.position().map_or(1, |p| record_line(bytes, p))
}

/// The 1-based line of the first byte of the record read from `position`. The csv crate
/// places a record where reading resumed, i.e. before the blank lines (or the `\n` of a
/// `\r\n`) that precede it; those line breaks are counted here.
fn record_line(bytes: &[u8], position: &::csv::Position) -> u64 {
    let start = usize::try_from(position.byte()).unwrap_or(usize::MAX);
    let skipped = bytes
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take_while(|&&b| b == b'\n' || b == b'\r')
        .filter(|&&b| b == b'\n')
        .count();
    position.line() + skipped as u64
}

/// The line of each cell of `record` (which starts on `line`): later cells move down by the
/// line breaks inside the quoted cells before them.
fn cell_lines(record: &ByteRecord, line: u64) -> impl Iterator<Item = u64> + '_ {
    record.iter().scan(line, |next, field| {
        let this = *next;
        *next += field.iter().filter(|&&b| b == b'\n').count() as u64;
        Some(this)
    })
}

/// The trimmed text and the line of each cell of `record` (which starts on `line`).
fn cells(file_name: &str, record: &ByteRecord, line: u64) -> Result<Vec<(String, u64)>, DataError> {
    record
        .iter()
        .zip(cell_lines(record, line))
        .enumerate()
        .map(|(j, (field, cell_line))| match std::str::from_utf8(field) {
            Ok(text) => Ok((text.trim().to_string(), cell_line)),
            Err(_) => {
                Err(DataError::new(file_name, "the cell is not valid UTF-8")
                    .at_cell(cell_line, j + 1))
            }
        })
        .collect()
}

/// Index of the label column: a header name (exact, after trimming), else a 0-based index.
fn find_column(columns: &[String], label: &str) -> Option<usize> {
    let label = label.trim();
    columns
        .iter()
        .position(|c| c == label)
        .or_else(|| label.parse::<usize>().ok().filter(|&i| i < columns.len()))
}

/// A feature cell as a finite number; the message quotes the cell and names the column.
fn parse_feature(cell: &str, column: &str) -> Result<f32, String> {
    if cell.is_empty() {
        return Err(format!(
            "empty cell in column {column:?} (expected a number)"
        ));
    }
    let shown = shorten(cell);
    match cell.parse::<f32>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(_) => Err(format!(
            "{shown:?} in column {column:?} is not a finite number"
        )),
        Err(_) => Err(format!("{shown:?} in column {column:?} is not a number")),
    }
}

/// `text`, cut to 40 characters (with "…") so that messages stay one readable line.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// Labels and task from the (trimmed, non-empty) label cells; see [`parse_csv`].
fn labels_and_task(cells: &[String]) -> (Labels, Task) {
    let numbers: Option<Vec<f64>> = cells
        .iter()
        // `+ 0.0` turns -0 into 0, so "-0" and "0" are one class.
        .map(|c| {
            c.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .map(|x| x + 0.0)
        })
        .collect();
    match numbers {
        None => {
            let mut names: Vec<String> = cells.to_vec();
            names.sort();
            names.dedup();
            let classes = cells
                .iter()
                .map(|c| names.binary_search(c).unwrap_or_default())
                .collect();
            (
                Labels::Classes(classes),
                Task::Classification { class_names: names },
            )
        }
        Some(values) => {
            let mut distinct = values.clone();
            distinct.sort_by(f64::total_cmp);
            distinct.dedup();
            if distinct.len() <= MAX_INTEGER_CLASSES && distinct.iter().all(|x| x.fract() == 0.0) {
                let classes = values
                    .iter()
                    .map(|x| {
                        distinct
                            .binary_search_by(|d| d.total_cmp(x))
                            .unwrap_or_default()
                    })
                    .collect();
                let class_names = distinct.iter().map(|x| x.to_string()).collect();
                (
                    Labels::Classes(classes),
                    Task::Classification { class_names },
                )
            } else {
                (
                    Labels::Values(values.iter().map(|&x| x as f32).collect()),
                    Task::Regression,
                )
            }
        }
    }
}

/// Where a quoted cell opens and never closes: `(line, column)`, 1-based. Follows the csv
/// crate's default rules: a quote opens a cell only as its first byte, `""` inside quotes is a
/// literal quote, and a quote left open swallows the rest of the file.
fn unterminated_quote(bytes: &[u8]) -> Option<(u64, usize)> {
    #[derive(PartialEq)]
    enum State {
        CellStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let (mut state, mut line, mut column, mut opened) =
        (State::CellStart, 1u64, 1usize, (1u64, 1usize));
    for &b in bytes {
        state = match (state, b) {
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::CellStart, b'"') => {
                opened = (line, column);
                State::Quoted
            }
            (State::QuoteInQuoted, b'"') => State::Quoted,
            (_, b',') => {
                column += 1;
                State::CellStart
            }
            (_, b'\n' | b'\r') => {
                column = 1;
                State::CellStart
            }
            _ => State::Unquoted,
        };
        if b == b'\n' {
            line += 1;
        }
    }
    (state == State::Quoted).then_some(opened)
}
