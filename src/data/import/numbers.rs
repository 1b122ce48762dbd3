//! One cell as a number: missing-value marks, the decimal comma and thousands separators.
//!
//! A (trimmed) cell is **missing** when it is empty or `NA`, `N/A`, `?` or `nan` (any case).
//! Otherwise it is a **number** when, after an optional sign, it has one of these forms:
//!
//! | file uses        | form                                   | example       | value   |
//! |------------------|----------------------------------------|---------------|---------|
//! | decimal point    | Rust's float syntax (`e` exponent too)  | `-1.5e3`      | −1500   |
//! | decimal point    | `,` between groups of three digits      | `1,444.7`     | 1444.7  |
//! | decimal comma    | one `,` as the decimal point            | `0,5`         | 0.5     |
//! | decimal comma    | `.` between groups of three, then `,`   | `2.907,5`     | 2907.5  |
//! | decimal comma    | two or more `.` between groups of three | `1.234.567`   | 1234567 |
//! | decimal comma    | a plain decimal point                   | `1.5`         | 1.5     |
//!
//! With a decimal comma, `1.444` (one dot followed by exactly three digits, no comma) could be
//! 1.444 or 1444: it is read as 1.444 unless another cell of the same column writes its dots
//! as thousands separators (`2.907,5` or `1.234.567`), in which case it is read as 1444.
//! Values must be finite also as 32-bit floats (`inf`, `1e39` are not numbers); `-0` is 0.

/// Longest cell that is rewritten (separators removed) before parsing; longer cells with
/// separators are not numbers.
const MAX_REWRITTEN: usize = 64;

/// Whether a (trimmed) cell counts as missing: `""`, `NA`, `N/A`, `?`, `nan`
/// (case-insensitive).
pub fn is_missing(cell: &str) -> bool {
    is_missing_bytes(cell.as_bytes())
}

/// [`is_missing`] on bytes.
pub(crate) fn is_missing_bytes(cell: &[u8]) -> bool {
    match cell.len() {
        0 => true,
        1 => cell[0] == b'?',
        2 => cell.eq_ignore_ascii_case(b"na"),
        3 => cell.eq_ignore_ascii_case(b"n/a") || cell.eq_ignore_ascii_case(b"nan"),
        _ => false,
    }
}

/// How a number cell was written, for the column-level reading of `1.444` (see the module
/// docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Form {
    /// Nothing ambiguous.
    Plain,
    /// Dots used as thousands separators (decimal-comma files only).
    DotGroups,
    /// `d{1,3}.ddd` in a decimal-comma file: read as a decimal point for now.
    Ambiguous,
}

/// A cell rewritten without separators.
struct Rewritten {
    bytes: [u8; MAX_REWRITTEN],
    len: usize,
}

impl Rewritten {
    fn new() -> Self {
        Rewritten {
            bytes: [0; MAX_REWRITTEN],
            len: 0,
        }
    }

    fn push(&mut self, b: u8) -> Option<()> {
        *self.bytes.get_mut(self.len)? = b;
        self.len += 1;
        Some(())
    }

    fn extend(&mut self, bytes: &[u8]) -> Option<()> {
        bytes.iter().try_for_each(|&b| self.push(b))
    }

    fn as_slice(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }
}

/// True for `d{1,3}(sep ddd)+` with at least `min_groups` separators.
fn grouped(int: &[u8], separator: u8, min_groups: usize) -> bool {
    let mut parts = int.split(|&b| b == separator);
    let first_ok = parts
        .next()
        .is_some_and(|p| (1..=3).contains(&p.len()) && p.iter().all(u8::is_ascii_digit));
    let mut groups = 0;
    for part in parts {
        if part.len() != 3 || !part.iter().all(u8::is_ascii_digit) {
            return false;
        }
        groups += 1;
    }
    first_ok && groups >= min_groups
}

/// `sign + int (separators removed) + "." + rest`
fn rewrite(sign: &[u8], int: &[u8], separator: u8, rest: Option<&[u8]>) -> Option<Rewritten> {
    let mut out = Rewritten::new();
    out.extend(sign)?;
    for &b in int {
        if b != separator {
            out.push(b)?;
        }
    }
    if let Some(rest) = rest {
        out.push(b'.')?;
        out.extend(rest)?;
    }
    Some(out)
}

/// The cell as parser input, with the form it was written in; `None` when it cannot be a
/// number in this file's convention.
fn normalize(cell: &[u8], decimal_comma: bool) -> Option<(Option<Rewritten>, Form)> {
    let (sign, body) = match cell.first() {
        Some(b'-' | b'+') => cell.split_at(1),
        _ => (&cell[..0], cell),
    };
    let comma = body.iter().position(|&b| b == b',');
    if !decimal_comma {
        let Some(_) = comma else {
            return Some((None, Form::Plain));
        };
        let (int, frac) = match body.iter().position(|&b| b == b'.') {
            Some(k) => (&body[..k], Some(&body[k + 1..])),
            None => (body, None),
        };
        if !grouped(int, b',', 1) || frac.is_some_and(|f| !f.iter().all(u8::is_ascii_digit)) {
            return None;
        }
        return Some((Some(rewrite(sign, int, b',', frac)?), Form::Plain));
    }
    match comma {
        Some(k) => {
            let (int, frac) = (&body[..k], &body[k + 1..]);
            if frac.contains(&b',') || frac.contains(&b'.') {
                return None;
            }
            if int.iter().all(u8::is_ascii_digit) {
                Some((Some(rewrite(sign, int, b'.', Some(frac))?), Form::Plain))
            } else if grouped(int, b'.', 1) {
                Some((Some(rewrite(sign, int, b'.', Some(frac))?), Form::DotGroups))
            } else {
                None
            }
        }
        None if grouped(body, b'.', 2) => {
            Some((Some(rewrite(sign, body, b'.', None)?), Form::DotGroups))
        }
        None if grouped(body, b'.', 1) => Some((None, Form::Ambiguous)),
        None => Some((None, Form::Plain)),
    }
}

/// A finite `f32` from a complete cell in Rust's float syntax.
fn parse_plain_f32(bytes: &[u8]) -> Option<f32> {
    let x: f32 = fast_float2::parse(bytes).ok()?;
    x.is_finite().then_some(x + 0.0)
}

/// A (trimmed, non-missing) cell as an `f32` and the form it was written in; `None` when it
/// is not a number (see the module docs).
pub(crate) fn parse_cell(cell: &[u8], decimal_comma: bool) -> Option<(f32, Form)> {
    let (rewritten, form) = normalize(cell, decimal_comma)?;
    let value = match &rewritten {
        Some(r) => parse_plain_f32(r.as_slice())?,
        None => parse_plain_f32(cell)?,
    };
    Some((value, form))
}

/// The value of an ambiguous `d{1,3}.ddd` cell read with the dot as a thousands separator.
pub(crate) fn parse_dot_grouped(cell: &[u8]) -> Option<f32> {
    let (sign, body) = match cell.first() {
        Some(b'-' | b'+') => cell.split_at(1),
        _ => (&cell[..0], cell),
    };
    parse_plain_f32(rewrite(sign, body, b'.', None)?.as_slice())
}

/// A (trimmed) cell as a number that is finite also as `f32`, by the rules of the module
/// docs read cell by cell (an ambiguous `1.444` gives 1.444). `-0` gives 0.
pub fn parse_number(cell: &str, decimal_comma: bool) -> Option<f64> {
    let (rewritten, _) = normalize(cell.as_bytes(), decimal_comma)?;
    let text = match &rewritten {
        Some(r) => std::str::from_utf8(r.as_slice()).ok()?,
        None => cell,
    };
    text.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && (*x as f32).is_finite())
        .map(|x| x + 0.0)
}

/// `"\"abc\" in column \"x2\" is not a number"` (or `is not a finite number` when the cell
/// reads as an infinite or NaN number).
pub fn not_a_number(cell: &str, column: &str) -> String {
    let shown = shorten(cell);
    if cell.parse::<f64>().is_ok() {
        format!("{shown:?} in column {column:?} is not a finite number")
    } else {
        format!("{shown:?} in column {column:?} is not a number")
    }
}

/// `text`, cut to 40 characters (with "…") so that messages stay one readable line.
pub fn shorten(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((end, _)) => format!("{}…", text.get(..end).unwrap_or(text)),
        None => text.to_string(),
    }
}

/// Powers of ten that are exact in `f32` (5^10 < 2^24).
const POW10_F32: [f32; 11] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10];

/// Reads the ASCII digits at `bytes[i..]` into `mantissa` (×10 and add each, wrapping: the
/// caller keeps the result only for at most 9 digits in all, which fit in `u32`); returns the
/// index after the last digit.
#[inline]
fn read_digits(bytes: &[u8], mut i: usize, mantissa: &mut u32) -> usize {
    while let Some(&b) = bytes.get(i) {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        *mantissa = mantissa.wrapping_mul(10).wrapping_add(u32::from(d));
        i += 1;
    }
    i
}

/// A plain decimal number (`[+-]digits[.digits]`, no exponent) at the start of `bytes`, when
/// it has at most 9 digits and they fit in 24 bits: then `digits / 10^decimals` is
/// one correctly rounded `f32` division of two exact values (Clinger 1990, "How to read
/// floating point numbers accurately", the fast path). Returns the value and the bytes
/// used; `None` sends the caller to the general parser.
#[inline]
pub(crate) fn parse_simple_decimal(bytes: &[u8]) -> Option<(f32, usize)> {
    // The sign without a branch: in a column of mixed signs a branch on it would be
    // mispredicted every other cell, which cost a fifth of the parse on the 2-core machine.
    let first = *bytes.first()?;
    let negative = first == b'-';
    let mut i = usize::from(negative) | usize::from(first == b'+');
    let mut mantissa: u32 = 0;
    let mut digits = 0usize;
    let int_start = i;
    i = read_digits(bytes, i, &mut mantissa);
    digits += i - int_start;
    let mut decimals = 0usize;
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        let frac_start = i;
        i = read_digits(bytes, i, &mut mantissa);
        decimals = i - frac_start;
        digits += decimals;
    }
    if digits == 0 || digits > 9 || mantissa > 1 << 24 || matches!(bytes.get(i), Some(b'e' | b'E'))
    {
        return None;
    }
    let value = mantissa as f32 / *POW10_F32.get(decimals)?;
    Some((
        f32::from_bits(value.to_bits() | (u32::from(negative) << 31)),
        i,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Cells as they stand in a record, followed by the rest of the line.
    #[test]
    fn a_plain_decimal_is_read_up_to_its_delimiter() {
        assert_eq!(
            parse_simple_decimal(b"-37.9626,12.5\n"),
            Some((-37.9626, 8))
        );
        assert_eq!(parse_simple_decimal(b"0.0001"), Some((0.0001, 6)));
        assert_eq!(parse_simple_decimal(b"+16777216;"), Some((16_777_216.0, 9)));
        // Past 2^24 the division would not be exact: the general parser takes it.
        assert_eq!(parse_simple_decimal(b"16777217,"), None);
        assert_eq!(parse_simple_decimal(b"1.5e3,"), None);
        // Nine digits at most (leading zeros count): more go to the general parser.
        assert_eq!(parse_simple_decimal(b"0.00000001,"), Some((1e-8, 10)));
        assert_eq!(parse_simple_decimal(b"0.000000001,"), None);
        assert_eq!(parse_simple_decimal(b"-.,"), None);
    }

    proptest! {
        /// The fast path gives the correctly rounded f32 of the number it read, and reads it
        /// whole.
        #[test]
        fn a_simple_decimal_is_the_correctly_rounded_f32(
            text in "[-+]?[0-9]{0,9}(\\.[0-9]{0,11})?[,;\\n]?",
        ) {
            if let Some((value, len)) = parse_simple_decimal(text.as_bytes()) {
                let expected: f32 = text[..len].parse().expect("a number");
                prop_assert_eq!(value.to_bits(), expected.to_bits(), "{}", text);
                prop_assert!(!text.as_bytes().get(len).is_some_and(u8::is_ascii_digit));
            }
        }
    }
}
