//! Recall: the network's state moving from a cue under one of four dynamics, with convergence
//! and synchronous 2-cycle detection.
//!
//! - **Asynchronous** (Hopfield 1982): one neuron at a time, s_i ← sign(h_i), every neuron once
//!   per sweep in a fresh random order. E never increases (ΔE = −Δs_i h_i ≤ 0), so it ends in
//!   a fixed point: the run stops after a full sweep with no change.
//! - **Synchronous** (Little 1974): every neuron at once, s ← sign(W s). With symmetric W it
//!   ends in a fixed point or a 2-cycle (Goles-Chacc, Fogelman-Soulié & Pellegrin 1985); the
//!   energy argument does not hold, and a 2-cycle is detected when s(t+1) = s(t−1) ≠ s(t).
//! - **Stochastic** (Glauber 1963), asynchronous with P(s_i = +1) = 1/(1 + e^(−2h_i/T)) at
//!   temperature T (T = 0 is the asynchronous rule). It stops only after a sweep without a
//!   change, which grows unlikely as T rises.
//! - **Continuous** (Hopfield 1984): τ du_i/dt = −u_i + Σ_j w_ij tanh(β u_j), integrated with
//!   Euler steps of dt, starting from u = s of the cue; the discrete state is s_i = sign(u_i).
//!   The Lyapunov function E_c = −½ VᵀW V + (1/2β) Σ_i [(1+V_i) ln(1+V_i) + (1−V_i) ln(1−V_i)]
//!   with V = tanh(βu) (Hopfield 1984, the energy function with g⁻¹(V) = atanh(V)/β, R = 1 and no input currents) decreases along
//!   the exact flow. It stops when max_i |du_i/dt| · τ < 1e-4.
//!
//! Ties (|h_i| ≤ [`FIELD_TIE`](super::FIELD_TIE)) keep the neuron's value.

use rand::Rng;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::MemoryError;
use super::analysis::{EndState, name_state};
use super::network::Hopfield;

/// Settings of the continuous-time dynamics τ du/dt = −u + W tanh(βu).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct ContinuousParams {
    /// Time constant τ (time units), > 0.
    pub tau: f64,
    /// Gain β of tanh(β u), > 0. Memories survive only above a critical gain (β λ_max(W) > 1
    /// for the zero state to become unstable); below it every u decays to 0.
    pub beta: f64,
    /// Euler step dt (time units), 0 < dt ≤ τ.
    pub dt: f64,
}

impl Default for ContinuousParams {
    fn default() -> Self {
        Self {
            tau: 1.0,
            beta: 4.0,
            dt: 0.1,
        }
    }
}

/// How the state moves.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub enum Dynamics {
    /// One neuron at a time in random order, s_i ← sign(h_i).
    Async,
    /// All neurons at once, s ← sign(W s).
    Sync,
    /// Glauber dynamics at temperature T ≥ 0 (in the units of the fields).
    Stochastic {
        /// Temperature T.
        temperature: f64,
    },
    /// Continuous-time dynamics.
    Continuous(ContinuousParams),
}

impl Dynamics {
    /// Display name.
    pub fn name(&self) -> &'static str {
        match self {
            Dynamics::Async => "asynchronous",
            Dynamics::Sync => "synchronous",
            Dynamics::Stochastic { .. } => "stochastic (Glauber)",
            Dynamics::Continuous(_) => "continuous time",
        }
    }

    /// The update rule as a formula, for the UI.
    pub fn formula(&self) -> &'static str {
        match self {
            Dynamics::Async => "s_i ← sign(Σ_j w_ij s_j), one random neuron at a time",
            Dynamics::Sync => "s ← sign(W s), every neuron at once",
            Dynamics::Stochastic { .. } => "P(s_i = +1) = 1 / (1 + e^(−2 h_i / T))",
            Dynamics::Continuous(_) => "τ du_i/dt = −u_i + Σ_j w_ij tanh(β u_j)",
        }
    }

    /// Checks the settings. Errors: `"temperature must be a number ≥ 0, got -1"`,
    /// `"gain β must be > 0, got 0"`, `"τ must be > 0, got 0"` and `"the Euler step dt must
    /// be in (0, τ], got 2"`.
    pub fn validate(&self) -> Result<(), MemoryError> {
        let bad = |text: String| Err(MemoryError::Invalid(text));
        match *self {
            Dynamics::Stochastic { temperature }
                if !(temperature >= 0.0 && temperature.is_finite()) =>
            {
                bad(format!(
                    "temperature must be a number ≥ 0, got {temperature}"
                ))
            }
            Dynamics::Continuous(p) if !(p.tau > 0.0 && p.tau.is_finite()) => {
                bad(format!("τ must be > 0, got {}", p.tau))
            }
            Dynamics::Continuous(p) if !(p.beta > 0.0 && p.beta.is_finite()) => {
                bad(format!("gain β must be > 0, got {}", p.beta))
            }
            Dynamics::Continuous(p) if !(p.dt > 0.0 && p.dt <= p.tau) => {
                bad(format!("the Euler step dt must be in (0, τ], got {}", p.dt))
            }
            _ => Ok(()),
        }
    }
}

/// Where a recall stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Status {
    /// Still moving (or not yet confirmed still).
    Running,
    /// A fixed point (or, for continuous dynamics, a resting u).
    Settled,
    /// Synchronous dynamics alternating between two states.
    TwoCycle,
}

/// One step of a recall.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    /// The neuron updated (asynchronous and stochastic dynamics); `None` when every neuron
    /// was updated at once (synchronous step, Euler step).
    pub neuron: Option<usize>,
    /// Neurons whose value changed.
    pub changed: usize,
    /// The updated neuron's local field before the update (asynchronous and stochastic).
    pub field: Option<f64>,
    /// E(s) after the step.
    pub energy: f64,
}

/// The traced neurons' u at one time (continuous dynamics).
#[derive(Clone, Debug, PartialEq)]
pub struct TracePoint {
    /// Time since the cue (time units of τ).
    pub time: f64,
    /// u of each traced neuron, in the order of [`Recall::traced`].
    pub u: Vec<f64>,
}

/// Asynchronous and stochastic dynamics recompute the fields from scratch every this many
/// sweeps. The drift it removes is ~1e-16 per update, so it stays far below
/// [`FIELD_TIE`](super::FIELD_TIE); a refresh costs O(N²), like N updates that change their
/// neuron.
const REFRESH_SWEEPS: u64 = 16;
/// Largest number of trace points kept; older points are thinned to every second one.
const MAX_TRACE: usize = 4096;
/// The continuous dynamics has settled when max_i |du_i/dt| · τ falls below this.
const CONTINUOUS_REST: f64 = 1e-4;
/// A settled continuous state with every |tanh(βu_i)| below this is the zero state.
const QUIET_ACTIVITY: f64 = 0.05;

/// A network recalling from a cue: the network, the dynamics and their bookkeeping.
#[derive(Clone, Debug)]
pub struct Recall {
    net: Hopfield,
    dynamics: Dynamics,
    rng: StdRng,
    order: Vec<usize>,
    cursor: usize,
    sweep_changes: usize,
    sweeps: u64,
    steps: u64,
    updates: u64,
    flips: u64,
    status: Status,
    previous: Vec<i8>,
    u: Vec<f64>,
    time: f64,
    traced: Vec<usize>,
    trace: Vec<TracePoint>,
}

impl Recall {
    /// Starts a recall of `net` from `cue` (one ±1 per neuron) under `dynamics`; `seed` fixes
    /// the update order and the stochastic draws. Errors: a cue of the wrong length or with a
    /// value other than ±1, and invalid dynamics ([`Dynamics::validate`]).
    pub fn new(
        mut net: Hopfield,
        cue: &[i8],
        dynamics: Dynamics,
        seed: u64,
    ) -> Result<Recall, MemoryError> {
        dynamics.validate()?;
        net.set_state(cue)?;
        let n = net.neurons();
        let traced = (0..4.min(n)).map(|k| (k * n + n / 2) / 4.min(n)).collect();
        let mut recall = Recall {
            previous: net.state().to_vec(),
            u: Vec::new(),
            net,
            dynamics,
            rng: StdRng::seed_from_u64(seed),
            order: (0..n).collect(),
            cursor: 0,
            sweep_changes: 0,
            sweeps: 0,
            steps: 0,
            updates: 0,
            flips: 0,
            status: Status::Running,
            time: 0.0,
            traced,
            trace: Vec::new(),
        };
        recall.start_continuous();
        Ok(recall)
    }

    /// The network (state, fields, energy, overlaps, weights, patterns).
    pub fn net(&self) -> &Hopfield {
        &self.net
    }

    /// Gives the network back.
    pub fn into_net(self) -> Hopfield {
        self.net
    }

    /// The dynamics in use.
    pub fn dynamics(&self) -> Dynamics {
        self.dynamics
    }

    /// Changes the dynamics from the current state on (e.g. a temperature slider); the run
    /// counts as moving again. Error as [`Dynamics::validate`].
    pub fn set_dynamics(&mut self, dynamics: Dynamics) -> Result<(), MemoryError> {
        dynamics.validate()?;
        let was_continuous = matches!(self.dynamics, Dynamics::Continuous(_));
        self.dynamics = dynamics;
        self.cursor = 0;
        self.sweep_changes = 0;
        self.status = Status::Running;
        self.previous = self.net.state().to_vec();
        if !was_continuous {
            self.start_continuous();
        }
        Ok(())
    }

    fn start_continuous(&mut self) {
        if matches!(self.dynamics, Dynamics::Continuous(_)) {
            self.u = self.net.state().iter().map(|&s| f64::from(s)).collect();
            self.record_trace();
        }
    }

    /// Where the run stands.
    pub fn status(&self) -> Status {
        self.status
    }

    /// Steps taken: neuron updates (asynchronous, stochastic), synchronous steps or Euler
    /// steps.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Single-neuron updates: one per asynchronous or stochastic step, N per synchronous or
    /// Euler step.
    pub fn updates(&self) -> u64 {
        self.updates
    }

    /// Neuron value changes so far.
    pub fn flips(&self) -> u64 {
        self.flips
    }

    /// Time since the cue in units of τ (continuous dynamics; 0 otherwise).
    pub fn time(&self) -> f64 {
        self.time
    }

    /// The internal potentials u (continuous dynamics; empty otherwise).
    pub fn potentials(&self) -> &[f64] {
        &self.u
    }

    /// The neurons whose u is traced (continuous dynamics): by default four spread over the
    /// grid.
    pub fn traced(&self) -> &[usize] {
        &self.traced
    }

    /// Chooses the traced neurons (indices ≥ N are dropped) and clears the trace.
    pub fn set_traced(&mut self, neurons: &[usize]) {
        let n = self.net.neurons();
        self.traced = neurons.iter().copied().filter(|&i| i < n).collect();
        self.trace.clear();
        if !self.u.is_empty() {
            self.record_trace();
        }
    }

    /// The traced neurons' u over time (continuous dynamics), thinned to at most 4 096 points.
    pub fn trace(&self) -> &[TracePoint] {
        &self.trace
    }

    /// Takes one step; `None` once the run has settled or found a 2-cycle.
    pub fn step(&mut self) -> Option<Step> {
        if self.status != Status::Running {
            return None;
        }
        self.steps += 1;
        let step = match self.dynamics {
            Dynamics::Async => self.single_update(None),
            Dynamics::Stochastic { temperature } => self.single_update(Some(temperature)),
            Dynamics::Sync => self.sync_step(),
            Dynamics::Continuous(params) => self.euler_step(params),
        };
        self.flips += step.changed as u64;
        Some(step)
    }

    /// Steps until the run settles, finds a 2-cycle or has made `max_updates` single-neuron
    /// updates (see [`Recall::updates`]), and names where it ended.
    pub fn run(&mut self, max_updates: u64) -> EndState {
        while self.updates < max_updates && self.step().is_some() {}
        self.end_state()
    }

    /// The name of the current state given the run's status: a fixed point, a 2-cycle, the
    /// zero state of the continuous dynamics, or still moving.
    pub fn end_state(&self) -> EndState {
        let patterns = self.net.patterns();
        let now = name_state(patterns, self.net.state());
        match self.status {
            Status::Running => EndState::Unsettled(now),
            Status::TwoCycle => EndState::TwoCycle(now, name_state(patterns, &self.previous)),
            Status::Settled if self.is_quiet() => EndState::Rest,
            Status::Settled => EndState::Fixed(now),
        }
    }

    fn is_quiet(&self) -> bool {
        match self.dynamics {
            Dynamics::Continuous(p) => self
                .u
                .iter()
                .all(|&u| (p.beta * u).tanh().abs() < QUIET_ACTIVITY),
            _ => false,
        }
    }

    /// The state one synchronous step before the current one.
    pub fn previous_state(&self) -> &[i8] {
        &self.previous
    }

    fn single_update(&mut self, temperature: Option<f64>) -> Step {
        let n = self.net.neurons();
        if self.cursor == 0 {
            self.order.shuffle(&mut self.rng);
            self.sweep_changes = 0;
        }
        let i = self.order[self.cursor];
        let field = self.net.fields()[i];
        let value = match temperature {
            Some(t) if t > 0.0 => {
                // P(+1) = 1/(1 + e^(−2h/T)), written so that no exp overflows.
                let x = 2.0 * field / t;
                let p_plus = if x >= 0.0 {
                    1.0 / (1.0 + (-x).exp())
                } else {
                    let e = x.exp();
                    e / (1.0 + e)
                };
                if self.rng.random::<f64>() < p_plus {
                    1
                } else {
                    -1
                }
            }
            _ => self.net.preferred(i),
        };
        let changed = usize::from(self.net.set_neuron(i, value));
        self.sweep_changes += changed;
        self.updates += 1;
        self.cursor += 1;
        if self.cursor == n {
            self.cursor = 0;
            self.sweeps += 1;
            if self.sweep_changes == 0 {
                self.status = Status::Settled;
                // The end state's fields, energy and overlaps exactly, without drift.
                self.net.refresh();
            } else if self.sweeps.is_multiple_of(REFRESH_SWEEPS) {
                // Every few sweeps (amortised O(N / REFRESH_SWEEPS) per update): drop the
                // rounding drift of the incremental fields.
                self.net.refresh();
            }
        }
        Step {
            neuron: Some(i),
            changed,
            field: Some(field),
            energy: self.net.energy(),
        }
    }

    fn sync_step(&mut self) -> Step {
        let n = self.net.neurons();
        let next: Vec<i8> = (0..n).map(|i| self.net.preferred(i)).collect();
        let changed = next
            .iter()
            .zip(self.net.state())
            .filter(|(a, b)| a != b)
            .count();
        self.updates += n as u64;
        if changed == 0 {
            self.status = Status::Settled;
        } else {
            let cycle = next == self.previous;
            self.previous = self.net.state().to_vec();
            for (i, &value) in next.iter().enumerate() {
                self.net.set_neuron(i, value);
            }
            self.net.refresh();
            if cycle {
                self.status = Status::TwoCycle;
            }
        }
        Step {
            neuron: None,
            changed,
            field: None,
            energy: self.net.energy(),
        }
    }

    fn euler_step(&mut self, params: ContinuousParams) -> Step {
        let n = self.net.neurons();
        let activity: Vec<f64> = self.u.iter().map(|&u| (params.beta * u).tanh()).collect();
        let weights = self.net.weights();
        let rate = params.dt / params.tau;
        let mut fastest: f64 = 0.0;
        let mut next = self.u.clone();
        for (i, row) in weights.chunks_exact(n).enumerate() {
            let input: f64 = row.iter().zip(&activity).map(|(w, v)| w * v).sum();
            let du_dt = -self.u[i] + input;
            fastest = fastest.max(du_dt.abs());
            next[i] += rate * du_dt;
        }
        self.u = next;
        self.time += params.dt;
        self.updates += n as u64;
        let mut changed = 0;
        for i in 0..n {
            let u = self.u[i];
            if u.abs() > super::FIELD_TIE {
                changed += usize::from(self.net.set_neuron(i, if u > 0.0 { 1 } else { -1 }));
            }
        }
        if changed > 0 {
            self.net.refresh();
        }
        self.record_trace();
        if fastest < CONTINUOUS_REST {
            self.status = Status::Settled;
        }
        Step {
            neuron: None,
            changed,
            field: None,
            energy: self.net.energy(),
        }
    }

    fn record_trace(&mut self) {
        if self.trace.len() >= MAX_TRACE {
            let mut keep = false;
            self.trace.retain(|_| {
                keep = !keep;
                keep
            });
        }
        self.trace.push(TracePoint {
            time: self.time,
            u: self.traced.iter().map(|&i| self.u[i]).collect(),
        });
    }

    /// The Lyapunov function of the continuous dynamics at the current u (Hopfield 1984):
    /// E_c = −½ VᵀW V + (1/2β) Σ_i [(1+V_i) ln(1+V_i) + (1−V_i) ln(1−V_i)], V = tanh(βu);
    /// `None` for the discrete dynamics.
    pub fn continuous_energy(&self) -> Option<f64> {
        let Dynamics::Continuous(params) = self.dynamics else {
            return None;
        };
        let n = self.net.neurons();
        let v: Vec<f64> = self.u.iter().map(|&u| (params.beta * u).tanh()).collect();
        let xlogx = |x: f64| if x > 0.0 { x * x.ln() } else { 0.0 };
        let mut quadratic = 0.0;
        for (row, &vi) in self.net.weights().chunks_exact(n).zip(&v) {
            quadratic += vi * row.iter().zip(&v).map(|(w, vj)| w * vj).sum::<f64>();
        }
        let leak: f64 = v.iter().map(|&vi| xlogx(1.0 + vi) + xlogx(1.0 - vi)).sum();
        Some(-0.5 * quadratic + leak / (2.0 * params.beta))
    }
}
