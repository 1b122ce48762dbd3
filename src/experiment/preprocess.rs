//! The preprocessing between a data file and the model's inputs, written down so that it
//! travels with the model: in the safetensors metadata ([`super::weights`]), in the experiment
//! file (`"preprocessing"`) and in the PyTorch export ([`super::pytorch`]).
//!
//! A tabular model's input row is built from the file's cells like this, feature by feature
//! in [`Preprocessing::columns`] order:
//!
//! 1. a number column gives its cell as a number (a decimal comma when [`CsvOptions`] says
//!    so); a one-hot column gives one 0/1 feature per category, `1` where the cell equals it;
//! 2. a missing cell (empty, `?`, `NA`, `N/A`, `nan`), or one that is not a number in a
//!    number column, takes the feature's [`Preprocessing::fill_values`] (training mean);
//! 3. with [`Preprocessing::standardization`], `z = (x − mean) / std` in `f32`, mean and
//!    std fitted on the training split (population standard deviation, divide by n).
//!
//! An image's input is its bytes scaled by [`PixelScaling`] (`byte / 255`), `C×H×W`.
//! Logit `k` is class [`Preprocessing::class_names`]`[k]`. [`SplitRecord`] says which records
//! are training and test samples.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::data::{CsvOptions, Dataset, ImportReport};
use crate::nn::Shape;

/// Everything needed to rebuild a model's inputs and labels from its data file. See the
/// module docs for how the fields are applied.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Preprocessing {
    /// The input tensor's shape as the model takes it, batch first: `"[N, F]"` for a tabular
    /// model of `F` features, `"[N, C, H, W]"` for images.
    pub input_shape: String,
    /// Feature names in input order (tables only; an image's features are its pixels).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub feature_names: Vec<String>,
    /// The file's columns the features come from, in input order (tables only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<ColumnSource>,
    /// The label column (tables only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<LabelColumn>,
    /// How the text was read (tables read from a file only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csv: Option<CsvOptions>,
    /// Per-feature standardisation fitted on the training split, `None` when the features
    /// are used as they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standardization: Option<Standardization>,
    /// Value of each feature for a missing cell, in source units (before standardisation):
    /// the training split's mean of the present values. `None` when no cell was missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill_values: Option<Vec<f32>>,
    /// How image bytes become inputs (images only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pixels: Option<PixelScaling>,
    /// Class names in logit order; `None` for regression (one output, in label units).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_names: Option<Vec<String>>,
    /// Which records are training and which test samples.
    pub split: SplitRecord,
}

/// A column of the file that gives features.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnSource {
    /// The column's name (header text, or `column N` without a header).
    pub name: String,
    /// 0-based index of the column in the file.
    pub index: usize,
    /// For a text column: the categories in feature order (sorted), one 0/1 feature each
    /// (named `"{name}={category}"`). Empty for a number column (one feature).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub one_hot: Vec<String>,
}

/// The label column of a table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelColumn {
    /// The column's name.
    pub name: String,
    /// 0-based index of the column in the file.
    pub index: usize,
}

/// Which standard deviation divides the features.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Deviation {
    /// `sqrt(Σ (x − mean)² / n)` (scikit-learn's `StandardScaler`, `numpy.std`).
    Population,
    /// `sqrt(Σ (x − mean)² / (n − 1))` (`torch.std`, pandas' `std`).
    Sample,
}

/// `z = (x − mean) / std` per feature, fitted on the training split.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Standardization {
    /// Mean of each feature over the training split, in source units.
    pub mean: Vec<f32>,
    /// Standard deviation of each feature (1 where the spread is 0), in source units.
    pub std: Vec<f32>,
    /// Which standard deviation `std` is (gradscope fits the population one).
    pub deviation: Deviation,
}

/// Image bytes as inputs: `value = byte / divisor`, laid out `C×H×W` (channel-major).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PixelScaling {
    /// Channels (1 grey, 3 RGB).
    pub channels: usize,
    /// Rows of pixels.
    pub height: usize,
    /// Pixels per row.
    pub width: usize,
    /// Each byte is divided by this (255: inputs in `[0, 1]`).
    pub divisor: f32,
}

/// The train/test split as records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SplitRecord {
    /// By 0-based record index (a table's data rows, header and blank lines not counted; an
    /// image folder's readable images in listing order; a generated set's samples), each list
    /// in the order gradscope holds the samples. Records in neither list were left out.
    Rows {
        /// Records of the training samples.
        train: Vec<usize>,
        /// Records of the test samples.
        test: Vec<usize>,
    },
    /// In file order: the first `train` samples train, the next `test` samples test (MNIST:
    /// the `train-*` file, then the `t10k-*` file).
    InOrder {
        /// Training samples.
        train: usize,
        /// Test samples.
        test: usize,
    },
}

impl SplitRecord {
    /// Training and test sample counts.
    pub fn counts(&self) -> (usize, usize) {
        match self {
            SplitRecord::Rows { train, test } => (train.len(), test.len()),
            SplitRecord::InOrder { train, test } => (*train, *test),
        }
    }
}

/// `"[N, 4]"` or `"[N, 1, 28, 28]"`: the input tensor of a model taking `input`.
pub fn input_shape_text(input: Shape) -> String {
    if input.is_flat() {
        format!("[N, {}]", input.channels)
    } else {
        format!("[N, {}, {}, {}]", input.channels, input.height, input.width)
    }
}

impl Preprocessing {
    /// How the data read now (`self`) differs from `saved`, the preprocessing stored with an
    /// experiment when it was saved, in a few words: the model's input shape, the features,
    /// the classes, the split (its sizes, or the same sizes over other records), then the
    /// first feature whose training mean, standard deviation or fill value moved (relative
    /// difference above 1e-6). `None` when all of those agree: the saved weights see the
    /// inputs they were trained on.
    ///
    /// Example: `the split had 120 training and 30 test samples, now 128 and 32`.
    pub fn change_since(&self, saved: &Preprocessing) -> Option<String> {
        if self.input_shape != saved.input_shape {
            return Some(format!(
                "the model's input was {}, now {}",
                saved.input_shape, self.input_shape
            ));
        }
        if self.feature_names != saved.feature_names {
            return Some(format!(
                "the features were {}, now {}",
                name_list(&saved.feature_names),
                name_list(&self.feature_names)
            ));
        }
        if self.class_names != saved.class_names {
            let classes = |names: &Option<Vec<String>>| {
                names
                    .as_deref()
                    .map_or_else(|| "none (regression)".to_string(), name_list)
            };
            return Some(format!(
                "the classes were {}, now {}",
                classes(&saved.class_names),
                classes(&self.class_names)
            ));
        }
        if self.split != saved.split {
            let ((a, b), (c, d)) = (saved.split.counts(), self.split.counts());
            return Some(if (a, b) == (c, d) {
                format!(
                    "the split's {a} training and {b} test samples are other records now (rows \
                     reordered, added or removed)"
                )
            } else {
                format!("the split had {a} training and {b} test samples, now {c} and {d}")
            });
        }
        let name = |j: usize| {
            self.feature_names
                .get(j)
                .map_or_else(|| format!("feature {}", j + 1), |n| format!("{n:?}"))
        };
        let moved = |what: &str, then: &[f32], now: &[f32]| {
            let j = then.iter().zip(now).position(|(&a, &b)| {
                (f64::from(a) - f64::from(b)).abs()
                    > 1e-6 * f64::from(a.abs().max(b.abs())).max(1e-30)
            })?;
            Some(format!(
                "the {what} of {} was {}, now {}",
                name(j),
                then[j],
                now[j]
            ))
        };
        match (&saved.standardization, &self.standardization) {
            (Some(then), Some(now)) => {
                if let Some(change) = moved("training mean", &then.mean, &now.mean)
                    .or_else(|| moved("standard deviation", &then.std, &now.std))
                {
                    return Some(change);
                }
            }
            (None, None) => {}
            (then, _) => {
                let state = |on: bool| {
                    if on {
                        "standardised"
                    } else {
                        "not standardised"
                    }
                };
                return Some(format!(
                    "the features were {}, now {}",
                    state(then.is_some()),
                    state(then.is_none())
                ));
            }
        }
        match (&saved.fill_values, &self.fill_values) {
            (Some(then), Some(now)) => moved("fill value", then, now),
            (None, None) => None,
            (then, _) => Some(if then.is_some() {
                "cells were missing and filled, now none is".to_string()
            } else {
                "no cell was missing, now some are (filled with the training mean)".to_string()
            }),
        }
    }

    /// The preprocessing of `data` for a model taking `input`. `report` (from the importer)
    /// gives the columns of a table read from a file; without one, a tabular set's feature
    /// `j` is column `j` and the label comes after the features (the layout of the CSV that
    /// [`super::pytorch`] writes for generated and bundled sets).
    pub fn new(data: &Dataset, input: Shape, report: Option<&ImportReport>) -> Self {
        let table = report.and_then(|r| r.table.as_ref());
        let (columns, label) = match (table, data.image_shape) {
            (_, Some(_)) => (Vec::new(), None),
            (Some(table), None) => table_columns(data, table),
            (None, None) => {
                let columns = data
                    .feature_names
                    .iter()
                    .enumerate()
                    .map(|(index, name)| ColumnSource {
                        name: name.clone(),
                        index,
                        one_hot: Vec::new(),
                    })
                    .collect();
                let label = LabelColumn {
                    name: "label".to_string(),
                    index: data.n_features(),
                };
                (columns, Some(label))
            }
        };
        let split = match &data.source_rows {
            Some(rows) => SplitRecord::Rows {
                train: rows.train.clone(),
                test: rows.test.clone(),
            },
            None => SplitRecord::InOrder {
                train: data.train.len(),
                test: data.test.len(),
            },
        };
        Preprocessing {
            input_shape: input_shape_text(input),
            feature_names: if data.image_shape.is_some() {
                Vec::new()
            } else {
                data.feature_names.clone()
            },
            columns,
            label,
            csv: table.map(|t| t.options),
            standardization: data.standardizer.as_ref().map(|s| Standardization {
                mean: s.mean.clone(),
                std: s.std.clone(),
                deviation: Deviation::Population,
            }),
            fill_values: data.fill_values.clone(),
            pixels: data
                .image_shape
                .map(|[channels, height, width]| PixelScaling {
                    channels,
                    height,
                    width,
                    divisor: 255.0,
                }),
            class_names: data.class_names().map(<[String]>::to_vec),
            split,
        }
    }

    /// The metadata entries that carry this preprocessing in a safetensors file:
    /// `gradscope_input_shape` (`"[N, 4]"`), `gradscope_classes` and `gradscope_features`
    /// (JSON arrays; classes in logit order, left out for regression and images) and
    /// `gradscope_preprocessing` (all of it as JSON, read by [`Preprocessing::from_metadata`]).
    pub fn metadata(&self) -> Vec<(String, String)> {
        let mut entries = vec![
            (
                "gradscope_input_shape".to_string(),
                self.input_shape.clone(),
            ),
            ("gradscope_preprocessing".to_string(), to_json(self)),
        ];
        if let Some(classes) = &self.class_names {
            entries.push(("gradscope_classes".to_string(), to_json(classes)));
        }
        if !self.feature_names.is_empty() {
            entries.push((
                "gradscope_features".to_string(),
                to_json(&self.feature_names),
            ));
        }
        entries
    }

    /// The preprocessing in a safetensors file's metadata, `None` when it has none (files
    /// written before it travelled with the model, or by other programs). `file` names the
    /// source in errors.
    ///
    /// # Errors
    /// `"{file}: gradscope_preprocessing: {reason} at line L column C"` for text that is not
    /// a valid preprocessing record.
    pub fn from_metadata(
        metadata: &HashMap<String, String>,
        file: &str,
    ) -> Result<Option<Self>, String> {
        let Some(text) = metadata.get("gradscope_preprocessing") else {
            return Ok(None);
        };
        serde_json::from_str(text)
            .map(Some)
            .map_err(|e| format!("{file}: gradscope_preprocessing: {e}"))
    }
}

/// Compact JSON of `value` (`"null"` if serde refuses, which these plain types never do).
fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_string())
}

/// The feature columns of an imported table, in input order, and its label column, from the
/// importer's decisions (a one-hot column's categories are its feature names after
/// `"{column}="`).
fn table_columns(
    data: &Dataset,
    table: &crate::data::TableReport,
) -> (Vec<ColumnSource>, Option<LabelColumn>) {
    use crate::data::ColumnUse;
    let mut columns: Vec<ColumnSource> = Vec::new();
    let mut label = None;
    for name in &data.feature_names {
        let Some(decision) = table
            .columns
            .iter()
            .find(|d| !d.is_excluded() && d.features.iter().any(|f| f == name))
        else {
            continue;
        };
        if columns.last().is_some_and(|c| c.index == decision.index) {
            continue;
        }
        let one_hot = if decision.kind == ColumnUse::OneHot {
            let prefix = format!("{}=", decision.column);
            decision
                .features
                .iter()
                .map(|f| f.strip_prefix(&prefix).unwrap_or(f).to_string())
                .collect()
        } else {
            Vec::new()
        };
        columns.push(ColumnSource {
            name: decision.column.clone(),
            index: decision.index,
            one_hot,
        });
    }
    if let Some(decision) = table.columns.iter().find(|d| d.kind == ColumnUse::Label) {
        label = Some(LabelColumn {
            name: decision.column.clone(),
            index: decision.index,
        });
    }
    (columns, label)
}

/// Up to six names, quoted and comma-separated, then how many more.
fn name_list(names: &[String]) -> String {
    let shown: Vec<String> = names.iter().take(6).map(|n| format!("{n:?}")).collect();
    match names.len() {
        0 => "none".to_string(),
        n if n > 6 => format!("{} and {} more", shown.join(", "), n - 6),
        _ => shown.join(", "),
    }
}
