//! The import wizard: "Open data…" (file dialog, drag-and-drop or a typed path), a background
//! load with a progress bar and Cancel, a preview of what was understood with every guess
//! overridable, then "Train on it". Whatever is training keeps training until the new data set
//! is ready; a file that fails to load changes nothing.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::{Arc, mpsc};

use eframe::egui::{self, Color32, RichText};

use crate::data::{
    ColumnDecision, CsvOptions, DataError, Dataset, FolderSummary, ImportSettings, SourceKind,
    Table, build_dataset, decode_input, detect, load_image_folder, read_table_with_progress,
    report, scan_image_folder, sniff_csv, summarize,
};
use crate::experiment::{DatasetRef, FileImport, TableImport};
use crate::ui::action::Action;
use crate::ui::panel::Panel;
use crate::ui::state::View;

mod review;

use review::table_review_ui;

/// Rows shown in the preview table.
const PREVIEW_ROWS: usize = 8;

/// Bytes or images done and in all, shared with a background job. A table is read and then
/// parsed: each phase fills half of the bar.
#[derive(Default)]
pub struct Progress {
    done: AtomicU64,
    total: AtomicU64,
    /// Set before reading a table, whose parsing follows the read.
    parse_follows: AtomicBool,
    parsed: AtomicU64,
    parse_total: AtomicU64,
}

impl Progress {
    /// Fraction done, 0–1 (0 while the total is unknown).
    pub fn fraction(&self) -> f32 {
        let ratio = |done: &AtomicU64, total: &AtomicU64| {
            let total = total.load(Ordering::Relaxed);
            if total == 0 {
                return 0.0;
            }
            (done.load(Ordering::Relaxed) as f64 / total as f64).clamp(0.0, 1.0)
        };
        let read = ratio(&self.done, &self.total);
        let fraction = if !self.parse_follows.load(Ordering::Relaxed) {
            read
        } else if self.parse_total.load(Ordering::Relaxed) == 0 {
            0.5 * read
        } else {
            0.5 + 0.5 * ratio(&self.parsed, &self.parse_total)
        };
        fraction as f32
    }

    /// What the job is doing now: `"reading"` or, for a table after its bytes are in,
    /// `"parsing"`.
    pub fn phase(&self) -> &'static str {
        if self.parse_total.load(Ordering::Relaxed) > 0 {
            "parsing"
        } else {
            "reading"
        }
    }
}

/// A delimited text file as understood so far.
pub struct TableReview {
    text: Arc<Vec<u8>>,
    gzip: bool,
    table: Arc<Table>,
    columns: Vec<crate::data::ColumnSummary>,
    settings: ImportSettings,
    /// Rows per value of the label column (counted when the label column changes, not every
    /// frame), with the column it belongs to.
    balance: Option<(usize, Vec<(String, usize)>)>,
    /// What becomes of each column under these settings (recomputed when they change), with
    /// the settings it was computed for.
    decisions: Option<(ImportSettings, Vec<ColumnDecision>)>,
}

impl TableReview {
    /// One decision per column of the file for the current settings (the data room's
    /// [`crate::data::report`], the same list `inspect` prints and `train` writes to stderr).
    fn decisions(&mut self) -> &[ColumnDecision] {
        if self
            .decisions
            .as_ref()
            .is_none_or(|(s, _)| *s != self.settings)
        {
            let columns = report("", &self.table, &self.settings).columns;
            self.decisions = Some((self.settings.clone(), columns));
        }
        self.decisions.as_ref().map_or(&[], |(_, d)| d.as_slice())
    }
}

/// Rows per distinct value of column `label`, sorted by value; `None` beyond 20 values.
fn class_balance(table: &Table, label: usize) -> Option<Vec<(String, usize)>> {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for i in 0..table.n_rows() {
        *counts.entry(table.cell(i, label)).or_default() += 1;
        if counts.len() > 20 {
            return None;
        }
    }
    Some(
        counts
            .into_iter()
            .map(|(v, n)| (v.to_string(), n))
            .collect(),
    )
}

/// What a background load produced.
pub enum Loaded {
    /// Delimited text, to review.
    Table(Box<TableReview>),
    /// A folder of class sub-folders, to review.
    Folder(FolderSummary, (u32, u32)),
    /// A data set with nothing to adjust (IDX files).
    Ready(Arc<Dataset>),
}

enum Job {
    Picking(Receiver<Option<PathBuf>>, std::time::Instant),
    Loading {
        what: String,
        progress: Arc<Progress>,
        cancel: Arc<AtomicBool>,
        result: Receiver<Result<Loaded, String>>,
    },
}

/// The wizard's state. The app asks it each frame for a finished data set.
#[derive(Default)]
pub struct ImportWizard {
    open: bool,
    path: Option<PathBuf>,
    typed_path: String,
    job: Option<Job>,
    review: Option<Loaded>,
    error: Option<String>,
    /// Where the data set last handed over came from, with the settings it was read with (for
    /// experiment files).
    pub last_source: Option<DatasetRef>,
}

fn read_with_progress(
    path: &Path,
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let name = path.display().to_string();
    let io_error =
        |e: std::io::Error| DataError::new(&name, format!("cannot read the file: {e}")).to_string();
    let mut file = std::fs::File::open(path).map_err(io_error)?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    progress.total.store(total, Ordering::Relaxed);
    let mut bytes = Vec::with_capacity(total.min(1 << 30) as usize);
    let mut chunk = vec![0u8; 1 << 20];
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Err("cancelled".to_string());
        }
        let n = file.read(&mut chunk).map_err(io_error)?;
        if n == 0 {
            return Ok(bytes);
        }
        bytes.extend_from_slice(&chunk[..n]);
        progress.done.store(bytes.len() as u64, Ordering::Relaxed);
    }
}

/// Reads and understands `path` (runs on a background thread).
fn load(
    path: &Path,
    options: Option<(Arc<Vec<u8>>, bool, CsvOptions)>,
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<Loaded, String> {
    let name = path.display().to_string();
    let (text, gzip, csv) = match options {
        Some(known) => known,
        None => match detect(path).map_err(|e| e.to_string())? {
            // Nothing to review: the same route as `--data`, `train` and `inspect`, so the
            // window and the command line build the same data set from the same file.
            SourceKind::MnistFolder | SourceKind::Idx => {
                return crate::data::load_now(&crate::data::DataSource::auto(path))
                    .map(|loaded| Loaded::Ready(Arc::new(loaded.dataset)))
                    .map_err(|e| e.to_string());
            }
            SourceKind::ImageFolder => {
                let summary = scan_image_folder(path).map_err(|e| e.to_string())?;
                let size = summary.sizes.first().map_or((28, 28), |s| s.0);
                return Ok(Loaded::Folder(summary, size));
            }
            SourceKind::Table => {
                progress.parse_follows.store(true, Ordering::Relaxed);
                let raw = read_with_progress(path, progress, cancel)?;
                let gzip = raw.starts_with(&[0x1F, 0x8B]);
                let text = decode_input(&name, &raw).map_err(|e| e.to_string())?;
                let csv = sniff_csv(&text);
                (Arc::new(text), gzip, csv)
            }
        },
    };
    progress
        .parse_total
        .store(text.len().max(1) as u64, Ordering::Relaxed);
    let report = |bytes: u64| {
        progress.parsed.store(bytes, Ordering::Relaxed);
        !cancel.load(Ordering::Relaxed)
    };
    let table = read_table_with_progress(&name, &text, &csv, &report).map_err(|e| e.to_string())?;
    let columns = summarize(&table, &csv);
    let settings = ImportSettings::guess(&table, csv);
    Ok(Loaded::Table(Box::new(TableReview {
        text,
        gzip,
        table: Arc::new(table),
        columns,
        settings,
        balance: None,
        decisions: None,
    })))
}

fn delimiter_name(delimiter: u8) -> &'static str {
    match delimiter {
        b',' => "comma ,",
        b';' => "semicolon ;",
        b'\t' => "tab",
        b'|' => "pipe |",
        _ => "other",
    }
}

impl ImportWizard {
    /// The last loading error, if any.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// True while the wizard window is open.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Opens the system file dialog on a background thread (the window keeps drawing and
    /// training goes on). Cancel in the dialog changes nothing.
    pub fn pick(&mut self, ctx: &egui::Context, folder: bool) {
        let (tx, rx) = mpsc::channel();
        let waker = ctx.clone();
        std::thread::spawn(move || {
            let dialog = rfd::FileDialog::new().set_title(if folder {
                "Open a folder of images or MNIST files"
            } else {
                "Open data (CSV, TSV, IDX)"
            });
            let picked = if folder {
                dialog.pick_folder()
            } else {
                dialog.pick_file()
            };
            let _ = tx.send(picked);
            waker.request_repaint();
        });
        self.job = Some(Job::Picking(rx, std::time::Instant::now()));
    }

    /// Starts loading `path` in the background and opens the wizard.
    pub fn open_path(&mut self, ctx: &egui::Context, path: PathBuf) {
        self.start(ctx, path, None);
    }

    fn start(
        &mut self,
        ctx: &egui::Context,
        path: PathBuf,
        options: Option<(Arc<Vec<u8>>, bool, CsvOptions)>,
    ) {
        self.open = true;
        self.error = None;
        if options.is_none() {
            self.review = None;
        }
        self.typed_path = path.display().to_string();
        let progress = Arc::new(Progress::default());
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, rx) = mpsc::channel();
        let (job_progress, job_cancel, job_path) =
            (Arc::clone(&progress), Arc::clone(&cancel), path.clone());
        let waker = ctx.clone();
        std::thread::spawn(move || {
            let result = load(&job_path, options, &job_progress, &job_cancel);
            let _ = tx.send(result);
            waker.request_repaint();
        });
        self.job = Some(Job::Loading {
            what: path.display().to_string(),
            progress,
            cancel,
            result: rx,
        });
        self.path = Some(path);
    }

    fn build_in_background(&mut self, ctx: &egui::Context) {
        let Some(path) = self.path.clone() else {
            return;
        };
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let progress = Arc::new(Progress::default());
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, rx) = mpsc::channel();
        let waker = ctx.clone();
        let review = self.review.take();
        let (job_progress, job_cancel) = (Arc::clone(&progress), Arc::clone(&cancel));
        let file = path.display().to_string();
        let what = format!("building {name}");
        match review {
            Some(Loaded::Table(review)) => {
                let table = Arc::clone(&review.table);
                let settings = review.settings.clone();
                self.review = Some(Loaded::Table(review));
                std::thread::spawn(move || {
                    let result = build_dataset(&name, &file, &table, &settings)
                        .map(|d| Loaded::Ready(Arc::new(d)))
                        .map_err(|e| e.to_string());
                    let _ = tx.send(result);
                    waker.request_repaint();
                });
            }
            Some(Loaded::Folder(summary, size)) => {
                self.review = Some(Loaded::Folder(summary, size));
                std::thread::spawn(move || {
                    let report = |done: usize, total: usize| {
                        job_progress.done.store(done as u64, Ordering::Relaxed);
                        job_progress.total.store(total as u64, Ordering::Relaxed);
                        !job_cancel.load(Ordering::Relaxed)
                    };
                    let result = load_image_folder(&path, Some(size), 0.8, 1, &report)
                        .map(|d| Loaded::Ready(Arc::new(d)))
                        .map_err(|e| e.to_string());
                    let _ = tx.send(result);
                    waker.request_repaint();
                });
            }
            other => {
                self.review = other;
                return;
            }
        }
        self.job = Some(Job::Loading {
            what,
            progress,
            cancel,
            result: rx,
        });
    }

    /// Polls background jobs; returns a data set when the user chose "Train on it" and it is
    /// ready.
    pub fn poll(&mut self, ctx: &egui::Context) -> Option<Arc<Dataset>> {
        match self.job.take() {
            Some(Job::Picking(rx, started)) => match rx.try_recv() {
                Ok(Some(path)) => self.open_path(ctx, path),
                // An answer within half a second means no dialog was shown (no
                // xdg-desktop-portal, for example): offer the path field instead.
                Ok(None) | Err(TryRecvError::Disconnected)
                    if started.elapsed() < std::time::Duration::from_millis(500) =>
                {
                    self.open = true;
                    self.error = Some(
                        "no file dialog could be shown here: type or paste a path above, or drop a file on the window"
                            .to_string(),
                    );
                }
                Ok(None) | Err(TryRecvError::Disconnected) => {}
                Err(TryRecvError::Empty) => self.job = Some(Job::Picking(rx, started)),
            },
            Some(Job::Loading {
                what,
                progress,
                cancel,
                result,
            }) => match result.try_recv() {
                Ok(Ok(Loaded::Ready(data))) if self.review.is_some() => {
                    // Built from a reviewed table or folder: hand it over.
                    self.finish();
                    return Some(data);
                }
                Ok(Ok(loaded)) => self.review = Some(loaded),
                Ok(Err(message)) => self.error = Some(message),
                Err(TryRecvError::Disconnected) => {
                    self.error = Some("the loader stopped unexpectedly".to_string());
                }
                Err(TryRecvError::Empty) => {
                    self.job = Some(Job::Loading {
                        what,
                        progress,
                        cancel,
                        result,
                    });
                    ctx.request_repaint_after(std::time::Duration::from_millis(50));
                }
            },
            None => {}
        }
        None
    }

    fn finish(&mut self) {
        if let Some(path) = &self.path {
            let import = match &self.review {
                Some(Loaded::Table(review)) => {
                    FileImport::Table(TableImport::from(&review.settings))
                }
                Some(Loaded::Folder(_, (width, height))) => FileImport::ImageFolder {
                    width: *width,
                    height: *height,
                    train_ratio: crate::data::DEFAULT_TRAIN_RATIO,
                    seed: crate::data::DEFAULT_SPLIT_SEED,
                },
                _ => FileImport::Idx {
                    train_ratio: crate::data::DEFAULT_TRAIN_RATIO,
                },
            };
            let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            self.last_source = Some(DatasetRef::File { path, import });
        }
        self.path = None;
        self.review = None;
        self.open = false;
        self.job = None;
    }

    fn close(&mut self) {
        if let Some(Job::Loading { cancel, .. }) = &self.job {
            cancel.store(true, Ordering::Relaxed);
        }
        self.job = None;
        self.review = None;
        self.open = false;
    }

    /// Draws the wizard window; returns a data set ready to train on (IDX files, which need no
    /// review, come straight through "Train on it").
    fn window(&mut self, ctx: &egui::Context) -> Option<Arc<Dataset>> {
        let finished = self.poll(ctx);
        if finished.is_some() || !self.open {
            return finished;
        }
        let mut open = true;
        let mut result = None;
        let center = ctx.content_rect().center();
        egui::Window::new("Import data")
            .open(&mut open)
            .pivot(egui::Align2::CENTER_CENTER)
            .default_pos(center)
            .default_size([680.0, 600.0])
            .vscroll(true)
            .show(ctx, |ui| {
                result = self.window_ui(ui);
            });
        if !open {
            self.close();
        }
        result
    }

    fn window_ui(&mut self, ui: &mut egui::Ui) -> Option<Arc<Dataset>> {
        ui.horizontal(|ui| {
            ui.label("file or folder:");
            let response = ui
                .add(egui::TextEdit::singleline(&mut self.typed_path).desired_width(360.0))
                .on_hover_text("Type or paste a path, then press Enter");
            if response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                let path = PathBuf::from(self.typed_path.trim());
                self.open_path(ui.ctx(), path);
            }
            if ui
                .button("Browse…")
                .on_hover_text("Choose a file in the system dialog")
                .clicked()
            {
                self.pick(ui.ctx(), false);
            }
        });
        if let Some(Job::Loading {
            what,
            progress,
            cancel,
            ..
        }) = &self.job
        {
            ui.horizontal(|ui| {
                ui.add(
                    egui::ProgressBar::new(progress.fraction())
                        .desired_width(360.0)
                        .animate(true)
                        .text(format!("{} {what}", progress.phase())),
                );
                if ui
                    .button("Cancel")
                    .on_hover_text("Stop loading; nothing changes")
                    .clicked()
                {
                    cancel.store(true, Ordering::Relaxed);
                }
            });
        }
        if let Some(message) = &self.error {
            ui.label(
                RichText::new(message)
                    .color(Color32::from_rgb(230, 90, 80))
                    .strong(),
            );
            ui.label("The current data set and training are unchanged.");
        }
        let mut reparse = None;
        let mut train = false;
        match &mut self.review {
            Some(Loaded::Table(review)) => {
                let (again, go) = table_review_ui(ui, review);
                reparse =
                    again.then(|| (Arc::clone(&review.text), review.gzip, review.settings.csv));
                train = go;
            }
            Some(Loaded::Folder(summary, size)) => {
                train = folder_review_ui(ui, summary, size);
            }
            Some(Loaded::Ready(data)) => {
                ui.label(format!(
                    "{}: {} train · {} test · {} features{}",
                    data.name,
                    data.train.len(),
                    data.test.len(),
                    data.n_features(),
                    data.n_classes()
                        .map(|k| format!(" · {k} classes"))
                        .unwrap_or_default()
                ));
                if ui.button(RichText::new("Train on it").strong()).clicked() {
                    let data = Arc::clone(data);
                    self.finish();
                    return Some(data);
                }
            }
            None => {}
        }
        if let (Some(options), Some(path)) = (reparse, self.path.clone()) {
            self.start(ui.ctx(), path, Some(options));
        }
        if train && self.job.is_none() {
            self.build_in_background(ui.ctx());
        }
        None
    }
}

/// The review of an image folder; returns true to train now.
fn folder_review_ui(ui: &mut egui::Ui, summary: &FolderSummary, size: &mut (u32, u32)) -> bool {
    ui.separator();
    ui.label(RichText::new(format!("{} classes found", summary.classes.len())).strong());
    let text: Vec<String> = summary
        .classes
        .iter()
        .zip(&summary.counts)
        .map(|(c, n)| format!("{c}: {n}"))
        .collect();
    ui.label(text.join(", "));
    if !summary.skipped.is_empty() {
        ui.label(format!("ignored: {}", summary.skipped.join(", ")))
            .on_hover_text("Hidden entries and files that are not images");
    }
    ui.horizontal(|ui| {
        ui.label("resize every image to");
        ui.add(
            egui::DragValue::new(&mut size.0)
                .range(4..=256)
                .suffix(" px wide"),
        )
        .on_hover_text("Width after resizing (default: the most common size)");
        ui.add(
            egui::DragValue::new(&mut size.1)
                .range(4..=256)
                .suffix(" px high"),
        )
        .on_hover_text("Height after resizing");
    });
    ui.button(RichText::new("Train on it").strong())
        .on_hover_text("Load the images and start a new session with them")
        .clicked()
}

impl Panel for ImportWizard {
    /// The wizard window (when open); hands over the data set built by "Train on it".
    fn ui(&mut self, ui: &mut egui::Ui, _view: &View<'_>) -> Option<Action> {
        let data = self.window(&ui.ctx().clone())?;
        Some(Action::Imported(data, self.last_source.clone()))
    }
}
