//! Images and labels in the IDX format (MNIST, EMNIST, Fashion-MNIST, Kuzushiji, …), raw or
//! gzipped.
//!
//! Format reference: Y. LeCun, C. Cortes and C. J. C. Burges, *THE MNIST DATABASE of
//! handwritten digits*, section "FILE FORMATS FOR THE MNIST DATABASE" (the IDX file format),
//! <http://yann.lecun.com/exdb/mnist/>. Every header integer is a 32-bit big-endian
//! (most significant byte first) unsigned number:
//!
//! | file   | bytes 0–3 (magic)        | 4–7     | 8–11 | 12–15 | then                     |
//! |--------|--------------------------|---------|------|-------|--------------------------|
//! | images | `0x00000803` (2051)      | count n | rows | cols  | n·rows·cols pixel bytes  |
//! | labels | `0x00000801` (2049)      | count n |      |       | n label bytes            |
//!
//! The magic is two zero bytes, the element type (`0x08` = unsigned byte) and the number of
//! dimensions (3 for images, 1 for labels). Pixels are stored row by row; 0 is background and
//! 255 full ink. A label is any byte: MNIST uses 0–9, EMNIST letters 1–26, EMNIST balanced
//! 0–46, Kuzushiji-49 0–48. The classes of a data set are the distinct labels of its
//! training and test files, in numeric order, named by their numbers. Gzip compression is recognised by the gzip magic bytes `1F 8B` (RFC 1952),
//! never by the file name.
//!
//! A header is never trusted for an allocation: raw input is checked against its actual length
//! before anything is copied, and gzipped input is decompressed through
//! [`Read::take`]`(expected + 1)` into a growing buffer, so a header claiming billions of
//! images is refused after reading what the file really holds.

use std::borrow::Cow;
use std::io::Read;
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

use super::{DataError, Dataset, Features, Labels, Split, Task};

/// Magic number of an IDX image file: unsigned bytes, 3 dimensions (2051).
pub const IDX_IMAGES_MAGIC: u32 = 0x0000_0803;
/// Magic number of an IDX label file: unsigned bytes, 1 dimension (2049).
pub const IDX_LABELS_MAGIC: u32 = 0x0000_0801;

/// Header length of an image file: magic, count, rows, cols.
const IMAGES_HEADER: usize = 16;
/// Header length of a label file: magic, count.
const LABELS_HEADER: usize = 8;
/// First two bytes of every gzip member (RFC 1952, ID1 ID2).
const GZIP_MAGIC: [u8; 2] = [0x1F, 0x8B];

/// The bundled MNIST test images (10 000 digits of 28×28), gzipped IDX.
const BUNDLED_IMAGES: &[u8] = include_bytes!("../../assets/mnist/t10k-images-idx3-ubyte.gz");
/// The bundled MNIST test labels (10 000 digits), gzipped IDX.
const BUNDLED_LABELS: &[u8] = include_bytes!("../../assets/mnist/t10k-labels-idx1-ubyte.gz");
/// Digits in the bundled files.
const BUNDLED_COUNT: usize = 10_000;
/// Bundled digits used for training; the rest are the test split.
const BUNDLED_TRAIN: usize = 8_000;

/// The images of one IDX image file (magic `0x00000803`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdxImages {
    /// Number of images.
    pub count: usize,
    /// Pixel rows per image (28 for MNIST).
    pub rows: usize,
    /// Pixel columns per image (28 for MNIST).
    pub cols: usize,
    /// `count·rows·cols` bytes: image `i` is `pixels[i·rows·cols..(i + 1)·rows·cols]`, row-major
    /// (index `y·cols + x`); 0 is background, 255 full ink.
    pub pixels: Vec<u8>,
}

/// Which of the two IDX file kinds is expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Images,
    Labels,
}

impl Kind {
    fn magic(self) -> u32 {
        match self {
            Kind::Images => IDX_IMAGES_MAGIC,
            Kind::Labels => IDX_LABELS_MAGIC,
        }
    }

    fn header_len(self) -> usize {
        match self {
            Kind::Images => IMAGES_HEADER,
            Kind::Labels => LABELS_HEADER,
        }
    }

    /// "image" or "label", as in "an IDX image file".
    fn noun(self) -> &'static str {
        match self {
            Kind::Images => "image",
            Kind::Labels => "label",
        }
    }

    fn other(self) -> Kind {
        match self {
            Kind::Images => Kind::Labels,
            Kind::Labels => Kind::Images,
        }
    }
}

/// Where the body (the bytes after the header) of a checked file is.
enum Body {
    /// Raw input: the body starts at this offset of the input and has the expected length.
    Raw(usize),
    /// Gzipped input: the decompressed body, of the expected length.
    Decompressed(Vec<u8>),
}

/// A checked file: the header numbers after the magic (count, then rows and cols for images)
/// and the body, whose length equals what the header implies.
struct Checked {
    dims: Vec<usize>,
    body: Body,
}

/// The big-endian `u32` at `offset` of `header`, if the header is long enough.
fn be_u32(header: &[u8], offset: usize) -> Option<u32> {
    let bytes: [u8; 4] = header
        .get(offset..offset.checked_add(4)?)?
        .try_into()
        .ok()?;
    Some(u32::from_be_bytes(bytes))
}

/// The header of an IDX file of `kind`: its dimensions, the body length they imply and how
/// that claim reads in messages.
struct Header {
    dims: Vec<u32>,
    expected: u64,
    claim: String,
}

/// "the file" or "the decompressed file", for messages about lengths.
fn what(gzipped: bool) -> &'static str {
    if gzipped {
        "the decompressed file"
    } else {
        "the file"
    }
}

/// Checks the magic and the dimensions of `header` (the first bytes of the file, after
/// decompression).
fn parse_header(
    file_name: &str,
    header: &[u8],
    kind: Kind,
    gzipped: bool,
) -> Result<Header, DataError> {
    let fail = |message: String| Err(DataError::new(file_name, message));
    let what = what(gzipped);
    let header_len = kind.header_len();
    if header.is_empty() {
        return fail(format!("{what} is empty"));
    }
    let too_short = || {
        fail(format!(
            "{what} is {} bytes, shorter than the {header_len}-byte header of an IDX {} file",
            header.len(),
            kind.noun()
        ))
    };
    let Some(magic) = be_u32(header, 0) else {
        return too_short();
    };
    if magic == kind.other().magic() {
        return fail(format!(
            "this is an IDX {} file (magic 0x{magic:08X}), expected an IDX {} file (magic 0x{:08X})",
            kind.other().noun(),
            kind.noun(),
            kind.magic()
        ));
    }
    if magic != kind.magic() {
        return fail(format!(
            "not an IDX file: magic 0x{magic:08X} (expected 0x{IDX_LABELS_MAGIC:08X} or 0x{IDX_IMAGES_MAGIC:08X})"
        ));
    }
    if header.len() < header_len {
        return too_short();
    }
    let dims: Vec<u32> = (4..header_len)
        .step_by(4)
        .filter_map(|offset| be_u32(header, offset))
        .collect();
    let (expected, claim) = match dims.as_slice() {
        [n, rows, cols] => {
            if *n > 0 && (*rows == 0 || *cols == 0) {
                return fail(format!(
                    "the header says {n} images of {rows}×{cols}; an image needs at least one pixel"
                ));
            }
            let expected = u64::from(*n)
                .checked_mul(u64::from(*rows))
                .and_then(|x| x.checked_mul(u64::from(*cols)));
            let Some(expected) = expected else {
                return fail(format!(
                    "the header says {n} images of {rows}×{cols}, more than 2^64 bytes"
                ));
            };
            (
                expected,
                format!("{n} images of {rows}×{cols} ({expected} bytes)"),
            )
        }
        [n] => (u64::from(*n), format!("{n} labels ({n} bytes)")),
        _ => return too_short(),
    };
    Ok(Header {
        dims,
        expected,
        claim,
    })
}

/// Reads and checks the header and the body length of an IDX file of `kind` held in `bytes`
/// (raw or gzipped). Never allocates more than the input really holds (plus one byte).
fn check(file_name: &str, bytes: &[u8], kind: Kind) -> Result<Checked, DataError> {
    if bytes.is_empty() {
        return Err(DataError::new(file_name, "the file is empty"));
    }
    let gzipped = bytes.starts_with(&GZIP_MAGIC);
    let mut decoder = gzipped.then(|| MultiGzDecoder::new(bytes));
    let gzip_error = |e: std::io::Error| {
        DataError::new(file_name, format!("cannot decompress the gzip data: {e}"))
    };
    let header_len = kind.header_len();
    let header: Cow<'_, [u8]> = match decoder.as_mut() {
        Some(decoder) => {
            let mut header = Vec::with_capacity(header_len);
            decoder
                .by_ref()
                .take(header_len as u64)
                .read_to_end(&mut header)
                .map_err(gzip_error)?;
            Cow::Owned(header)
        }
        None => Cow::Borrowed(bytes.get(..header_len).unwrap_or(bytes)),
    };
    let Header {
        dims,
        expected,
        claim,
    } = parse_header(file_name, &header, kind, gzipped)?;
    let mismatch = |found: String| {
        Err(DataError::new(
            file_name,
            format!(
                "the header says {claim} but {} holds {found} after the {header_len}-byte header",
                what(gzipped)
            ),
        ))
    };
    let body = match decoder {
        Some(mut decoder) => {
            // Grows with what the stream really yields; never sized from the header.
            let mut body = Vec::new();
            decoder
                .by_ref()
                .take(expected.saturating_add(1))
                .read_to_end(&mut body)
                .map_err(gzip_error)?;
            let found = body.len() as u64;
            if found > expected {
                return mismatch(format!("more than {expected}"));
            }
            if found < expected {
                return mismatch(found.to_string());
            }
            Body::Decompressed(body)
        }
        None => {
            let found = bytes.len().saturating_sub(header_len) as u64;
            if found != expected {
                return mismatch(found.to_string());
            }
            Body::Raw(header_len)
        }
    };
    let dims = dims
        .iter()
        .map(|&d| usize::try_from(d))
        .collect::<Result<Vec<usize>, _>>()
        .map_err(|_| DataError::new(file_name, "the header numbers do not fit in memory"))?;
    Ok(Checked { dims, body })
}

/// The body of a checked file as an owned vector, copying from `bytes` for raw input.
fn body_of(checked: Body, bytes: &[u8]) -> Vec<u8> {
    match checked {
        Body::Raw(offset) => bytes.get(offset..).unwrap_or_default().to_vec(),
        Body::Decompressed(body) => body,
    }
}

/// The body of a checked file, reusing the buffer `bytes` for raw input (no second copy).
fn body_of_owned(checked: Body, mut bytes: Vec<u8>) -> Vec<u8> {
    match checked {
        Body::Raw(offset) => {
            bytes.drain(..offset.min(bytes.len()));
            bytes
        }
        Body::Decompressed(body) => body,
    }
}

/// `IdxImages` from the header numbers `[count, rows, cols]` of a checked image file.
fn images_from(file_name: &str, dims: &[usize], pixels: Vec<u8>) -> Result<IdxImages, DataError> {
    match *dims {
        [count, rows, cols] => Ok(IdxImages {
            count,
            rows,
            cols,
            pixels,
        }),
        _ => Err(DataError::new(file_name, "the image header is incomplete")),
    }
}

/// Parses an IDX image file (magic `0x00000803`) held in memory, raw or gzipped (detected by
/// the bytes `1F 8B`). `file_name` is used in errors only.
///
/// Errors (`"{file_name}: {message}"`):
/// - `the file is empty` (or `the decompressed file is empty`)
/// - `cannot decompress the gzip data: {reason}`
/// - `not an IDX file: magic 0x12345678 (expected 0x00000801 or 0x00000803)`
/// - `this is an IDX label file (magic 0x00000801), expected an IDX image file (magic 0x00000803)`
/// - `the file is 10 bytes, shorter than the 16-byte header of an IDX image file`
/// - `the header says 10 images of 28×28 (7840 bytes) but the file holds 7000 after the
///   16-byte header` (`the decompressed file holds …`, and `more than 7840` for gzip input
///   that goes on past the expected length)
/// - `the header says 5 images of 0×28; an image needs at least one pixel`
pub fn parse_idx_images(file_name: &str, bytes: &[u8]) -> Result<IdxImages, DataError> {
    let checked = check(file_name, bytes, Kind::Images)?;
    images_from(file_name, &checked.dims, body_of(checked.body, bytes))
}

/// Parses an IDX label file (magic `0x00000801`) held in memory, raw or gzipped, into one
/// label byte per sample (any value). `file_name` is used in errors only.
///
/// Errors: as [`parse_idx_images`] (with `label` for `image`, an 8-byte header and
/// `the header says 10 labels (10 bytes) but the file holds 7 after the 8-byte header`).
pub fn parse_idx_labels(file_name: &str, bytes: &[u8]) -> Result<Vec<u8>, DataError> {
    let checked = check(file_name, bytes, Kind::Labels)?;
    Ok(body_of(checked.body, bytes))
}

/// The bytes of the file at `path`; errors `"{path}: the file does not exist"` and
/// `"{path}: cannot read the file: {reason}"`.
fn read_file(path: &Path) -> Result<(String, Vec<u8>), DataError> {
    let file = path.display().to_string();
    if path.exists() && !path.is_file() {
        return Err(DataError::new(file, "not a regular file"));
    }
    match std::fs::read(path) {
        Ok(bytes) => Ok((file, bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(DataError::new(file, "the file does not exist"))
        }
        Err(e) => Err(DataError::new(file, format!("cannot read the file: {e}"))),
    }
}

/// Reads an IDX image file, raw or gzipped; errors name the path (see [`parse_idx_images`];
/// also `the file does not exist` and `cannot read the file: {reason}`).
pub fn read_idx_images(path: &Path) -> Result<IdxImages, DataError> {
    let (file, bytes) = read_file(path)?;
    let checked = check(&file, &bytes, Kind::Images)?;
    images_from(&file, &checked.dims, body_of_owned(checked.body, bytes))
}

/// Reads an IDX label file, raw or gzipped; errors name the path (see [`parse_idx_labels`];
/// also `the file does not exist` and `cannot read the file: {reason}`).
pub fn read_idx_labels(path: &Path) -> Result<Vec<u8>, DataError> {
    let (file, bytes) = read_file(path)?;
    let checked = check(&file, &bytes, Kind::Labels)?;
    Ok(body_of_owned(checked.body, bytes))
}

/// One IDX file of either kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdxFile {
    /// An image file (magic `0x00000803`).
    Images(IdxImages),
    /// A label file (magic `0x00000801`): one label byte per sample.
    Labels(Vec<u8>),
}

/// The magic number of IDX data held in `bytes` (raw or gzipped), if 4 bytes can be had.
fn peek_magic(bytes: &[u8]) -> Option<u32> {
    if bytes.starts_with(&GZIP_MAGIC) {
        let mut head = Vec::with_capacity(4);
        MultiGzDecoder::new(bytes)
            .take(4)
            .read_to_end(&mut head)
            .ok()?;
        be_u32(&head, 0)
    } else {
        be_u32(bytes, 0)
    }
}

/// Reads an IDX file of either kind, raw or gzipped, judged by its magic number; the file is
/// read once. Errors as [`read_idx_images`] and [`read_idx_labels`] (a file with another
/// magic gets the label reader's `not an IDX file: magic 0x… (expected …)`).
pub fn read_idx_file(path: &Path) -> Result<IdxFile, DataError> {
    let (file, bytes) = read_file(path)?;
    if peek_magic(&bytes) == Some(IDX_IMAGES_MAGIC) {
        let checked = check(&file, &bytes, Kind::Images)?;
        let images = images_from(&file, &checked.dims, body_of_owned(checked.body, bytes))?;
        return Ok(IdxFile::Images(images));
    }
    let checked = check(&file, &bytes, Kind::Labels)?;
    Ok(IdxFile::Labels(body_of_owned(checked.body, bytes)))
}

/// IDX images with their labels (sample `i` of one is sample `i` of the other) and the file
/// names used in errors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdxPair {
    /// Name of the image file, for errors.
    pub images_file: String,
    /// The images.
    pub images: IdxImages,
    /// Name of the label file, for errors.
    pub labels_file: String,
    /// One label byte per image (any value; see the module docs).
    pub labels: Vec<u8>,
}

impl IdxPair {
    /// A checked pair. Errors: `"{labels_file}: 9 labels but {images_file} holds 10 images"`
    /// and `"{images_file}: 7000 pixel bytes for 10 images of 28×28 (7840 bytes)"`.
    pub fn new(
        images_file: &str,
        images: IdxImages,
        labels_file: &str,
        labels: Vec<u8>,
    ) -> Result<IdxPair, DataError> {
        let pair = IdxPair {
            images_file: images_file.to_string(),
            images,
            labels_file: labels_file.to_string(),
            labels,
        };
        pair.check()?;
        Ok(pair)
    }

    /// Parses an image file and a label file held in memory (raw or gzipped, see
    /// [`parse_idx_images`], [`parse_idx_labels`]) and checks that they match ([`IdxPair::new`]).
    pub fn parse(
        images_file: &str,
        images: &[u8],
        labels_file: &str,
        labels: &[u8],
    ) -> Result<IdxPair, DataError> {
        let images = parse_idx_images(images_file, images)?;
        let labels = parse_idx_labels(labels_file, labels)?;
        IdxPair::new(images_file, images, labels_file, labels)
    }

    /// Reads an image file and a label file (raw or gzipped, see [`read_idx_images`],
    /// [`read_idx_labels`]) and checks that they match ([`IdxPair::new`]).
    pub fn read(images: &Path, labels: &Path) -> Result<IdxPair, DataError> {
        let images_file = images.display().to_string();
        let labels_file = labels.display().to_string();
        let images = read_idx_images(images)?;
        let labels = read_idx_labels(labels)?;
        IdxPair::new(&images_file, images, &labels_file, labels)
    }

    /// Pixels per image, `rows·cols`, or an error if that overflows.
    fn pixels_per_image(&self) -> Result<usize, DataError> {
        let IdxImages { rows, cols, .. } = self.images;
        rows.checked_mul(cols).ok_or_else(|| {
            DataError::new(
                &self.images_file,
                format!("images of {rows}×{cols} are too large"),
            )
        })
    }

    /// Consistency of the (public) fields: pixel count and label count.
    fn check(&self) -> Result<(), DataError> {
        let IdxImages {
            count, rows, cols, ..
        } = self.images;
        let expected = self
            .pixels_per_image()?
            .checked_mul(count)
            .filter(|&e| e == self.images.pixels.len());
        if expected.is_none() {
            let found = self.images.pixels.len();
            let bytes = (rows as u128)
                .checked_mul(cols as u128)
                .and_then(|b| b.checked_mul(count as u128))
                .map_or_else(|| "more than 2^128".to_string(), |b| b.to_string());
            return Err(DataError::new(
                &self.images_file,
                format!("{found} pixel bytes for {count} images of {rows}×{cols} ({bytes} bytes)"),
            ));
        }
        if self.labels.len() != count {
            return Err(DataError::new(
                &self.labels_file,
                format!(
                    "{} labels but {} holds {count} images",
                    self.labels.len(),
                    self.images_file
                ),
            ));
        }
        Ok(())
    }

    /// Splits a checked pair into samples `..at` and `at..`; `at` must not exceed the count.
    pub(crate) fn split_at(mut self, at: usize) -> Result<(IdxPair, IdxPair), DataError> {
        self.check()?;
        let pixels_at = self.pixels_per_image()?.checked_mul(at);
        let pixels_at =
            pixels_at.filter(|&p| at <= self.images.count && p <= self.images.pixels.len());
        let Some(pixels_at) = pixels_at else {
            return Err(DataError::new(
                &self.images_file,
                format!("cannot split {} images at {at}", self.images.count),
            ));
        };
        let tail = IdxPair {
            images_file: self.images_file.clone(),
            images: IdxImages {
                count: self.images.count - at,
                rows: self.images.rows,
                cols: self.images.cols,
                pixels: self.images.pixels.split_off(pixels_at),
            },
            labels_file: self.labels_file.clone(),
            labels: self.labels.split_off(at),
        };
        self.images.count = at;
        Ok((self, tail))
    }

    /// The samples as a split with `u8` features and class labels: label byte `b` is class
    /// `class_of[b]`.
    fn into_split(self, class_of: &[usize; 256]) -> Split {
        Split {
            n_features: self.images.rows.saturating_mul(self.images.cols),
            features: Features::U8(self.images.pixels),
            labels: Labels::Classes(
                self.labels
                    .iter()
                    .map(|&b| class_of[usize::from(b)])
                    .collect(),
            ),
        }
    }
}

/// A classification data set of images from a training pair and a test pair: the classes are
/// the distinct label bytes of both pairs in numeric order, named by their numbers ("0"…"9"
/// for MNIST, "1"…"26" for EMNIST letters), `image_shape = Some([1, rows, cols])`, features kept as bytes
/// ([`Features::U8`], value `byte / 255` when batched), feature names `"pixel {y},{x}"`,
/// not standardised. The samples keep their file order (no shuffling).
///
/// Errors: those of [`IdxPair::new`] for either pair,
/// `"{images_file}: no images"` for an empty training pair, and
/// `"{test images_file}: images of 20×20, but the training images ({train images_file}) are 28×28"`.
pub fn idx_dataset(name: &str, train: IdxPair, test: IdxPair) -> Result<Dataset, DataError> {
    train.check()?;
    test.check()?;
    if train.images.count == 0 {
        return Err(DataError::new(&train.images_file, "no images"));
    }
    let (rows, cols) = (train.images.rows, train.images.cols);
    if (test.images.rows, test.images.cols) != (rows, cols) {
        return Err(DataError::new(
            &test.images_file,
            format!(
                "images of {}×{}, but the training images ({}) are {rows}×{cols}",
                test.images.rows, test.images.cols, train.images_file
            ),
        ));
    }
    let feature_names = (0..rows)
        .flat_map(|y| (0..cols).map(move |x| format!("pixel {y},{x}")))
        .collect();
    let mut seen = [false; 256];
    for &b in train.labels.iter().chain(&test.labels) {
        seen[usize::from(b)] = true;
    }
    let mut class_of = [0usize; 256];
    let mut class_names = Vec::new();
    for (byte, _) in seen.iter().enumerate().filter(|(_, s)| **s) {
        class_of[byte] = class_names.len();
        class_names.push(byte.to_string());
    }
    Ok(Dataset {
        name: name.to_string(),
        feature_names,
        task: Task::Classification { class_names },
        train: train.into_split(&class_of),
        test: test.into_split(&class_of),
        standardizer: None,
        image_shape: Some([1, rows, cols]),
        source_rows: None,
        fill_values: None,
    })
}

/// The bundled MNIST files as `(file name, gzipped IDX bytes)`: images, then labels (the
/// files [`mnist_bundled`] reads; the first 8 000 digits train, the rest test).
pub fn bundled_mnist_files() -> [(&'static str, &'static [u8]); 2] {
    [
        ("t10k-images-idx3-ubyte.gz", BUNDLED_IMAGES),
        ("t10k-labels-idx1-ubyte.gz", BUNDLED_LABELS),
    ]
}

/// The MNIST test set bundled into the binary (`assets/mnist/t10k-images-idx3-ubyte.gz` and
/// `t10k-labels-idx1-ubyte.gz`, 10 000 digits of 28×28 from LeCun et al., THE MNIST
/// DATABASE): the first 8 000 digits are the training split, the last 2 000 the test split,
/// in file order. See [`idx_dataset`] for the layout.
///
/// Errors only if the bundled files are damaged (messages as [`IdxPair::parse`]).
pub fn mnist_bundled() -> Result<Dataset, DataError> {
    let images_file = "t10k-images-idx3-ubyte.gz";
    let pair = IdxPair::parse(
        images_file,
        BUNDLED_IMAGES,
        "t10k-labels-idx1-ubyte.gz",
        BUNDLED_LABELS,
    )?;
    if pair.images.count != BUNDLED_COUNT {
        return Err(DataError::new(
            images_file,
            format!(
                "expected the {BUNDLED_COUNT} MNIST test digits, found {}",
                pair.images.count
            ),
        ));
    }
    let (train, test) = pair.split_at(BUNDLED_TRAIN)?;
    idx_dataset("MNIST (bundled test set)", train, test)
}

/// `dir/base` if it is a file, else `dir/base.gz`; errors
/// `"{dir}: neither {base} nor {base}.gz is in this folder"`.
fn find_in(dir: &Path, base: &str) -> Result<PathBuf, DataError> {
    let raw = dir.join(base);
    let gz = dir.join(format!("{base}.gz"));
    [raw, gz].into_iter().find(|p| p.is_file()).ok_or_else(|| {
        DataError::new(
            dir.display().to_string(),
            format!("neither {base} nor {base}.gz is in this folder"),
        )
    })
}

/// Full MNIST (or a set in its layout) from a folder holding the four standard files, each raw or gzipped
/// (`train-images-idx3-ubyte[.gz]`, `train-labels-idx1-ubyte[.gz]`,
/// `t10k-images-idx3-ubyte[.gz]`, `t10k-labels-idx1-ubyte[.gz]`; the raw file is used when
/// both exist): 60 000 training and 10 000 test digits of 28×28, in file order, pixels kept
/// as bytes (about 55 MB), named after the folder. See [`idx_dataset`] for the layout.
///
/// Errors: a missing file (`"{dir}: neither train-images-idx3-ubyte nor
/// train-images-idx3-ubyte.gz is in this folder"`) and the errors of [`IdxPair::read`] and
/// [`idx_dataset`], naming the file.
pub fn load_mnist_dir(dir: &Path) -> Result<Dataset, DataError> {
    let train = IdxPair::read(
        &find_in(dir, "train-images-idx3-ubyte")?,
        &find_in(dir, "train-labels-idx1-ubyte")?,
    )?;
    let test = IdxPair::read(
        &find_in(dir, "t10k-images-idx3-ubyte")?,
        &find_in(dir, "t10k-labels-idx1-ubyte")?,
    )?;
    let name = dir.file_name().map_or_else(
        || dir.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    idx_dataset(&name, train, test)
}

/// The four standard files of `dir` (training images and labels, test images and labels),
/// each raw or gzipped, if they are all there.
pub(crate) fn mnist_files(dir: &Path) -> Option<[PathBuf; 4]> {
    Some([
        find_in(dir, "train-images-idx3-ubyte").ok()?,
        find_in(dir, "train-labels-idx1-ubyte").ok()?,
        find_in(dir, "t10k-images-idx3-ubyte").ok()?,
        find_in(dir, "t10k-labels-idx1-ubyte").ok()?,
    ])
}

/// The partner of an IDX file (images ↔ labels), if it exists as a file: `images` ↔ `labels`
/// and `idx3` ↔ `idx1` swapped in the file name, e.g. `t10k-images-idx3-ubyte.gz` →
/// `t10k-labels-idx1-ubyte.gz`. A name with the same compression suffix is preferred, then
/// the other (`.gz` added or removed). `None` if the name contains neither "images" nor
/// "labels", or no partner file exists.
pub fn idx_partner(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let (stem, gzipped) = match name.strip_suffix(".gz") {
        Some(stem) => (stem, true),
        None => (name, false),
    };
    let partner = if stem.contains("images") {
        stem.replace("images", "labels").replace("idx3", "idx1")
    } else if stem.contains("labels") {
        stem.replace("labels", "images").replace("idx1", "idx3")
    } else {
        return None;
    };
    let gz = format!("{partner}.gz");
    let names = if gzipped {
        [gz, partner]
    } else {
        [partner, gz]
    };
    names
        .into_iter()
        .map(|n| path.with_file_name(n))
        .find(|p| p.is_file())
}
