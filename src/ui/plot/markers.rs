//! Scatter markers (filled dots and rings) drawn as one textured quad each.
//!
//! egui_plot's `Points` tessellate every marker as a circle of many vertices with an
//! anti-aliased rim, every frame. For the decision boundary's 400–800 points that was about
//! half of a lab frame's time on the software renderer (`bench-ui`, lab view: 95th
//! percentile 10.6–11.1 ms with the points, 5.5–6.1 ms without). Here each marker is two
//! triangles that sample a small texture holding a white disc and a white ring (tinted by
//! the vertex colour), so a frame's vertex work no longer grows with the circle's detail.
//!
//! The look follows egui_plot's circle markers: a filled marker is a disc of radius `r`; a
//! hollow one is a ring centred on radius `r`, of width `0.3 r` (egui_plot strokes `r/5`, but
//! its tessellator widens a stroke under a pixel with its anti-aliased fringe, and a sampled
//! ring of `r/5` came out fainter on screen). Sizes are in points (egui's logical pixels).

use eframe::egui::{self, Color32, ColorImage, Mesh, Pos2, Rect, TextureHandle, TextureOptions};
use egui_plot::{PlotPoint, PlotTransform};

/// Texels across one sprite (a marker's box); mipmaps scale it down to a marker's size.
const SPRITE_TEXELS: usize = 64;

/// Half the side of a marker's box, as a multiple of its radius: room for the ring's outer
/// edge (1.15 r) and the anti-aliased fringe.
const BOX_RADII: f32 = 1.25;

/// Half a ring's width, as a multiple of its radius.
const RING_HALF_WIDTH: f32 = 0.15;

/// One marker: where (plot coordinates), how large (radius in points), its colour, and
/// whether it is a disc (`filled`) or a ring.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScatterMarker {
    /// Centre, in plot coordinates.
    pub at: PlotPoint,
    /// Radius in points.
    pub radius: f32,
    /// Colour (opaque or not; premultiplied as egui's colours are).
    pub color: Color32,
    /// A filled disc, or a ring of width `0.3 radius`.
    pub filled: bool,
}

/// The texture of the two sprites, made once and kept by the panel that draws markers.
#[derive(Default)]
pub struct MarkerSprites {
    texture: Option<TextureHandle>,
}

impl MarkerSprites {
    /// Paints `markers` in order (later ones on top) over the plot whose `transform` is
    /// given, clipped to the plot's frame.
    pub fn paint(&mut self, ui: &egui::Ui, transform: &PlotTransform, markers: &[ScatterMarker]) {
        if markers.is_empty() {
            return;
        }
        let texture = self.texture.get_or_insert_with(|| {
            ui.ctx().load_texture(
                "marker sprites",
                sprite_image(),
                TextureOptions {
                    mipmap_mode: Some(egui::TextureFilter::Linear),
                    ..TextureOptions::LINEAR
                },
            )
        });
        let mesh = marker_mesh(texture.id(), transform, markers);
        ui.painter()
            .with_clip_rect(*transform.frame())
            .add(egui::Shape::mesh(mesh));
    }
}

/// The quads of `markers`: four vertices and two triangles each, in order.
fn marker_mesh(
    texture: egui::TextureId,
    transform: &PlotTransform,
    markers: &[ScatterMarker],
) -> Mesh {
    let mut mesh = Mesh::with_texture(texture);
    mesh.reserve_vertices(markers.len() * 4);
    mesh.reserve_triangles(markers.len() * 2);
    let disc = Rect::from_min_max(Pos2::new(0.0, 0.0), Pos2::new(0.5, 1.0));
    let ring = Rect::from_min_max(Pos2::new(0.5, 0.0), Pos2::new(1.0, 1.0));
    for marker in markers {
        let center = transform.position_from_point(&marker.at);
        let half = marker.radius * BOX_RADII;
        let rect = Rect::from_center_size(center, egui::vec2(2.0 * half, 2.0 * half));
        let uv = if marker.filled { disc } else { ring };
        mesh.add_rect_with_uv(rect, uv, marker.color);
    }
    mesh
}

/// The sprite sheet: a white disc (left) and a white ring (right), each `SPRITE_TEXELS`
/// square, alpha = the share of each texel the shape covers (4 × 4 samples per texel).
fn sprite_image() -> ColorImage {
    let n = SPRITE_TEXELS;
    let mut image = ColorImage::filled([2 * n, n], Color32::TRANSPARENT);
    // Radii in texels: the box is BOX_RADII radii across each way from the centre.
    let r = n as f32 / (2.0 * BOX_RADII);
    let half = n as f32 / 2.0;
    const SAMPLES: usize = 4;
    for y in 0..n {
        for x in 0..n {
            let (mut disc, mut ring) = (0usize, 0usize);
            for sy in 0..SAMPLES {
                for sx in 0..SAMPLES {
                    let px = x as f32 + (sx as f32 + 0.5) / SAMPLES as f32 - half;
                    let py = y as f32 + (sy as f32 + 0.5) / SAMPLES as f32 - half;
                    let d = (px * px + py * py).sqrt();
                    disc += usize::from(d <= r);
                    ring += usize::from((d - r).abs() <= r * RING_HALF_WIDTH);
                }
            }
            let alpha = |hits: usize| {
                let share = hits as f32 / (SAMPLES * SAMPLES) as f32;
                Color32::from_white_alpha((share * 255.0).round() as u8)
            };
            image[(x, y)] = alpha(disc);
            image[(n + x, y)] = alpha(ring);
        }
    }
    image
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui_plot::PlotBounds;

    /// The disc covers its centre fully and nothing past its radius; the ring is empty at
    /// the centre, full on the radius, and its area is that of a band of width 0.3 r.
    #[test]
    fn sprites_cover_a_disc_and_a_ring_of_three_tenths_of_the_radius() {
        let image = sprite_image();
        let n = SPRITE_TEXELS;
        assert_eq!(image.size, [2 * n, n]);
        let alpha = |x: usize, y: usize| image[(x, y)].a();
        let (c, r) = (n / 2, n as f32 / (2.0 * BOX_RADII));
        assert_eq!(alpha(c, c), 255, "disc centre");
        assert_eq!(alpha(0, 0), 0, "disc corner");
        assert_eq!(alpha(c + r as usize + 2, c), 0, "just past the disc");
        assert_eq!(alpha(n + c, c), 0, "ring centre");
        assert_eq!(alpha(n + c + r.round() as usize, c), 255, "on the ring");
        let coverage = |from: usize| -> f32 {
            (0..n)
                .flat_map(|y| (0..n).map(move |x| (x, y)))
                .map(|(x, y)| f32::from(alpha(from + x, y)) / 255.0)
                .sum()
        };
        let disc_area = std::f32::consts::PI * r * r;
        let ring_area = std::f32::consts::PI * ((1.15 * r).powi(2) - (0.85 * r).powi(2));
        assert!(
            (coverage(0) - disc_area).abs() < 0.01 * disc_area,
            "{} vs {disc_area}",
            coverage(0)
        );
        assert!(
            (coverage(n) - ring_area).abs() < 0.03 * ring_area,
            "{} vs {ring_area}",
            coverage(n)
        );
    }

    /// A marker becomes one quad centred on its point's screen position, 2.5 radii across,
    /// tinted by its colour, with the disc's or the ring's half of the sheet.
    #[test]
    fn each_marker_is_one_quad_at_its_point() {
        let frame = Rect::from_min_size(Pos2::new(10.0, 20.0), egui::vec2(200.0, 100.0));
        let bounds = PlotBounds::from_min_max([0.0, 0.0], [2.0, 1.0]);
        let transform = PlotTransform::new(frame, bounds, [false, false]);
        let markers = [
            ScatterMarker {
                at: PlotPoint::new(1.0, 0.5),
                radius: 4.0,
                color: Color32::RED,
                filled: true,
            },
            ScatterMarker {
                at: PlotPoint::new(0.0, 1.0),
                radius: 2.0,
                color: Color32::BLUE,
                filled: false,
            },
        ];
        let mesh = marker_mesh(egui::TextureId::default(), &transform, &markers);
        assert_eq!(mesh.vertices.len(), 8);
        assert_eq!(mesh.indices.len(), 12);
        let corners = |i: usize| -> Rect {
            let v = &mesh.vertices[4 * i..4 * i + 4];
            Rect::from_points(&v.iter().map(|v| v.pos).collect::<Vec<_>>())
        };
        // (1, 0.5) is the frame's centre (110, 70); (0, 1) its top-left corner (10, 20).
        assert_eq!(
            corners(0),
            Rect::from_center_size(Pos2::new(110.0, 70.0), egui::vec2(10.0, 10.0))
        );
        assert_eq!(
            corners(1),
            Rect::from_center_size(Pos2::new(10.0, 20.0), egui::vec2(5.0, 5.0))
        );
        assert!(
            mesh.vertices[..4]
                .iter()
                .all(|v| v.color == Color32::RED && v.uv.x <= 0.5)
        );
        assert!(
            mesh.vertices[4..]
                .iter()
                .all(|v| v.color == Color32::BLUE && v.uv.x >= 0.5)
        );
    }
}
