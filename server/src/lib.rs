//! The axum server of Avis & Réclamations: configuration, database and session set-up, the router
//! (Leptos pages, server functions, plain HTTP routes), and the CLI's building blocks.

pub mod assets;
pub mod config;
pub mod database;
pub mod demo;
pub mod generate;
pub mod security;
pub mod seed;
pub mod transfer;

use app::auth::client::ClientKeys;
use app::state::{AppState, ComplaintSettings, SecuritySettings};
use app::store::StoreError;
use app::survey::token::FormTokens;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use config::Config;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use std::sync::Arc;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
pub use database::{open_database, open_store, Database, Sessions};

/// Errors at start-up.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Bad configuration.
    #[error("configuration: {0}")]
    Config(#[from] config::ConfigError),
    /// The database cannot be opened or migrated.
    #[error("database: {0}")]
    Store(#[from] StoreError),
    /// The session store cannot be set up.
    #[error("sessions: {0}")]
    Sessions(String),
    /// The bootstrap admin cannot be created.
    #[error("admin account: {0}")]
    Admin(#[from] seed::CreateUserError),
    /// The SMTP settings do not parse.
    #[error("e-mail: {0}")]
    Mail(#[from] app::mail::MailError),
    /// `DATABASE_URL` names no engine we support (shown without its password).
    #[error("DATABASE_URL {0:?} is neither sqlite://… nor postgres://…")]
    UnknownDatabase(String),
    /// The listening socket cannot be opened.
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
}

/// Opens the database, seeds first-start data (questionnaire, campaign, bootstrap admin) and
/// builds the application state.
///
/// # Errors
/// [`StartError`].
pub async fn prepare(config: &Config) -> Result<(AppState, Sessions), StartError> {
    let db = open_database(&config.database_url).await?;
    let now = chrono::Utc::now();
    seed::ensure_defaults(&db.store, app::time::paris_day(now), config.default_target, now).await?;
    seed::translate_stored_questionnaires(&db.store).await?;
    if let Some((email, password)) = &config.bootstrap_admin {
        seed::ensure_admin(&db.store, email, password).await?;
    }
    let key = db.store.secret("form_tokens").await?;
    let complaints = ComplaintSettings { reply_days: config.reply_days, calendar: config.calendar.clone(), smtp_configured: config.smtp_url.is_some(), retention_months: config.retention_months };
    let client_key = db.store.secret(app::auth::client::SECRET_NAME).await?;
    let security = SecuritySettings {
        keys: ClientKeys::new(&client_key),
        trust_proxy: config.trust_proxy,
        throttle: config.login_throttle.clone(),
        public_limiter: Arc::new(app::form_guard::PublicLimiter::new(config.public_limits)),
        session_max_age: config.session_max_age,
    };
    let public_url = app::state::PublicUrl { configured: config.public_base_url.clone(), https: config.secure_cookies };
    let state = AppState {
        store: db.store,
        tokens: FormTokens::new(&key),
        leptos_options: config.leptos_options.clone(),
        complaints,
        security,
        kiosk: config.kiosk,
        secure_cookies: config.secure_cookies,
        public_url,
        last_known: app::last_known::LastKnown::default(),
    };
    // What the public forms need during a database outage, read once now (then on every page).
    state.last_known.sites(&state.store).await?;
    state.last_known.current_campaign(&state.store, app::time::paris_day(now)).await?;
    Ok((state, db.sessions))
}

/// How long `/healthz` waits for the database: 2 s. Shorter than the pool's wait for a connection
/// (5 s on PostgreSQL), so that a load balancer polling it learns of an outage quickly.
pub const HEALTH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// `GET /healthz`: 200 `ok` when the database answers within [`HEALTH_TIMEOUT`], else 503
/// `database unavailable` (logged).
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    // The public pages' look-ups follow what this check finds (`app::last_known`).
    match tokio::time::timeout(HEALTH_TIMEOUT, state.store.ping()).await {
        Ok(Ok(())) => {
            state.last_known.database_answered();
            (StatusCode::OK, "ok")
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "health check failed");
            state.last_known.database_unreachable();
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
        Err(_) => {
            tracing::error!(seconds = HEALTH_TIMEOUT.as_secs(), "health check failed: the database did not answer in time");
            state.last_known.database_unreachable();
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

async fn server_fns(State(state): State<AppState>, req: Request<Body>) -> impl IntoResponse {
    handle_server_fns_with_context(move || app::state::provide_request_context(&state), req).await
}

/// The whole router: pages, server functions (`/srv/…`), plain routes, sessions, compression and
/// security layers.
pub fn router(state: AppState, sessions: Sessions, secure_cookies: bool) -> Router {
    let routes = generate_route_list(app::App);
    let session_layer = SessionManagerLayer::new(sessions)
        .with_name("avis_session")
        .with_secure(secure_cookies)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_expiry(Expiry::OnInactivity(tower_sessions::cookie::time::Duration::minutes(30)));
    let options = state.leptos_options.clone();
    let router = Router::new()
        .route("/healthz", get(healthz))
        // The islands' loader, named after its content (`app::islands`).
        .route(app::islands::loader_path(), get(app::islands::serve_loader))
        .route("/api/v1/results", get(app::survey::http::get_results))
        .route("/enquete/{site}/reponses", post(app::survey::http::post_survey))
        .route("/reclamation/envoi", post(app::complaints::http::post_complaint))
        .route("/suivi", post(app::complaints::http::post_tracking))
        .route("/admin/reclamations/saisie", post(app::complaints::staff::http::post_entry))
        .route("/admin/reclamations/{id}/statut", post(app::complaints::staff::http::post_status))
        .route("/admin/reclamations/{id}/reponse", post(app::complaints::staff::http::post_reply))
        .route("/admin/courriers-types/enregistrer", post(app::complaints::staff::http::post_template))
        .route("/admin/codes-visite/creer", post(app::codes::http::post_batch))
        .route("/admin/codes-visite/{batch}/codes.csv", get(app::codes::http::get_batch_csv))
        .route("/admin/export/reponses", get(app::dashboard::download::get_responses))
        .route("/admin/export/remarques", get(app::dashboard::download::get_remarks))
        .route("/admin/export/reclamations", get(app::dashboard::download::get_complaints))
        .route(
            "/admin/import",
            post(app::import::http::post_import).layer(axum::extract::DefaultBodyLimit::max(app::import::http::MAX_FILE_BYTES + 64 * 1024)),
        )
        .route("/admin/import/modele.csv", get(app::import::http::get_template))
        .route("/admin/rapport/actions", post(app::dashboard::actions::post_action))
        .route("/admin/campagnes/enregistrer", post(app::admin::http::post_campaign))
        .route("/admin/questionnaires/{id}/modifier", post(app::admin::http::post_questionnaire))
        .route("/admin/rapport/actions/supprimer", post(app::dashboard::actions::post_delete_action))
        .route("/admin/comptes/creer", post(app::accounts::http::post_create))
        .route("/admin/comptes/{id}/modifier", post(app::accounts::http::post_update))
        .route("/admin/comptes/{id}/activation", post(app::accounts::http::post_activation))
        .route("/admin/comptes/{id}/mot-de-passe", post(app::accounts::http::post_reset))
        .route("/admin/mot-de-passe", post(app::accounts::http::post_own_password))
        .route("/admin/donnees-personnelles/export", get(app::privacy::http::get_person_export))
        .route("/admin/donnees-personnelles/effacement", post(app::privacy::http::post_erasure))
        .route("/admin/tablettes/enroler", post(app::kiosk::http::post_enrol))
        .route("/admin/tablettes/{id}/revocation", post(app::kiosk::http::post_revoke))
        .route("/admin/connexion", post(app::auth::http::post_login))
        .route("/admin/deconnexion", post(app::auth::http::post_logout))
        .route("/srv/{*fn_name}", post(server_fns))
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || app::state::provide_request_context(&state)
            },
            {
                let options = options.clone();
                move || app::shell(options.clone())
            },
        );
    with_static_files(router, &state)
        // The tablet of the request, from its cookie (kiosk mode; `Cache-Control: no-store`).
        .layer(axum::middleware::from_fn_with_state(state.clone(), app::kiosk::resolve))
        // Inside the session layer: a user who must change their password reaches nothing else.
        .layer(axum::middleware::from_fn_with_state(state.clone(), app::auth::session::password_change_guard))
        .layer(session_layer)
        // The request's language (public pages; staff pages are French), and `?lang=` choices.
        .layer(axum::middleware::from_fn_with_state(secure_cookies, app::language::language_middleware))
        .layer(axum::middleware::from_fn(security::same_origin_guard))
        .layer(axum::middleware::from_fn_with_state(secure_cookies, security::security_headers))
        // A year for the wasm, JS, CSS, fonts and icons named after their content.
        .layer(axum::middleware::from_fn(assets::cache_headers))
        // Exports are streamed as they are read (a million rows at disk speed): compressing
        // them on the fly would cost a core and tens of MB of buffers, so CSV is sent as is
        // (XLSX is already a zip).
        // Level 5 (brotli quality 5, gzip 5; the default is brotli 4, gzip 6): the survey page is
        // 7 % smaller in brotli than at 4, at under a millisecond per page either way (BENCHMARKS.md).
        .layer(tower_http::compression::CompressionLayer::new().quality(tower_http::CompressionLevel::Precise(5)).compress_when({
            use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
            DefaultPredicate::new().and(NotForContentType::const_new("text/csv")).and(NotForContentType::const_new(app::export::XLSX_CONTENT_TYPE))
        }))
        .with_state(state)
}

/// Adds the site folder's files (wasm, JS, CSS, fonts, icons, favicon) as `router`'s fallback,
/// with conditional GET (`If-Modified-Since` → 304; leptos_axum's own file handler drops that
/// header) and the precompressed `.br`/`.gz` copies when the build made them; any other path,
/// whatever its method, gets the application's "page not found". Their `Cache-Control` comes
/// from [`assets::cache_headers`].
fn with_static_files(router: Router<AppState>, state: &AppState) -> Router<AppState> {
    use axum::handler::Handler;
    let not_found = leptos_axum::file_and_error_handler_with_context::<AppState, _>(
        {
            let state = state.clone();
            move || app::state::provide_request_context(&state)
        },
        app::shell,
    );
    router.fallback_service(
        tower_http::services::ServeDir::new(state.leptos_options.site_root.as_ref())
            // `make run` builds `file.br` and `file.gz` beside each file (brotli 11, libflate's gzip):
            // sent as they are, smaller and cheaper than compressing on the fly.
            .precompressed_br()
            .precompressed_gzip()
            .call_fallback_on_method_not_allowed(true)
            .fallback(not_found.with_state(state.clone())),
    )
}

/// Prepares everything and serves on `listener` until the process is stopped.
///
/// # Errors
/// [`StartError`].
pub async fn serve(config: Config, listener: tokio::net::TcpListener) -> Result<(), StartError> {
    let (state, sessions) = prepare(&config).await?;
    warn_missing_hashed_files(&config.leptos_options);
    let deletion = {
        use tower_sessions::ExpiredDeletion;
        let sessions = sessions.clone();
        tokio::spawn(async move { sessions.continuously_delete_expired(tokio::time::Duration::from_secs(600)).await })
    };
    // E-mail: one sender per server; rows are leased, so several servers can run one each.
    let sender = match &config.smtp_url {
        Some(url) => {
            let mailer = app::mail::SmtpMailer::new(&app::mail::MailConfig { smtp_url: url.clone(), from: config.mail_from.clone() })?;
            Some(tokio::spawn(app::mail::run_sender(state.store.clone(), mailer, config.outbox_poll)))
        }
        None => {
            tracing::warn!("SMTP_URL is not set: e-mail stays in the outbox");
            None
        }
    };
    // Retention of personal data: at start, then hourly; idempotent, so every server may run it.
    let retention = tokio::spawn(app::privacy::retention::run_retention_job(state.store.clone(), config.retention_months, app::privacy::retention::RETENTION_INTERVAL));
    let app = router(state, sessions, config.secure_cookies);
    tracing::info!("listening on http://{}", listener.local_addr()?);
    // The peer address is recorded on each request (login throttling, audit log).
    let result = axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).with_graceful_shutdown(shutdown_signal()).await;
    deletion.abort();
    retention.abort();
    if let Some(sender) = sender {
        sender.abort();
    }
    Ok(result?)
}

/// Logs an error for each hashed file that `hash.txt` names but the site folder lacks (a site
/// rebuilt by another build since this binary was built), or when the site has hashed files but
/// the binary has no `hash.txt`: either way pages would load without their stylesheet or wasm.
fn warn_missing_hashed_files(options: &leptos::config::LeptosOptions) {
    let pkg = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    if !options.hash_files {
        // A site built with hashed names but served by a binary without its hash.txt (a copied
        // binary): pages would link `avis.js`, which does not exist.
        let plain = pkg.join(format!("{}.js", options.output_name));
        let hashed = std::fs::read_dir(&pkg).into_iter().flatten().flatten().any(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            name.ends_with(".js") && assets::has_hashed_name(&format!("/pkg/{name}"))
        });
        if !plain.is_file() && hashed {
            tracing::error!(site = %pkg.display(), "the site holds content-hashed files but no hash.txt is next to the server binary: copy it there (pages would load without their wasm)");
        }
        return;
    }
    let Some(hash_txt) = assets::hash_file_path(options).and_then(|p| std::fs::read_to_string(p).ok()) else { return };
    for name in assets::hashed_names(&options.output_name, &hash_txt) {
        if !pkg.join(&name).is_file() {
            tracing::error!(file = %pkg.join(&name).display(), "hash.txt names a file the site folder lacks: rebuild with `make build` or `make run`");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
