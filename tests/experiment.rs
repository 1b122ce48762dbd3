//! Experiment files, safetensors weights, metrics CSV, GIF recording and atomic writes.

use std::path::Path;

use gradscope::data::{SynthConfig, SynthKind};
use gradscope::experiment::{
    ControlId, DatasetRef, EvalPoint, Experiment, FileImport, GifRecorder, GifSettings, History,
    Lesson, LessonStep, RgbaFrame, SavedWeights, Start, load_safetensors, parse_safetensors,
    pytorch_code, save_safetensors, write_atomically, write_gif, write_metrics_csv,
};
use gradscope::nn::{ActivationKind, ModelSpec, OptimizerConfig, OptimizerKind, Sequential, Shape};
use gradscope::train::{
    EvalRecord, HiddenLayer, LossHistory, Session, SplitMetrics, StepOutcome, TrainConfig,
};

/// Spiral, 2-16-16-2 tanh, Adam 0.01, batch 32, seed 1.
fn spiral_experiment() -> Experiment {
    let layer = HiddenLayer {
        units: 16,
        activation: ActivationKind::Tanh,
    };
    let train = TrainConfig {
        conv: Vec::new(),
        hidden: vec![layer, layer],
        optimizer: OptimizerConfig::new(OptimizerKind::Adam, 0.01),
        batch_size: 32,
        epochs: 0,
        seed: 1,
        ..TrainConfig::default()
    };
    Experiment::new(
        DatasetRef::Synth(SynthConfig::new(SynthKind::Spiral)),
        train,
    )
}

/// The minibatch losses of `steps` steps, as bit patterns.
fn loss_bits(session: &mut Session, steps: usize) -> Vec<u64> {
    (0..steps)
        .map(|_| match session.step() {
            StepOutcome::Trained { loss, .. } => loss.to_bits(),
            StepOutcome::Diverged { step } => panic!("diverged at step {step}"),
        })
        .collect()
}

fn test_predictions(session: &mut Session) -> Vec<u32> {
    let data = std::sync::Arc::clone(session.data());
    let indices: Vec<usize> = (0..data.test.len()).collect();
    let x = data.test.gather::<f32>(&indices);
    session.predict(&x).iter().map(|v| v.to_bits()).collect()
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary folder")
}

fn name(path: &Path) -> String {
    path.display().to_string()
}

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
            "{}: line 1, column 0: EOF while parsing a value",
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
        "\"format_version\": 1,",
        "\"format_version\": 1,\n  \"lesson\": { \"locked\": [\"volume\"] },",
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
        .replace("\"format_version\": 1", "\"format_version\": 99")
        .replace("\"train\": {", "\"train\": [1, 2, 3], \"old_train\": {");
    std::fs::write(&path, newer).expect("write");
    assert_eq!(
        Experiment::load(&path).expect_err("v99").to_string(),
        format!(
            "{}: format version 99 is not supported (this gradscope reads version 1)",
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
    let lesson = experiment.lesson.clone().expect("lesson");
    assert_eq!(
        lesson,
        Lesson {
            locked: vec![ControlId::Dataset, ControlId::LearningRate],
            hidden: vec![ControlId::Seed],
            steps: vec![LessonStep {
                title: "Press Play".into(),
                text: "Watch the boundary.".into()
            }],
        }
    );
    assert!(lesson.is_locked(ControlId::Seed));
    assert!(!lesson.is_locked(ControlId::BatchSize));
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

#[test]
fn safetensors_names_shapes_and_round_trip() {
    let dir = temp_dir();
    let path = dir.path().join("cnn.safetensors");
    let spec = ModelSpec::small_cnn(Shape::image(1, 28, 28), 10);
    let model = Sequential::<f32>::from_spec(&spec, 5);
    save_safetensors(&path, &model).expect("save");
    let bytes = std::fs::read(&path).expect("read");
    let file = parse_safetensors("cnn.safetensors", &bytes).expect("parse");
    let names: Vec<(&str, &[usize])> = file
        .tensors
        .iter()
        .map(|t| (t.name.as_str(), t.shape.as_slice()))
        .collect();
    // conv(0) relu(1) pool(2) conv(3) relu(4) pool(5) flatten(6) linear(7).
    assert_eq!(
        names,
        [
            ("0.bias", &[8][..]),
            ("0.weight", &[8, 1, 3, 3][..]),
            ("3.bias", &[16][..]),
            ("3.weight", &[16, 8, 3, 3][..]),
            ("7.bias", &[10][..]),
            ("7.weight", &[10, 400][..]),
        ]
    );
    assert_eq!(
        file.metadata.get("gradscope_model").map(String::as_str),
        Some("conv8k3,relu,pool2,conv16k3,relu,pool2,dense10")
    );
    assert_eq!(
        file.metadata.get("gradscope_input").map(String::as_str),
        Some("1,28,28")
    );
    assert_eq!(file.metadata.get("format").map(String::as_str), Some("pt"));

    let params = load_safetensors(&path, &spec).expect("load");
    let mut original = Vec::new();
    model.copy_params_into(&mut original);
    assert_eq!(params, original);
    // Conv weight [O, C, kh, kw] row-major: filter 1, tap (ky 2, kx 0) is value 9 + 6.
    let conv = &file.tensors[1];
    assert_eq!(conv.values[9 + 6].to_bits(), original[0][(6, 1)].to_bits());

    assert_eq!(
        pytorch_code(&spec),
        "nn.Sequential(\n    nn.Conv2d(1, 8, 3),  # 0\n    nn.ReLU(),  # 1\n    nn.MaxPool2d(2),  # 2\n    nn.Conv2d(8, 16, 3),  # 3\n    nn.ReLU(),  # 4\n    nn.MaxPool2d(2),  # 5\n    nn.Flatten(),  # 6\n    nn.Linear(400, 10),  # 7\n)"
    );
}

#[test]
fn dense_weights_use_pytorch_linear_layout() {
    let dir = temp_dir();
    let path = dir.path().join("mlp.safetensors");
    let spec = ModelSpec::mlp(3, &[(4, ActivationKind::Relu)], 2);
    let model = Sequential::<f32>::from_spec(&spec, 2);
    save_safetensors(&path, &model).expect("save");
    let file = parse_safetensors("mlp", &std::fs::read(&path).expect("read")).expect("parse");
    let weight = file
        .tensors
        .iter()
        .find(|t| t.name == "0.weight")
        .expect("0.weight");
    assert_eq!(weight.shape, [4, 3]);
    let dense = model.dense_layers()[0].1;
    // PyTorch weight[out][in] = gradscope W(in, out).
    for out in 0..4 {
        for input in 0..3 {
            assert_eq!(weight.values[out * 3 + input], dense.weight[(input, out)]);
        }
    }
    assert!(
        file.tensors
            .iter()
            .any(|t| t.name == "2.weight" && t.shape == [2, 4])
    );
}

#[test]
fn safetensors_of_another_shape_or_damaged_are_refused() {
    let dir = temp_dir();
    let path = dir.path().join("w.safetensors");
    let small = ModelSpec::mlp(
        2,
        &[(16, ActivationKind::Tanh), (8, ActivationKind::Tanh)],
        2,
    );
    save_safetensors(&path, &Sequential::<f32>::from_spec(&small, 1)).expect("save");
    let wanted = ModelSpec::mlp(
        2,
        &[(16, ActivationKind::Tanh), (16, ActivationKind::Tanh)],
        2,
    );
    assert_eq!(
        load_safetensors(&path, &wanted)
            .expect_err("shape")
            .to_string(),
        format!(
            "{}: tensor \"2.weight\" has shape [8, 16], the model expects [16, 16]",
            name(&path)
        )
    );
    let shallow = ModelSpec::mlp(2, &[(16, ActivationKind::Tanh)], 2);
    assert_eq!(
        load_safetensors(&path, &shallow)
            .expect_err("extra")
            .to_string(),
        format!(
            "{}: tensor \"4.bias\" does not belong to the model dense16,tanh,dense2 (it needs 0.weight, 0.bias, 2.weight, 2.bias)",
            name(&path)
        )
    );
    let bytes = std::fs::read(&path).expect("read");
    std::fs::write(&path, &bytes[..bytes.len() - 10]).expect("write");
    let error = load_safetensors(&path, &small)
        .expect_err("truncated")
        .to_string();
    assert!(
        error.starts_with(&format!("{}: not a valid safetensors file (", name(&path))),
        "{error}"
    );
    // A header that claims far more than the file holds.
    let mut huge = u64::MAX.to_le_bytes().to_vec();
    huge.extend_from_slice(b"{}");
    std::fs::write(&path, &huge).expect("write");
    assert!(load_safetensors(&path, &small).is_err());
}

#[test]
fn embedded_weights_for_another_model_are_refused() {
    let mut experiment = spiral_experiment();
    let other = ModelSpec::mlp(2, &[(4, ActivationKind::Tanh)], 2);
    experiment.weights = Some(SavedWeights::from_model(
        &Sequential::<f32>::from_spec(&other, 1),
        0,
        0,
    ));
    let error = experiment
        .session(Start::SavedWeights)
        .err()
        .expect("other model")
        .to_string();
    assert_eq!(
        error,
        "experiment: the weights are for the model dense4,tanh,dense2, but the experiment builds dense16,tanh,dense16,tanh,dense2"
    );
    // Damaged base64.
    let spec_model = experiment.session(Start::Seed).expect("session");
    let mut weights = SavedWeights::from_model(spec_model.model(), 0, 0);
    weights.tensors[0].f32_base64 = "!!!".into();
    experiment.weights = Some(weights);
    let error = experiment
        .session(Start::SavedWeights)
        .err()
        .expect("bad")
        .to_string();
    assert!(
        error.starts_with("experiment: tensor \"0.weight\": f32_base64 is not valid base64"),
        "{error}"
    );
}

#[test]
fn metrics_csv_has_the_header_and_one_row_per_step_and_evaluation() {
    let dir = temp_dir();
    let path = dir.path().join("metrics.csv");
    let mut session = spiral_experiment().session(Start::Seed).expect("session");
    let mut losses = LossHistory::default();
    let mut evals = Vec::new();
    for _ in 0..50 {
        if let StepOutcome::Trained {
            step,
            loss,
            epoch_done,
        } = session.step()
        {
            losses.push(step, loss as f32);
            if epoch_done && session.epoch() <= 2 {
                let (train, test) = session.evaluate_both();
                evals.push(EvalRecord {
                    step,
                    epoch: session.epoch(),
                    train,
                    test,
                });
            }
        }
    }
    let history = History::new(&losses, &evals);
    write_metrics_csv(&path, &history).expect("write");
    let mut reader = csv::Reader::from_path(&path).expect("open");
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(
        header,
        [
            "kind",
            "step",
            "steps",
            "epoch",
            "train_loss",
            "train_loss_min",
            "train_loss_max",
            "train_accuracy",
            "test_loss",
            "test_accuracy"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 52);
    assert_eq!(rows.iter().filter(|r| &r[0] == "eval").count(), 2);
    assert_eq!(&rows[0][0], "step");
    assert_eq!(&rows[0][1], "1");
    // Epoch 1 ends at step 7: its evaluation follows the row of step 7.
    assert_eq!(&rows[7][0], "eval");
    assert_eq!(&rows[7][1], "7");
    assert_eq!(&rows[7][3], "1");
    let accuracy: f64 = rows[7][9].parse().expect("test accuracy");
    assert_eq!(Some(accuracy), evals[0].test.and_then(|m| m.accuracy));
    let first_loss: f64 = rows[0][4].parse().expect("loss");
    assert_eq!(first_loss, history.losses[0].mean);

    // The history goes back to the window's form unchanged.
    assert_eq!(history.loss_history(2048), losses);
    assert_eq!(history.eval_records(), evals);
    let point = EvalPoint::from(&EvalRecord {
        step: 3,
        epoch: 0,
        train: Some(SplitMetrics {
            loss: 0.5,
            accuracy: None,
        }),
        test: None,
    });
    assert_eq!((point.train_loss, point.test_loss), (Some(0.5), None));
}

fn colored_frame(width: usize, height: usize, shade: u8) -> RgbaFrame {
    let mut rgba = Vec::with_capacity(width * height * 4);
    for y in 0..height {
        for x in 0..width {
            rgba.extend_from_slice(&[shade, (x * 20) as u8, (y * 30) as u8, 255]);
        }
    }
    RgbaFrame {
        width,
        height,
        rgba,
    }
}

fn decode_gif(path: &Path) -> Vec<image::Frame> {
    use image::AnimationDecoder;
    let file = std::io::BufReader::new(std::fs::File::open(path).expect("open"));
    let decoder = image::codecs::gif::GifDecoder::new(file).expect("gif header");
    decoder.into_frames().collect_frames().expect("frames")
}

#[test]
fn a_saved_gif_decodes_with_the_right_frame_count() {
    let dir = temp_dir();
    let path = dir.path().join("run.gif");
    let frames: Vec<RgbaFrame> = (0..5).map(|i| colored_frame(12, 8, i * 50)).collect();
    write_gif(&path, &frames, 10.0).expect("write");
    let decoded = decode_gif(&path);
    assert_eq!(decoded.len(), 5);
    for frame in &decoded {
        assert_eq!(frame.buffer().dimensions(), (12, 8));
        assert_eq!(frame.delay().numer_denom_ms(), (100, 1));
    }
    // The first pixel's red channel follows the frames' shades (a palette is exact for these
    // few colours).
    let reds: Vec<u8> = decoded
        .iter()
        .map(|f| f.buffer().get_pixel(0, 0)[0])
        .collect();
    assert_eq!(reds, [0, 50, 100, 150, 200]);

    // A recorder stops at fps × seconds frames and fits other sizes to the first.
    let path = dir.path().join("recorded.gif");
    let settings = GifSettings {
        fps: 2.0,
        seconds: 1.5,
    };
    assert_eq!(settings.frame_count(), 3);
    let mut recorder = GifRecorder::create(&path, 12, 8, settings).expect("create");
    assert!(recorder.add_frame(&colored_frame(12, 8, 0)).expect("frame"));
    assert!(recorder.add_frame(&colored_frame(20, 4, 0)).expect("frame"));
    assert!(!recorder.add_frame(&colored_frame(6, 6, 0)).expect("frame"));
    assert!(recorder.is_full());
    assert!(
        !recorder
            .add_frame(&colored_frame(12, 8, 0))
            .expect("ignored")
    );
    assert!(!path.exists(), "nothing is in place before finish");
    recorder.finish().expect("finish");
    let decoded = decode_gif(&path);
    assert_eq!(decoded.len(), 3);
    assert_eq!(decoded[2].delay().numer_denom_ms(), (500, 1));
    assert_eq!(decoded[2].buffer().get_pixel(8, 7).0, [255, 255, 255, 255]);

    let bad = RgbaFrame {
        width: 12,
        height: 8,
        rgba: vec![0; 10],
    };
    let error = write_gif(&dir.path().join("bad.gif"), &[bad], 10.0)
        .expect_err("short buffer")
        .to_string();
    assert!(
        error.ends_with("a 12×8 frame needs 384 bytes of RGBA, got 10"),
        "{error}"
    );
    assert!(
        GifRecorder::create(
            &path,
            12,
            8,
            GifSettings {
                fps: 0.0,
                seconds: 1.0
            }
        )
        .is_err()
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names.len(),
        2,
        "no temporary file is left behind: {names:?}"
    );
}

#[test]
fn a_failed_write_keeps_the_old_file_and_leaves_no_temporary_file() {
    let dir = temp_dir();
    let path = dir.path().join("exp.json");
    std::fs::write(&path, "the good old content").expect("write");
    let result = write_atomically(&path, |w| {
        w.write_all(b"half of the new")?;
        Err(std::io::Error::other("disk full"))
    });
    let error = result.expect_err("fails").to_string();
    assert_eq!(error, format!("{}: cannot save: disk full", name(&path)));
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "the good old content"
    );
    let entries: Vec<_> = std::fs::read_dir(dir.path()).expect("list").collect();
    assert_eq!(entries.len(), 1);

    write_atomically(&path, |w| w.write_all(b"new")).expect("write");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "new");
    assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1);

    let error = write_atomically(&dir.path().join("no/such/folder/x.json"), |w| {
        w.write_all(b"x")
    })
    .expect_err("no folder")
    .to_string();
    assert!(
        error.contains("no/such/folder/x.json: cannot save: "),
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
        fn arbitrary_bytes_give_an_error_not_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = Experiment::from_json("fuzz.json", &bytes);
            let _ = parse_safetensors("fuzz.safetensors", &bytes);
        }

        /// A valid file with one byte changed or cut short is read or refused, never a panic,
        /// and a refusal names the file.
        #[test]
        fn edited_files_are_read_or_refused(at in 0usize..2000, byte in any::<u8>(), cut in any::<bool>()) {
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
