//! The training worker driven through its command channel, as the UI drives it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use gradscope::data::{SynthConfig, SynthKind, generate};
use gradscope::nn::{OptimizerConfig, OptimizerKind};
use gradscope::train::doctor::Remedy;
use gradscope::train::{
    Command, Event, NoWaker, RunState, Session, SessionSetup, Snapshot, StepOutcome, TrainConfig,
    ViewRequest, Worker,
};

const PATIENCE: Duration = Duration::from_secs(20);

fn setup(kind: SynthKind, optimizer: OptimizerKind, lr: f64) -> SessionSetup {
    let data = Arc::new(generate(&SynthConfig::new(kind)));
    SessionSetup {
        data,
        config: TrainConfig {
            optimizer: OptimizerConfig {
                kind: optimizer,
                learning_rate: lr,
                ..OptimizerConfig::default()
            },
            ..TrainConfig::default()
        },
    }
}

fn spawn(setup: SessionSetup) -> Worker {
    Worker::spawn(setup, ViewRequest::default(), Arc::new(NoWaker))
}

/// Waits for the first event `pick` accepts, passing every event to `seen`.
fn wait_for<T>(
    worker: &Worker,
    mut pick: impl FnMut(&Event) -> Option<T>,
    mut seen: impl FnMut(&Event),
) -> T {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if let Some(event) = worker.wait_event(Duration::from_millis(100)) {
            seen(&event);
            if let Some(value) = pick(&event) {
                return value;
            }
        }
    }
    panic!("the worker did not send the expected event within {PATIENCE:?}");
}

/// Waits until the worker reports `step` steps taken; returns the losses seen on the way.
fn wait_for_step(worker: &Worker, step: u64) -> Vec<f32> {
    let mut losses = Vec::new();
    wait_for(
        worker,
        |event| matches!(event, Event::Progress { step: s, .. } if *s == step).then_some(()),
        |event| {
            if let Event::Steps(steps) = event {
                losses.extend_from_slice(&steps.losses);
            }
        },
    );
    losses
}

fn snapshot_at(worker: &Worker, step: u64) -> Arc<Snapshot> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(snapshot) = worker.snapshots().latest()
            && snapshot.step == step
        {
            return snapshot;
        }
        assert!(Instant::now() < deadline, "no snapshot at step {step}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn all_weights(snapshot: &Snapshot) -> Vec<f32> {
    snapshot
        .dense
        .iter()
        .flat_map(|d| d.weights.iter().chain(&d.biases).copied())
        .collect()
}

#[test]
fn pause_stops_the_step_count() {
    let worker = spawn(setup(SynthKind::Spiral, OptimizerKind::Adam, 0.01));
    worker.send(Command::Play);
    wait_for(
        &worker,
        |e| matches!(e, Event::Progress { step, .. } if *step > 50).then_some(()),
        |_| {},
    );
    worker.send(Command::Pause);
    let mut last_step = 0;
    wait_for(
        &worker,
        |e| matches!(e, Event::State(RunState::Paused)).then_some(()),
        |e| {
            if let Event::Progress { step, .. } = e {
                last_step = *step;
            }
        },
    );
    // Drain what was sent while pausing, then make sure nothing moves.
    while let Some(event) = worker.wait_event(Duration::from_millis(300)) {
        if let Event::Progress { step, .. } = event {
            last_step = step;
        }
    }
    assert!(last_step > 50);
    std::thread::sleep(Duration::from_millis(400));
    while let Some(event) = worker.try_event() {
        if let Event::Progress { step, .. } = event {
            assert_eq!(step, last_step, "steps were taken while paused");
        }
        assert!(
            !matches!(event, Event::Steps(_)),
            "losses arrived while paused"
        );
    }
    let snapshot = worker.snapshots().latest().expect("a snapshot");
    assert_eq!(snapshot.step, last_step);
}

#[test]
fn learning_rate_change_applies_at_the_next_step() {
    let worker = spawn(setup(SynthKind::Circle, OptimizerKind::Sgd, 0.1));
    worker.send(Command::Step(1));
    wait_for_step(&worker, 1);
    let before = all_weights(&snapshot_at(&worker, 1));

    // With a learning rate of zero the very next SGD step leaves every weight as it was.
    worker.send(Command::SetLearningRate(0.0));
    worker.send(Command::Step(1));
    wait_for_step(&worker, 2);
    let frozen = all_weights(&snapshot_at(&worker, 2));
    assert_eq!(before, frozen);

    // And a non-zero rate moves them again at once.
    worker.send(Command::SetLearningRate(0.1));
    worker.send(Command::Step(1));
    wait_for_step(&worker, 3);
    let moved = all_weights(&snapshot_at(&worker, 3));
    assert_ne!(frozen, moved);
}

#[test]
fn reset_with_the_same_seed_repeats_the_loss_sequence_exactly() {
    let first_setup = setup(SynthKind::Moons, OptimizerKind::Adam, 0.03);
    let worker = spawn(first_setup.clone());
    worker.send(Command::Step(200));
    let first = wait_for_step(&worker, 200);
    assert_eq!(first.len(), 200);

    worker.send(Command::Reset(Box::new(first_setup.clone())));
    wait_for(
        &worker,
        |e| matches!(e, Event::SessionStarted { .. }).then_some(()),
        |_| {},
    );
    worker.send(Command::Step(200));
    let second = wait_for_step(&worker, 200);
    assert_eq!(first, second, "same seed must give the same losses");

    let mut other = first_setup;
    other.config.seed = 2;
    worker.send(Command::Reset(Box::new(other)));
    worker.send(Command::Step(200));
    let third = wait_for_step(&worker, 200);
    assert_ne!(first, third, "another seed must give other losses");
}

#[test]
fn a_nan_producing_learning_rate_pauses_with_the_divergence_message() {
    // Full-batch SGD on y = 3x + 2 + U[0,1) with α = 10 (far above 2/λmax ≈ 0.8) blows up.
    let mut diverging = setup(SynthKind::Line, OptimizerKind::Sgd, 10.0);
    diverging.config.hidden.clear();
    diverging.config.batch_size = 1000;
    let worker = spawn(diverging);
    worker.send(Command::Play);
    let mut last_progress = 0;
    let mut paused = false;
    let (step, message, remedies) = wait_for(
        &worker,
        |e| match e {
            Event::Diverged {
                step,
                message,
                remedies,
            } => Some((*step, message.clone(), remedies.clone())),
            _ => None,
        },
        |e| match e {
            Event::Progress { step, .. } => last_progress = *step,
            Event::State(state) => paused = *state == RunState::Paused,
            _ => {}
        },
    );
    assert!(
        step > 1,
        "it should take a few steps to overflow, got {step}"
    );
    assert_eq!(
        message,
        format!("diverged at step {step}: lower the learning rate or normalise the inputs")
    );
    assert_eq!(
        remedies,
        [
            Remedy::LowerLearningRate,
            Remedy::StandardizeInputs,
            Remedy::Reset
        ]
    );
    assert_eq!(last_progress, step - 1, "the failed step is not counted");
    assert!(paused, "training pauses when it diverges");
    let snapshot = snapshot_at(&worker, step - 1);
    let weights = all_weights(&snapshot);
    assert!(!weights.is_empty());
    assert!(
        weights.iter().all(|w| w.is_finite()),
        "weights must stay finite"
    );
    let curve = snapshot
        .curve
        .as_ref()
        .expect("a fitted curve for 1-D regression");
    assert!(curve.points.iter().all(|p| p[0].is_finite()));
}

#[test]
fn a_worker_panic_is_reported_and_reset_recovers() {
    let first = setup(SynthKind::Xor, OptimizerKind::Adam, 0.01);
    let worker = spawn(first.clone());
    worker.send(Command::Play);
    worker.send(Command::SimulatePanic);
    let message = wait_for(
        &worker,
        |e| match e {
            Event::Panicked(message) => Some(message.clone()),
            _ => None,
        },
        |_| {},
    );
    assert_eq!(message, "simulated worker panic");
    worker.send(Command::Reset(Box::new(first)));
    worker.send(Command::Step(5));
    wait_for_step(&worker, 5);
}

#[test]
fn training_stops_at_the_epoch_limit() {
    let mut limited = setup(SynthKind::Gaussians, OptimizerKind::Adam, 0.01);
    limited.config.epochs = 3;
    let worker = spawn(limited);
    worker.send(Command::Play);
    let mut last_step = 0;
    let epochs = wait_for(
        &worker,
        |e| match e {
            Event::Finished { epochs } => Some(*epochs),
            _ => None,
        },
        |e| {
            if let Event::Progress { step, .. } = e {
                last_step = *step;
            }
        },
    );
    assert_eq!(epochs, 3);
    // 200 training points at batch 16: 13 steps per epoch.
    assert_eq!(last_step, 3 * 13);
}

#[test]
fn capture_returns_the_weights_and_load_params_puts_them_back() {
    let worker = spawn(setup(SynthKind::Circle, OptimizerKind::Adam, 0.01));
    worker.send(Command::Step(5));
    wait_for_step(&worker, 5);
    let capture = || {
        let (tx, rx) = std::sync::mpsc::channel();
        worker.send(Command::Capture(tx));
        rx.recv_timeout(PATIENCE).expect("captured")
    };
    let after_five = capture();
    assert_eq!((after_five.step, after_five.epoch), (5, 0));
    assert_eq!(after_five.spec.to_text(), "dense8,tanh,dense8,tanh,dense2");
    assert_eq!(after_five.params.len(), 6);
    assert_eq!(after_five.params[0].shape(), (2, 8));

    worker.send(Command::Step(3));
    wait_for_step(&worker, 8);
    assert_ne!(capture().params, after_five.params);
    worker.send(Command::LoadParams(after_five.params.clone()));
    let back = capture();
    assert_eq!(back.params, after_five.params);
    assert_eq!(back.step, 8, "counters are kept");

    // Tensors of the wrong shape are refused with an error event and change nothing.
    let mut wrong = after_five.params.clone();
    wrong[0] = nalgebra::DMatrix::zeros(3, 8);
    worker.send(Command::LoadParams(wrong));
    let message = wait_for(
        &worker,
        |event| match event {
            Event::Error(message) => Some(message.clone()),
            _ => None,
        },
        |_| {},
    );
    assert_eq!(
        message,
        "weight tensor 1 is 2×8 in the model, 3×8 was given"
    );
    assert_eq!(capture().params, after_five.params);
}

/// Targets too large for the squared error: the session names them, and offers only Reset
/// (a lower learning rate or standardised inputs cannot help).
#[test]
fn targets_too_large_for_the_loss_are_named_and_only_reset_is_offered() {
    let mut text = String::from("x,y\n");
    for i in 0..30 {
        text += &format!("{i},{:e}\n", -2.5e19 * (1.0 + f64::from(i) / 100.0));
    }
    let (_, data) =
        gradscope::data::inspect_csv("huge.csv", text.as_bytes(), Some("y")).expect("a regression");
    let mut session = Session::new(Arc::new(data), TrainConfig::default()).expect("session");
    let StepOutcome::Diverged { step } = session.step() else {
        panic!("the first step's loss should be infinite");
    };
    assert_eq!(step, 1);
    assert!(
        session
            .divergence_message(step)
            .starts_with("diverged at step 1: the targets are too large for 32-bit floats"),
        "{}",
        session.divergence_message(step)
    );
    assert_eq!(session.divergence_remedies(step), [Remedy::Reset]);
}
