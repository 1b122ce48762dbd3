//! Opening whatever the user points at, with the importers' defaults: a CSV/TSV file (raw or
//! gzipped), one file of an IDX pair (its partner is found), a folder holding the four MNIST
//! files, or a folder of class sub-folders of images.

use std::io::Read;
use std::path::Path;

use super::idx::{IdxPair, idx_dataset, idx_partner, load_mnist_dir, parse_idx_labels};
use super::images::load_image_folder;
use super::import::{
    ImportSettings, build_dataset, decode_input, find_column, read_table, sniff_csv, unknown_column,
};
use super::{DataError, Dataset};

/// What a path holds, judged by its content (magic bytes), not its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
/// files are there, else the pair split by `train_ratio` (file order).
///
/// # Errors
/// No partner next to the file, and the IDX loader's errors.
pub fn open_idx_file(path: &Path, train_ratio: f32) -> Result<Dataset, DataError> {
    let name = path.display().to_string();
    // The file's own header first, so a wrong magic number is named as such.
    let start = head(path, 16)?;
    if !matches!(start.get(..4), Some([0, 0, 8, 1] | [0, 0, 8, 3])) {
        parse_idx_labels(&name, &start)?;
    }
    let partner = idx_partner(path).ok_or_else(|| {
        DataError::new(
            &name,
            "its partner file (images ↔ labels) is not next to it",
        )
    })?;
    if let Some(folder) = path.parent()
        && detect(folder) == Ok(SourceKind::MnistFolder)
        && let Ok(data) = load_mnist_dir(folder)
    {
        return Ok(data);
    }
    let images_first = head(path, 4)? == [0, 0, 8, 3];
    let (images, labels) = if images_first {
        (path, partner.as_path())
    } else {
        (partner.as_path(), path)
    };
    let pair = IdxPair::read(images, labels)?;
    let count = pair.images.count;
    let at =
        ((count as f32 * train_ratio.clamp(0.01, 1.0)).round() as usize).clamp(1, count.max(1));
    let (train, test) = pair.split_at(at)?;
    let title = path
        .file_name()
        .map_or_else(|| name.clone(), |n| n.to_string_lossy().into_owned());
    idx_dataset(&title, train, test)
}

/// Opens `path` with the importers' defaults: CSV label = `label` (header name or 0-based index)
/// or the last column; images resized to their most common size.
///
/// # Errors
/// Every error names the file, and for text its line and column.
pub fn open_path(
    path: &Path,
    label: Option<&str>,
    train_ratio: f32,
    seed: u64,
) -> Result<Dataset, DataError> {
    match detect(path)? {
        SourceKind::MnistFolder => load_mnist_dir(path),
        SourceKind::ImageFolder => load_image_folder(path, None, train_ratio, seed, &|_, _| true),
        SourceKind::Idx => open_idx_file(path, train_ratio),
        SourceKind::Table => {
            let name = path.display().to_string();
            let raw = std::fs::read(path)
                .map_err(|e| DataError::new(&name, format!("cannot read the file: {e}")))?;
            let text = decode_input(&name, &raw)?;
            let options = sniff_csv(&text);
            let table = read_table(&name, &text, &options)?;
            let mut settings = ImportSettings::guess(&table, options);
            if let Some(label) = label {
                let column = find_column(&table.columns, label)
                    .ok_or_else(|| unknown_column(&name, &text, &table.columns, label))?;
                settings = settings.with_label(&table, column);
            }
            settings.train_ratio = train_ratio;
            settings.seed = seed;
            let title = path
                .file_name()
                .map_or_else(|| name.clone(), |n| n.to_string_lossy().into_owned());
            build_dataset(&title, &name, &table, &settings)
        }
    }
}
