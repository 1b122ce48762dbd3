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
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::numbers::{Form, is_missing_bytes, parse_cell, parse_dot_grouped};
use super::scan::{Unterminated, line_at, next_field};
use super::settings::CsvOptions;
use super::sniff::sep_line;
use crate::data::DataError;

/// The message of an unterminated quote error.
pub const UNTERMINATED_QUOTE: &str =
    "unterminated quote (the quoted cell starting here never ends)";
/// Records read between two calls of the progress callback.
const PROGRESS_EVERY: u64 = 4096;
/// Texts shorter than this are read on one thread.
const PARALLEL_MIN_BYTES: usize = 4 << 20;
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
    fn push(&mut self, row: usize, cell: &CellRead) {
        match cell.class {
            Class::Number(form) => {
                self.values.push(cell.value);
                self.numbers += 1;
                match form {
                    Form::Plain => {}
                    Form::DotGroups => self.dot_groups += 1,
                    Form::Ambiguous => self.ambiguous += 1,
                }
            }
            Class::Missing { empty } => {
                self.values.push(f32::NAN);
                self.missing += 1;
                self.empty += usize::from(empty);
            }
            Class::Bad => {
                self.values.push(f32::NAN);
                self.bad += 1;
                if self.first_bad.len() < BAD_CELLS_KEPT {
                    self.first_bad.push((row, cell.offset));
                }
            }
        }
    }

    fn append(&mut self, mut other: ColumnNumbers, row_offset: usize) {
        self.values.append(&mut other.values);
        self.missing += other.missing;
        self.empty += other.empty;
        self.numbers += other.numbers;
        self.bad += other.bad;
        for (row, offset) in other.first_bad {
            if self.first_bad.len() < BAD_CELLS_KEPT {
                self.first_bad.push((row + row_offset, offset));
            }
        }
        self.ambiguous += other.ambiguous;
        self.dot_groups += other.dot_groups;
    }

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
}

/// How a cell was classified.
#[derive(Clone, Copy, Debug)]
enum Class {
    Number(Form),
    Missing { empty: bool },
    Bad,
}

/// One cell of the record being read.
#[derive(Clone, Copy, Debug)]
struct CellRead {
    value: f32,
    class: Class,
    offset: usize,
}

/// The rows read by one thread.
#[derive(Default)]
struct Chunk {
    starts: Vec<usize>,
    columns: Vec<ColumnNumbers>,
    unescaped: Vec<((usize, usize), String)>,
    /// Where the last record read ends (or where reading began, without records).
    end: usize,
}

/// Progress reporting shared by the reading threads.
struct Sink<'a> {
    report: ProgressFn<'a>,
    /// Bytes done by every thread, when several read.
    shared: Option<&'a AtomicU64>,
    cancelled: &'a AtomicBool,
}

/// What every reading thread knows.
struct Reader<'a> {
    file: &'a str,
    text: &'a [u8],
    delimiter: u8,
    decimal_comma: bool,
    has_header: bool,
}

impl Reader<'_> {
    fn error_at(&self, offset: usize, column: Option<usize>, message: &str) -> DataError {
        let error = DataError::new(self.file, message);
        let line = line_at(self.text, offset);
        match column {
            Some(j) => error.at_cell(line, j + 1),
            None => error.at_line(line),
        }
    }

    /// Reads the record at `pos` into `cells` (and `owned` for escaped cells); returns where
    /// the next record may start.
    fn record(
        &self,
        pos: usize,
        cells: &mut Vec<CellRead>,
        owned: &mut Vec<(usize, String)>,
    ) -> Result<usize, DataError> {
        cells.clear();
        owned.clear();
        let text = self.text;
        let mut pos = pos;
        loop {
            let j = cells.len();
            if let Some((cell, next, ends)) = self.fast_number(pos) {
                cells.push(cell);
                pos = next;
                if ends {
                    return Ok(pos);
                }
                continue;
            }
            let field =
                next_field(text, pos, self.delimiter).map_err(|Unterminated { quote }| {
                    self.error_at(quote, Some(j), UNTERMINATED_QUOTE)
                })?;
            let bytes = field.unescaped(text);
            let Ok(cell_text) = std::str::from_utf8(&bytes) else {
                return Err(self.error_at(field.start, Some(j), "the cell is not valid UTF-8"));
            };
            let trimmed = cell_text.trim();
            if field.escaped {
                owned.push((j, trimmed.to_string()));
            }
            cells.push(self.classify(trimmed.as_bytes(), field.start));
            pos = field.next;
            if field.ends_record {
                return Ok(pos);
            }
        }
    }

    /// An unquoted number cell parsed where it stands: (cell, next position, ends record).
    #[inline]
    fn fast_number(&self, pos: usize) -> Option<(CellRead, usize, bool)> {
        let text = self.text;
        let first = *text.get(pos)?;
        if !(first.is_ascii_digit() || first == b'-' || first == b'.' || first == b'+') {
            return None;
        }
        let (value, len) = fast_float2::parse_partial::<f32, _>(text.get(pos..)?).ok()?;
        let end = pos + len;
        let next = match text.get(end) {
            None => (end, true),
            Some(&d) if d == self.delimiter => (end + 1, false),
            Some(b'\n') => (end + 1, true),
            Some(b'\r') if text.get(end + 1) == Some(&b'\n') => (end + 2, true),
            Some(b'\r') => (end + 1, true),
            Some(_) => return None,
        };
        if !value.is_finite() || (self.decimal_comma && text.get(pos..end)?.contains(&b'.')) {
            return None;
        }
        let cell = CellRead {
            value: value + 0.0,
            class: Class::Number(Form::Plain),
            offset: pos,
        };
        Some((cell, next.0, next.1))
    }

    fn classify(&self, trimmed: &[u8], offset: usize) -> CellRead {
        let (value, class) = if is_missing_bytes(trimmed) {
            (
                f32::NAN,
                Class::Missing {
                    empty: trimmed.is_empty(),
                },
            )
        } else {
            match parse_cell(trimmed, self.decimal_comma) {
                Some((value, form)) => (value, Class::Number(form)),
                None => (f32::NAN, Class::Bad),
            }
        };
        CellRead {
            value,
            class,
            offset,
        }
    }

    /// Skips blank lines from `pos`.
    fn skip_blank(&self, mut pos: usize) -> usize {
        while matches!(self.text.get(pos), Some(b'\n' | b'\r')) {
            pos += 1;
        }
        pos
    }

    /// Reads the records that start in `from..to` (the last one may end past `to`), each
    /// of `width` fields (one more when the extra last field is empty).
    /// `counted` records (the header) were read before `from`.
    fn rows(
        &self,
        (from, to): (usize, usize),
        width: usize,
        counted: u64,
        sink: &Sink,
    ) -> Result<Chunk, DataError> {
        let mut chunk = Chunk {
            columns: vec![ColumnNumbers::default(); width],
            end: from,
            ..Chunk::default()
        };
        let (mut cells, mut owned) = (Vec::with_capacity(width + 1), Vec::new());
        let (mut records, mut reported) = (counted, from);
        let mut pos = from;
        loop {
            pos = self.skip_blank(pos);
            if pos >= to || pos >= self.text.len() {
                break;
            }
            let start = pos;
            records += 1;
            if records.is_multiple_of(PROGRESS_EVERY) {
                sink.tick(start, &mut reported, self.file)?;
            }
            pos = self.record(start, &mut cells, &mut owned)?;
            chunk.end = pos;
            if let [only] = cells.as_slice()
                && matches!(only.class, Class::Missing { empty: true })
            {
                continue;
            }
            if cells.len() == width + 1
                && matches!(
                    cells.last().map(|c| c.class),
                    Some(Class::Missing { empty: true })
                )
            {
                cells.pop();
            }
            if cells.len() != width {
                let k = cells.len();
                let fields = if k == 1 { "field" } else { "fields" };
                let what = if self.has_header {
                    "the header"
                } else {
                    "the first row"
                };
                let message = format!("{k} {fields}, {what} has {width}");
                return Err(self.error_at(start, None, &message));
            }
            let row = chunk.starts.len();
            chunk.starts.push(start);
            for (column, cell) in chunk.columns.iter_mut().zip(&cells) {
                column.push(row, cell);
            }
            for (j, text) in owned.drain(..) {
                if j < width {
                    chunk.unescaped.push(((row, j), text));
                }
            }
        }
        Ok(chunk)
    }
}

impl Sink<'_> {
    /// Reports progress at record start `at`; errors when cancelled.
    fn tick(&self, at: usize, reported: &mut usize, file: &str) -> Result<(), DataError> {
        let cancelled = || DataError::new(file, "cancelled");
        if self.cancelled.load(Ordering::Relaxed) {
            return Err(cancelled());
        }
        let bytes = match self.shared {
            Some(total) => {
                let delta = at.saturating_sub(*reported) as u64;
                *reported = at;
                total.fetch_add(delta, Ordering::Relaxed) + delta
            }
            None => at as u64,
        };
        if !(self.report)(bytes) {
            self.cancelled.store(true, Ordering::Relaxed);
            return Err(cancelled());
        }
        Ok(())
    }
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
    let chunk = if options.has_header {
        read_rows(&reader, data_from, width, &sink)?
    } else {
        read_rows(&reader, first, width, &sink)?
    };
    let mut table = Table {
        columns,
        options: *options,
        starts: chunk.starts,
        numbers: chunk.columns,
        unescaped: chunk.unescaped.into_iter().collect(),
        sep_line: sep.is_some(),
        text: Vec::new(),
    };
    table.text = text;
    if table.n_rows() == 0 {
        return Err(DataError::new(file_name, "no data rows"));
    }
    table.resolve_dot_groups();
    let rows = table.n_rows();
    let last_empty = table.numbers.last().is_some_and(|c| c.empty == rows);
    if table.columns.len() > 1 && (last_header_empty || !options.has_header) && last_empty {
        table.columns.pop();
        table.numbers.pop();
    }
    Ok(table)
}

/// Where the first record that is not blank (nor only spaces) starts.
fn first_record(reader: &Reader, from: usize) -> Result<usize, DataError> {
    let (mut cells, mut owned) = (Vec::new(), Vec::new());
    let mut pos = from;
    loop {
        pos = reader.skip_blank(pos);
        if pos >= reader.text.len() {
            return Err(DataError::new(reader.file, "the file is empty"));
        }
        let next = reader.record(pos, &mut cells, &mut owned)?;
        match cells.as_slice() {
            [only] if matches!(only.class, Class::Missing { empty: true }) => pos = next,
            _ => return Ok(pos),
        }
    }
}

/// The first record: column names (header cells, or `column j`), whether the last header
/// cell is empty, and where the next record starts.
fn header(reader: &Reader, first: usize) -> Result<(Vec<String>, bool, usize), DataError> {
    let (mut cells, mut owned) = (Vec::new(), Vec::new());
    let next = reader.record(first, &mut cells, &mut owned)?;
    let mut names: Vec<String> = (0..cells.len()).map(column_name).collect();
    let mut last_empty = false;
    if reader.has_header {
        let mut pos = first;
        for (j, name) in names.iter_mut().enumerate() {
            let field = next_field(reader.text, pos, reader.delimiter).map_err(|_| {
                reader.error_at(first, Some(j), UNTERMINATED_QUOTE) // unreachable: read above
            })?;
            let bytes = field.unescaped(reader.text);
            let cell = String::from_utf8_lossy(&bytes).trim().to_string();
            last_empty = cell.is_empty();
            if !cell.is_empty() {
                *name = cell;
            }
            pos = field.next;
        }
    }
    Ok((names, last_empty, next))
}

/// Reads the data records from `from` on, on several threads when the text is large.
fn read_rows(reader: &Reader, from: usize, width: usize, sink: &Sink) -> Result<Chunk, DataError> {
    let len = reader.text.len();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    if threads < 2 || len.saturating_sub(from) < PARALLEL_MIN_BYTES {
        return reader.rows((from, len), width, u64::from(reader.has_header), sink);
    }
    // Split points: just after the first line end past each equal share.
    let share = (len - from) / threads;
    let mut bounds = vec![from];
    for t in 1..threads {
        let guess = from + t * share;
        let rest = reader.text.get(guess..).unwrap_or_default();
        let at = memchr::memchr(b'\n', rest).map_or(len, |k| guess + k + 1);
        if at > *bounds.last().unwrap_or(&from) && at < len {
            bounds.push(at);
        }
    }
    bounds.push(len);
    let done = AtomicU64::new(0);
    let shared = Sink {
        report: sink.report,
        shared: Some(&done),
        cancelled: sink.cancelled,
    };
    let results: Vec<Result<Chunk, DataError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = bounds
            .windows(2)
            .map(|w| {
                let (a, b, shared) = (w[0], w[1], &shared);
                scope.spawn(move || reader.rows((a, b), width, 0, shared))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(DataError::new(
                        reader.file,
                        "internal error: a reader thread failed",
                    ))
                })
            })
            .collect()
    });
    let mut merged: Option<Chunk> = None;
    for (i, result) in results.into_iter().enumerate() {
        if let Some(m) = &merged
            && m.end > bounds[i]
        {
            // The previous stretch's last record runs past this split (a quoted line end):
            // read the rest again from where that record really ends.
            let rest = reader.rows((m.end, len), width, 0, &shared)?;
            merge(&mut merged, rest);
            break;
        }
        merge(&mut merged, result?);
    }
    Ok(merged.unwrap_or_default())
}

/// Appends `chunk` to `merged`.
fn merge(merged: &mut Option<Chunk>, chunk: Chunk) {
    let Some(m) = merged else {
        *merged = Some(chunk);
        return;
    };
    let offset = m.starts.len();
    m.starts.extend_from_slice(&chunk.starts);
    for (column, other) in m.columns.iter_mut().zip(chunk.columns) {
        column.append(other, offset);
    }
    m.unescaped.extend(
        chunk
            .unescaped
            .into_iter()
            .map(|((row, j), text)| ((row + offset, j), text)),
    );
    m.end = m.end.max(chunk.end);
}

/// `"column {j + 1}"`
pub(crate) fn column_name(j: usize) -> String {
    format!("column {}", j + 1)
}

impl Table {
    /// Number of data rows.
    pub fn n_rows(&self) -> usize {
        self.starts.len()
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

    /// The 1-based line where row `i` starts (0 outside the table).
    pub fn line(&self, i: usize) -> u64 {
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
        let reader = Reader {
            file: "",
            text: &self.text,
            delimiter: self.options.delimiter,
            decimal_comma,
            has_header: self.options.has_header,
        };
        let mut columns = vec![ColumnNumbers::default(); self.columns.len()];
        for (j, column) in columns.iter_mut().enumerate() {
            for i in 0..self.n_rows() {
                let offset = self.span(i, j).map_or(0, |(_, start)| start);
                column.push(i, &reader.classify(self.cell(i, j).as_bytes(), offset));
            }
        }
        std::borrow::Cow::Owned(columns)
    }
}
