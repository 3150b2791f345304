//! `server seed-demo`: fills an empty database with a demonstration campaign (380 responses over
//! the three sites, as in the prefecture's 2021 survey), so that a newcomer sees a populated
//! dashboard. The campaign is flagged `is_demo` and shown as "Données de démonstration".

use app::domain::questionnaire::Questionnaire;
use app::domain::survey_form::SurveyAnswers;
use app::domain::complaint::{ComplaintChannel, ComplaintKind, ComplaintStatus, Procedure, ReplyMode};
use app::store::{CampaignSettings, Channel, ComplaintChange, DynStore, FileOutcome, NewComplaint, NewResponse, SiteScope, StoreError};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Europe::Paris;
use rand::distributions::{Distribution, WeightedIndex};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Responses generated per site slug (380 in all).
pub const DEMO_RESPONSES: [(&str, usize); 3] = [("evry", 190), ("palaiseau", 110), ("etampes", 80)];

/// Days before `today` the demo campaign started.
pub const DEMO_PAST_DAYS: i64 = 60;

/// Errors of the demo seeding.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// Responses already exist: demo data never mixes with real answers.
    #[error("la base contient déjà {0} réponse(s) : les données de démonstration ne vont que dans une base vide")]
    NotEmpty(u64),
    /// A site of the demo plan is missing.
    #[error("site {0:?} introuvable")]
    MissingSite(String),
    /// Database error.
    #[error("{0}")]
    Store(#[from] StoreError),
}

const REMARKS: [&str; 10] = [
    "Accueil très agréable, merci à l'agent du guichet 3.",
    "L'attente était longue mais les explications claires.",
    "Il faudrait plus de chaises dans la salle d'attente.",
    "Signalétique difficile à comprendre à l'entrée.",
    "Très bien, rendez-vous respecté à l'heure.",
    "Merci pour votre patience et vos conseils.",
    "Difficile d'obtenir un rendez-vous en ligne.",
    "Agent aimable, démarche rapide.",
    "Please add information in English at the entrance.",
    "Personnel souriant 🙂",
];

/// Weights for a closed question's options, in option order: a plausible, mostly satisfied
/// public, with more waiting at Évry (residence permits).
pub(crate) fn weights(question: &str, options: usize, site: &str) -> Vec<u32> {
    let mut w: Vec<u32> = match question {
        "satisfaction_globale" => vec![48, 34, 12, 6],
        "amabilite" | "simplicite_langage" | "conseil" => vec![45, 33, 10, 5, 7],
        "temps_attente" if site == "evry" => vec![25, 35, 28, 12],
        "temps_attente" => vec![50, 32, 14, 4],
        "rendez_vous" => vec![70, 30],
        "demarche" if site == "evry" => vec![55, 10, 8, 15, 12],
        "demarche" => vec![20, 30, 25, 5, 20],
        _ => vec![1; options],
    };
    w.resize(options, 1);
    w
}

/// A plausible visit time: a weekday of the period, 9:00–16:30 Europe/Paris.
pub(crate) fn visit_time(rng: &mut StdRng, first: NaiveDate, days: i64) -> DateTime<Utc> {
    loop {
        let day = first + Duration::days(rng.gen_range(0..days.max(1)));
        if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            continue;
        }
        let minutes = rng.gen_range(9 * 60..16 * 60 + 30);
        let Some(time) = NaiveTime::from_hms_opt(minutes / 60, minutes % 60, rng.gen_range(0..60)) else { continue };
        if let Some(local) = Paris.from_local_datetime(&day.and_time(time)).earliest() {
            return local.with_timezone(&Utc);
        }
    }
}

pub(crate) fn answers(rng: &mut StdRng, questionnaire: &Questionnaire, site: &str) -> SurveyAnswers {
    let mut a = SurveyAnswers::default();
    for q in &questionnaire.questions {
        let options = q.options();
        if options.is_empty() {
            if rng.gen_bool(0.2) {
                a.texts.insert(q.key.clone(), REMARKS[rng.gen_range(0..REMARKS.len())].to_string());
            }
            continue;
        }
        // Optional questions are skipped now and then, as on paper.
        if !q.required && rng.gen_bool(0.04) {
            continue;
        }
        if let Ok(dist) = WeightedIndex::new(weights(&q.key, options.len(), site)) {
            a.choices.insert(q.key.clone(), options[dist.sample(rng)].key.clone());
        }
    }
    a
}

/// Creates the demo campaign (current from `today − 60 days` to `today + 30 days`, Europe/Paris)
/// and its 380 responses, deterministically from `seed`. Returns the number of responses.
///
/// # Errors
/// [`DemoError::NotEmpty`] when any response exists.
pub async fn seed_demo(store: &DynStore, today: NaiveDate, seed: u64) -> Result<usize, DemoError> {
    let existing = store.count_responses().await?;
    if existing > 0 {
        return Err(DemoError::NotEmpty(existing));
    }
    let now = Utc::now();
    let questionnaire = crate::seed::default_questionnaire()?;
    let version = store.create_questionnaire("Enquête de satisfaction de l'accueil (démonstration)", &questionnaire, now).await?;
    let starts_on = today - Duration::days(DEMO_PAST_DAYS);
    let campaign_id = store
        .create_campaign(
            &CampaignSettings {
                name: "Démonstration – enquête de satisfaction".into(),
                starts_on,
                ends_on: today + Duration::days(30),
                target_per_site: 150,
                is_demo: true,
                questionnaire_version_id: version,
            },
            now,
        )
        .await?;
    let mut rng = StdRng::seed_from_u64(seed);
    let languages = [("fr", 85u32), ("en", 6), ("ar", 5), ("es", 2), ("pt", 2)];
    let language_dist = WeightedIndex::new(languages.iter().map(|l| l.1)).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut total = 0;
    for (slug, count) in DEMO_RESPONSES {
        let site = store.site_by_slug(slug).await?.ok_or_else(|| DemoError::MissingSite(slug.to_string()))?;
        for _ in 0..count {
            let channel = if rng.gen_bool(0.3) { Channel::Tablette } else { Channel::Web };
            let language = languages[language_dist.sample(&mut rng)].0.to_string();
            let submitted_at = visit_time(&mut rng, starts_on, DEMO_PAST_DAYS);
            let answers = answers(&mut rng, &questionnaire, slug);
            let response = NewResponse {
                campaign_id,
                site_id: site.id,
                questionnaire_version_id: version,
                channel,
                language,
                submitted_at,
                dimensions: questionnaire.dimensions(&answers.choices),
                answers,
                token_nonce: None,
                visit_code: None,
            };
            store.insert_response(&response).await?;
            total += 1;
        }
    }
    Ok(total)
}

/// Complaints generated by [`seed_demo_complaints`].
pub const DEMO_COMPLAINTS: usize = 24;

const DEMO_MESSAGES: [(&str, ComplaintKind, Procedure); 6] = [
    ("[Démonstration] Trois heures d'attente pour un simple retrait de titre.", ComplaintKind::Reclamation, Procedure::TitreSejour),
    ("[Démonstration] Impossible de trouver un rendez-vous en ligne depuis un mois.", ComplaintKind::Reclamation, Procedure::TitreSejour),
    ("[Démonstration] Mon dossier de permis est bloqué sans explication.", ComplaintKind::Reclamation, Procedure::PermisConduire),
    ("[Démonstration] Des chaises en plus dans la salle d'attente, s'il vous plaît.", ComplaintKind::Suggestion, Procedure::Accueil),
    ("[Démonstration] Affichez les horaires en anglais et en arabe à l'entrée. شكرا", ComplaintKind::Suggestion, Procedure::Accueil),
    ("[Démonstration] Le guichet carte grise a fermé avant l'heure annoncée.", ComplaintKind::Reclamation, Procedure::CarteGrise),
];

/// Adds [`DEMO_COMPLAINTS`] demonstration complaints (messages start with "[Démonstration]")
/// received over the last 40 days at the three sites, through every channel, some answered,
/// some late, so that the staff pages have something to show. Returns how many were added.
///
/// # Errors
/// [`DemoError`].
pub async fn seed_demo_complaints(store: &DynStore, today: NaiveDate, reply_days: u32, seed: u64) -> Result<usize, DemoError> {
    let mut rng = StdRng::seed_from_u64(seed.wrapping_add(1));
    let sites = store.list_sites().await?;
    if sites.is_empty() {
        return Err(DemoError::MissingSite("evry".into()));
    }
    let channels = [ComplaintChannel::Web, ComplaintChannel::Web, ComplaintChannel::Tablette, ComplaintChannel::Courrier, ComplaintChannel::Courriel, ComplaintChannel::Fiche];
    let now = Utc::now();
    for i in 0..DEMO_COMPLAINTS {
        let (message, kind, procedure) = DEMO_MESSAGES[i % DEMO_MESSAGES.len()];
        let site = &sites[rng.gen_range(0..sites.len())];
        let channel = channels[rng.gen_range(0..channels.len())];
        let received_on = today - Duration::days(rng.gen_range(0..40));
        let online = matches!(channel, ComplaintChannel::Web | ComplaintChannel::Tablette);
        let reply_mode = [ReplyMode::Email, ReplyMode::Courrier, ReplyMode::Aucune][i % 3];
        let email = (reply_mode == ReplyMode::Email).then(|| format!("demo{i}@exemple.invalid"));
        let complaint = NewComplaint {
            kind,
            site_id: site.id,
            procedure,
            channel,
            message: message.to_string(),
            reply_mode,
            requester_name: Some(format!("Usager de démonstration {}", i + 1)),
            email,
            postal_address: (reply_mode == ReplyMode::Courrier).then(|| "1 place de la Démonstration\n91000 Évry-Courcouronnes".to_string()),
            postal_code: (reply_mode == ReplyMode::Courrier).then(|| "91000".to_string()),
            language: "fr".into(),
            received_on,
            reply_days,
            status: if online { ComplaintStatus::AccuseEnvoye } else { ComplaintStatus::Recue },
            acknowledged_on: online.then_some(received_on),
            created_at: now,
            created_by: None,
            token_nonce: None,
            acknowledgement: None,
        };
        let FileOutcome::Filed { id, .. } = store.file_complaint(&complaint).await? else { continue };
        // About a third answered, a few days after receipt.
        if reply_mode != ReplyMode::Aucune && rng.gen_bool(0.35) {
            let replied_on = (received_on + Duration::days(rng.gen_range(2..20))).min(today);
            let change = ComplaintChange {
                complaint_id: id,
                expected_status: complaint.status,
                new_status: ComplaintStatus::Repondue,
                user_id: None,
                at: now,
                action: "reponse".into(),
                detail: Some("Démonstration".into()),
                acknowledged_on: Some(replied_on),
                replied_on: Some(replied_on),
                reply_subject: Some("Votre demande".into()),
                reply_text: Some("Bonjour,\n\nRéponse de démonstration.\n\nLe service qualité".into()),
                dismissal_reason: None,
                email: None,
            };
            store.change_complaint(&change, &SiteScope::All).await?;
        }
    }
    Ok(DEMO_COMPLAINTS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_match_option_counts() {
        let q = crate::seed::default_questionnaire().unwrap();
        for question in &q.questions {
            let n = question.options().len();
            if n > 0 {
                assert_eq!(weights(&question.key, n, "evry").len(), n, "{}", question.key);
            }
        }
    }

    #[test]
    fn visit_times_are_weekdays_in_opening_hours() {
        let mut rng = StdRng::seed_from_u64(1);
        let first = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        for _ in 0..200 {
            let local = visit_time(&mut rng, first, 60).with_timezone(&Paris);
            assert!(!matches!(local.weekday(), Weekday::Sat | Weekday::Sun));
            let minutes = local.hour() * 60 + local.minute();
            assert!((9 * 60..16 * 60 + 30).contains(&minutes), "{local}");
        }
    }

    use chrono::Timelike;
}
