//! The training thread's scheduling priority: below the window's.

/// Priority of training threads on thread-priority's 0–99 scale; on Linux, 22 is nice 10.
const TRAINING_PRIORITY: u8 = 22;

/// Lowers the calling (training) thread to nice 10, so that training yields to the window:
/// with as many busy threads as cores or more (eight runs on two cores), the UI thread would
/// otherwise wait its turn behind every worker (measured with `bench-ui --views runs`: 553 ms
/// a frame on average at the normal priority, 25 ms at the lowest). Nice 10 keeps a tenth of
/// the CPU for a worker competing with a busy thread of normal priority. Threads this one
/// starts (the rayon pool of a CNN) inherit it. A platform that refuses trains at the normal
/// priority, which is only less smooth.
pub(super) fn lower_priority() {
    if let Ok(value) = thread_priority::ThreadPriorityValue::try_from(TRAINING_PRIORITY) {
        let _ = thread_priority::set_current_thread_priority(
            thread_priority::ThreadPriority::Crossplatform(value),
        );
    }
}
