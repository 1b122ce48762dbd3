//! The view models the panels read: what the user set ([`Settings`]), what the worker has
//! reported ([`RunView`], [`DoctorState`]), the message across the top ([`Banner`]), the view
//! in the window ([`AppMode`]), and [`View`], the read-only bundle every panel is drawn from.
//!
//! Panels import this module, never `app.rs`: the App owns these values, updates them from
//! the worker's events and from the panels' [`crate::ui::Action`]s, and lends them to the
//! panels each frame.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use crate::data::{Dataset, SynthConfig, SynthKind, iris, mnist_bundled};
use crate::experiment::{DatasetRef, Worksheet};
use crate::train::doctor::{ActivationStats, DetectorId, Diagnosis, Remedy};
use crate::train::{
    EarlyStop, EvalRecord, HealthReport, LossHistory, Snapshot, TrainConfig, ViewRequest,
};
use crate::ui::runlist::RunList;

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

impl PartialEq for DatasetChoice {
    /// Loaded sets are equal only when they are the same set in memory.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (DatasetChoice::Synth(a), DatasetChoice::Synth(b)) => a == b,
            (DatasetChoice::Iris, DatasetChoice::Iris)
            | (DatasetChoice::Mnist, DatasetChoice::Mnist) => true,
            (DatasetChoice::Loaded(a), DatasetChoice::Loaded(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
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
#[derive(Clone, Debug, PartialEq)]
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
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Data set and generator settings.
    pub data: DataSettings,
    /// Layers, optimizer, batch size, epochs, seed.
    pub train: TrainConfig,
    /// Most steps per second while playing; `None` = as fast as possible.
    pub speed: Option<f64>,
}

/// Points of the window's first data set (half of them for training).
pub const DEFAULT_SPIRAL_SAMPLES: usize = 800;
/// L2 coefficient of the window's first run.
pub const DEFAULT_L2: f64 = 0.001;

impl Default for Settings {
    /// The window's first run: the spiral with 800 points (400 to train) and the default
    /// network for two features (see [`TrainConfig::for_data`]) with a light L2 (λ = 0.001),
    /// paced at 600 steps per second. Measured (tests/train_doctor.rs): it reaches ~99 % test
    /// accuracy and raises no doctor finding and no loss spike in 30 000 steps, where 400
    /// points without L2 overfit after ~6 000 steps. The failures are for the presets.
    fn default() -> Self {
        let mut data = DataSettings::synth(SynthKind::Spiral);
        data.synth.samples = DEFAULT_SPIRAL_SAMPLES;
        let mut train = TrainConfig::for_shape(None);
        train.l2 = DEFAULT_L2;
        Self {
            data,
            train,
            speed: Some(600.0),
        }
    }
}

/// A message across the top of the panels.
#[derive(Clone, Debug, PartialEq)]
pub enum Banner {
    /// Training stopped on a non-finite loss: the message and the fixes offered under it.
    Diverged(String, Vec<Remedy>),
    /// The worker panicked.
    Crashed(String),
    /// A setting could not be applied.
    Error(String),
    /// Work the user asked for succeeded (e.g. an export), with what it did.
    Done(String),
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
    /// When the run reached which step and epoch (for the runs' x axes).
    pub clock: crate::ui::runclock::RunClock,
    /// The newest snapshot.
    pub snapshot: Option<Arc<Snapshot>>,
    /// Generation of `snapshot` (changes when a new one arrives).
    pub snapshot_generation: u64,
    /// Settings changed while the run trained (learning rate, optimizer, batch size, L2),
    /// oldest first: such a run is not grouped with runs that kept theirs.
    pub changes: Vec<crate::experiment::SettingChange>,
    /// The worker's next evaluation at this step is not taken in: a branch's first one (the
    /// branch point belongs to the parent) or a reopened run's (its saved history has it).
    pub skip_eval_at: Option<u64>,
}

/// Points kept per layer in the gradient-norm history; older ones are thinned by halves.
pub const MAX_NORM_POINTS: usize = 4096;

/// What the training doctor has reported in this session, and which findings the user
/// dismissed. Updated from the worker's `Health` events; read by the doctor panel and the
/// banners.
#[derive(Default)]
pub struct DoctorState {
    /// Steps of the kept gradient-norm records.
    pub steps: Vec<u64>,
    /// Per record, the Frobenius norm of each layer's weight gradient (input side first).
    pub norms: Vec<Vec<f64>>,
    /// Names of the layers whose norms are recorded.
    pub layer_names: Vec<String>,
    /// Activation statistics of the latest evaluation.
    pub stats: Vec<ActivationStats>,
    findings: Vec<Diagnosis>,
    dismissed: HashSet<DetectorId>,
}

impl DoctorState {
    /// Forgets everything (a new session started).
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Takes in one report. Findings stay on screen once raised (until dismissed or reset),
    /// with their newest message.
    pub fn apply(&mut self, report: &HealthReport) {
        if let Some(record) = &report.norms {
            if self
                .norms
                .first()
                .is_some_and(|n| n.len() != record.norms.len())
            {
                self.steps.clear();
                self.norms.clear();
            }
            if self.steps.last().is_none_or(|&s| s < record.step) {
                self.steps.push(record.step);
                self.norms.push(record.norms.clone());
            }
            if self.steps.len() > MAX_NORM_POINTS {
                self.steps = std::mem::take(&mut self.steps)
                    .into_iter()
                    .step_by(2)
                    .collect();
                self.norms = std::mem::take(&mut self.norms)
                    .into_iter()
                    .step_by(2)
                    .collect();
            }
        }
        self.layer_names.clone_from(&report.layer_names);
        self.stats.clone_from(&report.stats);
        for diagnosis in &report.diagnoses {
            match self.findings.iter_mut().find(|d| d.id == diagnosis.id) {
                Some(existing) => *existing = diagnosis.clone(),
                None => self.findings.push(diagnosis.clone()),
            }
        }
        // The most fundamental cause first (see `DetectorId`'s order): the message strip shows
        // the first finding without scrolling.
        self.findings.sort_by_key(|d| d.id);
    }

    /// Findings raised so far and not dismissed, in [`DetectorId`]'s order.
    pub fn findings(&self) -> Vec<&Diagnosis> {
        self.findings
            .iter()
            .filter(|d| !self.dismissed.contains(&d.id))
            .collect()
    }

    /// Gradient-norm records kept for the plot.
    pub fn norm_count(&self) -> usize {
        self.steps.len()
    }

    /// Hides one finding for the rest of the session.
    pub fn dismiss(&mut self, id: DetectorId) {
        self.dismissed.insert(id);
    }

    /// Forgets one finding so it can be raised again (after its remedy was applied).
    pub fn resolve(&mut self, id: DetectorId) {
        self.findings.retain(|d| d.id != id);
    }
}

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
    /// The Hopfield memory: storing patterns and recalling them.
    Memory,
}

impl AppMode {
    /// Every mode, in bar order.
    pub const ALL: [AppMode; 4] = [
        AppMode::NetworkLab,
        AppMode::Lesson,
        AppMode::Race,
        AppMode::Memory,
    ];

    /// The name in the bar.
    pub fn name(self) -> &'static str {
        match self {
            AppMode::NetworkLab => "Network lab",
            AppMode::Lesson => "Gradient descent",
            AppMode::Race => "Optimizer race",
            AppMode::Memory => "Memory",
        }
    }

    /// Case-insensitive `lab`, `lesson`, `race` or `memory`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "lab" | "network" => Some(AppMode::NetworkLab),
            "lesson" => Some(AppMode::Lesson),
            "race" => Some(AppMode::Race),
            "memory" => Some(AppMode::Memory),
            _ => None,
        }
    }

    /// The tooltip of the mode's button.
    pub fn hint(self) -> &'static str {
        match self {
            AppMode::NetworkLab => {
                "Train a network on a data set and watch its loss, boundary and weights"
            }
            AppMode::Lesson => {
                "Watch gradient descent fit a line: the data, the loss landscape, the update with numbers"
            }
            AppMode::Race => "Race SGD, Momentum, Nesterov, RMSProp and Adam on the same surface",
            AppMode::Memory => {
                "A Hopfield network: store patterns, then watch it recall one from a corrupted cue"
            }
        }
    }
}

/// Everything a panel may read in one frame. The App builds it from its own state; panels
/// never see the App, the worker or the model, and say what they want done by returning an
/// [`crate::ui::Action`].
#[derive(Clone, Copy)]
pub struct View<'a> {
    /// What the user set.
    pub settings: &'a Settings,
    /// The data set being trained on.
    pub data: &'a Arc<Dataset>,
    /// Counters, losses, evaluations and the newest snapshot.
    pub run: &'a RunView,
    /// The training doctor's findings and gradient-norm history.
    pub doctor: &'a DoctorState,
    /// The heavy views asked of the worker (shown sample, boundary axes, trace).
    pub views: &'a ViewRequest,
    /// The message across the top, if any.
    pub banner: Option<&'a Banner>,
    /// Presentation mode: advanced controls are hidden.
    pub presenting: bool,
    /// The worksheet in force (from the experiment file opened last): the controls it hides
    /// are not drawn, those it locks are greyed out.
    pub worksheet: Option<&'a Worksheet>,
    /// Recently opened data files and folders, newest first.
    pub recent: &'a [PathBuf],
    /// The Dense layer the backprop stepper is on (highlighted in the network view).
    pub highlighted_layer: Option<usize>,
    /// The backprop stepper's phase while it is open: the network view puts that phase's
    /// numbers on its neurons and edges.
    pub stepper_phase: Option<Phase>,
    /// Names of the panels on screen (for "Save PNG of a panel").
    pub panel_names: &'a [String],
    /// Every run of the lab and which one is selected (the one `run` shows).
    pub runs: &'a RunList,
}

/// Owned stand-ins for every part of a [`View`] (the default settings and their data set, an
/// empty run), for drawing one panel on its own: tests, and views that do not use the lab's
/// session (the gradient-descent lesson, the optimizer race).
pub struct StandaloneView {
    settings: Settings,
    data: Arc<Dataset>,
    run: RunView,
    doctor: DoctorState,
    views: ViewRequest,
    runs: RunList,
}

impl Default for StandaloneView {
    fn default() -> Self {
        let settings = Settings::default();
        let data = settings.data.build().unwrap_or_else(|_| {
            Arc::new(crate::data::generate(&SynthConfig::new(SynthKind::Circle)))
        });
        let runs = RunList::new(&settings, &data);
        Self {
            settings,
            data,
            run: RunView::default(),
            doctor: DoctorState::default(),
            views: ViewRequest::default(),
            runs,
        }
    }
}

impl StandaloneView {
    /// The view: nothing presented, no worksheet, no recent files.
    pub fn view(&self) -> View<'_> {
        View {
            settings: &self.settings,
            data: &self.data,
            run: &self.run,
            doctor: &self.doctor,
            views: &self.views,
            banner: None,
            presenting: false,
            worksheet: None,
            recent: &[],
            highlighted_layer: None,
            stepper_phase: None,
            panel_names: &[],
            runs: &self.runs,
        }
    }
}

/// One phase of a training step, as the backprop stepper shows it and the network view
/// labels it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Forward through Dense layer `l` (0-based) and its activation.
    Forward(usize),
    /// The loss and its gradient with respect to the output.
    Loss,
    /// Backward through layer `l` (0-based): δ and ∂E/∂W.
    Backward(usize),
    /// The weight update.
    Update,
}

impl Phase {
    /// Phase number `index` (0-based) of a step through `layers` Dense layers:
    /// forward 1 … L, loss, backward L … 1, update (`2L + 2` phases).
    pub fn at(index: usize, layers: usize) -> Phase {
        if index < layers {
            Phase::Forward(index)
        } else if index == layers {
            Phase::Loss
        } else if index <= 2 * layers {
            Phase::Backward(2 * layers - index)
        } else {
            Phase::Update
        }
    }

    /// Short title, e.g. "forward through layer 2" (layers counted from 1).
    pub fn title(self) -> String {
        match self {
            Phase::Forward(l) => format!("forward through layer {}", l + 1),
            Phase::Loss => "the loss".to_string(),
            Phase::Backward(l) => format!("backward through layer {} (δ)", l + 1),
            Phase::Update => "the update".to_string(),
        }
    }

    /// The Dense layer this phase works on (`None` for the loss; all for the update).
    pub fn layer(self) -> Option<usize> {
        match self {
            Phase::Forward(l) | Phase::Backward(l) => Some(l),
            Phase::Loss | Phase::Update => None,
        }
    }
}
