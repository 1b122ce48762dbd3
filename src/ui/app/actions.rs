//! Where every [`Action`] a panel returns is carried out, with the keyboard shortcuts (which
//! become actions too), the teaching presets and the doctor's remedies.

use std::sync::Arc;

use eframe::egui;

use super::{GradscopeApp, ImageTab, Lab, MlpTab};
use crate::experiment::ControlId;
use crate::nn::OptimizerConfig;
use crate::train::doctor::{DetectorId, Remedy};
use crate::train::presets::{Preset, PresetData};
use crate::train::{Command, SessionSetup};
use crate::ui::action::Action;
use crate::ui::pacer::SteppedView;
use crate::ui::present::{Shortcut, pressed_shortcuts};
use crate::ui::state::{AppMode, Banner, DataSettings, DatasetChoice, Settings};

impl Lab {
    /// Starts a new session with the current data and settings.
    pub(super) fn reset(&mut self) {
        self.banner = None;
        self.worker.send(Command::Reset(Box::new(SessionSetup {
            data: Arc::clone(&self.data),
            config: self.settings.train.clone(),
        })));
    }

    /// Builds the data set of the settings and starts a new session on it.
    pub(super) fn rebuild_data(&mut self) {
        match self.settings.data.build() {
            Ok(data) => {
                self.data = data;
                self.views.boundary_axes = crate::ui::boundary::default_axes(&self.data);
                self.views.sample = 0;
                self.worker.send(Command::SetViews(self.views.clone()));
                self.reset();
            }
            Err(message) => self.banner = Some(Banner::Error(message)),
        }
    }

    /// Puts `new` in force. A new data set is built (a new session), a new model, seed or
    /// initial scale starts a new session, and everything else applies live from the next
    /// step: learning rate, batch size, optimizer, epochs, speed, L2 and early stopping.
    fn apply_settings(&mut self, new: Settings) -> SettingsChange {
        let old = std::mem::replace(&mut self.settings, new);
        let (old_train, new_train) = (&old.train, &self.settings.train);
        if old.data != self.settings.data {
            self.rebuild_data();
            return SettingsChange::Data;
        }
        let model_changed = old_train.conv != new_train.conv
            || old_train.hidden != new_train.hidden
            || old_train.seed != new_train.seed
            || old_train.init_gain != new_train.init_gain
            || old_train.output_activation != new_train.output_activation;
        if model_changed {
            self.reset();
            return SettingsChange::Model;
        }
        let send = |command| self.worker.send(command);
        if old_train.optimizer != new_train.optimizer {
            let only_learning_rate = OptimizerConfig {
                learning_rate: old_train.optimizer.learning_rate,
                ..new_train.optimizer
            } == old_train.optimizer;
            if only_learning_rate {
                send(Command::SetLearningRate(new_train.optimizer.learning_rate));
            } else {
                send(Command::SetOptimizer(new_train.optimizer));
            }
        }
        if old_train.batch_size != new_train.batch_size {
            send(Command::SetBatchSize(new_train.batch_size));
        }
        if old_train.l2 != new_train.l2 {
            send(Command::SetL2(new_train.l2));
        }
        if old_train.early_stopping_patience != new_train.early_stopping_patience {
            send(Command::SetEarlyStopping(new_train.early_stopping_patience));
        }
        if old.speed != self.settings.speed {
            send(Command::SetSpeed(self.settings.speed));
        }
        if old_train.epochs != new_train.epochs {
            send(Command::SetEpochs(new_train.epochs));
            if matches!(self.banner, Some(Banner::Finished(_))) {
                self.banner = None;
            }
        }
        self.note_live_change(&old.train);
        SettingsChange::Live
    }
}

/// What a settings change meant.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SettingsChange {
    Data,
    Model,
    Live,
}

impl GradscopeApp {
    /// Carries out one action of a panel (or of a key).
    pub(super) fn handle(&mut self, ctx: &egui::Context, action: Action) {
        let lab = &mut self.lab;
        match action {
            Action::Play => {
                if matches!(lab.banner, Some(Banner::Finished(_))) {
                    lab.banner = None;
                }
                lab.worker.send(Command::Play);
            }
            Action::Pause => lab.worker.send(Command::Pause),
            Action::Step(count) => lab.worker.send(Command::Step(count)),
            Action::StepTraced { first, count } => lab.worker.send(Command::StepOn(
                (first..first.saturating_add(count)).collect(),
            )),
            Action::Reset => lab.reset(),
            Action::Settings(settings) => {
                if lab.apply_settings(*settings) == SettingsChange::Data {
                    self.panels.boundary.data_changed();
                }
            }
            Action::OpenDialog(folder) => self.panels.import.pick(ctx, folder),
            Action::OpenRecent(path) => self.panels.import.open_path(ctx, path),
            Action::Imported(data, source, report) => {
                self.train_on_imported(data, source);
                // Rows left out or an empty test split, said once more after the wizard
                // closed: the data panel's counts alone do not add up to the file's rows.
                if let Some(note) = report.as_deref().and_then(crate::ui::import::imported_note) {
                    self.lab.banner = Some(Banner::Done(note));
                }
                self.import_report = report.map(|r| (Arc::clone(&self.lab.data), r));
            }
            Action::TogglePresentation => {
                self.presentation.toggle(ctx);
                // On a projector the panels need the room: the controls fold into a strip.
                self.panels.controls_open = !self.presentation.is_on();
            }
            Action::Help => self.presentation.help_open = true,
            Action::Files => {
                self.panels.files.suggest_names(&lab.data.name);
                self.panels.files.open = true;
            }
            Action::File(request) => self.file_request(ctx, request),
            Action::Preset(preset) => self.load_preset(preset),
            Action::OpenStepper => {
                self.panels.stepper.open();
                self.panels.mlp_tab = MlpTab::Network;
            }
            Action::GradCheck => {
                self.panels.gradcheck.open();
                lab.worker.send(Command::GradCheck);
            }
            Action::ShowSample(sample) => {
                lab.views.sample = sample;
                lab.worker.send(Command::SetViews(lab.views.clone()));
            }
            Action::DrawnDigit(drawn) => {
                lab.views.drawn = drawn;
                lab.worker.send(Command::SetViews(lab.views.clone()));
            }
            Action::SelectPixel(pixel) => {
                self.panels.pixel.selected = Some(pixel);
                self.panels.image_tab = ImageTab::Pixel;
            }
            Action::BoundaryAxes(x, y) => {
                lab.views.boundary_axes = (x, y);
                lab.worker.send(Command::SetViews(lab.views.clone()));
            }
            Action::Remedy(id, remedy) => {
                if id == DetectorId::NonFiniteLoss {
                    lab.banner = None;
                }
                lab.doctor.resolve(id);
                self.apply_remedy(remedy);
            }
            Action::DismissFinding(id) => lab.doctor.dismiss(id),
            Action::DismissBanner => lab.banner = None,
            Action::Runs(action) => self.run_action(ctx, action),
        }
    }

    /// Trains on a data set the import wizard built. Crossing between images and feature
    /// vectors also brings the default model for the new kind of data (keeping the seed).
    fn train_on_imported(
        &mut self,
        data: Arc<crate::data::Dataset>,
        source: Option<crate::experiment::DatasetRef>,
    ) {
        if let Some(crate::experiment::DatasetRef::File { path, .. }) = &source {
            self.remember(path.clone());
        }
        let settings = &mut self.lab.settings;
        if data.image_shape != self.lab.data.image_shape {
            let seed = settings.train.seed;
            settings.train = crate::train::TrainConfig::for_data(&data);
            settings.train.seed = seed;
        }
        settings.data.choice = DatasetChoice::Loaded(data);
        settings.data.source = source;
        self.lab.rebuild_data();
        self.panels.boundary.data_changed();
    }

    /// Shows `mode`. Leaving the network lab pauses its training, so the lesson and the race
    /// (which step on the UI thread) do not compete with it for the CPU; coming back resumes it.
    pub fn set_mode(&mut self, mode: AppMode) {
        let lab = &mut self.lab;
        if self.mode == AppMode::NetworkLab && mode != AppMode::NetworkLab && lab.run.running {
            lab.worker.send(Command::Pause);
            lab.resume = true;
        } else if mode == AppMode::NetworkLab && self.mode != AppMode::NetworkLab && lab.resume {
            lab.worker.send(Command::Play);
            lab.resume = false;
        }
        if self.mode == AppMode::Memory && mode != AppMode::Memory {
            self.panels.memory.leave();
        }
        if mode == AppMode::Memory
            && std::mem::take(&mut self.memory_demo_due)
            && self.panels.memory.stored().is_empty()
        {
            self.panels.memory.start_demo();
        }
        self.mode = mode;
    }

    /// Loads a teaching preset: its data and network, then starts over paused at step 0, so the
    /// numbers a teacher explains stay put until Play. The 2-2-1 presets also open the stepper
    /// and the network view.
    pub fn load_preset(&mut self, preset: Preset) {
        let (data, config) = preset.build();
        // The worker handles commands in order: pausing first makes the reset below start paused.
        self.lab.worker.send(Command::Pause);
        let settings = &mut self.lab.settings;
        settings.train = config;
        settings.data = match data {
            PresetData::Synth(synth) => DataSettings {
                choice: DatasetChoice::Synth(synth.kind),
                synth,
                source: None,
            },
            PresetData::Fixed(data) => DataSettings {
                choice: DatasetChoice::Loaded(data),
                synth: settings.data.synth,
                source: None,
            },
        };
        self.lab.rebuild_data();
        self.panels.boundary.data_changed();
        if matches!(preset, Preset::Backprop221 | Preset::ZeroInit) {
            self.panels.stepper.open();
            self.panels.mlp_tab = MlpTab::Network;
        } else {
            self.panels.mlp_tab = MlpTab::Gradients;
        }
    }

    /// Carries out a remedy offered by a doctor banner.
    fn apply_remedy(&mut self, remedy: Remedy) {
        let lab = &mut self.lab;
        let config = &mut lab.settings.train;
        match remedy {
            Remedy::LowerLearningRate => {
                let before = config.clone();
                config.optimizer.learning_rate /= 10.0;
                let lr = config.optimizer.learning_rate;
                lab.worker.send(Command::SetLearningRate(lr));
                lab.note_live_change(&before);
                if matches!(lab.banner, Some(Banner::Diverged(..))) {
                    lab.banner = None;
                }
            }
            Remedy::StandardizeInputs => self.standardize_inputs(),
            Remedy::SwitchToRelu => {
                for layer in &mut config.hidden {
                    layer.activation = crate::nn::ActivationKind::Relu;
                }
                config.init_gain = 1.0;
                lab.reset();
            }
            Remedy::StandardInitScale | Remedy::RandomInit => {
                config.init_gain = 1.0;
                lab.reset();
            }
            Remedy::AddL2 => {
                config.l2 = if config.l2 > 0.0 {
                    (config.l2 * 10.0).min(0.1)
                } else {
                    0.01
                };
                lab.reset();
            }
            Remedy::StopEarly => {
                config.early_stopping_patience = 20;
                lab.reset();
            }
            Remedy::Reset => lab.reset(),
        }
    }

    /// Rescales every feature to mean 0, standard deviation 1 (training statistics) and
    /// starts over; says so when the data are already standardised.
    fn standardize_inputs(&mut self) {
        let lab = &mut self.lab;
        if lab.data.standardizer.is_some() || lab.data.image_shape.is_some() {
            lab.banner = Some(Banner::Error(
                "the inputs are already standardised (or are images scaled to [0, 1])".into(),
            ));
            return;
        }
        let mut data = (*lab.data).clone();
        let standardizer = crate::data::Standardizer::fit(&data.train);
        standardizer.transform(&mut data.train);
        standardizer.transform(&mut data.test);
        data.standardizer = Some(standardizer);
        data.name = format!("{} (standardised)", data.name);
        lab.settings.data.choice = DatasetChoice::Loaded(Arc::new(data));
        lab.settings.data.source = None;
        lab.rebuild_data();
        self.panels.boundary.data_changed();
    }

    /// Asks the worker for the trace the stepper or the network view needs, and for nothing
    /// when neither is shown.
    pub(super) fn sync_trace_request(&mut self) {
        let stepper = &self.panels.stepper;
        let lab = &mut self.lab;
        let wanted = (lab.data.image_shape.is_none()
            && (stepper.is_open() || self.panels.mlp_tab == MlpTab::Network))
            .then(|| stepper.sample());
        let batch = stepper.batch();
        let neuron_maps = lab.data.image_shape.is_none()
            && lab.data.n_features() >= 2
            && self.panels.mlp_tab == MlpTab::Network;
        if wanted != lab.views.trace_sample
            || batch != lab.views.trace_batch
            || neuron_maps != lab.views.neuron_maps
        {
            lab.views.trace_sample = wanted;
            lab.views.trace_batch = batch;
            lab.views.neuron_maps = neuron_maps;
            lab.worker.send(Command::SetViews(lab.views.clone()));
        }
    }

    /// Carries out the keyboard shortcuts pressed this frame (see [`crate::ui::present`]).
    pub(super) fn shortcuts(&mut self, ctx: &egui::Context) {
        for shortcut in pressed_shortcuts(ctx) {
            let locked = |control| {
                self.worksheet
                    .sheet
                    .as_ref()
                    .is_some_and(|sheet| sheet.is_locked(control))
            };
            // In the lesson, the race and the memory Space/→/R drive that view's run (never
            // the lab's, which is paused outside the lab and would move unseen).
            let lab = self.mode == AppMode::NetworkLab;
            // The stepper takes → and ← only while it is on screen (open on the network view
            // of feature data): → advanced a hidden one without a sign, and on MNIST, where it
            // cannot show, → stopped stepping.
            let stepper_open = self
                .panels
                .stepper_shown(self.lab.data.image_shape.is_some());
            let action = match shortcut {
                Shortcut::Presentation => Action::TogglePresentation,
                Shortcut::Help => {
                    self.presentation.help_open = !self.presentation.help_open;
                    continue;
                }
                _ if matches!(self.mode, AppMode::Lesson | AppMode::Race | AppMode::Memory) => {
                    let view: &mut dyn SteppedView = match self.mode {
                        AppMode::Lesson => &mut self.panels.lesson,
                        AppMode::Race => &mut self.panels.race,
                        _ => &mut self.panels.memory,
                    };
                    match shortcut {
                        Shortcut::PlayPause => view.play_pause(),
                        Shortcut::Step => view.step_paused(),
                        Shortcut::Reset => view.reset(),
                        _ => {}
                    }
                    continue;
                }
                _ if !lab => continue,
                // Past the update phase, → takes that training step (unless a worksheet
                // locks Step).
                Shortcut::Step if stepper_open => {
                    if self.panels.stepper.next_phase() && !locked(ControlId::Step) {
                        self.panels.stepper.traced_step()
                    } else {
                        continue;
                    }
                }
                Shortcut::Back if stepper_open => {
                    self.panels.stepper.previous_phase();
                    continue;
                }
                // A worksheet that locks a control locks its key too.
                Shortcut::PlayPause if locked(ControlId::Play) => continue,
                Shortcut::Step if locked(ControlId::Step) => continue,
                Shortcut::Reset if locked(ControlId::Reset) => continue,
                Shortcut::PlayPause if self.lab.run.running => Action::Pause,
                Shortcut::PlayPause => Action::Play,
                Shortcut::Step => Action::Step(1),
                Shortcut::Back => continue,
                Shortcut::Reset => Action::Reset,
            };
            self.handle(ctx, action);
        }
    }
}
