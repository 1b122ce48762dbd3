//! What `gradscope train` shows on stderr while it trains: a progress bar (epoch, step, loss,
//! steps per second, ETA) when stderr is a terminal, plain lines about once a second when it
//! is not (a log file, a pipe, CI).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Where a training run stands after a step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepStatus {
    /// Completed epochs.
    pub epoch: u64,
    /// The epoch limit.
    pub epochs: u64,
    /// Steps taken.
    pub step: u64,
    /// Steps the whole run takes (epochs × steps per epoch).
    pub total_steps: u64,
    /// This step's training loss.
    pub loss: f64,
    /// Time since training started.
    pub elapsed: Duration,
}

impl StepStatus {
    /// Steps per second so far (0 before the first millisecond).
    pub fn steps_per_second(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64();
        if seconds > 1e-3 {
            self.step as f64 / seconds
        } else {
            0.0
        }
    }

    /// Time left at the rate so far, if it can be told.
    pub fn eta(&self) -> Option<Duration> {
        let rate = self.steps_per_second();
        (rate > 0.0).then(|| {
            Duration::from_secs_f64(self.total_steps.saturating_sub(self.step) as f64 / rate)
        })
    }

    /// The epoch under way, counted from 1 as "epoch 1/100" reads (the completed epochs
    /// plus one, up to the limit once the last is complete).
    pub fn current_epoch(&self) -> u64 {
        (self.epoch + 1).min(self.epochs.max(1))
    }

    /// `epoch 3/100  step 2100/7000  loss 0.1234  5230 steps/s  ETA 0:04`, the epoch being
    /// [`Self::current_epoch`].
    pub fn line(&self) -> String {
        let eta = self.eta().map_or_else(|| "–".to_string(), clock);
        format!(
            "epoch {}/{}  step {}/{}  loss {:.4}  {:.0} steps/s  ETA {eta}",
            self.current_epoch(),
            self.epochs,
            self.step,
            self.total_steps,
            self.loss,
            self.steps_per_second()
        )
    }
}

/// `m:ss`, or `h:mm:ss` from an hour on.
pub fn clock(duration: Duration) -> String {
    let s = duration.as_secs();
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// Receives what a headless run has to say.
pub trait TrainProgress {
    /// A line to show as it is (notes about the data, the final summary).
    fn line(&mut self, text: &str);
    /// Called after every step; shows the status as often as it sees fit.
    fn step(&mut self, status: &StepStatus);
    /// Training is over (the bar, if any, is cleared before the final lines).
    fn finish(&mut self) {}
}

/// Plain lines through a callback: every [`TrainProgress::line`], and the step status about
/// once a second.
pub struct PlainLines<F: FnMut(&str)> {
    emit: F,
    last: Option<Instant>,
    every: Duration,
}

impl<F: FnMut(&str)> PlainLines<F> {
    /// Lines go to `emit`; the step status once a second.
    pub fn new(emit: F) -> Self {
        PlainLines {
            emit,
            last: None,
            every: Duration::from_secs(1),
        }
    }
}

impl<F: FnMut(&str)> TrainProgress for PlainLines<F> {
    fn line(&mut self, text: &str) {
        (self.emit)(text);
    }

    fn step(&mut self, status: &StepStatus) {
        let now = Instant::now();
        let due = match self.last {
            None => {
                self.last = Some(now);
                false
            }
            Some(last) => now.duration_since(last) >= self.every,
        };
        if due {
            self.last = Some(now);
            (self.emit)(&status.line());
        }
    }
}

/// An indicatif bar on stderr: `[####----] 2100/7000 steps  epoch 3/100  loss 0.1234
/// 5230 steps/s  ETA 0:04`, redrawn at most 10 times a second.
pub struct TerminalBar {
    bar: Option<ProgressBar>,
    last: Instant,
}

impl TerminalBar {
    /// A bar drawn on stderr (created at the first step, when the total is known).
    pub fn new() -> Self {
        TerminalBar {
            bar: None,
            last: Instant::now(),
        }
    }

    fn bar(&mut self, total: u64) -> &ProgressBar {
        self.bar.get_or_insert_with(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "[{bar:30}] {pos}/{len} steps  {msg}  {per_sec}  ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("#>-");
            bar.set_style(style);
            bar
        })
    }
}

impl Default for TerminalBar {
    fn default() -> Self {
        Self::new()
    }
}

impl TrainProgress for TerminalBar {
    fn line(&mut self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => crate::cli::stdout::print_err(text),
        }
    }

    fn step(&mut self, status: &StepStatus) {
        if self.bar.is_some() && self.last.elapsed() < Duration::from_millis(100) {
            return;
        }
        self.last = Instant::now();
        let bar = self.bar(status.total_steps);
        bar.set_position(status.step);
        bar.set_message(format!(
            "epoch {}/{}  loss {:.4}",
            status.current_epoch(),
            status.epochs,
            status.loss
        ));
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// The bar when stderr is a terminal, else plain lines on stderr.
pub fn stderr_progress() -> Box<dyn TrainProgress> {
    if std::io::stderr().is_terminal() {
        Box::new(TerminalBar::new())
    } else {
        Box::new(PlainLines::new(|line: &str| {
            crate::cli::stdout::print_err(line)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(epoch: u64, step: u64) -> StepStatus {
        StepStatus {
            epoch,
            epochs: 2,
            step,
            total_steps: 20,
            loss: 0.5,
            elapsed: Duration::from_secs(2),
        }
    }

    /// The line names the epoch under way from 1, and the last one when all are done (the
    /// first epoch's steps read "epoch 0/2").
    #[test]
    fn the_progress_line_counts_epochs_from_1() {
        assert_eq!(
            status(0, 4).line(),
            "epoch 1/2  step 4/20  loss 0.5000  2 steps/s  ETA 0:08"
        );
        assert_eq!(status(1, 12).current_epoch(), 2);
        assert_eq!(status(2, 20).current_epoch(), 2);
    }
}
