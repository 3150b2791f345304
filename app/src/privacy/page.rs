//! Pages of personal-data protection: the public privacy notice (`/donnees-personnelles`), the
//! legal notice (`/mentions-legales`), and, for quality staff and admins, the person search
//! (`/admin/donnees-personnelles`) and the erasure confirmation
//! (`/admin/donnees-personnelles/effacement`). Plain HTML forms: they work without JavaScript.

use super::api::{load_person_data, load_retention_months, PersonDataView};
use crate::complaints::labels;
use crate::complaints::staff::page::StaffNav;
use crate::components::{ErrorNotice, Loading};
use crate::domain::audit::encode;
use crate::domain::personal_data::{PersonQueryError, QUERY_MAX_CHARS};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Links to the privacy and legal notices, for the footer of every page.
#[component]
pub fn FooterLinks() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="fr-footer__bottom">
            <ul class="fr-footer__bottom-list" aria-label=move || t_string!(i18n, privacy.footer_label).to_string()>
                <li class="fr-footer__bottom-item">
                    <a class="fr-footer__bottom-link" href="/donnees-personnelles">{t!(i18n, privacy.footer_privacy)}</a>
                </li>
                <li class="fr-footer__bottom-item">
                    <a class="fr-footer__bottom-link" href="/mentions-legales">{t!(i18n, privacy.footer_legal)}</a>
                </li>
                <li class="fr-footer__bottom-item">
                    <crate::accessibility::FooterAccessibilityLink />
                </li>
            </ul>
        </div>
    }
}

/// `/donnees-personnelles`: the privacy notice (GDPR art. 13: controller, data, purposes, legal
/// basis, retention, recipients, rights, right to complain to the CNIL; cookies).
#[component]
pub fn PrivacyNoticePage() -> impl IntoView {
    let i18n = use_i18n();
    let months = Resource::new(|| (), |_| load_retention_months());
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, privacy.notice_page_title).to_string()) />
        <div class="notice-text">
            <h1>{t!(i18n, privacy.notice_title)}</h1>
            <p class="fr-text--lead">{t!(i18n, privacy.notice_intro)}</p>
            <h2>{t!(i18n, privacy.controller_title)}</h2>
            <p>{t!(i18n, privacy.controller_text)}</p>
            <h2>{t!(i18n, privacy.collected_title)}</h2>
            <ul>
                <li>{t!(i18n, privacy.collected_survey)}</li>
                <li>{t!(i18n, privacy.collected_complaint)}</li>
            </ul>
            <h2>{t!(i18n, privacy.purpose_title)}</h2>
            <p>{t!(i18n, privacy.purpose_text)}</p>
            <h2>{t!(i18n, privacy.basis_title)}</h2>
            <p>{t!(i18n, privacy.basis_text)}</p>
            <h2>{t!(i18n, privacy.retention_title)}</h2>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    // Without the configuration (a wiring bug), the default period is stated.
                    let m = months.await.unwrap_or(crate::domain::personal_data::DEFAULT_RETENTION_MONTHS);
                    view! { <p>{t!(i18n, privacy.retention_complaint, months = move || m)}</p> }
                })}
            </Suspense>
            <p>{t!(i18n, privacy.retention_kept)}</p>
            <p>{t!(i18n, privacy.retention_survey)}</p>
            <h2>{t!(i18n, privacy.recipients_title)}</h2>
            <p>{t!(i18n, privacy.recipients_text)}</p>
            <h2>{t!(i18n, privacy.rights_title)}</h2>
            <ul aria-label=move || t_string!(i18n, privacy.rights_list_label).to_string()>
                <li>{t!(i18n, privacy.right_access)}</li>
                <li>{t!(i18n, privacy.right_rectification)}</li>
                <li>{t!(i18n, privacy.right_erasure)}</li>
                <li>{t!(i18n, privacy.right_objection)}</li>
            </ul>
            <p>{t!(i18n, privacy.rights_how)}</p>
            <ul>
                <li>{t!(i18n, privacy.rights_dpo)}</li>
                <li>{t!(i18n, privacy.rights_prefecture)}</li>
            </ul>
            <p>
                {t!(i18n, privacy.rights_cnil)} " "
                <a class="fr-link" href="https://www.cnil.fr/fr/plaintes" rel="noopener">{t!(i18n, privacy.rights_cnil_link)}</a>
                "."
            </p>
            <h2>{t!(i18n, privacy.cookies_title)}</h2>
            <p>{t!(i18n, privacy.cookies_visitors)}</p>
            <p>{t!(i18n, privacy.cookies_tablet)}</p>
            <p>{t!(i18n, privacy.cookies_staff)}</p>
        </div>
    }
}

/// `/mentions-legales`: publisher, hosting, accessibility status, link to the privacy notice.
#[component]
pub fn LegalNoticePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, privacy.legal_page_title).to_string()) />
        <div class="notice-text">
            <h1>{t!(i18n, privacy.legal_title)}</h1>
            <h2>{t!(i18n, privacy.publisher_title)}</h2>
            <p>{t!(i18n, privacy.publisher_text)}</p>
            <p>{t!(i18n, privacy.director_text)}</p>
            <h2>{t!(i18n, privacy.hosting_title)}</h2>
            <p>{t!(i18n, privacy.hosting_text)}</p>
            <h2 id="accessibilite">{t!(i18n, privacy.accessibility_title)}</h2>
            <p>
                {t!(i18n, privacy.accessibility_text)} " "
                <a class="fr-link" href="/accessibilite">{t!(i18n, accessibility.title)}</a>
                "."
            </p>
            <h2>{t!(i18n, privacy.data_title)}</h2>
            <p>
                {t!(i18n, privacy.data_text)} " "
                <a class="fr-link" href="/donnees-personnelles">{t!(i18n, privacy.notice_title)}</a>
                "."
            </p>
        </div>
    }
}

/// The query parameters the person pages read.
fn person_params() -> Memo<Vec<(String, String)>> {
    let query = use_query_map();
    Memo::new(move |_| {
        let q = query.read();
        ["q", "fait", "efface"].iter().filter_map(|k| q.get(k).map(|v| (k.to_string(), v))).collect::<Vec<_>>()
    })
}

/// `/admin/donnees-personnelles`: the person search (quality staff and admins).
#[component]
pub fn PersonSearchPage() -> impl IntoView {
    view! { <PersonPage confirm=false /> }
}

/// `/admin/donnees-personnelles/effacement?q=…`: what will be erased, and the confirmation.
#[component]
pub fn ErasurePage() -> impl IntoView {
    view! { <PersonPage confirm=true /> }
}

/// The search (`confirm == false`) or the erasure confirmation of the person `?q=`.
#[component]
fn PersonPage(confirm: bool) -> impl IntoView {
    let i18n = use_i18n();
    let params = person_params();
    let data = Resource::new(move || params.get(), load_person_data);
    let title = move || if confirm { t_string!(i18n, privacy.confirm_page_title).to_string() } else { t_string!(i18n, privacy.search_page_title).to_string() };
    view! {
        <Title text=crate::components::title_text(title) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) if confirm => view! { <ErasureConfirm v /> }.into_any(),
                    Ok(v) => view! { <PersonSearch v /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn query_error_text(i18n: leptos_i18n::I18nContext<Locale>, e: PersonQueryError) -> String {
    match e {
        PersonQueryError::TooShort => t_string!(i18n, privacy.error_too_short).to_string(),
        PersonQueryError::TooLong => t_string!(i18n, privacy.error_too_long).to_string(),
    }
}

/// A titled table of text cells (`headers` as column headers, one `Vec` per row).
fn text_table(title: String, headers: Vec<String>, rows: Vec<Vec<String>>) -> impl IntoView {
    view! {
        <h2 class="fr-h5">{title.clone()}</h2>
        <div class="table-scroll">
            <table class="stats-table">
                <caption class="fr-sr-only">{title}</caption>
                <thead><tr>{headers.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! { <tr>{r.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The tables of what was found (complaints, e-mails, audit entries).
#[component]
fn Findings(v: PersonDataView) -> impl IntoView {
    let i18n = use_i18n();
    let none = t_string!(i18n, staff.not_given).to_string();
    let or_none = move |s: Option<String>| s.unwrap_or_else(|| none.clone());
    let (nc, ne, na) = (v.complaints.len(), v.emails.len(), v.audit.len());
    view! {
        <p role="status" class="result-count">{t!(i18n, privacy.found_count, complaints = move || nc, emails = move || ne, audit = move || na)}</p>
        {(!v.complaints.is_empty()).then(|| view! {
            <h2 class="fr-h5">{t!(i18n, privacy.complaints_title)}</h2>
            <div class="table-scroll">
                <table class="stats-table person-complaints">
                    <caption class="fr-sr-only">{t!(i18n, privacy.complaints_title)}</caption>
                    <thead><tr>
                        <th scope="col">{t!(i18n, privacy.col_reference)}</th>
                        <th scope="col">{t!(i18n, privacy.col_site)}</th>
                        <th scope="col">{t!(i18n, privacy.col_received)}</th>
                        <th scope="col">{t!(i18n, privacy.col_status)}</th>
                        <th scope="col">{t!(i18n, privacy.col_name)}</th>
                        <th scope="col">{t!(i18n, privacy.col_email)}</th>
                        <th scope="col">{t!(i18n, privacy.col_postal)}</th>
                    </tr></thead>
                    <tbody>
                        {v.complaints.iter().map(|c| view! {
                            <tr>
                                <td><a class="fr-link" href=format!("/admin/reclamations/{}", c.id)>{c.reference.clone()}</a></td>
                                <td>{c.site_name.clone()}</td>
                                <td>{c.received_on.clone()}</td>
                                <td>{labels::status(i18n, c.status)}</td>
                                <td>{or_none(c.name.clone())}</td>
                                <td>{or_none(c.email.clone())}</td>
                                <td>{or_none(c.postal.clone())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        {(!v.emails.is_empty()).then(|| {
            let headers = vec![t_string!(i18n, privacy.col_created).to_string(), t_string!(i18n, privacy.col_to).to_string(), t_string!(i18n, privacy.col_subject).to_string()];
            let rows = v.emails.iter().map(|e| vec![e.created_at.clone(), e.to.clone(), e.subject.clone()]).collect();
            text_table(t_string!(i18n, privacy.emails_title).to_string(), headers, rows)
        })}
        {(!v.audit.is_empty()).then(|| {
            let headers = vec![t_string!(i18n, privacy.col_at).to_string(), t_string!(i18n, privacy.col_action).to_string(), t_string!(i18n, privacy.col_email).to_string()];
            let rows = v.audit.iter().map(|a| vec![a.at.clone(), crate::audit::page::action_label(i18n, a.action), a.email.clone()]).collect();
            text_table(t_string!(i18n, privacy.audit_title).to_string(), headers, rows)
        })}
    }
}

#[component]
fn PersonSearch(v: PersonDataView) -> impl IntoView {
    let i18n = use_i18n();
    let error = v.error.map(|e| query_error_text(i18n, e));
    let q = encode(&v.query);
    let erased = v.erased.join(", ");
    view! {
        <StaffNav header=v.header.clone() />
        <h1>{t!(i18n, privacy.search_title)}</h1>
        <p>{t!(i18n, privacy.search_intro)}</p>
        {v.done.then(|| view! {
            <div class="fr-alert fr-alert--success fr-mb-3w" role="status">
                <h2 class="fr-alert__title">{t!(i18n, privacy.done_title)}</h2>
                {if erased.is_empty() {
                    view! { <p>{t!(i18n, privacy.done_none)}</p> }.into_any()
                } else {
                    let refs = erased.clone();
                    view! { <p>{t!(i18n, privacy.done_text, refs = move || refs.clone())}</p> }.into_any()
                }}
            </div>
        })}
        <form method="get" action="/admin/donnees-personnelles" class="fr-mb-3w">
            <div class=if error.is_some() { "fr-input-group fr-input-group--error" } else { "fr-input-group" }>
                <label class="fr-label" for="recherche-personne">
                    {t!(i18n, privacy.search_label)}
                    <span class="fr-hint-text">{t!(i18n, privacy.search_hint)}</span>
                </label>
                <input class="fr-input" type="search" id="recherche-personne" name="q" maxlength=QUERY_MAX_CHARS.to_string() autocomplete="off"
                    value=v.query.clone() aria-describedby=error.as_ref().map(|_| "recherche-personne-erreur") />
                {error.clone().map(|e| view! { <p id="recherche-personne-erreur" class="fr-error-text">{e}</p> })}
            </div>
            <button type="submit" class="fr-btn">{t!(i18n, privacy.search_button)}</button>
        </form>
        {v.searched.then(|| if v.found_anything() {
            let export = format!("/admin/donnees-personnelles/export?q={q}");
            let erase = format!("/admin/donnees-personnelles/effacement?q={q}");
            view! {
                <Findings v=v.clone() />
                <ul class="fr-btns-group fr-btns-group--inline fr-mt-3w">
                    <li><a class="fr-btn fr-btn--secondary" href=export download="donnees-personnelles.json">{t!(i18n, privacy.export_button)}</a></li>
                    <li><a class="fr-btn fr-btn--tertiary" href=erase>{t!(i18n, privacy.erase_link)}</a></li>
                </ul>
            }.into_any()
        } else {
            view! { <p role="status">{t!(i18n, privacy.nothing_found)}</p> }.into_any()
        })}
    }
}

#[component]
fn ErasureConfirm(v: PersonDataView) -> impl IntoView {
    let i18n = use_i18n();
    let back = format!("/admin/donnees-personnelles?q={}", encode(&v.query));
    let missing = v.missing_confirmation && v.error.is_none();
    view! {
        <StaffNav header=v.header.clone() />
        <p><a class="fr-link" href=back.clone()>{t!(i18n, privacy.back_to_search)}</a></p>
        <h1>{t!(i18n, privacy.confirm_title)}</h1>
        {missing.then(|| view! {
            <div class="fr-alert fr-alert--error fr-mb-3w" role="alert" tabindex="-1">
                <h2 class="fr-alert__title">{t!(i18n, privacy.error_summary)}</h2>
                <p><a href="#confirmation">{t!(i18n, privacy.confirm_required)}</a></p>
            </div>
        })}
        {v.error.map(|e| view! { <div class="fr-alert fr-alert--error fr-mb-3w" role="alert"><p>{query_error_text(i18n, e)}</p></div> })}
        {(v.searched && !v.found_anything()).then(|| view! { <p role="status">{t!(i18n, privacy.nothing_found)}</p> })}
        {(v.searched && v.found_anything()).then(|| view! {
            <p>{t!(i18n, privacy.confirm_intro)}</p>
            <Findings v=v.clone() />
            <form method="post" action="/admin/donnees-personnelles/effacement" class="fr-mt-3w">
                <input type="hidden" name="q" value=v.query.clone() />
                {v.complaints.iter().map(|c| view! { <input type="hidden" name="reclamation" value=c.id.to_string() /> }).collect_view()}
                <div class=if missing { "fr-checkbox-group fr-checkbox-group--error fr-mb-2w" } else { "fr-checkbox-group fr-mb-2w" }>
                    <input type="checkbox" id="confirmation" name="confirmation" value="1" aria-describedby=missing.then_some("confirmation-erreur") />
                    <label class="fr-label" for="confirmation">{t!(i18n, privacy.confirm_checkbox)}</label>
                    {missing.then(|| view! { <p id="confirmation-erreur" class="fr-error-text">{t!(i18n, privacy.confirm_required)}</p> })}
                </div>
                <button type="submit" class="fr-btn">{t!(i18n, privacy.confirm_button)}</button>
                " "
                <a class="fr-link fr-ml-2w" href=back>{t!(i18n, privacy.back_to_search)}</a>
            </form>
        })}
    }
}
