//! What the public forms need to show themselves while the database cannot be reached: the
//! active sites and the current campaign (its questionnaire), as last read by this server.
//!
//! A visitor who sends the survey or the complaint form during a database outage gets the page
//! back (HTTP 503, `Retry-After`) with everything typed, a "service momentarily unavailable,
//! your answers are kept" notice and the same one-time token; sending again once the database is
//! back records the form once. Nothing typed by visitors is kept here: only what every visitor
//! sees. Only a [`StoreError::Database`] (unreachable, refused) falls back; a failed migration
//! or corrupt data is reported as before.

use crate::store::{Campaign, DynStore, Site, StoreError};
use chrono::NaiveDate;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long, after the database could not be reached, the look-ups here answer from what was
/// last read without asking the database again: 10 s (the forms' `Retry-After`). Each attempt
/// during an outage waits for the pool's connection timeout (5 s on PostgreSQL); without this
/// pause a page needing three look-ups would take 15 s to say "unavailable". A successful
/// `/healthz` ([`LastKnown::database_answered`]) or look-up ends the pause at once.
pub const OUTAGE_PAUSE: Duration = Duration::from_secs(10);

/// When to ask the database again after it could not be reached (a circuit breaker, pure: the
/// caller gives the time).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Pause {
    until: Option<Instant>,
}

impl Pause {
    /// The database could not be reached at `now`: pause for [`OUTAGE_PAUSE`].
    pub fn trip(&mut self, now: Instant) {
        self.until = Some(now + OUTAGE_PAUSE);
    }

    /// The database answered: no pause.
    pub fn reset(&mut self) {
        self.until = None;
    }

    /// Whether look-ups should use the last data read, without asking the database, at `now`.
    pub fn is_paused(&self, now: Instant) -> bool {
        self.until.is_some_and(|until| now < until)
    }
}

/// The last sites and campaign read successfully (shared by the clones of the app state).
#[derive(Clone, Debug, Default)]
pub struct LastKnown {
    inner: Arc<RwLock<Known>>,
}

#[derive(Debug, Default)]
struct Known {
    sites: Option<Vec<Site>>,
    /// The current campaign and the Europe/Paris day it was current on.
    campaign: Option<(NaiveDate, Option<Campaign>)>,
    /// Set when the database could not be reached ([`is_connection_failure`]).
    pause: Pause,
}

impl LastKnown {
    fn read<T>(&self, f: impl FnOnce(&Known) -> T) -> T {
        f(&self.inner.read().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    fn write(&self, f: impl FnOnce(&mut Known)) {
        f(&mut self.inner.write().unwrap_or_else(|poisoned| poisoned.into_inner()));
    }

    /// Whether the database was found unreachable less than [`OUTAGE_PAUSE`] ago.
    fn paused(&self) -> bool {
        self.read(|k| k.pause.is_paused(Instant::now()))
    }

    /// Notes the outcome of a look-up: a success ends the pause, a connection failure starts one.
    fn note<T>(&self, result: &Result<T, StoreError>) {
        match result {
            Ok(_) => self.database_answered(),
            Err(e) => self.note_error(e),
        }
    }

    /// Notes a store error met elsewhere (e.g. storing a form): a connection failure starts the
    /// pause, so that the page sent back needs no further wait.
    pub fn note_error(&self, e: &StoreError) {
        if matches!(e, StoreError::Database(inner) if is_connection_failure(inner)) {
            self.database_unreachable();
        }
    }

    /// The database answered (e.g. `/healthz`): look-ups ask it again at once. Takes the write
    /// lock only when a pause is on.
    pub fn database_answered(&self) {
        if self.read(|k| k.pause != Pause::default()) {
            self.write(|k| k.pause.reset());
        }
    }

    /// The database could not be reached (e.g. `/healthz` timed out): look-ups answer from what
    /// was last read for [`OUTAGE_PAUSE`].
    pub fn database_unreachable(&self) {
        self.write(|k| k.pause.trip(Instant::now()));
    }

    /// [`crate::store::Store::list_sites`], or the last list read when the database cannot be
    /// reached.
    ///
    /// # Errors
    /// The store's error when nothing was read yet, or when it is not a connection failure.
    pub async fn sites(&self, store: &DynStore) -> Result<Vec<Site>, StoreError> {
        if let Some(sites) = self.paused().then(|| self.read(|k| k.sites.clone())).flatten() {
            return Ok(sites);
        }
        let result = store.list_sites().await;
        self.note(&result);
        match result {
            Ok(sites) => {
                self.write(|k| k.sites = Some(sites.clone()));
                Ok(sites)
            }
            Err(e @ StoreError::Database(_)) => self.read(|k| k.sites.clone()).ok_or(e),
            Err(e) => Err(e),
        }
    }

    /// The active site `slug` ([`crate::store::Store::site_by_slug`]), or from the last site
    /// list read when the database cannot be reached.
    ///
    /// # Errors
    /// As [`LastKnown::sites`].
    pub async fn site(&self, store: &DynStore, slug: &str) -> Result<Option<Site>, StoreError> {
        if let Some(sites) = self.paused().then(|| self.read(|k| k.sites.clone())).flatten() {
            return Ok(sites.into_iter().find(|s| s.slug == slug));
        }
        let result = store.site_by_slug(slug).await;
        self.note(&result);
        match result {
            Ok(site) => Ok(site),
            Err(e @ StoreError::Database(_)) => match self.read(|k| k.sites.clone()) {
                Some(sites) => Ok(sites.into_iter().find(|s| s.slug == slug)),
                None => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    /// The campaign current on `today` (Europe/Paris; [`crate::store::Store::current_campaign`]),
    /// or the one last read for that same day when the database cannot be reached.
    ///
    /// # Errors
    /// The store's error when nothing was read for `today`, or when it is not a connection
    /// failure.
    pub async fn current_campaign(&self, store: &DynStore, today: NaiveDate) -> Result<Option<Campaign>, StoreError> {
        if self.paused() {
            if let Some((_, campaign)) = self.read(|k| k.campaign.clone()).filter(|(day, _)| *day == today) {
                return Ok(campaign);
            }
        }
        let result = store.current_campaign(today).await;
        self.note(&result);
        match result {
            Ok(campaign) => {
                self.write(|k| k.campaign = Some((today, campaign.clone())));
                Ok(campaign)
            }
            Err(e @ StoreError::Database(_)) => match self.read(|k| k.campaign.clone()) {
                Some((day, campaign)) if day == today => Ok(campaign),
                _ => Err(e),
            },
            Err(e) => Err(e),
        }
    }
}

/// Whether `e` means the database could not be reached (the visitor may simply send again).
pub fn is_outage(e: &StoreError) -> bool {
    matches!(e, StoreError::Database(_))
}

/// Whether `e` is a failure to reach the database at all (no connection within the pool's
/// timeout, a network or TLS error, the pool closed), as opposed to an error the database
/// answered with (a constraint, a deadlock): only those start an [`OUTAGE_PAUSE`].
pub fn is_connection_failure(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::WorkerCrashed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pause_lasts_ten_seconds_from_the_failure_and_ends_on_success() {
        let t0 = Instant::now();
        let mut pause = Pause::default();
        assert!(!pause.is_paused(t0));
        pause.trip(t0);
        assert!(pause.is_paused(t0));
        assert!(pause.is_paused(t0 + Duration::from_millis(9_999)));
        assert!(!pause.is_paused(t0 + OUTAGE_PAUSE));
        // A later failure starts the ten seconds again; a success ends them.
        pause.trip(t0 + Duration::from_secs(8));
        assert!(pause.is_paused(t0 + Duration::from_secs(12)));
        pause.reset();
        assert!(!pause.is_paused(t0 + Duration::from_secs(12)));
    }

    #[test]
    fn only_failures_to_reach_the_database_pause() {
        assert!(is_connection_failure(&sqlx::Error::PoolTimedOut));
        assert!(is_connection_failure(&sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused))));
        assert!(!is_connection_failure(&sqlx::Error::RowNotFound));
        assert!(!is_connection_failure(&sqlx::Error::Protocol("unexpected message".into())));
    }
}
