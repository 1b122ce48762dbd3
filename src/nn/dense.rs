//! The fully connected (affine) layer.

use nalgebra::DMatrix;
use rand::Rng;

use super::layer::reshape;
use super::{Init, Layer, Mode, Scalar, init_matrix};

/// A fully connected layer `y = x·W + b` (Goodfellow et al., *Deep Learning*
/// 2016, Algorithm 6.3, written for a batch of rows).
///
/// Shapes: `x` `(batch, in)`, `W` `(in, out)`, `b` `(1, out)` added to every
/// row, `y` `(batch, out)`. Backward (ibid., Algorithm 6.4):
/// `dL/dW = xᵀ·G`, `dL/db = Σ_rows G`, `dL/dx = G·Wᵀ` where `G = dL/dy`.
///
/// `forward` panics if `x` does not have `in` columns (programmer error).
pub struct Dense<T: Scalar> {
    /// `(in, out)`; column `j` holds the incoming weights of output unit `j`.
    pub weight: DMatrix<T>,
    /// `(1, out)`.
    pub bias: DMatrix<T>,
    /// dL/dW from the last backward, `(in, out)`.
    pub weight_grad: DMatrix<T>,
    /// dL/db from the last backward, `(1, out)`.
    pub bias_grad: DMatrix<T>,
    /// Transposed input of the last Train forward, `(in, batch)`, stored
    /// transposed so that `xᵀ·G` is a plain (fast) matrix product; for a layer with fewer
    /// than [`NARROW_INPUTS`] inputs, the input itself, `(batch, in)` (see
    /// [`weight_grad_narrow`]).
    input_t: DMatrix<T>,
    /// Scratch for `Wᵀ`, `(out, in)`, so backward can use one gemm.
    weight_t: DMatrix<T>,
}

impl<T: Scalar> Dense<T> {
    /// A layer with `inputs` inputs and `outputs` units; weights drawn by
    /// `init` (see [`Init`]), biases zero.
    pub fn new(inputs: usize, outputs: usize, init: Init, rng: &mut impl Rng) -> Self {
        Dense {
            weight: init_matrix(inputs, outputs, init, rng),
            bias: DMatrix::zeros(1, outputs),
            weight_grad: DMatrix::zeros(inputs, outputs),
            bias_grad: DMatrix::zeros(1, outputs),
            input_t: DMatrix::zeros(inputs, 0),
            weight_t: DMatrix::zeros(outputs, inputs),
        }
    }

    /// Number of input features (rows of `weight`).
    pub fn inputs(&self) -> usize {
        self.weight.nrows()
    }

    /// Number of units (columns of `weight`).
    pub fn outputs(&self) -> usize {
        self.weight.ncols()
    }

    /// True for a layer with fewer than [`NARROW_INPUTS`] inputs.
    fn narrow(&self) -> bool {
        self.inputs() < NARROW_INPUTS
    }

    /// dL/dW = xᵀ·G and dL/db = Σ_rows G for `grad_out` = G of the last Train forward.
    fn param_grads(&mut self, grad_out: &DMatrix<T>) {
        let batch = if self.narrow() {
            self.input_t.nrows()
        } else {
            self.input_t.ncols()
        };
        assert_eq!(
            grad_out.shape(),
            (batch, self.outputs()),
            "{}: grad_out does not match the last Train forward",
            self.name()
        );
        if self.narrow() {
            weight_grad_narrow(&self.input_t, grad_out, &mut self.weight_grad);
        } else {
            self.weight_grad
                .gemm(T::one(), &self.input_t, grad_out, T::zero());
        }
        // Column sums of G (a DMatrix stores each column contiguously).
        let batch = grad_out.nrows();
        for j in 0..self.outputs() {
            let column = &grad_out.as_slice()[j * batch..(j + 1) * batch];
            self.bias_grad[j] = column.iter().fold(T::zero(), |sum, &g| sum + g);
        }
    }
}

impl<T: Scalar> Layer<T> for Dense<T> {
    fn name(&self) -> String {
        format!("Dense {}→{}", self.inputs(), self.outputs())
    }

    fn output_features(&self, _input_features: usize) -> usize {
        self.outputs()
    }

    fn forward(&mut self, x: &DMatrix<T>, mode: Mode) -> DMatrix<T> {
        let mut y = DMatrix::zeros(0, 0);
        self.forward_into(x, mode, &mut y);
        y
    }

    fn forward_into(&mut self, x: &DMatrix<T>, mode: Mode, y: &mut DMatrix<T>) {
        assert_eq!(
            x.ncols(),
            self.inputs(),
            "{}: input has wrong width",
            self.name()
        );
        if mode == Mode::Train {
            if self.narrow() {
                super::layer::store(&mut self.input_t, x);
            } else {
                if self.input_t.shape() != (x.ncols(), x.nrows()) {
                    self.input_t = DMatrix::zeros(x.ncols(), x.nrows());
                }
                x.transpose_to(&mut self.input_t);
            }
        }
        // Start from b in every row, then add x·W in place: y = 1·x·W + 1·y.
        reshape(y, x.nrows(), self.outputs());
        let rows = x.nrows();
        for (column, &b) in y
            .as_mut_slice()
            .chunks_exact_mut(rows.max(1))
            .zip(self.bias.iter())
        {
            column.fill(b);
        }
        y.gemm(T::one(), x, &self.weight, T::one());
    }

    fn backward(&mut self, grad_out: &DMatrix<T>) -> DMatrix<T> {
        let mut grad_in = DMatrix::zeros(0, 0);
        self.backward_into(grad_out, Some(&mut grad_in));
        grad_in
    }

    /// With `None` the product `G·Wᵀ` for dL/dx is skipped.
    fn backward_into(&mut self, grad_out: &DMatrix<T>, grad_in: Option<&mut DMatrix<T>>) {
        self.param_grads(grad_out);
        if let Some(grad_in) = grad_in {
            // dL/dx = G·Wᵀ
            self.weight.transpose_to(&mut self.weight_t);
            reshape(grad_in, grad_out.nrows(), self.inputs());
            grad_in.gemm(T::one(), grad_out, &self.weight_t, T::zero());
        }
    }

    fn params(&self) -> Vec<&DMatrix<T>> {
        vec![&self.weight, &self.bias]
    }

    fn grads(&self) -> Vec<&DMatrix<T>> {
        vec![&self.weight_grad, &self.bias_grad]
    }

    fn grads_mut(&mut self) -> Vec<&mut DMatrix<T>> {
        vec![&mut self.weight_grad, &mut self.bias_grad]
    }

    fn params_and_grads_mut(&mut self) -> Vec<(&mut DMatrix<T>, &DMatrix<T>)> {
        vec![
            (&mut self.weight, &self.weight_grad),
            (&mut self.bias, &self.bias_grad),
        ]
    }

    fn add_weight_decay(&mut self, l2: T) {
        self.weight_grad
            .zip_apply(&self.weight, |g, w| *g += l2 * w);
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Layers with fewer inputs than this (the playground's first layer has 2) compute
/// `dL/dW = xᵀ·G` with [`weight_grad_narrow`]. Through nalgebra's product, an `(in, out)`
/// result with fewer than 8 rows is built one column at a time from `batch` updates `in`
/// numbers long: 512 two-number loops for a 2→16 layer and a batch of 32, about a fifth of
/// the tiny MLP's whole training step.
pub const NARROW_INPUTS: usize = 8;

/// `dL/dW = xᵀ·G` for `x` `(batch, in)` and `G` `(batch, out)` into `grad` `(in, out)`:
/// each entry is the dot product of two contiguous columns, see [`dot`].
fn weight_grad_narrow<T: Scalar>(x: &DMatrix<T>, g: &DMatrix<T>, grad: &mut DMatrix<T>) {
    let (rows, inputs) = x.shape();
    reshape(grad, inputs, g.ncols());
    if rows == 0 || inputs == 0 {
        grad.fill(T::zero());
        return;
    }
    for (grad_column, g_column) in grad
        .as_mut_slice()
        .chunks_exact_mut(inputs)
        .zip(g.as_slice().chunks_exact(rows))
    {
        for (entry, x_column) in grad_column.iter_mut().zip(x.as_slice().chunks_exact(rows)) {
            *entry = dot(x_column, g_column);
        }
    }
}

/// `Σ_k a_k b_k` in a fixed order: eight running sums (element `k` into sum `k mod 8`, which
/// the compiler turns into vector lanes), then the elements after the last whole eight one by
/// one, then the eight sums pairwise. The same bits on every run and every machine.
fn dot<T: Scalar>(a: &[T], b: &[T]) -> T {
    let whole = a.len().min(b.len()) / 8 * 8;
    let mut sums = [T::zero(); 8];
    for (ca, cb) in a[..whole].chunks_exact(8).zip(b[..whole].chunks_exact(8)) {
        for lane in 0..8 {
            sums[lane] += ca[lane] * cb[lane];
        }
    }
    let mut rest = T::zero();
    for (&x, &y) in a[whole..].iter().zip(&b[whole..]) {
        rest += x * y;
    }
    let [s0, s1, s2, s3, s4, s5, s6, s7] = sums;
    (((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7))) + rest
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::dmatrix;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn forward_and_backward_by_hand() {
        let mut rng = StdRng::seed_from_u64(0);
        let mut d = Dense::<f64>::new(2, 1, Init::XavierUniform, &mut rng);
        d.weight = dmatrix![2.0; -1.0];
        d.bias = dmatrix![0.5];
        let x = dmatrix![1.0, 3.0; -2.0, 0.0];
        // Row 1: 1·2 + 3·(-1) + 0.5 = -0.5; row 2: -2·2 + 0 + 0.5 = -3.5.
        assert_eq!(d.forward(&x, Mode::Train), dmatrix![-0.5; -3.5]);
        let g = dmatrix![1.0; 10.0];
        let gx = d.backward(&g);
        // dW = xᵀ·g = [1 - 20, 3 + 0]; db = 11; dx = g·Wᵀ.
        assert_eq!(d.weight_grad, dmatrix![-19.0; 3.0]);
        assert_eq!(d.bias_grad, dmatrix![11.0]);
        assert_eq!(gx, dmatrix![2.0, -1.0; 20.0, -10.0]);
        assert_eq!(d.name(), "Dense 2→1");
    }

    /// A narrow layer's weight gradient agrees with nalgebra's product to rounding, on
    /// batches that are and are not multiples of 8.
    #[test]
    fn the_narrow_weight_gradient_matches_nalgebra_s_product() {
        let mut rng = StdRng::seed_from_u64(7);
        for (batch, inputs, outputs) in [(37, 5, 3), (1, 1, 4), (32, 2, 16), (3, 7, 1)] {
            let x = init_matrix::<f64>(batch, inputs, Init::XavierUniform, &mut rng);
            let g = init_matrix::<f64>(batch, outputs, Init::XavierUniform, &mut rng);
            let mut grad = DMatrix::zeros(0, 0);
            weight_grad_narrow(&x, &g, &mut grad);
            let expected = x.transpose() * &g;
            assert!(
                (&grad - &expected).abs().max() < 1e-12,
                "{batch}×{inputs}→{outputs}"
            );
        }
        let a: Vec<f64> = (1..=19).map(f64::from).collect();
        assert_eq!(dot(&a, &a), (1..=19).map(|k| f64::from(k * k)).sum::<f64>());
    }
}
