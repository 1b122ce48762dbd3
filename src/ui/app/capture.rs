//! Pictures of the window: the scripted screenshot of `--screenshot`/`--quit-after` (with the
//! frame-time statistics it prints), and the PNG and GIF captures of the "Save & open" window,
//! of the whole window or of one panel. Frames are encoded on their own thread.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use eframe::egui;

use super::GradscopeApp;
use crate::experiment::{GifRecorder, GifSettings, RgbaFrame};
use crate::ui::action::PictureTarget;
use crate::ui::files::{crop, whole, write_png};

/// Quit after a while, optionally saving a screenshot first
/// (`--screenshot FILE --quit-after SECONDS`).
#[derive(Clone, Debug, Default)]
pub struct ScreenshotPlan {
    /// Where the PNG goes; `None` = just quit.
    pub path: Option<PathBuf>,
    /// Seconds after start-up.
    pub after_secs: f32,
    /// Set when the screenshot could not be saved (the binary then exits with status 1).
    pub failed: Arc<AtomicBool>,
}

type ScreenshotResult = Arc<Mutex<Option<Result<PathBuf, String>>>>;

/// A GIF being recorded: frames are captured on a timer and encoded on their own thread.
pub(super) struct GifJob {
    pub(super) target: PictureTarget,
    next_at: Instant,
    interval: Duration,
    pub(super) wanted: usize,
    pub(super) captured: usize,
    pub(super) frames: mpsc::Sender<Option<RgbaFrame>>,
}

/// Screenshot and recording state of the App.
pub(super) struct Capture {
    started: Instant,
    plan: Option<ScreenshotPlan>,
    requested: bool,
    result: ScreenshotResult,
    /// CPU time of each frame (seconds), for the statistics printed at the end of a script.
    frame_seconds: Vec<f32>,
    /// Panel rectangles (in points) of the last frame, by heading.
    pub(super) panel_rects: Vec<(String, egui::Rect)>,
    /// A PNG request waiting for the next screenshot.
    pub(super) png: Option<(PathBuf, PictureTarget)>,
    /// The GIF being recorded.
    pub(super) gif: Option<GifJob>,
}

impl Capture {
    pub(super) fn new(plan: Option<ScreenshotPlan>) -> Self {
        Self {
            started: Instant::now(),
            plan,
            requested: false,
            result: Arc::default(),
            frame_seconds: Vec::new(),
            panel_rects: Vec::new(),
            png: None,
            gif: None,
        }
    }

    /// True for runs started with `--screenshot` or `--quit-after`, which leave the user's
    /// remembered state alone.
    pub(super) fn is_scripted(&self) -> bool {
        self.plan.is_some()
    }

    /// Keeps this frame's CPU time.
    pub(super) fn record_frame(&mut self, frame: &eframe::Frame) {
        if let Some(seconds) = frame.info().cpu_usage
            && self.frame_seconds.len() < 1_000_000
        {
            self.frame_seconds.push(seconds);
        }
    }
}

/// Mean and 95th percentile of frame times (seconds); `None` without frames.
pub fn frame_time_stats(seconds: &[f32]) -> Option<(f32, f32)> {
    if seconds.is_empty() {
        return None;
    }
    let mut sorted = seconds.to_vec();
    sorted.sort_by(f32::total_cmp);
    let mean = sorted.iter().sum::<f32>() / sorted.len() as f32;
    let p95 = sorted[((sorted.len() - 1) as f32 * 0.95).round() as usize];
    Some((mean, p95))
}

/// Writes an RGBA screenshot as PNG.
fn save_png(path: &std::path::Path, image: &egui::ColorImage) -> Result<(), String> {
    let [width, height] = image.size;
    let bytes: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
    image::save_buffer(
        path,
        &bytes,
        width as u32,
        height as u32,
        image::ColorType::Rgba8,
    )
    .map_err(|e| format!("{}: cannot write the screenshot: {e}", path.display()))
}

impl GradscopeApp {
    /// The scripted screenshot: taken (and the window closed) once the plan's time is up.
    pub(super) fn screenshot_logic(&mut self, ctx: &egui::Context) {
        let capture = &mut self.capture;
        let Some(plan) = &capture.plan else {
            return;
        };
        if !capture.requested && capture.started.elapsed().as_secs_f32() >= plan.after_secs {
            capture.requested = true;
            let Some(path) = plan.path.clone() else {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                return;
            };
            let slot = Arc::clone(&capture.result);
            let waker = ctx.clone();
            ctx.request_screenshot(move |image| {
                let result = save_png(&path, &image).map(|()| path);
                *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                waker.request_repaint();
            });
        }
        let result = capture
            .result
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(result) = result {
            match result {
                Ok(path) => {
                    println!(
                        "screenshot {} at step {} epoch {}",
                        path.display(),
                        self.lab.run.step,
                        self.lab.run.epoch
                    );
                    if let Some((mean, p95)) = frame_time_stats(&capture.frame_seconds) {
                        println!(
                            "frame time (CPU, ui + render): mean {:.2} ms, 95th percentile {:.2} ms over {} frames",
                            mean * 1e3,
                            p95 * 1e3,
                            capture.frame_seconds.len()
                        );
                    }
                }
                Err(message) => {
                    eprintln!("gradscope: {message}");
                    plan.failed.store(true, Ordering::Relaxed);
                }
            }
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        ctx.request_repaint_after(Duration::from_millis(50));
    }

    /// The rectangle in points that the panel named `name` (`Loss`, `Confusion matrix`,
    /// `Pixel arithmetic`, …, as a `--screenshot` of one panel names it) took in the last
    /// frame, all of its contents included (also any part cut off at the window's edge);
    /// `None` when it was not drawn.
    pub fn panel_rect(&self, name: &str) -> Option<egui::Rect> {
        self.capture
            .panel_rects
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, rect)| *rect)
    }

    /// The rectangle of `target` in points, or `None` when that panel is not on screen.
    pub(super) fn target_rect(
        &self,
        ctx: &egui::Context,
        target: &PictureTarget,
    ) -> Option<egui::Rect> {
        match target {
            PictureTarget::Window => Some(ctx.content_rect()),
            PictureTarget::Panel(name) => self.panel_rect(name),
        }
    }

    /// Takes a screenshot for a pending PNG.
    pub(super) fn request_frame_capture(&mut self, ctx: &egui::Context) {
        let Some((path, target)) = self.capture.png.take() else {
            return;
        };
        let Some(rect) = self.target_rect(ctx, &target) else {
            self.panels.files.status =
                Some(Err(format!("the {} panel is not on screen", target.name())));
            return;
        };
        let whole_window = target == PictureTarget::Window;
        let (tx, rx) = mpsc::channel();
        let waker = ctx.clone();
        let pixels_per_point = ctx.pixels_per_point();
        ctx.request_screenshot(move |image| {
            let frame = if whole_window {
                Some(whole(&image))
            } else {
                crop(&image, rect, pixels_per_point)
            };
            let result = match frame {
                Some(frame) => write_png(&path, &frame).map(|()| {
                    format!(
                        "saved {} ({}×{})",
                        path.display(),
                        frame.width,
                        frame.height
                    )
                }),
                None => Err("nothing to capture: the panel has no area".to_string()),
            };
            let _ = tx.send(result);
            waker.request_repaint();
        });
        self.file_jobs.writes.push(rx);
    }

    pub(super) fn start_gif(
        &mut self,
        ctx: &egui::Context,
        path: PathBuf,
        target: PictureTarget,
        settings: GifSettings,
    ) {
        if let Err(message) = settings.check() {
            self.panels.files.status = Some(Err(message));
            return;
        }
        let Some(rect) = self.target_rect(ctx, &target) else {
            self.panels.files.status =
                Some(Err(format!("the {} panel is not on screen", target.name())));
            return;
        };
        let scale = ctx.pixels_per_point();
        let (width, height) = (
            (rect.width() * scale).round().max(1.0) as usize,
            (rect.height() * scale).round().max(1.0) as usize,
        );
        let recorder = match GifRecorder::create(&path, width, height, settings) {
            Ok(recorder) => recorder,
            Err(e) => {
                self.panels.files.status = Some(Err(e.to_string()));
                return;
            }
        };
        let (frames_tx, frames_rx) = mpsc::channel::<Option<RgbaFrame>>();
        let (done_tx, done_rx) = mpsc::channel();
        let waker = ctx.clone();
        std::thread::spawn(move || {
            let mut recorder = recorder;
            while let Ok(Some(frame)) = frames_rx.recv() {
                match recorder.add_frame(&frame) {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(e) => {
                        let _ = done_tx.send(Err(e.to_string()));
                        waker.request_repaint();
                        return;
                    }
                }
            }
            let frames = recorder.frames();
            let result = recorder
                .finish()
                .map(|()| format!("saved {} ({frames} frames)", path.display()))
                .map_err(|e| e.to_string());
            let _ = done_tx.send(result);
            waker.request_repaint();
        });
        self.file_jobs.writes.push(done_rx);
        self.capture.gif = Some(GifJob {
            target,
            next_at: Instant::now(),
            interval: Duration::from_secs_f64(settings.interval_secs()),
            wanted: settings.frame_count(),
            captured: 0,
            frames: frames_tx,
        });
    }

    /// Requests the next GIF frame when it is due.
    pub(super) fn gif_tick(&mut self, ctx: &egui::Context) {
        let Some(job) = &self.capture.gif else {
            return;
        };
        if job.captured >= job.wanted {
            // Every frame is requested. Dropping this sender (not sending `None`) lets the
            // screenshots still on their way arrive; the encoder stops when it has them all,
            // or when the last sender goes.
            self.capture.gif = None;
            return;
        }
        let now = Instant::now();
        if now < job.next_at {
            ctx.request_repaint_after(job.next_at - now);
            return;
        }
        let rect = self.target_rect(ctx, &job.target);
        let Some(job) = &mut self.capture.gif else {
            return;
        };
        job.next_at = now + job.interval;
        job.captured += 1;
        let sender = job.frames.clone();
        let whole_window = job.target == PictureTarget::Window;
        let pixels_per_point = ctx.pixels_per_point();
        ctx.request_screenshot(move |image| {
            let frame = match rect {
                _ if whole_window => Some(whole(&image)),
                Some(rect) => crop(&image, rect, pixels_per_point),
                None => None,
            };
            if let Some(frame) = frame {
                let _ = sender.send(Some(frame));
            }
        });
        ctx.request_repaint_after(job.interval);
    }
}

#[cfg(test)]
mod tests {
    use super::frame_time_stats;

    #[test]
    fn frame_statistics() {
        assert_eq!(frame_time_stats(&[]), None);
        let times: Vec<f32> = (1..=20).map(|ms| ms as f32 / 1000.0).collect();
        let (mean, p95) = frame_time_stats(&times).expect("stats");
        assert!((mean - 0.0105).abs() < 1e-6);
        assert!((p95 - 0.019).abs() < 1e-6);
    }
}
