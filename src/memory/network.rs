//! The Hopfield network (Hopfield 1982): N binary neurons s_i ∈ {−1, +1}, symmetric weights
//! with a zero diagonal, the patterns stored in them, and the current state with its local
//! fields h = W s, energy E(s) = −½ sᵀW s and overlaps m_μ = (1/N) Σ_i x_i^μ s_i.
//!
//! The fields, energy and overlaps are kept up to date as neurons change: setting neuron i
//! from s_i to s_i' adds w_ji (s_i' − s_i) to every h_j (O(N)), changes E by −(s_i' − s_i) h_i
//! (w_ii = 0 and W symmetric) and every m_μ by x_i^μ (s_i' − s_i) / N (O(P)). So one
//! asynchronous update costs O(N) instead of the O(N²) of recomputing W s.

use super::MemoryError;
use super::pattern::{Grid, Pattern};
use super::rule::{LearningRule, hebb_add, pseudo_inverse_weights, storkey_add};

/// Local fields with |h_i| ≤ `FIELD_TIE` count as zero, and a neuron with a zero field keeps
/// its value. Far above the rounding error of the incrementally kept fields (≈ 1e-15), far
/// below any real field (multiples of 1/N ≥ 1e-3 for Hebbian weights).
pub const FIELD_TIE: f64 = 1e-9;

/// A Hopfield network with its stored patterns and current state.
#[derive(Clone, Debug)]
pub struct Hopfield {
    grid: Grid,
    rule: LearningRule,
    weights: Vec<f64>,
    patterns: Vec<Pattern>,
    state: Vec<i8>,
    fields: Vec<f64>,
    overlaps: Vec<f64>,
    energy: f64,
    scratch: Vec<f64>,
}

/// What storing one pattern did, so the view can animate learning.
#[derive(Clone, Debug, PartialEq)]
pub struct StoreStep {
    /// Index of the pattern just stored (0-based).
    pub pattern: usize,
    /// Its outer product x xᵀ, N×N row-major, diagonal included (all ones).
    pub outer: Vec<f64>,
    /// The change of the weights W_after − W_before, N×N row-major. Hebbian: (x xᵀ − I)/N.
    /// Storkey: the rule's Δw. Pseudo-inverse: r rᵀ/(rᵀr) with r = x − P x the part of x
    /// outside the span of the earlier patterns, minus its diagonal (up to rounding).
    pub delta: Vec<f64>,
}

impl Hopfield {
    /// A network of `grid.neurons()` neurons with no patterns (W = 0), every neuron at −1.
    pub fn new(grid: Grid, rule: LearningRule) -> Hopfield {
        let n = grid.neurons();
        Hopfield {
            grid,
            rule,
            weights: vec![0.0; n * n],
            patterns: Vec::new(),
            state: vec![-1; n],
            fields: vec![0.0; n],
            overlaps: Vec::new(),
            energy: 0.0,
            scratch: Vec::new(),
        }
    }

    /// The grid.
    pub fn grid(&self) -> Grid {
        self.grid
    }

    /// Number of neurons N.
    pub fn neurons(&self) -> usize {
        self.state.len()
    }

    /// The learning rule in use.
    pub fn rule(&self) -> LearningRule {
        self.rule
    }

    /// The weights, N×N row-major: `weights()[i * N + j]` is w_ij.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// w_ij.
    pub fn weight(&self, i: usize, j: usize) -> f64 {
        self.weights[i * self.neurons() + j]
    }

    /// The stored patterns, in the order they were stored.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// Stores `pattern` by the current rule. Error when its length is not N.
    pub fn store(&mut self, pattern: &Pattern) -> Result<(), MemoryError> {
        let checked = Pattern::from_spins(self.grid, &pattern.label, &pattern.spins)?;
        let n = self.neurons();
        match self.rule {
            LearningRule::Hebb => hebb_add(&mut self.weights, &checked.spins),
            LearningRule::Storkey => {
                storkey_add(&mut self.weights, &checked.spins, &mut self.scratch)
            }
            LearningRule::PseudoInverse => {
                let mut all: Vec<&[i8]> = self.patterns.iter().map(|p| &p.spins[..]).collect();
                all.push(&checked.spins);
                self.weights = pseudo_inverse_weights(n, &all);
            }
        }
        self.patterns.push(checked);
        self.refresh();
        Ok(())
    }

    /// Stores `pattern` like [`Hopfield::store`] and returns its outer product and the change
    /// of the weights (two N×N matrices: 16 MB at N = 1 024, so the capacity sweep uses
    /// [`Hopfield::store`]).
    pub fn store_observed(&mut self, pattern: &Pattern) -> Result<StoreStep, MemoryError> {
        let before = self.weights.clone();
        self.store(pattern)?;
        let x = &pattern.spins;
        let outer = x
            .iter()
            .flat_map(|&xi| x.iter().map(move |&xj| f64::from(xi * xj)))
            .collect();
        let delta = self
            .weights
            .iter()
            .zip(&before)
            .map(|(a, b)| a - b)
            .collect();
        Ok(StoreStep {
            pattern: self.patterns.len() - 1,
            outer,
            delta,
        })
    }

    /// Stores every pattern of `patterns` in order.
    pub fn store_all(&mut self, patterns: &[Pattern]) -> Result<(), MemoryError> {
        if self.rule == LearningRule::PseudoInverse {
            // One projection for the whole set instead of one per pattern.
            let mut checked = Vec::with_capacity(patterns.len());
            for p in patterns {
                checked.push(Pattern::from_spins(self.grid, &p.label, &p.spins)?);
            }
            self.patterns.extend(checked);
            self.relearn();
            return Ok(());
        }
        patterns.iter().try_for_each(|p| self.store(p))
    }

    /// Forgets every pattern (W = 0); the state stays.
    pub fn clear_patterns(&mut self) {
        self.patterns.clear();
        self.weights.fill(0.0);
        self.refresh();
    }

    /// Switches the rule and relearns the stored patterns with it, in their order.
    pub fn set_rule(&mut self, rule: LearningRule) {
        self.rule = rule;
        self.relearn();
    }

    fn relearn(&mut self) {
        let n = self.neurons();
        self.weights.fill(0.0);
        match self.rule {
            LearningRule::Hebb => {
                for p in &self.patterns {
                    hebb_add(&mut self.weights, &p.spins);
                }
            }
            LearningRule::Storkey => {
                for p in &self.patterns {
                    storkey_add(&mut self.weights, &p.spins, &mut self.scratch);
                }
            }
            LearningRule::PseudoInverse => {
                let all: Vec<&[i8]> = self.patterns.iter().map(|p| &p.spins[..]).collect();
                self.weights = pseudo_inverse_weights(n, &all);
            }
        }
        self.refresh();
    }

    /// The current state s, one ±1 per neuron.
    pub fn state(&self) -> &[i8] {
        &self.state
    }

    /// Sets the whole state (e.g. to a cue) and recomputes fields, energy and overlaps
    /// (O(N² + NP)). Error when `state` has the wrong length or a value other than ±1.
    pub fn set_state(&mut self, state: &[i8]) -> Result<(), MemoryError> {
        let checked = Pattern::from_spins(self.grid, "state", state)?;
        self.state = checked.spins;
        self.refresh();
        Ok(())
    }

    /// The local fields h_i = Σ_j w_ij s_j of the current state.
    pub fn fields(&self) -> &[f64] {
        &self.fields
    }

    /// The overlaps m_μ = (1/N) Σ_i x_i^μ s_i of the state with each stored pattern, in
    /// [−1, 1]: 1 is the pattern, −1 its inverse.
    pub fn overlaps(&self) -> &[f64] {
        &self.overlaps
    }

    /// E(s) = −½ sᵀW s of the current state (kept up to date; see [`Hopfield::energy_of`]).
    pub fn energy(&self) -> f64 {
        self.energy
    }

    /// E(s) = −½ Σ_ij w_ij s_i s_j of any state (Hopfield 1982), computed from
    /// scratch in O(N²). Panics if `state` is not N long.
    pub fn energy_of(&self, state: &[i8]) -> f64 {
        let n = self.neurons();
        assert_eq!(state.len(), n, "a state of the network's size");
        let mut total = 0.0;
        for (row, &si) in self.weights.chunks_exact(n).zip(state) {
            let h: f64 = row.iter().zip(state).map(|(w, &s)| w * f64::from(s)).sum();
            total += f64::from(si) * h;
        }
        -0.5 * total
    }

    /// The value the deterministic rule gives neuron `i` now: sign(h_i), or its current value
    /// when |h_i| ≤ [`FIELD_TIE`].
    pub fn preferred(&self, i: usize) -> i8 {
        let h = self.fields[i];
        if h > FIELD_TIE {
            1
        } else if h < -FIELD_TIE {
            -1
        } else {
            self.state[i]
        }
    }

    /// True when no neuron would change under the deterministic rule (a fixed point).
    pub fn is_stable(&self) -> bool {
        (0..self.neurons()).all(|i| self.preferred(i) == self.state[i])
    }

    /// Sets neuron `i` to `value` (±1), updating fields, energy and overlaps in O(N + P).
    /// Returns whether it changed. Panics if `i` ≥ N.
    pub fn set_neuron(&mut self, i: usize, value: i8) -> bool {
        let old = self.state[i];
        let value = if value >= 0 { 1 } else { -1 };
        if value == old {
            return false;
        }
        let n = self.neurons();
        let delta = f64::from(value - old);
        self.energy -= delta * self.fields[i];
        // W is symmetric, so column i is row i (contiguous).
        let row = &self.weights[i * n..(i + 1) * n];
        for (h, w) in self.fields.iter_mut().zip(row) {
            *h += w * delta;
        }
        let scale = delta / n as f64;
        for (m, p) in self.overlaps.iter_mut().zip(&self.patterns) {
            *m += f64::from(p.spins[i]) * scale;
        }
        self.state[i] = value;
        true
    }

    /// Recomputes fields, energy and overlaps from the state (O(N² + NP)), removing any
    /// rounding drift of the incremental updates.
    pub fn refresh(&mut self) {
        let n = self.neurons();
        for (h, row) in self.fields.iter_mut().zip(self.weights.chunks_exact(n)) {
            *h = row
                .iter()
                .zip(&self.state)
                .map(|(w, &s)| w * f64::from(s))
                .sum();
        }
        self.energy = -0.5
            * self
                .fields
                .iter()
                .zip(&self.state)
                .map(|(h, &s)| h * f64::from(s))
                .sum::<f64>();
        self.overlaps = self
            .patterns
            .iter()
            .map(|p| overlap(&p.spins, &self.state))
            .collect();
    }
}

/// m = (1/N) Σ_i x_i s_i, the overlap of two ±1 vectors of the same length N.
pub fn overlap(x: &[i8], s: &[i8]) -> f64 {
    spin_dot(x, s) as f64 / x.len().max(1) as f64
}

/// Σᵢ xᵢ sᵢ of two ±1 states: the number of neurons where they agree minus the number where
/// they differ, so N times their [`overlap`]. An integer, so that sums of it over many recalls
/// are exact (`memory capacity`'s mean overlap is one division of such a sum).
pub fn spin_dot(x: &[i8], s: &[i8]) -> i64 {
    x.iter().zip(s).map(|(&a, &b)| i64::from(a * b)).sum()
}
