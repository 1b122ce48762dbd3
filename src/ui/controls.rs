//! The control panel: run buttons, data set, layer editor, training hyper-parameters.
//! Every control has a tooltip that says what it does.

use eframe::egui::{self, RichText};

use crate::data::{Dataset, SynthConfig, SynthKind};
use crate::experiment::{ControlId, Lesson};
use crate::nn::{ActivationKind, OptimizerConfig, OptimizerKind};
use crate::train::presets::Preset;
use crate::train::{ConvBlock, HiddenLayer, MAX_HIDDEN_LAYERS, MAX_UNITS, TrainConfig};
use crate::ui::app::{DataSettings, DatasetChoice, RunView, Settings};

/// What the user asked for; the app carries it out.
#[must_use]
#[derive(Clone, Debug, PartialEq)]
pub enum ControlAction {
    /// Train continuously.
    Play,
    /// Stop training.
    Pause,
    /// Take this many steps, then pause.
    Step(u32),
    /// Same settings, fresh weights from the seed.
    Reset,
    /// The data set or its generator settings changed (resets).
    DataChanged,
    /// Layers or seed changed (resets).
    ModelChanged,
    /// New learning rate (live).
    LearningRate(f64),
    /// New batch size (live).
    BatchSize(usize),
    /// New optimizer (live).
    Optimizer(OptimizerConfig),
    /// New stop condition in epochs (live).
    Epochs(u64),
    /// New speed limit (live).
    Speed(Option<f64>),
    /// Open the file dialog for a data file (true: for a folder).
    OpenDialog(bool),
    /// Open this recently used file or folder in the import wizard.
    OpenRecent(std::path::PathBuf),
    /// Presentation mode on or off.
    TogglePresentation,
    /// Show the Help window.
    Help,
    /// Show the "Save & open" window.
    Files,
    /// Load a teaching preset (data and network; starts over).
    Preset(Preset),
    /// Open the backprop stepper window.
    OpenStepper,
    /// Open the gradient-check window (and run a check).
    OpenGradCheck,
    /// New L2 coefficient λ (live).
    L2(f64),
    /// New early-stopping patience in epochs, 0 = off (live).
    EarlyStopping(u32),
}

/// Which controls a lesson file hides or locks (see [`crate::experiment::Lesson`]).
#[derive(Clone, Copy, Default)]
struct Gate<'a> {
    lesson: Option<&'a Lesson>,
}

impl Gate<'_> {
    /// False when the lesson hides `id`.
    fn shown(self, id: ControlId) -> bool {
        !self.lesson.is_some_and(|l| l.is_hidden(id))
    }

    /// False when the lesson locks (or hides) `id`.
    fn enabled(self, id: ControlId) -> bool {
        !self.lesson.is_some_and(|l| l.is_locked(id))
    }

    /// Draws `add` when `id` is shown, greyed out when it is locked.
    fn ui<R>(self, ui: &mut egui::Ui, id: ControlId, add: impl FnOnce(&mut egui::Ui) -> R) {
        if self.shown(id) {
            let response = ui.add_enabled_ui(self.enabled(id), add).response;
            if !self.enabled(id) {
                response.on_disabled_hover_text("Locked by the lesson file");
            }
        }
    }
}

/// State of the control panel that is not a setting.
pub struct ControlsPanel {
    steps_per_click: u32,
    /// Recently opened files and folders, newest first (shown under "Open data…").
    pub recent: Vec<std::path::PathBuf>,
    /// Presentation mode: advanced controls (file opening, optimizer constants, epochs,
    /// seed) are hidden.
    pub presentation: bool,
    /// The lesson file in force: controls it hides are not drawn, controls it locks are
    /// greyed out.
    pub lesson: Option<Lesson>,
}

impl Default for ControlsPanel {
    fn default() -> Self {
        Self {
            steps_per_click: 1,
            recent: Vec::new(),
            presentation: false,
            lesson: None,
        }
    }
}

/// "Open data…", "Open folder…" and the recent files.
fn open_ui(ui: &mut egui::Ui, recent: &[std::path::PathBuf], actions: &mut Vec<ControlAction>) {
    ui.horizontal(|ui| {
        if ui
            .button("Open data…")
            .on_hover_text("Load a CSV/TSV (also .gz) or an IDX file; you can also drop files on the window")
            .clicked()
        {
            actions.push(ControlAction::OpenDialog(false));
        }
        if ui
            .button("Open folder…")
            .on_hover_text("Load a folder of class sub-folders of images, or a folder with the four MNIST files")
            .clicked()
        {
            actions.push(ControlAction::OpenDialog(true));
        }
    });
    if !recent.is_empty() {
        ui.collapsing("recent", |ui| {
            for path in recent {
                let name = path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                if ui
                    .small_button(name)
                    .on_hover_text(path.display().to_string())
                    .clicked()
                {
                    actions.push(ControlAction::OpenRecent(path.clone()));
                }
            }
        });
    }
}

/// Formats a learning rate compactly: 0.01, 0.3, 1e-4.
pub fn format_learning_rate(lr: f64) -> String {
    if lr >= 0.01 {
        let text = format!("{lr:.4}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{lr:.0e}")
    }
}

impl ControlsPanel {
    /// Draws the panel and returns what the user asked for.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        settings: &mut Settings,
        run: &RunView,
        data: &Dataset,
    ) -> Vec<ControlAction> {
        let mut actions = Vec::new();
        ui.horizontal(|ui| {
            ui.heading("Controls");
            let label = if self.presentation {
                "Exit presentation"
            } else {
                "Present"
            };
            if ui
                .small_button(label)
                .on_hover_text(
                    "Presentation mode (F): zoomed, high contrast, advanced controls hidden",
                )
                .clicked()
            {
                actions.push(ControlAction::TogglePresentation);
            }
            if ui
                .small_button("Help")
                .on_hover_text("Keyboard shortcuts (H)")
                .clicked()
            {
                actions.push(ControlAction::Help);
            }
            if ui
                .small_button("Save & open…")
                .on_hover_text(
                    "Experiment files, weights (safetensors), metrics (CSV), PNG and GIF pictures",
                )
                .clicked()
            {
                actions.push(ControlAction::Files);
            }
        });
        let lesson = self.lesson.clone();
        let gate = Gate {
            lesson: lesson.as_ref(),
        };
        self.run_ui(ui, settings, run, gate, &mut actions);
        ui.separator();
        gate.ui(ui, ControlId::Dataset, |ui| {
            data_ui(ui, settings, data, &mut actions);
        });
        if !self.presentation {
            gate.ui(ui, ControlId::OpenData, |ui| {
                open_ui(ui, &self.recent, &mut actions);
            });
        }
        ui.separator();
        let layers_locked = [
            ControlId::Layers,
            ControlId::Activations,
            ControlId::ConvBlocks,
        ]
        .into_iter()
        .any(|id| !gate.enabled(id));
        if gate.shown(ControlId::Layers) {
            ui.add_enabled_ui(!layers_locked, |ui| {
                layers_ui(ui, settings, data, &mut actions);
            });
        }
        ui.separator();
        training_ui(ui, settings, data, self.presentation, gate, &mut actions);
        ui.separator();
        regularisation_ui(ui, settings, &mut actions);
        ui.separator();
        teach_ui(ui, &mut actions);
        actions
    }

    fn run_ui(
        &mut self,
        ui: &mut egui::Ui,
        settings: &mut Settings,
        run: &RunView,
        gate: Gate<'_>,
        actions: &mut Vec<ControlAction>,
    ) {
        ui.horizontal(|ui| {
            gate.ui(ui, ControlId::Play, |ui| {
            if run.running {
                if ui
                    .button(RichText::new("Pause").strong())
                    .on_hover_text("Stop training after the current step (Space)")
                    .clicked()
                {
                    actions.push(ControlAction::Pause);
                }
            } else if ui
                .button(RichText::new("Play").strong())
                .on_hover_text("Train continuously until paused or the epoch limit (Space)")
                .clicked()
            {
                actions.push(ControlAction::Play);
            }
            });
            gate.ui(ui, ControlId::Step, |ui| {
            if ui
                .button("Step")
                .on_hover_text("Pause, then take the number of steps on the right (one minibatch update each)")
                .clicked()
            {
                actions.push(ControlAction::Step(self.steps_per_click));
            }
            ui.add(
                egui::DragValue::new(&mut self.steps_per_click)
                    .range(1..=10_000)
                    .suffix(" ×"),
            )
            .on_hover_text("How many steps one click of Step takes");
            });
            gate.ui(ui, ControlId::Reset, |ui| {
            if ui
                .button("Reset")
                .on_hover_text(
                    "Start again from the initial weights of the seed (same seed = same weights and batch order)",
                )
                .clicked()
            {
                actions.push(ControlAction::Reset);
            }
            });
        });
        ui.label(RichText::new(format!("Step {} · epoch {}", run.step, run.epoch)).monospace())
            .on_hover_text(format!(
                "Steps (minibatch updates) and completed epochs (passes over the training split); {}",
                plural(run.steps_per_epoch as usize, "step per epoch", "steps per epoch")
            ));
        gate.ui(ui, ControlId::Speed, |ui| {
        ui.horizontal(|ui| {
            let mut unlimited = settings.speed.is_none();
            let mut rate = settings.speed.unwrap_or(600.0);
            let changed_limit = ui
                .checkbox(&mut unlimited, "full speed")
                .on_hover_text("Train as fast as the machine goes instead of at the set pace")
                .changed();
            let changed_rate = ui
                .add_enabled(
                    !unlimited,
                    egui::Slider::new(&mut rate, 1.0..=20_000.0)
                        .logarithmic(true)
                        .suffix(" steps/s")
                        .max_decimals(0),
                )
                .on_hover_text("Pace of training while playing, in steps per second: slow it down to watch each update")
                .changed();
            if changed_limit || changed_rate {
                settings.speed = (!unlimited).then_some(rate);
                actions.push(ControlAction::Speed(settings.speed));
            }
        });
        });
    }
}

/// "1 feature", "4 features".
fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("{count} {one}")
    } else {
        format!("{count} {many}")
    }
}

fn data_ui(
    ui: &mut egui::Ui,
    settings: &mut Settings,
    data: &Dataset,
    actions: &mut Vec<ControlAction>,
) {
    ui.label(RichText::new("Data").strong());
    let was_image = data.image_shape.is_some();
    let seed = settings.train.seed;
    let data_settings = &mut settings.data;
    let mut changed = false;
    let mut preset = None;
    let current = data_settings.choice.label();
    egui::ComboBox::from_id_salt("dataset")
        .selected_text(current.clone())
        .show_ui(ui, |ui| {
            for kind in SynthKind::ALL {
                if ui
                    .selectable_label(current == kind.name(), kind.name())
                    .on_hover_text(kind.description())
                    .clicked()
                {
                    let data_seed = data_settings.synth.seed;
                    *data_settings = DataSettings::synth(kind);
                    data_settings.synth.seed = data_seed;
                    changed = true;
                    if was_image {
                        preset = Some(Settings::default().train);
                    }
                }
            }
            if ui
                .selectable_label(current == "iris", "iris")
                .on_hover_text("Fisher's Iris flowers: 4 measurements in cm, 3 species (bundled)")
                .clicked()
            {
                data_settings.choice = DatasetChoice::Iris;
                data_settings.synth.train_ratio = 0.7;
                changed = true;
                if was_image {
                    preset = Some(Settings::default().train);
                }
            }
            if ui
                .selectable_label(current == "mnist", "mnist")
                .on_hover_text("Handwritten digits 0–9, 28×28 grey (bundled: 8 000 train, 2 000 test from the MNIST test set); trains the Small CNN")
                .clicked()
            {
                data_settings.choice = DatasetChoice::Mnist;
                changed = true;
                preset = Some(TrainConfig::small_cnn());
            }
            if let DatasetChoice::Loaded(loaded) = &data_settings.choice {
                let name = loaded.name.clone();
                let _ = ui
                    .selectable_label(true, name)
                    .on_hover_text("The file given with --data");
            }
        })
        .response
        .on_hover_text("The data set to train on; changing it starts a new session");
    let is_synth = matches!(data_settings.choice, DatasetChoice::Synth(_));
    let fixed_split = matches!(
        data_settings.choice,
        DatasetChoice::Loaded(_) | DatasetChoice::Mnist
    );
    let synth: &mut SynthConfig = &mut data_settings.synth;
    if is_synth {
        changed |= ui
            .add(egui::Slider::new(&mut synth.noise, 0.0..=1.0).text("noise"))
            .on_hover_text("How much random scatter the generator adds (0 = clean shapes)")
            .changed();
        changed |= ui
            .add(
                egui::Slider::new(&mut synth.samples, 4..=2000)
                    .logarithmic(true)
                    .text("samples"),
            )
            .on_hover_text("How many points the generator makes (train + test)")
            .changed();
    }
    if !fixed_split {
        let mut percent = synth.train_ratio * 100.0;
        let response = ui
            .add(
                egui::Slider::new(&mut percent, 10.0..=100.0)
                    .text("% train")
                    .max_decimals(0),
            )
            .on_hover_text("Share of the samples used for training; the rest is the test split");
        synth.train_ratio = (percent / 100.0).clamp(0.1, 1.0);
        changed |= response.changed();
        ui.horizontal(|ui| {
            ui.label("data seed");
            changed |= ui
                .add(egui::DragValue::new(&mut synth.seed))
                .on_hover_text("Seed of the generator and of the train/test split")
                .changed();
        });
    }
    ui.label(format!(
        "{} · {} train · {} test{}",
        plural(data.n_features(), "feature", "features"),
        data.train.len(),
        data.test.len(),
        data.n_classes()
            .map(|k| format!(" · {}", plural(k, "class", "classes")))
            .unwrap_or_else(|| " · regression".to_string())
    ))
    .on_hover_text("Size of the current data set");
    if let Some(mut train) = preset {
        train.seed = seed;
        settings.train = train;
    }
    if changed {
        actions.push(ControlAction::DataChanged);
    }
}

fn layers_ui(
    ui: &mut egui::Ui,
    settings: &mut Settings,
    data: &Dataset,
    actions: &mut Vec<ControlAction>,
) {
    ui.label(RichText::new("Network").strong());
    let mut changed = false;
    if let Some([c, h, w]) = data.image_shape {
        ui.label(format!("input: {c}×{h}×{w} image"))
            .on_hover_text("Channels × height × width of each sample");
        changed |= conv_ui(ui, settings);
    } else {
        ui.label(plural(data.n_features(), "input feature", "input features"))
            .on_hover_text("One input neuron per feature");
    }
    let hidden = &mut settings.train.hidden;
    let mut remove = None;
    for (i, layer) in hidden.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            ui.label(format!("hidden {}", i + 1));
            changed |= ui
                .add(
                    egui::DragValue::new(&mut layer.units)
                        .range(1..=MAX_UNITS)
                        .suffix(" units"),
                )
                .on_hover_text("Neurons in this Dense layer (drag or type; 1–256)")
                .changed();
            egui::ComboBox::from_id_salt(("activation", i))
                .selected_text(layer.activation.name())
                .width(90.0)
                .show_ui(ui, |ui| {
                    for kind in ActivationKind::ALL {
                        changed |= ui
                            .selectable_value(&mut layer.activation, kind, kind.name())
                            .changed();
                    }
                })
                .response
                .on_hover_text("Non-linearity applied after this layer's Dense transform");
            if ui
                .small_button("−")
                .on_hover_text("Remove this hidden layer")
                .clicked()
            {
                remove = Some(i);
            }
        });
    }
    if let Some(i) = remove {
        hidden.remove(i);
        changed = true;
    }
    ui.horizontal(|ui| {
        let can_add = hidden.len() < MAX_HIDDEN_LAYERS;
        if ui
            .add_enabled(can_add, egui::Button::new("+ add layer"))
            .on_hover_text("Append a hidden layer (a copy of the last one)")
            .clicked()
        {
            let template = hidden.last().copied().unwrap_or(HiddenLayer {
                units: 8,
                activation: ActivationKind::Tanh,
            });
            hidden.push(template);
            changed = true;
        }
    });
    let outputs = data.n_classes().unwrap_or(1);
    ui.label(if data.is_classification() {
        format!("output: Dense → {outputs} logits, softmax cross-entropy")
    } else {
        "output: Dense → 1 value, mean squared error".to_string()
    })
    .on_hover_text("The output layer follows from the task");
    if changed {
        actions.push(ControlAction::ModelChanged);
    }
}

/// The conv-block editor; returns true when something changed.
fn conv_ui(ui: &mut egui::Ui, settings: &mut Settings) -> bool {
    let mut changed = false;
    let mut remove = None;
    for (i, block) in settings.train.conv.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            ui.label(format!("conv {}", i + 1));
            changed |= ui
                .add(
                    egui::DragValue::new(&mut block.filters)
                        .range(1..=64)
                        .suffix(" filters"),
                )
                .on_hover_text("Output channels of this Conv2d layer (1–64)")
                .changed();
            changed |= ui
                .add(
                    egui::DragValue::new(&mut block.kernel)
                        .range(1..=9)
                        .prefix("k "),
                )
                .on_hover_text("Kernel side in pixels (stride 1, no padding)")
                .changed();
            egui::ComboBox::from_id_salt(("conv_activation", i))
                .selected_text(block.activation.name())
                .width(80.0)
                .show_ui(ui, |ui| {
                    for kind in ActivationKind::ALL {
                        changed |= ui
                            .selectable_value(&mut block.activation, kind, kind.name())
                            .changed();
                    }
                })
                .response
                .on_hover_text("Activation after the convolution");
            changed |= ui
                .add(
                    egui::DragValue::new(&mut block.pool)
                        .range(1..=4)
                        .prefix("pool "),
                )
                .on_hover_text("Max-pooling window and stride after the activation (1 = none)")
                .changed();
            if ui
                .small_button("−")
                .on_hover_text("Remove this conv block")
                .clicked()
            {
                remove = Some(i);
            }
        });
    }
    if let Some(i) = remove {
        settings.train.conv.remove(i);
        changed = true;
    }
    ui.horizontal(|ui| {
        if ui
            .add_enabled(settings.train.conv.len() < 6, egui::Button::new("+ add conv block"))
            .on_hover_text("Append a Conv2d → activation → MaxPool2d block")
            .clicked()
        {
            settings.train.conv.push(ConvBlock {
                filters: 8,
                kernel: 3,
                activation: ActivationKind::ReLU,
                pool: 1,
            });
            changed = true;
        }
        if ui
            .button("Small CNN")
            .on_hover_text("Preset: conv8k3, ReLU, pool2, conv16k3, ReLU, pool2, Dense 10; Momentum 0.05, batch 64")
            .clicked()
        {
            let seed = settings.train.seed;
            settings.train = TrainConfig::small_cnn();
            settings.train.seed = seed;
            changed = true;
        }
    });
    changed
}

fn training_ui(
    ui: &mut egui::Ui,
    settings: &mut Settings,
    data: &Dataset,
    presentation: bool,
    gate: Gate<'_>,
    actions: &mut Vec<ControlAction>,
) {
    ui.label(RichText::new("Training").strong());
    let config = &mut settings.train;
    let mut lr = config.optimizer.learning_rate;
    gate.ui(ui, ControlId::LearningRate, |ui| {
        if ui
            .add(
                egui::Slider::new(&mut lr, 1e-5..=10.0)
                    .logarithmic(true)
                    .text("learning rate")
                    .custom_formatter(|v, _| format_learning_rate(v))
                    .custom_parser(|text| text.trim().parse::<f64>().ok()),
            )
            .on_hover_text("Step size α of each update θ ← θ − α·∇L; applies from the next step")
            .changed()
        {
            config.optimizer.learning_rate = lr;
            actions.push(ControlAction::LearningRate(lr));
        }
    });
    let max_batch = data.train.len().max(1);
    gate.ui(ui, ControlId::BatchSize, |ui| {
        if ui
            .add(
                egui::Slider::new(&mut config.batch_size, 1..=max_batch.max(2))
                    .logarithmic(true)
                    .text("batch size"),
            )
            .on_hover_text("Samples averaged per step; applies from the next step")
            .changed()
        {
            actions.push(ControlAction::BatchSize(config.batch_size));
        }
    });
    let mut optimizer_changed = false;
    gate.ui(ui, ControlId::Optimizer, |ui| {
    egui::ComboBox::from_id_salt("optimizer")
        .selected_text(config.optimizer.kind.name())
        .show_ui(ui, |ui| {
            for kind in OptimizerKind::ALL {
                optimizer_changed |= ui
                    .selectable_value(&mut config.optimizer.kind, kind, kind.name())
                    .changed();
            }
        })
        .response
        .on_hover_text("SGD: plain gradient step. Momentum: heavy ball (Polyak 1964). Nesterov: momentum with a look-ahead correction (Nesterov 1983, as in Sutskever et al. 2013). RMSProp: steps divided by a running RMS of the gradient (Tieleman & Hinton 2012). Adam: adaptive moments (Kingma & Ba 2015). Applies from the next step");
    });
    if !presentation {
        gate.ui(ui, ControlId::OptimizerParams, |ui| {
            match config.optimizer.kind {
                OptimizerKind::Sgd => {}
                OptimizerKind::RMSProp => {
                    optimizer_changed |= ui
                        .add(
                            egui::Slider::new(&mut config.optimizer.rho, 0.0..=0.999)
                                .text("decay ρ"),
                        )
                        .on_hover_text("Decay of RMSProp's running mean of squared gradients")
                        .changed();
                }
                OptimizerKind::Momentum | OptimizerKind::Nesterov => {
                    optimizer_changed |= ui
                        .add(
                            egui::Slider::new(&mut config.optimizer.momentum, 0.0..=0.999)
                                .text("momentum μ"),
                        )
                        .on_hover_text("Fraction of the previous update carried into the next")
                        .changed();
                }
                OptimizerKind::Adam => {
                    optimizer_changed |= ui
                        .add(egui::Slider::new(&mut config.optimizer.beta1, 0.0..=0.999).text("β1"))
                        .on_hover_text("Decay of Adam's running mean of gradients")
                        .changed();
                    optimizer_changed |= ui
                        .add(
                            egui::Slider::new(&mut config.optimizer.beta2, 0.9..=0.99999)
                                .text("β2"),
                        )
                        .on_hover_text("Decay of Adam's running mean of squared gradients")
                        .changed();
                }
            }
        });
    }
    if optimizer_changed {
        actions.push(ControlAction::Optimizer(config.optimizer));
    }
    if presentation {
        return;
    }
    ui.horizontal(|ui| {
        ui.label("epochs");
        if gate.shown(ControlId::Epochs)
            && ui
                .add_enabled(
                    gate.enabled(ControlId::Epochs),
                    egui::DragValue::new(&mut config.epochs).range(0..=1_000_000),
                )
                .on_hover_text(
                    "Stop after this many passes over the training split (0 = run until paused)",
                )
                .changed()
        {
            actions.push(ControlAction::Epochs(config.epochs));
        }
        if gate.shown(ControlId::Seed) {
            ui.label("seed");
        }
        if gate.shown(ControlId::Seed) && ui
            .add_enabled(gate.enabled(ControlId::Seed), egui::DragValue::new(&mut config.seed))
            .on_hover_text(
                "Seed of the initial weights and the batch order; changing it starts a new session",
            )
            .changed()
        {
            actions.push(ControlAction::ModelChanged);
        }
    });
}

/// L2, early stopping and the initial-weight scale.
fn regularisation_ui(ui: &mut egui::Ui, settings: &mut Settings, actions: &mut Vec<ControlAction>) {
    ui.label(RichText::new("Regularisation").strong())
        .on_hover_text("Ways to keep a network from fitting the noise of its training samples");
    let config = &mut settings.train;
    let mut l2 = config.l2;
    if ui
        .add(
            egui::Slider::new(&mut l2, 0.0..=0.1)
                .logarithmic(true)
                .smallest_positive(1e-5)
                .custom_formatter(|v, _| {
                    if v == 0.0 {
                        "off".to_string()
                    } else {
                        format_learning_rate(v)
                    }
                })
                .custom_parser(|text| match text.trim() {
                    "off" => Some(0.0),
                    other => other.parse::<f64>().ok(),
                })
                .text("L2 λ"),
        )
        .on_hover_text("L2 regularisation: each step adds λ·w to every weight gradient (not the biases), pulling weights towards 0; 0 = off. Applies from the next step")
        .changed()
    {
        config.l2 = l2;
        actions.push(ControlAction::L2(l2));
    }
    ui.horizontal(|ui| {
        ui.label("early stopping");
        if ui
            .add(
                egui::DragValue::new(&mut config.early_stopping_patience)
                    .range(0..=1000)
                    .suffix(" epochs"),
            )
            .on_hover_text("Patience: stop when the test loss has not improved for this many epochs and restore the weights with the lowest test loss; 0 = off. Applies at once")
            .changed()
        {
            actions.push(ControlAction::EarlyStopping(config.early_stopping_patience));
        }
    });
    ui.horizontal(|ui| {
        ui.label("initial scale");
        if ui
            .add(
                egui::DragValue::new(&mut config.init_gain)
                    .range(0.01..=20.0)
                    .speed(0.05)
                    .prefix("× "),
            )
            .on_hover_text("Multiplies every initial weight after Xavier/He initialisation (1 = standard). Large values show exploding or saturating activations; changing it starts over")
            .changed()
        {
            actions.push(ControlAction::ModelChanged);
        }
    });
}

/// Presets for teaching and the backprop windows.
fn teach_ui(ui: &mut egui::Ui, actions: &mut Vec<ControlAction>) {
    ui.label(RichText::new("Teach").strong()).on_hover_text(
        "Walk a class through backprop and show each failure of training being fixed",
    );
    ui.horizontal_wrapped(|ui| {
        if ui
            .button("Backprop stepper…")
            .on_hover_text("Follow one training step of one sample phase by phase, with every number (→ = next phase)")
            .clicked()
        {
            actions.push(ControlAction::OpenStepper);
        }
        if ui
            .button("Gradient check…")
            .on_hover_text("Compare backprop's gradients with finite differences on the current model")
            .clicked()
        {
            actions.push(ControlAction::OpenGradCheck);
        }
    });
    for preset in Preset::ALL {
        if ui
            .small_button(preset.name())
            .on_hover_text(preset.description())
            .clicked()
        {
            actions.push(ControlAction::Preset(preset));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::format_learning_rate;

    #[test]
    fn learning_rates_read_well() {
        assert_eq!(format_learning_rate(0.01), "0.01");
        assert_eq!(format_learning_rate(0.3), "0.3");
        assert_eq!(format_learning_rate(10.0), "10");
        assert_eq!(format_learning_rate(1e-4), "1e-4");
    }
}
