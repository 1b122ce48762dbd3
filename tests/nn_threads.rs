//! Threaded training is reproducible: the Small CNN trained on the same batches from the same
//! seed gives bit-identical losses and weights on 1 thread, on 2 threads, and in two runs on 2
//! threads (the batch is cut into shards by its size alone and the shard gradients are added in
//! shard order, see `gradscope::nn::parallel`).

use gradscope::nn::{
    Mode, ModelSpec, Optimizer, OptimizerConfig, OptimizerKind, SHARD_ROWS, Sequential, Shape,
    shard_rows, softmax_cross_entropy,
};
use nalgebra::DMatrix;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SMALL_CNN: &str = "conv8k3,relu,pool2,conv16k3,relu,pool2,dense10";
const BATCH: usize = 128;
const STEPS: usize = 6;

/// Losses of `STEPS` Momentum steps on fixed random 28×28 batches, and the final weights.
fn train(threads: Option<usize>) -> (Vec<u32>, Vec<DMatrix<f32>>) {
    let spec = ModelSpec::parse(SMALL_CNN, Shape::image(1, 28, 28)).unwrap();
    let mut model = Sequential::<f32>::from_spec(&spec, 7);
    model.set_max_threads(threads);
    let mut optimizer = Optimizer::new(OptimizerConfig::new(OptimizerKind::Momentum, 0.05));
    let mut rng = StdRng::seed_from_u64(11);
    let mut losses = Vec::new();
    for _ in 0..STEPS {
        let x = DMatrix::<f32>::from_fn(BATCH, 784, |_, _| rng.random_range(0.0..1.0));
        let labels: Vec<usize> = (0..BATCH).map(|_| rng.random_range(0..10)).collect();
        let logits = model.forward(&x, Mode::Train);
        let (loss, grad) = softmax_cross_entropy(&logits, &labels);
        model.backward(&grad);
        optimizer.step(&mut model);
        losses.push(loss.to_bits());
    }
    let mut params = Vec::new();
    model.copy_params_into(&mut params);
    (losses, params)
}

#[test]
fn a_batch_of_128_is_cut_into_four_shards() {
    let shards = shard_rows(BATCH);
    assert_eq!(SHARD_ROWS, 32);
    assert_eq!(shards, vec![0..32, 32..64, 64..96, 96..128]);
}

#[test]
fn two_threaded_runs_with_one_seed_give_the_same_losses_bit_for_bit() {
    let (first, first_params) = train(Some(2));
    let (second, second_params) = train(Some(2));
    assert_eq!(first, second);
    assert_eq!(first_params, second_params);
    // The losses are real training losses: finite, positive and changing from step to step.
    assert!(first.iter().all(|&b| {
        let loss = f32::from_bits(b);
        loss.is_finite() && loss > 0.0
    }));
    assert!(first.windows(2).any(|w| w[0] != w[1]));
}

#[test]
fn one_thread_and_two_threads_give_the_same_losses_bit_for_bit() {
    let (serial, serial_params) = train(Some(1));
    let (threaded, threaded_params) = train(Some(2));
    assert_eq!(serial, threaded);
    assert_eq!(serial_params, threaded_params);
}
