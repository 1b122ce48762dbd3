//! `gradscope bench-ui --probe-ms W`: the frame time this machine allows right now, whatever
//! the program.
//!
//! The probe plays a window thread that has nothing to wait for: each "frame" is W ms of pure
//! arithmetic on the calling thread (counted on the thread's own CPU clock, so time spent
//! waiting for a core does not count as work done), then a 16 ms sleep, as between two frames
//! of a 60 Hz window. Its frame time is the wall-clock time of that work. Quiet, it equals W;
//! beside a build, the extra is the time the scheduler gave to other programs in the middle
//! of the frame. Run beside the same load as `bench-ui`'s views, it tells which part of their
//! frame time no code of ours could remove: a frame of W ms of CPU cannot be shorter than the
//! probe's frame of W ms.

use std::time::{Duration, Instant};

use super::bench::FrameStats;

/// Smallest and largest work per probe frame, in milliseconds.
pub const PROBE_WORK_RANGE_MS: (f64, f64) = (0.1, 100.0);

/// The sleep between two probe frames.
const PAUSE: Duration = Duration::from_millis(16);

/// Runs probe frames of `work_ms` milliseconds of CPU each for `seconds` (at least three
/// frames) and returns their wall-clock frame times.
///
/// # Errors
/// `"the probe needs a thread CPU clock (Unix)"` where there is none.
pub fn run_probe(work_ms: f64, seconds: f64) -> Result<FrameStats, String> {
    let Some(on_cpu_ns) = thread_cpu_clock() else {
        return Err("the probe needs a thread CPU clock (Unix)".to_string());
    };
    let work_ns = (work_ms * 1e6) as u64;
    let start = Instant::now();
    let mut frames = Vec::new();
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    while start.elapsed().as_secs_f64() < seconds || frames.len() < 3 {
        let wall = Instant::now();
        let cpu_start = on_cpu_ns();
        // Busy arithmetic until the thread has been on a core for `work_ns`; the CPU clock is
        // read every few microseconds of work.
        while on_cpu_ns().saturating_sub(cpu_start) < work_ns {
            for _ in 0..2_000 {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
            }
            std::hint::black_box(state);
        }
        frames.push(wall.elapsed().as_secs_f32());
        std::thread::sleep(PAUSE);
    }
    FrameStats::of(&frames).ok_or_else(|| "the probe drew no frame".to_string())
}

/// The calling thread's CPU clock in nanoseconds (`CLOCK_THREAD_CPUTIME_ID`: exact to the
/// call, unlike `/proc/thread-self/schedstat`, which advances at the scheduler's ticks).
#[cfg(unix)]
fn thread_cpu_clock() -> Option<fn() -> u64> {
    fn now() -> u64 {
        let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
        u64::try_from(t.tv_sec).unwrap_or(0) * 1_000_000_000 + u64::try_from(t.tv_nsec).unwrap_or(0)
    }
    Some(now)
}

#[cfg(not(unix))]
fn thread_cpu_clock() -> Option<fn() -> u64> {
    None
}

/// The probe's result as one JSON object: `probe_work_ms`, `probe_seconds`, `probe_frames`,
/// `probe_mean_ms`, `probe_p95_ms`, `probe_max_ms` (milliseconds, two decimals) and
/// `load_average` (the 1-minute load average at the end, from `/proc/loadavg`; `null`
/// elsewhere).
pub fn probe_json(work_ms: f64, seconds: f64, stats: &FrameStats) -> serde_json::Value {
    let round2 = |x: f64| (x * 100.0).round() / 100.0;
    serde_json::json!({
        "probe_work_ms": work_ms,
        "probe_seconds": seconds,
        "probe_frames": stats.frames,
        "probe_mean_ms": round2(stats.mean_ms),
        "probe_p95_ms": round2(stats.p95_ms),
        "probe_max_ms": round2(stats.max_ms),
        "load_average": load_average(),
    })
}

/// The probe's result as one line of text, for the terminal.
pub fn probe_line(work_ms: f64, stats: &FrameStats) -> String {
    let load = load_average().map_or_else(|| "unknown".to_string(), |l| format!("{l:.2}"));
    format!(
        "probe: {} frames of {work_ms} ms of CPU each: mean {:.2} ms, p95 {:.2} ms, max {:.2} ms \
         (load average {load})",
        stats.frames, stats.mean_ms, stats.p95_ms, stats.max_ms
    )
}

/// The 1-minute load average from `/proc/loadavg`; `None` off Linux.
fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::{probe_json, run_probe};

    #[test]
    #[cfg(unix)]
    fn a_probe_frame_lasts_at_least_its_work() {
        let stats = run_probe(2.0, 0.1).expect("probe");
        assert!(stats.frames >= 3, "{stats:?}");
        // Wall-clock time can only exceed the CPU time spent in it.
        assert!(stats.mean_ms >= 2.0 && stats.p95_ms >= 2.0, "{stats:?}");
        assert!(stats.max_ms >= stats.p95_ms && stats.p95_ms >= 2.0);
        let json = probe_json(2.0, 0.1, &stats);
        assert_eq!(json["probe_work_ms"], 2.0);
        assert_eq!(json["probe_frames"], stats.frames);
    }
}
