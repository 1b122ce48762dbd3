//! Helpers shared by the gradient-check tests.

use gradscope::nn::GradCheck;

/// Difference step: truncation error O(EPS²) ≈ 1e-10 and rounding error
/// ≈ 1e-16 / EPS ≈ 1e-11 are both far below the tolerance.
pub const EPS: f64 = 1e-5;
/// Largest relative error a correct backward may show in f64.
pub const TOL: f64 = 1e-6;

/// Asserts that a check passes and is not vacuous (some gradient is clearly non-zero).
pub fn assert_passes(check: &GradCheck) {
    assert!(
        check.passed(TOL),
        "{}: max relative error {:e} (max abs {:e})",
        check.name,
        check.max_rel_error,
        check.max_abs_error
    );
    // Guard against a vacuous pass where everything is zero.
    assert!(
        check.analytic.iter().any(|g| g.abs() > 1e-3),
        "{}: all gradients ~0",
        check.name
    );
}
