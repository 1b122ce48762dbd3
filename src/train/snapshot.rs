//! Plain data the panels draw, built by the worker from a [`Session`].
//!
//! A snapshot owns copies of everything it shows, so the UI never touches the model.

use std::sync::Arc;

use nalgebra::DMatrix;

use crate::data::{Labels, Task};
use crate::nn::{BackpropTrace, LayerSpec, OptimizerKind, Shape, softmax};
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

/// One layer's output for one sample, channel by channel.
#[derive(Clone, Debug, PartialEq)]
pub struct MapLayer {
    /// Display name, e.g. "Conv2d 1 · 8×26×26".
    pub name: String,
    /// Channels × height × width.
    pub shape: Shape,
    /// Values, channel-major: `values[(c * height + y) * width + x]`.
    pub values: Vec<f32>,
}

/// What a CNN does with one chosen sample.
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureMaps {
    /// Index of the sample in its split.
    pub sample: usize,
    /// True when the sample comes from the test split.
    pub from_test: bool,
    /// True class.
    pub label: Option<usize>,
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
    let width = range.1 - range.0;
    if !(width.is_finite() && width > 0.0) {
        return (range.0 - 0.5, range.1 + 0.5);
    }
    (range.0 - width * fraction, range.1 + width * fraction)
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
        snapshot.feature_maps = feature_maps(session, request.sample);
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
    }
    snapshot
}

fn feature_maps(session: &mut Session, sample: usize) -> Option<FeatureMaps> {
    let data = session.data().clone();
    let [channels, height, width] = data.image_shape?;
    let from_test = !data.test.is_empty();
    let split = if from_test { &data.test } else { &data.train };
    if split.is_empty() {
        return None;
    }
    let index = sample.min(split.len() - 1);
    let x: DMatrix<f32> = split.gather(&[index]);
    let outputs = session.predict_all(&x);
    let shapes = session.model().shapes().to_vec();
    let mut layers = Vec::new();
    let (mut conv, mut pool) = (0, 0);
    for (i, spec) in session.model().spec().layers.iter().enumerate() {
        let title = match spec {
            LayerSpec::Conv2d { .. } => {
                conv += 1;
                format!("Conv2d {conv}")
            }
            LayerSpec::MaxPool2d { .. } => {
                pool += 1;
                format!("MaxPool2d {pool}")
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
        });
    }
    let logits = outputs.last()?;
    let probabilities = softmax(logits).row(0).iter().copied().collect();
    let label = match &split.labels {
        Labels::Classes(labels) => labels.get(index).copied(),
        Labels::Values(_) => None,
    };
    Some(FeatureMaps {
        sample: index,
        from_test,
        label,
        input: MapLayer {
            name: format!("input · {channels}×{height}×{width}"),
            shape: Shape::image(channels, height, width),
            values: x.row(0).iter().copied().collect(),
        },
        layers,
        probabilities,
    })
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

fn boundary_grid(session: &mut Session, request: &ViewRequest) -> BoundaryGrid {
    let data = session.data().clone();
    let features = data.n_features();
    let x_feature = request.boundary_axes.0.min(features - 1);
    let y_feature = request.boundary_axes.1.min(features - 1);
    let x_range = padded(data.feature_range(x_feature), 0.08);
    let y_range = padded(data.feature_range(y_feature), 0.08);
    let resolution = request.boundary_resolution.clamp(2, 512);
    let held_at: Vec<f32> = (0..features).map(|j| data.feature_mean(j)).collect();
    let cells = resolution * resolution;
    let mut x = DMatrix::<f32>::zeros(cells, features);
    for row in 0..resolution {
        let fy = y_range.0 + (y_range.1 - y_range.0) * (row as f32 + 0.5) / resolution as f32;
        for col in 0..resolution {
            let fx = x_range.0 + (x_range.1 - x_range.0) * (col as f32 + 0.5) / resolution as f32;
            let cell = row * resolution + col;
            for (j, &mean) in held_at.iter().enumerate() {
                x[(cell, j)] = mean;
            }
            x[(cell, x_feature)] = fx;
            x[(cell, y_feature)] = fy;
        }
    }
    let out = session.predict_probabilities(&x);
    let outputs = out.ncols();
    let values = row_major(&out);
    BoundaryGrid {
        x_feature,
        y_feature,
        x_range,
        y_range,
        resolution,
        values,
        outputs,
        held_at,
    }
}
