//! Failed-login throttling around the login handler: the counters of one attempt (its account and
//! its client address), read and updated in the database so that a new cookie, another user
//! agent, another account or another app server does not reset them. The numbers and rules are
//! in [`crate::domain::throttle`].

use crate::domain::throttle::{verdict, ThrottleKind, Verdict};
use crate::state::SecuritySettings;
use crate::store::{DynStore, StoreError, ThrottleKey};
use chrono::{DateTime, Utc};

/// The counters one login attempt is checked against and counted on.
#[derive(Clone, Debug)]
pub struct LoginAttempt {
    account: ThrottleKey,
    address: Option<ThrottleKey>,
}

impl LoginAttempt {
    /// The attempt with e-mail `email` (normalised before hashing) from the client whose address
    /// hashes to `client_hash` (`None` when unknown: only the account is counted).
    pub fn new(settings: &SecuritySettings, email: &str, client_hash: Option<String>) -> Self {
        Self {
            account: ThrottleKey { kind: ThrottleKind::Account, subject: settings.keys.account(email) },
            address: client_hash.map(|subject| ThrottleKey { kind: ThrottleKind::Address, subject }),
        }
    }

    fn keys(&self) -> Vec<ThrottleKey> {
        std::iter::once(self.account.clone()).chain(self.address.clone()).collect()
    }

    /// Whether the attempt may check the password at `now`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn verdict(&self, store: &DynStore, now: DateTime<Utc>) -> Result<Verdict, StoreError> {
        let counters = store.throttle_counters(&self.keys()).await?;
        Ok(verdict(counters.iter().map(|(_, c)| c), now))
    }

    /// Counts a failure on the account and the address.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn failed(&self, store: &DynStore, settings: &SecuritySettings, now: DateTime<Utc>) -> Result<(), StoreError> {
        store.record_login_failure(&self.keys(), &settings.throttle, now).await
    }

    /// A success: the account's counter is cleared (not the address's: one valid account must
    /// not reset an attack on the others).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn succeeded(&self, store: &DynStore) -> Result<(), StoreError> {
        store.clear_throttle(&self.account).await
    }
}
