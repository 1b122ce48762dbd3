//! The gradient-check window: runs the library's finite-difference check
//! ([`crate::nn::check_model_sampled`]) on an `f64` copy of the current model and the last
//! minibatch, and shows per parameter tensor the analytic and numeric gradient of the worst
//! element and the largest relative error, green below the tolerance and red above.

use eframe::egui::{self, Color32, RichText};

use crate::train::GradCheckReport;
use crate::train::doctor::GRADCHECK_TOLERANCE;
use crate::ui::action::Action;
use crate::ui::format::format_number as num;
use crate::ui::panel::Panel;
use crate::ui::state::View;

/// State of the window.
#[derive(Default)]
pub struct GradCheckPanel {
    open: bool,
    waiting: bool,
    report: Option<GradCheckReport>,
}

impl GradCheckPanel {
    /// True while the window is shown.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Shows the window, waiting for the check the App asks the worker for.
    pub fn open(&mut self) {
        self.open = true;
        self.waiting = true;
    }

    /// Takes in the worker's answer.
    pub fn set_report(&mut self, report: GradCheckReport) {
        self.waiting = false;
        self.report = Some(report);
    }

    /// The latest report.
    pub fn report(&self) -> Option<&GradCheckReport> {
        self.report.as_ref()
    }

    /// The table of one report: per tensor, the worst element's gradients and the error.
    fn report_ui(ui: &mut egui::Ui, report: &GradCheckReport) {
        ui.label(format!(
            "step {} · batch of {} · up to {} elements per tensor · pass below {:.0e}",
            report.step,
            report.batch,
            crate::train::worker::GRADCHECK_ELEMENTS,
            GRADCHECK_TOLERANCE
        ))
        .on_hover_text("When the check ran, how many samples the loss averaged, how many elements of each parameter tensor were compared, and the relative-error tolerance");
        let rows = match &report.rows {
            Ok(rows) => rows,
            Err(message) => {
                ui.label(RichText::new(message).color(Color32::from_rgb(220, 60, 60)));
                return;
            }
        };
        egui::Grid::new("gradcheck_grid").striped(true).show(ui, |ui| {
            for (title, tip) in [
                ("tensor", "Layer and parameter tensor"),
                ("analytic", "Backprop's gradient at the worst element"),
                ("numeric", "Finite-difference gradient at the same element"),
                ("max rel. error", "Largest |a − n| / max(|a|, |n|, 1e-8) over the compared elements"),
                ("", "Pass or fail at the tolerance"),
            ] {
                ui.label(RichText::new(title).strong()).on_hover_text(tip);
            }
            ui.end_row();
            for row in rows {
                let color = if row.passed {
                    Color32::from_rgb(80, 180, 90)
                } else {
                    Color32::from_rgb(220, 60, 60)
                };
                ui.label(&row.name).on_hover_text(format!("{} elements compared", row.count));
                ui.label(RichText::new(num(row.worst.0)).monospace())
                    .on_hover_text("Analytic gradient ∂E/∂θ from backward()");
                ui.label(RichText::new(num(row.worst.1)).monospace())
                    .on_hover_text("Numeric gradient (E(θ+ε) − E(θ−ε)) / 2ε");
                ui.label(RichText::new(format!("{:.2e}", row.max_rel_error)).monospace().color(color))
                    .on_hover_text("Relative error; below 1e-6 means backprop and finite differences agree");
                ui.label(RichText::new(if row.passed { "pass" } else { "FAIL" }).strong().color(color))
                    .on_hover_text("A failure means the analytic gradient is wrong here, or ε straddles a kink (ReLU at 0)");
                ui.end_row();
            }
        });
    }
}

impl Panel for GradCheckPanel {
    /// The window (when open); asks for a new check when the user presses Run check.
    fn ui(&mut self, ui: &mut egui::Ui, _view: &View<'_>) -> Option<Action> {
        if !self.open {
            return None;
        }
        let mut open = true;
        let mut run = false;
        egui::Window::new("Gradient check")
            .open(&mut open)
            .default_pos([560.0, 380.0])
            .default_size([560.0, 320.0])
            .vscroll(true)
            .show(ui.ctx(), |ui| {
                ui.horizontal(|ui| {
                    if ui
                        .button("Run check")
                        .on_hover_text("Compare backprop's gradients with central finite differences (f(θ+ε) − f(θ−ε)) / 2ε, ε = 1e-5, in f64, on the last minibatch")
                        .clicked()
                    {
                        run = true;
                        self.waiting = true;
                    }
                    if self.waiting {
                        ui.spinner().on_hover_text("Checking…");
                    }
                });
                if let Some(report) = &self.report {
                    Self::report_ui(ui, report);
                }
            });
        self.open &= open;
        run.then_some(Action::GradCheck)
    }
}
