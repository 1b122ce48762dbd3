//! Taking an experiment to PyTorch: `gradscope export-pytorch exp.json OUT_DIR` and the
//! window's *Export to PyTorch…* write, into one folder,
//!
//! - `model.safetensors`: the experiment's weights (its saved ones, else the seed's initial
//!   ones) in PyTorch's names and shapes, with the [`Preprocessing`] in the metadata;
//! - `split.json`: the train/test split as record indices (`{"rows": {"train": [...],
//!   "test": [...]}}`) or file order (`{"in_order": {"train": 60000, "test": 10000}}`);
//! - `train.py`: a readable script (template `assets/pytorch/train.py`) that loads the same
//!   data file with the same preprocessing and split, builds the same `nn.Sequential`, loss,
//!   optimizer and settings, trains (on CPU or GPU, data-parallel under `torchrun`),
//!   evaluates and prints one JSON line with `gradscope train --json`'s metric names;
//! - the data itself, for data sets that have no file of their own: the bundled Iris
//!   (`iris.csv`), the bundled MNIST digits (two `.gz` IDX files) and generated sets
//!   (`data.csv`, the features and the label in record order).
//!
//! Data read from a file is referred to by its absolute path (`train.py --data` points it
//! elsewhere). A folder of images is read by the script with the importer's rules (see
//! [`crate::data::images`]): the same listing, the files the importer could not decode left
//! out by name, and the `image` crate's triangle resize rebuilt in float32 with NumPy (it
//! needs pillow to decode the files).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Value, json};

use super::atomic::write_atomically;
use super::file::{DatasetRef, Experiment, Start};
use super::preprocess::{LabelColumn, Preprocessing, SplitRecord};
use super::weights::{pytorch_code, save_safetensors_with};
use crate::data::{CsvOptions, Dataset, ImportReport, Labels, SourceKind, Task};
use crate::nn::{Init, LayerSpec, ModelSpec};
use crate::train::SplitMetrics;

/// The script template; `__GRADSCOPE_CONFIG__` and `__GRADSCOPE_MODEL__` are filled in.
pub const TRAIN_PY_TEMPLATE: &str = include_str!("../../assets/pytorch/train.py");

/// What an export wrote, and gradscope's own evaluation of the exported weights (for
/// comparing with `train.py --epochs 0 --init model.safetensors`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExportSummary {
    /// The folder written to.
    pub out_dir: PathBuf,
    /// Every file written, in the order written.
    pub files: Vec<PathBuf>,
    /// `"saved"` (the experiment's trained weights) or `"seed"` (the seed's initial weights).
    pub weights: &'static str,
    /// Mean loss over the whole training split at the exported weights.
    pub train_loss: Option<f64>,
    /// Mean loss over the whole test split at the exported weights.
    pub test_loss: Option<f64>,
    /// Accuracy on the training split, 0–1 (`None` for regression).
    pub train_accuracy: Option<f64>,
    /// Accuracy on the test split, 0–1 (`None` for regression or no test split).
    pub test_accuracy: Option<f64>,
    /// What the user should know about the export: that the data changed since the
    /// experiment was saved (see [`Preprocessing::change_since`]), naming the data and the
    /// change. Empty when there is nothing to say.
    pub notes: Vec<String>,
}

/// `"{data}: the data changed since the experiment was saved: {change}; …"`, the data named
/// by its path when it is a file or folder; the end says what that means for the weights.
pub(crate) fn data_changed(experiment: &Experiment, name: &str, change: &str) -> String {
    let data = match &experiment.dataset {
        DatasetRef::File { path, .. } => path.display().to_string(),
        _ => name.to_string(),
    };
    let meaning = if experiment.weights.is_some() {
        "the saved weights were trained on it as it was"
    } else {
        "the export follows the data as it is now"
    };
    format!("{data}: the data changed since the experiment was saved: {change}; {meaning}")
}

/// What an export does with a folder that already holds something.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ExistingFiles {
    /// Write only into a new or empty folder; refuse one that holds anything.
    #[default]
    Refuse,
    /// Write into the folder whatever it holds, replacing files of the same names
    /// (`export-pytorch --force`); other files stay.
    Replace,
}

/// Where `train.py` finds the data, and files to write for data without a file of its own.
struct DataPlan {
    /// `data` of the script's configuration: `kind` (`table`, `idx`, `mnist_folder`,
    /// `image_folder`), `path`, for IDX the `partner` file and for an image folder the
    /// `unreadable` files (`class/file`) the importer left out.
    config: Value,
    /// Files to write into the export folder: (name, bytes).
    files: Vec<(String, Vec<u8>)>,
}

/// Exports `experiment` to PyTorch in `out_dir` (created if missing; with
/// [`ExistingFiles::Refuse`] it must be new or empty). Loads the data (which may take seconds
/// for a big file) to fit nothing new: the preprocessing is the one gradscope trains with.
///
/// # Errors
/// A one-line reason naming the file or folder: the folder is not empty (`"{dir}: the folder
/// is not empty (it holds train.py, x.csv): export into a new or empty folder"`), is a file,
/// or cannot be created (`"{dir}: cannot create the folder: {OS error}"`); the data or
/// weights cannot be read; a file cannot be written.
pub fn export_pytorch(
    experiment: &Experiment,
    out_dir: &Path,
    existing: ExistingFiles,
) -> Result<ExportSummary, String> {
    // Before the data is read: a wrong folder fails at once.
    check_out_dir(out_dir, existing)?;
    let (data, report) = experiment
        .load_dataset_with_report()
        .map_err(|e| e.to_string())?;
    let start = match experiment.weights {
        Some(_) => Start::SavedWeights,
        None => Start::Seed,
    };
    let mut session = experiment
        .session_on(Arc::clone(&data), start)
        .map_err(|e| e.to_string())?;
    let spec = session.model().spec().clone();
    let mut preprocessing = Preprocessing::new(&data, spec.input, report.as_ref());
    let notes: Vec<String> = experiment
        .preprocessing
        .as_ref()
        .and_then(|saved| preprocessing.change_since(saved))
        .map(|change| data_changed(experiment, &data.name, &change))
        .into_iter()
        .collect();
    let plan = data_plan(experiment, &data, report.as_ref(), &mut preprocessing)?;
    create_out_dir(out_dir)?;
    // A folder that appeared while the data was read is checked again.
    check_out_dir(out_dir, existing)?;
    // A file to replace that is a folder fails before anything is written, not half-way.
    let names = plan.files.iter().map(|(name, _)| name.as_str());
    for name in names.chain(["model.safetensors", "split.json", "train.py"]) {
        let path = out_dir.join(name);
        if path.is_dir() {
            return Err(format!(
                "{}: a folder of that name is in the way of the export's file",
                path.display()
            ));
        }
    }
    let mut files = Vec::new();
    for (name, bytes) in &plan.files {
        let path = out_dir.join(name);
        write_atomically(&path, |w| w.write_all(bytes)).map_err(|e| e.to_string())?;
        files.push(path);
    }
    let weights = out_dir.join("model.safetensors");
    save_safetensors_with(&weights, session.model(), &preprocessing).map_err(|e| e.to_string())?;
    files.push(weights);
    let split = out_dir.join("split.json");
    let split_json = serde_json::to_string(&preprocessing.split).map_err(|e| e.to_string())?;
    write_atomically(&split, |w| w.write_all(split_json.as_bytes())).map_err(|e| e.to_string())?;
    files.push(split);
    let script = out_dir.join("train.py");
    let text = train_script(experiment, &data, &spec, &preprocessing, plan.config);
    write_atomically(&script, |w| w.write_all(text.as_bytes())).map_err(|e| e.to_string())?;
    files.push(script);
    let (train, test) = session.evaluate_both();
    let metric = |m: Option<SplitMetrics>| m.map(|m| m.loss);
    Ok(ExportSummary {
        out_dir: out_dir.to_path_buf(),
        files,
        weights: if experiment.weights.is_some() {
            "saved"
        } else {
            "seed"
        },
        train_loss: metric(train),
        test_loss: metric(test),
        train_accuracy: train.and_then(|m| m.accuracy),
        test_accuracy: test.and_then(|m| m.accuracy),
        notes,
    })
}

/// Checks that `out_dir` can take an export: it is missing (then it is created later), or a
/// folder that is empty or may be written into (`existing`).
fn check_out_dir(out_dir: &Path, existing: ExistingFiles) -> Result<(), String> {
    let shown = out_dir.display();
    if !out_dir.exists() {
        return Ok(());
    }
    if !out_dir.is_dir() {
        return Err(format!(
            "{shown}: not a folder (a file of that name exists)"
        ));
    }
    let entries =
        std::fs::read_dir(out_dir).map_err(|e| format!("{shown}: cannot read the folder: {e}"))?;
    if existing == ExistingFiles::Replace {
        return Ok(());
    }
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if names.is_empty() {
        return Ok(());
    }
    names.sort();
    let more = names.len().saturating_sub(3);
    names.truncate(3);
    let mut held = names.join(", ");
    if more > 0 {
        held += &format!(" and {more} more");
    }
    Err(format!(
        "{shown}: the folder is not empty (it holds {held}): export into a new or empty folder"
    ))
}

/// Creates `out_dir` and its missing parents. The error names the folder, where the OS
/// refused (the deepest part of the path that exists) and the OS's reason:
/// `"/proc/x: cannot create the folder in /proc: No such file or directory (os error 2)"`,
/// `"a/b: cannot create the folder: a is a file, not a folder"`,
/// `"out: cannot create the folder: out is a link to gone, which does not exist"`.
fn create_out_dir(out_dir: &Path) -> Result<(), String> {
    let Err(e) = std::fs::create_dir_all(out_dir) else {
        return Ok(());
    };
    let shown = out_dir.display();
    // A link (the folder itself or one of its parents) whose target is gone: the OS only says
    // "File exists", so name the link and where it points.
    if let Some((link, target)) = out_dir.ancestors().find_map(|a| {
        let target = std::fs::read_link(a).ok()?;
        (!a.exists()).then_some((a, target))
    }) {
        return Err(format!(
            "{shown}: cannot create the folder: {} is a link to {}, which does not exist",
            link.display(),
            target.display()
        ));
    }
    let existing = out_dir
        .ancestors()
        .skip(1)
        .find(|a| !a.as_os_str().is_empty() && a.exists());
    Err(match existing {
        Some(file) if !file.is_dir() => format!(
            "{shown}: cannot create the folder: {} is a file, not a folder",
            file.display()
        ),
        Some(folder) => format!(
            "{shown}: cannot create the folder in {}: {e}",
            folder.display()
        ),
        None => format!("{shown}: cannot create the folder: {e}"),
    })
}

/// The absolute form of `path` (as given when it cannot be resolved).
fn absolute(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

/// Where the script reads the data, writing the data of sets without a file into the export.
fn data_plan(
    experiment: &Experiment,
    data: &Dataset,
    report: Option<&ImportReport>,
    preprocessing: &mut Preprocessing,
) -> Result<DataPlan, String> {
    let plan = |config: Value| DataPlan {
        config,
        files: Vec::new(),
    };
    match (&experiment.dataset, report) {
        (DatasetRef::File { path, .. }, Some(report)) => match report.kind {
            SourceKind::Table => Ok(plan(json!({"kind": "table", "path": absolute(path)}))),
            SourceKind::MnistFolder => Ok(plan(
                json!({"kind": "mnist_folder", "path": absolute(Path::new(&report.source))}),
            )),
            SourceKind::Idx => {
                let partner = crate::data::idx_partner(path)
                    .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .unwrap_or_default();
                Ok(plan(
                    json!({"kind": "idx", "path": absolute(path), "partner": partner}),
                ))
            }
            SourceKind::ImageFolder => {
                // The script lists the folder with the importer's rules; the files the
                // importer could not decode are named, so both skip the same ones.
                let unreadable: Vec<&str> = report
                    .folder
                    .iter()
                    .flat_map(|f| f.unreadable.iter().map(|u| u.file.as_str()))
                    .collect();
                Ok(plan(json!({
                    "kind": "image_folder",
                    "path": absolute(path),
                    "unreadable": unreadable,
                })))
            }
        },
        (DatasetRef::File { path, .. }, None) => Err(format!(
            "{}: the importer gave no report for this file",
            path.display()
        )),
        (DatasetRef::Mnist, _) => {
            let [(images, image_bytes), (labels, label_bytes)] =
                crate::data::idx::bundled_mnist_files();
            Ok(DataPlan {
                config: json!({"kind": "idx", "path": images, "partner": labels}),
                files: vec![
                    (images.to_string(), image_bytes.to_vec()),
                    (labels.to_string(), label_bytes.to_vec()),
                ],
            })
        }
        (DatasetRef::Iris { .. }, _) => {
            preprocessing.csv = Some(CsvOptions::default());
            preprocessing.label = Some(LabelColumn {
                name: "species".to_string(),
                index: data.n_features(),
            });
            Ok(DataPlan {
                config: json!({"kind": "table", "path": "iris.csv"}),
                files: vec![(
                    "iris.csv".to_string(),
                    crate::data::iris::IRIS_CSV.as_bytes().to_vec(),
                )],
            })
        }
        (DatasetRef::Synth(_), _) => {
            preprocessing.csv = Some(CsvOptions::default());
            Ok(DataPlan {
                config: json!({"kind": "table", "path": "data.csv"}),
                files: vec![(
                    "data.csv".to_string(),
                    records_csv(data, &preprocessing.split),
                )],
            })
        }
    }
}

/// A generated set as CSV text in record order: the feature names and `label` as header, the
/// features in source units (standardisation undone), the class name or target value.
fn records_csv(data: &Dataset, split: &SplitRecord) -> Vec<u8> {
    let (train_rows, test_rows): (Vec<usize>, Vec<usize>) = match split {
        SplitRecord::Rows { train, test } => (train.clone(), test.clone()),
        SplitRecord::InOrder { train, test } => {
            ((0..*train).collect(), (*train..train + test).collect())
        }
    };
    let total = train_rows.len() + test_rows.len();
    let mut lines = vec![String::new(); total];
    for (split, rows) in [(&data.train, &train_rows), (&data.test, &test_rows)] {
        for (i, &record) in rows.iter().enumerate() {
            let mut row = split.row(i).to_vec();
            if let Some(s) = &data.standardizer {
                s.unstandardize_row(&mut row);
            }
            let mut cells: Vec<String> = row.iter().map(f32::to_string).collect();
            cells.push(match (&split.labels, &data.task) {
                (Labels::Classes(c), Task::Classification { class_names }) => {
                    class_names[c[i]].clone()
                }
                (Labels::Values(v), _) => v[i].to_string(),
                _ => String::new(),
            });
            if let Some(line) = lines.get_mut(record) {
                *line = cells.join(",");
            }
        }
    }
    let mut text = data.feature_names.join(",") + ",label\n";
    for line in lines {
        text += &line;
        text += "\n";
    }
    text.into_bytes()
}

/// The initialisation of every Dense and Conv2d, by its index in the `nn.Sequential`:
/// `"he_normal"` before ReLU/LeakyReLU, `"xavier_uniform"` otherwise (as
/// `Sequential::from_spec`).
fn init_rules(spec: &ModelSpec) -> serde_json::Map<String, Value> {
    let mut rules = serde_json::Map::new();
    let indices: Vec<usize> = super::weights::tensor_slots(spec)
        .iter()
        .filter_map(|slot| slot.name.strip_suffix(".weight")?.parse().ok())
        .collect();
    let parametric = spec
        .layers
        .iter()
        .enumerate()
        .filter(|(_, l)| matches!(l, LayerSpec::Dense { .. } | LayerSpec::Conv2d { .. }));
    for ((i, _), index) in parametric.zip(indices) {
        let rule = match spec.layers.get(i + 1) {
            Some(LayerSpec::Activation(kind)) if kind.preferred_init() == Init::HeNormal => {
                "he_normal"
            }
            _ => "xavier_uniform",
        };
        rules.insert(index.to_string(), Value::from(rule));
    }
    rules
}

/// Epochs `train.py` runs by default when the experiment's are 0 (the window's "until
/// paused", which a script cannot do): the epochs the saved weights had trained, else
/// [`SCRIPT_EPOCHS_WITHOUT_LIMIT`]; with a note saying so, which the script prints. `None`
/// when the experiment has a limit (the script uses it).
fn script_epochs(experiment: &Experiment) -> Option<(u64, String)> {
    if experiment.train.epochs != 0 {
        return None;
    }
    let trained = experiment.weights.as_ref().map_or(0, |w| w.epoch);
    let (epochs, why) = if trained > 0 {
        (trained, "is what it had trained")
    } else {
        (SCRIPT_EPOCHS_WITHOUT_LIMIT, "is the script's default then")
    };
    Some((
        epochs,
        format!("gradscope trained until paused (no epoch limit); {epochs} epochs {why}"),
    ))
}

/// Epochs of `train.py` for an experiment without a limit and without trained weights.
pub const SCRIPT_EPOCHS_WITHOUT_LIMIT: u64 = 100;

/// `train.py` for this experiment: the template with its configuration and model filled in.
fn train_script(
    experiment: &Experiment,
    data: &Dataset,
    spec: &ModelSpec,
    preprocessing: &Preprocessing,
    data_config: Value,
) -> String {
    let mut prep = serde_json::to_value(preprocessing).unwrap_or(Value::Null);
    if let Some(map) = prep.as_object_mut() {
        // The split is in split.json; the script keeps only what it applies.
        map.remove("split");
    }
    let mut train = serde_json::to_value(&experiment.train).unwrap_or(Value::Null);
    let epochs = script_epochs(experiment);
    if let (Some(map), Some((epochs, _))) = (train.as_object_mut(), &epochs) {
        map.insert("epochs".into(), json!(epochs));
    }
    let config = json!({
        "dataset": data.name,
        "model": spec.to_text(),
        "data": data_config,
        "preprocessing": prep,
        "train": train,
        "epochs_note": epochs.map(|(_, note)| note),
        "loss": if data.is_classification() { "cross_entropy" } else { "mse" },
        "init": init_rules(spec),
    });
    let config = serde_json::to_string_pretty(&config).unwrap_or_default();
    let model = pytorch_code(spec).replace('\n', "\n    ");
    TRAIN_PY_TEMPLATE
        .replace("__GRADSCOPE_CONFIG__", &config)
        .replace("__GRADSCOPE_MODEL__", &model)
}
