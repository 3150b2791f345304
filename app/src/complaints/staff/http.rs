//! Plain POST routes of the staff side (work with JavaScript off). Each checks the session and
//! the site scope before anything is read or written; a complaint outside the member's sites
//! answers 404 as an unknown one.

use super::access::{staff_of, Staff};
use super::api::StaffEcho;
use crate::complaints::filing::{acknowledgement, file, Filing};
use crate::domain::complaint::{fields, looks_like_email, ComplaintChannel, ComplaintKind, ComplaintStatus, Procedure, ReplyMode, COMMENT_MAX_CHARS};
use crate::domain::survey_form::{form_value, normalize_text, FieldError, FieldErrorKind};
use crate::domain::template::check_template;
use crate::error::AppError;
use crate::form::FormState;
use crate::i18n::*;
use crate::state::AppState;
use crate::domain::audit::AuditAction;
use crate::store::{AuditEntry, ComplaintChange, NewEmail, StoreError, TemplateInput};
use crate::survey::http::{read_form, render_page};
use crate::time::paris_day;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use tower_sessions::Session;

/// Longest reply subject, in characters.
pub const SUBJECT_MAX_CHARS: usize = 200;
/// Longest reply or template text, in characters.
pub const BODY_MAX_CHARS: usize = 10_000;
/// Longest template name, in characters.
pub const TEMPLATE_NAME_MAX_CHARS: usize = 120;

async fn error_page(state: &AppState, parts: http::request::Parts, e: AppError) -> Response {
    match e {
        AppError::Unauthorized => Redirect::to("/admin/connexion").into_response(),
        e => {
            let status = e.status();
            render_page(state, parts, (), status).await
        }
    }
}

async fn staff_form(state: &AppState, session: &Session, req: Request) -> Result<(http::request::Parts, Vec<(String, String)>, Staff), Response> {
    let (parts, values) = read_form(req).await?;
    match staff_of(session, &state.store).await {
        Ok(staff) => Ok((parts, values, staff)),
        Err(e) => Err(error_page(state, parts, e).await),
    }
}

/// The posted form, the staff member and complaint `id` if it is in their scope (404 otherwise,
/// as for an unknown id; login page when logged out).
async fn complaint_form(state: &AppState, session: &Session, id: i64, req: Request) -> Result<(http::request::Parts, Vec<(String, String)>, Staff, crate::store::Complaint), Response> {
    let (parts, values, staff) = staff_form(state, session, req).await?;
    match state.store.complaint(id, &staff.scope).await {
        Ok(Some(c)) => Ok((parts, values, staff, c)),
        Ok(None) => Err(error_page(state, parts, AppError::NotFound).await),
        Err(e) => Err(error_page(state, parts, e.into()).await),
    }
}

/// Records `action` on `complaint` (its reference as target) by `staff` in the audit log.
async fn audit(state: &AppState, parts: &http::request::Parts, staff: &Staff, action: AuditAction, complaint: &crate::store::Complaint, details: String, now: chrono::DateTime<Utc>) {
    let entry = AuditEntry::new(action, now).by(&staff.user).target(complaint.reference.clone()).details(details).client(state.security.client_hash(parts));
    crate::audit::record(state, entry).await;
}

fn field_error(name: &str, kind: FieldErrorKind) -> FieldError {
    FieldError { question_key: name.to_string(), kind }
}

/// A required text of at most `max` characters (CRLF → LF, trimmed).
fn required_text(values: &[(String, String)], name: &str, max: usize, errors: &mut Vec<FieldError>) -> String {
    let text = normalize_text(form_value(values, name).unwrap_or_default());
    let actual = text.chars().count();
    if text.is_empty() {
        errors.push(field_error(name, FieldErrorKind::Required));
    } else if actual > max {
        errors.push(field_error(name, FieldErrorKind::TooLong { max, actual }));
    }
    text
}

/// `POST /admin/reclamations/saisie`: an agent types in a complaint received by letter, e-mail or
/// paper slip, with its date of receipt. Filed → 303 to its page; rejected → the form (422).
pub async fn post_entry(State(state): State<AppState>, session: Session, req: Request) -> Response {
    let (parts, values, staff) = match staff_form(&state, &session, req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    // An agent files only for the sites they work for.
    let site = form_value(&values, fields::SITE).unwrap_or_default().trim().to_string();
    let site_ok = match state.store.site_by_slug(&site).await {
        Ok(s) => s.is_none_or(|s| staff.scope.allows(s.id)),
        Err(e) => return error_page(&state, parts, e.into()).await,
    };
    if !site_ok {
        let form_state = FormState { errors: vec![field_error(fields::SITE, FieldErrorKind::UnknownOption)], values, notice: None };
        let token = form_value(&form_state.values, fields::TOKEN).map(str::to_string);
        return render_page(&state, parts, StaffEcho { form: "saisie", state: form_state, token }, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    match file(&state, values, ComplaintChannel::Courrier, Some(staff.user.id), Utc::now()).await {
        Ok(Filing::Filed { id: Some(id), .. }) => Redirect::to(&format!("/admin/reclamations/{id}")).into_response(),
        Ok(Filing::Filed { id: None, .. }) => Redirect::to("/admin/reclamations").into_response(),
        Ok(Filing::Rejected { state: form_state, token }) => render_page(&state, parts, StaffEcho { form: "saisie", state: form_state, token: Some(token) }, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(e) => error_page(&state, parts, e).await,
    }
}

/// The history line of a status change: the reason or comment typed.
fn status_detail(reason: &str, comment: &str) -> Option<String> {
    Some([reason, comment].iter().filter(|s| !s.is_empty()).cloned().collect::<Vec<_>>().join(" – ")).filter(|s| !s.is_empty())
}

/// `POST /admin/reclamations/{id}/statut`: moves a complaint to another status by hand (fields
/// `attendu` = the status the agent saw, `statut`, `motif` required for "sans suite",
/// `commentaire`). Moving to "accusé de réception envoyé" queues the acknowledgement e-mail when
/// the complaint has an address. A stale page (status changed meanwhile) changes nothing.
pub async fn post_status(State(state): State<AppState>, session: Session, Path(id): Path<i64>, req: Request) -> Response {
    let (parts, values, staff, complaint) = match complaint_form(&state, &session, id, req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let expected = form_value(&values, "attendu").and_then(ComplaintStatus::parse);
    let target = form_value(&values, "statut").and_then(ComplaintStatus::parse);
    let reason = normalize_text(form_value(&values, "motif").unwrap_or_default());
    let comment = normalize_text(form_value(&values, "commentaire").unwrap_or_default());
    let mut errors = Vec::new();
    let allowed = complaint.status.manual_targets(complaint.reply_mode != ReplyMode::Aucune);
    match target {
        None => errors.push(field_error("statut", FieldErrorKind::Required)),
        Some(t) if !allowed.contains(&t) => errors.push(field_error("statut", FieldErrorKind::UnknownOption)),
        Some(ComplaintStatus::SansSuite) if reason.is_empty() => errors.push(field_error("motif", FieldErrorKind::Required)),
        _ => {}
    }
    for (name, text) in [("motif", &reason), ("commentaire", &comment)] {
        let actual = text.chars().count();
        if actual > COMMENT_MAX_CHARS {
            errors.push(field_error(name, FieldErrorKind::TooLong { max: COMMENT_MAX_CHARS, actual }));
        }
    }
    let (Some(target), Some(expected), true) = (target, expected, errors.is_empty()) else {
        let echo = StaffEcho { form: "statut", state: FormState { values, errors, notice: None }, token: None };
        return render_page(&state, parts, echo, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let now = Utc::now();
    let today = paris_day(now);
    let acknowledging = target == ComplaintStatus::AccuseEnvoye;
    let email = match (&complaint.email, acknowledging) {
        (Some(to), true) if looks_like_email(to) => {
            let ack = acknowledgement(complaint.kind, to, complaint.received_on, &complaint.site.name, complaint.reply_days, &complaint.language);
            Some(ack.with_reference(&complaint.reference))
        }
        _ => None,
    };
    let change = ComplaintChange {
        complaint_id: complaint.id,
        expected_status: expected,
        new_status: target,
        user_id: Some(staff.user.id),
        at: now,
        action: if acknowledging { "accuse".into() } else { "statut".into() },
        detail: status_detail(&reason, &comment),
        acknowledged_on: acknowledging.then_some(today),
        replied_on: None,
        reply_subject: None,
        reply_text: None,
        dismissal_reason: (target == ComplaintStatus::SansSuite).then(|| reason.clone()),
        email,
    };
    match state.store.change_complaint(&change, &staff.scope).await {
        Ok(applied) => {
            if applied {
                let details = format!("{} → {}", expected.as_str(), target.as_str());
                audit(&state, &parts, &staff, AuditAction::ComplaintStatusChanged, &complaint, details, now).await;
            }
            Redirect::to(&format!("/admin/reclamations/{id}")).into_response()
        }
        Err(e) => error_page(&state, parts, e.into()).await,
    }
}

/// `POST /admin/reclamations/{id}/reponse`: sends the reply on the merits (fields `attendu`,
/// `modele`, `objet`, `texte`, `envoi` = `courriel` or `courrier`). By e-mail it is queued in
/// the outbox; by post the printable letter opens. The complaint becomes "répondue" with today
/// (Europe/Paris) as its reply day; a second submit of the same page changes nothing.
pub async fn post_reply(State(state): State<AppState>, session: Session, Path(id): Path<i64>, req: Request) -> Response {
    let (parts, values, staff, complaint) = match complaint_form(&state, &session, id, req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let mut errors = Vec::new();
    let subject = required_text(&values, "objet", SUBJECT_MAX_CHARS, &mut errors);
    let body = required_text(&values, "texte", BODY_MAX_CHARS, &mut errors);
    let by_email = match form_value(&values, "envoi") {
        Some("courriel") if complaint.email.as_deref().is_some_and(looks_like_email) => true,
        Some("courriel") => {
            errors.push(field_error("envoi", FieldErrorKind::InvalidEmail));
            true
        }
        Some("courrier") if complaint.postal_address.is_some() => false,
        Some("courrier") => {
            errors.push(field_error("envoi", FieldErrorKind::Required));
            false
        }
        Some(_) => {
            errors.push(field_error("envoi", FieldErrorKind::UnknownOption));
            false
        }
        None => {
            errors.push(field_error("envoi", FieldErrorKind::Required));
            false
        }
    };
    let expected = form_value(&values, "attendu").and_then(ComplaintStatus::parse);
    let Some(expected) = expected.filter(|_| errors.is_empty()) else {
        let echo = StaffEcho { form: "reponse", state: FormState { values, errors, notice: None }, token: None };
        return render_page(&state, parts, echo, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    if !expected.can_reply() {
        return Redirect::to(&format!("/admin/reclamations/{id}")).into_response();
    }
    let template_name = match form_value(&values, "modele").and_then(|v| v.parse::<i64>().ok()) {
        Some(tid) => state.store.template(tid).await.ok().flatten().map(|t| t.name),
        None => None,
    };
    let now = Utc::now();
    let today = paris_day(now);
    let how = if by_email { td_string!(Locale::fr, staff.sent_by_email) } else { td_string!(Locale::fr, staff.sent_by_post) };
    let detail = match template_name {
        Some(name) => format!("{how} – {name}"),
        None => how.to_string(),
    };
    let change = ComplaintChange {
        complaint_id: complaint.id,
        expected_status: expected,
        new_status: ComplaintStatus::Repondue,
        user_id: Some(staff.user.id),
        at: now,
        action: "reponse".into(),
        detail: Some(detail.clone()),
        acknowledged_on: Some(today),
        replied_on: Some(today),
        reply_subject: Some(subject.clone()),
        reply_text: Some(body.clone()),
        dismissal_reason: None,
        email: by_email.then(|| NewEmail { to: complaint.email.clone().unwrap_or_default(), subject, body }),
    };
    match state.store.change_complaint(&change, &staff.scope).await {
        Ok(applied) => {
            if applied {
                audit(&state, &parts, &staff, AuditAction::ComplaintReplied, &complaint, detail, now).await;
            }
            if applied && !by_email {
                Redirect::to(&format!("/admin/reclamations/{id}/courrier")).into_response()
            } else {
                Redirect::to(&format!("/admin/reclamations/{id}")).into_response()
            }
        }
        Err(e) => error_page(&state, parts, e.into()).await,
    }
}

/// Validates the template form (`nom`, `type`, `demarche`, `objet`, `texte`, `actif`).
///
/// # Errors
/// Every faulty field: required, too long, unknown list value, unknown or unclosed merge field
/// (reported as `UnknownOption` on `objet` / `texte`).
pub fn validate_template(values: &[(String, String)]) -> Result<TemplateInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = required_text(values, "nom", TEMPLATE_NAME_MAX_CHARS, &mut errors);
    let optional_choice = |name: &str, parse: fn(&str) -> bool, errors: &mut Vec<FieldError>| -> Option<String> {
        let v = form_value(values, name).unwrap_or_default().trim().to_string();
        if v.is_empty() {
            None
        } else if parse(&v) {
            Some(v)
        } else {
            errors.push(field_error(name, FieldErrorKind::UnknownOption));
            None
        }
    };
    let kind = optional_choice("type", |v| ComplaintKind::parse(v).is_some(), &mut errors).and_then(|v| ComplaintKind::parse(&v));
    let procedure = optional_choice("demarche", |v| Procedure::parse(v).is_some(), &mut errors).and_then(|v| Procedure::parse(&v));
    let subject = required_text(values, "objet", SUBJECT_MAX_CHARS, &mut errors);
    let body = required_text(values, "texte", BODY_MAX_CHARS, &mut errors);
    for (field, text) in [("objet", &subject), ("texte", &body)] {
        if !text.is_empty() && check_template(text).is_err() && !errors.iter().any(|e| e.question_key == field) {
            errors.push(field_error(field, FieldErrorKind::UnknownOption));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(TemplateInput { name, kind, procedure, subject, body, active: form_value(values, "actif") == Some("1") })
}

/// `POST /admin/courriers-types/enregistrer`: creates (no `id`) or updates a reply template
/// (quality staff and admins only: 403 otherwise). Saved → 303 to the list; rejected → the form
/// again (422) with what was typed.
pub async fn post_template(State(state): State<AppState>, session: Session, req: Request) -> Response {
    let (parts, values, staff) = match staff_form(&state, &session, req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    if let Err(e) = staff.require_template_manager() {
        return error_page(&state, parts, e).await;
    }
    let id = form_value(&values, "id").and_then(|v| v.trim().parse::<i64>().ok());
    let reject = |errors: Vec<FieldError>, values: Vec<(String, String)>| StaffEcho { form: "modele", state: FormState { values, errors, notice: None }, token: None };
    let input = match validate_template(&values) {
        Ok(t) => t,
        Err(errors) => return render_page(&state, parts, reject(errors, values), StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    match state.store.save_template(id, &input, staff.user.id, Utc::now()).await {
        Ok(_) => Redirect::to("/admin/courriers-types").into_response(),
        Err(StoreError::Conflict(_)) => {
            let errors = vec![field_error("nom", FieldErrorKind::UnknownOption)];
            render_page(&state, parts, reject(errors, values), StatusCode::CONFLICT).await
        }
        Err(e) => error_page(&state, parts, e.into()).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn template_form_checks_merge_fields_and_lists() {
        let ok = validate_template(&form(&[("nom", "Accusé"), ("objet", "Votre demande {{reference}}"), ("texte", "Bonjour {{ nom }},\r\n…"), ("actif", "1")])).unwrap();
        assert_eq!(ok.body, "Bonjour {{ nom }},\n…");
        assert!(ok.active && ok.kind.is_none());
        let e = validate_template(&form(&[("nom", ""), ("type", "plainte"), ("objet", "{{inconnu}}"), ("texte", "{{nom")])).unwrap_err();
        let keys: Vec<&str> = e.iter().map(|e| e.question_key.as_str()).collect();
        assert_eq!(keys, vec!["nom", "type", "objet", "texte"]);
    }

    #[test]
    fn status_detail_joins_what_was_typed() {
        assert_eq!(status_detail("Doublon", ""), Some("Doublon".into()));
        assert_eq!(status_detail("", "Vu avec le chef"), Some("Vu avec le chef".into()));
        assert_eq!(status_detail("", ""), None);
    }
}
