//! Server side of the staff pages' data (the bodies of the server functions in `api.rs`).

use super::access::require_staff;
use super::api::*;
use crate::complaints::api::ComplaintFormView;
use crate::complaints::filing::STAFF_FORM;
use crate::domain::complaint::{ComplaintChannel, ComplaintKind, ComplaintStatus, Procedure, ReplyMode};
use crate::domain::deadline::{ack_due, ack_state, reply_due, reply_state};
use crate::domain::survey_form::form_value;
use crate::domain::template::{merge, MergeValues, MERGE_FIELDS};
use crate::error::AppError;
use crate::form::FormState;
use crate::i18n::*;
use crate::state::{AppState, ComplaintSettings};
use crate::domain::audit::AuditAction;
use crate::store::{AuditEntry, Complaint, ComplaintFilter, OutboxEmail, OutboxState, ReplyTemplate, SiteScope};
use crate::survey::api::SiteLink;
use crate::time::{french_date, paris_day};
use chrono::{DateTime, NaiveDate, Utc};

/// Most complaints shown in one list.
pub const LIST_LIMIT: u32 = 500;


/// `dd/mm/yyyy HH:MM` in Europe/Paris.
pub fn paris_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&chrono_tz::Europe::Paris).format("%d/%m/%Y %H:%M").to_string()
}

/// The acknowledgement and reply deadlines of `c` on `today` (Europe/Paris).
pub fn deadlines(c: &Complaint, settings: &ComplaintSettings, today: NaiveDate) -> (DeadlineView, Option<DeadlineView>) {
    let ack_on = ack_due(c.received_on, c.channel.is_paper());
    let ack = DeadlineView { due: french_date(ack_on), state: ack_state(c.received_on, ack_on, c.acknowledged_on, today) };
    let reply = (c.reply_mode != ReplyMode::Aucune).then(|| {
        let due = reply_due(&settings.calendar, c.received_on, c.reply_days);
        DeadlineView { due: french_date(due), state: reply_state(&settings.calendar, c.received_on, due, c.replied_on, today) }
    });
    (ack, reply)
}

/// Whether a complaint still open has missed a deadline.
fn overdue(c: &Complaint, ack: &DeadlineView, reply: &Option<DeadlineView>) -> bool {
    let open = !matches!(c.status, ComplaintStatus::Close | ComplaintStatus::SansSuite);
    open && (matches!(ack.state, crate::domain::deadline::DeadlineState::Late { .. }) || reply.as_ref().is_some_and(|r| matches!(r.state, crate::domain::deadline::DeadlineState::Late { .. })))
}

async fn sites_in_scope(state: &AppState, scope: &SiteScope) -> Result<Vec<crate::store::Site>, AppError> {
    Ok(state.store.list_sites().await?.into_iter().filter(|s| scope.allows(s.id)).collect())
}

fn links(sites: &[crate::store::Site]) -> Vec<SiteLink> {
    sites.iter().map(|s| SiteLink { slug: s.slug.clone(), name: s.name.clone() }).collect()
}

/// See [`load_complaint_list`].
pub async fn complaint_list(filters: Vec<(String, String)>) -> Result<ComplaintListView, AppError> {
    let staff = require_staff().await?;
    let state = crate::state::app_state()?;
    let sites = sites_in_scope(&state, &staff.scope).await?;
    let get = |name: &str| form_value(&filters, name).map(str::trim).filter(|v| !v.is_empty());
    let late_only = get("retard") == Some("1");
    let filter = ComplaintFilter {
        site_id: get("site").and_then(|slug| sites.iter().find(|s| s.slug == slug)).map(|s| s.id),
        status: get("statut").and_then(ComplaintStatus::parse),
        kind: get("type").and_then(ComplaintKind::parse),
        channel: get("canal").and_then(ComplaintChannel::parse),
        procedure: get("demarche").and_then(Procedure::parse),
        open_only: late_only,
    };
    let today = paris_day(Utc::now());
    let found = state.store.list_complaints(&staff.scope, &filter, LIST_LIMIT + 1).await?;
    let truncated = found.len() > LIST_LIMIT as usize;
    let rows = found
        .into_iter()
        .take(LIST_LIMIT as usize)
        .filter_map(|c| {
            let (ack, reply) = deadlines(&c, &state.complaints, today);
            if late_only && !overdue(&c, &ack, &reply) {
                return None;
            }
            Some(ComplaintRow {
                id: c.id,
                reference: c.reference,
                kind: c.kind,
                site_name: c.site.name,
                procedure: c.procedure,
                channel: c.channel,
                received_on: french_date(c.received_on),
                status: c.status,
                ack,
                reply,
            })
        })
        .collect();
    Ok(ComplaintListView { header: staff.header(), sites: links(&sites), filters, rows, truncated })
}

/// Templates that fit a complaint: no restriction, or the same type / procedure.
fn fits(t: &ReplyTemplate, c: &Complaint) -> bool {
    t.kind.is_none_or(|k| k == c.kind) && t.procedure.is_none_or(|p| p == c.procedure)
}

/// The merge values of a complaint for the agent `signature`.
pub fn merge_values(c: &Complaint, signature: &str) -> MergeValues {
    MergeValues {
        reference: c.reference.clone(),
        date_reception: french_date(c.received_on),
        site: c.site.name.clone(),
        demarche: crate::complaints::labels::procedure(Locale::fr, c.procedure),
        nom: c.requester_name.clone(),
        signature: signature.to_string(),
    }
}

fn email_view(e: OutboxEmail) -> EmailView {
    EmailView {
        id: e.id,
        created_at: paris_time(e.created_at),
        to: e.to_address,
        subject: e.subject,
        sent: e.state == OutboxState::Sent,
        failed: e.state == OutboxState::Failed,
        attempts: e.attempts,
        next_attempt: (e.state == OutboxState::Pending).then(|| paris_time(e.next_attempt_at)),
        last_error: e.last_error,
        sent_at: e.sent_at.map(paris_time),
        complaint_id: e.complaint_id,
        erased: e.erased_at.is_some(),
    }
}

/// See [`load_complaint_detail`].
pub async fn complaint_detail(id: i64, template: Option<i64>) -> Result<ComplaintDetailView, AppError> {
    let staff = require_staff().await?;
    let state = crate::state::app_state()?;
    let c = state.store.complaint(id, &staff.scope).await?.ok_or(AppError::NotFound)?;
    let now = Utc::now();
    // The page shows personal data (message, contact details): every display is recorded.
    let entry = AuditEntry::new(AuditAction::ComplaintViewed, now).by(&staff.user).target(c.reference.clone()).client(crate::audit::request_client_hash(&state));
    crate::audit::record(&state, entry).await;
    let today = paris_day(now);
    let (ack, reply) = deadlines(&c, &state.complaints, today);
    let events = state
        .store
        .complaint_events(c.id)
        .await?
        .into_iter()
        .map(|e| EventView { at: paris_time(e.at), who: e.user_name, action: e.action, from: e.from_status, to: e.to_status, detail: e.detail })
        .collect();
    let emails = state.store.complaint_emails(c.id).await?.into_iter().map(email_view).collect();
    let templates: Vec<ReplyTemplate> = state.store.list_templates(false).await?.into_iter().filter(|t| fits(t, &c)).collect();
    let echo = leptos::prelude::use_context::<StaffEcho>();
    let reply_state = echo.as_ref().filter(|e| e.form == "reponse").map(|e| e.state.clone()).unwrap_or_default();
    let status_state = echo.as_ref().filter(|e| e.form == "statut").map(|e| e.state.clone()).unwrap_or_default();
    let draft = if reply_state.values.is_empty() {
        match template.and_then(|tid| templates.iter().find(|t| t.id == tid)) {
            Some(t) => {
                let values = merge_values(&c, &staff.user.display_name);
                ReplyDraft { template_id: Some(t.id), subject: merge(&t.subject, &values), body: merge(&t.body, &values) }
            }
            None => ReplyDraft::default(),
        }
    } else {
        ReplyDraft {
            template_id: form_value(&reply_state.values, "modele").and_then(|v| v.parse().ok()),
            subject: reply_state.value("objet"),
            body: reply_state.value("texte"),
        }
    };
    Ok(ComplaintDetailView {
        header: staff.header(),
        id: c.id,
        reference: c.reference.clone(),
        kind: c.kind,
        site_name: c.site.name.clone(),
        procedure: c.procedure,
        channel: c.channel,
        received_on: french_date(c.received_on),
        message: c.message.clone(),
        reply_mode: c.reply_mode,
        requester_name: c.requester_name.clone(),
        email: c.email.clone(),
        postal_address: c.postal_address.clone(),
        postal_code: c.postal_code.clone(),
        status: c.status,
        ack,
        reply,
        reply_days: c.reply_days,
        reply_subject: c.reply_subject.clone(),
        reply_text: c.reply_text.clone(),
        dismissal_reason: c.dismissal_reason.clone(),
        erased_on: c.erased_at.map(|t| french_date(paris_day(t))),
        events,
        emails,
        targets: c.status.manual_targets(c.reply_mode != ReplyMode::Aucune),
        can_reply: c.status.can_reply() && c.reply_mode != ReplyMode::Aucune,
        templates: templates.into_iter().map(|t| (t.id, t.name)).collect(),
        draft,
        reply_state,
        status_state,
    })
}

/// See [`load_entry_form`].
pub async fn entry_form() -> Result<EntryFormView, AppError> {
    let staff = require_staff().await?;
    let state = crate::state::app_state()?;
    let sites = sites_in_scope(&state, &staff.scope).await?;
    let echo = leptos::prelude::use_context::<StaffEcho>().filter(|e| e.form == "saisie");
    let now = Utc::now();
    let (token, form_state) = match echo {
        Some(e) => (e.token.unwrap_or_else(|| state.tokens.issue(STAFF_FORM, now)), e.state),
        None => {
            // One site in reach: chosen already.
            let values = match sites.as_slice() {
                [only] => vec![("site".to_string(), only.slug.clone())],
                _ => Vec::new(),
            };
            (state.tokens.issue(STAFF_FORM, now), FormState { values, ..Default::default() })
        }
    };
    Ok(EntryFormView {
        header: staff.header(),
        form: ComplaintFormView { sites: links(&sites), token, lang: "fr".into(), state: form_state, reply_days: state.complaints.reply_days, kiosk: false },
        today: paris_day(now).to_string(),
    })
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

/// See [`load_letter`].
pub async fn letter(id: i64) -> Result<LetterView, AppError> {
    let staff = require_staff().await?;
    let state = crate::state::app_state()?;
    let c = state.store.complaint(id, &staff.scope).await?.ok_or(AppError::NotFound)?;
    let (Some(body), Some(replied_on)) = (c.reply_text.clone(), c.replied_on) else { return Err(AppError::NotFound) };
    Ok(LetterView {
        id: c.id,
        site_name: c.site.name.clone(),
        site_address: lines(&c.site_address),
        date: french_date(replied_on),
        recipient_name: c.requester_name.clone(),
        recipient_address: c.postal_address.as_deref().map(lines).unwrap_or_default(),
        reference: c.reference.clone(),
        subject: c.reply_subject.clone().unwrap_or_default(),
        body,
    })
}

fn merge_fields() -> Vec<(String, String)> {
    MERGE_FIELDS.iter().map(|(n, d)| (n.to_string(), d.to_string())).collect()
}

fn template_view(t: ReplyTemplate) -> TemplateView {
    TemplateView {
        id: t.id,
        name: t.name,
        kind: t.kind,
        procedure: t.procedure,
        subject: t.subject,
        body: t.body,
        active: t.active,
        updated_on: french_date(paris_day(t.updated_at)),
    }
}

/// See [`load_templates`].
pub async fn templates() -> Result<TemplatesView, AppError> {
    let staff = require_staff().await?;
    let state = crate::state::app_state()?;
    let mut all = state.store.list_templates(true).await?;
    all.sort_by_key(|t| !t.active);
    Ok(TemplatesView { header: staff.header(), templates: all.into_iter().map(template_view).collect(), merge_fields: merge_fields() })
}

/// The form values of a stored template.
fn template_values(t: &ReplyTemplate) -> Vec<(String, String)> {
    vec![
        ("nom".into(), t.name.clone()),
        ("type".into(), t.kind.map(|k| k.as_str().to_string()).unwrap_or_default()),
        ("demarche".into(), t.procedure.map(|p| p.as_str().to_string()).unwrap_or_default()),
        ("objet".into(), t.subject.clone()),
        ("texte".into(), t.body.clone()),
        ("actif".into(), if t.active { "1".into() } else { String::new() }),
    ]
}

/// See [`load_template_form`].
pub async fn template_form(id: Option<i64>) -> Result<TemplateFormView, AppError> {
    let staff = require_staff().await?;
    staff.require_template_manager()?;
    let state = crate::state::app_state()?;
    let echo = leptos::prelude::use_context::<StaffEcho>().filter(|e| e.form == "modele");
    let form_state = match (echo, id) {
        (Some(e), _) => e.state,
        (None, Some(id)) => FormState { values: template_values(&state.store.template(id).await?.ok_or(AppError::NotFound)?), ..Default::default() },
        (None, None) => FormState { values: vec![("actif".into(), "1".into())], ..Default::default() },
    };
    Ok(TemplateFormView { header: staff.header(), id, state: form_state, merge_fields: merge_fields() })
}

/// Most messages on the outbox page.
pub const OUTBOX_LIMIT: u32 = 200;

/// See [`load_outbox`].
pub async fn outbox() -> Result<OutboxView, AppError> {
    let staff = require_staff().await?;
    staff.require_template_manager()?;
    let state = crate::state::app_state()?;
    let emails = state.store.list_outbox(OUTBOX_LIMIT).await?.into_iter().map(email_view).collect();
    Ok(OutboxView { header: staff.header(), smtp_configured: state.complaints.smtp_configured, emails })
}
