//! 2-D convolution, computed directly on the batch (no im2col matrix).
//!
//! Convolution layers follow Goodfellow, Bengio & Courville, *Deep Learning*
//! (2016), chapter 9 (eq. 9.4 for the forward sum, Section 9.5 for strides
//! and zero padding). Like every deep-learning library, "convolution" here
//! means cross-correlation: the kernel is not flipped (ibid., eq. 9.6).
//!
//! The sums run in [`super::conv_kernels`], vectorised along the batch: with
//! the batch in rows of a column-major matrix, the values of one pixel for
//! every sample are contiguous, so each multiply-add covers a whole SIMD
//! vector of samples.

use nalgebra::DMatrix;
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::conv_kernels::{self, Geometry};
use super::init::init_matrix_with_fans;
use super::layer::{reshape, store};
use super::{Init, Layer, Mode, Scalar, Shape};

/// Number of output positions along one axis:
/// `floor((input + 2·padding − kernel) / stride) + 1`
/// (Goodfellow et al., *Deep Learning* 2016, Section 9.5; Dumoulin & Visin,
/// *A guide to convolution arithmetic for deep learning* 2016, relationship 6).
///
/// Windows that would run past the (zero-padded) input are dropped, so no
/// window ever reads out of bounds: a 5-wide input with a 2-wide window at
/// stride 2 gives 2 positions (columns 0–1 and 2–3; column 4 is unused).
///
/// `None` if the window does not fit (`kernel > input + 2·padding`), or if
/// `kernel` or `stride` is 0.
pub fn conv_output_size(
    input: usize,
    kernel: usize,
    stride: usize,
    padding: usize,
) -> Option<usize> {
    if kernel == 0 || stride == 0 {
        return None;
    }
    let padded = padding.checked_mul(2)?.checked_add(input)?;
    if kernel > padded {
        return None;
    }
    Some((padded - kernel) / stride + 1)
}

/// Hyper-parameters of a [`Conv2d`] layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conv2dConfig {
    /// Channels of the input (1 for grey images).
    pub in_channels: usize,
    /// Number of filters = channels of the output.
    pub out_channels: usize,
    /// Side of the square `k×k` kernel.
    pub kernel: usize,
    /// Step between neighbouring windows, ≥ 1.
    pub stride: usize,
    /// Zeros added on every side of the input.
    pub padding: usize,
}

/// Sum of `values` with eight independent partial sums, so the additions
/// pipeline and vectorise (a plain fold is one long dependency chain).
fn sum<T: Scalar>(values: &[T]) -> T {
    let mut lanes = [T::zero(); 8];
    let chunks = values.chunks_exact(8);
    let tail = chunks.remainder();
    for chunk in chunks {
        for (lane, &v) in lanes.iter_mut().zip(chunk) {
            *lane += v;
        }
    }
    let tail_sum = tail.iter().fold(T::zero(), |acc, &v| acc + v);
    lanes.iter().fold(tail_sum, |acc, &v| acc + v)
}

/// A 2-D convolution layer with `O` filters of size `C×k×k`, a bias per
/// filter, zero padding and a stride (Goodfellow et al., *Deep Learning*
/// 2016, eq. 9.4 and Section 9.5; LeCun et al., *Gradient-based learning
/// applied to document recognition* 1998, for LeNet-style CNNs):
///
/// `y[o, oy, ox] = b[o] + Σ_{c,ky,kx} W[(c·k+ky)·k+kx, o] · x[c, oy·s+ky−p, ox·s+kx−p]`
///
/// with `x` zero outside the image. Shapes: input rows `(batch, C·H·W)`,
/// output rows `(batch, O·OH·OW)`, both channel-major (see [`Shape`]), with
/// `OH = floor((H + 2p − k)/s) + 1` ([`conv_output_size`]), same for `OW`.
///
/// Backward, with `G = dL/dy`: `dL/dW[(c·k+ky)·k+kx, o] = Σ G[o, oy, ox] · x[c, oy·s+ky−p, ox·s+kx−p]`
/// over positions and samples, `dL/db[o] = Σ G[o, ·, ·]`, and `dL/dx` the
/// transposed convolution of `G` with `W` (ibid., Section 9.5). The sums run
/// directly on the batch, vectorised along it (see [`super::conv_kernels`]);
/// a Train forward keeps a copy of its input for the weight gradient.
///
/// `forward` panics if `x` does not have `C·H·W` columns (programmer error).
pub struct Conv2d<T: Scalar> {
    /// Channels, filters, kernel, stride and padding.
    pub config: Conv2dConfig,
    /// Shape of one input sample, `C×H×W`.
    pub input_shape: Shape,
    /// `(C·k·k, O)`: column `o` is filter `o`, row `(c·k + ky)·k + kx`.
    pub weight: DMatrix<T>,
    /// `(1, O)`, one bias per filter.
    pub bias: DMatrix<T>,
    /// dL/dW from the last backward, `(C·k·k, O)`.
    pub weight_grad: DMatrix<T>,
    /// dL/db from the last backward, `(1, O)`.
    pub bias_grad: DMatrix<T>,
    /// Geometry derived from `config` and `input_shape`.
    geometry: Geometry,
    /// Input of the last Train forward, `(batch, C·H·W)`.
    input: DMatrix<T>,
}

impl<T: Scalar> Conv2d<T> {
    /// A convolution over inputs of shape `input_shape`, weights drawn by
    /// `init` with `fan_in = C·k·k` and `fan_out = O·k·k` (Glorot & Bengio
    /// 2010; He et al. 2015), biases zero.
    ///
    /// Panics (programmer error) if `config.in_channels` differs from
    /// `input_shape.channels`, or the kernel does not fit the padded input,
    /// or the stride is 0. [`super::ModelSpec::shapes`] checks this up front.
    pub fn new(config: Conv2dConfig, input_shape: Shape, init: Init, rng: &mut impl Rng) -> Self {
        assert_eq!(
            config.in_channels, input_shape.channels,
            "Conv2d: in_channels must match the input shape"
        );
        let size = |n| conv_output_size(n, config.kernel, config.stride, config.padding);
        let (Some(out_h), Some(out_w)) = (size(input_shape.height), size(input_shape.width)) else {
            panic!(
                "Conv2d: a {k}×{k} kernel with stride {s} and padding {p} does not fit a {h}×{w} input",
                k = config.kernel,
                s = config.stride,
                p = config.padding,
                h = input_shape.height,
                w = input_shape.width
            );
        };
        let geometry = Geometry {
            channels: input_shape.channels,
            height: input_shape.height,
            width: input_shape.width,
            kernel: config.kernel,
            stride: config.stride,
            padding: config.padding,
            out_h,
            out_w,
            filters: config.out_channels,
        };
        let kk = config.kernel * config.kernel;
        let patch = geometry.taps();
        let filters = config.out_channels;
        Conv2d {
            config,
            input_shape,
            weight: init_matrix_with_fans(patch, filters, patch, filters * kk, init, rng),
            bias: DMatrix::zeros(1, filters),
            weight_grad: DMatrix::zeros(patch, filters),
            bias_grad: DMatrix::zeros(1, filters),
            geometry,
            input: DMatrix::zeros(0, input_shape.len()),
        }
    }

    /// The `k×k` kernel connecting input channel `in_channel` to output
    /// channel `out_channel`, row-major (`ky·k + kx`), e.g. to draw it.
    ///
    /// Panics if a channel index is out of range.
    pub fn kernel(&self, out_channel: usize, in_channel: usize) -> Vec<T> {
        let k = self.config.kernel;
        assert!(
            out_channel < self.config.out_channels && in_channel < self.config.in_channels,
            "Conv2d::kernel: channel out of range"
        );
        let start = in_channel * k * k;
        (start..start + k * k)
            .map(|row| self.weight[(row, out_channel)])
            .collect()
    }

    /// Shape of one output sample, `O × OH × OW`.
    pub fn out_shape(&self) -> Shape {
        Shape::image(
            self.config.out_channels,
            self.geometry.out_h,
            self.geometry.out_w,
        )
    }

    /// dL/dW and dL/db from `grad_out` `(batch, O·OH·OW)` and the cached input.
    fn param_grads(&mut self, grad_out: &DMatrix<T>) {
        let g = self.geometry;
        let batch = self.input.nrows();
        let rows = batch * g.positions();
        assert_eq!(
            grad_out.shape(),
            (batch, g.filters * g.positions()),
            "{}: grad_out does not match the last Train forward",
            self.name()
        );
        conv_kernels::weight_grad(
            &g,
            self.input.as_slice(),
            grad_out.as_slice(),
            batch,
            self.weight_grad.as_mut_slice(),
        );
        // dL/db[o] = sum of the o-th output block (contiguous in memory).
        for (o, block) in grad_out.as_slice().chunks_exact(rows.max(1)).enumerate() {
            self.bias_grad[o] = sum(block);
        }
    }
}

impl<T: Scalar> Layer<T> for Conv2d<T> {
    fn name(&self) -> String {
        let c = &self.config;
        let mut name = format!(
            "Conv2d {}→{} {}×{}",
            c.in_channels, c.out_channels, c.kernel, c.kernel
        );
        if c.stride != 1 {
            name += &format!(" s{}", c.stride);
        }
        if c.padding != 0 {
            name += &format!(" p{}", c.padding);
        }
        name
    }

    /// `O·OH·OW` for the layer's own `input_shape` (the argument is ignored).
    fn output_features(&self, _input_features: usize) -> usize {
        self.out_shape().len()
    }

    /// `O × OH × OW` with `OH`, `OW` from [`conv_output_size`]; a size that
    /// does not fit is reported as 0.
    fn output_shape(&self, input: Shape) -> Shape {
        let c = &self.config;
        let size = |n| conv_output_size(n, c.kernel, c.stride, c.padding).unwrap_or(0);
        Shape::image(c.out_channels, size(input.height), size(input.width))
    }

    fn forward(&mut self, x: &DMatrix<T>, mode: Mode) -> DMatrix<T> {
        let mut y = DMatrix::zeros(0, 0);
        self.forward_into(x, mode, &mut y);
        y
    }

    fn forward_into(&mut self, x: &DMatrix<T>, mode: Mode, out: &mut DMatrix<T>) {
        assert_eq!(
            x.ncols(),
            self.input_shape.len(),
            "{}: input has wrong width",
            self.name()
        );
        let g = self.geometry;
        let batch = x.nrows();
        if mode == Mode::Train {
            store(&mut self.input, x);
        }
        reshape(out, batch, g.filters * g.positions());
        conv_kernels::forward(
            &g,
            x.as_slice(),
            self.weight.as_slice(),
            self.bias.as_slice(),
            batch,
            out.as_mut_slice(),
        );
    }

    fn backward(&mut self, grad_out: &DMatrix<T>) -> DMatrix<T> {
        let mut grad_in = DMatrix::zeros(0, 0);
        self.backward_into(grad_out, Some(&mut grad_in));
        grad_in
    }

    /// With `None` the transposed convolution for dL/dx is skipped.
    fn backward_into(&mut self, grad_out: &DMatrix<T>, grad_in: Option<&mut DMatrix<T>>) {
        self.param_grads(grad_out);
        if let Some(grad_in) = grad_in {
            let batch = self.input.nrows();
            reshape(grad_in, batch, self.input_shape.len());
            conv_kernels::input_grad(
                &self.geometry,
                self.weight.as_slice(),
                grad_out.as_slice(),
                batch,
                grad_in.as_mut_slice(),
            );
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

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::dmatrix;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn layer(c: usize, o: usize, k: usize, s: usize, p: usize, input: Shape) -> Conv2d<f64> {
        let config = Conv2dConfig {
            in_channels: c,
            out_channels: o,
            kernel: k,
            stride: s,
            padding: p,
        };
        Conv2d::new(
            config,
            input,
            Init::XavierUniform,
            &mut StdRng::seed_from_u64(0),
        )
    }

    /// Direct evaluation of the forward sum, for comparison.
    fn naive(conv: &Conv2d<f64>, x: &DMatrix<f64>) -> DMatrix<f64> {
        let (c, k, s, p) = (
            conv.config.in_channels,
            conv.config.kernel,
            conv.config.stride,
            conv.config.padding,
        );
        let (h, w) = (conv.input_shape.height, conv.input_shape.width);
        let out = conv.out_shape();
        DMatrix::from_fn(x.nrows(), out.len(), |b, j| {
            let o = j / (out.height * out.width);
            let (oy, ox) = ((j / out.width) % out.height, j % out.width);
            let mut sum = conv.bias[o];
            for ci in 0..c {
                for ky in 0..k {
                    for kx in 0..k {
                        let iy = (oy * s + ky) as isize - p as isize;
                        let ix = (ox * s + kx) as isize - p as isize;
                        if iy < 0 || ix < 0 || iy >= h as isize || ix >= w as isize {
                            continue;
                        }
                        let xi = (ci * h + iy as usize) * w + ix as usize;
                        sum += conv.weight[((ci * k + ky) * k + kx, o)] * x[(b, xi)];
                    }
                }
            }
            sum
        })
    }

    #[test]
    fn output_sizes() {
        assert_eq!(conv_output_size(28, 5, 1, 0), Some(24));
        assert_eq!(conv_output_size(5, 2, 2, 0), Some(2));
        assert_eq!(conv_output_size(4, 3, 2, 1), Some(2));
        assert_eq!(conv_output_size(2, 3, 1, 0), None);
        assert_eq!(conv_output_size(2, 3, 0, 1), None);
    }

    #[test]
    fn forward_by_hand() {
        // 1 channel 3×3 input, one 2×2 filter of ones, bias 0.5.
        let mut conv = layer(1, 1, 2, 1, 0, Shape::image(1, 3, 3));
        conv.weight.fill(1.0);
        conv.bias[0] = 0.5;
        let x = dmatrix![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0];
        let y = conv.forward(&x, Mode::Eval);
        assert_eq!(y, dmatrix![12.5, 16.5, 24.5, 28.5]);
        assert_eq!(conv.kernel(0, 0), vec![1.0; 4]);
    }

    #[test]
    fn matches_the_direct_sum() {
        let mut rng = StdRng::seed_from_u64(7);
        for &(c, o, k, s, p, h, w) in &[
            (1, 1, 3, 1, 0, 4, 4),
            (2, 3, 3, 2, 1, 5, 6),
            (3, 7, 2, 1, 1, 4, 3),
            (2, 6, 3, 3, 2, 7, 7),
        ] {
            let mut conv = layer(c, o, k, s, p, Shape::image(c, h, w));
            conv.bias = DMatrix::from_fn(1, o, |_, _| rng.random_range(-1.0..1.0));
            let x = DMatrix::from_fn(3, c * h * w, |_, _| rng.random_range(-1.0..1.0));
            let expected = naive(&conv, &x);
            let got = conv.forward(&x, Mode::Train);
            assert!(
                (got - expected).amax() < 1e-12,
                "config {c} {o} {k} {s} {p}"
            );
        }
    }
}
