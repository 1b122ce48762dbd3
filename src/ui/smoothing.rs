//! Smoothing of the overlaid curves: TensorBoard's debiased exponential moving average.
//!
//! With smoothing weight `w` in [0, 1) and the values y₁, y₂, … of a curve in step order,
//!
//! ```text
//! m₀ = 0,   mₜ = w · mₜ₋₁ + (1 − w) · yₜ,   ŷₜ = mₜ / (1 − wᵗ)
//! ```
//!
//! `ŷₜ` is the smoothed value: the average of y₁ … yₜ weighted by w^(t−i), so the curve starts
//! at the first value instead of at zero (the division by 1 − wᵗ is the same bias correction as
//! Adam's, Kingma & Ba 2015, section 3). This is the formula of TensorBoard's scalar dashboard
//! (`resmoothDataset` in `tensorboard/plugins/scalar/…/vz_line_chart2/line-chart.ts`); w = 0
//! leaves the curve as it is, w → 1 flattens it.
//!
//! A point can stand for several steps (a merged bucket of a long run's loss history, whose
//! value is the mean of its steps): a point worth `k` steps counts as `k` equal steps,
//! `mₜ = wᵏ · mₜ₋₁ + (1 − wᵏ) · yₜ`, so the smoothing spans the same number of *steps* however
//! far the history has been merged.

/// Highest smoothing weight the slider offers.
pub const MAX_SMOOTHING: f64 = 0.99;

/// A running debiased exponential moving average (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ema {
    weight: f64,
    /// The biased average mₜ.
    biased: f64,
    /// wᵗ, for the bias correction 1 − wᵗ.
    weight_power: f64,
}

impl Ema {
    /// An empty average with smoothing weight `weight` (clamped to [0, [`MAX_SMOOTHING`]];
    /// NaN counts as 0).
    pub fn new(weight: f64) -> Self {
        let weight = if weight.is_nan() {
            0.0
        } else {
            weight.clamp(0.0, MAX_SMOOTHING)
        };
        Self {
            weight,
            biased: 0.0,
            weight_power: 1.0,
        }
    }

    /// Adds `value` standing for `count` equal steps (`count` ≥ 1) and returns the smoothed
    /// value. A non-finite value is returned as it is and leaves the average unchanged (as
    /// TensorBoard does).
    pub fn push(&mut self, value: f64, count: u64) -> f64 {
        if !value.is_finite() {
            return value;
        }
        let decay = self.weight.powi(count.max(1).min(i32::MAX as u64) as i32);
        self.biased = decay * self.biased + (1.0 - decay) * value;
        self.weight_power *= decay;
        let correction = 1.0 - self.weight_power;
        if correction > 0.0 {
            self.biased / correction
        } else {
            value
        }
    }
}

/// The debiased EMA of `points` (`[x, y]`, one step each) with smoothing weight `weight`:
/// the same x, each y replaced by its smoothed value.
pub fn smooth(points: &[[f64; 2]], weight: f64) -> Vec<[f64; 2]> {
    let mut ema = Ema::new(weight);
    points.iter().map(|&[x, y]| [x, ema.push(y, 1)]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debiased_ema_on_exact_numbers() {
        // w = 0.5: m = 0.5, 1.25, 2.125; 1 − wᵗ = 0.5, 0.75, 0.875.
        let smoothed = smooth(&[[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]], 0.5);
        assert_eq!(smoothed[0], [1.0, 1.0]);
        assert_eq!(smoothed[1], [2.0, 1.25 / 0.75]); // (0.5·1 + 1·2) / 1.5 = 5/3
        assert_eq!(smoothed[2], [3.0, 2.125 / 0.875]); // (0.25·1 + 0.5·2 + 3) / 1.75 = 17/7
        assert!((smoothed[1][1] - 5.0 / 3.0).abs() < 1e-15);
        assert!((smoothed[2][1] - 17.0 / 7.0).abs() < 1e-15);
    }

    #[test]
    fn weight_zero_keeps_the_curve_and_a_constant_stays_constant() {
        let points = [[0.0, 4.0], [1.0, -2.0], [2.0, 7.5]];
        assert_eq!(smooth(&points, 0.0), points.to_vec());
        let flat: Vec<[f64; 2]> = (0..50).map(|i| [i as f64, 0.25]).collect();
        for [_, y] in smooth(&flat, 0.99) {
            assert!((y - 0.25).abs() < 1e-12, "{y}");
        }
    }

    #[test]
    fn a_bucket_of_k_steps_counts_as_k_equal_steps() {
        // Two steps of 2.0 then one of 5.0, against one bucket (mean 2.0, 2 steps) then 5.0.
        let mut steps = Ema::new(0.6);
        steps.push(2.0, 1);
        steps.push(2.0, 1);
        let by_steps = steps.push(5.0, 1);
        let mut buckets = Ema::new(0.6);
        assert_eq!(buckets.push(2.0, 2), 2.0);
        let by_buckets = buckets.push(5.0, 1);
        // (0.36·2 + 0.6·2 + 5) / (0.36 + 0.6 + 1) = 6.92 / 1.96
        assert!((by_steps - 6.92 / 1.96).abs() < 1e-12, "{by_steps}");
        assert!((by_buckets - by_steps).abs() < 1e-12);
    }

    #[test]
    fn non_finite_values_pass_through_and_bad_weights_are_clamped() {
        let mut ema = Ema::new(0.5);
        assert_eq!(ema.push(2.0, 1), 2.0);
        assert!(ema.push(f64::NAN, 1).is_nan());
        assert_eq!(ema.push(f64::INFINITY, 1), f64::INFINITY);
        // The NaN and ∞ left the average alone: (0.5·2 + 4) / 1.5.
        assert_eq!(ema.push(4.0, 1), 5.0 / 1.5);
        assert_eq!(Ema::new(f64::NAN), Ema::new(0.0));
        assert_eq!(Ema::new(1.5), Ema::new(MAX_SMOOTHING));
        assert_eq!(Ema::new(-1.0), Ema::new(0.0));
    }
}
