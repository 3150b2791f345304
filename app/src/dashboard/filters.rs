//! The filters shared by the dashboard, the remark list and the exports: GET parameters as
//! typed ([`FilterParams`], kept to refill the form), checked into a [`crate::store::ResponseFilter`]
//! with a list of plain-French problems (a bad value is reported and ignored, never a 500).

use serde::{Deserialize, Serialize};

/// Value of `campagne` that selects every campaign (a free period).
pub const ALL_CAMPAIGNS: &str = "toutes";

/// Remarks shown per page.
pub const REMARKS_PER_PAGE: u64 = 50;

/// The GET parameters as typed. Empty = not set.
///
/// - `campagne`: a campaign id, [`ALL_CAMPAIGNS`], or empty for the current campaign;
/// - `du`, `au`: first and last Europe/Paris day, `AAAA-MM-JJ` (or `JJ/MM/AAAA`), inclusive;
/// - `site`: a site slug; `canal`: `web`, `tablette` or `papier`; `langue`: `fr`, `en`, `ar`,
///   `es`, `pt`; `demarche`, `rdv`: option keys of the questionnaire's procedure and appointment
///   questions (`sans` = not answered);
/// - `q`: text searched in the remarks; `page`: remark page, from 1.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterParams {
    /// Campaign id, `toutes` or empty.
    #[serde(default)]
    pub campagne: String,
    /// First day.
    #[serde(default)]
    pub du: String,
    /// Last day.
    #[serde(default)]
    pub au: String,
    /// Site slug.
    #[serde(default)]
    pub site: String,
    /// Channel.
    #[serde(default)]
    pub canal: String,
    /// Survey language.
    #[serde(default)]
    pub langue: String,
    /// Procedure option key.
    #[serde(default)]
    pub demarche: String,
    /// Appointment option key.
    #[serde(default)]
    pub rdv: String,
    /// Remark search text.
    #[serde(default)]
    pub q: String,
    /// Remark page (1-based).
    #[serde(default)]
    pub page: String,
}

/// Value of `demarche` / `rdv` selecting responses that did not answer the question.
pub const NOT_ANSWERED: &str = "sans";

impl FilterParams {
    /// Reads the parameters from `name=value` pairs (the page's query map); unknown names ignored.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut p = Self::default();
        for (name, value) in pairs {
            let slot = match name {
                "campagne" => &mut p.campagne,
                "du" => &mut p.du,
                "au" => &mut p.au,
                "site" => &mut p.site,
                "canal" => &mut p.canal,
                "langue" => &mut p.langue,
                "demarche" => &mut p.demarche,
                "rdv" => &mut p.rdv,
                "q" => &mut p.q,
                "page" => &mut p.page,
                _ => continue,
            };
            *slot = value.trim().to_string();
        }
        p
    }

    /// The set parameters as `name=value` pairs, in a fixed order, without `page` (for links to
    /// exports and to other pages with the same filters).
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("campagne", &self.campagne),
            ("du", &self.du),
            ("au", &self.au),
            ("site", &self.site),
            ("canal", &self.canal),
            ("langue", &self.langue),
            ("demarche", &self.demarche),
            ("rdv", &self.rdv),
            ("q", &self.q),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, v.as_str()))
        .collect()
    }
}

/// Parses a day typed as `AAAA-MM-JJ` (what `<input type=date>` sends) or `JJ/MM/AAAA`.
pub fn parse_day(s: &str) -> Option<chrono::NaiveDate> {
    let s = s.trim();
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").or_else(|_| chrono::NaiveDate::parse_from_str(s, "%d/%m/%Y")).ok()
}

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::complaints::staff::access::Staff;
    use crate::domain::questionnaire::Questionnaire;
    use crate::error::AppError;
    use crate::store::{Campaign, Channel, DynStore, ResponseFilter, Site, SiteScope};
    use chrono::{Duration, NaiveDate};

    /// The filters once checked against the database and the staff member's scope.
    #[derive(Clone, Debug)]
    pub struct Resolved {
        /// The filter for the store.
        pub filter: ResponseFilter,
        /// The chosen campaign (`None` = every campaign).
        pub campaign: Option<Campaign>,
        /// Every campaign, most recent first (for the selector).
        pub campaigns: Vec<Campaign>,
        /// Period covered, Europe/Paris days, inclusive.
        pub period: (NaiveDate, NaiveDate),
        /// The chosen site, if one.
        pub site: Option<Site>,
        /// The sites in the staff member's scope, in display order.
        pub sites: Vec<Site>,
        /// The questionnaire whose labels are shown (the campaign's, else the current one's).
        pub questionnaire: Option<Questionnaire>,
        /// Problems found in the parameters, in plain French (each bad value is ignored).
        pub problems: Vec<String>,
    }

    /// Checks `p` for `staff` on `today` (Europe/Paris).
    ///
    /// Period: the campaign's period (narrowed by `du`/`au` when given); with every campaign,
    /// `du`/`au`, defaulting to the 12 months up to `today`. A site outside the staff member's
    /// scope is refused like an unknown one.
    ///
    /// # Errors
    /// [`AppError::Unavailable`] when the database fails.
    pub async fn resolve(p: &FilterParams, staff: &Staff, store: &DynStore, today: NaiveDate) -> Result<Resolved, AppError> {
        let mut problems = Vec::new();
        let campaigns = store.list_campaigns().await?;
        let campaign = match p.campagne.as_str() {
            ALL_CAMPAIGNS => None,
            "" => store.current_campaign(today).await?,
            id => match id.parse::<i64>().ok().and_then(|id| campaigns.iter().find(|c| c.id == id)) {
                Some(c) => Some(c.clone()),
                None => {
                    problems.push(format!("Campagne inconnue : « {id} ». La campagne en cours est affichée."));
                    store.current_campaign(today).await?
                }
            },
        };
        let mut day = |text: &str, what: &str| -> Option<NaiveDate> {
            if text.is_empty() {
                return None;
            }
            let d = parse_day(text);
            if d.is_none() {
                problems.push(format!("{what} invalide : « {text} ». Écrivez la date sous la forme JJ/MM/AAAA."));
            }
            d
        };
        let (mut from, mut to) = (day(&p.du, "Date de début"), day(&p.au, "Date de fin"));
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                problems.push("La date de début est après la date de fin : les dates sont ignorées.".to_string());
                (from, to) = (None, None);
            }
        }
        let period = match &campaign {
            Some(c) => {
                let (start, end) = (c.settings.starts_on, c.settings.ends_on);
                let (f, t) = (from.unwrap_or(start).max(start), to.unwrap_or(end).min(end));
                if f > t {
                    problems.push("Les dates choisies sont hors de la période de la campagne : toute la campagne est affichée.".to_string());
                    (start, end)
                } else {
                    (f, t)
                }
            }
            None => {
                let t = to.unwrap_or(today);
                (from.unwrap_or_else(|| t - Duration::days(364)), t)
            }
        };
        let all_sites = store.list_sites().await?;
        let sites: Vec<Site> = all_sites.into_iter().filter(|s| staff.scope.allows(s.id)).collect();
        let site = if p.site.is_empty() {
            None
        } else {
            let found = sites.iter().find(|s| s.slug == p.site).cloned();
            if found.is_none() {
                problems.push(format!("Site inconnu : « {} ». Tous les sites sont affichés.", p.site));
            }
            found
        };
        let channel = match p.canal.as_str() {
            "" => None,
            c => {
                let parsed = Channel::parse(c);
                if parsed.is_none() {
                    problems.push(format!("Canal inconnu : « {c} »."));
                }
                parsed
            }
        };
        let language = match p.langue.as_str() {
            "" => None,
            l if crate::survey::submit::LANGUAGES.contains(&l) => Some(l.to_string()),
            l => {
                problems.push(format!("Langue inconnue : « {l} »."));
                None
            }
        };
        let questionnaire = match &campaign {
            Some(c) => Some(c.questionnaire.clone()),
            None => store.current_campaign(today).await?.map(|c| c.questionnaire),
        };
        let mut option_of = |value: &str, question: Option<&crate::domain::questionnaire::Question>, what: &str| -> Option<String> {
            if value.is_empty() {
                return None;
            }
            if value == NOT_ANSWERED {
                return Some(String::new());
            }
            match question {
                Some(q) if q.options().iter().any(|o| o.key == value) => Some(value.to_string()),
                _ => {
                    problems.push(format!("{what} inconnu(e) : « {value} »."));
                    None
                }
            }
        };
        let procedure = option_of(&p.demarche, questionnaire.as_ref().and_then(|q| q.procedure()), "Démarche");
        let appointment = option_of(&p.rdv, questionnaire.as_ref().and_then(|q| q.appointment()), "Rendez-vous");
        // Always an explicit list of sites (the chosen one, or those in scope): the aggregates are
        // keyed by site first, so each site is one range of rows.
        let scope = match &site {
            Some(s) => SiteScope::Sites(vec![s.id]),
            None => SiteScope::Sites(sites.iter().map(|s| s.id).collect()),
        };
        let filter = ResponseFilter {
            sites: scope,
            campaign_id: campaign.as_ref().map(|c| c.id),
            from: Some(period.0),
            to: Some(period.1),
            channel,
            language,
            procedure,
            appointment,
        };
        Ok(Resolved { filter, campaign, campaigns, period, site, sites, questionnaire, problems })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_round_trip_without_page() {
        let p = FilterParams::from_pairs([("site", " evry "), ("page", "3"), ("q", "été"), ("inconnu", "x")]);
        assert_eq!(p.site, "evry");
        assert_eq!(p.page, "3");
        assert_eq!(p.pairs(), vec![("site", "evry"), ("q", "été")]);
    }

    #[test]
    fn days_in_both_formats() {
        let d = chrono::NaiveDate::from_ymd_opt(2025, 3, 31);
        assert_eq!(parse_day("2025-03-31"), d);
        assert_eq!(parse_day("31/03/2025"), d);
        assert_eq!(parse_day("31/02/2025"), None);
        assert_eq!(parse_day("demain"), None);
    }
}
