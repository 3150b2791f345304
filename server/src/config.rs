//! Configuration from environment variables, with defaults that run on a developer's machine.
//! Every variable is listed in the README ("Configuration").

use app::domain::calendar::WorkingCalendar;
use app::domain::deadline::DEFAULT_REPLY_WORKING_DAYS;
use app::domain::personal_data::{DEFAULT_RETENTION_MONTHS, MAX_RETENTION_MONTHS};
use app::domain::throttle::ThrottlePolicy;
use app::domain::kiosk::KioskTimings;
use app::form_guard::PublicLimits;
use leptos::config::LeptosOptions;

/// Default database: an SQLite file under `data/`, created if missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/app.db?mode=rwc";

/// Errors reading the configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A variable has a value that does not parse.
    #[error("{name}: {message}")]
    Invalid {
        /// Variable name.
        name: &'static str,
        /// What is wrong.
        message: String,
    },
}

/// Server configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL` (default [`DEFAULT_DATABASE_URL`]).
    pub database_url: String,
    /// Leptos options: `LEPTOS_SITE_ADDR` (default `127.0.0.1:3000`), `LEPTOS_SITE_ROOT`
    /// (default `target/site`), `LEPTOS_ENV` (`DEV` or `PROD`), set by cargo-leptos when it runs
    /// the server.
    pub leptos_options: LeptosOptions,
    /// `COOKIE_SECURE`: send the session cookie with `Secure` (set `true` behind HTTPS; default
    /// `false` so that plain-HTTP local runs work).
    pub secure_cookies: bool,
    /// `ADMIN_EMAIL` / `ADMIN_PASSWORD`: on start-up, if both are set and no active admin exists,
    /// this admin account is created.
    pub bootstrap_admin: Option<(String, String)>,
    /// `SURVEY_TARGET`: respondent target per site of the campaign seeded on first start
    /// (default 150, the users' committee's request).
    pub default_target: i64,
    /// `REPLY_DEADLINE_DAYS`: working days allowed for the reply to a complaint, counted from the
    /// day after receipt (default 15, Services Publics+ engagement 4). Fixed on each complaint
    /// when it is filed.
    pub reply_days: u32,
    /// `HOLIDAYS`: the public-holiday calendar of the working-day count: `france` (default) or
    /// `alsace-moselle`, then extra `YYYY-MM-DD` dates, comma-separated.
    pub calendar: WorkingCalendar,
    /// `SMTP_URL` (e.g. `smtp://relais.interieur.gouv.fr:25`, `smtps://user:pass@host`): where
    /// queued e-mail goes. Unset: e-mail stays queued in the outbox (visible to staff) and nothing
    /// is sent.
    pub smtp_url: Option<String>,
    /// `MAIL_FROM`: sender of outgoing e-mail (default
    /// `Préfecture de l'Essonne <ne-pas-repondre@essonne.gouv.fr>`).
    pub mail_from: String,
    /// `OUTBOX_POLL_SECONDS`: how often the sender looks for due e-mail (default 10 s).
    pub outbox_poll: std::time::Duration,
    /// `TRUST_PROXY`: the server is reached only through one trusted reverse proxy, so the
    /// client address (login throttling, audit log) is the last address of `X-Forwarded-For`.
    /// Default `false`: the socket peer, and the header is ignored (anyone could forge it).
    pub trust_proxy: bool,
    /// Failed-login throttling: `LOGIN_DELAY_SECONDS` (first lock, default 60) and
    /// `LOGIN_MAX_DELAY_SECONDS` (cap of the doubling, default 1800); the thresholds (5 per
    /// account, 20 per address in 15 minutes) are [`ThrottlePolicy::default`]'s.
    pub login_throttle: ThrottlePolicy,
    /// Public-form protection (in memory, per hashed client address and clock hour):
    /// `PUBLIC_FORM_LIMIT_PER_HOUR` (survey and complaint submissions, default 60) and
    /// `TRACKING_LIMIT_PER_HOUR` (`/suivi` look-ups, default 20); see [`app::form_guard`].
    pub public_limits: PublicLimits,
    /// `SESSION_MAX_HOURS`: absolute lifetime of a staff session, whatever its activity (whole
    /// hours, 1 to [`app::domain::account::SESSION_MAX_HOURS_LIMIT`]; default
    /// [`app::domain::account::DEFAULT_SESSION_MAX_HOURS`]). A [`chrono::TimeDelta`] so that tests
    /// can use seconds.
    pub session_max_age: chrono::TimeDelta,
    /// `RETENTION_MONTHS`: the personal data of a complaint (contact details, message, reply,
    /// e-mails) is erased this many months after it was closed (default 12, at most 240; 0
    /// erases at the next run after closing). GDPR art. 5(1)(e), see
    /// `app::domain::personal_data`.
    pub retention_months: u32,
    /// `KIOSK_IDLE_SECONDS` (default 90) and `KIOSK_WARNING_SECONDS` (default 30): on a
    /// tablet's pages, the inactivity before the "are you still there?" dialog, then the time
    /// it waits before clearing the page (see `app::kiosk`). 1 to 3600 seconds each; keep the
    /// warning at 20 seconds or more in production (WCAG 2.2.1).
    pub kiosk: KioskTimings,
    /// `PUBLIC_BASE_URL` (e.g. `https://avis.essonne.gouv.fr`, no trailing slash kept): the address
    /// printed in the QR codes of posters and visit-code slips. Unset: built from each request's
    /// `Host` header (`https` when `COOKIE_SECURE`).
    pub public_base_url: Option<String>,
}

/// `PUBLIC_BASE_URL`: an `http://` or `https://` address with a host and no query or fragment;
/// the trailing slash is dropped.
fn public_base_url(value: Option<String>) -> Result<Option<String>, ConfigError> {
    let Some(v) = value else { return Ok(None) };
    let v = v.trim().trim_end_matches('/');
    let rest = v.strip_prefix("https://").or_else(|| v.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') && !r.contains(['?', '#', ' ']) => Ok(Some(v.to_string())),
        _ => Err(ConfigError::Invalid { name: "PUBLIC_BASE_URL", message: format!("expected an address like https://avis.essonne.gouv.fr, got {v:?}") }),
    }
}

/// Default sender of outgoing e-mail.
pub const DEFAULT_MAIL_FROM: &str = "Préfecture de l'Essonne <ne-pas-repondre@essonne.gouv.fr>";

fn positive(name: &'static str, value: Option<String>, default: u64) -> Result<u64, ConfigError> {
    match value {
        None => Ok(default),
        Some(v) => match v.trim().parse::<u64>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(ConfigError::Invalid { name, message: format!("expected a positive whole number, got {v:?}") }),
        },
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Whether pages link the content-hashed wasm, JS and CSS (`LEPTOS_HASH_FILES`; see
/// [`crate::assets`]). Unset: on exactly when `hash_file` (the `hash.txt` that `cargo leptos build`
/// writes next to the server binary) exists, so `make run` needs no setting and a server built
/// by plain `cargo build` still works.
///
/// # Errors
/// [`ConfigError::Invalid`] when the value is not a boolean, or is true while the hash file is
/// missing (Leptos would fail on every page).
fn hash_files(value: Option<String>, hash_file: Option<&std::path::Path>) -> Result<bool, ConfigError> {
    let exists = hash_file.is_some_and(std::path::Path::is_file);
    match value.map(|v| parse_bool("LEPTOS_HASH_FILES", &v)).transpose()? {
        None => Ok(exists),
        Some(false) => Ok(false),
        Some(true) if exists => Ok(true),
        Some(true) => Err(ConfigError::Invalid {
            name: "LEPTOS_HASH_FILES",
            message: format!(
                "true, but {} does not exist: build with `make build` (cargo leptos build), which writes it next to the server binary",
                hash_file.map_or_else(|| "hash.txt".to_string(), |p| p.display().to_string())
            ),
        }),
    }
}

fn parse_bool(name: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => Err(ConfigError::Invalid { name, message: format!("expected true or false, got {other:?}") }),
    }
}

/// The failed-login policy from `LOGIN_DELAY_SECONDS` and `LOGIN_MAX_DELAY_SECONDS` (whole
/// seconds, at most a day; the cap may not be below the first delay).
fn throttle_policy(delay: Option<String>, max_delay: Option<String>) -> Result<ThrottlePolicy, ConfigError> {
    let defaults = ThrottlePolicy::default();
    let seconds = |name: &'static str, value: Option<String>, default: chrono::TimeDelta| -> Result<chrono::TimeDelta, ConfigError> {
        let n = positive(name, value, default.num_seconds().unsigned_abs())?;
        if n > 86_400 {
            return Err(ConfigError::Invalid { name, message: "at most 86400 seconds".into() });
        }
        Ok(chrono::TimeDelta::seconds(n as i64))
    };
    let base_delay = seconds("LOGIN_DELAY_SECONDS", delay, defaults.base_delay)?;
    let max_delay = seconds("LOGIN_MAX_DELAY_SECONDS", max_delay, defaults.max_delay)?;
    if max_delay < base_delay {
        return Err(ConfigError::Invalid { name: "LOGIN_MAX_DELAY_SECONDS", message: "must not be below LOGIN_DELAY_SECONDS".into() });
    }
    Ok(ThrottlePolicy { base_delay, max_delay, ..defaults })
}

/// The public-form limits from `PUBLIC_FORM_LIMIT_PER_HOUR` and `TRACKING_LIMIT_PER_HOUR`
/// (positive whole numbers, at most 100,000 per hour).
fn public_limits(submissions: Option<String>, tracking: Option<String>) -> Result<PublicLimits, ConfigError> {
    let defaults = PublicLimits::default();
    let per_hour = |name: &'static str, value: Option<String>, default: std::num::NonZeroU32| -> Result<std::num::NonZeroU32, ConfigError> {
        let n = positive(name, value, u64::from(default.get()))?;
        u32::try_from(n).ok().filter(|n| *n <= 100_000).and_then(std::num::NonZeroU32::new).ok_or(ConfigError::Invalid { name, message: "at most 100000".into() })
    };
    Ok(PublicLimits {
        submissions_per_hour: per_hour("PUBLIC_FORM_LIMIT_PER_HOUR", submissions, defaults.submissions_per_hour)?,
        tracking_per_hour: per_hour("TRACKING_LIMIT_PER_HOUR", tracking, defaults.tracking_per_hour)?,
    })
}

/// The absolute session lifetime from `SESSION_MAX_HOURS` (whole hours, 1 to
/// [`app::domain::account::SESSION_MAX_HOURS_LIMIT`]).
fn session_max_age(value: Option<String>) -> Result<chrono::TimeDelta, ConfigError> {
    use app::domain::account::{DEFAULT_SESSION_MAX_HOURS, SESSION_MAX_HOURS_LIMIT};
    let hours = positive("SESSION_MAX_HOURS", value, u64::from(DEFAULT_SESSION_MAX_HOURS))?;
    if hours > u64::from(SESSION_MAX_HOURS_LIMIT) {
        return Err(ConfigError::Invalid { name: "SESSION_MAX_HOURS", message: format!("at most {SESSION_MAX_HOURS_LIMIT} hours") });
    }
    Ok(chrono::TimeDelta::hours(hours as i64))
}

/// `RETENTION_MONTHS`: whole months, 0 to [`MAX_RETENTION_MONTHS`] (default
/// [`DEFAULT_RETENTION_MONTHS`]).
fn retention_months(value: Option<String>) -> Result<u32, ConfigError> {
    match value {
        None => Ok(DEFAULT_RETENTION_MONTHS),
        Some(v) => v.trim().parse::<u32>().ok().filter(|m| *m <= MAX_RETENTION_MONTHS).ok_or(ConfigError::Invalid {
            name: "RETENTION_MONTHS",
            message: format!("expected a whole number of months from 0 to {MAX_RETENTION_MONTHS}, got {v:?}"),
        }),
    }
}

/// The kiosk timings from `KIOSK_IDLE_SECONDS` and `KIOSK_WARNING_SECONDS` (whole seconds, 1 to
/// [`app::domain::kiosk::MAX_TIMING_SECONDS`]).
fn kiosk_timings(idle: Option<String>, warning: Option<String>) -> Result<KioskTimings, ConfigError> {
    let defaults = KioskTimings::default();
    let seconds = |name: &'static str, value: Option<String>, default: u32| -> Result<u32, ConfigError> {
        let n = positive(name, value, u64::from(default))?;
        u32::try_from(n).ok().filter(|n| app::domain::kiosk::timing_ok(*n)).ok_or(ConfigError::Invalid { name, message: format!("at most {} seconds", app::domain::kiosk::MAX_TIMING_SECONDS) })
    };
    Ok(KioskTimings {
        idle_seconds: seconds("KIOSK_IDLE_SECONDS", idle, defaults.idle_seconds)?,
        warning_seconds: seconds("KIOSK_WARNING_SECONDS", warning, defaults.warning_seconds)?,
    })
}

impl Config {
    /// Reads the configuration from the environment.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] naming the variable that does not parse.
    pub fn from_env() -> Result<Self, ConfigError> {
        let conf = leptos::config::get_configuration(None).map_err(|e| ConfigError::Invalid { name: "LEPTOS_*", message: e.to_string() })?;
        let mut leptos_options = conf.leptos_options;
        if leptos_options.output_name.is_empty() {
            // Not started by cargo-leptos (tests, a copied binary): use the workspace's names.
            leptos_options.output_name = "avis".into();
        }
        if std::env::var("LEPTOS_SITE_ROOT").is_err() && &*leptos_options.site_root == "." {
            leptos_options.site_root = "target/site".into();
        }
        let hash_file = crate::assets::hash_file_path(&leptos_options);
        leptos_options.hash_files = hash_files(var("LEPTOS_HASH_FILES"), hash_file.as_deref())?;
        let default_target = positive("SURVEY_TARGET", var("SURVEY_TARGET"), 150)? as i64;
        let reply_days = positive("REPLY_DEADLINE_DAYS", var("REPLY_DEADLINE_DAYS"), u64::from(DEFAULT_REPLY_WORKING_DAYS))?;
        let reply_days = u32::try_from(reply_days).ok().filter(|d| *d <= 365).ok_or(ConfigError::Invalid { name: "REPLY_DEADLINE_DAYS", message: "at most 365".into() })?;
        let calendar = WorkingCalendar::parse(&var("HOLIDAYS").unwrap_or_default()).map_err(|e| ConfigError::Invalid { name: "HOLIDAYS", message: e.to_string() })?;
        let outbox_poll = std::time::Duration::from_secs(positive("OUTBOX_POLL_SECONDS", var("OUTBOX_POLL_SECONDS"), 10)?);
        let retention_months = retention_months(var("RETENTION_MONTHS"))?;
        let login_throttle = throttle_policy(var("LOGIN_DELAY_SECONDS"), var("LOGIN_MAX_DELAY_SECONDS"))?;
        let session_max_age = session_max_age(var("SESSION_MAX_HOURS"))?;
        Ok(Self {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string()),
            leptos_options,
            secure_cookies: var("COOKIE_SECURE").map(|v| parse_bool("COOKIE_SECURE", &v)).transpose()?.unwrap_or(false),
            bootstrap_admin: var("ADMIN_EMAIL").zip(var("ADMIN_PASSWORD")),
            default_target,
            reply_days,
            calendar,
            smtp_url: var("SMTP_URL"),
            mail_from: var("MAIL_FROM").unwrap_or_else(|| DEFAULT_MAIL_FROM.to_string()),
            outbox_poll,
            trust_proxy: var("TRUST_PROXY").map(|v| parse_bool("TRUST_PROXY", &v)).transpose()?.unwrap_or(false),
            login_throttle,
            public_limits: public_limits(var("PUBLIC_FORM_LIMIT_PER_HOUR"), var("TRACKING_LIMIT_PER_HOUR"))?,
            session_max_age,
            retention_months,
            kiosk: kiosk_timings(var("KIOSK_IDLE_SECONDS"), var("KIOSK_WARNING_SECONDS"))?,
            public_base_url: public_base_url(var("PUBLIC_BASE_URL"))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_base_url_is_an_http_address_without_trailing_slash() {
        assert_eq!(public_base_url(None).unwrap(), None);
        assert_eq!(public_base_url(Some(" https://avis.essonne.gouv.fr/ ".into())).unwrap().as_deref(), Some("https://avis.essonne.gouv.fr"));
        assert_eq!(public_base_url(Some("http://127.0.0.1:3000/avis".into())).unwrap().as_deref(), Some("http://127.0.0.1:3000/avis"));
        for bad in ["avis.essonne.gouv.fr", "ftp://x", "https://", "https://x?y=1", "https:///chemin"] {
            assert!(public_base_url(Some(bad.into())).is_err(), "{bad}");
        }
    }

    #[test]
    fn booleans_parse_leniently_and_refuse_garbage() {
        assert!(parse_bool("X", "TRUE").unwrap());
        assert!(!parse_bool("X", " 0 ").unwrap());
        assert!(parse_bool("X", "maybe").is_err());
    }

    #[test]
    fn retention_defaults_to_twelve_months_and_is_checked() {
        assert_eq!(retention_months(None).unwrap(), 12);
        assert_eq!(retention_months(Some(" 6 ".into())).unwrap(), 6);
        assert_eq!(retention_months(Some("0".into())).unwrap(), 0);
        assert!(retention_months(Some("241".into())).is_err());
        assert!(retention_months(Some("-1".into())).is_err());
        assert!(retention_months(Some("un an".into())).is_err());
    }

    #[test]
    fn login_delays_default_and_are_checked() {
        assert_eq!(throttle_policy(None, None).unwrap(), ThrottlePolicy::default());
        let p = throttle_policy(Some("2".into()), Some("8".into())).unwrap();
        assert_eq!((p.base_delay.num_seconds(), p.max_delay.num_seconds(), p.account_max_failures), (2, 8, 5));
        assert!(throttle_policy(Some("120".into()), Some("60".into())).is_err());
        assert!(throttle_policy(Some("0".into()), None).is_err());
        assert!(throttle_policy(None, Some("100000".into())).is_err());
    }

    #[test]
    fn public_limits_default_and_are_checked() {
        assert_eq!(public_limits(None, None).unwrap(), PublicLimits::default());
        let l = public_limits(Some("5".into()), Some(" 2 ".into())).unwrap();
        assert_eq!((l.submissions_per_hour.get(), l.tracking_per_hour.get()), (5, 2));
        assert!(public_limits(Some("0".into()), None).is_err());
        assert!(public_limits(None, Some("200000".into())).is_err());
        assert!(public_limits(Some("beaucoup".into()), None).is_err());
    }

    #[test]
    fn kiosk_timings_default_to_90_and_30_seconds_and_are_checked() {
        assert_eq!(kiosk_timings(None, None).unwrap(), KioskTimings { idle_seconds: 90, warning_seconds: 30 });
        assert_eq!(kiosk_timings(Some("3".into()), Some(" 2 ".into())).unwrap(), KioskTimings { idle_seconds: 3, warning_seconds: 2 });
        assert!(kiosk_timings(Some("0".into()), None).is_err());
        assert!(kiosk_timings(None, Some("3601".into())).is_err());
        assert!(kiosk_timings(Some("une minute".into()), None).is_err());
    }

    #[test]
    fn session_lifetime_defaults_to_twelve_hours_and_is_bounded() {
        assert_eq!(session_max_age(None).unwrap(), chrono::TimeDelta::hours(12));
        assert_eq!(session_max_age(Some("8".into())).unwrap(), chrono::TimeDelta::hours(8));
        assert!(session_max_age(Some("0".into())).is_err());
        assert!(session_max_age(Some("169".into())).is_err());
        assert!(session_max_age(Some("douze".into())).is_err());
    }
    #[test]
    fn hash_files_follow_the_hash_file_unless_told() {
        let dir = std::env::temp_dir().join(format!("avis-hash-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let present = dir.join("hash.txt");
        std::fs::write(&present, "js: a\n").unwrap();
        let missing = dir.join("absent.txt");
        assert!(hash_files(None, Some(&present)).unwrap());
        assert!(!hash_files(None, Some(&missing)).unwrap());
        assert!(!hash_files(None, None).unwrap());
        assert!(!hash_files(Some("false".into()), Some(&present)).unwrap());
        assert!(hash_files(Some("true".into()), Some(&present)).unwrap());
        let err = hash_files(Some("true".into()), Some(&missing)).unwrap_err().to_string();
        assert!(err.starts_with("LEPTOS_HASH_FILES: true, but") && err.contains("absent.txt"), "{err}");
        assert!(hash_files(Some("peut-être".into()), Some(&present)).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
