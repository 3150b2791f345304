//! `POST /admin/connexion` and `POST /admin/deconnexion`.

use super::api::{LoginEcho, LoginFailure, LoginState};
use super::password;
use super::session::USER_ID_KEY;
use crate::i18n::*;
use crate::state::AppState;
use crate::survey::http::{read_form, render_page};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

fn unavailable() -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, td_string!(Locale::fr, common.unavailable_title)).into_response()
}

/// Logs a staff member in: on success a new session id is issued (no fixation) and the browser is
/// sent to `/admin` (303); on failure the login page comes back (401 or 422) with the e-mail kept
/// and one message that does not say which part was wrong.
pub async fn post_login(State(state): State<AppState>, session: Session, req: Request) -> Response {
    let (parts, fields) = match read_form(req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let field = |name: &str| crate::domain::survey_form::form_value(&fields, name).unwrap_or_default().to_string();
    let email = field("email").trim().to_string();
    let pass = field("password");
    let fail = |failure, status| {
        let echo = LoginEcho(LoginState { email: email.clone(), failure: Some(failure) });
        let state = state.clone();
        let parts = parts.clone();
        async move { render_page(&state, parts, echo, status).await }
    };
    if email.is_empty() || pass.is_empty() {
        return fail(LoginFailure::Missing, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let user = match state.store.user_by_email(&email).await {
        Ok(u) => u.filter(|u| u.active),
        Err(e) => {
            tracing::error!(error = %e, "login: store error");
            return unavailable();
        }
    };
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let ok = tokio::task::spawn_blocking(move || match hash {
        Some(h) => password::verify(&pass, &h),
        None => {
            let _ = password::verify(&pass, password::decoy_hash());
            false
        }
    })
    .await
    .unwrap_or(false);
    match user {
        Some(user) if ok => {
            if let Err(e) = session.cycle_id().await {
                tracing::error!(error = %e, "login: session error");
                return unavailable();
            }
            if let Err(e) = session.insert(USER_ID_KEY, user.id).await {
                tracing::error!(error = %e, "login: session error");
                return unavailable();
            }
            tracing::info!(user_id = user.id, "staff login");
            Redirect::to("/admin").into_response()
        }
        _ => {
            tracing::info!("failed staff login");
            fail(LoginFailure::BadCredentials, StatusCode::UNAUTHORIZED).await
        }
    }
}

/// Logs out: the session is destroyed, then back to the login page (303).
pub async fn post_logout(session: Session) -> Response {
    if let Err(e) = session.flush().await {
        tracing::error!(error = %e, "logout: session error");
    }
    Redirect::to("/admin/connexion").into_response()
}
