//! Curves that grow every step, drawn at a cost that does not grow with them.
//!
//! The lesson and the race step thousands of times per second and keep every point (their
//! tests and the formulas read them all), but a plot only has so many pixels. Two caches turn
//! a growing series into a bounded one, looking only at the points added since the last frame:
//! - [`PathThinner`] for a trajectory in the plane: a point is kept when it lies at least one
//!   "pixel" (a given step in x or y) from the last kept point, so zig-zags across a valley
//!   stay and a crawl along the bottom collapses;
//! - [`Envelope`] for a series against the step (a loss curve): the steps are grouped into
//!   at most `columns` buckets, each drawn as its smallest and largest value in step order,
//!   so a spike stays visible however long the run is (the min/max decimation of oscilloscopes
//!   and of TensorBoard's line charts). When the buckets fill up, neighbours merge and the
//!   bucket width doubles.
//!
//! Both notice a restart (the series got shorter, or the point they saw last changed) and
//! start over.

/// A trajectory thinned to about one point per pixel (see the module docs).
#[derive(Clone, Debug, Default)]
pub struct PathThinner {
    kept: Vec<[f64; 2]>,
    /// Points of the source already looked at, and the last of them.
    seen: usize,
    last_seen: Option<[f64; 2]>,
    min_step: [f64; 2],
}

impl PathThinner {
    /// Brings the thinned copy up to date with `points` (the whole trajectory so far) and
    /// returns it, always ending with the newest point. `min_step` is the size of one pixel in
    /// x and y (plot units); a change of it starts over.
    pub fn update(&mut self, points: &[[f64; 2]], min_step: [f64; 2]) -> Vec<[f64; 2]> {
        let restarted = points.len() < self.seen
            || (self.seen > 0 && points.get(self.seen - 1).copied() != self.last_seen)
            || self.min_step != min_step;
        if restarted {
            *self = Self {
                min_step,
                ..Self::default()
            };
        }
        for &point in &points[self.seen..] {
            let far = self.kept.last().is_none_or(|last| {
                (point[0] - last[0]).abs() >= min_step[0]
                    || (point[1] - last[1]).abs() >= min_step[1]
                    || !point[0].is_finite()
                    || !point[1].is_finite()
            });
            if far {
                self.kept.push(point);
            }
        }
        self.seen = points.len();
        self.last_seen = points.last().copied();
        let mut out = self.kept.clone();
        if let Some(&newest) = points.last()
            && out.last() != Some(&newest)
        {
            out.push(newest);
        }
        out
    }

    /// Points kept (without the newest, if it was not kept).
    pub fn kept(&self) -> usize {
        self.kept.len()
    }
}

/// One bucket of an [`Envelope`]: its lowest and highest point, in step order.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Bucket {
    low: [f64; 2],
    high: [f64; 2],
}

impl Bucket {
    fn of(point: [f64; 2]) -> Self {
        Self {
            low: point,
            high: point,
        }
    }

    fn add(&mut self, point: [f64; 2]) {
        if point[1] < self.low[1] {
            self.low = point;
        }
        if point[1] > self.high[1] {
            self.high = point;
        }
    }

    fn merge(self, other: Bucket) -> Bucket {
        let mut merged = self;
        merged.add(other.low);
        merged.add(other.high);
        merged
    }
}

/// A series against the step, kept as a min/max envelope of at most `columns` buckets
/// (see the module docs). Non-finite values are left out (they never reach a plot).
#[derive(Clone, Debug)]
pub struct Envelope {
    columns: usize,
    /// Steps per bucket (a power of two).
    width: f64,
    buckets: Vec<Bucket>,
    seen: usize,
    last_seen: Option<[f64; 2]>,
}

impl Envelope {
    /// An empty envelope of at most `columns` buckets (at least 16), i.e. at most
    /// `2 × columns` points drawn; between `columns / 2` and `columns` once the series is long.
    pub fn new(columns: usize) -> Self {
        Self {
            columns: columns.max(16),
            width: 1.0,
            buckets: Vec::new(),
            seen: 0,
            last_seen: None,
        }
    }

    /// Brings the envelope up to date with `points` (x = step, increasing; the whole series
    /// so far, already transformed for the plot, e.g. to log10) and returns the points to
    /// draw: per bucket its low and high in step order (one point when they coincide).
    pub fn update(&mut self, points: &[[f64; 2]]) -> Vec<[f64; 2]> {
        self.update_mapped(points, |point| point)
    }

    /// [`Envelope::update`] for a series drawn through `map` (e.g. `[step, log10(loss)]`),
    /// which is applied to the new points only. `map` must not change between calls unless
    /// the series restarts.
    pub fn update_mapped(
        &mut self,
        points: &[[f64; 2]],
        map: impl Fn([f64; 2]) -> [f64; 2],
    ) -> Vec<[f64; 2]> {
        let restarted = points.len() < self.seen
            || (self.seen > 0 && points.get(self.seen - 1).copied() != self.last_seen);
        if restarted {
            *self = Self::new(self.columns);
        }
        for &raw in &points[self.seen..] {
            let point = map(raw);
            if point[0].is_finite() && point[1].is_finite() {
                self.add(point);
            }
        }
        self.seen = points.len();
        self.last_seen = points.last().copied();
        self.points()
    }

    fn add(&mut self, point: [f64; 2]) {
        let index = (point[0] / self.width).floor();
        let same_bucket = self
            .buckets
            .last()
            .is_some_and(|b| (b.low[0] / self.width).floor() == index);
        match self.buckets.last_mut() {
            Some(bucket) if same_bucket => bucket.add(point),
            _ => self.buckets.push(Bucket::of(point)),
        }
        if self.buckets.len() > self.columns {
            self.width *= 2.0;
            let width = self.width;
            let mut merged: Vec<Bucket> = Vec::with_capacity(self.columns / 2 + 1);
            for bucket in self.buckets.drain(..) {
                let index = (bucket.low[0].min(bucket.high[0]) / width).floor();
                match merged.last_mut() {
                    Some(last) if (last.low[0].min(last.high[0]) / width).floor() == index => {
                        *last = last.merge(bucket);
                    }
                    _ => merged.push(bucket),
                }
            }
            self.buckets = merged;
        }
    }

    /// The points to draw (see [`Envelope::update`]).
    pub fn points(&self) -> Vec<[f64; 2]> {
        let mut out = Vec::with_capacity(2 * self.buckets.len());
        for bucket in &self.buckets {
            let (first, second) = if bucket.low[0] <= bucket.high[0] {
                (bucket.low, bucket.high)
            } else {
                (bucket.high, bucket.low)
            };
            out.push(first);
            if second != first {
                out.push(second);
            }
        }
        out
    }

    /// Buckets in use (at most `columns`).
    pub fn buckets(&self) -> usize {
        self.buckets.len()
    }
}

#[cfg(test)]
mod tests {
    use super::{Envelope, PathThinner};

    #[test]
    fn a_spike_survives_a_million_steps() {
        let mut envelope = Envelope::new(100);
        let mut points: Vec<[f64; 2]> = (0..1_000_000).map(|s| [s as f64, 1.0]).collect();
        points[654_321][1] = 50.0;
        points[123_456][1] = -3.0;
        let drawn = envelope.update(&points);
        assert!(envelope.buckets() <= 100, "{} buckets", envelope.buckets());
        assert!(envelope.buckets() >= 50, "{} buckets", envelope.buckets());
        assert!(drawn.len() <= 200);
        assert!(drawn.contains(&[654_321.0, 50.0]), "the spike is drawn");
        assert!(drawn.contains(&[123_456.0, -3.0]), "the dip is drawn");
        assert!(drawn.windows(2).all(|w| w[0][0] < w[1][0]), "in step order");
        assert_eq!(drawn.first(), Some(&[0.0, 1.0]));
    }

    #[test]
    fn the_envelope_grows_incrementally_and_restarts() {
        let mut envelope = Envelope::new(16);
        let series: Vec<[f64; 2]> = (0..1000).map(|s| [s as f64, (s % 7) as f64]).collect();
        let whole = Envelope::new(16).update(&series);
        envelope.update(&series[..10]);
        envelope.update(&series[..500]);
        assert_eq!(
            envelope.update(&series),
            whole,
            "frame by frame = all at once"
        );
        // A new run (shorter series) starts over.
        let again = envelope.update(&series[..3]);
        assert_eq!(again, vec![[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]);
    }

    #[test]
    fn a_path_keeps_zigzags_and_drops_a_crawl() {
        let mut thinner = PathThinner::default();
        // Ten zig-zags across a valley 2 wide, then 10 000 tiny steps along its floor.
        let mut path: Vec<[f64; 2]> = (0..10)
            .map(|k| [k as f64 * 0.1, if k % 2 == 0 { 1.0 } else { -1.0 }])
            .collect();
        path.extend((0..10_000).map(|k| [1.0 + k as f64 * 1e-5, 0.0]));
        let drawn = thinner.update(&path, [0.01, 0.01]);
        assert_eq!(&drawn[..10], &path[..10], "every zig-zag kept");
        // The crawl covers 0.1 in x: about one kept point per 0.01.
        assert!(drawn.len() <= 10 + 12, "{} points", drawn.len());
        assert_eq!(drawn.last(), path.last(), "ends at the newest point");
        // A restart from another start point starts over.
        let other = thinner.update(&[[5.0, 5.0]], [0.01, 0.01]);
        assert_eq!(other, vec![[5.0, 5.0]]);
    }
}
