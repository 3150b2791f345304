//! Single-use visit codes, printed on slips or receipts (issue 6): a survey opened with a code
//! counts once per code, and the dashboard shows the share of responses with a valid code.
//!
//! A code is 8 characters from [`ALPHABET`] — digits and capital letters without the look-alikes
//! `0`/`O`, `1`/`I`/`L`, and without `U` (read as `V`) — shown in two groups as `ABCD-EFGH`
//! ([`VisitCode::display`]) and stored without the dash ([`VisitCode::as_str`]). A visitor may type
//! it in any letter case, with or without the dash or spaces ([`VisitCode::parse`]).
//!
//! 30⁸ ≈ 6.6 × 10¹¹ codes: with a thousand codes of a site in circulation, a guess hits one in
//! about 650 million tries. Codes carry no personal data: they are drawn at random
//! ([`VisitCode::from_random_bytes`], fed by the operating system's generator on the server).

use serde::{Deserialize, Serialize};

/// The symbols of a code: `2`–`9` and `A`–`Z` without `I`, `L`, `O`, `U` (30 symbols).
pub const ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Number of symbols in a code.
pub const CODE_LEN: usize = 8;

/// Largest batch of codes created at once (one print run).
pub const BATCH_MAX: u32 = 1000;

/// Query parameter of the survey page (and hidden field of its form) carrying the code:
/// `/enquete/{site}?code=ABCD-EFGH`.
pub const CODE_PARAM: &str = "code";

/// Longest batch label, in characters.
pub const LABEL_MAX_CHARS: usize = 120;

/// A well-formed visit code (whether it exists is the database's business).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct VisitCode(String);

impl VisitCode {
    /// Reads a code as typed or scanned: surrounding whitespace, letter case, and dashes or spaces
    /// anywhere are ignored (`abcd-efgh`, `ABCDEFGH`, ` abcd efgh ` are the same code). `None`
    /// when, once those are removed, it is not exactly [`CODE_LEN`] symbols of [`ALPHABET`]
    /// (e.g. it contains `0`, `O`, `1`, `I`, `L` or `U`).
    pub fn parse(input: &str) -> Option<Self> {
        let mut code = String::with_capacity(CODE_LEN);
        for c in input.chars() {
            if c == '-' || c.is_whitespace() {
                continue;
            }
            let upper = c.to_ascii_uppercase();
            if !upper.is_ascii() || !ALPHABET.contains(&(upper as u8)) {
                return None;
            }
            code.push(upper);
            if code.len() > CODE_LEN {
                return None;
            }
        }
        (code.len() == CODE_LEN).then_some(Self(code))
    }

    /// A code drawn from `next_byte`, a source of uniformly random bytes (the server passes the
    /// operating system's generator). Bytes of 240 and above are skipped, so that each symbol is
    /// exactly equally likely (240 = 8 × 30).
    pub fn from_random_bytes(mut next_byte: impl FnMut() -> u8) -> Self {
        let mut code = String::with_capacity(CODE_LEN);
        while code.len() < CODE_LEN {
            let b = next_byte();
            if b < 240 {
                code.push(char::from(ALPHABET[usize::from(b % 30)]));
            }
        }
        Self(code)
    }

    /// The stored form: 8 capital symbols, no dash (`ABCDEFGH`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The printed form: two groups of four joined by a dash (`ABCD-EFGH`).
    pub fn display(&self) -> String {
        let (a, b) = self.0.split_at(CODE_LEN / 2);
        format!("{a}-{b}")
    }
}

impl std::fmt::Display for VisitCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display())
    }
}

/// The survey link of a slip: `{base}/enquete/{site}?code=ABCD-EFGH` (`base` without its
/// trailing slash, e.g. `https://avis.essonne.gouv.fr`).
pub fn survey_url(base: &str, site_slug: &str, code: Option<&VisitCode>) -> String {
    let base = base.trim_end_matches('/');
    match code {
        Some(c) => format!("{base}/enquete/{site_slug}?{CODE_PARAM}={}", c.display()),
        None => format!("{base}/enquete/{site_slug}"),
    }
}

/// What a code opening the survey of a site turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeState {
    /// A code of this site, not used yet: the response will count with it.
    Valid,
    /// A code of this site already used: the survey can be read, not sent again.
    Used,
    /// Not a code of this site (mistyped, unknown, or another site's): the survey is answered
    /// normally, the response counts without a code.
    Unknown,
    /// Not looked up: the database could not be reached when the page was shown (the code is
    /// kept in the form and checked when it is sent; nothing is said about it meanwhile).
    Unchecked,
}

/// Share of responses with a valid code, as shown on the dashboard: the whole percentage
/// (rounded half up) of `coded` among `total`, `None` when there is no response (never a
/// division by zero).
pub fn coded_percent(coded: u64, total: u64) -> Option<u64> {
    if total == 0 {
        return None;
    }
    let coded = coded.min(total);
    Some(((u128::from(coded) * 200 + u128::from(total)) / (u128::from(total) * 2)) as u64)
}

/// Parses the batch size typed by staff: a whole number from 1 to [`BATCH_MAX`].
pub fn parse_batch_size(input: &str) -> Option<u32> {
    input.trim().parse::<u32>().ok().filter(|n| (1..=BATCH_MAX).contains(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphabet_has_no_look_alikes() {
        for c in b"01OILU" {
            assert!(!ALPHABET.contains(c), "{}", *c as char);
        }
        let mut sorted = ALPHABET.to_vec();
        sorted.dedup();
        assert_eq!(sorted.len(), 30);
    }

    #[test]
    fn parse_accepts_case_dash_and_spaces() {
        let code = VisitCode::parse("ABCD-EFGH").unwrap();
        assert_eq!(code.as_str(), "ABCDEFGH");
        assert_eq!(code.display(), "ABCD-EFGH");
        assert_eq!(code.to_string(), "ABCD-EFGH");
        for typed in ["abcdefgh", " abcd-efgh ", "AbCd EfGh", "ab-cd-ef-gh"] {
            assert_eq!(VisitCode::parse(typed), Some(code.clone()), "{typed}");
        }
    }

    #[test]
    fn parse_refuses_wrong_length_and_look_alikes() {
        for bad in ["", "ABCD-EFG", "ABCD-EFGHJ", "ABCD-EFG0", "OBCD-EFGH", "1BCD-EFGH", "IBCD-EFGH", "LBCD-EFGH", "UBCD-EFGH", "ABCD_EFGH", "ÀBCD-EFGH", "ABCD-EFG٣"] {
            assert_eq!(VisitCode::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn random_codes_use_the_alphabet_and_skip_biased_bytes() {
        let mut bytes = [250u8, 0, 29, 30, 239, 240, 255, 1, 2, 3, 4].into_iter().cycle();
        let code = VisitCode::from_random_bytes(|| bytes.next().unwrap_or(0));
        // 250 skipped; 0 → '2', 29 → 'Z', 30 → '2', 239 → 239 % 30 = 29 → 'Z', 240 and 255 skipped, 1 → '3', …
        assert_eq!(code.as_str(), "2Z2Z3456");
        assert_eq!(VisitCode::parse(&code.display()), Some(code));
    }

    #[test]
    fn survey_url_joins_base_site_and_code() {
        let code = VisitCode::parse("abcdefgh").unwrap();
        assert_eq!(survey_url("https://avis.essonne.gouv.fr/", "evry", Some(&code)), "https://avis.essonne.gouv.fr/enquete/evry?code=ABCD-EFGH");
        assert_eq!(survey_url("http://127.0.0.1:3000", "etampes", None), "http://127.0.0.1:3000/enquete/etampes");
    }

    #[test]
    fn coded_percent_rounds_and_never_divides_by_zero() {
        assert_eq!(coded_percent(0, 0), None);
        assert_eq!(coded_percent(63, 150), Some(42));
        assert_eq!(coded_percent(1, 200), Some(1)); // 0.5 % rounds up
        assert_eq!(coded_percent(1, 201), Some(0));
        assert_eq!(coded_percent(3, 3), Some(100));
        assert_eq!(coded_percent(5, 3), Some(100));
    }

    #[test]
    fn batch_size_is_one_to_a_thousand() {
        assert_eq!(parse_batch_size(" 50 "), Some(50));
        assert_eq!(parse_batch_size("1000"), Some(1000));
        for bad in ["0", "1001", "-3", "dix", ""] {
            assert_eq!(parse_batch_size(bad), None, "{bad}");
        }
    }
}
