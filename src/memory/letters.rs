//! The built-in letters: hand-drawn 12×12 glyphs in `assets/memory/letters-12x12.txt`,
//! bundled with `include_str!` and sampled to any grid.
//!
//! File format: lines starting with `;` and empty lines are ignored; a glyph is a header line
//! `[name]` followed by its rows, each the same number of characters, `#` for ink (+1) and
//! `.` for background (−1). Every glyph of a file has the same size.

use super::MemoryError;
use super::pattern::{Grid, Pattern};

/// The bundled glyph file's name, used in error messages.
pub const LETTERS_FILE: &str = "letters-12x12.txt";
const LETTERS_TEXT: &str = include_str!("../../assets/memory/letters-12x12.txt");

/// One glyph: its name and its bitmap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glyph {
    /// The header's name, e.g. "A".
    pub name: String,
    /// Rows of the bitmap.
    pub rows: usize,
    /// Columns of the bitmap.
    pub cols: usize,
    /// `rows · cols` values, row-major, `true` = ink.
    pub ink: Vec<bool>,
}

impl Glyph {
    /// The glyph sampled to `grid` by nearest neighbour (cell centres), as a pattern named
    /// after the glyph.
    pub fn to_pattern(&self, grid: Grid) -> Pattern {
        let mut spins = Vec::with_capacity(grid.neurons());
        for r in 0..grid.rows {
            let src_r = ((2 * r + 1) * self.rows) / (2 * grid.rows);
            for c in 0..grid.cols {
                let src_c = ((2 * c + 1) * self.cols) / (2 * grid.cols);
                spins.push(if self.ink[src_r * self.cols + src_c] {
                    1
                } else {
                    -1
                });
            }
        }
        Pattern {
            label: self.name.clone(),
            spins,
        }
    }
}

fn parse_error(file: &str, line: usize, column: usize, message: String) -> MemoryError {
    MemoryError::Parse {
        file: file.to_string(),
        line,
        column,
        message,
    }
}

/// A glyph being read: its header's line and its rows so far.
struct Open {
    name: String,
    line: usize,
    rows: Vec<Vec<bool>>,
}

/// Parses a glyph file (format in the module docs). `file` names the text in errors, which
/// carry the 1-based line and character column:
/// - `letters.txt:3:1: a bitmap row before the first [name] header`
/// - `letters.txt:5:7: 'x' is neither '#' (ink) nor '.' (background)`
/// - `letters.txt:6:1: this row has 11 cells, the glyph's first row has 12`
/// - `letters.txt:14:1: glyph [B] has 11 rows, glyph [A] has 12` (at B's header)
/// - `letters.txt:9:1: glyph [A] has no rows`, `letters.txt:9:1: a second glyph named [A]`
/// - `letters.txt:9:2: a glyph header needs a name: [A]`
/// - `letters.txt:1:1: no glyphs in the file`
pub fn parse_glyphs(file: &str, text: &str) -> Result<Vec<Glyph>, MemoryError> {
    let mut glyphs: Vec<Glyph> = Vec::new();
    let mut open: Option<Open> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let row = raw.trim_end();
        if row.is_empty() || row.starts_with(';') {
            continue;
        }
        if let Some(header) = row.strip_prefix('[') {
            let name = header.strip_suffix(']').map(str::trim).unwrap_or("");
            if name.is_empty() {
                let message = "a glyph header needs a name: [A]".to_string();
                return Err(parse_error(file, line, 2, message));
            }
            if let Some(done) = open.take() {
                glyphs.push(close(file, done, &glyphs)?);
            }
            if glyphs.iter().any(|g| g.name == name) {
                let message = format!("a second glyph named [{name}]");
                return Err(parse_error(file, line, 1, message));
            }
            open = Some(Open {
                name: name.to_string(),
                line,
                rows: Vec::new(),
            });
            continue;
        }
        let Some(current) = open.as_mut() else {
            let message = "a bitmap row before the first [name] header".to_string();
            return Err(parse_error(file, line, 1, message));
        };
        let mut cells = Vec::new();
        for (col, ch) in row.chars().enumerate() {
            match ch {
                '#' => cells.push(true),
                '.' => cells.push(false),
                other => {
                    let message = format!("'{other}' is neither '#' (ink) nor '.' (background)");
                    return Err(parse_error(file, line, col + 1, message));
                }
            }
        }
        if let Some(first) = current.rows.first()
            && first.len() != cells.len()
        {
            let message = format!(
                "this row has {} cells, the glyph's first row has {}",
                cells.len(),
                first.len()
            );
            return Err(parse_error(file, line, 1, message));
        }
        current.rows.push(cells);
    }
    if let Some(done) = open.take() {
        glyphs.push(close(file, done, &glyphs)?);
    }
    if glyphs.is_empty() {
        return Err(parse_error(file, 1, 1, "no glyphs in the file".to_string()));
    }
    Ok(glyphs)
}

fn close(file: &str, open: Open, earlier: &[Glyph]) -> Result<Glyph, MemoryError> {
    let Open { name, line, rows } = open;
    if rows.is_empty() {
        return Err(parse_error(
            file,
            line,
            1,
            format!("glyph [{name}] has no rows"),
        ));
    }
    let (height, width) = (rows.len(), rows[0].len());
    if let Some(first) = earlier.first() {
        if first.rows != height {
            let message = format!(
                "glyph [{name}] has {height} rows, glyph [{}] has {}",
                first.name, first.rows
            );
            return Err(parse_error(file, line, 1, message));
        }
        if first.cols != width {
            let message = format!(
                "glyph [{name}] has {width} columns, glyph [{}] has {}",
                first.name, first.cols
            );
            return Err(parse_error(file, line, 1, message));
        }
    }
    Ok(Glyph {
        name,
        rows: height,
        cols: width,
        ink: rows.into_iter().flatten().collect(),
    })
}

/// The 26 bundled capital letters A–Z, 12×12, in alphabetical order.
///
/// Error only if the bundled file were damaged (a [`MemoryError::Parse`] naming
/// [`LETTERS_FILE`]); a test parses it.
pub fn builtin_letters() -> Result<Vec<Glyph>, MemoryError> {
    parse_glyphs(LETTERS_FILE, LETTERS_TEXT)
}

/// The first `count` built-in letters (A, B, C, …) sampled to `grid`. Error: `"there are 26
/// built-in letters, 27 were asked for"`.
pub fn letter_patterns(grid: Grid, count: usize) -> Result<Vec<Pattern>, MemoryError> {
    let glyphs = builtin_letters()?;
    if count > glyphs.len() {
        return Err(MemoryError::Invalid(format!(
            "there are {} built-in letters, {count} were asked for",
            glyphs.len()
        )));
    }
    Ok(glyphs[..count].iter().map(|g| g.to_pattern(grid)).collect())
}
