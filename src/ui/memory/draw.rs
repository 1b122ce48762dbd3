//! Drawing the Memory view: neuron grids (the state with the updated neuron highlighted, the
//! cue, thumbnails, the canvas), the N×N weight heatmap and the last outer product x x^T, the
//! end state, and the energy, overlap, capacity and basin plots.

use std::hash::{Hash, Hasher};

use eframe::egui::{self, Color32, RichText, Sense, TextureHandle, TextureOptions};
use egui_plot::{Line, Plot, PlotPoints, VLine};

use super::{DynamicsKind, MemoryPanel};
use crate::memory::{AGS_CAPACITY, EndState, Grid, LearningRule, field_split};
use crate::ui::colormap::{class_color, diverging};
use crate::ui::plot::{LegendEntry, Marker, data_y_grid, legend_row, x_axis, y_axis};
use crate::ui::typeset::rule_line;

/// Most overlap curves the legend above the overlap plot names one by one.
const OVERLAP_LEGEND_MAX: usize = 12;

/// Colour of the energy curve (of run A when two run side by side).
const ENERGY_COLOR: Color32 = Color32::from_rgb(214, 39, 40);

/// Largest side of the state grid and the two heatmaps, in points (they shrink to share the
/// width three ways, e.g. in presentation mode).
const MAX_SIDE: f32 = 220.0;
/// Tallest a plot gets, and the least it shrinks to on a small screen (then the view scrolls).
const PLOT_HEIGHT: f32 = 190.0;
const MIN_PLOT_HEIGHT: f32 = 75.0;
/// Points of the main area that are neither pictures nor plots: headings, the cue, the status
/// line, each plot's title and legend (measured at 1280×800).
const FIXED_ROWS: f32 = 235.0;
const INK: Color32 = Color32::from_rgb(30, 30, 30);
const PAPER: Color32 = Color32::from_rgb(235, 235, 225);
const HIGHLIGHT: Color32 = Color32::from_rgb(255, 140, 0);
const TWO_CYCLE_NOTE: &str = "Synchronous updates can alternate between two states forever: the \
    energy argument (E never rises) holds only for asynchronous updates.";

/// The heatmap textures and whether the weights changed since they were made.
#[derive(Default)]
pub(super) struct Textures {
    weights: Option<TextureHandle>,
    outer: Option<TextureHandle>,
    pub(super) weights_dirty: bool,
    limit: f64,
}

fn spin_color(s: i8) -> Color32 {
    if s > 0 { INK } else { PAPER }
}

/// A spin grid's picture (one texel per neuron), kept in egui's memory under the id of the
/// widget that shows it and uploaded again only when the spins change. One textured quad
/// instead of a rectangle per +1 neuron: 26 letter thumbnails are ~1 300 anti-aliased
/// rectangles, ~13 000 small triangles a frame, and the software renderer (llvmpipe) spent
/// more time setting those up than on the rest of the view (bench-ui memory p95 13.3 ms with
/// them, 5.9 ms without).
#[derive(Clone)]
struct SpinTexture {
    /// Hash of the grid and the spins the texture shows.
    key: u64,
    texture: TextureHandle,
}

/// The grid `rows × cols` of `spins` as an image: +1 in ink, −1 on paper.
fn spin_image(grid: Grid, spins: &[i8]) -> egui::ColorImage {
    let pixels = (0..grid.neurons())
        .map(|i| spin_color(spins.get(i).copied().unwrap_or(-1)))
        .collect();
    egui::ColorImage::new([grid.cols, grid.rows], pixels)
}

/// Paints `spins` on `grid` into `rect`, through the texture cached under `id`.
fn paint_spins(ui: &egui::Ui, id: egui::Id, rect: egui::Rect, grid: Grid, spins: &[i8]) {
    let key = {
        let mut hasher = std::hash::DefaultHasher::new();
        (grid.rows, grid.cols, spins).hash(&mut hasher);
        hasher.finish()
    };
    let ctx = ui.ctx();
    let cached = ctx.data(|d| d.get_temp::<SpinTexture>(id));
    if let Some(cached) = &cached
        && cached.key == key
    {
        paint_whole(ui.painter(), &cached.texture, rect);
        return;
    }
    let image = spin_image(grid, spins);
    let texture = match cached {
        Some(mut cached) => {
            cached.texture.set(image, TextureOptions::NEAREST);
            cached.texture
        }
        None => ctx.load_texture("memory_spins", image, TextureOptions::NEAREST),
    };
    let entry = SpinTexture {
        key,
        texture: texture.clone(),
    };
    ctx.data_mut(|d| d.insert_temp(id, entry));
    paint_whole(ui.painter(), &texture, rect);
}

/// Paints the whole of `texture` into `rect`.
fn paint_whole(painter: &egui::Painter, texture: &TextureHandle, rect: egui::Rect) {
    let uv = egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
    painter.image(texture.id(), rect, uv, Color32::WHITE);
}

/// The neuron under `pos` in a grid drawn into `rect`.
fn neuron_at(rect: egui::Rect, grid: Grid, pos: egui::Pos2) -> Option<usize> {
    if !rect.contains(pos) {
        return None;
    }
    let c = (((pos.x - rect.left()) / rect.width()) * grid.cols as f32) as usize;
    let r = (((pos.y - rect.top()) / rect.height()) * grid.rows as f32) as usize;
    Some(r.min(grid.rows - 1) * grid.cols + c.min(grid.cols - 1))
}

/// The neurons a straight stroke from `from` to `to` crosses, in stroke order, each once:
/// the segment is sampled every quarter of a cell, so a fast stroke (a pointer that moved
/// several cells between two frames) leaves no gap. Points outside `rect` paint nothing.
fn neurons_on_stroke(rect: egui::Rect, grid: Grid, from: egui::Pos2, to: egui::Pos2) -> Vec<usize> {
    let cell = (rect.width() / grid.cols as f32).min(rect.height() / grid.rows as f32);
    let steps = if cell > 0.0 {
        ((to - from).length() / (cell / 4.0))
            .ceil()
            .clamp(1.0, 10_000.0) as usize
    } else {
        1
    };
    let mut out: Vec<usize> = Vec::new();
    for k in 0..=steps {
        let pos = from.lerp(to, k as f32 / steps as f32);
        if let Some(i) = neuron_at(rect, grid, pos)
            && !out.contains(&i)
        {
            out.push(i);
        }
    }
    out
}

/// A small pattern, framed when chosen; clickable.
pub(super) fn thumbnail_ui(
    ui: &mut egui::Ui,
    grid: Grid,
    spins: &[i8],
    cell: f32,
    chosen: bool,
) -> egui::Response {
    let size = egui::vec2(cell * grid.cols as f32, cell * grid.rows as f32);
    let (rect, response) = ui.allocate_exact_size(size, Sense::click());
    paint_spins(ui, response.id, rect, grid, spins);
    // The chosen frame is drawn inside the thumbnail: outside, its 3 points covered the top
    // edge of the thumbnail below.
    let (stroke, kind) = if chosen {
        (egui::Stroke::new(3.0, HIGHLIGHT), egui::StrokeKind::Inside)
    } else {
        (
            egui::Stroke::new(1.0, ui.visuals().weak_text_color()),
            egui::StrokeKind::Outside,
        )
    };
    ui.painter().rect_stroke(rect, 0.0, stroke, kind);
    response
}

/// The drawing canvas: left button paints +1, right button −1. Returns true when it changed.
pub(super) fn canvas_ui(
    ui: &mut egui::Ui,
    grid: Grid,
    spins: &mut [i8],
    side: f32,
    tip: &str,
) -> bool {
    let cell = side / grid.rows.max(grid.cols) as f32;
    let size = egui::vec2(cell * grid.cols as f32, cell * grid.rows as f32);
    let (rect, response) = ui.allocate_exact_size(size, Sense::click_and_drag());
    let response = response.on_hover_text(tip);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, "memory canvas"));
    let mut changed = false;
    // The pen: a button pressed on the canvas and still down, with where the pointer was at
    // the end of the last frame. Each frame paints the stroke from there, so a fast move
    // leaves no gap; the canvas keeps it itself because egui reports neither a drag nor a
    // click when a flick's whole move and its release reach one frame (before egui decided
    // between click and drag), and that frame must still paint.
    let pen_id = response.id.with("pen");
    let pen: Option<Option<egui::Pos2>> = ui.data(|d| d.get_temp(pen_id));
    let held = response.is_pointer_button_down_on() || response.dragged();
    let (pos, released, erase) = ui.input(|i| {
        let erase =
            i.pointer.secondary_down() || i.pointer.button_released(egui::PointerButton::Secondary);
        (i.pointer.interact_pos(), i.pointer.any_released(), erase)
    });
    let lifted = pen.is_some() && released;
    let paint = held || lifted || response.drag_stopped() || response.clicked();
    if paint && let Some(pos) = pos {
        let value = if erase { -1 } else { 1 };
        let from = pen.flatten().unwrap_or(pos);
        for i in neurons_on_stroke(rect, grid, from, pos) {
            if spins[i] != value {
                spins[i] = value;
                changed = true;
            }
        }
    }
    if held {
        ui.data_mut(|d| d.insert_temp(pen_id, pos));
    } else if pen.is_some() {
        ui.data_mut(|d| d.remove::<Option<egui::Pos2>>(pen_id));
    }
    paint_spins(ui, response.id, rect, grid, spins);
    ui.painter().rect_stroke(
        rect,
        0.0,
        egui::Stroke::new(1.0, ui.visuals().text_color()),
        egui::StrokeKind::Outside,
    );
    changed
}

/// An N×N matrix as a diverging (blue − white − red) image, ±`limit` at the ends.
fn matrix_image(values: &[f64], n: usize, limit: f64) -> egui::ColorImage {
    let pixels = values
        .iter()
        .map(|&v| diverging(v as f32, limit as f32))
        .collect();
    egui::ColorImage::new([n, n], pixels)
}

fn show_texture(ui: &mut egui::Ui, texture: &TextureHandle, side: f32) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(egui::vec2(side, side), Sense::hover());
    paint_whole(ui.painter(), texture, rect);
    response
}

impl MemoryPanel {
    /// Everything right of the controls.
    /// `height` is the room on screen (points): the pictures and the two rows of plots share
    /// it, so at 1280×800 everything fits without scrolling.
    pub(super) fn main_ui(&mut self, ui: &mut egui::Ui, height: f32) {
        self.refresh_textures(ui.ctx());
        // The pictures give way first, down to 80 points, so that both rows of plots keep at
        // least their least height on screen (in presentation mode the capacity plot was cut
        // at 0.5, hiding the Hebbian collapse near P/N = 0.138).
        let side = ((ui.available_width() - 48.0) / 3.0)
            .clamp(80.0, MAX_SIDE)
            .min((height * 0.28).max(80.0))
            .min((height - FIXED_ROWS - 2.0 * MIN_PLOT_HEIGHT).max(80.0));
        self.plot_height = ((height - FIXED_ROWS - side) / 2.0).clamp(MIN_PLOT_HEIGHT, PLOT_HEIGHT);
        ui.horizontal_top(|ui| {
            self.state_ui(ui, side);
            ui.add_space(12.0);
            if self.compare.loaded {
                self.compare_state_ui(ui, side);
            } else {
                self.weights_ui(ui, side);
            }
        });
        self.end_ui(ui);
        if self.compare.loaded {
            self.compare.end_ui(ui, self.net.patterns());
        }
        let half = ((ui.available_width() - 16.0) / 2.0).max(200.0);
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width(half);
                if self.dynamics == DynamicsKind::Continuous {
                    self.potential_plot(ui);
                } else {
                    self.energy_plot(ui);
                }
            });
            ui.vertical(|ui| {
                ui.set_width(half);
                self.overlap_plot(ui);
            });
        });
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width(half);
                self.capacity_plot(ui);
            });
            ui.vertical(|ui| {
                ui.set_width(half);
                self.basin_plot(ui);
            });
        });
    }

    fn refresh_textures(&mut self, ctx: &egui::Context) {
        if !self.textures.weights_dirty {
            return;
        }
        self.textures.weights_dirty = false;
        let n = self.net.neurons();
        let weights = self.net.weights();
        let limit = weights.iter().fold(0.0f64, |m, w| m.max(w.abs())).max(1e-9);
        self.textures.limit = limit;
        let image = matrix_image(weights, n, limit);
        match &mut self.textures.weights {
            Some(t) => t.set(image, TextureOptions::NEAREST),
            None => {
                let t = ctx.load_texture("memory_weights", image, TextureOptions::NEAREST);
                self.textures.weights = Some(t);
            }
        }
        self.textures.outer = self.outer.as_ref().map(|(_, outer)| {
            ctx.load_texture(
                "memory_outer",
                matrix_image(outer, n, 1.0),
                TextureOptions::NEAREST,
            )
        });
    }

    /// The state (or the cue before anything was played) with the updated neuron outlined;
    /// hovering a neuron splits its local field into signal and crosstalk.
    fn state_ui(&mut self, ui: &mut egui::Ui, side: f32) {
        ui.vertical(|ui| {
            ui.label(RichText::new("State s").strong()).on_hover_text(
                "Black = +1, light = −1. The outlined neuron is the one updated last",
            );
            let grid = self.grid;
            let (rect, response) = ui.allocate_exact_size(egui::vec2(side, side), Sense::hover());
            let state: Vec<i8> = match &self.live {
                Some(live) => live.state().to_vec(),
                None => vec![-1; grid.neurons()],
            };
            paint_spins(ui, response.id, rect, grid, &state);
            let cell = rect.width() / grid.cols as f32;
            if let Some(i) = self.highlighted {
                let min = rect.min
                    + egui::vec2((i % grid.cols) as f32 * cell, (i / grid.cols) as f32 * cell);
                ui.painter().rect_stroke(
                    egui::Rect::from_min_size(min, egui::vec2(cell, cell)),
                    0.0,
                    egui::Stroke::new(2.5, HIGHLIGHT),
                    egui::StrokeKind::Inside,
                );
            }
            if let (Some(pos), Some(live)) = (response.hover_pos(), &self.live)
                && let Some(i) = neuron_at(rect, grid, pos)
                && let Ok(split) = field_split(live, i, self.cued)
            {
                // Counted from 1, as the rest of the window counts units, layers and patterns.
                response.on_hover_text_at_pointer(format!(
                    "neuron {} (row {}, column {}), s = {:+}\n\
                     h = Σ_j w_ij s_j = {:+.3}\n\
                     signal from pattern {}: {:+.3}\n\
                     crosstalk from the others: {:+.3}",
                    i + 1,
                    i / grid.cols + 1,
                    i % grid.cols + 1,
                    state[i],
                    split.field,
                    self.cued + 1,
                    split.signal,
                    split.crosstalk
                ));
            }
            if !self.cue.is_empty() {
                ui.horizontal(|ui| {
                    ui.label("cue:")
                        .on_hover_text("The corrupted pattern the recall started from");
                    let cell = (60.0 / grid.rows as f32).max(1.0);
                    thumbnail_ui(ui, grid, &self.cue, cell, false)
                        .on_hover_text("The cue: the cued pattern with bits flipped or erased");
                });
            }
        });
    }

    /// The side-by-side run's state, in place of the heatmaps.
    fn compare_state_ui(&self, ui: &mut egui::Ui, side: f32) {
        ui.vertical(|ui| {
            ui.label(RichText::new(self.compare.title()).strong())
                .on_hover_text("The same cue under the second setting");
            let (rect, response) = ui.allocate_exact_size(egui::vec2(side, side), Sense::hover());
            paint_spins(ui, response.id, rect, self.grid, &self.compare.state);
        });
    }

    fn weights_ui(&mut self, ui: &mut egui::Ui, side: f32) {
        ui.vertical(|ui| {
            ui.label(RichText::new("Weights W (N × N)").strong())
                .on_hover_text(format!(
                    "{}: red positive, blue negative, ±{:.3} at the ends; the diagonal is 0",
                    self.rule.name(),
                    self.textures.limit
                ));
            if let Some(t) = &self.textures.weights {
                show_texture(ui, t, side).on_hover_text(
                    "w_ij: row i, column j. Each stored pattern adds its outer product",
                );
            }
        });
        ui.add_space(12.0);
        ui.vertical(|ui| {
            ui.set_max_width(side);
            let title = match &self.outer {
                Some((label, _)) => format!("Last stored: x x^T of {label}"),
                None => "Outer product x x^T".to_string(),
            };
            ui.label(RichText::new(title).strong())
                .on_hover_text("The outer product of the pattern stored last (±1 entries)");
            if let Some(t) = &self.textures.outer {
                show_texture(ui, t, side)
                    .on_hover_text("x_i x_j: red where two neurons agree, blue where they differ");
            } else {
                ui.label("store a pattern to see it")
                    .on_hover_text("Tick patterns on the left and press Store ticked");
            }
        });
    }

    fn end_ui(&mut self, ui: &mut egui::Ui) {
        let Some(end) = &self.end else {
            if self.loaded {
                let state = if self.playing { "playing" } else { "paused" };
                ui.label(format!(
                    "Recall {state} · cue from pattern {}",
                    self.cued + 1
                ))
                .on_hover_text("The recall runs until no neuron changes");
            }
            return;
        };
        let good =
            matches!(end, EndState::Fixed(_)) && end.recalled(self.net.patterns(), self.cued);
        let color = if good {
            Color32::from_rgb(40, 160, 60)
        } else {
            ui.visuals().warn_fg_color
        };
        ui.label(
            RichText::new(format!("Ended: {}", end.describe(self.net.patterns())))
                .strong()
                .color(color),
        )
        .on_hover_text("Where the recall stopped, named by its overlaps with the stored patterns");
        if matches!(end, EndState::TwoCycle(..)) {
            ui.label(TWO_CYCLE_NOTE)
                .on_hover_text("Try asynchronous dynamics on the same cue");
        }
    }

    fn energy_plot(&self, ui: &mut egui::Ui) {
        rule_line(
            ui,
            "Energy E = −½ Σ_{ij} w_{ij} s_i s_j",
            "Hopfield 1982: asynchronous updates never raise E",
        );
        if self.compare.loaded {
            legend_row(
                ui,
                &[
                    LegendEntry::new("E (A)", ENERGY_COLOR, Marker::Line),
                    LegendEntry::new("E (B)", class_color(1), Marker::Line),
                ],
            );
        }
        Plot::new("memory_energy")
            .height(self.plot_height)
            .custom_x_axes(x_axis("updates"))
            .y_grid_spacer(data_y_grid)
            .custom_y_axes(y_axis("E"))
            .allow_scroll(false)
            .show(ui, |plot_ui| {
                let name = if self.compare.loaded { "E (A)" } else { "E" };
                plot_ui.line(
                    Line::new(name, PlotPoints::from(self.energy.clone())).color(ENERGY_COLOR),
                );
                if self.compare.loaded {
                    plot_ui.line(
                        Line::new("E (B)", PlotPoints::from(self.compare.energy.clone()))
                            .color(class_color(1)),
                    );
                }
            });
    }

    /// Continuous dynamics: u_i(t) of a few neurons, the "neural dynamics" of the network.
    fn potential_plot(&self, ui: &mut egui::Ui) {
        rule_line(
            ui,
            "τ du_i/dt = −u_i + Σ_j w_{ij} tanh(β u_j)",
            "Continuous-time Hopfield dynamics (Hopfield 1984), integrated with Euler steps of \
             0.1 τ: each u_i relaxes towards its field; s_i = sign(u_i)",
        );
        let traced = super::traced_neurons(self.grid.neurons());
        let entries: Vec<LegendEntry> = traced
            .iter()
            .enumerate()
            .map(|(k, &i)| LegendEntry::new(format!("u{}", i + 1), class_color(k), Marker::Line))
            .collect();
        legend_row(ui, &entries);
        Plot::new("memory_potentials")
            .height(self.plot_height)
            .include_x(0.0)
            .include_y(0.0)
            .custom_x_axes(x_axis("time (units of τ)"))
            .y_grid_spacer(data_y_grid)
            .custom_y_axes(y_axis("u"))
            .allow_scroll(false)
            .show(ui, |plot_ui| {
                for (k, curve) in self.potentials.iter().enumerate() {
                    let name = format!("u{}", traced.get(k).map_or(0, |i| i + 1));
                    plot_ui.line(
                        Line::new(name, PlotPoints::from(curve.clone())).color(class_color(k)),
                    );
                }
            });
    }

    fn overlap_plot(&self, ui: &mut egui::Ui) {
        rule_line(
            ui,
            "Overlaps m_μ = (1/N) Σ_i x_i^μ s_i",
            "1 = the state is pattern μ, −1 = its inverse, near 0 = unrelated",
        );
        // With many patterns the wrapped legend ran under the plot (26 letters showed m1…m18
        // only): the first few are named, and the rest counted.
        let entries: Vec<LegendEntry> = (0..self.overlaps.len().min(OVERLAP_LEGEND_MAX))
            .map(|k| {
                let label = self.net.patterns().get(k).map_or("", |p| p.label.as_str());
                LegendEntry::new(format!("m{} {label}", k + 1), class_color(k), Marker::Line)
            })
            .collect();
        legend_row(ui, &entries);
        let more = self.overlaps.len().saturating_sub(OVERLAP_LEGEND_MAX);
        if more > 0 {
            ui.label(format!(
                "and {more} more (m{} to m{}): hover a curve for its name",
                OVERLAP_LEGEND_MAX + 1,
                self.overlaps.len()
            ));
        }
        Plot::new("memory_overlaps")
            .height(self.plot_height)
            .include_y(-1.0)
            .include_y(1.0)
            .custom_x_axes(x_axis("updates"))
            .y_grid_spacer(data_y_grid)
            .custom_y_axes(y_axis("m"))
            .allow_scroll(false)
            .show(ui, |plot_ui| {
                for (k, curve) in self.overlaps.iter().enumerate() {
                    let label = self.net.patterns().get(k).map_or("", |p| p.label.as_str());
                    plot_ui.line(
                        Line::new(
                            format!("m{} {label}", k + 1),
                            PlotPoints::from(curve.clone()),
                        )
                        .color(class_color(k)),
                    );
                }
            });
    }

    fn capacity_plot(&self, ui: &mut egui::Ui) {
        ui.label(RichText::new("Capacity: share recalled against P/N").strong())
            .on_hover_text(format!(
                "Random patterns, N = 100, 10 % noise. The line marks α ≈ {AGS_CAPACITY} \
                 (Amit, Gutfreund & Sompolinsky 1985)"
            ));
        let n = self.capacity.neurons.max(1) as f64;
        legend_row(
            ui,
            &[
                LegendEntry::new(LearningRule::Hebb.name(), class_color(0), Marker::Line),
                LegendEntry::new(LearningRule::Storkey.name(), class_color(1), Marker::Line),
                LegendEntry::new("α ≈ 0.138", Color32::GRAY, Marker::Line),
            ],
        );
        Plot::new("memory_capacity")
            .height(self.plot_height)
            .include_x(0.0)
            .include_x(0.25)
            .include_y(0.0)
            .include_y(1.0)
            .custom_x_axes(x_axis("load P/N"))
            .y_grid_spacer(data_y_grid)
            .custom_y_axes(y_axis("recalled"))
            .allow_scroll(false)
            .show(ui, |plot_ui| {
                plot_ui.vline(
                    VLine::new("α ≈ 0.138", AGS_CAPACITY)
                        .color(Color32::GRAY)
                        .style(egui_plot::LineStyle::dashed_loose()),
                );
                for (k, rule) in [LearningRule::Hebb, LearningRule::Storkey]
                    .into_iter()
                    .enumerate()
                {
                    let points: Vec<[f64; 2]> = self
                        .capacity
                        .points
                        .iter()
                        .filter(|p| p.rule == rule)
                        .map(|p| [p.patterns as f64 / n, p.share])
                        .collect();
                    plot_ui.line(
                        Line::new(rule.name(), PlotPoints::from(points)).color(class_color(k)),
                    );
                }
            });
    }

    fn basin_plot(&self, ui: &mut egui::Ui) {
        ui.label(RichText::new(format!("Basin of pattern {}", self.cued + 1)).strong())
            .on_hover_text(
                "Share of cues recalled exactly against the share of bits flipped (press Basin)",
            );
        Plot::new("memory_basin")
            .height(self.plot_height)
            .include_x(0.0)
            .include_x(0.5)
            .include_y(0.0)
            .include_y(1.0)
            .custom_x_axes(x_axis("bits flipped"))
            .y_grid_spacer(data_y_grid)
            .custom_y_axes(y_axis("recalled"))
            .allow_scroll(false)
            .show(ui, |plot_ui| {
                let points: Vec<[f64; 2]> =
                    self.basin.iter().map(|p| [p.flipped, p.share]).collect();
                plot_ui.line(Line::new("recalled", PlotPoints::from(points)));
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stroke_paints_every_cell_it_crosses_once() {
        let grid = Grid::new(10, 10).unwrap();
        let rect = egui::Rect::from_min_size(egui::pos2(0.0, 0.0), egui::vec2(100.0, 100.0));
        // Across row 2 in one move: cells 20..=29, in order.
        let row = neurons_on_stroke(rect, grid, egui::pos2(5.0, 25.0), egui::pos2(95.0, 25.0));
        assert_eq!(row, (20..30).collect::<Vec<_>>());
        // The main diagonal, backwards: each diagonal cell, and a cell beside it wherever the
        // line crosses a corner's neighbourhood, never a gap of more than one cell.
        let diagonal = neurons_on_stroke(rect, grid, egui::pos2(99.0, 99.0), egui::pos2(1.0, 1.0));
        assert_eq!(diagonal.first(), Some(&99));
        assert_eq!(diagonal.last(), Some(&0));
        for d in 0..10 {
            assert!(
                diagonal.contains(&(d * 11)),
                "cell ({d}, {d}) in {diagonal:?}"
            );
        }
        for pair in diagonal.windows(2) {
            let (a, b) = (pair[0] as i32, pair[1] as i32);
            assert!(((a % 10) - (b % 10)).abs() <= 1 && ((a / 10) - (b / 10)).abs() <= 1);
        }
        // No move: the cell under the pointer; outside the grid: nothing.
        assert_eq!(
            neurons_on_stroke(rect, grid, egui::pos2(55.0, 55.0), egui::pos2(55.0, 55.0)),
            [55]
        );
        assert!(
            neurons_on_stroke(rect, grid, egui::pos2(-50.0, 5.0), egui::pos2(-1.0, 5.0)).is_empty()
        );
        // From outside into the grid: only the cells inside.
        assert_eq!(
            neurons_on_stroke(rect, grid, egui::pos2(-30.0, 5.0), egui::pos2(25.0, 5.0)),
            [0, 1, 2]
        );
    }

    #[test]
    fn a_chosen_thumbnails_frame_stays_inside_it() {
        let grid = Grid::new(4, 4).unwrap();
        let ctx = egui::Context::default();
        let mut allocated = egui::Rect::NOTHING;
        let output = ctx.run_ui(egui::RawInput::default(), |ui| {
            allocated = thumbnail_ui(ui, grid, &[1; 16], 9.0, true).rect;
        });
        let frame = output
            .shapes
            .iter()
            .find_map(|clipped| match &clipped.shape {
                egui::Shape::Rect(_) => Some(clipped.shape.visual_bounding_rect()),
                _ => None,
            })
            .expect("the frame");
        assert_eq!(allocated.size(), egui::vec2(36.0, 36.0));
        assert!(
            allocated.contains_rect(frame),
            "{frame:?} outside {allocated:?}"
        );
        output.drop_without_applying_deltas();
    }

    #[test]
    fn a_spin_image_is_one_texel_per_neuron_in_row_major_order() {
        let grid = Grid::new(2, 3).unwrap();
        let image = spin_image(grid, &[1, -1, -1, -1, -1, 1]);
        assert_eq!(image.size, [3, 2]);
        assert_eq!(image.pixels[0], INK);
        assert_eq!(image.pixels[1], PAPER);
        assert_eq!(image.pixels[5], INK);
        assert_eq!(image.pixels.iter().filter(|&&p| p == INK).count(), 2);
    }

    /// Runs one frame that paints `spins`; returns the textures (re)uploaded besides the font
    /// atlas and the textures of the meshes painted.
    fn frame(ctx: &egui::Context, spins: &[i8]) -> (Vec<egui::TextureId>, Vec<egui::TextureId>) {
        let grid = Grid::new(4, 4).unwrap();
        let output = ctx.run_ui(egui::RawInput::default(), |ui| {
            let rect = egui::Rect::from_min_size(egui::pos2(10.0, 10.0), egui::vec2(80.0, 80.0));
            let id = ui.scope_id().with("spins");
            paint_spins(ui, id, rect, grid, spins);
        });
        let font = egui::TextureId::default();
        let uploaded = output
            .textures_delta
            .set
            .keys()
            .copied()
            .filter(|id| *id != font)
            .collect();
        let painted = output
            .shapes
            .iter()
            .filter_map(|clipped| match &clipped.shape {
                egui::Shape::Mesh(mesh) if mesh.texture_id != font => Some(mesh.texture_id),
                _ => None,
            })
            .collect();
        output.drop_without_applying_deltas();
        (uploaded, painted)
    }

    #[test]
    fn a_grid_is_one_textured_quad_uploaded_again_only_when_its_spins_change() {
        let ctx = egui::Context::default();
        let mut spins = vec![-1i8; 16];
        spins[5] = 1;
        let (uploaded, painted) = frame(&ctx, &spins);
        assert_eq!(uploaded.len(), 1, "first frame uploads the picture");
        assert_eq!(painted, uploaded, "one mesh, with that texture");
        let texture = uploaded[0];
        assert_eq!(
            frame(&ctx, &spins),
            (vec![], vec![texture]),
            "unchanged: no upload"
        );
        spins[6] = 1;
        assert_eq!(
            frame(&ctx, &spins),
            (vec![texture], vec![texture]),
            "changed: the same texture is uploaded again"
        );
    }
}
