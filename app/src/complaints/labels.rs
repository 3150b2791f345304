//! Translated labels of the complaint box's closed lists.

use crate::domain::complaint::{ComplaintChannel, ComplaintKind, ComplaintStatus, Procedure, ReplyMode};
use crate::i18n::*;
use leptos_i18n::I18nContext;

/// "Réclamation" / "Suggestion".
pub fn kind(i18n: I18nContext<Locale>, k: ComplaintKind) -> String {
    match k {
        ComplaintKind::Reclamation => t_string!(i18n, complaint.kind_short_reclamation),
        ComplaintKind::Suggestion => t_string!(i18n, complaint.kind_short_suggestion),
    }
    .to_string()
}

/// The procedure's name.
pub fn procedure(i18n: I18nContext<Locale>, p: Procedure) -> String {
    match p {
        Procedure::TitreSejour => t_string!(i18n, complaint.procedure_titre_sejour),
        Procedure::PermisConduire => t_string!(i18n, complaint.procedure_permis_conduire),
        Procedure::CarteGrise => t_string!(i18n, complaint.procedure_carte_grise),
        Procedure::Naturalisation => t_string!(i18n, complaint.procedure_naturalisation),
        Procedure::Accueil => t_string!(i18n, complaint.procedure_accueil),
        Procedure::Autre => t_string!(i18n, complaint.procedure_autre),
    }
    .to_string()
}

/// The status as the visitor and the staff read it.
pub fn status(i18n: I18nContext<Locale>, s: ComplaintStatus) -> String {
    match s {
        ComplaintStatus::Recue => t_string!(i18n, complaint.status_recue),
        ComplaintStatus::AccuseEnvoye => t_string!(i18n, complaint.status_accuse_envoye),
        ComplaintStatus::EnCours => t_string!(i18n, complaint.status_en_cours),
        ComplaintStatus::Repondue => t_string!(i18n, complaint.status_repondue),
        ComplaintStatus::Close => t_string!(i18n, complaint.status_close),
        ComplaintStatus::SansSuite => t_string!(i18n, complaint.status_sans_suite),
    }
    .to_string()
}

/// The channel's name.
pub fn channel(i18n: I18nContext<Locale>, c: ComplaintChannel) -> String {
    match c {
        ComplaintChannel::Web => t_string!(i18n, complaint.channel_web),
        ComplaintChannel::Tablette => t_string!(i18n, complaint.channel_tablette),
        ComplaintChannel::Courriel => t_string!(i18n, complaint.channel_courriel),
        ComplaintChannel::Courrier => t_string!(i18n, complaint.channel_courrier),
        ComplaintChannel::Fiche => t_string!(i18n, complaint.channel_fiche),
    }
    .to_string()
}

/// The reply mode's name.
pub fn reply_mode(i18n: I18nContext<Locale>, m: ReplyMode) -> String {
    match m {
        ReplyMode::Email => t_string!(i18n, complaint.reply_email),
        ReplyMode::Courrier => t_string!(i18n, complaint.reply_courrier),
        ReplyMode::Aucune => t_string!(i18n, complaint.reply_aucune),
    }
    .to_string()
}
