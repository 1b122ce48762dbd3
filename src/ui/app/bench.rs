//! The App's side of `gradscope bench-ui` (see [`crate::ui::bench`]): showing each view in
//! turn, keeping the frames' CPU times while it is measured, and closing the window with the
//! report when the last view is done.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use eframe::egui;

use super::{GradscopeApp, ImageTab, MlpTab};
use crate::train::TrainConfig;
use crate::ui::action::Action;
use crate::ui::bench::{
    BenchPlan, BenchReport, BenchView, FrameStats, ThreadTimes, ViewResult, resident_mb,
    since_launch_ms, thread_schedstat,
};
use crate::ui::runlist::RunAction;
use crate::ui::state::{AppMode, DatasetChoice, Settings};

/// Runs training side by side in the `runs` view.
const RUNS: usize = 8;

/// Where `bench-ui` gets its report back from the window.
pub type BenchSlot = Arc<Mutex<Option<BenchReport>>>;

/// Fewest frames a view is measured over.
const MIN_FRAMES: usize = 3;

/// Seconds each MNIST tab is shown while measured.
const TAB_SECONDS: f32 = 1.5;

/// The image tabs the MNIST view cycles through.
const TABS: [ImageTab; 5] = [
    ImageTab::Kernels,
    ImageTab::Confusion,
    ImageTab::Weights,
    ImageTab::Pixel,
    ImageTab::Gradients,
];

/// A running benchmark.
pub(super) struct BenchRun {
    plan: BenchPlan,
    slot: BenchSlot,
    /// Index of the view shown (== `plan.views.len()` when done).
    index: usize,
    /// When the view was entered; `None` before it is.
    entered: Option<Instant>,
    /// When measuring started, with the resident memory and step count then.
    measuring: Option<(Instant, Option<f64>, u64)>,
    /// The window thread's CPU and run-queue nanoseconds when measuring started.
    schedstat_start: Option<(u64, u64)>,
    frame_seconds: Vec<f32>,
    /// When the App's code of this frame started (`logic`), until `ui` has run.
    app_started: Option<Instant>,
    /// The App's own time of each frame measured.
    app_seconds: Vec<f32>,
    frames_seen: u64,
    first_frame_ms: Option<f64>,
    results: Vec<ViewResult>,
}

impl BenchRun {
    pub(super) fn new(plan: BenchPlan, slot: BenchSlot) -> Self {
        Self {
            plan,
            slot,
            index: 0,
            entered: None,
            measuring: None,
            schedstat_start: None,
            frame_seconds: Vec::new(),
            app_started: None,
            app_seconds: Vec::new(),
            frames_seen: 0,
            first_frame_ms: None,
            results: Vec::new(),
        }
    }

    /// Keeps the CPU time of the frame before this one while measuring.
    pub(super) fn record(&mut self, frame: &eframe::Frame) {
        if self.measuring.is_some()
            && let Some(seconds) = frame.info().cpu_usage
        {
            self.frame_seconds.push(seconds);
        }
    }

    /// Notes that the App's code of a frame starts (the start of `logic`).
    pub(super) fn app_starts(&mut self) {
        self.app_started = Some(Instant::now());
    }

    /// Keeps the App's own time of this frame (called at the end of `ui`) while measuring.
    pub(super) fn app_ends(&mut self) {
        if let Some(started) = self.app_started.take()
            && self.measuring.is_some()
        {
            self.app_seconds.push(started.elapsed().as_secs_f32());
        }
    }
}

impl GradscopeApp {
    /// One frame of the benchmark: enters the next view when it is time, starts and stops
    /// measuring, and keeps the window repainting.
    pub(super) fn bench_logic(&mut self, ctx: &egui::Context) {
        let Some(mut run) = self.bench.take() else {
            return;
        };
        run.frames_seen += 1;
        if run.frames_seen == 2 {
            run.first_frame_ms = Some(since_launch_ms());
        }
        let done = self.bench_advance(ctx, &mut run);
        if done {
            let report = BenchReport {
                first_frame_ms: run.first_frame_ms,
                plan: run.plan.clone(),
                views: std::mem::take(&mut run.results),
            };
            *run.slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(report);
            // The run ends here: the frames until the window closes change nothing.
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        } else {
            ctx.request_repaint();
            self.bench = Some(run);
        }
    }

    /// Moves the benchmark on; true once every view is measured.
    fn bench_advance(&mut self, ctx: &egui::Context, run: &mut BenchRun) -> bool {
        let Some(&view) = run.plan.views.get(run.index) else {
            return true;
        };
        let Some(entered) = run.entered else {
            self.bench_enter(ctx, view);
            run.entered = Some(Instant::now());
            return false;
        };
        let Some((started, rss_start, step_start)) = run.measuring else {
            if entered.elapsed().as_secs_f32() >= run.plan.warmup_secs {
                run.frame_seconds.clear();
                run.app_seconds.clear();
                run.schedstat_start = thread_schedstat();
                run.measuring = Some((Instant::now(), resident_mb(), self.lab.run.step));
            }
            return false;
        };
        let seconds = started.elapsed().as_secs_f32();
        if view == BenchView::Mnist {
            let tab = (seconds / TAB_SECONDS) as usize % TABS.len();
            self.panels.image_tab = TABS[tab];
        }
        // A view is measured for the plan's seconds, and longer on a machine so busy that it
        // drew fewer than MIN_FRAMES frames by then.
        if seconds < run.plan.measure_secs || run.frame_seconds.len() < MIN_FRAMES {
            return false;
        }
        let rss = resident_mb();
        let steps = self.lab.run.step.saturating_sub(step_start);
        run.results.push(ViewResult {
            view,
            frames: FrameStats::of(&run.frame_seconds),
            rss_mb: rss,
            rss_growth_mb: rss.zip(rss_start).map(|(end, start)| end - start),
            steps_per_second: view
                .trains_on_worker()
                .then(|| steps as f64 / f64::from(seconds)),
            runs_training: self.runs_training(),
            app: FrameStats::of(&run.app_seconds),
            thread: run
                .schedstat_start
                .zip(thread_schedstat())
                .and_then(|(start, end)| ThreadTimes::between(start, end, run.frame_seconds.len())),
        });
        self.bench_leave(ctx, view);
        run.index += 1;
        run.entered = None;
        run.measuring = None;
        run.index == run.plan.views.len()
    }

    /// Shows `view`, training as fast as it can.
    fn bench_enter(&mut self, ctx: &egui::Context, view: BenchView) {
        self.set_presentation(ctx, view == BenchView::Presentation);
        match view {
            BenchView::Lab | BenchView::Presentation | BenchView::Mnist => {
                self.set_mode(AppMode::NetworkLab);
                let mut settings = Settings {
                    speed: None,
                    ..Settings::default()
                };
                if view == BenchView::Mnist {
                    settings.data.choice = DatasetChoice::Mnist;
                    settings.train = TrainConfig::for_shape(Some([1, 28, 28]));
                }
                self.handle(ctx, Action::Settings(Box::new(settings)));
                self.handle(ctx, Action::Play);
            }
            BenchView::Lesson => {
                self.set_mode(AppMode::Lesson);
                let lesson = self.lesson();
                lesson.steps_per_second = 5000.0;
                lesson.playing = true;
            }
            BenchView::Race => {
                self.set_mode(AppMode::Race);
                let race = self.race();
                race.steps_per_second = 5000.0;
                race.playing = true;
            }
            BenchView::Memory => {
                // The first visit plays the demo (bench windows start with autoplay).
                self.set_mode(AppMode::Memory);
            }
            BenchView::Runs => {
                self.set_mode(AppMode::NetworkLab);
                let settings = Settings {
                    speed: None,
                    ..Settings::default()
                };
                self.handle(ctx, Action::Settings(Box::new(settings)));
                self.handle(ctx, Action::Play);
                while self.lab.runs.entries.len() < RUNS {
                    // A new run is selected at once; Play starts it (the others train on).
                    self.run_action(ctx, RunAction::New);
                    self.handle(ctx, Action::Play);
                }
                let ids: Vec<u64> = self.lab.runs.entries.iter().map(|e| e.id).collect();
                for id in ids {
                    self.run_action(ctx, RunAction::Tick(id, true));
                }
                self.panels.mlp_tab = MlpTab::Runs;
            }
        }
    }

    /// The lab's runs that are training: the selected one (the lab's own worker) and the
    /// others in the run list.
    fn runs_training(&self) -> usize {
        let selected = self.lab.runs.selected;
        let others = self
            .lab
            .runs
            .entries
            .iter()
            .filter(|e| e.id != selected && e.run.running)
            .count();
        others + usize::from(self.lab.run.running)
    }

    /// Stops what `view` started, so that the views measured after it do not share the
    /// machine with it.
    fn bench_leave(&mut self, ctx: &egui::Context, view: BenchView) {
        match view {
            BenchView::Lesson => self.lesson().playing = false,
            BenchView::Race => self.race().playing = false,
            BenchView::Runs => {
                // Runs not selected train on in the background (a window's Runs tab wants
                // that); here they would slow every view measured after this one.
                let selected = self.lab.runs.selected;
                let others: Vec<u64> = self
                    .lab
                    .runs
                    .entries
                    .iter()
                    .map(|e| e.id)
                    .filter(|&id| id != selected)
                    .collect();
                for id in others {
                    self.run_action(ctx, RunAction::Delete(id));
                }
            }
            _ => {}
        }
    }
}
