//! [`AuditStore`](crate::store::AuditStore) on both engines: the append-only `audit_log` (on
//! PostgreSQL, triggers refuse any change but blanking an e-mail, and any deletion) and the
//! `login_throttle` counters, which concurrent failed logins update without losing a count.

/// `impl AuditStore for $store`, and `$store::audit_record_from_row`, for a store type with a
/// `pool()` and a [`Dialect`](super::Dialect).
macro_rules! impl_audit_store {
    ($store:ty) => {
        const _: () = {
            use $crate::domain::throttle::{after_failure, ThrottleCounter, ThrottlePolicy};
            use $crate::store::audit::{AuditRow, ThrottleRow};
            use $crate::store::sql::{Conn, Dialect, DbRow};
            use $crate::store::*;
            use chrono::{DateTime, Utc};
            use sqlx::{FromRow, QueryBuilder};

            /// `WHERE …` of `filter`, every value bound.
            fn push_filter(q: &mut QueryBuilder<'_, <$store as Dialect>::Db>, filter: &AuditFilter) {
                q.push(" WHERE TRUE");
                if let Some(a) = filter.action {
                    q.push(" AND action = ").push_bind(a.as_str());
                }
                if let Some(e) = filter.email_contains.as_deref().filter(|e| !e.is_empty()) {
                    // instr/strpos: no LIKE wildcards to escape; e-mails are stored lower-case.
                    q.push(format!(" AND {}(lower(user_email), ", <$store as Dialect>::STRPOS)).push_bind(e.to_lowercase()).push(") > 0");
                }
                if let Some(from) = filter.from {
                    q.push(" AND at >= ").push_bind(from);
                }
                if let Some(before) = filter.before {
                    q.push(" AND at < ").push_bind(before);
                }
            }

            fn counter_from_row(row: &DbRow<$store>) -> Result<ThrottleCounter, StoreError> {
                Ok(ThrottleRow::from_row(row)?.into())
            }

            /// The counter of `key`, if any; `locking` adds the engine's `FOR UPDATE` (see
            /// [`Dialect::for_update`]).
            async fn read_counter(conn: &mut Conn<$store>, key: &ThrottleKey, locking: bool) -> Result<Option<ThrottleCounter>, StoreError> {
                let lock = if locking { <$store as Dialect>::for_update() } else { "" };
                let row = sqlx::query(&format!("SELECT failures, window_start, locked_until FROM login_throttle WHERE kind = $1 AND subject = $2{lock}"))
                    .bind(key.kind.as_str())
                    .bind(&key.subject)
                    .fetch_optional(&mut *conn)
                    .await?;
                row.as_ref().map(counter_from_row).transpose()
            }

            impl $store {
                /// An `audit_log` row (`id, at, user_id, user_email, action, target, details,
                /// client_hash`) as a record.
                ///
                /// # Errors
                /// [`StoreError::Corrupt`] for an action the application does not know.
                pub(crate) fn audit_record_from_row(row: &DbRow<Self>) -> Result<AuditRecord, StoreError> {
                    AuditRow::from_row(row)?.try_into()
                }
            }

            #[async_trait::async_trait]
            impl AuditStore for $store {
                async fn audit(&self, e: &AuditEntry) -> Result<(), StoreError> {
                    sqlx::query("INSERT INTO audit_log (at, user_id, user_email, action, target, details, client_hash) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                        .bind(e.at)
                        .bind(e.user_id)
                        .bind(&e.user_email)
                        .bind(e.action.as_str())
                        .bind(&e.target)
                        .bind(&e.details)
                        .bind(&e.client_hash)
                        .execute(self.pool())
                        .await?;
                    Ok(())
                }

                async fn audit_entries(&self, filter: &AuditFilter, limit: u32, offset: u64) -> Result<(Vec<AuditRecord>, u64), StoreError> {
                    let mut count = QueryBuilder::<<Self as Dialect>::Db>::new("SELECT COUNT(*) FROM audit_log");
                    push_filter(&mut count, filter);
                    let total: i64 = count.build_query_scalar().fetch_one(self.pool()).await?;
                    let mut q = QueryBuilder::<<Self as Dialect>::Db>::new("SELECT id, at, user_id, user_email, action, target, details, client_hash FROM audit_log");
                    push_filter(&mut q, filter);
                    q.push(" ORDER BY id DESC LIMIT ").push_bind(i64::from(limit)).push(" OFFSET ").push_bind(i64::try_from(offset).unwrap_or(i64::MAX));
                    let rows = q.build().fetch_all(self.pool()).await?;
                    let records = rows.iter().map(Self::audit_record_from_row).collect::<Result<Vec<_>, _>>()?;
                    Ok((records, total.max(0) as u64))
                }

                async fn throttle_counters(&self, keys: &[ThrottleKey]) -> Result<Vec<(ThrottleKey, ThrottleCounter)>, StoreError> {
                    let mut conn = self.pool().acquire().await?;
                    let mut found = Vec::with_capacity(keys.len());
                    for key in keys {
                        if let Some(c) = read_counter(&mut conn, key, false).await? {
                            found.push((key.clone(), c));
                        }
                    }
                    Ok(found)
                }

                async fn record_login_failure(&self, keys: &[ThrottleKey], policy: &ThrottlePolicy, now: DateTime<Utc>) -> Result<(), StoreError> {
                    // Keys in one order (kind, subject) in every transaction: two failures sharing
                    // keys lock them in the same order and never deadlock (PostgreSQL).
                    let mut keys: Vec<&ThrottleKey> = keys.iter().collect();
                    keys.sort_by(|a, b| (a.kind.as_str(), &a.subject).cmp(&(b.kind.as_str(), &b.subject)));
                    let mut tx = self.pool().begin().await?;
                    // Every counter exists, then is read for the update: on PostgreSQL `FOR UPDATE`,
                    // so a concurrent failure on the same key waits for this transaction and then
                    // reads the count it committed; on SQLite writing first takes the database's
                    // write lock for the whole read-modify-write, so concurrent failures wait for
                    // each other (busy timeout). Either way none is lost.
                    for key in &keys {
                        sqlx::query("INSERT INTO login_throttle (kind, subject, failures, window_start) VALUES ($1, $2, 0, $3) ON CONFLICT (kind, subject) DO NOTHING")
                            .bind(key.kind.as_str())
                            .bind(&key.subject)
                            .bind(now)
                            .execute(&mut *tx)
                            .await?;
                    }
                    for key in &keys {
                        let previous = read_counter(&mut tx, key, true).await?.filter(|c| c.failures > 0);
                        let next = after_failure(policy, key.kind, previous, now);
                        sqlx::query("UPDATE login_throttle SET failures = $1, window_start = $2, locked_until = $3 WHERE kind = $4 AND subject = $5")
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
                    sqlx::query("DELETE FROM login_throttle WHERE kind = $1 AND subject = $2").bind(key.kind.as_str()).bind(&key.subject).execute(self.pool()).await?;
                    Ok(())
                }
            }
        };
    };
}
pub(crate) use impl_audit_store;
