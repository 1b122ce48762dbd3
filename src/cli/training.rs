//! The training loop of `gradscope train`: reading `--model` into conv blocks and Dense
//! layers, and running a session epoch by epoch with its evaluations, progress and history.

use super::*;

/// Reads a model in text form as conv blocks and hidden Dense layers: every
/// `conv<f>k<k>` (stride 1, no padding) may be followed by an activation and a `pool<n>`, every
/// hidden `dense<n>` by an activation, and the last item is `dense<classes>`.
///
/// # Errors
/// A one-line reason naming what does not fit that pattern.
pub fn blocks_from_spec(
    text: &str,
    data: &Dataset,
) -> Result<(Vec<ConvBlock>, Vec<HiddenLayer>), String> {
    let input = match data.image_shape {
        Some([c, h, w]) => Shape::image(c, h, w),
        None => Shape::flat(data.n_features()),
    };
    let spec = ModelSpec::parse(text, input).map_err(|e| format!("--model: {e}"))?;
    let outputs = data.n_classes().unwrap_or(1);
    let layers = &spec.layers;
    let mut conv = Vec::new();
    let mut hidden = Vec::new();
    let mut i = 0;
    let activation_at = |i: usize| match layers.get(i) {
        Some(LayerSpec::Activation(kind)) => Some(*kind),
        _ => None,
    };
    while i < layers.len() {
        match layers[i] {
            LayerSpec::Conv2d {
                filters,
                kernel,
                stride: 1,
                padding: 0,
            } if data.image_shape.is_some() && hidden.is_empty() => {
                i += 1;
                let activation = activation_at(i).unwrap_or(ActivationKind::Linear);
                if activation_at(i).is_some() {
                    i += 1;
                }
                let mut pool = 1;
                if let Some(LayerSpec::MaxPool2d { size, stride }) = layers.get(i)
                    && size == stride
                {
                    pool = *size;
                    i += 1;
                }
                conv.push(ConvBlock {
                    filters,
                    kernel,
                    activation,
                    pool,
                });
            }
            LayerSpec::Flatten => i += 1,
            LayerSpec::Dense { units } if i + 1 == layers.len() => {
                if units != outputs {
                    return Err(format!(
                        "--model: the last Dense has {units} units but the data has {outputs} outputs"
                    ));
                }
                return Ok((conv, hidden));
            }
            LayerSpec::Dense { units } => {
                let activation = activation_at(i + 1).unwrap_or(ActivationKind::Linear);
                i += if activation_at(i + 1).is_some() { 2 } else { 1 };
                hidden.push(HiddenLayer { units, activation });
            }
            ref other => {
                return Err(format!(
                    "--model: item {} ({}) is not supported here: use conv<f>k<k>[,activation][,pool<n>] blocks (image data only), then dense<n>[,activation] layers, then dense<outputs>",
                    i + 1,
                    other.to_text()
                ));
            }
        }
    }
    Err("--model: the model must end with dense<outputs>".to_string())
}

/// Trains to the epoch limit (or the first non-finite loss) and evaluates.
/// `progress` receives one line per ~second of training and one at the end.
///
/// # Errors
/// A one-line reason when the session cannot start.
pub fn run_training(
    data: Arc<Dataset>,
    config: TrainConfig,
    progress: impl FnMut(&str),
) -> Result<TrainReport, String> {
    let mut session = Session::new(data, config)?;
    train_session(&mut session, &mut PlainLines::new(progress)).map(|(report, _)| report)
}

/// Trains `session` to its epoch limit (or the first non-finite loss; an epoch limit of 0 trains
/// nothing) and evaluates it on both
/// splits. Returns the report and the history: every step's loss (merged into at most 4 096
/// exact buckets on long runs) and one evaluation at the end.
/// `progress` receives the step status after every step (a bar or a line a second) and the
/// summary at the end.
///
/// # Errors
/// A one-line reason when the training split is empty.
pub fn train_session(
    session: &mut Session,
    progress: &mut dyn TrainProgress,
) -> Result<(TrainReport, History), String> {
    train_session_after(session, progress, None, 0)
}

/// Evaluations that `gradscope train --save` or `--metrics` records while training, at evenly
/// spaced epochs, besides the one at the end: enough for the window's test curve and the
/// metrics CSV, few enough to cost little (each reads both splits once).
pub const SAVED_EVALS: u64 = 20;

/// [`train_session`] for a session that continues a saved run: the returned history is
/// `prior`'s losses and evaluations followed by the new ones. With `evals_while_training`
/// above 0, both splits are also evaluated after every `⌈epochs / evals_while_training⌉`-th
/// epoch (see [`SAVED_EVALS`]); evaluating does not change the training.
///
/// # Errors
/// As [`train_session`].
pub fn train_session_after(
    session: &mut Session,
    progress: &mut dyn TrainProgress,
    prior: Option<&History>,
    evals_while_training: u64,
) -> Result<(TrainReport, History), String> {
    let name = session.data().name.clone();
    let epochs = session.config().epochs;
    let total_steps = epochs.saturating_mul(session.steps_per_epoch());
    let model = session.model().spec().to_text();
    let mut losses = prior.map_or_else(LossHistory::default, |h| {
        h.loss_history(crate::train::LOSS_HISTORY_CAPACITY)
    });
    let mut evals = prior.map_or_else(Vec::new, History::eval_records);
    let eval_every =
        (evals_while_training > 0).then(|| epochs.div_ceil(evals_while_training).max(1));
    let start = Instant::now();
    let mut diverged = None;
    let (mut epoch_sum, mut epoch_steps, mut epoch_batch_loss) = (0.0, 0u64, None);
    // 0 epochs (`--epochs 0` with weights to start from) only evaluates.
    while epochs > 0 && !session.finished() {
        match session.step() {
            StepOutcome::Trained {
                loss,
                step,
                epoch_done,
            } => {
                losses.push(step, loss as f32);
                epoch_sum += loss;
                epoch_steps += 1;
                if epoch_done {
                    epoch_batch_loss = Some(epoch_sum / epoch_steps as f64);
                    (epoch_sum, epoch_steps) = (0.0, 0);
                    let epoch = session.epoch();
                    // The last epoch's evaluation is the final one, below.
                    if eval_every.is_some_and(|every| epoch.is_multiple_of(every) && epoch < epochs)
                    {
                        let (train, test) = session.evaluate_both();
                        evals.push(EvalRecord {
                            step: session.step_count(),
                            epoch,
                            train,
                            test,
                        });
                    }
                }
                progress.step(&StepStatus {
                    epoch: session.epoch(),
                    epochs,
                    step: session.step_count(),
                    total_steps,
                    loss,
                    elapsed: start.elapsed(),
                });
            }
            StepOutcome::Diverged { step } => {
                diverged = Some(session.divergence_message(step));
                break;
            }
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    progress.finish();
    let (train, test) = session.evaluate_both();
    let eval = EvalRecord {
        step: session.step_count(),
        epoch: session.epoch(),
        train,
        test,
    };
    let train = train.ok_or_else(|| "the training split is empty".to_string())?;
    let report = TrainReport {
        dataset: name,
        model,
        train_loss: train.loss,
        test_loss: test.map(|m| m.loss),
        train_accuracy: train.accuracy,
        test_accuracy: test.and_then(|m| m.accuracy),
        epochs: session.epoch(),
        steps: session.step_count(),
        seconds,
        diverged,
        epoch_batch_loss,
    };
    let accuracy = |a: Option<f64>| a.map_or(String::new(), |a| format!(" ({:.1} %)", a * 100.0));
    // Four decimals, or four significant digits in scientific notation from 10⁶ on (a loss
    // of 1.3e34 printed 35 digits).
    let loss = |l: f64| {
        if l.abs() < 1e6 {
            format!("{l:.4}")
        } else {
            format!("{l:.3e}")
        }
    };
    progress.line(&format!(
        "done: {}, {} in {:.2} s; train loss {}{} (whole split, final weights); test loss {}{}",
        crate::ui::format::plural(report.epochs as usize, "epoch", "epochs"),
        crate::ui::format::plural(report.steps as usize, "step", "steps"),
        report.seconds,
        loss(report.train_loss),
        accuracy(report.train_accuracy),
        report.test_loss.map_or("–".to_string(), loss),
        accuracy(report.test_accuracy),
    ));
    if let Some(message) = &report.diverged {
        progress.line(message);
    }
    // An infinite whole-split loss from targets too large for f32 (a training split's
    // divergence says so above; a test split's, or weights evaluated without training, not).
    let data = session.data();
    for (name, metrics, split) in [
        ("train", Some(train), &data.train),
        ("test", test, &data.test),
    ] {
        if report.diverged.is_none()
            && metrics.is_some_and(|m| !m.loss.is_finite())
            && let Some(largest) = overflowing_target(split, EVAL_CHUNK)
        {
            progress.line(&format!(
                "the {name} loss is infinite: the {name} split's targets are too large for \
                 32-bit floats (the largest is {largest:.3e}; their squared error passes \
                 3.4e38): divide the target column by a power of ten"
            ));
        }
    }
    evals.push(eval);
    Ok((report, History::new(&losses, &evals)))
}
