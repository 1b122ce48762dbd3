//! The control panel: run buttons, data set, layer editor, training hyper-parameters,
//! regularisation and the teaching presets. Every control has a tooltip that says what it does.
//!
//! The panel draws on a draft copy of the settings in the [`View`]; when the user changed
//! anything it returns the draft as [`Action::Settings`], and the App decides what the change
//! means (a new data set, a new session, or a live change). Buttons return their own action.

mod data;
mod model;
mod training;
pub(crate) mod typed;

pub use training::PRESETS_MENU;

use eframe::egui::{self, RichText};

use crate::experiment::{ControlId, Worksheet};
use crate::ui::action::Action;
use crate::ui::format::plural;
use crate::ui::panel::Panel;
use crate::ui::state::View;
use crate::ui::state::{RunView, Settings};

const PRESENT_HINT: &str = "Presentation mode (F): zoomed, high contrast, advanced controls hidden";
const FILES_HINT: &str =
    "Experiment files, weights (safetensors), metrics (CSV), PNG and GIF pictures";
const STEP_HINT: &str =
    "Pause, then take the number of steps on the right (one minibatch update each)";
const RESET_HINT: &str =
    "Start again from the initial weights of the seed (same seed = same weights and batch order)";
const SPEED_HINT: &str =
    "Pace of training while playing, in steps per second: slow it down to watch each update";

/// Which controls a worksheet hides or locks (see [`crate::experiment::Lesson`]).
#[derive(Clone, Copy, Default)]
struct Gate<'a> {
    worksheet: Option<&'a Worksheet>,
}

impl Gate<'_> {
    /// False when the worksheet hides `id`.
    fn shown(self, id: ControlId) -> bool {
        !self.worksheet.is_some_and(|l| l.is_hidden(id))
    }

    /// False when the worksheet locks (or hides) `id`.
    fn enabled(self, id: ControlId) -> bool {
        !self.worksheet.is_some_and(|l| l.is_locked(id))
    }

    /// Draws `add` when `id` is shown, greyed out when it is locked.
    fn ui<R>(self, ui: &mut egui::Ui, id: ControlId, add: impl FnOnce(&mut egui::Ui) -> R) {
        if self.shown(id) {
            let response = ui.add_enabled_ui(self.enabled(id), add).response;
            if !self.enabled(id) {
                response.on_disabled_hover_text("Locked by the worksheet");
            }
        }
    }
}

/// State of the control panel that is not a setting.
pub struct ControlsPanel {
    steps_per_click: u32,
}

impl Default for ControlsPanel {
    fn default() -> Self {
        Self { steps_per_click: 1 }
    }
}

impl Panel for ControlsPanel {
    /// Draws every section; returns the button pressed, or the changed settings.
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>) -> Option<Action> {
        let mut draft = view.settings.clone();
        let gate = Gate {
            worksheet: view.worksheet,
        };
        let mut action = header_ui(ui, view.presenting);
        action = self.run_ui(ui, &mut draft, view.run, gate).or(action);
        ui.separator();
        gate.ui(ui, ControlId::Dataset, |ui| {
            data::data_ui(ui, &mut draft, view.data);
        });
        if !view.presenting && gate.shown(ControlId::OpenData) {
            let open = ui.add_enabled_ui(gate.enabled(ControlId::OpenData), |ui| {
                data::open_ui(ui, view.recent)
            });
            action = open.inner.or(action);
        }
        ui.separator();
        let layers_locked = [
            ControlId::Layers,
            ControlId::Activations,
            ControlId::ConvBlocks,
        ]
        .into_iter()
        .any(|id| !gate.enabled(id));
        if gate.shown(ControlId::Layers) {
            ui.add_enabled_ui(!layers_locked, |ui| {
                model::layers_ui(ui, &mut draft, view.data);
            });
        }
        ui.separator();
        training::training_ui(ui, &mut draft.train, view.data, view.presenting, gate);
        ui.separator();
        training::regularization_ui(ui, &mut draft.train);
        ui.separator();
        action = training::teach_ui(ui, view.data.image_shape.is_some()).or(action);
        if action.is_none() && draft != *view.settings {
            action = Some(Action::Settings(Box::new(draft)));
        }
        action
    }
}

/// The heading with Present, Help and "Save & open…".
fn header_ui(ui: &mut egui::Ui, presenting: bool) -> Option<Action> {
    let mut action = None;
    ui.horizontal(|ui| {
        ui.heading("Controls");
        let label = if presenting {
            "Exit presentation"
        } else {
            "Present"
        };
        if ui.small_button(label).on_hover_text(PRESENT_HINT).clicked() {
            action = Some(Action::TogglePresentation);
        }
        if ui
            .small_button("Help")
            .on_hover_text("Keyboard shortcuts (H)")
            .clicked()
        {
            action = Some(Action::Help);
        }
        if ui
            .small_button("Save & open…")
            .on_hover_text(FILES_HINT)
            .clicked()
        {
            action = Some(Action::Files);
        }
    });
    action
}

impl ControlsPanel {
    /// Play/Pause, Step, Reset, the counters and the speed (drawn on `draft`).
    fn run_ui(
        &mut self,
        ui: &mut egui::Ui,
        draft: &mut Settings,
        run: &RunView,
        gate: Gate<'_>,
    ) -> Option<Action> {
        let mut action = None;
        ui.horizontal(|ui| {
            gate.ui(ui, ControlId::Play, |ui| {
                let (label, hint, pressed) = if run.running {
                    (
                        "Pause",
                        "Stop training after the current step (Space)",
                        Action::Pause,
                    )
                } else {
                    (
                        "Play",
                        "Train continuously until paused or the epoch limit (Space)",
                        Action::Play,
                    )
                };
                if ui
                    .button(RichText::new(label).strong())
                    .on_hover_text(hint)
                    .clicked()
                {
                    action = Some(pressed);
                }
            });
            gate.ui(ui, ControlId::Step, |ui| {
                if ui.button("Step").on_hover_text(STEP_HINT).clicked() {
                    action = Some(Action::Step(self.steps_per_click));
                }
                ui.add(
                    egui::DragValue::new(&mut self.steps_per_click)
                        .update_while_editing(false)
                        .range(1..=10_000)
                        .suffix(" ×"),
                )
                .on_hover_text("How many steps one click of Step takes");
            });
            gate.ui(ui, ControlId::Reset, |ui| {
                if ui.button("Reset").on_hover_text(RESET_HINT).clicked() {
                    action = Some(Action::Reset);
                }
            });
        });
        ui.label(RichText::new(format!("Step {} · epoch {}", run.step, run.epoch)).monospace())
            .on_hover_text(format!(
                "Steps (minibatch updates) and completed epochs (passes over the training split); {}",
                plural(run.steps_per_epoch as usize, "step per epoch", "steps per epoch")
            ));
        gate.ui(ui, ControlId::Speed, |ui| speed_ui(ui, draft));
        action
    }
}

/// "full speed" and the pace slider.
fn speed_ui(ui: &mut egui::Ui, draft: &mut Settings) {
    ui.horizontal(|ui| {
        let mut unlimited = draft.speed.is_none();
        let mut rate = draft.speed.unwrap_or(600.0);
        let changed_limit = ui
            .checkbox(&mut unlimited, "full speed")
            .on_hover_text("Train as fast as the machine goes instead of at the set pace")
            .changed();
        let changed_rate = ui
            .add_enabled(
                !unlimited,
                egui::Slider::new(&mut rate, 1.0..=20_000.0)
                    .update_while_editing(false)
                    .logarithmic(true)
                    .suffix(" steps/s")
                    .max_decimals(0),
            )
            .on_hover_text(SPEED_HINT)
            .changed();
        if changed_limit || changed_rate {
            draft.speed = (!unlimited).then_some(rate);
        }
    });
}
