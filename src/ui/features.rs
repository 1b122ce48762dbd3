//! Feature-map panel: for one chosen sample, the input image and every Conv2d and MaxPool2d
//! layer's channels as a grid of small heatmaps, with the softmax probabilities as a bar chart.

use eframe::egui::{self, Color32, RichText, Sense, TextureHandle, TextureOptions};
use egui_plot::{Bar, BarChart, Plot};

use crate::data::Dataset;
use crate::train::{FeatureMaps, MapLayer};
use crate::ui::action::Action;
use crate::ui::canvas::{DigitCanvas, SAMPLE_SHAPE};
use crate::ui::colormap::{class_color, diverging, sequential};
use crate::ui::controls::typed::sample_number_ui;
use crate::ui::panel::Panel;
use crate::ui::pixel::PixelRef;
use crate::ui::state::View;

/// The feature-map panel's textures (one atlas per layer), the digit canvas and the pixel
/// chosen for the arithmetic tab.
#[derive(Default)]
pub struct FeaturesPanel {
    atlases: Vec<TextureHandle>,
    generation: Option<u64>,
    canvas: DigitCanvas,
    drawing: bool,
    selected: Option<PixelRef>,
}

const DRAW_HINT: &str = "Draw your own digit instead of a data sample: the probabilities and \
    every feature map follow the drawing, paused or training";
const TILE_HINT: &str = "click a pixel for its arithmetic";

/// Colours one layer's values: signed outputs on the diverging map (limit max |v|), non-negative
/// ones (after ReLU or pooling) on the sequential map from 0 to the maximum. The input image is
/// grey. Returns an atlas with the channels side by side, `[width · channels, height]`.
pub fn layer_atlas(layer: &MapLayer, grey: bool) -> egui::ColorImage {
    let shape = layer.shape;
    let (h, w, c) = (shape.height, shape.width, shape.channels);
    let finite = layer.values.iter().copied().filter(|v| v.is_finite());
    let (min, max) = finite.fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let limit = min.abs().max(max.abs());
    let mut pixels = vec![Color32::BLACK; w * c * h];
    for channel in 0..c {
        for y in 0..h {
            for x in 0..w {
                let v = layer
                    .values
                    .get((channel * h + y) * w + x)
                    .copied()
                    .unwrap_or(0.0);
                let color = if grey {
                    let level = (v.clamp(0.0, 1.0) * 255.0).round() as u8;
                    Color32::from_gray(level)
                } else if min >= 0.0 {
                    sequential(v, 0.0, max)
                } else {
                    diverging(v, limit)
                };
                pixels[y * w * c + channel * w + x] = color;
            }
        }
    }
    egui::ColorImage::new([w * c, h], pixels)
}

/// Draws channel `channel` of an atlas made by [`layer_atlas`] as a `side`-point tile with an
/// accessible label, and returns its response.
fn tile(
    ui: &mut egui::Ui,
    atlas: &TextureHandle,
    channels: usize,
    channel: usize,
    size: egui::Vec2,
    label: String,
    hint: Option<&str>,
) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(size, Sense::click());
    let u0 = channel as f32 / channels as f32;
    let u1 = (channel + 1) as f32 / channels as f32;
    ui.painter().image(
        atlas.id(),
        rect,
        egui::Rect::from_min_max(egui::pos2(u0, 0.0), egui::pos2(u1, 1.0)),
        Color32::WHITE,
    );
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &label));
    match hint {
        Some(hint) => response.on_hover_text(format!("{label}: {hint}")),
        None => response.on_hover_text(label),
    }
}

impl FeaturesPanel {
    /// Uploads the input and each layer's tiles as textures when a new snapshot has arrived.
    fn update_atlases(&mut self, ctx: &egui::Context, maps: &FeatureMaps, generation: u64) {
        if self.generation == Some(generation) && self.atlases.len() == maps.layers.len() + 1 {
            return;
        }
        let images = std::iter::once(layer_atlas(&maps.input, true))
            .chain(maps.layers.iter().map(|layer| layer_atlas(layer, false)));
        self.atlases.truncate(maps.layers.len() + 1);
        for (i, image) in images.enumerate() {
            match self.atlases.get_mut(i) {
                Some(texture) => texture.set(image, TextureOptions::NEAREST),
                None => self.atlases.push(ctx.load_texture(
                    format!("feature_atlas{i}"),
                    image,
                    TextureOptions::NEAREST,
                )),
            }
        }
        self.generation = Some(generation);
    }

    /// Every Conv2d and MaxPool2d layer's channels as tiles, at most two rows per layer, the
    /// chosen pixel outlined. Returns the pixel clicked this frame.
    fn maps_ui(&self, ui: &mut egui::Ui, maps: &FeatureMaps) -> Option<PixelRef> {
        let mut clicked = None;
        egui::ScrollArea::vertical()
            .id_salt("feature_maps_scroll")
            .show(ui, |ui| {
                for (index, (layer, atlas)) in
                    maps.layers.iter().zip(&self.atlases[1..]).enumerate()
                {
                    ui.label(RichText::new(&layer.name).strong());
                    let shape = layer.shape;
                    // At most two rows of tiles, each at most 96 points high.
                    let per_row = shape.channels.div_ceil(2).max(1) as f32;
                    let side = ((ui.available_width() - 3.0 * per_row) / per_row).clamp(16.0, 96.0);
                    let scale = side / shape.height.max(shape.width) as f32;
                    let size = egui::vec2(shape.width as f32 * scale, shape.height as f32 * scale);
                    ui.horizontal_wrapped(|ui| {
                        ui.spacing_mut().item_spacing = egui::vec2(3.0, 3.0);
                        for channel in 0..shape.channels {
                            let response = tile(
                                ui,
                                atlas,
                                shape.channels,
                                channel,
                                size,
                                format!("feature map: {} channel {}", layer.name, channel + 1),
                                Some(TILE_HINT),
                            );

                            let at = |pos: egui::Pos2| {
                                let rel = (pos - response.rect.min) / response.rect.size();
                                PixelRef {
                                    layer: index,
                                    channel,
                                    y: ((rel.y * shape.height as f32) as usize)
                                        .min(shape.height - 1),
                                    x: ((rel.x * shape.width as f32) as usize).min(shape.width - 1),
                                }
                            };
                            if response.clicked()
                                && let Some(pos) = response.interact_pointer_pos()
                            {
                                clicked = Some(at(pos));
                            }
                            if let Some(p) = self.selected
                                && p.layer == index
                                && p.channel == channel
                            {
                                let cell = response.rect.size()
                                    / egui::vec2(shape.width as f32, shape.height as f32);
                                let min = response.rect.min
                                    + egui::vec2(p.x as f32 * cell.x, p.y as f32 * cell.y);
                                ui.painter().rect_stroke(
                                    egui::Rect::from_min_size(min, cell),
                                    0.0,
                                    egui::Stroke::new(2.0, Color32::from_rgb(255, 200, 0)),
                                    egui::StrokeKind::Outside,
                                );
                            }
                        }
                    });
                }
            });
        clicked
    }
}

impl Panel for FeaturesPanel {
    /// The sample picker, the prediction and the feature maps; a new sample to show when the
    /// user picks one.
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>) -> Option<Action> {
        let (data, run): (&Dataset, _) = (view.data, view.run);
        ui.heading("Feature maps");
        let misclassified = run
            .snapshot
            .as_ref()
            .and_then(|s| s.evaluation.as_ref())
            .map(|e| e.misclassified.clone())
            .unwrap_or_default();
        let can_draw = data.image_shape == Some(SAMPLE_SHAPE);
        let mut action = None;
        ui.horizontal(|ui| {
            if can_draw
                && ui
                    .toggle_value(&mut self.drawing, "Draw a digit")
                    .on_hover_text(DRAW_HINT)
                    .changed()
            {
                action = Some(Action::DrawnDigit(if self.drawing {
                    self.canvas.sample()
                } else {
                    None
                }));
            }
            if !self.drawing {
                let chosen = sample_picker_ui(ui, data, view.views.sample, &misclassified);
                action = action.take().or(chosen.map(Action::ShowSample));
            }
        });
        let Some(maps) = run.snapshot.as_ref().and_then(|s| s.feature_maps.as_ref()) else {
            ui.label("waiting for the first snapshot…");
            return action;
        };
        self.update_atlases(ui.ctx(), maps, run.snapshot_generation);
        let channels = maps.input.shape.channels;
        let drawing = self.drawing && can_draw;
        let name = if maps.drawn {
            "input image: your drawing as the network sees it (28×28, centred)".to_string()
        } else {
            format!("input image, sample {}", maps.sample + 1)
        };
        ui.horizontal(|ui| {
            if drawing {
                ui.vertical(|ui| {
                    if self.canvas.ui(ui, 168.0) {
                        action = Some(Action::DrawnDigit(self.canvas.sample()));
                    }
                    if ui
                        .add_enabled(!self.canvas.is_empty(), egui::Button::new("Clear"))
                        .on_hover_text("Wipe the canvas")
                        .clicked()
                    {
                        self.canvas.clear();
                        action = Some(Action::DrawnDigit(None));
                    }
                });
            }
            let input_side = if drawing { 84.0 } else { 112.0 };
            tile(
                ui,
                &self.atlases[0],
                channels,
                0,
                egui::vec2(input_side, input_side),
                name,
                None,
            );
            if !drawing {
                prediction_ui(ui, data, maps);
            }
        });
        // While drawing, the probabilities get a full row under the canvas.
        if drawing {
            prediction_ui(ui, data, maps);
        }
        if let Some(pixel) = self.maps_ui(ui, maps) {
            self.selected = Some(pixel);
            action = Some(Action::SelectPixel(pixel));
        }
        action
    }
}

/// Index, previous/next, random and next misclassified; returns the sample the user picked.
fn sample_picker_ui(
    ui: &mut egui::Ui,
    data: &Dataset,
    sample: usize,
    misclassified: &[usize],
) -> Option<usize> {
    let count = if data.test.is_empty() {
        data.train.len()
    } else {
        data.test.len()
    };
    let mut chosen = None;
    ui.horizontal_wrapped(|ui| {
        let what = if data.test.is_empty() {
            "training sample"
        } else {
            "test sample"
        };
        ui.label(what);
        let mut index = sample;
        if sample_number_ui(ui, &mut index, count, what) {
            chosen = Some(index);
        }
        if ui
            .button("‹ prev")
            .on_hover_text("The previous sample")
            .clicked()
        {
            chosen = Some(sample.checked_sub(1).unwrap_or(count.saturating_sub(1)));
        }
        if ui
            .button("next ›")
            .on_hover_text("The next sample")
            .clicked()
        {
            chosen = Some(if sample + 1 >= count { 0 } else { sample + 1 });
        }
        if ui
            .button("random")
            .on_hover_text("A random sample")
            .clicked()
        {
            chosen = Some(rand::random_range(0..count.max(1)));
        }
        let next_wrong = misclassified
            .iter()
            .copied()
            .find(|&i| i > sample)
            .or_else(|| misclassified.first().copied());
        if ui
            .add_enabled(
                next_wrong.is_some(),
                egui::Button::new("next misclassified"),
            )
            .on_hover_text("The next test sample the model gets wrong (from the latest evaluation)")
            .clicked()
        {
            chosen = next_wrong;
        }
    });
    chosen
}

fn prediction_ui(ui: &mut egui::Ui, data: &Dataset, maps: &FeatureMaps) {
    let names: Vec<String> = match &data.task {
        crate::data::Task::Classification { class_names } => class_names.clone(),
        crate::data::Task::Regression => Vec::new(),
    };
    let predicted = maps
        .probabilities
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(k, _)| k);
    ui.vertical(|ui| {
        let truth = maps
            .label
            .and_then(|k| names.get(k))
            .cloned()
            .unwrap_or_default();
        let guess = predicted
            .and_then(|k| names.get(k))
            .cloned()
            .unwrap_or_default();
        let verdict = if maps.label == predicted {
            "right"
        } else {
            "wrong"
        };
        let headline = if maps.drawn {
            format!("your drawing · predicted {guess}")
        } else {
            format!("true class {truth} · predicted {guess} ({verdict})")
        };
        ui.label(RichText::new(headline).strong())
            .on_hover_text("The sample's label and the class with the highest softmax probability");
        let bars: Vec<Bar> = maps
            .probabilities
            .iter()
            .enumerate()
            .map(|(k, &p)| {
                let color = if Some(k) == maps.label {
                    class_color(2)
                } else {
                    Color32::from_rgb(120, 140, 170)
                };
                Bar::new(k as f64, f64::from(p))
                    .name(names.get(k).cloned().unwrap_or_default())
                    .fill(color)
                    .width(0.7)
            })
            .collect();
        Plot::new("prediction_plot")
            .height(112.0)
            .include_y(0.0)
            .include_y(1.0)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .custom_x_axes(vec![
                egui_plot::AxisHints::new_x()
                    .label("class (true class in green)")
                    .label_spacing(10.0..=16.0),
            ])
            .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [10.0, 1.0, 1.0]))
            .x_axis_formatter({
                let names = names.clone();
                move |mark, _| {
                    let k = mark.value.round();
                    if (mark.value - k).abs() < 1e-6 && k >= 0.0 {
                        names.get(k as usize).cloned().unwrap_or_default()
                    } else {
                        String::new()
                    }
                }
            })
            .show(ui, |plot_ui| {
                plot_ui.add(BarChart::new("softmax probability", bars));
            });
    });
}
