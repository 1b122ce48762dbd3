//! Data sets in memory (`data::dataset`): building from rows, bad input refused with a
//! message, the stratified train/test split and gathering rows.

use gradscope::data::{DataError, Dataset, Features, Labels, Split, Standardizer, Task};

fn names(n: usize) -> Vec<String> {
    (0..n).map(|j| format!("f{j}")).collect()
}

fn classes(k: usize) -> Task {
    Task::Classification {
        class_names: (0..k).map(|c| format!("c{c}")).collect(),
    }
}

fn build(rows: Vec<Vec<f32>>, labels: Labels, task: Task, ratio: f32) -> Result<Dataset, String> {
    let n = rows.first().map_or(1, Vec::len);
    Dataset::from_rows("toy", names(n), rows, labels, task, ratio, 3, false)
        .map_err(|e| e.to_string())
}

#[test]
fn error_display_formats() {
    let e = DataError::new("f.csv", "boom");
    assert_eq!(e.to_string(), "f.csv: boom");
    assert_eq!(e.clone().at_line(7).to_string(), "f.csv:7: boom");
    assert_eq!(e.at_cell(7, 2).to_string(), "f.csv:7:2: boom");
}

#[test]
fn from_rows_rejects_bad_input() {
    let row = || vec![1.0, 2.0];
    assert_eq!(
        build(vec![], Labels::Classes(vec![]), classes(1), 0.5).unwrap_err(),
        "toy: no rows"
    );
    assert_eq!(
        build(vec![vec![]], Labels::Classes(vec![0]), classes(1), 0.5).unwrap_err(),
        "toy: the rows have no features"
    );
    assert_eq!(
        build(
            vec![row(), vec![1.0]],
            Labels::Classes(vec![0, 0]),
            classes(1),
            0.5
        )
        .unwrap_err(),
        "toy: row 1 has 1 features, row 0 has 2"
    );
    assert_eq!(
        build(
            vec![row(), vec![1.0, f32::NAN]],
            Labels::Classes(vec![0, 0]),
            classes(1),
            0.5
        )
        .unwrap_err(),
        "toy: feature 1 of row 1 is not a finite number"
    );
    assert_eq!(
        build(
            vec![row(), row()],
            Labels::Classes(vec![0]),
            classes(1),
            0.5
        )
        .unwrap_err(),
        "toy: 1 labels for 2 rows"
    );
    assert_eq!(
        build(
            vec![row(), row()],
            Labels::Classes(vec![0, 2]),
            classes(2),
            0.5
        )
        .unwrap_err(),
        "toy: class index 2 of row 1 is not below 2 (the number of class names)"
    );
    assert_eq!(
        build(vec![row()], Labels::Values(vec![1.0]), classes(1), 0.5).unwrap_err(),
        "toy: the labels do not match the task"
    );
    assert_eq!(
        build(
            vec![row()],
            Labels::Values(vec![f32::INFINITY]),
            Task::Regression,
            0.5
        )
        .unwrap_err(),
        "toy: the label of row 0 is not a finite number"
    );
    for ratio in [0.0, -0.5, 1.01, f32::NAN] {
        let err = build(vec![row()], Labels::Classes(vec![0]), classes(1), ratio).unwrap_err();
        assert!(
            err.starts_with("toy: train_ratio must be in (0, 1], got "),
            "{err}"
        );
    }
    let err = Dataset::from_rows(
        "toy",
        names(3),
        vec![row()],
        Labels::Classes(vec![0]),
        classes(1),
        0.5,
        0,
        false,
    );
    assert_eq!(
        err.unwrap_err().to_string(),
        "toy: 3 feature names for 2 features"
    );
}

#[test]
fn stratified_split_keeps_a_training_sample_per_class() {
    // class 0: 10 samples, class 1: 2 samples, class 2: 1 sample
    let labels: Vec<usize> = [vec![0; 10], vec![1; 2], vec![2; 1]].concat();
    let rows: Vec<Vec<f32>> = (0..labels.len()).map(|i| vec![i as f32]).collect();
    let ds = build(rows, Labels::Classes(labels), classes(3), 0.1).unwrap();
    let train = ds.train.classes(&(0..ds.train.len()).collect::<Vec<_>>());
    let count = |c| train.iter().filter(|&&k| k == c).count();
    // round(10·0.1) = 1, 2 samples → at least 1, 1 sample → round(0.1) = 0
    assert_eq!((count(0), count(1), count(2)), (1, 1, 0));
    assert_eq!(ds.test.len(), 11);
    // with ratio 0.95 every class of two or more keeps one test sample
    let labels: Vec<usize> = [vec![0; 10], vec![1; 2]].concat();
    let rows: Vec<Vec<f32>> = (0..12).map(|i| vec![i as f32]).collect();
    let ds = build(rows, Labels::Classes(labels), classes(2), 0.95).unwrap();
    assert_eq!((ds.train.len(), ds.test.len()), (10, 2));
}

#[test]
fn split_is_a_partition_and_rows_stay_with_labels() {
    let rows: Vec<Vec<f32>> = (0..20).map(|i| vec![i as f32, -(i as f32)]).collect();
    let labels = Labels::Classes((0..20).map(|i| i % 2).collect());
    let ds = build(rows, labels, classes(2), 0.75).unwrap();
    assert_eq!((ds.train.len(), ds.test.len()), (16, 4));
    let mut seen = Vec::new();
    for split in [&ds.train, &ds.test] {
        let idx: Vec<usize> = (0..split.len()).collect();
        let m = split.gather::<f64>(&idx);
        assert_eq!(m.shape(), (split.len(), 2));
        for (i, c) in split.classes(&idx).into_iter().enumerate() {
            let v = m[(i, 0)];
            assert_eq!(m[(i, 1)], -v);
            assert_eq!(v as usize % 2, c);
            seen.push(v as usize);
        }
        assert_eq!(split.values::<f32>(&idx).shape(), (0, 1));
    }
    seen.sort();
    assert_eq!(seen, (0..20).collect::<Vec<_>>());
    assert_eq!(ds.feature_range(0), (0.0, 19.0));
    assert_eq!(ds.feature_range(1), (-19.0, 0.0));
}

#[test]
fn gather_picks_rows_in_the_given_order() {
    let split = Split {
        features: Features::F32(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
        labels: Labels::Values(vec![10.0, 20.0, 30.0]),
        n_features: 2,
    };
    assert_eq!(split.len(), 3);
    assert!(!split.is_empty());
    assert_eq!(*split.row(1), [3.0, 4.0]);
    let m = split.gather::<f32>(&[2, 0, 2]);
    assert_eq!(m.shape(), (3, 2));
    assert_eq!(
        (m[(0, 0)], m[(0, 1)], m[(1, 0)], m[(2, 1)]),
        (5.0, 6.0, 1.0, 6.0)
    );
    let v = split.values::<f64>(&[1, 2]);
    assert_eq!((v[(0, 0)], v[(1, 0)]), (20.0, 30.0));
    assert!(split.classes(&[0]).is_empty());
}

#[test]
fn standardizer_statistics() {
    let split = Split {
        features: Features::F32(vec![1.0, 5.0, 2.0, 5.0, 3.0, 5.0, 4.0, 5.0]),
        labels: Labels::Classes(vec![0; 4]),
        n_features: 2,
    };
    let s = Standardizer::fit(&split);
    assert_eq!(s.mean, [2.5, 5.0]);
    // population std of 1..4 is sqrt(1.25); a constant feature gets std 1
    assert!((s.std[0] - 1.25f32.sqrt()).abs() < 1e-6);
    assert_eq!(s.std[1], 1.0);
    let mut row = [4.0, 5.0];
    s.standardize_row(&mut row);
    assert!((row[0] - 1.5 / 1.25f32.sqrt()).abs() < 1e-6 && row[1] == 0.0);
    s.unstandardize_row(&mut row);
    assert!((row[0] - 4.0).abs() < 1e-6 && row[1] == 5.0);
}

#[test]
fn standardising_uses_training_statistics_only() {
    let rows: Vec<Vec<f32>> = (0..40).map(|i| vec![(i * i) as f32]).collect();
    let labels = Labels::Values((0..40).map(|i| i as f32).collect());
    let ds = Dataset::from_rows(
        "toy",
        names(1),
        rows,
        labels,
        Task::Regression,
        0.5,
        11,
        true,
    )
    .unwrap();
    let s = ds.standardizer.clone().unwrap();
    // the raw training rows, recovered through the labels (label i ↔ feature i²)
    let Labels::Values(train_labels) = &ds.train.labels else {
        panic!()
    };
    let raw: Vec<f64> = train_labels.iter().map(|&l| f64::from(l).powi(2)).collect();
    let mean = raw.iter().sum::<f64>() / raw.len() as f64;
    let std = (raw.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / raw.len() as f64).sqrt();
    assert!((f64::from(s.mean[0]) - mean).abs() < 1e-3);
    assert!((f64::from(s.std[0]) - std).abs() < 1e-3);
    assert!(ds.feature_mean(0).abs() < 1e-5);
    assert_eq!((ds.train.len(), ds.test.len()), (20, 20));
}

#[test]
fn byte_features_become_byte_over_255_only_when_read() {
    let split = Split {
        features: Features::U8(vec![0, 51, 255, 102, 204, 0]),
        labels: Labels::Classes(vec![0, 1, 1]),
        n_features: 2,
    };
    assert_eq!(split.features.len(), 6);
    assert_eq!(split.features.get(2), Some(1.0));
    assert_eq!(split.features.get(6), None);
    assert!(split.features.as_f32().is_none());
    assert_eq!(*split.row(0), [0.0, 0.2]);
    let m = split.gather::<f64>(&[1, 0]);
    assert_eq!(m.shape(), (2, 2));
    assert_eq!((m[(0, 0)], m[(0, 1)], m[(1, 0)]), (1.0, 0.4f32 as f64, 0.0));
    let s = Standardizer::fit(&split);
    assert!((s.mean[0] - (1.0 + 0.8) / 3.0).abs() < 1e-6);
    let mut copy = split.clone();
    s.transform(&mut copy);
    let z = copy.features.as_f32().expect("standardised values are f32");
    assert!((z.iter().step_by(2).sum::<f32>()).abs() < 1e-5);
}

#[test]
fn tabular_data_sets_have_no_image_shape() {
    let ds = Dataset::from_rows(
        "toy",
        names(1),
        vec![vec![1.0], vec![2.0]],
        Labels::Values(vec![1.0, 2.0]),
        Task::Regression,
        0.5,
        0,
        false,
    )
    .unwrap();
    assert_eq!(ds.image_shape, None);
    assert_eq!(ds.feature_range(0), (1.0, 2.0));
}
