//! One run's overlaid curves, prepared for the plot and cached between frames.
//!
//! Each curve ([`CurveKind`]) goes the same way: its values in step order (for the per-step
//! loss, one per bucket of the run's [`crate::train::LossHistory`], with the number of steps
//! it holds), smoothed ([`crate::ui::smoothing`]), placed on the chosen x axis by the run's
//! [`crate::ui::runclock::RunClock`], put on log axes if asked, and thinned to the plot's pixel
//! columns by the M4 envelope ([`crate::ui::plot::envelope`]). The raw curve is kept too (drawn
//! faint beneath the smoothed one), and for seed groups the undecimated series. Where the run
//! stopped ([`crate::ui::runclock::RunClock::gaps`]: on the wall clock, a pause or the time its
//! file was closed) the drawn curves break ([`break_line`], [`break_band`]).
//!
//! [`CurveCache`] keeps the prepared curves of each run and prepares them again only when the
//! run's history grew (its step count, bucket count, evaluations or clock changed) or the view
//! changed (smoothing, axes, plot width): a paused or finished run costs nothing per frame.

use std::collections::HashMap;

use egui_plot::PlotPoint;

use crate::ui::plot::{
    ColumnBand, column_band, column_means, envelope, loss_to_plot, step_loss_points,
};
use crate::ui::runclock::XAxis;
use crate::ui::smoothing::Ema;
use crate::ui::state::RunView;

/// A curve of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CurveKind {
    /// The training loss of every step (mini-batch).
    StepLoss,
    /// The loss on the whole test split, at each evaluation.
    TestLoss,
    /// The accuracy (%) on the whole test split, at each evaluation.
    TestAccuracy,
}

impl CurveKind {
    /// Every kind, in the order [`RunCurves::curves`] holds them.
    pub const ALL: [CurveKind; 3] = [
        CurveKind::StepLoss,
        CurveKind::TestLoss,
        CurveKind::TestAccuracy,
    ];

    /// What the curve shows, for line names and hover text.
    pub fn label(self) -> &'static str {
        match self {
            CurveKind::StepLoss => "loss each step",
            CurveKind::TestLoss => "test loss",
            CurveKind::TestAccuracy => "test accuracy %",
        }
    }

    fn index(self) -> usize {
        match self {
            CurveKind::StepLoss => 0,
            CurveKind::TestLoss => 1,
            CurveKind::TestAccuracy => 2,
        }
    }
}

/// How the curves are drawn: what a change of forces them to be prepared again.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CurveView {
    /// Smoothing weight of the debiased EMA (0: none).
    pub smoothing: f64,
    /// The x axis.
    pub x_axis: XAxis,
    /// x as log10 (points at x ≤ 0 are left out).
    pub log_x: bool,
    /// Losses as log10.
    pub log_y: bool,
    /// Pixel columns of the plot (the envelope keeps at most 4 points per column).
    pub columns: usize,
}

/// One curve ready to draw.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PreparedCurve {
    /// The per-step loss's raw values as their lowest and highest per pixel column (drawn as a
    /// faint band); empty for the evaluations' curves.
    pub band: ColumnBand,
    /// The evaluations' raw values thinned by the M4 envelope (min/max kept); empty for the
    /// per-step loss.
    pub raw: Vec<PlotPoint>,
    /// The line: the smoothed values (the raw ones without smoothing); for the per-step loss
    /// their mean per pixel column, for the evaluations thinned by the M4 envelope.
    pub line: Vec<PlotPoint>,
    /// The raw values, undecimated, in plot space (one per bucket or evaluation).
    pub raw_series: Vec<[f64; 2]>,
    /// The smoothed values (the raw ones without smoothing), undecimated, in plot space: what
    /// a seed group averages.
    pub series: Vec<[f64; 2]>,
    /// The x ranges (plot space) in which the run did not train and across which nothing is
    /// drawn: `raw` and `line` are already broken there ([`break_line`]); `band` is pinched
    /// there when drawn ([`break_band`], after it is padded to a pixel).
    pub gaps: Vec<(f64, f64)>,
}

/// Whether the segment from x `a` to x `b` crosses one of `gaps` whole.
fn spans_gap(a: f64, b: f64, gaps: &[(f64, f64)]) -> bool {
    gaps.iter().any(|&(from, to)| a <= from && b >= to)
}

/// `points` (ascending x) with a point of NaNs between two points on either side of a gap:
/// the plot draws each stretch between two such breaks as a line of its own, so none is
/// drawn across the gap (egui_plot 0.38 itself joins a line through a NaN point).
pub fn break_line(points: Vec<[f64; 2]>, gaps: &[(f64, f64)]) -> Vec<[f64; 2]> {
    if gaps.is_empty() {
        return points;
    }
    let mut out = Vec::with_capacity(points.len() + gaps.len());
    for (i, &point) in points.iter().enumerate() {
        if i > 0 && spans_gap(points[i - 1][0], point[0], gaps) {
            out.push([f64::NAN; 2]);
        }
        out.push(point);
    }
    out
}

/// A filled band `x`, `low`, `high` (ascending x) pinched to zero height across each gap (a
/// NaN would spoil the filled mesh): the two columns beside the gap are repeated with
/// `low = high`, so the quads over the gap have no area.
pub fn break_band(
    x: &[f64],
    low: &[f64],
    high: &[f64],
    gaps: &[(f64, f64)],
) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut out = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..x.len().min(low.len()).min(high.len()) {
        if i > 0 && spans_gap(x[i - 1], x[i], gaps) {
            for k in [i - 1, i] {
                let middle = 0.5 * (low[k] + high[k]);
                out.0.push(x[k]);
                out.1.push(middle);
                out.2.push(middle);
            }
        }
        out.0.push(x[i]);
        out.1.push(low[i]);
        out.2.push(high[i]);
    }
    out
}

/// What a run's history looked like when its curves were prepared.
#[derive(Clone, Copy, Debug, PartialEq)]
struct HistoryKey {
    steps: u64,
    buckets: usize,
    last_sum: u64,
    evals: usize,
    last_eval: Option<u64>,
    clock: usize,
    clock_last: u64,
    steps_per_epoch: u64,
}

impl HistoryKey {
    fn of(run: &RunView) -> Self {
        let buckets = run.losses.buckets();
        Self {
            steps: run.losses.total_steps(),
            buckets: buckets.len(),
            last_sum: buckets.last().map_or(0, |b| b.sum.to_bits()),
            evals: run.evals.len(),
            last_eval: run.evals.last().map(|e| e.step),
            clock: run.clock.samples().len(),
            clock_last: run
                .clock
                .samples()
                .last()
                .map_or(0, |s| s.seconds.to_bits()),
            steps_per_epoch: run.steps_per_epoch,
        }
    }
}

/// Most runs whose history grew that [`CurveCache::update_all`] prepares again in one frame
/// (the others keep last frame's curves, at most a few frames old).
pub const REFRESH_PER_FRAME: usize = 2;

/// A run's prepared curves, in [`CurveKind::ALL`] order.
#[derive(Clone, Debug)]
pub struct RunCurves {
    key: HistoryKey,
    view: CurveView,
    /// The call of [`CurveCache::update_all`] that prepared them.
    frame: u64,
    /// The curves.
    pub curves: [PreparedCurve; 3],
}

impl RunCurves {
    /// The curve of `kind`.
    pub fn curve(&self, kind: CurveKind) -> &PreparedCurve {
        &self.curves[kind.index()]
    }
}

/// The prepared curves of every overlaid run, by run id (see the module docs).
#[derive(Default)]
pub struct CurveCache {
    runs: HashMap<u64, RunCurves>,
    preparations: u64,
    frame: u64,
}

impl CurveCache {
    /// Brings the curves of run `id` (whose history is `run`) up to date for `view`: they are
    /// prepared again only if the history or the view changed since the last call.
    pub fn update(&mut self, id: u64, run: &RunView, view: &CurveView) {
        let key = HistoryKey::of(run);
        let fresh = self
            .runs
            .get(&id)
            .is_some_and(|c| c.key == key && c.view == *view);
        if !fresh {
            self.prepare(id, run, view, key);
        }
    }

    fn prepare(&mut self, id: u64, run: &RunView, view: &CurveView, key: HistoryKey) {
        self.preparations += 1;
        let curves = CurveKind::ALL.map(|kind| prepare(run, kind, view));
        let frame = self.frame;
        let entry = RunCurves {
            key,
            view: *view,
            frame,
            curves,
        };
        self.runs.insert(id, entry);
    }

    /// Brings the curves of `runs` (`(id, history)`) up to date for `view`, for one frame: a
    /// run without curves, or whose view changed, is prepared; of the runs whose history grew,
    /// the [`REFRESH_PER_FRAME`] prepared longest ago are, and the others keep their curves
    /// until a later frame. Returns true when some run's curves are behind its history (the
    /// caller should draw another frame). Forgets the runs not in `runs`.
    pub fn update_all(&mut self, runs: &[(u64, &RunView)], view: &CurveView) -> bool {
        self.frame += 1;
        self.runs.retain(|id, _| runs.iter().any(|(i, _)| i == id));
        let mut behind: Vec<(u64, u64, HistoryKey)> = Vec::new();
        for &(id, run) in runs {
            let key = HistoryKey::of(run);
            match self.runs.get(&id) {
                Some(c) if c.view == *view && c.key == key => {}
                Some(c) if c.view == *view => behind.push((c.frame, id, key)),
                _ => self.prepare(id, run, view, key),
            }
        }
        behind.sort_unstable_by_key(|&(frame, id, _)| (frame, id));
        let stale = behind.len() > REFRESH_PER_FRAME;
        for &(_, id, key) in behind.iter().take(REFRESH_PER_FRAME) {
            if let Some(&(_, run)) = runs.iter().find(|(i, _)| *i == id) {
                self.prepare(id, run, view, key);
            }
        }
        stale
    }

    /// The prepared curves of run `id` (after [`CurveCache::update`]).
    pub fn get(&self, id: u64) -> Option<&RunCurves> {
        self.runs.get(&id)
    }

    /// Forgets the runs not in `ids` (deleted or unticked).
    pub fn retain(&mut self, ids: &[u64]) {
        self.runs.retain(|id, _| ids.contains(id));
    }

    /// How many times curves were prepared (not taken from the cache) so far.
    pub fn preparations(&self) -> u64 {
        self.preparations
    }
}

/// The values of `kind` in step order: `[step, value]`, the steps each stands for, and the
/// points whose envelope is drawn as the raw curve (each merged bucket's lowest and highest
/// loss, so spikes survive).
fn source(run: &RunView, kind: CurveKind) -> (Vec<[f64; 2]>, Vec<u64>, Vec<[f64; 2]>) {
    let finite = |y: f64| y.is_finite().then_some(y);
    match kind {
        CurveKind::StepLoss => {
            let buckets = run.losses.buckets();
            let values = buckets
                .iter()
                .map(|b| [b.center_step(), b.mean()])
                .collect();
            let counts = buckets.iter().map(|b| b.count).collect();
            (values, counts, step_loss_points(&run.losses, finite))
        }
        CurveKind::TestLoss | CurveKind::TestAccuracy => {
            let values: Vec<[f64; 2]> = run
                .evals
                .iter()
                .filter_map(|record| {
                    let test = record.test?;
                    let y = match kind {
                        CurveKind::TestAccuracy => test.accuracy? * 100.0,
                        _ => test.loss,
                    };
                    y.is_finite().then_some([record.step as f64, y])
                })
                .collect();
            let counts = vec![1; values.len()];
            (values.clone(), counts, values)
        }
    }
}

/// `points` (x already on the chosen axis) in plot space: log10 of x and of a loss if asked.
/// Points that cannot be drawn (x ≤ 0 on a log axis, non-finite values) are left out.
fn to_plot_space(points: Vec<[f64; 2]>, kind: CurveKind, view: &CurveView) -> Vec<[f64; 2]> {
    points
        .into_iter()
        .filter_map(|[x, y]| {
            let x = if view.log_x {
                (x > 0.0).then(|| x.log10())?
            } else {
                x
            };
            let y = match kind {
                CurveKind::TestAccuracy => y.is_finite().then_some(y)?,
                _ => loss_to_plot(y, view.log_y)?,
            };
            x.is_finite().then_some([x, y])
        })
        .collect()
}

fn plot_points(points: &[[f64; 2]]) -> Vec<PlotPoint> {
    points.iter().map(|&p| PlotPoint::from(p)).collect()
}

/// The curve `kind` of `run`, prepared for `view` (see the module docs).
pub fn prepare(run: &RunView, kind: CurveKind, view: &CurveView) -> PreparedCurve {
    let (values, counts, extremes) = source(run, kind);
    let place = |points: &[[f64; 2]]| {
        let placed = run.clock.to_axis(points, view.x_axis, run.steps_per_epoch);
        to_plot_space(placed, kind, view)
    };
    let raw_series = place(&values);
    let series = if view.smoothing > 0.0 {
        let mut ema = Ema::new(view.smoothing);
        let smoothed: Vec<[f64; 2]> = values
            .iter()
            .zip(&counts)
            .map(|(&[x, y], &count)| [x, ema.push(y, count)])
            .collect();
        place(&smoothed)
    } else {
        raw_series.clone()
    };
    let (band, raw, line) = if kind == CurveKind::StepLoss {
        // One point per two pixels: the band and line stay as sharp, at half the vertices.
        let columns = (view.columns / 2).max(1);
        let band = column_band(&place(&extremes), columns);
        (band, Vec::new(), column_means(&series, columns))
    } else {
        let raw = envelope(&raw_series, view.columns);
        (ColumnBand::default(), raw, envelope(&series, view.columns))
    };
    let gaps: Vec<(f64, f64)> = run
        .clock
        .gaps(view.x_axis)
        .into_iter()
        .filter_map(|(from, to)| match view.log_x {
            true => (from > 0.0).then(|| (from.log10(), to.log10())),
            false => Some((from, to)),
        })
        .collect();
    PreparedCurve {
        band,
        raw: plot_points(&break_line(raw, &gaps)),
        line: plot_points(&break_line(line, &gaps)),
        raw_series,
        series,
        gaps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::{EvalRecord, SplitMetrics};

    fn view(smoothing: f64, log_x: bool, log_y: bool) -> CurveView {
        CurveView {
            smoothing,
            x_axis: XAxis::Step,
            log_x,
            log_y,
            columns: 100,
        }
    }

    fn run_with(losses: &[f32], tests: &[(u64, f64, f64)]) -> RunView {
        let mut run = RunView::default();
        for (i, &loss) in losses.iter().enumerate() {
            run.losses.push(i as u64 + 1, loss);
        }
        for &(step, loss, accuracy) in tests {
            let metrics = SplitMetrics {
                loss,
                accuracy: Some(accuracy),
            };
            run.evals.push(EvalRecord {
                step,
                epoch: 0,
                train: None,
                test: Some(metrics),
            });
        }
        run.step = losses.len() as u64;
        run
    }

    #[test]
    fn a_curve_is_smoothed_before_the_log_and_keeps_its_raw_values() {
        let run = run_with(&[1.0, 2.0, 3.0], &[(1, 100.0, 0.5), (3, 10.0, 0.75)]);
        let steps = prepare(&run, CurveKind::StepLoss, &view(0.5, false, false));
        assert_eq!(steps.raw_series, [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]);
        assert_eq!(
            steps.series,
            [[1.0, 1.0], [2.0, 1.25 / 0.75], [3.0, 2.125 / 0.875]]
        );
        // Fewer steps than columns: each is its own column, in the band and in the line.
        assert_eq!(steps.band.x, [1.0, 2.0, 3.0]);
        assert_eq!(steps.band.high, [1.0, 2.0, 3.0]);
        assert_eq!(steps.line[1], PlotPoint::new(2.0, 1.25 / 0.75));
        assert!(steps.raw.is_empty());
        // Log axes: step 1 → 0, loss 100 → 2; the smoothing is of the losses, not their logs.
        let test = prepare(&run, CurveKind::TestLoss, &view(0.5, true, true));
        assert_eq!(test.raw_series, [[0.0, 2.0], [3f64.log10(), 1.0]]);
        let smoothed_second = (0.5 * 100.0 * 0.5 + 0.5 * 10.0) / 0.75; // 40
        assert_eq!(test.series[1], [3f64.log10(), f64::log10(smoothed_second)]);
        let accuracy = prepare(&run, CurveKind::TestAccuracy, &view(0.0, false, true));
        assert_eq!(accuracy.raw_series, [[1.0, 50.0], [3.0, 75.0]]);
        assert_eq!(
            accuracy.series, accuracy.raw_series,
            "no smoothing at weight 0"
        );
        assert_eq!(accuracy.line, accuracy.raw);
        assert_eq!(accuracy.raw[1], PlotPoint::new(3.0, 75.0));
    }

    #[test]
    fn on_the_wall_clock_no_line_crosses_the_hours_a_file_was_closed() {
        // 300 steps: 200 trained in 2 s, the file closed for two hours, 100 more in 1 s.
        let losses: Vec<f32> = (0..300).map(|i| 1.0 / (1.0 + i as f32)).collect();
        let mut run = run_with(
            &losses,
            &[(100, 0.5, 0.6), (200, 0.3, 0.7), (300, 0.2, 0.8)],
        );
        let saved = crate::experiment::SavedClock {
            started_at: 1_796_220_000.0,
            offset: 0.0,
            samples: vec![
                [0.0, 0.0, 0.0, 0.0],
                [200.0, 20.0, 2.0, 2.0],
                [200.0, 20.0, 2.0, 7202.0],
                [300.0, 30.0, 3.0, 7203.0],
            ],
        };
        run.clock = crate::ui::runclock::RunClock::from_saved(&saved, 10);
        let mut wall = view(0.0, false, false);
        wall.x_axis = XAxis::WallClock;
        let gap = (1_796_220_002.0, 1_796_227_202.0);
        let test = prepare(&run, CurveKind::TestLoss, &wall);
        assert_eq!(test.gaps, [gap]);
        let xs = |points: &[PlotPoint]| -> Vec<f64> { points.iter().map(|p| p.x).collect() };
        let line = xs(&test.line);
        assert_eq!(line.len(), 4, "{line:?}");
        assert_eq!([line[0], line[1]], [gap.0 - 1.0, gap.0]);
        assert!(
            line[2].is_nan(),
            "a break between the two sittings: {line:?}"
        );
        assert_eq!(line[3], gap.1 + 1.0);
        assert!(test.raw[2].x.is_nan());
        // The per-step loss: its line breaks once, and its band, pinched, has no height over
        // the gap.
        let steps = prepare(&run, CurveKind::StepLoss, &wall);
        let breaks = steps.line.iter().filter(|p| p.x.is_nan()).count();
        assert_eq!(breaks, 1);
        assert!(
            steps
                .line
                .windows(2)
                .all(|w| !(w[0].x <= gap.0 && w[1].x >= gap.1)),
            "no segment from before the gap to after it"
        );
        let (x, low, high) = break_band(
            &steps.band.x,
            &steps.band.low,
            &steps.band.high,
            &steps.gaps,
        );
        let band = ColumnBand { x, low, high };
        let across: Vec<usize> = (1..band.x.len())
            .filter(|&i| band.x[i - 1] <= gap.0 && band.x[i] >= gap.1)
            .collect();
        assert_eq!(across.len(), 1);
        let i = across[0];
        assert_eq!(band.low[i - 1], band.high[i - 1], "pinched before the gap");
        assert_eq!(band.low[i], band.high[i], "pinched after the gap");
        // Seconds count training only: no gap, and the closed hours take no room.
        let mut seconds = view(0.0, false, false);
        seconds.x_axis = XAxis::Seconds;
        let test = prepare(&run, CurveKind::TestLoss, &seconds);
        assert!(test.gaps.is_empty());
        assert_eq!(xs(&test.line), [1.0, 2.0, 3.0]);
        assert!(
            prepare(&run, CurveKind::StepLoss, &seconds)
                .line
                .iter()
                .all(|p| p.x.is_finite())
        );
    }

    #[test]
    fn the_cache_prepares_a_run_again_only_when_it_changed() {
        let mut cache = CurveCache::default();
        let mut run = run_with(&[1.0, 2.0], &[]);
        let v = view(0.6, false, false);
        cache.update(7, &run, &v);
        cache.update(7, &run, &v);
        assert_eq!(cache.preparations(), 1, "same history, same view");
        run.losses.push(3, 0.5);
        cache.update(7, &run, &v);
        let curves = cache.get(7).expect("prepared");
        assert_eq!(curves.curve(CurveKind::StepLoss).band.x.len(), 3);
        assert_eq!(cache.preparations(), 2, "a new step");
        cache.update(7, &run, &view(0.0, false, false));
        assert_eq!(cache.preparations(), 3, "another smoothing");
        cache.retain(&[]);
        assert!(cache.get(7).is_none());
        cache.update(7, &run, &view(0.0, false, false));
        assert_eq!(cache.preparations(), 4, "forgotten");
    }

    #[test]
    fn a_frame_prepares_at_most_two_grown_runs_the_longest_waiting_first() {
        let mut cache = CurveCache::default();
        let v = view(0.6, false, false);
        let mut runs: Vec<RunView> = (0..3).map(|_| run_with(&[1.0], &[])).collect();
        let ids = |runs: &[RunView]| -> Vec<u64> { (0..runs.len() as u64).collect() };
        {
            let all: Vec<(u64, &RunView)> = ids(&runs).into_iter().zip(&runs).collect();
            assert!(!cache.update_all(&all, &v), "new runs are all prepared");
        }
        assert_eq!(cache.preparations(), 3);
        for run in &mut runs {
            run.losses.push(2, 0.5);
        }
        let all: Vec<(u64, &RunView)> = ids(&runs).into_iter().zip(&runs).collect();
        assert!(cache.update_all(&all, &v), "one run is left behind");
        assert_eq!(cache.preparations(), 5);
        let band_len = |cache: &CurveCache, id| {
            cache
                .get(id)
                .unwrap()
                .curve(CurveKind::StepLoss)
                .band
                .x
                .len()
        };
        assert_eq!(
            [
                band_len(&cache, 0),
                band_len(&cache, 1),
                band_len(&cache, 2)
            ],
            [2, 2, 1]
        );
        assert!(!cache.update_all(&all, &v), "run 2 catches up");
        assert_eq!(cache.preparations(), 6);
        assert_eq!(band_len(&cache, 2), 2);
        assert!(!cache.update_all(&all, &v));
        assert_eq!(cache.preparations(), 6, "nothing changed");
        // A change of view prepares every run at once; a run left out is forgotten.
        assert!(!cache.update_all(&all[..2], &view(0.0, false, false)));
        assert_eq!(cache.preparations(), 8);
        assert!(cache.get(2).is_none());
    }
}
