//! Which data set `gradscope train` trains on: `--data` (with `--label`, `--bad-numbers`),
//! `--dataset`, `--train-ratio`, and the data of a `--config` file, which the flags override.

use crate::data::{Dataset, FileImport, SynthConfig, SynthKind};
use crate::experiment::{DatasetRef, Experiment};

use super::TrainArgs;

/// The data reference a run trains on: the flags' data set, else the `--config` file's (with
/// `--label`, `--bad-numbers` and `--train-ratio` applied), else the spiral.
///
/// # Errors
/// An unknown `--dataset`, or `--label`/`--bad-numbers` where they cannot apply.
pub(super) fn data_reference(
    args: &TrainArgs,
    base: Option<&Experiment>,
    seed: u64,
) -> Result<DatasetRef, String> {
    let from_flags = match (&args.data, &args.dataset) {
        (Some(path), _) => Some(DatasetRef::File {
            path: path.clone(),
            import: FileImport::Auto {
                label: args.label.clone(),
                train_ratio: args.train_ratio.unwrap_or(crate::data::DEFAULT_TRAIN_RATIO),
                seed: args.seed.unwrap_or(crate::data::DEFAULT_SPLIT_SEED),
                bad_numbers: args.bad_numbers.unwrap_or_default(),
            },
        }),
        (None, Some(name)) => {
            if args.label.is_some() || args.bad_numbers.is_some() {
                return Err(format!(
                    "{}: a built-in data set has no columns to choose; it applies to a CSV file \
                     given with --data",
                    csv_flags(args)
                ));
            }
            Some(builtin_ref(name, seed, args.train_ratio)?)
        }
        (None, None) => None,
    };
    Ok(match (from_flags, base) {
        (Some(reference), _) => reference,
        (None, Some(base)) => {
            let reference = with_csv_flags(base.dataset.clone(), args)?;
            match args.train_ratio {
                Some(ratio) => with_train_ratio(reference, ratio),
                None => reference,
            }
        }
        (None, None) => builtin_ref("spiral", seed, args.train_ratio)?,
    })
}

/// Builds a built-in data set by name: the reference [`builtin_ref`] makes, loaded (one list
/// of names for both).
///
/// # Errors
/// Unknown names list the known ones.
pub fn builtin_dataset(name: &str, seed: u64, train_ratio: Option<f32>) -> Result<Dataset, String> {
    builtin_ref(name, seed, train_ratio)?
        .load_with_report()
        .map(|(data, _)| data)
}

/// The data reference for `--dataset NAME` (seeded and split as [`builtin_dataset`] does).
fn builtin_ref(name: &str, seed: u64, train_ratio: Option<f32>) -> Result<DatasetRef, String> {
    if name.eq_ignore_ascii_case("mnist") {
        return Ok(DatasetRef::Mnist);
    }
    if name.eq_ignore_ascii_case("iris") {
        return Ok(DatasetRef::Iris {
            train_ratio: train_ratio.unwrap_or(0.7),
            seed,
        });
    }
    let kind = SynthKind::parse(name).ok_or_else(|| {
        format!(
            "--dataset: unknown data set '{name}' (known: circle xor xor4 gaussians spiral moons line iris mnist)"
        )
    })?;
    let mut config = SynthConfig::new(kind);
    config.seed = seed;
    if let Some(ratio) = train_ratio {
        config.train_ratio = ratio;
    }
    Ok(DatasetRef::Synth(config))
}

/// `reference` with its split share replaced by `ratio`.
fn with_train_ratio(mut reference: DatasetRef, ratio: f32) -> DatasetRef {
    match &mut reference {
        DatasetRef::Synth(config) => config.train_ratio = ratio,
        DatasetRef::Iris { train_ratio, .. } => *train_ratio = ratio,
        DatasetRef::Mnist => {}
        DatasetRef::File { import, .. } => import.set_train_ratio(ratio),
    }
    reference
}

/// The CSV flags given, as named in messages: `--label`, `--bad-numbers` or both.
fn csv_flags(args: &TrainArgs) -> &'static str {
    match (args.label.is_some(), args.bad_numbers.is_some()) {
        (true, true) => "--label and --bad-numbers",
        (false, true) => "--bad-numbers",
        _ => "--label",
    }
}

/// An experiment's data `reference` with `--label` and `--bad-numbers` applied, when given:
/// they replace the choices of a CSV file read with the default importer (the help says they
/// override the experiment's data; they were ignored without a word).
///
/// # Errors
/// When they are given and the experiment's data is not such a file (a built-in set, an IDX
/// file, an image folder, or a CSV read with the import wizard's settings).
fn with_csv_flags(mut reference: DatasetRef, args: &TrainArgs) -> Result<DatasetRef, String> {
    if args.label.is_none() && args.bad_numbers.is_none() {
        return Ok(reference);
    }
    let DatasetRef::File {
        import: FileImport::Auto {
            label, bad_numbers, ..
        },
        ..
    } = &mut reference
    else {
        return Err(format!(
            "{}: the experiment's data is not a CSV file read with the default importer (a \
             built-in set, IDX files, an image folder, or a table read with the import \
             wizard's settings); give the file with --data as well",
            csv_flags(args)
        ));
    };
    if let Some(flag) = &args.label {
        *label = Some(flag.clone());
    }
    if let Some(flag) = args.bad_numbers {
        *bad_numbers = flag;
    }
    Ok(reference)
}
