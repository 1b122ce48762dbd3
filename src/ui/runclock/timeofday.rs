//! The wall-clock axis's labels: a Unix time as the time of day (UTC), and grid steps of whole
//! seconds, minutes or hours.

/// `unix` (seconds since 1970-01-01 UTC) as the time of day `hh:mm:ss` in UTC; with
/// `tenths`, `hh:mm:ss.s`.
pub fn time_of_day(unix: f64, tenths: bool) -> String {
    if !unix.is_finite() {
        return String::new();
    }
    let day = unix.rem_euclid(86_400.0);
    if tenths {
        let tenths = (day * 10.0).round() as u64 % 864_000;
        let s = tenths / 10;
        format!(
            "{:02}:{:02}:{:02}.{}",
            s / 3600,
            s / 60 % 60,
            s % 60,
            tenths % 10
        )
    } else {
        let s = day.round() as u64 % 86_400;
        format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    }
}

/// Share of a wall-clock axis's width at each end where no label is written: a time of day
/// is about 56 points wide and egui_plot centres it on its mark, so nearer the end than half
/// of that (6 % of a 470-point plot, the runs view's at 1280×800) it was cut off.
const EDGE_FRACTION: f64 = 0.06;

/// The label of the wall-clock axis's mark at `unix` on an axis showing `range`: its time of
/// day ([`time_of_day`]), or nothing when the mark is within [`EDGE_FRACTION`] of either end
/// of the axis, where the label would not fit.
pub fn wall_clock_label(unix: f64, range: &std::ops::RangeInclusive<f64>) -> String {
    let (start, end) = (*range.start(), *range.end());
    let margin = EDGE_FRACTION * (end - start);
    if end > start && (unix < start + margin || unix > end - margin) {
        return String::new();
    }
    time_of_day(unix, false)
}

/// Grid steps of a wall-clock axis (seconds): 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min,
/// 1, 2, 3, 6, 12 h, 1 day.
const TIME_STEPS: [f64; 18] = [
    1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0,
    10_800.0, 21_600.0, 43_200.0, 86_400.0,
];

/// Three grid steps for a wall-clock axis (fine, medium, coarse) of whole seconds, minutes
/// or hours: the finest at least `base_step` (egui_plot's smallest sensible step, 8 points),
/// the coarsest at least 10 × `base_step` (80 points), since egui_plot labels only marks
/// more than 60 points apart and a time of day is that wide.
pub fn time_grid_steps(base_step: f64) -> [f64; 3] {
    let last = TIME_STEPS.len() - 1;
    let index = |at_least: f64| {
        TIME_STEPS
            .iter()
            .position(|&s| s >= at_least)
            .unwrap_or(last)
    };
    let fine = index(base_step);
    let medium = index(3.0 * base_step).max(fine + 1).min(last);
    let coarse = index(10.0 * base_step).max(medium + 1).min(last);
    [TIME_STEPS[fine], TIME_STEPS[medium], TIME_STEPS[coarse]]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_wall_clock_label_where_it_would_be_cut_off() {
        // 14:00:00 to 14:01:40 (100 s): marks within 6 s of an end get no label.
        let range = 50_400.0..=50_500.0;
        assert_eq!(wall_clock_label(50_410.0, &range), "14:00:10");
        assert_eq!(wall_clock_label(50_490.0, &range), "14:01:30");
        assert_eq!(wall_clock_label(50_495.0, &range), "");
        assert_eq!(wall_clock_label(50_403.0, &range), "");
        // An axis of no width (a single point) keeps its label.
        assert_eq!(
            wall_clock_label(50_400.0, &(50_400.0..=50_400.0)),
            "14:00:00"
        );
    }

    #[test]
    fn wall_clock_labels_and_grid_steps() {
        assert_eq!(time_of_day(1_796_220_200.0, false), "14:03:20");
        assert_eq!(time_of_day(1_796_220_200.04, true), "14:03:20.0");
        assert_eq!(time_of_day(86_399.96, true), "00:00:00.0");
        assert_eq!(time_grid_steps(0.3), [1.0, 2.0, 5.0]);
        // The coarsest step is at least 10 × the base (80 points): labelled.
        assert_eq!(time_grid_steps(7.0), [10.0, 30.0, 120.0]);
        assert_eq!(time_grid_steps(100.0), [120.0, 300.0, 1800.0]);
        assert_eq!(time_grid_steps(1e9), [86_400.0; 3]);
    }
}
