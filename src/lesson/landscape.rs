//! A filled contour map of a two-parameter function: values on a grid, log-spaced levels, and
//! each cell's band (how many levels lie below its value). The UI colours bands and draws
//! contour lines where neighbouring cells fall in different bands.

use super::surfaces::Bounds;

/// Values and contour bands of a function sampled on a `width × height` grid.
#[derive(Clone, Debug, PartialEq)]
pub struct LevelGrid {
    /// Columns (samples along the first parameter).
    pub width: usize,
    /// Rows (samples along the second parameter).
    pub height: usize,
    /// The sampled rectangle.
    pub bounds: Bounds,
    /// f at each cell centre, row-major, row 0 at the top (largest second parameter);
    /// length `width · height`. Non-finite samples are kept as they are.
    pub values: Vec<f64>,
    /// The contour levels, increasing, in the units of f.
    pub levels: Vec<f64>,
    /// For each cell, how many `levels` are ≤ its value (0 ..= levels.len()); non-finite
    /// cells get the top band.
    pub bands: Vec<u16>,
}

impl LevelGrid {
    /// Samples `f` at the centres of a `width × height` grid over `bounds` and puts
    /// `level_count` contour levels f_low + g with g spaced evenly in log from
    /// δ = 1e-5·(f_high − f_low) to f_high − f_low, where f_low and f_high are the smallest and
    /// largest finite samples (δ keeps the logarithm finite at the minimum). Sizes are raised
    /// to at least 2, `level_count` to at least 1. A constant function gets no levels.
    pub fn sample(
        f: impl Fn([f64; 2]) -> f64,
        bounds: Bounds,
        width: usize,
        height: usize,
        level_count: usize,
    ) -> Self {
        let (width, height) = (width.max(2), height.max(2));
        let [span_x, span_y] = bounds.size();
        let mut values = Vec::with_capacity(width * height);
        for row in 0..height {
            let y = bounds.y[1] - (row as f64 + 0.5) / height as f64 * span_y;
            for col in 0..width {
                let x = bounds.x[0] + (col as f64 + 0.5) / width as f64 * span_x;
                values.push(f([x, y]));
            }
        }
        let finite = values.iter().copied().filter(|v| v.is_finite());
        let low = finite.clone().fold(f64::INFINITY, f64::min);
        let high = finite.fold(f64::NEG_INFINITY, f64::max);
        let levels = if low.is_finite() && high > low {
            let delta = 1e-5 * (high - low);
            let mut levels: Vec<f64> = log_levels(delta, high - low, level_count.max(1))
                .into_iter()
                .map(|g| g + low)
                .collect();
            // Exactly the largest sample, whatever the rounding above, so it is in the top band.
            if let Some(last) = levels.last_mut() {
                *last = high;
            }
            levels
        } else {
            Vec::new()
        };
        let bands = values
            .iter()
            .map(|&v| {
                if v.is_finite() {
                    levels.partition_point(|&level| level <= v) as u16
                } else {
                    levels.len() as u16
                }
            })
            .collect();
        Self {
            width,
            height,
            bounds,
            values,
            levels,
            bands,
        }
    }

    /// True if cell (`col`, `row`) lies on a contour line: its band differs from the cell to
    /// its right or below. Out-of-range cells are not on a line.
    pub fn on_contour(&self, col: usize, row: usize) -> bool {
        if col >= self.width || row >= self.height {
            return false;
        }
        let band = self.bands[row * self.width + col];
        let right = col + 1 < self.width && self.bands[row * self.width + col + 1] != band;
        let below = row + 1 < self.height && self.bands[(row + 1) * self.width + col] != band;
        right || below
    }
}

/// `count` values from `low` to `high` (both included) evenly spaced in logarithm:
/// low·(high/low)^(i/(count−1)). Empty unless 0 < low < high are finite; `[low]` for count 1.
pub fn log_levels(low: f64, high: f64, count: usize) -> Vec<f64> {
    if !(low > 0.0 && high > low && high.is_finite()) || count == 0 {
        return Vec::new();
    }
    if count == 1 {
        return vec![low];
    }
    let ratio = (high / low).ln();
    (0..count)
        .map(|i| low * (ratio * i as f64 / (count - 1) as f64).exp())
        .collect()
}
