//! Direct convolution kernels for [`super::Conv2d`], vectorised along the batch.
//!
//! A batch matrix `(n, C·H·W)` is column-major, so the `n` values of one pixel (one per
//! sample) are contiguous: every kernel here works on such runs, loading them as SIMD vectors
//! ([`super::simd`]) and keeping a block of accumulators in registers. There is no im2col
//! matrix and no packing of the data, only of the (small) weights.
//!
//! With `x` the input, `W` the `(C·k·k, O)` weights, `b` the bias and `G = dL/dy`
//! (Goodfellow et al., *Deep Learning* 2016, eq. 9.4 and Section 9.5 for stride and padding):
//! - [`forward`]: `y[o, oy, ox] = b[o] + Σ_{c,ky,kx} W[(c·k+ky)·k+kx, o] · x[c, oy·s+ky−p, ox·s+kx−p]`;
//! - [`weight_grad`]: `dL/dW[(c·k+ky)·k+kx, o] = Σ_{oy,ox,sample} G[o, oy, ox] · x[c, oy·s+ky−p, ox·s+kx−p]`;
//! - [`input_grad`]: `dL/dx[c, iy, ix] = Σ_{o,ky,kx} W[(c·k+ky)·k+kx, o] · G[o, oy, ox]` over the
//!   `(oy, ox)` with `oy·s+ky−p = iy` and `ox·s+kx−p = ix` (the transposed convolution,
//!   ibid. Section 9.5, eq. 9.13).
//!
//! Taps that fall on the zero padding are skipped. Every output value is written by one
//! accumulator that adds its terms in a fixed order, so results do not depend on the batch
//! size, the thread or the timing.

use pulp::{Simd, WithSimd};

use super::simd::{SimdElement, dispatch, many_registers};

/// Output channels per block in [`forward`] (8 accumulators plus 2 scratch vectors fit the 16
/// registers of AVX2).
const FORWARD_BLOCK: usize = 8;

/// Geometry of one convolution: input `channels × height × width`, a `kernel × kernel` window
/// moved by `stride` over the input zero-padded by `padding`, `filters` output channels of
/// `out_h × out_w`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Geometry {
    pub channels: usize,
    pub height: usize,
    pub width: usize,
    pub kernel: usize,
    pub stride: usize,
    pub padding: usize,
    pub out_h: usize,
    pub out_w: usize,
    pub filters: usize,
}

impl Geometry {
    /// Output positions per channel, `out_h · out_w`.
    pub fn positions(&self) -> usize {
        self.out_h * self.out_w
    }

    /// Weights per filter, `channels · k · k` (rows of the weight matrix).
    pub fn taps(&self) -> usize {
        self.channels * self.kernel * self.kernel
    }

    /// Input row (or column) read by output row `out` at kernel offset `k`, `None` in the padding.
    fn input_at(&self, out: usize, k: usize, len: usize) -> Option<usize> {
        (out * self.stride + k)
            .checked_sub(self.padding)
            .filter(|&i| i < len)
    }

    /// `(k, out)` pairs whose window reads input row (or column) `input`: `out·s + k − p = input`.
    fn outputs_reading(&self, input: usize, out_len: usize, pairs: &mut Vec<(usize, usize)>) {
        pairs.clear();
        for k in 0..self.kernel {
            let Some(t) = (input + self.padding).checked_sub(k) else {
                continue;
            };
            if t % self.stride == 0 && t / self.stride < out_len {
                pairs.push((k, t / self.stride));
            }
        }
    }
}

/// The weights `(taps, O)` (column-major, `W[tap + o·taps]`) laid out tap by tap with the
/// filters padded to a multiple of `block`: `packed[tap·O' + o]`, zero where `o ≥ O`.
fn pack_by_tap<T: Copy + Default>(
    weight: &[T],
    taps: usize,
    filters: usize,
    block: usize,
) -> Vec<T> {
    let padded = filters.div_ceil(block) * block;
    let mut packed = vec![T::default(); taps * padded];
    for (o, column) in weight.chunks_exact(taps).enumerate() {
        for (tap, &w) in column.iter().enumerate() {
            packed[tap * padded + o] = w;
        }
    }
    packed
}

/// `y` `(n, O·P)` = the convolution of `x` `(n, C·H·W)` with `weight` `(C·k·k, O)` plus `bias`
/// `(O)`; all slices column-major as in a `DMatrix`.
pub(crate) fn forward<T: SimdElement + Default>(
    g: &Geometry,
    x: &[T],
    weight: &[T],
    bias: &[T],
    n: usize,
    y: &mut [T],
) {
    let packed = pack_by_tap(weight, g.taps(), g.filters, FORWARD_BLOCK);
    let mut bias_padded = bias.to_vec();
    bias_padded.resize(
        g.filters.div_ceil(FORWARD_BLOCK) * FORWARD_BLOCK,
        T::default(),
    );
    dispatch(Forward {
        g,
        x,
        packed: &packed,
        bias: &bias_padded,
        n,
        y,
    });
}

struct Forward<'a, T> {
    g: &'a Geometry,
    x: &'a [T],
    packed: &'a [T],
    bias: &'a [T],
    n: usize,
    y: &'a mut [T],
}

impl<T: SimdElement + Default> WithSimd for Forward<'_, T> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        forward_kernel::<S, T, FORWARD_BLOCK>(simd, self);
    }
}

#[inline(always)]
fn forward_kernel<S: Simd, T: SimdElement + Default, const OB: usize>(
    simd: S,
    args: Forward<'_, T>,
) {
    let Forward {
        g,
        x,
        packed,
        bias,
        n,
        y,
    } = args;
    let lanes = T::lanes::<S>();
    let padded = g.filters.div_ceil(OB) * OB;
    let k = g.kernel;
    let mut taps: Vec<(usize, usize)> = Vec::with_capacity(g.taps());
    for oy in 0..g.out_h {
        for ox in 0..g.out_w {
            // (tap, input pixel) of every tap inside the image, in tap order.
            taps.clear();
            for c in 0..g.channels {
                for ky in 0..k {
                    let Some(iy) = g.input_at(oy, ky, g.height) else {
                        continue;
                    };
                    for kx in 0..k {
                        if let Some(ix) = g.input_at(ox, kx, g.width) {
                            taps.push(((c * k + ky) * k + kx, (c * g.height + iy) * g.width + ix));
                        }
                    }
                }
            }
            let pos = oy * g.out_w + ox;
            for o0 in (0..g.filters).step_by(OB) {
                let block = OB.min(g.filters - o0);
                for b0 in (0..n).step_by(lanes) {
                    let len = lanes.min(n - b0);
                    let mut acc: [T::V<S>; OB] =
                        std::array::from_fn(|j| T::splat(simd, bias[o0 + j]));
                    for &(tap, pixel) in &taps {
                        let start = pixel * n + b0;
                        let xv = T::load(simd, &x[start..start + len]);
                        let w = &packed[tap * padded + o0..tap * padded + o0 + OB];
                        for (a, &w) in acc.iter_mut().zip(w) {
                            *a = T::add(simd, *a, T::mul(simd, T::splat(simd, w), xv));
                        }
                    }
                    for (j, a) in acc.iter().enumerate().take(block) {
                        let start = ((o0 + j) * g.positions() + pos) * n + b0;
                        T::store(simd, &mut y[start..start + len], *a);
                    }
                }
            }
        }
    }
}

/// `dw` `(C·k·k, O)` = dL/dW for input `x` `(n, C·H·W)` and output gradient `gy` `(n, O·P)`.
pub(crate) fn weight_grad<T: SimdElement + Default>(
    g: &Geometry,
    x: &[T],
    gy: &[T],
    n: usize,
    dw: &mut [T],
) {
    dispatch(WeightGrad { g, x, gy, n, dw });
}

struct WeightGrad<'a, T> {
    g: &'a Geometry,
    x: &'a [T],
    gy: &'a [T],
    n: usize,
    dw: &'a mut [T],
}

impl<T: SimdElement + Default> WithSimd for WeightGrad<'_, T> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        // 16 accumulators + 4 + 1 vectors need AVX-512's 32 registers; AVX2 gets 8 + 4 + 1.
        if many_registers::<S>() {
            weight_grad_kernel::<S, T, 4, 4>(simd, self);
        } else {
            weight_grad_kernel::<S, T, 2, 4>(simd, self);
        }
    }
}

#[inline(always)]
fn weight_grad_kernel<S: Simd, T: SimdElement + Default, const TB: usize, const OB: usize>(
    simd: S,
    args: WeightGrad<'_, T>,
) {
    let WeightGrad { g, x, gy, n, dw } = args;
    let lanes = T::lanes::<S>();
    let taps = g.taps();
    let k = g.kernel;
    let zero = T::splat(simd, T::default());
    // (first input row of the channel, ky, kx) of every tap, in tap order.
    let tap_at: Vec<(usize, usize, usize)> = (0..g.channels)
        .flat_map(|c| (0..k).flat_map(move |ky| (0..k).map(move |kx| (c * g.height, ky, kx))))
        .collect();
    // Taps in the padding (or past the last tap of the last block) read zeros.
    let zeros = vec![T::default(); n];
    for t0 in (0..taps).step_by(TB) {
        let tap_block = TB.min(taps - t0);
        for o0 in (0..g.filters).step_by(OB) {
            let block = OB.min(g.filters - o0);
            let mut acc = [[zero; OB]; TB];
            for oy in 0..g.out_h {
                for ox in 0..g.out_w {
                    let pos = oy * g.out_w + ox;
                    // The input run of each tap of the block.
                    let inputs: [&[T]; TB] = std::array::from_fn(|i| {
                        let pixel = tap_at.get(t0 + i).and_then(|&(row0, ky, kx)| {
                            let iy = g.input_at(oy, ky, g.height)?;
                            let ix = g.input_at(ox, kx, g.width)?;
                            Some((row0 + iy) * g.width + ix)
                        });
                        pixel.map_or(&zeros[..], |p| &x[p * n..(p + 1) * n])
                    });
                    // Filters past the last one repeat it; their sums are dropped below.
                    let grads: [&[T]; OB] = std::array::from_fn(|j| {
                        let start = ((o0 + j.min(block - 1)) * g.positions() + pos) * n;
                        &gy[start..start + n]
                    });
                    for b0 in (0..n).step_by(lanes) {
                        let end = n.min(b0 + lanes);
                        let gv: [T::V<S>; OB] =
                            std::array::from_fn(|j| T::load(simd, &grads[j][b0..end]));
                        let xv: [T::V<S>; TB] =
                            std::array::from_fn(|i| T::load(simd, &inputs[i][b0..end]));
                        for i in 0..TB {
                            for j in 0..OB {
                                acc[i][j] = T::add(simd, acc[i][j], T::mul(simd, gv[j], xv[i]));
                            }
                        }
                    }
                }
            }
            for (i, row) in acc.iter().enumerate().take(tap_block) {
                for (j, a) in row.iter().enumerate().take(block) {
                    dw[(t0 + i) + (o0 + j) * taps] = T::reduce_sum(simd, *a);
                }
            }
        }
    }
}

/// `dx` `(n, C·H·W)` = dL/dx for output gradient `gy` `(n, O·P)`; every element of `dx` is
/// written (no need to clear it first).
pub(crate) fn input_grad<T: SimdElement + Default>(
    g: &Geometry,
    weight: &[T],
    gy: &[T],
    n: usize,
    dx: &mut [T],
) {
    let block = if g.channels >= 8 { 8 } else { 4 };
    // packed[(o·k² + kt)·C' + c] = W[c·k² + kt, o], channels padded to a multiple of `block`.
    let kk = g.kernel * g.kernel;
    let padded = g.channels.div_ceil(block) * block;
    let mut packed = vec![T::default(); g.filters * kk * padded];
    for (o, column) in weight.chunks_exact(g.taps()).enumerate() {
        for (tap, &w) in column.iter().enumerate() {
            let (c, kt) = (tap / kk, tap % kk);
            packed[(o * kk + kt) * padded + c] = w;
        }
    }
    let op = InputGrad {
        g,
        packed: &packed,
        gy,
        n,
        dx,
    };
    if block == 8 {
        dispatch(InputGradBlock::<_, 8>(op));
    } else {
        dispatch(InputGradBlock::<_, 4>(op));
    }
}

struct InputGrad<'a, T> {
    g: &'a Geometry,
    packed: &'a [T],
    gy: &'a [T],
    n: usize,
    dx: &'a mut [T],
}

struct InputGradBlock<'a, T, const CB: usize>(InputGrad<'a, T>);

impl<T: SimdElement + Default, const CB: usize> WithSimd for InputGradBlock<'_, T, CB> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        input_grad_kernel::<S, T, CB>(simd, self.0);
    }
}

#[inline(always)]
fn input_grad_kernel<S: Simd, T: SimdElement + Default, const CB: usize>(
    simd: S,
    args: InputGrad<'_, T>,
) {
    let InputGrad {
        g,
        packed,
        gy,
        n,
        dx,
    } = args;
    let lanes = T::lanes::<S>();
    let kk = g.kernel * g.kernel;
    let padded = g.channels.div_ceil(CB) * CB;
    let plane = g.height * g.width;
    let zero = T::splat(simd, T::default());
    let mut rows = Vec::new();
    let cols: Vec<Vec<(usize, usize)>> = (0..g.width)
        .map(|ix| {
            let mut pairs = Vec::new();
            g.outputs_reading(ix, g.out_w, &mut pairs);
            pairs
        })
        .collect();
    // (kernel tap ky·k + kx, output position) of every window that reads the pixel.
    let mut windows: Vec<(usize, usize)> = Vec::with_capacity(kk);
    for iy in 0..g.height {
        g.outputs_reading(iy, g.out_h, &mut rows);
        for (ix, cols) in cols.iter().enumerate() {
            windows.clear();
            for &(ky, oy) in &rows {
                for &(kx, ox) in cols {
                    windows.push((ky * g.kernel + kx, oy * g.out_w + ox));
                }
            }
            for c0 in (0..g.channels).step_by(CB) {
                let block = CB.min(g.channels - c0);
                for b0 in (0..n).step_by(lanes) {
                    let len = lanes.min(n - b0);
                    let mut acc = [zero; CB];
                    for o in 0..g.filters {
                        for &(kt, pos) in &windows {
                            let start = (o * g.positions() + pos) * n + b0;
                            let gv = T::load(simd, &gy[start..start + len]);
                            let at = (o * kk + kt) * padded + c0;
                            for (a, &w) in acc.iter_mut().zip(&packed[at..at + CB]) {
                                *a = T::add(simd, *a, T::mul(simd, T::splat(simd, w), gv));
                            }
                        }
                    }
                    for (j, a) in acc.iter().enumerate().take(block) {
                        let start = ((c0 + j) * plane + iy * g.width + ix) * n + b0;
                        T::store(simd, &mut dx[start..start + len], *a);
                    }
                }
            }
        }
    }
}
