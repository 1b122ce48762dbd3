//! Exact resume: `train … --epochs 50 --save half.json` then `train --config half.json --resume
//! --epochs 50` ends with the same losses, weights and optimizer state as one 100-epoch run,
//! bit for bit, for SGD, Momentum and Adam; a session saved in the middle of an epoch continues
//! exactly through the experiment file's `resume` block; version-1 files (no block) still open
//! and resume from their weights and counters; an edited block whose counters disagree is
//! refused naming the field, its line and column; a run whose batch size changed is saved
//! with its counters marked unchecked and still resumes exactly.

use std::path::Path;
use std::sync::Arc;

use clap::Parser;
use gradscope::cli::{Cli, CliCommand, TrainReport, train_command};
use gradscope::data::{SynthConfig, SynthKind, generate};
use gradscope::experiment::{DatasetRef, Experiment, ResumeState, SavedWeights, Start};
use gradscope::nn::{OptimizerConfig, OptimizerKind};
use gradscope::train::{Session, StepOutcome, TrainConfig};

fn train(args: &[&str]) -> TrainReport {
    let mut argv = vec!["gradscope", "train"];
    argv.extend_from_slice(args);
    let cli = Cli::try_parse_from(argv).expect("arguments parse");
    let Some(CliCommand::Train(args)) = cli.command else {
        panic!("not a train command");
    };
    train_command(&args, |_| {}).expect("training runs")
}

fn load(path: &Path) -> Experiment {
    Experiment::load(path).expect("the saved experiment opens")
}

fn losses(experiment: &Experiment) -> Vec<(u64, u64, u64, u32, u32)> {
    experiment
        .history
        .as_ref()
        .expect("history")
        .losses
        .iter()
        .map(|p| {
            (
                p.step,
                p.steps,
                p.mean.to_bits(),
                p.min.to_bits(),
                p.max.to_bits(),
            )
        })
        .collect()
}

fn resume_equals_one_run(optimizer: &str, lr: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let common = [
        "--dataset",
        "spiral",
        "--optimizer",
        optimizer,
        "--lr",
        lr,
        "--batch",
        "24",
        "--seed",
        "3",
    ];
    let with = |extra: &[&str]| -> Vec<String> {
        common
            .iter()
            .chain(extra)
            .map(|s| (*s).to_string())
            .collect()
    };
    let run = |args: Vec<String>| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        train(&refs)
    };
    let full = run(with(&["--epochs", "100", "--save", &path("full.json")]));
    let half = run(with(&["--epochs", "50", "--save", &path("half.json")]));
    assert_eq!(half.epochs, 50);
    let resumed = train(&[
        "--config",
        &path("half.json"),
        "--resume",
        "--epochs",
        "50",
        "--save",
        &path("resumed.json"),
    ]);
    // 200 training samples in batches of 24: 9 steps an epoch.
    assert_eq!((full.steps, full.epochs), (900, 100));
    assert_eq!((resumed.steps, resumed.epochs), (900, 100));
    assert_eq!(resumed.train_loss.to_bits(), full.train_loss.to_bits());
    assert_eq!(
        resumed.test_loss.map(f64::to_bits),
        full.test_loss.map(f64::to_bits)
    );
    let (full, resumed) = (
        load(&dir.path().join("full.json")),
        load(&dir.path().join("resumed.json")),
    );
    assert_eq!(losses(&full).len(), 900);
    assert_eq!(
        losses(&resumed),
        losses(&full),
        "{optimizer}: every step's loss"
    );
    assert_eq!(resumed.weights, full.weights, "{optimizer}: weights");
    assert_eq!(resumed.resume, full.resume, "{optimizer}: optimizer state");
    // Without the resume block the moments would restart: the block holds real state.
    let state = full.resume.as_ref().expect("resume block");
    let moments = match optimizer {
        "sgd" => 0,
        "momentum" => 1,
        _ => 2,
    };
    for tensor in &state.optimizer.tensors {
        assert_eq!(tensor.steps, 900);
        assert_eq!(!tensor.first_f32_base64.is_empty(), moments >= 1);
        assert_eq!(!tensor.second_f32_base64.is_empty(), moments >= 2);
    }
}

#[test]
fn resume_after_save_equals_one_run_for_sgd() {
    resume_equals_one_run("sgd", "0.1");
}

#[test]
fn resume_after_save_equals_one_run_for_momentum() {
    resume_equals_one_run("momentum", "0.05");
}

#[test]
fn resume_after_save_equals_one_run_for_adam() {
    resume_equals_one_run("adam", "0.01");
}

fn spiral() -> Arc<gradscope::data::Dataset> {
    Arc::new(generate(&SynthConfig::new(SynthKind::Spiral)))
}

fn step_losses(session: &mut Session, steps: usize) -> Vec<u64> {
    (0..steps)
        .map(|_| match session.step() {
            StepOutcome::Trained { loss, .. } => loss.to_bits(),
            StepOutcome::Diverged { step } => panic!("diverged at {step}"),
        })
        .collect()
}

#[test]
fn a_session_saved_mid_epoch_continues_exactly_through_the_file() {
    let data = spiral();
    let config = TrainConfig {
        optimizer: OptimizerConfig::new(OptimizerKind::Adam, 0.02),
        batch_size: 17,
        ..TrainConfig::default()
    };
    let mut straight = Session::new(Arc::clone(&data), config.clone()).expect("session");
    let mut first = Session::new(Arc::clone(&data), config.clone()).expect("session");
    step_losses(&mut straight, 123);
    step_losses(&mut first, 123);
    // 200 samples in batches of 17: 12 steps an epoch, so step 123 is inside epoch 11.
    assert_eq!(first.position().cursor, 3 * 17);
    assert_eq!(first.position().shuffles, 11);
    let dataset = DatasetRef::Synth(SynthConfig::new(SynthKind::Spiral));
    let mut experiment = Experiment::new(dataset, first.config().clone());
    experiment.weights = Some(SavedWeights::from_model(first.model(), 123, first.epoch()));
    experiment.resume = Some(ResumeState::of(&first));
    let text = experiment.to_json();
    let reopened = Experiment::from_json("mid.json", text.as_bytes()).expect("reopens");
    let mut resumed = reopened
        .session_on(Arc::clone(&data), Start::SavedWeights)
        .expect("session");
    assert_eq!(resumed.step_count(), 123);
    assert_eq!(resumed.epoch(), 10);
    assert_eq!(
        step_losses(&mut resumed, 200),
        step_losses(&mut straight, 200)
    );
    // From the seed the same file starts over, with other losses.
    let mut seeded = reopened.session_on(data, Start::Seed).expect("session");
    assert_ne!(step_losses(&mut seeded, 5), step_losses(&mut first, 5));
}

#[test]
fn a_damaged_resume_block_is_refused_with_its_field() {
    let data = spiral();
    let mut session = Session::new(Arc::clone(&data), TrainConfig::default()).expect("session");
    step_losses(&mut session, 10);
    let dataset = DatasetRef::Synth(SynthConfig::new(SynthKind::Spiral));
    let mut experiment = Experiment::new(dataset, session.config().clone());
    experiment.weights = Some(SavedWeights::from_model(session.model(), 10, 0));
    let mut state = ResumeState::of(&session);
    state.optimizer.tensors[1].first_f32_base64 = "not base64!".into();
    experiment.resume = Some(state);
    let error = experiment
        .session_on(Arc::clone(&data), Start::SavedWeights)
        .err()
        .expect("refused")
        .to_string();
    assert_eq!(
        error,
        "experiment: resume.optimizer.tensors[1].first_f32_base64 is not valid base64 (Invalid symbol 32, offset 3.)"
    );
    let mut state = ResumeState::of(&session);
    state.batch.cursor = 200;
    experiment.resume = Some(state);
    let error = experiment
        .session_on(data, Start::SavedWeights)
        .err()
        .expect("refused")
        .to_string();
    assert_eq!(
        error,
        "experiment: resume.batch.cursor: 200 is past the training split (200 samples)"
    );
}

#[test]
fn a_version_1_file_still_opens_and_resumes_from_its_weights() {
    let dir = tempfile::tempdir().expect("temp dir");
    let v2 = dir.path().join("v2.json");
    train(&[
        "--dataset",
        "spiral",
        "--epochs",
        "3",
        "--save",
        &v2.to_string_lossy(),
    ]);
    // A version-1 file is the same JSON without the resume block.
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&v2).expect("read")).expect("json");
    value["format_version"] = 1.into();
    value
        .as_object_mut()
        .expect("object")
        .remove("resume")
        .expect("v2 files have a resume block");
    let v1 = dir.path().join("v1.json");
    std::fs::write(&v1, value.to_string()).expect("write");
    let old = load(&v1);
    assert_eq!(old.format_version, 1);
    assert!(old.resume.is_none());
    assert_eq!(old.weights, load(&v2).weights);
    let report = train(&[
        "--config",
        &v1.to_string_lossy(),
        "--resume",
        "--epochs",
        "2",
    ]);
    // The counters go on from the saved ones: 3 + 2 epochs of 7 steps.
    assert_eq!((report.epochs, report.steps), (5, 35));
}

/// Line and column (1-based) of `value` on the first line holding `needle` in `text`.
fn place_of(text: &str, needle: &str, value: &str) -> (usize, usize) {
    text.lines()
        .enumerate()
        .find_map(|(i, line)| {
            line.find(needle)
                .map(|c| (i + 1, c + line[c..].find(value).unwrap() + 1))
        })
        .expect("edited line")
}

#[test]
fn an_edited_resume_block_is_refused_naming_the_field_and_its_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    let saved = dir.path().join("half.json");
    // 200 training samples in batches of 24: 9 steps an epoch, 450 steps in 50 epochs.
    train(&[
        "--dataset",
        "spiral",
        "--batch",
        "24",
        "--epochs",
        "50",
        "--save",
        &saved.to_string_lossy(),
    ]);
    let original: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&saved).expect("read")).expect("json");
    let edited = dir.path().join("edited.json");
    let file = edited.display().to_string();
    let refused = |edit: &dyn Fn(&mut serde_json::Value), needle: &str, value: &str| {
        let mut json = original.clone();
        edit(&mut json);
        let text = serde_json::to_string_pretty(&json).expect("text");
        std::fs::write(&edited, &text).expect("write");
        let (line, column) = place_of(&text, needle, value);
        let error = Experiment::load(&edited).expect_err("refused").to_string();
        let place = format!("{file}: line {line}, column {column}: ");
        assert!(error.starts_with(&place), "{error} (expected {place})");
        error[place.len()..].to_string()
    };
    // A new user's edit: the epoch alone.
    assert_eq!(
        refused(&|j| j["resume"]["epoch"] = 60.into(), "\"epoch\": 60", "60"),
        "resume.epoch: 60, but the weights were saved after epoch 50"
    );
    // The epoch in both blocks: the shuffle count gives it away.
    assert_eq!(
        refused(
            &|j| {
                j["resume"]["epoch"] = 60.into();
                j["weights"]["epoch"] = 60.into();
            },
            "\"shuffles\": 51",
            "51"
        ),
        "resume.batch.shuffles: 51, but after 60 epochs the batch order has been shuffled 61 times (once at the start and at every epoch end)"
    );
    assert_eq!(
        refused(
            &|j| j["resume"]["batch"]["shuffles"] = 7.into(),
            "\"shuffles\": 7",
            "7"
        ),
        "resume.batch.shuffles: 7, but after 50 epochs the batch order has been shuffled 51 times (once at the start and at every epoch end)"
    );
    // The optimizer's own count, unused by the update rule, must agree with its tensors'.
    assert_eq!(
        refused(
            &|j| j["resume"]["optimizer"]["steps"] = 5.into(),
            "\"steps\": 450",
            "450"
        ),
        "resume.optimizer.tensors[0].steps: 450, but resume.optimizer.steps is 5"
    );
    assert_eq!(
        refused(
            &|j| {
                j["resume"]["optimizer"]["steps"] = 451.into();
                for t in j["resume"]["optimizer"]["tensors"].as_array_mut().unwrap() {
                    t["steps"] = 451.into();
                }
            },
            "\"steps\": 451",
            "451"
        ),
        "resume.optimizer.steps: 451 updates, more than the 450 steps taken"
    );

    // The cursor needs the data to be checked: `--resume` refuses it before training.
    let mut json = original.clone();
    json["resume"]["batch"]["cursor"] = 24.into();
    std::fs::write(&edited, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    let mut argv = vec!["gradscope", "train", "--config", &file, "--resume"];
    argv.extend(["--epochs", "1"]);
    let cli = Cli::try_parse_from(argv).expect("arguments parse");
    let Some(CliCommand::Train(args)) = cli.command else {
        panic!("not a train command");
    };
    assert_eq!(
        train_command(&args, |_| {}).expect_err("refused"),
        format!(
            "--resume: {file}: resume.step: 450, but 50 epochs of 9 steps (200 samples in batches of 24) plus the cursor at 24 (1 batch) make 451"
        )
    );
    let error = Experiment::load(&edited)
        .expect("the counters agree among themselves")
        .session(Start::SavedWeights)
        .err()
        .expect("refused")
        .to_string();
    assert_eq!(
        error,
        format!(
            "{file}: resume.step: 450, but 50 epochs of 9 steps (200 samples in batches of 24) plus the cursor at 24 (1 batch) make 451"
        )
    );
}

#[test]
fn a_run_whose_batch_size_changed_is_saved_unchecked_and_resumes_exactly() {
    let data = spiral();
    let config = TrainConfig {
        batch_size: 24,
        ..TrainConfig::default()
    };
    let mut straight = Session::new(Arc::clone(&data), config.clone()).expect("session");
    let mut first = Session::new(Arc::clone(&data), config).expect("session");
    for session in [&mut straight, &mut first] {
        step_losses(session, 10);
        session.set_batch_size(32);
        step_losses(session, 5);
    }
    let state = ResumeState::of(&first);
    assert!(
        state.unchecked.is_some(),
        "15 steps do not follow from batches of 32"
    );
    let dataset = DatasetRef::Synth(SynthConfig::new(SynthKind::Spiral));
    let mut experiment = Experiment::new(dataset, first.config().clone());
    experiment.weights = Some(SavedWeights::from_model(first.model(), 15, first.epoch()));
    experiment.resume = Some(state);
    let text = experiment.to_json();
    assert!(text.contains("\"unchecked\": \"the step, epoch and batch position do not follow"));
    let reopened = Experiment::from_json("changed.json", text.as_bytes()).expect("reopens");
    let mut resumed = reopened
        .session_on(Arc::clone(&data), Start::SavedWeights)
        .expect("session");
    assert_eq!(
        step_losses(&mut resumed, 30),
        step_losses(&mut straight, 30)
    );
    // A run that kept its batch size is checked: no marker.
    let steady = Session::new(data, TrainConfig::default()).expect("session");
    assert_eq!(ResumeState::of(&steady).unchecked, None);
}

/// An update that makes the weights non-finite is undone whole: the weights, and the
/// optimizer's moments and step count. Before, the optimizer kept the update's count, and a
/// file saved after a divergence held one optimizer update more than its steps, so that
/// opening it was refused (`resume.optimizer.steps: 1927 updates, more than the 1926 steps
/// taken`).
#[test]
fn a_diverged_update_leaves_the_optimizer_as_it_was_and_the_file_opens() {
    let data = spiral();
    for kind in [
        OptimizerKind::Sgd,
        OptimizerKind::Momentum,
        OptimizerKind::Adam,
    ] {
        let config = TrainConfig {
            optimizer: OptimizerConfig::new(kind, 0.01),
            ..TrainConfig::default()
        };
        let mut session = Session::new(Arc::clone(&data), config).expect("session");
        step_losses(&mut session, 10);
        let before = ResumeState::of(&session);
        // Infinite in f32: the loss of step 11 is finite, its update is not.
        session.set_learning_rate(1e300);
        assert_eq!(
            session.step(),
            StepOutcome::Diverged { step: 11 },
            "{kind:?}"
        );
        session.set_learning_rate(0.01);
        let after = ResumeState::of(&session);
        assert_eq!(after.optimizer, before.optimizer, "{kind:?}");
        assert_eq!(after.step, 10, "{kind:?}");
        let dataset = DatasetRef::Synth(SynthConfig::new(SynthKind::Spiral));
        let mut experiment = Experiment::new(dataset, session.config().clone());
        experiment.weights = Some(SavedWeights::from_model(session.model(), 10, 0));
        experiment.resume = Some(after);
        let text = experiment.to_json();
        let reopened = Experiment::from_json("diverged.json", text.as_bytes()).expect("reopens");
        let resumed = reopened
            .session_on(Arc::clone(&data), Start::SavedWeights)
            .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert_eq!(resumed.step_count(), 10);
    }
}
