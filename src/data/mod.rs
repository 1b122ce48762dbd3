//! Data sets for gradscope: synthetic toy sets, the bundled Iris set, delimited text files
//! (CSV, TSV, …, raw or gzipped) and MNIST digits in the IDX format, each split into
//! training and test samples (`Dataset`).

pub mod csv;
pub mod dataset;
pub mod digits;
pub mod error;
pub mod idx;
pub mod images;
pub mod import;
pub mod iris;
pub mod open;
pub mod synth;

pub use csv::{load_csv, parse_csv};
pub use dataset::{Dataset, Features, Labels, Split, Standardizer, Task};
pub use error::DataError;
pub use idx::{
    IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, IdxImages, IdxPair, idx_dataset, idx_partner,
    load_mnist_dir, mnist_bundled, parse_idx_images, parse_idx_labels, read_idx_images,
    read_idx_labels,
};
pub use images::{FolderSummary, IMAGE_EXTENSIONS, load_image_folder, scan_image_folder};
pub use import::{
    ColumnKind, ColumnSummary, CsvOptions, ImportSettings, Inspection, MissingPolicy, Table,
    TaskChoice, TextFeature, build_dataset, decode_input, inspect_csv, read_table,
    read_table_with_progress, sniff_csv, summarize,
};
pub use iris::iris;
pub use open::{SourceKind, detect, open_idx_file, open_path};
pub use synth::{PLANE_EXTENT, SynthConfig, SynthKind, generate};
