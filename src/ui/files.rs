//! The "Save & open" window: experiment files, weights (safetensors), metrics (CSV) and
//! pictures (PNG of the window or one panel, animated GIF of a panel over a run).
//!
//! The window only collects what the user wants as a [`FileRequest`]; the app carries it out,
//! because only the app talks to the training worker. Every write goes through
//! [`crate::experiment::write_atomically`], so a failed write never replaces a good file.

use std::path::PathBuf;
use std::sync::mpsc;

use eframe::egui::{self, Color32, RichText};

use crate::experiment::{ExistingFiles, GifSettings, RgbaFrame};
use crate::ui::action::{Action, FileRequest, PictureTarget};
use crate::ui::panel::Panel;
use crate::ui::state::View;

/// The button that exports into a folder refused because it holds files.
pub const WRITE_ANYWAY: &str = "Write into it anyway";
/// The end of [`crate::experiment::export_pytorch`]'s message for a folder that holds files.
const NOT_EMPTY: &str = "export into a new or empty folder";

/// For an export refused because its folder holds files (`"{dir}: the folder is not empty
/// (it holds train.py, x.csv): export into a new or empty folder"`): the message with the
/// window's way forward, `"…, or press Write into it anyway to replace its files"` (the
/// command line says `--force` there). `None` for any other message.
pub fn write_anyway_message(message: &str) -> Option<String> {
    message
        .ends_with(NOT_EMPTY)
        .then(|| format!("{message}, or press {WRITE_ANYWAY} to replace its files"))
}

/// What a file row does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// Save the experiment (data reference, model, hyper-parameters, seed; optionally weights
    /// and history) as JSON.
    SaveExperiment,
    /// Open an experiment file.
    OpenExperiment,
    /// Write the current weights as safetensors.
    ExportWeights,
    /// Load weights from a safetensors file into the current model.
    ImportWeights,
    /// Write the loss/accuracy history as CSV.
    ExportMetrics,
    /// Write model.safetensors, split.json and a PyTorch train.py into a folder.
    ExportPytorch,
    /// Save the window or a panel as PNG.
    SavePng,
    /// Record the window or a panel as an animated GIF.
    RecordGif,
}

impl FileKind {
    /// Every row, in the order shown.
    pub const ALL: [FileKind; 8] = [
        FileKind::SaveExperiment,
        FileKind::OpenExperiment,
        FileKind::ExportWeights,
        FileKind::ImportWeights,
        FileKind::ExportMetrics,
        FileKind::ExportPytorch,
        FileKind::SavePng,
        FileKind::RecordGif,
    ];

    /// The button's text.
    pub fn button(self) -> &'static str {
        match self {
            FileKind::SaveExperiment => "Save experiment",
            FileKind::OpenExperiment => "Open experiment",
            FileKind::ExportWeights => "Export weights",
            FileKind::ImportWeights => "Import weights",
            FileKind::ExportMetrics => "Export metrics",
            FileKind::ExportPytorch => "Export to PyTorch",
            FileKind::SavePng => "Save PNG",
            FileKind::RecordGif => "Record GIF",
        }
    }

    fn hint(self) -> &'static str {
        match self {
            FileKind::SaveExperiment => {
                "Write a JSON experiment file: the data set (built-in name, or file path and \
                 import settings), layers, optimizer, batch size, epochs and seed; with the box \
                 ticked also the current weights and the loss history. Opening it restores this \
                 state; the same seed repeats the run step for step"
            }
            FileKind::OpenExperiment => {
                "Read a JSON experiment (or lesson) file and start a session from it; the \
                 current run is replaced only if the file loads"
            }
            FileKind::ExportWeights => {
                "Write the current weights as safetensors, named and shaped as PyTorch's \
                 nn.Sequential expects (see README, Save and export)"
            }
            FileKind::ImportWeights => {
                "Load weights from a safetensors file into the current model; names and shapes \
                 must match"
            }
            FileKind::ExportMetrics => {
                "Write the training loss of every step and every evaluation (loss, accuracy on \
                 the training and test splits) as CSV"
            }
            FileKind::ExportPytorch => {
                "Write into this folder (a new or empty one) model.safetensors (the current \
                 weights and the data's preprocessing), split.json and train.py: a PyTorch script that trains the same \
                 model on the same data file with the same split and settings, on CPU, GPU or \
                 under torchrun (see README, Taking a model to PyTorch)"
            }
            FileKind::SavePng => "Save the chosen panel (or the whole window) as a PNG picture",
            FileKind::RecordGif => {
                "Record the chosen panel (or the whole window) as an animated GIF at the frame \
                 rate and length below"
            }
        }
    }

    /// The file extension suggested for this row.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::SaveExperiment | FileKind::OpenExperiment => "json",
            FileKind::ExportWeights | FileKind::ImportWeights => "safetensors",
            FileKind::ExportMetrics => "csv",
            FileKind::ExportPytorch => "",
            FileKind::SavePng => "png",
            FileKind::RecordGif => "gif",
        }
    }

    fn reads(self) -> bool {
        matches!(self, FileKind::OpenExperiment | FileKind::ImportWeights)
    }

    fn index(self) -> usize {
        FileKind::ALL.iter().position(|&k| k == self).unwrap_or(0)
    }
}

/// The "Save & open" window's state.
pub struct FilesPanel {
    /// Whether the window is shown.
    pub open: bool,
    paths: [String; 8],
    with_weights: bool,
    target: PictureTarget,
    gif: GifSettings,
    /// Outcome of the last request: `Ok(what happened)` or `Err(message)`.
    pub status: Option<Result<String, String>>,
    /// `(frames so far, frames wanted)` while a GIF is being recorded.
    pub recording: Option<(usize, usize)>,
    /// A native file dialog on its own thread: the row it is for and its answer.
    dialog: Option<(FileKind, mpsc::Receiver<Option<PathBuf>>)>,
    /// The folder the last PyTorch export refused because it holds files: the window offers
    /// [`WRITE_ANYWAY`] (set by the app with the refusal, cleared by the next request).
    pub refused_folder: Option<PathBuf>,
}

impl Default for FilesPanel {
    fn default() -> Self {
        let paths = FileKind::ALL.map(|kind| match kind {
            FileKind::ExportPytorch => "gradscope-pytorch".to_string(),
            _ => format!("gradscope.{}", kind.extension()),
        });
        Self {
            open: false,
            paths,
            with_weights: true,
            target: PictureTarget::Window,
            gif: GifSettings {
                fps: 10.0,
                seconds: 5.0,
            },
            status: None,
            recording: None,
            dialog: None,
            refused_folder: None,
        }
    }
}

impl FilesPanel {
    /// Sets the path of one row (e.g. from a test or the command line).
    pub fn set_path(&mut self, kind: FileKind, path: &str) {
        self.paths[kind.index()] = path.to_string();
    }

    /// Suggests file names from the data set's name, for rows still at their defaults.
    pub fn suggest_names(&mut self, data_name: &str) {
        let stem: String = data_name
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect();
        for kind in FileKind::ALL {
            let path = &mut self.paths[kind.index()];
            if path.starts_with("gradscope") {
                *path = match kind {
                    FileKind::ExportMetrics => format!("gradscope-{stem}-metrics.csv"),
                    FileKind::ExportPytorch => format!("gradscope-{stem}-pytorch"),
                    _ => format!("gradscope-{stem}.{}", kind.extension()),
                };
            }
        }
    }

    fn rows_ui(&mut self, ui: &mut egui::Ui, panels: &[String]) -> Option<FileRequest> {
        let mut request = None;
        egui::Grid::new("file_rows")
            .num_columns(3)
            .striped(true)
            .show(ui, |ui| {
                for kind in FileKind::ALL {
                    let recording = kind == FileKind::RecordGif && self.recording.is_some();
                    let label = if recording { "Stop GIF" } else { kind.button() };
                    if ui.button(label).on_hover_text(kind.hint()).clicked() {
                        request = Some(if recording {
                            FileRequest::StopGif
                        } else {
                            self.request(kind)
                        });
                    }
                    ui.add_sized(
                        [320.0, ui.spacing().interact_size.y],
                        egui::TextEdit::singleline(&mut self.paths[kind.index()]),
                    )
                    .on_hover_text(format!(
                        "The {} (relative paths start in the folder gradscope was started from)",
                        match kind {
                            FileKind::ExportPytorch => "folder to write into",
                            _ if kind.reads() => "file to read",
                            _ => "file to write",
                        }
                    ));
                    if ui
                        .small_button("Browse…")
                        .on_hover_text("Choose the file with the system's file dialog")
                        .clicked()
                    {
                        self.browse(ui.ctx(), kind);
                    }
                    ui.end_row();
                }
            });
        ui.checkbox(
            &mut self.with_weights,
            "experiment: include weights and history",
        )
        .on_hover_text(
            "Without: the file holds only the settings, and opening it starts from the seed",
        );
        ui.horizontal(|ui| {
            ui.label("picture of");
            egui::ComboBox::from_id_salt("picture_target")
                .selected_text(self.target.name().to_string())
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.target, PictureTarget::Window, "whole window");
                    for panel in panels {
                        ui.selectable_value(
                            &mut self.target,
                            PictureTarget::Panel(panel.clone()),
                            panel,
                        );
                    }
                })
                .response
                .on_hover_text("What Save PNG and Record GIF capture");
        });
        ui.horizontal(|ui| {
            ui.add(
                egui::Slider::new(&mut self.gif.fps, 1.0..=30.0)
                    .update_while_editing(false)
                    .text("GIF frames/s")
                    .max_decimals(0),
            )
            .on_hover_text("Frames per second of the recorded GIF");
            ui.add(
                egui::Slider::new(&mut self.gif.seconds, 1.0..=60.0)
                    .update_while_editing(false)
                    .text("seconds")
                    .max_decimals(0),
            )
            .on_hover_text("Length of the recording; Stop GIF ends it earlier");
        });
        if let Some((done, wanted)) = self.recording {
            ui.add(
                egui::ProgressBar::new(done as f32 / wanted.max(1) as f32)
                    .text(format!("recording: {done} of {wanted} frames")),
            );
        }
        match &self.status {
            Some(Ok(message)) => {
                ui.label(RichText::new(message).color(Color32::from_rgb(90, 170, 90)));
            }
            Some(Err(message)) => {
                ui.label(RichText::new(message).color(Color32::from_rgb(220, 60, 60)));
                // Only for the folder still in the field: an edited path is another folder,
                // which Export checks first.
                let current = PathBuf::from(self.paths[FileKind::ExportPytorch.index()].trim());
                if let Some(dir) = self.refused_folder.as_ref().filter(|dir| **dir == current) {
                    request = write_anyway_ui(ui, dir).or(request);
                }
            }
            None => {}
        }
        request
    }

    fn request(&mut self, kind: FileKind) -> FileRequest {
        let path = PathBuf::from(self.paths[kind.index()].trim());
        match kind {
            FileKind::SaveExperiment => FileRequest::SaveExperiment {
                path,
                with_weights: self.with_weights,
            },
            FileKind::OpenExperiment => FileRequest::OpenExperiment(path),
            FileKind::ExportWeights => FileRequest::ExportWeights(path),
            FileKind::ImportWeights => FileRequest::ImportWeights(path),
            FileKind::ExportMetrics => FileRequest::ExportMetrics(path),
            FileKind::ExportPytorch => FileRequest::ExportPytorch {
                path,
                existing: ExistingFiles::Refuse,
            },
            FileKind::SavePng => FileRequest::SavePng {
                path,
                target: self.target.clone(),
            },
            FileKind::RecordGif => FileRequest::RecordGif {
                path,
                target: self.target.clone(),
                settings: self.gif,
            },
        }
    }

    /// Opens the native dialog on its own thread, so neither the window nor training waits.
    fn browse(&mut self, ctx: &egui::Context, kind: FileKind) {
        let (tx, rx) = mpsc::channel();
        let waker = ctx.clone();
        let current = PathBuf::from(self.paths[kind.index()].trim());
        std::thread::spawn(move || {
            let mut dialog = rfd::FileDialog::new().set_title(kind.button());
            if !kind.extension().is_empty() {
                dialog = dialog.add_filter(kind.extension(), &[kind.extension()]);
            }
            if let Some(name) = current.file_name() {
                dialog = dialog.set_file_name(name.to_string_lossy());
            }
            let picked = if kind == FileKind::ExportPytorch {
                dialog.pick_folder()
            } else if kind.reads() {
                dialog.pick_file()
            } else {
                dialog.save_file()
            };
            let _ = tx.send(picked);
            waker.request_repaint();
        });
        self.dialog = Some((kind, rx));
    }

    fn poll_dialog(&mut self) {
        let Some((kind, rx)) = &self.dialog else {
            return;
        };
        match rx.try_recv() {
            Ok(Some(path)) => {
                self.paths[kind.index()] = path.display().to_string();
                self.dialog = None;
            }
            Ok(None) | Err(mpsc::TryRecvError::Disconnected) => {
                // Cancelled, or no dialog could be shown (no desktop portal): keep the path
                // field, which works the same.
                self.dialog = None;
            }
            Err(mpsc::TryRecvError::Empty) => {}
        }
    }
}

/// The [`WRITE_ANYWAY`] button under a refused export into `dir`: its request, when pressed.
fn write_anyway_ui(ui: &mut egui::Ui, dir: &std::path::Path) -> Option<FileRequest> {
    let pressed = ui
        .button(WRITE_ANYWAY)
        .on_hover_text(format!(
            "Export into {} all the same: model.safetensors, split.json and train.py (and the \
             data files of a bundled set) replace the files of those names; its other files \
             stay (gradscope export-pytorch --force)",
            dir.display()
        ))
        .clicked();
    pressed.then(|| FileRequest::ExportPytorch {
        path: dir.to_path_buf(),
        existing: ExistingFiles::Replace,
    })
}

/// Cuts `rect` (in points) out of a window screenshot taken at `pixels_per_point`. The
/// rectangle is clamped to the image; `None` when nothing is left.
pub fn crop(
    image: &egui::ColorImage,
    rect: egui::Rect,
    pixels_per_point: f32,
) -> Option<RgbaFrame> {
    let [width, height] = image.size;
    let to_px = |v: f32, max: usize| ((v * pixels_per_point).round().max(0.0) as usize).min(max);
    let (x0, x1) = (to_px(rect.min.x, width), to_px(rect.max.x, width));
    let (y0, y1) = (to_px(rect.min.y, height), to_px(rect.max.y, height));
    if x1 <= x0 || y1 <= y0 {
        return None;
    }
    let mut rgba = Vec::with_capacity((x1 - x0) * (y1 - y0) * 4);
    for y in y0..y1 {
        for pixel in &image.pixels[y * width + x0..y * width + x1] {
            rgba.extend_from_slice(&pixel.to_array());
        }
    }
    Some(RgbaFrame {
        width: x1 - x0,
        height: y1 - y0,
        rgba,
    })
}

/// The whole screenshot as one frame.
pub fn whole(image: &egui::ColorImage) -> RgbaFrame {
    let [width, height] = image.size;
    RgbaFrame {
        width,
        height,
        rgba: image.pixels.iter().flat_map(|c| c.to_array()).collect(),
    }
}

/// Writes `frame` as a PNG, atomically.
///
/// # Errors
/// `"{path}: cannot save: {reason}"` when the file cannot be written.
pub fn write_png(path: &std::path::Path, frame: &RgbaFrame) -> Result<(), String> {
    let (width, height) = (
        u32::try_from(frame.width).map_err(|e| e.to_string())?,
        u32::try_from(frame.height).map_err(|e| e.to_string())?,
    );
    crate::experiment::write_atomically(path, |out| {
        let mut buffer = std::io::Cursor::new(Vec::new());
        image::write_buffer_with_format(
            &mut buffer,
            &frame.rgba,
            width,
            height,
            image::ExtendedColorType::Rgba8,
            image::ImageFormat::Png,
        )
        .map_err(std::io::Error::other)?;
        out.write_all(buffer.get_ref())
    })
    .map_err(|e| e.to_string())
}

impl Panel for FilesPanel {
    /// The "Save & open" window (when open); the request of the row the user pressed. The
    /// panels on screen can be captured as PNG or GIF.
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>) -> Option<Action> {
        self.poll_dialog();
        if !self.open {
            return None;
        }
        let mut request = None;
        let mut open = self.open;
        egui::Window::new("Save & open")
            .open(&mut open)
            .default_width(560.0)
            .show(&ui.ctx().clone(), |ui| {
                request = self.rows_ui(ui, view.panel_names);
            });
        self.open = open;
        request.map(Action::File)
    }
}

#[cfg(test)]
mod tests {
    use super::write_anyway_message;

    #[test]
    fn a_folder_refused_for_its_files_gets_the_way_forward_and_nothing_else_does() {
        assert_eq!(
            write_anyway_message(
                "out: the folder is not empty (it holds train.py, x.csv): export into a new or \
                 empty folder"
            )
            .as_deref(),
            Some(
                "out: the folder is not empty (it holds train.py, x.csv): export into a new or \
                 empty folder, or press Write into it anyway to replace its files"
            )
        );
        assert_eq!(
            write_anyway_message("out: not a folder (a file of that name exists)"),
            None
        );
    }
}
