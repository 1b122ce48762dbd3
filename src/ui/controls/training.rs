//! The training section of the control panel: learning rate, batch size, optimizer and its
//! constants, epochs and seed; regularisation; the teaching presets and windows.

use std::cell::RefCell;

use eframe::egui::{self, RichText};

use super::Gate;
use super::typed::{Allowed, note_ui, parse_typed};
use crate::data::Dataset;
use crate::experiment::ControlId;
use crate::nn::{OptimizerConfig, OptimizerKind};
use crate::train::TrainConfig;
use crate::train::presets::Preset;
use crate::ui::action::Action;
use crate::ui::format::format_learning_rate;

const LEARNING_RATE_HINT: &str =
    "Step size α of each update θ ← θ − α·∇L; applies from the next step";
const OPTIMIZER_HINT: &str = "SGD: plain gradient step. Momentum: heavy ball (Polyak 1964). Nesterov: momentum with a look-ahead correction (Nesterov 1983, as in Sutskever et al. 2013). RMSProp: steps divided by a running RMS of the gradient (Tieleman & Hinton 2012). Adam: adaptive moments (Kingma & Ba 2015). Applies from the next step";
const EPOCHS_HINT: &str =
    "Stop after this many passes over the training split (0 = run until paused)";
const SEED_HINT: &str =
    "Seed of the initial weights and the batch order; changing it starts a new session";
const L2_HINT: &str = "L2 regularisation: each step adds λ·w to every weight gradient (not the biases), pulling weights towards 0; 0 = off. Applies from the next step";
const EARLY_STOPPING_HINT: &str = "Patience: stop when the test loss has not improved for this many epochs and restore the weights with the lowest test loss; 0 = off. Applies at once";
const INIT_SCALE_HINT: &str = "Multiplies every initial weight after Xavier/He initialisation (1 = standard, 0 = every weight zero). Large values show exploding or saturating activations; changing it starts over";
const STEPPER_HINT: &str =
    "Follow one training step of one sample phase by phase, with every number (→ = next phase)";

/// Learning rate, batch size, optimizer, and (outside presentation mode) the optimizer's
/// constants, epochs and seed, drawn on `train`.
pub(super) fn training_ui(
    ui: &mut egui::Ui,
    train: &mut TrainConfig,
    data: &Dataset,
    presentation: bool,
    gate: Gate<'_>,
) {
    ui.label(RichText::new("Training").strong());
    gate.ui(ui, ControlId::LearningRate, |ui| {
        let mut lr = train.optimizer.learning_rate;
        let current = lr;
        let note = RefCell::new(None);
        // Never clamped: a learning rate from an experiment file or typed above 10 is shown
        // and used as it is (the handle stops at the end of its range).
        if ui
            .add(
                egui::Slider::new(&mut lr, 1e-5..=10.0)
                    .update_while_editing(false)
                    .logarithmic(true)
                    .clamping(egui::SliderClamping::Never)
                    .text("learning rate")
                    .custom_formatter(|v, _| format_learning_rate(v))
                    .custom_parser(|text| {
                        parse_typed(text, "learning rate", current, Allowed::Positive, &note)
                    }),
            )
            .on_hover_text(LEARNING_RATE_HINT)
            .changed()
        {
            train.optimizer.learning_rate = lr;
        }
        note_ui(
            ui,
            egui::Id::unique("learning rate note"),
            note.into_inner(),
        );
    });
    let max_batch = data.train.len().max(1);
    gate.ui(ui, ControlId::BatchSize, |ui| {
        // A typed fraction, 0 or more than the training samples is said, not silently
        // rounded or clamped.
        let (current, note) = (train.batch_size as f64, RefCell::new(None));
        ui.add(
            egui::Slider::new(&mut train.batch_size, 1..=max_batch.max(2))
                .update_while_editing(false)
                .logarithmic(true)
                .text("batch size")
                .custom_parser(|text| {
                    parse_typed(
                        text,
                        "batch size",
                        current,
                        Allowed::Count(1, max_batch.max(2)),
                        &note,
                    )
                }),
        )
        .on_hover_text("Samples averaged per step; applies from the next step");
        note_ui(ui, egui::Id::unique("batch size note"), note.into_inner());
    });
    gate.ui(ui, ControlId::Optimizer, |ui| {
        egui::ComboBox::from_id_salt("optimizer")
            .selected_text(train.optimizer.kind.name())
            .show_ui(ui, |ui| {
                for kind in OptimizerKind::ALL {
                    ui.selectable_value(&mut train.optimizer.kind, kind, kind.name());
                }
            })
            .response
            .on_hover_text(OPTIMIZER_HINT);
    });
    if presentation {
        return;
    }
    gate.ui(ui, ControlId::OptimizerParams, |ui| {
        optimizer_constants_ui(ui, &mut train.optimizer);
    });
    ui.horizontal(|ui| {
        if gate.shown(ControlId::Epochs) {
            ui.label("epochs");
            ui.add_enabled(
                gate.enabled(ControlId::Epochs),
                egui::DragValue::new(&mut train.epochs)
                    .update_while_editing(false)
                    .range(0..=1_000_000),
            )
            .on_hover_text(EPOCHS_HINT);
        }
        if gate.shown(ControlId::Seed) {
            ui.label("seed");
            ui.add_enabled(
                gate.enabled(ControlId::Seed),
                egui::DragValue::new(&mut train.seed).update_while_editing(false),
            )
            .on_hover_text(SEED_HINT);
        }
    });
}

/// The constants of the optimizer in use: ρ (RMSProp), μ (Momentum, Nesterov), β1 and β2
/// (Adam).
fn optimizer_constants_ui(ui: &mut egui::Ui, optimizer: &mut OptimizerConfig) {
    match optimizer.kind {
        OptimizerKind::Sgd => {}
        OptimizerKind::RmsProp => constant_ui(
            ui,
            &mut optimizer.rho,
            (0.0, 0.999),
            "decay ρ",
            "Decay of RMSProp's running mean of squared gradients",
        ),
        OptimizerKind::Momentum | OptimizerKind::Nesterov => constant_ui(
            ui,
            &mut optimizer.momentum,
            (0.0, 0.999),
            "momentum μ",
            "Fraction of the previous update carried into the next",
        ),
        OptimizerKind::Adam => {
            constant_ui(
                ui,
                &mut optimizer.beta1,
                (0.0, 0.999),
                "β1",
                "Decay of Adam's running mean of gradients",
            );
            constant_ui(
                ui,
                &mut optimizer.beta2,
                (0.9, 0.99999),
                "β2",
                "Decay of Adam's running mean of squared gradients",
            );
        }
    }
}

/// One optimizer constant on a slider over `range`. A value from an experiment file outside
/// the range is shown and kept as it is; a typed one is clamped, and the note says so.
fn constant_ui(ui: &mut egui::Ui, value: &mut f64, range: (f64, f64), name: &str, hint: &str) {
    let current = *value;
    let note = RefCell::new(None);
    ui.add(
        egui::Slider::new(value, range.0..=range.1)
            .update_while_editing(false)
            .clamping(egui::SliderClamping::Edits)
            .text(name)
            .custom_parser(|text| {
                parse_typed(
                    text,
                    name,
                    current,
                    Allowed::Within(range.0, range.1),
                    &note,
                )
            }),
    )
    .on_hover_text(hint);
    note_ui(
        ui,
        egui::Id::unique(("constant note", name)),
        note.into_inner(),
    );
}

/// L2, early stopping and the initial-weight scale, drawn on `train`.
pub(super) fn regularization_ui(ui: &mut egui::Ui, train: &mut TrainConfig) {
    ui.label(RichText::new("Regularisation").strong())
        .on_hover_text("Ways to keep a network from fitting the noise of its training samples");
    let mut l2 = train.l2;
    let current = l2;
    let note = RefCell::new(None);
    if ui
        .add(
            egui::Slider::new(&mut l2, 0.0..=0.1)
                .update_while_editing(false)
                .logarithmic(true)
                .smallest_positive(1e-5)
                .custom_formatter(|v, _| {
                    if v == 0.0 {
                        "off".to_string()
                    } else {
                        format_learning_rate(v)
                    }
                })
                .clamping(egui::SliderClamping::Edits)
                .custom_parser(|text| match text.trim() {
                    "off" => Some(0.0),
                    other => parse_typed(other, "L2 λ", current, Allowed::Within(0.0, 0.1), &note),
                })
                .text("L2 λ"),
        )
        .on_hover_text(L2_HINT)
        .changed()
    {
        train.l2 = l2;
    }
    note_ui(ui, egui::Id::unique("L2 note"), note.into_inner());
    ui.horizontal(|ui| {
        ui.label("early stopping");
        ui.add(
            egui::DragValue::new(&mut train.early_stopping_patience)
                .update_while_editing(false)
                .range(0..=1000)
                .suffix(" epochs"),
        )
        .on_hover_text(EARLY_STOPPING_HINT);
    });
    ui.horizontal(|ui| {
        ui.label("initial scale");
        ui.add(
            egui::DragValue::new(&mut train.init_gain)
                .update_while_editing(false)
                .range(0.0..=20.0)
                .speed(0.05)
                .prefix("× "),
        )
        .on_hover_text(INIT_SCALE_HINT);
    });
}

/// The button that opens the list of presets.
pub const PRESETS_MENU: &str = "Presets ▾";
const PRESETS_HINT: &str = "Classic runs to teach with, each paused at step 0: backprop by hand on \
    XOR, then the failures of training (symmetry, vanishing and exploding gradients, \
    overfitting, dead units, saturation) for the training doctor to recognise";

/// Presets for teaching and the backprop windows: two rows, the presets in a menu (a list of
/// seven ran past the bottom of the panel at 1280×800). The stepper follows Dense networks
/// on feature data: with `images` its button is greyed, and says why.
pub(super) fn teach_ui(ui: &mut egui::Ui, images: bool) -> Option<Action> {
    let mut action = None;
    ui.horizontal(|ui| {
        ui.label(RichText::new("Teach").strong()).on_hover_text(
            "Walk a class through backprop and show each failure of training being fixed",
        );
        ui.menu_button(PRESETS_MENU, |ui| {
            for preset in Preset::ALL {
                if ui
                    .button(preset.name())
                    .on_hover_text(preset.description())
                    .clicked()
                {
                    action = Some(Action::Preset(preset));
                }
            }
        })
        .response
        .on_hover_text(PRESETS_HINT);
    });
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(!images, egui::Button::new("Backprop stepper…"))
            .on_hover_text(STEPPER_HINT)
            .on_disabled_hover_text(
                "The stepper follows Dense networks on feature data (a CSV, the 2-D sets); for a CNN on images see the feature maps and Pixel arithmetic",
            )
            .clicked()
        {
            action = Some(Action::OpenStepper);
        }
        if ui
            .button("Gradient check…")
            .on_hover_text(
                "Compare backprop's gradients with finite differences on the current model",
            )
            .clicked()
        {
            action = Some(Action::GradCheck);
        }
    });
    action
}
