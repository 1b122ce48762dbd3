//! The eframe application: owns the worker handle, the settings and what the panels show.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use eframe::egui::{self, Color32, RichText};

use crate::data::{Dataset, SynthConfig, SynthKind, iris, mnist_bundled};
use crate::experiment::{ControlId, DatasetRef, Lesson};
use crate::train::doctor::{DetectorId, Remedy, non_finite_loss};
use crate::train::presets::{Preset, PresetData};
use crate::train::{
    Command, EarlyStop, EvalRecord, Event, LossHistory, RunState, SessionSetup, Snapshot,
    TrainConfig, ViewRequest, Worker,
};
use crate::ui::boundary::BoundaryPanel;
use crate::ui::confusion::ConfusionPanel;
use crate::ui::controls::{ControlAction, ControlsPanel};
use crate::ui::doctor::DoctorPanel;
use crate::ui::features::FeaturesPanel;
use crate::ui::files::FilesPanel;
use crate::ui::gradcheck::GradCheckPanel;
use crate::ui::import::ImportWizard;
use crate::ui::kernels::KernelsPanel;
use crate::ui::lesson::LessonPanel;
use crate::ui::loss::LossPanel;
use crate::ui::network::NetworkPanel;
use crate::ui::present::{Presentation, Shortcut, pressed_shortcuts};
use crate::ui::race::RacePanel;
use crate::ui::stepper::StepperPanel;
use crate::ui::weights::WeightsPanel;

mod file_ops;

pub use file_ops::{STORAGE_RECENT, STORAGE_SETTINGS, locked, restore, settings_from_experiment};

/// Which data set the session trains on.
#[derive(Clone, Debug)]
pub enum DatasetChoice {
    /// A generated set (circle, xor, gaussians, spiral, moons, line).
    Synth(SynthKind),
    /// The bundled Iris flowers.
    Iris,
    /// The bundled MNIST digits (8 000 train / 2 000 test from the MNIST test set).
    Mnist,
    /// A data set loaded elsewhere (e.g. `--data FILE`), kept as it is.
    Loaded(Arc<Dataset>),
}

impl DatasetChoice {
    /// Name shown in the dataset picker.
    pub fn label(&self) -> String {
        match self {
            DatasetChoice::Synth(kind) => kind.name().to_string(),
            DatasetChoice::Iris => "iris".to_string(),
            DatasetChoice::Mnist => "mnist".to_string(),
            DatasetChoice::Loaded(data) => data.name.clone(),
        }
    }
}

/// How the data set is made.
#[derive(Clone, Debug)]
pub struct DataSettings {
    /// The set.
    pub choice: DatasetChoice,
    /// Generator settings (kind is taken from `choice` when it is `Synth`).
    pub synth: SynthConfig,
    /// Where a `Loaded` set came from (path and import settings), for experiment files.
    pub source: Option<DatasetRef>,
}

impl DataSettings {
    /// Settings for one generated set with its default sample count, noise and split.
    pub fn synth(kind: SynthKind) -> Self {
        Self {
            choice: DatasetChoice::Synth(kind),
            synth: SynthConfig::new(kind),
            source: None,
        }
    }

    /// Builds the data set.
    ///
    /// # Errors
    /// The loader's message (only the bundled Iris file can fail, and only if it is damaged).
    pub fn build(&self) -> Result<Arc<Dataset>, String> {
        match &self.choice {
            DatasetChoice::Synth(kind) => {
                let config = SynthConfig {
                    kind: *kind,
                    ..self.synth
                };
                Ok(Arc::new(crate::data::generate(&config)))
            }
            DatasetChoice::Iris => iris(self.synth.train_ratio, self.synth.seed)
                .map(Arc::new)
                .map_err(|e| e.to_string()),
            DatasetChoice::Mnist => mnist_bundled().map(Arc::new).map_err(|e| e.to_string()),
            DatasetChoice::Loaded(data) => Ok(Arc::clone(data)),
        }
    }
}

/// Everything the user sets.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Data set and generator settings.
    pub data: DataSettings,
    /// Layers, optimizer, batch size, epochs, seed.
    pub train: TrainConfig,
    /// Most steps per second while playing; `None` = as fast as possible.
    pub speed: Option<f64>,
}

impl Default for Settings {
    fn default() -> Self {
        let mut train = TrainConfig::default();
        for layer in &mut train.hidden {
            layer.units = 16;
        }
        Self {
            data: DataSettings::synth(SynthKind::Spiral),
            train,
            speed: Some(600.0),
        }
    }
}

/// Quit after a while, optionally saving a screenshot first
/// (`--screenshot FILE --quit-after SECONDS`).
#[derive(Clone, Debug, Default)]
pub struct ScreenshotPlan {
    /// Where the PNG goes; `None` = just quit.
    pub path: Option<PathBuf>,
    /// Seconds after start-up.
    pub after_secs: f32,
    /// Set when the screenshot could not be saved (the binary then exits with status 1).
    pub failed: Arc<std::sync::atomic::AtomicBool>,
}

/// How the app starts.
#[derive(Clone, Debug)]
pub struct AppOptions {
    /// Start training at once.
    pub autoplay: bool,
    /// Initial settings.
    pub settings: Settings,
    /// Take a screenshot and quit.
    pub screenshot: Option<ScreenshotPlan>,
    /// Open this file or folder in the import wizard at start.
    pub open: Option<PathBuf>,
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            autoplay: true,
            settings: Settings::default(),
            screenshot: None,
            open: None,
        }
    }
}

/// A message across the top of the panels.
#[derive(Clone, Debug, PartialEq)]
pub enum Banner {
    /// Training stopped on a non-finite loss.
    Diverged(String),
    /// The worker panicked.
    Crashed(String),
    /// A setting could not be applied.
    Error(String),
    /// The epoch limit was reached.
    Finished(u64),
    /// Early stopping ended the run and restored the best weights.
    StoppedEarly(EarlyStop),
}

/// What the worker has told the UI: counters, loss history, metrics.
#[derive(Default)]
pub struct RunView {
    /// Steps taken.
    pub step: u64,
    /// Completed epochs.
    pub epoch: u64,
    /// Steps per epoch of the current session.
    pub steps_per_epoch: u64,
    /// True while the worker trains.
    pub running: bool,
    /// Every step's training loss.
    pub losses: LossHistory,
    /// Whole-split evaluations, in order.
    pub evals: Vec<EvalRecord>,
    /// The newest snapshot.
    pub snapshot: Option<Arc<Snapshot>>,
    /// Generation of `snapshot` (changes when a new one arrives).
    pub snapshot_generation: u64,
}

/// Which panel fills the lower right for image data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LowerTab {
    Kernels,
    Confusion,
    Weights,
}

/// Which panel fills the lower right for feature data (MLPs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MlpTab {
    Weights,
    Network,
    Gradients,
}

type ScreenshotResult = Arc<Mutex<Option<Result<PathBuf, String>>>>;

/// Which view fills the window, chosen in the bar at the top.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AppMode {
    /// The network trainer (controls, loss, boundary, weights).
    #[default]
    NetworkLab,
    /// The gradient-descent lesson on linear regression.
    Lesson,
    /// The optimizer race on 2-D surfaces.
    Race,
}

impl AppMode {
    /// Every mode, in bar order.
    pub const ALL: [AppMode; 3] = [AppMode::NetworkLab, AppMode::Lesson, AppMode::Race];

    /// The name in the bar.
    pub fn name(self) -> &'static str {
        match self {
            AppMode::NetworkLab => "Network lab",
            AppMode::Lesson => "Gradient descent",
            AppMode::Race => "Optimizer race",
        }
    }

    /// Case-insensitive `lab`, `lesson` or `race`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "lab" | "network" => Some(AppMode::NetworkLab),
            "lesson" => Some(AppMode::Lesson),
            "race" => Some(AppMode::Race),
            _ => None,
        }
    }

    fn hint(self) -> &'static str {
        match self {
            AppMode::NetworkLab => {
                "Train a network on a data set and watch its loss, boundary and weights"
            }
            AppMode::Lesson => {
                "Watch gradient descent fit a line: the data, the loss landscape, the update with numbers"
            }
            AppMode::Race => "Race SGD, Momentum, Nesterov, RMSProp and Adam on the same surface",
        }
    }
}

/// The gradscope window.
pub struct GradscopeApp {
    worker: Worker,
    settings: Settings,
    data: Arc<Dataset>,
    run: RunView,
    banner: Option<Banner>,
    views: ViewRequest,
    controls: ControlsPanel,
    loss: LossPanel,
    boundary: BoundaryPanel,
    weights: WeightsPanel,
    features: FeaturesPanel,
    kernels: KernelsPanel,
    confusion: ConfusionPanel,
    lower_tab: LowerTab,
    mlp_tab: MlpTab,
    network: NetworkPanel,
    stepper: StepperPanel,
    gradcheck: GradCheckPanel,
    doctor: DoctorPanel,
    import: ImportWizard,
    started: Instant,
    screenshot: Option<ScreenshotPlan>,
    screenshot_requested: bool,
    screenshot_result: ScreenshotResult,
    frame_seconds: Vec<f32>,
    presentation: Presentation,
    title: String,
    files: FilesPanel,
    file_jobs: file_ops::FileJobs,
    /// The lesson of the experiment file opened last (locked and hidden controls, steps).
    lesson_file: Option<Lesson>,
    lesson_title: Option<String>,
    lesson_step: usize,
    lesson_open: bool,
    mode: AppMode,
    lesson: LessonPanel,
    race: RacePanel,
    /// The lab was training when another view was chosen (and was paused for it).
    resume_lab: bool,
}

impl GradscopeApp {
    /// Creates the app and its worker. The worker wakes `ctx` whenever there is news.
    pub fn new(ctx: &egui::Context, options: AppOptions) -> Self {
        use_symbol_fallback_font(ctx);
        let AppOptions {
            autoplay,
            settings,
            screenshot,
            open,
        } = options;
        let (data, banner) = match settings.data.build() {
            Ok(data) => (data, None),
            Err(message) => (
                Arc::new(crate::data::generate(&SynthConfig::new(SynthKind::Circle))),
                Some(Banner::Error(message)),
            ),
        };
        let views = ViewRequest {
            boundary_axes: crate::ui::boundary::default_axes(&data),
            ..ViewRequest::default()
        };
        let setup = SessionSetup {
            data: Arc::clone(&data),
            config: settings.train.clone(),
        };
        let worker = Worker::spawn(setup, views.clone(), Arc::new(ctx.clone()));
        worker.send(Command::SetSpeed(settings.speed));
        if autoplay {
            worker.send(Command::Play);
        }
        let mut app = Self {
            worker,
            settings,
            data,
            run: RunView::default(),
            banner,
            views,
            controls: ControlsPanel::default(),
            loss: LossPanel::default(),
            boundary: BoundaryPanel::default(),
            weights: WeightsPanel::default(),
            features: FeaturesPanel::default(),
            kernels: KernelsPanel::default(),
            confusion: ConfusionPanel::default(),
            lower_tab: LowerTab::Kernels,
            mlp_tab: MlpTab::Weights,
            network: NetworkPanel::default(),
            stepper: StepperPanel::default(),
            gradcheck: GradCheckPanel::default(),
            doctor: DoctorPanel::default(),
            import: ImportWizard::default(),
            started: Instant::now(),
            screenshot,
            screenshot_requested: false,
            screenshot_result: Arc::default(),
            frame_seconds: Vec::new(),
            presentation: Presentation::default(),
            title: String::new(),
            files: FilesPanel::default(),
            file_jobs: file_ops::FileJobs::default(),
            lesson_file: None,
            lesson_title: None,
            lesson_step: 0,
            lesson_open: false,
            resume_lab: false,
            mode: AppMode::NetworkLab,
            lesson: LessonPanel::default(),
            race: RacePanel::default(),
        };
        app.run.running = autoplay;
        if let Some(path) = open {
            app.import.open_path(ctx, path);
        }
        app
    }

    /// The view in the window.
    pub fn mode(&self) -> AppMode {
        self.mode
    }

    /// Shows `mode`. Leaving the network lab pauses its training, so the lesson and the race
    /// (which step on the UI thread) do not compete with it for the CPU.
    pub fn set_mode(&mut self, mode: AppMode) {
        if self.mode == AppMode::NetworkLab && mode != AppMode::NetworkLab && self.run.running {
            self.worker.send(Command::Pause);
            self.resume_lab = true;
        } else if mode == AppMode::NetworkLab && self.mode != AppMode::NetworkLab && self.resume_lab
        {
            // Back in the lab: it goes on where it was paused by leaving.
            self.worker.send(Command::Play);
            self.resume_lab = false;
        }
        self.mode = mode;
    }

    /// The gradient-descent lesson.
    pub fn lesson(&mut self) -> &mut LessonPanel {
        &mut self.lesson
    }

    /// The optimizer race.
    pub fn race(&mut self) -> &mut RacePanel {
        &mut self.race
    }

    /// Steps taken, as last reported by the worker.
    pub fn step(&self) -> u64 {
        self.run.step
    }

    /// True once a snapshot with feature maps (image data) has arrived.
    pub fn has_feature_maps(&self) -> bool {
        self.run
            .snapshot
            .as_ref()
            .is_some_and(|s| s.feature_maps.is_some())
    }

    /// Opens `path` in the import wizard (as "Open data…", a drop or a recent file do).
    pub fn open_data(&mut self, ctx: &egui::Context, path: std::path::PathBuf) {
        self.import.open_path(ctx, path);
    }

    /// The import wizard's error message, if loading failed.
    pub fn import_error(&self) -> Option<&str> {
        self.import.error()
    }

    /// The data set being trained on.
    pub fn data(&self) -> &Arc<Dataset> {
        &self.data
    }

    /// The message across the top, if any.
    pub fn banner(&self) -> Option<&Banner> {
        self.banner.as_ref()
    }

    /// The settings in force.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The newest snapshot from the worker.
    pub fn snapshot(&self) -> Option<&Arc<Snapshot>> {
        self.run.snapshot.as_ref()
    }

    /// The backprop stepper window (e.g. for a key that moves to its next phase).
    pub fn stepper(&self) -> &StepperPanel {
        &self.stepper
    }

    /// The backprop stepper window, to open it or move through its phases.
    pub fn stepper_mut(&mut self) -> &mut StepperPanel {
        &mut self.stepper
    }

    /// The training doctor's findings and gradient history.
    pub fn doctor(&self) -> &DoctorPanel {
        &self.doctor
    }

    /// The gradient-check window.
    pub fn gradcheck(&self) -> &GradCheckPanel {
        &self.gradcheck
    }

    /// Loads a teaching preset: its data and network, then starts over. The 2-2-1 preset also
    /// opens the stepper and the network view.
    pub fn load_preset(&mut self, preset: Preset) {
        let (data, config) = preset.build();
        self.settings.train = config;
        self.settings.data = match data {
            PresetData::Synth(synth) => DataSettings {
                choice: DatasetChoice::Synth(synth.kind),
                synth,
                source: None,
            },
            PresetData::Fixed(data) => DataSettings {
                choice: DatasetChoice::Loaded(data),
                synth: self.settings.data.synth,
                source: None,
            },
        };
        self.rebuild_data();
        if preset == Preset::Backprop221 {
            self.stepper.open();
            self.mlp_tab = MlpTab::Network;
        } else {
            self.mlp_tab = MlpTab::Gradients;
        }
    }

    /// Carries out a remedy offered by a doctor banner.
    fn apply_remedy(&mut self, remedy: Remedy) {
        let config = &mut self.settings.train;
        match remedy {
            Remedy::LowerLearningRate => {
                config.optimizer.learning_rate /= 10.0;
                let lr = config.optimizer.learning_rate;
                self.worker.send(Command::SetLearningRate(lr));
                if matches!(self.banner, Some(Banner::Diverged(_))) {
                    self.banner = None;
                }
            }
            Remedy::StandardiseInputs => self.standardise_inputs(),
            Remedy::SwitchToReLU => {
                for layer in &mut config.hidden {
                    layer.activation = crate::nn::ActivationKind::ReLU;
                }
                config.init_gain = 1.0;
                self.reset();
            }
            Remedy::StandardInitScale => {
                config.init_gain = 1.0;
                self.reset();
            }
            Remedy::AddL2 => {
                config.l2 = if config.l2 > 0.0 {
                    (config.l2 * 10.0).min(0.1)
                } else {
                    0.01
                };
                self.reset();
            }
            Remedy::StopEarly => {
                config.early_stopping_patience = 20;
                self.reset();
            }
            Remedy::Reset => self.reset(),
        }
    }

    /// Rescales every feature to mean 0, standard deviation 1 (training statistics) and
    /// starts over; says so when the data are already standardised.
    fn standardise_inputs(&mut self) {
        if self.data.standardizer.is_some() || self.data.image_shape.is_some() {
            self.banner = Some(Banner::Error(
                "the inputs are already standardised (or are images scaled to [0, 1])".into(),
            ));
            return;
        }
        let mut data = (*self.data).clone();
        let standardizer = crate::data::Standardizer::fit(&data.train);
        standardizer.transform(&mut data.train);
        standardizer.transform(&mut data.test);
        data.standardizer = Some(standardizer);
        data.name = format!("{} (standardised)", data.name);
        self.settings.data.choice = DatasetChoice::Loaded(Arc::new(data));
        self.settings.data.source = None;
        self.rebuild_data();
    }

    /// Asks the worker for the trace the stepper or the network view needs, and for nothing
    /// when neither is shown.
    fn sync_trace_request(&mut self) {
        let wanted = (self.data.image_shape.is_none()
            && (self.stepper.is_open() || self.mlp_tab == MlpTab::Network))
            .then(|| self.stepper.sample());
        let batch = self.stepper.batch();
        if wanted != self.views.trace_sample || batch != self.views.trace_batch {
            self.views.trace_sample = wanted;
            self.views.trace_batch = batch;
            self.worker.send(Command::SetViews(self.views.clone()));
        }
    }

    fn mlp_tabs_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            for (tab, name, hint) in [
                (MlpTab::Weights, "Weight heatmaps", "Heatmaps of the Dense layers"),
                (
                    MlpTab::Network,
                    "Network view",
                    "Neurons and weights with the numbers of one sample; click a weight for its chain rule",
                ),
                (
                    MlpTab::Gradients,
                    "Gradients (doctor)",
                    "Each layer's gradient norm over time and the activation statistics the training doctor watches",
                ),
            ] {
                if ui
                    .selectable_label(self.mlp_tab == tab, RichText::new(name).strong())
                    .on_hover_text(hint)
                    .clicked()
                {
                    self.mlp_tab = tab;
                }
            }
        });
        match self.mlp_tab {
            MlpTab::Weights => self.weights.ui(ui, &self.data, &self.run),
            MlpTab::Network => {
                let highlight = self.stepper.highlighted_layer();
                self.network.ui(ui, &self.data, &self.run, highlight);
            }
            MlpTab::Gradients => self.doctor.ui(ui),
        }
    }

    /// Drains worker events for at most ~10 ms so a flood never freezes a frame.
    fn drain_events(&mut self, ctx: &egui::Context) {
        let budget = Instant::now();
        while let Some(event) = self.worker.try_event() {
            self.apply_event(event);
            if budget.elapsed() > Duration::from_millis(10) {
                ctx.request_repaint();
                break;
            }
        }
        let generation = self.worker.snapshots().generation();
        if generation != self.run.snapshot_generation {
            self.run.snapshot_generation = generation;
            self.run.snapshot = self.worker.snapshots().latest();
        }
    }

    fn apply_event(&mut self, event: Event) {
        match event {
            Event::SessionStarted { steps_per_epoch } => {
                self.doctor.clear();
                self.run.losses.clear();
                self.run.evals.clear();
                self.run.step = 0;
                self.run.epoch = 0;
                self.run.steps_per_epoch = steps_per_epoch;
            }
            Event::Steps(steps) => {
                for (i, &loss) in steps.losses.iter().enumerate() {
                    self.run.losses.push(steps.first_step + i as u64, loss);
                }
            }
            Event::Progress { step, epoch } => {
                self.run.step = step;
                self.run.epoch = epoch;
            }
            Event::Eval(record) => self.run.evals.push(record),
            Event::State(state) => self.run.running = state == RunState::Running,
            Event::Finished { epochs } => self.banner = Some(Banner::Finished(epochs)),
            Event::Diverged { message, .. } => self.banner = Some(Banner::Diverged(message)),
            Event::Error(message) => self.banner = Some(Banner::Error(message)),
            Event::Panicked(message) => self.banner = Some(Banner::Crashed(message)),
            Event::StoppedEarly(stop) => self.banner = Some(Banner::StoppedEarly(stop)),
            Event::Health(report) => self.doctor.apply(&report),
            Event::GradCheck(report) => self.gradcheck.set_report(*report),
        }
    }

    /// Starts a new session with the current data and settings.
    fn reset(&mut self) {
        self.banner = None;
        self.worker.send(Command::Reset(Box::new(SessionSetup {
            data: Arc::clone(&self.data),
            config: self.settings.train.clone(),
        })));
    }

    fn rebuild_data(&mut self) {
        match self.settings.data.build() {
            Ok(data) => {
                self.data = data;
                self.views.boundary_axes = crate::ui::boundary::default_axes(&self.data);
                self.views.sample = 0;
                self.worker.send(Command::SetViews(self.views.clone()));
                self.boundary.data_changed();
                self.reset();
            }
            Err(message) => self.banner = Some(Banner::Error(message)),
        }
    }

    fn perform(&mut self, ctx: &egui::Context, action: ControlAction) {
        match action {
            ControlAction::Play => {
                if matches!(self.banner, Some(Banner::Finished(_))) {
                    self.banner = None;
                }
                self.worker.send(Command::Play);
            }
            ControlAction::Pause => self.worker.send(Command::Pause),
            ControlAction::Step(count) => self.worker.send(Command::Step(count)),
            ControlAction::Reset | ControlAction::ModelChanged => self.reset(),
            ControlAction::DataChanged => self.rebuild_data(),
            ControlAction::LearningRate(lr) => self.worker.send(Command::SetLearningRate(lr)),
            ControlAction::BatchSize(batch) => self.worker.send(Command::SetBatchSize(batch)),
            ControlAction::Optimizer(config) => self.worker.send(Command::SetOptimizer(config)),
            ControlAction::Epochs(epochs) => {
                if matches!(self.banner, Some(Banner::Finished(_))) {
                    self.banner = None;
                }
                self.worker.send(Command::SetEpochs(epochs));
            }
            ControlAction::Speed(speed) => self.worker.send(Command::SetSpeed(speed)),
            ControlAction::OpenDialog(folder) => self.import.pick(ctx, folder),
            ControlAction::OpenRecent(path) => self.import.open_path(ctx, path),
            ControlAction::TogglePresentation => self.presentation.toggle(ctx),
            ControlAction::Help => self.presentation.help_open = true,
            ControlAction::Files => {
                self.files.suggest_names(&self.data.name);
                self.files.open = true;
            }
            ControlAction::Preset(preset) => self.load_preset(preset),
            ControlAction::OpenStepper => self.stepper.open(),
            ControlAction::OpenGradCheck => {
                if self.gradcheck.open() {
                    self.worker.send(Command::GradCheck);
                }
            }
            ControlAction::L2(l2) => self.worker.send(Command::SetL2(l2)),
            ControlAction::EarlyStopping(patience) => {
                self.worker.send(Command::SetEarlyStopping(patience));
            }
        }
    }

    /// Shows test sample `sample` in the feature-map view.
    fn show_sample(&mut self, sample: usize) {
        self.views.sample = sample;
        self.worker.send(Command::SetViews(self.views.clone()));
    }

    fn lower_tabs_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            for (tab, name, hint) in [
                (LowerTab::Kernels, "Kernels", "Each Conv2d layer's filters"),
                (
                    LowerTab::Confusion,
                    "Confusion matrix",
                    "Test-split confusion matrix and misclassified digits",
                ),
                (LowerTab::Weights, "Weights", "Heatmaps of the Dense layers"),
            ] {
                if ui
                    .selectable_label(self.lower_tab == tab, RichText::new(name).heading())
                    .on_hover_text(hint)
                    .clicked()
                {
                    self.lower_tab = tab;
                }
            }
        });
        match self.lower_tab {
            LowerTab::Kernels => self.kernels.ui(ui, &self.run),
            LowerTab::Confusion => {
                if let Some(sample) = self.confusion.ui(ui, &self.data, &self.run) {
                    self.show_sample(sample);
                }
            }
            LowerTab::Weights => self.weights.ui(ui, &self.data, &self.run),
        }
    }

    fn banner_ui(&mut self, ui: &mut egui::Ui) {
        let Some(banner) = self.banner.clone() else {
            return;
        };
        let (text, color, offer_reset) = match &banner {
            Banner::Diverged(message) => (message.clone(), Color32::from_rgb(230, 140, 30), true),
            Banner::Crashed(message) => (
                format!("the training thread crashed: {message}. Reset starts a new session."),
                Color32::from_rgb(220, 60, 60),
                true,
            ),
            Banner::Error(message) => (message.clone(), Color32::from_rgb(220, 60, 60), false),
            Banner::Finished(epochs) => (
                format!(
                    "finished {epochs} epochs: raise Epochs (or set 0) and press Play to go on"
                ),
                Color32::from_rgb(90, 170, 90),
                false,
            ),
            Banner::StoppedEarly(stop) => (
                format!(
                    "stopped early after epoch {}: the test loss was lowest ({:.4}) after epoch {} and those weights are restored",
                    stop.epoch, stop.best_test_loss, stop.best_epoch
                ),
                Color32::from_rgb(90, 170, 90),
                true,
            ),
        };
        let remedies = match &banner {
            Banner::Diverged(_) => non_finite_loss(self.run.step + 1).remedies,
            _ => Vec::new(),
        };
        egui::Frame::group(ui.style())
            .stroke(egui::Stroke::new(1.5, color))
            .show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(text).color(color).strong());
                    for remedy in remedies.iter().filter(|r| **r != Remedy::Reset) {
                        if ui
                            .button(remedy.label())
                            .on_hover_text(remedy.explanation())
                            .clicked()
                        {
                            self.apply_remedy(*remedy);
                        }
                    }
                    if offer_reset
                        && ui
                            .button("Reset")
                            .on_hover_text("Start a new session with the same seed and settings")
                            .clicked()
                    {
                        self.reset();
                    }
                    if ui
                        .small_button("Dismiss")
                        .on_hover_text("Hide this message")
                        .clicked()
                    {
                        self.banner = None;
                    }
                });
            });
    }

    /// Carries out the keyboard shortcuts pressed this frame (see [`crate::ui::present`]).
    fn shortcuts(&mut self, ctx: &egui::Context) {
        for shortcut in pressed_shortcuts(ctx) {
            // Outside the lab only the mode-independent keys apply: the lab's run is paused
            // there and Space/→/R would drive it unseen.
            let lab = self.mode == AppMode::NetworkLab;
            let action = match shortcut {
                Shortcut::Presentation => ControlAction::TogglePresentation,
                Shortcut::Help => ControlAction::Help,
                _ if !lab => continue,
                Shortcut::Step if self.stepper.is_open() => {
                    self.stepper.next_phase();
                    continue;
                }
                Shortcut::Back if self.stepper.is_open() => {
                    self.stepper.previous_phase();
                    continue;
                }
                // A lesson that locks a control locks its key too.
                Shortcut::PlayPause if locked(self.lesson_file.as_ref(), ControlId::Play) => {
                    continue;
                }
                Shortcut::Step if locked(self.lesson_file.as_ref(), ControlId::Step) => continue,
                Shortcut::Reset if locked(self.lesson_file.as_ref(), ControlId::Reset) => continue,
                Shortcut::PlayPause if self.run.running => ControlAction::Pause,
                Shortcut::PlayPause => ControlAction::Play,
                Shortcut::Step => ControlAction::Step(1),
                Shortcut::Back => continue,
                Shortcut::Reset => ControlAction::Reset,
            };
            self.perform(ctx, action);
        }
        self.controls.presentation = self.presentation.is_on();
    }

    /// Keeps the window title on the data set and the seed, so a screenshot or a projected
    /// window says which run it shows.
    fn update_title(&mut self, ctx: &egui::Context) {
        let title = format!(
            "gradscope · {} · seed {}",
            self.data.name, self.settings.train.seed
        );
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    /// The window title in force.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The lesson window of an opened lesson file: its title and one step at a time.
    fn lesson_ui(&mut self, ctx: &egui::Context) {
        let Some(lesson) = &self.lesson_file else {
            return;
        };
        if lesson.steps.is_empty() || !self.lesson_open {
            return;
        }
        let count = lesson.steps.len();
        let index = self.lesson_step.min(count - 1);
        let step = lesson.steps[index].clone();
        let title = self
            .lesson_title
            .clone()
            .unwrap_or_else(|| "Lesson".to_string());
        let mut open = self.lesson_open;
        egui::Window::new(title)
            .open(&mut open)
            .default_width(360.0)
            .show(ctx, |ui| {
                ui.label(RichText::new(&step.title).strong());
                ui.label(&step.text);
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(index > 0, egui::Button::new("◀ Previous"))
                        .on_hover_text("The previous step of the lesson")
                        .clicked()
                    {
                        self.lesson_step = index - 1;
                    }
                    ui.label(format!("step {} of {count}", index + 1))
                        .on_hover_text("Where you are in the lesson");
                    if ui
                        .add_enabled(index + 1 < count, egui::Button::new("Next ▶"))
                        .on_hover_text("The next step of the lesson")
                        .clicked()
                    {
                        self.lesson_step = index + 1;
                    }
                });
            });
        self.lesson_open = open;
    }

    /// The lesson in force (from the experiment file opened last), if any.
    pub fn lesson_file(&self) -> Option<&Lesson> {
        self.lesson_file.as_ref()
    }

    /// The status line of the "Save & open" window: what the last request did.
    pub fn file_status(&self) -> Option<&Result<String, String>> {
        self.files.status.as_ref()
    }

    /// Opens the "Save & open" window and sets one of its paths (tests and scripts).
    pub fn files_panel(&mut self) -> &mut FilesPanel {
        self.files.open = true;
        &mut self.files
    }

    /// Replaces the recent-files list (e.g. with the one remembered from the last launch).
    pub fn set_recent(&mut self, recent: Vec<PathBuf>) {
        self.import.recent = recent.clone();
        self.controls.recent = recent;
    }

    /// Turns presentation mode on or off (as the F key does).
    pub fn set_presentation(&mut self, ctx: &egui::Context, on: bool) {
        self.presentation.set(ctx, on);
        self.controls.presentation = on;
    }

    /// True in presentation mode.
    pub fn presenting(&self) -> bool {
        self.presentation.is_on()
    }

    fn screenshot_logic(&mut self, ctx: &egui::Context) {
        let Some(plan) = &self.screenshot else {
            return;
        };
        if !self.screenshot_requested && self.started.elapsed().as_secs_f32() >= plan.after_secs {
            self.screenshot_requested = true;
            let Some(path) = plan.path.clone() else {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                return;
            };
            let slot = Arc::clone(&self.screenshot_result);
            let waker = ctx.clone();
            ctx.request_screenshot(move |image| {
                let result = save_png(&path, &image).map(|()| path);
                *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                waker.request_repaint();
            });
        }
        let result = self
            .screenshot_result
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(result) = result {
            match result {
                Ok(path) => {
                    println!(
                        "screenshot {} at step {} epoch {}",
                        path.display(),
                        self.run.step,
                        self.run.epoch
                    );
                    if let Some((mean, p95)) = frame_time_stats(&self.frame_seconds) {
                        println!(
                            "frame time (CPU, ui + render): mean {:.2} ms, 95th percentile {:.2} ms over {} frames",
                            mean * 1e3,
                            p95 * 1e3,
                            self.frame_seconds.len()
                        );
                    }
                }
                Err(message) => {
                    eprintln!("gradscope: {message}");
                    plan.failed
                        .store(true, std::sync::atomic::Ordering::Relaxed);
                }
            }
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        ctx.request_repaint_after(Duration::from_millis(50));
    }
}

/// Adds the bundled monospace font (Hack) as a fallback of the proportional one, so arrows,
/// bullets and ∇ in labels render instead of showing as boxes.
fn use_symbol_fallback_font(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    if let Some(family) = fonts.families.get_mut(&egui::FontFamily::Proportional)
        && !family.iter().any(|name| name == "Hack")
    {
        family.push("Hack".to_owned());
    }
    ctx.set_fonts(fonts);
}

/// Mean and 95th percentile of frame times (seconds); `None` without frames.
pub fn frame_time_stats(seconds: &[f32]) -> Option<(f32, f32)> {
    if seconds.is_empty() {
        return None;
    }
    let mut sorted = seconds.to_vec();
    sorted.sort_by(f32::total_cmp);
    let mean = sorted.iter().sum::<f32>() / sorted.len() as f32;
    let p95 = sorted[((sorted.len() - 1) as f32 * 0.95).round() as usize];
    Some((mean, p95))
}

/// Writes an RGBA screenshot as PNG.
fn save_png(path: &std::path::Path, image: &egui::ColorImage) -> Result<(), String> {
    let [width, height] = image.size;
    let bytes: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
    image::save_buffer(
        path,
        &bytes,
        width as u32,
        height as u32,
        image::ColorType::Rgba8,
    )
    .map_err(|e| format!("{}: cannot write the screenshot: {e}", path.display()))
}

impl eframe::App for GradscopeApp {
    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        // Scripted runs (--screenshot, --quit-after) leave the user's saved state alone.
        if self.screenshot.is_none() {
            self.save_to(storage);
        }
    }

    fn persist_egui_memory(&self) -> bool {
        self.screenshot.is_none()
    }

    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.drain_events(ctx);
        self.poll_files(ctx);
        let dropped = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .find_map(|f| Some(f.path().to_path_buf()).filter(|p| !p.as_os_str().is_empty()))
        });
        if let Some(path) = dropped {
            self.import.open_path(ctx, path);
        }
        self.screenshot_logic(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        if let Some(seconds) = frame.info().cpu_usage
            && self.frame_seconds.len() < 1_000_000
        {
            self.frame_seconds.push(seconds);
        }
        egui::Panel::top("mode_bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                for mode in AppMode::ALL {
                    if ui
                        .selectable_label(self.mode == mode, RichText::new(mode.name()).strong())
                        .on_hover_text(mode.hint())
                        .clicked()
                    {
                        self.set_mode(mode);
                    }
                }
            });
        });
        let ctx = ui.ctx().clone();
        self.shortcuts(&ctx);
        self.presentation.help_ui(&ctx);
        self.update_title(&ctx);
        match self.mode {
            AppMode::NetworkLab => {}
            AppMode::Lesson => {
                egui::CentralPanel::default().show(ui, |ui| self.lesson.ui(ui));
                return;
            }
            AppMode::Race => {
                egui::CentralPanel::default().show(ui, |ui| {
                    egui::ScrollArea::vertical().show(ui, |ui| self.race.ui(ui));
                });
                return;
            }
        }
        let actions = egui::Panel::left("controls")
            .resizable(true)
            .default_size(310.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .show(ui, |ui| {
                        self.controls
                            .ui(ui, &mut self.settings, &self.run, &self.data)
                    })
                    .inner
            })
            .inner;
        for action in actions {
            self.perform(ui.ctx(), action);
        }
        let panels: Vec<String> = self
            .file_jobs
            .panel_rects
            .iter()
            .map(|(name, _)| name.clone())
            .collect();
        let names: Vec<&str> = panels.iter().map(String::as_str).collect();
        if let Some(request) = self.files.ui(&ctx, &names) {
            self.file_request(&ctx, request);
        }
        self.lesson_ui(&ctx);
        if let Some(data) = self.import.ui(ui.ctx()) {
            self.controls.recent = self.import.recent.clone();
            if data.image_shape.is_some() && self.data.image_shape.is_none() {
                let seed = self.settings.train.seed;
                self.settings.train = TrainConfig::small_cnn();
                self.settings.train.seed = seed;
            } else if data.image_shape.is_none() && self.data.image_shape.is_some() {
                let seed = self.settings.train.seed;
                self.settings.train = Settings::default().train;
                self.settings.train.seed = seed;
            }
            self.settings.data.choice = DatasetChoice::Loaded(data);
            self.settings.data.source = self.import.last_source.clone();
            self.rebuild_data();
        }
        if self.stepper.ui(ui.ctx(), &self.data, &self.run) {
            self.worker.send(Command::Step(1));
        }
        if self.gradcheck.ui(ui.ctx()) {
            self.worker.send(Command::GradCheck);
        }
        egui::CentralPanel::default().show(ui, |ui| {
            self.banner_ui(ui);
            if let Some((id, remedy)) = self.doctor.banners_ui(ui) {
                if id == DetectorId::NonFiniteLoss {
                    self.banner = None;
                }
                self.apply_remedy(remedy);
            }
            let width = ui.available_width();
            let height = ui.available_height();
            let is_image = self.data.image_shape.is_some();
            let mut rects = Vec::new();
            ui.horizontal_top(|ui| {
                let left = (width * 0.5).max(260.0);
                let main = ui.allocate_ui(egui::vec2(left, height), |ui| {
                    ui.vertical(|ui| {
                        if is_image {
                            if let Some(sample) =
                                self.features
                                    .ui(ui, &self.data, &self.run, self.views.sample)
                            {
                                self.show_sample(sample);
                            }
                        } else if let Some(axes) =
                            self.boundary
                                .ui(ui, &self.data, &self.run, self.views.boundary_axes)
                        {
                            self.views.boundary_axes = axes;
                            self.worker.send(Command::SetViews(self.views.clone()));
                        }
                    });
                });
                let name = if is_image {
                    "Feature maps"
                } else {
                    "Decision boundary"
                };
                rects.push((name.to_string(), main.response.rect));
                ui.separator();
                ui.vertical(|ui| {
                    let top = (height * 0.5).max(220.0);
                    let loss = ui.allocate_ui(egui::vec2(ui.available_width(), top), |ui| {
                        self.loss.ui(ui, &self.data, &self.run);
                    });
                    rects.push(("Loss".to_string(), loss.response.rect));
                    ui.separator();
                    let lower = ui.vertical(|ui| {
                        if is_image {
                            self.lower_tabs_ui(ui);
                        } else {
                            self.mlp_tabs_ui(ui);
                        }
                    });
                    let name = match (is_image, self.lower_tab, self.mlp_tab) {
                        (true, LowerTab::Kernels, _) => "Kernels",
                        (true, LowerTab::Confusion, _) => "Confusion matrix",
                        (false, _, MlpTab::Network) => "Network view",
                        (false, _, MlpTab::Gradients) => "Gradients",
                        _ => "Weights",
                    };
                    rects.push((name.to_string(), lower.response.rect));
                });
            });
            self.file_jobs.panel_rects = rects;
        });
        self.sync_trace_request();
    }
}

#[cfg(test)]
mod tests {
    use super::frame_time_stats;

    #[test]
    fn frame_statistics() {
        assert_eq!(frame_time_stats(&[]), None);
        let times: Vec<f32> = (1..=20).map(|ms| ms as f32 / 1000.0).collect();
        let (mean, p95) = frame_time_stats(&times).expect("stats");
        assert!((mean - 0.0105).abs() < 1e-6);
        assert!((p95 - 0.019).abs() < 1e-6);
    }
}
