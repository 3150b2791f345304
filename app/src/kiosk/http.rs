//! Plain POST routes of `/admin/tablettes` (admins only, work without JavaScript): enrolling the
//! browser that sends the form, and revoking a tablet. Both are written to the audit log
//! (`tablet_enrolled`, `tablet_revoked`; never the token).

use super::admin::TabletsEcho;
use super::TOKEN_PURPOSE;
use crate::admin::http::admin_staff_form;
use crate::audit::record;
use crate::domain::audit::AuditAction;
use crate::domain::kiosk::{new_token, parse_label, set_cookie_value, token_hash, START_PATH};
use crate::domain::survey_form::{form_value, FieldError, FieldErrorKind};
use crate::form::{FormNotice, FormState};
use crate::state::AppState;
use crate::store::{AuditEntry, EnrolOutcome, NewTablet};
use crate::survey::http::render_page;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use tower_sessions::Session;

fn error(name: &str, kind: FieldErrorKind) -> FieldError {
    FieldError { question_key: name.to_string(), kind }
}

/// `POST /admin/tablettes/enroler`: `token` (one-time), `site` (slug of an active site),
/// `libelle` (the tablet's label, 1 to 100 characters). Enrols **the browser that sends it**:
///
/// 1. stores the tablet with the SHA-256 of a new 256-bit random token (a double submit stores
///    one; the second finds the session already ended and gets the login page);
/// 2. revokes the tablet this browser was before, if any (its cookie is replaced);
/// 3. writes `tablet_enrolled` to the audit log;
/// 4. ends the admin's session (no staff session stays on a kiosk);
/// 5. answers 303 to `/borne` with the cookie (`borne`, `HttpOnly`, `SameSite=Strict`, about
///    three years, `Secure` with `COOKIE_SECURE`).
///
/// A refused input (no site, unknown site, no label, too long, expired form) comes back (422)
/// with what was typed kept. Other roles: 403; logged out: the login page.
pub async fn post_enrol(State(state): State<AppState>, session: Session, req: Request) -> Response {
    let (mut parts, values, staff) = match admin_staff_form(&state, &session, req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    if let Ok(uri) = "/admin/tablettes".parse() {
        parts.uri = uri;
    }
    let sites = match state.store.list_sites().await {
        Ok(s) => s,
        Err(e) => return render_page(&state, parts, (), crate::error::AppError::from(e).status()).await,
    };
    let mut errors = Vec::new();
    let slug = form_value(&values, "site").unwrap_or_default().trim().to_string();
    let site = if slug.is_empty() {
        errors.push(error("site", FieldErrorKind::Required));
        None
    } else {
        let site = sites.iter().find(|s| s.slug == slug);
        if site.is_none() {
            errors.push(error("site", FieldErrorKind::UnknownOption));
        }
        site
    };
    let label = match parse_label(form_value(&values, "libelle").unwrap_or_default()) {
        Ok(l) => Some(l),
        Err(kind) => {
            errors.push(error("libelle", kind));
            None
        }
    };
    let refuse = |errors: Vec<FieldError>, notice: Option<FormNotice>| {
        let echo = TabletsEcho(FormState { values: values.clone(), errors, notice });
        let (state, parts) = (state.clone(), parts.clone());
        async move { render_page(&state, parts, echo, StatusCode::UNPROCESSABLE_ENTITY).await }
    };
    let (Some(site), Some(label), true) = (site, label, errors.is_empty()) else {
        return refuse(errors, None).await;
    };
    let now = Utc::now();
    let Ok(nonce) = state.tokens.verify(TOKEN_PURPOSE, form_value(&values, "token").unwrap_or_default(), now) else {
        return refuse(Vec::new(), Some(FormNotice::Expired)).await;
    };
    let token = new_token();
    let tablet = NewTablet { site_id: site.id, label: label.clone(), token_hash: token_hash(&token), created_by: staff.user.id };
    let id = match state.store.enrol_tablet(&tablet, &nonce, now).await {
        Ok(EnrolOutcome::Enrolled(id)) => id,
        // Sent twice: the first one enrolled the browser and ended the session.
        Ok(EnrolOutcome::TokenUsed) => return Redirect::to(START_PATH).into_response(),
        Err(e) => return render_page(&state, parts, (), crate::error::AppError::from(e).status()).await,
    };
    // (Staff paths are not kiosk paths: the previous tablet is looked up here.)
    if let Some(previous) = super::tablet_of(&state, &parts.headers).await {
        match state.store.revoke_tablet(previous.tablet_id, Some(staff.user.id), now).await {
            Ok(_) => tracing::info!(tablet = previous.tablet_id, "tablet replaced by a new enrolment of the same browser: revoked"),
            Err(e) => tracing::error!(error = %e, tablet = previous.tablet_id, "could not revoke the replaced tablet"),
        }
    }
    tracing::info!(tablet = id, site = %site.slug, "tablet enrolled");
    let entry = AuditEntry::new(AuditAction::TabletEnrolled, now)
        .by(&staff.user)
        .target(format!("tablette {id}"))
        .details(format!("{} – {label}", site.name))
        .client(state.security.client_hash(&parts));
    record(&state, entry).await;
    if let Err(e) = session.flush().await {
        tracing::error!(error = %e, "enrolment: the admin's session could not be ended");
    }
    let mut response = Redirect::to(START_PATH).into_response();
    match HeaderValue::from_str(&set_cookie_value(&token, state.secure_cookies)) {
        Ok(cookie) => {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
        // Hex digits and fixed text: always a valid header value.
        Err(_) => return render_page(&state, parts, (), StatusCode::SERVICE_UNAVAILABLE).await,
    }
    response
}

/// `POST /admin/tablettes/{id}/revocation`: revokes tablet `id` at once (its cookie no longer
/// works from its next request) and writes `tablet_revoked` to the audit log. → 303 to
/// `/admin/tablettes?revoquee=1`; a tablet already revoked changes nothing (same redirect, no new
/// audit entry); unknown id: 404. Other roles: 403; logged out: the login page.
pub async fn post_revoke(State(state): State<AppState>, session: Session, Path(id): Path<String>, req: Request) -> Response {
    let (parts, _values, staff) = match admin_staff_form(&state, &session, req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let tablets = match state.store.list_tablets().await {
        Ok(t) => t,
        Err(e) => return render_page(&state, parts, (), crate::error::AppError::from(e).status()).await,
    };
    let Some(tablet) = id.parse::<i64>().ok().and_then(|id| tablets.into_iter().find(|t| t.id == id)) else {
        return render_page(&state, parts, (), StatusCode::NOT_FOUND).await;
    };
    let now = Utc::now();
    match state.store.revoke_tablet(tablet.id, Some(staff.user.id), now).await {
        Ok(true) => {
            tracing::info!(tablet = tablet.id, "tablet revoked");
            let entry = AuditEntry::new(AuditAction::TabletRevoked, now)
                .by(&staff.user)
                .target(format!("tablette {}", tablet.id))
                .details(format!("{} – {}", tablet.site.name, tablet.label))
                .client(state.security.client_hash(&parts));
            record(&state, entry).await;
        }
        Ok(false) => {}
        Err(e) => return render_page(&state, parts, (), crate::error::AppError::from(e).status()).await,
    }
    Redirect::to("/admin/tablettes?revoquee=1").into_response()
}
