//! Public references of complaints and suggestions: `REC-2026-000123` for a réclamation,
//! `SUG-2026-000045` for a suggestion (../shared/DESIGN.md §1). The number is sequential per year
//! and type and is assigned by the database; this module only formats and parses.

/// Prefix of a réclamation's reference.
pub const PREFIX_RECLAMATION: &str = "REC";

/// Prefix of a suggestion's reference.
pub const PREFIX_SUGGESTION: &str = "SUG";

/// The canonical reference `PREFIX-YYYY-NNNNNN`: the year on 4 digits, the number zero-padded to
/// 6 digits (more digits when it exceeds 999,999).
///
/// `prefix` should be [`PREFIX_RECLAMATION`] or [`PREFIX_SUGGESTION`], `year` in 1000..=9999 and
/// `number` ≥ 1; other values are formatted as given (not validated).
///
/// Example: `format_reference("REC", 2026, 123)` = `"REC-2026-000123"`.
pub fn format_reference(prefix: &str, year: i32, number: i64) -> String {
    format!("{prefix}-{year:04}-{number:06}")
}

/// Canonical form ([`format_reference`]) of a reference as a visitor typed it, or `None` if it is
/// not a reference.
///
/// Accepted: surrounding whitespace; any letter case; between prefix, year and number, a run of
/// spaces or hyphens (including the Unicode dashes a copy from a letter or PDF may bring) or no
/// separator at all; an unpadded or over-padded number; Arabic-Indic and full-width digits (as
/// typed on some phone keyboards); invisible bidirectional marks (as pasted from right-to-left
/// text). The prefix must be `REC` or `SUG`, the year exactly 4 digits, the number ≥ 1 and within
/// `i64`.
///
/// Examples: `" rec 2026 123 "`, `"REC2026000123"`, `"Rec-2026-000123"` → `"REC-2026-000123"`;
/// `"ABC-2026-1"`, `"REC-26-1"`, `"REC-2026-"`, `"REC-2026-0"` → `None`.
pub fn normalize_reference(input: &str) -> Option<String> {
    let chars: Vec<char> = input.chars().filter(|&c| !is_invisible_mark(c)).collect();
    let mut rest: &[char] = trim_chars(&chars);

    let &[a, b, c] = rest.get(..3)? else { return None };
    let prefix = match [a, b, c].map(|c| c.to_ascii_uppercase()) {
        ['R', 'E', 'C'] => PREFIX_RECLAMATION,
        ['S', 'U', 'G'] => PREFIX_SUGGESTION,
        _ => return None,
    };
    rest = skip_separators(&rest[3..]);

    let mut year = 0i32;
    for i in 0..4 {
        year = year * 10 + digit_value(*rest.get(i)?)? as i32;
    }
    rest = skip_separators(&rest[4..]);

    if rest.is_empty() {
        return None;
    }
    let mut number = 0i64;
    for &c in rest {
        number = number.checked_mul(10)?.checked_add(i64::from(digit_value(c)?))?;
    }
    if number == 0 {
        return None;
    }
    Some(format_reference(prefix, year, number))
}

/// `chars` without leading and trailing whitespace.
fn trim_chars(chars: &[char]) -> &[char] {
    let start = chars.iter().position(|c| !c.is_whitespace()).unwrap_or(chars.len());
    let end = chars.iter().rposition(|c| !c.is_whitespace()).map_or(start, |i| i + 1);
    &chars[start..end]
}

/// `chars` without its leading separators (whitespace, ASCII hyphen, Unicode hyphens and dashes,
/// minus sign).
fn skip_separators(chars: &[char]) -> &[char] {
    let is_separator = |c: &char| {
        c.is_whitespace() || matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}')
    };
    let start = chars.iter().position(|c| !is_separator(c)).unwrap_or(chars.len());
    &chars[start..]
}

/// Value of a decimal digit: ASCII, Arabic-Indic (U+0660…), Extended Arabic-Indic (U+06F0…,
/// Persian/Urdu keyboards) or full-width (U+FF10…).
fn digit_value(c: char) -> Option<u32> {
    let zero = match c {
        '0'..='9' => '0',
        '\u{0660}'..='\u{0669}' => '\u{0660}',
        '\u{06F0}'..='\u{06F9}' => '\u{06F0}',
        '\u{FF10}'..='\u{FF19}' => '\u{FF10}',
        _ => return None,
    };
    Some(c as u32 - zero as u32)
}

/// Zero-width and bidirectional formatting characters, invisible when pasted.
fn is_invisible_mark(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let cases = [
            ("REC", 2026, 123, "REC-2026-000123"),
            ("SUG", 2026, 45, "SUG-2026-000045"),
            ("REC", 2026, 1, "REC-2026-000001"),
            ("REC", 2026, 999_999, "REC-2026-999999"),
            ("REC", 2027, 1_000_000, "REC-2027-1000000"),
            ("SUG", 2030, 12_345_678, "SUG-2030-12345678"),
        ];
        for (prefix, year, number, expected) in cases {
            assert_eq!(format_reference(prefix, year, number), expected);
            assert_eq!(normalize_reference(expected).as_deref(), Some(expected), "round trip");
        }
        assert_eq!(format_reference(PREFIX_RECLAMATION, 2026, 7), "REC-2026-000007");
        assert_eq!(format_reference(PREFIX_SUGGESTION, 2026, 7), "SUG-2026-000007");
    }

    #[test]
    fn normalizes_what_visitors_type() {
        let cases = [
            ("REC-2026-000123", "REC-2026-000123"),
            ("rec-2026-000123", "REC-2026-000123"),
            ("  Rec-2026-000123\n", "REC-2026-000123"),
            ("rec 2026 123", "REC-2026-000123"),
            ("REC2026000123", "REC-2026-000123"),
            ("REC2026123", "REC-2026-000123"),
            ("REC-2026-123", "REC-2026-000123"),
            ("REC 2026-123", "REC-2026-000123"),
            ("REC - 2026 - 123", "REC-2026-000123"),
            ("REC--2026--000123", "REC-2026-000123"),
            ("REC\t2026\u{00A0}123", "REC-2026-000123"), // tab, no-break space
            ("REC\u{2013}2026\u{2013}000123", "REC-2026-000123"), // en dashes
            ("REC-2026-0000000123", "REC-2026-000123"),  // over-padded
            ("sug-2026-45", "SUG-2026-000045"),
            ("SuG2026 45", "SUG-2026-000045"),
            ("REC-2026-1234567", "REC-2026-1234567"),
            ("REC20261234567", "REC-2026-1234567"),
            ("REC-2026-\u{0661}\u{0662}\u{0663}", "REC-2026-000123"), // Arabic-Indic digits
            ("REC-\u{06F2}\u{06F0}\u{06F2}\u{06F6}-123", "REC-2026-000123"), // Persian digits
            ("REC-２０２６-１２３", "REC-2026-000123"),               // full-width digits
            ("\u{200F}REC-2026-000123\u{200F}", "REC-2026-000123"),   // right-to-left marks
            ("\u{FEFF}REC-2026-000123", "REC-2026-000123"),           // byte-order mark
        ];
        for (input, expected) in cases {
            assert_eq!(normalize_reference(input).as_deref(), Some(expected), "{input:?}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_reference() {
        let cases = [
            "",
            "   ",
            "REC",
            "REC-",
            "REC-2026",
            "REC-2026-",
            "REC-2026-0",
            "REC-2026-000000",
            "REC-26-123",
            "REC-202-6123-",
            "REC-20260-123",
            "ABC-2026-000123",
            "RE-2026-000123",
            "RECL-2026-000123",
            "REC-2026-000123X",
            "REC-2026-000123 x",
            "REC-2026-12 3",
            "REC-2026-+123",
            "REC-2026--123-",
            "REC-2026/000123",
            "REC.2026.000123",
            "REC-2026-99999999999999999999", // overflows i64
            "N° REC-2026-000123",
            "réc-2026-000123",
            "ＲＥＣ-2026-000123", // full-width letters are not accepted
            "🙂-2026-000123",
            "R🙂C-2026-000123",
        ];
        for input in cases {
            assert_eq!(normalize_reference(input), None, "{input:?}");
        }
    }
}
