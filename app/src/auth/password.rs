//! Password hashing (argon2id via the `password-auth` crate) and the password policy.

pub use crate::domain::account::{PasswordPolicyError, MIN_PASSWORD_CHARS};

/// The common-password list shipped with the application (see `app/data/README.md`): Django's
/// 19,640 most common passwords plus a short French supplement, folded (lower case, no accents).
fn common_passwords() -> &'static std::collections::HashSet<String> {
    static LIST: std::sync::OnceLock<std::collections::HashSet<String>> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        let main = include_str!("../../data/common-passwords.txt");
        let french = include_str!("../../data/common-passwords-fr.txt");
        main.lines().chain(french.lines()).map(|l| crate::domain::search::fold(l.trim())).filter(|l| !l.is_empty()).collect()
    })
}

/// Whether `candidate` (already folded, see [`crate::domain::account::common_candidates`]) is in
/// the common-password list.
pub fn is_common(candidate: &str) -> bool {
    common_passwords().contains(candidate)
}

/// Checks a new password for the account `email` / `display_name` against the whole policy
/// ([`crate::domain::account::check_password`]: length, common passwords, personal data).
///
/// # Errors
/// [`PasswordPolicyError`] naming the first broken rule.
pub fn check_policy(password: &str, email: &str, display_name: &str) -> Result<(), PasswordPolicyError> {
    crate::domain::account::check_password(password, email, display_name, is_common)
}

/// An argon2id PHC hash of `password` (CPU-heavy: call from a blocking task).
pub fn hash(password: &str) -> String {
    password_auth::generate_hash(password)
}

/// A hash of a random password, verified against when the e-mail is unknown, so that a login
/// attempt takes the same time whether the account exists or not.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash(&hex::encode(rand::random::<[u8; 16]>())))
}

/// Whether `password` matches the PHC `hash` (CPU-heavy: call from a blocking task).
pub fn verify(password: &str, hash: &str) -> bool {
    password_auth::verify_password(password, hash).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_verifies_only_the_same_password() {
        let h = hash("correct horse battery");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterie", &h));
        assert!(!verify("anything", decoy_hash()));
    }

    #[test]
    fn policy_uses_the_shipped_lists() {
        assert_eq!(check_policy("short", "", ""), Err(PasswordPolicyError::TooShort));
        assert!(check_policy("éééééééééééé", "", "").is_ok());
        assert!(common_passwords().len() > 19_000, "the main list is read");
        for common in ["q1w2e3r4t5y6", "QWERTY123456", "1qaz2wsx3edc", "MotDePasse2026!", "Azertyuiop123", "Password123456", "prefecture91!!"] {
            assert_eq!(check_policy(common, "", ""), Err(PasswordPolicyError::Common), "{common}");
        }
        assert!(check_policy("mot de passe très long", "qualite@essonne.gouv.fr", "Administrateur").is_ok());
        assert_eq!(check_policy("bienvenue marie curie", "marie.curie@essonne.gouv.fr", ""), Err(PasswordPolicyError::ContainsEmail));
    }
}
