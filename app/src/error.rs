//! The error type of the server-function boundary, shared by the server and the browser.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// Errors a page can receive from a server function. Each maps to a clear message in the UI and,
/// on plain HTTP routes, to a status (404, 401, 503, 500).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The site, campaign or page does not exist (404).
    #[error("not found")]
    NotFound,
    /// The user is not logged in, or not allowed (401).
    #[error("unauthorized")]
    Unauthorized,
    /// Logged in, but this role may not do this (403).
    #[error("forbidden")]
    Forbidden,
    /// The database is unreachable: the service is momentarily unavailable (503).
    #[error("service unavailable")]
    Unavailable,
    /// An error of the server-function machinery (network, encoding).
    #[error("server function error: {0}")]
    ServerFn(ServerFnErrorErr),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::ServerFn(value)
    }
}

#[cfg(feature = "ssr")]
impl From<crate::store::StoreError> for AppError {
    fn from(e: crate::store::StoreError) -> Self {
        tracing::error!(error = %e, "store error");
        AppError::Unavailable
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// HTTP status for plain routes.
    pub fn status(&self) -> http::StatusCode {
        match self {
            AppError::NotFound => http::StatusCode::NOT_FOUND,
            AppError::Unauthorized => http::StatusCode::UNAUTHORIZED,
            AppError::Forbidden => http::StatusCode::FORBIDDEN,
            AppError::Unavailable => http::StatusCode::SERVICE_UNAVAILABLE,
            AppError::ServerFn(_) => http::StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// The message of a refused cross-site request (plain HTTP answer, in French).
#[cfg(feature = "ssr")]
pub fn cross_site_refused_message() -> String {
    use crate::i18n::*;
    td_string!(Locale::fr, common.cross_site_refused).to_string()
}
