//! 2-D convolution by im2col and one matrix product per batch.
//!
//! Convolution layers follow Goodfellow, Bengio & Courville, *Deep Learning*
//! (2016), chapter 9 (eq. 9.4 for the forward sum, Section 9.5 for strides
//! and zero padding). Like every deep-learning library, "convolution" here
//! means cross-correlation: the kernel is not flipped (ibid., eq. 9.6).
//!
//! The lowering to a single matrix product ("unfolding", now usually called
//! im2col) is from Chellapilla, Puri & Simard, *High Performance
//! Convolutional Neural Networks for Document Processing* (2006).

use nalgebra::{DMatrix, DMatrixView, DMatrixViewMut};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::init::init_matrix_with_fans;
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

/// Geometry of one convolution, shared by im2col and col2im.
#[derive(Clone, Copy, Debug)]
struct Geometry {
    channels: usize,
    height: usize,
    width: usize,
    kernel: usize,
    stride: usize,
    padding: usize,
    out_h: usize,
    out_w: usize,
}

impl Geometry {
    /// Output positions per channel, `out_h · out_w`.
    fn positions(&self) -> usize {
        self.out_h * self.out_w
    }

    /// Columns of the im2col matrix, `channels · k · k`.
    fn patch_len(&self) -> usize {
        self.channels * self.kernel * self.kernel
    }

    /// The output columns `ox` whose input column `ox·stride + kx − padding`
    /// lies inside `0..width`, as a half-open range (possibly empty).
    fn valid_range(&self, k_offset: usize, out_len: usize, in_len: usize) -> (usize, usize) {
        // in = o·s + k_offset − p must satisfy 0 ≤ in < in_len.
        let s = self.stride;
        let first = self.padding.saturating_sub(k_offset).div_ceil(s);
        // o·s + k_offset < in_len + p  ⇔  o < (in_len + p − k_offset) / s (rounded up)
        let last = if in_len + self.padding > k_offset {
            (in_len + self.padding - k_offset).div_ceil(s)
        } else {
            0
        };
        let last = last.min(out_len);
        (first.min(last), last)
    }
}

/// Calls `f(tap, oy, cy, (ox0, ox1), ix0)` for every kernel tap
/// `tap = (c·k + ky)·k + kx` (an im2col column) and output row `oy`, where
/// `cy = Some(c·H + iy)` names the input row read (`None` if it lies in the
/// zero padding), `ox0..ox1` are the output columns whose input column is
/// inside the image, and `ix0` is the input column read at `ox0`.
fn for_each_row<F>(g: &Geometry, mut f: F)
where
    F: FnMut(usize, usize, Option<usize>, (usize, usize), usize),
{
    let k = g.kernel;
    for c in 0..g.channels {
        for ky in 0..k {
            for kx in 0..k {
                let col = (c * k + ky) * k + kx;
                let (ox0, ox1) = g.valid_range(kx, g.out_w, g.width);
                // Input column of output column ox0 (in range when ox0 < ox1).
                let ix0 = (ox0 * g.stride + kx).wrapping_sub(g.padding);
                for oy in 0..g.out_h {
                    let iy = (oy * g.stride + ky)
                        .checked_sub(g.padding)
                        .filter(|&iy| iy < g.height);
                    f(col, oy, iy.map(|iy| c * g.height + iy), (ox0, ox1), ix0);
                }
            }
        }
    }
}

/// Unfolds a batch into the im2col matrix (Chellapilla et al. 2006).
///
/// `x`: `(batch, C·H·W)` column-major, so each input pixel is a contiguous
/// run of `batch` values. `col`: `(batch·P, C·k·k)` with `P = out_h·out_w`;
/// row `p·batch + b` holds the patch of sample `b` under output position
/// `p = oy·out_w + ox`, column `(c·k + ky)·k + kx` the kernel tap. Taps that
/// fall on the zero padding are 0. Every copy moves a run of `batch` values
/// (or, at stride 1, a run of whole output rows).
fn im2col<T: Scalar>(x: &[T], batch: usize, g: &Geometry, col: &mut [T]) {
    let rows = batch * g.positions();
    let row_len = g.out_w * batch;
    for_each_row(g, |tap, oy, iy, (ox0, ox1), ix0| {
        let start = tap * rows + oy * row_len;
        let dst_row = &mut col[start..start + row_len];
        let Some(cy) = iy else {
            dst_row.fill(T::zero());
            return;
        };
        dst_row[..ox0 * batch].fill(T::zero());
        dst_row[ox1 * batch..].fill(T::zero());
        if ox0 >= ox1 {
            return;
        }
        let src_base = (cy * g.width + ix0) * batch;
        if g.stride == 1 {
            let n = (ox1 - ox0) * batch;
            dst_row[ox0 * batch..ox1 * batch].copy_from_slice(&x[src_base..src_base + n]);
        } else {
            for (i, ox) in (ox0..ox1).enumerate() {
                let src = src_base + i * g.stride * batch;
                dst_row[ox * batch..(ox + 1) * batch].copy_from_slice(&x[src..src + batch]);
            }
        }
    });
}

/// The adjoint of [`im2col`]: adds every patch entry of `col`
/// `(batch·P, C·k·k)` back onto the input pixel it was copied from, into
/// `dx` `(batch, C·H·W)` (which the caller zeroes). Overlapping windows
/// accumulate, padding taps are dropped.
fn col2im<T: Scalar>(col: &[T], batch: usize, g: &Geometry, dx: &mut [T]) {
    let rows = batch * g.positions();
    let row_len = g.out_w * batch;
    for_each_row(g, |tap, oy, iy, (ox0, ox1), ix0| {
        let Some(cy) = iy else { return };
        if ox0 >= ox1 {
            return;
        }
        let start = tap * rows + oy * row_len;
        let src_row = &col[start..start + row_len];
        let dst_base = (cy * g.width + ix0) * batch;
        if g.stride == 1 {
            let n = (ox1 - ox0) * batch;
            let src = &src_row[ox0 * batch..ox1 * batch];
            for (d, &s) in dx[dst_base..dst_base + n].iter_mut().zip(src) {
                *d += s;
            }
        } else {
            for (i, ox) in (ox0..ox1).enumerate() {
                let dst = dst_base + i * g.stride * batch;
                let src = &src_row[ox * batch..(ox + 1) * batch];
                for (d, &s) in dx[dst..dst + batch].iter_mut().zip(src) {
                    *d += s;
                }
            }
        }
    });
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

/// nalgebra (0.35, `blas_uninit.rs`) passes a product of dynamic matrices
/// to matrixmultiply only when the result and the left operand have more
/// than this many rows and columns; smaller products use its own loops.
const NALGEBRA_SMALL_DIM: usize = 5;

/// Resizes `m` to `(rows, cols)`, keeping the allocation when it already fits.
fn ensure_shape<T: Scalar>(m: &mut DMatrix<T>, rows: usize, cols: usize) {
    if m.shape() != (rows, cols) {
        *m = DMatrix::zeros(rows, cols);
    }
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
/// Computed by im2col (Chellapilla et al. 2006): the patches of the whole
/// batch form a `(batch·P, C·k·k)` matrix `X̂` (`P = OH·OW`), and then
/// - forward: `Y = X̂·W + b`, one GEMM, `(batch·P, O)`, which in memory *is*
///   the `(batch, O·P)` output (row `p·batch + b` of `X̂` is chosen so);
/// - backward (with `G = dL/dY` viewed the same way): `dL/dW = X̂ᵀ·G`,
///   `dL/db[o] = Σ G[·, o]`, and `dL/dX = col2im(G·Wᵀ)`.
///
/// All products go through nalgebra's `gemm` (matrixmultiply for `f32`/`f64`);
/// `X̂ᵀ` is a strided view of the cached `X̂` rather than a copy.
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
    /// im2col matrix of the last Train forward, `(batch·P, C·k·k)`.
    col: DMatrix<T>,
    /// Scratch im2col matrix for Eval forwards (keeps `col` intact).
    eval_col: DMatrix<T>,
    /// Scratch for `G·Wᵀ` in backward, `(batch·P, C·k·k)`.
    grad_col: DMatrix<T>,
    /// Scratch for `Wᵀ`, `(O, C·k·k)`.
    weight_t: DMatrix<T>,
    /// Batch size of the last Train forward.
    batch: usize,
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
        };
        let kk = config.kernel * config.kernel;
        let patch = geometry.patch_len();
        let filters = config.out_channels;
        Conv2d {
            config,
            input_shape,
            weight: init_matrix_with_fans(patch, filters, patch, filters * kk, init, rng),
            bias: DMatrix::zeros(1, filters),
            weight_grad: DMatrix::zeros(patch, filters),
            bias_grad: DMatrix::zeros(1, filters),
            geometry,
            col: DMatrix::zeros(0, patch),
            eval_col: DMatrix::zeros(0, patch),
            grad_col: DMatrix::zeros(0, patch),
            weight_t: DMatrix::zeros(filters, patch),
            batch: 0,
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
        assert_eq!(
            x.ncols(),
            self.input_shape.len(),
            "{}: input has wrong width",
            self.name()
        );
        let g = self.geometry;
        let batch = x.nrows();
        let rows = batch * g.positions();
        let filters = self.config.out_channels;
        let col = match mode {
            Mode::Train => {
                self.batch = batch;
                &mut self.col
            }
            Mode::Eval => &mut self.eval_col,
        };
        ensure_shape(col, rows, g.patch_len());
        im2col(x.as_slice(), batch, &g, col.as_mut_slice());

        // Start from the bias of each filter (block o of the output is
        // contiguous), then add X̂·W in place.
        let mut data = Vec::with_capacity(rows * filters);
        for &b in self.bias.iter() {
            data.extend(std::iter::repeat_n(b, rows));
        }
        let mut y = DMatrix::from_vec(batch, filters * g.positions(), data);
        let mut y_view = DMatrixViewMut::from_slice(y.as_mut_slice(), rows, filters);
        y_view.gemm(T::one(), &*col, &self.weight, T::one());
        y
    }

    fn backward(&mut self, grad_out: &DMatrix<T>) -> DMatrix<T> {
        let g = self.geometry;
        let batch = self.batch;
        let filters = self.config.out_channels;
        let rows = batch * g.positions();
        let patch = g.patch_len();
        assert_eq!(
            grad_out.shape(),
            (batch, filters * g.positions()),
            "{}: grad_out does not match the last Train forward",
            self.name()
        );
        let gy = DMatrixView::from_slice(grad_out.as_slice(), rows, filters);

        // dL/dW = X̂ᵀ·G. X̂ is long and thin, so X̂ᵀ is passed as a strided view
        // (no copy) when nalgebra hands the product to matrixmultiply, which
        // takes any strides; otherwise `gemm_tr` (dot products) is used,
        // because nalgebra's small-matrix loop does not support a left
        // operand with a row stride.
        let small = NALGEBRA_SMALL_DIM;
        if patch > small && filters > small && rows > small {
            let col_t =
                DMatrixView::from_slice_with_strides(self.col.as_slice(), patch, rows, rows, 1);
            self.weight_grad.gemm(T::one(), &col_t, &gy, T::zero());
        } else {
            self.weight_grad
                .gemm_tr(T::one(), &self.col, &gy, T::zero());
        }

        // dL/db[o] = sum of the o-th output block (contiguous in memory).
        for (o, block) in grad_out.as_slice().chunks_exact(rows.max(1)).enumerate() {
            self.bias_grad[o] = sum(block);
        }

        // dL/dX̂ = G·Wᵀ, then fold the patches back onto the pixels.
        ensure_shape(&mut self.grad_col, rows, patch);
        self.weight.transpose_to(&mut self.weight_t);
        self.grad_col.gemm(T::one(), &gy, &self.weight_t, T::zero());
        let mut grad_in = DMatrix::zeros(batch, self.input_shape.len());
        col2im(self.grad_col.as_slice(), batch, &g, grad_in.as_mut_slice());
        grad_in
    }

    fn params(&self) -> Vec<&DMatrix<T>> {
        vec![&self.weight, &self.bias]
    }

    fn grads(&self) -> Vec<&DMatrix<T>> {
        vec![&self.weight_grad, &self.bias_grad]
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
