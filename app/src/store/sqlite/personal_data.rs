//! [`PersonalDataStore`] on SQLite.

use super::audit::record_from_row;
use super::complaints::{email_from_row, OUTBOX_COLUMNS};
use super::SqliteStore;
use crate::store::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Row, Sqlite};

/// Appends `(?, ?, …)` with `values` bound (`(NULL)` when empty, which matches nothing).
fn push_list<'a, T>(q: &mut QueryBuilder<'a, Sqlite>, values: &[T])
where
    T: 'a + sqlx::Encode<'a, Sqlite> + sqlx::Type<Sqlite> + Send + Clone,
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
impl PersonalDataStore for SqliteStore {
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
        let mut q = QueryBuilder::<Sqlite>::new(format!("SELECT {OUTBOX_COLUMNS} FROM outbox WHERE id IN "));
        push_list(&mut q, ids);
        q.push(" ORDER BY id");
        let rows = q.build().fetch_all(&self.pool).await?;
        rows.iter().map(email_from_row).collect()
    }

    async fn audit_visitor_emails(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT a.user_email FROM audit_log a
             WHERE a.user_email IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.email = lower(a.user_email))",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    async fn audit_entries_with_emails(&self, emails: &[String]) -> Result<Vec<AuditRecord>, StoreError> {
        let mut q = QueryBuilder::<Sqlite>::new("SELECT id, at, user_id, user_email, action, target, details, client_hash FROM audit_log WHERE user_email IN ");
        push_list(&mut q, emails);
        q.push(" ORDER BY id");
        let rows = q.build().fetch_all(&self.pool).await?;
        rows.iter().map(record_from_row).collect()
    }

    async fn complaints_closed_before(&self, before: DateTime<Utc>, limit: u32) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM complaints WHERE erased_at IS NULL AND closed_at IS NOT NULL AND julianday(closed_at) < julianday(?)
             ORDER BY closed_at, id LIMIT ?",
        )
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?)
    }

    async fn erase_personal_data(&self, r: &ErasureRequest, now: DateTime<Utc>) -> Result<ErasureReport, StoreError> {
        let mut tx = self.pool.begin().await?;
        // Writing first takes the write lock: another server erasing the same rows waits, then
        // finds them erased.
        let mut q = QueryBuilder::<Sqlite>::new("SELECT DISTINCT lower(email) FROM complaints WHERE email IS NOT NULL AND id IN ");
        push_list(&mut q, &r.complaint_ids);
        let mut emails: Vec<String> = q.build_query_scalar().fetch_all(&mut *tx).await?;
        emails.extend(r.audit_emails.iter().map(|e| e.to_lowercase()));

        let mut q = QueryBuilder::<Sqlite>::new(
            "UPDATE complaints SET requester_name = NULL, email = NULL, postal_address = NULL, postal_code = NULL, message = NULL,
               reply_subject = NULL, reply_text = NULL, dismissal_reason = NULL, erased_at = ",
        );
        q.push_bind(now).push(" WHERE erased_at IS NULL AND id IN ");
        push_list(&mut q, &r.complaint_ids);
        q.push(" RETURNING reference");
        let mut references: Vec<String> = q.build_query_scalar().fetch_all(&mut *tx).await?;
        references.sort();

        let mut q = QueryBuilder::<Sqlite>::new("UPDATE complaint_events SET detail = NULL WHERE detail IS NOT NULL AND complaint_id IN ");
        push_list(&mut q, &r.complaint_ids);
        q.build().execute(&mut *tx).await?;

        let mut q = QueryBuilder::<Sqlite>::new(
            "UPDATE outbox SET to_address = '', subject = '', body = '', last_error = NULL,
               state = CASE state WHEN 'pending' THEN 'failed' ELSE state END, erased_at = ",
        );
        q.push_bind(now).push(" WHERE erased_at IS NULL AND (complaint_id IN ");
        push_list(&mut q, &r.complaint_ids);
        q.push(" OR id IN ");
        push_list(&mut q, &r.outbox_ids);
        q.push(")");
        let emails_erased = q.build().execute(&mut *tx).await?.rows_affected();

        let mut q = QueryBuilder::<Sqlite>::new("UPDATE audit_log SET user_email = NULL WHERE user_email IS NOT NULL AND lower(user_email) IN ");
        push_list(&mut q, &emails);
        q.push(" AND NOT EXISTS (SELECT 1 FROM users u WHERE u.email = lower(audit_log.user_email))");
        let audit_entries = q.build().execute(&mut *tx).await?.rows_affected();

        tx.commit().await?;
        Ok(ErasureReport { references, emails: emails_erased, audit_entries })
    }
}
