//! Plain data the panels draw, built by the worker from a [`Session`].
//!
//! A snapshot owns copies of everything it shows, so the UI never touches the model.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use nalgebra::DMatrix;

use crate::data::{Labels, Task};
use crate::nn::{ActivationKind, BackpropTrace, LayerSpec, OptimizerKind, Shape, softmax};
use crate::train::session::{Evaluation, Session};

/// Which heavy views the UI wants, and how to build them.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewRequest {
    /// Build the per-layer weight views.
    pub weights: bool,
    /// Build the decision-boundary grid (or the regression curve).
    pub boundary: bool,
    /// Feature indices on the boundary's horizontal and vertical axes. Other features are held
    /// at their training mean.
    pub boundary_axes: (usize, usize),
    /// Cells per side of the boundary grid.
    pub boundary_resolution: usize,
    /// Build feature maps, kernels and the prediction of one sample (image data only).
    pub feature_maps: bool,
    /// Index of that sample in the test split (the training split when there is no test split).
    pub sample: usize,
    /// Trace one backprop step of this training sample for the stepper and the network view
    /// (Dense/activation models only); `None` = build nothing.
    pub trace_sample: Option<usize>,
    /// How many consecutive training samples the trace covers from `trace_sample` on
    /// (1 = one sample, a small batch otherwise; the stepper offers 1–8).
    pub trace_batch: usize,
    /// Record per-layer gradient norms every step and activation statistics at every
    /// evaluation for the training doctor (one pass over the gradients per step, one small
    /// forward per evaluation).
    pub health: bool,
    /// A drawn image (channels × height × width values in [0, 1], channel-major) whose feature
    /// maps and prediction replace those of `sample` while it is set (the "draw your own
    /// digit" canvas). Ignored unless its length matches the data's image shape.
    pub drawn: Option<Arc<Vec<f32>>>,
    /// Build [`NeuronMaps`]: every hidden unit's output over the plane of the two boundary
    /// features (2-D feature data only).
    pub neuron_maps: bool,
}

impl Default for ViewRequest {
    fn default() -> Self {
        Self {
            weights: true,
            boundary: true,
            boundary_axes: (0, 1),
            boundary_resolution: 64,
            feature_maps: true,
            sample: 0,
            trace_sample: None,
            trace_batch: 1,
            health: true,
            drawn: None,
            neuron_maps: false,
        }
    }
}

/// One Dense layer's parameters, copied out of the model.
#[derive(Clone, Debug, PartialEq)]
pub struct DenseView {
    /// Display name, e.g. "Dense 2→8".
    pub name: String,
    /// Input features (rows of W).
    pub inputs: usize,
    /// Output neurons (columns of W).
    pub outputs: usize,
    /// W, row-major: `weights[i * outputs + j]` connects input i to neuron j.
    pub weights: Vec<f32>,
    /// b, one per output neuron.
    pub biases: Vec<f32>,
    /// dL/dW of the last step, same layout as `weights`.
    pub weight_grads: Vec<f32>,
}

/// The model's prediction over a 2-D grid of two chosen features.
#[derive(Clone, Debug, PartialEq)]
pub struct BoundaryGrid {
    /// Feature on the horizontal axis.
    pub x_feature: usize,
    /// Feature on the vertical axis.
    pub y_feature: usize,
    /// Horizontal extent (stored feature units).
    pub x_range: (f32, f32),
    /// Vertical extent (stored feature units).
    pub y_range: (f32, f32),
    /// Cells per side.
    pub resolution: usize,
    /// Values per cell: class probabilities (`outputs` = classes) or the regression output
    /// (`outputs` = 1). Cell (col, row) with row 0 at the bottom starts at
    /// `(row * resolution + col) * outputs`.
    pub values: Vec<f32>,
    /// Values per cell.
    pub outputs: usize,
    /// The value every other feature is held at (stored units), one per feature.
    pub held_at: Vec<f32>,
}

/// A fitted curve for 1-D regression: (x, ŷ) in stored units, x increasing.
#[derive(Clone, Debug, PartialEq)]
pub struct FittedCurve {
    /// Points along the curve.
    pub points: Vec<[f32; 2]>,
}

/// What made a [`MapLayer`] out of the map before it (the input image for the first one), so
/// a panel can redo one pixel's arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapOp {
    /// The input image itself.
    Input,
    /// A Conv2d layer: the map holds its pre-activation output z = Σ w·x + b. Its input is the
    /// previous map, after that map's activation if it is a Conv2d's.
    Conv {
        /// Index of the layer's filters in [`Snapshot::kernels`].
        kernels: usize,
        /// The activation applied right after this layer (`None`: none).
        activation: Option<ActivationKind>,
        /// Stride in pixels.
        stride: usize,
        /// Zero padding on each side, in pixels.
        padding: usize,
    },
    /// A MaxPool2d layer over the previous map (after that map's activation).
    Pool {
        /// Side of the pooling window in pixels.
        size: usize,
        /// Stride in pixels.
        stride: usize,
    },
}

/// One layer's output for one sample, channel by channel.
#[derive(Clone, Debug, PartialEq)]
pub struct MapLayer {
    /// Display name, e.g. "Conv2d 1 · 8×26×26".
    pub name: String,
    /// Channels × height × width.
    pub shape: Shape,
    /// Values, channel-major: `values[(c * height + y) * width + x]`.
    pub values: Vec<f32>,
    /// The operation that produced this map.
    pub op: MapOp,
}

/// What a CNN does with one chosen sample.
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureMaps {
    /// Index of the sample in its split.
    pub sample: usize,
    /// True when the sample comes from the test split.
    pub from_test: bool,
    /// True class (`None` for a drawn image).
    pub label: Option<usize>,
    /// True when the maps are those of [`ViewRequest::drawn`], not of a sample.
    pub drawn: bool,
    /// The input image.
    pub input: MapLayer,
    /// Output of every Conv2d and MaxPool2d layer, in order.
    pub layers: Vec<MapLayer>,
    /// Softmax probabilities per class.
    pub probabilities: Vec<f32>,
}

/// The filters of one Conv2d layer.
#[derive(Clone, Debug, PartialEq)]
pub struct KernelView {
    /// Display name, e.g. "Conv2d 1 · 8 filters 3×3".
    pub name: String,
    /// Input channels.
    pub in_channels: usize,
    /// Output channels (filters).
    pub out_channels: usize,
    /// Kernel side.
    pub kernel: usize,
    /// Weights: `weights[((o * in_channels + c) * kernel + y) * kernel + x]`.
    pub weights: Vec<f32>,
    /// One bias per filter.
    pub biases: Vec<f32>,
}

/// Every hidden unit's output over the plane of the two boundary features (TensorFlow
/// Playground's small heatmaps), on the same square of the plane as the boundary grid.
#[derive(Clone, Debug, PartialEq)]
pub struct NeuronMaps {
    /// Horizontal extent (stored feature units).
    pub x_range: (f32, f32),
    /// Vertical extent (stored feature units).
    pub y_range: (f32, f32),
    /// Cells per side.
    pub resolution: usize,
    /// Per Dense layer except the output one, input side first, per unit: the unit's
    /// activation at each cell, `resolution²` values with row 0 at the bottom
    /// (`values[row * resolution + col]`).
    pub layers: Vec<Vec<Vec<f32>>>,
}

/// Everything a heavy panel needs, at one step.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    /// Steps taken when this was built.
    pub step: u64,
    /// Completed epochs when this was built.
    pub epoch: u64,
    /// Dense layers, input side first (empty unless requested).
    pub dense: Vec<DenseView>,
    /// Boundary grid for data with ≥ 2 features (classification or regression).
    pub boundary: Option<BoundaryGrid>,
    /// Fitted curve for 1-feature regression.
    pub curve: Option<FittedCurve>,
    /// Feature maps of the chosen sample (image data).
    pub feature_maps: Option<FeatureMaps>,
    /// Filters of every Conv2d layer (image data).
    pub kernels: Vec<KernelView>,
    /// The latest evaluation (metrics, confusion matrix, misclassified samples).
    pub evaluation: Option<Arc<Evaluation>>,
    /// One backprop step of the requested sample (see [`ViewRequest::trace_sample`]).
    pub trace: Option<Arc<TraceView>>,
    /// Each hidden unit's output over the input plane (see [`ViewRequest::neuron_maps`]).
    pub neurons: Option<NeuronMaps>,
}

/// One traced backprop step and what the stepper needs to show its update.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceView {
    /// Index of the (first) traced sample in the training split; the trace's rows are the
    /// samples `sample ..` in order.
    pub sample: usize,
    /// The trace, or why the model cannot be traced (e.g. a CNN).
    pub trace: Result<BackpropTrace, String>,
    /// Learning rate η in force.
    pub learning_rate: f64,
    /// L2 coefficient λ in force.
    pub l2: f64,
    /// The optimizer; the shown update `−η (∂E/∂w + λw)` is exact for SGD only.
    pub optimizer: OptimizerKind,
}

/// Grows a range by `fraction` of its width on each side (a zero width becomes ±0.5).
fn padded(range: (f32, f32), fraction: f32) -> (f32, f32) {
    // In f64 and clamped to f32's finite range: features near f32::MAX (3.4e38) padded in f32
    // reached infinity, and the whole picture went blank.
    let (low, high) = (f64::from(range.0), f64::from(range.1));
    let width = high - low;
    let (low, high) = if width.is_finite() && width > 0.0 {
        let pad = width * f64::from(fraction);
        (low - pad, high + pad)
    } else {
        let half = 0.5f64.max(low.abs() * 0.05);
        (low - half, high + half)
    };
    let max = f64::from(f32::MAX);
    (low.clamp(-max, max) as f32, high.clamp(-max, max) as f32)
}

/// Builds a snapshot of `session` with the views `request` asks for.
pub fn build_snapshot(session: &mut Session, request: &ViewRequest) -> Snapshot {
    let mut snapshot = Snapshot {
        step: session.step_count(),
        epoch: session.epoch(),
        ..Snapshot::default()
    };
    if request.weights {
        snapshot.dense = session
            .model()
            .dense_layers()
            .into_iter()
            .map(|(_, dense)| DenseView {
                name: format!("Dense {}→{}", dense.inputs(), dense.outputs()),
                inputs: dense.inputs(),
                outputs: dense.outputs(),
                weights: row_major(&dense.weight),
                biases: dense.bias.iter().copied().collect(),
                weight_grads: row_major(&dense.weight_grad),
            })
            .collect();
    }
    let is_image = session.data().image_shape.is_some();
    if let Some(sample) = request.trace_sample {
        let config = session.config();
        snapshot.trace = Some(Arc::new(TraceView {
            sample,
            learning_rate: config.optimizer.learning_rate,
            l2: config.l2,
            optimizer: config.optimizer.kind,
            trace: session.trace_batch(sample, request.trace_batch),
        }));
    }
    if request.feature_maps && is_image {
        snapshot.feature_maps = feature_maps(session, request.sample, request.drawn.as_deref());
        snapshot.kernels = kernels(session);
    }
    if request.boundary && !is_image {
        let data = session.data().clone();
        let features = data.n_features();
        if features == 1 && matches!(data.task, Task::Regression) {
            snapshot.curve = Some(fitted_curve(session, padded(data.feature_range(0), 0.05)));
        } else if features >= 1 {
            snapshot.boundary = Some(boundary_grid(session, request));
        }
        if request.neuron_maps && features >= 2 {
            snapshot.neurons = Some(neuron_maps(session, request));
        }
    }
    snapshot
}

/// The feature maps of test sample `sample` (a training sample without a test split), or of
/// `drawn` when it is set and has the image's size.
fn feature_maps(
    session: &mut Session,
    sample: usize,
    drawn: Option<&Vec<f32>>,
) -> Option<FeatureMaps> {
    let data = session.data().clone();
    let [channels, height, width] = data.image_shape?;
    let from_test = !data.test.is_empty();
    let split = if from_test { &data.test } else { &data.train };
    let drawn = drawn.filter(|pixels| pixels.len() == channels * height * width);
    let (index, x, label): (usize, DMatrix<f32>, Option<usize>) = match drawn {
        Some(pixels) => (0, DMatrix::from_row_slice(1, pixels.len(), pixels), None),
        None => {
            if split.is_empty() {
                return None;
            }
            let index = sample.min(split.len() - 1);
            let label = match &split.labels {
                Labels::Classes(labels) => labels.get(index).copied(),
                Labels::Values(_) => None,
            };
            (index, split.gather(&[index]), label)
        }
    };
    let outputs = session.predict_all(&x);
    let logits = outputs.last()?;
    let probabilities = softmax(logits).row(0).iter().copied().collect();
    Some(FeatureMaps {
        sample: index,
        from_test,
        label,
        drawn: drawn.is_some(),
        input: MapLayer {
            name: format!("input · {channels}×{height}×{width}"),
            shape: Shape::image(channels, height, width),
            values: x.row(0).iter().copied().collect(),
            op: MapOp::Input,
        },
        layers: map_layers(session, &outputs),
        probabilities,
    })
}

/// The output of every Conv2d and MaxPool2d layer of one forward pass, with its operation.
fn map_layers(session: &Session, outputs: &[DMatrix<f32>]) -> Vec<MapLayer> {
    let shapes = session.model().shapes();
    let specs = &session.model().spec().layers;
    let mut layers = Vec::new();
    let (mut conv, mut pool) = (0, 0);
    for (i, spec) in specs.iter().enumerate() {
        let (title, op) = match *spec {
            LayerSpec::Conv2d {
                stride, padding, ..
            } => {
                conv += 1;
                let activation = match specs.get(i + 1) {
                    Some(&LayerSpec::Activation(kind)) => Some(kind),
                    _ => None,
                };
                let op = MapOp::Conv {
                    kernels: conv - 1,
                    activation,
                    stride,
                    padding,
                };
                (format!("Conv2d {conv}"), op)
            }
            LayerSpec::MaxPool2d { size, stride } => {
                pool += 1;
                (format!("MaxPool2d {pool}"), MapOp::Pool { size, stride })
            }
            _ => continue,
        };
        let shape = shapes[i];
        layers.push(MapLayer {
            name: format!(
                "{title} · {}×{}×{}",
                shape.channels, shape.height, shape.width
            ),
            shape,
            values: outputs[i].row(0).iter().copied().collect(),
            op,
        });
    }
    layers
}

fn kernels(session: &Session) -> Vec<KernelView> {
    session
        .model()
        .conv_layers()
        .into_iter()
        .enumerate()
        .map(|(n, (_, conv))| {
            let c = conv.config;
            let mut weights =
                Vec::with_capacity(c.out_channels * c.in_channels * c.kernel * c.kernel);
            for o in 0..c.out_channels {
                for i in 0..c.in_channels {
                    weights.extend(conv.kernel(o, i));
                }
            }
            KernelView {
                name: format!(
                    "Conv2d {} · {} filters {}×{}",
                    n + 1,
                    c.out_channels,
                    c.kernel,
                    c.kernel
                ),
                in_channels: c.in_channels,
                out_channels: c.out_channels,
                kernel: c.kernel,
                weights,
                biases: conv.bias.iter().copied().collect(),
            }
        })
        .collect()
}

fn row_major(m: &DMatrix<f32>) -> Vec<f32> {
    m.transpose().as_slice().to_vec()
}

fn fitted_curve(session: &mut Session, range: (f32, f32)) -> FittedCurve {
    const POINTS: usize = 200;
    let xs: Vec<f32> = (0..POINTS)
        .map(|i| range.0 + (range.1 - range.0) * i as f32 / (POINTS - 1) as f32)
        .collect();
    let x = DMatrix::from_column_slice(POINTS, 1, &xs);
    let y = session.predict(&x);
    FittedCurve {
        points: xs
            .iter()
            .enumerate()
            .map(|(i, &x)| [x, y[(i, 0)]])
            .collect(),
    }
}

/// Cells per side of the hidden units' small heatmaps.
pub const NEURON_MAP_RESOLUTION: usize = 32;

/// Every hidden unit's activation over the boundary's plane (the other features held at
/// their training mean).
fn neuron_maps(session: &mut Session, request: &ViewRequest) -> NeuronMaps {
    let plane = Plane::of(session.data(), request.boundary_axes, NEURON_MAP_RESOLUTION);
    let outputs = session.predict_all(&plane.inputs());
    let specs = &session.model().spec().layers;
    let dense: Vec<usize> = (0..specs.len())
        .filter(|&i| matches!(specs[i], LayerSpec::Dense { .. }))
        .collect();
    let hidden = dense.len().saturating_sub(1);
    let layers = dense[..hidden]
        .iter()
        .map(|&i| {
            // The unit's output: after its activation when one follows the Dense layer.
            let out = match specs.get(i + 1) {
                Some(LayerSpec::Activation(_)) => &outputs[i + 1],
                _ => &outputs[i],
            };
            (0..out.ncols())
                .map(|unit| out.column(unit).iter().copied().collect())
                .collect()
        })
        .collect();
    NeuronMaps {
        x_range: plane.x_range,
        y_range: plane.y_range,
        resolution: plane.resolution,
        layers,
    }
}

/// A square grid over two features of a data set, the others held at their training mean.
struct Plane {
    x_feature: usize,
    y_feature: usize,
    x_range: (f32, f32),
    y_range: (f32, f32),
    resolution: usize,
    held_at: Vec<f32>,
}

impl Plane {
    fn of(data: &crate::data::Dataset, axes: (usize, usize), resolution: usize) -> Self {
        let features = data.n_features();
        let x_feature = axes.0.min(features - 1);
        let y_feature = axes.1.min(features - 1);
        Self {
            x_feature,
            y_feature,
            x_range: padded(data.feature_range(x_feature), 0.08),
            y_range: padded(data.feature_range(y_feature), 0.08),
            resolution: resolution.clamp(2, 512),
            held_at: (0..features).map(|j| data.feature_mean(j)).collect(),
        }
    }

    /// One input row per cell, cell (col, row) at `row * resolution + col`, row 0 at the
    /// bottom; each at the centre of its cell.
    fn inputs(&self) -> DMatrix<f32> {
        let n = self.resolution;
        let mut x = DMatrix::<f32>::zeros(n * n, self.held_at.len());
        // In f64: the width of a range near f32::MAX overflows f32.
        let at = |(low, high): (f32, f32), i: usize| {
            let (low, high) = (f64::from(low), f64::from(high));
            (low + (high - low) * (i as f64 + 0.5) / n as f64) as f32
        };
        for row in 0..n {
            let fy = at(self.y_range, row);
            for col in 0..n {
                let fx = at(self.x_range, col);
                let cell = row * n + col;
                for (j, &mean) in self.held_at.iter().enumerate() {
                    x[(cell, j)] = mean;
                }
                x[(cell, self.x_feature)] = fx;
                x[(cell, self.y_feature)] = fy;
            }
        }
        x
    }
}

fn boundary_grid(session: &mut Session, request: &ViewRequest) -> BoundaryGrid {
    let plane = Plane::of(
        session.data(),
        request.boundary_axes,
        request.boundary_resolution,
    );
    let out = session.predict_probabilities(&plane.inputs());
    let outputs = out.ncols();
    let values = row_major(&out);
    BoundaryGrid {
        x_feature: plane.x_feature,
        y_feature: plane.y_feature,
        x_range: plane.x_range,
        y_range: plane.y_range,
        resolution: plane.resolution,
        values,
        outputs,
        held_at: plane.held_at,
    }
}

/// The newest snapshot, replaced wholesale by the worker.
#[derive(Default)]
pub struct SnapshotSlot {
    latest: Mutex<Option<Arc<Snapshot>>>,
    generation: AtomicU64,
}

impl SnapshotSlot {
    pub(crate) fn publish(&self, snapshot: Snapshot) {
        let mut guard = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        *guard = Some(Arc::new(snapshot));
        self.generation.fetch_add(1, Ordering::Release);
    }

    /// Increases by one with every new snapshot; lets the UI rebuild textures only on change.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The newest snapshot, if any.
    pub fn latest(&self) -> Option<Arc<Snapshot>> {
        self.latest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn clear(&self) {
        *self.latest.lock().unwrap_or_else(|e| e.into_inner()) = None;
        self.generation.fetch_add(1, Ordering::Release);
    }
}

#[cfg(test)]
mod range_tests {
    use super::{Plane, padded};

    #[test]
    fn ranges_near_the_largest_f32_stay_finite() {
        let close = |(a, b): (f32, f32), (c, d): (f32, f32)| {
            (a / c - 1.0).abs() < 1e-6 && (b / d - 1.0).abs() < 1e-6
        };
        assert_eq!(padded((0.0, 8.0), 0.25), (-2.0, 10.0));
        assert_eq!(padded((2.0, 2.0), 0.08), (1.5, 2.5));
        assert!(close(padded((1e38, 1e38), 0.08), (0.95e38, 1.05e38)));
        let top = padded((1e38, 3.3e38), 0.08);
        assert!(close(top, (0.816e38, f32::MAX)), "{top:?}");
        assert_eq!(top.1, f32::MAX);
        assert_eq!(padded((-3e38, 3e38), 0.08), (f32::MIN, f32::MAX));
        let plane = Plane {
            x_feature: 0,
            y_feature: 1,
            x_range: padded((-3e38, 3e38), 0.08),
            y_range: padded((1e38, 3.3e38), 0.08),
            resolution: 4,
            held_at: vec![0.0, 0.0, 7.0],
        };
        let inputs = plane.inputs();
        assert!(inputs.iter().all(|v| v.is_finite()), "{inputs}");
        // Cell centres: x from −MAX + MAX/4 to MAX − MAX/4, in order.
        assert_eq!(inputs[(0, 0)], f32::MIN * 0.75);
        assert_eq!(inputs[(3, 0)], f32::MAX * 0.75);
        assert_eq!(inputs[(0, 2)], 7.0);
    }
}
