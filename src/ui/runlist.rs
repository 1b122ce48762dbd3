//! The lab's runs as view models: each training session is a run with a name, a colour, its
//! settings, its curves, its checkpoints and (for a branch) its parent and branch step. One run
//! is selected: its worker, curves and settings are the lab's own (the panels draw it), so its
//! entry here holds placeholders; the others train on in the background.
//!
//! [`RunAction`] is what the Runs panel asks for; the App carries it out (`ui/app/runs.rs`).

use std::sync::Arc;

use eframe::egui::Color32;

use crate::data::Dataset;
use crate::train::{CheckpointList, TrainConfig};
use crate::ui::state::{RunView, Settings};

/// Ten colours that stay apart from one another (Tableau 10), given to runs in turn.
pub const RUN_COLORS: [Color32; 10] = [
    Color32::from_rgb(31, 119, 180),
    Color32::from_rgb(255, 127, 14),
    Color32::from_rgb(44, 160, 44),
    Color32::from_rgb(214, 39, 40),
    Color32::from_rgb(148, 103, 189),
    Color32::from_rgb(140, 86, 75),
    Color32::from_rgb(227, 119, 194),
    Color32::from_rgb(127, 127, 127),
    Color32::from_rgb(188, 189, 34),
    Color32::from_rgb(23, 190, 207),
];

/// One run.
pub struct RunEntry {
    /// Stable id (never reused).
    pub id: u64,
    /// Name shown in the table and on hover (editable).
    pub name: String,
    /// Colour of its curves.
    pub color: Color32,
    /// Its curves are overlaid on the loss and accuracy plots.
    pub ticked: bool,
    /// The run it branched from and the step it branched at.
    pub parent: Option<(u64, u64)>,
    /// The step its own curve starts at (0, or the branch step).
    pub first_step: u64,
    /// Its settings (for the selected run: as when it was last selected; the live ones are
    /// the lab's).
    pub settings: Settings,
    /// Its data set (for the selected run: the lab's).
    pub data: Arc<Dataset>,
    /// Its counters and curves (for the selected run: a placeholder; the lab's are live).
    pub run: RunView,
    /// Steps of its kept checkpoints, bytes and budget.
    pub checkpoints: CheckpointList,
}

/// Test metrics of a run over all its evaluations, for the table: the best, the other
/// extreme and the newest value of the test loss and of the test accuracy.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RunSummary {
    /// Steps taken.
    pub steps: u64,
    /// Lowest test loss of any evaluation (the best; also the minimum).
    pub best_test_loss: Option<f64>,
    /// Highest test loss of any evaluation.
    pub max_test_loss: Option<f64>,
    /// Test loss of the newest evaluation.
    pub final_test_loss: Option<f64>,
    /// Step of the newest evaluation (of `final_test_loss` and `final_test_accuracy`): before
    /// `steps` while the run trains between evaluations, or when it was saved so.
    pub final_test_step: Option<u64>,
    /// The run's worker is training (its newest evaluation is a moment old by nature).
    pub running: bool,
    /// Highest test accuracy (0–1) of any evaluation (the best; also the maximum).
    pub best_test_accuracy: Option<f64>,
    /// Lowest test accuracy (0–1) of any evaluation.
    pub min_test_accuracy: Option<f64>,
    /// Test accuracy of the newest evaluation.
    pub final_test_accuracy: Option<f64>,
}

/// `value` folded into the running (min, max); a non-finite value leaves it as it is.
fn extremes(range: Option<(f64, f64)>, value: f64) -> Option<(f64, f64)> {
    if !value.is_finite() {
        return range;
    }
    Some(range.map_or((value, value), |(low, high)| {
        (low.min(value), high.max(value))
    }))
}

impl RunSummary {
    /// The step of the newest test metrics when they are not of the run's current weights
    /// (it stands at a later step and is not training): the table says so beside them.
    pub fn stale_test_step(&self) -> Option<u64> {
        self.final_test_step
            .filter(|&step| step != self.steps && !self.running)
    }

    /// The summary of `run`'s evaluations (non-finite values are left out of the extremes).
    pub fn of(run: &RunView) -> Self {
        let mut loss = None;
        let mut accuracy = None;
        for metrics in run.evals.iter().filter_map(|e| e.test) {
            loss = extremes(loss, metrics.loss);
            if let Some(a) = metrics.accuracy {
                accuracy = extremes(accuracy, a);
            }
        }
        let newest = run.evals.iter().rev().find(|e| e.test.is_some());
        let last = newest.and_then(|e| e.test);
        Self {
            steps: run.step,
            best_test_loss: loss.map(|r| r.0),
            max_test_loss: loss.map(|r| r.1),
            final_test_loss: last.map(|m| m.loss),
            final_test_step: newest.map(|e| e.step),
            running: run.running,
            best_test_accuracy: accuracy.map(|r| r.1),
            min_test_accuracy: accuracy.map(|r| r.0),
            final_test_accuracy: last.and_then(|m| m.accuracy),
        }
    }
}

/// The runs of the lab, oldest first, and which one is selected.
pub struct RunList {
    /// Every run.
    pub entries: Vec<RunEntry>,
    /// Id of the selected run.
    pub selected: u64,
    /// The step picked on the timeline of the selected run (marked on its curves; Branch
    /// and Rewind use the newest checkpoint at or before it).
    pub timeline_step: Option<u64>,
    next_id: u64,
}

impl RunList {
    /// A list holding one run, selected, named "run 1".
    pub fn new(settings: &Settings, data: &Arc<Dataset>) -> Self {
        let mut list = Self {
            entries: Vec::new(),
            selected: 0,
            timeline_step: None,
            next_id: 0,
        };
        let id = list.add(settings, data, None);
        list.selected = id;
        list
    }

    /// Adds a run (not selected) and returns its id. A branch is named after its parent.
    pub fn add(
        &mut self,
        settings: &Settings,
        data: &Arc<Dataset>,
        parent: Option<(u64, u64)>,
    ) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let name = match parent.and_then(|(p, step)| Some((self.entry(p)?, step))) {
            Some((p, step)) => format!("{} @{step}", p.name),
            // The first "run N" no run has: "run 3" after one reopened run read as if a run
            // had been lost.
            None => (1..)
                .map(|n| format!("run {n}"))
                .find(|name| self.entries.iter().all(|e| &e.name != name))
                .unwrap_or_default(),
        };
        self.entries.push(RunEntry {
            id,
            name,
            color: RUN_COLORS[id as usize % RUN_COLORS.len()],
            ticked: true,
            parent,
            first_step: parent.map_or(0, |(_, step)| step),
            settings: settings.clone(),
            data: Arc::clone(data),
            run: RunView::default(),
            checkpoints: CheckpointList::default(),
        });
        id
    }

    /// The run with `id`.
    pub fn entry(&self, id: u64) -> Option<&RunEntry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// The run with `id`, to change it.
    pub fn entry_mut(&mut self, id: u64) -> Option<&mut RunEntry> {
        self.entries.iter_mut().find(|e| e.id == id)
    }

    /// The selected run.
    pub fn selected_entry(&self) -> Option<&RunEntry> {
        self.entry(self.selected)
    }

    /// The selected run, to change it.
    pub fn selected_entry_mut(&mut self) -> Option<&mut RunEntry> {
        let id = self.selected;
        self.entry_mut(id)
    }

    /// The curves of `entry`: the lab's `live` ones for the selected run.
    pub fn run_of<'a>(&'a self, entry: &'a RunEntry, live: &'a RunView) -> &'a RunView {
        if entry.id == self.selected {
            live
        } else {
            &entry.run
        }
    }

    /// The settings of `entry`: the lab's `live` ones for the selected run.
    pub fn settings_of<'a>(&'a self, entry: &'a RunEntry, live: &'a Settings) -> &'a Settings {
        if entry.id == self.selected {
            live
        } else {
            &entry.settings
        }
    }

    /// The ticked runs.
    pub fn ticked(&self) -> impl Iterator<Item = &RunEntry> {
        self.entries.iter().filter(|e| e.ticked)
    }
}

/// The settings that differ between two runs, as `(name, first run's value, second's)`.
pub fn differing_settings(
    a: (&Settings, &Dataset),
    b: (&Settings, &Dataset),
) -> Vec<(&'static str, String, String)> {
    let rows = |(settings, data): (&Settings, &Dataset)| {
        let t: &TrainConfig = &settings.train;
        let hidden: Vec<String> = t
            .hidden
            .iter()
            .map(|l| format!("{} {:?}", l.units, l.activation))
            .collect();
        [
            ("data set", data.name.clone()),
            ("hidden layers", hidden.join(", ")),
            ("optimizer", t.optimizer.kind.name().to_string()),
            (
                "learning rate",
                crate::ui::format::format_learning_rate(t.optimizer.learning_rate),
            ),
            ("batch size", t.batch_size.to_string()),
            ("L2", t.l2.to_string()),
            ("seed", t.seed.to_string()),
            ("epochs", t.epochs.to_string()),
            ("initial scale", t.init_gain.to_string()),
        ]
    };
    rows(a)
        .into_iter()
        .zip(rows(b))
        .filter(|(x, y)| x.1 != y.1)
        .map(|(x, y)| (x.0, x.1, y.1))
        .collect()
}

/// What the Runs panel asks the App to do.
#[derive(Clone, Debug, PartialEq)]
pub enum RunAction {
    /// Start another run with the current settings, keeping the others (they train on).
    New,
    /// Show this run in the panels (and drive it with the controls).
    Select(u64),
    /// Overlay (or stop overlaying) this run's curves.
    Tick(u64, bool),
    /// Untick every run but this one.
    ShowOnly(u64),
    /// Rename this run.
    Rename(u64, String),
    /// Delete this run (its worker stops; the last run cannot be deleted).
    Delete(u64),
    /// Pick a step on the selected run's timeline (`None`: the newest).
    Timeline(Option<u64>),
    /// Take a checkpoint of the selected run now.
    CheckpointNow,
    /// Start a new run from the selected run's newest checkpoint at or before this step,
    /// with the current settings.
    Branch(u64),
    /// Rewind the selected run to its newest checkpoint at or before this step.
    Rewind(u64),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::{EvalRecord, SplitMetrics};

    fn eval(step: u64, loss: f64, accuracy: Option<f64>) -> EvalRecord {
        EvalRecord {
            step,
            epoch: 0,
            train: None,
            test: Some(SplitMetrics { loss, accuracy }),
        }
    }

    /// A new run takes the first "run N" that no run has.
    #[test]
    fn a_new_run_takes_the_first_free_name() {
        let data = Arc::new(crate::data::synth::generate(
            &crate::data::synth::SynthConfig::new(crate::data::synth::SynthKind::Spiral),
        ));
        let settings = Settings::default();
        let mut list = RunList::new(&settings, &data);
        let second = list.add(&settings, &data, None);
        let names = |list: &RunList| -> Vec<String> {
            list.entries.iter().map(|e| e.name.clone()).collect()
        };
        assert_eq!(names(&list), ["run 1", "run 2"]);
        list.entries.retain(|e| e.id != 0);
        list.add(&settings, &data, None);
        assert_eq!(names(&list), ["run 2", "run 1"]);
        if let Some(entry) = list.entry_mut(second) {
            entry.name = "mine".into();
        }
        list.add(&settings, &data, None);
        assert_eq!(names(&list), ["mine", "run 1", "run 2"]);
    }

    #[test]
    fn the_summary_has_best_extremes_and_last() {
        let mut run = RunView {
            step: 300,
            ..RunView::default()
        };
        run.evals = vec![
            eval(100, 0.9, Some(0.55)),
            eval(200, 0.3, Some(0.92)),
            eval(250, f64::NAN, Some(0.4)),
            eval(300, 0.45, Some(0.88)),
        ];
        let summary = RunSummary::of(&run);
        assert_eq!(
            summary,
            RunSummary {
                steps: 300,
                best_test_loss: Some(0.3),
                max_test_loss: Some(0.9),
                final_test_loss: Some(0.45),
                final_test_step: Some(300),
                running: false,
                best_test_accuracy: Some(0.92),
                min_test_accuracy: Some(0.4),
                final_test_accuracy: Some(0.88),
            }
        );
        // Regression: no accuracy; no evaluation yet: nothing.
        run.evals = vec![eval(10, 2.0, None), eval(20, 1.5, None)];
        let summary = RunSummary::of(&run);
        assert_eq!(summary.best_test_loss, Some(1.5));
        assert_eq!(summary.max_test_loss, Some(2.0));
        assert_eq!(summary.best_test_accuracy, None);
        assert_eq!(
            summary.final_test_step,
            Some(20),
            "evaluated at 20, standing at 300"
        );
        assert_eq!(summary.stale_test_step(), Some(20));
        assert_eq!(RunSummary::of(&RunView::default()), RunSummary::default());
    }
}
