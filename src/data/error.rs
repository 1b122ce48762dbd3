//! The single error type of the data loaders.

/// Every loader error, with the place in the input where it was found.
///
/// Display: `"{file}:{line}:{column}: {message}"`, with the parts that are unknown left out:
/// `"{file}:{line}: {message}"` when only the line is known and `"{file}: {message}"` when
/// neither is. `line` is 1-based and counts physical lines of the file (the header is line 1;
/// a quoted cell containing line breaks spans several lines). `column` is the 1-based field
/// number within the record.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{file}{}: {message}", position(.line, .column))]
pub struct DataError {
    /// File (or data set) name as given by the caller.
    pub file: String,
    /// 1-based line, when the error belongs to a line.
    pub line: Option<u64>,
    /// 1-based field number, when the error belongs to a cell.
    pub column: Option<usize>,
    /// What went wrong, in one line.
    pub message: String,
}

impl DataError {
    /// An error that belongs to the whole file (no line, no column).
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
        }
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

/// `":{line}:{column}"`, `":{line}"` or nothing.
fn position(line: &Option<u64>, column: &Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(":{line}:{column}"),
        (Some(line), None) => format!(":{line}"),
        _ => String::new(),
    }
}
