//! Server-side shared state, provided to server functions through the Leptos context and to plain
//! axum handlers as router state.

use crate::store::DynStore;
use crate::survey::token::FormTokens;
use crate::domain::calendar::WorkingCalendar;
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
    /// Deadline rules of the complaint box.
    pub complaints: ComplaintSettings,
    /// Login throttling and client-address hashing.
    pub security: SecuritySettings,
    /// Inactivity timings of the tablets' pages (`KIOSK_IDLE_SECONDS`, `KIOSK_WARNING_SECONDS`;
    /// see [`crate::kiosk`]).
    pub kiosk: crate::domain::kiosk::KioskTimings,
    /// `COOKIE_SECURE`: cookies set by the app (the tablet's) get `Secure`.
    pub secure_cookies: bool,
    /// Where the public pages are reached (QR codes of posters and visit-code slips).
    pub public_url: PublicUrl,
    /// The sites and current campaign last read, so that the public forms still show (and keep
    /// what visitors typed) while the database cannot be reached ([`crate::last_known`]).
    pub last_known: crate::last_known::LastKnown,
}

/// The public address printed in QR codes (`PUBLIC_BASE_URL`, see [`PublicUrl::base`]).
#[derive(Clone, Debug, Default)]
pub struct PublicUrl {
    /// `PUBLIC_BASE_URL` without its trailing slash, e.g. `https://avis.essonne.gouv.fr`.
    pub configured: Option<String>,
    /// `COOKIE_SECURE`: the site is served over HTTPS (scheme of an address built from `Host`).
    pub https: bool,
}

impl PublicUrl {
    /// The base of public links: `PUBLIC_BASE_URL` when set, else `http(s)://` + the request's
    /// `Host` header (`https` when [`PublicUrl::https`]), else `http://localhost`. The second
    /// value says whether it came from the configuration (the staff pages tell which).
    pub fn base(&self, parts: Option<&http::request::Parts>) -> (String, bool) {
        if let Some(base) = &self.configured {
            return (base.clone(), true);
        }
        let host = parts
            .and_then(|p| p.headers.get(http::header::HOST))
            .and_then(|h| h.to_str().ok())
            .filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')))
            .unwrap_or("localhost");
        (format!("{}://{host}", if self.https { "https" } else { "http" }), false)
    }
}

/// Login throttling and client addresses (from the configuration).
#[derive(Clone, Debug)]
pub struct SecuritySettings {
    /// Keyed hashes of client addresses and login e-mails (never stored in clear).
    pub keys: crate::auth::client::ClientKeys,
    /// `TRUST_PROXY`: the server sits behind one trusted reverse proxy, so the client address is
    /// the last one of `X-Forwarded-For` (default `false`: the socket peer).
    pub trust_proxy: bool,
    /// Failed-login policy (`LOGIN_DELAY_SECONDS`, `LOGIN_MAX_DELAY_SECONDS`; defaults in
    /// [`crate::domain::throttle::ThrottlePolicy::default`]).
    pub throttle: crate::domain::throttle::ThrottlePolicy,
    /// In-memory hourly limits of the public forms (`PUBLIC_FORM_LIMIT_PER_HOUR`,
    /// `TRACKING_LIMIT_PER_HOUR`; see [`crate::form_guard`]).
    pub public_limiter: std::sync::Arc<crate::form_guard::PublicLimiter>,
    /// Absolute lifetime of a staff session, whatever its activity (`SESSION_MAX_HOURS`, default
    /// [`crate::domain::account::DEFAULT_SESSION_MAX_HOURS`] hours).
    pub session_max_age: chrono::TimeDelta,
}

impl SecuritySettings {
    /// The client address of the request `parts` (see [`crate::auth::client::client_ip`];
    /// `None` when unknown). Never stored as is.
    pub fn client_ip(&self, parts: &http::request::Parts) -> Option<std::net::IpAddr> {
        crate::auth::client::client_ip(parts, self.trust_proxy)
    }

    /// The hash of the client address of the request `parts` (`None` when unknown).
    pub fn client_hash(&self, parts: &http::request::Parts) -> Option<String> {
        self.client_ip(parts).map(|ip| self.keys.address(ip))
    }
}

/// Deadline rules of the complaint box (from the configuration).
#[derive(Clone, Debug)]
pub struct ComplaintSettings {
    /// Working days allowed for a reply (Services Publics+ engagement 4; default 15).
    pub reply_days: u32,
    /// Public holidays of the working-day count.
    pub calendar: WorkingCalendar,
    /// Whether an SMTP server is configured (otherwise e-mail waits in the outbox).
    pub smtp_configured: bool,
    /// `RETENTION_MONTHS`: months the personal data of a closed complaint is kept after its
    /// closing (default 12; GDPR art. 5(1)(e)), shown on the privacy notice.
    pub retention_months: u32,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Provides what every Leptos render and server function of a request needs: the [`AppState`],
/// the request's language ([`crate::language::RequestLanguage`], chosen by
/// [`crate::language::language_middleware`]), the tablet the request comes from
/// ([`crate::kiosk::KioskContext`], resolved from its cookie by [`crate::kiosk::resolve`]; absent on
/// any other browser), and the request's Content-Security-Policy nonce (put in the request's
/// extensions by the
/// server's security middleware, which sends the same value in the `Content-Security-Policy`
/// header), so that the hydration and streaming `<script>`s Leptos writes carry it. Leptos
/// provides a random nonce of its own first; this one replaces it. Call it from the
/// `additional_context` closures of `leptos_axum`.
pub fn provide_request_context(state: &AppState) {
    use leptos::prelude::{provide_context, use_context};
    provide_context(state.clone());
    let parts = use_context::<http::request::Parts>();
    if let Some(kiosk) = parts.as_ref().and_then(crate::kiosk::of_parts) {
        provide_context(kiosk);
    }
    if let Some(nonce) = parts.as_ref().and_then(|p| p.extensions.get::<leptos::nonce::Nonce>().cloned()) {
        provide_context(nonce);
    }
    if let Some(language) = parts.as_ref().and_then(|p| p.extensions.get::<crate::language::RequestLanguage>().copied()) {
        provide_context(language);
    }
}

/// The state from the Leptos context (server functions and SSR).
///
/// # Errors
/// [`crate::error::AppError::Unavailable`] when called outside a request (a wiring bug).
pub fn app_state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>().ok_or(crate::error::AppError::Unavailable)
}
