//! `server generate --responses N --years Y [--seed S]`: fills an empty database with `N`
//! generated survey responses, for the benchmarks (`make bench-dashboard`, BENCHMARKS.md).
//!
//! - One campaign per year for the `Y` full calendar years before the current one (in 2026 with
//!   `--years 3`: 2023, 2024, 2025), named "Campagne AAAA (générée)", 1 January – 31 December,
//!   target 150 per site, flagged `is_demo` (shown as demonstration data). They use the
//!   questionnaire of the current campaign (the default questionnaire seeded at first start),
//!   or a new copy of the default questionnaire when there is no campaign at all.
//! - The responses are spread evenly over the weekdays of those years (about 1,300 a day for a
//!   million over three years), 9:00–16:30 Europe/Paris, in chronological order (ids grow with
//!   time, as in real life): Évry 50 %, Palaiseau 30 %, Étampes 20 %; web 60 %, tablette 30 %,
//!   papier 10 %; fr 85 %, en 6 %, ar 5 %, es 2 %, pt 2 %. Answers as in `server seed-demo`
//!   (same weights), with a one-line remark on about 30 % of them.
//! - Stored in batches of [`BATCH`] responses, one transaction each, through
//!   [`app::store::Store::insert_responses_batch`] (responses, answers and the aggregate tables,
//!   exactly as for a visitor's response). Progress goes to standard error.
//! - Refused when the database already holds responses (like `seed-demo`): generated data never
//!   mixes with real answers. Same seed, same data (timestamps included).

use crate::demo::{answers, visit_time};
use app::domain::questionnaire::{QuestionKind, Questionnaire};
use app::store::{CampaignSettings, Channel, DynStore, NewResponse, StoreError};
use chrono::{Datelike, NaiveDate, Utc, Weekday};
use rand::distributions::{Distribution, WeightedIndex};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};

/// Responses stored per transaction.
pub const BATCH: usize = 5_000;

/// Share of the responses per site slug, in percent.
pub const SITE_SHARES: [(&str, u32); 3] = [("evry", 50), ("palaiseau", 30), ("etampes", 20)];

/// Share of the responses per channel, in percent.
pub const CHANNEL_SHARES: [(Channel, u32); 3] = [(Channel::Web, 60), (Channel::Tablette, 30), (Channel::Papier, 10)];

/// Share of the responses per survey language, in percent.
pub const LANGUAGE_SHARES: [(&str, u32); 5] = [("fr", 85), ("en", 6), ("ar", 5), ("es", 2), ("pt", 2)];

/// Remarks added on top of those of [`crate::demo`]'s answers (which give one to 20 % of the
/// responses): one more to 1 in 8 of the others brings the share to about 30 %. One line each,
/// so that a CSV row is one line.
const EXTRA_REMARK_CHANCE: f64 = 0.125;

const EXTRA_REMARKS: [&str; 8] = [
    "Rien à signaler, merci.",
    "Le numéro d'appel s'affiche trop vite sur l'écran.",
    "Bon accueil mais dossier incomplet, je dois revenir.",
    "Agent très patient avec ma mère qui parle peu français.",
    "Le parking est toujours plein le matin.",
    "Horaires d'ouverture trop courts pour les personnes qui travaillent.",
    "Merci pour l'aide à la borne numérique.",
    "Il manque une fontaine à eau dans la salle d'attente.",
];

/// Errors of the generation.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// Responses already exist.
    #[error("la base contient déjà {0} réponse(s) : les données générées ne vont que dans une base vide")]
    NotEmpty(u64),
    /// A site of the plan is missing.
    #[error("site {0:?} introuvable")]
    MissingSite(String),
    /// Nothing to generate.
    #[error("il faut au moins une réponse et une année")]
    Nothing,
    /// Database error.
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// What was generated.
#[derive(Clone, Debug)]
pub struct Generated {
    /// Responses stored.
    pub responses: u64,
    /// `(year, campaign id)`, oldest first.
    pub campaigns: Vec<(i32, i64)>,
    /// Time spent, campaigns and responses.
    pub elapsed: Duration,
}

/// The weekdays (Monday to Friday) of the calendar years `first..=last`, in order.
pub fn weekdays(first: i32, last: i32) -> Vec<NaiveDate> {
    let (Some(start), Some(end)) = (NaiveDate::from_ymd_opt(first, 1, 1), NaiveDate::from_ymd_opt(last, 12, 31)) else { return Vec::new() };
    start.iter_days().take_while(|d| *d <= end).filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)).collect()
}

/// Responses on day `i` of `days` when `total` are spread as evenly as possible (the days' shares
/// add up to `total` exactly).
pub fn share_of_day(total: u64, days: u64, i: u64) -> u64 {
    if days == 0 {
        return 0;
    }
    let at = |k: u64| (u128::from(k) * u128::from(total) / u128::from(days)) as u64;
    at(i + 1) - at(i)
}

fn weighted<T: Copy>(items: &[(T, u32)]) -> Result<WeightedIndex<u32>, StoreError> {
    WeightedIndex::new(items.iter().map(|i| i.1)).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Generates `responses` responses over the `years` full calendar years before `today`'s year
/// (see the module documentation), deterministically from `seed`.
///
/// # Errors
/// [`GenerateError::NotEmpty`] when any response exists; [`GenerateError::Store`].
pub async fn generate(store: &DynStore, today: NaiveDate, responses: u64, years: u32, seed: u64) -> Result<Generated, GenerateError> {
    if responses == 0 || years == 0 {
        return Err(GenerateError::Nothing);
    }
    let existing = store.count_responses().await?;
    if existing > 0 {
        return Err(GenerateError::NotEmpty(existing));
    }
    let started = Instant::now();
    let now = Utc::now();
    let (version, questionnaire): (i64, Questionnaire) = match store.current_campaign(today).await? {
        Some(c) => (c.settings.questionnaire_version_id, c.questionnaire),
        None => {
            let q = crate::seed::default_questionnaire()?;
            (store.create_questionnaire("Enquête de satisfaction de l'accueil", &q, now).await?, q)
        }
    };
    let remark_key = questionnaire.questions.iter().find(|q| matches!(q.kind, QuestionKind::FreeText { .. })).map(|q| q.key.clone());

    let mut sites = Vec::with_capacity(SITE_SHARES.len());
    for (slug, _) in SITE_SHARES {
        let site = store.site_by_slug(slug).await?.ok_or_else(|| GenerateError::MissingSite(slug.to_string()))?;
        sites.push((slug, site.id));
    }
    let last_year = today.year() - 1;
    let first_year = today.year() - i32::try_from(years).unwrap_or(i32::MAX).min(9_000);
    let mut campaigns = Vec::new();
    for year in first_year..=last_year {
        let (Some(starts_on), Some(ends_on)) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) else { continue };
        let id = store
            .create_campaign(
                &CampaignSettings {
                    name: format!("Campagne {year} (générée)"),
                    starts_on,
                    ends_on,
                    target_per_site: 150,
                    is_demo: true,
                    questionnaire_version_id: version,
                },
                now,
            )
            .await?;
        campaigns.push((year, id));
    }

    let days = weekdays(first_year, last_year);
    let mut rng = StdRng::seed_from_u64(seed);
    let (site_dist, channel_dist, language_dist) = (weighted(&SITE_SHARES)?, weighted(&CHANNEL_SHARES)?, weighted(&LANGUAGE_SHARES)?);
    let mut pending: Vec<NewResponse> = Vec::with_capacity(2 * BATCH);
    let mut stored = 0u64;
    let mut last_report = Instant::now();
    let insert_started = Instant::now();
    for (i, day) in days.iter().enumerate() {
        let campaign_id = campaigns.iter().find(|(y, _)| *y == day.year()).map(|c| c.1).unwrap_or_default();
        let n = share_of_day(responses, days.len() as u64, i as u64);
        let mut today_responses = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let (slug, site_id) = sites[site_dist.sample(&mut rng)];
            let channel = CHANNEL_SHARES[channel_dist.sample(&mut rng)].0;
            let language = LANGUAGE_SHARES[language_dist.sample(&mut rng)].0.to_string();
            let submitted_at = visit_time(&mut rng, *day, 1);
            let mut answers = answers(&mut rng, &questionnaire, slug);
            if let Some(key) = &remark_key {
                if !answers.texts.contains_key(key) && rng.gen_bool(EXTRA_REMARK_CHANCE) {
                    answers.texts.insert(key.clone(), EXTRA_REMARKS[rng.gen_range(0..EXTRA_REMARKS.len())].to_string());
                }
            }
            today_responses.push(NewResponse {
                campaign_id,
                site_id,
                questionnaire_version_id: version,
                channel,
                language,
                submitted_at,
                dimensions: questionnaire.dimensions(&answers.choices),
                answers,
                token_nonce: None,
                visit_code: None,
            });
        }
        today_responses.sort_by_key(|r| r.submitted_at);
        pending.extend(today_responses);
        let last_day = i + 1 == days.len();
        while pending.len() >= BATCH || (last_day && !pending.is_empty()) {
            let rest = pending.split_off(pending.len().min(BATCH));
            let batch = std::mem::replace(&mut pending, rest);
            let batch_started = Instant::now();
            let n = store.insert_responses_batch(&batch).await?;
            stored += n;
            if last_report.elapsed() >= Duration::from_secs(5) || stored == responses {
                let batch_rate = n as f64 / batch_started.elapsed().as_secs_f64().max(1e-9);
                let mean_rate = stored as f64 / insert_started.elapsed().as_secs_f64().max(1e-9);
                eprintln!(
                    "{stored} / {responses} réponses ({:.0} %) — {batch_rate:.0} réponses/s (dernier lot), {mean_rate:.0} réponses/s en moyenne, {:.0} s écoulées",
                    100.0 * stored as f64 / responses as f64,
                    started.elapsed().as_secs_f64()
                );
                last_report = Instant::now();
            }
        }
    }
    Ok(Generated { responses: stored, campaigns, elapsed: started.elapsed() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_of_a_year() {
        let days = weekdays(2025, 2025);
        assert_eq!(days.len(), 261);
        assert_eq!(days.first(), NaiveDate::from_ymd_opt(2025, 1, 1).as_ref());
        assert_eq!(days.last(), NaiveDate::from_ymd_opt(2025, 12, 31).as_ref());
        assert!(days.iter().all(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)));
        assert_eq!(weekdays(2023, 2025).len(), 260 + 262 + 261);
    }

    #[test]
    fn day_shares_add_up_to_the_total() {
        for (total, days) in [(1_000_000u64, 783u64), (7, 10), (0, 5), (5, 5)] {
            let shares: Vec<u64> = (0..days).map(|i| share_of_day(total, days, i)).collect();
            assert_eq!(shares.iter().sum::<u64>(), total);
            assert!(shares.iter().max().unwrap() - shares.iter().min().unwrap() <= 1);
        }
    }
}
