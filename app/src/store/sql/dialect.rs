//! What differs between the SQL of SQLite and PostgreSQL: the [`Dialect`] trait and its two
//! implementations, side by side.

use crate::store::postgres::PgStore;
use crate::store::sqlite::SqliteStore;
use sqlx::{Database, Postgres, Sqlite};

/// The SQL that differs between SQLite and PostgreSQL, implemented by each store type (below) and
/// used by the shared implementations of [`super`].
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

    /// Put after a table name in `FROM` to walk the table by its primary key (the ids in order
    /// from the last export batch) rather than by an index on other columns: ` NOT INDEXED` on
    /// SQLite (an index on site and day would make it gather and sort every matching row for each
    /// batch); empty on PostgreSQL, whose planner chooses.
    const NOT_INDEXED: &'static str;

    /// A statement run first by [`ReportingStore::rebuild_aggregates`](super::ReportingStore::rebuild_aggregates)
    /// so that no response is stored while the aggregates are rebuilt: `LOCK TABLE responses IN
    /// SHARE MODE` on PostgreSQL (blocks writes to `responses` and waits for those under way;
    /// reads go on); `None` on SQLite (the rebuild's first write takes the database's write lock).
    const SHARE_LOCK_RESPONSES: Option<&'static str>;

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

    /// The text expression `expr` (a bound JSON text) as the engine's JSON column type: `expr`
    /// itself on SQLite (JSON is stored as text), `CAST(expr AS jsonb)` on PostgreSQL.
    fn json(expr: &str) -> String;

    /// The month of the date expression `expr` as `YYYY-MM` text: `substr(expr, 1, 7)` on SQLite
    /// (dates are stored as `YYYY-MM-DD` text), `to_char(expr, 'YYYY-MM')` on PostgreSQL.
    fn month(expr: &str) -> String;

    /// An aggregate joining the text values of `expr` with the unit separator (U+001F, code 31):
    /// `group_concat(expr, char(31))` on SQLite (in the order the rows are read; `order_by` is
    /// not used), `string_agg(expr, chr(31) ORDER BY order_by)` on PostgreSQL.
    fn join_unit_separated(expr: &str, order_by: &str) -> String;
}

/// The connection type of store type `S`'s engine (`SqliteConnection`, `PgConnection`).
pub type Conn<S> = <<S as Dialect>::Db as Database>::Connection;

/// The row type of store type `S`'s engine (`SqliteRow`, `PgRow`).
pub type DbRow<S> = <<S as Dialect>::Db as Database>::Row;

/// SQLite's SQL where it differs from PostgreSQL's.
impl Dialect for SqliteStore {
    type Db = Sqlite;
    const BYTE_ORDER: &'static str = "";
    const ROW_LOCKS: bool = false;
    const SKIP_LOCKED: &'static str = "";
    const ADVISORY_LOCK: Option<&'static str> = None;
    const NOT_INDEXED: &'static str = " NOT INDEXED";
    const SHARE_LOCK_RESPONSES: Option<&'static str> = None;
    const STRPOS: &'static str = "instr";

    fn timestamp(expr: &str) -> String {
        format!("julianday({expr})")
    }

    fn json(expr: &str) -> String {
        expr.to_string()
    }

    fn month(expr: &str) -> String {
        format!("substr({expr}, 1, 7)")
    }

    fn join_unit_separated(expr: &str, _order_by: &str) -> String {
        format!("group_concat({expr}, char(31))")
    }
}

/// PostgreSQL's SQL where it differs from SQLite's.
impl Dialect for PgStore {
    type Db = Postgres;
    const BYTE_ORDER: &'static str = " COLLATE \"C\"";
    const ROW_LOCKS: bool = true;
    const SKIP_LOCKED: &'static str = " FOR UPDATE SKIP LOCKED";
    const ADVISORY_LOCK: Option<&'static str> = Some("SELECT pg_advisory_xact_lock($1)");
    const NOT_INDEXED: &'static str = "";
    const SHARE_LOCK_RESPONSES: Option<&'static str> = Some("LOCK TABLE responses IN SHARE MODE");
    const STRPOS: &'static str = "strpos";

    fn timestamp(expr: &str) -> String {
        expr.to_string()
    }

    fn json(expr: &str) -> String {
        format!("CAST({expr} AS jsonb)")
    }

    fn month(expr: &str) -> String {
        format!("to_char({expr}, 'YYYY-MM')")
    }

    fn join_unit_separated(expr: &str, order_by: &str) -> String {
        format!("string_agg({expr}, chr(31) ORDER BY {order_by})")
    }
}
