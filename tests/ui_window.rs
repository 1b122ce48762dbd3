//! A real window under Xvfb: the binary opens, trains, saves a screenshot and exits 0.
//!
//! Skipped (with the install command) where Xvfb is absent, unless GRADSCOPE_REQUIRE_WINDOW=1.

use std::process::Command;

mod xvfb;

use xvfb::Xvfb;

/// One window test at a time, so that two windows do not compete for the two cores.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// An Xvfb server for one test, with the one-window-at-a-time lock held. `None` (after a
/// SKIPPED line with the install command) where Xvfb, or xdotool when `xdotool` is true, is
/// missing; with GRADSCOPE_REQUIRE_WINDOW=1 that is a failure instead.
fn window_server(xdotool: bool) -> Option<(std::sync::MutexGuard<'static, ()>, Xvfb)> {
    let has_xdotool = !xdotool || Command::new("xdotool").arg("version").output().is_ok();
    if !Xvfb::available() || !has_xdotool {
        let (what, packages) = if xdotool {
            ("Xvfb or xdotool", "xvfb xdotool")
        } else {
            ("Xvfb", "xvfb")
        };
        assert!(
            std::env::var("GRADSCOPE_REQUIRE_WINDOW").as_deref() != Ok("1"),
            "{what} is required (GRADSCOPE_REQUIRE_WINDOW=1) but not installed"
        );
        eprintln!("SKIPPED: {what} not found; install with `apt-get install -y {packages}`");
        return None;
    }
    let one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    Some((one, Xvfb::start()))
}

#[test]
fn the_window_trains_and_saves_a_screenshot() {
    let Some((_one, server)) = window_server(false) else {
        return;
    };
    let display = server.display.clone();
    let dir = std::env::temp_dir().join(format!("gradscope-window-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let png = dir.join("window.png");
    let output = Command::new(env!("CARGO_BIN_EXE_gradscope"))
        .args([
            "--screenshot",
            png.to_str().expect("utf-8 path"),
            "--quit-after",
            "4",
        ])
        .env("DISPLAY", &display)
        .env_remove("WAYLAND_DISPLAY")
        // The window restarts itself once with this set (ui::startenv): that path runs here.
        .env_remove("GLIBC_TUNABLES")
        .env_remove("GRADSCOPE_ANTIALIAS")
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {stdout}\nstderr: {stderr}",
        output.status
    );
    // "screenshot PATH at step N epoch E"
    let step: u64 = stdout
        .split_whitespace()
        .skip_while(|w| *w != "step")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no step count in {stdout:?}"));
    assert!(
        step > 100,
        "the step counter should have advanced, got {step}"
    );

    let image = image::open(&png).expect("a readable PNG").to_rgba8();
    assert!(
        image.width() >= 800 && image.height() >= 500,
        "size {:?}",
        image.dimensions()
    );
    // The plots and heatmaps on the right make many distinct colours; a blank window has one.
    let mut colours = std::collections::HashSet::new();
    for (x, _, pixel) in image.enumerate_pixels() {
        if x > image.width() / 4 {
            colours.insert(pixel.0);
        }
    }
    assert!(
        colours.len() > 500,
        "only {} distinct colours: blank window?",
        colours.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Each view of `bench-ui` is measured on its own: the eight runs of the `runs` view stop
/// when it ends (they trained on under the views after it, and slowed them).
#[test]
fn bench_ui_stops_the_runs_of_the_runs_view_before_the_next_view() {
    let Some((_one, server)) = window_server(false) else {
        return;
    };
    let output = Command::new(env!("CARGO_BIN_EXE_gradscope"))
        .args([
            "bench-ui",
            "--json",
            "--views",
            "runs,lab",
            "--seconds",
            "1",
            "--warmup",
            "0.5",
        ])
        .env("DISPLAY", &server.display)
        .env_remove("WAYLAND_DISPLAY")
        .env("GRADSCOPE_ANTIALIAS", "off")
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {stdout}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON line");
    assert_eq!(
        report["runs_runs_training"],
        serde_json::json!(8),
        "{report}"
    );
    assert_eq!(
        report["lab_runs_training"],
        serde_json::json!(1),
        "{report}"
    );
}

/// `gradscope bench-ui --json` on two views: one JSON line with every key per view, frame
/// times in a sane order (mean ≤ max, p95 ≤ max), memory and steps measured. The numbers
/// themselves are the README's, not a test's: nothing here asserts a speed.
#[test]
fn bench_ui_reports_every_view_as_one_json_line() {
    let Some((_one, server)) = window_server(false) else {
        return;
    };
    let display = server.display.clone();
    let output = Command::new(env!("CARGO_BIN_EXE_gradscope"))
        .args([
            "bench-ui",
            "--json",
            "--views",
            "lab,race",
            "--seconds",
            "1.5",
            "--warmup",
            "0.5",
        ])
        .env("DISPLAY", &display)
        .env_remove("WAYLAND_DISPLAY")
        .env("GLIBC_TUNABLES", "glibc.malloc.tcache_count=7")
        .env("GRADSCOPE_ANTIALIAS", "off")
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {stdout}\nstderr: {stderr}",
        output.status
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one JSON line: {stdout}");
    let report: serde_json::Value = serde_json::from_str(lines[0]).expect("JSON");
    let number = |key: &str| {
        report[key]
            .as_f64()
            .unwrap_or_else(|| panic!("{key} missing or not a number in {report}"))
    };
    assert!(number("first_frame_ms") > 0.0);
    assert_eq!(number("measured_s"), 1.5);
    // The window's process runs with glibc's heap trimming raised, added to what the
    // caller's environment set (ui::startenv).
    if cfg!(target_os = "linux") {
        assert_eq!(
            report["GLIBC_TUNABLES"],
            serde_json::json!("glibc.malloc.tcache_count=7:glibc.malloc.trim_threshold=268435456"),
            "{report}"
        );
    }
    // The setting overrides the choice by GPU (ui::edges), and the report says which won.
    assert_eq!(
        report["antialias_edges"],
        serde_json::json!(false),
        "{report}"
    );
    assert_eq!(
        report["antialias_reason"],
        serde_json::json!("set off by GRADSCOPE_ANTIALIAS"),
        "{report}"
    );
    for view in ["lab", "race"] {
        let frames = number(&format!("{view}_frames"));
        let (mean, p95, max) = (
            number(&format!("{view}_mean_ms")),
            number(&format!("{view}_p95_ms")),
            number(&format!("{view}_max_ms")),
        );
        assert!(frames >= 1.0, "{view}: {frames} frames");
        assert_eq!(
            number(&format!("{view}_frames_per_s")),
            (frames / 1.5 * 100.0).round() / 100.0,
            "{report}"
        );
        assert!(0.0 < mean && mean <= max && p95 <= max, "{view}: {report}");
        // The App's own code is a part of each frame (the frame times are those of the frame
        // before, so the two sets differ by one frame at each end).
        let app_mean = number(&format!("{view}_app_ms_mean"));
        assert!(0.0 < app_mean && app_mean < mean, "{view}: {report}");
        if cfg!(target_os = "linux") {
            assert!(number(&format!("{view}_thread_cpu_ms")) > 0.0, "{report}");
            assert!(number(&format!("{view}_thread_wait_ms")) >= 0.0, "{report}");
        }
        assert!(number(&format!("{view}_rss_mb")) > 10.0, "{report}");
    }
    assert!(number("lab_steps_per_s") > 0.0, "the lab trained: {report}");
    assert!(report.get("race_steps_per_s").is_none(), "{report}");
    assert!(
        report.get("mnist_mean_ms").is_none(),
        "only the views asked for"
    );
}

/// SIGTERM closes the window as its close button does: the settings are saved (here the data
/// set chosen on the command line), stderr says so, and the exit code is 128 + 15.
#[test]
fn sigterm_closes_the_window_and_saves_the_settings() {
    let Some((_one, server)) = window_server(true) else {
        return;
    };
    let home = empty_home("sigterm");
    let output = with_window(&server.display, &home, &["--dataset", "moons"], |_, _| {});
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(143), "stderr: {stderr}");
    assert!(
        stderr.contains("gradscope: SIGTERM received: closing the window and saving the settings"),
        "stderr: {stderr}"
    );
    let saved = std::fs::read_to_string(home.join(".local/share/gradscope/app.ron"))
        .expect("the settings were saved");
    assert!(saved.contains("gradscope.settings"), "{saved}");
    assert!(saved.contains(r#"kind\": \"Moons\""#), "{saved}");
    let _ = std::fs::remove_dir_all(&home);
}

/// An empty temporary folder to run the window in as `HOME` (its settings go below it).
fn empty_home(test: &str) -> std::path::PathBuf {
    let home = std::env::temp_dir().join(format!("gradscope-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).expect("temp dir");
    home
}

/// Starts the window with `args` in `home`, waits until it is up, runs `while_open` with
/// the window's inner size (`xdotool`), then closes it with SIGTERM (which saves); returns
/// how the process ended (its exit status and stderr).
fn with_window(
    display: &str,
    home: &std::path::Path,
    args: &[&str],
    while_open: impl FnOnce(&str, (u32, u32)),
) -> std::process::Output {
    let child = Command::new(env!("CARGO_BIN_EXE_gradscope"))
        .args(args)
        .env("DISPLAY", display)
        .env("HOME", home)
        .env_remove("XDG_DATA_HOME")
        .env_remove("WAYLAND_DISPLAY")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // The window is up well within this (its first frame takes ~0.3–0.6 s).
    std::thread::sleep(std::time::Duration::from_secs(4));
    let geometry = Command::new("xdotool")
        .args([
            "search",
            "--name",
            "^gradscope",
            "getwindowgeometry",
            "--shell",
        ])
        .env("DISPLAY", display)
        .output()
        .expect("xdotool runs");
    let text = String::from_utf8_lossy(&geometry.stdout);
    let field = |key: &str| -> u32 {
        text.lines()
            .find_map(|line| line.strip_prefix(key))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {key} in {text:?}"))
    };
    let window = text
        .lines()
        .find_map(|line| line.strip_prefix("WINDOW="))
        .unwrap_or_else(|| panic!("no window in {text:?}"))
        .to_string();
    while_open(&window, (field("WIDTH="), field("HEIGHT=")));
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
    child.wait_with_output().expect("the window exits")
}

/// A window resized and closed comes back at that size, and `--fresh` opens at 1280×800.
#[test]
fn fresh_opens_at_the_default_size_whatever_was_remembered() {
    let Some((_one, server)) = window_server(true) else {
        return;
    };
    let home = empty_home("fresh");
    with_window(&server.display, &home, &[], |window, size| {
        assert_eq!(size, (1280, 800), "first launch");
        Command::new("xdotool")
            .args(["windowsize", window, "900", "600"])
            .env("DISPLAY", &server.display)
            .status()
            .expect("xdotool runs");
        std::thread::sleep(std::time::Duration::from_secs(1));
    });
    with_window(&server.display, &home, &[], |_, size| {
        assert_eq!(size, (900, 600), "the remembered size");
    });
    with_window(&server.display, &home, &["--fresh"], |_, size| {
        assert_eq!(size, (1280, 800), "--fresh");
    });
    // In presentation mode too: the size is in pixels, not in zoomed points (it was 1920×1200,
    // larger than the screen).
    with_window(
        &server.display,
        &home,
        &["--fresh", "--present"],
        |_, size| {
            assert_eq!(size, (1280, 800), "--fresh --present");
        },
    );
    let _ = std::fs::remove_dir_all(&home);
}
