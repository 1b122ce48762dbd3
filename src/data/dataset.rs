//! In-memory data sets: features, labels, the train/test split and standardisation.

use std::borrow::Cow;

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rayon::prelude::*;

use super::DataError;

/// What the labels mean.
#[derive(Clone, Debug, PartialEq)]
pub enum Task {
    /// One class index per sample; `class_names[i]` names class `i`.
    Classification {
        /// Display names of the classes, indexed by class.
        class_names: Vec<String>,
    },
    /// One real target value per sample.
    Regression,
}

/// The labels of a set of samples, one per sample.
#[derive(Clone, Debug, PartialEq)]
pub enum Labels {
    /// Class indices (classification), each below the number of class names.
    Classes(Vec<usize>),
    /// Target values (regression), in the units of the source data.
    Values(Vec<f32>),
}

impl Labels {
    /// Number of labels (= number of samples).
    pub fn len(&self) -> usize {
        match self {
            Labels::Classes(c) => c.len(),
            Labels::Values(v) => v.len(),
        }
    }

    /// True when there are no labels.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The labels of the samples `indices`, in that order. Panics if an index is out of range.
    pub(crate) fn select(&self, indices: &[usize]) -> Labels {
        match self {
            Labels::Classes(c) => Labels::Classes(indices.par_iter().map(|&i| c[i]).collect()),
            Labels::Values(v) => Labels::Values(indices.par_iter().map(|&i| v[i]).collect()),
        }
    }
}

/// The feature values of the samples of a split, row-major (`len × n_features` values).
///
/// Tabular data keeps `f32` values; images keep their bytes (one `u8` per pixel; in MNIST
/// 0 is background and 255 full ink) so that e.g. the 70 000 MNIST digits of 28×28 take
/// about 55 MB instead of 220 MB. A byte `b` stands for the value `b / 255`
/// in `[0, 1]`; the conversion happens only when a batch is built ([`Split::gather`],
/// [`Split::row`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Features {
    /// Real values in the units of the data (possibly standardised).
    F32(Vec<f32>),
    /// Bytes, value = byte / 255.
    U8(Vec<u8>),
}

impl Features {
    /// Number of stored values (samples × features).
    pub fn len(&self) -> usize {
        match self {
            Features::F32(v) => v.len(),
            Features::U8(v) => v.len(),
        }
    }

    /// True when no values are stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Value `i` of the row-major storage as `f32` (a byte `b` gives `b / 255`);
    /// `None` if `i >= len()`.
    pub fn get(&self, i: usize) -> Option<f32> {
        match self {
            Features::F32(v) => v.get(i).copied(),
            Features::U8(v) => v.get(i).map(|&b| byte_value(b)),
        }
    }

    /// The values, if they are stored as `f32`.
    pub fn as_f32(&self) -> Option<&[f32]> {
        match self {
            Features::F32(v) => Some(v),
            Features::U8(_) => None,
        }
    }

    /// The bytes, if the values are stored as `u8`.
    pub fn as_u8(&self) -> Option<&[u8]> {
        match self {
            Features::F32(_) => None,
            Features::U8(v) => Some(v),
        }
    }
}

/// The value a stored byte stands for: `b / 255`, in `[0, 1]` (0 → 0.0, 255 → 1.0 exactly).
fn byte_value(b: u8) -> f32 {
    f32::from(b) / 255.0
}

/// One part of a data set (training or test samples).
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    /// Row-major features: sample `i` is values `i * n_features..(i + 1) * n_features`,
    /// so there are `len() × n_features` values.
    pub features: Features,
    /// One label per sample.
    pub labels: Labels,
    /// Features per sample.
    pub n_features: usize,
}

impl Split {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when the split holds no samples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The features of sample `i` (length `n_features`): borrowed for `f32` storage, converted
    /// (`byte / 255`) into a new vector for `u8` storage. Panics if `i >= len()`.
    pub fn row(&self, i: usize) -> Cow<'_, [f32]> {
        let range = i * self.n_features..(i + 1) * self.n_features;
        match &self.features {
            Features::F32(v) => Cow::Borrowed(&v[range]),
            Features::U8(v) => Cow::Owned(v[range].iter().map(|&b| byte_value(b)).collect()),
        }
    }

    /// Samples `indices` as a batch matrix of shape `(indices.len(), n_features)`, row `r`
    /// holding sample `indices[r]`; `u8` features become `byte / 255` here. Panics if an index
    /// is out of range.
    pub fn gather<T: nalgebra::Scalar + From<f32>>(&self, indices: &[usize]) -> DMatrix<T> {
        let n = self.n_features;
        match &self.features {
            Features::F32(v) => DMatrix::from_row_iterator(
                indices.len(),
                n,
                indices
                    .iter()
                    .flat_map(|&i| &v[i * n..(i + 1) * n])
                    .map(|&x| T::from(x)),
            ),
            Features::U8(v) => DMatrix::from_row_iterator(
                indices.len(),
                n,
                indices
                    .iter()
                    .flat_map(|&i| &v[i * n..(i + 1) * n])
                    .map(|&b| T::from(byte_value(b))),
            ),
        }
    }

    /// Class indices of samples `indices`, in that order; empty for regression.
    /// Panics if an index is out of range.
    pub fn classes(&self, indices: &[usize]) -> Vec<usize> {
        match &self.labels {
            Labels::Classes(c) => indices.iter().map(|&i| c[i]).collect(),
            Labels::Values(_) => Vec::new(),
        }
    }

    /// Target values of samples `indices` as a `(indices.len(), 1)` matrix (regression);
    /// an empty `(0, 1)` matrix for classification. Panics if an index is out of range.
    pub fn values<T: nalgebra::Scalar + From<f32>>(&self, indices: &[usize]) -> DMatrix<T> {
        match &self.labels {
            Labels::Values(v) => DMatrix::from_fn(indices.len(), 1, |r, _| T::from(v[indices[r]])),
            Labels::Classes(_) => DMatrix::from_fn(0, 1, |_, _| T::from(0.0)),
        }
    }

    /// Calls `f` with the features of every complete sample, in order, as `f32`
    /// (bytes converted to `byte / 255` through one reused buffer).
    fn for_each_row(&self, mut f: impl FnMut(&[f32])) {
        let n = self.n_features.max(1);
        match &self.features {
            Features::F32(v) => v.chunks_exact(n).for_each(f),
            Features::U8(v) => {
                let mut buffer = vec![0.0f32; n];
                for chunk in v.chunks_exact(n) {
                    for (x, &b) in buffer.iter_mut().zip(chunk) {
                        *x = byte_value(b);
                    }
                    f(&buffer);
                }
            }
        }
    }

    /// The samples `indices` of `features`/`labels` (all rows, `n_features` wide) as a split.
    pub(crate) fn select(
        features: &[f32],
        labels: &Labels,
        n_features: usize,
        indices: &[usize],
    ) -> Split {
        let mut selected = Vec::with_capacity(indices.len().saturating_mul(n_features));
        for &i in indices {
            selected.extend_from_slice(&features[i * n_features..(i + 1) * n_features]);
        }
        Split {
            features: Features::F32(selected),
            labels: labels.select(indices),
            n_features,
        }
    }
}

/// Per-feature standardisation `z = (x - mean) / std`, fitted on the training split only.
///
/// `std` is the population standard deviation (divide by n), as in scikit-learn's
/// `StandardScaler`; a feature with zero (or non-finite) spread gets `std = 1`.
#[derive(Clone, Debug, PartialEq)]
pub struct Standardizer {
    /// Mean of each feature, in source units.
    pub mean: Vec<f32>,
    /// Standard deviation of each feature, in source units; never 0.
    pub std: Vec<f32>,
}

impl Standardizer {
    /// Statistics of the samples of `split` (computed in f64; `u8` features as `byte / 255`).
    /// An empty split gives mean 0, std 1.
    pub fn fit(split: &Split) -> Standardizer {
        let n = split.n_features;
        let count = split.len() as f64;
        let sums = block_sums(split, |row, acc| {
            for (a, &x) in acc.iter_mut().zip(row) {
                *a += f64::from(x);
            }
        });
        let mean: Vec<f64> = sums.iter().map(|s| s / count.max(1.0)).collect();
        let sq = block_sums(split, |row, acc| {
            for ((a, m), &x) in acc.iter_mut().zip(&mean).zip(row) {
                *a += (f64::from(x) - m).powi(2);
            }
        });
        debug_assert_eq!(sq.len(), n);
        let std = sq
            .iter()
            .map(|s| {
                let sd = (s / count.max(1.0)).sqrt() as f32;
                if sd > 0.0 && sd.is_finite() { sd } else { 1.0 }
            })
            .collect();
        Standardizer {
            mean: mean.iter().map(|&m| m as f32).collect(),
            std,
        }
    }

    /// Standardises one sample in place: `x ← (x - mean) / std`.
    pub fn standardize_row(&self, row: &mut [f32]) {
        for ((x, m), s) in row.iter_mut().zip(&self.mean).zip(&self.std) {
            *x = (*x - m) / s;
        }
    }

    /// Undoes [`Standardizer::standardize_row`]: `z ← z · std + mean` (back to source units).
    pub fn unstandardize_row(&self, row: &mut [f32]) {
        for ((z, m), s) in row.iter_mut().zip(&self.mean).zip(&self.std) {
            *z = *z * s + m;
        }
    }

    /// Standardises every sample of `split` in place. `u8` features are first converted to
    /// `f32` (`byte / 255`), since standardised values no longer fit in a byte; this takes four
    /// times the memory.
    pub fn transform(&self, split: &mut Split) {
        if let Features::U8(bytes) = &split.features {
            split.features = Features::F32(bytes.iter().map(|&b| byte_value(b)).collect());
        }
        if let Features::F32(values) = &mut split.features {
            let n = split.n_features.max(1);
            values.par_chunks_mut(n * BLOCK_ROWS).for_each(|block| {
                block
                    .chunks_exact_mut(n)
                    .for_each(|row| self.standardize_row(row))
            });
        }
    }
}

/// Rows per block of [`block_sums`] and [`Standardizer::transform`].
const BLOCK_ROWS: usize = 4096;

/// Per-feature sums `acc[j] += f(row)` over the rows of `split`, on every core: each block of
/// [`BLOCK_ROWS`] rows is summed alone, then the blocks are added in order, so the result is
/// the same whatever the number of threads.
fn block_sums(split: &Split, f: impl Fn(&[f32], &mut [f64]) + Sync) -> Vec<f64> {
    let n = split.n_features;
    let block = |rows: &mut dyn Iterator<Item = &[f32]>| {
        let mut acc = vec![0.0f64; n];
        rows.for_each(|row| f(row, &mut acc));
        acc
    };
    let partials: Vec<Vec<f64>> = match &split.features {
        Features::F32(values) => values
            .par_chunks(n.max(1) * BLOCK_ROWS)
            .map(|chunk| block(&mut chunk.chunks_exact(n.max(1))))
            .collect(),
        Features::U8(_) => {
            let mut acc = vec![0.0f64; n];
            split.for_each_row(|row| f(row, &mut acc));
            vec![acc]
        }
    };
    partials.iter().fold(vec![0.0f64; n], |mut total, part| {
        total.iter_mut().zip(part).for_each(|(t, p)| *t += p);
        total
    })
}

/// A labelled data set, already split into training and test samples.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// Display name.
    pub name: String,
    /// One name per feature column.
    pub feature_names: Vec<String>,
    /// Classification (with class names) or regression.
    pub task: Task,
    /// Training samples.
    pub train: Split,
    /// Held-out samples.
    pub test: Split,
    /// `Some` if the features in both splits were standardised (with training statistics).
    pub standardizer: Option<Standardizer>,
    /// `(channels, height, width)` of one sample when the samples are images (features stored
    /// channel-major: index `(c·height + y)·width + x`); `None` for tabular data.
    pub image_shape: Option<[usize; 3]>,
    /// The source record of every sample, in split order, so that the split can be rebuilt
    /// elsewhere (see [`SourceRows`]); `None` when the split follows the files (MNIST) or is
    /// not recorded.
    pub source_rows: Option<SourceRows>,
    /// The value written into each feature's missing cells, in source units (before
    /// standardisation): the mean of the feature's present values over the training split (0
    /// when it has none). `None` when no cell was missing.
    pub fill_values: Option<Vec<f32>>,
}

/// Which source record each sample of the two splits is: for a table, the 0-based data row
/// (header and blank lines not counted); for an image folder, the 0-based position of the
/// image in the folder's listing (classes in name order, files in name order within each).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceRows {
    /// Source record of training sample `i`, for every `i` in split order.
    pub train: Vec<usize>,
    /// Source record of test sample `i`, for every `i` in split order.
    pub test: Vec<usize>,
}

impl SourceRows {
    /// `train_idx` and `test_idx` (indices into `records`) as records: `records[k]` for each
    /// `k`, or `k` itself when `records` is `None` (the samples are the records).
    pub fn mapped(records: Option<&[usize]>, train_idx: &[usize], test_idx: &[usize]) -> Self {
        let map = |idx: &[usize]| match records {
            Some(records) => idx.iter().map(|&k| records[k]).collect(),
            None => idx.to_vec(),
        };
        SourceRows {
            train: map(train_idx),
            test: map(test_idx),
        }
    }
}

impl Dataset {
    /// Features per sample.
    pub fn n_features(&self) -> usize {
        self.train.n_features
    }

    /// Number of classes; `None` for regression.
    pub fn n_classes(&self) -> Option<usize> {
        match &self.task {
            Task::Classification { class_names } => Some(class_names.len()),
            Task::Regression => None,
        }
    }

    /// The class names, indexed by class (their count is [`Dataset::n_classes`]); `None` for
    /// regression. Panels that show one bar or one row per class size themselves from this.
    pub fn class_names(&self) -> Option<&[String]> {
        match &self.task {
            Task::Classification { class_names } => Some(class_names),
            Task::Regression => None,
        }
    }

    /// True for classification.
    pub fn is_classification(&self) -> bool {
        matches!(self.task, Task::Classification { .. })
    }

    /// Builds a data set from `rows` (one `Vec` of features per sample) and splits it.
    ///
    /// The split is shuffled by `seed`. Classification splits are stratified: each class
    /// puts `round(count × train_ratio)` samples in training, at least one when it has two or
    /// more samples and, when `train_ratio < 1`, at most `count - 1`. Regression puts
    /// `round(n × train_ratio)` samples (at least one) in training. With `standardize`, the
    /// features of both splits are standardised with the training statistics only.
    ///
    /// Errors (file = `name`, no position; row numbers are 0-based): no rows, rows without
    /// features, ragged rows, feature name count mismatch, non-finite values, label count
    /// mismatch, labels that do not fit the task, a class index ≥ `class_names.len()`, and
    /// `train_ratio` outside (0, 1].
    #[allow(clippy::too_many_arguments)]
    pub fn from_rows(
        name: &str,
        feature_names: Vec<String>,
        rows: Vec<Vec<f32>>,
        labels: Labels,
        task: Task,
        train_ratio: f32,
        seed: u64,
        standardize: bool,
    ) -> Result<Dataset, DataError> {
        let fail = |message: String| Err(DataError::new(name, message));
        let Some(first) = rows.first() else {
            return fail("no rows".into());
        };
        let n = first.len();
        if n == 0 {
            return fail("the rows have no features".into());
        }
        if feature_names.len() != n {
            let k = feature_names.len();
            return fail(format!("{k} feature names for {n} features"));
        }
        for (i, row) in rows.iter().enumerate() {
            if row.len() != n {
                return fail(format!("row {i} has {} features, row 0 has {n}", row.len()));
            }
            if let Some(j) = row.iter().position(|x| !x.is_finite()) {
                return fail(format!("feature {j} of row {i} is not a finite number"));
            }
        }
        if labels.len() != rows.len() {
            return fail(format!("{} labels for {} rows", labels.len(), rows.len()));
        }
        match (&task, &labels) {
            (Task::Classification { class_names }, Labels::Classes(classes)) => {
                let k = class_names.len();
                if let Some((i, c)) = classes.iter().enumerate().find(|(_, c)| **c >= k) {
                    return fail(format!(
                        "class index {c} of row {i} is not below {k} (the number of class names)"
                    ));
                }
            }
            (Task::Regression, Labels::Values(values)) => {
                if let Some(i) = values.iter().position(|v| !v.is_finite()) {
                    return fail(format!("the label of row {i} is not a finite number"));
                }
            }
            _ => return fail("the labels do not match the task".into()),
        }
        if !(train_ratio > 0.0 && train_ratio <= 1.0) {
            return fail(format!("train_ratio must be in (0, 1], got {train_ratio}"));
        }
        Ok(Dataset::assemble(
            name,
            feature_names,
            &rows,
            labels,
            task,
            train_ratio,
            seed,
            standardize,
        ))
    }

    /// [`Dataset::from_rows`] without the checks: the caller guarantees valid input.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn assemble(
        name: &str,
        feature_names: Vec<String>,
        rows: &[Vec<f32>],
        labels: Labels,
        task: Task,
        train_ratio: f32,
        seed: u64,
        standardize: bool,
    ) -> Dataset {
        let (train_idx, test_idx) = split_indices(&labels, train_ratio, seed);
        let n = feature_names.len();
        let features: Vec<f32> = rows.iter().flatten().copied().collect();
        let mut train = Split::select(&features, &labels, n, &train_idx);
        let mut test = Split::select(&features, &labels, n, &test_idx);
        let standardizer = standardize.then(|| {
            let s = Standardizer::fit(&train);
            s.transform(&mut train);
            s.transform(&mut test);
            s
        });
        Dataset {
            name: name.to_string(),
            feature_names,
            task,
            train,
            test,
            standardizer,
            image_shape: None,
            source_rows: Some(SourceRows::mapped(None, &train_idx, &test_idx)),
            fill_values: None,
        }
    }

    /// `(min, max)` of feature `j` over the training and test samples, in stored (possibly
    /// standardised) units (`byte / 255` for `u8` features); `(0, 0)` when there are no samples. Panics if `j >= n_features()`.
    pub fn feature_range(&self, j: usize) -> (f32, f32) {
        let mut range = (f32::INFINITY, f32::NEG_INFINITY);
        for split in [&self.train, &self.test] {
            split.for_each_row(|row| {
                let x = row[j];
                range = (range.0.min(x), range.1.max(x));
            });
        }
        if range.0 > range.1 { (0.0, 0.0) } else { range }
    }

    /// Mean of feature `j` over the training samples, in stored units (`byte / 255` for `u8`
    /// features); 0 when there are none. Panics if `j >= n_features()`.
    pub fn feature_mean(&self, j: usize) -> f32 {
        let (mut sum, mut count) = (0.0f64, 0usize);
        self.train.for_each_row(|row| {
            sum += f64::from(row[j]);
            count += 1;
        });
        if count == 0 {
            0.0
        } else {
            (sum / count as f64) as f32
        }
    }
}

/// The sample indices of the training and test splits of [`Dataset::from_rows`]: shuffled by
/// `seed`, classification stratified (each class split by `train_ratio`), regression
/// `round(n × train_ratio)` (at least one) in training.
pub(crate) fn split_indices(
    labels: &Labels,
    train_ratio: f32,
    seed: u64,
) -> (Vec<usize>, Vec<usize>) {
    let mut rng = StdRng::seed_from_u64(seed);
    match labels {
        Labels::Classes(classes) => stratified_split(classes, train_ratio, &mut rng),
        Labels::Values(values) => {
            let mut all: Vec<usize> = (0..values.len()).collect();
            all.shuffle(&mut rng);
            let k = train_count(all.len(), train_ratio).max(1).min(all.len());
            let test = all.split_off(k);
            (all, test)
        }
    }
}

/// The lengths of the training and test lists that [`split_indices`] gives for `labels`
/// and `train_ratio` (with any seed), without splitting: so the memory of both splits can be
/// prepared while the split is drawn.
pub(crate) fn split_sizes(labels: &Labels, train_ratio: f32) -> (usize, usize) {
    let n = labels.len();
    let train = match labels {
        Labels::Classes(classes) => {
            let train: usize = class_counts(classes)
                .iter()
                .map(|&k| train_count(k, train_ratio))
                .sum();
            if train == 0 { n.min(1) } else { train }
        }
        Labels::Values(_) => train_count(n, train_ratio).max(1).min(n),
    };
    (train, n - train)
}

/// Training samples for a group of `n`: `round(n × ratio)`, at least 1 when `n ≥ 2`,
/// and at most `n - 1` when `ratio < 1` and `n ≥ 2`.
fn train_count(n: usize, ratio: f32) -> usize {
    let k = (n as f64 * f64::from(ratio)).round() as usize;
    match n {
        0 | 1 => k.min(n),
        _ if ratio < 1.0 => k.clamp(1, n - 1),
        _ => n,
    }
}

/// Samples per class index (up to the largest index present).
fn class_counts(classes: &[usize]) -> Vec<usize> {
    let mut counts = vec![0usize; classes.iter().max().map_or(0, |m| m + 1)];
    for &c in classes {
        counts[c] += 1;
    }
    counts
}

/// Indices of the training and test samples, each class split by `ratio`, both lists shuffled.
/// The training list is never empty when there is at least one sample.
fn stratified_split(classes: &[usize], ratio: f32, rng: &mut StdRng) -> (Vec<usize>, Vec<usize>) {
    let counts = class_counts(classes);
    // The members of every class in one list, class after class and in index order within a
    // class (a counting sort), as u32: half the memory of usize for a large table (tables
    // are read with u32 row places, see `import::scatter`), so the shuffles below move half
    // the bytes. The draws of a shuffle depend on its length only, so the split is the same
    // as with one list of usize per class.
    let mut starts = Vec::with_capacity(counts.len());
    let mut at = 0;
    for &n in &counts {
        starts.push(at);
        at += n;
    }
    let mut next = starts.clone();
    let mut members = vec![0u32; classes.len()];
    for (i, &c) in classes.iter().enumerate() {
        members[next[c]] = u32::try_from(i).unwrap_or(u32::MAX);
        next[c] += 1;
    }
    let train_total: usize = counts.iter().map(|&n| train_count(n, ratio)).sum();
    let mut train: Vec<u32> = Vec::with_capacity(train_total.max(1));
    let mut test: Vec<u32> = Vec::with_capacity(classes.len().saturating_sub(train_total));
    for (&start, &n) in starts.iter().zip(&counts) {
        let group = &mut members[start..start + n];
        group.shuffle(rng);
        let k = train_count(n, ratio);
        test.extend_from_slice(&group[k..]);
        train.extend_from_slice(&group[..k]);
    }
    drop(members);
    if train.is_empty() {
        train.extend(test.pop());
    }
    train.shuffle(rng);
    test.shuffle(rng);
    let widen = |list: Vec<u32>| list.par_iter().map(|&i| i as usize).collect();
    let (train, test) = rayon::join(|| widen(train), || widen(test));
    (train, test)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `split_sizes` predicts the lengths `split_indices` draws, for classes of every size
    /// (one-sample classes, a class of two), lone samples, regression and both extremes of
    /// the ratio.
    #[test]
    fn split_sizes_equal_the_drawn_split() {
        let cases: Vec<Labels> = vec![
            Labels::Classes(vec![0, 0, 0, 1, 1, 2, 0, 1, 0, 0, 3]),
            Labels::Classes(vec![0]),
            Labels::Classes(vec![]),
            Labels::Classes((0..1000).map(|i| (i * 7) % 10).collect()),
            Labels::Values(vec![0.5; 7]),
            Labels::Values(vec![]),
        ];
        for labels in &cases {
            for ratio in [0.0f32, 0.1, 0.5, 0.8, 1.0] {
                let (train, test) = split_indices(labels, ratio, 3);
                assert_eq!(
                    split_sizes(labels, ratio),
                    (train.len(), test.len()),
                    "{labels:?} at {ratio}"
                );
            }
        }
        assert_eq!(
            split_sizes(&Labels::Classes(vec![0, 0, 0, 1, 1, 2, 0, 1, 0, 0, 3]), 0.8),
            // Class 0 (6 samples) → 5, class 1 (3) → 2, each lone sample → 1.
            (9, 2)
        );
    }

    /// The split as it was first written (a list of `usize` per class, each shuffled, then
    /// both splits shuffled): the reference the faster `stratified_split` must equal draw for
    /// draw, so a seed keeps giving the same split.
    fn reference_split(classes: &[usize], ratio: f32, seed: u64) -> (Vec<usize>, Vec<usize>) {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut by_class = vec![Vec::new(); classes.iter().max().map_or(0, |m| m + 1)];
        for (i, &c) in classes.iter().enumerate() {
            by_class[c].push(i);
        }
        let (mut train, mut test) = (Vec::new(), Vec::new());
        for mut members in by_class {
            members.shuffle(&mut rng);
            let k = train_count(members.len(), ratio);
            test.extend(members.split_off(k));
            train.extend(members);
        }
        if train.is_empty() {
            train.extend(test.pop());
        }
        train.shuffle(&mut rng);
        test.shuffle(&mut rng);
        (train, test)
    }

    #[test]
    fn a_seed_gives_the_split_of_the_reference_draw_for_draw() {
        let cases: Vec<Vec<usize>> = vec![
            (0..20_000).map(|i| (i * 7919 + i / 3) % 10).collect(),
            vec![0, 0, 0, 1, 1, 2, 0, 1, 0, 0, 3],
            vec![2, 2, 0],
            vec![0],
            vec![],
        ];
        for classes in &cases {
            for (ratio, seed) in [(0.8, 0), (0.8, 1), (0.5, 42), (0.0, 7)] {
                let labels = Labels::Classes(classes.clone());
                assert_eq!(
                    split_indices(&labels, ratio, seed),
                    reference_split(classes, ratio, seed),
                    "{} samples, ratio {ratio}, seed {seed}",
                    classes.len()
                );
            }
        }
    }
}
