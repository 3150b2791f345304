//! Data shapes and server functions of the public complaint pages.

use crate::error::AppError;
use crate::form::FormState;
use crate::survey::api::SiteLink;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The public complaint form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplaintFormView {
    /// Sites to choose from.
    pub sites: Vec<SiteLink>,
    /// One-time token.
    pub token: String,
    /// Interface language.
    pub lang: String,
    /// Values and errors (the site preselected by `/reclamation/{site}` is a value).
    pub state: FormState,
    /// Working days allowed for the reply (shown as the engagement).
    pub reply_days: u32,
    /// Shown on an enrolled tablet ([`crate::kiosk`]): browser autofill off on the form and
    /// every field.
    pub kiosk: bool,
}

/// The confirmation of a filed complaint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FiledView {
    /// `REC-2026-000123`.
    pub reference: String,
    /// An acknowledgement e-mail was queued.
    pub email_sent: bool,
}

/// What `/suivi` shows about a found complaint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrackedComplaint {
    /// Reference.
    pub reference: String,
    /// Type.
    pub kind: crate::domain::complaint::ComplaintKind,
    /// Site name.
    pub site_name: String,
    /// Day of receipt, `dd/mm/yyyy`.
    pub received_on: String,
    /// Status.
    pub status: crate::domain::complaint::ComplaintStatus,
    /// Reply day, `dd/mm/yyyy`, once answered.
    pub replied_on: Option<String>,
    /// The reply, once answered.
    pub reply_text: Option<String>,
    /// The visitor asked for no reply.
    pub no_reply_wanted: bool,
}

/// Outcome of a `/suivi` lookup.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TrackingOutcome {
    /// A field was empty.
    Missing,
    /// No complaint with this reference and this e-mail / postal code (same answer for an
    /// unknown reference: nothing can be enumerated).
    NotFound,
    /// Found.
    Found(TrackedComplaint),
    /// Not looked up: refused by the public-form protection ([`crate::form_guard`]).
    Refused(crate::form_guard::Refusal),
}

/// The `/suivi` page: what was typed, and the outcome of the lookup if one was posted.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TrackingView {
    /// Reference typed.
    pub reference: String,
    /// E-mail or postal code typed.
    pub contact: String,
    /// Outcome (`None` before any lookup).
    pub outcome: Option<TrackingOutcome>,
}

/// The posted form of a page rendered in answer to a plain POST of the complaint form.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug)]
pub struct ComplaintEcho {
    /// Values and errors.
    pub state: FormState,
    /// Token for the next attempt.
    pub token: String,
}

/// The `/suivi` page rendered in answer to a lookup POST.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug)]
pub struct TrackingEcho(pub TrackingView);

/// The public complaint form, with `site` preselected if it is a known slug.
///
/// # Errors
/// [`AppError::Unavailable`] when the database fails.
#[server(prefix = "/srv", endpoint = "complaint/form")]
pub async fn load_complaint_form(site: Option<String>, lang: String) -> Result<ComplaintFormView, AppError> {
    crate::complaints::filing::load_public_form(site, &lang).await
}

/// The confirmation page of `reference`; `key` is the signature given in the redirect,
/// `email_sent` whether an acknowledgement e-mail was queued.
///
/// # Errors
/// [`AppError::NotFound`] when the signature does not match (or the reference is unknown).
#[server(prefix = "/srv", endpoint = "complaint/filed")]
pub async fn load_filed(reference: String, key: String, email_sent: bool) -> Result<FiledView, AppError> {
    crate::complaints::filing::load_filed(&reference, &key, email_sent).await
}

/// The `/suivi` page (with the outcome when it answers a lookup POST).
#[server(prefix = "/srv", endpoint = "complaint/tracking")]
pub async fn load_tracking() -> Result<TrackingView, AppError> {
    Ok(use_context::<TrackingEcho>().map(|e| e.0).unwrap_or_default())
}
