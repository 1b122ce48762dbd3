//! Carrying out the Runs panel's [`RunAction`]s: new runs, selecting one (its worker, curves,
//! settings and data become the lab's; the one before trains on in the background), ticking,
//! renaming, deleting, the timeline, checkpoints, branches and rewinds; and draining the
//! background runs' events.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{GradscopeApp, Lab};
use crate::train::{BranchSetup, Command, Event, LossHistory, RunState, SessionSetup, Worker};
use crate::ui::runlist::RunAction;
use crate::ui::state::{Banner, RunView};

/// What a background run's worker builds: nothing heavy (only the selected run's panels draw).
fn background_views() -> crate::train::ViewRequest {
    crate::train::ViewRequest {
        weights: false,
        boundary: false,
        feature_maps: false,
        trace_sample: None,
        health: false,
        neuron_maps: false,
        ..crate::train::ViewRequest::default()
    }
}

/// The part of a worker event that every run's curves take in (the selected run's events go
/// through the App's fuller handling, which calls this too).
pub(super) fn apply_run_event(run: &mut RunView, event: &Event) {
    match event {
        Event::SessionStarted { steps_per_epoch } => {
            run.losses.clear();
            run.evals.clear();
            run.step = 0;
            run.epoch = 0;
            run.steps_per_epoch = *steps_per_epoch;
            run.clock.clear();
        }
        Event::Steps(steps) => {
            for (i, &loss) in steps.losses.iter().enumerate() {
                run.losses.push(steps.first_step + i as u64, loss);
            }
        }
        Event::Progress { step, epoch } => {
            run.step = *step;
            run.epoch = *epoch;
            run.clock
                .record(*step, *epoch, run.steps_per_epoch, Instant::now());
        }
        Event::Eval(record) => run.evals.push(*record),
        Event::State(state) => {
            run.running = *state == RunState::Running;
            if run.running {
                let (step, epoch) = (run.step, run.epoch);
                run.clock
                    .resume(step, epoch, run.steps_per_epoch, Instant::now());
            }
        }
        Event::Rewound { step, epoch } => {
            let kept: Vec<_> = run
                .losses
                .buckets()
                .iter()
                .filter(|b| b.first_step + b.count <= step + 1)
                .copied()
                .collect();
            run.losses = LossHistory::from_buckets(kept, crate::train::LOSS_HISTORY_CAPACITY);
            run.evals.retain(|e| e.step <= *step);
            run.clock.truncate(*step);
            run.step = *step;
            run.epoch = *epoch;
        }
        _ => {}
    }
}

impl Lab {
    /// Moves the selected run's worker, curves, settings and data into its entry, putting
    /// `worker` (and the entry `id`'s curves, settings and data) in their place.
    fn swap_in(&mut self, id: u64, worker: Worker) -> Option<Worker> {
        let old_id = self.runs.selected;
        let old_worker = std::mem::replace(&mut self.worker, worker);
        old_worker.send(Command::SetViews(background_views()));
        let (mut run, mut settings, mut data) = {
            let entry = self.runs.entry_mut(id)?;
            (
                std::mem::take(&mut entry.run),
                entry.settings.clone(),
                Arc::clone(&entry.data),
            )
        };
        std::mem::swap(&mut self.run, &mut run);
        std::mem::swap(&mut self.settings, &mut settings);
        std::mem::swap(&mut self.data, &mut data);
        if let Some(old) = self.runs.entry_mut(old_id) {
            old.run = run;
            old.settings = settings;
            old.data = data;
        }
        self.runs.selected = id;
        self.runs.timeline_step = None;
        self.doctor.clear();
        self.banner = None;
        self.views.boundary_axes = crate::ui::boundary::default_axes(&self.data);
        self.worker.send(Command::SetViews(self.views.clone()));
        Some(old_worker)
    }

    /// Selects run `id`: its worker comes out of the background, the selected one goes in.
    fn select_run(&mut self, id: u64) {
        if id == self.runs.selected {
            return;
        }
        let Some(index) = self.background.iter().position(|(i, _)| *i == id) else {
            return;
        };
        let (_, worker) = self.background.remove(index);
        let old_id = self.runs.selected;
        if let Some(old) = self.swap_in(id, worker) {
            self.background.push((old_id, old));
        }
    }

    /// Starts a new run (selected) with the current settings, from the seed or (`branch`)
    /// from a checkpoint of the selected run; the run selected before trains on.
    fn start_run(&mut self, ctx: &eframe::egui::Context, branch: Option<BranchSetup>) {
        let setup = SessionSetup {
            data: Arc::clone(&self.data),
            config: self.settings.train.clone(),
        };
        let worker = Worker::spawn(setup, self.views.clone(), Arc::new(ctx.clone()));
        worker.send(Command::SetSpeed(self.settings.speed));
        let parent = branch
            .as_ref()
            .map(|b| (self.runs.selected, b.checkpoint.step()));
        let running = self.run.running;
        let id = self.runs.add(&self.settings, &self.data, parent);
        if let Some(setup) = branch {
            worker.send(Command::StartFrom(Box::new(setup)));
        }
        if running && parent.is_none() {
            worker.send(Command::Play);
        }
        let old_id = self.runs.selected;
        if let Some(old) = self.swap_in(id, worker) {
            self.background.push((old_id, old));
        }
        if let Some(entry) = self.runs.selected_entry_mut() {
            entry.run = RunView::default();
        }
        self.run = RunView {
            running: running && parent.is_none(),
            ..RunView::default()
        };
        if let Some((_, step)) = parent {
            self.run.step = step;
        }
    }

    /// Asks the selected run's worker for its checkpoint at or before `step`.
    fn checkpoint_at(&self, step: u64) -> Option<Arc<crate::train::Checkpoint>> {
        let (reply, answer) = mpsc::channel();
        self.worker.send(Command::Branch(step, reply));
        answer.recv_timeout(Duration::from_secs(2)).ok()
    }

    /// Deletes run `id` (not the last one); deleting the selected run selects another.
    fn delete_run(&mut self, id: u64) {
        if self.runs.entries.len() <= 1 {
            return;
        }
        if id == self.runs.selected {
            let Some(other) = self.background.first().map(|(i, _)| *i) else {
                return;
            };
            self.select_run(other);
        }
        self.background.retain(|(i, _)| *i != id);
        self.runs.entries.retain(|e| e.id != id);
    }

    /// Drains the background runs' events, for at most `budget` in all.
    pub(super) fn drain_background(&mut self, budget: Duration) {
        let start = Instant::now();
        for (id, worker) in &self.background {
            let Some(entry) = self.runs.entries.iter_mut().find(|e| e.id == *id) else {
                continue;
            };
            while let Some(event) = worker.try_event() {
                if let Event::Checkpoints(list) = &event {
                    entry.checkpoints = list.clone();
                }
                apply_run_event(&mut entry.run, &event);
                if start.elapsed() > budget {
                    return;
                }
            }
        }
    }
}

impl GradscopeApp {
    /// Carries out one action of the Runs panel.
    pub(super) fn run_action(&mut self, ctx: &eframe::egui::Context, action: RunAction) {
        let lab = &mut self.lab;
        match action {
            RunAction::New => lab.start_run(ctx, None),
            RunAction::Select(id) => {
                lab.select_run(id);
                self.panels.boundary.data_changed();
            }
            RunAction::Tick(id, ticked) => {
                if let Some(entry) = lab.runs.entry_mut(id) {
                    entry.ticked = ticked;
                }
            }
            RunAction::ShowOnly(id) => {
                for entry in &mut lab.runs.entries {
                    entry.ticked = entry.id == id;
                }
            }
            RunAction::Rename(id, name) => {
                if let Some(entry) = lab.runs.entry_mut(id)
                    && !name.trim().is_empty()
                {
                    entry.name = name.trim().to_string();
                }
            }
            RunAction::Delete(id) => lab.delete_run(id),
            RunAction::Timeline(step) => lab.runs.timeline_step = step,
            RunAction::CheckpointNow => lab.worker.send(Command::CheckpointNow),
            RunAction::Rewind(step) => lab.worker.send(Command::Restore(step)),
            RunAction::Branch(step) => match lab.checkpoint_at(step) {
                Some(checkpoint) => {
                    let setup = BranchSetup {
                        data: Arc::clone(&lab.data),
                        checkpoint,
                        config: lab.settings.train.clone(),
                    };
                    lab.start_run(ctx, Some(setup));
                }
                None => {
                    lab.banner = Some(Banner::Error(format!(
                        "no checkpoint at or before step {step} to branch from"
                    )));
                }
            },
        }
    }
}
