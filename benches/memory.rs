//! Memory room speed: one asynchronous update at N = 1 024 (32×32) and the capacity sweep for
//! N = 100, P = 1 … 25, 20 trials per P.
//!
//! Run with `cargo bench --bench memory`. The update is measured three ways:
//! - `flip_n1024`: the worst case of one update, a neuron that changes (the O(N) field update
//!   plus energy and overlaps);
//! - `recall_update_n1024`: the mean cost of an update over whole recalls from 30 % noise
//!   (most updates change nothing once the state is near the pattern);
//! - `naive_update_n1024`: the reference measured in the same run, an update as a simple
//!   implementation would do it to plot the energy after every update: h_i as a row dot
//!   product and E = −½ sᵀW s recomputed (O(N²)).
//!
//! At 60 frames per second a frame has 16.7 ms, so updates per frame = 16.7 ms / time.

use std::hint::black_box;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use gradscope::memory::{
    CapacityConfig, Dynamics, Grid, Hopfield, LearningRule, Recall, capacity_sweep, flip_bits,
    random_patterns,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

// The binary's allocator, so the figures match the app.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// 32×32 neurons with 50 random patterns (load 0.05), Hebbian.
fn big_network() -> (Hopfield, Vec<i8>) {
    let grid = Grid::new(32, 32).unwrap();
    let patterns = random_patterns(grid, 50, 1);
    let mut net = Hopfield::new(grid, LearningRule::Hebb);
    net.store_all(&patterns).unwrap();
    let cue = flip_bits(&patterns[0].spins, 0.3, &mut StdRng::seed_from_u64(2));
    (net, cue)
}

fn async_update(c: &mut Criterion) {
    let mut group = c.benchmark_group("memory_async_update");
    let (net, cue) = big_network();
    let n = net.neurons();

    let mut flipping = net.clone();
    flipping.set_state(&cue).unwrap();
    let mut i = 0;
    group.bench_function("flip_n1024", |b| {
        b.iter(|| {
            i = (i + 389) % n;
            let value = -flipping.state()[i];
            black_box(flipping.set_neuron(i, value));
        });
    });

    let fresh = Recall::new(net.clone(), &cue, Dynamics::Async, 3).unwrap();
    group.bench_function("recall_update_n1024", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut done = 0;
            while done < iters {
                let mut recall = fresh.clone();
                let started = Instant::now();
                while done < iters && recall.step().is_some() {
                    done += 1;
                }
                total += started.elapsed();
            }
            total
        });
    });

    // The reference: h_i by a row dot product, E recomputed from scratch for the plot.
    let weights = net.weights().to_vec();
    let mut state = cue.clone();
    let mut rng = StdRng::seed_from_u64(4);
    group.bench_function("naive_update_n1024", |b| {
        b.iter(|| {
            let i = rng.random_range(0..n);
            let row = &weights[i * n..(i + 1) * n];
            let h: f64 = row.iter().zip(&state).map(|(w, &s)| w * f64::from(s)).sum();
            state[i] = if h >= 0.0 { 1 } else { -1 };
            let mut energy = 0.0;
            for (row, &si) in weights.chunks_exact(n).zip(&state) {
                let hj: f64 = row.iter().zip(&state).map(|(w, &s)| w * f64::from(s)).sum();
                energy += f64::from(si) * hj;
            }
            black_box(-0.5 * energy)
        });
    });
    group.finish();
}

fn capacity(c: &mut Criterion) {
    let mut group = c.benchmark_group("memory_capacity_sweep");
    group.sample_size(10);
    let never = AtomicBool::new(false);
    for (name, rules) in [
        ("n100_p25_trials20_hebb", vec![LearningRule::Hebb]),
        (
            "n100_p25_trials20_hebb_and_storkey",
            vec![LearningRule::Hebb, LearningRule::Storkey],
        ),
    ] {
        let config = CapacityConfig {
            rules,
            ..CapacityConfig::new(100)
        };
        assert_eq!((config.max_patterns, config.trials), (25, 20));
        group.bench_function(name, |b| {
            b.iter(|| black_box(capacity_sweep(&config, |_| {}, &never).unwrap()));
        });
    }
    group.finish();
}

criterion_group!(benches, async_update, capacity);
criterion_main!(benches);
