//! Login brute-force throttling over HTTP: failures counted per account and per client address in
//! the database, whatever the cookie, user agent, account or server; refused with 429 while
//! locked (password not checked, same message for known and unknown e-mails); the right password
//! works again after the delay and clears the account's counter.

mod common;
use app::domain::throttle::ThrottlePolicy;
use chrono::TimeDelta;
use common::*;
use std::time::Duration;

const WRONG: &str = "pas le bon mot de passe";
const THROTTLED: &str = "Trop de tentatives de connexion infructueuses";

/// A login attempt from a brand-new client (no cookie jar, its own user agent):
/// (status, Retry-After seconds, alert text, e-mail kept in the form).
async fn attempt(app: &TestApp, email: &str, password: &str, agent: &str) -> (u16, Option<u64>, String, Option<String>) {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).user_agent(agent).build().unwrap();
    let r = client
        .post(format!("{}/admin/connexion", app.base))
        .header("origin", &app.base)
        .header("accept", "text/html")
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let retry = r.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    let body = r.text().await.unwrap();
    let alert = text_of(&body, "#erreur-connexion").unwrap_or_default().trim().to_string();
    let kept = attr_of(&body, "input#email", "value");
    (status, retry, alert, kept)
}

fn short_delays(seconds: i64) -> ThrottlePolicy {
    ThrottlePolicy { base_delay: TimeDelta::seconds(seconds), max_delay: TimeDelta::seconds(seconds), ..ThrottlePolicy::default() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_is_throttled_whatever_the_client_then_opens_again_after_the_delay() {
    let app = spawn_app_with(TestOptions { login_throttle: Some(short_delays(5)), ..TestOptions::default() }).await;
    for i in 0..5 {
        let (status, retry, alert, _) = attempt(&app, ADMIN_EMAIL, WRONG, &format!("navigateur {i}")).await;
        assert_eq!((status, retry), (401, None), "failure {i}: {alert}");
    }
    // Locked: new cookie jars, other user agents, the e-mail in capitals — all refused, password unchecked.
    for (i, email) in [ADMIN_EMAIL, &ADMIN_EMAIL.to_uppercase(), &format!("  {ADMIN_EMAIL} ")].into_iter().enumerate() {
        let (status, retry, alert, kept) = attempt(&app, email, WRONG, &format!("autre navigateur {i}")).await;
        assert_eq!(status, 429, "{alert}");
        assert!(retry.is_some_and(|s| (1..=5).contains(&s)), "{retry:?}");
        assert!(alert.contains(THROTTLED) && alert.contains("réessayez dans 1 minute"), "{alert}");
        assert_eq!(kept.as_deref(), Some(email.trim()));
    }
    // Even the right password is refused during the delay.
    let (status, _, known_alert, _) = attempt(&app, ADMIN_EMAIL, ADMIN_PASSWORD, "le vrai navigateur").await;
    assert_eq!(status, 429);
    // Another server on the same database sees the same lock.
    let second = spawn_app_with(TestOptions { login_throttle: Some(short_delays(5)), database_url: Some(app.database_url.clone()), ..TestOptions::default() }).await;
    assert_eq!(attempt(&second, ADMIN_EMAIL, ADMIN_PASSWORD, "x").await.0, 429);

    // An e-mail without an account is locked the same way, with the very same message.
    for _ in 0..5 {
        assert_eq!(attempt(&app, "personne@example.fr", WRONG, "y").await.0, 401);
    }
    let (status, _, unknown_alert, _) = attempt(&app, "personne@example.fr", WRONG, "y").await;
    assert_eq!(status, 429);
    assert_eq!(unknown_alert, known_alert);

    // After the delay the right password works, and clears the account's counter.
    tokio::time::sleep(Duration::from_millis(5300)).await;
    let (status, _, alert, _) = attempt(&app, ADMIN_EMAIL, ADMIN_PASSWORD, "le vrai navigateur").await;
    assert_eq!(status, 303, "{alert}");
    let (status, _, _, _) = attempt(&app, ADMIN_EMAIL, WRONG, "z").await;
    assert_eq!(status, 401, "one failure after a success does not lock");
    assert_eq!(attempt(&app, ADMIN_EMAIL, ADMIN_PASSWORD, "z").await.0, 303);

    // Neither the e-mail nor the address is stored in clear.
    let subjects = query_text(&app.database_url, "SELECT subject FROM login_throttle").await;
    assert!(!subjects.is_empty());
    for s in subjects.into_iter().map(|row| row[0].clone().expect("subject")) {
        assert!(s.len() == 64 && s.chars().all(|c| c.is_ascii_hexdigit()), "{s}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_spread_over_accounts_are_throttled_by_address() {
    let app = spawn_app().await;
    // 20 failures from this address, 4 per account (below the account threshold of 5).
    for i in 0..20 {
        let email = format!("compte{}@essonne.gouv.fr", i / 4);
        let (status, _, alert, _) = attempt(&app, &email, WRONG, "robot").await;
        assert_eq!(status, 401, "failure {i}: {alert}");
    }
    // The 21st, on a fresh account, is refused; so is the admin's right password from here,
    // for a minute (the default first delay).
    let (status, retry, alert, _) = attempt(&app, "compte-neuf@essonne.gouv.fr", WRONG, "robot").await;
    assert_eq!(status, 429, "{alert}");
    assert!(retry.is_some_and(|s| (50..=60).contains(&s)), "{retry:?}");
    assert!(alert.contains("réessayez dans 1 minute"), "{alert}");
    assert_eq!(attempt(&app, ADMIN_EMAIL, ADMIN_PASSWORD, "navigateur").await.0, 429);
    // X-Forwarded-For is not trusted by default: claiming another address changes nothing.
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = client
        .post(format!("{}/admin/connexion", app.base))
        .header("origin", &app.base)
        .header("x-forwarded-for", "203.0.113.9")
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_the_forwarded_address_is_counted() {
    let app = spawn_app_with(TestOptions { trust_proxy: true, ..TestOptions::default() }).await;
    // Spread over accounts from one forwarded address: locked after 20, whatever the first
    // (client-supplied) entries of the header say.
    for i in 0..20 {
        let status = attempt_forwarded(&app, &format!("c{}@example.fr", i / 4), &format!("10.9.9.{i}, 198.51.100.7")).await;
        assert_eq!(status, 401, "failure {i}");
    }
    assert_eq!(attempt_forwarded(&app, "autre@example.fr", "198.51.100.7").await, 429);
    // Another client behind the same proxy is not affected.
    assert_eq!(attempt_forwarded(&app, "robot@example.fr", "198.51.100.8").await, 401);
}

/// A failed login from a new client whose request arrives with `X-Forwarded-For: xff`; the status.
async fn attempt_forwarded(app: &TestApp, email: &str, xff: &str) -> u16 {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    client
        .post(format!("{}/admin/connexion", app.base))
        .header("origin", &app.base)
        .header("x-forwarded-for", xff)
        .form(&[("email", email), ("password", WRONG)])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}
