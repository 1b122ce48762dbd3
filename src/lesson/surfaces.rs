//! Two-parameter test surfaces for the optimizer race, each with its gradient, known critical
//! points, a plot range and a start point.
//!
//! Formulas and minima as catalogued by Jamil & Yang (2013), "A literature survey of benchmark
//! functions for global optimisation problems", and Rosenbrock (1960), Beale (1958),
//! Himmelblau (1972).

use std::sync::Arc;

use crate::nn::OptimizerKind;

use super::regression::RegressionData;

/// A rectangle of the parameter plane: `x = [min, max]`, `y = [min, max]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    /// Horizontal range (first parameter).
    pub x: [f64; 2],
    /// Vertical range (second parameter).
    pub y: [f64; 2],
}

impl Bounds {
    /// Width and height.
    pub fn size(&self) -> [f64; 2] {
        [self.x[1] - self.x[0], self.y[1] - self.y[0]]
    }

    /// True if `p` lies inside (edges included).
    pub fn contains(&self, p: [f64; 2]) -> bool {
        (self.x[0]..=self.x[1]).contains(&p[0]) && (self.y[0]..=self.y[1]).contains(&p[1])
    }
}

/// What a critical point (∇f = 0) is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CriticalKind {
    /// A local (here also global) minimum.
    Minimum,
    /// A saddle point.
    Saddle,
}

/// A point where the gradient vanishes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CriticalPoint {
    /// Its position.
    pub point: [f64; 2],
    /// Minimum or saddle.
    pub kind: CriticalKind,
}

/// Which surface (without its parameters), for menus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SurfaceKind {
    /// The regression loss J(w, b) of the lesson.
    Regression,
    /// Rosenbrock's banana valley.
    Rosenbrock,
    /// Beale's function.
    Beale,
    /// Himmelblau's function (four minima).
    Himmelblau,
    /// An axis-aligned quadratic with adjustable condition number.
    IllConditioned,
    /// The saddle x² − y².
    Saddle,
}

impl SurfaceKind {
    /// Every kind, in menu order.
    pub const ALL: [SurfaceKind; 6] = [
        SurfaceKind::Regression,
        SurfaceKind::Rosenbrock,
        SurfaceKind::Beale,
        SurfaceKind::Himmelblau,
        SurfaceKind::IllConditioned,
        SurfaceKind::Saddle,
    ];

    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            SurfaceKind::Regression => "Regression loss",
            SurfaceKind::Rosenbrock => "Rosenbrock",
            SurfaceKind::Beale => "Beale",
            SurfaceKind::Himmelblau => "Himmelblau",
            SurfaceKind::IllConditioned => "Ill-conditioned quadratic",
            SurfaceKind::Saddle => "Saddle",
        }
    }

    /// The formula, for tooltips.
    pub fn formula(self) -> &'static str {
        match self {
            SurfaceKind::Regression => "J(w, b) = (1/N) Σ (w·xᵢ + b − yᵢ)² on y = 3x + 2 + U[0,1)",
            SurfaceKind::Rosenbrock => "f = (1 − x)² + 100 (y − x²)², minimum (1, 1)",
            SurfaceKind::Beale => {
                "f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)², minimum (3, 0.5)"
            }
            SurfaceKind::Himmelblau => "f = (x² + y − 11)² + (x + y² − 7)², four minima",
            SurfaceKind::IllConditioned => "f = ½ (x² + κ y²), condition number κ, minimum (0, 0)",
            SurfaceKind::Saddle => "f = x² − y², a saddle at (0, 0) and no minimum",
        }
    }
}

/// The four minima of Himmelblau's function (f = 0 at each); the last three refined by Newton's
/// method to double precision.
pub const HIMMELBLAU_MINIMA: [[f64; 2]; 4] = [
    [3.0, 2.0],
    [-2.805_118_086_952_745, 3.131_312_518_250_573],
    [-3.779_310_253_377_747, -3.283_185_991_286_17],
    [3.584_428_340_330_492, -1.848_126_526_964_403],
];

/// Largest condition number the ill-conditioned quadratic accepts.
pub const MAX_CONDITION: f64 = 1e6;

/// A differentiable function of two parameters.
#[derive(Clone, Debug)]
pub enum Surface {
    /// The mean squared error J(w, b) of a line fitted to these points.
    Regression(Arc<RegressionData>),
    /// f = (1 − x)² + 100 (y − x²)² (Rosenbrock 1960); minimum 0 at (1, 1).
    Rosenbrock,
    /// f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)² (Beale 1958);
    /// minimum 0 at (3, 0.5).
    Beale,
    /// f = (x² + y − 11)² + (x + y² − 7)² (Himmelblau 1972); minimum 0 at
    /// [`HIMMELBLAU_MINIMA`].
    Himmelblau,
    /// f = ½ (x² + κ y²): Hessian diag(1, κ), so the condition number is κ; minimum 0 at the
    /// origin. κ is clamped to [1, [`MAX_CONDITION`]] (NaN becomes 1).
    IllConditioned {
        /// Condition number κ.
        condition: f64,
    },
    /// f = x² − y²: a saddle at the origin, unbounded below.
    Saddle,
}

impl Surface {
    /// The surface of `kind` with default parameters (κ = 10; the preset regression data).
    pub fn of_kind(kind: SurfaceKind) -> Surface {
        match kind {
            SurfaceKind::Regression => Surface::Regression(Arc::new(RegressionData::preset(
                &super::regression::PresetConfig::default(),
            ))),
            SurfaceKind::Rosenbrock => Surface::Rosenbrock,
            SurfaceKind::Beale => Surface::Beale,
            SurfaceKind::Himmelblau => Surface::Himmelblau,
            SurfaceKind::IllConditioned => Surface::IllConditioned { condition: 10.0 },
            SurfaceKind::Saddle => Surface::Saddle,
        }
    }

    /// Which kind this is.
    pub fn kind(&self) -> SurfaceKind {
        match self {
            Surface::Regression(_) => SurfaceKind::Regression,
            Surface::Rosenbrock => SurfaceKind::Rosenbrock,
            Surface::Beale => SurfaceKind::Beale,
            Surface::Himmelblau => SurfaceKind::Himmelblau,
            Surface::IllConditioned { .. } => SurfaceKind::IllConditioned,
            Surface::Saddle => SurfaceKind::Saddle,
        }
    }

    /// Display name.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// The condition number actually used by the ill-conditioned quadratic (1 for the others).
    pub fn condition(&self) -> f64 {
        match self {
            Surface::IllConditioned { condition } => clamp_condition(*condition),
            _ => 1.0,
        }
    }

    /// f(p).
    pub fn value(&self, p: [f64; 2]) -> f64 {
        let [x, y] = p;
        match self {
            Surface::Regression(data) => data.loss(p),
            Surface::Rosenbrock => (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2),
            Surface::Beale => {
                let (a, b, c) = beale_terms(x, y);
                a * a + b * b + c * c
            }
            Surface::Himmelblau => (x * x + y - 11.0).powi(2) + (x + y * y - 7.0).powi(2),
            Surface::IllConditioned { condition } => {
                0.5 * (x * x + clamp_condition(*condition) * y * y)
            }
            Surface::Saddle => x * x - y * y,
        }
    }

    /// ∇f(p), derived by hand from [`Surface::value`] (checked against central differences in
    /// the tests).
    pub fn gradient(&self, p: [f64; 2]) -> [f64; 2] {
        let [x, y] = p;
        match self {
            Surface::Regression(data) => data.gradient(p),
            Surface::Rosenbrock => [
                -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
                200.0 * (y - x * x),
            ],
            Surface::Beale => {
                let (a, b, c) = beale_terms(x, y);
                [
                    2.0 * a * (y - 1.0) + 2.0 * b * (y * y - 1.0) + 2.0 * c * (y * y * y - 1.0),
                    2.0 * a * x + 2.0 * b * 2.0 * x * y + 2.0 * c * 3.0 * x * y * y,
                ]
            }
            Surface::Himmelblau => {
                let (u, v) = (x * x + y - 11.0, x + y * y - 7.0);
                [4.0 * x * u + 2.0 * v, 2.0 * u + 4.0 * y * v]
            }
            Surface::IllConditioned { condition } => [x, clamp_condition(*condition) * y],
            Surface::Saddle => [2.0 * x, -2.0 * y],
        }
    }

    /// The known critical points worth marking: every minimum, and the saddle of x² − y².
    /// The regression loss's minimum is the least-squares fit (none if it is undetermined).
    pub fn critical_points(&self) -> Vec<CriticalPoint> {
        let minimum = |point| CriticalPoint {
            point,
            kind: CriticalKind::Minimum,
        };
        match self {
            Surface::Regression(data) => data.least_squares().into_iter().map(minimum).collect(),
            Surface::Rosenbrock => vec![minimum([1.0, 1.0])],
            Surface::Beale => vec![minimum([3.0, 0.5])],
            Surface::Himmelblau => HIMMELBLAU_MINIMA.iter().copied().map(minimum).collect(),
            Surface::IllConditioned { .. } => vec![minimum([0.0, 0.0])],
            Surface::Saddle => vec![CriticalPoint {
                point: [0.0, 0.0],
                kind: CriticalKind::Saddle,
            }],
        }
    }

    /// The smallest value f takes (at its minima); `None` for the saddle (unbounded below) and
    /// for a regression without a unique fit.
    pub fn min_value(&self) -> Option<f64> {
        match self {
            Surface::Regression(data) => data.least_squares().map(|theta| data.loss(theta)),
            Surface::Saddle => None,
            _ => Some(0.0),
        }
    }

    /// A plot range that shows the start point, the minima and the interesting valleys.
    pub fn bounds(&self) -> Bounds {
        match self {
            Surface::Regression(data) => {
                let [w, b] = data.least_squares().unwrap_or([0.0, 0.0]);
                Bounds {
                    x: [w.min(0.0) - 3.5, w.max(0.0) + 3.5],
                    y: [b.min(0.0) - 3.5, b.max(0.0) + 3.5],
                }
            }
            Surface::Rosenbrock => Bounds {
                x: [-2.0, 2.0],
                y: [-1.0, 3.0],
            },
            Surface::Beale => Bounds {
                x: [-4.5, 4.5],
                y: [-4.5, 4.5],
            },
            Surface::Himmelblau => Bounds {
                x: [-5.0, 5.0],
                y: [-5.0, 5.0],
            },
            Surface::IllConditioned { .. } | Surface::Saddle => Bounds {
                x: [-2.0, 2.0],
                y: [-2.0, 2.0],
            },
        }
    }

    /// A start point from which the race is instructive.
    pub fn start(&self) -> [f64; 2] {
        match self {
            Surface::Regression(_) => [0.0, 0.0],
            Surface::Rosenbrock => [-1.2, 1.0],
            Surface::Beale => [1.0, 1.5],
            Surface::Himmelblau => [0.0, -0.5],
            Surface::IllConditioned { .. } => [-1.8, 1.5],
            Surface::Saddle => [1.8, 0.01],
        }
    }

    /// A learning rate for `kind` that makes progress on this surface from
    /// [`Surface::start`] without diverging (a starting point for the user to edit).
    pub fn default_learning_rate(&self, kind: OptimizerKind) -> f64 {
        use OptimizerKind::{Adam, Momentum, Nesterov, RmsProp, Sgd};
        let adaptive = matches!(kind, RmsProp | Adam);
        let momentum = matches!(kind, Momentum | Nesterov);
        match self {
            Surface::Regression(data) => {
                let critical = data.critical_learning_rate().unwrap_or(0.1);
                if adaptive {
                    0.05
                } else if momentum {
                    0.1 * critical
                } else {
                    0.5 * critical
                }
            }
            Surface::Rosenbrock => match kind {
                Sgd => 1e-3,
                Momentum | Nesterov => 1e-4,
                RmsProp => 1e-2,
                Adam => 5e-2,
            },
            Surface::Beale => match kind {
                Sgd => 1e-2,
                Momentum | Nesterov => 1e-3,
                RmsProp => 1e-2,
                Adam => 5e-2,
            },
            Surface::Himmelblau => match kind {
                Sgd => 1e-2,
                Momentum | Nesterov => 2e-3,
                RmsProp => 2e-2,
                Adam => 5e-2,
            },
            Surface::IllConditioned { condition } => {
                let critical = 2.0 / clamp_condition(*condition);
                if adaptive {
                    0.05
                } else if momentum {
                    0.2 * critical
                } else {
                    0.9 * critical
                }
            }
            Surface::Saddle => {
                if adaptive {
                    0.02
                } else {
                    0.01
                }
            }
        }
    }
}

fn clamp_condition(condition: f64) -> f64 {
    if condition.is_nan() {
        1.0
    } else {
        condition.clamp(1.0, MAX_CONDITION)
    }
}

/// The three residuals of Beale's function.
fn beale_terms(x: f64, y: f64) -> (f64, f64, f64) {
    (
        1.5 - x + x * y,
        2.25 - x + x * y * y,
        2.625 - x + x * y * y * y,
    )
}
