//! Where each panel goes: the bar of views at the top, and for the network lab the control
//! panel on the left, the banners, the boundary (or feature maps), the loss plots and the
//! tabbed lower-right panel. Every panel is drawn from the same [`View`]; the actions they
//! return are carried out after the frame's drawing.

use eframe::egui::{self, RichText};

use super::{GradscopeApp, ImageTab, MlpTab, Panels};
use crate::ui::action::Action;
use crate::ui::panel::Panel;
use crate::ui::state::{AppMode, View};

impl GradscopeApp {
    /// Draws the whole window for this frame and carries out what the panels asked for.
    pub(super) fn window_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.mode_bar_ui(ui);
        self.shortcuts(&ctx);
        self.update_title(&ctx);
        let mut actions = Vec::new();
        {
            let Self {
                lab,
                panels,
                worksheet,
                presentation,
                panel_names,
                recent,
                mode,
                capture,
                ..
            } = self;
            let view = View {
                settings: &lab.settings,
                data: &lab.data,
                run: &lab.run,
                doctor: &lab.doctor,
                views: &lab.views,
                banner: lab.banner.as_ref(),
                presenting: presentation.is_on(),
                worksheet: worksheet.sheet.as_ref(),
                recent,
                highlighted_layer: panels.stepper.highlighted_layer(),
                stepper_phase: panels.stepper.current_phase(),
                panel_names,
                runs: &lab.runs,
            };
            actions.extend(presentation.ui(ui, &view));
            match mode {
                AppMode::NetworkLab => {
                    let rects = lab_ui(ui, panels, &view, &mut actions);
                    worksheet_ui(&ctx, worksheet);
                    *panel_names = rects.iter().map(|(name, _)| name.clone()).collect();
                    capture.panel_rects = rects;
                }
                AppMode::Lesson => {
                    egui::CentralPanel::default().show(ui, |ui| {
                        actions.extend(panels.lesson.ui(ui, &view));
                    });
                }
                AppMode::Memory => actions.extend(panels.memory.ui(ui, &view)),
                AppMode::Race => {
                    egui::CentralPanel::default().show(ui, |ui| {
                        egui::ScrollArea::vertical().show(ui, |ui| {
                            actions.extend(panels.race.ui(ui, &view));
                        });
                    });
                }
            }
        }
        for action in actions {
            self.handle(&ctx, action);
        }
        self.sync_trace_request();
    }

    /// The bar of views at the top of the window.
    fn mode_bar_ui(&mut self, ui: &mut egui::Ui) {
        egui::Panel::top("mode_bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                for mode in AppMode::ALL {
                    if ui
                        .selectable_label(self.mode == mode, RichText::new(mode.name()).strong())
                        .on_hover_text(mode.hint())
                        .clicked()
                    {
                        self.set_mode(mode);
                    }
                }
            });
        });
    }

    /// Keeps the window title on the data set and the seed, so a screenshot or a projected
    /// window says which run it shows.
    fn update_title(&mut self, ctx: &egui::Context) {
        let title = format!(
            "gradscope · {} · seed {}",
            self.lab.data.name, self.lab.settings.train.seed
        );
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }
}

/// The network lab: controls on the left, the windows it may have open, and the panels in the
/// middle. Returns the rectangle of each panel on screen, by its heading.
fn lab_ui(
    ui: &mut egui::Ui,
    panels: &mut Panels,
    view: &View<'_>,
    actions: &mut Vec<Action>,
) -> Vec<(String, egui::Rect)> {
    if panels.controls_open {
        egui::Panel::left("controls")
            .resizable(true)
            .default_size(310.0)
            .min_size(200.0)
            .show(ui, |ui| {
                if ui
                    .small_button("« hide")
                    .on_hover_text("Fold the controls into a narrow strip, to give the panels room")
                    .clicked()
                {
                    panels.controls_open = false;
                }
                // A solid scroll bar, shown whenever the controls are taller than the window
                // (egui's floating bar is invisible until hovered, so a cut-off list looked
                // like the end of the panel).
                ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
                egui::ScrollArea::vertical()
                    .id_salt("controls_scroll")
                    .show(ui, |ui| {
                        actions.extend(panels.controls.ui(ui, view));
                    });
            });
    } else {
        egui::Panel::left("controls_strip")
            .resizable(false)
            .exact_size(84.0)
            .show(ui, |ui| {
                actions.extend(control_strip_ui(ui, &mut panels.controls_open, view));
            });
    }
    // The messages have a fixed place at the bottom, so that one appearing or going never
    // moves the panels (a click aimed at a tab lands on the tab).
    egui::Panel::bottom("messages")
        .resizable(false)
        .exact_size(if view.presenting {
            // Zoomed 1.5×: two lines of messages still fit, and the panels keep the room.
            PRESENTATION_MESSAGES_HEIGHT
        } else {
            MESSAGES_HEIGHT
        })
        .show(ui, |ui| {
            // A child with a fixed rectangle: what the messages hold never changes the strip's
            // size; more than fit scroll inside it (three long notes used to lose the third).
            let rect = ui.available_rect_before_wrap();
            let mut child = ui.new_child(egui::UiBuilder::new().max_rect(rect));
            child.set_clip_rect(rect.intersect(ui.clip_rect()));
            egui::ScrollArea::vertical()
                .id_salt("messages_scroll")
                .max_height(rect.height())
                .auto_shrink([false, false])
                .show(&mut child, |ui| {
                    if view.banner.is_none() && view.doctor.findings().is_empty() {
                        ui.label(
                            RichText::new("Training doctor: nothing to report")
                                .color(ui.visuals().weak_text_color()),
                        )
                        .on_hover_text(DOCTOR_QUIET_HINT);
                    }
                    actions.extend(panels.banners.ui(ui, view));
                });
            ui.allocate_rect(rect, egui::Sense::hover());
        });
    actions.extend(panels.files.ui(ui, view));
    actions.extend(panels.import.ui(ui, view));
    actions.extend(panels.gradcheck.ui(ui, view));
    let mut rects = Vec::new();
    egui::CentralPanel::default().show(ui, |ui| {
        let width = ui.available_width();
        let height = ui.available_height();
        let is_image = view.data.image_shape.is_some();
        // On a projector the stepper's formulas need more room than the half column under the
        // network view (they showed one line there): they take the left half, in place of
        // the decision boundary, and the network view keeps the right column.
        let stepper_aside = view.presenting && panels.stepper_shown(is_image);
        ui.horizontal_top(|ui| {
            let left = (width * 0.5).max(260.0);
            let main = ui.allocate_ui(egui::vec2(left, height), |ui| {
                ui.vertical(|ui| {
                    let panel: &mut dyn Panel = if is_image {
                        &mut panels.features
                    } else if stepper_aside {
                        ui.heading("Backprop stepper");
                        &mut panels.stepper
                    } else {
                        &mut panels.boundary
                    };
                    actions.extend(panel.ui(ui, view));
                });
            });
            let name = if is_image {
                "Feature maps"
            } else if stepper_aside {
                "Backprop stepper"
            } else {
                "Decision boundary"
            };
            rects.push((name.to_string(), main.response.rect));
            ui.separator();
            ui.vertical(|ui| right_column_ui(ui, panels, view, height, actions, &mut rects));
        });
    });
    rects
}

/// The lab's right-hand column: the loss panel on top (unless the backprop stepper takes the
/// column) and the tabbed panel below; pushes each panel's rectangle onto `rects`.
fn right_column_ui(
    ui: &mut egui::Ui,
    panels: &mut Panels,
    view: &View<'_>,
    height: f32,
    actions: &mut Vec<Action>,
    rects: &mut Vec<(String, egui::Rect)>,
) {
    let is_image = view.data.image_shape.is_some();
    // With the backprop stepper open on the network view, that view and the
    // stepper take the whole column.
    if !panels.stepper_shown(is_image) {
        // Comparing runs on a projector with the Runs tab open: the overlaid plots take more
        // of the column, and the Runs table below scrolls instead. Other tabs (heatmaps,
        // kernels) keep their room: at 64 % the weight heatmaps were 10-pixel strips.
        let runs_tab = if is_image {
            panels.image_tab == ImageTab::Runs
        } else {
            panels.mlp_tab == MlpTab::Runs
        };
        let comparing = view.presenting
            && runs_tab
            && !crate::ui::loss::overlaid_runs(view.runs, view.run).is_empty();
        // On a projector the confusion matrix and the pixel arithmetic are tables of
        // numbers that need the room more than the loss curve does: at 56 % the matrix
        // showed seven of its ten rows and the arithmetic one row of its 3×3 grids. The
        // gradient plot, under its legend, was 80 pixels tall with its axis title cut.
        let gradients_tab = if is_image {
            panels.image_tab == ImageTab::Gradients
        } else {
            panels.mlp_tab == MlpTab::Gradients
        };
        // The network view (the stepper closed) is a diagram as tall as its room: at 44 % it
        // showed its top half above the message strip.
        let network_tab = !is_image && panels.mlp_tab == MlpTab::Network;
        let tables = view.presenting
            && (gradients_tab
                || network_tab
                || is_image && matches!(panels.image_tab, ImageTab::Confusion | ImageTab::Pixel));
        let share = if comparing {
            0.64
        } else if tables {
            0.42
        } else {
            0.56
        };
        let top = (height * share).max(if tables { 170.0 } else { 220.0 });
        // An exact rectangle: whatever the loss panel shows (a number, a dash, a
        // wrapped line), the tabs below it stay where they are.
        let (loss, _) =
            ui.allocate_exact_size(egui::vec2(ui.available_width(), top), egui::Sense::hover());
        let mut child = ui.new_child(egui::UiBuilder::new().max_rect(loss));
        child.set_clip_rect(loss.intersect(ui.clip_rect()));
        actions.extend(panels.loss.ui(&mut child, view));
        rects.push(("Loss".to_string(), loss));
        ui.separator();
    }
    let lower = ui.vertical(|ui| lower_tabs_ui(ui, panels, view)).inner;
    actions.extend(lower.1);
    rects.push((lower.0.to_string(), lower.2));
}

/// The tabbed lower-right panel: kernels, confusion matrix and weights for images; weights,
/// network view and gradients for feature data. Returns the shown panel's name, its action
/// and its rectangle.
fn lower_tabs_ui(
    ui: &mut egui::Ui,
    panels: &mut Panels,
    view: &View<'_>,
) -> (&'static str, Option<Action>, egui::Rect) {
    let start = ui.cursor().min;
    let (name, action) = if view.data.image_shape.is_some() {
        let tabs = [
            (ImageTab::Kernels, "Kernels", "Each Conv2d layer's filters"),
            (
                ImageTab::Confusion,
                "Confusion matrix",
                "Test-split confusion matrix and misclassified digits",
            ),
            (ImageTab::Weights, "Weights", "Heatmaps of the Dense layers"),
            (
                ImageTab::Pixel,
                "Pixel arithmetic",
                "How one feature-map pixel was computed: click a pixel on the left",
            ),
            (
                ImageTab::Gradients,
                "Gradients (doctor)",
                "Each layer's gradient norm over time and the activation statistics the training doctor watches",
            ),
            (ImageTab::Runs, "Runs", RUNS_HINT),
        ];
        tab_bar_ui(ui, &mut panels.image_tab, &tabs);
        match panels.image_tab {
            ImageTab::Kernels => ("Kernels", panels.kernels.ui(ui, view)),
            ImageTab::Confusion => ("Confusion matrix", panels.confusion.ui(ui, view)),
            ImageTab::Weights => ("Weights", panels.weights.ui(ui, view)),
            ImageTab::Pixel => ("Pixel arithmetic", panels.pixel.ui(ui, view)),
            ImageTab::Gradients => ("Gradients", panels.doctor.ui(ui, view)),
            ImageTab::Runs => ("Runs", panels.runs.ui(ui, view)),
        }
    } else {
        let tabs = [
            (
                MlpTab::Weights,
                "Weight heatmaps",
                "Heatmaps of the Dense layers",
            ),
            (
                MlpTab::Network,
                "Network view",
                "Neurons and weights with the numbers of one sample; click a weight for its chain rule",
            ),
            (
                MlpTab::Gradients,
                "Gradients (doctor)",
                "Each layer's gradient norm over time and the activation statistics the training doctor watches",
            ),
            (MlpTab::Runs, "Runs", RUNS_HINT),
        ];
        tab_bar_ui(ui, &mut panels.mlp_tab, &tabs);
        match panels.mlp_tab {
            MlpTab::Weights => ("Weights", panels.weights.ui(ui, view)),
            MlpTab::Network if panels.stepper.is_open() && !view.presenting => {
                let room = ui.available_height();
                let network = ui
                    .allocate_ui(egui::vec2(ui.available_width(), room * 0.5), |ui| {
                        panels.network.ui(ui, view)
                    })
                    .inner;
                ui.separator();
                let stepper = panels.stepper.ui(ui, view);
                ("Network view", network.or(stepper))
            }
            MlpTab::Network => ("Network view", panels.network.ui(ui, view)),
            MlpTab::Gradients => ("Gradients", panels.doctor.ui(ui, view)),
            MlpTab::Runs => ("Runs", panels.runs.ui(ui, view)),
        }
    };
    let rect = egui::Rect::from_min_max(start, ui.min_rect().max);
    (name, action, rect)
}

const RUNS_HINT: &str = "Every run of the lab: overlay their curves, compare settings, branch \
    from a checkpoint";

/// Height of the message strip at the bottom of the lab, in points.
const MESSAGES_HEIGHT: f32 = 64.0;
/// Two whole lines of a finding in its frame at presentation mode's zoom (at 46 points the
/// second line was cut through).
const PRESENTATION_MESSAGES_HEIGHT: f32 = 58.0;

const DOCTOR_QUIET_HINT: &str = "The training doctor watches gradient norms, activations and \
    the test loss; its findings and the app's messages appear here, with one-click remedies";

/// The folded control panel: open it again, Play/Pause, Step and Reset.
fn control_strip_ui(ui: &mut egui::Ui, open: &mut bool, view: &View<'_>) -> Option<Action> {
    let mut action = None;
    ui.vertical_centered_justified(|ui| {
        if ui
            .button("»")
            .on_hover_text("Show the controls again")
            .clicked()
        {
            *open = true;
        }
        let running = view.run.running;
        let (label, hint, wanted) = if running {
            ("Pause", "Stop training (Space)", Action::Pause)
        } else {
            ("Play", "Train continuously (Space)", Action::Play)
        };
        if ui.button(label).on_hover_text(hint).clicked() {
            action = Some(wanted);
        }
        if ui
            .button("Step")
            .on_hover_text("Take one training step, then pause (→)")
            .clicked()
        {
            action = Some(Action::Step(1));
        }
        if ui
            .button("Reset")
            .on_hover_text("Start over from the same initial weights (same seed; R)")
            .clicked()
        {
            action = Some(Action::Reset);
        }
        ui.label(format!("step\n{}", view.run.step))
            .on_hover_text("Training steps taken");
    });
    action
}

/// A row of tab buttons (wrapping onto a second row when narrow); a click selects its tab.
///
/// Tabs that do not fit on one row are shared evenly between rows (two and two, three and
/// three) instead of leaving the last one alone on a row of its own, as presentation mode's
/// narrower column did with "Runs".
fn tab_bar_ui<T: Copy + PartialEq>(ui: &mut egui::Ui, selected: &mut T, tabs: &[(T, &str, &str)]) {
    let padding = ui.spacing().button_padding.x;
    let widths: Vec<f32> = tabs
        .iter()
        .map(|&(_, name, _)| crate::ui::typeset::text_width(ui, name, egui::TextStyle::Button))
        .map(|w| w + 2.0 * padding)
        .collect();
    let per_row = tabs_per_row(&widths, ui.spacing().item_spacing.x, ui.available_width());
    for row in tabs.chunks(per_row) {
        ui.horizontal_wrapped(|ui| {
            for &(tab, name, hint) in row {
                if ui
                    .selectable_label(*selected == tab, RichText::new(name).strong())
                    .on_hover_text(hint)
                    .clicked()
                {
                    *selected = tab;
                }
            }
        });
    }
}

/// How many tabs of `widths` (points each, `gap` between them) to put on each row of
/// `width`: all of them when they fit, else the fewest rows that fit, filled evenly (4 tabs
/// on two rows: 2 and 2). A tab wider than the row is a row of its own. At least 1.
fn tabs_per_row(widths: &[f32], gap: f32, width: f32) -> usize {
    let n = widths.len();
    let fits = |per_row: usize| {
        widths.chunks(per_row).all(|row| {
            row.len() == 1 || row.iter().sum::<f32>() + gap * (row.len() - 1) as f32 <= width
        })
    };
    (1..=n)
        .map(|rows| n.div_ceil(rows))
        .find(|&per_row| fits(per_row))
        .unwrap_or(1)
}

/// The worksheet window of an opened experiment file: its title and one step at a time.
fn worksheet_ui(ctx: &egui::Context, worksheet: &mut super::WorksheetState) {
    let Some(sheet) = &worksheet.sheet else {
        return;
    };
    if sheet.steps.is_empty() || !worksheet.open {
        return;
    }
    let count = sheet.steps.len();
    let index = worksheet.step.min(count - 1);
    let step = &sheet.steps[index];
    let title = worksheet
        .title
        .clone()
        .unwrap_or_else(|| "Worksheet".to_string());
    let mut open = worksheet.open;
    let mut chosen = index;
    egui::Window::new(title)
        .open(&mut open)
        .default_width(360.0)
        .show(ctx, |ui| {
            ui.label(RichText::new(&step.title).strong());
            ui.label(&step.text);
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(index > 0, egui::Button::new("◀ Previous"))
                    .on_hover_text("The previous step of the worksheet")
                    .clicked()
                {
                    chosen = index - 1;
                }
                ui.label(format!("step {} of {count}", index + 1))
                    .on_hover_text("Where you are in the worksheet");
                if ui
                    .add_enabled(index + 1 < count, egui::Button::new("Next ▶"))
                    .on_hover_text("The next step of the worksheet")
                    .clicked()
                {
                    chosen = index + 1;
                }
            });
        });
    worksheet.step = chosen;
    worksheet.open = open;
}

#[cfg(test)]
mod tests {
    use super::tabs_per_row;

    #[test]
    fn tabs_that_do_not_fit_one_row_share_the_rows_evenly() {
        // Fits: one row.
        assert_eq!(tabs_per_row(&[100.0, 100.0, 100.0, 40.0], 8.0, 400.0), 4);
        // 3 fit (316) but not 4: two rows of two, not three and one.
        assert_eq!(tabs_per_row(&[100.0, 100.0, 100.0, 40.0], 8.0, 330.0), 2);
        // Six image tabs on a narrow column: three rows of two.
        assert_eq!(tabs_per_row(&[90.0; 6], 8.0, 200.0), 2);
        assert_eq!(tabs_per_row(&[90.0; 6], 8.0, 290.0), 3);
        // A tab wider than the row: one per row.
        assert_eq!(tabs_per_row(&[500.0, 20.0], 8.0, 300.0), 1);
        assert_eq!(tabs_per_row(&[], 8.0, 300.0), 1);
    }
}
