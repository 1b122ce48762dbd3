//! The eframe application. It owns the worker and the view models, lends them to the panels
//! each frame as a [`View`], and carries out the [`crate::ui::Action`]s the panels return.
//!
//! The App is split by role (as rerun's viewer splits its own):
//! - `app/events.rs`: draining the worker's events into the view models;
//! - `app/actions.rs`: carrying out actions, keys, presets and remedies;
//! - `app/layout.rs`: where each panel goes in each view;
//! - `app/capture.rs`: scripted screenshots, PNG and GIF capture, frame statistics;
//! - `app/file_ops.rs`: the "Save & open" requests and opening experiment files;
//! - `app/lab_file.rs`: every run of the lab into an experiment file and back;
//! - `app/persist.rs`: settings remembered between launches.

use std::path::PathBuf;
use std::sync::Arc;

use eframe::egui;

use crate::data::{Dataset, ImportReport, SynthConfig, SynthKind};
use crate::experiment::Worksheet;
use crate::train::{Command, SessionSetup, Snapshot, ViewRequest, Worker};
use crate::ui::boundary::BoundaryPanel;
use crate::ui::confusion::ConfusionPanel;
use crate::ui::controls::ControlsPanel;
use crate::ui::doctor::{BannersPanel, DoctorPanel};
use crate::ui::features::FeaturesPanel;
use crate::ui::files::FilesPanel;
use crate::ui::gradcheck::GradCheckPanel;
use crate::ui::import::ImportWizard;
use crate::ui::kernels::KernelsPanel;
use crate::ui::lesson::LessonPanel;
use crate::ui::loss::LossPanel;
use crate::ui::memory::MemoryPanel;
use crate::ui::network::NetworkPanel;
use crate::ui::pixel::PixelPanel;
use crate::ui::present::Presentation;
use crate::ui::race::RacePanel;
use crate::ui::runlist::RunList;
use crate::ui::runs::RunsPanel;
use crate::ui::state::{AppMode, Banner, DoctorState, RunView, Settings};
use crate::ui::stepper::StepperPanel;
use crate::ui::weights::WeightsPanel;

mod actions;
mod bench;
mod capture;
mod events;
mod file_ops;
mod lab_file;
mod layout;
mod persist;
mod runs;

pub use bench::BenchSlot;
pub use capture::{ScreenshotPlan, frame_time_stats};
pub use persist::{
    STORAGE_RECENT, STORAGE_SETTINGS, STORAGE_WINDOW, restore, settings_from_experiment,
};

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
    /// Run `gradscope bench-ui`'s plan and put its report in the slot.
    pub bench: Option<(crate::ui::bench::BenchPlan, BenchSlot)>,
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            autoplay: true,
            settings: Settings::default(),
            screenshot: None,
            open: None,
            bench: None,
        }
    }
}

/// The network lab's session: the worker and what it has reported, the settings in force.
struct Lab {
    worker: Worker,
    settings: Settings,
    data: Arc<Dataset>,
    run: RunView,
    doctor: DoctorState,
    banner: Option<Banner>,
    views: ViewRequest,
    /// The lab was training when another view was chosen (and was paused for it).
    resume: bool,
    /// Every run; the selected one is this lab's worker, run, settings and data.
    runs: RunList,
    /// The workers of the runs that are not selected, by run id.
    background: Vec<(u64, Worker)>,
    /// The selected run's model at a checkpoint picked on the timeline, shown in the panels.
    preview: Option<runs::Preview>,
}

/// Which panel fills the lower right for image data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ImageTab {
    Kernels,
    Confusion,
    Weights,
    Pixel,
    Gradients,
    Runs,
}

/// Which panel fills the lower right for feature data (MLPs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MlpTab {
    Weights,
    Network,
    Gradients,
    Runs,
}

/// Every panel, with the little state each keeps.
struct Panels {
    controls: ControlsPanel,
    banners: BannersPanel,
    loss: LossPanel,
    boundary: BoundaryPanel,
    weights: WeightsPanel,
    features: FeaturesPanel,
    kernels: KernelsPanel,
    confusion: ConfusionPanel,
    network: NetworkPanel,
    pixel: PixelPanel,
    doctor: DoctorPanel,
    stepper: StepperPanel,
    gradcheck: GradCheckPanel,
    import: ImportWizard,
    files: FilesPanel,
    lesson: LessonPanel,
    race: RacePanel,
    memory: MemoryPanel,
    runs: RunsPanel,
    image_tab: ImageTab,
    mlp_tab: MlpTab,
    /// The control panel is open (false: a narrow strip with Play/Pause, Step and Reset).
    controls_open: bool,
}

impl Panels {
    /// True while the backprop stepper is on screen: open, on the network view, with feature
    /// data (`is_image` false: it follows no CNN).
    fn stepper_shown(&self, is_image: bool) -> bool {
        self.stepper.is_open() && !is_image && self.mlp_tab == MlpTab::Network
    }
}

/// The worksheet of the experiment file opened last: locked and hidden controls, and steps
/// shown one at a time.
#[derive(Default)]
struct WorksheetState {
    sheet: Option<Worksheet>,
    title: Option<String>,
    step: usize,
    open: bool,
}

/// The gradscope window.
pub struct GradscopeApp {
    lab: Lab,
    panels: Panels,
    worksheet: WorksheetState,
    presentation: Presentation,
    mode: AppMode,
    title: String,
    capture: capture::Capture,
    file_jobs: file_ops::FileJobs,
    /// Names of the panels on screen in the last frame (for "Save PNG of a panel").
    panel_names: Vec<String>,
    /// Data files and folders opened successfully, newest first.
    recent: Vec<PathBuf>,
    /// `gradscope bench-ui`'s run, when the window was opened for it.
    bench: Option<bench::BenchRun>,
    /// The importer's report of a data set read from a file, with that data set: saved
    /// experiments write its preprocessing (columns, label, CSV options) from it.
    import_report: Option<(Arc<Dataset>, Arc<ImportReport>)>,
    /// The Memory view plays its demo the first time it is opened, unless `--paused` was
    /// given or the network already holds patterns.
    memory_demo_due: bool,
}

/// Most recent files remembered.
const RECENT: usize = 8;

impl GradscopeApp {
    /// Creates the app and its worker. The worker wakes `ctx` whenever there is news.
    pub fn new(ctx: &egui::Context, options: AppOptions) -> Self {
        use_symbol_fallback_font(ctx);
        let AppOptions {
            autoplay,
            settings,
            screenshot,
            open,
            bench,
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
        let runs = RunList::new(&settings, &data);
        let lab = Lab {
            worker,
            runs,
            background: Vec::new(),
            preview: None,
            settings,
            data,
            run: RunView {
                running: autoplay,
                ..RunView::default()
            },
            doctor: DoctorState::default(),
            banner,
            views,
            resume: false,
        };
        let mut app = Self {
            lab,
            panels: Panels::default(),
            worksheet: WorksheetState::default(),
            presentation: Presentation::default(),
            mode: AppMode::NetworkLab,
            title: String::new(),
            capture: capture::Capture::new(screenshot),
            file_jobs: file_ops::FileJobs::default(),
            panel_names: Vec::new(),
            recent: Vec::new(),
            bench: bench.map(|(plan, slot)| bench::BenchRun::new(plan, slot)),
            import_report: None,
            memory_demo_due: autoplay,
        };
        if let Some(path) = open {
            app.panels.import.open_path(ctx, path);
        }
        app
    }

    /// Keeps the importer's report of the data set in use (read from a file), for the
    /// preprocessing that saved experiments write.
    pub fn keep_import_report(&mut self, report: ImportReport) {
        self.import_report = Some((Arc::clone(&self.lab.data), Arc::new(report)));
    }

    /// Puts `path` at the top of the recent list.
    fn remember(&mut self, path: PathBuf) {
        self.recent.retain(|p| p != &path);
        self.recent.insert(0, path);
        self.recent.truncate(RECENT);
    }

    /// The view in the window.
    pub fn mode(&self) -> AppMode {
        self.mode
    }

    /// The gradient-descent lesson.
    pub fn lesson(&mut self) -> &mut LessonPanel {
        &mut self.panels.lesson
    }

    /// The optimizer race.
    pub fn race(&mut self) -> &mut RacePanel {
        &mut self.panels.race
    }

    /// The Hopfield memory view.
    pub fn memory(&mut self) -> &mut MemoryPanel {
        &mut self.panels.memory
    }

    /// The Memory view, to read.
    pub fn memory_ref(&self) -> &MemoryPanel {
        &self.panels.memory
    }

    /// Steps taken, as last reported by the worker.
    pub fn step(&self) -> u64 {
        self.lab.run.step
    }

    /// True once a snapshot with feature maps (image data) has arrived.
    pub fn has_feature_maps(&self) -> bool {
        self.lab
            .run
            .snapshot
            .as_ref()
            .is_some_and(|s| s.feature_maps.is_some())
    }

    /// Opens `path` in the import wizard (as "Open data…", a drop or a recent file do).
    pub fn open_data(&mut self, ctx: &egui::Context, path: PathBuf) {
        self.panels.import.open_path(ctx, path);
    }

    /// The import wizard's error message, if loading failed.
    pub fn import_error(&self) -> Option<&str> {
        self.panels.import.error()
    }

    /// The data set being trained on.
    pub fn data(&self) -> &Arc<Dataset> {
        &self.lab.data
    }

    /// The message across the top, if any.
    pub fn banner(&self) -> Option<&Banner> {
        self.lab.banner.as_ref()
    }

    /// The settings in force.
    pub fn settings(&self) -> &Settings {
        &self.lab.settings
    }

    /// The newest snapshot from the worker.
    pub fn snapshot(&self) -> Option<&Arc<Snapshot>> {
        self.lab.run.snapshot.as_ref()
    }

    /// Every run of the lab and which one is selected.
    pub fn runs(&self) -> &RunList {
        &self.lab.runs
    }

    /// The selected run's counters and curves (what the panels draw).
    pub fn run_view(&self) -> &RunView {
        &self.lab.run
    }

    /// The Loss panel's comparison of runs (its controls, and the lines it drew last).
    pub fn run_plot(&self) -> &crate::ui::runplot::RunPlot {
        &self.panels.loss.compare
    }

    /// The training losses the loss plot shows.
    pub fn loss_history(&self) -> &crate::train::LossHistory {
        &self.lab.run.losses
    }

    /// The feature-map pixel whose arithmetic the "Pixel arithmetic" tab explains.
    pub fn selected_pixel(&self) -> Option<crate::ui::pixel::PixelRef> {
        self.panels.pixel.selected
    }

    /// The backprop stepper window (e.g. for a key that moves to its next phase).
    pub fn stepper(&self) -> &StepperPanel {
        &self.panels.stepper
    }

    /// The backprop stepper window, to open it or move through its phases.
    pub fn stepper_mut(&mut self) -> &mut StepperPanel {
        &mut self.panels.stepper
    }

    /// The training doctor's findings and gradient history.
    pub fn doctor(&self) -> &DoctorState {
        &self.lab.doctor
    }

    /// The gradient-check window.
    pub fn gradcheck(&self) -> &GradCheckPanel {
        &self.panels.gradcheck
    }

    /// The window title in force.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The worksheet in force (from the experiment file opened last), if any.
    pub fn worksheet(&self) -> Option<&Worksheet> {
        self.worksheet.sheet.as_ref()
    }

    /// The status line of the "Save & open" window: what the last request did.
    pub fn file_status(&self) -> Option<&Result<String, String>> {
        self.panels.files.status.as_ref()
    }

    /// Opens the "Save & open" window and sets one of its paths (tests and scripts).
    pub fn files_panel(&mut self) -> &mut FilesPanel {
        self.panels.files.open = true;
        &mut self.panels.files
    }

    /// Replaces the recent-files list (e.g. with the one remembered from the last launch).
    pub fn set_recent(&mut self, recent: Vec<PathBuf>) {
        self.recent = recent;
    }

    /// Turns presentation mode on or off (as the F key does).
    pub fn set_presentation(&mut self, ctx: &egui::Context, on: bool) {
        self.presentation.set(ctx, on);
        self.panels.controls_open = !on;
    }

    /// True in presentation mode.
    pub fn presenting(&self) -> bool {
        self.presentation.is_on()
    }
}

impl Default for Panels {
    fn default() -> Self {
        Self {
            controls: ControlsPanel::default(),
            banners: BannersPanel,
            loss: LossPanel::default(),
            boundary: BoundaryPanel::default(),
            weights: WeightsPanel::default(),
            features: FeaturesPanel::default(),
            kernels: KernelsPanel::default(),
            confusion: ConfusionPanel::default(),
            network: NetworkPanel::default(),
            pixel: PixelPanel::default(),
            doctor: DoctorPanel,
            stepper: StepperPanel::default(),
            gradcheck: GradCheckPanel::default(),
            import: ImportWizard::default(),
            files: FilesPanel::default(),
            lesson: LessonPanel::default(),
            race: RacePanel::default(),
            memory: MemoryPanel::default(),
            runs: RunsPanel::default(),
            image_tab: ImageTab::Kernels,
            mlp_tab: MlpTab::Weights,
            controls_open: true,
        }
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

impl eframe::App for GradscopeApp {
    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        // Scripted runs (--screenshot, --quit-after) leave the user's saved state alone.
        if !self.capture.is_scripted() {
            self.save_to(storage);
        }
    }

    /// egui's memory holds the zoom: it is not saved in presentation mode, so the
    /// presentation zoom is never remembered as the normal one.
    fn persist_egui_memory(&self) -> bool {
        !self.capture.is_scripted() && !self.presentation.is_on()
    }

    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        if let Some(bench) = &mut self.bench {
            bench.app_starts();
        }
        self.drain_events(ctx);
        self.poll_files(ctx);
        let dropped = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .find_map(|f| Some(f.path().to_path_buf()).filter(|p| !p.as_os_str().is_empty()))
        });
        if let Some(path) = dropped {
            self.panels.import.open_path(ctx, path);
        }
        self.screenshot_logic(ctx);
        self.bench_logic(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        self.capture.record_frame(frame);
        if let Some(bench) = &mut self.bench {
            bench.record(frame);
        }
        self.window_ui(ui);
        if let Some(bench) = &mut self.bench {
            bench.app_ends();
        }
    }
}
