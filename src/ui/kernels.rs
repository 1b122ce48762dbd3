//! Kernels panel: each Conv2d layer's filters as small diverging heatmaps, one row per filter
//! and one tile per input channel.

use eframe::egui::{self, Color32, RichText, Sense, TextureHandle, TextureOptions};

use crate::train::KernelView;
use crate::ui::action::Action;
use crate::ui::colormap::diverging;
use crate::ui::panel::Panel;
use crate::ui::state::View;

/// The kernels panel's textures (one atlas per layer).
#[derive(Default)]
pub struct KernelsPanel {
    atlases: Vec<TextureHandle>,
    generation: Option<u64>,
}

/// An atlas of a layer's filters: `in_channels` tiles across, `out_channels` down, each
/// `kernel`×`kernel`, coloured on the diverging map with the layer's largest |w| as limit.
pub fn kernel_atlas(view: &KernelView) -> egui::ColorImage {
    let (k, cin, cout) = (view.kernel, view.in_channels, view.out_channels);
    let limit = view
        .weights
        .iter()
        .filter(|w| w.is_finite())
        .fold(0.0f32, |acc, w| acc.max(w.abs()));
    let width = cin * k;
    let mut pixels = vec![Color32::BLACK; width * cout * k];
    for o in 0..cout {
        for c in 0..cin {
            for y in 0..k {
                for x in 0..k {
                    let w = view.weights[((o * cin + c) * k + y) * k + x];
                    pixels[(o * k + y) * width + c * k + x] = diverging(w, limit);
                }
            }
        }
    }
    egui::ColorImage::new([width, cout * k], pixels)
}

impl Panel for KernelsPanel {
    /// Each Conv2d layer's filters as tiles.
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>) -> Option<Action> {
        let snapshot = view.run.snapshot.as_ref()?;
        if snapshot.kernels.is_empty() {
            ui.label("No Conv2d layers in this model.");
            return None;
        }
        if self.generation != Some(view.run.snapshot_generation)
            || self.atlases.len() != snapshot.kernels.len()
        {
            self.atlases.truncate(snapshot.kernels.len());
            for (i, view) in snapshot.kernels.iter().enumerate() {
                let image = kernel_atlas(view);
                match self.atlases.get_mut(i) {
                    Some(texture) => texture.set(image, TextureOptions::NEAREST),
                    None => self.atlases.push(ui.ctx().load_texture(
                        format!("kernels{i}"),
                        image,
                        TextureOptions::NEAREST,
                    )),
                }
            }
            self.generation = Some(view.run.snapshot_generation);
        }
        let layers = snapshot.kernels.len() as f32;
        let width = ui.available_width() - 12.0;
        let height = ((ui.available_height() - 24.0 * layers) / layers).max(60.0);
        egui::ScrollArea::vertical()
            .id_salt("kernels_scroll")
            .show(ui, |ui| {
                for (kernels, atlas) in snapshot.kernels.iter().zip(&self.atlases) {
                    layer_ui(ui, kernels, atlas, egui::vec2(width, height));
                }
            });
        None
    }
}

const KERNELS_HINT: &str =
    "One row per filter, one tile per input channel; blue negative, white zero, red positive";

/// Filters per row and the cell side (points per weight) that show `outputs` filters of
/// `inputs` tiles of `kernel`×`kernel` weights as large as they fit in `room`.
pub fn kernel_grid(inputs: usize, outputs: usize, kernel: usize, room: egui::Vec2) -> (usize, f32) {
    let mut best = (1, 0.0f32);
    for per_row in 1..=outputs.max(1) {
        let rows = outputs.div_ceil(per_row);
        let across = (room.x - per_row as f32 * (FILTER_GAP + inputs as f32 * TILE_GAP))
            / (per_row * inputs * kernel) as f32;
        let down = (room.y - rows as f32 * TILE_GAP) / (rows * kernel) as f32;
        let cell = across.min(down).min(MAX_CELL);
        if cell > best.1 + 0.01 {
            best = (per_row, cell);
        }
    }
    (best.0, best.1.max(MIN_CELL))
}

/// Gap between the tiles of one filter, and between filters, in points.
const TILE_GAP: f32 = 2.0;
const FILTER_GAP: f32 = 8.0;
/// Largest and smallest drawn size of one weight, in points.
const MAX_CELL: f32 = 16.0;
const MIN_CELL: f32 = 2.0;

/// One Conv2d layer's filters in a grid sized to `room`: each filter a row of tiles (one per
/// input channel), filters side by side and wrapping.
fn layer_ui(ui: &mut egui::Ui, kernels: &KernelView, atlas: &TextureHandle, room: egui::Vec2) {
    ui.label(RichText::new(&kernels.name).strong())
        .on_hover_text(KERNELS_HINT);
    let (inputs, outputs, k) = (kernels.in_channels, kernels.out_channels, kernels.kernel);
    let (per_row, cell) = kernel_grid(inputs, outputs, k, room);
    let tile = k as f32 * cell;
    let block = inputs as f32 * (tile + TILE_GAP) + FILTER_GAP;
    let rows = outputs.div_ceil(per_row);
    let size = egui::vec2(per_row as f32 * block, rows as f32 * (tile + TILE_GAP));
    let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
    let origin = |o: usize, c: usize| {
        rect.min
            + egui::vec2(
                (o % per_row) as f32 * block + c as f32 * (tile + TILE_GAP),
                (o / per_row) as f32 * (tile + TILE_GAP),
            )
    };
    let mut hovered = None;
    for o in 0..outputs {
        for c in 0..inputs {
            let u = |c: usize| c as f32 / inputs as f32;
            let v = |o: usize| o as f32 / outputs as f32;
            let uv =
                egui::Rect::from_min_max(egui::pos2(u(c), v(o)), egui::pos2(u(c + 1), v(o + 1)));
            let place = egui::Rect::from_min_size(origin(o, c), egui::vec2(tile, tile));
            ui.painter().image(atlas.id(), place, uv, Color32::WHITE);
            if response.hover_pos().is_some_and(|p| place.contains(p)) {
                hovered = Some((o, c));
            }
        }
    }
    if let Some((o, c)) = hovered {
        let at = |y: usize, x: usize| kernels.weights[((o * inputs + c) * k + y) * k + x];
        let rows: Vec<String> = (0..k)
            .map(|y| {
                (0..k)
                    .map(|x| signed3(at(y, x)))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        response.on_hover_text_at_pointer(format!(
            "filter {} · input channel {} · bias b = {}\n{}",
            o + 1,
            c + 1,
            signed3(kernels.biases.get(o).copied().unwrap_or(0.0)),
            rows.join("\n")
        ));
    }
}

/// `value` with its sign and three decimals, `+0.000` for a small negative value (it read
/// `-0.000`).
fn signed3(value: f32) -> String {
    let text = format!("{value:+.3}");
    if text == "-0.000" {
        "+0.000".to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::signed3;

    #[test]
    fn a_small_negative_weight_reads_plus_zero() {
        assert_eq!(signed3(-0.0001), "+0.000");
        assert_eq!(signed3(-0.0), "+0.000");
        assert_eq!(signed3(-0.0006), "-0.001");
        assert_eq!(signed3(0.25), "+0.250");
    }
}
