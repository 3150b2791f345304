//! Staff accounts: the pure rules behind `/admin/comptes` and `/admin/mot-de-passe` — the password
//! policy, the checks on an account form, the description of a change for the audit log, the
//! rules that keep at least one active admin, and the absolute session lifetime. No I/O here: the
//! list of common passwords is passed in (see `auth::password`, which ships it).

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// Minimum password length, in characters (ANSSI recommendation for accounts without a second
/// factor: 12 or more).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted, in characters (argon2 hashes anything, but a megabyte-long
/// "password" is only a way to burn CPU).
pub const MAX_PASSWORD_CHARS: usize = 200;
/// Longest display name, in characters.
pub const NAME_MAX_CHARS: usize = 120;
/// Shortest piece of an e-mail local part or of a name looked for inside a password, in
/// characters: shorter pieces ("jo", "le") would refuse too many good passwords.
pub const PERSONAL_FRAGMENT_MIN_CHARS: usize = 4;

/// Default absolute lifetime of a staff session, in hours: however active, a session ends this
/// long after the login and the user logs in again (ANSSI guidance for administration
/// interfaces: a working day). Overridden by `SESSION_MAX_HOURS`.
pub const DEFAULT_SESSION_MAX_HOURS: u32 = 12;
/// Largest `SESSION_MAX_HOURS` accepted (a week).
pub const SESSION_MAX_HOURS_LIMIT: u32 = 168;

/// Why a new password is refused. Each rule has its own message (French, shown as is).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PasswordPolicyError {
    /// Fewer than [`MIN_PASSWORD_CHARS`] characters.
    #[error("le mot de passe doit contenir au moins {MIN_PASSWORD_CHARS} caractères")]
    TooShort,
    /// More than [`MAX_PASSWORD_CHARS`] characters.
    #[error("le mot de passe doit contenir au plus {MAX_PASSWORD_CHARS} caractères")]
    TooLong,
    /// One of the most common passwords (or one followed by digits or punctuation only).
    #[error("ce mot de passe fait partie des mots de passe les plus courants, que les attaquants essaient en premier : choisissez-en un autre")]
    Common,
    /// Contains the e-mail address (its part before the `@`, or a piece of it).
    #[error("le mot de passe ne doit pas contenir l'adresse électronique du compte")]
    ContainsEmail,
    /// Contains the person's name (or a word of it).
    #[error("le mot de passe ne doit pas contenir le nom de la personne")]
    ContainsName,
}

/// Case- and accent-insensitive form used by every comparison of the policy.
fn fold(s: &str) -> String {
    crate::domain::search::fold(s.trim())
}

/// The forms of `password` looked up in the common-password list: the folded password, and the
/// same without leading and trailing digits, spaces and punctuation (`Azertyuiop2024!` →
/// `azertyuiop`), so that decorating a common word does not make it acceptable.
pub fn common_candidates(password: &str) -> Vec<String> {
    let folded = fold(password);
    let core = folded.trim_matches(|c: char| !c.is_alphabetic()).to_string();
    let mut out = vec![folded];
    if !core.is_empty() && core != out[0] {
        out.push(core);
    }
    out
}

/// Pieces of personal data a password may not contain: the whole value and its words of at least
/// [`PERSONAL_FRAGMENT_MIN_CHARS`] characters (split on anything that is not a letter or digit),
/// folded.
fn fragments(value: &str) -> Vec<String> {
    let whole = fold(value);
    let mut out: Vec<String> = whole.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= PERSONAL_FRAGMENT_MIN_CHARS).map(str::to_string).collect();
    let squeezed: String = whole.chars().filter(|c| c.is_alphanumeric()).collect();
    if squeezed.chars().count() >= PERSONAL_FRAGMENT_MIN_CHARS {
        out.push(squeezed);
    }
    out
}

/// Checks a new password against the whole policy, rule by rule in this order: length
/// (≥ [`MIN_PASSWORD_CHARS`], ≤ [`MAX_PASSWORD_CHARS`] characters), not a common password
/// (`is_common` receives each of [`common_candidates`], already folded), and not containing the
/// account's e-mail local part or display name (nor a word of them of 4+ characters), compared
/// without case or accents and ignoring spaces and punctuation in the password. `email` and
/// `display_name` may be empty (then those rules pass).
///
/// # Errors
/// The first [`PasswordPolicyError`] broken.
pub fn check_password(password: &str, email: &str, display_name: &str, is_common: impl Fn(&str) -> bool) -> Result<(), PasswordPolicyError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(PasswordPolicyError::TooShort);
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(PasswordPolicyError::TooLong);
    }
    if common_candidates(password).iter().any(|c| is_common(c.as_str())) {
        return Err(PasswordPolicyError::Common);
    }
    let folded = fold(password);
    let squeezed: String = folded.chars().filter(|c| c.is_alphanumeric()).collect();
    let contains = |fragment: &String| folded.contains(fragment.as_str()) || squeezed.contains(fragment.as_str());
    let local = email.split('@').next().unwrap_or_default();
    if fragments(local).iter().any(contains) {
        return Err(PasswordPolicyError::ContainsEmail);
    }
    if fragments(display_name).iter().any(contains) {
        return Err(PasswordPolicyError::ContainsName);
    }
    Ok(())
}

/// A display name as typed, checked: trimmed, inner runs of spaces collapsed; required and at most
/// [`NAME_MAX_CHARS`] characters.
///
/// # Errors
/// [`crate::domain::survey_form::FieldErrorKind::Required`] or `TooLong`.
pub fn parse_display_name(raw: &str) -> Result<String, crate::domain::survey_form::FieldErrorKind> {
    use crate::domain::survey_form::FieldErrorKind;
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = name.chars().count();
    if n == 0 {
        Err(FieldErrorKind::Required)
    } else if n > NAME_MAX_CHARS {
        Err(FieldErrorKind::TooLong { max: NAME_MAX_CHARS, actual: n })
    } else {
        Ok(name)
    }
}

/// What an account looks like, for comparing before and after a change (labels as shown to
/// admins; site names sorted).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct AccountSnapshot {
    /// Display name.
    pub name: String,
    /// Role label (`admin`, `qualite`, `agent`).
    pub role: String,
    /// Site slugs (meaningful for agents only; empty otherwise).
    pub sites: Vec<String>,
    /// Active (may log in).
    pub active: bool,
}

fn site_list(sites: &[String]) -> String {
    if sites.is_empty() {
        "aucun".to_string()
    } else {
        sites.join(", ")
    }
}

/// The audit log's description of a change from `before` to `after`, in French, one clause per
/// field that changed (`nom : A → B ; rôle : agent → qualite ; sites : evry → evry, palaiseau ;
/// compte désactivé`). Empty when nothing changed. Never mentions a password.
pub fn describe_change(before: &AccountSnapshot, after: &AccountSnapshot) -> String {
    let mut parts = Vec::new();
    if before.name != after.name {
        parts.push(format!("nom : {} → {}", before.name, after.name));
    }
    if before.role != after.role {
        parts.push(format!("rôle : {} → {}", before.role, after.role));
    }
    if before.sites != after.sites {
        parts.push(format!("sites : {} → {}", site_list(&before.sites), site_list(&after.sites)));
    }
    if before.active != after.active {
        parts.push(if after.active { "compte réactivé".to_string() } else { "compte désactivé".to_string() });
    }
    parts.join(" ; ")
}

/// The audit log's description of a new account: role, sites, and that the password must be
/// changed at first login.
pub fn describe_creation(account: &AccountSnapshot) -> String {
    let sites = if account.role == "agent" { format!(", sites : {}", site_list(&account.sites)) } else { String::new() };
    format!("création : rôle {}{sites} ; mot de passe provisoire à changer à la première connexion", account.role)
}

/// Why an account change that would leave the service without an administrator, or lock the
/// admin out, is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AdminGuardError {
    /// An admin tried to disable their own account.
    #[error("vous ne pouvez pas désactiver votre propre compte")]
    DisableSelf,
    /// The change would leave no active administrator.
    #[error("c'est le dernier compte administrateur actif : créez ou réactivez d'abord un autre administrateur")]
    LastAdmin,
}

/// Checks that disabling account `target_id` by `actor_id` is allowed: nobody disables themself
/// (the last-admin rule is checked by the store, in the same transaction as the change).
///
/// # Errors
/// [`AdminGuardError::DisableSelf`].
pub fn check_disable(actor_id: i64, target_id: i64) -> Result<(), AdminGuardError> {
    if actor_id == target_id {
        Err(AdminGuardError::DisableSelf)
    } else {
        Ok(())
    }
}

/// The moment a session opened at `login_at` ends, whatever its activity: `login_at + max_age`.
pub fn session_deadline(login_at: DateTime<Utc>, max_age: TimeDelta) -> DateTime<Utc> {
    login_at.checked_add_signed(max_age).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Whether a logged-in session with this `deadline` is over at `now`. A session without deadline
/// (opened before the rule existed, or tampered with) counts as over: the user logs in again.
pub fn session_expired(deadline: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    deadline.is_none_or(|d| now >= d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn common(list: &'static [&'static str]) -> impl Fn(&str) -> bool {
        move |c: &str| list.contains(&c)
    }

    #[test]
    fn length_rules_count_characters() {
        let none = common(&[]);
        assert_eq!(check_password("court", "", "", &none), Err(PasswordPolicyError::TooShort));
        assert_eq!(check_password("éééééééééééé", "", "", &none), Ok(()));
        assert_eq!(check_password(&"x".repeat(MAX_PASSWORD_CHARS + 1), "", "", &none), Err(PasswordPolicyError::TooLong));
    }

    #[test]
    fn common_passwords_are_refused_whatever_the_case_and_decoration() {
        let list = common(&["azertyuiop", "motdepasse", "qwerty123456"]);
        assert_eq!(check_password("QWERTY123456", "", "", &list), Err(PasswordPolicyError::Common));
        assert_eq!(check_password("AzertyUIOP2024!", "", "", &list), Err(PasswordPolicyError::Common));
        assert_eq!(check_password("  MotDePasse!!!!", "", "", &list), Err(PasswordPolicyError::Common));
        assert_eq!(check_password("MôtDePâsse123", "", "", &list), Err(PasswordPolicyError::Common), "accents ignored");
        assert_eq!(check_password("azertyuiop et des mots", "", "", &list), Ok(()), "a common word inside a longer phrase is fine");
        assert_eq!(common_candidates("Abc-2024!"), vec!["abc-2024!".to_string(), "abc".to_string()]);
        assert_eq!(common_candidates("12345678"), vec!["12345678".to_string()]);
    }

    #[test]
    fn personal_data_is_refused() {
        let none = common(&[]);
        let (email, name) = ("jean-pierre.dupont@essonne.gouv.fr", "Jean-Pierre Dupont");
        assert_eq!(check_password("Jean-Pierre.Dupont!", email, "", &none), Err(PasswordPolicyError::ContainsEmail));
        assert_eq!(check_password("mon nom est dupont 91", email, "", &none), Err(PasswordPolicyError::ContainsEmail));
        assert_eq!(check_password("ma vie de Dùpônt à Évry", "x@y.fr", name, &none), Err(PasswordPolicyError::ContainsName));
        assert_eq!(check_password("jean pierre dupont", "x@y.fr", name, &none), Err(PasswordPolicyError::ContainsName), "separators ignored");
        assert_eq!(check_password("agentevry2026!!", "", "Agent Évry", &none), Err(PasswordPolicyError::ContainsName));
        assert_eq!(check_password("un mot de passe assez long", email, name, &none), Ok(()));
        assert_eq!(check_password("un mot de passe assez long", "", "", &none), Ok(()), "no personal data given");
        assert_eq!(check_password("le jour de gloire", "jo@x.fr", "Jo Le", &none), Ok(()), "short pieces ignored");
    }

    #[test]
    fn names_are_tidied_and_bounded() {
        use crate::domain::survey_form::FieldErrorKind;
        assert_eq!(parse_display_name("  Agent   Évry "), Ok("Agent Évry".into()));
        assert_eq!(parse_display_name("   "), Err(FieldErrorKind::Required));
        assert!(matches!(parse_display_name(&"a".repeat(NAME_MAX_CHARS + 1)), Err(FieldErrorKind::TooLong { .. })));
    }

    #[test]
    fn changes_are_described_without_passwords() {
        let before = AccountSnapshot { name: "Agent".into(), role: "agent".into(), sites: vec!["evry".into()], active: true };
        assert_eq!(describe_change(&before, &before), "");
        let after = AccountSnapshot { name: "Agent Évry".into(), role: "qualite".into(), sites: vec![], active: false };
        assert_eq!(describe_change(&before, &after), "nom : Agent → Agent Évry ; rôle : agent → qualite ; sites : evry → aucun ; compte désactivé");
        let back = AccountSnapshot { active: true, ..after.clone() };
        assert_eq!(describe_change(&after, &back), "compte réactivé");
        assert!(describe_creation(&before).starts_with("création : rôle agent, sites : evry"));
        assert!(!describe_creation(&after).contains("sites"));
    }

    #[test]
    fn nobody_disables_themself() {
        assert_eq!(check_disable(1, 1), Err(AdminGuardError::DisableSelf));
        assert_eq!(check_disable(1, 2), Ok(()));
    }

    #[test]
    fn sessions_end_at_the_absolute_deadline() {
        let login = DateTime::parse_from_rfc3339("2026-03-29T00:30:00Z").unwrap().with_timezone(&Utc);
        let deadline = session_deadline(login, TimeDelta::hours(i64::from(DEFAULT_SESSION_MAX_HOURS)));
        assert_eq!(deadline.to_rfc3339(), "2026-03-29T12:30:00+00:00", "UTC: a DST change does not matter");
        assert!(!session_expired(Some(deadline), deadline - TimeDelta::seconds(1)));
        assert!(session_expired(Some(deadline), deadline));
        assert!(session_expired(None, login), "no deadline: logged out");
        assert_eq!(session_deadline(login, TimeDelta::MAX), DateTime::<Utc>::MAX_UTC);
    }
}
