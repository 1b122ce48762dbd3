//! SIGTERM, SIGINT and SIGHUP (a logout, `kill`, Ctrl+C in the terminal that started the
//! window) close the window as its close button does, so the settings and the recent files
//! are saved; a second signal while it closes ends the process at once.

use std::sync::atomic::{AtomicI32, Ordering};

use eframe::egui;

/// The signal that asked the window to close, 0 for none.
static RECEIVED: AtomicI32 = AtomicI32::new(0);

/// What the window prints on stderr when `signal` (a number such as 15) asks it to close.
pub fn closing_message(signal: i32) -> String {
    let name = match signal {
        1 => "SIGHUP",
        2 => "SIGINT",
        15 => "SIGTERM",
        _ => "a signal",
    };
    format!("gradscope: {name} received: closing the window and saving the settings")
}

/// The exit code after a close asked for by a signal: 128 + its number, as a shell reports
/// a process ended by it (130 for SIGINT, 143 for SIGTERM); `None` when no signal asked.
pub fn exit_code() -> Option<u8> {
    let signal = RECEIVED.load(Ordering::Relaxed);
    (signal > 0).then(|| u8::try_from(128 + signal).unwrap_or(u8::MAX))
}

/// Starts a thread that waits for the signals and closes the window of `ctx` at the first
/// one. Without the thread (the platform refuses) a signal ends the process as before.
pub fn close_on_signals(ctx: &egui::Context) {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP]) else {
            return;
        };
        let ctx = ctx.clone();
        let _ = std::thread::Builder::new()
            .name("gradscope-signals".into())
            .spawn(move || {
                for signal in signals.forever() {
                    if RECEIVED.swap(signal, Ordering::Relaxed) != 0 {
                        std::process::exit(128 + signal);
                    }
                    eprintln!("{}", closing_message(signal));
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                    ctx.request_repaint();
                }
            });
    }
    #[cfg(not(unix))]
    let _ = ctx;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_the_signal() {
        assert_eq!(
            closing_message(15),
            "gradscope: SIGTERM received: closing the window and saving the settings"
        );
        assert_eq!(closing_message(2).split(' ').nth(1), Some("SIGINT"));
        assert_eq!(closing_message(1).split(' ').nth(1), Some("SIGHUP"));
    }
}
