//! The data section of the control panel: the data set picker, the generator's settings and
//! the split, "Open data…", "Open folder…" and the recent files.

use std::path::PathBuf;

use eframe::egui::{self, RichText};

use crate::data::{Dataset, SynthKind};
use crate::train::TrainConfig;
use crate::ui::action::Action;
use crate::ui::format::plural;
use crate::ui::state::{DataSettings, DatasetChoice, Settings};

const MNIST_HINT: &str = "Handwritten digits 0–9, 28×28 grey (bundled: 8 000 train, 2 000 test from the MNIST test set); trains the Small CNN";

/// The data set picker and its settings, drawn on `draft`. Choosing a set of the other kind
/// (images or features) also gives `draft` the default model for it
/// ([`TrainConfig::for_shape`]), keeping the seed.
pub(super) fn data_ui(ui: &mut egui::Ui, draft: &mut Settings, data: &Dataset) {
    ui.label(RichText::new("Data").strong());
    let before = draft.data.clone();
    data_picker_ui(ui, &mut draft.data);
    if draft.data.choice != before.choice {
        let image = match &draft.data.choice {
            DatasetChoice::Mnist => Some([1, 28, 28]),
            DatasetChoice::Loaded(loaded) => loaded.image_shape,
            DatasetChoice::Synth(_) | DatasetChoice::Iris => None,
        };
        if image != data.image_shape {
            let seed = draft.train.seed;
            draft.train = TrainConfig::for_shape(image);
            draft.train.seed = seed;
        }
    }
    generator_ui(ui, &mut draft.data);
    ui.label(format!(
        "{} · {} train · {} test{}",
        plural(data.n_features(), "feature", "features"),
        data.train.len(),
        data.test.len(),
        data.n_classes()
            .map(|k| format!(" · {}", plural(k, "class", "classes")))
            .unwrap_or_else(|| " · regression".to_string())
    ))
    .on_hover_text("Size of the current data set");
}

/// The combo box of data sets.
fn data_picker_ui(ui: &mut egui::Ui, settings: &mut DataSettings) {
    let current = settings.choice.label();
    egui::ComboBox::from_id_salt("dataset")
        .selected_text(current.clone())
        .show_ui(ui, |ui| {
            for kind in SynthKind::ALL {
                if ui
                    .selectable_label(current == kind.name(), kind.name())
                    .on_hover_text(kind.description())
                    .clicked()
                {
                    let data_seed = settings.synth.seed;
                    *settings = DataSettings::synth(kind);
                    settings.synth.seed = data_seed;
                }
            }
            if ui
                .selectable_label(current == "iris", "iris")
                .on_hover_text("Fisher's Iris flowers: 4 measurements in cm, 3 species (bundled)")
                .clicked()
            {
                settings.choice = DatasetChoice::Iris;
                settings.synth.train_ratio = 0.7;
            }
            if ui
                .selectable_label(current == "mnist", "mnist")
                .on_hover_text(MNIST_HINT)
                .clicked()
            {
                settings.choice = DatasetChoice::Mnist;
            }
            if let DatasetChoice::Loaded(loaded) = &settings.choice {
                let name = loaded.name.clone();
                let _ = ui
                    .selectable_label(true, name)
                    .on_hover_text("The file given with --data");
            }
        })
        .response
        .on_hover_text("The data set to train on; changing it starts a new session");
}

/// Noise, sample count, split and seed of a generated set (the split and seed also for Iris).
fn generator_ui(ui: &mut egui::Ui, settings: &mut DataSettings) {
    let is_synth = matches!(settings.choice, DatasetChoice::Synth(_));
    let fixed_split = matches!(
        settings.choice,
        DatasetChoice::Loaded(_) | DatasetChoice::Mnist
    );
    let synth = &mut settings.synth;
    if is_synth {
        ui.add(
            egui::Slider::new(&mut synth.noise, 0.0..=1.0)
                .update_while_editing(false)
                .text("noise"),
        )
        .on_hover_text("How much random scatter the generator adds (0 = clean shapes)");
        ui.add(
            egui::Slider::new(&mut synth.samples, 4..=2000)
                .update_while_editing(false)
                .logarithmic(true)
                .text("samples"),
        )
        .on_hover_text("How many points the generator makes (train + test)");
    }
    if !fixed_split {
        let mut percent = synth.train_ratio * 100.0;
        let response = ui
            .add(
                egui::Slider::new(&mut percent, 10.0..=100.0)
                    .update_while_editing(false)
                    .text("% train")
                    .max_decimals(0),
            )
            .on_hover_text("Share of the samples used for training; the rest is the test split");
        if response.changed() {
            synth.train_ratio = (percent / 100.0).clamp(0.1, 1.0);
        }
        ui.horizontal(|ui| {
            ui.label("data seed");
            ui.add(egui::DragValue::new(&mut synth.seed).update_while_editing(false))
                .on_hover_text("Seed of the generator and of the train/test split");
        });
    }
}

/// "Open data…", "Open folder…" and the recent files.
pub(super) fn open_ui(ui: &mut egui::Ui, recent: &[PathBuf]) -> Option<Action> {
    let mut action = None;
    ui.horizontal(|ui| {
        if ui
            .button("Open data…")
            .on_hover_text(
                "Load a CSV/TSV (also .gz) or an IDX file; you can also drop files on the window",
            )
            .clicked()
        {
            action = Some(Action::OpenDialog(false));
        }
        if ui
            .button("Open folder…")
            .on_hover_text(
                "Load a folder of class sub-folders of images, or a folder with the four MNIST files",
            )
            .clicked()
        {
            action = Some(Action::OpenDialog(true));
        }
    });
    if !recent.is_empty() {
        ui.collapsing("recent", |ui| {
            for path in recent {
                let name = path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                if ui
                    .small_button(name)
                    .on_hover_text(path.display().to_string())
                    .clicked()
                {
                    action = Some(Action::OpenRecent(path.clone()));
                }
            }
        });
    }
    action
}
