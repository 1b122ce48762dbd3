//! Teaching presets: a network small enough to follow by hand, and runs that show the classic
//! failures of gradient training (and that the training doctor recognises).

use std::sync::Arc;

use crate::data::synth::XOR_TABLE;
use crate::data::{Dataset, Labels, SynthConfig, SynthKind, Task, generate};
use crate::nn::{ActivationKind, OptimizerConfig, OptimizerKind};
use crate::train::session::{HiddenLayer, TrainConfig};

/// The presets, in menu order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Preset {
    /// A 2-2-1 Sigmoid network (MSE on 0/1 targets) on the four XOR points: every number fits
    /// on screen for the backprop stepper.
    Backprop221,
    /// The same network with every initial weight at zero: the hidden units compute the same
    /// thing and get the same gradient forever (the symmetry is never broken).
    ZeroInit,
    /// Ten Sigmoid layers: the first layers receive almost no gradient.
    DeepSigmoid,
    /// ReLU layers with 6× the He initial scale: activations and gradients blow up.
    LargeInitialWeights,
    /// 40 overlapping points and a wide network: the train and test losses part.
    SmallNoisyData,
    /// ReLU with a learning rate of 3 (SGD): most units die in the first steps.
    DyingRelu,
    /// Tanh with 8× the Xavier initial scale: the units sit in their flat tails.
    SaturatedTanh,
}

/// Where a preset's data come from.
#[derive(Clone, Debug)]
pub enum PresetData {
    /// A generated set.
    Synth(SynthConfig),
    /// A fixed small set.
    Fixed(Arc<Dataset>),
}

impl PresetData {
    /// Builds (or shares) the data set.
    pub fn build(&self) -> Arc<Dataset> {
        match self {
            PresetData::Synth(config) => Arc::new(generate(config)),
            PresetData::Fixed(data) => Arc::clone(data),
        }
    }
}

fn hidden(count: usize, units: usize, activation: ActivationKind) -> Vec<HiddenLayer> {
    vec![HiddenLayer { units, activation }; count]
}

fn optimizer(kind: OptimizerKind, learning_rate: f64) -> OptimizerConfig {
    OptimizerConfig::new(kind, learning_rate)
}

/// The data of [`Preset::Backprop221`] and [`Preset::ZeroInit`]: the XOR truth table
/// ([`XOR_TABLE`]) as a regression on targets 0/1 (the seed's two-layer sigmoid example with
/// mean squared error), all four points in the training split, not standardised.
pub fn xor_targets() -> Dataset {
    let rows: Vec<Vec<f32>> = XOR_TABLE.iter().map(|(x, _)| x.to_vec()).collect();
    let targets: Vec<f32> = XOR_TABLE.iter().map(|&(_, t)| t as f32).collect();
    Dataset::from_rows(
        "xor4 as 0/1 targets",
        vec!["x1".into(), "x2".into()],
        rows,
        Labels::Values(targets),
        Task::Regression,
        1.0,
        0,
        false,
    )
    .unwrap_or_else(|e| unreachable!("the XOR table is valid: {e}"))
}

impl Preset {
    /// Every preset, in menu order.
    pub const ALL: [Preset; 7] = [
        Preset::Backprop221,
        Preset::ZeroInit,
        Preset::DeepSigmoid,
        Preset::LargeInitialWeights,
        Preset::SmallNoisyData,
        Preset::DyingRelu,
        Preset::SaturatedTanh,
    ];

    /// Short name for the command line (`--preset xor`).
    pub fn slug(self) -> &'static str {
        match self {
            Preset::Backprop221 => "xor",
            Preset::ZeroInit => "zero-init",
            Preset::DeepSigmoid => "deep-sigmoid",
            Preset::LargeInitialWeights => "large-weights",
            Preset::SmallNoisyData => "overfitting",
            Preset::DyingRelu => "dead-relu",
            Preset::SaturatedTanh => "saturated-tanh",
        }
    }

    /// The preset whose [`Preset::slug`] is `text` (case-insensitive).
    pub fn parse(text: &str) -> Option<Preset> {
        Preset::ALL
            .into_iter()
            .find(|p| p.slug().eq_ignore_ascii_case(text.trim()))
    }

    /// Button text.
    pub fn name(self) -> &'static str {
        match self {
            Preset::Backprop221 => "XOR, 2-2-1 sigmoid (backprop by hand)",
            Preset::ZeroInit => "zero initial weights: symmetry",
            Preset::DeepSigmoid => "deep sigmoid: vanishing gradients",
            Preset::LargeInitialWeights => "large initial weights: exploding gradients",
            Preset::SmallNoisyData => "small noisy data: overfitting",
            Preset::DyingRelu => "ReLU with a huge step: dead units",
            Preset::SaturatedTanh => "large tanh weights: saturation",
        }
    }

    /// Tooltip: what the preset sets up and what to watch.
    pub fn description(self) -> &'static str {
        match self {
            Preset::Backprop221 => {
                "The XOR truth table (four points), 2 inputs → 2 Sigmoid → 1 Sigmoid output, MSE on targets 0/1, SGD η = 0.5: starts paused at step 0 so you can follow one step with every number"
            }
            Preset::ZeroInit => {
                "The XOR 2-2-1 sigmoid network with every initial weight 0: both hidden units compute the same value and get the same gradient, so they stay identical and XOR is never learned"
            }
            Preset::DeepSigmoid => {
                "Ten hidden layers of 8 Sigmoid units on the circle, SGD η = 0.1: the gradient norms of the first layers sit orders of magnitude below the last"
            }
            Preset::LargeInitialWeights => {
                "Four hidden ReLU layers of 16 with 6× the He initial scale, SGD η = 0.001: the first loss is ~10⁴ and the weight gradients have norms in the hundreds to thousands"
            }
            Preset::SmallNoisyData => {
                "40 overlapping Gaussian points (20 train, 20 test), two hidden layers of 64 Tanh, Adam η = 0.01 full batch: the training loss falls while the test loss climbs"
            }
            Preset::DyingRelu => {
                "Two hidden ReLU layers of 16 on the circle with SGD η = 3: the first huge steps push most units below zero for every input"
            }
            Preset::SaturatedTanh => {
                "Two hidden Tanh layers of 16 with 8× the Xavier initial scale: most outputs sit at ±1 where the slope is nearly 0"
            }
        }
    }

    /// The data and the training configuration (seed 1) of the preset.
    pub fn build(self) -> (PresetData, TrainConfig) {
        let base = TrainConfig::default();
        match self {
            Preset::Backprop221 | Preset::ZeroInit => (
                PresetData::Fixed(Arc::new(xor_targets())),
                TrainConfig {
                    hidden: hidden(1, 2, ActivationKind::Sigmoid),
                    output_activation: Some(ActivationKind::Sigmoid),
                    optimizer: optimizer(OptimizerKind::Sgd, 0.5),
                    batch_size: 1,
                    init_gain: if self == Preset::ZeroInit { 0.0 } else { 1.0 },
                    ..base
                },
            ),
            Preset::DeepSigmoid => (
                PresetData::Synth(SynthConfig::new(SynthKind::Circle)),
                TrainConfig {
                    hidden: hidden(10, 8, ActivationKind::Sigmoid),
                    optimizer: optimizer(OptimizerKind::Sgd, 0.1),
                    ..base
                },
            ),
            Preset::LargeInitialWeights => (
                PresetData::Synth(SynthConfig::new(SynthKind::Circle)),
                TrainConfig {
                    hidden: hidden(4, 16, ActivationKind::Relu),
                    optimizer: optimizer(OptimizerKind::Sgd, 0.001),
                    init_gain: 6.0,
                    ..base
                },
            ),
            Preset::SmallNoisyData => (
                PresetData::Synth(SynthConfig {
                    samples: 40,
                    noise: 1.0,
                    train_ratio: 0.5,
                    ..SynthConfig::new(SynthKind::Gaussians)
                }),
                TrainConfig {
                    hidden: hidden(2, 64, ActivationKind::Tanh),
                    optimizer: optimizer(OptimizerKind::Adam, 0.01),
                    batch_size: 20,
                    ..base
                },
            ),
            Preset::DyingRelu => (
                PresetData::Synth(SynthConfig::new(SynthKind::Circle)),
                TrainConfig {
                    hidden: hidden(2, 16, ActivationKind::Relu),
                    optimizer: optimizer(OptimizerKind::Sgd, 3.0),
                    ..base
                },
            ),
            Preset::SaturatedTanh => (
                PresetData::Synth(SynthConfig::new(SynthKind::Circle)),
                TrainConfig {
                    hidden: hidden(2, 16, ActivationKind::Tanh),
                    optimizer: optimizer(OptimizerKind::Sgd, 0.1),
                    init_gain: 8.0,
                    ..base
                },
            ),
        }
    }
}
