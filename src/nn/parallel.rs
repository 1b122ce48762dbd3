//! Training on several threads with results that do not depend on the number of threads.
//!
//! A batch is cut into shards of about [`SHARD_ROWS`] rows ([`shard_rows`]). Each shard runs
//! forward and backward on its own copy of the model (same parameters), possibly on another
//! thread, and the parameter gradients of the shards are then added in shard order. How a
//! batch is cut depends only on its size, and every shard is computed the same way on any
//! thread, so the same seed gives the same losses bit for bit with 1 thread or 8, and however
//! the threads are scheduled ("data parallelism"; Dean et al., *Large Scale Distributed Deep
//! Networks*, NeurIPS 2012, do the same across machines).
//!
//! Small models (under [`MIN_SHARD_WORK`] multiply-adds per shard) are never cut: the
//! threads would cost more than they save. The mean over the batch is unchanged: the loss is
//! computed on the whole batch's output, so each shard's gradient already carries the `1/B`.
//!
//! Threads: [`available_threads`] — the machine's cores, capped by the environment variable
//! [`THREADS_ENV`] (`GRADSCOPE_THREADS`) — and, per model, [`super::Sequential::set_max_threads`].

use std::ops::Range;
use std::sync::OnceLock;

use nalgebra::DMatrix;

use super::{Layer, LayerSpec, Mode, Scalar, Sequential};

/// The environment variable that caps the number of threads the engine uses (a whole
/// number ≥ 1; read once, at the first use).
pub const THREADS_ENV: &str = "GRADSCOPE_THREADS";

/// Rows per shard (about): a batch of `B` rows is cut into `ceil(B / 32)` shards.
pub const SHARD_ROWS: usize = 32;

/// Fewest multiply-adds per shard (forward, estimated from the model's layers) for which a
/// batch is cut into shards: about 0.2 ms of work, against a few microseconds to hand a shard
/// to another thread.
pub const MIN_SHARD_WORK: usize = 1 << 20;

/// Threads the engine may use: the machine's cores (`std::thread::available_parallelism`),
/// capped by [`THREADS_ENV`] when it holds a whole number ≥ 1. Any other value is reported on
/// stderr once and ignored.
pub fn available_threads() -> usize {
    static THREADS: OnceLock<usize> = OnceLock::new();
    *THREADS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        match std::env::var(THREADS_ENV) {
            Err(std::env::VarError::NotPresent) => cores,
            Ok(text) => match text.trim().parse::<usize>() {
                Ok(limit) if limit >= 1 => cores.min(limit),
                _ => {
                    eprintln!(
                        "gradscope: {THREADS_ENV}={text:?} is not a whole number ≥ 1; using {cores} threads"
                    );
                    cores
                }
            },
            Err(std::env::VarError::NotUnicode(text)) => {
                eprintln!(
                    "gradscope: {THREADS_ENV}={text:?} is not a whole number ≥ 1; using {cores} threads"
                );
                cores
            }
        }
    })
}

/// Called on a helper thread before each job it runs; see [`set_helper_hook`].
static HELPER_HOOK: OnceLock<fn()> = OnceLock::new();

/// Registers `hook`, to be called on a helper thread of the pool before each job it runs (a
/// few atomic loads per batch, next to milliseconds of work). The training worker uses it to
/// keep the helpers at its training threads' priority, which changes with the number of runs
/// training; the helpers would otherwise keep the priority of the thread that started the
/// pool. Only the first registration counts.
pub fn set_helper_hook(hook: fn()) {
    let _ = HELPER_HOOK.set(hook);
}

/// Runs `job` on a helper thread of the pool (after the hook, as every job does) and returns
/// its result; runs it on the calling thread when there is no pool. For tests of the hook.
pub fn on_helper_thread<R: Send>(job: impl FnOnce() -> R + Send) -> R {
    let Some(pool) = pool() else {
        return job();
    };
    let mut out = None;
    pool.in_place_scope(|scope| {
        scope.spawn(|_| {
            run_hook();
            out = Some(job());
        });
    });
    out.expect("the scope ran the job")
}

/// The registered hook, if any.
fn run_hook() {
    if let Some(hook) = HELPER_HOOK.get() {
        hook();
    }
}

/// The pool of `available_threads() − 1` helper threads (the calling thread is the other
/// one); `None` with one thread, or if the threads cannot be started (reported once).
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        let helpers = available_threads().saturating_sub(1);
        if helpers == 0 {
            return None;
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(helpers)
            .thread_name(|i| format!("gradscope-nn-{i}"))
            .build()
            .map_err(|e| eprintln!("gradscope: no helper threads ({e}); training on one"))
            .ok()
    })
    .as_ref()
}

/// The row ranges of the shards of a batch of `rows` rows: `ceil(rows / SHARD_ROWS)` shards
/// (at least one) of near-equal size, the first ones one row longer when it does not divide.
/// E.g. 64 → 0..32, 32..64; 100 → 0..25, 25..50, 50..75, 75..100.
pub fn shard_rows(rows: usize) -> Vec<Range<usize>> {
    let count = rows.div_ceil(SHARD_ROWS).max(1);
    let (base, longer) = (rows / count, rows % count);
    let mut start = 0;
    (0..count)
        .map(|i| {
            let len = base + usize::from(i < longer);
            start += len;
            start - len..start
        })
        .collect()
}

/// Multiply-adds of one sample's forward pass (element-wise layers count one per value).
fn work_per_row(spec: &super::ModelSpec, shapes: &[super::Shape]) -> usize {
    let mut input = spec.input;
    let mut work: usize = 0;
    for (layer, &output) in spec.layers.iter().zip(shapes) {
        let layer_work = match *layer {
            LayerSpec::Dense { units } => input.len().saturating_mul(units),
            LayerSpec::Conv2d { kernel, .. } => input
                .channels
                .saturating_mul(kernel * kernel)
                .saturating_mul(output.len()),
            _ => output.len(),
        };
        work = work.saturating_add(layer_work);
        input = output;
    }
    work
}

/// Runs `job` on every item, on up to `threads` threads: the items are cut into that many
/// runs of consecutive items; the calling thread takes the first run. Which thread runs an
/// item never changes what the item computes.
fn for_each<W: Send>(items: &mut [W], threads: usize, job: impl Fn(&mut W) + Sync) {
    let threads = threads.min(items.len()).max(1);
    let pool = if threads > 1 { pool() } else { None };
    let Some(pool) = pool else {
        items.iter_mut().for_each(job);
        return;
    };
    let run = items.len().div_ceil(threads);
    let mut runs = items.chunks_mut(run);
    let first = runs.next();
    let job = &job;
    pool.in_place_scope(|scope| {
        for run in runs {
            scope.spawn(move |_| {
                run_hook();
                run.iter_mut().for_each(job);
            });
        }
        if let Some(run) = first {
            run.iter_mut().for_each(job);
        }
    });
}

/// The rows `range` of `m` as a new matrix (column by column: each is contiguous).
fn rows_of<T: Scalar>(m: &DMatrix<T>, range: &Range<usize>) -> DMatrix<T> {
    let mut data = Vec::with_capacity(range.len() * m.ncols());
    for column in m.as_slice().chunks_exact(m.nrows().max(1)) {
        data.extend_from_slice(&column[range.clone()]);
    }
    DMatrix::from_vec(range.len(), m.ncols(), data)
}

/// The matrices `parts` (same column count) stacked on top of each other.
fn stack<T: Scalar>(parts: &[DMatrix<T>]) -> DMatrix<T> {
    let rows = parts.iter().map(DMatrix::nrows).sum();
    let cols = parts.first().map_or(0, DMatrix::ncols);
    let mut data = Vec::with_capacity(rows * cols);
    for j in 0..cols {
        for part in parts {
            let n = part.nrows();
            data.extend_from_slice(&part.as_slice()[j * n..(j + 1) * n]);
        }
    }
    DMatrix::from_vec(rows, cols, data)
}

/// The sharding state of one [`Sequential`].
pub(crate) struct Parallel<T: Scalar> {
    /// Cap set through [`Sequential::set_max_threads`].
    max_threads: Option<usize>,
    /// Copies of the model, one per shard of the largest batch so far.
    replicas: Vec<Sequential<T>>,
    /// Shards of the last Train forward when it was sharded; empty after a serial one.
    train_shards: Vec<Range<usize>>,
    /// Set when the model cannot be copied (a layer was swapped for one the spec does not
    /// describe, or one whose gradients cannot be set): it then always runs serially.
    not_replicable: bool,
}

impl<T: Scalar> Default for Parallel<T> {
    fn default() -> Self {
        Parallel {
            max_threads: None,
            replicas: Vec::new(),
            train_shards: Vec::new(),
            not_replicable: false,
        }
    }
}

impl<T: Scalar> Parallel<T> {
    /// Marks the last Train forward as serial.
    pub(super) fn forget_train_shards(&mut self) {
        self.train_shards.clear();
    }
}

/// One shard's work: its copy of the model, its rows and the result.
struct Shard<'a, T: Scalar> {
    model: &'a mut Sequential<T>,
    input: DMatrix<T>,
    output: Option<DMatrix<T>>,
}

impl<T: Scalar> Sequential<T> {
    /// Caps the threads this model trains on (`None`: [`available_threads`]; `Some(0)` is
    /// read as 1). Results do not depend on it, only the speed.
    pub fn set_max_threads(&mut self, threads: Option<usize>) {
        self.parallel.max_threads = threads;
    }

    /// The cap set with [`Sequential::set_max_threads`].
    pub fn max_threads(&self) -> Option<usize> {
        self.parallel.max_threads
    }

    /// Threads a batch may run on: [`available_threads`] capped by
    /// [`Sequential::set_max_threads`].
    pub fn threads(&self) -> usize {
        let cap = self.parallel.max_threads.unwrap_or(usize::MAX).max(1);
        available_threads().min(cap)
    }

    /// The shards of a batch of `rows` rows, or `None` when it runs in one piece.
    fn shard_plan(&self, rows: usize) -> Option<Vec<Range<usize>>> {
        let shards = shard_rows(rows);
        let worth_it =
            work_per_row(&self.spec, self.shapes()).saturating_mul(SHARD_ROWS) >= MIN_SHARD_WORK;
        (shards.len() > 1 && worth_it && !self.parallel.not_replicable).then_some(shards)
    }

    /// Makes sure there are `count` copies of the model with the current parameters; false
    /// (and never again true) when the model cannot be copied.
    fn prepare_replicas(&mut self, count: usize) -> bool {
        while self.parallel.replicas.len() < count {
            let replica = Sequential::<T>::try_from_spec(&self.spec, 0);
            match replica {
                Ok(replica) if self.matches(&replica) => self.parallel.replicas.push(replica),
                _ => {
                    self.parallel.not_replicable = true;
                    return false;
                }
            }
        }
        let Sequential {
            layers, parallel, ..
        } = self;
        for replica in &mut parallel.replicas[..count] {
            let params = layers.iter().flat_map(|layer| layer.params());
            for ((dst, _), src) in replica.params_and_grads_mut().into_iter().zip(params) {
                dst.copy_from(src);
            }
        }
        true
    }

    /// True if `replica` has the same layers (names and parameter shapes) and every layer
    /// with parameters lets its gradients be set.
    fn matches(&mut self, replica: &Sequential<T>) -> bool {
        self.layers.len() == replica.layers.len()
            && self.layers.iter_mut().zip(&replica.layers).all(|(a, b)| {
                let shapes = |l: &dyn Layer<T>| -> Vec<(usize, usize)> {
                    l.params().iter().map(|p| p.shape()).collect()
                };
                let same = a.name() == b.name() && shapes(a.as_ref()) == shapes(b.as_ref());
                same && a.grads_mut().len() == a.params().len()
            })
    }

    /// [`Sequential::forward`] over shards on several threads, or `None` when the batch runs
    /// in one piece.
    pub(super) fn forward_sharded(&mut self, x: &DMatrix<T>, mode: Mode) -> Option<DMatrix<T>> {
        let plan = self.shard_plan(x.nrows())?;
        if !self.prepare_replicas(plan.len()) {
            return None;
        }
        let threads = self.threads();
        let mut shards: Vec<Shard<'_, T>> = self
            .parallel
            .replicas
            .iter_mut()
            .zip(&plan)
            .map(|(model, rows)| Shard {
                model,
                input: rows_of(x, rows),
                output: None,
            })
            .collect();
        for_each(&mut shards, threads, |shard| {
            shard.output = Some(shard.model.forward_serial(&shard.input, mode));
        });
        let outputs: Vec<DMatrix<T>> = shards.into_iter().filter_map(|s| s.output).collect();
        if mode == Mode::Train {
            self.parallel.train_shards = plan;
        }
        Some(stack(&outputs))
    }

    /// [`Sequential::backward`] after a sharded Train forward: each copy backpropagates its
    /// rows of `grad_output`, the parameter gradients are summed in shard order into this
    /// model's layers, and dL/d(input) is stacked when `input_grad`. `None` when the last
    /// Train forward was not sharded.
    #[allow(clippy::option_option)] // outer: sharded or not; inner: the input gradient
    pub(super) fn backward_sharded(
        &mut self,
        grad_output: &DMatrix<T>,
        input_grad: bool,
    ) -> Option<Option<DMatrix<T>>> {
        if self.parallel.train_shards.is_empty() {
            return None;
        }
        let threads = self.threads();
        let Sequential {
            layers, parallel, ..
        } = self;
        let count = parallel.train_shards.len();
        let mut shards: Vec<Shard<'_, T>> = parallel
            .replicas
            .iter_mut()
            .zip(&parallel.train_shards)
            .map(|(model, rows)| Shard {
                model,
                input: rows_of(grad_output, rows),
                output: None,
            })
            .collect();
        for_each(&mut shards, threads, |shard| {
            shard.output = shard.model.backward_serial(&shard.input, input_grad);
        });
        let grads_in: Vec<DMatrix<T>> = shards.into_iter().filter_map(|s| s.output).collect();
        for (i, layer) in layers.iter_mut().enumerate() {
            let mut sums = layer.grads_mut();
            for (k, replica) in parallel.replicas[..count].iter().enumerate() {
                for (sum, grad) in sums.iter_mut().zip(replica.layers[i].grads()) {
                    if k == 0 {
                        sum.copy_from(grad);
                    } else {
                        **sum += grad;
                    }
                }
            }
        }
        Some(input_grad.then(|| stack(&grads_in)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_the_batch_in_near_equal_parts() {
        assert_eq!(shard_rows(0), vec![0..0]);
        assert_eq!(shard_rows(32), vec![0..32]);
        assert_eq!(shard_rows(33), vec![0..17, 17..33]);
        assert_eq!(shard_rows(64), vec![0..32, 32..64]);
        assert_eq!(shard_rows(100), vec![0..25, 25..50, 50..75, 75..100]);
    }

    #[test]
    fn stack_undoes_rows_of() {
        let m = DMatrix::from_fn(70, 3, |r, c| (r * 10 + c) as f64);
        let parts: Vec<DMatrix<f64>> = shard_rows(70).iter().map(|r| rows_of(&m, r)).collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[1][(0, 2)], 242.0); // row 24, column 2
        assert_eq!(stack(&parts), m);
    }
}
