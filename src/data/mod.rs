//! Data sets for gradscope: synthetic toy sets, the bundled Iris set and CSV files, each
//! split into training and test samples (`Dataset`).

pub mod csv;
pub mod dataset;
pub mod error;
pub mod iris;
pub mod synth;

pub use csv::{load_csv, parse_csv};
pub use dataset::{Dataset, Labels, Split, Standardizer, Task};
pub use error::DataError;
pub use iris::iris;
pub use synth::{PLANE_EXTENT, SynthConfig, SynthKind, generate};
