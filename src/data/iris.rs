//! The bundled Fisher Iris data set.

use super::{DataError, Dataset, parse_csv};

/// Fisher's Iris measurements (R. A. Fisher, 1936; the corrected UCI copy shipped with
/// scikit-learn), 150 rows, bundled into the binary.
pub const IRIS_CSV: &str = include_str!("../../assets/iris.csv");

/// The Iris data set: 150 flowers, 4 features in cm (sepal length and width, petal length
/// and width, named as in the file header), 3 species (setosa, versicolor, virginica).
///
/// The split is stratified by species and shuffled by `seed`; features are standardised
/// with the training split's statistics only. Errors: `train_ratio` outside (0, 1]
/// (`"iris.csv: train_ratio must be in (0, 1], got 1.5"`).
pub fn iris(train_ratio: f32, seed: u64) -> Result<Dataset, DataError> {
    let mut dataset = parse_csv(
        "iris.csv",
        IRIS_CSV.as_bytes(),
        "species",
        train_ratio,
        seed,
    )?;
    dataset.name = "Iris".to_string();
    Ok(dataset)
}
