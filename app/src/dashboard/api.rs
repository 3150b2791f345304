//! Server function and data of the dashboard.

use crate::domain::stats::QuestionStats;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The campaign shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CampaignView {
    /// Name.
    pub name: String,
    /// First day, `dd/mm/yyyy` (Europe/Paris).
    pub starts_on: String,
    /// Last day, `dd/mm/yyyy` (Europe/Paris).
    pub ends_on: String,
    /// Demonstration data.
    pub is_demo: bool,
}

/// One site's block of the dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteDashboard {
    /// Site slug.
    pub slug: String,
    /// Site name.
    pub name: String,
    /// Respondents.
    pub respondents: u64,
    /// Target.
    pub target: u64,
    /// Progress to target, whole percent, capped at 100.
    pub progress: u32,
    /// Target reached.
    pub target_met: bool,
    /// Closed questions' statistics.
    pub questions: Vec<QuestionStats>,
}

/// The whole dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// Who is logged in (the staff menu).
    pub header: crate::complaints::staff::api::StaffHeader,
    /// Current campaign (`None` if none exists).
    pub campaign: Option<CampaignView>,
    /// Sites in display order.
    pub sites: Vec<SiteDashboard>,
}

/// The dashboard of the current campaign (staff only).
///
/// # Errors
/// [`AppError::Unauthorized`] when not logged in.
#[server(prefix = "/srv", endpoint = "dashboard")]
pub async fn load_dashboard() -> Result<Dashboard, AppError> {
    use crate::domain::stats::progress_percent;
    use crate::time::{french_date, paris_day};
    let staff = crate::complaints::staff::access::require_staff().await?;
    let state = crate::state::app_state()?;
    let results = crate::survey::results::current_results(&state.store, paris_day(chrono::Utc::now()), "fr").await?;
    let (campaign, sites) = match results {
        None => (None, Vec::new()),
        Some((c, sites)) => (
            Some(CampaignView { name: c.settings.name, starts_on: french_date(c.settings.starts_on), ends_on: french_date(c.settings.ends_on), is_demo: c.settings.is_demo }),
            sites
                .into_iter()
                .map(|r| SiteDashboard {
                    progress: progress_percent(r.respondents, r.target),
                    target_met: r.target_met(),
                    slug: r.site.slug,
                    name: r.site.name,
                    respondents: r.respondents,
                    target: r.target,
                    questions: r.questions,
                })
                .collect(),
        ),
    };
    Ok(Dashboard { header: staff.header(), campaign, sites })
}
