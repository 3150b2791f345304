//! The complaint box end to end over HTTP, without JavaScript (the real server, a real SQLite
//! file, a real SMTP server), and the complaint store against a real SQLite file.

mod common;
#[path = "common/smtp.rs"]
mod smtp;
use app::domain::complaint::{ComplaintChannel, ComplaintKind, ComplaintStatus, Procedure, ReplyMode};
use app::store::{
    ComplaintChange, ComplaintFilter, DynStore, FileOutcome, NewComplaint, NewEmail, NewUser, OutboxState, Role, SiteScope,
};
use chrono::{DateTime, Datelike, Duration as ChronoDuration, NaiveDate, Utc};
use smtp::SmtpSink;
use common::*;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The Europe/Paris year today (the year of a web filing's reference).
fn paris_year() -> i32 {
    app::time::paris_day(Utc::now()).year()
}

/// Every complaint stored, any site.
async fn all_complaints(store: &DynStore) -> Vec<app::store::Complaint> {
    store.list_complaints(&SiteScope::All, &ComplaintFilter::default(), 10_000).await.expect("list complaints")
}

/// `POST /suivi`; returns (status, body).
async fn track(app: &TestApp, reference: &str, contact: &str) -> (u16, String) {
    let r = app.post_form("/suivi", &[("reference", reference), ("contact", contact)]).await;
    let status = r.status().as_u16();
    (status, r.text().await.expect("body"))
}

/// Text of the error alert of the `/suivi` page.
fn alert_text(body: &str) -> String {
    text_of(body, "div[role=alert] p").unwrap_or_else(|| panic!("no alert in {body}")).trim().to_string()
}


/// Polls `check` every 50 ms until it returns `Some` or `timeout` passes.
async fn poll<T, F, Fut>(timeout: Duration, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return Some(v);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Raw e-mail as stored by aiosmtpd (`\n` line endings, headers as sent, X-RcptTo appended),
// parsed and decoded by mail-parser
// ---------------------------------------------------------------------------------------------

/// The message parsed by mail-parser (decoded subject and body, raw header values).
fn parse_message(raw: &str) -> mail_parser::Message<'_> {
    mail_parser::MessageParser::default().parse(raw).expect("a parsable message")
}

/// The physical lines of the header block exactly as received, for the header-injection checks.
fn raw_header_lines<'a>(message: &'a mail_parser::Message<'_>) -> Vec<&'a str> {
    let head = &message.raw_message()[..message.root_part().offset_body as usize];
    std::str::from_utf8(head).expect("UTF-8 header block").lines().filter(|l| !l.is_empty()).collect()
}

/// Every value of header `name` (case-insensitive) as it stands in the message, undecoded and
/// trimmed.
fn raw_values(message: &mail_parser::Message<'_>, name: &str) -> Vec<String> {
    message.headers_raw().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim().to_string()).collect()
}

// ---------------------------------------------------------------------------------------------
// 1. Filing on the web without JavaScript
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn form_page_has_every_field_and_preselects_the_site() {
    let app = spawn_app().await;
    let (status, body) = app.get("/reclamation").await;
    assert_eq!(status, 200);
    let form = "form[method=post][action='/reclamation/envoi']";
    assert_eq!(select(&body, &format!("{form} input[type=hidden][name=lang][value=fr]")).len(), 1, "{body}");
    assert_eq!(select(&body, &format!("{form} input[type=radio][name=type]")).len(), 2);
    assert_eq!(select(&body, &format!("{form} input[type=radio][name=site]")).len(), 3);
    assert_eq!(select(&body, &format!("{form} input[type=radio][name=reponse]")).len(), 3);
    assert_eq!(select(&body, &format!("{form} select[name=demarche] option")).len(), 1 + Procedure::ALL.len());
    for name in ["message", "adresse"] {
        assert_eq!(select(&body, &format!("{form} textarea[name={name}]")).len(), 1, "{name}");
    }
    for name in ["nom", "email", "code_postal"] {
        assert_eq!(select(&body, &format!("{form} input[name={name}]")).len(), 1, "{name}");
    }
    assert!(select(&body, "input[type=radio][checked]").is_empty(), "nothing preselected on /reclamation");
    assert!(select(&body, "#resume-erreurs").is_empty());
    let token = complaint_token(&app).await;
    assert_ne!(token, complaint_token(&app).await, "every visitor gets a fresh token");

    let (status, body) = app.get("/reclamation/palaiseau").await;
    assert_eq!(status, 200);
    assert_eq!(select(&body, "input#site-palaiseau[checked]").len(), 1, "{body}");
    assert_eq!(select(&body, "input[type=radio][checked]").len(), 1);
    // An unknown site preselects nothing.
    let (_, body) = app.get("/reclamation/marseille").await;
    assert!(select(&body, "input[type=radio][checked]").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filing_without_javascript_gives_sequential_references() {
    let app = spawn_app().await;
    let year = paris_year();
    let token = complaint_token(&app).await;
    let location = file_ok(&app, &form(&token)).await;
    let first = format!("REC-{year}-000001");
    assert!(location.starts_with(&format!("/reclamation/enregistree/{first}?cle=")), "{location}");
    assert!(location.ends_with("&courriel=0"), "no e-mail given: {location}");
    let (status, page) = app.get(&location).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(text_of(&page, "#reference").as_deref(), Some(first.as_str()), "{page}");
    assert!(page.contains("Votre demande est enregistrée"), "{page}");
    assert!(!page.contains("Un accusé de réception est envoyé"), "no e-mail was given");

    // A second réclamation, then a suggestion (its own sequence), then one with an e-mail.
    assert_eq!(file_with(&app, &[]).await, format!("REC-{year}-000002"));
    assert_eq!(file_with(&app, &[("type", "suggestion"), ("site", "etampes"), ("demarche", "accueil")]).await, format!("SUG-{year}-000001"));
    let token = complaint_token(&app).await;
    let location = file_ok(&app, &with(with(form(&token), "reponse", "email"), "email", "usager@exemple.fr")).await;
    assert_eq!(reference_of(&location), format!("REC-{year}-000003"));
    assert!(location.ends_with("&courriel=1"), "{location}");
    let (_, page) = app.get(&location).await;
    assert!(page.contains("Un accusé de réception est envoyé à votre adresse électronique."), "{page}");

    // What was stored.
    let store = store_of(&app).await;
    let stored = store.complaint_by_reference(&first).await.unwrap().expect("first complaint");
    assert_eq!(stored.kind, ComplaintKind::Reclamation);
    assert_eq!(stored.site.slug, "evry");
    assert_eq!(stored.procedure, Procedure::TitreSejour);
    assert_eq!(stored.channel, ComplaintChannel::Web);
    assert_eq!(stored.reply_mode, ReplyMode::Aucune);
    assert_eq!(stored.status, ComplaintStatus::AccuseEnvoye, "the web form acknowledges at once");
    assert_eq!(stored.received_on, app::time::paris_day(Utc::now()));
    assert_eq!((stored.requester_name, stored.email), (None, None));
    assert_eq!(stored.message, "Trois heures d'attente au guichet.");
    let suggestion = store.complaint_by_reference(&format!("SUG-{year}-000001")).await.unwrap().expect("suggestion");
    assert_eq!((suggestion.kind, suggestion.site.slug.as_str()), (ComplaintKind::Suggestion, "etampes"));
    assert_eq!(all_complaints(&store).await.len(), 4);
    // Only the filing with an e-mail queued an acknowledgement.
    let outbox = store.list_outbox(100).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].to_address, "usager@exemple.fr");
    assert!(outbox[0].subject.contains(&format!("REC-{year}-000003")), "{:?}", outbox[0].subject);

    // The confirmation link is signed: a forged key or another reference shows no reference.
    let forged = location.replace("?cle=", "?cle=00");
    let (status, page) = app.get(&forged).await;
    assert_eq!(status, 404);
    assert!(select(&page, "#reference").is_empty(), "{page}");
    let other = location.replace(&format!("REC-{year}-000003"), &format!("REC-{year}-000001"));
    let (status, page) = app.get(&other).await;
    assert_eq!(status, 404);
    assert!(select(&page, "#reference").is_empty(), "{page}");
}

// ---------------------------------------------------------------------------------------------
// 2. Replayed tokens
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replayed_token_files_once_and_redirects_to_the_same_reference() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    let year = paris_year();
    let token = complaint_token(&app).await;
    let fields = with(with(form(&token), "reponse", "email"), "email", "usager@exemple.fr");
    let first = file_ok(&app, &fields).await;
    assert_eq!(reference_of(&first), format!("REC-{year}-000001"));
    // Double click, reload, back button + submit: the same answer every time.
    for _ in 0..3 {
        assert_eq!(file_ok(&app, &fields).await, first);
    }
    // Even with other values typed in meanwhile, the token already filed one complaint.
    let changed = with(fields.clone(), "message", "Autre texte");
    assert_eq!(file_ok(&app, &changed).await, first);
    assert_eq!(all_complaints(&store).await.len(), 1);
    assert_eq!(store.list_outbox(100).await.unwrap().len(), 1, "one acknowledgement only");

    // Filed without an e-mail, then (back button) an address added and sent again with the same
    // token: nothing new is stored, so the confirmation must not promise an e-mail.
    let token = complaint_token(&app).await;
    let plain = file_ok(&app, &form(&token)).await;
    assert!(plain.ends_with("&courriel=0"), "{plain}");
    let replay = file_ok(&app, &with(with(form(&token), "reponse", "email"), "email", "tard@exemple.fr")).await;
    assert_eq!(replay, plain, "same reference, and no e-mail announced");
    let (_, page) = app.get(&replay).await;
    assert!(!page.contains("Un accusé de réception est envoyé"), "{page}");
    assert_eq!(store.list_outbox(100).await.unwrap().len(), 1);
    let stored = store.complaint_by_reference(&reference_of(&plain)).await.unwrap().unwrap();
    assert_eq!(stored.email, None);
    assert_eq!(all_complaints(&store).await.len(), 2);

    // Two concurrent POSTs with one token.
    let token = complaint_token(&app).await;
    let fields = form(&token);
    let (a, b) = tokio::join!(app.post_form("/reclamation/envoi", &fields), app.post_form("/reclamation/envoi", &fields));
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (303, 303));
    let (la, lb) = (a.headers()["location"].to_str().unwrap().to_string(), b.headers()["location"].to_str().unwrap().to_string());
    assert_eq!(la, lb);
    assert_eq!(reference_of(&la), format!("REC-{year}-000003"));
    let stored = all_complaints(&store).await;
    assert_eq!(stored.len(), 3);
    let mut refs: Vec<String> = stored.into_iter().map(|c| c.reference).collect();
    refs.sort();
    assert_eq!(refs, (1..=3).map(|n| format!("REC-{year}-{n:06}")).collect::<Vec<_>>());
    // The next fresh token continues the sequence: no number was burnt by the replays.
    assert_eq!(file_with(&app, &[]).await, format!("REC-{year}-000004"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_token_stores_nothing_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    let fields = with(form("0123456789abcdef0123456789abcdef.1700000000.00"), "nom", "Amina");
    let r = app.post_form("/reclamation/envoi", &fields).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(text_of(&body, "#resume-erreurs").expect("summary").contains("Ce formulaire a expiré"), "{body}");
    assert_eq!(attr_of(&body, "input#nom", "value").as_deref(), Some("Amina"));
    assert_eq!(select(&body, "input#site-evry[checked]").len(), 1);
    let fresh = attr_of(&body, "input[name=token]", "value").expect("token");
    assert!(!fresh.contains("1700000000"), "a fresh token is given");
    assert!(all_complaints(&store).await.is_empty());
    // Sent again with the fresh token, it is filed.
    let location = file_ok(&app, &with(fields, "token", &fresh)).await;
    assert_eq!(reference_of(&location), format!("REC-{}-000001", paris_year()));
}

// ---------------------------------------------------------------------------------------------
// 3. Validation
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_filing_lists_every_error_and_keeps_everything_typed() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    let token = complaint_token(&app).await;
    let name = "أمينة بن علي 🙂";
    let address = "3 rue de la Paix\r\nBâtiment B – 2ᵉ étage";
    let fields = vec![
        ("token", token.as_str()),
        ("lang", "fr"),
        ("type", "suggestion"),
        ("site", "palaiseau"),
        ("demarche", "permis_conduire"),
        ("message", "   "),
        ("nom", name),
        ("reponse", "email"),
        ("email", "pas-une-adresse"),
        ("adresse", address),
        ("code_postal", "91 120"),
    ];
    let r = app.post_form("/reclamation/envoi", &fields).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    // The summary lists both errors, in page order, linking to their fields.
    let links = select(&body, "#resume-erreurs li a");
    assert_eq!(links.len(), 2, "{body}");
    assert!(links[0].contains("href=\"#message\""), "{links:?}");
    assert!(links[1].contains("href=\"#email\""), "{links:?}");
    assert!(select(&body, "#resume-erreurs[hidden]").is_empty());
    assert!(text_of(&body, "#email-messages").unwrap().contains("Indiquez une adresse électronique valable"), "{body}");
    assert!(!text_of(&body, "#message-messages").unwrap().trim().is_empty());
    assert_eq!(select(&body, "textarea#message[aria-invalid=true]").len(), 1);
    assert!(text_of(&body, "title").unwrap_or_default().starts_with("Erreur"));
    // Everything typed is still there.
    assert_eq!(select(&body, "input#type-suggestion[checked]").len(), 1);
    assert_eq!(select(&body, "input#site-palaiseau[checked]").len(), 1);
    assert_eq!(select(&body, "input#reponse-email[checked]").len(), 1);
    assert_eq!(select(&body, "input[type=radio][checked]").len(), 3);
    assert_eq!(select(&body, "select#demarche option[value=permis_conduire][selected]").len(), 1, "{body}");
    assert_eq!(attr_of(&body, "input#nom", "value").as_deref(), Some(name));
    assert_eq!(attr_of(&body, "input#email", "value").as_deref(), Some("pas-une-adresse"));
    assert_eq!(attr_of(&body, "input#code_postal", "value").as_deref(), Some("91 120"));
    // HTML parsing turns CRLF into LF inside a textarea: compare on LF.
    assert_eq!(text_of(&body, "textarea#adresse").unwrap(), address.replace("\r\n", "\n"));
    // Same token, so the corrected form can be sent.
    assert_eq!(attr_of(&body, "input[name=token]", "value").as_deref(), Some(token.as_str()));
    assert!(all_complaints(&store).await.is_empty());

    // A multi-line message with CRLF is kept too when another field is wrong.
    let message = "Bonjour,\r\nمرحبا 👋\r\n\r\n  Deuxième paragraphe, indenté.  ";
    let fields2 = with(fields.clone(), "message", message);
    let r = app.post_form("/reclamation/envoi", &fields2).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert_eq!(select(&body, "#resume-erreurs li a").len(), 1, "only the e-mail is wrong now");
    assert_eq!(text_of(&body, "textarea#message").unwrap(), message.replace("\r\n", "\n"));
    assert_eq!(attr_of(&body, "input#nom", "value").as_deref(), Some(name));

    // Corrected, it is filed once with exactly what was typed (CRLF → LF, never trimmed inside).
    let fixed = with(fields2, "email", "  Amina@Exemple.fr ");
    let reference = reference_of(&file_ok(&app, &fixed).await);
    assert_eq!(reference, format!("SUG-{}-000001", paris_year()));
    let stored = store.complaint_by_reference(&reference).await.unwrap().expect("stored");
    assert_eq!(stored.message, message.replace("\r\n", "\n"));
    assert_eq!(stored.requester_name.as_deref(), Some(name));
    assert_eq!(stored.email.as_deref(), Some("Amina@Exemple.fr"));
    assert_eq!(stored.postal_address, None, "no postal reply asked");
    assert_eq!(stored.site.slug, "palaiseau");
    assert_eq!(stored.procedure, Procedure::PermisConduire);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn message_length_is_counted_in_characters_and_never_truncated() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    let token = complaint_token(&app).await;
    let too_long = "é".repeat(5001);
    let r = app.post_form("/reclamation/envoi", &with(form(&token), "message", &too_long)).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(text_of(&body, "#message-messages").unwrap().contains("5001 caractères"), "{body}");
    assert_eq!(select(&body, "#resume-erreurs li a[href='#message']").len(), 1);
    assert_eq!(text_of(&body, "textarea#message").unwrap(), too_long, "nothing is truncated");
    assert!(all_complaints(&store).await.is_empty());

    // The longest accepted form in 4-byte characters (12 bytes each once percent-encoded) is
    // not refused for its size.
    let token2 = complaint_token(&app).await;
    let (emoji_message, emoji_address, emoji_name) = ("😀".repeat(5000), "🏠".repeat(500), "🙂".repeat(200));
    let fields = with(with(with(with(with(form(&token2), "message", &emoji_message), "reponse", "courrier"), "adresse", &emoji_address), "code_postal", "91000"), "nom", &emoji_name);
    let reference = reference_of(&file_ok(&app, &fields).await);
    let stored = store.complaint_by_reference(&reference).await.unwrap().expect("stored");
    assert_eq!((stored.message.as_str(), stored.postal_address.as_deref(), stored.requester_name.as_deref()), (emoji_message.as_str(), Some(emoji_address.as_str()), Some(emoji_name.as_str())));

    let exact = "é".repeat(5000);
    let reference = reference_of(&file_ok(&app, &with(form(&token), "message", &exact)).await);
    let stored = store.complaint_by_reference(&reference).await.unwrap().expect("stored");
    assert_eq!(stored.message.chars().count(), 5000);
    assert_eq!(stored.message, exact);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postal_reply_requires_address_and_postal_code() {
    let app = spawn_app().await;
    let token = complaint_token(&app).await;
    let r = app.post_form("/reclamation/envoi", &with(form(&token), "reponse", "courrier")).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    let links = select(&body, "#resume-erreurs li a");
    assert_eq!(links.len(), 2, "{body}");
    assert!(links[0].contains("href=\"#adresse\"") && links[1].contains("href=\"#code_postal\""), "{links:?}");
    // Unknown choices are refused, not stored.
    let r = app.post_form("/reclamation/envoi", &with(with(form(&token), "site", "lyon"), "type", "plainte")).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert_eq!(select(&body, "#resume-erreurs li a").len(), 2, "{body}");
    assert!(all_complaints(&store_of(&app).await).await.is_empty());
}

// ---------------------------------------------------------------------------------------------
// 4. /suivi
// ---------------------------------------------------------------------------------------------

const NOT_FOUND: &str = "Aucune demande ne correspond à ces informations. Vérifiez la référence et l'adresse électronique ou le code postal donnés lors de votre demande.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tracking_needs_the_reference_and_the_matching_contact() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    let year = paris_year();
    let reference = file_with(&app, &[("reponse", "email"), ("email", "Amina.Benali@Exemple.fr")]).await;
    assert_eq!(reference, format!("REC-{year}-000001"));

    // Right reference, right e-mail in another case.
    let (status, body) = track(&app, &reference, " amina.benali@EXEMPLE.fr ").await;
    assert_eq!(status, 200, "{body}");
    assert!(text_of(&body, "#suivi-resultat").unwrap().contains(&reference), "{body}");
    assert_eq!(text_of(&body, ".tracked .status").as_deref(), Some("Accusé de réception envoyé"));
    assert!(select(&body, ".reply-text").is_empty(), "no reply yet");
    assert!(select(&body, "div[role=alert]").is_empty());

    // Typed in lower case with spaces, unpadded number.
    let (status, body) = track(&app, &format!("  rec {year} 1 "), "amina.benali@exemple.fr").await;
    assert_eq!(status, 200, "{body}");
    assert!(text_of(&body, "#suivi-resultat").unwrap().contains(&reference));
    let (status, _) = track(&app, &format!("rec-{year}-000001"), "amina.benali@exemple.fr").await;
    assert_eq!(status, 200);

    // Wrong e-mail, unknown reference, not a reference, a postal code for an e-mail filing:
    // the same answer, so nothing can be enumerated.
    let cases = [
        (reference.clone(), "autre@exemple.fr".to_string()),
        (format!("REC-{year}-000002"), "amina.benali@exemple.fr".to_string()),
        (format!("SUG-{year}-000001"), "amina.benali@exemple.fr".to_string()),
        ("n'importe quoi".to_string(), "amina.benali@exemple.fr".to_string()),
        (reference.clone(), "91000".to_string()),
    ];
    for (r, contact) in &cases {
        let (status, body) = track(&app, r, contact).await;
        assert_eq!(status, 404, "{r} / {contact}: {body}");
        assert_eq!(alert_text(&body), NOT_FOUND, "{r} / {contact}");
        assert!(select(&body, ".tracked").is_empty());
        // What was typed stays in the form.
        assert_eq!(attr_of(&body, "input#reference", "value").as_deref(), Some(r.trim()));
    }

    // A missing field: 422 with its own message.
    let (status, body) = track(&app, &reference, "  ").await;
    assert_eq!(status, 422);
    assert_eq!(alert_text(&body), "Indiquez la référence et l'adresse électronique ou le code postal.");
    let (status, _) = track(&app, "", "amina.benali@exemple.fr").await;
    assert_eq!(status, 422);

    // Once answered, the reply is shown.
    let admin = store.user_by_email(ADMIN_EMAIL).await.unwrap().expect("bootstrap admin");
    let complaint = store.complaint_by_reference(&reference).await.unwrap().unwrap();
    let reply = "Bonjour,\nNous avons renforcé l'accueil le matin.\nCordialement.";
    let change = ComplaintChange {
        complaint_id: complaint.id,
        expected_status: ComplaintStatus::AccuseEnvoye,
        new_status: ComplaintStatus::Repondue,
        user_id: Some(admin.id),
        at: Utc::now(),
        action: "reponse".into(),
        detail: None,
        acknowledged_on: None,
        replied_on: Some(app::time::paris_day(Utc::now())),
        reply_subject: Some("Votre réclamation".into()),
        reply_text: Some(reply.into()),
        dismissal_reason: None,
        email: None,
    };
    assert!(store.change_complaint(&change, &SiteScope::All).await.unwrap());
    let (status, body) = track(&app, &reference, "amina.benali@exemple.fr").await;
    assert_eq!(status, 200);
    assert_eq!(text_of(&body, ".tracked .status").as_deref(), Some("Répondue"), "{body}");
    assert_eq!(text_of(&body, ".reply-text").as_deref(), Some(reply));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tracking_by_postal_code_for_a_postal_reply() {
    let app = spawn_app().await;
    let year = paris_year();
    let reference = file_with(&app, &[("type", "suggestion"), ("reponse", "courrier"), ("adresse", "1 place de l'Église\r\n91150 Étampes"), ("code_postal", "91 150")]).await;
    assert_eq!(reference, format!("SUG-{year}-000001"));
    for contact in ["91150", " 91 150 ", "91 150"] {
        let (status, body) = track(&app, &reference, contact).await;
        assert_eq!(status, 200, "{contact:?}: {body}");
        assert!(text_of(&body, "#suivi-resultat").unwrap().contains(&reference));
    }
    let (status, body) = track(&app, &reference, "91151").await;
    assert_eq!(status, 404);
    assert_eq!(alert_text(&body), NOT_FOUND);
    // A complaint without any contact detail cannot be looked up at all.
    let anonymous = file_with(&app, &[]).await;
    for contact in ["91000", "x@exemple.fr"] {
        let (status, body) = track(&app, &anonymous, contact).await;
        assert_eq!(status, 404);
        assert_eq!(alert_text(&body), NOT_FOUND);
    }
}

// ---------------------------------------------------------------------------------------------
// 5. The acknowledgement e-mail against a real SMTP server
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledgement_is_sent_once_and_retried_after_an_smtp_outage() {
    let mut sink = SmtpSink::start();
    let app = spawn_app_with(TestOptions { smtp_url: Some(sink.smtp_url()), ..TestOptions::default() }).await;
    let store = store_of(&app).await;

    // A name and a message with CR/LF and header-looking lines.
    let reference = file_with(
        &app,
        &[
            ("reponse", "email"),
            ("email", "usager@exemple.fr"),
            ("nom", "Jean\r\nBcc: pirate@exemple.fr"),
            ("message", "Bonjour\r\nBcc: pirate@exemple.fr\r\n\r\nTo: autre@exemple.fr"),
        ],
    )
    .await;
    let messages = sink.wait_for_messages(1, Duration::from_secs(15)).await;
    assert_eq!(messages.len(), 1, "acknowledgement not received");
    // Several more sender rounds (every 200 ms): still exactly one.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "sent more than once");

    let message = parse_message(&messages[0]);
    let lines = raw_header_lines(&message);
    // Header injection: the raw header lines, not a decoded view.
    assert_eq!(raw_values(&message, "X-RcptTo"), vec!["usager@exemple.fr".to_string()], "{lines:#?}");
    assert_eq!(raw_values(&message, "To"), vec!["usager@exemple.fr".to_string()]);
    for name in ["bcc:", "cc:"] {
        assert!(!lines.iter().any(|l| l.to_ascii_lowercase().starts_with(name)), "{lines:#?}");
    }
    assert!(raw_values(&message, "Bcc").is_empty() && raw_values(&message, "Cc").is_empty(), "{lines:#?}");
    assert!(!lines.iter().any(|l| l.contains("pirate")), "{lines:#?}");
    assert_eq!(raw_values(&message, "Auto-Submitted"), vec!["auto-generated".to_string()]);
    assert_eq!(raw_values(&message, "Subject").len(), 1);
    assert_eq!(message.subject(), Some(format!("Accusé de réception de votre réclamation {reference}").as_str()));
    let text = message.body_text(0).expect("a text body");
    assert!(text.contains(&format!("référence {reference}")), "{text}");
    assert!(text.contains("Préfecture d'Évry-Courcouronnes"), "{text}");
    assert!(!text.contains("pirate"), "the message is not echoed: {text}");
    let sent = store.list_outbox(10).await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!((sent[0].state, sent[0].attempts, sent[0].last_error.as_deref()), (OutboxState::Sent, 1, None));

    // SMTP server down: the message stays pending with the error recorded.
    sink.stop();
    let second = file_with(&app, &[("reponse", "email"), ("email", "deuxieme@exemple.fr"), ("type", "suggestion")]).await;
    let complaint_id = store.complaint_by_reference(&second).await.unwrap().expect("second").id;
    let failed = poll(Duration::from_secs(15), || {
        let store = store.clone();
        async move {
            let emails = store.complaint_emails(complaint_id).await.unwrap();
            emails.into_iter().find(|e| e.attempts >= 1 && e.last_error.is_some())
        }
    })
    .await
    .expect("a failed attempt is recorded");
    let failed_at = Utc::now();
    assert_eq!(failed.state, OutboxState::Pending);
    assert_eq!(failed.attempts, 1);
    assert_eq!(failed.to_address, "deuxieme@exemple.fr");
    assert!(failed.last_error.as_deref().unwrap().starts_with("SMTP error"), "{:?}", failed.last_error);
    // Next attempt about 30 s later (first retry delay).
    let delay = failed.next_attempt_at - failed.created_at;
    assert!(delay >= ChronoDuration::seconds(29) && delay <= ChronoDuration::seconds(45), "{delay}");
    assert!(failed.next_attempt_at > failed_at, "not retried at once");
    let listed = store.list_outbox(10).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!((listed[0].id, listed[0].state), (failed.id, OutboxState::Pending), "pending first");

    // Back up: delivered at the retry, once.
    sink.restart();
    let messages = sink.wait_for_messages(2, Duration::from_secs(45)).await;
    assert_eq!(messages.len(), 2, "not delivered after the SMTP server came back");
    let message = parse_message(&messages[1]);
    assert_eq!(raw_values(&message, "X-RcptTo"), vec!["deuxieme@exemple.fr".to_string()]);
    assert_eq!(message.subject(), Some(format!("Accusé de réception de votre suggestion {second}").as_str()));
    let delivered = poll(Duration::from_secs(5), || {
        let store = store.clone();
        async move { store.complaint_emails(complaint_id).await.unwrap().into_iter().find(|e| e.state == OutboxState::Sent) }
    })
    .await
    .expect("marked sent");
    assert_eq!(delivered.attempts, 2);
    assert_eq!(delivered.last_error, None);
    assert!(delivered.sent_at.unwrap() >= failed.next_attempt_at - ChronoDuration::seconds(1));
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(sink.messages().len(), 2, "nothing sent twice");
}

// ---------------------------------------------------------------------------------------------
// 6. The complaint store against a real database (SQLite file or PostgreSQL, see common)
// ---------------------------------------------------------------------------------------------


fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn new_complaint(kind: ComplaintKind, site_id: i64, received_on: NaiveDate, nonce: Option<&str>) -> NewComplaint {
    NewComplaint {
        kind,
        site_id,
        procedure: Procedure::Accueil,
        channel: ComplaintChannel::Web,
        message: "Message".into(),
        reply_mode: ReplyMode::Email,
        requester_name: None,
        email: Some("usager@exemple.fr".into()),
        postal_address: None,
        postal_code: None,
        language: "fr".into(),
        received_on,
        reply_days: 15,
        status: ComplaintStatus::AccuseEnvoye,
        acknowledged_on: Some(received_on),
        created_at: Utc::now(),
        created_by: None,
        token_nonce: nonce.map(str::to_string),
        acknowledgement: Some(NewEmail { to: "usager@exemple.fr".into(), subject: "Accusé {reference}".into(), body: "Référence {reference}.".into() }),
    }
}

async fn filed(store: &DynStore, c: &NewComplaint) -> (i64, String) {
    match store.file_complaint(c).await.unwrap() {
        FileOutcome::Filed { id, reference } => (id, reference),
        other => panic!("not filed: {other:?}"),
    }
}

async fn site_ids(store: &DynStore) -> (i64, i64, i64) {
    let sites = store.list_sites().await.unwrap();
    let id = |slug: &str| sites.iter().find(|s| s.slug == slug).unwrap().id;
    (id("evry"), id("palaiseau"), id("etampes"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn references_are_sequential_per_prefix_and_year_and_never_reused() {
    let (s, db) = fresh_store().await;
    let (evry, palaiseau, _) = site_ids(&s).await;
    let rec = |y| new_complaint(ComplaintKind::Reclamation, evry, day(y, 3, 1), None);
    assert_eq!(filed(&s, &rec(2026)).await.1, "REC-2026-000001");
    assert_eq!(filed(&s, &rec(2026)).await.1, "REC-2026-000002");
    assert_eq!(filed(&s, &new_complaint(ComplaintKind::Suggestion, palaiseau, day(2026, 3, 1), None)).await.1, "SUG-2026-000001");
    assert_eq!(filed(&s, &rec(2027)).await.1, "REC-2027-000001", "a new year starts again at 1");
    // The year is the day of receipt's, not the filing time's.
    assert_eq!(filed(&s, &rec(2025)).await.1, "REC-2025-000001");

    // Deleting the last one does not free its number.
    let (id3, r3) = filed(&s, &rec(2026)).await;
    assert_eq!(r3, "REC-2026-000003");
    execute_sql(&db.url, &format!("DELETE FROM complaints WHERE id = {id3}")).await;
    assert!(s.complaint_by_reference("REC-2026-000003").await.unwrap().is_none());
    assert_eq!(filed(&s, &rec(2026)).await.1, "REC-2026-000004");

    // A used nonce stores nothing, returns the first reference and burns no number.
    let (_, with_nonce) = filed(&s, &new_complaint(ComplaintKind::Reclamation, evry, day(2026, 3, 2), Some("nonce-1"))).await;
    assert_eq!(with_nonce, "REC-2026-000005");
    let before = s.list_outbox(100).await.unwrap().len();
    assert_eq!(
        s.file_complaint(&new_complaint(ComplaintKind::Suggestion, palaiseau, day(2026, 3, 2), Some("nonce-1"))).await.unwrap(),
        FileOutcome::AlreadyFiled { reference: Some(with_nonce.clone()) }
    );
    assert_eq!(s.list_outbox(100).await.unwrap().len(), before, "no second acknowledgement");
    assert_eq!(filed(&s, &new_complaint(ComplaintKind::Suggestion, palaiseau, day(2026, 3, 2), None)).await.1, "SUG-2026-000002");

    // Concurrent filings all get distinct, consecutive numbers.
    let handles: Vec<_> = (0..10)
        .map(|_| {
            let s = s.clone();
            tokio::spawn(async move { filed(&s, &new_complaint(ComplaintKind::Reclamation, evry, day(2026, 5, 1), None)).await.1 })
        })
        .collect();
    let mut refs = Vec::new();
    for h in handles {
        refs.push(h.await.unwrap());
    }
    refs.sort();
    let expected: Vec<String> = (6..=15).map(|n| format!("REC-2026-{n:06}")).collect();
    assert_eq!(refs, expected);

    // The acknowledgement got the reference filled in.
    let c = s.complaint_by_reference("REC-2026-000001").await.unwrap().unwrap();
    let emails = s.complaint_emails(c.id).await.unwrap();
    assert_eq!(emails.len(), 1);
    assert_eq!((emails[0].subject.as_str(), emails[0].body.as_str()), ("Accusé REC-2026-000001", "Référence REC-2026-000001."));
    // First history entries: filed, then acknowledged.
    let events = s.complaint_events(c.id).await.unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["depot", "accuse"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn site_scope_hides_other_sites_complaints() {
    let (s, _db) = fresh_store().await;
    let (evry, palaiseau, etampes) = site_ids(&s).await;
    let (id, _) = filed(&s, &new_complaint(ComplaintKind::Reclamation, evry, day(2026, 3, 1), None)).await;
    let (other, _) = filed(&s, &new_complaint(ComplaintKind::Reclamation, palaiseau, day(2026, 3, 1), None)).await;
    assert!(s.complaint(id, &SiteScope::Sites(vec![palaiseau])).await.unwrap().is_none());
    assert!(s.complaint(id, &SiteScope::Sites(vec![])).await.unwrap().is_none());
    assert!(s.complaint(id, &SiteScope::Sites(vec![etampes, palaiseau])).await.unwrap().is_none());
    assert_eq!(s.complaint(id, &SiteScope::Sites(vec![evry])).await.unwrap().unwrap().id, id);
    assert_eq!(s.complaint(id, &SiteScope::All).await.unwrap().unwrap().site.slug, "evry");
    assert!(s.complaint(id + 1000, &SiteScope::All).await.unwrap().is_none());
    let listed = |scope: SiteScope| {
        let s = s.clone();
        async move { s.list_complaints(&scope, &ComplaintFilter::default(), 100).await.unwrap().into_iter().map(|c| c.id).collect::<Vec<_>>() }
    };
    assert_eq!(listed(SiteScope::Sites(vec![palaiseau])).await, vec![other]);
    assert_eq!(listed(SiteScope::Sites(vec![])).await, Vec::<i64>::new());
    assert_eq!(listed(SiteScope::All).await.len(), 2);
    // A change outside the scope is not applied.
    let user = s.create_user(&NewUser { email: "agent@essonne.gouv.fr".into(), display_name: "Agent".into(), password_hash: "$argon2id$x".into(), role: Role::Agent }, Utc::now()).await.unwrap();
    let change = status_change(id, ComplaintStatus::AccuseEnvoye, ComplaintStatus::EnCours, user);
    assert!(!s.change_complaint(&change, &SiteScope::Sites(vec![palaiseau])).await.unwrap());
    assert_eq!(s.complaint(id, &SiteScope::All).await.unwrap().unwrap().status, ComplaintStatus::AccuseEnvoye);
    assert!(s.change_complaint(&change, &SiteScope::Sites(vec![evry])).await.unwrap());
}

fn status_change(complaint_id: i64, from: ComplaintStatus, to: ComplaintStatus, user_id: i64) -> ComplaintChange {
    ComplaintChange {
        complaint_id,
        expected_status: from,
        new_status: to,
        user_id: Some(user_id),
        at: Utc::now(),
        action: "statut".into(),
        detail: Some("Pris en charge".into()),
        acknowledged_on: None,
        replied_on: None,
        reply_subject: None,
        reply_text: None,
        dismissal_reason: None,
        email: Some(NewEmail { to: "usager@exemple.fr".into(), subject: "Suivi".into(), body: "En cours".into() }),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_change_is_refused_and_records_nothing() {
    let (s, _db) = fresh_store().await;
    let (evry, _, _) = site_ids(&s).await;
    let user = s.create_user(&NewUser { email: "qualite2@essonne.gouv.fr".into(), display_name: "Qualité".into(), password_hash: "$argon2id$x".into(), role: Role::Agent }, Utc::now()).await.unwrap();
    let (id, _) = filed(&s, &new_complaint(ComplaintKind::Reclamation, evry, day(2026, 3, 1), None)).await;
    let before = (s.complaint(id, &SiteScope::All).await.unwrap().unwrap(), s.complaint_events(id).await.unwrap(), s.complaint_emails(id).await.unwrap());

    // The agent's page still showed "reçue"; the complaint is "accusé envoyé".
    let mut stale = status_change(id, ComplaintStatus::Recue, ComplaintStatus::SansSuite, user);
    stale.dismissal_reason = Some("Doublon".into());
    assert!(!s.change_complaint(&stale, &SiteScope::All).await.unwrap());
    let after = (s.complaint(id, &SiteScope::All).await.unwrap().unwrap(), s.complaint_events(id).await.unwrap(), s.complaint_emails(id).await.unwrap());
    assert_eq!(after, before, "nothing changed, no history entry, no e-mail queued");

    // With the right status it applies once; replaying the same change is then stale.
    let fresh = status_change(id, ComplaintStatus::AccuseEnvoye, ComplaintStatus::EnCours, user);
    assert!(s.change_complaint(&fresh, &SiteScope::All).await.unwrap());
    assert!(!s.change_complaint(&fresh, &SiteScope::All).await.unwrap());
    let c = s.complaint(id, &SiteScope::All).await.unwrap().unwrap();
    assert_eq!(c.status, ComplaintStatus::EnCours);
    assert_eq!(c.dismissal_reason, None);
    let events = s.complaint_events(id).await.unwrap();
    assert_eq!(events.len(), before.1.len() + 1);
    let last = events.last().unwrap();
    assert_eq!((last.action.as_str(), last.from_status, last.to_status), ("statut", Some(ComplaintStatus::AccuseEnvoye), Some(ComplaintStatus::EnCours)));
    assert_eq!(last.user_name.as_deref(), Some("Qualité"));
    assert_eq!(s.complaint_emails(id).await.unwrap().len(), before.2.len() + 1);

    // Two concurrent changes from the same status: exactly one wins.
    let a = status_change(id, ComplaintStatus::EnCours, ComplaintStatus::SansSuite, user);
    let b = a.clone();
    let (ra, rb) = tokio::join!(s.change_complaint(&a, &SiteScope::All), s.change_complaint(&b, &SiteScope::All));
    assert_eq!(u8::from(ra.unwrap()) + u8::from(rb.unwrap()), 1);
    assert_eq!(s.complaint_events(id).await.unwrap().len(), before.1.len() + 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_claims_are_leased() {
    let (s, _db) = fresh_store().await;
    let now: DateTime<Utc> = Utc::now();
    let lease = ChronoDuration::minutes(5);
    let id = s.enqueue_email(&NewEmail { to: "a@exemple.fr".into(), subject: "S".into(), body: "B".into() }, None, now).await.unwrap();

    let claimed = s.claim_outbox(now, lease, 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!((claimed[0].id, claimed[0].attempts, claimed[0].state), (id, 1, OutboxState::Pending));
    // A second claim at the same instant (another server) gets nothing, nor just before the lease ends.
    assert!(s.claim_outbox(now, lease, 10).await.unwrap().is_empty());
    assert!(s.claim_outbox(now + lease - ChronoDuration::seconds(1), lease, 10).await.unwrap().is_empty());
    // After the lease (the first sender crashed mid-send), it is claimed again.
    let later = now + lease + ChronoDuration::seconds(1);
    let again = s.claim_outbox(later, lease, 10).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!((again[0].id, again[0].attempts), (id, 2));

    // A failure pushes the next attempt; not claimed before it.
    let retry_at = later + ChronoDuration::seconds(30);
    s.outbox_failed(id, "SMTP error: connection refused", retry_at).await.unwrap();
    assert!(s.claim_outbox(retry_at - ChronoDuration::seconds(1), lease, 10).await.unwrap().is_empty());
    let listed = s.list_outbox(10).await.unwrap();
    assert_eq!((listed[0].attempts, listed[0].last_error.as_deref()), (2, Some("SMTP error: connection refused")));
    // Two concurrent claims at the same instant: one gets it.
    let (a, b) = tokio::join!(s.claim_outbox(retry_at, lease, 10), s.claim_outbox(retry_at, lease, 10));
    assert_eq!(a.unwrap().len() + b.unwrap().len(), 1);
    // Sent: never claimed again.
    s.outbox_sent(id, retry_at).await.unwrap();
    assert!(s.claim_outbox(retry_at + ChronoDuration::days(1), lease, 10).await.unwrap().is_empty());
    let sent = s.list_outbox(10).await.unwrap();
    assert_eq!((sent[0].state, sent[0].attempts, sent[0].last_error.as_deref()), (OutboxState::Sent, 3, None));

    // The limit is honoured, oldest first.
    for n in 0..5 {
        s.enqueue_email(&NewEmail { to: format!("b{n}@exemple.fr"), subject: "S".into(), body: "B".into() }, None, now + ChronoDuration::seconds(n)).await.unwrap();
    }
    let batch = s.claim_outbox(now + ChronoDuration::minutes(1), lease, 3).await.unwrap();
    let to: Vec<&str> = batch.iter().map(|e| e.to_address.as_str()).collect();
    assert_eq!(to, vec!["b0@exemple.fr", "b1@exemple.fr", "b2@exemple.fr"]);
}


#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_refused_for_good_is_given_up_and_kept() {
    let (store, _db) = fresh_store().await;
    let now = Utc::now();
    let bad = NewEmail { to: "pas une adresse".into(), subject: "Accusé".into(), body: "…".into() };
    let id = store.enqueue_email(&bad, None, now).await.unwrap();
    // No SMTP server needed: the recipient is refused before any connection.
    let mailer = app::mail::SmtpMailer::new(&app::mail::MailConfig { smtp_url: "smtp://127.0.0.1:9".into(), from: server::config::DEFAULT_MAIL_FROM.into() }).unwrap();
    let report = app::mail::deliver_due(&store, &mailer, now).await.unwrap();
    assert_eq!((report.sent, report.failed), (0, 1));
    let listed = store.list_outbox(10).await.unwrap();
    let e = listed.iter().find(|e| e.id == id).unwrap();
    assert_eq!(e.state, OutboxState::Failed);
    assert!(e.last_error.as_deref().unwrap_or_default().contains("recipient"), "{:?}", e.last_error);
    // Never claimed again, even much later.
    assert!(store.claim_outbox(now + ChronoDuration::days(2), ChronoDuration::minutes(5), 10).await.unwrap().is_empty());
}
