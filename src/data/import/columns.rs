//! Step 4 of the importer: what each column holds ([`summarize`]) and what it becomes
//! ([`ColumnDecision`]), by the rules listed in the module docs of [`super`].

use std::collections::BTreeSet;

use serde::Serialize;

use super::numbers::{is_missing, shorten};
use super::settings::{BadNumbers, ImportSettings, MAX_ONE_HOT_VALUES, TextFeature};
use super::table::{ColumnNumbers, Table, column_name};

/// What a column holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum ColumnKind {
    /// Every non-missing cell is a finite number (also when all cells are missing).
    Numeric,
    /// Some non-missing cell is not a number.
    Text,
}

/// One column of a [`Table`] at a glance.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ColumnSummary {
    /// Column name.
    pub name: String,
    /// Numbers or text.
    pub kind: ColumnKind,
    /// Missing cells: `""`, `NA`, `N/A`, `?`, `nan` (case-insensitive).
    pub missing: usize,
    /// Distinct non-missing values (numerically for numeric columns, so `1` = `1.0`).
    pub distinct: usize,
}

/// One summary per column of `table`, in order (see [`ColumnSummary`]). `options` must be
/// those the table was read with (only its decimal comma matters).
pub fn summarize(table: &Table, options: &super::CsvOptions) -> Vec<ColumnSummary> {
    let columns = table.numbers_with(options.decimal_comma);
    columns
        .iter()
        .enumerate()
        .map(|(j, column)| {
            let numeric = column.bad == 0;
            let distinct = if numeric {
                let mut values: Vec<f32> = column
                    .values
                    .iter()
                    .copied()
                    .filter(|x| !x.is_nan())
                    .collect();
                values.sort_unstable_by(f32::total_cmp);
                values.dedup();
                values.len()
            } else {
                (0..table.n_rows())
                    .map(|i| table.cell(i, j))
                    .filter(|cell| !is_missing(cell))
                    .collect::<BTreeSet<&str>>()
                    .len()
            };
            ColumnSummary {
                name: table
                    .columns
                    .get(j)
                    .cloned()
                    .unwrap_or_else(|| column_name(j)),
                kind: if numeric {
                    ColumnKind::Numeric
                } else {
                    ColumnKind::Text
                },
                missing: column.missing,
                distinct,
            }
        })
        .collect()
}

/// What a column became.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnUse {
    /// The label column.
    Label,
    /// One numeric feature.
    Number,
    /// Text turned into one 0/1 feature per value.
    OneHot,
    /// Left out.
    Excluded,
    /// Mostly numbers with a few cells that are not: the settings must say what to do
    /// ([`BadNumbers`]); building refuses until they do.
    Unresolved,
}

/// Why a column was left out or changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnCause {
    /// The settings do not list it as a feature.
    NotSelected,
    /// Every cell is missing.
    AllMissing,
    /// Every present cell holds the same value.
    Constant,
    /// Text, and text features are set to be excluded.
    TextExcluded,
    /// Text with more than [`MAX_ONE_HOT_VALUES`] distinct values.
    TooManyValues,
    /// Mostly numbers, with some cells that are not.
    BadNumbers,
}

/// A cell that is not a number in a column of numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BadCell {
    /// 1-based line of the cell.
    pub line: u64,
    /// 1-based column (field number).
    pub column: usize,
    /// The cell's text (cut to 40 characters).
    pub value: String,
}

impl std::fmt::Display for BadCell {
    /// `3:2 "4x"`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{} {:?}", self.line, self.column, self.value)
    }
}

/// What the importer did with one column, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ColumnDecision {
    /// The column's name.
    pub column: String,
    /// 0-based index in the file.
    pub index: usize,
    /// What it became.
    pub kind: ColumnUse,
    /// Why it was left out or changed (`None` for a label, a clean numeric column or a
    /// one-hot text column).
    pub cause: Option<ColumnCause>,
    /// The decision in one line, for people.
    pub reason: String,
    /// The features it became (`"x"`, or `"colour=red"`, …; empty when left out).
    pub features: Vec<String>,
    /// The first cells that are not numbers (columns of numbers only), at most 5.
    pub bad_cells: Vec<BadCell>,
    /// How many cells are not numbers (columns of numbers only).
    pub bad_count: usize,
}

impl ColumnDecision {
    /// True when the column is not in the data set (excluded or unresolved).
    pub fn is_excluded(&self) -> bool {
        matches!(self.kind, ColumnUse::Excluded | ColumnUse::Unresolved)
    }

    /// True when the column is in the data set in another form than its cells (one-hot, or
    /// numbers with bad cells treated as missing).
    pub fn is_retyped(&self) -> bool {
        self.kind == ColumnUse::OneHot
            || (self.kind == ColumnUse::Number && self.cause == Some(ColumnCause::BadNumbers))
    }
}

/// How one feature column becomes features.
pub(crate) enum Plan {
    /// A numeric column, one feature.
    Number(usize),
    /// A text column, one 0/1 feature per value (sorted).
    OneHot(usize, Vec<String>),
}

/// The first bad cells of column `j` and a list like `3:2 "4x", 9:2 "-"` (three at most).
fn bad_cells(table: &Table, column: &ColumnNumbers, j: usize) -> (Vec<BadCell>, String) {
    let cells: Vec<BadCell> = column
        .first_bad
        .iter()
        .map(|&(row, offset)| BadCell {
            line: table.line_at(offset),
            column: j + 1,
            value: shorten(table.cell(row, j)),
        })
        .collect();
    let mut list: Vec<String> = cells.iter().take(3).map(ToString::to_string).collect();
    if column.bad > 3 {
        list.push("…".into());
    }
    (cells, list.join(", "))
}

/// The distinct present values of text column `j`, sorted; `None` beyond `cap`.
fn distinct_text(table: &Table, j: usize, cap: usize) -> Option<BTreeSet<&str>> {
    let mut values = BTreeSet::new();
    for i in 0..table.n_rows() {
        let cell = table.cell(i, j);
        if !is_missing(cell) && values.insert(cell) && values.len() > cap {
            return None;
        }
    }
    Some(values)
}

/// The value every present number of `column` holds, if they all hold the same.
fn constant_number(column: &ColumnNumbers) -> Option<f32> {
    let mut present = column.values.iter().filter(|x| !x.is_nan());
    let first = *present.next()?;
    present.all(|&x| x == first).then_some(first)
}

/// The decision for feature column `j` (selected by the settings) and how it is built.
fn decide_feature(
    table: &Table,
    column: &ColumnNumbers,
    j: usize,
    settings: &ImportSettings,
) -> (ColumnDecision, Option<Plan>) {
    let name = table
        .columns
        .get(j)
        .cloned()
        .unwrap_or_else(|| column_name(j));
    let mut decision = ColumnDecision {
        column: name.clone(),
        index: j,
        kind: ColumnUse::Excluded,
        cause: None,
        reason: String::new(),
        features: Vec::new(),
        bad_cells: Vec::new(),
        bad_count: column.bad,
    };
    let excluded = |mut d: ColumnDecision, cause, reason: String| {
        (d.kind, d.cause, d.reason) = (ColumnUse::Excluded, Some(cause), reason);
        (d, None)
    };
    let present = column.present();
    if present == 0 {
        let reason = format!(
            "all {} cells are missing (empty, NA, N/A, ? or nan)",
            table.n_rows()
        );
        return excluded(decision, ColumnCause::AllMissing, reason);
    }
    let mostly_numbers = column.bad == 0 || 2 * column.numbers > present;
    if mostly_numbers {
        let (cells, list) = bad_cells(table, column, j);
        decision.bad_cells = cells;
        let count = format!("{} of {present} cells are not numbers ({list})", column.bad);
        let treat_as_missing = column.bad > 0 && settings.bad_numbers == BadNumbers::Missing;
        match settings.bad_numbers {
            _ if column.bad == 0 || treat_as_missing => {}
            BadNumbers::Refuse => {
                decision.kind = ColumnUse::Unresolved;
                decision.cause = Some(ColumnCause::BadNumbers);
                decision.reason =
                    format!("{count}: treat such cells as missing or exclude the column");
                return (decision, None);
            }
            BadNumbers::Exclude | BadNumbers::Missing => {
                return excluded(decision, ColumnCause::BadNumbers, count);
            }
        }
        if let Some(value) = constant_number(column) {
            let reason = format!("constant: every present cell is {value}");
            return excluded(decision, ColumnCause::Constant, reason);
        }
        decision.kind = ColumnUse::Number;
        decision.features = vec![name];
        if treat_as_missing {
            decision.cause = Some(ColumnCause::BadNumbers);
            decision.reason = format!("numbers; {count} and are treated as missing");
        } else {
            decision.reason = "numbers".into();
        }
        return (decision, Some(Plan::Number(j)));
    }
    decision.bad_count = 0;
    let values = distinct_text(table, j, MAX_ONE_HOT_VALUES);
    match (&values, settings.text_features) {
        (Some(v), _) if v.len() == 1 => {
            let value = v.first().copied().unwrap_or_default();
            let reason = format!("constant: every present cell is {:?}", shorten(value));
            excluded(decision, ColumnCause::Constant, reason)
        }
        (_, TextFeature::Exclude) => {
            let reason = "text, and text features are set to be excluded".to_string();
            excluded(decision, ColumnCause::TextExcluded, reason)
        }
        (None, TextFeature::OneHot) => {
            let reason = format!(
                "text with more than {MAX_ONE_HOT_VALUES} distinct values (one-hot encoding \
                 takes at most {MAX_ONE_HOT_VALUES})"
            );
            excluded(decision, ColumnCause::TooManyValues, reason)
        }
        (Some(v), TextFeature::OneHot) => {
            let values: Vec<String> = v.iter().map(|s| s.to_string()).collect();
            decision.kind = ColumnUse::OneHot;
            decision.reason = format!(
                "text with {} values, one-hot encoded as {} features",
                values.len(),
                values.len()
            );
            decision.features = values.iter().map(|v| format!("{name}={v}")).collect();
            (decision, Some(Plan::OneHot(j, values)))
        }
    }
}

/// One decision per column of `table` (in file order) and the plans of the features, in the
/// order of `settings.features` (duplicates and out-of-range indices ignored).
pub(crate) fn decide(
    table: &Table,
    columns: &[ColumnNumbers],
    settings: &ImportSettings,
) -> (Vec<ColumnDecision>, Vec<Plan>) {
    let mut decisions: Vec<Option<ColumnDecision>> = vec![None; table.columns.len()];
    let mut plans = Vec::new();
    for &j in &settings.features {
        let (Some(column), Some(None)) = (columns.get(j), decisions.get(j)) else {
            continue;
        };
        if j == settings.label {
            continue;
        }
        let (decision, plan) = decide_feature(table, column, j, settings);
        decisions[j] = Some(decision);
        plans.extend(plan);
    }
    let decisions = decisions
        .into_iter()
        .enumerate()
        .map(|(j, d)| {
            d.unwrap_or_else(|| {
                let label = j == settings.label;
                ColumnDecision {
                    column: table
                        .columns
                        .get(j)
                        .cloned()
                        .unwrap_or_else(|| column_name(j)),
                    index: j,
                    kind: if label {
                        ColumnUse::Label
                    } else {
                        ColumnUse::Excluded
                    },
                    cause: (!label).then_some(ColumnCause::NotSelected),
                    reason: if label {
                        "label".into()
                    } else {
                        "not chosen as a feature".into()
                    },
                    features: Vec::new(),
                    bad_cells: Vec::new(),
                    bad_count: 0,
                }
            })
        })
        .collect();
    (decisions, plans)
}
