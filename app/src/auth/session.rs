//! The logged-in staff member, from the tower-sessions session.

use crate::error::AppError;
use crate::store::{DynStore, User};
use tower_sessions::Session;

/// Session key holding the logged-in user's id.
pub const USER_ID_KEY: &str = "user_id";

/// The active user of `session`, if any (a disabled or deleted account counts as logged out).
///
/// # Errors
/// [`AppError::Unavailable`] when the session store or the database fails.
pub async fn user_of(session: &Session, store: &DynStore) -> Result<Option<User>, AppError> {
    let id: Option<i64> = session.get(USER_ID_KEY).await.map_err(|e| {
        tracing::error!(error = %e, "session store error");
        AppError::Unavailable
    })?;
    let Some(id) = id else { return Ok(None) };
    Ok(store.user_by_id(id).await?.filter(|u| u.active))
}

/// The logged-in user of the current request (server functions and SSR).
///
/// # Errors
/// [`AppError::Unauthorized`] when nobody is logged in.
pub async fn require_user() -> Result<User, AppError> {
    let state = crate::state::app_state()?;
    let session = leptos_axum::extract::<Session>().await.map_err(|_| AppError::Unauthorized)?;
    user_of(&session, &state.store).await?.ok_or(AppError::Unauthorized)
}
