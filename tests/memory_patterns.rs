//! Memory room, patterns and cues: the grid, the bundled letters (and the glyph parser's
//! errors with line and column), MNIST digits fitted to the grid, seeded random patterns,
//! drawn bitmaps, and cues made by flipping k % of the bits or erasing a block.

use gradscope::memory::digits::binarise;
use gradscope::memory::{
    Block, BlockFill, Grid, Pattern, builtin_letters, erase_block, flip_bits, letter_patterns,
    mnist_digits, parse_glyphs, random_patterns,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn ink_share(p: &Pattern) -> f64 {
    p.spins.iter().filter(|&&s| s == 1).count() as f64 / p.spins.len() as f64
}

#[test]
fn grids_are_the_squarest_layout_up_to_32_by_32() {
    let shape = |n| Grid::for_neurons(n).map(|g| (g.rows, g.cols));
    assert_eq!(shape(144), Ok((12, 12)));
    assert_eq!(shape(120), Ok((10, 12)));
    assert_eq!(shape(100), Ok((10, 10)));
    assert_eq!(shape(1024), Ok((32, 32)));
    assert_eq!(shape(2), Ok((1, 2)));
    let message = |n| Grid::for_neurons(n).unwrap_err().to_string();
    assert_eq!(
        message(101),
        "101 neurons do not fit a grid of at most 32×32 (give R·C with R, C ≤ 32, e.g. 144 = \
         12×12)"
    );
    assert!(message(0).starts_with("0 neurons do not fit"));
    assert!(message(1025).starts_with("1025 neurons do not fit"));
    assert_eq!(
        Grid::new(0, 12).unwrap_err().to_string(),
        "a grid of 0×12 neurons: rows and columns must be 1 to 32"
    );
}

#[test]
fn the_bundled_letters_are_26_distinct_12_by_12_glyphs() {
    let glyphs = builtin_letters().expect("the bundled file parses");
    let names: String = glyphs.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    let grid = Grid::new(12, 12).unwrap();
    let patterns = letter_patterns(grid, 26).unwrap();
    for (glyph, pattern) in glyphs.iter().zip(&patterns) {
        assert_eq!((glyph.rows, glyph.cols), (12, 12));
        let share = ink_share(pattern);
        assert!((0.25..=0.6).contains(&share), "{}: ink {share}", glyph.name);
        // At 12×12 the sampling is the identity.
        let spins: Vec<i8> = glyph.ink.iter().map(|&b| if b { 1 } else { -1 }).collect();
        assert_eq!(pattern.spins, spins);
        assert_eq!(pattern.label, glyph.name);
    }
    for (a, pa) in patterns.iter().enumerate() {
        for pb in &patterns[a + 1..] {
            assert_ne!(pa.spins, pb.spins, "{} and {} differ", pa.label, pb.label);
        }
    }
    assert_eq!(
        letter_patterns(grid, 27).unwrap_err().to_string(),
        "there are 26 built-in letters, 27 were asked for"
    );
}

#[test]
fn letters_scale_to_other_grids_by_nearest_neighbour() {
    let glyphs = builtin_letters().unwrap();
    let a = &glyphs[0];
    let big = a.to_pattern(Grid::new(24, 24).unwrap());
    for r in 0..24 {
        for c in 0..24 {
            let src = a.ink[(r / 2) * 12 + c / 2];
            assert_eq!(big.spins[r * 24 + c] == 1, src, "cell ({r}, {c})");
        }
    }
    let small = a.to_pattern(Grid::new(6, 6).unwrap());
    // Cell (r, c) of 6×6 samples the source cell (2r + 1, 2c + 1).
    for r in 0..6 {
        for c in 0..6 {
            let src = a.ink[(2 * r + 1) * 12 + 2 * c + 1];
            assert_eq!(small.spins[r * 6 + c] == 1, src, "cell ({r}, {c})");
        }
    }
}

#[test]
fn glyph_files_with_mistakes_give_their_line_and_column() {
    let cases = [
        (
            "#..\n",
            "g.txt:1:1: a bitmap row before the first [name] header",
        ),
        (
            "[A]\n#.#\n#x#\n",
            "g.txt:3:2: 'x' is neither '#' (ink) nor '.' (background)",
        ),
        (
            "; note\n[A]\n#.#\n#.\n",
            "g.txt:4:1: this row has 2 cells, the glyph's first row has 3",
        ),
        (
            "[A]\n#.\n.#\n\n[B]\n#.\n",
            "g.txt:5:1: glyph [B] has 1 rows, glyph [A] has 2",
        ),
        (
            "[A]\n#.\n[B]\n#..\n",
            "g.txt:3:1: glyph [B] has 3 columns, glyph [A] has 2",
        ),
        ("[A]\n[B]\n#\n", "g.txt:1:1: glyph [A] has no rows"),
        ("[A]\n#\n[A]\n#\n", "g.txt:3:1: a second glyph named [A]"),
        (
            "[A]\n#\n[ ]\n",
            "g.txt:3:2: a glyph header needs a name: [A]",
        ),
        ("; only a comment\n", "g.txt:1:1: no glyphs in the file"),
    ];
    for (text, message) in cases {
        let err = parse_glyphs("g.txt", text).unwrap_err();
        assert_eq!(err.to_string(), message, "for {text:?}");
    }
    let ok = parse_glyphs("g.txt", "[I]\n.#.\n.#.\r\n").unwrap();
    assert_eq!(ok[0].ink, [false, true, false, false, true, false]);
}

#[test]
fn mnist_digits_come_in_order_and_fit_the_grid() {
    let grid = Grid::new(12, 12).unwrap();
    let digits = mnist_digits(grid, 12).unwrap();
    let labels: Vec<&str> = digits.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels[..3], ["digit 0", "digit 1", "digit 2"]);
    assert_eq!(labels[10..], ["digit 0 (#2)", "digit 1 (#2)"]);
    for d in &digits {
        assert_eq!(d.spins.len(), 144);
        let share = ink_share(d);
        assert!((0.08..=0.6).contains(&share), "{}: ink {share}", d.label);
    }
    // A one is thinner than a zero.
    assert!(ink_share(&digits[1]) < ink_share(&digits[0]));
    assert_ne!(digits[0].spins, digits[10].spins, "two different zeros");
    let err = mnist_digits(grid, 10_000).unwrap_err().to_string();
    assert!(err.starts_with("the bundled MNIST set has "), "{err}");
}

#[test]
fn binarising_averages_the_central_20_by_20_pixels_onto_the_grid() {
    // Ink on the left half of the central 20×20 box (columns 4..14) and one stray pixel in
    // the cropped border.
    let mut image = vec![0u8; 28 * 28];
    for y in 4..24 {
        for x in 4..14 {
            image[y * 28 + x] = 255;
        }
    }
    image[0] = 255;
    let grid = Grid::new(4, 4).unwrap();
    // Each of the 4×4 cells covers 5×5 source pixels; columns 0–1 are ink, 2–3 background.
    let expected: Vec<i8> = (0..16).map(|i| if i % 4 < 2 { 1 } else { -1 }).collect();
    assert_eq!(binarise(&image, 28, grid), expected);
    // Faint ink (153/255 = 0.6) on the first 3 source columns.
    let mut faint = vec![0u8; 28 * 28];
    for y in 4..24 {
        for x in 4..7 {
            faint[y * 28 + x] = 153;
        }
    }
    // Cell width 5: pixels 4..7 cover 3 of 5 columns of cell 0 → mean 0.6 · 0.6 = 0.36 ≥ 0.35.
    assert_eq!(binarise(&faint, 28, grid)[0], 1);
    let grid = Grid::new(2, 2).unwrap();
    // Cell width 10: 3 of 10 columns → 0.18: background.
    assert_eq!(binarise(&faint, 28, grid)[0], -1);
}

#[test]
fn random_patterns_are_seeded_fair_coins() {
    let grid = Grid::new(32, 32).unwrap();
    let a = random_patterns(grid, 3, 5);
    assert_eq!(a, random_patterns(grid, 3, 5));
    assert_ne!(a, random_patterns(grid, 3, 6));
    assert_eq!(a[1].label, "random 2");
    for p in &a {
        let share = ink_share(p);
        // Binomial(1024, ½): standard deviation 1.6 %.
        assert!((0.45..=0.55).contains(&share), "{share}");
    }
}

#[test]
fn a_drawn_bitmap_becomes_a_pattern() {
    let grid = Grid::new(2, 3).unwrap();
    let drawn = Pattern::from_bits(grid, "drawn", &[true, false, false, true, true, false]);
    assert_eq!(drawn.unwrap().spins, [1, -1, -1, 1, 1, -1]);
    assert_eq!(
        Pattern::from_bits(grid, "drawn", &[true; 5])
            .unwrap_err()
            .to_string(),
        "pattern 'drawn': 5 values for a 2×3 grid (6 neurons)"
    );
}

#[test]
fn flipping_k_percent_flips_exactly_that_many_bits() {
    let grid = Grid::new(12, 12).unwrap();
    let x = &random_patterns(grid, 1, 1)[0].spins;
    let mut rng = StdRng::seed_from_u64(3);
    for (fraction, flips) in [(0.0, 0), (0.1, 14), (0.2, 29), (0.5, 72), (1.0, 144)] {
        let cue = flip_bits(x, fraction, &mut rng);
        let differ = cue.iter().zip(x).filter(|(a, b)| a != b).count();
        assert_eq!(differ, flips, "{fraction}");
    }
    assert_eq!(flip_bits(x, f64::NAN, &mut rng), *x);
    assert_eq!(flip_bits(x, 7.0, &mut rng).len(), 144);
    let again = flip_bits(x, 0.2, &mut StdRng::seed_from_u64(9));
    assert_eq!(again, flip_bits(x, 0.2, &mut StdRng::seed_from_u64(9)));
}

#[test]
fn erasing_a_block_changes_only_the_block() {
    let grid = Grid::new(6, 8).unwrap();
    let x = vec![1i8; 48];
    let block = Block {
        row: 1,
        col: 2,
        height: 3,
        width: 4,
    };
    let inside = |i: usize| (1..4).contains(&(i / 8)) && (2..6).contains(&(i % 8));
    let mut rng = StdRng::seed_from_u64(1);
    let erased = erase_block(grid, &x, block, BlockFill::Negative, &mut rng).unwrap();
    for (i, &s) in erased.iter().enumerate() {
        assert_eq!(s, if inside(i) { -1 } else { 1 }, "neuron {i}");
    }
    let random = erase_block(grid, &x, block, BlockFill::Random, &mut rng).unwrap();
    let negatives = (0..48).filter(|&i| random[i] == -1).count();
    assert!((0..48).all(|i| inside(i) || random[i] == 1));
    assert!(
        negatives > 0 && negatives < 12,
        "random fill: {negatives} of 12 at −1"
    );
    let too_big = Block { row: 4, ..block };
    assert_eq!(
        erase_block(grid, &x, too_big, BlockFill::Negative, &mut rng)
            .unwrap_err()
            .to_string(),
        "block 3×4 at row 4, column 2 does not fit the 6×8 grid"
    );
}
