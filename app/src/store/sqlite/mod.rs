//! The embedded SQLite implementation of [`Store`] (the default: a file under `data/`).
//! WAL journal, foreign keys on, a busy timeout so concurrent writers wait instead of failing.
//! The storage traits are implemented once for both engines in [`super::sql`]; this module holds
//! the connection, SQLite's [`Dialect`], the migrations and what is SQLite's own (`reporting`).

mod reporting;

use super::sql::{self, Dialect};
use super::*;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqliteConnection};
use std::str::FromStr;
use std::time::Duration;

/// SQLite-backed [`Store`].
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating the file and its folder if needed) the database at `url`, e.g.
    /// `sqlite://data/app.db?mode=rwc`. Does not migrate: call [`Store::migrate`].
    ///
    /// # Errors
    /// The URL does not parse or the file cannot be opened.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        if let Some(parent) = options.get_filename().parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
            }
        }
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
        Ok(Self { pool })
    }

    /// The connection pool (shared with the session store).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

/// SQLite's SQL where it differs from PostgreSQL's (see [`Dialect`]).
impl Dialect for SqliteStore {
    type Db = Sqlite;
    const BYTE_ORDER: &'static str = "";
    const ROW_LOCKS: bool = false;
    const SKIP_LOCKED: &'static str = "";
    const ADVISORY_LOCK: Option<&'static str> = None;
    const STRPOS: &'static str = "instr";

    fn timestamp(expr: &str) -> String {
        format!("julianday({expr})")
    }

    fn join_unit_separated(expr: &str, _order_by: &str) -> String {
        format!("group_concat({expr}, char(31))")
    }
}

// Every storage trait, written once for both engines in `store/sql/`.
sql::store::impl_store!(SqliteStore);
sql::tablets::impl_tablet_store!(SqliteStore);
sql::visit_codes::impl_visit_code_store!(SqliteStore);
sql::questionnaires::impl_questionnaire_store!(SqliteStore);
sql::accounts::impl_account_store!(SqliteStore);
sql::audit::impl_audit_store!(SqliteStore);
sql::complaints::impl_complaint_store!(SqliteStore);
sql::personal_data::impl_personal_data_store!(SqliteStore);

/// The engine-specific functions the shared implementations call ([`sql::store::impl_store`]).
impl SqliteStore {
    /// Runs the migrations, then the data backfills still pending (days and search texts of rows
    /// stored before the migrations that added them, then the aggregates rebuilt).
    async fn migrate_schema(&self) -> Result<(), StoreError> {
        sqlx::migrate!("../migrations/sqlite").run(&self.pool).await?;
        if reporting::fill_missing_days(&self.pool).await? > 0 {
            self.rebuild_aggregates().await?;
        }
        reporting::fill_missing_search_text(&self.pool).await?;
        Ok(())
    }

    /// See [`reporting::insert_response_rows`].
    async fn insert_response_rows(tx: &mut SqliteConnection, r: &NewResponse, import_id: Option<i64>, coded: bool) -> Result<i64, StoreError> {
        reporting::insert_response_rows(tx, r, import_id, coded).await
    }

    /// [`reporting::insert_response_rows`] for each response (none with a visit code).
    async fn insert_responses_rows(tx: &mut SqliteConnection, responses: &[NewResponse], import_id: Option<i64>) -> Result<(), StoreError> {
        for r in responses {
            reporting::insert_response_rows(tx, r, import_id, false).await?;
        }
        Ok(())
    }
}
