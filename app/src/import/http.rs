//! `POST /admin/import` (multipart form: `token`, `campagne`, `fichier`) and
//! `GET /admin/import/modele.csv?campagne=ID` (an empty template with the expected columns).
//!
//! The file is checked whole before anything is stored; a refused file re-renders the page (422)
//! with the report; an accepted one is stored in one transaction and answers 303 to
//! `/admin/import?campagne=ID&importe=N`. The same file cannot be imported twice into a campaign
//! (SHA-256 of its bytes), and the form's one-time token stops double submits.

use super::page::ImportEcho;
use crate::complaints::staff::access::staff_of;
use crate::domain::paper_import::{parse_paper_csv, template_csv, SiteRef};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{Channel, ImportOutcome, NewResponse, PaperImport};
use crate::survey::http::render_page;
use crate::time::{french_date, paris_day};
use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use tower_sessions::Session;

/// Purpose of the import form's one-time token.
pub const TOKEN_PURPOSE: &str = "import:paper";

/// Largest file accepted, in bytes (20,000 rows of a dozen columns fit in about 2 MB).
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

struct Upload {
    token: String,
    campaign: String,
    file_name: String,
    bytes: Vec<u8>,
}

async fn read_upload(mut multipart: Multipart) -> Result<Upload, String> {
    let mut upload = Upload { token: String::new(), campaign: String::new(), file_name: String::new(), bytes: Vec::new() };
    let unreadable = |_| "Le formulaire n'a pas pu être lu : le fichier dépasse peut-être 10 Mo. Réessayez avec un fichier plus petit.".to_string();
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name().unwrap_or_default() {
            "token" => upload.token = field.text().await.map_err(unreadable)?,
            "campagne" => upload.campaign = field.text().await.map_err(unreadable)?,
            "fichier" => {
                upload.file_name = field.file_name().unwrap_or("fichier.csv").chars().take(200).collect();
                upload.bytes = field.bytes().await.map_err(unreadable)?.to_vec();
            }
            _ => {}
        }
    }
    Ok(upload)
}

fn noon_in_paris(day: chrono::NaiveDate) -> chrono::DateTime<Utc> {
    let noon = day.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default());
    Paris.from_local_datetime(&noon).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or_else(|| Utc.from_utc_datetime(&noon))
}

/// `POST /admin/import`.
pub async fn post_import(State(state): State<AppState>, session: Session, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let page = |echo: ImportEcho, status: StatusCode| {
        let (state, parts) = (state.clone(), parts.clone());
        async move { render_page(&state, parts, echo, status).await }
    };
    let staff = match staff_of(&session, &state.store).await {
        Ok(s) => s,
        Err(AppError::Unauthorized) => return Redirect::to("/admin/connexion").into_response(),
        Err(e) => return render_page(&state, parts, (), e.status()).await,
    };
    if let Err(e) = staff.require_template_manager() {
        return render_page(&state, parts, (), e.status()).await;
    }
    let multipart = match Multipart::from_request(Request::from_parts(parts.clone(), body), &state).await {
        Ok(m) => m,
        Err(_) => return page(ImportEcho { campaign: String::new(), report: None, problem: Some("Envoyez le fichier avec le formulaire de cette page.".into()) }, StatusCode::BAD_REQUEST).await,
    };
    let upload = match read_upload(multipart).await {
        Ok(u) => u,
        Err(problem) => return page(ImportEcho { campaign: String::new(), report: None, problem: Some(problem) }, StatusCode::PAYLOAD_TOO_LARGE).await,
    };
    let echo = |problem: &str| ImportEcho { campaign: upload.campaign.clone(), report: None, problem: Some(problem.to_string()) };
    let now = Utc::now();
    let nonce = match state.tokens.verify(TOKEN_PURPOSE, &upload.token, now) {
        Ok(n) => n,
        Err(_) => return page(echo("Le formulaire a expiré. Choisissez de nouveau le fichier et envoyez-le."), StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let campaign = match upload.campaign.parse::<i64>() {
        Ok(id) => match state.store.campaign_by_id(id).await {
            Ok(Some(c)) => c,
            Ok(None) => return page(echo("Choisissez une campagne de la liste."), StatusCode::UNPROCESSABLE_ENTITY).await,
            Err(e) => return render_page(&state, parts, (), AppError::from(e).status()).await,
        },
        Err(_) => return page(echo("Choisissez une campagne de la liste."), StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    if upload.bytes.is_empty() {
        return page(echo("Choisissez le fichier CSV à importer."), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let sites = match state.store.list_sites().await {
        Ok(s) => s,
        Err(e) => return render_page(&state, parts, (), AppError::from(e).status()).await,
    };
    let refs: Vec<SiteRef> = sites.iter().map(|s| SiteRef { slug: s.slug.clone(), name: s.name.clone() }).collect();
    let period = (campaign.settings.starts_on, campaign.settings.ends_on);
    let today = paris_day(now);
    let questionnaire = campaign.questionnaire.clone();
    let bytes = upload.bytes.clone();
    let parsed = tokio::task::spawn_blocking(move || parse_paper_csv(&bytes, &questionnaire, &refs, period, today)).await;
    let rows = match parsed {
        Ok(Ok(rows)) => rows,
        Ok(Err(report)) => return page(ImportEcho { campaign: upload.campaign.clone(), report: Some(report), problem: None }, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(_) => return render_page(&state, parts, (), StatusCode::INTERNAL_SERVER_ERROR).await,
    };
    let site_id = |slug: &str| sites.iter().find(|s| s.slug == slug).map(|s| s.id);
    let responses: Vec<NewResponse> = rows
        .into_iter()
        .filter_map(|r| {
            Some(NewResponse {
                campaign_id: campaign.id,
                site_id: site_id(&r.site_slug)?,
                questionnaire_version_id: campaign.settings.questionnaire_version_id,
                channel: Channel::Papier,
                language: r.language,
                submitted_at: noon_in_paris(r.visit_date),
                dimensions: campaign.questionnaire.dimensions(&r.answers.choices),
                answers: r.answers,
                token_nonce: None,
                visit_code: None,
            })
        })
        .collect();
    let import = PaperImport {
        campaign_id: campaign.id,
        file_sha256: hex::encode(Sha256::digest(&upload.bytes)),
        file_name: upload.file_name.clone(),
        user_id: staff.user.id,
        at: now,
        token_nonce: nonce,
    };
    match state.store.import_responses(&import, &responses).await {
        Ok(ImportOutcome::Imported { rows, .. }) => Redirect::to(&format!("/admin/import?campagne={}&importe={rows}", campaign.id)).into_response(),
        Ok(ImportOutcome::AlreadyImported { at, rows }) => page(
            echo(&format!("Ce fichier a déjà été importé dans cette campagne le {} ({rows} réponses) : rien n'a été ajouté.", french_date(paris_day(at)))),
            StatusCode::CONFLICT,
        )
        .await,
        Ok(ImportOutcome::TokenUsed) => page(echo("Ce formulaire a déjà été envoyé : consultez l'historique ci-dessous avant de recommencer."), StatusCode::CONFLICT).await,
        Err(e) => render_page(&state, parts, (), AppError::from(e).status()).await,
    }
}

/// `GET /admin/import/modele.csv?campagne=ID`: the empty template of the campaign's questionnaire
/// (UTF-8 with BOM, `;`), quality staff and admins only.
pub async fn get_template(State(state): State<AppState>, session: Session, Query(q): Query<HashMap<String, String>>) -> Response {
    let staff = match staff_of(&session, &state.store).await {
        Ok(s) => s,
        Err(AppError::Unauthorized) => return Redirect::to("/admin/connexion").into_response(),
        Err(e) => return e.status().into_response(),
    };
    if staff.require_template_manager().is_err() {
        return StatusCode::FORBIDDEN.into_response();
    }
    let id = q.get("campagne").and_then(|c| c.parse::<i64>().ok());
    let campaign = match id {
        Some(id) => state.store.campaign_by_id(id).await,
        None => state.store.current_campaign(paris_day(Utc::now())).await,
    };
    match campaign {
        Ok(Some(c)) => (
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8"), (header::CONTENT_DISPOSITION, "attachment; filename=\"modele-questionnaires-papier.csv\"")],
            template_csv(&c.questionnaire),
        )
            .into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "Campagne inconnue.").into_response(),
        Err(e) => AppError::from(e).status().into_response(),
    }
}
