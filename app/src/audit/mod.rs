//! The audit log of staff actions: recording (from the handlers of the other features) and the
//! admins' journal page `/admin/journal` ([`page`]). Entries are append-only (see
//! [`crate::store::AuditStore`]); the closed list of actions is [`crate::domain::audit::AuditAction`].
//!
//! Recording from a plain axum handler or a server function:
//!
//! ```ignore
//! use crate::domain::audit::AuditAction;
//! use crate::store::AuditEntry;
//! crate::audit::record(&state, AuditEntry::new(AuditAction::Export, chrono::Utc::now()).by(&staff.user).details("réponses CSV").client(state.security.client_hash(&parts))).await;
//! ```

pub mod page;

#[cfg(feature = "ssr")]
use crate::state::AppState;
#[cfg(feature = "ssr")]
use crate::store::AuditEntry;

/// Appends `entry` to the audit log. A database failure is logged (`tracing::error!`) and does
/// not fail the action being recorded: the action has happened (or its own store call would
/// have failed first).
#[cfg(feature = "ssr")]
pub async fn record(state: &AppState, entry: AuditEntry) {
    if let Err(e) = state.store.audit(&entry).await {
        tracing::error!(error = %e, action = entry.action.as_str(), "audit log: entry not stored");
    }
}

/// The client-address hash of the current request (server functions and SSR; `None` outside a
/// request or when the address is unknown).
#[cfg(feature = "ssr")]
pub fn request_client_hash(state: &AppState) -> Option<String> {
    leptos::prelude::use_context::<http::request::Parts>().and_then(|parts| state.security.client_hash(&parts))
}
