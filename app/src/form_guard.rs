//! Protection of the public forms (survey, complaint, complaint tracking) against automated
//! stuffing, without identifying visitors (issue 5; the survey is anonymous):
//!
//! - **Rate limit per client address, in memory only.** The address (grouped as in
//!   [`crate::auth::client::normalise_ip`]) is hashed with a random salt drawn every clock hour
//!   (UTC) and held only in this process's memory; when the hour changes, the salt and every
//!   counter are dropped, so no address can be recovered and nothing outlives the hour. Counting
//!   uses the `governor` crate (GCRA: a burst of `N`, then one more every `60 / N` minutes).
//!   With several app servers each counts on its own (a visitor may get up to `N` per server).
//! - **Honeypot.** Each form has a text field, [`HONEYPOT_FIELD`], hidden from people (off
//!   screen, `aria-hidden`, out of the tab order, `autocomplete="off"`) that robots tend to fill.
//!
//! A refused submission stores nothing, keeps everything the visitor typed and gets a polite
//! message ([`Refusal`]); the one-time token stays valid, so sending again later works.

use serde::{Deserialize, Serialize};

/// Name of the honeypot field of the public forms. It must stay empty.
pub const HONEYPOT_FIELD: &str = "site_web";

/// Why a public form submission was refused before being looked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// Too many submissions from the same connection within the hour: try again in `minutes`
    /// (rounded up, at least 1).
    TooMany {
        /// Minutes to wait.
        minutes: u32,
    },
    /// The honeypot field was filled (a robot, or a browser's autofill).
    Honeypot,
}

/// Whether the posted `fields` fill the honeypot (any non-blank value).
pub fn honeypot_filled(fields: &[(String, String)]) -> bool {
    fields.iter().any(|(name, value)| name == HONEYPOT_FIELD && !value.trim().is_empty())
}

/// `fields` without the honeypot, as kept for the re-displayed form (so that a person whose
/// browser filled it can simply send again).
pub fn without_honeypot(fields: Vec<(String, String)>) -> Vec<(String, String)> {
    fields.into_iter().filter(|(name, _)| name != HONEYPOT_FIELD).collect()
}

/// Minutes to tell the visitor for a wait of `seconds` (rounded up, at least 1).
pub fn minutes_to_wait(seconds: u64) -> u32 {
    u32::try_from(seconds.div_ceil(60).max(1)).unwrap_or(u32::MAX)
}

/// Which counter a submission uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PublicForm {
    /// The survey and the complaint form (`PUBLIC_FORM_LIMIT_PER_HOUR`).
    Submission,
    /// The tracking look-up `/suivi` (`TRACKING_LIMIT_PER_HOUR`): a reference and an e-mail or
    /// postal code are guessable, so it has a lower limit of its own.
    Tracking,
}

/// The hourly limits (settings `PUBLIC_FORM_LIMIT_PER_HOUR`, `TRACKING_LIMIT_PER_HOUR`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicLimits {
    /// Survey and complaint submissions per address and hour (default 60: a shared on-site
    /// tablet or a mobile operator's shared address must not be blocked by normal use).
    pub submissions_per_hour: std::num::NonZeroU32,
    /// Tracking look-ups per address and hour (default 20).
    pub tracking_per_hour: std::num::NonZeroU32,
}

impl Default for PublicLimits {
    fn default() -> Self {
        Self { submissions_per_hour: std::num::NonZeroU32::new(60).unwrap_or(std::num::NonZeroU32::MIN), tracking_per_hour: std::num::NonZeroU32::new(20).unwrap_or(std::num::NonZeroU32::MIN) }
    }
}

#[cfg(feature = "ssr")]
pub use limiter::PublicLimiter;

/// Screens a public form submission before it is looked at: [`Refusal::Honeypot`] when the
/// honeypot is filled (nothing counted), else the hourly limit of `form` for the address
/// `client` (`None`, an unknown address, is not limited).
///
/// # Errors
/// The [`Refusal`] to show.
#[cfg(feature = "ssr")]
pub fn screen(state: &crate::state::AppState, form: PublicForm, fields: &[(String, String)], client: Option<std::net::IpAddr>, now: chrono::DateTime<chrono::Utc>) -> Result<(), Refusal> {
    if honeypot_filled(fields) {
        tracing::info!(?form, "public form refused: honeypot filled");
        return Err(Refusal::Honeypot);
    }
    let Some(ip) = client else { return Ok(()) };
    state.security.public_limiter.check(form, ip, now).inspect_err(|_| tracing::info!(?form, "public form refused: hourly limit reached"))
}

/// Renders a re-displayed public form (`context` carries what was typed): 429 (Too Many
/// Requests) with `Retry-After` in seconds when `notice` is a rate-limit refusal, 503 (Service
/// Unavailable) with `Retry-After: 10` when the database could not be reached, 422 for any other
/// problem.
#[cfg(feature = "ssr")]
pub async fn render_form<C: Clone + Send + Sync + 'static>(state: &crate::state::AppState, parts: http::request::Parts, context: C, notice: Option<crate::form::FormNotice>) -> axum::response::Response {
    use crate::form::FormNotice;
    let (status, retry_after_seconds) = match notice {
        Some(FormNotice::Refused(Refusal::TooMany { minutes })) => (http::StatusCode::TOO_MANY_REQUESTS, Some(u64::from(minutes) * 60)),
        Some(FormNotice::Unavailable) => (http::StatusCode::SERVICE_UNAVAILABLE, Some(UNAVAILABLE_RETRY_SECONDS)),
        _ => (http::StatusCode::UNPROCESSABLE_ENTITY, None),
    };
    let mut response = crate::survey::http::render_page(state, parts, context, status).await;
    if let Some(seconds) = retry_after_seconds {
        response.headers_mut().insert(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
    }
    response
}

/// `Retry-After` (seconds) of a form sent back because the database could not be reached.
pub const UNAVAILABLE_RETRY_SECONDS: u64 = 10;

#[cfg(feature = "ssr")]
mod limiter {
    use super::{minutes_to_wait, PublicForm, PublicLimits, Refusal};
    use chrono::{DateTime, Utc};
    use governor::clock::Clock as _;
    use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
    use hmac::{Hmac, Mac};
    use sha2::Sha256;
    use std::net::IpAddr;
    use std::sync::Mutex;

    type Key = (PublicForm, [u8; 32]);

    /// The counters of one clock hour, under that hour's salt.
    struct Window {
        hour: i64,
        salt: [u8; 32],
        submissions: DefaultKeyedRateLimiter<Key>,
        tracking: DefaultKeyedRateLimiter<Key>,
    }

    impl Window {
        fn new(hour: i64, limits: PublicLimits) -> Self {
            Self {
                hour,
                salt: rand::random(),
                submissions: RateLimiter::keyed(Quota::per_hour(limits.submissions_per_hour)),
                tracking: RateLimiter::keyed(Quota::per_hour(limits.tracking_per_hour)),
            }
        }

        fn key(&self, form: PublicForm, ip: IpAddr) -> Key {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.salt).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
            mac.update(crate::auth::client::normalise_ip(ip).to_string().as_bytes());
            (form, mac.finalize().into_bytes().into())
        }
    }

    /// The in-memory rate limiter of the public forms (see the module documentation). One per
    /// server process, shared by every request (`AppState`).
    pub struct PublicLimiter {
        limits: PublicLimits,
        window: Mutex<Window>,
    }

    impl std::fmt::Debug for PublicLimiter {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("PublicLimiter").field("limits", &self.limits).finish_non_exhaustive()
        }
    }

    impl PublicLimiter {
        /// A limiter with `limits` and a first salt.
        pub fn new(limits: PublicLimits) -> Self {
            Self { limits, window: Mutex::new(Window::new(hour_of(Utc::now()), limits)) }
        }

        /// Counts one `form` submission from `ip` at `now` (UTC; only its clock hour is used to
        /// rotate the salt, the counting itself uses a monotonic clock).
        ///
        /// # Errors
        /// [`Refusal::TooMany`] with the minutes until the next allowed submission.
        pub fn check(&self, form: PublicForm, ip: IpAddr, now: DateTime<Utc>) -> Result<(), Refusal> {
            let mut window = self.window.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let hour = hour_of(now);
            if window.hour != hour {
                // New hour: new salt, and the old hashes and counts are forgotten.
                *window = Window::new(hour, self.limits);
            }
            let key = window.key(form, ip);
            let limiter = match form {
                PublicForm::Submission => &window.submissions,
                PublicForm::Tracking => &window.tracking,
            };
            limiter.check_key(&key).map_err(|not_until| {
                let wait = not_until.wait_time_from(limiter.clock().now());
                Refusal::TooMany { minutes: minutes_to_wait(wait.as_secs()) }
            })
        }

        /// Addresses (per form) counted in the current hour.
        pub fn tracked(&self) -> usize {
            let window = self.window.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            window.submissions.len() + window.tracking.len()
        }
    }

    fn hour_of(now: DateTime<Utc>) -> i64 {
        now.timestamp().div_euclid(3600)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn honeypot_counts_only_when_filled() {
        assert!(!honeypot_filled(&fields(&[("q_a", "x"), (HONEYPOT_FIELD, "  ")])));
        assert!(!honeypot_filled(&fields(&[("q_a", "x")])));
        assert!(honeypot_filled(&fields(&[(HONEYPOT_FIELD, "http://spam.example")])));
        assert_eq!(without_honeypot(fields(&[("q_a", "x"), (HONEYPOT_FIELD, "y")])), fields(&[("q_a", "x")]));
    }

    #[test]
    fn waits_are_told_in_whole_minutes() {
        assert_eq!(minutes_to_wait(0), 1);
        assert_eq!(minutes_to_wait(59), 1);
        assert_eq!(minutes_to_wait(60), 1);
        assert_eq!(minutes_to_wait(61), 2);
        assert_eq!(minutes_to_wait(3600), 60);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn limit_is_per_address_and_form_and_forgotten_each_hour() {
        use chrono::TimeZone;
        use std::num::NonZeroU32;
        let limits = PublicLimits { submissions_per_hour: NonZeroU32::new(3).unwrap(), tracking_per_hour: NonZeroU32::new(1).unwrap() };
        let limiter = PublicLimiter::new(limits);
        let at = chrono::Utc.with_ymd_and_hms(2026, 11, 30, 14, 10, 0).unwrap();
        let ip: std::net::IpAddr = "192.0.2.7".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(limiter.check(PublicForm::Submission, ip, at), Ok(()));
        }
        // Fourth within the hour: refused, with the wait (one more every 20 minutes).
        match limiter.check(PublicForm::Submission, ip, at) {
            Err(Refusal::TooMany { minutes }) => assert!((19..=20).contains(&minutes), "{minutes}"),
            other => panic!("{other:?}"),
        }
        // Another address, and the other form of the same address, have their own counts; an
        // IPv6 address counts as its /64.
        assert_eq!(limiter.check(PublicForm::Submission, "192.0.2.8".parse().unwrap(), at), Ok(()));
        assert_eq!(limiter.check(PublicForm::Tracking, ip, at), Ok(()));
        assert!(limiter.check(PublicForm::Tracking, ip, at).is_err());
        assert_eq!(limiter.check(PublicForm::Tracking, "2001:db8:1:2::1".parse().unwrap(), at), Ok(()));
        assert!(limiter.check(PublicForm::Tracking, "2001:db8:1:2:ffff::9".parse().unwrap(), at).is_err());
        assert_eq!(limiter.tracked(), 4);
        // Next clock hour: new salt, every count forgotten.
        let next = at + chrono::Duration::minutes(50);
        assert_eq!(limiter.check(PublicForm::Submission, ip, next), Ok(()));
        assert_eq!(limiter.tracked(), 1);
    }
}
