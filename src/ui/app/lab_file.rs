//! The lab's runs to and from an experiment file: Save experiment asks every run's worker for
//! its state and writes each run with its name, colour, settings, weights, `resume` block,
//! history, summary and lineage; opening a file starts one worker per run and puts the runs
//! back in the Runs tab. A damaged run is left out with its reason in the message strip; the
//! others open.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

use eframe::egui;

use super::{GradscopeApp, Lab};
use crate::data::{Dataset, ImportReport};
use crate::experiment::runs::color_text;
use crate::experiment::{
    DatasetRef, Experiment, History, ResumeState, RunParent, RunSummary, SavedRun, SavedWeights,
};
use crate::train::{
    Captured, CheckpointList, Command, Event, ResumePoint, SessionSetup, ViewRequest, Worker,
};
use crate::ui::runlist::{RUN_COLORS, RunList};
use crate::ui::state::{Banner, RunView};

/// How long a run's worker may take to answer a capture before the file is written without
/// its weights.
const CAPTURE_TIMEOUT: Duration = Duration::from_secs(5);

/// Captures on their way from every run's worker, for one Save experiment.
pub(super) struct SaveAll {
    path: PathBuf,
    started: Instant,
    pending: Vec<(u64, Receiver<Captured>)>,
    done: HashMap<u64, Captured>,
}

/// An experiment file read on a background thread: the file, its runs that passed every check
/// with their data, and the messages of the damaged ones.
pub(super) struct OpenedLab {
    pub(super) experiment: Experiment,
    pub(super) runs: Vec<(SavedRun, Arc<Dataset>)>,
    pub(super) damaged: Vec<String>,
    /// The importer's report on the file's own data set (for data read from a file), with
    /// that data set.
    pub(super) report: Option<(Arc<Dataset>, ImportReport)>,
}

/// Reads the data of every run of `experiment` and checks each run against it (weights that
/// fit, `resume` counters that fit the split). Runs that fail are reported by name.
///
/// # Errors
/// When no run can be opened: the file's data cannot be loaded, or every run is damaged (the
/// first reason).
pub(super) fn open_lab(experiment: Experiment) -> Result<OpenedLab, String> {
    let records = experiment.run_records();
    let mut damaged: Vec<String> = experiment
        .damaged_runs
        .iter()
        .map(ToString::to_string)
        .collect();
    let mut loaded: Vec<(DatasetRef, Arc<Dataset>)> = Vec::new();
    let mut report = None;
    let mut runs = Vec::new();
    for run in records {
        let reference = run.dataset.clone().unwrap_or(experiment.dataset.clone());
        let data = match loaded.iter().find(|(r, _)| *r == reference) {
            Some((_, data)) => Arc::clone(data),
            None => {
                let data = experiment
                    .with_run_record(&run)
                    .load_dataset_with_report()
                    .map_err(|e| e.to_string());
                match data {
                    Ok((data, import)) => {
                        if reference == experiment.dataset
                            && let Some(import) = import
                        {
                            report = Some((Arc::clone(&data), import));
                        }
                        loaded.push((reference, Arc::clone(&data)));
                        data
                    }
                    Err(message) if experiment.runs.is_empty() => return Err(message),
                    Err(message) => {
                        damaged.push(format!("run {:?}: {message}", run.name));
                        continue;
                    }
                }
            }
        };
        match experiment.check_run_on(&run, &data) {
            Ok(()) => runs.push((run, data)),
            Err(message) if experiment.runs.is_empty() => {
                // A file of one run: its own error, as before runs were saved.
                let file = experiment.file_name();
                let prefix = format!("{file}: run \"run 1\": ");
                return Err(match message.strip_prefix(&prefix) {
                    Some(rest) => format!("{file}: {rest}"),
                    None => message,
                });
            }
            Err(message) => damaged.push(message),
        }
    }
    if runs.is_empty() {
        return Err(damaged
            .first()
            .cloned()
            .unwrap_or_else(|| format!("{}: the file holds no run", experiment.file_name())));
    }
    Ok(OpenedLab {
        experiment,
        runs,
        damaged,
        report,
    })
}

/// A saved run on its new worker, with the curves and checkpoints it reported.
type Started = (SavedRun, Arc<Dataset>, Worker, (RunView, CheckpointList));

/// Spawns a worker for a saved run on `data` with `views`: the run's weights, counters and (with
/// a `resume` block) optimizer state and batch position, and its saved curves.
fn spawn_saved(
    ctx: &egui::Context,
    data: Arc<Dataset>,
    run: &SavedRun,
    experiment: &Experiment,
    views: ViewRequest,
) -> Result<(Worker, RunView, CheckpointList), String> {
    let setup = SessionSetup {
        data: Arc::clone(&data),
        config: run.train.clone(),
    };
    let worker = Worker::spawn(setup, views, Arc::new(ctx.clone()));
    let mut view = RunView::default();
    // The worker's first word is its session's start (or why it could not start); the saved
    // curves go in after it, since a start clears the curves.
    match worker.wait_event(Duration::from_secs(10)) {
        Some(Event::SessionStarted { steps_per_epoch }) => view.steps_per_epoch = steps_per_epoch,
        Some(Event::Error(message)) => return Err(format!("run {:?}: {message}", run.name)),
        _ => return Err(format!("run {:?}: its session did not start", run.name)),
    }
    if let Some(history) = &run.history {
        view.losses = history.loss_history(crate::train::LOSS_HISTORY_CAPACITY);
        view.evals = history.eval_records();
    }
    let params = experiment
        .with_run_record(run)
        .saved_params(&data)
        .map_err(|e| e.to_string())?;
    if let (Some(params), Some(weights)) = (params, &run.weights) {
        worker.send(Command::LoadParams(params));
        match &run.resume {
            Some(resume) => {
                let optimizer = resume.optimizer_export()?;
                worker.send(Command::Resume(Box::new(ResumePoint {
                    step: resume.step,
                    epoch: resume.epoch,
                    position: resume.batch,
                    optimizer,
                })));
            }
            None => worker.send(Command::SetCounters {
                step: weights.step,
                epoch: weights.epoch,
            }),
        }
    }
    // Take in what the worker says until it stands at the saved step, so that no stale
    // counter is left in its queue and a failed resume counts the run as damaged.
    let target = run.weights.as_ref().map_or(0, |w| w.step);
    let mut checkpoints = CheckpointList::default();
    let deadline = Instant::now() + Duration::from_secs(10);
    while let Some(event) = worker.wait_event(deadline.saturating_duration_since(Instant::now())) {
        match &event {
            Event::Error(message) => return Err(format!("run {:?}: {message}", run.name)),
            Event::Checkpoints(list) => checkpoints = list.clone(),
            // The saved history has the evaluations (the worker's, of the loaded weights at
            // the counters of the moment, would add points the run never had).
            Event::Eval(_) if run.history.is_some() => {}
            _ => super::runs::apply_run_event(&mut view, &event),
        }
        if matches!(event, Event::Progress { step, .. } if step == target)
            && (run.weights.is_none() || checkpoints.steps.last() == Some(&target))
        {
            break;
        }
    }
    restore_times(&mut view, run, target);
    Ok((worker, view, checkpoints))
}

/// Puts a reopened run's times and setting changes back: its saved clock, or (a file saved
/// without times) a note that its steps up to `target` have none. The worker's evaluation at
/// `target`, still on its way, is skipped: the saved history is the run's.
fn restore_times(view: &mut RunView, run: &SavedRun, target: u64) {
    view.changes = run.changes.clone();
    if run.history.is_none() {
        return;
    }
    view.skip_eval_at = Some(target);
    match &run.clock {
        Some(clock) => {
            view.clock = crate::ui::runclock::RunClock::from_saved(clock, view.steps_per_epoch);
        }
        None => view.clock.set_untimed_through(target),
    }
}

impl Lab {
    /// Replaces every run with the runs of `opened` (the selected one as saved, else the
    /// first), each on its own worker; returns the messages of runs that could not start.
    pub(super) fn load_runs(
        &mut self,
        ctx: &egui::Context,
        opened: &OpenedLab,
        settings_of: impl Fn(&SavedRun, &Arc<Dataset>) -> Option<crate::ui::state::Settings>,
    ) -> Vec<String> {
        let experiment = &opened.experiment;
        let selected_id = experiment
            .selected_run
            .filter(|id| opened.runs.iter().any(|(r, _)| r.id == *id))
            .or_else(|| opened.runs.first().map(|(r, _)| r.id));
        let mut failed = Vec::new();
        let mut started: Vec<Started> = Vec::new();
        for (run, data) in &opened.runs {
            let selected = Some(run.id) == selected_id;
            let views = if selected {
                self.views.clone()
            } else {
                super::runs::background_views()
            };
            match spawn_saved(ctx, Arc::clone(data), run, experiment, views) {
                Ok((worker, view, checkpoints)) => {
                    worker.send(Command::SetSpeed(self.settings.speed));
                    started.push((run.clone(), Arc::clone(data), worker, (view, checkpoints)));
                }
                Err(message) => failed.push(format!("{}: {message}", experiment.file_name())),
            }
        }
        let Some(selected_index) = started
            .iter()
            .position(|(r, ..)| Some(r.id) == selected_id)
            .or(if started.is_empty() { None } else { Some(0) })
        else {
            return failed;
        };
        let (run, data, ..) = &started[selected_index];
        let Some(settings) = settings_of(run, data) else {
            return failed;
        };
        self.background.clear();
        let mut list = RunList::new(&settings, data);
        list.entries.clear();
        let mut ids: HashMap<u64, u64> = HashMap::new();
        for (index, (run, data, worker, (view, checkpoints))) in started.into_iter().enumerate() {
            let run_settings = settings_of(&run, &data).unwrap_or_else(|| settings.clone());
            let parent = run
                .parent
                .and_then(|p| ids.get(&p.id).map(|&id| (id, p.step)));
            let id = list.add(&run_settings, &data, parent);
            ids.insert(run.id, id);
            if let Some(entry) = list.entry_mut(id) {
                entry.name = run.name.clone();
                entry.ticked = run.ticked;
                entry.first_step = run.parent.map_or(0, |p| p.step);
                entry.checkpoints = checkpoints;
                if let Some([r, g, b]) = run.rgb() {
                    entry.color = egui::Color32::from_rgb(r, g, b);
                } else {
                    entry.color = RUN_COLORS[index % RUN_COLORS.len()];
                }
            }
            if index == selected_index {
                list.selected = id;
                self.worker = worker;
                self.run = view;
                self.settings = run_settings;
                self.data = data;
            } else {
                if let Some(entry) = list.entry_mut(id) {
                    entry.run = view;
                }
                self.background.push((id, worker));
            }
        }
        self.runs = list;
        self.doctor.clear();
        failed
    }

    /// Sends a capture request to every run's worker.
    fn capture_all(&self) -> Vec<(u64, Receiver<Captured>)> {
        let mut pending = Vec::new();
        let workers = std::iter::once((self.runs.selected, &self.worker))
            .chain(self.background.iter().map(|(id, w)| (*id, w)));
        for (id, worker) in workers {
            let (tx, rx) = mpsc::channel();
            worker.send(Command::Capture(tx));
            pending.push((id, rx));
        }
        pending
    }
}

impl GradscopeApp {
    /// Starts Save experiment with weights: every run's worker is asked for its state;
    /// [`GradscopeApp::poll_save_all`] writes the file when they have all answered.
    pub(super) fn save_all_runs(&mut self, path: PathBuf) {
        self.file_jobs.save_all = Some(SaveAll {
            path,
            started: Instant::now(),
            pending: self.lab.capture_all(),
            done: HashMap::new(),
        });
    }

    /// Collects the captures of a Save experiment; writes the file once every run has
    /// answered (a run whose worker has no session, or takes longer than 5 s, is saved without
    /// weights).
    pub(super) fn poll_save_all(&mut self, ctx: &egui::Context) {
        let Some(job) = &mut self.file_jobs.save_all else {
            return;
        };
        let timed_out = job.started.elapsed() > CAPTURE_TIMEOUT;
        let done = &mut job.done;
        job.pending.retain(|(id, rx)| match rx.try_recv() {
            Ok(captured) => {
                done.insert(*id, captured);
                false
            }
            Err(TryRecvError::Disconnected) => false,
            Err(TryRecvError::Empty) => !timed_out,
        });
        if !job.pending.is_empty() {
            ctx.request_repaint_after(Duration::from_millis(30));
            return;
        }
        let Some(job) = self.file_jobs.save_all.take() else {
            return;
        };
        match self.lab_experiment(Some(job.done)) {
            Ok(experiment) => {
                let path = job.path;
                let runs = experiment.runs.len();
                self.write_in_background(ctx, move || {
                    let mut experiment = experiment;
                    experiment
                        .save(&path)
                        .map(|()| match runs {
                            1 => format!("saved {} (with weights)", path.display()),
                            _ => format!("saved {} ({runs} runs, with weights)", path.display()),
                        })
                        .map_err(|e| e.to_string())
                });
            }
            Err(message) => self.panels.files.status = Some(Err(message)),
        }
    }

    /// The lab as an experiment: the selected run at the top level and every run in `runs`.
    /// With `captures` (by run id), each captured run has its weights, `resume` block and
    /// history; without, only settings, lineage and summary.
    ///
    /// # Errors
    /// When a run's data set has no file form.
    pub(super) fn lab_experiment(
        &self,
        captures: Option<HashMap<u64, Captured>>,
    ) -> Result<Experiment, String> {
        let mut experiment = self.experiment()?;
        let lab = &self.lab;
        for entry in &lab.runs.entries {
            let selected = entry.id == lab.runs.selected;
            let settings = lab.runs.settings_of(entry, &lab.settings);
            let view = lab.runs.run_of(entry, &lab.run);
            let data = if selected { &lab.data } else { &entry.data };
            let dataset = settings.data.reference().ok_or_else(|| {
                format!(
                    "the data set {:?} of {} has no file reference, so it cannot be saved",
                    data.name, entry.name
                )
            })?;
            let captured = captures.as_ref().and_then(|c| c.get(&entry.id));
            let history = History::new(&view.losses, &view.evals);
            // Captured weights are those of `captured.step`; the window may have more history.
            let (history, step, epoch) = match captured {
                Some(c) => (history.up_to(c.step), c.step, c.epoch),
                None => (history, view.step, view.epoch),
            };
            let [r, g, b, _] = entry.color.to_array();
            let mut run = SavedRun {
                id: entry.id,
                name: entry.name.clone(),
                color: Some(color_text([r, g, b])),
                ticked: entry.ticked,
                parent: entry.parent.map(|(id, step)| RunParent { id, step }),
                dataset: (dataset != experiment.dataset).then_some(dataset),
                train: settings.train.clone(),
                weights: None,
                resume: None,
                history: None,
                summary: RunSummary::of(&history, step, epoch),
                clock: None,
                changes: view
                    .changes
                    .iter()
                    .filter(|c| c.step <= step)
                    .cloned()
                    .collect(),
            };
            if let Some(captured) = captured {
                run.train = captured.config.clone();
                run.weights = Some(SavedWeights::from_params(
                    &captured.spec,
                    &captured.params,
                    captured.step,
                    captured.epoch,
                ));
                run.resume = Some(resume_of(captured));
                run.history = Some(history);
                run.clock = view.clock.to_saved().map(|clock| clock.up_to(step));
            }
            if selected {
                experiment = experiment.with_run_record(&run);
                if run.dataset.is_some() {
                    // The selected run's data is the file's own.
                    run.dataset = None;
                }
            }
            experiment.runs.push(run);
        }
        experiment.selected_run = Some(lab.runs.selected);
        let spec = lab.settings.train.model_spec(&lab.data);
        experiment.preprocessing = spec.ok().and_then(|spec| self.preprocessing(spec.input));
        Ok(experiment)
    }

    /// Puts the runs of an opened file in the lab (see [`Lab::load_runs`]) and says in the
    /// message strip which runs could not be opened.
    pub(super) fn apply_lab(&mut self, ctx: &egui::Context, opened: &OpenedLab) -> Vec<String> {
        let experiment = &opened.experiment;
        let mut failed = opened.damaged.clone();
        failed.extend(self.lab.load_runs(ctx, opened, |run, data| {
            super::persist::settings_from_experiment(
                &experiment.with_run_record(run),
                Some(Arc::clone(data)),
            )
        }));
        let notes = experiment.run_notes.join("; ");
        if !failed.is_empty() {
            let opened_count = self.lab.runs.entries.len();
            let notes = if notes.is_empty() {
                notes
            } else {
                format!("; {notes}")
            };
            self.lab.banner = Some(Banner::Error(format!(
                "{} (the other {opened_count} run{} opened){notes}",
                failed.join("; "),
                if opened_count == 1 { "" } else { "s" }
            )));
        } else if !notes.is_empty() {
            // Everything opened, but the file was not as the window writes it.
            self.lab.banner = Some(Banner::Error(notes));
        }
        failed
    }
}

/// The `resume` block of a captured run.
pub(super) fn resume_of(captured: &Captured) -> ResumeState {
    ResumeState::from_parts(
        captured.step,
        captured.epoch,
        captured.position,
        &captured.optimizer,
        &captured.config,
        captured.train_samples,
    )
}
