//! Form building blocks in DSFR markup, shared by the complaint forms and the staff forms: an
//! error summary linking to each faulty field, and labelled fields whose error message sits next
//! to them (`aria-describedby`, `aria-invalid`). They render plain HTML that works without
//! JavaScript and keep what the user typed (`value` / `selected`).

use crate::domain::survey_form::{FieldError, FieldErrorKind};
use crate::form_guard::{Refusal, HONEYPOT_FIELD};
use crate::i18n::*;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What a re-displayed form needs: the values posted before and the errors found.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FormState {
    /// Posted `name=value` pairs (kept on error).
    pub values: Vec<(String, String)>,
    /// Errors by field name (`question_key`).
    pub errors: Vec<FieldError>,
    /// A problem with the form as a whole (expired token, anti-stuffing refusal).
    pub notice: Option<FormNotice>,
}

/// A problem with a submitted form as a whole, shown above the field errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FormNotice {
    /// The one-time token had expired or was invalid: check and send again.
    Expired,
    /// Refused by the protection of the public forms ([`crate::form_guard`]): nothing stored,
    /// everything kept.
    Refused(Refusal),
    /// The database could not be reached: nothing stored, everything kept (the token still
    /// unused), send again in a few moments (HTTP 503 with `Retry-After`).
    Unavailable,
}

/// The message of a refused public form submission.
pub fn refusal_text(i18n: leptos_i18n::I18nContext<Locale>, refusal: Refusal) -> String {
    match refusal {
        Refusal::TooMany { minutes } => t_string!(i18n, form.refused_too_many, minutes).to_string(),
        Refusal::Honeypot => t_string!(i18n, form.refused_honeypot).to_string(),
    }
}

/// The message of a form-level problem.
pub fn notice_text(i18n: leptos_i18n::I18nContext<Locale>, notice: FormNotice) -> String {
    match notice {
        FormNotice::Expired => t_string!(i18n, form.error_expired).to_string(),
        FormNotice::Refused(r) => refusal_text(i18n, r),
        FormNotice::Unavailable => t_string!(i18n, form.unavailable_kept).to_string(),
    }
}

/// The honeypot field of the public forms ([`crate::form_guard::HONEYPOT_FIELD`]): moved off
/// screen by CSS, hidden from assistive technologies and out of the tab order, so that only
/// robots fill it.
#[component]
pub fn HoneypotField() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="hp-field" aria-hidden="true">
            <label for=HONEYPOT_FIELD>{t!(i18n, form.honeypot_label)}</label>
            <input type="text" id=HONEYPOT_FIELD name=HONEYPOT_FIELD tabindex="-1" autocomplete="off" value="" />
        </div>
    }
}

impl FormState {
    /// The posted value of `name`, or "".
    pub fn value(&self, name: &str) -> String {
        crate::domain::survey_form::form_value(&self.values, name).unwrap_or_default().to_string()
    }

    /// The error of `name`, if any.
    pub fn error(&self, name: &str) -> Option<&FieldErrorKind> {
        self.errors.iter().find(|e| e.question_key == name).map(|e| &e.kind)
    }

    /// Whether there is anything to report.
    pub fn has_problem(&self) -> bool {
        !self.errors.is_empty() || self.notice.is_some()
    }
}

/// The message for one field error. `choice`: the field is a list or radio group.
pub fn error_text(i18n: leptos_i18n::I18nContext<Locale>, kind: &FieldErrorKind, choice: bool) -> String {
    match kind {
        FieldErrorKind::Required if choice => t_string!(i18n, form.error_required_choice).to_string(),
        FieldErrorKind::Required => t_string!(i18n, form.error_required_text).to_string(),
        FieldErrorKind::UnknownOption => t_string!(i18n, form.error_unknown_option).to_string(),
        FieldErrorKind::TooLong { max, actual } => {
            let (max, actual) = (*max, *actual);
            t_string!(i18n, form.error_too_long, max, actual).to_string()
        }
        FieldErrorKind::InvalidEmail => t_string!(i18n, form.error_invalid_email).to_string(),
        FieldErrorKind::InvalidPostalCode => t_string!(i18n, form.error_invalid_postal_code).to_string(),
        FieldErrorKind::InvalidDate => t_string!(i18n, form.error_invalid_date).to_string(),
        FieldErrorKind::DateInFuture => t_string!(i18n, form.error_date_in_future).to_string(),
        FieldErrorKind::EndBeforeStart => t_string!(i18n, form.error_end_before_start).to_string(),
        FieldErrorKind::OutOfRange { min, max } => {
            let (min, max) = (*min, *max);
            t_string!(i18n, form.error_out_of_range, min, max).to_string()
        }
        FieldErrorKind::Invalid { message } => message.clone(),
        FieldErrorKind::DateTooOld { max_days } => {
            let days = *max_days;
            t_string!(i18n, form.error_date_too_old, days).to_string()
        }
    }
}

/// A field as the error summary lists it: its name, the id to focus, its label.
#[derive(Clone, Debug)]
pub struct SummaryField {
    /// Form field name.
    pub name: &'static str,
    /// Id of the element the link points to.
    pub focus_id: String,
    /// Label shown in the summary.
    pub label: String,
    /// A list or radio group (changes the "required" message).
    pub choice: bool,
}

/// Moves the focus to the field an error link points to (the browser alone only scrolls there),
/// keeping its question (fieldset) or field group in view. Used by the error summaries of the
/// survey and of every form ([`ErrorSummary`]); without JavaScript the link still scrolls there.
pub fn focus_field(ev: leptos::ev::MouseEvent, id: &str) {
    #[cfg(feature = "hydrate")]
    {
        let Some(el) = document().get_element_by_id(id) else { return };
        ev.prevent_default();
        if let Some(fieldset) = el.closest("fieldset, .fr-input-group").ok().flatten() {
            fieldset.scroll_into_view();
        }
        if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
            let _ = el.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, id);
}

/// One link of an error summary, to the field `focus_id` (an element id), reading `text`. An
/// island: hydrated, a click moves the focus to the field ([`focus_field`]); before that, or
/// without JavaScript, the link goes to the field as any in-page link.
#[island]
pub fn ErrorLink(focus_id: String, text: String) -> impl IntoView {
    let href = format!("#{focus_id}");
    let on_click = move |ev: leptos::ev::MouseEvent| focus_field(ev, &focus_id);
    view! { <a href=href on:click=on_click>{text}</a> }
}

/// The error summary at the top of a form (`role="alert"`, focusable, each error a link to its
/// field). Renders nothing when the state has no problem.
#[component]
pub fn ErrorSummary(state: FormState, fields: Vec<SummaryField>) -> impl IntoView {
    let i18n = use_i18n();
    if !state.has_problem() {
        return ().into_any();
    }
    let items = fields
        .into_iter()
        .filter_map(|f| {
            let kind = state.error(f.name)?;
            let message = error_text(i18n, kind, f.choice);
            let text = t_string!(i18n, form.error_link, field = f.label.clone(), message).to_string();
            Some(view! { <li><ErrorLink focus_id=f.focus_id text /></li> })
        })
        .collect_view();
    view! {
        <div id="resume-erreurs" tabindex="-1" role="alert" aria-labelledby="resume-erreurs-titre" class="fr-alert fr-alert--error fr-mb-4w">
            <h2 id="resume-erreurs-titre" class="fr-alert__title">{t!(i18n, form.error_summary_title)}</h2>
            {state.notice.map(|n| view! { <p>{notice_text(i18n, n)}</p> })}
            {(!state.errors.is_empty()).then(|| view! { <p>{t!(i18n, form.error_summary_intro)}</p> })}
            <ul>{items}</ul>
        </div>
    }
    .into_any()
}

/// The label's mark: "(facultatif)" for optional fields, "(selon la réponse choisie)" for
/// fields required only by another answer (their hint says when).
fn optional_mark(required: bool, conditional: bool) -> impl IntoView {
    let i18n = use_i18n();
    let text = if conditional { t_string!(i18n, form.conditional) } else { t_string!(i18n, form.optional) };
    (!required || conditional).then(|| view! { " " <span class="optional-mark">"(" {text} ")"</span> })
}

/// The message area of a field (always present, so screen readers announce changes).
fn messages(id: String, message: Option<String>) -> impl IntoView {
    view! {
        <div class="fr-messages-group" id=id aria-live="polite">
            {message.map(|m| view! { <p class="fr-message fr-message--error">{m}</p> })}
        </div>
    }
}

/// A one-line text input (`type` text, email, date…).
#[component]
pub fn TextInput(
    /// Field name (also the id).
    name: &'static str,
    /// Label.
    label: String,
    /// Help under the label.
    #[prop(optional)]
    hint: Option<String>,
    /// The form state (value and error).
    state: FormState,
    /// Required (otherwise marked "facultatif").
    #[prop(default = true)]
    required: bool,
    /// Required only with some other answer (marked so; the hint says when).
    #[prop(optional)]
    conditional: bool,
    /// `type` attribute.
    #[prop(default = "text")]
    input_type: &'static str,
    /// `autocomplete` attribute.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// Largest length, in characters.
    #[prop(optional)]
    maxlength: Option<usize>,
) -> impl IntoView {
    let i18n = use_i18n();
    let message = state.error(name).map(|k| error_text(i18n, k, false));
    let invalid = message.is_some();
    let (hint_id, messages_id) = (format!("{name}-hint"), format!("{name}-messages"));
    view! {
        <div class=if invalid { "fr-input-group fr-input-group--error" } else { "fr-input-group" }>
            <label class="fr-label" for=name>
                {label}
                {optional_mark(required, conditional)}
                {hint.map(|h| view! { <span class="fr-hint-text" id=hint_id.clone()>{h}</span> })}
            </label>
            <input
                class="fr-input"
                type=input_type
                id=name
                name=name
                value=state.value(name)
                autocomplete=autocomplete
                maxlength=maxlength.map(|m| m.to_string())
                aria-describedby=format!("{hint_id} {messages_id}")
                aria-invalid=invalid.then_some("true")
            />
            {messages(messages_id.clone(), message)}
        </div>
    }
}

/// A multi-line text input; `maxlength` is shown in the hint.
#[component]
pub fn TextArea(
    /// Field name (also the id).
    name: &'static str,
    /// Label.
    label: String,
    /// Help under the label.
    #[prop(optional)]
    hint: Option<String>,
    /// The form state (value and error).
    state: FormState,
    /// Required (otherwise marked "facultatif").
    #[prop(default = true)]
    required: bool,
    /// Required only with some other answer (marked so; the hint says when).
    #[prop(optional)]
    conditional: bool,
    /// Largest length, in characters.
    maxlength: usize,
    /// Visible rows.
    #[prop(default = 6)]
    rows: u32,
) -> impl IntoView {
    let i18n = use_i18n();
    let message = state.error(name).map(|k| error_text(i18n, k, false));
    let invalid = message.is_some();
    let (hint_id, messages_id) = (format!("{name}-hint"), format!("{name}-messages"));
    view! {
        <div class=if invalid { "fr-input-group fr-input-group--error" } else { "fr-input-group" }>
            <label class="fr-label" for=name>
                {label}
                {optional_mark(required, conditional)}
                <span class="fr-hint-text" id=hint_id.clone()>
                    {hint.unwrap_or_default()} " " {t!(i18n, form.chars_max, max = move || maxlength)}
                </span>
            </label>
            <textarea
                class="fr-input"
                id=name
                name=name
                rows=rows.to_string()
                maxlength=maxlength.to_string()
                aria-describedby=format!("{hint_id} {messages_id}")
                aria-invalid=invalid.then_some("true")
            >
                {state.value(name)}
            </textarea>
            {messages(messages_id.clone(), message)}
        </div>
    }
}

/// One choice of a radio group: value, label, optional hint.
pub type RadioOption = (String, String, Option<String>);

/// HTML id of a radio button (the error summary links to the first one).
pub fn radio_id(name: &str, value: &str) -> String {
    format!("{name}-{value}")
}

/// A radio group in a `fieldset` whose `legend` is the question.
#[component]
pub fn RadioGroup(
    /// Field name.
    name: &'static str,
    /// The question.
    legend: String,
    /// The choices.
    options: Vec<RadioOption>,
    /// The form state (checked value and error).
    state: FormState,
    /// Lay the choices out on one line.
    #[prop(optional)]
    inline: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let message = state.error(name).map(|k| error_text(i18n, k, true));
    let invalid = message.is_some();
    let messages_id = format!("{name}-messages");
    let selected = state.value(name);
    let class = match (invalid, inline) {
        (true, true) => "fr-fieldset fr-fieldset--error fr-fieldset--inline",
        (true, false) => "fr-fieldset fr-fieldset--error",
        (false, true) => "fr-fieldset fr-fieldset--inline",
        (false, false) => "fr-fieldset",
    };
    view! {
        <fieldset class=class id=format!("{name}-fieldset") aria-describedby=messages_id.clone()>
            <legend class="fr-fieldset__legend">{legend}</legend>
            {options
                .into_iter()
                .map(|(value, label, hint)| {
                    let id = radio_id(name, &value);
                    let checked = selected == value;
                    view! {
                        <div class="fr-fieldset__element">
                            <div class="fr-radio-group">
                                <input type="radio" id=id.clone() name=name value=value checked=checked />
                                <label class="fr-label" for=id>
                                    {label}
                                    {hint.map(|h| view! { <span class="fr-hint-text">{h}</span> })}
                                </label>
                            </div>
                        </div>
                    }
                })
                .collect_view()}
            {messages(messages_id.clone(), message)}
        </fieldset>
    }
}

/// A drop-down list with a first "choose" entry.
#[component]
pub fn Select(
    /// Field name (also the id).
    name: &'static str,
    /// Label.
    label: String,
    /// (value, label) pairs.
    options: Vec<(String, String)>,
    /// The form state (selected value and error).
    state: FormState,
    /// Required (otherwise marked "facultatif").
    #[prop(default = true)]
    required: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let message = state.error(name).map(|k| error_text(i18n, k, true));
    let invalid = message.is_some();
    let messages_id = format!("{name}-messages");
    let selected = state.value(name);
    view! {
        <div class=if invalid { "fr-select-group fr-select-group--error" } else { "fr-select-group" }>
            <label class="fr-label" for=name>{label}{optional_mark(required, false)}</label>
            <select class="fr-select" id=name name=name aria-describedby=messages_id.clone() aria-invalid=invalid.then_some("true")>
                <option value="" selected=selected.is_empty()>{t!(i18n, form.choose)}</option>
                {options
                    .into_iter()
                    .map(|(value, label)| {
                        let is_selected = selected == value;
                        view! { <option value=value selected=is_selected>{label}</option> }
                    })
                    .collect_view()}
            </select>
            {messages(messages_id.clone(), message)}
        </div>
    }
}
