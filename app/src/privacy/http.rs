//! Plain HTTP routes of the person search (quality staff and admins; an agent gets 403, a
//! visitor the login page): the export of everything held about a person (GDPR art. 15, right
//! of access; art. 20 portability) and its erasure (art. 17).

use super::api::ErasureEcho;
use super::search::{find_person, require_data_officer, Findings};
use crate::complaints::staff::access::{staff_of, Staff};
use crate::complaints::staff::load::paris_time;
use crate::domain::audit::AuditAction;
use crate::domain::personal_data::PersonQuery;
use crate::domain::survey_form::form_value;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{AuditEntry, DynStore, OutboxState, StoreError};
use crate::survey::http::{read_form, render_page};
use axum::extract::{Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use http::request::Parts;
use serde_json::{json, Value};
use std::collections::HashMap;
use tower_sessions::Session;

fn plain(status: StatusCode, message: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], message.to_string()).into_response()
}

/// The member of `session` if they handle personal-data requests, or the answer to send.
async fn data_officer(state: &AppState, session: &Session) -> Result<Staff, AppError> {
    let staff = staff_of(session, &state.store).await?;
    require_data_officer(&staff)?;
    Ok(staff)
}

/// `a, b, c` or `aucune`.
fn list_or_none(items: &[String]) -> String {
    if items.is_empty() { "aucune".into() } else { items.join(", ") }
}

/// Everything found, as the JSON document given to the person (field names in French).
async fn person_json(store: &DynStore, found: &Findings) -> Result<Value, StoreError> {
    let mut complaints = Vec::new();
    for c in &found.complaints {
        let history: Vec<Value> = store
            .complaint_events(c.id)
            .await?
            .into_iter()
            .map(|e| json!({ "le": paris_time(e.at), "action": e.action, "de": e.from_status.map(|s| s.as_str()), "vers": e.to_status.map(|s| s.as_str()), "detail": e.detail }))
            .collect();
        complaints.push(json!({
            "reference": c.reference,
            "type": c.kind.as_str(),
            "site": c.site.name,
            "demarche": c.procedure.as_str(),
            "canal": c.channel.as_str(),
            "recue_le": c.received_on.to_string(),
            "statut": c.status.as_str(),
            "nom": c.requester_name,
            "courriel": c.email,
            "adresse_postale": c.postal_address,
            "code_postal": c.postal_code,
            "langue": c.language,
            "message": c.message,
            "mode_de_reponse": c.reply_mode.as_str(),
            "reponse_objet": c.reply_subject,
            "reponse": c.reply_text,
            "repondue_le": c.replied_on.map(|d| d.to_string()),
            "motif_de_classement": c.dismissal_reason,
            "close_le": c.closed_at.map(paris_time),
            "historique": history,
        }));
    }
    let emails: Vec<Value> = found
        .emails
        .iter()
        .map(|e| {
            let state = match e.state {
                OutboxState::Pending => "en attente",
                OutboxState::Sent => "envoye",
                OutboxState::Failed => "abandonne",
            };
            json!({ "cree_le": paris_time(e.created_at), "destinataire": e.to_address, "objet": e.subject, "texte": e.body, "etat": state, "envoye_le": e.sent_at.map(paris_time) })
        })
        .collect();
    let audit: Vec<Value> = found.audit.iter().map(|r| json!({ "le": paris_time(r.entry.at), "action": r.entry.action.as_str(), "courriel": r.entry.user_email })).collect();
    Ok(json!({
        "responsable_du_traitement": "Préfecture de l'Essonne",
        "genere_le": paris_time(Utc::now()),
        "reclamations": complaints,
        "courriels": emails,
        "journal": audit,
    }))
}

/// `GET /admin/donnees-personnelles/export?q=…`: everything held about the person `q` (an
/// e-mail or a name) as a JSON download (`donnees-personnelles.json`), for an access request.
/// Audited as an export listing the complaint references (never the name or e-mail searched).
/// A missing or unusable `q` → 400; an agent → 403; logged out → the login page.
pub async fn get_person_export(State(state): State<AppState>, session: Session, parts: Parts, Query(q): Query<HashMap<String, String>>) -> Response {
    let staff = match data_officer(&state, &session).await {
        Ok(s) => s,
        Err(AppError::Unauthorized) => return Redirect::to("/admin/connexion").into_response(),
        Err(AppError::Forbidden) => return plain(StatusCode::FORBIDDEN, "Votre compte ne permet pas d'exporter des données personnelles."),
        Err(e) => return plain(e.status(), "Le service est momentanément indisponible. Réessayez dans quelques minutes."),
    };
    let Ok(query) = PersonQuery::parse(q.get("q").map(String::as_str).unwrap_or("")) else {
        return plain(StatusCode::BAD_REQUEST, "Indiquez le courriel ou le nom de la personne (2 à 254 caractères).");
    };
    let result = async {
        let found = find_person(&state.store, &query).await?;
        let doc = person_json(&state.store, &found).await?;
        Ok::<_, StoreError>((found, doc))
    }
    .await;
    let (found, doc) = match result {
        Ok(r) => r,
        Err(e) => return plain(AppError::from(e).status(), "Le service est momentanément indisponible. Réessayez dans quelques minutes."),
    };
    let details = format!(
        "Données d'une personne (JSON) : réclamations {} ; {} courriel(s) ; {} entrée(s) du journal",
        list_or_none(&found.references()),
        found.emails.len(),
        found.audit.len()
    );
    let entry = AuditEntry::new(AuditAction::Export, Utc::now()).by(&staff.user).target("donnees-personnelles").details(details).client(state.security.client_hash(&parts));
    crate::audit::record(&state, entry).await;
    let body = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"donnees-personnelles.json\""),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// `POST /admin/donnees-personnelles/effacement` (fields `q`, `reclamation` = each complaint id
/// shown on the confirmation page, `confirmation=1`): erases everything found about the person
/// with the retention job's erasure, audits it as [`AuditAction::Erasure`] with the references
/// only, then 303 to `/admin/donnees-personnelles?fait=1&efface=REF,…`. Without the confirmation or
/// with an unusable `q`: the confirmation page again (422) with `q` kept.
pub async fn post_erasure(State(state): State<AppState>, session: Session, req: Request) -> Response {
    let (parts, values) = match read_form(req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let staff = match data_officer(&state, &session).await {
        Ok(s) => s,
        Err(AppError::Unauthorized) => return Redirect::to("/admin/connexion").into_response(),
        Err(e) => {
            let status = e.status();
            return render_page(&state, parts, (), status).await;
        }
    };
    let text = form_value(&values, "q").unwrap_or_default().trim().to_string();
    let confirmed = form_value(&values, "confirmation") == Some("1");
    let query = match PersonQuery::parse(&text) {
        Ok(q) if confirmed => q,
        _ => return render_page(&state, parts, ErasureEcho { query: text }, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let ids: Vec<i64> = values.iter().filter(|(k, _)| k == "reclamation").filter_map(|(_, v)| v.trim().parse().ok()).collect();
    let now = Utc::now();
    let result = async {
        let found = find_person(&state.store, &query).await?;
        state.store.erase_personal_data(&found.erasure(&ids), now).await
    }
    .await;
    let report = match result {
        Ok(r) => r,
        Err(e) => return render_page(&state, parts, (), AppError::from(e).status()).await,
    };
    let details = format!(
        "Demande d'une personne : réclamations {} ; {} courriel(s) ; {} entrée(s) du journal",
        list_or_none(&report.references),
        report.emails,
        report.audit_entries
    );
    let entry = AuditEntry::new(AuditAction::Erasure, now).by(&staff.user).target("donnees-personnelles").details(details).client(state.security.client_hash(&parts));
    crate::audit::record(&state, entry).await;
    Redirect::to(&format!("/admin/donnees-personnelles?fait=1&efface={}", report.references.join(","))).into_response()
}
