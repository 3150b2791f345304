//! Public pages of the complaint box: the form, the confirmation, the follow-up.

use super::api::{load_complaint_form, load_filed, load_tracking, ComplaintFormView, TrackingOutcome};
use super::labels;
use crate::components::{ErrorNotice, Loading};
use crate::domain::complaint::{fields, ComplaintKind, Procedure, ReplyMode, ADDRESS_MAX_CHARS, EMAIL_MAX_CHARS, MESSAGE_MAX_CHARS, NAME_MAX_CHARS};
use crate::form::{radio_id, refusal_text, ErrorSummary, HoneypotField, RadioGroup, Select, SummaryField, TextArea, TextInput};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/reclamation` and `/reclamation/{site}`: the complaint or suggestion form.
#[component]
pub fn ComplaintPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let site = Memo::new(move |_| params.read().get("site"));
    let lang = move || i18n.get_locale().as_str().to_string();
    let form = Resource::new(move || (site.get(), lang()), |(site, lang)| load_complaint_form(site, lang));
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match form.await {
                    Ok(form) => view! { <ComplaintFormBody form /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The fields of the complaint form in page order, for the error summary.
fn summary_fields(i18n: leptos_i18n::I18nContext<Locale>, form: &ComplaintFormView) -> Vec<SummaryField> {
    let field = |name: &'static str, focus_id: String, label: String, choice: bool| SummaryField { name, focus_id, label, choice };
    let first_site = form.sites.first().map(|s| s.slug.clone()).unwrap_or_default();
    vec![
        field(fields::KIND, radio_id(fields::KIND, ComplaintKind::Reclamation.as_str()), t_string!(i18n, complaint.kind_legend).to_string(), true),
        field(fields::SITE, radio_id(fields::SITE, &first_site), t_string!(i18n, complaint.site_legend).to_string(), true),
        field(fields::PROCEDURE, fields::PROCEDURE.into(), t_string!(i18n, complaint.procedure_label).to_string(), true),
        field(fields::MESSAGE, fields::MESSAGE.into(), t_string!(i18n, complaint.message_label).to_string(), false),
        field(fields::NAME, fields::NAME.into(), t_string!(i18n, complaint.name_label).to_string(), false),
        field(fields::REPLY_MODE, radio_id(fields::REPLY_MODE, ReplyMode::Email.as_str()), t_string!(i18n, complaint.reply_legend).to_string(), true),
        field(fields::EMAIL, fields::EMAIL.into(), t_string!(i18n, complaint.email_label).to_string(), false),
        field(fields::ADDRESS, fields::ADDRESS.into(), t_string!(i18n, complaint.address_label).to_string(), false),
        field(fields::POSTAL_CODE, fields::POSTAL_CODE.into(), t_string!(i18n, complaint.postal_code_label).to_string(), false),
    ]
}

/// The form's fields shared by the public form and the agents' entry form (type, site,
/// procedure, message, name, reply mode and contact details).
#[component]
pub fn ComplaintFields(form: ComplaintFormView) -> impl IntoView {
    let i18n = use_i18n();
    let st = form.state.clone();
    let kinds = vec![
        (ComplaintKind::Reclamation.as_str().to_string(), t_string!(i18n, complaint.kind_reclamation).to_string(), Some(t_string!(i18n, complaint.kind_reclamation_hint).to_string())),
        (ComplaintKind::Suggestion.as_str().to_string(), t_string!(i18n, complaint.kind_suggestion).to_string(), Some(t_string!(i18n, complaint.kind_suggestion_hint).to_string())),
    ];
    let sites = form.sites.iter().map(|s| (s.slug.clone(), s.name.clone(), None)).collect();
    let procedures = Procedure::ALL.iter().map(|p| (p.as_str().to_string(), labels::procedure(i18n, *p))).collect();
    let replies = ReplyMode::ALL.iter().map(|m| (m.as_str().to_string(), labels::reply_mode(i18n, *m), None)).collect();
    // On a tablet the browser must not offer (nor remember) a visitor's name or address.
    let kiosk = form.kiosk;
    let autofill = move |token: &'static str| if kiosk { "off" } else { token };
    view! {
        <RadioGroup name=fields::KIND legend=t_string!(i18n, complaint.kind_legend).to_string() options=kinds state=st.clone() />
        <RadioGroup name=fields::SITE legend=t_string!(i18n, complaint.site_legend).to_string() options=sites state=st.clone() />
        <Select name=fields::PROCEDURE label=t_string!(i18n, complaint.procedure_label).to_string() options=procedures state=st.clone() />
        <TextArea name=fields::MESSAGE label=t_string!(i18n, complaint.message_label).to_string() hint=t_string!(i18n, complaint.message_hint).to_string() state=st.clone() maxlength=MESSAGE_MAX_CHARS rows=8 />
        <TextInput name=fields::NAME label=t_string!(i18n, complaint.name_label).to_string() state=st.clone() required=false autocomplete=autofill("name") maxlength=NAME_MAX_CHARS />
        <RadioGroup name=fields::REPLY_MODE legend=t_string!(i18n, complaint.reply_legend).to_string() options=replies state=st.clone() />
        <TextInput name=fields::EMAIL label=t_string!(i18n, complaint.email_label).to_string() hint=t_string!(i18n, complaint.email_hint).to_string() state=st.clone() required=false conditional=true input_type="email" autocomplete=autofill("email") maxlength=EMAIL_MAX_CHARS />
        <TextArea name=fields::ADDRESS label=t_string!(i18n, complaint.address_label).to_string() hint=t_string!(i18n, complaint.address_hint).to_string() state=st.clone() required=false conditional=true maxlength=ADDRESS_MAX_CHARS rows=3 />
        <TextInput name=fields::POSTAL_CODE label=t_string!(i18n, complaint.postal_code_label).to_string() hint=t_string!(i18n, complaint.postal_code_hint).to_string() state=st required=false conditional=true autocomplete=autofill("postal-code") maxlength=10 />
    }
}

/// The public form: the error summary, the fields, the privacy note, the submit button. Posts
/// to `/reclamation/envoi` (a plain POST, with or without JavaScript).
#[component]
fn ComplaintFormBody(form: ComplaintFormView) -> impl IntoView {
    let i18n = use_i18n();
    let has_problem = form.state.has_problem();
    let title = move || {
        let base = t_string!(i18n, complaint.page_title).to_string();
        if has_problem { t_string!(i18n, common.error_title_prefix, title = base).to_string() } else { base }
    };
    let summary = summary_fields(i18n, &form);
    let days = form.reply_days;
    view! {
        <Title text=crate::components::title_text(title) />
        <h1>{t!(i18n, complaint.title)}</h1>
        <p class="fr-text--lead">{t!(i18n, complaint.intro)}</p>
        <p>{t!(i18n, complaint.engagement, days = move || days)}</p>
        <ErrorSummary state=form.state.clone() fields=summary />
        <p class="fr-hint-text">{t!(i18n, complaint.required_legend)}</p>
        <form method="post" action="/reclamation/envoi" novalidate=true class="complaint-form" autocomplete=form.kiosk.then_some("off")>
            <input type="hidden" name=fields::TOKEN value=form.token.clone() />
            <input type="hidden" name=fields::LANG value=form.lang.clone() />
            <HoneypotField />
            <ComplaintFields form=form.clone() />
            <p class="fr-text--sm">{t!(i18n, complaint.privacy)}</p>
            <button type="submit" class="fr-btn fr-btn--lg">{t!(i18n, complaint.submit)}</button>
        </form>
    }
}

/// `/reclamation/enregistree/{reference}`: the reference to keep.
#[component]
pub fn FiledPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let args = Memo::new(move |_| {
        let reference = params.read().get("reference").unwrap_or_default();
        let q = query.read();
        (reference, q.get("cle").unwrap_or_default(), q.get("courriel").as_deref() == Some("1"))
    });
    let filed = Resource::new(move || args.get(), |(reference, key, email)| load_filed(reference, key, email));
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, complaint.filed_page_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let kiosk = crate::kiosk::kiosk().await.is_some();
                match filed.await {
                    Ok(f) => view! {
                        <div class="fr-alert fr-alert--success fr-mb-4w" role="status">
                            <h1 class="fr-alert__title">{t!(i18n, complaint.filed_title)}</h1>
                            <p>{t!(i18n, complaint.filed_reference)} " " <strong class="reference" id="reference">{f.reference.clone()}</strong></p>
                        </div>
                        <p>{t!(i18n, complaint.filed_keep)}</p>
                        {f.email_sent.then(|| view! { <p>{t!(i18n, complaint.filed_email)}</p> })}
                        {if kiosk {
                            // A tablet: the reference stays until "Terminer" or the inactivity
                            // reset (a visitor needs time to note it), no 10-second return.
                            view! { <crate::kiosk::page::KioskDone refresh=false /> }.into_any()
                        } else {
                            view! {
                                <ul class="fr-btns-group fr-btns-group--inline-md">
                                    <li><a class="fr-btn" href="/suivi">{t!(i18n, complaint.filed_track)}</a></li>
                                    <li><a class="fr-btn fr-btn--secondary" href="/">{t!(i18n, complaint.filed_again)}</a></li>
                                </ul>
                            }.into_any()
                        }}
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/suivi`: look a complaint up with its reference and the e-mail or postal code given.
#[component]
pub fn TrackingPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| load_tracking());
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, complaint.tracking_page_title).to_string()) />
        <h1>{t!(i18n, complaint.tracking_title)}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => {
                        let outcome = v.outcome.clone();
                        view! {
                            {match outcome {
                                Some(TrackingOutcome::Missing) => view! {
                                    <div class="fr-alert fr-alert--error fr-mb-3w" role="alert"><p>{t!(i18n, complaint.tracking_missing)}</p></div>
                                }.into_any(),
                                Some(TrackingOutcome::NotFound) => view! {
                                    <div class="fr-alert fr-alert--error fr-mb-3w" role="alert"><p>{t!(i18n, complaint.tracking_not_found)}</p></div>
                                }.into_any(),
                                Some(TrackingOutcome::Refused(r)) => view! {
                                    <div class="fr-alert fr-alert--error fr-mb-3w" role="alert"><p>{refusal_text(i18n, r)}</p></div>
                                }.into_any(),
                                Some(TrackingOutcome::Found(c)) => view! { <TrackedView c /> }.into_any(),
                                None => ().into_any(),
                            }}
                            <p>{t!(i18n, complaint.tracking_intro)}</p>
                            <form method="post" action="/suivi" class="tracking-form">
                                <HoneypotField />
                                <div class="fr-input-group">
                                    <label class="fr-label" for="reference">{t!(i18n, complaint.tracking_reference)}</label>
                                    <input class="fr-input" id="reference" name="reference" autocomplete="off" spellcheck="false" value=v.reference.clone() />
                                </div>
                                <div class="fr-input-group">
                                    <label class="fr-label" for="contact">{t!(i18n, complaint.tracking_contact)}</label>
                                    <input class="fr-input" id="contact" name="contact" autocomplete="email" value=v.contact.clone() />
                                </div>
                                <button type="submit" class="fr-btn">{t!(i18n, complaint.tracking_submit)}</button>
                            </form>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A found complaint: status and, once answered, the reply.
#[component]
fn TrackedView(c: super::api::TrackedComplaint) -> impl IntoView {
    let i18n = use_i18n();
    let reference = c.reference.clone();
    let (date, site) = (c.received_on.clone(), c.site_name.clone());
    view! {
        <section class="fr-callout fr-mb-4w tracked" aria-labelledby="suivi-resultat">
            <h2 class="fr-callout__title" id="suivi-resultat">{t!(i18n, complaint.tracking_result_title, reference = move || reference.clone())}</h2>
            <p>{labels::kind(i18n, c.kind)} " – " {t!(i18n, complaint.tracking_received, date = move || date.clone(), site = move || site.clone())}</p>
            <p>{t!(i18n, complaint.tracking_status)} " " <strong class="status">{labels::status(i18n, c.status)}</strong></p>
            {c.no_reply_wanted.then(|| view! { <p>{t!(i18n, complaint.tracking_no_reply_wanted)}</p> })}
            {c.reply_text.clone().map(|text| {
                let day = c.replied_on.clone().unwrap_or_default();
                view! {
                    <h3 class="fr-h6">{t!(i18n, complaint.tracking_reply_title, date = move || day.clone())}</h3>
                    <div class="reply-text">{text}</div>
                }
            })}
        </section>
    }
}
