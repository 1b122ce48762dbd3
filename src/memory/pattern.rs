//! The neuron grid, patterns of ±1 values and the cues made from them.

use rand::Rng;
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::MemoryError;

/// The shape the neurons are drawn in: `rows × cols` neurons, neuron `i` at row `i / cols`,
/// column `i % cols`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Grid {
    /// Rows, 1 ..= [`Grid::MAX_SIDE`].
    pub rows: usize,
    /// Columns, 1 ..= [`Grid::MAX_SIDE`].
    pub cols: usize,
}

impl Grid {
    /// Largest number of rows or columns (a 32×32 grid holds 1 024 neurons).
    pub const MAX_SIDE: usize = 32;

    /// A `rows × cols` grid. Error: `"a grid of 0×12 neurons: rows and columns must be 1 to
    /// 32"`.
    pub fn new(rows: usize, cols: usize) -> Result<Grid, MemoryError> {
        if !(1..=Self::MAX_SIDE).contains(&rows) || !(1..=Self::MAX_SIDE).contains(&cols) {
            return Err(MemoryError::Invalid(format!(
                "a grid of {rows}×{cols} neurons: rows and columns must be 1 to {}",
                Self::MAX_SIDE
            )));
        }
        Ok(Grid { rows, cols })
    }

    /// The squarest grid holding exactly `neurons` neurons: `rows` is the largest divisor of
    /// `neurons` not above its square root (144 → 12×12, 120 → 10×12, 100 → 10×10).
    ///
    /// Error when no such grid fits 32×32: `"101 neurons do not fit a grid of at most 32×32
    /// (give R·C with R, C ≤ 32, e.g. 144 = 12×12)"`.
    pub fn for_neurons(neurons: usize) -> Result<Grid, MemoryError> {
        let mut rows = (neurons as f64).sqrt().floor() as usize;
        while rows > 1 && !neurons.is_multiple_of(rows) {
            rows -= 1;
        }
        let fits = neurons >= 1 && rows >= 1 && neurons / rows <= Self::MAX_SIDE;
        if !fits {
            return Err(MemoryError::Invalid(format!(
                "{neurons} neurons do not fit a grid of at most {0}×{0} (give R·C with R, C ≤ \
                 {0}, e.g. 144 = 12×12)",
                Self::MAX_SIDE
            )));
        }
        Grid::new(rows, neurons / rows)
    }

    /// Number of neurons, `rows · cols`.
    pub fn neurons(&self) -> usize {
        self.rows * self.cols
    }
}

/// A stored or candidate memory: one value per neuron, each −1 (background) or +1 (ink),
/// row-major over the grid, with a display label ("A", "digit 3", "random 2", "drawn").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    /// Shown beside the pattern.
    pub label: String,
    /// `grid.neurons()` values, each −1 or +1.
    pub spins: Vec<i8>,
}

impl Pattern {
    /// A pattern from ±1 values. Errors: `"pattern 'x': 143 values for a 12×12 grid (144
    /// neurons)"` and `"pattern 'x': value 0 at neuron 5 (row 0, column 5) is not -1 or +1"`.
    pub fn from_spins(grid: Grid, label: &str, spins: &[i8]) -> Result<Pattern, MemoryError> {
        check_length(grid, label, spins.len())?;
        if let Some(i) = spins.iter().position(|&s| s != 1 && s != -1) {
            return Err(MemoryError::Invalid(format!(
                "pattern '{label}': value {} at neuron {i} (row {}, column {}) is not -1 or +1",
                spins[i],
                i / grid.cols,
                i % grid.cols
            )));
        }
        Ok(Pattern {
            label: label.to_string(),
            spins: spins.to_vec(),
        })
    }

    /// A pattern from a drawn bitmap (the canvas): `true` = ink (+1), `false` = background
    /// (−1), row-major. Error as [`Pattern::from_spins`] for a wrong length.
    pub fn from_bits(grid: Grid, label: &str, bits: &[bool]) -> Result<Pattern, MemoryError> {
        check_length(grid, label, bits.len())?;
        Ok(Pattern {
            label: label.to_string(),
            spins: bits.iter().map(|&b| if b { 1 } else { -1 }).collect(),
        })
    }

    /// The same pattern with every value negated (−x, which a Hopfield network stores along
    /// with x because E(−s) = E(s)).
    pub fn inverse(&self) -> Vec<i8> {
        self.spins.iter().map(|&s| -s).collect()
    }
}

fn check_length(grid: Grid, label: &str, len: usize) -> Result<(), MemoryError> {
    if len != grid.neurons() {
        return Err(MemoryError::Invalid(format!(
            "pattern '{label}': {len} values for a {}×{} grid ({} neurons)",
            grid.rows,
            grid.cols,
            grid.neurons()
        )));
    }
    Ok(())
}

/// `count` patterns whose values are independent fair coin flips (±1 with probability ½
/// each), labelled "random 1", "random 2", …; the same seed gives the same patterns.
pub fn random_patterns(grid: Grid, count: usize, seed: u64) -> Vec<Pattern> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..count)
        .map(|k| Pattern {
            label: random_label(k),
            spins: (0..grid.neurons())
                .map(|_| if rng.random::<bool>() { 1 } else { -1 })
                .collect(),
        })
        .collect()
}

/// The label of random pattern `k` (0-based): "random {k + 1}". It only repeats the
/// pattern's number, so end states name such patterns by number alone.
pub(crate) fn random_label(k: usize) -> String {
    format!("random {}", k + 1)
}

/// `spins` with exactly `round(fraction · N)` distinct neurons flipped, chosen uniformly at
/// random. `fraction` is clamped to [0, 1] (NaN counts as 0).
pub fn flip_bits(spins: &[i8], fraction: f64, rng: &mut impl Rng) -> Vec<i8> {
    let n = spins.len();
    let fraction = if fraction.is_nan() {
        0.0
    } else {
        fraction.clamp(0.0, 1.0)
    };
    let flips = ((fraction * n as f64).round() as usize).min(n);
    let mut cue = spins.to_vec();
    for i in rand::seq::index::sample(rng, n, flips) {
        cue[i] = -cue[i];
    }
    cue
}

/// A rectangle of the grid: rows `row .. row + height`, columns `col .. col + width`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    /// Top row.
    pub row: usize,
    /// Left column.
    pub col: usize,
    /// Rows covered.
    pub height: usize,
    /// Columns covered.
    pub width: usize,
}

/// What an erased block is filled with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockFill {
    /// Every neuron of the block set to −1 (background).
    Negative,
    /// Every neuron of the block set to an independent fair ±1.
    Random,
}

/// `spins` with `block` erased. Error when the block does not lie inside the grid:
/// `"block 10×4 at row 8, column 0 does not fit the 12×12 grid"`.
pub fn erase_block(
    grid: Grid,
    spins: &[i8],
    block: Block,
    fill: BlockFill,
    rng: &mut impl Rng,
) -> Result<Vec<i8>, MemoryError> {
    check_length(grid, "cue", spins.len())?;
    let inside = block.row + block.height <= grid.rows && block.col + block.width <= grid.cols;
    if !inside {
        return Err(MemoryError::Invalid(format!(
            "block {}×{} at row {}, column {} does not fit the {}×{} grid",
            block.height, block.width, block.row, block.col, grid.rows, grid.cols
        )));
    }
    let mut cue = spins.to_vec();
    for r in block.row..block.row + block.height {
        for c in block.col..block.col + block.width {
            cue[r * grid.cols + c] = match fill {
                BlockFill::Negative => -1,
                BlockFill::Random if rng.random::<bool>() => 1,
                BlockFill::Random => -1,
            };
        }
    }
    Ok(cue)
}
