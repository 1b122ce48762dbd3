#![warn(missing_docs)]

//! The gradient-descent lesson and the optimizer race, as pure logic (no UI, no threads).
//!
//! - [`regression`]: the seed text's worked example, linear regression on
//!   y = 3x + 2 + U[0, 1): data, loss J(w, b), gradient, closed-form least squares, Hessian,
//!   critical step size 2/λ_max, regimes, and a gradient-descent run with its path.
//! - [`surfaces`]: two-parameter test functions (the regression loss, Rosenbrock, Beale,
//!   Himmelblau, an ill-conditioned quadratic, a saddle) with gradients and known minima.
//! - [`race`]: several optimizers stepping on one surface from one start.
//! - [`landscape`]: a sampled grid with log-spaced contour levels, for the contour maps.
//!
//! Every step costs microseconds, so the UI steps these on its own thread.

pub mod landscape;
pub mod race;
pub mod regression;
pub mod surfaces;

pub use landscape::{LevelGrid, log_levels};
pub use race::{MAX_RACE_STEPS, Race, Racer};
pub use regression::{
    BatchMode, DIVERGENCE_LOSS, GradientDescent, MAX_PATH_POINTS, PresetConfig, Regime,
    RegressionData, Standardization, StepError, StepRecord, symmetric_eigenvalues,
};
pub use surfaces::{
    Bounds, CriticalKind, CriticalPoint, HIMMELBLAU_MINIMA, MAX_CONDITION, Surface, SurfaceKind,
};
