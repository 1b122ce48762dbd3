//! The window: [`GradscopeApp`] and one file per panel. Panels only read snapshots and the
//! worker's events, and hand back actions; they never touch the model.

pub mod app;
pub mod boundary;
pub mod colormap;
pub mod confusion;
pub mod controls;
pub mod doctor;
pub mod features;
pub mod files;
pub mod gradcheck;
pub mod import;
pub mod kernels;
pub mod lesson;
pub mod loss;
pub mod network;
pub mod plot_axes;
pub mod present;
pub mod race;
pub mod stepper;
pub mod weights;

pub use app::{
    AppMode, AppOptions, Banner, DataSettings, DatasetChoice, GradscopeApp, RunView,
    ScreenshotPlan, Settings, restore, settings_from_experiment,
};
