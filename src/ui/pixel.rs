//! One feature-map pixel's arithmetic, as CNN Explainer shows it (Wang et al. 2020, "CNN
//! Explainer: learning convolutional neural networks with interactive visualization"): for a
//! Conv2d pixel the input patch, the filter, their element-wise products, the sum plus the bias
//! and the activation; for a MaxPool2d pixel the window and which input won.
//!
//! [`explain`] redoes the arithmetic from a snapshot's maps and filters (no egui: tests call
//! it); [`PixelPanel`] draws the result in the lower-right tab of the image view.

use eframe::egui::{self, Color32, RichText};

use crate::nn::ActivationKind;
use crate::train::{FeatureMaps, KernelView, MapLayer, MapOp};
use crate::ui::action::Action;
use crate::ui::format::format_number;
use crate::ui::panel::Panel;
use crate::ui::state::View;
use crate::ui::typeset::{factor, number, text_width};

pub use crate::ui::action::PixelRef;

/// One input channel's share of a Conv2d pixel: a `kernel`×`kernel` patch (zeros where it
/// hangs over the padded edge), the filter's weights for that channel, and their products.
#[derive(Clone, Debug, PartialEq)]
pub struct ChannelTerms {
    /// Input values under the filter, row-major.
    pub patch: Vec<f32>,
    /// The filter's weights for this input channel, row-major.
    pub weights: Vec<f32>,
    /// `patch[i] · weights[i]`.
    pub products: Vec<f32>,
    /// Σ products.
    pub sum: f32,
}

/// The arithmetic behind one pixel.
#[derive(Clone, Debug, PartialEq)]
pub enum PixelMath {
    /// A pixel of the input image: just its value.
    Input {
        /// The pixel's value (0 = background, 1 = full ink for MNIST).
        value: f32,
    },
    /// z = Σ_c Σ_ij x_c,ij · w_c,ij + b, then a = f(z) (Goodfellow, Bengio and Courville,
    /// *Deep Learning*, 2016, eq. 9.4 as cross-correlation).
    Conv {
        /// Side of the filter.
        kernel: usize,
        /// One entry per input channel.
        channels: Vec<ChannelTerms>,
        /// The filter's bias b.
        bias: f32,
        /// z = Σ + b.
        z: f32,
        /// The activation after the layer and a = f(z) (`None`: none).
        activation: Option<(ActivationKind, f32)>,
    },
    /// The largest value in the pooling window.
    Pool {
        /// Side of the window.
        size: usize,
        /// The window's values, row-major.
        window: Vec<f32>,
        /// Index of the winner in `window` (the first of equal maxima).
        winner: usize,
    },
}

/// A pixel and its arithmetic.
#[derive(Clone, Debug, PartialEq)]
pub struct PixelExplanation {
    /// The pixel.
    pub pixel: PixelRef,
    /// The layer's display name.
    pub layer: String,
    /// The value the map holds at the pixel (pre-activation z for a Conv2d).
    pub stored: f32,
    /// The arithmetic.
    pub math: PixelMath,
}

/// The values a layer hands to the next one: a Conv2d map after its activation, others as
/// they are.
fn passed_on(layer: &MapLayer) -> Vec<f32> {
    match layer.op {
        MapOp::Conv {
            activation: Some(activation),
            ..
        } => layer.values.iter().map(|&v| activation.apply(v)).collect(),
        _ => layer.values.clone(),
    }
}

/// Redoes pixel `pixel`'s arithmetic from the maps and filters of a snapshot. `None` when the
/// pixel lies outside its map, or the maps and filters do not fit together (a snapshot of
/// another model).
pub fn explain(
    maps: &FeatureMaps,
    kernels: &[KernelView],
    pixel: PixelRef,
) -> Option<PixelExplanation> {
    let layer = maps.layers.get(pixel.layer)?;
    let shape = layer.shape;
    if pixel.channel >= shape.channels || pixel.y >= shape.height || pixel.x >= shape.width {
        return None;
    }
    let stored = layer.values[(pixel.channel * shape.height + pixel.y) * shape.width + pixel.x];
    let previous = match pixel.layer {
        0 => &maps.input,
        i => &maps.layers[i - 1],
    };
    let input = passed_on(previous);
    let (in_c, in_h, in_w) = (
        previous.shape.channels,
        previous.shape.height,
        previous.shape.width,
    );
    // The input value at (c, y, x), 0 outside the map (zero padding).
    let at = |c: usize, y: isize, x: isize| -> f32 {
        if y < 0 || x < 0 || y as usize >= in_h || x as usize >= in_w {
            0.0
        } else {
            input[(c * in_h + y as usize) * in_w + x as usize]
        }
    };
    let math = match layer.op {
        MapOp::Input => PixelMath::Input { value: stored },
        MapOp::Conv {
            kernels: k,
            activation,
            stride,
            padding,
        } => {
            let filters = kernels.get(k)?;
            let side = filters.kernel;
            if filters.in_channels != in_c || pixel.channel >= filters.out_channels {
                return None;
            }
            let top = (pixel.y * stride) as isize - padding as isize;
            let left = (pixel.x * stride) as isize - padding as isize;
            let channels: Vec<ChannelTerms> = (0..in_c)
                .map(|c| {
                    let mut terms = ChannelTerms {
                        patch: Vec::with_capacity(side * side),
                        weights: Vec::with_capacity(side * side),
                        products: Vec::with_capacity(side * side),
                        sum: 0.0,
                    };
                    for ky in 0..side {
                        for kx in 0..side {
                            let x = at(c, top + ky as isize, left + kx as isize);
                            let w = filters.weights
                                [((pixel.channel * in_c + c) * side + ky) * side + kx];
                            terms.patch.push(x);
                            terms.weights.push(w);
                            terms.products.push(x * w);
                            terms.sum += x * w;
                        }
                    }
                    terms
                })
                .collect();
            let bias = *filters.biases.get(pixel.channel)?;
            let z = channels.iter().map(|t| t.sum).sum::<f32>() + bias;
            PixelMath::Conv {
                kernel: side,
                channels,
                bias,
                z,
                activation: activation.map(|f| (f, f.apply(z))),
            }
        }
        MapOp::Pool { size, stride } => {
            let (top, left) = ((pixel.y * stride) as isize, (pixel.x * stride) as isize);
            let mut window = Vec::with_capacity(size * size);
            for ky in 0..size {
                for kx in 0..size {
                    window.push(at(pixel.channel, top + ky as isize, left + kx as isize));
                }
            }
            let winner = (0..window.len())
                .fold(0, |best, i| if window[i] > window[best] { i } else { best });
            PixelMath::Pool {
                size,
                window,
                winner,
            }
        }
    };
    Some(PixelExplanation {
        pixel,
        layer: layer.name.clone(),
        stored,
        math,
    })
}

/// How the arithmetic tab asks for its pixel.
const PICK_HINT: &str = "Click a pixel of any feature map (left) to see how it was computed: \
    the input patch under the filter, the weights, their products, the sum plus the bias and \
    the activation. For a MaxPool2d pixel, which input of its window won.";

/// The "Pixel arithmetic" tab: the chosen pixel's explanation with every number.
#[derive(Default)]
pub struct PixelPanel {
    /// The pixel chosen last (set by the App when a feature-map tile is clicked).
    pub selected: Option<PixelRef>,
    /// The input channel whose patch, filter and products are drawn as grids.
    shown_channel: usize,
}

impl Panel for PixelPanel {
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>) -> Option<Action> {
        ui.heading("Pixel arithmetic");
        let snapshot = view.run.snapshot.as_ref();
        let maps = snapshot.and_then(|s| s.feature_maps.as_ref());
        let (Some(pixel), Some(maps), Some(snapshot)) = (self.selected, maps, snapshot) else {
            ui.label(PICK_HINT);
            return None;
        };
        let Some(explanation) = explain(maps, &snapshot.kernels, pixel) else {
            ui.label("That pixel is not in the current model's maps: click another one.");
            return None;
        };
        ui.label(
            RichText::new(format!(
                "{} · channel {} · row {}, column {}",
                explanation.layer,
                pixel.channel + 1,
                pixel.y + 1,
                pixel.x + 1
            ))
            .strong(),
        )
        .on_hover_text("The chosen pixel, counted from 1");
        egui::ScrollArea::vertical()
            .id_salt("pixel_scroll")
            .show(ui, |ui| match &explanation.math {
                PixelMath::Input { value } => {
                    ui.label(format!(
                        "input pixel = {}",
                        format_number(f64::from(*value))
                    ));
                }
                PixelMath::Conv {
                    kernel,
                    channels,
                    bias,
                    z,
                    activation,
                } => conv_ui(
                    ui,
                    &mut self.shown_channel,
                    *kernel,
                    channels,
                    *bias,
                    *z,
                    *activation,
                ),
                PixelMath::Pool {
                    size,
                    window,
                    winner,
                } => {
                    ui.label("MaxPool2d keeps the largest value of its window:");
                    number_grid(ui, "window", *size, window, Some(*winner));
                    ui.label(format!(
                        "max = {} (row {}, column {} of the window, outlined)",
                        format_number(f64::from(window[*winner])),
                        winner / size + 1,
                        winner % size + 1
                    ));
                }
            });
        None
    }
}

/// The grids of one input channel and the sums of all of them.
fn conv_ui(
    ui: &mut egui::Ui,
    shown: &mut usize,
    kernel: usize,
    channels: &[ChannelTerms],
    bias: f32,
    z: f32,
    activation: Option<(ActivationKind, f32)>,
) {
    *shown = (*shown).min(channels.len().saturating_sub(1));
    if channels.len() > 1 {
        ui.horizontal(|ui| {
            ui.label("input channel");
            ui.add(
                egui::DragValue::new(shown)
                    .update_while_editing(false)
                    .range(0..=channels.len() - 1)
                    .custom_formatter(|n, _| format!("{}", n as usize + 1)),
            )
            .on_hover_text("Which input channel's patch, weights and products the grids show");
            ui.label(format!("of {}", channels.len()));
        });
    }
    let sums: Vec<String> = channels.iter().map(|t| factor(f64::from(t.sum))).collect();
    let sum_text = if channels.len() > 1 {
        format!("Σ over {} channels = {}", channels.len(), sums.join(" + "))
    } else {
        format!("Σ x·w = {}", number(f64::from(channels[0].sum)))
    };
    // The result first, so it stays in view on a small screen; the grids below.
    ui.label(
        RichText::new(format!(
            "z = Σ + b = {} + {} = {}",
            number(f64::from(z - bias)),
            factor(f64::from(bias)),
            number(f64::from(z))
        ))
        .monospace()
        .strong(),
    );
    if let Some((f, a)) = activation {
        ui.label(
            RichText::new(format!("a = {}(z) = {}", f.name(), number(f64::from(a))))
                .monospace()
                .strong(),
        );
    }
    ui.add(
        egui::Label::new(RichText::new(sum_text).monospace()).wrap_mode(egui::TextWrapMode::Wrap),
    );
    let terms = &channels[*shown];
    ui.horizontal_wrapped(|ui| {
        number_grid(ui, "input patch x", kernel, &terms.patch, None);
        // A grid (with the sign before it) that does not fit the row goes to the next: the
        // wrapping layout cannot know a grid's width before drawing it, and in presentation
        // mode the products ran past the panel's edge.
        for (sign, caption, values) in [
            ("×", "weights w", &terms.weights),
            ("=", "products x·w", &terms.products),
        ] {
            let sign = RichText::new(sign).size(22.0);
            let needed =
                grid_width(ui, caption, kernel, values) + 22.0 + 3.0 * ui.spacing().item_spacing.x;
            if ui.available_size_before_wrap().x < needed {
                ui.end_row();
            }
            ui.label(sign);
            number_grid(ui, caption, kernel, values, None);
        }
    });
}

/// The width [`number_grid`] takes for these values, in points.
fn grid_width(ui: &egui::Ui, caption: &str, side: usize, values: &[f32]) -> f32 {
    let widest = values
        .iter()
        .map(|v| text_width(ui, &cell_text(*v), egui::TextStyle::Monospace))
        .fold(0.0, f32::max);
    let caption = text_width(ui, caption, egui::TextStyle::Body);
    let cells = side as f32 * widest + side.saturating_sub(1) as f32 * GRID_SPACING.x;
    cells.max(caption)
}

/// The spacing of [`number_grid`]'s cells, in points.
const GRID_SPACING: egui::Vec2 = egui::vec2(6.0, 2.0);

/// A `side`×`side` grid of numbers under a caption; `mark` outlines one cell.
fn number_grid(ui: &mut egui::Ui, caption: &str, side: usize, values: &[f32], mark: Option<usize>) {
    ui.vertical(|ui| {
        ui.add(
            egui::Label::new(RichText::new(caption).italics())
                .wrap_mode(egui::TextWrapMode::Extend),
        );
        egui::Grid::new(("pixel_grid", caption))
            .spacing(GRID_SPACING)
            .show(ui, |ui| {
                for row in 0..side {
                    for col in 0..side {
                        let i = row * side + col;
                        let v = values.get(i).copied().unwrap_or(0.0);
                        let mut text = RichText::new(cell_text(v)).monospace();
                        if mark == Some(i) {
                            text = text.strong().color(Color32::from_rgb(40, 160, 60));
                        }
                        ui.label(text);
                    }
                    ui.end_row();
                }
            });
    });
}

/// A grid cell's number with two decimals; one that rounds to zero reads `0.00`, also when
/// it is a hair below zero (a 0 input times a negative weight read `-0.00`).
pub fn cell_text(v: f32) -> String {
    let text = format!("{v:.2}");
    match text.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_string(),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::cell_text;

    #[test]
    fn a_cell_that_rounds_to_zero_has_no_minus_sign() {
        assert_eq!(cell_text(-0.0), "0.00");
        assert_eq!(cell_text(0.0 * -0.7), "0.00");
        assert_eq!(cell_text(-0.004), "0.00");
        assert_eq!(cell_text(-0.005_1), "-0.01");
        assert_eq!(cell_text(-1.25), "-1.25");
        assert_eq!(cell_text(0.756), "0.76");
    }
}
