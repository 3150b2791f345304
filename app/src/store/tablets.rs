//! Storage of the on-site tablets (kiosk mode, issue 6): enrolment, the admins' list, revocation,
//! and the look-up of a tablet from its cookie. Part of [`super::Store`] (a supertrait). The
//! cookie's token is never stored: only its SHA-256 ([`crate::domain::kiosk::token_hash`]).

use super::{Site, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// A tablet as the admins' list shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Tablet {
    /// Database id.
    pub id: i64,
    /// The site it serves.
    pub site: Site,
    /// Where it stands, e.g. "Accueil titres de séjour".
    pub label: String,
    /// When it was enrolled (UTC).
    pub created_at: DateTime<Utc>,
    /// Display name of the admin who enrolled it (`None` if unknown).
    pub created_by: Option<String>,
    /// When it was revoked (UTC); `None` while it works.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Its last request (UTC, refreshed at most once a minute); `None` before any.
    pub last_seen_at: Option<DateTime<Utc>>,
}

/// A tablet to enrol.
#[derive(Clone, Debug)]
pub struct NewTablet {
    /// Site id.
    pub site_id: i64,
    /// Label (non-empty, checked by the caller).
    pub label: String,
    /// SHA-256 of the cookie's token, lower-case hex (64 characters).
    pub token_hash: String,
    /// The admin enrolling it.
    pub created_by: i64,
}

/// Result of [`TabletStore::enrol_tablet`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnrolOutcome {
    /// Stored with this id.
    Enrolled(i64),
    /// The form's one-time token was already used (double submit): nothing stored.
    TokenUsed,
}

/// The tablet a request comes from, resolved from its cookie.
#[derive(Clone, Debug, PartialEq)]
pub struct ActiveTablet {
    /// Tablet id.
    pub id: i64,
    /// Label.
    pub label: String,
    /// Its site (active).
    pub site: Site,
}

/// The on-site tablets (see the module documentation).
#[async_trait]
pub trait TabletStore {
    /// Stores `tablet`, consuming the one-time form token `token_nonce` in the same transaction
    /// (a nonce already used stores nothing: [`EnrolOutcome::TokenUsed`]).
    async fn enrol_tablet(&self, tablet: &NewTablet, token_nonce: &str, now: DateTime<Utc>) -> Result<EnrolOutcome, StoreError>;

    /// Every tablet, working ones first, then by site order and label.
    async fn list_tablets(&self) -> Result<Vec<Tablet>, StoreError>;

    /// Revokes tablet `id` at `now` by `by` (a user id). `false` when there is no such tablet or
    /// it was already revoked (nothing changed).
    async fn revoke_tablet(&self, id: i64, by: Option<i64>, now: DateTime<Utc>) -> Result<bool, StoreError>;

    /// The working tablet (not revoked, site active) whose token hashes to `token_hash`, if any;
    /// its `last_seen_at` becomes `now` when it was more than a minute older (or unset).
    async fn tablet_seen(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<ActiveTablet>, StoreError>;
}

/// A tablet with its site and the name of the admin who enrolled it, as both backends select it
/// for the admins' list.
#[derive(sqlx::FromRow)]
pub(crate) struct TabletRow {
    id: i64,
    label: String,
    created_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
    last_seen_at: Option<DateTime<Utc>>,
    created_by_name: Option<String>,
    site_id: i64,
    slug: String,
    name: String,
    kind: String,
}

impl From<TabletRow> for Tablet {
    fn from(r: TabletRow) -> Self {
        Tablet {
            id: r.id,
            site: Site { id: r.site_id, slug: r.slug, name: r.name, kind: r.kind },
            label: r.label,
            created_at: r.created_at,
            created_by: r.created_by_name,
            revoked_at: r.revoked_at,
            last_seen_at: r.last_seen_at,
        }
    }
}

/// A working tablet found from its token, with when it was last seen.
#[derive(sqlx::FromRow)]
pub(crate) struct ActiveTabletRow {
    id: i64,
    label: String,
    /// Its last request, before this one.
    pub(crate) last_seen_at: Option<DateTime<Utc>>,
    site_id: i64,
    slug: String,
    name: String,
    kind: String,
}

impl From<ActiveTabletRow> for ActiveTablet {
    fn from(r: ActiveTabletRow) -> Self {
        ActiveTablet { id: r.id, label: r.label, site: Site { id: r.site_id, slug: r.slug, name: r.name, kind: r.kind } }
    }
}
