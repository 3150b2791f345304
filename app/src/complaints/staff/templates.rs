//! Reply templates (courriers et courriels types): the list, printable for the users' committee
//! (CLU), the edit form (quality staff and admins), and the outbox page.

use super::api::*;
use super::page::{EmailTable, StaffNav};
use crate::complaints::labels;
use crate::components::{ErrorNotice, Loading};
use crate::domain::complaint::{ComplaintKind, Procedure};
use crate::form::{ErrorSummary, Select, SummaryField, TextArea, TextInput};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The merge fields and what they become.
#[component]
fn MergeFieldsHelp(fields: Vec<(String, String)>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details class="merge-fields fr-mb-3w">
            <summary>{t!(i18n, templates.merge_fields_title)}</summary>
            <ul>
                {fields.into_iter().map(|(name, description)| view! {
                    <li><code>{format!("{{{{{name}}}}}")}</code> " : " {description}</li>
                }).collect_view()}
            </ul>
        </details>
    }
}

/// `/admin/courriers-types`: every template in full, for agents and for the CLU.
#[component]
pub fn TemplatesPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| load_templates());
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, templates.page_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => {
                        let manage = v.header.manages_templates;
                        let count = v.templates.len();
                        view! {
                            <StaffNav header=v.header.clone() />
                            <div class="list-head">
                                <h1>{t!(i18n, templates.title)}</h1>
                                {manage.then(|| view! { <a class="fr-btn fr-btn--secondary no-print" href="/admin/courriers-types/nouveau">{t!(i18n, templates.new)}</a> })}
                            </div>
                            <p>{t!(i18n, templates.intro, count = move || count)}</p>
                            <MergeFieldsHelp fields=v.merge_fields.clone() />
                            {v.templates.into_iter().map(|t| {
                                let scope = match (t.kind, t.procedure) {
                                    (None, None) => t_string!(i18n, templates.scope_all).to_string(),
                                    (k, p) => [k.map(|k| labels::kind(i18n, k)), p.map(|p| labels::procedure(i18n, p))].into_iter().flatten().collect::<Vec<_>>().join(" – "),
                                };
                                let updated = t.updated_on.clone();
                                view! {
                                    <article class="template-card fr-mb-4w" data-template=t.id.to_string()>
                                        <h2 class="fr-h5">
                                            {t.name.clone()}
                                            {(!t.active).then(|| view! { " " <span class="fr-badge fr-badge--sm">{t!(i18n, templates.inactive)}</span> })}
                                        </h2>
                                        <p class="fr-text--sm">{scope} " · " {t!(i18n, templates.updated, date = move || updated.clone())}</p>
                                        <p><strong>{t!(i18n, templates.subject)} " : "</strong> {t.subject.clone()}</p>
                                        <div class="template-body">{t.body.clone()}</div>
                                        {manage.then(|| view! { <p class="no-print"><a class="fr-link" href=format!("/admin/courriers-types/{}", t.id)>{t!(i18n, templates.edit)}</a></p> })}
                                    </article>
                                }
                            }).collect_view()}
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/admin/courriers-types/nouveau` and `/admin/courriers-types/{id}`: the edit form.
#[component]
pub fn TemplateFormPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i64>().ok()));
    let data = Resource::new(move || id.get(), load_template_form);
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, templates.edit_page_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <TemplateForm v /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TemplateForm(v: TemplateFormView) -> impl IntoView {
    let i18n = use_i18n();
    let state = v.state.clone();
    let kinds = ComplaintKind::ALL.iter().map(|k| (k.as_str().to_string(), labels::kind(i18n, *k))).collect::<Vec<_>>();
    let procedures = Procedure::ALL.iter().map(|p| (p.as_str().to_string(), labels::procedure(i18n, *p))).collect::<Vec<_>>();
    let summary = vec![
        SummaryField { name: "nom", focus_id: "nom".into(), label: t_string!(i18n, templates.name).to_string(), choice: false },
        SummaryField { name: "type", focus_id: "type".into(), label: t_string!(i18n, templates.kind).to_string(), choice: true },
        SummaryField { name: "demarche", focus_id: "demarche".into(), label: t_string!(i18n, templates.procedure).to_string(), choice: true },
        SummaryField { name: "objet", focus_id: "objet".into(), label: t_string!(i18n, templates.subject).to_string(), choice: false },
        SummaryField { name: "texte", focus_id: "texte".into(), label: t_string!(i18n, templates.body).to_string(), choice: false },
    ];
    let active = state.value("actif") == "1";
    view! {
        <StaffNav header=v.header.clone() />
        <p><a class="fr-link" href="/admin/courriers-types">{t!(i18n, templates.back)}</a></p>
        <h1>{if v.id.is_some() { t_string!(i18n, templates.edit_title) } else { t_string!(i18n, templates.new_title) }}</h1>
        <ErrorSummary state=state.clone() fields=summary />
        <p class="fr-hint-text">{t!(i18n, templates.merge_hint)}</p>
        <MergeFieldsHelp fields=v.merge_fields.clone() />
        <form method="post" action="/admin/courriers-types/enregistrer" novalidate=true>
            <input type="hidden" name="id" value=v.id.map(|i| i.to_string()).unwrap_or_default() />
            <TextInput name="nom" label=t_string!(i18n, templates.name).to_string() state=state.clone() maxlength=120 />
            <Select name="type" label=t_string!(i18n, templates.kind).to_string() options=kinds state=state.clone() required=false />
            <Select name="demarche" label=t_string!(i18n, templates.procedure).to_string() options=procedures state=state.clone() required=false />
            <TextInput name="objet" label=t_string!(i18n, templates.subject).to_string() state=state.clone() maxlength=200 />
            <TextArea name="texte" label=t_string!(i18n, templates.body).to_string() state=state.clone() maxlength=10_000 rows=16 />
            <div class="fr-checkbox-group fr-mb-3w">
                <input type="checkbox" id="actif" name="actif" value="1" checked=active />
                <label class="fr-label" for="actif">{t!(i18n, templates.active)}</label>
            </div>
            <button type="submit" class="fr-btn">{t!(i18n, templates.save)}</button>
        </form>
    }
}

/// `/admin/envois`: the outbox (quality staff and admins).
#[component]
pub fn OutboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| load_outbox());
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, staff.outbox_page_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! {
                        <StaffNav header=v.header.clone() />
                        <h1>{t!(i18n, staff.outbox_title)}</h1>
                        {(!v.smtp_configured).then(|| view! {
                            <div class="fr-alert fr-alert--warning fr-mb-3w"><p>{t!(i18n, staff.outbox_no_smtp)}</p></div>
                        })}
                        {if v.emails.is_empty() {
                            view! { <p>{t!(i18n, staff.outbox_empty)}</p> }.into_any()
                        } else {
                            view! { <EmailTable emails=v.emails.clone() /> }.into_any()
                        }}
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
