//! The single error type of the data loaders.

/// Every loader error, with the place in the input where it was found.
///
/// Display: `"{file}:{line}:{column}: {message}"`, with the parts that are unknown left out:
/// `"{file}:{line}: {message}"` when only the line is known and `"{file}: {message}"` when
/// neither is. `line` is 1-based and counts physical lines of the file (the header is line 1;
/// a quoted cell containing line breaks spans several lines). `column` is the 1-based field
/// number within the record. An error that a setting resolves ends with that setting, as the
/// command line names it (`" (--bad-numbers missing|exclude)"`, see [`Remedy`]);
/// [`DataError::in_window`] names the import wizard's control instead.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{file}{}: {message}{}", position(.line, .column), remedy_hint(.remedy, false))]
pub struct DataError {
    /// File (or data set) name as given by the caller.
    pub file: String,
    /// 1-based line, when the error belongs to a line.
    pub line: Option<u64>,
    /// 1-based field number, when the error belongs to a cell.
    pub column: Option<usize>,
    /// What went wrong, in one line.
    pub message: String,
    /// The setting that resolves it, when one does.
    pub remedy: Option<Remedy>,
}

/// A setting that resolves a [`DataError`], named as each interface names it: the command
/// line's flag, or the import wizard's control.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Remedy {
    /// A column of numbers with some cells that are not: treat them as missing or exclude the
    /// column (`--bad-numbers missing|exclude`; the wizard's "treat as missing" or "exclude").
    BadNumbers,
    /// A label of numbers with cells not finite as a 32-bit float: leave those rows out
    /// (`--bad-numbers missing`; the wizard's "leave those rows out").
    NonFiniteLabel,
}

impl Remedy {
    /// The setting as the command line names it: `--bad-numbers missing|exclude`.
    pub fn command_line(self) -> &'static str {
        match self {
            Remedy::BadNumbers => "--bad-numbers missing|exclude",
            Remedy::NonFiniteLabel => "--bad-numbers missing",
        }
    }

    /// The setting as the import wizard names it: `choose "treat as missing" or "exclude"
    /// under the preview`.
    pub fn window(self) -> &'static str {
        match self {
            Remedy::BadNumbers => "choose \"treat as missing\" or \"exclude\" under the preview",
            Remedy::NonFiniteLabel => "choose \"leave those rows out\" under the preview",
        }
    }
}

impl DataError {
    /// An error that belongs to the whole file (no line, no column).
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
            remedy: None,
        }
    }

    /// The same error, resolved by `remedy` (named after the message).
    pub fn with_remedy(mut self, remedy: Remedy) -> Self {
        self.remedy = Some(remedy);
        self
    }

    /// The error as the import wizard shows it: as [`Display`](std::fmt::Display), but naming
    /// the wizard's control that resolves it instead of the command line's flag
    /// (`… (choose "treat as missing" or "exclude" under the preview)`).
    pub fn in_window(&self) -> String {
        format!(
            "{}{}: {}{}",
            self.file,
            position(&self.line, &self.column),
            self.message,
            remedy_hint(&self.remedy, true)
        )
    }

    /// The same error, placed on 1-based `line`.
    pub fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    /// The same error, placed on 1-based `line` and 1-based field `column`.
    pub fn at_cell(mut self, line: u64, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }
}

/// `" ({remedy})"` in the words of the window or of the command line, or nothing.
fn remedy_hint(remedy: &Option<Remedy>, window: bool) -> String {
    match remedy {
        Some(r) if window => format!(" ({})", r.window()),
        Some(r) => format!(" ({})", r.command_line()),
        None => String::new(),
    }
}

/// `":{line}:{column}"`, `":{line}"` or nothing.
fn position(line: &Option<u64>, column: &Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(":{line}:{column}"),
        (Some(line), None) => format!(":{line}"),
        _ => String::new(),
    }
}
