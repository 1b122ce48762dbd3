//! The floating-point element type of every matrix in the engine.

/// A real floating-point number the engine can compute with.
///
/// The app trains in `f32`; gradient checks run in `f64` so that central
/// differences are accurate enough to compare against the analytic gradient.
/// Everything else (`exp`, `ln`, `tanh`, `sqrt`, comparisons, zero and one)
/// comes from nalgebra's [`nalgebra::RealField`].
///
/// [`super::simd::SimdElement`] (implemented for `f32` and `f64` only) lets the
/// convolution and activation kernels run on SIMD vectors of this type.
pub trait Scalar:
    nalgebra::RealField
    + super::simd::SimdElement
    + Copy
    + Default
    + Send
    + Sync
    + std::fmt::Debug
    + std::fmt::Display
    + 'static
{
    /// Converts an `f64` constant (a learning rate, a slope, ...) to this type,
    /// rounding to the nearest representable value.
    fn from_f64(v: f64) -> Self;

    /// Widens (or copies) this value to `f64`, e.g. for display or checks.
    fn to_f64(self) -> f64;
}

impl Scalar for f32 {
    fn from_f64(v: f64) -> Self {
        v as f32
    }

    fn to_f64(self) -> f64 {
        f64::from(self)
    }
}

impl Scalar for f64 {
    fn from_f64(v: f64) -> Self {
        v
    }

    fn to_f64(self) -> f64 {
        self
    }
}

/// Shorthand for `<T as Scalar>::from_f64(v)`.
///
/// `RealField` also brings `num_traits::FromPrimitive::from_f64` (which
/// returns an `Option`), so the fully qualified call keeps the two apart.
pub fn cast<T: Scalar>(v: f64) -> T {
    <T as Scalar>::from_f64(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_f64() {
        assert_eq!(cast::<f64>(0.1), 0.1);
        assert_eq!(cast::<f32>(0.5), 0.5_f32);
        assert_eq!(Scalar::to_f64(0.25_f32), 0.25);
    }
}
