//! The training doctor's panel (per-layer gradient norms over time on a log scale and the
//! activation statistics) and its banners: one per finding, in plain language, with
//! one-click remedies.

use std::collections::HashSet;

use eframe::egui::{self, Color32, RichText};
use egui_plot::{Line, Plot, PlotPoints};

use crate::train::HealthReport;
use crate::train::doctor::{ActivationStats, DetectorId, Diagnosis, Remedy};
use crate::ui::plot_axes::{legend, x_axis, y_axis};

/// Points kept per layer in the gradient-norm plot; older ones are thinned by halves.
pub const MAX_POINTS: usize = 4096;

/// What the doctor has reported in this session, and which findings the user dismissed.
#[derive(Default)]
pub struct DoctorPanel {
    steps: Vec<u64>,
    norms: Vec<Vec<f64>>,
    layer_names: Vec<String>,
    stats: Vec<ActivationStats>,
    findings: Vec<Diagnosis>,
    dismissed: HashSet<DetectorId>,
}

/// Colour of plot line `index`.
fn line_color(index: usize, count: usize) -> Color32 {
    let t = if count > 1 {
        index as f32 / (count - 1) as f32
    } else {
        0.0
    };
    crate::ui::colormap::sequential(t, -0.1, 1.1)
}

impl DoctorPanel {
    /// Forgets everything (a new session started).
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Takes in one report. Findings stay on screen once raised (until dismissed or reset),
    /// with their newest message.
    pub fn apply(&mut self, report: &HealthReport) {
        if let Some(record) = &report.norms {
            if self
                .norms
                .first()
                .is_some_and(|n| n.len() != record.norms.len())
            {
                self.steps.clear();
                self.norms.clear();
            }
            if self.steps.last().is_none_or(|&s| s < record.step) {
                self.steps.push(record.step);
                self.norms.push(record.norms.clone());
            }
            if self.steps.len() > MAX_POINTS {
                self.steps = std::mem::take(&mut self.steps)
                    .into_iter()
                    .step_by(2)
                    .collect();
                self.norms = std::mem::take(&mut self.norms)
                    .into_iter()
                    .step_by(2)
                    .collect();
            }
        }
        self.layer_names.clone_from(&report.layer_names);
        self.stats.clone_from(&report.stats);
        for diagnosis in &report.diagnoses {
            match self.findings.iter_mut().find(|d| d.id == diagnosis.id) {
                Some(existing) => *existing = diagnosis.clone(),
                None => self.findings.push(diagnosis.clone()),
            }
        }
    }

    /// Findings raised so far and not dismissed, oldest first.
    pub fn findings(&self) -> Vec<&Diagnosis> {
        self.findings
            .iter()
            .filter(|d| !self.dismissed.contains(&d.id))
            .collect()
    }

    /// Gradient-norm records kept for the plot.
    pub fn norm_count(&self) -> usize {
        self.steps.len()
    }

    /// Hides one finding for the rest of the session.
    pub fn dismiss(&mut self, id: DetectorId) {
        self.dismissed.insert(id);
    }

    /// Forgets one finding so it can be raised again (after its remedy was applied).
    pub fn resolve(&mut self, id: DetectorId) {
        self.findings.retain(|d| d.id != id);
    }

    /// The banners; returns the remedy the user clicked, with the finding it came from.
    pub fn banners_ui(&mut self, ui: &mut egui::Ui) -> Option<(DetectorId, Remedy)> {
        let mut chosen = None;
        let mut dismiss = None;
        let color = Color32::from_rgb(230, 160, 40);
        for diagnosis in self.findings() {
            egui::Frame::group(ui.style())
                .stroke(egui::Stroke::new(1.5, color))
                .show(ui, |ui| {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(RichText::new("Doctor:").color(color).strong())
                            .on_hover_text(format!(
                                "Training doctor, detector \"{}\"",
                                diagnosis.id.name()
                            ));
                        ui.label(RichText::new(&diagnosis.message).color(color));
                        for &remedy in &diagnosis.remedies {
                            if ui
                                .button(remedy.label())
                                .on_hover_text(remedy.explanation())
                                .clicked()
                            {
                                chosen = Some((diagnosis.id, remedy));
                            }
                        }
                        if ui
                            .small_button("Dismiss")
                            .on_hover_text("Hide this finding for the rest of the session")
                            .clicked()
                        {
                            dismiss = Some(diagnosis.id);
                        }
                    });
                });
        }
        if let Some(id) = dismiss {
            self.dismiss(id);
        }
        if let Some((id, _)) = chosen {
            self.resolve(id);
        }
        chosen
    }

    /// The panel: gradient norms per layer over time (log10) and activation statistics.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        ui.heading("Gradients");
        if self.steps.is_empty() {
            ui.label("no steps yet: press Play or Step to see each layer's gradient norm");
            return;
        }
        let layers = self.norms.first().map_or(0, Vec::len);
        let height = (ui.available_height() - 44.0).max(120.0);
        Plot::new("gradient_norms")
            .height(height)
            .legend(legend())
            .custom_x_axes(x_axis("step"))
            .custom_y_axes(y_axis("‖∂E/∂W‖ (log10)"))
            .y_axis_formatter(|mark, _| format!("1e{:.0}", mark.value))
            .allow_scroll(false)
            .show(ui, |plot_ui| {
                for l in 0..layers {
                    let points: Vec<[f64; 2]> = self
                        .steps
                        .iter()
                        .zip(&self.norms)
                        .filter_map(|(&step, norms)| {
                            let n = *norms.get(l)?;
                            (n > 0.0 && n.is_finite()).then(|| [step as f64, n.log10()])
                        })
                        .collect();
                    let name = self
                        .layer_names
                        .get(l)
                        .map_or_else(|| format!("{:02}", l + 1), |n| format!("{:02} {n}", l + 1));
                    plot_ui.line(
                        Line::new(name, PlotPoints::from(points))
                            .color(line_color(l, layers))
                            .width(1.5),
                    );
                }
            })
            .response
            .on_hover_text("Frobenius norm of each layer's weight gradient at each step, log scale, lines numbered from the input side (dark = input side, yellow = output side): lines far below the others mean those layers barely learn (vanishing); lines in the hundreds or more mean exploding gradients");
        ui.horizontal_wrapped(|ui| {
            for (position, stats) in self.stats.iter().enumerate() {
                let text = match stats.kind {
                    crate::nn::ActivationKind::ReLU => format!(
                        "{} {}: {:.0} % dead",
                        stats.kind.name(),
                        position + 1,
                        stats.dead_fraction * 100.0
                    ),
                    _ => format!(
                        "{} {}: {:.0} % saturated",
                        stats.kind.name(),
                        position + 1,
                        stats.saturated_fraction * 100.0
                    ),
                };
                ui.label(RichText::new(text).monospace().small()).on_hover_text(format!(
                    "Activation layer {} ({} units), measured on up to 256 training samples at the latest evaluation: a dead ReLU unit outputs 0 for all of them; a saturated Sigmoid/Tanh output sits where its slope is below 4 % of the peak",
                    position + 1,
                    stats.units
                ));
            }
        });
    }
}
