//! The metrics CSV (`experiment::metrics`): its header and one row per step and evaluation,
//! each named by its run, read back with the csv crate.

use gradscope::experiment::{EvalPoint, History, Start, write_metrics_csv};
use gradscope::train::{EvalRecord, LossHistory, SplitMetrics, StepOutcome};

mod experiment_common;

use experiment_common::{spiral_experiment, temp_dir};

#[test]
fn metrics_csv_has_the_header_and_one_row_per_step_and_evaluation() {
    let dir = temp_dir();
    let path = dir.path().join("metrics.csv");
    let mut session = spiral_experiment().session(Start::Seed).expect("session");
    let mut losses = LossHistory::default();
    let mut evals = Vec::new();
    for _ in 0..50 {
        if let StepOutcome::Trained {
            step,
            loss,
            epoch_done,
        } = session.step()
        {
            losses.push(step, loss as f32);
            if epoch_done && session.epoch() <= 2 {
                let (train, test) = session.evaluate_both();
                evals.push(EvalRecord {
                    step,
                    epoch: session.epoch(),
                    train,
                    test,
                });
            }
        }
    }
    let history = History::new(&losses, &evals);
    // A second run of three steps, whose name needs quoting.
    let mut short = LossHistory::default();
    for step in 1..=3 {
        short.push(step, 0.5 / step as f32);
    }
    let other = History::new(&short, &[]);
    write_metrics_csv(&path, &[("run 1", &history), ("lr 0.1, seed 2", &other)]).expect("write");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(
        text.starts_with("run,kind,step,steps,epoch,train_loss,"),
        "{text}"
    );
    assert!(
        text.contains("\n\"lr 0.1, seed 2\",step,2,1,,0.25,0.25,0.25,,,\n"),
        "{text}"
    );
    let mut reader = csv::Reader::from_path(&path).expect("open");
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(
        header,
        [
            "run",
            "kind",
            "step",
            "steps",
            "epoch",
            "train_loss",
            "train_loss_min",
            "train_loss_max",
            "train_accuracy",
            "test_loss",
            "test_accuracy"
        ]
    );
    let all: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(all.len(), 55);
    let names: Vec<&str> = all.iter().map(|r| &r[0]).collect();
    assert_eq!(names[..52], ["run 1"; 52]);
    assert_eq!(names[52..], ["lr 0.1, seed 2"; 3]);
    assert_eq!(&all[54][2], "3");
    // Without the run column, the first run's rows are as before.
    let rows: Vec<Vec<&str>> = all[..52]
        .iter()
        .map(|r| r.iter().skip(1).collect())
        .collect();
    assert_eq!(rows.iter().filter(|r| r[0] == "eval").count(), 2);
    assert_eq!(rows[0][0], "step");
    assert_eq!(rows[0][1], "1");
    // Epoch 1 ends at step 7: its evaluation follows the row of step 7.
    assert_eq!(rows[7][0], "eval");
    assert_eq!(rows[7][1], "7");
    assert_eq!(rows[7][3], "1");
    let accuracy: f64 = rows[7][9].parse().expect("test accuracy");
    assert_eq!(Some(accuracy), evals[0].test.and_then(|m| m.accuracy));
    let first_loss: f64 = rows[0][4].parse().expect("loss");
    assert_eq!(first_loss, history.losses[0].mean);

    // The history goes back to the window's form unchanged.
    assert_eq!(history.loss_history(2048), losses);
    assert_eq!(history.eval_records(), evals);
    let point = EvalPoint::from(&EvalRecord {
        step: 3,
        epoch: 0,
        train: Some(SplitMetrics {
            loss: 0.5,
            accuracy: None,
        }),
        test: None,
    });
    assert_eq!((point.train_loss, point.test_loss), (Some(0.5), None));
}

/// A saved run's history stops at the step of its weights: loss points that end after it and
/// evaluations after it are cut, so that a resumed run does not repeat steps.
#[test]
fn a_history_cut_at_a_step_keeps_what_ends_by_it() {
    let mut losses = LossHistory::new(4);
    for step in 1..=20 {
        losses.push(step, step as f32);
    }
    // Points of four steps each: the history merged its buckets as it filled.
    let eval = |step| EvalRecord {
        step,
        epoch: step / 5,
        train: Some(SplitMetrics {
            loss: 1.0,
            accuracy: None,
        }),
        test: None,
    };
    let history = History::new(&losses, &[eval(10), eval(15), eval(16)]);
    let spans: Vec<(u64, u64)> = history.losses.iter().map(|p| (p.step, p.steps)).collect();
    let cut = history.clone().up_to(15);
    let kept: Vec<(u64, u64)> = cut.losses.iter().map(|p| (p.step, p.steps)).collect();
    assert_eq!(spans, [(1, 4), (5, 4), (9, 4), (13, 4), (17, 4)]);
    // Steps 13–16 end after step 15: that point goes too.
    assert_eq!(kept, [(1, 4), (5, 4), (9, 4)]);
    let steps: Vec<u64> = cut.evals.iter().map(|e| e.step).collect();
    assert_eq!(steps, [10, 15]);
    assert_eq!(history.clone().up_to(20), history);
}
