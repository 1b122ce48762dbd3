//! What the worker says reaches the view models here: events are drained with a time budget,
//! the newest snapshot is picked up, and the worker wakes the window through egui's context.

use std::time::{Duration, Instant};

use eframe::egui;

use super::GradscopeApp;
use crate::train::{Event, Waker};
use crate::ui::state::Banner;

/// egui's context as the worker's waker: a burst of events within 10 ms costs one repaint.
impl Waker for egui::Context {
    fn wake(&self) {
        self.request_repaint_after(Duration::from_millis(10));
    }
}

impl GradscopeApp {
    /// Drains worker events for at most ~10 ms so a flood never freezes a frame, then takes
    /// the newest snapshot if one has arrived.
    pub(super) fn drain_events(&mut self, ctx: &egui::Context) {
        let budget = Instant::now();
        while let Some(event) = self.lab.worker.try_event() {
            self.apply_event(event);
            if budget.elapsed() > Duration::from_millis(10) {
                ctx.request_repaint();
                break;
            }
        }
        self.lab.drain_background(Duration::from_millis(5));
        let snapshots = self.lab.snapshot_source();
        let generation = snapshots.generation();
        if generation != self.lab.run.snapshot_generation {
            let latest = snapshots.latest();
            self.lab.run.snapshot_generation = generation;
            self.lab.run.snapshot = latest;
        }
    }

    fn apply_event(&mut self, event: Event) {
        let lab = &mut self.lab;
        let run = &mut lab.run;
        match event {
            Event::SessionStarted { steps_per_epoch } => {
                lab.doctor.clear();
                run.losses.clear();
                run.evals.clear();
                run.step = 0;
                run.epoch = 0;
                run.steps_per_epoch = steps_per_epoch;
                run.clock.clear();
                run.changes.clear();
            }
            Event::Steps(_)
            | Event::Progress { .. }
            | Event::Eval(_)
            | Event::State(_)
            | Event::Rewound { .. } => super::runs::apply_run_event(run, &event),
            Event::Finished { epochs } => lab.banner = Some(Banner::Finished(epochs)),
            Event::Diverged {
                message, remedies, ..
            } => lab.banner = Some(Banner::Diverged(message, remedies)),
            Event::Error(message) => lab.banner = Some(Banner::Error(message)),
            Event::Panicked(message) => lab.banner = Some(Banner::Crashed(message)),
            Event::StoppedEarly(stop) => lab.banner = Some(Banner::StoppedEarly(stop)),
            Event::Health(report) => lab.doctor.apply(&report),
            Event::GradCheck(report) => self.panels.gradcheck.set_report(*report),
            Event::Checkpoints(list) => {
                if let Some(entry) = lab.runs.selected_entry_mut() {
                    entry.checkpoints = list;
                }
            }
        }
    }
}
