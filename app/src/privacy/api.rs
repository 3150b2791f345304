//! Data shapes and server functions of the personal-data pages: the public privacy notice
//! (the retention period it states comes from the configuration) and the quality staff's person
//! search and erasure confirmation (roles `qualite` and `admin` only: an agent gets 403).

use crate::complaints::staff::api::StaffHeader;
use crate::domain::audit::AuditAction;
use crate::domain::complaint::ComplaintStatus;
use crate::domain::personal_data::PersonQueryError;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One complaint holding the person's data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonComplaint {
    /// Database id (link to its page; posted with the erasure to say what was confirmed).
    pub id: i64,
    /// Reference.
    pub reference: String,
    /// Site name.
    pub site_name: String,
    /// Day of receipt, `dd/mm/yyyy`.
    pub received_on: String,
    /// Status.
    pub status: ComplaintStatus,
    /// Name given.
    pub name: Option<String>,
    /// E-mail given.
    pub email: Option<String>,
    /// Postal address and code given, on one line.
    pub postal: Option<String>,
}

/// One e-mail of the outbox sent (or to be sent) to the person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonEmail {
    /// Outbox id.
    pub id: i64,
    /// Queued at, `dd/mm/yyyy HH:MM` (Europe/Paris).
    pub created_at: String,
    /// Recipient.
    pub to: String,
    /// Subject.
    pub subject: String,
}

/// One audit entry holding the person's e-mail (typed at a failed login).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonAuditEntry {
    /// Entry id.
    pub id: i64,
    /// When, `dd/mm/yyyy HH:MM` (Europe/Paris).
    pub at: String,
    /// Action.
    pub action: AuditAction,
    /// The e-mail stored.
    pub email: String,
}

/// The person search page, or the erasure confirmation page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonDataView {
    /// Staff menu.
    pub header: StaffHeader,
    /// What was typed (kept in the form).
    pub query: String,
    /// Why the search was not run (`None`: run, or nothing typed yet).
    pub error: Option<PersonQueryError>,
    /// A search was run.
    pub searched: bool,
    /// Complaints holding the person's data.
    pub complaints: Vec<PersonComplaint>,
    /// E-mails of the outbox to the person.
    pub emails: Vec<PersonEmail>,
    /// Audit entries with the person's e-mail.
    pub audit: Vec<PersonAuditEntry>,
    /// An erasure was just done (`?fait=1`).
    pub done: bool,
    /// References of the complaints it erased (`?efface=`).
    pub erased: Vec<String>,
    /// The erasure was posted without ticking the confirmation.
    pub missing_confirmation: bool,
}

impl PersonDataView {
    /// Whether anything was found.
    pub fn found_anything(&self) -> bool {
        !(self.complaints.is_empty() && self.emails.is_empty() && self.audit.is_empty())
    }
}

/// What a rejected erasure form posted (provided to the page rendered again, 422).
#[cfg(feature = "ssr")]
#[derive(Clone, Debug)]
pub struct ErasureEcho {
    /// The search text posted.
    pub query: String,
}

/// Months the personal data of a closed complaint is kept (`RETENTION_MONTHS`), for the public
/// privacy notice.
///
/// # Errors
/// [`AppError::Unavailable`] outside a request (a wiring bug).
#[server(prefix = "/srv", endpoint = "privacy/retention")]
pub async fn load_retention_months() -> Result<u32, AppError> {
    Ok(crate::state::app_state()?.complaints.retention_months)
}

/// The person search for the query parameters `params` (`q`: an e-mail or a name; `efface`:
/// references just erased, comma-separated). Quality staff and admins only.
///
/// # Errors
/// [`AppError::Unauthorized`], [`AppError::Forbidden`] (an agent), [`AppError::Unavailable`].
#[server(prefix = "/srv", endpoint = "privacy/person")]
pub async fn load_person_data(#[server(default)] params: Vec<(String, String)>) -> Result<PersonDataView, AppError> {
    super::search::person_data(params).await
}
