//! Allocation bounds: no loader holds more memory than its input justifies.
//!
//! The test binary counts every byte through [`cap::Cap`]. Before each loader call the limit
//! is set to what is allocated now plus a budget of [`FIXED_BUDGET`] bytes (reader buffers,
//! error messages) and [`BYTES_PER_INPUT_BYTE`] per input byte; an allocation beyond it fails,
//! which aborts this test binary with "memory allocation of N bytes failed". A header that
//! claims a billion images, or a table that keeps a `String` per cell, goes over.
//!
//! Budget per input byte, for the CSV importer: the decoded text (1), the table's cell text
//! (≤ 1) and one 8-byte end offset per cell (≤ 8: every cell but the last of a row needs a
//! delimiter), the feature matrix as f32 (≤ 4 per 2 bytes), plus the slack of a growing
//! `Vec` (up to 2×): 2 × (1 + 1 + 8 + 2 + 2) = 28; 32 leaves a margin. One test only, so no
//! other test's thread allocates while a limit is set.

use std::alloc::System;

use cap::Cap;
use gradscope::data::{inspect_csv, parse_csv, parse_idx_images, parse_idx_labels};
use proptest::prelude::*;

#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

/// Bytes any loader call may hold regardless of its input (csv's 8 KiB reader buffer, etc.).
const FIXED_BUDGET: usize = 256 * 1024;
/// Further bytes allowed per byte of input.
const BYTES_PER_INPUT_BYTE: usize = 32;

/// Runs `load` with the allocation limit set to the budget for `input_len` bytes.
fn within_budget<R>(input_len: usize, load: impl FnOnce() -> R) -> R {
    let budget = FIXED_BUDGET + BYTES_PER_INPUT_BYTE * input_len;
    ALLOCATOR
        .set_limit(ALLOCATOR.allocated() + budget)
        .expect("the limit is above what is allocated");
    let result = load();
    ALLOCATOR.set_limit(usize::MAX).expect("no limit");
    result
}

/// Every CSV entry point and both IDX parsers on `bytes`, each within budget.
fn load_everything(bytes: &[u8]) {
    let n = bytes.len();
    let _ = within_budget(n, || inspect_csv("f.csv", bytes, None));
    let _ = within_budget(n, || parse_csv("f.csv", bytes, "0", 0.5, 1));
    let _ = within_budget(n, || parse_idx_images("x.idx", bytes));
    let _ = within_budget(n, || parse_idx_labels("x.idx", bytes));
}

/// An IDX header with the given magic and dimensions, then `body`.
fn idx(magic: u32, dims: &[u32], body: &[u8]) -> Vec<u8> {
    let mut bytes = magic.to_be_bytes().to_vec();
    for d in dims {
        bytes.extend_from_slice(&d.to_be_bytes());
    }
    bytes.extend_from_slice(body);
    bytes
}

/// A numeric CSV of `rows` rows: `x{i},y{i},label`.
fn numeric_csv(rows: usize) -> Vec<u8> {
    let mut text = String::from("x,y,label\n");
    for i in 0..rows {
        text.push_str(&format!("{}.5,{},{}\n", i % 97, i % 13, i % 3));
    }
    text.into_bytes()
}

#[test]
fn loaders_stay_within_their_input_budget() {
    // Headers that over-claim: a billion 28×28 images, four billion labels, in a few bytes.
    for bytes in [
        idx(0x0803, &[1_000_000_000, 28, 28], &[0; 64]),
        idx(0x0803, &[u32::MAX, u32::MAX, u32::MAX], &[]),
        idx(0x0801, &[u32::MAX], &[1, 2, 3]),
    ] {
        let images = within_budget(bytes.len(), || parse_idx_images("x.idx", &bytes));
        let labels = within_budget(bytes.len(), || parse_idx_labels("x.idx", &bytes));
        assert!(images.is_err() && labels.is_err());
    }

    // A real table large enough that the per-byte term dominates: 20 000 rows (~200 kB).
    let csv = numeric_csv(20_000);
    let (inspection, _) = within_budget(csv.len(), || inspect_csv("big.csv", &csv, None))
        .expect("the generated CSV loads");
    assert_eq!((inspection.rows, inspection.features), (20_000, 2));
    let data = within_budget(csv.len(), || parse_csv("big.csv", &csv, "label", 0.8, 1))
        .expect("the generated CSV loads");
    assert_eq!(data.train.len() + data.test.len(), 20_000);

    // Arbitrary and CSV-like bytes (cases run one after another on this thread).
    let alphabet: Vec<u8> = b"0123456789.-abcxyzNA?,;\t|\"\r\n ".to_vec();
    let strategy = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..400),
        proptest::collection::vec(proptest::sample::select(alphabet), 0..400),
    ];
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(256));
    runner
        .run(&strategy, |bytes| {
            load_everything(&bytes);
            Ok(())
        })
        .expect("no loader fails on arbitrary input");
}
