//! The Help window's text: a first lesson, what each panel shows and how to read its colours,
//! the notation every panel uses, and the keys.

use eframe::egui::{self, RichText};

use crate::ui::typeset::NOTATION;

/// The path through the app for a first lesson: (title, what to do and say).
pub const FIRST_LESSON: [(&str, &str); 7] = [
    (
        "1. Gradient descent (10 min)",
        "Open Gradient descent. Press Step a few times: the Update box shows θ ← θ − α∇J with this \
         step's numbers, the red path walks down the contours. Drag the learning rate past the \
         red 2/λ_max tick: the path zig-zags, then diverges. Tick 'standardise x' and the \
         contours turn round.",
    ),
    (
        "2. Optimizers (5 min)",
        "Open Optimizer race on Rosenbrock: SGD crawls along the valley, Momentum overshoots, \
         Adam and RMSProp adapt their steps. Switch the surface to the saddle: who escapes?",
    ),
    (
        "3. Backprop by hand (10 min)",
        "In the Network lab open Teach › Presets and press 'XOR, 2-2-1 sigmoid'. It starts \
         paused at step 0 with the stepper open under the network: press → (or Next) to go \
         forward through each layer, to the loss, back through each layer (δ) and to the update. Each number sits on \
         its neuron or weight. Then 'zero initial weights: symmetry': both hidden units stay \
         identical, and the doctor offers random initial weights.",
    ),
    (
        "4. A CNN on digits (10 min)",
        "Choose mnist in Data and press Play. Feature maps show what each filter responds to; \
         click a pixel of a map for its arithmetic. Press 'Draw a digit' and draw one: the \
         probabilities follow your drawing.",
    ),
    (
        "5. When training fails (10 min)",
        "The presets 'deep sigmoid', 'large initial weights', 'small noisy data', 'ReLU with a \
         huge step' and 'large tanh weights' each show one classic failure; the doctor's \
         message at the bottom names it and its buttons fix it in one click. Compare the \
         Gradients (doctor) tab before and after.",
    ),
    (
        "6. Memory (5 min, to end on)",
        "Open Memory: A, B and C are stored and A is recalled from 30 % noise, the energy only \
         falling. Hover a neuron: its field is signal from A plus crosstalk from the others. \
         Run the capacity sweep: Hebbian recall collapses near P/N ≈ 0.138, Storkey holds.",
    ),
    (
        "Keys",
        "Space play/pause · → one step (next phase in the stepper) · R reset · F presentation \
         mode · H help. In presentation mode the controls fold into a strip (» opens them).",
    ),
];

/// What each panel shows and how to read its colours: (panel, explanation).
pub const PANELS: [(&str, &str); 12] = [
    (
        "Decision boundary",
        "The network's prediction over two features. Classification: the background's hue is \
         the predicted class, its strength the confidence; points are the data (train filled, \
         test hollow) in their class's colour. Regression: dark purple (low) to yellow (high) \
         for the prediction (background) and the targets (points), on one scale. Hover a point \
         for its numbers.",
    ),
    (
        "Loss",
        "Thin line: the training loss of each step (its mini-batch). Thick lines: the mean loss \
         over the whole training split and the test split at each evaluation. The accuracy plot \
         below gives the share classified correctly.",
    ),
    (
        "Weight heatmaps",
        "Each Dense layer's weights w_ij as a grid, one row per input i, one column per unit j, \
         the bias in the bottom row: red positive, blue negative, white zero, on the layer's \
         own scale (±max shown below).",
    ),
    (
        "Network view",
        "Circles are units, coloured by their activation for one sample; lines are weights (red \
         positive, blue negative, thickness |w|). For two input features each hidden unit shows \
         a small heatmap of its output over the input plane (hover for a large one). Click a \
         line for its chain rule.",
    ),
    (
        "Backprop stepper",
        "Under the network view: one training step of one sample (or a small batch) in phases. \
         The numbers of the phase sit on the network: z and a going forward, o and t at the \
         loss, δ on the units and ∂E/∂w on the weights going backward, old → new weights at the \
         update.",
    ),
    (
        "Gradients (doctor)",
        "Each layer's gradient norm ‖∂E/∂W‖ per step on a log scale, dark lines near the input, \
         yellow near the output: lines far below the others are vanishing gradients, lines in \
         the hundreds exploding ones. Below: the share of dead ReLU or saturated units.",
    ),
    (
        "Messages",
        "The strip at the bottom: the training doctor's findings (vanishing or exploding \
         gradients, dead or saturated units, identical units, overfitting) and the app's \
         messages, with one-click remedies. It never moves the panels.",
    ),
    (
        "Feature maps",
        "For a CNN: the input image and the output of every Conv2d (red positive, blue \
         negative) and MaxPool2d layer (dark to yellow), one tile per channel. Click a pixel \
         for its arithmetic; 'Draw a digit' replaces the sample with your drawing.",
    ),
    (
        "Kernels",
        "Each Conv2d filter's weights: one row of tiles per filter, one tile per input channel, \
         red positive, blue negative. Hover a tile for its numbers and bias.",
    ),
    (
        "Confusion matrix",
        "Rows: the true class; columns: the predicted class; each cell counts test samples. \
         The diagonal is what the network gets right.",
    ),
    (
        "Pixel arithmetic",
        "The clicked feature-map pixel computed by hand: the input patch under the filter, the \
         weights, their products, the sum plus the bias (z) and the activation (a); for a \
         pooling pixel, the window and which input won.",
    ),
    (
        "Gradient descent and the race",
        "Contour maps of the loss with log-spaced levels (dark = low), the known minimum as a \
         diamond and a saddle as a cross, and each method's path. The loss plots use a log \
         scale of the distance to the minimum.",
    ),
];

/// Draws the Help window's contents; `shortcuts` are (key, what it does) pairs.
pub fn contents(ui: &mut egui::Ui, shortcuts: &[(&str, &str)]) {
    egui::CollapsingHeader::new(RichText::new("A first lesson").strong())
        .default_open(true)
        .show(ui, |ui| {
            for (title, text) in FIRST_LESSON {
                ui.label(RichText::new(title).strong());
                ui.label(text);
            }
        });
    egui::CollapsingHeader::new(RichText::new("The panels and their colours").strong()).show(
        ui,
        |ui| {
            for (panel, text) in PANELS {
                ui.label(RichText::new(panel).strong());
                ui.label(text);
            }
        },
    );
    egui::CollapsingHeader::new(RichText::new("Notation").strong()).show(ui, |ui| {
        ui.label(NOTATION);
    });
    egui::CollapsingHeader::new(RichText::new("Keyboard shortcuts").strong())
        .default_open(true)
        .show(ui, |ui| {
            egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                for &(key, what) in shortcuts {
                    ui.label(RichText::new(key).monospace().strong());
                    ui.label(what);
                    ui.end_row();
                }
            });
        });
    ui.separator();
    ui.label(
        "Hover over any number or control to see what it is. Space, → and R drive the view \
         on screen: the lab, the gradient-descent lesson, the optimizer race or the memory's \
         recall (R: a new cue). Keys do nothing while a text field has the keyboard (click \
         elsewhere first).",
    );
}
