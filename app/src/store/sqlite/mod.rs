//! The embedded SQLite implementation of [`Store`] (the default: a file under `data/`).
//! WAL journal, foreign keys on, a busy timeout so concurrent writers wait instead of failing.
//! The storage traits are implemented once for both engines in [`super::sql`]; this module holds
//! the connection, the migrations and what is SQLite's own (`reporting`); SQLite's SQL dialect is
//! in `sql/dialect.rs`.

mod reporting;

use super::sql;
use super::*;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
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

// Every storage trait, written once for both engines in `store/sql/`.
sql::impl_storage_traits!(SqliteStore);

/// The migrations, called by [`Store::migrate`] (the other engine-specific functions the shared
/// implementations call are in `reporting`).
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
}
