//! How the app carries out the requests of the "Save & open" window, restores an experiment,
//! and remembers its settings between launches (eframe persistence).
//!
//! Anything slow (writing files, loading the data set of an experiment, encoding GIF frames)
//! runs on its own thread and reports back through a channel that [`GradscopeApp::poll_files`]
//! reads each frame; training never waits.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

use eframe::egui;

use super::{DataSettings, DatasetChoice, GradscopeApp, Settings};
use crate::data::Dataset;
use crate::experiment::{
    DatasetRef, Experiment, GifRecorder, GifSettings, History, Lesson, RgbaFrame, SavedWeights,
    ViewSettings, load_safetensors, tensors_from_params, write_metrics_csv, write_safetensors,
};
use crate::train::{Captured, Command};
use crate::ui::files::{FileRequest, PictureTarget, crop, whole, write_png};

/// eframe storage key of the last session's settings (an experiment file without weights).
pub const STORAGE_SETTINGS: &str = "gradscope.settings";
/// eframe storage key of the recent-files list.
pub const STORAGE_RECENT: &str = "gradscope.recent";

/// What to do with the weights the worker sends back.
pub(super) enum AfterCapture {
    SaveExperiment(PathBuf),
    ExportWeights(PathBuf),
}

/// A GIF being recorded: frames are captured on a timer and encoded on their own thread.
pub(super) struct GifJob {
    target: PictureTarget,
    next_at: Instant,
    interval: Duration,
    wanted: usize,
    captured: usize,
    frames: mpsc::Sender<Option<RgbaFrame>>,
}

/// An experiment file read on a background thread, with its data set.
type Opened = Result<(Experiment, Arc<Dataset>), String>;

/// Background work of the files window.
#[derive(Default)]
pub(super) struct FileJobs {
    capture: Option<(Receiver<Captured>, AfterCapture)>,
    writes: Vec<Receiver<Result<String, String>>>,
    opening: Option<Receiver<Opened>>,
    gif: Option<GifJob>,
    /// Panel rectangles (in points) of the last frame, by heading.
    pub(super) panel_rects: Vec<(String, egui::Rect)>,
    /// PNG requests waiting for the next screenshot.
    png: Option<(PathBuf, PictureTarget)>,
}

impl DataSettings {
    /// The file form of this data set; `None` for a set loaded without a known source.
    pub fn reference(&self) -> Option<DatasetRef> {
        match &self.choice {
            DatasetChoice::Synth(kind) => Some(DatasetRef::Synth(crate::data::SynthConfig {
                kind: *kind,
                ..self.synth
            })),
            DatasetChoice::Iris => Some(DatasetRef::Iris {
                train_ratio: self.synth.train_ratio,
                seed: self.synth.seed,
            }),
            DatasetChoice::Mnist => Some(DatasetRef::Mnist),
            DatasetChoice::Loaded(_) => self.source.clone(),
        }
    }
}

/// The window settings an experiment's data reference, training configuration and view
/// settings stand for. A file data set needs `loaded` (its data, read beforehand).
pub fn settings_from_experiment(
    experiment: &Experiment,
    loaded: Option<Arc<Dataset>>,
) -> Option<Settings> {
    let mut data = DataSettings::synth(crate::data::SynthKind::Circle);
    match &experiment.dataset {
        DatasetRef::Synth(config) => {
            data = DataSettings::synth(config.kind);
            data.synth = *config;
        }
        DatasetRef::Iris { train_ratio, seed } => {
            data.choice = DatasetChoice::Iris;
            data.synth.train_ratio = *train_ratio;
            data.synth.seed = *seed;
        }
        DatasetRef::Mnist => data.choice = DatasetChoice::Mnist,
        DatasetRef::File { .. } => {
            data.choice = DatasetChoice::Loaded(loaded?);
            data.source = Some(experiment.dataset.clone());
        }
    }
    let view = &experiment.view;
    Some(Settings {
        data,
        train: experiment.train.clone(),
        speed: (!view.full_speed).then_some(view.steps_per_second),
    })
}

impl GradscopeApp {
    /// The current settings as an experiment (no weights or history).
    ///
    /// # Errors
    /// When the data set has no file form (e.g. a set loaded with `--data` before this build
    /// kept sources).
    pub fn experiment(&self) -> Result<Experiment, String> {
        let dataset = self.settings.data.reference().ok_or_else(|| {
            format!(
                "the data set {:?} has no file reference, so it cannot be saved in an experiment",
                self.data.name
            )
        })?;
        let mut experiment = Experiment::new(dataset, self.settings.train.clone());
        experiment.view = ViewSettings {
            steps_per_second: self.settings.speed.unwrap_or(600.0),
            full_speed: self.settings.speed.is_none(),
            boundary_axes: Some(self.views.boundary_axes.into()),
            ..ViewSettings::default()
        };
        experiment.lesson = self.lesson_file.clone();
        experiment.title = self.lesson_title.clone();
        Ok(experiment)
    }

    /// Carries out a request of the files window.
    pub(super) fn file_request(&mut self, ctx: &egui::Context, request: FileRequest) {
        self.files.status = None;
        match request {
            FileRequest::SaveExperiment { path, with_weights } => {
                if with_weights {
                    self.capture(AfterCapture::SaveExperiment(path));
                } else {
                    match self.experiment() {
                        Ok(experiment) => self.write_in_background(ctx, move || {
                            let mut experiment = experiment;
                            experiment
                                .save(&path)
                                .map(|()| format!("saved {}", path.display()))
                                .map_err(|e| e.to_string())
                        }),
                        Err(message) => self.files.status = Some(Err(message)),
                    }
                }
            }
            FileRequest::OpenExperiment(path) => self.open_experiment(ctx, path),
            FileRequest::ExportWeights(path) => self.capture(AfterCapture::ExportWeights(path)),
            FileRequest::ImportWeights(path) => {
                let result = self
                    .settings
                    .train
                    .model_spec(&self.data)
                    .and_then(|spec| load_safetensors(&path, &spec).map_err(|e| e.to_string()));
                match result {
                    Ok(params) => {
                        self.worker.send(Command::LoadParams(params));
                        self.files.status = Some(Ok(format!(
                            "loaded the weights of {} into the current model",
                            path.display()
                        )));
                    }
                    Err(message) => self.files.status = Some(Err(message)),
                }
            }
            FileRequest::ExportMetrics(path) => {
                let history = History::new(&self.run.losses, &self.run.evals);
                self.write_in_background(ctx, move || {
                    write_metrics_csv(&path, &history)
                        .map(|()| format!("saved {}", path.display()))
                        .map_err(|e| e.to_string())
                });
            }
            FileRequest::SavePng { path, target } => {
                self.file_jobs.png = Some((path, target));
                self.request_frame_capture(ctx);
            }
            FileRequest::RecordGif {
                path,
                target,
                settings,
            } => self.start_gif(ctx, path, target, settings),
            FileRequest::StopGif => {
                if let Some(job) = self.file_jobs.gif.take() {
                    let _ = job.frames.send(None);
                }
            }
        }
    }

    /// Asks the worker for its weights; [`GradscopeApp::poll_files`] finishes the job.
    fn capture(&mut self, after: AfterCapture) {
        let (tx, rx) = mpsc::channel();
        self.worker.send(Command::Capture(tx));
        self.file_jobs.capture = Some((rx, after));
    }

    fn write_in_background(
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
                .and_then(|experiment| {
                    let data = experiment.load_dataset()?;
                    experiment.saved_params(&data)?;
                    Ok((experiment, data))
                })
                .map_err(|e| e.to_string());
            let _ = tx.send(result);
            waker.request_repaint();
        });
        self.file_jobs.opening = Some(rx);
        self.files.status = Some(Ok("opening…".to_string()));
    }

    /// Starts a session from `experiment` on `data`: its settings, its lesson, and its saved
    /// weights when it has them.
    fn apply_experiment(&mut self, experiment: Experiment, data: Arc<Dataset>) {
        let Some(settings) = settings_from_experiment(&experiment, Some(Arc::clone(&data))) else {
            return;
        };
        self.settings = settings;
        self.data = data;
        self.views.boundary_axes = experiment
            .view
            .boundary_axes
            .filter(|axes| axes.iter().all(|&a| a < self.data.n_features().max(1)))
            .map_or_else(
                || crate::ui::boundary::default_axes(&self.data),
                |[x, y]| (x, y),
            );
        self.views.sample = 0;
        self.worker.send(Command::SetViews(self.views.clone()));
        self.worker.send(Command::SetSpeed(self.settings.speed));
        self.boundary.data_changed();
        self.reset();
        if let Ok(Some(params)) = experiment.saved_params(&self.data) {
            self.worker.send(Command::LoadParams(params));
        }
        self.lesson_file = experiment.lesson.clone();
        self.controls.lesson = experiment.lesson.clone();
        self.lesson_title = experiment.title.clone();
        self.lesson_step = 0;
        self.lesson_open = self
            .lesson_file
            .as_ref()
            .is_some_and(|l| !l.steps.is_empty());
        if experiment.view.autoplay {
            self.worker.send(Command::Play);
        }
        let from = experiment
            .file
            .as_ref()
            .map_or_else(String::new, |f| format!(" from {}", f.display()));
        self.files.status = Some(Ok(format!(
            "opened{from}{}",
            if experiment.weights.is_some() {
                " with its saved weights"
            } else {
                ""
            }
        )));
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
                    self.files.status = Some(Err(
                        "there is no session to take the weights from".to_string()
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
            self.files.status = Some(last);
        }
        if let Some(rx) = &self.file_jobs.opening {
            match rx.try_recv() {
                Ok(Ok((experiment, data))) => {
                    self.file_jobs.opening = None;
                    self.apply_experiment(experiment, data);
                }
                Ok(Err(message)) => {
                    self.file_jobs.opening = None;
                    self.files.status = Some(Err(message));
                }
                Err(TryRecvError::Disconnected) => self.file_jobs.opening = None,
                Err(TryRecvError::Empty) => ctx.request_repaint_after(Duration::from_millis(50)),
            }
        }
        self.gif_tick(ctx);
        self.files.recording = self
            .file_jobs
            .gif
            .as_ref()
            .map(|job| (job.captured, job.wanted));
    }

    fn after_capture(&mut self, ctx: &egui::Context, captured: Captured, after: AfterCapture) {
        match after {
            AfterCapture::SaveExperiment(path) => {
                let mut experiment = match self.experiment() {
                    Ok(experiment) => experiment,
                    Err(message) => {
                        self.files.status = Some(Err(message));
                        return;
                    }
                };
                experiment.train = captured.config;
                experiment.weights = Some(SavedWeights::from_params(
                    &captured.spec,
                    &captured.params,
                    captured.step,
                    captured.epoch,
                ));
                experiment.history = Some(History::new(&self.run.losses, &self.run.evals));
                self.write_in_background(ctx, move || {
                    experiment
                        .save(&path)
                        .map(|()| format!("saved {} (with weights)", path.display()))
                        .map_err(|e| e.to_string())
                });
            }
            AfterCapture::ExportWeights(path) => self.write_in_background(ctx, move || {
                let tensors = tensors_from_params(&captured.spec, &captured.params);
                write_safetensors(&path, &captured.spec, &tensors)
                    .map(|()| format!("saved {}", path.display()))
                    .map_err(|e| e.to_string())
            }),
        }
    }

    /// The rectangle of `target` in points, or `None` when that panel is not on screen.
    fn target_rect(&self, ctx: &egui::Context, target: &PictureTarget) -> Option<egui::Rect> {
        match target {
            PictureTarget::Window => Some(ctx.content_rect()),
            PictureTarget::Panel(name) => self
                .file_jobs
                .panel_rects
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, rect)| *rect),
        }
    }

    /// Takes a screenshot for a pending PNG.
    fn request_frame_capture(&mut self, ctx: &egui::Context) {
        let Some((path, target)) = self.file_jobs.png.take() else {
            return;
        };
        let Some(rect) = self.target_rect(ctx, &target) else {
            self.files.status = Some(Err(format!("the {} panel is not on screen", target.name())));
            return;
        };
        let whole_window = target == PictureTarget::Window;
        let (tx, rx) = mpsc::channel();
        let waker = ctx.clone();
        let pixels_per_point = ctx.pixels_per_point();
        ctx.request_screenshot(move |image| {
            let frame = if whole_window {
                Some(whole(&image))
            } else {
                crop(&image, rect, pixels_per_point)
            };
            let result = match frame {
                Some(frame) => write_png(&path, &frame).map(|()| {
                    format!(
                        "saved {} ({}×{})",
                        path.display(),
                        frame.width,
                        frame.height
                    )
                }),
                None => Err("nothing to capture: the panel has no area".to_string()),
            };
            let _ = tx.send(result);
            waker.request_repaint();
        });
        self.file_jobs.writes.push(rx);
    }

    fn start_gif(
        &mut self,
        ctx: &egui::Context,
        path: PathBuf,
        target: PictureTarget,
        settings: GifSettings,
    ) {
        if let Err(message) = settings.check() {
            self.files.status = Some(Err(message));
            return;
        }
        let Some(rect) = self.target_rect(ctx, &target) else {
            self.files.status = Some(Err(format!("the {} panel is not on screen", target.name())));
            return;
        };
        let scale = ctx.pixels_per_point();
        let (width, height) = (
            (rect.width() * scale).round().max(1.0) as usize,
            (rect.height() * scale).round().max(1.0) as usize,
        );
        let recorder = match GifRecorder::create(&path, width, height, settings) {
            Ok(recorder) => recorder,
            Err(e) => {
                self.files.status = Some(Err(e.to_string()));
                return;
            }
        };
        let (frames_tx, frames_rx) = mpsc::channel::<Option<RgbaFrame>>();
        let (done_tx, done_rx) = mpsc::channel();
        let waker = ctx.clone();
        std::thread::spawn(move || {
            let mut recorder = recorder;
            while let Ok(Some(frame)) = frames_rx.recv() {
                match recorder.add_frame(&frame) {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(e) => {
                        let _ = done_tx.send(Err(e.to_string()));
                        waker.request_repaint();
                        return;
                    }
                }
            }
            let frames = recorder.frames();
            let result = recorder
                .finish()
                .map(|()| format!("saved {} ({frames} frames)", path.display()))
                .map_err(|e| e.to_string());
            let _ = done_tx.send(result);
            waker.request_repaint();
        });
        self.file_jobs.writes.push(done_rx);
        self.file_jobs.gif = Some(GifJob {
            target,
            next_at: Instant::now(),
            interval: Duration::from_secs_f64(settings.interval_secs()),
            wanted: settings.frame_count(),
            captured: 0,
            frames: frames_tx,
        });
    }

    /// Requests the next GIF frame when it is due.
    fn gif_tick(&mut self, ctx: &egui::Context) {
        let Some(job) = &self.file_jobs.gif else {
            return;
        };
        if job.captured >= job.wanted {
            // Every frame is requested. Dropping this sender (not sending `None`) lets the
            // screenshots still on their way arrive; the encoder stops when it has them all,
            // or when the last sender goes.
            self.file_jobs.gif = None;
            return;
        }
        let now = Instant::now();
        if now < job.next_at {
            ctx.request_repaint_after(job.next_at - now);
            return;
        }
        let rect = self.target_rect(ctx, &job.target);
        let Some(job) = &mut self.file_jobs.gif else {
            return;
        };
        job.next_at = now + job.interval;
        job.captured += 1;
        let sender = job.frames.clone();
        let whole_window = job.target == PictureTarget::Window;
        let pixels_per_point = ctx.pixels_per_point();
        ctx.request_screenshot(move |image| {
            let frame = match rect {
                _ if whole_window => Some(whole(&image)),
                Some(rect) => crop(&image, rect, pixels_per_point),
                None => None,
            };
            if let Some(frame) = frame {
                let _ = sender.send(Some(frame));
            }
        });
        ctx.request_repaint_after(job.interval);
    }

    /// Stores the settings (as an experiment file without weights) and the recent files.
    pub(super) fn save_to(&self, storage: &mut dyn eframe::Storage) {
        if let Ok(experiment) = self.experiment() {
            storage.set_string(STORAGE_SETTINGS, experiment.to_json());
        }
        if let Ok(recent) = serde_json::to_string(&self.import.recent) {
            storage.set_string(STORAGE_RECENT, recent);
        }
    }
}

/// The settings and recent files of the last session, from eframe's storage. A data file of
/// the last session is not read at start-up (it may be large): its path goes to the top of
/// the recent list instead, and the built-in data set and default network are used.
pub fn restore(storage: &dyn eframe::Storage) -> (Option<Settings>, Vec<PathBuf>) {
    let mut recent: Vec<PathBuf> = storage
        .get_string(STORAGE_RECENT)
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let settings = storage.get_string(STORAGE_SETTINGS).and_then(|text| {
        let experiment = Experiment::from_json("saved settings", text.as_bytes()).ok()?;
        if let DatasetRef::File { path, .. } = &experiment.dataset {
            recent.retain(|p| p != path);
            recent.insert(0, path.clone());
            return None;
        }
        settings_from_experiment(&experiment, None)
    });
    (settings, recent)
}

/// A lesson's lock state for `control` (none without a lesson).
pub fn locked(lesson: Option<&Lesson>, control: crate::experiment::ControlId) -> bool {
    lesson.is_some_and(|l| l.is_locked(control))
}
