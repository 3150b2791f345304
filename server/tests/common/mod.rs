//! Test helpers: the real server on a random port against a fresh database.
//!
//! The database engine is chosen by `TEST_DATABASE`: `sqlite` (default: a temporary file) or
//! `postgres` (a new database on `TEST_POSTGRES_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`, dropped when the test ends). `make unit` runs the
//! integration tests once with each, so every store operation is checked against both engines.

#![allow(dead_code)]

use leptos::config::LeptosOptions;
use server::config::Config;
use std::time::Duration;
use app::store::DynStore;
use server::database::Backend;
use sqlx::Connection;

/// Bootstrap admin of every test server.
pub const ADMIN_EMAIL: &str = "qualite@essonne.gouv.fr";
/// Its password.
pub const ADMIN_PASSWORD: &str = "mot de passe très long";

/// A running server.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// Client without redirects (to see 303s) and with a cookie jar.
    pub client: reqwest::Client,
    /// The database URL (to open a second handle).
    pub database_url: String,
    _db: Option<TestDatabase>,
    _dir: tempfile::TempDir,
}

/// The engine the tests run against (`TEST_DATABASE`: `sqlite`, the default, or `postgres`).
pub fn backend() -> Backend {
    match std::env::var("TEST_DATABASE").unwrap_or_default().as_str() {
        "postgres" | "postgresql" | "pg" => Backend::Postgres,
        "" | "sqlite" => Backend::Sqlite,
        other => panic!("TEST_DATABASE={other:?}: expected sqlite or postgres"),
    }
}

/// The PostgreSQL server's maintenance URL (`TEST_POSTGRES_URL`).
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// A database created for one test: a temporary SQLite file, or a PostgreSQL database of its
/// own (created empty, dropped with `WITH (FORCE)` when this value is dropped).
pub struct TestDatabase {
    /// URL to give the server.
    pub url: String,
    postgres_name: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    /// A fresh, empty database of the engine [`backend`] names.
    pub async fn new() -> Self {
        match backend() {
            Backend::Sqlite => Self::new_sqlite(),
            Backend::Postgres => Self::new_postgres().await,
        }
    }

    /// A fresh SQLite file, whatever `TEST_DATABASE` says.
    pub fn new_sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        Self { url: format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display()), postgres_name: None, _dir: Some(dir) }
    }

    /// A fresh, empty PostgreSQL database, whatever `TEST_DATABASE` says (multi-server tests).
    pub async fn new_postgres() -> Self {
        static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("avis_test_{}_{}_{:08x}", std::process::id(), n, rand::random::<u32>());
        let admin = postgres_admin_url();
        let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap_or_else(|e| panic!("PostgreSQL at {admin}: {e} (is it running? see README, Tests)"));
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create test database");
        let _ = conn.close().await;
        let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).expect("database URL with a /database part");
        Self { url: format!("{base}/{name}"), postgres_name: Some(name), _dir: None }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(name) = self.postgres_name.take() {
            let admin = postgres_admin_url();
            // A thread of its own: Drop cannot await, and the test's runtime may be shutting down.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                rt.block_on(async {
                    if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await;
                    }
                });
            })
            .join();
        }
    }
}

/// A migrated store on a fresh database of the engine [`backend`] names (store-level tests).
pub async fn fresh_store() -> (DynStore, TestDatabase) {
    let db = TestDatabase::new().await;
    let opened = server::open_database(&db.url).await.expect("open test database");
    (opened.store, db)
}

/// Options of a test server.
#[derive(Clone, Debug, Default)]
pub struct TestOptions {
    /// `SMTP_URL` (none: e-mail stays in the outbox).
    pub smtp_url: Option<String>,
    /// Failed-login policy (none: the production defaults).
    pub login_throttle: Option<app::domain::throttle::ThrottlePolicy>,
    /// `TRUST_PROXY`.
    pub trust_proxy: bool,
    /// Another server's database URL, to run a second server on the same database (none: a
    /// fresh temporary database).
    pub database_url: Option<String>,
    /// Public-form limits (none: 10,000 an hour, so that tests posting many forms from
    /// 127.0.0.1 are not limited; the limit has tests of its own).
    pub public_limits: Option<app::form_guard::PublicLimits>,
    /// `COOKIE_SECURE` (served over HTTPS).
    pub secure_cookies: bool,
    /// Absolute session lifetime (none: the production default, 12 hours).
    pub session_max_age: Option<chrono::TimeDelta>,
    /// `RETENTION_MONTHS` (none: 12).
    pub retention_months: Option<u32>,
    /// `KIOSK_IDLE_SECONDS` / `KIOSK_WARNING_SECONDS` (none: 90 and 30).
    pub kiosk: Option<app::domain::kiosk::KioskTimings>,
    /// `PUBLIC_BASE_URL` (none: from the request's `Host`).
    pub public_base_url: Option<String>,
}

/// Starts the server on a random port with a fresh database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(TestOptions::default()).await
}

/// Starts the server on a random port with a fresh database and these options.
pub async fn spawn_app_with(options: TestOptions) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = match &options.database_url {
        Some(_) => None,
        None => Some(TestDatabase::new().await),
    };
    let database_url = options.database_url.clone().unwrap_or_else(|| db.as_ref().expect("database").url.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let leptos_options = LeptosOptions::builder().output_name("avis").site_root(dir.path().to_string_lossy().to_string()).site_addr(addr).build();
    let config = Config {
        database_url: database_url.clone(),
        leptos_options,
        secure_cookies: options.secure_cookies,
        bootstrap_admin: Some((ADMIN_EMAIL.into(), ADMIN_PASSWORD.into())),
        default_target: 150,
        reply_days: 15,
        calendar: app::domain::calendar::WorkingCalendar::france(),
        smtp_url: options.smtp_url.clone(),
        mail_from: server::config::DEFAULT_MAIL_FROM.to_string(),
        outbox_poll: Duration::from_millis(200),
        trust_proxy: options.trust_proxy,
        login_throttle: options.login_throttle.clone().unwrap_or_default(),
        public_limits: options.public_limits.unwrap_or(app::form_guard::PublicLimits {
            submissions_per_hour: std::num::NonZeroU32::new(10_000).expect("non-zero"),
            tracking_per_hour: std::num::NonZeroU32::new(10_000).expect("non-zero"),
        }),
        session_max_age: options.session_max_age.unwrap_or(chrono::TimeDelta::hours(i64::from(app::domain::account::DEFAULT_SESSION_MAX_HOURS))),
        retention_months: options.retention_months.unwrap_or(12),
        kiosk: options.kiosk.unwrap_or_default(),
        public_base_url: options.public_base_url.clone(),
    };
    tokio::spawn(async move {
        if let Err(e) = server::serve(config, listener).await {
            panic!("server failed: {e}");
        }
    });
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().expect("client");
    let base = format!("http://{addr}");
    for _ in 0..200 {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await {
            if r.status().is_success() {
                return TestApp { base, client, database_url, _db: db, _dir: dir };
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server did not become healthy");
}

impl TestApp {
    /// The server's site folder (`LEPTOS_SITE_ROOT`: empty at start), where static files are served from.
    pub fn site_root(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// Forgets every cookie (a new browser: logged out).
    pub fn fresh_cookie_jar(&mut self) {
        self.client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().expect("client");
    }

    /// GET a path, returns (status, body).
    pub async fn get(&self, path: &str) -> (u16, String) {
        let r = self.client.get(format!("{}{path}", self.base)).send().await.expect("GET");
        let status = r.status().as_u16();
        (status, r.text().await.expect("body"))
    }

    /// POST a urlencoded form from this origin; returns the response.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .header("accept", "text/html")
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// The one-time token of the survey form of `site`.
    pub async fn survey_token(&self, site: &str) -> String {
        let (status, body) = self.get(&format!("/enquete/{site}")).await;
        assert_eq!(status, 200, "{body}");
        let doc = scraper::Html::parse_document(&body);
        let sel = scraper::Selector::parse("input[name=token]").expect("selector");
        doc.select(&sel).next().and_then(|e| e.value().attr("value")).expect("token input").to_string()
    }

    /// `GET /api/v1/results` as JSON.
    pub async fn results(&self) -> serde_json::Value {
        let r = self.client.get(format!("{}/api/v1/results", self.base)).send().await.expect("GET results");
        assert_eq!(r.status(), 200);
        r.json().await.expect("json")
    }

    /// Respondents of `site` in the results API.
    pub async fn respondents(&self, site: &str) -> u64 {
        let json = self.results().await;
        json["sites"].as_array().expect("sites").iter().find(|s| s["slug"] == site).expect("site")["respondents"].as_u64().expect("respondents")
    }
}

/// Parses HTML and returns the elements matching `selector`, as their outer HTML.
pub fn select(html: &str, selector: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).expect("selector");
    doc.select(&sel).map(|e| e.html()).collect()
}

/// Text content of the first element matching `selector`.
pub fn text_of(html: &str, selector: &str) -> Option<String> {
    texts_of(html, selector).into_iter().next()
}

/// Logs `email` in on `app`'s client (its cookie jar keeps the session).
pub async fn login(app: &TestApp, email: &str, password: &str) {
    let r = app.post_form("/admin/connexion", &[("email", email), ("password", password)]).await;
    assert_eq!(r.status(), 303, "login {email}: {}", r.text().await.unwrap_or_default());
}

// Survey helpers --------------------------------------------------------------------------------

/// A complete, valid set of survey answers with the one-time `token`.
pub fn survey_answers<'a>(token: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("token", token),
        ("lang", "fr"),
        ("q_satisfaction_globale", "tres_satisfait"),
        ("q_amabilite", "tout_a_fait"),
        ("q_simplicite_langage", "plutot_oui"),
        ("q_conseil", "sans_avis"),
        ("q_temps_attente", "15_30_min"),
        ("q_rendez_vous", "oui"),
        ("q_demarche", "titre_sejour"),
        ("q_remarque", "Très bon accueil 👍 شكرا"),
    ]
}

// Complaint box helpers ------------------------------------------------------------------------

/// The one-time token of the public complaint form, scraped from `GET /reclamation`.
pub async fn complaint_token(app: &TestApp) -> String {
    let (status, body) = app.get("/reclamation").await;
    assert_eq!(status, 200, "{body}");
    let doc = scraper::Html::parse_document(&body);
    let sel = scraper::Selector::parse("form[action='/reclamation/envoi'] input[type=hidden][name=token]").expect("selector");
    doc.select(&sel).next().and_then(|e| e.value().attr("value")).expect("token input").to_string()
}

/// A valid réclamation for Évry, no reply wanted.
pub fn form<'a>(token: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("token", token),
        ("lang", "fr"),
        ("type", "reclamation"),
        ("site", "evry"),
        ("demarche", "titre_sejour"),
        ("message", "Trois heures d'attente au guichet."),
        ("nom", ""),
        ("reponse", "aucune"),
        ("email", ""),
        ("adresse", ""),
        ("code_postal", ""),
    ]
}

/// `form` with `name` set to `value` (added if absent).
pub fn with<'a>(mut fields: Vec<(&'a str, &'a str)>, name: &'a str, value: &'a str) -> Vec<(&'a str, &'a str)> {
    match fields.iter_mut().find(|(k, _)| *k == name) {
        Some(f) => f.1 = value,
        None => fields.push((name, value)),
    }
    fields
}

/// The reference in a confirmation redirect `/reclamation/enregistree/{REF}?cle=…&courriel=…`.
pub fn reference_of(location: &str) -> String {
    let rest = location.strip_prefix("/reclamation/enregistree/").unwrap_or_else(|| panic!("not a confirmation link: {location}"));
    rest.split('?').next().expect("reference").to_string()
}

/// Posts the form; asserts a 303 to a confirmation page and returns its location.
pub async fn file_ok(app: &TestApp, fields: &[(&str, &str)]) -> String {
    let r = app.post_form("/reclamation/envoi", fields).await;
    let status = r.status().as_u16();
    let location = r.headers().get("location").map(|l| l.to_str().expect("location").to_string());
    let body = r.text().await.unwrap_or_default();
    assert_eq!(status, 303, "{body}");
    location.expect("location")
}

/// Files a fresh complaint (new token) with these field overrides; returns its reference.
pub async fn file_with(app: &TestApp, overrides: &[(&str, &str)]) -> String {
    let token = complaint_token(app).await;
    let mut fields = form(&token);
    for (k, v) in overrides {
        fields = with(fields, k, v);
    }
    reference_of(&file_ok(app, &fields).await)
}

/// A second handle on the test server's database.
pub async fn store_of(app: &TestApp) -> DynStore {
    server::open_store(&app.database_url).await.expect("second store handle")
}

/// `value` attribute of the first element matching `selector`.
pub fn attr_of(html: &str, selector: &str, attr: &str) -> Option<String> {
    attrs_of(html, selector, attr).into_iter().next()
}

/// `attr` attribute of every element matching `selector` that has it, in document order.
pub fn attrs_of(html: &str, selector: &str, attr: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).expect("selector");
    doc.select(&sel).filter_map(|e| e.value().attr(attr).map(str::to_string)).collect()
}

/// Text content of every element matching `selector`, in document order.
pub fn texts_of(html: &str, selector: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).expect("selector");
    doc.select(&sel).map(|e| e.text().collect::<String>()).collect()
}

/// Runs one SQL statement (no parameters) directly on the database of `url`, either engine:
/// for tests that put a database in a state the application never makes (e.g. a row deleted by
/// hand). Panics on error; see [`try_execute_sql`].
pub async fn execute_sql(url: &str, sql: &str) -> u64 {
    try_execute_sql(url, sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// [`execute_sql`] returning the database's error message instead of panicking.
pub async fn try_execute_sql(url: &str, sql: &str) -> Result<u64, String> {
    let done = match Backend::of_url(url).expect("database URL") {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(url).await.expect("SQLite connection");
            sqlx::query(sql).execute(&mut conn).await.map(|r| r.rows_affected())
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(url).await.expect("PostgreSQL connection");
            sqlx::query(sql).execute(&mut conn).await.map(|r| r.rows_affected())
        }
    };
    done.map_err(|e| e.to_string())
}

/// `text` as an SQL string literal (quotes doubled), for [`query_text`] and [`execute_sql`].
pub fn sql_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn cell<'r, R>(row: &'r R, i: usize) -> Option<String>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<bool>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<f64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<chrono::DateTime<chrono::Utc>>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<chrono::NaiveDate>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<Vec<u8>>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    if let Ok(v) = row.try_get::<Option<String>, _>(i) {
        return v;
    }
    if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
        return v.map(|n| n.to_string());
    }
    if let Ok(v) = row.try_get::<Option<bool>, _>(i) {
        return v.map(|b| if b { "1" } else { "0" }.to_string());
    }
    if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
        return v.map(|n| n.to_string());
    }
    if let Ok(v) = row.try_get::<Option<chrono::DateTime<chrono::Utc>>, _>(i) {
        return v.map(|t| t.to_rfc3339());
    }
    if let Ok(v) = row.try_get::<Option<chrono::NaiveDate>, _>(i) {
        return v.map(|d| d.to_string());
    }
    if let Ok(v) = row.try_get::<Option<Vec<u8>>, _>(i) {
        return v.map(|bytes| bytes.iter().map(|b| format!("{b:02x}")).collect());
    }
    panic!("column {i}: no text form")
}

/// Runs a query (no parameters: quote values with [`sql_quote`]) on the database of `url`,
/// either engine, and returns every cell as text (`None` for NULL; integers in decimal, booleans
/// `1`/`0`, timestamps in RFC 3339, days `YYYY-MM-DD`, bytes in hex).
pub async fn query_text(url: &str, sql: &str) -> Vec<Vec<Option<String>>> {
    use sqlx::Row;
    match Backend::of_url(url).expect("database URL") {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(url).await.expect("SQLite connection");
            let rows = sqlx::query(sql).fetch_all(&mut conn).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
            rows.iter().map(|r| (0..r.len()).map(|i| cell(r, i)).collect()).collect()
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(url).await.expect("PostgreSQL connection");
            let rows = sqlx::query(sql).fetch_all(&mut conn).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
            rows.iter().map(|r| (0..r.len()).map(|i| cell(r, i)).collect()).collect()
        }
    }
}

/// The first cell of [`query_text`] as an integer (e.g. a `COUNT(*)`).
pub async fn query_i64(url: &str, sql: &str) -> i64 {
    let rows = query_text(url, sql).await;
    let first = rows.first().and_then(|r| r.first()).cloned().flatten().unwrap_or_else(|| panic!("{sql}: no value"));
    first.parse().unwrap_or_else(|_| panic!("{sql}: {first:?} is not an integer"))
}

/// Every `table.column` of the application's tables (any type, read as text) whose value
/// contains `needle`, case-insensitively (both sides lower-cased), either engine.
pub async fn columns_containing(url: &str, needle: &str) -> Vec<String> {
    let listing = match Backend::of_url(url).expect("database URL") {
        Backend::Sqlite => "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid",
        Backend::Postgres => {
            "SELECT table_schema || '.' || table_name, column_name FROM information_schema.columns
             WHERE table_schema IN ('public', 'tower_sessions') ORDER BY table_schema, table_name, ordinal_position"
        }
    };
    let columns = query_text(url, listing).await;
    assert!(columns.len() > 50, "the scan sees the whole schema: {columns:?}");
    let mut found = Vec::new();
    for row in columns {
        let (table, column) = (row[0].clone().expect("table"), row[1].clone().expect("column"));
        let quoted_table = table.split('.').map(|part| format!("\"{part}\"")).collect::<Vec<_>>().join(".");
        let sql = format!(
            "SELECT COUNT(*) FROM {quoted_table} WHERE lower(CAST(\"{column}\" AS TEXT)) LIKE {} ESCAPE '\\'",
            sql_quote(&format!("%{}%", needle.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")))
        );
        if query_i64(url, &sql).await > 0 {
            found.push(format!("{table}.{column}"));
        }
    }
    found
}
