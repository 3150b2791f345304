//! Storage of questionnaire versions and campaign settings (the admin pages). Part of
//! [`super::Store`] (a supertrait).
//!
//! A version that has answers is never changed: saving an edit of it inserts the next version.

use super::{CampaignSettings, StoreError};
use crate::domain::questionnaire::Questionnaire;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

/// One version of a questionnaire, with what uses it.
#[derive(Clone, Debug, PartialEq)]
pub struct QuestionnaireVersion {
    /// Version id (what campaigns and responses point to).
    pub id: i64,
    /// Questionnaire id.
    pub questionnaire_id: i64,
    /// Questionnaire name.
    pub name: String,
    /// Version number, from 1.
    pub version: i64,
    /// Whether a later version of the same questionnaire exists.
    pub superseded: bool,
    /// When it was created (UTC).
    pub created_at: DateTime<Utc>,
    /// Responses given to this version.
    pub responses: u64,
    /// Names of the campaigns using it.
    pub campaigns: Vec<String>,
    /// The definition.
    pub definition: Questionnaire,
}

/// A row of the backends' `VERSION_SELECT`: `campaigns` is the campaigns' names joined by
/// [`CAMPAIGN_NAME_SEPARATOR`] (NULL when none).
#[derive(sqlx::FromRow)]
pub(crate) struct VersionDbRow {
    id: i64,
    questionnaire_id: i64,
    name: String,
    version: i64,
    definition: String,
    created_at: DateTime<Utc>,
    responses: i64,
    campaigns: Option<String>,
    superseded: bool,
}

/// Separator of the campaign names in [`VersionDbRow`] (ASCII unit separator, never typed in a name).
pub(crate) const CAMPAIGN_NAME_SEPARATOR: char = '\u{1f}';

impl VersionDbRow {
    /// The version, its definition parsed.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when the stored definition does not parse.
    pub(crate) fn into_version(self) -> Result<QuestionnaireVersion, StoreError> {
        Ok(QuestionnaireVersion {
            id: self.id,
            questionnaire_id: self.questionnaire_id,
            name: self.name,
            version: self.version,
            superseded: self.superseded,
            created_at: self.created_at,
            responses: self.responses.max(0) as u64,
            campaigns: self.campaigns.map(|c| c.split(CAMPAIGN_NAME_SEPARATOR).map(str::to_string).collect()).unwrap_or_default(),
            definition: Questionnaire::from_json(&self.definition).map_err(StoreError::Corrupt)?,
        })
    }
}

/// Result of [`QuestionnaireStore::save_questionnaire_edit`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SavedVersion {
    /// The version had no answer: changed in place.
    Updated {
        /// Version id (unchanged).
        id: i64,
    },
    /// The version had answers: the edit became a new version; campaigns still running on
    /// `today` that used the old version now use the new one.
    Created {
        /// New version id.
        id: i64,
        /// Its number.
        version: i64,
    },
}

/// Questionnaire versions and campaigns.
#[async_trait]
pub trait QuestionnaireStore: Send + Sync {
    /// Every version of every questionnaire, newest first within each questionnaire.
    async fn list_questionnaire_versions(&self) -> Result<Vec<QuestionnaireVersion>, StoreError>;

    /// One version.
    async fn questionnaire_version(&self, id: i64) -> Result<Option<QuestionnaireVersion>, StoreError>;

    /// Saves `definition` as the new content of version `base_id`: in place when no response
    /// uses it, else as the next version (and campaigns that used `base_id` and end on or after
    /// `today` move to it), in one transaction.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when `base_id` is not the latest version of its questionnaire
    /// (someone saved a newer one meanwhile: nothing is changed).
    async fn save_questionnaire_edit(&self, base_id: i64, definition: &Questionnaire, today: NaiveDate, now: DateTime<Utc>) -> Result<SavedVersion, StoreError>;

    /// Replaces the stored definition of version `id`, answered or not. Only for adding
    /// translations of unchanged texts ([`crate::domain::questionnaire::add_missing_translations`]):
    /// any other change goes through [`QuestionnaireStore::save_questionnaire_edit`]. Returns
    /// whether the version exists.
    async fn add_questionnaire_translations(&self, id: i64, definition: &Questionnaire) -> Result<bool, StoreError>;

    /// Changes a campaign's settings (`is_demo` is kept as stored).
    async fn update_campaign(&self, id: i64, settings: &CampaignSettings) -> Result<bool, StoreError>;

    /// Number of responses per campaign id.
    async fn responses_per_campaign(&self) -> Result<Vec<(i64, u64)>, StoreError>;
}
