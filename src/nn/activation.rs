//! Element-wise nonlinearities.

use nalgebra::DMatrix;
use pulp::{Simd, WithSimd};
use serde::{Deserialize, Serialize};

use super::layer::store;
use super::scalar::cast;
use super::simd::dispatch;
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
        let mut y = DMatrix::zeros(0, 0);
        self.forward_into(x, mode, &mut y);
        y
    }

    fn forward_into(&mut self, x: &DMatrix<T>, mode: Mode, out: &mut DMatrix<T>) {
        store(out, x);
        apply_in_place(self.kind, out.as_mut_slice());
        if mode == Mode::Train {
            store(&mut self.output, out);
        }
    }

    fn backward(&mut self, grad_out: &DMatrix<T>) -> DMatrix<T> {
        let mut grad_in = DMatrix::zeros(0, 0);
        self.backward_into(grad_out, Some(&mut grad_in));
        grad_in
    }

    fn backward_into(&mut self, grad_out: &DMatrix<T>, grad_in: Option<&mut DMatrix<T>>) {
        assert_eq!(
            grad_out.shape(),
            self.output.shape(),
            "{}: grad_out does not match the last Train forward",
            self.name()
        );
        let Some(grad_in) = grad_in else {
            return;
        };
        store(grad_in, grad_out);
        dispatch(ChainRule {
            kind: self.kind,
            grad: grad_in.as_mut_slice(),
            output: self.output.as_slice(),
        });
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `values[i] = kind.apply(values[i])`, vectorised for ReLU, LeakyReLU and (in `f32`) Tanh.
fn apply_in_place<T: Scalar>(kind: ActivationKind, values: &mut [T]) {
    match kind {
        ActivationKind::Tanh => T::tanh_in_place(values),
        ActivationKind::Linear => {}
        _ => dispatch(Apply { kind, values }),
    }
}

struct Apply<'a, T> {
    kind: ActivationKind,
    values: &'a mut [T],
}

impl<T: Scalar> WithSimd for Apply<'_, T> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, _simd: S) {
        let zero = T::zero();
        match self.kind {
            // The same comparisons as `ActivationKind::apply` (NaN becomes 0 in ReLU).
            ActivationKind::Relu => {
                for v in self.values.iter_mut() {
                    *v = if *v > zero { *v } else { zero };
                }
            }
            ActivationKind::LeakyRelu => {
                let slope = cast::<T>(LEAKY_RELU_SLOPE);
                for v in self.values.iter_mut() {
                    *v = if *v > zero { *v } else { slope * *v };
                }
            }
            kind => {
                for v in self.values.iter_mut() {
                    *v = kind.apply(*v);
                }
            }
        }
    }
}

/// `grad[i] *= kind.derivative_from_output(output[i])`, vectorised.
struct ChainRule<'a, T> {
    kind: ActivationKind,
    grad: &'a mut [T],
    output: &'a [T],
}

impl<T: Scalar> WithSimd for ChainRule<'_, T> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, _simd: S) {
        let pairs = self.grad.iter_mut().zip(self.output);
        let (zero, one) = (T::zero(), T::one());
        match self.kind {
            ActivationKind::Tanh => pairs.for_each(|(g, &y)| *g *= one - y * y),
            ActivationKind::Sigmoid => pairs.for_each(|(g, &y)| *g *= y * (one - y)),
            ActivationKind::Relu => {
                pairs.for_each(|(g, &y)| *g *= if y > zero { one } else { zero });
            }
            ActivationKind::LeakyRelu => {
                let slope = cast::<T>(LEAKY_RELU_SLOPE);
                pairs.for_each(|(g, &y)| *g *= if y > zero { one } else { slope });
            }
            ActivationKind::Linear => {}
        }
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
