//! Atomic file writes: everything is written to a temporary file in the destination's folder,
//! flushed to disk, and only then renamed over the destination. A crash, a full disk or an
//! error half-way leaves the old file (if any) untouched and no temporary file behind (the
//! temporary file is deleted when the write fails; only a crash of the whole process or machine
//! can leave a `.NAME.*.tmp` file next to the destination, never a damaged destination).
//!
//! Every writer of this module (experiments, safetensors, metrics CSV, GIF) goes through
//! [`write_atomically`] or [`AtomicFile`]; the window uses them for PNG screenshots too.
//!
//! A destination that is a symbolic link is written through: the file it points to is
//! replaced, and the link stays. A destination that exists but is not a regular file (a named
//! pipe, `/dev/stdout`, a terminal) cannot be replaced by a rename, so it is written directly.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file could not be written. Display: `"{path}: cannot save: {reason}"`.
#[derive(Debug, thiserror::Error)]
#[error("{}: cannot save: {source}", path.display())]
pub struct SaveError {
    /// The destination.
    pub path: PathBuf,
    /// What went wrong (from the OS, or from the closure that produced the bytes).
    #[source]
    pub source: io::Error,
}

impl SaveError {
    /// A `SaveError` for `path`.
    pub fn new(path: &Path, source: io::Error) -> Self {
        Self {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// A destination being written: a buffered temporary file next to it. [`AtomicFile::commit`]
/// renames it into place; dropping it without committing deletes the temporary file and leaves
/// the destination as it was. Use it for writes that happen over time (a GIF recording);
/// [`write_atomically`] is the one-call form.
pub struct AtomicFile {
    path: PathBuf,
    writer: Destination,
}

/// Where an [`AtomicFile`] writes.
enum Destination {
    /// A temporary file, renamed over `target` on commit.
    Temporary {
        writer: BufWriter<tempfile::NamedTempFile>,
        target: PathBuf,
    },
    /// The destination itself (a pipe, a device: see the module docs).
    Direct(BufWriter<File>),
}

impl AtomicFile {
    /// Creates the temporary file `.{name}.XXXXXX.tmp` in the destination's folder (the same
    /// file system, so the final rename is atomic).
    ///
    /// # Errors
    /// The folder does not exist or is not writable.
    pub fn create(path: &Path) -> Result<Self, SaveError> {
        let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        let target = match std::fs::metadata(path) {
            // A pipe or a device: written as it is (it cannot be renamed over).
            Ok(meta) if !meta.is_file() && !meta.is_dir() => {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(|e| SaveError::new(path, e))?;
                return Ok(Self {
                    path: path.to_path_buf(),
                    writer: Destination::Direct(BufWriter::new(file)),
                });
            }
            // A link to a file: the file is replaced, the link stays.
            Ok(_) if is_link => std::fs::canonicalize(path).map_err(|e| SaveError::new(path, e))?,
            _ => path.to_path_buf(),
        };
        let temp = Self::temporary_next_to(&target).map_err(|e| SaveError::new(path, e))?;
        Ok(Self {
            path: path.to_path_buf(),
            writer: Destination::Temporary {
                writer: BufWriter::new(temp),
                target,
            },
        })
    }

    /// A temporary file `.{name}.XXXXXX.tmp` in `path`'s folder.
    fn temporary_next_to(path: &Path) -> io::Result<tempfile::NamedTempFile> {
        let folder = match path.parent() {
            Some(folder) if !folder.as_os_str().is_empty() => folder,
            _ => Path::new("."),
        };
        let name = path
            .file_name()
            .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
        tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempfile_in(folder)
    }

    /// The destination path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes, syncs to disk and renames the temporary file over the destination. The new
    /// file gets the permissions of the file it replaces, or `rw-r--r--` (on Unix) for a new one
    /// (a temporary file alone would be readable by its owner only).
    ///
    /// # Errors
    /// Writing, syncing or renaming failed; the destination is then unchanged.
    pub fn commit(self) -> Result<(), SaveError> {
        let fail = |e: io::Error| SaveError::new(&self.path, e);
        let (writer, path) = match self.writer {
            Destination::Direct(mut writer) => return writer.flush().map_err(fail),
            Destination::Temporary { writer, target } => (writer, target),
        };
        let temp = writer.into_inner().map_err(|e| fail(e.into_error()))?;
        temp.as_file().sync_all().map_err(fail)?;
        let permissions = match std::fs::metadata(&path) {
            Ok(old) => Some(old.permissions()),
            Err(_) => default_permissions(),
        };
        if let Some(permissions) = permissions {
            // A failure here only leaves stricter permissions; the data is still saved.
            let _ = temp.as_file().set_permissions(permissions);
        }
        temp.persist(&path).map_err(|e| fail(e.error))?;
        sync_folder(&path);
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.writer {
            Destination::Temporary { writer, .. } => writer.write(buf),
            Destination::Direct(writer) => writer.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.writer {
            Destination::Temporary { writer, .. } => writer.flush(),
            Destination::Direct(writer) => writer.flush(),
        }
    }
}

#[cfg(unix)]
fn default_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<std::fs::Permissions> {
    None
}

/// Makes the rename itself durable (Unix); errors are ignored because the file is already in
/// place and complete.
fn sync_folder(path: &Path) {
    #[cfg(unix)]
    if let Some(folder) = path.parent() {
        let folder = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        };
        if let Ok(dir) = File::open(folder) {
            let _ = dir.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Writes `path` atomically: `write` fills a buffered temporary file next to `path`, which then
/// replaces `path` in one rename. If `write` returns an error (or writing fails), the temporary
/// file is deleted and `path` keeps its old content.
///
/// # Errors
/// The folder is missing or not writable, the disk is full, or `write` failed; the message
/// names `path`.
pub fn write_atomically<F>(path: &Path, write: F) -> Result<(), SaveError>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    let mut file = AtomicFile::create(path)?;
    write(&mut file).map_err(|e| SaveError::new(path, e))?;
    file.commit()
}
