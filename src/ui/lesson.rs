//! The gradient-descent lesson: linear regression on y = 3x + 2 + U[0, 1) fitted by
//! θ_{t+1} = θ_t − α ∇J(θ_t), shown as the points and the current line, the loss landscape
//! J(w, b) with the path, the update rule with the current numbers, and the loss curve.
//!
//! Each step costs microseconds, so the panel steps [`GradientDescent`] on the UI thread inside
//! [`LessonPanel::ui`]: while playing it takes `steps_per_second × frame time` steps, at most
//! [`FRAME_BUDGET`](crate::ui::pacer::FRAME_BUDGET) of work per frame, and calls `request_repaint` so the view keeps moving.

use eframe::egui::{self, Color32, RichText, Stroke, TextureHandle, TextureOptions};
use egui_plot::{Arrows, Line, MarkerShape, Plot, PlotPoints, Points};

use crate::lesson::{
    BatchMode, GradientDescent, LevelGrid, PresetConfig, Regime, RegressionData, Standardization,
    StepError, StepRecord, Surface,
};
use crate::ui::action::Action;
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

/// Smallest and largest learning rate the slider offers.
pub const LEARNING_RATE_RANGE: (f64, f64) = (1e-3, 10.0);

const PATH_COLOR: Color32 = Color32::from_rgb(240, 60, 60);
const LINE_COLOR: Color32 = Color32::from_rgb(214, 39, 40);
const POINT_COLOR: Color32 = Color32::from_rgb(31, 119, 180);
const ARROW_COLOR: Color32 = Color32::from_rgb(255, 200, 40);

/// The update rule with the numbers of `record` substituted, one line per item:
/// the rule, the gradient, the two parameter updates and the new loss.
pub fn formula_text(record: &StepRecord, pending: bool) -> String {
    let f = format_number;
    let [gw, gb] = record.gradient;
    let header = if pending {
        format!("next step t = {}:  θ₁ = θ₀ − α ∇J(θ₀)", record.step)
    } else {
        format!("step t = {}:  θ_t = θ_(t−1) − α ∇J(θ_(t−1))", record.step)
    };
    format!(
        "{header}\n∂J/∂w = {}   ∂J/∂b = {}   α = {}\nw: {} − {} × ({}) = {}\nb: {} − {} × ({}) = {}\nJ(θ) = {}",
        f(gw),
        f(gb),
        f(record.lr),
        f(record.before[0]),
        f(record.lr),
        f(gw),
        f(record.after[0]),
        f(record.before[1]),
        f(record.lr),
        f(gb),
        f(record.after[1]),
        f(record.loss),
    )
}

/// The lesson view and its state.
pub struct LessonPanel {
    /// How the points are drawn (count, noise, seed). Call [`LessonPanel::rebuild`] after a
    /// change made in code.
    pub preset: PresetConfig,
    /// Fit on standardised x, z = (x − mean)/std (round contours).
    pub standardize: bool,
    /// Step size α.
    pub learning_rate: f64,
    /// Minibatch SGD instead of full-batch gradient descent.
    pub minibatch: bool,
    /// Points per minibatch.
    pub batch_size: usize,
    /// Steps per second while playing.
    pub steps_per_second: f64,
    /// The formula shows every k-th step while playing (always the latest when paused).
    pub formula_every: u64,
    /// True while stepping.
    pub playing: bool,
    raw: RegressionData,
    standardization: Standardization,
    run: GradientDescent,
    shown: Option<StepRecord>,
    grid: Option<LevelGrid>,
    texture: Option<TextureHandle>,
    pacer: Pacer,
    /// What the last click on the map did, said until the next Play or step.
    notice: Option<String>,
    /// The path and the loss curve as drawn: thinned to the pixels they cover.
    path: PathThinner,
    curve: Envelope,
}

impl Default for LessonPanel {
    fn default() -> Self {
        let preset = PresetConfig::default();
        let raw = RegressionData::preset(&preset);
        let run = GradientDescent::new(raw.clone(), [0.0, 0.0], BatchMode::Full, preset.seed);
        let mut panel = Self {
            preset,
            standardize: false,
            learning_rate: 0.3,
            minibatch: false,
            batch_size: 10,
            steps_per_second: 20.0,
            formula_every: 1,
            playing: false,
            raw,
            standardization: Standardization {
                mean: 0.0,
                std: 1.0,
            },
            run,
            shown: None,
            grid: None,
            texture: None,
            pacer: Pacer::default(),
            notice: None,
            path: PathThinner::default(),
            curve: Envelope::new(400),
        };
        panel.rebuild();
        panel
    }
}

impl LessonPanel {
    /// The gradient-descent run.
    pub fn run(&self) -> &GradientDescent {
        &self.run
    }

    /// The critical step size 2/λ_max of the data being fitted.
    pub fn critical_learning_rate(&self) -> Option<f64> {
        self.run.data().critical_learning_rate()
    }

    /// The regime of the current learning rate.
    pub fn regime(&self) -> Option<Regime> {
        Regime::classify(self.learning_rate, self.run.data().lambda_max())
    }

    /// The contour grid of the landscape, once drawn.
    pub fn landscape(&self) -> Option<&LevelGrid> {
        self.grid.as_ref()
    }

    /// The step the formula panel shows (`None` before the first step).
    pub fn shown_step(&self) -> Option<&StepRecord> {
        self.shown.as_ref()
    }

    fn batch_mode(&self) -> BatchMode {
        if self.minibatch {
            BatchMode::Minibatch(self.batch_size.max(1))
        } else {
            BatchMode::Full
        }
    }

    /// Redraws the points from [`LessonPanel::preset`], applies the scaling choice, and starts
    /// again from the current start point (paused).
    pub fn rebuild(&mut self) {
        self.raw = RegressionData::preset(&self.preset);
        let (data, map) = if self.standardize {
            self.raw.standardized()
        } else {
            (
                self.raw.clone(),
                Standardization {
                    mean: 0.0,
                    std: 1.0,
                },
            )
        };
        self.standardization = map;
        let start = self.run.start();
        self.run = GradientDescent::new(data, start, self.batch_mode(), self.preset.seed);
        self.grid = None;
        self.reset();
    }

    /// Back to the start point, paused.
    pub fn reset(&mut self) {
        let start = self.run.start();
        self.run.reset(start);
        self.run.set_batch(self.batch_mode());
        self.shown = None;
        self.playing = false;
        self.pacer.clear();
    }

    /// Moves the start point θ₀ and resets.
    pub fn set_start(&mut self, start: [f64; 2]) {
        if start.iter().all(|v| v.is_finite()) {
            self.run.reset(start);
        }
        self.reset();
        let [w, b] = self.run.theta();
        self.notice = Some(format!(
            "new start θ₀ = ({}, {}): paused at step 0, press Play or Step",
            format_number(w),
            format_number(b)
        ));
    }

    /// One step at the current learning rate; pauses on divergence. Returns true if θ moved.
    pub fn step_once(&mut self) -> bool {
        self.run.set_batch(self.batch_mode());
        match self.run.step(self.learning_rate) {
            Ok(record) => {
                let record = *record;
                if !self.playing || record.step % self.formula_every.max(1) == 0 {
                    self.shown = Some(record);
                }
                true
            }
            Err(StepError::Diverged) => {
                self.playing = false;
                self.shown = self.run.last().copied();
                false
            }
            Err(StepError::BadLearningRate) => {
                self.playing = false;
                false
            }
        }
    }

    /// Takes the steps due since the last frame while playing.
    fn advance(&mut self, ctx: &egui::Context) {
        let mut pacer = std::mem::take(&mut self.pacer);
        pacer.advance(ctx, self.playing, self.steps_per_second, || {
            self.step_once();
            self.playing
        });
        self.pacer = pacer;
    }
}

impl Panel for LessonPanel {
    /// Draws the whole lesson (controls, data, landscape, formula, loss) and advances it.
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>) -> Option<Action> {
        self.advance(ui.ctx());
        ui.heading("Gradient descent on linear regression");
        self.controls_ui(ui);
        self.status_ui(ui, view.presenting);
        ui.separator();
        let height = ui.available_height();
        let width = ui.available_width();
        ui.horizontal_top(|ui| {
            // The map on the right is a square as high as the room (its width to spare), so
            // the left column can be wide enough for the update's longest line.
            let left = (width * 0.52).max(260.0);
            let top = ui.cursor().top();
            ui.allocate_ui(egui::vec2(left, height), |ui| {
                // A fixed width: the update's numbers wrap rather than widen the column (the
                // divider and the map moved with every longer number).
                ui.set_max_width(left);
                ui.vertical(|ui| {
                    ui.label(RichText::new("Data").strong());
                    // In presentation mode the loss plot below was 37 points high, with one
                    // label on its axis: the data plot gives it some room.
                    self.data_plot_ui(ui, (height * 0.30).max(96.0));
                    ui.label(RichText::new("Update").strong());
                    self.formula_ui(ui);
                    ui.label(RichText::new("Loss J − J_min (log scale)").strong());
                    let used = ui.cursor().top() - top;
                    self.loss_plot_ui(ui, (height - used - 8.0).max(70.0));
                });
            });
            ui.separator();
            ui.vertical(|ui| {
                ui.label(RichText::new("Loss landscape J(w, b)").strong())
                    .on_hover_text(
                        "Filled contours of J with log-spaced levels; click to start from there",
                    );
                let side = (ui.available_width() - 8.0).min(height - 28.0).max(200.0);
                self.landscape_ui(ui, side);
            });
        });
        None
    }
}

/// The least |∇J| the landscape draws −∇J for: below it the gradient is rounding noise
/// (3e-16 after convergence, against about 1 at the start).
pub const MIN_ARROW_GRADIENT: f64 = 1e-12;

const UPDATE_HINT: &str = "The update θ ← θ − α∇J with this step's numbers; \
    ∂J/∂w = (2/N)Σ(w·xᵢ + b − yᵢ)·xᵢ, ∂J/∂b = (2/N)Σ(w·xᵢ + b − yᵢ)";

impl SteppedView for LessonPanel {
    /// A diverged run stays paused.
    fn play_pause(&mut self) {
        self.playing = !self.playing && self.run.diverged().is_none();
        if !self.playing && self.run.last().is_some() {
            // Paused: the formula shows the latest step, not the last k-th one.
            self.shown = self.run.last().copied();
        }
    }

    fn step_paused(&mut self) {
        self.playing = false;
        self.step_once();
    }

    fn reset(&mut self) {
        LessonPanel::reset(self);
    }
}

impl LessonPanel {
    fn controls_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            let hint = if self.playing {
                "Stop stepping"
            } else {
                "Step continuously at the chosen speed"
            };
            if play_pause_button(ui, self.playing)
                .on_hover_text(hint)
                .clicked()
            {
                self.play_pause();
            }
            if ui
                .button("Step")
                .on_hover_text("Take exactly one gradient step")
                .clicked()
            {
                self.step_paused();
            }
            if ui
                .button("Reset")
                .on_hover_text("Back to the start point θ₀")
                .clicked()
            {
                self.reset();
            }
            ui.separator();
            self.learning_rate_ui(ui);
        });
        // The speed on a row of its own: at the projector's zoom one row cannot hold it all.
        ui.horizontal_wrapped(|ui| {
            ui.add(
                egui::Slider::new(&mut self.steps_per_second, 1.0..=5000.0)
.update_while_editing(false)
                    .logarithmic(true)
                    .text("steps/s"),
            )
            .on_hover_text("How many steps are taken per second while playing");
            ui.add(
                egui::Slider::new(&mut self.formula_every, 1..=1000)
.update_while_editing(false)
                    .logarithmic(true)
                    .text("show every k-th step"),
            )
            .on_hover_text("While playing, the update panel shows only steps divisible by k, so it stays readable");
        });
        ui.horizontal_wrapped(|ui| {
            let mut changed = false;
            changed |= ui
                .add(egui::Slider::new(&mut self.preset.noise, 0.0..=3.0)
.update_while_editing(false).text("noise"))
                .on_hover_text("y = 3x + 2 + noise·U[0,1): scale of the uniform noise")
                .changed();
            changed |= ui
                .add(egui::Slider::new(&mut self.preset.points, 2..=1000)
.update_while_editing(false).logarithmic(true).text("points"))
                .on_hover_text("Number of points N drawn with x ~ U[0,1)")
                .changed();
            ui.label("seed");
            changed |= ui
                .add(egui::DragValue::new(&mut self.preset.seed)
.update_while_editing(false).range(0..=u64::MAX))
                .on_hover_text("Seed of the random points (and of the minibatch order)")
                .changed();
            changed |= ui
                .checkbox(&mut self.standardize, "standardise x")
                .on_hover_text("Fit on z = (x − mean)/std: the Hessian becomes 2·I, the contours round, and one α suits both parameters")
                .changed();
            if changed {
                self.rebuild();
            }
            let mut batch_changed = ui
                .checkbox(&mut self.minibatch, "minibatch SGD")
                .on_hover_text("Estimate the gradient from a few random points per step instead of all N")
                .changed();
            if self.minibatch {
                let max = self.run.data().len().max(2);
                batch_changed |= ui
                    .add(egui::Slider::new(&mut self.batch_size, 1..=max)
.update_while_editing(false).text("batch"))
                    .on_hover_text("Points per minibatch")
                    .changed();
            }
            if batch_changed {
                self.reset();
            }
        });
    }

    /// The learning-rate slider with ticks at 1/λ_max and 2/λ_max.
    fn learning_rate_ui(&mut self, ui: &mut egui::Ui) {
        let (low, high) = LEARNING_RATE_RANGE;
        ui.label("learning rate α");
        // A typed value that is not a number, or is outside the range, is said, not
        // silently ignored or clamped ("1e30" set 10 and "0" set 0.001 without a word).
        let (current, note) = (self.learning_rate, std::cell::RefCell::new(None));
        let response = ui
            .add(
                egui::Slider::new(&mut self.learning_rate, low..=high)
                    .update_while_editing(false)
                    .logarithmic(true)
                    .custom_formatter(|v, _| format!("{v:.4}"))
                    .custom_parser(|text| {
                        parse_typed(
                            text,
                            "learning rate",
                            current,
                            Allowed::Within(low, high),
                            &note,
                        )
                    }),
            )
            .on_hover_text("Step size α in θ ← θ − α∇J. The red tick marks the critical 2/λ_max, the grey one 1/λ_max");
        if let Some(critical) = self.critical_learning_rate() {
            let thickness = ui
                .text_style_height(&egui::TextStyle::Body)
                .max(ui.spacing().interact_size.y);
            let radius = thickness / 2.5;
            let left = response.rect.left() + radius;
            let right = response.rect.left() + ui.spacing().slider_width - radius;
            let y = response.rect.center().y;
            let position = |value: f64| {
                let t = ((value.ln() - low.ln()) / (high.ln() - low.ln())).clamp(0.0, 1.0);
                left + (right - left) * t as f32
            };
            let painter = ui.painter();
            for (value, color) in [
                (critical / 2.0, Color32::GRAY),
                (critical, Color32::from_rgb(230, 50, 50)),
            ] {
                let x = position(value);
                painter.line_segment(
                    [
                        egui::pos2(x, y - thickness * 0.6),
                        egui::pos2(x, y + thickness * 0.6),
                    ],
                    Stroke::new(2.0, color),
                );
            }
            ui.label(
                RichText::new(format!("2/λ_max = {}", format_number(critical)))
                    .color(Color32::from_rgb(230, 50, 50)),
            )
            .on_hover_text(format!(
                "λ_max = {} is the largest eigenvalue of the Hessian (2/N)·X^T X with a bias column; above 2/λ_max gradient descent diverges",
                format_number(self.run.data().lambda_max())
            ));
        }
        note_ui(
            ui,
            egui::Id::unique("lesson learning rate note"),
            note.into_inner(),
        );
    }

    /// The regime, the step, θ and J; and the least-squares fit, except in presentation mode,
    /// where its row is worth more to the plots below and the map's legend gives the fit
    /// (its known minimum).
    fn status_ui(&mut self, ui: &mut egui::Ui, presenting: bool) {
        ui.horizontal_wrapped(|ui| {
            let (text, color) = match self.regime() {
                Some(Regime::Monotone) => {
                    (Regime::Monotone.label(), Color32::from_rgb(90, 170, 90))
                }
                Some(Regime::Oscillating) => {
                    (Regime::Oscillating.label(), Color32::from_rgb(230, 160, 40))
                }
                Some(Regime::Diverging) => {
                    (Regime::Diverging.label(), Color32::from_rgb(220, 60, 60))
                }
                None => ("regime: undefined (no curvature or bad α)", Color32::GRAY),
            };
            ui.label(RichText::new(text).color(color).strong())
                .on_hover_text("Along the steepest direction each step multiplies the error by (1 − α·λ_max): no sign change below 1/λ_max, shrinking oscillation below 2/λ_max, growth above");
            let [w, b] = self.run.theta();
            // After a divergence the counter says which step failed, as the message does.
            let step = match self.run.diverged() {
                Some(_) => format!("{} (step {} diverged)", self.run.steps(), self.run.steps() + 1),
                None => self.run.steps().to_string(),
            };
            // Each label whole, on the next row when it does not fit: a wrapped label split
            // a pair of numbers over two rows in presentation mode.
            ui.add(
                egui::Label::new(
                    RichText::new(format!(
                        "step {step}   θ = (w, b) = ({}, {})   J = {}",
                        format_number(w),
                        format_number(b),
                        format_number(self.run.data().loss(self.run.theta()))
                    ))
                    .monospace(),
                )
                .wrap_mode(egui::TextWrapMode::Extend),
            );
            if let Some(fit) = self.run.data().least_squares().filter(|_| !presenting) {
                ui.add(
                    egui::Label::new(
                        RichText::new(format!(
                            "least squares: ({}, {})",
                            format_number(fit[0]),
                            format_number(fit[1])
                        ))
                        .monospace(),
                    )
                    .wrap_mode(egui::TextWrapMode::Extend),
                )
                .on_hover_text("The closed-form minimum from the normal equations X^T X θ = X^T y");
            }
        });
        if self.playing || self.run.steps() > 0 {
            self.notice = None;
        }
        if let Some(notice) = &self.notice {
            ui.label(RichText::new(notice).color(Color32::from_rgb(120, 170, 230)))
                .on_hover_text("Clicking the landscape moves the start point and pauses");
        }
        if let Some(message) = self.run.diverged() {
            ui.label(
                RichText::new(message)
                    .color(Color32::from_rgb(230, 140, 30))
                    .strong(),
            );
        }
    }

    fn data_plot_ui(&mut self, ui: &mut egui::Ui, height: f32) {
        let points: Vec<[f64; 2]> = self
            .raw
            .x
            .iter()
            .zip(&self.raw.y)
            .map(|(&x, &y)| [x, y])
            .collect();
        let [w, b] = self.standardization.to_original(self.run.theta());
        let (x0, x1) = self
            .raw
            .x
            .iter()
            .fold((0.0f64, 1.0f64), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        let line = vec![[x0, w * x0 + b], [x1, w * x1 + b]];
        legend_row(
            ui,
            &[
                LegendEntry::new("data points", POINT_COLOR, Marker::Dot),
                LegendEntry::new(
                    format!("model ŷ = {}·x + {}", format_number(w), format_number(b)),
                    LINE_COLOR,
                    Marker::Line,
                ),
            ],
        );
        // The view stays on the data: a diverging line runs off it instead of rescaling the
        // axes to 10⁶.
        let (y0, y1) = self
            .raw
            .y
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &y| {
                (lo.min(y), hi.max(y))
            });
        let (pad_x, pad_y) = (0.05 * (x1 - x0).max(1e-9), 0.15 * (y1 - y0).max(1e-9));
        Plot::new("lesson_data_plot")
            .height(height - 20.0)
            .custom_x_axes(x_axis("x"))
            .y_grid_spacer(data_y_grid)
            .custom_y_axes(y_axis("y"))
            .allow_scroll(false)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_boxed_zoom(false)
            .show(ui, |plot_ui| {
                if y0.is_finite() && y1.is_finite() {
                    plot_ui.set_plot_bounds(egui_plot::PlotBounds::from_min_max(
                        [x0 - pad_x, y0 - pad_y],
                        [x1 + pad_x, y1 + pad_y],
                    ));
                }
                plot_ui.points(
                    Points::new("points", PlotPoints::from(points))
                        .color(POINT_COLOR)
                        .radius(2.5),
                );
                plot_ui.line(
                    Line::new(
                        format!("ŷ = {}·x + {}", format_number(w), format_number(b)),
                        PlotPoints::from(line),
                    )
                    .color(LINE_COLOR)
                    .width(2.0),
                );
            });
    }

    fn formula_ui(&mut self, ui: &mut egui::Ui) {
        let text = match &self.shown {
            Some(record) => formula_text(record, false),
            None => {
                // Before the first step: the step that Step would take.
                let before = self.run.theta();
                let gradient = self.run.data().gradient(before);
                let after = [
                    before[0] - self.learning_rate * gradient[0],
                    before[1] - self.learning_rate * gradient[1],
                ];
                let pending = StepRecord {
                    step: self.run.steps() + 1,
                    lr: self.learning_rate,
                    gradient,
                    before,
                    after,
                    loss: self.run.data().loss(after),
                };
                formula_text(&pending, true)
            }
        };
        egui::Frame::group(ui.style()).show(ui, |ui| {
            let formula = egui::Label::new(RichText::new(text).monospace())
                .wrap_mode(egui::TextWrapMode::Wrap);
            ui.add(formula).on_hover_text(UPDATE_HINT);
        });
    }

    fn loss_plot_ui(&mut self, ui: &mut egui::Ui, height: f32) {
        let floor = self
            .run
            .data()
            .least_squares()
            .map_or(0.0, |fit| self.run.data().loss(fit));
        // Drawn as a min/max envelope updated with the new steps only (see ui::decimate).
        let points = self.curve.update_mapped(self.run.losses(), |[step, loss]| {
            // A diverged (non-finite) loss is left out, not floored.
            let gap = loss - floor;
            [
                step,
                if gap.is_finite() {
                    gap.max(1e-16).log10()
                } else {
                    f64::NAN
                },
            ]
        });
        let steps = self.run.losses().last().map_or(0.0, |p| p[0]);
        log_y_axis(count_x_axis(
            Plot::new("lesson_loss_plot")
                .height(height)
                .include_x(0.0)
                .include_x(steps.max(10.0))
                .custom_x_axes(x_axis("step"))
                .custom_y_axes(y_axis(""))
                .allow_scroll(false),
        ))
        .show(ui, |plot_ui| {
            plot_ui.line(Line::new("log₁₀(J − J_min)", PlotPoints::from(points)).color(PATH_COLOR));
        });
    }

    fn landscape_ui(&mut self, ui: &mut egui::Ui, side: f32) {
        let surface = Surface::Regression(std::sync::Arc::new(self.run.data().clone()));
        let bounds = surface.bounds();
        if self.grid.as_ref().is_none_or(|g| g.bounds != bounds) {
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
                        "lesson_landscape",
                        image,
                        TextureOptions::NEAREST,
                    ));
                }
            }
            self.grid = Some(grid);
        }
        let (w_name, b_name) = if self.standardize {
            ("w (per std of x)", "b (at mean x)")
        } else {
            ("w", "b")
        };
        let theta = self.run.theta();
        let gradient = self.run.data().gradient(theta);
        let norm = gradient[0].hypot(gradient[1]);
        // At the minimum the gradient is rounding noise, and an arrow of fixed length would
        // point wherever the noise does.
        let arrow = norm >= MIN_ARROW_GRADIENT && norm.is_finite();
        let arrow_name = if arrow {
            format!(
                "−∇J, drawn at a fixed length (|∇J| = {})",
                format_number(norm)
            )
        } else {
            format!("−∇J: none at the minimum (|∇J| = {})", format_number(norm))
        };
        let legend = vec![
            LegendEntry::new("path of (w, b)", PATH_COLOR, Marker::Line),
            LegendEntry::new("θ now", PATH_COLOR, Marker::Dot),
            LegendEntry::new(arrow_name, ARROW_COLOR, Marker::Line),
        ];
        // Two pixels of the map in (w, b) units: the drawn path keeps a point per two pixels.
        let pixel = [
            2.0 * (bounds.x[1] - bounds.x[0]) / f64::from(side.max(1.0)),
            2.0 * (bounds.y[1] - bounds.y[0]) / f64::from(side.max(1.0)),
        ];
        let path = self.path.update(self.run.path(), pixel);
        let clicked = landscape_plot(
            ui,
            "lesson_landscape_plot",
            side,
            &LandscapeView {
                bounds,
                texture: self.texture.as_ref().map(TextureHandle::id),
                axes: (w_name, b_name),
                critical: surface.critical_points(),
                legend,
            },
            |plot_ui| {
                plot_ui.line(
                    Line::new("path of (w, b)", PlotPoints::from(path))
                        .color(PATH_COLOR)
                        .width(1.5),
                );
                plot_ui.points(
                    Points::new("θ", PlotPoints::from(vec![theta]))
                        .color(PATH_COLOR)
                        .shape(MarkerShape::Circle)
                        .radius(4.0),
                );
                if arrow {
                    let [span_x, span_y] = bounds.size();
                    let length = 0.12 * span_x.min(span_y);
                    let tip = [
                        theta[0] - length * gradient[0] / norm,
                        theta[1] - length * gradient[1] / norm,
                    ];
                    plot_ui.arrows(
                        Arrows::new(
                            format!("−∇J (|∇J| = {})", format_number(norm)),
                            PlotPoints::from(vec![theta]),
                            PlotPoints::from(vec![tip]),
                        )
                        .color(ARROW_COLOR),
                    );
                }
            },
        );
        if let Some(point) = clicked {
            self.set_start(point);
        }
    }
}
