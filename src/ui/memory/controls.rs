//! The Memory view's left column: grid size and patterns, the learning rule and storing, the
//! cue, the dynamics, playing, and the capacity sweep. Every control has a tooltip.

use eframe::egui::{self, RichText};

use super::{Corruption, DynamicsKind, MemoryPanel, Source, draw};
use crate::memory::{Dynamics, Grid, LearningRule};
use crate::train::memory::MemoryCommand;

/// Grid sides offered (N = side²).
const SIDES: [usize; 4] = [8, 12, 16, 32];
const TIP_STORE: &str = "Empty the network, then store the ticked patterns one by one with the \
    chosen rule; watch each outer product x x^T add into the weights";
const TIP_CANVAS: &str = "Draw your own pattern: left button paints ink (+1), right button \
    erases (−1). It is offered as the pattern \"drawing\"";
const TIP_CAPACITY: &str = "Store P random patterns for P = 1 … 25 in N = 100 neurons, cue each \
    with 10 % of its bits flipped, and plot the share recalled exactly (20 trials per P, \
    Hebbian and Storkey side by side)";

impl MemoryPanel {
    pub(super) fn controls_ui(&mut self, ui: &mut egui::Ui) {
        ui.heading("Hopfield memory");
        self.patterns_ui(ui);
        ui.separator();
        self.store_ui(ui);
        ui.separator();
        self.recall_ui(ui);
        ui.separator();
        self.capacity_ui(ui);
        if let Some(message) = &self.message {
            ui.separator();
            ui.colored_label(ui.visuals().warn_fg_color, message)
                .on_hover_text("The last thing that could not be done, and why");
        }
    }

    fn patterns_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.label("Grid")
                .on_hover_text("Neurons, laid out as a square grid");
            let mut side = self.grid.rows;
            egui::ComboBox::from_id_salt("memory_grid")
                .selected_text(format!("{side}×{side} (N = {})", side * side))
                .show_ui(ui, |ui| {
                    for s in SIDES {
                        ui.selectable_value(&mut side, s, format!("{s}×{s} (N = {})", s * s));
                    }
                })
                .response
                .on_hover_text("Grid size; changing it empties the network");
            if side != self.grid.rows
                && let Ok(grid) = Grid::new(side, side)
            {
                self.set_grid(grid);
            }
        });
        ui.horizontal(|ui| {
            ui.label("Patterns")
                .on_hover_text("Where the offered patterns come from");
            let mut source = self.source;
            for s in Source::ALL {
                ui.selectable_value(&mut source, s, s.name())
                    .on_hover_text(match s {
                        Source::Letters => "Built-in letters (assets/memory/letters-12x12.txt)",
                        Source::Digits => "Bundled MNIST digits 0–9, binarised to the grid",
                        Source::Random => "Eight random ±1 patterns",
                    });
            }
            if source != self.source {
                self.source = source;
                self.load_source();
            }
        });
        ui.label(RichText::new("Tick the patterns to store:").small())
            .on_hover_text("Click a pattern to tick or untick it");
        self.pattern_picker_ui(ui);
        ui.horizontal(|ui| {
            ui.label("Canvas").on_hover_text(TIP_CANVAS);
            if ui
                .small_button("Clear")
                .on_hover_text("Erase the canvas (all −1)")
                .clicked()
            {
                self.drawn.fill(-1);
                self.sync_drawing();
            }
        });
        if draw::canvas_ui(ui, self.grid, &mut self.drawn, 150.0, TIP_CANVAS) {
            self.sync_drawing();
        }
    }

    /// Keeps the offered "drawing" equal to the canvas.
    fn sync_drawing(&mut self) {
        let drawing = self.drawing_pattern();
        if let Some(last) = self.offered.last_mut() {
            *last = drawing;
        }
        if let Some(chosen) = self.chosen.last_mut() {
            *chosen = true;
        }
    }

    fn pattern_picker_ui(&mut self, ui: &mut egui::Ui) {
        let grid = self.grid;
        let cell = (36.0 / grid.rows as f32).max(1.0);
        ui.horizontal_wrapped(|ui| {
            for (pattern, chosen) in self.offered.iter().zip(self.chosen.iter_mut()) {
                let response = draw::thumbnail_ui(ui, grid, &pattern.spins, cell, *chosen)
                    .on_hover_text(format!(
                        "{}: click to {} it",
                        pattern.label,
                        if *chosen { "untick" } else { "tick" }
                    ));
                if response.clicked() {
                    *chosen = !*chosen;
                }
            }
        });
        ui.horizontal(|ui| {
            let count = self.chosen.iter().filter(|c| **c).count();
            ui.label(format!("{count} ticked"))
                .on_hover_text("Patterns that Store will put into the network");
            if ui
                .small_button("Tick first 2")
                .on_hover_text("Tick only the first two offered patterns")
                .clicked()
            {
                for (k, chosen) in self.chosen.iter_mut().enumerate() {
                    *chosen = k < 2;
                }
            }
            if ui
                .small_button("None")
                .on_hover_text("Untick every pattern")
                .clicked()
            {
                self.chosen.fill(false);
            }
        });
    }

    fn store_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.label("Rule")
                .on_hover_text("How stored patterns become weights");
            let mut rule = self.rule;
            egui::ComboBox::from_id_salt("memory_rule")
                .selected_text(rule.name())
                .show_ui(ui, |ui| {
                    for r in LearningRule::ALL {
                        ui.selectable_value(&mut rule, r, r.name());
                    }
                })
                .response
                .on_hover_text(
                    "Hebbian: w_ij = (1/N) Σ_μ x_i^μ x_j^μ (Hebb 1949; Hopfield 1982). Storkey \
                     (1997): local, higher capacity. Pseudo-inverse (Personnaz et al. 1985)",
                );
            if rule != self.rule {
                self.rule = rule;
                self.net.set_rule(rule);
                self.outer = None;
                self.textures.weights_dirty = true;
                self.reset_recall();
            }
        });
        ui.horizontal(|ui| {
            if ui.button("Store ticked").on_hover_text(TIP_STORE).clicked() {
                self.store_chosen();
            }
            if ui
                .button("Empty")
                .on_hover_text("Forget every stored pattern (all weights 0)")
                .clicked()
            {
                self.clear();
            }
        });
        let stored = self.net.patterns().len();
        let n = self.net.neurons();
        ui.label(format!(
            "{stored} pattern{} stored · P/N = {:.3}",
            if stored == 1 { "" } else { "s" },
            stored as f64 / n as f64
        ))
        .on_hover_text("The load α = P/N; Hebbian recall breaks down near α ≈ 0.138");
    }

    fn recall_ui(&mut self, ui: &mut egui::Ui) {
        ui.label(RichText::new("Recall").strong())
            .on_hover_text("Corrupt a stored pattern and let the network roll downhill in energy");
        // The transport first: on a projector's 800 rows it stays on screen.
        self.transport_ui(ui);
        let labels: Vec<String> = self
            .net
            .patterns()
            .iter()
            .enumerate()
            .map(|(k, p)| format!("{} ({})", k + 1, p.label))
            .collect();
        ui.horizontal(|ui| {
            ui.label("Cue from")
                .on_hover_text("The stored pattern the cue is made from");
            let text = labels.get(self.cued).cloned().unwrap_or_else(|| "—".into());
            egui::ComboBox::from_id_salt("memory_cued")
                .selected_text(text)
                .show_ui(ui, |ui| {
                    for (k, label) in labels.iter().enumerate() {
                        ui.selectable_value(&mut self.cued, k, label);
                    }
                })
                .response
                .on_hover_text("Choose which stored pattern to corrupt and recall");
        });
        ui.horizontal(|ui| {
            ui.radio_value(&mut self.corruption, Corruption::Flip, "Flip bits")
                .on_hover_text("Flip a share of the bits, chosen at random");
            ui.radio_value(&mut self.corruption, Corruption::Block, "Erase block")
                .on_hover_text("Set the bottom rows of the pattern to background (−1)");
        });
        match self.corruption {
            Corruption::Flip => ui
                .add(
                    egui::Slider::new(&mut self.noise_percent, 0.0..=50.0)
                        .update_while_editing(false)
                        .text("% flipped"),
                )
                .on_hover_text("Share of the bits flipped in the cue"),
            Corruption::Block => ui
                .add(
                    egui::Slider::new(&mut self.block_rows, 1..=self.grid.rows)
                        .update_while_editing(false)
                        .text("rows erased"),
                )
                .on_hover_text("Rows at the bottom of the pattern set to −1 in the cue"),
        };
        self.dynamics_ui(ui);
        self.compare.settings_ui(ui);
        self.play_ui(ui);
    }

    fn dynamics_ui(&mut self, ui: &mut egui::Ui) {
        let before = (self.dynamics, self.temperature, self.gain);
        ui.horizontal(|ui| {
            ui.label("Dynamics")
                .on_hover_text(Dynamics::Async.formula());
            egui::ComboBox::from_id_salt("memory_dynamics")
                .selected_text(self.dynamics.name())
                .show_ui(ui, |ui| {
                    for d in DynamicsKind::ALL {
                        ui.selectable_value(&mut self.dynamics, d, d.name());
                    }
                })
                .response
                .on_hover_text(
                    "Asynchronous: one neuron at a time, E never rises (Hopfield 1982). \
                     Synchronous: all at once, may end in a 2-cycle. Stochastic: Glauber \
                     dynamics, P(s_i = +1) = 1 / (1 + exp(−2h_i/T)). Continuous: \
                     τ du_i/dt = −u_i + Σ_j w_ij tanh(β u_j), Euler steps dt = 0.1 τ \
                     (Hopfield 1984), with five neurons' u plotted over time",
                );
        });
        ui.add_enabled(
            self.dynamics == DynamicsKind::Stochastic,
            egui::Slider::new(&mut self.temperature, 0.0..=2.0)
                .update_while_editing(false)
                .text("temperature T"),
        )
        .on_hover_text("Noise of the stochastic dynamics: recall fades as T grows");
        ui.add_enabled(
            self.dynamics == DynamicsKind::Continuous,
            egui::Slider::new(&mut self.gain, 0.1..=20.0)
                .update_while_editing(false)
                .logarithmic(true)
                .text("gain β"),
        )
        .on_hover_text(
            "Gain of tanh(βu) in the continuous dynamics: below a critical gain every u decays \
             to 0 (no memory); above it the state falls into a stored pattern",
        );
        if before != (self.dynamics, self.temperature, self.gain)
            && self.loaded
            && self.end.is_none()
        {
            self.send(MemoryCommand::SetDynamics(self.dynamics()));
        }
    }

    /// New cue, Play/Pause and Step.
    /// Without a stored pattern there is nothing to cue or recall: the buttons are off and
    /// say why (after *Empty* they stayed on and did nothing).
    fn transport_ui(&mut self, ui: &mut egui::Ui) {
        let stored = !self.net.patterns().is_empty();
        const NOTHING_STORED: &str =
            "No pattern is stored: tick patterns and press Store ticked, then cue one";
        ui.horizontal(|ui| {
            ui.add_enabled_ui(stored, |ui| {
                if ui
                    .button("New cue")
                    .on_hover_text("Corrupt the chosen pattern afresh and load it, paused")
                    .on_disabled_hover_text(NOTHING_STORED)
                    .clicked()
                {
                    self.new_cue();
                }
                if crate::ui::pacer::play_pause_button(ui, self.playing)
                    .on_hover_text("Play the dynamics from the cue (a new cue if none is loaded)")
                    .on_disabled_hover_text(NOTHING_STORED)
                    .clicked()
                {
                    crate::ui::pacer::SteppedView::play_pause(self);
                }
                if ui
                    .button("Step")
                    .on_hover_text("One update (asynchronous: one neuron; synchronous: all)")
                    .on_disabled_hover_text(NOTHING_STORED)
                    .clicked()
                {
                    self.step();
                }
            });
        });
        if !stored {
            ui.label(RichText::new(NOTHING_STORED).italics());
        }
    }

    /// The recall's pace.
    fn play_ui(&mut self, ui: &mut egui::Ui) {
        let before = (self.speed, self.unlimited);
        ui.add_enabled(
            !self.unlimited,
            egui::Slider::new(&mut self.speed, 1.0..=20_000.0)
                .update_while_editing(false)
                .logarithmic(true)
                .text("updates/s"),
        )
        .on_hover_text("How many steps are played per second");
        ui.checkbox(&mut self.unlimited, "as fast as possible")
            .on_hover_text("Play without a speed limit");
        if before != (self.speed, self.unlimited) {
            self.send_speed();
        }
    }

    fn capacity_ui(&mut self, ui: &mut egui::Ui) {
        ui.label(RichText::new("Capacity").strong())
            .on_hover_text(TIP_CAPACITY);
        ui.horizontal(|ui| {
            if self.capacity.running {
                if ui
                    .button("Cancel")
                    .on_hover_text("Stop the capacity sweep")
                    .clicked()
                {
                    self.cancel_capacity();
                }
            } else if ui
                .button("Run capacity sweep")
                .on_hover_text(TIP_CAPACITY)
                .clicked()
            {
                self.run_capacity();
            }
            if ui
                .button("Basin")
                .on_hover_text(
                    "For the cued pattern: the share of 20 cues recalled exactly against the \
                     share of bits flipped (asynchronous dynamics)",
                )
                .clicked()
            {
                self.compute_basin();
            }
        });
        if self.capacity.running || self.capacity.done > 0 {
            let total = self.capacity.total.max(1);
            ui.add(
                egui::ProgressBar::new(self.capacity.done as f32 / total as f32)
                    .text(format!("P = {} of {total}", self.capacity.done)),
            )
            .on_hover_text("Values of P swept so far");
        }
        if self.capacity.cancelled {
            ui.label("sweep cancelled")
                .on_hover_text("The sweep was stopped before it finished");
        }
    }
}
