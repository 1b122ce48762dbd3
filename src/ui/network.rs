//! Network view for multilayer perceptrons: neurons as circles coloured by their activation for
//! the selected sample, edges coloured by the sign of their weight and thickened by |w|. Hover
//! shows a value and its gradient; clicking a weight shows its chain rule with numbers,
//! `∂E/∂w_ij = δ_j · a_i`, and the update it will receive.
//!
//! All numbers come from the worker's trace of the selected sample ([`crate::train::TraceView`]).

use eframe::egui::{self, Color32, Pos2, RichText, Sense, Stroke};

use crate::data::Dataset;
use crate::nn::BackpropTrace;
use crate::train::NeuronMaps;
use crate::ui::action::Action;
use crate::ui::colormap::{diverging, sequential};
use crate::ui::format::format_number as num;
use crate::ui::panel::Panel;
use crate::ui::state::View;

/// Neurons drawn per layer; wider layers show their first ones and a "+N" mark.
pub const MAX_DRAWN_UNITS: usize = 16;

/// A weight: Dense layer `layer` (0-based), from input `from` to unit `to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WeightId {
    /// Dense layer index, input side first.
    pub layer: usize,
    /// Input index i.
    pub from: usize,
    /// Unit index j.
    pub to: usize,
}

/// The network view's state.
#[derive(Default)]
pub struct NetworkPanel {
    selected: Option<WeightId>,
    /// Every drawn hidden unit's heatmap side by side, and the snapshot it was made from.
    atlas: Option<(egui::TextureHandle, u64)>,
}

/// The hidden units' heatmaps as one atlas, tiles side by side in the order of
/// [`NeuronMaps::layers`] (at most [`MAX_DRAWN_UNITS`] per layer). Each layer is coloured on
/// its own scale: red/blue around 0 when it has negative values (tanh), dark-to-yellow from 0
/// otherwise (sigmoid, ReLU). Returns the image and the number of tiles.
pub fn neuron_atlas(maps: &NeuronMaps) -> (egui::ColorImage, usize) {
    let res = maps.resolution.max(1);
    let units: Vec<&Vec<f32>> = maps
        .layers
        .iter()
        .flat_map(|layer| layer.iter().take(MAX_DRAWN_UNITS))
        .collect();
    let tiles = units.len().max(1);
    let mut pixels = vec![Color32::BLACK; tiles * res * res];
    let mut tile = 0;
    for layer in &maps.layers {
        let values = layer.iter().take(MAX_DRAWN_UNITS).flatten().copied();
        let (min, max) = values
            .filter(|v| v.is_finite())
            .fold((0.0f32, 0.0f32), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let limit = min.abs().max(max).max(1e-6);
        for unit in layer.iter().take(MAX_DRAWN_UNITS) {
            for row in 0..res {
                for col in 0..res {
                    let v = unit.get(row * res + col).copied().unwrap_or(0.0);
                    let color = if min < 0.0 {
                        diverging(v, limit)
                    } else {
                        sequential(v, 0.0, limit)
                    };
                    // Row 0 of the maps is the bottom of the plane.
                    pixels[(res - 1 - row) * tiles * res + tile * res + col] = color;
                }
            }
            tile += 1;
        }
    }
    (egui::ColorImage::new([tiles * res, res], pixels), tiles)
}

/// Distance from `p` to the segment `a`–`b`.
fn distance_to_segment(p: Pos2, a: Pos2, b: Pos2) -> f32 {
    let ab = b - a;
    let t = ((p - a).dot(ab) / ab.length_sq().max(1e-6)).clamp(0.0, 1.0);
    (a + ab * t - p).length()
}

/// The chain rule of one weight with numbers, and its update (also used by tests).
pub fn chain_rule_text(trace: &BackpropTrace, id: WeightId, learning_rate: f64, l2: f64) -> String {
    let Some(layer) = trace.layers.get(id.layer) else {
        return String::new();
    };
    if id.from >= layer.inputs() || id.to >= layer.units() {
        return String::new();
    }
    let (i, j) = (id.from, id.to);
    let w = layer.weight[(i, j)];
    let delta = layer.delta[(0, j)];
    let a = layer.input[(0, i)];
    let g = layer.weight_grad[(i, j)];
    let step = -learning_rate * (g + l2 * w);
    let decay = if l2 > 0.0 {
        format!(" + {}·{}", num(l2), num(w))
    } else {
        String::new()
    };
    format!(
        "w{}{} (layer {}) = {}\n∂E/∂w{}{} = δ{} · a{} = {} · {} = {}\nupdate: Δw = −η(∂E/∂w{decay}) = −{}·({}{decay}) = {}\nnew w = {}",
        i + 1,
        j + 1,
        id.layer + 1,
        num(w),
        i + 1,
        j + 1,
        j + 1,
        i + 1,
        num(delta),
        num(a),
        num(g),
        num(learning_rate),
        num(g),
        num(step),
        num(w + step)
    )
}

impl NetworkPanel {
    /// Uploads the hidden units' heatmaps when a new snapshot brought them.
    fn update_atlas(&mut self, ctx: &egui::Context, maps: Option<&NeuronMaps>, generation: u64) {
        let Some(maps) = maps else {
            self.atlas = None;
            return;
        };
        if self.atlas.as_ref().is_some_and(|(_, g)| *g == generation) {
            return;
        }
        let (image, _) = neuron_atlas(maps);
        match &mut self.atlas {
            Some((texture, g)) => {
                texture.set(image, egui::TextureOptions::LINEAR);
                *g = generation;
            }
            None => {
                let texture = ctx.load_texture("neuron_atlas", image, egui::TextureOptions::LINEAR);
                self.atlas = Some((texture, generation));
            }
        }
    }

    /// The weight whose chain rule is shown, if any.
    pub fn selected(&self) -> Option<WeightId> {
        self.selected
    }
}

/// Where the neurons of one traced sample sit in the drawing.
struct Layout {
    /// Per column (the input, then each Dense layer): the values drawn (inputs, then a).
    columns: Vec<Vec<f64>>,
    /// Per column, the centres of the drawn neurons (at most [`MAX_DRAWN_UNITS`]).
    positions: Vec<Vec<Pos2>>,
    /// Radius of a neuron's circle in points.
    radius: f32,
}

impl Layout {
    fn new(trace: &BackpropTrace, rect: egui::Rect) -> Self {
        let mut columns: Vec<Vec<f64>> = vec![trace.input.row(0).iter().copied().collect()];
        for layer in &trace.layers {
            columns.push(layer.a.row(0).iter().copied().collect());
        }
        let count = columns.len();
        let positions = columns
            .iter()
            .enumerate()
            .map(|(c, values)| {
                let x = rect.left()
                    + 30.0
                    + (rect.width() - 60.0) * c as f32 / (count - 1).max(1) as f32;
                let shown = values.len().min(MAX_DRAWN_UNITS);
                (0..shown)
                    .map(|k| {
                        let y = rect.top() + rect.height() * (k as f32 + 0.5) / shown as f32;
                        Pos2::new(x, y)
                    })
                    .collect()
            })
            .collect();
        let tallest = columns.iter().map(Vec::len).max().unwrap_or(1);
        let radius = (rect.height() / (2.6 * MAX_DRAWN_UNITS.min(tallest) as f32)).clamp(4.0, 26.0);
        Self {
            columns,
            positions,
            radius,
        }
    }
}

impl NetworkPanel {
    /// Draws the weights as lines (red +, blue −, width |w|), dimmed outside the highlighted
    /// layer; returns the weight under the pointer, if any.
    fn edges_ui(
        &self,
        painter: &egui::Painter,
        trace: &BackpropTrace,
        layout: &Layout,
        highlight: Option<usize>,
        pointer: Option<Pos2>,
    ) -> Option<WeightId> {
        let mut hovered: Option<(WeightId, f32)> = None;
        for (l, layer) in trace.layers.iter().enumerate() {
            let limit = layer
                .weight
                .iter()
                .fold(0.0f64, |m, w| m.max(w.abs()))
                .max(1e-12);
            let emphasis = highlight.is_none_or(|h| h == l);
            for (i, &from) in layout.positions[l].iter().enumerate() {
                for (j, &to) in layout.positions[l + 1].iter().enumerate() {
                    let w = layer.weight[(i, j)];
                    let id = WeightId {
                        layer: l,
                        from: i,
                        to: j,
                    };
                    let mut color = diverging(w as f32, limit as f32);
                    if !emphasis {
                        color = color.gamma_multiply(0.25);
                    }
                    let width = 0.5 + 4.0 * (w.abs() / limit) as f32;
                    let width = if self.selected == Some(id) {
                        width + 3.0
                    } else {
                        width
                    };
                    painter.line_segment([from, to], Stroke::new(width, color));
                    if let Some(p) = pointer {
                        let d = distance_to_segment(p, from, to);
                        if d < 5.0 && hovered.is_none_or(|(_, best)| d < best) {
                            hovered = Some((id, d));
                        }
                    }
                }
            }
        }
        hovered.map(|(id, _)| id)
    }
}

/// The hidden units' heatmaps to draw in place of their circles: the atlas and, per column of
/// the layout, the atlas tile of its first unit (`None` for the input and output columns).
struct Heatmaps<'a> {
    texture: &'a egui::TextureHandle,
    tiles: usize,
    first_tile: Vec<Option<usize>>,
}

impl Heatmaps<'_> {
    /// The atlas's texture coordinates of tile `tile`.
    fn uv(&self, tile: usize) -> egui::Rect {
        let (u0, u1) = (
            tile as f32 / self.tiles as f32,
            (tile + 1) as f32 / self.tiles as f32,
        );
        egui::Rect::from_min_max(Pos2::new(u0, 0.0), Pos2::new(u1, 1.0))
    }
}

/// Draws the neurons coloured by their value (hidden units with a heatmap of their output over
/// the input plane, when there is one); returns `(column, unit)` under the pointer.
fn neurons_ui(
    ui: &egui::Ui,
    painter: &egui::Painter,
    layout: &Layout,
    highlight: Option<usize>,
    pointer: Option<Pos2>,
    heatmaps: Option<&Heatmaps<'_>>,
) -> Option<(usize, usize)> {
    let mut hovered = None;
    for (c, values) in layout.columns.iter().enumerate() {
        let limit = values.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-12);
        // Signed layers (tanh, inputs) on the diverging map around 0; layers that are never
        // negative (sigmoid, ReLU) on the sequential map from 0 to their largest value.
        let signed = values.iter().any(|&v| v < 0.0);
        let emphasis = highlight.is_none_or(|h| h + 1 == c);
        for (k, &center) in layout.positions[c].iter().enumerate() {
            let fill = if signed {
                diverging(values[k] as f32, limit as f32)
            } else {
                sequential(values[k] as f32, 0.0, limit as f32)
            };
            let stroke = if emphasis && highlight.is_some() {
                Stroke::new(3.0, Color32::from_rgb(240, 190, 60))
            } else {
                Stroke::new(1.0, ui.visuals().text_color())
            };
            let tile = heatmaps.and_then(|h| Some((h, h.first_tile.get(c).copied()?? + k)));
            match tile {
                Some((h, tile)) => {
                    let square = egui::Rect::from_center_size(
                        center,
                        egui::Vec2::splat(2.0 * layout.radius),
                    );
                    painter.image(h.texture.id(), square, h.uv(tile), Color32::WHITE);
                    painter.rect_stroke(square, 2.0, stroke, egui::StrokeKind::Outside);
                    // The unit's value for the traced sample, as a dot in the corner.
                    painter.circle(square.right_bottom(), layout.radius * 0.3, fill, stroke);
                }
                None => {
                    painter.circle(center, layout.radius, fill, stroke);
                }
            }
            if pointer.is_some_and(|p| p.distance(center) <= layout.radius) {
                hovered = Some((c, k));
            }
        }
        if values.len() > MAX_DRAWN_UNITS
            && let Some(last) = layout.positions[c].last()
        {
            painter.text(
                Pos2::new(last.x, painter.clip_rect().bottom() - 4.0),
                egui::Align2::CENTER_BOTTOM,
                format!("+{}", values.len() - MAX_DRAWN_UNITS),
                egui::FontId::proportional(12.0),
                ui.visuals().text_color(),
            );
        }
    }
    hovered
}

/// The tooltip of neuron `(column, unit)`: its value, and for a Dense unit z, a, δ, ∂E/∂b.
fn neuron_tip(
    data: &Dataset,
    trace: &BackpropTrace,
    layout: &Layout,
    (c, k): (usize, usize),
) -> String {
    if c == 0 {
        let name = data
            .feature_names
            .get(k)
            .cloned()
            .unwrap_or_else(|| format!("x{}", k + 1));
        return format!("input {} ({name}) = {}", k + 1, num(layout.columns[0][k]));
    }
    let layer = &trace.layers[c - 1];
    format!(
        "layer {c}, unit {}\nz = {}\na = {}\nδ = ∂E/∂z = {}\n∂E/∂b = {}",
        k + 1,
        num(layer.z[(0, k)]),
        num(layer.a[(0, k)]),
        num(layer.delta[(0, k)]),
        num(layer.bias_grad[k])
    )
}

/// The tooltip of a weight: its value and its gradient for this sample.
fn weight_tip(trace: &BackpropTrace, id: WeightId) -> String {
    let layer = &trace.layers[id.layer];
    format!(
        "w{}{} (layer {}) = {}\n∂E/∂w = {} for this sample\nclick for the chain rule",
        id.from + 1,
        id.to + 1,
        id.layer + 1,
        num(layer.weight[(id.from, id.to)]),
        num(layer.weight_grad[(id.from, id.to)])
    )
}

impl Panel for NetworkPanel {
    /// Neurons and weights with the numbers of one sample; a click on a weight shows its
    /// chain rule. The layer the backprop stepper is on is highlighted.
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>) -> Option<Action> {
        let highlight = view.highlighted_layer;
        ui.heading("Network");
        let traced = view.run.snapshot.as_ref().and_then(|s| s.trace.clone());
        let Some(traced) = traced else {
            ui.label("waiting for the trace of the selected sample…");
            return None;
        };
        let trace = match &traced.trace {
            Ok(trace) => trace,
            Err(message) => {
                ui.label(message);
                return None;
            }
        };
        ui.label(format!(
            "training sample {} · circles: activation a · lines: weight (red +, blue −, width |w|)",
            traced.sample
        ))
        .on_hover_text("Circles: red/blue for signed layers (tanh, inputs), dark-to-yellow for layers that are never negative (sigmoid, ReLU); colours and widths use each layer's own largest |value|; hover a circle or a line for numbers, click a line for its chain rule");
        let text_height = if self.selected.is_some() { 80.0 } else { 10.0 };
        let size = egui::vec2(
            ui.available_width().max(200.0),
            (ui.available_height() - text_height).max(160.0),
        );
        let (rect, response) = ui.allocate_exact_size(size, Sense::click());
        let painter = ui.painter_at(rect);
        let layout = Layout::new(trace, rect);
        let pointer = response.hover_pos();
        let neurons = view.run.snapshot.as_ref().and_then(|s| s.neurons.as_ref());
        self.update_atlas(ui.ctx(), neurons, view.run.snapshot_generation);
        let heatmaps = match (neurons, &self.atlas) {
            (Some(maps), Some((texture, _))) => {
                let mut first_tile = vec![None];
                let mut next = 0;
                for layer in &maps.layers {
                    first_tile.push(Some(next));
                    next += layer.len().min(MAX_DRAWN_UNITS);
                }
                Some(Heatmaps {
                    texture,
                    tiles: next.max(1),
                    first_tile,
                })
            }
            _ => None,
        };
        // Edges first, under the circles.
        let hovered_edge = self.edges_ui(&painter, trace, &layout, highlight, pointer);
        let hovered_neuron =
            neurons_ui(ui, &painter, &layout, highlight, pointer, heatmaps.as_ref());
        let tip = match (hovered_neuron, hovered_edge) {
            (Some(neuron), _) => Some(neuron_tip(view.data, trace, &layout, neuron)),
            (None, Some(id)) => Some(weight_tip(trace, id)),
            (None, None) => None,
        };
        if response.clicked() {
            self.selected = hovered_edge;
        }
        let large = hovered_neuron.and_then(|(c, k)| {
            let h = heatmaps.as_ref()?;
            Some((h.texture.id(), h.uv(h.first_tile.get(c).copied()?? + k)))
        });
        if let Some(tip) = tip {
            response.on_hover_ui_at_pointer(|ui| {
                ui.label(tip);
                if let Some((texture, uv)) = large {
                    ui.label("the unit's output over the input plane (as the boundary plot):");
                    let (rect, _) =
                        ui.allocate_exact_size(egui::Vec2::splat(160.0), Sense::hover());
                    ui.painter().image(texture, rect, uv, Color32::WHITE);
                }
            });
        }
        if let Some(id) = self.selected {
            let text = chain_rule_text(trace, id, traced.learning_rate, traced.l2);
            if text.is_empty() {
                self.selected = None;
            } else {
                ui.label(RichText::new(text).monospace())
                    .on_hover_text("The chain rule for the clicked weight with this sample's numbers, and the plain-SGD update it will receive (η = learning rate, λ = L2)");
            }
        }
        None
    }
}
