//! gradscope: a native desktop lab for watching neural networks learn.
//!
//! Four rooms, with arrows pointing one way (`ui → train → nn, data`):
//! - [`nn`]: the math (Dense, activations, losses, optimizers, gradient check), generic over the
//!   float type; no UI, no threads, no files.
//! - [`data`]: data sets in memory and their loaders.
//! - [`train`]: the session and the background worker thread that owns it.
//! - [`lesson`]: the gradient-descent lesson (linear regression, its loss landscape, the
//!   critical learning rate) and the optimizer race on 2-D test surfaces; pure logic that uses
//!   [`nn`]'s update rules and never the UI.
//! - [`ui`]: the eframe app and its panels.
//!
//! [`experiment`] keeps runs: experiment files, safetensors weights, metrics CSV, GIFs, all
//! written atomically (it uses `train`, `nn` and `data`; the window and the command line use it).
//!
//! [`cli`] holds the command line shared by the binary and the tests.
//!
//! [`memory`] is the Hopfield network room (learning rules, recall dynamics, energy, capacity):
//! pure logic like [`lesson`], using [`data`] for the bundled MNIST digits.

pub mod cli;
pub mod data;
pub mod experiment;
pub mod lesson;
pub mod memory;
pub mod nn;
pub mod train;
pub mod ui;
