//! `POST /admin/connexion` and `POST /admin/deconnexion`.

use super::api::{LoginEcho, LoginFailure, LoginState};
use super::client::normalise_email;
use super::password;
use super::session::user_of;
use super::throttle::LoginAttempt;
use crate::audit::record;
use crate::domain::audit::AuditAction;
use crate::domain::throttle::Verdict;
use crate::i18n::*;
use crate::state::AppState;
use crate::store::AuditEntry;
use crate::survey::http::{read_form, render_page};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use tower_sessions::Session;

fn unavailable() -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, td_string!(Locale::fr, common.unavailable_title)).into_response()
}

/// Logs a staff member in: on success a new session id is issued (no fixation), the session gets
/// its absolute deadline (`SESSION_MAX_HOURS`) and the browser is sent to `/admin` (303), or to
/// `/admin/mot-de-passe` when the password was set by an admin and must be changed; on failure the login page comes back (401 or 422) with the e-mail kept
/// and one message that does not say which part was wrong.
///
/// Failed logins are counted per account and per client address (see
/// [`crate::domain::throttle`]): while either is locked, the attempt is refused without checking
/// the password — 429 with `Retry-After` (seconds) and "réessayez dans N minutes", the same
/// whether the e-mail belongs to an account or not. Every outcome goes to the audit log (the
/// e-mail typed, never the password).
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
    let now = Utc::now();
    let client = state.security.client_hash(&parts);
    let typed = normalise_email(&email);
    let attempt = LoginAttempt::new(&state.security, &email, client.clone());
    match attempt.verdict(&state.store, now).await {
        Ok(Verdict::Allowed) => {}
        Ok(v @ Verdict::Throttled { .. }) => {
            tracing::warn!("staff login refused: too many failures");
            record(&state, AuditEntry::new(AuditAction::LoginThrottled, now).email(&typed).client(client)).await;
            let mut response = fail(LoginFailure::Throttled { minutes: v.minutes_left(now) }, StatusCode::TOO_MANY_REQUESTS).await;
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(v.seconds_left(now)));
            return response;
        }
        Err(e) => {
            tracing::error!(error = %e, "login: store error");
            return unavailable();
        }
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
            if let Err(e) = attempt.succeeded(&state.store).await {
                tracing::error!(error = %e, "login: store error");
                return unavailable();
            }
            if let Err(e) = session.cycle_id().await {
                tracing::error!(error = %e, "login: session error");
                return unavailable();
            }
            if super::session::start(&session, user.id, now, state.security.session_max_age).await.is_err() {
                return unavailable();
            }
            tracing::info!(user_id = user.id, "staff login");
            record(&state, AuditEntry::new(AuditAction::Login, now).by(&user).client(client)).await;
            Redirect::to(if user.must_change_password { super::session::PASSWORD_PAGE } else { "/admin" }).into_response()
        }
        _ => {
            tracing::info!("failed staff login");
            if let Err(e) = attempt.failed(&state.store, &state.security, now).await {
                tracing::error!(error = %e, "login: store error");
                return unavailable();
            }
            record(&state, AuditEntry::new(AuditAction::LoginFailed, now).email(&typed).client(client)).await;
            fail(LoginFailure::BadCredentials, StatusCode::UNAUTHORIZED).await
        }
    }
}

/// Logs out: the session is destroyed (and the logout recorded in the audit log), then back to
/// the login page (303).
pub async fn post_logout(State(state): State<AppState>, session: Session, req: Request) -> Response {
    match user_of(&session, &state.store).await {
        Ok(Some(user)) => {
            let (parts, _) = req.into_parts();
            let entry = AuditEntry::new(AuditAction::Logout, Utc::now()).by(&user).client(state.security.client_hash(&parts));
            record(&state, entry).await;
        }
        Ok(None) => {}
        Err(e) => tracing::error!(error = ?e, "logout: session error"),
    }
    if let Err(e) = session.flush().await {
        tracing::error!(error = %e, "logout: session error");
    }
    Redirect::to("/admin/connexion").into_response()
}
