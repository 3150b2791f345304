//! `/admin/tablettes` (admins only): the list of tablets with their state and a "Révoquer"
//! button each, and the form that enrols **this** browser as a tablet. Plain forms posting to
//! [`super::http`].

use crate::complaints::staff::api::StaffHeader;
use crate::complaints::staff::page::StaffNav;
use crate::components::{ErrorNotice, Loading};
use crate::domain::kiosk::LABEL_MAX_CHARS;
use crate::error::AppError;
use crate::form::{ErrorSummary, FormState, Select, SummaryField, TextInput};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// One tablet in the list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TabletRow {
    /// Tablet id.
    pub id: i64,
    /// Site name.
    pub site: String,
    /// Label.
    pub label: String,
    /// Enrolment, `dd/mm/yyyy HH:MM` (Europe/Paris).
    pub enrolled_on: String,
    /// Who enrolled it (empty if unknown).
    pub enrolled_by: String,
    /// Last request, `dd/mm/yyyy HH:MM` (Europe/Paris); `None` before any.
    pub last_seen: Option<String>,
    /// Revocation, `dd/mm/yyyy HH:MM` (Europe/Paris); `None` while it works.
    pub revoked_on: Option<String>,
}

/// The page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TabletsView {
    /// Staff menu.
    pub header: StaffHeader,
    /// Every tablet, working ones first.
    pub rows: Vec<TabletRow>,
    /// Sites: (slug, name).
    pub sites: Vec<(String, String)>,
    /// The enrolment form (values and errors).
    pub form: FormState,
    /// One-time token of the enrolment form.
    pub token: String,
}

/// What the enrolment POST hands back when it refuses the input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TabletsEcho(pub FormState);

/// The tablets page (admins).
///
/// # Errors
/// [`AppError::Unauthorized`], [`AppError::Forbidden`] (not an admin), [`AppError::Unavailable`].
#[server(prefix = "/srv", endpoint = "admin/tablets")]
pub async fn load_tablets() -> Result<TabletsView, AppError> {
    use crate::complaints::staff::load::paris_time;
    let staff = crate::admin::require_admin().await?;
    let state = crate::state::app_state()?;
    let sites = state.store.list_sites().await?;
    let rows = state
        .store
        .list_tablets()
        .await?
        .into_iter()
        .map(|t| TabletRow {
            id: t.id,
            site: t.site.name,
            label: t.label,
            enrolled_on: paris_time(t.created_at),
            enrolled_by: t.created_by.unwrap_or_default(),
            last_seen: t.last_seen_at.map(paris_time),
            revoked_on: t.revoked_at.map(paris_time),
        })
        .collect();
    let form = use_context::<TabletsEcho>().map(|e| e.0).unwrap_or_default();
    Ok(TabletsView {
        header: staff.header(),
        rows,
        sites: sites.iter().map(|s| (s.slug.clone(), s.name.clone())).collect(),
        form,
        token: state.tokens.issue(super::TOKEN_PURPOSE, chrono::Utc::now()),
    })
}

/// `/admin/tablettes`.
#[component]
pub fn TabletsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let revoked = Memo::new(move |_| query.read().get("revoquee").is_some());
    let data = Resource::new(|| (), |_| load_tablets());
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, kiosk.admin_page_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <TabletList v revoked=revoked.get_untracked() /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TabletList(v: TabletsView, revoked: bool) -> impl IntoView {
    let i18n = use_i18n();
    let fields = vec![
        SummaryField { name: "site", focus_id: "site".into(), label: t_string!(i18n, kiosk.field_site).to_string(), choice: true },
        SummaryField { name: "libelle", focus_id: "libelle".into(), label: t_string!(i18n, kiosk.field_label).to_string(), choice: false },
    ];
    let empty = v.rows.is_empty();
    view! {
        <StaffNav header=v.header.clone() />
        <h1>{t!(i18n, kiosk.admin_title)}</h1>
        <p>{t!(i18n, kiosk.admin_intro)}</p>
        {revoked.then(|| view! { <div class="fr-alert fr-alert--success fr-alert--sm fr-mb-3w" role="status"><p>{t!(i18n, kiosk.revoked_done)}</p></div> })}
        {if empty {
            view! { <p>{t!(i18n, kiosk.no_tablet)}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="stats-table tablets-table">
                        <caption class="fr-sr-only">{t!(i18n, kiosk.admin_title)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, kiosk.col_label)}</th>
                                <th scope="col">{t!(i18n, kiosk.col_site)}</th>
                                <th scope="col">{t!(i18n, kiosk.col_enrolled)}</th>
                                <th scope="col">{t!(i18n, kiosk.col_last_seen)}</th>
                                <th scope="col">{t!(i18n, kiosk.col_state)}</th>
                                <th scope="col">{t!(i18n, kiosk.col_action)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {v.rows.into_iter().map(|r| {
                                let enrolled = if r.enrolled_by.is_empty() { r.enrolled_on.clone() } else { t_string!(i18n, kiosk.enrolled_by, date = r.enrolled_on.clone(), name = r.enrolled_by.clone()).to_string() };
                                let last_seen = r.last_seen.clone().unwrap_or_else(|| t_string!(i18n, kiosk.never_seen).to_string());
                                let state = match &r.revoked_on {
                                    Some(d) => t_string!(i18n, kiosk.state_revoked, date = d.clone()).to_string(),
                                    None => t_string!(i18n, kiosk.state_active).to_string(),
                                };
                                let action = match r.revoked_on {
                                    Some(_) => ().into_any(),
                                    None => view! {
                                        <form method="post" action=format!("/admin/tablettes/{}/revocation", r.id) class="revoke-form">
                                            <button type="submit" class="fr-btn fr-btn--secondary fr-btn--sm">
                                                {t!(i18n, kiosk.revoke)} <span class="fr-sr-only">{format!(" {} – {}", r.label, r.site)}</span>
                                            </button>
                                        </form>
                                    }.into_any(),
                                };
                                view! {
                                    <tr data-tablet=r.id.to_string()>
                                        <th scope="row">{r.label.clone()}</th>
                                        <td>{r.site.clone()}</td>
                                        <td>{enrolled}</td>
                                        <td>{last_seen}</td>
                                        <td class="state">{state}</td>
                                        <td>{action}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <h2 id="enrolement">{t!(i18n, kiosk.enrol_title)}</h2>
        <p>{t!(i18n, kiosk.enrol_intro)}</p>
        <ErrorSummary state=v.form.clone() fields />
        <form method="post" action="/admin/tablettes/enroler" class="fr-mb-6w enrol-form">
            <input type="hidden" name="token" value=v.token.clone() />
            <Select name="site" label=t_string!(i18n, kiosk.field_site).to_string() options=v.sites.clone() state=v.form.clone() />
            <TextInput name="libelle" label=t_string!(i18n, kiosk.field_label).to_string() hint=t_string!(i18n, kiosk.field_label_hint).to_string() state=v.form.clone() autocomplete="off" maxlength=LABEL_MAX_CHARS />
            <button type="submit" class="fr-btn">{t!(i18n, kiosk.enrol)}</button>
        </form>
    }
}
