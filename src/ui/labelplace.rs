//! Where the numbers painted on a diagram's edges go: each label slides along its edge to
//! the first place where it covers no label placed before it.
//!
//! The network view's stepper writes ∂E/∂w, or old → new, on every edge. At a fixed share of
//! each edge's length, the labels of two edges that cross (XOR's 2-2 layer: input 1 to unit
//! 2 and input 2 to unit 1) sat on top of each other, in presentation mode too.

use eframe::egui::{Pos2, Rect, Vec2};

/// The nearest an edge label's centre comes to either end of its edge, as a share of the
/// edge's length (closer, it would sit on the unit).
const END_MARGIN: f32 = 0.15;
/// The distance between two tried places along an edge, as a share of its length.
const STEP: f32 = 0.035;
/// Places tried on each side of the preferred one.
const TRIES_EACH_SIDE: usize = 12;

/// The rectangle of a label of `size` (points) on the edge from `a` to `b`: centred at the
/// share `preferred` of the way from `a` when that covers none of `taken`, else at the
/// nearest share (alternately after and before it, [`STEP`] apart, at most
/// [`TRIES_EACH_SIDE`] each way, never within [`END_MARGIN`] of an end) that covers none;
/// when every place covers some, the one that covers the least area.
pub fn place_on_edge(taken: &[Rect], (a, b): (Pos2, Pos2), size: Vec2, preferred: f32) -> Rect {
    let at = |t: f32| Rect::from_center_size(a + (b - a) * t, size);
    let covered = |rect: Rect| -> f32 {
        taken
            .iter()
            .map(|other| {
                let overlap = rect.intersect(*other);
                if overlap.is_positive() {
                    overlap.area()
                } else {
                    0.0
                }
            })
            .sum()
    };
    let first = preferred.clamp(END_MARGIN, 1.0 - END_MARGIN);
    let mut best = (at(first), covered(at(first)));
    for k in 1..=TRIES_EACH_SIDE {
        if best.1 == 0.0 {
            break;
        }
        let delta = STEP * k as f32;
        for t in [first + delta, first - delta] {
            if !(END_MARGIN..=1.0 - END_MARGIN).contains(&t) {
                continue;
            }
            let rect = at(t);
            let area = covered(rect);
            if area < best.1 {
                best = (rect, area);
                if area == 0.0 {
                    break;
                }
            }
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use eframe::egui::{pos2, vec2};

    /// XOR's 2-2 layer as the network view draws it in presentation mode (units 135 points
    /// apart across, 80 down; labels 122 × 18 points, `-0.1764 → -0.1764`): the four
    /// labels, placed in the view's order at its preferred shares (0.35 for unit 1's edges,
    /// 0.5 for unit 2's), cover no other.
    #[test]
    fn the_labels_of_crossing_edges_do_not_cover_each_other() {
        let inputs = [pos2(0.0, 0.0), pos2(0.0, 80.0)];
        let units = [pos2(135.0, 0.0), pos2(135.0, 80.0)];
        let size = vec2(122.0, 18.0);
        let mut taken: Vec<Rect> = Vec::new();
        for a in inputs {
            for (j, b) in units.iter().enumerate() {
                let preferred = 0.35 + 0.3 * (j as f32 / 2.0);
                let rect = place_on_edge(&taken, (a, *b), size, preferred);
                // On its edge: the centre on the segment from a to b.
                let t = (rect.center().x - a.x) / (b.x - a.x);
                let on_line = a + (*b - a) * t;
                assert!((on_line - rect.center()).length() < 1e-3, "{rect:?}");
                assert!((END_MARGIN..=1.0 - END_MARGIN).contains(&t), "{t}");
                for other in &taken {
                    // Touching is allowed (the backings have rounded corners); covering not.
                    let covered = rect.intersect(*other);
                    assert!(!covered.is_positive(), "{rect:?} covers {other:?}");
                }
                taken.push(rect);
            }
        }
        // Without the sliding (every label at its preferred share) the crossing edges'
        // labels overlap, as they did in the view.
        let fixed = |a: Pos2, b: Pos2, j: usize| {
            Rect::from_center_size(a + (b - a) * (0.35 + 0.15 * j as f32), size)
        };
        let overlap = fixed(inputs[0], units[1], 1).intersect(fixed(inputs[1], units[0], 0));
        assert!(overlap.is_positive(), "{overlap:?}");
    }

    /// A label with room at its preferred place stays there; one with no room anywhere takes
    /// the place that covers least.
    #[test]
    fn a_free_place_is_kept_and_a_full_edge_takes_the_least_covered_place() {
        let (a, b) = (pos2(0.0, 0.0), pos2(200.0, 0.0));
        let size = vec2(20.0, 10.0);
        let rect = place_on_edge(&[], (a, b), size, 0.5);
        assert_eq!(rect.center(), pos2(100.0, 0.0));
        // Everything but a gap near x = 150 is taken: the label slides into the gap's side.
        let wall = [
            Rect::from_min_max(pos2(-50.0, -20.0), pos2(140.0, 20.0)),
            Rect::from_min_max(pos2(160.0, -20.0), pos2(260.0, 20.0)),
        ];
        let rect = place_on_edge(&wall, (a, b), size, 0.5);
        let overlap: f32 = wall
            .iter()
            .map(|w| w.intersect(rect))
            .filter(|r| r.is_positive())
            .map(|r| r.area())
            .sum();
        // The places tried, 7 points apart from 100, cover 200 (inside a wall), 80 (centre at
        // 142: 8 × 10 of the first wall), 10 (at 149: 1 × 10) or 60 (at 156: 6 × 10 of the
        // second); the least wins.
        assert!((rect.center().x - 149.0).abs() < 1e-3, "{rect:?}");
        assert!((overlap - 10.0).abs() < 1e-3, "{overlap}");
    }
}
