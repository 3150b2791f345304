//! The complaint and suggestion box: the closed lists (type, procedure, channel, reply mode,
//! status), the status workflow, and the validation of the filing forms ("parse, don't
//! validate": posted `name=value` pairs in, a [`ComplaintDraft`] or a list of [`FieldError`]s
//! out).
//!
//! Stored values are the `as_str` strings; labels come from the locale files
//! (`complaint.kind_<value>`, …) so that they are translated.

use super::survey_form::{form_value, FieldError, FieldErrorKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Defines a closed list stored as text: `ALL`, `as_str`, `parse`.
macro_rules! closed_list {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $value:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Stored (and posted) value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $value),+
                }
            }

            /// Parses a stored or posted value (exact match).
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($value => Some($name::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

closed_list! {
    /// Réclamation (something went wrong) or suggestion (an idea to improve).
    ComplaintKind {
        /// A complaint.
        Reclamation => "reclamation",
        /// A suggestion.
        Suggestion => "suggestion",
    }
}

impl ComplaintKind {
    /// Prefix of the reference (`REC-2026-000123`, `SUG-2026-000045`).
    pub fn reference_prefix(self) -> &'static str {
        match self {
            ComplaintKind::Reclamation => "REC",
            ComplaintKind::Suggestion => "SUG",
        }
    }
}

closed_list! {
    /// The procedure (démarche) a complaint concerns.
    Procedure {
        /// Titre de séjour (residence permit).
        TitreSejour => "titre_sejour",
        /// Permis de conduire (driving licence).
        PermisConduire => "permis_conduire",
        /// Carte grise (vehicle registration).
        CarteGrise => "carte_grise",
        /// Naturalisation.
        Naturalisation => "naturalisation",
        /// Accueil général (general reception).
        Accueil => "accueil",
        /// Anything else.
        Autre => "autre",
    }
}

closed_list! {
    /// How a complaint reached the prefecture.
    ComplaintChannel {
        /// The online form on the visitor's own device.
        Web => "web",
        /// The online form on a site's tablet.
        Tablette => "tablette",
        /// An e-mail, typed in by an agent.
        Courriel => "courriel",
        /// A letter, typed in by an agent.
        Courrier => "courrier",
        /// A paper slip from the box on site, typed in by an agent.
        Fiche => "fiche",
    }
}

impl ComplaintChannel {
    /// Channels an agent types in (with a date of receipt), in display order.
    pub const STAFF_ENTRY: &'static [ComplaintChannel] = &[ComplaintChannel::Courrier, ComplaintChannel::Courriel, ComplaintChannel::Fiche];

    /// Paper channels get 14 calendar days for the acknowledgement instead of 7
    /// (Services Publics+ engagement 4).
    pub fn is_paper(self) -> bool {
        matches!(self, ComplaintChannel::Courrier | ComplaintChannel::Fiche)
    }
}

closed_list! {
    /// How the visitor wants to be answered.
    ReplyMode {
        /// By e-mail (an e-mail address is required).
        Email => "email",
        /// By post (a postal address and postal code are required).
        Courrier => "courrier",
        /// No answer wanted.
        Aucune => "aucune",
    }
}

closed_list! {
    /// Workflow status: reçue → accusé de réception envoyé → en cours → répondue → close, or
    /// sans suite (with a reason).
    ComplaintStatus {
        /// Filed, nothing done yet.
        Recue => "recue",
        /// The acknowledgement was sent.
        AccuseEnvoye => "accuse_envoye",
        /// Being handled.
        EnCours => "en_cours",
        /// The reply on the merits was sent.
        Repondue => "repondue",
        /// Closed after the reply.
        Close => "close",
        /// Closed without follow-up (a reason is recorded).
        SansSuite => "sans_suite",
    }
}

impl ComplaintStatus {
    /// Statuses an agent may move to by hand from `self`. "Répondue" is only reached by sending
    /// a reply ([`ComplaintStatus::can_reply`]); when the visitor wants no reply
    /// (`reply_wanted == false`), a complaint being handled can be closed directly. A closed or
    /// dismissed complaint can be reopened ("en cours").
    pub fn manual_targets(self, reply_wanted: bool) -> Vec<ComplaintStatus> {
        use ComplaintStatus::*;
        match self {
            Recue => vec![AccuseEnvoye, EnCours, SansSuite],
            AccuseEnvoye => vec![EnCours, SansSuite],
            EnCours if reply_wanted => vec![SansSuite],
            EnCours => vec![Close, SansSuite],
            Repondue => vec![Close, EnCours],
            Close | SansSuite => vec![EnCours],
        }
    }

    /// Whether a reply on the merits can be sent in this status.
    pub fn can_reply(self) -> bool {
        matches!(self, ComplaintStatus::Recue | ComplaintStatus::AccuseEnvoye | ComplaintStatus::EnCours)
    }

    /// Closed: "close" (after the reply, or without one when none was wanted) or "sans suite".
    /// The retention period of its personal data runs from the day it was closed
    /// ([`crate::domain::personal_data`]).
    pub fn is_closed(self) -> bool {
        matches!(self, ComplaintStatus::Close | ComplaintStatus::SansSuite)
    }

    /// Still waiting for a reply (counts for the "overdue" filter).
    pub fn is_open(self) -> bool {
        self.can_reply()
    }
}

/// Longest message, in characters (after CRLF → LF).
pub const MESSAGE_MAX_CHARS: usize = 5_000;
/// Longest name, in characters.
pub const NAME_MAX_CHARS: usize = 200;
/// Longest e-mail address, in characters (RFC 5321 path limit).
pub const EMAIL_MAX_CHARS: usize = 254;
/// Longest postal address, in characters.
pub const ADDRESS_MAX_CHARS: usize = 500;
/// Longest reason or comment typed by an agent, in characters.
pub const COMMENT_MAX_CHARS: usize = 2_000;
/// How far back a date of receipt may be typed in, in calendar days.
pub const RECEIPT_MAX_AGE_DAYS: i64 = 366;

/// Form field names, shared by the pages, the validation and the tests.
pub mod fields {
    /// `reclamation` or `suggestion`.
    pub const KIND: &str = "type";
    /// Site slug.
    pub const SITE: &str = "site";
    /// Procedure value.
    pub const PROCEDURE: &str = "demarche";
    /// The message.
    pub const MESSAGE: &str = "message";
    /// Reply mode value.
    pub const REPLY_MODE: &str = "reponse";
    /// Requester's name (optional).
    pub const NAME: &str = "nom";
    /// E-mail address.
    pub const EMAIL: &str = "email";
    /// Postal address (street, town).
    pub const ADDRESS: &str = "adresse";
    /// Postal code.
    pub const POSTAL_CODE: &str = "code_postal";
    /// Channel (staff entry).
    pub const CHANNEL: &str = "canal";
    /// Date of receipt, `YYYY-MM-DD` (staff entry).
    pub const RECEIVED_ON: &str = "date_reception";
    /// One-time form token.
    pub const TOKEN: &str = "token";
    /// Interface language.
    pub const LANG: &str = "lang";
}

/// A validated complaint, ready to store (the site is still a slug; the caller resolves it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplaintDraft {
    /// Réclamation or suggestion.
    pub kind: ComplaintKind,
    /// Site slug (one of the allowed slugs).
    pub site: String,
    /// Procedure concerned.
    pub procedure: Procedure,
    /// The message as typed (CRLF → LF only; never trimmed inside, never truncated).
    pub message: String,
    /// How to answer.
    pub reply_mode: ReplyMode,
    /// Name, if given (trimmed).
    pub name: Option<String>,
    /// E-mail, if given (trimmed); always present when `reply_mode` is e-mail.
    pub email: Option<String>,
    /// Postal address; present when `reply_mode` is post.
    pub postal_address: Option<String>,
    /// Postal code as typed (trimmed); present when `reply_mode` is post.
    pub postal_code: Option<String>,
    /// Channel.
    pub channel: ComplaintChannel,
    /// Day of receipt (Europe/Paris).
    pub received_on: NaiveDate,
}

/// Normalises a postal code for comparison: spaces removed, upper case (`91 000` = `91000`).
pub fn normalize_postal_code(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect()
}

/// Whether `s` looks like an e-mail address: one `@`, a non-empty local part, a domain with a dot,
/// no spaces or control characters, at most [`EMAIL_MAX_CHARS`].
pub fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    s.chars().count() <= EMAIL_MAX_CHARS
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"' | '(' | ')'))
}

/// Whether a postal code is plausible: 3 to 10 letters, digits or spaces with at least one digit
/// (French codes are 5 digits; visitors abroad have other shapes).
pub fn looks_like_postal_code(s: &str) -> bool {
    let n = normalize_postal_code(s);
    (3..=10).contains(&n.chars().count()) && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') && n.chars().any(|c| c.is_ascii_digit())
}

/// The trimmed value of a required closed-list field, or an error (`Required` when empty,
/// `UnknownOption` when `allowed` refuses it).
fn choice(fields: &[(String, String)], name: &str, allowed: impl Fn(&str) -> bool, errors: &mut Vec<FieldError>) -> Option<String> {
    let v = form_value(fields, name).unwrap_or("").trim();
    let kind = if v.is_empty() {
        FieldErrorKind::Required
    } else if !allowed(v) {
        FieldErrorKind::UnknownOption
    } else {
        return Some(v.to_string());
    };
    errors.push(FieldError { question_key: name.to_string(), kind });
    None
}

/// Validates a filing form.
///
/// `fields` are the posted pairs (names in [`fields`]); `sites` the allowed site slugs; `today`
/// the Europe/Paris day. On the public form (`staff_entry == false`) the channel is `channel`
/// and the day of receipt is `today`. On an agent's entry both are posted: the channel must be
/// one of [`ComplaintChannel::STAFF_ENTRY`] and the date of receipt (`YYYY-MM-DD`) neither after
/// `today` nor more than [`RECEIPT_MAX_AGE_DAYS`] before it.
///
/// Rules: type, site, procedure, reply mode required and from their lists; message required (not
/// only spaces), at most [`MESSAGE_MAX_CHARS`] characters; name at most [`NAME_MAX_CHARS`]; e-mail
/// required for an e-mail reply and checked whenever given; postal address and postal code
/// required for a postal reply.
///
/// # Errors
/// Every faulty field, in form order (`question_key` is the field name).
pub fn validate_complaint(fields: &[(String, String)], sites: &[&str], channel: ComplaintChannel, today: NaiveDate, staff_entry: bool) -> Result<ComplaintDraft, Vec<FieldError>> {
    let mut errors = Vec::new();
    let raw = |name: &str| form_value(fields, name).unwrap_or("");
    let (channel_value, received_value) = if staff_entry {
        let staff_channel = |v: &str| ComplaintChannel::parse(v).is_some_and(|c| ComplaintChannel::STAFF_ENTRY.contains(&c));
        (choice(fields, fields::CHANNEL, staff_channel, &mut errors), Some(raw(fields::RECEIVED_ON).trim().to_string()))
    } else {
        (Some(channel.as_str().to_string()), None)
    };
    let kind = choice(fields, fields::KIND, |v| ComplaintKind::parse(v).is_some(), &mut errors);
    let site = choice(fields, fields::SITE, |v| sites.contains(&v), &mut errors);
    let procedure = choice(fields, fields::PROCEDURE, |v| Procedure::parse(v).is_some(), &mut errors);
    let reply_mode = choice(fields, fields::REPLY_MODE, |v| ReplyMode::parse(v).is_some(), &mut errors).as_deref().and_then(ReplyMode::parse);
    let mut push = |name: &str, kind: FieldErrorKind| errors.push(FieldError { question_key: name.to_string(), kind });
    let received_on = match received_value {
        None => Some(today),
        Some(v) if v.is_empty() => {
            push(fields::RECEIVED_ON, FieldErrorKind::Required);
            None
        }
        Some(v) => match NaiveDate::parse_from_str(&v, "%Y-%m-%d") {
            Err(_) => {
                push(fields::RECEIVED_ON, FieldErrorKind::InvalidDate);
                None
            }
            Ok(d) if d > today => {
                push(fields::RECEIVED_ON, FieldErrorKind::DateInFuture);
                None
            }
            Ok(d) if (today - d).num_days() > RECEIPT_MAX_AGE_DAYS => {
                push(fields::RECEIVED_ON, FieldErrorKind::DateTooOld { max_days: RECEIPT_MAX_AGE_DAYS });
                None
            }
            Ok(d) => Some(d),
        },
    };

    let message = raw(fields::MESSAGE).replace("\r\n", "\n").replace('\r', "\n");
    let message_chars = message.chars().count();
    if message.trim().is_empty() {
        push(fields::MESSAGE, FieldErrorKind::Required);
    } else if message_chars > MESSAGE_MAX_CHARS {
        push(fields::MESSAGE, FieldErrorKind::TooLong { max: MESSAGE_MAX_CHARS, actual: message_chars });
    }

    let optional = |name: &str| Some(raw(name).trim().to_string()).filter(|v| !v.is_empty());
    let name = optional(fields::NAME);
    if let Some(n) = &name {
        let actual = n.chars().count();
        if actual > NAME_MAX_CHARS {
            push(fields::NAME, FieldErrorKind::TooLong { max: NAME_MAX_CHARS, actual });
        }
    }
    let email = optional(fields::EMAIL);
    match &email {
        None if reply_mode == Some(ReplyMode::Email) => push(fields::EMAIL, FieldErrorKind::Required),
        Some(e) if !looks_like_email(e) => push(fields::EMAIL, FieldErrorKind::InvalidEmail),
        _ => {}
    }
    let wants_post = reply_mode == Some(ReplyMode::Courrier);
    let postal_address = Some(raw(fields::ADDRESS).replace("\r\n", "\n").trim().to_string()).filter(|v| !v.is_empty());
    match &postal_address {
        None if wants_post => push(fields::ADDRESS, FieldErrorKind::Required),
        Some(a) if a.chars().count() > ADDRESS_MAX_CHARS => push(fields::ADDRESS, FieldErrorKind::TooLong { max: ADDRESS_MAX_CHARS, actual: a.chars().count() }),
        _ => {}
    }
    let postal_code = optional(fields::POSTAL_CODE);
    match &postal_code {
        None if wants_post => push(fields::POSTAL_CODE, FieldErrorKind::Required),
        Some(c) if !looks_like_postal_code(c) => push(fields::POSTAL_CODE, FieldErrorKind::InvalidPostalCode),
        _ => {}
    }

    // Errors in the order the fields appear on the page.
    let order = [
        fields::CHANNEL,
        fields::RECEIVED_ON,
        fields::KIND,
        fields::SITE,
        fields::PROCEDURE,
        fields::MESSAGE,
        fields::NAME,
        fields::REPLY_MODE,
        fields::EMAIL,
        fields::ADDRESS,
        fields::POSTAL_CODE,
    ];
    errors.sort_by_key(|e| order.iter().position(|f| *f == e.question_key).unwrap_or(order.len()));
    if !errors.is_empty() {
        return Err(errors);
    }
    let parse_err = || vec![FieldError { question_key: fields::KIND.into(), kind: FieldErrorKind::UnknownOption }];
    Ok(ComplaintDraft {
        kind: kind.as_deref().and_then(ComplaintKind::parse).ok_or_else(parse_err)?,
        site: site.ok_or_else(parse_err)?,
        procedure: procedure.as_deref().and_then(Procedure::parse).ok_or_else(parse_err)?,
        message,
        reply_mode: reply_mode.ok_or_else(parse_err)?,
        name,
        email,
        postal_address: if wants_post { postal_address } else { None },
        postal_code,
        channel: channel_value.as_deref().and_then(ComplaintChannel::parse).ok_or_else(parse_err)?,
        received_on: received_on.ok_or_else(parse_err)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITES: &[&str] = &["evry", "palaiseau", "etampes"];

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    fn base() -> Vec<(&'static str, &'static str)> {
        vec![("type", "suggestion"), ("site", "evry"), ("demarche", "accueil"), ("message", "Des chaises en plus, s'il vous plaît."), ("reponse", "aucune")]
    }

    fn keys(e: &[FieldError]) -> Vec<(&str, &FieldErrorKind)> {
        e.iter().map(|e| (e.question_key.as_str(), &e.kind)).collect()
    }

    #[test]
    fn closed_lists_round_trip() {
        for k in ComplaintStatus::ALL {
            assert_eq!(ComplaintStatus::parse(k.as_str()), Some(*k));
        }
        for p in Procedure::ALL {
            assert_eq!(Procedure::parse(p.as_str()), Some(*p));
        }
        assert_eq!(ComplaintKind::Suggestion.reference_prefix(), "SUG");
        assert!(ComplaintChannel::Fiche.is_paper() && !ComplaintChannel::Courriel.is_paper());
        assert_eq!(Procedure::parse("Titre_sejour"), None);
    }

    #[test]
    fn workflow_never_jumps_to_replied_by_hand() {
        for s in ComplaintStatus::ALL {
            for wanted in [true, false] {
                assert!(!s.manual_targets(wanted).contains(&ComplaintStatus::Repondue));
                assert!(!s.manual_targets(wanted).contains(s), "{s:?} to itself");
            }
        }
        assert!(ComplaintStatus::EnCours.can_reply());
        assert!(!ComplaintStatus::Close.can_reply());
        assert_eq!(ComplaintStatus::Repondue.manual_targets(true), vec![ComplaintStatus::Close, ComplaintStatus::EnCours]);
        // Closing without a reply only when none is wanted.
        assert!(!ComplaintStatus::EnCours.manual_targets(true).contains(&ComplaintStatus::Close));
        assert!(ComplaintStatus::EnCours.manual_targets(false).contains(&ComplaintStatus::Close));
    }

    #[test]
    fn public_form_without_answer_wanted() {
        let d = validate_complaint(&form(&base()), SITES, ComplaintChannel::Web, day(2026, 11, 30), false).unwrap();
        assert_eq!(d.kind, ComplaintKind::Suggestion);
        assert_eq!(d.channel, ComplaintChannel::Web);
        assert_eq!(d.received_on, day(2026, 11, 30));
        assert_eq!(d.email, None);
    }

    #[test]
    fn message_is_kept_exactly_and_counted_in_characters() {
        let text = "  مرحبا 👋\r\nÉvry — merci  ";
        let mut f = base();
        f[3] = ("message", text);
        let d = validate_complaint(&form(&f), SITES, ComplaintChannel::Web, day(2026, 11, 30), false).unwrap();
        assert_eq!(d.message, "  مرحبا 👋\nÉvry — merci  ");
        let long = "é".repeat(MESSAGE_MAX_CHARS + 1);
        f[3] = ("message", &long);
        let e = validate_complaint(&form(&f), SITES, ComplaintChannel::Web, day(2026, 11, 30), false).unwrap_err();
        assert_eq!(keys(&e), vec![("message", &FieldErrorKind::TooLong { max: MESSAGE_MAX_CHARS, actual: MESSAGE_MAX_CHARS + 1 })]);
        let exact = "é".repeat(MESSAGE_MAX_CHARS);
        f[3] = ("message", &exact);
        assert!(validate_complaint(&form(&f), SITES, ComplaintChannel::Web, day(2026, 11, 30), false).is_ok());
    }

    #[test]
    fn every_error_is_listed_in_page_order() {
        let e = validate_complaint(&form(&[("site", "lyon"), ("message", "   "), ("reponse", "email"), ("email", "pas-une-adresse")]), SITES, ComplaintChannel::Web, day(2026, 11, 30), false).unwrap_err();
        assert_eq!(
            keys(&e),
            vec![
                ("type", &FieldErrorKind::Required),
                ("site", &FieldErrorKind::UnknownOption),
                ("demarche", &FieldErrorKind::Required),
                ("message", &FieldErrorKind::Required),
                ("email", &FieldErrorKind::InvalidEmail),
            ]
        );
    }

    #[test]
    fn reply_mode_requires_its_contact_details() {
        let mut f = base();
        f[4] = ("reponse", "email");
        let e = validate_complaint(&form(&f), SITES, ComplaintChannel::Web, day(2026, 11, 30), false).unwrap_err();
        assert_eq!(keys(&e), vec![("email", &FieldErrorKind::Required)]);
        f[4] = ("reponse", "courrier");
        let e = validate_complaint(&form(&f), SITES, ComplaintChannel::Web, day(2026, 11, 30), false).unwrap_err();
        assert_eq!(keys(&e), vec![("adresse", &FieldErrorKind::Required), ("code_postal", &FieldErrorKind::Required)]);
        f.push(("adresse", "3 rue de la Paix\r\n91000 Évry"));
        f.push(("code_postal", " 91 000 "));
        let d = validate_complaint(&form(&f), SITES, ComplaintChannel::Web, day(2026, 11, 30), false).unwrap();
        assert_eq!(d.postal_address.as_deref(), Some("3 rue de la Paix\n91000 Évry"));
        assert_eq!(normalize_postal_code(d.postal_code.as_deref().unwrap()), "91000");
    }

    #[test]
    fn header_injection_in_email_is_refused() {
        for bad in ["a@b.fr\r\nBcc: c@d.fr", "a@b.fr, c@d.fr", "a b@c.fr", "@b.fr", "a@b", "a@@b.fr", "<a@b.fr>"] {
            assert!(!looks_like_email(bad), "{bad:?}");
        }
        for good in ["prenom.nom@exemple.fr", "élodie@exemple.fr", "x+tag@sous.domaine.gouv.fr"] {
            assert!(looks_like_email(good), "{good:?}");
        }
    }

    #[test]
    fn staff_entry_checks_channel_and_date_of_receipt() {
        let today = day(2026, 11, 30);
        let mut f = base();
        let e = validate_complaint(&form(&f), SITES, ComplaintChannel::Web, today, true).unwrap_err();
        assert_eq!(keys(&e), vec![("canal", &FieldErrorKind::Required), ("date_reception", &FieldErrorKind::Required)]);
        f.push(("canal", "web"));
        f.push(("date_reception", "2026-12-01"));
        let e = validate_complaint(&form(&f), SITES, ComplaintChannel::Web, today, true).unwrap_err();
        assert_eq!(keys(&e), vec![("canal", &FieldErrorKind::UnknownOption), ("date_reception", &FieldErrorKind::DateInFuture)]);
        let f2: Vec<_> = base().into_iter().chain([("canal", "courrier"), ("date_reception", "31/12/2025")]).collect();
        let e = validate_complaint(&form(&f2), SITES, ComplaintChannel::Web, today, true).unwrap_err();
        assert_eq!(keys(&e), vec![("date_reception", &FieldErrorKind::InvalidDate)]);
        let f3: Vec<_> = base().into_iter().chain([("canal", "fiche"), ("date_reception", "2026-11-25")]).collect();
        let d = validate_complaint(&form(&f3), SITES, ComplaintChannel::Web, today, true).unwrap();
        assert_eq!((d.channel, d.received_on), (ComplaintChannel::Fiche, day(2026, 11, 25)));
        let f4: Vec<_> = base().into_iter().chain([("canal", "fiche"), ("date_reception", "2025-11-01")]).collect();
        let e = validate_complaint(&form(&f4), SITES, ComplaintChannel::Web, today, true).unwrap_err();
        assert_eq!(keys(&e), vec![("date_reception", &FieldErrorKind::DateTooOld { max_days: RECEIPT_MAX_AGE_DAYS })]);
    }

    #[test]
    fn postal_codes() {
        assert!(looks_like_postal_code("91000"));
        assert!(looks_like_postal_code("SW1A 1AA"));
        assert!(!looks_like_postal_code("abc"));
        assert!(!looks_like_postal_code("12"));
    }
}
