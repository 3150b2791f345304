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
}

impl LastKnown {
    fn read<T>(&self, f: impl FnOnce(&Known) -> T) -> T {
        f(&self.inner.read().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    fn write(&self, f: impl FnOnce(&mut Known)) {
        f(&mut self.inner.write().unwrap_or_else(|poisoned| poisoned.into_inner()));
    }

    /// [`crate::store::Store::list_sites`], or the last list read when the database cannot be
    /// reached.
    ///
    /// # Errors
    /// The store's error when nothing was read yet, or when it is not a connection failure.
    pub async fn sites(&self, store: &DynStore) -> Result<Vec<Site>, StoreError> {
        match store.list_sites().await {
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
        match store.site_by_slug(slug).await {
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
        match store.current_campaign(today).await {
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
