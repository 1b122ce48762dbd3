//! Max pooling and flattening.

use nalgebra::DMatrix;
use pulp::{Simd, WithSimd};
use serde::{Deserialize, Serialize};

use super::layer::reshape;
use super::simd::dispatch;
use super::{Layer, Mode, Scalar, Shape, conv_output_size};

/// Hyper-parameters of a [`MaxPool2d`] layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaxPool2dConfig {
    /// Side of the square `size×size` window.
    pub size: usize,
    /// Step between neighbouring windows, ≥ 1 (usually = `size`).
    pub stride: usize,
}

/// Max pooling over `size×size` windows of each channel (Goodfellow et al.,
/// *Deep Learning* 2016, Section 9.3; as subsampling in LeNet, LeCun et al.
/// 1998): `y[c, oy, ox] = max_{ky,kx} x[c, oy·s + ky, ox·s + kx]`.
///
/// Shapes: input rows `(batch, C·H·W)`, output rows `(batch, C·OH·OW)`,
/// channel-major (see [`Shape`]), `OH = floor((H − size)/stride) + 1`
/// ([`conv_output_size`] with no padding), same for `OW`. Windows never read
/// outside the input: a 5×5 input with 2×2 windows at stride 2 gives 2×2 and
/// ignores the last row and column.
///
/// A Train forward caches the position of each maximum (the first one on a
/// tie); backward sends each output gradient only to that position, adding
/// where overlapping windows (stride < size) share a maximum.
///
/// `forward` panics if `x` does not have `C·H·W` columns (programmer error).
pub struct MaxPool2d<T: Scalar> {
    /// Window size and stride.
    pub config: MaxPool2dConfig,
    /// Shape of one input sample, `C×H×W`.
    pub input_shape: Shape,
    /// Output shape `C×OH×OW` for `input_shape`.
    out_shape: Shape,
    /// For each output element of the last Train forward, in the output's
    /// column-major order, the input column (pixel index) holding the maximum.
    argmax: Vec<u32>,
    /// Batch size of the last Train forward.
    batch: usize,
    _scalar: std::marker::PhantomData<T>,
}

impl<T: Scalar> MaxPool2d<T> {
    /// Pooling over inputs of shape `input_shape`.
    ///
    /// Panics (programmer error) if the window does not fit the input or the
    /// stride is 0; [`super::ModelSpec::shapes`] checks this up front.
    pub fn new(config: MaxPool2dConfig, input_shape: Shape) -> Self {
        let size = |n| conv_output_size(n, config.size, config.stride, 0);
        let (Some(out_h), Some(out_w)) = (size(input_shape.height), size(input_shape.width)) else {
            panic!(
                "MaxPool2d: a {k}×{k} window with stride {s} does not fit a {h}×{w} input",
                k = config.size,
                s = config.stride,
                h = input_shape.height,
                w = input_shape.width
            );
        };
        assert!(
            input_shape.len() <= u32::MAX as usize,
            "MaxPool2d: input too large"
        );
        MaxPool2d {
            config,
            input_shape,
            out_shape: Shape::image(input_shape.channels, out_h, out_w),
            argmax: Vec::new(),
            batch: 0,
            _scalar: std::marker::PhantomData,
        }
    }
}

impl<T: Scalar> Layer<T> for MaxPool2d<T> {
    fn name(&self) -> String {
        let c = &self.config;
        if c.stride == c.size {
            format!("MaxPool2d {}×{}", c.size, c.size)
        } else {
            format!("MaxPool2d {}×{} s{}", c.size, c.size, c.stride)
        }
    }

    /// `C·OH·OW` for the layer's own `input_shape` (the argument is ignored).
    fn output_features(&self, _input_features: usize) -> usize {
        self.out_shape.len()
    }

    /// `C × OH × OW` with sizes from [`conv_output_size`] (0 if the window does not fit).
    fn output_shape(&self, input: Shape) -> Shape {
        let c = &self.config;
        let size = |n| conv_output_size(n, c.size, c.stride, 0).unwrap_or(0);
        Shape::image(input.channels, size(input.height), size(input.width))
    }

    fn forward(&mut self, x: &DMatrix<T>, mode: Mode) -> DMatrix<T> {
        let mut y = DMatrix::zeros(0, 0);
        self.forward_into(x, mode, &mut y);
        y
    }

    fn forward_into(&mut self, x: &DMatrix<T>, mode: Mode, y: &mut DMatrix<T>) {
        assert_eq!(
            x.ncols(),
            self.input_shape.len(),
            "{}: input has wrong width",
            self.name()
        );
        let batch = x.nrows();
        let (h, w) = (self.input_shape.height, self.input_shape.width);
        let (out_h, out_w) = (self.out_shape.height, self.out_shape.width);
        let (size, stride) = (self.config.size, self.config.stride);
        let train = mode == Mode::Train;
        if train {
            self.batch = batch;
            self.argmax.clear();
            self.argmax.resize(batch * self.out_shape.len(), 0);
        }
        reshape(y, batch, self.out_shape.len());
        if batch == 0 {
            return;
        }
        dispatch(PoolForward {
            in_h: h,
            in_w: w,
            out_h,
            out_w,
            size,
            stride,
            batch,
            x: x.as_slice(),
            y: y.as_mut_slice(),
            argmax: if train { Some(&mut self.argmax) } else { None },
        });
    }

    fn backward(&mut self, grad_out: &DMatrix<T>) -> DMatrix<T> {
        let mut grad_in = DMatrix::zeros(0, 0);
        self.backward_into(grad_out, Some(&mut grad_in));
        grad_in
    }

    fn backward_into(&mut self, grad_out: &DMatrix<T>, grad_in: Option<&mut DMatrix<T>>) {
        let batch = self.batch;
        assert_eq!(
            grad_out.shape(),
            (batch, self.out_shape.len()),
            "{}: grad_out does not match the last Train forward",
            self.name()
        );
        let Some(grad_in) = grad_in else {
            return;
        };
        reshape(grad_in, batch, self.input_shape.len());
        grad_in.as_mut_slice().fill(T::zero());
        if batch > 0 {
            let (size, stride) = (self.config.size, self.config.stride);
            let (input, output) = (self.input_shape, self.out_shape);
            let tiles = (size == stride).then_some([
                output.height,
                output.width,
                input.height,
                input.width,
                size,
            ]);
            dispatch(PoolBackward {
                batch,
                tiles,
                grad_out: grad_out.as_slice(),
                argmax: &self.argmax,
                grad_in: grad_in.as_mut_slice(),
            });
        }
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The forward loop of [`MaxPool2d`], run with the CPU's vector instructions.
struct PoolForward<'a, T> {
    in_h: usize,
    in_w: usize,
    out_h: usize,
    out_w: usize,
    size: usize,
    stride: usize,
    batch: usize,
    x: &'a [T],
    y: &'a mut [T],
    /// For a Train forward: receives the input pixel of each maximum.
    argmax: Option<&'a mut Vec<u32>>,
}

impl<T: Scalar> WithSimd for PoolForward<'_, T> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, _simd: S) {
        let PoolForward {
            in_h: h,
            in_w: w,
            out_h,
            out_w,
            size,
            stride,
            batch,
            x: xs,
            y,
            mut argmax,
        } = self;
        // Each pixel (matrix column) is a contiguous run of `batch` values,
        // so every comparison below runs along the batch. Output pixel
        // q = (c·OH + oy)·OW + ox.
        let windows = (0..y.len() / (batch * out_h * out_w))
            .flat_map(|c| (0..out_h).flat_map(move |oy| (0..out_w).map(move |ox| (c, oy, ox))));
        for (q, ((c, oy, ox), out)) in windows.zip(y.chunks_exact_mut(batch)).enumerate() {
            let pixel = |ky: usize, kx: usize| (c * h + oy * stride + ky) * w + ox * stride + kx;
            let first = pixel(0, 0);
            out.copy_from_slice(&xs[first * batch..(first + 1) * batch]);
            if let Some(argmax) = argmax.as_deref_mut() {
                let arg = &mut argmax[q * batch..(q + 1) * batch];
                arg.fill(first as u32);
                for ky in 0..size {
                    for kx in 0..size {
                        let p = pixel(ky, kx);
                        let src = &xs[p * batch..(p + 1) * batch];
                        // Branch-free (a mask and a max) so the loop
                        // vectorises; `>` keeps the first maximum on ties.
                        let p = p as u32;
                        for ((o, a), &v) in out.iter_mut().zip(arg.iter_mut()).zip(src) {
                            let mask = u32::from(v > *o).wrapping_neg();
                            *a ^= (*a ^ p) & mask;
                            *o = o.max(v);
                        }
                    }
                }
            } else {
                for ky in 0..size {
                    for kx in 0..size {
                        let p = pixel(ky, kx);
                        let src = &xs[p * batch..(p + 1) * batch];
                        for (o, &v) in out.iter_mut().zip(src) {
                            *o = o.max(v);
                        }
                    }
                }
            }
        }
    }
}

/// The backward loop of [`MaxPool2d`]: each output gradient goes to its maximum's pixel.
struct PoolBackward<'a, T> {
    batch: usize,
    /// When windows do not overlap (stride = size): output height and width, input height
    /// and width, window size.
    tiles: Option<[usize; 5]>,
    grad_out: &'a [T],
    argmax: &'a [u32],
    /// Zeroed by the caller.
    grad_in: &'a mut [T],
}

impl<T: Scalar> WithSimd for PoolBackward<'_, T> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, _simd: S) {
        let batch = self.batch;
        let columns = self
            .grad_out
            .chunks_exact(batch)
            .zip(self.argmax.chunks_exact(batch));
        let Some([out_h, out_w, in_h, in_w, size]) = self.tiles else {
            // Overlapping windows may share a maximum: add.
            for (g_col, arg_col) in columns {
                for (b, (&g, &p)) in g_col.iter().zip(arg_col).enumerate() {
                    self.grad_in[p as usize * batch + b] += g;
                }
            }
            return;
        };
        // Each pixel lies in at most one window: for every pixel of the window, keep the
        // gradient where that pixel was the maximum (a compare and a select per sample).
        // Output pixel q = (c·OH + oy)·OW + ox, in the order of `columns`.
        let zero = T::zero();
        let windows = (0..self.grad_out.len() / (batch * out_h * out_w))
            .flat_map(|c| (0..out_h).flat_map(move |oy| (0..out_w).map(move |ox| (c, oy, ox))));
        for ((c, oy, ox), (g_col, arg_col)) in windows.zip(columns) {
            let first = (c * in_h + oy * size) * in_w + ox * size;
            for ky in 0..size {
                for kx in 0..size {
                    let p = first + ky * in_w + kx;
                    let dst = &mut self.grad_in[p * batch..(p + 1) * batch];
                    let p = p as u32;
                    for ((d, &g), &a) in dst.iter_mut().zip(g_col).zip(arg_col) {
                        *d = if a == p { g } else { zero };
                    }
                }
            }
        }
    }
}

/// Marks the switch from images to flat feature vectors: a `C×H×W` sample
/// becomes the vector of its `C·H·W` values in the same channel-major order.
///
/// Since a batch row already stores a sample flattened, forward and backward
/// are the identity on the matrix; only the [`Shape`] bookkeeping changes.
/// (A Dense layer after a convolution flattens implicitly; this layer is
/// optional and exists so a model description can say so.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flatten {
    /// Shape of one input sample.
    pub input_shape: Shape,
}

impl Flatten {
    /// Flattens samples of shape `input_shape` to `Shape::flat(input_shape.len())`.
    pub fn new(input_shape: Shape) -> Self {
        Flatten { input_shape }
    }
}

impl<T: Scalar> Layer<T> for Flatten {
    fn name(&self) -> String {
        "Flatten".to_string()
    }

    fn output_features(&self, input_features: usize) -> usize {
        input_features
    }

    fn output_shape(&self, input: Shape) -> Shape {
        Shape::flat(input.len())
    }

    fn forward(&mut self, x: &DMatrix<T>, _mode: Mode) -> DMatrix<T> {
        x.clone()
    }

    fn backward(&mut self, grad_out: &DMatrix<T>) -> DMatrix<T> {
        grad_out.clone()
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::dmatrix;

    #[test]
    fn pools_by_hand_and_routes_the_gradient() {
        // One 1×4×4 sample: maxima 6, 8, 14, 16 at pixels 5, 7, 13, 15.
        let mut pool = MaxPool2d::<f64>::new(
            MaxPool2dConfig { size: 2, stride: 2 },
            Shape::image(1, 4, 4),
        );
        let x = DMatrix::from_row_slice(
            1,
            16,
            &[
                1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0,
                16.0,
            ],
        );
        let y = pool.forward(&x, Mode::Train);
        assert_eq!(y, dmatrix![6.0, 8.0, 14.0, 16.0]);
        let gx = pool.backward(&dmatrix![1.0, 2.0, 3.0, 4.0]);
        let mut expected = DMatrix::zeros(1, 16);
        expected[5] = 1.0;
        expected[7] = 2.0;
        expected[13] = 3.0;
        expected[15] = 4.0;
        assert_eq!(gx, expected);
    }

    #[test]
    fn overlapping_windows_accumulate() {
        // A 1×3×3 input, 2×2 windows at stride 1: the centre 9 is the
        // maximum of all four windows, so its gradient is the sum of four.
        let mut pool = MaxPool2d::<f64>::new(
            MaxPool2dConfig { size: 2, stride: 1 },
            Shape::image(1, 3, 3),
        );
        let x = dmatrix![1.0, 2.0, 3.0, 4.0, 9.0, 5.0, 6.0, 7.0, 8.0];
        assert_eq!(pool.forward(&x, Mode::Train), dmatrix![9.0, 9.0, 9.0, 9.0]);
        let gx = pool.backward(&dmatrix![1.0, 1.0, 1.0, 1.0]);
        assert_eq!(gx[4], 4.0);
        assert_eq!(gx.sum(), 4.0);
    }
}
