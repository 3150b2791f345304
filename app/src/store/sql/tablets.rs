//! [`TabletStore`](crate::store::TabletStore) on both engines: the `tablets` table
//! (`migrations/sqlite/0008_tablets.sql`, `migrations/postgres/0001_init.sql`).

/// How stale `last_seen_at` may get before a request refreshes it (one write a minute at most).
pub(crate) const SEEN_REFRESH: chrono::TimeDelta = chrono::TimeDelta::minutes(1);

/// `impl TabletStore for $store`, for a store type with a `pool()` and a
/// [`Dialect`](super::Dialect).
macro_rules! impl_tablet_store {
    ($store:ty) => {
        const _: () = {
            use $crate::store::sql::Dialect;
            use $crate::store::tablets::{ActiveTabletRow, TabletRow};
            use $crate::store::*;
            use chrono::{DateTime, Utc};

            #[async_trait::async_trait]
            impl TabletStore for $store {
                async fn enrol_tablet(&self, t: &NewTablet, token_nonce: &str, now: DateTime<Utc>) -> Result<EnrolOutcome, StoreError> {
                    let mut tx = self.pool().begin().await?;
                    if !Self::claim_token(&mut tx, token_nonce, now).await? {
                        return Ok(EnrolOutcome::TokenUsed);
                    }
                    let id: i64 = sqlx::query_scalar("INSERT INTO tablets (site_id, label, token_hash, created_at, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                        .bind(t.site_id)
                        .bind(&t.label)
                        .bind(&t.token_hash)
                        .bind(now)
                        .bind(t.created_by)
                        .fetch_one(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(EnrolOutcome::Enrolled(id))
                }

                async fn list_tablets(&self) -> Result<Vec<Tablet>, StoreError> {
                    let rows: Vec<TabletRow> = sqlx::query_as(&format!(
                        "SELECT t.id, t.label, t.created_at, t.revoked_at, t.last_seen_at, u.display_name AS created_by_name,
                                s.id AS site_id, s.slug, s.name, s.kind
                         FROM tablets t JOIN sites s ON s.id = t.site_id LEFT JOIN users u ON u.id = t.created_by
                         ORDER BY t.revoked_at IS NOT NULL, s.position, s.id, t.label{}, t.id",
                        Self::BYTE_ORDER
                    ))
                    .fetch_all(self.pool())
                    .await?;
                    Ok(rows.into_iter().map(Tablet::from).collect())
                }

                async fn revoke_tablet(&self, id: i64, by: Option<i64>, now: DateTime<Utc>) -> Result<bool, StoreError> {
                    let r = sqlx::query("UPDATE tablets SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL").bind(now).bind(by).bind(id).execute(self.pool()).await?;
                    Ok(r.rows_affected() == 1)
                }

                async fn tablet_seen(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<ActiveTablet>, StoreError> {
                    let row: Option<ActiveTabletRow> = sqlx::query_as(
                        "SELECT t.id, t.label, t.last_seen_at, s.id AS site_id, s.slug, s.name, s.kind
                         FROM tablets t JOIN sites s ON s.id = t.site_id
                         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND s.active = TRUE",
                    )
                    .bind(token_hash)
                    .fetch_optional(self.pool())
                    .await?;
                    let Some(r) = row else { return Ok(None) };
                    let seen = r.last_seen_at;
                    let tablet = ActiveTablet::from(r);
                    if seen.is_none_or(|s| now - s > $crate::store::sql::tablets::SEEN_REFRESH) {
                        sqlx::query("UPDATE tablets SET last_seen_at = $1 WHERE id = $2").bind(now).bind(tablet.id).execute(self.pool()).await?;
                    }
                    Ok(Some(tablet))
                }
            }
        };
    };
}
pub(crate) use impl_tablet_store;
