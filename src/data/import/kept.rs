//! Which rows of a table become samples ([`Kept`]), without an index per row when every
//! row does.

/// The rows of a table that become samples: all of them (no list is kept, so that a large
/// file costs no index per row), or the listed ones, in file order.
#[derive(Debug)]
pub(super) struct Kept {
    /// Rows seen so far.
    seen: usize,
    /// The kept rows, once a row has been left out.
    rows: Option<Vec<usize>>,
}

impl Kept {
    pub(super) fn new() -> Self {
        Kept {
            seen: 0,
            rows: None,
        }
    }

    /// Row `i` (the next one) is a sample.
    pub(super) fn keep(&mut self, i: usize) {
        if let Some(rows) = &mut self.rows {
            rows.push(i);
        }
        self.seen = i + 1;
    }

    /// Row `i` (the next one) is left out.
    pub(super) fn leave_out(&mut self, i: usize) {
        if self.rows.is_none() {
            self.rows = Some((0..i).collect());
        }
        self.seen = i + 1;
    }

    /// The kept rows' list; `None` when every row is kept.
    pub(super) fn rows(&self) -> Option<&[usize]> {
        self.rows.as_deref()
    }

    /// Number of kept rows.
    pub(super) fn len(&self) -> usize {
        self.rows.as_ref().map_or(self.seen, Vec::len)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The kept rows, in file order.
    pub(super) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len()).map(|k| self.rows.as_ref().map_or(k, |rows| rows[k]))
    }
}
