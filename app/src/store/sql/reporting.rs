//! The reporting SQL shared by both engines (the rest is still in `sqlite/reporting.rs` and
//! `postgres/reporting.rs`).

use crate::store::reporting::CampaignDbRow;
use crate::store::{Campaign, StoreError};

/// Dimension columns shared by `responses`, `response_cube` and `answer_cube`.
pub const DIMENSIONS: &str = "site_id, day, campaign_id, channel, language, procedure, appointment";

/// The campaigns (alias `c`) with their questionnaire version's definition, for `WHERE`/`ORDER BY`
/// to follow.
pub const CAMPAIGN_SELECT: &str = "SELECT c.id, c.name, c.starts_on, c.ends_on, c.target_per_site, c.is_demo, c.questionnaire_version_id, v.definition
     FROM campaigns c JOIN questionnaire_versions v ON v.id = c.questionnaire_version_id";

/// A row of [`CAMPAIGN_SELECT`] as a campaign (either engine).
///
/// # Errors
/// [`StoreError::Corrupt`] when the questionnaire definition does not parse.
pub fn campaign_from_row<'r, R: sqlx::Row>(row: &'r R) -> Result<Campaign, StoreError>
where
    CampaignDbRow: sqlx::FromRow<'r, R>,
{
    <CampaignDbRow as sqlx::FromRow<'r, R>>::from_row(row)?.into_campaign()
}
