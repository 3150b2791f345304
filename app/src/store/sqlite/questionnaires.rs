//! [`QuestionnaireStore`] on SQLite.

use super::SqliteStore;
use crate::domain::questionnaire::Questionnaire;
use crate::store::questionnaires::VersionDbRow;
use crate::store::*;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::FromRow;

const VERSION_SELECT: &str = "SELECT v.id, v.questionnaire_id, q.name, v.version, v.definition, v.created_at,
        (SELECT COUNT(*) FROM responses r WHERE r.questionnaire_version_id = v.id) AS responses,
        (SELECT group_concat(c.name, char(31)) FROM campaigns c WHERE c.questionnaire_version_id = v.id) AS campaigns,
        EXISTS (SELECT 1 FROM questionnaire_versions w WHERE w.questionnaire_id = v.questionnaire_id AND w.version > v.version) AS superseded
     FROM questionnaire_versions v JOIN questionnaires q ON q.id = v.questionnaire_id";

fn version_from_row(row: &SqliteRow) -> Result<QuestionnaireVersion, StoreError> {
    VersionDbRow::from_row(row)?.into_version()
}

#[async_trait]
impl QuestionnaireStore for SqliteStore {
    async fn list_questionnaire_versions(&self) -> Result<Vec<QuestionnaireVersion>, StoreError> {
        let rows = sqlx::query(&format!("{VERSION_SELECT} ORDER BY q.id, v.version DESC")).fetch_all(&self.pool).await?;
        rows.iter().map(version_from_row).collect()
    }

    async fn questionnaire_version(&self, id: i64) -> Result<Option<QuestionnaireVersion>, StoreError> {
        let row = sqlx::query(&format!("{VERSION_SELECT} WHERE v.id = ?")).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(version_from_row).transpose()
    }

    async fn add_questionnaire_translations(&self, id: i64, definition: &Questionnaire) -> Result<bool, StoreError> {
        let json = serde_json::to_string(definition).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let done = sqlx::query("UPDATE questionnaire_versions SET definition = ? WHERE id = ?").bind(json).bind(id).execute(&self.pool).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn save_questionnaire_edit(&self, base_id: i64, definition: &Questionnaire, today: NaiveDate, now: DateTime<Utc>) -> Result<SavedVersion, StoreError> {
        let json = serde_json::to_string(definition).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.pool.begin().await?;
        let base: Option<(i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT v.questionnaire_id, v.version,
                (SELECT MAX(w.version) FROM questionnaire_versions w WHERE w.questionnaire_id = v.questionnaire_id),
                (SELECT COUNT(*) FROM responses r WHERE r.questionnaire_version_id = v.id)
             FROM questionnaire_versions v WHERE v.id = ?",
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
            sqlx::query("UPDATE questionnaire_versions SET definition = ? WHERE id = ?").bind(&json).bind(base_id).execute(&mut *tx).await?;
            SavedVersion::Updated { id: base_id }
        } else {
            let id: i64 = sqlx::query_scalar("INSERT INTO questionnaire_versions (questionnaire_id, version, definition, created_at) VALUES (?, ?, ?, ?) RETURNING id")
                .bind(questionnaire_id)
                .bind(version + 1)
                .bind(&json)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query("UPDATE campaigns SET questionnaire_version_id = ? WHERE questionnaire_version_id = ? AND ends_on >= ?").bind(id).bind(base_id).bind(today).execute(&mut *tx).await?;
            SavedVersion::Created { id, version: version + 1 }
        };
        tx.commit().await?;
        Ok(saved)
    }

    async fn update_campaign(&self, id: i64, c: &CampaignSettings) -> Result<bool, StoreError> {
        let r = sqlx::query("UPDATE campaigns SET name = ?, starts_on = ?, ends_on = ?, target_per_site = ?, questionnaire_version_id = ? WHERE id = ?")
            .bind(&c.name)
            .bind(c.starts_on)
            .bind(c.ends_on)
            .bind(c.target_per_site)
            .bind(c.questionnaire_version_id)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected() > 0)
    }

    async fn responses_per_campaign(&self) -> Result<Vec<(i64, u64)>, StoreError> {
        let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT campaign_id, SUM(respondents) FROM response_day GROUP BY campaign_id").fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(|(id, n)| (id, n.max(0) as u64)).collect())
    }
}
