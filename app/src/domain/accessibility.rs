//! The accessibility conformity status that French law requires every public online service to
//! publish (article 47 of loi n° 2005-102, décret n° 2019-768): in the accessibility statement
//! (`/accessibilite`) and on every page (footer mention "Accessibilité : … conforme").

use chrono::NaiveDate;

/// The result of an RGAA 4.1 conformity audit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Audit {
    /// Day the audit report was delivered (Europe/Paris calendar day).
    pub date: NaiveDate,
    /// Share of applicable RGAA criteria met, in whole percent (0–100).
    pub rate_percent: u8,
}

/// The audit in force for this service: none yet (update it, and [`STATEMENT_DATE`], with the
/// audit report; an audit is valid for three years).
pub const CURRENT_AUDIT: Option<Audit> = None;

/// Day the accessibility statement was last written (Europe/Paris calendar day).
pub const STATEMENT_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 30) {
    Some(d) => d,
    None => panic!("invalid statement date"),
};

/// The three statuses of the RGAA ("Obligations", § Déclaration d'accessibilité).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conformity {
    /// No valid audit, or fewer than 50 % of the criteria met.
    None,
    /// At least 50 % of the criteria met, not all.
    Partial(Audit),
    /// Every applicable criterion met.
    Full(Audit),
}

/// The status an audit gives (RGAA rule: 100 % → totally, ≥ 50 % → partially, else not
/// conformant; no audit → not conformant). A rate above 100 counts as 100.
pub fn conformity(audit: Option<Audit>) -> Conformity {
    match audit {
        Some(a) if a.rate_percent >= 100 => Conformity::Full(a),
        Some(a) if a.rate_percent >= 50 => Conformity::Partial(a),
        _ => Conformity::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn audit(rate_percent: u8) -> Option<Audit> {
        Some(Audit { date: NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(), rate_percent })
    }

    #[test]
    fn statuses_follow_the_rgaa_thresholds() {
        assert_eq!(conformity(None), Conformity::None);
        assert_eq!(conformity(audit(0)), Conformity::None);
        assert_eq!(conformity(audit(49)), Conformity::None);
        assert!(matches!(conformity(audit(50)), Conformity::Partial(a) if a.rate_percent == 50));
        assert!(matches!(conformity(audit(99)), Conformity::Partial(_)));
        assert!(matches!(conformity(audit(100)), Conformity::Full(_)));
        assert!(matches!(conformity(audit(120)), Conformity::Full(_)));
    }

    #[test]
    fn no_audit_has_been_made_yet() {
        assert_eq!(conformity(CURRENT_AUDIT), Conformity::None);
    }
}
