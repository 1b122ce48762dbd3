//! What the importer is told: how the text is read ([`CsvOptions`]) and how a table becomes a
//! data set ([`ImportSettings`]). Both are plain serialisable data: experiment files store
//! [`ImportSettings`] as they are (`{"file": {"path", "import": {"table": {…}}}}`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Share of the rows (or images) used for training when nobody says otherwise.
pub const DEFAULT_TRAIN_RATIO: f32 = 0.8;
/// Seed of the train/test shuffle when nobody says otherwise: the wizard's defaults, `--data`
/// without `--seed`, and experiment files without a `seed` all use it, so the same file splits
/// the same way everywhere.
pub const DEFAULT_SPLIT_SEED: u64 = 1;
/// At most this many distinct integer labels make a numeric label column a classification.
pub const MAX_INTEGER_CLASSES: usize = 20;
/// A text feature column is one-hot encoded only when it holds at most this many values.
pub const MAX_ONE_HOT_VALUES: usize = 20;

/// How a delimited text file is read. All guesses can be overridden by the user.
///
/// In JSON the delimiter is a one-character string (`","`, `";"`, `"\t"`, `"|"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvOptions {
    /// Field separator: `b','`, `b';'`, `b'\t'` or `b'|'` (any ASCII byte but `"`, CR and LF
    /// works).
    #[serde(with = "delimiter_char")]
    pub delimiter: u8,
    /// Whether the first non-blank row names the columns.
    pub has_header: bool,
    /// Whether numbers are written with a decimal comma (`1,5`, `2.907,5`); only sensible
    /// with `;`.
    pub decimal_comma: bool,
}

impl Default for CsvOptions {
    /// Comma separated, with a header, decimal point.
    fn default() -> Self {
        CsvOptions {
            delimiter: b',',
            has_header: true,
            decimal_comma: false,
        }
    }
}

/// The delimiter as a one-character JSON string.
mod delimiter_char {
    use super::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(delimiter: &u8, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_char(char::from(*delimiter))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u8, D::Error> {
        let text = String::deserialize(deserializer)?;
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_ascii() && !matches!(c, '"' | '\r' | '\n') => Ok(c as u8),
            _ => Err(serde::de::Error::custom(format!(
                "delimiter {text:?} is not one ASCII character other than a quote or a line end"
            ))),
        }
    }
}

/// Classification or regression, or let the importer decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaskChoice {
    /// Classification when the label is text or at most 20 distinct integers, else regression.
    Auto,
    /// Every distinct label value is a class.
    Classification,
    /// Labels must be numbers.
    Regression,
}

/// What happens to rows with a missing feature value. (Rows with a missing label are
/// always dropped, and counted in the report.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MissingPolicy {
    /// Leave such rows out.
    DropRows,
    /// Replace a missing value by the mean of its feature over the training split (0 when
    /// the training split has no value); for one-hot columns, the share of each value.
    FillMean,
}

/// What happens to feature columns holding text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextFeature {
    /// Leave them out (listed as excluded).
    Exclude,
    /// One 0/1 feature per value, named `"{column}={value}"` (values sorted), when the
    /// column has at most 20 distinct values; columns with more are left out (listed).
    OneHot,
}

/// What happens to a column whose present cells are mostly numbers (more than half) but
/// where some cells are not (`"4x"`, `"n.a."`, `"-"`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum BadNumbers {
    /// Refuse to build, naming the first such cells (line:column and value): the user
    /// chooses one of the two others.
    #[default]
    Refuse,
    /// Treat those cells as missing values (then [`MissingPolicy`] applies).
    Missing,
    /// Leave the column out.
    Exclude,
}

impl BadNumbers {
    /// `refuse`, `missing` or `exclude` (as the command line writes them).
    pub fn parse(text: &str) -> Option<BadNumbers> {
        match text.trim().to_ascii_lowercase().as_str() {
            "refuse" => Some(BadNumbers::Refuse),
            "missing" => Some(BadNumbers::Missing),
            "exclude" => Some(BadNumbers::Exclude),
            _ => None,
        }
    }
}

/// Everything the importer needs to turn a table into a data set. Serialised flat (the
/// [`CsvOptions`] fields next to the others), which is also the form experiment files of
/// format version 1 use.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportSettings {
    /// How the text was read (the decimal comma matters for numbers).
    #[serde(flatten)]
    pub csv: CsvOptions,
    /// 0-based index of the label column.
    pub label: usize,
    /// 0-based indices of the feature columns, in order.
    pub features: Vec<usize>,
    /// Classification, regression or automatic.
    pub task: TaskChoice,
    /// Rows with missing feature values.
    pub missing: MissingPolicy,
    /// Text feature columns.
    pub text_features: TextFeature,
    /// Mostly-numeric columns with a few cells that are not numbers (default: refuse).
    #[serde(default)]
    pub bad_numbers: BadNumbers,
    /// Standardise features with training-split statistics (default true).
    pub standardize: bool,
    /// Share of rows for training, in (0, 1] (default [`DEFAULT_TRAIN_RATIO`]).
    pub train_ratio: f32,
    /// Seed of the shuffle (default [`DEFAULT_SPLIT_SEED`]).
    #[serde(default = "default_seed")]
    pub seed: u64,
}

fn default_seed() -> u64 {
    DEFAULT_SPLIT_SEED
}

impl ImportSettings {
    /// Defaults for a table of `columns` columns: label = last column, features = every
    /// other column, task automatic, rows with missing values dropped, text features
    /// one-hot, bad numbers refused, standardised, [`DEFAULT_TRAIN_RATIO`] training,
    /// [`DEFAULT_SPLIT_SEED`].
    pub fn defaults(columns: usize, csv: CsvOptions) -> Self {
        let label = columns.saturating_sub(1);
        ImportSettings {
            csv,
            label,
            features: (0..columns).filter(|&j| j != label).collect(),
            task: TaskChoice::Auto,
            missing: MissingPolicy::DropRows,
            text_features: TextFeature::OneHot,
            bad_numbers: BadNumbers::Refuse,
            standardize: true,
            train_ratio: DEFAULT_TRAIN_RATIO,
            seed: DEFAULT_SPLIT_SEED,
        }
    }

    /// [`ImportSettings::defaults`] for `table`.
    pub fn guess(table: &super::Table, csv: CsvOptions) -> Self {
        Self::defaults(table.columns.len(), csv)
    }

    /// The same settings with the label in column `label` and every other column a feature.
    pub fn with_label(mut self, table: &super::Table, label: usize) -> Self {
        self.label = label;
        self.features = (0..table.columns.len()).filter(|&j| j != label).collect();
        self
    }
}

impl From<&ImportSettings> for ImportSettings {
    /// A copy (so that `TableImport::from(&settings)`, from before the two types became one,
    /// still reads).
    fn from(settings: &ImportSettings) -> Self {
        settings.clone()
    }
}
