//! Model descriptions ([`ModelSpec`]) and the network built from one ([`Sequential`]).

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

use super::{Activation, ActivationKind, Dense, Init, Layer, Mode, Scalar};

/// One entry of a [`ModelSpec`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum LayerSpec {
    /// A [`Dense`] layer with `units` outputs.
    Dense {
        /// Number of outputs (neurons).
        units: usize,
    },
    /// An [`Activation`] layer.
    Activation(ActivationKind),
}

/// A network architecture: the number of input features and the layers in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelSpec {
    /// Number of input features (columns of a batch).
    pub inputs: usize,
    /// Layers from input to output.
    pub layers: Vec<LayerSpec>,
}

/// Why a model description could not be parsed. Display is one line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpecError {
    /// The text had no items.
    #[error("the model is empty: list layers like \"dense16,tanh,dense2\"")]
    Empty,
    /// Zero input features were given.
    #[error("the model needs at least one input feature")]
    NoInputs,
    /// An item between two commas was blank.
    #[error("item {position} is empty (two commas in a row?)")]
    EmptyItem {
        /// 1-based position of the item.
        position: usize,
    },
    /// An item is neither `denseN` nor an activation name.
    #[error(
        "item {position} \"{item}\" is not a layer: expected denseN (e.g. dense16) or one of sigmoid, tanh, relu, leakyrelu, linear"
    )]
    UnknownItem {
        /// 1-based position of the item.
        position: usize,
        /// The item as written.
        item: String,
    },
    /// A `dense` item without a positive whole number of units.
    #[error(
        "item {position} \"{item}\": a dense layer needs a positive whole number of units, e.g. dense16"
    )]
    BadUnits {
        /// 1-based position of the item.
        position: usize,
        /// The item as written.
        item: String,
    },
    /// No dense layer at all, so nothing could be learned.
    #[error("the model needs at least one dense layer")]
    NoDense,
}

impl ModelSpec {
    /// A multi-layer perceptron:
    /// `inputs → [Dense(h) → act]* → Dense(outputs)`, with no activation
    /// after the last Dense (its outputs are logits or a linear prediction).
    pub fn mlp(inputs: usize, hidden: &[(usize, ActivationKind)], outputs: usize) -> Self {
        let mut layers = Vec::with_capacity(2 * hidden.len() + 1);
        for &(units, act) in hidden {
            layers.push(LayerSpec::Dense { units });
            layers.push(LayerSpec::Activation(act));
        }
        layers.push(LayerSpec::Dense { units: outputs });
        ModelSpec { inputs, layers }
    }

    /// Parses the text form, e.g. `"dense16,tanh,dense16,tanh,dense2"`
    /// (inputs given separately). Items are comma separated, case-insensitive,
    /// and may have spaces around them; `denseN` needs `N ≥ 1`, activations
    /// are read by [`ActivationKind::parse`].
    ///
    /// Errors ([`SpecError`]) name the offending item and its 1-based
    /// position; the text must hold at least one dense layer and `inputs ≥ 1`.
    pub fn parse(text: &str, inputs: usize) -> Result<Self, SpecError> {
        if text.trim().is_empty() {
            return Err(SpecError::Empty);
        }
        if inputs == 0 {
            return Err(SpecError::NoInputs);
        }
        let mut layers = Vec::new();
        for (index, raw) in text.split(',').enumerate() {
            let position = index + 1;
            let item = raw.trim();
            if item.is_empty() {
                return Err(SpecError::EmptyItem { position });
            }
            let lower = item.to_ascii_lowercase();
            let layer = if let Some(units) = lower.strip_prefix("dense") {
                match units.trim().parse::<usize>() {
                    Ok(units) if units > 0 => LayerSpec::Dense { units },
                    _ => {
                        let item = item.to_string();
                        return Err(SpecError::BadUnits { position, item });
                    }
                }
            } else if let Some(kind) = ActivationKind::parse(&lower) {
                LayerSpec::Activation(kind)
            } else {
                let item = item.to_string();
                return Err(SpecError::UnknownItem { position, item });
            };
            layers.push(layer);
        }
        if !layers.iter().any(|l| matches!(l, LayerSpec::Dense { .. })) {
            return Err(SpecError::NoDense);
        }
        Ok(ModelSpec { inputs, layers })
    }

    /// The text form read by [`ModelSpec::parse`], e.g.
    /// `"dense16,tanh,dense2"` (activation names in lower case).
    pub fn to_text(&self) -> String {
        let items: Vec<String> = self
            .layers
            .iter()
            .map(|layer| match layer {
                LayerSpec::Dense { units } => format!("dense{units}"),
                LayerSpec::Activation(kind) => kind.name().to_ascii_lowercase(),
            })
            .collect();
        items.join(",")
    }

    /// Width of the network output: units of the last Dense (`inputs` if there is none).
    pub fn outputs(&self) -> usize {
        self.layers
            .iter()
            .rev()
            .find_map(|layer| match layer {
                LayerSpec::Dense { units } => Some(*units),
                LayerSpec::Activation(_) => None,
            })
            .unwrap_or(self.inputs)
    }
}

/// A stack of layers applied one after the other.
pub struct Sequential<T: Scalar> {
    /// The layers, input first.
    pub layers: Vec<Box<dyn Layer<T>>>,
    spec: ModelSpec,
}

impl<T: Scalar> Sequential<T> {
    /// Builds the layers of `spec`. Each Dense is initialised with the
    /// [`ActivationKind::preferred_init`] of the activation right after it
    /// (Xavier uniform if none follows), drawing from a `StdRng` seeded with
    /// `seed`, so the same seed gives the same weights.
    pub fn from_spec(spec: &ModelSpec, seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut layers: Vec<Box<dyn Layer<T>>> = Vec::with_capacity(spec.layers.len());
        let mut features = spec.inputs;
        for (i, layer) in spec.layers.iter().enumerate() {
            match *layer {
                LayerSpec::Dense { units } => {
                    let init = match spec.layers.get(i + 1) {
                        Some(LayerSpec::Activation(kind)) => kind.preferred_init(),
                        _ => Init::XavierUniform,
                    };
                    layers.push(Box::new(Dense::new(features, units, init, &mut rng)));
                    features = units;
                }
                LayerSpec::Activation(kind) => layers.push(Box::new(Activation::new(kind))),
            }
        }
        Sequential {
            layers,
            spec: spec.clone(),
        }
    }

    /// The description this model was built from.
    pub fn spec(&self) -> &ModelSpec {
        &self.spec
    }

    /// `x`: `(batch, inputs)` → `(batch, outputs)`. See [`Layer::forward`] for `mode`.
    pub fn forward(&mut self, x: &DMatrix<T>, mode: Mode) -> DMatrix<T> {
        let Some((first, rest)) = self.layers.split_first_mut() else {
            return x.clone();
        };
        let mut h = first.forward(x, mode);
        for layer in rest {
            h = layer.forward(&h, mode);
        }
        h
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
        let Some((last, rest)) = self.layers.split_last_mut() else {
            return grad_output.clone();
        };
        let mut g = last.backward(grad_output);
        for layer in rest.iter_mut().rev() {
            g = layer.backward(&g);
        }
        g
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::dmatrix;

    #[test]
    fn mlp_layout() {
        let spec = ModelSpec::mlp(
            2,
            &[(16, ActivationKind::Tanh), (8, ActivationKind::ReLU)],
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
        let spec = ModelSpec::mlp(3, &[(5, ActivationKind::ReLU)], 2);
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
