//! Load and crash, against the real server binary (`CARGO_BIN_EXE_server`) on SQLite and on
//! PostgreSQL: concurrent visitors each open the survey (GET, one-time token) and send it (POST).
//!
//! - Under load, no request fails and every response that got its thank-you page is stored.
//! - Killed with SIGKILL in the middle of the load and restarted: every confirmed response is
//!   still there, the database opens cleanly, no response lacks its answers, the aggregates add
//!   up, and the service takes new responses.
//!
//! `make test` runs the short form (`LOAD_CLIENTS`, default 40, for `LOAD_SECONDS`, default 4).
//! `make load-test` runs the form: 200 clients for 60 s against the release binary, and
//! prints the figures of `BENCHMARKS.md` (throughput, p50/p99 latency, the raw insert rate of
//! the same database in the same run, server memory). Timings are printed, never asserted.

mod common;

use app::domain::survey_form::SurveyAnswers;
use app::store::{Channel, DynStore, NewResponse};
use common::*;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn clients() -> usize {
    env_number("LOAD_CLIENTS", 40) as usize
}

fn seconds() -> u64 {
    env_number("LOAD_SECONDS", 4)
}

/// `LOAD_THINK_MS` (default 0): how long a visitor takes to fill the form between the GET and
/// the POST, and to read the thank-you page before the next visit, in milliseconds (each pause
/// drawn uniformly between half and one and a half times it). 0 sends back to back: the server
/// is saturated and latency is mostly queueing. With a think time the clients are people, and
/// the latency is the server's own at that arrival rate.
fn think_ms() -> u64 {
    env_number("LOAD_THINK_MS", 0)
}

/// One visitor's pause ([`think_ms`]).
async fn think() {
    let ms = think_ms();
    if ms > 0 {
        let jittered = ms / 2 + rand::random::<u64>() % ms.max(1);
        tokio::time::sleep(Duration::from_millis(jittered)).await;
    }
}

/// The server binary: `LOAD_SERVER_BIN` (e.g. the release build), else the one Cargo built for
/// these tests.
fn server_bin() -> String {
    std::env::var("LOAD_SERVER_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_server").to_string())
}

/// A server process on a free port.
struct ServerProcess {
    child: Child,
    base: String,
    _site_root: tempfile::TempDir,
}

impl ServerProcess {
    async fn start(database_url: &str) -> ServerProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let site_root = tempfile::tempdir().unwrap();
        let log = std::fs::File::create(site_root.path().join("server.log")).unwrap();
        let child = Command::new(server_bin())
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_SITE_ROOT", site_root.path())
            .env("LEPTOS_OUTPUT_NAME", "avis")
            .env("LEPTOS_ENV", "PROD")
            // Every visitor comes from 127.0.0.1 here: the hourly limit per address would refuse them.
            .env("PUBLIC_FORM_LIMIT_PER_HOUR", "100000")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("server binary");
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        for _ in 0..300 {
            if let Ok(r) = client.get(format!("{base}/healthz")).send().await {
                if r.status().is_success() {
                    return ServerProcess { child, base, _site_root: site_root };
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let log = std::fs::read_to_string(site_root.path().join("server.log")).unwrap_or_default();
        panic!("the server did not start: {log}");
    }

    /// Resident memory (`VmRSS`) and its peak (`VmHWM`), in KiB.
    fn memory_kib(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let field = |name: &str| status.lines().find_map(|l| l.strip_prefix(name)).and_then(|v| v.split_whitespace().next()?.parse().ok()).unwrap_or(0);
        (field("VmRSS:"), field("VmHWM:"))
    }

    /// SIGKILL (no shutdown of any kind), then reaps the process.
    fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the visitors saw.
#[derive(Default)]
struct Tally {
    /// POSTs answered with the thank-you redirect.
    confirmed: AtomicU64,
    /// Requests answered with anything else (status) or failing while the server was up.
    failures: Mutex<Vec<String>>,
    /// Requests cut by the server's death (not failures: the visitor sees no confirmation).
    interrupted: AtomicU64,
    /// Latency of each confirmed POST, in microseconds.
    latencies: Mutex<Vec<u64>>,
    /// Latency of each successful GET of the form (the page render and a new token), in microseconds.
    page_latencies: Mutex<Vec<u64>>,
    /// Surveys that came back during a database outage with everything kept (then sent again).
    kept: AtomicU64,
}

/// What may happen to the server while the visitors run.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Nothing: every request must succeed.
    Steady,
    /// The server is killed: a visitor stops at the first cut connection.
    Dies,
    /// The database goes away for a while: a survey sent meanwhile must come back (503) with its
    /// answers and the same token, and the visitor sends it again after `Retry-After`.
    DatabaseOutage,
}

/// How long a visitor whose form was kept during an outage goes on sending it again after the
/// load's end before it counts as a failure.
const RESEND_GRACE: Duration = Duration::from_secs(60);

/// One visitor after another on one connection, until `until` (see [`Mode`]).
async fn visitor(client: reqwest::Client, base: String, until: Instant, tally: Arc<Tally>, mode: Mode) {
    let dies = mode == Mode::Dies;
    let form_url = format!("{base}/enquete/evry");
    let post_url = format!("{base}/enquete/evry/reponses");
    while Instant::now() < until {
        let opened = Instant::now();
        let page = match client.get(&form_url).send().await {
            Ok(r) if r.status() == 200 => {
                let page = r.text().await.unwrap_or_default();
                tally.page_latencies.lock().unwrap().push(opened.elapsed().as_micros() as u64);
                page
            }
            Ok(r) => {
                tally.failures.lock().unwrap().push(format!("GET {}", r.status()));
                continue;
            }
            Err(e) => {
                if dies {
                    tally.interrupted.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                tally.failures.lock().unwrap().push(format!("GET {e}"));
                continue;
            }
        };
        let Some(token) = token_in(&page) else {
            tally.failures.lock().unwrap().push("no token".into());
            continue;
        };
        think().await;
        loop {
            let started = Instant::now();
            match client.post(&post_url).header("origin", &base).form(&survey_answers(&token)).send().await {
                Ok(r) if r.status() == 303 && r.headers().get("location").is_some_and(|l| l == "/enquete/evry/merci") => {
                    tally.confirmed.fetch_add(1, Ordering::Relaxed);
                    tally.latencies.lock().unwrap().push(started.elapsed().as_micros() as u64);
                    think().await;
                }
                Ok(r) if mode == Mode::DatabaseOutage && r.status() == 503 && Instant::now() < until + RESEND_GRACE => {
                    let wait = r.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse().ok()).unwrap_or(10);
                    let page = r.text().await.unwrap_or_default();
                    if token_in(&page).as_deref() != Some(token.as_str()) || !page.contains("momentanément indisponible") || !page.contains("Très bon accueil 👍 شكرا") {
                        tally.failures.lock().unwrap().push("a 503 page without the visitor's answers, token and notice".into());
                        break;
                    }
                    tally.kept.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_secs(wait)).await;
                    continue; // sent again, as the notice asks
                }
                Ok(r) => tally.failures.lock().unwrap().push(format!("POST {}", r.status())),
                Err(e) => {
                    if dies {
                        tally.interrupted.fetch_add(1, Ordering::Relaxed);
                        return;
                    }
                    tally.failures.lock().unwrap().push(format!("POST {e}"));
                }
            }
            break;
        }
    }
}

/// Runs `clients()` visitors against `base` for `duration`.
async fn load(base: &str, duration: Duration, tally: &Arc<Tally>, mode: Mode) {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).pool_max_idle_per_host(clients()).build().unwrap();
    let until = Instant::now() + duration;
    let tasks: Vec<_> = (0..clients()).map(|_| tokio::spawn(visitor(client.clone(), base.to_string(), until, tally.clone(), mode))).collect();
    for t in tasks {
        t.await.unwrap();
    }
}

/// The `value` of the `<input name="token">` tag of a page (a string search: parsing every page
/// as HTML would make the load generator, not the server, the bottleneck on 2 cores).
fn token_in(page: &str) -> Option<String> {
    let at = page.find("name=\"token\"")?;
    let start = page[..at].rfind('<')?;
    let end = at + page[at..].find('>')?;
    let tag = &page[start..end];
    let value = tag.split("value=\"").nth(1)?;
    Some(value.split('"').next()?.to_string())
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

/// The raw insert rate of the store on its own (no HTTP, no page): `clients()` tasks inserting
/// complete responses with fresh tokens for `duration`; responses per second.
async fn raw_insert_rate(store: &DynStore, duration: Duration) -> f64 {
    let campaign = store.current_campaign(app::time::paris_day(chrono::Utc::now())).await.unwrap().expect("campaign");
    let site = store.site_by_slug("etampes").await.unwrap().unwrap();
    let fields: Vec<(String, String)> = survey_answers("x").into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let answers: SurveyAnswers = app::domain::survey_form::validate_answers(&campaign.questionnaire, &fields).expect("valid answers");
    let count = Arc::new(AtomicU64::new(0));
    let until = Instant::now() + duration;
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients())
        .map(|_| {
            let (store, count, campaign, answers) = (store.clone(), count.clone(), campaign.clone(), answers.clone());
            tokio::spawn(async move {
                while Instant::now() < until {
                    let response = NewResponse {
                        campaign_id: campaign.id,
                        site_id: site.id,
                        questionnaire_version_id: campaign.settings.questionnaire_version_id,
                        channel: Channel::Web,
                        language: "fr".into(),
                        submitted_at: chrono::Utc::now(),
                        dimensions: campaign.questionnaire.dimensions(&answers.choices),
                        answers: answers.clone(),
                        token_nonce: Some(format!("{:032x}", rand::random::<u128>())),
                        visit_code: None,
                    };
                    store.insert_response(&response).await.expect("raw insert");
                    count.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    count.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

async fn count(url: &str, sql: &str) -> u64 {
    query_i64(url, sql).await as u64
}

/// The database holds exactly whole responses: each with its answers, the aggregates adding up.
async fn assert_consistent(url: &str) {
    assert_eq!(count(url, "SELECT COUNT(*) FROM responses r WHERE NOT EXISTS (SELECT 1 FROM response_answers a WHERE a.response_id = r.id)").await, 0, "a response without its answers");
    assert_eq!(
        count(url, "SELECT CAST(COALESCE(SUM(respondents), 0) AS BIGINT) FROM response_day").await,
        count(url, "SELECT COUNT(*) FROM responses").await,
        "the aggregates add up to the responses"
    );
    if url.starts_with("sqlite:") {
        let rows = query_text(url, "PRAGMA integrity_check").await;
        assert_eq!(rows[0][0].as_deref(), Some("ok"), "{rows:?}");
    }
}

async fn load_and_check(db: TestDatabase, engine: &str) {
    let server = ServerProcess::start(&db.url).await;
    let at_rest = server.memory_kib();
    let tally = Arc::new(Tally::default());
    let duration = Duration::from_secs(seconds());
    let started = Instant::now();
    load(&server.base, duration, &tally, Mode::Steady).await;
    let elapsed = started.elapsed().as_secs_f64();
    let under_load = server.memory_kib();
    let failures = tally.failures.lock().unwrap().clone();
    assert!(failures.is_empty(), "{} failed requests, e.g. {:?}", failures.len(), &failures[..failures.len().min(5)]);
    let confirmed = tally.confirmed.load(Ordering::Relaxed);
    assert!(confirmed > 0);
    assert_eq!(count(&db.url, "SELECT COUNT(*) FROM responses").await, confirmed, "every confirmed response is stored, and only those");
    assert_consistent(&db.url).await;

    let mut latencies = tally.latencies.lock().unwrap().clone();
    latencies.sort_unstable();
    let mut page_latencies = tally.page_latencies.lock().unwrap().clone();
    page_latencies.sort_unstable();
    let store = server::open_store(&db.url).await.unwrap();
    let raw = raw_insert_rate(&store, Duration::from_secs(seconds().clamp(2, 10))).await;
    let rate = confirmed as f64 / elapsed;
    println!(
        "LOAD engine={engine} clients={} think_ms={} seconds={elapsed:.1} confirmed={confirmed} per_second={rate:.0} p50_ms={:.1} p99_ms={:.1} page_p50_ms={:.1} page_p99_ms={:.1} raw_inserts_per_second={raw:.0} ratio={:.0}% rss_rest_mib={:.1} rss_peak_mib={:.1}",
        clients(),
        think_ms(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        percentile(&page_latencies, 0.50),
        percentile(&page_latencies, 0.99),
        100.0 * rate / raw.max(1e-9),
        at_rest.0 as f64 / 1024.0,
        under_load.1 as f64 / 1024.0,
    );
}

async fn kill_mid_load_and_check(db: TestDatabase) {
    let mut server = ServerProcess::start(&db.url).await;
    let tally = Arc::new(Tally::default());
    let duration = Duration::from_secs(seconds() * 2);
    let base = server.base.clone();
    let visitors = {
        let tally = tally.clone();
        tokio::spawn(async move { load(&base, duration, &tally, Mode::Dies).await })
    };
    tokio::time::sleep(Duration::from_secs(seconds()).max(Duration::from_millis(1500))).await;
    server.kill();
    visitors.await.unwrap();
    let confirmed = tally.confirmed.load(Ordering::Relaxed);
    let failures = tally.failures.lock().unwrap().clone();
    assert!(failures.is_empty(), "{failures:?}");
    assert!(confirmed > 0, "the load ran before the kill");

    // Restarted on the same database: it opens (migrations, checks) and serves.
    let restarted = ServerProcess::start(&db.url).await;
    let stored = count(&db.url, "SELECT COUNT(*) FROM responses").await;
    assert!(stored >= confirmed, "{stored} stored < {confirmed} confirmed: a confirmed response was lost");
    // At most one unconfirmed response per visitor cut mid-request.
    assert!(stored <= confirmed + clients() as u64, "{stored} stored, {confirmed} confirmed");
    assert_consistent(&db.url).await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = client.get(format!("{}/enquete/evry", restarted.base)).send().await.unwrap().text().await.unwrap();
    let token = token_in(&page).unwrap();
    let r = client.post(format!("{}/enquete/evry/reponses", restarted.base)).header("origin", &restarted.base).form(&survey_answers(&token)).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(count(&db.url, "SELECT COUNT(*) FROM responses").await, stored + 1);
    println!("KILL confirmed={confirmed} stored={stored} interrupted={}", tally.interrupted.load(Ordering::Relaxed));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_under_load_stores_every_confirmed_response() {
    load_and_check(TestDatabase::new_sqlite(), "sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_under_load_stores_every_confirmed_response() {
    load_and_check(TestDatabase::new_postgres().await, "postgres").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_killed_mid_load_keeps_every_confirmed_response() {
    kill_mid_load_and_check(TestDatabase::new_sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_killed_mid_load_keeps_every_confirmed_response() {
    kill_mid_load_and_check(TestDatabase::new_postgres().await).await;
}

/// The machine's PostgreSQL cluster (the newest under `/etc/postgresql`), stopped or started with
/// `pg_ctlcluster` (root or the `postgres` user).
fn pg_cluster(action: &str) {
    let version = std::fs::read_dir("/etc/postgresql")
        .ok()
        .and_then(|dir| dir.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().to_string()).max())
        .expect("a PostgreSQL cluster under /etc/postgresql (pg_ctlcluster)");
    let mut command = Command::new("pg_ctlcluster");
    command.args(["--skip-systemctl-redirect", &version, "main", action]);
    if action == "stop" {
        command.args(["-m", "fast"]);
    }
    let status = command.status().expect("pg_ctlcluster");
    assert!(status.success(), "pg_ctlcluster {version} main {action}: {status}");
}

/// Starts the cluster again however the test ends.
struct ClusterRestart;

impl Drop for ClusterRestart {
    fn drop(&mut self) {
        if let Ok(dir) = std::fs::read_dir("/etc/postgresql") {
            for version in dir.filter_map(Result::ok) {
                let _ = Command::new("pg_ctlcluster").arg("--skip-systemctl-redirect").arg(version.file_name()).args(["main", "start"]).status();
            }
        }
    }
}

/// The by-hand fault: PostgreSQL itself stopped for 10 s in the middle of a load of at
/// least 30 s (`make fault-test` gives the visitors `LOAD_THINK_MS=500` on each page). Visitors who send meanwhile get
/// their survey back (503, answers and token kept) and send it again after `Retry-After`;
/// `/healthz` says 503 during the outage; once PostgreSQL is back the server serves again by
/// itself, and every survey is stored exactly once. Stops the machine's shared PostgreSQL, so it
/// is not part of `make test`: run it with `make fault-test`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "stops the machine's PostgreSQL: run by hand with `make fault-test`"]
async fn postgres_stopped_for_ten_seconds_under_load() {
    let db = TestDatabase::new_postgres().await;
    let server = ServerProcess::start(&db.url).await;
    let tally = Arc::new(Tally::default());
    let duration = Duration::from_secs(seconds().max(30));
    let visitors = {
        let (base, tally) = (server.base.clone(), tally.clone());
        tokio::spawn(async move { load(&base, duration, &tally, Mode::DatabaseOutage).await })
    };
    let health = reqwest::Client::new();
    let status = |base: String| {
        let health = health.clone();
        async move { health.get(format!("{base}/healthz")).send().await.map(|r| r.status().as_u16()).unwrap_or(0) }
    };

    tokio::time::sleep(Duration::from_secs(5)).await;
    let _restart = ClusterRestart;
    pg_cluster("stop");
    let stopped = Instant::now();
    let mut seen_down = None;
    while stopped.elapsed() < Duration::from_secs(10) {
        if seen_down.is_none() && status(server.base.clone()).await == 503 {
            seen_down = Some(stopped.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    pg_cluster("start");
    let started = Instant::now();
    let mut back = None;
    while started.elapsed() < Duration::from_secs(60) {
        if status(server.base.clone()).await == 200 {
            back = Some(started.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    visitors.await.unwrap();

    let failures = tally.failures.lock().unwrap().clone();
    assert!(failures.is_empty(), "{} failed requests, e.g. {:?}", failures.len(), &failures[..failures.len().min(5)]);
    let seen_down = seen_down.expect("/healthz said 503 while PostgreSQL was stopped");
    let back = back.expect("/healthz said 200 within 60 s of PostgreSQL's restart");
    let kept = tally.kept.load(Ordering::Relaxed);
    assert!(kept > 0, "visitors sent surveys during the outage");
    let confirmed = tally.confirmed.load(Ordering::Relaxed);
    assert_eq!(count(&db.url, "SELECT COUNT(*) FROM responses").await, confirmed, "every survey stored once, the kept ones included");
    assert_consistent(&db.url).await;
    println!(
        "FAULT engine=postgres clients={} think_ms={} stopped_s=10 healthz_503_after_ms={} healthz_200_after_restart_ms={} kept_and_resent={kept} confirmed={confirmed}",
        clients(),
        think_ms(),
        seen_down.as_millis(),
        back.as_millis(),
    );
}
