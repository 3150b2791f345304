//! Public survey pages: home (site choice), the survey form, the thank-you page.

use super::api::{list_sites, load_site, load_survey_form, option_id, QuestionView, ShownError, SubmitOutcome, SubmitSurvey, SurveyForm, SurveyFormState, VisitCodeView};
use crate::domain::visit_code::CodeState;
use crate::components::{ErrorNotice, Loading};
use crate::domain::survey_form::{FieldError, FieldErrorKind};
use crate::form::{FormNotice, HoneypotField};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/`: what the survey is, and one button per site.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let sites = Resource::new(|| (), |_| list_sites());
    view! {
        <Title text="" />
        <h1>{t!(i18n, home.title)}</h1>
        <p class="fr-text--lead">{t!(i18n, home.intro)}</p>
        <h2>{t!(i18n, home.choose_site)}</h2>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match sites.await {
                    Ok(sites) => view! {
                        <ul class="site-list">
                            {sites.into_iter().map(|s| {
                                let href = format!("/enquete/{}", s.slug);
                                view! {
                                    <li>
                                        <a class="fr-btn fr-btn--lg" href=href>{s.name}</a>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
        <h2 class="fr-mt-6w">{t!(i18n, home.complaint_title)}</h2>
        <p>{t!(i18n, home.complaint_text)}</p>
        <ul class="site-list">
            <li><a class="fr-btn fr-btn--secondary fr-btn--lg" href="/reclamation">{t!(i18n, common.nav_complaint)}</a></li>
            <li><a class="fr-btn fr-btn--tertiary fr-btn--lg" href="/suivi">{t!(i18n, common.nav_tracking)}</a></li>
        </ul>
    }
}

fn site_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("site").unwrap_or_default())
}

/// `/enquete/{site}`: the survey of the current campaign for that site; `?code=ABCD-EFGH` (the QR
/// code of a slip) opens it with a visit code.
#[component]
pub fn SurveyPage() -> impl IntoView {
    let i18n = use_i18n();
    let site = site_param();
    let query = use_query_map();
    let code = Memo::new(move |_| query.read().get(crate::domain::visit_code::CODE_PARAM));
    let lang = move || i18n.get_locale().as_str().to_string();
    let form = Resource::new(move || (site.get(), lang(), code.get()), |(site, lang, code)| load_survey_form(site, lang, code));
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match form.await {
                    Ok(form) => view! { <SurveyFormView form /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The message for one field error, in the visitor's language.
fn error_message(i18n: leptos_i18n::I18nContext<Locale>, question: &QuestionView, kind: &FieldErrorKind) -> String {
    match kind {
        FieldErrorKind::Required if question.options.is_empty() => t_string!(i18n, survey.error_required_text).to_string(),
        FieldErrorKind::Required => t_string!(i18n, survey.error_required).to_string(),
        other => crate::form::error_text(i18n, other, !question.options.is_empty()),
    }
}

/// `errors` worded in the language of `i18n` for the questions `questions`, in the order of the
/// questions (errors about a key no question has are dropped). Done on the server (the page, and
/// the hydrated form's [`super::api::submit_survey`]): the browser has no questionnaire data.
pub(crate) fn shown_errors(i18n: leptos_i18n::I18nContext<Locale>, questions: &[QuestionView], errors: &[FieldError]) -> Vec<ShownError> {
    questions
        .iter()
        .filter_map(|q| {
            let e = errors.iter().find(|e| e.question_key == q.key)?;
            let message = error_message(i18n, q, &e.kind);
            let summary = t_string!(i18n, survey.error_link, question = q.label.clone(), message = message.clone()).to_string();
            Some(ShownError { field: q.field.clone(), focus_id: q.focus_id(), summary, message })
        })
        .collect()
}

/// The survey's page title: "Enquête de satisfaction – <site>", prefixed "Erreur – " when the form came
/// back with a problem (RGAA 8.6: the title says the page shows errors).
fn survey_title(i18n: leptos_i18n::I18nContext<Locale>, site: &str, problem: bool) -> String {
    let base = t_string!(i18n, survey.page_title, site = site.to_string()).to_string();
    if problem { t_string!(i18n, common.error_title_prefix, title = base).to_string() } else { base }
}

/// The survey of one site (server side): the page title, then [`SurveyFormIsland`] with the
/// questions ([`QuestionField`]) rendered here as its children, so that they are not repeated in
/// the island's props.
#[component]
fn SurveyFormView(form: SurveyForm) -> impl IntoView {
    let i18n = use_i18n();
    let errors = shown_errors(i18n, &form.questions, &form.errors);
    let title = survey_title(i18n, &form.site.name, !errors.is_empty() || form.notice.is_some());
    let fields: Vec<_> = form.questions.iter().map(|q| (q.clone(), form.prefilled(&q.field).map(str::to_string))).collect();
    let state = SurveyFormState {
        site: form.site,
        lang: form.lang,
        token: form.token,
        errors,
        notice: form.notice,
        kiosk: form.kiosk,
        visit_code: form.visit_code,
    };
    view! {
        <Title text=title />
        <SurveyFormIsland state>
            {fields.into_iter().map(|(question, prefilled)| view! { <QuestionField question prefilled /> }).collect_view()}
        </SurveyFormIsland>
    }
}

/// The survey form's errors, shared by [`SurveyFormIsland`] with its questions (context): the
/// [`QuestionField`]s rendered on the server and their [`FieldMessages`] islands.
#[derive(Clone, Copy)]
struct FieldErrors(RwSignal<Vec<ShownError>>);

/// The survey form, an island (hydrated in the browser). Its props are `state` (site, language,
/// token, worded errors, notice, tablet, visit code); the questions are `children`, rendered on the
/// server, each with a small [`FieldMessages`] island that shows its error. It is a real
/// `<form method="post">` that works without JavaScript (and on a tablet, where it always posts
/// plainly, so that the thank-you page returns to the start screen). Hydrated, it submits through
/// [`SubmitSurvey`] without leaving the page: errors show in place with the focus on the summary;
/// once recorded, the thank-you message replaces the form, the address becomes
/// `/enquete/{site}/merci` (replacing the form in the history, so "back" leads before the survey)
/// and the focus goes to the message.
#[island]
pub fn SurveyFormIsland(state: SurveyFormState, children: Children) -> impl IntoView {
    let i18n = crate::language::provide_i18n(&state.lang);
    let errors = RwSignal::new(state.errors);
    provide_context(FieldErrors(errors));
    let notice = RwSignal::new(state.notice);
    let token = RwSignal::new(state.token.clone());
    let failed = RwSignal::new(false);
    let recorded = RwSignal::new(false);
    // The visit code was already used (when the page was loaded, or found on sending): the
    // questions stay readable, the submit button goes.
    let code_used = RwSignal::new(state.visit_code.as_ref().is_some_and(|c| c.state == CodeState::Used));
    let code_notice_ref = NodeRef::<leptos::html::Div>::new();
    let submit = ServerAction::<SubmitSurvey>::new();
    let summary_ref = NodeRef::<leptos::html::Div>::new();
    let thanks_ref = NodeRef::<leptos::html::Div>::new();
    let slug = state.site.slug;
    // Posting to another URL than the page keeps the page in the browser cache, so the back
    // button shows the same form (same one-time token) instead of a fresh one.
    let action_url = format!("/enquete/{slug}/reponses");
    let site_name = state.site.name;
    let has_problem = move || !errors.read().is_empty() || notice.get().is_some() || failed.get();

    Effect::new({
        let site_name = site_name.clone();
        let thanks_url = format!("/enquete/{slug}/merci");
        move |_| {
            let Some(result) = submit.value().get() else { return };
            let error_title = || Some(survey_title(i18n, &site_name, true));
            // What to do, then where the focus goes and what the tab's title becomes.
            let (focus, title) = match result {
                Ok(SubmitOutcome::Recorded { .. }) => {
                    recorded.set(true);
                    replace_address(&thanks_url);
                    (thanks_ref, Some(t_string!(i18n, thanks.page_title).to_string()))
                }
                Ok(SubmitOutcome::Rejected { errors: e, notice: n, token: t }) => {
                    failed.set(false);
                    errors.set(e);
                    notice.set(n);
                    token.set(t);
                    (summary_ref, error_title())
                }
                Ok(SubmitOutcome::CodeAlreadyUsed) => {
                    failed.set(false);
                    code_used.set(true);
                    (code_notice_ref, None)
                }
                Err(_) => {
                    failed.set(true);
                    (summary_ref, error_title())
                }
            };
            if let Some(title) = title {
                set_document_title(i18n, &title);
            }
            request_animation_frame(move || {
                if let Some(el) = focus.get_untracked() {
                    let _ = el.focus();
                }
            });
        }
    });

    let submit_slug = slug.clone();
    let kiosk = state.kiosk;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            // On a tablet the form posts as without JavaScript: the thank-you page then loads
            // whole, with its timed return to the start screen.
            if kiosk {
                return;
            }
            ev.prevent_default();
            if submit.pending().get_untracked() {
                return;
            }
            let Some(form_el) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) else { return };
            let Ok(data) = web_sys::FormData::new_with_form(&form_el) else { return };
            let mut fields = Vec::new();
            if let Ok(Some(entries)) = js_sys::try_iter(&data) {
                for entry in entries.flatten() {
                    let pair = js_sys::Array::from(&entry);
                    if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                        fields.push((name, value));
                    }
                }
            }
            submit.dispatch(SubmitSurvey { site: submit_slug.clone(), fields });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&ev, &submit_slug, kiosk);
    };

    let thanks_site = site_name.clone();
    let form_part = view! {
        <h1>{t!(i18n, survey.title)}</h1>
        <p class="fr-text--lead">{t!(i18n, survey.site_line, site = { let s = site_name.clone(); move || s.clone() })}</p>
        <p>{t!(i18n, survey.intro)}</p>
        <VisitCodeNotice code=state.visit_code.clone() code_used focus_ref=code_notice_ref />
        <div
            node_ref=summary_ref
            id="resume-erreurs"
            tabindex="-1"
            role="alert"
            aria-labelledby="resume-erreurs-titre"
            class="fr-alert fr-alert--error fr-mb-4w"
            hidden=move || !has_problem()
        >
            <h2 id="resume-erreurs-titre" class="fr-alert__title">{t!(i18n, survey.error_summary_title)}</h2>
            {move || {
                notice.get().map(|n| {
                    let text = match n {
                        FormNotice::Expired => t_string!(i18n, survey.error_expired).to_string(),
                        FormNotice::Refused(r) => crate::form::refusal_text(i18n, r),
                        FormNotice::Unavailable => t_string!(i18n, form.unavailable_kept).to_string(),
                    };
                    view! { <p>{text}</p> }
                })
            }}
            <Show when=move || failed.get()>
                <p>{t!(i18n, form.unavailable_kept)}</p>
            </Show>
            <Show when=move || !errors.read().is_empty()>
                <p>{t!(i18n, survey.error_summary_intro)}</p>
            </Show>
            <ul>
                {move || {
                    errors
                        .get()
                        .into_iter()
                        .map(|e| {
                            let href = format!("#{}", e.focus_id);
                            let focus_id = e.focus_id;
                            let on_click = move |ev: leptos::ev::MouseEvent| crate::form::focus_field(ev, &focus_id);
                            view! { <li><a href=href on:click=on_click>{e.summary}</a></li> }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
        <p class="fr-hint-text">{t!(i18n, survey.required_legend)}</p>
        <form method="post" action=action_url novalidate=true autocomplete=kiosk.then_some("off") on:submit=on_submit>
            <input type="hidden" name="token" prop:value=move || token.get() value=state.token />
            <input type="hidden" name="lang" value=state.lang />
            {state.visit_code.as_ref().map(|c| view! { <input type="hidden" name=crate::domain::visit_code::CODE_PARAM value=c.code.clone() /> })}
            <HoneypotField />
            {children()}
            <Show when=move || !code_used.get()>
                <button type="submit" class="fr-btn fr-btn--lg" aria-disabled=move || submit.pending().get().to_string()>
                    {move || if submit.pending().get() { t_string!(i18n, survey.sending) } else { t_string!(i18n, survey.submit) }}
                </button>
            </Show>
        </form>
    };
    view! {
        <Show when=move || recorded.get()>
            <div id="envoi-enregistre" node_ref=thanks_ref tabindex="-1">
                <ThanksMessage site_name=thanks_site.clone() kiosk=false />
            </div>
        </Show>
        <div hidden=move || recorded.get()>{form_part}</div>
    }
}

/// Sets the browser tab's title to `text` with the service name, as the page frame writes it
/// on the server ([`crate::components::full_title`]). Nothing on the server.
fn set_document_title(i18n: leptos_i18n::I18nContext<Locale>, text: &str) {
    #[cfg(feature = "hydrate")]
    {
        let service = t_string!(i18n, common.service_name).to_string();
        document().set_title(&crate::components::full_title(text, &service));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (i18n, text);
}

/// Replaces the address in the browser's history with `url` (same document, no request): the
/// sent form's entry becomes the thank-you page's. Nothing on the server.
fn replace_address(url: &str) {
    #[cfg(feature = "hydrate")]
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}

/// What the survey says about the visit code it was opened with: a discreet line for a valid
/// code; a polite notice for a used one (`code_used`, also set when sending finds it used); a
/// notice that an unknown code changes nothing for answering.
#[component]
fn VisitCodeNotice(code: Option<VisitCodeView>, code_used: RwSignal<bool>, focus_ref: NodeRef<leptos::html::Div>) -> impl IntoView {
    let i18n = use_i18n();
    let Some(code) = code else { return ().into_any() };
    let unknown = code.state == CodeState::Unknown;
    let unchecked = code.state == CodeState::Unchecked;
    let shown = code.code.clone();
    view! {
        <div node_ref=focus_ref tabindex="-1" class="visit-code-notice">
            <Show when=move || code_used.get()>
                <div class="fr-alert fr-alert--info fr-mb-3w" role="status">
                    <p>{t!(i18n, survey.code_used)}</p>
                </div>
            </Show>
            {unknown.then(|| view! {
                <div class="fr-alert fr-alert--warning fr-mb-3w">
                    <p>{t!(i18n, survey.code_unknown)}</p>
                </div>
            })}
            <Show when=move || !unknown && !unchecked && !code_used.get()>
                <p class="fr-text--sm visit-code-line">{t!(i18n, survey.code_line, code = { let c = shown.clone(); move || c.clone() })}</p>
            </Show>
        </div>
    }
    .into_any()
}

/// One question (server side, as a child of [`SurveyFormIsland`]): a radio group in a `fieldset`
/// with the question as its first child, the `legend`, or a labelled textarea in an
/// `fr-input-group`; its error message ([`FieldMessages`], a small island) sits at the end and is
/// linked with `aria-describedby`. The error style is written here for the page as rendered;
/// after a hydrated submission the island keeps it up to date.
#[component]
fn QuestionField(question: QuestionView, prefilled: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let field = question.field.clone();
    let hint_id = format!("{field}-hint");
    let messages_id = format!("{field}-messages");
    let has_error = use_context::<FieldErrors>().is_some_and(|e| e.0.read_untracked().iter().any(|e| e.field == field));
    let required_mark = question.required.then(|| view! { " " <span class="required-mark">"(" {t!(i18n, common.required_mark)} ")"</span> });

    if let Some(max) = question.max_chars {
        view! {
            <div class=frame_class(false, has_error) id=format!("{field}-group")>
                <label class="fr-label" for=field.clone()>
                    {question.label}
                    {required_mark}
                    <span class="fr-hint-text" id=hint_id.clone()>
                        {question.hint.unwrap_or_default()} " " {t!(i18n, survey.chars_max, max = move || max)}
                    </span>
                </label>
                <textarea
                    class="fr-input"
                    id=field.clone()
                    name=field.clone()
                    rows="5"
                    maxlength=max.to_string()
                    aria-describedby=format!("{hint_id} {messages_id}")
                    aria-invalid=has_error.then_some("true")
                >
                    {prefilled.unwrap_or_default()}
                </textarea>
                <FieldMessages field=field.clone() text=true />
            </div>
        }
        .into_any()
    } else {
        let described_by = if question.hint.is_some() { format!("{hint_id} {messages_id}") } else { messages_id };
        view! {
            <fieldset class=frame_class(true, has_error) id=format!("{field}-fieldset") aria-describedby=described_by>
                <legend class="fr-fieldset__legend" id=format!("{field}-legend")>
                    {question.label}
                    {required_mark}
                    {question.hint.map(|h| view! { <span class="fr-hint-text" id=hint_id>{h}</span> })}
                </legend>
                {question
                    .options
                    .into_iter()
                    .map(|(key, label)| {
                        let id = option_id(&field, &key);
                        let checked = prefilled.as_deref() == Some(key.as_str());
                        view! {
                            <div class="fr-fieldset__element">
                                <div class="fr-radio-group">
                                    <input type="radio" id=id.clone() name=field.clone() value=key checked=checked />
                                    <label class="fr-label" for=id>{label}</label>
                                </div>
                            </div>
                        }
                    })
                    .collect_view()}
                <FieldMessages field=field.clone() text=false />
            </fieldset>
        }
        .into_any()
    }
}

/// The DSFR class of a question's frame: `fr-fieldset` (a closed question, `fieldset`) or
/// `fr-input-group` (free text), with its `--error` variant when the question has an error.
fn frame_class(fieldset: bool, error: bool) -> &'static str {
    match (fieldset, error) {
        (true, false) => "fr-fieldset",
        (true, true) => "fr-fieldset fr-fieldset--error",
        (false, false) => "fr-input-group",
        (false, true) => "fr-input-group fr-input-group--error",
    }
}

/// The error message of one question (`<field>-messages`, read out politely when it changes), an
/// island nested in [`SurveyFormIsland`]'s children: its error comes from the form's
/// [`FieldErrors`] (context), so it appears and goes with a hydrated submission. Hydrated, it
/// also keeps the error style of the frame that [`QuestionField`] rendered around it
/// (`<field>-fieldset`, or `<field>-group` for free text, `text`) and the textarea's
/// `aria-invalid` in step. Its props are only the field name and `text`.
#[island]
fn FieldMessages(field: String, text: bool) -> impl IntoView {
    let errors = use_context::<FieldErrors>().map(|e| e.0);
    let message = {
        let field = field.clone();
        Memo::new(move |_| errors.and_then(|e| e.read().iter().find(|e| e.field == field).map(|e| e.message.clone())))
    };
    #[cfg(not(feature = "hydrate"))]
    let _ = text;
    #[cfg(feature = "hydrate")]
    {
        let field = field.clone();
        Effect::new(move |_| {
            let error = message.get().is_some();
            let frame_id = if text { format!("{field}-group") } else { format!("{field}-fieldset") };
            if let Some(frame) = document().get_element_by_id(&frame_id) {
                let _ = frame.set_attribute("class", frame_class(!text, error));
            }
            if let Some(textarea) = text.then(|| document().get_element_by_id(&field)).flatten() {
                let _ = if error { textarea.set_attribute("aria-invalid", "true") } else { textarea.remove_attribute("aria-invalid") };
            }
        });
    }
    view! {
        <div class="fr-messages-group" id=format!("{field}-messages") aria-live="polite">
            {move || message.get().map(|m| view! { <p class="fr-message fr-message--error">{m}</p> })}
        </div>
    }
}

/// `/enquete/{site}/merci`: says the answers were recorded.
#[component]
pub fn ThanksPage() -> impl IntoView {
    let i18n = use_i18n();
    let site = site_param();
    let link = Resource::new(move || site.get(), load_site);
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, thanks.page_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let kiosk = crate::kiosk::kiosk().await.is_some();
                match link.await {
                    Ok(site) => view! { <ThanksMessage site_name=site.name kiosk /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The thank-you message, on the thank-you page and in place of the form once a hydrated form
/// is recorded ([`SurveyFormIsland`]). On a tablet (`kiosk`), the "Terminer" block with its timed
/// return to the start screen instead of the link to answer again.
#[component]
fn ThanksMessage(site_name: String, kiosk: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="fr-alert fr-alert--success fr-mb-4w" role="status">
            <h1 class="fr-alert__title">{t!(i18n, thanks.title)}</h1>
            <p>{t!(i18n, thanks.recorded)}</p>
        </div>
        <p>{t!(i18n, thanks.usage)}</p>
        <p class="fr-text--sm">{site_name}</p>
        {if kiosk {
            // A tablet: back to the start screen after 10 s, or at once.
            view! { <crate::kiosk::page::KioskDone refresh=true /> }.into_any()
        } else {
            view! { <p><a class="fr-btn fr-btn--secondary" href="/">{t!(i18n, thanks.again)}</a></p> }.into_any()
        }}
    }
}
