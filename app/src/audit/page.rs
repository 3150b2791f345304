//! `/admin/journal` (admins only): the audit log, newest first, 50 entries a page, filtered by
//! action, e-mail and Europe/Paris days through GET parameters (`action`, `courriel`, `du`, `au`,
//! `page`; see [`JournalQuery`]). Every value is shown as text.

use crate::complaints::staff::api::StaffHeader;
use crate::complaints::staff::page::{filter_select, StaffNav};
use crate::components::{ErrorNotice, Loading};
use crate::domain::audit::{AuditAction, JournalQuery};
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// One entry as shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JournalRow {
    /// Entry id.
    pub id: i64,
    /// `dd/mm/yyyy HH:MM:SS`, Europe/Paris.
    pub at: String,
    /// E-mail of the person (or typed at a failed login); empty when none.
    pub who: String,
    /// Action.
    pub action: AuditAction,
    /// What it was done to (e.g. a complaint reference); may be empty.
    pub target: String,
    /// Short description; may be empty.
    pub details: String,
    /// First 12 hex characters of the client-address hash (enough to tell clients apart).
    pub client: String,
}

/// The page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JournalView {
    /// Staff menu.
    pub header: StaffHeader,
    /// The filters understood.
    pub query: JournalQuery,
    /// This page's entries, newest first.
    pub rows: Vec<JournalRow>,
    /// Entries matching the filters.
    pub total: u64,
    /// Number of pages (at least 1).
    pub pages: u32,
}

/// The journal page for the query parameters `params` (admins only).
///
/// # Errors
/// [`AppError::Unauthorized`], [`AppError::Forbidden`] (not an admin), [`AppError::Unavailable`].
#[server(prefix = "/srv", endpoint = "admin/journal")]
pub async fn load_journal(#[server(default)] params: Vec<(String, String)>) -> Result<JournalView, AppError> {
    use crate::domain::audit::PAGE_SIZE;
    use crate::store::AuditFilter;
    use crate::time::paris_day_start;
    let staff = crate::admin::require_admin().await?;
    let state = crate::state::app_state()?;
    let query = JournalQuery::parse(&params);
    let filter = AuditFilter {
        action: query.action,
        email_contains: query.email.clone(),
        from: query.from.and_then(paris_day_start),
        before: query.to.and_then(|d| d.succ_opt()).and_then(paris_day_start),
    };
    let (records, total) = state.store.audit_entries(&filter, PAGE_SIZE, query.offset()).await?;
    let rows = records
        .into_iter()
        .map(|r| JournalRow {
            id: r.id,
            at: r.entry.at.with_timezone(&chrono_tz::Europe::Paris).format("%d/%m/%Y %H:%M:%S").to_string(),
            who: r.entry.user_email.unwrap_or_default(),
            action: r.entry.action,
            target: r.entry.target.unwrap_or_default(),
            details: r.entry.details.unwrap_or_default(),
            client: r.entry.client_hash.map(|h| h.chars().take(12).collect()).unwrap_or_default(),
        })
        .collect();
    let pages = u32::try_from(total.div_ceil(u64::from(PAGE_SIZE))).unwrap_or(u32::MAX).max(1);
    Ok(JournalView { header: staff.header(), query, rows, total, pages })
}

/// The French label of an action.
pub fn action_label(i18n: I18nContext<Locale>, a: AuditAction) -> String {
    match a {
        AuditAction::Login => t_string!(i18n, journal.action_login),
        AuditAction::LoginFailed => t_string!(i18n, journal.action_login_failed),
        AuditAction::LoginThrottled => t_string!(i18n, journal.action_login_throttled),
        AuditAction::Logout => t_string!(i18n, journal.action_logout),
        AuditAction::ComplaintViewed => t_string!(i18n, journal.action_complaint_viewed),
        AuditAction::ComplaintStatusChanged => t_string!(i18n, journal.action_complaint_status_changed),
        AuditAction::ComplaintReplied => t_string!(i18n, journal.action_complaint_replied),
        AuditAction::Export => t_string!(i18n, journal.action_export),
        AuditAction::AccountChanged => t_string!(i18n, journal.action_account_changed),
        AuditAction::Erasure => t_string!(i18n, journal.action_erasure),
        AuditAction::TabletEnrolled => t_string!(i18n, journal.action_tablet_enrolled),
        AuditAction::TabletRevoked => t_string!(i18n, journal.action_tablet_revoked),
    }
    .to_string()
}

/// `/admin/journal`.
#[component]
pub fn JournalPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let params = Memo::new(move |_| {
        let q = query.read();
        ["action", "courriel", "du", "au", "page"].iter().filter_map(|k| q.get(k).map(|v| (k.to_string(), v))).collect::<Vec<_>>()
    });
    let data = Resource::new(move || params.get(), load_journal);
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, journal.page_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <Journal v /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Journal(v: JournalView) -> impl IntoView {
    let i18n = use_i18n();
    let q = v.query.clone();
    let actions = AuditAction::ALL.iter().map(|a| (a.as_str().to_string(), action_label(i18n, *a))).collect();
    let all = t_string!(i18n, staff.filter_all).to_string();
    let (total, page, pages) = (v.total, q.page, v.pages);
    let previous = (page > 1).then(|| format!("/admin/journal?{}", q.to_query(page.min(pages + 1) - 1)));
    let next = (page < pages).then(|| format!("/admin/journal?{}", q.to_query(page + 1)));
    view! {
        <StaffNav header=v.header.clone() />
        <h1>{t!(i18n, journal.title)}</h1>
        <p>{t!(i18n, journal.intro)}</p>
        {(!q.ignored.is_empty()).then(|| {
            let names = q.ignored.join(", ");
            view! {
                <div class="fr-alert fr-alert--warning fr-alert--sm fr-mb-3w" role="alert">
                    <p>{t!(i18n, journal.ignored, names = move || names.clone())}</p>
                </div>
            }
        })}
        <form method="get" action="/admin/journal" class="filters fr-mb-3w" aria-label=move || t_string!(i18n, journal.filters_label).to_string()>
            <div class="filters-grid">
                {filter_select("action", t_string!(i18n, journal.col_action).to_string(), actions, q.action.map(|a| a.as_str().to_string()).unwrap_or_default(), all)}
                <div class="fr-input-group">
                    <label class="fr-label" for="filtre-courriel">{t!(i18n, journal.filter_email)}</label>
                    <input class="fr-input" type="text" id="filtre-courriel" name="courriel" maxlength="254" autocomplete="off" value=q.email.clone().unwrap_or_default() />
                </div>
                <div class="fr-input-group">
                    <label class="fr-label" for="filtre-du">{t!(i18n, journal.filter_from)}</label>
                    <input class="fr-input" type="date" id="filtre-du" name="du" value=q.from.map(|d| d.to_string()).unwrap_or_default() />
                </div>
                <div class="fr-input-group">
                    <label class="fr-label" for="filtre-au">{t!(i18n, journal.filter_to)}</label>
                    <input class="fr-input" type="date" id="filtre-au" name="au" value=q.to.map(|d| d.to_string()).unwrap_or_default() />
                </div>
            </div>
            <button type="submit" class="fr-btn fr-btn--sm">{t!(i18n, staff.filter_apply)}</button>
            " "
            <a class="fr-link fr-ml-2w" href="/admin/journal">{t!(i18n, staff.filter_reset)}</a>
        </form>
        <p role="status" class="result-count">{t!(i18n, journal.count, count = move || total, page = move || page, pages = move || pages)}</p>
        {if v.rows.is_empty() {
            view! { <p>{t!(i18n, journal.empty)}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="stats-table journal-table">
                        <caption class="fr-sr-only">{t!(i18n, journal.title)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, journal.col_at)}</th>
                                <th scope="col">{t!(i18n, journal.col_who)}</th>
                                <th scope="col">{t!(i18n, journal.col_action)}</th>
                                <th scope="col">{t!(i18n, journal.col_target)}</th>
                                <th scope="col">{t!(i18n, journal.col_details)}</th>
                                <th scope="col">{t!(i18n, journal.col_client)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {v.rows.into_iter().map(|r| view! {
                                <tr data-entry=r.id.to_string() data-action=r.action.as_str()>
                                    <td>{r.at}</td>
                                    <td class="who">{r.who}</td>
                                    <td>{action_label(i18n, r.action)}</td>
                                    <td class="target">{r.target}</td>
                                    <td class="details">{r.details}</td>
                                    <td><code>{r.client}</code></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        {(previous.is_some() || next.is_some()).then(|| view! {
            <nav class="fr-mt-3w" aria-label=move || t_string!(i18n, journal.pages_label).to_string()>
                <ul class="fr-links-group">
                    {previous.map(|href| view! { <li><a class="fr-link" rel="prev" href=href>{t!(i18n, journal.previous)}</a></li> })}
                    {next.map(|href| view! { <li><a class="fr-link" rel="next" href=href>{t!(i18n, journal.next)}</a></li> })}
                </ul>
            </nav>
        })}
    }
}
