//! The training doctor: each detector fires on its preset with a fixed seed and stays quiet on
//! a healthy run; L2 and early stopping do exactly what they say.

use std::sync::Arc;

use gradscope::data::{SynthConfig, SynthKind, generate};
use gradscope::nn::{
    ActivationKind, LossKind, Mode, ModelSpec, OptimizerConfig, OptimizerKind, Sequential, Target,
    compute_loss,
};
use gradscope::train::doctor::{
    DetectorId, IdenticalLayer, Monitor, Remedy, activation_stats, identical_layers,
    non_finite_loss,
};
use gradscope::train::presets::Preset;
use gradscope::train::{Session, StepOutcome, TrainConfig};
use nalgebra::{DMatrix, dmatrix};

/// Trains `steps` steps (stopping at a divergence), recording every step's gradient norms,
/// an evaluation every `eval_every` steps and the activation statistics at the end.
fn run(session: &mut Session, steps: u64, eval_every: u64) -> Monitor {
    session.set_monitor(true);
    let mut monitor = Monitor::default();
    for _ in 0..steps {
        match session.step() {
            StepOutcome::Trained { step, .. } => {
                monitor.record_norms(step, session.grad_norms());
                if step % eval_every == 0 {
                    let (train, test) = session.evaluate_both();
                    monitor.record_eval(step, train.map(|m| m.loss), test.map(|m| m.loss));
                }
            }
            StepOutcome::Diverged { step } => panic!("diverged at step {step}"),
        }
    }
    monitor.record_stats(activation_stats(session));
    monitor.record_identical(identical_layers(session));
    monitor
}

fn preset_session(preset: Preset) -> Session {
    let (data, config) = preset.build();
    Session::new(data.build(), config).expect("preset session")
}

/// The app's default run: spiral, 2-16-16-2 Tanh, Adam 0.01, batch 16, seed 1.
fn healthy_session() -> Session {
    let data = Arc::new(generate(&SynthConfig::new(SynthKind::Spiral)));
    let mut config = TrainConfig::default();
    for layer in &mut config.hidden {
        layer.units = 16;
    }
    Session::new(data, config).expect("session")
}

fn fired(monitor: &Monitor) -> Vec<DetectorId> {
    monitor.diagnose().iter().map(|d| d.id).collect()
}

#[test]
fn a_healthy_spiral_run_raises_nothing() {
    let mut session = healthy_session();
    let monitor = run(&mut session, 3000, 100);
    assert_eq!(fired(&monitor), []);
    // The numbers the thresholds are compared with, so a change of scale shows up here.
    let norms = &monitor.latest_norms().expect("norms").norms;
    assert_eq!(norms.len(), 3);
    assert!(norms.iter().all(|&n| n > 1e-4 && n < 2.0), "{norms:?}");
    let stats = monitor.stats();
    assert_eq!(stats.len(), 2);
    assert!(
        stats.iter().all(|s| s.saturated_fraction < 0.6),
        "{stats:?}"
    );
}

#[test]
fn deep_sigmoid_shows_vanishing_gradients() {
    let mut session = preset_session(Preset::DeepSigmoid);
    let monitor = run(&mut session, 300, 50);
    assert_eq!(fired(&monitor), [DetectorId::VanishingGradients]);
    let norms = &monitor.latest_norms().expect("norms").norms;
    assert_eq!(norms.len(), 11, "ten hidden Dense layers and the output");
    // Every layer further from the loss gets less gradient.
    assert!(norms.windows(2).all(|w| w[0] < w[1]), "{norms:?}");
    assert!(norms[0] / norms[10] < 1e-3);
    let diagnosis = &monitor.diagnose()[0];
    assert_eq!(diagnosis.remedies[0], Remedy::SwitchToRelu);
}

#[test]
fn switching_the_deep_net_to_relu_cures_the_vanishing_gradients() {
    let (data, mut config) = Preset::DeepSigmoid.build();
    for layer in &mut config.hidden {
        layer.activation = ActivationKind::Relu;
    }
    let mut session = Session::new(data.build(), config).expect("session");
    let monitor = run(&mut session, 300, 50);
    assert!(!fired(&monitor).contains(&DetectorId::VanishingGradients));
}

#[test]
fn large_initial_weights_show_exploding_gradients() {
    let mut session = preset_session(Preset::LargeInitialWeights);
    let monitor = run(&mut session, 30, 10);
    let ids = fired(&monitor);
    assert!(ids.contains(&DetectorId::ExplodingGradients), "{ids:?}");
    // Gain 1 (the standard He scale) on the same data and seed stays quiet.
    let (data, mut config) = Preset::LargeInitialWeights.build();
    config.init_gain = 1.0;
    let mut session = Session::new(data.build(), config).expect("session");
    let monitor = run(&mut session, 30, 10);
    assert!(!fired(&monitor).contains(&DetectorId::ExplodingGradients));
}

#[test]
fn large_initial_weights_with_a_big_step_give_a_non_finite_loss_and_keep_finite_weights() {
    let (data, mut config) = Preset::LargeInitialWeights.build();
    config.optimizer.learning_rate = 1.0;
    let mut session = Session::new(data.build(), config).expect("session");
    let mut failed = None;
    for _ in 0..20 {
        if let StepOutcome::Diverged { step } = session.step() {
            failed = Some(step);
            break;
        }
    }
    let step = failed.expect("the loss should overflow within 20 steps");
    assert_eq!(
        session.step_count(),
        step - 1,
        "the failed step is not counted"
    );
    assert!(session.model().params_finite());
    let diagnosis = non_finite_loss(step);
    assert_eq!(diagnosis.id, DetectorId::NonFiniteLoss);
    assert_eq!(diagnosis.remedies[0], Remedy::LowerLearningRate);
    assert!(diagnosis.message.contains(&format!("step {step}")));
}

#[test]
fn small_noisy_data_overfits() {
    let mut session = preset_session(Preset::SmallNoisyData);
    assert_eq!(session.data().train.len(), 20);
    assert_eq!(session.data().test.len(), 20);
    let monitor = run(&mut session, 600, 20);
    assert_eq!(fired(&monitor), [DetectorId::Overfitting]);
    let diagnosis = &monitor.diagnose()[0];
    assert_eq!(
        diagnosis.remedies,
        [Remedy::AddL2, Remedy::StopEarly, Remedy::Reset]
    );
}

#[test]
fn a_huge_relu_step_kills_the_units() {
    let mut session = preset_session(Preset::DyingRelu);
    let monitor = run(&mut session, 100, 20);
    assert!(fired(&monitor).contains(&DetectorId::DeadRelu));
    let worst = monitor
        .stats()
        .iter()
        .map(|s| s.dead_fraction)
        .fold(0.0, f64::max);
    assert!(worst > 0.5, "{worst}");
}

#[test]
fn large_tanh_weights_saturate() {
    let mut session = preset_session(Preset::SaturatedTanh);
    let monitor = run(&mut session, 100, 20);
    assert_eq!(fired(&monitor), [DetectorId::Saturation]);
}

#[test]
fn l2_adds_exactly_lambda_times_w_to_the_weight_gradients_only() {
    let spec = ModelSpec::mlp(2, &[(3, ActivationKind::Tanh)], 2);
    let mut model = Sequential::<f64>::from_spec(&spec, 4);
    let x = dmatrix![0.5, -1.0; 2.0, 0.25; -0.3, 0.8];
    let target = Target::Classes(vec![0, 1, 1]);
    let out = model.forward(&x, Mode::Train);
    let (_, grad) = compute_loss(LossKind::SoftmaxCrossEntropy, &out, &target);
    model.backward(&grad);
    let before: Vec<Vec<DMatrix<f64>>> = model
        .layers
        .iter()
        .map(|l| l.grads().into_iter().cloned().collect())
        .collect();
    let lambda = 0.25;
    model.add_weight_decay(lambda);
    for (layer, grads) in model.layers.iter().zip(&before) {
        let now: Vec<&DMatrix<f64>> = layer.grads();
        if grads.is_empty() {
            continue;
        }
        let weight = layer.params()[0];
        let added = now[0] - &grads[0];
        assert!((added - weight * lambda).amax() < 1e-15);
        assert_eq!(now[1], &grads[1], "biases are not decayed");
    }
}

#[test]
fn l2_changes_one_sgd_step_by_minus_eta_lambda_w() {
    let data = Arc::new(generate(&SynthConfig::new(SynthKind::Circle)));
    let config = TrainConfig {
        optimizer: OptimizerConfig::new(OptimizerKind::Sgd, 0.1),
        ..TrainConfig::default()
    };
    let mut plain = Session::new(Arc::clone(&data), config.clone()).expect("session");
    let mut decayed = Session::new(data, TrainConfig { l2: 0.5, ..config }).expect("session");
    let mut initial = Vec::new();
    plain.model().copy_params_into(&mut initial);
    let _ = plain.step();
    let _ = decayed.step();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    plain.model().copy_params_into(&mut a);
    decayed.model().copy_params_into(&mut b);
    // Tensors alternate weight, bias per Dense layer.
    for (k, ((w0, wa), wb)) in initial.iter().zip(&a).zip(&b).enumerate() {
        let difference = wb - wa;
        if k % 2 == 0 {
            let expected = w0 * (-0.1 * 0.5);
            assert!((difference - &expected).amax() < 1e-6, "tensor {k}");
            assert!(expected.amax() > 1e-3, "not vacuous");
        } else {
            assert_eq!(difference.amax(), 0.0, "bias {k} must not be decayed");
        }
    }
}

#[test]
fn l2_and_early_stopping_are_off_by_default_and_read_from_old_configs() {
    let config = TrainConfig::default();
    assert_eq!(config.l2, 0.0);
    assert_eq!(config.early_stopping_patience, 0);
    assert_eq!(config.init_gain, 1.0);
    assert_eq!(config.output_activation, None);
    let mut json = serde_json::to_value(&config).expect("json");
    let object = json.as_object_mut().expect("object");
    for field in [
        "l2",
        "early_stopping_patience",
        "init_gain",
        "output_activation",
    ] {
        object.remove(field);
    }
    let back: TrainConfig = serde_json::from_value(json).expect("old config");
    assert_eq!(back, config);
}

#[test]
fn early_stopping_restores_the_best_weights() {
    let (data, mut config) = Preset::SmallNoisyData.build();
    config.early_stopping_patience = 5;
    let mut session = Session::new(data.build(), config).expect("session");
    // Full batch: one step per epoch.
    assert_eq!(session.steps_per_epoch(), 1);
    let mut test_losses = Vec::new();
    while !session.finished() {
        assert!(session.step_count() < 2000, "early stopping never fired");
        let _ = session.step();
        let test = session
            .evaluate(&session.data().clone().test)
            .expect("test");
        test_losses.push(test.loss);
    }
    let stop = session.early_stop().expect("stopped early");
    assert_eq!(stop.epoch, stop.best_epoch + 5);
    // The best epoch is the one with the lowest test loss seen (epochs count from 1).
    let (best_index, best_loss) = test_losses
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))
        .expect("losses");
    assert_eq!(stop.best_epoch, best_index as u64 + 1);
    assert!((stop.best_test_loss - best_loss).abs() < 1e-12);
    // The model now holds those weights again.
    let now = session
        .evaluate(&session.data().clone().test)
        .expect("test");
    assert!(
        (now.loss - stop.best_test_loss).abs() < 1e-9,
        "{now:?} vs {stop:?}"
    );
    // The epochs in between were worse; the last entry was measured after the restore.
    let between = &test_losses[best_index + 1..test_losses.len() - 1];
    assert_eq!(between.len(), 4);
    assert!(between.iter().all(|&l| l >= *best_loss), "{between:?}");
    assert_eq!(*test_losses.last().expect("last"), now.loss);
}

#[test]
fn l2_of_one_hundredth_keeps_the_noisy_preset_from_overfitting() {
    let (data, mut config) = Preset::SmallNoisyData.build();
    config.l2 = 0.01;
    let mut session = Session::new(data.build(), config).expect("session");
    let monitor = run(&mut session, 600, 20);
    assert_eq!(fired(&monitor), []);
    let test = session.evaluate_both().1.expect("test").loss;
    // Without L2 the same run ends near 2.93 (see small_noisy_data_overfits).
    assert!(test < 0.5, "{test}");
}

mod through_the_worker {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use gradscope::train::doctor::DetectorId;
    use gradscope::train::presets::Preset;
    use gradscope::train::{Command, Event, NoWaker, SessionSetup, ViewRequest, Worker};

    fn spawn(preset: Preset, views: ViewRequest) -> Worker {
        let (data, config) = preset.build();
        let setup = SessionSetup {
            data: data.build(),
            config,
        };
        Worker::spawn(setup, views, Arc::new(NoWaker))
    }

    /// The first event `pick` accepts within 20 s.
    fn wait_for<T>(worker: &Worker, mut pick: impl FnMut(&Event) -> Option<T>) -> T {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Some(value) = worker
                .wait_event(Duration::from_millis(100))
                .and_then(|e| pick(&e))
            {
                return value;
            }
        }
        panic!("the worker did not send the expected event");
    }

    /// A worker on the deep sigmoid preset after 50 steps, and its health report of step 50.
    fn deep_sigmoid_after_50_steps() -> (Worker, gradscope::train::HealthReport) {
        let worker = spawn(Preset::DeepSigmoid, ViewRequest::default());
        worker.send(Command::Step(50));
        let report = wait_for(&worker, |event| match event {
            Event::Health(report) if report.norms.as_ref().is_some_and(|n| n.step == 50) => {
                Some((**report).clone())
            }
            _ => None,
        });
        (worker, report)
    }

    #[test]
    fn health_reports_carry_the_findings_and_the_layer_norms() {
        let (_worker, report) = deep_sigmoid_after_50_steps();
        assert_eq!(report.layer_names.len(), 11);
        assert_eq!(report.layer_names[0], "Dense 2→8");
        assert_eq!(report.norms.expect("norms").norms.len(), 11);
        let ids: Vec<DetectorId> = report.diagnoses.iter().map(|d| d.id).collect();
        assert_eq!(ids, [DetectorId::VanishingGradients]);
        assert_eq!(report.stats.len(), 10);
    }

    /// Loading other weights (as opening an experiment or a run does) clears the doctor's
    /// findings: they compared evaluations by step, and after a resume a finding read "the
    /// loss went up from 0.052 (step 0)" about a run that had resumed at step 6 513.
    #[test]
    fn loading_weights_clears_the_findings_of_the_weights_before() {
        let (worker, report) = deep_sigmoid_after_50_steps();
        assert_eq!(report.diagnoses.len(), 1);
        let (reply, captured) = std::sync::mpsc::channel();
        worker.send(Command::Capture(reply));
        let params = captured
            .recv_timeout(Duration::from_secs(20))
            .expect("captured")
            .params;
        worker.send(Command::LoadParams(params));
        // Reports of the weights before may still be queued: wait for the one without norms.
        let cleared = wait_for(&worker, |event| match event {
            Event::Health(report) if report.norms.is_none() => Some(report.clone()),
            _ => None,
        });
        assert!(cleared.diagnoses.is_empty(), "{:?}", cleared.diagnoses);
        assert!(cleared.stats.is_empty());
    }

    #[test]
    fn no_health_is_reported_when_no_one_asks() {
        let views = ViewRequest {
            health: false,
            ..ViewRequest::default()
        };
        let worker = spawn(Preset::DeepSigmoid, views);
        worker.send(Command::Step(30));
        let mut health = 0;
        wait_for(&worker, |event| match event {
            Event::Health(_) => {
                health += 1;
                None
            }
            Event::Progress { step: 30, .. } => Some(()),
            _ => None,
        });
        assert_eq!(health, 0);
    }

    #[test]
    fn the_trace_is_built_only_when_asked_and_the_gradient_check_answers() {
        let worker = spawn(Preset::Backprop221, ViewRequest::default());
        worker.send(Command::Step(2));
        wait_for(&worker, |event| {
            matches!(event, Event::Progress { step: 2, .. }).then_some(())
        });
        let snapshot = worker.snapshots().latest().expect("snapshot");
        assert!(snapshot.trace.is_none(), "nothing asked for a trace");

        worker.send(Command::SetViews(ViewRequest {
            trace_sample: Some(3),
            ..ViewRequest::default()
        }));
        worker.send(Command::SetL2(0.25));
        worker.send(Command::GradCheck);
        let report = wait_for(&worker, |event| match event {
            Event::GradCheck(report) => Some(report.clone()),
            _ => None,
        });
        assert_eq!(report.step, 2);
        let rows = report.rows.expect("rows");
        // Dense 2→2 and Dense 2→1, weight and bias each.
        assert_eq!(rows.len(), 4);
        assert!(rows.iter().all(|r| r.passed), "{rows:?}");
        let snapshot = worker.snapshots().latest().expect("snapshot");
        let view = snapshot.trace.as_ref().expect("trace");
        assert_eq!(view.sample, 3);
        assert_eq!(view.l2, 0.25, "SetL2 applies live");
        assert_eq!(view.learning_rate, 0.5);
        let trace = view.trace.as_ref().expect("traceable");
        assert_eq!(trace.layers.len(), 2);
    }
}

#[test]
fn zero_initial_weights_leave_the_hidden_units_identical_and_the_doctor_says_so() {
    let mut session = preset_session(Preset::ZeroInit);
    let monitor = run(&mut session, 200, 50);
    // After 200 steps the two hidden units still have equal weights: the symmetry holds.
    assert_eq!(
        identical_layers(&session),
        [IdenticalLayer { dense: 1, units: 2 }]
    );
    assert_eq!(fired(&monitor), [DetectorId::IdenticalUnits]);
    let diagnosis = &monitor.diagnose()[0];
    assert_eq!(diagnosis.remedies, [Remedy::RandomInit]);
    assert!(diagnosis.message.contains("all 2 units of Dense layer 1"));
    // The remedy: the same preset with random initial weights breaks the symmetry at once.
    let (data, mut config) = Preset::ZeroInit.build();
    config.init_gain = 1.0;
    let session = Session::new(data.build(), config).expect("session");
    assert_eq!(identical_layers(&session), []);
}

#[test]
fn the_vanishing_message_names_the_networks_own_activation() {
    use gradscope::train::doctor::{ActivationStats, GradNormRecord, detect_vanishing};
    let recent: Vec<GradNormRecord> = (1..=16)
        .map(|step| GradNormRecord {
            step,
            norms: vec![0.0, 1e-3, 0.5],
        })
        .collect();
    let stats = |kind| {
        vec![ActivationStats {
            layer_index: 1,
            kind,
            units: 8,
            dead_fraction: 0.0,
            saturated_fraction: 0.7,
        }]
    };
    let tanh = detect_vanishing(&recent, &stats(ActivationKind::Tanh)).unwrap();
    assert!(tanh.message.contains("Each Tanh layer"), "{}", tanh.message);
    assert!(!tanh.message.contains("Sigmoid"), "{}", tanh.message);
    assert!(
        tanh.message.contains("gradient is zero"),
        "{}",
        tanh.message
    );
    assert!(!tanh.message.contains("0.0e0"), "{}", tanh.message);
    let sigmoid = detect_vanishing(&recent, &stats(ActivationKind::Sigmoid)).unwrap();
    assert!(
        sigmoid.message.contains("at most 1/4"),
        "{}",
        sigmoid.message
    );
}

#[test]
fn a_small_wobble_of_a_good_test_loss_is_not_overfitting() {
    use gradscope::train::doctor::{LossPoint, detect_overfitting};
    // Full MNIST at 98.7 % test accuracy: the test loss moves from 0.051 to 0.063.
    let wobble: Vec<LossPoint> = [0.20, 0.09, 0.051, 0.055, 0.060, 0.062, 0.063]
        .iter()
        .enumerate()
        .map(|(k, &test)| LossPoint {
            step: 1000 * (k as u64 + 1),
            train: 0.2 / (k as f64 + 1.0),
            test,
        })
        .collect();
    assert_eq!(detect_overfitting(&wobble), None);
    // One noisy evaluation is not a trend either; three in a row clearly above is.
    let mut points = wobble.clone();
    for (k, test) in [0.2, 0.06, 0.25, 0.26, 0.3].into_iter().enumerate() {
        points.push(LossPoint {
            step: 10_000 + 1000 * k as u64,
            train: 0.01,
            test,
        });
    }
    assert_eq!(detect_overfitting(&points[..9]), None);
    let found = detect_overfitting(&points).expect("a sustained rise");
    assert_eq!(found.id, DetectorId::Overfitting);
}

/// The window's first run: its default data and network, exactly as `Settings::default()`
/// builds them.
fn default_window_session() -> Session {
    let settings = gradscope::ui::Settings::default();
    let data = settings.data.build().expect("default data");
    Session::new(data, settings.train).expect("session")
}

#[test]
fn the_windows_default_run_converges_without_a_finding_or_a_spike() {
    let mut session = default_window_session();
    session.set_monitor(true);
    let mut monitor = Monitor::default();
    let mut losses = Vec::new();
    for _ in 0..30_000 {
        match session.step() {
            StepOutcome::Trained { step, loss, .. } => {
                monitor.record_norms(step, session.grad_norms());
                losses.push(loss);
                if step % 200 == 0 {
                    let (train, test) = session.evaluate_both();
                    monitor.record_eval(step, train.map(|m| m.loss), test.map(|m| m.loss));
                    monitor.record_stats(activation_stats(&mut session));
                    monitor.record_identical(identical_layers(&session));
                    assert_eq!(fired(&monitor), [], "a finding at step {step}");
                }
            }
            StepOutcome::Diverged { step } => panic!("diverged at step {step}"),
        }
    }
    let (_, test) = session.evaluate_both();
    let test = test.expect("a test split");
    assert!(test.accuracy.unwrap() > 0.97, "{test:?}");
    // No spike after the first 2 000 steps: a window of 100 steps never averages more than
    // three times the mean of the 1 000 steps before it.
    for end in (3_000..=losses.len()).step_by(100) {
        let window: f64 = losses[end - 100..end].iter().sum::<f64>() / 100.0;
        let before: f64 = losses[end - 1_100..end - 100].iter().sum::<f64>() / 1_000.0;
        assert!(
            window < 3.0 * before + 0.02,
            "a spike before step {end}: {window} after {before}"
        );
    }
}

/// A learning rate far too large (Adam at 10 on the window's spiral, the first thing a class
/// tries) is named as such: the training loss climbs well above its start while the gradients
/// stay small, and the first finding offers to lower the learning rate. Before this
/// detector the doctor blamed vanishing gradients.
#[test]
fn a_learning_rate_far_too_large_is_named_by_the_rising_loss() {
    let session = default_window_session();
    let mut config = session.config().clone();
    config.optimizer.learning_rate = 10.0;
    let mut session = Session::new(session.data().clone(), config).expect("session");
    let monitor = run(&mut session, 600, 50);
    let findings = monitor.diagnose();
    let first = findings.first().expect("a finding");
    assert_eq!(first.id, DetectorId::RisingLoss, "{findings:?}");
    assert_eq!(first.remedies, [Remedy::LowerLearningRate, Remedy::Reset]);
    assert!(
        first
            .message
            .starts_with("Rising loss: the training loss went up from ")
            && first.message.ends_with("the learning rate is too large."),
        "{}",
        first.message
    );
    // Trained well first, then the rate raised to 10 mid-run (a slider dragged in class).
    let mut raised = default_window_session();
    let mut monitor = run(&mut raised, 600, 50);
    assert!(!fired(&monitor).contains(&DetectorId::RisingLoss));
    raised.set_learning_rate(10.0);
    for _ in 0..300 {
        if let StepOutcome::Trained { step, .. } = raised.step()
            && step % 50 == 0
        {
            let (train, test) = raised.evaluate_both();
            monitor.record_eval(step, train.map(|m| m.loss), test.map(|m| m.loss));
        }
    }
    assert_eq!(
        monitor.diagnose().first().map(|d| d.id),
        Some(DetectorId::RisingLoss)
    );
    // The same run at the default 0.01 stays quiet (see also the healthy spiral above).
    let mut quiet = default_window_session();
    assert!(!fired(&run(&mut quiet, 600, 50)).contains(&DetectorId::RisingLoss));
}

#[test]
fn a_tiny_loss_that_doubles_is_not_rising() {
    use gradscope::train::doctor::{LossPoint, detect_rising_loss};
    let points = |train: &[f64]| -> Vec<LossPoint> {
        train
            .iter()
            .enumerate()
            .map(|(k, &train)| LossPoint {
                step: 100 * (k as u64 + 1),
                train,
                test: train,
            })
            .collect()
    };
    // From 0.01 to 0.05: five times, but 0.04 in loss units.
    assert_eq!(
        detect_rising_loss(&points(&[0.01, 0.02, 0.05, 0.05, 0.05])),
        None
    );
    // Two evaluations up and one back down: not sustained.
    assert_eq!(
        detect_rising_loss(&points(&[0.7, 0.6, 2.0, 0.5, 3.0])),
        None
    );
    let found = detect_rising_loss(&points(&[0.7, 0.6, 2.0, 3.5, 3.0])).expect("rising");
    assert_eq!(
        found.message,
        "Rising loss: the training loss went up from 0.600 (step 200) to 3.000 (step 500). Each step overshoots the minimum: the learning rate is too large."
    );
    // A loss of 7.8e29 in exponent form (three decimals wrote 30 digits).
    let found = detect_rising_loss(&points(&[0.7, 0.6, 2.0, 3.5, 7.789e29])).expect("rising");
    assert!(
        found.message.contains("to 7.789e29 (step 500)"),
        "{}",
        found.message
    );
}
