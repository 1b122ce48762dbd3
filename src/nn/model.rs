//! The network built from a [`ModelSpec`]: [`Sequential`], a stack of layers applied one
//! after the other.
//!
//! A Train forward keeps every layer's output in buffers that the next step reuses, so a
//! training loop allocates (almost) nothing per step; a batch big enough to be worth it is
//! split into shards that run on several threads ([`super::parallel`]).

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::parallel::Parallel;
pub use super::spec::{LayerSpec, MAX_LAYER_VALUES, MAX_PARAMETERS, ModelSpec, SpecError};
use super::{
    Activation, Conv2d, Conv2dConfig, Dense, Flatten, Init, Layer, MaxPool2d, MaxPool2dConfig,
    Mode, Scalar, Shape,
};

/// A stack of layers applied one after the other.
///
/// [`Sequential::forward`] in [`Mode::Train`] and [`Sequential::backward`] (or
/// [`Sequential::backward_params_only`]) form one training step. When a batch holds at least
/// two shards ([`super::parallel::shard_rows`]) and the model is big enough, the step runs on
/// copies of the model, one per shard, on up to [`Sequential::threads`] threads, and the
/// parameter gradients are the shards' gradients summed in shard order: the same bits
/// whatever the number of threads. The layers' own Train caches are then not filled, so
/// backpropagate such a step through `Sequential::backward`, not layer by layer.
pub struct Sequential<T: Scalar> {
    /// The layers, input first.
    pub layers: Vec<Box<dyn Layer<T>>>,
    pub(super) spec: ModelSpec,
    shapes: Vec<Shape>,
    /// Output of every layer in the last serial forward (reused by the next one).
    outputs: Vec<DMatrix<T>>,
    /// dL/d(input) of every layer in the last serial backward (reused by the next one).
    input_grads: Vec<DMatrix<T>>,
    /// Shards, threads and the copies of the model that run them.
    pub(super) parallel: Parallel<T>,
}

impl<T: Scalar> Sequential<T> {
    /// Builds the layers of `spec`. Each Dense and Conv2d is initialised
    /// with the [`ActivationKind::preferred_init`](super::ActivationKind::preferred_init) of the activation right
    /// after it (Xavier uniform if none follows), drawing from a `StdRng`
    /// seeded with `seed`, so the same seed gives the same weights.
    ///
    /// Panics if [`ModelSpec::shapes`] fails; see [`Sequential::try_from_spec`].
    pub fn from_spec(spec: &ModelSpec, seed: u64) -> Self {
        match Self::try_from_spec(spec, seed) {
            Ok(model) => model,
            Err(err) => panic!("Sequential::from_spec: {err}"),
        }
    }

    /// Like [`Sequential::from_spec`], but returns the [`SpecError`] of
    /// [`ModelSpec::shapes`] instead of panicking when a layer does not fit.
    pub fn try_from_spec(spec: &ModelSpec, seed: u64) -> Result<Self, SpecError> {
        let shapes = spec.shapes()?;
        let mut rng = StdRng::seed_from_u64(seed);
        let mut layers: Vec<Box<dyn Layer<T>>> = Vec::with_capacity(spec.layers.len());
        let mut shape = spec.input;
        for (i, layer) in spec.layers.iter().enumerate() {
            let init = || match spec.layers.get(i + 1) {
                Some(LayerSpec::Activation(kind)) => kind.preferred_init(),
                _ => Init::XavierUniform,
            };
            let built: Box<dyn Layer<T>> = match *layer {
                LayerSpec::Dense { units } => {
                    Box::new(Dense::new(shape.len(), units, init(), &mut rng))
                }
                LayerSpec::Activation(kind) => Box::new(Activation::new(kind)),
                LayerSpec::Conv2d {
                    filters,
                    kernel,
                    stride,
                    padding,
                } => {
                    let config = Conv2dConfig {
                        in_channels: shape.channels,
                        out_channels: filters,
                        kernel,
                        stride,
                        padding,
                    };
                    Box::new(Conv2d::new(config, shape, init(), &mut rng))
                }
                LayerSpec::MaxPool2d { size, stride } => {
                    Box::new(MaxPool2d::new(MaxPool2dConfig { size, stride }, shape))
                }
                LayerSpec::Flatten => Box::new(Flatten::new(shape)),
            };
            layers.push(built);
            shape = shapes[i];
        }
        Ok(Sequential {
            layers,
            spec: spec.clone(),
            shapes,
            outputs: Vec::new(),
            input_grads: Vec::new(),
            parallel: Parallel::default(),
        })
    }

    /// Like [`Sequential::try_from_spec`], then multiplies every initial parameter by
    /// `init_gain` (biases start at zero, so only the weights change). A gain of 1 leaves the
    /// weights bit-identical to [`Sequential::try_from_spec`]; a gain of 3–10 gives the "large
    /// initial weights" that make activations and gradients grow layer after layer (Glorot &
    /// Bengio 2010, Section 4.2 analyse the variance each layer multiplies by). A gain that
    /// is not finite is treated as 1.
    pub fn try_from_spec_with_gain(
        spec: &ModelSpec,
        seed: u64,
        init_gain: f64,
    ) -> Result<Self, SpecError> {
        let mut model = Self::try_from_spec(spec, seed)?;
        if init_gain.is_finite() && init_gain != 1.0 {
            let gain = <T as Scalar>::from_f64(init_gain);
            for (param, _) in model.params_and_grads_mut() {
                *param *= gain;
            }
        }
        Ok(model)
    }

    /// A copy of this model in another float type (e.g. `f32` → `f64` for gradient checks and
    /// the backprop stepper): same spec, parameters converted value by value. Gradients and
    /// caches start empty.
    ///
    /// # Errors
    /// Only if the spec no longer builds, which cannot happen for a model built from it.
    pub fn convert<U: Scalar>(&self) -> Result<Sequential<U>, SpecError> {
        let mut copy = Sequential::<U>::try_from_spec(&self.spec, 0)?;
        let params: Vec<DMatrix<U>> = self
            .layers
            .iter()
            .flat_map(|layer| layer.params())
            .map(|p| p.map(|v| <U as Scalar>::from_f64(v.to_f64())))
            .collect();
        copy.set_params(&params);
        Ok(copy)
    }

    /// Adds the L2 term `λ·W` to the weight gradients of every Dense and Conv2d layer
    /// (biases are not decayed). See [`Layer::add_weight_decay`].
    pub fn add_weight_decay(&mut self, l2: T) {
        for layer in &mut self.layers {
            layer.add_weight_decay(l2);
        }
    }

    /// Frobenius norm `‖∂E/∂W‖ = sqrt(Σ g²)` of the weight gradient (no bias) of every layer
    /// that has parameters, input side first, as `(layer index, norm)`; computed in `f64`.
    pub fn weight_grad_norms(&self) -> Vec<(usize, f64)> {
        self.layers
            .iter()
            .enumerate()
            .filter_map(|(i, layer)| {
                let grads = layer.grads();
                let weight = grads.first()?;
                let sum: f64 = weight.iter().map(|g| g.to_f64() * g.to_f64()).sum();
                Some((i, sum.sqrt()))
            })
            .collect()
    }

    /// Output shape of each layer of the spec, in order (`len = layers.len()`
    /// for a model built from a spec), as computed by [`ModelSpec::shapes`].
    pub fn shapes(&self) -> &[Shape] {
        &self.shapes
    }

    /// The description this model was built from.
    pub fn spec(&self) -> &ModelSpec {
        &self.spec
    }

    /// `x`: `(batch, input.len())`, one sample per row flattened channel-major
    /// (see [`Shape`]) → `(batch, outputs)`. See [`Layer::forward`] for `mode`; a batch of
    /// several shards runs on several threads (see the type's docs).
    pub fn forward(&mut self, x: &DMatrix<T>, mode: Mode) -> DMatrix<T> {
        if let Some(y) = self.forward_sharded(x, mode) {
            return y;
        }
        self.forward_serial(x, mode)
    }

    /// [`Sequential::forward`] on this thread, without shards.
    pub(super) fn forward_serial(&mut self, x: &DMatrix<T>, mode: Mode) -> DMatrix<T> {
        if mode == Mode::Train {
            self.parallel.forget_train_shards();
        }
        let count = self.layers.len();
        if count == 0 {
            return x.clone();
        }
        self.outputs.resize_with(count, || DMatrix::zeros(0, 0));
        for (i, layer) in self.layers.iter_mut().enumerate() {
            let (done, rest) = self.outputs.split_at_mut(i);
            let input = done.last().unwrap_or(x);
            layer.forward_into(input, mode, &mut rest[0]);
        }
        self.outputs[count - 1].clone()
    }

    /// Eval-mode output of every layer, in order (`len = layers.len()`),
    /// e.g. to draw hidden activations.
    pub fn forward_all(&mut self, x: &DMatrix<T>) -> Vec<DMatrix<T>> {
        let mut outputs: Vec<DMatrix<T>> = Vec::with_capacity(self.layers.len());
        for layer in &mut self.layers {
            let input = outputs.last().unwrap_or(x);
            let y = layer.forward(input, Mode::Eval);
            outputs.push(y);
        }
        outputs
    }

    /// Backpropagates `grad_output` = dL/d(output), `(batch, outputs)`,
    /// through all layers (last to first), leaving each layer's parameter
    /// gradients; returns dL/d(input), `(batch, inputs)`.
    pub fn backward(&mut self, grad_output: &DMatrix<T>) -> DMatrix<T> {
        match self.backward_sharded(grad_output, true) {
            Some(grad_in) => grad_in.unwrap_or_else(|| grad_output.clone()),
            None => self
                .backward_serial(grad_output, true)
                .unwrap_or_else(|| grad_output.clone()),
        }
    }

    /// [`Sequential::backward`] without dL/d(input): the first layer computes only its
    /// parameter gradients (a training step needs nothing more).
    pub fn backward_params_only(&mut self, grad_output: &DMatrix<T>) {
        if self.backward_sharded(grad_output, false).is_none() {
            self.backward_serial(grad_output, false);
        }
    }

    /// Backward on this thread through the layers' Train caches; dL/d(input) when
    /// `input_grad` (`None` for a model without layers).
    pub(super) fn backward_serial(
        &mut self,
        grad_output: &DMatrix<T>,
        input_grad: bool,
    ) -> Option<DMatrix<T>> {
        let count = self.layers.len();
        if count == 0 {
            return None;
        }
        self.input_grads.resize_with(count, || DMatrix::zeros(0, 0));
        for (i, layer) in self.layers.iter_mut().enumerate().rev() {
            let (before, from_here) = self.input_grads.split_at_mut(i + 1);
            let grad_out = from_here.first().unwrap_or(grad_output);
            let wanted = i > 0 || input_grad;
            layer.backward_into(grad_out, wanted.then_some(&mut before[i]));
        }
        input_grad.then(|| self.input_grads[0].clone())
    }

    /// Every parameter with its gradient, all layers in order.
    pub fn params_and_grads_mut(&mut self) -> Vec<(&mut DMatrix<T>, &DMatrix<T>)> {
        self.layers
            .iter_mut()
            .flat_map(|layer| layer.params_and_grads_mut())
            .collect()
    }

    /// Total number of scalar parameters.
    pub fn param_count(&self) -> usize {
        self.layers
            .iter()
            .flat_map(|layer| layer.params())
            .map(|p| p.len())
            .sum()
    }

    /// Copies every parameter tensor into `out`, in order, reusing its
    /// allocations when shapes match (`out.len()` becomes the tensor count).
    pub fn copy_params_into(&self, out: &mut Vec<DMatrix<T>>) {
        let mut count = 0;
        for p in self.layers.iter().flat_map(|layer| layer.params()) {
            match out.get_mut(count) {
                Some(slot) if slot.shape() == p.shape() => slot.copy_from(p),
                Some(slot) => *slot = p.clone(),
                None => out.push(p.clone()),
            }
            count += 1;
        }
        out.truncate(count);
    }

    /// Restores parameters saved by [`Sequential::copy_params_into`].
    ///
    /// Panics if the number or shapes of the tensors differ (programmer error).
    pub fn set_params(&mut self, saved: &[DMatrix<T>]) {
        let mut params = self.params_and_grads_mut();
        assert_eq!(
            params.len(),
            saved.len(),
            "set_params: wrong number of tensors"
        );
        for ((p, _), s) in params.iter_mut().zip(saved) {
            assert_eq!(p.shape(), s.shape(), "set_params: shape mismatch");
            p.copy_from(s);
        }
    }

    /// True if no parameter is NaN or infinite (training has not diverged).
    pub fn params_finite(&self) -> bool {
        self.layers
            .iter()
            .flat_map(|layer| layer.params())
            .all(|p| p.iter().all(|v| v.is_finite()))
    }

    /// `(layer index, &Dense)` for every Dense layer.
    pub fn dense_layers(&self) -> Vec<(usize, &Dense<T>)> {
        self.layers
            .iter()
            .enumerate()
            .filter_map(|(i, layer)| layer.as_any().downcast_ref::<Dense<T>>().map(|d| (i, d)))
            .collect()
    }

    /// `(layer index, &Conv2d)` for every Conv2d layer (e.g. to draw its kernels).
    pub fn conv_layers(&self) -> Vec<(usize, &Conv2d<T>)> {
        self.layers
            .iter()
            .enumerate()
            .filter_map(|(i, layer)| layer.as_any().downcast_ref::<Conv2d<T>>().map(|c| (i, c)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::ActivationKind;
    use nalgebra::dmatrix;

    #[test]
    fn mlp_layout() {
        let spec = ModelSpec::mlp(
            2,
            &[(16, ActivationKind::Tanh), (8, ActivationKind::Relu)],
            3,
        );
        assert_eq!(spec.to_text(), "dense16,tanh,dense8,relu,dense3");
        assert_eq!(spec.outputs(), 3);
        let model = Sequential::<f32>::from_spec(&spec, 1);
        assert_eq!(model.layers.len(), 5);
        assert_eq!(model.param_count(), 2 * 16 + 16 + 16 * 8 + 8 + 8 * 3 + 3);
        let names: Vec<String> = model.layers.iter().map(|l| l.name()).collect();
        assert_eq!(
            names,
            ["Dense 2→16", "Tanh", "Dense 16→8", "ReLU", "Dense 8→3"]
        );
        let dense: Vec<usize> = model.dense_layers().iter().map(|(i, _)| *i).collect();
        assert_eq!(dense, [0, 2, 4]);
    }

    #[test]
    fn forward_all_matches_forward() {
        let spec = ModelSpec::mlp(2, &[(4, ActivationKind::Sigmoid)], 2);
        let mut model = Sequential::<f64>::from_spec(&spec, 3);
        let x = dmatrix![0.5, -1.0; 2.0, 0.25];
        let all = model.forward_all(&x);
        assert_eq!(all.len(), 3);
        assert_eq!(all[2], model.forward(&x, Mode::Eval));
        assert_eq!(all[0].shape(), (2, 4));
    }

    #[test]
    fn params_save_and_restore() {
        let spec = ModelSpec::mlp(3, &[(5, ActivationKind::Relu)], 2);
        let mut model = Sequential::<f64>::from_spec(&spec, 9);
        let mut saved = Vec::new();
        model.copy_params_into(&mut saved);
        assert_eq!(saved.len(), 4);
        for (p, _) in model.params_and_grads_mut() {
            p.fill(7.0);
        }
        assert!(model.params_finite());
        model.set_params(&saved);
        let mut again = vec![DMatrix::zeros(1, 1); 6];
        model.copy_params_into(&mut again);
        assert_eq!(again, saved);
        model.params_and_grads_mut()[1].0[0] = f64::NAN;
        assert!(!model.params_finite());
    }
}
