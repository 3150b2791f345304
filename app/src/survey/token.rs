//! One-time form tokens: `<nonce>.<issued unix seconds>.<HMAC-SHA256>`, signed with a key kept
//! in the database (shared by every app server). Issuing writes nothing; the nonce is consumed
//! in the same transaction as the stored response (see `Store::insert_response`), so a double
//! click, the back button, a reload or a replayed POST records one response.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::Arc;

type HmacSha256 = Hmac<Sha256>;

/// How long a survey form stays valid after it was displayed: 24 hours.
pub const TOKEN_LIFETIME_SECS: i64 = 24 * 3600;

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not of the `<nonce>.<time>.<mac>` shape.
    #[error("malformed token")]
    Malformed,
    /// Signature does not match (forged, or for another form).
    #[error("bad token signature")]
    BadSignature,
    /// Older than [`TOKEN_LIFETIME_SECS`] or issued in the future.
    #[error("expired token")]
    Expired,
}

/// Issues and verifies one-time tokens. Cheap to clone.
#[derive(Clone)]
pub struct FormTokens {
    key: Arc<[u8]>,
}

impl FormTokens {
    /// A token service keyed with `key` (at least 32 random bytes).
    pub fn new(key: &[u8]) -> Self {
        Self { key: Arc::from(key) }
    }

    fn mac(&self, purpose: &str, nonce: &str, issued: i64) -> HmacSha256 {
        // new_from_slice accepts keys of any length for HMAC.
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(purpose.as_bytes());
        mac.update(b"\n");
        mac.update(nonce.as_bytes());
        mac.update(b"\n");
        mac.update(issued.to_string().as_bytes());
        mac
    }

    /// A fresh token for the form `purpose` (e.g. `survey:evry`), issued at `now`.
    pub fn issue(&self, purpose: &str, now: DateTime<Utc>) -> String {
        let nonce = hex::encode(rand::random::<[u8; 16]>());
        let issued = now.timestamp();
        let tag = hex::encode(self.mac(purpose, &nonce, issued).finalize().into_bytes());
        format!("{nonce}.{issued}.{tag}")
    }

    /// A short signature of `value` for `purpose` (hex, 32 characters), e.g. so that the
    /// confirmation page of a filed complaint cannot be opened for another reference.
    pub fn sign(&self, purpose: &str, value: &str) -> String {
        hex::encode(&self.mac(purpose, value, 0).finalize().into_bytes()[..16])
    }

    /// Whether `signature` is [`FormTokens::sign`] of `value` for `purpose` (constant time).
    pub fn check_signature(&self, purpose: &str, value: &str, signature: &str) -> bool {
        let Ok(tag) = hex::decode(signature.trim()) else { return false };
        tag.len() == 16 && self.mac(purpose, value, 0).verify_truncated_left(&tag).is_ok()
    }

    /// Checks `token` for `purpose` at `now`; returns its nonce (the key to consume).
    ///
    /// # Errors
    /// [`TokenError`] when malformed, forged, or expired.
    pub fn verify(&self, purpose: &str, token: &str, now: DateTime<Utc>) -> Result<String, TokenError> {
        let mut parts = token.trim().splitn(3, '.');
        let (Some(nonce), Some(issued), Some(tag)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(TokenError::Malformed);
        };
        if nonce.len() != 32 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(TokenError::Malformed);
        }
        let issued: i64 = issued.parse().map_err(|_| TokenError::Malformed)?;
        let tag = hex::decode(tag).map_err(|_| TokenError::Malformed)?;
        self.mac(purpose, nonce, issued).verify_slice(&tag).map_err(|_| TokenError::BadSignature)?;
        let age = now.timestamp() - issued;
        if !(-300..=TOKEN_LIFETIME_SECS).contains(&age) {
            return Err(TokenError::Expired);
        }
        Ok(nonce.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn issued_token_verifies_once_per_purpose() {
        let t = FormTokens::new(&[7u8; 32]);
        let now = Utc::now();
        let token = t.issue("survey:evry", now);
        let nonce = t.verify("survey:evry", &token, now).unwrap();
        assert_eq!(nonce.len(), 32);
        assert_eq!(t.verify("survey:palaiseau", &token, now), Err(TokenError::BadSignature));
        assert_ne!(t.issue("survey:evry", now), token, "two visitors get two tokens");
    }

    #[test]
    fn signatures_bind_purpose_and_value() {
        let t = FormTokens::new(&[7u8; 32]);
        let sig = t.sign("filed", "REC-2026-000001");
        assert!(t.check_signature("filed", "REC-2026-000001", &sig));
        assert!(!t.check_signature("filed", "REC-2026-000002", &sig));
        assert!(!t.check_signature("other", "REC-2026-000001", &sig));
        assert!(!t.check_signature("filed", "REC-2026-000001", "zz"));
    }

    #[test]
    fn forged_malformed_and_expired_tokens_are_refused() {
        let t = FormTokens::new(&[7u8; 32]);
        let other = FormTokens::new(&[8u8; 32]);
        let now = Utc::now();
        let token = other.issue("survey:evry", now);
        assert_eq!(t.verify("survey:evry", &token, now), Err(TokenError::BadSignature));
        assert_eq!(t.verify("survey:evry", "", now), Err(TokenError::Malformed));
        assert_eq!(t.verify("survey:evry", "a.b.c", now), Err(TokenError::Malformed));
        let old = t.issue("survey:evry", now - Duration::seconds(TOKEN_LIFETIME_SECS + 1));
        assert_eq!(t.verify("survey:evry", &old, now), Err(TokenError::Expired));
    }
}
