//! A fade over the bottom of a scroll area whose content runs on below it, so that a line
//! cut by the area's edge reads as "more below: scroll" rather than as a drawing fault (the
//! backprop stepper in presentation mode shows two or three lines of formulas at a time).

use eframe::egui::{self, Color32, Mesh, Rect, Shape, pos2};

/// Height of the fade in points: about one line of body text.
pub const FADE_HEIGHT: f32 = 18.0;

/// The strip of a scroll area's viewport `inner` to fade: its bottom [`FADE_HEIGHT`] points
/// (at most a third of the viewport, at most what is hidden below), when the content,
/// `content_height` points tall and scrolled down by `offset` points, runs on past the
/// viewport's bottom by half a point or more; `None` when its end is in view.
pub fn bottom_fade(inner: Rect, content_height: f32, offset: f32) -> Option<Rect> {
    let hidden = content_height - offset - inner.height();
    if hidden.is_nan() || hidden < 0.5 {
        return None;
    }
    let height = FADE_HEIGHT.min(inner.height() / 3.0).min(hidden);
    Some(Rect::from_min_max(
        pos2(inner.left(), inner.bottom() - height),
        inner.right_bottom(),
    ))
}

/// Paints the fade of a scroll area's `output` (see [`bottom_fade`]) into `ui`: clear at its
/// top, the panel's background colour at the bottom edge.
pub fn fade_what_runs_on<R>(ui: &egui::Ui, output: &egui::scroll_area::ScrollAreaOutput<R>) {
    let Some(rect) = bottom_fade(
        output.inner_rect,
        output.content_size.y,
        output.state.clamped_offset().y,
    ) else {
        return;
    };
    let fill = ui.visuals().panel_fill;
    let mut mesh = Mesh::default();
    mesh.colored_vertex(rect.left_top(), Color32::TRANSPARENT);
    mesh.colored_vertex(rect.right_top(), Color32::TRANSPARENT);
    mesh.colored_vertex(rect.left_bottom(), fill);
    mesh.colored_vertex(rect.right_bottom(), fill);
    mesh.add_triangle(0, 1, 2);
    mesh.add_triangle(1, 3, 2);
    ui.painter().add(Shape::mesh(mesh));
}

#[cfg(test)]
mod tests {
    use super::*;
    use eframe::egui::vec2;

    #[test]
    fn only_content_that_runs_on_below_the_viewport_is_faded() {
        let inner = Rect::from_min_size(pos2(10.0, 100.0), vec2(300.0, 120.0));
        // 200 points of content in a 120-point viewport, at the top: the bottom 18 points.
        assert_eq!(
            bottom_fade(inner, 200.0, 0.0),
            Some(Rect::from_min_max(pos2(10.0, 202.0), pos2(310.0, 220.0)))
        );
        // Scrolled to 5 points from the end: the fade is as tall as what is hidden.
        assert_eq!(
            bottom_fade(inner, 200.0, 75.0),
            Some(Rect::from_min_max(pos2(10.0, 215.0), pos2(310.0, 220.0)))
        );
        // At the end, or with everything in view, nothing is faded.
        assert_eq!(bottom_fade(inner, 200.0, 80.0), None);
        assert_eq!(bottom_fade(inner, 100.0, 0.0), None);
        assert_eq!(bottom_fade(inner, f32::NAN, 0.0), None);
        // A low viewport keeps two thirds of itself clear.
        let low = Rect::from_min_size(pos2(0.0, 0.0), vec2(100.0, 30.0));
        assert_eq!(
            bottom_fade(low, 300.0, 0.0),
            Some(Rect::from_min_max(pos2(0.0, 20.0), pos2(100.0, 30.0)))
        );
    }
}
