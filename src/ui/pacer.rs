//! [`Pacer`]: turns wall-clock time into whole steps for the views that step on the UI thread
//! (the gradient-descent lesson and the optimizer race: each step costs microseconds).

use std::time::{Duration, Instant};

use eframe::egui;

use crate::ui::typeset::text_width;

/// Most time the panel spends stepping per frame.
pub const FRAME_BUDGET: Duration = Duration::from_millis(8);

/// Turns wall-clock time into whole steps at a steps-per-second pace, shared by the lesson and
/// the race (both step on the UI thread).
#[derive(Debug, Default)]
pub struct Pacer {
    last_frame: Option<Instant>,
    /// Fraction of a step owed from earlier frames.
    carry: f64,
}

impl Pacer {
    /// Steps due now: `steps_per_second` × the time since the last call (at most 0.1 s, so a
    /// stalled frame does not trigger a burst), plus the fraction carried over. Nothing, and no
    /// carry, while paused.
    pub fn steps_due(&mut self, playing: bool, steps_per_second: f64) -> usize {
        let now = Instant::now();
        let elapsed = self
            .last_frame
            .map_or(0.0, |t| now.duration_since(t).as_secs_f64().min(0.1));
        self.last_frame = Some(now);
        if !playing {
            self.carry = 0.0;
            return 0;
        }
        self.carry += steps_per_second.max(0.0) * elapsed;
        let due = self.carry.floor();
        self.carry -= due;
        due as usize
    }

    /// Forgets the carried fraction (after a reset).
    pub fn clear(&mut self) {
        self.carry = 0.0;
    }
}

impl Pacer {
    /// Calls `step` for the steps due now (see [`Pacer::steps_due`]) until it returns false
    /// (stopped) or [`FRAME_BUDGET`] is spent, and keeps the window repainting while the view
    /// is still playing.
    pub fn advance(
        &mut self,
        ctx: &egui::Context,
        playing: bool,
        steps_per_second: f64,
        mut step: impl FnMut() -> bool,
    ) {
        let due = self.steps_due(playing, steps_per_second);
        let budget = Instant::now();
        let mut still_playing = playing;
        for _ in 0..due {
            if !still_playing || budget.elapsed() > FRAME_BUDGET {
                break;
            }
            still_playing = step();
        }
        if still_playing {
            ctx.request_repaint();
        }
    }
}

/// A Play or Pause button (`playing` shows Pause) as wide as the wider of the two words, so
/// that the controls after it stay put when it changes (they moved 16 pixels on a projector
/// at each press).
pub fn play_pause_button(ui: &mut egui::Ui, playing: bool) -> egui::Response {
    let widest = ["Play", "Pause"]
        .iter()
        .map(|word| text_width(ui, word, egui::TextStyle::Button))
        .fold(0.0, f32::max);
    let width = widest + 2.0 * ui.spacing().button_padding.x;
    let label = if playing { "Pause" } else { "Play" };
    ui.add(egui::Button::new(label).min_size(egui::vec2(width, 0.0)))
}

/// A view with Play/Pause, Step and Reset buttons, which Space, → and R press too: the
/// gradient-descent lesson and the optimizer race (stepped on the UI thread) and the memory's
/// recall (stepped on its own thread).
pub trait SteppedView {
    /// Play, or pause (a run that cannot go on stays paused).
    fn play_pause(&mut self);
    /// Pauses and takes exactly one step.
    fn step_paused(&mut self);
    /// Back to the start, paused.
    fn reset(&mut self);
}
