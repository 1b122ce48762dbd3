//! Memory room, the thread driver (`train::memory`): playing a recall to its end, stepping
//! one update at a time, pausing, pacing, switching dynamics, and running and cancelling the
//! capacity sweep, all reported as events with the waker called.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use gradscope::memory::{
    CapacityConfig, Dynamics, EndState, Grid, Hopfield, LearningRule, Recall, StateName,
    capacity_sweep, flip_bits, letter_patterns,
};
use gradscope::train::Waker;
use gradscope::train::memory::{MemoryCommand, MemoryEvent, MemoryWorker, RecallFrame};
use rand::SeedableRng;
use rand::rngs::StdRng;

#[derive(Default)]
struct CountingWaker(AtomicUsize);

impl Waker for CountingWaker {
    fn wake(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

const WAIT: Duration = Duration::from_secs(20);

/// Letters A and B on 12×12 (Hebbian), cued with A at 20 % noise.
fn letter_recall() -> Recall {
    let grid = Grid::new(12, 12).unwrap();
    let letters = letter_patterns(grid, 2).unwrap();
    let mut net = Hopfield::new(grid, LearningRule::Hebb);
    net.store_all(&letters).unwrap();
    let cue = flip_bits(&letters[0].spins, 0.2, &mut StdRng::seed_from_u64(1));
    Recall::new(net, &cue, Dynamics::Async, 1).unwrap()
}

fn spawn() -> (MemoryWorker, Arc<CountingWaker>) {
    let waker = Arc::new(CountingWaker::default());
    (MemoryWorker::spawn(waker.clone()), waker)
}

/// Events until `stop` matches one (returned last), failing after [`WAIT`].
fn events_until(worker: &MemoryWorker, stop: impl Fn(&MemoryEvent) -> bool) -> Vec<MemoryEvent> {
    let deadline = Instant::now() + WAIT;
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        if let Some(event) = worker.wait_event(Duration::from_millis(50)) {
            let done = stop(&event);
            seen.push(event);
            if done {
                return seen;
            }
        }
    }
    panic!(
        "no matching event within {WAIT:?}; saw {} events",
        seen.len()
    );
}

fn frames(events: &[MemoryEvent]) -> Vec<&RecallFrame> {
    events
        .iter()
        .filter_map(|e| match e {
            MemoryEvent::Frame(frame) => Some(frame),
            _ => None,
        })
        .collect()
}

#[test]
fn playing_runs_the_recall_to_its_named_end() {
    let (worker, waker) = spawn();
    let mut reference = letter_recall();
    let expected_end = reference.run(u64::MAX);
    assert_eq!(expected_end, EndState::Fixed(StateName::Pattern(0)));
    worker.send(MemoryCommand::Load(Box::new(letter_recall())));
    worker.send(MemoryCommand::Play);
    let events = events_until(&worker, |e| matches!(e, MemoryEvent::Ended(_)));
    assert_eq!(events[0], MemoryEvent::Playing(true));
    assert_eq!(events.last(), Some(&MemoryEvent::Ended(expected_end)));
    let frames = frames(&events);
    let last = frames.last().expect("at least one frame");
    assert_eq!(last.state, reference.net().state());
    let final_record = last.steps.last().unwrap();
    assert_eq!(final_record.step, reference.steps());
    assert_eq!(final_record.overlaps[0], 1.0);
    // Step numbers rise across frames and energies never rise (asynchronous dynamics).
    let records: Vec<_> = frames.iter().flat_map(|f| &f.steps).collect();
    assert!(records.windows(2).all(|w| w[1].step > w[0].step));
    assert!(
        records
            .windows(2)
            .all(|w| w[1].energy <= w[0].energy + 1e-12)
    );
    assert_eq!(
        worker.wait_event(Duration::from_secs(1)),
        Some(MemoryEvent::Playing(false))
    );
    assert!(waker.0.load(Ordering::Relaxed) >= 2);
}

#[test]
fn stepping_reports_each_update_and_pause_holds() {
    let (worker, _waker) = spawn();
    worker.send(MemoryCommand::Load(Box::new(letter_recall())));
    worker.send(MemoryCommand::Step(5));
    let events = events_until(&worker, |e| matches!(e, MemoryEvent::Frame(_)));
    let frame = frames(&events)[0];
    let steps: Vec<u64> = frame.steps.iter().map(|r| r.step).collect();
    assert_eq!(steps, [1, 2, 3, 4, 5]);
    assert!(
        frame
            .steps
            .iter()
            .all(|r| r.neuron.is_some() && r.updates == r.step)
    );
    assert_eq!(frame.steps[0].overlaps.len(), 2);
    // Nothing moves until asked.
    assert_eq!(worker.wait_event(Duration::from_millis(300)), None);
    worker.send(MemoryCommand::Step(1));
    let events = events_until(&worker, |e| matches!(e, MemoryEvent::Frame(_)));
    assert_eq!(frames(&events)[0].steps[0].step, 6);
}

#[test]
fn a_speed_limit_paces_the_steps() {
    let (worker, _waker) = spawn();
    // Stochastic dynamics at a high temperature never settle, so the recall keeps playing.
    let mut recall = letter_recall();
    recall
        .set_dynamics(Dynamics::Stochastic { temperature: 2.0 })
        .unwrap();
    worker.send(MemoryCommand::Load(Box::new(recall)));
    worker.send(MemoryCommand::SetSpeed(Some(100.0)));
    let started = Instant::now();
    worker.send(MemoryCommand::Play);
    std::thread::sleep(Duration::from_millis(500));
    worker.send(MemoryCommand::Pause);
    let events = events_until(&worker, |e| *e == MemoryEvent::Playing(false));
    let elapsed = started.elapsed().as_secs_f64();
    let taken = frames(&events)
        .last()
        .and_then(|f| f.steps.last())
        .map_or(0, |r| r.step);
    // 100 steps per second: never ahead of the clock (a slow machine may lag behind).
    assert!(
        taken as f64 <= 100.0 * elapsed + 2.0,
        "{taken} steps in {elapsed} s"
    );
    assert!(taken >= 5, "it played ({taken} steps)");
}

#[test]
fn invalid_dynamics_are_reported_not_applied() {
    let (worker, _waker) = spawn();
    worker.send(MemoryCommand::Load(Box::new(letter_recall())));
    worker.send(MemoryCommand::SetDynamics(Dynamics::Stochastic {
        temperature: f64::NAN,
    }));
    let events = events_until(&worker, |e| matches!(e, MemoryEvent::Error(_)));
    assert_eq!(
        events.last(),
        Some(&MemoryEvent::Error(
            "temperature must be a number ≥ 0, got NaN".to_string()
        ))
    );
}

#[test]
fn the_capacity_sweep_runs_on_the_thread_with_progress() {
    let (worker, waker) = spawn();
    let config = CapacityConfig {
        max_patterns: 5,
        trials: 4,
        ..CapacityConfig::new(64)
    };
    worker.run_capacity(config.clone());
    let events = events_until(&worker, |e| matches!(e, MemoryEvent::CapacityDone(_)));
    let done: Vec<usize> = events
        .iter()
        .filter_map(|e| match e {
            MemoryEvent::CapacityProgress(p) => Some(p.done),
            _ => None,
        })
        .collect();
    assert_eq!(done, [1, 2, 3, 4, 5]);
    let direct = capacity_sweep(&config, |_| {}, &AtomicBool::new(false)).unwrap();
    assert_eq!(events.last(), Some(&MemoryEvent::CapacityDone(direct)));
    // Each progress event wakes before the next event is sent (the wake after the last one
    // may still be on its way).
    assert!(waker.0.load(Ordering::Relaxed) >= 5);
}

#[test]
fn cancelling_stops_the_sweep() {
    let (worker, _waker) = spawn();
    // N = 1024, P up to 256, 50 trials: minutes of work unless cancelled.
    let config = CapacityConfig {
        trials: 50,
        ..CapacityConfig::new(1024)
    };
    worker.run_capacity(config);
    events_until(&worker, |e| matches!(e, MemoryEvent::CapacityProgress(_)));
    let asked = Instant::now();
    worker.cancel_capacity();
    let events = events_until(&worker, |e| {
        matches!(
            e,
            MemoryEvent::CapacityCancelled | MemoryEvent::CapacityDone(_)
        )
    });
    assert_eq!(events.last(), Some(&MemoryEvent::CapacityCancelled));
    assert!(asked.elapsed() < Duration::from_secs(10));
    // The thread still answers.
    worker.send(MemoryCommand::Load(Box::new(letter_recall())));
    worker.send(MemoryCommand::Step(1));
    events_until(&worker, |e| matches!(e, MemoryEvent::Frame(_)));
}
