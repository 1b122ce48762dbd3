//! Numbers typed into a slider's box: what was not taken as typed is said under the slider.
//!
//! egui's slider keeps its value when the typed text does not parse and, for a bounded slider,
//! clamps a typed value to its range, both without a word. Here the parser sees the text
//! first: text that is not a finite number (`abc`, `nan`, `inf`) changes nothing, a value
//! outside the allowed range is refused or clamped, and each case leaves a note that stays
//! under the slider for a few seconds: "\"nan\" is not a number: the learning rate stays 0.01".

use std::cell::RefCell;

use eframe::egui;

use crate::ui::format::format_learning_rate;

/// How long a note stays under its slider, in seconds.
const NOTE_SECS: f64 = 6.0;

/// What a typed value may be.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Allowed {
    /// Any finite number above 0 (the slider's range only bounds its handle).
    Positive,
    /// A number in `low..=high`; one outside is clamped to the nearer end.
    Within(f64, f64),
    /// A whole number in `low..=high` (a count: samples, units); a fraction is refused, and
    /// one outside is clamped to the nearer end.
    Count(usize, usize),
}

/// The value that typed `text` sets for the setting called `name` (currently `current`),
/// or `None` when it sets none; `note` receives what was not taken as typed.
pub(crate) fn parse_typed(
    text: &str,
    name: &str,
    current: f64,
    allowed: Allowed,
    note: &RefCell<Option<String>>,
) -> Option<f64> {
    let text = text.trim();
    let stays = format!("the {name} stays {}", format_learning_rate(current));
    let Some(value) = text.parse::<f64>().ok().filter(|v| v.is_finite()) else {
        *note.borrow_mut() = Some(format!("\"{text}\" is not a number: {stays}"));
        return None;
    };
    let allowed = match allowed {
        Allowed::Count(..) if value.fract() != 0.0 => {
            *note.borrow_mut() = Some(format!("\"{text}\" is not a whole number: {stays}"));
            return None;
        }
        Allowed::Count(low, high) => Allowed::Within(low as f64, high as f64),
        other => other,
    };
    match allowed {
        Allowed::Positive if value <= 0.0 => {
            *note.borrow_mut() = Some(format!("\"{text}\" is not above 0: {stays}"));
            None
        }
        Allowed::Positive => Some(value),
        Allowed::Within(low, high) if !(low..=high).contains(&value) => {
            let set = value.clamp(low, high);
            let side = if value < low {
                "below the least"
            } else {
                "above the most"
            };
            *note.borrow_mut() = Some(format!(
                "\"{text}\" is {side} the {name} may be: set to {}",
                format_learning_rate(set)
            ));
            Some(set)
        }
        Allowed::Within(..) | Allowed::Count(..) => Some(value),
    }
}

/// A box for the sample at 0-based `index` of `count`, shown counted from 1 as every panel
/// counts samples (the decision boundary's tooltips, the network view, the stepper); true when
/// the user changed it. `what` names the samples in the tooltip ("training sample").
pub(crate) fn sample_number_ui(
    ui: &mut egui::Ui,
    index: &mut usize,
    count: usize,
    what: &str,
) -> bool {
    let mut number = *index + 1;
    let changed = ui
        .add(
            egui::DragValue::new(&mut number)
                .update_while_editing(false)
                .range(1..=count.max(1)),
        )
        .on_hover_text(format!("Which {what} is shown: 1 to {count}"))
        .changed();
    if changed {
        *index = number.saturating_sub(1);
    }
    changed
}

/// Shows the note under the slider whose note slot is `id`: a new `note` replaces the old one;
/// a note disappears [`NOTE_SECS`] after it was made.
pub(crate) fn note_ui(ui: &mut egui::Ui, id: egui::Id, note: Option<String>) {
    let now = ui.input(|i| i.time);
    if let Some(text) = note {
        ui.data_mut(|d| d.insert_temp(id, (text, now)));
    }
    let Some((text, since)) = ui.data(|d| d.get_temp::<(String, f64)>(id)) else {
        return;
    };
    if now - since > NOTE_SECS {
        ui.data_mut(|d| d.remove::<(String, f64)>(id));
        return;
    }
    ui.colored_label(ui.visuals().warn_fg_color, text)
        .on_hover_text("What the typed value set: shown for a few seconds");
    ui.ctx()
        .request_repaint_after(std::time::Duration::from_secs_f64(NOTE_SECS));
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::{Allowed, parse_typed};

    fn typed(text: &str, allowed: Allowed) -> (Option<f64>, Option<String>) {
        let note = RefCell::new(None);
        let value = parse_typed(text, "learning rate", 0.01, allowed, &note);
        (value, note.into_inner())
    }

    #[test]
    fn what_is_not_taken_as_typed_is_said() {
        assert_eq!(typed(" 0.5 ", Allowed::Positive), (Some(0.5), None));
        assert_eq!(typed("1e6", Allowed::Positive), (Some(1e6), None));
        for bad in ["nan", "inf", "-inf", "abc", ""] {
            assert_eq!(
                typed(bad, Allowed::Positive),
                (
                    None,
                    Some(format!(
                        "\"{bad}\" is not a number: the learning rate stays 0.01"
                    ))
                )
            );
        }
        assert_eq!(
            typed("-0.5", Allowed::Positive),
            (
                None,
                Some("\"-0.5\" is not above 0: the learning rate stays 0.01".into())
            )
        );
        assert_eq!(
            typed("0", Allowed::Positive).1.as_deref(),
            Some("\"0\" is not above 0: the learning rate stays 0.01")
        );
        let within = Allowed::Within(0.0, 0.999);
        assert_eq!(typed("0.9", within), (Some(0.9), None));
        assert_eq!(
            typed("1.5", within),
            (
                Some(0.999),
                Some("\"1.5\" is above the most the learning rate may be: set to 0.999".into())
            )
        );
        assert_eq!(
            typed("-1", within),
            (
                Some(0.0),
                Some("\"-1\" is below the least the learning rate may be: set to 0".into())
            )
        );
    }

    /// A count: a fraction changes nothing, 0 and a million are clamped, each with a note.
    #[test]
    fn a_count_is_a_whole_number_in_its_range() {
        let note = RefCell::new(None);
        let count = |text: &str| {
            let value = parse_typed(text, "batch size", 32.0, Allowed::Count(1, 200), &note);
            (value, note.take())
        };
        assert_eq!(count("64"), (Some(64.0), None));
        assert_eq!(
            count("2.5"),
            (
                None,
                Some("\"2.5\" is not a whole number: the batch size stays 32".into())
            )
        );
        assert_eq!(
            count("0"),
            (
                Some(1.0),
                Some("\"0\" is below the least the batch size may be: set to 1".into())
            )
        );
        assert_eq!(
            count("1000000"),
            (
                Some(200.0),
                Some("\"1000000\" is above the most the batch size may be: set to 200".into())
            )
        );
    }
}
