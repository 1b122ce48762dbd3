//! When a run reached which step: the x axes "epoch" and "relative wall-clock seconds" of the
//! overlaid curves.
//!
//! The worker reports its step and epoch counters after each flush of step losses (about every
//! 15 ms while it trains, [`crate::train::Event::Progress`]); the window keeps one
//! [`ClockSample`] per report, never per step, so the training loop is untouched. A step
//! between two samples is placed by linear interpolation between them.
//!
//! - **Seconds** count from the moment the run started training (its first *Play*, or its
//!   first step), as the window received the counters: within a frame of when the worker
//!   reached them. A pause shows as a jump in time at the step where the run stood still.
//! - **Epochs** are fractional: e + (s − b) / n, where e is the number of completed passes over
//!   the training set at step s, b the step at which pass e + 1 began and n the run's steps per
//!   epoch. With a constant batch size this is s / n exactly (for a run from step 0); after a
//!   change of the batch size the boundary b is placed within the flush in which the epoch
//!   counter changed.
//!
//! Samples are thinned by halves past [`MAX_CLOCK_SAMPLES`] (two per pause are kept), so an
//! hour-long run holds at most that many.

use std::time::Instant;

/// Samples kept per run before they are thinned by halves.
pub const MAX_CLOCK_SAMPLES: usize = 4096;

/// The x axis of the overlaid curves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum XAxis {
    /// Optimizer steps (minibatch updates).
    #[default]
    Step,
    /// Passes over the training set (fractional).
    Epoch,
    /// Seconds of wall-clock time since the run started training.
    Seconds,
}

impl XAxis {
    /// Every choice, in the order the selector shows them.
    pub const ALL: [XAxis; 3] = [XAxis::Step, XAxis::Epoch, XAxis::Seconds];

    /// The axis label.
    pub fn label(self) -> &'static str {
        match self {
            XAxis::Step => "step",
            XAxis::Epoch => "epoch",
            XAxis::Seconds => "seconds (relative)",
        }
    }
}

/// One progress report: the step, the fractional epoch at it, and the seconds since the run
/// started training.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClockSample {
    /// Steps taken.
    pub step: u64,
    /// Fractional epochs at `step` (see the module docs).
    pub epoch: f64,
    /// Seconds since the run started training.
    pub seconds: f64,
}

/// The progress reports of one run (see the module docs).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunClock {
    samples: Vec<ClockSample>,
    /// When the run started training; `None` until it has.
    origin: Option<Instant>,
    /// The completed epochs of the newest sample, and the step at which that epoch began.
    epoch_start: Option<(u64, f64)>,
    /// The steps per epoch of the newest sample.
    steps_per_epoch: u64,
}

impl RunClock {
    /// Notes that the run reached `step` with `epoch` completed passes, at `now`.
    /// `steps_per_epoch` is the run's (0 when unknown). A report that does not advance a run
    /// that has not started training yet is not kept (a paused run's clock starts at Play).
    pub fn record(&mut self, step: u64, epoch: u64, steps_per_epoch: u64, now: Instant) {
        if let Some(last) = self.samples.last()
            && step < last.step
        {
            self.truncate(step);
        }
        if self.origin.is_none() {
            let advanced = self.samples.last().is_some_and(|last| step > last.step);
            if !advanced {
                // Not training yet: remember only where it stands.
                self.samples.clear();
                self.epoch_start = None;
                self.push(step, epoch, steps_per_epoch, 0.0);
                return;
            }
            self.origin = Some(now);
        }
        self.push(step, epoch, steps_per_epoch, self.seconds_at(now));
    }

    /// Notes that the run (re)started training at `step` at `now` (after Play): a pause
    /// before it becomes a jump in time at this step.
    pub fn resume(&mut self, step: u64, epoch: u64, steps_per_epoch: u64, now: Instant) {
        if self.origin.is_none() {
            self.origin = Some(now);
            self.samples.clear();
            self.epoch_start = None;
        }
        if let Some(last) = self.samples.last()
            && step < last.step
        {
            self.truncate(step);
        }
        self.push(step, epoch, steps_per_epoch, self.seconds_at(now));
    }

    fn seconds_at(&self, now: Instant) -> f64 {
        self.origin.map_or(0.0, |origin| {
            now.saturating_duration_since(origin).as_secs_f64()
        })
    }

    fn push(&mut self, step: u64, epoch: u64, steps_per_epoch: u64, seconds: f64) {
        let per_epoch = steps_per_epoch as f64;
        let last = self.samples.last().copied();
        let start = match (self.epoch_start, last) {
            (Some((e, start)), _) if e == epoch => start,
            (Some((e, start)), Some(last)) if epoch > e && per_epoch > 0.0 => {
                // The passes e+1 … epoch began after the last sample and by this one.
                let guess = start + (epoch - e) as f64 * per_epoch;
                guess.clamp(last.step as f64, step as f64)
            }
            _ if per_epoch > 0.0 => (epoch as f64 * per_epoch).min(step as f64),
            _ => step as f64,
        };
        self.epoch_start = Some((epoch, start));
        self.steps_per_epoch = steps_per_epoch;
        let fraction = if per_epoch > 0.0 {
            ((step as f64 - start) / per_epoch).clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.samples.push(ClockSample {
            step,
            epoch: epoch as f64 + fraction,
            seconds,
        });
        if self.samples.len() >= 2 * MAX_CLOCK_SAMPLES {
            self.thin();
        }
    }

    /// Keeps every other sample, the newest, and both samples of each pause.
    fn thin(&mut self) {
        let samples = std::mem::take(&mut self.samples);
        let n = samples.len();
        self.samples = samples
            .iter()
            .enumerate()
            .filter(|&(i, s)| {
                let paused = (i > 0 && samples[i - 1].step == s.step)
                    || samples.get(i + 1).is_some_and(|next| next.step == s.step);
                i % 2 == 0 || i + 1 == n || paused
            })
            .map(|(_, s)| *s)
            .collect();
    }

    /// Drops the samples after `step` (the run was rewound to it).
    pub fn truncate(&mut self, step: u64) {
        self.samples.retain(|s| s.step <= step);
        let per_epoch = self.steps_per_epoch as f64;
        self.epoch_start = self.samples.last().map(|s| {
            let epoch = s.epoch.floor();
            (epoch as u64, s.step as f64 - (s.epoch - epoch) * per_epoch)
        });
    }

    /// Forgets everything (a new session started).
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// The samples, oldest first.
    pub fn samples(&self) -> &[ClockSample] {
        &self.samples
    }

    /// `points` (`[step, y]`, ascending step) with x on `axis`; points the clock cannot place
    /// (wall-clock time before the run's first sample, e.g. a curve read from a file) are left
    /// out. `steps_per_epoch` places epochs when the clock has no samples (0: unknown, then
    /// nothing is placed).
    pub fn to_axis(&self, points: &[[f64; 2]], axis: XAxis, steps_per_epoch: u64) -> Vec<[f64; 2]> {
        match axis {
            XAxis::Step => points.to_vec(),
            XAxis::Epoch if self.samples.is_empty() => {
                if steps_per_epoch == 0 {
                    return Vec::new();
                }
                let n = steps_per_epoch as f64;
                points.iter().map(|&[s, y]| [s / n, y]).collect()
            }
            XAxis::Epoch => self.interpolate(points, |s| s.epoch, steps_per_epoch),
            XAxis::Seconds => self.interpolate(points, |s| s.seconds, 0),
        }
    }

    /// Linear interpolation of `value` between the samples around each point's step (one
    /// pass, as the points are in step order). Past the newest sample it goes on at the last
    /// segment's rate (for epochs: 1 / `steps_per_epoch`).
    fn interpolate(
        &self,
        points: &[[f64; 2]],
        value: impl Fn(&ClockSample) -> f64,
        steps_per_epoch: u64,
    ) -> Vec<[f64; 2]> {
        let samples = &self.samples;
        let (Some(first), Some(last)) = (samples.first(), samples.last()) else {
            return Vec::new();
        };
        let tail_rate = if steps_per_epoch > 0 {
            1.0 / steps_per_epoch as f64
        } else {
            match samples.len() {
                n if n >= 2 && samples[n - 2].step < last.step => {
                    let before = &samples[n - 2];
                    (value(last) - value(before)) / (last.step - before.step) as f64
                }
                _ => 0.0,
            }
        };
        let mut out = Vec::with_capacity(points.len());
        // samples[segment] is the newest sample with a step below the point's.
        let mut segment = 0;
        for &[step, y] in points {
            if step < first.step as f64 {
                continue;
            }
            if step > last.step as f64 {
                out.push([value(last) + (step - last.step as f64) * tail_rate, y]);
                continue;
            }
            while segment + 1 < samples.len() && (samples[segment + 1].step as f64) < step {
                segment += 1;
            }
            let a = &samples[segment];
            let x = match samples.get(segment + 1) {
                Some(b) if b.step > a.step && step > a.step as f64 => {
                    let t = (step - a.step as f64) / (b.step - a.step) as f64;
                    value(a) + t * (value(b) - value(a))
                }
                _ => value(a),
            };
            out.push([x, y]);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(t0: Instant, ms: u64) -> Instant {
        t0 + Duration::from_millis(ms)
    }

    #[test]
    fn steps_become_seconds_since_play_and_a_pause_is_a_jump() {
        let t0 = Instant::now();
        let mut clock = RunClock::default();
        // Created paused at step 0; Play two seconds later.
        clock.record(0, 0, 10, t0);
        clock.resume(0, 0, 10, at(t0, 2000));
        clock.record(100, 10, 10, at(t0, 3000));
        clock.record(200, 20, 10, at(t0, 3500));
        // Paused at step 200 until t = 13.5 s.
        clock.resume(200, 20, 10, at(t0, 13_500));
        clock.record(300, 30, 10, at(t0, 14_500));
        let points = [
            [1.0, 0.9],
            [50.0, 0.5],
            [150.0, 0.4],
            [200.0, 0.3],
            [250.0, 0.2],
        ];
        let x: Vec<f64> = clock
            .to_axis(&points, XAxis::Seconds, 10)
            .iter()
            .map(|p| p[0])
            .collect();
        assert_eq!(x, [0.01, 0.5, 1.25, 1.5, 12.0]);
        // Past the newest sample: on at the last segment's rate (100 steps per second).
        let after = clock.to_axis(&[[310.0, 0.1]], XAxis::Seconds, 10);
        assert_eq!(after, vec![[12.6, 0.1]]);
        // The y values are kept.
        assert_eq!(clock.to_axis(&points, XAxis::Seconds, 10)[2][1], 0.4);
    }

    #[test]
    fn steps_become_fractional_epochs() {
        let t0 = Instant::now();
        let mut clock = RunClock::default();
        // 8 steps per epoch; the counters arrive every 5 steps.
        clock.resume(0, 0, 8, t0);
        for (k, step) in [5u64, 10, 15, 20].iter().enumerate() {
            clock.record(*step, step / 8, 8, at(t0, 100 * (k as u64 + 1)));
        }
        let epochs: Vec<f64> = clock.samples().iter().map(|s| s.epoch).collect();
        assert_eq!(epochs, [0.0, 0.625, 1.25, 1.875, 2.5]);
        let points = [[4.0, 1.0], [12.0, 2.0], [16.0, 3.0], [24.0, 4.0]];
        let x: Vec<f64> = clock
            .to_axis(&points, XAxis::Epoch, 8)
            .iter()
            .map(|p| p[0])
            .collect();
        assert_eq!(x, [0.5, 1.5, 2.0, 3.0]);
        // Without samples (a curve read from a file): step / steps per epoch.
        let empty = RunClock::default();
        assert_eq!(empty.to_axis(&points, XAxis::Epoch, 8)[1], [1.5, 2.0]);
        assert!(empty.to_axis(&points, XAxis::Epoch, 0).is_empty());
        assert!(empty.to_axis(&points, XAxis::Seconds, 8).is_empty());
        assert_eq!(empty.to_axis(&points, XAxis::Step, 8), points.to_vec());
    }

    #[test]
    fn a_rewind_drops_later_samples_and_thinning_bounds_them() {
        let t0 = Instant::now();
        let mut clock = RunClock::default();
        clock.resume(0, 0, 4, t0);
        clock.record(8, 2, 4, at(t0, 1000));
        clock.record(16, 4, 4, at(t0, 2000));
        clock.truncate(10);
        assert_eq!(clock.samples().len(), 2);
        clock.resume(8, 2, 4, at(t0, 5000));
        clock.record(12, 3, 4, at(t0, 6000));
        let last = clock.samples().last().copied();
        assert_eq!(
            last,
            Some(ClockSample {
                step: 12,
                epoch: 3.0,
                seconds: 6.0
            })
        );
        for k in 0..3 * MAX_CLOCK_SAMPLES as u64 {
            clock.record(13 + k, 3, 0, at(t0, 7000 + k));
        }
        assert!(clock.samples().len() < 2 * MAX_CLOCK_SAMPLES);
        assert_eq!(clock.samples().last().map(|s| s.step), Some(12 + 3 * 4096));
        // The pause at step 8 (seconds 1 → 5) survived the thinning.
        let at_eight: Vec<f64> = clock
            .samples()
            .iter()
            .filter(|s| s.step == 8)
            .map(|s| s.seconds)
            .collect();
        assert_eq!(at_eight, [1.0, 5.0]);
    }
}
