//! Decision-boundary panel: the model's prediction over two features as a filled heatmap behind
//! the data points (train filled, test hollow); for 1-feature regression, the fitted curve
//! through the points.

use eframe::egui::{self, Color32, RichText, TextureHandle, TextureOptions};
use egui_plot::{Line, Plot, PlotImage, PlotPoint, PlotPoints, Points};

use crate::data::{Dataset, Labels, Split};
use crate::train::{BoundaryGrid, FittedCurve};
use crate::ui::action::Action;
use crate::ui::colormap::{class_color, probability_mix, sequential};
use crate::ui::format::format_number;
use crate::ui::panel::Panel;
use crate::ui::plot::{
    LegendEntry, Marker, MarkerSprites, ScatterMarker, data_x_spacing, data_y_grid, legend_row,
    x_axis, y_axis,
};
use crate::ui::state::View;

/// The boundary panel's own state: the heatmap texture and which snapshot it shows.
#[derive(Default)]
pub struct BoundaryPanel {
    texture: Option<TextureHandle>,
    texture_generation: Option<u64>,
    /// The texture the data points are drawn with.
    sprites: MarkerSprites,
}

/// Converts a stored (possibly standardised) value of feature `j` back to the file's units.
pub fn to_display_units(data: &Dataset, j: usize, value: f32) -> f64 {
    match &data.standardizer {
        // In f64: near f32::MAX the product overflowed f32 to infinity, and an infinite
        // heatmap edge left the whole plot blank.
        Some(s) => f64::from(value) * f64::from(s.std[j]) + f64::from(s.mean[j]),
        None => f64::from(value),
    }
}

/// How well feature `j` alone tells the classes apart on the training split: Fisher's ratio of
/// between-class to within-class variance, Σₖ nₖ(μₖ − μ)² / Σₖ Σᵢ (xᵢ − μₖ)² (Fisher 1936).
/// For regression, the squared correlation with the label.
pub fn feature_separation(split: &Split, j: usize) -> f64 {
    let n = split.len();
    if n == 0 {
        return 0.0;
    }
    let x: Vec<f64> = (0..n).map(|i| f64::from(split.row(i)[j])).collect();
    let mean = x.iter().sum::<f64>() / n as f64;
    match &split.labels {
        Labels::Classes(labels) => {
            let classes = labels.iter().max().map_or(0, |&k| k + 1);
            let mut sums = vec![0.0; classes];
            let mut counts = vec![0usize; classes];
            for (&xi, &k) in x.iter().zip(labels) {
                sums[k] += xi;
                counts[k] += 1;
            }
            let means: Vec<f64> = sums
                .iter()
                .zip(&counts)
                .map(|(s, &c)| if c > 0 { s / c as f64 } else { 0.0 })
                .collect();
            let between: f64 = means
                .iter()
                .zip(&counts)
                .map(|(m, &c)| c as f64 * (m - mean).powi(2))
                .sum();
            let within: f64 = x
                .iter()
                .zip(labels)
                .map(|(xi, &k)| (xi - means[k]).powi(2))
                .sum();
            between / within.max(1e-12)
        }
        Labels::Values(values) => {
            let y: Vec<f64> = values.iter().map(|&v| f64::from(v)).collect();
            let mean_y = y.iter().sum::<f64>() / n as f64;
            let cov: f64 = x
                .iter()
                .zip(&y)
                .map(|(a, b)| (a - mean) * (b - mean_y))
                .sum();
            let var_x: f64 = x.iter().map(|a| (a - mean).powi(2)).sum();
            let var_y: f64 = y.iter().map(|b| (b - mean_y).powi(2)).sum();
            cov * cov / (var_x * var_y).max(1e-12)
        }
    }
}

/// The boundary's default axes: the two features that separate the classes best on their own
/// (in file order), or (0, 1) for two features.
pub fn default_axes(data: &Dataset) -> (usize, usize) {
    let features = data.n_features();
    if features <= 2 || data.image_shape.is_some() {
        return (0, 1.min(features.saturating_sub(1)));
    }
    let mut ranked: Vec<(usize, f64)> = (0..features)
        .map(|j| (j, feature_separation(&data.train, j)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (a, b) = (ranked[0].0, ranked[1].0);
    (a.min(b), a.max(b))
}

/// Heatmap pixels of a grid, top row first (the grid's row 0 is the bottom). A regression
/// grid is coloured from `range.0` to `range.1` (default: its own lowest and highest value).
pub fn grid_image(
    grid: &BoundaryGrid,
    background: Color32,
    range: Option<(f32, f32)>,
) -> egui::ColorImage {
    let res = grid.resolution;
    let (min, max) = if let Some(range) = range.filter(|_| grid.outputs == 1) {
        range
    } else if grid.outputs == 1 {
        grid.values
            .iter()
            .filter(|v| v.is_finite())
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            })
    } else {
        (0.0, 1.0)
    };
    let mut pixels = Vec::with_capacity(res * res);
    for image_row in 0..res {
        let row = res - 1 - image_row;
        for col in 0..res {
            let start = (row * res + col) * grid.outputs;
            let cell = &grid.values[start..start + grid.outputs];
            pixels.push(if grid.outputs == 1 {
                sequential(cell[0], min, max)
            } else {
                probability_mix(cell, background)
            });
        }
    }
    egui::ColorImage::new([res, res], pixels)
}

impl BoundaryPanel {
    /// Forgets the heatmap of the previous data set.
    pub fn data_changed(&mut self) {
        self.texture_generation = None;
    }

    /// Uploads the newest grid as the heatmap texture when a new snapshot has arrived.
    fn update_texture(
        &mut self,
        ui: &egui::Ui,
        data: &Dataset,
        grid: &BoundaryGrid,
        generation: u64,
    ) {
        if self.texture_generation == Some(generation) {
            return;
        }
        let range = value_range(data, Some(grid));
        let image = grid_image(grid, ui.visuals().extreme_bg_color, range);
        match &mut self.texture {
            Some(texture) => texture.set(image, TextureOptions::LINEAR),
            None => {
                self.texture = Some(ui.ctx().load_texture(
                    "boundary",
                    image,
                    TextureOptions::LINEAR,
                ));
            }
        }
        self.texture_generation = Some(generation);
    }
}

impl Panel for BoundaryPanel {
    /// The heatmap and the points (or the fitted curve of a 1-feature regression); a new
    /// pair of axis features when the user picks them.
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>) -> Option<Action> {
        let (data, run): (&Dataset, _) = (view.data, view.run);
        let axes = view.views.boundary_axes;
        ui.heading("Decision boundary");
        let snapshot = run.snapshot.as_ref();
        if let Some(curve) = snapshot.and_then(|s| s.curve.as_ref()) {
            curve_ui(ui, data, curve);
            return None;
        }
        let new_axes = caption_ui(ui, data, axes);
        let grid = snapshot.and_then(|s| s.boundary.as_ref());
        if let Some(grid) = grid {
            self.update_texture(ui, data, grid, run.snapshot_generation);
            if grid.outputs == 1 {
                value_range_ui(ui, data, grid);
            }
        }
        let features = data.n_features();
        let (xf, yf) = grid.map_or((axes.0, axes.1.min(features - 1)), |g| {
            (g.x_feature, g.y_feature)
        });
        let texture = self.texture.as_ref().map(|t| t.id());
        heatmap_plot_ui(ui, data, grid.zip(texture), (xf, yf), &mut self.sprites);
        new_axes.map(|(x, y)| Action::BoundaryAxes(x, y))
    }
}

/// The fitted curve ŷ(x) of a 1-feature regression through the train and test points.
fn curve_ui(ui: &mut egui::Ui, data: &Dataset, curve: &FittedCurve) {
    ui.label("Fitted curve ŷ(x) through the points (train filled, test hollow)");
    let line: Vec<[f64; 2]> = curve
        .points
        .iter()
        .filter(|p| p[1].is_finite())
        .map(|p| [to_display_units(data, 0, p[0]), f64::from(p[1])])
        .collect();
    let blue = Color32::from_rgb(31, 119, 180);
    legend_row(
        ui,
        &[
            LegendEntry::new("train", blue, Marker::Dot),
            LegendEntry::new("test", blue, Marker::Ring),
            LegendEntry::new("model ŷ", Color32::from_rgb(255, 127, 14), Marker::Line),
        ],
    );
    let side = ui.available_width().min(ui.available_height()).max(200.0);
    data_x_spacing(Plot::new("regression_plot"))
        .width(side)
        .height(side)
        .custom_x_axes(x_axis(
            data.feature_names.first().cloned().unwrap_or_default(),
        ))
        .y_grid_spacer(data_y_grid)
        .custom_y_axes(y_axis("y"))
        .show(ui, |plot_ui| {
            for (split, name, filled) in [(&data.train, "train", true), (&data.test, "test", false)]
            {
                let points = regression_points(data, split);
                plot_ui.add(
                    Points::new(name, PlotPoints::from(points))
                        .radius(3.0)
                        .filled(filled)
                        .color(Color32::from_rgb(31, 119, 180)),
                );
            }
            plot_ui.line(
                Line::new("model ŷ", PlotPoints::from(line))
                    .color(Color32::from_rgb(255, 127, 14))
                    .width(2.5),
            );
        });
}

/// What the picture shows, and with more than two features the axis pickers; returns new
/// axes when the user picks them.
fn caption_ui(ui: &mut egui::Ui, data: &Dataset, axes: (usize, usize)) -> Option<(usize, usize)> {
    let features = data.n_features();
    if features <= 2 {
        if data.is_classification() {
            ui.label("Background: predicted class (colour) and confidence (strength); train ● filled, test ○ hollow");
        } else {
            ui.label("Points: train ● filled, test ○ hollow");
        }
        return None;
    }
    let mut new_axes = None;
    ui.horizontal(|ui| {
        let (mut x, mut y) = axes;
        let pick = |ui: &mut egui::Ui, id: &str, value: &mut usize, hint: &str| {
            egui::ComboBox::from_id_salt(id)
                .selected_text(data.feature_names[*value].clone())
                .show_ui(ui, |ui| {
                    for (j, name) in data.feature_names.iter().enumerate() {
                        ui.selectable_value(value, j, name);
                    }
                })
                .response
                .on_hover_text(hint.to_string());
        };
        ui.label("x:");
        pick(ui, "boundary_x", &mut x, "Feature on the horizontal axis");
        ui.label("y:");
        pick(ui, "boundary_y", &mut y, "Feature on the vertical axis");
        if (x, y) != axes {
            new_axes = Some((x, y));
        }
    });
    let held: Vec<String> = (0..features)
        .filter(|&j| j != axes.0 && j != axes.1)
        .map(|j| {
            format!(
                "{} = {}",
                data.feature_names[j],
                format_number(to_display_units(data, j, data.feature_mean(j)))
            )
        })
        .collect();
    // A wide file (thousands of columns) would fill the panel with this line and push the
    // picture out of sight: the caption names a few, the tooltip more.
    ui.label(RichText::new(held_caption(&held, HELD_IN_CAPTION)).italics())
        .on_hover_text(format!(
            "The heatmap varies only the two chosen features; the others are held at their \
             training mean: {}",
            held_caption(&held, HELD_IN_TOOLTIP)
        ));
    new_axes
}

/// Held features the caption under the boundary names; the rest are counted.
const HELD_IN_CAPTION: usize = 6;
/// Held features its tooltip names.
const HELD_IN_TOOLTIP: usize = 60;

/// "Other features held at their training mean: a = 1, b = 2 and 3 more", naming at most
/// `shown` of `held`.
fn held_caption(held: &[String], shown: usize) -> String {
    let named = held[..held.len().min(shown)].join(", ");
    let more = held.len().saturating_sub(shown);
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!("Other features held at their training mean: {named}{tail}")
}

/// The colour scale of a regression heatmap and its points: the lowest and highest of the
/// predicted values and the training targets.
fn value_range_ui(ui: &mut egui::Ui, data: &Dataset, grid: &BoundaryGrid) {
    if let Some((min, max)) = value_range(data, Some(grid)) {
        ui.label(format!(
            "Colour: the predicted value (background) and the target (points), from {} (dark purple) to {} (yellow)",
            format_number(f64::from(min)),
            format_number(f64::from(max))
        ))
        .on_hover_text("Regression: the heatmap shows the network's output over the two features, on the same scale as the points' targets");
    }
}

/// Most classes the boundary's legend names one by one; with more, two entries would fill
/// the panel (a label column like an ID gave 200 entries and pushed the plot out of sight).
pub const LEGEND_MAX_CLASSES: usize = 10;

/// The legend above the boundary: each class's train (dot) and test (ring) marker in its
/// colour, or, past [`LEGEND_MAX_CLASSES`] classes, only what a dot and a ring mean.
pub fn class_legend(class_names: &[String]) -> Vec<LegendEntry> {
    if class_names.len() > LEGEND_MAX_CLASSES {
        let grey = egui::Color32::GRAY;
        return vec![
            LegendEntry::new("train", grey, Marker::Dot),
            LegendEntry::new("test", grey, Marker::Ring),
        ];
    }
    let mut entries = Vec::new();
    for (class, name) in class_names.iter().enumerate() {
        entries.push(LegendEntry::new(
            format!("{name} train"),
            class_color(class),
            Marker::Dot,
        ));
        entries.push(LegendEntry::new(
            format!("{name} test"),
            class_color(class),
            Marker::Ring,
        ));
    }
    entries
}

/// The square plot: the heatmap `grid` (with its texture) behind the train and test points
/// of each class, on features `xf` and `yf`. The points are drawn with `sprites` over the
/// plot (see [`crate::ui::plot::MarkerSprites`]); the plot's bounds include them.
fn heatmap_plot_ui(
    ui: &mut egui::Ui,
    data: &Dataset,
    heatmap: Option<(&BoundaryGrid, egui::TextureId)>,
    (xf, yf): (usize, usize),
    sprites: &mut MarkerSprites,
) {
    if let crate::data::Task::Classification { class_names } = &data.task {
        legend_row(ui, &class_legend(class_names));
        if class_names.len() > LEGEND_MAX_CLASSES {
            ui.label(format!(
                "{} classes, one colour each: hover a point for its class",
                class_names.len()
            ));
        }
    }
    let side = ui.available_width().min(ui.available_height()).max(200.0);
    let markers = data_markers(data, heatmap.map(|(grid, _)| grid), (xf, yf));
    let mut plot = data_x_spacing(Plot::new("boundary_plot"))
        .width(side)
        .height(side)
        .custom_x_axes(x_axis(data.feature_names[xf].clone()))
        .y_grid_spacer(data_y_grid)
        .custom_y_axes(y_axis(data.feature_names[yf].clone()));
    // The points are painted over the plot, not added to it: its bounds take them in here.
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for marker in &markers {
        lo = [lo[0].min(marker.at.x), lo[1].min(marker.at.y)];
        hi = [hi[0].max(marker.at.x), hi[1].max(marker.at.y)];
    }
    if lo[0] <= hi[0] && lo[1] <= hi[1] {
        plot = plot
            .include_x(lo[0])
            .include_x(hi[0])
            .include_y(lo[1])
            .include_y(hi[1]);
    }
    // Equal scales on both axes only when the spans are alike: a feature of a few units
    // against one near 1e38 squeezed the points onto one edge of an empty plot.
    let (x_span, y_span) = (hi[0] - lo[0], hi[1] - lo[1]);
    let alike = x_span > 0.0 && y_span > 0.0 && x_span.max(y_span) <= 10.0 * x_span.min(y_span);
    if data.standardizer.is_none() && alike {
        plot = plot.data_aspect(1.0);
    }
    let shown = plot.show(ui, |plot_ui| {
        if let Some((grid, texture)) = heatmap {
            // egui_plot takes an image's bounds in f32: edges within 1 % of f32::MAX
            // (3.4e38) overflowed to infinity and blanked the plot, so they are kept inside.
            let limit = f64::from(f32::MAX) * 0.99;
            let at = |j: usize, v: f32| to_display_units(data, j, v).clamp(-limit, limit);
            let (x0, x1) = (at(xf, grid.x_range.0), at(xf, grid.x_range.1));
            let (y0, y1) = (at(yf, grid.y_range.0), at(yf, grid.y_range.1));
            plot_ui.add(PlotImage::new(
                "",
                texture,
                PlotPoint::new((x0 + x1) / 2.0, (y0 + y1) / 2.0),
                egui::vec2((x1 - x0) as f32, (y1 - y0) as f32),
            ));
        }
        plot_ui.pointer_coordinate()
    });
    sprites.paint(ui, &shown.transform, &markers);
    if let Some(pointer) = shown.inner
        && let Some(text) = hover_text(
            data,
            heatmap.map(|(grid, _)| grid),
            (xf, yf),
            pointer,
            &shown.transform,
        )
    {
        shown.response.on_hover_text_at_pointer(text);
    }
}

/// The data points as markers, in drawing order: per split (train filled, then test hollow)
/// each class in its colour; for regression each point in the heatmap's colour of its
/// target, ringed in white so it stands out against the heatmap.
fn data_markers(
    data: &Dataset,
    grid: Option<&BoundaryGrid>,
    (xf, yf): (usize, usize),
) -> Vec<ScatterMarker> {
    let range = value_range(data, grid);
    let scale = marker_scale(data.train.len() + data.test.len());
    let mut markers = Vec::new();
    for (split, filled) in [(&data.train, true), (&data.test, false)] {
        if let (Some((lo, hi)), Labels::Values(_)) = (range, &split.labels) {
            for (bin, points) in value_points(data, split, xf, yf, (lo, hi)) {
                let mid = lo + (hi - lo) * (bin as f32 + 0.5) / VALUE_BINS as f32;
                for [x, y] in points {
                    let at = PlotPoint::new(x, y);
                    markers.push(ScatterMarker {
                        at,
                        radius: 4.5 * scale,
                        color: Color32::WHITE,
                        filled: false,
                    });
                    if filled {
                        markers.push(ScatterMarker {
                            at,
                            radius: 3.5 * scale,
                            color: sequential(mid, lo, hi),
                            filled: true,
                        });
                    }
                }
            }
            continue;
        }
        for (class, points) in class_points(data, split, xf, yf).into_iter().enumerate() {
            markers.extend(points.into_iter().map(|[x, y]| ScatterMarker {
                at: PlotPoint::new(x, y),
                radius: 3.5 * scale,
                color: class_color(class),
                filled,
            }));
        }
    }
    markers
}

/// How much larger than usual the markers of a data set of `points` samples are drawn: a
/// few points (XOR's four) are easy to miss at the size that keeps hundreds apart, and a dark
/// one inside its white ring read as hollow. 1 from 100 points on, growing as 10 / √points up
/// to 2.2 at 20 points and fewer.
fn marker_scale(points: usize) -> f32 {
    (10.0 / (points.max(1) as f32).sqrt()).clamp(1.0, 2.2)
}

/// Colour bins of regression points.
const VALUE_BINS: usize = 16;

/// The colour range of a regression's points and heatmap: from the lowest to the highest of
/// the training targets and the predicted values.
fn value_range(data: &Dataset, grid: Option<&BoundaryGrid>) -> Option<(f32, f32)> {
    let Labels::Values(train) = &data.train.labels else {
        return None;
    };
    // The targets and the heatmap's values on one scale, so a point's colour and the
    // heatmap's under it compare directly.
    let values: Box<dyn Iterator<Item = f32>> = match grid {
        Some(grid) if grid.outputs == 1 => {
            Box::new(grid.values.iter().chain(train.iter()).copied())
        }
        _ => Box::new(train.iter().copied()),
    };
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    (lo <= hi).then_some((lo, hi.max(lo + 1e-6)))
}

/// Regression points grouped by the colour bin of their target.
fn value_points(
    data: &Dataset,
    split: &Split,
    xf: usize,
    yf: usize,
    (lo, hi): (f32, f32),
) -> Vec<(usize, Vec<[f64; 2]>)> {
    let Labels::Values(values) = &split.labels else {
        return Vec::new();
    };
    let mut bins = vec![Vec::new(); VALUE_BINS];
    let stride = split.len().div_ceil(MAX_POINTS).max(1);
    for i in (0..split.len()).step_by(stride) {
        let t = ((values[i] - lo) / (hi - lo)).clamp(0.0, 1.0);
        let bin = ((t * VALUE_BINS as f32) as usize).min(VALUE_BINS - 1);
        let row = split.row(i);
        bins[bin].push([
            to_display_units(data, xf, row[xf]),
            to_display_units(data, yf, row[yf]),
        ]);
    }
    bins.into_iter()
        .enumerate()
        .filter(|(_, points)| !points.is_empty())
        .collect()
}

/// The tooltip of the data point under the pointer (within 8 points on screen): its
/// coordinates, its class or target, its split, and what the model predicts there.
fn hover_text(
    data: &Dataset,
    grid: Option<&BoundaryGrid>,
    (xf, yf): (usize, usize),
    pointer: PlotPoint,
    transform: &egui_plot::PlotTransform,
) -> Option<String> {
    let at = transform.position_from_point(&pointer);
    let mut best: Option<(f32, &Split, usize, &str)> = None;
    for (split, name) in [(&data.train, "train"), (&data.test, "test")] {
        let stride = split.len().div_ceil(MAX_POINTS).max(1);
        for i in (0..split.len()).step_by(stride) {
            let row = split.row(i);
            let p = PlotPoint::new(
                to_display_units(data, xf, row[xf]),
                to_display_units(data, yf, row[yf]),
            );
            let d = transform.position_from_point(&p).distance(at);
            if d < 8.0 && best.is_none_or(|(b, ..)| d < b) {
                best = Some((d, split, i, name));
            }
        }
    }
    let (_, split, i, name) = best?;
    let row = split.row(i);
    let (x, y) = (
        to_display_units(data, xf, row[xf]),
        to_display_units(data, yf, row[yf]),
    );
    let mut text = format!(
        "{} sample {}\n{} = {}\n{} = {}",
        name,
        i + 1,
        data.feature_names[xf],
        crate::ui::format::format_number(x),
        data.feature_names[yf],
        crate::ui::format::format_number(y)
    );
    match (&split.labels, &data.task) {
        (Labels::Classes(labels), crate::data::Task::Classification { class_names }) => {
            let class = labels[i];
            text.push_str(&format!(
                "\nclass {}",
                class_names.get(class).cloned().unwrap_or_default()
            ));
            if let Some(cell) = grid.and_then(|g| grid_cell(g, row[xf], row[yf])) {
                let p = cell.get(class).copied().unwrap_or(0.0);
                text.push_str(&format!(
                    "\npredicted probability of its class here: {:.1} %",
                    p * 100.0
                ));
            }
        }
        (Labels::Values(values), _) => {
            text.push_str(&format!(
                "\ntarget = {}",
                crate::ui::format::format_number(f64::from(values[i]))
            ));
            if let Some(cell) = grid.and_then(|g| grid_cell(g, row[xf], row[yf])) {
                text.push_str(&format!(
                    "\npredicted here: {}",
                    crate::ui::format::format_number(f64::from(cell[0]))
                ));
            }
        }
        _ => {}
    }
    if data.n_features() > 2 {
        text.push_str("\n(the heatmap holds the other features fixed)");
    }
    Some(text)
}

/// The grid cell holding stored coordinates (x, y), if they fall inside the grid.
fn grid_cell(grid: &BoundaryGrid, x: f32, y: f32) -> Option<&[f32]> {
    let res = grid.resolution;
    let u = (x - grid.x_range.0) / (grid.x_range.1 - grid.x_range.0);
    let v = (y - grid.y_range.0) / (grid.y_range.1 - grid.y_range.0);
    if !(0.0..=1.0).contains(&u) || !(0.0..=1.0).contains(&v) {
        return None;
    }
    let col = ((u * res as f32) as usize).min(res - 1);
    let row = ((v * res as f32) as usize).min(res - 1);
    let start = (row * res + col) * grid.outputs;
    grid.values.get(start..start + grid.outputs)
}

fn regression_points(data: &Dataset, split: &Split) -> Vec<[f64; 2]> {
    let Labels::Values(values) = &split.labels else {
        return Vec::new();
    };
    let stride = split.len().div_ceil(MAX_POINTS).max(1);
    (0..split.len())
        .step_by(stride)
        .map(|i| {
            [
                to_display_units(data, 0, split.row(i)[0]),
                f64::from(values[i]),
            ]
        })
        .collect()
}

/// Most points drawn per split; larger splits are thinned evenly so every frame stays cheap.
const MAX_POINTS: usize = 4000;

/// Points of each class (one list per class; regression puts all in one list), at most
/// [`MAX_POINTS`] per split.
fn class_points(data: &Dataset, split: &Split, xf: usize, yf: usize) -> Vec<Vec<[f64; 2]>> {
    let classes = data.n_classes().unwrap_or(1);
    let mut out = vec![Vec::new(); classes];
    let stride = split.len().div_ceil(MAX_POINTS).max(1);
    for i in (0..split.len()).step_by(stride) {
        let row = split.row(i);
        let class = match &split.labels {
            Labels::Classes(labels) => labels[i].min(classes - 1),
            Labels::Values(_) => 0,
        };
        out[class].push([
            to_display_units(data, xf, row[xf]),
            to_display_units(data, yf, row[yf]),
        ]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::synth::{SynthConfig, SynthKind, generate};

    /// A file of 3 000 columns filled the boundary panel with the held features' means.
    #[test]
    fn the_held_features_caption_names_a_few_and_counts_the_rest() {
        let held: Vec<String> = (0..3000).map(|j| format!("c{j} = 0.5")).collect();
        assert_eq!(
            held_caption(&held, HELD_IN_CAPTION),
            "Other features held at their training mean: c0 = 0.5, c1 = 0.5, c2 = 0.5, \
             c3 = 0.5, c4 = 0.5, c5 = 0.5 and 2994 more"
        );
        assert_eq!(
            held_caption(&held[..2], HELD_IN_CAPTION),
            "Other features held at their training mean: c0 = 0.5, c1 = 0.5"
        );
    }

    /// XOR's four points are drawn more than twice the size of the spiral's 400, whose
    /// markers keep their size; a regression point's ring grows with its fill.
    #[test]
    fn a_few_points_are_drawn_larger_than_hundreds() {
        let largest = |kind: SynthKind| {
            let data = generate(&SynthConfig::new(kind));
            data_markers(&data, None, (0, 1))
                .iter()
                .map(|m| m.radius)
                .fold(0.0f32, f32::max)
        };
        assert_eq!(largest(SynthKind::Spiral), 3.5);
        let xor = generate(&SynthConfig::new(SynthKind::Xor4));
        let radii: Vec<f32> = data_markers(&xor, None, (0, 1))
            .iter()
            .map(|m| m.radius)
            .collect();
        assert_eq!(radii.len(), 4, "{radii:?}");
        assert!(radii.iter().all(|&r| (r - 7.7).abs() < 1e-4), "{radii:?}");
        assert_eq!(marker_scale(50), 10.0 / 50f32.sqrt());
        assert_eq!(marker_scale(0), 2.2);
    }

    #[test]
    fn a_legend_of_many_classes_stays_one_row() {
        let names = |n: usize| (0..n).map(|i| format!("ID{i:04}")).collect::<Vec<_>>();
        let labels =
            |entries: Vec<LegendEntry>| entries.into_iter().map(|e| e.name).collect::<Vec<_>>();
        assert_eq!(
            labels(class_legend(&names(2))),
            ["ID0000 train", "ID0000 test", "ID0001 train", "ID0001 test"]
        );
        assert_eq!(labels(class_legend(&names(10))).len(), 20);
        assert_eq!(labels(class_legend(&names(100))), ["train", "test"]);
    }

    #[test]
    fn iris_defaults_to_the_petal_measurements() {
        let data = crate::data::iris(0.7, 1).expect("bundled iris");
        assert_eq!(data.feature_names[2], "petal_length_cm");
        assert_eq!(default_axes(&data), (2, 3));
    }

    #[test]
    fn a_feature_that_splits_the_classes_scores_higher() {
        let rows = vec![
            vec![0.0, 1.0],
            vec![0.1, -1.0],
            vec![1.0, 1.0],
            vec![1.1, -1.0],
        ];
        let data = Dataset::from_rows(
            "toy",
            vec!["a".into(), "b".into()],
            rows,
            Labels::Classes(vec![0, 0, 1, 1]),
            crate::data::Task::Classification {
                class_names: vec!["x".into(), "y".into()],
            },
            1.0,
            1,
            false,
        )
        .expect("toy data");
        // Feature a: class means 0.05 and 1.05, within-class spread 4 × 0.05² = 0.01,
        // between 2 × 0.5² × 2 = 1 → ratio 100. Feature b says nothing about the class: 0.
        assert!((feature_separation(&data.train, 0) - 100.0).abs() < 1e-3);
        assert!(feature_separation(&data.train, 1).abs() < 1e-9);
    }
}
