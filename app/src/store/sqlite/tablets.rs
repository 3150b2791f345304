//! [`TabletStore`] on SQLite: the `tablets` table of `migrations/sqlite/0008_tablets.sql`.

use super::{claim_token, SqliteStore};
use crate::store::tablets::{ActiveTabletRow, TabletRow};
use crate::store::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// How stale `last_seen_at` may get before a request refreshes it (one write a minute at most).
const SEEN_REFRESH: chrono::TimeDelta = chrono::TimeDelta::minutes(1);

#[async_trait]
impl TabletStore for SqliteStore {
    async fn enrol_tablet(&self, t: &NewTablet, token_nonce: &str, now: DateTime<Utc>) -> Result<EnrolOutcome, StoreError> {
        let mut tx = self.pool.begin().await?;
        if !claim_token(&mut tx, token_nonce, now).await? {
            return Ok(EnrolOutcome::TokenUsed);
        }
        let id: i64 = sqlx::query_scalar("INSERT INTO tablets (site_id, label, token_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?) RETURNING id")
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
        let rows: Vec<TabletRow> = sqlx::query_as(
            "SELECT t.id, t.label, t.created_at, t.revoked_at, t.last_seen_at, u.display_name AS created_by_name,
                    s.id AS site_id, s.slug, s.name, s.kind
             FROM tablets t JOIN sites s ON s.id = t.site_id LEFT JOIN users u ON u.id = t.created_by
             ORDER BY t.revoked_at IS NOT NULL, s.position, s.id, t.label, t.id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Tablet::from).collect())
    }

    async fn revoke_tablet(&self, id: i64, by: Option<i64>, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let r = sqlx::query("UPDATE tablets SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL").bind(now).bind(by).bind(id).execute(&self.pool).await?;
        Ok(r.rows_affected() == 1)
    }

    async fn tablet_seen(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<ActiveTablet>, StoreError> {
        let row: Option<ActiveTabletRow> = sqlx::query_as(
            "SELECT t.id, t.label, t.last_seen_at, s.id AS site_id, s.slug, s.name, s.kind
             FROM tablets t JOIN sites s ON s.id = t.site_id
             WHERE t.token_hash = ? AND t.revoked_at IS NULL AND s.active = 1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let seen = r.last_seen_at;
        let tablet = ActiveTablet::from(r);
        if seen.is_none_or(|s| now - s > SEEN_REFRESH) {
            sqlx::query("UPDATE tablets SET last_seen_at = ? WHERE id = ?").bind(now).bind(tablet.id).execute(&self.pool).await?;
        }
        Ok(Some(tablet))
    }
}
