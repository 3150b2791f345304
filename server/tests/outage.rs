//! The database unreachable for a while (PostgreSQL behind a TCP relay the test cuts, so the
//! machine's server, shared with other tests, keeps running): `/healthz` reports it, the public
//! forms still show, a visitor who sends one gets it back (503, `Retry-After`) with everything
//! typed and a notice, nothing is lost, and service resumes by itself. Always PostgreSQL.

mod common;

use common::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

/// A TCP relay to PostgreSQL that can be cut (every open connection dropped, new ones closed at
/// once) and restored.
struct Relay {
    port: u16,
    up: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<AbortHandle>>>,
}

impl Relay {
    async fn start(target: String) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let connections: Arc<Mutex<Vec<AbortHandle>>> = Arc::default();
        let (flag, list) = (up.clone(), connections.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !flag.load(Ordering::SeqCst) {
                    drop(inbound); // refused: the database is "down"
                    continue;
                }
                let target = target.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                list.lock().unwrap().push(task.abort_handle());
            }
        });
        Relay { port, up, connections }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for c in self.connections.lock().unwrap().drain(..) {
            c.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// `url` with its host and port replaced by the relay's.
fn through(url: &str, port: u16) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let (authority, path) = rest.split_once('/').unwrap();
    let user = authority.rsplit_once('@').map(|(u, _)| format!("{u}@")).unwrap_or_default();
    format!("{scheme}://{user}127.0.0.1:{port}/{path}")
}

/// The `host:port` of a PostgreSQL URL.
fn host_port(url: &str) -> String {
    let rest = url.split_once("://").unwrap().1;
    let authority = rest.split('/').next().unwrap();
    let host = authority.rsplit_once('@').map(|(_, h)| h).unwrap_or(authority);
    if host.contains(':') { host.to_string() } else { format!("{host}:5432") }
}

async fn wait_for_health(app: &TestApp, status: u16, within: Duration) -> Duration {
    let start = Instant::now();
    loop {
        let (s, _) = app.get("/healthz").await;
        if s == status {
            return start.elapsed();
        }
        assert!(start.elapsed() < within, "/healthz never answered {status}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_keeps_what_visitors_typed_and_service_resumes_by_itself() {
    let db = TestDatabase::new_postgres().await;
    let relay = Relay::start(host_port(&db.url)).await;
    let app = spawn_app_with(TestOptions { database_url: Some(through(&db.url, relay.port)), ..TestOptions::default() }).await;
    // Visitors open the forms while all is well.
    let survey_token = app.survey_token("evry").await;
    let complaint_token = complaint_token(&app).await;

    relay.cut();
    wait_for_health(&app, 503, Duration::from_secs(30)).await;
    let (_, health) = app.get("/healthz").await;
    assert!(health.contains("unavailable"), "{health}");

    // The survey is sent during the outage: the page comes back with every answer and a notice.
    let remark = "Très bon accueil 👍 شكرا";
    let r = app.post_form("/enquete/evry/reponses", &survey_answers(&survey_token)).await;
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "10");
    let body = r.text().await.unwrap();
    assert!(body.contains("momentanément indisponible"), "{body}");
    assert_eq!(select(&body, "input#q_satisfaction_globale-tres_satisfait[checked]").len(), 1, "{body}");
    assert_eq!(select(&body, "input#q_demarche-titre_sejour[checked]").len(), 1);
    assert_eq!(text_of(&body, "textarea[name=q_remarque]").as_deref(), Some(remark));
    assert_eq!(attr_of(&body, "input[name=token]", "value").as_deref(), Some(survey_token.as_str()), "the same, unused token");

    // So is a complaint.
    let message = "Trois heures d'attente au guichet, مرحبا";
    let fields = with(form(&complaint_token), "message", message);
    let r = app.post_form("/reclamation/envoi", &fields).await;
    assert_eq!(r.status(), 503);
    let body = r.text().await.unwrap();
    assert!(body.contains("momentanément indisponible"), "{body}");
    assert_eq!(text_of(&body, "textarea#message").as_deref(), Some(message));

    // A visitor arriving now still gets the survey (questionnaire as last read).
    let (status, page) = app.get("/enquete/palaiseau").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(select(&page, "input[name=token]").len(), 1);

    // The database is back: the server reconnects by itself, and the forms sent again are
    // recorded once each.
    relay.restore();
    wait_for_health(&app, 200, Duration::from_secs(30)).await;
    assert_eq!(app.post_form("/enquete/evry/reponses", &survey_answers(&survey_token)).await.status(), 303);
    assert_eq!(app.post_form("/enquete/evry/reponses", &survey_answers(&survey_token)).await.status(), 303);
    assert_eq!(app.respondents("evry").await, 1);
    let location = file_ok(&app, &fields).await;
    let store = store_of(&app).await;
    let filed = store.complaint_by_reference(&reference_of(&location)).await.unwrap().expect("filed");
    assert_eq!(filed.message, message);
}
