//! One epoch of the Small CNN over the 60 000 MNIST training digits, batch 64, Momentum.
//!
//! Reads the full MNIST files from `../shared/datasets/mnist` (next to the repository) or from
//! `GRADSCOPE_MNIST_DIR`; prints a message and measures nothing when they are absent.
//! Run with `cargo bench --bench mnist`.

use std::path::PathBuf;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use gradscope::data::load_mnist_dir;
use gradscope::train::{Session, StepOutcome, TrainConfig};

// The binary's allocator, so the figures match `gradscope train`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn mnist_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("GRADSCOPE_MNIST_DIR").map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/mnist")),
    ];
    candidates.into_iter().flatten().find(|dir| dir.is_dir())
}

fn epoch(c: &mut Criterion) {
    let Some(dir) = mnist_dir() else {
        eprintln!(
            "SKIPPED: full MNIST not found (set GRADSCOPE_MNIST_DIR or place it at ../shared/datasets/mnist)"
        );
        return;
    };
    let data = match load_mnist_dir(&dir) {
        Ok(data) => Arc::new(data),
        Err(e) => {
            eprintln!("SKIPPED: {e}");
            return;
        }
    };
    let mut group = c.benchmark_group("mnist_60k");
    group.sample_size(10);
    group.bench_function("small_cnn_epoch_batch64_momentum", |b| {
        b.iter(|| {
            let mut config = TrainConfig::small_cnn();
            config.epochs = 1;
            let mut session = match Session::new(Arc::clone(&data), config) {
                Ok(session) => session,
                Err(message) => panic!("{message}"),
            };
            while !session.finished() {
                assert!(matches!(session.step(), StepOutcome::Trained { .. }));
            }
            session.step_count()
        });
    });
    group.finish();
}

criterion_group!(benches, epoch);
criterion_main!(benches);
