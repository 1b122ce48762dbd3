//! Formulas on screen in one notation (the seed's): the loss E, a unit's weighted input z_j and
//! activation a_j, its error term δ_j = ∂E/∂z_j, the weight w_ij from input i to unit j, the
//! learning rate η; units, inputs and layers counted from 1.
//!
//! Formula text carries a small markup for subscripts: `_x` makes the next character a
//! subscript, `_{…}` the braced text. [`job`] typesets it (smaller, lowered); [`plain`] gives
//! the text without the markup, which is what screen readers and tests see.

use eframe::egui::{self, Color32, FontId, text::LayoutJob};

use crate::ui::format::format_number;

/// A number as formulas show it: [`format_number`] with a true minus sign (−).
pub fn number(value: f64) -> String {
    format_number(value).replacen('-', "−", 1)
}

/// A number as a factor in a product: negative ones in parentheses, `0.9000 · (−0.7946)`.
pub fn factor(value: f64) -> String {
    if value < 0.0 {
        format!("({})", number(value))
    } else {
        number(value)
    }
}

/// The subscript of weight w_ij (1-based): `12` while both indices are single digits,
/// `10,3` otherwise.
pub fn pair(i: usize, j: usize) -> String {
    if i < 10 && j < 10 {
        format!("{i}{j}")
    } else {
        format!("{i},{j}")
    }
}

/// The name of weight w_ij (1-based indices) in markup: `w_{12}`.
pub fn weight_name(i: usize, j: usize) -> String {
    format!("w_{{{}}}", pair(i, j))
}

/// Splits markup into (text, is subscript) runs.
fn runs(text: &str) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut normal = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '_' {
            normal.push(c);
            continue;
        }
        let sub: String = match chars.peek() {
            Some('{') => {
                chars.next();
                chars.by_ref().take_while(|&c| c != '}').collect()
            }
            Some(_) => chars.next().map(String::from).unwrap_or_default(),
            None => String::new(),
        };
        if sub.is_empty() {
            normal.push('_');
            continue;
        }
        if !normal.is_empty() {
            out.push((std::mem::take(&mut normal), false));
        }
        out.push((sub, true));
    }
    if !normal.is_empty() {
        out.push((normal, false));
    }
    out
}

/// The text of `markup` without the subscript markers: `w_{12}` → `w12`.
pub fn plain(markup: &str) -> String {
    runs(markup).into_iter().map(|(text, _)| text).collect()
}

/// `markup` typeset in `font` and `color`: subscripts at 70 % size on a lowered baseline.
pub fn job(markup: &str, font: FontId, color: Color32) -> LayoutJob {
    let mut job = LayoutJob::default();
    for (text, sub) in runs(markup) {
        let format = if sub {
            egui::TextFormat {
                font_id: FontId::new(font.size * 0.7, font.family.clone()),
                color,
                valign: egui::Align::BOTTOM,
                ..Default::default()
            }
        } else {
            egui::TextFormat::simple(font.clone(), color)
        };
        job.append(&text, 0.0, format);
    }
    job.wrap.max_width = f32::INFINITY;
    job
}

/// The width in points of `text` laid out on one line in `style`: for a layout that must
/// know a widget's width before adding it (a wrapping row, a button as wide as its widest
/// label).
pub fn text_width(ui: &egui::Ui, text: &str, style: egui::TextStyle) -> f32 {
    let font = style.resolve(ui.style());
    ui.painter()
        .layout_no_wrap(text.to_string(), font, Color32::WHITE)
        .size()
        .x
}

/// One formula line: typeset, with a tooltip. A line wider than the space left is broken
/// at a space (in presentation mode the stepper's longest lines ran past the window's edge,
/// in a panel a projector audience cannot scroll).
pub fn formula_line(ui: &mut egui::Ui, markup: &str, tip: &str) -> egui::Response {
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let color = ui.visuals().text_color();
    ui.add(egui::Label::new(job(markup, font, color)).wrap_mode(egui::TextWrapMode::Wrap))
        .on_hover_text(tip)
}

/// A formula heading (a rule rather than numbers), typeset and highlighted.
pub fn rule_line(ui: &mut egui::Ui, markup: &str, tip: &str) -> egui::Response {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let font = FontId::new(font.size * 1.1, font.family);
    ui.add(
        egui::Label::new(job(markup, font, Color32::from_rgb(240, 190, 60)))
            .wrap_mode(egui::TextWrapMode::Extend),
    )
    .on_hover_text(tip)
}

/// The notation, as the Help window states it.
pub const NOTATION: &str = "E: the loss (error) of a sample or the mean over a batch · x_i: \
    input feature i · z_j = Σ_i a_i w_ij + b_j: the weighted input of unit j · a_j = f(z_j): its \
    activation · w_ij: the weight from input (or unit) i of the layer below to unit j · b_j: the \
    bias of unit j · δ_j = ∂E/∂z_j: the error term of unit j · ∂E/∂w_ij = δ_j a_i · η: the \
    learning rate · update w_ij ← w_ij − η ∂E/∂w_ij. Units, inputs, layers, classes and \
    samples are counted from 1; Dense layer 1 is the one next to the inputs.";

#[cfg(test)]
mod tests {
    use super::{factor, pair, plain, runs};

    #[test]
    fn markup_makes_subscripts_and_plain_text_drops_the_markers() {
        assert_eq!(
            runs("w_{12} = δ_j·a_i"),
            [
                ("w".to_string(), false),
                ("12".to_string(), true),
                (" = δ".to_string(), false),
                ("j".to_string(), true),
                ("·a".to_string(), false),
                ("i".to_string(), true),
            ]
        );
        assert_eq!(plain("θ_{ij} ← θ_{ij} − η δ_j x_i"), "θij ← θij − η δj xi");
        assert_eq!(plain("a_b_"), "ab_");
    }

    #[test]
    fn negative_factors_sit_in_parentheses_with_a_true_minus() {
        assert_eq!(factor(-0.79461), "(−0.7946)");
        assert_eq!(factor(0.9), "0.9000");
        assert_eq!(factor(0.0), "0");
        assert_eq!(pair(1, 2), "12");
        assert_eq!(pair(10, 3), "10,3");
    }
}
