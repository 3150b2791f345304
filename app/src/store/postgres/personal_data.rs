//! [`PersonalDataStore`] on PostgreSQL. Erasures (the retention job of every app server, a
//! person's request) are serialised by a transaction-level advisory lock, so a complaint is
//! erased, and reported for the audit log, once.

use super::audit::record_from_row;
use super::complaints::{email_from_row, OUTBOX_COLUMNS};
use super::PgStore;
use crate::store::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Row, Postgres};

/// Key of the advisory lock taken by every erasure (`pg_advisory_xact_lock`).
const ERASURE_LOCK: i64 = 0x4156_4953_4552_4153; // "AVISERAS"

/// Appends `($1, $2, …)` with `values` bound (`(NULL)` when empty, which matches nothing).
fn push_list<'a, T>(q: &mut QueryBuilder<'a, Postgres>, values: &[T])
where
    T: 'a + sqlx::Encode<'a, Postgres> + sqlx::Type<Postgres> + Send + Clone,
{
    if values.is_empty() {
        q.push("(NULL)");
        return;
    }
    q.push("(");
    let mut list = q.separated(", ");
    for v in values {
        list.push_bind(v.clone());
    }
    q.push(")");
}

#[async_trait]
impl PersonalDataStore for PgStore {
    async fn complaint_contacts(&self) -> Result<Vec<ComplaintContact>, StoreError> {
        let rows = sqlx::query("SELECT id, requester_name, email FROM complaints WHERE erased_at IS NULL AND (requester_name IS NOT NULL OR email IS NOT NULL) ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(ComplaintContact { id: r.try_get("id")?, name: r.try_get("requester_name")?, email: r.try_get("email")? })).collect()
    }

    async fn outbox_recipients(&self) -> Result<Vec<(i64, String, Option<i64>)>, StoreError> {
        Ok(sqlx::query_as("SELECT id, to_address, complaint_id FROM outbox WHERE erased_at IS NULL ORDER BY id").fetch_all(&self.pool).await?)
    }

    async fn outbox_emails(&self, ids: &[i64]) -> Result<Vec<OutboxEmail>, StoreError> {
        let mut q = QueryBuilder::<Postgres>::new(format!("SELECT {OUTBOX_COLUMNS} FROM outbox WHERE id IN "));
        push_list(&mut q, ids);
        q.push(" ORDER BY id");
        let rows = q.build().fetch_all(&self.pool).await?;
        rows.iter().map(email_from_row).collect()
    }

    async fn audit_visitor_emails(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT a.user_email FROM audit_log a
             WHERE a.user_email IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.email = lower(a.user_email))
             GROUP BY a.user_email ORDER BY a.user_email COLLATE \"C\"",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    async fn audit_entries_with_emails(&self, emails: &[String]) -> Result<Vec<AuditRecord>, StoreError> {
        let mut q = QueryBuilder::<Postgres>::new("SELECT id, at, user_id, user_email, action, target, details, client_hash FROM audit_log WHERE user_email IN ");
        push_list(&mut q, emails);
        q.push(" ORDER BY id");
        let rows = q.build().fetch_all(&self.pool).await?;
        rows.iter().map(record_from_row).collect()
    }

    async fn complaints_closed_before(&self, before: DateTime<Utc>, limit: u32) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM complaints WHERE erased_at IS NULL AND closed_at IS NOT NULL AND closed_at < $1
             ORDER BY closed_at, id LIMIT $2",
        )
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?)
    }

    async fn erase_personal_data(&self, r: &ErasureRequest, now: DateTime<Utc>) -> Result<ErasureReport, StoreError> {
        let mut tx = self.pool.begin().await?;
        // One erasure at a time across servers: another server erasing the same rows waits here
        // until this transaction ends, then (each statement below seeing what was committed)
        // finds them erased, so nothing is erased or reported twice.
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(ERASURE_LOCK).execute(&mut *tx).await?;
        // Lock the complaints (in id order) against a concurrent status change, and read their
        // e-mails as committed now.
        let mut q = QueryBuilder::<Postgres>::new("SELECT id, lower(email) AS email FROM complaints WHERE id IN ");
        push_list(&mut q, &r.complaint_ids);
        q.push(" ORDER BY id FOR UPDATE");
        let locked: Vec<(i64, Option<String>)> = q.build_query_as().fetch_all(&mut *tx).await?;
        let mut emails: Vec<String> = locked.into_iter().filter_map(|(_, e)| e).collect();
        emails.sort();
        emails.dedup();
        emails.extend(r.audit_emails.iter().map(|e| e.to_lowercase()));

        let mut q = QueryBuilder::<Postgres>::new(
            "UPDATE complaints SET requester_name = NULL, email = NULL, postal_address = NULL, postal_code = NULL, message = NULL,
               reply_subject = NULL, reply_text = NULL, dismissal_reason = NULL, erased_at = ",
        );
        q.push_bind(now).push(" WHERE erased_at IS NULL AND id IN ");
        push_list(&mut q, &r.complaint_ids);
        q.push(" RETURNING reference");
        let mut references: Vec<String> = q.build_query_scalar().fetch_all(&mut *tx).await?;
        references.sort();

        let mut q = QueryBuilder::<Postgres>::new("UPDATE complaint_events SET detail = NULL WHERE detail IS NOT NULL AND complaint_id IN ");
        push_list(&mut q, &r.complaint_ids);
        q.build().execute(&mut *tx).await?;

        let mut q = QueryBuilder::<Postgres>::new(
            "UPDATE outbox SET to_address = '', subject = '', body = '', last_error = NULL,
               state = CASE state WHEN 'pending' THEN 'failed' ELSE state END, erased_at = ",
        );
        q.push_bind(now).push(" WHERE erased_at IS NULL AND (complaint_id IN ");
        push_list(&mut q, &r.complaint_ids);
        q.push(" OR id IN ");
        push_list(&mut q, &r.outbox_ids);
        q.push(")");
        let emails_erased = q.build().execute(&mut *tx).await?.rows_affected();

        let mut q = QueryBuilder::<Postgres>::new("UPDATE audit_log SET user_email = NULL WHERE user_email IS NOT NULL AND lower(user_email) IN ");
        push_list(&mut q, &emails);
        q.push(" AND NOT EXISTS (SELECT 1 FROM users u WHERE u.email = lower(audit_log.user_email))");
        let audit_entries = q.build().execute(&mut *tx).await?.rows_affected();

        tx.commit().await?;
        Ok(ErasureReport { references, emails: emails_erased, audit_entries })
    }
}
