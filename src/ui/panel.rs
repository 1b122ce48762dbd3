//! [`Panel`]: the one shape every panel of the window is drawn through.

use eframe::egui;

use crate::ui::action::Action;
use crate::ui::state::View;

/// A part of the window. It keeps only its own widget state (a selected tab, a zoom, a
/// texture), reads everything else from the [`View`], and says what it wants done by
/// returning an [`Action`], which the App carries out. Panels that open a window of their
/// own (the stepper, the wizard, the help) draw it through `ui.ctx()`.
pub trait Panel {
    /// Draws the panel into `ui` for this frame.
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>) -> Option<Action>;
}
