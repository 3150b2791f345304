//! `/admin/questionnaires` (versions), `/admin/questionnaires/{id}` (the editor of a version)
//! and `/admin/questionnaires/{id}/question/{key}` (one question's form). Every change is a plain
//! POST to `/admin/questionnaires/{id}/modifier`.

use crate::complaints::staff::api::StaffHeader;
use crate::complaints::staff::page::StaffNav;
use crate::components::{ErrorNotice, Loading};
use crate::error::AppError;
use crate::form::{ErrorSummary, FormState, SummaryField, TextArea, TextInput};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

/// Purpose of the editor forms' one-time token.
pub const TOKEN_PURPOSE: &str = "admin:questionnaire";

/// One version in the list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VersionRow {
    /// Version id.
    pub id: i64,
    /// Questionnaire name.
    pub name: String,
    /// Version number.
    pub version: i64,
    /// Created, `dd/mm/yyyy`.
    pub created: String,
    /// Responses.
    pub responses: u64,
    /// Campaigns using it.
    pub campaigns: String,
    /// A later version exists.
    pub superseded: bool,
}

/// A question as the editor lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestionRow {
    /// Key.
    pub key: String,
    /// French label.
    pub label: String,
    /// "Choix : Oui, Non" or "Texte libre (2000 caractères)".
    pub summary: String,
    /// Must be answered.
    pub required: bool,
    /// Needed by the indicators (cannot be retired).
    pub protected: bool,
}

/// The editor of one version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EditorView {
    /// Staff menu.
    pub header: StaffHeader,
    /// Version id.
    pub id: i64,
    /// "Questionnaire – version N".
    pub title: String,
    /// Responses already given to this version (> 0: edits create a new version).
    pub responses: u64,
    /// A later version exists (read only).
    pub superseded: bool,
    /// The questions in order.
    pub questions: Vec<QuestionRow>,
    /// The question being edited (`/question/{key}`), if any.
    pub editing: Option<String>,
    /// Form values and errors (new question, or the question edited).
    pub form: FormState,
    /// A problem with the last change (plain French).
    pub problem: Option<String>,
    /// One-time token.
    pub token: String,
}

/// What a refused POST hands back to the page it re-renders.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EditorEcho {
    /// Question being edited.
    pub editing: Option<String>,
    /// Values and errors.
    pub form: FormState,
    /// A problem not tied to one field.
    pub problem: Option<String>,
}

/// Every questionnaire version (admins).
///
/// # Errors
/// [`AppError::Unauthorized`], [`AppError::Forbidden`], [`AppError::Unavailable`].
#[server(prefix = "/srv", endpoint = "admin/questionnaires")]
pub async fn load_versions() -> Result<(StaffHeader, Vec<VersionRow>), AppError> {
    let staff = super::require_admin().await?;
    let state = crate::state::app_state()?;
    let rows = state
        .store
        .list_questionnaire_versions()
        .await?
        .into_iter()
        .map(|v| VersionRow {
            id: v.id,
            name: v.name,
            version: v.version,
            created: crate::time::french_date(crate::time::paris_day(v.created_at)),
            responses: v.responses,
            campaigns: v.campaigns.join(", "),
            superseded: v.superseded,
        })
        .collect();
    Ok((staff.header(), rows))
}

/// The editor of version `id`, with question `question` in the form if given (admins).
///
/// # Errors
/// [`AppError::NotFound`] for an unknown version or question; access errors.
#[server(prefix = "/srv", endpoint = "admin/questionnaire")]
pub async fn load_editor(id: i64, question: Option<String>) -> Result<EditorView, AppError> {
    use crate::domain::questionnaire::{localized, QuestionKind};
    use crate::domain::questionnaire_edit::format_options;
    let staff = super::require_admin().await?;
    let state = crate::state::app_state()?;
    let v = state.store.questionnaire_version(id).await?.ok_or(AppError::NotFound)?;
    let q = &v.definition;
    let protected = |key: &str| key == q.overall_satisfaction || q.procedure_question.as_deref() == Some(key) || q.appointment_question.as_deref() == Some(key);
    let questions = q
        .questions
        .iter()
        .map(|x| QuestionRow {
            key: x.key.clone(),
            label: localized(&x.label, "fr").to_string(),
            summary: match &x.kind {
                QuestionKind::SingleChoice { options } => format!("Choix : {}", options.iter().map(|o| localized(&o.label, "fr")).collect::<Vec<_>>().join(", ")),
                QuestionKind::FreeText { max_chars } => format!("Texte libre ({max_chars} caractères au plus)"),
            },
            required: x.required,
            protected: protected(&x.key),
        })
        .collect();
    let echo = use_context::<EditorEcho>();
    let editing = echo.as_ref().and_then(|e| e.editing.clone()).or(question);
    let form = match (&echo, &editing) {
        (Some(e), _) => e.form.clone(),
        (None, Some(key)) => {
            let x = q.question(key).ok_or(AppError::NotFound)?;
            let (kind, options, max) = match &x.kind {
                QuestionKind::SingleChoice { options } => ("choix", format_options(options), String::new()),
                QuestionKind::FreeText { max_chars } => ("texte", String::new(), max_chars.to_string()),
            };
            let values = vec![
                ("cle".to_string(), x.key.clone()),
                ("libelle".to_string(), localized(&x.label, "fr").to_string()),
                ("aide".to_string(), x.hint.as_ref().map(|h| localized(h, "fr").to_string()).unwrap_or_default()),
                ("obligatoire".to_string(), if x.required { "1" } else { "" }.to_string()),
                ("type".to_string(), kind.to_string()),
                ("reponses".to_string(), options),
                ("longueur".to_string(), max),
            ];
            FormState { values, errors: Vec::new(), notice: None }
        }
        (None, None) => FormState { values: vec![("type".to_string(), "choix".to_string()), ("longueur".to_string(), "500".to_string())], errors: Vec::new(), notice: None },
    };
    Ok(EditorView {
        header: staff.header(),
        id: v.id,
        title: format!("{} – version {}", v.name, v.version),
        responses: v.responses,
        superseded: v.superseded,
        questions,
        editing,
        form,
        problem: echo.and_then(|e| e.problem),
        token: state.tokens.issue(TOKEN_PURPOSE, chrono::Utc::now()),
    })
}

/// `/admin/questionnaires`.
#[component]
pub fn VersionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| load_versions());
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, admin.questionnaires_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((header, rows)) => view! {
                        <StaffNav header />
                        <h1>{t!(i18n, admin.questionnaires_title)}</h1>
                        <p>{t!(i18n, admin.questionnaires_intro)}</p>
                        <table class="stats-table versions-table">
                            <thead>
                                <tr>
                                    <th scope="col">{t!(i18n, admin.col_questionnaire)}</th>
                                    <th scope="col" class="num">{t!(i18n, admin.col_version)}</th>
                                    <th scope="col">{t!(i18n, admin.col_created)}</th>
                                    <th scope="col" class="num">{t!(i18n, dashboard.col_respondents)}</th>
                                    <th scope="col">{t!(i18n, admin.col_campaigns)}</th>
                                    <th scope="col">{t!(i18n, admin.col_action)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows.into_iter().map(|r| view! {
                                    <tr data-version=r.id.to_string()>
                                        <th scope="row">{r.name.clone()}</th>
                                        <td class="num">{r.version}</td>
                                        <td>{r.created}</td>
                                        <td class="num">{r.responses}</td>
                                        <td>{r.campaigns}</td>
                                        <td>
                                            <a class="fr-link" href=format!("/admin/questionnaires/{}", r.id)>
                                                {if r.superseded { t_string!(i18n, admin.view) } else { t_string!(i18n, admin.edit) }}
                                                <span class="fr-sr-only">{format!(" {} version {}", r.name, r.version)}</span>
                                            </a>
                                        </td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/admin/questionnaires/{id}` and `/admin/questionnaires/{id}/question/{key}`.
#[component]
pub fn EditorPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let key = Memo::new(move |_| (params.read().get("id").and_then(|v| v.parse::<i64>().ok()), params.read().get("key")));
    let data = Resource::new(
        move || key.get(),
        |(id, question)| async move {
            match id {
                Some(id) => load_editor(id, question).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let saved = Memo::new(move |_| query.read().get("enregistre"));
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, admin.editor_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <Editor v saved=saved.get_untracked() /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A small POST form with one button (move, retire).
fn op_button(id: i64, token: &str, op: &'static str, key: &str, label: String, hidden: String) -> impl IntoView {
    view! {
        <form method="post" action=format!("/admin/questionnaires/{id}/modifier") class="inline-form">
            <input type="hidden" name="token" value=token.to_string() />
            <input type="hidden" name="op" value=op />
            <input type="hidden" name="cle" value=key.to_string() />
            <button type="submit" class="fr-btn fr-btn--tertiary fr-btn--sm">{label}<span class="fr-sr-only">{hidden}</span></button>
        </form>
    }
}

#[component]
fn Editor(v: EditorView, saved: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let (id, token) = (v.id, v.token.clone());
    let last = v.questions.len().saturating_sub(1);
    let editable = !v.superseded;
    let fields = vec![
        SummaryField { name: "cle", focus_id: "cle".into(), label: t_string!(i18n, admin.question_key).to_string(), choice: false },
        SummaryField { name: "libelle", focus_id: "libelle".into(), label: t_string!(i18n, admin.question_label).to_string(), choice: false },
        SummaryField { name: "aide", focus_id: "aide".into(), label: t_string!(i18n, admin.question_hint).to_string(), choice: false },
        SummaryField { name: "type", focus_id: "type-choix".into(), label: t_string!(i18n, admin.question_type).to_string(), choice: true },
        SummaryField { name: "reponses", focus_id: "reponses".into(), label: t_string!(i18n, admin.question_options).to_string(), choice: false },
        SummaryField { name: "longueur", focus_id: "longueur".into(), label: t_string!(i18n, admin.question_length).to_string(), choice: false },
    ];
    let responses = v.responses;
    let kind = v.form.value("type");
    let editing = v.editing.clone();
    view! {
        <StaffNav header=v.header.clone() />
        <p><a class="fr-link" href="/admin/questionnaires">{t!(i18n, admin.questionnaires_title)}</a></p>
        <h1>{v.title.clone()}</h1>
        {saved.map(|s| view! {
            <div class="fr-alert fr-alert--success fr-mb-3w" role="status">
                <p>{if s == "nouvelle" { t_string!(i18n, admin.saved_new_version) } else { t_string!(i18n, admin.saved) }}</p>
            </div>
        })}
        {v.problem.clone().map(|p| view! { <div class="fr-alert fr-alert--error fr-mb-3w" role="alert" id="editor-problem"><p>{p}</p></div> })}
        {if v.superseded {
            view! { <p class="fr-callout">{t!(i18n, admin.superseded)}</p> }.into_any()
        } else if responses > 0 {
            view! { <p class="fr-callout">{t!(i18n, admin.has_answers, count = move || responses)}</p> }.into_any()
        } else {
            view! { <p class="fr-callout">{t!(i18n, admin.no_answers)}</p> }.into_any()
        }}
        <ol class="question-list">
            {v.questions.iter().enumerate().map(|(i, q)| view! {
                <li class="question-item" data-question=q.key.clone()>
                    <p><strong>{q.label.clone()}</strong> " " <code>{q.key.clone()}</code>
                        {q.required.then(|| view! { " " <span class="fr-text--xs">{t!(i18n, admin.required)}</span> })}</p>
                    <p class="fr-text--sm">{q.summary.clone()}</p>
                    {editable.then(|| view! {
                        <div class="question-ops">
                            <a class="fr-btn fr-btn--secondary fr-btn--sm" href=format!("/admin/questionnaires/{id}/question/{}#formulaire", q.key)>{t!(i18n, admin.edit)}<span class="fr-sr-only">{format!(" {}", q.label)}</span></a>
                            {(i > 0).then(|| op_button(id, &token, "monter", &q.key, t_string!(i18n, admin.move_up).to_string(), format!(" {}", q.label)))}
                            {(i < last).then(|| op_button(id, &token, "descendre", &q.key, t_string!(i18n, admin.move_down).to_string(), format!(" {}", q.label)))}
                            {(!q.protected).then(|| op_button(id, &token, "retirer", &q.key, t_string!(i18n, admin.retire).to_string(), format!(" {}", q.label)))}
                        </div>
                    })}
                </li>
            }).collect_view()}
        </ol>
        {editable.then(|| view! {
            <h2 id="formulaire">{if editing.is_some() { t_string!(i18n, admin.question_edit) } else { t_string!(i18n, admin.question_new) }}</h2>
            <ErrorSummary state=v.form.clone() fields />
            <form method="post" action=format!("/admin/questionnaires/{id}/modifier") class="fr-mb-6w question-form">
                <input type="hidden" name="token" value=v.token.clone() />
                <input type="hidden" name="op" value=if editing.is_some() { "modifier" } else { "ajouter" } />
                {match editing.clone() {
                    Some(key) => view! { <input type="hidden" name="cle" value=key.clone() /><p>{t!(i18n, admin.question_key)} " : " <code>{key}</code></p> }.into_any(),
                    None => view! { <TextInput name="cle" label=t_string!(i18n, admin.question_key).to_string() hint=t_string!(i18n, admin.question_key_hint).to_string() state=v.form.clone() maxlength=40 /> }.into_any(),
                }}
                <TextArea name="libelle" label=t_string!(i18n, admin.question_label).to_string() state=v.form.clone() maxlength=crate::domain::questionnaire_edit::LABEL_MAX_CHARS />
                <TextArea name="aide" label=t_string!(i18n, admin.question_hint).to_string() state=v.form.clone() required=false maxlength=crate::domain::questionnaire_edit::HINT_MAX_CHARS />
                <div class="fr-checkbox-group fr-mb-2w">
                    <input type="checkbox" id="obligatoire" name="obligatoire" value="1" checked=!v.form.value("obligatoire").is_empty() />
                    <label class="fr-label" for="obligatoire">{t!(i18n, admin.question_required)}</label>
                </div>
                <fieldset class="fr-fieldset">
                    <legend class="fr-fieldset__legend">{t!(i18n, admin.question_type)}</legend>
                    <div class="fr-radio-group">
                        <input type="radio" id="type-choix" name="type" value="choix" checked=kind == "choix" />
                        <label class="fr-label" for="type-choix">{t!(i18n, admin.type_choice)}</label>
                    </div>
                    <div class="fr-radio-group">
                        <input type="radio" id="type-texte" name="type" value="texte" checked=kind == "texte" />
                        <label class="fr-label" for="type-texte">{t!(i18n, admin.type_text)}</label>
                    </div>
                </fieldset>
                <TextArea name="reponses" label=t_string!(i18n, admin.question_options).to_string() hint=t_string!(i18n, admin.question_options_hint).to_string() state=v.form.clone() required=false maxlength=3000 />
                <TextInput name="longueur" label=t_string!(i18n, admin.question_length).to_string() hint=t_string!(i18n, admin.question_length_hint).to_string() state=v.form.clone() required=false input_type="number" />
                <button type="submit" class="fr-btn">{t!(i18n, admin.save)}</button>
                {editing.is_some().then(|| view! { " " <a class="fr-link fr-ml-2w" href=format!("/admin/questionnaires/{id}")>{t!(i18n, admin.cancel)}</a> })}
            </form>
        })}
    }
}
