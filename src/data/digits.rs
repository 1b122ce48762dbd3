//! A hand-drawn digit made into an MNIST sample, the way the MNIST digits themselves were made
//! (LeCun, Cortes & Burges, "The MNIST database of handwritten digits"): the drawing is scaled
//! to fit a 20×20 box with its aspect ratio kept, anti-aliased to grey levels by the scaling,
//! and placed in a 28×28 field so that its centre of mass sits at the field's centre.
//!
//! [`rasterize`] turns pen strokes into a fine canvas; [`mnist_style`] does the rest.

/// Side of an MNIST image in pixels.
pub const MNIST_SIDE: usize = 28;

/// Side of the box the drawing is scaled into, in pixels.
pub const DIGIT_BOX: usize = 20;

/// Canvas values at or below this count as paper when finding the drawing's bounding box.
const INK_THRESHOLD: f32 = 0.02;

/// Draws `strokes` (each a polyline of points in [0, 1]², x to the right and y down) with a
/// round pen of `radius` canvas pixels on a `side`×`side` canvas. Returns row-major values in
/// [0, 1] (1 = ink); the pen's edge is anti-aliased over one pixel. A stroke of one point is a
/// dot.
pub fn rasterize(strokes: &[Vec<[f32; 2]>], side: usize, radius: f32) -> Vec<f32> {
    let mut canvas = vec![0.0f32; side * side];
    let scale = side as f32;
    for stroke in strokes {
        let points: Vec<[f32; 2]> = stroke
            .iter()
            .map(|p| [p[0] * scale, p[1] * scale])
            .collect();
        let segments: Vec<([f32; 2], [f32; 2])> = match points.len() {
            0 => continue,
            1 => vec![(points[0], points[0])],
            _ => points.windows(2).map(|w| (w[0], w[1])).collect(),
        };
        for (a, b) in segments {
            stamp_segment(&mut canvas, side, a, b, radius);
        }
    }
    canvas
}

/// Inks the pixels within `radius` of the segment `a`–`b` (pixel centres at +0.5).
fn stamp_segment(canvas: &mut [f32], side: usize, a: [f32; 2], b: [f32; 2], radius: f32) {
    let reach = radius + 1.0;
    let clamp = |v: f32| (v.max(0.0) as usize).min(side.saturating_sub(1));
    let (x0, x1) = (clamp(a[0].min(b[0]) - reach), clamp(a[0].max(b[0]) + reach));
    let (y0, y1) = (clamp(a[1].min(b[1]) - reach), clamp(a[1].max(b[1]) + reach));
    for y in y0..=y1 {
        for x in x0..=x1 {
            let p = [x as f32 + 0.5, y as f32 + 0.5];
            let ink = (radius + 0.5 - distance_to_segment(p, a, b)).clamp(0.0, 1.0);
            let cell = &mut canvas[y * side + x];
            *cell = cell.max(ink);
        }
    }
}

fn distance_to_segment(p: [f32; 2], a: [f32; 2], b: [f32; 2]) -> f32 {
    let ab = [b[0] - a[0], b[1] - a[1]];
    let ap = [p[0] - a[0], p[1] - a[1]];
    let length2 = ab[0] * ab[0] + ab[1] * ab[1];
    let t = if length2 > 0.0 {
        ((ap[0] * ab[0] + ap[1] * ab[1]) / length2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let d = [ap[0] - t * ab[0], ap[1] - t * ab[1]];
    (d[0] * d[0] + d[1] * d[1]).sqrt()
}

/// The MNIST sample of a drawing: `canvas` is `side`×`side` row-major values in [0, 1]
/// (1 = ink). The drawing's bounding box is scaled to fit [`DIGIT_BOX`]×[`DIGIT_BOX`] with its
/// aspect ratio kept (each output pixel the mean of the canvas area it covers, which gives the
/// grey edges), then placed in a [`MNIST_SIDE`]×[`MNIST_SIDE`] field with its centre of mass
/// (rounded to whole pixels) at the field's centre (14, 14). Returns 784 row-major values in
/// [0, 1]; all zeros for an empty canvas.
pub fn mnist_style(canvas: &[f32], side: usize) -> Vec<f32> {
    let mut field = vec![0.0f32; MNIST_SIDE * MNIST_SIDE];
    let Some((x0, y0, x1, y1)) = bounding_box(canvas, side) else {
        return field;
    };
    let (width, height) = ((x1 - x0) as f32, (y1 - y0) as f32);
    let scale = DIGIT_BOX as f32 / width.max(height);
    let out_w = ((width * scale).round() as usize).clamp(1, DIGIT_BOX);
    let out_h = ((height * scale).round() as usize).clamp(1, DIGIT_BOX);
    let boxed = area_resample(canvas, side, (x0, y0), (width, height), (out_w, out_h));
    let (cx, cy) = centre_of_mass(&boxed, out_w);
    let half = MNIST_SIDE as f32 / 2.0;
    let left = (half - cx).round() as isize;
    let top = (half - cy).round() as isize;
    for y in 0..out_h {
        for x in 0..out_w {
            let (fx, fy) = (x as isize + left, y as isize + top);
            if (0..MNIST_SIDE as isize).contains(&fx) && (0..MNIST_SIDE as isize).contains(&fy) {
                field[fy as usize * MNIST_SIDE + fx as usize] = boxed[y * out_w + x];
            }
        }
    }
    field
}

/// The smallest box `[x0, x1) × [y0, y1)` (pixels) holding every inked pixel.
fn bounding_box(canvas: &[f32], side: usize) -> Option<(usize, usize, usize, usize)> {
    let mut bounds: Option<(usize, usize, usize, usize)> = None;
    for (i, &v) in canvas.iter().enumerate().take(side * side) {
        if v > INK_THRESHOLD {
            let (x, y) = (i % side, i / side);
            bounds = Some(match bounds {
                None => (x, y, x + 1, y + 1),
                Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1)),
            });
        }
    }
    bounds
}

/// Scales the canvas region at `origin` of `size` (pixels) to `out` pixels: each output pixel
/// is the mean of the canvas area it covers, partial pixels weighted by their covered share.
fn area_resample(
    canvas: &[f32],
    side: usize,
    origin: (usize, usize),
    size: (f32, f32),
    out: (usize, usize),
) -> Vec<f32> {
    let (out_w, out_h) = out;
    let step_x = size.0 / out_w as f32;
    let step_y = size.1 / out_h as f32;
    let mut result = vec![0.0f32; out_w * out_h];
    for oy in 0..out_h {
        let (sy0, sy1) = (oy as f32 * step_y, (oy + 1) as f32 * step_y);
        for ox in 0..out_w {
            let (sx0, sx1) = (ox as f32 * step_x, (ox + 1) as f32 * step_x);
            let mut sum = 0.0;
            let mut area = 0.0;
            for y in sy0.floor() as usize..(sy1.ceil() as usize) {
                let wy = (sy1.min(y as f32 + 1.0) - sy0.max(y as f32)).max(0.0);
                for x in sx0.floor() as usize..(sx1.ceil() as usize) {
                    let wx = (sx1.min(x as f32 + 1.0) - sx0.max(x as f32)).max(0.0);
                    let (cx, cy) = (origin.0 + x, origin.1 + y);
                    if cx < side && cy < side {
                        sum += wx * wy * canvas[cy * side + cx];
                    }
                    area += wx * wy;
                }
            }
            result[oy * out_w + ox] = if area > 0.0 { sum / area } else { 0.0 };
        }
    }
    result
}

/// The intensity-weighted mean position of an image (pixel centres at +0.5), in pixels.
fn centre_of_mass(image: &[f32], width: usize) -> (f32, f32) {
    let (mut mass, mut mx, mut my) = (0.0f32, 0.0f32, 0.0f32);
    for (i, &v) in image.iter().enumerate() {
        mass += v;
        mx += v * ((i % width) as f32 + 0.5);
        my += v * ((i / width) as f32 + 0.5);
    }
    if mass > 0.0 {
        (mx / mass, my / mass)
    } else {
        (
            width as f32 / 2.0,
            (image.len() / width.max(1)) as f32 / 2.0,
        )
    }
}
