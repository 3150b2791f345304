//! The logged-in staff member, from the tower-sessions session, and the two rules every staff
//! request goes through:
//!
//! - **absolute lifetime**: at login the session gets a deadline (login time + `SESSION_MAX_HOURS`,
//!   default [`crate::domain::account::DEFAULT_SESSION_MAX_HOURS`] h); from then on it counts as
//!   logged out and is flushed, however active it was ([`user_of`]). The 30-minute idle timeout is
//!   tower-sessions' own (`server/src/lib.rs`).
//! - **forced password change**: an account whose password was set by an admin must choose a new
//!   one before anything else. [`password_change_guard`] (an axum middleware on the whole router)
//!   sends every staff page, server function and HTTP route to `/admin/mot-de-passe`;
//!   [`require_user`] and `complaints::staff::access::staff_of` refuse such a user too, as a
//!   second line.

use crate::error::AppError;
use crate::store::{DynStore, User};
use chrono::{DateTime, Utc};
use tower_sessions::Session;

/// Session key holding the logged-in user's id.
pub const USER_ID_KEY: &str = "user_id";
/// Session key holding the login time (UTC, RFC 3339).
pub const LOGIN_AT_KEY: &str = "login_at";
/// Session key holding the absolute end of the session (UTC, RFC 3339): login time + the maximum
/// session age configured at login.
pub const DEADLINE_KEY: &str = "session_deadline";
/// The page where a user changes their password (the one staff page open to a user who must).
pub const PASSWORD_PAGE: &str = "/admin/mot-de-passe";

fn session_error(e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "session store error");
    AppError::Unavailable
}

/// Marks `session` as logged in for `user_id` at `now`, for at most `max_age`. Call after
/// `cycle_id` (no session fixation).
///
/// # Errors
/// [`AppError::Unavailable`] when the session store fails.
pub async fn start(session: &Session, user_id: i64, now: DateTime<Utc>, max_age: chrono::TimeDelta) -> Result<(), AppError> {
    let deadline = crate::domain::account::session_deadline(now, max_age);
    session.insert(USER_ID_KEY, user_id).await.map_err(session_error)?;
    session.insert(LOGIN_AT_KEY, now).await.map_err(session_error)?;
    session.insert(DEADLINE_KEY, deadline).await.map_err(session_error)
}

/// The active user of `session`, if any. A disabled or deleted account counts as logged out, and
/// so does a session past its absolute deadline (which is then flushed). The user may still have
/// to change their password (`must_change_password`): see [`require_user`].
///
/// # Errors
/// [`AppError::Unavailable`] when the session store or the database fails.
pub async fn user_of(session: &Session, store: &DynStore) -> Result<Option<User>, AppError> {
    let id: Option<i64> = session.get(USER_ID_KEY).await.map_err(session_error)?;
    let Some(id) = id else { return Ok(None) };
    // A value that does not parse counts as no deadline: logged out.
    let deadline: Option<DateTime<Utc>> = session.get(DEADLINE_KEY).await.ok().flatten();
    if crate::domain::account::session_expired(deadline, Utc::now()) {
        tracing::info!(user_id = id, "session past its absolute lifetime: logged out");
        session.flush().await.map_err(session_error)?;
        return Ok(None);
    }
    Ok(store.user_by_id(id).await?.filter(|u| u.active))
}

/// `user` if they may use the staff pages now: [`AppError::Forbidden`] while they must change
/// their password (the middleware normally redirects them before this).
///
/// # Errors
/// [`AppError::Forbidden`].
pub fn cleared(user: User) -> Result<User, AppError> {
    if user.must_change_password {
        Err(AppError::Forbidden)
    } else {
        Ok(user)
    }
}

/// The logged-in user of the current request (server functions and SSR), who does not have to
/// change their password first.
///
/// # Errors
/// [`AppError::Unauthorized`] when nobody is logged in; [`AppError::Forbidden`] while the
/// password must be changed.
pub async fn require_user() -> Result<User, AppError> {
    cleared(current_user().await?)
}

/// The logged-in user of the current request, even one who must change their password (the
/// password page only).
///
/// # Errors
/// [`AppError::Unauthorized`] when nobody is logged in.
pub async fn current_user() -> Result<User, AppError> {
    let state = crate::state::app_state()?;
    let session = leptos_axum::extract::<Session>().await.map_err(|_| AppError::Unauthorized)?;
    user_of(&session, &state.store).await?.ok_or(AppError::Unauthorized)
}

/// Whether `path` stays open to a logged-in user who must change their password: the password
/// page and its form, login and logout, and the server functions of those pages (`/srv/auth/…`).
/// Public pages (anything outside `/admin` and `/srv`) are not concerned.
pub fn open_during_password_change(path: &str) -> bool {
    let staff = path == "/admin" || path.starts_with("/admin/") || path.starts_with("/srv/");
    !staff || path == PASSWORD_PAGE || path == "/admin/connexion" || path == "/admin/deconnexion" || path.starts_with("/srv/auth/")
}

/// Axum middleware (inside the session layer): a logged-in user who must change their password
/// is sent to [`PASSWORD_PAGE`] (303) from every other staff page, server function and HTTP
/// route. Everyone else passes through untouched.
pub async fn password_change_guard(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    session: Session,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if open_during_password_change(req.uri().path()) {
        return next.run(req).await;
    }
    match user_of(&session, &state.store).await {
        Ok(Some(user)) if user.must_change_password => axum::response::Redirect::to(PASSWORD_PAGE).into_response(),
        _ => next.run(req).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_password_page_and_login_stay_open() {
        for open in ["/", "/enquete/evry", "/reclamation", "/admin/mot-de-passe", "/admin/connexion", "/admin/deconnexion", "/srv/auth/password-state", "/pkg/avis.css"] {
            assert!(open_during_password_change(open), "{open}");
        }
        for closed in ["/admin", "/admin/", "/admin/reclamations", "/admin/comptes/3/modifier", "/admin/export/reponses", "/srv/admin/journal", "/admin/mot-de-passe/x"] {
            assert!(!open_during_password_change(closed), "{closed}");
        }
    }
}
