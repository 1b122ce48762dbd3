//! MNIST digits as patterns: the bundled test digits (`assets/mnist/t10k-*`, read by
//! [`crate::data::mnist_bundled`]), cropped to the central 20×20 pixels (MNIST fits every
//! digit into a 20×20 box centred in 28×28, LeCun et al.), area-averaged down (or up) to the
//! grid and binarised: a cell is ink (+1) when its mean intensity is at least
//! [`INK_THRESHOLD`].

use crate::data::{Labels, mnist_bundled};

use super::MemoryError;
use super::pattern::{Grid, Pattern};

/// A grid cell whose mean pixel value (0 = background, 1 = full ink) reaches this is ink.
pub const INK_THRESHOLD: f64 = 0.35;
/// Pixels cut from each side of the 28×28 image before resampling.
const CROP: usize = 4;

/// `count` bundled MNIST digits as patterns on `grid`, in the order 0, 1, …, 9 (the first
/// test example of each digit), then 0–9 again from the next examples, and so on. Labels are
/// "digit 3" for the first round, "digit 3 (#2)" for the second, ….
///
/// Errors: the bundled files' errors (never for the shipped files) and `"the bundled MNIST
/// set has 892 examples of digit 5; 900 were asked for"`.
pub fn mnist_digits(grid: Grid, count: usize) -> Result<Vec<Pattern>, MemoryError> {
    let data = mnist_bundled()?;
    let split = &data.train;
    let (Some(pixels), Labels::Classes(labels)) = (split.features.as_u8(), &split.labels) else {
        return Err(MemoryError::Invalid(
            "the bundled MNIST set is not stored as byte images".to_string(),
        ));
    };
    let side = 28;
    let mut by_digit: Vec<Vec<usize>> = vec![Vec::new(); 10];
    for (i, &label) in labels.iter().enumerate() {
        if let Some(list) = by_digit.get_mut(label) {
            list.push(i);
        }
    }
    let mut patterns = Vec::with_capacity(count);
    for k in 0..count {
        let (round, digit) = (k / 10, k % 10);
        let Some(&index) = by_digit[digit].get(round) else {
            return Err(MemoryError::Invalid(format!(
                "the bundled MNIST set has {} examples of digit {digit}; {} were asked for",
                by_digit[digit].len(),
                round + 1
            )));
        };
        let image = &pixels[index * side * side..(index + 1) * side * side];
        let label = if round == 0 {
            format!("digit {digit}")
        } else {
            format!("digit {digit} (#{})", round + 1)
        };
        patterns.push(Pattern {
            label,
            spins: binarise(image, side, grid),
        });
    }
    Ok(patterns)
}

/// The `side × side` byte image cropped by [`CROP`] on each side, area-averaged onto `grid`
/// (each cell the mean of the source pixels it covers, weighted by the covered area) and
/// thresholded at [`INK_THRESHOLD`].
pub fn binarise(image: &[u8], side: usize, grid: Grid) -> Vec<i8> {
    let inner = side - 2 * CROP;
    let pixel = |y: usize, x: usize| f64::from(image[(y + CROP) * side + x + CROP]) / 255.0;
    let span = |cell: usize, cells: usize| {
        let start = cell as f64 * inner as f64 / cells as f64;
        let end = (cell + 1) as f64 * inner as f64 / cells as f64;
        (start, end)
    };
    let mut spins = Vec::with_capacity(grid.neurons());
    for r in 0..grid.rows {
        let (y0, y1) = span(r, grid.rows);
        for c in 0..grid.cols {
            let (x0, x1) = span(c, grid.cols);
            let (mut total, mut area) = (0.0, 0.0);
            for y in (y0.floor() as usize)..(y1.ceil() as usize).min(inner) {
                let wy = y1.min(y as f64 + 1.0) - y0.max(y as f64);
                for x in (x0.floor() as usize)..(x1.ceil() as usize).min(inner) {
                    let wx = x1.min(x as f64 + 1.0) - x0.max(x as f64);
                    total += wy * wx * pixel(y, x);
                    area += wy * wx;
                }
            }
            let ink = area > 0.0 && total / area >= INK_THRESHOLD;
            spins.push(if ink { 1 } else { -1 });
        }
    }
    spins
}
