//! Security hardening over HTTP (issue 5): the Content-Security-Policy and its per-request nonce,
//! HSTS over HTTPS, the public forms' honeypot and hourly limits (polite, nothing lost), and
//! visitor text shown as text wherever staff see it.

mod common;
use app::form_guard::PublicLimits;
use common::*;
use std::num::NonZeroU32;

/// The nonce of a `Content-Security-Policy` header value.
fn nonce_of(csp: &str) -> String {
    let start = csp.find("'nonce-").expect("a nonce in the policy") + "'nonce-".len();
    csp[start..].split('\'').next().expect("nonce").to_string()
}

/// Checks that `body`'s inline scripts all carry the nonce of `csp`, and that there is at least
/// one (the hydration script).
fn scripts_carry_the_nonce(csp: &str, body: &str) {
    let nonce = nonce_of(csp);
    assert!(nonce.len() >= 22, "128 bits of nonce: {nonce}");
    let doc = scraper::Html::parse_document(body);
    let sel = scraper::Selector::parse("script").expect("selector");
    // An empty inline script (leptos_i18n writes one as a hydration placeholder) never runs:
    // browsers stop preparing it before the CSP check, so it needs no nonce.
    let scripts: Vec<_> = doc.select(&sel).filter(|s| s.value().attr("src").is_some() || !s.inner_html().trim().is_empty()).collect();
    assert!(!scripts.is_empty(), "the page has its hydration script");
    for s in scripts {
        assert_eq!(s.value().attr("nonce"), Some(nonce.as_str()), "script without the request's nonce: {}", s.html());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_has_a_strict_policy_and_nonced_scripts() {
    let app = spawn_app().await;
    let mut nonces = Vec::new();
    for path in ["/", "/enquete/evry", "/reclamation", "/suivi", "/admin/connexion"] {
        let r = app.client.get(format!("{}{path}", app.base)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let csp = r.headers()["content-security-policy"].to_str().unwrap().to_string();
        assert!(csp.contains("script-src 'self' 'nonce-"), "{csp}");
        assert!(!csp.contains("unsafe-inline") && !csp.contains(" 'unsafe-eval'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"), "{csp}");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
        assert_eq!(r.headers()["referrer-policy"], "same-origin");
        assert!(r.headers().get("strict-transport-security").is_none(), "no HSTS over plain HTTP");
        let body = r.text().await.unwrap();
        assert!(!body.contains(" style=\""), "{path}: an inline style attribute would break style-src");
        scripts_carry_the_nonce(&csp, &body);
        nonces.push(nonce_of(&csp));
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 5, "a fresh nonce per response");

    // A page rendered in answer to a plain POST (422) gets the same treatment.
    let token = app.survey_token("evry").await;
    let fields: Vec<_> = survey_answers(&token).into_iter().filter(|(k, _)| *k != "q_satisfaction_globale").collect();
    let r = app.post_form("/enquete/evry/reponses", &fields).await;
    assert_eq!(r.status(), 422);
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_string();
    scripts_carry_the_nonce(&csp, &r.text().await.unwrap());

    // And the staff pages, once logged in.
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    for path in ["/admin", "/admin/reclamations", "/admin/rapport"] {
        let r = app.client.get(format!("{}{path}", app.base)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let csp = r.headers()["content-security-policy"].to_str().unwrap().to_string();
        let body = r.text().await.unwrap();
        assert!(!body.contains(" style=\""), "{path}: inline style attribute");
        scripts_carry_the_nonce(&csp, &body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hsts_is_sent_when_served_over_https() {
    let app = spawn_app_with(TestOptions { secure_cookies: true, ..Default::default() }).await;
    let r = app.client.get(format!("{}/", app.base)).send().await.unwrap();
    assert_eq!(r.headers()["strict-transport-security"], "max-age=63072000");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filled_honeypot_stores_nothing_and_keeps_the_answers() {
    let app = spawn_app().await;
    let (_, page) = app.get("/enquete/evry").await;
    // The field is there, hidden from people and assistive technologies.
    assert_eq!(select(&page, ".hp-field[aria-hidden=true] input[name=site_web][tabindex='-1'][autocomplete=off]").len(), 1);

    let token = app.survey_token("evry").await;
    let filled = with(survey_answers(&token), "site_web", "http://promo.example");
    let r = app.post_form("/enquete/evry/reponses", &filled).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("un champ invisible"), "{body}");
    assert_eq!(select(&body, "input#q_satisfaction_globale-tres_satisfait[checked]").len(), 1, "answers kept");
    assert!(text_of(&body, "textarea[name=q_remarque]").unwrap().contains("شكرا"));
    assert!(!body.contains("promo.example"), "the honeypot value is not sent back");
    assert_eq!(app.respondents("evry").await, 0);
    // The token was not used: the same form sent again without the honeypot is recorded.
    let r = app.post_form("/enquete/evry/reponses", &survey_answers(&token)).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.respondents("evry").await, 1);

    // Same for the complaint box and the tracking look-up.
    let token = complaint_token(&app).await;
    let message = "Guichet fermé sans prévenir — مغلق";
    let fields = with(with(form(&token), "message", message), "site_web", "x");
    let r = app.post_form("/reclamation/envoi", &fields).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("un champ invisible"));
    assert!(text_of(&body, "textarea[name=message]").unwrap().contains(message));
    let store = store_of(&app).await;
    let r = app.post_form("/suivi", &[("reference", "REC-2026-000001"), ("contact", "a@b.fr"), ("site_web", "x")]).await;
    assert_eq!(r.status(), 422);
    let reference = reference_of(&file_ok(&app, &with(form(&token), "message", message)).await);
    let filed = store.complaint_by_reference(&reference).await.unwrap().expect("filed with the same token");
    assert_eq!(filed.message, message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_hourly_limit_the_visitor_is_told_politely_and_keeps_everything() {
    let limits = PublicLimits { submissions_per_hour: NonZeroU32::new(2).unwrap(), tracking_per_hour: NonZeroU32::new(1).unwrap() };
    let app = spawn_app_with(TestOptions { public_limits: Some(limits), ..Default::default() }).await;
    for _ in 0..2 {
        let token = app.survey_token("palaiseau").await;
        assert_eq!(app.post_form("/enquete/palaiseau/reponses", &survey_answers(&token)).await.status(), 303);
    }
    let token = app.survey_token("palaiseau").await;
    let r = app.post_form("/enquete/palaiseau/reponses", &survey_answers(&token)).await;
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((60..=1800).contains(&wait), "{wait}");
    let body = r.text().await.unwrap();
    assert!(body.contains("beaucoup d&#x27;envois") || body.contains("beaucoup d'envois"), "{body}");
    assert!(body.contains("Merci de réessayer dans 30 minute(s)"), "one more every 30 minutes at 2 an hour: {body}");
    assert!(text_of(&body, "textarea[name=q_remarque]").unwrap().contains("شكرا"), "answers kept");
    assert_eq!(attr_of(&body, "input[name=token]", "value").as_deref(), Some(token.as_str()), "same token, still unused");
    assert_eq!(app.respondents("palaiseau").await, 2);

    // The complaint form counts with the survey (same address, same hour).
    let ctoken = complaint_token(&app).await;
    let r = app.post_form("/reclamation/envoi", &with(form(&ctoken), "nom", "Zoé Ödegaard")).await;
    assert_eq!(r.status(), 429);
    let body = r.text().await.unwrap();
    assert_eq!(attr_of(&body, "input[name=nom]", "value").as_deref(), Some("Zoé Ödegaard"));
    assert!(text_of(&body, "textarea[name=message]").unwrap().contains("Trois heures d'attente au guichet."));

    // Tracking has its own, lower limit.
    let lookup = [("reference", "REC-2026-000009"), ("contact", "personne@example.fr")];
    assert_eq!(app.post_form("/suivi", &lookup).await.status(), 404);
    let r = app.post_form("/suivi", &lookup).await;
    assert_eq!(r.status(), 429);
    let body = r.text().await.unwrap();
    assert_eq!(attr_of(&body, "input[name=reference]", "value").as_deref(), Some("REC-2026-000009"));
    assert!(body.contains("Merci de réessayer dans 60 minute(s)"), "{body}");
}

const SCRIPT: &str = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitor_text_is_shown_as_text_in_staff_pages_and_exports() {
    let app = spawn_app().await;
    let name = format!("Jean {SCRIPT}");
    let message = format!("Bonjour {SCRIPT} fin");
    let reference = file_with(&app, &[("nom", &name), ("message", &message), ("reponse", "email"), ("email", "jean@example.fr")]).await;
    let store = store_of(&app).await;
    let id = store.complaint_by_reference(&reference).await.unwrap().unwrap().id;
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    for path in ["/admin/reclamations".to_string(), format!("/admin/reclamations/{id}")] {
        let (status, body) = app.get(&path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!body.contains("<script>alert(1)") && !body.contains("<img src=x"), "{path} renders visitor text as HTML");
        assert!(select(&body, "img[src=x]").is_empty(), "{path}");
    }
    let (_, detail) = app.get(&format!("/admin/reclamations/{id}")).await;
    assert!(text_of(&detail, "main").unwrap().contains(&message), "the message is shown as typed");
    let r = app.client.get(format!("{}/admin/export/reclamations?campagne=toutes&format=csv", app.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert_eq!(r.headers()["x-content-type-options"], "nosniff", "never sniffed as HTML");
    let csv = r.text().await.unwrap();
    assert!(csv.contains("<script>alert(1)</script>"), "kept verbatim in the CSV, which is data, not HTML");
}

/// The `avis_session` value of a `Set-Cookie` header, if the response sets it.
fn session_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|c| c.strip_prefix("avis_session=").map(|rest| rest.split(';').next().unwrap_or_default().to_string()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_id_is_renewed_at_login_and_destroyed_at_logout() {
    let app = spawn_app().await;
    // A bare client: cookies are sent by hand.
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let login = |cookie: Option<String>| {
        let mut req = client.post(format!("{}/admin/connexion", app.base)).header("origin", &app.base).form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)]);
        if let Some(c) = cookie {
            req = req.header("cookie", format!("avis_session={c}"));
        }
        req.send()
    };
    let admin_with = |cookie: String| client.get(format!("{}/admin", app.base)).header("cookie", format!("avis_session={cookie}")).send();

    // A session id planted by someone else (fixation) is never the one logged in.
    let planted = "AAAAAAAAAAAAAAAAAAAAAA".to_string();
    let r = login(Some(planted.clone())).await.unwrap();
    assert_eq!(r.status(), 303);
    let first = session_cookie(&r).expect("a session cookie at login");
    assert_ne!(first, planted);
    assert_eq!(admin_with(planted).await.unwrap().status(), 303, "the planted id gives no access");
    assert_eq!(admin_with(first.clone()).await.unwrap().status(), 200);

    // Logging in again from a logged-in session issues another id; the old one is gone.
    let r = login(Some(first.clone())).await.unwrap();
    let second = session_cookie(&r).expect("a new session cookie");
    assert_ne!(second, first);
    assert_eq!(admin_with(first).await.unwrap().status(), 303, "the previous id no longer works");
    assert_eq!(admin_with(second.clone()).await.unwrap().status(), 200);

    // Logout destroys the session on the server: replaying its cookie leads to the login page.
    let r = client.post(format!("{}/admin/deconnexion", app.base)).header("origin", &app.base).header("cookie", format!("avis_session={second}")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = admin_with(second).await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/admin/connexion"));
}
