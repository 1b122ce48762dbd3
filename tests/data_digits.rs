//! A hand-drawn digit made into an MNIST sample (`data::digits`): the pen's strokes on a
//! canvas, the 20×20 box with the aspect ratio kept, grey anti-aliased edges, the centre of
//! mass at the field's centre, and an MNIST digit drawn again coming back as itself.

use gradscope::data::digits::{DIGIT_BOX, MNIST_SIDE, mnist_style, rasterize};
use gradscope::data::{Features, mnist_bundled};

/// The inked rows and columns (value > 0.05) of a 28×28 image: (first, last + 1) of each.
fn extent(image: &[f32]) -> ((usize, usize), (usize, usize)) {
    let inked: Vec<(usize, usize)> = (0..MNIST_SIDE * MNIST_SIDE)
        .filter(|&i| image[i] > 0.05)
        .map(|i| (i % MNIST_SIDE, i / MNIST_SIDE))
        .collect();
    let xs = inked.iter().map(|p| p.0);
    let ys = inked.iter().map(|p| p.1);
    (
        (xs.clone().min().unwrap(), xs.max().unwrap() + 1),
        (ys.clone().min().unwrap(), ys.max().unwrap() + 1),
    )
}

fn centre_of_mass(image: &[f32]) -> (f32, f32) {
    let mass: f32 = image.iter().sum();
    let mx: f32 = image
        .iter()
        .enumerate()
        .map(|(i, v)| v * ((i % MNIST_SIDE) as f32 + 0.5))
        .sum();
    let my: f32 = image
        .iter()
        .enumerate()
        .map(|(i, v)| v * ((i / MNIST_SIDE) as f32 + 0.5))
        .sum();
    (mx / mass, my / mass)
}

#[test]
fn a_stroke_is_inked_with_a_round_anti_aliased_pen() {
    let canvas = rasterize(&[vec![[0.25, 0.505], [0.75, 0.505]]], 100, 4.0);
    // On the line: full ink; 4 pixels off it: the edge, half inked; 6 pixels off: paper.
    assert_eq!(canvas[50 * 100 + 50], 1.0);
    assert!(
        (canvas[54 * 100 + 50] - 0.5).abs() < 1e-6,
        "{}",
        canvas[54 * 100 + 50]
    );
    assert_eq!(canvas[56 * 100 + 50], 0.0);
    // Round caps: beyond the end point only within the radius.
    assert_eq!(canvas[50 * 100 + 76], 1.0);
    assert_eq!(canvas[50 * 100 + 81], 0.0);
}

#[test]
fn an_empty_canvas_gives_an_empty_digit() {
    assert_eq!(mnist_style(&vec![0.0; 280 * 280], 280), vec![0.0; 784]);
}

#[test]
fn a_tall_stroke_fills_the_box_height_and_sits_at_the_centre_of_mass() {
    // A "1": a vertical stroke in the upper left of the canvas.
    let canvas = rasterize(&[vec![[0.2, 0.1], [0.25, 0.6]]], 280, 10.0);
    let digit = mnist_style(&canvas, 280);
    let ((x0, x1), (y0, y1)) = extent(&digit);
    assert_eq!(y1 - y0, DIGIT_BOX, "the height fills the 20-pixel box");
    assert!(x1 - x0 < 10, "the aspect ratio is kept: {x0}..{x1}");
    let (cx, cy) = centre_of_mass(&digit);
    assert!(
        (cx - 14.0).abs() <= 0.5 && (cy - 14.0).abs() <= 0.5,
        "({cx}, {cy})"
    );
    assert!(digit.iter().all(|v| (0.0..=1.0).contains(v)));
    let grey = digit.iter().filter(|&&v| v > 0.05 && v < 0.95).count();
    assert!(grey > 5, "scaling leaves grey edges: {grey}");
}

#[test]
fn a_wide_stroke_fills_the_box_width() {
    let canvas = rasterize(&[vec![[0.1, 0.8], [0.9, 0.85]]], 280, 6.0);
    let digit = mnist_style(&canvas, 280);
    let ((x0, x1), (y0, y1)) = extent(&digit);
    assert_eq!(x1 - x0, DIGIT_BOX);
    assert!(y1 - y0 <= 4, "{y0}..{y1}");
}

#[test]
fn an_mnist_digit_drawn_again_comes_back_as_itself() {
    let data = mnist_bundled().expect("bundled MNIST");
    let Features::U8(pixels) = &data.test.features else {
        panic!("MNIST keeps pixels")
    };
    let mut cosines = Vec::new();
    for index in 0..20 {
        let original: Vec<f32> = pixels[index * 784..(index + 1) * 784]
            .iter()
            .map(|&p| f32::from(p) / 255.0)
            .collect();
        // Blow the digit up 10× (nearest neighbour), as if drawn on a 280-pixel canvas.
        let side = 280;
        let canvas: Vec<f32> = (0..side * side)
            .map(|i| original[(i / side / 10) * 28 + (i % side) / 10])
            .collect();
        let again = mnist_style(&canvas, side);
        let dot: f32 = original.iter().zip(&again).map(|(a, b)| a * b).sum();
        let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
        let cosine = dot / (norm(&original) * norm(&again));
        assert!(cosine > 0.7, "test digit {index}: cosine {cosine}");
        cosines.push(cosine);
    }
    // Thin strokes move by a pixel when their faint anti-aliased edge counts in the box.
    let mean = cosines.iter().sum::<f32>() / cosines.len() as f32;
    assert!(mean > 0.85, "mean cosine {mean}: {cosines:?}");
}
