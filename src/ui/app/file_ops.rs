//! How the app carries out the requests of the "Save & open" window and opens experiment
//! files (every run of the lab goes into the file and comes back from it: see
//! `app/lab_file.rs`).
//!
//! Anything slow (writing files, loading the data set of an experiment, encoding GIF frames)
//! runs on its own thread and reports back through a channel that [`GradscopeApp::poll_files`]
//! reads each frame; training never waits.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::Duration;

use eframe::egui;

use super::GradscopeApp;
use super::lab_file::{OpenedLab, SaveAll, open_lab, resume_of};
use crate::experiment::{
    DatasetRef, ExistingFiles, Experiment, History, Preprocessing, SavedWeights, ViewSettings,
    export_pytorch, load_safetensors, tensors_from_params, write_metrics_csv, write_safetensors,
};
use crate::nn::Shape;
use crate::train::{Captured, Command};
use crate::ui::action::FileRequest;
use crate::ui::files::write_anyway_message;
use crate::ui::state::Banner;

/// What to do with the weights the selected run's worker sends back.
pub(super) enum AfterCapture {
    ExportWeights(PathBuf),
    ExportPytorch(PathBuf, ExistingFiles),
}

/// An experiment file read on a background thread, with its runs and their data.
type Opened = Result<OpenedLab, String>;

/// Background work of the files window.
#[derive(Default)]
pub(super) struct FileJobs {
    capture: Option<(Receiver<Captured>, AfterCapture)>,
    /// A Save experiment waiting for every run's state.
    pub(super) save_all: Option<SaveAll>,
    pub(super) writes: Vec<Receiver<Result<String, String>>>,
    /// PyTorch exports under way, by folder (their outcome also goes to the message strip).
    exports: Vec<(PathBuf, Receiver<Result<String, String>>)>,
    opening: Option<Receiver<Opened>>,
}

impl GradscopeApp {
    /// The current settings as an experiment (no weights or history).
    ///
    /// # Errors
    /// When the data set has no file form (e.g. a set loaded with `--data` before this build
    /// kept sources).
    pub fn experiment(&self) -> Result<Experiment, String> {
        let dataset = self.lab.settings.data.reference().ok_or_else(|| {
            format!(
                "the data set {:?} has no file reference, so it cannot be saved in an experiment",
                self.lab.data.name
            )
        })?;
        let mut experiment = Experiment::new(dataset, self.lab.settings.train.clone());
        experiment.view = ViewSettings {
            steps_per_second: self.lab.settings.speed.unwrap_or(600.0),
            full_speed: self.lab.settings.speed.is_none(),
            boundary_axes: Some(self.lab.views.boundary_axes.into()),
            ..ViewSettings::default()
        };
        experiment.worksheet = self.worksheet.sheet.clone();
        experiment.title = self.worksheet.title.clone();
        Ok(experiment)
    }

    /// Carries out a request of the files window.
    pub(super) fn file_request(&mut self, ctx: &egui::Context, request: FileRequest) {
        self.panels.files.status = None;
        self.panels.files.refused_folder = None;
        match request {
            FileRequest::SaveExperiment { path, with_weights } => {
                if with_weights {
                    self.save_all_runs(path);
                } else {
                    match self.lab_experiment(None) {
                        Ok(mut experiment) => {
                            let spec = self.lab.settings.train.model_spec(&self.lab.data);
                            experiment.preprocessing =
                                spec.ok().and_then(|spec| self.preprocessing(spec.input));
                            self.write_in_background(ctx, move || {
                                experiment
                                    .save(&path)
                                    .map(|()| format!("saved {}", path.display()))
                                    .map_err(|e| e.to_string())
                            });
                        }
                        Err(message) => self.panels.files.status = Some(Err(message)),
                    }
                }
            }
            FileRequest::OpenExperiment(path) => self.open_experiment(ctx, path),
            FileRequest::ExportWeights(path) => {
                self.capture_weights(AfterCapture::ExportWeights(path))
            }
            FileRequest::ImportWeights(path) => {
                let result = self
                    .lab
                    .settings
                    .train
                    .model_spec(&self.lab.data)
                    .and_then(|spec| load_safetensors(&path, &spec).map_err(|e| e.to_string()));
                match result {
                    Ok(params) => {
                        self.lab.worker.send(Command::LoadParams(params));
                        self.panels.files.status = Some(Ok(format!(
                            "loaded the weights of {} into the current model",
                            path.display()
                        )));
                    }
                    Err(message) => self.panels.files.status = Some(Err(message)),
                }
            }
            FileRequest::ExportPytorch { path, existing } => {
                self.panels.files.status = Some(Ok("exporting to PyTorch…".to_string()));
                self.capture_weights(AfterCapture::ExportPytorch(path, existing));
            }
            FileRequest::ExportMetrics(path) => {
                let lab = &self.lab;
                let histories: Vec<(String, History)> = lab
                    .runs
                    .entries
                    .iter()
                    .map(|entry| {
                        let run = lab.runs.run_of(entry, &lab.run);
                        (entry.name.clone(), History::new(&run.losses, &run.evals))
                    })
                    .collect();
                self.write_in_background(ctx, move || {
                    let runs: Vec<(&str, &History)> =
                        histories.iter().map(|(n, h)| (n.as_str(), h)).collect();
                    write_metrics_csv(&path, &runs)
                        .map(|()| format!("saved {}", path.display()))
                        .map_err(|e| e.to_string())
                });
            }
            FileRequest::SavePng { path, target } => {
                self.capture.png = Some((path, target));
                self.request_frame_capture(ctx);
            }
            FileRequest::RecordGif {
                path,
                target,
                settings,
            } => self.start_gif(ctx, path, target, settings),
            FileRequest::StopGif => {
                if let Some(job) = self.capture.gif.take() {
                    let _ = job.frames.send(None);
                }
            }
        }
    }

    /// Asks the worker for its weights; [`GradscopeApp::poll_files`] finishes the job.
    fn capture_weights(&mut self, after: AfterCapture) {
        let (tx, rx) = mpsc::channel();
        self.lab.worker.send(Command::Capture(tx));
        self.file_jobs.capture = Some((rx, after));
    }

    pub(super) fn write_in_background(
        &mut self,
        ctx: &egui::Context,
        job: impl FnOnce() -> Result<String, String> + Send + 'static,
    ) {
        let (tx, rx) = mpsc::channel();
        let waker = ctx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(job());
            waker.request_repaint();
        });
        self.file_jobs.writes.push(rx);
    }

    /// Reads the file and its data set on a background thread; the running session is
    /// replaced only when both load.
    pub fn open_experiment(&mut self, ctx: &egui::Context, path: PathBuf) {
        let (tx, rx) = mpsc::channel();
        let waker = ctx.clone();
        std::thread::spawn(move || {
            let result = Experiment::load(&path)
                .map_err(|e| e.to_string())
                .and_then(open_lab);
            let _ = tx.send(result);
            waker.request_repaint();
        });
        self.file_jobs.opening = Some(rx);
        self.panels.files.status = Some(Ok("opening…".to_string()));
    }

    /// Replaces the lab's runs with the runs of an opened file (each with its settings, and its
    /// saved weights, optimizer state and curves when it has them), and takes its view
    /// settings and worksheet.
    fn apply_experiment(&mut self, ctx: &egui::Context, opened: OpenedLab) {
        self.lab.banner = None;
        let failed = self.apply_lab(ctx, &opened);
        let experiment = opened.experiment;
        self.lab.views.boundary_axes = experiment
            .view
            .boundary_axes
            .filter(|axes| axes.iter().all(|&a| a < self.lab.data.n_features().max(1)))
            .map_or_else(
                || crate::ui::boundary::default_axes(&self.lab.data),
                |[x, y]| (x, y),
            );
        self.lab.views.sample = 0;
        self.lab
            .worker
            .send(Command::SetViews(self.lab.views.clone()));
        let speed = self.lab.settings.speed;
        self.lab.worker.send(Command::SetSpeed(speed));
        for (_, worker) in &self.lab.background {
            worker.send(Command::SetSpeed(speed));
        }
        self.panels.boundary.data_changed();
        self.worksheet = super::WorksheetState {
            open: experiment
                .worksheet
                .as_ref()
                .is_some_and(|sheet| !sheet.steps.is_empty()),
            sheet: experiment.worksheet.clone(),
            title: experiment.title.clone(),
            step: 0,
        };
        if experiment.view.autoplay {
            self.lab.worker.send(Command::Play);
        }
        let from = experiment
            .file
            .as_ref()
            .map_or_else(String::new, |f| format!(" from {}", f.display()));
        let runs = self.lab.runs.entries.len();
        let weights = if experiment.weights.is_some() {
            " with its saved weights"
        } else {
            ""
        };
        self.panels.files.status = Some(match failed.first() {
            None if runs == 1 => Ok(format!("opened{from}{weights}")),
            None => Ok(format!("opened {runs} runs{from}{weights}")),
            Some(_) => Err(format!(
                "opened {runs} run{}{from}; left out: {}",
                if runs == 1 { "" } else { "s" },
                failed.join("; ")
            )),
        });
    }

    /// Finishes background file work; called every frame.
    pub(super) fn poll_files(&mut self, ctx: &egui::Context) {
        if let Some((rx, _)) = &self.file_jobs.capture {
            match rx.try_recv() {
                Ok(captured) => {
                    if let Some((_, after)) = self.file_jobs.capture.take() {
                        self.after_capture(ctx, captured, after);
                    }
                }
                Err(TryRecvError::Disconnected) => {
                    self.file_jobs.capture = None;
                    self.panels.files.status = Some(Err(
                        "there is no session to take the weights from".to_string(),
                    ));
                }
                Err(TryRecvError::Empty) => ctx.request_repaint_after(Duration::from_millis(30)),
            }
        }
        let mut finished = Vec::new();
        self.file_jobs.writes.retain(|rx| match rx.try_recv() {
            Ok(result) => {
                finished.push(result);
                false
            }
            Err(TryRecvError::Empty) => true,
            Err(TryRecvError::Disconnected) => false,
        });
        if let Some(last) = finished.pop() {
            self.panels.files.status = Some(last);
        }
        let mut exported = Vec::new();
        self.file_jobs
            .exports
            .retain(|(dir, rx)| match rx.try_recv() {
                Ok(result) => {
                    exported.push((dir.clone(), result));
                    false
                }
                Err(TryRecvError::Empty) => true,
                Err(TryRecvError::Disconnected) => false,
            });
        if let Some((dir, last)) = exported.pop() {
            // A folder refused because it holds files: the window offers to write anyway.
            let last = last.map_err(|message| match write_anyway_message(&message) {
                Some(offer) => {
                    self.panels.files.refused_folder = Some(dir);
                    offer
                }
                None => message,
            });
            self.lab.banner = Some(match &last {
                Ok(message) => Banner::Done(message.clone()),
                Err(message) => Banner::Error(message.clone()),
            });
            self.panels.files.status = Some(last);
        }
        if let Some(rx) = &self.file_jobs.opening {
            match rx.try_recv() {
                Ok(Ok(mut opened)) => {
                    self.file_jobs.opening = None;
                    let report = opened.report.take();
                    self.apply_experiment(ctx, opened);
                    self.import_report = report.map(|(data, r)| (data, Arc::new(r)));
                }
                Ok(Err(message)) => {
                    self.file_jobs.opening = None;
                    // Also in the message strip: the "Save & open" window may be closed (a
                    // file opened from the command line or a recent-files list).
                    self.lab.banner = Some(Banner::Error(message.clone()));
                    self.panels.files.status = Some(Err(message));
                }
                Err(TryRecvError::Disconnected) => self.file_jobs.opening = None,
                Err(TryRecvError::Empty) => ctx.request_repaint_after(Duration::from_millis(50)),
            }
        }
        self.poll_save_all(ctx);
        self.gif_tick(ctx);
        self.panels.files.recording = self
            .capture
            .gif
            .as_ref()
            .map(|job| (job.captured, job.wanted));
    }

    fn after_capture(&mut self, ctx: &egui::Context, captured: Captured, after: AfterCapture) {
        match after {
            AfterCapture::ExportPytorch(path, existing) => {
                self.export_pytorch(ctx, captured, path, existing)
            }
            AfterCapture::ExportWeights(path) => self.write_in_background(ctx, move || {
                let tensors = tensors_from_params(&captured.spec, &captured.params);
                write_safetensors(&path, &captured.spec, &tensors)
                    .map(|()| format!("saved {}", path.display()))
                    .map_err(|e| e.to_string())
            }),
        }
    }

    /// The experiment of the current settings with the captured configuration and weights.
    fn captured_experiment(&self, captured: Captured) -> Result<Experiment, String> {
        let mut experiment = self.experiment()?;
        experiment.resume = Some(resume_of(&captured));
        experiment.train = captured.config;
        experiment.weights = Some(SavedWeights::from_params(
            &captured.spec,
            &captured.params,
            captured.step,
            captured.epoch,
        ));
        experiment.preprocessing = self.preprocessing(captured.spec.input);
        Ok(experiment)
    }

    /// The preprocessing of the data set in use for a model taking `input`, as `train --save`
    /// writes it. `None` for a set read from a file whose import report the window does not
    /// have (its columns would be guessed).
    pub(super) fn preprocessing(&self, input: Shape) -> Option<Preprocessing> {
        let data = &self.lab.data;
        let report = self
            .import_report
            .as_ref()
            .filter(|(reported, _)| Arc::ptr_eq(reported, data))
            .map(|(_, report)| report.as_ref());
        let from_file = matches!(
            self.lab.settings.data.reference(),
            Some(DatasetRef::File { .. })
        );
        (report.is_some() || !from_file).then(|| Preprocessing::new(data, input, report))
    }

    /// Exports the captured weights with the current settings to PyTorch in `dir` (a folder
    /// holding files is refused or written into, as `existing` says), on a background thread
    /// (the data set is read again to write its preprocessing); the outcome goes to the
    /// window's status line and to the message strip.
    fn export_pytorch(
        &mut self,
        ctx: &egui::Context,
        captured: Captured,
        dir: PathBuf,
        existing: ExistingFiles,
    ) {
        let experiment = match self.captured_experiment(captured) {
            Ok(experiment) => experiment,
            Err(message) => {
                self.lab.banner = Some(Banner::Error(message.clone()));
                self.panels.files.status = Some(Err(message));
                return;
            }
        };
        let (tx, rx) = mpsc::channel();
        let waker = ctx.clone();
        let folder = dir.clone();
        std::thread::spawn(move || {
            let result = export_pytorch(&experiment, &dir, existing).map(|summary| {
                let accuracy = summary.test_accuracy.map_or_else(String::new, |a| {
                    format!("; test accuracy {:.1} %", a * 100.0)
                });
                let notes: String = summary
                    .notes
                    .iter()
                    .map(|note| format!(". Note: {note}"))
                    .collect();
                format!(
                    "exported to {}: model.safetensors, split.json, train.py{accuracy} \
                     (python train.py --epochs 0 --init model.safetensors prints the same){notes}",
                    dir.display()
                )
            });
            let _ = tx.send(result);
            waker.request_repaint();
        });
        self.file_jobs.exports.push((folder, rx));
    }
}
