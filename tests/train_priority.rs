//! The training worker's threads run below the window's priority, helpers included. Its own
//! test binary: the CNN's helper pool is started once per process, by the first thread that
//! evaluates a large enough batch, and keeps that thread's priority.

#![cfg(target_os = "linux")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use gradscope::data::mnist_bundled;
use gradscope::nn::available_threads;
use gradscope::train::{NoWaker, SessionSetup, TrainConfig, ViewRequest, Worker};

/// `(thread name, nice value)` of every thread of this process, from /proc.
fn threads() -> Vec<(String, i32)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue; // the thread ended meanwhile
        };
        let (open, close) = (stat.find('(').unwrap(), stat.rfind(')').unwrap());
        let name = stat[open + 1..close].to_string();
        // Field 19 (nice) is the 17th after the name and the state.
        let nice = stat[close + 2..]
            .split(' ')
            .nth(16)
            .unwrap()
            .parse()
            .unwrap();
        found.push((name, nice));
    }
    found
}

#[test]
fn a_cnns_helper_threads_start_at_the_training_threads_nice_value() {
    if available_threads() < 2 {
        eprintln!("one thread: the CNN has no helper threads to check");
        return;
    }
    let setup = SessionSetup {
        data: Arc::new(mnist_bundled().unwrap()),
        config: TrainConfig::small_cnn(),
    };
    // Paused: the only work is the first evaluation of the test split, which starts the pool.
    let worker = Worker::spawn(setup, ViewRequest::default(), Arc::new(NoWaker));
    let deadline = Instant::now() + Duration::from_secs(60);
    let helpers = loop {
        let helpers: Vec<(String, i32)> = threads()
            .into_iter()
            .filter(|(name, _)| name.starts_with("gradscope-nn-"))
            .collect();
        if !helpers.is_empty() || Instant::now() > deadline {
            break helpers;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let trainer: Vec<i32> = threads()
        .into_iter()
        .filter(|(name, _)| name == "gradscope-train")
        .map(|(_, nice)| nice)
        .collect();
    drop(worker);
    // Alone and paused, the training thread is at nice 10; its helpers were at 0 when the
    // evaluation that started them ran before the thread lowered itself.
    assert_eq!(trainer, [10]);
    assert_eq!(
        helpers,
        vec![("gradscope-nn-0".to_string(), 10)],
        "helper threads and their nice values"
    );
}
