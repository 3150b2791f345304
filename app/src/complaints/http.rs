//! Plain HTTP routes of the complaint box's public side (JavaScript-off forms).

use super::api::{ComplaintEcho, TrackingEcho};
use super::filing::{file, filed_link, track, Filing};
use crate::domain::complaint::{fields, ComplaintChannel};
use crate::domain::survey_form::form_value;
use crate::form::{FormNotice, FormState};
use crate::form_guard::{render_form, screen, without_honeypot, PublicForm};
use crate::state::AppState;
use crate::survey::http::{read_form, render_page};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;

/// `POST /reclamation/envoi`: files a complaint from the online form. Filed (or filed before
/// with the same token) → 303 to the confirmation with the reference; rejected → the form again
/// (422) with everything typed kept and the errors listed. A submission refused by the
/// public-form protection ([`crate::form_guard::screen`]) stores nothing and gets the form back
/// with everything kept and the reason (429 with `Retry-After`, or 422 for the honeypot). When the
/// database cannot be reached, nothing is stored and the form comes back (503 with `Retry-After`)
/// with everything typed, the same token and a notice to send again. From an
/// enrolled tablet ([`crate::kiosk`]): channel `tablette`, and no hourly limit per address.
pub async fn post_complaint(State(state): State<AppState>, req: Request) -> Response {
    let (parts, values) = match read_form(req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let now = Utc::now();
    // A tablet (recognised from its cookie): channel `tablette`, no hourly limit per address.
    let kiosk = crate::kiosk::of_parts(&parts);
    let client = crate::kiosk::limited_client(&state, &parts, kiosk.as_ref());
    let channel = if kiosk.is_some() { ComplaintChannel::Tablette } else { ComplaintChannel::Web };
    if let Err(refusal) = screen(&state, PublicForm::Submission, &values, client, now) {
        let token = form_value(&values, fields::TOKEN).unwrap_or_default().to_string();
        let notice = Some(FormNotice::Refused(refusal));
        let echo = ComplaintEcho { state: FormState { values: without_honeypot(values), errors: Vec::new(), notice }, token };
        return render_form(&state, parts, echo, notice).await;
    }
    match file(&state, values, channel, None, now).await {
        Ok(Filing::Filed { reference: Some(reference), email_sent, .. }) => Redirect::to(&filed_link(&state, &reference, email_sent)).into_response(),
        Ok(Filing::Filed { reference: None, .. }) => Redirect::to("/suivi").into_response(),
        Ok(Filing::Rejected { state: form_state, token }) => {
            let notice = form_state.notice;
            render_form(&state, parts, ComplaintEcho { state: form_state, token }, notice).await
        }
        Err(e) => {
            let status = e.status();
            render_page(&state, parts, (), status).await
        }
    }
}

/// `POST /suivi`: looks a complaint up by reference and e-mail or postal code; answers with the
/// page (200 when found, 404 when not, 422 when a field is missing). Read-only. Look-ups have
/// their own hourly limit per address (`TRACKING_LIMIT_PER_HOUR`: a reference and an e-mail can
/// be guessed); over it, 429 with what was typed kept.
pub async fn post_tracking(State(state): State<AppState>, req: Request) -> Response {
    let (parts, values) = match read_form(req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let client = state.security.client_ip(&parts);
    if let Err(refusal) = screen(&state, PublicForm::Tracking, &values, client, Utc::now()) {
        let field = |name: &str| form_value(&values, name).unwrap_or_default().to_string();
        let view = super::api::TrackingView { reference: field("reference"), contact: field("contact"), outcome: Some(super::api::TrackingOutcome::Refused(refusal)) };
        let notice = Some(FormNotice::Refused(refusal));
        return render_form(&state, parts, TrackingEcho(view), notice).await;
    }
    match track(&state, &values).await {
        Ok(view) => {
            let status = match &view.outcome {
                Some(super::api::TrackingOutcome::Found(_)) => StatusCode::OK,
                Some(super::api::TrackingOutcome::NotFound) => StatusCode::NOT_FOUND,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            render_page(&state, parts, TrackingEcho(view), status).await
        }
        Err(e) => {
            let status = e.status();
            render_page(&state, parts, (), status).await
        }
    }
}
