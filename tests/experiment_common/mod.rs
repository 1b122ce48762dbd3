//! Helpers shared by the experiment tests: a spiral experiment, loss sequences as bit
//! patterns, test-split predictions and temporary folders.
#![allow(dead_code)]

use std::path::Path;

use gradscope::data::{SynthConfig, SynthKind};
use gradscope::experiment::{DatasetRef, Experiment};
use gradscope::nn::{ActivationKind, OptimizerConfig, OptimizerKind};
use gradscope::train::{HiddenLayer, Session, StepOutcome, TrainConfig};

/// Spiral, 2-16-16-2 tanh, Adam 0.01, batch 32, seed 1.
pub fn spiral_experiment() -> Experiment {
    let layer = HiddenLayer {
        units: 16,
        activation: ActivationKind::Tanh,
    };
    let train = TrainConfig {
        conv: Vec::new(),
        hidden: vec![layer, layer],
        optimizer: OptimizerConfig::new(OptimizerKind::Adam, 0.01),
        batch_size: 32,
        epochs: 0,
        seed: 1,
        ..TrainConfig::default()
    };
    Experiment::new(
        DatasetRef::Synth(SynthConfig::new(SynthKind::Spiral)),
        train,
    )
}

/// The minibatch losses of `steps` steps, as bit patterns.
pub fn loss_bits(session: &mut Session, steps: usize) -> Vec<u64> {
    (0..steps)
        .map(|_| match session.step() {
            StepOutcome::Trained { loss, .. } => loss.to_bits(),
            StepOutcome::Diverged { step } => panic!("diverged at step {step}"),
        })
        .collect()
}

pub fn test_predictions(session: &mut Session) -> Vec<u32> {
    let data = std::sync::Arc::clone(session.data());
    let indices: Vec<usize> = (0..data.test.len()).collect();
    let x = data.test.gather::<f32>(&indices);
    session.predict(&x).iter().map(|v| v.to_bits()).collect()
}

pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary folder")
}

pub fn name(path: &Path) -> String {
    path.display().to_string()
}
