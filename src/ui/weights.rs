//! Weights panel: one heatmap per Dense layer (rows = inputs, columns = neurons, last row =
//! biases) on a diverging colormap centred at zero, with a colour legend and the value under
//! the cursor.

use eframe::egui::{self, Color32, RichText, Sense, TextureHandle, TextureOptions};

use crate::data::Dataset;
use crate::train::DenseView;
use crate::ui::action::Action;
use crate::ui::colormap::diverging;
use crate::ui::format::format_decimals;
use crate::ui::panel::Panel;
use crate::ui::state::View;
use crate::ui::typeset::{number, pair};

/// The weights panel's textures, rebuilt only when a new snapshot arrives.
#[derive(Default)]
pub struct WeightsPanel {
    textures: Vec<TextureHandle>,
    generation: Option<u64>,
}

/// Longest side of a weight heatmap texture; larger layers are described instead of drawn
/// (GPUs refuse textures above 8192–16384 pixels a side).
pub const MAX_HEATMAP_SIDE: usize = 4096;

/// True when the layer's heatmap fits in a texture.
fn drawable(view: &DenseView) -> bool {
    view.outputs <= MAX_HEATMAP_SIDE && view.inputs < MAX_HEATMAP_SIDE
}

/// Largest |value| of a layer's weights and biases (the colour scale's limit).
pub fn color_limit(view: &DenseView) -> f32 {
    view.weights
        .iter()
        .chain(&view.biases)
        .filter(|v| v.is_finite())
        .fold(0.0f32, |acc, v| acc.max(v.abs()))
}

/// The heatmap image of a layer: `inputs + 1` rows (the last holds the biases) × `outputs`.
pub fn layer_image(view: &DenseView) -> egui::ColorImage {
    let limit = color_limit(view);
    let pixels = view
        .weights
        .iter()
        .chain(&view.biases)
        .map(|&v| diverging(v, limit))
        .collect();
    egui::ColorImage::new([view.outputs, view.inputs + 1], pixels)
}

/// A colour bar `width` points wide from −limit (left) to +limit (right), with its limit below.
fn legend_ui(ui: &mut egui::Ui, limit: f32, width: f32) {
    let (rect, response) = ui.allocate_exact_size(egui::vec2(width, 8.0), Sense::hover());
    let steps = 32;
    for k in 0..steps {
        let t = (k as f32 + 0.5) / steps as f32;
        let x0 = rect.left() + rect.width() * k as f32 / steps as f32;
        let x1 = rect.left() + rect.width() * (k + 1) as f32 / steps as f32;
        ui.painter().rect_filled(
            egui::Rect::from_min_max(egui::pos2(x0, rect.top()), egui::pos2(x1, rect.bottom())),
            0.0,
            diverging((2.0 * t - 1.0) * limit, limit),
        );
    }
    // Two decimals in the usual range; exponent form for weights blown up by a large
    // learning rate (it read "±15750037.00").
    let end = format_decimals(f64::from(limit), 2);
    let end_precise = format_decimals(f64::from(limit), 3);
    response.on_hover_text(format!(
        "Colour scale of this layer: blue = −{end_precise}, white = 0, red = +{end_precise}"
    ));
    ui.add(
        egui::Label::new(RichText::new(format!("±{end}")).small())
            .wrap_mode(egui::TextWrapMode::Extend),
    )
    .on_hover_text("The colour scale's ends: the largest |w| of this layer");
}

impl Panel for WeightsPanel {
    /// One heatmap per Dense layer.
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>) -> Option<Action> {
        let (data, run): (&Dataset, _) = (view.data, view.run);
        ui.heading("Weights");
        let Some(snapshot) = run.snapshot.as_ref() else {
            ui.label("waiting for the first snapshot…");
            return None;
        };
        if self.generation != Some(run.snapshot_generation)
            || self.textures.len() != snapshot.dense.len()
        {
            self.textures.truncate(snapshot.dense.len());
            for (i, view) in snapshot.dense.iter().enumerate() {
                let image = if drawable(view) {
                    layer_image(view)
                } else {
                    egui::ColorImage::filled([1, 1], Color32::GRAY)
                };
                match self.textures.get_mut(i) {
                    Some(texture) => texture.set(image, TextureOptions::NEAREST),
                    None => self.textures.push(ui.ctx().load_texture(
                        format!("weights{i}"),
                        image,
                        TextureOptions::NEAREST,
                    )),
                }
            }
            self.generation = Some(run.snapshot_generation);
        }
        let cells = cell_sizes(&snapshot.dense, ui.available_size());
        egui::ScrollArea::both()
            .id_salt("weights_scroll")
            .show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    for (index, (view, texture)) in
                        snapshot.dense.iter().zip(&self.textures).enumerate()
                    {
                        ui.vertical(|ui| {
                            layer_ui(ui, data, index, view, texture, cells[index]);
                        });
                        ui.add_space(12.0);
                    }
                });
            });
        None
    }
}

/// Size of one heatmap cell of each layer in points, so that all layers fit side by side in
/// `available`: the same width for every layer (2 to 40 points), and a height that is the
/// width (square cells) unless the layer's rows need less to fit (a Dense 400→10 layer gets
/// flat cells rather than a thin strip; at least half a point).
fn cell_sizes(layers: &[DenseView], available: egui::Vec2) -> Vec<egui::Vec2> {
    let total_columns: usize = layers.iter().map(|v| v.outputs.max(8)).sum();
    let gaps = 24.0 * layers.len() as f32;
    let width = ((available.x - gaps) / total_columns.max(1) as f32).clamp(2.0, 40.0);
    layers
        .iter()
        .map(|v| {
            let fit = (available.y - 70.0) / (v.inputs + 1) as f32;
            egui::vec2(width, fit.min(width).clamp(0.5, 22.0))
        })
        .collect()
}

fn layer_ui(
    ui: &mut egui::Ui,
    data: &Dataset,
    index: usize,
    view: &DenseView,
    texture: &TextureHandle,
    cell: egui::Vec2,
) {
    let limit = color_limit(view);
    ui.add(
        egui::Label::new(RichText::new(&view.name).strong()).wrap_mode(egui::TextWrapMode::Extend),
    )
    .on_hover_text(format!(
        "Layer {}: W has {} rows (inputs) × {} columns (neurons); the bottom row is the bias b",
        index + 1,
        view.inputs,
        view.outputs
    ));
    let rows = view.inputs + 1;
    if !drawable(view) {
        ui.label(format!(
            "too large to draw ({} × {}); max |w| = {limit:.3}",
            view.inputs, view.outputs
        ))
        .on_hover_text("Inputs × neurons of this Dense layer, and its largest weight magnitude");
        return;
    }
    let size = egui::vec2(cell.x * view.outputs as f32, cell.y * rows as f32);
    let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
    ui.painter().image(
        texture.id(),
        rect,
        egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
        Color32::WHITE,
    );
    let bias_top = rect.top() + cell.y * view.inputs as f32;
    ui.painter().hline(
        rect.x_range(),
        bias_top,
        egui::Stroke::new(1.0, ui.visuals().text_color()),
    );
    if let Some(pos) = response.hover_pos() {
        let col = (((pos.x - rect.left()) / cell.x) as usize).min(view.outputs - 1);
        let row = (((pos.y - rect.top()) / cell.y) as usize).min(rows - 1);
        let text = if row < view.inputs {
            let (i, j) = (row + 1, col + 1);
            let from = if index == 0 {
                let name = data.feature_names.get(row).cloned().unwrap_or_default();
                format!("input x{i} ({name})")
            } else {
                format!("unit {i} of layer {index}")
            };
            let w = view.weights[row * view.outputs + col];
            let g = view.weight_grads[row * view.outputs + col];
            format!(
                "w{} = {}\n{from} → unit {j} of layer {}\n∂E/∂w = {} (last step)",
                pair(i, j),
                number(f64::from(w)),
                index + 1,
                number(f64::from(g))
            )
        } else {
            format!(
                "b{} = {}\nbias of unit {} of layer {}",
                col + 1,
                number(f64::from(view.biases[col])),
                col + 1,
                index + 1
            )
        };
        response.on_hover_text_at_pointer(text);
    }
    legend_ui(ui, limit, size.x.max(64.0));
}
