//! `/admin/campagnes`: the campaigns, and the form that creates or changes one.

use crate::complaints::staff::api::StaffHeader;
use crate::complaints::staff::page::StaffNav;
use crate::components::{ErrorNotice, Loading};
use crate::error::AppError;
use crate::form::{ErrorSummary, FormState, Select, SummaryField, TextInput};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// Longest campaign name, in characters.
pub const NAME_MAX_CHARS: usize = 120;
/// Largest respondent target per site.
pub const TARGET_MAX: i64 = 100_000;
/// Purpose of the campaign form's one-time token.
pub const TOKEN_PURPOSE: &str = "admin:campaign";

/// One campaign in the list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CampaignRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// "du … au …".
    pub period: String,
    /// "en cours", "terminée", "à venir".
    pub state: String,
    /// Questionnaire and version.
    pub questionnaire: String,
    /// Target per site.
    pub target: i64,
    /// Responses.
    pub respondents: u64,
    /// Demonstration data.
    pub is_demo: bool,
}

/// The page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CampaignsView {
    /// Staff menu.
    pub header: StaffHeader,
    /// Campaigns, most recent first.
    pub rows: Vec<CampaignRow>,
    /// Questionnaire versions: (id, label).
    pub versions: Vec<(String, String)>,
    /// Campaign being changed (`None`: a new one).
    pub editing: Option<i64>,
    /// Form values and errors.
    pub form: FormState,
    /// One-time token.
    pub token: String,
}

/// What the POST hands back when it refuses the input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CampaignEcho {
    /// Campaign being changed.
    pub editing: Option<i64>,
    /// Values and errors.
    pub form: FormState,
}

/// The campaigns page (admins), with campaign `modifier` in the form if given.
///
/// # Errors
/// [`AppError::Unauthorized`], [`AppError::Forbidden`], [`AppError::Unavailable`].
#[server(prefix = "/srv", endpoint = "admin/campaigns")]
pub async fn load_campaigns(modifier: Option<i64>) -> Result<CampaignsView, AppError> {
    use crate::time::{french_date, paris_day};
    let staff = super::require_admin().await?;
    let state = crate::state::app_state()?;
    let now = chrono::Utc::now();
    let today = paris_day(now);
    let campaigns = state.store.list_campaigns().await?;
    let counts = state.store.responses_per_campaign().await?;
    let versions = state.store.list_questionnaire_versions().await?;
    let version_label = |id: i64| versions.iter().find(|v| v.id == id).map(|v| format!("{} – version {}", v.name, v.version)).unwrap_or_default();
    let rows = campaigns
        .iter()
        .map(|c| CampaignRow {
            id: c.id,
            name: c.settings.name.clone(),
            period: format!("du {} au {}", french_date(c.settings.starts_on), french_date(c.settings.ends_on)),
            state: if today < c.settings.starts_on {
                "à venir"
            } else if today > c.settings.ends_on {
                "terminée"
            } else {
                "en cours"
            }
            .to_string(),
            questionnaire: version_label(c.settings.questionnaire_version_id),
            target: c.settings.target_per_site,
            respondents: counts.iter().find(|(id, _)| *id == c.id).map(|(_, n)| *n).unwrap_or(0),
            is_demo: c.settings.is_demo,
        })
        .collect();
    let echo = use_context::<CampaignEcho>();
    let (editing, form) = match echo {
        Some(e) => (e.editing, e.form),
        None => {
            let editing = modifier.and_then(|id| campaigns.iter().find(|c| c.id == id));
            let values = match editing {
                Some(c) => vec![
                    ("nom".to_string(), c.settings.name.clone()),
                    ("debut".to_string(), c.settings.starts_on.to_string()),
                    ("fin".to_string(), c.settings.ends_on.to_string()),
                    ("objectif".to_string(), c.settings.target_per_site.to_string()),
                    ("version".to_string(), c.settings.questionnaire_version_id.to_string()),
                ],
                None => vec![
                    ("objectif".to_string(), "150".to_string()),
                    ("version".to_string(), versions.iter().find(|v| !v.superseded).map(|v| v.id.to_string()).unwrap_or_default()),
                ],
            };
            (editing.map(|c| c.id), FormState { values, errors: Vec::new(), notice: None })
        }
    };
    Ok(CampaignsView {
        header: staff.header(),
        rows,
        versions: versions
            .iter()
            .map(|v| (v.id.to_string(), format!("{} – version {}{}", v.name, v.version, if v.superseded { " (ancienne)" } else { "" })))
            .collect(),
        editing,
        form,
        token: state.tokens.issue(TOKEN_PURPOSE, now),
    })
}

/// `/admin/campagnes`.
#[component]
pub fn CampaignsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let editing = Memo::new(move |_| query.read().get("modifier").and_then(|v| v.parse::<i64>().ok()));
    let data = Resource::new(move || editing.get(), load_campaigns);
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, admin.campaigns_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <CampaignsList v /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CampaignsList(v: CampaignsView) -> impl IntoView {
    let i18n = use_i18n();
    let fields = vec![
        SummaryField { name: "nom", focus_id: "nom".into(), label: t_string!(i18n, admin.campaign_name).to_string(), choice: false },
        SummaryField { name: "debut", focus_id: "debut".into(), label: t_string!(i18n, admin.campaign_start).to_string(), choice: false },
        SummaryField { name: "fin", focus_id: "fin".into(), label: t_string!(i18n, admin.campaign_end).to_string(), choice: false },
        SummaryField { name: "objectif", focus_id: "objectif".into(), label: t_string!(i18n, admin.campaign_target).to_string(), choice: false },
        SummaryField { name: "version", focus_id: "version".into(), label: t_string!(i18n, admin.campaign_questionnaire).to_string(), choice: true },
    ];
    let form_title = if v.editing.is_some() { t_string!(i18n, admin.campaign_edit).to_string() } else { t_string!(i18n, admin.campaign_new).to_string() };
    view! {
        <StaffNav header=v.header.clone() />
        <h1>{t!(i18n, admin.campaigns_title)}</h1>
        <p><a class="fr-link" href="/admin/questionnaires">{t!(i18n, admin.questionnaires_link)}</a></p>
        <div class="table-scroll">
            <table class="stats-table campaigns-table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, admin.campaign_name)}</th>
                        <th scope="col">{t!(i18n, admin.col_period)}</th>
                        <th scope="col">{t!(i18n, admin.campaign_questionnaire)}</th>
                        <th scope="col" class="num">{t!(i18n, admin.campaign_target)}</th>
                        <th scope="col" class="num">{t!(i18n, dashboard.col_respondents)}</th>
                        <th scope="col">{t!(i18n, admin.col_action)}</th>
                    </tr>
                </thead>
                <tbody>
                    {v.rows.into_iter().map(|r| view! {
                        <tr data-campaign=r.id.to_string()>
                            <th scope="row">{r.name.clone()} {r.is_demo.then(|| view! { " " <span class="demo-badge">{t!(i18n, dashboard.demo)}</span> })}</th>
                            <td>{r.period} " (" {r.state} ")"</td>
                            <td>{r.questionnaire}</td>
                            <td class="num">{r.target}</td>
                            <td class="num">{r.respondents}</td>
                            <td><a class="fr-link" href=format!("/admin/campagnes?modifier={}#formulaire", r.id)>{t!(i18n, admin.edit)} <span class="fr-sr-only">{format!(" {}", r.name)}</span></a></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <h2 id="formulaire">{form_title}</h2>
        <ErrorSummary state=v.form.clone() fields />
        <form method="post" action="/admin/campagnes/enregistrer" class="fr-mb-6w campaign-form">
            <input type="hidden" name="token" value=v.token.clone() />
            {v.editing.map(|id| view! { <input type="hidden" name="id" value=id.to_string() /> })}
            <TextInput name="nom" label=t_string!(i18n, admin.campaign_name).to_string() state=v.form.clone() maxlength=NAME_MAX_CHARS />
            <TextInput name="debut" label=t_string!(i18n, admin.campaign_start).to_string() state=v.form.clone() input_type="date" />
            <TextInput name="fin" label=t_string!(i18n, admin.campaign_end).to_string() state=v.form.clone() input_type="date" />
            <TextInput name="objectif" label=t_string!(i18n, admin.campaign_target).to_string() hint=t_string!(i18n, admin.campaign_target_hint).to_string() state=v.form.clone() input_type="number" />
            <Select name="version" label=t_string!(i18n, admin.campaign_questionnaire).to_string() options=v.versions.clone() state=v.form.clone() />
            <button type="submit" class="fr-btn">{t!(i18n, admin.save)}</button>
            {v.editing.map(|_| view! { " " <a class="fr-link fr-ml-2w" href="/admin/campagnes">{t!(i18n, admin.cancel)}</a> })}
        </form>
    }
}
