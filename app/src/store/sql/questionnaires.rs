//! [`QuestionnaireStore`](crate::store::QuestionnaireStore) on both engines.

use super::Dialect;

/// The questionnaire versions with their name, number of responses, campaigns (names joined by
/// U+001F) and whether a later version exists, for `WHERE`/`ORDER BY` to follow.
pub(crate) fn version_select<S: Dialect>() -> String {
    format!(
        "SELECT v.id, v.questionnaire_id, q.name, v.version, v.definition, v.created_at,
        (SELECT COUNT(*) FROM responses r WHERE r.questionnaire_version_id = v.id) AS responses,
        (SELECT {} FROM campaigns c WHERE c.questionnaire_version_id = v.id) AS campaigns,
        EXISTS (SELECT 1 FROM questionnaire_versions w WHERE w.questionnaire_id = v.questionnaire_id AND w.version > v.version) AS superseded
     FROM questionnaire_versions v JOIN questionnaires q ON q.id = v.questionnaire_id",
        S::join_unit_separated("c.name", "c.id")
    )
}

/// `impl QuestionnaireStore for $store`, for a store type with a `pool()` and a
/// [`Dialect`](super::Dialect).
macro_rules! impl_questionnaire_store {
    ($store:ty) => {
        const _: () = {
            use $crate::domain::questionnaire::Questionnaire;
            use $crate::store::questionnaires::VersionDbRow;
            use $crate::store::sql::questionnaires::version_select;
            use $crate::store::sql::{Dialect, DbRow};
            use $crate::store::*;
            use chrono::{DateTime, NaiveDate, Utc};
            use sqlx::FromRow;

            fn version_from_row(row: &DbRow<$store>) -> Result<QuestionnaireVersion, StoreError> {
                VersionDbRow::from_row(row)?.into_version()
            }

            #[async_trait::async_trait]
            impl QuestionnaireStore for $store {
                async fn list_questionnaire_versions(&self) -> Result<Vec<QuestionnaireVersion>, StoreError> {
                    let rows = sqlx::query(&format!("{} ORDER BY q.id, v.version DESC", version_select::<Self>())).fetch_all(self.pool()).await?;
                    rows.iter().map(version_from_row).collect()
                }

                async fn questionnaire_version(&self, id: i64) -> Result<Option<QuestionnaireVersion>, StoreError> {
                    let row = sqlx::query(&format!("{} WHERE v.id = $1", version_select::<Self>())).bind(id).fetch_optional(self.pool()).await?;
                    row.as_ref().map(version_from_row).transpose()
                }

                async fn add_questionnaire_translations(&self, id: i64, definition: &Questionnaire) -> Result<bool, StoreError> {
                    let json = serde_json::to_string(definition).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    let done = sqlx::query("UPDATE questionnaire_versions SET definition = $1 WHERE id = $2").bind(json).bind(id).execute(self.pool()).await?;
                    Ok(done.rows_affected() == 1)
                }

                async fn save_questionnaire_edit(&self, base_id: i64, definition: &Questionnaire, today: NaiveDate, now: DateTime<Utc>) -> Result<SavedVersion, StoreError> {
                    let json = serde_json::to_string(definition).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    let mut tx = self.pool().begin().await?;
                    if Self::ROW_LOCKS {
                        // PostgreSQL (READ COMMITTED): locks the base version first: a concurrent
                        // save of the same base waits and then finds it superseded, and a response to
                        // it (whose foreign key takes a KEY SHARE lock on the version) is either
                        // committed before the count below or waits for this transaction, so an
                        // answered version is never changed in place. The count is read by the next
                        // statement, with a snapshot taken after the lock. (SQLite: one writer at a
                        // time.)
                        let locked: Option<i64> = sqlx::query_scalar("SELECT id FROM questionnaire_versions WHERE id = $1 FOR UPDATE").bind(base_id).fetch_optional(&mut *tx).await?;
                        if locked.is_none() {
                            return Err(StoreError::Conflict(format!("questionnaire version {base_id} does not exist")));
                        }
                    }
                    let base: Option<(i64, i64, i64, i64)> = sqlx::query_as(
                        "SELECT v.questionnaire_id, v.version,
                            (SELECT MAX(w.version) FROM questionnaire_versions w WHERE w.questionnaire_id = v.questionnaire_id),
                            (SELECT COUNT(*) FROM responses r WHERE r.questionnaire_version_id = v.id)
                         FROM questionnaire_versions v WHERE v.id = $1",
                    )
                    .bind(base_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some((questionnaire_id, version, latest, responses)) = base else {
                        return Err(StoreError::Conflict(format!("questionnaire version {base_id} does not exist")));
                    };
                    if version != latest {
                        return Err(StoreError::Conflict(format!("version {version} is not the latest ({latest})")));
                    }
                    let saved = if responses == 0 {
                        sqlx::query("UPDATE questionnaire_versions SET definition = $1 WHERE id = $2").bind(&json).bind(base_id).execute(&mut *tx).await?;
                        SavedVersion::Updated { id: base_id }
                    } else {
                        let id: i64 = sqlx::query_scalar("INSERT INTO questionnaire_versions (questionnaire_id, version, definition, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
                            .bind(questionnaire_id)
                            .bind(version + 1)
                            .bind(&json)
                            .bind(now)
                            .fetch_one(&mut *tx)
                            .await?;
                        sqlx::query("UPDATE campaigns SET questionnaire_version_id = $1 WHERE questionnaire_version_id = $2 AND ends_on >= $3").bind(id).bind(base_id).bind(today).execute(&mut *tx).await?;
                        SavedVersion::Created { id, version: version + 1 }
                    };
                    tx.commit().await?;
                    Ok(saved)
                }

                async fn update_campaign(&self, id: i64, c: &CampaignSettings) -> Result<bool, StoreError> {
                    let r = sqlx::query("UPDATE campaigns SET name = $1, starts_on = $2, ends_on = $3, target_per_site = $4, questionnaire_version_id = $5 WHERE id = $6")
                        .bind(&c.name)
                        .bind(c.starts_on)
                        .bind(c.ends_on)
                        .bind(c.target_per_site)
                        .bind(c.questionnaire_version_id)
                        .bind(id)
                        .execute(self.pool())
                        .await?;
                    Ok(r.rows_affected() > 0)
                }

                async fn responses_per_campaign(&self) -> Result<Vec<(i64, u64)>, StoreError> {
                    let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT campaign_id, CAST(SUM(respondents) AS BIGINT) FROM response_day GROUP BY campaign_id").fetch_all(self.pool()).await?;
                    Ok(rows.into_iter().map(|(id, n)| (id, n.max(0) as u64)).collect())
                }
            }
        };
    };
}
pub(crate) use impl_questionnaire_store;
