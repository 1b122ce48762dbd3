//! Model weights as named tensors in PyTorch's layout, and their safetensors files.
//!
//! # Names and shapes
//!
//! A gradscope model corresponds to a PyTorch `nn.Sequential` with the same layers in the same
//! order; [`pytorch_code`] writes it. Tensors are named `"{index}.weight"` and `"{index}.bias"`,
//! where `index` is the layer's position in that `nn.Sequential`, counting activation and
//! pooling layers, so `model.load_state_dict(...)` finds them:
//!
//! | gradscope layer | PyTorch module | `weight` shape | `bias` shape |
//! |---|---|---|---|
//! | Dense, `in → out` | `nn.Linear(in, out)` | `[out, in]` | `[out]` |
//! | Conv2d, `C → O`, `k×k`, stride `s`, padding `p` | `nn.Conv2d(C, O, k, stride=s, padding=p)` | `[O, C, k, k]` | `[O]` |
//! | MaxPool2d(size, stride) | `nn.MaxPool2d(size, stride)` | – | – |
//! | Sigmoid, Tanh, ReLU, LeakyReLU (slope 0.01), Linear | `nn.Sigmoid()`, `nn.Tanh()`, `nn.ReLU()`, `nn.LeakyReLU(0.01)`, `nn.Identity()` | – | – |
//! | Flatten | `nn.Flatten()` | – | – |
//!
//! gradscope's Dense flattens a `C×H×W` input by itself; PyTorch needs an `nn.Flatten()`
//! there, so one is counted (and written by [`pytorch_code`]) before such a Dense, and the
//! indices after it are one higher than gradscope's layer positions. Flattening is channel-major
//! (`(c·H + y)·W + x`) in both. All tensors are little-endian `F32` (`torch.float32`).
//!
//! Inputs are what gradscope trains on: for CSV data the standardised features, for images the
//! pixels scaled to `[0, 1]` as `N×C×H×W`. The last layer gives logits (apply softmax for
//! probabilities) or the regression value.
//!
//! The file's `__metadata__` holds `"format": "pt"`, `"gradscope_model"` (the model text, e.g.
//! `"dense16,tanh,dense16,tanh,dense2"`), `"gradscope_input"` (one sample's shape: `"2"` for
//! two features, `"1,28,28"` for `C,H,W` images), `"gradscope_input_shape"` (the input tensor
//! as the model takes it, `"[N, 2]"` or `"[N, 1, 28, 28]"`) and `"pytorch"` (the
//! `nn.Sequential` source). Written with the data's
//! [`Preprocessing`](super::preprocess::Preprocessing), it also holds
//! `"gradscope_preprocessing"` (feature names, standardisation, fill values, one-hot
//! categories, class names in logit order, pixel scaling and the split, as JSON),
//! `"gradscope_classes"` and `"gradscope_features"`.
//!
//! Loading one in PyTorch:
//!
//! ```python
//! import torch, torch.nn as nn
//! from safetensors.torch import load_file
//! model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 2))
//! model.load_state_dict(load_file("spiral.safetensors"))
//! print(model(torch.tensor([[0.5, -1.0]])).softmax(dim=1))
//! ```

use std::collections::HashMap;
use std::path::Path;

use base64::Engine;
use nalgebra::DMatrix;
use safetensors::tensor::{Dtype, SafeTensors, TensorView};
use serde::{Deserialize, Serialize};

use super::atomic::{SaveError, write_atomically};
use super::preprocess::{Preprocessing, input_shape_text};
use crate::nn::{LayerSpec, ModelSpec, Sequential, Shape};

/// One parameter tensor in PyTorch's layout: `values` in row-major order of `shape`.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedTensor {
    /// `"{index}.weight"` or `"{index}.bias"` (see the module docs).
    pub name: String,
    /// PyTorch shape, e.g. `[out, in]` for a Linear weight.
    pub shape: Vec<usize>,
    /// `shape.iter().product()` values, row-major (last index fastest).
    pub values: Vec<f32>,
}

/// Weights cannot be read or do not fit the model. Display names the file (or `"weights"` for
/// embedded ones) and the tensor.
#[derive(Debug, thiserror::Error)]
pub enum WeightsError {
    /// The file could not be read.
    #[error("{file}: cannot read the file: {source}")]
    Read {
        /// The file.
        file: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// Not a valid safetensors file (truncated, bad header, offsets out of range …).
    #[error("{file}: not a valid safetensors file ({reason})")]
    Format {
        /// The file.
        file: String,
        /// The safetensors crate's reason.
        reason: String,
    },
    /// A tensor the model needs is not there.
    #[error("{file}: tensor \"{name}\" is missing (the model {model} needs {expected})")]
    Missing {
        /// The file.
        file: String,
        /// The missing tensor.
        name: String,
        /// Model text.
        model: String,
        /// Every name the model needs, comma separated.
        expected: String,
    },
    /// A tensor the model has no place for.
    #[error("{file}: tensor \"{name}\" does not belong to the model {model} (it needs {expected})")]
    Unexpected {
        /// The file.
        file: String,
        /// The extra tensor.
        name: String,
        /// Model text.
        model: String,
        /// Every name the model needs, comma separated.
        expected: String,
    },
    /// A tensor whose shape differs from the model's.
    #[error("{file}: tensor \"{name}\" has shape {found:?}, the model expects {expected:?}")]
    Shape {
        /// The file.
        file: String,
        /// The tensor.
        name: String,
        /// Shape in the file.
        found: Vec<usize>,
        /// Shape the model needs.
        expected: Vec<usize>,
    },
    /// A tensor that is not 32-bit float.
    #[error("{file}: tensor \"{name}\" has dtype {dtype}, gradscope reads F32 only")]
    Dtype {
        /// The file.
        file: String,
        /// The tensor.
        name: String,
        /// The dtype in the file.
        dtype: String,
    },
    /// A tensor holding NaN or infinity.
    #[error("{file}: tensor \"{name}\" holds a value that is not a finite number")]
    NotFinite {
        /// The file.
        file: String,
        /// The tensor.
        name: String,
    },
    /// Embedded data that is not base64 or has the wrong length.
    #[error("{file}: tensor \"{name}\": {reason}")]
    Data {
        /// The file.
        file: String,
        /// The tensor.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// Embedded weights saved for another model.
    #[error("{file}: the weights are for the model {saved}, but the experiment builds {model}")]
    OtherModel {
        /// The file.
        file: String,
        /// Model text stored with the weights.
        saved: String,
        /// Model text the experiment builds.
        model: String,
    },
    /// Writing failed.
    #[error(transparent)]
    Save(#[from] SaveError),
}

/// Where a parameter tensor lives in the model, and its PyTorch name and shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TensorSlot {
    /// PyTorch name, e.g. `"0.weight"`.
    pub name: String,
    /// PyTorch shape.
    pub shape: Vec<usize>,
    /// Rows of gradscope's matrix (column-major storage).
    rows: usize,
    /// Columns of gradscope's matrix.
    cols: usize,
}

/// One module of the equivalent PyTorch `nn.Sequential`, as source text, e.g.
/// `"nn.Linear(2, 16)"`.
fn pytorch_modules(spec: &ModelSpec) -> Vec<(String, Vec<TensorSlot>)> {
    let shapes = spec.shapes().unwrap_or_default();
    let mut modules: Vec<(String, Vec<TensorSlot>)> = Vec::new();
    let mut shape = spec.input;
    // PyTorch sees a 4-D N×C×H×W tensor until something flattens it.
    let mut four_d = !spec.input.is_flat();
    for (i, layer) in spec.layers.iter().enumerate() {
        let index = |modules: &Vec<_>| modules.len();
        match *layer {
            LayerSpec::Dense { units } => {
                if four_d {
                    modules.push(("nn.Flatten()".to_string(), Vec::new()));
                    four_d = false;
                }
                let inputs = shape.len();
                let at = index(&modules);
                modules.push((
                    format!("nn.Linear({inputs}, {units})"),
                    vec![
                        TensorSlot {
                            name: format!("{at}.weight"),
                            shape: vec![units, inputs],
                            rows: inputs,
                            cols: units,
                        },
                        TensorSlot {
                            name: format!("{at}.bias"),
                            shape: vec![units],
                            rows: 1,
                            cols: units,
                        },
                    ],
                ));
            }
            LayerSpec::Conv2d {
                filters,
                kernel,
                stride,
                padding,
            } => {
                if !four_d {
                    modules.push((
                        format!(
                            "nn.Unflatten(1, ({}, {}, {}))",
                            shape.channels, shape.height, shape.width
                        ),
                        Vec::new(),
                    ));
                    four_d = true;
                }
                let channels = shape.channels;
                let at = index(&modules);
                let mut text = format!("nn.Conv2d({channels}, {filters}, {kernel}");
                if stride != 1 {
                    text += &format!(", stride={stride}");
                }
                if padding != 0 {
                    text += &format!(", padding={padding}");
                }
                text += ")";
                modules.push((
                    text,
                    vec![
                        TensorSlot {
                            name: format!("{at}.weight"),
                            shape: vec![filters, channels, kernel, kernel],
                            rows: channels * kernel * kernel,
                            cols: filters,
                        },
                        TensorSlot {
                            name: format!("{at}.bias"),
                            shape: vec![filters],
                            rows: 1,
                            cols: filters,
                        },
                    ],
                ));
            }
            LayerSpec::MaxPool2d { size, stride } => {
                if !four_d {
                    modules.push((
                        format!(
                            "nn.Unflatten(1, ({}, {}, {}))",
                            shape.channels, shape.height, shape.width
                        ),
                        Vec::new(),
                    ));
                    four_d = true;
                }
                let text = if size == stride {
                    format!("nn.MaxPool2d({size})")
                } else {
                    format!("nn.MaxPool2d({size}, stride={stride})")
                };
                modules.push((text, Vec::new()));
            }
            LayerSpec::Flatten => {
                modules.push(("nn.Flatten()".to_string(), Vec::new()));
                four_d = false;
            }
            LayerSpec::Activation(kind) => {
                use crate::nn::ActivationKind as A;
                let text = match kind {
                    A::Sigmoid => "nn.Sigmoid()".to_string(),
                    A::Tanh => "nn.Tanh()".to_string(),
                    A::Relu => "nn.ReLU()".to_string(),
                    A::LeakyRelu => format!("nn.LeakyReLU({})", crate::nn::LEAKY_RELU_SLOPE),
                    A::Linear => "nn.Identity()".to_string(),
                };
                modules.push((text, Vec::new()));
            }
        }
        shape = shapes.get(i).copied().unwrap_or(shape);
    }
    modules
}

/// The parameter tensors `spec` has, in gradscope's parameter order, with their PyTorch names
/// and shapes (see the module docs).
pub fn tensor_slots(spec: &ModelSpec) -> Vec<TensorSlot> {
    pytorch_modules(spec)
        .into_iter()
        .flat_map(|(_, slots)| slots)
        .collect()
}

/// Python source of the PyTorch `nn.Sequential` equivalent to `spec`, one module per line with
/// its index as a comment, e.g.
/// `"nn.Sequential(\n    nn.Linear(2, 16),  # 0\n    nn.Tanh(),  # 1\n    nn.Linear(16, 2),  # 2\n)"`.
pub fn pytorch_code(spec: &ModelSpec) -> String {
    let mut text = "nn.Sequential(\n".to_string();
    for (i, (module, _)) in pytorch_modules(spec).iter().enumerate() {
        text += &format!("    {module},  # {i}\n");
    }
    text += ")";
    text
}

/// Every parameter of `model` as a [`NamedTensor`] in PyTorch's layout.
///
/// gradscope stores a Dense weight as an `(in, out)` matrix and a Conv2d weight as
/// `(C·k·k, O)`, both column-major, which is exactly the row-major `[out, in]` /
/// `[O, C, k, k]` order PyTorch uses, so values are copied without reordering.
pub fn model_tensors(model: &Sequential<f32>) -> Vec<NamedTensor> {
    // Dense and Conv2d list `[weight, bias]`; other layers have no parameters.
    let params: Vec<&DMatrix<f32>> = model.layers.iter().flat_map(|l| l.params()).collect();
    tensors_from_params(model.spec(), &params)
}

/// [`model_tensors`] for parameters held apart from a model (e.g. a worker's
/// [`crate::train::Captured`]), in `Sequential::copy_params_into` order for `spec`. Extra or
/// missing matrices are left out (pass what `spec`'s model has).
pub fn tensors_from_params<M: std::borrow::Borrow<DMatrix<f32>>>(
    spec: &ModelSpec,
    params: &[M],
) -> Vec<NamedTensor> {
    tensor_slots(spec)
        .into_iter()
        .zip(params.iter().map(|m| m.borrow()))
        .map(|(slot, matrix)| NamedTensor {
            name: slot.name,
            shape: slot.shape,
            values: matrix.as_slice().to_vec(),
        })
        .collect()
}

/// Checks `tensors` against `model` (every name present once, no extra one, shapes equal, all
/// values finite) and returns them as gradscope parameter matrices in parameter order, ready
/// for `Sequential::set_params`. `file` names the source in errors.
///
/// # Errors
/// [`WeightsError::Missing`], [`WeightsError::Unexpected`], [`WeightsError::Shape`],
/// [`WeightsError::NotFinite`].
pub fn params_from_tensors(
    spec: &ModelSpec,
    tensors: &[NamedTensor],
    file: &str,
) -> Result<Vec<DMatrix<f32>>, WeightsError> {
    let slots = tensor_slots(spec);
    let model = spec.to_text();
    let expected = slots
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let mut sorted: Vec<&NamedTensor> = tensors.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some(extra) = sorted
        .iter()
        .find(|t| !slots.iter().any(|s| s.name == t.name))
    {
        return Err(WeightsError::Unexpected {
            file: file.to_string(),
            name: extra.name.clone(),
            model,
            expected,
        });
    }
    if let Some(pair) = sorted.windows(2).find(|pair| pair[0].name == pair[1].name) {
        return Err(WeightsError::Data {
            file: file.to_string(),
            name: pair[0].name.clone(),
            reason: "appears twice".to_string(),
        });
    }
    let mut params = Vec::with_capacity(slots.len());
    for slot in &slots {
        let Some(tensor) = tensors.iter().find(|t| t.name == slot.name) else {
            return Err(WeightsError::Missing {
                file: file.to_string(),
                name: slot.name.clone(),
                model,
                expected,
            });
        };
        if tensor.shape != slot.shape {
            return Err(WeightsError::Shape {
                file: file.to_string(),
                name: slot.name.clone(),
                found: tensor.shape.clone(),
                expected: slot.shape.clone(),
            });
        }
        if tensor.values.len() != slot.rows * slot.cols {
            return Err(WeightsError::Data {
                file: file.to_string(),
                name: slot.name.clone(),
                reason: format!("{} values for shape {:?}", tensor.values.len(), slot.shape),
            });
        }
        if !tensor.values.iter().all(|v| v.is_finite()) {
            return Err(WeightsError::NotFinite {
                file: file.to_string(),
                name: slot.name.clone(),
            });
        }
        params.push(DMatrix::from_column_slice(
            slot.rows,
            slot.cols,
            &tensor.values,
        ));
    }
    Ok(params)
}

/// Little-endian bytes of `values`.
fn to_le_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// `bytes` (a multiple of 4) as little-endian f32 values.
fn from_le_bytes(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// The safetensors bytes for `tensors` of a model described by `spec` (metadata as in the
/// module docs).
///
/// # Errors
/// Only if the safetensors crate refuses the data (a header over 100 MB); the reason as text.
pub fn safetensors_bytes(spec: &ModelSpec, tensors: &[NamedTensor]) -> Result<Vec<u8>, String> {
    safetensors_bytes_with(spec, tensors, None)
}

/// [`safetensors_bytes`] with the data's preprocessing in the metadata as well (see
/// [`Preprocessing::metadata`]).
///
/// # Errors
/// As [`safetensors_bytes`].
pub fn safetensors_bytes_with(
    spec: &ModelSpec,
    tensors: &[NamedTensor],
    preprocessing: Option<&Preprocessing>,
) -> Result<Vec<u8>, String> {
    let bytes: Vec<(String, Vec<usize>, Vec<u8>)> = tensors
        .iter()
        .map(|t| (t.name.clone(), t.shape.clone(), to_le_bytes(&t.values)))
        .collect();
    let mut views = Vec::with_capacity(bytes.len());
    for (name, shape, data) in &bytes {
        let view =
            TensorView::new(Dtype::F32, shape.clone(), data).map_err(|e| format!("{name}: {e}"))?;
        views.push((name.clone(), view));
    }
    let mut metadata = HashMap::from([
        ("format".to_string(), "pt".to_string()),
        ("gradscope_model".to_string(), spec.to_text()),
        ("gradscope_input".to_string(), input_text(spec.input)),
        (
            "gradscope_input_shape".to_string(),
            input_shape_text(spec.input),
        ),
        ("pytorch".to_string(), pytorch_code(spec)),
    ]);
    metadata.extend(
        preprocessing
            .map(Preprocessing::metadata)
            .unwrap_or_default(),
    );
    safetensors::tensor::serialize(views, Some(metadata)).map_err(|e| e.to_string())
}

/// Writes `model`'s weights to `path` as safetensors, atomically.
///
/// # Errors
/// [`WeightsError::Save`] naming the file.
pub fn save_safetensors(path: &Path, model: &Sequential<f32>) -> Result<(), WeightsError> {
    write_safetensors(path, model.spec(), &model_tensors(model))
}

/// [`save_safetensors`] with the data's preprocessing in the metadata.
///
/// # Errors
/// [`WeightsError::Save`] naming the file.
pub fn save_safetensors_with(
    path: &Path,
    model: &Sequential<f32>,
    preprocessing: &Preprocessing,
) -> Result<(), WeightsError> {
    let bytes = safetensors_bytes_with(model.spec(), &model_tensors(model), Some(preprocessing))
        .map_err(|reason| SaveError::new(path, std::io::Error::other(reason)))?;
    write_atomically(path, |w| w.write_all(&bytes))?;
    Ok(())
}

/// Writes `tensors` of a model described by `spec` (e.g. from [`tensors_from_params`]) to
/// `path` as safetensors, atomically.
///
/// # Errors
/// [`WeightsError::Save`] naming the file.
pub fn write_safetensors(
    path: &Path,
    spec: &ModelSpec,
    tensors: &[NamedTensor],
) -> Result<(), WeightsError> {
    let bytes = safetensors_bytes(spec, tensors)
        .map_err(|reason| SaveError::new(path, std::io::Error::other(reason)))?;
    write_atomically(path, |w| w.write_all(&bytes))?;
    Ok(())
}

/// What a safetensors file holds: its tensors (F32 only) and its `__metadata__`.
#[derive(Clone, Debug, PartialEq)]
pub struct SafetensorsFile {
    /// Tensors in name order.
    pub tensors: Vec<NamedTensor>,
    /// The `__metadata__` strings (empty when there are none).
    pub metadata: HashMap<String, String>,
}

/// Parses safetensors `bytes`; `file` names the source in errors. Sizes are checked by the
/// safetensors crate against the buffer before anything is allocated.
///
/// # Errors
/// [`WeightsError::Format`] for a damaged file, [`WeightsError::Dtype`] for a tensor that is
/// not F32.
pub fn parse_safetensors(file: &str, bytes: &[u8]) -> Result<SafetensorsFile, WeightsError> {
    let format = |reason: String| WeightsError::Format {
        file: file.to_string(),
        reason,
    };
    let (_, header) = SafeTensors::read_metadata(bytes).map_err(|e| format(e.to_string()))?;
    let metadata = header.metadata().clone().unwrap_or_default();
    let parsed = SafeTensors::deserialize(bytes).map_err(|e| format(e.to_string()))?;
    let mut tensors = Vec::new();
    for (name, view) in parsed.tensors() {
        if view.dtype() != Dtype::F32 {
            return Err(WeightsError::Dtype {
                file: file.to_string(),
                name,
                dtype: format!("{:?}", view.dtype()),
            });
        }
        tensors.push(NamedTensor {
            name,
            shape: view.shape().to_vec(),
            values: from_le_bytes(view.data()),
        });
    }
    tensors.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(SafetensorsFile { tensors, metadata })
}

/// Reads a safetensors file and checks it against `spec`, returning parameter matrices for
/// `Sequential::set_params` / [`crate::train::Session::load_params`].
///
/// # Errors
/// Read errors, [`parse_safetensors`]'s and [`params_from_tensors`]'s, all naming the file,
/// e.g. `w.safetensors: tensor "2.weight" has shape [16, 8], the model expects [16, 16]`.
pub fn load_safetensors(path: &Path, spec: &ModelSpec) -> Result<Vec<DMatrix<f32>>, WeightsError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| WeightsError::Read {
        file: file.clone(),
        source,
    })?;
    let parsed = parse_safetensors(&file, &bytes)?;
    params_from_tensors(spec, &parsed.tensors, &file)
}

/// Weights embedded in an experiment file: the same names and shapes as the safetensors
/// export, each tensor's little-endian F32 bytes in standard base64 (exact: no decimal
/// rounding, and about a third of the size of decimal text).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedWeights {
    /// Model text the weights belong to (checked on load), e.g. `"dense16,tanh,dense2"`.
    pub model: String,
    /// Steps taken when the weights were saved.
    #[serde(default)]
    pub step: u64,
    /// Completed epochs when the weights were saved.
    #[serde(default)]
    pub epoch: u64,
    /// The tensors in gradscope's parameter order.
    pub tensors: Vec<SavedTensor>,
}

/// One embedded tensor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedTensor {
    /// PyTorch name, e.g. `"0.weight"`.
    pub name: String,
    /// PyTorch shape, e.g. `[16, 2]`.
    pub shape: Vec<usize>,
    /// Base64 of the little-endian F32 values, row-major.
    pub f32_base64: String,
}

impl SavedWeights {
    /// The current weights of `model`, taken after `step` steps and `epoch` epochs.
    pub fn from_model(model: &Sequential<f32>, step: u64, epoch: u64) -> Self {
        Self::from_tensors(model.spec(), model_tensors(model), step, epoch)
    }

    /// Weights captured from the worker ([`crate::train::Captured`]: `spec`, `params` in
    /// `Sequential::copy_params_into` order).
    pub fn from_params(spec: &ModelSpec, params: &[DMatrix<f32>], step: u64, epoch: u64) -> Self {
        Self::from_tensors(spec, tensors_from_params(spec, params), step, epoch)
    }

    fn from_tensors(spec: &ModelSpec, tensors: Vec<NamedTensor>, step: u64, epoch: u64) -> Self {
        let engine = base64::engine::general_purpose::STANDARD;
        Self {
            model: spec.to_text(),
            step,
            epoch,
            tensors: tensors
                .into_iter()
                .map(|t| SavedTensor {
                    name: t.name,
                    shape: t.shape,
                    f32_base64: engine.encode(to_le_bytes(&t.values)),
                })
                .collect(),
        }
    }

    /// Decodes the tensors; `file` names the source in errors.
    ///
    /// # Errors
    /// [`WeightsError::Data`] for text that is not base64, a byte count that is not 4 × the
    /// shape's element count, or a shape whose element count overflows.
    pub fn tensors(&self, file: &str) -> Result<Vec<NamedTensor>, WeightsError> {
        let engine = base64::engine::general_purpose::STANDARD;
        self.tensors
            .iter()
            .map(|t| {
                let fail = |reason: String| WeightsError::Data {
                    file: file.to_string(),
                    name: t.name.clone(),
                    reason,
                };
                let count = t
                    .shape
                    .iter()
                    .try_fold(1usize, |n, &d| n.checked_mul(d))
                    .and_then(|n| n.checked_mul(4))
                    .ok_or_else(|| fail(format!("shape {:?} is too large", t.shape)))?;
                // Base64 holds 3 bytes per 4 characters: refuse before decoding anything big.
                if t.f32_base64.len() / 4 * 3 > count + 3 {
                    return Err(fail(format!("more data than shape {:?} holds", t.shape)));
                }
                let bytes = engine
                    .decode(t.f32_base64.as_bytes())
                    .map_err(|e| fail(format!("f32_base64 is not valid base64 ({e})")))?;
                if bytes.len() != count {
                    return Err(fail(format!(
                        "{} bytes of data, shape {:?} needs {count}",
                        bytes.len(),
                        t.shape
                    )));
                }
                Ok(NamedTensor {
                    name: t.name.clone(),
                    shape: t.shape.clone(),
                    values: from_le_bytes(&bytes),
                })
            })
            .collect()
    }

    /// Decodes and checks the tensors against `spec`, returning parameter matrices.
    ///
    /// # Errors
    /// A model text different from `spec`'s, and [`SavedWeights::tensors`]' and
    /// [`params_from_tensors`]' errors.
    pub fn params(&self, spec: &ModelSpec, file: &str) -> Result<Vec<DMatrix<f32>>, WeightsError> {
        if self.model != spec.to_text() {
            return Err(WeightsError::OtherModel {
                file: file.to_string(),
                saved: self.model.clone(),
                model: spec.to_text(),
            });
        }
        params_from_tensors(spec, &self.tensors(file)?, file)
    }
}

/// The shape of one input sample as the model takes it, as in the safetensors metadata's
/// `gradscope_input`: `F` for `F` features (e.g. `"4"`), `C,H,W` for images (e.g.
/// `"1,28,28"`). The batch dimension comes first: see [`input_shape_text`].
pub fn input_text(input: Shape) -> String {
    if input.is_flat() {
        input.channels.to_string()
    } else {
        format!("{},{},{}", input.channels, input.height, input.width)
    }
}
