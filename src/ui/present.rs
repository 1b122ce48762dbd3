//! Presentation mode, keyboard shortcuts and the Help window.
//!
//! Presentation mode is for a projector: the whole UI is zoomed by [`PRESENTATION_ZOOM`]
//! (text, plots and their labels alike), colours switch to a high-contrast dark theme with
//! white text and thicker strokes, and the control panel hides its advanced controls (file
//! opening, optimizer constants, epochs and seed). `F` toggles it.

use eframe::egui::{self, Color32, Key, Stroke};

use crate::ui::action::Action;
use crate::ui::panel::Panel;
use crate::ui::state::View;

/// UI zoom factor in presentation mode (1.0 = the system's normal size).
pub const PRESENTATION_ZOOM: f32 = 1.5;

/// Something a key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    /// Space: play or pause.
    PlayPause,
    /// →: one step (or the next phase when the backprop stepper is open).
    Step,
    /// ←: the previous phase of the backprop stepper.
    Back,
    /// R: reset to the seed's initial weights.
    Reset,
    /// F: presentation mode on or off.
    Presentation,
    /// H or F1: the Help window.
    Help,
}

/// Every shortcut with its key and what the Help window says about it.
pub const SHORTCUTS: [(Shortcut, Key, &str, &str); 7] = [
    (Shortcut::PlayPause, Key::Space, "Space", "play / pause"),
    (
        Shortcut::Step,
        Key::ArrowRight,
        "→",
        "one step (in the backprop stepper: next phase)",
    ),
    (
        Shortcut::Back,
        Key::ArrowLeft,
        "←",
        "backprop stepper: previous phase",
    ),
    (
        Shortcut::Reset,
        Key::R,
        "R",
        "reset to the same initial weights (same seed)",
    ),
    (
        Shortcut::Presentation,
        Key::F,
        "F",
        "presentation mode (zoom, high contrast, fewer controls)",
    ),
    (
        Shortcut::Help,
        Key::H,
        "H",
        "this help (again, or Esc, to close it)",
    ),
    (Shortcut::Help, Key::F1, "F1", "this help"),
];

/// The shortcuts pressed this frame, in [`SHORTCUTS`] order. Nothing while a text field
/// (or another widget that takes keys) has the keyboard, so typing "r" in a path never
/// resets the run. Keys with Ctrl/Alt/Cmd held are left to the system.
pub fn pressed_shortcuts(ctx: &egui::Context) -> Vec<Shortcut> {
    if ctx.egui_wants_keyboard_input() {
        return Vec::new();
    }
    ctx.input(|input| {
        if input.modifiers.ctrl || input.modifiers.alt || input.modifiers.command {
            return Vec::new();
        }
        let mut pressed = Vec::new();
        for (shortcut, key, _, _) in SHORTCUTS {
            if input.key_pressed(key) && !pressed.contains(&shortcut) {
                pressed.push(shortcut);
            }
        }
        pressed
    })
}

/// Presentation mode and the Help window.
#[derive(Debug)]
pub struct Presentation {
    on: bool,
    /// Zoom in force before presentation mode started.
    normal_zoom: f32,
    /// Theme in force before presentation mode started.
    normal_style: Option<std::sync::Arc<egui::Style>>,
    /// Whether the Help window is shown.
    pub help_open: bool,
}

impl Default for Presentation {
    fn default() -> Self {
        Presentation {
            on: false,
            normal_zoom: 1.0,
            normal_style: None,
            help_open: false,
        }
    }
}

impl Presentation {
    /// True in presentation mode.
    pub fn is_on(&self) -> bool {
        self.on
    }

    /// Turns presentation mode on or off: zoom and theme change at once, and are restored
    /// to what they were before when it ends.
    pub fn set(&mut self, ctx: &egui::Context, on: bool) {
        if on == self.on {
            return;
        }
        self.on = on;
        if on {
            self.normal_zoom = ctx.zoom_factor();
            self.normal_style = Some(ctx.global_style());
            ctx.set_zoom_factor(PRESENTATION_ZOOM);
            let mut style = (*ctx.global_style()).clone();
            style.visuals = high_contrast_visuals();
            ctx.set_global_style(style);
        } else {
            ctx.set_zoom_factor(self.normal_zoom);
            if let Some(style) = self.normal_style.take() {
                ctx.set_global_style((*style).clone());
            }
        }
    }

    /// What a window size stored at the zoom in force must be multiplied by to be the size
    /// at the normal zoom: presentation zoom / normal zoom while on, else 1.
    pub fn saved_size_factor(&self) -> f32 {
        if self.on {
            PRESENTATION_ZOOM / self.normal_zoom
        } else {
            1.0
        }
    }

    /// Switches presentation mode.
    pub fn toggle(&mut self, ctx: &egui::Context) {
        self.set(ctx, !self.on);
    }
}

impl Panel for Presentation {
    /// The Help window (when open): a first lesson, the panels, the notation and the keys.
    fn ui(&mut self, ui: &mut egui::Ui, _view: &View<'_>) -> Option<Action> {
        let ctx = ui.ctx().clone();
        let mut open = self.help_open;
        // Escape closes it (H and F1 toggle it, see `shortcuts`).
        if open && ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
            open = false;
        }
        let height = (ctx.content_rect().height() * 0.8).max(200.0);
        egui::Window::new("Help")
            .open(&mut open)
            .collapsible(false)
            .default_width(560.0)
            .show(&ctx, |ui| {
                egui::ScrollArea::vertical()
                    .max_height(height)
                    .show(ui, |ui| {
                        let keys: Vec<(&str, &str)> = SHORTCUTS
                            .iter()
                            .map(|&(_, _, key, what)| (key, what))
                            .collect();
                        crate::ui::help::contents(ui, &keys);
                    });
            });
        self.help_open = open;
        None
    }
}

/// Dark theme with white text, black backgrounds and thicker strokes, for projectors.
fn high_contrast_visuals() -> egui::Visuals {
    let mut visuals = egui::Visuals::dark();
    visuals.override_text_color = Some(Color32::WHITE);
    visuals.panel_fill = Color32::BLACK;
    visuals.window_fill = Color32::from_gray(12);
    visuals.extreme_bg_color = Color32::BLACK;
    visuals.faint_bg_color = Color32::from_gray(28);
    visuals.window_stroke = Stroke::new(2.0, Color32::WHITE);
    visuals.selection.bg_fill = Color32::from_rgb(0, 90, 200);
    visuals.selection.stroke = Stroke::new(2.0, Color32::WHITE);
    for widget in [
        &mut visuals.widgets.noninteractive,
        &mut visuals.widgets.inactive,
        &mut visuals.widgets.hovered,
        &mut visuals.widgets.active,
        &mut visuals.widgets.open,
    ] {
        widget.fg_stroke = Stroke::new(2.0, Color32::WHITE);
        widget.bg_stroke.width = widget.bg_stroke.width.max(1.5);
    }
    visuals.widgets.noninteractive.bg_stroke = Stroke::new(1.5, Color32::from_gray(160));
    visuals
}
