//! Plot helpers shared by every panel: axes with tick labels closer together than egui_plot's
//! defaults (so a 400-point axis shows more than one number), the legend, and the fixed-range
//! contour map ("loss landscape") that the gradient-descent lesson and the optimizer race both
//! draw.

use eframe::egui::{self, Color32};
use egui_plot::{
    AxisHints, Legend, MarkerShape, Plot, PlotBounds, PlotImage, PlotPoint, PlotPoints, Points,
};

use crate::lesson::{Bounds, LevelGrid};
use crate::ui::colormap;

/// A horizontal axis with `label`, labelling ticks at least 40 points apart.
pub fn x_axis(label: impl Into<String>) -> Vec<AxisHints<'static>> {
    vec![
        AxisHints::new_x()
            .label(label.into())
            .label_spacing(40.0..=60.0),
    ]
}

/// A vertical axis with `label`, labelling ticks at least 14 points apart.
pub fn y_axis(label: impl Into<String>) -> Vec<AxisHints<'static>> {
    vec![
        AxisHints::new_y()
            .label(label.into())
            .label_spacing(14.0..=24.0),
    ]
}

/// The legend every plot uses: half transparent, so points under it stay visible.
pub fn legend() -> Legend {
    Legend::default().background_alpha(0.45)
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
    /// Points marked as known minima.
    pub minima: Vec<[f64; 2]>,
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
    let response = Plot::new(id)
        .width(side)
        .height(side)
        .legend(legend())
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
            if !view.minima.is_empty() {
                plot_ui.points(
                    Points::new("known minimum", PlotPoints::from(view.minima.clone()))
                        .shape(MarkerShape::Diamond)
                        .color(MINIMUM_COLOR)
                        .filled(false)
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
