//! A tiny event log for tests that drive the real window from outside (the system file
//! dialog under Xvfb, a drag-and-drop): when the environment variable
//! [`EVENT_LOG_VAR`] (`GRADSCOPE_EVENT_LOG`) names a file, the import wizard appends one line
//! per event to it, e.g.
//!
//! ```text
//! dialog shown at step 812
//! dialog chose /tmp/points.csv at step 1460
//! wizard opened /tmp/points.csv at step 1460
//! wizard shows /tmp/points.csv (4 rows × 3 columns) at step 1466
//! wizard handed over /tmp/points.csv at step 1533
//! ```
//!
//! The step is the training step of the last frame drawn, so a test can tell that training
//! went on while the dialog was open. Without the variable nothing is written.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// The environment variable naming the event log file.
pub const EVENT_LOG_VAR: &str = "GRADSCOPE_EVENT_LOG";

/// Set after the first failed write, so the failure is reported once, not every event.
static REPORTED: AtomicBool = AtomicBool::new(false);

/// Appends `line` and a line end to the file named by [`EVENT_LOG_VAR`], if it is set. A file
/// that cannot be written is reported once on stderr (naming it and why); the app goes on.
pub fn log_event(line: &str) {
    let Some(path) = std::env::var_os(EVENT_LOG_VAR) else {
        return;
    };
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| writeln!(file, "{line}"));
    if let Err(e) = written
        && !REPORTED.swap(true, Ordering::Relaxed)
    {
        eprintln!(
            "warning: {EVENT_LOG_VAR}={}: cannot append to the event log: {e}",
            std::path::Path::new(&path).display()
        );
    }
}
