//! Storage of the audit log of staff actions (append-only) and of the failed-login counters.
//! Part of [`super::Store`] (a supertrait).
//!
//! The audit log offers **insert and query only**: there is no update or delete here, and the
//! database refuses them too (triggers in `migrations/sqlite/0008_tablets.sql` and
//! `migrations/postgres/0001_init.sql`), but for blanking an e-mail (erasure of personal data).

use super::{StoreError, User};
use crate::domain::audit::AuditAction;
use crate::domain::throttle::{ThrottleCounter, ThrottleKind, ThrottlePolicy};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// One entry to append to the audit log. Build it with [`AuditEntry::new`] and the `by` /
/// `target` / `details` / `client` helpers, e.g. from an export handler:
///
/// ```ignore
/// crate::audit::record(&state, AuditEntry::new(AuditAction::Export, Utc::now()).by(&staff.user).details("réponses CSV")).await;
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEntry {
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// The staff member who acted, if known (none for a failed login).
    pub user_id: Option<i64>,
    /// Their e-mail at the time (or the e-mail typed, for a failed login).
    pub user_email: Option<String>,
    /// What was done.
    pub action: AuditAction,
    /// What it was done to (e.g. a complaint reference `REC-2026-000123`).
    pub target: Option<String>,
    /// A short description (never a password, never a message's text).
    pub details: Option<String>,
    /// HMAC of the client address (hex; see `audit::ClientAddress`), never the address itself.
    pub client_hash: Option<String>,
}

/// Longest `details` kept, in characters (longer text is cut).
pub const AUDIT_DETAILS_MAX_CHARS: usize = 500;
/// Longest `user_email` / `target` kept, in characters (longer text is cut).
pub const AUDIT_FIELD_MAX_CHARS: usize = 254;

fn cut(s: impl Into<String>, max: usize) -> String {
    let s = s.into();
    match s.char_indices().nth(max) {
        Some((i, _)) => s[..i].to_string(),
        None => s,
    }
}

impl AuditEntry {
    /// An entry for `action` at `now`, with nothing else filled in.
    pub fn new(action: AuditAction, now: DateTime<Utc>) -> Self {
        Self { at: now, user_id: None, user_email: None, action, target: None, details: None, client_hash: None }
    }

    /// Done by `user` (id and current e-mail).
    pub fn by(mut self, user: &User) -> Self {
        self.user_id = Some(user.id);
        self.user_email = Some(user.email.clone());
        self
    }

    /// Attempted with this e-mail (no account known), cut to 254 characters.
    pub fn email(mut self, email: &str) -> Self {
        self.user_email = Some(cut(email, AUDIT_FIELD_MAX_CHARS));
        self
    }

    /// Done to `target`, cut to 254 characters.
    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(cut(target, AUDIT_FIELD_MAX_CHARS));
        self
    }

    /// With a short description, cut to [`AUDIT_DETAILS_MAX_CHARS`].
    pub fn details(mut self, details: impl Into<String>) -> Self {
        self.details = Some(cut(details, AUDIT_DETAILS_MAX_CHARS));
        self
    }

    /// From the client whose address hashes to `hash`.
    pub fn client(mut self, hash: Option<String>) -> Self {
        self.client_hash = hash;
        self
    }
}

/// A stored entry.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditRecord {
    /// Id (increasing: the order of insertion).
    pub id: i64,
    /// The entry.
    pub entry: AuditEntry,
}

/// What to list (every bound is bound as an SQL parameter).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AuditFilter {
    /// Only this action.
    pub action: Option<AuditAction>,
    /// Only entries whose e-mail contains this text (case-insensitive; `%` and `_` are literal).
    pub email_contains: Option<String>,
    /// From this instant, inclusive (UTC).
    pub from: Option<DateTime<Utc>>,
    /// Before this instant, exclusive (UTC).
    pub before: Option<DateTime<Utc>>,
}

/// A failed-login counter's identity: what it counts and the HMAC (hex) of the e-mail or address.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ThrottleKey {
    /// Account or address.
    pub kind: ThrottleKind,
    /// HMAC-SHA256 hex of the normalised e-mail or of the address.
    pub subject: String,
}

/// Audit log and failed-login counters.
#[async_trait]
pub trait AuditStore {
    /// Appends `entry` to the audit log.
    async fn audit(&self, entry: &AuditEntry) -> Result<(), StoreError>;

    /// The entries matching `filter`, newest first, `limit` of them after skipping `offset`,
    /// and how many match in all.
    async fn audit_entries(&self, filter: &AuditFilter, limit: u32, offset: u64) -> Result<(Vec<AuditRecord>, u64), StoreError>;

    /// The stored counters among `keys` (missing ones are clean).
    async fn throttle_counters(&self, keys: &[ThrottleKey]) -> Result<Vec<(ThrottleKey, ThrottleCounter)>, StoreError>;

    /// Counts one failed login at `now` on each of `keys`, atomically (concurrent failures are
    /// all counted), following `policy` ([`crate::domain::throttle::after_failure`]).
    async fn record_login_failure(&self, keys: &[ThrottleKey], policy: &ThrottlePolicy, now: DateTime<Utc>) -> Result<(), StoreError>;

    /// Forgets the counter `key` (a successful login clears its account's counter).
    async fn clear_throttle(&self, key: &ThrottleKey) -> Result<(), StoreError>;
}

/// An `audit_log` row (`id, at, user_id, user_email, action, target, details, client_hash`), as
/// both backends decode it.
#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow {
    id: i64,
    at: DateTime<Utc>,
    user_id: Option<i64>,
    user_email: Option<String>,
    action: String,
    target: Option<String>,
    details: Option<String>,
    client_hash: Option<String>,
}

impl TryFrom<AuditRow> for AuditRecord {
    type Error = StoreError;

    fn try_from(r: AuditRow) -> Result<Self, StoreError> {
        let action = AuditAction::parse(&r.action).ok_or_else(|| StoreError::Corrupt(format!("audit action {:?}", r.action)))?;
        Ok(AuditRecord {
            id: r.id,
            entry: AuditEntry { at: r.at, user_id: r.user_id, user_email: r.user_email, action, target: r.target, details: r.details, client_hash: r.client_hash },
        })
    }
}

/// A `login_throttle` counter (`failures, window_start, locked_until`).
#[derive(sqlx::FromRow)]
pub(crate) struct ThrottleRow {
    failures: i64,
    window_start: DateTime<Utc>,
    locked_until: Option<DateTime<Utc>>,
}

impl From<ThrottleRow> for ThrottleCounter {
    fn from(r: ThrottleRow) -> Self {
        ThrottleCounter { failures: u32::try_from(r.failures.max(0)).unwrap_or(u32::MAX), window_start: r.window_start, locked_until: r.locked_until }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_fields_are_cut_on_characters() {
        let e = AuditEntry::new(AuditAction::LoginFailed, Utc::now()).email(&"é".repeat(300)).details("x".repeat(600));
        assert_eq!(e.user_email.map(|s| s.chars().count()), Some(AUDIT_FIELD_MAX_CHARS));
        assert_eq!(e.details.map(|s| s.chars().count()), Some(AUDIT_DETAILS_MAX_CHARS));
        assert_eq!(cut("abc", 5), "abc");
    }
}
