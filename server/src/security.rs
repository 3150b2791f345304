//! HTTP hardening shared by every route: a same-origin check on state-changing requests (Leptos has
//! no CSRF protection of its own) and security headers.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Whether a non-GET request comes from another site: `Sec-Fetch-Site: cross-site`, or an
/// `Origin` whose host differs from the `Host` header. Requests without either header (curl,
/// old browsers) pass: the session cookie is `SameSite=Lax` and public forms carry one-time tokens.
pub fn is_cross_site(headers: &HeaderMap) -> bool {
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return false };
    if origin == "null" {
        return true;
    }
    let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or(origin);
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    !origin_host.eq_ignore_ascii_case(host)
}

/// Refuses cross-site state-changing requests with 403.
pub async fn same_origin_guard(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && is_cross_site(req.headers()) {
        return (StatusCode::FORBIDDEN, app::error::cross_site_refused_message()).into_response();
    }
    next.run(req).await
}

/// The `Content-Security-Policy` of every response, for the request nonce `nonce`.
///
/// - Scripts: our own files, the inline scripts Leptos writes for hydration and streaming (they
///   carry `nonce`), and WebAssembly compilation (`'wasm-unsafe-eval'`, needed by the islands'
///   wasm); no other inline script, no `eval`.
/// - Styles, fonts, images, fetches: same origin only (images may also be `data:` URIs, used by
///   the stylesheet's icons). No inline `style` attribute either: colours are SVG attributes.
/// - No plugins, no `<base>` elsewhere, forms post only here, and no framing by any site
///   (clickjacking).
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// `Strict-Transport-Security` sent when the site is served over HTTPS (`COOKIE_SECURE=true`):
/// browsers then refuse plain HTTP to this host for two years (the value recommended by the
/// ANSSI and hstspreload.org). Sub-domains are not included: they may be other services.
pub const HSTS: &str = "max-age=63072000";

/// Security headers of every response: `Content-Security-Policy` (see
/// [`content_security_policy`]) with a fresh nonce per request, `X-Content-Type-Options`,
/// `Referrer-Policy`, `X-Frame-Options` (for browsers without `frame-ancestors`), and, when
/// `https` (the `COOKIE_SECURE` setting: served over HTTPS), [`HSTS`].
///
/// The nonce (128 random bits, base64url) is put in the request's extensions as a
/// [`leptos::nonce::Nonce`]; `app::state::provide_request_context` hands it to Leptos, which writes
/// it on each inline `<script>` of the page.
pub async fn security_headers(State(https): State<bool>, mut req: Request, next: Next) -> Response {
    let nonce = leptos::nonce::Nonce::new();
    let csp = content_security_policy(&nonce);
    req.extensions_mut().insert(nonce);
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    // A base64url nonce is always valid header text; the fallback only keeps this panic-free.
    let csp = HeaderValue::from_str(&csp).unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'"));
    h.insert("content-security-policy", csp);
    if https {
        h.insert("strict-transport-security", HeaderValue::from_static(HSTS));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn same_origin_passes_cross_site_fails() {
        assert!(!is_cross_site(&headers(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3000")])));
        assert!(is_cross_site(&headers(&[("host", "127.0.0.1:3000"), ("origin", "https://evil.example")])));
        assert!(is_cross_site(&headers(&[("host", "a"), ("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("host", "a"), ("origin", "null")])));
        assert!(!is_cross_site(&headers(&[("host", "a")])));
    }

    #[test]
    fn policy_allows_only_the_nonced_inline_scripts() {
        let csp = content_security_policy("abc_123");
        assert!(csp.contains("script-src 'self' 'nonce-abc_123' 'wasm-unsafe-eval';"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(HeaderValue::from_str(&csp).is_ok());
    }
}
