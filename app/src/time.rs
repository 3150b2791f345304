//! Time zone rules: instants are stored in UTC; days are Europe/Paris calendar days.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Paris;

/// The Europe/Paris calendar day of the instant `now` (e.g. 2025-03-30 22:30 UTC is 31 March in
/// Paris, summer time).
pub fn paris_day(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&Paris).date_naive()
}

/// The instant (UTC) at which the Europe/Paris day `day` starts: local midnight (Paris never
/// skips or repeats midnight, DST changes happen at 02:00/03:00), e.g. 2025-03-30 → 2025-03-29
/// 23:00 UTC; on a date beyond chrono's range, `None`.
pub fn paris_day_start(day: NaiveDate) -> Option<DateTime<Utc>> {
    use chrono::TimeZone;
    Paris.from_local_datetime(&day.and_hms_opt(0, 0, 0)?).earliest().map(|t| t.with_timezone(&Utc))
}

/// A date as French users read it: `dd/mm/yyyy`.
pub fn french_date(d: NaiveDate) -> String {
    crate::dashboard::format::french_day(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn paris_days_start_at_local_midnight() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(paris_day_start(d(2025, 3, 30)), Some(Utc.with_ymd_and_hms(2025, 3, 29, 23, 0, 0).unwrap()));
        assert_eq!(paris_day_start(d(2025, 3, 31)), Some(Utc.with_ymd_and_hms(2025, 3, 30, 22, 0, 0).unwrap()));
        assert_eq!(paris_day_start(d(2025, 10, 27)), Some(Utc.with_ymd_and_hms(2025, 10, 26, 23, 0, 0).unwrap()));
    }

    #[test]
    fn paris_day_crosses_midnight_in_summer_and_winter() {
        // 00:30 in Paris on 31 March 2025 (summer time, UTC+2) is 22:30 UTC on 30 March.
        assert_eq!(paris_day(Utc.with_ymd_and_hms(2025, 3, 30, 22, 30, 0).unwrap()), NaiveDate::from_ymd_opt(2025, 3, 31).unwrap());
        // 23:30 UTC on 15 January is 00:30 on 16 January in Paris (UTC+1).
        assert_eq!(paris_day(Utc.with_ymd_and_hms(2025, 1, 15, 23, 30, 0).unwrap()), NaiveDate::from_ymd_opt(2025, 1, 16).unwrap());
        assert_eq!(paris_day(Utc.with_ymd_and_hms(2025, 1, 15, 22, 59, 0).unwrap()), NaiveDate::from_ymd_opt(2025, 1, 15).unwrap());
    }

    #[test]
    fn a_reply_at_23_30_paris_time_on_the_due_day_is_on_time() {
        use crate::domain::calendar::WorkingCalendar;
        use crate::domain::deadline::{reply_due, reply_state, DeadlineState};
        let cal = WorkingCalendar::france();
        let received = NaiveDate::from_ymd_opt(2025, 4, 25).unwrap();
        let due = reply_due(&cal, received, 10);
        assert_eq!(due, NaiveDate::from_ymd_opt(2025, 5, 13).unwrap());
        // 23:30 in Paris on Tuesday 13 May 2025 (summer time) is 21:30 UTC: still the due day.
        let late_evening = paris_day(Utc.with_ymd_and_hms(2025, 5, 13, 21, 30, 0).unwrap());
        assert_eq!(reply_state(&cal, received, due, Some(late_evening), late_evening), DeadlineState::Done { took: 10 });
        // 00:30 in Paris on the 14th (22:30 UTC on the 13th) is one working day late.
        let after_midnight = paris_day(Utc.with_ymd_and_hms(2025, 5, 13, 22, 30, 0).unwrap());
        assert_eq!(reply_state(&cal, received, due, Some(after_midnight), after_midnight), DeadlineState::DoneLate { took: 11, by: 1 });
        // In winter (UTC+1): 23:30 Paris on Friday 16 January 2026 is 22:30 UTC.
        let received = NaiveDate::from_ymd_opt(2025, 12, 24).unwrap();
        let due = reply_due(&cal, received, 15);
        assert_eq!(due, NaiveDate::from_ymd_opt(2026, 1, 16).unwrap());
        let done = paris_day(Utc.with_ymd_and_hms(2026, 1, 16, 22, 30, 0).unwrap());
        assert!(matches!(reply_state(&cal, received, due, Some(done), done), DeadlineState::Done { .. }));
    }

    #[test]
    fn days_of_23_and_25_hours_count_every_response_once() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        // 30 March 2025 has 23 hours in Paris: 00:00 CET = 23:00 UTC on the 29th, 24:00 CEST =
        // 22:00 UTC on the 30th.
        assert_eq!(paris_day(Utc.with_ymd_and_hms(2025, 3, 29, 23, 0, 0).unwrap()), day(2025, 3, 30));
        assert_eq!(paris_day(Utc.with_ymd_and_hms(2025, 3, 30, 21, 59, 59).unwrap()), day(2025, 3, 30));
        assert_eq!(paris_day(Utc.with_ymd_and_hms(2025, 3, 30, 22, 0, 0).unwrap()), day(2025, 3, 31));
        // 26 October 2025 has 25 hours: 00:00 CEST = 22:00 UTC on the 25th, 24:00 CET = 23:00 UTC
        // on the 26th.
        assert_eq!(paris_day(Utc.with_ymd_and_hms(2025, 10, 25, 21, 59, 59).unwrap()), day(2025, 10, 25));
        assert_eq!(paris_day(Utc.with_ymd_and_hms(2025, 10, 25, 22, 0, 0).unwrap()), day(2025, 10, 26));
        assert_eq!(paris_day(Utc.with_ymd_and_hms(2025, 10, 26, 22, 59, 59).unwrap()), day(2025, 10, 26));
        assert_eq!(paris_day(Utc.with_ymd_and_hms(2025, 10, 26, 23, 0, 0).unwrap()), day(2025, 10, 27));
        // Every minute of those two days maps to the day itself: 23 × 60 and 25 × 60 minutes.
        let minutes_on = |d: NaiveDate, from: DateTime<Utc>| (0..26 * 60).filter(|m| paris_day(from + chrono::Duration::minutes(*m)) == d).count();
        assert_eq!(minutes_on(day(2025, 3, 30), Utc.with_ymd_and_hms(2025, 3, 29, 22, 0, 0).unwrap()), 23 * 60);
        assert_eq!(minutes_on(day(2025, 10, 26), Utc.with_ymd_and_hms(2025, 10, 25, 21, 0, 0).unwrap()), 25 * 60);
    }

    #[test]
    fn french_date_format() {
        assert_eq!(french_date(NaiveDate::from_ymd_opt(2025, 5, 13).unwrap()), "13/05/2025");
    }
}
