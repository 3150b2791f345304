//! The PostgreSQL implementation of [`Store`], for deployments with several app servers on one
//! database (selected by a `postgres://` `DATABASE_URL`). Same behaviour as
//! [`super::sqlite::SqliteStore`] (one conformance suite runs against both); schema in
//! `migrations/postgres/`. Work that must happen once across servers (outbox sending, retention)
//! claims its rows with `FOR UPDATE SKIP LOCKED`. The storage traits are implemented once for both
//! engines in [`super::sql`]; this module holds the connection, PostgreSQL's [`Dialect`], the
//! migrations and what is PostgreSQL's own (`reporting`).

mod reporting;

use super::sql::{self, Dialect};
use super::*;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{PgConnection, Postgres};
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

/// PostgreSQL's SQL where it differs from SQLite's (see [`Dialect`]).
impl Dialect for PgStore {
    type Db = Postgres;
    const BYTE_ORDER: &'static str = " COLLATE \"C\"";
    const ROW_LOCKS: bool = true;
    const SKIP_LOCKED: &'static str = " FOR UPDATE SKIP LOCKED";
    const ADVISORY_LOCK: Option<&'static str> = Some("SELECT pg_advisory_xact_lock($1)");
    const STRPOS: &'static str = "strpos";

    fn timestamp(expr: &str) -> String {
        expr.to_string()
    }

    fn join_unit_separated(expr: &str, order_by: &str) -> String {
        format!("string_agg({expr}, chr(31) ORDER BY {order_by})")
    }
}

// Every storage trait, written once for both engines in `store/sql/`.
sql::store::impl_store!(PgStore);
sql::tablets::impl_tablet_store!(PgStore);
sql::visit_codes::impl_visit_code_store!(PgStore);
sql::questionnaires::impl_questionnaire_store!(PgStore);
sql::accounts::impl_account_store!(PgStore);
sql::audit::impl_audit_store!(PgStore);
sql::complaints::impl_complaint_store!(PgStore);
sql::personal_data::impl_personal_data_store!(PgStore);

/// The engine-specific functions the shared implementations call ([`sql::store::impl_store`]).
impl PgStore {
    /// Runs the migrations.
    async fn migrate_schema(&self) -> Result<(), StoreError> {
        sqlx::migrate!("../migrations/postgres").run(&self.pool).await?;
        Ok(())
    }

    /// See [`reporting::insert_response_rows`].
    async fn insert_response_rows(tx: &mut PgConnection, r: &NewResponse, import_id: Option<i64>, coded: bool) -> Result<i64, StoreError> {
        reporting::insert_response_rows(tx, r, import_id, coded).await
    }

    /// See [`reporting::insert_responses_rows`].
    async fn insert_responses_rows(tx: &mut PgConnection, responses: &[NewResponse], import_id: Option<i64>) -> Result<(), StoreError> {
        reporting::insert_responses_rows(tx, responses, import_id).await
    }
}
