//! On-site tablets (kiosk mode, issue 6).
//!
//! - An admin enrols a browser as a tablet of one site on `/admin/tablettes` ([`admin`], POSTs in
//!   [`http`]): the browser gets the long-lived cookie of [`crate::domain::kiosk`], the admin's
//!   session ends, and the browser lands on the start screen `/borne` ([`page::StartPage`]).
//! - Every request of that browser is recognised **on the server** from the cookie by the
//!   middleware [`resolve`], which puts a [`KioskContext`] in the request's extensions (and
//!   `Cache-Control: no-store` on the answer); [`crate::state::provide_request_context`] hands it
//!   to Leptos. The survey and complaint pages and handlers read it ([`current`], [`of_parts`]) to
//!   store the channel `tablette`, skip the hourly limit per address, turn browser autofill off,
//!   and lead back to `/borne`. Nothing the browser sends besides the cookie decides it.
//! - On kiosk pages an island ([`page::KioskIdle`], hydrated in the browser) clears the page after inactivity.
//!
//! Staff pages (`/admin…`) are never in kiosk mode, and kiosk pages never read the staff session.

pub mod admin;
pub mod page;

#[cfg(feature = "ssr")]
pub mod http;

use crate::domain::kiosk::KioskTimings;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Purpose of the enrolment form's one-time token.
pub const TOKEN_PURPOSE: &str = "admin:tablet";

/// What the pages of a tablet know about it (no secret in it: its server function answers the
/// browser too; the inactivity dialog's island receives only `timings`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskInfo {
    /// Slug of the tablet's site.
    pub site_slug: String,
    /// Name of the tablet's site.
    pub site_name: String,
    /// The tablet's label.
    pub label: String,
    /// Inactivity timings (`KIOSK_IDLE_SECONDS`, `KIOSK_WARNING_SECONDS`).
    pub timings: KioskTimings,
}

/// The tablet a request comes from, as resolved by [`resolve`] (request extension, and Leptos
/// context through [`crate::state::provide_request_context`]).
#[cfg(feature = "ssr")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KioskContext {
    /// Tablet id.
    pub tablet_id: i64,
    /// What the pages show and use.
    pub info: KioskInfo,
}

/// Whether requests to `path` may be in kiosk mode: everything but the staff area and static
/// files (`/pkg/…`, any last segment with a dot), which need no tablet look-up.
pub fn kiosk_path(path: &str) -> bool {
    let staff = path == "/admin" || path.starts_with("/admin/");
    let file = path.starts_with("/pkg/") || path.rsplit('/').next().is_some_and(|last| last.contains('.'));
    !staff && !file && path != "/healthz"
}

/// Axum middleware: resolves the tablet of the request from its cookie
/// ([`crate::domain::kiosk::COOKIE_NAME`]) on kiosk paths ([`kiosk_path`]). A working tablet's
/// request gets a [`KioskContext`] extension, and its answer `Cache-Control: no-store` (so that
/// "back" never shows a page of the previous visitor from the cache). An unknown or revoked token
/// is simply no tablet; a database failure is logged and counts as no tablet.
#[cfg(feature = "ssr")]
pub async fn resolve(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let kiosk = if kiosk_path(req.uri().path()) { tablet_of(&state, req.headers()).await } else { None };
    let is_kiosk = kiosk.is_some();
    if let Some(k) = kiosk {
        req.extensions_mut().insert(k);
    }
    let mut res = next.run(req).await;
    if is_kiosk {
        res.headers_mut().insert(::http::header::CACHE_CONTROL, ::http::HeaderValue::from_static("no-store"));
    }
    res
}

/// The working tablet whose cookie is in `headers`, if any (this looks it up and marks it seen;
/// the middleware [`resolve`] does it for kiosk paths). A database failure is logged and counts
/// as no tablet.
#[cfg(feature = "ssr")]
pub async fn tablet_of(state: &crate::state::AppState, headers: &::http::HeaderMap) -> Option<KioskContext> {
    let token = headers.get_all(::http::header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(crate::domain::kiosk::token_from_cookie_header)?;
    match state.store.tablet_seen(&crate::domain::kiosk::token_hash(token), chrono::Utc::now()).await {
        Ok(t) => t.map(|t| KioskContext {
            tablet_id: t.id,
            info: KioskInfo { site_slug: t.site.slug, site_name: t.site.name, label: t.label, timings: state.kiosk },
        }),
        Err(e) => {
            tracing::error!(error = %e, "tablet look-up failed");
            None
        }
    }
}

/// The tablet of the request `parts` (plain axum handlers).
#[cfg(feature = "ssr")]
pub fn of_parts(parts: &::http::request::Parts) -> Option<KioskContext> {
    parts.extensions.get::<KioskContext>().cloned()
}

/// The tablet of the current request (server functions and SSR).
#[cfg(feature = "ssr")]
pub fn current() -> Option<KioskContext> {
    use_context::<KioskContext>()
}

/// The client address to count against the hourly limit of the public forms
/// ([`crate::form_guard::screen`]): `None` for a tablet (many visitors share one tablet and its
/// address, so registered tablets are exempt), the request's address otherwise.
#[cfg(feature = "ssr")]
pub fn limited_client(state: &crate::state::AppState, parts: &::http::request::Parts, kiosk: Option<&KioskContext>) -> Option<std::net::IpAddr> {
    if kiosk.is_some() {
        None
    } else {
        state.security.client_ip(parts)
    }
}

/// The tablet of the current request as the pages see it; `None` on any other browser.
#[server(prefix = "/srv", endpoint = "kiosk/info")]
pub async fn load_kiosk_info() -> Result<Option<KioskInfo>, AppError> {
    Ok(current().map(|k| k.info))
}

/// The kiosk state of the page, loaded once per page load (see [`provide_kiosk`]).
#[derive(Clone, Copy)]
pub struct KioskResource(pub Resource<Result<Option<KioskInfo>, AppError>>);

/// Creates the page's [`KioskResource`] and provides it (call once, in `App`).
pub fn provide_kiosk() {
    provide_context(KioskResource(Resource::new(|| (), |_| load_kiosk_info())));
}

/// The tablet of this page, or `None` (not a tablet, or unknown: a failed look-up counts as no
/// tablet). Await it inside a `Suspense`.
pub async fn kiosk() -> Option<KioskInfo> {
    match use_context::<KioskResource>() {
        Some(r) => r.0.await.ok().flatten(),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::kiosk_path;

    #[test]
    fn staff_pages_and_files_are_never_kiosk_pages() {
        for yes in ["/", "/borne", "/enquete/evry", "/reclamation/envoi", "/srv/survey/submit", "/enquete/evry/merci"] {
            assert!(kiosk_path(yes), "{yes}");
        }
        for no in ["/admin", "/admin/tablettes", "/pkg/avis.js", "/favicon.svg", "/healthz"] {
            assert!(!kiosk_path(no), "{no}");
        }
    }
}
