//! Plot helpers shared by every panel: axes with tick labels closer together than egui_plot's
//! defaults (so a 400-point axis shows more than one number), the legend, and the fixed-range
//! contour map ("loss landscape") that the gradient-descent lesson and the optimizer race both
//! draw.

use eframe::egui::{self, Color32};
use egui_plot::{
    AxisHints, MarkerShape, Plot, PlotBounds, PlotImage, PlotPoint, PlotPoints, Points,
};

use crate::lesson::{Bounds, CriticalKind, CriticalPoint, LevelGrid};
use crate::ui::colormap;
use crate::ui::format::format_number;
use crate::ui::typeset::text_width;

mod markers;
mod ticks;

pub use markers::{MarkerSprites, ScatterMarker};
pub use ticks::{
    LABEL_GAP_POINTS, compact_label, count_x_axis, data_marks, data_x_spacing, data_y_grid,
    label_step, readable_label, spaced_marks,
};

/// A horizontal axis with `label`, labelling ticks at least 26 points apart, in scientific
/// notation far from 1 ([`readable_label`]).
pub fn x_axis(label: impl Into<String>) -> Vec<AxisHints<'static>> {
    vec![
        AxisHints::new_x()
            .label(label.into())
            .label_spacing(26.0..=40.0)
            .formatter(|mark, _| readable_label(mark.value, mark.step_size)),
    ]
}

/// A vertical axis with `label`, labelling ticks at least 14 points apart, in scientific
/// notation far from 1 ([`readable_label`]).
pub fn y_axis(label: impl Into<String>) -> Vec<AxisHints<'static>> {
    vec![
        AxisHints::new_y()
            .label(label.into())
            .label_spacing(10.0..=18.0)
            .formatter(|mark, _| readable_label(mark.value, mark.step_size)),
    ]
}

/// How an entry of a [`legend_row`] is marked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    /// A short line (a curve).
    Line,
    /// A filled dot (e.g. training points).
    Dot,
    /// A hollow dot (e.g. test points).
    Ring,
    /// A hollow diamond (a known minimum).
    Diamond,
    /// A cross (a saddle point).
    Cross,
}

/// One entry of a [`legend_row`].
pub struct LegendEntry {
    /// What the entry names.
    pub name: String,
    /// Its colour.
    pub color: Color32,
    /// Its mark.
    pub marker: Marker,
}

impl LegendEntry {
    /// An entry with `marker` in `color`.
    pub fn new(name: impl Into<String>, color: Color32, marker: Marker) -> Self {
        Self {
            name: name.into(),
            color,
            marker,
        }
    }
}

/// The legend of a plot as a row above it (wrapping when narrow), never over the data. An
/// entry whose marker and name do not both fit the rest of a row starts the next one (the
/// marker stayed at the end of a row, its name on the next).
pub fn legend_row(ui: &mut egui::Ui, entries: &[LegendEntry]) {
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        for entry in entries {
            let size = egui::vec2(18.0, ui.text_style_height(&egui::TextStyle::Body));
            let name = text_width(ui, &entry.name, egui::TextStyle::Body);
            let needed = size.x + ui.spacing().item_spacing.x + name;
            let row_started = ui.cursor().left() > ui.max_rect().left() + 1.0;
            if row_started && needed > ui.available_size_before_wrap().x {
                ui.end_row();
            }
            let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
            let painter = ui.painter();
            let c = rect.center();
            match entry.marker {
                Marker::Line => {
                    painter.line_segment(
                        [c - egui::vec2(8.0, 0.0), c + egui::vec2(8.0, 0.0)],
                        egui::Stroke::new(2.5, entry.color),
                    );
                }
                Marker::Dot => {
                    painter.circle_filled(c, 4.0, entry.color);
                }
                Marker::Ring => {
                    painter.circle_stroke(c, 4.0, egui::Stroke::new(1.5, entry.color));
                }
                Marker::Diamond => {
                    let d = [
                        c + egui::vec2(0.0, -5.0),
                        c + egui::vec2(5.0, 0.0),
                        c + egui::vec2(0.0, 5.0),
                        c + egui::vec2(-5.0, 0.0),
                    ];
                    painter.add(egui::Shape::closed_line(
                        d.to_vec(),
                        egui::Stroke::new(1.5, entry.color),
                    ));
                }
                Marker::Cross => {
                    let stroke = egui::Stroke::new(2.0, entry.color);
                    painter
                        .line_segment([c - egui::vec2(4.0, 4.0), c + egui::vec2(4.0, 4.0)], stroke);
                    painter.line_segment(
                        [c + egui::vec2(-4.0, 4.0), c + egui::vec2(4.0, -4.0)],
                        stroke,
                    );
                }
            }
            ui.label(&entry.name);
            ui.add_space(8.0);
        }
    });
}

/// A vertical axis of log₁₀ values: ticks only at whole powers of ten (1, 2, 5, 10, …
/// decades apart, as the plot's height needs: [`ticks::log_y_marks`]), labelled `1e-3`,
/// `1e0`, …, so no label repeats.
pub fn log_y_axis(plot: Plot<'_>) -> Plot<'_> {
    ticks::log_y_spacing(plot).y_axis_formatter(|mark, _| power_of_ten_label(mark.value))
}

/// A horizontal axis of log₁₀ values: ticks at whole powers of ten, 1, 2, 5, 10, … decades
/// apart so that labels are at least [`LABEL_GAP_POINTS`] apart, labelled like
/// [`log_y_axis`]. Call after `custom_x_axes`.
pub fn log_x_axis(plot: Plot<'_>) -> Plot<'_> {
    ticks::log_x_spacing(plot).x_axis_formatter(|mark, _| power_of_ten_label(mark.value))
}

/// The label of a log axis's mark at log₁₀ value `value`: `1e{k}` at a whole k, `2e{k}` …
/// `9e{k}` at the marks between powers of ten that a short axis gets (see
/// [`ticks::log_y_marks`]), nothing elsewhere.
fn power_of_ten_label(value: f64) -> String {
    // `+ 0.0` turns -0 into 0, which would read "1e-0".
    let k = value.floor() + 0.0;
    for m in [1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0] {
        for (decade, mantissa) in [(k, m), (k + 1.0, 1.0)] {
            if (value - (decade + mantissa.log10())).abs() < 1e-9 {
                let decade = decade + 0.0;
                return format!("{mantissa:.0}e{decade:.0}");
            }
        }
    }
    String::new()
}

/// A loss in plot space: log₁₀ of it on a log axis (losses ≤ 0 are floored at 1e-12), as it
/// is otherwise. `None` for non-finite values, which never reach a plot.
pub fn loss_to_plot(value: f64, log_y: bool) -> Option<f64> {
    if !value.is_finite() {
        return None;
    }
    Some(if log_y {
        value.max(1e-12).log10()
    } else {
        value
    })
}

/// Grid resolution of the contour maps (cells per side).
pub const CONTOUR_RESOLUTION: usize = 240;

/// Number of log-spaced contour levels.
pub const CONTOUR_LEVELS: usize = 18;

const MINIMUM_COLOR: Color32 = Color32::WHITE;

/// What a contour map shows besides the caller's own items.
pub struct LandscapeView<'a> {
    /// The plotted rectangle (fixed: no pan or zoom).
    pub bounds: Bounds,
    /// The contour texture covering `bounds`.
    pub texture: Option<egui::TextureId>,
    /// Axis names.
    pub axes: (&'a str, &'a str),
    /// The surface's known critical points: minima (diamonds) and saddles (crosses).
    pub critical: Vec<CriticalPoint>,
    /// The legend of the caller's own items (paths, markers), shown with the critical points'
    /// in a row above the map.
    pub legend: Vec<LegendEntry>,
}

/// Draws a fixed-range contour map, calls `add` for the paths, and returns the plot
/// coordinates of a click, if there was one.
pub fn landscape_plot(
    ui: &mut egui::Ui,
    id: &str,
    side: f32,
    view: &LandscapeView<'_>,
    add: impl FnOnce(&mut egui_plot::PlotUi<'_>),
) -> Option<[f64; 2]> {
    let bounds = view.bounds;
    let points = |kind: CriticalKind| -> Vec<[f64; 2]> {
        view.critical
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| c.point)
            .collect()
    };
    let (minima, saddles) = (points(CriticalKind::Minimum), points(CriticalKind::Saddle));
    let mut entries: Vec<LegendEntry> = Vec::new();
    if !minima.is_empty() {
        // A single minimum is named with its place (the lesson's least-squares fit).
        let name = match minima.as_slice() {
            [[x, y]] => format!(
                "known minimum ({}, {})",
                format_number(*x),
                format_number(*y)
            ),
            _ => "known minimum".to_string(),
        };
        entries.push(LegendEntry::new(name, MINIMUM_COLOR, Marker::Diamond));
    }
    if !saddles.is_empty() {
        entries.push(LegendEntry::new(
            "saddle point",
            MINIMUM_COLOR,
            Marker::Cross,
        ));
    }
    entries.extend(
        view.legend
            .iter()
            .map(|e| LegendEntry::new(e.name.clone(), e.color, e.marker)),
    );
    // The contours' colour scale: log-spaced levels from dark (low) to yellow (high).
    entries.push(LegendEntry::new(
        "low",
        colormap::sequential(0.0, 0.0, 1.0),
        Marker::Dot,
    ));
    entries.push(LegendEntry::new(
        "high loss (log-spaced levels)",
        colormap::sequential(1.0, 0.0, 1.0),
        Marker::Dot,
    ));
    let top = ui.cursor().top();
    legend_row(ui, &entries);
    let side = side - (ui.cursor().top() - top) - 4.0;
    let response = data_x_spacing(Plot::new(id))
        .width(side)
        .height(side)
        .custom_x_axes(x_axis(view.axes.0))
        .custom_y_axes(y_axis(view.axes.1))
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show(ui, |plot_ui| {
            plot_ui.set_plot_bounds(PlotBounds::from_min_max(
                [bounds.x[0], bounds.y[0]],
                [bounds.x[1], bounds.y[1]],
            ));
            if let Some(texture) = view.texture {
                let [w, h] = bounds.size();
                plot_ui.image(PlotImage::new(
                    "",
                    texture,
                    PlotPoint::new(
                        0.5 * (bounds.x[0] + bounds.x[1]),
                        0.5 * (bounds.y[0] + bounds.y[1]),
                    ),
                    egui::vec2(w as f32, h as f32),
                ));
            }
            if !minima.is_empty() {
                plot_ui.points(
                    Points::new("known minimum", PlotPoints::from(minima))
                        .shape(MarkerShape::Diamond)
                        .color(MINIMUM_COLOR)
                        .filled(false)
                        .radius(7.0),
                );
            }
            if !saddles.is_empty() {
                plot_ui.points(
                    Points::new("saddle point", PlotPoints::from(saddles))
                        .shape(MarkerShape::Cross)
                        .color(MINIMUM_COLOR)
                        .radius(7.0),
                );
            }
            add(plot_ui);
        });
    let click = response.response.clicked().then(|| {
        response
            .response
            .interact_pointer_pos()
            .map(|pos| response.transform.value_from_position(pos))
    });
    click.flatten().map(|p| [p.x, p.y])
}

/// The filled contour map of `grid`: each band coloured along the sequential ramp, and cells
/// where the band changes darkened into contour lines.
pub fn contour_image(grid: &LevelGrid) -> egui::ColorImage {
    let top = grid.levels.len().max(1) as f32;
    let pixels = (0..grid.height)
        .flat_map(|row| (0..grid.width).map(move |col| (col, row)))
        .map(|(col, row)| {
            let band = grid.bands[row * grid.width + col];
            let color = colormap::sequential(f32::from(band), 0.0, top);
            if grid.on_contour(col, row) {
                color.gamma_multiply(0.55).to_opaque()
            } else {
                color
            }
        })
        .collect();
    egui::ColorImage::new([grid.width, grid.height], pixels)
}

/// A curve thinned to at most four points per pixel column: in each of `columns` equal slices
/// of its x range it keeps the first, lowest, highest and last point, in x order (the M4
/// aggregation of Jugel, Jerzak, Hackenbroich & Markl, "M4: A Visualization-Oriented Time
/// Series Data Aggregation", VLDB 2014). A line through them covers the same pixels as the
/// whole curve, so a one-step spike stays visible however long the run. `points` must be in
/// ascending x; curves of at most `4 × columns` points come back unchanged.
pub fn envelope(points: &[[f64; 2]], columns: usize) -> Vec<[f64; 2]> {
    let columns = columns.max(1);
    if points.len() <= 4 * columns {
        return points.to_vec();
    }
    let (x0, x1) = (points[0][0], points[points.len() - 1][0]);
    let width = (x1 - x0).max(f64::MIN_POSITIVE);
    let column_of = |x: f64| (((x - x0) / width * columns as f64) as usize).min(columns - 1);
    let mut out = Vec::with_capacity(4 * columns);
    let mut start = 0;
    while start < points.len() {
        let column = column_of(points[start][0]);
        let mut end = start + 1;
        while end < points.len() && column_of(points[end][0]) == column {
            end += 1;
        }
        let slice = &points[start..end];
        let by_y = |a: &&[f64; 2], b: &&[f64; 2]| a[1].total_cmp(&b[1]);
        let low = slice.iter().enumerate().min_by(|a, b| by_y(&a.1, &b.1));
        let high = slice.iter().enumerate().max_by(|a, b| by_y(&a.1, &b.1));
        let mut keep = [
            0,
            low.map_or(0, |l| l.0),
            high.map_or(0, |h| h.0),
            slice.len() - 1,
        ];
        keep.sort_unstable();
        let mut last = None;
        for index in keep {
            if last != Some(index) {
                out.push(slice[index]);
                last = Some(index);
            }
        }
        start = end;
    }
    out
}

/// Index of the column of `x` when `[x0, x1]` is cut into `columns` equal slices.
fn column_index(x: f64, x0: f64, x1: f64, columns: usize) -> usize {
    let width = (x1 - x0).max(f64::MIN_POSITIVE);
    (((x - x0) / width * columns as f64) as usize).min(columns - 1)
}

/// `points` (ascending x) cut into `columns` equal slices of their x range, each passed to
/// `each` as a run of consecutive points.
fn for_each_column(points: &[[f64; 2]], columns: usize, mut each: impl FnMut(&[[f64; 2]])) {
    let columns = columns.max(1);
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return;
    };
    let (x0, x1) = (first[0], last[0]);
    let mut start = 0;
    while start < points.len() {
        let column = column_index(points[start][0], x0, x1, columns);
        let mut end = start + 1;
        while end < points.len() && column_index(points[end][0], x0, x1, columns) == column {
            end += 1;
        }
        each(&points[start..end]);
        start = end;
    }
}

/// A curve cut into at most `columns` equal slices of its x range (ascending x), each drawn
/// as one point: the mean x and mean y of its points. For a curve that is already smooth
/// (an exponential moving average) this is one point per pixel column with nothing visible
/// lost, and a line through them covers each pixel once instead of zig-zagging up and down
/// within a column.
pub fn column_means(points: &[[f64; 2]], columns: usize) -> Vec<[f64; 2]> {
    let mut out = Vec::with_capacity(columns.min(points.len()));
    for_each_column(points, columns, |slice| {
        let n = slice.len() as f64;
        let (sx, sy) = slice
            .iter()
            .fold((0.0, 0.0), |(sx, sy), p| (sx + p[0], sy + p[1]));
        out.push([sx / n, sy / n]);
    });
    out
}

/// The range a curve covers in each column: at each column's mean x, its lowest and highest y.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ColumnBand {
    /// Mean x of each column's points, ascending.
    pub x: Vec<f64>,
    /// Lowest y in each column.
    pub low: Vec<f64>,
    /// Highest y in each column.
    pub high: Vec<f64>,
}

/// The min/max band of a curve (ascending x) over at most `columns` equal slices of its x
/// range: filled, it covers the same pixels as the whole curve's spikes and dips, each pixel
/// once (a line through [`envelope`]'s points zig-zags over a column several times).
pub fn column_band(points: &[[f64; 2]], columns: usize) -> ColumnBand {
    let mut band = ColumnBand::default();
    for_each_column(points, columns, |slice| {
        let n = slice.len() as f64;
        band.x.push(slice.iter().map(|p| p[0]).sum::<f64>() / n);
        band.low
            .push(slice.iter().map(|p| p[1]).fold(f64::INFINITY, f64::min));
        band.high
            .push(slice.iter().map(|p| p[1]).fold(f64::NEG_INFINITY, f64::max));
    });
    band
}

/// The training loss of every step as plot points, ready for [`envelope`]: one point per
/// single-step bucket, and each merged bucket's lowest and highest loss at its centre (so
/// spikes survive the merging of long runs). `to_y` maps a loss to plot space (`None` drops
/// it, e.g. a non-finite value).
pub fn step_loss_points(
    losses: &crate::train::LossHistory,
    to_y: impl Fn(f64) -> Option<f64>,
) -> Vec<[f64; 2]> {
    let mut points = Vec::with_capacity(losses.buckets().len() * 2);
    for bucket in losses.buckets() {
        let x = bucket.center_step();
        if bucket.count <= 1 {
            points.extend(to_y(bucket.mean()).map(|y| [x, y]));
        } else {
            points.extend(to_y(f64::from(bucket.min)).map(|y| [x, y]));
            points.extend(to_y(f64::from(bucket.max)).map(|y| [x, y]));
        }
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Log-axis labels: m × 10ᵏ for a whole m, nothing between; 10⁰ (also from -0.0) reads
    /// 1e0.
    #[test]
    fn power_of_ten_labels() {
        assert_eq!(power_of_ten_label(-0.0), "1e0");
        assert_eq!(power_of_ten_label(0.0), "1e0");
        assert_eq!(power_of_ten_label(-3.0), "1e-3");
        assert_eq!(power_of_ten_label(2.0), "1e2");
        assert_eq!(power_of_ten_label(0.5), "");
        assert_eq!(power_of_ten_label(2f64.log10() - 1.0), "2e-1");
        assert_eq!(power_of_ten_label(5f64.log10()), "5e0");
        assert_eq!(power_of_ten_label(3f64.log10() + 2.0), "3e2");
        // Just below a whole power (rounding): still 1e{k+1}.
        assert_eq!(power_of_ten_label(1.0 - 1e-12), "1e1");
    }

    #[test]
    fn column_means_and_bands_on_exact_numbers() {
        // x from 0 to 9 in 2 columns: [0, 4.5) and [4.5, 9].
        let points: Vec<[f64; 2]> = (0..10).map(|i| [i as f64, (i * i) as f64]).collect();
        assert_eq!(column_means(&points, 2), [[2.0, 6.0], [7.0, 51.0]]);
        let band = column_band(&points, 2);
        assert_eq!(band.x, [2.0, 7.0]);
        assert_eq!(band.low, [0.0, 25.0]);
        assert_eq!(band.high, [16.0, 81.0]);
        // More columns than points: every point is its own column.
        assert_eq!(column_means(&points[..3], 100), points[..3].to_vec());
        assert_eq!(column_means(&[], 10), Vec::<[f64; 2]>::new());
        assert_eq!(column_band(&[[1.0, 2.0]], 0).high, [2.0]);
    }
}
