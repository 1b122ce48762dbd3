//! Training throughput: steps per second of a 2-16-16-2 tanh MLP, batch 32, Adam, on spiral.
//!
//! Run with `cargo bench --bench training`. criterion reports the time of one step; steps per
//! second is its reciprocal (the "thrpt" line).

use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gradscope::data::{SynthConfig, SynthKind, generate};
use gradscope::nn::{ActivationKind, OptimizerConfig, OptimizerKind};
use gradscope::train::{
    HiddenLayer, Session, StepOutcome, TrainConfig, ViewRequest, build_snapshot,
};

// The binary's allocator, so the figures match `gradscope train`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn spiral_session(optimizer: OptimizerKind) -> Session {
    let data = Arc::new(generate(&SynthConfig::new(SynthKind::Spiral)));
    let layer = HiddenLayer {
        units: 16,
        activation: ActivationKind::Tanh,
    };
    let config = TrainConfig {
        conv: Vec::new(),
        hidden: vec![layer, layer],
        optimizer: OptimizerConfig {
            kind: optimizer,
            learning_rate: 0.01,
            ..OptimizerConfig::default()
        },
        batch_size: 32,
        ..TrainConfig::default()
    };
    match Session::new(data, config) {
        Ok(session) => session,
        Err(message) => panic!("{message}"),
    }
}

fn training_step(c: &mut Criterion) {
    let mut group = c.benchmark_group("mlp_2_16_16_2_tanh_batch32_spiral");
    group.throughput(Throughput::Elements(1));
    for (name, kind) in [("adam", OptimizerKind::Adam), ("sgd", OptimizerKind::Sgd)] {
        let mut session = spiral_session(kind);
        group.bench_function(format!("step_{name}"), |b| {
            b.iter(|| {
                let outcome = session.step();
                assert!(matches!(outcome, StepOutcome::Trained { .. }));
            });
        });
    }
    // As the window trains by default: the training doctor records every layer's
    // weight-gradient norm at each step.
    let mut session = spiral_session(OptimizerKind::Adam);
    session.set_monitor(true);
    group.bench_function("step_adam_with_doctor", |b| {
        b.iter(|| {
            let outcome = session.step();
            assert!(matches!(outcome, StepOutcome::Trained { .. }));
        });
    });
    group.finish();
}

fn snapshot(c: &mut Criterion) {
    let mut session = spiral_session(OptimizerKind::Adam);
    for _ in 0..100 {
        session.step();
    }
    let request = ViewRequest::default();
    c.bench_function("snapshot_weights_and_64x64_boundary", |b| {
        b.iter(|| build_snapshot(&mut session, &request));
    });
}

criterion_group!(benches, training_step, snapshot);
criterion_main!(benches);
