//! Step 3 of the importer: text → [`Table`], in one pass that also reads every cell as a
//! number where it is one.
//!
//! A table keeps the text, the byte offset where each row starts and, per column, the cells
//! read as `f32` (NaN where a cell is missing or not a number) with counts of missing cells,
//! numbers and non-numbers. Text cells are read back from the text when asked for
//! ([`Table::cell`]), so a table costs its text plus 8 bytes per row and 4 per cell: a
//! 100 MB file of numbers needs no allocation per cell. Large texts are read on every core,
//! each thread on its own stretch of records (see [`read_table_owned`]).

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;

use super::numbers::{Form, parse_cell, parse_dot_grouped};
use super::read::{Buffers, Reader, Sink, column_from_cells, first_record, header, read_rows};
use super::scan::{line_at, next_field};
use super::settings::CsvOptions;
use super::sniff::sep_line;
use crate::data::DataError;

/// The message of an unterminated quote error.
pub const UNTERMINATED_QUOTE: &str =
    "unterminated quote (the quoted cell starting here never ends)";
/// Bad cells remembered per column (their count is exact).
pub const BAD_CELLS_KEPT: usize = 5;

/// A progress callback: called with the bytes read so far; returning false cancels.
pub type ProgressFn<'a> = &'a (dyn Fn(u64) -> bool + Sync);

/// One column's cells read as numbers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ColumnNumbers {
    /// One value per row: the number, or NaN for a missing cell or one that is not a number.
    pub values: Vec<f32>,
    /// Missing cells (`""`, `NA`, `N/A`, `?`, `nan`).
    pub missing: usize,
    /// Empty cells (a subset of the missing ones).
    pub empty: usize,
    /// Cells that are numbers.
    pub numbers: usize,
    /// Cells that are neither missing nor numbers.
    pub bad: usize,
    /// The first [`BAD_CELLS_KEPT`] of them: (row, byte offset of the cell).
    pub first_bad: Vec<(usize, usize)>,
    /// Decimal-comma cells like `1.444` (read as 1.444 unless `dot_groups > 0`).
    pub ambiguous: usize,
    /// Decimal-comma cells with dots between groups of three (`2.907,5`).
    pub dot_groups: usize,
}

impl ColumnNumbers {
    /// Present cells (not missing).
    pub fn present(&self) -> usize {
        self.numbers + self.bad
    }
}

/// A delimited text read into rows and columns (see the module docs).
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Column names: the header cells, or `"column 1"`, `"column 2"`, … without a header
    /// (and for empty header cells).
    pub columns: Vec<String>,
    options: CsvOptions,
    text: Vec<u8>,
    starts: Vec<usize>,
    numbers: Vec<ColumnNumbers>,
    unescaped: HashMap<(usize, usize), String>,
    sep_line: bool,
    /// The 1-based line of the header (or, without one, of the first record).
    header_line: u64,
    /// Data rows (`starts.len()`, except in a table read as a stream, which keeps no starts).
    rows: usize,
    /// The lines of some rows (row, line; by row), kept when the text was freed
    /// ([`Table::release_text_keeping_lines`]).
    kept_lines: Vec<(usize, u64)>,
}

/// Reads `text` (as returned by [`super::decode_input`]) into a [`Table`] with `options`.
/// See [`read_table_owned`] for the rules and errors.
pub fn read_table(file_name: &str, text: &[u8], options: &CsvOptions) -> Result<Table, DataError> {
    read_table_owned(file_name, text.to_vec(), options, &|_| true)
}

/// [`read_table`] that calls `report(bytes_read)` every 4 096 records; when `report` returns
/// false, reading stops with the error `"{file}: cancelled"`.
pub fn read_table_with_progress(
    file_name: &str,
    text: &[u8],
    options: &CsvOptions,
    report: ProgressFn,
) -> Result<Table, DataError> {
    read_table_owned(file_name, text.to_vec(), options, report)
}

/// Reads `text` into a [`Table`] without copying it. An Excel `sep=;` first line is skipped
/// (its line still counts). The first non-blank record is the header when
/// `options.has_header`. Every record must have as many fields as the first, except that one
/// extra empty field at the end of a line is dropped; a last column whose header cell (or,
/// without a header, every cell) and data cells are all empty is dropped too. Texts over
/// 4 MiB are read on every core, split at line ends; a split that turns out to fall inside a
/// quoted cell is read again in order, so the result never depends on the split.
/// `report(bytes)` is called every 4 096 records (with the offset of the record being read
/// when one thread reads; with the bytes done by all when several do).
///
/// Errors (with line and, for cells, column):
/// - `"{file}: the file is empty"` (nothing but blank lines)
/// - `"{file}: no data rows"` (a header only)
/// - `"{file}:{line}: 4 fields, the header has 3"` (`the first row has 3` without a header)
/// - `"{file}:{line}:{column}: unterminated quote (the quoted cell starting here never ends)"`
///   at the opening quote, reported when the reading reaches the record that holds it
/// - `"{file}:{line}:{column}: the cell is not valid UTF-8"`
/// - `"{file}: cancelled"`
pub fn read_table_owned(
    file_name: &str,
    text: Vec<u8>,
    options: &CsvOptions,
    report: ProgressFn,
) -> Result<Table, DataError> {
    let cancelled = AtomicBool::new(false);
    let sink = Sink {
        report,
        shared: None,
        cancelled: &cancelled,
    };
    let reader = Reader {
        file: file_name,
        text: &text,
        delimiter: options.delimiter,
        decimal_comma: options.decimal_comma,
        has_header: options.has_header,
    };
    let sep = sep_line(&text);
    let first = first_record(&reader, sep.map_or(0, |s| s.1))?;
    let (columns, last_header_empty, data_from) = header(&reader, first)?;
    let width = columns.len();
    let from = if options.has_header { data_from } else { first };
    let rows = read_rows(&reader, from, width, &sink, Buffers::default())?;
    let mut table = Table {
        columns,
        options: *options,
        rows: rows.starts.len(),
        starts: rows.starts,
        numbers: rows.columns,
        unescaped: rows.unescaped.into_iter().collect(),
        sep_line: sep.is_some(),
        header_line: line_at(&text, first),
        text: Vec::new(),
        kept_lines: Vec::new(),
    };
    table.text = text;
    if table.n_rows() == 0 {
        return Err(DataError::new(file_name, "no data rows"));
    }
    table.resolve_dot_groups();
    table.drop_empty_last(last_header_empty);
    Ok(table)
}

/// `"column {j + 1}"`
pub(crate) fn column_name(j: usize) -> String {
    format!("column {}", j + 1)
}

impl Table {
    /// A table of `numbers` (one per column, every column as long) without text, as read by
    /// [`super::stream`]: its cells read as `""` and its lines as 0. The last column is
    /// dropped as [`read_table_owned`] drops it. `None` without rows.
    pub(super) fn from_numbers(
        columns: Vec<String>,
        options: CsvOptions,
        numbers: Vec<ColumnNumbers>,
        last_header_empty: bool,
        header_line: u64,
    ) -> Option<Table> {
        let rows = numbers.first().map_or(0, |c| c.values.len());
        if rows == 0 || numbers.iter().any(|c| c.values.len() != rows) {
            return None;
        }
        let mut table = Table {
            columns,
            options,
            text: Vec::new(),
            starts: Vec::new(),
            numbers,
            unescaped: HashMap::new(),
            sep_line: false,
            header_line,
            rows,
            kept_lines: Vec::new(),
        };
        table.drop_empty_last(last_header_empty);
        Some(table)
    }

    /// Drops a last column whose cells are all empty when its header cell is empty too (or
    /// there is no header): the trace of a delimiter at the end of every line.
    fn drop_empty_last(&mut self, last_header_empty: bool) {
        let rows = self.n_rows();
        let last_empty = self.numbers.last().is_some_and(|c| c.empty == rows);
        if self.columns.len() > 1 && (last_header_empty || !self.options.has_header) && last_empty {
            self.columns.pop();
            self.numbers.pop();
        }
    }

    /// The 1-based line of the header record (or, without a header, of the first record):
    /// blank lines, lines of spaces and an Excel `sep=` line before it counted. Errors about
    /// the columns as a whole (an unknown label column) point there.
    pub fn header_line(&self) -> u64 {
        self.header_line
    }

    /// Number of data rows.
    pub fn n_rows(&self) -> usize {
        self.rows
    }

    /// How the text was read.
    pub fn options(&self) -> CsvOptions {
        self.options
    }

    /// Whether the text began with an Excel `sep=` line (skipped).
    pub fn has_sep_line(&self) -> bool {
        self.sep_line
    }

    /// Column `j` read as numbers (see [`ColumnNumbers`]); `None` outside the table.
    pub fn numbers(&self, j: usize) -> Option<&ColumnNumbers> {
        self.numbers.get(j)
    }

    /// The byte range of the content of cell (`i`, `j`) and the offset where the cell starts.
    fn span(&self, i: usize, j: usize) -> Option<((usize, usize), usize)> {
        let mut pos = *self.starts.get(i)?;
        for k in 0.. {
            let field = next_field(&self.text, pos, self.options.delimiter).ok()?;
            if k == j {
                return Some((field.content, field.start));
            }
            if field.ends_record {
                return None;
            }
            pos = field.next;
        }
        None
    }

    /// The trimmed text of row `i`, column `j` (both 0-based); `""` outside the table.
    pub fn cell(&self, i: usize, j: usize) -> &str {
        if j >= self.columns.len() {
            return "";
        }
        if !self.unescaped.is_empty()
            && let Some(text) = self.unescaped.get(&(i, j))
        {
            return text;
        }
        let Some(((a, b), _)) = self.span(i, j) else {
            return "";
        };
        let bytes = self.text.get(a..b).unwrap_or_default();
        std::str::from_utf8(bytes).unwrap_or_default().trim()
    }

    /// The 1-based line where row `i` starts (0 outside the table, and when it is not known:
    /// a table read as a stream keeps no text, nor one whose text was freed, except for the
    /// rows whose lines it kept).
    pub fn line(&self, i: usize) -> u64 {
        if self.text.is_empty() {
            return self
                .kept_lines
                .binary_search_by_key(&i, |&(row, _)| row)
                .map_or(0, |k| self.kept_lines[k].1);
        }
        self.starts.get(i).map_or(0, |&s| line_at(&self.text, s))
    }

    /// The 1-based line of cell (`i`, `j`): later than [`Table::line`] when a quoted cell
    /// before it in the same row spans several lines.
    pub fn cell_line(&self, i: usize, j: usize) -> u64 {
        self.span(i, j)
            .map_or_else(|| self.line(i), |(_, start)| line_at(&self.text, start))
    }

    /// The 1-based line where each row starts, in one pass over the text.
    pub fn lines(&self) -> Vec<u64> {
        let mut out = Vec::with_capacity(self.starts.len());
        let (mut line, mut at) = (1u64, 0usize);
        for &start in &self.starts {
            // Rows never start at a line end, so no CRLF straddles two parts.
            let part = self.text.get(at..start).unwrap_or_default();
            line += line_at(part, part.len()) - 1;
            at = start;
            out.push(line);
        }
        out
    }

    /// The 1-based line of byte `offset` of the text.
    pub(crate) fn line_at(&self, offset: usize) -> u64 {
        line_at(&self.text, offset)
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

    /// Frees the text: cells read as `""` from now on (the numbers stay). For builds that
    /// need no cell text, so that a large file's text is gone before its data set is made.
    pub(crate) fn release_text(&mut self) {
        self.text = Vec::new();
        self.unescaped = HashMap::new();
    }

    /// [`Table::release_text`], keeping the lines of `rows` for [`Table::line`] (so that the
    /// rows a build leaves out can still be named by their lines).
    pub(crate) fn release_text_keeping_lines(&mut self, rows: impl IntoIterator<Item = usize>) {
        let mut kept: Vec<(usize, u64)> = rows.into_iter().map(|i| (i, self.line(i))).collect();
        kept.sort_unstable();
        kept.dedup();
        self.kept_lines = kept;
        self.release_text();
    }

    /// Frees the text (cells can no longer be read) and returns the columns as numbers.
    pub(crate) fn into_numbers(self) -> Vec<ColumnNumbers> {
        self.numbers
    }

    /// With a decimal comma, reads `1.444` as 1444 in the columns where another cell writes
    /// its dots as thousands separators.
    fn resolve_dot_groups(&mut self) {
        if !self.options.decimal_comma {
            return;
        }
        for j in 0..self.numbers.len() {
            let needs = self.numbers[j].ambiguous > 0 && self.numbers[j].dot_groups > 0;
            if !needs {
                continue;
            }
            for i in 0..self.n_rows() {
                let cell = self.cell(i, j).as_bytes();
                if let Some((_, Form::Ambiguous)) = parse_cell(cell, true)
                    && let Some(value) = parse_dot_grouped(cell)
                    && let Some(slot) = self.numbers[j].values.get_mut(i)
                {
                    *slot = value;
                }
            }
        }
    }

    /// The columns read with `decimal_comma` (recomputed from the text when the table was
    /// read with the other convention).
    pub(crate) fn numbers_with(
        &self,
        decimal_comma: bool,
    ) -> std::borrow::Cow<'_, [ColumnNumbers]> {
        if decimal_comma == self.options.decimal_comma {
            return std::borrow::Cow::Borrowed(&self.numbers);
        }
        let columns = (0..self.columns.len())
            .map(|j| {
                let cells = (0..self.n_rows()).map(|i| {
                    let offset = self.span(i, j).map_or(0, |(_, start)| start);
                    (self.cell(i, j), offset)
                });
                column_from_cells(cells, decimal_comma)
            })
            .collect();
        std::borrow::Cow::Owned(columns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A cell as a file of numbers may hold it: spaces, a sign, digits, a point, digits, an
    /// exponent, each there or not (so also `""`, `"-"`, `"."` and `"e5"`).
    fn number_like() -> impl Strategy<Value = String> {
        "[ ]?[-+]?[0-9]{0,12}(\\.[0-9]{0,12})?([eE][-+]?[0-9]{1,2})?[ ]?"
    }

    proptest! {
        /// Every cell reads as Rust's parser reads it: the correctly rounded `f32` (-0 as 0),
        /// or NaN when it is empty, not a number or out of range. Records of plain numbers
        /// are read at once, others cell by cell; both ways must agree with the reference.
        #[test]
        fn every_cell_reads_as_rusts_parser_reads_it(
            rows in proptest::collection::vec(proptest::collection::vec(number_like(), 3), 1..40),
            crlf in any::<bool>(),
        ) {
            let end = if crlf { "\r\n" } else { "\n" };
            let mut text = format!("a,b,c{end}");
            for row in &rows {
                text.push_str(&row.join(","));
                text.push_str(end);
            }
            let table = read_table("cells.csv", text.as_bytes(), &CsvOptions::default())
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(table.n_rows(), rows.len());
            for (i, row) in rows.iter().enumerate() {
                for (j, cell) in row.iter().enumerate() {
                    let read = table.numbers(j).and_then(|c| c.values.get(i)).copied();
                    let read = read.ok_or_else(|| TestCaseError::fail("a cell is missing"))?;
                    match cell.trim().parse::<f32>() {
                        Ok(x) if x.is_finite() => prop_assert_eq!(
                            read.to_bits(),
                            (x + 0.0).to_bits(),
                            "row {} column {}: {:?} read as {}", i, j, cell, read
                        ),
                        _ => prop_assert!(read.is_nan(), "{:?} read as {}", cell, read),
                    }
                }
            }
        }
    }
}
