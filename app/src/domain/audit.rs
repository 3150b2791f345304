//! The audit log of staff actions: the closed list of actions and the filters of the journal page
//! (`/admin/journal`), parsed from GET query parameters. Pure code; storage is in
//! `store::audit`, recording helpers in `audit::record`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What an audit entry records. The list is closed: the database refuses any other value (a
/// `CHECK` in `migrations/sqlite/0005_login_throttle.sql`, rebuilt with the tablet actions by
/// `0008_tablets.sql`; adding one means a migration that rebuilds the table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuditAction {
    /// A staff member logged in.
    Login,
    /// A login failed (wrong password, unknown e-mail or disabled account); the e-mail typed is
    /// recorded, never the password.
    LoginFailed,
    /// A login was refused without checking the password because of too many failures.
    LoginThrottled,
    /// A staff member logged out.
    Logout,
    /// A complaint's detail page (personal data) was displayed.
    ComplaintViewed,
    /// A complaint's status was changed by hand.
    ComplaintStatusChanged,
    /// A reply was sent (by e-mail or post).
    ComplaintReplied,
    /// Data was exported (CSV, XLSX).
    Export,
    /// A staff account was created or changed.
    AccountChanged,
    /// Personal data was erased.
    Erasure,
    /// A browser was enrolled as an on-site tablet (kiosk mode).
    TabletEnrolled,
    /// An on-site tablet was revoked.
    TabletRevoked,
}

impl AuditAction {
    /// Every action, in the order of the journal's filter.
    pub const ALL: [AuditAction; 12] = [
        AuditAction::Login,
        AuditAction::LoginFailed,
        AuditAction::LoginThrottled,
        AuditAction::Logout,
        AuditAction::ComplaintViewed,
        AuditAction::ComplaintStatusChanged,
        AuditAction::ComplaintReplied,
        AuditAction::Export,
        AuditAction::AccountChanged,
        AuditAction::Erasure,
        AuditAction::TabletEnrolled,
        AuditAction::TabletRevoked,
    ];

    /// Stored value (also the value of the journal's `action` filter).
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Login => "login",
            AuditAction::LoginFailed => "login_failed",
            AuditAction::LoginThrottled => "login_throttled",
            AuditAction::Logout => "logout",
            AuditAction::ComplaintViewed => "complaint_viewed",
            AuditAction::ComplaintStatusChanged => "complaint_status_changed",
            AuditAction::ComplaintReplied => "complaint_replied",
            AuditAction::Export => "export",
            AuditAction::AccountChanged => "account_changed",
            AuditAction::Erasure => "erasure",
            AuditAction::TabletEnrolled => "tablet_enrolled",
            AuditAction::TabletRevoked => "tablet_revoked",
        }
    }

    /// Parses a stored value (exact match).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// Entries per page of the journal.
pub const PAGE_SIZE: u32 = 50;
/// Longest e-mail filter, in characters (an e-mail address is at most 254).
pub const EMAIL_FILTER_MAX_CHARS: usize = 254;

/// The journal's filters, from the query string (`action`, `courriel`, `du`, `au`, `page`).
/// Values that do not parse are dropped and named in [`JournalQuery::ignored`], never an error.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalQuery {
    /// Only this action.
    pub action: Option<AuditAction>,
    /// Only entries whose e-mail contains this text (lower-case, trimmed).
    pub email: Option<String>,
    /// First day, inclusive (Europe/Paris).
    pub from: Option<NaiveDate>,
    /// Last day, inclusive (Europe/Paris).
    pub to: Option<NaiveDate>,
    /// Page number, from 1.
    pub page: u32,
    /// Names of the parameters whose value was not understood.
    pub ignored: Vec<String>,
}

impl JournalQuery {
    /// Parses the query parameters (unknown names are ignored silently; bad values are listed in
    /// `ignored`). A range given backwards is swapped.
    pub fn parse(params: &[(String, String)]) -> Self {
        let mut q = JournalQuery { page: 1, ..Default::default() };
        let get = |name: &str| params.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty());
        if let Some(v) = get("action") {
            match AuditAction::parse(v) {
                Some(a) => q.action = Some(a),
                None => q.ignored.push("action".into()),
            }
        }
        if let Some(v) = get("courriel") {
            if v.chars().count() <= EMAIL_FILTER_MAX_CHARS {
                q.email = Some(v.to_lowercase());
            } else {
                q.ignored.push("courriel".into());
            }
        }
        for (name, slot) in [("du", &mut q.from), ("au", &mut q.to)] {
            if let Some(v) = get(name) {
                match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
                    Ok(d) => *slot = Some(d),
                    Err(_) => q.ignored.push(name.into()),
                }
            }
        }
        if let (Some(from), Some(to)) = (q.from, q.to) {
            if from > to {
                (q.from, q.to) = (Some(to), Some(from));
            }
        }
        if let Some(v) = get("page") {
            match v.parse::<u32>() {
                Ok(n) if (1..=1_000_000).contains(&n) => q.page = n,
                _ => q.ignored.push("page".into()),
            }
        }
        q
    }

    /// Rows to skip for the current page.
    pub fn offset(&self) -> u64 {
        u64::from(self.page.max(1) - 1) * u64::from(PAGE_SIZE)
    }

    /// The query string of these filters at `page` (for the previous/next links), URL-encoded.
    pub fn to_query(&self, page: u32) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(a) = self.action {
            pairs.push(("action", a.as_str().to_string()));
        }
        if let Some(e) = &self.email {
            pairs.push(("courriel", e.clone()));
        }
        if let Some(d) = self.from {
            pairs.push(("du", d.to_string()));
        }
        if let Some(d) = self.to {
            pairs.push(("au", d.to_string()));
        }
        pairs.push(("page", page.to_string()));
        pairs.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&")
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986), for a query-string value.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn actions_round_trip() {
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.as_str()), Some(a));
        }
        assert_eq!(AuditAction::parse("LOGIN"), None);
    }

    #[test]
    fn filters_parse_and_bad_values_are_ignored() {
        let q = JournalQuery::parse(&params(&[("action", "login_failed"), ("courriel", "  Agent@Essonne.gouv.fr "), ("du", "2026-03-31"), ("au", "2026-03-01"), ("page", "3")]));
        assert_eq!(q.action, Some(AuditAction::LoginFailed));
        assert_eq!(q.email.as_deref(), Some("agent@essonne.gouv.fr"));
        assert_eq!((q.from, q.to), (NaiveDate::from_ymd_opt(2026, 3, 1), NaiveDate::from_ymd_opt(2026, 3, 31)));
        assert_eq!((q.page, q.offset()), (3, 100));
        assert!(q.ignored.is_empty());
        let bad = JournalQuery::parse(&params(&[("action", "drop table"), ("du", "31/03/2026"), ("page", "0"), ("courriel", &"x".repeat(300)), ("autre", "1")]));
        assert_eq!(bad, JournalQuery { page: 1, ignored: vec!["action".into(), "courriel".into(), "du".into(), "page".into()], ..Default::default() });
        assert_eq!(JournalQuery::parse(&params(&[("page", "-1")])).page, 1);
        assert_eq!(JournalQuery::parse(&[]).offset(), 0);
    }

    #[test]
    fn links_keep_the_filters_encoded() {
        let q = JournalQuery::parse(&params(&[("action", "logout"), ("courriel", "a b&c@x.fr"), ("au", "2026-01-02")]));
        assert_eq!(q.to_query(2), "action=logout&courriel=a%20b%26c%40x.fr&au=2026-01-02&page=2");
    }
}
