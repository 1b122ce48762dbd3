//! Safetensors weights (`experiment::weights`): PyTorch names and shapes, round trips, and
//! refusals of wrong shapes and damaged files.

use gradscope::experiment::{
    SavedWeights, Start, load_safetensors, parse_safetensors, pytorch_code, save_safetensors,
};
use gradscope::nn::{ActivationKind, ModelSpec, Sequential, Shape};

mod experiment_common;

use experiment_common::{name, spiral_experiment, temp_dir};

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
