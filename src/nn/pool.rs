//! Max pooling and flattening.

use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

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
        let mut y = DMatrix::zeros(batch, self.out_shape.len());
        if batch == 0 {
            return y;
        }
        let xs = x.as_slice();
        // Each pixel (matrix column) is a contiguous run of `batch` values,
        // so every comparison below runs along the batch.
        for (q, out) in y.as_mut_slice().chunks_exact_mut(batch).enumerate() {
            let c = q / (out_h * out_w);
            let (oy, ox) = ((q / out_w) % out_h, q % out_w);
            let pixel = |ky: usize, kx: usize| (c * h + oy * stride + ky) * w + ox * stride + kx;
            let first = pixel(0, 0);
            out.copy_from_slice(&xs[first * batch..(first + 1) * batch]);
            if train {
                let arg = &mut self.argmax[q * batch..(q + 1) * batch];
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
        y
    }

    fn backward(&mut self, grad_out: &DMatrix<T>) -> DMatrix<T> {
        let batch = self.batch;
        assert_eq!(
            grad_out.shape(),
            (batch, self.out_shape.len()),
            "{}: grad_out does not match the last Train forward",
            self.name()
        );
        let mut grad_in = DMatrix::zeros(batch, self.input_shape.len());
        let dx = grad_in.as_mut_slice();
        let gs = grad_out.as_slice();
        if batch > 0 {
            let columns = gs.chunks_exact(batch).zip(self.argmax.chunks_exact(batch));
            for (g_col, arg_col) in columns {
                for (b, (&g, &p)) in g_col.iter().zip(arg_col).enumerate() {
                    dx[p as usize * batch + b] += g;
                }
            }
        }
        grad_in
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
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
