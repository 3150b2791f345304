//! HTTP hardening shared by every route: a same-origin check on state-changing requests (Leptos has
//! no CSRF protection of its own) and security headers.

use axum::extract::Request;
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

/// Adds `X-Content-Type-Options`, `Referrer-Policy`, `X-Frame-Options` and a
/// `Content-Security-Policy` forbidding framing and plugins.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("content-security-policy", HeaderValue::from_static("frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'"));
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
}
