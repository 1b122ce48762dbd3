//! Settings remembered between launches (eframe persistence) and the translation between the
//! window's settings and an experiment file's data reference and training settings.

use std::path::PathBuf;
use std::sync::Arc;

use super::GradscopeApp;
use crate::data::Dataset;
use crate::experiment::{DatasetRef, Experiment};
use crate::ui::state::{DataSettings, DatasetChoice, Settings};

/// eframe storage key of the last session's settings (an experiment file without weights).
pub const STORAGE_SETTINGS: &str = "gradscope.settings";
/// eframe storage key of the recent-files list.
pub const STORAGE_RECENT: &str = "gradscope.recent";
/// eframe's storage key of the window's position and size (`egui_winit::WindowSettings`).
pub const STORAGE_WINDOW: &str = "window";

/// The fields of `egui_winit::WindowSettings` as eframe stores them (its own fields are private).
#[derive(serde::Serialize, serde::Deserialize)]
struct SavedWindow {
    normal_geometry: SavedGeometry,
    fullscreen: bool,
    maximized: bool,
}

/// The fields of `egui_winit::WindowGeometry` as eframe stores them.
#[derive(serde::Serialize, serde::Deserialize)]
struct SavedGeometry {
    outer_position_pixels: Option<eframe::egui::Pos2>,
    scale_factor: f32,
    inner_size_points: eframe::egui::Vec2,
}

/// Multiplies the window size eframe just stored by `factor`.
///
/// eframe stores the size in points at the zoom in force (pixels / zoom), but at the next
/// launch it applies it at the zoom it starts with: saved in presentation mode (zoom 1.5), a
/// 1280×800 window came back as 853×533. With `factor` = presentation zoom / normal zoom
/// the stored size is the one of the normal zoom. Nothing changes when the stored value is
/// missing or not in this form.
pub fn rescale_saved_window(storage: &mut dyn eframe::Storage, factor: f32) {
    if factor == 1.0 || !factor.is_finite() || factor <= 0.0 {
        return;
    }
    if let Some(mut window) = eframe::get_value::<SavedWindow>(storage, STORAGE_WINDOW) {
        window.normal_geometry.inner_size_points *= factor;
        eframe::set_value(storage, STORAGE_WINDOW, &window);
    }
}

impl DataSettings {
    /// The file form of this data set; `None` for a set loaded without a known source.
    pub fn reference(&self) -> Option<DatasetRef> {
        match &self.choice {
            DatasetChoice::Synth(kind) => Some(DatasetRef::Synth(crate::data::SynthConfig {
                kind: *kind,
                ..self.synth
            })),
            DatasetChoice::Iris => Some(DatasetRef::Iris {
                train_ratio: self.synth.train_ratio,
                seed: self.synth.seed,
            }),
            DatasetChoice::Mnist => Some(DatasetRef::Mnist),
            DatasetChoice::Loaded(_) => self.source.clone(),
        }
    }
}

/// The window settings an experiment's data reference, training configuration and view
/// settings stand for. A file data set needs `loaded` (its data, read beforehand).
pub fn settings_from_experiment(
    experiment: &Experiment,
    loaded: Option<Arc<Dataset>>,
) -> Option<Settings> {
    let mut data = DataSettings::synth(crate::data::SynthKind::Circle);
    match &experiment.dataset {
        DatasetRef::Synth(config) => {
            data = DataSettings::synth(config.kind);
            data.synth = *config;
        }
        DatasetRef::Iris { train_ratio, seed } => {
            data.choice = DatasetChoice::Iris;
            data.synth.train_ratio = *train_ratio;
            data.synth.seed = *seed;
        }
        DatasetRef::Mnist => data.choice = DatasetChoice::Mnist,
        DatasetRef::File { .. } => {
            data.choice = DatasetChoice::Loaded(loaded?);
            data.source = Some(experiment.dataset.clone());
        }
    }
    let view = &experiment.view;
    Some(Settings {
        data,
        train: experiment.train.clone(),
        speed: (!view.full_speed).then_some(view.steps_per_second),
    })
}

impl GradscopeApp {
    /// Stores the settings (as an experiment file without weights) and the recent files.
    pub(super) fn save_to(&self, storage: &mut dyn eframe::Storage) {
        if let Ok(experiment) = self.experiment() {
            storage.set_string(STORAGE_SETTINGS, experiment.to_json());
        }
        if let Ok(recent) = serde_json::to_string(&self.recent) {
            storage.set_string(STORAGE_RECENT, recent);
        }
        rescale_saved_window(storage, self.presentation.saved_size_factor());
    }
}

/// The settings and recent files of the last session, from eframe's storage. A data file of
/// the last session is not read at start-up (it may be large): its path goes to the top of
/// the recent list instead, and the built-in data set and default network are used.
pub fn restore(storage: &dyn eframe::Storage) -> (Option<Settings>, Vec<PathBuf>) {
    let mut recent: Vec<PathBuf> = storage
        .get_string(STORAGE_RECENT)
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let settings = storage.get_string(STORAGE_SETTINGS).and_then(|text| {
        let experiment = Experiment::from_json("saved settings", text.as_bytes()).ok()?;
        if let DatasetRef::File { path, .. } = &experiment.dataset {
            recent.retain(|p| p != path);
            recent.insert(0, path.clone());
            return None;
        }
        settings_from_experiment(&experiment, None)
    });
    (settings, recent)
}
