//! Loss values against numbers worked out by hand.

use gradscope::nn::{LossKind, Target, compute_loss, softmax, softmax_cross_entropy};
use nalgebra::dmatrix;

#[test]
fn softmax_cross_entropy_survives_huge_logits() {
    // Row 1: lse(1000, -1000) = 1000 + ln(1 + e^-2000) = 1000 (in floating point),
    //        label 1 → loss 1000 - (-1000) = 2000.
    // Row 2: lse(1000, 1000) = 1000 + ln 2, label 0 → loss ln 2.
    // Mean: (2000 + ln 2) / 2.
    let logits = dmatrix![1000.0_f64, -1000.0; 1000.0, 1000.0];
    let (loss, grad) = softmax_cross_entropy(&logits, &[1, 0]);
    let expected = (2000.0 + std::f64::consts::LN_2) / 2.0;
    assert!(loss.is_finite());
    assert!((loss - expected).abs() < 1e-12, "{loss}");
    // (softmax - onehot) / 2: row 1 ([1, 0] - [0, 1]) / 2, row 2 ([½, ½] - [1, 0]) / 2.
    assert_eq!(grad, dmatrix![0.5, -0.5; -0.25, 0.25]);

    // The same in f32, where e^1000 overflows immediately if taken raw.
    let logits32 = dmatrix![1000.0_f32, -1000.0; 1000.0, 1000.0];
    let (loss32, grad32) = softmax_cross_entropy(&logits32, &[1, 0]);
    assert!((loss32 - expected as f32).abs() < 1e-3, "{loss32}");
    assert!(grad32.iter().all(|g| g.is_finite()));

    // A correct, confident prediction costs nothing.
    let (zero, _) = softmax_cross_entropy(&dmatrix![-1000.0_f32, 1000.0], &[1]);
    assert_eq!(zero, 0.0);
}

#[test]
fn softmax_cross_entropy_small_case_by_hand() {
    // logits [0, ln 3]: softmax = [1/4, 3/4]; label 0 → loss ln 4,
    // gradient [1/4 - 1, 3/4] = [-0.75, 0.75] (batch of one).
    let (loss, grad) = softmax_cross_entropy(&dmatrix![0.0_f64, 3.0_f64.ln()], &[0]);
    assert!((loss - 4.0_f64.ln()).abs() < 1e-15);
    assert!((grad - dmatrix![-0.75, 0.75]).amax() < 1e-15);
}

#[test]
fn softmax_of_huge_logits() {
    let p = softmax(&dmatrix![1000.0_f32, 1000.0, -1000.0]);
    assert_eq!(p, dmatrix![0.5, 0.5, 0.0]);
}

#[test]
fn compute_loss_dispatches() {
    let out = dmatrix![1.0_f64, 2.0; 3.0, 4.0];
    // MSE: diff [1, 2; 3, 4] - [1, 0; 3, 6] = [0, 2; 0, -2] → (4 + 4) / 4 = 2.
    let (mse, grad) = compute_loss(
        LossKind::Mse,
        &out,
        &Target::Values(dmatrix![1.0, 0.0; 3.0, 6.0]),
    );
    assert_eq!(mse, 2.0);
    assert_eq!(grad, dmatrix![0.0, 1.0; 0.0, -1.0]);
    let (ce, _) = compute_loss(
        LossKind::SoftmaxCrossEntropy,
        &out,
        &Target::Classes(vec![1, 1]),
    );
    // Each row: lse(a, a + 1) - (a + 1) = ln(1 + e^-1).
    assert!((ce - (1.0 + (-1.0_f64).exp()).ln()).abs() < 1e-15);
}

/// The mean squared error of 256 targets of 2.5e18 against predictions of 0 is 6.25e36, well
/// inside `f32`, though the sum of the squares (1.6e39) is not: it was `inf` when the squares
/// were summed in `f32` (the whole-split loss of `train` then read `inf`). A mean past
/// `f32::MAX` is still infinite.
#[test]
fn mean_squared_error_of_large_targets_is_finite_when_the_mean_is() {
    let pred = nalgebra::DMatrix::<f32>::zeros(256, 1);
    let (loss, grad) = compute_loss(
        LossKind::Mse,
        &pred,
        &Target::Values(nalgebra::DMatrix::from_element(256, 1, 2.5e18_f32)),
    );
    assert_eq!(loss, 6.25e36);
    assert_eq!(grad[(0, 0)], -2.0 * 2.5e18 / 256.0);
    let (loss, _) = compute_loss(
        LossKind::Mse,
        &pred,
        &Target::Values(nalgebra::DMatrix::from_element(256, 1, 2.0e19_f32)),
    );
    assert_eq!(loss, f32::INFINITY);
}
