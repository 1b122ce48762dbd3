//! The Memory view: a Hopfield network you can fill with patterns and watch recall one of
//! them from a corrupted cue. The model is [`crate::memory`]; the recall and the capacity
//! sweep run on [`crate::train::memory`]'s thread, started the first time the view is drawn.
//! This panel keeps only what the window needs: the offered patterns, the stored network,
//! the plots' points and the textures.
//!
//! - `controls`: the left column (patterns, storing, cue, dynamics, playing, capacity).
//! - `draw`: the neuron grids, the weight heatmaps and the plots.

mod compare;
mod controls;
mod draw;

use std::sync::Arc;

use eframe::egui;
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::memory::{
    BasinPoint, Block, BlockFill, CapacityPoint, ContinuousParams, Dynamics, EndState, Grid,
    Hopfield, LearningRule, Pattern, Recall, builtin_letters, erase_block, flip_bits, mnist_digits,
    random_patterns,
};
use crate::train::memory::{MemoryCommand, MemoryEvent, MemoryWorker};
use crate::ui::action::Action;
use crate::ui::panel::Panel;
use crate::ui::state::View;

/// Frames between two patterns when storing them one by one (so the weights visibly add up).
const STORE_FRAMES: u32 = 12;
/// Most points kept per plotted curve; older points are thinned to every second one.
const MAX_PLOT_POINTS: usize = 8192;

/// Where the offered patterns come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The built-in letters (assets/memory/letters-12x12.txt), fitted to the grid.
    Letters,
    /// Bundled MNIST test digits 0–9, binarised and fitted to the grid.
    Digits,
    /// Independent fair ±1 patterns.
    Random,
}

impl Source {
    const ALL: [Source; 3] = [Source::Letters, Source::Digits, Source::Random];

    fn name(self) -> &'static str {
        match self {
            Source::Letters => "Letters",
            Source::Digits => "MNIST digits",
            Source::Random => "Random",
        }
    }
}

/// How the cue is made from the cued pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corruption {
    /// Flip k % of the bits, chosen at random.
    Flip,
    /// Set the bottom rows to background (−1).
    Block,
}

/// The dynamics offered in the view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DynamicsKind {
    /// One neuron at a time, in a random order per sweep.
    Async,
    /// All neurons at once.
    Sync,
    /// Glauber dynamics at temperature T.
    Stochastic,
    /// Continuous-time dynamics τ du/dt = −u + W tanh(βu), Euler steps.
    Continuous,
}

/// Neurons whose u is plotted under continuous dynamics: five spread over the grid.
pub fn traced_neurons(neurons: usize) -> Vec<usize> {
    let count = TRACED.min(neurons);
    (0..count).map(|k| k * neurons / count.max(1)).collect()
}

/// How many neurons' u the continuous dynamics plots.
const TRACED: usize = 5;

impl DynamicsKind {
    const ALL: [DynamicsKind; 4] = [
        DynamicsKind::Async,
        DynamicsKind::Sync,
        DynamicsKind::Stochastic,
        DynamicsKind::Continuous,
    ];

    fn name(self) -> &'static str {
        match self {
            DynamicsKind::Async => "Asynchronous",
            DynamicsKind::Sync => "Synchronous",
            DynamicsKind::Stochastic => "Stochastic (Glauber)",
            DynamicsKind::Continuous => "Continuous (τ du/dt)",
        }
    }
}

/// The capacity sweep as the view shows it.
#[derive(Default)]
struct CapacityView {
    running: bool,
    done: usize,
    total: usize,
    points: Vec<CapacityPoint>,
    neurons: usize,
    cancelled: bool,
}

/// The Memory view's own state (see the module docs).
pub struct MemoryPanel {
    worker: Option<MemoryWorker>,
    grid: Grid,
    source: Source,
    offered: Vec<Pattern>,
    chosen: Vec<bool>,
    /// The drawing canvas, one ±1 per neuron; offered as the pattern "drawing".
    drawn: Vec<i8>,
    rule: LearningRule,
    net: Hopfield,
    /// Patterns waiting to be stored one by one.
    queue: Vec<Pattern>,
    store_countdown: u32,
    /// The outer product x x^T of the pattern stored last, and its label.
    outer: Option<(String, Vec<f64>)>,
    textures: draw::Textures,
    cued: usize,
    corruption: Corruption,
    noise_percent: f64,
    block_rows: usize,
    dynamics: DynamicsKind,
    temperature: f64,
    /// Gain β of the continuous dynamics.
    gain: f64,
    speed: f64,
    unlimited: bool,
    seed: u64,
    playing: bool,
    loaded: bool,
    cue: Vec<i8>,
    /// The recall's network with the current state (for the hover split).
    live: Option<Hopfield>,
    highlighted: Option<usize>,
    energy: Vec<[f64; 2]>,
    overlaps: Vec<Vec<[f64; 2]>>,
    /// u of a few neurons against time (continuous dynamics): one curve per traced neuron.
    potentials: Vec<Vec<[f64; 2]>>,
    end: Option<EndState>,
    message: Option<String>,
    capacity: CapacityView,
    basin: Vec<BasinPoint>,
    /// The opening demo waits for its patterns to be stored.
    demo_pending: bool,
    /// The same cue under a second setting.
    compare: compare::Compare,
    /// The window's context, for the side-by-side run's thread.
    ctx: Option<egui::Context>,
    /// Height of each plot (points), fitted to the screen every frame.
    plot_height: f32,
}

impl Default for MemoryPanel {
    fn default() -> Self {
        let grid = Grid::new(12, 12).unwrap_or(Grid { rows: 12, cols: 12 });
        let mut panel = MemoryPanel {
            worker: None,
            grid,
            source: Source::Letters,
            offered: Vec::new(),
            chosen: Vec::new(),
            drawn: vec![-1; grid.neurons()],
            rule: LearningRule::Hebb,
            net: Hopfield::new(grid, LearningRule::Hebb),
            queue: Vec::new(),
            store_countdown: 0,
            outer: None,
            textures: draw::Textures::default(),
            cued: 0,
            corruption: Corruption::Flip,
            noise_percent: 20.0,
            block_rows: 4,
            dynamics: DynamicsKind::Async,
            temperature: 0.2,
            gain: ContinuousParams::default().beta,
            speed: 200.0,
            unlimited: false,
            seed: 1,
            playing: false,
            loaded: false,
            cue: Vec::new(),
            live: None,
            highlighted: None,
            energy: Vec::new(),
            potentials: Vec::new(),
            overlaps: Vec::new(),
            end: None,
            message: None,
            capacity: CapacityView::default(),
            basin: Vec::new(),
            demo_pending: false,
            compare: compare::Compare::default(),
            ctx: None,
            plot_height: 190.0,
        };
        panel.load_source();
        panel
    }
}

impl MemoryPanel {
    /// The patterns stored in the network, in storing order.
    pub fn stored(&self) -> &[Pattern] {
        self.net.patterns()
    }

    /// Where the last recall ended, once it has.
    pub fn end(&self) -> Option<&EndState> {
        self.end.as_ref()
    }

    /// Pauses the recall (both runs, side by side): called when the window leaves the view,
    /// so no thread keeps playing, and posting frames, while nobody reads them.
    pub fn leave(&mut self) {
        self.send(MemoryCommand::Pause);
        self.playing = false;
    }

    /// Under continuous dynamics: u of each traced neuron (see [`traced_neurons`]) against
    /// time in units of τ, as plotted.
    pub fn potentials(&self) -> &[Vec<[f64; 2]>] {
        &self.potentials
    }

    /// The drawing canvas, one ±1 per neuron (row-major).
    pub fn drawing(&self) -> &[i8] {
        &self.drawn
    }

    /// True while the recall plays (on its thread).
    pub fn is_playing(&self) -> bool {
        self.playing
    }

    /// The view as `--mode memory` opens it unless `--paused` is given: the first three
    /// letters stored one by one, then the capacity sweep, the basin of pattern 1 and a recall
    /// of pattern 1 from 30 % noise played at 60 updates/s.
    pub fn start_demo(&mut self) {
        for (k, chosen) in self.chosen.iter_mut().enumerate() {
            *chosen = k < 3;
        }
        self.store_chosen();
        self.noise_percent = 30.0;
        self.speed = 60.0;
        self.demo_pending = true;
    }

    /// Fills the offered list from the current source (plus the drawing, last).
    fn load_source(&mut self) {
        let grid = self.grid;
        let loaded = match self.source {
            Source::Letters => {
                builtin_letters().map(|glyphs| glyphs.iter().map(|g| g.to_pattern(grid)).collect())
            }
            Source::Digits => mnist_digits(grid, 10),
            Source::Random => Ok(random_patterns(grid, 8, self.seed)),
        };
        self.offered = loaded.unwrap_or_else(|e| {
            self.message = Some(format!("cannot load {}: {e}", self.source.name()));
            Vec::new()
        });
        self.offered.push(self.drawing_pattern());
        self.chosen = vec![false; self.offered.len()];
    }

    fn drawing_pattern(&self) -> Pattern {
        Pattern {
            label: "drawing".to_string(),
            spins: self.drawn.clone(),
        }
    }

    /// A new grid size: everything stored or played is dropped.
    fn set_grid(&mut self, grid: Grid) {
        self.grid = grid;
        self.drawn = vec![-1; grid.neurons()];
        self.clear();
        self.load_source();
    }

    /// Forgets the stored patterns and the recall.
    fn clear(&mut self) {
        self.net = Hopfield::new(self.grid, self.rule);
        self.queue.clear();
        self.outer = None;
        self.textures.weights_dirty = true;
        self.basin.clear();
        self.reset_recall();
    }

    fn reset_recall(&mut self) {
        self.pause();
        self.loaded = false;
        self.live = None;
        self.cue.clear();
        self.highlighted = None;
        self.energy.clear();
        self.overlaps.clear();
        self.potentials.clear();
        self.end = None;
        self.compare.reset();
    }

    /// Starts storing the chosen patterns one by one, into an empty network.
    fn store_chosen(&mut self) {
        self.clear();
        self.queue = self
            .offered
            .iter()
            .zip(&self.chosen)
            .filter(|(_, chosen)| **chosen)
            .map(|(p, _)| p.clone())
            .collect();
        self.queue.reverse();
        self.store_countdown = 0;
        if self.queue.is_empty() {
            self.message = Some("tick at least one pattern to store".to_string());
        }
    }

    /// Stores the next queued pattern when its turn has come.
    fn store_tick(&mut self, ctx: &egui::Context) {
        if self.queue.is_empty() {
            return;
        }
        if self.store_countdown > 0 {
            self.store_countdown -= 1;
            ctx.request_repaint();
            return;
        }
        if let Some(pattern) = self.queue.pop() {
            match self.net.store_observed(&pattern) {
                Ok(step) => self.outer = Some((pattern.label.clone(), step.outer)),
                Err(e) => self.message = Some(e.to_string()),
            }
            self.textures.weights_dirty = true;
            self.store_countdown = STORE_FRAMES;
            ctx.request_repaint();
        }
    }

    fn dynamics(&self) -> Dynamics {
        match self.dynamics {
            DynamicsKind::Async => Dynamics::Async,
            DynamicsKind::Sync => Dynamics::Sync,
            DynamicsKind::Stochastic => Dynamics::Stochastic {
                temperature: self.temperature,
            },
            DynamicsKind::Continuous => Dynamics::Continuous(ContinuousParams {
                beta: self.gain,
                ..ContinuousParams::default()
            }),
        }
    }

    /// Makes a cue from the cued pattern and loads a fresh recall on the thread.
    fn new_cue(&mut self) {
        let Some(pattern) = self.net.patterns().get(self.cued) else {
            self.message = Some("store a pattern first, then recall it".to_string());
            return;
        };
        self.seed = self.seed.wrapping_add(1);
        let mut rng = StdRng::seed_from_u64(self.seed);
        let cue = match self.corruption {
            Corruption::Flip => flip_bits(&pattern.spins, self.noise_percent / 100.0, &mut rng),
            Corruption::Block => {
                let height = self.block_rows.min(self.grid.rows);
                let block = Block {
                    row: self.grid.rows - height,
                    col: 0,
                    height,
                    width: self.grid.cols,
                };
                match erase_block(
                    self.grid,
                    &pattern.spins,
                    block,
                    BlockFill::Negative,
                    &mut rng,
                ) {
                    Ok(cue) => cue,
                    Err(e) => {
                        self.message = Some(e.to_string());
                        return;
                    }
                }
            }
        };
        let recall = match Recall::new(self.net.clone(), &cue, self.dynamics(), self.seed) {
            Ok(recall) => recall,
            Err(e) => {
                self.message = Some(e.to_string());
                return;
            }
        };
        self.reset_recall();
        let live = recall.net().clone();
        self.energy.push([0.0, live.energy()]);
        self.overlaps = live.overlaps().iter().map(|&m| vec![[0.0, m]]).collect();
        self.live = Some(live);
        self.cue = cue;
        self.loaded = true;
        self.message = None;
        self.send(MemoryCommand::Load(Box::new(recall)));
        self.send_speed();
        if let Some(ctx) = self.ctx.clone() {
            self.load_compare(&ctx);
        }
    }

    /// Loads the side-by-side run on the current cue, when it is switched on.
    fn load_compare(&mut self, ctx: &egui::Context) {
        if !self.compare.enabled || self.cue.is_empty() {
            return;
        }
        let patterns = self.net.patterns().to_vec();
        let loaded = self.compare.load(
            ctx,
            self.grid,
            &patterns,
            &self.cue,
            self.seed,
            self.temperature,
        );
        match loaded {
            Ok(()) => self.send_speed(),
            Err(e) => self.message = Some(e),
        }
    }

    /// Sends `command` to the recall's thread (and a copy to the side-by-side run).
    fn send(&self, command: MemoryCommand) {
        let copy = match &command {
            MemoryCommand::Play => Some(MemoryCommand::Play),
            MemoryCommand::Pause => Some(MemoryCommand::Pause),
            MemoryCommand::Step(k) => Some(MemoryCommand::Step(*k)),
            MemoryCommand::SetSpeed(s) => Some(MemoryCommand::SetSpeed(*s)),
            _ => None,
        };
        if let Some(copy) = copy {
            self.compare.send(copy);
        }
        if let Some(worker) = &self.worker {
            worker.send(command);
        }
    }

    fn send_speed(&self) {
        let speed = (!self.unlimited).then_some(self.speed);
        self.send(MemoryCommand::SetSpeed(speed));
    }

    /// Plays the dynamics from the cue (a new cue first if none is loaded or the last recall
    /// ended).
    fn play(&mut self) {
        if !self.loaded || self.end.is_some() {
            self.new_cue();
        }
        if self.loaded {
            self.send(MemoryCommand::Play);
            self.playing = true;
        }
    }

    fn pause(&mut self) {
        if self.playing {
            self.send(MemoryCommand::Pause);
        }
        self.playing = false;
    }

    fn step(&mut self) {
        if !self.loaded || self.end.is_some() {
            self.new_cue();
        }
        if self.loaded {
            self.pause();
            self.send(MemoryCommand::Step(1));
        }
    }

    /// Applies everything the thread reported since the last frame.
    fn poll(&mut self) {
        let Some(worker) = &self.worker else { return };
        let mut events = Vec::new();
        while let Some(event) = worker.try_event() {
            events.push(event);
        }
        for event in events {
            self.apply(event);
        }
    }

    fn apply(&mut self, event: MemoryEvent) {
        match event {
            MemoryEvent::Playing(playing) => self.playing = playing,
            MemoryEvent::Frame(frame) => {
                for record in &frame.steps {
                    let x = record.updates as f64;
                    push_point(&mut self.energy, [x, record.energy]);
                    for (curve, &m) in self.overlaps.iter_mut().zip(&record.overlaps) {
                        push_point(curve, [x, m]);
                    }
                }
                self.highlighted = frame.steps.last().and_then(|r| r.neuron);
                if !frame.potentials.is_empty() {
                    let traced = traced_neurons(frame.potentials.len());
                    self.potentials.resize(traced.len(), Vec::new());
                    for (curve, &i) in self.potentials.iter_mut().zip(&traced) {
                        push_point(curve, [frame.time, frame.potentials[i]]);
                    }
                }
                if let Some(live) = &mut self.live {
                    let _ = live.set_state(&frame.state);
                }
            }
            MemoryEvent::Ended(end) => {
                self.end = Some(end);
                self.playing = false;
                self.highlighted = None;
            }
            MemoryEvent::CapacityProgress(progress) => {
                self.capacity.done = progress.done;
                self.capacity.total = progress.total;
                self.capacity.points.extend(progress.points);
            }
            MemoryEvent::CapacityDone(curve) => {
                self.capacity.running = false;
                self.capacity.points = curve.points;
            }
            MemoryEvent::CapacityCancelled => {
                self.capacity.running = false;
                self.capacity.cancelled = true;
            }
            MemoryEvent::Error(text) => self.message = Some(text),
            MemoryEvent::Panicked(text) => {
                self.message = Some(format!("the memory thread failed: {text}"));
                self.loaded = false;
                self.playing = false;
            }
        }
    }

    /// Starts the capacity sweep for N = 100 (P = 1 … 25, 20 trials, 10 % noise, Hebbian and
    /// Storkey).
    fn run_capacity(&mut self) {
        let config = crate::memory::CapacityConfig::new(100);
        self.capacity = CapacityView {
            running: true,
            total: config.max_patterns,
            neurons: config.neurons,
            ..CapacityView::default()
        };
        if let Some(worker) = &self.worker {
            worker.run_capacity(config);
        }
    }

    fn cancel_capacity(&self) {
        if let Some(worker) = &self.worker {
            worker.cancel_capacity();
        }
    }

    /// The basin curve of the cued pattern (11 noise levels, 20 cues each), computed here:
    /// at most a few milliseconds for the grids offered.
    fn compute_basin(&mut self) {
        let cancel = std::sync::atomic::AtomicBool::new(false);
        let fractions = crate::memory::basin_fractions();
        match crate::memory::basin_curve(&self.net, self.cued, &fractions, 20, 7, &cancel) {
            Ok(points) => self.basin = points,
            Err(e) => self.message = Some(e.to_string()),
        }
    }
}

/// Appends `point`, thinning the curve to every second point when it grows too long.
fn push_point(curve: &mut Vec<[f64; 2]>, point: [f64; 2]) {
    curve.push(point);
    if curve.len() > MAX_PLOT_POINTS {
        let mut k = 0;
        curve.retain(|_| {
            k += 1;
            k % 2 == 1
        });
        if curve.last() != Some(&point) {
            curve.push(point);
        }
    }
}

impl Panel for MemoryPanel {
    fn ui(&mut self, ui: &mut egui::Ui, _view: &View<'_>) -> Option<Action> {
        let ctx = ui.ctx().clone();
        self.ctx = Some(ctx.clone());
        if self.worker.is_none() {
            self.worker = Some(MemoryWorker::spawn(Arc::new(ctx.clone())));
            self.send_speed();
        }
        self.poll();
        self.compare.poll();
        self.store_tick(&ctx);
        if self.demo_pending && self.queue.is_empty() {
            self.demo_pending = false;
            self.send_speed();
            self.run_capacity();
            self.play();
            self.compute_basin();
        }
        egui::Panel::left("memory_controls")
            .resizable(true)
            .default_size(300.0)
            .min_size(240.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("memory_controls_scroll")
                    .show(ui, |ui| self.controls_ui(ui));
            });
        egui::CentralPanel::default().show(ui, |ui| {
            let height = ui.available_height();
            egui::ScrollArea::vertical()
                .id_salt("memory_scroll")
                .show(ui, |ui| self.main_ui(ui, height));
        });
        None
    }
}

/// Space, → and R in the memory view: Play/Pause, Step and a new cue (the recall's start),
/// as its buttons.
impl crate::ui::pacer::SteppedView for MemoryPanel {
    fn play_pause(&mut self) {
        if self.playing {
            self.pause();
        } else {
            self.play();
        }
    }

    fn step_paused(&mut self) {
        self.step();
    }

    fn reset(&mut self) {
        self.new_cue();
    }
}
