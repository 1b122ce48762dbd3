//! The Loss panel when runs are compared: the ticked runs' curves overlaid, each in its
//! run's colour, with the controls above them:
//!
//! - **smoothing**: TensorBoard's debiased exponential moving average ([`crate::ui::smoothing`])
//!   of every curve; the raw curve stays drawn, faint, beneath the smoothed one;
//! - **x**: step, epoch, seconds spent training or the time of day (UTC), on which the curve
//!   breaks where a run stopped ([`crate::ui::runclock`]), and **log x**;
//! - **group by seed**: runs that are the same but for the seed (settings, settings changed
//!   during training and lineage) become one curve, their mean, with a band of ±1 standard
//!   deviation ([`crate::ui::seedgroup`]).
//!
//! The loss plot shows each run's per-step (mini-batch) loss, thin, and its test loss, bold;
//! the accuracy plot its test accuracy. Hovering a curve names its run (or group), the
//! curve and the values under the pointer. Curves are prepared once per change of a run's
//! history and thinned to the plot's pixel columns ([`crate::ui::runcurves`]).

use eframe::egui::{self, Color32};
use egui_plot::{
    FilledArea, HoverPosition, Line, Plot, PlotPoint, PlotPoints, PlotTransform, PlotUi, VLine,
};

use crate::ui::plot::{
    LegendEntry, Marker, count_x_axis, data_y_grid, legend_row, log_x_axis, log_y_axis, x_axis,
    y_axis,
};
use crate::ui::runclock::{XAxis, time_grid_steps, time_of_day, wall_clock_label};
use crate::ui::runcurves::{CurveCache, CurveKind, CurveView, RunCurves, break_band, break_line};
use crate::ui::runlist::RunEntry;
use crate::ui::seedgroup::{SeedFacts, band, seed_groups};
use crate::ui::smoothing::MAX_SMOOTHING;
use crate::ui::state::{RunView, View};

/// The controls of the overlaid curves.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CompareOptions {
    /// Smoothing weight of the debiased EMA, 0 ..= 0.99 (0: none).
    pub smoothing: f64,
    /// What the curves are drawn against.
    pub x_axis: XAxis,
    /// A logarithmic x axis.
    pub log_x: bool,
    /// Runs that differ only in the seed are drawn as their mean and ±1 std band.
    pub group_by_seed: bool,
}

impl CompareOptions {
    /// A logarithmic x axis is in force (never for the time of day).
    pub fn log_x_in_force(&self) -> bool {
        self.log_x && self.x_axis != XAxis::WallClock
    }
}

impl Default for CompareOptions {
    fn default() -> Self {
        Self {
            smoothing: 0.6,
            x_axis: XAxis::Step,
            log_x: false,
            group_by_seed: false,
        }
    }
}

impl CompareOptions {
    /// The controls above the overlaid plots: wrapping onto as many rows as they need, or
    /// (`one_row`, when room is short) on one row that scrolls sideways.
    pub fn controls_ui(&mut self, ui: &mut egui::Ui, one_row: bool) {
        if one_row {
            one_row_ui(ui, "runs_controls_row", |ui| self.control_widgets(ui));
        } else {
            ui.horizontal_wrapped(|ui| self.control_widgets(ui));
        }
    }

    /// Smoothing, x axis, log x and group by seed.
    fn control_widgets(&mut self, ui: &mut egui::Ui) {
        ui.spacing_mut().slider_width = 80.0;
        ui.add(
            egui::Slider::new(&mut self.smoothing, 0.0..=MAX_SMOOTHING)
                .update_while_editing(false)
                .text("smoothing")
                .fixed_decimals(2),
        )
        .on_hover_text(
            "Exponential moving average of each curve (TensorBoard's, debiased): 0 = none, \
             0.99 = strongest. The raw curve stays drawn, faint, beneath.",
        );
        egui::ComboBox::from_id_salt("runs_x_axis")
            .selected_text(format!("x: {}", self.x_axis.label()))
            .show_ui(ui, |ui| {
                for axis in XAxis::ALL {
                    ui.selectable_value(&mut self.x_axis, axis, axis.label())
                        .on_hover_text(axis.hint());
                }
            })
            .response
            .on_hover_text(format!(
                "What the curves are drawn against. Now: {}",
                self.x_axis.hint()
            ));
        let can_log = self.x_axis != XAxis::WallClock;
        ui.add_enabled(can_log, egui::Checkbox::new(&mut self.log_x, "log x"))
            .on_hover_text("A logarithmic x axis (powers of ten); points at x = 0 are left out")
            .on_disabled_hover_text("A time of day has no logarithmic axis");
        ui.checkbox(&mut self.group_by_seed, "group by seed")
            .on_hover_text(
                "Draw ticked runs whose settings differ only in the seed as one curve: \
                 their mean, with a band of ±1 standard deviation",
            );
    }
}

/// `add` on one row that scrolls sideways when it is wider than `ui`, with a thin scroll bar
/// that stays visible (egui's floating one is invisible until hovered, so a cut-off row would
/// look like the end of it).
fn one_row_ui(ui: &mut egui::Ui, id: &str, add: impl FnOnce(&mut egui::Ui)) {
    ui.scope(|ui| {
        ui.spacing_mut().scroll = egui::style::ScrollStyle::thin();
        egui::ScrollArea::horizontal()
            .id_salt(id)
            .show(ui, |ui| ui.horizontal(add));
    });
}

/// Least height (points) of the data area of each overlaid plot that the layout keeps when it
/// can: 150 pixels in presentation mode (zoomed 1.5×), readable on a projector.
pub const MIN_PLOT_HEIGHT: f32 = 100.0;

/// Height (points) of an x axis under a plot (its tick labels and name), beside the data area.
const X_AXIS_HEIGHT: f32 = 40.0;

/// Room (points) the controls, a note and the legend may take when they wrap onto several
/// rows; with less room than the plots need beside it, they fold onto one scrolling row each.
const FULL_CONTROLS_HEIGHT: f32 = 90.0;

/// Least width (points) of each plot when the loss and accuracy plots stand side by side.
const MIN_PLOT_WIDTH: f32 = 150.0;

/// A line drawn in the last frame: its name (as hovering shows it), its number of points, its
/// last point (plot space) and the number of separate strokes it was drawn in.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawnLine {
    /// The line's name.
    pub name: String,
    /// Points drawn (with the breaks between strokes).
    pub points: usize,
    /// The newest (rightmost) point, in plot coordinates.
    pub last: [f64; 2],
    /// Strokes: 1, or one more per break where the run stopped (on the wall clock).
    pub strokes: usize,
}

impl DrawnLine {
    fn of(name: &str, points: &[PlotPoint]) -> Self {
        let last = points.last().map_or([f64::NAN; 2], |p| [p.x, p.y]);
        Self {
            name: name.to_string(),
            points: points.len(),
            last,
            strokes: strokes(points).count(),
        }
    }
}

/// The stretches of `points` between breaks (NaN points), each drawn as a line of its own:
/// egui_plot would join a line through a NaN.
fn strokes(points: &[PlotPoint]) -> impl Iterator<Item = &[PlotPoint]> {
    points.split(|p| p.x.is_nan()).filter(|s| !s.is_empty())
}

/// Whose curve is drawn: one run, or a group of runs differing only in the seed.
struct Owner {
    /// Name in the legend.
    legend: String,
    /// Name in the line names (and so on hover).
    name: String,
    color: Color32,
    /// The runs' ids.
    members: Vec<u64>,
}

/// The Loss panel's comparison of runs (see the module docs).
#[derive(Default)]
pub struct RunPlot {
    /// The controls.
    pub options: CompareOptions,
    cache: CurveCache,
    drawn: Vec<DrawnLine>,
    loss_transform: Option<PlotTransform>,
    accuracy_transform: Option<PlotTransform>,
}

impl RunPlot {
    /// The data areas (screen rectangles, points) of the loss plot and, for classification,
    /// the accuracy plot as drawn in the last frame.
    pub fn plot_frames(&self) -> Vec<egui::Rect> {
        [self.loss_transform, self.accuracy_transform]
            .iter()
            .flatten()
            .map(|t| *t.frame())
            .collect()
    }

    /// The lines drawn in the last frame, loss plot first.
    pub fn drawn(&self) -> &[DrawnLine] {
        &self.drawn
    }

    /// Where the loss plot was drawn last (plot ↔ screen coordinates).
    pub fn loss_transform(&self) -> Option<PlotTransform> {
        self.loss_transform
    }

    /// How many times a run's curves were prepared rather than taken from the cache.
    pub fn preparations(&self) -> u64 {
        self.cache.preparations()
    }

    /// The controls, the legend and the overlaid plots of `overlay` (the ticked runs), filling
    /// the rest of `ui`. `log_y` is the Loss panel's log scale; the accuracy plot is drawn
    /// for `classification`.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        view: &View<'_>,
        overlay: &[(&RunEntry, &RunView)],
        log_y: bool,
        classification: bool,
    ) {
        let room = ui.available_height();
        let top = ui.cursor().top();
        // Short of room (presentation mode, many runs): controls and legend on one scrolling
        // row each, rather than squeezing the plots.
        let plot_count = if classification { 2.0 } else { 1.0 };
        let compact = room < plot_count * (MIN_PLOT_HEIGHT + X_AXIS_HEIGHT) + FULL_CONTROLS_HEIGHT;
        self.options.controls_ui(ui, compact);
        let mut options = self.options;
        options.log_x = options.log_x_in_force();
        if options.x_axis.is_time() {
            untimed_note(ui, overlay, compact);
        }
        let curve_view = CurveView {
            smoothing: options.smoothing,
            x_axis: options.x_axis,
            log_x: options.log_x,
            log_y,
            columns: ui.available_width().max(1.0) as usize,
        };
        let runs: Vec<(u64, &RunView)> = overlay.iter().map(|(e, run)| (e.id, *run)).collect();
        if self.cache.update_all(&runs, &curve_view) {
            // Some runs' curves wait for a later frame.
            ui.ctx().request_repaint();
        }
        let owners = owners(view, overlay, options.group_by_seed);
        let legend: Vec<LegendEntry> = owners
            .iter()
            .map(|o| LegendEntry::new(&o.legend, o.color, Marker::Line))
            .collect();
        if compact {
            one_row_ui(ui, "runs_legend_row", |ui| legend_row(ui, &legend));
        } else {
            legend_row(ui, &legend);
        }
        let plots = room - (ui.cursor().top() - top) - 12.0;
        // Stacked, the loss plot takes 62 %; side by side (when stacked plots would fall
        // below the least height), each takes the whole height and half the width.
        let side_by_side = classification
            && plots * (1.0 - 0.62) < MIN_PLOT_HEIGHT + X_AXIS_HEIGHT
            && ui.available_width() >= 2.0 * MIN_PLOT_WIDTH;
        let height = if side_by_side {
            plots.max(40.0)
        } else if classification {
            (plots * 0.62).max(40.0)
        } else {
            (plots + 8.0).max(40.0)
        };
        let marker = timeline_marker(view, &options);
        self.drawn.clear();
        let frame = Frame {
            cache: &self.cache,
            owners: &owners,
            options,
            positions: (curve_view.columns / 2).max(2),
            marker,
            half_pixel: self
                .loss_transform
                .map_or(0.0, |t| 0.5 * t.dvalue_dpos()[1].abs()),
        };
        let y_label = if log_y { "loss (log10)" } else { "loss" };
        let kinds = [CurveKind::StepLoss, CurveKind::TestLoss];
        let plot = frame.plot("runs_loss_plot", height, y_label, log_y);
        let plot = if log_y {
            log_y_axis(plot)
        } else {
            plot.include_y(0.0)
        };
        let drawn = &mut self.drawn;
        let width = 0.5 * (ui.available_width() - ui.spacing().item_spacing.x);
        let accuracy_height = if side_by_side {
            height
        } else {
            (plots - height).max(30.0)
        };
        let accuracy_plot = || {
            frame
                .plot("runs_accuracy_plot", accuracy_height, "accuracy %", false)
                .include_y(0.0)
                .include_y(100.0)
        };
        let (loss, accuracy) = if side_by_side {
            ui.horizontal_top(|ui| {
                let loss = plot
                    .width(width)
                    .show(ui, |plot_ui| frame.lines_ui(plot_ui, &kinds, drawn));
                let accuracy = accuracy_plot().width(width).show(ui, |plot_ui| {
                    frame.lines_ui(plot_ui, &[CurveKind::TestAccuracy], drawn);
                });
                (loss.transform, Some(accuracy.transform))
            })
            .inner
        } else {
            let loss = plot.show(ui, |plot_ui| frame.lines_ui(plot_ui, &kinds, drawn));
            let accuracy = classification.then(|| {
                accuracy_plot()
                    .show(ui, |plot_ui| {
                        frame.lines_ui(plot_ui, &[CurveKind::TestAccuracy], drawn);
                    })
                    .transform
            });
            (loss.transform, accuracy)
        };
        self.loss_transform = Some(loss);
        self.accuracy_transform = accuracy;
    }
}

/// The timeline's step of the selected run, in plot space on the chosen x axis (none when the
/// timeline is at the newest step or the axis cannot place it).
fn timeline_marker(view: &View<'_>, options: &CompareOptions) -> Option<f64> {
    let step = view.runs.timeline_step?;
    let entry = view.runs.selected_entry()?;
    let run = view.runs.run_of(entry, view.run);
    let placed = run
        .clock
        .to_axis(&[[step as f64, 0.0]], options.x_axis, run.steps_per_epoch);
    let x = placed.first()?[0];
    if options.log_x {
        (x > 0.0).then(|| x.log10())
    } else {
        Some(x)
    }
}

/// On the time axes, which overlaid runs have no times for their first steps (reopened from
/// a file saved without them) and so start later on the axis; on one line (cut, the whole
/// on hover) when `one_line`.
fn untimed_note(ui: &mut egui::Ui, overlay: &[(&RunEntry, &RunView)], one_line: bool) {
    let untimed: Vec<String> = overlay
        .iter()
        .filter_map(|(entry, run)| {
            let step = run.clock.untimed_through()?;
            Some(format!("{} (to step {step})", entry.name))
        })
        .collect();
    if untimed.is_empty() {
        return;
    }
    // Body size: `small()` is unreadable on a projector.
    let text = format!("no times (left off this axis): {}", untimed.join(", "));
    let label = egui::Label::new(egui::RichText::new(&text).weak());
    let label = if one_line { label.truncate() } else { label };
    ui.add(label).on_hover_text(format!(
        "{text}\nThese runs were opened from a file saved without times (or with damaged \
         ones), so their steps up to the saved one are left off this axis; what they train \
         from now on is drawn"
    ));
}

/// The ticked runs as owners of curves: one each, or (with `group_by_seed`) one per group
/// of runs that are the same but for the seed ([`SeedFacts::same_but_seed`]).
fn owners(view: &View<'_>, overlay: &[(&RunEntry, &RunView)], group_by_seed: bool) -> Vec<Owner> {
    let groups: Vec<Vec<usize>> = if group_by_seed {
        let facts: Vec<SeedFacts<'_>> = overlay
            .iter()
            .map(|(entry, _)| SeedFacts::of(view.runs, (view.settings, view.run), entry))
            .collect();
        seed_groups(&facts)
    } else {
        (0..overlay.len()).map(|i| vec![i]).collect()
    };
    groups
        .into_iter()
        .map(|group| {
            let first = overlay[group[0]].0;
            if group.len() == 1 {
                return Owner {
                    legend: first.name.clone(),
                    name: first.name.clone(),
                    color: first.color,
                    members: vec![first.id],
                };
            }
            let names: Vec<&str> = group.iter().map(|&i| overlay[i].0.name.as_str()).collect();
            let n = group.len();
            Owner {
                legend: format!("{} +{} ({n} seeds)", first.name, n - 1),
                name: format!("{} (mean of {n} seeds)", names.join(", ")),
                color: first.color,
                members: group.iter().map(|&i| overlay[i].0.id).collect(),
            }
        })
        .collect()
}

/// What one frame's plots draw from.
struct Frame<'a> {
    cache: &'a CurveCache,
    owners: &'a [Owner],
    options: CompareOptions,
    /// Positions at which a group's mean is taken.
    positions: usize,
    /// The timeline's step, in plot space.
    marker: Option<f64>,
    /// Half a pixel in loss units (from the last frame's loss plot; 0 before it), the least
    /// half-height of a per-step band.
    half_pixel: f64,
}

impl<'a> Frame<'a> {
    /// A plot `height` high with the chosen x axis, hover text naming the curve, and room for
    /// the timeline's step.
    fn plot<'p>(
        &self,
        id: &'static str,
        height: f32,
        y_label: &'static str,
        log_y: bool,
    ) -> Plot<'p> {
        let (x_axis_kind, log_x) = (self.options.x_axis, self.options.log_x);
        let x_label = if log_x {
            format!("{} (log10)", x_axis_kind.label())
        } else {
            x_axis_kind.label().to_string()
        };
        let value_name = if y_label.starts_with("accuracy") {
            "accuracy"
        } else {
            "loss"
        };
        let mut plot = Plot::new(id)
            .height(height)
            .custom_x_axes(x_axis(x_label))
            .y_grid_spacer(data_y_grid)
            .custom_y_axes(y_axis(y_label))
            .allow_scroll(false)
            .label_formatter(move |position| match position {
                HoverPosition::NearDataPoint {
                    plot_name,
                    position,
                    ..
                } => Some(hover_text(
                    plot_name,
                    [position.x, position.y],
                    (x_axis_kind, log_x),
                    (value_name, log_y),
                )),
                HoverPosition::Elsewhere { .. } => None,
            });
        plot = if x_axis_kind == XAxis::WallClock {
            plot.x_grid_spacer(egui_plot::uniform_grid_spacer(|input| {
                time_grid_steps(input.base_step_size)
            }))
            .x_axis_formatter(|mark, range| wall_clock_label(mark.value, range))
        } else if log_x {
            log_x_axis(plot)
        } else {
            // Steps, epochs or seconds: labels apart at 1-2-5 steps, written short (120k).
            count_x_axis(plot.include_x(0.0))
        };
        if let Some(x) = self.marker {
            plot = plot.include_x(x);
        }
        plot
    }

    /// Every owner's curves of `kinds`, and the timeline marker.
    fn lines_ui<'p>(
        &self,
        plot_ui: &mut PlotUi<'p>,
        kinds: &[CurveKind],
        drawn: &mut Vec<DrawnLine>,
    ) where
        'a: 'p,
    {
        if let Some(x) = self.marker {
            plot_ui.vline(VLine::new("timeline", x).color(Color32::GRAY));
        }
        for owner in self.owners {
            let curves: Vec<&'a RunCurves> = owner
                .members
                .iter()
                .filter_map(|id| self.cache.get(*id))
                .collect();
            for &kind in kinds {
                if let [single] = curves.as_slice() {
                    self.run_lines(plot_ui, owner, single, kind, drawn);
                } else if !curves.is_empty() {
                    self.group_lines(plot_ui, owner, &curves, kind, drawn);
                }
            }
        }
    }

    /// One run's raw curve, faint (the per-step loss as its min/max band per pixel column),
    /// under its smoothed curve (or, without smoothing, its raw curve as the line).
    fn run_lines<'p>(
        &self,
        plot_ui: &mut PlotUi<'p>,
        owner: &Owner,
        curves: &'a RunCurves,
        kind: CurveKind,
        drawn: &mut Vec<DrawnLine>,
    ) where
        'a: 'p,
    {
        let curve = curves.curve(kind);
        let smoothing = self.options.smoothing > 0.0;
        let suffix = if smoothing { " (smoothed)" } else { "" };
        if kind == CurveKind::StepLoss {
            let band = &curve.band;
            if let Some(&x) = band.x.last() {
                // At least one pixel high, so that a calm stretch stays visible.
                let pad = self.half_pixel;
                let low: Vec<f64> = band.low.iter().map(|y| y - pad).collect();
                let high: Vec<f64> = band.high.iter().map(|y| y + pad).collect();
                // Pinched where the run stopped (after the padding, or a pixel would remain).
                let (xs, low, high) = break_band(&band.x, &low, &high, &curve.gaps);
                let name = line_name(owner, kind, " (raw)");
                drawn.push(DrawnLine {
                    name: name.clone(),
                    points: band.x.len(),
                    last: [x, high[high.len() - 1]],
                    strokes: 1,
                });
                plot_ui.add(
                    FilledArea::new(name, &xs, &low, &high)
                        .fill_color(owner.color.gamma_multiply(0.22)),
                );
            }
            let color = owner.color.gamma_multiply(0.8);
            let name = line_name(owner, kind, suffix);
            add_line(plot_ui, drawn, name, &curve.line, color, 1.2);
            return;
        }
        if smoothing {
            let name = line_name(owner, kind, " (raw)");
            let color = owner.color.gamma_multiply(0.3);
            add_line(plot_ui, drawn, name, &curve.raw, color, 1.0);
        }
        let name = line_name(owner, kind, suffix);
        add_line(plot_ui, drawn, name, &curve.line, owner.color, 2.0);
    }

    /// A seed group's ±1 std band, the mean of its raw curves (faint, with smoothing) and the
    /// mean of its smoothed curves.
    fn group_lines(
        &self,
        plot_ui: &mut PlotUi<'_>,
        owner: &Owner,
        curves: &[&'a RunCurves],
        kind: CurveKind,
        drawn: &mut Vec<DrawnLine>,
    ) {
        let smoothing = self.options.smoothing > 0.0;
        let series: Vec<&[[f64; 2]]> = curves
            .iter()
            .map(|c| c.curve(kind).series.as_slice())
            .collect();
        let group = band(&series, self.positions);
        if group.x.is_empty() {
            return;
        }
        // Broken where any member stopped (on the wall clock).
        let gaps: Vec<(f64, f64)> = curves
            .iter()
            .flat_map(|c| c.curve(kind).gaps.iter().copied())
            .collect();
        let (low, high) = group.bounds();
        let (x, low, high) = break_band(&group.x, &low, &high, &gaps);
        let band_alpha = if kind == CurveKind::StepLoss {
            0.12
        } else {
            0.2
        };
        plot_ui.add(
            FilledArea::new(line_name(owner, kind, " ±1 std"), &x, &low, &high)
                .fill_color(owner.color.gamma_multiply(band_alpha)),
        );
        if smoothing {
            let raw: Vec<&[[f64; 2]]> = curves
                .iter()
                .map(|c| c.curve(kind).raw_series.as_slice())
                .collect();
            let raw_mean = break_line(band(&raw, self.positions).mean_points(), &gaps);
            let points: Vec<PlotPoint> = raw_mean.into_iter().map(PlotPoint::from).collect();
            let name = line_name(owner, kind, " (raw)");
            let color = owner.color.gamma_multiply(0.3);
            add_owned_line(plot_ui, drawn, name, points, color, 1.0);
        }
        let suffix = if smoothing { " (smoothed)" } else { "" };
        let width = if kind == CurveKind::StepLoss {
            1.2
        } else {
            2.0
        };
        let points: Vec<PlotPoint> = break_line(group.mean_points(), &gaps)
            .into_iter()
            .map(PlotPoint::from)
            .collect();
        add_owned_line(
            plot_ui,
            drawn,
            line_name(owner, kind, suffix),
            points,
            owner.color,
            width,
        );
    }
}

fn line_name(owner: &Owner, kind: CurveKind, suffix: &str) -> String {
    format!("{} · {}{suffix}", owner.name, kind.label())
}

fn add_line<'a>(
    plot_ui: &mut PlotUi<'a>,
    drawn: &mut Vec<DrawnLine>,
    name: String,
    points: &'a [PlotPoint],
    color: Color32,
    width: f32,
) {
    if points.is_empty() {
        return;
    }
    drawn.push(DrawnLine::of(&name, points));
    for stretch in strokes(points) {
        plot_ui.line(
            Line::new(name.clone(), PlotPoints::Borrowed(stretch))
                .color(color)
                .width(width),
        );
    }
}

fn add_owned_line(
    plot_ui: &mut PlotUi<'_>,
    drawn: &mut Vec<DrawnLine>,
    name: String,
    points: Vec<PlotPoint>,
    color: Color32,
    width: f32,
) {
    if points.is_empty() {
        return;
    }
    drawn.push(DrawnLine::of(&name, &points));
    for stretch in strokes(&points) {
        plot_ui.line(
            Line::new(name.clone(), PlotPoints::Owned(stretch.to_vec()))
                .color(color)
                .width(width),
        );
    }
}

/// The hover text of the point `position` (plot space) of the line named `line`: the line's
/// name (its run and curve), then x and y as values (log axes undone). `x` is the x axis and
/// whether it is logarithmic, `y` the value's name ("loss" or "accuracy", in %) and whether
/// its axis is.
pub fn hover_text(line: &str, position: [f64; 2], x: (XAxis, bool), y: (&str, bool)) -> String {
    let unlog = |value: f64, log: bool| if log { 10f64.powf(value) } else { value };
    let x_value = unlog(position[0], x.1);
    let x_text = match x.0 {
        XAxis::Step => format!("step {x_value:.0}"),
        XAxis::Epoch => format!("epoch {x_value:.2}"),
        XAxis::Seconds => format!("{x_value:.1} s"),
        XAxis::WallClock => format!("{} UTC", time_of_day(x_value, true)),
    };
    let y_value = unlog(position[1], y.1);
    let y_text = match y.0 {
        "accuracy" => format!("accuracy {y_value:.1} %"),
        name => format!("{name} {y_value:.4}"),
    };
    format!("{line}\n{x_text} · {y_text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hover_names_the_run_and_undoes_log_axes() {
        let text = hover_text(
            "run 2 · test loss (smoothed)",
            [3.0, -1.0],
            (XAxis::Step, true),
            ("loss", true),
        );
        assert_eq!(
            text,
            "run 2 · test loss (smoothed)\nstep 1000 · loss 0.1000"
        );
        let text = hover_text(
            "run 1 · test accuracy %",
            [12.34, 97.5],
            (XAxis::Seconds, false),
            ("accuracy", false),
        );
        assert_eq!(text, "run 1 · test accuracy %\n12.3 s · accuracy 97.5 %");
        let text = hover_text("g", [1.5, 0.25], (XAxis::Epoch, false), ("loss", false));
        assert_eq!(text, "g\nepoch 1.50 · loss 0.2500");
        // 2026-12-02 14:03:20.25 UTC (a Unix time).
        let text = hover_text(
            "g",
            [1_796_220_200.25, 0.5],
            (XAxis::WallClock, false),
            ("loss", false),
        );
        assert_eq!(text, "g\n14:03:20.3 UTC · loss 0.5000");
    }
}
