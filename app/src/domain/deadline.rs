//! Deadlines of a complaint or suggestion (Services Publics+ engagement 4, ../shared/DESIGN.md §2):
//! an acknowledgement of receipt within 7 calendar days (electronic request) or 14 (paper), and a
//! reply on the merits within a configurable number of working days (default 15), counted from the
//! day after receipt.
//!
//! Every date here is a Europe/Paris calendar date ([`NaiveDate`]); the caller converts UTC
//! timestamps first, so a reply sent at 23:30 Paris time on the due date is on time.

use super::calendar::WorkingCalendar;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// Acknowledgement deadline of an electronic request (web form, tablet, email), in calendar days
/// after the date of receipt (Services Publics+ engagement 4).
pub const ACK_DAYS_ELECTRONIC: i64 = 7;

/// Acknowledgement deadline of a paper request (letter, paper slip dropped on site), in calendar
/// days after the date of receipt (Services Publics+ engagement 4).
pub const ACK_DAYS_PAPER: i64 = 14;

/// Default reply deadline, in working days counted from the day after receipt (Services Publics+
/// engagement 4; configurable per deployment).
pub const DEFAULT_REPLY_WORKING_DAYS: u32 = 15;

/// An open reply deadline is [`DeadlineState::DueSoon`] when at most this many working days are
/// left (the due date itself included; 0 = due today).
pub const DUE_SOON_WORKING_DAYS: i64 = 2;

/// An open acknowledgement deadline is [`DeadlineState::DueSoon`] when at most this many calendar
/// days are left (0 = due today). Same threshold as [`DUE_SOON_WORKING_DAYS`], in calendar days.
pub const DUE_SOON_ACK_CALENDAR_DAYS: i64 = 2;

/// Where a deadline stands on a given day.
///
/// Units: for the reply deadline ([`reply_state`]) every count is in **working days** (see
/// [`WorkingCalendar::working_days_between`]); for the acknowledgement deadline ([`ack_state`]) in
/// **calendar days**.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeadlineState {
    /// Not done, due date still more than the due-soon threshold away; `remaining` days until
    /// the due date (> threshold).
    OnTime {
        /// Days left until the due date, due date included.
        remaining: i64,
    },
    /// Not done, due within the threshold: `remaining` is 0 (due today) up to the threshold.
    DueSoon {
        /// Days left until the due date, due date included; 0 on the due date.
        remaining: i64,
    },
    /// Not done and the due date has passed.
    Late {
        /// Days past the due date, at least 1 (even on a weekend right after a Friday due date).
        by: i64,
    },
    /// Done on or before the due date.
    Done {
        /// Days from receipt to completion (0 if done the day of receipt).
        took: i64,
    },
    /// Done after the due date.
    DoneLate {
        /// Days from receipt to completion.
        took: i64,
        /// Days past the due date, at least 1.
        by: i64,
    },
}

impl DeadlineState {
    /// Whether the deadline was missed, done or not ([`DeadlineState::Late`] or
    /// [`DeadlineState::DoneLate`]).
    pub fn is_late(&self) -> bool {
        matches!(self, Self::Late { .. } | Self::DoneLate { .. })
    }

    /// Whether the step is done ([`DeadlineState::Done`] or [`DeadlineState::DoneLate`]).
    pub fn is_done(&self) -> bool {
        matches!(self, Self::Done { .. } | Self::DoneLate { .. })
    }
}

/// Acknowledgement due date: `received_on` + [`ACK_DAYS_PAPER`] (14) calendar days for a paper
/// request (`paper == true`: letter, paper slip), + [`ACK_DAYS_ELECTRONIC`] (7) otherwise (web,
/// tablet, email). Europe/Paris dates; saturates at [`NaiveDate::MAX`].
pub fn ack_due(received_on: NaiveDate, paper: bool) -> NaiveDate {
    let days = if paper { ACK_DAYS_PAPER } else { ACK_DAYS_ELECTRONIC };
    received_on.checked_add_days(Days::new(days.unsigned_abs())).unwrap_or(NaiveDate::MAX)
}

/// Reply due date: the `working_days`-th working day of `cal` strictly after `received_on`
/// (counting starts the day after receipt; Services Publics+ engagement 4). Use
/// [`DEFAULT_REPLY_WORKING_DAYS`] unless the deployment configures another value.
///
/// Example: received Friday 2025-04-25, 10 working days → Tuesday 2025-05-13 (1 and 8 May are
/// holidays).
pub fn reply_due(cal: &WorkingCalendar, received_on: NaiveDate, working_days: u32) -> NaiveDate {
    cal.add_working_days(received_on, working_days)
}

/// State of the reply deadline `due` of a request received on `received_on`, replied on `done_on`
/// (if replied), seen on `today`. All Europe/Paris dates; every count in **working days** of `cal`.
///
/// - replied on or before `due` → `Done { took }`, `took` = working days from receipt to reply;
/// - replied after `due` → `DoneLate { took, by }`, `by` = working days from `due` to the reply, at
///   least 1;
/// - not replied, `today > due` → `Late { by }`, at least 1 (a Saturday after a Friday due date is
///   late by 1);
/// - otherwise `remaining` = working days from `today` to `due` → `DueSoon` when at most
///   [`DUE_SOON_WORKING_DAYS`], else `OnTime`.
///
/// `took` is negative only if `done_on < received_on` (inconsistent data).
pub fn reply_state(
    cal: &WorkingCalendar,
    received_on: NaiveDate,
    due: NaiveDate,
    done_on: Option<NaiveDate>,
    today: NaiveDate,
) -> DeadlineState {
    classify(received_on, due, done_on, today, DUE_SOON_WORKING_DAYS, |from, to| cal.working_days_between(from, to))
}

/// State of the acknowledgement deadline `due` (see [`ack_due`]) of a request received on
/// `received_on`, acknowledged on `done_on` (if so), seen on `today`. All Europe/Paris dates;
/// every count in **calendar days**. Same rules as [`reply_state`], with
/// [`DUE_SOON_ACK_CALENDAR_DAYS`] as the due-soon threshold.
pub fn ack_state(
    received_on: NaiveDate,
    due: NaiveDate,
    done_on: Option<NaiveDate>,
    today: NaiveDate,
) -> DeadlineState {
    classify(received_on, due, done_on, today, DUE_SOON_ACK_CALENDAR_DAYS, |from, to| (to - from).num_days())
}

/// Shared rules of [`reply_state`] and [`ack_state`]; `days_between(a, b)` counts days in
/// `a < d <= b` in the deadline's unit.
fn classify(
    received_on: NaiveDate,
    due: NaiveDate,
    done_on: Option<NaiveDate>,
    today: NaiveDate,
    due_soon: i64,
    days_between: impl Fn(NaiveDate, NaiveDate) -> i64,
) -> DeadlineState {
    match done_on {
        Some(done) => {
            let took = days_between(received_on, done);
            if done <= due {
                DeadlineState::Done { took }
            } else {
                DeadlineState::DoneLate { took, by: days_between(due, done).max(1) }
            }
        }
        None if today > due => DeadlineState::Late { by: days_between(due, today).max(1) },
        None => {
            let remaining = days_between(today, due);
            if remaining <= due_soon {
                DeadlineState::DueSoon { remaining }
            } else {
                DeadlineState::OnTime { remaining }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeadlineState::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn ack_due_dates() {
        let cases = [
            ("2025-04-25", false, "2025-05-02"),
            ("2025-04-25", true, "2025-05-09"),
            ("2025-12-28", false, "2026-01-04"), // calendar days: weekends and 1 Jan count
            ("2025-12-28", true, "2026-01-11"),
            ("2028-02-25", false, "2028-03-03"), // leap year: 29 February counts
        ];
        for (received, paper, expected) in cases {
            assert_eq!(ack_due(d(received), paper), d(expected), "{received} paper={paper}");
        }
        assert_eq!(ack_due(NaiveDate::MAX, true), NaiveDate::MAX);
    }

    #[test]
    fn reply_due_dates() {
        let france = WorkingCalendar::france();
        let alsace = WorkingCalendar::alsace_moselle();
        let cases = [
            // Worked example: Fri 25/04/2025 + 10 working days. Mon 28 (1), Tue 29 (2), Wed 30 (3),
            // Thu 1 May holiday, Fri 2 (4), Mon 5 (5), Tue 6 (6), Wed 7 (7), Thu 8 May holiday,
            // Fri 9 (8), Mon 12 (9), Tue 13 (10) → Tue 13/05/2025 (09/05 if holidays were ignored).
            (&france, "2025-04-25", 10, "2025-05-13"),
            // Received Sat 26/04/2025: Sunday 27 does not count, Mon 28 is working day 1, then as
            // above → Tue 13/05/2025 as well.
            (&france, "2025-04-26", 10, "2025-05-13"),
            (&france, "2025-04-27", 10, "2025-05-13"), // Sunday, same
            (&france, "2025-04-28", 10, "2025-05-14"), // Monday: one day later
            // Default 15 days from Mon 28/04/2025: 28 does not count. Tue 29 (1), Wed 30 (2),
            // Fri 2 (3), 5–7 (6), Fri 9 (7), 12–16 (12), 19–21 (15) → Wed 21/05/2025.
            (&france, "2025-04-28", DEFAULT_REPLY_WORKING_DAYS, "2025-05-21"),
            // Across the new year, received Wed 24/12/2025: Thu 25 holiday, Fri 26 (1), 29–31 (4),
            // Thu 1 Jan holiday, Fri 2 (5), 5–9 (10), 12–16 (15) → Fri 16/01/2026.
            (&france, "2025-12-24", 15, "2026-01-16"),
            (&france, "2025-12-24", 10, "2026-01-09"),
            // Alsace-Moselle: Fri 26 December is a holiday too → one working day later, Mon 19/01.
            (&alsace, "2025-12-24", 15, "2026-01-19"),
            // Alsace-Moselle around Easter 2026: Thu 02/04 + 1 → Good Friday 03/04 and Easter
            // Monday 06/04 are holidays → Tue 07/04/2026; in the rest of France Fri 03/04.
            (&alsace, "2026-04-02", 1, "2026-04-07"),
            (&france, "2026-04-02", 1, "2026-04-03"),
            // Ascension 2027 is Thu 06/05 (and 8 May a Saturday): Wed 05/05/2027 + 2 → Mon 10/05.
            (&france, "2027-05-05", 2, "2027-05-10"),
            // Whit Monday 2026 is 25/05: Fri 22/05/2026 + 1 → Tue 26/05.
            (&france, "2026-05-22", 1, "2026-05-26"),
            (&france, "2026-05-22", 0, "2026-05-22"),
        ];
        for (cal, received, days, expected) in cases {
            assert_eq!(reply_due(cal, d(received), days), d(expected), "{received} + {days}");
        }
    }

    #[test]
    fn reply_states() {
        let cal = WorkingCalendar::france();
        let received = d("2025-04-25"); // Friday
        let due = reply_due(&cal, received, 10);
        assert_eq!(due, d("2025-05-13"));
        let cases: [(Option<&str>, &str, DeadlineState); 17] = [
            // Done: took counts working days from the day after receipt to the reply date.
            (Some("2025-05-02"), "2025-06-30", Done { took: 4 }), // the worked example
            (Some("2025-04-25"), "2025-06-30", Done { took: 0 }), // replied the day of receipt
            (Some("2025-04-26"), "2025-06-30", Done { took: 0 }), // Saturday after
            (Some("2025-05-13"), "2025-06-30", Done { took: 10 }), // on the due date = on time
            (Some("2025-05-14"), "2025-06-30", DoneLate { took: 11, by: 1 }),
            (Some("2025-05-16"), "2025-05-16", DoneLate { took: 13, by: 3 }),
            (Some("2025-05-17"), "2025-06-30", DoneLate { took: 13, by: 3 }), // Sat: not a working day
            // Open: remaining working days from today to the due date.
            (None, "2025-04-25", OnTime { remaining: 10 }),
            (None, "2025-05-07", OnTime { remaining: 3 }), // Thu 8 May holiday, Fri 9, Mon 12, Tue 13
            (None, "2025-05-08", OnTime { remaining: 3 }), // on the holiday itself: 9, 12, 13
            (None, "2025-05-09", DueSoon { remaining: 2 }), // Mon 12, Tue 13
            (None, "2025-05-10", DueSoon { remaining: 2 }), // Saturday
            (None, "2025-05-12", DueSoon { remaining: 1 }),
            (None, "2025-05-13", DueSoon { remaining: 0 }), // due today
            (None, "2025-05-14", Late { by: 1 }),
            (None, "2025-05-16", Late { by: 3 }),
            (None, "2025-05-19", Late { by: 4 }), // weekend not counted
        ];
        for (done, today, expected) in cases {
            let state = reply_state(&cal, received, due, done.map(d), d(today));
            assert_eq!(state, expected, "done {done:?}, today {today}");
        }
    }

    #[test]
    fn late_by_at_least_one_on_the_weekend_after_a_friday_due_date() {
        let cal = WorkingCalendar::france();
        let received = d("2025-12-24");
        let due = reply_due(&cal, received, 15);
        assert_eq!(due, d("2026-01-16")); // Friday
        let cases = [
            (None, "2026-01-16", DueSoon { remaining: 0 }),
            (None, "2026-01-17", Late { by: 1 }), // Saturday: 0 working days, shown as 1
            (None, "2026-01-18", Late { by: 1 }), // Sunday
            (None, "2026-01-19", Late { by: 1 }), // Monday
            (None, "2026-01-20", Late { by: 2 }),
            (Some("2026-01-17"), "2026-01-20", DoneLate { took: 15, by: 1 }),
            (Some("2026-01-16"), "2026-01-20", Done { took: 15 }),
        ];
        for (done, today, expected) in cases {
            let state = reply_state(&cal, received, due, done.map(d), d(today));
            assert_eq!(state, expected, "done {done:?}, today {today}");
        }
    }

    #[test]
    fn ack_states() {
        let received = d("2025-04-25");
        let due = ack_due(received, false);
        assert_eq!(due, d("2025-05-02"));
        let cases = [
            (Some("2025-04-25"), "2025-06-30", Done { took: 0 }),
            (Some("2025-04-26"), "2025-06-30", Done { took: 1 }), // calendar days: Saturday counts
            (Some("2025-05-02"), "2025-06-30", Done { took: 7 }), // on the due date
            (Some("2025-05-05"), "2025-06-30", DoneLate { took: 10, by: 3 }),
            (None, "2025-04-25", OnTime { remaining: 7 }),
            (None, "2025-04-29", OnTime { remaining: 3 }),
            (None, "2025-04-30", DueSoon { remaining: 2 }),
            (None, "2025-05-01", DueSoon { remaining: 1 }), // holidays do not matter here
            (None, "2025-05-02", DueSoon { remaining: 0 }),
            (None, "2025-05-03", Late { by: 1 }),
            (None, "2025-05-12", Late { by: 10 }),
        ];
        for (done, today, expected) in cases {
            let state = ack_state(received, due, done.map(d), d(today));
            assert_eq!(state, expected, "done {done:?}, today {today}");
        }
        let paper_due = ack_due(received, true);
        assert_eq!(ack_state(received, paper_due, None, d("2025-05-03")), OnTime { remaining: 6 });
    }

    #[test]
    fn state_helpers_and_serde() {
        assert!(Late { by: 1 }.is_late() && DoneLate { took: 3, by: 1 }.is_late());
        assert!(!DueSoon { remaining: 0 }.is_late() && !Done { took: 1 }.is_late());
        assert!(Done { took: 1 }.is_done() && DoneLate { took: 3, by: 1 }.is_done());
        assert!(!OnTime { remaining: 5 }.is_done() && !Late { by: 1 }.is_done());
        let state = DoneLate { took: 12, by: 2 };
        let json = serde_json::to_string(&state).unwrap();
        assert_eq!(json, r#"{"DoneLate":{"took":12,"by":2}}"#);
        assert_eq!(serde_json::from_str::<DeadlineState>(&json).unwrap(), state);
    }
}
