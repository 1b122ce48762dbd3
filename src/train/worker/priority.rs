//! The training threads' scheduling priority: below the window's, and lower the more of them
//! train at once.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Training threads that are training now (not paused), over all sessions of the process.
static TRAINING: AtomicUsize = AtomicUsize::new(0);

/// Nice value of a training thread that trains alone.
const BASE_NICE: i32 = 10;
/// The lowest priority a normal thread can have.
const LOWEST_NICE: i32 = 19;

/// The nice value for each of `training` threads that train at once: 10 for one, one more per
/// factor 1.25 in their number, at most 19 (2 → 13, 4 → 16, 8 → 19).
///
/// Linux's scheduler weighs a thread's share of the CPU by 1.25 per nice step (the
/// `sched_prio_to_weight` table in `kernel/sched/core.c`: nice 10 weighs 110, nice 19 weighs
/// 15, nice 0 weighs 1024), so `n` threads at nice 10 + log₁.₂₅ n weigh together about as much
/// as one at nice 10. The window then keeps about the same share of the cores against eight
/// runs as against one: at nice 10 each, eight runs weighed as much as a thread of normal
/// priority, and the window's frame time doubled (bench-ui runs, p95 10.9–15.6 ms at nice 10
/// each against 5.8–14.2 ms with these values).
pub(super) fn nice_for(training: usize) -> i32 {
    let extra = (training.max(1) as f64).ln() / 1.25f64.ln();
    (BASE_NICE + extra.round() as i32).min(LOWEST_NICE)
}

/// The value on thread-priority's 0–99 scale that it maps to `nice` on Linux: the crate sets
/// nice ⌊39 (1 − p/99)⌋ − 20 (in `f32`), so p = ⌊99 (19 − nice) / 39⌋ (nice 10 → 22, nice
/// 19 → 0). Exact for nice 10 to 19; some negative values come out one higher.
fn crossplatform_value(nice: i32) -> u8 {
    let nice = nice.clamp(-20, LOWEST_NICE);
    (99 * (LOWEST_NICE - nice) / 39) as u8
}

/// Sets the calling thread's priority to `nice`. A platform that refuses (or a user who may
/// not raise a priority again, as on Linux without `CAP_SYS_NICE`) keeps the thread where it
/// is, which is only less smooth or slower. Threads this one starts afterwards (the rayon pool
/// of a CNN) inherit it.
fn set_nice(nice: i32) {
    if let Ok(value) = thread_priority::ThreadPriorityValue::try_from(crossplatform_value(nice)) {
        let _ = thread_priority::set_current_thread_priority(
            thread_priority::ThreadPriority::Crossplatform(value),
        );
    }
}

thread_local! {
    /// The nice value last set on this helper thread by [`follow_training_threads`].
    static HELPER_NICE: std::cell::Cell<Option<i32>> = const { std::cell::Cell::new(None) };
}

/// Run on a CNN helper thread (`nn::parallel`'s pool) before each job: sets it to the nice
/// value of the training threads now ([`nice_for`] of the number training). Without it the
/// helpers kept the priority of the training thread that started the pool (nice 10) while
/// eight CNN runs trained at 19, and took the window's share of the cores.
fn follow_training_threads() {
    let nice = nice_for(TRAINING.load(Ordering::Relaxed));
    HELPER_NICE.with(|applied| {
        if applied.get() != Some(nice) {
            set_nice(nice);
            applied.set(Some(nice));
        }
    });
}

/// A training thread's place in the count of training threads, and the nice value it set.
/// Made on the training thread; dropping it leaves the count.
#[derive(Debug, Default)]
pub(super) struct TrainingPriority {
    /// Whether this thread is counted in [`TRAINING`].
    counted: bool,
    /// The nice value last set on this thread.
    applied: Option<i32>,
}

impl TrainingPriority {
    /// A thread's priority lowered for the number training now, before it trains or evaluates
    /// anything: the first evaluation of a CNN starts its helper threads (`nn::parallel`'s
    /// pool), which keep the priority of the thread that started them.
    pub(super) fn lowered() -> Self {
        crate::nn::parallel::set_helper_hook(follow_training_threads);
        let mut priority = Self::default();
        priority.update(false);
        priority
    }

    /// Called on the training thread at each turn of its loop with whether it trains: joins or
    /// leaves the count, and sets the nice value for the number training now when that
    /// changed. With at most a few atomic operations it costs nothing next to a step.
    pub(super) fn update(&mut self, training: bool) {
        if training != self.counted {
            if training {
                TRAINING.fetch_add(1, Ordering::Relaxed);
            } else {
                TRAINING.fetch_sub(1, Ordering::Relaxed);
            }
            self.counted = training;
        }
        let nice = nice_for(TRAINING.load(Ordering::Relaxed));
        if self.applied != Some(nice) {
            set_nice(nice);
            self.applied = Some(nice);
        }
    }
}

impl Drop for TrainingPriority {
    fn drop(&mut self) {
        if self.counted {
            TRAINING.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Barrier};

    #[test]
    fn the_nice_value_rises_by_one_per_factor_1_25_in_training_threads() {
        let nices: Vec<i32> = [0, 1, 2, 3, 4, 8, 64].into_iter().map(nice_for).collect();
        assert_eq!(nices, [10, 10, 13, 15, 16, 19, 19]);
    }

    #[test]
    fn the_crossplatform_value_maps_back_to_the_nice_values_used() {
        for nice in BASE_NICE..=LOWEST_NICE {
            let p = f32::from(crossplatform_value(nice));
            // thread-priority's mapping for normal threads on Linux.
            let back = (39.0 * (1.0 - p / 99.0)) as i32 - 20;
            assert_eq!(back, nice, "p = {p}");
        }
        assert_eq!(crossplatform_value(10), 22);
    }

    /// The nice value of the calling thread, from /proc (field 19 of its stat line).
    #[cfg(target_os = "linux")]
    fn own_nice() -> i32 {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
        let after_name = &stat[stat.rfind(')').unwrap() + 2..];
        after_name.split(' ').nth(16).unwrap().parse().unwrap()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_cnn_helpers_follow_the_training_threads_nice_value() {
        // Eight training threads counted at once: the hook puts a thread at their nice 19.
        let counted: Vec<TrainingPriority> = (0..8)
            .map(|_| {
                TRAINING.fetch_add(1, Ordering::Relaxed);
                TrainingPriority {
                    counted: true,
                    applied: None,
                }
            })
            .collect();
        let nice = std::thread::spawn(|| {
            follow_training_threads();
            own_nice()
        })
        .join()
        .unwrap();
        drop(counted);
        assert_eq!(nice, 19);
        // A training thread registers the hook, and the pool runs it before each job.
        drop(TrainingPriority::lowered());
        if crate::nn::available_threads() < 2 {
            eprintln!("one thread: no helper threads to check");
            return;
        }
        let (name, applied) = crate::nn::parallel::on_helper_thread(|| {
            let name = std::thread::current().name().map(str::to_string);
            (name, HELPER_NICE.with(std::cell::Cell::get))
        });
        assert_eq!(name.as_deref(), Some("gradscope-nn-0"));
        assert!(applied.is_some(), "the hook did not run on the helper");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn eight_threads_training_at_once_each_run_at_nice_19() {
        let barrier = Arc::new(Barrier::new(8));
        let nices: Vec<i32> = (0..8)
            .map(|_| {
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    let mut priority = TrainingPriority::default();
                    priority.update(true);
                    barrier.wait();
                    priority.update(true);
                    let nice = own_nice();
                    barrier.wait();
                    nice
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|thread| thread.join().unwrap())
            .collect();
        assert_eq!(nices, [19; 8]);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_thread_training_alone_runs_below_normal_priority() {
        let nice = std::thread::spawn(|| {
            let mut priority = TrainingPriority::default();
            priority.update(true);
            own_nice()
        })
        .join()
        .unwrap();
        // Ten when alone; more if other tests' threads train at the same moment.
        assert!((10..=19).contains(&nice), "nice {nice}");
    }
}
