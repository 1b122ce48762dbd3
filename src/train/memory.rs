//! The thread behind the Memory view: it plays a Hopfield [`Recall`] (paced or flat out, or a
//! given number of steps) and runs the capacity sweep, posting [`MemoryEvent`]s and waking the
//! UI through the same [`Waker`] as the training worker. The model lives in
//! [`crate::memory`]; this file only drives it.
//!
//! While a capacity sweep runs, the thread does nothing else (a sweep of N = 100, P ≤ 25, 20
//! trials takes well under a second in release builds); commands wait, except
//! [`MemoryWorker::cancel_capacity`], which reaches the sweep through a shared flag.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::memory::{
    CapacityConfig, CapacityCurve, CapacityProgress, Dynamics, EndState, MemoryError, Recall,
    capacity_sweep,
};

use super::worker::{Waker, panic_text};

/// Requests to the memory thread, applied in order.
pub enum MemoryCommand {
    /// Replace the recall (paused, nothing played yet).
    Load(Box<Recall>),
    /// Play until paused or until the recall ends.
    Play,
    /// Stop playing.
    Pause,
    /// Take up to this many steps now, then pause.
    Step(u64),
    /// Steps per second while playing; `None` = as fast as possible.
    SetSpeed(Option<f64>),
    /// Switch the loaded recall's dynamics (e.g. the temperature slider).
    SetDynamics(Dynamics),
    /// Run the capacity sweep (send it with [`MemoryWorker::run_capacity`]).
    Capacity(CapacityConfig),
    /// End the thread.
    Shutdown,
}

/// One step as the plots need it.
#[derive(Clone, Debug, PartialEq)]
pub struct StepRecord {
    /// 1-based step number within the recall.
    pub step: u64,
    /// Single-neuron updates so far (see [`Recall::updates`]).
    pub updates: u64,
    /// The neuron updated (asynchronous, stochastic), to highlight.
    pub neuron: Option<usize>,
    /// Neurons that changed in this step.
    pub changed: usize,
    /// E(s) after the step.
    pub energy: f64,
    /// m_μ after the step, one per stored pattern.
    pub overlaps: Vec<f64>,
}

/// The steps since the last frame and the state after them.
#[derive(Clone, Debug, PartialEq)]
pub struct RecallFrame {
    /// The steps, oldest first. When more than [`MAX_FRAME_RECORDS`] steps fall in one frame,
    /// every k-th step is kept (k a power of two) and the last one always.
    pub steps: Vec<StepRecord>,
    /// The state after the last step.
    pub state: Vec<i8>,
    /// u after the last step (continuous dynamics; empty otherwise).
    pub potentials: Vec<f64>,
    /// Time since the cue in units of τ (continuous dynamics; 0 otherwise).
    pub time: f64,
}

/// What the memory thread reports.
#[derive(Clone, Debug, PartialEq)]
pub enum MemoryEvent {
    /// Playing started (`true`) or stopped (`false`).
    Playing(bool),
    /// Steps taken (at most ~60 frames a second while playing; one per `Step`).
    Frame(RecallFrame),
    /// The recall stopped by itself: fixed point, 2-cycle or the zero state.
    Ended(EndState),
    /// One more P of the capacity sweep.
    CapacityProgress(CapacityProgress),
    /// The whole sweep.
    CapacityDone(CapacityCurve),
    /// The sweep was cancelled.
    CapacityCancelled,
    /// A command that could not be applied (e.g. invalid dynamics), in one line.
    Error(String),
    /// The thread caught a panic; the recall was dropped and the thread goes on.
    Panicked(String),
}

/// Largest number of step records in one frame.
pub const MAX_FRAME_RECORDS: usize = 2048;
/// Shortest interval between two frames while playing (~60 per second).
const FRAME_INTERVAL: Duration = Duration::from_millis(16);
/// Longest stretch of stepping between two looks at the command queue.
const WORK_SLICE: Duration = Duration::from_millis(8);

/// Handle to the memory thread. Dropping it ends the thread.
pub struct MemoryWorker {
    commands: Sender<MemoryCommand>,
    events: Receiver<MemoryEvent>,
    cancel: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl MemoryWorker {
    /// Starts the thread, with nothing loaded.
    pub fn spawn(waker: Arc<dyn Waker>) -> MemoryWorker {
        let (command_tx, command_rx) = mpsc::channel();
        let (event_tx, event_rx) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cancel);
        let thread = std::thread::Builder::new()
            .name("gradscope-memory".into())
            .spawn(move || {
                let mut state = Player {
                    recall: None,
                    playing: false,
                    speed: None,
                    paced_since: Instant::now(),
                    paced_steps: 0,
                    frame: FrameBuffer::default(),
                    last_frame: Instant::now(),
                    events: event_tx,
                    waker,
                    cancel: flag,
                };
                state.run(&command_rx);
            })
            .ok();
        MemoryWorker {
            commands: command_tx,
            events: event_rx,
            cancel,
            thread,
        }
    }

    /// Sends a command; ignored if the thread has ended.
    pub fn send(&self, command: MemoryCommand) {
        let _ = self.commands.send(command);
    }

    /// Starts a capacity sweep (clearing an earlier cancel first).
    pub fn run_capacity(&self, config: CapacityConfig) {
        self.cancel.store(false, Ordering::Relaxed);
        self.send(MemoryCommand::Capacity(config));
    }

    /// Asks a running capacity sweep to stop; it answers [`MemoryEvent::CapacityCancelled`].
    pub fn cancel_capacity(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// The next event, if one is waiting.
    pub fn try_event(&self) -> Option<MemoryEvent> {
        self.events.try_recv().ok()
    }

    /// Waits up to `timeout` for the next event.
    pub fn wait_event(&self, timeout: Duration) -> Option<MemoryEvent> {
        self.events.recv_timeout(timeout).ok()
    }
}

impl Drop for MemoryWorker {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
        let _ = self.commands.send(MemoryCommand::Shutdown);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Step records of one frame, thinned to every `stride`-th step when they pile up.
#[derive(Default)]
struct FrameBuffer {
    records: Vec<StepRecord>,
    stride: u64,
    last: Option<StepRecord>,
}

impl FrameBuffer {
    fn push(&mut self, record: StepRecord) {
        let stride = self.stride.max(1);
        if record.step.is_multiple_of(stride) {
            self.records.push(record.clone());
            if self.records.len() > MAX_FRAME_RECORDS {
                self.stride = stride * 2;
                let kept = self.stride;
                self.records.retain(|r| r.step.is_multiple_of(kept));
            }
        }
        self.last = Some(record);
    }

    fn take(&mut self) -> Vec<StepRecord> {
        let mut records = std::mem::take(&mut self.records);
        if let Some(last) = self.last.take()
            && records.last().map(|r| r.step) != Some(last.step)
        {
            records.push(last);
        }
        self.stride = 1;
        records
    }
}

struct Player {
    recall: Option<Recall>,
    playing: bool,
    speed: Option<f64>,
    paced_since: Instant,
    paced_steps: u64,
    frame: FrameBuffer,
    last_frame: Instant,
    events: Sender<MemoryEvent>,
    waker: Arc<dyn Waker>,
    cancel: Arc<AtomicBool>,
}

impl Player {
    fn emit(&self, event: MemoryEvent) {
        let _ = self.events.send(event);
    }

    fn run(&mut self, commands: &Receiver<MemoryCommand>) {
        loop {
            let command = match commands.recv_timeout(self.idle_time()) {
                Ok(MemoryCommand::Shutdown) | Err(RecvTimeoutError::Disconnected) => return,
                Ok(command) => Some(command),
                Err(RecvTimeoutError::Timeout) => None,
            };
            let result = catch_unwind(AssertUnwindSafe(|| {
                if let Some(command) = command {
                    self.handle(command);
                }
                if self.playing {
                    self.play_slice();
                }
            }));
            if let Err(payload) = result {
                self.recall = None;
                self.playing = false;
                self.frame = FrameBuffer::default();
                self.emit(MemoryEvent::Playing(false));
                self.emit(MemoryEvent::Panicked(panic_text(payload.as_ref())));
                self.waker.wake();
            }
        }
    }

    /// How long to wait for a command: long while idle, until the next step is due under a
    /// speed limit, not at all when playing flat out.
    fn idle_time(&self) -> Duration {
        if !self.playing {
            return Duration::from_millis(200);
        }
        match self.speed {
            None => Duration::ZERO,
            Some(rate) => {
                let due = Duration::from_secs_f64((self.paced_steps + 1) as f64 / rate);
                due.saturating_sub(self.paced_since.elapsed())
                    .min(FRAME_INTERVAL)
            }
        }
    }

    fn set_playing(&mut self, playing: bool) {
        if self.playing != playing {
            self.playing = playing;
            self.paced_since = Instant::now();
            self.paced_steps = 0;
            self.emit(MemoryEvent::Playing(playing));
            self.waker.wake();
        }
    }

    fn handle(&mut self, command: MemoryCommand) {
        match command {
            MemoryCommand::Load(recall) => {
                self.set_playing(false);
                self.frame = FrameBuffer::default();
                self.recall = Some(*recall);
            }
            MemoryCommand::Play if self.recall.is_some() => self.set_playing(true),
            MemoryCommand::Play => {}
            MemoryCommand::Pause => {
                self.set_playing(false);
                self.flush();
            }
            MemoryCommand::Step(count) => {
                self.set_playing(false);
                for _ in 0..count {
                    if !self.one_step() {
                        break;
                    }
                }
                self.flush();
            }
            MemoryCommand::SetSpeed(speed) => {
                self.speed = speed.filter(|rate| rate.is_finite() && *rate > 0.0);
                self.paced_since = Instant::now();
                self.paced_steps = 0;
            }
            MemoryCommand::SetDynamics(dynamics) => {
                if let Some(recall) = &mut self.recall
                    && let Err(e) = recall.set_dynamics(dynamics)
                {
                    self.emit(MemoryEvent::Error(e.to_string()));
                    self.waker.wake();
                }
            }
            MemoryCommand::Capacity(config) => self.capacity(&config),
            MemoryCommand::Shutdown => {}
        }
    }

    /// One step of the loaded recall, recorded; false when there is none or it has ended
    /// (then [`MemoryEvent::Ended`] is posted and playing stops).
    fn one_step(&mut self) -> bool {
        let Some(recall) = &mut self.recall else {
            return false;
        };
        match recall.step() {
            Some(step) => {
                self.frame.push(StepRecord {
                    step: recall.steps(),
                    updates: recall.updates(),
                    neuron: step.neuron,
                    changed: step.changed,
                    energy: step.energy,
                    overlaps: recall.net().overlaps().to_vec(),
                });
                true
            }
            None => {
                let end = recall.end_state();
                self.flush();
                self.emit(MemoryEvent::Ended(end));
                self.set_playing(false);
                false
            }
        }
    }

    fn play_slice(&mut self) {
        let started = Instant::now();
        while self.playing && started.elapsed() < WORK_SLICE {
            if let Some(rate) = self.speed {
                let due = (self.paced_since.elapsed().as_secs_f64() * rate) as u64;
                if self.paced_steps >= due {
                    break;
                }
            }
            // Check the clock every 64 steps at full speed.
            for _ in 0..if self.speed.is_some() { 1 } else { 64 } {
                self.paced_steps += 1;
                if !self.one_step() {
                    break;
                }
            }
        }
        if self.last_frame.elapsed() >= FRAME_INTERVAL {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let Some(recall) = &self.recall else {
            return;
        };
        let steps = self.frame.take();
        self.last_frame = Instant::now();
        if steps.is_empty() {
            return;
        }
        self.emit(MemoryEvent::Frame(RecallFrame {
            steps,
            state: recall.net().state().to_vec(),
            potentials: recall.potentials().to_vec(),
            time: recall.time(),
        }));
        self.waker.wake();
    }

    fn capacity(&mut self, config: &CapacityConfig) {
        let events = self.events.clone();
        let waker = Arc::clone(&self.waker);
        let result = capacity_sweep(
            config,
            |progress| {
                let _ = events.send(MemoryEvent::CapacityProgress(progress.clone()));
                waker.wake();
            },
            &self.cancel,
        );
        self.emit(match result {
            Ok(curve) => MemoryEvent::CapacityDone(curve),
            Err(MemoryError::Cancelled) => MemoryEvent::CapacityCancelled,
            Err(e) => MemoryEvent::Error(e.to_string()),
        });
        self.waker.wake();
        // Playing resumes from now, not from before the sweep.
        self.paced_since = Instant::now();
        self.paced_steps = 0;
    }
}
