//! Data shapes and server functions of the staff pages of the complaint box. Every function
//! checks the session and the site scope on the server (see [`super::access`]).

use crate::domain::complaint::{ComplaintChannel, ComplaintKind, ComplaintStatus, Procedure, ReplyMode};
use crate::domain::deadline::DeadlineState;
use crate::error::AppError;
use crate::form::FormState;
use crate::survey::api::SiteLink;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Who is logged in (the staff menu).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffHeader {
    /// Display name.
    pub user_name: String,
    /// May manage reply templates (quality staff, admins).
    pub manages_templates: bool,
    /// Administers campaigns and questionnaires.
    pub is_admin: bool,
}

/// A due date and where it stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeadlineView {
    /// Due date, `dd/mm/yyyy` (Europe/Paris).
    pub due: String,
    /// State; counts in working days for the reply, calendar days for the acknowledgement.
    pub state: DeadlineState,
}

/// One line of the complaint list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplaintRow {
    /// Database id.
    pub id: i64,
    /// Reference.
    pub reference: String,
    /// Type.
    pub kind: ComplaintKind,
    /// Site name.
    pub site_name: String,
    /// Procedure.
    pub procedure: Procedure,
    /// Channel.
    pub channel: ComplaintChannel,
    /// Day of receipt, `dd/mm/yyyy`.
    pub received_on: String,
    /// Status.
    pub status: ComplaintStatus,
    /// Acknowledgement deadline (calendar days).
    pub ack: DeadlineView,
    /// Reply deadline (working days); `None` when no reply is wanted.
    pub reply: Option<DeadlineView>,
}

/// The complaint list with its filters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplaintListView {
    /// Menu.
    pub header: StaffHeader,
    /// Sites in the member's scope (filter choices).
    pub sites: Vec<SiteLink>,
    /// The filters as given (`site`, `statut`, `type`, `canal`, `demarche`, `retard`).
    pub filters: Vec<(String, String)>,
    /// Matching complaints, newest receipt first.
    pub rows: Vec<ComplaintRow>,
    /// More complaints match than shown.
    pub truncated: bool,
}

/// One history entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventView {
    /// When, `dd/mm/yyyy HH:MM` (Europe/Paris).
    pub at: String,
    /// Agent's name; `None` for the visitor or the system.
    pub who: Option<String>,
    /// Action code (`depot`, `saisie`, `accuse`, `statut`, `reponse`).
    pub action: String,
    /// Status before.
    pub from: Option<ComplaintStatus>,
    /// Status after.
    pub to: Option<ComplaintStatus>,
    /// Reason, comment, or how the reply went out.
    pub detail: Option<String>,
}

/// An e-mail of the outbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmailView {
    /// Outbox id.
    pub id: i64,
    /// Queued at, `dd/mm/yyyy HH:MM` (Europe/Paris).
    pub created_at: String,
    /// Recipient.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Sent (accepted by the SMTP server).
    pub sent: bool,
    /// Given up (refused for good, or too many attempts).
    pub failed: bool,
    /// Attempts so far.
    pub attempts: u32,
    /// Next attempt, `dd/mm/yyyy HH:MM`, while pending.
    pub next_attempt: Option<String>,
    /// Error of the last failed attempt.
    pub last_error: Option<String>,
    /// Sent at, `dd/mm/yyyy HH:MM`.
    pub sent_at: Option<String>,
    /// The complaint it is about.
    pub complaint_id: Option<i64>,
    /// Its recipient, subject and body were erased (personal data).
    pub erased: bool,
}

/// The reply being written: from a template, or what the agent posted before.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReplyDraft {
    /// Template used, if any.
    pub template_id: Option<i64>,
    /// Subject.
    pub subject: String,
    /// Text.
    pub body: String,
}

/// A complaint with everything the detail page shows and offers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplaintDetailView {
    /// Menu.
    pub header: StaffHeader,
    /// Database id.
    pub id: i64,
    /// Reference.
    pub reference: String,
    /// Type.
    pub kind: ComplaintKind,
    /// Site name.
    pub site_name: String,
    /// Procedure.
    pub procedure: Procedure,
    /// Channel.
    pub channel: ComplaintChannel,
    /// Day of receipt, `dd/mm/yyyy`.
    pub received_on: String,
    /// The message as typed.
    pub message: String,
    /// Reply mode.
    pub reply_mode: ReplyMode,
    /// Name.
    pub requester_name: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Postal address.
    pub postal_address: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Status.
    pub status: ComplaintStatus,
    /// Acknowledgement deadline.
    pub ack: DeadlineView,
    /// Reply deadline (`None`: no reply wanted).
    pub reply: Option<DeadlineView>,
    /// Working days allowed for the reply.
    pub reply_days: u32,
    /// Reply subject, once answered.
    pub reply_subject: Option<String>,
    /// Reply text, once answered.
    pub reply_text: Option<String>,
    /// Reason of a "sans suite".
    pub dismissal_reason: Option<String>,
    /// Day its personal data was erased, `dd/mm/yyyy` (Europe/Paris); the message and contact
    /// details are then empty and the page says so.
    pub erased_on: Option<String>,
    /// History, oldest first.
    pub events: Vec<EventView>,
    /// E-mails about it.
    pub emails: Vec<EmailView>,
    /// Statuses reachable by hand.
    pub targets: Vec<ComplaintStatus>,
    /// A reply can be sent now.
    pub can_reply: bool,
    /// Templates that fit its type and procedure: (id, name).
    pub templates: Vec<(i64, String)>,
    /// The reply being written.
    pub draft: ReplyDraft,
    /// Errors of a rejected reply form.
    pub reply_state: FormState,
    /// Errors of a rejected status form.
    pub status_state: FormState,
}

/// The agents' entry form (letters, e-mails, paper slips).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntryFormView {
    /// Menu.
    pub header: StaffHeader,
    /// The complaint fields (sites limited to the member's scope), token and state.
    pub form: crate::complaints::api::ComplaintFormView,
    /// Today (Europe/Paris), `YYYY-MM-DD` (largest date of receipt).
    pub today: String,
}

/// A reply printed as a letter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LetterView {
    /// Complaint id (back link).
    pub id: i64,
    /// Site name (letterhead).
    pub site_name: String,
    /// Site postal address lines.
    pub site_address: Vec<String>,
    /// Date of the reply, `dd/mm/yyyy`.
    pub date: String,
    /// Recipient's name.
    pub recipient_name: Option<String>,
    /// Recipient's address lines.
    pub recipient_address: Vec<String>,
    /// Reference.
    pub reference: String,
    /// Subject.
    pub subject: String,
    /// Text.
    pub body: String,
}

/// A reply template as listed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplateView {
    /// Database id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Type restriction.
    pub kind: Option<ComplaintKind>,
    /// Procedure restriction.
    pub procedure: Option<Procedure>,
    /// Subject.
    pub subject: String,
    /// Text.
    pub body: String,
    /// Offered to agents.
    pub active: bool,
    /// Last change, `dd/mm/yyyy`.
    pub updated_on: String,
}

/// The templates page (also the document presented to the users' committee).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplatesView {
    /// Menu.
    pub header: StaffHeader,
    /// Every template, active first then by name.
    pub templates: Vec<TemplateView>,
    /// Merge fields: (name, description).
    pub merge_fields: Vec<(String, String)>,
}

/// The template edit form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplateFormView {
    /// Menu.
    pub header: StaffHeader,
    /// Template id (`None`: new).
    pub id: Option<i64>,
    /// Values (`nom`, `type`, `demarche`, `objet`, `texte`, `actif`) and errors.
    pub state: FormState,
    /// Merge fields: (name, description).
    pub merge_fields: Vec<(String, String)>,
}

/// The outbox page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxView {
    /// Menu.
    pub header: StaffHeader,
    /// An SMTP server is configured.
    pub smtp_configured: bool,
    /// Newest messages, pending first.
    pub emails: Vec<EmailView>,
}

/// A staff form rendered again after a rejected plain POST: which form, what was typed and the
/// errors.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug)]
pub struct StaffEcho {
    /// `saisie`, `reponse`, `statut` or `modele`.
    pub form: &'static str,
    /// Values and errors.
    pub state: FormState,
    /// Fresh one-time token (entry form).
    pub token: Option<String>,
}

/// The complaint list, filtered by `filters` (query pairs: `site` slug, `statut`, `type`,
/// `canal`, `demarche`, `retard=1` for overdue only).
///
/// # Errors
/// [`AppError::Unauthorized`] when not logged in.
#[server(prefix = "/srv", endpoint = "staff/complaints")]
pub async fn load_complaint_list(#[server(default)] filters: Vec<(String, String)>) -> Result<ComplaintListView, AppError> {
    super::load::complaint_list(filters).await
}

/// One complaint, with `template` merged into the reply draft when given.
///
/// # Errors
/// [`AppError::NotFound`] for an unknown id or a complaint outside the member's sites;
/// [`AppError::Unauthorized`] when not logged in.
#[server(prefix = "/srv", endpoint = "staff/complaint")]
pub async fn load_complaint_detail(id: i64, template: Option<i64>) -> Result<ComplaintDetailView, AppError> {
    super::load::complaint_detail(id, template).await
}

/// The entry form for a complaint received by letter, e-mail or paper slip.
///
/// # Errors
/// [`AppError::Unauthorized`] when not logged in.
#[server(prefix = "/srv", endpoint = "staff/entry")]
pub async fn load_entry_form() -> Result<EntryFormView, AppError> {
    super::load::entry_form().await
}

/// The reply of complaint `id` as a printable letter.
///
/// # Errors
/// [`AppError::NotFound`] when not answered yet, unknown or outside the member's sites.
#[server(prefix = "/srv", endpoint = "staff/letter")]
pub async fn load_letter(id: i64) -> Result<LetterView, AppError> {
    super::load::letter(id).await
}

/// Every reply template.
///
/// # Errors
/// [`AppError::Unauthorized`] when not logged in.
#[server(prefix = "/srv", endpoint = "staff/templates")]
pub async fn load_templates() -> Result<TemplatesView, AppError> {
    super::load::templates().await
}

/// The edit form of template `id` (`None`: a new one).
///
/// # Errors
/// [`AppError::Forbidden`] for agents; [`AppError::NotFound`] for an unknown id.
#[server(prefix = "/srv", endpoint = "staff/template")]
pub async fn load_template_form(id: Option<i64>) -> Result<TemplateFormView, AppError> {
    super::load::template_form(id).await
}

/// The outbox.
///
/// # Errors
/// [`AppError::Forbidden`] for agents.
#[server(prefix = "/srv", endpoint = "staff/outbox")]
pub async fn load_outbox() -> Result<OutboxView, AppError> {
    super::load::outbox().await
}
