//! The SQL of the stores, written once for both engines.
//!
//! Each submodule holds one storage trait's implementation as a `macro_rules!` macro (e.g.
//! [`tablets::impl_tablet_store`]) that expands `impl TabletStore for $store` and is invoked
//! for [`super::sqlite::SqliteStore`] and for [`super::postgres::PgStore`] (in their `mod.rs`).
//! A macro rather than a function generic over `sqlx::Database`: every expansion works on
//! concrete pool, connection and row types, so no long `where` clauses and no higher-ranked
//! lifetime errors in the `Send` futures of `async_trait`.
//!
//! One SQL text serves both engines: `$1, $2, …` placeholders (which sqlx's SQLite driver accepts
//! too; `QueryBuilder::push_bind` writes each engine's own), `TRUE`/`FALSE`, `CAST(… AS BIGINT)`.
//! What truly differs between the engines comes from the [`Dialect`] of the store type.

pub mod accounts;
pub mod audit;
pub mod complaints;
pub mod personal_data;
pub mod questionnaires;
pub mod reporting;
pub mod store;
pub mod tablets;
pub mod visit_codes;

use super::SiteScope;
use sqlx::{Database, QueryBuilder};

/// The SQL that differs between SQLite and PostgreSQL, implemented by each store type (in
/// `sqlite/mod.rs` and `postgres/mod.rs`) and used by the shared implementations of this module.
pub trait Dialect {
    /// The sqlx driver (`sqlx::Sqlite` or `sqlx::Postgres`).
    type Db: Database;

    /// Appended to a text expression to compare it byte by byte (code point order), in `ORDER BY`
    /// or before `lower(…)`: empty on SQLite (its default `BINARY` collation already does),
    /// ` COLLATE "C"` on PostgreSQL (whose default collation follows the locale).
    const BYTE_ORDER: &'static str;

    /// Whether transactions lock the rows they are about to change with `SELECT … FOR UPDATE`
    /// (see [`Self::for_update`]). `true` on PostgreSQL (READ COMMITTED, several app servers);
    /// `false` on SQLite, which has no row locks: one writer at a time, the database's write
    /// lock taken by a transaction's first write and held until it ends.
    const ROW_LOCKS: bool;

    /// Appended to the `SELECT` of the rows several app servers may claim at once (the outbox):
    /// ` FOR UPDATE SKIP LOCKED` on PostgreSQL (rows another server is claiming are skipped, not
    /// waited for); empty on SQLite (one writer at a time).
    const SKIP_LOCKED: &'static str;

    /// A statement taking a lock, held until the transaction ends, on the `i64` key bound as
    /// `$1`, to serialise a kind of work across app servers: `SELECT pg_advisory_xact_lock($1)` on
    /// PostgreSQL; `None` on SQLite (a transaction's first write waits for any other writer).
    const ADVISORY_LOCK: Option<&'static str>;

    /// Name of the SQL function giving the 1-based position of a substring (0 when absent), with
    /// the string first: `instr` on SQLite, `strpos` on PostgreSQL. No `LIKE` wildcards to escape.
    const STRPOS: &'static str;

    /// ` FOR UPDATE` when the engine has row locks ([`Self::ROW_LOCKS`]), else empty.
    fn for_update() -> &'static str {
        if Self::ROW_LOCKS {
            " FOR UPDATE"
        } else {
            ""
        }
    }

    /// The timestamp expression `expr` (a column or a bound `DateTime<Utc>`) in a form that
    /// compares chronologically: `julianday(expr)` on SQLite (timestamps are stored as text whose
    /// formats may differ), `expr` itself on PostgreSQL (`timestamptz`).
    fn timestamp(expr: &str) -> String;

    /// An aggregate joining the text values of `expr` with the unit separator (U+001F, code 31):
    /// `group_concat(expr, char(31))` on SQLite (in the order the rows are read; `order_by` is
    /// not used), `string_agg(expr, chr(31) ORDER BY order_by)` on PostgreSQL.
    fn join_unit_separated(expr: &str, order_by: &str) -> String;
}

/// The connection type of store type `S`'s engine (`SqliteConnection`, `PgConnection`).
pub type Conn<S> = <<S as Dialect>::Db as Database>::Connection;

/// The row type of store type `S`'s engine (`SqliteRow`, `PgRow`).
pub type DbRow<S> = <<S as Dialect>::Db as Database>::Row;

/// Adds `AND <column> IN (…)` for a restricted scope (an empty scope matches nothing: `AND
/// FALSE`); nothing for [`SiteScope::All`]. Ids are bound.
pub fn push_site_scope<'a, DB: Database>(q: &mut QueryBuilder<'a, DB>, column: &str, scope: &SiteScope)
where
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    if let SiteScope::Sites(ids) = scope {
        if ids.is_empty() {
            q.push(" AND FALSE");
        } else {
            q.push(" AND ").push(column).push(" IN (");
            let mut list = q.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            q.push(")");
        }
    }
}

/// The `outbox` columns `OutboxRow` reads, in a `SELECT` list.
pub const OUTBOX_COLUMNS: &str = "id, to_address, subject, body, complaint_id, state, attempts, next_attempt_at, last_error, created_at, sent_at, erased_at";

/// Appends `(…)` with `values` bound (`(NULL)` when empty, which matches nothing), for `IN`.
pub fn push_list<'a, DB: Database, T>(q: &mut QueryBuilder<'a, DB>, values: &[T])
where
    T: 'a + sqlx::Encode<'a, DB> + sqlx::Type<DB> + Send + Clone,
{
    if values.is_empty() {
        q.push("(NULL)");
        return;
    }
    q.push("(");
    let mut list = q.separated(", ");
    for v in values {
        list.push_bind(v.clone());
    }
    q.push(")");
}


/// Adds the conditions of `f` on the columns of table alias `alias` (a `responses` row or an
/// aggregate row: `site_id`, `campaign_id`, `day`, `channel`, `language`, `procedure`,
/// `appointment`), each as `AND …` with its value bound.
pub fn push_response_filter<'a, DB: Database>(q: &mut QueryBuilder<'a, DB>, alias: &str, f: &super::ResponseFilter)
where
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    chrono::NaiveDate: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    push_site_scope(q, &format!("{alias}.site_id"), &f.sites);
    if let Some(id) = f.campaign_id {
        q.push(format!(" AND {alias}.campaign_id = ")).push_bind(id);
    }
    if let Some(from) = f.from {
        q.push(format!(" AND {alias}.day >= ")).push_bind(from);
    }
    if let Some(to) = f.to {
        q.push(format!(" AND {alias}.day <= ")).push_bind(to);
    }
    if let Some(channel) = f.channel {
        q.push(format!(" AND {alias}.channel = ")).push_bind(channel.as_str());
    }
    if let Some(language) = &f.language {
        q.push(format!(" AND {alias}.language = ")).push_bind(language.clone());
    }
    if let Some(procedure) = &f.procedure {
        q.push(format!(" AND {alias}.procedure = ")).push_bind(procedure.clone());
    }
    if let Some(appointment) = &f.appointment {
        q.push(format!(" AND {alias}.appointment = ")).push_bind(appointment.clone());
    }
}
