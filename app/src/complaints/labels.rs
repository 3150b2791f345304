//! Translated labels of the complaint box's closed lists.
//!
//! Each function takes the language either as the page's [`I18nContext`] (the visitor's or
//! agent's language, tracked) or as a fixed [`Locale`] (e.g. `Locale::fr` for e-mails, reply
//! templates and exports, which are always in French).

use crate::domain::complaint::{ComplaintChannel, ComplaintKind, ComplaintStatus, Procedure, ReplyMode};
use crate::i18n::*;
use leptos_i18n::I18nContext;

/// Where a label's language comes from: a fixed [`Locale`] or a page's [`I18nContext`].
pub trait LabelLocale {
    /// The locale to translate into.
    fn locale(self) -> Locale;
}

impl LabelLocale for Locale {
    fn locale(self) -> Locale {
        self
    }
}

impl LabelLocale for I18nContext<Locale> {
    fn locale(self) -> Locale {
        self.get_locale()
    }
}

/// "Réclamation" / "Suggestion".
pub fn kind(lang: impl LabelLocale, k: ComplaintKind) -> String {
    let l = lang.locale();
    match k {
        ComplaintKind::Reclamation => td_string!(l, complaint.kind_short_reclamation),
        ComplaintKind::Suggestion => td_string!(l, complaint.kind_short_suggestion),
    }
    .to_string()
}

/// The procedure's name.
pub fn procedure(lang: impl LabelLocale, p: Procedure) -> String {
    let l = lang.locale();
    match p {
        Procedure::TitreSejour => td_string!(l, complaint.procedure_titre_sejour),
        Procedure::PermisConduire => td_string!(l, complaint.procedure_permis_conduire),
        Procedure::CarteGrise => td_string!(l, complaint.procedure_carte_grise),
        Procedure::Naturalisation => td_string!(l, complaint.procedure_naturalisation),
        Procedure::Accueil => td_string!(l, complaint.procedure_accueil),
        Procedure::Autre => td_string!(l, complaint.procedure_autre),
    }
    .to_string()
}

/// The status as the visitor and the staff read it.
pub fn status(lang: impl LabelLocale, s: ComplaintStatus) -> String {
    let l = lang.locale();
    match s {
        ComplaintStatus::Recue => td_string!(l, complaint.status_recue),
        ComplaintStatus::AccuseEnvoye => td_string!(l, complaint.status_accuse_envoye),
        ComplaintStatus::EnCours => td_string!(l, complaint.status_en_cours),
        ComplaintStatus::Repondue => td_string!(l, complaint.status_repondue),
        ComplaintStatus::Close => td_string!(l, complaint.status_close),
        ComplaintStatus::SansSuite => td_string!(l, complaint.status_sans_suite),
    }
    .to_string()
}

/// The channel's name.
pub fn channel(lang: impl LabelLocale, c: ComplaintChannel) -> String {
    let l = lang.locale();
    match c {
        ComplaintChannel::Web => td_string!(l, complaint.channel_web),
        ComplaintChannel::Tablette => td_string!(l, complaint.channel_tablette),
        ComplaintChannel::Courriel => td_string!(l, complaint.channel_courriel),
        ComplaintChannel::Courrier => td_string!(l, complaint.channel_courrier),
        ComplaintChannel::Fiche => td_string!(l, complaint.channel_fiche),
    }
    .to_string()
}

/// The reply mode's name.
pub fn reply_mode(lang: impl LabelLocale, m: ReplyMode) -> String {
    let l = lang.locale();
    match m {
        ReplyMode::Email => td_string!(l, complaint.reply_email),
        ReplyMode::Courrier => td_string!(l, complaint.reply_courrier),
        ReplyMode::Aucune => td_string!(l, complaint.reply_aucune),
    }
    .to_string()
}
