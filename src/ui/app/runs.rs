//! Carrying out the Runs panel's [`RunAction`]s: new runs (each with the next unused seed),
//! selecting one (its worker, curves, settings and data become the lab's; the one before trains
//! on in the background), ticking, renaming, deleting, the timeline, checkpoints, branches and
//! rewinds; and draining the background runs' events.
//!
//! Picking a step on the timeline pauses the selected run and shows its model as it was at that
//! checkpoint: a [`Preview`] worker is started from the checkpoint (paused) and the panels
//! draw its snapshots (decision boundary, heatmaps, network view) while the loss plot marks the
//! step. Play, picking another run or starting one returns to the live model. "Branch from
//! here" starts from exactly the checkpoint shown.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{GradscopeApp, Lab};
use crate::train::worker::SnapshotSlot;
use crate::train::{
    BranchSetup, Checkpoint, Command, Event, LossHistory, RunState, SessionSetup, Worker,
};
use crate::ui::runlist::RunAction;
use crate::ui::state::{Banner, RunView};

/// What a background run's worker builds: nothing heavy (only the selected run's panels draw).
pub(super) fn background_views() -> crate::train::ViewRequest {
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
            run.changes.clear();
        }
        Event::Steps(steps) => {
            for (i, &loss) in steps.losses.iter().enumerate() {
                run.losses.push(steps.first_step + i as u64, loss);
            }
        }
        Event::Progress { step, epoch } => {
            if run.skip_eval_at.is_some_and(|skip| *step > skip) {
                run.skip_eval_at = None;
            }
            run.step = *step;
            run.epoch = *epoch;
            run.clock.record(
                *step,
                *epoch,
                run.steps_per_epoch,
                run.running,
                Instant::now(),
            );
        }
        Event::Eval(record) => {
            if run.skip_eval_at == Some(record.step) {
                run.skip_eval_at = None;
            } else if run.evals.last().is_none_or(|last| last.step < record.step) {
                // One evaluation per step, in step order: a second one at a step the history
                // has (after a rewind, or a reopened run's) is the same model again.
                run.evals.push(*record);
            }
        }
        Event::State(state) => {
            run.running = *state == RunState::Running;
            let (step, epoch) = (run.step, run.epoch);
            if run.running {
                run.clock
                    .resume(step, epoch, run.steps_per_epoch, Instant::now());
            } else {
                run.clock
                    .pause(step, epoch, run.steps_per_epoch, Instant::now());
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

/// The selected run's model at a checkpoint of its timeline, on a worker of its own (paused)
/// whose snapshots the panels draw instead of the live run's.
pub(super) struct Preview {
    /// The checkpoint shown.
    checkpoint: Arc<Checkpoint>,
    /// Builds the views of the checkpoint's model.
    worker: Worker,
    /// What the message strip says meanwhile (cleared with the preview).
    message: String,
}

/// What the message strip says while the panels show a checkpoint.
pub(super) fn preview_text(step: u64, live_step: u64) -> String {
    format!(
        "showing the model at step {step} (a checkpoint); the run is paused at step {live_step}: Play goes on from there, Branch from here starts a run from step {step}"
    )
}

impl Lab {
    /// Where the panels' snapshots come from: the timeline's preview when there is one, else
    /// the selected run's worker.
    pub(super) fn snapshot_source(&self) -> &SnapshotSlot {
        match &self.preview {
            Some(preview) => preview.worker.snapshots(),
            None => self.worker.snapshots(),
        }
    }

    /// Shows the selected run's checkpoint at exactly `step` in the panels (the run pauses).
    fn show_checkpoint(&mut self, ctx: &eframe::egui::Context, step: u64) {
        let checkpoint = match &self.preview {
            Some(preview) if preview.checkpoint.step() == step => return,
            _ => self.checkpoint_at(step),
        };
        let Some(checkpoint) = checkpoint.filter(|c| c.step() == step) else {
            self.banner = Some(Banner::Error(format!(
                "the checkpoint at step {step} is no longer kept"
            )));
            return;
        };
        self.worker.send(Command::Pause);
        self.run.running = false;
        let setup = BranchSetup {
            data: Arc::clone(&self.data),
            config: checkpoint.state.config.clone(),
            checkpoint: Arc::clone(&checkpoint),
        };
        let worker = match self.preview.take() {
            Some(preview) => preview.worker,
            None => Worker::spawn(
                SessionSetup {
                    data: Arc::clone(&self.data),
                    config: checkpoint.state.config.clone(),
                },
                self.views.clone(),
                Arc::new(ctx.clone()),
            ),
        };
        worker.send(Command::SetViews(self.views.clone()));
        worker.send(Command::StartFrom(Box::new(setup)));
        let message = preview_text(step, self.run.step);
        self.banner = Some(Banner::Done(message.clone()));
        self.preview = Some(Preview {
            checkpoint,
            worker,
            message,
        });
        // Take the preview's first snapshot whatever its generation number.
        self.run.snapshot_generation = u64::MAX;
    }

    /// Back to the live model in the panels (the timeline's marker goes too).
    fn end_preview(&mut self) {
        if let Some(preview) = self.preview.take() {
            self.run.snapshot_generation = u64::MAX;
            if matches!(&self.banner, Some(Banner::Done(shown)) if *shown == preview.message) {
                self.banner = None;
            }
        }
        self.runs.timeline_step = None;
    }

    /// The smallest seed from the current one up that no run uses (a new run with the same
    /// settings then differs from the others in its seed, and the seed groups gather them).
    fn next_unused_seed(&self) -> u64 {
        let used: Vec<u64> = self
            .runs
            .entries
            .iter()
            .map(|e| self.runs.settings_of(e, &self.settings).train.seed)
            .collect();
        let mut seed = self.settings.train.seed;
        while used.contains(&seed) {
            seed = seed.wrapping_add(1);
        }
        seed
    }

    /// Moves the selected run's worker, curves, settings and data into its entry, putting
    /// `worker` (and the entry `id`'s curves, settings and data) in their place.
    fn swap_in(&mut self, id: u64, worker: Worker) -> Option<Worker> {
        self.end_preview();
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
        // The new run's settings; the selected run keeps its own (they go into its entry).
        let mut settings = self.settings.clone();
        if branch.is_none() {
            settings.train.seed = self.next_unused_seed();
        }
        let setup = SessionSetup {
            data: Arc::clone(&self.data),
            config: settings.train.clone(),
        };
        let worker = Worker::spawn(setup, self.views.clone(), Arc::new(ctx.clone()));
        worker.send(Command::SetSpeed(settings.speed));
        let parent = branch
            .as_ref()
            .map(|b| (self.runs.selected, b.checkpoint.step()));
        let running = self.run.running;
        // A branch's time goes on from its parent's at the branch step.
        let offset = parent.and_then(|(_, step)| self.run.clock.seconds_at_step(step));
        let id = self.runs.add(&settings, &self.data, parent);
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
            // The evaluation at the branch step is the parent's point, not the branch's.
            self.run.skip_eval_at = Some(step);
            self.run.clock.set_offset(offset.unwrap_or(0.0));
        }
    }

    /// Notes in the selected run's history the settings that `old` had and the lab's settings
    /// no longer have, when the run has trained under `old` (a change at its first step is not
    /// a change during training).
    pub(super) fn note_live_change(&mut self, old: &crate::train::TrainConfig) {
        let first = self.runs.selected_entry().map_or(0, |e| e.first_step);
        if self.run.step <= first {
            return;
        }
        let new = &self.settings.train;
        let pairs = [
            (
                "optimizer",
                old.optimizer.kind.name().to_string(),
                new.optimizer.kind.name().to_string(),
            ),
            (
                "learning rate",
                old.optimizer.learning_rate.to_string(),
                new.optimizer.learning_rate.to_string(),
            ),
            (
                "batch size",
                old.batch_size.to_string(),
                new.batch_size.to_string(),
            ),
            ("L2", old.l2.to_string(), new.l2.to_string()),
        ];
        for (setting, from, to) in pairs {
            if from != to {
                self.run.changes.push(crate::experiment::SettingChange {
                    step: self.run.step,
                    setting: setting.to_string(),
                    from,
                    to,
                });
            }
        }
    }

    /// The checkpoint at exactly `step` to branch from: the one the timeline shows, else the
    /// worker's (none when it has been thinned away).
    fn branch_checkpoint(&self, step: u64) -> Option<Arc<Checkpoint>> {
        match &self.preview {
            Some(preview) if preview.checkpoint.step() == step => {
                Some(Arc::clone(&preview.checkpoint))
            }
            _ => self.checkpoint_at(step).filter(|c| c.step() == step),
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
        if let Some(preview) = &self.preview {
            // Its events (start, counters, checkpoints) say nothing the panels need.
            while preview.worker.try_event().is_some() {}
            if self.run.running {
                // Play was pressed: the panels go back to the live model.
                self.end_preview();
            }
        }
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
            RunAction::Timeline(Some(step)) => {
                lab.runs.timeline_step = Some(step);
                lab.show_checkpoint(ctx, step);
            }
            RunAction::Timeline(None) => lab.end_preview(),
            RunAction::CheckpointNow => lab.worker.send(Command::CheckpointNow),
            RunAction::Rewind(step) => {
                lab.end_preview();
                lab.worker.send(Command::Restore(step));
            }
            RunAction::Branch(step) => match lab.branch_checkpoint(step) {
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
                        "the checkpoint at step {step} is no longer kept, so there is nothing to branch from"
                    )));
                }
            },
        }
    }
}
