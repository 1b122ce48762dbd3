//! The field reader shared by sniffing, reading and cell access: the csv crate's default
//! quoting rules, written out so that every cell keeps its byte position in the text.
//!
//! - A record ends at LF, CR or CRLF; blank lines (no bytes between two line ends) are not
//!   records.
//! - A quote opens a quoted cell only as the cell's first byte; inside, `""` is a literal
//!   quote and any other quote closes the cell. Bytes after the closing quote, up to the next
//!   delimiter or line end, belong to the cell as written (`"ab"c` is `abc`).
//! - Anywhere else a quote is an ordinary byte (`5"` is the text `5"`).
//! - A quoted cell that never closes swallows the rest of the text: that is an error at the
//!   opening quote.

use std::borrow::Cow;

/// One field of a record, by byte offsets into the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Field {
    /// First byte of the field (the opening quote of a quoted field).
    pub start: usize,
    /// The field's content: between the quotes for a quoted field.
    pub content: (usize, usize),
    /// Bytes after the closing quote of a quoted field, up to the delimiter or line end.
    pub after: (usize, usize),
    /// True for a quoted field whose text is not one slice of the input: it holds `""`, or
    /// non-blank bytes after its closing quote.
    pub escaped: bool,
    /// Where the next field (or record, or blank lines) starts.
    pub next: usize,
    /// True when a line end or the end of the text follows the field.
    pub ends_record: bool,
}

/// A quoted field that never closes: the offset of its opening quote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Unterminated {
    /// Offset of the opening quote.
    pub quote: usize,
}

/// Where a field that ends at `end` (a delimiter, line end or the end of the text) lets the
/// next one start, and whether it ends its record.
fn terminate(text: &[u8], end: usize, delimiter: u8) -> (usize, bool) {
    match text.get(end) {
        None => (end, true),
        Some(&d) if d == delimiter => (end + 1, false),
        Some(b'\r') if text.get(end + 1) == Some(&b'\n') => (end + 2, true),
        Some(_) => (end + 1, true),
    }
}

/// The end of unquoted bytes starting at `from`: the next delimiter, CR or LF, or the end.
#[inline]
pub(crate) fn unquoted_end(text: &[u8], from: usize, delimiter: u8) -> usize {
    let rest = text.get(from..).unwrap_or_default();
    memchr::memchr3(delimiter, b'\n', b'\r', rest).map_or(text.len(), |k| from + k)
}

/// The field starting at `pos` (which must not be a line end).
pub(crate) fn next_field(text: &[u8], pos: usize, delimiter: u8) -> Result<Field, Unterminated> {
    if text.get(pos) != Some(&b'"') {
        let end = unquoted_end(text, pos, delimiter);
        let (next, ends_record) = terminate(text, end, delimiter);
        return Ok(Field {
            start: pos,
            content: (pos, end),
            after: (end, end),
            escaped: false,
            next,
            ends_record,
        });
    }
    let mut from = pos + 1;
    let mut escaped = false;
    let close = loop {
        let rest = text.get(from..).unwrap_or_default();
        let Some(k) = memchr::memchr(b'"', rest) else {
            return Err(Unterminated { quote: pos });
        };
        let q = from + k;
        if text.get(q + 1) == Some(&b'"') {
            escaped = true;
            from = q + 2;
        } else {
            break q;
        }
    };
    let end = unquoted_end(text, close + 1, delimiter);
    let after = text.get(close + 1..end).unwrap_or_default();
    escaped |= !after.iter().all(u8::is_ascii_whitespace);
    let (next, ends_record) = terminate(text, end, delimiter);
    Ok(Field {
        start: pos,
        content: (pos + 1, close),
        after: (close + 1, end),
        escaped,
        next,
        ends_record,
    })
}

impl Field {
    /// The content bytes as one slice of `text` (for an escaped field: the raw bytes between
    /// the quotes; use [`Field::unescaped`]).
    pub fn raw<'a>(&self, text: &'a [u8]) -> &'a [u8] {
        text.get(self.content.0..self.content.1).unwrap_or_default()
    }

    /// The field's text as the csv crate gives it: `""` → `"`, plus the bytes after the
    /// closing quote.
    pub fn unescaped<'a>(&self, text: &'a [u8]) -> Cow<'a, [u8]> {
        if !self.escaped {
            return Cow::Borrowed(self.raw(text));
        }
        let raw = self.raw(text);
        let mut out = Vec::with_capacity(raw.len());
        let mut bytes = raw.iter().copied();
        while let Some(b) = bytes.next() {
            out.push(b);
            if b == b'"' {
                bytes.next();
            }
        }
        out.extend_from_slice(text.get(self.after.0..self.after.1).unwrap_or_default());
        Cow::Owned(out)
    }
}

/// The 1-based line of byte `offset` of `text`: 1 + the line ends before it (LF, CRLF or a
/// lone CR).
pub(crate) fn line_at(text: &[u8], offset: usize) -> u64 {
    let before = text.get(..offset.min(text.len())).unwrap_or_default();
    let lf = memchr::memchr_iter(b'\n', before).count();
    let lone_cr = memchr::memchr_iter(b'\r', before)
        .filter(|&k| text.get(k + 1) != Some(&b'\n'))
        .count();
    1 + (lf + lone_cr) as u64
}
