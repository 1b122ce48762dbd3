//! One training session: model, optimizer, data, batch order and counters.
//!
//! A [`Session`] is plain single-threaded state; [`crate::train::worker`] runs one on a
//! background thread and the command line runs one on the main thread.

use std::sync::Arc;

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

mod evaluate;
mod state;

pub use evaluate::{Confusion, Evaluation, argmax_row};
pub use state::{BatchPosition, SessionState};

use crate::data::{Dataset, Labels, Split};
use crate::nn::{
    ActivationKind, BackpropTrace, GradCheck, LayerSpec, LossKind, Mode, ModelSpec, Optimizer,
    OptimizerConfig, Sequential, Shape, Target, check_model_sampled, compute_loss,
    divergence_message, trace_step,
};

/// One hidden layer of the multilayer perceptron: a Dense layer of `units` neurons followed by
/// an activation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HiddenLayer {
    /// Neurons in the layer (1 ..= [`MAX_UNITS`]).
    pub units: usize,
    /// Activation applied after the Dense layer.
    pub activation: ActivationKind,
}

/// One convolution block for image data: Conv2d (stride 1, no padding) → activation →
/// optional MaxPool2d (window = stride = `pool`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvBlock {
    /// Output channels (filters) of the Conv2d layer.
    pub filters: usize,
    /// Side of the square kernel in pixels.
    pub kernel: usize,
    /// Activation after the convolution.
    pub activation: ActivationKind,
    /// Side of the max-pooling window (and its stride); 0 or 1 = no pooling.
    pub pool: usize,
}

/// Largest number of neurons the layer editor offers per hidden layer.
pub const MAX_UNITS: usize = 256;
/// Largest number of hidden layers the layer editor offers.
pub const MAX_HIDDEN_LAYERS: usize = 16;

/// Everything that shapes a run apart from the data. Fields missing from serialised text take
/// [`TrainConfig::default`]'s values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainConfig {
    /// Convolution blocks before the dense layers; used only for image data.
    pub conv: Vec<ConvBlock>,
    /// Hidden layers, input side first. The output layer is added from the task: one logit per
    /// class (softmax cross-entropy) or one linear output (MSE).
    pub hidden: Vec<HiddenLayer>,
    /// Optimizer kind and hyper-parameters; the learning rate is in parameter units per unit of
    /// gradient.
    pub optimizer: OptimizerConfig,
    /// Samples per step. Clamped to the training-set size.
    pub batch_size: usize,
    /// Stop condition in epochs (passes over the training split); 0 = run until paused.
    pub epochs: u64,
    /// Seed of the initial weights and of the batch order.
    pub seed: u64,
    /// L2 coefficient λ ≥ 0 (0 = off). Each step adds `λ·W` to the gradient of every Dense and
    /// Conv2d weight matrix (not the biases) before the optimizer step, the gradient of the
    /// penalty `(λ/2)·‖W‖²` (Goodfellow et al., *Deep Learning* 2016, Section 7.1.1). The
    /// reported losses are the data loss only, so train and test curves stay comparable.
    #[serde(default)]
    pub l2: f64,
    /// Early stopping patience in epochs (0 = off). When on, the session evaluates the test
    /// split's loss at the end of every epoch (it plays the validation set), keeps a copy of
    /// the weights with the lowest one, and after `patience` epochs without a new lowest
    /// loss restores those weights and stops (Goodfellow et al. 2016, Section 7.8,
    /// Algorithm 7.1). Because the test split chooses the stopping point, its final loss is
    /// slightly optimistic. Without a test split nothing happens.
    #[serde(default)]
    pub early_stopping_patience: u32,
    /// Factor applied to every initial weight after Xavier/He initialisation (default 1 =
    /// the standard scales). Values above 1 give "large initial weights" whose activations and
    /// gradients grow layer after layer; see [`crate::nn::Sequential::try_from_spec_with_gain`].
    #[serde(default = "unit_gain")]
    pub init_gain: f64,
    /// Activation after the output Dense layer, for regression only (e.g. Sigmoid for 0/1
    /// targets with MSE, as in the classic 2-2-1 backprop example). Ignored for
    /// classification, where softmax is part of the loss. Default `None` (linear output).
    #[serde(default)]
    pub output_activation: Option<ActivationKind>,
}

fn unit_gain() -> f64 {
    1.0
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            conv: Vec::new(),
            hidden: vec![
                HiddenLayer {
                    units: 8,
                    activation: ActivationKind::Tanh,
                },
                HiddenLayer {
                    units: 8,
                    activation: ActivationKind::Tanh,
                },
            ],
            optimizer: OptimizerConfig::default(),
            batch_size: 16,
            epochs: 0,
            seed: 1,
            l2: 0.0,
            early_stopping_patience: 0,
            init_gain: 1.0,
            output_activation: None,
        }
    }
}

impl TrainConfig {
    /// The model for `data` under this configuration: conv blocks (image data only), hidden
    /// Dense layers, then one output per class (or 1 for regression).
    ///
    /// # Errors
    /// A one-line reason when a layer has no units or a kernel/pool does not fit its input.
    pub fn model_spec(&self, data: &Dataset) -> Result<ModelSpec, String> {
        if let Some(i) = self.hidden.iter().position(|layer| layer.units == 0) {
            return Err(format!("hidden layer {} has 0 neurons", i + 1));
        }
        let outputs = data.n_classes().unwrap_or(1);
        let mut layers = Vec::new();
        let input = match data.image_shape {
            Some([channels, height, width]) => {
                for block in &self.conv {
                    layers.push(LayerSpec::Conv2d {
                        filters: block.filters,
                        kernel: block.kernel,
                        stride: 1,
                        padding: 0,
                    });
                    layers.push(LayerSpec::Activation(block.activation));
                    if block.pool > 1 {
                        layers.push(LayerSpec::MaxPool2d {
                            size: block.pool,
                            stride: block.pool,
                        });
                    }
                }
                Shape::image(channels, height, width)
            }
            None => Shape::flat(data.n_features()),
        };
        for layer in &self.hidden {
            layers.push(LayerSpec::Dense { units: layer.units });
            layers.push(LayerSpec::Activation(layer.activation));
        }
        layers.push(LayerSpec::Dense { units: outputs });
        if let (Some(kind), false) = (self.output_activation, data.is_classification()) {
            layers.push(LayerSpec::Activation(kind));
        }
        let spec = ModelSpec { input, layers };
        spec.shapes().map_err(|e| e.to_string())?;
        Ok(spec)
    }
}

/// Loss and accuracy of the model on one split.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SplitMetrics {
    /// Mean loss over the split (softmax cross-entropy in nats, or MSE in squared label units).
    pub loss: f64,
    /// Fraction of samples classified correctly, 0 ..= 1; `None` for regression.
    pub accuracy: Option<f64>,
}

/// What one call of [`Session::step`] did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StepOutcome {
    /// The step ran. `loss` is the minibatch loss before the update.
    Trained {
        /// 1-based number of this step.
        step: u64,
        /// Minibatch loss (finite).
        loss: f64,
        /// True when this step finished an epoch.
        epoch_done: bool,
    },
    /// The loss or the updated weights were not finite. No update was kept: the weights are
    /// those from before this step.
    Diverged {
        /// 1-based number of the step that failed.
        step: u64,
    },
}

/// Model + optimizer + dataset + batch order + counters.
pub struct Session {
    model: Sequential<f32>,
    optimizer: Optimizer<f32>,
    data: Arc<Dataset>,
    config: TrainConfig,
    loss_kind: LossKind,
    order_rng: StdRng,
    /// Seed the batch order was drawn from.
    order_seed: u64,
    order: Vec<usize>,
    /// Shuffles of `order` drawn from `order_rng` so far (1 after construction).
    shuffles: u64,
    cursor: usize,
    step: u64,
    epoch: u64,
    backup: Vec<DMatrix<f32>>,
    /// The optimizer as it was before the current step, restored with `backup` when the
    /// step made the weights non-finite.
    optimizer_backup: Optimizer<f32>,
    batch_indices: Vec<usize>,
    monitor: bool,
    grad_norms: Vec<(usize, f64)>,
    early: EarlyStopState,
}

/// Book-keeping of early stopping.
#[derive(Default)]
struct EarlyStopState {
    best_loss: Option<f64>,
    best_epoch: u64,
    best_params: Vec<DMatrix<f32>>,
    stopped: Option<EarlyStop>,
}

/// Why and where early stopping ended a run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EarlyStop {
    /// Epochs completed when training stopped.
    pub epoch: u64,
    /// Epoch after which the test loss was lowest; the model now holds those weights.
    pub best_epoch: u64,
    /// That lowest test loss.
    pub best_test_loss: f64,
}

/// Seed offset that keeps the batch-order stream apart from the weight-initialisation stream.
const ORDER_SEED_SALT: u64 = 0x9E37_79B9_7F4A_7C15;

/// The largest |target| of `split` when its regression targets are too large for the mean
/// squared error in `f32`: when, against predictions near 0, the mean square of the targets,
/// or the largest target's square shared among a batch of `batch` rows, passes `f32::MAX` ≈
/// 3.4e38. The loss is then infinite whatever the learning rate or the inputs. `None`
/// otherwise (and for classes).
pub fn overflowing_target(split: &Split, batch: usize) -> Option<f32> {
    let Labels::Values(targets) = &split.labels else {
        return None;
    };
    let largest = targets.iter().fold(0.0f32, |m, y| m.max(y.abs()));
    let mean_square =
        targets.iter().map(|&y| f64::from(y).powi(2)).sum::<f64>() / targets.len().max(1) as f64;
    let limit = f64::from(f32::MAX);
    let batch = batch.clamp(1, targets.len().max(1)) as f64;
    (f64::from(largest).powi(2) / batch > limit || mean_square > limit).then_some(largest)
}

/// Rows evaluated at once by [`Session::evaluate`] (their loss is one mean).
pub const EVAL_CHUNK: usize = 256;

impl Session {
    /// A fresh session: weights from `config.seed`, batch order from the same seed.
    ///
    /// # Errors
    /// A one-line reason when the training split is empty or a hidden layer has 0 units.
    pub fn new(data: Arc<Dataset>, config: TrainConfig) -> Result<Self, String> {
        if data.train.is_empty() {
            return Err(format!("{}: the training split is empty", data.name));
        }
        if data.n_classes().is_some_and(|k| k < 2) {
            return Err(format!(
                "{}: the labels hold only one class, so there is nothing to tell apart",
                data.name
            ));
        }
        let spec = config.model_spec(&data)?;
        let model = Sequential::try_from_spec_with_gain(&spec, config.seed, config.init_gain)
            .map_err(|e| e.to_string())?;
        let loss_kind = if data.is_classification() {
            LossKind::SoftmaxCrossEntropy
        } else {
            LossKind::Mse
        };
        let mut session = Self {
            model,
            optimizer: Optimizer::new(config.optimizer),
            order_rng: StdRng::seed_from_u64(config.seed ^ ORDER_SEED_SALT),
            order_seed: config.seed,
            order: (0..data.train.len()).collect(),
            shuffles: 1,
            cursor: 0,
            data,
            config,
            loss_kind,
            step: 0,
            epoch: 0,
            backup: Vec::new(),
            optimizer_backup: Optimizer::new(OptimizerConfig::default()),
            batch_indices: Vec::new(),
            monitor: false,
            grad_norms: Vec::new(),
            early: EarlyStopState::default(),
        };
        session.order.shuffle(&mut session.order_rng);
        Ok(session)
    }

    /// What to tell the user when step `step` diverged ([`StepOutcome::Diverged`]): the
    /// general [`divergence_message`], unless [`overflowing_target`] finds a training target
    /// too large for the squared error: then no learning rate or input scaling helps, and the
    /// message names the largest target and asks to scale the target column.
    pub fn divergence_message(&self, step: u64) -> String {
        match overflowing_target(&self.data.train, self.batch_size()) {
            Some(largest) => format!(
                "diverged at step {step}: the targets are too large for 32-bit floats (the \
                 largest is {largest:.3e}; their squared error passes 3.4e38): divide the \
                 target column by a power of ten"
            ),
            None => divergence_message(step),
        }
    }

    /// The one-click fixes to offer under that message: a lower learning rate, standardised
    /// inputs or Reset ([`super::doctor::non_finite_loss`]); only Reset when the targets are
    /// too large for the loss ([`overflowing_target`]), which neither of the others helps.
    pub fn divergence_remedies(&self, step: u64) -> Vec<super::doctor::Remedy> {
        match overflowing_target(&self.data.train, self.batch_size()) {
            Some(_) => vec![super::doctor::Remedy::Reset],
            None => super::doctor::non_finite_loss(step).remedies,
        }
    }

    /// Steps taken so far.
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// Sets the step and epoch counters, e.g. to those of weights read from an experiment
    /// file, so that a reopened run counts on from where it was saved. The batch order starts
    /// a fresh epoch (the saved position within the epoch is not restored).
    pub fn set_counters(&mut self, step: u64, epoch: u64) {
        self.step = step;
        self.epoch = epoch;
        self.cursor = 0;
    }

    /// Completed epochs (passes over the training split).
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Steps in one epoch: ceil(train samples / batch size).
    pub fn steps_per_epoch(&self) -> u64 {
        let n = self.data.train.len();
        n.div_ceil(self.batch_size()) as u64
    }

    /// The effective batch size (the configured one clamped to 1 ..= train samples).
    pub fn batch_size(&self) -> usize {
        self.config
            .batch_size
            .clamp(1, self.data.train.len().max(1))
    }

    /// The configuration in force.
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }

    /// The dataset being trained on.
    pub fn data(&self) -> &Arc<Dataset> {
        &self.data
    }

    /// The model (read-only).
    pub fn model(&self) -> &Sequential<f32> {
        &self.model
    }

    /// Loss used: softmax cross-entropy for classification, MSE for regression.
    pub fn loss_kind(&self) -> LossKind {
        self.loss_kind
    }

    /// Replaces every parameter tensor (e.g. weights read from a file), in
    /// `Sequential::copy_params_into` order. Counters, optimizer state and batch order are kept.
    ///
    /// # Errors
    /// A one-line reason when the number or shape of the tensors differs from the model's, or
    /// a value is not finite; the model is then unchanged.
    pub fn load_params(&mut self, params: &[DMatrix<f32>]) -> Result<(), String> {
        let mut current = Vec::new();
        self.model.copy_params_into(&mut current);
        if current.len() != params.len() {
            return Err(format!(
                "the model has {} weight tensors, {} were given",
                current.len(),
                params.len()
            ));
        }
        for (i, (have, given)) in current.iter().zip(params).enumerate() {
            if have.shape() != given.shape() {
                return Err(format!(
                    "weight tensor {} is {}×{} in the model, {}×{} was given",
                    i + 1,
                    have.nrows(),
                    have.ncols(),
                    given.nrows(),
                    given.ncols()
                ));
            }
            if !given.iter().all(|v| v.is_finite()) {
                return Err(format!("weight tensor {} holds a non-finite value", i + 1));
            }
        }
        self.model.set_params(params);
        Ok(())
    }

    /// Changes the learning rate from the next step on; optimizer state is kept.
    pub fn set_learning_rate(&mut self, learning_rate: f64) {
        self.config.optimizer.learning_rate = learning_rate;
        self.optimizer.set_learning_rate(learning_rate);
    }

    /// Changes the batch size from the next step on. The current epoch finishes with the new size.
    pub fn set_batch_size(&mut self, batch_size: usize) {
        self.config.batch_size = batch_size.max(1);
    }

    /// Replaces the optimizer from the next step on. A different kind or momentum/β settings start
    /// with fresh moment estimates; a change of learning rate alone keeps them.
    pub fn set_optimizer(&mut self, optimizer: OptimizerConfig) {
        let same_state = OptimizerConfig {
            learning_rate: self.config.optimizer.learning_rate,
            ..optimizer
        } == self.config.optimizer;
        if same_state {
            self.set_learning_rate(optimizer.learning_rate);
        } else {
            self.config.optimizer = optimizer;
            self.optimizer = Optimizer::new(optimizer);
        }
    }

    /// Changes the stop condition (epochs; 0 = none).
    pub fn set_epochs(&mut self, epochs: u64) {
        self.config.epochs = epochs;
    }

    /// True when a stop condition is set and has been reached (the epoch limit, or early
    /// stopping).
    pub fn finished(&self) -> bool {
        (self.config.epochs > 0 && self.epoch >= self.config.epochs) || self.early.stopped.is_some()
    }

    /// Changes the L2 coefficient λ from the next step on (negative or non-finite → 0).
    pub fn set_l2(&mut self, l2: f64) {
        self.config.l2 = if l2.is_finite() { l2.max(0.0) } else { 0.0 };
    }

    /// Changes the early-stopping patience in epochs (0 = off). Switching it on starts
    /// tracking the best test loss from the next epoch end; switching it off forgets it.
    pub fn set_early_stopping(&mut self, patience: u32) {
        self.config.early_stopping_patience = patience;
        if patience == 0 {
            self.early = EarlyStopState::default();
        }
    }

    /// Set once early stopping has ended the run (the model then holds the best weights).
    pub fn early_stop(&self) -> Option<EarlyStop> {
        self.early.stopped
    }

    /// Turns on (or off) recording the weight-gradient norm of every layer at each step
    /// (see [`Session::grad_norms`]); it costs one pass over the gradients per step.
    pub fn set_monitor(&mut self, on: bool) {
        self.monitor = on;
        if !on {
            self.grad_norms.clear();
        }
    }

    /// `(layer index, ‖∂E/∂W‖)` of every layer with weights at the last step, input side
    /// first, for the data loss (before the L2 term); empty unless [`Session::set_monitor`]
    /// is on.
    pub fn grad_norms(&self) -> &[(usize, f64)] {
        &self.grad_norms
    }

    /// At an epoch end with early stopping on: evaluate the test loss, remember the best
    /// weights, and stop (restoring them) after `patience` epochs without improvement.
    fn early_stopping_check(&mut self) {
        let patience = self.config.early_stopping_patience;
        if patience == 0 || self.early.stopped.is_some() {
            return;
        }
        let data = Arc::clone(&self.data);
        let Some(metrics) = self.evaluate(&data.test) else {
            return;
        };
        let improved = self.early.best_loss.is_none_or(|best| metrics.loss < best);
        if improved {
            self.early.best_loss = Some(metrics.loss);
            self.early.best_epoch = self.epoch;
            self.model.copy_params_into(&mut self.early.best_params);
        } else if self.epoch >= self.early.best_epoch + u64::from(patience) {
            self.model.set_params(&self.early.best_params);
            self.early.stopped = Some(EarlyStop {
                epoch: self.epoch,
                best_epoch: self.early.best_epoch,
                best_test_loss: self.early.best_loss.unwrap_or(metrics.loss),
            });
        }
    }

    fn target(&self, split: &Split, indices: &[usize]) -> Target<f32> {
        match split.labels {
            Labels::Classes(_) => Target::Classes(split.classes(indices)),
            Labels::Values(_) => Target::Values(split.values(indices)),
        }
    }

    /// One minibatch update: forward, loss, backward, optimizer step.
    ///
    /// Batches are drawn without replacement from a shuffled order; a new order is drawn at each
    /// epoch boundary. A non-finite loss or update leaves the weights and the optimizer's state
    /// as they were.
    pub fn step(&mut self) -> StepOutcome {
        let n = self.data.train.len();
        let batch = self.batch_size();
        let end = (self.cursor + batch).min(n);
        self.batch_indices.clear();
        self.batch_indices
            .extend_from_slice(&self.order[self.cursor..end]);
        self.train_on_batch(Some(end))
    }

    /// One training step on the training rows `rows` (indices in the training split; those
    /// past its end are left out), outside the epoch's schedule: the batch position, the
    /// epoch and the shuffle stay as they are, and the step counts as one step. This is the
    /// step whose update the backprop stepper shows for the samples it follows. `None` when
    /// no row is in the split.
    pub fn step_on(&mut self, rows: &[usize]) -> Option<StepOutcome> {
        let n = self.data.train.len();
        self.batch_indices.clear();
        self.batch_indices
            .extend(rows.iter().copied().filter(|&i| i < n));
        if self.batch_indices.is_empty() {
            return None;
        }
        Some(self.train_on_batch(None))
    }

    /// Forward, backward and update on the rows in `batch_indices`; with `end`, the batch
    /// position moves there afterwards (and a new epoch starts at the split's end).
    fn train_on_batch(&mut self, end: Option<usize>) -> StepOutcome {
        let n = self.data.train.len();
        let x: DMatrix<f32> = self.data.train.gather(&self.batch_indices);
        let target = self.target(&self.data.train, &self.batch_indices);
        let output = self.model.forward(&x, Mode::Train);
        let (loss, grad) = compute_loss(self.loss_kind, &output, &target);
        let step = self.step + 1;
        if !loss.is_finite() {
            return StepOutcome::Diverged { step };
        }
        self.model.backward_params_only(&grad);
        if self.monitor {
            self.grad_norms = self.model.weight_grad_norms();
        }
        if self.config.l2 > 0.0 {
            self.model.add_weight_decay(self.config.l2 as f32);
        }
        self.model.copy_params_into(&mut self.backup);
        self.optimizer.copy_into(&mut self.optimizer_backup);
        self.optimizer.step(&mut self.model);
        if !self.model.params_finite() {
            // Undone whole: the weights, and the moments and step count of the optimizer,
            // which would otherwise count an update the weights never kept (a file saved
            // then held more optimizer updates than steps, and could not be opened).
            self.model.set_params(&self.backup);
            std::mem::swap(&mut self.optimizer, &mut self.optimizer_backup);
            return StepOutcome::Diverged { step };
        }
        self.step = step;
        let Some(end) = end else {
            return StepOutcome::Trained {
                step,
                loss: f64::from(loss),
                epoch_done: false,
            };
        };
        self.cursor = end;
        let epoch_done = self.cursor >= n;
        if epoch_done {
            self.cursor = 0;
            self.epoch += 1;
            self.order.shuffle(&mut self.order_rng);
            self.shuffles += 1;
            self.early_stopping_check();
        }
        StepOutcome::Trained {
            step,
            loss: f64::from(loss),
            epoch_done,
        }
    }

    /// The inputs and targets of training (or, with `from_test`, test) rows `indices`, in
    /// `f64`, skipping indices past the end of the split.
    fn rows_f64(&self, indices: &[usize], from_test: bool) -> (DMatrix<f64>, Target<f64>) {
        let split = if from_test {
            &self.data.test
        } else {
            &self.data.train
        };
        let kept: Vec<usize> = indices
            .iter()
            .copied()
            .filter(|&i| i < split.len())
            .collect();
        let x: DMatrix<f64> = split.gather::<f32>(&kept).map(f64::from);
        let target = match self.target(split, &kept) {
            Target::Classes(classes) => Target::Classes(classes),
            Target::Values(values) => Target::Values(values.map(f64::from)),
        };
        (x, target)
    }

    /// Forward, loss and backward of one training sample `sample` (index in the training
    /// split) through an `f64` copy of the model, recording every layer's numbers for the
    /// backprop stepper (see [`crate::nn::trace_step`]). The model itself is not touched.
    ///
    /// # Errors
    /// A one-line reason when the sample does not exist or the model is not a Dense /
    /// activation stack (e.g. a CNN).
    pub fn trace(&self, sample: usize) -> Result<BackpropTrace, String> {
        self.trace_batch(sample, 1)
    }

    /// Like [`Session::trace`] for the small batch of training samples `first ..
    /// first + count` (cut at the end of the split; `count = 0` is read as 1). As in training,
    /// the loss is the mean over the batch, so each `δ` carries a factor `1/B` and `∂E/∂W`
    /// sums over the samples.
    ///
    /// # Errors
    /// As [`Session::trace`].
    pub fn trace_batch(&self, first: usize, count: usize) -> Result<BackpropTrace, String> {
        let sample = first;
        if sample >= self.data.train.len() {
            return Err(format!(
                "sample {sample} is not in the training split ({} samples)",
                self.data.train.len()
            ));
        }
        let mut copy = self.model.convert::<f64>().map_err(|e| e.to_string())?;
        let rows: Vec<usize> = (first..first.saturating_add(count.max(1))).collect();
        let (x, target) = self.rows_f64(&rows, false);
        trace_step(&mut copy, &x, &target, self.loss_kind).map_err(|e| e.to_string())
    }

    /// Finite-difference check of an `f64` copy of the model on the last minibatch (the first
    /// batch before any step), comparing at most `max_per_tensor` elements of each parameter
    /// tensor ([`crate::nn::check_model_sampled`], ε = 10⁻⁵). The model is not touched.
    ///
    /// # Errors
    /// A one-line reason when the model cannot be copied.
    pub fn gradient_check(&self, max_per_tensor: usize) -> Result<Vec<GradCheck>, String> {
        let mut copy = self.model.convert::<f64>().map_err(|e| e.to_string())?;
        let indices: Vec<usize> = if self.batch_indices.is_empty() {
            self.order.iter().take(self.batch_size()).copied().collect()
        } else {
            self.batch_indices.clone()
        };
        let (x, target) = self.rows_f64(&indices, false);
        Ok(check_model_sampled(
            &mut copy,
            &x,
            &target,
            self.loss_kind,
            1e-5,
            max_per_tensor,
        ))
    }
}
