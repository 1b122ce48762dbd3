//! The preprocessing that travels with a model (`experiment::preprocess`): built from an
//! imported table (one-hot text column, a missing cell, blank line, standardisation) and from
//! the bundled MNIST digits; every field written to safetensors metadata and to an experiment
//! file and read back equal; and the inputs rebuilt from the file's cells with nothing but the
//! record equal, bit for bit, to the ones gradscope trains on.

use gradscope::data::{
    CsvOptions, DataSource, FileImport, ImportSettings, MissingPolicy, load_now, mnist_bundled,
};
use gradscope::experiment::{
    ColumnSource, DatasetRef, Deviation, Experiment, LabelColumn, Preprocessing, SplitRecord,
    parse_safetensors, save_safetensors_with,
};
use gradscope::nn::{Sequential, Shape};
use gradscope::train::TrainConfig;

/// Eight data rows, a blank line after the third, a text column and one missing cell.
const TABLE: &str = "x1,colour,x2,label\n\
1.5,red,10,a\n\
2.0,blue,,b\n\
3.0,red,30,a\n\
\n\
4.0,green,40,b\n\
5.0,blue,50,a\n\
6.0,red,60,b\n\
7.0,green,70,a\n\
8.0,blue,80,b\n";

/// The table's data rows as cells (the blank line is not a row).
fn rows() -> Vec<Vec<&'static str>> {
    TABLE
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').collect())
        .collect()
}

fn imported() -> (gradscope::data::Loaded, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.csv");
    std::fs::write(&path, TABLE).expect("write");
    let mut settings = ImportSettings::defaults(4, CsvOptions::default());
    settings.missing = MissingPolicy::FillMean;
    settings.train_ratio = 0.75;
    let source = DataSource {
        path,
        import: FileImport::Table(settings),
    };
    (load_now(&source).expect("load"), dir)
}

#[test]
fn a_table_records_every_step_from_cells_to_inputs() {
    let (loaded, _dir) = imported();
    let data = &loaded.dataset;
    let input = Shape::flat(data.n_features());
    let prep = Preprocessing::new(data, input, Some(&loaded.report));
    assert_eq!(prep.input_shape, "[N, 5]");
    assert_eq!(
        prep.feature_names,
        ["x1", "colour=blue", "colour=green", "colour=red", "x2"]
    );
    assert_eq!(
        prep.columns,
        [
            ColumnSource {
                name: "x1".into(),
                index: 0,
                one_hot: vec![]
            },
            ColumnSource {
                name: "colour".into(),
                index: 1,
                one_hot: vec!["blue".into(), "green".into(), "red".into()]
            },
            ColumnSource {
                name: "x2".into(),
                index: 2,
                one_hot: vec![]
            },
        ]
    );
    assert_eq!(
        prep.label,
        Some(LabelColumn {
            name: "label".into(),
            index: 3
        })
    );
    assert_eq!(prep.csv, Some(CsvOptions::default()));
    assert_eq!(prep.class_names, Some(vec!["a".into(), "b".into()]));
    assert_eq!(prep.pixels, None);
    let SplitRecord::Rows { train, test } = &prep.split else {
        panic!("a table's split is by rows: {:?}", prep.split);
    };
    // Stratified 0.75 of 4 + 4 rows: 3 + 3 train, 1 + 1 test; every row once.
    assert_eq!((train.len(), test.len()), (6, 2));
    let mut all: Vec<usize> = train.iter().chain(test).copied().collect();
    all.sort_unstable();
    assert_eq!(all, (0..8).collect::<Vec<_>>());

    // The fill value of x2 is the mean of its present training cells; row 1 is its gap.
    let cells = rows();
    let present: Vec<f64> = train
        .iter()
        .filter(|&&r| !cells[r][2].is_empty())
        .map(|&r| cells[r][2].parse::<f64>().expect("number"))
        .collect();
    let x2_fill = (present.iter().sum::<f64>() / present.len() as f64) as f32;
    let fill = prep.fill_values.clone().expect("a cell was missing");
    assert_eq!(fill[4], x2_fill);
    let std = prep.standardization.clone().expect("standardised");
    assert_eq!(std.deviation, Deviation::Population);
    let x1: Vec<f64> = train
        .iter()
        .map(|&r| cells[r][0].parse::<f64>().expect("number"))
        .collect();
    let x1_mean = x1.iter().sum::<f64>() / x1.len() as f64;
    let x1_std = (x1.iter().map(|x| (x - x1_mean).powi(2)).sum::<f64>() / x1.len() as f64).sqrt();
    assert_eq!(std.mean[0], x1_mean as f32);
    assert_eq!(std.std[0], x1_std as f32);

    // Rebuild every input from its record's cells and the record alone.
    let rebuild = |r: usize| -> Vec<f32> {
        let mut raw = Vec::new();
        for column in &prep.columns {
            let cell = cells[r][column.index];
            if column.one_hot.is_empty() {
                raw.push(cell.parse::<f32>().ok());
            } else {
                raw.extend(
                    column
                        .one_hot
                        .iter()
                        .map(|c| Some(f32::from(u8::from(c == cell)))),
                );
            }
        }
        raw.iter()
            .enumerate()
            .map(|(j, x)| (x.unwrap_or(fill[j]) - std.mean[j]) / std.std[j])
            .collect()
    };
    for (split, records) in [(&data.train, train), (&data.test, test)] {
        for (i, &r) in records.iter().enumerate() {
            assert_eq!(split.row(i).to_vec(), rebuild(r), "record {r}");
        }
    }
}

#[test]
fn every_field_comes_back_from_safetensors_and_the_experiment_file() {
    let (loaded, dir) = imported();
    let data = std::sync::Arc::new(loaded.dataset.clone());
    let config = TrainConfig::default();
    let spec = config.model_spec(&data).expect("spec");
    let model = Sequential::<f32>::from_spec(&spec, 1);
    let prep = Preprocessing::new(&data, spec.input, Some(&loaded.report));

    let path = dir.path().join("m.safetensors");
    save_safetensors_with(&path, &model, &prep).expect("save");
    let file = parse_safetensors("m", &std::fs::read(&path).expect("read")).expect("parse");
    let meta = &file.metadata;
    assert_eq!(meta["gradscope_input_shape"], "[N, 5]");
    assert_eq!(meta["gradscope_input"], "5");
    assert_eq!(meta["gradscope_classes"], r#"["a","b"]"#);
    assert_eq!(
        meta["gradscope_features"],
        r#"["x1","colour=blue","colour=green","colour=red","x2"]"#
    );
    let back = Preprocessing::from_metadata(meta, "m").expect("valid");
    assert_eq!(back.as_ref(), Some(&prep));

    let mut experiment = Experiment::new(
        DatasetRef::File {
            path: dir.path().join("t.csv"),
            import: FileImport::default(),
        },
        config,
    );
    experiment.preprocessing = Some(prep.clone());
    let json = experiment.to_json();
    let again = Experiment::from_json("e.json", json.as_bytes()).expect("read back");
    assert_eq!(again.preprocessing, Some(prep));
    // Written as one optional field; files without it still read.
    experiment.preprocessing = None;
    let plain = experiment.to_json();
    assert!(!plain.contains("preprocessing"));
    let none = Experiment::from_json("e.json", plain.as_bytes()).expect("read");
    assert_eq!(none.preprocessing, None);
}

#[test]
fn images_record_their_shape_scaling_and_file_order_split() {
    let data = mnist_bundled().expect("bundled");
    let prep = Preprocessing::new(&data, Shape::image(1, 28, 28), None);
    assert_eq!(prep.input_shape, "[N, 1, 28, 28]");
    assert!(prep.feature_names.is_empty() && prep.columns.is_empty());
    let pixels = prep.pixels.clone().expect("images");
    assert_eq!((pixels.channels, pixels.height, pixels.width), (1, 28, 28));
    assert_eq!(pixels.divisor, 255.0);
    assert_eq!(prep.standardization, None);
    assert_eq!(
        prep.split,
        SplitRecord::InOrder {
            train: 8000,
            test: 2000
        }
    );
    let names: Vec<String> = (0..10).map(|d| d.to_string()).collect();
    assert_eq!(prep.class_names, Some(names));
}

#[test]
fn damaged_preprocessing_metadata_names_the_file_line_and_column() {
    let mut meta = std::collections::HashMap::new();
    assert_eq!(
        Preprocessing::from_metadata(&meta, "w.safetensors"),
        Ok(None)
    );
    meta.insert(
        "gradscope_preprocessing".to_string(),
        "{\"input_shape\": \"[N, 2]\",\n \"split\": 7}".to_string(),
    );
    assert_eq!(
        Preprocessing::from_metadata(&meta, "w.safetensors"),
        Err(
            "w.safetensors: gradscope_preprocessing: expected value at line 2 column 11"
                .to_string()
        )
    );
}
