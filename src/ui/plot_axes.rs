//! Axis and legend settings shared by every plot: tick labels closer together than egui_plot's
//! defaults (so a 400-point axis shows more than one number) and a see-through legend.

use egui_plot::{AxisHints, Legend};

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
