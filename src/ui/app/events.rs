//! What the worker says reaches the view models here: events are drained with a time budget,
//! the newest snapshot is picked up, and the worker wakes the window through egui's context.

use std::time::{Duration, Instant};

use eframe::egui;

use super::GradscopeApp;
use crate::train::{Event, RunState, Waker};
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
        let snapshots = self.lab.worker.snapshots();
        let generation = snapshots.generation();
        if generation != self.lab.run.snapshot_generation {
            self.lab.run.snapshot_generation = generation;
            self.lab.run.snapshot = snapshots.latest();
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
                if let Some(history) = lab.pending_history.take() {
                    run.losses = history.loss_history(crate::train::LOSS_HISTORY_CAPACITY);
                    run.evals = history.eval_records();
                }
            }
            Event::Steps(steps) => {
                for (i, &loss) in steps.losses.iter().enumerate() {
                    run.losses.push(steps.first_step + i as u64, loss);
                }
            }
            Event::Progress { step, epoch } => {
                run.step = step;
                run.epoch = epoch;
            }
            Event::Eval(record) => run.evals.push(record),
            Event::State(state) => run.running = state == RunState::Running,
            Event::Finished { epochs } => lab.banner = Some(Banner::Finished(epochs)),
            Event::Diverged { message, .. } => lab.banner = Some(Banner::Diverged(message)),
            Event::Error(message) => lab.banner = Some(Banner::Error(message)),
            Event::Panicked(message) => lab.banner = Some(Banner::Crashed(message)),
            Event::StoppedEarly(stop) => lab.banner = Some(Banner::StoppedEarly(stop)),
            Event::Health(report) => lab.doctor.apply(&report),
            Event::GradCheck(report) => self.panels.gradcheck.set_report(*report),
            // The runs panel (issue 15) reads these; the single-run lab has no timeline yet.
            Event::Checkpoints(_) | Event::Rewound { .. } => {}
        }
    }
}
