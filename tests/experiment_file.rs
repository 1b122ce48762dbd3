//! Experiment files (`experiment::file`): the same seed repeats a run, save → load keeps the
//! predictions bit for bit, and truncated, edited, out-of-range or other-version files give
//! their exact message with line and column; edits and cuts never panic (proptest).

use gradscope::data::{SynthConfig, SynthKind};
use gradscope::experiment::{
    ControlId, DatasetRef, Experiment, FileImport, SavedWeights, Start, Worksheet, WorksheetStep,
    parse_safetensors,
};
use gradscope::nn::OptimizerKind;
use gradscope::train::TrainConfig;

mod experiment_common;

use experiment_common::{loss_bits, name, spiral_experiment, temp_dir, test_predictions};

#[test]
fn the_same_seed_repeats_the_loss_sequence_bit_for_bit() {
    let experiment = spiral_experiment();
    let mut first = experiment.session(Start::Seed).expect("session");
    let mut second = experiment.session(Start::Seed).expect("session");
    let a = loss_bits(&mut first, 200);
    let b = loss_bits(&mut second, 200);
    assert_eq!(a, b);
    // 200 training points at batch 32 = 7 steps per epoch: 200 steps cross 28 epochs.
    assert_eq!(first.epoch(), 28);
    // The run really learns, so the comparison is not between two constant sequences.
    let mean = |bits: &[u64]| bits.iter().map(|&b| f64::from_bits(b)).sum::<f64>() / 20.0;
    let (start, end) = (mean(&a[..20]), mean(&a[180..]));
    assert!(end < start - 0.02, "mean loss {start} → {end}");

    let mut other = spiral_experiment();
    other.train.seed = 2;
    let c = loss_bits(&mut other.session(Start::Seed).expect("session"), 200);
    assert_ne!(a, c);
}

#[test]
fn save_then_load_gives_identical_predictions() {
    let dir = temp_dir();
    let path = dir.path().join("spiral.json");
    let experiment = spiral_experiment();
    let mut session = experiment.session(Start::Seed).expect("session");
    loss_bits(&mut session, 150);
    let before = test_predictions(&mut session);

    let mut saved = experiment.clone();
    saved.weights = Some(SavedWeights::from_model(
        session.model(),
        session.step_count(),
        session.epoch(),
    ));
    saved.save(&path).expect("save");
    let loaded = Experiment::load(&path).expect("load");
    assert_eq!(loaded, saved);
    let weights = loaded.weights.as_ref().expect("weights");
    assert_eq!((weights.step, weights.epoch), (150, 21));
    assert_eq!(weights.model, "dense16,tanh,dense16,tanh,dense2");

    let mut restored = loaded.session(Start::SavedWeights).expect("session");
    assert_eq!(test_predictions(&mut restored), before);
    assert_eq!(before.len(), 200 * 2);
    // From the seed, the same file gives the untrained model.
    let mut fresh = loaded.session(Start::Seed).expect("session");
    assert_ne!(test_predictions(&mut fresh), before);
}

#[test]
fn a_truncated_file_names_the_file_line_and_column() {
    let dir = temp_dir();
    let path = dir.path().join("exp.json");
    std::fs::write(
        &path,
        "{\n  \"format_version\": 1,\n  \"dataset\": \"mnist\",\n  \"train\": {\n    \"batch_size\": 6",
    )
    .expect("write");
    let error = Experiment::load(&path).expect_err("truncated");
    assert_eq!(
        error.to_string(),
        format!(
            "{}: line 5, column 19: EOF while parsing an object",
            name(&path)
        )
    );

    // A real file cut in half.
    let mut experiment = spiral_experiment();
    experiment.save(&path).expect("save");
    let text = std::fs::read(&path).expect("read");
    std::fs::write(&path, &text[..text.len() / 2]).expect("write");
    let error = Experiment::load(&path).expect_err("truncated").to_string();
    assert!(
        error.starts_with(&format!("{}: line ", name(&path))) && error.contains(", column "),
        "{error}"
    );
    assert!(
        error.ends_with("EOF while parsing an object") || error.contains("EOF"),
        "{error}"
    );

    std::fs::write(&path, "").expect("write");
    assert_eq!(
        Experiment::load(&path).expect_err("empty").to_string(),
        format!(
            "{}: line 1, column 1: EOF while parsing a value",
            name(&path)
        )
    );
}

#[test]
fn an_edited_value_of_the_wrong_type_names_its_line_and_column() {
    let dir = temp_dir();
    let path = dir.path().join("exp.json");
    let mut experiment = spiral_experiment();
    experiment.save(&path).expect("save");
    let text = std::fs::read_to_string(&path).expect("read");
    let edited = text.replace("\"batch_size\": 32", "\"batch_size\": \"lots\"");
    assert_ne!(edited, text);
    std::fs::write(&path, &edited).expect("write");
    let (line, column) = edited
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.find("\"lots\"").map(|c| (i + 1, c + "\"lots\"".len())))
        .expect("edited line");
    let error = Experiment::load(&path).expect_err("wrong type");
    assert_eq!(
        error.to_string(),
        format!(
            "{}: line {line}, column {column}: invalid type: string \"lots\", expected usize",
            name(&path)
        )
    );

    // An unknown control in a lesson.
    let edited = text.replace(
        "\"format_version\": 3,",
        "\"format_version\": 3,\n  \"lesson\": { \"locked\": [\"volume\"] },",
    );
    std::fs::write(&path, &edited).expect("write");
    let error = Experiment::load(&path)
        .expect_err("unknown control")
        .to_string();
    assert!(
        error.starts_with(&format!(
            "{}: line 3, column 33: unknown variant `volume`, expected one of `play`",
            name(&path)
        )),
        "{error}"
    );
}

#[test]
fn another_format_version_is_refused_with_a_clear_message() {
    let dir = temp_dir();
    let path = dir.path().join("exp.json");
    let mut experiment = spiral_experiment();
    experiment.save(&path).expect("save");
    let text = std::fs::read_to_string(&path).expect("read");
    // Version 99 with a body this build cannot read: the version is reported, not the body.
    let newer = text
        .replace("\"format_version\": 3", "\"format_version\": 99")
        .replace("\"train\": {", "\"train\": [1, 2, 3], \"old_train\": {");
    std::fs::write(&path, newer).expect("write");
    assert_eq!(
        Experiment::load(&path).expect_err("v99").to_string(),
        format!(
            "{}: format version 99 is not supported (this gradscope reads versions 1 to 3)",
            name(&path)
        )
    );
    std::fs::write(&path, "{\"dataset\": \"mnist\"}").expect("write");
    assert_eq!(
        Experiment::load(&path).expect_err("no version").to_string(),
        format!(
            "{}: not a gradscope experiment (there is no \"format_version\")",
            name(&path)
        )
    );
    // JSON that is not an object is not an experiment either (serde's own message named an
    // internal type: "invalid length 0, expected struct VersionProbe with 1 element").
    for not_an_object in ["[]", " 3\n", "\"format_version\""] {
        std::fs::write(&path, not_an_object).expect("write");
        assert_eq!(
            Experiment::load(&path)
                .expect_err(not_an_object)
                .to_string(),
            format!(
                "{}: not a gradscope experiment (there is no \"format_version\")",
                name(&path)
            )
        );
    }
    let missing = dir.path().join("missing.json");
    let error = Experiment::load(&missing).expect_err("missing").to_string();
    assert!(
        error.starts_with(&format!("{}: cannot read the file: ", name(&missing))),
        "{error}"
    );
}

#[test]
fn out_of_range_values_name_the_field() {
    let mut experiment = spiral_experiment();
    experiment.train.hidden[1].units = 1_000_000_000;
    let text = experiment.to_json();
    assert_eq!(
        Experiment::from_json("exp.json", text.as_bytes())
            .expect_err("huge layer")
            .to_string(),
        "exp.json: train.hidden[1].units: 1000000000 is outside 1 to 256"
    );
    let mut experiment = spiral_experiment();
    experiment.train.optimizer.learning_rate = -0.5;
    assert_eq!(
        Experiment::from_json("exp.json", experiment.to_json().as_bytes())
            .expect_err("negative lr")
            .to_string(),
        "exp.json: train.optimizer.learning_rate: -0.5 is not a positive number"
    );
    // Settings the file check let through: a negative L2 trained as 0, Nesterov's μ 1.5 and
    // RMSProp's ρ 5 diverged with "lower the learning rate", and 1e300 was infinite in f32.
    let refused = |edit: &dyn Fn(&mut Experiment)| {
        let mut experiment = spiral_experiment();
        edit(&mut experiment);
        Experiment::from_json("exp.json", experiment.to_json().as_bytes())
            .expect_err("refused")
            .to_string()
    };
    assert_eq!(
        refused(&|e| e.train.l2 = -0.5),
        "exp.json: train.l2: -0.5 is not a number ≥ 0"
    );
    assert_eq!(
        refused(&|e| {
            e.train.optimizer.kind = OptimizerKind::Nesterov;
            e.train.optimizer.momentum = 1.5;
        }),
        "exp.json: train.optimizer.momentum: 1.5 is outside [0, 1)"
    );
    assert_eq!(
        refused(&|e| {
            e.train.optimizer.kind = OptimizerKind::RmsProp;
            e.train.optimizer.rho = 5.0;
        }),
        "exp.json: train.optimizer.rho: 5 is outside [0, 1)"
    );
    assert_eq!(
        refused(&|e| e.train.optimizer.learning_rate = 1e300),
        "exp.json: train.optimizer.learning_rate: 1e300 is 0 or infinite in f32, the weights' \
         type: give a learning rate from 1e-38 to 1e38"
    );
    let mut experiment = spiral_experiment();
    experiment.dataset = DatasetRef::Synth(SynthConfig {
        samples: usize::MAX,
        ..SynthConfig::new(SynthKind::Moons)
    });
    let error = Experiment::from_json("exp.json", experiment.to_json().as_bytes())
        .expect_err("huge data set")
        .to_string();
    assert!(
        error.starts_with("exp.json: dataset.synth.samples: "),
        "{error}"
    );
}

#[test]
fn missing_train_fields_take_their_defaults_and_lessons_round_trip() {
    let text = r#"{
  "format_version": 1,
  "title": "Circles",
  "dataset": { "synth": { "kind": "Circle", "samples": 100, "noise": 0.0, "train_ratio": 0.5, "seed": 3 } },
  "train": { "batch_size": 10, "optimizer": { "kind": "Sgd", "learning_rate": 0.1 } },
  "lesson": { "locked": ["dataset", "learning_rate"], "hidden": ["seed"],
              "steps": [ { "title": "Press Play", "text": "Watch the boundary." } ] }
}"#;
    let experiment = Experiment::from_json("lesson.json", text.as_bytes()).expect("parse");
    assert_eq!(experiment.train.batch_size, 10);
    assert_eq!(experiment.train.hidden, TrainConfig::default().hidden);
    assert_eq!(experiment.train.optimizer.momentum, 0.9);
    let lesson = experiment.worksheet.clone().expect("lesson");
    assert_eq!(
        lesson,
        Worksheet {
            locked: vec![ControlId::Dataset, ControlId::LearningRate],
            hidden: vec![ControlId::Seed],
            steps: vec![WorksheetStep {
                title: "Press Play".into(),
                text: "Watch the boundary.".into()
            }],
        }
    );
    assert!(lesson.is_locked(ControlId::Seed));
    assert!(!lesson.is_locked(ControlId::BatchSize));
    // Written back under its new name; the old name still opens.
    assert!(experiment.to_json().contains("\"worksheet\": {"));
    assert!(!experiment.to_json().contains("\"lesson\""));
    let again =
        Experiment::from_json("again.json", experiment.to_json().as_bytes()).expect("again");
    assert_eq!(again, experiment);
    let session = experiment.session(Start::Seed).expect("session");
    assert_eq!(session.data().train.len(), 50);
}

#[test]
fn a_data_file_is_stored_relative_to_the_experiment() {
    let dir = temp_dir();
    std::fs::create_dir(dir.path().join("data")).expect("folder");
    let csv = dir.path().join("data").join("points.csv");
    let mut rows = String::from("a,b,label\n");
    for i in 0..40 {
        rows += &format!(
            "{},{},{}\n",
            i,
            (i * 7) % 13,
            if i % 2 == 0 { "x" } else { "y" }
        );
    }
    std::fs::write(&csv, rows).expect("csv");
    let mut experiment = spiral_experiment();
    experiment.dataset = DatasetRef::File {
        path: csv.clone(),
        import: FileImport::Auto {
            label: Some("label".into()),
            train_ratio: 0.75,
            seed: 4,
            bad_numbers: Default::default(),
        },
    };
    let lessons = dir.path().join("lessons");
    std::fs::create_dir(&lessons).expect("folder");
    let path = lessons.join("exp.json");
    experiment.save(&path).expect("save");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    assert_eq!(json["dataset"]["file"]["path"], "../data/points.csv");

    let loaded = Experiment::load(&path).expect("load");
    let data = loaded.load_dataset().expect("data");
    assert_eq!(data.train.len() + data.test.len(), 40);
    assert_eq!(data.train.len(), 30);

    std::fs::remove_file(&csv).expect("remove");
    let error = loaded.load_dataset().expect_err("gone").to_string();
    assert!(
        error.starts_with(&format!("{}: the data set cannot be loaded: ", name(&path)))
            && error.ends_with("points.csv: the file does not exist"),
        "{error}"
    );
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Arbitrary bytes never make the experiment reader panic.
        #[test]
        fn arbitrary_bytes_give_an_error_not_a_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..400),
        ) {
            let _ = Experiment::from_json("fuzz.json", &bytes);
            let _ = parse_safetensors("fuzz.safetensors", &bytes);
        }

        /// A valid file with one byte changed or cut short is read or refused, never a panic,
        /// and a refusal names the file.
        #[test]
        fn edited_files_are_read_or_refused(
            at in 0usize..2000,
            byte in any::<u8>(),
            cut in any::<bool>(),
        ) {
            let mut experiment = spiral_experiment();
            let session = experiment.session(Start::Seed).expect("session");
            experiment.weights = Some(SavedWeights::from_model(session.model(), 0, 0));
            let mut bytes = experiment.to_json().into_bytes();
            let at = at % bytes.len();
            if cut {
                bytes.truncate(at);
            } else {
                bytes[at] = byte;
            }
            if let Err(error) = Experiment::from_json("fuzz.json", &bytes) {
                prop_assert!(error.to_string().starts_with("fuzz.json: "), "{}", error);
            } else if let Ok(parsed) = Experiment::from_json("fuzz.json", &bytes) {
                let _ = parsed.session(Start::SavedWeights);
            }
        }
    }
}

#[test]
fn a_file_saved_by_notepad_with_a_byte_order_mark_opens() {
    // Issue 12, item 9: Notepad starts UTF-8 files with EF BB BF.
    let dir = temp_dir();
    let path = dir.path().join("notepad.json");
    let experiment = spiral_experiment();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(experiment.to_json().as_bytes());
    std::fs::write(&path, &bytes).expect("write");
    let loaded = Experiment::load(&path).expect("a BOM is skipped");
    assert_eq!(loaded.train, experiment.train);
    assert_eq!(loaded.dataset, experiment.dataset);
    // Errors after the mark still count columns from the first character of the text.
    let broken = [&bytes[..], b"x"].concat();
    std::fs::write(&path, &broken).expect("write");
    let lines = experiment.to_json().lines().count();
    assert_eq!(
        Experiment::load(&path).expect_err("trailing x").to_string(),
        format!(
            "{}: line {lines}, column 2: trailing characters",
            name(&path)
        )
    );
}
