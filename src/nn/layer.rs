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

    /// The parameter tensors (Dense: `[weight, bias]`); empty by default.
    fn params(&self) -> Vec<&DMatrix<T>> {
        Vec::new()
    }

    /// Gradients from the last `backward`, same order and shapes as [`Layer::params`].
    fn grads(&self) -> Vec<&DMatrix<T>> {
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

/// Copies `src` into `dst`, reusing `dst`'s allocation when the shapes match.
pub(crate) fn store<T: Scalar>(dst: &mut DMatrix<T>, src: &DMatrix<T>) {
    if dst.shape() == src.shape() {
        dst.copy_from(src);
    } else {
        *dst = src.clone();
    }
}
