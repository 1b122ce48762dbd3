//! Reading a recall: the name of the state it ended in, why a neuron is pulled the way it is
//! (signal against crosstalk), and how far from a pattern a cue may start (its basin).

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::dynamics::{Dynamics, Recall};
use super::network::{Hopfield, overlap};
use super::pattern::{Pattern, flip_bits, random_label};
use super::{MemoryError, derive_seed};

/// What a state is, relative to the stored patterns (indices 0-based; shown 1-based).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum StateName {
    /// Exactly stored pattern k.
    Pattern(usize),
    /// Exactly −x^k, the inverse of stored pattern k.
    Inverse(usize),
    /// Neither: the (up to) two patterns with the largest |m_μ|, largest first, ties to the
    /// lower index; empty when no pattern is stored.
    Spurious {
        /// Indices of the closest patterns.
        closest: Vec<usize>,
    },
}

/// Names `state` against `patterns`: a stored pattern, the inverse of one, or a spurious
/// state with its two closest patterns. Exact comparison, so rounding can never call a state
/// recalled that is not.
pub fn name_state(patterns: &[Pattern], state: &[i8]) -> StateName {
    if let Some(k) = patterns.iter().position(|p| p.spins == state) {
        return StateName::Pattern(k);
    }
    let inverse = |p: &Pattern| p.spins.iter().zip(state).all(|(&a, &b)| a == -b);
    if let Some(k) = patterns.iter().position(inverse) {
        return StateName::Inverse(k);
    }
    let mut ranked: Vec<(usize, f64)> = patterns
        .iter()
        .enumerate()
        .map(|(k, p)| (k, overlap(&p.spins, state).abs()))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    StateName::Spurious {
        closest: ranked.iter().take(2).map(|&(k, _)| k).collect(),
    }
}

impl StateName {
    /// The name with the patterns' labels where they say more than the number (letters,
    /// digits, drawings; not "random 3"): "pattern 3 (digit 7)", "the inverse of pattern 1
    /// (A)", "a spurious state closest to digit 7 and digit 1 (patterns 2 and 5)". Without
    /// such labels, as [`fmt::Display`] reads. `patterns` are the stored patterns.
    pub fn describe(&self, patterns: &[Pattern]) -> String {
        let label = |k: usize| informative_label(patterns, k);
        let numbered = |what: &str, k: usize| match label(k) {
            Some(l) => format!("{what} {} ({l})", k + 1),
            None => format!("{what} {}", k + 1),
        };
        match self {
            StateName::Pattern(k) => numbered("pattern", *k),
            StateName::Inverse(k) => numbered("the inverse of pattern", *k),
            StateName::Spurious { closest } => match closest.as_slice() {
                [] => "a spurious state (no patterns stored)".to_string(),
                [a] => match label(*a) {
                    Some(l) => format!("a spurious state closest to {l} (pattern {})", a + 1),
                    None => format!("a spurious state (closest: {})", a + 1),
                },
                [a, b, ..] => match (label(*a), label(*b)) {
                    (Some(la), Some(lb)) => format!(
                        "a spurious state closest to {la} and {lb} (patterns {} and {})",
                        a + 1,
                        b + 1
                    ),
                    _ => format!("a spurious state (closest: {} and {})", a + 1, b + 1),
                },
            },
        }
    }
}

/// Pattern `k`'s label when it says more than its number: `None` for a missing or empty
/// label and for the random patterns' "random {k + 1}".
fn informative_label(patterns: &[Pattern], k: usize) -> Option<&str> {
    let label = patterns.get(k)?.label.as_str();
    (!label.is_empty() && label != random_label(k)).then_some(label)
}

impl fmt::Display for StateName {
    /// "pattern 3", "the inverse of pattern 3", "a spurious state (closest: 2 and 5)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(&[]))
    }
}

/// Where a recall ended.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum EndState {
    /// A fixed point (no neuron changes).
    Fixed(StateName),
    /// Synchronous dynamics alternating between the current state and the previous one.
    TwoCycle(StateName, StateName),
    /// Stopped by the update limit while still changing (e.g. stochastic dynamics at T > 0);
    /// the name is of the state it was in.
    Unsettled(StateName),
    /// Continuous dynamics settled with every |tanh(βu_i)| < 0.05: the gain is too low to hold
    /// any memory.
    Rest,
}

impl EndState {
    /// True when the run ended on stored pattern `k` itself (of `patterns`, the stored ones):
    /// a fixed point, or the state at the update limit of a run that never settled
    /// (stochastic dynamics). A 2-cycle or the inverse is not a recall. A state equal to
    /// several stored patterns is named after the first of them, so pattern `k` is recalled
    /// also when the state is named after another pattern with the same spins.
    pub fn recalled(&self, patterns: &[Pattern], k: usize) -> bool {
        match self {
            EndState::Fixed(StateName::Pattern(j)) | EndState::Unsettled(StateName::Pattern(j)) => {
                *j == k
                    || patterns
                        .get(*j)
                        .zip(patterns.get(k))
                        .is_some_and(|(a, b)| a.spins == b.spins)
            }
            _ => false,
        }
    }

    /// A short machine name: `recalled`, `inverse`, `spurious`, `two-cycle`, `unsettled` or
    /// `rest`.
    pub fn kind(&self) -> &'static str {
        match self {
            EndState::Fixed(StateName::Pattern(_)) => "recalled",
            EndState::Fixed(StateName::Inverse(_)) => "inverse",
            EndState::Fixed(StateName::Spurious { .. }) => "spurious",
            EndState::TwoCycle(..) => "two-cycle",
            EndState::Unsettled(_) => "unsettled",
            EndState::Rest => "rest",
        }
    }
}

impl EndState {
    /// The end state with the patterns' labels where they say more than the number (see
    /// [`StateName::describe`]): "recalled pattern 3 (digit 7)", "a synchronous 2-cycle
    /// between pattern 1 (A) and the inverse of pattern 1 (A)". `patterns` are the stored
    /// patterns; without labels it reads as [`fmt::Display`].
    pub fn describe(&self, patterns: &[Pattern]) -> String {
        match self {
            EndState::Fixed(name @ StateName::Pattern(_)) => {
                format!("recalled {}", name.describe(patterns))
            }
            EndState::Fixed(name) => name.describe(patterns),
            EndState::TwoCycle(a, b) => format!(
                "a synchronous 2-cycle between {} and {}",
                a.describe(patterns),
                b.describe(patterns)
            ),
            EndState::Unsettled(name) => {
                format!(
                    "still changing when stopped (now {})",
                    name.describe(patterns)
                )
            }
            EndState::Rest => {
                "the zero state: every u decayed to 0 (the gain β is too low to hold a memory)"
                    .to_string()
            }
        }
    }
}

impl fmt::Display for EndState {
    /// "recalled pattern 3", "the inverse of pattern 3", "a spurious state (closest: 2 and
    /// 5)", "a synchronous 2-cycle between pattern 1 and the inverse of pattern 1", "still
    /// changing when stopped (now pattern 2)", "the zero state (…)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(&[]))
    }
}

/// A local field split into the part that pulls towards the cued pattern and the rest.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct FieldSplit {
    /// h_i = Σ_j w_ij s_j.
    pub field: f64,
    /// x_i^c · (1/N) Σ_{j≠i} x_j^c s_j: what pattern c's own Hebbian term contributes.
    pub signal: f64,
    /// h_i − signal: for Hebbian weights, Σ_{μ≠c} x_i^μ (1/N) Σ_{j≠i} x_j^μ s_j, the
    /// interference of the other patterns (Hertz, Krogh & Palmer 1991, §2.2); for the other
    /// rules it also holds the rule's correction terms.
    pub crosstalk: f64,
}

/// The split of neuron `neuron`'s local field in the current state for cued pattern `cued`.
/// Errors: `"neuron 200 is outside the 144 neurons"` and `"pattern 6 is not stored (5
/// patterns)"` (1-based in the message).
pub fn field_split(net: &Hopfield, neuron: usize, cued: usize) -> Result<FieldSplit, MemoryError> {
    let n = net.neurons();
    if neuron >= n {
        return Err(MemoryError::Invalid(format!(
            "neuron {neuron} is outside the {n} neurons"
        )));
    }
    let pattern = stored(net, cued)?;
    let state = net.state();
    let dot: i64 = (0..n)
        .filter(|&j| j != neuron)
        .map(|j| i64::from(pattern.spins[j] * state[j]))
        .sum();
    let signal = f64::from(pattern.spins[neuron]) * dot as f64 / n as f64;
    let field = net.fields()[neuron];
    Ok(FieldSplit {
        field,
        signal,
        crosstalk: field - signal,
    })
}

fn stored(net: &Hopfield, k: usize) -> Result<&Pattern, MemoryError> {
    net.patterns().get(k).ok_or_else(|| {
        MemoryError::Invalid(format!(
            "pattern {} is not stored ({} patterns)",
            k + 1,
            net.patterns().len()
        ))
    })
}

/// One point of a basin curve.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct BasinPoint {
    /// Share of bits flipped in the cue, in [0, 1].
    pub flipped: f64,
    /// Bits flipped: round(flipped · N).
    pub flipped_bits: usize,
    /// Cues that ended in the pattern itself.
    pub recalled: usize,
    /// Cues tried.
    pub trials: usize,
    /// recalled / trials.
    pub share: f64,
}

/// The flip shares of the default basin curve: 0, 0.05, …, 0.5.
pub fn basin_fractions() -> Vec<f64> {
    (0..=10).map(|k| f64::from(k) * 0.05).collect()
}

/// For stored pattern `pattern`, the share of `trials` cues with each share of `fractions`
/// bits flipped that asynchronous dynamics bring back to the pattern exactly (at most 100
/// sweeps each). Seeded: the same arguments give the same curve.
///
/// Errors: an unknown pattern (as [`field_split`]) and [`MemoryError::Cancelled`] when
/// `cancel` is set (checked before every cue).
pub fn basin_curve(
    net: &Hopfield,
    pattern: usize,
    fractions: &[f64],
    trials: usize,
    seed: u64,
    cancel: &AtomicBool,
) -> Result<Vec<BasinPoint>, MemoryError> {
    let target = stored(net, pattern)?.spins.clone();
    let n = net.neurons();
    let mut work = net.clone();
    let mut points = Vec::with_capacity(fractions.len());
    for (f, &fraction) in fractions.iter().enumerate() {
        let flipped = if fraction.is_nan() {
            0.0
        } else {
            fraction.clamp(0.0, 1.0)
        };
        let mut recalled = 0;
        for t in 0..trials {
            if cancel.load(Ordering::Relaxed) {
                return Err(MemoryError::Cancelled);
            }
            let stream = derive_seed(seed, &[pattern as u64, f as u64, t as u64]);
            let mut rng = StdRng::seed_from_u64(stream);
            let cue = flip_bits(&target, flipped, &mut rng);
            let mut recall = Recall::new(work, &cue, Dynamics::Async, stream)?;
            let end = recall.run(100 * n as u64);
            recalled += usize::from(end.recalled(recall.net().patterns(), pattern));
            work = recall.into_net();
        }
        points.push(BasinPoint {
            flipped,
            flipped_bits: (flipped * n as f64).round() as usize,
            recalled,
            trials,
            share: recalled as f64 / trials.max(1) as f64,
        });
    }
    Ok(points)
}
