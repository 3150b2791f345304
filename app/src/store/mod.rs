//! Storage behind one [`Store`] trait, so that pages and server functions never depend on a
//! particular database. [`sqlite::SqliteStore`] is the embedded default (one app server);
//! [`postgres::PgStore`] serves several app servers on one database. The scheme of
//! `DATABASE_URL` chooses (`server::database`); both pass the same integration tests.
//!
//! All timestamps are UTC; campaign dates are Europe/Paris calendar days.

pub mod accounts;
pub mod audit;
pub mod complaints;
pub mod personal_data;
pub mod questionnaires;
pub mod postgres;
pub mod sqlite;
pub mod reporting;
pub(crate) mod sql;
pub mod tablets;
pub mod visit_codes;

pub use accounts::*;
pub use audit::*;
pub use complaints::*;
pub use personal_data::*;
pub use questionnaires::*;
pub use reporting::*;
pub use tablets::*;
pub use visit_codes::*;

use crate::domain::questionnaire::{Questionnaire, ResponseDimensions};
use crate::domain::survey_form::SurveyAnswers;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use std::sync::Arc;

/// Shared handle to the store, as held in the Leptos context and the axum state.
pub type DynStore = Arc<dyn Store>;

/// Errors of the storage boundary.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or answered with an error (maps to HTTP 503).
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed at start-up.
    #[error("migration error: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A row would break a uniqueness rule (e.g. an e-mail already used by an account).
    #[error("already exists: {0}")]
    Conflict(String),
    /// Stored data does not parse (e.g. a questionnaire definition).
    #[error("corrupt data: {0}")]
    Corrupt(String),
}

/// A reception site (préfecture or sous-préfecture).
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Site {
    /// Database id.
    pub id: i64,
    /// URL slug (`evry`, `palaiseau`, `etampes`).
    pub slug: String,
    /// Display name.
    pub name: String,
    /// `prefecture`, `sous-prefecture` or `autre`.
    pub kind: String,
}

/// A stored survey campaign with the questionnaire version it uses.
#[derive(Clone, Debug)]
pub struct Campaign {
    /// Database id.
    pub id: i64,
    /// Name, period, target, questionnaire version.
    pub settings: CampaignSettings,
    /// The questionnaire version's definition.
    pub questionnaire: Questionnaire,
}

/// A campaign's settings (what is given when a campaign is created).
#[derive(Clone, Debug)]
pub struct CampaignSettings {
    /// Display name.
    pub name: String,
    /// First day (Europe/Paris), inclusive.
    pub starts_on: NaiveDate,
    /// Last day (Europe/Paris), inclusive.
    pub ends_on: NaiveDate,
    /// Respondent target per site (> 0).
    pub target_per_site: i64,
    /// Generated demonstration data.
    pub is_demo: bool,
    /// Questionnaire version to use.
    pub questionnaire_version_id: i64,
}

/// Channel a response came through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// Visitor's own device.
    Web,
    /// On-site tablet (kiosk).
    Tablette,
    /// Paper questionnaire typed in by staff.
    Papier,
}

impl Channel {
    /// Every channel, in display order.
    pub const ALL: [Channel; 3] = [Channel::Web, Channel::Tablette, Channel::Papier];

    /// Parses a stored value (exact match).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Tablette => "tablette",
            Channel::Papier => "papier",
        }
    }
}

/// A validated response to store.
#[derive(Clone, Debug)]
pub struct NewResponse {
    /// Campaign it counts for.
    pub campaign_id: i64,
    /// Site visited.
    pub site_id: i64,
    /// Questionnaire version answered.
    pub questionnaire_version_id: i64,
    /// Channel.
    pub channel: Channel,
    /// Language the survey was shown in (`fr`, `en`, …).
    pub language: String,
    /// Submission time (UTC).
    pub submitted_at: DateTime<Utc>,
    /// The answers.
    pub answers: SurveyAnswers,
    /// Answers to the procedure and appointment questions, copied onto the response row for
    /// filtering ([`Questionnaire::dimensions`]).
    pub dimensions: ResponseDimensions,
    /// Nonce of the one-time form token; `None` for generated or imported responses.
    pub token_nonce: Option<String>,
    /// A visit code of this site the visitor came with (see [`crate::domain::visit_code`]):
    /// [`Store::insert_response`] marks it used in the same transaction, or stores nothing when it
    /// already was. Ignored by the batch and import methods (always `None` there).
    pub visit_code: Option<crate::domain::visit_code::VisitCode>,
}

/// Result of [`Store::insert_response`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InsertOutcome {
    /// Stored with this id.
    Recorded(i64),
    /// The form token was already used: nothing stored (double click, reload, replay).
    AlreadyRecorded,
    /// The visit code was already used (by another submission): nothing stored, the token not
    /// consumed.
    CodeAlreadyUsed,
}

/// A file of paper questionnaires to import (see [`Store::import_responses`]).
#[derive(Clone, Debug)]
pub struct PaperImport {
    /// Campaign the responses count for.
    pub campaign_id: i64,
    /// SHA-256 of the file, hex: the same file is imported once per campaign.
    pub file_sha256: String,
    /// File name as uploaded (shown in the history).
    pub file_name: String,
    /// Staff member who imported it.
    pub user_id: i64,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// Nonce of the import form's one-time token (a double submit imports once).
    pub token_nonce: String,
}

/// Result of [`Store::import_responses`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportOutcome {
    /// Every response stored, in one transaction.
    Imported {
        /// Import id.
        id: i64,
        /// Responses stored.
        rows: u64,
    },
    /// This file was already imported for this campaign: nothing stored.
    AlreadyImported {
        /// When it was.
        at: DateTime<Utc>,
        /// How many responses it brought.
        rows: u64,
    },
    /// The form token was already used (double submit): nothing stored.
    TokenUsed,
}

/// A past import, for the history list.
#[derive(Clone, Debug, PartialEq)]
pub struct PaperImportRecord {
    /// Import id.
    pub id: i64,
    /// Campaign name.
    pub campaign_name: String,
    /// File name.
    pub file_name: String,
    /// Responses imported.
    pub rows: u64,
    /// Who imported it.
    pub user_name: String,
    /// When (UTC).
    pub imported_at: DateTime<Utc>,
}

/// Answer counts of one site for a campaign.
#[derive(Clone, Debug)]
pub struct SiteTally {
    /// The site.
    pub site: Site,
    /// Number of responses.
    pub respondents: u64,
    /// Closed answers: question key → option key → count.
    pub counts: HashMap<String, HashMap<String, u64>>,
}

/// Staff roles (see README, "Accounts").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Accounts, sites, questionnaires, tablets, everything.
    Admin,
    /// Quality staff: all sites, dashboards, complaints, exports.
    Qualite,
    /// Site agent: the complaints of their own site(s).
    Agent,
}

impl Role {
    /// Stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Qualite => "qualite",
            Role::Agent => "agent",
        }
    }

    /// Parses a stored value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Role::Admin),
            "qualite" => Some(Role::Qualite),
            "agent" => Some(Role::Agent),
            _ => None,
        }
    }
}

/// A staff account.
#[derive(Clone, Debug)]
pub struct User {
    /// Database id.
    pub id: i64,
    /// Login e-mail, lower-case.
    pub email: String,
    /// Name shown in the interface.
    pub display_name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Role.
    pub role: Role,
    /// Disabled accounts cannot log in.
    pub active: bool,
    /// Must choose a new password before anything else (set when an admin creates the account or
    /// resets its password; see `auth::session::password_change_guard`).
    pub must_change_password: bool,
}

/// A `users` row as both engines return it for [`USER_COLUMNS`] (the role still text).
#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: i64,
    email: String,
    display_name: String,
    password_hash: String,
    role: String,
    active: bool,
    must_change_password: bool,
}

/// The `users` columns [`user_from_row`] reads, in a `SELECT` list.
pub(crate) const USER_COLUMNS: &str = "id, email, display_name, password_hash, role, active, must_change_password";

/// A [`Site`] from a row holding `id, slug, name, kind` (either engine).
pub(crate) fn site_from_row<'r, R: sqlx::Row>(row: &'r R) -> Result<Site, sqlx::Error>
where
    Site: sqlx::FromRow<'r, R>,
{
    <Site as sqlx::FromRow<'r, R>>::from_row(row)
}

/// A [`User`] from a row holding [`USER_COLUMNS`] (either engine).
///
/// # Errors
/// [`StoreError::Corrupt`] for a role the application does not know.
pub(crate) fn user_from_row<'r, R: sqlx::Row>(row: &'r R) -> Result<User, StoreError>
where
    UserRow: sqlx::FromRow<'r, R>,
{
    let r = <UserRow as sqlx::FromRow<'r, R>>::from_row(row)?;
    let role = Role::parse(&r.role).ok_or_else(|| StoreError::Corrupt(format!("unknown role {:?}", r.role)))?;
    Ok(User { id: r.id, email: r.email, display_name: r.display_name, password_hash: r.password_hash, role, active: r.active, must_change_password: r.must_change_password })
}

/// What to create when an account is added.
#[derive(Clone, Debug)]
pub struct NewUser {
    /// Login e-mail (stored lower-case).
    pub email: String,
    /// Name shown in the interface.
    pub display_name: String,
    /// argon2id PHC string (never a clear password).
    pub password_hash: String,
    /// Role.
    pub role: Role,
}

/// The storage interface. Every implementation passes the same conformance tests.
#[async_trait]
pub trait Store: ComplaintStore + ReportingStore + QuestionnaireStore + AuditStore + AccountStore + PersonalDataStore + TabletStore + VisitCodeStore + Send + Sync + 'static {
    /// Runs this backend's migrations (idempotent).
    async fn migrate(&self) -> Result<(), StoreError>;

    /// A trivial query, for `/healthz`.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Active sites in display order.
    async fn list_sites(&self) -> Result<Vec<Site>, StoreError>;

    /// The active site with this slug.
    async fn site_by_slug(&self, slug: &str) -> Result<Option<Site>, StoreError>;

    /// Adds a questionnaire with its first version; returns the version id.
    async fn create_questionnaire(&self, name: &str, definition: &Questionnaire, now: DateTime<Utc>) -> Result<i64, StoreError>;

    /// Adds a campaign; returns its id.
    async fn create_campaign(&self, campaign: &CampaignSettings, now: DateTime<Utc>) -> Result<i64, StoreError>;

    /// Number of campaigns.
    async fn count_campaigns(&self) -> Result<u64, StoreError>;

    /// The campaign running on `today` (Europe/Paris): among campaigns whose period contains
    /// `today`, the one that started last; if none, the last one that started before `today`;
    /// if none, the first upcoming one.
    async fn current_campaign(&self, today: NaiveDate) -> Result<Option<Campaign>, StoreError>;

    /// Stores a response and its answers atomically. With a token nonce, the nonce is consumed in
    /// the same transaction: a nonce already used stores nothing and returns
    /// [`InsertOutcome::AlreadyRecorded`]. With a visit code, the code (of the response's site)
    /// is marked used in the same transaction (`UPDATE … WHERE used_on IS NULL`): a code already
    /// used stores nothing and returns [`InsertOutcome::CodeAlreadyUsed`], so two simultaneous
    /// submissions with one code store one counted response.
    async fn insert_response(&self, response: &NewResponse) -> Result<InsertOutcome, StoreError>;

    /// Stores every response of a paper import in **one** transaction (all or nothing), with the
    /// import's record; the token nonce is consumed in the same transaction. Each response's
    /// `import_id` points to the record.
    async fn import_responses(&self, import: &PaperImport, responses: &[NewResponse]) -> Result<ImportOutcome, StoreError>;

    /// Stores `responses` and their answers and aggregates in **one** transaction (all or
    /// nothing), without any form token (their `token_nonce` is ignored): for generated or bulk
    /// data, e.g. `server generate`. Returns the number of responses stored.
    async fn insert_responses_batch(&self, responses: &[NewResponse]) -> Result<u64, StoreError>;

    /// The most recent imports, newest first.
    async fn list_imports(&self, limit: u32) -> Result<Vec<PaperImportRecord>, StoreError>;

    /// Consumes the one-time form token `nonce` (staff forms without a stored row of their own):
    /// `true` the first time, `false` when it was already used.
    async fn consume_token(&self, nonce: &str, now: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Number of responses, all campaigns.
    async fn count_responses(&self) -> Result<u64, StoreError>;

    /// Respondents and closed-answer counts per active site for a campaign (sites without
    /// responses included, with zero).
    async fn campaign_tallies(&self, campaign_id: i64) -> Result<Vec<SiteTally>, StoreError>;

    /// The secret `name` (32 random bytes), created on first use and then shared by every app
    /// server using this database.
    async fn secret(&self, name: &str) -> Result<Vec<u8>, StoreError>;

    /// Adds an account.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when the e-mail is already used.
    async fn create_user(&self, user: &NewUser, now: DateTime<Utc>) -> Result<i64, StoreError>;

    /// The account with this e-mail (case-insensitive).
    async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError>;

    /// The account with this id.
    async fn user_by_id(&self, id: i64) -> Result<Option<User>, StoreError>;

    /// Number of active accounts with this role.
    async fn count_users_with_role(&self, role: Role) -> Result<u64, StoreError>;
}
