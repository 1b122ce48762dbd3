//! The Xvfb server of the tests that open real windows (tests/ui_window.rs, ui_dialog.rs,
//! ui_drop.rs), on a display it picks itself, and the small tools the tests that drive a window
//! from outside share (xdotool, polling, the event log's steps).

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// An Xvfb server at 1280×800×24. Dropping it asks it to end (SIGTERM), so that it removes its
/// socket and lock files (a killed server leaves them, and the display number stays taken).
pub struct Xvfb {
    child: Child,
    /// The display name, e.g. `:3`.
    pub display: String,
}

impl Xvfb {
    /// True when an `Xvfb` binary runs.
    pub fn available() -> bool {
        Command::new("Xvfb")
            .arg("-help")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    }

    /// Starts a server on the first free display (Xvfb's `-displayfd`, which skips displays
    /// whose lock is held by a live server and reports the number it took).
    ///
    /// # Panics
    /// When Xvfb does not start or report a display within 20 s.
    pub fn start() -> Self {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb starts");
        let stdout = child.stdout.take().expect("Xvfb's stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(20)).unwrap_or_default();
        let number: u32 = match line.trim().parse() {
            Ok(number) => number,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("Xvfb reported no display number (got {line:?})");
            }
        };
        Self {
            child,
            display: format!(":{number}"),
        }
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs xdotool on `display`; true when it succeeded.
pub fn xdotool(display: &str, args: &[&str]) -> bool {
    Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Polls `check` every 100 ms until it returns something or `seconds` pass.
pub fn wait_for<T>(seconds: u64, mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        if let Some(found) = check() {
            return Some(found);
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The step in the event log's first line that starts with `prefix` (`"… at step N"`).
pub fn step_of(log: &Path, prefix: &str) -> Option<u64> {
    let text = std::fs::read_to_string(log).ok()?;
    let line = text.lines().find(|l| l.starts_with(prefix))?;
    line.rsplit(' ').next()?.parse().ok()
}
