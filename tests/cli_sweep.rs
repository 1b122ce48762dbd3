//! `gradscope train --sweep SETTING=V1,V2,…`: a sweep's runs equal the same trainings run one by
//! one with the same seeds (for every setting it can vary), the JSON lines carry the setting and
//! value, a table goes to stderr, and bad sweeps exit 2 with one line.

use std::process::Command;

use clap::Parser;
use gradscope::cli::{
    Cli, CliCommand, SweepSetting, SweepValue, TrainArgs, TrainReport, parse_sweep, sweep_command,
    train_command,
};

fn args(list: &[&str]) -> TrainArgs {
    let mut argv = vec!["gradscope", "train"];
    argv.extend_from_slice(list);
    match Cli::try_parse_from(argv).expect("arguments parse").command {
        Some(CliCommand::Train(args)) => *args,
        _ => panic!("not a train command"),
    }
}

/// The report without its timing, which differs from run to run.
fn untimed(mut report: TrainReport) -> TrainReport {
    report.seconds = 0.0;
    report
}

fn sweep_equals_single_runs(sweep: &str, flag: &str, values: &[&str]) {
    let base = ["--dataset", "moons", "--epochs", "20", "--seed", "4"];
    let mut list = base.to_vec();
    list.extend(["--sweep", sweep, "--jobs", "2"]);
    let mut lines = Vec::new();
    let mut progress = |line: &str| lines.push(line.to_string());
    let (runs, _) = sweep_command(&args(&list), &mut progress).expect("the sweep runs");
    assert_eq!(runs.len(), values.len());
    assert_eq!(lines.len(), values.len(), "one progress line per run");
    for (run, value) in runs.into_iter().zip(values) {
        let mut list = base.to_vec();
        list.extend([flag, value]);
        let single = train_command(&args(&list), |_| {}).expect("single run");
        assert_eq!(
            untimed(run.report),
            untimed(single),
            "{sweep}: {flag} {value}"
        );
    }
}

#[test]
fn a_learning_rate_sweep_equals_the_runs_one_by_one() {
    sweep_equals_single_runs(
        "lr=0.001,0.01,0.1,1",
        "--lr",
        &["0.001", "0.01", "0.1", "1"],
    );
}

#[test]
fn optimizer_batch_and_hidden_width_sweeps_equal_the_runs_one_by_one() {
    sweep_equals_single_runs(
        "optimizer=sgd,momentum,adam",
        "--optimizer",
        &["sgd", "momentum", "adam"],
    );
    sweep_equals_single_runs("batch=8,50", "--batch", &["8", "50"]);
    // --hidden 5,5 is what hidden=5 does to the default two hidden layers.
    sweep_equals_single_runs("hidden=5,12", "--hidden", &["5,5", "12,12"]);
}

#[test]
fn a_seed_sweep_changes_the_weights_but_not_the_data() {
    let list = [
        "--dataset",
        "moons",
        "--epochs",
        "5",
        "--sweep",
        "seed=1,2",
        "--jobs",
        "1",
    ];
    let (runs, _) = sweep_command(&args(&list), &mut |_: &str| {}).expect("sweep");
    // The data keep the default seed 1: seed 1's run is the plain run with --seed 1.
    let plain = train_command(
        &args(&["--dataset", "moons", "--epochs", "5", "--seed", "1"]),
        |_| {},
    )
    .expect("run");
    assert_eq!(untimed(runs[0].report.clone()), untimed(plain));
    assert_ne!(runs[0].report.train_loss, runs[1].report.train_loss);
}

#[test]
fn sweeps_parse_every_setting_and_refuse_bad_values() {
    let sweep = parse_sweep("l2=0, 0.001").expect("parses");
    assert_eq!(sweep.setting, SweepSetting::L2);
    assert_eq!(
        sweep.values,
        [SweepValue::Number(0.0), SweepValue::Number(0.001)]
    );
    let cases = [
        (
            "lr",
            "--sweep: 'lr' is not SETTING=V1,V2,… (settings: lr, batch, optimizer, hidden, l2, seed)",
        ),
        (
            "width=3",
            "--sweep: 'width' is not a setting (lr, batch, optimizer, hidden, l2, seed)",
        ),
        ("lr=0.1,-1", "--sweep lr: '-1' is not a positive number"),
        ("batch=0", "--sweep batch: '0' is not a batch size ≥ 1"),
        (
            "hidden=300",
            "--sweep hidden: '300' is not a layer width from 1 to 256",
        ),
        (
            "optimizer=adam,lbfgs",
            "--sweep optimizer: 'lbfgs' is not an optimizer (sgd momentum nesterov rmsprop adam)",
        ),
        ("l2=,", "--sweep l2: no values given"),
        (
            "lr=0.1,,0.2",
            "--sweep lr: value 2 of 3 is empty in '0.1,,0.2'",
        ),
        ("seed=1,2,", "--sweep seed: value 3 of 3 is empty in '1,2,'"),
    ];
    for (text, message) in cases {
        assert_eq!(parse_sweep(text).expect_err(text), message);
    }
}

#[test]
fn the_command_prints_one_json_line_per_run_and_a_table() {
    let output = Command::new(env!("CARGO_BIN_EXE_gradscope"))
        .args([
            "train",
            "--dataset",
            "spiral",
            "--sweep",
            "lr=0.01,0.1",
            "--epochs",
            "10",
            "--json",
        ])
        .output()
        .expect("runs");
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(lines.len(), 2);
    for (line, value) in lines.iter().zip([0.01, 0.1]) {
        assert_eq!(line["setting"], "lr");
        assert_eq!(line["value"], value);
        assert_eq!(line["steps"], 70);
        assert_eq!(line["dataset"], "spiral");
        assert!(line["test_accuracy"].is_number());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let table: Vec<&str> = stderr.lines().rev().take(4).collect();
    assert!(table[0].starts_with("2 runs in "), "{stderr}");
    assert!(table[1].trim_start().starts_with("0.1 "), "{stderr}");
    assert!(table[2].trim_start().starts_with("0.01 "), "{stderr}");
    // One value: "1 run", not "1 runs".
    let one = Command::new(env!("CARGO_BIN_EXE_gradscope"))
        .args([
            "train",
            "--dataset",
            "xor",
            "--sweep",
            "lr=1",
            "--epochs",
            "2",
        ])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&one.stderr);
    // A whole number is written as one ("1", not "1.0").
    let row = stderr.lines().rev().nth(1).unwrap_or_default();
    assert!(row.trim_start().starts_with("1  "), "{stderr}");
    assert!(
        stderr
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("1 run in ")),
        "{stderr}"
    );
    assert!(
        table[3].trim_start().starts_with("lr  train loss"),
        "{stderr}"
    );
    // A sweep with --save is refused with one line and exit 2.
    let output = Command::new(env!("CARGO_BIN_EXE_gradscope"))
        .args(["train", "--sweep", "lr=0.1", "--save", "x.json"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "gradscope: --sweep: --save belongs to a single run\n"
    );
    // --jobs 0 is refused before any training (it trained one run at a time without a word).
    let output = Command::new(env!("CARGO_BIN_EXE_gradscope"))
        .args(["train", "--sweep", "lr=0.1", "--jobs", "0"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "gradscope: --jobs: train at least 1 run at a time\n"
    );
}
