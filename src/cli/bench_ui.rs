//! `gradscope bench-ui`: the window's frame times and memory, view by view (see
//! [`crate::ui::bench`]).

use std::process::ExitCode;

use clap::Args;

use crate::ui::bench::{BenchPlan, BenchView, run_bench};

/// Options of `gradscope bench-ui`.
#[derive(Args, Debug, Clone)]
pub struct BenchUiArgs {
    /// Print one JSON line (keys `<view>_mean_ms`, `<view>_p95_ms`, `<view>_max_ms`,
    /// `<view>_rss_mb`, …) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Seconds each view is measured (after its warm-up).
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub seconds: f32,
    /// Seconds each view runs before it is measured.
    #[arg(long, default_value_t = 2.0, value_name = "SECONDS")]
    pub warmup: f32,
    /// The views, comma-separated, in order: lab mnist lesson race presentation memory
    /// (default: all of them).
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_view)]
    pub views: Vec<BenchView>,
}

fn parse_view(text: &str) -> Result<BenchView, String> {
    BenchView::parse(text).ok_or_else(|| {
        let known: Vec<&str> = BenchView::ALL.iter().map(|v| v.name()).collect();
        format!("unknown view '{text}' (known: {})", known.join(" "))
    })
}

/// The plan of `args`.
///
/// # Errors
/// A one-line reason when a number of seconds is out of range (0 < measured ≤ 3600,
/// 0 ≤ warm-up ≤ 3600).
pub fn bench_plan(args: &BenchUiArgs) -> Result<BenchPlan, String> {
    if !(args.seconds > 0.0 && args.seconds <= 3600.0) {
        return Err(format!(
            "--seconds: give a number of seconds above 0 and at most 3600, got {}",
            args.seconds
        ));
    }
    if !(args.warmup >= 0.0 && args.warmup <= 3600.0) {
        return Err(format!(
            "--warmup: give a number of seconds from 0 to 3600, got {}",
            args.warmup
        ));
    }
    let views = if args.views.is_empty() {
        BenchView::ALL.to_vec()
    } else {
        args.views.clone()
    };
    Ok(BenchPlan {
        views,
        warmup_secs: args.warmup,
        measure_secs: args.seconds,
        json: args.json,
    })
}

/// Runs `gradscope bench-ui`: exit status 2 for bad arguments, 1 when the window cannot open.
pub fn bench_ui(args: &BenchUiArgs) -> ExitCode {
    match bench_plan(args) {
        Ok(plan) => run_bench(plan),
        Err(message) => {
            eprintln!("gradscope: {message}");
            ExitCode::from(2)
        }
    }
}
