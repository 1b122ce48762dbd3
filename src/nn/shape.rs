//! The shape of one sample: channels × height × width.

use serde::{Deserialize, Serialize};

/// Shape of one sample: `channels × height × width`. A plain feature vector
/// of `n` values is `(n, 1, 1)` (see [`Shape::flat`]).
///
/// In a batch matrix `(batch, len)` each row holds one sample flattened
/// channel-major: the value at channel `c`, row `y`, column `x` sits in
/// column `(c·H + y)·W + x` (the "NCHW" layout of Goodfellow et al.,
/// *Deep Learning* 2016, Section 9.5, with the batch in rows).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Shape {
    /// Number of channels (feature maps); the feature count of a flat vector.
    pub channels: usize,
    /// Rows of each channel (1 for a flat vector).
    pub height: usize,
    /// Columns of each channel (1 for a flat vector).
    pub width: usize,
}

impl Shape {
    /// A flat vector of `n` features: `(n, 1, 1)`.
    pub fn flat(n: usize) -> Self {
        Shape {
            channels: n,
            height: 1,
            width: 1,
        }
    }

    /// An image of `c` channels, `h` rows and `w` columns.
    pub fn image(c: usize, h: usize, w: usize) -> Self {
        Shape {
            channels: c,
            height: h,
            width: w,
        }
    }

    /// Number of values in one sample, `channels · height · width`
    /// (the column count of a batch matrix).
    pub fn len(&self) -> usize {
        self.channels
            .saturating_mul(self.height)
            .saturating_mul(self.width)
    }

    /// True if the sample holds no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True for `(n, 1, 1)`, a plain feature vector.
    pub fn is_flat(&self) -> bool {
        self.height == 1 && self.width == 1
    }
}

impl std::fmt::Display for Shape {
    /// `"784"` for a flat vector, `"8×26×26"` (channels × height × width) otherwise.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_flat() {
            write!(f, "{}", self.channels)
        } else {
            write!(f, "{}×{}×{}", self.channels, self.height, self.width)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_display() {
        assert_eq!(Shape::flat(784).len(), 784);
        assert_eq!(Shape::image(8, 26, 26).len(), 8 * 26 * 26);
        assert!(Shape::image(3, 0, 4).is_empty());
        assert_eq!(Shape::flat(10).to_string(), "10");
        assert_eq!(Shape::image(1, 28, 28).to_string(), "1×28×28");
    }
}
