//! Loss history of a whole run in bounded memory.
//!
//! Every step's loss is added. While the run is short each bucket holds one step; when the number
//! of buckets reaches twice the capacity, neighbouring buckets are merged in pairs, so a bucket
//! covers 1, 2, 4, … steps. Each bucket keeps the exact mean, minimum and maximum of its steps,
//! so nothing is lost that a plot of the run could show.

/// Consecutive steps summarised exactly.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LossBucket {
    /// First step in the bucket.
    pub first_step: u64,
    /// Number of steps in the bucket.
    pub count: u64,
    /// Sum of the losses (for the exact mean).
    pub sum: f64,
    /// Smallest loss.
    pub min: f32,
    /// Largest loss.
    pub max: f32,
}

impl LossBucket {
    /// Mean loss of the bucket's steps.
    pub fn mean(&self) -> f64 {
        self.sum / self.count as f64
    }

    /// Step at the bucket's centre (for plotting).
    pub fn center_step(&self) -> f64 {
        self.first_step as f64 + (self.count as f64 - 1.0) / 2.0
    }

    fn merge(self, next: LossBucket) -> LossBucket {
        LossBucket {
            first_step: self.first_step,
            count: self.count + next.count,
            sum: self.sum + next.sum,
            min: self.min.min(next.min),
            max: self.max.max(next.max),
        }
    }
}

/// Per-step losses of a run, down-sampled by exact buckets beyond `capacity` points.
#[derive(Clone, Debug, PartialEq)]
pub struct LossHistory {
    buckets: Vec<LossBucket>,
    steps_per_bucket: u64,
    capacity: usize,
    total_steps: u64,
    last: Option<f32>,
}

/// Buckets a default [`LossHistory`] keeps (between this and twice this many).
pub const LOSS_HISTORY_CAPACITY: usize = 2048;

impl Default for LossHistory {
    fn default() -> Self {
        Self::new(LOSS_HISTORY_CAPACITY)
    }
}

impl LossHistory {
    /// An empty history that keeps between `capacity` and 2·`capacity` buckets (capacity ≥ 1).
    pub fn new(capacity: usize) -> Self {
        Self {
            buckets: Vec::new(),
            steps_per_bucket: 1,
            capacity: capacity.max(1),
            total_steps: 0,
            last: None,
        }
    }

    /// A history holding `buckets` (oldest first, as [`LossHistory::buckets`] gives them, e.g.
    /// read back from a file), keeping between `capacity` and 2·`capacity` buckets from then
    /// on. Buckets with `count == 0` or a non-finite mean are left out. The last loss is taken
    /// as the last bucket's mean (exact when that bucket holds one step).
    pub fn from_buckets(buckets: Vec<LossBucket>, capacity: usize) -> Self {
        let buckets: Vec<LossBucket> = buckets
            .into_iter()
            .filter(|b| b.count > 0 && b.mean().is_finite())
            .collect();
        let widest = buckets.iter().map(|b| b.count).max().unwrap_or(1);
        let mut history = Self {
            total_steps: buckets
                .iter()
                .fold(0u64, |sum, b| sum.saturating_add(b.count)),
            last: buckets.last().map(|b| b.mean() as f32),
            steps_per_bucket: widest.checked_next_power_of_two().unwrap_or(widest),
            buckets,
            capacity: capacity.max(1),
        };
        while history.buckets.len() >= 2 * history.capacity {
            history.halve();
        }
        history
    }

    /// Merges neighbouring buckets pairwise: half as many buckets, each twice as wide.
    fn halve(&mut self) {
        self.buckets = self
            .buckets
            .chunks(2)
            .map(|pair| match pair {
                [a, b] => a.merge(*b),
                [a] => *a,
                _ => unreachable!("chunks(2) yields one or two buckets"),
            })
            .collect();
        self.steps_per_bucket = self.steps_per_bucket.saturating_mul(2);
    }

    /// Adds the loss of `step`. Non-finite losses are ignored (they never reach a plot).
    pub fn push(&mut self, step: u64, loss: f32) {
        if !loss.is_finite() {
            return;
        }
        self.total_steps += 1;
        self.last = Some(loss);
        let single = LossBucket {
            first_step: step,
            count: 1,
            sum: f64::from(loss),
            min: loss,
            max: loss,
        };
        match self.buckets.last_mut() {
            Some(open) if open.count < self.steps_per_bucket => *open = open.merge(single),
            _ => self.buckets.push(single),
        }
        if self.buckets.len() >= 2 * self.capacity {
            self.halve();
        }
    }

    /// The buckets, oldest first.
    pub fn buckets(&self) -> &[LossBucket] {
        &self.buckets
    }

    /// Steps added so far.
    pub fn total_steps(&self) -> u64 {
        self.total_steps
    }

    /// Loss of the most recent step.
    pub fn last(&self) -> Option<f32> {
        self.last
    }

    /// Steps summarised by each full bucket.
    pub fn steps_per_bucket(&self) -> u64 {
        self.steps_per_bucket
    }

    /// Removes everything.
    pub fn clear(&mut self) {
        *self = Self::new(self.capacity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_keeps_exact_mean_min_max() {
        let mut history = LossHistory::new(4);
        for step in 1..=100u64 {
            history.push(step, step as f32);
        }
        assert!(history.buckets().len() < 8);
        let count: u64 = history.buckets().iter().map(|b| b.count).sum();
        assert_eq!(count, 100);
        let sum: f64 = history.buckets().iter().map(|b| b.sum).sum();
        assert_eq!(sum, 5050.0);
        assert_eq!(history.buckets()[0].min, 1.0);
        assert_eq!(history.buckets().last().map(|b| b.max), Some(100.0));
        assert_eq!(history.total_steps(), 100);
    }

    #[test]
    fn non_finite_losses_are_ignored() {
        let mut history = LossHistory::new(4);
        history.push(1, 0.5);
        history.push(2, f32::NAN);
        history.push(3, f32::INFINITY);
        assert_eq!(history.total_steps(), 1);
        assert_eq!(history.last(), Some(0.5));
    }
}
