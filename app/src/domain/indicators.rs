//! Dashboard indicators computed from plain counts and dates: progress towards the respondent
//! target and its pace, months of a period, percentiles, and the complaint indicators (counts,
//! deadlines kept, reply delays).
//!
//! Every date is a Europe/Paris calendar date ([`NaiveDate`]); the caller converts UTC timestamps
//! first. Rules (../shared/DESIGN.md §2, Services Publics+): a respondent target per site and
//! campaign (default 150); acknowledgement within 7 calendar days (electronic) or 14 (paper);
//! reply on the merits within a configurable number of **working days** counted from the day after
//! receipt (see [`super::deadline`]). Like [`super::stats`]: no `NaN`, no division by zero, no panic
//! on extreme input (counts saturate, dates saturate at [`NaiveDate::MAX`]).

use super::calendar::WorkingCalendar;
use super::complaint::{ComplaintChannel, ComplaintKind, ComplaintStatus, Procedure};
use super::deadline::{ack_due, ack_state, reply_due, reply_state, DeadlineState};
use super::stats::{progress_percent, ShareEstimate};
use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------------------------
// Target progress and pace
// ---------------------------------------------------------------------------------------------

/// Progress of a site's survey campaign towards its respondent target, and the pace so far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Respondents counted on the days of the period (inclusive bounds), saturating at `u64::MAX`.
    pub respondents: u64,
    /// Respondent target (0 = no target).
    pub target: u64,
    /// `respondents / target` in whole percent rounded down, capped at 100; 0 when `target` is 0.
    pub percent: u32,
    /// Mean respondents per **calendar day** elapsed (weekends and holidays included) since the
    /// start of the period, the start day and today (or the last day of a finished period)
    /// included. `None` before the period starts.
    pub per_day: Option<f64>,
    /// First Europe/Paris day on which the cumulative count reached `target`; `None` if not reached
    /// or if `target` is 0.
    pub reached_on: Option<NaiveDate>,
    /// Europe/Paris day on which the target would be reached at the current pace; `None` when it
    /// is already reached, when there is no target, before the period starts, when the pace is 0,
    /// and once the period is over.
    pub projected_on: Option<NaiveDate>,
    /// Whether the target is (or was) reached within the period: `Some(true)` once reached,
    /// `Some(projected_on <= end)` while the period runs, `Some(false)` when the period ended
    /// without reaching it; `None` when it cannot be told (no target, period not started, pace 0).
    pub reachable_in_period: Option<bool>,
}

/// Progress towards `target` respondents over `period` (first and last day, inclusive, Europe/Paris),
/// seen on `today`.
///
/// `daily` holds respondents per Europe/Paris day, in any order; missing days count 0, repeated
/// days add up, days outside the period are ignored. Rules:
/// - elapsed days = calendar days from the period start to `min(today, end)`, both included, at
///   least 1; `per_day = respondents / elapsed` (`None` if `today < start`);
/// - `reached_on` = first day on which the running total reaches `target` (`target > 0`);
/// - not reached, `start <= today <= end` and `per_day > 0`: `projected_on = today +
///   ceil((target − respondents) / per_day)` calendar days (computed exactly in integers, saturating
///   at [`NaiveDate::MAX`]) and `reachable_in_period = Some(projected_on <= end)`;
/// - not reached and `today > end`: `projected_on = None`, `reachable_in_period = Some(false)`.
///
/// A period whose end is before its start contains no day: 0 respondents.
pub fn progress(daily: &[(NaiveDate, u64)], target: u64, period: (NaiveDate, NaiveDate), today: NaiveDate) -> Progress {
    let (start, end) = period;
    let mut days: Vec<(NaiveDate, u64)> = daily.iter().copied().filter(|&(day, _)| start <= day && day <= end).collect();
    days.sort_unstable_by_key(|&(day, _)| day);
    let mut respondents: u64 = 0;
    let mut reached_on = None;
    for (day, count) in days {
        respondents = respondents.saturating_add(count);
        if target > 0 && reached_on.is_none() && respondents >= target {
            reached_on = Some(day);
        }
    }

    let started = today >= start;
    // Calendar days start..=min(today, end), at least 1 (also for an inverted period).
    let elapsed: u64 = (today.min(end) - start).num_days().saturating_add(1).max(1).unsigned_abs();
    let per_day = started.then(|| respondents as f64 / elapsed as f64);

    let (projected_on, reachable_in_period) = if target == 0 || !started {
        (None, None)
    } else if reached_on.is_some() {
        (None, Some(true))
    } else if today > end {
        (None, Some(false))
    } else if respondents == 0 {
        (None, None)
    } else {
        // ceil(missing / (respondents / elapsed)) = ceil(missing × elapsed / respondents), exactly.
        let missing = u128::from(target - respondents);
        let days = (missing * u128::from(elapsed)).div_ceil(u128::from(respondents));
        let days = u64::try_from(days).unwrap_or(u64::MAX);
        let projected = today.checked_add_days(Days::new(days)).unwrap_or(NaiveDate::MAX);
        (Some(projected), Some(projected <= end))
    };

    Progress {
        respondents,
        target,
        percent: progress_percent(respondents, target),
        per_day,
        reached_on,
        projected_on,
        reachable_in_period,
    }
}

// ---------------------------------------------------------------------------------------------
// Months
// ---------------------------------------------------------------------------------------------

/// Most months [`months_between`] returns (20 years), so that a bad date cannot cause a huge loop.
pub const MAX_MONTHS: usize = 240;

/// French month names, January first.
const FRENCH_MONTHS: [&str; 12] =
    ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];

/// The month of a Europe/Paris date as `(year, month)`, month in 1..=12; sorts chronologically.
pub fn month_key(d: NaiveDate) -> (i32, u32) {
    (d.year(), d.month())
}

/// The month in French, lower case as in running text: `french_month(2025, 1)` is
/// `"janvier 2025"`, `french_month(2025, 12)` is `"décembre 2025"`. A month outside 1..=12 (never
/// produced by [`month_key`]) is written `"2025-13"` instead of panicking.
pub fn french_month(year: i32, month: u32) -> String {
    match month.checked_sub(1).and_then(|i| FRENCH_MONTHS.get(i as usize)) {
        Some(name) => format!("{name} {year}"),
        None => format!("{year}-{month:02}"),
    }
}

/// The months `(year, month)` from the month of `from` to the month of `to`, both included, in
/// chronological order; empty if `to < from`. At most [`MAX_MONTHS`] months (the first ones).
///
/// Example: 2025-11-30 → 2026-02-01 gives (2025, 11), (2025, 12), (2026, 1), (2026, 2).
pub fn months_between(from: NaiveDate, to: NaiveDate) -> Vec<(i32, u32)> {
    if to < from {
        return Vec::new();
    }
    let last = month_key(to);
    let (mut year, mut month) = month_key(from);
    let mut months = Vec::new();
    while months.len() < MAX_MONTHS && (year, month) <= last {
        months.push((year, month));
        (year, month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    }
    months
}

// ---------------------------------------------------------------------------------------------
// Percentiles
// ---------------------------------------------------------------------------------------------

/// The `p`-quantile (`p` in 0..=1, e.g. 0.5 for the median, 0.9 for the 90th percentile) of
/// `sorted`, which must be sorted in ascending order.
///
/// Method: linear interpolation between the closest ranks, Hyndman & Fan's definition 7 (the
/// default of R's `quantile`, NumPy's `percentile` and Excel's `PERCENTILE.INC`): with `n` values
/// `x[0..n]`, `h = (n − 1) × p`, result `x[⌊h⌋] + (h − ⌊h⌋) × (x[⌊h⌋ + 1] − x[⌊h⌋])`.
///
/// `p` is clamped to 0..=1; returns `None` for an empty slice or a `NaN` `p`. Examples: median of
/// [1, 2, 3, 4] is 2.5; 90th percentile of 1..=10 is 9.1; any quantile of a single value is that
/// value. Unsorted input gives a meaningless number but never panics.
pub fn percentile(sorted: &[i64], p: f64) -> Option<f64> {
    if sorted.is_empty() || p.is_nan() {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let low = (h.floor() as usize).min(sorted.len() - 1);
    let high = (low + 1).min(sorted.len() - 1);
    let (a, b) = (sorted[low] as f64, sorted[high] as f64);
    Some(a + (h - low as f64) * (b - a))
}

// ---------------------------------------------------------------------------------------------
// Complaint indicators
// ---------------------------------------------------------------------------------------------

/// What the complaint indicators need to know about one complaint or suggestion (no personal
/// data). Dates are Europe/Paris days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplaintFact {
    /// Id of the site concerned.
    pub site_id: i64,
    /// Réclamation or suggestion.
    pub kind: ComplaintKind,
    /// How it reached the prefecture (decides the 7- or 14-day acknowledgement deadline).
    pub channel: ComplaintChannel,
    /// Procedure concerned.
    pub procedure: Procedure,
    /// Current workflow status.
    pub status: ComplaintStatus,
    /// Day of receipt.
    pub received_on: NaiveDate,
    /// Reply deadline in **working days** after receipt in force for this complaint (usually
    /// [`super::deadline::DEFAULT_REPLY_WORKING_DAYS`], 15).
    pub reply_days: u32,
    /// Day the acknowledgement was sent, if it was.
    pub acknowledged_on: Option<NaiveDate>,
    /// Day the reply on the merits was sent, if it was.
    pub replied_on: Option<NaiveDate>,
}

/// Counts and deadline indicators of a set of complaints and suggestions (see
/// [`complaint_indicators`]). The `by_*` lists are ordered and serialise as JSON arrays of
/// `[value, count]` pairs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplaintIndicators {
    /// Number of complaints and suggestions.
    pub total: u64,
    /// `(site id, count)` for every site that has at least one, by ascending site id.
    pub by_site: Vec<(i64, u64)>,
    /// `(ComplaintKind::as_str, count)` for every kind, in [`ComplaintKind::ALL`] order, zeros included.
    pub by_kind: Vec<(String, u64)>,
    /// `(ComplaintChannel::as_str, count)` for every channel, in [`ComplaintChannel::ALL`] order,
    /// zeros included.
    pub by_channel: Vec<(String, u64)>,
    /// `(Procedure::as_str, count)` for every procedure, in [`Procedure::ALL`] order, zeros included.
    pub by_procedure: Vec<(String, u64)>,
    /// `(ComplaintStatus::as_str, count)` for every status, in [`ComplaintStatus::ALL`] order,
    /// zeros included.
    pub by_status: Vec<(String, u64)>,
    /// Share of acknowledgements sent on or before their due date (7 calendar days after receipt,
    /// 14 for paper), among the complaints acknowledged or whose due date has passed; `None` when
    /// there is none.
    pub ack_on_time: Option<ShareEstimate>,
    /// Share of replies sent on or before their due date (`reply_days` working days after
    /// receipt), among the complaints replied to or whose due date has passed, except those closed
    /// without a reply; `None` when there is none.
    pub reply_on_time: Option<ShareEstimate>,
    /// Number of complaints with a reply date.
    pub replied: u64,
    /// Median delay from receipt to reply, in **working days** of the calendar (counted from the
    /// day after receipt), over the replied complaints; `None` when none was replied to.
    pub reply_delay_median: Option<f64>,
    /// 90th percentile ([`percentile`], R-7) of the same delays, in working days.
    pub reply_delay_p90: Option<f64>,
}

/// Counts of each value of a closed list, in `all` order, zeros included.
fn count_closed<T: Copy + PartialEq>(all: &[T], name: fn(T) -> &'static str, values: impl Iterator<Item = T>) -> Vec<(String, u64)> {
    let mut counts = vec![0_u64; all.len()];
    for value in values {
        if let Some(i) = all.iter().position(|&v| v == value) {
            counts[i] += 1;
        }
    }
    all.iter().zip(counts).map(|(&v, count)| (name(v).to_string(), count)).collect()
}

/// `Some(true)` if a deadline was kept (`Done`), `Some(false)` if missed (`DoneLate`, `Late`),
/// `None` while it is still open (`OnTime`, `DueSoon`: not yet judged).
fn kept(state: DeadlineState) -> Option<bool> {
    match state {
        DeadlineState::Done { .. } => Some(true),
        DeadlineState::DoneLate { .. } | DeadlineState::Late { .. } => Some(false),
        DeadlineState::OnTime { .. } | DeadlineState::DueSoon { .. } => None,
    }
}

/// Complaint indicators of `facts`, seen on `today` (Europe/Paris), deadlines per `cal`.
///
/// Rules (Services Publics+ engagement 4, ../shared/DESIGN.md §2; deadlines from
/// [`super::deadline`]):
/// - **acknowledgement kept**: due date [`ack_due`]`(received_on, channel.is_paper())` (7 or 14
///   calendar days); judged by [`ack_state`] once acknowledged or once the due date has passed
///   (`today > due`): `Done` is on time, `DoneLate` and `Late` are not; complaints still within
///   their deadline are left out;
/// - **reply kept**: likewise with [`reply_due`]`(cal, received_on, reply_days)` and
///   [`reply_state`] (working days). A complaint closed without a reply (status
///   [`ComplaintStatus::SansSuite`], or [`ComplaintStatus::Close`] when the visitor wanted no
///   reply — any status that is not [`ComplaintStatus::is_open`] with no `replied_on`) has no reply
///   to judge and is left out; one that was replied to counts whatever its status;
/// - **reply delay**: [`WorkingCalendar::working_days_between`]`(received_on, replied_on)` over the
///   replied complaints (a reply dated before receipt, inconsistent data, counts 0), median and
///   90th percentile by [`percentile`].
///
/// Empty input gives zero counts (closed lists still listed) and `None` indicators.
pub fn complaint_indicators(facts: &[ComplaintFact], cal: &WorkingCalendar, today: NaiveDate) -> ComplaintIndicators {
    let mut by_site: BTreeMap<i64, u64> = BTreeMap::new();
    for fact in facts {
        *by_site.entry(fact.site_id).or_default() += 1;
    }

    let (mut ack_kept, mut ack_judged) = (0_u64, 0_u64);
    let (mut reply_kept, mut reply_judged) = (0_u64, 0_u64);
    let mut delays: Vec<i64> = Vec::new();
    for fact in facts {
        let due = ack_due(fact.received_on, fact.channel.is_paper());
        if let Some(on_time) = kept(ack_state(fact.received_on, due, fact.acknowledged_on, today)) {
            ack_judged += 1;
            ack_kept += u64::from(on_time);
        }

        let closed_without_reply = fact.replied_on.is_none() && !fact.status.is_open();
        if !closed_without_reply {
            let due = reply_due(cal, fact.received_on, fact.reply_days);
            if let Some(on_time) = kept(reply_state(cal, fact.received_on, due, fact.replied_on, today)) {
                reply_judged += 1;
                reply_kept += u64::from(on_time);
            }
        }

        if let Some(replied_on) = fact.replied_on {
            delays.push(cal.working_days_between(fact.received_on, replied_on).max(0));
        }
    }
    delays.sort_unstable();

    ComplaintIndicators {
        total: facts.len() as u64,
        by_site: by_site.into_iter().collect(),
        by_kind: count_closed(ComplaintKind::ALL, ComplaintKind::as_str, facts.iter().map(|f| f.kind)),
        by_channel: count_closed(ComplaintChannel::ALL, ComplaintChannel::as_str, facts.iter().map(|f| f.channel)),
        by_procedure: count_closed(Procedure::ALL, Procedure::as_str, facts.iter().map(|f| f.procedure)),
        by_status: count_closed(ComplaintStatus::ALL, ComplaintStatus::as_str, facts.iter().map(|f| f.status)),
        ack_on_time: ShareEstimate::new(ack_kept, ack_judged),
        reply_on_time: ShareEstimate::new(reply_kept, reply_judged),
        replied: delays.len() as u64,
        reply_delay_median: percentile(&delays, 0.5),
        reply_delay_p90: percentile(&delays, 0.9),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn period() -> (NaiveDate, NaiveDate) {
        (d("2025-03-01"), d("2025-03-31"))
    }

    // ----- progress -----

    #[test]
    fn target_reached_mid_period() {
        // 60 on 3 March, 50 on 10 March, 40 on 12 March (150 reached), 5 more later; one day outside.
        let daily = [(d("2025-03-12"), 40), (d("2025-03-03"), 60), (d("2025-02-28"), 99), (d("2025-03-20"), 5), (d("2025-03-10"), 50)];
        let p = progress(&daily, 150, period(), d("2025-03-20"));
        assert_eq!((p.respondents, p.target, p.percent), (155, 150, 100));
        assert_eq!(p.reached_on, Some(d("2025-03-12")));
        assert_eq!((p.projected_on, p.reachable_in_period), (None, Some(true)));
        assert_eq!(p.per_day, Some(155.0 / 20.0));
    }

    #[test]
    fn projection_while_the_period_runs() {
        // 50 respondents in 10 days (5 per day): 100 missing → 20 more days.
        let daily = [(d("2025-03-01"), 20), (d("2025-03-05"), 30)];
        let p = progress(&daily, 150, period(), d("2025-03-10"));
        assert_eq!((p.respondents, p.percent, p.per_day), (50, 33, Some(5.0)));
        assert_eq!(p.reached_on, None);
        assert_eq!(p.projected_on, Some(d("2025-03-30")));
        assert_eq!(p.reachable_in_period, Some(true));
        // 30 in 10 days (3 per day): 120 missing → 40 days → 19 April, after the end.
        let p = progress(&[(d("2025-03-02"), 30)], 150, period(), d("2025-03-10"));
        assert_eq!(p.projected_on, Some(d("2025-04-19")));
        assert_eq!(p.reachable_in_period, Some(false));
        // Rounded up: 7 in 3 days, 8 missing → ceil(8 × 3 / 7) = 4 days.
        let p = progress(&[(d("2025-03-01"), 7)], 15, period(), d("2025-03-03"));
        assert_eq!(p.projected_on, Some(d("2025-03-07")));
    }

    #[test]
    fn period_not_yet_started() {
        let p = progress(&[], 150, period(), d("2025-02-15"));
        assert_eq!((p.respondents, p.percent, p.per_day), (0, 0, None));
        assert_eq!((p.reached_on, p.projected_on, p.reachable_in_period), (None, None, None));
    }

    #[test]
    fn period_over_without_reaching_the_target() {
        let p = progress(&[(d("2025-03-15"), 62)], 150, period(), d("2025-06-01"));
        assert_eq!((p.respondents, p.percent, p.per_day), (62, 41, Some(2.0))); // 62 / 31 days
        assert_eq!((p.reached_on, p.projected_on, p.reachable_in_period), (None, None, Some(false)));
        // Over and reached.
        let p = progress(&[(d("2025-03-31"), 150)], 150, period(), d("2025-06-01"));
        assert_eq!((p.reached_on, p.reachable_in_period), (Some(d("2025-03-31")), Some(true)));
    }

    #[test]
    fn zero_respondents() {
        let p = progress(&[(d("2025-03-05"), 0)], 150, period(), d("2025-03-10"));
        assert_eq!((p.respondents, p.percent, p.per_day), (0, 0, Some(0.0)));
        assert_eq!((p.reached_on, p.projected_on, p.reachable_in_period), (None, None, None));
        // First day of the period: elapsed is 1, not 0.
        let p = progress(&[(d("2025-03-01"), 4)], 150, period(), d("2025-03-01"));
        assert_eq!(p.per_day, Some(4.0));
    }

    #[test]
    fn target_zero() {
        let p = progress(&[(d("2025-03-05"), 12)], 0, period(), d("2025-03-10"));
        assert_eq!((p.respondents, p.percent, p.per_day), (12, 0, Some(1.2)));
        assert_eq!((p.reached_on, p.projected_on, p.reachable_in_period), (None, None, None));
    }

    #[test]
    fn huge_numbers_saturate() {
        let daily = [(d("2025-03-02"), u64::MAX - 1), (d("2025-03-03"), u64::MAX)];
        let p = progress(&daily, u64::MAX, period(), d("2025-03-10"));
        assert_eq!((p.respondents, p.percent, p.reached_on), (u64::MAX, 100, Some(d("2025-03-03"))));
        let p = progress(&[(d("2025-03-01"), 1)], u64::MAX, period(), d("2025-03-31"));
        assert_eq!((p.projected_on, p.reachable_in_period), (Some(NaiveDate::MAX), Some(false)));
        let p = progress(&[], 10, (NaiveDate::MIN, NaiveDate::MAX), NaiveDate::MAX);
        assert_eq!(p.per_day, Some(0.0));
        let inverted = progress(&[(d("2025-03-05"), 3)], 10, (d("2025-03-31"), d("2025-03-01")), d("2025-03-31"));
        assert_eq!((inverted.respondents, inverted.reachable_in_period), (0, Some(false)));
    }

    // ----- months -----

    #[test]
    fn months() {
        assert_eq!(month_key(d("2025-12-31")), (2025, 12));
        assert_eq!(french_month(2025, 1), "janvier 2025");
        assert_eq!(french_month(2025, 2), "février 2025");
        assert_eq!(french_month(2025, 8), "août 2025");
        assert_eq!(french_month(2025, 12), "décembre 2025");
        assert_eq!(french_month(2025, 0), "2025-00");
        assert_eq!(french_month(2025, 13), "2025-13");
        assert_eq!(months_between(d("2025-11-30"), d("2026-02-01")), vec![(2025, 11), (2025, 12), (2026, 1), (2026, 2)]);
        assert_eq!(months_between(d("2025-03-01"), d("2025-03-31")), vec![(2025, 3)]);
        assert_eq!(months_between(d("2025-03-02"), d("2025-03-01")), vec![]);
        let all = months_between(NaiveDate::MIN, NaiveDate::MAX);
        assert_eq!(all.len(), MAX_MONTHS);
        assert_eq!(months_between(d("2000-01-15"), d("2019-12-01")).len(), 240);
    }

    // ----- percentiles -----

    #[test]
    fn percentiles() {
        assert_eq!(percentile(&[], 0.5), None);
        assert_eq!(percentile(&[1, 2, 3], f64::NAN), None);
        assert_eq!(percentile(&[1, 2, 3, 4], 0.5), Some(2.5));
        let one_to_ten: Vec<i64> = (1..=10).collect();
        assert!((percentile(&one_to_ten, 0.9).unwrap() - 9.1).abs() < 1e-9);
        assert_eq!(percentile(&one_to_ten, 0.0), Some(1.0));
        assert_eq!(percentile(&one_to_ten, 1.0), Some(10.0));
        assert_eq!(percentile(&one_to_ten, 7.0), Some(10.0)); // clamped
        assert_eq!(percentile(&[7], 0.5), Some(7.0));
        assert_eq!(percentile(&[7], 0.9), Some(7.0));
        assert_eq!(percentile(&[1, 3, 3, 10], 0.5), Some(3.0));
    }

    // ----- complaints -----

    fn fact(received_on: &str) -> ComplaintFact {
        ComplaintFact {
            site_id: 1,
            kind: ComplaintKind::Reclamation,
            channel: ComplaintChannel::Web,
            procedure: Procedure::TitreSejour,
            status: ComplaintStatus::Recue,
            received_on: d(received_on),
            reply_days: 10,
            acknowledged_on: None,
            replied_on: None,
        }
    }

    #[test]
    fn no_complaint() {
        let i = complaint_indicators(&[], &WorkingCalendar::france(), d("2025-05-20"));
        assert_eq!((i.total, i.replied), (0, 0));
        assert!(i.by_site.is_empty());
        assert_eq!(i.by_kind, vec![("reclamation".to_string(), 0), ("suggestion".to_string(), 0)]);
        assert_eq!(i.by_channel.len(), ComplaintChannel::ALL.len());
        assert_eq!(i.by_procedure.len(), Procedure::ALL.len());
        assert_eq!(i.by_status.len(), ComplaintStatus::ALL.len());
        assert!([&i.by_channel, &i.by_procedure, &i.by_status].iter().all(|l| l.iter().all(|(_, c)| *c == 0)));
        assert_eq!((i.ack_on_time, i.reply_on_time, i.reply_delay_median, i.reply_delay_p90), (None, None, None, None));
    }

    #[test]
    fn deadlines_with_the_may_holidays() {
        // All received Friday 2025-04-25; 10 working days → due Tuesday 2025-05-13 (1 and 8 May are
        // holidays); electronic acknowledgement due Friday 2025-05-02.
        let cal = WorkingCalendar::france();
        let today = d("2025-05-20");
        let mut on_time = fact("2025-04-25");
        on_time.acknowledged_on = Some(d("2025-05-02")); // on the due date
        on_time.replied_on = Some(d("2025-05-13")); // 10 working days, on the due date
        on_time.status = ComplaintStatus::Repondue;
        let mut late = fact("2025-04-25");
        late.site_id = 3;
        late.acknowledged_on = Some(d("2025-05-03")); // one day late
        late.replied_on = Some(d("2025-05-14")); // 11 working days
        late.status = ComplaintStatus::Close;
        let mut quick = fact("2025-04-25");
        quick.acknowledged_on = Some(d("2025-04-25"));
        quick.replied_on = Some(d("2025-05-02")); // 4 working days (1 May skipped)
        quick.status = ComplaintStatus::Repondue;
        let mut open_late = fact("2025-04-25"); // nothing sent, both deadlines passed
        open_late.status = ComplaintStatus::EnCours;
        let mut dismissed = fact("2025-04-25"); // closed "sans suite": no reply to judge
        dismissed.site_id = 2;
        dismissed.status = ComplaintStatus::SansSuite;
        dismissed.acknowledged_on = Some(d("2025-04-28"));
        let mut fresh = fact("2025-05-19"); // both deadlines still open: not judged
        fresh.site_id = 2;

        let facts = [on_time, late, quick, open_late, dismissed, fresh];
        let i = complaint_indicators(&facts, &cal, today);
        assert_eq!(i.total, 6);
        assert_eq!(i.by_site, vec![(1, 3), (2, 2), (3, 1)]);
        let status: Vec<u64> = i.by_status.iter().map(|(_, c)| *c).collect();
        assert_eq!(status, vec![1, 0, 1, 2, 1, 1]); // recue, accuse_envoye, en_cours, repondue, close, sans_suite
        // Acknowledgement: on_time, quick, dismissed kept; late and open_late missed; fresh open.
        let ack = i.ack_on_time.unwrap();
        assert_eq!((ack.successes, ack.n), (3, 5));
        // Reply: on_time, quick kept; late, open_late missed; dismissed excluded; fresh open.
        let reply = i.reply_on_time.unwrap();
        assert_eq!((reply.successes, reply.n), (2, 4));
        // Delays in working days: 4, 10, 11.
        assert_eq!(i.replied, 3);
        assert_eq!(i.reply_delay_median, Some(10.0));
        assert!((i.reply_delay_p90.unwrap() - 10.8).abs() < 1e-9);
    }

    #[test]
    fn suggestion_and_paper_letter() {
        let cal = WorkingCalendar::france();
        let mut suggestion = fact("2025-04-25");
        suggestion.kind = ComplaintKind::Suggestion;
        suggestion.procedure = Procedure::Accueil;
        suggestion.acknowledged_on = Some(d("2025-05-05")); // 10 calendar days: late for the web
        let mut letter = fact("2025-04-25");
        letter.channel = ComplaintChannel::Courrier;
        letter.acknowledged_on = Some(d("2025-05-09")); // 14 calendar days: on time on paper
        let mut slip = fact("2025-04-25");
        slip.channel = ComplaintChannel::Fiche;
        // Not acknowledged; paper due date 2025-05-09 not passed on 2025-05-06: not judged yet.
        let i = complaint_indicators(&[suggestion, letter, slip.clone()], &cal, d("2025-05-06"));
        assert_eq!(i.by_kind, vec![("reclamation".to_string(), 2), ("suggestion".to_string(), 1)]);
        assert_eq!(i.by_channel.iter().map(|(v, c)| (v.as_str(), *c)).collect::<Vec<_>>(), vec![("web", 1), ("tablette", 0), ("courriel", 0), ("courrier", 1), ("fiche", 1)]);
        assert_eq!(i.by_procedure[0], ("titre_sejour".to_string(), 2));
        assert_eq!(i.by_procedure[4], ("accueil".to_string(), 1));
        let ack = i.ack_on_time.unwrap();
        assert_eq!((ack.successes, ack.n), (1, 2));
        assert_eq!(i.reply_on_time, None); // reply due 2025-05-13, nobody replied yet
        assert_eq!((i.replied, i.reply_delay_median), (0, None));
        // The day after the paper due date the slip counts as late.
        let i = complaint_indicators(&[slip], &cal, d("2025-05-10"));
        assert_eq!(i.ack_on_time.map(|s| (s.successes, s.n)), Some((0, 1)));
    }

    #[test]
    fn indicators_serde_round_trip() {
        let mut f = fact("2025-04-25");
        f.replied_on = Some(d("2025-04-30"));
        let i = complaint_indicators(&[f], &WorkingCalendar::france(), d("2025-05-20"));
        let json = serde_json::to_string(&i).unwrap();
        assert!(json.contains(r#"["reclamation",1]"#), "{json}");
        let back: ComplaintIndicators = serde_json::from_str(&json).unwrap();
        // serde_json may change the last bit of a float (no `float_roundtrip`): compare the rest.
        assert_eq!((back.total, &back.by_site, &back.by_status, back.replied, back.reply_delay_median), (i.total, &i.by_site, &i.by_status, i.replied, i.reply_delay_median));
        assert_eq!(back.reply_on_time.map(|s| (s.successes, s.n)), Some((1, 1)));
        let p = progress(&[(d("2025-03-01"), 3)], 10, period(), d("2025-03-02"));
        assert_eq!(serde_json::from_str::<Progress>(&serde_json::to_string(&p).unwrap()).unwrap(), p);
    }
}
