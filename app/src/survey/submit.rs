//! Loading and submitting the survey form (server side), shared by the server function and the
//! plain-POST handler.

use super::api::{QuestionView, SiteLink, SubmitOutcome, SurveyEcho, SurveyForm, VisitCodeView};
use crate::domain::visit_code::{CodeState, VisitCode};
use crate::domain::questionnaire::{localized, Questionnaire};
use crate::domain::survey_form::{form_value, validate_answers};
use crate::error::AppError;
use crate::form::FormNotice;
use crate::form_guard::PublicForm;
use crate::state::AppState;
use crate::store::{Channel, InsertOutcome, NewResponse, Site};
use chrono::{DateTime, Utc};

/// Languages a visitor can answer in: the codes of [`crate::i18n::Locale`] (checked by a test in
/// `language.rs`); a text missing in one of them falls back to French.
pub const LANGUAGES: [&str; 5] = ["fr", "en", "ar", "es", "pt"];

/// Token purpose of the survey form of `site`.
pub fn token_purpose(site: &str) -> String {
    format!("survey:{site}")
}

/// `lang` if supported, else `fr`.
pub fn supported_language(lang: &str) -> &'static str {
    LANGUAGES.iter().copied().find(|l| *l == lang).unwrap_or("fr")
}

/// Renders the questions of `questionnaire` in `lang`.
pub fn question_views(questionnaire: &Questionnaire, lang: &str) -> Vec<QuestionView> {
    use crate::domain::questionnaire::QuestionKind;
    questionnaire
        .questions
        .iter()
        .map(|q| QuestionView {
            key: q.key.clone(),
            field: q.field_name(),
            label: localized(&q.label, lang).to_string(),
            hint: q.hint.as_ref().map(|h| localized(h, lang).to_string()),
            required: q.required,
            options: q.options().iter().map(|o| (o.key.clone(), localized(&o.label, lang).to_string())).collect(),
            max_chars: match q.kind {
                QuestionKind::FreeText { max_chars } => Some(max_chars),
                QuestionKind::SingleChoice { .. } => None,
            },
        })
        .collect()
}

use crate::domain::visit_code::CODE_PARAM as CODE_FIELD;

/// What the visit code `raw` (as given in the URL or the form) is for the survey of `site`;
/// `None` when no code was given.
///
/// # Errors
/// [`AppError::Unavailable`] when the database fails.
async fn visit_code_view(state: &AppState, site: &Site, raw: Option<&str>) -> Result<Option<VisitCodeView>, AppError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else { return Ok(None) };
    Ok(Some(match VisitCode::parse(raw) {
        Some(code) => VisitCodeView { code: code.display(), state: state.store.visit_code_state(site.id, &code).await? },
        None => VisitCodeView { code: raw.chars().take(32).collect(), state: CodeState::Unknown },
    }))
}

/// The survey form of `site` (see [`super::api::load_survey_form`]); `code` is the visit code of
/// the page's URL (the posted form's code wins when the page answers a plain POST).
///
/// # Errors
/// [`AppError::NotFound`] for an unknown site or no campaign; [`AppError::Unavailable`] when the
/// database fails.
pub async fn load_form(site: &str, lang: &str, code: Option<&str>) -> Result<SurveyForm, AppError> {
    let state = crate::state::app_state()?;
    let now = Utc::now();
    let s = state.last_known.site(&state.store, site).await?.ok_or(AppError::NotFound)?;
    let campaign = state.last_known.current_campaign(&state.store, crate::time::paris_day(now)).await?.ok_or(AppError::NotFound)?;
    let lang = supported_language(lang);
    let echo = leptos::prelude::use_context::<SurveyEcho>().filter(|e| e.site == s.slug);
    let code = match &echo {
        Some(e) => form_value(&e.fields, CODE_FIELD).map(str::to_string),
        None => code.map(str::to_string),
    };
    let visit_code = match visit_code_view(&state, &s, code.as_deref()).await {
        Ok(view) => view,
        // The database cannot be reached: the code stays in the form, checked when it is sent.
        Err(AppError::Unavailable) => code.map(|c| VisitCodeView { code: c.chars().take(32).collect(), state: CodeState::Unchecked }),
        Err(e) => return Err(e),
    };
    let (token, prefill, errors, notice) = match echo {
        Some(e) => (e.token, e.fields.into_iter().filter(|(n, _)| n.starts_with("q_")).collect(), e.errors, e.notice),
        None => (state.tokens.issue(&token_purpose(&s.slug), now), Vec::new(), Vec::new(), None),
    };
    Ok(SurveyForm {
        site: SiteLink { slug: s.slug, name: s.name },
        lang: lang.to_string(),
        questions: question_views(&campaign.questionnaire, lang),
        token,
        prefill,
        errors,
        notice,
        kiosk: crate::kiosk::current().is_some(),
        visit_code,
    })
}

/// Validates and stores a submitted survey form for `site`.
///
/// `fields` are the posted `name=value` pairs: `token` (one-time token), `lang`, and `q_<key>`
/// per answered question. The token is checked first: an expired or forged token stores nothing
/// and asks the visitor to send again (with a fresh token, answers kept). A valid token whose
/// nonce was already consumed returns `Recorded { duplicate: true }` and stores nothing.
///
/// A `code` field holding a visit code of this site (see [`crate::domain::visit_code`]) is
/// marked used with the response, in its transaction; a code already used returns
/// [`SubmitOutcome::CodeAlreadyUsed`] and stores nothing. Any other `code` (mistyped, unknown,
/// another site's) is ignored: the response is stored without a valid code.
///
/// Before anything else, the submission goes through the public-form protection
/// ([`crate::form_guard::screen`]) with the client address `client`: refused (honeypot filled,
/// too many submissions from that address this hour) → `Rejected` with the refusal as notice,
/// nothing stored and the token left unused.
///
/// # Errors
/// [`AppError::NotFound`] for an unknown site or no campaign; [`AppError::Unavailable`] when the
/// database fails.
pub async fn submit_survey_form(
    state: &AppState,
    site: &str,
    fields: Vec<(String, String)>,
    channel: Channel,
    client: Option<std::net::IpAddr>,
    now: DateTime<Utc>,
) -> Result<SubmitOutcome, AppError> {
    let s = state.last_known.site(&state.store, site).await?.ok_or(AppError::NotFound)?;
    let campaign = state.last_known.current_campaign(&state.store, crate::time::paris_day(now)).await?.ok_or(AppError::NotFound)?;
    let field = |name: &str| form_value(&fields, name).unwrap_or("");
    let purpose = token_purpose(&s.slug);
    let token = field("token").to_string();
    if let Err(refusal) = crate::form_guard::screen(state, PublicForm::Submission, &fields, client, now) {
        return Ok(SubmitOutcome::Rejected { errors: Vec::new(), notice: Some(FormNotice::Refused(refusal)), token });
    }
    let lang = supported_language(field("lang"));
    let answers = validate_answers(&campaign.questionnaire, &fields);
    let nonce = match state.tokens.verify(&purpose, &token, now) {
        Ok(nonce) => nonce,
        Err(_) => {
            return Ok(SubmitOutcome::Rejected { errors: answers.err().unwrap_or_default(), notice: Some(FormNotice::Expired), token: state.tokens.issue(&purpose, now) });
        }
    };
    let answers = match answers {
        Ok(a) => a,
        Err(errors) => return Ok(SubmitOutcome::Rejected { errors, notice: None, token }),
    };
    // The database cannot be reached: nothing stored, the answers and the (unused) token come
    // back with the notice, to send again in a few moments (built only then).
    let unavailable = || SubmitOutcome::Rejected { errors: Vec::new(), notice: Some(FormNotice::Unavailable), token: token.clone() };
    let visit_code = match VisitCode::parse(field(CODE_FIELD)) {
        Some(code) => match state.store.visit_code_state(s.id, &code).await {
            Ok(CodeState::Unknown) => None,
            Ok(_) => Some(code),
            Err(e) if crate::last_known::is_outage(&e) => {
                state.last_known.note_error(&e);
                return Ok(unavailable());
            }
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let inserted = state
        .store
        .insert_response(&NewResponse {
            campaign_id: campaign.id,
            site_id: s.id,
            questionnaire_version_id: campaign.settings.questionnaire_version_id,
            channel,
            language: lang.to_string(),
            submitted_at: now,
            dimensions: campaign.questionnaire.dimensions(&answers.choices),
            answers,
            token_nonce: Some(nonce),
            visit_code,
        })
        .await;
    let outcome = match inserted {
        Ok(outcome) => outcome,
        Err(e) if crate::last_known::is_outage(&e) => {
            tracing::warn!(error = %e, "survey response not stored: database unreachable");
            state.last_known.note_error(&e);
            return Ok(unavailable());
        }
        Err(e) => return Err(e.into()),
    };
    Ok(match outcome {
        InsertOutcome::Recorded(_) => SubmitOutcome::Recorded { duplicate: false },
        InsertOutcome::AlreadyRecorded => SubmitOutcome::Recorded { duplicate: true },
        InsertOutcome::CodeAlreadyUsed => SubmitOutcome::CodeAlreadyUsed,
    })
}
