//! `/admin/remarques`: the free-text remarks of the survey, with the dashboard's filters, a
//! search and pages of [`super::filters::REMARKS_PER_PAGE`]. Remarks are shown as text, never as HTML.

use super::api::FilterForm;
use super::filters::FilterParams;
use super::page::{query_params, FilterFormView};
use crate::complaints::staff::api::StaffHeader;
use crate::complaints::staff::page::StaffNav;
use crate::components::{ErrorNotice, Loading};
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// One remark as listed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RemarkRow {
    /// Day of the response, `dd/mm/yyyy` (Europe/Paris).
    pub day: String,
    /// Site name.
    pub site: String,
    /// Channel value (`web`, `tablette`, `papier`).
    pub channel: String,
    /// Survey language.
    pub language: String,
    /// The text as typed.
    pub text: String,
}

/// A page of remarks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RemarksView {
    /// The staff menu.
    pub header: StaffHeader,
    /// Filters.
    pub form: FilterForm,
    /// "du … au …".
    pub period_label: String,
    /// Number of matching remarks.
    pub total: u64,
    /// This page (1-based).
    pub page: u64,
    /// Number of pages (at least 1).
    pub pages: u64,
    /// The remarks of the page, newest first.
    pub rows: Vec<RemarkRow>,
}

/// The remarks matching `params` (staff only; agents see their sites only).
///
/// # Errors
/// [`AppError::Unauthorized`] when not logged in; [`AppError::Unavailable`].
#[server(prefix = "/srv", endpoint = "remarks")]
pub async fn load_remarks(params: FilterParams) -> Result<RemarksView, AppError> {
    use super::api::form_of;
    use super::filters::{resolve, REMARKS_PER_PAGE};
    let staff = crate::complaints::staff::access::require_staff().await?;
    let state = crate::state::app_state()?;
    let today = crate::time::paris_day(chrono::Utc::now());
    let r = resolve(&params, &staff, &state.store, today).await?;
    let search = Some(params.q.trim()).filter(|s| !s.is_empty());
    let requested = params.page.parse::<u64>().unwrap_or(1).max(1);
    let page_of = |page: u64| state.store.remarks(&r.filter, search, (page - 1) * REMARKS_PER_PAGE, REMARKS_PER_PAGE);
    let (total, mut remarks) = page_of(requested).await?;
    let pages = total.div_ceil(REMARKS_PER_PAGE).max(1);
    let page = requested.min(pages);
    if page != requested {
        // Asked past the last page (e.g. an old link): show the last one.
        remarks = page_of(page).await?.1;
    }
    let site_name = |id: i64| r.sites.iter().find(|s| s.id == id).map(|s| s.name.clone()).unwrap_or_default();
    let rows = remarks
        .into_iter()
        .map(|m| RemarkRow { day: crate::time::french_date(m.day), site: site_name(m.site_id), channel: m.channel, language: m.language, text: m.text })
        .collect();
    Ok(RemarksView {
        header: staff.header(),
        period_label: format!("du {} au {}", crate::time::french_date(r.period.0), crate::time::french_date(r.period.1)),
        form: form_of(&r, params),
        total,
        page,
        pages,
        rows,
    })
}

/// The remark list page.
#[component]
pub fn RemarksPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = query_params();
    let data = Resource::new(move || params.get(), load_remarks);
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, remarks.page_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <RemarksList v /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RemarksList(v: RemarksView) -> impl IntoView {
    let i18n = use_i18n();
    let query = v.form.query.clone();
    let link = move |page: u64| {
        let sep = if query.is_empty() { "" } else { "&" };
        format!("/admin/remarques?{query}{sep}page={page}")
    };
    let export = {
        let query = v.form.query.clone();
        move |format: &str| {
            let sep = if query.is_empty() { "" } else { "&" };
            format!("/admin/export/remarques?{query}{sep}format={format}")
        }
    };
    let (total, page, pages) = (v.total, v.page, v.pages);
    view! {
        <StaffNav header=v.header.clone() />
        <h1>{t!(i18n, remarks.title)}</h1>
        <p class="fr-text--lead">{v.period_label.clone()}</p>
        <p><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href=format!("/admin?{}", v.form.query)>{t!(i18n, remarks.back)}</a></p>
        <FilterFormView form=v.form.clone() action="/admin/remarques" with_search=true />
        <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--sm export-links">
            <li><a class="fr-btn fr-btn--secondary" rel="external" download="" href=export("csv")>{t!(i18n, remarks.export_csv)}</a></li>
            <li><a class="fr-btn fr-btn--secondary" rel="external" download="" href=export("xlsx")>{t!(i18n, remarks.export_xlsx)}</a></li>
        </ul>
        <p role="status" class="result-count">{t!(i18n, remarks.count, total = move || total, page = move || page, pages = move || pages)}</p>
        {if v.rows.is_empty() {
            view! { <p>{t!(i18n, remarks.none)}</p> }.into_any()
        } else {
            view! {
                <ol class="remarks-list">
                    {v.rows.into_iter().map(|r| view! {
                        <li class="remark">
                            <p class="remark-meta fr-text--xs">{format!("{} · {} · {} · {}", r.day, r.site, r.channel, r.language)}</p>
                            <p class="remark-text">{r.text}</p>
                        </li>
                    }).collect_view()}
                </ol>
            }.into_any()
        }}
        {(pages > 1).then(|| view! {
            <nav class="fr-pagination" aria-label=move || t_string!(i18n, remarks.pages_label).to_string()>
                <ul class="fr-pagination__list">
                    {(page > 1).then(|| view! { <li><a class="fr-pagination__link" href=link(page - 1)>{t!(i18n, remarks.previous)}</a></li> })}
                    <li><span class="fr-pagination__link" aria-current="page">{format!("{page} / {pages}")}</span></li>
                    {(page < pages).then(|| view! { <li><a class="fr-pagination__link" href=link(page + 1)>{t!(i18n, remarks.next)}</a></li> })}
                </ul>
            </nav>
        })}
    }
}
