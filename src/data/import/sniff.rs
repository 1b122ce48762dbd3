//! Steps 1 and 2 of the importer: bytes → text ([`decode_input`]) and the guesses about that
//! text ([`sniff_csv`]).

use std::io::Read;

use flate2::read::MultiGzDecoder;

use super::numbers::{is_missing, parse_number};
use super::scan::{Field, next_field};
use super::settings::CsvOptions;
use crate::data::DataError;

/// First two bytes of every gzip member (RFC 1952, ID1 ID2).
pub(crate) const GZIP_MAGIC: [u8; 2] = [0x1F, 0x8B];
/// Records looked at by [`sniff_csv`].
const SNIFF_RECORDS: usize = 100;
/// Candidate delimiters, in the order that wins ties.
const DELIMITERS: [u8; 4] = [b'\t', b';', b'|', b','];

/// Bytes of a file → text bytes: gunzip when the data starts with `1F 8B` (not by name),
/// strip a UTF-8 BOM, turn lone CR line ends into LF (CRLF and LF stay; mixed files work; a
/// lone CR inside a quoted cell becomes LF too).
///
/// Errors name the file: `"{file}: cannot decompress the gzip data: {reason}"`.
pub fn decode_input(file_name: &str, raw: &[u8]) -> Result<Vec<u8>, DataError> {
    if raw.starts_with(&GZIP_MAGIC) {
        return decode_owned(file_name, gunzip(file_name, raw)?);
    }
    let data = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
    decode_owned(file_name, data.to_vec())
}

/// [`decode_input`] that takes the bytes and works in place (no copy of raw text; gzip data
/// is decompressed into a new buffer and the old one freed).
///
/// # Errors
/// As [`decode_input`].
pub fn decode_owned(file_name: &str, raw: Vec<u8>) -> Result<Vec<u8>, DataError> {
    let mut text = if raw.starts_with(&GZIP_MAGIC) {
        gunzip(file_name, &raw)?
    } else {
        raw
    };
    if text.starts_with(b"\xEF\xBB\xBF") {
        text.drain(..3);
    }
    let mut from = 0;
    while let Some(k) = memchr::memchr(b'\r', text.get(from..).unwrap_or_default()) {
        let at = from + k;
        if text.get(at + 1) != Some(&b'\n')
            && let Some(b) = text.get_mut(at)
        {
            *b = b'\n';
        }
        from = at + 1;
    }
    Ok(text)
}

/// The decompressed bytes of gzip data.
fn gunzip(file_name: &str, raw: &[u8]) -> Result<Vec<u8>, DataError> {
    let mut out = Vec::new();
    MultiGzDecoder::new(raw)
        .read_to_end(&mut out)
        .map_err(|e| DataError::new(file_name, format!("cannot decompress the gzip data: {e}")))?;
    Ok(out)
}

/// Excel's first line `sep=;` (any one byte but a quote or a line end, then optional spaces
/// and the line end): the delimiter it names and the length of the line with its line end.
pub fn sep_line(text: &[u8]) -> Option<(u8, usize)> {
    let rest = text.strip_prefix(b"sep=".as_slice())?;
    let (&delimiter, rest) = rest.split_first()?;
    if matches!(delimiter, b'"' | b'\r' | b'\n') || !delimiter.is_ascii() {
        return None;
    }
    let spaces = rest
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    let rest = &rest[spaces..];
    let end = match rest {
        [b'\r', b'\n', ..] => 2,
        [b'\n' | b'\r', ..] => 1,
        [] => 0,
        _ => return None,
    };
    Some((delimiter, 5 + spaces + end))
}

/// Where a quoted cell opens and never closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct OpenQuote {
    /// Byte offset where the record holding the cell starts.
    record_start: usize,
}

/// What [`scan`] found.
struct Scan {
    /// Delimiters (outside quotes) of each of the first records, blank lines and lines of
    /// spaces and tabs skipped.
    counts: Vec<usize>,
    /// The quoted cell left open at the end of the text, if any.
    open: Option<OpenQuote>,
}

/// Walks `text` by the reader's rules for `delimiter` (see [`super::scan`]) and counts the
/// delimiters of the first `max_records` records; with `max_records == 0` walks the whole
/// text (to find an open quote).
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
    let mut count = 0usize;
    let mut record_start = 0usize;
    let mut opened = None;
    let mut counts = Vec::new();
    // Whether the record holds nothing but spaces and tabs so far: such a line tells
    // nothing about the delimiter (its tabs are white space, not cells).
    let mut only_space = true;
    for (i, &b) in text.iter().enumerate() {
        if state == State::RecordStart && b != b'\n' && b != b'\r' {
            (record_start, count, only_space) = (i, 0, true);
            state = State::CellStart;
        }
        only_space &= matches!(b, b' ' | b'\t' | b'\n' | b'\r') || state == State::RecordStart;
        state = match (state, b) {
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::CellStart, b'"') => {
                opened = Some(OpenQuote { record_start });
                State::Quoted
            }
            (State::QuoteInQuoted, b'"') => State::Quoted,
            (State::RecordStart, _) => State::RecordStart,
            (_, d) if d == delimiter => {
                count += 1;
                State::CellStart
            }
            (_, b'\n' | b'\r') => {
                if counts.len() < max_records && !only_space {
                    counts.push(count);
                }
                if max_records > 0 && counts.len() >= max_records {
                    break;
                }
                State::RecordStart
            }
            _ => State::Unquoted,
        };
    }
    if state != State::RecordStart && counts.len() < max_records && !only_space {
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

/// Guesses delimiter (`,` `;` tab `|`), header row and decimal comma from the first 100
/// records of `text` (as returned by [`decode_input`]).
///
/// - Delimiter: the one named by an Excel `sep=;` first line; else the one on which most
///   records agree about a non-zero count (outside quotes); ties go to tab, then `;`, `|`,
///   `,`. Without any, `,`.
/// - Decimal comma: with `;`, when more cells look like `1,5` or `2.907,5` than like `1.5`.
/// - Header: when more all-number columns have a non-number first cell than a number one;
///   for files without number columns, when every first-row cell is non-empty text that
///   does not come back further down its column. An empty text gives the defaults.
pub fn sniff_csv(text: &[u8]) -> CsvOptions {
    let (text, forced) = match sep_line(text) {
        Some((delimiter, len)) => (text.get(len..).unwrap_or_default(), Some(delimiter)),
        None => (text, None),
    };
    let delimiter = forced.unwrap_or_else(|| {
        let mut best = (0, b',');
        for d in DELIMITERS {
            let score = agreement(&scan(text, d, SNIFF_RECORDS).counts);
            if score > best.0 {
                best = (score, d);
            }
        }
        best.1
    });
    let records = sample_records(text, delimiter, SNIFF_RECORDS);
    let decimal_comma = delimiter == b';' && {
        let cells = records.iter().skip(1).flatten();
        let (commas, points) = cells.fold((0usize, 0usize), |(c, p), cell| {
            (
                c + usize::from(looks_decimal_comma(cell)),
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

/// `1,5` or `2.907,5`: a decimal comma, with or without dots between groups of three.
fn looks_decimal_comma(cell: &str) -> bool {
    if looks_decimal(cell, b',') {
        return true;
    }
    let ungrouped: String = cell.chars().filter(|&c| c != '.').collect();
    cell.contains('.') && looks_decimal(&ungrouped, b',') && parse_number(cell, true).is_some()
}

/// Whether `text` holds, whole, every record that [`sniff_csv`] reads (the first 100 that are
/// not blank) and one more after them, split with `delimiter`: then the guess on `text` is
/// the guess on any longer text that starts with it, as long as neither holds a quote.
pub(crate) fn holds_sniffed_records(text: &[u8], delimiter: u8) -> bool {
    sample_records(text, delimiter, SNIFF_RECORDS + 1).len() > SNIFF_RECORDS
}

/// The first `max` non-blank records as trimmed (lossy UTF-8) cells; before the first, records
/// whose cells are all empty are skipped too, as the reader skips them
/// ([`super::read::first_record`]).
fn sample_records(text: &[u8], delimiter: u8, max: usize) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while out.len() < max && pos < text.len() {
        while matches!(text.get(pos), Some(b'\n' | b'\r')) {
            pos += 1;
        }
        if pos >= text.len() {
            break;
        }
        let mut cells = Vec::new();
        loop {
            let Ok(field) = next_field(text, pos, delimiter) else {
                return out;
            };
            cells.push(
                String::from_utf8_lossy(&field_text(text, &field))
                    .trim()
                    .to_string(),
            );
            pos = field.next;
            if field.ends_record {
                break;
            }
        }
        let empty = if out.is_empty() {
            cells.iter().all(String::is_empty)
        } else {
            matches!(cells.as_slice(), [only] if only.is_empty())
        };
        if !empty {
            out.push(cells);
        }
    }
    out
}

/// The text of a field (unescaped when quoted).
pub(crate) fn field_text<'a>(text: &'a [u8], field: &Field) -> std::borrow::Cow<'a, [u8]> {
    field.unescaped(text)
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

/// The byte offset where the record holding an unterminated quote starts, if `text` has one.
pub(crate) fn open_quote_record_start(text: &[u8], delimiter: u8) -> Option<usize> {
    scan(text, delimiter, 0).open.map(|q| q.record_start)
}
