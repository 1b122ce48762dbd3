//! Axis ticks whose labels never crowd: marks at least [`LABEL_GAP_POINTS`] apart, at the
//! smallest 1, 2 or 5 × 10ᵏ step that keeps them so (the step a reader counts in), labelled
//! compactly (`120k`, `1.5M`).
//!
//! egui_plot's own spacer puts marks at powers of ten only and labels a mark as soon as its
//! label fits between it and the next, with no gap: past 100 000 steps the labels ran into
//! each other at the right end of the loss plot ("8000090000100000"), or, one power of ten
//! later, shrank to a single label.

use egui_plot::{GridInput, GridMark, Plot};

/// Least distance between two labelled marks, in points: room for a 6-character label
/// (about 7 points a character in egui's body font) and a gap of at least 20 points.
pub const LABEL_GAP_POINTS: f64 = 64.0;
/// egui_plot's least grid spacing (its default), in points; [`GridInput::base_step_size`] is
/// this many points in plot units. The axes here set it explicitly, so the two agree.
const GRID_SPACING_MIN_POINTS: f32 = 8.0;
/// egui_plot's default greatest grid spacing, in points.
const GRID_SPACING_MAX_POINTS: f32 = 300.0;
/// No mark closer than this to the right edge, in points: its label, centred on it, would be
/// cut in half there ("1e" for 1e60).
const RIGHT_EDGE_POINTS: f64 = 16.0;
/// More marks than this are never made (a degenerate transform).
const MAX_MARKS: usize = 1000;

/// The smallest step of 1, 2 or 5 × 10ᵏ, and at least `min_step`, whose marks are at least
/// `gap_points` apart when one point is `units_per_point` plot units. `None` for a
/// non-finite or non-positive scale.
pub fn label_step(units_per_point: f64, gap_points: f64, min_step: f64) -> Option<f64> {
    let least = (units_per_point * gap_points).max(min_step);
    if !units_per_point.is_finite() || !least.is_finite() || least <= 0.0 {
        return None;
    }
    let decade = 10f64.powf(least.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * decade)
        // A hair of tolerance: 10^k computed through powf may sit just below `least`.
        .find(|&step| step >= least * (1.0 - 1e-9))
}

/// Marks at every multiple of [`label_step`] inside `bounds`, [`LABEL_GAP_POINTS`] apart for
/// `input`'s scale, but none within 16 points of the right edge (its label would be cut).
/// Multiples of 10 and 100 steps carry those step sizes, so egui_plot draws their grid lines
/// stronger. Empty for a degenerate scale.
pub fn spaced_marks(input: &GridInput, min_step: f64) -> Vec<GridMark> {
    marks_apart(input, min_step, LABEL_GAP_POINTS, (0.0, RIGHT_EDGE_POINTS))
}

/// [`spaced_marks`] at least `gap_points` apart, and none within `edges.0` points of the
/// low end of the axis (left, or bottom) nor within `edges.1` of the high end.
fn marks_apart(
    input: &GridInput,
    min_step: f64,
    gap_points: f64,
    edges: (f64, f64),
) -> Vec<GridMark> {
    let units_per_point = input.base_step_size / f64::from(GRID_SPACING_MIN_POINTS);
    let Some(step) = label_step(units_per_point, gap_points, min_step) else {
        return Vec::new();
    };
    let (low, high) = (
        input.bounds.0.min(input.bounds.1),
        input.bounds.0.max(input.bounds.1),
    );
    let right = high - edges.1 * units_per_point;
    let left = low + edges.0 * units_per_point;
    let (first, last) = ((left / step).ceil(), (right / step).floor());
    if !(first.is_finite() && last.is_finite()) || last - first > MAX_MARKS as f64 {
        return Vec::new();
    }
    let mut marks = Vec::new();
    let mut i = first;
    while i <= last {
        let step_size = if i % 100.0 == 0.0 {
            100.0 * step
        } else if i % 10.0 == 0.0 {
            10.0 * step
        } else {
            step
        };
        marks.push(GridMark {
            value: i * step,
            step_size,
        });
        i += 1.0;
    }
    marks
}

/// `value` in at most a few characters, with as many decimals as `step` (the distance to
/// the next mark) needs: `0`, `250`, `1.5k`, `120k`, `2M`, `1.25G`, `0.5`.
pub fn compact_label(value: f64, step: f64) -> String {
    if !value.is_finite() {
        return String::new();
    }
    let magnitude = value.abs().max(step.abs());
    let (unit, suffix) = if magnitude >= 1e9 {
        (1e9, "G")
    } else if magnitude >= 1e6 {
        (1e6, "M")
    } else if magnitude >= 1e3 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    let decimals = if step > 0.0 && step.is_finite() {
        (-(step / unit).log10().floor()).clamp(0.0, 6.0) as usize
    } else {
        0
    };
    // "-0" from a tiny negative rounding error reads as 0.
    let text = without_negative_zero(format!("{:.*}", decimals, value / unit));
    if text == "0" {
        text
    } else {
        format!("{text}{suffix}")
    }
}

/// Magnitudes from this up, and below [`SMALL_MAGNITUDE`], are labelled in scientific
/// notation by [`readable_label`].
const LARGE_MAGNITUDE: f64 = 1e6;
/// See [`LARGE_MAGNITUDE`].
const SMALL_MAGNITUDE: f64 = 1e-3;
/// Most decimals of a [`readable_label`] mantissa.
const MAX_MANTISSA_DECIMALS: i32 = 4;

/// The label of a mark at `value` on a data axis (a feature, a target, a loss), with as
/// many digits as `step` (the distance to the next mark) needs. Between 0.001 and a
/// million it is written out, as egui_plot does (`-2.5`, `0.002`, `120000`); beyond, in
/// scientific notation (`1.5e29`, `-2e-7`), since written out a feature of 10²⁹ took 30
/// characters, and egui_plot then left every mark but 0 unlabelled; a tiny one took ten.
pub fn readable_label(value: f64, step: f64) -> String {
    if !value.is_finite() {
        return String::new();
    }
    let magnitude = value.abs().max(step.abs());
    if magnitude == 0.0 || (SMALL_MAGNITUDE..LARGE_MAGNITUDE).contains(&magnitude) {
        let decimals = if step > 0.0 && step.is_finite() {
            // A hair of tolerance: log10 of 0.1 may be a hair past -1.
            (-step.log10() - 1e-9).ceil().clamp(0.0, 12.0) as usize
        } else {
            0
        };
        return without_negative_zero(format!("{value:.decimals$}"));
    }
    let exponent = magnitude.log10().floor() as i32;
    let decimals = if step > 0.0 && step.is_finite() {
        let step_exponent = (step.log10() + 1e-9).floor() as i32;
        (exponent - step_exponent).clamp(0, MAX_MANTISSA_DECIMALS) as usize
    } else {
        0
    };
    let mantissa = value / 10f64.powi(exponent);
    let text = without_negative_zero(format!("{mantissa:.decimals$}"));
    if text == "0" {
        text
    } else {
        format!("{text}e{exponent}")
    }
}

/// `text`, or `0` when it is a zero however written (`-0.00` from a rounding error).
fn without_negative_zero(text: String) -> String {
    if text
        .trim_start_matches('-')
        .trim_matches(['0', '.'])
        .is_empty()
    {
        "0".to_string()
    } else {
        text
    }
}

/// A horizontal axis of counts (steps, epochs): labels [`LABEL_GAP_POINTS`] apart at whole
/// 1, 2 or 5 × 10ᵏ values, written compactly (`120k`). Call after `custom_x_axes`.
pub fn count_x_axis(plot: Plot<'_>) -> Plot<'_> {
    plot.grid_spacing(GRID_SPACING_MIN_POINTS..=GRID_SPACING_MAX_POINTS)
        .x_grid_spacer(|input| spaced_marks(&input, 1.0))
        .x_axis_formatter(|mark, _| compact_label(mark.value, mark.step_size))
}

/// Least distance between two labelled marks of a data axis ([`data_marks`]), in points: its
/// labels are short (`-2`, `0.5`, `3e29`), so they may sit closer than counts' (`120k`).
pub const DATA_LABEL_GAP_POINTS: f64 = 40.0;

/// No mark of a data axis closer than this to the left edge, in points: its label would
/// run into the lowest label of the vertical axis in the corner ("-2-2" on the race's map).
const DATA_LEFT_EDGE_POINTS: f64 = 12.0;

/// Marks of a horizontal data axis (a feature, a parameter such as w): every multiple of
/// the smallest 1, 2 or 5 × 10ᵏ step that keeps them [`DATA_LABEL_GAP_POINTS`] apart, none
/// at either edge. egui_plot's own spacer steps by powers of ten only, so an axis of 7 units
/// 230 points wide (the lesson's w in presentation mode) was labelled at 0 alone.
pub fn data_marks(input: &GridInput) -> Vec<GridMark> {
    marks_apart(
        input,
        0.0,
        DATA_LABEL_GAP_POINTS,
        (DATA_LEFT_EDGE_POINTS, RIGHT_EDGE_POINTS),
    )
}

/// Least distance between two labelled marks of a vertical axis ([`data_y_grid`],
/// [`log_y_marks`]), in points: a line of text and a little air. egui_plot labels marks
/// closer than 18 points faded.
pub const Y_LABEL_GAP_POINTS: f64 = 18.0;

/// Marks of a vertical axis: every multiple of the smallest 1, 2 or 5 × 10ᵏ step, and at
/// least `min_step`, that keeps them [`Y_LABEL_GAP_POINTS`] apart. Marks at the top and
/// bottom edges stay: egui_plot draws their labels whole, past the frame (the accuracy
/// plot's 0 and 100 sit there).
fn y_marks(input: &GridInput, min_step: f64) -> Vec<GridMark> {
    marks_apart(input, min_step, Y_LABEL_GAP_POINTS, (0.0, 0.0))
}

/// Marks of a vertical data axis (a loss, a feature, an energy): [`y_marks`] at any step. A
/// spacer for `Plot::y_grid_spacer` (with egui_plot's default grid spacing, which no plot
/// here changes). egui_plot's own steps by powers of ten only: a loss plot of 0…0.8 sixty
/// points high was labelled at 0 alone.
pub fn data_y_grid(input: GridInput) -> Vec<GridMark> {
    y_marks(&input, 0.0)
}

/// Marks of a vertical log₁₀ axis: [`y_marks`] at whole powers of ten, 1, 2, 5, 10, …
/// decades apart (at 1, 5 or 10 decades, a 45-point plot of six decades was labelled at its
/// top alone). When that gives fewer than two marks (a loss curve between 0.3 and 0.9 had no
/// label at all), marks between the powers of ten: at every m × 10ᵏ of the first of
/// [`SUB_DECADE_MANTISSAS`] whose marks stay [`Y_LABEL_GAP_POINTS`] apart and give two
/// marks or more (else one).
pub fn log_y_marks(input: &GridInput) -> Vec<GridMark> {
    let decades = y_marks(input, 1.0);
    if decades.len() >= 2 {
        return decades;
    }
    let units_per_point = input.base_step_size / f64::from(GRID_SPACING_MIN_POINTS);
    let (low, high) = (
        input.bounds.0.min(input.bounds.1),
        input.bounds.0.max(input.bounds.1),
    );
    if !(units_per_point > 0.0 && low.is_finite() && high.is_finite()) || high - low > 2.0 {
        return decades;
    }
    let fitting: Vec<Vec<GridMark>> = SUB_DECADE_MANTISSAS
        .iter()
        .filter(|mantissas| closest_apart(mantissas) / units_per_point >= Y_LABEL_GAP_POINTS)
        .map(|mantissas| sub_decade_marks(mantissas, low, high))
        .collect();
    fitting
        .iter()
        .find(|marks| marks.len() >= 2)
        .or_else(|| fitting.iter().find(|marks| marks.len() > decades.len()))
        .cloned()
        .unwrap_or(decades)
}

/// The sets of mantissas m (marks at m × 10ᵏ) a short log axis may be marked with, finest
/// first; the log axes label each m × 10ᵏ as `{m}e{k}`.
pub const SUB_DECADE_MANTISSAS: [&[f64]; 4] = [
    &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
    &[1.0, 2.0, 3.0, 5.0],
    &[1.0, 2.0, 5.0],
    &[1.0, 3.0],
];

/// The least distance in decades between neighbouring marks of `mantissas` (and 10).
fn closest_apart(mantissas: &[f64]) -> f64 {
    let logs: Vec<f64> = mantissas
        .iter()
        .chain(std::iter::once(&10.0))
        .map(|m| m.log10())
        .collect();
    logs.windows(2)
        .map(|w| w[1] - w[0])
        .fold(f64::INFINITY, f64::min)
}

/// Marks at m × 10ᵏ for each m of `mantissas` with log₁₀ in `low..=high`; whole powers of
/// ten carry a step of a decade (egui_plot draws their lines stronger).
fn sub_decade_marks(mantissas: &[f64], low: f64, high: f64) -> Vec<GridMark> {
    let step = closest_apart(mantissas);
    let mut marks = Vec::new();
    for k in (low.floor() as i64)..=(high.ceil() as i64) {
        for &m in mantissas {
            let value = k as f64 + m.log10();
            if (low..=high).contains(&value) {
                let step_size = if m == 1.0 { 1.0 } else { step };
                marks.push(GridMark { value, step_size });
            }
        }
    }
    marks
}

/// `plot`'s y grid at [`log_y_marks`] (labelled by the caller).
pub(super) fn log_y_spacing(plot: Plot<'_>) -> Plot<'_> {
    plot.grid_spacing(GRID_SPACING_MIN_POINTS..=GRID_SPACING_MAX_POINTS)
        .y_grid_spacer(|input| log_y_marks(&input))
}

/// `plot`'s x grid at [`data_marks`] (labelled by the axis of [`super::x_axis`]).
pub fn data_x_spacing(plot: Plot<'_>) -> Plot<'_> {
    plot.grid_spacing(GRID_SPACING_MIN_POINTS..=GRID_SPACING_MAX_POINTS)
        .x_grid_spacer(|input| data_marks(&input))
}

/// Marks of a log₁₀ axis: whole powers of ten, 1, 2, 5, 10, … decades apart so that they are
/// at least [`LABEL_GAP_POINTS`] apart.
pub fn decade_marks(input: &GridInput) -> Vec<GridMark> {
    spaced_marks(input, 1.0)
}

/// `plot`'s x grid at [`decade_marks`] (the caller labels them).
pub(super) fn log_x_spacing(plot: Plot<'_>) -> Plot<'_> {
    plot.grid_spacing(GRID_SPACING_MIN_POINTS..=GRID_SPACING_MAX_POINTS)
        .x_grid_spacer(|input| decade_marks(&input))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The input egui_plot gives a spacer for `bounds` drawn `width` points wide.
    fn input(bounds: (f64, f64), width: f64) -> GridInput {
        GridInput {
            bounds,
            base_step_size: (bounds.1 - bounds.0) / width * f64::from(GRID_SPACING_MIN_POINTS),
        }
    }

    /// The values of `marks`.
    fn values_of(marks: &[GridMark]) -> Vec<f64> {
        marks.iter().map(|m| m.value).collect()
    }

    /// The labels of `marks`.
    fn labels(marks: &[GridMark]) -> Vec<String> {
        marks
            .iter()
            .map(|m| compact_label(m.value, m.step_size))
            .collect()
    }

    /// The plain numbers (not their log₁₀) of the log axis marks for `bounds` drawn `height`
    /// points high, to six decimals.
    fn log_marks_as_numbers(bounds: (f64, f64), height: f64) -> Vec<f64> {
        values_of(&log_y_marks(&input(bounds, height)))
            .iter()
            .map(|v| (10f64.powf(*v) * 1e6).round() / 1e6)
            .collect()
    }

    /// A log axis within one decade gets marks at 1, 2, 3 and 5 × 10ᵏ (it had none); a
    /// shorter one at 1 and 3 × 10ᵏ; several decades keep whole powers of ten.
    #[test]
    fn a_log_axis_within_one_decade_gets_marks_between_powers_of_ten() {
        // log10(0.15) … log10(0.9) over 200 points.
        let (low, high) = (0.15f64.log10(), 0.9f64.log10());
        assert_eq!(log_marks_as_numbers((low, high), 200.0), [0.2, 0.3, 0.5]);
        // 0.15 … 9 over 200 points: 1, 2, 3 and 5 in each decade.
        let high = 9f64.log10();
        assert_eq!(
            log_marks_as_numbers((low, high), 200.0),
            [0.2, 0.3, 0.5, 1.0, 2.0, 3.0, 5.0]
        );
        // The same over 80 points: 2→3 would be 8 points apart, 1→2 14, 1→3 is 21.
        assert_eq!(log_marks_as_numbers((low, high), 80.0), [0.3, 1.0, 3.0]);
        // Six decades keep whole powers of ten.
        let tall = input((-6.0, 0.0), 200.0);
        assert_eq!(
            values_of(&log_y_marks(&tall)),
            [-6.0, -5.0, -4.0, -3.0, -2.0, -1.0, 0.0]
        );
    }

    #[test]
    fn steps_are_the_smallest_1_2_5_that_keep_marks_apart() {
        // 150 000 steps over 1200 points: 125 steps a point, 8000 steps per 64 points → 10k.
        assert_eq!(label_step(125.0, 64.0, 1.0), Some(10_000.0));
        // 1000 steps over 1200 points: 53.3 per 64 points → 100.
        assert_eq!(label_step(1000.0 / 1200.0, 64.0, 1.0), Some(100.0));
        // 120 000 over 400 points: 19 200 → 20k; 130 000: 20 800 → 50k.
        assert_eq!(label_step(300.0, 64.0, 1.0), Some(20_000.0));
        assert_eq!(label_step(325.0, 64.0, 1.0), Some(50_000.0));
        // Exactly a power of ten stays one.
        assert_eq!(label_step(1000.0 / 64.0, 64.0, 1.0), Some(1000.0));
        // Zoomed far in, never below the least step (a whole step, a whole decade).
        assert_eq!(label_step(0.001, 64.0, 1.0), Some(1.0));
        assert_eq!(label_step(0.001, 64.0, 0.0), Some(0.1));
        assert_eq!(label_step(0.0, 64.0, 0.0), None);
        assert_eq!(label_step(f64::NAN, 64.0, 1.0), None);
    }

    #[test]
    fn a_run_of_150k_steps_at_1280_pixels_gets_16_labels_77_points_apart() {
        // The loss plot of a 1280-pixel window with the controls folded is about 1200
        // points wide; egui_plot pads the bounds a little past 0 and the last step.
        let bounds = (-3000.0, 153_000.0);
        let marks = spaced_marks(&input(bounds, 1200.0), 1.0);
        let values: Vec<f64> = marks.iter().map(|m| m.value).collect();
        let expected: Vec<f64> = (0..=15).map(|i| f64::from(i) * 10_000.0).collect();
        assert_eq!(values, expected);
        let points_apart = 10_000.0 / ((bounds.1 - bounds.0) / 1200.0);
        assert!((points_apart - 76.9).abs() < 0.1, "{points_apart}");
        assert_eq!(
            labels(&marks),
            [
                "0", "10k", "20k", "30k", "40k", "50k", "60k", "70k", "80k", "90k", "100k", "110k",
                "120k", "130k", "140k", "150k"
            ]
        );
        // Multiples of 100k carry a larger step (a stronger grid line), the rest 10k.
        assert_eq!(marks[10].step_size, 100_000.0);
        assert_eq!(marks[0].step_size, 1_000_000.0);
        assert_eq!(marks[3].step_size, 10_000.0);
    }

    #[test]
    fn labels_of_any_run_length_and_width_never_touch() {
        // Body text is about 7 points a character; a label of n characters needs 7n points.
        for width in [200.0, 430.0, 640.0, 1200.0] {
            for last_step in [10.0, 999.0, 12_345.0, 140_000.0, 2_500_000.0, 3e9] {
                let bounds = (0.0, last_step);
                let marks = spaced_marks(&input(bounds, width), 1.0);
                let points_per_unit = width / last_step;
                for pair in marks.windows(2) {
                    let apart = (pair[1].value - pair[0].value) * points_per_unit;
                    let widest = [pair[0], pair[1]]
                        .iter()
                        .map(|m| compact_label(m.value, m.step_size).chars().count())
                        .max()
                        .unwrap_or(0) as f64;
                    assert!(
                        apart >= LABEL_GAP_POINTS - 1e-6 && apart - 7.0 * widest >= 20.0,
                        "{last_step} steps at {width} points: {pair:?} {apart} apart"
                    );
                }
                assert!(
                    marks.len() >= 2 || last_step < 100.0,
                    "{last_step} at {width}"
                );
            }
        }
    }

    #[test]
    fn no_mark_sits_where_its_label_would_be_cut_at_the_right_edge() {
        // 0…100.5 over 400 points: a mark every 20; 100 is 2 points from the edge.
        let marks = spaced_marks(&input((0.0, 100.5), 400.0), 1.0);
        let values: Vec<f64> = marks.iter().map(|m| m.value).collect();
        assert_eq!(values, [0.0, 20.0, 40.0, 60.0, 80.0]);
        // 0…105 (100 is 20 points from the edge): kept.
        let marks = spaced_marks(&input((0.0, 105.0), 400.0), 1.0);
        assert_eq!(marks.last().map(|m| m.value), Some(100.0));
    }

    #[test]
    fn data_labels_switch_to_scientific_notation_far_from_one() {
        // Written out, as egui_plot writes them, between 0.001 and a million.
        assert_eq!(readable_label(-2.5, 0.5), "-2.5");
        assert_eq!(readable_label(4.0, 1.0), "4");
        assert_eq!(readable_label(0.3, 0.1), "0.3");
        assert_eq!(readable_label(-0.4, 0.2), "-0.4");
        assert_eq!(readable_label(0.002, 0.001), "0.002");
        assert_eq!(readable_label(120_000.0, 20_000.0), "120000");
        assert_eq!(readable_label(-1e-15, 0.1), "0");
        // A feature of 10^29: 30 characters before, now as many digits as the step needs.
        assert_eq!(readable_label(2e29, 1e29), "2e29");
        assert_eq!(readable_label(-1.5e29, 5e28), "-1.5e29");
        assert_eq!(readable_label(0.0, 1e29), "0");
        // And a tiny one (ten characters before).
        assert_eq!(readable_label(3e-7, 1e-7), "3e-7");
        assert_eq!(readable_label(-2.5e-7, 5e-8), "-2.5e-7");
        assert_eq!(readable_label(0.000_25, 0.000_05), "2.5e-4");
        // A million, the first magnitude written so, and a step far finer than its value.
        assert_eq!(readable_label(1e6, 2e5), "1.0e6");
        assert_eq!(readable_label(1.000_01e9, 1.0), "1.0000e9");
        assert_eq!(readable_label(f64::INFINITY, 1.0), "");
    }

    #[test]
    fn a_data_axis_of_a_few_units_is_labelled_at_more_than_zero() {
        // The lesson's w in presentation mode: 7 units over 230 points (33 points a unit):
        // egui_plot's powers of ten labelled 0 alone; every 2 units here.
        let values = |bounds, width| values_of(&data_marks(&input(bounds, width)));
        assert_eq!(values((-1.2, 5.8), 230.0), [0.0, 2.0, 4.0]);
        // The race's x: 4 units over 190 points; -2 and 2 sit at the edges and are left
        // out (-2 ran into the y axis's -2 in the corner).
        assert_eq!(values((-2.0, 2.0), 190.0), [-1.0, 0.0, 1.0]);
        assert_eq!(values((-2.5, 2.0), 190.0), [-2.0, -1.0, 0.0, 1.0]);
        // A tiny feature: steps of 0.02 and labels with their two decimals.
        let marks = data_marks(&input((-0.01, 0.1), 300.0));
        let labels: Vec<String> = marks
            .iter()
            .map(|m| readable_label(m.value, m.step_size))
            .collect();
        assert_eq!(labels, ["0", "0.02", "0.04", "0.06", "0.08"]);
        // Every pair is at least the gap apart.
        for (bounds, width) in [
            ((-1.2, 5.8), 230.0),
            ((-3.0, 3.0), 600.0),
            ((0.0, 1.0), 90.0),
        ] {
            let marks = data_marks(&input(bounds, width));
            for pair in marks.windows(2) {
                let apart = (pair[1].value - pair[0].value) * width / (bounds.1 - bounds.0);
                assert!(
                    apart >= DATA_LABEL_GAP_POINTS - 1e-9,
                    "{bounds:?} {width}: {apart}"
                );
            }
        }
    }

    #[test]
    fn a_short_log_axis_is_labelled_every_few_decades_not_once() {
        let values = |bounds, height| values_of(&log_y_marks(&input(bounds, height)));
        // The lesson's J − J_min in presentation mode: 1e0.8 … 1e-5.6 over 72 points (11
        // points a decade): every second decade.
        assert_eq!(values((-5.6, 0.8), 72.0), [-4.0, -2.0, 0.0]);
        // Roomy: every decade, the one on the top edge too.
        assert_eq!(values((-3.2, 1.0), 300.0), [-3.0, -2.0, -1.0, 0.0, 1.0]);
        // 68 decades over 120 points: every twentieth.
        assert_eq!(values((-64.0, 4.0), 120.0), [-60.0, -40.0, -20.0, 0.0]);
        // Within one decade: 2, 3 and 5 × 10ᵏ (there was no mark at all).
        assert_eq!(log_marks_as_numbers((-0.8, -0.1), 200.0), [0.2, 0.3, 0.5]);
        // A third of a decade over 200 points (0.4 … 0.85): every m × 10ᵏ.
        assert_eq!(
            log_marks_as_numbers((0.4f64.log10(), 0.85f64.log10()), 200.0),
            [0.4, 0.5, 0.6, 0.7, 0.8]
        );
    }

    #[test]
    fn a_short_data_axis_is_labelled_at_1_2_5_steps() {
        let values = |bounds, height| values_of(&data_y_grid(input(bounds, height)));
        let labels = |bounds, height| -> Vec<String> {
            data_y_grid(input(bounds, height))
                .iter()
                .map(|m| readable_label(m.value, m.step_size))
                .collect()
        };
        // A loss of 0…0.8 (padded) over 60 points: 0 and 0.5, not 0 alone; over 120 points
        // every 0.2.
        assert_eq!(values((-0.04, 0.84), 60.0), [0.0, 0.5]);
        assert_eq!(
            labels((-0.04, 0.84), 120.0),
            ["0", "0.2", "0.4", "0.6", "0.8"]
        );
        // An energy of -100…-20 over 90 points: every 20.
        assert_eq!(
            values((-104.0, -20.0), 90.0),
            [-100.0, -80.0, -60.0, -40.0, -20.0]
        );
        // The accuracy plot, 0…100 padded over 33 points: its two ends.
        assert_eq!(values((-5.0, 105.0), 33.0), [0.0, 100.0]);
    }

    #[test]
    fn compact_labels_keep_the_digits_the_step_needs() {
        assert_eq!(compact_label(0.0, 10_000.0), "0");
        assert_eq!(compact_label(120_000.0, 10_000.0), "120k");
        assert_eq!(compact_label(1500.0, 500.0), "1.5k");
        assert_eq!(compact_label(1_200_000.0, 200_000.0), "1.2M");
        assert_eq!(compact_label(2_000_000.0, 1_000_000.0), "2M");
        assert_eq!(compact_label(1_250_000_000.0, 50_000_000.0), "1.25G");
        assert_eq!(compact_label(250.0, 50.0), "250");
        assert_eq!(compact_label(0.5, 0.1), "0.5");
        assert_eq!(compact_label(3.0 * 0.1, 0.1), "0.3");
        assert_eq!(compact_label(-1e-12, 0.1), "0");
        assert_eq!(compact_label(f64::NAN, 1.0), "");
    }

    #[test]
    fn decades_are_spaced_too_and_only_whole() {
        // log10 of steps 1…150 000 over 300 points: 57 points a decade → every 2 decades.
        let bounds = (0.0, 150_000f64.log10());
        let marks = decade_marks(&input(bounds, 300.0));
        let values: Vec<f64> = marks.iter().map(|m| m.value).collect();
        assert_eq!(values, [0.0, 2.0, 4.0]);
        // 1200 points: 230 a decade → every decade.
        let marks = decade_marks(&input(bounds, 1200.0));
        assert_eq!(marks.len(), 6);
        assert!(marks.iter().all(|m| m.value.fract() == 0.0));
    }
}
