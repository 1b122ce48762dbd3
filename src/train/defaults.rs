//! The one rule for the default model and optimizer of a data set, used by the window, the
//! command line and experiment files alike, so that the same data always starts with the same
//! network wherever it is opened.
//!
//! - Feature data (tables, 2-D sets): two hidden Dense layers of 16 Tanh units, Adam with
//!   α = 0.01, batches of 32.
//! - Images: conv blocks (Conv2d 3×3, stride 1, no padding → ReLU → MaxPool2d 2×2) with 8, then
//!   16 filters for as long as the image is large enough for one more block (a side of at
//!   least 4 pixels before it), then Dense to the classes; Momentum with α = 0.05, μ = 0.9,
//!   batches of 64. A 28×28 digit gets the Small CNN (28 → 26 → 13 → 11 → 5); an 8×8 image one
//!   block (8 → 6 → 3); an image smaller than 4×4 no conv block but a hidden Dense layer of 32
//!   ReLU units.

use crate::data::Dataset;
use crate::nn::{ActivationKind, OptimizerConfig, OptimizerKind};

use super::{ConvBlock, HiddenLayer, TrainConfig};

/// Filters of the conv blocks the default image model stacks, input side first.
const IMAGE_FILTERS: [usize; 2] = [8, 16];

/// Smallest image side (pixels) that still takes a 3×3 convolution followed by a 2×2 pool.
const MIN_SIDE_FOR_BLOCK: usize = 4;

impl TrainConfig {
    /// The default model and optimizer for `data` (see the module documentation): the same
    /// as [`TrainConfig::for_shape`] with the set's image shape.
    pub fn for_data(data: &Dataset) -> Self {
        Self::for_shape(data.image_shape)
    }

    /// The default model and optimizer for samples of this image shape (channels, height,
    /// width), or for feature vectors when `image` is `None`. Epochs stay 0 (run until
    /// paused) and the seed 1.
    pub fn for_shape(image: Option<[usize; 3]>) -> Self {
        let Some([_, height, width]) = image else {
            return Self {
                hidden: vec![
                    HiddenLayer {
                        units: 16,
                        activation: ActivationKind::Tanh,
                    };
                    2
                ],
                batch_size: 32,
                ..Self::default()
            };
        };
        let mut side = height.min(width);
        let mut conv = Vec::new();
        for filters in IMAGE_FILTERS {
            if side < MIN_SIDE_FOR_BLOCK {
                break;
            }
            conv.push(ConvBlock {
                filters,
                kernel: 3,
                activation: ActivationKind::Relu,
                pool: 2,
            });
            side = (side - 2) / 2;
        }
        let hidden = if conv.is_empty() {
            vec![HiddenLayer {
                units: 32,
                activation: ActivationKind::Relu,
            }]
        } else {
            Vec::new()
        };
        Self {
            conv,
            hidden,
            optimizer: OptimizerConfig {
                kind: OptimizerKind::Momentum,
                learning_rate: 0.05,
                momentum: 0.9,
                ..OptimizerConfig::default()
            },
            batch_size: 64,
            ..Self::default()
        }
    }

    /// The Small CNN for 28×28 digits: conv8k3 → ReLU → pool2 → conv16k3 → ReLU → pool2 →
    /// Dense 10, trained with Momentum (α = 0.05, μ = 0.9) in batches of 64; what
    /// [`TrainConfig::for_shape`] gives a 28×28 image.
    pub fn small_cnn() -> Self {
        Self::for_shape(Some([1, 28, 28]))
    }
}
