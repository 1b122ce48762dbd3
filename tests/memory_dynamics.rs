//! Memory room, recall dynamics: asynchronous updates never increase the energy (property
//! test), stored patterns are fixed points at low load, convergence is a quiet full sweep,
//! synchronous 2-cycles are detected and named, the incremental fields stay equal to W s,
//! Glauber dynamics fade with temperature, and the continuous-time dynamics recall, lower
//! their Lyapunov function and fall silent at low gain.

use gradscope::memory::{
    ContinuousParams, Dynamics, EndState, Grid, Hopfield, LearningRule, Pattern, Recall, StateName,
    Status, flip_bits, random_patterns,
};
use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

fn network(grid: Grid, rule: LearningRule, patterns: &[Pattern]) -> Hopfield {
    let mut net = Hopfield::new(grid, rule);
    net.store_all(patterns).expect("stored");
    net
}

fn noisy(pattern: &Pattern, noise: f64, seed: u64) -> Vec<i8> {
    flip_bits(&pattern.spins, noise, &mut StdRng::seed_from_u64(seed))
}

fn rule_of(index: usize) -> LearningRule {
    LearningRule::ALL[index % 3]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// ΔE = −Δs_i h_i ≤ 0 for every asynchronous update, whatever the rule, patterns, cue and
    /// order; E is recomputed from scratch after every update (1e-12 allows for rounding of
    /// that sum, far below the smallest real change 2·|h_i| > 2e-9).
    #[test]
    fn asynchronous_dynamics_never_increase_the_energy(
        rows in 2usize..7,
        cols in 2usize..7,
        count in 1usize..8,
        rule in 0usize..3,
        pattern_seed in any::<u64>(),
        cue_seed in any::<u64>(),
        order_seed in any::<u64>(),
        noise in 0.0f64..1.0,
    ) {
        let grid = Grid::new(rows, cols).unwrap();
        let patterns = random_patterns(grid, count, pattern_seed);
        let net = network(grid, rule_of(rule), &patterns);
        let cue = noisy(&patterns[0], noise, cue_seed);
        let mut recall = Recall::new(net, &cue, Dynamics::Async, order_seed).unwrap();
        let mut energy = recall.net().energy_of(&cue);
        let mut steps = 0;
        while let Some(step) = recall.step() {
            let now = recall.net().energy_of(recall.net().state());
            prop_assert!(now <= energy + 1e-12, "E rose from {energy} to {now} at step {steps}");
            prop_assert!((step.energy - now).abs() < 1e-9, "tracked E {} vs {now}", step.energy);
            energy = now;
            steps += 1;
            prop_assert!(steps < 1000 * grid.neurons(), "no convergence");
        }
        prop_assert_eq!(recall.status(), Status::Settled);
        prop_assert!(recall.net().is_stable());
    }
}

#[test]
fn the_energy_check_sees_an_increase_when_there_is_one() {
    // The same measurement under Glauber dynamics at a high temperature must see E rise,
    // or the property test above could not fail.
    let grid = Grid::new(4, 4).unwrap();
    let patterns = random_patterns(grid, 2, 3);
    let net = network(grid, LearningRule::Hebb, &patterns);
    let cue = patterns[0].spins.clone();
    let hot = Dynamics::Stochastic { temperature: 3.0 };
    let mut recall = Recall::new(net, &cue, hot, 5).unwrap();
    let mut energy = recall.net().energy();
    let mut rises = 0;
    for _ in 0..200 {
        let Some(step) = recall.step() else { break };
        rises += usize::from(step.energy > energy + 1e-12);
        energy = step.energy;
    }
    assert!(rises > 10, "only {rises} rises at T = 3");
}

#[test]
fn stored_patterns_are_fixed_points_at_low_load() {
    // P/N = 0.05: the crosstalk's standard deviation is about √(P/N) ≈ 0.22 against a
    // signal of 1, so no bit flips (for these seeds; the chance per bit is ~4e-6).
    for (neurons, count) in [(100, 5), (400, 20)] {
        let grid = Grid::for_neurons(neurons).unwrap();
        for seed in 1..=5 {
            let patterns = random_patterns(grid, count, seed);
            let mut net = network(grid, LearningRule::Hebb, &patterns);
            for (k, p) in patterns.iter().enumerate() {
                net.set_state(&p.spins).unwrap();
                assert!(
                    net.is_stable(),
                    "N {neurons} seed {seed}: pattern {k} moves"
                );
                let mut recall = Recall::new(net.clone(), &p.spins, Dynamics::Async, 1).unwrap();
                assert_eq!(
                    recall.run(10 * neurons as u64),
                    EndState::Fixed(StateName::Pattern(k))
                );
                assert_eq!(recall.flips(), 0);
            }
        }
    }
}

#[test]
fn asynchronous_recall_stops_after_one_quiet_sweep() {
    let grid = Grid::new(10, 10).unwrap();
    let patterns = random_patterns(grid, 5, 11);
    let net = network(grid, LearningRule::Hebb, &patterns);
    let cue = noisy(&patterns[2], 0.2, 4);
    let mut recall = Recall::new(net, &cue, Dynamics::Async, 9).unwrap();
    let mut last_change = 0;
    let mut neurons_seen = Vec::new();
    while let Some(step) = recall.step() {
        if step.changed > 0 {
            last_change = recall.updates();
        }
        neurons_seen.push(step.neuron.expect("one neuron per update"));
    }
    let updates = recall.updates();
    assert_eq!(updates % 100, 0, "whole sweeps");
    assert!(
        updates - last_change >= 100,
        "a full sweep without a change at the end"
    );
    assert!(
        updates - last_change < 200,
        "stopped at the first quiet sweep"
    );
    // Each sweep visits every neuron once.
    for sweep in neurons_seen.chunks(100) {
        let mut sorted = sweep.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..100).collect::<Vec<_>>());
    }
    assert_eq!(recall.end_state(), EndState::Fixed(StateName::Pattern(2)));
    assert_eq!(recall.end_state().to_string(), "recalled pattern 3");
    assert!(recall.step().is_none(), "no steps after settling");
}

#[test]
fn a_synchronous_two_cycle_is_detected_and_named() {
    // One stored pattern x = (1, 1, 1, 1) gives W = (J − I)/4. The cue s = (1, 1, −1, −1) is
    // orthogonal to x, so W s = −s/4 and every neuron flips: s → −s → s → …
    let grid = Grid::new(2, 2).unwrap();
    let x = Pattern::from_spins(grid, "x", &[1, 1, 1, 1]).unwrap();
    let net = network(grid, LearningRule::Hebb, std::slice::from_ref(&x));
    let cue = [1, 1, -1, -1];
    let mut recall = Recall::new(net.clone(), &cue, Dynamics::Sync, 1).unwrap();
    let first = recall.step().unwrap();
    assert_eq!((first.neuron, first.changed), (None, 4));
    assert_eq!(recall.net().state(), &[-1, -1, 1, 1]);
    assert_eq!(recall.status(), Status::Running);
    recall.step().unwrap();
    assert_eq!(recall.net().state(), &cue);
    assert_eq!(recall.status(), Status::TwoCycle);
    assert!(recall.step().is_none());
    let spurious = StateName::Spurious { closest: vec![0] };
    assert_eq!(
        recall.end_state(),
        EndState::TwoCycle(spurious.clone(), spurious)
    );
    assert_eq!(
        recall.end_state().to_string(),
        "a synchronous 2-cycle between a spurious state (closest: 1) and a spurious state \
         (closest: 1)"
    );
    assert_eq!(recall.end_state().kind(), "two-cycle");
    assert!(!recall.end_state().recalled(recall.net().patterns(), 0));
    // Asynchronous updates from the same cue cannot cycle: they reach a fixed point.
    let mut recall = Recall::new(net, &cue, Dynamics::Async, 1).unwrap();
    assert!(matches!(recall.run(1000), EndState::Fixed(_)));
}

#[test]
fn a_two_cycle_on_a_letter_grid_is_detected_after_two_steps() {
    // Letter A alone on 12×12: a cue with exactly half of A's bits flipped has overlap 0, so
    // W s = (x·s/N) x − s/N = −s/N: every neuron flips, and flips back.
    let grid = Grid::new(12, 12).unwrap();
    let letters = gradscope::memory::letter_patterns(grid, 1).unwrap();
    let net = network(grid, LearningRule::Hebb, &letters);
    let cue = noisy(&letters[0], 0.5, 3);
    let mut recall = Recall::new(net.clone(), &cue, Dynamics::Sync, 1).unwrap();
    let end = recall.run(100 * 144);
    assert_eq!(recall.steps(), 2);
    assert_eq!(recall.flips(), 2 * 144);
    assert_eq!(recall.net().state(), &cue[..]);
    let inverse: Vec<i8> = cue.iter().map(|s| -s).collect();
    assert_eq!(recall.previous_state(), &inverse[..]);
    assert_eq!(end.kind(), "two-cycle");
    // The same cue under asynchronous updates falls into A or its inverse.
    let mut recall = Recall::new(net, &cue, Dynamics::Async, 1).unwrap();
    let end = recall.run(100 * 144);
    assert!(
        end == EndState::Fixed(StateName::Pattern(0))
            || end == EndState::Fixed(StateName::Inverse(0)),
        "{end}"
    );
}

#[test]
fn synchronous_recall_from_a_mild_cue_settles_on_the_pattern() {
    let grid = Grid::new(10, 10).unwrap();
    let patterns = random_patterns(grid, 5, 2);
    let net = network(grid, LearningRule::Hebb, &patterns);
    let mut recall = Recall::new(net, &noisy(&patterns[1], 0.1, 3), Dynamics::Sync, 1).unwrap();
    assert_eq!(recall.run(10_000), EndState::Fixed(StateName::Pattern(1)));
    assert_eq!(recall.updates(), 100 * recall.steps());
}

#[test]
fn incremental_fields_energy_and_overlaps_match_a_recomputation() {
    let grid = Grid::new(12, 12).unwrap();
    let patterns = random_patterns(grid, 8, 21);
    let net = network(grid, LearningRule::Storkey, &patterns);
    let warm = Dynamics::Stochastic { temperature: 0.8 };
    let mut recall = Recall::new(net, &noisy(&patterns[0], 0.3, 1), warm, 2).unwrap();
    // 10 sweeps and 143 updates, before the first refresh (every 16 sweeps), so any drift of
    // the incremental updates shows.
    for _ in 0..(10 * 144 + 143) {
        recall.step();
    }
    let tracked = recall.net().clone();
    let mut fresh = tracked.clone();
    fresh.refresh();
    assert!(
        recall.flips() > 100,
        "the state moved ({} flips)",
        recall.flips()
    );
    for (a, b) in tracked.fields().iter().zip(fresh.fields()) {
        assert!((a - b).abs() < 1e-9, "field {a} vs {b}");
    }
    assert!((tracked.energy() - fresh.energy()).abs() < 1e-9);
    for (a, b) in tracked.overlaps().iter().zip(fresh.overlaps()) {
        assert!((a - b).abs() < 1e-12, "overlap {a} vs {b}");
    }
}

#[test]
fn glauber_dynamics_at_zero_temperature_is_the_asynchronous_rule() {
    let grid = Grid::new(10, 10).unwrap();
    let patterns = random_patterns(grid, 10, 5);
    let net = network(grid, LearningRule::Hebb, &patterns);
    let cue = noisy(&patterns[0], 0.25, 6);
    let mut a = Recall::new(net.clone(), &cue, Dynamics::Async, 7).unwrap();
    let cold = Dynamics::Stochastic { temperature: 0.0 };
    let mut b = Recall::new(net, &cue, cold, 7).unwrap();
    assert_eq!(a.run(100_000), b.run(100_000));
    assert_eq!((a.updates(), a.flips()), (b.updates(), b.flips()));
    assert_eq!(a.net().state(), b.net().state());
}

/// Mean overlap with pattern 0 over sweeps 20–40 of Glauber dynamics at `temperature`.
fn mean_overlap_at(temperature: f64) -> f64 {
    let grid = Grid::new(10, 10).unwrap();
    let patterns = random_patterns(grid, 3, 8);
    let net = network(grid, LearningRule::Hebb, &patterns);
    let dynamics = Dynamics::Stochastic { temperature };
    let mut recall = Recall::new(net, &patterns[0].spins, dynamics, 9).unwrap();
    let mut total = 0.0;
    for sweep in 0..40 {
        for _ in 0..100 {
            recall.step();
        }
        if sweep >= 20 {
            total += recall.net().overlaps()[0] / 20.0;
        }
    }
    total
}

#[test]
fn recall_fades_as_the_temperature_rises() {
    // Mean-field theory for few patterns: m = tanh(m/T), so m ≈ 1 well below T = 1 and
    // m ≈ 0 above it.
    let cold = mean_overlap_at(0.3);
    let warm = mean_overlap_at(0.7);
    let hot = mean_overlap_at(2.0);
    assert!(cold > 0.95, "T = 0.3: m = {cold}");
    assert!(warm > 0.5 && warm < cold, "T = 0.7: m = {warm}");
    assert!(hot.abs() < 0.3, "T = 2: m = {hot}");
}

#[test]
fn continuous_dynamics_recall_and_lower_their_lyapunov_function() {
    let grid = Grid::new(10, 10).unwrap();
    let patterns = random_patterns(grid, 5, 12);
    let net = network(grid, LearningRule::Hebb, &patterns);
    let params = ContinuousParams {
        tau: 1.0,
        beta: 4.0,
        dt: 0.02,
    };
    let cue = noisy(&patterns[3], 0.2, 13);
    let mut recall = Recall::new(net, &cue, Dynamics::Continuous(params), 1).unwrap();
    let mut lyapunov = recall.continuous_energy().unwrap();
    while recall.step().is_some() {
        let now = recall.continuous_energy().unwrap();
        assert!(now <= lyapunov + 1e-9, "E_c rose from {lyapunov} to {now}");
        lyapunov = now;
        assert!(recall.time() < 100.0, "settles in finite time");
    }
    assert_eq!(recall.end_state(), EndState::Fixed(StateName::Pattern(3)));
    let trace = recall.trace();
    assert_eq!(trace[0].time, 0.0);
    assert_eq!(trace[0].u.len(), 4, "four traced neurons by default");
    assert!(trace.windows(2).all(|w| w[1].time > w[0].time));
    let last = trace.last().unwrap();
    for (k, &i) in recall.traced().iter().enumerate() {
        assert_eq!(last.u[k], recall.potentials()[i]);
        assert_eq!(
            last.u[k] > 0.0,
            patterns[3].spins[i] > 0,
            "sign(u) is the pattern"
        );
    }
}

#[test]
fn continuous_dynamics_at_low_gain_decay_to_the_zero_state() {
    // β λ_max(W) < 1: the zero state is the only attractor.
    let grid = Grid::new(10, 10).unwrap();
    let patterns = random_patterns(grid, 3, 14);
    let net = network(grid, LearningRule::Hebb, &patterns);
    let low = ContinuousParams {
        beta: 0.5,
        ..ContinuousParams::default()
    };
    let mut recall = Recall::new(net, &patterns[0].spins, Dynamics::Continuous(low), 1).unwrap();
    let end = recall.run(100_000);
    assert_eq!(end, EndState::Rest);
    assert!(end.to_string().starts_with("the zero state"));
    assert!(recall.potentials().iter().all(|u| u.abs() < 0.01));
}

#[test]
fn changing_the_temperature_mid_run_keeps_the_state_and_moves_on() {
    let grid = Grid::new(8, 8).unwrap();
    let patterns = random_patterns(grid, 2, 15);
    let net = network(grid, LearningRule::Hebb, &patterns);
    let mut recall = Recall::new(net, &noisy(&patterns[0], 0.1, 1), Dynamics::Async, 1).unwrap();
    assert_eq!(recall.run(10_000), EndState::Fixed(StateName::Pattern(0)));
    let settled = recall.net().state().to_vec();
    recall
        .set_dynamics(Dynamics::Stochastic { temperature: 5.0 })
        .unwrap();
    assert_eq!(recall.status(), Status::Running);
    assert_eq!(recall.net().state(), &settled[..]);
    for _ in 0..640 {
        recall.step();
    }
    assert_ne!(
        recall.net().state(),
        &settled[..],
        "T = 5 scrambles the pattern"
    );
    let bad = recall.set_dynamics(Dynamics::Stochastic { temperature: -1.0 });
    assert_eq!(
        bad.unwrap_err().to_string(),
        "temperature must be a number ≥ 0, got -1"
    );
}

#[test]
fn a_cue_of_the_wrong_size_is_refused() {
    let grid = Grid::new(3, 3).unwrap();
    let net = Hopfield::new(grid, LearningRule::Hebb);
    let err = Recall::new(net, &[1, -1], Dynamics::Async, 1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "pattern 'state': 2 values for a 3×3 grid (9 neurons)"
    );
}
