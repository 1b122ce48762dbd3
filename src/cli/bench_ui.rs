//! `gradscope bench-ui`: the window's frame times and memory, view by view (see
//! [`crate::ui::bench`]).

use std::process::ExitCode;

use clap::Args;

use crate::ui::bench::{BenchPlan, BenchView, run_bench};
use crate::ui::probe::{PROBE_WORK_RANGE_MS, probe_json, probe_line, run_probe};

/// Options of `gradscope bench-ui`.
#[derive(Args, Debug, Clone)]
pub struct BenchUiArgs {
    /// Print one JSON line (keys `<view>_mean_ms`, `<view>_p95_ms`, `<view>_max_ms`,
    /// `<view>_rss_mb`, …) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Seconds each view is measured (after its warm-up): above 0, at most 3600.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS", allow_negative_numbers = true,
          value_parser = parse_measured_secs)]
    pub seconds: f32,
    /// Seconds each view runs before it is measured: 0 to 3600.
    #[arg(long, default_value_t = 2.0, value_name = "SECONDS", allow_negative_numbers = true,
          value_parser = parse_warmup_secs)]
    pub warmup: f32,
    /// The views, comma-separated, in order: lab mnist lesson race presentation memory runs
    /// (default: all of them).
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_view)]
    pub views: Vec<BenchView>,
    /// Instead of opening the window, play a window thread with nothing to wait for: frames
    /// of this many milliseconds of pure CPU work (0.1 to 100), 16 ms apart, for `--seconds`.
    /// Their frame times are the floor that the machine's current load sets for any frame
    /// of that much work (see `ui::probe`).
    #[arg(long, value_name = "MS", allow_negative_numbers = true, value_parser = parse_probe_ms,
          conflicts_with = "views")]
    pub probe_ms: Option<f64>,
}

/// `--probe-ms`: milliseconds of work per probe frame, within [`PROBE_WORK_RANGE_MS`].
fn parse_probe_ms(text: &str) -> Result<f64, String> {
    let (low, high) = PROBE_WORK_RANGE_MS;
    match text.trim().parse::<f64>() {
        Ok(ms) if (low..=high).contains(&ms) => Ok(ms),
        _ => Err(format!(
            "give the milliseconds of work per frame, from {low} to {high}"
        )),
    }
}

/// Longest measurement or warm-up per view, in seconds.
const MAX_SECS: f32 = 3600.0;

/// `--seconds`: a number of seconds above 0 and at most [`MAX_SECS`].
fn parse_measured_secs(text: &str) -> Result<f32, String> {
    let secs = parse_secs(text)?;
    if secs > 0.0 && secs <= MAX_SECS {
        Ok(secs)
    } else {
        Err(format!(
            "give a number of seconds above 0 and at most {MAX_SECS}"
        ))
    }
}

/// `--warmup`: a number of seconds from 0 to [`MAX_SECS`].
fn parse_warmup_secs(text: &str) -> Result<f32, String> {
    let secs = parse_secs(text)?;
    if (0.0..=MAX_SECS).contains(&secs) {
        Ok(secs)
    } else {
        Err(format!("give a number of seconds from 0 to {MAX_SECS}"))
    }
}

/// A number of seconds (`1.5`, `-1`, `nan` all parse; the callers check the range).
fn parse_secs(text: &str) -> Result<f32, String> {
    text.trim()
        .parse::<f32>()
        .map_err(|_| "give a number of seconds, e.g. 10 or 1.5".to_string())
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
    if let Err(message) = parse_measured_secs(&args.seconds.to_string()) {
        return Err(format!("--seconds: {message}, got {}", args.seconds));
    }
    if let Err(message) = parse_warmup_secs(&args.warmup.to_string()) {
        return Err(format!("--warmup: {message}, got {}", args.warmup));
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

/// Runs `gradscope bench-ui`: exit status 2 for bad arguments, 1 when the window cannot open
/// (or, with `--probe-ms`, when the machine has no thread CPU clock).
pub fn bench_ui(args: &BenchUiArgs) -> ExitCode {
    match bench_plan(args) {
        Ok(plan) => match args.probe_ms {
            Some(work_ms) => probe(work_ms, f64::from(plan.measure_secs), plan.json),
            None => run_bench(plan),
        },
        Err(message) => {
            crate::cli::stdout::print_err(&format!("gradscope: {message}"));
            ExitCode::from(2)
        }
    }
}

/// `bench-ui --probe-ms`: prints the probe's JSON line or text line.
fn probe(work_ms: f64, seconds: f64, json: bool) -> ExitCode {
    match run_probe(work_ms, seconds) {
        Ok(stats) => {
            let text = if json {
                probe_json(work_ms, seconds, &stats).to_string()
            } else {
                probe_line(work_ms, &stats)
            };
            crate::cli::stdout::print_line(&text);
            ExitCode::SUCCESS
        }
        Err(message) => {
            crate::cli::stdout::print_err(&format!("gradscope bench-ui: {message}"));
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::{BenchUiArgs, bench_plan};
    use crate::ui::bench::BenchView;

    /// `gradscope bench-ui`'s options alone, parsed as the binary parses them.
    #[derive(Parser, Debug)]
    struct BenchCli {
        #[command(flatten)]
        args: BenchUiArgs,
    }

    /// The message clap gives for `bench-ui ARGS` (its first line), or the parsed options.
    fn parse(args: &[&str]) -> Result<BenchUiArgs, String> {
        BenchCli::try_parse_from(std::iter::once("bench-ui").chain(args.iter().copied()))
            .map(|cli| cli.args)
            .map_err(|e| e.to_string().lines().next().unwrap_or_default().to_string())
    }

    #[test]
    fn negative_zero_and_huge_seconds_are_refused_by_name() {
        let measured = "error: invalid value '{}' for '--seconds <SECONDS>': give a number of \
                        seconds above 0 and at most 3600";
        for bad in ["-1", "0", "-0.5", "3601", "nan"] {
            assert_eq!(
                parse(&["--seconds", bad]).unwrap_err(),
                measured.replace("{}", bad)
            );
        }
        assert_eq!(
            parse(&["--seconds", "ten"]).unwrap_err(),
            "error: invalid value 'ten' for '--seconds <SECONDS>': give a number of seconds, \
             e.g. 10 or 1.5"
        );
        assert_eq!(
            parse(&["--warmup", "-2"]).unwrap_err(),
            "error: invalid value '-2' for '--warmup <SECONDS>': give a number of seconds from \
             0 to 3600"
        );
    }

    #[test]
    fn probe_work_outside_a_tenth_to_a_hundred_ms_is_refused() {
        let refused = "error: invalid value '{}' for '--probe-ms <MS>': give the milliseconds \
                       of work per frame, from 0.1 to 100";
        for bad in ["0", "-3", "100.5", "nan", "three"] {
            assert_eq!(
                parse(&["--probe-ms", bad]).unwrap_err(),
                refused.replace("{}", bad)
            );
        }
        assert_eq!(parse(&["--probe-ms", "3.5"]).unwrap().probe_ms, Some(3.5));
        assert_eq!(parse(&[]).unwrap().probe_ms, None);
        assert_eq!(
            parse(&["--probe-ms", "3", "--views", "lab"]).unwrap_err(),
            "error: the argument '--probe-ms <MS>' cannot be used with '--views <LIST>'"
        );
    }

    #[test]
    fn the_help_of_views_names_every_view_in_order() {
        let help = BenchCli::command().render_long_help().to_string();
        let names: Vec<&str> = BenchView::ALL.iter().map(|v| v.name()).collect();
        let listed = format!("in order: {}", names.join(" "));
        assert!(help.contains(&listed), "{listed:?} not in:\n{help}");
        assert_eq!(names.last(), Some(&"runs"));
    }

    #[test]
    fn seconds_in_range_make_a_plan() {
        let args = parse(&["--seconds", "1.5", "--warmup", "0"]).expect("valid");
        let plan = bench_plan(&args).expect("plan");
        assert_eq!((plan.measure_secs, plan.warmup_secs), (1.5, 0.0));
        let defaults = parse(&[]).expect("valid");
        assert_eq!((defaults.seconds, defaults.warmup), (10.0, 2.0));
        let built = BenchUiArgs {
            seconds: -1.0,
            ..defaults
        };
        assert_eq!(
            bench_plan(&built).unwrap_err(),
            "--seconds: give a number of seconds above 0 and at most 3600, got -1"
        );
    }
}
