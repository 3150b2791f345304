//! Outgoing e-mail: building safe messages, sending them over SMTP, and the background sender
//! that drains the `outbox` table.
//!
//! Messages are never sent inline by a request handler. They are written to the outbox by the
//! store, and [`run_sender`] delivers them: each round claims the due messages
//! ([`ComplaintStore::claim_outbox`](crate::store::ComplaintStore::claim_outbox), with a lease so that a second
//! server or a crash mid-send cannot lose or double-claim them), sends them, and records the
//! outcome. A failed attempt stays pending and is retried after [`retry_delay`] (exponential
//! backoff, 30 s doubling up to 1 h), so nothing is lost while the SMTP server is down, and the
//! state of each message (attempts, last error, next attempt) stays visible in the table.
//!
//! Delivery is *at least once*: if the SMTP server accepted a message but the store could not
//! record it as sent (or the process died in between), the message is sent again once its lease
//! has expired.
//!
//! Header fields never take raw user input: [`build_message`] refuses a recipient that is not
//! exactly one address and strips every control character from the subject, so a name or
//! subject holding CR/LF cannot add headers or recipients. Logs carry outbox ids only, never
//! addresses or message bodies (personal data).

use crate::store::{DynStore, OutboxEmail, StoreError};
use chrono::{DateTime, Utc};
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, SinglePart};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::sync::Arc;
use std::time::Duration;

/// Longest subject kept, in Unicode scalar values (`char`s); longer subjects are cut.
pub const MAX_SUBJECT_CHARS: usize = 200;

/// Timeout given to lettre's transport. With the tokio executor lettre applies it to the TCP
/// connection only (not to the greeting or the commands), hence [`SEND_DEADLINE`].
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

/// Upper bound on one whole SMTP conversation (connect, greeting, commands, data, QUIT). A
/// server that accepts the connection and then stays silent fails after this long. With
/// [`CLAIM_LIMIT`] messages per round, a round stays well inside the claim lease
/// (20 × 10 s < 5 min), so another server never re-claims a message still being sent.
pub const SEND_DEADLINE: Duration = Duration::from_secs(10);

/// How long a claimed message is reserved for this server before another may take it again.
pub const CLAIM_LEASE_SECONDS: i64 = 5 * 60;

/// Most messages claimed by one [`deliver_due`] round.
pub const CLAIM_LIMIT: u32 = 20;

/// Delay before the retry that follows the first failed attempt.
pub const FIRST_RETRY_SECONDS: i64 = 30;

/// Longest delay between two attempts.
pub const MAX_RETRY_SECONDS: i64 = 60 * 60;

/// Longest error text recorded in the outbox, in `char`s (SMTP replies can be long).
const MAX_ERROR_CHARS: usize = 500;

/// Where and as whom mail is sent.
#[derive(Clone)]
pub struct MailConfig {
    /// SMTP server URL, as understood by lettre's `AsyncSmtpTransport::from_url`:
    /// `smtp://host:port` (plain text, no STARTTLS; port 25 by default),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS required; `tls=opportunistic` also
    /// exists), `smtps://user:pass@host:465` (implicit TLS). User and password must be
    /// percent-encoded. A path (`smtp://host/ehlo.name`) sets the EHLO name.
    pub smtp_url: String,
    /// `From` mailbox, with or without a display name, e.g.
    /// `Préfecture de l'Essonne <ne-pas-repondre@essonne.gouv.fr>`.
    pub from: String,
}

impl std::fmt::Debug for MailConfig {
    /// Shows the URL without its password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailConfig").field("smtp_url", &redact_url_password(&self.smtp_url)).field("from", &self.from).finish()
    }
}

/// Errors of building or sending one message.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// `MailConfig::smtp_url` is not a usable SMTP URL (lettre's reason as text; never the
    /// password).
    #[error("invalid SMTP URL: {0}")]
    BadUrl(String),
    /// `MailConfig::from` is not one mailbox.
    #[error("invalid sender address: {0}")]
    BadFrom(String),
    /// The recipient is not exactly one valid address (lists, display names, line breaks and
    /// other control characters are refused). The address itself is not included.
    #[error("invalid recipient address: {0}")]
    BadRecipient(String),
    /// lettre refused to build the message.
    #[error("cannot build message: {0}")]
    Build(String),
    /// The SMTP conversation failed: server unreachable, timeout, TLS, authentication, or a
    /// 4xx/5xx reply (lettre's error as text).
    #[error("SMTP error: {0}")]
    Transport(String),
    /// The SMTP server refused the message for good (a 5xx reply: unknown mailbox, policy…).
    #[error("refused by the SMTP server: {0}")]
    Rejected(String),
}

impl MailError {
    /// Whether retrying cannot help: a bad recipient, a message that cannot be built, or a
    /// permanent (5xx) SMTP refusal.
    pub fn is_permanent(&self) -> bool {
        matches!(self, MailError::BadRecipient(_) | MailError::Build(_) | MailError::Rejected(_))
    }
}

/// Attempts before a message is given up (≈ 1 day with [`retry_delay`]'s schedule).
pub const MAX_ATTEMPTS: u32 = 30;

/// `Auto-Submitted: auto-generated` (RFC 3834): tells auto-responders not to answer.
#[derive(Clone, Debug)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

/// Makes a subject safe for the `Subject` header: every control character (CR, LF, TAB, NUL,
/// DEL, C1 controls) and the Unicode line/paragraph separators become a space, runs of
/// whitespace collapse to one space, the result is trimmed and cut to [`MAX_SUBJECT_CHARS`]
/// `char`s (never inside a UTF-8 sequence).
pub fn sanitize_subject(subject: &str) -> String {
    let cleaned: String = subject
        .chars()
        .map(|c| if c.is_control() || c == '\u{2028}' || c == '\u{2029}' { ' ' } else { c })
        .collect();
    let collapsed = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let capped: String = collapsed.chars().take(MAX_SUBJECT_CHARS).collect();
    capped.trim_end().to_owned()
}

/// Parses a recipient that must be exactly one bare address (`user@domain`, IDN domains
/// allowed). Surrounding spaces are ignored; control characters, whitespace inside, list
/// separators (`,` `;`) and display-name syntax (`<` `>`) are refused.
///
/// Errors: [`MailError::BadRecipient`] (the message does not repeat the address).
pub fn parse_recipient(to: &str) -> Result<Address, MailError> {
    let to = to.trim();
    if to.is_empty() {
        return Err(MailError::BadRecipient("empty".into()));
    }
    if to.chars().any(|c| c.is_control() || c.is_whitespace() || matches!(c, ',' | ';' | '<' | '>')) {
        return Err(MailError::BadRecipient("not a single address".into()));
    }
    to.parse::<Address>().map_err(|e| MailError::BadRecipient(e.to_string()))
}

/// Builds one plain-text message.
///
/// - `from`: sender mailbox (see [`MailConfig::from`]).
/// - `to`: exactly one address, checked by [`parse_recipient`].
/// - `subject`: any text; made safe by [`sanitize_subject`], then RFC 2047-encoded by lettre
///   when not ASCII.
/// - `body`: any Unicode text; sent as `text/plain; charset=utf-8`, line endings normalised to
///   CRLF, transfer-encoded by lettre as 7bit, quoted-printable or base64 (whichever fits).
///
/// Adds `Date`, `Message-ID` (`<random@hostname>`), `MIME-Version` and
/// `Auto-Submitted: auto-generated`.
///
/// Errors: [`MailError::BadRecipient`], [`MailError::Build`].
pub fn build_message(from: &Mailbox, to: &str, subject: &str, body: &str) -> Result<Message, MailError> {
    let to = parse_recipient(to)?;
    Message::builder()
        .from(from.clone())
        .to(Mailbox::new(None, to))
        .subject(sanitize_subject(subject))
        .message_id(None)
        .header(AutoSubmitted)
        .singlepart(SinglePart::plain(body.to_owned()))
        .map_err(|e| MailError::Build(e.to_string()))
}

/// An SMTP client (one connection per message; no pool) with the sender mailbox.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for SmtpMailer {
    /// Shows the sender only (the transport holds credentials).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// Prepares the transport from `config` (no connection is made yet). Connecting times out
    /// after [`SMTP_TIMEOUT`], a whole send after [`SEND_DEADLINE`].
    ///
    /// Errors: [`MailError::BadUrl`] (unparsable URL, unknown scheme or `tls=` value, bad
    /// percent-encoding of the credentials), [`MailError::BadFrom`].
    pub fn new(config: &MailConfig) -> Result<Self, MailError> {
        let from: Mailbox = config.from.trim().parse().map_err(|e: lettre::address::AddressError| MailError::BadFrom(e.to_string()))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(config.smtp_url.trim())
            .map_err(|e| MailError::BadUrl(e.to_string()))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(SmtpMailer { transport, from })
    }

    /// The sender mailbox.
    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    /// Builds (see [`build_message`]) and sends one message, waiting for the server's reply to
    /// the data. Takes at most [`SEND_DEADLINE`].
    ///
    /// Errors: [`MailError::BadRecipient`], [`MailError::Build`], [`MailError::Transport`]
    /// (including the deadline).
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), MailError> {
        let message = build_message(&self.from, to, subject, body)?;
        match tokio::time::timeout(SEND_DEADLINE, self.transport.send(message)).await {
            Ok(Ok(_response)) => Ok(()),
            Ok(Err(e)) if e.is_permanent() => Err(MailError::Rejected(e.to_string())),
            Ok(Err(e)) => Err(MailError::Transport(e.to_string())),
            Err(_) => Err(MailError::Transport(format!("no answer within {} s", SEND_DEADLINE.as_secs()))),
        }
    }
}

/// Delay before the next attempt after the `attempts`-th failed one: 30 s after the first,
/// then 1 min, 2 min, 4 min … doubling, capped at 1 hour. `0` is treated like `1`; huge values
/// give the cap (no overflow).
pub fn retry_delay(attempts: u32) -> chrono::Duration {
    let doublings = attempts.saturating_sub(1).min(16);
    let seconds = (FIRST_RETRY_SECONDS << doublings).min(MAX_RETRY_SECONDS);
    chrono::Duration::seconds(seconds)
}

/// Outcome counts of one [`deliver_due`] round.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    /// Messages accepted by the SMTP server and marked sent.
    pub sent: u32,
    /// Messages whose attempt failed: pending with a later next attempt, or given up (state
    /// failed) when the refusal is permanent or after [`MAX_ATTEMPTS`].
    pub failed: u32,
}

/// One delivery round at time `now`: claims up to [`CLAIM_LIMIT`] due messages with a lease
/// of [`CLAIM_LEASE_SECONDS`], sends them one after the other, and records each outcome: sent
/// (with `sent_at = now`), or failed with the error text and a next attempt at
/// `now + retry_delay(attempts)`.
///
/// Errors: the first [`StoreError`] met. If it happens after some messages were claimed, the
/// ones not yet recorded are retried once their lease has expired (a message already sent may
/// then be sent twice).
pub async fn deliver_due(store: &DynStore, mailer: &SmtpMailer, now: DateTime<Utc>) -> Result<DeliveryReport, StoreError> {
    let claimed = store.claim_outbox(now, chrono::Duration::seconds(CLAIM_LEASE_SECONDS), CLAIM_LIMIT).await?;
    let mut report = DeliveryReport::default();
    for email in claimed {
        match send_one(mailer, &email).await {
            Ok(()) => {
                store.outbox_sent(email.id, now).await?;
                report.sent += 1;
                tracing::info!(outbox_id = email.id, attempts = email.attempts, "e-mail sent");
            }
            Err(e) if e.is_permanent() || email.attempts >= MAX_ATTEMPTS => {
                let text = truncate_chars(&e.to_string(), MAX_ERROR_CHARS);
                store.outbox_abandoned(email.id, &text).await?;
                report.failed += 1;
                tracing::error!(outbox_id = email.id, attempts = email.attempts, error = %redact_addresses(&text), "e-mail given up");
            }
            Err(e) => {
                let next = now + retry_delay(email.attempts);
                let text = truncate_chars(&e.to_string(), MAX_ERROR_CHARS);
                store.outbox_failed(email.id, &text, next).await?;
                report.failed += 1;
                tracing::warn!(
                    outbox_id = email.id,
                    attempts = email.attempts,
                    next_attempt_at = %next,
                    error = %redact_addresses(&text),
                    "e-mail not sent; will retry"
                );
            }
        }
    }
    Ok(report)
}

async fn send_one(mailer: &SmtpMailer, email: &OutboxEmail) -> Result<(), MailError> {
    mailer.send(&email.to_address, &email.subject, &email.body).await
}

/// Runs delivery rounds forever: [`deliver_due`] at the current time, then a pause of `every`
/// (at least 100 ms); a round that filled its whole batch is followed at once by another.
/// Store errors, and even a panic inside a round, are logged and the loop goes on. Spawn it:
/// `tokio::spawn(run_sender(store, mailer, Duration::from_secs(15)))`.
pub async fn run_sender(store: DynStore, mailer: SmtpMailer, every: Duration) {
    let every = every.max(Duration::from_millis(100));
    let mailer = Arc::new(mailer);
    loop {
        let (round_store, round_mailer) = (store.clone(), mailer.clone());
        let round = tokio::spawn(async move { deliver_due(&round_store, &round_mailer, Utc::now()).await });
        let full_batch = match round.await {
            Ok(Ok(report)) => {
                if report.sent + report.failed > 0 {
                    tracing::info!(sent = report.sent, failed = report.failed, "outbox round");
                }
                report.sent + report.failed >= CLAIM_LIMIT
            }
            Ok(Err(e)) => {
                tracing::error!(error = %e, "outbox round failed");
                false
            }
            Err(e) => {
                tracing::error!(error = %e, "outbox round panicked");
                false
            }
        };
        if !full_batch {
            tokio::time::sleep(every).await;
        }
    }
}

/// `text` cut to at most `max` chars.
fn truncate_chars(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Replaces every whitespace-separated word holding an `@` by `[address]`, so SMTP replies
/// that echo a recipient can be logged.
fn redact_addresses(text: &str) -> String {
    text.split(' ').map(|w| if w.contains('@') { "[address]" } else { w }).collect::<Vec<_>>().join(" ")
}

/// The URL with its password (between `user:` and `@`) replaced by `***`.
fn redact_url_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else { return url.to_owned() };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => {
            format!("{}{}:***{}", &url[..scheme_end + 3], &authority[..colon], &rest[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from() -> Mailbox {
        "Préfecture de l'Essonne <ne-pas-repondre@essonne.gouv.fr>".parse().expect("from")
    }

    /// The formatted message, without the CRLF that lettre always writes after a single part's
    /// body (it is not part of the text sent).
    fn formatted(message: &Message) -> Vec<u8> {
        let mut raw = message.formatted();
        if raw.ends_with(b"\r\n") {
            raw.truncate(raw.len() - 2);
        }
        raw
    }

    /// A formatted message parsed by mail-parser (decoded headers and body).
    fn parse(raw: &[u8]) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default().parse(raw).expect("a parsable message")
    }

    /// The header block exactly as lettre wrote it (CRLF line endings, without the blank line
    /// that ends it), for the checks on the raw header lines.
    fn raw_head<'a>(parsed: &'a mail_parser::Message<'_>) -> &'a str {
        let head = &parsed.raw_message()[..parsed.root_part().offset_body as usize];
        std::str::from_utf8(head).expect("UTF-8 header block").trim_end_matches("\r\n")
    }

    /// Value of the first header `name` as written (undecoded, unfolded by mail-parser), trimmed.
    fn raw_header<'a>(parsed: &'a mail_parser::Message<'_>, name: &str) -> Option<&'a str> {
        parsed.headers_raw().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim())
    }

    #[test]
    fn crlf_in_subject_cannot_add_headers() {
        let message = build_message(&from(), "usager@example.fr", "Bonjour\r\nBcc: x@evil.example", "Corps").expect("message");
        let raw = formatted(&message);
        let parsed = parse(&raw);
        let head = raw_head(&parsed);
        let lines: Vec<&str> = head.split("\r\n").collect();
        assert!(!lines.iter().any(|l| l.to_ascii_lowercase().starts_with("bcc:")), "{head}");
        assert_eq!(lines.iter().filter(|l| l.to_ascii_lowercase().starts_with("to:")).count(), 1, "{head}");
        assert_eq!(raw_header(&parsed, "To"), Some("usager@example.fr"));
        assert_eq!(parsed.subject(), Some("Bonjour Bcc: x@evil.example"));
        assert_eq!(message.envelope().to().len(), 1);
        assert_eq!(message.envelope().to()[0].to_string(), "usager@example.fr");
    }

    #[test]
    fn every_control_char_in_subject_becomes_a_space() {
        assert_eq!(sanitize_subject("\t a\rb\nc\u{0}d\u{7f}e\u{85}f\u{2028}g \r\n"), "a b c d e f g");
        assert_eq!(sanitize_subject("\r\n"), "");
        assert_eq!(sanitize_subject("Réponse\r\nBcc: x@evil.example"), "Réponse Bcc: x@evil.example");
    }

    #[test]
    fn recipient_must_be_one_address() {
        for bad in [
            "a@b.fr\r\nBcc: c@d.fr",
            "a@b.fr\nBcc: c@d.fr",
            "a@b.fr, c@d.fr",
            "a@b.fr,c@d.fr",
            "a@b.fr; c@d.fr",
            "Nom <a@b.fr>",
            "a b@c.fr",
            "pas-une-adresse",
            "",
            "  ",
        ] {
            assert!(matches!(build_message(&from(), bad, "Sujet", "Corps"), Err(MailError::BadRecipient(_))), "{bad:?} accepted");
        }
        assert!(build_message(&from(), "  prenom.nom+avis@exemple.fr ", "Sujet", "Corps").is_ok());
        assert!(build_message(&from(), "usager@préfecture.fr", "Sujet", "Corps").is_ok());
    }

    #[test]
    fn long_subject_is_capped_at_a_char_boundary() {
        let subject = "é🙂".repeat(300);
        let message = build_message(&from(), "a@b.fr", &subject, "x").expect("message");
        let capped = sanitize_subject(&subject);
        assert_eq!(capped.chars().count(), MAX_SUBJECT_CHARS);
        assert!(subject.starts_with(&capped));
        // Non-ASCII subject goes out RFC 2047-encoded, so the header block is pure ASCII.
        let raw = formatted(&message);
        let parsed = parse(&raw);
        let head = raw_head(&parsed);
        assert!(head.is_ascii(), "{head}");
        assert!(raw_header(&parsed, "Subject").expect("subject").starts_with("=?utf-8?"), "{head}");
        assert_eq!(parsed.subject(), Some(capped.as_str()));
        assert_eq!(sanitize_subject(&"a".repeat(1000)).len(), MAX_SUBJECT_CHARS);
        assert_eq!(sanitize_subject(&format!("{} b", "a".repeat(199))), "a".repeat(199));
    }

    #[test]
    fn unicode_body_round_trips() {
        let body = "Bonjour,\nمرحبا بكم في المحافظة 🙂🇫🇷\r\nÇa marche : « oui ».\n";
        let message = build_message(&from(), "a@b.fr", "Réponse à votre réclamation", body).expect("message");
        let raw = formatted(&message);
        let parsed = parse(&raw);
        let head = raw_head(&parsed);
        assert!(head.is_ascii(), "{head}");
        assert_eq!(raw_header(&parsed, "Content-Type"), Some("text/plain; charset=utf-8"));
        assert_eq!(raw_header(&parsed, "Auto-Submitted"), Some("auto-generated"));
        assert!(parsed.message_id().is_some(), "{head}");
        assert!(parsed.date().is_some(), "{head}");
        let from = parsed.from().and_then(|f| f.first()).expect("from");
        assert_eq!(from.address(), Some("ne-pas-repondre@essonne.gouv.fr"));
        assert_eq!(from.name(), Some("Préfecture de l'Essonne"));
        assert_eq!(parsed.body_text(0).as_deref(), Some(body.replace("\r\n", "\n").replace('\n', "\r\n").as_str()));
    }

    #[test]
    fn french_body_round_trips() {
        let body = "Votre réclamation n° 42 a été reçue.\nCordialement.";
        let message = build_message(&from(), "a@b.fr", "Accusé de réception", body).expect("message");
        let raw = formatted(&message);
        assert_eq!(parse(&raw).body_text(0).as_deref(), Some(body.replace('\n', "\r\n").as_str()));
    }

    #[test]
    fn retry_delay_doubles_up_to_one_hour() {
        let secs = |n| retry_delay(n).num_seconds();
        assert_eq!(secs(0), 30);
        assert_eq!(secs(1), 30);
        assert_eq!(secs(2), 60);
        assert_eq!(secs(3), 120);
        assert_eq!(secs(4), 240);
        assert_eq!(secs(7), 1920);
        assert_eq!(secs(8), 3600);
        assert_eq!(secs(9), 3600);
        assert_eq!(secs(40), 3600);
        assert_eq!(secs(u32::MAX), 3600);
    }

    #[test]
    fn config_errors() {
        let bad_url = MailConfig { smtp_url: "http://localhost".into(), from: "a@b.fr".into() };
        assert!(matches!(SmtpMailer::new(&bad_url), Err(MailError::BadUrl(_))));
        let bad_from = MailConfig { smtp_url: "smtp://localhost:2525".into(), from: "pas une adresse".into() };
        assert!(matches!(SmtpMailer::new(&bad_from), Err(MailError::BadFrom(_))));
        let ok = MailConfig { smtp_url: "smtp://user:s3cret@localhost:587?tls=required".into(), from: "Préfecture de l'Essonne <ne-pas-repondre@essonne.gouv.fr>".into() };
        assert!(SmtpMailer::new(&ok).is_ok());
        assert!(!format!("{ok:?}").contains("s3cret"));
        assert!(SmtpMailer::new(&MailConfig { smtp_url: "smtps://smtp.example.fr".into(), from: "a@b.fr".into() }).is_ok());
    }

    #[test]
    fn redaction_helpers() {
        assert_eq!(redact_url_password("smtp://u:p@h:587?tls=required"), "smtp://u:***@h:587?tls=required");
        assert_eq!(redact_url_password("smtp://h:25"), "smtp://h:25");
        assert_eq!(redact_addresses("550 5.1.1 <x@y.fr>: unknown"), "550 5.1.1 [address] unknown");
    }
}
