//! The window: [`GradscopeApp`] and one file per panel.
//!
//! - [`state`]: the view models (settings, what the worker reported, banners, the mode) and
//!   [`View`], the read-only bundle each panel is drawn from.
//! - [`Panel`]: the one shape of every panel: `ui(&mut self, ui, &View) -> Option<Action>`.
//! - [`Action`]: what a panel asks for; the App carries it out in one place (`app/actions.rs`).
//! - [`app`]: the App (worker events, actions, layout, screenshots, files), [`launch`]: the
//!   native window from the command line's arguments.
//!
//! Panels never touch the model or the worker: they read the newest snapshot and the
//! worker's events through the View. The import wizard is the one panel that starts
//! background work (reading a data file on its own thread), and the "Save & open" window runs
//! the system file dialog on one.

pub mod action;
pub mod app;
pub mod bench;
pub mod boundary;
pub mod canvas;
pub mod colormap;
pub mod confusion;
pub mod controls;
pub mod decimate;
pub mod doctor;
pub mod edges;
pub mod fade;
pub mod features;
pub mod files;
pub mod format;
pub mod gradcheck;
pub mod help;
pub mod import;
pub mod kernels;
pub mod labelplace;
pub mod launch;
pub mod lesson;
pub mod loss;
pub mod memory;
pub mod network;
pub mod pacer;
pub mod panel;
pub mod pixel;
pub mod plot;
pub mod present;
pub mod probe;
pub mod race;
pub mod runclock;
pub mod runcurves;
pub mod runlist;
pub mod runplot;
pub mod runs;
pub mod seedgroup;
pub mod signals;
pub mod smoothing;
pub mod startenv;
pub mod state;
pub mod stepper;
pub mod typeset;
pub mod weights;

pub use action::Action;
pub use app::{AppOptions, GradscopeApp, ScreenshotPlan, restore, settings_from_experiment};
pub use panel::Panel;
pub use state::{AppMode, Banner, DataSettings, DatasetChoice, RunView, Settings, View};
