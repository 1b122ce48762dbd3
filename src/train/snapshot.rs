//! Plain data the panels draw, built by the worker from a [`Session`].
//!
//! A snapshot owns copies of everything it shows, so the UI never touches the model.

use nalgebra::DMatrix;

use crate::data::Task;
use crate::train::session::Session;

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
}

impl Default for ViewRequest {
    fn default() -> Self {
        Self {
            weights: true,
            boundary: true,
            boundary_axes: (0, 1),
            boundary_resolution: 64,
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
    if request.boundary {
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
