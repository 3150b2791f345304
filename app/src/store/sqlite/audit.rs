//! [`AuditStore`] on SQLite: the append-only `audit_log` and the `login_throttle` counters.

use super::SqliteStore;
use crate::domain::throttle::{after_failure, ThrottleCounter, ThrottlePolicy};
use crate::store::*;
use crate::store::audit::{AuditRow, ThrottleRow};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{FromRow, QueryBuilder, Sqlite};

/// `WHERE …` of `filter`, every value bound.
fn push_filter(q: &mut QueryBuilder<'_, Sqlite>, filter: &AuditFilter) {
    q.push(" WHERE 1");
    if let Some(a) = filter.action {
        q.push(" AND action = ").push_bind(a.as_str());
    }
    if let Some(e) = filter.email_contains.as_deref().filter(|e| !e.is_empty()) {
        // instr: no LIKE wildcards to escape; e-mails are stored lower-case.
        q.push(" AND instr(lower(user_email), ").push_bind(e.to_lowercase()).push(") > 0");
    }
    if let Some(from) = filter.from {
        q.push(" AND at >= ").push_bind(from);
    }
    if let Some(before) = filter.before {
        q.push(" AND at < ").push_bind(before);
    }
}

pub(super) fn record_from_row(row: &SqliteRow) -> Result<AuditRecord, StoreError> {
    AuditRow::from_row(row)?.try_into()
}

fn counter_from_row(row: &SqliteRow) -> Result<ThrottleCounter, StoreError> {
    Ok(ThrottleRow::from_row(row)?.into())
}

async fn read_counter(conn: &mut sqlx::SqliteConnection, key: &ThrottleKey) -> Result<Option<ThrottleCounter>, StoreError> {
    let row = sqlx::query("SELECT failures, window_start, locked_until FROM login_throttle WHERE kind = ? AND subject = ?")
        .bind(key.kind.as_str())
        .bind(&key.subject)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(counter_from_row).transpose()
}

#[async_trait]
impl AuditStore for SqliteStore {
    async fn audit(&self, e: &AuditEntry) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO audit_log (at, user_id, user_email, action, target, details, client_hash) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .bind(e.at)
            .bind(e.user_id)
            .bind(&e.user_email)
            .bind(e.action.as_str())
            .bind(&e.target)
            .bind(&e.details)
            .bind(&e.client_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn audit_entries(&self, filter: &AuditFilter, limit: u32, offset: u64) -> Result<(Vec<AuditRecord>, u64), StoreError> {
        let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM audit_log");
        push_filter(&mut count, filter);
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
        let mut q = QueryBuilder::<Sqlite>::new("SELECT id, at, user_id, user_email, action, target, details, client_hash FROM audit_log");
        push_filter(&mut q, filter);
        q.push(" ORDER BY id DESC LIMIT ").push_bind(i64::from(limit)).push(" OFFSET ").push_bind(i64::try_from(offset).unwrap_or(i64::MAX));
        let rows = q.build().fetch_all(&self.pool).await?;
        let records = rows.iter().map(record_from_row).collect::<Result<Vec<_>, _>>()?;
        Ok((records, total.max(0) as u64))
    }

    async fn throttle_counters(&self, keys: &[ThrottleKey]) -> Result<Vec<(ThrottleKey, ThrottleCounter)>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let mut found = Vec::with_capacity(keys.len());
        for key in keys {
            if let Some(c) = read_counter(&mut conn, key).await? {
                found.push((key.clone(), c));
            }
        }
        Ok(found)
    }

    async fn record_login_failure(&self, keys: &[ThrottleKey], policy: &ThrottlePolicy, now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        // Writing first takes the database's write lock for the whole read-modify-write, so
        // concurrent failures wait for each other (busy timeout) instead of losing a count.
        for key in keys {
            sqlx::query("INSERT INTO login_throttle (kind, subject, failures, window_start) VALUES (?, ?, 0, ?) ON CONFLICT (kind, subject) DO NOTHING")
                .bind(key.kind.as_str())
                .bind(&key.subject)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        for key in keys {
            let previous = read_counter(&mut *tx, key).await?.filter(|c| c.failures > 0);
            let next = after_failure(policy, key.kind, previous, now);
            sqlx::query("UPDATE login_throttle SET failures = ?, window_start = ?, locked_until = ? WHERE kind = ? AND subject = ?")
                .bind(i64::from(next.failures))
                .bind(next.window_start)
                .bind(next.locked_until)
                .bind(key.kind.as_str())
                .bind(&key.subject)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn clear_throttle(&self, key: &ThrottleKey) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_throttle WHERE kind = ? AND subject = ?").bind(key.kind.as_str()).bind(&key.subject).execute(&self.pool).await?;
        Ok(())
    }
}
