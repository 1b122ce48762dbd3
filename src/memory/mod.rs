#![warn(missing_docs)]

//! The Memory room: a Hopfield network (Hopfield 1982) that stores binary patterns with a
//! learning rule and recalls them from a corrupted cue by rolling downhill in energy. Pure
//! logic: no UI, no threads, no files (the glyphs and MNIST digits it offers are bundled into
//! the binary).
//!
//! - [`pattern`]: the neuron grid (up to 32×32), patterns of ±1 values, random patterns,
//!   patterns from a drawn bitmap, and cues (flip k % of the bits, erase a block).
//! - [`letters`] and [`digits`]: the built-in letters (`assets/memory/letters-12x12.txt`) and
//!   bundled MNIST digits, binarised and fitted to the grid.
//! - [`rule`]: the learning rules (Hebbian, Storkey 1997, pseudo-inverse) with their formulas.
//! - [`network`]: [`Hopfield`], the weights, the state, its local fields (kept up to date so
//!   one asynchronous update costs O(N)), energy and overlaps.
//! - [`dynamics`]: [`Recall`], which plays asynchronous, synchronous, stochastic (Glauber) or
//!   continuous-time dynamics from a cue, detects convergence and synchronous 2-cycles.
//! - [`analysis`]: naming the end state, the signal/crosstalk split of a local field and the
//!   basin of attraction of one pattern.
//! - [`capacity`]: the capacity sweep (share recalled against P/N) with progress and cancel.
//! - [`cli`]: `gradscope memory` and `gradscope memory capacity`.
//!
//! Conventions: neuron `i` of an R×C grid is row `i / C`, column `i % C`; states and patterns
//! are `Vec<i8>` of −1 and +1; weights are N×N row-major `f64`, symmetric with a zero
//! diagonal. Patterns are numbered from 0 in the API and from 1 in the names shown to people
//! ("recalled pattern 1" is the first stored pattern).

pub mod analysis;
pub mod capacity;
pub mod cli;
pub mod digits;
pub mod dynamics;
pub mod letters;
pub mod network;
pub mod pattern;
pub mod rule;

pub use analysis::{
    BasinPoint, EndState, FieldSplit, StateName, basin_curve, basin_fractions, field_split,
    name_state,
};
pub use capacity::{
    AGS_CAPACITY, CapacityConfig, CapacityCurve, CapacityPoint, CapacityProgress, capacity_sweep,
};
pub use digits::mnist_digits;
pub use dynamics::{ContinuousParams, Dynamics, Recall, Status, Step, TracePoint};
pub use letters::{Glyph, builtin_letters, letter_patterns, parse_glyphs};
pub use network::{FIELD_TIE, Hopfield, StoreStep, overlap};
pub use pattern::{Block, BlockFill, Grid, Pattern, erase_block, flip_bits, random_patterns};
pub use rule::LearningRule;

/// Every error of the memory room.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum MemoryError {
    /// A text bitmap (a glyph file) that does not parse, with its 1-based line and column.
    #[error("{file}:{line}:{column}: {message}")]
    Parse {
        /// File name as given by the caller.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based character column.
        column: usize,
        /// What is wrong, in one line.
        message: String,
    },
    /// A size, count, index or setting out of range, in one line.
    #[error("{0}")]
    Invalid(String),
    /// The bundled MNIST files could not be read.
    #[error(transparent)]
    Data(#[from] crate::data::DataError),
    /// A long computation (capacity sweep, basin curve) was stopped through its cancel flag.
    #[error("cancelled")]
    Cancelled,
}

/// A 64-bit seed derived from `seed` and `parts` (SplitMix64 finaliser, Steele, Lea & Flood
/// 2014), so that every (P, trial) of a sweep has its own reproducible random stream.
pub(crate) fn derive_seed(seed: u64, parts: &[u64]) -> u64 {
    let mut z = seed;
    for &part in parts {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15).wrapping_add(part);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
    }
    z
}
