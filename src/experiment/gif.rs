//! Animated GIF recording of RGBA frames (e.g. a panel captured by eframe's screenshot every
//! 1/fps seconds), with the `gif` crate.
//!
//! Frames stream into a temporary file next to the destination as they arrive (memory stays at
//! one frame), and [`GifRecorder::finish`] renames it into place; a recording that is dropped
//! or fails leaves no file behind. Each frame gets its own 256-colour palette (NeuQuant, speed
//! 10). GIF delays are whole hundredths of a second, so the frame rate actually played is
//! `100 / round(100 / fps)` (e.g. 30 fps plays at 33⅓ fps); the animation loops forever.

use std::path::Path;

use super::atomic::{AtomicFile, SaveError};

/// Largest frame rate: a GIF delay under 2/100 s is slowed down by most viewers.
pub const MAX_FPS: f32 = 50.0;
/// Longest recording in seconds.
pub const MAX_SECONDS: f32 = 600.0;

/// One picture: `width × height` pixels, `rgba` row-major, 4 bytes per pixel (alpha 0 =
/// transparent, anything else opaque).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RgbaFrame {
    /// Pixels per row.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// `width · height · 4` bytes.
    pub rgba: Vec<u8>,
}

/// A recording's frame rate and length.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct GifSettings {
    /// Frames per second, 1 ..= [`MAX_FPS`] (default 10).
    pub fps: f32,
    /// Length in seconds, > 0 and ≤ [`MAX_SECONDS`] (default 10).
    pub seconds: f32,
}

impl Default for GifSettings {
    fn default() -> Self {
        Self {
            fps: 10.0,
            seconds: 10.0,
        }
    }
}

impl GifSettings {
    /// Frames in the whole recording: `round(fps · seconds)`, at least 1.
    pub fn frame_count(&self) -> usize {
        ((self.fps * self.seconds).round() as usize).max(1)
    }

    /// Time between two captures in seconds, `1 / fps`.
    pub fn interval_secs(&self) -> f64 {
        1.0 / f64::from(self.fps)
    }

    /// Delay written into each frame, in hundredths of a second: `round(100 / fps)`, ≥ 2.
    pub fn delay_centis(&self) -> u16 {
        (100.0 / self.fps).round().clamp(2.0, 6000.0) as u16
    }

    /// Checks the ranges above.
    ///
    /// # Errors
    /// One line naming the setting, e.g. `"frame rate 0 is outside 1 to 50 frames per second"`.
    pub fn check(&self) -> Result<(), String> {
        if !(self.fps >= 1.0 && self.fps <= MAX_FPS) {
            return Err(format!(
                "frame rate {} is outside 1 to {MAX_FPS} frames per second",
                self.fps
            ));
        }
        if !(self.seconds > 0.0 && self.seconds <= MAX_SECONDS) {
            return Err(format!(
                "length {} s is outside 0 to {MAX_SECONDS} seconds",
                self.seconds
            ));
        }
        Ok(())
    }
}

/// A GIF could not be recorded. Display names the file.
#[derive(Debug, thiserror::Error)]
pub enum GifError {
    /// Bad settings or frame size.
    #[error("{file}: {reason}")]
    Invalid {
        /// The destination.
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// The encoder or the disk failed.
    #[error(transparent)]
    Save(#[from] SaveError),
}

/// A recording in progress: `create`, `add_frame` per capture, then `finish`.
pub struct GifRecorder {
    path: std::path::PathBuf,
    encoder: gif::Encoder<AtomicFile>,
    settings: GifSettings,
    width: usize,
    height: usize,
    frames: usize,
    canvas: Vec<u8>,
}

impl GifRecorder {
    /// Starts a `width × height` recording at `path` (the size of the first frame; later frames
    /// of another size are cropped or padded with white at the right and bottom).
    ///
    /// # Errors
    /// Settings out of range, a size of 0 or over 65 535 pixels, or a folder that cannot be
    /// written.
    pub fn create(
        path: &Path,
        width: usize,
        height: usize,
        settings: GifSettings,
    ) -> Result<Self, GifError> {
        let invalid = |reason: String| GifError::Invalid {
            file: path.display().to_string(),
            reason,
        };
        settings.check().map_err(invalid)?;
        let (Ok(w), Ok(h)) = (u16::try_from(width), u16::try_from(height)) else {
            return Err(invalid(format!(
                "a GIF is at most 65535×65535 pixels, not {width}×{height}"
            )));
        };
        if w == 0 || h == 0 {
            return Err(invalid(format!("the picture is empty ({width}×{height})")));
        }
        let file = AtomicFile::create(path)?;
        let save = |e: gif::EncodingError| SaveError::new(path, std::io::Error::other(e));
        let mut encoder = gif::Encoder::new(file, w, h, &[]).map_err(save)?;
        encoder.set_repeat(gif::Repeat::Infinite).map_err(save)?;
        Ok(Self {
            path: path.to_path_buf(),
            encoder,
            settings,
            width,
            height,
            frames: 0,
            canvas: Vec::new(),
        })
    }

    /// Frames added so far.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// True once [`GifSettings::frame_count`] frames are in: the recording is complete.
    pub fn is_full(&self) -> bool {
        self.frames >= self.settings.frame_count()
    }

    /// Appends one frame (ignored once the recording is full). Returns whether more frames
    /// are wanted.
    ///
    /// # Errors
    /// A frame whose buffer is not `width · height · 4` bytes, or a write error.
    pub fn add_frame(&mut self, frame: &RgbaFrame) -> Result<bool, GifError> {
        if self.is_full() {
            return Ok(false);
        }
        let path = self.path.clone();
        let expected = frame
            .width
            .checked_mul(frame.height)
            .and_then(|n| n.checked_mul(4));
        if expected != Some(frame.rgba.len()) {
            return Err(GifError::Invalid {
                file: path.display().to_string(),
                reason: format!(
                    "a {}×{} frame needs {} bytes of RGBA, got {}",
                    frame.width,
                    frame.height,
                    expected.map_or_else(|| "too many".to_string(), |n| n.to_string()),
                    frame.rgba.len()
                ),
            });
        }
        self.fit(frame);
        // The sizes were checked in `create`, so they fit in u16.
        let mut gif_frame = gif::Frame::from_rgba_speed(
            self.width as u16,
            self.height as u16,
            &mut self.canvas,
            10,
        );
        gif_frame.delay = self.settings.delay_centis();
        self.encoder
            .write_frame(&gif_frame)
            .map_err(|e| SaveError::new(&path, std::io::Error::other(e)))?;
        self.frames += 1;
        Ok(!self.is_full())
    }

    /// Copies `frame` onto the recording's canvas (crop or pad with white).
    fn fit(&mut self, frame: &RgbaFrame) {
        if frame.width == self.width && frame.height == self.height {
            self.canvas.clear();
            self.canvas.extend_from_slice(&frame.rgba);
            return;
        }
        self.canvas.clear();
        self.canvas.resize(self.width * self.height * 4, 255);
        let columns = frame.width.min(self.width) * 4;
        for y in 0..frame.height.min(self.height) {
            let from = y * frame.width * 4;
            let to = y * self.width * 4;
            self.canvas[to..to + columns].copy_from_slice(&frame.rgba[from..from + columns]);
        }
    }

    /// Writes the end of the GIF and moves it into place.
    ///
    /// # Errors
    /// No frame was added, or writing failed; the destination is then unchanged.
    pub fn finish(self) -> Result<(), GifError> {
        let path = self.path;
        if self.frames == 0 {
            return Err(GifError::Invalid {
                file: path.display().to_string(),
                reason: "no frame was recorded".to_string(),
            });
        }
        let file = self
            .encoder
            .into_inner()
            .map_err(|e| SaveError::new(&path, std::io::Error::other(e)))?;
        file.commit()?;
        Ok(())
    }
}

/// Writes `frames` (all of the first frame's size, see [`GifRecorder::create`]) as an
/// animated GIF at `fps` frames per second, atomically.
///
/// # Errors
/// No frames, a frame rate outside 1 ..= [`MAX_FPS`], more than [`MAX_SECONDS`] of frames, a
/// frame buffer of the wrong length, or a write error.
pub fn write_gif(path: &Path, frames: &[RgbaFrame], fps: f32) -> Result<(), GifError> {
    let Some(first) = frames.first() else {
        return Err(GifError::Invalid {
            file: path.display().to_string(),
            reason: "no frame was recorded".to_string(),
        });
    };
    let settings = GifSettings {
        fps,
        seconds: frames.len() as f32 / fps,
    };
    let mut recorder = GifRecorder::create(path, first.width, first.height, settings)?;
    // Rounding of fps · seconds must not drop the last frame.
    recorder.settings.seconds = (frames.len() as f32 + 0.5) / fps;
    for frame in frames {
        recorder.add_frame(frame)?;
    }
    recorder.finish()
}
