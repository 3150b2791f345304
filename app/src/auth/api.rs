//! Server functions of the login page.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Why the previous login attempt failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoginFailure {
    /// A field was empty.
    Missing,
    /// Unknown e-mail, wrong password or disabled account (never says which).
    BadCredentials,
    /// Too many failed logins for this e-mail or from this address (never says which): refused
    /// without checking the password for `minutes` more minutes (rounded up, at least 1).
    Throttled {
        /// Minutes left.
        minutes: u32,
    },
}

/// What the login page shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LoginState {
    /// E-mail typed in the previous attempt (kept on error).
    pub email: String,
    /// The previous attempt's failure.
    pub failure: Option<LoginFailure>,
}

/// The posted login form of a page rendered in answer to a failed login POST.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug)]
pub struct LoginEcho(pub LoginState);

/// State of the login page (the previous attempt's e-mail and failure, if any).
#[server(prefix = "/srv", endpoint = "auth/login-state")]
pub async fn load_login_state() -> Result<LoginState, AppError> {
    Ok(use_context::<LoginEcho>().map(|e| e.0).unwrap_or_default())
}
