//! Results of the current campaign per site, shared by the staff dashboard and the public
//! open-data API (`GET /api/v1/results`).

use crate::domain::stats::{question_stats, QuestionStats, ShareEstimate};
use crate::store::{Campaign, DynStore, Site, StoreError};
use chrono::NaiveDate;
use std::collections::HashMap;

/// Results of one site.
#[derive(Clone, Debug)]
pub struct SiteResults {
    /// The site.
    pub site: Site,
    /// Number of responses.
    pub respondents: u64,
    /// Target of the campaign for this site.
    pub target: u64,
    /// Statistics of each closed question, in questionnaire order.
    pub questions: Vec<QuestionStats>,
    /// Satisfied share of the overall-satisfaction question (`None` with no answer).
    pub overall: Option<ShareEstimate>,
}

impl SiteResults {
    /// Respondents ≥ target.
    pub fn target_met(&self) -> bool {
        self.respondents >= self.target
    }
}

/// The results of each active site for `campaign`, labels in `lang`.
///
/// # Errors
/// The database fails.
pub async fn campaign_results(store: &DynStore, campaign: &Campaign, lang: &str) -> Result<Vec<SiteResults>, StoreError> {
    let tallies = store.campaign_tallies(campaign.id).await?;
    let empty = HashMap::new();
    Ok(tallies
        .into_iter()
        .map(|t| {
            let questions: Vec<QuestionStats> =
                campaign.questionnaire.questions.iter().filter_map(|q| question_stats(q, t.counts.get(&q.key).unwrap_or(&empty), lang)).collect();
            let overall = questions.iter().find(|q| q.key == campaign.questionnaire.overall_satisfaction).and_then(|q| q.satisfied);
            SiteResults { site: t.site, respondents: t.respondents, target: campaign.settings.target_per_site.max(0) as u64, questions, overall }
        })
        .collect())
}

/// The last campaign whose period ended before `today` (Europe/Paris), among `campaigns`.
pub fn last_closed(campaigns: &[Campaign], today: NaiveDate) -> Option<&Campaign> {
    campaigns.iter().filter(|c| c.settings.ends_on < today).max_by_key(|c| (c.settings.ends_on, c.id))
}
