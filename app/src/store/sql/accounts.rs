//! [`AccountStore`](crate::store::AccountStore) on both engines: `users` (with `revision`,
//! `must_change_password`, `password_changed_at`) and `user_sites`. Changes apply by conditional
//! UPDATEs on `revision`; on PostgreSQL an account update locks the active admins' rows first, so
//! "at least one active admin" holds when two admins act at once on several app servers.

/// The account columns ([`crate::store::USER_COLUMNS`], `revision`, `password_changed_at`) of
/// `users`, for `WHERE`/`ORDER BY` to follow.
pub(crate) fn account_select() -> String {
    format!("SELECT {}, revision, password_changed_at FROM users", crate::store::USER_COLUMNS)
}

/// `impl AccountStore for $store`, for a store type with a `pool()` and a
/// [`Dialect`](super::Dialect).
macro_rules! impl_account_store {
    ($store:ty) => {
        const _: () = {
            use $crate::store::sql::accounts::account_select;
            use $crate::store::sql::{Conn, Dialect, DbRow};
            use $crate::store::*;
            use chrono::{DateTime, Utc};
            use sqlx::Row;

            async fn sites_of(conn: &mut Conn<$store>, user_id: i64) -> Result<Vec<i64>, StoreError> {
                Ok(sqlx::query_scalar("SELECT site_id FROM user_sites WHERE user_id = $1 ORDER BY site_id").bind(user_id).fetch_all(&mut *conn).await?)
            }

            async fn replace_sites(conn: &mut Conn<$store>, user_id: i64, role: Role, site_ids: &[i64]) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM user_sites WHERE user_id = $1").bind(user_id).execute(&mut *conn).await?;
                if role == Role::Agent {
                    for site in site_ids {
                        sqlx::query("INSERT INTO user_sites (user_id, site_id) VALUES ($1, $2) ON CONFLICT DO NOTHING").bind(user_id).bind(site).execute(&mut *conn).await?;
                    }
                }
                Ok(())
            }

            fn account_from_row(row: &DbRow<$store>, site_ids: Vec<i64>) -> Result<Account, StoreError> {
                Ok(Account { user: user_from_row(row)?, site_ids, revision: row.try_get("revision")?, password_changed_at: row.try_get("password_changed_at")? })
            }

            /// Whether account `id` exists (to tell a stale form from an unknown account).
            async fn outcome_without_change(conn: &mut Conn<$store>, id: i64) -> Result<AccountChangeOutcome, StoreError> {
                let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1").bind(id).fetch_optional(&mut *conn).await?;
                Ok(if exists.is_some() { AccountChangeOutcome::Stale } else { AccountChangeOutcome::NotFound })
            }

            #[async_trait::async_trait]
            impl AccountStore for $store {
                async fn list_accounts(&self) -> Result<Vec<Account>, StoreError> {
                    let mut conn = self.pool().acquire().await?;
                    let rows = sqlx::query(&format!("{} ORDER BY lower(display_name{}), id", account_select(), Self::BYTE_ORDER)).fetch_all(&mut *conn).await?;
                    let links: Vec<(i64, i64)> = sqlx::query_as("SELECT user_id, site_id FROM user_sites ORDER BY site_id").fetch_all(&mut *conn).await?;
                    rows.iter()
                        .map(|row| {
                            let id: i64 = row.try_get("id")?;
                            account_from_row(row, links.iter().filter(|(u, _)| *u == id).map(|(_, s)| *s).collect())
                        })
                        .collect()
                }

                async fn account(&self, id: i64) -> Result<Option<Account>, StoreError> {
                    let mut conn = self.pool().acquire().await?;
                    let Some(row) = sqlx::query(&format!("{} WHERE id = $1", account_select())).bind(id).fetch_optional(&mut *conn).await? else {
                        return Ok(None);
                    };
                    let sites = sites_of(&mut conn, id).await?;
                    Ok(Some(account_from_row(&row, sites)?))
                }

                async fn create_account(&self, a: &NewAccount, token_nonce: &str, now: DateTime<Utc>) -> Result<CreateAccountOutcome, StoreError> {
                    let mut tx = self.pool().begin().await?;
                    if !Self::claim_token(&mut tx, token_nonce, now).await? {
                        return Ok(CreateAccountOutcome::TokenUsed);
                    }
                    let inserted = sqlx::query_scalar(
                        "INSERT INTO users (email, display_name, password_hash, role, created_at, must_change_password, password_changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    )
                    .bind(a.user.email.trim().to_lowercase())
                    .bind(&a.user.display_name)
                    .bind(&a.user.password_hash)
                    .bind(a.user.role.as_str())
                    .bind(now)
                    .bind(a.must_change_password)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await;
                    let id: i64 = match inserted {
                        Ok(id) => id,
                        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Err(StoreError::Conflict(format!("account {}", a.user.email))),
                        Err(e) => return Err(e.into()),
                    };
                    replace_sites(&mut tx, id, a.user.role, &a.site_ids).await?;
                    tx.commit().await?;
                    Ok(CreateAccountOutcome::Created(id))
                }

                async fn update_account(&self, id: i64, revision: i64, c: &AccountUpdate) -> Result<AccountChangeOutcome, StoreError> {
                    let mut tx = self.pool().begin().await?;
                    if Self::ROW_LOCKS {
                        // Lock the active admins (in id order, so two updates never deadlock) before
                        // changing anything: a concurrent update waits here until this one ends, and
                        // then counts the admins this one left. Without it, two admins demoting each
                        // other at once would each still see the other as active and both commit.
                        // (SQLite: the UPDATE below takes the database's write lock first.)
                        sqlx::query("SELECT id FROM users WHERE role = 'admin' AND active = TRUE ORDER BY id FOR UPDATE").execute(&mut *tx).await?;
                    }
                    let r = sqlx::query("UPDATE users SET display_name = $1, role = $2, active = $3, revision = revision + 1 WHERE id = $4 AND revision = $5")
                        .bind(&c.display_name)
                        .bind(c.role.as_str())
                        .bind(c.active)
                        .bind(id)
                        .bind(revision)
                        .execute(&mut *tx)
                        .await?;
                    if r.rows_affected() == 0 {
                        return outcome_without_change(&mut tx, id).await;
                    }
                    replace_sites(&mut tx, id, c.role, &c.site_ids).await?;
                    let admins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = TRUE").fetch_one(&mut *tx).await?;
                    if admins == 0 {
                        tx.rollback().await?;
                        return Ok(AccountChangeOutcome::LastAdmin);
                    }
                    tx.commit().await?;
                    Ok(AccountChangeOutcome::Changed)
                }

                async fn set_password(&self, id: i64, revision: Option<i64>, hash: &str, must_change: bool, now: DateTime<Utc>) -> Result<AccountChangeOutcome, StoreError> {
                    let mut conn = self.pool().acquire().await?;
                    let r = sqlx::query(
                        "UPDATE users SET password_hash = $1, must_change_password = $2, password_changed_at = $3, revision = revision + 1
                         WHERE id = $4 AND (CAST($5 AS BIGINT) IS NULL OR revision = $5)",
                    )
                    .bind(hash)
                    .bind(must_change)
                    .bind(now)
                    .bind(id)
                    .bind(revision)
                    .execute(&mut *conn)
                    .await?;
                    if r.rows_affected() == 0 {
                        return outcome_without_change(&mut conn, id).await;
                    }
                    Ok(AccountChangeOutcome::Changed)
                }
            }
        };
    };
}
pub(crate) use impl_account_store;
