//! The backprop stepper: one training step of one sample, phase by phase — forward through
//! each layer, the loss, backward through each layer (δ for every neuron), the update — with
//! the textbook formulas and the engine's numbers substituted into them.
//!
//! Notation follows the seed text: `δ_j = ∂E/∂z_j` and `θ_ij ← θ_ij − η δ_j x_ij`, where
//! `x_ij = a_i` is the input that weight `w_ij` multiplies. Indices on screen count from 1.

use eframe::egui::{self, Color32, RichText};

use crate::data::Dataset;
use crate::nn::{BackpropTrace, LayerTrace, LossKind, OptimizerKind, Target, sgd_step};
use crate::train::TraceView;
use crate::ui::action::Action;
use crate::ui::controls::typed::sample_number_ui;
use crate::ui::format::format_number as num;
use crate::ui::panel::Panel;
use crate::ui::state::RunView;
use crate::ui::state::View;
use crate::ui::typeset::{factor, formula_line, number, rule_line, weight_name};

/// Units listed per layer before the rest are summarised (keeps big layers readable).
pub const MAX_LISTED_UNITS: usize = 8;
/// Terms written out in a sum before it is shortened to its value.
const MAX_TERMS: usize = 4;

pub use crate::ui::state::Phase;

/// State of the stepper window.
pub struct StepperPanel {
    open: bool,
    phase: usize,
    sample: usize,
    batch: usize,
    /// `2L + 2` for the last trace seen (6 for a 2-layer net until one arrives).
    phase_count: usize,
}

impl Default for StepperPanel {
    fn default() -> Self {
        Self {
            open: false,
            phase: 0,
            sample: 0,
            batch: 1,
            phase_count: 6,
        }
    }
}

/// Name of an activation's function in formulas.
fn function_name(layer: &LayerTrace) -> &'static str {
    match layer.activation {
        Some(crate::nn::ActivationKind::Sigmoid) => "σ",
        Some(crate::nn::ActivationKind::Tanh) => "tanh",
        Some(crate::nn::ActivationKind::Relu) => "ReLU",
        Some(crate::nn::ActivationKind::LeakyRelu) => "LeakyReLU",
        Some(crate::nn::ActivationKind::Linear) | None => "id",
    }
}

/// The derivative formula in terms of the output, for the δ lines.
fn derivative_formula(layer: &LayerTrace) -> &'static str {
    match layer.activation {
        Some(crate::nn::ActivationKind::Sigmoid) => "σ'(z) = a(1 − a)",
        Some(crate::nn::ActivationKind::Tanh) => "tanh'(z) = 1 − a²",
        Some(crate::nn::ActivationKind::Relu) => "ReLU'(z) = 1 if z > 0 else 0",
        Some(crate::nn::ActivationKind::LeakyRelu) => "LeakyReLU'(z) = 1 if z > 0 else 0.01",
        Some(crate::nn::ActivationKind::Linear) | None => "f'(z) = 1 (no activation)",
    }
}

/// One line of numbers (subscript markup, see [`crate::ui::typeset`]) with its tooltip.
fn line(ui: &mut egui::Ui, text: String, tip: &str) {
    formula_line(ui, &text, tip);
}

/// The rule a phase applies, typeset and highlighted.
fn formula(ui: &mut egui::Ui, text: &str, tip: &str) {
    rule_line(ui, text, tip);
}

/// The lines of the forward phase of `layer` for batch row `row`, two per unit (z, then a);
/// also used by tests.
pub fn forward_lines(layer: &LayerTrace, row: usize) -> Vec<String> {
    let f = function_name(layer);
    let mut lines = Vec::new();
    for j in 0..layer.units().min(MAX_LISTED_UNITS) {
        let terms: Vec<String> = (0..layer.inputs())
            .map(|i| {
                format!(
                    "{}·{}",
                    factor(layer.input[(row, i)]),
                    factor(layer.weight[(i, j)])
                )
            })
            .collect();
        let sum = if terms.len() <= MAX_TERMS {
            terms.join(" + ")
        } else {
            format!("Σ of {} terms", terms.len())
        };
        let z = layer.z[(row, j)];
        // z and a on lines of their own: side by side they ran past a projector's panel.
        lines.push(format!(
            "z_{{{u}}} = {sum} + {} = {}",
            factor(layer.bias[j]),
            number(z),
            u = j + 1,
        ));
        lines.push(format!(
            "a_{{{u}}} = {f}({}) = {}",
            number(z),
            number(layer.a[(row, j)]),
            u = j + 1,
        ));
    }
    if layer.units() > MAX_LISTED_UNITS {
        lines.push(format!("… {} more units", layer.units() - MAX_LISTED_UNITS));
    }
    lines
}

/// The δ lines of the backward phase of layer `index` for batch row `row`.
pub fn delta_lines(trace: &BackpropTrace, index: usize, row: usize) -> Vec<String> {
    let layer = &trace.layers[index];
    let last = index + 1 == trace.layers.len();
    let mut lines = Vec::new();
    for j in 0..layer.units().min(MAX_LISTED_UNITS) {
        let u = j + 1;
        let derivative = layer.derivative(row, j);
        let upstream = if last {
            format!("∂E/∂a_{{{u}}} = {}", number(layer.grad_a[(row, j)]))
        } else {
            let next = &trace.layers[index + 1];
            let terms: Vec<String> = (0..next.units())
                .map(|k| {
                    format!(
                        "{}·{}",
                        factor(next.weight[(j, k)]),
                        factor(next.delta[(row, k)])
                    )
                })
                .collect();
            if terms.len() <= MAX_TERMS {
                format!(
                    "Σ_k w_{{{u}k}} δ_k = {} = {}",
                    terms.join(" + "),
                    number(layer.grad_a[(row, j)])
                )
            } else {
                format!("Σ_k w_{{{u}k}} δ_k = {}", number(layer.grad_a[(row, j)]))
            }
        };
        lines.push(format!(
            "δ_{{{u}}} = f'(z_{{{u}}}) · {upstream}  →  {} · {} = {}",
            factor(derivative),
            factor(layer.grad_a[(row, j)]),
            number(layer.delta[(row, j)])
        ));
    }
    if layer.units() > MAX_LISTED_UNITS {
        lines.push(format!("… {} more units", layer.units() - MAX_LISTED_UNITS));
    }
    lines
}

/// The `∂E/∂w_ij = δ_j · a_i` lines of a layer; for a batch of `B` samples the products are
/// summed, `∂E/∂w_ij = Σ_n δ_j⁽ⁿ⁾ · a_i⁽ⁿ⁾`.
pub fn gradient_lines(layer: &LayerTrace) -> Vec<String> {
    let mut lines = Vec::new();
    let batch = layer.input.nrows();
    let rows = layer.inputs().min(MAX_LISTED_UNITS);
    let cols = layer.units().min(MAX_LISTED_UNITS);
    for i in 0..rows {
        for j in 0..cols {
            let products: Vec<String> = (0..batch)
                .map(|n| {
                    format!(
                        "{} · {}",
                        factor(layer.delta[(n, j)]),
                        factor(layer.input[(n, i)])
                    )
                })
                .collect();
            let rule = if batch == 1 {
                format!("δ_{{{}}} · a_{{{}}}", j + 1, i + 1)
            } else {
                format!("Σ_n δ_{{{}}} · a_{{{}}}", j + 1, i + 1)
            };
            let terms = if batch <= MAX_TERMS {
                products.join(" + ")
            } else {
                format!("Σ of {batch} products")
            };
            lines.push(format!(
                "∂E/∂{} = {rule} = {terms} = {}",
                weight_name(i + 1, j + 1),
                number(layer.weight_grad[(i, j)])
            ));
        }
    }
    if layer.inputs() > rows || layer.units() > cols {
        lines.push(format!(
            "… {} weights in all",
            layer.inputs() * layer.units()
        ));
    }
    lines
}

/// The update lines of layer `index`: `w_ij ← w_ij − η (∂E/∂w_ij + λ w_ij)`.
pub fn update_lines(layer: &LayerTrace, learning_rate: f64, l2: f64) -> Vec<String> {
    let (new_weight, new_bias) = sgd_step(layer, learning_rate, l2);
    let mut lines = Vec::new();
    let rows = layer.inputs().min(MAX_LISTED_UNITS);
    let cols = layer.units().min(MAX_LISTED_UNITS);
    for i in 0..rows {
        for j in 0..cols {
            let w = layer.weight[(i, j)];
            let decay = if l2 > 0.0 {
                format!(" + {}·{}", number(l2), factor(w))
            } else {
                String::new()
            };
            lines.push(format!(
                "{} ← {} − {}·({}{decay}) = {}",
                weight_name(i + 1, j + 1),
                number(w),
                number(learning_rate),
                number(layer.weight_grad[(i, j)]),
                number(new_weight[(i, j)])
            ));
        }
    }
    for j in 0..cols {
        let b = layer.bias[j];
        lines.push(format!(
            "b_{{{}}} ← {} − {}·{} = {}",
            j + 1,
            number(b),
            number(learning_rate),
            factor(layer.bias_grad[j]),
            number(new_bias[j])
        ));
    }
    lines
}

impl Panel for StepperPanel {
    /// The stepper under the network view (when open): the pickers, the phase and its
    /// formulas; asks for one training step when the user presses its button.
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>) -> Option<Action> {
        if !self.open {
            return None;
        }
        // The pickers and phase buttons stay put; only the phase's numbers scroll (scrolling
        // them took Next and Back out of sight), vertically: long formula lines wrap to the
        // panel's width instead of running past its edge.
        let action = self.picker_ui(ui, view.data.train.len().max(1));
        if self.open {
            let scroll = egui::ScrollArea::vertical()
                .id_salt("stepper_scroll")
                .auto_shrink([false, false])
                .show(ui, |ui| self.phase_content_ui(ui, view.data, view.run));
            // More formulas below the edge (presentation mode shows two or three lines).
            crate::ui::fade::fade_what_runs_on(ui, &scroll);
        }
        action
    }
}

impl StepperPanel {
    /// True while the window is shown.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Shows the window (at the first phase).
    pub fn open(&mut self) {
        self.open = true;
        self.phase = 0;
    }

    /// Hides the window.
    pub fn close(&mut self) {
        self.open = false;
    }

    /// Goes to the next phase. Past the last one (the update) it goes back to the first and
    /// returns true: the caller then takes the training step whose update was shown, as
    /// *Train one step* does (→ at the update did nothing, with no word why).
    pub fn next_phase(&mut self) -> bool {
        if self.phase + 1 < self.phase_count {
            self.phase += 1;
            false
        } else {
            self.phase = 0;
            self.phase_count > 0
        }
    }

    /// Goes back one phase (stays at the first).
    pub fn previous_phase(&mut self) {
        self.phase = self.phase.saturating_sub(1);
    }

    /// The current phase number, 0-based.
    pub fn phase_index(&self) -> usize {
        self.phase
    }

    /// The current phase for a network of `layers` Dense layers.
    pub fn phase(&self, layers: usize) -> Phase {
        Phase::at(self.phase, layers)
    }

    /// Index in the training split of the (first) sample being followed.
    pub fn sample(&self) -> usize {
        self.sample
    }

    /// Samples followed together (1 = one sample; up to 8 for a small batch).
    pub fn batch(&self) -> usize {
        self.batch
    }

    /// The Dense layer the current phase highlights in the network view, if the window is
    /// open and the phase works on one layer.
    pub fn highlighted_layer(&self) -> Option<usize> {
        if !self.open {
            return None;
        }
        let layers = (self.phase_count.saturating_sub(2)) / 2;
        self.phase(layers).layer()
    }

    /// The phase shown while the stepper is open (`None` when closed).
    pub fn current_phase(&self) -> Option<Phase> {
        if !self.open {
            return None;
        }
        let layers = (self.phase_count.saturating_sub(2)) / 2;
        Some(self.phase(layers))
    }

    /// The step whose update the last phase shows: one step on the followed samples.
    pub fn traced_step(&self) -> Action {
        Action::StepTraced {
            first: self.sample,
            count: self.batch.max(1),
        }
    }

    /// The sample and batch pickers and the phase buttons; the training step the user asked
    /// for, if any.
    fn picker_ui(&mut self, ui: &mut egui::Ui, samples: usize) -> Option<Action> {
        let mut step = None;
        ui.horizontal_wrapped(|ui| {
            if ui
                .button("Close stepper")
                .on_hover_text("Back to the plain network view")
                .clicked()
            {
                self.open = false;
            }
            ui.label("sample");
            sample_number_ui(ui, &mut self.sample, samples, "training sample's step");
            ui.label("batch");
            ui.add(
                egui::DragValue::new(&mut self.batch)
                    .update_while_editing(false)
                    .range(1..=8),
            )
            .on_hover_text(BATCH_HINT);
            if ui
                .button("◀ Back")
                .on_hover_text("Previous phase")
                .clicked()
            {
                self.previous_phase();
            }
            if ui
                .button("Next ▶")
                .on_hover_text(
                    "Next phase (→ key); after the update, that update is applied (one training step on the samples shown) and the phases start again",
                )
                .clicked()
                && self.next_phase()
            {
                step = Some(self.traced_step());
            }
            if ui
                .button("Train one step")
                .on_hover_text(
                    "One step as Play takes it, on the epoch's next minibatch (not necessarily the samples shown), then the new numbers from the first phase",
                )
                .clicked()
            {
                step = Some(Action::Step(1));
                self.phase = 0;
            }
        });
        step
    }

    /// The phase's title, the sample and the phase's formulas with their numbers.
    fn phase_content_ui(&mut self, ui: &mut egui::Ui, data: &Dataset, run: &RunView) {
        let view: Option<&TraceView> = run.snapshot.as_ref().and_then(|s| s.trace.as_deref());
        let Some(view) = view else {
            ui.label("computing the trace…");
            return;
        };
        let trace = match &view.trace {
            Ok(trace) => trace,
            Err(message) => {
                ui.label(RichText::new(message).color(Color32::from_rgb(220, 60, 60)));
                return;
            }
        };
        let layers = trace.layers.len();
        self.phase_count = 2 * layers + 2;
        self.phase = self.phase.min(self.phase_count - 1);
        let phase = self.phase(layers);
        ui.label(
            RichText::new(format!(
                "Phase {} of {}: {}",
                self.phase + 1,
                self.phase_count,
                phase.title()
            ))
            .heading(),
        )
        .on_hover_text(
            "Forward through each layer, the loss, backward through each layer, then the update",
        );
        sample_ui(ui, data, view.sample, trace);
        ui.separator();
        phase_ui(ui, phase, view, trace);
    }
}

/// The formulas and numbers of one phase.
fn phase_ui(ui: &mut egui::Ui, phase: Phase, view: &TraceView, trace: &BackpropTrace) {
    let batch = trace.input.nrows();
    let layers = trace.layers.len();
    match phase {
        Phase::Forward(l) => {
            formula(
                ui,
                "z_j = Σ_i a_i w_{ij} + b_j,   a_j = f(z_j)",
                "Each unit j sums its inputs a_i (the previous layer's activations, or the features x for layer 1) weighted by w_ij, adds its bias b_j, and applies the activation f",
            );
            for row in 0..batch {
                row_title(ui, view.sample, row, batch);
                for text in forward_lines(&trace.layers[l], row) {
                    line(
                        ui,
                        text,
                        "z: the unit's weighted input (pre-activation); a: its activation = f(z); inputs · weights + bias, left to right",
                    );
                }
            }
        }
        Phase::Loss => loss_ui(ui, view.sample, trace),
        Phase::Backward(l) => {
            let last = l + 1 == layers;
            formula(
                ui,
                if last {
                    "δ_j = ∂E/∂z_j = ∂E/∂a_j · f'(z_j)"
                } else {
                    "δ_j = ∂E/∂z_j = f'(z_j) · Σ_k w_{jk} δ_k"
                },
                "δ_j is the error term of unit j: how much the loss E changes when z_j changes (chain rule through the activation, and for hidden units through every unit k of the next layer)",
            );
            ui.label(RichText::new(derivative_formula(&trace.layers[l])).italics())
                .on_hover_text(
                    "The derivative of this layer's activation, written with its output a",
                );
            for row in 0..batch {
                row_title(ui, view.sample, row, batch);
                for text in delta_lines(trace, l, row) {
                    line(
                        ui,
                        text,
                        "δ of each unit: the activation's slope f'(z) times the gradient arriving from above",
                    );
                }
            }
            formula(
                ui,
                "∂E/∂w_{ij} = δ_j a_i",
                "The gradient of a weight is the error term of the unit it feeds times the input it multiplies",
            );
            for text in gradient_lines(&trace.layers[l]) {
                line(
                    ui,
                    text,
                    "Gradient of the loss with respect to weight w_ij (from input i to unit j)",
                );
            }
        }
        Phase::Update => {
            formula(
                ui,
                if view.l2 > 0.0 {
                    "θ_{ij} ← θ_{ij} − η (δ_j x_i + λ θ_{ij})"
                } else {
                    "θ_{ij} ← θ_{ij} − η δ_j x_i"
                },
                "Gradient descent: every weight moves against its gradient, scaled by the learning rate η (plus the L2 pull λθ towards 0 when L2 is on); biases have x = 1 and no L2",
            );
            if view.optimizer != OptimizerKind::Sgd {
                ui.label(
                        RichText::new(format!(
                            "shown for plain SGD with η = {}; the {} optimizer in use rescales each step",
                            num(view.learning_rate),
                            view.optimizer.name()
                        ))
                        .italics(),
                    )
                    .on_hover_text("Momentum and Adam keep running averages of past gradients, so their actual step differs");
            }
            for (l, layer) in trace.layers.iter().enumerate() {
                ui.label(RichText::new(format!("layer {}", l + 1)).strong())
                    .on_hover_text("Dense layer, input side first");
                for text in update_lines(layer, view.learning_rate, view.l2) {
                    line(
                        ui,
                        text,
                        "old value − η · gradient = new value, for this sample (or batch)",
                    );
                }
            }
        }
    }
}

/// The batch picker's tooltip.
const BATCH_HINT: &str = "Follow this many consecutive samples together (a small batch): the \
    loss is their mean and ∂E/∂W sums over them";

/// "sample n" (counted from 1) above each sample's lines when a batch is followed.
fn row_title(ui: &mut egui::Ui, first: usize, row: usize, batch: usize) {
    if batch > 1 {
        ui.label(RichText::new(format!("sample {}", first + row + 1)).strong())
            .on_hover_text("This sample's number in the training split, counted from 1");
    }
}

/// Each sample of the trace with its target, then the loss.
fn sample_ui(ui: &mut egui::Ui, data: &Dataset, first: usize, trace: &BackpropTrace) {
    for row in 0..trace.input.nrows() {
        sample_line(ui, data, first + row, row, trace);
    }
    line(
        ui,
        format!("E = {}", number(trace.loss)),
        "The loss E of this sample (the mean over the samples for a batch)",
    );
}

fn sample_line(
    ui: &mut egui::Ui,
    data: &Dataset,
    sample: usize,
    row: usize,
    trace: &BackpropTrace,
) {
    let features: Vec<String> = trace.input.row(row).iter().map(|&v| num(v)).collect();
    let target = match &trace.target {
        Target::Classes(classes) => {
            let class = classes.get(row).copied().unwrap_or(0);
            let name = match &data.task {
                crate::data::Task::Classification { class_names } => {
                    class_names.get(class).cloned().unwrap_or_default()
                }
                crate::data::Task::Regression => String::new(),
            };
            // The output unit is counted from 1, as p_k in the loss phase.
            if name.is_empty() {
                format!("output {}", class + 1)
            } else {
                format!("{name} (output {})", class + 1)
            }
        }
        Target::Values(values) => {
            let t: Vec<String> = values.row(row).iter().map(|&v| num(v)).collect();
            format!("t = {}", t.join(", "))
        }
    };
    line(
        ui,
        format!(
            "sample {}: x = ({})   target {target}",
            sample + 1,
            features.join(", ")
        ),
        "The input features x of this training sample and what the network should output",
    );
}

fn loss_ui(ui: &mut egui::Ui, first: usize, trace: &BackpropTrace) {
    let batch = trace.output.nrows().max(1);
    match (trace.loss_kind, &trace.target) {
        (LossKind::Mse, Target::Values(t)) => {
            // The engine averages over every element: outputs × samples.
            let n = trace.output.ncols().max(1) * batch;
            formula(
                ui,
                "E = (1/n) Σ_k (o_k − t_k)²,   ∂E/∂o_k = 2 (o_k − t_k) / n",
                "Mean squared error over the n values (outputs × samples), and its gradient with respect to each output",
            );
            for row in 0..batch {
                row_title(ui, first, row, batch);
                for k in 0..trace.output.ncols().min(MAX_LISTED_UNITS) {
                    let o = trace.output[(row, k)];
                    let tk = t[(row, k)];
                    line(
                        ui,
                        format!(
                            "o_{{{u}}} = {}, t_{{{u}}} = {}:  (o − t)² = {}   ∂E/∂o_{{{u}}} = 2·({} − {}) / {n} = {}",
                            number(o),
                            number(tk),
                            number((o - tk) * (o - tk)),
                            number(o),
                            factor(tk),
                            number(trace.grad_output[(row, k)]),
                            u = k + 1,
                        ),
                        "o: the network output; t: the target; the squared error and the gradient that starts the backward pass",
                    );
                }
            }
        }
        (_, Target::Classes(classes)) => {
            let probabilities = crate::nn::softmax(&trace.output);
            formula(
                ui,
                if batch > 1 {
                    "p = softmax(z),   E = −(1/B) Σ_n ln p_y,   ∂E/∂z_k = (p_k − [k = y]) / B"
                } else {
                    "p = softmax(z),   E = −ln p_y,   ∂E/∂z_k = p_k − [k = y]"
                },
                "Softmax turns the output logits into probabilities; the loss is minus the log-probability of the true class y (averaged over the B samples); its gradient is p minus the one-hot target",
            );
            for row in 0..batch {
                let class = classes.get(row).copied().unwrap_or(0);
                row_title(ui, first, row, batch);
                for k in 0..trace.output.ncols().min(MAX_LISTED_UNITS) {
                    line(
                        ui,
                        format!(
                            "z_{{{u}}} = {}   p_{{{u}}} = {}   ∂E/∂z_{{{u}}} = {}{}",
                            number(trace.output[(row, k)]),
                            number(probabilities[(row, k)]),
                            number(trace.grad_output[(row, k)]),
                            if k == class { "   ← true class" } else { "" },
                            u = k + 1,
                        ),
                        "z: output logit; p: softmax probability; ∂E/∂z: the gradient that starts the backward pass",
                    );
                }
                let last_class = probabilities.ncols().saturating_sub(1);
                let p_true = probabilities[(row, class.min(last_class))];
                line(
                    ui,
                    format!(
                        "−ln p_{{{}}} = −ln {} = {}",
                        class + 1,
                        number(p_true),
                        number(-p_true.ln())
                    ),
                    "This sample's loss (softmax cross-entropy, in nats)",
                );
            }
        }
        (LossKind::SoftmaxCrossEntropy, Target::Values(_)) => {
            line(
                ui,
                format!("E = {}", number(trace.loss)),
                "Cross-entropy against soft targets",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Phase, StepperPanel, num};

    #[test]
    fn phases_run_forward_loss_backward_update() {
        let phases: Vec<Phase> = (0..6).map(|i| Phase::at(i, 2)).collect();
        assert_eq!(
            phases,
            [
                Phase::Forward(0),
                Phase::Forward(1),
                Phase::Loss,
                Phase::Backward(1),
                Phase::Backward(0),
                Phase::Update,
            ]
        );
        assert_eq!(Phase::at(3, 1), Phase::Update);
    }

    #[test]
    fn next_goes_past_the_update_to_a_step_and_back_stays_inside() {
        let mut panel = StepperPanel::default();
        assert!(!panel.is_open());
        panel.open();
        for phase in 1..=5 {
            assert!(!panel.next_phase());
            assert_eq!(panel.phase_index(), phase);
        }
        // Past the update: a training step is asked for, and the phases start again.
        assert!(panel.next_phase());
        assert_eq!(panel.phase_index(), 0);
        // That step is the one the update showed: on the followed samples.
        assert_eq!(
            panel.traced_step(),
            crate::ui::action::Action::StepTraced { first: 0, count: 1 }
        );
        for _ in 0..5 {
            panel.next_phase();
        }
        assert_eq!(panel.phase_index(), 5);
        assert_eq!(panel.highlighted_layer(), None, "the update");
        panel.previous_phase();
        assert_eq!(
            panel.highlighted_layer(),
            Some(0),
            "backward through layer 1"
        );
        for _ in 0..10 {
            panel.previous_phase();
        }
        assert_eq!(panel.phase_index(), 0);
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(num(0.0), "0");
        assert_eq!(num(0.37754), "0.3775");
        assert_eq!(num(-1.5e-5), "-1.500e-5");
        assert_eq!(num(123456.0), "1.235e5");
    }
}
