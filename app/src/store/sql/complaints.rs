//! [`ComplaintStore`](crate::store::ComplaintStore) on both engines. On PostgreSQL several app
//! servers share the database (READ COMMITTED): references come from an atomic upsert of their
//! counter, status changes are conditional UPDATEs, and the outbox sender claims its rows with
//! `FOR UPDATE SKIP LOCKED` ([`super::Dialect::SKIP_LOCKED`]).

use crate::store::complaints::{parse_column, ComplaintFilter, ComplaintRow, OutboxEmail, OutboxRow};
use crate::store::{Complaint, StoreError};
use sqlx::{Database, QueryBuilder};

/// The complaint columns (alias `c`) and those of its site (alias `s`) that [`ComplaintRow`]
/// reads, in a `SELECT` list.
pub const COMPLAINT_COLUMNS: &str = "c.id, c.reference, c.kind, c.procedure, c.channel, COALESCE(c.message, '') AS message, c.reply_mode, c.requester_name, c.email,
    c.postal_address, c.postal_code, c.language, c.received_on, c.reply_days, c.status, c.acknowledged_on, c.replied_on,
    c.reply_subject, c.reply_text, c.dismissal_reason, c.created_at, c.updated_at, c.closed_at, c.erased_at, s.id AS site_id, s.slug, s.name, s.kind AS site_kind, s.address";

/// Parses the text column `column` of `row` with `parse`.
///
/// # Errors
/// [`StoreError::Corrupt`] if it does not parse; [`StoreError::Database`] if the column is
/// missing or not text.
pub fn parsed<'r, R: sqlx::Row, T>(row: &'r R, column: &str, parse: fn(&str) -> Option<T>) -> Result<T, StoreError>
where
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'c> &'c str: sqlx::ColumnIndex<R>,
{
    let v: String = row.try_get(column)?;
    parse_column(column, &v, parse)
}

/// A [`Complaint`] from a row holding [`COMPLAINT_COLUMNS`] (either engine).
///
/// # Errors
/// [`StoreError::Corrupt`] for a stored value the application does not know.
pub fn complaint_from_row<'r, R: sqlx::Row>(row: &'r R) -> Result<Complaint, StoreError>
where
    ComplaintRow: sqlx::FromRow<'r, R>,
{
    <ComplaintRow as sqlx::FromRow<'r, R>>::from_row(row)?.try_into()
}

/// An [`OutboxEmail`] from a row holding [`super::OUTBOX_COLUMNS`] (either engine).
///
/// # Errors
/// [`StoreError::Corrupt`] for a stored state the application does not know.
pub fn email_from_row<'r, R: sqlx::Row>(row: &'r R) -> Result<OutboxEmail, StoreError>
where
    OutboxRow: sqlx::FromRow<'r, R>,
{
    <OutboxRow as sqlx::FromRow<'r, R>>::from_row(row)?.try_into()
}

/// Adds the conditions of `f` on the complaints aliased `c` (values bound, never pasted).
pub fn push_complaint_filter<'a, DB: Database>(q: &mut QueryBuilder<'a, DB>, f: &ComplaintFilter)
where
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    if let Some(site) = f.site_id {
        q.push(" AND c.site_id = ").push_bind(site);
    }
    if let Some(status) = f.status {
        q.push(" AND c.status = ").push_bind(status.as_str());
    }
    if let Some(kind) = f.kind {
        q.push(" AND c.kind = ").push_bind(kind.as_str());
    }
    if let Some(channel) = f.channel {
        q.push(" AND c.channel = ").push_bind(channel.as_str());
    }
    if let Some(procedure) = f.procedure {
        q.push(" AND c.procedure = ").push_bind(procedure.as_str());
    }
    if f.open_only {
        q.push(" AND c.status IN ('recue', 'accuse_envoye', 'en_cours')");
    }
}

/// `impl ComplaintStore for $store`, for a store type with a `pool()` and a
/// [`Dialect`](super::Dialect).
macro_rules! impl_complaint_store {
    ($store:ty) => {
        const _: () = {
            use $crate::domain::complaint::{ComplaintKind, ComplaintStatus, Procedure};
            use $crate::domain::reference::format_reference;
            use $crate::store::complaints::*;
            use $crate::store::sql::complaints::{complaint_from_row, email_from_row, push_complaint_filter, COMPLAINT_COLUMNS};
            use $crate::store::sql::{push_site_scope, Conn, Dialect, DbRow, OUTBOX_COLUMNS};
            use $crate::store::StoreError;
            use chrono::{DateTime, Datelike, Duration, Utc};
            use sqlx::{FromRow, QueryBuilder};

            fn template_from_row(row: &DbRow<$store>) -> Result<ReplyTemplate, StoreError> {
                TemplateRow::from_row(row)?.try_into()
            }

            async fn insert_email(tx: &mut Conn<$store>, email: &NewEmail, complaint_id: Option<i64>, now: DateTime<Utc>) -> Result<i64, StoreError> {
                Ok(sqlx::query_scalar("INSERT INTO outbox (to_address, subject, body, complaint_id, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
                    .bind(&email.to)
                    .bind(&email.subject)
                    .bind(&email.body)
                    .bind(complaint_id)
                    .bind(now)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?)
            }

            #[async_trait::async_trait]
            impl ComplaintStore for $store {
                async fn file_complaint(&self, c: &NewComplaint) -> Result<FileOutcome, StoreError> {
                    let mut tx = self.pool().begin().await?;
                    if let Some(nonce) = &c.token_nonce {
                        if !Self::claim_token(&mut tx, nonce, c.created_at).await? {
                            tx.rollback().await?;
                            let reference = sqlx::query_scalar("SELECT c.reference FROM used_form_tokens t JOIN complaints c ON c.id = t.complaint_id WHERE t.nonce = $1")
                                .bind(nonce)
                                .fetch_optional(self.pool())
                                .await?;
                            return Ok(FileOutcome::AlreadyFiled { reference });
                        }
                    }
                    let prefix = c.kind.reference_prefix();
                    let year = c.received_on.year();
                    // Atomic: a concurrent filing waits (PostgreSQL: on the counter row's lock; SQLite: for the
                    // write lock) and then increments the number the first one committed (never the same
                    // number twice, none skipped).
                    let number: i64 = sqlx::query_scalar(
                        "INSERT INTO reference_counters (prefix, year, last_number) VALUES ($1, $2, 1)
                         ON CONFLICT (prefix, year) DO UPDATE SET last_number = reference_counters.last_number + 1 RETURNING last_number",
                    )
                    .bind(prefix)
                    .bind(i64::from(year))
                    .fetch_one(&mut *tx)
                    .await?;
                    let reference = format_reference(prefix, year, number);
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO complaints (reference, kind, site_id, procedure, channel, message, reply_mode, requester_name, email, postal_address,
                           postal_code, language, received_on, reply_days, status, acknowledged_on, created_at, created_by, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id",
                    )
                    .bind(&reference)
                    .bind(c.kind.as_str())
                    .bind(c.site_id)
                    .bind(c.procedure.as_str())
                    .bind(c.channel.as_str())
                    .bind(&c.message)
                    .bind(c.reply_mode.as_str())
                    .bind(&c.requester_name)
                    .bind(&c.email)
                    .bind(&c.postal_address)
                    .bind(&c.postal_code)
                    .bind(&c.language)
                    .bind(c.received_on)
                    .bind(i64::from(c.reply_days))
                    .bind(c.status.as_str())
                    .bind(c.acknowledged_on)
                    .bind(c.created_at)
                    .bind(c.created_by)
                    .bind(c.created_at)
                    .fetch_one(&mut *tx)
                    .await?;
                    let action = if c.created_by.is_some() { "saisie" } else { "depot" };
                    sqlx::query("INSERT INTO complaint_events (complaint_id, at, user_id, action, to_status) VALUES ($1, $2, $3, $4, 'recue')")
                        .bind(id)
                        .bind(c.created_at)
                        .bind(c.created_by)
                        .bind(action)
                        .execute(&mut *tx)
                        .await?;
                    if c.status != ComplaintStatus::Recue {
                        sqlx::query("INSERT INTO complaint_events (complaint_id, at, user_id, action, from_status, to_status) VALUES ($1, $2, $3, 'accuse', 'recue', $4)")
                            .bind(id)
                            .bind(c.created_at)
                            .bind(c.created_by)
                            .bind(c.status.as_str())
                            .execute(&mut *tx)
                            .await?;
                    }
                    if let Some(ack) = &c.acknowledgement {
                        let email = ack.with_reference(&reference);
                        insert_email(&mut tx, &email, Some(id), c.created_at).await?;
                    }
                    if let Some(nonce) = &c.token_nonce {
                        sqlx::query("UPDATE used_form_tokens SET complaint_id = $1 WHERE nonce = $2").bind(id).bind(nonce).execute(&mut *tx).await?;
                    }
                    tx.commit().await?;
                    Ok(FileOutcome::Filed { id, reference })
                }

                async fn complaint_by_reference(&self, reference: &str) -> Result<Option<Complaint>, StoreError> {
                    let row = sqlx::query(&format!("SELECT {COMPLAINT_COLUMNS} FROM complaints c JOIN sites s ON s.id = c.site_id WHERE c.reference = $1"))
                        .bind(reference)
                        .fetch_optional(self.pool())
                        .await?;
                    row.as_ref().map(complaint_from_row).transpose()
                }

                async fn complaint(&self, id: i64, scope: &SiteScope) -> Result<Option<Complaint>, StoreError> {
                    let mut q = QueryBuilder::<<Self as Dialect>::Db>::new(format!("SELECT {COMPLAINT_COLUMNS} FROM complaints c JOIN sites s ON s.id = c.site_id WHERE c.id = "));
                    q.push_bind(id);
                    push_site_scope(&mut q, "c.site_id", scope);
                    let row = q.build().fetch_optional(self.pool()).await?;
                    row.as_ref().map(complaint_from_row).transpose()
                }

                async fn list_complaints(&self, scope: &SiteScope, f: &ComplaintFilter, limit: u32) -> Result<Vec<Complaint>, StoreError> {
                    let mut q = QueryBuilder::<<Self as Dialect>::Db>::new(format!("SELECT {COMPLAINT_COLUMNS} FROM complaints c JOIN sites s ON s.id = c.site_id WHERE TRUE"));
                    push_site_scope(&mut q, "c.site_id", scope);
                    push_complaint_filter(&mut q, f);
                    q.push(" ORDER BY c.received_on DESC, c.id DESC LIMIT ").push_bind(i64::from(limit));
                    let rows = q.build().fetch_all(self.pool()).await?;
                    rows.iter().map(complaint_from_row).collect()
                }

                async fn complaint_events(&self, complaint_id: i64) -> Result<Vec<ComplaintEvent>, StoreError> {
                    let rows = sqlx::query(
                        "SELECT e.at, u.display_name, e.action, e.from_status, e.to_status, e.detail
                         FROM complaint_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.complaint_id = $1 ORDER BY e.id",
                    )
                    .bind(complaint_id)
                    .fetch_all(self.pool())
                    .await?;
                    rows.iter().map(|row| -> Result<ComplaintEvent, StoreError> { ComplaintEventRow::from_row(row)?.try_into() }).collect()
                }

                async fn change_complaint(&self, ch: &ComplaintChange, scope: &SiteScope) -> Result<bool, StoreError> {
                    let mut tx = self.pool().begin().await?;
                    // One conditional UPDATE: on PostgreSQL a concurrent change of the same complaint waits
                    // for the row lock, then re-checks `status` on the committed row and changes nothing if it
                    // moved (on SQLite, writers are serialised).
                    let mut q = QueryBuilder::<<Self as Dialect>::Db>::new("UPDATE complaints AS c SET status = ");
                    q.push_bind(ch.new_status.as_str());
                    q.push(", updated_at = ").push_bind(ch.at);
                    q.push(", acknowledged_on = COALESCE(acknowledged_on, ").push_bind(ch.acknowledged_on).push(")");
                    if let Some(day) = ch.replied_on {
                        q.push(", replied_on = ").push_bind(day);
                    }
                    if let Some(subject) = &ch.reply_subject {
                        q.push(", reply_subject = ").push_bind(subject);
                    }
                    if let Some(text) = &ch.reply_text {
                        q.push(", reply_text = ").push_bind(text);
                    }
                    if let Some(reason) = &ch.dismissal_reason {
                        q.push(", dismissal_reason = ").push_bind(reason);
                    }
                    // The retention period runs from the last closing; reopening stops it.
                    if !ch.new_status.is_closed() {
                        q.push(", closed_at = NULL");
                    } else if !ch.expected_status.is_closed() {
                        q.push(", closed_at = ").push_bind(ch.at);
                    }
                    q.push(" WHERE c.id = ").push_bind(ch.complaint_id);
                    q.push(" AND c.status = ").push_bind(ch.expected_status.as_str());
                    push_site_scope(&mut q, "c.site_id", scope);
                    let updated = q.build().execute(&mut *tx).await?;
                    if updated.rows_affected() == 0 {
                        tx.rollback().await?;
                        return Ok(false);
                    }
                    sqlx::query("INSERT INTO complaint_events (complaint_id, at, user_id, action, from_status, to_status, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                        .bind(ch.complaint_id)
                        .bind(ch.at)
                        .bind(ch.user_id)
                        .bind(&ch.action)
                        .bind(ch.expected_status.as_str())
                        .bind(ch.new_status.as_str())
                        .bind(&ch.detail)
                        .execute(&mut *tx)
                        .await?;
                    if let Some(email) = &ch.email {
                        insert_email(&mut tx, email, Some(ch.complaint_id), ch.at).await?;
                    }
                    tx.commit().await?;
                    Ok(true)
                }

                async fn list_templates(&self, include_inactive: bool) -> Result<Vec<ReplyTemplate>, StoreError> {
                    let rows = sqlx::query(&format!("SELECT id, name, kind, procedure, subject, body, active, updated_at FROM reply_templates WHERE active = TRUE OR $1 ORDER BY lower(name{}), id", Self::BYTE_ORDER))
                        .bind(include_inactive)
                        .fetch_all(self.pool())
                        .await?;
                    rows.iter().map(template_from_row).collect()
                }

                async fn template(&self, id: i64) -> Result<Option<ReplyTemplate>, StoreError> {
                    let row = sqlx::query("SELECT id, name, kind, procedure, subject, body, active, updated_at FROM reply_templates WHERE id = $1").bind(id).fetch_optional(self.pool()).await?;
                    row.as_ref().map(template_from_row).transpose()
                }

                async fn save_template(&self, id: Option<i64>, t: &TemplateInput, user_id: i64, now: DateTime<Utc>) -> Result<i64, StoreError> {
                    let kind = t.kind.map(ComplaintKind::as_str);
                    let procedure = t.procedure.map(Procedure::as_str);
                    let result = match id {
                        None => {
                            sqlx::query_scalar("INSERT INTO reply_templates (name, kind, procedure, subject, body, active, created_at, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
                                .bind(&t.name)
                                .bind(kind)
                                .bind(procedure)
                                .bind(&t.subject)
                                .bind(&t.body)
                                .bind(t.active)
                                .bind(now)
                                .bind(now)
                                .bind(user_id)
                                .fetch_one(self.pool())
                                .await
                        }
                        Some(id) => {
                            sqlx::query_scalar("UPDATE reply_templates SET name = $1, kind = $2, procedure = $3, subject = $4, body = $5, active = $6, updated_at = $7, updated_by = $8 WHERE id = $9 RETURNING id")
                                .bind(&t.name)
                                .bind(kind)
                                .bind(procedure)
                                .bind(&t.subject)
                                .bind(&t.body)
                                .bind(t.active)
                                .bind(now)
                                .bind(user_id)
                                .bind(id)
                                .fetch_one(self.pool())
                                .await
                        }
                    };
                    match result {
                        Ok(id) => Ok(id),
                        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(StoreError::Conflict(format!("template {}", t.name))),
                        Err(e) => Err(e.into()),
                    }
                }

                async fn user_site_ids(&self, user_id: i64) -> Result<Vec<i64>, StoreError> {
                    Ok(sqlx::query_scalar("SELECT site_id FROM user_sites WHERE user_id = $1 ORDER BY site_id").bind(user_id).fetch_all(self.pool()).await?)
                }

                async fn set_user_sites(&self, user_id: i64, site_ids: &[i64]) -> Result<(), StoreError> {
                    let mut tx = self.pool().begin().await?;
                    if Self::ROW_LOCKS {
                        // PostgreSQL: the account's row lock serialises two replacements of its sites
                        // (otherwise both deletes run before either insert and the sites of both are kept).
                        // SQLite: the DELETE takes the database's write lock first.
                        sqlx::query("SELECT id FROM users WHERE id = $1 FOR UPDATE").bind(user_id).execute(&mut *tx).await?;
                    }
                    sqlx::query("DELETE FROM user_sites WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
                    for site in site_ids {
                        sqlx::query("INSERT INTO user_sites (user_id, site_id) VALUES ($1, $2) ON CONFLICT DO NOTHING").bind(user_id).bind(site).execute(&mut *tx).await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn enqueue_email(&self, email: &NewEmail, complaint_id: Option<i64>, now: DateTime<Utc>) -> Result<i64, StoreError> {
                    let mut conn = self.pool().acquire().await?;
                    insert_email(&mut conn, email, complaint_id, now).await
                }

                async fn claim_outbox(&self, now: DateTime<Utc>, lease: Duration, limit: u32) -> Result<Vec<OutboxEmail>, StoreError> {
                    // One statement: the due rows are taken and leased atomically. On SQLite, which
                    // serialises writers, as such; on PostgreSQL the subquery locks them (rows another server
                    // is claiming at the same moment are skipped, not waited for) and a row claimed and
                    // committed meanwhile is re-checked on its new version (lease in the future): not due.
                    let rows = sqlx::query(&format!(
                        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1
                         WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' AND {} <= {}
                                      ORDER BY next_attempt_at, id LIMIT $3{})
                         RETURNING {OUTBOX_COLUMNS}",
                        Self::timestamp("next_attempt_at"),
                        Self::timestamp("$2"),
                        Self::SKIP_LOCKED
                    ))
                    .bind(now + lease)
                    .bind(now)
                    .bind(i64::from(limit))
                    .fetch_all(self.pool())
                    .await?;
                    let mut emails = rows.iter().map(email_from_row).collect::<Result<Vec<_>, _>>()?;
                    emails.sort_by_key(|e| e.id);
                    Ok(emails)
                }

                async fn outbox_sent(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
                    sqlx::query("UPDATE outbox SET state = 'sent', sent_at = $1, last_error = NULL WHERE id = $2").bind(now).bind(id).execute(self.pool()).await?;
                    Ok(())
                }

                async fn outbox_failed(&self, id: i64, error: &str, next_attempt_at: DateTime<Utc>) -> Result<(), StoreError> {
                    sqlx::query("UPDATE outbox SET last_error = $1, next_attempt_at = $2 WHERE id = $3 AND state = 'pending'").bind(error).bind(next_attempt_at).bind(id).execute(self.pool()).await?;
                    Ok(())
                }

                async fn outbox_abandoned(&self, id: i64, error: &str) -> Result<(), StoreError> {
                    sqlx::query("UPDATE outbox SET state = 'failed', last_error = $1 WHERE id = $2 AND state = 'pending'").bind(error).bind(id).execute(self.pool()).await?;
                    Ok(())
                }

                async fn list_outbox(&self, limit: u32) -> Result<Vec<OutboxEmail>, StoreError> {
                    let rows = sqlx::query(&format!("SELECT {OUTBOX_COLUMNS} FROM outbox ORDER BY state = 'sent', id DESC LIMIT $1")).bind(i64::from(limit)).fetch_all(self.pool()).await?;
                    rows.iter().map(email_from_row).collect()
                }

                async fn complaint_emails(&self, complaint_id: i64) -> Result<Vec<OutboxEmail>, StoreError> {
                    let rows = sqlx::query(&format!("SELECT {OUTBOX_COLUMNS} FROM outbox WHERE complaint_id = $1 ORDER BY id")).bind(complaint_id).fetch_all(self.pool()).await?;
                    rows.iter().map(email_from_row).collect()
                }
            }
        };
    };
}
pub(crate) use impl_complaint_store;
