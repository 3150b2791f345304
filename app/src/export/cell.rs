//! Cell values shared by the CSV and XLSX writers, and the formula-injection guard.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};

/// Formula-injection guard ("CSV injection", OWASP): returns `value` prefixed with `'` when it
/// starts with `=`, `+`, `-`, `@`, a tab (`\t`) or a carriage return (`\r`), the characters
/// with which Excel, LibreOffice or Google Sheets may start evaluating a cell as a formula.
/// Any other value is returned unchanged and borrowed (byte-identical, no allocation).
///
/// Applied to every exported text cell, header cells included. Consequences to know:
/// a text such as `-5` or `+33 1 23` is exported as `'-5` / `'+33 1 23` (shown with the
/// apostrophe); typed numbers ([`Cell::Number`]) are not text and are not prefixed.
pub fn safe_cell(value: &str) -> Cow<'_, str> {
    match value.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => {
            let mut guarded = String::with_capacity(value.len() + 1);
            guarded.push('\'');
            guarded.push_str(value);
            Cow::Owned(guarded)
        }
        _ => Cow::Borrowed(value),
    }
}

/// One typed value of an export row, so a row can be built once and written to CSV
/// ([`Cell::to_csv_string`], [`crate::export::CsvEncoder::row_cells`]) or XLSX
/// ([`crate::export::XlsxExport::row`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Free text; goes through [`safe_cell`] in both formats.
    Text(String),
    /// Text repeated across rows (a site name, an option's label): like [`Cell::Text`], shared
    /// instead of copied for each row.
    Shared(Arc<str>),
    /// A number (rating, count, average...). Non-finite values (NaN, ±∞) are written as an empty
    /// cell: neither CSV nor Excel has a representation for them.
    Number(f64),
    /// A calendar date (no time zone): `YYYY-MM-DD` in CSV, a real date formatted
    /// `dd/mm/yyyy` in XLSX.
    Date(NaiveDate),
    /// A local date and time (convert to Europe/Paris before building the cell):
    /// `YYYY-MM-DD HH:MM:SS` in CSV, a real date-time formatted `dd/mm/yyyy hh:mm:ss` in XLSX.
    DateTime(NaiveDateTime),
    /// No value.
    Empty,
}

impl Cell {
    /// The text of a [`Cell::Text`] or [`Cell::Shared`]; `None` for other cells.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Cell::Text(text) => Some(text),
            Cell::Shared(text) => Some(text),
            _ => None,
        }
    }

    /// Neutral CSV rendering, before the formula guard: text as-is, numbers with a `.` decimal
    /// separator and no trailing `.0` for integers (`3`, `3.5`, `-2`; never an exponent),
    /// dates `YYYY-MM-DD`, date-times `YYYY-MM-DD HH:MM:SS` (seconds truncated), empty string
    /// for [`Cell::Empty`] and non-finite numbers.
    pub fn to_csv_string(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Shared(text) => text.to_string(),
            Cell::Number(n) => format_number(*n),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::DateTime(dt) => dt.format("%Y-%m-%d %H:%M:%S").to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// `f64` → shortest text that reads back to the same value; Rust's `Display` already omits
/// `.0` on integers and never uses an exponent. `-0` becomes `0`, non-finite values `""`.
pub(crate) fn format_number(n: f64) -> String {
    if !n.is_finite() {
        String::new()
    } else if n == 0.0 {
        "0".to_owned()
    } else {
        n.to_string()
    }
}

impl From<String> for Cell {
    fn from(value: String) -> Self {
        Cell::Text(value)
    }
}

impl From<Arc<str>> for Cell {
    fn from(value: Arc<str>) -> Self {
        Cell::Shared(value)
    }
}

impl From<&str> for Cell {
    fn from(value: &str) -> Self {
        Cell::Text(value.to_owned())
    }
}

impl From<f64> for Cell {
    fn from(value: f64) -> Self {
        Cell::Number(value)
    }
}

impl From<i64> for Cell {
    /// Exact up to ±2^53 (Excel itself keeps 15 significant digits).
    fn from(value: i64) -> Self {
        Cell::Number(value as f64)
    }
}

impl From<NaiveDate> for Cell {
    fn from(value: NaiveDate) -> Self {
        Cell::Date(value)
    }
}

impl From<NaiveDateTime> for Cell {
    fn from(value: NaiveDateTime) -> Self {
        Cell::DateTime(value)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    /// `None` becomes [`Cell::Empty`].
    fn from(value: Option<T>) -> Self {
        value.map_or(Cell::Empty, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_borrowed(c: Cow<'_, str>) -> bool {
        matches!(c, Cow::Borrowed(_))
    }

    #[test]
    fn every_trigger_character_is_prefixed() {
        for (input, expected) in [
            ("=1+1", "'=1+1"),
            ("+33 1 23 45 67 89", "'+33 1 23 45 67 89"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
            ("\t=1", "'\t=1"),
            ("\rligne", "'\rligne"),
        ] {
            let out = safe_cell(input);
            assert_eq!(out, expected, "input {input:?}");
            assert!(!is_borrowed(out));
        }
    }

    #[test]
    fn lone_minus_and_negative_looking_text_are_prefixed() {
        assert_eq!(safe_cell("-"), "'-");
        assert_eq!(safe_cell("-5"), "'-5");
        assert_eq!(safe_cell("-3,14"), "'-3,14");
    }

    #[test]
    fn harmless_values_are_borrowed_and_identical() {
        for input in [
            "",
            "Très satisfait, accueil à l'accent chaleureux : ça va ! œ",
            "مرحبا بكم في المحافظة",
            "Super 👍🏽 merci",
            "a=b",
            "1+1",
            "5",
            " =1+1",
            "'=déjà protégé",
            "\n=1",
        ] {
            let out = safe_cell(input);
            assert_eq!(out.as_bytes(), input.as_bytes());
            assert!(is_borrowed(out), "input {input:?}");
        }
    }

    #[test]
    fn unicode_after_a_trigger_is_kept() {
        assert_eq!(safe_cell("=مرحبا"), "'=مرحبا");
        assert_eq!(safe_cell("@😀"), "'@😀");
    }

    #[test]
    fn csv_rendering_of_cells() {
        let date = NaiveDate::from_ymd_opt(2025, 3, 7).unwrap();
        let dt = date.and_hms_milli_opt(9, 5, 3, 750).unwrap();
        assert_eq!(Cell::Date(date).to_csv_string(), "2025-03-07");
        assert_eq!(Cell::DateTime(dt).to_csv_string(), "2025-03-07 09:05:03");
        assert_eq!(Cell::Number(3.0).to_csv_string(), "3");
        assert_eq!(Cell::Number(-2.0).to_csv_string(), "-2");
        assert_eq!(Cell::Number(3.5).to_csv_string(), "3.5");
        assert_eq!(Cell::Number(-0.0).to_csv_string(), "0");
        assert_eq!(Cell::Number(1e16).to_csv_string(), "10000000000000000");
        assert_eq!(Cell::Number(f64::NAN).to_csv_string(), "");
        assert_eq!(Cell::Number(f64::INFINITY).to_csv_string(), "");
        assert_eq!(Cell::Text("=x".into()).to_csv_string(), "=x");
        assert_eq!(Cell::Empty.to_csv_string(), "");
        assert_eq!(Cell::from(None::<i64>), Cell::Empty);
        assert_eq!(Cell::from(Some(4_i64)), Cell::Number(4.0));
    }
}
