//! One route from a file or folder to a data set: a [`DataSource`] (path + import settings,
//! serialisable, the form experiment files store) → [`load`] (with [`Progress`] and a cancel
//! flag) → [`Loaded`] (the [`Dataset`] and an [`ImportReport`] of every decision).
//!
//! The window's import wizard, `gradscope train --data`, `gradscope inspect`, `--data` of
//! the window and experiment files all go through [`load`], so they cannot disagree about a
//! file. The wizard, which shows a table before building it, uses the same steps one by
//! one: [`detect`], [`open_table`] (read and parse with progress and cancel),
//! [`report`](super::report) (every column's decision for given settings, without
//! building), [`build_with_report`](super::build_with_report), and for image folders
//! [`scan_image_folder`](super::scan_image_folder) then [`load`].

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use super::idx::{IdxFile, IdxPair, idx_dataset, idx_partner, load_mnist_dir, mnist_files};
use super::images::{FolderReport, load_image_folder_with_report};
use super::import::stream::{stream_table, worth_streaming};
use super::import::{
    BadNumbers, CsvOptions, DEFAULT_SPLIT_SEED, DEFAULT_TRAIN_RATIO, GZIP_MAGIC, ImportSettings,
    ImportWarning, Table, TableReport, build_owned, decode_owned, find_column, read_table_owned,
    sniff_csv, unknown_column,
};
use super::open::{SourceKind, detect};
use super::{DataError, Dataset};

/// A file or folder and how to read it. In JSON: `{"path": "data/x.csv", "import": {…}}`
/// (see [`FileImport`]); experiment files store exactly this under `"dataset": {"file": …}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataSource {
    /// The file or folder.
    pub path: PathBuf,
    /// How to read it (default: [`FileImport::Auto`] with the importers' defaults).
    #[serde(default)]
    pub import: FileImport,
}

impl DataSource {
    /// `path` with the importers' defaults: what `--data PATH` opens.
    pub fn auto(path: impl Into<PathBuf>) -> Self {
        DataSource {
            path: path.into(),
            import: FileImport::default(),
        }
    }

    /// The data set's name: the file or folder name (the path when it has none).
    pub fn name(&self) -> String {
        name_of(&self.path)
    }
}

/// `path`'s last component, or the whole path.
fn name_of(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// How a data file is read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileImport {
    /// Whatever the path holds, with the importers' defaults (as `gradscope train --data`).
    Auto {
        /// CSV label column: a header name or a 0-based index (default: the last column).
        #[serde(default)]
        label: Option<String>,
        /// Share of the rows used for training.
        #[serde(default = "default_train_ratio")]
        train_ratio: f32,
        /// Seed of the split.
        #[serde(default = "default_seed")]
        seed: u64,
        /// CSV columns of numbers with a few cells that are not numbers.
        #[serde(default)]
        bad_numbers: BadNumbers,
    },
    /// A CSV/TSV file read with the import wizard's settings.
    Table(ImportSettings),
    /// A folder of class sub-folders of images, resized to `width × height`.
    ImageFolder {
        /// Width every image is resized to, in pixels.
        width: u32,
        /// Height every image is resized to, in pixels.
        height: u32,
        /// Share of the images used for training.
        train_ratio: f32,
        /// Seed of the split.
        seed: u64,
    },
    /// An IDX file (its partner is found next to it) or a folder with the four MNIST files.
    Idx {
        /// Share used for training when only one pair of files is there.
        train_ratio: f32,
    },
}

fn default_train_ratio() -> f32 {
    DEFAULT_TRAIN_RATIO
}

fn default_seed() -> u64 {
    DEFAULT_SPLIT_SEED
}

impl Default for FileImport {
    fn default() -> Self {
        FileImport::Auto {
            label: None,
            train_ratio: DEFAULT_TRAIN_RATIO,
            seed: DEFAULT_SPLIT_SEED,
            bad_numbers: BadNumbers::Refuse,
        }
    }
}

impl FileImport {
    /// The share of samples used for training.
    pub fn train_ratio(&self) -> f32 {
        match self {
            FileImport::Auto { train_ratio, .. }
            | FileImport::ImageFolder { train_ratio, .. }
            | FileImport::Idx { train_ratio } => *train_ratio,
            FileImport::Table(settings) => settings.train_ratio,
        }
    }

    /// Sets the share of samples used for training.
    pub fn set_train_ratio(&mut self, ratio: f32) {
        match self {
            FileImport::Auto { train_ratio, .. }
            | FileImport::ImageFolder { train_ratio, .. }
            | FileImport::Idx { train_ratio } => *train_ratio = ratio,
            FileImport::Table(settings) => settings.train_ratio = ratio,
        }
    }

    /// Checks the values a load could choke on: the train ratio in (0, 1] and image sizes of
    /// 1 to 4096 pixels per side. The error is (field below `import`, message).
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        let ratio = self.train_ratio();
        if !(ratio > 0.0 && ratio <= 1.0) {
            return Err(("train_ratio", format!("{ratio} is outside (0, 1]")));
        }
        if let FileImport::ImageFolder { width, height, .. } = self
            && !((1..=4096).contains(width) && (1..=4096).contains(height))
        {
            return Err((
                "image_folder",
                format!("{width}×{height} pixels is outside 1 to 4096 per side"),
            ));
        }
        Ok(())
    }
}

/// What a load is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Not started.
    Waiting,
    /// Reading the file's bytes.
    Reading,
    /// Parsing text into a table.
    Parsing,
    /// Building the data set from the table (or an IDX pair).
    Building,
    /// Decoding images.
    Decoding,
    /// Reading and parsing at once: a large file of numbers read as a stream.
    Streaming,
}

/// Progress of a load, shared between the loading thread and whoever shows it (atomics, so
/// the window can read it every frame while [`load`] runs).
///
/// [`Progress::fraction`] never decreases: a large file whose stream gives up (a quote near
/// its end, say) is read whole from the fraction the stream reached
/// ([`Progress::continue_from_here`]), and a reader that catches [`Progress::start`] half
/// done sees the fraction it saw before.
#[derive(Debug, Default)]
pub struct Progress {
    phase: AtomicU8,
    done: AtomicU64,
    total: AtomicU64,
    /// The fraction an abandoned attempt reached (`f32` bits): the phases after it fill the
    /// rest of the bar, `base..1`.
    base: AtomicU32,
    /// The largest fraction reported (`f32` bits; for fractions ≥ 0 the bits order as the
    /// values do).
    shown: AtomicU32,
}

impl Progress {
    /// A progress at [`Phase::Waiting`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The current phase.
    pub fn phase(&self) -> Phase {
        match self.phase.load(Ordering::Relaxed) {
            1 => Phase::Reading,
            2 => Phase::Parsing,
            3 => Phase::Building,
            4 => Phase::Decoding,
            5 => Phase::Streaming,
            _ => Phase::Waiting,
        }
    }

    /// Done / total of the current phase, 0–1 (0 while the total is unknown).
    pub fn phase_fraction(&self) -> f32 {
        let total = self.total.load(Ordering::Relaxed);
        if total == 0 {
            return 0.0;
        }
        (self.done.load(Ordering::Relaxed) as f64 / total as f64).clamp(0.0, 1.0) as f32
    }

    /// The whole load, 0–1: for a table, reading fills 0–0.3, parsing 0.3–0.9 (or streaming
    /// 0–0.9) and building 0.9–1; decoding images fills 0–1. After
    /// [`Progress::continue_from_here`] at fraction `b`, the same shares fill `b..1`
    /// (reading `b..b + 0.3·(1 − b)`, …). Never less than a fraction returned before.
    pub fn fraction(&self) -> f32 {
        let f = self.phase_fraction();
        let share = match self.phase() {
            Phase::Waiting => 0.0,
            Phase::Reading => 0.3 * f,
            Phase::Parsing => 0.3 + 0.6 * f,
            Phase::Building => 0.9 + 0.1 * f,
            Phase::Decoding => f,
            Phase::Streaming => 0.9 * f,
        };
        let base = f32::from_bits(self.base.load(Ordering::Relaxed));
        // 1 − (1 − b)(1 − s): exactly 1 when the last phase is done.
        let now = (1.0 - (1.0 - base) * (1.0 - share)).clamp(0.0, 1.0);
        let before = self.shown.fetch_max(now.to_bits(), Ordering::Relaxed);
        now.max(f32::from_bits(before))
    }

    /// Keeps the fraction reached so far: the phases that follow (another way of reading
    /// the same file) fill the rest of the bar instead of starting it again at 0.
    pub fn continue_from_here(&self) {
        let reached = self.fraction();
        self.base.store(reached.to_bits(), Ordering::Relaxed);
    }

    /// Enters `phase` with `total` units to do.
    pub fn start(&self, phase: Phase, total: u64) {
        let code = match phase {
            Phase::Waiting => 0,
            Phase::Reading => 1,
            Phase::Parsing => 2,
            Phase::Building => 3,
            Phase::Decoding => 4,
            Phase::Streaming => 5,
        };
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        self.phase.store(code, Ordering::Relaxed);
    }

    /// `done` units of the current phase are done.
    pub fn advance(&self, done: u64) {
        self.done.store(done, Ordering::Relaxed);
    }
}

/// A loaded data set and what the importer decided on the way.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    /// The data set, named after the file or folder.
    pub dataset: Dataset,
    /// Every decision, skipped entry and warning.
    pub report: ImportReport,
}

/// Everything [`load`] decided, as data (for `inspect`'s JSON, `train`'s stderr and the
/// wizard).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImportReport {
    /// The file or folder, as given.
    pub source: String,
    /// What it held.
    pub kind: SourceKind,
    /// Whether the file was gzipped.
    pub gzip: bool,
    /// For a table: every column's decision, the rows left out, the task.
    pub table: Option<TableReport>,
    /// For an image folder: what was left out, with reasons.
    pub folder: Option<FolderReport>,
    /// Things to check although the data set was built.
    pub warnings: Vec<ImportWarning>,
}

impl ImportReport {
    fn new(source: &Path, kind: SourceKind) -> Self {
        ImportReport {
            source: source.display().to_string(),
            kind,
            gzip: false,
            table: None,
            folder: None,
            warnings: Vec::new(),
        }
    }

    /// One line per thing the user should know: columns left out or changed, rows left out,
    /// files skipped, warnings (`"warning: …"`). Empty when the file was taken as it is.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if let Some(table) = &self.table {
            for d in table.excluded() {
                notes.push(format!("column {:?} excluded: {}", d.column, d.reason));
            }
            for d in table.retyped() {
                notes.push(format!("column {:?}: {}", d.column, d.reason));
            }
            if table.dropped_missing_label > 0 {
                // Counts labels that are missing and labels not finite in f32 (`inf`, left
                // out by `--bad-numbers missing`): "missing" alone misnamed the second.
                notes.push(rows_left_out(
                    table.dropped_missing_label,
                    "its label is missing or not a finite number",
                    "their label is missing or not a finite number",
                ));
            }
            if table.dropped_missing_feature > 0 {
                notes.push(rows_left_out(
                    table.dropped_missing_feature,
                    "a feature is missing",
                    "a feature is missing",
                ));
            }
        }
        if let Some(folder) = &self.folder {
            for u in &folder.unreadable {
                notes.push(format!("image {} skipped: {}", u.file, u.reason));
            }
            if !folder.skipped.is_empty() {
                notes.push(format!(
                    "not images of a class, ignored: {}",
                    folder.skipped.join(", ")
                ));
            }
        }
        notes.extend(
            self.warnings
                .iter()
                .map(|w| format!("warning: {}", w.message)),
        );
        notes
    }
}

/// A table read from a file, ready for [`report`](super::report) and
/// [`build_with_report`](super::build_with_report).
#[derive(Clone, Debug, PartialEq)]
pub struct OpenedTable {
    /// The table (it holds the decoded text).
    pub table: Table,
    /// Whether the file was gzipped.
    pub gzip: bool,
}

/// The error of a load cancelled through its flag.
fn cancelled(file: &str) -> DataError {
    DataError::new(file, "cancelled")
}

/// Reads `path` whole, updating `progress` ([`Phase::Reading`]) and watching `cancel`.
fn read_bytes(path: &Path, progress: &Progress, cancel: &AtomicBool) -> Result<Vec<u8>, DataError> {
    let name = path.display().to_string();
    let io_error = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => DataError::new(&name, "the file does not exist"),
        _ => DataError::new(&name, format!("cannot read the file: {e}")),
    };
    if path.exists() && !path.is_file() {
        return Err(DataError::new(&name, "not a regular file"));
    }
    let mut file = std::fs::File::open(path).map_err(io_error)?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    progress.start(Phase::Reading, total);
    let mut bytes = Vec::new();
    if bytes.try_reserve_exact(total as usize).is_err() {
        return Err(DataError::new(&name, "the file does not fit in memory"));
    }
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Err(cancelled(&name));
        }
        let before = bytes.len();
        let n = (&mut file)
            .take(8 << 20)
            .read_to_end(&mut bytes)
            .map_err(io_error)?;
        progress.advance(bytes.len() as u64);
        if n == 0 || bytes.len() == before {
            return Ok(bytes);
        }
    }
}

/// Reads and parses a delimited text file: gunzip, BOM and line ends ([`decode_owned`]), the
/// options given or sniffed ([`sniff_csv`]), then the table ([`read_table_owned`]) with
/// [`Phase::Parsing`] progress in bytes of text.
///
/// # Errors
/// Those of the steps, naming the file (and line and column), or `"{file}: cancelled"`.
pub fn open_table(
    path: &Path,
    options: Option<CsvOptions>,
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<OpenedTable, DataError> {
    let name = path.display().to_string();
    let raw = read_bytes(path, progress, cancel)?;
    let gzip = raw.starts_with(&GZIP_MAGIC);
    let text = decode_owned(&name, raw)?;
    let options = options.unwrap_or_else(|| sniff_csv(&text));
    progress.start(Phase::Parsing, text.len() as u64);
    let report = |bytes: u64| {
        progress.advance(bytes);
        !cancel.load(Ordering::Relaxed)
    };
    let table = read_table_owned(&name, text, &options, &report)?;
    Ok(OpenedTable { table, gzip })
}

/// [`open_table`] for building a data set: a large file of plain numbers is read as a stream
/// ([`stream_table`], with [`Phase::Streaming`] progress in bytes of the file), which keeps no
/// text, so its cells read as `""` (a table to show or review comes from [`open_table`]).
/// Anything else is read whole by [`open_table`], its progress going on from where the stream
/// stopped ([`Progress::continue_from_here`]).
///
/// # Errors
/// As [`open_table`].
pub fn open_table_to_build(
    path: &Path,
    options: Option<CsvOptions>,
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<OpenedTable, DataError> {
    match open_streamed(path, options, progress, cancel)? {
        Some(opened) => Ok(opened),
        None => {
            // A stream that gave up part way: reading the file whole goes on from there.
            progress.continue_from_here();
            open_table(path, options, progress, cancel)
        }
    }
}

/// A large file of plain numbers read as a stream; `None` when it must be read whole.
fn open_streamed(
    path: &Path,
    options: Option<CsvOptions>,
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<Option<OpenedTable>, DataError> {
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    if !path.is_file() || !worth_streaming(path, size) {
        return Ok(None);
    }
    progress.start(Phase::Streaming, size);
    let report = |bytes: u64| {
        progress.advance(bytes);
        !cancel.load(Ordering::Relaxed)
    };
    let name = path.display().to_string();
    let streamed = stream_table(&name, path, options, &report)?;
    if streamed.is_some() {
        progress.advance(size);
    }
    Ok(streamed.map(|s| OpenedTable {
        table: s.table,
        gzip: s.gzip,
    }))
}

/// Loads `source` (see the module docs): the one way from a file or folder to a data set.
///
/// - [`FileImport::Auto`]: whatever [`detect`] finds — a table with the defaults of
///   [`ImportSettings::defaults`] (the label by header name or 0-based index when given),
///   an IDX file with its partner (the whole folder when it holds the four MNIST files), a
///   folder of MNIST files, or a folder of class sub-folders of images at their most common
///   size.
/// - [`FileImport::Table`], [`FileImport::ImageFolder`], [`FileImport::Idx`]: that reader
///   with those settings.
///
/// `progress` follows the phases; setting `cancel` stops the load with `"{file}: cancelled"`.
///
/// # Errors
/// Every error names the file (and for text its line and column).
pub fn load(
    source: &DataSource,
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<Loaded, DataError> {
    let path = source.path.as_path();
    match &source.import {
        FileImport::Auto {
            label,
            train_ratio,
            seed,
            bad_numbers,
        } => match detect(path)? {
            SourceKind::Table => {
                let opened = open_table_to_build(path, None, progress, cancel)?;
                let mut settings = ImportSettings::guess(&opened.table, opened.table.options());
                if let Some(label) = label {
                    let name = path.display().to_string();
                    let columns = &opened.table.columns;
                    let column = find_column(columns, label).ok_or_else(|| {
                        unknown_column(&name, opened.table.header_line(), columns, label)
                    })?;
                    settings = settings.with_label(&opened.table, column);
                }
                settings.train_ratio = *train_ratio;
                settings.seed = *seed;
                settings.bad_numbers = *bad_numbers;
                build_table(path, opened, &settings, progress)
            }
            SourceKind::Idx => load_idx_file(path, *train_ratio, progress),
            SourceKind::MnistFolder => load_mnist(path, progress),
            SourceKind::ImageFolder => {
                load_images(path, None, (*train_ratio, *seed), progress, cancel)
            }
        },
        FileImport::Table(settings) => {
            detect(path)?;
            let opened = open_table_to_build(path, Some(settings.csv), progress, cancel)?;
            build_table(path, opened, settings, progress)
        }
        FileImport::ImageFolder {
            width,
            height,
            train_ratio,
            seed,
        } => load_images(
            path,
            Some((*width, *height)),
            (*train_ratio, *seed),
            progress,
            cancel,
        ),
        FileImport::Idx { .. } if path.is_dir() => load_mnist(path, progress),
        FileImport::Idx { train_ratio } => load_idx_file(path, *train_ratio, progress),
    }
}

/// The second half of [`load`] for a [`FileImport::Table`] source whose table is already
/// read: builds the data set of `opened` (read from `path`) with `settings`, exactly as
/// [`load`] does after reading the file again with `settings.csv`. The import wizard uses it
/// on "Train on it" for the table it reviewed, so the file is not read a second time while
/// the review still holds it (for a 104 MB file the window's peak fell from 462 to 337 MB).
/// The table is consumed: its text is freed before the features are written when no chosen
/// column needs it.
///
/// # Errors
/// As [`load`] for the same source (the errors of building, never of reading).
pub fn build_opened(
    path: &Path,
    opened: OpenedTable,
    settings: &ImportSettings,
    progress: &Progress,
) -> Result<Loaded, DataError> {
    build_table(path, opened, settings, progress)
}

/// Builds the data set of an opened table ([`Phase::Building`]).
fn build_table(
    path: &Path,
    opened: OpenedTable,
    settings: &ImportSettings,
    progress: &Progress,
) -> Result<Loaded, DataError> {
    progress.start(Phase::Building, 1);
    let name = path.display().to_string();
    let (dataset, table) = build_owned(&name_of(path), &name, opened.table, settings)?;
    progress.advance(1);
    let mut report = ImportReport::new(path, SourceKind::Table);
    report.gzip = opened.gzip;
    report.warnings = table.warnings.clone();
    report.table = Some(table);
    Ok(Loaded { dataset, report })
}

/// A folder of class sub-folders ([`Phase::Decoding`], one unit per image).
fn load_images(
    path: &Path,
    size: Option<(u32, u32)>,
    (train_ratio, seed): (f32, u64),
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<Loaded, DataError> {
    progress.start(Phase::Decoding, 0);
    let report_progress = |done: usize, total: usize| {
        progress.total.store(total as u64, Ordering::Relaxed);
        progress.advance(done as u64);
        !cancel.load(Ordering::Relaxed)
    };
    let (dataset, folder) =
        load_image_folder_with_report(path, size, train_ratio, seed, &report_progress)?;
    let mut report = ImportReport::new(path, SourceKind::ImageFolder);
    report.folder = Some(folder);
    Ok(Loaded { dataset, report })
}

/// A folder of the four MNIST files.
fn load_mnist(path: &Path, progress: &Progress) -> Result<Loaded, DataError> {
    progress.start(Phase::Building, 1);
    let dataset = load_mnist_dir(path)?;
    progress.advance(1);
    Ok(Loaded {
        dataset,
        report: ImportReport::new(path, SourceKind::MnistFolder),
    })
}

/// The base names of the four MNIST files.
const MNIST_FILES: [&str; 4] = [
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
];

/// One IDX file and its partner: the whole folder when it holds the four MNIST files (and
/// the file is one of them), else the pair split by `train_ratio` in file order. Each file
/// is read once.
fn load_idx_file(path: &Path, train_ratio: f32, progress: &Progress) -> Result<Loaded, DataError> {
    let name = path.display().to_string();
    let base = name_of(path);
    let base = base.strip_suffix(".gz").unwrap_or(&base);
    if let Some(folder) = path.parent()
        && mnist_files(folder).is_some()
        && MNIST_FILES.contains(&base)
    {
        return load_mnist(folder, progress);
    }
    progress.start(Phase::Building, 1);
    let file = super::idx::read_idx_file(path)?;
    let partner = idx_partner(path).ok_or_else(|| {
        DataError::new(
            &name,
            "its partner file (images ↔ labels) is not next to it",
        )
    })?;
    let pair = match file {
        IdxFile::Images(images) => {
            let labels = super::idx::read_idx_labels(&partner)?;
            IdxPair::new(&name, images, &partner.display().to_string(), labels)?
        }
        IdxFile::Labels(labels) => {
            let images = super::idx::read_idx_images(&partner)?;
            IdxPair::new(&partner.display().to_string(), images, &name, labels)?
        }
    };
    let count = pair.images.count;
    let at =
        ((count as f32 * train_ratio.clamp(0.01, 1.0)).round() as usize).clamp(1, count.max(1));
    let (train, test) = pair.split_at(at)?;
    let dataset = idx_dataset(&name_of(path), train, test)?;
    progress.advance(1);
    let report = ImportReport::new(path, SourceKind::Idx);
    Ok(Loaded { dataset, report })
}

/// [`load`] on the calling thread without progress or cancel.
///
/// # Errors
/// As [`load`].
pub fn load_now(source: &DataSource) -> Result<Loaded, DataError> {
    load(source, &Progress::new(), &AtomicBool::new(false))
}

/// `"1 row left out: {one}"` or `"{n} rows left out: {many}"`.
fn rows_left_out(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 row left out: {one}")
    } else {
        format!("{n} rows left out: {many}")
    }
}

#[cfg(test)]
mod rows_left_out_tests {
    use super::rows_left_out;

    /// One row is a row ("1 rows left out" read oddly), more are rows.
    #[test]
    fn one_row_is_singular() {
        assert_eq!(
            rows_left_out(1, "its label is missing", "their label is missing"),
            "1 row left out: its label is missing"
        );
        assert_eq!(
            rows_left_out(3, "its label is missing", "their label is missing"),
            "3 rows left out: their label is missing"
        );
    }
}
