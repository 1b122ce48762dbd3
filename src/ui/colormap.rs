//! The colormaps shared by every heatmap: one diverging (signed values, centred at zero), one
//! sequential (magnitudes), and the class palette.

use eframe::egui::Color32;

/// Piecewise-linear interpolation between evenly spaced colour stops; `t` is clamped to [0, 1].
fn interpolate(stops: &[[u8; 3]], t: f32) -> Color32 {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.5
    };
    let scaled = t * (stops.len() - 1) as f32;
    let index = (scaled.floor() as usize).min(stops.len() - 2);
    let frac = scaled - index as f32;
    let (a, b) = (stops[index], stops[index + 1]);
    let mix =
        |i: usize| (f32::from(a[i]) + (f32::from(b[i]) - f32::from(a[i])) * frac).round() as u8;
    Color32::from_rgb(mix(0), mix(1), mix(2))
}

/// Blue (negative) – near-white (zero) – red (positive), after ColorBrewer's RdBu.
const DIVERGING: [[u8; 3]; 5] = [
    [33, 102, 172],
    [146, 197, 222],
    [247, 247, 247],
    [244, 165, 130],
    [178, 24, 43],
];

/// Dark purple – blue – green – yellow, a viridis-like ramp.
const SEQUENTIAL: [[u8; 3]; 5] = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
];

/// Colour of a signed `value` on a scale symmetric about zero: `-limit` is full blue, 0 white,
/// `+limit` full red. A non-positive or non-finite limit maps everything to white.
pub fn diverging(value: f32, limit: f32) -> Color32 {
    if !(limit.is_finite() && limit > 0.0) {
        return interpolate(&DIVERGING, 0.5);
    }
    interpolate(&DIVERGING, 0.5 + 0.5 * value / limit)
}

/// Colour of `value` on the sequential ramp between `min` and `max`.
pub fn sequential(value: f32, min: f32, max: f32) -> Color32 {
    let span = max - min;
    if !(span.is_finite() && span > 0.0) {
        return interpolate(&SEQUENTIAL, 0.5);
    }
    interpolate(&SEQUENTIAL, (value - min) / span)
}

/// Class colours: blue, orange, green, purple, … (distinct on a projector and for most colour
/// vision deficiencies in the first three).
const CLASSES: [[u8; 3]; 10] = [
    [31, 119, 180],
    [255, 127, 14],
    [44, 160, 44],
    [148, 103, 189],
    [214, 39, 40],
    [140, 86, 75],
    [227, 119, 194],
    [127, 127, 127],
    [188, 189, 34],
    [23, 190, 207],
];

/// Colour of class `index` (cycles after 10).
pub fn class_color(index: usize) -> Color32 {
    let [r, g, b] = CLASSES[index % CLASSES.len()];
    Color32::from_rgb(r, g, b)
}

/// Background colour of a boundary cell: the class colours mixed by probability, then faded
/// towards `background` where the model is unsure (max probability near 1/classes).
pub fn probability_mix(probabilities: &[f32], background: Color32) -> Color32 {
    let classes = probabilities.len().max(1);
    let mut rgb = [0.0f32; 3];
    let mut best = 0.0f32;
    for (k, &p) in probabilities.iter().enumerate() {
        let p = if p.is_finite() {
            p.clamp(0.0, 1.0)
        } else {
            0.0
        };
        best = best.max(p);
        let c = class_color(k);
        rgb[0] += p * f32::from(c.r());
        rgb[1] += p * f32::from(c.g());
        rgb[2] += p * f32::from(c.b());
    }
    let chance = 1.0 / classes as f32;
    let confidence = ((best - chance) / (1.0 - chance)).clamp(0.0, 1.0);
    let strength = 0.25 + 0.5 * confidence;
    let fade = |fg: f32, bg: u8| (fg * strength + f32::from(bg) * (1.0 - strength)).round() as u8;
    Color32::from_rgb(
        fade(rgb[0], background.r()),
        fade(rgb[1], background.g()),
        fade(rgb[2], background.b()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diverging_is_centred_and_saturates() {
        assert_eq!(diverging(0.0, 1.0), Color32::from_rgb(247, 247, 247));
        assert_eq!(diverging(-5.0, 1.0), Color32::from_rgb(33, 102, 172));
        assert_eq!(diverging(1.0, 1.0), Color32::from_rgb(178, 24, 43));
        assert_eq!(diverging(f32::NAN, 1.0), Color32::from_rgb(247, 247, 247));
        assert_eq!(diverging(1.0, 0.0), Color32::from_rgb(247, 247, 247));
    }

    #[test]
    fn sequential_ends() {
        assert_eq!(sequential(0.0, 0.0, 1.0), Color32::from_rgb(68, 1, 84));
        assert_eq!(sequential(1.0, 0.0, 1.0), Color32::from_rgb(253, 231, 37));
    }
}
