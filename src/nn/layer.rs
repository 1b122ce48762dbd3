//! The [`Layer`] trait every building block of a network implements.

use nalgebra::DMatrix;

use super::{Scalar, Shape};

/// Whether a forward pass is part of training.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Cache whatever the next `backward` needs.
    Train,
    /// Just compute outputs (plots, accuracy); caches are left untouched.
    Eval,
}

/// One differentiable step of a network, mapping a batch of rows
/// `(batch, in)` to `(batch, out)`.
///
/// Backpropagation follows Goodfellow, Bengio & Courville, *Deep Learning*
/// (2016), Algorithm 6.4: each layer receives dL/d(output) and returns
/// dL/d(input), storing the gradients of its own parameters on the way.
pub trait Layer<T: Scalar>: Send {
    /// Short human name, e.g. `"Dense 2→16"` or `"Tanh"`.
    fn name(&self) -> String;

    /// Number of output columns for `input_features` input columns.
    fn output_features(&self, input_features: usize) -> usize;

    /// Shape of one output sample for one input sample of shape `input`
    /// (see [`Shape`] for how a sample is laid out in a batch row).
    ///
    /// The default treats the layer as working on flat vectors:
    /// `Shape::flat(self.output_features(input.len()))`. Element-wise layers
    /// return `input` unchanged; convolution and pooling compute their
    /// output size with [`super::conv_output_size`].
    fn output_shape(&self, input: Shape) -> Shape {
        Shape::flat(self.output_features(input.len()))
    }

    /// `x`: `(batch, in)` → output `(batch, out)`.
    ///
    /// In [`Mode::Train`] the layer caches what `backward` needs;
    /// in [`Mode::Eval`] it caches nothing.
    fn forward(&mut self, x: &DMatrix<T>, mode: Mode) -> DMatrix<T>;

    /// `grad_out`: `(batch, out)` = dL/d(output), for the batch of the last
    /// [`Mode::Train`] forward. Overwrites (does not accumulate) the
    /// parameter gradients and returns dL/d(input), `(batch, in)`.
    ///
    /// Panics if the shape of `grad_out` does not match that forward
    /// (a programmer error).
    fn backward(&mut self, grad_out: &DMatrix<T>) -> DMatrix<T>;

    /// [`Layer::forward`] writing into `out`, whose allocation is reused when its shape
    /// already fits (so a training loop allocates nothing per step). Every element of `out`
    /// is overwritten. The default calls `forward`.
    fn forward_into(&mut self, x: &DMatrix<T>, mode: Mode, out: &mut DMatrix<T>) {
        *out = self.forward(x, mode);
    }

    /// [`Layer::backward`] writing dL/d(input) into `grad_in` (allocation reused as in
    /// [`Layer::forward_into`]); with `None` only the parameter gradients are computed,
    /// for a layer whose input gradient nobody needs (the first layer of a network: Dense
    /// and Conv2d then skip their input-gradient product). The default calls `backward`.
    fn backward_into(&mut self, grad_out: &DMatrix<T>, grad_in: Option<&mut DMatrix<T>>) {
        let grad = self.backward(grad_out);
        if let Some(grad_in) = grad_in {
            *grad_in = grad;
        }
    }

    /// The parameter tensors (Dense: `[weight, bias]`); empty by default.
    fn params(&self) -> Vec<&DMatrix<T>> {
        Vec::new()
    }

    /// Gradients from the last `backward`, same order and shapes as [`Layer::params`].
    fn grads(&self) -> Vec<&DMatrix<T>> {
        Vec::new()
    }

    /// The gradients of [`Layer::grads`], mutable (to sum the gradients of several batch
    /// shards into them, see [`super::Sequential`]). The default is empty, which marks the
    /// layer as one whose gradients cannot be set: a model holding such a layer with
    /// parameters is never split across threads.
    fn grads_mut(&mut self) -> Vec<&mut DMatrix<T>> {
        Vec::new()
    }

    /// Each parameter (mutable, for an optimizer) next to its gradient.
    fn params_and_grads_mut(&mut self) -> Vec<(&mut DMatrix<T>, &DMatrix<T>)> {
        Vec::new()
    }

    /// Adds `l2 · W` to the gradient of the layer's weight tensor (not its bias), i.e. the
    /// gradient of the penalty `(λ/2)·‖W‖²` (Goodfellow et al., *Deep Learning* 2016,
    /// Section 7.1.1, eq. 7.2–7.5). Call after `backward`. Layers without weights do nothing.
    fn add_weight_decay(&mut self, _l2: T) {}

    /// Lets callers downcast to a concrete layer such as [`super::Dense`].
    fn as_any(&self) -> &dyn std::any::Any;
}

/// Gives `m` the shape `(rows, cols)`, keeping its allocation (and stale values) when the
/// shape is already right; a new shape starts zeroed.
pub(crate) fn reshape<T: Scalar>(m: &mut DMatrix<T>, rows: usize, cols: usize) {
    if m.shape() != (rows, cols) {
        *m = DMatrix::zeros(rows, cols);
    }
}

/// Copies `src` into `dst`, reusing `dst`'s allocation when the shapes match.
pub(crate) fn store<T: Scalar>(dst: &mut DMatrix<T>, src: &DMatrix<T>) {
    reshape(dst, src.nrows(), src.ncols());
    dst.as_mut_slice().copy_from_slice(src.as_slice());
}
