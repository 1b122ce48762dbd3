//! Writing the kept rows' features to their places in the training and test splits, on
//! every core (part of step 5 of the importer, [`super::build`]).

use rayon::prelude::*;

use super::build::{MISSING_CODE, Source};
use super::kept::Kept;
use super::table::ColumnNumbers;

/// `len` zeroes, written on every core. The system's zeroing of each new page is the larger
/// part of the cost of a large vector; touching the pages here shares it between the cores,
/// instead of leaving it to the first write of each page.
pub(super) fn zeroed_in_parallel(len: usize) -> Vec<f32> {
    // Zeroed memory from the system is not written until first touched: touch it here.
    let mut values = vec![0.0f32; len];
    values
        .par_chunks_mut(1 << 18)
        .for_each(|part| part.fill(0.0));
    values
}

/// Writes the features of the training and test splits, row-major, into `train`
/// (`train_idx.len() × n` values) and `test` (`test_idx.len() × n`): sample `p` of the
/// training split is kept row `kept[train_idx[p]]`, and likewise for the test split. NaN
/// marks a missing cell; one-hot values are 0/1.
///
/// Every kept row is read in file order (so the columns are read in order) and written
/// straight to its place: no copy of the whole table in file order, and no gather of
/// scattered rows. Two threads share the writes: one writes the first half of the samples,
/// the other the rest, each reading only the rows it writes. The result does not depend on
/// the thread count (each value is written once, by a copy).
pub(super) fn scatter_rows(
    sources: &[Source],
    numbers: &[ColumnNumbers],
    kept: &Kept,
    n: usize,
    (train_idx, test_idx): (&[usize], &[usize]),
    (train, test): (&mut [f32], &mut [f32]),
) {
    if n == 0 {
        return;
    }
    // Where each kept row goes: its index in the training list, or the training length plus
    // its index in the test list.
    let mut place = vec![u32::MAX; kept.len()];
    for (p, &k) in train_idx.iter().chain(test_idx).enumerate() {
        if let Some(slot) = place.get_mut(k) {
            *slot = u32::try_from(p).unwrap_or(u32::MAX);
        }
    }
    let cut = train_idx.len();
    let total = cut + test_idx.len();
    // The first worker writes samples 0..half (all in the training split), the second the
    // rest of the training split and the whole test split.
    let half = (total / 2).min(cut);
    let (first, rest) = train.split_at_mut(half.saturating_mul(n).min(train.len()));
    let write = |from: usize, train: &mut [f32], test: &mut [f32]| {
        let to = from + train.len() / n + test.len() / n;
        for (i, p) in kept.iter().zip(place.iter().map(|&p| p as usize)) {
            if p < from || p >= to {
                continue;
            }
            let row = if p < cut {
                let r = p - from;
                train.get_mut(r * n..(r + 1) * n)
            } else {
                let q = p - cut;
                test.get_mut(q * n..(q + 1) * n)
            };
            if let Some(row) = row {
                write_row(sources, numbers, i, row);
            }
        }
    };
    rayon::join(|| write(0, first, &mut []), || write(half, rest, test));
}

/// Writes table row `i`'s features into `row` (`n` values).
fn write_row(sources: &[Source], numbers: &[ColumnNumbers], i: usize, row: &mut [f32]) {
    let mut at = 0;
    for source in sources {
        match source {
            Source::Number(j) => {
                if let Some(x) = row.get_mut(at) {
                    *x = numbers
                        .get(*j)
                        .and_then(|c| c.values.get(i))
                        .copied()
                        .unwrap_or(f32::NAN);
                }
                at += 1;
            }
            Source::OneHot { codes, width, .. } => {
                let code = codes.get(i).copied().unwrap_or(MISSING_CODE);
                for (k, x) in row.iter_mut().skip(at).take(*width).enumerate() {
                    *x = if code == MISSING_CODE {
                        f32::NAN
                    } else {
                        f32::from(u8::from(usize::from(code) == k))
                    };
                }
                at += width;
            }
        }
    }
}
