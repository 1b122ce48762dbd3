//! Data sets for gradscope: synthetic toy sets, the bundled Iris set, delimited text files
//! (CSV, TSV, …, raw or gzipped), images in the IDX format and folders of images, each split
//! into training and test samples (`Dataset`).
//!
//! Files reach a data set by one route: a [`DataSource`] (path + import settings, the form
//! experiment files store) → [`load`] (with progress and cancel) → [`Loaded`] (the data set
//! and an [`ImportReport`] of every decision). The window, `--data`, `train`, `inspect` and
//! experiment files all call it.

pub mod csv;
pub mod dataset;
pub mod digits;
pub mod error;
pub mod idx;
pub mod images;
pub mod import;
pub mod iris;
pub mod open;
pub mod source;
pub mod synth;

pub use csv::{load_csv, parse_csv};
pub use dataset::{Dataset, Features, Labels, SourceRows, Split, Standardizer, Task};
pub use error::{DataError, Remedy};
pub use idx::{
    IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, IdxFile, IdxImages, IdxPair, idx_dataset, idx_partner,
    load_mnist_dir, mnist_bundled, parse_idx_images, parse_idx_labels, read_idx_file,
    read_idx_images, read_idx_labels,
};
pub use images::{
    FolderReport, FolderSummary, IMAGE_EXTENSIONS, Unreadable, load_image_folder,
    load_image_folder_with_report, scan_image_folder,
};
pub use import::{
    BadCell, BadNumbers, ColumnCause, ColumnDecision, ColumnKind, ColumnNote, ColumnSummary,
    ColumnUse, CsvOptions, DEFAULT_SPLIT_SEED, DEFAULT_TRAIN_RATIO, IMPORT_RULES, ImportSettings,
    ImportWarning, Inspection, LeftOutRow, MissingPolicy, Table, TableReport, TaskChoice,
    TextFeature, WarningKind, build_dataset, build_owned, build_with_report, decode_input,
    decode_owned, inspect_csv, is_missing, one_line, read_table, read_table_owned,
    read_table_with_progress, report, sniff_csv, summarize,
};
pub use iris::iris;
pub use open::{SourceKind, detect, open_idx_file, open_path};
pub use source::{
    DataSource, FileImport, ImportReport, Loaded, OpenedTable, Phase, Progress, build_opened, load,
    load_now, open_table, open_table_to_build,
};
pub use synth::{PLANE_EXTENT, SynthConfig, SynthKind, generate};
