//! Memory room, reading a recall: end-state names ("recalled pattern k", "the inverse of
//! pattern k", "a spurious state (closest: a and b)"), the split of a local field into signal
//! and crosstalk against values worked by hand, and the basin curve of one pattern.

use std::sync::atomic::AtomicBool;

use gradscope::memory::{
    EndState, Grid, Hopfield, LearningRule, MemoryError, Pattern, StateName, basin_curve,
    basin_fractions, field_split, name_state, random_patterns,
};

fn patterns(grid: Grid, list: &[&[i8]]) -> Vec<Pattern> {
    list.iter()
        .map(|s| Pattern::from_spins(grid, "p", s).unwrap())
        .collect()
}

#[test]
fn states_are_named_against_the_stored_patterns() {
    let grid = Grid::new(1, 6).unwrap();
    let stored = patterns(
        grid,
        &[
            &[1, 1, 1, -1, -1, -1],
            &[1, -1, 1, -1, 1, -1],
            &[1, 1, 1, 1, 1, 1],
        ],
    );
    assert_eq!(
        name_state(&stored, &[1, -1, 1, -1, 1, -1]),
        StateName::Pattern(1)
    );
    assert_eq!(name_state(&stored, &[-1; 6]), StateName::Inverse(2));
    // Overlaps with (1, 1, −1, −1, −1, −1): m = 4/6, 0, −2/6 → closest 1 (|m| = 0.67), then 3.
    let state = [1, 1, -1, -1, -1, -1];
    let name = name_state(&stored, &state);
    assert_eq!(
        name,
        StateName::Spurious {
            closest: vec![0, 2]
        }
    );
    assert_eq!(name.to_string(), "a spurious state (closest: 1 and 3)");
    // Equal |m| goes to the lower index: (1, 1, 1, −1, 1, −1) has m = (2/3, 2/3, 1/3).
    let tie = name_state(&stored, &[1, 1, 1, -1, 1, -1]);
    assert_eq!(
        tie,
        StateName::Spurious {
            closest: vec![0, 1]
        }
    );
    assert_eq!(
        name_state(&[], &[1, -1]).to_string(),
        "a spurious state (no patterns stored)"
    );
    assert_eq!(
        name_state(&stored[..1], &state).to_string(),
        "a spurious state (closest: 1)"
    );
}

#[test]
fn end_states_name_patterns_by_their_labels_where_they_say_more() {
    let grid = Grid::new(1, 4).unwrap();
    let labelled: Vec<Pattern> = [("digit 7", [1, 1, -1, -1]), ("A", [1, -1, 1, -1])]
        .iter()
        .map(|(label, spins)| Pattern::from_spins(grid, label, spins).unwrap())
        .collect();
    let fixed = |name| EndState::Fixed(name);
    assert_eq!(
        fixed(StateName::Pattern(0)).describe(&labelled),
        "recalled pattern 1 (digit 7)"
    );
    assert_eq!(
        fixed(StateName::Inverse(1)).describe(&labelled),
        "the inverse of pattern 2 (A)"
    );
    let spurious = StateName::Spurious {
        closest: vec![1, 0],
    };
    assert_eq!(
        fixed(spurious.clone()).describe(&labelled),
        "a spurious state closest to A and digit 7 (patterns 2 and 1)"
    );
    assert_eq!(
        EndState::TwoCycle(StateName::Pattern(1), StateName::Inverse(1)).describe(&labelled),
        "a synchronous 2-cycle between pattern 2 (A) and the inverse of pattern 2 (A)"
    );
    // Random patterns' labels only repeat the number: named as without labels.
    let random = random_patterns(grid, 2, 5);
    assert_eq!(random[1].label, "random 2");
    assert_eq!(
        fixed(spurious.clone()).describe(&random),
        fixed(spurious).to_string()
    );
    assert_eq!(
        fixed(StateName::Pattern(1)).describe(&random),
        "recalled pattern 2"
    );
}

#[test]
fn end_states_read_as_the_view_shows_them() {
    let fixed = |name| EndState::Fixed(name);
    assert_eq!(
        fixed(StateName::Pattern(2)).to_string(),
        "recalled pattern 3"
    );
    assert_eq!(
        fixed(StateName::Inverse(2)).to_string(),
        "the inverse of pattern 3"
    );
    let spurious = StateName::Spurious {
        closest: vec![1, 4],
    };
    assert_eq!(
        fixed(spurious.clone()).to_string(),
        "a spurious state (closest: 2 and 5)"
    );
    let cycle = EndState::TwoCycle(StateName::Pattern(0), StateName::Inverse(0));
    assert_eq!(
        cycle.to_string(),
        "a synchronous 2-cycle between pattern 1 and the inverse of pattern 1"
    );
    let moving = EndState::Unsettled(StateName::Pattern(0));
    assert_eq!(
        moving.to_string(),
        "still changing when stopped (now pattern 1)"
    );
    // What counts as recalling pattern 0 of three different patterns.
    let grid = Grid::new(1, 4).unwrap();
    let three = patterns(grid, &[&[1, 1, -1, -1], &[1, -1, 1, -1], &[-1, 1, 1, 1]]);
    assert!(fixed(StateName::Pattern(0)).recalled(&three, 0));
    assert!(!fixed(StateName::Pattern(0)).recalled(&three, 1));
    assert!(!fixed(StateName::Inverse(0)).recalled(&three, 0));
    assert!(moving.recalled(&three, 0));
    assert!(!cycle.recalled(&three, 0));
    assert!(!EndState::Rest.recalled(&three, 0));
    // Two patterns with the same spins: a state equal to both is named after the first, and
    // is a recall of either.
    let twins = patterns(grid, &[&[1, 1, -1, -1], &[1, 1, -1, -1], &[-1, 1, 1, 1]]);
    let state = name_state(&twins, &[1, 1, -1, -1]);
    assert_eq!(state, StateName::Pattern(0));
    assert!(fixed(state.clone()).recalled(&twins, 1));
    assert!(fixed(state).recalled(&twins, 0));
    assert!(!fixed(StateName::Pattern(0)).recalled(&twins, 2));
    let kinds: Vec<&str> = [
        fixed(StateName::Pattern(0)),
        fixed(StateName::Inverse(0)),
        fixed(spurious),
        cycle,
        moving,
        EndState::Rest,
    ]
    .iter()
    .map(EndState::kind)
    .collect();
    assert_eq!(
        kinds,
        [
            "recalled",
            "inverse",
            "spurious",
            "two-cycle",
            "unsettled",
            "rest"
        ]
    );
}

#[test]
fn a_local_field_splits_into_signal_and_crosstalk() {
    let grid = Grid::new(2, 2).unwrap();
    let stored = patterns(grid, &[&[1, 1, 1, -1], &[1, -1, 1, 1]]);
    let mut net = Hopfield::new(grid, LearningRule::Hebb);
    net.store_all(&stored).unwrap();
    // x1 with neuron 4 flipped. Hebbian weights: w13 = 0.5, w24 = −0.5, the rest 0.
    net.set_state(&[1, 1, 1, 1]).unwrap();
    // Neuron 1: h = w13 = 0.5.
    //   signal    = x1_1 (1/4) Σ_{j≠1} x1_j s_j = (1 + 1 − 1)/4 = 0.25
    //   crosstalk = x2_1 (1/4) Σ_{j≠1} x2_j s_j = (−1 + 1 + 1)/4 = 0.25
    let split = field_split(&net, 0, 0).unwrap();
    assert_eq!(
        (split.field, split.signal, split.crosstalk),
        (0.5, 0.25, 0.25)
    );
    // Neuron 4: h = w42 = −0.5.
    //   signal    = x1_4 (1/4) (1 + 1 + 1) = −0.75 (pulls back to x1's −1)
    //   crosstalk = x2_4 (1/4) (1 − 1 + 1) = 0.25
    let split = field_split(&net, 3, 0).unwrap();
    assert_eq!(
        (split.field, split.signal, split.crosstalk),
        (-0.5, -0.75, 0.25)
    );
    // Cueing pattern 2 instead swaps the roles.
    let split = field_split(&net, 3, 1).unwrap();
    assert_eq!((split.signal, split.crosstalk), (0.25, -0.75));
    assert_eq!(
        field_split(&net, 4, 0).unwrap_err().to_string(),
        "neuron 4 is outside the 4 neurons"
    );
    assert_eq!(
        field_split(&net, 0, 2).unwrap_err().to_string(),
        "pattern 3 is not stored (2 patterns)"
    );
}

#[test]
fn the_basin_curve_falls_from_one_to_chance() {
    let grid = Grid::new(10, 10).unwrap();
    let stored = random_patterns(grid, 5, 1);
    let mut net = Hopfield::new(grid, LearningRule::Hebb);
    net.store_all(&stored).unwrap();
    let never = AtomicBool::new(false);
    let fractions = basin_fractions();
    assert_eq!(fractions.len(), 11);
    let curve = basin_curve(&net, 2, &fractions, 10, 1, &never).unwrap();
    let shares: Vec<f64> = curve.iter().map(|p| p.share).collect();
    assert_eq!(curve[0].flipped_bits, 0);
    assert_eq!(curve[4].flipped_bits, 20);
    assert_eq!(curve[10].flipped_bits, 50);
    assert!(
        shares[..=4].iter().all(|&s| s == 1.0),
        "≤ 20 % noise: {shares:?}"
    );
    // At 50 % the cue is uncorrelated with the pattern (m = 0).
    assert!(shares[10] <= 0.4, "{shares:?}");
    assert!(shares[2] >= shares[8], "{shares:?}");
    assert_eq!(
        curve,
        basin_curve(&net, 2, &fractions, 10, 1, &never).unwrap()
    );
    let stop = AtomicBool::new(true);
    assert_eq!(
        basin_curve(&net, 2, &fractions, 10, 1, &stop).unwrap_err(),
        MemoryError::Cancelled
    );
    assert!(basin_curve(&net, 5, &fractions, 10, 1, &never).is_err());
}
