//! The background thread that owns a training [`Session`].
//!
//! The UI sends [`Command`]s; the worker answers with [`Event`]s (every step's loss, never
//! dropped) and publishes heavy views as a latest-wins [`Snapshot`] at most ~30 times a second.
//! Neither side ever waits on the other.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nalgebra::DMatrix;

mod checkpoints;
mod messages;
mod priority;

pub use checkpoints::{BranchSetup, ResumePoint};
pub use messages::{
    Captured, Command, EvalRecord, Event, GRADCHECK_ELEMENTS, GradCheckReport, HealthReport,
    RunState, SessionSetup, StepLosses,
};

use crate::train::checkpoint::CheckpointStore;
use crate::train::doctor::{
    GRADCHECK_TOLERANCE, Monitor, activation_stats, gradcheck_rows, identical_layers,
};
use crate::train::session::{Evaluation, Session, StepOutcome};
pub use crate::train::snapshot::SnapshotSlot;
use crate::train::snapshot::{ViewRequest, build_snapshot};

/// Wakes the UI when the worker has news. The app passes its `egui::Context`; tests pass a
/// recorder.
pub trait Waker: Send + Sync + 'static {
    /// Ask for a repaint soon.
    fn wake(&self);
}

/// A waker that does nothing (command line, tests).
pub struct NoWaker;

impl Waker for NoWaker {
    fn wake(&self) {}
}

/// Handle to the training thread. Dropping it shuts the thread down.
pub struct Worker {
    commands: Sender<Command>,
    events: Receiver<Event>,
    snapshots: Arc<SnapshotSlot>,
    thread: Option<JoinHandle<()>>,
}

/// Longest interval between two flushes of step losses while running.
const FLUSH_INTERVAL: Duration = Duration::from_millis(15);
/// Shortest interval between two snapshots while running (~30 per second).
const SNAPSHOT_INTERVAL: Duration = Duration::from_millis(33);
/// Shortest interval between two evaluations while running (longer when evaluation is slow).
const EVAL_INTERVAL: Duration = Duration::from_millis(250);
/// Training samples evaluated for the live train metrics (the test split is always evaluated
/// whole).
const EVAL_TRAIN_SAMPLES: usize = 1000;

impl Worker {
    /// Starts the thread with a first session, paused.
    pub fn spawn(setup: SessionSetup, views: ViewRequest, waker: Arc<dyn Waker>) -> Self {
        let (command_tx, command_rx) = mpsc::channel();
        let (event_tx, event_rx) = mpsc::channel();
        let snapshots = Arc::new(SnapshotSlot::default());
        let slot = Arc::clone(&snapshots);
        let thread = std::thread::Builder::new()
            .name("gradscope-train".into())
            .spawn(move || {
                let mut state = WorkerState {
                    session: None,
                    views,
                    running: false,
                    events: event_tx,
                    pending: None,
                    waker,
                    slot,
                    last_flush: Instant::now(),
                    last_snapshot: Instant::now(),
                    last_eval: Instant::now(),
                    speed: None,
                    throttle_start: Instant::now(),
                    throttle_steps: 0,
                    eval_interval: EVAL_INTERVAL,
                    latest_eval: None,
                    monitor: Monitor::default(),
                    health_news: false,
                    checkpoints: CheckpointStore::default(),
                };
                let priority = priority::TrainingPriority::lowered();
                state.reset(setup);
                state.run(&command_rx, priority);
            })
            .ok();
        Self {
            commands: command_tx,
            events: event_rx,
            snapshots,
            thread,
        }
    }

    /// Sends a command; silently ignored if the thread has ended.
    pub fn send(&self, command: Command) {
        let _ = self.commands.send(command);
    }

    /// The next event, if one is waiting.
    pub fn try_event(&self) -> Option<Event> {
        self.events.try_recv().ok()
    }

    /// Waits up to `timeout` for the next event (for tests and the command line).
    pub fn wait_event(&self, timeout: Duration) -> Option<Event> {
        self.events.recv_timeout(timeout).ok()
    }

    /// The latest-wins snapshot slot.
    pub fn snapshots(&self) -> &SnapshotSlot {
        &self.snapshots
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.commands.send(Command::Shutdown);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct WorkerState {
    session: Option<Session>,
    views: ViewRequest,
    running: bool,
    events: Sender<Event>,
    pending: Option<StepLosses>,
    waker: Arc<dyn Waker>,
    slot: Arc<SnapshotSlot>,
    last_flush: Instant,
    last_snapshot: Instant,
    last_eval: Instant,
    speed: Option<f64>,
    throttle_start: Instant,
    throttle_steps: u64,
    eval_interval: Duration,
    latest_eval: Option<Arc<Evaluation>>,
    monitor: Monitor,
    health_news: bool,
    checkpoints: CheckpointStore,
}

/// The event that says a session has stopped by itself: early stopping or the epoch limit.
fn finished_event(session: &Session) -> Event {
    match session.early_stop() {
        Some(stop) => Event::StoppedEarly(stop),
        None => Event::Finished {
            epochs: session.epoch(),
        },
    }
}

/// The message of a caught panic (its `&str` or `String` payload), for an event.
pub(crate) fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "unknown panic".to_string()
    }
}

impl WorkerState {
    fn emit(&self, event: Event) {
        let _ = self.events.send(event);
    }

    fn run(&mut self, commands: &Receiver<Command>, mut priority: priority::TrainingPriority) {
        loop {
            priority.update(self.running);
            let wait = self.idle_time();
            let command = if wait.is_zero() {
                match commands.try_recv() {
                    Ok(command) => Some(command),
                    Err(TryRecvError::Empty) => None,
                    Err(TryRecvError::Disconnected) => return,
                }
            } else {
                match commands.recv_timeout(wait) {
                    Ok(command) => Some(command),
                    Err(RecvTimeoutError::Timeout) if !self.running => continue,
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            };
            if let Some(Command::Shutdown) = command {
                return;
            }
            let result = catch_unwind(AssertUnwindSafe(|| {
                if let Some(command) = command {
                    self.handle(command);
                }
                if self.running {
                    self.train_for(Duration::from_millis(8));
                }
            }));
            if let Err(payload) = result {
                self.session = None;
                self.running = false;
                self.pending = None;
                self.slot.clear();
                self.emit(Event::State(RunState::Paused));
                self.emit(Event::Panicked(panic_text(payload.as_ref())));
                self.waker.wake();
            }
        }
    }

    /// How long the loop may wait for a command: long while paused, until the next step is due
    /// under a speed limit, zero when training flat out.
    fn idle_time(&self) -> Duration {
        if !self.running {
            return Duration::from_millis(200);
        }
        match self.speed {
            None => Duration::ZERO,
            Some(rate) => {
                let due = Duration::from_secs_f64((self.throttle_steps + 1) as f64 / rate);
                due.saturating_sub(self.throttle_start.elapsed())
                    .min(Duration::from_millis(15))
            }
        }
    }

    fn restart_throttle(&mut self) {
        self.throttle_start = Instant::now();
        self.throttle_steps = 0;
    }

    fn set_running(&mut self, running: bool) {
        if self.running != running {
            self.running = running;
            self.restart_throttle();
            self.emit(Event::State(if running {
                RunState::Running
            } else {
                RunState::Paused
            }));
        }
    }

    /// Forgets what the doctor saw (norms, evaluations, statistics) when the weights or the
    /// step count change under it (other weights loaded, a saved run resumed, a branch):
    /// its findings compare evaluations by step, and those no longer fit. The next flush
    /// tells the window, whose findings clear.
    fn forget_health(&mut self) {
        self.monitor = Monitor::default();
        self.health_news = true;
    }

    fn reset(&mut self, setup: SessionSetup) {
        self.pending = None;
        self.latest_eval = None;
        self.eval_interval = EVAL_INTERVAL;
        self.monitor = Monitor::default();
        self.health_news = false;
        match Session::new(setup.data, setup.config) {
            Ok(mut session) => {
                session.set_monitor(self.views.health);
                self.emit(Event::SessionStarted {
                    steps_per_epoch: session.steps_per_epoch(),
                });
                self.session = Some(session);
                self.restart_checkpoints();
                self.emit(Event::Progress { step: 0, epoch: 0 });
                self.publish_views();
            }
            Err(message) => {
                self.emit(Event::Error(message));
                self.set_running(false);
            }
        }
        self.waker.wake();
    }

    /// Answers [`Command::GradCheck`].
    fn gradient_check(&mut self) {
        if let Some(session) = &self.session {
            let rows = session
                .gradient_check(GRADCHECK_ELEMENTS)
                .map(|checks| gradcheck_rows(&checks, GRADCHECK_TOLERANCE));
            self.emit(Event::GradCheck(Box::new(GradCheckReport {
                step: session.step_count(),
                batch: session.batch_size(),
                rows,
            })));
            self.waker.wake();
        }
    }

    /// Answers [`Command::Capture`] (nothing is sent without a session).
    fn capture(&self, reply: &Sender<Captured>) {
        if let Some(session) = &self.session {
            let mut params = Vec::new();
            session.model().copy_params_into(&mut params);
            let _ = reply.send(Captured {
                spec: session.model().spec().clone(),
                params,
                config: session.config().clone(),
                step: session.step_count(),
                epoch: session.epoch(),
                position: session.position(),
                optimizer: session.optimizer_state(),
                train_samples: session.data().train.len(),
            });
        }
    }

    /// Carries out [`Command::LoadParams`].
    fn load_params(&mut self, params: &[DMatrix<f32>]) {
        if let Some(session) = &mut self.session {
            match session.load_params(params) {
                Ok(()) => {
                    self.forget_health();
                    self.restart_checkpoints();
                    self.publish_views();
                }
                Err(message) => self.emit(Event::Error(message)),
            }
            self.waker.wake();
        }
    }

    fn handle(&mut self, command: Command) {
        match command {
            Command::Play => {
                match &self.session {
                    Some(session) if session.finished() => {
                        self.emit(finished_event(session));
                    }
                    Some(_) => self.set_running(true),
                    None => {}
                }
                self.waker.wake();
            }
            Command::Pause => {
                self.set_running(false);
                self.publish_views();
                self.waker.wake();
            }
            Command::Step(count) => {
                self.set_running(false);
                for _ in 0..count {
                    if !self.one_step() {
                        break;
                    }
                }
                self.publish_views();
                self.waker.wake();
            }
            Command::StepOn(rows) => {
                self.set_running(false);
                self.one_step_on(Some(&rows));
                self.publish_views();
                self.waker.wake();
            }
            Command::Reset(setup) => {
                let was_running = self.running;
                self.set_running(false);
                self.reset(*setup);
                if was_running && self.session.is_some() {
                    self.set_running(true);
                }
            }
            Command::SetLearningRate(lr) => {
                if let Some(session) = &mut self.session {
                    session.set_learning_rate(lr);
                }
            }
            Command::SetBatchSize(batch) => {
                if let Some(session) = &mut self.session {
                    session.set_batch_size(batch);
                }
            }
            Command::SetOptimizer(config) => {
                if let Some(session) = &mut self.session {
                    session.set_optimizer(config);
                }
            }
            Command::SetEpochs(epochs) => {
                if let Some(session) = &mut self.session {
                    session.set_epochs(epochs);
                }
            }
            Command::SetL2(l2) => {
                if let Some(session) = &mut self.session {
                    session.set_l2(l2);
                }
                self.publish_snapshot();
                self.waker.wake();
            }
            Command::SetEarlyStopping(patience) => {
                if let Some(session) = &mut self.session {
                    session.set_early_stopping(patience);
                }
            }
            Command::GradCheck => self.gradient_check(),
            Command::SetViews(views) => {
                if let Some(session) = &mut self.session {
                    session.set_monitor(views.health);
                }
                self.views = views;
                self.publish_snapshot();
                self.waker.wake();
            }
            Command::SetSpeed(speed) => {
                self.speed = speed.filter(|rate| rate.is_finite() && *rate > 0.0);
                self.restart_throttle();
            }
            Command::LoadParams(params) => self.load_params(&params),
            Command::SetCounters { step, epoch } => {
                if let Some(session) = &mut self.session {
                    session.set_counters(step, epoch);
                    self.restart_checkpoints();
                    self.emit(Event::Progress { step, epoch });
                    self.publish_views();
                    self.waker.wake();
                }
            }
            Command::Capture(reply) => self.capture(&reply),
            Command::CheckpointNow => self.checkpoint_now(),
            Command::Restore(step) => self.restore(step),
            Command::Branch(step, reply) => self.branch(step, &reply),
            Command::StartFrom(setup) => self.start_from(*setup),
            Command::Resume(point) => self.resume(&point),
            Command::SimulatePanic => panic!("simulated worker panic"),
            Command::Shutdown => {}
        }
    }

    /// One step; false when training must stop (diverged, finished or no session).
    fn one_step(&mut self) -> bool {
        self.one_step_on(None)
    }

    /// One step of the schedule, or with `rows` one step on those training rows; false when
    /// training must stop (diverged, finished, no session, or no such row).
    fn one_step_on(&mut self, rows: Option<&[usize]>) -> bool {
        let Some(session) = &mut self.session else {
            return false;
        };
        if session.finished() {
            let event = finished_event(session);
            self.set_running(false);
            self.publish_views();
            self.emit(event);
            return false;
        }
        let outcome = match rows {
            None => session.step(),
            Some(rows) => match session.step_on(rows) {
                Some(outcome) => outcome,
                None => return false,
            },
        };
        match outcome {
            StepOutcome::Trained {
                step,
                loss,
                epoch_done,
            } => {
                let pending = self.pending.get_or_insert_with(|| StepLosses {
                    first_step: step,
                    losses: Vec::new(),
                });
                pending.losses.push(loss as f32);
                if self.views.health {
                    self.monitor.record_norms(step, session.grad_norms());
                    self.health_news = true;
                }
                self.scheduled_checkpoint();
                if epoch_done && self.last_eval.elapsed() >= self.eval_interval {
                    self.flush();
                    self.evaluate();
                }
                true
            }
            StepOutcome::Diverged { step } => {
                let message = session.divergence_message(step);
                let remedies = session.divergence_remedies(step);
                self.flush();
                self.set_running(false);
                self.emit(Event::Diverged {
                    step,
                    message,
                    remedies,
                });
                self.publish_views();
                false
            }
        }
    }

    fn train_for(&mut self, budget: Duration) {
        let start = Instant::now();
        while self.running && start.elapsed() < budget {
            if let Some(rate) = self.speed {
                let due = (self.throttle_start.elapsed().as_secs_f64() * rate) as u64;
                // Never catch up more than a tenth of a second of steps in one burst.
                let max_lag = (rate * 0.1).ceil() as u64;
                self.throttle_steps = self.throttle_steps.max(due.saturating_sub(max_lag));
                if self.throttle_steps >= due {
                    break;
                }
            }
            if !self.one_step() {
                break;
            }
            self.throttle_steps += 1;
        }
        let now = Instant::now();
        let mut news = false;
        if now.duration_since(self.last_flush) >= FLUSH_INTERVAL {
            self.flush();
            news = true;
        }
        if now.duration_since(self.last_eval) >= self.eval_interval {
            self.evaluate();
            news = true;
        }
        if now.duration_since(self.last_snapshot) >= SNAPSHOT_INTERVAL {
            self.publish_snapshot();
            news = true;
        }
        if news || !self.running {
            self.waker.wake();
        }
    }

    /// Sends pending step losses and the counters.
    fn flush(&mut self) {
        self.last_flush = Instant::now();
        if let Some(pending) = self.pending.take() {
            self.emit(Event::Steps(pending));
        }
        if self.views.health && self.health_news {
            self.health_news = false;
            let layer_names = self.session.as_ref().map_or_else(Vec::new, |session| {
                session
                    .model()
                    .layers
                    .iter()
                    .filter(|layer| !layer.grads().is_empty())
                    .map(|layer| layer.name())
                    .collect()
            });
            self.emit(Event::Health(Box::new(HealthReport {
                norms: self.monitor.latest_norms().cloned(),
                layer_names,
                stats: self.monitor.stats().to_vec(),
                diagnoses: self.monitor.diagnose(),
            })));
        }
        if let Some(session) = &self.session {
            self.emit(Event::Progress {
                step: session.step_count(),
                epoch: session.epoch(),
            });
        }
    }

    fn evaluate(&mut self) {
        let started = Instant::now();
        self.last_eval = started;
        if let Some(session) = &mut self.session {
            let evaluation = session.evaluate_for_view(EVAL_TRAIN_SAMPLES);
            let record = EvalRecord {
                step: session.step_count(),
                epoch: session.epoch(),
                train: evaluation.train,
                test: evaluation.test,
            };
            if self.views.health {
                self.monitor.record_eval(
                    record.step,
                    record.train.map(|m| m.loss),
                    record.test.map(|m| m.loss),
                );
                self.monitor.record_stats(activation_stats(session));
                self.monitor.record_identical(identical_layers(session));
                self.health_news = true;
            }
            self.latest_eval = Some(Arc::new(evaluation));
            self.emit(Event::Eval(record));
        }
        // Keep evaluation under ~10 % of the time: wait at least ten times what it took.
        self.eval_interval = EVAL_INTERVAL.max(started.elapsed() * 10);
    }

    fn publish_snapshot(&mut self) {
        self.last_snapshot = Instant::now();
        if let Some(session) = &mut self.session {
            let mut snapshot = build_snapshot(session, &self.views);
            snapshot.evaluation = self.latest_eval.clone();
            self.slot.publish(snapshot);
        }
    }

    /// Everything the UI shows after a discrete change: losses, metrics, snapshot.
    fn publish_views(&mut self) {
        self.flush();
        self.evaluate();
        self.publish_snapshot();
    }
}
