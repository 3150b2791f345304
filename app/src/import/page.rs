//! The import page: the form, the columns expected, the report of a refused file, the history.

use crate::complaints::staff::api::StaffHeader;
use crate::complaints::staff::page::StaffNav;
use crate::components::{ErrorNotice, Loading};
use crate::domain::paper_import::ImportReport;
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// What the import form POST hands back to the page it re-renders (server only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportEcho {
    /// Campaign chosen (kept in the form).
    pub campaign: String,
    /// The refusal report of the file (every bad row and column).
    pub report: Option<ImportReport>,
    /// Any other problem (no file, already imported, …), in plain French.
    pub problem: Option<String>,
}

/// One past import.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportRow {
    /// Date and time (Europe/Paris), `dd/mm/yyyy hh:mm`.
    pub at: String,
    /// Campaign name.
    pub campaign: String,
    /// File name.
    pub file_name: String,
    /// Responses imported.
    pub rows: u64,
    /// Who.
    pub user: String,
}

/// Everything the page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportView {
    /// The staff menu.
    pub header: StaffHeader,
    /// Campaigns: (id, "name (dates)"), most recent first.
    pub campaigns: Vec<(String, String)>,
    /// Selected campaign id.
    pub campaign: String,
    /// One-time token of the form.
    pub token: String,
    /// Columns expected: (column, accepted values).
    pub columns: Vec<(String, String)>,
    /// Set when re-rendered after a refused POST.
    pub echo: Option<ImportEcho>,
    /// Recent imports.
    pub history: Vec<ImportRow>,
}

/// The import page's data (quality staff and admins).
///
/// # Errors
/// [`AppError::Unauthorized`] when logged out; [`AppError::Forbidden`] for agents.
#[server(prefix = "/srv", endpoint = "import")]
pub async fn load_import_page(campaign: Option<String>) -> Result<ImportView, AppError> {
    use crate::domain::paper_import::column_help;
    use crate::time::french_date;
    let staff = crate::complaints::staff::access::require_staff().await?;
    staff.require_template_manager()?;
    let state = crate::state::app_state()?;
    let now = chrono::Utc::now();
    let echo = use_context::<ImportEcho>();
    let campaigns = state.store.list_campaigns().await?;
    let current = state.store.current_campaign(crate::time::paris_day(now)).await?;
    let selected = echo
        .as_ref()
        .map(|e| e.campaign.clone())
        .or(campaign)
        .and_then(|c| c.parse::<i64>().ok())
        .and_then(|id| campaigns.iter().find(|c| c.id == id).cloned())
        .or(current);
    let columns = selected.as_ref().map(|c| column_help(&c.questionnaire)).unwrap_or_default();
    let history = state
        .store
        .list_imports(20)
        .await?
        .into_iter()
        .map(|i| ImportRow {
            at: i.imported_at.with_timezone(&chrono_tz::Europe::Paris).format("%d/%m/%Y %H:%M").to_string(),
            campaign: i.campaign_name,
            file_name: i.file_name,
            rows: i.rows,
            user: i.user_name,
        })
        .collect();
    Ok(ImportView {
        header: staff.header(),
        campaigns: campaigns
            .iter()
            .map(|c| (c.id.to_string(), format!("{} ({} – {})", c.settings.name, french_date(c.settings.starts_on), french_date(c.settings.ends_on))))
            .collect(),
        campaign: selected.map(|c| c.id.to_string()).unwrap_or_default(),
        token: state.tokens.issue(super::http::TOKEN_PURPOSE, now),
        columns,
        echo,
        history,
    })
}

/// `/admin/import`.
#[component]
pub fn ImportPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let campaign = Memo::new(move |_| query.read().get("campagne"));
    let imported = Memo::new(move |_| query.read().get("importe").and_then(|n| n.parse::<u64>().ok()));
    let data = Resource::new(move || campaign.get(), load_import_page);
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, import.page_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <ImportForm v imported=imported.get_untracked() /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ImportForm(v: ImportView, imported: Option<u64>) -> impl IntoView {
    let i18n = use_i18n();
    let template_href = format!("/admin/import/modele.csv?campagne={}", v.campaign);
    let report = v.echo.as_ref().and_then(|e| e.report.clone());
    let problem = v.echo.as_ref().and_then(|e| e.problem.clone());
    view! {
        <StaffNav header=v.header.clone() />
        <h1>{t!(i18n, import.title)}</h1>
        <p>{t!(i18n, import.intro)}</p>
        {imported.map(|n| view! {
            <div class="fr-alert fr-alert--success fr-mb-3w" role="status">
                <p>{t!(i18n, import.done, count = move || n)}</p>
            </div>
        })}
        {problem.map(|p| view! {
            <div class="fr-alert fr-alert--error fr-mb-3w" role="alert" id="import-problem" tabindex="-1">
                <p>{p}</p>
            </div>
        })}
        {report.map(|r| view! { <ReportView report=r /> })}
        <form method="post" action="/admin/import" enctype="multipart/form-data" class="fr-mb-4w">
            <input type="hidden" name="token" value=v.token.clone() />
            <div class="fr-select-group">
                <label class="fr-label" for="campagne">{t!(i18n, import.campaign)}</label>
                <select class="fr-select" id="campagne" name="campagne" required>
                    {v.campaigns.iter().map(|(id, label)| {
                        let selected = *id == v.campaign;
                        view! { <option value=id.clone() selected=selected>{label.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="fr-upload-group fr-mb-2w">
                <label class="fr-label" for="fichier">{t!(i18n, import.file)}<span class="fr-hint-text">{t!(i18n, import.file_hint)}</span></label>
                <input class="fr-upload" type="file" id="fichier" name="fichier" accept=".csv,text/csv" required />
            </div>
            <button type="submit" class="fr-btn">{t!(i18n, import.submit)}</button>
        </form>
        <h2>{t!(i18n, import.columns_title)}</h2>
        <p><a class="fr-link fr-icon-download-line fr-link--icon-left" rel="external" download="" href=template_href>{t!(i18n, import.template)}</a></p>
        <div class="table-scroll">
            <table class="stats-table import-columns">
                <thead><tr><th scope="col">{t!(i18n, import.col_column)}</th><th scope="col">{t!(i18n, import.col_values)}</th></tr></thead>
                <tbody>
                    {v.columns.into_iter().map(|(c, help)| view! { <tr><th scope="row"><code>{c}</code></th><td>{help}</td></tr> }).collect_view()}
                </tbody>
            </table>
        </div>
        <h2>{t!(i18n, import.history_title)}</h2>
        {if v.history.is_empty() {
            view! { <p>{t!(i18n, import.history_none)}</p> }.into_any()
        } else {
            view! {
                <table class="stats-table import-history">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, import.col_when)}</th>
                            <th scope="col">{t!(i18n, import.campaign)}</th>
                            <th scope="col">{t!(i18n, import.col_file)}</th>
                            <th scope="col" class="num">{t!(i18n, import.col_rows)}</th>
                            <th scope="col">{t!(i18n, import.col_who)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {v.history.into_iter().map(|h| view! {
                            <tr><td>{h.at}</td><td>{h.campaign}</td><td>{h.file_name}</td><td class="num">{h.rows}</td><td>{h.user}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

/// The report of a refused file: the summary, then every problem with its line and column.
#[component]
fn ReportView(report: ImportReport) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="fr-alert fr-alert--error fr-mb-3w import-report" role="alert">
            <h2 class="fr-alert__title">{report.summary()}</h2>
            {(!report.file_errors.is_empty()).then(|| view! {
                <ul class="file-errors">{report.file_errors.iter().map(|e| view! { <li>{e.clone()}</li> }).collect_view()}</ul>
            })}
        </div>
        {(!report.row_errors.is_empty()).then(|| view! {
            <div class="table-scroll fr-mb-4w">
                <table class="stats-table row-errors">
                    <caption>{t!(i18n, import.errors_caption)}</caption>
                    <thead>
                        <tr>
                            <th scope="col" class="num">{t!(i18n, import.col_line)}</th>
                            <th scope="col">{t!(i18n, import.col_column)}</th>
                            <th scope="col">{t!(i18n, import.col_value)}</th>
                            <th scope="col">{t!(i18n, import.col_problem)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {report.row_errors.iter().map(|e| view! {
                            <tr><td class="num">{e.line}</td><td>{e.column.clone()}</td><td>{e.value.clone()}</td><td>{e.message.clone()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                {report.omitted_note().map(|n| view! { <p>{n}</p> })}
            </div>
        })}
    }
}
