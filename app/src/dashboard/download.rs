//! `GET /admin/export/{reponses,remarques,reclamations}?…&format=csv|rfc4180|xlsx`: every row
//! matching the dashboard's filters (not the page shown), streamed from the database.
//!
//! - `csv` (default): for French Excel, UTF-8 with BOM and `;`; `rfc4180`: plain RFC 4180
//!   (`,`, no BOM); `xlsx`: an Excel workbook (at most 1,048,575 rows: bigger exports are
//!   refused with a message pointing to CSV).
//! - CSV is streamed in 64-KiB chunks as batches of rows are read: a million responses never sit
//!   in memory. XLSX rows go to a temporary file ("constant memory" mode) and the file is then
//!   streamed.
//! - Cells starting with `=`, `+`, `-`, `@`, tab or CR get a leading `'` (formula injection),
//!   headers included ([`crate::export::safe_cell`]).
//! - Access: any staff member, within their site scope (an agent exports their sites only).
//!   Every export is written to the audit log (`export`: who, which table, format, period, sites).

use super::filters::{resolve, FilterParams, Resolved};
use crate::complaints::labels;
use crate::complaints::staff::access::{staff_of, Staff};
use crate::i18n::Locale;
use crate::domain::complaint::{ComplaintKind, ComplaintStatus, Procedure};
use crate::domain::deadline::{ack_due, reply_due};
use crate::domain::questionnaire::{localized, Question, QuestionKind};
use crate::error::AppError;
use crate::export::{csv_stream, file_stream, Cell, CsvDialect, ExportError, XlsxExport, XLSX_CONTENT_TYPE};
use crate::state::AppState;
use crate::domain::audit::AuditAction;
use crate::store::{AuditEntry, Complaint, ComplaintFilter, ExportedResponse, Remark, Site, StoreError};
use crate::time::paris_day;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Timelike, Utc};
use chrono_tz::Europe::Paris;
use futures::stream::{BoxStream, StreamExt};
use http::request::Parts;
use http::{header, StatusCode};
use std::collections::HashMap;
use std::sync::Arc;
use tower_sessions::Session;

/// Output format of an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// CSV in a dialect.
    Csv(CsvDialect),
    /// Excel workbook.
    Xlsx,
}

impl Format {
    /// `csv`/`excel`/empty → CSV for French Excel, `rfc4180` → RFC 4180, `xlsx` → XLSX.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "" | "csv" | "excel" => Some(Format::Csv(CsvDialect::ExcelFr)),
            "rfc4180" | "csv-rfc4180" => Some(Format::Csv(CsvDialect::Rfc4180)),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }
}

/// A table to export: header and rows.
struct Table {
    /// Base of the file name, e.g. `reponses`.
    name: &'static str,
    /// Worksheet name.
    sheet: &'static str,
    header: Vec<String>,
    rows: BoxStream<'static, Result<Vec<Cell>, StoreError>>,
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt_date(d: Option<chrono::NaiveDate>) -> Cell {
    d.map(Cell::Date).unwrap_or(Cell::Empty)
}

fn site_names(sites: &[Site]) -> HashMap<i64, Arc<str>> {
    sites.iter().map(|s| (s.id, Arc::from(s.name.as_str()))).collect()
}

/// How the answers to one question are written: each option key with its French label (shared by
/// every row), or the text as typed.
struct AnswerColumn {
    options: Vec<(String, Arc<str>)>,
}

impl AnswerColumn {
    fn new(question: &Question) -> Self {
        let options = match &question.kind {
            QuestionKind::SingleChoice { options } => options.iter().map(|o| (o.key.clone(), Arc::from(localized(&o.label, "fr")))).collect(),
            QuestionKind::FreeText { .. } => Vec::new(),
        };
        AnswerColumn { options }
    }

    /// The cell of `answer`: the option's label, or the answer itself (free text, or an option
    /// that is no longer in the questionnaire).
    fn cell(&self, answer: Option<String>) -> Cell {
        match answer {
            None => Cell::Empty,
            Some(a) => match self.options.iter().find(|(key, _)| *key == a) {
                Some((_, label)) => Cell::Shared(label.clone()),
                None => Cell::Text(a),
            },
        }
    }
}

fn responses_table(state: &AppState, r: &Resolved) -> Table {
    let questions = r.questionnaire.as_ref().map(|q| q.questions.clone()).unwrap_or_default();
    let mut header: Vec<String> = ["N° de réponse", "Campagne", "Site", "Date", "Heure", "Canal", "Langue"].iter().map(|s| s.to_string()).collect();
    header.extend(questions.iter().map(|q| localized(&q.label, "fr").to_string()));
    let names = site_names(&r.sites);
    let campaigns: HashMap<i64, Arc<str>> = r.campaigns.iter().map(|c| (c.id, Arc::from(c.settings.name.as_str()))).collect();
    let columns: Vec<AnswerColumn> = questions.iter().map(AnswerColumn::new).collect();
    let shared = |map: &HashMap<i64, Arc<str>>, id: i64| map.get(&id).map(|s| Cell::Shared(s.clone())).unwrap_or(Cell::Empty);
    let rows = state
        .store
        .stream_responses(r.filter.clone(), questions.iter().map(|q| q.key.clone()).collect())
        .map(move |res: Result<ExportedResponse, StoreError>| {
            res.map(|x| {
                let local = x.submitted_at.with_timezone(&Paris);
                let mut row = Vec::with_capacity(7 + columns.len());
                row.extend([
                    Cell::Number(x.id as f64),
                    shared(&campaigns, x.campaign_id),
                    shared(&names, x.site_id),
                    Cell::Date(x.day),
                    Cell::Text(format!("{:02}:{:02}", local.hour(), local.minute())),
                    Cell::Text(x.channel),
                    Cell::Text(x.language),
                ]);
                row.extend(columns.iter().zip(x.answers).map(|(c, a)| c.cell(a)));
                row
            })
        })
        .boxed();
    Table { name: "reponses", sheet: "Réponses", header, rows }
}

fn remarks_table(state: &AppState, r: &Resolved, search: Option<String>) -> Table {
    let header = ["N° de réponse", "Date", "Site", "Canal", "Langue", "Question", "Remarque"].iter().map(|s| s.to_string()).collect();
    let names = site_names(&r.sites);
    let labels: HashMap<String, Arc<str>> =
        r.questionnaire.iter().flat_map(|q| q.questions.iter()).map(|q| (q.key.clone(), Arc::from(localized(&q.label, "fr")))).collect();
    let rows = state
        .store
        .stream_remarks(r.filter.clone(), search)
        .map(move |res: Result<Remark, StoreError>| {
            res.map(|m| {
                vec![
                    Cell::Number(m.response_id as f64),
                    Cell::Date(m.day),
                    names.get(&m.site_id).map(|n| Cell::Shared(n.clone())).unwrap_or(Cell::Empty),
                    text(m.channel),
                    text(m.language),
                    labels.get(&m.question_key).map(|l| Cell::Shared(l.clone())).unwrap_or(Cell::Text(m.question_key)),
                    text(m.text),
                ]
            })
        })
        .boxed();
    Table { name: "remarques", sheet: "Remarques", header, rows }
}

fn complaints_table(state: &AppState, r: &Resolved, query: &HashMap<String, String>) -> Table {
    let header = [
        "Référence", "Type", "Site", "Démarche", "Canal", "Reçue le", "Statut", "Accusé de réception le", "Accusé dû le", "Répondue le", "Réponse due le",
        "Délai de réponse (jours ouvrés)", "Mode de réponse", "Nom", "Courriel", "Adresse postale", "Code postal", "Langue", "Message", "Réponse", "Motif de classement",
        "Close le", "Données effacées le",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let get = |k: &str| query.get(k).map(String::as_str).unwrap_or("");
    let filter = ComplaintFilter {
        site_id: None,
        status: ComplaintStatus::parse(get("statut")),
        kind: ComplaintKind::parse(get("type")),
        channel: None,
        procedure: r.filter.procedure.as_deref().and_then(Procedure::parse),
        open_only: false,
    };
    let cal = state.complaints.calendar.clone();
    let rows = state
        .store
        .stream_complaints(r.filter.sites.clone(), filter, Some(r.period.0), Some(r.period.1))
        .map(move |res: Result<Complaint, StoreError>| {
            res.map(|c| {
                let reply_due_on = reply_due(&cal, c.received_on, c.reply_days);
                vec![
                    text(c.reference),
                    text(labels::kind(Locale::fr, c.kind)),
                    text(c.site.name),
                    text(labels::procedure(Locale::fr, c.procedure)),
                    text(labels::channel(Locale::fr, c.channel)),
                    Cell::Date(c.received_on),
                    text(labels::status(Locale::fr, c.status)),
                    opt_date(c.acknowledged_on),
                    Cell::Date(ack_due(c.received_on, c.channel.is_paper())),
                    opt_date(c.replied_on),
                    Cell::Date(reply_due_on),
                    c.replied_on.map(|d| Cell::Number(cal.working_days_between(c.received_on, d) as f64)).unwrap_or(Cell::Empty),
                    text(labels::reply_mode(Locale::fr, c.reply_mode)),
                    text(c.requester_name.unwrap_or_default()),
                    text(c.email.unwrap_or_default()),
                    text(c.postal_address.unwrap_or_default()),
                    text(c.postal_code.unwrap_or_default()),
                    text(c.language),
                    text(c.message),
                    text(c.reply_text.unwrap_or_default()),
                    text(c.dismissal_reason.unwrap_or_default()),
                    opt_date(c.closed_at.map(paris_day)),
                    opt_date(c.erased_at.map(paris_day)),
                ]
            })
        })
        .boxed();
    Table { name: "reclamations", sheet: "Réclamations", header, rows }
}

/// Errors of a stream given to a response body.
#[derive(Debug, thiserror::Error)]
enum BodyError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Export(#[from] ExportError),
}

fn plain(status: StatusCode, message: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], message.to_string()).into_response()
}

fn refused(e: AppError) -> Response {
    match e {
        AppError::Unauthorized => Redirect::to("/admin/connexion").into_response(),
        AppError::Forbidden => plain(StatusCode::FORBIDDEN, "Vous n'avez pas accès à cet export."),
        AppError::NotFound => plain(StatusCode::NOT_FOUND, "Export inconnu."),
        _ => plain(StatusCode::SERVICE_UNAVAILABLE, "Le service est momentanément indisponible. Réessayez dans quelques minutes."),
    }
}

async fn respond(table: Table, format: Format, period: (chrono::NaiveDate, chrono::NaiveDate)) -> Response {
    let base = format!("{}-{}_{}", table.name, period.0, period.1);
    match format {
        Format::Csv(dialect) => {
            let rows = table.rows.map(|r| r.map_err(BodyError::from));
            // Fused: a body may be polled again after its end (e.g. by a compression layer).
            let body = Body::from_stream(csv_stream::<_, _, BodyError>(dialect, table.header, rows).fuse());
            (
                [
                    (header::CONTENT_TYPE, dialect.content_type().to_string()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{base}.csv\"")),
                    (header::CACHE_CONTROL, "no-store".to_string()),
                ],
                body,
            )
                .into_response()
        }
        Format::Xlsx => {
            let handle = tokio::runtime::Handle::current();
            let (header_row, sheet, mut rows) = (table.header, table.sheet, table.rows);
            let built = tokio::task::spawn_blocking(move || -> Result<std::fs::File, BodyError> {
                let mut x = XlsxExport::new(sheet, &header_row)?;
                while let Some(row) = handle.block_on(rows.next()) {
                    x.row(&row?)?;
                }
                Ok(x.finish()?)
            })
            .await;
            match built {
                Ok(Ok(file)) => {
                    let len = file.metadata().map(|m| m.len()).ok();
                    let mut response = (
                        [
                            (header::CONTENT_TYPE, XLSX_CONTENT_TYPE.to_string()),
                            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{base}.xlsx\"")),
                            (header::CACHE_CONTROL, "no-store".to_string()),
                        ],
                        Body::from_stream(file_stream(file).fuse()),
                    )
                        .into_response();
                    if let Some(len) = len {
                        response.headers_mut().insert(header::CONTENT_LENGTH, len.into());
                    }
                    response
                }
                Ok(Err(BodyError::Export(ExportError::TooManyRowsForXlsx { max }))) => plain(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &format!("Trop de lignes pour un fichier Excel (au plus {max}). Réduisez la période ou utilisez l'export CSV, qui n'a pas de limite."),
                ),
                Ok(Err(e)) => {
                    tracing::error!(error = %e, "xlsx export failed");
                    refused(AppError::Unavailable)
                }
                Err(e) => {
                    tracing::error!(error = %e, "xlsx export task failed");
                    refused(AppError::Unavailable)
                }
            }
        }
    }
}

async fn export(state: AppState, session: Session, parts: Parts, query: HashMap<String, String>, what: &str) -> Response {
    let staff: Staff = match staff_of(&session, &state.store).await {
        Ok(s) => s,
        Err(e) => return refused(e),
    };
    let Some(format) = Format::parse(query.get("format").map(String::as_str).unwrap_or("")) else {
        return plain(StatusCode::BAD_REQUEST, "Format d'export inconnu : choisissez csv, rfc4180 ou xlsx.");
    };
    let params = FilterParams::from_pairs(query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let r = match resolve(&params, &staff, &state.store, paris_day(Utc::now())).await {
        Ok(r) => r,
        Err(e) => return refused(e),
    };
    let label = match format {
        Format::Csv(CsvDialect::ExcelFr) => "CSV",
        Format::Csv(CsvDialect::Rfc4180) => "CSV RFC 4180",
        Format::Xlsx => "XLSX",
    };
    // Exports carry personal data (complaints) or every answer: who took what is audited.
    crate::audit::record(
        &state,
        AuditEntry::new(AuditAction::Export, Utc::now())
            .by(&staff.user)
            .target(what)
            .details(format!("{label}, du {} au {}, sites : {}", r.period.0, r.period.1, r.sites.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")))
            .client(state.security.client_hash(&parts)),
    )
    .await;
    let table = match what {
        "reponses" => responses_table(&state, &r),
        "remarques" => remarks_table(&state, &r, Some(params.q.trim().to_string()).filter(|s| !s.is_empty())),
        _ => complaints_table(&state, &r, &query),
    };
    respond(table, format, r.period).await
}

/// `GET /admin/export/reponses`: every response matching the filters, one column per question.
pub async fn get_responses(State(state): State<AppState>, session: Session, parts: Parts, Query(q): Query<HashMap<String, String>>) -> Response {
    export(state, session, parts, q, "reponses").await
}

/// `GET /admin/export/remarques`: every free-text remark matching the filters and search `q`.
pub async fn get_remarks(State(state): State<AppState>, session: Session, parts: Parts, Query(q): Query<HashMap<String, String>>) -> Response {
    export(state, session, parts, q, "remarques").await
}

/// `GET /admin/export/reclamations`: every complaint in scope received in the period (optional
/// `statut`, `type`, `demarche`), with contact data and deadlines.
pub async fn get_complaints(State(state): State<AppState>, session: Session, parts: Parts, Query(q): Query<HashMap<String, String>>) -> Response {
    export(state, session, parts, q, "reclamations").await
}
