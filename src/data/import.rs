//! Importing a labelled table from a delimited text file (CSV, TSV, `;`- or `|`-separated),
//! raw or gzipped, with guesses for everything the user would otherwise have to say.
//!
//! The steps, each usable on its own:
//! 1. [`decode_input`]: gunzip (by the magic bytes `1F 8B`), strip a UTF-8 byte order mark,
//!    turn lone CR line ends into LF.
//! 2. [`sniff_csv`]: guess the delimiter, whether the first row is a header, and whether
//!    numbers use a decimal comma.
//! 3. [`read_table`]: split the text into trimmed cells (the csv crate does the quoting).
//! 4. [`summarize`] / [`ImportSettings::guess`]: what each column holds, and default settings.
//! 5. [`build_dataset`]: turn the table into a [`Dataset`] (missing values, text features,
//!    task, split, standardisation).
//!
//! [`inspect_csv`] runs all of them, and [`parse_csv`](super::parse_csv) is the strict
//! loader of earlier versions built on the same steps.
//!
//! # Field-count rule (one trailing empty field)
//!
//! Spreadsheet exports often end every line with a delimiter. So a data line with exactly
//! one field more than the header (or, without a header, than the first row) whose last
//! field is empty is read without that field, and a last column whose header cell and data
//! cells are all empty is dropped. Every other field-count difference is an error
//! (`"{file}:{line}: 4 fields, the header has 3"`).

use std::collections::BTreeSet;
use std::io::Read;

use ::csv::{ByteRecord, Position, ReaderBuilder};
use flate2::read::MultiGzDecoder;
use serde::{Deserialize, Serialize};

use super::dataset::Features;
use super::{DataError, Dataset, Labels, Standardizer, Task};

/// First two bytes of every gzip member (RFC 1952, ID1 ID2).
const GZIP_MAGIC: [u8; 2] = [0x1F, 0x8B];
/// At most this many distinct integer labels make a numeric label column a classification.
pub const MAX_INTEGER_CLASSES: usize = 20;
/// A text feature column is one-hot encoded only when it holds at most this many values.
pub const MAX_ONE_HOT_VALUES: usize = 20;
/// Records looked at by [`sniff_csv`].
const SNIFF_RECORDS: usize = 100;
/// Candidate delimiters, in the order that wins ties.
const DELIMITERS: [u8; 4] = [b'\t', b';', b'|', b','];
/// The message of an unterminated quote error.
pub const UNTERMINATED_QUOTE: &str =
    "unterminated quote (the quoted cell starting here never ends)";

/// How a delimited text file is read. All guesses can be overridden by the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CsvOptions {
    /// Field separator: `b','`, `b';'`, `b'\t'` or `b'|'`.
    pub delimiter: u8,
    /// Whether the first non-blank row names the columns.
    pub has_header: bool,
    /// Whether numbers are written with a decimal comma (`1,5`); only sensible with `;`.
    pub decimal_comma: bool,
}

impl Default for CsvOptions {
    /// Comma separated, with a header, decimal point.
    fn default() -> Self {
        CsvOptions {
            delimiter: b',',
            has_header: true,
            decimal_comma: false,
        }
    }
}

/// Bytes of a file → text bytes: gunzip when the data starts with `1F 8B` (not by name),
/// strip a UTF-8 BOM, turn lone CR line ends into LF (CRLF and LF stay; mixed files work; a
/// lone CR inside a quoted cell becomes LF too).
///
/// Errors name the file: `"{file}: cannot decompress the gzip data: {reason}"`.
pub fn decode_input(file_name: &str, raw: &[u8]) -> Result<Vec<u8>, DataError> {
    let unzipped;
    let data: &[u8] = if raw.starts_with(&GZIP_MAGIC) {
        let mut out = Vec::new();
        MultiGzDecoder::new(raw)
            .read_to_end(&mut out)
            .map_err(|e| {
                DataError::new(file_name, format!("cannot decompress the gzip data: {e}"))
            })?;
        unzipped = out;
        &unzipped
    } else {
        raw
    };
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let mut out = Vec::with_capacity(data.len());
    let mut bytes = data.iter().copied().peekable();
    while let Some(b) = bytes.next() {
        if b == b'\r' && bytes.peek() != Some(&b'\n') {
            out.push(b'\n');
        } else {
            out.push(b);
        }
    }
    Ok(out)
}

/// Where a quoted cell opens and never closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct OpenQuote {
    /// 1-based line of the opening quote.
    line: u64,
    /// 1-based field number of the cell.
    column: usize,
    /// Byte offset where the record holding the cell starts.
    record_start: usize,
    /// 1-based line where that record starts.
    record_line: u64,
}

/// What [`scan`] found.
struct Scan {
    /// Delimiters (outside quotes) of each of the first records, blank lines skipped.
    counts: Vec<usize>,
    /// The quoted cell left open at the end of the text, if any.
    open: Option<OpenQuote>,
}

/// Walks `text` by the csv crate's default rules for `delimiter`: a quote opens a cell only
/// as its first byte, `""` inside quotes is a literal quote, CR, LF and CRLF end records,
/// blank lines are skipped, and a quote left open swallows the rest of the text. Counts the
/// delimiters of the first `max_records` records and then stops; with `max_records == 0`
/// walks the whole text (to find an open quote).
fn scan(text: &[u8], delimiter: u8, max_records: usize) -> Scan {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        RecordStart,
        CellStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::RecordStart;
    let (mut line, mut column, mut count) = (1u64, 1usize, 0usize);
    let (mut record_start, mut record_line) = (0usize, 1u64);
    let mut opened = None;
    let mut counts = Vec::new();
    for (i, &b) in text.iter().enumerate() {
        if state == State::RecordStart && b != b'\n' && b != b'\r' {
            (record_start, record_line, column, count) = (i, line, 1, 0);
            state = State::CellStart;
        }
        state = match (state, b) {
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::CellStart, b'"') => {
                opened = Some(OpenQuote {
                    line,
                    column,
                    record_start,
                    record_line,
                });
                State::Quoted
            }
            (State::QuoteInQuoted, b'"') => State::Quoted,
            (State::RecordStart, _) => State::RecordStart,
            (_, d) if d == delimiter => {
                column += 1;
                count += 1;
                State::CellStart
            }
            (_, b'\n' | b'\r') => {
                if counts.len() < max_records {
                    counts.push(count);
                }
                if max_records > 0 && counts.len() >= max_records {
                    break;
                }
                State::RecordStart
            }
            _ => State::Unquoted,
        };
        if b == b'\n' {
            line += 1;
        }
    }
    if state != State::RecordStart && counts.len() < max_records {
        counts.push(count);
    }
    Scan {
        counts,
        open: opened.filter(|_| state == State::Quoted),
    }
}

/// How many records agree on the most common non-zero delimiter count.
fn agreement(counts: &[usize]) -> usize {
    let mut sorted: Vec<usize> = counts.iter().copied().filter(|&c| c > 0).collect();
    sorted.sort_unstable();
    sorted
        .chunk_by(|a, b| a == b)
        .map(<[usize]>::len)
        .max()
        .unwrap_or(0)
}

/// Guesses delimiter (`,` `;` tab `|`), header row and decimal comma (only when the
/// delimiter is `;`) from the first 100 records of `text` (as returned by [`decode_input`]).
///
/// - Delimiter: the one on which most records agree about a non-zero count (outside quotes);
///   ties go to tab, then `;`, `|`, `,`. Without any, `,`.
/// - Decimal comma: with `;`, when more cells look like `1,5` than like `1.5`.
/// - Header: when more all-number columns have a non-number first cell than a number one;
///   for files without number columns, when every first-row cell is non-empty text that
///   does not come back further down its column. An empty text gives the defaults.
pub fn sniff_csv(text: &[u8]) -> CsvOptions {
    let mut best = (0, b',');
    for d in DELIMITERS {
        let score = agreement(&scan(text, d, SNIFF_RECORDS).counts);
        if score > best.0 {
            best = (score, d);
        }
    }
    let delimiter = best.1;
    let records = sample_records(text, delimiter, SNIFF_RECORDS);
    let decimal_comma = delimiter == b';' && {
        let cells = records.iter().skip(1).flatten();
        let (commas, points) = cells.fold((0usize, 0usize), |(c, p), cell| {
            (
                c + usize::from(looks_decimal(cell, b',')),
                p + usize::from(looks_decimal(cell, b'.')),
            )
        });
        commas > points
    };
    CsvOptions {
        delimiter,
        has_header: guess_header(&records, decimal_comma),
        decimal_comma,
    }
}

/// `[+-]digits{sep}digits`
fn looks_decimal(cell: &str, separator: u8) -> bool {
    let body = cell.strip_prefix(['-', '+']).unwrap_or(cell).as_bytes();
    match body.iter().position(|&b| b == separator) {
        Some(k) => {
            let (int, frac) = body.split_at(k);
            let frac = frac.get(1..).unwrap_or_default();
            !int.is_empty()
                && !frac.is_empty()
                && int.iter().all(u8::is_ascii_digit)
                && frac.iter().all(u8::is_ascii_digit)
        }
        None => false,
    }
}

/// The first `max` non-blank records as trimmed (lossy UTF-8) cells.
fn sample_records(text: &[u8], delimiter: u8, max: usize) -> Vec<Vec<String>> {
    let mut reader = reader(text, delimiter);
    let mut out = Vec::new();
    let mut record = ByteRecord::new();
    while out.len() < max && matches!(reader.read_byte_record(&mut record), Ok(true)) {
        let cells: Vec<String> = record
            .iter()
            .map(|f| String::from_utf8_lossy(f).trim().to_string())
            .collect();
        if !is_blank(&cells) {
            out.push(cells);
        }
    }
    out
}

/// See [`sniff_csv`].
fn guess_header(records: &[Vec<String>], decimal_comma: bool) -> bool {
    let Some((first, rest)) = records.split_first() else {
        return true;
    };
    let number = |c: &str| parse_number(c, decimal_comma).is_some();
    let column = |j: usize| {
        rest.iter()
            .filter_map(move |r| r.get(j))
            .map(String::as_str)
            .filter(|c| !is_missing(c))
    };
    let (mut header_votes, mut data_votes) = (0, 0);
    for (j, head) in first.iter().enumerate() {
        let numeric = column(j).next().is_some() && column(j).all(number);
        if numeric && !is_missing(head) {
            if number(head) {
                data_votes += 1;
            } else {
                header_votes += 1;
            }
        }
    }
    if header_votes + data_votes > 0 {
        return header_votes > data_votes;
    }
    first
        .iter()
        .enumerate()
        .all(|(j, head)| !is_missing(head) && !number(head) && column(j).all(|c| c != head))
}

/// A csv reader over `text`: no header handling, flexible field counts, `"` quoting.
fn reader(text: &[u8], delimiter: u8) -> ::csv::Reader<&[u8]> {
    ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .quoting(true)
        .from_reader(text)
}

/// A record of one cell that is empty after trimming (a blank or whitespace-only line).
fn is_blank(cells: &[String]) -> bool {
    matches!(cells, [only] if only.is_empty())
}

/// Cells as text (trimmed), with the 1-based file line of each row; blank lines (incl. at
/// the end) skipped.
///
/// Stored compactly: all cells end to end in one string plus one end offset per cell, so a
/// table costs about the size of its text plus 8 bytes per cell (a `String` per cell would
/// cost 24 bytes plus a separate allocation each).
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Column names: the header cells, or `"column 1"`, `"column 2"`, … without a header
    /// (and for empty header cells).
    pub columns: Vec<String>,
    /// 1-based line where each row starts (one per row).
    pub lines: Vec<u64>,
    /// Every cell's text, row by row, without separators.
    text: String,
    /// Byte offset in `text` where each cell ends (`columns.len()` per row).
    ends: Vec<usize>,
}

impl Table {
    /// Number of data rows.
    pub fn n_rows(&self) -> usize {
        self.lines.len()
    }

    /// The trimmed text of row `i`, column `j` (both 0-based); `""` outside the table.
    pub fn cell(&self, i: usize, j: usize) -> &str {
        let width = self.columns.len();
        if j >= width {
            return "";
        }
        let k = i.saturating_mul(width).saturating_add(j);
        let Some(&end) = self.ends.get(k) else {
            return "";
        };
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        self.text.get(start..end).unwrap_or_default()
    }

    /// The cells of row `i`, in column order (empty outside the table).
    pub fn row(&self, i: usize) -> impl Iterator<Item = &str> + '_ {
        let width = if i < self.n_rows() {
            self.columns.len()
        } else {
            0
        };
        (0..width).map(move |j| self.cell(i, j))
    }

    /// Every row as a vector of cells (handy for previews and tests of small tables).
    pub fn to_rows(&self) -> Vec<Vec<&str>> {
        (0..self.n_rows()).map(|i| self.row(i).collect()).collect()
    }

    /// Appends one row of exactly `columns.len()` cells.
    fn push_row(&mut self, cells: &[String], line: u64) {
        for cell in cells {
            self.text.push_str(cell);
            self.ends.push(self.text.len());
        }
        self.lines.push(line);
    }

    /// Removes the last column, whose cells are all empty (so `text` does not change).
    fn drop_empty_last_column(&mut self) {
        let width = self.columns.len();
        if width == 0 {
            return;
        }
        let mut k = 0;
        self.ends.retain(|_| {
            k += 1;
            k % width != 0
        });
        self.columns.pop();
    }
}

/// Reads `text` (as returned by [`decode_input`]) into a [`Table`] with `options`
/// (the decimal comma does not matter here). See the module docs for the field-count rule.
///
/// Errors (with line and, for cells, column):
/// - `"{file}: the file is empty"` (nothing but blank lines)
/// - `"{file}: no data rows"` (a header only)
/// - `"{file}:{line}: 4 fields, the header has 3"` (`the first row has 3` without a header)
/// - `"{file}:{line}:{column}: unterminated quote (the quoted cell starting here never ends)"`
///   at the opening quote, reported when the reading reaches the record that holds it
/// - `"{file}:{line}:{column}: the cell is not valid UTF-8"`
pub fn read_table(file_name: &str, text: &[u8], options: &CsvOptions) -> Result<Table, DataError> {
    read_table_with_progress(file_name, text, options, &|_| true)
}

/// Records read between two calls of the progress callback of [`read_table_with_progress`].
const PROGRESS_EVERY: u64 = 4096;

/// [`read_table`] that calls `report(bytes_read)` every few thousand records; when `report`
/// returns false, reading stops with the error `"{file}: cancelled"`.
pub fn read_table_with_progress(
    file_name: &str,
    text: &[u8],
    options: &CsvOptions,
    report: &dyn Fn(u64) -> bool,
) -> Result<Table, DataError> {
    let err = |message: String| DataError::new(file_name, message);
    let mut records: u64 = 0;
    let open = scan(text, options.delimiter, 0).open;
    let mut reader = reader(text, options.delimiter);
    let mut record = ByteRecord::new();
    let mut table: Option<(Table, bool)> = None; // (table so far, last header cell empty)
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(err(format!("cannot read the text: {e}"))),
        }
        let line = record.position().map_or(1, |p| record_line(text, p));
        if let Some(q) = open
            && line >= q.record_line
        {
            return Err(err(UNTERMINATED_QUOTE.into()).at_cell(q.line, q.column));
        }
        records += 1;
        if records.is_multiple_of(PROGRESS_EVERY)
            && !report(record.position().map_or(0, Position::byte))
        {
            return Err(err("cancelled".into()));
        }
        let mut cells = cells_of(file_name, &record, line)?;
        if is_blank(&cells) {
            continue;
        }
        let Some((table, _)) = &mut table else {
            let n = cells.len();
            let last_empty = cells.last().is_some_and(String::is_empty);
            let mut first = Table {
                columns: (0..n).map(column_name).collect(),
                lines: Vec::new(),
                text: String::new(),
                ends: Vec::new(),
            };
            if options.has_header {
                for (name, cell) in first.columns.iter_mut().zip(cells) {
                    if !cell.is_empty() {
                        *name = cell;
                    }
                }
            } else {
                first.push_row(&cells, line);
            }
            table = Some((first, last_empty));
            continue;
        };
        let n = table.columns.len();
        if cells.len() == n + 1 && cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        if cells.len() != n {
            let k = cells.len();
            let fields = if k == 1 { "field" } else { "fields" };
            let what = if options.has_header {
                "the header"
            } else {
                "the first row"
            };
            return Err(err(format!("{k} {fields}, {what} has {n}")).at_line(line));
        }
        table.push_row(&cells, line);
    }
    let Some((mut table, last_empty)) = table else {
        return Err(err("the file is empty".into()));
    };
    if table.n_rows() == 0 {
        return Err(err("no data rows".into()));
    }
    let last = table.columns.len().saturating_sub(1);
    let last_column_empty = table.columns.len() > 1
        && (last_empty || !options.has_header)
        && (0..table.n_rows()).all(|i| table.cell(i, last).is_empty());
    if last_column_empty {
        table.drop_empty_last_column();
    }
    Ok(table)
}

/// `"column {j + 1}"`
fn column_name(j: usize) -> String {
    format!("column {}", j + 1)
}

/// The 1-based line of the first byte of the record read from `position`. The csv crate
/// places a record where reading resumed, i.e. before the blank lines (or the `\n` of a
/// `\r\n`) that precede it; those line breaks are counted here.
fn record_line(text: &[u8], position: &Position) -> u64 {
    let start = usize::try_from(position.byte()).unwrap_or(usize::MAX);
    let skipped = text
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take_while(|&&b| b == b'\n' || b == b'\r')
        .filter(|&&b| b == b'\n')
        .count();
    position.line().saturating_add(skipped as u64)
}

/// The 1-based line of the first record of `text` (blank lines before it counted): the
/// header line.
pub fn first_record_line(text: &[u8]) -> u64 {
    let breaks = text
        .iter()
        .take_while(|&&b| b == b'\n' || b == b'\r')
        .filter(|&&b| b == b'\n')
        .count();
    1 + breaks as u64
}

/// The line of each cell of `record` (which starts on `line`): later cells move down by
/// the line breaks inside the quoted cells before them.
fn cell_lines(record: &ByteRecord, line: u64) -> impl Iterator<Item = u64> + '_ {
    record.iter().scan(line, |next, field| {
        let this = *next;
        *next += field.iter().filter(|&&b| b == b'\n').count() as u64;
        Some(this)
    })
}

/// The trimmed text of each cell of `record` (which starts on `line`).
fn cells_of(file_name: &str, record: &ByteRecord, line: u64) -> Result<Vec<String>, DataError> {
    record
        .iter()
        .zip(cell_lines(record, line))
        .enumerate()
        .map(|(j, (field, cell_line))| match std::str::from_utf8(field) {
            Ok(text) => Ok(text.trim().to_string()),
            Err(_) => {
                Err(DataError::new(file_name, "the cell is not valid UTF-8")
                    .at_cell(cell_line, j + 1))
            }
        })
        .collect()
}

/// Moves a cell error (placed on the line where its row starts, as [`build_dataset`] does)
/// to the line of the cell itself, which is later when a quoted cell before it in the same
/// row spans several lines. Other errors are returned unchanged.
pub fn locate_cell(text: &[u8], options: &CsvOptions, mut error: DataError) -> DataError {
    let (Some(line), Some(column)) = (error.line, error.column) else {
        return error;
    };
    let mut reader = reader(text, options.delimiter);
    let mut record = ByteRecord::new();
    while matches!(reader.read_byte_record(&mut record), Ok(true)) {
        let start = record.position().map_or(1, |p| record_line(text, p));
        if start == line {
            if let Some(cell_line) = cell_lines(&record, start).nth(column.saturating_sub(1)) {
                error.line = Some(cell_line);
            }
            break;
        }
        if start > line {
            break;
        }
    }
    error
}

/// What a column holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum ColumnKind {
    /// Every non-missing cell is a finite number (also when all cells are missing).
    Numeric,
    /// Some non-missing cell is not a number.
    Text,
}

/// One column of a [`Table`] at a glance.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ColumnSummary {
    /// Column name.
    pub name: String,
    /// Numbers or text.
    pub kind: ColumnKind,
    /// Missing cells: `""`, `NA`, `N/A`, `?`, `nan` (case-insensitive).
    pub missing: usize,
    /// Distinct non-missing values (numerically for numeric columns, so `1` = `1.0`).
    pub distinct: usize,
}

/// Whether a (trimmed) cell counts as missing: `""`, `NA`, `N/A`, `?`, `nan`
/// (case-insensitive).
pub fn is_missing(cell: &str) -> bool {
    ["", "na", "n/a", "?", "nan"]
        .iter()
        .any(|m| cell.eq_ignore_ascii_case(m))
}

/// A (trimmed) cell as a number that is finite also as `f32`; with `decimal_comma`, one
/// `,` stands for the decimal point (`1,5` = 1.5; `1.5` is read too). `-0` gives 0.
pub fn parse_number(cell: &str, decimal_comma: bool) -> Option<f64> {
    let converted;
    let cell = if decimal_comma && cell.contains(',') {
        if cell.contains('.') || cell.matches(',').count() > 1 {
            return None;
        }
        converted = cell.replace(',', ".");
        converted.as_str()
    } else {
        cell
    };
    cell.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && (*x as f32).is_finite())
        .map(|x| x + 0.0)
}

/// One summary per column of `table`, in order (see [`ColumnSummary`]).
pub fn summarize(table: &Table, options: &CsvOptions) -> Vec<ColumnSummary> {
    (0..table.columns.len())
        .map(|j| {
            let mut missing = 0;
            let mut numeric = true;
            let mut numbers = Vec::new();
            let cells = || (0..table.n_rows()).map(|i| table.cell(i, j));
            for cell in cells() {
                if is_missing(cell) {
                    missing += 1;
                } else if numeric {
                    match parse_number(cell, options.decimal_comma) {
                        Some(x) => numbers.push(x),
                        None => numeric = false,
                    }
                }
            }
            // Distinct values: sorting numbers is far cheaper than a set of strings, which is
            // built only for text columns.
            let distinct = if numeric {
                numbers.sort_by(f64::total_cmp);
                numbers.dedup();
                numbers.len()
            } else {
                cells()
                    .filter(|cell| !is_missing(cell))
                    .collect::<BTreeSet<&str>>()
                    .len()
            };
            ColumnSummary {
                name: table
                    .columns
                    .get(j)
                    .cloned()
                    .unwrap_or_else(|| column_name(j)),
                kind: if numeric {
                    ColumnKind::Numeric
                } else {
                    ColumnKind::Text
                },
                missing,
                distinct,
            }
        })
        .collect()
}

/// Classification or regression, or let [`build_dataset`] decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaskChoice {
    /// Classification when the label is text or at most 20 distinct integers, else regression.
    Auto,
    /// Every distinct label value is a class.
    Classification,
    /// Labels must be numbers.
    Regression,
}

/// What happens to rows with a missing feature value. (Rows with a missing label are
/// always dropped.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MissingPolicy {
    /// Leave such rows out.
    DropRows,
    /// Replace a missing value by the mean of its feature over the training split (0 when
    /// the training split has no value); for one-hot columns, the share of each value.
    FillMean,
}

/// What happens to feature columns holding text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextFeature {
    /// Leave them out.
    Exclude,
    /// One 0/1 feature per value, named `"{column}={value}"` (values sorted), when the
    /// column has at most 20 distinct values; columns with more are left out.
    OneHot,
}

/// Everything [`build_dataset`] needs to turn a [`Table`] into a [`Dataset`].
#[derive(Clone, Debug, PartialEq)]
pub struct ImportSettings {
    /// How the text was read (the decimal comma matters for numbers).
    pub csv: CsvOptions,
    /// 0-based index of the label column.
    pub label: usize,
    /// 0-based indices of the feature columns, in order.
    pub features: Vec<usize>,
    /// Classification, regression or automatic.
    pub task: TaskChoice,
    /// Rows with missing feature values.
    pub missing: MissingPolicy,
    /// Text feature columns.
    pub text_features: TextFeature,
    /// Standardise features with training-split statistics (default true).
    pub standardize: bool,
    /// Share of rows for training, in (0, 1] (default 0.8).
    pub train_ratio: f32,
    /// Seed of the shuffle (default 0).
    pub seed: u64,
}

impl ImportSettings {
    /// Defaults for `table`: label = last column, features = every other column, task
    /// automatic, rows with missing values dropped, text features one-hot, standardised,
    /// 80 % training, seed 0.
    pub fn guess(table: &Table, csv: CsvOptions) -> Self {
        let label = table.columns.len().saturating_sub(1);
        ImportSettings {
            csv,
            label,
            features: (0..table.columns.len()).filter(|&j| j != label).collect(),
            task: TaskChoice::Auto,
            missing: MissingPolicy::DropRows,
            text_features: TextFeature::OneHot,
            standardize: true,
            train_ratio: 0.8,
            seed: 0,
        }
    }

    /// The same settings with the label in column `label` and every other column a feature.
    pub fn with_label(mut self, table: &Table, label: usize) -> Self {
        self.label = label;
        self.features = (0..table.columns.len()).filter(|&j| j != label).collect();
        self
    }
}

/// How one feature column becomes features.
enum Plan {
    /// A numeric column, one feature.
    Number(usize),
    /// A text column, one 0/1 feature per value (sorted).
    OneHot(usize, Vec<String>),
}

/// Builds and splits a data set named `name` from `table` with `settings`.
///
/// Features: numeric columns as numbers; text columns one-hot or excluded (see
/// [`TextFeature`]), except that a text column whose non-missing cells are mostly numbers is
/// an error at its first non-number (a typo is likelier than a text column). Missing values
/// per [`MissingPolicy`]; rows with a missing label are dropped. Task: classification when
/// the label is text or ≤ 20 distinct integers ([`TaskChoice::Auto`]), else regression;
/// class names from text labels (sorted; numeric labels in numeric order, written like
/// `-1`, `2`, `2.5`). The split is stratified for classification (see
/// [`Dataset::from_rows`]); missing-value means and standardisation use the training split
/// only.
///
/// Errors name `file_name` and, for cells, the line where the row starts and the 1-based
/// column (use [`locate_cell`] for the exact line of cells after multi-line quoted cells):
/// unknown label/feature column index, a column both label and feature, no data rows,
/// `train_ratio` outside (0, 1], `"\"abc\" in column \"x2\" is not a number"`
/// (`is not a finite number` for e.g. `inf`), `"label \"a\" in column \"y\" is not a number
/// (regression needs numbers)"`, no usable feature columns, no rows left after dropping rows
/// with missing values.
pub fn build_dataset(
    name: &str,
    file_name: &str,
    table: &Table,
    settings: &ImportSettings,
) -> Result<Dataset, DataError> {
    let err = |message: String| DataError::new(file_name, message);
    let n_columns = table.columns.len();
    let column = |j: usize| table.columns.get(j).map_or("", String::as_str);
    let cell = |i: usize, j: usize| table.cell(i, j);
    let line = |i: usize| table.lines.get(i).copied().unwrap_or(0);
    let label = settings.label;
    if label >= n_columns {
        return Err(err(format!(
            "there is no label column {}: the table has {n_columns} columns",
            label + 1
        )));
    }
    for &j in &settings.features {
        if j >= n_columns {
            return Err(err(format!(
                "there is no feature column {}: the table has {n_columns} columns",
                j + 1
            )));
        }
        if j == label {
            return Err(err(format!(
                "column {:?} cannot be both the label and a feature",
                column(j)
            )));
        }
    }
    if table.n_rows() == 0 {
        return Err(err("no data rows".into()));
    }
    let ratio = settings.train_ratio;
    if !(ratio > 0.0 && ratio <= 1.0) {
        return Err(err(format!("train_ratio must be in (0, 1], got {ratio}")));
    }
    let decimal_comma = settings.csv.decimal_comma;
    let summaries = summarize(table, &settings.csv);

    let mut plans = Vec::new();
    let mut feature_names = Vec::new();
    let mut seen = BTreeSet::new();
    for &j in &settings.features {
        if !seen.insert(j) {
            continue;
        }
        let Some(summary) = summaries.get(j) else {
            continue;
        };
        if summary.kind == ColumnKind::Numeric {
            plans.push(Plan::Number(j));
            feature_names.push(column(j).to_string());
            continue;
        }
        let present = || (0..table.n_rows()).filter(|&i| !is_missing(cell(i, j)));
        let numbers = present()
            .filter(|&i| parse_number(cell(i, j), decimal_comma).is_some())
            .count();
        if 2 * numbers > present().count() {
            let bad = present().find(|&i| parse_number(cell(i, j), decimal_comma).is_none());
            if let Some(i) = bad {
                let message = not_a_number(cell(i, j), column(j));
                return Err(err(message).at_cell(line(i), j + 1));
            }
        }
        if settings.text_features == TextFeature::OneHot && summary.distinct <= MAX_ONE_HOT_VALUES {
            let values: BTreeSet<&str> = present().map(|i| cell(i, j)).collect();
            let values: Vec<String> = values.into_iter().map(str::to_string).collect();
            feature_names.extend(values.iter().map(|v| format!("{}={v}", column(j))));
            plans.push(Plan::OneHot(j, values));
        }
    }
    if plans.is_empty() {
        return Err(err(format!(
            "no usable feature columns besides the label column (text columns with more than \
             {MAX_ONE_HOT_VALUES} values, or all text columns when text is excluded, are left out)"
        )));
    }

    let mut rows = Vec::new();
    let mut label_rows = Vec::new();
    for i in 0..table.n_rows() {
        if is_missing(cell(i, label)) {
            continue;
        }
        let mut row = Vec::with_capacity(feature_names.len());
        let mut incomplete = false;
        for plan in &plans {
            match plan {
                Plan::Number(j) => {
                    let value = parse_number(cell(i, *j), decimal_comma);
                    incomplete |= value.is_none();
                    row.push(value.map_or(f32::NAN, |x| x as f32));
                }
                Plan::OneHot(j, values) => {
                    let c = cell(i, *j);
                    if is_missing(c) {
                        incomplete = true;
                        row.extend(values.iter().map(|_| f32::NAN));
                    } else {
                        row.extend(values.iter().map(|v| f32::from(u8::from(v == c))));
                    }
                }
            }
        }
        if incomplete && settings.missing == MissingPolicy::DropRows {
            continue;
        }
        rows.push(row);
        label_rows.push(i);
    }
    if rows.is_empty() {
        return Err(err(
            "no rows left: every row has a missing value in a feature or the label".into(),
        ));
    }

    let label_cells: Vec<&str> = label_rows.iter().map(|&i| cell(i, label)).collect();
    let numbers: Option<Vec<f64>> = label_cells
        .iter()
        .map(|c| parse_number(c, decimal_comma))
        .collect();
    let (labels, task) = match (settings.task, numbers) {
        (TaskChoice::Regression, None) => {
            let bad = label_rows
                .iter()
                .find(|&&i| parse_number(cell(i, label), decimal_comma).is_none());
            let (c, at) = bad.map_or(("", 0), |&i| (cell(i, label), line(i)));
            return Err(err(format!(
                "label {:?} in column {:?} is not a number (regression needs numbers)",
                shorten(c),
                column(label)
            ))
            .at_cell(at, label + 1));
        }
        (TaskChoice::Regression, Some(values)) => regression(&values),
        (TaskChoice::Classification, Some(values)) => numeric_classes(&values),
        (TaskChoice::Auto, Some(values)) => {
            let mut distinct = values.clone();
            distinct.sort_by(f64::total_cmp);
            distinct.dedup();
            if distinct.len() <= MAX_INTEGER_CLASSES && distinct.iter().all(|x| x.fract() == 0.0) {
                numeric_classes(&values)
            } else {
                regression(&values)
            }
        }
        (_, None) => text_classes(&label_cells),
    };

    let n = feature_names.len();
    let mut dataset = Dataset::assemble(
        name,
        feature_names,
        &rows,
        labels,
        task,
        ratio,
        settings.seed,
        false,
    );
    fill_missing(&mut dataset, n);
    if settings.standardize {
        let s = Standardizer::fit(&dataset.train);
        s.transform(&mut dataset.train);
        s.transform(&mut dataset.test);
        dataset.standardizer = Some(s);
    }
    Ok(dataset)
}

/// Replaces the NaN placeholders of missing values in both splits by the mean of the
/// feature over the training split's present values (0 when there are none).
fn fill_missing(dataset: &mut Dataset, n: usize) {
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
}

/// Regression labels.
fn regression(values: &[f64]) -> (Labels, Task) {
    (
        Labels::Values(values.iter().map(|&x| x as f32).collect()),
        Task::Regression,
    )
}

/// One class per distinct number, in numeric order, named like `-1`, `2`, `2.5`.
fn numeric_classes(values: &[f64]) -> (Labels, Task) {
    let mut distinct = values.to_vec();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
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
}

/// One class per distinct text, sorted.
fn text_classes(cells: &[&str]) -> (Labels, Task) {
    let names: Vec<String> = cells
        .iter()
        .copied()
        .collect::<BTreeSet<&str>>()
        .into_iter()
        .map(str::to_string)
        .collect();
    let classes = cells
        .iter()
        .map(|c| {
            names
                .binary_search_by(|n| n.as_str().cmp(c))
                .unwrap_or_default()
        })
        .collect();
    (
        Labels::Classes(classes),
        Task::Classification { class_names: names },
    )
}

/// `"\"abc\" in column \"x2\" is not a number"` (or `is not a finite number` when the cell
/// reads as an infinite or NaN number).
pub fn not_a_number(cell: &str, column: &str) -> String {
    let shown = shorten(cell);
    if cell.parse::<f64>().is_ok() {
        format!("{shown:?} in column {column:?} is not a finite number")
    } else {
        format!("{shown:?} in column {column:?} is not a number")
    }
}

/// `text`, cut to 40 characters (with "…") so that messages stay one readable line.
pub fn shorten(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((end, _)) => format!("{}…", text.get(..end).unwrap_or(text)),
        None => text.to_string(),
    }
}

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

/// `"{file}:{line}: unknown label column \"y\"; the columns are x1, x2, label"`, on the
/// line of the first record of `text`.
pub fn unknown_column(file_name: &str, text: &[u8], columns: &[String], label: &str) -> DataError {
    DataError::new(
        file_name,
        format!(
            "unknown label column {:?}; the columns are {}",
            label.trim(),
            columns.join(", ")
        ),
    )
    .at_line(first_record_line(text))
}

/// What `gradscope inspect FILE [--label COL]` prints as one JSON object.
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
    /// Missing cells in the whole table (every column).
    pub missing_values: usize,
    /// Whether the file was gzipped.
    pub gzip: bool,
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
    let text = decode_input(file_name, raw)?;
    let options = sniff_csv(&text);
    let table = read_table(file_name, &text, &options)?;
    let mut settings = ImportSettings::guess(&table, options);
    if let Some(label) = label {
        let column = find_column(&table.columns, label)
            .ok_or_else(|| unknown_column(file_name, &text, &table.columns, label))?;
        settings = settings.with_label(&table, column);
    }
    let dataset = build_dataset(file_name, file_name, &table, &settings)
        .map_err(|e| locate_cell(&text, &options, e))?;
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
    let delimiter = match options.delimiter {
        b'\t' => "\t".to_string(),
        d => char::from(d).to_string(),
    };
    let inspection = Inspection {
        file: file_name.to_string(),
        rows: dataset.train.len() + dataset.test.len(),
        features: dataset.n_features(),
        feature_names: dataset.feature_names.clone(),
        task: task.to_string(),
        classes,
        class_counts,
        delimiter,
        header: options.has_header,
        decimal_comma: options.decimal_comma,
        missing_values: summarize(&table, &options).iter().map(|s| s.missing).sum(),
        gzip: raw.starts_with(&GZIP_MAGIC),
    };
    Ok((inspection, dataset))
}

/// The byte offset where the record holding an unterminated quote starts (see
/// [`read_table`]), if `text` has one.
pub(crate) fn open_quote_record_start(text: &[u8], delimiter: u8) -> Option<usize> {
    scan(text, delimiter, 0).open.map(|q| q.record_start)
}
