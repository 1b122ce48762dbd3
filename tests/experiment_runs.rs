//! The runs of the lab in an experiment file (`experiment::runs`, format 3): three runs, one a
//! branch of another, go through a file and come back equal — names, colours, settings,
//! weights, resume blocks, histories, summaries and lineage — and each continues exactly as it
//! would have; `with_run` picks one by name; a damaged run is reported by name with its line
//! and column while the other runs open (a truncated tensor too, also by `gradscope train`);
//! times and setting changes round-trip; two runs of one name and a lost parent are noted.

use std::sync::Arc;

use gradscope::data::{Dataset, SynthConfig, SynthKind, generate};
use gradscope::experiment::{
    Experiment, History, ResumeState, RunParent, RunSummary, SavedClock, SavedRun, SavedWeights,
    SettingChange, Start,
};
use gradscope::train::{
    Checkpoint, EvalRecord, LossHistory, Session, StepOutcome, TrainConfig, branch_session,
};

mod experiment_common;

use experiment_common::{loss_bits, name, spiral_experiment, temp_dir};

/// A run trained in memory, with the curve the window would have drawn.
struct Trained {
    session: Session,
    losses: LossHistory,
    evals: Vec<EvalRecord>,
}

impl Trained {
    fn new(session: Session) -> Self {
        Self {
            session,
            losses: LossHistory::default(),
            evals: Vec::new(),
        }
    }

    /// `steps` steps, then one evaluation.
    fn train(&mut self, steps: usize) {
        for _ in 0..steps {
            match self.session.step() {
                StepOutcome::Trained { step, loss, .. } => self.losses.push(step, loss as f32),
                StepOutcome::Diverged { step } => panic!("diverged at {step}"),
            }
        }
        let (train, test) = self.session.evaluate_both();
        self.evals.push(EvalRecord {
            step: self.session.step_count(),
            epoch: self.session.epoch(),
            train,
            test,
        });
    }

    /// The run as the window saves it.
    fn record(&self, id: u64, name: &str, color: &str, parent: Option<RunParent>) -> SavedRun {
        let session = &self.session;
        let history = History::new(&self.losses, &self.evals);
        SavedRun {
            id,
            name: name.to_string(),
            color: Some(color.to_string()),
            ticked: true,
            parent,
            dataset: None,
            train: session.config().clone(),
            weights: Some(SavedWeights::from_model(
                session.model(),
                session.step_count(),
                session.epoch(),
            )),
            resume: Some(ResumeState::of(session)),
            summary: RunSummary::of(&history, session.step_count(), session.epoch()),
            history: Some(history),
            clock: None,
            changes: Vec::new(),
        }
    }
}

fn spiral() -> Arc<Dataset> {
    Arc::new(generate(&SynthConfig::new(SynthKind::Spiral)))
}

/// Three runs on the spiral (200 training points, batches of 32: 7 steps an epoch): run 1
/// (seed 1, Adam 0.01, 30 steps), "lr 0.1" (seed 2, Adam 0.1, 20 steps) and "run 1 @20", a
/// branch of run 1 at its checkpoint of step 20 with learning rate 0.05, 10 steps on. Returns
/// the file's experiment and the three runs, trained on in memory for comparison.
fn three_runs() -> (Experiment, Vec<Trained>) {
    let data = spiral();
    let base = spiral_experiment();
    let mut first = Trained::new(Session::new(Arc::clone(&data), base.train.clone()).unwrap());
    first.train(20);
    let checkpoint = Checkpoint::of(&first.session, false);
    first.train(10);
    let mut second_config: TrainConfig = base.train.clone();
    second_config.seed = 2;
    second_config.optimizer.learning_rate = 0.1;
    let mut second = Trained::new(Session::new(Arc::clone(&data), second_config).unwrap());
    second.train(20);
    let mut branch_config = base.train.clone();
    branch_config.optimizer.learning_rate = 0.05;
    let mut branch = Trained::new(branch_session(data, &checkpoint, &branch_config).unwrap());
    branch.train(10);

    let runs = vec![
        first.record(0, "run 1", "#1f77b4", None),
        second.record(1, "lr 0.1", "#ff7f0e", None),
        branch.record(
            2,
            "run 1 @20",
            "#2ca02c",
            Some(RunParent { id: 0, step: 20 }),
        ),
    ];
    let mut experiment = base.with_run_record(&runs[2]);
    experiment.runs = runs;
    (experiment, vec![first, second, branch])
}

#[test]
fn three_runs_with_a_branch_come_back_from_the_file_and_continue_exactly() {
    let dir = temp_dir();
    let path = dir.path().join("lab.json");
    let (mut experiment, mut trained) = three_runs();
    experiment.save(&path).expect("save");
    let loaded = Experiment::load(&path).expect("load");
    assert!(loaded.damaged_runs.is_empty(), "{:?}", loaded.damaged_runs);
    assert_eq!(loaded.runs, experiment.runs);
    assert_eq!(loaded.selected_run, Some(2));
    assert_eq!(loaded.format_version, 3);

    let names: Vec<&str> = loaded.runs.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["run 1", "lr 0.1", "run 1 @20"]);
    let lineage: Vec<Option<RunParent>> = loaded.runs.iter().map(|r| r.parent).collect();
    assert_eq!(lineage, [None, None, Some(RunParent { id: 0, step: 20 })]);
    assert_eq!(loaded.runs[1].rgb(), Some([255, 127, 14]));
    // 30 steps of 7 a epoch: 4 epochs and 2 steps; the branch counts on from step 20.
    let counters: Vec<(u64, u64)> = loaded
        .runs
        .iter()
        .map(|r| (r.summary.steps, r.summary.epoch))
        .collect();
    assert_eq!(counters, [(30, 4), (20, 2), (30, 4)]);
    let seeds: Vec<u64> = loaded.runs.iter().map(|r| r.train.seed).collect();
    assert_eq!(seeds, [1, 2, 1]);
    let first_steps: Vec<u64> = loaded
        .runs
        .iter()
        .map(|r| r.history.as_ref().unwrap().losses[0].step)
        .collect();
    assert_eq!(first_steps, [1, 1, 21]);
    for (run, t) in loaded.runs.iter().zip(&trained) {
        let test = t.evals.last().and_then(|e| e.test).expect("test metrics");
        assert_eq!(run.summary.final_test_loss, Some(test.loss));
        assert_eq!(
            run.summary.best_test_loss,
            Some(test.loss.min(run_first_test(t)))
        );
        assert_eq!(run.summary.final_test_accuracy, test.accuracy);
    }
    // The top level is the selected run (the branch): what `train --config` trains.
    assert_eq!(loaded.train.optimizer.learning_rate, 0.05);

    // Each run continues exactly as it would have without the file.
    for (run, t) in loaded.runs.iter().zip(&mut trained) {
        let chosen = loaded.with_run(&run.name).expect("run by name");
        let mut resumed = chosen.session(Start::SavedWeights).expect("session");
        assert_eq!(resumed.step_count(), run.summary.steps);
        assert_eq!(
            loss_bits(&mut resumed, 20),
            loss_bits(&mut t.session, 20),
            "{}",
            run.name
        );
    }
    assert_eq!(
        loaded
            .with_run("nope")
            .expect_err("no such run")
            .to_string(),
        format!(
            "{}: there is no run \"nope\" (its runs are \"run 1\", \"lr 0.1\", \"run 1 @20\")",
            name(&path)
        )
    );
}

/// The test loss of a run's first evaluation.
/// [`three_runs`] saved as `lab.json` in a new temporary folder.
fn three_runs_saved() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = temp_dir();
    let path = dir.path().join("lab.json");
    let (mut experiment, _) = three_runs();
    experiment.save(&path).expect("save");
    (dir, path)
}

/// Runs the `gradscope` binary with `args`.
fn gradscope(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_gradscope"))
        .args(args)
        .output()
        .expect("gradscope runs")
}

fn run_first_test(trained: &Trained) -> f64 {
    trained.evals[0].test.expect("test").loss
}

/// Line and column (1-based) of the first character of `needle`'s value part in `text`.
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
fn a_damaged_run_is_named_and_the_others_still_open() {
    let (_dir, path) = three_runs_saved();
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    value["runs"][1]["resume"]["epoch"] = 60.into();
    let text = serde_json::to_string_pretty(&value).unwrap();
    std::fs::write(&path, &text).unwrap();
    let (line, column) = place_of(&text, "\"epoch\": 60", "60");

    let loaded = Experiment::load(&path).expect("the file still opens");
    let names: Vec<&str> = loaded.runs.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["run 1", "run 1 @20"]);
    assert_eq!(loaded.damaged_runs.len(), 1);
    assert_eq!(
        loaded.damaged_runs[0].to_string(),
        format!(
            "{}: run \"lr 0.1\": line {line}, column {column}: resume.epoch: 60, but the weights were saved after epoch 2",
            name(&path)
        )
    );
    assert_eq!(
        loaded.with_run("lr 0.1").expect_err("damaged").to_string(),
        format!(
            "{}: run \"lr 0.1\": line {line}, column {column}: resume.epoch: 60, but the weights were saved after epoch 2",
            name(&path)
        )
    );
    // The runs that opened are whole: the branch still continues from step 30.
    let branch = loaded.with_run("run 1 @20").expect("branch");
    assert_eq!(
        branch.session(Start::SavedWeights).unwrap().step_count(),
        30
    );

    // A value of the wrong type inside a run: that run alone is left out, with serde's
    // message and the place in the file.
    value["runs"][1]["resume"]["epoch"] = 2.into();
    value["runs"][2]["train"]["batch_size"] = "lots".into();
    let text = serde_json::to_string_pretty(&value).unwrap();
    std::fs::write(&path, &text).unwrap();
    let (line, start) = place_of(&text, "\"batch_size\": \"lots\"", "\"lots\"");
    let loaded = Experiment::load(&path).expect("the file still opens");
    assert_eq!(loaded.runs.len(), 2);
    assert_eq!(
        loaded.damaged_runs[0].to_string(),
        format!(
            "{}: run \"run 1 @20\": line {line}, column {}: invalid type: string \"lots\", expected usize",
            name(&path),
            start + "\"lots\"".len() - 1
        )
    );
}

#[test]
fn a_file_of_one_run_opens_as_one_run() {
    let experiment = spiral_experiment();
    let records = experiment.run_records();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].name, "run 1");
    assert_eq!(records[0].train, experiment.train);
    assert_eq!(records[0].parent, None);
    assert_eq!(records[0].summary, RunSummary::default());
    assert!(experiment.runs.is_empty());
    // `--run "run 1"` picks it (it was refused: "the file holds one unnamed run"); another
    // name is refused with the one there is.
    assert_eq!(
        experiment.with_run("run 1").expect("run 1").train,
        experiment.train
    );
    let refused = experiment
        .with_run("run 2")
        .expect_err("no run 2")
        .to_string();
    assert!(
        refused.ends_with("there is no run \"run 2\" (the file holds one run, \"run 1\")"),
        "{refused}"
    );
}

#[test]
fn times_and_setting_changes_go_through_the_file_and_files_without_them_open() {
    let dir = temp_dir();
    let path = dir.path().join("lab.json");
    let (mut experiment, _) = three_runs();
    let clock = SavedClock {
        started_at: 1_796_220_000.0,
        offset: 0.0,
        samples: vec![
            [0.0, 0.0, 0.0, 0.0],
            [20.0, 2.857, 1.25, 1.25],
            [30.0, 4.286, 9.5, 600.5],
        ],
    };
    experiment.runs[0].clock = Some(clock.clone());
    experiment.runs[2].clock = Some(SavedClock {
        offset: 1.25,
        ..clock.clone().up_to(20)
    });
    let change = SettingChange {
        step: 12,
        setting: "learning rate".to_string(),
        from: "0.01".to_string(),
        to: "0.1".to_string(),
    };
    experiment.runs[1].changes = vec![change.clone()];
    experiment.save(&path).expect("save");
    let loaded = Experiment::load(&path).expect("load");
    assert!(loaded.damaged_runs.is_empty(), "{:?}", loaded.damaged_runs);
    assert_eq!(loaded.runs[0].clock.as_ref(), Some(&clock));
    let branch = loaded.runs[2].clock.as_ref().expect("branch clock");
    assert_eq!(branch.offset, 1.25);
    assert_eq!(
        branch.samples,
        [[0.0, 0.0, 0.0, 0.0], [20.0, 2.857, 1.25, 1.25]]
    );
    assert_eq!(loaded.runs[1].clock, None);
    assert_eq!(loaded.runs[1].changes, [change]);
    assert!(loaded.run_notes.is_empty(), "{:?}", loaded.run_notes);

    // A start time that is no Unix time: the run opens without its times, and a note names
    // the run, the place in the file and what was wrong.
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    value["runs"][0]["clock"]["started_at"] = (-5.0).into();
    let text = serde_json::to_string_pretty(&value).unwrap();
    std::fs::write(&path, &text).unwrap();
    let (line, column) = place_of(&text, "\"started_at\": -5", "-5");
    let loaded = Experiment::load(&path).expect("the file still opens");
    assert!(loaded.damaged_runs.is_empty(), "{:?}", loaded.damaged_runs);
    assert_eq!(loaded.runs.len(), 3);
    assert_eq!(loaded.runs[0].clock, None, "the damaged clock is dropped");
    assert!(
        loaded.runs[0].weights.is_some(),
        "the rest of the run is kept"
    );
    assert_eq!(loaded.runs[2].clock.as_ref(), Some(branch));
    let file = name(&path);
    assert_eq!(
        loaded.run_notes,
        [format!(
            "{file}: run \"run 1\": its times were dropped (line {line}, column {column}: \
             clock.started_at: -5 is not a Unix time); on the seconds and wall-clock axes it \
             is drawn only from where it trains on"
        )]
    );

    // Times out of order: the same, naming the sample.
    value["runs"][0]["clock"]["started_at"] = 1_796_220_000.0.into();
    value["runs"][0]["clock"]["samples"][2][0] = 10.into();
    std::fs::write(&path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
    let loaded = Experiment::load(&path).expect("the file still opens");
    assert_eq!(
        (loaded.runs.len(), loaded.runs[0].clock.as_ref()),
        (3, None)
    );
    let note = &loaded.run_notes[0];
    assert!(
        note.starts_with(&format!(
            "{file}: run \"run 1\": its times were dropped (line "
        )) && note.contains(": clock.samples[2]: step 10 is before the previous sample's 20); "),
        "{note}"
    );

    // A clock of the wrong shape (a sample of three numbers): the same, with serde's words.
    value["runs"][0]["clock"]["samples"][2] = serde_json::json!([30.0, 4.0, 9.5]);
    std::fs::write(&path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
    let loaded = Experiment::load(&path).expect("the file still opens");
    assert!(loaded.damaged_runs.is_empty(), "{:?}", loaded.damaged_runs);
    assert_eq!(loaded.runs.len(), 3);
    assert_eq!(loaded.runs[0].clock, None);
    assert_eq!(loaded.run_notes.len(), 1);
    let note = &loaded.run_notes[0];
    assert!(
        note.starts_with(&format!(
            "{file}: run \"run 1\": its times were dropped (line "
        )) && note.contains("invalid length 3, expected an array of length 4"),
        "{note}"
    );

    // A run damaged elsewhere as well is still left out whole, without a note on its clock.
    value["runs"][0]["color"] = "teal".into();
    std::fs::write(&path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
    let loaded = Experiment::load(&path).expect("the file still opens");
    assert_eq!(loaded.runs.len(), 2);
    assert_eq!(loaded.damaged_runs.len(), 1);
    assert!(
        loaded
            .run_notes
            .iter()
            .all(|note| !note.contains("times were dropped")),
        "{:?}",
        loaded.run_notes
    );
}

#[test]
fn a_file_with_two_runs_of_one_name_and_a_lost_parent_opens_with_notes() {
    let dir = temp_dir();
    let path = dir.path().join("lab.json");
    let (mut experiment, _) = three_runs();
    experiment.runs[1].name = "run 1".to_string();
    experiment.runs[2].parent = Some(RunParent { id: 7, step: 20 });
    experiment.save(&path).expect("save");
    let loaded = Experiment::load(&path).expect("opens");
    assert_eq!(loaded.runs.len(), 3);
    assert!(loaded.damaged_runs.is_empty());
    let file = name(&path);
    assert_eq!(
        loaded.run_notes,
        [
            format!("{file}: 2 runs are named \"run 1\" (ids 0, 1); each opened under that name"),
            format!(
                "{file}: run \"run 1 @20\" branched at step 20 from run id 7, which is not in the file; it opened as a run of its own"
            ),
        ]
    );
}

/// The notes for each other way a file's lineage can be wrong: a run that is its own
/// parent, runs that branch from one another in a circle, a branch from after its parent's
/// saved step, and two runs of one id. Every run still opens.
#[test]
fn a_file_with_a_broken_lineage_opens_with_a_note_for_each_fault() {
    let dir = temp_dir();
    let path = dir.path().join("lab.json");
    let file = name(&path);
    let notes_of = |edit: &dyn Fn(&mut Experiment)| {
        let (mut experiment, _) = three_runs();
        edit(&mut experiment);
        experiment.save(&path).expect("save");
        let loaded = Experiment::load(&path).expect("opens");
        assert_eq!(loaded.runs.len(), 3);
        loaded.run_notes
    };
    assert_eq!(
        notes_of(&|e| e.runs[1].parent = Some(RunParent { id: 1, step: 5 })),
        [format!(
            "{file}: run \"lr 0.1\" names itself (id 1) as the run it branched from; it opened as a run of its own"
        )]
    );
    assert_eq!(
        notes_of(&|e| e.runs[0].parent = Some(RunParent { id: 2, step: 5 })),
        [format!(
            "{file}: runs \"run 1\" → \"run 1 @20\" branch from one another in a circle; the lineage shows them as runs of their own"
        )]
    );
    // Run 1 trained 30 steps (20, the checkpoint, then 10).
    assert_eq!(
        notes_of(&|e| e.runs[2].parent = Some(RunParent { id: 0, step: 999 })),
        [format!(
            "{file}: run \"run 1 @20\" branched at step 999 from run \"run 1\", whose saved weights are from step 30"
        )]
    );
    assert_eq!(
        notes_of(&|e| e.runs[1].id = 0),
        [format!(
            "{file}: 2 runs have id 0 (\"run 1\", \"lr 0.1\"); a branch of that id is drawn from the first"
        )]
    );
}

#[test]
fn a_truncated_tensor_in_a_run_is_named_with_its_line_and_column() {
    let (_dir, path) = three_runs_saved();
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let data = value["runs"][1]["weights"]["tensors"][0]["f32_base64"]
        .as_str()
        .unwrap()
        .to_string();
    // 32 values (128 bytes, 172 characters of base64) cut to 120 bytes.
    assert_eq!(data.len(), 172);
    let cut = data[..160].to_string();
    value["runs"][1]["weights"]["tensors"][0]["f32_base64"] = cut.clone().into();
    let text = serde_json::to_string_pretty(&value).unwrap();
    std::fs::write(&path, &text).unwrap();
    let (line, column) = place_of(
        &text,
        &format!("\"f32_base64\": \"{cut}"),
        &format!("\"{cut}"),
    );
    let expected = format!(
        "{}: run \"lr 0.1\": line {line}, column {column}: weights.tensors[0].f32_base64: tensor \"0.weight\": 120 bytes of data, shape [16, 2] needs 128",
        name(&path)
    );
    let loaded = Experiment::load(&path).expect("the file still opens");
    assert_eq!(loaded.runs.len(), 2);
    assert_eq!(loaded.damaged_runs[0].to_string(), expected);

    // The command line says the same, for the run asked for by name.
    let output = gradscope(&[
        "train",
        "--config",
        &name(&path),
        "--run",
        "lr 0.1",
        "--epochs",
        "1",
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&expected), "{stderr}");
    // Without --run it trains the selected run and notes the damaged one.
    let output = gradscope(&["train", "--config", &name(&path), "--epochs", "1"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("note: {expected} (left out)")),
        "{stderr}"
    );
}

/// `train --save` onto a file of several runs would replace them all with the one run it
/// trained: it is refused, before training, naming the runs; the file is unchanged.
#[test]
fn saving_one_run_over_a_file_of_several_is_refused() {
    let (dir, path) = three_runs_saved();
    let before = std::fs::read(&path).expect("read");
    let save_to = |file: &std::path::Path| {
        gradscope(&[
            "train",
            "--config",
            &name(&path),
            "--run",
            "lr 0.1",
            "--resume",
            "--epochs",
            "1",
            "--save",
            &name(file),
        ])
    };
    let output = save_to(&path);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim_end(),
        format!(
            "gradscope: --save {}: that file holds 3 runs (\"run 1\", \"lr 0.1\", \"run 1 @20\"); \
             saving this one run there would replace them all. Save to another file (`--run \
             NAME` picks the run to train; the window's Save experiment keeps every run)",
            name(&path)
        )
    );
    assert_eq!(std::fs::read(&path).expect("read"), before);
    // Another file is fine.
    let other = dir.path().join("lr01.json");
    let output = save_to(&other);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(Experiment::load(&other).expect("saved").runs.len() <= 1);
}
