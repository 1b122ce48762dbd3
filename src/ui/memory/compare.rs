//! Side by side: the same cue played under a second setting (other dynamics or another rule)
//! on a second memory thread, with its own state, energy curve and end state. Play, Pause,
//! Step and the speed drive both runs.

use std::sync::Arc;

use eframe::egui::{self, RichText};

use super::DynamicsKind;
use crate::memory::{
    ContinuousParams, Dynamics, EndState, Grid, Hopfield, LearningRule, Pattern, Recall,
};
use crate::train::memory::{MemoryCommand, MemoryEvent, MemoryWorker};

/// The second run and its setting.
pub(super) struct Compare {
    /// Whether a new cue also starts the second run.
    pub(super) enabled: bool,
    /// The second run's dynamics.
    pub(super) dynamics: DynamicsKind,
    /// The second run's learning rule (the same patterns are stored with it).
    pub(super) rule: LearningRule,
    worker: Option<MemoryWorker>,
    pub(super) loaded: bool,
    pub(super) state: Vec<i8>,
    pub(super) energy: Vec<[f64; 2]>,
    pub(super) end: Option<EndState>,
}

impl Default for Compare {
    fn default() -> Self {
        Compare {
            enabled: false,
            dynamics: DynamicsKind::Sync,
            rule: LearningRule::Hebb,
            worker: None,
            loaded: false,
            state: Vec::new(),
            energy: Vec::new(),
            end: None,
        }
    }
}

impl Compare {
    /// Drops the second run.
    pub(super) fn reset(&mut self) {
        self.loaded = false;
        self.state.clear();
        self.energy.clear();
        self.end = None;
    }

    /// Loads the second run: `patterns` stored with [`Compare::rule`], the same `cue` and
    /// seed, [`Compare::dynamics`] (at `temperature` if stochastic).
    ///
    /// # Errors
    /// The model's error for a pattern or cue that does not fit, in one line.
    pub(super) fn load(
        &mut self,
        ctx: &egui::Context,
        grid: Grid,
        patterns: &[Pattern],
        cue: &[i8],
        seed: u64,
        temperature: f64,
    ) -> Result<(), String> {
        self.reset();
        let mut net = Hopfield::new(grid, self.rule);
        net.store_all(patterns).map_err(|e| e.to_string())?;
        let dynamics = match self.dynamics {
            DynamicsKind::Async => Dynamics::Async,
            DynamicsKind::Sync => Dynamics::Sync,
            DynamicsKind::Stochastic => Dynamics::Stochastic { temperature },
            DynamicsKind::Continuous => Dynamics::Continuous(ContinuousParams::default()),
        };
        let recall = Recall::new(net, cue, dynamics, seed).map_err(|e| e.to_string())?;
        self.energy.push([0.0, recall.net().energy()]);
        self.state = cue.to_vec();
        let worker = self
            .worker
            .get_or_insert_with(|| MemoryWorker::spawn(Arc::new(ctx.clone())));
        worker.send(MemoryCommand::Load(Box::new(recall)));
        self.loaded = true;
        Ok(())
    }

    /// Sends `command` to the second run, if one is loaded.
    pub(super) fn send(&self, command: MemoryCommand) {
        if let (true, Some(worker)) = (self.loaded, &self.worker) {
            worker.send(command);
        }
    }

    /// Applies what the second thread reported.
    pub(super) fn poll(&mut self) {
        let Some(worker) = &self.worker else { return };
        while let Some(event) = worker.try_event() {
            match event {
                MemoryEvent::Frame(frame) => {
                    for record in &frame.steps {
                        super::push_point(&mut self.energy, [record.updates as f64, record.energy]);
                    }
                    self.state = frame.state;
                }
                MemoryEvent::Ended(end) => self.end = Some(end),
                _ => {}
            }
        }
    }

    /// The setting: a checkbox and the second run's dynamics and rule.
    pub(super) fn settings_ui(&mut self, ui: &mut egui::Ui) {
        ui.checkbox(&mut self.enabled, "Side by side")
            .on_hover_text("Also play the same cue under a second setting (from the next cue on)");
        ui.add_enabled_ui(self.enabled, |ui| {
            ui.horizontal(|ui| {
                egui::ComboBox::from_id_salt("memory_compare_dynamics")
                    .selected_text(self.dynamics.name())
                    .show_ui(ui, |ui| {
                        for d in DynamicsKind::ALL {
                            ui.selectable_value(&mut self.dynamics, d, d.name());
                        }
                    })
                    .response
                    .on_hover_text("The second run's dynamics");
                egui::ComboBox::from_id_salt("memory_compare_rule")
                    .selected_text(self.rule.name())
                    .show_ui(ui, |ui| {
                        for r in LearningRule::ALL {
                            ui.selectable_value(&mut self.rule, r, r.name());
                        }
                    })
                    .response
                    .on_hover_text("The second run's learning rule (the same patterns)");
            });
        });
    }

    /// The second run's title: its setting.
    pub(super) fn title(&self) -> String {
        format!("B: {}, {}", self.dynamics.name(), self.rule.name())
    }

    /// The second run's end state (named against `patterns`, the stored ones), or that it
    /// is still going.
    pub(super) fn end_ui(&self, ui: &mut egui::Ui, patterns: &[Pattern]) {
        let text = match &self.end {
            Some(end) => format!("{} ended: {}", self.title(), end.describe(patterns)),
            None => format!("{}: running", self.title()),
        };
        ui.label(RichText::new(text).strong())
            .on_hover_text("Where the second run (same cue, other setting) stopped");
    }
}
