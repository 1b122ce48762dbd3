//! Model descriptions ([`ModelSpec`]): the layers of a network as data, their text form and
//! the shape checks that run before anything is built ([`super::Sequential::try_from_spec`]).
//!
//! # Text syntax
//!
//! A model is written as comma-separated items, input first, e.g.
//! `"conv8k3,relu,pool2,conv16k3,relu,pool2,dense10"` (the input [`Shape`]
//! is given separately). Items are case-insensitive and may have spaces
//! around them:
//!
//! | item | layer |
//! |------|-------|
//! | `dense<units>`, e.g. `dense10` | [`Dense`](super::Dense) with `units ≥ 1` outputs |
//! | `conv<filters>k<kernel>[s<stride>][p<padding>]`, e.g. `conv8k3`, `conv16k5s1p2` | [`Conv2d`](super::Conv2d); stride defaults to 1, padding to 0 |
//! | `pool<size>[s<stride>]`, e.g. `pool2`, `pool3s2` | [`MaxPool2d`](super::MaxPool2d); stride defaults to `size` |
//! | `flatten` | [`Flatten`](super::Flatten) (optional: Dense flattens implicitly) |
//! | `sigmoid`, `tanh`, `relu`, `leakyrelu`, `linear` | [`Activation`](super::Activation) |
//!
//! A Dense after a convolution or pooling consumes the flattened `C·H·W`
//! vector. [`ModelSpec::to_text`] writes the canonical form, leaving out
//! values equal to their defaults (`conv16k5s1p2` → `conv16k5p2`,
//! `pool2s2` → `pool2`), so `parse(to_text(spec)) == spec` always holds.
//!
//! Output sizes follow [`conv_output_size`]: `floor((in + 2·pad − k)/stride) + 1`.

use serde::{Deserialize, Serialize};

use super::{ActivationKind, Shape, conv_output_size};

/// One entry of a [`ModelSpec`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum LayerSpec {
    /// A [`Dense`](super::Dense) layer with `units` outputs (flattens an image input).
    Dense {
        /// Number of outputs (neurons).
        units: usize,
    },
    /// An [`Activation`](super::Activation) layer.
    Activation(ActivationKind),
    /// A [`Conv2d`](super::Conv2d) layer; its input channels come from the previous shape.
    Conv2d {
        /// Number of filters (output channels), ≥ 1.
        filters: usize,
        /// Side of the square kernel, ≥ 1.
        kernel: usize,
        /// Step between windows, ≥ 1.
        stride: usize,
        /// Zeros added on each side.
        padding: usize,
    },
    /// A [`MaxPool2d`](super::MaxPool2d) layer.
    MaxPool2d {
        /// Side of the square window, ≥ 1.
        size: usize,
        /// Step between windows, ≥ 1.
        stride: usize,
    },
    /// A [`Flatten`](super::Flatten) layer.
    Flatten,
}

impl LayerSpec {
    /// The item's canonical text (see the module docs), e.g. `"conv16k5p2"`.
    pub fn to_text(&self) -> String {
        match *self {
            LayerSpec::Dense { units } => format!("dense{units}"),
            LayerSpec::Activation(kind) => kind.name().to_ascii_lowercase(),
            LayerSpec::Conv2d {
                filters,
                kernel,
                stride,
                padding,
            } => {
                let mut text = format!("conv{filters}k{kernel}");
                if stride != 1 {
                    text += &format!("s{stride}");
                }
                if padding != 0 {
                    text += &format!("p{padding}");
                }
                text
            }
            LayerSpec::MaxPool2d { size, stride } if stride == size => format!("pool{size}"),
            LayerSpec::MaxPool2d { size, stride } => format!("pool{size}s{stride}"),
            LayerSpec::Flatten => "flatten".to_string(),
        }
    }
}

/// A network architecture: the shape of one input sample and the layers in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelSpec {
    /// Shape of one input sample; `Shape::flat(n)` for `n` plain features.
    pub input: Shape,
    /// Layers from input to output.
    pub layers: Vec<LayerSpec>,
}

/// Why a model description could not be parsed or built. Display is one line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpecError {
    /// The text had no items.
    #[error("the model is empty: list layers like \"dense16,tanh,dense2\"")]
    Empty,
    /// The input shape holds no values.
    #[error("the model needs at least one input feature")]
    NoInputs,
    /// An item between two commas was blank.
    #[error("item {position} is empty (two commas in a row?)")]
    EmptyItem {
        /// 1-based position of the item.
        position: usize,
    },
    /// An item is not a layer.
    #[error(
        "item {position} \"{item}\" is not a layer: expected denseN (e.g. dense16) or one of sigmoid, tanh, relu, leakyrelu, linear"
    )]
    UnknownItem {
        /// 1-based position of the item.
        position: usize,
        /// The item as written.
        item: String,
    },
    /// A `dense` item without a positive whole number of units.
    #[error(
        "item {position} \"{item}\": a dense layer needs a positive whole number of units, e.g. dense16"
    )]
    BadUnits {
        /// 1-based position of the item.
        position: usize,
        /// The item as written.
        item: String,
    },
    /// A `conv` item that does not follow `conv<filters>k<kernel>[s<stride>][p<padding>]`
    /// with positive filters, kernel and stride.
    #[error(
        "item {position} \"{item}\": write a conv layer as conv<filters>k<kernel>[s<stride>][p<padding>] with positive filters, kernel and stride, e.g. conv8k3 or conv16k5s1p2"
    )]
    BadConv {
        /// 1-based position of the item.
        position: usize,
        /// The item as written.
        item: String,
    },
    /// A `pool` item that does not follow `pool<size>[s<stride>]` with
    /// positive size and stride.
    #[error(
        "item {position} \"{item}\": write a pooling layer as pool<size>[s<stride>] with positive size and stride, e.g. pool2 or pool3s2"
    )]
    BadPool {
        /// 1-based position of the item.
        position: usize,
        /// The item as written.
        item: String,
    },
    /// A convolution or pooling window larger than its (padded) input.
    #[error(
        "item {position} \"{item}\": its {kernel}×{kernel} window does not fit the {height}×{width} input{}",
        if *padding > 0 { format!(" padded by {padding} on each side") } else { String::new() }
    )]
    DoesNotFit {
        /// 1-based position of the layer.
        position: usize,
        /// The layer in canonical text form.
        item: String,
        /// Height of the layer's input.
        height: usize,
        /// Width of the layer's input.
        width: usize,
        /// Side of the kernel / pooling window.
        kernel: usize,
        /// Zero padding on each side (0 for pooling).
        padding: usize,
    },
    /// No dense layer at all, so nothing could be learned.
    #[error("the model needs at least one dense layer")]
    NoDense,
    /// The layers up to this one hold more than [`MAX_PARAMETERS`] weights and biases.
    #[error(
        "item {position} \"{item}\": the model would have more than {MAX_PARAMETERS} parameters; make the layers smaller"
    )]
    TooManyParameters {
        /// 1-based position of the layer.
        position: usize,
        /// The layer in canonical text form.
        item: String,
    },
    /// One sample's output of this layer holds more than [`MAX_LAYER_VALUES`] values.
    #[error(
        "item {position} \"{item}\": its output would hold {values} values per sample (at most {MAX_LAYER_VALUES}); make the layer smaller"
    )]
    TooWide {
        /// 1-based position of the layer.
        position: usize,
        /// The layer in canonical text form.
        item: String,
        /// Values in one sample's output.
        values: usize,
    },
}

/// Most weights and biases a model may have: 20 million f32 values are 80 MB, and training
/// keeps up to four such copies (parameters, gradients and Adam's two moments).
pub const MAX_PARAMETERS: usize = 20_000_000;

/// Most values one layer may produce per sample (16 Mi): a batch of 64 such outputs is 4 GB.
pub const MAX_LAYER_VALUES: usize = 1 << 24;

/// Reads a leading whole number; returns it and the rest of the text.
fn take_number(text: &str) -> Option<(usize, &str)> {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let value = text[..end].parse().ok()?;
    Some((value, &text[end..]))
}

/// Reads an optional `<letter><number>` suffix such as `s2`.
fn take_option(text: &str, letter: char) -> Option<(Option<usize>, &str)> {
    match text.strip_prefix(letter) {
        Some(rest) => take_number(rest).map(|(v, rest)| (Some(v), rest)),
        None => Some((None, text)),
    }
}

/// `<filters>k<kernel>[s<stride>][p<padding>]` (the part after `conv`).
fn parse_conv(text: &str) -> Option<LayerSpec> {
    let (filters, rest) = take_number(text)?;
    let (kernel, rest) = take_number(rest.strip_prefix('k')?)?;
    let (stride, rest) = take_option(rest, 's')?;
    let (padding, rest) = take_option(rest, 'p')?;
    let stride = stride.unwrap_or(1);
    let ok = rest.is_empty() && filters > 0 && kernel > 0 && stride > 0;
    ok.then_some(LayerSpec::Conv2d {
        filters,
        kernel,
        stride,
        padding: padding.unwrap_or(0),
    })
}

/// `<size>[s<stride>]` (the part after `pool`).
fn parse_pool(text: &str) -> Option<LayerSpec> {
    let (size, rest) = take_number(text)?;
    let (stride, rest) = take_option(rest, 's')?;
    let stride = stride.unwrap_or(size);
    (rest.is_empty() && size > 0 && stride > 0).then_some(LayerSpec::MaxPool2d { size, stride })
}

impl ModelSpec {
    /// A multi-layer perceptron:
    /// `inputs → [Dense(h) → act]* → Dense(outputs)`, with no activation
    /// after the last Dense (its outputs are logits or a linear prediction).
    /// The input shape is `Shape::flat(inputs)`.
    pub fn mlp(inputs: usize, hidden: &[(usize, ActivationKind)], outputs: usize) -> Self {
        let mut layers = Vec::with_capacity(2 * hidden.len() + 1);
        for &(units, act) in hidden {
            layers.push(LayerSpec::Dense { units });
            layers.push(LayerSpec::Activation(act));
        }
        layers.push(LayerSpec::Dense { units: outputs });
        ModelSpec {
            input: Shape::flat(inputs),
            layers,
        }
    }

    /// The default CNN for 28×28 grey digits, LeNet-style (LeCun et al. 1998):
    /// `"conv8k3,relu,pool2,conv16k3,relu,pool2,dense<classes>"`. On a
    /// 1×28×28 input the shapes are 8×26×26, 8×13×13, 16×11×11, 16×5×5, classes.
    pub fn small_cnn(input: Shape, classes: usize) -> Self {
        let conv = |filters| LayerSpec::Conv2d {
            filters,
            kernel: 3,
            stride: 1,
            padding: 0,
        };
        let pool = LayerSpec::MaxPool2d { size: 2, stride: 2 };
        let relu = LayerSpec::Activation(ActivationKind::Relu);
        ModelSpec {
            input,
            layers: vec![
                conv(8),
                relu.clone(),
                pool.clone(),
                conv(16),
                relu,
                pool,
                LayerSpec::Dense { units: classes },
            ],
        }
    }

    /// Parses the text form (see the module docs), e.g.
    /// `"dense16,tanh,dense2"` or `"conv8k3,relu,pool2,dense10"`, for inputs
    /// of shape `input`.
    ///
    /// Errors ([`SpecError`]) name the offending item and its 1-based
    /// position; the text must hold at least one dense layer, `input` must
    /// not be empty, and every convolution / pooling window must fit its
    /// input (checked by [`ModelSpec::shapes`]).
    pub fn parse(text: &str, input: Shape) -> Result<Self, SpecError> {
        if text.trim().is_empty() {
            return Err(SpecError::Empty);
        }
        if input.is_empty() {
            return Err(SpecError::NoInputs);
        }
        let mut layers = Vec::new();
        for (index, raw) in text.split(',').enumerate() {
            let position = index + 1;
            let item = raw.trim();
            if item.is_empty() {
                return Err(SpecError::EmptyItem { position });
            }
            let lower = item.to_ascii_lowercase();
            let owned = || item.to_string();
            let layer = if let Some(units) = lower.strip_prefix("dense") {
                match units.trim().parse::<usize>() {
                    Ok(units) if units > 0 => LayerSpec::Dense { units },
                    _ => {
                        return Err(SpecError::BadUnits {
                            position,
                            item: owned(),
                        });
                    }
                }
            } else if let Some(rest) = lower.strip_prefix("conv") {
                parse_conv(rest.trim()).ok_or_else(|| SpecError::BadConv {
                    position,
                    item: owned(),
                })?
            } else if let Some(rest) = lower.strip_prefix("pool") {
                parse_pool(rest.trim()).ok_or_else(|| SpecError::BadPool {
                    position,
                    item: owned(),
                })?
            } else if lower == "flatten" {
                LayerSpec::Flatten
            } else if let Some(kind) = ActivationKind::parse(&lower) {
                LayerSpec::Activation(kind)
            } else {
                return Err(SpecError::UnknownItem {
                    position,
                    item: owned(),
                });
            };
            layers.push(layer);
        }
        if !layers.iter().any(|l| matches!(l, LayerSpec::Dense { .. })) {
            return Err(SpecError::NoDense);
        }
        let spec = ModelSpec { input, layers };
        spec.shapes()?;
        Ok(spec)
    }

    /// The canonical text form read by [`ModelSpec::parse`], e.g.
    /// `"conv8k3,relu,pool2,dense10"` (lower case, defaults left out; see
    /// [`LayerSpec::to_text`]).
    pub fn to_text(&self) -> String {
        let items: Vec<String> = self.layers.iter().map(LayerSpec::to_text).collect();
        items.join(",")
    }

    /// Output shape after every layer (`len = layers.len()`), checking that
    /// each convolution / pooling window fits its input, sizes by
    /// [`conv_output_size`].
    ///
    /// Errors: [`SpecError::NoInputs`] for an empty input shape;
    /// [`SpecError::DoesNotFit`] naming the layer's position, its kernel and
    /// input size; [`SpecError::BadUnits`] / [`SpecError::BadConv`] /
    /// [`SpecError::BadPool`] for zero units, filters, kernel, size or stride.
    pub fn shapes(&self) -> Result<Vec<Shape>, SpecError> {
        if self.input.is_empty() {
            return Err(SpecError::NoInputs);
        }
        let mut shape = self.input;
        let mut shapes = Vec::with_capacity(self.layers.len());
        let mut parameters: usize = 0;
        for (index, layer) in self.layers.iter().enumerate() {
            let position = index + 1;
            let item = || layer.to_text();
            let does_not_fit = |kernel, padding| SpecError::DoesNotFit {
                position,
                item: layer.to_text(),
                height: shape.height,
                width: shape.width,
                kernel,
                padding,
            };
            shape = match *layer {
                LayerSpec::Dense { units } => {
                    if units == 0 {
                        return Err(SpecError::BadUnits {
                            position,
                            item: item(),
                        });
                    }
                    Shape::flat(units)
                }
                LayerSpec::Activation(_) => shape,
                LayerSpec::Flatten => Shape::flat(shape.len()),
                LayerSpec::Conv2d {
                    filters,
                    kernel,
                    stride,
                    padding,
                } => {
                    if filters == 0 || kernel == 0 || stride == 0 {
                        return Err(SpecError::BadConv {
                            position,
                            item: item(),
                        });
                    }
                    let size = |n| conv_output_size(n, kernel, stride, padding);
                    match (size(shape.height), size(shape.width)) {
                        (Some(h), Some(w)) => Shape::image(filters, h, w),
                        _ => return Err(does_not_fit(kernel, padding)),
                    }
                }
                LayerSpec::MaxPool2d { size, stride } => {
                    if size == 0 || stride == 0 {
                        return Err(SpecError::BadPool {
                            position,
                            item: item(),
                        });
                    }
                    let out = |n| conv_output_size(n, size, stride, 0);
                    match (out(shape.height), out(shape.width)) {
                        (Some(h), Some(w)) => Shape::image(shape.channels, h, w),
                        _ => return Err(does_not_fit(size, 0)),
                    }
                }
            };
            let input = shapes.last().copied().unwrap_or(self.input);
            let layer_parameters = match *layer {
                LayerSpec::Dense { units } => input.len().saturating_add(1).saturating_mul(units),
                LayerSpec::Conv2d {
                    filters, kernel, ..
                } => input
                    .channels
                    .saturating_mul(kernel)
                    .saturating_mul(kernel)
                    .saturating_add(1)
                    .saturating_mul(filters),
                _ => 0,
            };
            parameters = parameters.saturating_add(layer_parameters);
            if parameters > MAX_PARAMETERS {
                return Err(SpecError::TooManyParameters {
                    position,
                    item: item(),
                });
            }
            if shape.len() > MAX_LAYER_VALUES {
                return Err(SpecError::TooWide {
                    position,
                    item: item(),
                    values: shape.len(),
                });
            }
            shapes.push(shape);
        }
        Ok(shapes)
    }

    /// Width of the network output: the length of the last layer's output
    /// shape (`input.len()` if there are no layers). If [`ModelSpec::shapes`]
    /// fails, the units of the last Dense (or `input.len()`).
    pub fn outputs(&self) -> usize {
        match self.shapes() {
            Ok(shapes) => shapes.last().map_or(self.input.len(), Shape::len),
            Err(_) => self
                .layers
                .iter()
                .rev()
                .find_map(|layer| match layer {
                    LayerSpec::Dense { units } => Some(*units),
                    _ => None,
                })
                .unwrap_or(self.input.len()),
        }
    }
}
