//! Memory room, learning rules: Hebbian, Storkey and pseudo-inverse weights against values
//! worked by hand (and by an independent NumPy implementation), the zero diagonal and symmetry
//! of W, storing one pattern at a time (outer product and ΔW), and the pseudo-inverse rule
//! holding any P ≤ N/2 linearly independent patterns as fixed points.

use gradscope::memory::{Grid, Hopfield, LearningRule, Pattern, random_patterns};

fn pattern(grid: Grid, spins: &[i8]) -> Pattern {
    Pattern::from_spins(grid, "test", spins).expect("a valid pattern")
}

fn net_with(rule: LearningRule, grid: Grid, patterns: &[&[i8]]) -> Hopfield {
    let mut net = Hopfield::new(grid, rule);
    for spins in patterns {
        net.store(&pattern(grid, spins)).expect("stored");
    }
    net
}

fn assert_weights(net: &Hopfield, expected: &[f64]) {
    let n = net.neurons();
    for i in 0..n {
        for j in 0..n {
            let (got, want) = (net.weight(i, j), expected[i * n + j]);
            assert!(
                (got - want).abs() < 1e-12,
                "w[{i}][{j}] = {got}, expected {want}"
            );
        }
    }
}

const X1: [i8; 4] = [1, 1, 1, -1];
const X2: [i8; 4] = [1, -1, 1, 1];

#[test]
fn hebbian_weights_of_two_patterns_equal_hand_computed_values() {
    let grid = Grid::new(2, 2).unwrap();
    let net = net_with(LearningRule::Hebb, grid, &[&X1, &X2]);
    // w_ij = (x1_i x1_j + x2_i x2_j) / 4 for i ≠ j:
    // w12 = (1·1 + 1·(−1))/4 = 0      w13 = (1·1 + 1·1)/4 = 0.5     w14 = (−1 + 1)/4 = 0
    // w23 = (1·1 + (−1)·1)/4 = 0      w24 = (−1 + (−1))/4 = −0.5    w34 = (−1 + 1)/4 = 0
    #[rustfmt::skip]
    let expected = [
        0.0, 0.0, 0.5, 0.0,
        0.0, 0.0, 0.0, -0.5,
        0.5, 0.0, 0.0, 0.0,
        0.0, -0.5, 0.0, 0.0,
    ];
    assert_weights(&net, &expected);
    // E(x1) = −½ Σ_ij w_ij x_i x_j = −½ · 2 · (w13·1·1 + w24·1·(−1)) = −(0.5 + 0.5) = −1.
    assert!((net.energy_of(&X1) + 1.0).abs() < 1e-12);
}

#[test]
fn storkey_weights_of_two_patterns_equal_hand_computed_values() {
    let grid = Grid::new(2, 2).unwrap();
    let net = net_with(LearningRule::Storkey, grid, &[&X1, &X2]);
    // After x1 (W = 0, so every h = 0): W1 = x1 x1ᵀ/4 off the diagonal, ±0.25.
    // For x2 = (1, −1, 1, 1): h = W1 x2 = (−0.25, 0.25, −0.25, −0.25).
    // Δw13: h_13 = h1 − w13 x3 = −0.5, h_31 = h3 − w31 x1 = −0.5,
    //       Δ = (1·1 − 1·(−0.5) − (−0.5)·1)/4 = 0.5, so w13 = 0.25 + 0.5 = 0.75.
    // Δw24: h_24 = h2 − w24 x4 = 0.5, h_42 = h4 − w42 x2 = −0.5,
    //       Δ = ((−1)·1 − (−1)(−0.5) − 0.5·1)/4 = −0.5, so w24 = −0.25 − 0.5 = −0.75.
    // Δw12 = Δw14 = Δw23 = Δw34 = ∓0.25 (every h_ij = 0 there), cancelling W1: 0.
    #[rustfmt::skip]
    let expected = [
        0.0, 0.0, 0.75, 0.0,
        0.0, 0.0, 0.0, -0.75,
        0.75, 0.0, 0.0, 0.0,
        0.0, -0.75, 0.0, 0.0,
    ];
    assert_weights(&net, &expected);
}

#[test]
fn storkey_weights_of_three_patterns_match_an_independent_implementation() {
    let grid = Grid::new(1, 5).unwrap();
    let patterns: [&[i8]; 3] = [&[1, -1, 1, -1, 1], &[1, 1, -1, -1, 1], &[-1, 1, 1, -1, -1]];
    let net = net_with(LearningRule::Storkey, grid, &patterns);
    // A separate NumPy implementation of Storkey (1997) (h_ij = h_i − w_ij x_j) gives:
    #[rustfmt::skip]
    let expected = [
        0.0, -0.328, -0.328, -0.28, 0.872,
        -0.328, 0.0, -0.44, -0.52, -0.328,
        -0.328, -0.44, 0.0, -0.52, -0.328,
        -0.28, -0.52, -0.52, 0.0, -0.28,
        0.872, -0.328, -0.328, -0.28, 0.0,
    ];
    assert_weights(&net, &expected);
}

#[test]
fn pseudo_inverse_weights_equal_the_projection_without_its_diagonal() {
    let grid = Grid::new(2, 2).unwrap();
    let x1: [i8; 4] = [1, 1, 1, 1];
    let x2: [i8; 4] = [1, 1, 1, -1];
    let net = net_with(LearningRule::PseudoInverse, grid, &[&x1, &x2]);
    // The span of x1, x2 is that of (1, 1, 1, 0) and e4 = (x1 − x2)/2, so the projection
    // X (XᵀX)⁻¹ Xᵀ is J₃/3 ⊕ [1] (numpy.linalg.pinv agrees); w_ii = 0 removes the diagonal.
    let third = 1.0 / 3.0;
    #[rustfmt::skip]
    let expected = [
        0.0, third, third, 0.0,
        third, 0.0, third, 0.0,
        third, third, 0.0, 0.0,
        0.0, 0.0, 0.0, 0.0,
    ];
    assert_weights(&net, &expected);
    // Neuron 4's field is 0 in both patterns (p_44 = 1 was removed); a zero field keeps the
    // neuron's value, so both patterns are still fixed points.
    let mut net = net;
    for x in [&x1, &x2] {
        net.set_state(x).unwrap();
        assert!(net.is_stable(), "{x:?} is a fixed point");
    }
}

#[test]
fn every_rule_gives_symmetric_weights_with_a_zero_diagonal() {
    let grid = Grid::new(8, 8).unwrap();
    let patterns = random_patterns(grid, 12, 7);
    for rule in LearningRule::ALL {
        let mut net = Hopfield::new(grid, rule);
        net.store_all(&patterns).unwrap();
        let n = net.neurons();
        let mut largest: f64 = 0.0;
        for i in 0..n {
            assert_eq!(net.weight(i, i), 0.0, "{rule:?}: w[{i}][{i}]");
            for j in 0..n {
                assert_eq!(net.weight(i, j), net.weight(j, i), "{rule:?}: w[{i}][{j}]");
                largest = largest.max(net.weight(i, j).abs());
            }
        }
        assert!(largest > 0.05, "{rule:?}: the weights are not all ~0");
    }
}

#[test]
fn storing_one_pattern_reports_its_outer_product_and_the_weight_change() {
    let grid = Grid::new(2, 2).unwrap();
    let mut net = net_with(LearningRule::Hebb, grid, &[&X1]);
    let before = net.weights().to_vec();
    let step = net.store_observed(&pattern(grid, &X2)).unwrap();
    assert_eq!(step.pattern, 1);
    // x2 x2ᵀ, with ones on the diagonal.
    #[rustfmt::skip]
    let outer = [
        1.0, -1.0, 1.0, 1.0,
        -1.0, 1.0, -1.0, -1.0,
        1.0, -1.0, 1.0, 1.0,
        1.0, -1.0, 1.0, 1.0,
    ];
    assert_eq!(step.outer, outer);
    for k in 0..16 {
        let hebb = if k % 5 == 0 { 0.0 } else { outer[k] / 4.0 };
        assert!(
            (step.delta[k] - hebb).abs() < 1e-12,
            "ΔW[{k}] = (x xᵀ − I)/N"
        );
        assert!((net.weights()[k] - before[k] - step.delta[k]).abs() < 1e-12);
    }
}

#[test]
fn pseudo_inverse_holds_any_half_n_independent_patterns_as_fixed_points() {
    // N = 64; P = 32 = N/2 random patterns, and a structured set with strong overlaps
    // (pattern k has its first k + 1 neurons at +1, the rest at −1: linearly independent,
    // overlaps up to 0.97), which the Hebbian rule cannot hold.
    let grid = Grid::new(8, 8).unwrap();
    let n = grid.neurons();
    let staircase: Vec<Pattern> = (0..n / 2)
        .map(|k| {
            let spins: Vec<i8> = (0..n).map(|i| if i <= k { 1 } else { -1 }).collect();
            pattern(grid, &spins)
        })
        .collect();
    for seed in 1..=3 {
        for (name, patterns) in [
            ("random", random_patterns(grid, n / 2, seed)),
            ("staircase", staircase.clone()),
        ] {
            let mut net = Hopfield::new(grid, LearningRule::PseudoInverse);
            net.store_all(&patterns).unwrap();
            for (k, p) in patterns.iter().enumerate() {
                net.set_state(&p.spins).unwrap();
                assert!(
                    net.is_stable(),
                    "{name} seed {seed}: pattern {k} is a fixed point"
                );
            }
        }
    }
    let mut hebb = Hopfield::new(grid, LearningRule::Hebb);
    hebb.store_all(&staircase).unwrap();
    let unstable = staircase
        .iter()
        .filter(|p| {
            hebb.set_state(&p.spins).unwrap();
            !hebb.is_stable()
        })
        .count();
    assert!(
        unstable > 0,
        "the Hebbian rule fails on this set, so the test has teeth"
    );
}

#[test]
fn switching_the_rule_relearns_the_stored_patterns() {
    let grid = Grid::new(2, 2).unwrap();
    let mut net = net_with(LearningRule::Hebb, grid, &[&X1, &X2]);
    net.set_rule(LearningRule::Storkey);
    assert_eq!(net.rule(), LearningRule::Storkey);
    assert!((net.weight(0, 2) - 0.75).abs() < 1e-12);
    net.clear_patterns();
    assert!(net.weights().iter().all(|&w| w == 0.0));
    assert!(net.patterns().is_empty());
}

#[test]
fn rules_have_names_formulas_and_command_line_ids() {
    for rule in LearningRule::ALL {
        assert_eq!(LearningRule::parse(rule.id()), Some(rule));
        assert!(!rule.name().is_empty() && rule.formula().contains('w'));
        assert!(rule.source().contains("19"), "{rule:?} cites its year");
    }
    assert_eq!(LearningRule::parse("Hebbian"), Some(LearningRule::Hebb));
    assert_eq!(LearningRule::parse("oja"), None);
}

#[test]
fn a_pattern_of_the_wrong_size_or_values_is_refused() {
    let grid = Grid::new(2, 2).unwrap();
    let mut net = Hopfield::new(grid, LearningRule::Hebb);
    let short = Pattern {
        label: "short".into(),
        spins: vec![1, -1, 1],
    };
    assert_eq!(
        net.store(&short).unwrap_err().to_string(),
        "pattern 'short': 3 values for a 2×2 grid (4 neurons)"
    );
    let zero = Pattern {
        label: "z".into(),
        spins: vec![1, -1, 0, 1],
    };
    assert_eq!(
        net.store(&zero).unwrap_err().to_string(),
        "pattern 'z': value 0 at neuron 2 (row 1, column 0) is not -1 or +1"
    );
    assert!(net.patterns().is_empty());
}
