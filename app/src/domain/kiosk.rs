//! Rules of the on-site tablets (kiosk mode, issue 6), pure: the device cookie (name, reading it
//! from a `Cookie` header, the `Set-Cookie` value), the tablet label, and the inactivity timings.
//!
//! A tablet is a browser enrolled by an admin for one site. It holds the cookie [`COOKIE_NAME`],
//! whose value is a 256-bit random token (64 hex digits); the database keeps only its SHA-256
//! ([`token_hash`]). The token is the tablet's only credential: it is `HttpOnly` (no script reads
//! it), `SameSite=Strict` (never sent by another site), `Secure` over HTTPS.

use super::survey_form::{normalize_text, FieldErrorKind};
use serde::{Deserialize, Serialize};

/// Name of the tablet's cookie.
pub const COOKIE_NAME: &str = "borne";
/// Lifetime of the tablet's cookie: about three years (3 × 365 days), in seconds. A revoked
/// tablet's cookie is worthless at once whatever its age.
pub const COOKIE_MAX_AGE_SECONDS: u64 = 3 * 365 * 24 * 3600;
/// Longest tablet label, in characters.
pub const LABEL_MAX_CHARS: usize = 100;
/// Inactivity before the "are you still there?" dialog, by default (seconds).
pub const DEFAULT_IDLE_SECONDS: u32 = 90;
/// Time left to answer that dialog before the page is cleared, by default (seconds). WCAG 2.2.1
/// (RGAA 13.1) asks for at least 20 seconds to extend a time limit.
pub const DEFAULT_WARNING_SECONDS: u32 = 30;
/// Largest accepted value of either timing (one hour).
pub const MAX_TIMING_SECONDS: u32 = 3600;
/// Seconds the thank-you pages stay before going back to the start screen.
pub const THANKS_RETURN_SECONDS: u32 = 10;
/// Where a tablet's visitor starts, and where the inactivity reset leads (in French, for the
/// next visitor).
pub const START_PATH: &str = "/borne";
/// The inactivity reset's target: the start screen in French.
pub const RESET_URL: &str = "/borne?lang=fr";

/// The inactivity timings of the kiosk pages (`KIOSK_IDLE_SECONDS`, `KIOSK_WARNING_SECONDS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskTimings {
    /// Seconds without a touch or a key before the dialog opens.
    pub idle_seconds: u32,
    /// Seconds the dialog waits for "Continuer" before clearing the page.
    pub warning_seconds: u32,
}

impl Default for KioskTimings {
    fn default() -> Self {
        Self { idle_seconds: DEFAULT_IDLE_SECONDS, warning_seconds: DEFAULT_WARNING_SECONDS }
    }
}

/// Whether `seconds` is an accepted timing (1 to [`MAX_TIMING_SECONDS`]).
pub fn timing_ok(seconds: u32) -> bool {
    (1..=MAX_TIMING_SECONDS).contains(&seconds)
}

/// The tablet token in a `Cookie` request header value (`a=1; borne=…; b=2`), if it has the
/// shape of one (64 lower-case hex digits). Anything else counts as no tablet.
pub fn token_from_cookie_header(header: &str) -> Option<&str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.trim())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

/// The `Set-Cookie` value giving a browser the tablet token `token`: `HttpOnly`,
/// `SameSite=Strict`, `Path=/`, `Max-Age` [`COOKIE_MAX_AGE_SECONDS`], and `Secure` when `secure`
/// (`COOKIE_SECURE`: served over HTTPS).
pub fn set_cookie_value(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE_NAME}={token}; Path=/; Max-Age={COOKIE_MAX_AGE_SECONDS}; HttpOnly; SameSite=Strict{secure}")
}

/// A tablet label as typed, checked: spaces trimmed, required, at most [`LABEL_MAX_CHARS`]
/// characters, on one line.
///
/// # Errors
/// [`FieldErrorKind::Required`] or [`FieldErrorKind::TooLong`].
pub fn parse_label(raw: &str) -> Result<String, FieldErrorKind> {
    let label = normalize_text(raw).split_whitespace().collect::<Vec<_>>().join(" ");
    let chars = label.chars().count();
    if label.is_empty() {
        Err(FieldErrorKind::Required)
    } else if chars > LABEL_MAX_CHARS {
        Err(FieldErrorKind::TooLong { max: LABEL_MAX_CHARS, actual: chars })
    } else {
        Ok(label)
    }
}

/// Whether the page at `path` (the start screen or not) in language `lang` is worth clearing
/// after inactivity: every kiosk page except the start screen already in French (nothing of a
/// visitor is left there).
pub fn idle_reset_applies(path: &str, lang: &str) -> bool {
    !(path == START_PATH && lang == "fr")
}

/// Lower-case hex SHA-256 of a tablet token: what the database stores and looks up.
#[cfg(feature = "ssr")]
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new tablet token: 256 random bits (the operating system's generator, through `rand`) as 64
/// lower-case hex digits.
#[cfg(feature = "ssr")]
pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn the_token_is_read_only_from_its_own_well_formed_cookie() {
        assert_eq!(token_from_cookie_header(&format!("avis_session=x; borne={TOKEN}; autre=1")), Some(TOKEN));
        assert_eq!(token_from_cookie_header(&format!("borne={TOKEN}")), Some(TOKEN));
        assert_eq!(token_from_cookie_header("borne=abc"), None);
        assert_eq!(token_from_cookie_header(&format!("borne={}", TOKEN.to_uppercase())), None);
        assert_eq!(token_from_cookie_header(&format!("xborne={TOKEN}")), None);
        assert_eq!(token_from_cookie_header(""), None);
    }

    #[test]
    fn the_cookie_is_http_only_strict_and_long_lived() {
        let v = set_cookie_value(TOKEN, false);
        assert!(v.starts_with(&format!("borne={TOKEN};")));
        assert!(v.contains("HttpOnly") && v.contains("SameSite=Strict") && v.contains("Path=/"));
        assert!(v.contains("Max-Age=94608000"));
        assert!(!v.contains("Secure"));
        assert!(set_cookie_value(TOKEN, true).ends_with("; Secure"));
    }

    #[test]
    fn labels_are_trimmed_required_and_bounded() {
        assert_eq!(parse_label("  Accueil   titres\nde séjour "), Ok("Accueil titres de séjour".to_string()));
        assert_eq!(parse_label("   "), Err(FieldErrorKind::Required));
        assert_eq!(parse_label(&"é".repeat(101)), Err(FieldErrorKind::TooLong { max: 100, actual: 101 }));
        assert!(parse_label(&"é".repeat(100)).is_ok());
    }

    #[test]
    fn timings_default_to_90_and_30_seconds_and_are_bounded() {
        assert_eq!(KioskTimings::default(), KioskTimings { idle_seconds: 90, warning_seconds: 30 });
        assert!(timing_ok(1) && timing_ok(3600));
        assert!(!timing_ok(0) && !timing_ok(3601));
    }

    #[test]
    fn the_french_start_screen_needs_no_reset() {
        assert!(!idle_reset_applies("/borne", "fr"));
        assert!(idle_reset_applies("/borne", "ar"));
        assert!(idle_reset_applies("/reclamation/evry", "fr"));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(token_from_cookie_header(&format!("borne={a}")), Some(a.as_str()));
        let h = token_hash(&a);
        assert_eq!(h.len(), 64);
        assert_ne!(h, a);
        // SHA-256 of "abc".
        assert_eq!(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
