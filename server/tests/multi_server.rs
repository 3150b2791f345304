//! Two app servers on one PostgreSQL database (a multi-server deployment behind a load balancer):
//! the servers keep no state of their own that a visitor or staff member would notice.
//! Always PostgreSQL, whatever `TEST_DATABASE` says.

mod common;
#[path = "common/smtp.rs"]
mod smtp;

use common::*;
use smtp::SmtpSink;
use std::time::Duration;

/// Two servers on a fresh PostgreSQL database, both sending e-mail to `sink`.
async fn two_servers(sink: &SmtpSink) -> (TestApp, TestApp, TestDatabase) {
    let db = TestDatabase::new_postgres().await;
    let options = TestOptions { database_url: Some(db.url.clone()), smtp_url: Some(sink.smtp_url()), ..TestOptions::default() };
    let a = spawn_app_with(options.clone()).await;
    let b = spawn_app_with(options).await;
    (a, b, db)
}

/// The `name=value` of the session cookie a login on `app` sets.
async fn login_cookie(app: &TestApp) -> String {
    let r = app.post_form("/admin/connexion", &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)]).await;
    assert_eq!(r.status(), 303);
    let cookie = r.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).find(|c| c.starts_with("avis_session=")).expect("session cookie");
    cookie.split(';').next().unwrap().to_string()
}

/// `GET path` on `app` with exactly this `Cookie` header (another browser's session).
async fn get_with_cookie(app: &TestApp, path: &str, cookie: &str) -> reqwest::Response {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    client.get(format!("{}{path}", app.base)).header("cookie", cookie).send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_opened_on_one_server_is_valid_on_the_other_and_ends_on_both() {
    let sink = SmtpSink::start();
    let (a, b, _db) = two_servers(&sink).await;
    let cookie = login_cookie(&a).await;
    for app in [&a, &b] {
        let r = get_with_cookie(app, "/admin/reclamations", &cookie).await;
        assert_eq!(r.status(), 200, "logged in on {}", app.base);
    }
    // Logging out on B ends the session on A too.
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = client.post(format!("{}/admin/deconnexion", b.base)).header("cookie", &cookie).header("origin", &b.base).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = get_with_cookie(&a, "/admin/reclamations", &cookie).await;
    assert_eq!(r.status(), 303, "logged out everywhere");
    assert_eq!(r.headers()["location"], "/admin/connexion");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_survey_token_used_on_one_server_records_nothing_on_the_other() {
    let sink = SmtpSink::start();
    let (a, b, _db) = two_servers(&sink).await;
    // The form comes from A, is sent to B, then replayed to A and to B at once.
    let token = a.survey_token("evry").await;
    assert_eq!(b.post_form("/enquete/evry/reponses", &survey_answers(&token)).await.status(), 303);
    let form = survey_answers(&token);
    let (x, y) = tokio::join!(a.post_form("/enquete/evry/reponses", &form), b.post_form("/enquete/evry/reponses", &form));
    assert_eq!((x.status().as_u16(), y.status().as_u16()), (303, 303), "a replay shows the thank-you page");
    assert_eq!(a.respondents("evry").await, 1);
    assert_eq!(b.respondents("evry").await, 1);
    // A token of B is accepted by A (the key is shared through the database).
    let other = b.survey_token("palaiseau").await;
    assert_eq!(a.post_form("/enquete/palaiseau/reponses", &survey_answers(&other)).await.status(), 303);
    assert_eq!(b.respondents("palaiseau").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_servers_send_the_outbox_and_each_email_leaves_once() {
    let sink = SmtpSink::start();
    let (a, b, _db) = two_servers(&sink).await;
    const N: usize = 12;
    let mut references = Vec::new();
    for i in 0..N {
        let app = if i % 2 == 0 { &a } else { &b };
        let email = format!("usager{i}@exemple.fr");
        references.push(file_with(app, &[("reponse", "email"), ("email", &email)]).await);
    }
    let messages = sink.wait_for_messages(N, Duration::from_secs(30)).await;
    assert_eq!(messages.len(), N, "every acknowledgement arrives");
    // Both senders poll every 200 ms: several more rounds, still one message per complaint.
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let messages = sink.messages();
    assert_eq!(messages.len(), N, "nothing sent twice");
    for reference in &references {
        assert_eq!(messages.iter().filter(|m| m.contains(reference.as_str())).count(), 1, "{reference}");
    }
}
