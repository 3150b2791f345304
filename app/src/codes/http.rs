//! Plain HTTP routes of the visit codes (work without JavaScript): the batch form's POST and the
//! CSV of a batch. Quality staff and admins only (403 for agents, login page when logged out).

use super::api::CodeBatchEcho;
use super::TOKEN_PURPOSE;
use crate::complaints::staff::access::{staff_of, Staff};
use crate::domain::survey_form::{form_value, normalize_text, FieldError, FieldErrorKind};
use crate::domain::visit_code::{parse_batch_size, survey_url, VisitCode, BATCH_MAX, LABEL_MAX_CHARS};
use crate::error::AppError;
use crate::export::{CsvDialect, CsvEncoder};
use crate::form::{FormNotice, FormState};
use crate::state::AppState;
use crate::store::{CodeBatchOutcome, NewCodeBatch};
use crate::survey::http::{read_form, render_page};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use std::collections::HashMap;
use tower_sessions::Session;

/// The staff member of `session` if they may manage codes (quality staff, admins).
///
/// # Errors
/// [`AppError::Unauthorized`] when logged out, [`AppError::Forbidden`] for an agent,
/// [`AppError::Unavailable`].
async fn code_manager(state: &AppState, session: &Session) -> Result<Staff, AppError> {
    let staff = staff_of(session, &state.store).await?;
    staff.require_template_manager()?;
    Ok(staff)
}

/// `POST /admin/codes-visite/creer`: `token`, `site` (slug), `libelle` (1 to
/// [`LABEL_MAX_CHARS`] characters), `nombre` (1 to [`BATCH_MAX`]). Created → 303 to the batch's
/// slips; a refused input → the page again (422) with what was typed and each error next to its
/// field; a form sent twice creates one batch (the second goes to the list).
pub async fn post_batch(State(state): State<AppState>, session: Session, req: Request) -> Response {
    let (mut parts, values) = match read_form(req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let staff = match code_manager(&state, &session).await {
        Ok(s) => s,
        Err(AppError::Unauthorized) => return Redirect::to("/admin/connexion").into_response(),
        Err(e) => return render_page(&state, parts, (), e.status()).await,
    };
    if let Ok(uri) = "/admin/codes-visite".parse() {
        parts.uri = uri;
    }
    let error = |name: &str, kind: FieldErrorKind| FieldError { question_key: name.to_string(), kind };
    let mut errors = Vec::new();
    let site = match form_value(&values, "site").map(str::trim).filter(|s| !s.is_empty()) {
        None => {
            errors.push(error("site", FieldErrorKind::Required));
            None
        }
        Some(slug) => match state.store.site_by_slug(slug).await {
            Ok(Some(s)) if staff.scope.allows(s.id) => Some(s),
            Ok(_) => {
                errors.push(error("site", FieldErrorKind::UnknownOption));
                None
            }
            Err(e) => return render_page(&state, parts, (), AppError::from(e).status()).await,
        },
    };
    let label = normalize_text(form_value(&values, "libelle").unwrap_or_default()).replace('\n', " ");
    let label_len = label.chars().count();
    if label.is_empty() {
        errors.push(error("libelle", FieldErrorKind::Required));
    } else if label_len > LABEL_MAX_CHARS {
        errors.push(error("libelle", FieldErrorKind::TooLong { max: LABEL_MAX_CHARS, actual: label_len }));
    }
    let size = parse_batch_size(form_value(&values, "nombre").unwrap_or_default());
    if size.is_none() {
        errors.push(error("nombre", FieldErrorKind::OutOfRange { min: 1, max: i64::from(BATCH_MAX) }));
    }
    let refuse = |errors: Vec<FieldError>, notice: Option<FormNotice>| {
        let echo = CodeBatchEcho { form: FormState { values: values.clone(), errors, notice } };
        let (state, parts) = (state.clone(), parts.clone());
        async move { render_page(&state, parts, echo, StatusCode::UNPROCESSABLE_ENTITY).await }
    };
    let (Some(site), Some(size), true) = (site, size, errors.is_empty()) else {
        return refuse(errors, None).await;
    };
    let now = Utc::now();
    let Ok(nonce) = state.tokens.verify(TOKEN_PURPOSE, form_value(&values, "token").unwrap_or_default(), now) else {
        return refuse(Vec::new(), Some(FormNotice::Expired)).await;
    };
    let batch = NewCodeBatch { site_id: site.id, label, size, created_by: staff.user.id, created_at: now, token_nonce: nonce };
    let mut rng = rand::rngs::OsRng;
    let mut next_code = move || VisitCode::from_random_bytes(|| rand::Rng::gen::<u8>(&mut rng));
    match state.store.create_code_batch(&batch, &mut next_code).await {
        Ok(CodeBatchOutcome::Created(id)) => Redirect::to(&format!("/admin/codes-visite/{id}")).into_response(),
        Ok(CodeBatchOutcome::TokenUsed) => Redirect::to("/admin/codes-visite").into_response(),
        Err(e) => render_page(&state, parts, (), AppError::from(e).status()).await,
    }
}

/// `GET /admin/codes-visite/{batch}/codes.csv[?format=rfc4180]`: the codes of a batch, one per
/// line (code, site, survey link with the code, day used), for printing on receipts. French Excel
/// CSV by default (BOM, `;`), plain RFC 4180 with `format=rfc4180`. 404 for an unknown batch.
pub async fn get_batch_csv(State(state): State<AppState>, session: Session, Path(id): Path<i64>, Query(q): Query<HashMap<String, String>>, req: Request) -> Response {
    let staff = match code_manager(&state, &session).await {
        Ok(s) => s,
        Err(AppError::Unauthorized) => return Redirect::to("/admin/connexion").into_response(),
        Err(e) => return e.status().into_response(),
    };
    let batch = match state.store.code_batch(id, &staff.scope).await {
        Ok(Some(b)) => b,
        Ok(None) => return (StatusCode::NOT_FOUND, "Lot de codes inconnu.").into_response(),
        Err(e) => return AppError::from(e).status().into_response(),
    };
    let codes = match state.store.batch_codes(id).await {
        Ok(c) => c,
        Err(e) => return AppError::from(e).status().into_response(),
    };
    let dialect = if q.get("format").is_some_and(|f| f.trim().eq_ignore_ascii_case("rfc4180")) { CsvDialect::Rfc4180 } else { CsvDialect::ExcelFr };
    let (parts, _) = req.into_parts();
    let (base, _) = state.public_url.base(Some(&parts));
    let header_row: Vec<String> = ["code", "site", "lien", "utilise_le"].map(String::from).to_vec();
    let mut csv = CsvEncoder::new(dialect, &header_row);
    for c in &codes {
        let used = c.used_on.map(|d| d.to_string()).unwrap_or_default();
        if let Err(e) = csv.row(&[c.code.display(), batch.site.name.clone(), survey_url(&base, &batch.site.slug, Some(&c.code)), used]) {
            tracing::error!(error = %e, "visit code CSV");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    }
    match csv.finish() {
        Ok(bytes) => (
            [(header::CONTENT_TYPE, dialect.content_type().to_string()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"codes-visite-{}-lot-{id}.csv\"", batch.site.slug))],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "visit code CSV");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
