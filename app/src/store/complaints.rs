//! Storage of the complaint box: complaints and their history, reply templates, the e-mail
//! outbox, and the sites an agent works for. Part of [`super::Store`] (a supertrait), so every
//! backend implements it and passes the same tests.
//!
//! Timestamps are UTC; `*_on` fields are Europe/Paris calendar days.

use super::{Site, StoreError};
use crate::domain::complaint::{ComplaintChannel, ComplaintKind, ComplaintStatus, Procedure, ReplyMode};
use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// Which sites' complaints a staff member may read and change (checked in every query).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SiteScope {
    /// Quality staff and admins: every site.
    All,
    /// An agent: only these site ids (possibly none).
    Sites(Vec<i64>),
}

impl SiteScope {
    /// Whether the site `site_id` is in scope.
    pub fn allows(&self, site_id: i64) -> bool {
        match self {
            SiteScope::All => true,
            SiteScope::Sites(ids) => ids.contains(&site_id),
        }
    }
}

/// An e-mail to put in the outbox.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEmail {
    /// One recipient address (validated before).
    pub to: String,
    /// Subject (sanitised again when sent: no line breaks reach a header).
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

impl NewEmail {
    /// This e-mail with every `{reference}` in its subject and body replaced by `reference`.
    pub fn with_reference(&self, reference: &str) -> NewEmail {
        NewEmail { to: self.to.clone(), subject: self.subject.replace("{reference}", reference), body: self.body.replace("{reference}", reference) }
    }
}

/// A complaint to store (validated; see `domain::complaint::validate_complaint`).
#[derive(Clone, Debug)]
pub struct NewComplaint {
    /// Réclamation or suggestion (gives the reference prefix).
    pub kind: ComplaintKind,
    /// Site id.
    pub site_id: i64,
    /// Procedure.
    pub procedure: Procedure,
    /// Channel.
    pub channel: ComplaintChannel,
    /// Message as typed.
    pub message: String,
    /// Reply mode.
    pub reply_mode: ReplyMode,
    /// Name, if given.
    pub requester_name: Option<String>,
    /// E-mail, if given.
    pub email: Option<String>,
    /// Postal address, if given.
    pub postal_address: Option<String>,
    /// Postal code, if given.
    pub postal_code: Option<String>,
    /// Interface language of the filing (`fr`, `en`, …).
    pub language: String,
    /// Day of receipt (Europe/Paris); the reference's year is its year.
    pub received_on: NaiveDate,
    /// Working days allowed for the reply (fixed at filing).
    pub reply_days: u32,
    /// Initial status (`Recue`, or `AccuseEnvoye` when the filing itself acknowledges).
    pub status: ComplaintStatus,
    /// Day the acknowledgement was given, if at filing.
    pub acknowledged_on: Option<NaiveDate>,
    /// Filing time (UTC).
    pub created_at: DateTime<Utc>,
    /// The agent who typed it in (`None` for the online form).
    pub created_by: Option<i64>,
    /// Nonce of the one-time form token, consumed in the same transaction.
    pub token_nonce: Option<String>,
    /// Acknowledgement e-mail to queue with it. `{reference}` in its subject and body is replaced
    /// by the new reference.
    pub acknowledgement: Option<NewEmail>,
}

/// Result of [`ComplaintStore::file_complaint`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileOutcome {
    /// Stored under this id and reference.
    Filed {
        /// Database id.
        id: i64,
        /// `REC-2026-000123`.
        reference: String,
    },
    /// The form token was already used: nothing stored; the reference filed with it, if known.
    AlreadyFiled {
        /// Reference of the complaint filed with this token.
        reference: Option<String>,
    },
}

/// A stored complaint.
#[derive(Clone, Debug, PartialEq)]
pub struct Complaint {
    /// Database id.
    pub id: i64,
    /// `REC-2026-000123` / `SUG-2026-000045`.
    pub reference: String,
    /// Type.
    pub kind: ComplaintKind,
    /// Site.
    pub site: Site,
    /// Postal address of the site (letterhead), lines separated by `\n`.
    pub site_address: String,
    /// Procedure.
    pub procedure: Procedure,
    /// Channel.
    pub channel: ComplaintChannel,
    /// Message as typed (empty once erased, see `erased_at`).
    pub message: String,
    /// Reply mode.
    pub reply_mode: ReplyMode,
    /// Name, if given (`None` once erased).
    pub requester_name: Option<String>,
    /// E-mail, if given (`None` once erased).
    pub email: Option<String>,
    /// Postal address, if given (`None` once erased).
    pub postal_address: Option<String>,
    /// Postal code, if given (`None` once erased).
    pub postal_code: Option<String>,
    /// Language of the filing.
    pub language: String,
    /// Day of receipt (Europe/Paris).
    pub received_on: NaiveDate,
    /// Working days allowed for the reply.
    pub reply_days: u32,
    /// Status.
    pub status: ComplaintStatus,
    /// Day of the acknowledgement (Europe/Paris).
    pub acknowledged_on: Option<NaiveDate>,
    /// Day of the reply (Europe/Paris).
    pub replied_on: Option<NaiveDate>,
    /// Subject (letter heading) of the reply sent.
    pub reply_subject: Option<String>,
    /// The reply sent.
    pub reply_text: Option<String>,
    /// Why it was closed without follow-up.
    pub dismissal_reason: Option<String>,
    /// Filing time (UTC).
    pub created_at: DateTime<Utc>,
    /// Last change (UTC).
    pub updated_at: DateTime<Utc>,
    /// When it was last closed ("close" or "sans suite"; `None` while open). The retention
    /// period of its personal data runs from this instant.
    pub closed_at: Option<DateTime<Utc>>,
    /// When its personal data (contact details, message, reply, history comments, e-mails) was
    /// erased (retention or a person's request); `None` while kept.
    pub erased_at: Option<DateTime<Utc>>,
}

/// One entry of a complaint's history.
#[derive(Clone, Debug, PartialEq)]
pub struct ComplaintEvent {
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// Who: the agent's display name; `None` for the visitor or the system.
    pub user_name: Option<String>,
    /// What: `depot`, `saisie`, `statut`, `accuse`, `reponse`, `note`.
    pub action: String,
    /// Status before.
    pub from_status: Option<ComplaintStatus>,
    /// Status after.
    pub to_status: Option<ComplaintStatus>,
    /// Free detail (reason, comment, e-mail or letter).
    pub detail: Option<String>,
}

/// Filters of the complaint list (all optional; combined with AND).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ComplaintFilter {
    /// One site.
    pub site_id: Option<i64>,
    /// One status.
    pub status: Option<ComplaintStatus>,
    /// One type.
    pub kind: Option<ComplaintKind>,
    /// One channel.
    pub channel: Option<ComplaintChannel>,
    /// One procedure.
    pub procedure: Option<Procedure>,
    /// Only complaints still waiting for a reply.
    pub open_only: bool,
}

/// A change of one complaint, applied only if its status is still `expected_status` (a stale
/// page or a double submit changes nothing).
#[derive(Clone, Debug)]
pub struct ComplaintChange {
    /// The complaint.
    pub complaint_id: i64,
    /// Status the agent saw.
    pub expected_status: ComplaintStatus,
    /// New status (may equal the old one for a note).
    pub new_status: ComplaintStatus,
    /// Agent (`None`: the system, e.g. demonstration data).
    pub user_id: Option<i64>,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// History action (see [`ComplaintEvent::action`]).
    pub action: String,
    /// History detail.
    pub detail: Option<String>,
    /// Sets the acknowledgement day if not set yet.
    pub acknowledged_on: Option<NaiveDate>,
    /// Sets the reply day.
    pub replied_on: Option<NaiveDate>,
    /// Sets the reply subject.
    pub reply_subject: Option<String>,
    /// Sets the reply text.
    pub reply_text: Option<String>,
    /// Sets the dismissal reason.
    pub dismissal_reason: Option<String>,
    /// An e-mail to queue in the same transaction.
    pub email: Option<NewEmail>,
}

/// A reply template (courrier ou courriel type).
#[derive(Clone, Debug, PartialEq)]
pub struct ReplyTemplate {
    /// Database id.
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// For this type only (`None`: any).
    pub kind: Option<ComplaintKind>,
    /// For this procedure only (`None`: any).
    pub procedure: Option<Procedure>,
    /// E-mail subject / letter heading, with merge fields.
    pub subject: String,
    /// Text with merge fields (`{{reference}}` …).
    pub body: String,
    /// Offered to agents.
    pub active: bool,
    /// Last change (UTC).
    pub updated_at: DateTime<Utc>,
}

/// What a template is created or updated with.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateInput {
    /// Unique name.
    pub name: String,
    /// Type restriction.
    pub kind: Option<ComplaintKind>,
    /// Procedure restriction.
    pub procedure: Option<Procedure>,
    /// Subject.
    pub subject: String,
    /// Body.
    pub body: String,
    /// Offered to agents.
    pub active: bool,
}

/// Delivery state of an outbox message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutboxState {
    /// Waiting for (another) attempt.
    Pending,
    /// Accepted by the SMTP server.
    Sent,
    /// Given up: refused for good by the SMTP server, or too many attempts. Kept and shown.
    Failed,
}

/// A message waiting in (or gone from) the outbox.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxEmail {
    /// Database id.
    pub id: i64,
    /// Recipient.
    pub to_address: String,
    /// Subject.
    pub subject: String,
    /// Body.
    pub body: String,
    /// State.
    pub state: OutboxState,
    /// Attempts made so far.
    pub attempts: u32,
    /// Next attempt not before (UTC).
    pub next_attempt_at: DateTime<Utc>,
    /// Error of the last failed attempt.
    pub last_error: Option<String>,
    /// Queued at (UTC).
    pub created_at: DateTime<Utc>,
    /// Sent at (UTC).
    pub sent_at: Option<DateTime<Utc>>,
    /// The complaint it is about.
    pub complaint_id: Option<i64>,
    /// When its recipient, subject and body were erased (they are then empty).
    pub erased_at: Option<DateTime<Utc>>,
}

/// Storage of the complaint box.
#[async_trait]
pub trait ComplaintStore: Send + Sync {
    /// Stores a complaint with the next reference of its prefix and year, its first history
    /// entry and its acknowledgement e-mail, in one transaction. With a token nonce, the nonce is
    /// consumed in the same transaction; a nonce already used stores nothing.
    async fn file_complaint(&self, complaint: &NewComplaint) -> Result<FileOutcome, StoreError>;

    /// The complaint with this (canonical) reference, any site.
    async fn complaint_by_reference(&self, reference: &str) -> Result<Option<Complaint>, StoreError>;

    /// The complaint `id` if its site is in `scope` (`None` otherwise, as for an unknown id).
    async fn complaint(&self, id: i64, scope: &SiteScope) -> Result<Option<Complaint>, StoreError>;

    /// Complaints in `scope` matching `filter`, newest receipt first, at most `limit`.
    async fn list_complaints(&self, scope: &SiteScope, filter: &ComplaintFilter, limit: u32) -> Result<Vec<Complaint>, StoreError>;

    /// History of a complaint, oldest first.
    async fn complaint_events(&self, complaint_id: i64) -> Result<Vec<ComplaintEvent>, StoreError>;

    /// Applies `change` if the complaint is in `scope` and still in `expected_status`; records
    /// the history entry and queues the e-mail in the same transaction. Returns whether it was
    /// applied.
    async fn change_complaint(&self, change: &ComplaintChange, scope: &SiteScope) -> Result<bool, StoreError>;

    /// Reply templates by name (inactive ones too when `include_inactive`).
    async fn list_templates(&self, include_inactive: bool) -> Result<Vec<ReplyTemplate>, StoreError>;

    /// One template.
    async fn template(&self, id: i64) -> Result<Option<ReplyTemplate>, StoreError>;

    /// Creates (`id == None`) or updates a template; returns its id.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when the name is taken by another template.
    async fn save_template(&self, id: Option<i64>, template: &TemplateInput, user_id: i64, now: DateTime<Utc>) -> Result<i64, StoreError>;

    /// Site ids an agent works for.
    async fn user_site_ids(&self, user_id: i64) -> Result<Vec<i64>, StoreError>;

    /// Replaces the sites an agent works for.
    async fn set_user_sites(&self, user_id: i64, site_ids: &[i64]) -> Result<(), StoreError>;

    /// Queues an e-mail on its own (not tied to a complaint change).
    async fn enqueue_email(&self, email: &NewEmail, complaint_id: Option<i64>, now: DateTime<Utc>) -> Result<i64, StoreError>;

    /// Claims up to `limit` pending messages whose next attempt is due at `now`: atomically
    /// increments their attempts and pushes their next attempt to `now + lease` (so another
    /// server does not take them meanwhile, and a crash mid-send retries them after the lease).
    /// Returns them with attempts already incremented.
    async fn claim_outbox(&self, now: DateTime<Utc>, lease: Duration, limit: u32) -> Result<Vec<OutboxEmail>, StoreError>;

    /// Marks a message sent.
    async fn outbox_sent(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError>;

    /// Records a failed attempt: the message stays pending, next try at `next_attempt_at`.
    async fn outbox_failed(&self, id: i64, error: &str, next_attempt_at: DateTime<Utc>) -> Result<(), StoreError>;

    /// Gives a message up (state failed, with the error): no more attempts.
    async fn outbox_abandoned(&self, id: i64, error: &str) -> Result<(), StoreError>;

    /// The newest `limit` messages (pending first), for the outbox page.
    async fn list_outbox(&self, limit: u32) -> Result<Vec<OutboxEmail>, StoreError>;

    /// Messages about one complaint, oldest first.
    async fn complaint_emails(&self, complaint_id: i64) -> Result<Vec<OutboxEmail>, StoreError>;
}

// ---------------------------------------------------------------------------------------------
// Rows as both backends select them (raw column values, decoded by sqlx for SQLite and
// PostgreSQL alike), and their conversion to the types above (shared, so both backends map a row
// the same way and report the same errors).

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("unknown {what} {value:?}"))
}

/// Parses the stored text `value` of `column` with `parse` ([`StoreError::Corrupt`] if it does
/// not parse).
pub(crate) fn parse_column<T>(column: &str, value: &str, parse: fn(&str) -> Option<T>) -> Result<T, StoreError> {
    parse(value).ok_or_else(|| corrupt(column, value))
}

/// A complaint with its site, as selected by the backends' `COMPLAINT_COLUMNS`.
#[derive(sqlx::FromRow)]
pub(crate) struct ComplaintRow {
    id: i64,
    reference: String,
    kind: String,
    procedure: String,
    channel: String,
    message: String,
    reply_mode: String,
    requester_name: Option<String>,
    email: Option<String>,
    postal_address: Option<String>,
    postal_code: Option<String>,
    language: String,
    received_on: NaiveDate,
    reply_days: i64,
    status: String,
    acknowledged_on: Option<NaiveDate>,
    replied_on: Option<NaiveDate>,
    reply_subject: Option<String>,
    reply_text: Option<String>,
    dismissal_reason: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    erased_at: Option<DateTime<Utc>>,
    site_id: i64,
    slug: String,
    name: String,
    site_kind: String,
    address: String,
}

impl TryFrom<ComplaintRow> for Complaint {
    type Error = StoreError;

    fn try_from(r: ComplaintRow) -> Result<Self, StoreError> {
        Ok(Complaint {
            id: r.id,
            reference: r.reference,
            kind: parse_column("kind", &r.kind, ComplaintKind::parse)?,
            site: Site { id: r.site_id, slug: r.slug, name: r.name, kind: r.site_kind },
            site_address: r.address,
            procedure: parse_column("procedure", &r.procedure, Procedure::parse)?,
            channel: parse_column("channel", &r.channel, ComplaintChannel::parse)?,
            message: r.message,
            reply_mode: parse_column("reply_mode", &r.reply_mode, ReplyMode::parse)?,
            requester_name: r.requester_name,
            email: r.email,
            postal_address: r.postal_address,
            postal_code: r.postal_code,
            language: r.language,
            received_on: r.received_on,
            reply_days: u32::try_from(r.reply_days).map_err(|_| corrupt("reply_days", &r.reply_days.to_string()))?,
            status: parse_column("status", &r.status, ComplaintStatus::parse)?,
            acknowledged_on: r.acknowledged_on,
            replied_on: r.replied_on,
            reply_subject: r.reply_subject,
            reply_text: r.reply_text,
            dismissal_reason: r.dismissal_reason,
            created_at: r.created_at,
            updated_at: r.updated_at,
            closed_at: r.closed_at,
            erased_at: r.erased_at,
        })
    }
}

/// One history entry (`complaint_events` joined to the agent's name).
#[derive(sqlx::FromRow)]
pub(crate) struct ComplaintEventRow {
    at: DateTime<Utc>,
    display_name: Option<String>,
    action: String,
    from_status: Option<String>,
    to_status: Option<String>,
    detail: Option<String>,
}

impl TryFrom<ComplaintEventRow> for ComplaintEvent {
    type Error = StoreError;

    fn try_from(r: ComplaintEventRow) -> Result<Self, StoreError> {
        let status = |column: &str, v: Option<String>| v.map(|v| parse_column(column, &v, ComplaintStatus::parse)).transpose();
        Ok(ComplaintEvent {
            at: r.at,
            user_name: r.display_name,
            action: r.action,
            from_status: status("from_status", r.from_status)?,
            to_status: status("to_status", r.to_status)?,
            detail: r.detail,
        })
    }
}

/// A reply template (`id, name, kind, procedure, subject, body, active, updated_at`).
#[derive(sqlx::FromRow)]
pub(crate) struct TemplateRow {
    id: i64,
    name: String,
    kind: Option<String>,
    procedure: Option<String>,
    subject: String,
    body: String,
    active: bool,
    updated_at: DateTime<Utc>,
}

impl TryFrom<TemplateRow> for ReplyTemplate {
    type Error = StoreError;

    fn try_from(r: TemplateRow) -> Result<Self, StoreError> {
        Ok(ReplyTemplate {
            id: r.id,
            name: r.name,
            kind: r.kind.map(|k| parse_column("template kind", &k, ComplaintKind::parse)).transpose()?,
            procedure: r.procedure.map(|p| parse_column("template procedure", &p, Procedure::parse)).transpose()?,
            subject: r.subject,
            body: r.body,
            active: r.active,
            updated_at: r.updated_at,
        })
    }
}

/// An outbox message, as selected by the backends' `OUTBOX_COLUMNS`.
#[derive(sqlx::FromRow)]
pub(crate) struct OutboxRow {
    id: i64,
    to_address: String,
    subject: String,
    body: String,
    complaint_id: Option<i64>,
    state: String,
    attempts: i64,
    next_attempt_at: DateTime<Utc>,
    last_error: Option<String>,
    created_at: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
    erased_at: Option<DateTime<Utc>>,
}

impl TryFrom<OutboxRow> for OutboxEmail {
    type Error = StoreError;

    fn try_from(r: OutboxRow) -> Result<Self, StoreError> {
        Ok(OutboxEmail {
            id: r.id,
            to_address: r.to_address,
            subject: r.subject,
            body: r.body,
            state: match r.state.as_str() {
                "pending" => OutboxState::Pending,
                "sent" => OutboxState::Sent,
                "failed" => OutboxState::Failed,
                other => return Err(corrupt("outbox state", other)),
            },
            attempts: u32::try_from(r.attempts).unwrap_or(u32::MAX),
            next_attempt_at: r.next_attempt_at,
            last_error: r.last_error,
            created_at: r.created_at,
            sent_at: r.sent_at,
            complaint_id: r.complaint_id,
            erased_at: r.erased_at,
        })
    }
}
