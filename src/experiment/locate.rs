//! Where a value sits in JSON text, as a 1-based line and column, so that an error found after
//! parsing (a damaged run, an inconsistent `resume` block) can point at its place in the file
//! the way serde_json's own errors do.
//!
//! [`locate`] walks the text once without building a tree: strings (with their escapes),
//! objects, arrays and scalars, following a path of object keys and array indices. A path that
//! is not in the text gives `None`; text that is not JSON gives `None` or a wrong place, never a
//! panic.

use std::ops::Range;

/// One step of a path into JSON: an object key or an array index (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathStep<'a> {
    /// The value of this key of an object.
    Key(&'a str),
    /// The element at this index of an array.
    Index(usize),
}

/// Splits a field path as the loader writes it (`runs[1].resume.batch.shuffles`) into steps.
pub fn parse_path(path: &str) -> Vec<PathStep<'_>> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            steps.push(PathStep::Key(key));
        }
        while let Some(end) = rest.find(']') {
            if let Ok(index) = rest[1..end].parse() {
                steps.push(PathStep::Index(index));
            }
            rest = &rest[end + 1..];
        }
    }
    steps
}

/// 1-based line and column of byte `offset` in `text` (columns count characters).
pub fn line_column(text: &[u8], offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, column)
}

/// The byte range of the value at `path` in `text` (leading whitespace skipped).
pub fn locate(text: &[u8], path: &[PathStep<'_>]) -> Option<Range<usize>> {
    let mut at = skip_space(text, 0);
    for step in path {
        at = match (*step, text.get(at)?) {
            (PathStep::Key(key), b'{') => find_key(text, at, key)?,
            (PathStep::Index(index), b'[') => find_index(text, at, index)?,
            _ => return None,
        };
    }
    Some(at..skip_value(text, at)?)
}

/// Line and column of the value at the field path `path` (see [`parse_path`]).
pub fn position(text: &[u8], path: &str) -> Option<(usize, usize)> {
    locate(text, &parse_path(path)).map(|range| line_column(text, range.start))
}

fn skip_space(text: &[u8], mut at: usize) -> usize {
    while text.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

/// The offset just past the string starting at `at` (a `"`).
fn skip_string(text: &[u8], mut at: usize) -> Option<usize> {
    at += 1;
    loop {
        match text.get(at)? {
            b'\\' => at += 2,
            b'"' => return Some(at + 1),
            _ => at += 1,
        }
    }
}

/// The offset just past the value starting at `at`.
fn skip_value(text: &[u8], at: usize) -> Option<usize> {
    match text.get(at)? {
        b'"' => skip_string(text, at),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = at;
            loop {
                match text.get(i)? {
                    b'"' => {
                        i = skip_string(text, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let mut i = at;
            while text
                .get(i)
                .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
            {
                i += 1;
            }
            Some(i)
        }
    }
}

/// The start of the value of `key` in the object starting at `at`.
fn find_key(text: &[u8], at: usize, key: &str) -> Option<usize> {
    let mut i = skip_space(text, at + 1);
    loop {
        match text.get(i)? {
            b'}' => return None,
            b'"' => {
                let end = skip_string(text, i)?;
                let name: Option<String> = serde_json::from_slice(&text[i..end]).ok();
                let colon = skip_space(text, end);
                if text.get(colon) != Some(&b':') {
                    return None;
                }
                let value = skip_space(text, colon + 1);
                if name.as_deref() == Some(key) {
                    return Some(value);
                }
                i = skip_space(text, skip_value(text, value)?);
                if text.get(i) == Some(&b',') {
                    i = skip_space(text, i + 1);
                }
            }
            _ => return None,
        }
    }
}

/// The start of element `index` of the array starting at `at`.
fn find_index(text: &[u8], at: usize, index: usize) -> Option<usize> {
    let mut i = skip_space(text, at + 1);
    for _ in 0..index {
        if text.get(i) == Some(&b']') {
            return None;
        }
        i = skip_space(text, skip_value(text, i)?);
        if text.get(i) != Some(&b',') {
            return None;
        }
        i = skip_space(text, i + 1);
    }
    (text.get(i) != Some(&b']')).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "{\n  \"a\": [1, {\"b\": \"x\\\"]\"}, 3],\n  \"c\": {\"d\": 60}\n}";

    #[test]
    fn finds_keys_and_indices() {
        assert_eq!(position(TEXT.as_bytes(), "c.d"), Some((3, 14)));
        assert_eq!(position(TEXT.as_bytes(), "a[2]"), Some((2, 27)));
        assert_eq!(position(TEXT.as_bytes(), "a[1].b"), Some((2, 18)));
        assert_eq!(position(TEXT.as_bytes(), "a[3]"), None);
        assert_eq!(position(TEXT.as_bytes(), "e"), None);
        assert_eq!(
            parse_path("runs[1].resume.batch"),
            [
                PathStep::Key("runs"),
                PathStep::Index(1),
                PathStep::Key("resume"),
                PathStep::Key("batch")
            ]
        );
    }

    #[test]
    fn damaged_text_gives_none() {
        // A cut file: what is there is found, what is cut off is not.
        assert_eq!(position(b"{\"a\": [1, 2", "a[1]"), Some((1, 11)));
        assert_eq!(position(b"{\"a\": [1, 2", "a[2]"), None);
        assert_eq!(locate(b"{\"a\": \"x", &[PathStep::Key("a")]), None);
        assert_eq!(position(b"", "a"), None);
        assert_eq!(position(b"{\"a\" 1}", "a"), None);
    }
}
