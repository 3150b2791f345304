//! Server side of the person search (GDPR art. 15 access and art. 17 erasure requests): finds
//! everything held about one person — complaints by name or e-mail, the e-mails sent to them,
//! audit entries holding their e-mail — for the search page, the export and the erasure.

use super::api::{ErasureEcho, PersonAuditEntry, PersonComplaint, PersonDataView, PersonEmail};
use crate::complaints::staff::access::{require_staff, Staff};
use crate::complaints::staff::load::paris_time;
use crate::domain::personal_data::PersonQuery;
use crate::domain::search::fold;
use crate::domain::survey_form::form_value;
use crate::error::AppError;
use crate::store::{AuditRecord, Complaint, DynStore, ErasureRequest, OutboxEmail, Role, SiteScope, StoreError};
use crate::time::french_date;
use std::collections::HashSet;

/// Everything found about one person.
#[derive(Clone, Debug, Default)]
pub struct Findings {
    /// Complaints whose name or e-mail matches, by id.
    pub complaints: Vec<Complaint>,
    /// Outbox e-mails of those complaints or to the person's address.
    pub emails: Vec<OutboxEmail>,
    /// Audit entries holding the person's address (not a staff account's).
    pub audit: Vec<AuditRecord>,
    /// The e-mails of those audit entries, as stored.
    pub audit_emails: Vec<String>,
}

impl Findings {
    /// The erasure of everything found, limited to the complaints `confirmed` (ids shown on the
    /// confirmation page: a complaint matching only since then is left alone, with its e-mails).
    pub fn erasure(&self, confirmed: &[i64]) -> ErasureRequest {
        let complaint_ids: Vec<i64> = self.complaints.iter().map(|c| c.id).filter(|id| confirmed.contains(id)).collect();
        let outbox_ids = self.emails.iter().filter(|e| e.complaint_id.is_none_or(|c| complaint_ids.contains(&c))).map(|e| e.id).collect();
        ErasureRequest { complaint_ids, outbox_ids, audit_emails: self.audit_emails.clone() }
    }

    /// References of the complaints found, in order.
    pub fn references(&self) -> Vec<String> {
        self.complaints.iter().map(|c| c.reference.clone()).collect()
    }
}

/// Whether `staff` handles personal-data requests (quality staff and admins).
///
/// # Errors
/// [`AppError::Forbidden`] for an agent.
pub fn require_data_officer(staff: &Staff) -> Result<(), AppError> {
    match staff.user.role {
        Role::Admin | Role::Qualite => Ok(()),
        Role::Agent => Err(AppError::Forbidden),
    }
}

/// Finds everything held about the person `query` (every site: only quality staff and admins
/// search). Names and e-mails are compared in Rust (case, accents and ligatures ignored).
///
/// # Errors
/// [`StoreError`] when the database fails.
pub async fn find_person(store: &DynStore, query: &PersonQuery) -> Result<Findings, StoreError> {
    let contacts = store.complaint_contacts().await?;
    let mut complaints = Vec::new();
    for c in contacts.iter().filter(|c| query.matches(c.name.as_deref(), c.email.as_deref())) {
        if let Some(found) = store.complaint(c.id, &SiteScope::All).await? {
            complaints.push(found);
        }
    }
    // The person's addresses: the one searched and those given in their complaints.
    let mut addresses: HashSet<String> = complaints.iter().filter_map(|c| c.email.as_deref()).map(|e| fold(e.trim())).collect();
    if let PersonQuery::Email(e) = query {
        addresses.insert(e.clone());
    }
    let ids: HashSet<i64> = complaints.iter().map(|c| c.id).collect();
    let outbox_ids: Vec<i64> = store
        .outbox_recipients()
        .await?
        .into_iter()
        .filter(|(_, to, complaint)| addresses.contains(&fold(to.trim())) || complaint.is_some_and(|c| ids.contains(&c)))
        .map(|(id, _, _)| id)
        .collect();
    let emails = if outbox_ids.is_empty() { Vec::new() } else { store.outbox_emails(&outbox_ids).await? };
    let audit_emails: Vec<String> = store.audit_visitor_emails().await?.into_iter().filter(|e| addresses.contains(&fold(e.trim()))).collect();
    let audit = if audit_emails.is_empty() { Vec::new() } else { store.audit_entries_with_emails(&audit_emails).await? };
    Ok(Findings { complaints, emails, audit, audit_emails })
}

fn person_complaint(c: &Complaint) -> PersonComplaint {
    let postal = [c.postal_address.as_deref(), c.postal_code.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
    PersonComplaint {
        id: c.id,
        reference: c.reference.clone(),
        site_name: c.site.name.clone(),
        received_on: french_date(c.received_on),
        status: c.status,
        name: c.requester_name.clone(),
        email: c.email.clone(),
        postal: Some(postal).filter(|p| !p.is_empty()),
    }
}

/// See [`super::api::load_person_data`].
pub async fn person_data(params: Vec<(String, String)>) -> Result<PersonDataView, AppError> {
    let staff = require_staff().await?;
    require_data_officer(&staff)?;
    let state = crate::state::app_state()?;
    let echo = leptos::prelude::use_context::<ErasureEcho>();
    let query = match &echo {
        Some(e) => e.query.clone(),
        None => form_value(&params, "q").unwrap_or_default().trim().to_string(),
    };
    let erased = form_value(&params, "efface")
        .map(|v| v.split(',').filter_map(crate::domain::reference::normalize_reference).collect())
        .unwrap_or_default();
    let mut view = PersonDataView {
        header: staff.header(),
        query: query.clone(),
        error: None,
        searched: false,
        complaints: Vec::new(),
        emails: Vec::new(),
        audit: Vec::new(),
        done: form_value(&params, "fait") == Some("1"),
        erased,
        missing_confirmation: echo.is_some(),
    };
    if query.is_empty() {
        return Ok(view);
    }
    match PersonQuery::parse(&query) {
        Err(e) => view.error = Some(e),
        Ok(q) => {
            let found = find_person(&state.store, &q).await?;
            view.searched = true;
            view.complaints = found.complaints.iter().map(person_complaint).collect();
            view.emails = found.emails.into_iter().map(|e| PersonEmail { id: e.id, created_at: paris_time(e.created_at), to: e.to_address, subject: e.subject }).collect();
            view.audit = found
                .audit
                .into_iter()
                .map(|r| PersonAuditEntry { id: r.id, at: paris_time(r.entry.at), action: r.entry.action, email: r.entry.user_email.unwrap_or_default() })
                .collect();
        }
    }
    Ok(view)
}
