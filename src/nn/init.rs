//! Random initial weights.

use nalgebra::DMatrix;
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::Scalar;
use super::scalar::cast;

/// How to draw the initial weights of a dense layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Init {
    /// Uniform on `[-a, a]` with `a = sqrt(6 / (fan_in + fan_out))`
    /// (Glorot & Bengio 2010, eq. 16). Keeps activation variance steady
    /// through tanh / sigmoid layers.
    XavierUniform,
    /// Normal with mean 0 and standard deviation `sqrt(2 / fan_in)`
    /// (He et al. 2015, eq. 10). Compensates for ReLU zeroing half its inputs.
    HeNormal,
}

/// A `(rows_in, cols_out)` weight matrix drawn according to `init`, where
/// `fan_in = rows_in` and `fan_out = cols_out`. An empty shape gives an
/// empty matrix. Deterministic for a given `rng` state.
pub fn init_matrix<T: Scalar>(
    rows_in: usize,
    cols_out: usize,
    init: Init,
    rng: &mut impl Rng,
) -> DMatrix<T> {
    init_matrix_with_fans(rows_in, cols_out, rows_in, cols_out, init, rng)
}

/// Like [`init_matrix`] but with explicit fans, for layers whose fans are
/// not the matrix dimensions. A convolution with `C` input and `O` output
/// channels and a `k×k` kernel has `fan_in = C·k·k` and `fan_out = O·k·k`
/// (Glorot & Bengio 2010, Section 4.2; He et al. 2015, Section 2.2).
pub(crate) fn init_matrix_with_fans<T: Scalar>(
    rows: usize,
    cols: usize,
    fan_in: usize,
    fan_out: usize,
    init: Init,
    rng: &mut impl Rng,
) -> DMatrix<T> {
    if rows == 0 || cols == 0 {
        return DMatrix::zeros(rows, cols);
    }
    match init {
        Init::XavierUniform => {
            let a = (6.0 / (fan_in + fan_out) as f64).sqrt();
            DMatrix::from_fn(rows, cols, |_, _| cast(rng.random_range(-a..=a)))
        }
        Init::HeNormal => {
            let std = (2.0 / fan_in.max(1) as f64).sqrt();
            DMatrix::from_fn(rows, cols, |_, _| cast(std * standard_normal(rng)))
        }
    }
}

/// One draw from N(0, 1) by the Box–Muller transform
/// (Box & Muller 1958): `sqrt(-2 ln u1) · cos(2π u2)` with `u1, u2 ~ U(0, 1]`.
pub fn standard_normal(rng: &mut impl Rng) -> f64 {
    // `random` is in [0, 1); flip it to (0, 1] so the logarithm is finite.
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn xavier_stays_inside_its_bound() {
        let mut rng = StdRng::seed_from_u64(1);
        let w: DMatrix<f64> = init_matrix(30, 20, Init::XavierUniform, &mut rng);
        let a = (6.0_f64 / 50.0).sqrt();
        assert_eq!(w.shape(), (30, 20));
        assert!(w.iter().all(|v| v.abs() <= a));
        // Variance of U[-a, a] is a²/3 = 2 / (fan_in + fan_out) = 0.04.
        let var = w.iter().map(|v| v * v).sum::<f64>() / 600.0;
        assert!((var - 0.04).abs() < 0.006, "variance {var}");
    }

    #[test]
    fn he_normal_has_the_right_spread() {
        let mut rng = StdRng::seed_from_u64(2);
        let w: DMatrix<f64> = init_matrix(50, 200, Init::HeNormal, &mut rng);
        let n = 10_000.0;
        let mean = w.iter().sum::<f64>() / n;
        let var = w.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
        // Target variance 2 / fan_in = 0.04; the sample of 10 000 is within a few %.
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 0.04).abs() < 0.003, "variance {var}");
    }
}
