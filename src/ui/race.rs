//! The optimizer race: SGD, Momentum, Nesterov, RMSProp and Adam on one surface from one
//! start, each with its own colour, path and loss curve, and a table of steps-to-tolerance.
//!
//! Like the lesson, the race is microseconds per step, so the panel steps its [`Race`] on the
//! UI thread inside [`RacePanel::ui`] (`steps_per_second × frame time` steps, at most
//! [`FRAME_BUDGET`](crate::ui::pacer::FRAME_BUDGET) of work per frame) and calls `request_repaint` while playing.

use eframe::egui::{self, Color32, RichText, TextureHandle, TextureOptions};
use egui_plot::{Line, MarkerShape, Plot, PlotPoints, Points};

use crate::lesson::{LevelGrid, MAX_CONDITION, Race, Surface, SurfaceKind};
use crate::nn::OptimizerKind;
use crate::ui::action::Action;
use crate::ui::colormap::class_color;
use crate::ui::controls::typed::{Allowed, note_ui, parse_typed};
use crate::ui::decimate::{Envelope, PathThinner};
use crate::ui::format::format_number;
use crate::ui::pacer::{Pacer, SteppedView, play_pause_button};
use crate::ui::panel::Panel;
use crate::ui::plot::{
    CONTOUR_LEVELS, CONTOUR_RESOLUTION, LandscapeView, LegendEntry, Marker, contour_image,
    count_x_axis, data_y_grid, landscape_plot, legend_row, log_y_axis, x_axis, y_axis,
};
use crate::ui::state::View;

/// Most columns a racer's drawn loss curve keeps (see [`Envelope`]).
const CURVE_COLUMNS: usize = 400;

/// The race view and its state.
pub struct RacePanel {
    /// The racers and their surface.
    pub race: Race,
    /// Condition number κ used when the ill-conditioned quadratic is chosen.
    pub condition: f64,
    /// Shared steps per second while playing.
    pub steps_per_second: f64,
    /// True while stepping.
    pub playing: bool,
    grid: Option<(SurfaceKind, f64, LevelGrid)>,
    texture: Option<TextureHandle>,
    pacer: Pacer,
    /// Why the race paused, when the user did not press Pause (a new surface or start).
    notice: Option<String>,
    /// Each racer's path and loss curve as drawn: thinned to the pixels they cover.
    paths: Vec<PathThinner>,
    curves: Vec<Envelope>,
}

impl Default for RacePanel {
    fn default() -> Self {
        Self {
            race: Race::new(Surface::of_kind(SurfaceKind::Rosenbrock)),
            condition: 10.0,
            steps_per_second: 60.0,
            playing: false,
            grid: None,
            texture: None,
            pacer: Pacer::default(),
            notice: None,
            paths: Vec::new(),
            curves: Vec::new(),
        }
    }
}

fn racer_color(kind: OptimizerKind) -> Color32 {
    let index = OptimizerKind::ALL
        .iter()
        .position(|&k| k == kind)
        .unwrap_or(0);
    class_color(index)
}

impl SteppedView for RacePanel {
    /// A finished race stays paused.
    fn play_pause(&mut self) {
        self.playing = !self.playing && !self.race.is_finished();
    }

    fn step_paused(&mut self) {
        self.playing = false;
        self.step_once();
    }

    /// Every racer back to the start with fresh optimizer state.
    fn reset(&mut self) {
        self.race.reset();
        self.playing = false;
    }
}

impl RacePanel {
    /// Switches the surface (with its start point and default learning rates) and pauses.
    pub fn set_surface(&mut self, kind: SurfaceKind) {
        let surface = match kind {
            SurfaceKind::IllConditioned => Surface::IllConditioned {
                condition: self.condition,
            },
            other => Surface::of_kind(other),
        };
        self.race.set_surface(surface);
        if self.playing {
            self.notice =
                Some("new surface: every racer back at the start, paused; press Play".into());
        }
        self.playing = false;
    }

    /// One shared step; pauses when the race is over.
    pub fn step_once(&mut self) {
        if !self.race.step() {
            self.playing = false;
        }
    }

    fn advance(&mut self, ctx: &egui::Context) {
        let mut pacer = std::mem::take(&mut self.pacer);
        pacer.advance(ctx, self.playing, self.steps_per_second, || {
            self.step_once();
            self.playing
        });
        self.pacer = pacer;
    }
}

impl Panel for RacePanel {
    /// Draws the whole race (controls, table, map, loss curves) and advances it.
    fn ui(&mut self, ui: &mut egui::Ui, _view: &View<'_>) -> Option<Action> {
        self.advance(ui.ctx());
        ui.heading("Optimizer race");
        self.controls_ui(ui);
        if self.playing {
            self.notice = None;
        }
        if let Some(notice) = &self.notice {
            ui.label(RichText::new(notice).color(Color32::from_rgb(120, 170, 230)))
                .on_hover_text("A new surface or start point puts every racer back and pauses");
        }
        ui.separator();
        self.table_ui(ui);
        ui.separator();
        let height = ui.available_height();
        ui.horizontal_top(|ui| {
            let side = (ui.available_width() * 0.5).min(height).max(200.0);
            ui.vertical(|ui| {
                ui.set_width(side);
                self.map_ui(ui, side);
            });
            ui.separator();
            ui.vertical(|ui| {
                self.loss_ui(ui, height);
            });
        });
        None
    }
}

impl RacePanel {
    fn controls_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            let current = self.race.surface().kind();
            let mut chosen = current;
            egui::ComboBox::from_id_salt("race_surface")
                .selected_text(current.name())
                .show_ui(ui, |ui| {
                    for kind in SurfaceKind::ALL {
                        ui.selectable_value(&mut chosen, kind, kind.name())
                            .on_hover_text(kind.formula());
                    }
                })
                .response
                .on_hover_text(format!("The surface all racers descend: {}", current.formula()));
            if chosen != current {
                self.set_surface(chosen);
            }
            if current == SurfaceKind::IllConditioned
                && ui
                    .add(
                        egui::Slider::new(&mut self.condition, 1.0..=1000.0)
.update_while_editing(false)
                            .logarithmic(true)
                            .text("condition κ"),
                    )
                    .on_hover_text(format!(
                        "Ratio of the largest to the smallest curvature of ½(x² + κy²) (1 to {MAX_CONDITION:.0e}); changing it restarts the race"
                    ))
                    .changed()
            {
                self.set_surface(SurfaceKind::IllConditioned);
            }
            ui.separator();
            let hint = if self.playing {
                "Stop every racer"
            } else {
                "Step every racer at the chosen speed"
            };
            if play_pause_button(ui, self.playing)
                .on_hover_text(hint)
                .clicked()
            {
                self.play_pause();
            }
            if ui
                .button("Step")
                .on_hover_text("One step of every racer")
                .clicked()
            {
                self.step_paused();
            }
            if ui
                .button("Reset")
                .on_hover_text("Every racer back to the start with fresh optimizer state")
                .clicked()
            {
                self.reset();
            }
            ui.add(
                egui::Slider::new(&mut self.steps_per_second, 1.0..=5000.0)
.update_while_editing(false)
                    .logarithmic(true)
                    .text("steps/s"),
            )
            .on_hover_text("Shared steps per second while playing");
            let mut tolerance = self.race.tolerance();
            if ui
                .add(
                    egui::Slider::new(&mut tolerance, 1e-10..=1e-1)
.update_while_editing(false)
                        .logarithmic(true)
                        .text("tolerance")
                        .custom_formatter(|v, _| format!("{v:.0e}")),
                )
                .on_hover_text("A racer has arrived once f − f_min drops below this; changing it restarts the race")
                .changed()
            {
                self.race.set_tolerance(tolerance);
                self.playing = false;
            }
            let [x, y] = self.race.start();
            // Whole, on the next row when it does not fit (a wrapped label split the start).
            ui.add(
                egui::Label::new(format!(
                    "step {}   start ({}, {})",
                    self.race.steps(),
                    format_number(x),
                    format_number(y)
                ))
                .wrap_mode(egui::TextWrapMode::Extend),
            )
            .on_hover_text("Click on the map to move the start point");
        });
    }

    fn table_ui(&mut self, ui: &mut egui::Ui) {
        let min_value = self.race.surface().min_value();
        let tolerance = self.race.tolerance();
        let surface = self.race.surface().clone();
        let (steps, playing) = (self.race.steps(), self.playing);
        let mut changed = false;
        // What a typed learning rate did not set as typed, said under the table.
        let note = std::cell::RefCell::new(None);
        egui::Grid::new("race_table")
            .striped(true)
            .spacing([12.0, 4.0])
            .show(ui, |ui| {
                // A surface without a minimum (the saddle) shows f itself in that column.
                let gap_heading = if min_value.is_some() { "f − f_min" } else { "f" };
                for (heading, hint) in [
                    ("racer", "The optimizer; untick it to leave it out of the race"),
                    ("learning rate", "Each racer's step size η; type a value or drag"),
                    ("hyper-parameters", "The rule's other constants (momentum μ, decay ρ, β1, β2)"),
                    ("steps to tolerance", "The first step at which f − f_min fell below the tolerance; – until then"),
                    (gap_heading, "How far above the surface's minimum the racer is now (f itself where there is no minimum)"),
                    ("status", "ready, running, paused, arrived, off, or why the racer stopped"),
                ] {
                    ui.label(RichText::new(heading).strong()).on_hover_text(hint);
                }
                ui.end_row();
                for racer in &mut self.race.racers {
                    let kind = racer.config.kind;
                    let color = racer_color(kind);
                    let speed = racer.config.learning_rate.abs() * 0.01;
                    changed |= ui
                        .checkbox(
                            &mut racer.enabled,
                            RichText::new(format!("● {}", kind.name())).color(color),
                        )
                        .on_hover_text("Take part in the race")
                        .changed();
                    let current = racer.config.learning_rate;
                    changed |= ui
                        .add(
                            egui::DragValue::new(&mut racer.config.learning_rate)
                                .update_while_editing(false)
                                .range(1e-6..=10.0)
                                .speed(speed)
                                .custom_formatter(|v, _| format!("{v:.2e}"))
                                // "nan" set 10 and "1e30" set 10 without a word.
                                .custom_parser(|text| {
                                    parse_typed(
                                        text,
                                        "learning rate",
                                        current,
                                        Allowed::Within(1e-6, 10.0),
                                        &note,
                                    )
                                }),
                        )
                        .on_hover_text(format!("{}'s step size η", kind.name()))
                        .changed();
                    ui.horizontal(|ui| match kind {
                        OptimizerKind::Sgd => {
                            ui.label("–");
                        }
                        OptimizerKind::Momentum | OptimizerKind::Nesterov => {
                            changed |= coefficient(ui, &mut racer.config.momentum, (0.0..=0.999, 0.001), "μ ", "Momentum coefficient μ: the fraction of the last update carried over");
                        }
                        OptimizerKind::RmsProp => {
                            changed |= coefficient(ui, &mut racer.config.rho, (0.0..=0.999, 0.001), "ρ ", "Decay ρ of the running mean of squared gradients");
                        }
                        OptimizerKind::Adam => {
                            changed |= coefficient(ui, &mut racer.config.beta1, (0.0..=0.999, 0.001), "β1 ", "Decay β1 of the running mean of gradients");
                            changed |= coefficient(ui, &mut racer.config.beta2, (0.9..=0.99999, 0.0001), "β2 ", "Decay β2 of the running mean of squared gradients");
                        }
                    });
                    let reached = match racer.reached_at() {
                        Some(steps) => steps.to_string(),
                        None => "–".to_string(),
                    };
                    ui.label(RichText::new(reached).monospace())
                        .on_hover_text(format!("First step with f − f_min < {tolerance:.0e}"));
                    let value = surface.value(racer.position());
                    let gap = match min_value {
                        Some(min) => format_number(value - min),
                        None => format!("f = {}", format_number(value)),
                    };
                    ui.label(RichText::new(gap).monospace());
                    let status = if !racer.enabled {
                        "off".to_string()
                    } else if let Some(message) = racer.diverged() {
                        message.to_string()
                    } else if racer.reached_at().is_some() {
                        "arrived".to_string()
                    } else {
                        racing_status(steps, playing).to_string()
                    };
                    // What happened, short; why, in the tooltip: the whole sentence widened
                    // the table and the loss curves past the window's edge.
                    let (short, why) = status.split_once(": ").unwrap_or((&status, ""));
                    let label = ui.label(short);
                    if !why.is_empty() {
                        label.on_hover_text(&status);
                    }
                    ui.end_row();
                }
            });
        note_ui(
            ui,
            egui::Id::unique("race learning rate note"),
            note.into_inner(),
        );
        if changed {
            // New settings apply to a fresh start so every racer's numbers stay comparable.
            self.race.reset();
            self.playing = false;
        }
    }

    fn map_ui(&mut self, ui: &mut egui::Ui, side: f32) {
        let surface = self.race.surface().clone();
        let bounds = surface.bounds();
        let key = (surface.kind(), surface.condition());
        if self
            .grid
            .as_ref()
            .is_none_or(|(kind, condition, _)| (*kind, *condition) != key)
        {
            let grid = LevelGrid::sample(
                |p| surface.value(p),
                bounds,
                CONTOUR_RESOLUTION,
                CONTOUR_RESOLUTION,
                CONTOUR_LEVELS,
            );
            let image = contour_image(&grid);
            match &mut self.texture {
                Some(texture) => texture.set(image, TextureOptions::NEAREST),
                None => {
                    self.texture = Some(ui.ctx().load_texture(
                        "race_landscape",
                        image,
                        TextureOptions::NEAREST,
                    ));
                }
            }
            self.grid = Some((key.0, key.1, grid));
        }
        let racers = &self.race.racers;
        // Two pixels of the map in surface units: the drawn paths keep a point per two pixels.
        let pixel = [
            2.0 * (bounds.x[1] - bounds.x[0]) / f64::from(side.max(1.0)),
            2.0 * (bounds.y[1] - bounds.y[0]) / f64::from(side.max(1.0)),
        ];
        self.paths.resize_with(racers.len(), PathThinner::default);
        let paths: Vec<Vec<[f64; 2]>> = racers
            .iter()
            .zip(&mut self.paths)
            .map(|(racer, thinner)| thinner.update(racer.path(), pixel))
            .collect();
        let clicked = landscape_plot(
            ui,
            "race_landscape_plot",
            side,
            &LandscapeView {
                bounds,
                texture: self.texture.as_ref().map(TextureHandle::id),
                axes: ("x", "y"),
                critical: surface.critical_points(),
                legend: Vec::new(),
            },
            |plot_ui| {
                for (racer, path) in racers.iter().zip(paths).filter(|(r, _)| r.enabled) {
                    let color = racer_color(racer.config.kind);
                    plot_ui.line(
                        Line::new(racer.config.kind.name(), PlotPoints::from(path))
                            .color(color)
                            .width(1.5),
                    );
                    plot_ui.points(
                        Points::new(
                            racer.config.kind.name(),
                            PlotPoints::from(vec![racer.position()]),
                        )
                        .color(color)
                        .shape(MarkerShape::Circle)
                        .radius(4.0),
                    );
                }
            },
        );
        if let Some(point) = clicked {
            self.race.set_start(point);
            self.playing = false;
            self.notice = Some(format!(
                "new start ({}, {}): every racer back there, paused; press Play",
                format_number(point[0]),
                format_number(point[1])
            ));
        }
    }

    fn loss_ui(&mut self, ui: &mut egui::Ui, height: f32) {
        let min_value = self.race.surface().min_value();
        let label = if min_value.is_some() {
            "f − f_min (log10)"
        } else {
            "f"
        };
        ui.label(RichText::new("Loss curves").strong());
        let entries: Vec<LegendEntry> = self
            .race
            .racers
            .iter()
            .filter(|r| r.enabled)
            .map(|r| {
                LegendEntry::new(
                    r.config.kind.name(),
                    racer_color(r.config.kind),
                    Marker::Line,
                )
            })
            .collect();
        legend_row(ui, &entries);
        let steps = self
            .race
            .racers
            .iter()
            .map(|r| r.losses().len())
            .max()
            .unwrap_or(0);
        let plot = Plot::new("race_loss_plot")
            .height((height - 48.0).max(120.0))
            .include_x(0.0)
            .include_x(steps.max(10) as f64)
            .custom_x_axes(x_axis("step"))
            .y_grid_spacer(data_y_grid)
            .custom_y_axes(y_axis(label))
            .allow_scroll(false);
        // Steps labelled 64 points apart, compactly, none cut at the right edge.
        let plot = count_x_axis(plot);
        // Without a minimum (the saddle) f itself, which can run to −10¹² and beyond: the
        // axis of `y_axis` writes such labels in scientific notation, and 8, not 8.0000.
        let plot = if min_value.is_some() {
            log_y_axis(plot)
        } else {
            plot
        };
        // Each curve as drawn: a min/max envelope of the steps since the start, updated with
        // the steps taken since the last frame only.
        let racers = &self.race.racers;
        self.curves
            .resize_with(racers.len(), || Envelope::new(CURVE_COLUMNS));
        let curves: Vec<Vec<[f64; 2]>> = racers
            .iter()
            .zip(&mut self.curves)
            .map(|(racer, envelope)| {
                envelope.update_mapped(racer.losses(), |[step, value]| match min_value {
                    Some(min) => [step, (value - min).max(1e-16).log10()],
                    None => [step, value],
                })
            })
            .collect();
        plot.show(ui, |plot_ui| {
            for (racer, points) in racers.iter().zip(curves).filter(|(r, _)| r.enabled) {
                plot_ui.line(
                    Line::new(racer.config.kind.name(), PlotPoints::from(points))
                        .color(racer_color(racer.config.kind)),
                );
            }
        });
    }
}

/// An optimizer coefficient's value box (`prefix` before the number, applied on Enter or
/// when left); true when it changed.
fn coefficient(
    ui: &mut egui::Ui,
    value: &mut f64,
    (range, speed): (std::ops::RangeInclusive<f64>, f64),
    prefix: &str,
    hint: &str,
) -> bool {
    ui.add(
        egui::DragValue::new(value)
            .update_while_editing(false)
            .range(range)
            .speed(speed)
            .prefix(prefix),
    )
    .on_hover_text(hint)
    .changed()
}

/// The status of a racer that is enabled, has not diverged and has not arrived: `ready`
/// before the first step (it read "running" while nothing moved), `paused` between steps
/// when the race is not playing, else `running`.
pub fn racing_status(steps: u64, playing: bool) -> &'static str {
    match (steps, playing) {
        (0, false) => "ready",
        (_, false) => "paused",
        _ => "running",
    }
}
