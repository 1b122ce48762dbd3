//! What the wizard says about the rows of a table: how many train, test and are left out
//! (the first ones named with why), an empty test split, the class balance, and the note
//! the window shows once the table became the data set.

use std::path::Path;

use crate::data::{ImportReport, Table, TableReport};
use crate::ui::format::plural;

/// What becomes of every row of the file under `report`: `5 rows: 3 train · 1 test · 1 left
/// out` (the three add up to the rows of the file).
pub(super) fn rows_summary(report: &TableReport) -> String {
    let left_out = report.rows_read.saturating_sub(report.rows);
    let mut text = format!(
        "{}: {} train · {} test",
        plural(report.rows_read, "row", "rows"),
        report.train_rows,
        report.test_rows
    );
    if left_out > 0 {
        text += &format!(" · {left_out} left out");
    }
    text
}

/// The rows `report` leaves out, the first ones named with why: `line 3: "oops" in column
/// "b" is not a number, treated as missing; line 9: a missing label in column "y"; and 4
/// more`. `None` when every row is used.
pub(super) fn left_out_list(report: &TableReport) -> Option<String> {
    let left_out = report.rows_read.saturating_sub(report.rows);
    if left_out == 0 {
        return None;
    }
    let listed: Vec<String> = report.left_out.iter().map(ToString::to_string).collect();
    let mut text = listed.join("; ");
    let more = left_out.saturating_sub(listed.len());
    if more > 0 {
        text += &format!("; and {more} more");
    }
    Some(text)
}

/// What an empty test split means and what to do about it, when `report`'s is empty (its
/// test loss then shows "-"); `None` otherwise.
pub(super) fn empty_test_note(report: &TableReport) -> Option<String> {
    if report.error.is_some() || report.rows == 0 || report.test_rows > 0 {
        return None;
    }
    let classes = report.class_counts.len();
    Some(if report.rows == 1 {
        "no test split: the only row trains, so the test loss shows \"-\"".to_string()
    } else if classes > 0 && report.class_counts.iter().all(|(_, n)| *n == 1) {
        format!(
            "no test split: each of the {classes} classes has a single row, which trains, so \
             the test loss and accuracy show \"-\"; if the label is a quantity, choose the \
             task \"regression\", which holds rows out for testing"
        )
    } else {
        "no test split: \"% train\" is 100, so every row trains and the test loss shows \"-\"; \
         lower \"% train\" to hold rows out for testing"
            .to_string()
    })
}

/// What the window says once a table became the data set, when not every row is in both
/// splits' counts or the test split is empty: `nonnum.csv: 5 rows: 3 train · 1 test · 1 left
/// out (line 3: "oops" in column "b" is not a number, treated as missing)`. `None` for a
/// table whose every row is used and tested on, and for other sources.
pub fn imported_note(report: &ImportReport) -> Option<String> {
    let table = report.table.as_ref()?;
    let left_out = left_out_list(table);
    let empty_test = empty_test_note(table);
    if left_out.is_none() && empty_test.is_none() {
        return None;
    }
    let file = Path::new(&report.source).file_name().map_or_else(
        || report.source.clone(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut text = format!("{file}: {}", rows_summary(table));
    if let Some(list) = left_out {
        text += &format!(" ({list})");
    }
    if let Some(note) = empty_test {
        text += &format!("; {note}");
    }
    Some(text)
}

/// Rows per distinct value of column `label`, sorted by value; `None` beyond 20 values.
pub(super) fn class_balance(table: &Table, label: usize) -> Option<Vec<(String, usize)>> {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for i in 0..table.n_rows() {
        *counts.entry(table.cell(i, label)).or_default() += 1;
        if counts.len() > 20 {
            return None;
        }
    }
    Some(
        counts
            .into_iter()
            .map(|(v, n)| (v.to_string(), n))
            .collect(),
    )
}
