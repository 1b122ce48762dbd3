//! When a run reached which step: the x axes "epoch", "relative seconds" and "wall clock"
//! (time of day, UTC) of the overlaid curves.
//!
//! The worker reports its step and epoch counters after each flush of step losses (about every
//! 15 ms while it trains, [`crate::train::Event::Progress`]); the window keeps one
//! [`ClockSample`] per report, never per step, so the training loop is untouched. A step
//! between two samples is placed by linear interpolation between them.
//!
//! A run **stops** when it is paused, and when its experiment file is closed until it is
//! reopened and trained on. The four axes treat a stop alike, the way TensorBoard's and
//! Weights & Biases' run charts do:
//!
//! - **Step** and **epoch** do not move while the run stands still: a stop takes no room.
//! - **Seconds** (relative) count only the time the run spent training, from its first
//!   *Play* (or first step): the stopwatch stops at Pause and goes on at Play, and a reopened
//!   run goes on from its saved seconds (W&B's run time). A stop takes no room either.
//!   A branch's seconds start where its parent's were at the branch step
//!   ([`RunClock::set_offset`]): its time is the parent's time at that step plus its own.
//! - **Wall clock** is the Unix time (UTC) at which each sample was taken, so a run's curve sits
//!   at the time of day it trained, and a stop is the stretch of the day it took: the curve
//!   **breaks** there ([`RunClock::gaps`]) instead of drawing a line across hours in which
//!   nothing trained. A stop is what the wall clock ran beyond the training seconds between
//!   two samples, so it is found again in a file ([`RunClock::to_saved`],
//!   [`RunClock::from_saved`]); stops shorter than [`MIN_GAP_SECS`] are not broken.
//! - A run reopened from a file saved without times ([`RunClock::untimed_through`]) has no time
//!   for its steps up to the saved step: they are left off the seconds and wall-clock axes
//!   rather than piled up at 0.
//! - **Epochs** are fractional: e + (s − b) / n, where e is the number of completed passes over
//!   the training set at step s, b the step at which pass e + 1 began and n the run's steps per
//!   epoch. With a constant batch size this is s / n exactly (for a run from step 0); after a
//!   change of the batch size the boundary b is placed within the flush in which the epoch
//!   counter changed.
//!
//! Samples are thinned by halves past [`MAX_CLOCK_SAMPLES`] (the two samples around each stop
//! are kept), so an hour-long run holds at most that many.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::experiment::SavedClock;

mod timeofday;
pub use timeofday::{time_grid_steps, time_of_day, wall_clock_label};

/// Samples kept per run before they are thinned by halves.
pub const MAX_CLOCK_SAMPLES: usize = 4096;

/// Shortest stop (seconds of wall-clock time in which the run did not train) at which a
/// curve on the wall-clock axis breaks: longer than a frame or a flush of the worker, far
/// longer than the milliseconds a file rounds times to.
pub const MIN_GAP_SECS: f64 = 0.25;

/// The x axis of the overlaid curves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum XAxis {
    /// Optimizer steps (minibatch updates).
    #[default]
    Step,
    /// Passes over the training set (fractional).
    Epoch,
    /// Seconds the run spent training since it started (pauses and the time its file was
    /// closed are not counted; a branch: from its parent's time at the branch step).
    Seconds,
    /// Time of day (UTC) at which the run reached the step, from the Unix time of each sample;
    /// the curve breaks where the run stopped.
    WallClock,
}

impl XAxis {
    /// Every choice, in the order the selector shows them.
    pub const ALL: [XAxis; 4] = [XAxis::Step, XAxis::Epoch, XAxis::Seconds, XAxis::WallClock];

    /// The axis label.
    pub fn label(self) -> &'static str {
        match self {
            XAxis::Step => "step",
            XAxis::Epoch => "epoch",
            XAxis::Seconds => "seconds (relative)",
            XAxis::WallClock => "wall clock (UTC)",
        }
    }

    /// True for the axes that need the run's times (seconds and wall clock).
    pub fn is_time(self) -> bool {
        matches!(self, XAxis::Seconds | XAxis::WallClock)
    }

    /// What the axis counts, and what it does with the time a run stood still (its tooltip).
    pub fn hint(self) -> &'static str {
        match self {
            XAxis::Step => {
                "Optimizer steps (mini-batch updates). A pause, or the time the experiment was \
                 closed, takes no room."
            }
            XAxis::Epoch => {
                "Passes over the training set (fractional). A pause, or the time the experiment \
                 was closed, takes no room."
            }
            XAxis::Seconds => {
                "Seconds each run spent training, from its first Play: pauses and the time the \
                 experiment was closed are not counted (a branch goes on from its parent's time \
                 at the branch step)."
            }
            XAxis::WallClock => {
                "Time of day (UTC) at which each run reached the step. Where a run was paused or \
                 its experiment closed, its curve breaks: no line is drawn across time in which \
                 it did not train."
            }
        }
    }
}

/// The Unix time now (seconds since 1970-01-01 UTC).
fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// One progress report: the step, the fractional epoch at it, the seconds the run had spent
/// training and the Unix time it was taken at.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClockSample {
    /// Steps taken.
    pub step: u64,
    /// Fractional epochs at `step` (see the module docs).
    pub epoch: f64,
    /// Seconds the run had spent training (without a branch's offset; stops not counted).
    pub seconds: f64,
    /// Unix time (seconds since 1970-01-01 UTC) of the report.
    pub wall: f64,
}

/// Seconds of wall-clock time in which the run did not train between samples `a` and `b`
/// (the wall clock's advance beyond the training seconds'), when at least [`MIN_GAP_SECS`].
fn stop_between(a: &ClockSample, b: &ClockSample) -> Option<f64> {
    let stop = (b.wall - a.wall) - (b.seconds - a.seconds);
    (stop >= MIN_GAP_SECS).then_some(stop)
}

/// The progress reports of one run (see the module docs).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunClock {
    samples: Vec<ClockSample>,
    /// When the current stretch of training began (the stopwatch runs); `None` while the run
    /// stands still (not started, paused, or read from a file and not trained on yet).
    origin: Option<Instant>,
    /// Training seconds counted before `origin` (a clock read from a file: its newest
    /// sample's).
    base: f64,
    /// The samples carry times (the run has started training, or they came from a file).
    started: bool,
    /// An instant and its Unix time, to turn instants into wall-clock times.
    anchor: Option<(Instant, f64)>,
    /// Seconds on the run's axis at its own time 0 (a branch: its parent's time at the
    /// branch step).
    offset: f64,
    /// Steps up to which the run has no times (reopened from a file saved without them).
    untimed_through: Option<u64>,
    /// The completed epochs of the newest sample, and the step at which that epoch began.
    epoch_start: Option<(u64, f64)>,
    /// The steps per epoch of the newest sample.
    steps_per_epoch: u64,
}

impl RunClock {
    /// Notes that the run reached `step` with `epoch` completed passes, at `now`;
    /// `running` is whether its worker trains (false: a paused run stepped by hand, whose
    /// stopwatch stays stopped). `steps_per_epoch` is the run's (0 when unknown). A report that
    /// does not advance a run that has not started training yet is not kept (a paused run's
    /// clock starts at Play).
    pub fn record(
        &mut self,
        step: u64,
        epoch: u64,
        steps_per_epoch: u64,
        running: bool,
        now: Instant,
    ) {
        if let Some(last) = self.samples.last()
            && step < last.step
        {
            self.truncate(step);
        }
        if self.origin.is_none() {
            let advanced = self.samples.last().is_some_and(|last| step > last.step);
            if !advanced {
                if !self.started {
                    // Not training yet: remember only where it stands.
                    self.samples.clear();
                    self.epoch_start = None;
                    let wall = self.wall_at(now);
                    self.push(step, epoch, steps_per_epoch, 0.0, wall);
                }
                // Paused, or read from a file and not trained on yet: nothing new.
                return;
            }
            if running {
                // Training without a Play of its own (a session reset while running).
                self.origin = Some(now);
            }
            self.started = true;
        }
        let (seconds, wall) = (self.seconds_at(now), self.wall_at(now));
        self.push(step, epoch, steps_per_epoch, seconds, wall);
    }

    /// Notes that the run (re)started training at `step` at `now` (after Play): the
    /// stopwatch goes on from the seconds it stood at.
    pub fn resume(&mut self, step: u64, epoch: u64, steps_per_epoch: u64, now: Instant) {
        if self.origin.is_none() {
            self.origin = Some(now);
            if !self.started {
                self.samples.clear();
                self.epoch_start = None;
                self.started = true;
            }
        }
        if let Some(last) = self.samples.last()
            && step < last.step
        {
            self.truncate(step);
        }
        let (seconds, wall) = (self.seconds_at(now), self.wall_at(now));
        self.push(step, epoch, steps_per_epoch, seconds, wall);
    }

    /// Notes that the run stopped training at `step` at `now` (Pause, or its epochs are
    /// done): the stopwatch stops, and the sample taken marks where a stop begins.
    pub fn pause(&mut self, step: u64, epoch: u64, steps_per_epoch: u64, now: Instant) {
        if self.origin.is_none() {
            return;
        }
        if let Some(last) = self.samples.last()
            && step < last.step
        {
            self.truncate(step);
        }
        let (seconds, wall) = (self.seconds_at(now), self.wall_at(now));
        self.base = seconds;
        self.origin = None;
        let same = self
            .samples
            .last()
            .is_some_and(|s| s.step == step && s.seconds == seconds && s.wall == wall);
        if !same {
            self.push(step, epoch, steps_per_epoch, seconds, wall);
        }
    }

    fn seconds_at(&self, now: Instant) -> f64 {
        self.base
            + self.origin.map_or(0.0, |origin| {
                now.saturating_duration_since(origin).as_secs_f64()
            })
    }

    /// The Unix time of `now` (the first call ties the clock's instants to the system time).
    fn wall_at(&mut self, now: Instant) -> f64 {
        let (instant, unix) = *self.anchor.get_or_insert_with(|| (now, unix_now()));
        match now.checked_duration_since(instant) {
            Some(after) => unix + after.as_secs_f64(),
            None => unix - instant.duration_since(now).as_secs_f64(),
        }
    }

    /// Ties `instant` to the Unix time `unix` (seconds since 1970-01-01 UTC) for the samples'
    /// wall-clock times; without it the first sample takes the system's time. For tests and
    /// for clocks that must agree on one time.
    pub fn set_wall_anchor(&mut self, instant: Instant, unix: f64) {
        self.anchor = Some((instant, unix));
    }

    /// Seconds on the seconds axis at the run's own time 0: for a branch its parent's time at
    /// the branch step (kept by [`RunClock::clear`]: it belongs to the run's lineage).
    pub fn set_offset(&mut self, seconds: f64) {
        self.offset = if seconds.is_finite() { seconds } else { 0.0 };
    }

    /// The offset of [`RunClock::set_offset`].
    pub fn offset(&self) -> f64 {
        self.offset
    }

    /// Notes that the run has no times up to `step` (reopened from a file saved without
    /// them): those steps are left off the time axes.
    pub fn set_untimed_through(&mut self, step: u64) {
        self.untimed_through = Some(step);
    }

    /// The step up to which the run has no times, when it was reopened without them.
    pub fn untimed_through(&self) -> Option<u64> {
        self.untimed_through
    }

    /// The run's time on the seconds axis at `step` (`None` when the clock cannot place it).
    pub fn seconds_at_step(&self, step: u64) -> Option<f64> {
        self.to_axis(&[[step as f64, 0.0]], XAxis::Seconds, 0)
            .first()
            .map(|p| p[0])
    }

    fn push(&mut self, step: u64, epoch: u64, steps_per_epoch: u64, seconds: f64, wall: f64) {
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
            wall,
        });
        if self.samples.len() >= 2 * MAX_CLOCK_SAMPLES {
            self.thin();
        }
    }

    /// Keeps every other sample, the newest, and both samples of each pause or stop.
    fn thin(&mut self) {
        let samples = std::mem::take(&mut self.samples);
        let n = samples.len();
        let apart =
            |a: &ClockSample, b: &ClockSample| a.step == b.step || stop_between(a, b).is_some();
        self.samples = samples
            .iter()
            .enumerate()
            .filter(|&(i, s)| {
                let paused = (i > 0 && apart(&samples[i - 1], s))
                    || samples.get(i + 1).is_some_and(|next| apart(s, next));
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

    /// Forgets everything (a new session started) but the offset of a branch and the
    /// wall-clock anchor.
    pub fn clear(&mut self) {
        *self = Self {
            offset: self.offset,
            anchor: self.anchor,
            ..Self::default()
        };
    }

    /// The samples for an experiment file (times rounded to milliseconds); `None` when the
    /// run has not started training.
    pub fn to_saved(&self) -> Option<SavedClock> {
        let first = self.samples.first().filter(|_| self.started)?;
        let started_at = (first.wall - first.seconds).floor();
        let ms = |v: f64| (v * 1000.0).round() / 1000.0;
        Some(SavedClock {
            started_at,
            offset: ms(self.offset),
            samples: self
                .samples
                .iter()
                .map(|s| {
                    [
                        s.step as f64,
                        s.epoch,
                        ms(s.seconds),
                        ms(s.wall - started_at),
                    ]
                })
                .collect(),
        })
    }

    /// A clock holding the samples of `saved` (checked by [`SavedClock::check`]); training
    /// on counts the seconds on from its newest sample's.
    pub fn from_saved(saved: &SavedClock, steps_per_epoch: u64) -> Self {
        let samples: Vec<ClockSample> = saved
            .samples
            .iter()
            .map(|&[step, epoch, seconds, wall]| ClockSample {
                step: step as u64,
                epoch,
                seconds,
                wall: saved.started_at + wall,
            })
            .collect();
        let last = samples.last().copied();
        Self {
            base: last.map_or(0.0, |s| s.seconds),
            started: !samples.is_empty(),
            offset: saved.offset,
            epoch_start: last.map(|s| {
                let epoch = s.epoch.floor();
                let per_epoch = steps_per_epoch as f64;
                (epoch as u64, s.step as f64 - (s.epoch - epoch) * per_epoch)
            }),
            steps_per_epoch,
            samples,
            ..Self::default()
        }
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
            XAxis::Epoch => self.interpolate(points, |s| s.epoch, steps_per_epoch, false),
            XAxis::Seconds | XAxis::WallClock => {
                let timed = match self.untimed_through {
                    Some(step) => {
                        let first = points.partition_point(|p| p[0] <= step as f64);
                        &points[first..]
                    }
                    None => points,
                };
                if axis == XAxis::Seconds {
                    let offset = self.offset;
                    self.interpolate(timed, |s| offset + s.seconds, 0, false)
                } else {
                    self.interpolate(timed, |s| s.wall, 0, true)
                }
            }
        }
    }

    /// The stretches of `axis` (x from, x to) in which the run did not train and across
    /// which its curve must not be drawn: on the wall clock each stop of at least
    /// [`MIN_GAP_SECS`] (a pause, or the time its experiment was closed), from the Unix time
    /// it stopped to the time it trained again. Empty on the other axes, where a stop takes
    /// no room.
    pub fn gaps(&self, axis: XAxis) -> Vec<(f64, f64)> {
        if axis != XAxis::WallClock {
            return Vec::new();
        }
        self.samples
            .windows(2)
            .filter_map(|pair| {
                let stop = stop_between(&pair[0], &pair[1])?;
                Some((pair[0].wall, pair[0].wall + stop))
            })
            .collect()
    }

    /// Linear interpolation of `value` between the samples around each point's step (one
    /// pass, as the points are in step order). Past the newest sample it goes on at the last
    /// segment's rate (for epochs: 1 / `steps_per_epoch`). With `stops` (the wall clock), a
    /// segment holding a stop ([`RunClock::gaps`]) stands still first and trains after: its
    /// steps are spread over the part after the stop.
    fn interpolate(
        &self,
        points: &[[f64; 2]],
        value: impl Fn(&ClockSample) -> f64,
        steps_per_epoch: u64,
        stops: bool,
    ) -> Vec<[f64; 2]> {
        let samples = &self.samples;
        let (Some(first), Some(last)) = (samples.first(), samples.last()) else {
            return Vec::new();
        };
        // The time of a segment spent standing still, on this axis.
        let still = |a: &ClockSample, b: &ClockSample| {
            if stops {
                stop_between(a, b).unwrap_or(0.0)
            } else {
                0.0
            }
        };
        let tail_rate = if steps_per_epoch > 0 {
            1.0 / steps_per_epoch as f64
        } else {
            match samples.len() {
                n if n >= 2 && samples[n - 2].step < last.step => {
                    let before = &samples[n - 2];
                    let moved = value(last) - value(before) - still(before, last);
                    moved / (last.step - before.step) as f64
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
                    let still = still(a, b);
                    value(a) + still + t * (value(b) - value(a) - still)
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

    /// A clock anchored at Unix time 1 796 220 000, created paused at step 0 (10 steps an
    /// epoch) and played two seconds later: (its start, the anchor's Unix time, the clock).
    fn played_after_two_seconds() -> (Instant, f64, RunClock) {
        let t0 = Instant::now();
        let unix = 1_796_220_000.0;
        let mut clock = RunClock::default();
        clock.set_wall_anchor(t0, unix);
        clock.record(0, 0, 10, false, t0);
        clock.resume(0, 0, 10, at(t0, 2000));
        (t0, unix, clock)
    }

    #[test]
    fn seconds_count_training_only_and_the_wall_clock_breaks_at_a_pause() {
        let (t0, unix, mut clock) = played_after_two_seconds();
        clock.record(100, 10, 10, true, at(t0, 3000));
        clock.record(200, 20, 10, true, at(t0, 3500));
        // Paused at step 200 until t = 13.5 s.
        clock.pause(200, 20, 10, at(t0, 3500));
        clock.resume(200, 20, 10, at(t0, 13_500));
        clock.record(300, 30, 10, true, at(t0, 14_500));
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
        // The ten seconds of the pause are not training: step 250 is half a second after 200.
        assert_eq!(x, [0.01, 0.5, 1.25, 1.5, 2.0]);
        // Past the newest sample: on at the last segment's rate (100 steps per second).
        let after = clock.to_axis(&[[310.0, 0.1]], XAxis::Seconds, 10);
        assert_eq!(after, vec![[2.6, 0.1]]);
        // The wall clock keeps the pause's ten seconds, as a gap in the curve (none on the
        // other axes, where the pause takes no room).
        assert_eq!(clock.gaps(XAxis::WallClock), [(unix + 3.5, unix + 13.5)]);
        assert!(clock.gaps(XAxis::Seconds).is_empty());
        assert!(clock.gaps(XAxis::Step).is_empty());
        let wall: Vec<f64> = clock
            .to_axis(&points, XAxis::WallClock, 10)
            .iter()
            .map(|p| ((p[0] - unix) * 1000.0).round() / 1000.0)
            .collect();
        assert_eq!(wall, [2.01, 2.5, 3.25, 3.5, 14.0]);
        // Stepped by hand while paused: the stopwatch stays stopped, the wall clock moves,
        // and the step sits after the stop (at the time it was taken), not inside it.
        clock.pause(300, 30, 10, at(t0, 14_500));
        clock.record(301, 30, 10, false, at(t0, 20_500));
        assert_eq!(clock.samples().last().map(|s| s.seconds), Some(2.5));
        assert_eq!(
            clock.to_axis(&[[301.0, 0.1]], XAxis::WallClock, 10),
            [[unix + 20.5, 0.1]]
        );
        assert_eq!(
            clock.gaps(XAxis::WallClock),
            [(unix + 3.5, unix + 13.5), (unix + 14.5, unix + 20.5)]
        );
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
            clock.record(*step, step / 8, 8, true, at(t0, 100 * (k as u64 + 1)));
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
        clock.record(8, 2, 4, true, at(t0, 1000));
        clock.record(16, 4, 4, true, at(t0, 2000));
        clock.truncate(10);
        assert_eq!(clock.samples().len(), 2);
        clock.resume(8, 2, 4, at(t0, 5000));
        clock.record(12, 3, 4, true, at(t0, 6000));
        let last = clock.samples().last().copied();
        assert_eq!(
            last,
            Some(ClockSample {
                step: 12,
                epoch: 3.0,
                seconds: 6.0,
                wall: last.map_or(0.0, |s| s.wall)
            })
        );
        for k in 0..3 * MAX_CLOCK_SAMPLES as u64 {
            clock.record(13 + k, 3, 0, true, at(t0, 7000 + k));
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

    #[test]
    fn times_go_through_a_file_and_a_reopened_run_counts_on() {
        let (t0, unix, mut clock) = played_after_two_seconds();
        clock.record(100, 10, 10, true, at(t0, 3000));
        clock.record(200, 20, 10, true, at(t0, 4500));
        clock.pause(200, 20, 10, at(t0, 4500));
        let saved = clock.to_saved().expect("started");
        // Seconds 0 was at Unix time 1 796 220 002 (Play, two seconds after the anchor).
        assert_eq!(saved.started_at, unix + 2.0);
        assert_eq!(
            saved.samples,
            [
                [0.0, 0.0, 0.0, 0.0],
                [100.0, 10.0, 1.0, 1.0],
                [200.0, 20.0, 2.5, 2.5]
            ]
        );
        let points = [[50.0, 0.7], [200.0, 0.2]];
        let wall = clock.to_axis(&points, XAxis::WallClock, 10);
        assert_eq!(wall, vec![[unix + 2.5, 0.7], [unix + 4.5, 0.2]]);
        assert_eq!(time_of_day(wall[1][0], false), "14:00:05");

        // Reopened a day later: the same x on every axis, and the seconds go on from 2.5.
        let mut reopened = RunClock::from_saved(&saved, 10);
        assert_eq!(
            reopened.to_axis(&points, XAxis::Seconds, 10),
            [[0.5, 0.7], [2.5, 0.2]]
        );
        assert_eq!(reopened.to_axis(&points, XAxis::WallClock, 10), wall);
        let t1 = at(t0, 86_400_000);
        reopened.set_wall_anchor(t1, unix + 86_400.0);
        // The worker's counters as it loads the run do not add a sample.
        reopened.record(200, 20, 10, false, t1);
        assert_eq!(reopened.samples().len(), 3);
        reopened.resume(200, 20, 10, at(t1, 10_000));
        reopened.record(300, 30, 10, true, at(t1, 11_000));
        let last = reopened.samples().last().copied().expect("sample");
        assert_eq!((last.seconds, last.wall), (3.5, unix + 86_411.0));
        // The day the file was closed is no training: on the seconds axis step 250 is half a
        // second after step 200; on the wall clock the curve breaks from when the run stopped
        // (4.5 s after the anchor) to when it trained again, and step 250 is placed after the
        // break, not on a line drawn across the day.
        let after = [[200.0, 0.2], [250.0, 0.15]];
        assert_eq!(
            reopened.to_axis(&after, XAxis::Seconds, 10),
            [[2.5, 0.2], [3.0, 0.15]]
        );
        assert_eq!(
            reopened.gaps(XAxis::WallClock),
            [(unix + 4.5, unix + 86_410.0)]
        );
        assert_eq!(
            reopened.to_axis(&after, XAxis::WallClock, 10),
            [[unix + 4.5, 0.2], [unix + 86_410.5, 0.15]]
        );
        // Saved again and reopened: the break is found again in the file's times.
        let again = RunClock::from_saved(&reopened.to_saved().expect("started"), 10);
        assert_eq!(
            again.gaps(XAxis::WallClock),
            reopened.gaps(XAxis::WallClock)
        );
    }

    #[test]
    fn a_branch_goes_on_from_its_parents_time_and_an_untimed_run_is_left_off() {
        let t0 = Instant::now();
        let mut parent = RunClock::default();
        parent.resume(0, 0, 10, t0);
        parent.record(100, 10, 10, true, at(t0, 4000));
        assert_eq!(parent.seconds_at_step(50), Some(2.0));
        let mut branch = RunClock::default();
        branch.set_offset(parent.seconds_at_step(50).unwrap_or(0.0));
        // The branch's session starts (clearing its clock) paused at step 50; Play at 10 s.
        branch.clear();
        branch.record(50, 5, 10, false, at(t0, 9000));
        branch.resume(50, 5, 10, at(t0, 10_000));
        branch.record(150, 15, 10, true, at(t0, 11_000));
        assert_eq!(
            branch.to_axis(&[[100.0, 0.3], [150.0, 0.2]], XAxis::Seconds, 10),
            [[2.5, 0.3], [3.0, 0.2]]
        );
        assert_eq!(branch.offset(), 2.0);

        // Reopened from a file without times at step 300: nothing up to it on the time axes
        // (no spike at 0), what it trains after goes on from 0.
        let mut untimed = RunClock::default();
        untimed.record(300, 30, 10, false, t0);
        untimed.set_untimed_through(300);
        untimed.resume(300, 30, 10, at(t0, 1000));
        untimed.record(400, 40, 10, true, at(t0, 2000));
        let points = [[10.0, 2.0], [300.0, 0.5], [350.0, 0.4], [400.0, 0.3]];
        assert_eq!(
            untimed.to_axis(&points, XAxis::Seconds, 10),
            [[0.5, 0.4], [1.0, 0.3]]
        );
        assert_eq!(untimed.to_axis(&points, XAxis::WallClock, 10).len(), 2);
        assert_eq!(untimed.to_axis(&points, XAxis::Step, 10).len(), 4);
        assert_eq!(untimed.to_saved().map(|s| s.samples.len()), Some(2));
    }
}
