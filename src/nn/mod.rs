#![warn(missing_docs)]

//! The neural-network engine: layers, losses, optimizers, models and
//! gradient checks, generic over the float type ([`Scalar`]).
//!
//! Matrices are `nalgebra::DMatrix`; a batch is a matrix with one example
//! per row, shape `(batch, features)`. Images (for [`Conv2d`] and
//! [`MaxPool2d`]) are rows too, each sample flattened channel-major as
//! described by [`Shape`].

pub mod activation;
pub mod conv;
mod conv_kernels;
pub mod dense;
pub mod gradcheck;
pub mod init;
pub mod layer;
pub mod loss;
pub mod model;
pub mod optim;
pub mod parallel;
pub mod pool;
pub mod scalar;
pub mod shape;
pub mod simd;
pub mod spec;
pub mod trace;

pub use activation::{Activation, ActivationKind, LEAKY_RELU_SLOPE};
pub use conv::{Conv2d, Conv2dConfig, conv_output_size};
pub use dense::Dense;
pub use gradcheck::{
    GradCheck, check_layer, check_loss, check_model, check_model_sampled, relative_error,
};
pub use init::{Init, init_matrix, standard_normal};
pub use layer::{Layer, Mode};
pub use loss::{LossKind, Target, compute_loss, mse, softmax, softmax_cross_entropy};
pub use model::{LayerSpec, MAX_LAYER_VALUES, MAX_PARAMETERS, ModelSpec, Sequential, SpecError};
pub use optim::{
    Optimizer, OptimizerConfig, OptimizerExport, OptimizerKind, OptimizerState,
    TensorOptimizerState, divergence_message,
};
pub use parallel::{SHARD_ROWS, THREADS_ENV, available_threads, shard_rows};
pub use pool::{Flatten, MaxPool2d, MaxPool2dConfig};
pub use scalar::{Scalar, cast};
pub use shape::Shape;
pub use trace::{BackpropTrace, LayerTrace, TraceError, is_traceable, sgd_step, trace_step};
