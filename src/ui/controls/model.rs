//! The network section of the control panel: conv blocks for images, hidden Dense layers with
//! their activations, and the output layer that follows from the task.

use std::cell::RefCell;

use eframe::egui::{self, RichText};

use super::typed::{Allowed, note_ui, parse_typed};
use crate::data::Dataset;
use crate::nn::ActivationKind;
use crate::train::{ConvBlock, HiddenLayer, MAX_HIDDEN_LAYERS, MAX_UNITS, TrainConfig};
use crate::ui::format::plural;
use crate::ui::state::Settings;

const SMALL_CNN_HINT: &str =
    "Preset: conv8k3, ReLU, pool2, conv16k3, ReLU, pool2, Dense 10; Momentum 0.05, batch 64";

/// The conv blocks (image data) and hidden Dense layers, drawn on `draft`.
pub(super) fn layers_ui(ui: &mut egui::Ui, draft: &mut Settings, data: &Dataset) {
    ui.label(RichText::new("Network").strong());
    if let Some([c, h, w]) = data.image_shape {
        ui.label(format!("input: {c}×{h}×{w} image"))
            .on_hover_text("Channels × height × width of each sample");
        conv_ui(ui, &mut draft.train);
    } else {
        ui.label(plural(data.n_features(), "input feature", "input features"))
            .on_hover_text("One input neuron per feature");
    }
    let hidden = &mut draft.train.hidden;
    let mut remove = None;
    for (i, layer) in hidden.iter_mut().enumerate() {
        // A typed fraction, 0 or more than the most units is said, not silently clamped.
        let (current, note) = (layer.units as f64, RefCell::new(None));
        ui.horizontal(|ui| {
            ui.label(format!("hidden {}", i + 1));
            // A fixed width keeps the activation menus in one column whatever the count;
            // "1 unit", not "1 units".
            let height = ui.spacing().interact_size.y;
            ui.add_sized(
                [72.0, height],
                egui::DragValue::new(&mut layer.units)
                    .update_while_editing(false)
                    .range(1..=MAX_UNITS)
                    .custom_formatter(|v, _| {
                        format!("{v:.0} unit{}", if v == 1.0 { "" } else { "s" })
                    })
                    .custom_parser(|text| {
                        let number = text.trim().trim_end_matches('s').trim_end_matches("unit");
                        parse_typed(
                            number,
                            "number of units",
                            current,
                            Allowed::Count(1, MAX_UNITS),
                            &note,
                        )
                    }),
            )
            .on_hover_text("Neurons in this Dense layer (drag or type; 1–256)");
            egui::ComboBox::from_id_salt(("activation", i))
                .selected_text(layer.activation.name())
                .width(90.0)
                .show_ui(ui, |ui| {
                    for kind in ActivationKind::ALL {
                        ui.selectable_value(&mut layer.activation, kind, kind.name());
                    }
                })
                .response
                .on_hover_text("Non-linearity applied after this layer's Dense transform");
            if ui
                .small_button("−")
                .on_hover_text("Remove this hidden layer")
                .clicked()
            {
                remove = Some(i);
            }
        });
        note_ui(ui, egui::Id::unique(("units note", i)), note.into_inner());
    }
    if let Some(i) = remove {
        hidden.remove(i);
    }
    ui.horizontal(|ui| {
        let can_add = hidden.len() < MAX_HIDDEN_LAYERS;
        if ui
            .add_enabled(can_add, egui::Button::new("+ add layer"))
            .on_hover_text("Append a hidden layer (a copy of the last one)")
            .on_disabled_hover_text(format!(
                "At most {MAX_HIDDEN_LAYERS} hidden layers: remove one (−) to add another"
            ))
            .clicked()
        {
            let template = hidden.last().copied().unwrap_or(HiddenLayer {
                units: 8,
                activation: ActivationKind::Tanh,
            });
            hidden.push(template);
        }
    });
    let outputs = data.n_classes().unwrap_or(1);
    ui.label(if data.is_classification() {
        format!("output: Dense → {outputs} logits, softmax cross-entropy")
    } else {
        "output: Dense → 1 value, mean squared error".to_string()
    })
    .on_hover_text("The output layer follows from the task");
}

/// The conv-block editor.
fn conv_ui(ui: &mut egui::Ui, train: &mut TrainConfig) {
    let mut remove = None;
    for (i, block) in train.conv.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            ui.label(format!("conv {}", i + 1));
            ui.add(
                egui::DragValue::new(&mut block.filters)
                    .update_while_editing(false)
                    .range(1..=64)
                    .suffix(" filters"),
            )
            .on_hover_text("Output channels of this Conv2d layer (1–64)");
            ui.add(
                egui::DragValue::new(&mut block.kernel)
                    .update_while_editing(false)
                    .range(1..=9)
                    .prefix("k "),
            )
            .on_hover_text("Kernel side in pixels (stride 1, no padding)");
            egui::ComboBox::from_id_salt(("conv_activation", i))
                .selected_text(block.activation.name())
                .width(80.0)
                .show_ui(ui, |ui| {
                    for kind in ActivationKind::ALL {
                        ui.selectable_value(&mut block.activation, kind, kind.name());
                    }
                })
                .response
                .on_hover_text("Activation after the convolution");
            ui.add(
                egui::DragValue::new(&mut block.pool)
                    .update_while_editing(false)
                    .range(1..=4)
                    .prefix("pool "),
            )
            .on_hover_text("Max-pooling window and stride after the activation (1 = none)");
            if ui
                .small_button("−")
                .on_hover_text("Remove this conv block")
                .clicked()
            {
                remove = Some(i);
            }
        });
    }
    if let Some(i) = remove {
        train.conv.remove(i);
    }
    ui.horizontal(|ui| {
        if ui
            .add_enabled(train.conv.len() < 6, egui::Button::new("+ add conv block"))
            .on_hover_text("Append a Conv2d → activation → MaxPool2d block")
            .clicked()
        {
            train.conv.push(ConvBlock {
                filters: 8,
                kernel: 3,
                activation: ActivationKind::Relu,
                pool: 1,
            });
        }
        if ui
            .button("Small CNN")
            .on_hover_text(SMALL_CNN_HINT)
            .clicked()
        {
            let seed = train.seed;
            *train = TrainConfig::small_cnn();
            train.seed = seed;
        }
    });
}
