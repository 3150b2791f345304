//! Server-side shared state, provided to server functions through the Leptos context and to plain
//! axum handlers as router state.

use crate::store::DynStore;
use crate::survey::token::FormTokens;
use leptos::config::LeptosOptions;

/// Everything a request handler needs. Cheap to clone (shared handles).
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: DynStore,
    /// Issues and checks one-time form tokens.
    pub tokens: FormTokens,
    /// Leptos options (site root, output name), for rendering pages from plain handlers.
    pub leptos_options: LeptosOptions,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state from the Leptos context (server functions and SSR).
///
/// # Errors
/// [`crate::error::AppError::Unavailable`] when called outside a request (a wiring bug).
pub fn app_state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>().ok_or(crate::error::AppError::Unavailable)
}
