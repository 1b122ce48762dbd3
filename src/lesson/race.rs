//! The optimizer race: several update rules on the same [`Surface`] from the same start, each
//! with its own path, loss history and steps-to-tolerance. Every rule is
//! [`OptimizerState::update`], the one the networks train with.

use crate::nn::divergence_message;
use crate::nn::{OptimizerConfig, OptimizerKind, OptimizerState};

use super::regression::{DIVERGENCE_LOSS, push_thinned};
use super::surfaces::Surface;

/// A race stops by itself after this many shared steps.
pub const MAX_RACE_STEPS: u64 = 100_000;

/// One optimizer in the race.
#[derive(Clone, Debug)]
pub struct Racer {
    /// Rule and hyper-parameters; edit freely (a change of kind restarts the rule's state on
    /// the next step, other edits apply from the next step).
    pub config: OptimizerConfig,
    /// Whether the racer takes part; a disabled racer neither moves nor counts.
    pub enabled: bool,
    state: OptimizerState<f64>,
    position: [f64; 2],
    steps: u64,
    path: Vec<[f64; 2]>,
    losses: Vec<[f64; 2]>,
    reached_at: Option<u64>,
    diverged: Option<String>,
}

impl Racer {
    /// A racer with `config` standing at `start` on `surface`.
    pub fn new(config: OptimizerConfig, surface: &Surface, start: [f64; 2]) -> Self {
        let mut racer = Self {
            config,
            enabled: true,
            state: OptimizerState::new(),
            position: start,
            steps: 0,
            path: Vec::new(),
            losses: Vec::new(),
            reached_at: None,
            diverged: None,
        };
        racer.reset(surface, start);
        racer
    }

    /// Current point.
    pub fn position(&self) -> [f64; 2] {
        self.position
    }

    /// Steps taken.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The points visited, start first (thinned on long runs).
    pub fn path(&self) -> &[[f64; 2]] {
        &self.path
    }

    /// `[step, f]` for the points of [`Racer::path`].
    pub fn losses(&self) -> &[[f64; 2]] {
        &self.losses
    }

    /// The first step after which f − f_min was below the race's tolerance (0 if the start
    /// already was).
    pub fn reached_at(&self) -> Option<u64> {
        self.reached_at
    }

    /// The divergence message, once the racer produced a non-finite point or a value beyond
    /// ±[`DIVERGENCE_LOSS`]; it then stops at its last finite point.
    pub fn diverged(&self) -> Option<&str> {
        self.diverged.as_deref()
    }

    /// True while the racer still moves (enabled and not diverged).
    pub fn is_running(&self) -> bool {
        self.enabled && self.diverged.is_none()
    }

    /// Back to `start` with fresh optimizer state.
    pub fn reset(&mut self, surface: &Surface, start: [f64; 2]) {
        self.state.reset();
        self.position = start;
        self.steps = 0;
        let value = surface.value(start);
        self.path = vec![start];
        self.losses = vec![[0.0, value]];
        self.reached_at = None;
        self.diverged = None;
    }

    /// One update on `surface`; records when f − `min_value` first drops below `tolerance`.
    fn step(&mut self, surface: &Surface, min_value: Option<f64>, tolerance: f64) {
        if !self.is_running() {
            return;
        }
        if self.reached_at.is_none() && self.steps == 0 {
            self.check_reached(surface.value(self.position), min_value, tolerance);
        }
        let gradient = surface.gradient(self.position);
        let mut next = self.position;
        self.state.update(&self.config, &mut next, &gradient);
        let value = surface.value(next);
        let step = self.steps + 1;
        let finite = next.iter().all(|v| v.is_finite()) && self.config.learning_rate.is_finite();
        if !(finite && value.is_finite() && value.abs() <= DIVERGENCE_LOSS) {
            self.diverged = Some(race_divergence(surface, step));
            return;
        }
        self.position = next;
        self.steps = step;
        push_thinned(&mut self.path, &mut self.losses, next, [step as f64, value]);
        if self.reached_at.is_none() {
            self.check_reached(value, min_value, tolerance);
        }
    }

    fn check_reached(&mut self, value: f64, min_value: Option<f64>, tolerance: f64) {
        if let Some(min) = min_value
            && value - min < tolerance
        {
            self.reached_at = Some(self.steps);
        }
    }
}

/// Racers on one surface from one start, stepped together.
#[derive(Clone, Debug)]
pub struct Race {
    surface: Surface,
    start: [f64; 2],
    tolerance: f64,
    steps: u64,
    /// The racers, in table order.
    pub racers: Vec<Racer>,
}

impl Race {
    /// One racer of each [`OptimizerKind`] with the surface's default learning rate, from the
    /// surface's start point, tolerance 1e-4.
    pub fn new(surface: Surface) -> Self {
        let start = surface.start();
        let racers = OptimizerKind::ALL
            .iter()
            .map(|&kind| {
                Racer::new(
                    OptimizerConfig::new(kind, surface.default_learning_rate(kind)),
                    &surface,
                    start,
                )
            })
            .collect();
        Self {
            surface,
            start,
            tolerance: 1e-4,
            steps: 0,
            racers,
        }
    }

    /// The surface.
    pub fn surface(&self) -> &Surface {
        &self.surface
    }

    /// Switches to `surface`: its start point and default learning rates, then a reset.
    /// Other hyper-parameters and the enabled flags are kept.
    pub fn set_surface(&mut self, surface: Surface) {
        self.start = surface.start();
        for racer in &mut self.racers {
            racer.config.learning_rate = surface.default_learning_rate(racer.config.kind);
        }
        self.surface = surface;
        self.reset();
    }

    /// The common start point.
    pub fn start(&self) -> [f64; 2] {
        self.start
    }

    /// Moves the common start point (non-finite coordinates are ignored) and resets.
    pub fn set_start(&mut self, start: [f64; 2]) {
        if start.iter().all(|v| v.is_finite()) {
            self.start = start;
        }
        self.reset();
    }

    /// The tolerance on f − f_min that counts as arrived.
    pub fn tolerance(&self) -> f64 {
        self.tolerance
    }

    /// Sets the tolerance (a positive finite number; anything else is ignored) and resets the
    /// arrival times by resetting the race.
    pub fn set_tolerance(&mut self, tolerance: f64) {
        if tolerance > 0.0 && tolerance.is_finite() {
            self.tolerance = tolerance;
            self.reset();
        }
    }

    /// Shared steps taken since the last reset.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Every racer back to the start with fresh state.
    pub fn reset(&mut self) {
        self.steps = 0;
        for racer in &mut self.racers {
            racer.reset(&self.surface, self.start);
        }
    }

    /// One step of every running racer. Returns false (and does nothing) once the race is
    /// [finished](Race::is_finished).
    pub fn step(&mut self) -> bool {
        if self.is_finished() {
            return false;
        }
        let min_value = self.surface.min_value();
        for racer in &mut self.racers {
            racer.step(&self.surface, min_value, self.tolerance);
        }
        self.steps += 1;
        true
    }

    /// True when no enabled racer is still running and short of the tolerance, or after
    /// [`MAX_RACE_STEPS`] steps. (On the saddle, with no minimum to reach, only divergence or
    /// the step limit end the race.)
    pub fn is_finished(&self) -> bool {
        self.steps >= MAX_RACE_STEPS
            || self
                .racers
                .iter()
                .all(|r| !r.is_running() || r.reached_at.is_some())
    }
}

/// Why a racer stopped at `step`. A surface has no inputs to normalise: on the saddle, which
/// has no minimum, falling without end is what every escaping method does; elsewhere the
/// steps were too large.
pub fn race_divergence(surface: &Surface, step: u64) -> String {
    match surface {
        Surface::Saddle => format!(
            "fell off at step {step}: the saddle has no minimum, so a run that leaves the ridge falls without end"
        ),
        _ => {
            let general = divergence_message(step);
            let reason = general.split(':').next().unwrap_or(&general).to_string();
            format!("{reason}: lower the learning rate")
        }
    }
}
