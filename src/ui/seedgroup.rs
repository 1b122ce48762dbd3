//! Runs that differ only in their seed, drawn as one curve: the mean of their curves and a
//! band of ±1 standard deviation around it ("group by seed" above the overlaid plots).
//!
//! Two runs belong to one group when they are the same experiment but for the seed
//! ([`SeedFacts::same_but_seed`]):
//!
//! - [`differing_settings`] between them names nothing but the seed (same data set, layers,
//!   optimizer, learning rate, batch size, L2, epochs and initial scale);
//! - they had the same settings changed during training at the same steps
//!   ([`crate::experiment::SettingChange`]): a run that trained a while at another learning
//!   rate is not grouped with runs that never did;
//! - they have the same lineage: both started from their seed, or both are branches taken at
//!   the same step from parents that are, in turn, the same but for the seed (with the same
//!   changes up to that step). So a branch is never a "seed" of its parent or of runs from
//!   step 0 — its first steps were trained under its parent's settings — but branches of
//!   several seeds' runs at one step, with one new setting, are grouped. A branch whose parent
//!   is no longer in the lab is grouped with nothing.
//!
//! The members' curves are sampled at the same x positions by linear interpolation, over the x
//! range that every member covers (so a member that has trained further does not make the mean
//! jump where the others stop), and at each position the mean and the *sample* standard
//! deviation (divided by n − 1, Bessel's correction: the spread one expects of another seed)
//! are taken; one member has a deviation of 0.

use crate::data::Dataset;
use crate::experiment::SettingChange;
use crate::ui::runlist::{RunEntry, RunList, differing_settings};
use crate::ui::state::{RunView, Settings};

/// Where a run came from, one step up its lineage.
#[derive(Clone, Debug)]
pub enum Link<'a> {
    /// Branched at `step` from a run with these settings, data and changes (those up to
    /// `step`).
    Parent {
        /// The branch step.
        step: u64,
        /// The parent's settings.
        settings: &'a Settings,
        /// The parent's data set.
        data: &'a Dataset,
        /// The parent's changes up to the branch step.
        changes: Vec<&'a SettingChange>,
    },
    /// Branched at `step` from a run that is no longer in the lab.
    Missing {
        /// The branch step.
        step: u64,
    },
}

/// What decides whether two runs differ only in their seed (see the module docs).
#[derive(Clone, Debug)]
pub struct SeedFacts<'a> {
    /// Its settings.
    pub settings: &'a Settings,
    /// Its data set.
    pub data: &'a Dataset,
    /// Settings changed while it trained.
    pub changes: Vec<&'a SettingChange>,
    /// Its parent, its parent's parent, …, up to the run that started from its seed (empty
    /// for such a run).
    pub lineage: Vec<Link<'a>>,
}

impl<'a> SeedFacts<'a> {
    /// A run that started from its seed and never changed its settings while training.
    pub fn root(settings: &'a Settings, data: &'a Dataset) -> Self {
        Self {
            settings,
            data,
            changes: Vec::new(),
            lineage: Vec::new(),
        }
    }

    /// The facts of `entry` of `runs`; `live` are the selected run's settings and curves.
    pub fn of(runs: &'a RunList, live: (&'a Settings, &'a RunView), entry: &'a RunEntry) -> Self {
        let view = |e: &'a RunEntry| {
            (
                runs.settings_of(e, live.0),
                e.data.as_ref(),
                &runs.run_of(e, live.1).changes,
            )
        };
        let (settings, data, changes) = view(entry);
        let mut lineage = Vec::new();
        if entry.parent.is_none() && entry.first_step > 0 {
            // Opened from a file whose run it branched from is not there.
            lineage.push(Link::Missing {
                step: entry.first_step,
            });
        }
        let mut child = entry;
        // Ids only grow from parent to child, so the walk ends; the bound is for safety.
        while let Some((parent_id, step)) = child.parent {
            if lineage.len() > runs.entries.len() {
                break;
            }
            match runs.entry(parent_id).filter(|p| p.id != child.id) {
                Some(parent) => {
                    let (settings, data, changes) = view(parent);
                    lineage.push(Link::Parent {
                        step,
                        settings,
                        data,
                        changes: changes.iter().filter(|c| c.step <= step).collect(),
                    });
                    child = parent;
                }
                None => {
                    lineage.push(Link::Missing { step });
                    break;
                }
            }
        }
        Self {
            settings,
            data,
            changes: changes.iter().collect(),
            lineage,
        }
    }

    /// True when the two runs are the same experiment but for the seed (module docs).
    pub fn same_but_seed(&self, other: &SeedFacts<'_>) -> bool {
        let seed_only = |a: (&Settings, &Dataset), b: (&Settings, &Dataset)| {
            differing_settings(a, b)
                .iter()
                .all(|(name, _, _)| *name == "seed")
        };
        let links_match = self.lineage.len() == other.lineage.len()
            && self
                .lineage
                .iter()
                .zip(&other.lineage)
                .all(|pair| match pair {
                    (
                        Link::Parent {
                            step,
                            settings,
                            data,
                            changes,
                        },
                        Link::Parent {
                            step: other_step,
                            settings: other_settings,
                            data: other_data,
                            changes: other_changes,
                        },
                    ) => {
                        step == other_step
                            && changes == other_changes
                            && seed_only((settings, data), (other_settings, other_data))
                    }
                    _ => false,
                });
        links_match
            && self.changes == other.changes
            && seed_only((self.settings, self.data), (other.settings, other.data))
    }
}

/// The groups of `runs` (their indices, in the order given; each group in the order of its
/// first member): runs that are the same but for the seed share a group.
pub fn seed_groups(runs: &[SeedFacts<'_>]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (index, run) in runs.iter().enumerate() {
        match groups
            .iter_mut()
            .find(|group| runs[group[0]].same_but_seed(run))
        {
            Some(group) => group.push(index),
            None => groups.push(vec![index]),
        }
    }
    groups
}

/// Mean and sample standard deviation (n − 1 in the denominator) of `values`; `None` when
/// empty, a deviation of 0 for one value.
pub fn mean_and_std(values: &[f64]) -> Option<(f64, f64)> {
    if values.is_empty() {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() == 1 {
        return Some((mean, 0.0));
    }
    let squares: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
    Some((mean, (squares / (n - 1.0)).sqrt()))
}

/// A group's curve: at each x the members' mean and standard deviation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Band {
    /// Positions, ascending.
    pub x: Vec<f64>,
    /// Mean of the members at each position.
    pub mean: Vec<f64>,
    /// Sample standard deviation of the members at each position.
    pub std: Vec<f64>,
}

impl Band {
    /// The mean as plot points.
    pub fn mean_points(&self) -> Vec<[f64; 2]> {
        self.x
            .iter()
            .zip(&self.mean)
            .map(|(&x, &y)| [x, y])
            .collect()
    }

    /// mean − std and mean + std at each position.
    pub fn bounds(&self) -> (Vec<f64>, Vec<f64>) {
        let low = self
            .mean
            .iter()
            .zip(&self.std)
            .map(|(m, s)| m - s)
            .collect();
        let high = self
            .mean
            .iter()
            .zip(&self.std)
            .map(|(m, s)| m + s)
            .collect();
        (low, high)
    }
}

/// The mean and ±1 std of `curves` (each `[x, y]` in ascending x) at `positions` evenly
/// spaced points (at least 2) over the x range that all of them cover. Empty when a curve is
/// empty or the ranges do not overlap.
pub fn band(curves: &[&[[f64; 2]]], positions: usize) -> Band {
    let ranges: Option<Vec<(f64, f64)>> = curves
        .iter()
        .map(|c| Some((c.first()?[0], c.last()?[0])))
        .collect();
    let Some(ranges) = ranges.filter(|r| !r.is_empty()) else {
        return Band::default();
    };
    let start = ranges.iter().map(|r| r.0).fold(f64::NEG_INFINITY, f64::max);
    let end = ranges.iter().map(|r| r.1).fold(f64::INFINITY, f64::min);
    if start.is_nan() || end.is_nan() || start > end {
        return Band::default();
    }
    let positions = if start == end { 1 } else { positions.max(2) };
    let xs: Vec<f64> = (0..positions)
        .map(|i| match i {
            0 => start,
            i if i + 1 == positions => end,
            i => start + (end - start) * i as f64 / (positions - 1) as f64,
        })
        .collect();
    let sampled: Vec<Vec<f64>> = curves.iter().map(|c| sample(c, &xs)).collect();
    let mut out = Band::default();
    let mut column = Vec::with_capacity(curves.len());
    for (i, &x) in xs.iter().enumerate() {
        column.clear();
        column.extend(sampled.iter().map(|values| values[i]));
        if let Some((mean, std)) = mean_and_std(&column) {
            out.x.push(x);
            out.mean.push(mean);
            out.std.push(std);
        }
    }
    out
}

/// `curve` (ascending x) linearly interpolated at `xs` (ascending, within its range), in one
/// pass.
fn sample(curve: &[[f64; 2]], xs: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(xs.len());
    let mut i = 0;
    for &x in xs {
        while i + 1 < curve.len() && curve[i + 1][0] < x {
            i += 1;
        }
        let a = curve[i];
        let y = match curve.get(i + 1) {
            Some(b) if b[0] > a[0] && x > a[0] => a[1] + (x - a[0]) / (b[0] - a[0]) * (b[1] - a[1]),
            Some(b) if x >= b[0] => b[1],
            _ => a[1],
        };
        out.push(y);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_runs_differing_in_the_seed_are_grouped() {
        use crate::data::synth::{SynthConfig, SynthKind, generate};
        let synth = |kind| {
            generate(&SynthConfig {
                kind,
                samples: 20,
                noise: 0.1,
                train_ratio: 0.5,
                seed: 0,
            })
        };
        let (xor, circle) = (synth(SynthKind::Xor), synth(SynthKind::Circle));
        let base = Settings::default();
        assert_ne!(base.train.optimizer.learning_rate, 0.1);
        assert_ne!(base.train.batch_size, 64);
        let mut seed_2 = base.clone();
        seed_2.train.seed = 2;
        let mut lr = base.clone();
        lr.train.optimizer.learning_rate = 0.1;
        let mut lr_seed_3 = lr.clone();
        lr_seed_3.train.seed = 3;
        let mut batch = seed_2.clone();
        batch.train.batch_size = 64;
        let root = SeedFacts::root;
        let groups = seed_groups(&[
            root(&base, &xor),
            root(&lr, &xor),
            root(&seed_2, &xor),
            root(&lr_seed_3, &xor),
            root(&batch, &xor),
            root(&base, &circle),
            root(&base, &xor),
        ]);
        assert_eq!(groups, vec![vec![0, 2, 6], vec![1, 3], vec![4], vec![5]]);
    }

    #[test]
    fn branches_and_runs_whose_settings_changed_are_not_seeds_of_the_others() {
        use crate::data::synth::{SynthConfig, SynthKind, generate};
        let data = generate(&SynthConfig {
            kind: SynthKind::Xor,
            samples: 20,
            noise: 0.1,
            train_ratio: 0.5,
            seed: 0,
        });
        let base = Settings::default();
        let mut seed_2 = base.clone();
        seed_2.train.seed = 2;
        let mut lr = base.clone();
        lr.train.optimizer.learning_rate = 0.1;
        let mut lr_seed_2 = lr.clone();
        lr_seed_2.train.seed = 2;
        let rate = base.train.optimizer.learning_rate.to_string();
        let change = |step, from: &str, to: &str| SettingChange {
            step,
            setting: "learning rate".to_string(),
            from: from.to_string(),
            to: to.to_string(),
        };
        // Trained at 0.1 from step 40 to step 60, then at the old rate again.
        let detour = [change(40, &rate, "0.1"), change(60, "0.1", &rate)];
        let parent = |step, settings| Link::Parent {
            step,
            settings,
            data: &data,
            changes: Vec::new(),
        };
        fn with<'a>(
            data: &'a Dataset,
        ) -> impl Fn(&'a Settings, &'a [SettingChange], Vec<Link<'a>>) -> SeedFacts<'a> {
            move |settings, changes, lineage| SeedFacts {
                settings,
                data,
                changes: changes.iter().collect(),
                lineage,
            }
        }
        let facts = with(&data);
        let runs = [
            facts(&base, &[], vec![]),
            facts(&seed_2, &[], vec![]),
            // A branch of run 0 at step 20 with nothing changed (so also seed 1).
            facts(&base, &[], vec![parent(20, &base)]),
            // Branches at step 20 to learning rate 0.1 of the seed-1 and seed-2 runs.
            facts(&lr, &[], vec![parent(20, &base)]),
            facts(&lr_seed_2, &[], vec![parent(20, &seed_2)]),
            // Two seeds that took the same detour, and one branch at another step.
            facts(&seed_2, &detour, vec![]),
            facts(&base, &detour, vec![]),
            facts(&lr_seed_2, &[], vec![parent(30, &seed_2)]),
            // Branches whose parent is gone.
            facts(&base, &[], vec![Link::Missing { step: 20 }]),
            facts(&seed_2, &[], vec![Link::Missing { step: 20 }]),
        ];
        assert_eq!(
            seed_groups(&runs),
            vec![
                vec![0, 1],
                vec![2],
                vec![3, 4],
                vec![5, 6],
                vec![7],
                vec![8],
                vec![9]
            ]
        );
        // The detour alone keeps a run apart, though its settings now equal run 0's.
        assert!(!runs[6].same_but_seed(&runs[0]));
        assert!(differing_settings((&base, &data), (&base, &data)).is_empty());
    }

    #[test]
    fn mean_and_sample_std_on_exact_numbers() {
        assert_eq!(mean_and_std(&[1.0, 3.0]), Some((2.0, 2f64.sqrt())));
        // Σ(v − 5)² = 32 over 8 values: sample variance 32/7 (population 4).
        let (mean, std) = mean_and_std(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        assert_eq!(mean, 5.0);
        assert_eq!(std, (32.0f64 / 7.0).sqrt());
        assert_eq!(mean_and_std(&[0.7]), Some((0.7, 0.0)));
        assert_eq!(mean_and_std(&[]), None);
    }

    #[test]
    fn a_band_samples_every_curve_at_the_same_positions() {
        let a = [[0.0, 1.0], [10.0, 3.0]];
        let b = [[0.0, 3.0], [5.0, 5.0], [10.0, 7.0]];
        let band = band(&[&a, &b], 3);
        assert_eq!(band.x, [0.0, 5.0, 10.0]);
        // At x = 5: a = 2, b = 5.
        assert_eq!(band.mean, [2.0, 3.5, 5.0]);
        assert_eq!(band.std, [2f64.sqrt(), 4.5f64.sqrt(), 8f64.sqrt()]);
        let (low, high) = band.bounds();
        assert_eq!(low[1], 3.5 - 4.5f64.sqrt());
        assert_eq!(high[0], 2.0 + 2f64.sqrt());
        assert_eq!(band.mean_points()[2], [10.0, 5.0]);
    }

    #[test]
    fn a_band_covers_only_the_common_range() {
        let short = [[2.0, 1.0], [4.0, 1.0]];
        let long = [[0.0, 0.0], [8.0, 8.0]];
        let band = band(&[&short, &long], 3);
        assert_eq!(band.x, [2.0, 3.0, 4.0]);
        assert_eq!(band.mean, [1.5, 2.0, 2.5]);
        let apart = [[10.0, 1.0], [12.0, 1.0]];
        assert_eq!(super::band(&[&short, &apart], 3), Band::default());
        assert_eq!(super::band(&[&short, &[]], 3), Band::default());
        assert_eq!(super::band(&[], 3), Band::default());
    }
}
