//! Loss panel: training loss of every step, train and test loss of the periodic evaluations,
//! and accuracy for classification.

use eframe::egui::{self, Color32, RichText};
use egui_plot::{Line, Plot, PlotPoints, VLine};

use crate::data::Dataset;
use crate::train::SplitMetrics;
use crate::ui::action::Action;
use crate::ui::panel::Panel;
use crate::ui::plot::{
    LegendEntry, Marker, count_x_axis, data_y_grid, envelope, legend_row, log_y_axis, loss_to_plot,
    step_loss_points, x_axis, y_axis,
};
use crate::ui::runlist::RunList;
use crate::ui::runplot::RunPlot;
use crate::ui::state::RunView;
use crate::ui::state::View;

/// The tooltip of the train/test summary: which loss it is.
const WHOLE_SPLIT_TOOLTIP: &str = "Latest whole-split evaluation at the current weights: the \
    mean loss over every sample of the split (softmax cross-entropy in nats, or mean squared \
    error) and the share classified correctly. This is the train_loss of `gradscope train \
    --json`, not the mean of the epoch's mini-batch losses (the thin 'each step' line), which \
    most PyTorch loops print and which is higher while the model improves.";
/// The ticked runs whose curves are overlaid, with their curves, when the plots compare runs:
/// more than one run ticked, or one that is not the selected run. Empty otherwise (the plots
/// then show the selected run alone, with its train, test and per-step curves).
pub fn overlaid_runs<'a>(
    runs: &'a RunList,
    live: &'a RunView,
) -> Vec<(&'a crate::ui::runlist::RunEntry, &'a RunView)> {
    let ticked: Vec<_> = runs
        .ticked()
        .map(|entry| (entry, runs.run_of(entry, live)))
        .collect();
    let alone = ticked.len() == 1 && ticked[0].0.id == runs.selected;
    if alone { Vec::new() } else { ticked }
}

const STEP_COLOR: Color32 = Color32::from_rgba_premultiplied(70, 95, 130, 150);
const TRAIN_COLOR: Color32 = Color32::from_rgb(31, 119, 180);
const TEST_COLOR: Color32 = Color32::from_rgb(255, 127, 14);

/// The loss panel's own state.
#[derive(Default)]
pub struct LossPanel {
    /// Plot log10 of the loss.
    pub log_y: bool,
    /// The overlaid runs' plots, their controls and cached curves.
    pub compare: RunPlot,
}

/// Maps a loss to plot space (see [`loss_to_plot`]).
fn to_plot(value: f64, log_y: bool) -> Option<f64> {
    loss_to_plot(value, log_y)
}

fn metric_line(
    run: &RunView,
    pick: impl Fn(&crate::train::EvalRecord) -> Option<SplitMetrics>,
    value: impl Fn(SplitMetrics) -> Option<f64>,
) -> Vec<[f64; 2]> {
    run.evals
        .iter()
        .filter_map(|record| {
            let y = value(pick(record)?)?;
            y.is_finite().then_some([record.step as f64, y])
        })
        .collect()
}

/// A loss in the header: 4 decimals, or an exponent once it is too large to read in full
/// (`7.467e29`; a diverged run printed 30 digits and pushed the plots aside).
fn loss_text(loss: f64) -> String {
    if loss.is_finite() && loss.abs() >= 1e4 {
        format!("{loss:.3e}")
    } else {
        format!("{loss:.4}")
    }
}

impl Panel for LossPanel {
    /// The loss and accuracy plots of the run.
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>) -> Option<Action> {
        let (data, run): (&Dataset, _) = (view.data, view.run);
        ui.horizontal(|ui| {
            ui.heading("Loss");
            ui.checkbox(&mut self.log_y, "log scale")
                .on_hover_text("Plot the loss on a logarithmic axis (powers of ten)");
        });
        let latest = run.evals.last();
        let summary = |metrics: Option<SplitMetrics>| {
            metrics.map_or_else(
                || "–".to_string(),
                |m| match m.accuracy {
                    Some(acc) => format!("{} ({:.1} %)", loss_text(m.loss), acc * 100.0),
                    None => loss_text(m.loss),
                },
            )
        };
        let what = if data.is_classification() {
            "loss (accuracy)"
        } else {
            "loss"
        };
        // Evaluations of a large split (MNIST) can lag many steps behind: say which step
        // the numbers are of, so old numbers never pass for the current weights.
        let lag = latest
            .and_then(|r| stale_eval_step(run.step, r.step))
            .map_or_else(String::new, |at| format!("   (at step {at})"));
        // Two labels that each keep to one line: in a narrow column the wrap falls between
        // the train and the test numbers, not inside "test loss (accuracy)".
        let train_text = format!("train {what}: {}", summary(latest.and_then(|r| r.train)));
        let test_text = format!("test {what}: {}{lag}", summary(latest.and_then(|r| r.test)));
        ui.horizontal_wrapped(|ui| {
            for text in [train_text, test_text] {
                ui.add(
                    egui::Label::new(RichText::new(text).monospace())
                        .wrap_mode(egui::TextWrapMode::Extend),
                )
                .on_hover_text(WHOLE_SPLIT_TOOLTIP);
            }
        });

        let log_y = self.log_y;
        let overlay = overlaid_runs(view.runs, run);
        if !overlay.is_empty() {
            let classification = data.is_classification();
            self.compare.ui(ui, view, &overlay, log_y, classification);
            return None;
        }
        // Curves are thinned to the plot's pixel columns, keeping each column's extremes.
        let columns = ui.available_width().max(1.0) as usize;
        let steps = envelope(
            &step_loss_points(&run.losses, |loss| to_plot(loss, log_y)),
            columns,
        );
        let train = envelope(
            &metric_line(run, |r| r.train, |m| to_plot(m.loss, log_y)),
            columns,
        );
        let test = envelope(
            &metric_line(run, |r| r.test, |m| to_plot(m.loss, log_y)),
            columns,
        );
        let classification = data.is_classification();
        // Both plots and their legend rows share the room exactly (the panel's rectangle is
        // fixed, and anything past it would be cut off).
        let room = ui.available_height();
        let top = ui.cursor().top();
        legend_ui(ui);
        let marker = view.runs.timeline_step;
        let legend_height = ui.cursor().top() - top;
        let plots = room - legend_height - 12.0;
        // With too little room for two readable plots (a projector, with a table of numbers
        // below) the loss plot takes it all: the accuracy is in the text above.
        let with_accuracy = classification && plots >= MIN_HEIGHT_FOR_BOTH_PLOTS;
        let height = if with_accuracy {
            (plots * 0.62).max(40.0)
        } else {
            (room - legend_height - 4.0).max(40.0)
        };
        let mut plot = count_x_axis(
            Plot::new("loss_plot")
                .height(height)
                .custom_x_axes(x_axis("step")),
        )
        .y_grid_spacer(data_y_grid)
        .custom_y_axes(y_axis(if log_y { "loss (log10)" } else { "loss" }))
        .include_x(0.0)
        .include_x(run.step.max(10) as f64)
        .allow_scroll(false);
        if !log_y {
            // A loss is never negative: the axis starts at 0 (also before the first step,
            // instead of egui's default −5…5).
            plot = plot.include_y(0.0);
        }
        if steps.is_empty() && train.is_empty() && test.is_empty() {
            plot = plot.include_y(if log_y { -1.0 } else { 1.0 });
        }
        if log_y {
            plot = log_y_axis(plot);
        }
        plot.show(ui, |plot_ui| {
            if let Some(step) = marker {
                plot_ui.vline(VLine::new("timeline", step as f64).color(Color32::GRAY));
            }
            plot_ui.line(
                Line::new("train loss (each step)", PlotPoints::from(steps))
                    .color(STEP_COLOR)
                    .width(1.0),
            );
            plot_ui.line(
                Line::new("train loss (whole split)", PlotPoints::from(train))
                    .color(TRAIN_COLOR)
                    .width(2.0),
            );
            plot_ui.line(
                Line::new("test loss", PlotPoints::from(test))
                    .color(TEST_COLOR)
                    .width(2.0),
            );
        });
        if with_accuracy {
            accuracy_plot_ui(ui, run, (plots - height).max(30.0));
        }
        None
    }
}

/// The least room, in points, in which the loss and the accuracy plot are both drawn (each
/// with its axis labels); with less, only the loss plot is.
pub const MIN_HEIGHT_FOR_BOTH_PLOTS: f32 = 150.0;

/// One legend for both plots (the colours mean the same in each).
fn legend_ui(ui: &mut egui::Ui) {
    legend_row(
        ui,
        &[
            LegendEntry::new("each step (mini-batch)", STEP_COLOR, Marker::Line),
            LegendEntry::new("train", TRAIN_COLOR, Marker::Line),
            LegendEntry::new("test", TEST_COLOR, Marker::Line),
        ],
    );
}

/// Train and test accuracy (%) at each evaluation, `height` points high.
fn accuracy_plot_ui(ui: &mut egui::Ui, run: &RunView, height: f32) {
    let columns = ui.available_width().max(1.0) as usize;
    let train_acc = envelope(
        &metric_line(run, |r| r.train, |m| m.accuracy.map(|a| a * 100.0)),
        columns,
    );
    let test_acc = envelope(
        &metric_line(run, |r| r.test, |m| m.accuracy.map(|a| a * 100.0)),
        columns,
    );
    count_x_axis(
        Plot::new("accuracy_plot")
            .height(height)
            .custom_x_axes(x_axis("step")),
    )
    .include_x(0.0)
    .include_x(run.step.max(10) as f64)
    .y_grid_spacer(data_y_grid)
    .custom_y_axes(y_axis("accuracy %"))
    .include_y(0.0)
    .include_y(100.0)
    .allow_scroll(false)
    .show(ui, |plot_ui| {
        plot_ui.line(
            Line::new("train accuracy", PlotPoints::from(train_acc))
                .color(TRAIN_COLOR)
                .width(2.0),
        );
        plot_ui.line(
            Line::new("test accuracy", PlotPoints::from(test_acc))
                .color(TEST_COLOR)
                .width(2.0),
        );
    });
}

/// The step of the latest evaluation when it lags the run's `step` by more than a tenth of
/// the run (a whole-split evaluation of MNIST takes seconds, and the headline would otherwise
/// show old numbers as the current ones); `None` when it is recent enough.
pub fn stale_eval_step(step: u64, evaluated_at: u64) -> Option<u64> {
    let lag = step.saturating_sub(evaluated_at);
    (lag > 0 && lag.saturating_mul(10) > step).then_some(evaluated_at)
}

#[cfg(test)]
mod tests {
    use super::{stale_eval_step, to_plot};

    #[test]
    fn an_evaluation_a_tenth_of_the_run_behind_names_its_step() {
        // MNIST: 295 steps taken, the last evaluation at step 0.
        assert_eq!(stale_eval_step(295, 0), Some(0));
        assert_eq!(stale_eval_step(6000, 5000), Some(5000));
        // The spiral: evaluated 150 steps ago at step 6000, or right now.
        assert_eq!(stale_eval_step(6000, 5850), None);
        assert_eq!(stale_eval_step(6000, 6000), None);
        assert_eq!(stale_eval_step(0, 0), None);
    }

    #[test]
    fn non_finite_losses_never_reach_the_plot() {
        assert_eq!(to_plot(f64::NAN, false), None);
        assert_eq!(to_plot(f64::INFINITY, true), None);
        assert_eq!(to_plot(100.0, true), Some(2.0));
        assert_eq!(to_plot(0.0, true), Some(-12.0));
    }
}
