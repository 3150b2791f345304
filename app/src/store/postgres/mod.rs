//! The PostgreSQL implementation of [`Store`], for deployments with several app servers on one
//! database (selected by a `postgres://` `DATABASE_URL`). Same behaviour as
//! [`super::sqlite::SqliteStore`] (one conformance suite runs against both); schema in
//! `migrations/postgres/`. Work that must happen once across servers (outbox sending, retention)
//! claims its rows with `FOR UPDATE SKIP LOCKED`. The storage traits are implemented once for both
//! engines in [`super::sql`]; this module holds the connection, the migrations and what is
//! PostgreSQL's own (`reporting`); PostgreSQL's SQL dialect is in `sql/dialect.rs`.

mod reporting;

use super::sql;
use super::*;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// PostgreSQL-backed [`Store`].
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

/// Connections per app server (PostgreSQL's default limit is 100 for all servers together).
pub const POOL_SIZE: u32 = 16;

impl PgStore {
    /// Connects to `url` (`postgres://user@host:port/database`). Does not migrate: call
    /// [`Store::migrate`]. The pool connects lazily, so a server starts while the database is
    /// down and serves as soon as it is back; a request waits at most 5 s for a connection.
    ///
    /// # Errors
    /// The URL does not parse.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)?.application_name("avis-reclamations");
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .acquire_timeout(Duration::from_secs(5))
            .connect_lazy_with(options);
        Ok(Self { pool })
    }

    /// The connection pool (shared with the session store).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

// Every storage trait, written once for both engines in `store/sql/`.
sql::impl_storage_traits!(PgStore);

/// The migrations, called by [`Store::migrate`] (the other engine-specific functions the shared
/// implementations call are in `reporting`).
impl PgStore {
    /// Runs the migrations.
    async fn migrate_schema(&self) -> Result<(), StoreError> {
        sqlx::migrate!("../migrations/postgres").run(&self.pool).await?;
        Ok(())
    }
}
