//! The command line of the Memory room: `gradscope memory … --json` (keys and values for a
//! fixed seed), `gradscope memory capacity … --json`, the text reports, and one-line errors
//! with exit status 2 for bad arguments.

use std::process::{Command, Output};
use std::sync::atomic::AtomicBool;

use gradscope::memory::{CapacityConfig, LearningRule, capacity_sweep};
use serde_json::Value;

fn gradscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gradscope"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn json_of(args: &[&str]) -> Value {
    let output = gradscope(args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{args:?}: {stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one JSON line: {stdout}");
    serde_json::from_str(lines[0]).expect("valid JSON")
}

fn close(value: &Value, expected: f64) -> bool {
    value.as_f64().is_some_and(|v| (v - expected).abs() < 1e-9)
}

#[test]
fn a_random_recall_reports_its_end_state_as_json() {
    let report = json_of(&[
        "memory",
        "--patterns",
        "random",
        "--neurons",
        "100",
        "--store",
        "5",
        "--noise",
        "0.2",
        "--rule",
        "hebb",
        "--dynamics",
        "async",
        "--seed",
        "1",
        "--json",
    ]);
    let keys = [
        "patterns",
        "labels",
        "rows",
        "cols",
        "neurons",
        "stored",
        "rule",
        "dynamics",
        "temperature",
        "seed",
        "cue",
        "noise",
        "flipped_bits",
        "cue_overlap",
        "overlaps",
        "recalled",
        "end_state",
        "end_state_kind",
        "settled",
        "steps",
        "updates",
        "flips",
        "initial_energy",
        "final_energy",
    ];
    let mut got: Vec<&str> = report
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut want = keys.to_vec();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want);
    assert_eq!(
        (report["rows"].as_u64(), report["cols"].as_u64()),
        (Some(10), Some(10))
    );
    assert_eq!(report["rule"], "hebb");
    assert_eq!(report["temperature"], Value::Null);
    // 20 % of 100 bits: exactly 20 flipped, so the cue's overlap is (80 − 20)/100 = 0.6.
    assert_eq!(report["flipped_bits"], 20);
    assert!(close(&report["cue_overlap"], 0.6));
    assert_eq!(report["recalled"], true);
    assert_eq!(report["end_state"], "recalled pattern 1");
    assert_eq!(report["end_state_kind"], "recalled");
    // The 20 wrong bits are put right in the first sweep; the second sweep confirms.
    assert_eq!(report["flips"], 20);
    assert_eq!(report["updates"], 200);
    assert_eq!(report["steps"], 200);
    let overlaps: Vec<f64> = report["overlaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(overlaps.len(), 5);
    assert_eq!(overlaps[0], 1.0);
    // E(x¹) = −(1/2N) Σ_μ [(x^μ·x¹)² − N] with x^μ·x¹ = 100 m_μ:
    let sum: f64 = overlaps.iter().map(|m| (100.0 * m).powi(2) - 100.0).sum();
    assert!(close(&report["final_energy"], -sum / 200.0), "{report}");
    assert!(report["initial_energy"].as_f64().unwrap() > report["final_energy"].as_f64().unwrap());
}

#[test]
fn hebb_confuses_five_letters_where_storkey_recalls_them() {
    let run = |rule: &str| {
        json_of(&[
            "memory",
            "--patterns",
            "letters",
            "--store",
            "5",
            "--rule",
            rule,
            "--json",
        ])
    };
    let hebb = run("hebb");
    assert_eq!(hebb["labels"], serde_json::json!(["A", "B", "C", "D", "E"]));
    assert_eq!(
        (hebb["neurons"].as_u64(), hebb["stored"].as_u64()),
        (Some(144), Some(5))
    );
    assert_eq!(hebb["recalled"], false);
    assert_eq!(
        hebb["end_state"],
        "a spurious state closest to B and C (patterns 2 and 3)"
    );
    let storkey = run("storkey");
    assert_eq!(storkey["recalled"], true);
    assert_eq!(storkey["end_state"], "recalled pattern 1 (A)");
    let two = json_of(&["memory", "--store", "2", "--noise", "0.2", "--json"]);
    assert_eq!(two["end_state"], "recalled pattern 1 (A)");
}

#[test]
fn other_dynamics_and_pattern_sets_run_from_the_command_line() {
    let report = json_of(&[
        "memory",
        "--patterns",
        "digits",
        "--store",
        "10",
        "--rule",
        "pseudo-inverse",
        "--cue",
        "4",
        "--noise",
        "0.15",
        "--dynamics",
        "sync",
        "--json",
    ]);
    assert_eq!(report["labels"][3], "digit 3");
    assert_eq!(report["end_state"], "recalled pattern 4 (digit 3)");
    assert_eq!(
        report["updates"].as_u64(),
        Some(144 * report["steps"].as_u64().unwrap())
    );
    let hot = json_of(&[
        "memory",
        "--store",
        "2",
        "--dynamics",
        "stochastic",
        "--temperature",
        "5",
        "--max-sweeps",
        "20",
        "--json",
    ]);
    assert!(close(&hot["temperature"], 5.0));
    assert_eq!(hot["end_state_kind"], "unsettled");
    assert_eq!(hot["settled"], false);
    assert_eq!(hot["updates"], 20 * 144);
    let cold = json_of(&[
        "memory",
        "--store",
        "3",
        "--dynamics",
        "continuous",
        "--beta",
        "0.5",
        "--json",
    ]);
    assert_eq!(cold["end_state_kind"], "rest");
}

#[test]
fn the_text_report_names_the_end_state() {
    let output = gradscope(&["memory", "--store", "2"]);
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.starts_with("stored 2 patterns (letters: A, B) on a 12×12 grid with the Hebbian rule")
    );
    assert!(
        text.contains("cue: pattern 1 (A) with 29 of 144 bits flipped"),
        "{text}"
    );
    assert!(
        text.contains("end state: recalled pattern 1 (A)\n"),
        "{text}"
    );
    // One of each is counted in the singular, and an energy of zero has no sign.
    let output = gradscope(&["memory", "--neurons", "1", "--store", "1"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.starts_with("stored 1 pattern (letters: A)"), "{text}");
    assert!(
        text.contains("dynamics: 1 update, 0 flips, energy 0.000 → 0.000\n"),
        "{text}"
    );
}

/// Two random patterns of two neurons with seed 1 come out the same; cueing the second one
/// ends on it, which is a recall although the state is named after the first.
#[test]
fn a_recall_of_a_pattern_stored_twice_counts() {
    let report = json_of(&[
        "memory",
        "--neurons",
        "2",
        "--patterns",
        "random",
        "--store",
        "2",
        "--noise",
        "0",
        "--seed",
        "1",
        "--cue",
        "2",
        "--json",
    ]);
    assert_eq!(
        report["overlaps"],
        serde_json::json!([1.0, 1.0]),
        "{report}"
    );
    assert_eq!(report["end_state"], "recalled pattern 1");
    assert_eq!(report["recalled"], true, "{report}");
}

#[test]
fn the_capacity_sweep_prints_json_with_progress_on_stderr() {
    let output = gradscope(&[
        "memory",
        "capacity",
        "--neurons",
        "100",
        "--rule",
        "hebb",
        "--trials",
        "20",
        "--json",
    ]);
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 25, "{stderr}");
    assert!(
        stderr
            .lines()
            .next()
            .unwrap()
            .starts_with("P = 1/25 (load 0.010): hebb ")
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["neurons"], 100);
    assert_eq!(report["max_patterns"], 25);
    assert_eq!(report["trials"], 20);
    assert!(close(&report["noise"], 0.1));
    assert!(close(&report["theory_load"], 0.138));
    assert!(close(&report["theory_patterns"], 13.8));
    assert!(report["seconds"].as_f64().is_some());
    let rules = report["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0]["rule"], "hebb");
    let points = rules[0]["points"].as_array().unwrap();
    assert_eq!(points.len(), 25);
    // The same numbers as the library's sweep with the same settings.
    let config = CapacityConfig {
        rules: vec![LearningRule::Hebb],
        ..CapacityConfig::new(100)
    };
    let curve = capacity_sweep(&config, |_| {}, &AtomicBool::new(false)).unwrap();
    for (json, point) in points.iter().zip(&curve.points) {
        assert_eq!(json["patterns"].as_u64(), Some(point.patterns as u64));
        assert_eq!(json["recalled"].as_u64(), Some(point.recalled as u64));
        assert!(close(&json["share"], point.share));
        assert!(close(&json["mean_overlap"], point.mean_overlap));
    }
    assert!(points[4]["share"].as_f64().unwrap() >= 0.95);
    assert!(points[24]["share"].as_f64().unwrap() < 0.5);
}

#[test]
fn bad_arguments_exit_2_with_one_line() {
    let cases: [(&[&str], &str); 18] = [
        (
            &["--rule", "oja"],
            "--rule: unknown rule 'oja' (known: hebb storkey pseudo-inverse)",
        ),
        (
            &["--noise", "1.5"],
            "--noise: give the share of bits to flip, in [0, 1], got 1.5",
        ),
        (
            &["--neurons", "101"],
            "--neurons: 101 neurons do not fit a grid of at most 32×32 (give R·C with R, C ≤ \
             32, e.g. 144 = 12×12)",
        ),
        (&["--store", "0"], "--store: store at least 1 pattern"),
        (
            &["--store", "27"],
            "--store: there are 26 built-in letters, 27 were asked for",
        ),
        (
            &["--patterns", "random", "--store", "200"],
            "--store: 200 patterns for 144 neurons; store at most N",
        ),
        (
            &["--cue", "6"],
            "--cue: pattern 6 is not stored (give 1 to 5)",
        ),
        (
            &["--temperature", "0.5"],
            "--temperature: only --dynamics stochastic has a temperature",
        ),
        (
            &["--dynamics", "stochastic", "--temperature", "-1"],
            "--temperature: temperature must be a number ≥ 0, got -1",
        ),
        (
            &["--dynamics", "chaotic"],
            "--dynamics: unknown dynamics 'chaotic' (known: async sync stochastic continuous)",
        ),
        (
            &["--beta", "2"],
            "--beta: only --dynamics continuous has a gain and a step",
        ),
        (
            &["--dynamics", "continuous", "--dt", "2"],
            "--dt: the Euler step dt must be in (0, τ], got 2",
        ),
        (
            &["--patterns", "faces"],
            "--patterns: unknown set 'faces' (known: letters digits random)",
        ),
        (
            &["--neurons", "abc"],
            "invalid value 'abc' for '--neurons <NEURONS>': invalid digit found in string",
        ),
        (
            &["--neurons", "100", "capacity"],
            "the subcommand 'capacity' cannot be used with '--neurons <NEURONS>'",
        ),
        (
            &["capacity", "--rule", "hebb,hebb"],
            "--rule: the rule hebb is named twice",
        ),
        (
            &["capacity", "--max-patterns", "200"],
            "--max-patterns: the largest number of patterns must be 1 to N = 100, got 200",
        ),
        (
            &["capacity", "--noise", "-0.1"],
            "--noise: noise must be a share of the bits in [0, 1], got -0.1",
        ),
    ];
    for (args, message) in cases {
        let mut full = vec!["memory"];
        full.extend_from_slice(args);
        let output = gradscope(&full);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            format!("gradscope: {message}\n"),
            "{args:?}"
        );
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}

/// An energy that rounds to zero reads `0.000`: a pseudo-inverse memory of 16 patterns on 16
/// neurons ends at about −4e-13, which printed `energy -0.000 → -0.000`.
#[test]
fn an_energy_of_about_zero_prints_without_a_minus() {
    let output = gradscope(&[
        "memory",
        "--patterns",
        "random",
        "--neurons",
        "16",
        "--store",
        "16",
        "--rule",
        "pseudo-inverse",
        "--seed",
        "3",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    let line = text
        .lines()
        .find(|line| line.contains("dynamics:"))
        .unwrap_or_else(|| panic!("no dynamics line: {text}"));
    assert!(line.ends_with("energy 0.000 → 0.000"), "{line}");
}
