//! Server function and data of the dashboard (`/admin`).

use super::filters::FilterParams;
use crate::domain::indicators::{ComplaintIndicators, Progress};
use crate::domain::stats::{QuestionStats, ShareEstimate};
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

/// A choice of a filter's `<select>`: submitted value and label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    /// Submitted value.
    pub value: String,
    /// Label shown.
    pub label: String,
}

impl Choice {
    /// A choice.
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Self { value: value.into(), label: label.into() }
    }
}

/// The filter form: what was typed and the choices offered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FilterForm {
    /// The parameters as typed (refill the form).
    pub params: FilterParams,
    /// Campaigns (id → "name (dates)"), the free-period choice last.
    pub campaigns: Vec<Choice>,
    /// Selected campaign value (an id or `toutes`).
    pub campaign: String,
    /// Sites in the staff member's scope.
    pub sites: Vec<Choice>,
    /// Channels.
    pub channels: Vec<Choice>,
    /// Survey languages.
    pub languages: Vec<Choice>,
    /// Options of the procedure question (with "not answered").
    pub procedures: Vec<Choice>,
    /// Options of the appointment question (with "not answered").
    pub appointments: Vec<Choice>,
    /// Problems found in the parameters, in plain French.
    pub problems: Vec<String>,
    /// The filters as a URL query (`campagne=…&site=…`), for links to exports and remarks.
    pub query: String,
    /// First day of the period shown, `AAAA-MM-JJ`.
    pub from: String,
    /// Last day of the period shown, `AAAA-MM-JJ`.
    pub to: String,
}

/// Respondents of one site (or all sites together) against the target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteProgress {
    /// Site slug (`""` for all sites together).
    pub slug: String,
    /// Site name, or "Tous les sites".
    pub name: String,
    /// Respondents, pace, dates.
    pub progress: Progress,
    /// Whether a target applies (a campaign is selected).
    pub has_target: bool,
}

/// One closed question across sites.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Question key.
    pub key: String,
    /// Question label.
    pub label: String,
    /// One entry per site, in display order: site name and the question's statistics there.
    pub sites: Vec<(String, QuestionStats)>,
}

/// One month of the trend of overall satisfaction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthPoint {
    /// "mars 2025".
    pub label: String,
    /// "03/25" (chart axis).
    pub short_label: String,
    /// Respondents that month.
    pub respondents: u64,
    /// Satisfied share of the overall-satisfaction question that month.
    pub satisfied: Option<ShareEstimate>,
    /// Net satisfaction that month, in points.
    pub net_points: Option<f64>,
}

/// Complaint figures of the period and sites shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplaintBlock {
    /// The indicators.
    pub indicators: ComplaintIndicators,
    /// Site id → name, for `indicators.by_site`.
    pub site_names: Vec<(i64, String)>,
    /// Reply deadline in working days configured for new complaints.
    pub reply_days: u32,
}

/// The whole dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// Who is logged in (the staff menu).
    pub header: crate::complaints::staff::api::StaffHeader,
    /// Filters.
    pub form: FilterForm,
    /// Campaign shown (`None`: every campaign, or none exists).
    pub campaign: Option<CampaignView>,
    /// Whether any campaign exists.
    pub has_campaigns: bool,
    /// "du 01/01/2025 au 31/12/2025".
    pub period_label: String,
    /// "Tous les sites" or the site's name.
    pub scope_label: String,
    /// Each site in scope (or the chosen one), then all together when there are several.
    pub progress: Vec<SiteProgress>,
    /// Closed questions over the sites shown.
    pub questions: Vec<QuestionStats>,
    /// Questions measuring satisfaction, site by site (empty with one site).
    pub comparison: Vec<Comparison>,
    /// Overall satisfaction month by month over the period.
    pub trend: Vec<MonthPoint>,
    /// Complaint indicators.
    pub complaints: ComplaintBlock,
    /// Share of the responses shown that came with a valid visit code.
    pub visit_codes: VisitCodeShareView,
}

/// Responses with a valid visit code among the responses shown (issue 6).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VisitCodeShareView {
    /// Responses with a valid code.
    pub coded: u64,
    /// All responses.
    pub total: u64,
    /// Whole percentage ([`crate::domain::visit_code::coded_percent`]); `None` without responses.
    pub percent: Option<u64>,
}

/// The dashboard for the filters `params` (staff only; an agent sees their sites only).
///
/// # Errors
/// [`AppError::Unauthorized`] when not logged in; [`AppError::Unavailable`] when the database
/// fails. Bad parameters are not errors: they are listed in `form.problems` and ignored.
#[server(prefix = "/srv", endpoint = "dashboard")]
pub async fn load_dashboard(params: FilterParams) -> Result<Dashboard, AppError> {
    let staff = crate::complaints::staff::access::require_staff().await?;
    let state = crate::state::app_state()?;
    let today = crate::time::paris_day(chrono::Utc::now());
    server::build(&state, &staff, params, today).await
}

#[cfg(feature = "ssr")]
pub(crate) use server::form_of;

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::complaints::staff::access::Staff;
    use crate::dashboard::filters::{resolve, Resolved, ALL_CAMPAIGNS, NOT_ANSWERED};
    use crate::domain::complaint::Procedure;
    use crate::domain::indicators::{complaint_indicators, french_month, months_between, progress};
    use crate::domain::questionnaire::{localized, Questionnaire};
    use crate::domain::stats::question_stats;
    use crate::state::AppState;
    use crate::store::{Channel, ComplaintFactFilter, MonthAnswerCount};
    use crate::time::french_date;
    use chrono::NaiveDate;
    use std::collections::{BTreeMap, HashMap};

    type Counts = HashMap<String, HashMap<String, u64>>;

    fn add(counts: &mut Counts, c: &MonthAnswerCount) {
        *counts.entry(c.question_key.clone()).or_default().entry(c.option_key.clone()).or_default() += c.count;
    }

    fn stats(q: &Questionnaire, counts: &Counts) -> Vec<QuestionStats> {
        let empty = HashMap::new();
        q.questions.iter().filter_map(|question| question_stats(question, counts.get(&question.key).unwrap_or(&empty), "fr")).collect()
    }

    fn channel_label(c: Channel) -> &'static str {
        match c {
            Channel::Web => "En ligne (web)",
            Channel::Tablette => "Tablette sur site",
            Channel::Papier => "Papier",
        }
    }

    fn language_label(l: &str) -> &'static str {
        match l {
            "fr" => "Français",
            "en" => "Anglais",
            "ar" => "Arabe",
            "es" => "Espagnol",
            "pt" => "Portugais",
            _ => "Autre",
        }
    }

    fn option_choices(q: Option<&crate::domain::questionnaire::Question>) -> Vec<Choice> {
        let mut v: Vec<Choice> = q.map(|q| q.options().iter().map(|o| Choice::new(o.key.clone(), localized(&o.label, "fr"))).collect()).unwrap_or_default();
        if !v.is_empty() {
            v.push(Choice::new(NOT_ANSWERED, "Sans réponse"));
        }
        v
    }

    /// The filter form of resolved filters `r`, refilled with `params`.
    pub(crate) fn form_of(r: &Resolved, params: FilterParams) -> FilterForm {
        let mut campaigns: Vec<Choice> = r
            .campaigns
            .iter()
            .map(|c| Choice::new(c.id.to_string(), format!("{} ({} – {})", c.settings.name, french_date(c.settings.starts_on), french_date(c.settings.ends_on))))
            .collect();
        campaigns.push(Choice::new(ALL_CAMPAIGNS, "Toutes les campagnes (période libre)"));
        let query = serde_urlencoded::to_string(params.pairs()).unwrap_or_default();
        FilterForm {
            campaign: r.campaign.as_ref().map(|c| c.id.to_string()).unwrap_or_else(|| ALL_CAMPAIGNS.to_string()),
            campaigns,
            sites: r.sites.iter().map(|s| Choice::new(s.slug.clone(), s.name.clone())).collect(),
            channels: Channel::ALL.iter().map(|c| Choice::new(c.as_str(), channel_label(*c))).collect(),
            languages: crate::survey::submit::LANGUAGES.iter().map(|l| Choice::new(*l, language_label(l))).collect(),
            procedures: option_choices(r.questionnaire.as_ref().and_then(|q| q.procedure())),
            appointments: option_choices(r.questionnaire.as_ref().and_then(|q| q.appointment())),
            problems: r.problems.clone(),
            query,
            from: r.period.0.to_string(),
            to: r.period.1.to_string(),
            params,
        }
    }

    /// Builds the dashboard of `params` for `staff` on `today` (Europe/Paris).
    pub(super) async fn build(state: &AppState, staff: &Staff, params: FilterParams, today: NaiveDate) -> Result<Dashboard, AppError> {
        let r = resolve(&params, staff, &state.store, today).await?;
        let days = state.store.respondents_by_day(&r.filter).await?;
        let answers = state.store.answer_counts_by_month(&r.filter).await?;
        let share = state.store.visit_code_share(&r.filter).await?;
        let visit_codes = VisitCodeShareView { coded: share.coded, total: share.total, percent: crate::domain::visit_code::coded_percent(share.coded, share.total) };
        let shown: Vec<_> = r.sites.iter().filter(|s| r.filter.sites.allows(s.id)).cloned().collect();
        let target = r.campaign.as_ref().map(|c| c.settings.target_per_site.max(0) as u64);
        let site_progress = |site_ids: &[i64], slug: &str, name: &str| {
            let daily: Vec<(NaiveDate, u64)> = days.iter().filter(|d| site_ids.contains(&d.site_id)).map(|d| (d.day, d.respondents)).collect();
            let t = target.map(|t| t.saturating_mul(site_ids.len() as u64)).unwrap_or(0);
            SiteProgress { slug: slug.to_string(), name: name.to_string(), progress: progress(&daily, t, r.period, today), has_target: target.is_some() }
        };
        let mut progress_rows: Vec<SiteProgress> = shown.iter().map(|s| site_progress(&[s.id], &s.slug, &s.name)).collect();
        if shown.len() > 1 {
            let ids: Vec<i64> = shown.iter().map(|s| s.id).collect();
            progress_rows.push(site_progress(&ids, "", "Tous les sites"));
        }

        let (mut questions, mut comparison, mut trend) = (Vec::new(), Vec::new(), Vec::new());
        if let Some(q) = &r.questionnaire {
            let mut all = Counts::new();
            let mut per_site: BTreeMap<i64, Counts> = BTreeMap::new();
            let mut per_month: BTreeMap<(i32, u32), Counts> = BTreeMap::new();
            for c in &answers {
                add(&mut all, c);
                add(per_site.entry(c.site_id).or_default(), c);
                if c.question_key == q.overall_satisfaction {
                    add(per_month.entry(c.month).or_default(), c);
                }
            }
            questions = stats(q, &all);
            if shown.len() > 1 {
                let empty = Counts::new();
                let site_stats: Vec<(String, Vec<QuestionStats>)> = shown.iter().map(|s| (s.name.clone(), stats(q, per_site.get(&s.id).unwrap_or(&empty)))).collect();
                comparison = q
                    .questions
                    .iter()
                    .filter(|question| question.measures_satisfaction())
                    .map(|question| Comparison {
                        key: question.key.clone(),
                        label: localized(&question.label, "fr").to_string(),
                        sites: site_stats
                            .iter()
                            .filter_map(|(name, st)| st.iter().find(|x| x.key == question.key).map(|x| (name.clone(), x.clone())))
                            .collect(),
                    })
                    .collect();
            }
            let mut month_respondents: BTreeMap<(i32, u32), u64> = BTreeMap::new();
            for d in &days {
                *month_respondents.entry(crate::domain::indicators::month_key(d.day)).or_default() += d.respondents;
            }
            if let Some(overall) = q.question(&q.overall_satisfaction) {
                let empty = HashMap::new();
                trend = months_between(r.period.0, r.period.1.min(today.max(r.period.0)))
                    .into_iter()
                    .map(|m| {
                        let counts = per_month.get(&m).and_then(|c| c.get(&q.overall_satisfaction)).unwrap_or(&empty);
                        let st = question_stats(overall, counts, "fr");
                        MonthPoint {
                            label: french_month(m.0, m.1),
                            short_label: format!("{:02}/{:02}", m.1, m.0.rem_euclid(100)),
                            respondents: month_respondents.get(&m).copied().unwrap_or(0),
                            satisfied: st.as_ref().and_then(|s| s.satisfied),
                            net_points: st.as_ref().and_then(|s| s.net_points),
                        }
                    })
                    .collect();
            }
        }

        let facts = state
            .store
            .complaint_facts(&ComplaintFactFilter {
                sites: r.filter.sites.clone(),
                from: Some(r.period.0),
                to: Some(r.period.1),
                procedure: r.filter.procedure.as_deref().and_then(Procedure::parse).map(|p| p.as_str().to_string()),
            })
            .await?;
        let complaints = ComplaintBlock {
            indicators: complaint_indicators(&facts, &state.complaints.calendar, today),
            site_names: r.sites.iter().map(|s| (s.id, s.name.clone())).collect(),
            reply_days: state.complaints.reply_days,
        };

        let campaign = r.campaign.as_ref().map(|c| CampaignView {
            name: c.settings.name.clone(),
            starts_on: french_date(c.settings.starts_on),
            ends_on: french_date(c.settings.ends_on),
            is_demo: c.settings.is_demo,
        });
        Ok(Dashboard {
            header: staff.header(),
            has_campaigns: !r.campaigns.is_empty(),
            period_label: format!("du {} au {}", french_date(r.period.0), french_date(r.period.1)),
            scope_label: r.site.as_ref().map(|s| s.name.clone()).unwrap_or_else(|| "Tous les sites".to_string()),
            form: form_of(&r, params),
            campaign,
            progress: progress_rows,
            questions,
            comparison,
            trend,
            complaints,
            visit_codes,
        })
    }
}
