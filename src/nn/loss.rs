//! Loss functions: a scalar to minimise and its gradient w.r.t. the network output.

use nalgebra::storage::Storage;
use nalgebra::{DMatrix, Dyn, Matrix, U1};
use serde::{Deserialize, Serialize};

use super::Scalar;
use super::scalar::cast;

/// Which loss compares network outputs with targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LossKind {
    /// Mean squared error, see [`mse`].
    Mse,
    /// Softmax followed by cross-entropy, see [`softmax_cross_entropy`].
    SoftmaxCrossEntropy,
}

/// What the network should output for a batch.
#[derive(Clone, Debug, PartialEq)]
pub enum Target<T: Scalar> {
    /// One class index per row, `len = batch`.
    Classes(Vec<usize>),
    /// One target row per row, `(batch, outputs)`.
    Values(DMatrix<T>),
}

/// For one row of logits `z`: `m = max_j z_j` and `s = Σ_j e^(z_j - m)`.
///
/// Shifting by the maximum makes every exponent ≤ 0, so nothing overflows and
/// `s ≥ 1` (Goodfellow et al., *Deep Learning* 2016, Section 4.1). From these,
/// `log Σ_j e^(z_j) = m + ln s` (log-sum-exp) and `softmax(z)_j = e^(z_j - m) / s`.
fn max_and_shifted_sum<T: Scalar, S: Storage<T, U1, Dyn>>(row: &Matrix<T, U1, Dyn, S>) -> (T, T) {
    let m = row.max();
    let s = row.iter().fold(T::zero(), |acc, &z| acc + (z - m).exp());
    (m, s)
}

/// Row-wise softmax `p_j = e^(z_j) / Σ_k e^(z_k)` (Goodfellow et al.,
/// *Deep Learning* 2016, Section 6.2.2.3), evaluated as `e^(z_j - m) / s`
/// with `m` the row maximum, so no raw logit is exponentiated.
/// `logits`: `(batch, classes)` → same shape, each row sums to 1.
pub fn softmax<T: Scalar>(logits: &DMatrix<T>) -> DMatrix<T> {
    let mut p = logits.clone();
    for mut row in p.row_iter_mut() {
        let (m, s) = max_and_shifted_sum(&row);
        row.apply(|z| *z = (*z - m).exp() / s);
    }
    p
}

/// Softmax cross-entropy, averaged over the batch:
/// `L = -(1/B) Σ_i ln softmax(z_i)[y_i]` (Goodfellow et al., *Deep Learning*
/// 2016, Section 6.2.2.3), computed through log-sum-exp as
/// `-ln softmax(z)[y] = lse(z) - z_y = (m - z_y) + ln s` with `m = max z`,
/// `s = Σ e^(z_j - m)` — never exp of a raw logit, so logits of ±1000 are fine.
///
/// Gradient: `dL/dz = (softmax(z) - onehot(y)) / B`.
/// `logits`: `(batch, classes)`; `labels`: `len = batch`, each `< classes`.
/// Returns `(loss, dL/dlogits)` with the gradient shaped like `logits`.
///
/// Panics if `labels.len() != batch` or a label is out of range (programmer error).
pub fn softmax_cross_entropy<T: Scalar>(logits: &DMatrix<T>, labels: &[usize]) -> (T, DMatrix<T>) {
    let (batch, classes) = logits.shape();
    assert_eq!(
        labels.len(),
        batch,
        "softmax_cross_entropy: one label per row"
    );
    let inv_batch = cast::<T>(1.0 / batch.max(1) as f64);
    let mut grad = softmax(logits);
    let mut total = T::zero();
    for (i, &label) in labels.iter().enumerate() {
        assert!(
            label < classes,
            "softmax_cross_entropy: label {label} ≥ {classes} classes"
        );
        let (m, s) = max_and_shifted_sum(&logits.row(i));
        total += (m - logits[(i, label)]) + s.ln();
        grad[(i, label)] -= T::one();
    }
    (total * inv_batch, grad * inv_batch)
}

/// Cross-entropy against target probability rows `t` (soft labels):
/// `L = -(1/B) Σ_i Σ_j t_ij ln softmax(z_i)_j`, gradient
/// `(softmax(z) - t) / B` when each row of `t` sums to 1.
fn softmax_cross_entropy_soft<T: Scalar>(logits: &DMatrix<T>, t: &DMatrix<T>) -> (T, DMatrix<T>) {
    assert_eq!(
        logits.shape(),
        t.shape(),
        "softmax_cross_entropy: target shape"
    );
    let inv_batch = cast::<T>(1.0 / logits.nrows().max(1) as f64);
    let mut total = T::zero();
    for i in 0..logits.nrows() {
        let (m, s) = max_and_shifted_sum(&logits.row(i));
        for j in 0..logits.ncols() {
            let log_p = (logits[(i, j)] - m) - s.ln();
            total -= t[(i, j)] * log_p;
        }
    }
    let grad = (softmax(logits) - t) * inv_batch;
    (total * inv_batch, grad)
}

/// Mean squared error over all `n` elements: `L = (1/n) Σ (pred - target)²`
/// (Goodfellow et al., *Deep Learning* 2016, Section 5.1.4); gradient
/// `dL/dpred = 2 (pred - target) / n`. Both `(batch, outputs)`. The squares are summed in
/// `f64`, so the loss is infinite in `f32` only when the mean itself passes `f32::MAX`, not
/// when 256 squares of targets around 2e18 add up past it.
///
/// Panics if the shapes differ (programmer error).
pub fn mse<T: Scalar>(pred: &DMatrix<T>, target: &DMatrix<T>) -> (T, DMatrix<T>) {
    assert_eq!(
        pred.shape(),
        target.shape(),
        "mse: pred and target shapes differ"
    );
    let n = pred.len().max(1) as f64;
    let inv_n = cast::<T>(1.0 / n);
    let diff = pred - target;
    let sum = diff
        .iter()
        .fold(0.0f64, |acc, &d| acc + Scalar::to_f64(d).powi(2));
    let loss = <T as Scalar>::from_f64(sum / n);
    let two_over_n = inv_n + inv_n;
    (loss, diff * two_over_n)
}

/// The loss `kind` of `output` `(batch, outputs)` against `target`; returns
/// `(loss, dL/doutput)`.
///
/// - `SoftmaxCrossEntropy` + `Classes`: [`softmax_cross_entropy`].
/// - `SoftmaxCrossEntropy` + `Values`: cross-entropy against the given
///   probability rows (soft labels), gradient `(softmax - target) / batch`.
/// - `Mse` + `Values`: [`mse`].
/// - `Mse` + `Classes`: [`mse`] against the one-hot rows of the classes.
///
/// Panics on a shape mismatch (programmer error).
pub fn compute_loss<T: Scalar>(
    kind: LossKind,
    output: &DMatrix<T>,
    target: &Target<T>,
) -> (T, DMatrix<T>) {
    match (kind, target) {
        (LossKind::SoftmaxCrossEntropy, Target::Classes(labels)) => {
            softmax_cross_entropy(output, labels)
        }
        (LossKind::SoftmaxCrossEntropy, Target::Values(t)) => softmax_cross_entropy_soft(output, t),
        (LossKind::Mse, Target::Values(t)) => mse(output, t),
        (LossKind::Mse, Target::Classes(labels)) => {
            assert_eq!(labels.len(), output.nrows(), "mse: one label per row");
            let onehot = DMatrix::from_fn(output.nrows(), output.ncols(), |i, j| {
                if labels[i] == j { T::one() } else { T::zero() }
            });
            mse(output, &onehot)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::dmatrix;

    #[test]
    fn softmax_rows_sum_to_one() {
        let p = softmax(&dmatrix![1.0_f64, 2.0, 3.0; 1000.0, 0.0, -1000.0]);
        for row in p.row_iter() {
            assert!((row.sum() - 1.0).abs() < 1e-12);
        }
        // e^1 / (e^1 + e^2 + e^3)
        let e = std::f64::consts::E;
        assert!((p[(0, 0)] - e / (e + e * e + e * e * e)).abs() < 1e-12);
        assert_eq!(p[(1, 0)], 1.0);
    }

    #[test]
    fn mse_by_hand() {
        let (l, g) = mse(&dmatrix![1.0_f64, 2.0], &dmatrix![0.0, 4.0]);
        // (1 + 4) / 2 = 2.5; gradient 2·[1, -2] / 2 = [1, -2]
        assert_eq!(l, 2.5);
        assert_eq!(g, dmatrix![1.0, -2.0]);
    }

    #[test]
    fn mse_with_classes_uses_one_hot() {
        let out = dmatrix![0.5_f64, 0.5];
        let (l, _) = compute_loss(LossKind::Mse, &out, &Target::Classes(vec![1]));
        assert_eq!(l, 0.25); // ((0.5)² + (-0.5)²) / 2
    }

    #[test]
    fn soft_targets_match_hard_labels() {
        let z = dmatrix![0.3_f64, -1.2, 2.0; 0.0, 0.5, -0.5];
        let (l1, g1) = softmax_cross_entropy(&z, &[2, 0]);
        let t = dmatrix![0.0, 0.0, 1.0; 1.0, 0.0, 0.0];
        let (l2, g2) = compute_loss(LossKind::SoftmaxCrossEntropy, &z, &Target::Values(t));
        assert!((l1 - l2).abs() < 1e-14);
        assert!((g1 - g2).amax() < 1e-14);
    }
}
