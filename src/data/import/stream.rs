//! A large file of numbers read as a stream: step 2 of the importer ([`super::table`])
//! without holding the file's text.
//!
//! Reading a 100 MB file whole costs 100 MB of fresh memory, and on a machine where the
//! system zeroes each new page that costs more than parsing it (about 1.5 ms per MB on the
//! 2-core development machine: see the README's CSV benchmark). A table whose cells are all
//! numbers or missing needs no text after reading, so such a file is read in chunks of
//! [`CHUNK_BYTES`] into two blocks used in turn, each chunk parsed by the ordinary reader
//! ([`super::read`], on every core), and only the numbers are kept. A thread of its own
//! reads (or decompresses) the next chunk while the current one is parsed, after
//! [`HEAD_BYTES`] of room where the unfinished last record of the chunk before is put, so
//! that the chunk itself is not copied.
//!
//! A gzipped file is decompressed as it is read, with the same decoder as the whole reader
//! (`flate2`'s `MultiGzDecoder`), so it costs no more memory than the plain file.
//!
//! The stream gives up, and the caller reads the file whole with [`super::read_table_owned`]
//! (which then reports any error with its line and column), as soon as the file is anything
//! but plain: damaged gzip data, an Excel `sep=` line, a first chunk that does not hold the
//! 100 non-blank records the delimiter, decimal comma and header are guessed from, a quote, a
//! lone CR line end, a decimal comma, a cell that is neither a number nor missing, or a record
//! with the wrong number of fields.
//! So the result never differs from reading the whole text, except that the streamed table
//! keeps no text ([`Table::cell`] reads `""`, as after the text is released for building).

use std::io::{Read, Seek};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, mpsc};

use flate2::read::MultiGzDecoder;

use rayon::prelude::*;

use super::read::{Buffers, Reader, Sink, first_record, header, read_rows};
use super::scan::line_at;
use super::settings::CsvOptions;
use super::sniff::{GZIP_MAGIC, holds_sniffed_records, sep_line, sniff_csv};
use super::table::{ColumnNumbers, ProgressFn, Table};
use crate::data::DataError;

/// Bytes read per chunk (the buffer holds one chunk and the unfinished record before it).
pub const CHUNK_BYTES: usize = 8 << 20;
/// Room kept free before each chunk read, for the unfinished record of the chunk before it,
/// so that the chunk itself is not copied (after a longer record, the chunk is copied to
/// follow it).
pub const HEAD_BYTES: usize = 64 << 10;
/// Files at least this large are streamed when they can be; smaller ones are read whole.
pub const STREAM_MIN_BYTES: u64 = 16 << 20;
/// Whether the file at `path`, of `size` bytes, is large enough to stream: at least
/// [`STREAM_MIN_BYTES`], or a quarter of that when it is gzipped (its text is several times
/// the file).
pub fn worth_streaming(path: &Path, size: u64) -> bool {
    if size >= STREAM_MIN_BYTES {
        return true;
    }
    let mut magic = [0u8; 2];
    size >= STREAM_MIN_BYTES / 4
        && std::fs::File::open(path).is_ok_and(|mut f| f.read_exact(&mut magic).is_ok())
        && magic == GZIP_MAGIC
}

/// The UTF-8 byte order mark, skipped as [`super::decode_owned`] does.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A table read by [`stream_table`].
pub struct Streamed {
    /// The table (without text).
    pub table: Table,
    /// Whether the file was gzipped (and decompressed as it was read).
    pub gzip: bool,
}

/// Reads the delimited file at `path` as a stream when it is plain numbers (see the module
/// docs), with `options` or the ones guessed from its first chunk. `report(bytes)` is called
/// with the bytes of the file read and parsed so far (of the compressed file, when it is
/// gzipped); when it returns false, reading stops.
///
/// Returns `Ok(None)` when the file is not plain numbers or cannot be read: the caller then
/// reads it whole, which gives the same table or the exact error.
///
/// # Errors
/// Only `"{file}: cancelled"`.
pub fn stream_table(
    file_name: &str,
    path: &Path,
    options: Option<CsvOptions>,
    report: ProgressFn,
) -> Result<Option<Streamed>, DataError> {
    let cancelled = AtomicBool::new(false);
    let result = Stream::open(file_name, path, options).and_then(|s| s.read(report, &cancelled));
    if cancelled.load(Ordering::Relaxed) {
        return Err(DataError::new(file_name, "cancelled"));
    }
    Ok(result)
}

/// The state of a stream: the file, the buffer and where its first byte is in the text.
struct Stream<'a> {
    file_name: &'a str,
    /// The file, or its decompressed text, read one chunk ahead.
    input: Prefetch,
    /// Bytes of the file itself read so far, when it is gzipped (for the progress).
    compressed: Option<Arc<AtomicU64>>,
    /// Bytes of the file.
    file_len: u64,
    /// The block holding the text being read, from `buf[start]` on.
    buf: Vec<u8>,
    start: usize,
    /// Text offset of `buf[start]`.
    consumed: u64,
    /// Whether the file has been read to its end.
    eof: bool,
    options: CsvOptions,
}

impl<'a> Stream<'a> {
    /// Opens the file and reads its first chunk; `None` when it is not plain or too short.
    fn open(file_name: &'a str, path: &Path, options: Option<CsvOptions>) -> Option<Self> {
        let mut file = std::fs::File::open(path).ok()?;
        let file_len = file.metadata().ok()?.len();
        let mut magic = [0u8; 2];
        let gzip = file.read_exact(&mut magic).is_ok() && magic == GZIP_MAGIC;
        file.rewind().ok()?;
        let (input, compressed): (Box<dyn Read + Send>, _) = if gzip {
            let count = Arc::new(AtomicU64::new(0));
            let counted = Counted {
                inner: file,
                count: Arc::clone(&count),
            };
            (Box::new(MultiGzDecoder::new(counted)), Some(count))
        } else {
            (Box::new(file), None)
        };
        let mut stream = Stream {
            file_name,
            input: Prefetch::start(input),
            compressed,
            file_len,
            buf: Vec::new(),
            start: 0,
            consumed: 0,
            eof: false,
            options: options.unwrap_or_default(),
        };
        stream.fill()?;
        if stream.text().starts_with(BOM) {
            stream.start += BOM.len();
            stream.consumed = BOM.len() as u64;
        }
        if sep_line(stream.text()).is_some() {
            return None;
        }
        // The delimiter, decimal comma and header are guessed from the first 100 records
        // (blank lines left out): the first chunk's complete records must hold them all for
        // its guess to be the whole text's (long records or many blank lines can push them
        // past the chunk; the whole reader then takes the file).
        let complete = stream.text().get(..stream.complete())?;
        let sniffed = options.unwrap_or_else(|| sniff_csv(complete));
        if !holds_sniffed_records(complete, sniffed.delimiter) {
            return None;
        }
        stream.options = sniffed;
        (!stream.options.decimal_comma).then_some(stream)
    }

    /// The text not yet consumed that the buffer holds.
    fn text(&self) -> &[u8] {
        self.buf.get(self.start..).unwrap_or_default()
    }

    /// Moves on to the next chunk: the text not yet consumed, followed by the next chunk;
    /// `None` on a read error.
    fn fill(&mut self) -> Option<()> {
        let (next, last) = self.input.next_block()?;
        let rest = self.text();
        let (next, read) = if rest.len() <= HEAD_BYTES {
            // The usual case: the unfinished record goes in the room before the chunk.
            let mut next = next;
            let at = HEAD_BYTES - rest.len();
            next.get_mut(at..HEAD_BYTES)?.copy_from_slice(rest);
            self.start = at;
            (next, None)
        } else {
            let mut joined = Vec::with_capacity(rest.len() + next.len());
            joined.extend_from_slice(rest);
            joined.extend_from_slice(next.get(HEAD_BYTES..)?);
            self.start = 0;
            (joined, Some(next))
        };
        let done = std::mem::replace(&mut self.buf, next);
        // One block goes back for each one taken (but for the first, taken into an empty
        // buffer), so two are in use: the one just read when the record was joined to a copy
        // of it, else the one done with, unless that was a joined one (of any size, freed
        // here; the reader grows an empty block to a chunk's).
        let back = match read {
            Some(block) => Some(block),
            None if done.capacity() == 0 => None,
            None if done.capacity() > HEAD_BYTES + CHUNK_BYTES => Some(Vec::new()),
            None => Some(done),
        };
        if let Some(block) = back {
            self.input.give_back(block);
        }
        self.eof = last;
        Some(())
    }

    /// Where the buffer's complete records end: after its last line end, or its end at the
    /// end of the file.
    fn complete(&self) -> usize {
        if self.eof {
            self.text().len()
        } else {
            memchr::memrchr(b'\n', self.text()).map_or(0, |k| k + 1)
        }
    }

    fn reader<'b>(&'b self, end: usize) -> Reader<'b> {
        Reader {
            file: self.file_name,
            text: self.text().get(..end).unwrap_or_default(),
            delimiter: self.options.delimiter,
            decimal_comma: false,
            has_header: self.options.has_header,
        }
    }

    /// Reads the header, then every chunk; `None` as soon as the file is not plain.
    fn read(mut self, report: ProgressFn, cancelled: &AtomicBool) -> Option<Streamed> {
        let end = self.complete();
        if !plain(self.text().get(..end)?) {
            return None;
        }
        let (columns, last_header_empty, header_line, mut from) = {
            let reader = self.reader(end);
            let first = first_record(&reader, 0).ok()?;
            let (columns, last_empty, data_from) = header(&reader, first).ok()?;
            let from = if self.options.has_header {
                data_from
            } else {
                first
            };
            (columns, last_empty, line_at(self.text(), first), from)
        };
        let width = columns.len();
        let mut columns_read = Columns::new(width, self.estimated_rows(from, end));
        let mut reuse = Buffers::default();
        loop {
            let end = self.complete();
            let text = self.text().get(..end)?;
            if !plain(text) {
                return None;
            }
            if from < end {
                let base = self.consumed;
                // A gzipped file's progress is the compressed bytes read (the text's own
                // length is not known before its end).
                let progress = |bytes: u64| match &self.compressed {
                    Some(count) => report(count.load(Ordering::Relaxed)),
                    None => report(base + bytes),
                };
                let sink = Sink {
                    report: &progress,
                    shared: None,
                    cancelled,
                };
                let buffers = std::mem::take(&mut reuse);
                let rows = read_rows(&self.reader(end), from, width, &sink, buffers).ok()?;
                if !rows.unescaped.is_empty() {
                    return None;
                }
                reuse = columns_read.absorb(rows.starts, rows.columns)?;
            }
            if self.eof {
                break;
            }
            self.start += end;
            self.consumed += end as u64;
            from = 0;
            self.fill()?;
        }
        let table = Table::from_numbers(
            columns,
            self.options,
            columns_read.columns,
            last_header_empty,
            header_line,
        )?;
        Some(Streamed {
            table,
            gzip: self.compressed.is_some(),
        })
    }

    /// The rows of the file guessed from the first chunk's (10 % more, and capacity that is
    /// never written costs no memory).
    fn estimated_rows(&self, from: usize, end: usize) -> usize {
        let lines = memchr::memchr_iter(b'\n', self.text().get(from..end).unwrap_or_default())
            .count()
            .max(1);
        let per_line = (end.saturating_sub(from) / lines).max(1) as u64;
        // A gzipped text is guessed at four times its file (the vectors grow if it is more).
        let scale = if self.compressed.is_some() { 4 } else { 1 };
        let total = self
            .file_len
            .saturating_mul(scale)
            .saturating_sub(self.consumed + from as u64);
        usize::try_from(total / per_line + total / per_line / 10 + 1024).unwrap_or(1024)
    }
}

/// The input read in chunks of [`CHUNK_BYTES`] on a thread of its own, one chunk ahead of
/// the parser, into blocks that are handed back and forth (so reading from the page cache,
/// or decompressing, overlaps parsing the chunk before). Each block starts with
/// [`HEAD_BYTES`] of room, then the chunk.
struct Prefetch {
    /// The blocks read (or the read's error), in order.
    blocks: mpsc::Receiver<std::io::Result<Vec<u8>>>,
    /// Blocks handed back to be filled again.
    spare: mpsc::Sender<Vec<u8>>,
}

impl Prefetch {
    /// Starts reading `input`. The thread ends at the input's end or error, or when the
    /// stream is dropped.
    fn start(mut input: Box<dyn Read + Send>) -> Self {
        let (sender, blocks) = mpsc::sync_channel(0);
        let (spare, spares) = mpsc::channel::<Vec<u8>>();
        std::thread::spawn(move || {
            let mut block = Vec::with_capacity(HEAD_BYTES + CHUNK_BYTES);
            let mut first = true;
            loop {
                block.clear();
                block.resize(HEAD_BYTES, 0);
                let read = (&mut input)
                    .take(CHUNK_BYTES as u64)
                    .read_to_end(&mut block);
                let last = !matches!(read, Ok(n) if n == CHUNK_BYTES);
                if sender.send(read.map(|_| block)).is_err() || last {
                    return;
                }
                // A second block is read while the stream reads the first; after that, the
                // stream hands back the block it is done with for each one it takes.
                if first {
                    first = false;
                    block = Vec::with_capacity(HEAD_BYTES + CHUNK_BYTES);
                    continue;
                }
                match spares.recv() {
                    Ok(next) => block = next,
                    Err(_) => return,
                }
            }
        });
        Prefetch { blocks, spare }
    }

    /// The next block ([`HEAD_BYTES`] of room, then the chunk) and whether it was the last
    /// (its chunk shorter than [`CHUNK_BYTES`]); `None` on a read error.
    fn next_block(&self) -> Option<(Vec<u8>, bool)> {
        let block = self.blocks.recv().ok()?.ok()?;
        let last = block.len() < HEAD_BYTES + CHUNK_BYTES;
        Some((block, last))
    }

    /// Hands a block back to be filled again (dropped when the reader has ended).
    fn give_back(&self, block: Vec<u8>) {
        let _ = self.spare.send(block);
    }
}

/// A reader that counts the bytes read through it.
struct Counted<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Whether `text` holds no quote and no CR that is not part of a CRLF line end (its two
/// halves searched on two cores).
fn plain(text: &[u8]) -> bool {
    let half = text.len() / 2;
    let plain_in = |from: usize, to: usize| {
        let part = text.get(from..to).unwrap_or_default();
        memchr::memchr(b'"', part).is_none()
            && memchr::memchr_iter(b'\r', part).all(|k| text.get(from + k + 1) == Some(&b'\n'))
    };
    let (a, b) = rayon::join(|| plain_in(0, half), || plain_in(half, text.len()));
    a && b
}

/// The columns read so far, chunk after chunk.
struct Columns {
    columns: Vec<ColumnNumbers>,
}

impl Columns {
    fn new(width: usize, rows: usize) -> Self {
        let columns = (0..width)
            .map(|_| ColumnNumbers {
                values: Vec::with_capacity(rows),
                ..ColumnNumbers::default()
            })
            .collect();
        Columns { columns }
    }

    /// Appends one chunk's columns and hands their vectors back for the next chunk; `None`
    /// when a cell is neither a number nor missing (the text would be needed) or a
    /// decimal-comma form was seen.
    fn absorb(&mut self, starts: Vec<usize>, chunk: Vec<ColumnNumbers>) -> Option<Buffers> {
        if chunk
            .iter()
            .any(|part| part.bad > 0 || part.ambiguous > 0 || part.dot_groups > 0)
        {
            return None;
        }
        // One column per task: the first write to a new page of a column costs the system a
        // page of zeroes, which both cores then share.
        self.columns
            .par_iter_mut()
            .zip(chunk.par_iter())
            .for_each(|(total, part)| total.values.extend_from_slice(&part.values));
        let mut values = Vec::with_capacity(chunk.len());
        for (total, part) in self.columns.iter_mut().zip(chunk) {
            total.missing += part.missing;
            total.empty += part.empty;
            total.numbers += part.numbers;
            values.push(part.values);
        }
        Some(Buffers { starts, values })
    }
}
