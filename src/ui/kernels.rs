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
        egui::ScrollArea::both()
            .id_salt("kernels_scroll")
            .show(ui, |ui| {
                ui.horizontal_top(|ui| {
                    for (kernels, atlas) in snapshot.kernels.iter().zip(&self.atlases) {
                        ui.vertical(|ui| layer_ui(ui, kernels, atlas));
                        ui.add_space(16.0);
                    }
                });
            });
        None
    }
}

const KERNELS_HINT: &str =
    "One row per filter, one tile per input channel; blue negative, white zero, red positive";

/// One Conv2d layer's filters: a row per filter, a tile per input channel, a gap between.
fn layer_ui(ui: &mut egui::Ui, kernels: &KernelView, atlas: &TextureHandle) {
    ui.label(RichText::new(&kernels.name).strong())
        .on_hover_text(KERNELS_HINT);
    let (inputs, outputs) = (kernels.in_channels, kernels.out_channels);
    let cell = (160.0 / (inputs * kernels.kernel) as f32).clamp(2.0, 10.0);
    let gap = 2.0;
    let tile = kernels.kernel as f32 * cell;
    let size = egui::vec2(inputs as f32 * (tile + gap), outputs as f32 * (tile + gap));
    let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
    for o in 0..outputs {
        for c in 0..inputs {
            let min = rect.min + egui::vec2(c as f32 * (tile + gap), o as f32 * (tile + gap));
            let u = |c: usize| c as f32 / inputs as f32;
            let v = |o: usize| o as f32 / outputs as f32;
            let uv =
                egui::Rect::from_min_max(egui::pos2(u(c), v(o)), egui::pos2(u(c + 1), v(o + 1)));
            ui.painter().image(
                atlas.id(),
                egui::Rect::from_min_size(min, egui::vec2(tile, tile)),
                uv,
                Color32::WHITE,
            );
        }
    }
    if let Some(pos) = response.hover_pos() {
        let c = ((pos.x - rect.left()) / (tile + gap)) as usize;
        let o = ((pos.y - rect.top()) / (tile + gap)) as usize;
        if c < inputs && o < outputs {
            response.on_hover_text_at_pointer(format!(
                "filter {} · input channel {}",
                o + 1,
                c + 1
            ));
        }
    }
}
