//! The training doctor's panel (per-layer gradient norms over time on a log scale and the
//! activation statistics) and its banners: one per finding, in plain language, with
//! one-click remedies.

use eframe::egui::{self, Color32, RichText};
use egui_plot::{Line, Plot, PlotPoints};

use crate::train::doctor::{DetectorId, Diagnosis, Remedy};
use crate::ui::action::Action;
use crate::ui::panel::Panel;
use crate::ui::plot::{LegendEntry, Marker, legend_row, log_y_axis, x_axis, y_axis};
use crate::ui::state::{Banner, DoctorState, View};

/// Colour of plot line `index`.
fn line_color(index: usize, count: usize) -> Color32 {
    let t = if count > 1 {
        index as f32 / (count - 1) as f32
    } else {
        0.0
    };
    crate::ui::colormap::sequential(t, -0.1, 1.1)
}

/// The button text of a remedy.
pub fn remedy_label(remedy: Remedy) -> &'static str {
    match remedy {
        Remedy::LowerLearningRate => "Lower learning rate ÷10",
        Remedy::StandardizeInputs => "Standardise inputs",
        Remedy::SwitchToRelu => "Switch to ReLU + He init",
        Remedy::StandardInitScale => "Standard initial scale",
        Remedy::AddL2 => "Add L2",
        Remedy::StopEarly => "Stop early",
        Remedy::Reset => "Start over",
        Remedy::RandomInit => "Random initial weights",
    }
}

/// The tooltip of a remedy: what the button does and why it helps.
pub fn remedy_explanation(remedy: Remedy) -> &'static str {
    match remedy {
        Remedy::LowerLearningRate => {
            "Divide the learning rate by 10 from the next step on: smaller steps stop the updates from overshooting"
        }
        Remedy::StandardizeInputs => {
            "Rescale every input feature to mean 0 and standard deviation 1 (fitted on the training split) and start over: inputs of a few units keep the first layer out of its flat tails"
        }
        Remedy::SwitchToRelu => {
            "Make every hidden activation ReLU with He initialisation and start over: ReLU passes gradients back unshrunk where it is active"
        }
        Remedy::StandardInitScale => {
            "Set the initial-weight gain back to 1 (Xavier/He scale) and start over"
        }
        Remedy::AddL2 => {
            "Add λ·w to every weight gradient (λ = 0.01, or ×10 if L2 is already on, at most 0.1) and start over from the same initial weights: large weights that fit noise are pulled towards 0"
        }
        Remedy::StopEarly => {
            "Switch on early stopping with a patience of 20 epochs and start over from the same initial weights: training stops when the test loss has not improved for 20 epochs and the weights with the lowest test loss are restored"
        }
        Remedy::Reset => "Start again from the same initial weights (same seed)",
        Remedy::RandomInit => {
            "Draw the initial weights at random (Xavier/He scale, init gain 1) and start over: units that start different get different gradients and learn different features"
        }
    }
}

/// A button for `remedy`; true when clicked.
pub fn remedy_button(ui: &mut egui::Ui, remedy: Remedy) -> bool {
    ui.button(remedy_label(remedy))
        .on_hover_text(remedy_explanation(remedy))
        .clicked()
}

/// The doctor's plot panel (it keeps no state: the findings and norms live in the view).
#[derive(Default)]
pub struct DoctorPanel;

/// The message of the App (divergence, crash, end of training) and the doctor's findings, one
/// banner each, with their remedies.
#[derive(Default)]
pub struct BannersPanel;

/// Text, colour and whether Reset is offered, for the App's banner.
fn banner_text(banner: &Banner) -> (String, Color32, bool) {
    match banner {
        Banner::Diverged(message, _) => (message.clone(), Color32::from_rgb(230, 140, 30), true),
        Banner::Crashed(message) => (
            format!("the training thread crashed: {message}. Reset starts a new session."),
            Color32::from_rgb(220, 60, 60),
            true,
        ),
        Banner::Error(message) => (message.clone(), Color32::from_rgb(220, 60, 60), false),
        Banner::Done(message) => (message.clone(), Color32::from_rgb(90, 170, 90), false),
        Banner::Finished(epochs) => (
            format!("finished {epochs} epochs: raise Epochs (or set 0) and press Play to go on"),
            Color32::from_rgb(90, 170, 90),
            false,
        ),
        Banner::StoppedEarly(stop) => (
            format!(
                "stopped early after epoch {}: the test loss was lowest ({:.4}) after epoch {} and those weights are restored",
                stop.epoch, stop.best_test_loss, stop.best_epoch
            ),
            Color32::from_rgb(90, 170, 90),
            true,
        ),
    }
}

/// The App's banner with its remedies (chosen by the worker for a divergence), Reset and
/// Dismiss.
fn app_banner_ui(ui: &mut egui::Ui, banner: &Banner) -> Option<Action> {
    let (text, color, offer_reset) = banner_text(banner);
    let remedies: &[Remedy] = match banner {
        Banner::Diverged(_, remedies) => remedies,
        _ => &[],
    };
    let mut action = None;
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, color))
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(text).color(color).strong());
                for &remedy in remedies.iter().filter(|r| **r != Remedy::Reset) {
                    if remedy_button(ui, remedy) {
                        action = Some(Action::Remedy(DetectorId::NonFiniteLoss, remedy));
                    }
                }
                if offer_reset
                    && ui
                        .button("Reset")
                        .on_hover_text("Start a new session with the same seed and settings")
                        .clicked()
                {
                    action = Some(Action::Reset);
                }
                if ui
                    .small_button("Dismiss")
                    .on_hover_text("Hide this message")
                    .clicked()
                {
                    action = Some(Action::DismissBanner);
                }
            });
        });
    action
}

/// One banner of the doctor: its remedies and Dismiss first, then the message, so that the
/// one-click remedies stay on screen in the message strip's first line however long the
/// message (in presentation mode the strip holds two lines, and a remedy after a four-line
/// message was below its edge).
fn finding_ui(ui: &mut egui::Ui, diagnosis: &Diagnosis) -> Option<Action> {
    let color = Color32::from_rgb(230, 160, 40);
    let mut action = None;
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, color))
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new("Doctor:").color(color).strong())
                    .on_hover_text(format!(
                        "Training doctor, detector \"{}\"",
                        diagnosis.id.name()
                    ));
                for &remedy in &diagnosis.remedies {
                    if remedy_button(ui, remedy) {
                        action = Some(Action::Remedy(diagnosis.id, remedy));
                    }
                }
                if ui
                    .small_button("Dismiss")
                    .on_hover_text("Hide this finding for the rest of the session")
                    .clicked()
                {
                    action = Some(Action::DismissFinding(diagnosis.id));
                }
                // All of it in the tooltip too: in presentation mode the strip shows two lines.
                ui.label(RichText::new(&diagnosis.message).color(color))
                    .on_hover_text(&diagnosis.message);
            });
        });
    action
}

impl Panel for BannersPanel {
    /// The App's banner, then each of the doctor's findings not dismissed.
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>) -> Option<Action> {
        let mut action = view.banner.and_then(|banner| app_banner_ui(ui, banner));
        for diagnosis in view.doctor.findings() {
            action = finding_ui(ui, diagnosis).or(action);
        }
        action
    }
}

/// Layers up to which the gradient plot's legend names each one; a deeper network's legend
/// names the two ends of the colour ramp (eleven entries took most of a projector's panel and
/// pushed the plot past its bottom edge).
pub const LEGEND_EACH_LAYER_UP_TO: usize = 6;
/// The gradient plot's least height, in points.
const MIN_PLOT_HEIGHT: f32 = 90.0;

/// The legend of the gradient plot for layers named `names` (input side first): one entry a
/// layer, or for more than [`LEGEND_EACH_LAYER_UP_TO`] the first and the last, marked as the
/// ends of the colour ramp.
pub fn legend_entries(names: &[String]) -> Vec<LegendEntry> {
    let layers = names.len();
    if layers <= LEGEND_EACH_LAYER_UP_TO {
        return names
            .iter()
            .enumerate()
            .map(|(l, name)| LegendEntry::new(name, line_color(l, layers), Marker::Line))
            .collect();
    }
    let (first, last) = (&names[0], &names[layers - 1]);
    vec![
        LegendEntry::new(
            format!("{first} (input side)"),
            line_color(0, layers),
            Marker::Line,
        ),
        LegendEntry::new(
            format!("… {last} (output side)"),
            line_color(layers - 1, layers),
            Marker::Line,
        ),
    ]
}

impl Panel for DoctorPanel {
    /// Gradient norms per layer over time (log10) and activation statistics.
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>) -> Option<Action> {
        let doctor = view.doctor;
        // On a projector the selected tab above already says it, and the plot needs the room.
        if !view.presenting {
            ui.heading("Gradients");
        }
        if doctor.steps.is_empty() {
            ui.label("no steps yet: press Play or Step to see each layer's gradient norm");
            return None;
        }
        let layers = doctor.norms.first().map_or(0, Vec::len);
        let names: Vec<String> = (0..layers)
            .map(|l| {
                doctor
                    .layer_names
                    .get(l)
                    .map_or_else(|| format!("{:02}", l + 1), |n| format!("{:02} {n}", l + 1))
            })
            .collect();
        legend_row(ui, &legend_entries(&names));
        // At most two rows of statistics; more scroll (a deep network's ten rows pushed the
        // plot below the window on a projector).
        let row = ui.text_style_height(&egui::TextStyle::Monospace) + ui.spacing().item_spacing.y;
        egui::ScrollArea::vertical()
            .id_salt("doctor_stats")
            .max_height(2.0 * row)
            .auto_shrink([false, true])
            .show(ui, |ui| stats_ui(ui, doctor));
        // The statistics stand above the plot, so the plot takes what is left, however many
        // rows they wrap to (below it, a guessed reserve cut them off or wasted room).
        let height = ui.available_height().max(MIN_PLOT_HEIGHT);
        log_y_axis(
            Plot::new("gradient_norms")
                .height(height)
                .custom_x_axes(x_axis("step"))
                // The ticks (1e0, 1e-1) show the log scale; a longer title ran past a
                // projector's short plot.
                .custom_y_axes(y_axis("‖∂E/∂W‖"))
                .allow_scroll(false),
        )
            .show(ui, |plot_ui| {
                for (l, name) in names.iter().enumerate() {
                    let points: Vec<[f64; 2]> = doctor
                        .steps
                        .iter()
                        .zip(&doctor.norms)
                        .filter_map(|(&step, norms)| {
                            let n = *norms.get(l)?;
                            (n > 0.0 && n.is_finite()).then(|| [step as f64, n.log10()])
                        })
                        .collect();
                    plot_ui.line(
                        Line::new(name.clone(), PlotPoints::from(points))
                            .color(line_color(l, layers))
                            .width(1.5),
                    );
                }
            })
            .response
            .on_hover_text("Frobenius norm of each layer's weight gradient at each step, log scale, lines numbered from the input side (dark = input side, yellow = output side): lines far below the others mean those layers barely learn (vanishing); lines in the hundreds or more mean exploding gradients");
        None
    }
}

/// One label per activation layer: the share of dead ReLU units or saturated Sigmoid/Tanh
/// outputs at the latest evaluation.
fn stats_ui(ui: &mut egui::Ui, doctor: &DoctorState) {
    ui.horizontal_wrapped(|ui| {
        for (position, stats) in doctor.stats.iter().enumerate() {
            let text = match stats.kind {
                crate::nn::ActivationKind::Relu => format!(
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
            ui.add(
                egui::Label::new(RichText::new(text).monospace())
                    .wrap_mode(egui::TextWrapMode::Extend),
            )
            .on_hover_text(format!(
                "Activation layer {} ({} units), measured on up to 256 training samples at the latest evaluation: a dead ReLU unit outputs 0 for all of them; a saturated Sigmoid/Tanh output sits where its slope is below 4 % of the peak",
                position + 1,
                stats.units
            ));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deep_network_s_legend_names_the_ends_of_the_ramp() {
        let names =
            |n: usize| -> Vec<String> { (1..=n).map(|l| format!("{l:02} Dense")).collect() };
        let shallow = legend_entries(&names(3));
        let shown: Vec<&str> = shallow.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(shown, ["01 Dense", "02 Dense", "03 Dense"]);
        let deep = legend_entries(&names(11));
        let shown: Vec<&str> = deep.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(shown, ["01 Dense (input side)", "… 11 Dense (output side)"]);
        assert_eq!(deep[0].color, line_color(0, 11));
        assert_eq!(deep[1].color, line_color(10, 11));
        assert_eq!(legend_entries(&names(LEGEND_EACH_LAYER_UP_TO)).len(), 6);
    }
}
