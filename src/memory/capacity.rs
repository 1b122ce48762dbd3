//! The capacity sweep: how many random patterns a network of N neurons can hold.
//!
//! For P = 1 … `max_patterns` and each of `trials` trials, P fresh random patterns are stored
//! (the same patterns for every rule), pattern `t mod P` is cued with `noise` of its bits
//! flipped (the same cue for every rule), and asynchronous dynamics run until a sweep changes
//! nothing. A trial counts when the end state is the pattern itself. Plotted against the load
//! P/N, the Hebbian curve falls near the theoretical α_c ≈ 0.138 of Amit, Gutfreund &
//! Sompolinsky (1985), where retrieval states stop existing for large N; finite N and the
//! exact-recall criterion shift it somewhat.

use std::sync::atomic::{AtomicBool, Ordering};

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::dynamics::{Dynamics, Recall};
use super::network::{Hopfield, spin_dot};
use super::pattern::{Grid, flip_bits, random_patterns};
use super::rule::LearningRule;
use super::{MemoryError, derive_seed};

/// The storage capacity α_c = P/N of the Hebbian Hopfield network for large N (Amit,
/// Gutfreund & Sompolinsky 1985, Phys. Rev. Lett. 55, 1530).
pub const AGS_CAPACITY: f64 = 0.138;

/// What to sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct CapacityConfig {
    /// N, 2 ..= 1 024 (laid out as [`Grid::for_neurons`]).
    pub neurons: usize,
    /// Largest P; P runs 1 ..= `max_patterns`. At most N.
    pub max_patterns: usize,
    /// Cues per P (each with its own random patterns), ≥ 1.
    pub trials: usize,
    /// Share of the cue's bits flipped, in [0, 1].
    pub noise: f64,
    /// The rules compared, each at most once, at least one.
    pub rules: Vec<LearningRule>,
    /// Seed of the patterns, cues and update orders.
    pub seed: u64,
    /// Largest number of sweeps (N updates each) a recall may take, ≥ 1.
    pub max_sweeps: u64,
}

impl CapacityConfig {
    /// The default sweep for `neurons` neurons: P = 1 … N/4, 20 trials, 10 % noise, Hebbian
    /// and Storkey side by side, seed 1, at most 100 sweeps per recall.
    pub fn new(neurons: usize) -> CapacityConfig {
        CapacityConfig {
            neurons,
            max_patterns: (neurons / 4).max(1),
            trials: 20,
            noise: 0.1,
            rules: vec![LearningRule::Hebb, LearningRule::Storkey],
            seed: 1,
            max_sweeps: 100,
        }
    }

    /// Checks the settings and returns the grid. Errors (one line each): `"the capacity sweep
    /// needs 2 to 1024 neurons, got 1"`, the grid's error, `"the largest number of patterns
    /// must be 1 to N = 100, got 0"`, `"give at least 1 trial"`, `"noise must be a share of
    /// the bits in [0, 1], got 1.5"`, `"name at least one learning rule"`, `"the rule hebb is
    /// named twice"` and `"give at least 1 sweep per recall"`.
    pub fn validate(&self) -> Result<Grid, MemoryError> {
        self.check().map_err(|(_, e)| e)
    }

    /// As [`CapacityConfig::validate`], with the name of the field at fault (`neurons`,
    /// `max_patterns`, `trials`, `noise`, `rules` or `max_sweeps`).
    pub fn check(&self) -> Result<Grid, (&'static str, MemoryError)> {
        let bad = |field, text: String| Err((field, MemoryError::Invalid(text)));
        let n = self.neurons;
        if !(2..=Grid::MAX_SIDE * Grid::MAX_SIDE).contains(&n) {
            return bad(
                "neurons",
                format!(
                    "the capacity sweep needs 2 to {} neurons, got {n}",
                    Grid::MAX_SIDE * Grid::MAX_SIDE
                ),
            );
        }
        let grid = Grid::for_neurons(n).map_err(|e| ("neurons", e))?;
        if !(1..=n).contains(&self.max_patterns) {
            return bad(
                "max_patterns",
                format!(
                    "the largest number of patterns must be 1 to N = {n}, got {}",
                    self.max_patterns
                ),
            );
        }
        if self.trials == 0 {
            return bad("trials", "give at least 1 trial".to_string());
        }
        if !(0.0..=1.0).contains(&self.noise) {
            return bad(
                "noise",
                format!(
                    "noise must be a share of the bits in [0, 1], got {}",
                    self.noise
                ),
            );
        }
        if self.rules.is_empty() {
            return bad("rules", "name at least one learning rule".to_string());
        }
        for (k, rule) in self.rules.iter().enumerate() {
            if self.rules[..k].contains(rule) {
                return bad("rules", format!("the rule {} is named twice", rule.id()));
            }
        }
        if self.max_sweeps == 0 {
            return bad("max_sweeps", "give at least 1 sweep per recall".to_string());
        }
        Ok(grid)
    }
}

/// The result for one rule at one P.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CapacityPoint {
    /// The rule.
    pub rule: LearningRule,
    /// P, the number of stored patterns.
    pub patterns: usize,
    /// The load α = P/N.
    pub load: f64,
    /// Trials that ended on the cued pattern exactly.
    pub recalled: usize,
    /// Trials run.
    pub trials: usize,
    /// recalled / trials.
    pub share: f64,
    /// Mean final overlap m with the cued pattern, in [−1, 1].
    pub mean_overlap: f64,
}

/// Reported after each P.
#[derive(Clone, Debug, PartialEq)]
pub struct CapacityProgress {
    /// Values of P finished.
    pub done: usize,
    /// Values of P in the sweep.
    pub total: usize,
    /// The points just finished, one per rule, in the config's rule order.
    pub points: Vec<CapacityPoint>,
}

/// A finished sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct CapacityCurve {
    /// What was swept.
    pub config: CapacityConfig,
    /// Every point, by P, then in the config's rule order.
    pub points: Vec<CapacityPoint>,
}

impl CapacityCurve {
    /// The points of one rule, by P.
    pub fn points_of(&self, rule: LearningRule) -> Vec<CapacityPoint> {
        self.points
            .iter()
            .filter(|p| p.rule == rule)
            .copied()
            .collect()
    }

    /// The share recalled by `rule` with `patterns` stored, if swept.
    pub fn share(&self, rule: LearningRule, patterns: usize) -> Option<f64> {
        self.points
            .iter()
            .find(|p| p.rule == rule && p.patterns == patterns)
            .map(|p| p.share)
    }

    /// P at the theoretical capacity, [`AGS_CAPACITY`] · N.
    pub fn theoretical_patterns(&self) -> f64 {
        AGS_CAPACITY * self.config.neurons as f64
    }
}

/// Runs the sweep (module docs), calling `progress` after each P and checking `cancel`
/// before every trial. Pure: the same config gives the same curve, on any thread.
///
/// Errors: the config's ([`CapacityConfig::validate`]) and [`MemoryError::Cancelled`].
pub fn capacity_sweep(
    config: &CapacityConfig,
    mut progress: impl FnMut(&CapacityProgress),
    cancel: &AtomicBool,
) -> Result<CapacityCurve, MemoryError> {
    let grid = config.validate()?;
    let n = config.neurons;
    let mut nets: Vec<Option<Hopfield>> = config
        .rules
        .iter()
        .map(|&rule| Some(Hopfield::new(grid, rule)))
        .collect();
    let mut points = Vec::with_capacity(config.max_patterns * config.rules.len());
    for p in 1..=config.max_patterns {
        let mut recalled = vec![0usize; nets.len()];
        // Σ over trials of Σᵢ xᵢ sᵢ: exact, so the mean overlap is one rounding.
        let mut dot_sum = vec![0i64; nets.len()];
        for t in 0..config.trials {
            if cancel.load(Ordering::Relaxed) {
                return Err(MemoryError::Cancelled);
            }
            let stream = derive_seed(config.seed, &[p as u64, t as u64]);
            let patterns = random_patterns(grid, p, derive_seed(stream, &[0]));
            let target = t % p;
            let mut rng = StdRng::seed_from_u64(derive_seed(stream, &[1]));
            let cue = flip_bits(&patterns[target].spins, config.noise, &mut rng);
            for (r, slot) in nets.iter_mut().enumerate() {
                let Some(mut net) = slot.take() else {
                    continue;
                };
                net.clear_patterns();
                net.store_all(&patterns)?;
                let order_seed = derive_seed(stream, &[2]);
                let mut recall = Recall::new(net, &cue, Dynamics::Async, order_seed)?;
                let end = recall.run(config.max_sweeps * n as u64);
                recalled[r] += usize::from(end.recalled(&patterns, target));
                dot_sum[r] += spin_dot(&patterns[target].spins, recall.net().state());
                *slot = Some(recall.into_net());
            }
        }
        let finished: Vec<CapacityPoint> = config
            .rules
            .iter()
            .enumerate()
            .map(|(r, &rule)| CapacityPoint {
                rule,
                patterns: p,
                load: p as f64 / n as f64,
                recalled: recalled[r],
                trials: config.trials,
                share: recalled[r] as f64 / config.trials as f64,
                mean_overlap: dot_sum[r] as f64 / (n * config.trials) as f64,
            })
            .collect();
        points.extend_from_slice(&finished);
        progress(&CapacityProgress {
            done: p,
            total: config.max_patterns,
            points: finished,
        });
    }
    Ok(CapacityCurve {
        config: config.clone(),
        points,
    })
}
