//! Element-wise nonlinearities.

use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

use super::layer::store;
use super::scalar::cast;
use super::{Init, Layer, Mode, Scalar, Shape};

/// Slope of [`ActivationKind::LeakyRelu`] for negative inputs (Maas et al. 2013).
pub const LEAKY_RELU_SLOPE: f64 = 0.01;

/// Which element-wise function an [`Activation`] layer applies.
///
/// Formulas (Goodfellow et al., *Deep Learning* 2016, Section 6.3):
/// - Sigmoid `σ(x) = 1 / (1 + e^(-x))`, `σ' = σ(1 - σ)`
/// - Tanh `tanh(x)`, `tanh' = 1 - tanh²`
/// - ReLU `max(0, x)`, derivative 1 for `x > 0`, else 0 (Nair & Hinton 2010)
/// - LeakyReLU `x` for `x > 0`, else `0.01·x` (Maas et al. 2013)
/// - Linear `x` (identity), derivative 1
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActivationKind {
    /// Logistic sigmoid, outputs in (0, 1).
    Sigmoid,
    /// Hyperbolic tangent, outputs in (-1, 1).
    Tanh,
    /// Rectified linear unit.
    #[serde(rename = "ReLU")]
    Relu,
    /// ReLU with slope [`LEAKY_RELU_SLOPE`] for negative inputs.
    #[serde(rename = "LeakyReLU")]
    LeakyRelu,
    /// Identity.
    Linear,
}

impl ActivationKind {
    /// Every kind, in declaration order (for menus).
    pub const ALL: [ActivationKind; 5] = [
        ActivationKind::Sigmoid,
        ActivationKind::Tanh,
        ActivationKind::Relu,
        ActivationKind::LeakyRelu,
        ActivationKind::Linear,
    ];

    /// Display name: `"Sigmoid"`, `"Tanh"`, `"ReLU"`, `"LeakyReLU"`, `"Linear"`.
    pub fn name(self) -> &'static str {
        match self {
            ActivationKind::Sigmoid => "Sigmoid",
            ActivationKind::Tanh => "Tanh",
            ActivationKind::Relu => "ReLU",
            ActivationKind::LeakyRelu => "LeakyReLU",
            ActivationKind::Linear => "Linear",
        }
    }

    /// Case-insensitive: `sigmoid`, `tanh`, `relu`, `leakyrelu` or
    /// `leaky_relu`, `linear`. Surrounding whitespace is ignored.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sigmoid" => Some(ActivationKind::Sigmoid),
            "tanh" => Some(ActivationKind::Tanh),
            "relu" => Some(ActivationKind::Relu),
            "leakyrelu" | "leaky_relu" => Some(ActivationKind::LeakyRelu),
            "linear" => Some(ActivationKind::Linear),
            _ => None,
        }
    }

    /// The function applied to one number.
    ///
    /// Sigmoid is evaluated so that `exp` only ever sees a non-positive
    /// argument: `1 / (1 + e^(-x))` for `x ≥ 0` and `e^x / (1 + e^x)`
    /// otherwise, which cannot overflow (both forms are the same function).
    pub fn apply<T: Scalar>(self, x: T) -> T {
        match self {
            ActivationKind::Sigmoid => {
                if x >= T::zero() {
                    T::one() / (T::one() + (-x).exp())
                } else {
                    let e = x.exp();
                    e / (T::one() + e)
                }
            }
            ActivationKind::Tanh => x.tanh(),
            ActivationKind::Relu => {
                if x > T::zero() {
                    x
                } else {
                    T::zero()
                }
            }
            ActivationKind::LeakyRelu => {
                if x > T::zero() {
                    x
                } else {
                    cast::<T>(LEAKY_RELU_SLOPE) * x
                }
            }
            ActivationKind::Linear => x,
        }
    }

    /// The derivative f'(x), written in terms of the output `y = f(x)`
    /// (for ReLU and LeakyReLU `y > 0` exactly when `x > 0`). Using the
    /// output means a layer only needs to cache one matrix.
    pub fn derivative_from_output<T: Scalar>(self, y: T) -> T {
        match self {
            ActivationKind::Sigmoid => y * (T::one() - y),
            ActivationKind::Tanh => T::one() - y * y,
            ActivationKind::Relu => {
                if y > T::zero() {
                    T::one()
                } else {
                    T::zero()
                }
            }
            ActivationKind::LeakyRelu => {
                if y > T::zero() {
                    T::one()
                } else {
                    cast(LEAKY_RELU_SLOPE)
                }
            }
            ActivationKind::Linear => T::one(),
        }
    }

    /// Weight init suited to a Dense layer followed by this activation:
    /// He normal for ReLU / LeakyReLU (He et al. 2015), Xavier uniform
    /// otherwise (Glorot & Bengio 2010).
    pub fn preferred_init(self) -> Init {
        match self {
            ActivationKind::Relu | ActivationKind::LeakyRelu => Init::HeNormal,
            _ => Init::XavierUniform,
        }
    }
}

/// A layer applying an [`ActivationKind`] to every element; output shape =
/// input shape `(batch, features)`. Backward multiplies `dL/dy` element-wise
/// by `f'(x)` (chain rule).
pub struct Activation<T: Scalar> {
    /// The function this layer applies.
    pub kind: ActivationKind,
    /// Output of the last Train forward, `(batch, features)`.
    output: DMatrix<T>,
}

impl<T: Scalar> Activation<T> {
    /// A layer applying `kind`.
    pub fn new(kind: ActivationKind) -> Self {
        Activation {
            kind,
            output: DMatrix::zeros(0, 0),
        }
    }
}

impl<T: Scalar> Layer<T> for Activation<T> {
    fn name(&self) -> String {
        self.kind.name().to_string()
    }

    fn output_features(&self, input_features: usize) -> usize {
        input_features
    }

    /// Element-wise, so an image stays an image of the same shape.
    fn output_shape(&self, input: Shape) -> Shape {
        input
    }

    fn forward(&mut self, x: &DMatrix<T>, mode: Mode) -> DMatrix<T> {
        let kind = self.kind;
        let y = x.map(|v| kind.apply(v));
        if mode == Mode::Train {
            store(&mut self.output, &y);
        }
        y
    }

    fn backward(&mut self, grad_out: &DMatrix<T>) -> DMatrix<T> {
        assert_eq!(
            grad_out.shape(),
            self.output.shape(),
            "{}: grad_out does not match the last Train forward",
            self.name()
        );
        let kind = self.kind;
        grad_out.zip_map(&self.output, |g, y| g * kind.derivative_from_output(y))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back() {
        for kind in ActivationKind::ALL {
            assert_eq!(ActivationKind::parse(kind.name()), Some(kind));
        }
        assert_eq!(
            ActivationKind::parse(" Leaky_ReLU "),
            Some(ActivationKind::LeakyRelu)
        );
        assert_eq!(ActivationKind::parse("softplus"), None);
    }

    #[test]
    fn values_by_hand() {
        use ActivationKind::*;
        assert_eq!(Sigmoid.apply(0.0_f64), 0.5);
        assert!((Sigmoid.apply(2.0_f64) - 1.0 / (1.0 + (-2.0_f64).exp())).abs() < 1e-15);
        assert_eq!(Relu.apply(-3.0_f64), 0.0);
        assert_eq!(Relu.apply(3.0_f64), 3.0);
        assert_eq!(LeakyRelu.apply(-3.0_f64), -0.03);
        assert_eq!(Linear.apply(-3.0_f64), -3.0);
        assert_eq!(Tanh.apply(0.5_f64), 0.5_f64.tanh());
    }

    #[test]
    fn sigmoid_is_stable_at_the_extremes() {
        let s = ActivationKind::Sigmoid;
        assert_eq!(s.apply(1000.0_f32), 1.0);
        assert_eq!(s.apply(-1000.0_f32), 0.0);
        // e^-100 / (1 + e^-100) ≈ 3.72e-44: tiny but representable in f64.
        let tiny = s.apply(-100.0_f64);
        assert!(tiny > 0.0 && (tiny - (-100.0_f64).exp()).abs() < 1e-58);
    }
}
