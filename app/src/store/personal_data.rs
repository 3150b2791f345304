//! Storage side of personal-data protection (GDPR): what the person search reads and the one
//! erasure used both by the retention job and by a person's erasure request. Part of
//! [`super::Store`] (a supertrait).
//!
//! Where personal data of the public lives: `complaints` (name, e-mail, postal address and
//! code, message, reply subject and text, dismissal reason), `complaint_events.detail` (reasons
//! and comments typed by agents), `outbox` (recipient, subject and body of the e-mails sent to
//! the person) and `audit_log.user_email` (an e-mail typed at a failed login). The survey is
//! anonymous; login counters only hold keyed hashes.

use super::{AuditRecord, OutboxEmail, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// The contact data of one complaint not erased yet, for the person search.
#[derive(Clone, Debug, PartialEq)]
pub struct ComplaintContact {
    /// Complaint id.
    pub id: i64,
    /// Name given, if any.
    pub name: Option<String>,
    /// E-mail given, if any.
    pub email: Option<String>,
}

/// What to erase: complaints (everything personal about them, their history comments and
/// e-mails, and the audit entries holding their e-mail), and further e-mails and audit e-mails
/// found by a person search.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErasureRequest {
    /// Complaint ids.
    pub complaint_ids: Vec<i64>,
    /// Outbox ids (besides those of the complaints).
    pub outbox_ids: Vec<i64>,
    /// E-mail addresses to blank in the audit log (compared lower-case), besides those of the
    /// complaints. Addresses of staff accounts are never blanked: the journal of staff actions
    /// keeps who acted.
    pub audit_emails: Vec<String>,
}

/// What an erasure changed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErasureReport {
    /// References of the complaints erased now (those erased before are not repeated).
    pub references: Vec<String>,
    /// E-mails of the outbox erased now.
    pub emails: u64,
    /// Audit entries whose e-mail was blanked now.
    pub audit_entries: u64,
}

/// Personal-data search and erasure.
#[async_trait]
pub trait PersonalDataStore {
    /// Name and e-mail of every complaint not erased that has one (the person search compares
    /// them in Rust: case and accents do not matter, see `domain::personal_data`).
    async fn complaint_contacts(&self) -> Result<Vec<ComplaintContact>, StoreError>;

    /// Every outbox e-mail not erased (id, recipient, complaint id), for the person search.
    async fn outbox_recipients(&self) -> Result<Vec<(i64, String, Option<i64>)>, StoreError>;

    /// The outbox e-mails `ids`, oldest first.
    async fn outbox_emails(&self, ids: &[i64]) -> Result<Vec<OutboxEmail>, StoreError>;

    /// The distinct e-mails of the audit log that are not a staff account's (typed at failed
    /// logins), for the person search.
    async fn audit_visitor_emails(&self) -> Result<Vec<String>, StoreError>;

    /// The audit entries holding one of `emails` (exact, stored lower-case), oldest first.
    async fn audit_entries_with_emails(&self, emails: &[String]) -> Result<Vec<AuditRecord>, StoreError>;

    /// Ids of the complaints closed before `before` whose data is not erased yet, at most
    /// `limit`, oldest closing first (the retention job).
    async fn complaints_closed_before(&self, before: DateTime<Utc>, limit: u32) -> Result<Vec<i64>, StoreError>;

    /// Erases `request` at `now`, in one transaction: complaints keep their row (type, site,
    /// procedure, channel, days, status, deadlines) with name, e-mail, postal address and code,
    /// message, reply subject and text, dismissal reason and the details of their history set to
    /// NULL and `erased_at = now`; their e-mails and those listed get an empty recipient,
    /// subject and body, `erased_at = now` and, if still pending, are never sent; the audit log
    /// loses those e-mail addresses. Idempotent: what is already erased is left as it is, so
    /// several servers may run it at once.
    async fn erase_personal_data(&self, request: &ErasureRequest, now: DateTime<Utc>) -> Result<ErasureReport, StoreError>;
}
