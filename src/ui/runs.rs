//! Runs panel: the lab's runs as a sortable table (tick to overlay their curves, ● to select;
//! right-click a name to rename, delete or show only that run), the selected run's checkpoint timeline with
//! "Checkpoint now", "Branch from here" and "Rewind here", the settings that differ between two
//! ticked runs, and the lineage tree (which run branched from which, at what step).

use std::cmp::Ordering;

use eframe::egui::{self, RichText};

use crate::ui::action::Action;
use crate::ui::format::format_number;
use crate::ui::panel::Panel;
use crate::ui::runlist::{RunAction, RunEntry, RunList, RunSummary, differing_settings};
use crate::ui::state::View;

/// A column the table can be sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    /// Order of creation.
    Created,
    /// Name, alphabetically.
    Name,
    /// Learning rate.
    LearningRate,
    /// Seed.
    Seed,
    /// Steps taken.
    Steps,
    /// Lowest test loss.
    BestLoss,
    /// Highest test loss.
    MaxLoss,
    /// Newest test loss.
    FinalLoss,
    /// Highest test accuracy.
    BestAccuracy,
    /// Lowest test accuracy.
    MinAccuracy,
    /// Newest test accuracy.
    FinalAccuracy,
}

/// Which test metric the table's last three columns summarise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableMetric {
    /// Test loss: best (lowest), highest, newest.
    Loss,
    /// Test accuracy: best (highest), lowest, newest.
    Accuracy,
}

/// Longest run name the table shows in full (longer ones end in "…"; hover shows all). A
/// branch of a branch ("run 5 @6000 @11000") cut at 14 characters widened the name column
/// past a 1280-pixel window's edge.
pub const NAME_CHARS: usize = 11;

/// The Runs panel's own state: the sort order, the metric shown and the run being renamed.
pub struct RunsPanel {
    /// Column the table is sorted by.
    pub sort: SortKey,
    /// Ascending order (false: descending).
    pub ascending: bool,
    /// The metric of the last three columns.
    pub metric: TableMetric,
    /// The run being renamed and the name typed so far.
    renaming: Option<(u64, String)>,
}

impl Default for RunsPanel {
    fn default() -> Self {
        Self {
            sort: SortKey::Created,
            ascending: true,
            metric: TableMetric::Loss,
            renaming: None,
        }
    }
}

/// `name` cut to [`NAME_CHARS`] characters, the last of them "…" when it was longer.
pub fn short_name(name: &str) -> String {
    if name.chars().count() <= NAME_CHARS {
        return name.to_string();
    }
    let mut short: String = name.chars().take(NAME_CHARS - 1).collect();
    short.push('…');
    short
}

/// One row's sortable values.
struct Row<'a> {
    entry: &'a RunEntry,
    summary: RunSummary,
    learning_rate: f64,
    seed: u64,
    optimizer: &'static str,
    model: String,
}

fn compare_options(a: Option<f64>, b: Option<f64>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.total_cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn rows<'a>(runs: &'a RunList, view: &'a View<'_>) -> Vec<Row<'a>> {
    runs.entries
        .iter()
        .map(|entry| {
            let settings = runs.settings_of(entry, view.settings);
            let units: Vec<String> = settings
                .train
                .hidden
                .iter()
                .map(|l| l.units.to_string())
                .collect();
            Row {
                entry,
                summary: RunSummary::of(runs.run_of(entry, view.run)),
                learning_rate: settings.train.optimizer.learning_rate,
                seed: settings.train.seed,
                optimizer: settings.train.optimizer.kind.name(),
                model: units.join("-"),
            }
        })
        .collect()
}

impl RunsPanel {
    fn sort_rows(&self, rows: &mut [Row<'_>]) {
        rows.sort_by(|a, b| {
            let order = match self.sort {
                SortKey::Created => a.entry.id.cmp(&b.entry.id),
                SortKey::Name => a.entry.name.cmp(&b.entry.name),
                SortKey::LearningRate => a.learning_rate.total_cmp(&b.learning_rate),
                SortKey::Seed => a.seed.cmp(&b.seed),
                SortKey::Steps => a.summary.steps.cmp(&b.summary.steps),
                SortKey::BestLoss => {
                    compare_options(a.summary.best_test_loss, b.summary.best_test_loss)
                }
                SortKey::MaxLoss => {
                    compare_options(a.summary.max_test_loss, b.summary.max_test_loss)
                }
                SortKey::FinalLoss => {
                    compare_options(a.summary.final_test_loss, b.summary.final_test_loss)
                }
                SortKey::MinAccuracy => {
                    compare_options(a.summary.min_test_accuracy, b.summary.min_test_accuracy)
                }
                SortKey::BestAccuracy => {
                    compare_options(a.summary.best_test_accuracy, b.summary.best_test_accuracy)
                }
                SortKey::FinalAccuracy => {
                    compare_options(a.summary.final_test_accuracy, b.summary.final_test_accuracy)
                }
            };
            if self.ascending {
                order
            } else {
                order.reverse()
            }
        });
    }

    /// A column header that sorts by `key` when clicked (again: the other way round).
    fn header(&mut self, ui: &mut egui::Ui, title: &str, key: SortKey, hint: &str) {
        let arrow = match (self.sort == key, self.ascending) {
            (true, true) => " ↑",
            (true, false) => " ↓",
            _ => "",
        };
        let text = RichText::new(format!("{title}{arrow}")).strong();
        if ui
            .add(egui::Button::new(text).frame(false))
            .on_hover_text(format!("{hint}; click to sort by it"))
            .clicked()
        {
            if self.sort == key {
                self.ascending = !self.ascending;
            } else {
                self.sort = key;
                self.ascending = true;
            }
        }
    }

    /// The metric selector and the table of runs; returns what a click asked for.
    fn table_ui(&mut self, ui: &mut egui::Ui, view: &View<'_>) -> Option<RunAction> {
        let runs = view.runs;
        let mut rows = rows(runs, view);
        self.sort_rows(&mut rows);
        let classification = view.data.is_classification();
        if !classification {
            self.metric = TableMetric::Loss;
        }
        ui.horizontal(|ui| {
            ui.label("test")
                .on_hover_text("The table's last three columns summarise this test metric");
            ui.selectable_value(&mut self.metric, TableMetric::Loss, "loss")
                .on_hover_text("Best (lowest), highest and newest test loss of each run");
            if classification {
                ui.selectable_value(&mut self.metric, TableMetric::Accuracy, "accuracy")
                    .on_hover_text(
                        "Best (highest), lowest and newest test accuracy (%) of each run",
                    );
            }
        });
        let mut action = None;
        egui::ScrollArea::horizontal()
            .id_salt("runs_table_scroll")
            .show(ui, |ui| {
                egui::Grid::new("runs_table")
                    .striped(true)
                    .num_columns(7)
                    .spacing([8.0, 4.0])
                    .show(ui, |ui| {
                        self.headers_ui(ui);
                        ui.end_row();
                        for row in &rows {
                            action = action.take().or(self.name_cell_ui(ui, runs, row));
                            self.values_ui(ui, row);
                            ui.end_row();
                        }
                    });
            });
        action
    }

    /// The header row: every column sorts by its value when clicked.
    fn headers_ui(&mut self, ui: &mut egui::Ui) {
        self.header(
            ui,
            "run",
            SortKey::Name,
            "Tick to overlay its curves, ● to show it in the panels",
        );
        self.header(ui, "lr", SortKey::LearningRate, "Learning rate");
        self.header(
            ui,
            "seed",
            SortKey::Seed,
            "Seed of the weights and batch order",
        );
        self.header(ui, "steps", SortKey::Steps, "Steps taken");
        match self.metric {
            TableMetric::Loss => {
                self.header(ui, "best", SortKey::BestLoss, "Lowest test loss (the best)");
                self.header(ui, "max", SortKey::MaxLoss, "Highest test loss");
                self.header(
                    ui,
                    "last",
                    SortKey::FinalLoss,
                    "Newest test loss (\"@ step\" when it was measured before the run's step)",
                );
            }
            TableMetric::Accuracy => {
                self.header(
                    ui,
                    "best %",
                    SortKey::BestAccuracy,
                    "Highest test accuracy (the best)",
                );
                self.header(ui, "min %", SortKey::MinAccuracy, "Lowest test accuracy");
                self.header(
                    ui,
                    "last %",
                    SortKey::FinalAccuracy,
                    "Newest test accuracy (\"@ step\" when it was measured before the run's step)",
                );
            }
        }
    }

    /// A row's values after its name.
    fn values_ui(&self, ui: &mut egui::Ui, row: &Row<'_>) {
        // A diverged run's 563834.7000 was too wide for its column: large losses take the
        // exponent form (5.638e5).
        let number = |v: Option<f64>| v.map_or_else(|| "–".to_string(), format_number);
        let percent =
            |v: Option<f64>| v.map_or_else(|| "–".to_string(), |v| format!("{:.1}", v * 100.0));
        ui.label(crate::ui::format::format_learning_rate(row.learning_rate));
        ui.label(row.seed.to_string());
        ui.label(row.summary.steps.to_string());
        let summary = &row.summary;
        let values = match self.metric {
            TableMetric::Loss => [
                number(summary.best_test_loss),
                number(summary.max_test_loss),
                number(summary.final_test_loss),
            ],
            TableMetric::Accuracy => [
                percent(summary.best_test_accuracy),
                percent(summary.min_test_accuracy),
                percent(summary.final_test_accuracy),
            ],
        };
        let [best, other, last] = values;
        ui.label(best);
        ui.label(other);
        match summary.stale_test_step() {
            // Never a loss beside the wrong step: say which weights it is of.
            Some(at) => {
                ui.label(format!("{last} @{}", short_step(at)))
                    .on_hover_text(format!(
                        "Measured at step {at}, but the run stands at step {}: it was saved or \
                     paused between two evaluations, so this is not of its current weights \
                     (Play or Step evaluates them)",
                        summary.steps
                    ));
            }
            None => {
                ui.label(last);
            }
        }
    }

    /// Tick box, colour and name (●: select; rename) of one run.
    fn name_cell_ui(
        &mut self,
        ui: &mut egui::Ui,
        runs: &RunList,
        row: &Row<'_>,
    ) -> Option<RunAction> {
        let entry = row.entry;
        let mut action = None;
        ui.horizontal(|ui| {
            let mut ticked = entry.ticked;
            let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
            ui.painter().rect_filled(rect, 2.0, entry.color);
            let renaming = self
                .renaming
                .as_ref()
                .is_some_and(|(id, _)| *id == entry.id);
            let label = if renaming {
                String::new()
            } else {
                short_name(&entry.name)
            };
            let response = ui.checkbox(&mut ticked, label).on_hover_text(format!(
                "Overlay the curves of {} (right-click: rename, show only, delete)\n\
                 hidden layers {}, {}, data set {}",
                entry.name, row.model, row.optimizer, entry.data.name
            ));
            if response.changed() {
                action = Some(RunAction::Tick(entry.id, ticked));
            }
            response.context_menu(|ui| {
                if ui
                    .button("Rename")
                    .on_hover_text(format!("Type a new name for {}", entry.name))
                    .clicked()
                {
                    self.renaming = Some((entry.id, entry.name.clone()));
                    ui.close();
                }
                action = action.take().or(row_buttons_ui(ui, runs, entry));
            });
            if let Some((id, text)) = &mut self.renaming
                && *id == entry.id
            {
                let response = ui.add(egui::TextEdit::singleline(text).desired_width(90.0));
                let response = response.on_hover_text("Type the new name and press Enter");
                if response.lost_focus() {
                    action = Some(RunAction::Rename(entry.id, text.clone()));
                    self.renaming = None;
                } else {
                    response.request_focus();
                }
                return;
            }
            let selected = entry.id == runs.selected;
            let mark = if selected { "●" } else { "○" };
            if ui
                .selectable_label(selected, mark)
                .on_hover_text(format!(
                    "Show {} in the panels and drive it with the controls",
                    entry.name
                ))
                .clicked()
            {
                action = Some(RunAction::Select(entry.id));
            }
        });
        action
    }
}

/// "Show only" and "Delete" of one run (in its right-click menu).
fn row_buttons_ui(ui: &mut egui::Ui, runs: &RunList, entry: &RunEntry) -> Option<RunAction> {
    let mut action = None;
    ui.vertical(|ui| {
        if ui
            .button("Show only")
            .on_hover_text(format!("Overlay only {}", entry.name))
            .clicked()
        {
            action = Some(RunAction::ShowOnly(entry.id));
        }
        let deletable = runs.entries.len() > 1;
        if ui
            .add_enabled(deletable, egui::Button::new("Delete"))
            .on_hover_text(format!("Delete {} (its training stops)", entry.name))
            .on_disabled_hover_text("The last run cannot be deleted")
            .clicked()
        {
            action = Some(RunAction::Delete(entry.id));
        }
    });
    action
}

/// The selected run's checkpoints as a slider, with Checkpoint now, Branch and Rewind.
fn timeline_ui(ui: &mut egui::Ui, view: &View<'_>) -> Option<RunAction> {
    let runs = view.runs;
    let entry = runs.selected_entry()?;
    let steps = &entry.checkpoints.steps;
    let mut action = None;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Timeline").strong())
            .on_hover_text("The checkpoints of the selected run: pick one to branch or rewind from");
        if steps.is_empty() {
            ui.label("no checkpoints yet");
        } else {
            let chosen = runs.timeline_step.unwrap_or(steps[steps.len() - 1]);
            let mut index = steps.iter().rposition(|&s| s <= chosen).unwrap_or(0);
            let label = format!("step {}", steps[index]);
            let slider = egui::Slider::new(&mut index, 0..=steps.len() - 1)
.update_while_editing(false)
                .show_value(false)
                .text(label);
            if ui
                .add(slider)
                .on_hover_text("Pick a checkpoint (log-spaced steps, and those taken on demand)")
                .changed()
            {
                action = Some(RunAction::Timeline(Some(steps[index])));
            }
            let step = steps[index];
            if ui
                .button("Branch from here")
                .on_hover_text("Start a new run from this checkpoint with the current settings; change them on the new run")
                .clicked()
            {
                action = Some(RunAction::Branch(step));
            }
            if ui
                .button("Rewind here")
                .on_hover_text("Pause and take the selected run back to this checkpoint (its later curve is dropped)")
                .clicked()
            {
                action = Some(RunAction::Rewind(step));
            }
        }
        if ui
            .button("Checkpoint now")
            .on_hover_text("Keep the selected run's state at this step, to branch or rewind to later")
            .clicked()
        {
            action = Some(RunAction::CheckpointNow);
        }
        let memory = &entry.checkpoints;
        ui.label(format!(
            "{} checkpoint{}, {:.1} of {:.0} MiB",
            memory.steps.len(),
            if memory.steps.len() == 1 { "" } else { "s" },
            memory.bytes as f64 / 1048576.0,
            memory.budget as f64 / 1048576.0
        ))
        .on_hover_text("Memory the checkpoints of this run hold, and its budget (old ones are thinned evenly)");
    });
    action
}

/// The settings that differ between the two ticked runs (when exactly two are ticked).
fn differences_ui(ui: &mut egui::Ui, view: &View<'_>) {
    let runs = view.runs;
    let ticked: Vec<&RunEntry> = runs.ticked().collect();
    let [a, b] = ticked.as_slice() else {
        return;
    };
    let rows = differing_settings(
        (runs.settings_of(a, view.settings), a.data.as_ref()),
        (runs.settings_of(b, view.settings), b.data.as_ref()),
    );
    ui.label(RichText::new(format!("{} vs {}", a.name, b.name)).strong())
        .on_hover_text("The settings that differ between the two ticked runs");
    if rows.is_empty() {
        ui.label("same settings");
    }
    for (name, x, y) in rows {
        ui.label(format!("{name}: {x} → {y}"));
    }
}

/// Which run branched from which, at what step, as an indented tree.
fn lineage_ui(ui: &mut egui::Ui, runs: &RunList) {
    ui.label(RichText::new("Lineage").strong())
        .on_hover_text("Which run branched from which, and at what step");
    let mut stack: Vec<(u64, usize)> = runs
        .entries
        .iter()
        .filter(|e| e.parent.is_none_or(|(p, _)| runs.entry(p).is_none()))
        .rev()
        .map(|e| (e.id, 0))
        .collect();
    while let Some((id, depth)) = stack.pop() {
        let Some(entry) = runs.entry(id) else {
            continue;
        };
        let text = match entry.parent {
            Some((_, step)) => format!("→ {} (from step {step})", entry.name),
            None => entry.name.clone(),
        };
        // Indented by depth, wrapping within the column (never past the panel's edge).
        ui.horizontal_wrapped(|ui| {
            ui.add_space(14.0 * depth as f32);
            ui.label(RichText::new(text).color(entry.color));
        });
        for child in runs.entries.iter().rev() {
            if child.parent.is_some_and(|(p, _)| p == id) {
                stack.push((child.id, depth + 1));
            }
        }
    }
}

impl Panel for RunsPanel {
    /// The runs table, the timeline, the differences and the lineage.
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>) -> Option<Action> {
        let mut action = None;
        // Solid scroll bars (shown only when needed): in presentation mode the table's last
        // columns and the timeline overflow, and egui's floating bars are invisible until
        // hovered, so the panel looked cut off.
        ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading("Runs");
                if ui
                    .button("New run")
                    .on_hover_text(
                        "Start another run with the current settings; the others keep training",
                    )
                    .clicked()
                {
                    action = Some(RunAction::New);
                }
            });
            action = action.take().or(self.table_ui(ui, view));
            ui.separator();
            action = action.take().or(timeline_ui(ui, view));
            ui.separator();
            ui.columns(2, |columns| {
                differences_ui(&mut columns[0], view);
                lineage_ui(&mut columns[1], view.runs);
            });
        });
        action.map(Action::Runs)
    }
}

/// A step count short enough for a table cell: below 10 000 as it is, then thousands (`60k`,
/// rounded) and millions (`1.2M`); the cell's tooltip gives the exact step.
fn short_step(step: u64) -> String {
    match step {
        0..10_000 => step.to_string(),
        10_000..1_000_000 => format!("{:.0}k", step as f64 / 1e3),
        _ => format!("{:.1}M", step as f64 / 1e6),
    }
}

#[cfg(test)]
mod tests {
    use super::{short_name, short_step};

    #[test]
    fn steps_in_a_table_cell_are_short() {
        assert_eq!(
            [0, 9_999, 10_000, 59_551, 999_000, 1_250_000].map(short_step),
            ["0", "9999", "10k", "60k", "999k", "1.2M"]
        );
    }

    #[test]
    fn long_names_are_cut_to_eleven_characters_with_an_ellipsis() {
        assert_eq!(short_name("run 5 @6000 @11000"), "run 5 @600…");
        assert_eq!(short_name("run 1 @7000"), "run 1 @7000");
        assert_eq!(short_name("lr 0.1, β 0.9"), "lr 0.1, β …");
    }
}
