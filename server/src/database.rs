//! Which database a `DATABASE_URL` names, and opening it: the application [`Store`] and the
//! tower-sessions store on the same database.
//!
//! - `sqlite://…`: the embedded SQLite file (one app server).
//! - `postgres://…` or `postgresql://…`: PostgreSQL (several app servers behind a load balancer,
//!   all stateless: sessions, form tokens, login throttling, the outbox and the jobs live in the
//!   database).

use crate::StartError;
use app::store::postgres::PgStore;
use app::store::sqlite::SqliteStore;
use app::store::{DynStore, Store};
use std::sync::Arc;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore as PgSessionStore, SqliteStore as SqliteSessionStore};

/// The database engine of a `DATABASE_URL`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite:` URLs.
    Sqlite,
    /// `postgres:` and `postgresql:` URLs.
    Postgres,
}

impl Backend {
    /// The engine named by `url`'s scheme.
    ///
    /// # Errors
    /// [`StartError::UnknownDatabase`] for any other scheme (the message names the accepted ones).
    pub fn of_url(url: &str) -> Result<Self, StartError> {
        let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase()).unwrap_or_default();
        match scheme.as_str() {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            _ => Err(StartError::UnknownDatabase(redact(url))),
        }
    }
}

/// `url` without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(start), Some(at)) if at > start => {
            let credentials = &url[start + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..start + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The session store of either engine (tower-sessions' sqlx stores), so that the router has one
/// type whatever the database.
#[derive(Clone, Debug)]
pub enum Sessions {
    /// Table `tower_sessions` of the SQLite file.
    Sqlite(SqliteSessionStore),
    /// Table `tower_sessions.session` of the PostgreSQL database.
    Postgres(PgSessionStore),
}

#[async_trait::async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Sessions::Sqlite(s) => s.create(record).await,
            Sessions::Postgres(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Sessions::Sqlite(s) => s.save(record).await,
            Sessions::Postgres(s) => s.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Sessions::Sqlite(s) => s.load(id).await,
            Sessions::Postgres(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Sessions::Sqlite(s) => s.delete(id).await,
            Sessions::Postgres(s) => s.delete(id).await,
        }
    }
}

#[async_trait::async_trait]
impl ExpiredDeletion for Sessions {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Sessions::Sqlite(s) => s.delete_expired().await,
            Sessions::Postgres(s) => s.delete_expired().await,
        }
    }
}

/// An opened, migrated database with the session store on the same database.
pub struct Database {
    /// The application store.
    pub store: DynStore,
    /// The tower-sessions store.
    pub sessions: Sessions,
}

/// Advisory-lock key under which a PostgreSQL start-up creates the session table, so that app
/// servers starting together do not race on `CREATE TABLE IF NOT EXISTS` (sqlx's migrator takes
/// its own lock for the application schema).
const SESSION_MIGRATION_LOCK: i64 = 0x6176_6973_0001;

/// Opens the store of `url` without migrating it (a second handle on a database a server
/// already opened, or a CLI command).
///
/// # Errors
/// [`StartError::UnknownDatabase`], [`StartError::Store`].
pub async fn open_store(url: &str) -> Result<DynStore, StartError> {
    Ok(match Backend::of_url(url)? {
        Backend::Sqlite => Arc::new(SqliteStore::connect(url).await?),
        Backend::Postgres => Arc::new(PgStore::connect(url).await?),
    })
}

/// Opens the database of `url` and runs the migrations (application and sessions).
///
/// # Errors
/// [`StartError::UnknownDatabase`], [`StartError::Store`] (unreachable database, failed
/// migration) or [`StartError::Sessions`].
pub async fn open_database(url: &str) -> Result<Database, StartError> {
    let sessions_error = |e: sqlx::Error| StartError::Sessions(e.to_string());
    match Backend::of_url(url)? {
        Backend::Sqlite => {
            let sqlite = SqliteStore::connect(url).await?;
            sqlite.migrate().await?;
            let sessions = SqliteSessionStore::new(sqlite.pool().clone());
            sessions.migrate().await.map_err(sessions_error)?;
            Ok(Database { store: Arc::new(sqlite), sessions: Sessions::Sqlite(sessions) })
        }
        Backend::Postgres => {
            let pg = PgStore::connect(url).await?;
            pg.migrate().await?;
            let sessions = PgSessionStore::new(pg.pool().clone());
            let mut conn = pg.pool().acquire().await.map_err(sessions_error)?;
            sqlx::query("SELECT pg_advisory_lock($1)").bind(SESSION_MIGRATION_LOCK).execute(&mut *conn).await.map_err(sessions_error)?;
            let migrated = sessions.migrate().await.map_err(sessions_error);
            sqlx::query("SELECT pg_advisory_unlock($1)").bind(SESSION_MIGRATION_LOCK).execute(&mut *conn).await.map_err(sessions_error)?;
            migrated?;
            Ok(Database { store: Arc::new(pg), sessions: Sessions::Postgres(sessions) })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_names_the_engine() {
        assert_eq!(Backend::of_url("sqlite://data/app.db?mode=rwc").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::of_url("postgres://avis@db:5432/avis").unwrap(), Backend::Postgres);
        assert_eq!(Backend::of_url("PostgreSQL://avis@db/avis").unwrap(), Backend::Postgres);
        let err = Backend::of_url("mysql://root:secret@db/avis").unwrap_err().to_string();
        assert!(err.contains("mysql://root:***@db/avis"), "{err}");
        assert!(!err.contains("secret"));
        assert!(Backend::of_url("data/app.db").is_err());
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact("postgres://avis:s3cr%40t@db:5432/avis"), "postgres://avis:***@db:5432/avis");
        assert_eq!(redact("postgres://avis@db/avis"), "postgres://avis@db/avis");
        assert_eq!(redact("sqlite://data/app.db"), "sqlite://data/app.db");
    }
}
