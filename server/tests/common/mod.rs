//! Test helpers: the real server on a random port against a fresh temporary SQLite file.

#![allow(dead_code)]

use leptos::config::LeptosOptions;
use server::config::Config;
use std::sync::Arc;
use std::time::Duration;
use app::store::sqlite::SqliteStore;
use app::store::DynStore;

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
    _dir: tempfile::TempDir,
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
    let database_url = options.database_url.clone().unwrap_or_else(|| format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display()));
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
                return TestApp { base, client, database_url, _dir: dir };
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server did not become healthy");
}

impl TestApp {
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
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).expect("selector");
    doc.select(&sel).next().map(|e| e.text().collect::<String>())
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
    Arc::new(SqliteStore::connect(&app.database_url).await.expect("second store handle"))
}

/// `value` attribute of the first element matching `selector`.
pub fn attr_of(html: &str, selector: &str, attr: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).expect("selector");
    doc.select(&sel).next().and_then(|e| e.value().attr(attr).map(str::to_string))
}
