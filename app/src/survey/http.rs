//! Plain HTTP routes of the survey: the JavaScript-off form POST and the public results API.

use super::api::{SubmitOutcome, SurveyEcho};
use super::results::campaign_results;
use super::submit::submit_survey_form;
use crate::error::AppError;
use crate::i18n::*;
use crate::state::AppState;
use crate::store::Channel;
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use chrono::Utc;
use serde::Serialize;

/// Largest accepted form body, for every form. The largest form is an agent's reply (10,000
/// characters); a 4-byte UTF-8 character (emoji, some CJK) percent-encodes to 12 bytes, so
/// 10,000 of them take 120,000 bytes; the complaint form at its maximum (message 5,000, address
/// 500, name 200, e-mail 254 characters) takes ≈ 72,000. Room to spare, still small enough to
/// refuse abusive bodies early.
pub const MAX_FORM_BYTES: usize = 256 * 1024;

/// Reads an `application/x-www-form-urlencoded` body into `name=value` pairs; returns the request
/// parts (to render a page in answer) and the pairs.
///
/// # Errors
/// 413 when larger than [`MAX_FORM_BYTES`], 400 when not a form.
pub async fn read_form(req: Request) -> Result<(http::request::Parts, Vec<(String, String)>), Response> {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES).await.map_err(|_| (StatusCode::PAYLOAD_TOO_LARGE, td_string!(Locale::fr, common.form_too_large)).into_response())?;
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).map_err(|_| (StatusCode::BAD_REQUEST, td_string!(Locale::fr, common.form_unreadable)).into_response())?;
    Ok((parts, fields))
}

/// Renders the Leptos app for the request `parts`, with `context` provided, and the given status.
pub async fn render_page<C: Clone + Send + Sync + 'static>(state: &AppState, parts: http::request::Parts, context: C, status: StatusCode) -> Response {
    let options = state.leptos_options.clone();
    let app_state = state.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            crate::state::provide_request_context(&app_state);
            leptos::prelude::provide_context(context.clone());
        },
        move || crate::shell(options.clone()),
    );
    let mut response = handler(Request::from_parts(parts, Body::empty())).await;
    *response.status_mut() = status;
    response
}

/// `POST /enquete/{site}/reponses`: the survey form posted without JavaScript (Post/Redirect/Get).
/// Recorded → 303 to `/enquete/{site}/merci`; rejected → the page again (422) with the answers
/// kept and the errors listed; visit code already used → the page again (409) with the answers
/// and the notice, nothing stored; database unreachable → the page again (503, `Retry-After`)
/// with the answers, the same token and a notice to send again (see [`crate::last_known`]);
/// unknown site → 404. From an enrolled tablet: channel
/// `tablette`, no hourly limit per address ([`crate::kiosk`]).
pub async fn post_survey(State(state): State<AppState>, Path(site): Path<String>, req: Request) -> Response {
    let (parts, fields) = match read_form(req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    // A tablet (recognised from its cookie): channel `tablette`, no hourly limit per address.
    let kiosk = crate::kiosk::of_parts(&parts);
    let client = crate::kiosk::limited_client(&state, &parts, kiosk.as_ref());
    let channel = if kiosk.is_some() { Channel::Tablette } else { Channel::Web };
    match submit_survey_form(&state, &site, fields.clone(), channel, client, Utc::now()).await {
        Ok(SubmitOutcome::Recorded { .. }) => Redirect::to(&format!("/enquete/{site}/merci")).into_response(),
        Ok(SubmitOutcome::Rejected { errors, notice, token }) => {
            let echo = SurveyEcho { site, fields: crate::form_guard::without_honeypot(fields), errors, notice, token };
            crate::form_guard::render_form(&state, parts, echo, notice).await
        }
        // The page comes back with the answers and the "code already used" notice, without a
        // submit button (the code's state is read again when the page is rendered).
        Ok(SubmitOutcome::CodeAlreadyUsed) => {
            let token = crate::domain::survey_form::form_value(&fields, "token").unwrap_or_default().to_string();
            let echo = SurveyEcho { site, fields: crate::form_guard::without_honeypot(fields), errors: Vec::new(), notice: None, token };
            render_page(&state, parts, echo, StatusCode::CONFLICT).await
        }
        Err(e) => {
            let status = e.status();
            render_page(&state, parts, (), status).await
        }
    }
}

/// One site in `GET /api/v1/results`.
#[derive(Debug, Serialize)]
pub struct SiteResultJson {
    /// Site slug.
    pub slug: String,
    /// Site name.
    pub name: String,
    /// Respondents in the current campaign.
    pub respondents: u64,
    /// Respondent target of the campaign for this site.
    pub target: u64,
    /// `respondents >= target`.
    pub target_met: bool,
    /// Answers to the overall-satisfaction question with an opinion (base of `share`).
    pub answered: u64,
    /// Share satisfied ("très" or "plutôt satisfait(e)") among `answered`, 0..1; `null` if none.
    pub share: Option<f64>,
    /// Lower bound of the 95 % Wilson interval, 0..1; `null` if no answer.
    pub ci_low: Option<f64>,
    /// Upper bound of the 95 % Wilson interval, 0..1; `null` if no answer.
    pub ci_high: Option<f64>,
}

/// The campaign in `GET /api/v1/results`.
#[derive(Debug, Serialize)]
pub struct CampaignJson {
    /// Campaign id (for `?campaign=`).
    pub id: i64,
    /// Campaign name.
    pub name: String,
    /// First day, ISO 8601 (Europe/Paris).
    pub starts_on: String,
    /// Last day, ISO 8601 (Europe/Paris).
    pub ends_on: String,
    /// Demonstration data.
    pub demo: bool,
}

/// Body of `GET /api/v1/results`.
#[derive(Debug, Serialize)]
pub struct ResultsJson {
    /// The current campaign (`null` if none).
    pub campaign: Option<CampaignJson>,
    /// One entry per active site.
    pub sites: Vec<SiteResultJson>,
}

/// `GET /api/v1/results[?campaign=ID]`: public open data per site on the current campaign, or
/// on campaign `ID` (JSON; 404 for an unknown id, 400 for a malformed one, 503 when the database
/// is unreachable).
pub async fn get_results(State(state): State<AppState>, Query(query): Query<std::collections::HashMap<String, String>>) -> Response {
    let error = |status: StatusCode, message: &str| (status, Json(serde_json::json!({ "error": message }))).into_response();
    let unavailable = |e: crate::store::StoreError| {
        let e = AppError::from(e);
        (e.status(), Json(serde_json::json!({ "error": td_string!(Locale::fr, common.unavailable_title) }))).into_response()
    };
    let campaign = match query.get("campaign").map(|c| c.trim()) {
        None | Some("") => match state.store.current_campaign(crate::time::paris_day(Utc::now())).await {
            Ok(c) => c,
            Err(e) => return unavailable(e),
        },
        Some(id) => {
            let Ok(id) = id.parse::<i64>() else { return error(StatusCode::BAD_REQUEST, "campaign must be a campaign id (integer)") };
            match state.store.campaign_by_id(id).await {
                Ok(Some(c)) => Some(c),
                Ok(None) => return error(StatusCode::NOT_FOUND, "unknown campaign"),
                Err(e) => return unavailable(e),
            }
        }
    };
    let Some(campaign) = campaign else { return Json(ResultsJson { campaign: None, sites: Vec::new() }).into_response() };
    let sites = match campaign_results(&state.store, &campaign, "fr").await {
        Ok(s) => s,
        Err(e) => return unavailable(e),
    };
    Json(ResultsJson {
        campaign: Some(CampaignJson {
            id: campaign.id,
            name: campaign.settings.name,
            starts_on: campaign.settings.starts_on.to_string(),
            ends_on: campaign.settings.ends_on.to_string(),
            demo: campaign.settings.is_demo,
        }),
        sites: sites
            .into_iter()
            .map(|r| SiteResultJson {
                target_met: r.target_met(),
                slug: r.site.slug,
                name: r.site.name,
                respondents: r.respondents,
                target: r.target,
                answered: r.overall.map(|o| o.n).unwrap_or(0),
                share: r.overall.map(|o| o.share),
                ci_low: r.overall.map(|o| o.interval.low),
                ci_high: r.overall.map(|o| o.interval.high),
            })
            .collect(),
    })
    .into_response()
}
