//! The wizard's review of a delimited file: how it is read, a preview with what becomes of
//! each column (and why) under its name, the label, task and features, and the remaining
//! import settings.

use eframe::egui::{self, Color32, RichText};

use super::{
    PREVIEW_ROWS, TableReview, class_balance, delimiter_name, empty_test_note, left_out_list,
    one_line, rows_summary,
};
use crate::data::{
    BadNumbers, ColumnCause, ColumnDecision, ColumnKind, ColumnUse, MissingPolicy, TaskChoice,
    TextFeature,
};

/// The colour of an error in the review.
const ERROR_COLOUR: Color32 = Color32::from_rgb(230, 90, 80);

/// The review of a delimited file; returns (options changed → read again, train now).
/// `reading` is true while the file is read again with changed options: *Train on it* waits
/// for that (and says so). Settings that cannot build say why at once, under the button,
/// which they disable.
pub(super) fn table_review_ui(
    ui: &mut egui::Ui,
    review: &mut TableReview,
    reading: bool,
) -> (bool, bool) {
    let error = review.build_error();
    let waiting = match &error {
        _ if reading => "The file is being read again with the new options; wait for it".into(),
        Some(error) => format!("These settings cannot build: {error}"),
        None => String::new(),
    };
    let go = ui
        .add_enabled(
            !reading && error.is_none(),
            egui::Button::new(RichText::new("Train on it").strong()),
        )
        .on_hover_text("Build the data set with the settings below and start a new session with it")
        .on_disabled_hover_text(waiting)
        .clicked();
    if let Some(error) = &error {
        ui.label(RichText::new(error).color(ERROR_COLOUR).strong())
            .on_hover_text("Why these settings cannot build: change them below");
    }
    let before = review.settings.clone();
    let reparse = read_options_ui(ui, review);
    preview_ui(ui, review);
    learn_ui(ui, review);
    warnings_ui(ui, review);
    balance_ui(ui, review);
    rows_ui(ui, review);
    options_ui(ui, review);
    if review.settings != before {
        // What the new settings make of the table shows in the next frame.
        ui.ctx().request_repaint();
    }
    (reparse, go)
}

/// Delimiter, header and decimal comma; returns true when the file must be read again.
fn read_options_ui(ui: &mut egui::Ui, review: &mut TableReview) -> bool {
    let settings = &mut review.settings;
    let mut reparse = false;
    ui.separator();
    ui.label(RichText::new("How the file is read").strong());
    ui.horizontal(|ui| {
        egui::ComboBox::from_id_salt("import_delimiter")
            .selected_text(delimiter_name(settings.csv.delimiter))
            .show_ui(ui, |ui| {
                for d in [b',', b';', b'\t', b'|'] {
                    reparse |= ui
                        .selectable_value(&mut settings.csv.delimiter, d, delimiter_name(d))
                        .changed();
                }
            })
            .response
            .on_hover_text("The character between fields (guessed from the first lines)");
        reparse |= ui
            .checkbox(&mut settings.csv.has_header, "first row is a header")
            .on_hover_text("Guessed: a first row of names above rows of numbers")
            .changed();
        reparse |= ui
            .checkbox(&mut settings.csv.decimal_comma, "decimal comma")
            .on_hover_text("Numbers written 1,5 instead of 1.5 (only with ; as delimiter)")
            .changed();
        if review.gzip {
            ui.label("gzip")
                .on_hover_text("The file was gzip-compressed");
        }
    });
    reparse
}

/// Colour and one-line text of what became of a column.
fn decision_text(decision: &ColumnDecision) -> (Color32, String) {
    match decision.kind {
        ColumnUse::Label => (Color32::LIGHT_BLUE, "label".into()),
        ColumnUse::Number if decision.cause.is_none() => (Color32::GRAY, "number".into()),
        ColumnUse::Number => (Color32::YELLOW, decision.reason.clone()),
        ColumnUse::OneHot => (
            Color32::YELLOW,
            format!("one-hot: {} features", decision.features.len()),
        ),
        ColumnUse::Excluded => (Color32::LIGHT_RED, format!("excluded: {}", decision.reason)),
        ColumnUse::Unresolved => (Color32::LIGHT_RED, decision.reason.clone()),
    }
}

/// One cell of the preview. In a column read as numbers (`value` is the number read, NaN
/// when the cell is missing or not a number) the cell shows what the network will see: the
/// number itself where its text says it another way (`1,444.7` or `2.907,5` shows 1444.7 and
/// 2907.5, the text in the tooltip), a missing cell dimmed, a cell that is not a number in
/// red, its tooltip saying what becomes of it under the choice `bad`. Other columns show
/// their text.
fn preview_cell(ui: &mut egui::Ui, cell: &str, value: Option<f32>, bad: BadNumbers) {
    match value {
        Some(v) if v.is_nan() => {
            if crate::data::is_missing(cell.trim()) {
                ui.label(RichText::new(cell).weak())
                    .on_hover_text("missing (see \"missing values\" below)");
            } else {
                let tip = match bad {
                    BadNumbers::Refuse => "not a number: choose below what to do with such cells",
                    BadNumbers::Missing => "not a number: treated as a missing value",
                    BadNumbers::Exclude => "not a number: its column is left out",
                };
                ui.label(RichText::new(cell).color(Color32::LIGHT_RED))
                    .on_hover_text(tip);
            }
        }
        Some(v) if cell.trim().parse::<f32>() != Ok(v) => {
            ui.label(RichText::new(format!("{v}")).italics())
                .on_hover_text(format!("read as the number {v} from the text {cell:?}"));
        }
        Some(v) if let Some(note) = rounded_integer(cell, v) => {
            ui.label(RichText::new(format!("{:.0}", f64::from(v))).italics())
                .on_hover_text(note);
        }
        _ => {
            ui.label(cell);
        }
    }
}

/// The tooltip for a whole number written in `cell` that the 32-bit float `value` it was read
/// as does not hold exactly (above 2²⁴ = 16 777 216 not every whole number is an `f32`):
/// `None` when the cell is not a plain whole number or is held exactly.
fn rounded_integer(cell: &str, value: f32) -> Option<String> {
    let text = cell.trim();
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let exact = text.parse::<f64>().ok()?;
    (exact != f64::from(value)).then(|| {
        format!(
            "read as {:.0} from the text {text:?}: a 32-bit float holds whole numbers \
             exactly only up to 16 777 216, so nearby ones read as the same number",
            f64::from(value)
        )
    })
}

/// The first rows, with what becomes of each column (and why) under its name.
fn preview_ui(ui: &mut egui::Ui, review: &mut TableReview) {
    let label = review.settings.label;
    let decisions = review.decisions().to_vec();
    ui.label(format!(
        "{} rows × {} columns",
        review.table.n_rows(),
        review.table.columns.len()
    ));
    egui::ScrollArea::horizontal()
        .id_salt("import_preview")
        .show(ui, |ui| {
            egui::Grid::new("import_preview_grid")
                .striped(true)
                .show(ui, |ui| {
                    for (j, column) in review.columns.iter().enumerate() {
                        let mark = if j == label { " (label)" } else { "" };
                        let name = one_line(&column.name);
                        ui.label(RichText::new(format!("{name}{mark}")).strong())
                            .on_hover_text(format!(
                                "{} · {} distinct · {} missing",
                                match column.kind {
                                    ColumnKind::Numeric => "numbers",
                                    ColumnKind::Text => "text",
                                },
                                column.distinct,
                                column.missing
                            ));
                    }
                    ui.end_row();
                    for decision in &decisions {
                        let (colour, text) = decision_text(decision);
                        let short: String = text.chars().take(28).collect();
                        let short = if short.len() < text.len() {
                            format!("{short}…")
                        } else {
                            short
                        };
                        ui.label(RichText::new(short).small().color(colour))
                            .on_hover_text(text);
                    }
                    ui.end_row();
                    let numeric: Vec<bool> = (0..review.columns.len())
                        .map(|j| {
                            decisions.iter().any(|d| {
                                d.index == j
                                    && matches!(d.kind, ColumnUse::Number | ColumnUse::Unresolved)
                            })
                        })
                        .collect();
                    for i in 0..review.table.n_rows().min(PREVIEW_ROWS) {
                        for (j, cell) in review.table.row(i).enumerate() {
                            let value = numeric
                                .get(j)
                                .copied()
                                .unwrap_or(false)
                                .then(|| review.table.numbers(j)?.values.get(i).copied())
                                .flatten();
                            preview_cell(ui, cell, value, review.settings.bad_numbers);
                        }
                        ui.end_row();
                    }
                });
        });
    // Offered while a column of numbers has bad cells, also once a choice was made, so that
    // it can be changed.
    let mixed = decisions
        .iter()
        .any(|d| d.kind == ColumnUse::Unresolved || d.cause == Some(ColumnCause::BadNumbers));
    if mixed {
        ui.horizontal(|ui| {
            ui.label(
                RichText::new("columns of numbers with a few bad cells:").color(Color32::LIGHT_RED),
            )
            .on_hover_text("Cells that are not numbers in columns that mostly hold numbers");
            ui.radio_value(
                &mut review.settings.bad_numbers,
                BadNumbers::Missing,
                "treat as missing",
            )
            .on_hover_text("Those cells become missing values; the column stays a number");
            ui.radio_value(
                &mut review.settings.bad_numbers,
                BadNumbers::Exclude,
                "exclude",
            )
            .on_hover_text("Leave such columns out of the data set");
        });
    }
    non_finite_label_ui(ui, review);
}

/// For a label of numbers with cells not finite as a 32-bit float (`inf`, `3.5e38`): how many,
/// and the choice to leave their rows out (refused otherwise).
fn non_finite_label_ui(ui: &mut egui::Ui, review: &mut TableReview) {
    let cells = review.report().non_finite_labels;
    if cells == 0 {
        return;
    }
    let name = review
        .columns
        .get(review.settings.label)
        .map_or_else(String::new, |c| c.name.clone());
    let settings = &mut review.settings;
    ui.horizontal(|ui| {
        let what = if cells == 1 {
            "1 cell is a number".to_string()
        } else {
            format!("{cells} cells are numbers")
        };
        ui.label(
            RichText::new(format!(
                "label column {name:?}: {what} not finite as a 32-bit float (inf, 3.5e38):"
            ))
            .color(Color32::LIGHT_RED),
        )
        .on_hover_text(
            "A label of numbers must be finite as a 32-bit float (at most 3.4e38 in size)",
        );
        let mut leave_out = settings.bad_numbers == BadNumbers::Missing;
        if ui
            .checkbox(&mut leave_out, "leave those rows out")
            .on_hover_text(
                "Leave out the rows whose label is such a number (unticked, the data set is not \
                 built). The same setting as \"treat as missing\" for columns of numbers with \
                 bad cells: it treats theirs as missing too",
            )
            .changed()
        {
            settings.bad_numbers = if leave_out {
                BadNumbers::Missing
            } else {
                BadNumbers::Refuse
            };
        }
    });
}

/// The label column, the task and the feature columns.
fn learn_ui(ui: &mut egui::Ui, review: &mut TableReview) {
    let decisions = review.decisions().to_vec();
    let settings = &mut review.settings;
    ui.separator();
    ui.label(RichText::new("What to learn").strong());
    let names: Vec<String> = review
        .columns
        .iter()
        .map(|c| one_line(&c.name).into_owned())
        .collect();
    ui.horizontal(|ui| {
        ui.label("label column");
        egui::ComboBox::from_id_salt("import_label")
            .selected_text(names.get(settings.label).cloned().unwrap_or_default())
            .show_ui(ui, |ui| {
                for (j, name) in names.iter().enumerate() {
                    if ui.selectable_value(&mut settings.label, j, name).changed() {
                        settings.features = (0..names.len()).filter(|&k| k != j).collect();
                    }
                }
            })
            .response
            .on_hover_text("The column the network learns to predict (default: the last)");
        egui::ComboBox::from_id_salt("import_task")
            .selected_text(match settings.task {
                TaskChoice::Auto => "task: automatic",
                TaskChoice::Classification => "classification",
                TaskChoice::Regression => "regression",
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut settings.task, TaskChoice::Auto, "task: automatic");
                ui.selectable_value(
                    &mut settings.task,
                    TaskChoice::Classification,
                    "classification",
                );
                ui.selectable_value(&mut settings.task, TaskChoice::Regression, "regression");
            })
            .response
            .on_hover_text(
                "Automatic: classes when the label is text or a few whole numbers, else regression",
            );
    });
    ui.horizontal_wrapped(|ui| {
        ui.label("features:");
        for (j, name) in names.iter().enumerate() {
            if j == settings.label {
                continue;
            }
            // A column chosen but left out by the importer (too many text values, constant,
            // all missing, bad cells excluded) is not ticked: the tick says what is used.
            let left_out = decisions.iter().find(|d| {
                d.index == j
                    && d.kind == ColumnUse::Excluded
                    && d.cause != Some(ColumnCause::NotSelected)
            });
            if let Some(decision) = left_out {
                ui.add_enabled(false, egui::Checkbox::new(&mut false, name))
                    .on_disabled_hover_text(format!("Not used: {}", decision.reason));
                continue;
            }
            let mut on = settings.features.contains(&j);
            if ui
                .checkbox(&mut on, name)
                .on_hover_text("Use this column as an input")
                .changed()
            {
                if on {
                    settings.features.push(j);
                    settings.features.sort_unstable();
                } else {
                    settings.features.retain(|&k| k != j);
                }
            }
        }
    });
}

/// The importer's warnings for these settings, one line each, in the warning colour.
fn warnings_ui(ui: &mut egui::Ui, review: &mut TableReview) {
    let color = ui.visuals().warn_fg_color;
    for warning in review.warnings().to_vec() {
        ui.label(RichText::new(format!("warning: {}", warning.message)).color(color))
            .on_hover_text(
                "The data set can be built, but check this first (inspect lists it too)",
            );
    }
}

/// Rows per class among the rows used (the importer's count); while the settings cannot
/// build, rows per label value in the file (counted when the label column changes). A value
/// with a line break is quoted and escaped, so that it reads as one.
fn balance_ui(ui: &mut egui::Ui, review: &mut TableReview) {
    let label = review.settings.label;
    let (counts, tip) = if review.builds() {
        let counts = review.report().class_counts.clone();
        (counts, "Rows per class, among the rows used")
    } else {
        if review.balance.as_ref().map(|b| b.0) != Some(label) {
            let counts = class_balance(&review.table, label).unwrap_or_default();
            review.balance = Some((label, counts));
        }
        let counts = review
            .balance
            .as_ref()
            .map(|b| b.1.clone())
            .unwrap_or_default();
        (counts, "Rows per label value in the file")
    };
    let Some(column) = review.columns.get(label) else {
        return;
    };
    let (fewest, most) = counts
        .iter()
        .fold((usize::MAX, 0), |(lo, hi), &(_, n)| (lo.min(n), hi.max(n)));
    let text = match counts.len() {
        0 => return,
        k if k > MAX_BALANCE_LISTED => format!("{k} classes of {fewest} to {most} rows"),
        _ => {
            let each: Vec<String> = counts
                .iter()
                .map(|(v, n)| format!("{}: {n}", one_line(v)))
                .collect();
            each.join(", ")
        }
    };
    ui.label(format!(
        "class balance of {}: {text}",
        one_line(&column.name)
    ))
    .on_hover_text(tip);
}

/// Classes up to which the class balance lists each one.
const MAX_BALANCE_LISTED: usize = 20;

/// What becomes of every row under these settings: the training and test split and the rows
/// left out (the first ones named, with why), and a warning when the test split is empty.
fn rows_ui(ui: &mut egui::Ui, review: &mut TableReview) {
    let report = review.report();
    if report.error.is_some() {
        return;
    }
    let summary = rows_summary(report);
    let left_out = left_out_list(report);
    let empty_test = empty_test_note(report);
    ui.label(summary).on_hover_text(
        "What becomes of the file's rows with these settings: the training split, the test \
         split and the rows left out",
    );
    if let Some(list) = left_out {
        ui.label(format!("left out: {list}")).on_hover_text(
            "Rows with a missing label are left out; so are rows with a missing feature value, \
             unless \"fill with the mean\" is chosen below",
        );
    }
    if let Some(note) = empty_test {
        let color = ui.visuals().warn_fg_color;
        ui.label(RichText::new(format!("warning: {note}")).color(color))
            .on_hover_text("The data set can be built, but nothing will be tested");
    }
}

/// `0 missing values (NA, empty, ?)`, or with `treated` cells that are not numbers treated as
/// missing: `1 missing value (NA, empty, ?; 1 of them not a number, treated as missing)`.
fn missing_text(missing: usize, treated: usize) -> String {
    let all = missing + treated;
    let values = if all == 1 { "value" } else { "values" };
    let bad = match treated {
        0 => String::new(),
        1 => "; 1 of them not a number, treated as missing".to_string(),
        n => format!("; {n} of them not numbers, treated as missing"),
    };
    format!("{all} missing {values} (NA, empty, ?{bad})")
}

/// Missing values, text features, standardisation, train share and split seed.
fn options_ui(ui: &mut egui::Ui, review: &mut TableReview) {
    let report = review.report();
    let (missing, treated) = (report.missing_values, report.treated_as_missing);
    let settings = &mut review.settings;
    ui.horizontal(|ui| {
        ui.label(missing_text(missing, treated)).on_hover_text(
            "Missing cells in the whole file, with the cells that are not numbers treated as \
             missing",
        );
        ui.radio_value(&mut settings.missing, MissingPolicy::DropRows, "drop rows")
            .on_hover_text("Leave out every row with a missing value");
        ui.radio_value(
            &mut settings.missing,
            MissingPolicy::FillMean,
            "fill with the mean",
        )
        .on_hover_text("Replace a missing number by its column's mean");
    });
    ui.horizontal(|ui| {
        ui.label("text features:");
        ui.radio_value(&mut settings.text_features, TextFeature::OneHot, "one-hot")
            .on_hover_text("One 0/1 input per value (columns with at most 20 values)");
        ui.radio_value(&mut settings.text_features, TextFeature::Exclude, "exclude")
            .on_hover_text("Leave text columns out");
    });
    ui.horizontal(|ui| {
        ui.checkbox(&mut settings.standardize, "standardise")
            .on_hover_text(
                "Scale every feature to mean 0, standard deviation 1 using the training split only",
            );
        let mut percent = settings.train_ratio * 100.0;
        if ui
            .add(
                egui::Slider::new(&mut percent, 10.0..=100.0)
                    .update_while_editing(false)
                    .text("% train")
                    .max_decimals(0),
            )
            .on_hover_text("Share of the rows used for training; the rest is the test split")
            .changed()
        {
            settings.train_ratio = percent / 100.0;
        }
        ui.label("split seed");
        ui.add(egui::DragValue::new(&mut settings.seed).update_while_editing(false))
            .on_hover_text("Seed of the train/test split");
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 16 777 217 is the first whole number an `f32` cannot hold: it reads as 16 777 216
    /// and the preview says so (with the exact value read: 123 456 789 reads as 123 456 792,
    /// which Rust prints as 123456790); smaller ones, decimals and text do not get the note.
    #[test]
    fn whole_numbers_an_f32_rounds_are_pointed_out() {
        let read = |text: &str| text.trim().parse::<f32>().expect("a number");
        let note = rounded_integer(" 16777217 ", read("16777217")).expect("rounded");
        assert_eq!(
            note,
            "read as 16777216 from the text \"16777217\": a 32-bit float holds whole numbers \
             exactly only up to 16 777 216, so nearby ones read as the same number"
        );
        let note = rounded_integer("-123456789", read("-123456789")).expect("rounded");
        assert!(note.starts_with("read as -123456792 from"), "{note}");
        assert_eq!(rounded_integer("16777216", read("16777216")), None);
        assert_eq!(rounded_integer("-42", read("-42")), None);
        assert_eq!(rounded_integer("0.1", read("0.1")), None);
        assert_eq!(rounded_integer("1e10", read("1e10")), None);
        assert_eq!(rounded_integer("", 0.0), None);
        assert_eq!(rounded_integer("-", 0.0), None);
    }
}
