//! How numbers read on screen, shared by every panel.

/// Formats a number for formulas and tooltips: `0` for zero, 4 decimals, or scientific
/// notation when the magnitude is at least 10⁴ or below 10⁻³ (`1.235e-5`); non-finite values
/// as Rust prints them (`NaN`, `inf`).
pub fn format_number(value: f64) -> String {
    format_decimals(value, 4)
}

/// [`format_number`] with `decimals` decimals in the usual range (a colour bar's `±2.56`),
/// and the same scientific notation outside it (a diverged run's `±1.575e7`).
pub fn format_decimals(value: f64, decimals: usize) -> String {
    let magnitude = value.abs();
    if value == 0.0 {
        "0".to_string()
    } else if value.is_finite() && !(1e-3..1e4).contains(&magnitude) {
        format!("{value:.3e}")
    } else {
        format!("{value:.decimals$}")
    }
}

/// A count with its noun: "1 feature", "4 features", "1 row left out".
pub fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("{count} {one}")
    } else {
        format!("{count} {many}")
    }
}

/// Formats a learning rate (or another rate on a log slider) compactly: `0.01`, `0.3`, `10`,
/// `5000`, `1e-4`, `1e6`, `7.5e29`, and `0` for zero (not `0e0`).
pub fn format_learning_rate(lr: f64) -> String {
    if lr == 0.0 {
        "0".to_string()
    } else if lr >= 1e4 {
        // 1e6, 7.5e29: a number of 31 digits widened the controls and the Runs table.
        let text = format!("{lr:.3e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        format!("{mantissa}e{exponent}")
    } else if lr >= 0.01 {
        let text = format!("{lr:.4}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{lr:.0e}")
    }
}

#[cfg(test)]
mod tests {
    use super::{format_decimals, format_learning_rate, format_number};

    #[test]
    fn decimals_in_the_usual_range_and_exponents_outside_it() {
        assert_eq!(format_decimals(2.5612, 2), "2.56");
        assert_eq!(format_decimals(15_750_037.0, 2), "1.575e7");
        assert_eq!(format_decimals(0.0, 2), "0");
        assert_eq!(format_number(563_834.7), "5.638e5");
        assert_eq!(format_number(0.0697), "0.0697");
    }

    #[test]
    fn learning_rates_read_well() {
        assert_eq!(format_learning_rate(0.01), "0.01");
        assert_eq!(format_learning_rate(0.0), "0");
        assert_eq!(format_learning_rate(0.3), "0.3");
        assert_eq!(format_learning_rate(10.0), "10");
        assert_eq!(format_learning_rate(1e-4), "1e-4");
        assert_eq!(format_learning_rate(5000.0), "5000");
        assert_eq!(format_learning_rate(1e6), "1e6");
        assert_eq!(format_learning_rate(1e30), "1e30");
        assert_eq!(format_learning_rate(7.5e29), "7.5e29");
    }

    #[test]
    fn numbers_switch_to_scientific_outside_a_readable_range() {
        assert_eq!(format_number(0.0), "0");
        assert_eq!(format_number(-0.79461), "-0.7946");
        assert_eq!(format_number(12_346.0), "1.235e4");
        assert_eq!(format_number(0.000_123_4), "1.234e-4");
        assert_eq!(format_number(f64::NAN), "NaN");
    }
}
