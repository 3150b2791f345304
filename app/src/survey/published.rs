//! `/resultats`: the published satisfaction results (Services Publics+ engagement 6), per site,
//! for the last closed campaign and for the current one while it runs. Only aggregate
//! indicators: no free text, no personal data.

use crate::components::{ErrorNotice, Loading};
use crate::dashboard::format::pct;
use crate::domain::stats::QuestionStats;
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// One site's published figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublishedSite {
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Respondents.
    pub respondents: u64,
    /// Target.
    pub target: u64,
    /// The satisfaction questions (overall first), with shares and intervals.
    pub questions: Vec<QuestionStats>,
}

/// One campaign's published results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublishedCampaign {
    /// Id (for `/api/v1/results?campaign=`).
    pub id: i64,
    /// Name.
    pub name: String,
    /// First day, `dd/mm/yyyy`.
    pub starts_on: String,
    /// Last day, `dd/mm/yyyy`.
    pub ends_on: String,
    /// Still running (results provisional).
    pub running: bool,
    /// Demonstration data.
    pub is_demo: bool,
    /// Sites in display order.
    pub sites: Vec<PublishedSite>,
}

/// The page's data: the current campaign (if running) and the last closed one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublishedResults {
    /// Running campaign.
    pub current: Option<PublishedCampaign>,
    /// Last campaign whose period is over.
    pub last_closed: Option<PublishedCampaign>,
}

/// The published results (public), question and answer labels in `lang` (a language code;
/// French when the questionnaire lacks it).
///
/// # Errors
/// [`AppError::Unavailable`] when the database fails.
#[server(prefix = "/srv", endpoint = "published_results")]
pub async fn load_published_results(lang: String) -> Result<PublishedResults, AppError> {
    use super::results::{campaign_results, last_closed};
    use crate::time::{french_date, paris_day};
    let state = crate::state::app_state()?;
    let today = paris_day(chrono::Utc::now());
    let campaigns = state.store.list_campaigns().await?;
    let running = campaigns
        .iter()
        .filter(|c| c.settings.starts_on <= today && today <= c.settings.ends_on)
        .max_by_key(|c| (c.settings.starts_on, c.id));
    let mut views = Vec::new();
    for (campaign, is_running) in [(running, true), (last_closed(&campaigns, today), false)] {
        let Some(c) = campaign else {
            views.push(None);
            continue;
        };
        let satisfaction: Vec<&str> = c.questionnaire.questions.iter().filter(|q| q.measures_satisfaction()).map(|q| q.key.as_str()).collect();
        let overall = c.questionnaire.overall_satisfaction.as_str();
        let sites = campaign_results(&state.store, c, crate::survey::submit::supported_language(&lang))
            .await?
            .into_iter()
            .map(|r| {
                let mut questions: Vec<QuestionStats> = r.questions.into_iter().filter(|q| satisfaction.contains(&q.key.as_str())).collect();
                questions.sort_by_key(|q| q.key != overall);
                PublishedSite { slug: r.site.slug, name: r.site.name, respondents: r.respondents, target: r.target, questions }
            })
            .collect();
        views.push(Some(PublishedCampaign {
            id: c.id,
            name: c.settings.name.clone(),
            starts_on: french_date(c.settings.starts_on),
            ends_on: french_date(c.settings.ends_on),
            running: is_running,
            is_demo: c.settings.is_demo,
            sites,
        }));
    }
    let last_closed = views.pop().flatten();
    let current = views.pop().flatten();
    Ok(PublishedResults { current, last_closed })
}

/// `/resultats`.
#[component]
pub fn PublishedResultsPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(move || i18n.get_locale().as_str().to_string(), load_published_results);
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, results.page_title).to_string()) />
        <h1>{t!(i18n, results.title)}</h1>
        <p class="fr-text--lead">{t!(i18n, results.intro)}</p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(r) => {
                        let none = r.current.is_none() && r.last_closed.is_none();
                        view! {
                            {none.then(|| view! { <p>{t!(i18n, results.none)}</p> })}
                            {r.current.map(|c| view! { <CampaignResults campaign=c /> })}
                            {r.last_closed.map(|c| view! { <CampaignResults campaign=c /> })}
                            <p class="fr-text--sm">{t!(i18n, results.method)}</p>
                            <p class="fr-text--sm">{t!(i18n, results.open_data)} " " <a href="/api/v1/results">"/api/v1/results"</a></p>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CampaignResults(campaign: PublishedCampaign) -> impl IntoView {
    let i18n = use_i18n();
    let heading_id = format!("campagne-{}", campaign.id);
    let labelled_by = heading_id.clone();
    let (name, start, end) = (campaign.name.clone(), campaign.starts_on.clone(), campaign.ends_on.clone());
    view! {
        <section class="fr-mb-6w published-campaign" aria-labelledby=labelled_by data-campaign=campaign.id.to_string()>
            <h2 id=heading_id>
                {if campaign.running {
                    t!(i18n, results.running, name = move || name.clone(), start = move || start.clone(), end = move || end.clone()).into_any()
                } else {
                    t!(i18n, results.closed, name = move || name.clone(), start = move || start.clone(), end = move || end.clone()).into_any()
                }}
            </h2>
            {campaign.running.then(|| view! { <p>{t!(i18n, results.provisional)}</p> })}
            {campaign.is_demo.then(|| view! { <p><span class="demo-badge">{t!(i18n, dashboard.demo)}</span></p> })}
            {campaign.sites.into_iter().map(|s| {
                let (respondents, target) = (s.respondents, s.target);
                let caption = s.name.clone();
                view! {
                    <div class="published-site fr-mb-4w" data-site=s.slug.clone()>
                        <h3>{s.name.clone()}</h3>
                        <p>{t!(i18n, results.respondents, count = move || respondents, target = move || target)}</p>
                        <div class="table-scroll">
                            <table class="stats-table published-table">
                                <caption class="fr-sr-only">{caption}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{t!(i18n, results.col_question)}</th>
                                        <th scope="col" class="num">{t!(i18n, results.col_satisfied)}</th>
                                        <th scope="col" class="num">{t!(i18n, results.col_interval)}</th>
                                        <th scope="col" class="num">{t!(i18n, results.col_answers)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {s.questions.into_iter().map(|q| {
                                        let (share, interval) = match q.satisfied {
                                            Some(e) => (format!("{} %", pct(e.share)), format!("{} – {} %", pct(e.interval.low), pct(e.interval.high))),
                                            None => (t_string!(i18n, results.no_answer).to_string(), "–".to_string()),
                                        };
                                        view! {
                                            <tr>
                                                <th scope="row">{q.label}</th>
                                                <td class="num">{share}</td>
                                                <td class="num">{interval}</td>
                                                <td class="num">{q.answered}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </div>
                }
            }).collect_view()}
        </section>
    }
}
