//! Network view for multilayer perceptrons: neurons as circles coloured by their activation for
//! the selected sample, edges coloured by the sign of their weight and thickened by |w|. Hover
//! shows a value and its gradient; clicking a weight shows its chain rule with numbers,
//! `∂E/∂w_ij = δ_j · a_i`, and the update it will receive.
//!
//! All numbers come from the worker's trace of the selected sample ([`crate::train::TraceView`]).

use std::sync::Arc;

use eframe::egui::{self, Color32, Pos2, Sense, Stroke};

use crate::data::Dataset;
use crate::nn::{BackpropTrace, Target, sgd_step};
use crate::train::{NeuronMaps, TraceView};
use crate::ui::action::Action;
use crate::ui::colormap::{diverging, sequential};
use crate::ui::format::format_number as num;
use crate::ui::labelplace::place_on_edge;
use crate::ui::panel::Panel;
use crate::ui::state::View;
use crate::ui::stepper::Phase;
use crate::ui::typeset::{factor, formula_line, number, pair, weight_name};

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

/// The chain rule of one weight with numbers, and its update (also used by tests), one
/// formula per line in the subscript markup of [`crate::ui::typeset`].
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
    let name = weight_name(i + 1, j + 1);
    let decay = if l2 > 0.0 {
        format!(" + {}·{}", number(l2), factor(w))
    } else {
        String::new()
    };
    format!(
        "{name} (layer {}) = {}\n∂E/∂{name} = δ_{{{}}} · a_{{{}}} = {} · {} = {}\nupdate: Δ{name} = −η(∂E/∂{name}{decay}) = −{}·({}{decay}) = {}\nnew {name} = {}",
        id.layer + 1,
        number(w),
        j + 1,
        i + 1,
        factor(delta),
        factor(a),
        number(g),
        number(learning_rate),
        number(g),
        number(step),
        number(w + step)
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

/// Space left and right of the outer columns, for the largest neuron and its labels.
const MARGIN: f32 = 40.0;

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
    /// The squares the units of `columns` are drawn in: edge labels keep off them when they
    /// can ([`place_on_edge`]; they covered the input circles and the hidden units' maps).
    fn unit_rects(&self, columns: &[usize]) -> Vec<egui::Rect> {
        columns
            .iter()
            .filter_map(|&c| self.positions.get(c))
            .flatten()
            .map(|&p| egui::Rect::from_center_size(p, egui::Vec2::splat(2.0 * self.radius)))
            .collect()
    }

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
                    + MARGIN
                    + (rect.width() - 2.0 * MARGIN) * c as f32 / (count - 1).max(1) as f32;
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

/// Units per column, and edges per layer, up to which the stepper's numbers are painted on the
/// network (more would cover each other; the formulas below list them all).
const ANNOTATED_UNITS: usize = 8;
const ANNOTATED_EDGES: usize = 24;

/// Paints `text` with a dark backing so it reads on top of edges and heatmaps; `anchor` says
/// which point of the text sits at `pos`.
/// Returns the rectangle it covers.
fn tag(
    painter: &egui::Painter,
    pos: Pos2,
    anchor: egui::Align2,
    text: String,
    color: Color32,
) -> egui::Rect {
    let galley = painter.layout_no_wrap(text, egui::FontId::monospace(12.0), color);
    let rect = anchor.anchor_size(pos, galley.size()).expand(2.0);
    backed(painter, rect, galley, color);
    rect
}

/// Paints `galley` in `rect` (its size and a 2-point margin) on a dark backing.
fn backed(painter: &egui::Painter, rect: egui::Rect, galley: Arc<egui::Galley>, color: Color32) {
    painter.rect_filled(rect, 3.0, Color32::from_black_alpha(200));
    painter.galley(rect.min + egui::vec2(2.0, 2.0), galley, color);
}

/// Paints `text` on the edge from unit i of column l to unit j of the next, where it covers
/// none of `taken` if it can ([`place_on_edge`], from the share [`edge_share`]), and adds the
/// rectangle it covers to `taken`.
fn edge_tag(
    painter: &egui::Painter,
    layout: &Layout,
    (l, i, j): (usize, usize, usize),
    text: String,
    color: Color32,
    taken: &mut Vec<egui::Rect>,
) {
    let galley = painter.layout_no_wrap(text, egui::FontId::monospace(12.0), color);
    let size = galley.size() + egui::vec2(4.0, 4.0);
    let ends = (layout.positions[l][i], layout.positions[l + 1][j]);
    let rect = place_on_edge(taken, ends, size, edge_share(layout, l, j));
    backed(painter, rect, galley, color);
    taken.push(rect);
}

/// The numbers of the stepper's `phase` on the neurons and edges they belong to: z and a on
/// the units in a forward phase, the output and target at the loss, δ on the units and
/// ∂E/∂w on the edges going backward, and each weight's new value at the update.
fn annotate_phase(
    painter: &egui::Painter,
    trace: &BackpropTrace,
    layout: &Layout,
    phase: Phase,
    traced: &TraceView,
) {
    let color = Color32::from_rgb(255, 220, 120);
    // Beside the neuron: to its right, or to its left for the output column at the edge.
    let last = layout.positions.len() - 1;
    let beside = |c: usize, k: usize| {
        let offset = layout.radius * 1.1 + 4.0;
        if c == last {
            (
                layout.positions[c][k] - egui::vec2(offset, 0.0),
                egui::Align2::RIGHT_CENTER,
            )
        } else {
            (
                layout.positions[c][k] + egui::vec2(offset, 0.0),
                egui::Align2::LEFT_CENTER,
            )
        }
    };
    let units_ok = |c: usize| layout.positions[c].len() <= ANNOTATED_UNITS;
    let edges_ok =
        |l: usize| layout.positions[l].len() * layout.positions[l + 1].len() <= ANNOTATED_EDGES;
    match phase {
        Phase::Forward(l) if units_ok(l + 1) => {
            let layer = &trace.layers[l];
            for k in 0..layout.positions[l + 1].len() {
                let text = format!(
                    "z{} = {}\na{} = {}",
                    k + 1,
                    number(layer.z[(0, k)]),
                    k + 1,
                    number(layer.a[(0, k)])
                );
                {
                    let (at, anchor) = beside(l + 1, k);
                    tag(painter, at, anchor, text, color);
                }
            }
        }
        Phase::Loss => {
            let c = layout.positions.len() - 1;
            if units_ok(c) {
                for k in 0..layout.positions[c].len() {
                    let text = match &trace.target {
                        Target::Values(t) => format!(
                            "o{} = {}\nt{} = {}",
                            k + 1,
                            number(trace.output[(0, k)]),
                            k + 1,
                            number(t[(0, k)])
                        ),
                        Target::Classes(_) => {
                            format!("∂E/∂z{} = {}", k + 1, number(trace.grad_output[(0, k)]))
                        }
                    };
                    {
                        let (at, anchor) = beside(c, k);
                        tag(painter, at, anchor, text, color);
                    }
                }
            }
            tag(
                painter,
                painter.clip_rect().right_top() + egui::vec2(-4.0, 4.0),
                egui::Align2::RIGHT_TOP,
                format!("E = {}", number(trace.loss)),
                color,
            );
        }
        Phase::Backward(l) => {
            let layer = &trace.layers[l];
            let mut taken = layout.unit_rects(&[l, l + 1]);
            if units_ok(l + 1) {
                for k in 0..layout.positions[l + 1].len() {
                    let text = format!("δ{} = {}", k + 1, number(layer.delta[(0, k)]));
                    let (at, anchor) = beside(l + 1, k);
                    taken.push(tag(painter, at, anchor, text, color));
                }
            }
            if edges_ok(l) {
                for i in 0..layout.positions[l].len() {
                    for j in 0..layout.positions[l + 1].len() {
                        let text = format!("∂E/∂w = {}", number(layer.weight_grad[(i, j)]));
                        edge_tag(painter, layout, (l, i, j), text, color, &mut taken);
                    }
                }
            }
        }
        Phase::Update => annotate_update(painter, trace, layout, traced, color),
        Phase::Forward(_) => {}
    }
}

/// The update phase's labels: each weight's old → new value on its edge (plain SGD with the
/// trace's η and λ), for layers with few enough edges.
fn annotate_update(
    painter: &egui::Painter,
    trace: &BackpropTrace,
    layout: &Layout,
    traced: &TraceView,
    color: Color32,
) {
    let columns: Vec<usize> = (0..layout.positions.len()).collect();
    let mut taken = layout.unit_rects(&columns);
    for (l, layer) in trace.layers.iter().enumerate() {
        if layout.positions[l].len() * layout.positions[l + 1].len() > ANNOTATED_EDGES {
            continue;
        }
        let (new_weight, _) = sgd_step(layer, traced.learning_rate, traced.l2);
        for i in 0..layout.positions[l].len() {
            for j in 0..layout.positions[l + 1].len() {
                let text = format!(
                    "{} → {}",
                    number(layer.weight[(i, j)]),
                    number(new_weight[(i, j)])
                );
                edge_tag(painter, layout, (l, i, j), text, color, &mut taken);
            }
        }
    }
}

/// Where a label would rather sit on an edge from column l to unit j of the next column, as
/// a share of the edge's length: staggered by j so the labels of one unit's edges start
/// apart ([`edge_tag`] slides them further when they still cover each other).
fn edge_share(layout: &Layout, l: usize, j: usize) -> f32 {
    0.35 + 0.3 * (j as f32 / layout.positions[l + 1].len().max(1) as f32)
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
        "w{} (layer {}) = {}\n∂E/∂w = {} for this sample\nclick for the chain rule",
        pair(id.from + 1, id.to + 1),
        id.layer + 1,
        number(layer.weight[(id.from, id.to)]),
        number(layer.weight_grad[(id.from, id.to)])
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
            traced.sample + 1
        ))
        .on_hover_text("Circles: red/blue for signed layers (tanh, inputs), dark-to-yellow for layers that are never negative (sigmoid, ReLU); colours and widths use each layer's own largest |value|; hover a circle or a line for numbers, click a line for its chain rule");
        let text_height = if self.selected.is_some() { 80.0 } else { 10.0 };
        let size = egui::vec2(
            ui.available_width().max(200.0),
            (ui.available_height() - text_height).max(100.0),
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
        if let Some(phase) = view.stepper_phase {
            annotate_phase(&painter, trace, &layout, phase, &traced);
        }
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
                for line in text.lines() {
                    formula_line(
                        ui,
                        line,
                        "The chain rule for the clicked weight with this sample's numbers, and the plain-SGD update it will receive (η = learning rate, λ = L2)",
                    );
                }
            }
        }
        None
    }
}
