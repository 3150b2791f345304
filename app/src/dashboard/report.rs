//! `/admin/rapport?campagne=ID`: the printable report of a campaign for the users' committee
//! (Comité local des usagers): a summary of every site, then one page per site with its
//! respondents against the target, its indicators with their intervals, its complaint figures,
//! and the actions decided ("vous nous l'avez dit, on l'a fait"), which quality staff enter on
//! the same page. Prints on A4 from the browser (forms and menus hidden, one site per page).

use super::api::{Choice, ComplaintBlock};
use super::charts::DistributionBar;
use super::format::{one_decimal, share_text, signed_points};
use crate::complaints::staff::api::StaffHeader;
use crate::complaints::staff::page::StaffNav;
use crate::components::{ErrorNotice, Loading};
use crate::domain::complaint::ComplaintKind;
use crate::domain::indicators::ComplaintIndicators;
use crate::domain::stats::QuestionStats;
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// An action as shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionView {
    /// Id.
    pub id: i64,
    /// Site name, or `None` for every site.
    pub site: Option<String>,
    /// What the users said.
    pub said: String,
    /// What was done.
    pub done: String,
}

/// One site's page of the report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteReport {
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Respondents.
    pub respondents: u64,
    /// Target.
    pub target: u64,
    /// Closed questions.
    pub questions: Vec<QuestionStats>,
    /// Complaint figures of the site over the campaign's period.
    pub complaints: ComplaintIndicators,
    /// Actions for this site and for every site.
    pub actions: Vec<ActionView>,
}

/// The whole report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Staff menu.
    pub header: StaffHeader,
    /// Campaign choices.
    pub campaigns: Vec<Choice>,
    /// Campaign id.
    pub campaign_id: i64,
    /// Campaign name.
    pub name: String,
    /// "du … au …".
    pub period: String,
    /// Demonstration data.
    pub is_demo: bool,
    /// Key of the overall-satisfaction question.
    pub overall_key: String,
    /// Keys of the questions measuring satisfaction (the ones the site pages list).
    pub satisfaction_keys: Vec<String>,
    /// Each site.
    pub sites: Vec<SiteReport>,
    /// Complaint figures of every site.
    pub complaints: ComplaintBlock,
    /// Every action of the campaign.
    pub actions: Vec<ActionView>,
    /// Sites for the action form (slug → name).
    pub site_choices: Vec<Choice>,
    /// One-time token of the action forms.
    pub token: String,
    /// Set when re-rendered after a refused action form: (said, done, site, problem).
    pub echo: Option<ActionEcho>,
}

/// What the action form POST hands back when it refuses the input (everything typed kept).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionEcho {
    /// Site slug chosen.
    pub site: String,
    /// "Vous nous avez dit".
    pub said: String,
    /// "Nous avons fait".
    pub done: String,
    /// What to fix.
    pub problem: String,
}

/// Longest text of an action, in characters.
pub const ACTION_MAX_CHARS: usize = 1_000;

/// Purpose of the action forms' one-time token.
pub const ACTION_TOKEN_PURPOSE: &str = "report:action";

/// The report of campaign `campagne` (default: the current one). Quality staff and admins.
///
/// # Errors
/// [`AppError::Unauthorized`], [`AppError::Forbidden`] for agents, [`AppError::NotFound`] when
/// no campaign exists, [`AppError::Unavailable`].
#[server(prefix = "/srv", endpoint = "report")]
pub async fn load_report(campagne: Option<String>) -> Result<Report, AppError> {
    use crate::domain::indicators::complaint_indicators;
    use crate::store::{ComplaintFactFilter, SiteScope};
    use crate::survey::results::campaign_results;
    use crate::time::{french_date, paris_day};
    let staff = crate::complaints::staff::access::require_staff().await?;
    staff.require_template_manager()?;
    let state = crate::state::app_state()?;
    let now = chrono::Utc::now();
    let today = paris_day(now);
    let echo = use_context::<ActionEcho>();
    let campaigns = state.store.list_campaigns().await?;
    let campaign = match campagne.as_deref().and_then(|c| c.parse::<i64>().ok()) {
        Some(id) => campaigns.iter().find(|c| c.id == id).cloned().ok_or(AppError::NotFound)?,
        None => state.store.current_campaign(today).await?.ok_or(AppError::NotFound)?,
    };
    let period = (campaign.settings.starts_on, campaign.settings.ends_on);
    let sites = state.store.list_sites().await?;
    let site_name = |id: i64| sites.iter().find(|s| s.id == id).map(|s| s.name.clone());
    let actions: Vec<ActionView> = state
        .store
        .list_actions(campaign.id)
        .await?
        .into_iter()
        .map(|a| ActionView { id: a.id, site: a.site_id.and_then(site_name), said: a.said, done: a.done })
        .collect();
    let facts_of = |scope: SiteScope| ComplaintFactFilter { sites: scope, from: Some(period.0), to: Some(period.1), procedure: None };
    let all_facts = state.store.complaint_facts(&facts_of(SiteScope::All)).await?;
    let cal = &state.complaints.calendar;
    let mut site_reports = Vec::new();
    for r in campaign_results(&state.store, &campaign, "fr").await? {
        let facts: Vec<_> = all_facts.iter().filter(|f| f.site_id == r.site.id).cloned().collect();
        let name = r.site.name.clone();
        site_reports.push(SiteReport {
            slug: r.site.slug,
            respondents: r.respondents,
            target: r.target,
            questions: r.questions,
            complaints: complaint_indicators(&facts, cal, today),
            actions: actions.iter().filter(|a| a.site.is_none() || a.site.as_deref() == Some(name.as_str())).cloned().collect(),
            name,
        });
    }
    Ok(Report {
        header: staff.header(),
        campaigns: campaigns.iter().map(|c| Choice::new(c.id.to_string(), format!("{} ({} – {})", c.settings.name, french_date(c.settings.starts_on), french_date(c.settings.ends_on)))).collect(),
        campaign_id: campaign.id,
        name: campaign.settings.name.clone(),
        period: format!("du {} au {}", french_date(period.0), french_date(period.1)),
        is_demo: campaign.settings.is_demo,
        overall_key: campaign.questionnaire.overall_satisfaction.clone(),
        satisfaction_keys: campaign.questionnaire.questions.iter().filter(|q| q.measures_satisfaction()).map(|q| q.key.clone()).collect(),
        sites: site_reports,
        complaints: ComplaintBlock {
            indicators: complaint_indicators(&all_facts, cal, today),
            site_names: sites.iter().map(|s| (s.id, s.name.clone())).collect(),
            reply_days: state.complaints.reply_days,
        },
        actions,
        site_choices: sites.iter().map(|s| Choice::new(s.slug.clone(), s.name.clone())).collect(),
        token: state.tokens.issue(ACTION_TOKEN_PURPOSE, now),
        echo,
    })
}

/// `/admin/rapport`.
#[component]
pub fn ReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let campaign = Memo::new(move |_| query.read().get("campagne"));
    let data = Resource::new(move || campaign.get(), load_report);
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, report.page_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(r) => view! { <ReportView r /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ReportView(r: Report) -> impl IntoView {
    let i18n = use_i18n();
    let overall_key = r.overall_key.clone();
    let summary_rows = r
        .sites
        .iter()
        .map(|s| {
            let overall = s.questions.iter().find(|q| q.key == overall_key).cloned();
            view! {
                <tr data-site=s.slug.clone()>
                    <th scope="row">{s.name.clone()}</th>
                    <td class="num">{s.respondents}</td>
                    <td class="num">{s.target}</td>
                    <td>{if s.respondents >= s.target { t_string!(i18n, report.yes) } else { t_string!(i18n, report.no) }}</td>
                    <td class="num">{share_text(&overall.as_ref().and_then(|q| q.satisfied))}</td>
                    <td class="num">{signed_points(overall.as_ref().and_then(|q| q.net_points))}</td>
                    <td class="num">{one_decimal(overall.as_ref().and_then(|q| q.score10))}</td>
                </tr>
            }
        })
        .collect_view();
    let c = r.complaints.indicators.clone();
    let reply_days = r.complaints.reply_days;
    view! {
        <div class="no-print"><StaffNav header=r.header.clone() /></div>
        <form method="get" action="/admin/rapport" class="filters no-print fr-mb-3w">
            <div class="fr-select-group">
                <label class="fr-label" for="rapport-campagne">{t!(i18n, report.campaign)}</label>
                <select class="fr-select" id="rapport-campagne" name="campagne">
                    {r.campaigns.iter().map(|c| {
                        let selected = c.value == r.campaign_id.to_string();
                        view! { <option value=c.value.clone() selected=selected>{c.label.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="fr-btn fr-btn--sm">{t!(i18n, report.show)}</button>
        </form>
        <article class="clu-report">
            <header class="report-page">
                <h1>{t!(i18n, report.title)}</h1>
                <p class="fr-text--lead">{format!("{} – {}", r.name, r.period)}</p>
                {r.is_demo.then(|| view! { <p><span class="demo-badge">{t!(i18n, dashboard.demo)}</span></p> })}
                <h2>{t!(i18n, report.summary_title)}</h2>
                <table class="stats-table report-summary">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, dashboard.col_site)}</th>
                            <th scope="col" class="num">{t!(i18n, dashboard.col_respondents)}</th>
                            <th scope="col" class="num">{t!(i18n, dashboard.col_target)}</th>
                            <th scope="col">{t!(i18n, report.col_target_met)}</th>
                            <th scope="col" class="num">{t!(i18n, report.col_overall)}</th>
                            <th scope="col" class="num">{t!(i18n, dashboard.col_net)}</th>
                            <th scope="col" class="num">{t!(i18n, dashboard.col_score)}</th>
                        </tr>
                    </thead>
                    <tbody>{summary_rows}</tbody>
                </table>
                <h2>{t!(i18n, report.complaints_title)}</h2>
                <ComplaintSummary indicators=c reply_days />
                <h2>{t!(i18n, report.actions_title)}</h2>
                <ActionList actions=r.actions.clone() campaign_id=r.campaign_id token=r.token.clone() editable=true />
                <ActionForm r=r.clone() />
                <p class="fr-text--xs">{t!(i18n, report.method)}</p>
            </header>
            {r.sites.iter().cloned().map(|s| {
                let overall = s.questions.iter().find(|q| q.key == overall_key).cloned();
                let (respondents, target) = (s.respondents, s.target);
                view! {
                    <section class="report-page report-site" data-site=s.slug.clone()>
                        <h2>{s.name.clone()}</h2>
                        <p>{t!(i18n, results.respondents, count = move || respondents, target = move || target)}</p>
                        {overall.filter(|q| q.answered > 0).map(|q| view! {
                            <h3 class="fr-h6">{q.label.clone()}</h3>
                            <DistributionBar rows=q.rows.clone() title=q.label.clone() />
                        })}
                        <table class="stats-table">
                            <thead>
                                <tr>
                                    <th scope="col">{t!(i18n, results.col_question)}</th>
                                    <th scope="col" class="num">{t!(i18n, dashboard.col_satisfied)}</th>
                                    <th scope="col" class="num">{t!(i18n, dashboard.col_net)}</th>
                                    <th scope="col" class="num">{t!(i18n, dashboard.col_score)}</th>
                                    <th scope="col" class="num">{t!(i18n, dashboard.col_answers)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {s.questions.iter().filter(|q| r.satisfaction_keys.contains(&q.key)).map(|q| view! {
                                    <tr>
                                        <th scope="row">{q.label.clone()}</th>
                                        <td class="num">{share_text(&q.satisfied)}</td>
                                        <td class="num">{signed_points(q.net_points)}</td>
                                        <td class="num">{one_decimal(q.score10)}</td>
                                        <td class="num">{q.answered}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <h3 class="fr-h6">{t!(i18n, report.complaints_title)}</h3>
                        <ComplaintSummary indicators=s.complaints.clone() reply_days />
                        <h3 class="fr-h6">{t!(i18n, report.actions_title)}</h3>
                        <ActionList actions=s.actions.clone() campaign_id=r.campaign_id token=String::new() editable=false />
                    </section>
                }
            }).collect_view()}
        </article>
    }
}

/// Key complaint figures as a definition list.
#[component]
fn ComplaintSummary(indicators: ComplaintIndicators, reply_days: u32) -> impl IntoView {
    let i18n = use_i18n();
    let kinds: String = indicators
        .by_kind
        .iter()
        .map(|(k, n)| format!("{n} {}", ComplaintKind::parse(k).map(|k| crate::complaints::labels::kind(i18n, k).to_lowercase()).unwrap_or_else(|| k.clone())))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <ul class="report-complaints">
            <li>{t!(i18n, report.complaints_total, total = move || indicators.total)} " (" {kinds} ")"</li>
            <li>{t!(i18n, dashboard.ack_on_time)} " : " {share_text(&indicators.ack_on_time)}</li>
            <li>{t!(i18n, dashboard.reply_on_time, days = move || reply_days)} " : " {share_text(&indicators.reply_on_time)}</li>
            <li>{t!(i18n, report.median_delay)} " : " {one_decimal(indicators.reply_delay_median)} " · " {t!(i18n, report.p90_delay)} " : " {one_decimal(indicators.reply_delay_p90)}</li>
        </ul>
    }
}

/// The actions ("vous nous l'avez dit, on l'a fait"), with a delete button when editable.
#[component]
fn ActionList(actions: Vec<ActionView>, campaign_id: i64, token: String, editable: bool) -> impl IntoView {
    let i18n = use_i18n();
    if actions.is_empty() {
        return view! { <p class="no-answer">{t!(i18n, report.no_action)}</p> }.into_any();
    }
    view! {
        <table class="stats-table report-actions">
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, report.col_said)}</th>
                    <th scope="col">{t!(i18n, report.col_done)}</th>
                    <th scope="col">{t!(i18n, dashboard.col_site)}</th>
                    {editable.then(|| view! { <th scope="col" class="no-print">{t!(i18n, report.col_delete)}</th> })}
                </tr>
            </thead>
            <tbody>
                {actions.into_iter().map(|a| {
                    let token = token.clone();
                    view! {
                        <tr>
                            <td class="action-text">{a.said}</td>
                            <td class="action-text">{a.done}</td>
                            <td>{a.site.unwrap_or_else(|| t_string!(i18n, dashboard.all_sites).to_string())}</td>
                            {editable.then(|| view! {
                                <td class="no-print">
                                    <form method="post" action="/admin/rapport/actions/supprimer">
                                        <input type="hidden" name="token" value=token />
                                        <input type="hidden" name="campagne" value=campaign_id.to_string() />
                                        <input type="hidden" name="action" value=a.id.to_string() />
                                        <button type="submit" class="fr-btn fr-btn--tertiary fr-btn--sm">{t!(i18n, report.delete)}</button>
                                    </form>
                                </td>
                            })}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// The form adding an action (plain POST; everything typed is kept when refused).
#[component]
fn ActionForm(r: Report) -> impl IntoView {
    let i18n = use_i18n();
    let echo = r.echo.clone();
    let (site, said, done) = echo.as_ref().map(|e| (e.site.clone(), e.said.clone(), e.done.clone())).unwrap_or_default();
    view! {
        <form method="post" action="/admin/rapport/actions" class="no-print fr-mb-4w action-form">
            <h3 class="fr-h6">{t!(i18n, report.add_action)}</h3>
            {echo.map(|e| view! { <div class="fr-alert fr-alert--error fr-mb-2w" role="alert" id="action-problem"><p>{e.problem}</p></div> })}
            <input type="hidden" name="token" value=r.token.clone() />
            <input type="hidden" name="campagne" value=r.campaign_id.to_string() />
            <div class="fr-select-group">
                <label class="fr-label" for="action-site">{t!(i18n, dashboard.col_site)}</label>
                <select class="fr-select" id="action-site" name="site">
                    <option value="" selected=site.is_empty()>{t!(i18n, dashboard.all_sites)}</option>
                    {r.site_choices.iter().map(|c| {
                        let selected = c.value == site;
                        view! { <option value=c.value.clone() selected=selected>{c.label.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="fr-input-group">
                <label class="fr-label" for="action-said">{t!(i18n, report.col_said)}</label>
                <textarea class="fr-input" id="action-said" name="dit" rows="2" maxlength=ACTION_MAX_CHARS.to_string() required>{said}</textarea>
            </div>
            <div class="fr-input-group">
                <label class="fr-label" for="action-done">{t!(i18n, report.col_done)}</label>
                <textarea class="fr-input" id="action-done" name="fait" rows="2" maxlength=ACTION_MAX_CHARS.to_string() required>{done}</textarea>
            </div>
            <button type="submit" class="fr-btn fr-btn--sm">{t!(i18n, report.add)}</button>
        </form>
    }
}
