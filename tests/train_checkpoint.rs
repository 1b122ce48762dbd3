//! Checkpoints, rewind and branch: the log-spaced schedule, restoring a checkpoint restores the
//! identical weights and optimizer state, a branch with nothing changed reproduces its parent's
//! next 200 losses bit for bit, the store stays within a small memory budget over a long run
//! while keeping its checkpoints spread out, and the worker's CheckpointNow / Restore / Branch /
//! StartFrom commands.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use gradscope::data::{Dataset, SynthConfig, SynthKind, generate};
use gradscope::nn::{OptimizerConfig, OptimizerKind};
use gradscope::train::{
    BranchSetup, CheckpointStore, Command, Event, NoWaker, ResumePoint, Session, SessionSetup,
    StepOutcome, TrainConfig, ViewRequest, Worker, branch_session, is_scheduled,
};

fn spiral() -> Arc<Dataset> {
    Arc::new(generate(&SynthConfig::new(SynthKind::Spiral)))
}

fn config(kind: OptimizerKind, lr: f64) -> TrainConfig {
    TrainConfig {
        optimizer: OptimizerConfig::new(kind, lr),
        batch_size: 24,
        ..TrainConfig::default()
    }
}

/// Takes `steps` steps, offering the store a checkpoint after each; returns the loss bits.
fn train(session: &mut Session, store: &mut CheckpointStore, steps: usize) -> Vec<u64> {
    (0..steps)
        .map(|_| {
            let loss = match session.step() {
                StepOutcome::Trained { loss, .. } => loss.to_bits(),
                StepOutcome::Diverged { step } => panic!("diverged at step {step}"),
            };
            store.maybe_take(session);
            loss
        })
        .collect()
}

#[test]
fn checkpoints_are_log_spaced_then_every_n_steps() {
    let steps: Vec<u64> = (0..=3500).filter(|&s| is_scheduled(s, 1000)).collect();
    assert_eq!(steps, [0, 10, 20, 50, 100, 200, 500, 1000, 2000, 3000]);
    let steps: Vec<u64> = (0..=400).filter(|&s| is_scheduled(s, 100)).collect();
    assert_eq!(steps, [0, 10, 20, 50, 100, 200, 300, 400]);
}

#[test]
fn restoring_a_checkpoint_restores_identical_weights_and_optimizer_state() {
    for kind in [OptimizerKind::Momentum, OptimizerKind::Adam] {
        let mut session = Session::new(spiral(), config(kind, 0.02)).expect("session");
        let mut store = CheckpointStore::new(usize::MAX, 100);
        store.maybe_take(&session);
        train(&mut session, &mut store, 200);
        let at_200 = session.state();
        let after: Vec<u64> = train(&mut session, &mut store, 150);
        assert_eq!(
            store.list().steps,
            [0, 10, 20, 50, 100, 200, 300],
            "{kind:?}"
        );
        let checkpoint = store.at_or_before(250).expect("checkpoint");
        assert_eq!(checkpoint.step(), 200);
        session.restore(&checkpoint.state).expect("restore");
        let now = session.state();
        assert_eq!(now.params, at_200.params, "{kind:?}: weights");
        assert_eq!(now.optimizer, at_200.optimizer, "{kind:?}: optimizer state");
        assert_eq!(now.optimizer.steps(), 200);
        assert_eq!(now.position, at_200.position);
        assert_eq!((session.step_count(), session.epoch()), (200, 22));
        // And it goes on exactly as before.
        let mut scratch = CheckpointStore::new(0, 100);
        assert_eq!(train(&mut session, &mut scratch, 150), after, "{kind:?}");
    }
}

#[test]
fn a_branch_with_nothing_changed_reproduces_the_parents_next_200_losses() {
    let data = spiral();
    for kind in [
        OptimizerKind::Sgd,
        OptimizerKind::Momentum,
        OptimizerKind::Nesterov,
        OptimizerKind::RmsProp,
        OptimizerKind::Adam,
    ] {
        let parent_config = config(kind, 0.01);
        let mut parent = Session::new(Arc::clone(&data), parent_config.clone()).expect("session");
        let mut store = CheckpointStore::default();
        train(&mut parent, &mut store, 100);
        let parent_next = train(&mut parent, &mut store, 200);
        let checkpoint = store.at_or_before(100).expect("checkpoint at 100");
        assert_eq!(checkpoint.step(), 100);
        let mut child =
            branch_session(Arc::clone(&data), &checkpoint, &parent_config).expect("branch");
        assert_eq!(child.step_count(), 100);
        let mut scratch = CheckpointStore::default();
        assert_eq!(
            train(&mut child, &mut scratch, 200),
            parent_next,
            "{kind:?}"
        );
        // A changed learning rate takes another path from the same point.
        let mut faster = parent_config.clone();
        faster.optimizer.learning_rate = 0.05;
        let mut other = branch_session(Arc::clone(&data), &checkpoint, &faster).expect("branch");
        let other_losses = train(&mut other, &mut scratch, 200);
        assert_eq!(
            other_losses[0], parent_next[0],
            "the first loss is before any update"
        );
        assert_ne!(other_losses, parent_next, "{kind:?}");
    }
}

#[test]
fn checkpoint_memory_stays_within_a_small_budget_over_a_long_run() {
    let mut session = Session::new(spiral(), config(OptimizerKind::Adam, 0.01)).expect("session");
    // Before the first step: 2·8+8 + 8·8+8 + 8·2+2 = 114 weights and 200 batch indices;
    // after it, Adam's two moments per weight as well.
    let index = std::mem::size_of::<usize>();
    assert_eq!(session.state().bytes(), 114 * 4 + 200 * index);
    let one = 114 * 4 * 3 + 200 * index;
    let budget = 6 * one + one / 2;
    let mut store = CheckpointStore::new(budget, 20);
    store.maybe_take(&session);
    train(&mut session, &mut store, 1);
    assert_eq!(session.state().bytes(), one);
    let mut most = 0;
    for _ in 1..2000 {
        train(&mut session, &mut store, 1);
        assert!(store.bytes() <= budget, "{} > {budget}", store.bytes());
        most = most.max(store.checkpoints().len());
    }
    let steps = store.list().steps;
    assert_eq!(most, 6);
    assert_eq!(steps.len(), 6);
    assert_eq!((steps[0], steps[5]), (0, 2000));
    // Thinned evenly: no gap is more than twice another.
    let gaps: Vec<u64> = steps.windows(2).map(|w| w[1] - w[0]).collect();
    let (low, high) = (gaps.iter().min(), gaps.iter().max());
    assert!(high <= low.map(|l| l * 2).as_ref(), "{steps:?}");
    // A budget below one checkpoint keeps none rather than break it.
    let mut tiny = CheckpointStore::new(one - 1, 20);
    tiny.take_now(&session);
    assert_eq!(tiny.checkpoints().len(), 0);
}

const PATIENCE: Duration = Duration::from_secs(20);

fn wait_for<T>(worker: &Worker, mut pick: impl FnMut(&Event) -> Option<T>) -> T {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if let Some(event) = worker.wait_event(Duration::from_millis(100))
            && let Some(value) = pick(&event)
        {
            return value;
        }
    }
    panic!("the worker did not send the expected event within {PATIENCE:?}");
}

/// Steps `count` times and returns the losses, waiting until step `until` is reported.
fn step_losses(worker: &Worker, count: u32, until: u64) -> Vec<f32> {
    worker.send(Command::Step(count));
    let mut losses = Vec::new();
    wait_for(worker, |event| {
        if let Event::Steps(steps) = event {
            losses.extend_from_slice(&steps.losses);
        }
        matches!(event, Event::Progress { step, .. } if *step == until).then_some(())
    });
    losses
}

#[test]
fn the_worker_checkpoints_rewinds_and_branches_on_command() {
    let data = spiral();
    let setup = SessionSetup {
        data: Arc::clone(&data),
        config: config(OptimizerKind::Adam, 0.01),
    };
    let parent = Worker::spawn(setup.clone(), ViewRequest::default(), Arc::new(NoWaker));
    step_losses(&parent, 37, 37);
    parent.send(Command::CheckpointNow);
    let steps = wait_for(&parent, |event| match event {
        Event::Checkpoints(list) if list.steps.contains(&37) => Some(list.steps.clone()),
        _ => None,
    });
    assert_eq!(steps, [0, 10, 20, 37]);
    let after_37 = step_losses(&parent, 40, 77);
    // Rewind to step 40 lands on the checkpoint at 37 and forgets the one at 50.
    parent.send(Command::Restore(40));
    let (step, epoch) = wait_for(&parent, |event| match event {
        Event::Rewound { step, epoch } => Some((*step, *epoch)),
        _ => None,
    });
    assert_eq!((step, epoch), (37, 4));
    let steps = wait_for(&parent, |event| match event {
        Event::Checkpoints(list) => Some(list.steps.clone()),
        _ => None,
    });
    assert_eq!(steps, [0, 10, 20, 37]);
    assert_eq!(step_losses(&parent, 40, 77), after_37);
    // Branch from 37 into a second worker with nothing changed: the same 40 losses.
    let (reply, answer) = mpsc::channel();
    parent.send(Command::Branch(37, reply));
    let checkpoint = answer.recv_timeout(PATIENCE).expect("a checkpoint");
    assert_eq!(checkpoint.step(), 37);
    let child = Worker::spawn(setup, ViewRequest::default(), Arc::new(NoWaker));
    child.send(Command::StartFrom(Box::new(BranchSetup {
        data,
        checkpoint,
        config: config(OptimizerKind::Adam, 0.01),
    })));
    wait_for(&child, |event| {
        matches!(event, Event::Progress { step: 37, .. }).then_some(())
    });
    assert_eq!(step_losses(&child, 40, 77), after_37);
    // No checkpoint before step 0 of nothing: a restore to a step before all of them fails.
    let (reply, answer) = mpsc::channel();
    child.send(Command::Branch(36, reply));
    assert!(answer.recv_timeout(Duration::from_secs(2)).is_err());
}

#[test]
fn the_worker_resumes_a_saved_run_exactly() {
    let data = spiral();
    let config = config(OptimizerKind::Momentum, 0.05);
    let mut saved = Session::new(Arc::clone(&data), config.clone()).expect("session");
    let mut scratch = CheckpointStore::default();
    train(&mut saved, &mut scratch, 45);
    let mut params = Vec::new();
    saved.model().copy_params_into(&mut params);
    let point = ResumePoint {
        step: 45,
        epoch: saved.epoch(),
        position: saved.position(),
        optimizer: saved.optimizer_state(),
    };
    let expected: Vec<f32> = train(&mut saved, &mut scratch, 30)
        .into_iter()
        .map(|bits| f64::from_bits(bits) as f32)
        .collect();
    let setup = SessionSetup { data, config };
    let worker = Worker::spawn(setup, ViewRequest::default(), Arc::new(NoWaker));
    worker.send(Command::LoadParams(params));
    worker.send(Command::Resume(Box::new(point)));
    wait_for(&worker, |event| {
        matches!(event, Event::Progress { step: 45, .. }).then_some(())
    });
    assert_eq!(step_losses(&worker, 30, 75), expected);
    // A batch position past the data is refused with a message.
    let bad = ResumePoint {
        step: 0,
        epoch: 0,
        position: gradscope::train::BatchPosition {
            seed: 1,
            shuffles: 1,
            cursor: 999,
        },
        optimizer: gradscope::nn::OptimizerExport::default(),
    };
    worker.send(Command::Resume(Box::new(bad)));
    let message = wait_for(&worker, |event| match event {
        Event::Error(message) => Some(message.clone()),
        _ => None,
    });
    assert_eq!(
        message,
        "batch position 999 is past the training split (200 samples)"
    );
}
