//! The import wizard: "Open data…" (file dialog, drag-and-drop or a typed path), a background
//! load with a progress bar and Cancel, a preview of what was understood with every guess
//! overridable, then "Train on it". Whatever is training keeps training until the new data set
//! is ready; a file that fails to load changes nothing.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::{Arc, mpsc};

use eframe::egui::{self, Color32, RichText};

use crate::data::{
    ColumnDecision, CsvOptions, DEFAULT_SPLIT_SEED, DEFAULT_TRAIN_RATIO, DataSource, Dataset,
    FileImport, FolderSummary, ImportReport, ImportSettings, ImportWarning, OpenedTable, Phase,
    Progress, SourceKind, Table, TableReport, build_opened, detect, one_line, open_table, report,
    scan_image_folder, summarize,
};
use crate::experiment::DatasetRef;
use crate::ui::action::Action;
use crate::ui::panel::Panel;
use crate::ui::state::View;

mod event_log;
mod review;
mod rows;
#[cfg(test)]
mod tests;

pub use event_log::{EVENT_LOG_VAR, log_event};
use review::table_review_ui;
pub use rows::imported_note;
use rows::{class_balance, empty_test_note, left_out_list, rows_summary};

/// Rows shown in the preview table.
const PREVIEW_ROWS: usize = 8;

/// The wizard's answer to a path of nothing but spaces (which named no file in its error).
const BLANK_PATH: &str =
    "the path is blank: type or paste the path of a file or folder, then press Enter";

/// A delimited text file as understood so far.
pub struct TableReview {
    /// The file, as the importer's errors name it.
    file: String,
    gzip: bool,
    table: Arc<Table>,
    columns: Vec<crate::data::ColumnSummary>,
    settings: ImportSettings,
    /// Rows per value of the label column in the file (counted when the label column
    /// changes, not every frame), with the column it belongs to: the class balance shown
    /// while the settings cannot build.
    balance: Option<(usize, Vec<(String, usize)>)>,
    /// The importer's report under these settings (recomputed when they change), with the
    /// settings it was made for: what becomes of each column and row, the importer's
    /// warnings and why building would fail, if it would.
    decisions: Option<(ImportSettings, TableReport)>,
}

impl TableReview {
    /// The importer's report for the current settings (the data room's
    /// [`crate::data::report`]: the same decisions `inspect` prints and `train` writes to
    /// stderr).
    fn report(&mut self) -> &TableReport {
        if self
            .decisions
            .as_ref()
            .is_some_and(|(s, _)| *s != self.settings)
        {
            self.decisions = None;
        }
        let (_, report) = self.decisions.get_or_insert_with(|| {
            let report = report(&self.file, &self.table, &self.settings);
            (self.settings.clone(), report)
        });
        report
    }

    /// One decision per column of the file for the current settings.
    fn decisions(&mut self) -> &[ColumnDecision] {
        &self.report().columns
    }

    /// The importer's warnings for the current settings (an ID-like label, shared column
    /// names): the same ones `inspect` lists and `train` writes to stderr.
    fn warnings(&mut self) -> &[ImportWarning] {
        &self.report().warnings
    }

    /// Whether building with the current settings would succeed.
    fn builds(&mut self) -> bool {
        self.report().error.is_none()
    }

    /// Why the current settings cannot build, in the window's words (naming its controls, not
    /// the command line's flags), when the table was read with the settings' reading options
    /// (else *Train on it* reads the file again with them, and that build's error shows).
    fn build_error(&mut self) -> Option<String> {
        if self.table.options() != self.settings.csv {
            return None;
        }
        self.report()
            .error
            .as_ref()
            .map(crate::data::DataError::in_window)
    }
}

/// What a background job produced.
pub enum Loaded {
    /// Delimited text, to review.
    Table(Box<TableReview>),
    /// A folder of class sub-folders, to review: what it holds and the size to resize to.
    Folder(FolderSummary, (u32, u32)),
    /// A data set built by [`crate::data::load`] from this source, with the importer's
    /// report: IDX files (nothing to review), or a reviewed table or folder with the settings
    /// chosen in the wizard.
    Ready(Arc<Dataset>, DataSource, Arc<ImportReport>),
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

/// What a background job does with its path.
enum Work {
    /// Find out what the path holds and read it for review (a table with these options, or
    /// guessed ones).
    Open(Option<CsvOptions>),
    /// Build the data set of this source (the route `--data`, `train` and `inspect` take).
    Build(DataSource),
    /// Build the data set of this source from its table, already read with the source's
    /// reading options for review ([`build_opened`]: the same build as [`Work::Build`],
    /// without reading the file again).
    BuildOpened(DataSource, ImportSettings, Box<OpenedTable>),
}

/// The wizard's state. The app asks it each frame for a finished data set.
#[derive(Default)]
pub struct ImportWizard {
    open: bool,
    path: Option<PathBuf>,
    typed_path: String,
    job: Option<Job>,
    review: Option<Loaded>,
    /// Whether the job builds the data set the user chose "Train on it" for (its review may
    /// be gone: a table it consumes is not drawn).
    building: bool,
    error: Option<String>,
    /// The settings of a reviewed table that "Train on it" consumed: when that build is
    /// cancelled or fails, the file is read again and its review comes back with them.
    restore: Option<ImportSettings>,
    /// The training step of the last frame drawn (for the event log).
    step: u64,
    /// The screen size (points) the wizard window was last centred for.
    placed_for: Option<egui::Vec2>,
    /// Where the data set last handed over came from, with the settings it was read with (for
    /// experiment files).
    pub last_source: Option<DatasetRef>,
    /// The importer's report of the data set last handed over (for the preprocessing that
    /// experiment files keep).
    pub last_report: Option<Arc<ImportReport>>,
}

/// The wizard's table review of a file opened from `path`, with guessed settings.
fn table_review(path: &Path, opened: crate::data::OpenedTable) -> Loaded {
    let csv = opened.table.options();
    let columns = summarize(&opened.table, &csv);
    let settings = ImportSettings::guess(&opened.table, csv);
    Loaded::Table(Box::new(TableReview {
        file: path.display().to_string(),
        gzip: opened.gzip,
        table: Arc::new(opened.table),
        columns,
        settings,
        balance: None,
        decisions: None,
    }))
}

/// Runs `work` on `path` (on a background thread): the data room's steps, so that the
/// window reads every file exactly as `--data`, `train` and `inspect` do.
fn run(
    path: &Path,
    work: Work,
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<Loaded, String> {
    // In the window's words: a setting that resolves an error is named as the wizard's control.
    let text = |e: crate::data::DataError| e.in_window();
    let source = match work {
        Work::Build(source) => source,
        Work::BuildOpened(source, settings, opened) => {
            let loaded = build_opened(path, *opened, &settings, progress).map_err(text)?;
            return Ok(Loaded::Ready(
                Arc::new(loaded.dataset),
                source,
                Arc::new(loaded.report),
            ));
        }
        Work::Open(Some(options)) => {
            return open_table(path, Some(options), progress, cancel)
                .map(|opened| table_review(path, opened))
                .map_err(text);
        }
        Work::Open(None) => match detect(path).map_err(text)? {
            SourceKind::Table => {
                return open_table(path, None, progress, cancel)
                    .map(|opened| table_review(path, opened))
                    .map_err(text);
            }
            SourceKind::ImageFolder => {
                let summary = scan_image_folder(path).map_err(text)?;
                let size = summary.sizes.first().map_or((28, 28), |s| s.0);
                return Ok(Loaded::Folder(summary, size));
            }
            // Nothing to review: built at once.
            SourceKind::MnistFolder | SourceKind::Idx => DataSource {
                path: path.to_path_buf(),
                import: FileImport::Idx {
                    train_ratio: DEFAULT_TRAIN_RATIO,
                },
            },
        },
    };
    let loaded = crate::data::load(&source, progress, cancel).map_err(text)?;
    Ok(Loaded::Ready(
        Arc::new(loaded.dataset),
        source,
        Arc::new(loaded.report),
    ))
}

/// What a job produced, in a few words: `4 rows × 3 columns`, `2 classes of images`, or
/// the data set's training and test sizes.
fn describe(loaded: &Loaded) -> String {
    match loaded {
        Loaded::Table(review) => format!(
            "{} rows × {} columns",
            review.table.n_rows(),
            review.table.columns.len()
        ),
        Loaded::Folder(summary, _) => format!("{} classes of images", summary.classes.len()),
        Loaded::Ready(data, ..) => format!("{} train · {} test", data.train.len(), data.test.len()),
    }
}

/// The progress bar's words for a phase of a load.
fn phase_name(phase: Phase) -> &'static str {
    match phase {
        Phase::Waiting => "opening",
        Phase::Reading => "reading",
        Phase::Parsing => "parsing",
        Phase::Building => "building",
        Phase::Decoding => "decoding images of",
        Phase::Streaming => "reading",
    }
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
        log_event(&format!("dialog shown at step {}", self.step));
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

    /// Starts loading `path` in the background and opens the wizard. A blank path (empty, or
    /// only spaces) is not looked up: the wizard says so, and nothing else changes.
    pub fn open_path(&mut self, ctx: &egui::Context, path: PathBuf) {
        if path.to_string_lossy().trim().is_empty() {
            self.open = true;
            self.error = Some(BLANK_PATH.to_string());
            return;
        }
        log_event(&format!(
            "wizard opened {} at step {}",
            path.display(),
            self.step
        ));
        self.open = true;
        self.review = None;
        self.restore = None;
        self.building = false;
        self.typed_path = path.display().to_string();
        self.spawn(ctx, path, Work::Open(None));
    }

    /// Opens the path typed in the wizard's field (trimmed).
    fn open_typed(&mut self, ctx: &egui::Context) {
        let path = PathBuf::from(self.typed_path.trim());
        self.open_path(ctx, path);
    }

    /// Starts `work` on `path` in the background; the wizard shows its progress.
    fn spawn(&mut self, ctx: &egui::Context, path: PathBuf, work: Work) {
        self.error = None;
        let progress = Arc::new(Progress::new());
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, rx) = mpsc::channel();
        let (job_progress, job_cancel, job_path) =
            (Arc::clone(&progress), Arc::clone(&cancel), path.clone());
        let waker = ctx.clone();
        std::thread::spawn(move || {
            let result = run(&job_path, work, &job_progress, &job_cancel);
            let _ = tx.send(result);
            waker.request_repaint();
        });
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        self.job = Some(Job::Loading {
            what: name,
            progress,
            cancel,
            result: rx,
        });
        self.path = Some(path);
    }

    /// "Train on it" on a reviewed table or folder: the wizard's choices become the
    /// [`DataSource`]'s import settings, and the data set is built from it in the background.
    ///
    /// A table that would build, read with the chosen reading options, is built from the
    /// reviewed table itself ([`build_opened`]): reading the file again while the review
    /// still held it cost the file's text and numbers twice (for a 104 MB CSV the window
    /// peaked at 462 MB instead of 337 MB). The review is then gone, and the wizard shows
    /// the build's progress. Settings that cannot build show their error at once, from the
    /// same table (the error the build would give; reading the file again for it cost time
    /// and memory, and answered "the file does not exist" once it was gone), and the review
    /// stays. Otherwise (a table read with other options, or a folder) [`crate::data::load`]
    /// builds from the source and the review stays on screen.
    fn build_in_background(&mut self, ctx: &egui::Context) {
        let Some(path) = self.path.clone() else {
            return;
        };
        // Settings that cannot build show why in the review, which disables *Train on it*.
        if let Some(Loaded::Table(review)) = &mut self.review
            && review.build_error().is_some()
        {
            return;
        }
        if let Some(Loaded::Table(review)) = &mut self.review
            && review.table.options() == review.settings.csv
            && review.builds()
            && let Some(Loaded::Table(review)) = self.review.take()
        {
            let TableReview {
                file,
                gzip,
                table,
                columns,
                settings,
                balance,
                decisions,
            } = *review;
            match Arc::try_unwrap(table) {
                Ok(table) => {
                    let source = DataSource {
                        path: path.clone(),
                        import: FileImport::Table(settings.clone()),
                    };
                    let opened = OpenedTable { table, gzip };
                    self.restore = Some(settings.clone());
                    let work = Work::BuildOpened(source, settings, Box::new(opened));
                    self.building = true;
                    self.spawn(ctx, path, work);
                    return;
                }
                // Shared (never, today): read the file again, as below.
                Err(table) => {
                    self.review = Some(Loaded::Table(Box::new(TableReview {
                        file,
                        gzip,
                        columns,
                        table,
                        settings,
                        balance,
                        decisions,
                    })));
                }
            }
        }
        let import = match &self.review {
            Some(Loaded::Table(review)) => FileImport::Table(review.settings.clone()),
            Some(Loaded::Folder(_, (width, height))) => FileImport::ImageFolder {
                width: *width,
                height: *height,
                train_ratio: DEFAULT_TRAIN_RATIO,
                seed: DEFAULT_SPLIT_SEED,
            },
            Some(Loaded::Ready(..)) | None => return,
        };
        let source = DataSource {
            path: path.clone(),
            import,
        };
        self.building = true;
        self.spawn(ctx, path, Work::Build(source));
    }

    /// Polls background jobs; returns a data set when the user chose "Train on it" and it is
    /// ready.
    pub fn poll(&mut self, ctx: &egui::Context) -> Option<Arc<Dataset>> {
        match self.job.take() {
            Some(Job::Picking(rx, started)) => match rx.try_recv() {
                Ok(Some(path)) => {
                    log_event(&format!(
                        "dialog chose {} at step {}",
                        path.display(),
                        self.step
                    ));
                    self.open_path(ctx, path);
                }
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
                Ok(None) | Err(TryRecvError::Disconnected) => {
                    log_event(&format!(
                        "dialog closed without a file at step {}",
                        self.step
                    ));
                }
                Err(TryRecvError::Empty) => self.job = Some(Job::Picking(rx, started)),
            },
            Some(Job::Loading {
                what,
                progress,
                cancel,
                result,
            }) => match result.try_recv() {
                // Cancel was pressed but the job ran to its end (a build stops only between
                // its phases; a build from the reviewed table has one): what it made is
                // dropped, so that nothing changes, as the button says.
                Ok(Ok(_)) if cancel.load(Ordering::Relaxed) => {
                    let built = std::mem::take(&mut self.building);
                    let file = self.path.as_deref().map(Path::display);
                    let message = format!("{}: cancelled", file.map_or(what, |f| f.to_string()));
                    self.review_again(ctx, message, built);
                }
                Ok(Ok(Loaded::Ready(data, source, report))) if self.building => {
                    // Built from a reviewed table or folder: hand it over.
                    self.finish(source, report);
                    return Some(data);
                }
                Ok(Ok(mut loaded)) => {
                    log_event(&format!(
                        "wizard shows {} ({}) at step {}",
                        self.path.as_deref().unwrap_or(Path::new("")).display(),
                        describe(&loaded),
                        self.step
                    ));
                    if let (Some(settings), Loaded::Table(review)) =
                        (self.restore.take(), &mut loaded)
                        && review.table.options() == settings.csv
                        // The file may have changed meanwhile: its columns must still hold.
                        && std::iter::once(&settings.label)
                            .chain(&settings.features)
                            .all(|&j| j < review.table.columns.len())
                    {
                        review.settings = settings;
                    }
                    self.review = Some(loaded);
                }
                Ok(Err(message)) => {
                    let built = std::mem::take(&mut self.building);
                    self.review_again(ctx, message, built);
                }
                Err(TryRecvError::Disconnected) => {
                    let built = std::mem::take(&mut self.building);
                    let message = "the loader stopped unexpectedly".to_string();
                    self.review_again(ctx, message, built);
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

    /// Shows `message`, the end of a job that did not hand a data set over; and when that
    /// job was a build (`built`) that consumed the review, reads the file again so that the
    /// review comes back with the settings it had ([`Self::restore`]). A failed read of that
    /// kind is not tried again.
    fn review_again(&mut self, ctx: &egui::Context, message: String, built: bool) {
        if built
            && self.review.is_none()
            && let (Some(settings), Some(path)) = (&self.restore, self.path.clone())
        {
            log_event(&format!(
                "wizard reads {} again after: {message}",
                path.display()
            ));
            let options = settings.csv;
            self.spawn(ctx, path, Work::Open(Some(options)));
        } else {
            self.restore = None;
        }
        self.error = Some(message);
    }

    /// Closes the wizard after a data set built from `source` was handed over, and remembers
    /// the source (with an absolute path) for experiment files.
    fn finish(&mut self, source: DataSource, report: Arc<ImportReport>) {
        self.last_report = Some(report);
        let path = std::path::absolute(&source.path).unwrap_or(source.path);
        log_event(&format!(
            "wizard handed over {} at step {}",
            path.display(),
            self.step
        ));
        self.last_source = Some(DatasetRef::File {
            path,
            import: source.import,
        });
        self.path = None;
        self.review = None;
        self.restore = None;
        self.building = false;
        self.open = false;
        self.job = None;
    }

    fn close(&mut self) {
        if let Some(Job::Loading { cancel, .. }) = &self.job {
            cancel.store(true, Ordering::Relaxed);
        }
        self.job = None;
        self.review = None;
        self.restore = None;
        self.building = false;
        self.open = false;
        self.placed_for = None;
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
        // At most nine tenths of the screen: in presentation mode (zoom 1.5) 1280×800 is
        // 853×533 points, and a 600-point window ran off the bottom.
        let screen = ctx.content_rect().size();
        let size = egui::vec2(680.0f32.min(0.9 * screen.x), 600.0f32.min(0.9 * screen.y));
        let mut window = egui::Window::new("Import data")
            .open(&mut open)
            .pivot(egui::Align2::CENTER_CENTER)
            .default_pos(center)
            .default_size(size)
            .max_size(0.95 * screen)
            .vscroll(true);
        // Centred again when the screen's size in points changes (presentation mode's zoom
        // on or off): egui keeps a window's position in points, so a wizard opened before
        // the zoom stood half off the screen after it.
        if self.placed_for != Some(screen) {
            self.placed_for = Some(screen);
            window = window.current_pos(center);
        }
        window.show(ctx, |ui| {
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
                self.open_typed(ui.ctx());
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
                        .text(format!("{} {what}", phase_name(progress.phase()))),
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
        let reading = self.job.is_some();
        match &mut self.review {
            Some(Loaded::Table(review)) => {
                let before = review.settings.clone();
                let (again, go) = table_review_ui(ui, review, reading);
                // An error was about the settings it was given: changed, it no longer holds.
                if review.settings != before {
                    self.error = None;
                }
                reparse = again.then_some(review.settings.csv);
                train = go;
            }
            Some(Loaded::Folder(summary, size)) => {
                train = folder_review_ui(ui, summary, size);
            }
            Some(Loaded::Ready(data, source, report)) => {
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
                if ui
                    .button(RichText::new("Train on it").strong())
                    .on_hover_text("Start a new session with this data set")
                    .clicked()
                {
                    let (data, source) = (Arc::clone(data), source.clone());
                    let report = Arc::clone(report);
                    self.finish(source, report);
                    return Some(data);
                }
            }
            None => {}
        }
        if let (Some(options), Some(path)) = (reparse, self.path.clone()) {
            // Read again with the new options; the review stays until the new one is ready.
            self.spawn(ui.ctx(), path, Work::Open(Some(options)));
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
                .update_while_editing(false)
                .range(4..=256)
                .suffix(" px wide"),
        )
        .on_hover_text("Width after resizing (default: the most common size)");
        ui.add(
            egui::DragValue::new(&mut size.1)
                .update_while_editing(false)
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
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>) -> Option<Action> {
        self.step = view.run.step;
        let data = self.window(&ui.ctx().clone())?;
        Some(Action::Imported(
            data,
            self.last_source.clone(),
            self.last_report.clone(),
        ))
    }
}
