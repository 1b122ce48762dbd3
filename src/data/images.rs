//! Image folders: one sub-folder of images per class.
//!
//! ```text
//! root/
//!   cat/ a.png b.jpg …
//!   dog/ c.png …
//! ```
//!
//! The class of an image is the name of its folder; classes are the sub-folder names in sorted
//! (byte-wise) order. Files with the extensions png, jpg, jpeg, bmp and gif (any case) are
//! images; the image format itself is recognised from the file's first bytes (so a JPEG named
//! `.png` still loads), falling back to the extension. Everything else is left out and listed
//! in [`FolderSummary::skipped`]: hidden entries (name starting with '.', e.g. `.DS_Store`,
//! `.ipynb_checkpoints`), files that are not images, files directly in the root and folders
//! inside a class folder (sub-folders are not searched).
//!
//! An image file that cannot be read or decoded (a broken header, or pixel data cut short)
//! is left out of the data set and listed with its reason in [`FolderSummary::unreadable`]
//! (header problems, found by the scan) and [`FolderReport::unreadable`] (every problem,
//! found by the load), so `gradscope inspect`, `train` and the window agree on what a
//! folder holds. A class folder none of whose images can be decoded is an error.
//!
//! Pixels are kept as bytes ([`Features::U8`], value `byte / 255` when batched), channel-major
//! per sample: index `(c·height + y)·width + x`. A data set has 1 channel when every image is
//! grey (with or without alpha, 8 or 16 bits), else 3 (RGB; alpha is dropped, grey images are
//! repeated in all three channels). The colour type is the one the decoder reports: GIF and
//! most BMP files decode as RGB(A) even when their colours are grey. 16-bit samples are scaled to 8 bits by the `image` crate
//! (`round(v · 255 / 65535)`, so 65535 → 255). Images whose size differs from the target size are
//! resized with [`image::imageops::resize`] and the triangle (bilinear) filter.
//!
//! Loading reads every file twice: first its header (size and colour type, cheap), which fixes
//! the channel count and the target size, then its pixels, one image at a time, straight into
//! the final byte buffer.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use image::imageops::{self, FilterType};
use image::{ColorType, DynamicImage, ImageDecoder, ImageError, ImageReader};
use serde::Serialize;

use super::dataset::{SourceRows, split_indices};
use super::{DataError, Dataset, Features, Labels, Split, Task};

/// File extensions (lower case) that are read as images.
pub const IMAGE_EXTENSIONS: [&str; 5] = ["png", "jpg", "jpeg", "bmp", "gif"];

/// Samples whose index can be carried exactly by an `f32` (2^24) — the split is computed by
/// [`Dataset::from_rows`] on a one-feature table of sample indices.
const MAX_IMAGES: usize = 1 << 24;

/// What [`scan_image_folder`] found in a folder of class sub-folders, from file headers only.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FolderSummary {
    /// The root folder, as given.
    pub root: String,
    /// Class names = sub-folder names, sorted.
    pub classes: Vec<String>,
    /// Images per class, in the order of `classes`.
    pub counts: Vec<usize>,
    /// Image sizes `(width, height)` in pixels with the number of images of that size, most
    /// common first (ties: smaller area first, then smaller width).
    pub sizes: Vec<((u32, u32), usize)>,
    /// Entries left out, as paths relative to the root with '/' separators (e.g. `.DS_Store`,
    /// `cat/notes.txt`), sorted: hidden entries, non-image files, files directly in the root
    /// and folders inside a class folder.
    pub skipped: Vec<String>,
    /// Image files whose header cannot be read, with the reason, in listing order (not
    /// counted in `counts`).
    pub unreadable: Vec<Unreadable>,
}

/// An image file left out because it cannot be read or decoded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unreadable {
    /// The file, relative to the root with '/' separators (e.g. `cat/broken.png`).
    pub file: String,
    /// Why, e.g. `cannot decode the image: unexpected end of file`.
    pub reason: String,
}

/// What loading a folder left out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FolderReport {
    /// Entries that are not images of a class (see [`FolderSummary::skipped`]).
    pub skipped: Vec<String>,
    /// Image files that could not be read or decoded, with the reason, in listing order.
    pub unreadable: Vec<Unreadable>,
    /// Images in the data set, per class (in the order of the class names).
    pub counts: Vec<usize>,
    /// Image sizes `(width, height)` found in the files' headers with their counts, most
    /// common first (see [`FolderSummary::sizes`]).
    pub sizes: Vec<((u32, u32), usize)>,
}

/// One image file of a class.
struct ImageFile {
    path: PathBuf,
    /// `class/file`, as listed.
    relative: String,
    class: usize,
}

/// The listing of a root folder: classes, their image files (class by class, each sorted by
/// name) and the skipped entries.
struct Listing {
    classes: Vec<String>,
    files: Vec<ImageFile>,
    skipped: Vec<String>,
}

/// Size and colour type of an image, from its header.
struct Header {
    width: u32,
    height: u32,
    grey: bool,
}

/// `path` as shown in errors.
fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// True for names starting with '.'.
fn is_hidden(name: &str) -> bool {
    name.starts_with('.')
}

/// True if the file name ends in one of [`IMAGE_EXTENSIONS`] (case-insensitive).
fn has_image_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| IMAGE_EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// True for the grey colour types: L8, L16, La8, La16.
fn is_grey(color: ColorType) -> bool {
    matches!(
        color,
        ColorType::L8 | ColorType::L16 | ColorType::La8 | ColorType::La16
    )
}

/// The entries of folder `dir` as (name, path, is_dir), sorted by name.
/// Errors: `"{dir}: the folder does not exist"`, `"{dir}: not a folder"`,
/// `"{dir}: cannot read the folder: {reason}"`.
fn read_folder(dir: &Path) -> Result<Vec<(String, PathBuf, bool)>, DataError> {
    let fail = |message: String| DataError::new(shown(dir), message);
    if !dir.exists() {
        return Err(fail("the folder does not exist".into()));
    }
    if !dir.is_dir() {
        return Err(fail("not a folder".into()));
    }
    let entries =
        std::fs::read_dir(dir).map_err(|e| fail(format!("cannot read the folder: {e}")))?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| fail(format!("cannot read the folder: {e}")))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        // `is_dir` follows symbolic links.
        let is_dir = path.is_dir();
        out.push((name, path, is_dir));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Lists the classes and image files of `root` (see the module documentation).
fn list_folder(root: &Path) -> Result<Listing, DataError> {
    let entries = read_folder(root)?;
    if entries.is_empty() {
        return Err(DataError::new(shown(root), "the folder is empty"));
    }
    let mut listing = Listing {
        classes: Vec::new(),
        files: Vec::new(),
        skipped: Vec::new(),
    };
    for (name, path, is_dir) in entries {
        if is_hidden(&name) || !is_dir {
            listing.skipped.push(name);
            continue;
        }
        let class = listing.classes.len();
        let mut found = false;
        for (file_name, file_path, file_is_dir) in read_folder(&path)? {
            if is_hidden(&file_name) || file_is_dir || !has_image_extension(&file_path) {
                listing.skipped.push(format!("{name}/{file_name}"));
                continue;
            }
            found = true;
            listing.files.push(ImageFile {
                path: file_path,
                relative: format!("{name}/{file_name}"),
                class,
            });
        }
        if !found {
            return Err(DataError::new(
                shown(&path),
                format!(
                    "no images ({}) in this class folder",
                    IMAGE_EXTENSIONS.join(", ")
                ),
            ));
        }
        listing.classes.push(name);
    }
    if listing.classes.is_empty() {
        return Err(DataError::new(
            shown(root),
            "no class folders: put the images of each class in a sub-folder named after the class",
        ));
    }
    if listing.files.len() > MAX_IMAGES {
        return Err(DataError::new(
            shown(root),
            format!(
                "{} images, more than the {MAX_IMAGES} a data set can hold",
                listing.files.len()
            ),
        ));
    }
    listing.skipped.sort();
    Ok(listing)
}

/// The error for an image file whose header or pixels cannot be decoded (including a file that
/// ends too early).
fn image_error(path: &Path, e: ImageError) -> DataError {
    DataError::new(shown(path), format!("cannot decode the image: {e}"))
}

/// An image reader for `path`, its format guessed from the first bytes (else the extension).
/// Error: `"{path}: cannot read the file: {reason}"`.
fn reader(path: &Path) -> Result<ImageReader<std::io::BufReader<std::fs::File>>, DataError> {
    ImageReader::open(path)
        .and_then(|r| r.with_guessed_format())
        .map_err(|e| DataError::new(shown(path), format!("cannot read the file: {e}")))
}

/// The folder's listing and the header of every readable image in it (one pass over the
/// headers, no decoding), shared by the scan and the load. Files whose header cannot be read
/// leave the listing and are returned with their reasons.
fn list_with_headers(root: &Path) -> Result<(Listing, Vec<Header>, Vec<Unreadable>), DataError> {
    let mut listing = list_folder(root)?;
    let mut headers = Vec::with_capacity(listing.files.len());
    let mut unreadable = Vec::new();
    listing.files.retain(|f| match read_header(&f.path) {
        Ok(header) => {
            headers.push(header);
            true
        }
        Err(e) => {
            unreadable.push(Unreadable {
                file: f.relative.clone(),
                reason: e.message,
            });
            false
        }
    });
    check_classes(root, &listing, &unreadable)?;
    Ok((listing, headers, unreadable))
}

/// Errors for a class folder none of whose images can be read.
fn check_classes(
    root: &Path,
    listing: &Listing,
    unreadable: &[Unreadable],
) -> Result<(), DataError> {
    let mut counts = vec![0usize; listing.classes.len()];
    for file in &listing.files {
        if let Some(c) = counts.get_mut(file.class) {
            *c += 1;
        }
    }
    for (class, &count) in listing.classes.iter().zip(&counts) {
        if count == 0 {
            let prefix = format!("{class}/");
            let first = unreadable.iter().find(|u| u.file.starts_with(&prefix));
            let why = first.map_or(String::new(), |u| format!(" ({}: {})", u.file, u.reason));
            return Err(DataError::new(
                shown(&root.join(class)),
                format!("none of the images in this class folder can be decoded{why}"),
            ));
        }
    }
    Ok(())
}

/// Size and colour type of the image at `path`, reading its header only.
fn read_header(path: &Path) -> Result<Header, DataError> {
    let decoder = reader(path)?
        .into_decoder()
        .map_err(|e| image_error(path, e))?;
    let (width, height) = decoder.dimensions();
    Ok(Header {
        width,
        height,
        grey: is_grey(decoder.color_type()),
    })
}

/// Sizes `(width, height)` with their counts, most common first (ties: smaller area, then
/// smaller width, then smaller height).
fn size_counts(headers: &[Header]) -> Vec<((u32, u32), usize)> {
    let mut counts: HashMap<(u32, u32), usize> = HashMap::new();
    for h in headers {
        *counts.entry((h.width, h.height)).or_default() += 1;
    }
    let mut sizes: Vec<((u32, u32), usize)> = counts.into_iter().collect();
    sizes.sort_by_key(|&((w, h), n)| (std::cmp::Reverse(n), u64::from(w) * u64::from(h), w, h));
    sizes
}

/// Lists a folder of class sub-folders and reads the header (size) of every image, without
/// decoding pixels.
///
/// Errors (`"{path}: {message}"`): `"{root}: the folder does not exist"`, `"{root}: not a
/// folder"`, `"{root}: cannot read the folder: {reason}"`, `"{root}: the folder is empty"`,
/// `"{root}: no class folders: put the images of each class in a sub-folder named after the
/// class"`, `"{root}/{class}: no images (png, jpg, jpeg, bmp, gif) in this class folder"`,
/// and `"{root}/{class}: none of the images in this class folder can be decoded ({file}:
/// {reason})"`. Files whose header cannot be read are listed in
/// [`FolderSummary::unreadable`].
pub fn scan_image_folder(root: &Path) -> Result<FolderSummary, DataError> {
    let (listing, headers, unreadable) = list_with_headers(root)?;
    let mut counts = vec![0usize; listing.classes.len()];
    for file in &listing.files {
        if let Some(c) = counts.get_mut(file.class) {
            *c += 1;
        }
    }
    Ok(FolderSummary {
        root: shown(root),
        classes: listing.classes,
        counts,
        sizes: size_counts(&headers),
        skipped: listing.skipped,
        unreadable,
    })
}

/// Decodes the image at `path`, converts it to `channels` (1: grey, 3: RGB) 8-bit channels,
/// resizes it to `width × height` if needed and writes it channel-major into `out`
/// (`channels·height·width` bytes).
fn decode_into(
    path: &Path,
    channels: usize,
    (width, height): (u32, u32),
    out: &mut [u8],
) -> Result<(), DataError> {
    let image: DynamicImage = reader(path)?.decode().map_err(|e| image_error(path, e))?;
    let resize = |w: u32, h: u32| (w, h) != (width, height);
    let plane = out.len() / channels.max(1);
    if channels == 1 {
        let mut grey = image.to_luma8();
        if resize(grey.width(), grey.height()) {
            grey = imageops::resize(&grey, width, height, FilterType::Triangle);
        }
        for (o, &v) in out.iter_mut().zip(grey.as_raw()) {
            *o = v;
        }
    } else {
        let mut rgb = image.to_rgb8();
        if resize(rgb.width(), rgb.height()) {
            rgb = imageops::resize(&rgb, width, height, FilterType::Triangle);
        }
        let (red, rest) = out.split_at_mut(plane.min(out.len()));
        let (green, blue) = rest.split_at_mut(plane.min(rest.len()));
        let planes = red.iter_mut().zip(green.iter_mut()).zip(blue.iter_mut());
        for (((r, g), b), pixel) in planes.zip(rgb.as_raw().chunks_exact(3)) {
            if let [pr, pg, pb] = *pixel {
                (*r, *g, *b) = (pr, pg, pb);
            }
        }
    }
    Ok(())
}

/// Feature names: `"pixel {y},{x}"` for grey images, `"red|green|blue {y},{x}"` for colour,
/// channel-major like the pixels.
fn feature_names(channels: usize, height: usize, width: usize) -> Vec<String> {
    let prefixes: &[&str] = if channels == 1 {
        &["pixel"]
    } else {
        &["red", "green", "blue"]
    };
    prefixes
        .iter()
        .flat_map(|p| {
            (0..height).flat_map(move |y| (0..width).map(move |x| format!("{p} {y},{x}")))
        })
        .collect()
}

/// The samples `indices` of `pixels` (`sample_len` bytes per sample) with their classes, as
/// a split.
fn select(pixels: &[u8], sample_len: usize, classes: &[usize], indices: &[usize]) -> Split {
    let mut bytes = Vec::with_capacity(indices.len().saturating_mul(sample_len));
    let mut labels = Vec::with_capacity(indices.len());
    for &i in indices {
        let start = i.saturating_mul(sample_len);
        if let (Some(sample), Some(&class)) = (
            pixels.get(start..start.saturating_add(sample_len)),
            classes.get(i),
        ) {
            bytes.extend_from_slice(sample);
            labels.push(class);
        }
    }
    Split {
        features: Features::U8(bytes),
        labels: Labels::Classes(labels),
        n_features: sample_len,
    }
}

/// Loads a folder of class sub-folders of images (see the module documentation) as a
/// classification data set: classes = sub-folder names (sorted), pixels as bytes
/// ([`Features::U8`]), channel-major per sample (index `(c·height + y)·width + x`),
/// `image_shape = Some([channels, height, width])`, not standardised. The name is the root
/// folder's name.
///
/// Every image is brought to `size = (width, height)`, by default the most common size
/// ([`FolderSummary::sizes`]`[0]`). The split is stratified, each class split by
/// `train_ratio` and shuffled by `seed`, exactly as [`Dataset::from_rows`] does.
/// `progress(done, total)` is called after each decoded image (`total` = number of images);
/// returning `false` stops loading with the error `"{root}: cancelled"`.
///
/// Errors (`"{path}: {message}"`): those of [`scan_image_folder`],
/// `"{root}: train_ratio must be in (0, 1], got 0"`,
/// `"{root}: the image size must be at least 1×1, got 0×28"`,
/// `"{root}: 3 images of 3×100000×100000 bytes do not fit in memory"`,
/// `"{file}: cannot decode the image: {reason}"` for a file whose pixels cannot be decoded,
/// and `"{root}: cancelled"`.
pub fn load_image_folder(
    root: &Path,
    size: Option<(u32, u32)>,
    train_ratio: f32,
    seed: u64,
    progress: &dyn Fn(usize, usize) -> bool,
) -> Result<Dataset, DataError> {
    load_image_folder_with_report(root, size, train_ratio, seed, progress).map(|(data, _)| data)
}

/// [`load_image_folder`] with what was left out: entries that are not images of a class and
/// image files that cannot be read or decoded (each with its reason).
///
/// # Errors
/// As [`load_image_folder`].
pub fn load_image_folder_with_report(
    root: &Path,
    size: Option<(u32, u32)>,
    train_ratio: f32,
    seed: u64,
    progress: &dyn Fn(usize, usize) -> bool,
) -> Result<(Dataset, FolderReport), DataError> {
    let root_name = shown(root);
    let fail = |message: String| Err(DataError::new(&root_name, message));
    if !(train_ratio > 0.0 && train_ratio <= 1.0) {
        return fail(format!("train_ratio must be in (0, 1], got {train_ratio}"));
    }
    if let Some((w, h)) = size
        && (w == 0 || h == 0)
    {
        return fail(format!("the image size must be at least 1×1, got {w}×{h}"));
    }
    let (mut listing, headers, mut unreadable) = list_with_headers(root)?;
    let Some(target) = size.or_else(|| size_counts(&headers).first().map(|s| s.0)) else {
        return fail("no images".into());
    };
    let channels: usize = if headers.iter().all(|h| h.grey) { 1 } else { 3 };
    let (width, height) = (target.0 as usize, target.1 as usize);
    let total = listing.files.len();
    let too_big =
        || format!("{total} images of {channels}×{height}×{width} bytes do not fit in memory");
    let Some(sample_len) = channels
        .checked_mul(height)
        .and_then(|n| n.checked_mul(width))
    else {
        return fail(too_big());
    };
    let Some(all_len) = sample_len.checked_mul(total) else {
        return fail(too_big());
    };
    let mut pixels: Vec<u8> = Vec::new();
    if pixels.try_reserve_exact(all_len).is_err() {
        return fail(too_big());
    }
    pixels.resize(all_len, 0);
    let mut decoded = vec![true; total];
    for (done, ((file, out), ok)) in listing
        .files
        .iter()
        .zip(pixels.chunks_exact_mut(sample_len.max(1)))
        .zip(decoded.iter_mut())
        .enumerate()
    {
        if let Err(e) = decode_into(&file.path, channels, target, out) {
            *ok = false;
            unreadable.push(Unreadable {
                file: file.relative.clone(),
                reason: e.message,
            });
        }
        if !progress(done + 1, total) {
            return fail("cancelled".into());
        }
    }
    if decoded.contains(&false) {
        compact(&mut pixels, sample_len, &decoded);
        let mut keep = decoded.iter();
        listing
            .files
            .retain(|_| keep.next().copied().unwrap_or(false));
        check_classes(root, &listing, &unreadable)?;
    }
    let name = root
        .file_name()
        .map_or_else(|| root_name.clone(), |n| n.to_string_lossy().into_owned());
    let classes: Vec<usize> = listing.files.iter().map(|f| f.class).collect();
    let mut counts = vec![0usize; listing.classes.len()];
    for &c in &classes {
        if let Some(k) = counts.get_mut(c) {
            *k += 1;
        }
    }
    let labels = Labels::Classes(classes.clone());
    let (train_idx, test_idx) = split_indices(&labels, train_ratio, seed);
    let train = select(&pixels, sample_len, &classes, &train_idx);
    let test = select(&pixels, sample_len, &classes, &test_idx);
    drop(pixels);
    let data = Dataset {
        name,
        feature_names: feature_names(channels, height, width),
        task: Task::Classification {
            class_names: listing.classes,
        },
        train,
        test,
        standardizer: None,
        image_shape: Some([channels, height, width]),
        source_rows: Some(SourceRows::mapped(None, &train_idx, &test_idx)),
        fill_values: None,
    };
    let report = FolderReport {
        skipped: listing.skipped,
        unreadable,
        counts,
        sizes: size_counts(&headers),
    };
    Ok((data, report))
}

/// Removes the samples whose `keep` flag is false from `pixels` (`sample_len` bytes each).
fn compact(pixels: &mut Vec<u8>, sample_len: usize, keep: &[bool]) {
    let mut to = 0;
    for (i, &k) in keep.iter().enumerate() {
        if k {
            let from = i * sample_len;
            pixels.copy_within(from..from + sample_len, to);
            to += sample_len;
        }
    }
    pixels.truncate(to);
}
