//! French working-day calendar: public holidays and working-day arithmetic on calendar dates.
//!
//! All dates are Europe/Paris calendar dates ([`NaiveDate`]): the caller converts UTC timestamps
//! to a Paris date first. A *working day* is Monday–Friday and not a public holiday.
//!
//! Sources: the 11 national public holidays are those of the Code du travail, article L3133-1
//! (Whit Monday is listed although it may be the "journée de solidarité"); Alsace-Moselle
//! (Bas-Rhin, Haut-Rhin, Moselle) adds Good Friday and 26 December (Code du travail, article
//! L3134-13). The reply deadline counted with this calendar is the one of ../shared/DESIGN.md §2
//! (Services Publics+ engagement 4): working days counted from the day after receipt.
//!
//! Nothing is cached: each call computes the holidays of the years it needs (a few integer
//! operations per year), so a list of 1,000 complaints costs microseconds.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Name given to every extra holiday added with [`WorkingCalendar::parse`] or
/// [`WorkingCalendar::extra_holidays`].
pub const LOCAL_HOLIDAY_NAME: &str = "Jour férié local";

/// Fixed-date national holidays: (month, day, French name). Code du travail, article L3133-1.
const FIXED_NATIONAL: [(u32, u32, &str); 8] = [
    (1, 1, "Jour de l'an"),
    (5, 1, "Fête du Travail"),
    (5, 8, "Victoire 1945"),
    (7, 14, "Fête nationale"),
    (8, 15, "Assomption"),
    (11, 1, "Toussaint"),
    (11, 11, "Armistice 1918"),
    (12, 25, "Noël"),
];

/// Movable national holidays: (days after Easter Sunday, French name). Code du travail, L3133-1.
const MOVABLE_NATIONAL: [(i64, &str); 3] = [(1, "Lundi de Pâques"), (39, "Ascension"), (50, "Lundi de Pentecôte")];

/// Good Friday (Easter Sunday − 2 days), Alsace-Moselle only (Code du travail, L3134-13).
const GOOD_FRIDAY: (i64, &str) = (-2, "Vendredi saint");

/// 26 December, Alsace-Moselle only (Code du travail, L3134-13).
const ST_STEPHEN: (u32, u32, &str) = (12, 26, "Saint-Étienne");

/// A public holiday on a given date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Holiday {
    /// The Europe/Paris calendar date.
    pub date: NaiveDate,
    /// French name, e.g. "Lundi de Pâques"; extra dates are named [`LOCAL_HOLIDAY_NAME`].
    pub name: &'static str,
}

/// Why a `HOLIDAYS` specification (see [`WorkingCalendar::parse`]) was rejected. Each variant
/// carries the offending item, trimmed.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum CalendarSpecError {
    /// The first item is not a known base calendar.
    #[error("unknown calendar {0:?}; the first item must be \"france\" or \"alsace-moselle\"")]
    UnknownBase(String),
    /// A later item is not a valid `YYYY-MM-DD` date.
    #[error("{0:?} is not a date written YYYY-MM-DD")]
    BadDate(String),
}

/// A French working-day calendar: the national holidays, optionally those of Alsace-Moselle, plus
/// extra one-off dates (e.g. a local holiday or a closure decided by the préfet).
///
/// `Default` is [`WorkingCalendar::france`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingCalendar {
    /// Whether Good Friday and 26 December are holidays too (Alsace-Moselle: Bas-Rhin, Haut-Rhin,
    /// Moselle; Code du travail, L3134-13).
    pub alsace_moselle: bool,
    /// Extra holidays, each a single calendar date (not repeated yearly), in any order; duplicates
    /// and dates that are already holidays are harmless.
    pub extra_holidays: Vec<NaiveDate>,
}

impl WorkingCalendar {
    /// The 11 national public holidays of France (Code du travail, L3133-1): 1 January, Easter
    /// Monday, 1 May, 8 May, Ascension (Easter + 39 days), Whit Monday (Easter + 50 days),
    /// 14 July, 15 August, 1 November, 11 November, 25 December.
    pub fn france() -> Self {
        Self { alsace_moselle: false, extra_holidays: Vec::new() }
    }

    /// [`WorkingCalendar::france`] plus Good Friday and 26 December (Alsace-Moselle, Code du
    /// travail, L3134-13).
    pub fn alsace_moselle() -> Self {
        Self { alsace_moselle: true, extra_holidays: Vec::new() }
    }

    /// Parses the value of the `HOLIDAYS` environment variable: a comma-separated list whose first
    /// item is `france` or `alsace-moselle` (ASCII case-insensitive), followed by optional extra
    /// holidays written `YYYY-MM-DD` (Europe/Paris dates, each a single day).
    ///
    /// Whitespace around items is ignored and so are empty items (a trailing comma); an empty or
    /// blank spec is `france`. The extra dates are stored sorted and without duplicates.
    ///
    /// Examples: `"france"`, `" alsace-moselle , 2026-05-15 "`, `"france,2026-12-24,2026-12-31"`.
    ///
    /// # Errors
    /// [`CalendarSpecError::UnknownBase`] if the first item is not a base calendar (including when
    /// it is a date), [`CalendarSpecError::BadDate`] for a later item that is not a valid date.
    pub fn parse(spec: &str) -> Result<Self, CalendarSpecError> {
        let mut items = spec.split(',').map(str::trim).filter(|item| !item.is_empty());
        let mut calendar = match items.next() {
            None => return Ok(Self::france()),
            Some(base) if base.eq_ignore_ascii_case("france") => Self::france(),
            Some(base) if base.eq_ignore_ascii_case("alsace-moselle") => Self::alsace_moselle(),
            Some(base) => return Err(CalendarSpecError::UnknownBase(base.to_string())),
        };
        for item in items {
            let date = parse_iso_date(item).ok_or_else(|| CalendarSpecError::BadDate(item.to_string()))?;
            calendar.extra_holidays.push(date);
        }
        calendar.extra_holidays.sort_unstable();
        calendar.extra_holidays.dedup();
        Ok(calendar)
    }

    /// The public holidays of `year`, sorted by date, one entry per date.
    ///
    /// When two holidays fall on the same date (Ascension on 1 May, e.g. 2008, or on 8 May, e.g.
    /// 1975; an extra date equal to a national holiday) only the first in this order is kept:
    /// fixed-date national, Easter-based national, Alsace-Moselle, extra ([`LOCAL_HOLIDAY_NAME`]).
    /// Holidays falling on a Saturday or Sunday are listed too.
    pub fn holidays(&self, year: i32) -> Vec<Holiday> {
        let mut list = self.statutory_holidays(year);
        list.extend(
            self.extra_holidays
                .iter()
                .filter(|date| date.year() == year)
                .map(|&date| Holiday { date, name: LOCAL_HOLIDAY_NAME }),
        );
        // Stable sort: on equal dates the earlier source (see above) stays first and is kept.
        list.sort_by_key(|holiday| holiday.date);
        list.dedup_by_key(|holiday| holiday.date);
        list
    }

    /// Whether `date` is a public holiday of this calendar (whatever its day of the week).
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        let (month, day) = (date.month(), date.day());
        if FIXED_NATIONAL.iter().any(|&(m, d, _)| (m, d) == (month, day)) {
            return true;
        }
        if self.alsace_moselle && (ST_STEPHEN.0, ST_STEPHEN.1) == (month, day) {
            return true;
        }
        if let Some(easter) = easter_opt(date.year()) {
            let offset = (date - easter).num_days();
            if MOVABLE_NATIONAL.iter().any(|&(o, _)| o == offset) || (self.alsace_moselle && offset == GOOD_FRIDAY.0) {
                return true;
            }
        }
        self.extra_holidays.contains(&date)
    }

    /// Whether `date` is a working day: Monday to Friday and not a public holiday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        is_weekday(date) && !self.is_holiday(date)
    }

    /// The `n`-th working day strictly after `start` (counting starts the day after receipt, so
    /// `start` itself never counts, whatever its day of the week); `n == 0` returns `start`.
    ///
    /// Example: Friday 2025-04-25 + 10 working days = Tuesday 2025-05-13 (1 May and 8 May are
    /// holidays; without them it would be Friday 2025-05-09).
    ///
    /// Cost: a few rounds of week arithmetic, not a day-by-day loop, so any `n` is cheap.
    /// Saturates at [`NaiveDate::MAX`] instead of overflowing.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut date = start;
        let mut left = u64::from(n);
        while left > 0 {
            // Jump to the `left`-th Monday–Friday after `date`, ignoring holidays. The working days
            // on the way are at most `left`, so this never overshoots; the holidays skipped are made
            // up in the next round.
            let next = add_weekdays(date, left);
            if next == date {
                break; // Saturated at NaiveDate::MAX.
            }
            let counted = self.working_days_between(date, next).unsigned_abs();
            left -= counted.min(left);
            date = next;
        }
        date
    }

    /// Number of working days `d` with `from < d <= to` (so `from` itself never counts); the
    /// negated count of working days in `to < d <= from` when `to < from`; 0 when equal.
    ///
    /// Example: from Friday 2025-04-25 to Friday 2025-05-02 is 4 (28, 29, 30 April and 2 May;
    /// 1 May is a holiday). `working_days_between(a, cal.add_working_days(a, n)) == n`.
    ///
    /// Cost: O(number of calendar years spanned + number of extra holidays).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.working_days_between(to, from);
        }
        let in_range = |date: &NaiveDate| from < *date && *date <= to && is_weekday(*date);
        let mut holidays: Vec<NaiveDate> = (from.year()..=to.year())
            .flat_map(|year| self.statutory_holidays(year))
            .map(|holiday| holiday.date)
            .chain(self.extra_holidays.iter().copied())
            .filter(in_range)
            .collect();
        holidays.sort_unstable();
        holidays.dedup();
        weekdays_between(from, to) - holidays.len() as i64
    }

    /// National holidays of `year` (fixed-date ones, then Easter-based ones), followed by the
    /// Alsace-Moselle ones if enabled; not sorted, possibly two entries on one date. Dates outside
    /// chrono's range are skipped.
    fn statutory_holidays(&self, year: i32) -> Vec<Holiday> {
        let easter = easter_opt(year);
        let fixed = |(month, day, name): (u32, u32, &'static str)| {
            NaiveDate::from_ymd_opt(year, month, day).map(|date| Holiday { date, name })
        };
        let movable = |(offset, name): (i64, &'static str)| {
            let easter = easter?;
            let date = if offset >= 0 {
                easter.checked_add_days(Days::new(offset.unsigned_abs()))
            } else {
                easter.checked_sub_days(Days::new(offset.unsigned_abs()))
            };
            date.map(|date| Holiday { date, name })
        };
        let mut list: Vec<Holiday> = FIXED_NATIONAL.into_iter().filter_map(fixed).collect();
        list.extend(MOVABLE_NATIONAL.into_iter().filter_map(movable));
        if self.alsace_moselle {
            list.extend(movable(GOOD_FRIDAY));
            list.extend(fixed(ST_STEPHEN));
        }
        list
    }
}

/// Easter Sunday of `year` in the Gregorian calendar (proleptic before 1583), computed with the
/// anonymous Gregorian algorithm (Meeus/Jones/Butcher). Always a Sunday between 22 March and
/// 25 April. Examples: 2025-04-20, 2026-04-05, 2027-03-28.
///
/// # Panics
/// If the date is outside chrono's [`NaiveDate`] range (|year| above about 262,000).
pub fn easter_sunday(year: i32) -> NaiveDate {
    easter_opt(year).expect("year within chrono's NaiveDate range")
}

/// [`easter_sunday`] without the panic: `None` outside chrono's date range.
fn easter_opt(year: i32) -> Option<NaiveDate> {
    // Euclidean division keeps every intermediate non-negative for negative years too.
    let y = i64::from(year);
    let a = y.rem_euclid(19);
    let (b, c) = (y.div_euclid(100), y.rem_euclid(100));
    let (d, e) = (b.div_euclid(4), b.rem_euclid(4));
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    NaiveDate::from_ymd_opt(year, (n / 31) as u32, (n % 31 + 1) as u32)
}

/// Whether `date` is Monday to Friday.
fn is_weekday(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Number of Mondays–Fridays `d` with `from < d <= to`; requires `from <= to`.
fn weekdays_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let days = (to - from).num_days();
    let mut count = days / 7 * 5;
    // The remaining (< 7) days after the full weeks, one by one.
    let rest_start = from + Days::new((days / 7 * 7) as u64);
    let mut date = rest_start;
    for _ in 0..days % 7 {
        date = date + Days::new(1);
        if is_weekday(date) {
            count += 1;
        }
    }
    count
}

/// The `k`-th Monday–Friday strictly after `date` (holidays ignored); `date` itself if `k == 0`.
/// Saturates at [`NaiveDate::MAX`].
fn add_weekdays(date: NaiveDate, k: u64) -> NaiveDate {
    if k == 0 {
        return date;
    }
    // Monday = 0. From a Saturday or Sunday, the first weekday is the next Monday; count the rest
    // from there.
    let weekday = u64::from(date.weekday().num_days_from_monday());
    let (mut days, weekday, k) = if weekday >= 5 { (7 - weekday, 0, k - 1) } else { (0, weekday, k) };
    days += k / 5 * 7 + k % 5;
    if weekday + k % 5 >= 5 {
        days += 2; // Crosses a weekend.
    }
    date.checked_add_days(Days::new(days)).unwrap_or(NaiveDate::MAX)
}

/// Strict `YYYY-MM-DD` (four-digit year, two-digit month and day) to a valid date.
fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    let year = text[0..4].parse().ok()?;
    let month = text[5..7].parse().ok()?;
    let day = text[8..10].parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// Knuth's Easter algorithm (TAOCP vol. 1, 1.3.2 ex. 14), independent of the one under test.
    fn easter_knuth(year: i32) -> NaiveDate {
        let y = i64::from(year);
        let g = y % 19 + 1;
        let c = y / 100 + 1;
        let x = 3 * c / 4 - 12;
        let z = (8 * c + 5) / 25 - 5;
        let dd = 5 * y / 4 - x - 10;
        let mut e = (11 * g + 20 + z - x).rem_euclid(30);
        if (e == 25 && g > 11) || e == 24 {
            e += 1;
        }
        let mut n = 44 - e;
        if n < 21 {
            n += 30;
        }
        n = n + 7 - (dd + n).rem_euclid(7);
        if n > 31 {
            NaiveDate::from_ymd_opt(year, 4, (n - 31) as u32).unwrap()
        } else {
            NaiveDate::from_ymd_opt(year, 3, n as u32).unwrap()
        }
    }

    #[test]
    fn easter_known_dates() {
        let cases = [
            (1818, "1818-03-22"), // earliest possible
            (1943, "1943-04-25"), // latest possible
            (2000, "2000-04-23"),
            (2008, "2008-03-23"),
            (2019, "2019-04-21"),
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2027, "2027-03-28"),
            (2028, "2028-04-16"),
            (2038, "2038-04-25"),
            (2285, "2285-03-22"),
        ];
        for (year, expected) in cases {
            assert_eq!(easter_sunday(year), d(expected), "Easter {year}");
        }
    }

    #[test]
    fn easter_matches_knuth_and_is_a_sunday_in_range() {
        for year in 1583..=4099 {
            let easter = easter_sunday(year);
            assert_eq!(easter, easter_knuth(year), "year {year}");
            assert_eq!(easter.weekday(), Weekday::Sun, "year {year}");
            assert!(easter >= NaiveDate::from_ymd_opt(year, 3, 22).unwrap(), "year {year}");
            assert!(easter <= NaiveDate::from_ymd_opt(year, 4, 25).unwrap(), "year {year}");
        }
        // Proleptic and negative years still give a Sunday (no panic, no odd month).
        for year in [-4713, -1, 0, 1, 1000, 1582] {
            assert_eq!(easter_sunday(year).weekday(), Weekday::Sun, "year {year}");
        }
        assert_eq!(easter_opt(i32::MAX), None);
    }

    fn dates(list: &[Holiday]) -> Vec<NaiveDate> {
        list.iter().map(|h| h.date).collect()
    }

    #[test]
    fn national_holidays_2025_2026_2027() {
        #[rustfmt::skip]
        let cases: [(i32, [&str; 11]); 3] = [
            (
                2025,
                [
                    "2025-01-01", "2025-04-21", "2025-05-01", "2025-05-08", "2025-05-29", "2025-06-09",
                    "2025-07-14", "2025-08-15", "2025-11-01", "2025-11-11", "2025-12-25",
                ],
            ),
            (
                2026,
                [
                    "2026-01-01", "2026-04-06", "2026-05-01", "2026-05-08", "2026-05-14", "2026-05-25",
                    "2026-07-14", "2026-08-15", "2026-11-01", "2026-11-11", "2026-12-25",
                ],
            ),
            (
                2027,
                [
                    "2027-01-01", "2027-03-29", "2027-05-01", "2027-05-06", "2027-05-08", "2027-05-17",
                    "2027-07-14", "2027-08-15", "2027-11-01", "2027-11-11", "2027-12-25",
                ],
            ),
        ];
        let france = WorkingCalendar::france();
        for (year, expected) in cases {
            let expected: Vec<NaiveDate> = expected.iter().map(|s| d(s)).collect();
            assert_eq!(dates(&france.holidays(year)), expected, "holidays {year}");
            for date in &expected {
                assert!(france.is_holiday(*date), "{date} is a holiday");
                assert!(!france.is_working_day(*date), "{date} is not a working day");
            }
        }
    }

    #[test]
    fn holiday_names() {
        let list = WorkingCalendar::france().holidays(2026);
        let names: Vec<&str> = list.iter().map(|h| h.name).collect();
        assert_eq!(
            names,
            [
                "Jour de l'an",
                "Lundi de Pâques",
                "Fête du Travail",
                "Victoire 1945",
                "Ascension",
                "Lundi de Pentecôte",
                "Fête nationale",
                "Assomption",
                "Toussaint",
                "Armistice 1918",
                "Noël",
            ]
        );
    }

    #[test]
    fn alsace_moselle_adds_good_friday_and_st_stephen() {
        let alsace = WorkingCalendar::alsace_moselle();
        let france = WorkingCalendar::france();
        for (good_friday, st_stephen) in
            [("2025-04-18", "2025-12-26"), ("2026-04-03", "2026-12-26"), ("2027-03-26", "2027-12-26")]
        {
            let (good_friday, st_stephen) = (d(good_friday), d(st_stephen));
            assert!(alsace.is_holiday(good_friday) && alsace.is_holiday(st_stephen));
            assert!(!france.is_holiday(good_friday) && !france.is_holiday(st_stephen));
            let list = alsace.holidays(good_friday.year());
            assert_eq!(list.len(), 13);
            assert!(list.contains(&Holiday { date: good_friday, name: "Vendredi saint" }));
            assert!(list.contains(&Holiday { date: st_stephen, name: "Saint-Étienne" }));
            assert!(list.windows(2).all(|w| w[0].date < w[1].date), "sorted");
        }
        // Good Friday 2026-04-03 is a Friday: one working day fewer in that week.
        assert_eq!(france.working_days_between(d("2026-03-29"), d("2026-04-05")), 5);
        assert_eq!(alsace.working_days_between(d("2026-03-29"), d("2026-04-05")), 4);
    }

    #[test]
    fn coinciding_holidays_are_listed_once() {
        // 2008: Easter 23 March, Ascension 1 May = Fête du Travail.
        let list = WorkingCalendar::france().holidays(2008);
        assert_eq!(list.len(), 10);
        assert!(list.contains(&Holiday { date: d("2008-05-01"), name: "Fête du Travail" }));
        // 1975: Ascension on 8 May.
        assert_eq!(WorkingCalendar::france().holidays(1975).len(), 10);
        // 1 May 2008 is a Thursday: counted once in the working-day count (Mon 28 Apr–Fri 2 May).
        assert_eq!(WorkingCalendar::france().working_days_between(d("2008-04-27"), d("2008-05-04")), 4);
        // An extra date equal to a national holiday keeps the national name.
        let cal = WorkingCalendar { alsace_moselle: false, extra_holidays: vec![d("2026-07-14")] };
        assert_eq!(cal.holidays(2026).len(), 11);
    }

    #[test]
    fn extra_holidays() {
        let cal = WorkingCalendar::parse("france, 2026-05-15, 2027-01-04").unwrap();
        assert!(cal.is_holiday(d("2026-05-15")));
        assert!(!cal.is_holiday(d("2027-05-15")), "extra dates do not repeat yearly");
        let list = cal.holidays(2026);
        assert_eq!(list.len(), 12);
        assert_eq!(list[5], Holiday { date: d("2026-05-15"), name: LOCAL_HOLIDAY_NAME });
        assert_eq!(cal.holidays(2027).len(), 12);
        // Thu 14 May (Ascension) and Fri 15 May (local): Mon 11 May + 3 working days = Mon 18 May.
        assert_eq!(cal.add_working_days(d("2026-05-11"), 3), d("2026-05-18"));
        assert_eq!(cal.working_days_between(d("2026-05-11"), d("2026-05-18")), 3);
    }

    #[test]
    fn weekends_are_not_working_days() {
        let cal = WorkingCalendar::france();
        assert!(cal.is_working_day(d("2026-01-02"))); // Friday
        assert!(!cal.is_working_day(d("2026-01-03"))); // Saturday
        assert!(!cal.is_working_day(d("2026-01-04"))); // Sunday
        assert!(cal.is_working_day(d("2026-01-05"))); // Monday
        assert!(!cal.is_holiday(d("2026-01-03")), "a weekend is not a holiday");
    }

    #[test]
    fn add_working_days_table() {
        let france = WorkingCalendar::france();
        let alsace = WorkingCalendar::alsace_moselle();
        let cases = [
            // (calendar, start, n, expected)
            (&france, "2025-04-25", 0, "2025-04-25"),
            (&france, "2025-04-26", 0, "2025-04-26"), // n = 0 returns start even on a Saturday
            (&france, "2025-04-25", 1, "2025-04-28"), // Fri → Mon
            (&france, "2025-04-26", 1, "2025-04-28"), // Sat → Mon
            (&france, "2025-04-27", 1, "2025-04-28"), // Sun → Mon
            (&france, "2025-04-30", 1, "2025-05-02"), // skips Thu 1 May
            (&france, "2025-04-25", 10, "2025-05-13"), // worked example
            (&france, "2025-04-26", 10, "2025-05-13"),
            (&france, "2025-12-24", 15, "2026-01-16"),
            (&alsace, "2025-12-24", 15, "2026-01-19"),
            (&france, "2026-04-02", 1, "2026-04-03"), // Good Friday worked in France…
            (&alsace, "2026-04-02", 1, "2026-04-07"), // …not in Alsace-Moselle; Easter Monday either
            // Thu 2026-12-31: 258 weekdays after Mon 5 January, minus 8 weekday holidays.
            (&france, "2026-01-05", 250, "2026-12-31"),
        ];
        for (cal, start, n, expected) in cases {
            assert_eq!(cal.add_working_days(d(start), n), d(expected), "{start} + {n}");
        }
    }

    #[test]
    fn working_days_between_table() {
        let cal = WorkingCalendar::france();
        let cases = [
            ("2025-04-25", "2025-04-25", 0),
            ("2025-04-25", "2025-04-26", 0), // Sat
            ("2025-04-25", "2025-04-28", 1),
            ("2025-04-25", "2025-05-02", 4),
            ("2025-04-25", "2025-05-13", 10),
            ("2025-05-13", "2025-04-25", -10),
            ("2025-12-31", "2026-01-02", 1), // 1 Jan skipped across the year boundary
            // 261 weekdays in each of 2025, 2026, 2027; holidays on a weekday: 10, 9 and 7 (2025:
            // 1 Nov is a Saturday; 2026: 15 Aug, 1 Nov; 2027: 1 May, 8 May, 15 Aug, 25 Dec).
            ("2024-12-31", "2027-12-31", 3 * 261 - 10 - 9 - 7),
        ];
        for (from, to, expected) in cases {
            assert_eq!(cal.working_days_between(d(from), d(to)), expected, "{from} → {to}");
        }
    }

    #[test]
    fn add_and_between_agree() {
        let cals = [
            WorkingCalendar::france(),
            WorkingCalendar::alsace_moselle(),
            WorkingCalendar::parse("france,2026-05-15,2026-05-18,2026-05-19").unwrap(),
        ];
        for cal in &cals {
            let mut start = d("2025-11-01");
            while start < d("2027-02-01") {
                for n in [0, 1, 2, 5, 10, 15, 30, 300] {
                    let due = cal.add_working_days(start, n);
                    assert_eq!(cal.working_days_between(start, due), i64::from(n), "{start} + {n}");
                    assert!(n == 0 || cal.is_working_day(due), "{start} + {n} = {due}");
                    // The day-by-day definition: the n-th working day after start.
                    if n <= 30 {
                        let mut day = start;
                        for _ in 0..n {
                            day = day + Days::new(1);
                            while !cal.is_working_day(day) {
                                day = day + Days::new(1);
                            }
                        }
                        assert_eq!(due, day, "{start} + {n}");
                    }
                }
                start = start + Days::new(1);
            }
        }
    }

    #[test]
    fn extremes_do_not_panic() {
        let cal = WorkingCalendar::france();
        assert_eq!(cal.add_working_days(NaiveDate::MAX, 5), NaiveDate::MAX);
        let near_end = NaiveDate::MAX - Days::new(3);
        assert!(cal.add_working_days(near_end, 100) <= NaiveDate::MAX);
        assert!(cal.working_days_between(NaiveDate::MIN, NaiveDate::MIN + Days::new(30)) > 0);
        assert!(!cal.holidays(NaiveDate::MAX.year()).is_empty());
    }

    #[test]
    fn parse_specs() {
        let ok = [
            ("", WorkingCalendar::france()),
            ("   ", WorkingCalendar::france()),
            ("france", WorkingCalendar::france()),
            ("France,", WorkingCalendar::france()),
            ("alsace-moselle", WorkingCalendar::alsace_moselle()),
            (" ALSACE-MOSELLE ", WorkingCalendar::alsace_moselle()),
            (
                "france, 2026-12-31 ,2026-05-15,2026-05-15",
                WorkingCalendar { alsace_moselle: false, extra_holidays: vec![d("2026-05-15"), d("2026-12-31")] },
            ),
            (
                "alsace-moselle,2026-12-24",
                WorkingCalendar { alsace_moselle: true, extra_holidays: vec![d("2026-12-24")] },
            ),
        ];
        for (spec, expected) in ok {
            assert_eq!(WorkingCalendar::parse(spec), Ok(expected), "{spec:?}");
        }
        let bad = [
            ("alsace", CalendarSpecError::UnknownBase("alsace".into())),
            ("2026-05-15", CalendarSpecError::UnknownBase("2026-05-15".into())),
            ("france,2026-02-30", CalendarSpecError::BadDate("2026-02-30".into())),
            ("france, 2026-5-15", CalendarSpecError::BadDate("2026-5-15".into())),
            ("france,15/05/2026", CalendarSpecError::BadDate("15/05/2026".into())),
            ("france,alsace-moselle", CalendarSpecError::BadDate("alsace-moselle".into())),
            ("france;2026-05-15", CalendarSpecError::UnknownBase("france;2026-05-15".into())),
            ("france, 2026-05-15 x", CalendarSpecError::BadDate("2026-05-15 x".into())),
            ("france,+2026-05-1", CalendarSpecError::BadDate("+2026-05-1".into())),
        ];
        for (spec, expected) in bad {
            assert_eq!(WorkingCalendar::parse(spec).as_ref(), Err(&expected), "{spec:?}");
        }
        // ",france" skips the empty item, so "france" is the base: fine after all.
        assert_eq!(WorkingCalendar::parse(",france"), Ok(WorkingCalendar::france()));
        let message = WorkingCalendar::parse("france,2026-13-01").unwrap_err().to_string();
        assert!(message.contains("2026-13-01"), "{message}");
    }

    #[test]
    fn serde_round_trip() {
        let cal = WorkingCalendar::parse("alsace-moselle,2026-05-15").unwrap();
        let json = serde_json::to_string(&cal).unwrap();
        assert_eq!(json, r#"{"alsace_moselle":true,"extra_holidays":["2026-05-15"]}"#);
        assert_eq!(serde_json::from_str::<WorkingCalendar>(&json).unwrap(), cal);
    }
}
