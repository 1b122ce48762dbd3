//! The reader behind [`super::read_table_owned`]: one pass over the text that splits records
//! into cells (by the rules of [`super::scan`]), reads each cell as a number where it is one
//! ([`super::numbers`]) and writes it straight into its column.
//!
//! Large texts are read on every core: the text is cut just after line ends into one stretch
//! per thread, each thread writes its rows into its own part of the columns (sized by the
//! line ends it holds, so nothing is copied or grown), and the parts are then moved together.
//! A cut can fall inside a quoted cell that holds a line end; the thread before it then reads
//! past the cut, which shows, and the rest of the text is read again in order. The result
//! never depends on the cuts.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rayon::prelude::*;

use super::numbers::{Form, is_missing_bytes, parse_cell, parse_simple_decimal};
use super::scan::{Unterminated, line_at, next_field};
use super::table::{BAD_CELLS_KEPT, ColumnNumbers, ProgressFn, UNTERMINATED_QUOTE, column_name};
use crate::data::DataError;

/// Records read between two calls of the progress callback.
const PROGRESS_EVERY: u64 = 4096;
/// Texts shorter than this are read on one thread.
const PARALLEL_MIN_BYTES: usize = 4 << 20;

/// How a cell was classified.
#[derive(Clone, Copy, Debug)]
pub(super) enum Class {
    Number(Form),
    Missing { empty: bool },
    Bad,
}

/// One cell of the record being read.
#[derive(Clone, Copy, Debug)]
pub(super) struct CellRead {
    pub value: f32,
    pub class: Class,
    pub offset: usize,
}

/// Progress reporting shared by the reading threads.
pub(super) struct Sink<'a> {
    pub report: ProgressFn<'a>,
    /// Bytes done by every thread, when several read.
    pub shared: Option<&'a AtomicU64>,
    pub cancelled: &'a AtomicBool,
}

/// What every reading thread knows.
pub(super) struct Reader<'a> {
    pub file: &'a str,
    pub text: &'a [u8],
    pub delimiter: u8,
    pub decimal_comma: bool,
    pub has_header: bool,
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
        let mut pos = pos;
        let mut text = None;
        loop {
            let j = cells.len();
            let (cell, next, ends) = self.cell(pos, j, &mut text)?;
            if let Some(text) = text.take() {
                owned.push((j, text));
            }
            cells.push(cell);
            pos = next;
            if ends {
                return Ok(pos);
            }
        }
    }

    /// An unquoted number cell parsed where it stands: (cell, next position, ends record).
    #[inline]
    fn fast_number(&self, pos: usize) -> Option<(CellRead, usize, bool)> {
        let text = self.text;
        let (value, len) = leading_number(text.get(pos..)?)?;
        let end = pos + len;
        let next = match text.get(end) {
            None => (end, true),
            Some(&d) if d == self.delimiter => (end + 1, false),
            Some(b'\n') => (end + 1, true),
            Some(b'\r') if text.get(end + 1) == Some(&b'\n') => (end + 2, true),
            Some(b'\r') => (end + 1, true),
            Some(_) => return None,
        };
        if self.decimal_comma && text.get(pos..end)?.contains(&b'.') {
            return None;
        }
        let cell = CellRead {
            value: value + 0.0,
            class: Class::Number(Form::Plain),
            offset: pos,
        };
        Some((cell, next.0, next.1))
    }

    pub(super) fn classify(&self, trimmed: &[u8], offset: usize) -> CellRead {
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
    pub(super) fn skip_blank(&self, mut pos: usize) -> usize {
        while matches!(self.text.get(pos), Some(b'\n' | b'\r')) {
            pos += 1;
        }
        pos
    }

    /// The cell at `pos` (fast path for plain numbers, else the field reader), where the
    /// next field starts and whether the record ends there; escaped cells' text goes to
    /// `owned`.
    #[inline]
    fn cell(
        &self,
        pos: usize,
        j: usize,
        owned: &mut Option<String>,
    ) -> Result<(CellRead, usize, bool), DataError> {
        if let Some(fast) = self.fast_number(pos) {
            return Ok(fast);
        }
        let field = next_field(self.text, pos, self.delimiter)
            .map_err(|Unterminated { quote }| self.error_at(quote, Some(j), UNTERMINATED_QUOTE))?;
        let bytes = field.unescaped(self.text);
        let Ok(cell_text) = std::str::from_utf8(&bytes) else {
            return Err(self.error_at(field.start, Some(j), "the cell is not valid UTF-8"));
        };
        let trimmed = cell_text.trim();
        if field.escaped {
            *owned = Some(trimmed.to_string());
        }
        let cell = self.classify(trimmed.as_bytes(), field.start);
        Ok((cell, field.next, field.ends_record))
    }

    /// Reads the records that start in `from..to` (the last one may end past `to`), each
    /// of `width` fields (one more when the extra last field is empty), writing row `r`'s
    /// start and cells at index `r` of `out`. `counted` records (the header) were read
    /// before `from`.
    fn rows(
        &self,
        (from, to): (usize, usize),
        width: usize,
        counted: u64,
        sink: &Sink,
        mut out: Region,
    ) -> Result<Part, DataError> {
        let mut part = Part {
            rows: 0,
            counts: vec![Counts::default(); width],
            unescaped: Vec::new(),
            end: from,
        };
        let (mut records, mut reported) = (counted, from);
        // Records read by `plain_record`: one plain number in every column each.
        let mut plain_rows = 0usize;
        let mut pos = from;
        let mut owned = None;
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
            let row = part.rows;
            if row >= out.starts.len() {
                return Err(DataError::new(
                    self.file,
                    "internal error: more records than line ends",
                ));
            }
            // Most records of a large file are `width` plain numbers: read them in one go.
            if let Some(next) = self.plain_record(pos, row, &mut out.values) {
                plain_rows += 1;
                pos = next;
                part.end = pos;
                out.starts[row] = start;
                part.rows += 1;
                continue;
            }
            let (mut fields, mut extra, mut first_blank) = (0usize, false, false);
            loop {
                let (cell, next, ends) = self.cell(pos, fields, &mut owned)?;
                let blank = matches!(cell.class, Class::Missing { empty: true });
                if let (Some(counts), Some(values)) =
                    (part.counts.get_mut(fields), out.values.get_mut(fields))
                {
                    counts.add(row, &cell);
                    values[row] = cell.value;
                    if let Some(text) = owned.take() {
                        part.unescaped.push(((row, fields), text));
                    }
                } else {
                    owned = None;
                    extra |= fields > width || !blank;
                }
                first_blank |= fields == 0 && blank;
                fields += 1;
                pos = next;
                if ends {
                    break;
                }
            }
            part.end = pos;
            if fields == 1 && first_blank {
                if let Some(counts) = part.counts.first_mut() {
                    counts.remove_blank();
                }
                continue;
            }
            if fields < width || (fields > width && extra) {
                let fields_word = if fields == 1 { "field" } else { "fields" };
                let what = if self.has_header {
                    "the header"
                } else {
                    "the first row"
                };
                let message = format!("{fields} {fields_word}, {what} has {width}");
                return Err(self.error_at(start, None, &message));
            }
            out.starts[row] = start;
            part.rows += 1;
        }
        for counts in &mut part.counts {
            counts.numbers += plain_rows;
        }
        Ok(part)
    }

    /// Reads the record at `pos` into row `row` of `values` when it is exactly one plain
    /// number per column, each ended by the delimiter and the last by a line end (`\n` or
    /// `\r\n`); returns where the next record may start. `None` for any other record, which
    /// the caller then reads cell by cell (writing the same slots again, with the same values:
    /// a cell read here is one that [`Self::fast_number`] reads).
    ///
    /// Written apart from `fast_number` so that the whole record is one loop without calls:
    /// on a file of numbers this loop is most of the time of an import.
    #[inline]
    fn plain_record(&self, mut pos: usize, row: usize, values: &mut [&mut [f32]]) -> Option<usize> {
        let text = self.text;
        let last = values.len().checked_sub(1)?;
        for (j, column) in values.iter_mut().enumerate() {
            let start = pos;
            let (value, len) = leading_number(text.get(pos..)?)?;
            pos += len;
            if self.decimal_comma && text.get(start..pos)?.contains(&b'.') {
                return None;
            }
            let end = *text.get(pos)?;
            pos += 1;
            if j < last {
                if end != self.delimiter {
                    return None;
                }
            } else if end == b'\r' && text.get(pos) == Some(&b'\n') {
                pos += 1;
            } else if end != b'\n' {
                return None;
            }
            *column.get_mut(row)? = value + 0.0;
        }
        Some(pos)
    }
}

/// The finite number at the start of `bytes` (an unquoted cell, `[+-.0-9]` first) and the
/// bytes it takes: [`parse_simple_decimal`], else `fast_float2` (exponents, more digits).
#[inline(always)]
fn leading_number(bytes: &[u8]) -> Option<(f32, usize)> {
    if let Some(simple) = parse_simple_decimal(bytes) {
        return Some(simple);
    }
    let first = *bytes.first()?;
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'.' | b'+')) {
        return None;
    }
    let (value, len) = fast_float2::parse_partial::<f32, _>(bytes).ok()?;
    value.is_finite().then_some((value, len))
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

/// Where the first record that is not blank (nor only white space, nor only empty cells, as
/// `,,` or a line of tabs in a tab-separated file) starts.
pub(super) fn first_record(reader: &Reader, from: usize) -> Result<usize, DataError> {
    let (mut cells, mut owned) = (Vec::new(), Vec::new());
    let mut pos = from;
    loop {
        pos = reader.skip_blank(pos);
        if pos >= reader.text.len() {
            return Err(DataError::new(reader.file, "the file is empty"));
        }
        let next = reader.record(pos, &mut cells, &mut owned)?;
        if cells
            .iter()
            .all(|cell| matches!(cell.class, Class::Missing { empty: true }))
        {
            pos = next;
        } else {
            return Ok(pos);
        }
    }
}

/// The first record: column names (header cells, or `column j`), whether the last header
/// cell is empty, and where the next record starts.
pub(super) fn header(
    reader: &Reader,
    first: usize,
) -> Result<(Vec<String>, bool, usize), DataError> {
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

/// Counts of one column over the rows one thread read.
#[derive(Clone, Debug, Default)]
struct Counts {
    missing: usize,
    empty: usize,
    numbers: usize,
    bad: usize,
    first_bad: Vec<(usize, usize)>,
    ambiguous: usize,
    dot_groups: usize,
}

impl Counts {
    #[inline]
    fn add(&mut self, row: usize, cell: &CellRead) {
        match cell.class {
            Class::Number(Form::Plain) => self.numbers += 1,
            Class::Number(Form::DotGroups) => {
                self.numbers += 1;
                self.dot_groups += 1;
            }
            Class::Number(Form::Ambiguous) => {
                self.numbers += 1;
                self.ambiguous += 1;
            }
            Class::Missing { empty } => {
                self.missing += 1;
                self.empty += usize::from(empty);
            }
            Class::Bad => {
                self.bad += 1;
                if self.first_bad.len() < BAD_CELLS_KEPT {
                    self.first_bad.push((row, cell.offset));
                }
            }
        }
    }

    /// Undoes the count of a blank cell (a line of spaces is not a row).
    fn remove_blank(&mut self) {
        self.missing = self.missing.saturating_sub(1);
        self.empty = self.empty.saturating_sub(1);
    }

    /// Adds `other`, whose rows start at `row_offset`, to the counts of `column`.
    fn add_to(self, column: &mut ColumnNumbers, row_offset: usize) {
        column.missing += self.missing;
        column.empty += self.empty;
        column.numbers += self.numbers;
        column.bad += self.bad;
        for (row, offset) in self.first_bad {
            if column.first_bad.len() < BAD_CELLS_KEPT {
                column.first_bad.push((row + row_offset, offset));
            }
        }
        column.ambiguous += self.ambiguous;
        column.dot_groups += self.dot_groups;
    }
}

/// Where one thread writes its rows: row `r`'s start at `starts[r]`, its cell in column `j`
/// at `values[j][r]`.
struct Region<'a> {
    starts: &'a mut [usize],
    values: Vec<&'a mut [f32]>,
}

/// What one thread read.
struct Part {
    rows: usize,
    counts: Vec<Counts>,
    unescaped: Vec<((usize, usize), String)>,
    /// Where the last record read ends (or where reading began, without records).
    end: usize,
}

/// The rows of a text: starts, columns and the text of escaped cells.
pub(super) struct Rows {
    pub starts: Vec<usize>,
    pub columns: Vec<ColumnNumbers>,
    pub unescaped: Vec<((usize, usize), String)>,
}

/// Vectors that [`read_rows`] writes rows into, handed back by the caller (from the
/// [`Rows`] of an earlier call) so that reading a file chunk by chunk reuses their memory.
#[derive(Debug, Default)]
pub(super) struct Buffers {
    pub starts: Vec<usize>,
    pub values: Vec<Vec<f32>>,
}

impl Buffers {
    /// `starts` and `width` columns of `total` zeroed slots each.
    fn sized(self, width: usize, total: usize) -> (Vec<usize>, Vec<Vec<f32>>) {
        let Buffers {
            mut starts,
            mut values,
        } = self;
        if starts.capacity() == 0 {
            // Zeroed memory comes from the system without a pass over it; every slot that is
            // kept is written by its record (a record with fewer fields is an error). A
            // quarter more room, never touched unless used, lets the next chunk of a stream
            // (a few records longer) reuse these vectors instead of growing them, which
            // copies them into twice the memory.
            let room = total + total / 4;
            let mut starts = vec![0usize; room];
            starts.truncate(total);
            let values = (0..width)
                .map(|_| {
                    let mut column = vec![0.0f32; room];
                    column.truncate(total);
                    column
                })
                .collect();
            return (starts, values);
        }
        starts.clear();
        starts.resize(total, 0);
        values.resize_with(width, Vec::new);
        values.truncate(width);
        for column in &mut values {
            column.clear();
            column.resize(total, 0.0);
        }
        (starts, values)
    }
}

/// Splits `starts` and `values` at the `sizes` of consecutive regions.
fn regions<'a>(
    mut starts: &'a mut [usize],
    values: &'a mut [Vec<f32>],
    sizes: &[usize],
) -> Vec<Region<'a>> {
    let mut columns: Vec<&'a mut [f32]> = values.iter_mut().map(Vec::as_mut_slice).collect();
    let mut out = Vec::with_capacity(sizes.len());
    for &size in sizes {
        let all = std::mem::take(&mut starts);
        let (head, tail) = all.split_at_mut(size.min(all.len()));
        starts = tail;
        let mut region_values = Vec::with_capacity(columns.len());
        for column in &mut columns {
            let all = std::mem::take(column);
            let (head, tail) = all.split_at_mut(size.min(all.len()));
            *column = tail;
            region_values.push(head);
        }
        out.push(Region {
            starts: head,
            values: region_values,
        });
    }
    out
}

/// Reads the data records from `from` on (see the module docs).
pub(super) fn read_rows(
    reader: &Reader,
    from: usize,
    width: usize,
    sink: &Sink,
    buffers: Buffers,
) -> Result<Rows, DataError> {
    let len = reader.text.len();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let mut bounds = vec![from];
    if threads > 1 && len.saturating_sub(from) >= PARALLEL_MIN_BYTES {
        let share = (len - from) / threads;
        for t in 1..threads {
            let guess = from + t * share;
            let rest = reader.text.get(guess..).unwrap_or_default();
            let at = memchr::memchr(b'\n', rest).map_or(len, |k| guess + k + 1);
            if at > *bounds.last().unwrap_or(&from) && at < len {
                bounds.push(at);
            }
        }
    }
    bounds.push(len);
    // Each stretch holds at most one record more than its line ends.
    let sizes: Vec<usize> = bounds
        .par_windows(2)
        .map(|w| {
            1 + memchr::memchr_iter(b'\n', reader.text.get(w[0]..w[1]).unwrap_or_default()).count()
        })
        .collect();
    let total: usize = sizes.iter().sum();
    let (mut starts, mut values) = buffers.sized(width, total);
    let done = AtomicU64::new(0);
    let shared = Sink {
        report: sink.report,
        shared: (bounds.len() > 2).then_some(&done),
        cancelled: sink.cancelled,
    };
    let counted = u64::from(reader.has_header);
    let results: Vec<Result<Part, DataError>> = if bounds.len() == 2 {
        let region = regions(&mut starts, &mut values, &sizes).pop();
        let region = region.ok_or_else(|| DataError::new(reader.file, "internal error"))?;
        vec![reader.rows((from, len), width, counted, sink, region)]
    } else {
        let parts = regions(&mut starts, &mut values, &sizes);
        // On the pool's threads, which live on: a new thread per chunk would start with a
        // fresh heap, whose first pages the system must zero again.
        bounds
            .par_windows(2)
            .zip(parts)
            .enumerate()
            .map(|(k, (w, region))| {
                let counted = if k == 0 { counted } else { 0 };
                reader.rows((w[0], w[1]), width, counted, &shared, region)
            })
            .collect()
    };
    // Keep the parts up to the first cut that fell inside a record; read the rest again.
    let mut good: Vec<(usize, Part)> = Vec::new();
    let mut base = 0;
    for (k, result) in results.into_iter().enumerate() {
        let previous_end = good.last().map(|(_, p): &(usize, Part)| p.end);
        if let Some(end) = previous_end
            && end > bounds[k]
        {
            let region = tail_region(&mut starts, &mut values, base);
            let rest = reader.rows((end, len), width, 0, &shared, region)?;
            good.push((base, rest));
            break;
        }
        good.push((base, result?));
        base += sizes[k];
    }
    Ok(compact(starts, values, good))
}

/// The region from row `base` to the end of `starts` and `values`.
fn tail_region<'a>(starts: &'a mut [usize], values: &'a mut [Vec<f32>], base: usize) -> Region<'a> {
    Region {
        starts: starts.get_mut(base..).unwrap_or_default(),
        values: values
            .iter_mut()
            .map(|v| v.get_mut(base..).unwrap_or_default())
            .collect(),
    }
}

/// Moves the rows of every part (at its base) together and merges the counts.
fn compact(mut starts: Vec<usize>, mut values: Vec<Vec<f32>>, parts: Vec<(usize, Part)>) -> Rows {
    let width = values.len();
    let mut columns: Vec<ColumnNumbers> = (0..width).map(|_| ColumnNumbers::default()).collect();
    let mut unescaped = Vec::new();
    let mut at = 0;
    for (base, part) in parts {
        if base != at {
            starts.copy_within(base..base + part.rows, at);
            for column in &mut values {
                column.copy_within(base..base + part.rows, at);
            }
        }
        for (counts, column) in part.counts.into_iter().zip(&mut columns) {
            counts.add_to(column, at);
        }
        unescaped.extend(
            part.unescaped
                .into_iter()
                .map(|((row, j), text)| ((row + at, j), text)),
        );
        at += part.rows;
    }
    starts.truncate(at);
    for (column, mut v) in columns.iter_mut().zip(values) {
        v.truncate(at);
        column.values = v;
    }
    Rows {
        starts,
        columns,
        unescaped,
    }
}

/// A column read again from its cells (`(text, byte offset)` per row) with `decimal_comma`.
pub(super) fn column_from_cells<'a>(
    cells: impl Iterator<Item = (&'a str, usize)>,
    decimal_comma: bool,
) -> ColumnNumbers {
    let reader = Reader {
        file: "",
        text: &[],
        delimiter: b',',
        decimal_comma,
        has_header: false,
    };
    let mut counts = Counts::default();
    let mut column = ColumnNumbers::default();
    for (row, (text, offset)) in cells.enumerate() {
        let cell = reader.classify(text.as_bytes(), offset);
        counts.add(row, &cell);
        column.values.push(cell.value);
    }
    counts.add_to(&mut column, 0);
    column
}
