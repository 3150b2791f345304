//! Login brute-force throttling: the pure policy (no I/O, no clock). The login handler reads the
//! counters from the database, asks [`verdict`] whether the attempt may go on, and after a
//! failure stores what [`after_failure`] returns.
//!
//! Two counters are kept for each failed login (see [`ThrottlePolicy::default`] for the numbers):
//!
//! - **per account** (the normalised e-mail typed, whether or not an account has it): the
//!   *consecutive* failures; a successful login clears it. From the 5th failure on, the account is
//!   locked for a delay that doubles with each further failure: 1, 2, 4, 8, 16, then 30 minutes.
//! - **per client address**: the failures within a 15-minute window that starts at the first
//!   failure; from the 20th on, the address is locked the same way. A success does not clear it (one
//!   valid account must not reset an attack on the others); a window that has ended and whose lock
//!   has run out starts again from zero.
//!
//! While one of them is locked, an attempt is refused without checking the password (HTTP 429),
//! and refused attempts do not count (a user who waits out the delay is not punished for trying
//! too early).
//!
//! All instants are UTC.

use chrono::{DateTime, TimeDelta, Utc};

/// The numbers of the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Consecutive failures of one account after which it is locked (default 5).
    pub account_max_failures: u32,
    /// Failures from one address within [`ThrottlePolicy::address_window`] after which it is
    /// locked (default 20).
    pub address_max_failures: u32,
    /// Length of the per-address counting window (default 15 minutes).
    pub address_window: TimeDelta,
    /// First lock delay (default 1 minute); each further failure doubles it.
    pub base_delay: TimeDelta,
    /// Longest lock delay (default 30 minutes).
    pub max_delay: TimeDelta,
}

impl Default for ThrottlePolicy {
    /// 5 consecutive failures per account, 20 failures per address in 15 minutes, delays of 1
    /// minute doubling up to 30 minutes (in line with ANSSI's advice to slow down password
    /// guessing without locking accounts for good).
    fn default() -> Self {
        Self {
            account_max_failures: 5,
            address_max_failures: 20,
            address_window: TimeDelta::minutes(15),
            base_delay: TimeDelta::minutes(1),
            max_delay: TimeDelta::minutes(30),
        }
    }
}

/// What a counter is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ThrottleKind {
    /// One account (the normalised e-mail typed).
    Account,
    /// One client address.
    Address,
}

impl ThrottleKind {
    /// Stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            ThrottleKind::Account => "account",
            ThrottleKind::Address => "address",
        }
    }

    /// Parses a stored value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "account" => Some(ThrottleKind::Account),
            "address" => Some(ThrottleKind::Address),
            _ => None,
        }
    }
}

/// The stored state of one counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottleCounter {
    /// Failures counted (consecutive for an account, within the window for an address).
    pub failures: u32,
    /// When the counting started (the first failure counted; UTC).
    pub window_start: DateTime<Utc>,
    /// Until when attempts are refused (UTC), if locked.
    pub locked_until: Option<DateTime<Utc>>,
}

/// Whether an attempt may check the password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Go on.
    Allowed,
    /// Refused until `until` (UTC): the latest lock of the counters given.
    Throttled {
        /// End of the lock.
        until: DateTime<Utc>,
    },
}

impl Verdict {
    /// Whole minutes left until the lock ends, rounded up, at least 1 (for "réessayez dans N
    /// minutes"); 0 when allowed.
    pub fn minutes_left(self, now: DateTime<Utc>) -> u32 {
        match self {
            Verdict::Allowed => 0,
            Verdict::Throttled { until } => {
                let secs = (until - now).num_seconds().max(1);
                u32::try_from((secs + 59) / 60).unwrap_or(u32::MAX)
            }
        }
    }

    /// Whole seconds left, rounded up, at least 1 (for the `Retry-After` header); 0 when allowed.
    pub fn seconds_left(self, now: DateTime<Utc>) -> u64 {
        match self {
            Verdict::Allowed => 0,
            Verdict::Throttled { until } => {
                let ms = (until - now).num_milliseconds().max(1);
                u64::try_from((ms + 999) / 1000).unwrap_or(u64::MAX)
            }
        }
    }
}

/// Whether an attempt at `now` may go on, given the stored counters (missing ones count as
/// clean): refused while any counter is locked.
pub fn verdict<'a>(counters: impl IntoIterator<Item = &'a ThrottleCounter>, now: DateTime<Utc>) -> Verdict {
    counters
        .into_iter()
        .filter_map(|c| c.locked_until)
        .filter(|until| *until > now)
        .max()
        .map_or(Verdict::Allowed, |until| Verdict::Throttled { until })
}

/// The lock delay after `failures` failures against a threshold of `max_failures`: none below
/// it, then `base_delay` doubling with each failure beyond it, capped at `max_delay`.
pub fn lock_delay(policy: &ThrottlePolicy, failures: u32, max_failures: u32) -> Option<TimeDelta> {
    let excess = failures.checked_sub(max_failures.max(1))?;
    // 2^excess overflows past 30 doublings: the cap is long reached by then.
    let factor = 1i32.checked_shl(excess.min(30)).unwrap_or(i32::MAX);
    let delay = policy.base_delay.checked_mul(factor).unwrap_or(policy.max_delay);
    Some(delay.min(policy.max_delay))
}

/// The counter of `kind` after one more failure at `now` (`previous`: the stored one, if any).
pub fn after_failure(policy: &ThrottlePolicy, kind: ThrottleKind, previous: Option<ThrottleCounter>, now: DateTime<Utc>) -> ThrottleCounter {
    let still_counting = |c: &ThrottleCounter| match kind {
        // Consecutive failures: only a success clears them.
        ThrottleKind::Account => true,
        ThrottleKind::Address => now < c.window_start + policy.address_window || c.locked_until.is_some_and(|u| u > now),
    };
    let (failures, window_start) = match previous.filter(still_counting) {
        Some(c) => (c.failures.saturating_add(1), c.window_start),
        None => (1, now),
    };
    let max = match kind {
        ThrottleKind::Account => policy.account_max_failures,
        ThrottleKind::Address => policy.address_max_failures,
    };
    let locked_until = lock_delay(policy, failures, max).map(|d| now + d);
    ThrottleCounter { failures, window_start, locked_until }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 29, 0, 30, 0).unwrap()
    }

    fn fail(kind: ThrottleKind, times: u32, start: DateTime<Utc>, step: TimeDelta) -> ThrottleCounter {
        let policy = ThrottlePolicy::default();
        let mut c = None;
        for i in 0..times {
            c = Some(after_failure(&policy, kind, c, start + step * i as i32));
        }
        c.unwrap()
    }

    #[test]
    fn delays_double_from_the_threshold_up_to_the_cap() {
        let p = ThrottlePolicy::default();
        let minutes: Vec<Option<i64>> = (3..=12).map(|n| lock_delay(&p, n, 5).map(|d| d.num_minutes())).collect();
        assert_eq!(minutes, vec![None, None, Some(1), Some(2), Some(4), Some(8), Some(16), Some(30), Some(30), Some(30)]);
        assert_eq!(lock_delay(&p, u32::MAX, 5), Some(TimeDelta::minutes(30)));
        // A zero threshold behaves as 1: the first failure locks.
        assert_eq!(lock_delay(&p, 1, 0), Some(TimeDelta::minutes(1)));
    }

    #[test]
    fn an_account_is_locked_from_the_fifth_consecutive_failure() {
        let four = fail(ThrottleKind::Account, 4, t0(), TimeDelta::seconds(1));
        assert_eq!(four.failures, 4);
        assert_eq!(four.locked_until, None);
        assert_eq!(verdict([&four], t0()), Verdict::Allowed);
        let five = fail(ThrottleKind::Account, 5, t0(), TimeDelta::seconds(1));
        let until = t0() + TimeDelta::seconds(4) + TimeDelta::minutes(1);
        assert_eq!(five.locked_until, Some(until));
        assert_eq!(verdict([&five], t0() + TimeDelta::seconds(30)), Verdict::Throttled { until });
        // Exactly at the end of the delay the right password may be tried again.
        assert_eq!(verdict([&five], until), Verdict::Allowed);
        // Failures of an account never expire by themselves: the sixth, hours later, locks for 2 min.
        let later = until + TimeDelta::hours(3);
        let six = after_failure(&ThrottlePolicy::default(), ThrottleKind::Account, Some(five), later);
        assert_eq!(six.failures, 6);
        assert_eq!(six.locked_until, Some(later + TimeDelta::minutes(2)));
    }

    #[test]
    fn an_address_counts_within_fifteen_minutes() {
        // 19 failures, 40 s apart (12 minutes): not locked; the 20th locks.
        let nineteen = fail(ThrottleKind::Address, 19, t0(), TimeDelta::seconds(40));
        assert_eq!(nineteen.locked_until, None);
        let twenty = fail(ThrottleKind::Address, 20, t0(), TimeDelta::seconds(40));
        assert_eq!(twenty.failures, 20);
        assert!(twenty.locked_until.is_some());
        // 20 failures spread over more than 15 minutes: the window restarts, no lock.
        let slow = fail(ThrottleKind::Address, 20, t0(), TimeDelta::seconds(50));
        assert!(slow.failures < 20 && slow.locked_until.is_none(), "{slow:?}");
        // A locked address keeps counting while locked, even past its window.
        let policy = ThrottlePolicy { max_delay: TimeDelta::hours(1), ..ThrottlePolicy::default() };
        let locked = ThrottleCounter { failures: 25, window_start: t0(), locked_until: Some(t0() + TimeDelta::minutes(40)) };
        let next = after_failure(&policy, ThrottleKind::Address, Some(locked), t0() + TimeDelta::minutes(20));
        assert_eq!(next.failures, 26);
    }

    #[test]
    fn the_latest_lock_wins_and_minutes_round_up() {
        let now = t0();
        let a = ThrottleCounter { failures: 5, window_start: now, locked_until: Some(now + TimeDelta::seconds(61)) };
        let b = ThrottleCounter { failures: 20, window_start: now, locked_until: Some(now + TimeDelta::seconds(10)) };
        let past = ThrottleCounter { failures: 9, window_start: now, locked_until: Some(now - TimeDelta::seconds(1)) };
        let v = verdict([&b, &a, &past], now);
        assert_eq!(v, Verdict::Throttled { until: now + TimeDelta::seconds(61) });
        assert_eq!(v.minutes_left(now), 2);
        assert_eq!(v.seconds_left(now), 61);
        assert_eq!(verdict([&b], now).minutes_left(now), 1);
        assert_eq!(verdict([&past], now), Verdict::Allowed);
        assert_eq!(verdict(std::iter::empty::<&ThrottleCounter>(), now).minutes_left(now), 0);
        // Sub-second remainder still says 1 second, 1 minute.
        let tiny = Verdict::Throttled { until: now + TimeDelta::milliseconds(300) };
        assert_eq!((tiny.seconds_left(now), tiny.minutes_left(now)), (1, 1));
    }

    #[test]
    fn kinds_round_trip() {
        for k in [ThrottleKind::Account, ThrottleKind::Address] {
            assert_eq!(ThrottleKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(ThrottleKind::parse("ip"), None);
    }
}
