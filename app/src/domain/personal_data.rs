//! Personal-data rules (GDPR): how long the contact data of a closed complaint is kept
//! (storage limitation, art. 5(1)(e)) and how staff find everything held about one person for
//! an access or erasure request (art. 15 and 17). Pure code, no I/O.
//!
//! **Retention.** A complaint is *closed* when its status is "close" or "sans suite"
//! ([`crate::domain::complaint::ComplaintStatus::is_closed`]). Its personal data is due for
//! erasure from the Europe/Paris calendar day `closing day + N months` (`RETENTION_MONTHS`,
//! default 12), months added as on a calendar: 15/03/2025 + 12 months = 15/03/2026, and a day
//! that does not exist in the target month falls back to the month's last day (31/01 + 1 month
//! = 28/02 or 29/02). Days are Europe/Paris days, like every deadline of the application; the
//! job converts them to UTC instants ([`last_due_closing_day`] gives the day, the job the
//! instant at which the next Paris day starts).
//!
//! **Person search.** An e-mail (anything with `@`) matches an e-mail address equal to it once
//! both are folded ([`super::search::fold`]: case, accents and ligatures do not matter,
//! surrounding spaces are dropped). A name matches a stored name containing every word typed,
//! in any order, as whole words (`dupont jean` finds « Jean Dupont » and « DUPONT Jean-Marc »
//! is not found by `marc dupond`).

use super::search::fold;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Months the contact data of a closed complaint is kept by default.
pub const DEFAULT_RETENTION_MONTHS: u32 = 12;
/// Longest retention accepted from the configuration (20 years).
pub const MAX_RETENTION_MONTHS: u32 = 240;
/// Longest search text, in characters (an e-mail address is at most 254).
pub const QUERY_MAX_CHARS: usize = 254;
/// Shortest search text, in characters (after trimming): a single letter would match half the
/// names.
pub const QUERY_MIN_CHARS: usize = 2;

/// The Europe/Paris day from which the data of a complaint closed on `closed_on` is due for
/// erasure with a retention of `months` (`None` beyond chrono's calendar).
pub fn erasure_day(closed_on: NaiveDate, months: u32) -> Option<NaiveDate> {
    closed_on.checked_add_months(Months::new(months))
}

/// Whether a complaint closed on `closed_on` is due for erasure on `today` (Europe/Paris days).
pub fn is_due(closed_on: NaiveDate, today: NaiveDate, months: u32) -> bool {
    erasure_day(closed_on, months).is_some_and(|d| d <= today)
}

/// The latest closing day whose complaints are due for erasure on `today`: every complaint
/// closed on that day or before is due, none closed after it (`None` when no day is, i.e. at the
/// start of chrono's calendar).
pub fn last_due_closing_day(today: NaiveDate, months: u32) -> Option<NaiveDate> {
    // `today - months` is a first guess; month-end clamping can shift the answer by up to three
    // days either way (31/03 − 1 month = 28/02, yet 29/02 … 03/03 are not all due), so the
    // guess is corrected day by day.
    let mut day = today.checked_sub_months(Months::new(months))?;
    while !is_due(day, today, months) {
        day = day.pred_opt()?;
    }
    while let Some(next) = day.succ_opt().filter(|n| is_due(*n, today, months)) {
        day = next;
    }
    Some(day)
}

/// Why a person search was not run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PersonQueryError {
    /// Nothing typed (or fewer than [`QUERY_MIN_CHARS`] letters).
    #[error("too short")]
    TooShort,
    /// More than [`QUERY_MAX_CHARS`] characters.
    #[error("too long")]
    TooLong,
}

/// What staff typed to find a person: an e-mail or a name, folded for comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PersonQuery {
    /// An e-mail address (contains `@`), folded.
    Email(String),
    /// The words of a name, folded.
    Name(Vec<String>),
}

/// The folded words of `text`: runs of letters and digits (hyphens, apostrophes and spaces
/// separate words).
fn words(text: &str) -> Vec<String> {
    fold(text).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

impl PersonQuery {
    /// Parses what was typed.
    ///
    /// # Errors
    /// [`PersonQueryError::TooShort`] for fewer than [`QUERY_MIN_CHARS`] letters or digits,
    /// [`PersonQueryError::TooLong`] beyond [`QUERY_MAX_CHARS`] characters.
    pub fn parse(text: &str) -> Result<Self, PersonQueryError> {
        let text = text.trim();
        if text.chars().count() > QUERY_MAX_CHARS {
            return Err(PersonQueryError::TooLong);
        }
        if text.chars().filter(|c| c.is_alphanumeric()).count() < QUERY_MIN_CHARS {
            return Err(PersonQueryError::TooShort);
        }
        if text.contains('@') {
            Ok(PersonQuery::Email(fold(text)))
        } else {
            Ok(PersonQuery::Name(words(text)))
        }
    }

    /// Whether the stored e-mail address `email` is the one searched.
    pub fn matches_email(&self, email: &str) -> bool {
        matches!(self, PersonQuery::Email(q) if fold(email.trim()) == *q)
    }

    /// Whether the stored name `name` contains every word searched.
    pub fn matches_name(&self, name: &str) -> bool {
        match self {
            PersonQuery::Name(q) => {
                let have = words(name);
                q.iter().all(|w| have.contains(w))
            }
            PersonQuery::Email(_) => false,
        }
    }

    /// Whether a complaint with this name and e-mail is about the person searched.
    pub fn matches(&self, name: Option<&str>, email: Option<&str>) -> bool {
        name.is_some_and(|n| self.matches_name(n)) || email.is_some_and(|e| self.matches_email(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn due_twelve_months_after_the_closing_day() {
        assert_eq!(erasure_day(d(2025, 3, 15), 12), Some(d(2026, 3, 15)));
        assert!(!is_due(d(2025, 3, 15), d(2026, 3, 14), 12));
        assert!(is_due(d(2025, 3, 15), d(2026, 3, 15), 12));
        // Month ends clamp: 31 January + 1 month is the last day of February.
        assert_eq!(erasure_day(d(2026, 1, 31), 1), Some(d(2026, 2, 28)));
        assert_eq!(erasure_day(d(2024, 1, 31), 1), Some(d(2024, 2, 29)));
        assert_eq!(erasure_day(d(2024, 2, 29), 12), Some(d(2025, 2, 28)));
        // Zero months: due the day it is closed.
        assert!(is_due(d(2026, 5, 1), d(2026, 5, 1), 0));
    }

    #[test]
    fn last_due_day_splits_due_from_not_due() {
        for (today, months) in [(d(2026, 3, 31), 1), (d(2026, 2, 28), 1), (d(2024, 2, 29), 12), (d(2026, 11, 30), 12), (d(2026, 1, 1), 0), (d(2025, 5, 31), 3)] {
            let last = last_due_closing_day(today, months).unwrap();
            assert!(is_due(last, today, months), "{today} {months}: {last} due");
            assert!(!is_due(last.succ_opt().unwrap(), today, months), "{today} {months}: day after {last} not due");
        }
        // 28 February 2026, 1 month: everything closed up to 31 January is due (31/01 + 1 month
        // = 28/02), 1 February is not (due 1 March).
        assert_eq!(last_due_closing_day(d(2026, 2, 28), 1), Some(d(2026, 1, 31)));
        assert_eq!(last_due_closing_day(d(2026, 3, 31), 1), Some(d(2026, 2, 28)));
        assert_eq!(last_due_closing_day(d(2026, 11, 30), 12), Some(d(2025, 11, 30)));
    }

    #[test]
    fn e_mails_match_whole_ignoring_case_and_accents() {
        let q = PersonQuery::parse("  Zoé.Martin@Example.FR ").unwrap();
        assert!(q.matches_email("zoe.martin@example.fr"));
        assert!(q.matches_email("ZOÉ.MARTIN@EXAMPLE.FR"));
        assert!(!q.matches_email("zoe.martin@example.fr.evil"));
        assert!(!q.matches_email("a.zoe.martin@example.fr"));
        assert!(!q.matches_name("Zoé Martin"));
        assert!(q.matches(None, Some("zoe.martin@example.fr")));
    }

    #[test]
    fn names_match_every_word_in_any_order() {
        let q = PersonQuery::parse("lefevre zoe").unwrap();
        assert!(q.matches_name("Zoé LEFÈVRE"));
        assert!(q.matches_name("Mme Zoé Lefèvre-Durand"));
        assert!(!q.matches_name("Zoé Lefèvres"));
        assert!(!q.matches_name("Zoé"));
        assert!(!q.matches_email("lefevre@example.fr"));
        assert!(PersonQuery::parse("Œuvre").unwrap().matches_name("Jean OEUVRE"));
        assert!(!q.matches(None, None));
    }

    #[test]
    fn too_short_or_too_long_is_refused() {
        assert_eq!(PersonQuery::parse(""), Err(PersonQueryError::TooShort));
        assert_eq!(PersonQuery::parse(" a "), Err(PersonQueryError::TooShort));
        assert_eq!(PersonQuery::parse("@."), Err(PersonQueryError::TooShort));
        assert_eq!(PersonQuery::parse(&"x".repeat(255)), Err(PersonQueryError::TooLong));
        assert!(PersonQuery::parse("Li").is_ok());
    }
}
