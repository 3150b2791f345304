//! Server functions and the data shapes the survey pages receive.

use crate::domain::survey_form::FieldError;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A site as linked from the public pages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteLink {
    /// URL slug.
    pub slug: String,
    /// Display name.
    pub name: String,
}

/// A question ready to render, in the visitor's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestionView {
    /// Question key.
    pub key: String,
    /// Form field name (`q_<key>`).
    pub field: String,
    /// The question.
    pub label: String,
    /// Help text under the question.
    pub hint: Option<String>,
    /// Must be answered.
    pub required: bool,
    /// Options (key, label) for a closed question; empty for free text.
    pub options: Vec<(String, String)>,
    /// Maximum characters for free text; `None` for a closed question.
    pub max_chars: Option<usize>,
}

impl QuestionView {
    /// HTML id of the element an error link should focus: the first radio button or the textarea.
    pub fn focus_id(&self) -> String {
        match self.options.first() {
            Some((key, _)) => option_id(&self.field, key),
            None => self.field.clone(),
        }
    }
}

/// HTML id of a radio button.
pub fn option_id(field: &str, option_key: &str) -> String {
    format!("{field}-{option_key}")
}

/// Everything the survey page needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SurveyForm {
    /// The site visited.
    pub site: SiteLink,
    /// Language of the labels.
    pub lang: String,
    /// Questions in order.
    pub questions: Vec<QuestionView>,
    /// One-time token to send back.
    pub token: String,
    /// Values submitted before (field name → value), to keep the visitor's answers on error.
    pub prefill: Vec<(String, String)>,
    /// Errors of the previous submission.
    pub errors: Vec<FieldError>,
    /// What went wrong with the previous submission as a whole: its form had expired (answers
    /// kept, a new token issued) or it was refused by the anti-stuffing protection.
    pub notice: Option<crate::form::FormNotice>,
    /// Shown on an enrolled tablet ([`crate::kiosk`]): browser autofill off, and the form is
    /// sent as a plain POST (the thank-you page then loads whole, with its return to `/borne`).
    pub kiosk: bool,
    /// The visit code the survey was opened with (`?code=`), if any, and what it is.
    pub visit_code: Option<VisitCodeView>,
}

/// A visit code given to the survey page (see [`crate::domain::visit_code`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VisitCodeView {
    /// The code as printed (`ABCD-EFGH`), or as typed (at most 32 characters) when it is not a
    /// well-formed code; sent back in the form's hidden `code` field.
    pub code: String,
    /// Unused code of this site, used, or not a code of this site.
    pub state: crate::domain::visit_code::CodeState,
}

impl SurveyForm {
    /// The value previously submitted for `field`, if any.
    pub fn prefilled(&self, field: &str) -> Option<&str> {
        crate::domain::survey_form::form_value(&self.prefill, field)
    }
}

/// A field error of the survey, worded on the server in the visitor's language (the browser's
/// wasm has no questionnaire data: see [`crate::survey::page::SurveyFormIsland`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShownError {
    /// Form field name of the question (`q_<key>`).
    pub field: String,
    /// HTML id the error summary's link focuses ([`QuestionView::focus_id`]).
    pub focus_id: String,
    /// The error summary's line: the question, then the message.
    pub summary: String,
    /// The message next to the field.
    pub message: String,
}

/// What the survey form's island receives from the server (serialised into the page as its
/// props): a [`SurveyForm`] without its questions, which are rendered on the server, and with its
/// errors worded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SurveyFormState {
    /// The site visited.
    pub site: SiteLink,
    /// Language of the page.
    pub lang: String,
    /// One-time token to send back.
    pub token: String,
    /// Errors of the previous submission, in question order.
    pub errors: Vec<ShownError>,
    /// What went wrong with the previous submission as a whole (see [`SurveyForm::notice`]).
    pub notice: Option<crate::form::FormNotice>,
    /// Shown on an enrolled tablet (see [`SurveyForm::kiosk`]).
    pub kiosk: bool,
    /// The visit code the survey was opened with, if any.
    pub visit_code: Option<VisitCodeView>,
}

/// Outcome of a submission. `E` is how field errors travel: [`FieldError`] (question key and
/// kind) on the server, [`ShownError`] (worded) to the hydrated form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SubmitOutcome<E = FieldError> {
    /// The answers are stored (`duplicate`: they had already been stored with this token, nothing
    /// was added).
    Recorded {
        /// Same token submitted again.
        duplicate: bool,
    },
    /// Nothing stored: fix `errors` (or re-send, see `notice`) and submit again with `token`.
    Rejected {
        /// Faulty answers.
        errors: Vec<E>,
        /// The form had expired (or its token was not valid), or the submission was refused by
        /// the anti-stuffing protection.
        notice: Option<crate::form::FormNotice>,
        /// Token to use for the next attempt.
        token: String,
    },
    /// The visit code of the form was already used (by an earlier response, or a simultaneous
    /// one): nothing stored; the survey can be read, not sent again with this code.
    CodeAlreadyUsed,
}

impl SubmitOutcome<FieldError> {
    /// The same outcome with its field errors (if rejected) turned into `E` by `word`.
    pub fn map_errors<E>(self, word: impl FnOnce(Vec<FieldError>) -> Vec<E>) -> SubmitOutcome<E> {
        match self {
            SubmitOutcome::Recorded { duplicate } => SubmitOutcome::Recorded { duplicate },
            SubmitOutcome::Rejected { errors, notice, token } => SubmitOutcome::Rejected { errors: word(errors), notice, token },
            SubmitOutcome::CodeAlreadyUsed => SubmitOutcome::CodeAlreadyUsed,
        }
    }
}

/// The posted form of a page rendered in answer to a plain (JavaScript-off) POST; read by
/// [`survey_form`] so the visitor's answers and the errors come back with the page.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug)]
pub struct SurveyEcho {
    /// Site slug of the posted form.
    pub site: String,
    /// Posted `name=value` pairs.
    pub fields: Vec<(String, String)>,
    /// The rejection.
    pub errors: Vec<FieldError>,
    /// The token was expired or invalid, or the submission was refused.
    pub notice: Option<crate::form::FormNotice>,
    /// Token for the next attempt.
    pub token: String,
}

/// Active sites, for the home page.
#[server(prefix = "/srv", endpoint = "sites")]
pub async fn list_sites() -> Result<Vec<SiteLink>, AppError> {
    let state = crate::state::app_state()?;
    let sites = state.last_known.sites(&state.store).await?;
    Ok(sites.into_iter().map(|s| SiteLink { slug: s.slug, name: s.name }).collect())
}

/// The site with this slug.
///
/// # Errors
/// [`AppError::NotFound`] for an unknown or inactive site.
#[server(prefix = "/srv", endpoint = "site")]
pub async fn load_site(site: String) -> Result<SiteLink, AppError> {
    let state = crate::state::app_state()?;
    let s = state.last_known.site(&state.store, &site).await?.ok_or(AppError::NotFound)?;
    Ok(SiteLink { slug: s.slug, name: s.name })
}

/// The survey form of `site` for the current campaign, with a fresh one-time token (or, when the
/// page answers a rejected plain POST, the visitor's answers and the errors). `code`: the visit
/// code of the page's `?code=`, if any (looked up for this site).
///
/// # Errors
/// [`AppError::NotFound`] for an unknown site or when no campaign exists.
#[server(prefix = "/srv", endpoint = "survey/form")]
pub async fn load_survey_form(site: String, lang: String, code: Option<String>) -> Result<SurveyForm, AppError> {
    crate::survey::submit::load_form(&site, &lang, code.as_deref()).await
}

/// Submits the survey (hydrated form). `fields` are the form's `name=value` pairs, token and
/// `lang` included; field errors come back worded in that language. From an enrolled tablet
/// ([`crate::kiosk`], recognised from its cookie) the response is stored with the channel
/// `tablette` and the hourly limit per address does not apply.
#[server(prefix = "/srv", endpoint = "survey/submit", input = server_fn::codec::Json)]
pub async fn submit_survey(site: String, fields: Vec<(String, String)>) -> Result<SubmitOutcome<ShownError>, AppError> {
    use crate::survey::submit::{question_views, submit_survey_form, supported_language};
    let state = crate::state::app_state()?;
    let kiosk = crate::kiosk::current();
    let client = leptos::prelude::use_context::<http::request::Parts>().and_then(|p| crate::kiosk::limited_client(&state, &p, kiosk.as_ref()));
    let channel = if kiosk.is_some() { crate::store::Channel::Tablette } else { crate::store::Channel::Web };
    let now = chrono::Utc::now();
    let lang = supported_language(crate::domain::survey_form::form_value(&fields, "lang").unwrap_or_default());
    let outcome = submit_survey_form(&state, &site, fields, channel, client, now).await?;
    let questions = match &outcome {
        SubmitOutcome::Rejected { errors, .. } if !errors.is_empty() => {
            let campaign = state.last_known.current_campaign(&state.store, crate::time::paris_day(now)).await?.ok_or(AppError::NotFound)?;
            question_views(&campaign.questionnaire, lang)
        }
        _ => Vec::new(),
    };
    let i18n = crate::language::provide_i18n(lang);
    Ok(outcome.map_errors(|errors| crate::survey::page::shown_errors(i18n, &questions, &errors)))
}
