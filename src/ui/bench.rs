//! `gradscope bench-ui`: how smooth the window stays while training runs at full speed.
//!
//! The command opens the real window (1280×800) and shows each view in turn: the lab on the
//! spiral, MNIST with each of its tabs, the gradient-descent lesson, the optimizer race, the
//! lab in presentation mode, the Hopfield memory and eight runs side by side. Every view first warms up (its data
//! loads, its training gets going), then is measured for a fixed time (and over at least three
//! frames) while the window repaints continuously. Per view it reports the CPU time of each frame (egui's
//! `Frame::info().cpu_usage`: the App's update, tessellation and painting, without waiting
//! for the display), as mean, 95th percentile and maximum in milliseconds, the resident
//! memory at the end and its growth while measured, and, for the lab's views, the training
//! steps per second. It also reports the cold start: milliseconds from `main` to the start of
//! the second frame, i.e. until the first frame has been drawn.
//!
//! Frame times are measured, never asserted: they go in the README's table.

use std::process::ExitCode;
use std::sync::OnceLock;
use std::time::Instant;

use serde_json::{Map, Value};

/// One view the benchmark shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BenchView {
    /// The network lab on the default spiral, training as fast as it can.
    Lab,
    /// The lab on the bundled MNIST subset with the default CNN; the image tabs (kernels,
    /// confusion, weights, pixel arithmetic, gradients) take turns.
    Mnist,
    /// The gradient-descent lesson at its fastest pace (5 000 steps/s, stepped on the UI
    /// thread within its 8 ms budget per frame).
    Lesson,
    /// The optimizer race at its fastest pace (5 000 steps/s, on the UI thread).
    Race,
    /// The lab on the spiral in presentation mode (zoomed, high contrast).
    Presentation,
    /// The Hopfield memory playing its opening demo.
    Memory,
    /// Eight runs of the default spiral training at full speed, all ticked (their curves
    /// overlaid), with the Runs tab open.
    Runs,
}

impl BenchView {
    /// Every view, in the order the benchmark shows them.
    pub const ALL: [BenchView; 7] = [
        BenchView::Lab,
        BenchView::Mnist,
        BenchView::Lesson,
        BenchView::Race,
        BenchView::Presentation,
        BenchView::Memory,
        BenchView::Runs,
    ];

    /// The view's name, as `--views` takes it and as the JSON keys begin.
    pub fn name(self) -> &'static str {
        match self {
            BenchView::Lab => "lab",
            BenchView::Mnist => "mnist",
            BenchView::Lesson => "lesson",
            BenchView::Race => "race",
            BenchView::Presentation => "presentation",
            BenchView::Memory => "memory",
            BenchView::Runs => "runs",
        }
    }

    /// The view named `text` (case-insensitive), if any.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|view| view.name().eq_ignore_ascii_case(text.trim()))
    }

    /// True for the views whose training runs on the worker thread (steps are counted).
    pub fn trains_on_worker(self) -> bool {
        matches!(
            self,
            BenchView::Lab | BenchView::Mnist | BenchView::Presentation | BenchView::Runs
        )
    }
}

/// What `bench-ui` measures and how long.
#[derive(Clone, Debug, PartialEq)]
pub struct BenchPlan {
    /// The views, in order.
    pub views: Vec<BenchView>,
    /// Seconds each view runs before measuring starts.
    pub warmup_secs: f32,
    /// Seconds each view is measured.
    pub measure_secs: f32,
    /// Print one JSON line instead of a table.
    pub json: bool,
}

/// Frame-time statistics of one view, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FrameStats {
    /// Frames measured.
    pub frames: usize,
    /// Mean CPU time per frame.
    pub mean_ms: f64,
    /// 95th percentile (nearest rank).
    pub p95_ms: f64,
    /// Slowest frame.
    pub max_ms: f64,
}

impl FrameStats {
    /// Statistics of frame times given in seconds; `None` without frames.
    pub fn of(seconds: &[f32]) -> Option<Self> {
        if seconds.is_empty() {
            return None;
        }
        let mut sorted: Vec<f64> = seconds.iter().map(|&s| f64::from(s) * 1e3).collect();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        // Nearest rank: the smallest value with at least 95 % of the frames at or below it.
        let rank = ((0.95 * n as f64).ceil() as usize).clamp(1, n);
        Some(Self {
            frames: n,
            mean_ms: sorted.iter().sum::<f64>() / n as f64,
            p95_ms: sorted[rank - 1],
            max_ms: sorted[n - 1],
        })
    }
}

/// What one view measured.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewResult {
    /// The view.
    pub view: BenchView,
    /// Its frame times; `None` when no frame was drawn while measuring.
    pub frames: Option<FrameStats>,
    /// Resident memory at the end of the measurement, in MB (10⁶ bytes).
    pub rss_mb: Option<f64>,
    /// Resident memory at the end minus at the start of the measurement, in MB.
    pub rss_growth_mb: Option<f64>,
    /// Training steps per second while measured (views that train on the worker).
    pub steps_per_second: Option<f64>,
    /// The lab's runs training at the end of the measurement (each on a thread of its own).
    pub runs_training: usize,
    /// Wall-clock time of the App's own code per frame (its `logic` and `ui`: reading the
    /// training snapshots and building the panels); `None` when no frame was drawn. The rest
    /// of a frame is eframe's: asking the display server for the window's geometry and state
    /// (on X11 a dozen round trips per frame), tessellating and painting.
    pub app: Option<FrameStats>,
    /// The window thread's time per frame in milliseconds, over whole frame intervals: on a
    /// core, and ready to run but waiting for one (Linux's `/proc/thread-self/schedstat`;
    /// `None` elsewhere).
    pub thread: Option<ThreadTimes>,
}

/// Where the window thread's time went, per frame, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ThreadTimes {
    /// Running on a core (the App, eframe, Mesa's drawing calls, the buffer swap).
    pub on_cpu_ms: f64,
    /// Ready to run but waiting for a core (other threads and processes had them).
    pub waiting_ms: f64,
}

impl ThreadTimes {
    /// Per-frame times between two readings of [`thread_schedstat`] taken `frames` frames
    /// apart; `None` without frames or when a counter went backwards.
    pub fn between(start: (u64, u64), end: (u64, u64), frames: usize) -> Option<Self> {
        if frames == 0 {
            return None;
        }
        let per_frame = |a: u64, b: u64| b.checked_sub(a).map(|ns| ns as f64 / 1e6 / frames as f64);
        Some(Self {
            on_cpu_ms: per_frame(start.0, end.0)?,
            waiting_ms: per_frame(start.1, end.1)?,
        })
    }
}

/// The first two fields of a `schedstat` file (`proc(5)`: time spent on the CPU and time
/// spent waiting on a run queue, both in nanoseconds); `None` if they are not numbers.
pub fn parse_schedstat(text: &str) -> Option<(u64, u64)> {
    let mut fields = text.split_whitespace().map(str::parse::<u64>);
    Some((fields.next()?.ok()?, fields.next()?.ok()?))
}

/// The calling thread's CPU and run-queue times in nanoseconds (see [`parse_schedstat`]);
/// `None` where the kernel does not report them (not Linux, or without `CONFIG_SCHEDSTATS`).
pub fn thread_schedstat() -> Option<(u64, u64)> {
    parse_schedstat(&std::fs::read_to_string("/proc/thread-self/schedstat").ok()?)
}

/// Everything `bench-ui` reports.
#[derive(Clone, Debug, PartialEq)]
pub struct BenchReport {
    /// Milliseconds from `main` until the first frame had been drawn.
    pub first_frame_ms: Option<f64>,
    /// The plan measured.
    pub plan: BenchPlan,
    /// One result per view, in order.
    pub views: Vec<ViewResult>,
}

/// Rounds to two decimals for the report.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl BenchReport {
    /// The report as one JSON object: `first_frame_ms`, `GLIBC_TUNABLES` (the setting
    /// the process runs with, see [`crate::ui::startenv`]; `null` when unset),
    /// `antialias_edges` and `antialias_reason` (see [`crate::ui::edges`]; `null` before the
    /// window chose), the plan's seconds, and per view
    /// `<view>_frames`, `<view>_frames_per_s`, `<view>_mean_ms`, `<view>_p95_ms`, `<view>_max_ms`, `<view>_rss_mb`,
    /// `<view>_rss_growth_mb`, `<view>_runs_training` (the lab's runs training at the end,
    /// each on a thread of its own), the App's own part of a frame `<view>_app_ms_mean` and
    /// `<view>_app_ms_p95` (see [`ViewResult::app`]), the window thread's time per frame on a
    /// core and waiting for one, `<view>_thread_cpu_ms` and `<view>_thread_wait_ms` (see
    /// [`ViewResult::thread`]), and (views that train on the worker) `<view>_steps_per_s`.
    /// Values that could not be measured are `null`.
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        let number = |x: Option<f64>| x.map(round2).map_or(Value::Null, Value::from);
        map.insert("first_frame_ms".into(), number(self.first_frame_ms));
        map.insert(
            crate::ui::startenv::TUNABLES_VAR.into(),
            crate::ui::startenv::current_tunables().map_or(Value::Null, Value::from),
        );
        let edges = crate::ui::edges::applied();
        map.insert(
            "antialias_edges".into(),
            edges.map_or(Value::Null, |e| Value::from(e.antialias)),
        );
        map.insert(
            "antialias_reason".into(),
            edges.map_or(Value::Null, |e| Value::from(e.reason)),
        );
        map.insert(
            "warmup_s".into(),
            Value::from(f64::from(self.plan.warmup_secs)),
        );
        map.insert(
            "measured_s".into(),
            Value::from(f64::from(self.plan.measure_secs)),
        );
        for result in &self.views {
            let name = result.view.name();
            let stats = result.frames;
            map.insert(
                format!("{name}_frames"),
                Value::from(stats.map_or(0, |s| s.frames)),
            );
            // Frames shown per second: what a user sees as smoothness (the frame times above
            // leave out the wait for the renderer to finish the picture).
            let per_second = stats.map(|s| s.frames as f64 / f64::from(self.plan.measure_secs));
            map.insert(format!("{name}_frames_per_s"), number(per_second));
            map.insert(format!("{name}_mean_ms"), number(stats.map(|s| s.mean_ms)));
            map.insert(format!("{name}_p95_ms"), number(stats.map(|s| s.p95_ms)));
            map.insert(format!("{name}_max_ms"), number(stats.map(|s| s.max_ms)));
            map.insert(format!("{name}_rss_mb"), number(result.rss_mb));
            map.insert(
                format!("{name}_rss_growth_mb"),
                number(result.rss_growth_mb),
            );
            map.insert(
                format!("{name}_runs_training"),
                Value::from(result.runs_training),
            );
            let app = result.app;
            map.insert(
                format!("{name}_app_ms_mean"),
                number(app.map(|s| s.mean_ms)),
            );
            map.insert(format!("{name}_app_ms_p95"), number(app.map(|s| s.p95_ms)));
            let thread = result.thread;
            map.insert(
                format!("{name}_thread_cpu_ms"),
                number(thread.map(|t| t.on_cpu_ms)),
            );
            map.insert(
                format!("{name}_thread_wait_ms"),
                number(thread.map(|t| t.waiting_ms)),
            );
            if result.view.trains_on_worker() {
                map.insert(
                    format!("{name}_steps_per_s"),
                    number(result.steps_per_second),
                );
            }
        }
        Value::Object(map)
    }

    /// The report as a table for people (one row per view).
    pub fn table(&self) -> String {
        let cell = |x: Option<f64>| x.map_or_else(|| "–".to_string(), |x| format!("{x:.1}"));
        let mut out = format!(
            "first frame after {} ms; each view warmed up {} s, then measured {} s\n",
            cell(self.first_frame_ms),
            self.plan.warmup_secs,
            self.plan.measure_secs
        );
        if let Some(edges) = crate::ui::edges::applied() {
            let state = if edges.antialias { "on" } else { "off" };
            out.push_str(&format!("anti-aliased edges {state}: {}\n", edges.reason));
        }
        out.push_str(
            "view          frames  frames/s  mean ms  p95 ms  max ms  app ms  app p95  \
             cpu ms  wait ms  RSS MB  growth MB  steps/s\n",
        );
        for r in &self.views {
            let s = r.frames;
            out.push_str(&format!(
                "{:<12} {:>7} {:>9} {:>8} {:>7} {:>7} {:>7} {:>8} {:>7} {:>8} {:>7} {:>10} {:>8}\n",
                r.view.name(),
                s.map_or(0, |s| s.frames),
                cell(s.map(|s| s.frames as f64 / f64::from(self.plan.measure_secs))),
                cell(s.map(|s| s.mean_ms)),
                cell(s.map(|s| s.p95_ms)),
                cell(s.map(|s| s.max_ms)),
                cell(r.app.map(|s| s.mean_ms)),
                cell(r.app.map(|s| s.p95_ms)),
                cell(r.thread.map(|t| t.on_cpu_ms)),
                cell(r.thread.map(|t| t.waiting_ms)),
                cell(r.rss_mb),
                cell(r.rss_growth_mb),
                r.steps_per_second
                    .map_or_else(|| "–".to_string(), |x| format!("{x:.0}")),
            ));
        }
        out.push_str(
            "app: the App's own code per frame; cpu/wait: the window thread's time per frame \
             on a core / ready but waiting for one\n",
        );
        out
    }
}

static LAUNCHED: OnceLock<Instant> = OnceLock::new();

/// Notes the moment the program started (called first thing in `main`); the cold-start time
/// is measured from it.
pub fn mark_launch() {
    let _ = LAUNCHED.set(Instant::now());
}

/// Milliseconds since [`mark_launch`] (since the first call of this function if it was never
/// called).
pub fn since_launch_ms() -> f64 {
    LAUNCHED.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
}

/// The process's resident memory in MB (10⁶ bytes), if the platform reports it.
pub fn resident_mb() -> Option<f64> {
    memory_stats::memory_stats().map(|m| m.physical_mem as f64 / 1e6)
}

/// Opens the window and runs `plan`, then prints the report (JSON line or table) on stdout.
/// Exit status 0 when every view drew frames, 1 when the window could not open or a view drew
/// none.
pub fn run_bench(plan: BenchPlan) -> ExitCode {
    let json = plan.json;
    let report = std::sync::Arc::new(std::sync::Mutex::new(None));
    let options = crate::ui::AppOptions {
        autoplay: true,
        settings: crate::ui::Settings {
            speed: None,
            ..crate::ui::Settings::default()
        },
        bench: Some((plan, std::sync::Arc::clone(&report))),
        ..crate::ui::AppOptions::default()
    };
    let native_options = eframe::NativeOptions {
        viewport: eframe::egui::ViewportBuilder::default()
            .with_title("gradscope — bench-ui")
            .with_inner_size([1280.0, 800.0]),
        persist_window: false,
        ..Default::default()
    };
    let result = eframe::run_native(
        "gradscope-bench-ui",
        native_options,
        Box::new(move |cc| {
            cc.egui_ctx
                .memory_mut(|memory| *memory = Default::default());
            crate::ui::edges::apply(&cc.egui_ctx);
            Ok(Box::new(crate::ui::GradscopeApp::new(
                &cc.egui_ctx,
                options,
            )))
        }),
    );
    if let Err(e) = result {
        eprintln!(
            "gradscope bench-ui: cannot open the window: {}. Run it under Xvfb: \
             xvfb-run -a -s \"-screen 0 1280x800x24\" gradscope bench-ui",
            crate::ui::launch::window_error(&e.to_string())
        );
        return ExitCode::FAILURE;
    }
    let Some(report) = report.lock().unwrap_or_else(|e| e.into_inner()).take() else {
        eprintln!("gradscope bench-ui: the window closed before every view was measured");
        return ExitCode::FAILURE;
    };
    let report: BenchReport = report;
    if json {
        crate::cli::stdout::print_line(&report.to_json().to_string());
    } else {
        crate::cli::stdout::print_line(report.table().trim_end_matches('\n'));
    }
    if report.views.iter().any(|v| v.frames.is_none()) {
        eprintln!("gradscope bench-ui: a view drew no frame while measured");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::{BenchView, FrameStats, ThreadTimes, parse_schedstat};

    #[test]
    fn nearest_rank_percentile_of_twenty_frames() {
        // 1..=20 ms: the 95th percentile by nearest rank is the 19th value.
        let seconds: Vec<f32> = (1..=20).map(|ms| ms as f32 / 1e3).collect();
        let stats = FrameStats::of(&seconds).expect("frames");
        assert_eq!(stats.frames, 20);
        assert!((stats.p95_ms - 19.0).abs() < 1e-4, "{stats:?}");
        assert!((stats.mean_ms - 10.5).abs() < 1e-4, "{stats:?}");
        assert!((stats.max_ms - 20.0).abs() < 1e-4, "{stats:?}");
        assert_eq!(FrameStats::of(&[]), None);
    }

    #[test]
    fn schedstat_times_per_frame() {
        assert_eq!(
            parse_schedstat("123456789 2000000 345\n"),
            Some((123_456_789, 2_000_000))
        );
        assert_eq!(parse_schedstat("12 x 3"), None);
        assert_eq!(parse_schedstat(""), None);
        let times = ThreadTimes::between((1_000_000, 500_000), (31_000_000, 20_500_000), 10)
            .expect("ten frames");
        assert!((times.on_cpu_ms - 3.0).abs() < 1e-12, "{times:?}");
        assert!((times.waiting_ms - 2.0).abs() < 1e-12, "{times:?}");
        assert_eq!(ThreadTimes::between((0, 0), (5, 5), 0), None);
        assert_eq!(ThreadTimes::between((9, 0), (5, 5), 3), None);
    }

    #[test]
    fn view_names_round_trip() {
        for view in BenchView::ALL {
            assert_eq!(BenchView::parse(view.name()), Some(view));
        }
        assert_eq!(BenchView::parse(" MNIST "), Some(BenchView::Mnist));
        assert_eq!(BenchView::parse("gallery"), None);
    }
}
