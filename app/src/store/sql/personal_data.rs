//! [`PersonalDataStore`](crate::store::PersonalDataStore) on both engines. Erasures (the
//! retention job of every app server, a person's request) never erase, or report for the audit
//! log, a complaint twice: on PostgreSQL they are serialised by a transaction-level advisory lock
//! ([`ERASURE_LOCK`]), on SQLite by the database's single writer.

/// Key of the advisory lock taken by every erasure ([`super::Dialect::ADVISORY_LOCK`]).
pub(crate) const ERASURE_LOCK: i64 = 0x4156_4953_4552_4153; // "AVISERAS"

/// `impl PersonalDataStore for $store`, for a store type with a `pool()`, a
/// [`Dialect`](super::Dialect) and `audit_record_from_row` ([`super::audit::impl_audit_store`]).
macro_rules! impl_personal_data_store {
    ($store:ty) => {
        const _: () = {
            use $crate::store::sql::complaints::email_from_row;
            use $crate::store::sql::personal_data::ERASURE_LOCK;
            use $crate::store::sql::{push_list, Dialect, OUTBOX_COLUMNS};
            use $crate::store::*;
            use chrono::{DateTime, Utc};
            use sqlx::{QueryBuilder, Row};

            #[async_trait::async_trait]
            impl PersonalDataStore for $store {
                async fn complaint_contacts(&self) -> Result<Vec<ComplaintContact>, StoreError> {
                    let rows = sqlx::query("SELECT id, requester_name, email FROM complaints WHERE erased_at IS NULL AND (requester_name IS NOT NULL OR email IS NOT NULL) ORDER BY id")
                        .fetch_all(self.pool())
                        .await?;
                    rows.iter().map(|r| Ok(ComplaintContact { id: r.try_get("id")?, name: r.try_get("requester_name")?, email: r.try_get("email")? })).collect()
                }

                async fn outbox_recipients(&self) -> Result<Vec<(i64, String, Option<i64>)>, StoreError> {
                    Ok(sqlx::query_as("SELECT id, to_address, complaint_id FROM outbox WHERE erased_at IS NULL ORDER BY id").fetch_all(self.pool()).await?)
                }

                async fn outbox_emails(&self, ids: &[i64]) -> Result<Vec<OutboxEmail>, StoreError> {
                    let mut q = QueryBuilder::<<Self as Dialect>::Db>::new(format!("SELECT {OUTBOX_COLUMNS} FROM outbox WHERE id IN "));
                    push_list(&mut q, ids);
                    q.push(" ORDER BY id");
                    let rows = q.build().fetch_all(self.pool()).await?;
                    rows.iter().map(email_from_row).collect()
                }

                async fn audit_visitor_emails(&self) -> Result<Vec<String>, StoreError> {
                    Ok(sqlx::query_scalar(&format!(
                        "SELECT a.user_email FROM audit_log a
                         WHERE a.user_email IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.email = lower(a.user_email))
                         GROUP BY a.user_email ORDER BY a.user_email{}",
                        Self::BYTE_ORDER
                    ))
                    .fetch_all(self.pool())
                    .await?)
                }

                async fn audit_entries_with_emails(&self, emails: &[String]) -> Result<Vec<AuditRecord>, StoreError> {
                    let mut q = QueryBuilder::<<Self as Dialect>::Db>::new("SELECT id, at, user_id, user_email, action, target, details, client_hash FROM audit_log WHERE user_email IN ");
                    push_list(&mut q, emails);
                    q.push(" ORDER BY id");
                    let rows = q.build().fetch_all(self.pool()).await?;
                    rows.iter().map(Self::audit_record_from_row).collect()
                }

                async fn complaints_closed_before(&self, before: DateTime<Utc>, limit: u32) -> Result<Vec<i64>, StoreError> {
                    Ok(sqlx::query_scalar(&format!(
                        "SELECT id FROM complaints WHERE erased_at IS NULL AND closed_at IS NOT NULL AND {} < {}
                         ORDER BY closed_at, id LIMIT $2",
                        Self::timestamp("closed_at"),
                        Self::timestamp("$1")
                    ))
                    .bind(before)
                    .bind(i64::from(limit))
                    .fetch_all(self.pool())
                    .await?)
                }

                async fn erase_personal_data(&self, r: &ErasureRequest, now: DateTime<Utc>) -> Result<ErasureReport, StoreError> {
                    let mut tx = self.pool().begin().await?;
                    // One erasure at a time across servers: another server erasing the same rows
                    // waits until this transaction ends, then (each statement below seeing what was
                    // committed) finds them erased, so nothing is erased or reported twice. On
                    // PostgreSQL the advisory lock here; on SQLite the first write takes the
                    // database's write lock.
                    if let Some(lock) = Self::ADVISORY_LOCK {
                        sqlx::query(lock).bind(ERASURE_LOCK).execute(&mut *tx).await?;
                    }
                    // Read the complaints' e-mails as committed now (on PostgreSQL, locking the
                    // complaints in id order against a concurrent status change).
                    let mut q = QueryBuilder::<<Self as Dialect>::Db>::new("SELECT id, lower(email) AS email FROM complaints WHERE id IN ");
                    push_list(&mut q, &r.complaint_ids);
                    q.push(" ORDER BY id").push(Self::for_update());
                    let locked: Vec<(i64, Option<String>)> = q.build_query_as().fetch_all(&mut *tx).await?;
                    let mut emails: Vec<String> = locked.into_iter().filter_map(|(_, e)| e).collect();
                    emails.sort();
                    emails.dedup();
                    emails.extend(r.audit_emails.iter().map(|e| e.to_lowercase()));

                    let mut q = QueryBuilder::<<Self as Dialect>::Db>::new(
                        "UPDATE complaints SET requester_name = NULL, email = NULL, postal_address = NULL, postal_code = NULL, message = NULL,
                           reply_subject = NULL, reply_text = NULL, dismissal_reason = NULL, erased_at = ",
                    );
                    q.push_bind(now).push(" WHERE erased_at IS NULL AND id IN ");
                    push_list(&mut q, &r.complaint_ids);
                    q.push(" RETURNING reference");
                    let mut references: Vec<String> = q.build_query_scalar().fetch_all(&mut *tx).await?;
                    references.sort();

                    let mut q = QueryBuilder::<<Self as Dialect>::Db>::new("UPDATE complaint_events SET detail = NULL WHERE detail IS NOT NULL AND complaint_id IN ");
                    push_list(&mut q, &r.complaint_ids);
                    q.build().execute(&mut *tx).await?;

                    let mut q = QueryBuilder::<<Self as Dialect>::Db>::new(
                        "UPDATE outbox SET to_address = '', subject = '', body = '', last_error = NULL,
                           state = CASE state WHEN 'pending' THEN 'failed' ELSE state END, erased_at = ",
                    );
                    q.push_bind(now).push(" WHERE erased_at IS NULL AND (complaint_id IN ");
                    push_list(&mut q, &r.complaint_ids);
                    q.push(" OR id IN ");
                    push_list(&mut q, &r.outbox_ids);
                    q.push(")");
                    let emails_erased = q.build().execute(&mut *tx).await?.rows_affected();

                    let mut q = QueryBuilder::<<Self as Dialect>::Db>::new("UPDATE audit_log SET user_email = NULL WHERE user_email IS NOT NULL AND lower(user_email) IN ");
                    push_list(&mut q, &emails);
                    q.push(" AND NOT EXISTS (SELECT 1 FROM users u WHERE u.email = lower(audit_log.user_email))");
                    let audit_entries = q.build().execute(&mut *tx).await?.rows_affected();

                    tx.commit().await?;
                    Ok(ErasureReport { references, emails: emails_erased, audit_entries })
                }
            }
        };
    };
}
pub(crate) use impl_personal_data_store;
