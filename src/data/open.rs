//! What a path holds ([`detect`]), and the shortcuts of earlier versions that open a path
//! with the importers' defaults (both go through [`load`](super::load)(super::load)): a CSV/TSV file (raw
//! or gzipped), one file of an IDX pair (its partner is found), a folder holding the four
//! MNIST files, or a folder of class sub-folders of images.

use std::io::Read;
use std::path::Path;

use serde::Serialize;

use super::import::BadNumbers;
use super::source::{DataSource, FileImport, load_now};
use super::{DataError, Dataset};

/// What a path holds, judged by its content (magic bytes), not its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// Delimited text (CSV, TSV, …), raw or gzipped.
    Table,
    /// An IDX image or label file, raw or gzipped.
    Idx,
    /// A folder with train/t10k IDX files.
    MnistFolder,
    /// A folder of class sub-folders of images.
    ImageFolder,
}

/// The first `n` bytes of a file after gunzipping (fewer for a short file).
fn head(path: &Path, n: usize) -> Result<Vec<u8>, DataError> {
    let file_name = path.display().to_string();
    let mut file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => DataError::new(&file_name, "the file does not exist"),
        _ => DataError::new(&file_name, format!("cannot read the file: {e}")),
    })?;
    let mut start = vec![0u8; 2];
    let got = file.read(&mut start).unwrap_or(0);
    start.truncate(got);
    let file = std::fs::File::open(path)
        .map_err(|e| DataError::new(&file_name, format!("cannot read the file: {e}")))?;
    let mut out = Vec::new();
    let read = if start == [0x1F, 0x8B] {
        flate2::read::MultiGzDecoder::new(file)
            .take(n as u64)
            .read_to_end(&mut out)
    } else {
        file.take(n as u64).read_to_end(&mut out)
    };
    read.map_err(|e| DataError::new(&file_name, format!("cannot read the file: {e}")))?;
    Ok(out)
}

/// Tells what `path` holds.
///
/// # Errors
/// A missing path, an unreadable file, or a folder that holds neither MNIST files nor class
/// sub-folders.
pub fn detect(path: &Path) -> Result<SourceKind, DataError> {
    let name = path.display().to_string();
    if path.is_dir() {
        let has =
            |base: &str| path.join(base).is_file() || path.join(format!("{base}.gz")).is_file();
        if has("train-images-idx3-ubyte") || has("t10k-images-idx3-ubyte") {
            return Ok(SourceKind::MnistFolder);
        }
        return Ok(SourceKind::ImageFolder);
    }
    if !path.exists() {
        return Err(DataError::new(name, "the file does not exist"));
    }
    if !path.is_file() {
        return Err(DataError::new(name, "not a regular file"));
    }
    let start = head(path, 4)?;
    let idx = matches!(start.as_slice(), [0, 0, 8, 1] | [0, 0, 8, 3]);
    Ok(if idx || named_like_idx(path) {
        SourceKind::Idx
    } else {
        SourceKind::Table
    })
}

/// True for names like `train-images-idx3-ubyte`, `x.idx` or `t10k-labels-idx1-ubyte.gz`, so
/// that such a file with a wrong magic number is reported as a bad IDX file, not as bad text.
fn named_like_idx(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    name.ends_with("-ubyte")
        || name.ends_with(".idx")
        || name.contains("-idx1-")
        || name.contains("-idx3-")
}

/// One IDX file and its partner as a data set: the whole MNIST folder when the four standard
/// files are there, else the pair split by `train_ratio` (file order). Named after the file
/// (or the folder). A thin wrapper over [`load`](super::load) with [`FileImport::Idx`].
///
/// # Errors
/// No partner next to the file, and the IDX loader's errors.
pub fn open_idx_file(path: &Path, train_ratio: f32) -> Result<Dataset, DataError> {
    let source = DataSource {
        path: path.to_path_buf(),
        import: FileImport::Idx { train_ratio },
    };
    load_now(&source).map(|loaded| loaded.dataset)
}

/// Opens `path` with the importers' defaults: CSV label = `label` (header name or 0-based index)
/// or the last column; images resized to their most common size. A thin wrapper over [`load`](super::load)
/// with [`FileImport::Auto`].
///
/// # Errors
/// Every error names the file, and for text its line and column.
pub fn open_path(
    path: &Path,
    label: Option<&str>,
    train_ratio: f32,
    seed: u64,
) -> Result<Dataset, DataError> {
    let source = DataSource {
        path: path.to_path_buf(),
        import: FileImport::Auto {
            label: label.map(str::to_string),
            train_ratio,
            seed,
            bad_numbers: BadNumbers::Refuse,
        },
    };
    load_now(&source).map(|loaded| loaded.dataset)
}
