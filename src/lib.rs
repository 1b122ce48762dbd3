//! gradscope: a native desktop lab for watching neural networks learn.
//!
//! The rooms, with arrows pointing one way (`ui → experiment, train → nn, data`; `lesson` uses
//! `nn`):
//! - [`nn`]: the math (Dense, Conv2d, MaxPool2d, activations, losses, optimizers, gradient
//!   check, backprop trace), generic over the float type; no UI, no threads, no files.
//! - [`data`]: data sets in memory and their loaders (generated sets, Iris, CSV/TSV, IDX,
//!   image folders).
//! - [`train`]: the session, the background worker thread that owns one, the training doctor
//!   and the default model for a data set.
//! - [`lesson`]: the gradient-descent lesson (linear regression, its loss landscape, the
//!   critical learning rate) and the optimizer race on 2-D test surfaces; pure logic that uses
//!   [`nn`]'s update rules and never the UI.
//! - [`experiment`]: keeping runs: experiment files, safetensors weights, metrics CSV, GIFs, all
//!   written atomically.
//! - [`ui`]: the eframe app and its panels.
//! - [`cli`]: the command line shared by the binary and the tests.
//! - [`memory`]: the Hopfield network room (learning rules, recall dynamics, energy, capacity):
//!   pure logic like [`lesson`], using [`data`] for the bundled MNIST digits.

pub mod cli;
pub mod data;
pub mod experiment;
pub mod lesson;
pub mod memory;
pub mod nn;
pub mod train;
pub mod ui;
