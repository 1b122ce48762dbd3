//! The label of step 5 of the importer ([`super::build`]): the labels of the kept rows, as
//! classes or values, and the task they make.

use std::borrow::Cow;
use std::collections::BTreeSet;

use rayon::prelude::*;

use super::kept::Kept;
use super::numbers::shorten;
use super::settings::{ImportSettings, MAX_INTEGER_CLASSES, TaskChoice};
use super::table::{ColumnNumbers, Table};
use crate::data::{DataError, Labels, Task};

/// The labels of the kept rows and the task.
pub(super) fn labels_and_task(
    file_name: &str,
    table: &Table,
    label_numbers: Option<&ColumnNumbers>,
    kept: &Kept,
    settings: &ImportSettings,
) -> Result<(Labels, Task), DataError> {
    let label = settings.label;
    let Some(column) = label_numbers else {
        if settings.task == TaskChoice::Regression {
            let bad = kept.iter().find(|&i| {
                super::numbers::parse_number(table.cell(i, label), settings.csv.decimal_comma)
                    .is_none()
            });
            let (cell, line) = bad.map_or(("", 0), |i| {
                (table.cell(i, label), table.cell_line(i, label))
            });
            let name = table.columns.get(label).map_or("", String::as_str);
            return Err(DataError::new(
                file_name,
                format!(
                    "label {:?} in column {name:?} is not a number (regression needs numbers)",
                    shorten(cell)
                ),
            )
            .at_cell(line, label + 1));
        }
        let cells: Vec<&str> = kept.iter().map(|i| table.cell(i, label)).collect();
        return Ok(text_classes(&cells));
    };
    // The column itself when every row is kept (no copy).
    let values: Cow<'_, [f32]> = match kept.rows() {
        Some(rows) => Cow::Owned(
            rows.iter()
                .map(|&i| column.values.get(i).copied().unwrap_or(0.0))
                .collect(),
        ),
        None => Cow::Borrowed(&column.values),
    };
    Ok(match settings.task {
        TaskChoice::Regression => (Labels::Values(values.into_owned()), Task::Regression),
        TaskChoice::Classification => numeric_classes(&values, distinct_values(&values)),
        TaskChoice::Auto => {
            // Classes when the values are few integers (both read on every core).
            let few_integers = values
                .par_iter()
                .all(|x| x.fract() == 0.0)
                .then(|| distinct_up_to(&values, MAX_INTEGER_CLASSES))
                .flatten();
            match few_integers {
                Some(distinct) => numeric_classes(&values, distinct),
                None => (Labels::Values(values.into_owned()), Task::Regression),
            }
        }
    })
}

/// The distinct values of `values`, sorted (a small sorted list while there are few, else a
/// sort of a copy).
fn distinct_values(values: &[f32]) -> Vec<f32> {
    distinct_up_to(values, 64).unwrap_or_else(|| {
        let mut all = values.to_vec();
        all.par_sort_unstable_by(f32::total_cmp);
        // Equal bits, as `total_cmp` tells values apart (`==` would merge -0 with 0, keep
        // every NaN, and the class search would then miss).
        all.dedup_by(|a, b| a.to_bits() == b.to_bits());
        all
    })
}

/// The distinct values of `values`, sorted, when there are at most `cap`; `None` past it.
/// Each block's distinct values are found on a core of its own, then merged.
fn distinct_up_to(values: &[f32], cap: usize) -> Option<Vec<f32>> {
    // The sorted `distinct` with `x`; `None` when that makes more than `cap`. Whether `x` is
    // new is asked of every value, and is nearly always no: a count of equal bits, without
    // branches, costs less than a binary search that mispredicts at each step.
    let with = |mut distinct: Vec<f32>, x: f32| {
        let bits = x.to_bits();
        if distinct.iter().filter(|d| d.to_bits() == bits).count() > 0 {
            return Some(distinct);
        }
        if let Err(k) = distinct.binary_search_by(|d| d.total_cmp(&x)) {
            if distinct.len() >= cap {
                return None;
            }
            distinct.insert(k, x);
        }
        Some(distinct)
    };
    values
        .par_chunks(1 << 16)
        .map(|block| block.iter().try_fold(Vec::new(), |d, &x| with(d, x)))
        .reduce(
            || Some(Vec::new()),
            |a, b| b.and_then(|b| a.and_then(|a| b.iter().try_fold(a, |d, &x| with(d, x)))),
        )
}

/// Classes up to which [`numeric_classes`] counts the classes below a value instead of
/// searching for it.
const FEW_CLASSES: usize = 64;

/// `x` as an integer in the order of [`f32::total_cmp`] (its definition: the bits, with the
/// magnitude's bits flipped for negative numbers).
fn order_key(x: f32) -> i32 {
    let bits = x.to_bits() as i32;
    bits ^ (((bits >> 31) as u32) >> 1) as i32
}

/// One class per distinct number, in numeric order, named like `-1`, `2`, `2.5`.
fn numeric_classes(values: &[f32], distinct: Vec<f32>) -> (Labels, Task) {
    let classes = if distinct.len() <= FEW_CLASSES {
        // A value's class is the number of classes below it: counted without branches.
        let keys: Vec<i32> = distinct.iter().map(|&d| order_key(d)).collect();
        values
            .par_iter()
            .map(|&x| {
                let key = order_key(x);
                keys.iter().filter(|&&k| k < key).count()
            })
            .collect()
    } else {
        values
            .par_iter()
            .map(|x| {
                distinct
                    .binary_search_by(|d| d.total_cmp(x))
                    .unwrap_or_default()
            })
            .collect()
    };
    let class_names = distinct.iter().map(|x| x.to_string()).collect();
    (
        Labels::Classes(classes),
        Task::Classification { class_names },
    )
}

/// One class per distinct text, sorted.
fn text_classes(cells: &[&str]) -> (Labels, Task) {
    let names: Vec<String> = cells
        .iter()
        .copied()
        .collect::<BTreeSet<&str>>()
        .into_iter()
        .map(str::to_string)
        .collect();
    let classes = cells
        .iter()
        .map(|c| {
            names
                .binary_search_by(|n| n.as_str().cmp(c))
                .unwrap_or_default()
        })
        .collect();
    (
        Labels::Classes(classes),
        Task::Classification { class_names: names },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The integer key orders numbers as `total_cmp` does (-0 below 0, NaN at the ends).
        #[test]
        fn the_order_key_orders_as_total_cmp(a in any::<f32>(), b in any::<f32>()) {
            prop_assert_eq!(order_key(a).cmp(&order_key(b)), a.total_cmp(&b));
        }

        /// Counting the classes below a value gives its place in the sorted distinct values,
        /// as the binary search does, for few and for many classes.
        #[test]
        fn a_value_s_class_is_its_place_among_the_distinct_values(
            values in prop::collection::vec(
                prop_oneof![(-3i32..4).prop_map(|k| k as f32 * 0.5), Just(-0.0f32), any::<f32>()],
                1..300,
            ),
        ) {
            let distinct = distinct_values(&values);
            let (labels, _) = numeric_classes(&values, distinct.clone());
            let Labels::Classes(classes) = labels else { panic!("classes") };
            for (x, c) in values.iter().zip(classes) {
                prop_assert_eq!(distinct[c].to_bits(), x.to_bits());
            }
        }
    }

    #[test]
    fn the_distinct_values_are_sorted_and_capped() {
        let values = [3.0, -1.0, 3.0, 0.0, -0.0, 2.5, -1.0];
        assert_eq!(
            distinct_up_to(&values, 10).map(|d| d.iter().map(|x| x.to_bits()).collect::<Vec<_>>()),
            Some(
                [-1.0f32, -0.0, 0.0, 2.5, 3.0]
                    .iter()
                    .map(|x| x.to_bits())
                    .collect()
            )
        );
        assert_eq!(distinct_up_to(&values, 4), None);
    }
}
