//! Password hashing (argon2id via the `password-auth` crate) and the password policy.

/// Minimum password length, in characters (ANSSI recommendation for accounts without MFA: 12+).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Why a new password is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordPolicyError {
    /// Fewer than [`MIN_PASSWORD_CHARS`] characters.
    #[error("le mot de passe doit contenir au moins {MIN_PASSWORD_CHARS} caractères")]
    TooShort,
}

/// Checks a new password against the policy.
///
/// # Errors
/// [`PasswordPolicyError`] naming the broken rule.
pub fn check_policy(password: &str) -> Result<(), PasswordPolicyError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordPolicyError::TooShort);
    }
    Ok(())
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
    fn policy_counts_characters() {
        assert_eq!(check_policy("short"), Err(PasswordPolicyError::TooShort));
        assert!(check_policy("éééééééééééé").is_ok());
    }
}
