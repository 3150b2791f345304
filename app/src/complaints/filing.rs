//! Filing a complaint (public form and agents' entry) and looking one up (`/suivi`), server side.

use super::api::{ComplaintFormView, FiledView, TrackedComplaint, TrackingOutcome, TrackingView};
use crate::domain::complaint::{fields, normalize_postal_code, validate_complaint, ComplaintChannel, ComplaintKind, ComplaintStatus, ReplyMode};
use crate::domain::reference::normalize_reference;
use crate::domain::survey_form::form_value;
use crate::error::AppError;
use crate::form::FormState;
use crate::i18n::*;
use crate::state::AppState;
use crate::store::{FileOutcome, NewComplaint, NewEmail, Site};
use crate::survey::api::SiteLink;
use crate::survey::submit::supported_language;
use crate::time::{french_date, paris_day};
use chrono::{DateTime, Utc};

/// Token purpose of the public complaint form.
pub const PUBLIC_FORM: &str = "complaint:public";
/// Token purpose of the agents' entry form.
pub const STAFF_FORM: &str = "complaint:staff";
/// Signature purpose of the confirmation link.
const FILED_LINK: &str = "complaint:filed";

/// Outcome of a filing.
#[derive(Clone, Debug, PartialEq)]
pub enum Filing {
    /// Stored (or already stored with this token): the reference, if known.
    Filed {
        /// Database id (`None` only if a replayed token's complaint was since deleted).
        id: Option<i64>,
        /// Reference (`None` only if a replayed token's complaint was since deleted).
        reference: Option<String>,
        /// An acknowledgement e-mail was queued.
        email_sent: bool,
    },
    /// Nothing stored: the form again, with these values and errors, and a token.
    Rejected {
        /// Values and errors.
        state: FormState,
        /// Token for the next attempt.
        token: String,
    },
}

fn site_links(sites: &[Site]) -> Vec<SiteLink> {
    sites.iter().map(|s| SiteLink { slug: s.slug.clone(), name: s.name.clone() }).collect()
}

/// The public form (see [`super::api::load_complaint_form`]). Only the request's own rejected
/// POST (its echo) fills fields in, and the site of `/reclamation/{site}`: on a tablet nothing of
/// a previous visitor can come back.
///
/// # Errors
/// [`AppError::Unavailable`] when the database fails.
pub async fn load_public_form(site: Option<String>, lang: &str) -> Result<ComplaintFormView, AppError> {
    let state = crate::state::app_state()?;
    let sites = state.last_known.sites(&state.store).await?;
    let echo = leptos::prelude::use_context::<super::api::ComplaintEcho>();
    let (token, form_state) = match echo {
        Some(e) => (e.token, e.state),
        None => {
            let mut values = Vec::new();
            if let Some(slug) = site.filter(|s| sites.iter().any(|x| &x.slug == s)) {
                values.push((fields::SITE.to_string(), slug));
            }
            (state.tokens.issue(PUBLIC_FORM, Utc::now()), FormState { values, ..Default::default() })
        }
    };
    Ok(ComplaintFormView {
        sites: site_links(&sites),
        token,
        lang: supported_language(lang).to_string(),
        state: form_state,
        reply_days: state.complaints.reply_days,
        kiosk: crate::kiosk::current().is_some(),
    })
}

/// The acknowledgement e-mail of a complaint of `kind` received on `received_on` (Europe/Paris)
/// at `site_name`, sent to `to` in the language the complaint was filed in (`language`: a code
/// such as `ar`; French when unknown); `{reference}` in it is filled in by
/// [`NewEmail::with_reference`]. The date reads `dd/mm/yyyy` in every language.
pub fn acknowledgement(kind: ComplaintKind, to: &str, received_on: chrono::NaiveDate, site_name: &str, reply_days: u32, language: &str) -> NewEmail {
    let locale = crate::language::parse_code(language).unwrap_or(Locale::fr);
    let subject = match kind {
        ComplaintKind::Reclamation => td_string!(locale, complaint.ack_subject_reclamation),
        ComplaintKind::Suggestion => td_string!(locale, complaint.ack_subject_suggestion),
    }
    .to_string();
    let date = french_date(received_on);
    let body = td_string!(locale, complaint.ack_body, date, site = site_name, days = reply_days).to_string();
    NewEmail { to: to.to_string(), subject, body }
}

/// Validates and stores a filing. `staff`: the agent typing it in (then the channel and date of
/// receipt come from the form, and no acknowledgement is given at filing); otherwise the online
/// form through `channel`, which acknowledges at once (the reference on screen, and the e-mail
/// if an address was given).
///
/// The token (purpose [`PUBLIC_FORM`] or [`STAFF_FORM`]) is checked first: expired or forged
/// stores nothing and asks to send again with what was typed kept; already used stores nothing
/// and returns the reference filed with it.
///
/// # Errors
/// [`AppError::Unavailable`] when the database fails.
pub async fn file(state: &AppState, values: Vec<(String, String)>, channel: ComplaintChannel, staff: Option<i64>, now: DateTime<Utc>) -> Result<Filing, AppError> {
    let purpose = if staff.is_some() { STAFF_FORM } else { PUBLIC_FORM };
    let sites = state.last_known.sites(&state.store).await?;
    let slugs: Vec<&str> = sites.iter().map(|s| s.slug.as_str()).collect();
    let today = paris_day(now);
    let validated = validate_complaint(&values, &slugs, channel, today, staff.is_some());
    let token = form_value(&values, fields::TOKEN).unwrap_or_default().to_string();
    let nonce = match state.tokens.verify(purpose, &token, now) {
        Ok(nonce) => nonce,
        Err(_) => {
            let form_state = FormState { errors: validated.err().unwrap_or_default(), notice: Some(crate::form::FormNotice::Expired), values };
            return Ok(Filing::Rejected { state: form_state, token: state.tokens.issue(purpose, now) });
        }
    };
    let draft = match validated {
        Ok(d) => d,
        Err(errors) => return Ok(Filing::Rejected { state: FormState { values, errors, notice: None }, token }),
    };
    let site = sites.iter().find(|s| s.slug == draft.site).ok_or(AppError::NotFound)?;
    let reply_days = state.complaints.reply_days;
    let acknowledged = staff.is_none();
    let lang = supported_language(form_value(&values, fields::LANG).unwrap_or("fr")).to_string();
    let ack_email = draft.email.as_deref().filter(|_| acknowledged).map(|to| acknowledgement(draft.kind, to, draft.received_on, &site.name, reply_days, &lang));
    let email_sent = ack_email.is_some();
    let complaint = NewComplaint {
        kind: draft.kind,
        site_id: site.id,
        procedure: draft.procedure,
        channel: draft.channel,
        message: draft.message,
        reply_mode: draft.reply_mode,
        requester_name: draft.name,
        email: draft.email,
        postal_address: draft.postal_address,
        postal_code: draft.postal_code,
        language: lang,
        received_on: draft.received_on,
        reply_days,
        status: if acknowledged { ComplaintStatus::AccuseEnvoye } else { ComplaintStatus::Recue },
        acknowledged_on: acknowledged.then_some(today),
        created_at: now,
        created_by: staff,
        token_nonce: Some(nonce),
        acknowledgement: ack_email,
    };
    let outcome = match state.store.file_complaint(&complaint).await {
        Ok(outcome) => outcome,
        // The database cannot be reached: nothing stored, everything typed and the (unused)
        // token come back with the notice, to send again in a few moments.
        Err(e) if crate::last_known::is_outage(&e) => {
            tracing::warn!(error = %e, "complaint not stored: database unreachable");
            state.last_known.note_error(&e);
            return Ok(Filing::Rejected { state: FormState { values, errors: Vec::new(), notice: Some(crate::form::FormNotice::Unavailable) }, token });
        }
        Err(e) => return Err(e.into()),
    };
    Ok(match outcome {
        FileOutcome::Filed { id, reference } => Filing::Filed { id: Some(id), reference: Some(reference), email_sent },
        // Replayed token: say what the first filing did (an address typed only in the replay
        // was not stored and no e-mail goes to it).
        FileOutcome::AlreadyFiled { reference } => {
            let first = match &reference {
                Some(r) => state.store.complaint_by_reference(r).await?,
                None => None,
            };
            let email_sent = acknowledged && first.as_ref().is_some_and(|c| c.email.is_some());
            Filing::Filed { id: first.map(|c| c.id), reference, email_sent }
        }
    })
}

/// The confirmation link of `reference`: `/reclamation/enregistree/{reference}?cle={signature}`.
pub fn filed_link(state: &AppState, reference: &str, email_sent: bool) -> String {
    let key = state.tokens.sign(FILED_LINK, reference);
    format!("/reclamation/enregistree/{reference}?cle={key}&courriel={}", u8::from(email_sent))
}

/// The confirmation page's data (see [`super::api::load_filed`]).
///
/// # Errors
/// [`AppError::NotFound`] when `key` is not the signature of `reference`.
pub async fn load_filed(reference: &str, key: &str, email_sent: bool) -> Result<FiledView, AppError> {
    let state = crate::state::app_state()?;
    if !state.tokens.check_signature(FILED_LINK, reference, key) {
        return Err(AppError::NotFound);
    }
    Ok(FiledView { reference: reference.to_string(), email_sent })
}

/// Looks up a complaint for `/suivi`: the reference (as typed; normalised) and the e-mail
/// (case-insensitive) or postal code (spaces ignored) given when filing. A wrong pair gets the
/// same answer as an unknown reference.
///
/// # Errors
/// [`AppError::Unavailable`] when the database fails.
pub async fn track(state: &AppState, values: &[(String, String)]) -> Result<TrackingView, AppError> {
    let reference = form_value(values, "reference").unwrap_or_default().trim().to_string();
    let contact = form_value(values, "contact").unwrap_or_default().trim().to_string();
    let outcome = if reference.is_empty() || contact.is_empty() {
        TrackingOutcome::Missing
    } else {
        let found = match normalize_reference(&reference) {
            Some(r) => state.store.complaint_by_reference(&r).await?,
            None => None,
        };
        match found.filter(|c| contact_matches(c.email.as_deref(), c.postal_code.as_deref(), &contact)) {
            None => TrackingOutcome::NotFound,
            Some(c) => TrackingOutcome::Found(TrackedComplaint {
                reference: c.reference,
                kind: c.kind,
                site_name: c.site.name,
                received_on: french_date(c.received_on),
                status: c.status,
                replied_on: c.replied_on.map(french_date),
                reply_text: c.reply_text.filter(|_| matches!(c.status, ComplaintStatus::Repondue | ComplaintStatus::Close)),
                no_reply_wanted: c.reply_mode == ReplyMode::Aucune,
            }),
        }
    };
    Ok(TrackingView { reference, contact, outcome: Some(outcome) })
}

/// Whether what the visitor typed matches the e-mail or the postal code given when filing.
pub fn contact_matches(email: Option<&str>, postal_code: Option<&str>, typed: &str) -> bool {
    let typed = typed.trim();
    if typed.is_empty() {
        return false;
    }
    let by_email = email.is_some_and(|e| e.trim().to_lowercase() == typed.to_lowercase());
    let by_code = postal_code.is_some_and(|c| normalize_postal_code(c) == normalize_postal_code(typed));
    by_email || by_code
}

#[cfg(test)]
mod tests {
    use super::contact_matches;

    #[test]
    fn contact_matches_email_or_postal_code_only() {
        assert!(contact_matches(Some("Amina@Exemple.fr"), None, " amina@exemple.fr "));
        assert!(contact_matches(None, Some("91 000"), "91000"));
        assert!(!contact_matches(Some("a@b.fr"), Some("91000"), "91001"));
        assert!(!contact_matches(None, None, "91000"));
        assert!(!contact_matches(Some("a@b.fr"), None, ""));
    }
}
