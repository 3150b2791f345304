//! Time zone rules: instants are stored in UTC; days are Europe/Paris calendar days.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Paris;

/// The Europe/Paris calendar day of the instant `now` (e.g. 2025-03-30 22:30 UTC is 31 March in
/// Paris, summer time).
pub fn paris_day(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&Paris).date_naive()
}

/// A date as French users read it: `dd/mm/yyyy`.
pub fn french_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn paris_day_crosses_midnight_in_summer_and_winter() {
        // 00:30 in Paris on 31 March 2025 (summer time, UTC+2) is 22:30 UTC on 30 March.
        assert_eq!(paris_day(Utc.with_ymd_and_hms(2025, 3, 30, 22, 30, 0).unwrap()), NaiveDate::from_ymd_opt(2025, 3, 31).unwrap());
        // 23:30 UTC on 15 January is 00:30 on 16 January in Paris (UTC+1).
        assert_eq!(paris_day(Utc.with_ymd_and_hms(2025, 1, 15, 23, 30, 0).unwrap()), NaiveDate::from_ymd_opt(2025, 1, 16).unwrap());
        assert_eq!(paris_day(Utc.with_ymd_and_hms(2025, 1, 15, 22, 59, 0).unwrap()), NaiveDate::from_ymd_opt(2025, 1, 15).unwrap());
    }

    #[test]
    fn french_date_format() {
        assert_eq!(french_date(NaiveDate::from_ymd_opt(2025, 5, 13).unwrap()), "13/05/2025");
    }
}
