//! Reading for the quality dashboards, the free-text remarks and the exports (responses and
//! complaints).
//! Part of [`super::Store`] (a supertrait), so every backend implements it.
//!
//! Counts come from two aggregate tables kept up to date in the same transaction as each
//! response (`response_cube`, `answer_cube`: one row per site × Europe/Paris day × campaign ×
//! channel × language × procedure × appointment), so that a year of one site sums a few
//! thousand rows instead of scanning a million responses. Remarks and exports read the
//! responses themselves.
//!
//! Days are Europe/Paris calendar days (`responses.day`, computed from the UTC `submitted_at`
//! when the response is stored); timestamps are UTC.

use super::{Campaign, CampaignSettings, Channel, Complaint, ComplaintFilter, NewResponse, SiteScope, StoreError};
use crate::domain::indicators::ComplaintFact;
use crate::domain::questionnaire::Questionnaire;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use std::collections::BTreeMap;
use std::future::Future;

/// Which responses a dashboard, remark list or export covers. Every field narrows the set;
/// `None` means "any". Values are bound as query parameters, never pasted into SQL.
#[derive(Clone, Debug, PartialEq)]
pub struct ResponseFilter {
    /// Sites allowed (the chosen site, or the staff member's scope).
    pub sites: SiteScope,
    /// Responses counted for this campaign only.
    pub campaign_id: Option<i64>,
    /// First Europe/Paris day, inclusive.
    pub from: Option<NaiveDate>,
    /// Last Europe/Paris day, inclusive.
    pub to: Option<NaiveDate>,
    /// Channel (web, tablette, papier).
    pub channel: Option<Channel>,
    /// Language the survey was answered in (`fr`, `en`, …).
    pub language: Option<String>,
    /// Option key answered to the questionnaire's procedure question; `Some("")` = not answered.
    pub procedure: Option<String>,
    /// Option key answered to the appointment question; `Some("")` = not answered.
    pub appointment: Option<String>,
}

impl ResponseFilter {
    /// Every response of every site.
    pub fn all() -> Self {
        Self { sites: SiteScope::All, campaign_id: None, from: None, to: None, channel: None, language: None, procedure: None, appointment: None }
    }
}

/// Respondents of one site on one Europe/Paris day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayCount {
    /// Site id.
    pub site_id: i64,
    /// Europe/Paris calendar day.
    pub day: NaiveDate,
    /// Number of responses.
    pub respondents: u64,
}

/// Answers given to one option of one closed question, at one site, in one month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthAnswerCount {
    /// Site id.
    pub site_id: i64,
    /// Year and month (Europe/Paris days), e.g. `(2025, 3)`.
    pub month: (i32, u32),
    /// Question key.
    pub question_key: String,
    /// Option key.
    pub option_key: String,
    /// Number of answers.
    pub count: u64,
}

/// A free-text answer with where and when it was given. The text is exactly as typed (shown
/// as text, never as HTML). Read from the backends' rows `id, site_id, day, channel, language,
/// question_key, text_value` (`FromRow`).
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Remark {
    /// Response id.
    #[sqlx(rename = "id")]
    pub response_id: i64,
    /// Site id.
    pub site_id: i64,
    /// Europe/Paris day of the response.
    pub day: NaiveDate,
    /// Channel.
    pub channel: String,
    /// Language of the survey.
    pub language: String,
    /// Free-text question key.
    pub question_key: String,
    /// The text.
    #[sqlx(rename = "text_value")]
    pub text: String,
}

/// One response with all its answers, for exports.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportedResponse {
    /// Response id.
    pub id: i64,
    /// Campaign id.
    pub campaign_id: i64,
    /// Site id.
    pub site_id: i64,
    /// Submission instant (UTC).
    pub submitted_at: DateTime<Utc>,
    /// Europe/Paris day.
    pub day: NaiveDate,
    /// Channel.
    pub channel: String,
    /// Language.
    pub language: String,
    /// Answers to the questions asked for, in the order of the keys given to
    /// [`ReportingStore::stream_responses`]: option key (closed question) or text (free text),
    /// `None` where the response has no answer to that question.
    pub answers: Vec<Option<String>>,
}

/// Which complaints the complaint indicators cover: received (Europe/Paris day of receipt) in
/// the period, at the allowed sites.
#[derive(Clone, Debug, PartialEq)]
pub struct ComplaintFactFilter {
    /// Sites allowed.
    pub sites: SiteScope,
    /// First day of receipt, inclusive.
    pub from: Option<NaiveDate>,
    /// Last day of receipt, inclusive.
    pub to: Option<NaiveDate>,
    /// Procedure value (`titre_sejour`, …).
    pub procedure: Option<String>,
}

/// An action decided after listening to the users ("vous nous l'avez dit, on l'a fait"),
/// printed in the report for the users' committee. Read from the backends' rows by column name
/// (`FromRow`).
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct CampaignAction {
    /// Id.
    pub id: i64,
    /// Campaign.
    pub campaign_id: i64,
    /// Site concerned (`None`: every site).
    pub site_id: Option<i64>,
    /// What the users said.
    pub said: String,
    /// What was done.
    pub done: String,
}

/// Number of rows read per batch by the export streams (keyset pagination on the id, so no
/// read transaction stays open and memory stays flat whatever the size of the export).
pub const EXPORT_BATCH: i64 = 2_000;

// Helpers shared by the SQLite and PostgreSQL implementations.

/// A row of the backends' `CAMPAIGN_SELECT` (campaign columns and the version's definition).
#[derive(sqlx::FromRow)]
pub(crate) struct CampaignDbRow {
    id: i64,
    name: String,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    target_per_site: i64,
    is_demo: bool,
    questionnaire_version_id: i64,
    definition: String,
}

impl CampaignDbRow {
    /// The campaign, its questionnaire parsed.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when the stored definition does not parse.
    pub(crate) fn into_campaign(self) -> Result<Campaign, StoreError> {
        Ok(Campaign {
            id: self.id,
            settings: CampaignSettings {
                name: self.name,
                starts_on: self.starts_on,
                ends_on: self.ends_on,
                target_per_site: self.target_per_site,
                is_demo: self.is_demo,
                questionnaire_version_id: self.questionnaire_version_id,
            },
            questionnaire: Questionnaire::from_json(&self.definition).map_err(StoreError::Corrupt)?,
        })
    }
}

/// Whether `f` can be answered from the coarse aggregates (no channel, language, procedure or
/// appointment filter).
pub(crate) fn coarse(f: &ResponseFilter) -> bool {
    f.channel.is_none() && f.language.is_none() && f.procedure.is_none() && f.appointment.is_none()
}

/// The answers of `r` as the JSON object stored in `responses.answers` (question key → option
/// key or text).
pub(crate) fn answers_json(r: &NewResponse) -> String {
    let all: BTreeMap<&String, &String> = r.answers.choices.iter().chain(r.answers.texts.iter()).collect();
    serde_json::to_string(&all).unwrap_or_else(|_| "{}".to_string())
}

/// `%text%` for `LIKE … ESCAPE '\'`, with the wildcard characters of `text` escaped.
pub(crate) fn like_pattern(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// Reads rows in batches keyed by an increasing id: `fetch(after)` returns the next batch (ids
/// greater than `after`, ascending, at most [`EXPORT_BATCH`]) with each row's id. The next batch
/// is read (on another task) while the current one is consumed, so reading and encoding overlap.
pub(crate) fn batched<T, F, Fut>(fetch: F) -> BoxStream<'static, Result<T, StoreError>>
where
    T: Send + 'static,
    F: Fn(i64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Vec<(i64, T)>, StoreError>> + Send + 'static,
{
    let first = tokio::spawn(fetch(i64::MIN));
    stream::try_unfold((Some(first), fetch), |(pending, fetch)| async move {
        let Some(pending) = pending else { return Ok::<_, StoreError>(None) };
        let batch = pending.await.map_err(|e| StoreError::Corrupt(format!("export task failed: {e}")))??;
        if batch.is_empty() {
            return Ok(None);
        }
        let next = match batch.last() {
            Some((last, _)) if batch.len() as i64 >= EXPORT_BATCH => Some(tokio::spawn(fetch(*last))),
            _ => None,
        };
        let items: Vec<Result<T, StoreError>> = batch.into_iter().map(|(_, t)| Ok(t)).collect();
        Ok(Some((stream::iter(items), (next, fetch))))
    })
    .try_flatten()
    .boxed()
}

/// Statistics and exports.
#[async_trait]
pub trait ReportingStore: Send + Sync {
    /// Every campaign, the most recent start first.
    async fn list_campaigns(&self) -> Result<Vec<Campaign>, StoreError>;

    /// The campaign with this id.
    async fn campaign_by_id(&self, id: i64) -> Result<Option<Campaign>, StoreError>;

    /// Respondents per site and Europe/Paris day among the filtered responses (days without
    /// responses are absent), ordered by day.
    async fn respondents_by_day(&self, filter: &ResponseFilter) -> Result<Vec<DayCount>, StoreError>;

    /// Closed-answer counts per site, month, question and option among the filtered responses.
    async fn answer_counts_by_month(&self, filter: &ResponseFilter) -> Result<Vec<MonthAnswerCount>, StoreError>;

    /// Free-text answers among the filtered responses whose text contains `search` (case,
    /// accents and ligatures ignored: [`crate::domain::search::fold`]), newest first: `(total matching, the page)`.
    async fn remarks(&self, filter: &ResponseFilter, search: Option<&str>, offset: u64, limit: u64) -> Result<(u64, Vec<Remark>), StoreError>;

    /// Every filtered response with its answers to the questions `keys` (in that order, see
    /// [`ExportedResponse::answers`]), oldest first, read in batches of [`EXPORT_BATCH`]: memory
    /// stays flat for a million rows.
    fn stream_responses(&self, filter: ResponseFilter, keys: Vec<String>) -> BoxStream<'static, Result<ExportedResponse, StoreError>>;

    /// Every matching remark, oldest first, in batches of [`EXPORT_BATCH`].
    fn stream_remarks(&self, filter: ResponseFilter, search: Option<String>) -> BoxStream<'static, Result<Remark, StoreError>>;

    /// Every complaint in `scope` matching `filter`, received (Europe/Paris day) between `from` and
    /// `to` inclusive, oldest first, in batches of [`EXPORT_BATCH`].
    fn stream_complaints(&self, scope: SiteScope, filter: ComplaintFilter, from: Option<NaiveDate>, to: Option<NaiveDate>) -> BoxStream<'static, Result<Complaint, StoreError>>;

    /// The facts the complaint indicators are computed from.
    async fn complaint_facts(&self, filter: &ComplaintFactFilter) -> Result<Vec<ComplaintFact>, StoreError>;

    /// The actions of a campaign, in the order entered.
    async fn list_actions(&self, campaign_id: i64) -> Result<Vec<CampaignAction>, StoreError>;

    /// Adds an action (`id` ignored); returns its id.
    async fn add_action(&self, action: &CampaignAction, user_id: i64, now: DateTime<Utc>) -> Result<i64, StoreError>;

    /// Deletes action `id` of campaign `campaign_id`; `false` if there was none.
    async fn delete_action(&self, campaign_id: i64, id: i64) -> Result<bool, StoreError>;

    /// Rebuilds the aggregate tables from the responses (after an import or a repair); returns
    /// the number of responses counted.
    async fn rebuild_aggregates(&self) -> Result<u64, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
        assert_eq!(like_pattern("été"), "%été%");
    }
}
