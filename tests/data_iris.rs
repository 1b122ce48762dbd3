//! The bundled Iris flowers (`data::iris`): shape, classes, standardisation fitted on the
//! training rows only, determinism in the seed.

use gradscope::data::{Dataset, Labels, Split, Task, iris};

const FILE: &str = include_str!("../assets/iris.csv");

/// The raw file rows: features in tenths of a cm (exact integers) and species name.
fn raw_rows() -> Vec<([i64; 4], String)> {
    FILE.lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            let mut tenths = [0; 4];
            for (t, c) in tenths.iter_mut().zip(&cells) {
                *t = (c.parse::<f64>().unwrap() * 10.0).round() as i64;
            }
            (tenths, cells[4].to_string())
        })
        .collect()
}

/// The rows of `split` taken back to raw units with the data set's standardiser.
fn unstandardised(ds: &Dataset, split: &Split) -> Vec<([i64; 4], String)> {
    let s = ds.standardizer.as_ref().unwrap();
    let Task::Classification { class_names } = &ds.task else {
        panic!()
    };
    let Labels::Classes(classes) = &split.labels else {
        panic!()
    };
    (0..split.len())
        .map(|i| {
            let mut row = split.row(i).to_vec();
            s.unstandardize_row(&mut row);
            let mut tenths = [0; 4];
            for (t, x) in tenths.iter_mut().zip(&row) {
                let v = f64::from(*x) * 10.0;
                assert!(
                    (v - v.round()).abs() < 1e-3,
                    "{v} is not a whole number of mm"
                );
                *t = v.round() as i64;
            }
            (tenths, class_names[classes[i]].clone())
        })
        .collect()
}

/// Population mean and standard deviation of column j (f64).
fn stats(rows: &[[f64; 4]], j: usize) -> (f64, f64) {
    let n = rows.len() as f64;
    let mean = rows.iter().map(|r| r[j]).sum::<f64>() / n;
    let var = rows.iter().map(|r| (r[j] - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

#[test]
fn iris_shape_and_classes() {
    let ds = iris(0.8, 1).unwrap();
    assert_eq!(ds.name, "Iris");
    assert_eq!(ds.train.len() + ds.test.len(), 150);
    assert_eq!((ds.train.len(), ds.test.len()), (120, 30));
    assert_eq!(ds.n_features(), 4);
    assert_eq!(
        ds.feature_names,
        [
            "sepal_length_cm",
            "sepal_width_cm",
            "petal_length_cm",
            "petal_width_cm"
        ]
    );
    assert_eq!(
        ds.task,
        Task::Classification {
            class_names: vec!["setosa".into(), "versicolor".into(), "virginica".into()]
        }
    );
    assert_eq!(ds.n_classes(), Some(3));
    // stratified: 40 + 10 of each species
    for split in [(&ds.train, 40), (&ds.test, 10)] {
        let classes = split.0.classes(&(0..split.0.len()).collect::<Vec<_>>());
        for c in 0..3 {
            assert_eq!(classes.iter().filter(|&&k| k == c).count(), split.1);
        }
    }
}

#[test]
fn iris_train_split_is_standardised() {
    let ds = iris(0.7, 9).unwrap();
    let n = ds.train.len() as f64;
    for j in 0..4 {
        let col: Vec<f64> = (0..ds.train.len())
            .map(|i| f64::from(ds.train.row(i)[j]))
            .collect();
        let mean = col.iter().sum::<f64>() / n;
        let std = (col.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
        assert!(mean.abs() < 1e-4, "feature {j}: mean {mean}");
        assert!((std - 1.0).abs() < 1e-4, "feature {j}: std {std}");
        assert!((f64::from(ds.feature_mean(j))).abs() < 1e-4);
    }
}

#[test]
fn iris_standardiser_uses_training_rows_only() {
    let ds = iris(0.5, 3).unwrap();
    let train = unstandardised(&ds, &ds.train);
    let test = unstandardised(&ds, &ds.test);

    // Train and test together are exactly the rows of the file.
    let mut all: Vec<_> = train.iter().chain(&test).cloned().collect();
    let mut raw = raw_rows();
    all.sort();
    raw.sort();
    assert_eq!(all, raw);

    // The standardiser holds the statistics of the raw training rows …
    let to_cm = |rows: &[([i64; 4], String)]| -> Vec<[f64; 4]> {
        rows.iter()
            .map(|(t, _)| t.map(|v| v as f64 / 10.0))
            .collect()
    };
    let s = ds.standardizer.as_ref().unwrap();
    let train_cm = to_cm(&train);
    let all_cm = to_cm(&raw);
    let mut differs_from_all = false;
    for j in 0..4 {
        let (mean, std) = stats(&train_cm, j);
        assert!(
            (f64::from(s.mean[j]) - mean).abs() < 1e-5,
            "mean {j}: {} vs {mean}",
            s.mean[j]
        );
        assert!(
            (f64::from(s.std[j]) - std).abs() < 1e-5,
            "std {j}: {} vs {std}",
            s.std[j]
        );
        // … which are not those of the whole file (so test rows did not leak in).
        let (all_mean, all_std) = stats(&all_cm, j);
        differs_from_all |= (all_mean - mean).abs() > 1e-3 || (all_std - std).abs() > 1e-3;
    }
    assert!(differs_from_all);
}

#[test]
fn iris_is_deterministic_in_the_seed() {
    assert_eq!(iris(0.8, 4).unwrap(), iris(0.8, 4).unwrap());
    assert_ne!(iris(0.8, 4).unwrap().train, iris(0.8, 5).unwrap().train);
}

#[test]
fn iris_rejects_a_bad_train_ratio() {
    let err = iris(1.5, 0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "iris.csv: train_ratio must be in (0, 1], got 1.5"
    );
    let err = iris(0.0, 0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "iris.csv: train_ratio must be in (0, 1], got 0"
    );
}

#[test]
fn iris_all_training() {
    let ds = iris(1.0, 0).unwrap();
    assert_eq!((ds.train.len(), ds.test.len()), (150, 0));
}
