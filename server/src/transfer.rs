//! `server copy-to-postgres`: moves a whole SQLite database into an empty PostgreSQL database
//! (moving from one app server to several). Every application table is copied row by row with
//! its ids, in foreign-key order, in **one** PostgreSQL transaction (all or nothing); identity
//! sequences then continue after the largest id. Sessions are not copied: staff log in again.
//!
//! Types follow the PostgreSQL column (read from `information_schema`): SQLite's RFC 3339 text
//! becomes TIMESTAMPTZ, ISO days DATE, 0/1 BOOLEAN, JSON text JSONB.

use crate::StartError;
use app::store::StoreError;
use chrono::{DateTime, NaiveDate, Utc};
use futures::TryStreamExt;
use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;
use sqlx::{Postgres, QueryBuilder, Row};

/// Application tables, parents before children (the order rows are copied in).
pub const TABLES: &[&str] = &[
    "sites",
    "questionnaires",
    "questionnaire_versions",
    "campaigns",
    "users",
    "user_sites",
    "paper_imports",
    "responses",
    "response_answers",
    "response_day",
    "answer_day",
    "response_cube",
    "answer_cube",
    "campaign_actions",
    "app_secrets",
    "reference_counters",
    "complaints",
    "complaint_events",
    "used_form_tokens",
    "reply_templates",
    "outbox",
    "login_throttle",
    "audit_log",
    "tablets",
    "visit_code_batches",
    "visit_codes",
];

/// Tables the PostgreSQL migration fills with starting rows (replaced by the source's rows).
const SEEDED_TABLES: &[&str] = &["reply_templates", "sites"];

/// Tables that must be empty in the target (it was never used).
const MUST_BE_EMPTY: &[&str] = &["users", "questionnaires", "campaigns", "responses", "complaints", "audit_log"];

/// Errors of [`copy_to_postgres`].
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// A database cannot be opened or migrated.
    #[error(transparent)]
    Open(#[from] StartError),
    /// A query failed (the PostgreSQL transaction is rolled back: the target stays empty).
    #[error("copy failed: {0}")]
    Database(#[from] sqlx::Error),
    /// The source is not SQLite or the target not PostgreSQL.
    #[error("{0}")]
    Usage(String),
    /// The target already holds data.
    #[error("the PostgreSQL database is not empty (table {0} has rows): copy into a new database")]
    TargetNotEmpty(String),
    /// A column type the copy does not know (a schema change not reflected here).
    #[error("column {table}.{column}: type {kind} not handled")]
    UnknownType {
        /// Table.
        table: String,
        /// Column.
        column: String,
        /// PostgreSQL `data_type`.
        kind: String,
    },
    /// Row counts differ after the copy.
    #[error("table {table}: {source_rows} rows in SQLite, {target_rows} in PostgreSQL")]
    CountMismatch {
        /// Table.
        table: String,
        /// Rows in the source.
        source_rows: i64,
        /// Rows in the target.
        target_rows: i64,
    },
}

impl From<StoreError> for TransferError {
    fn from(e: StoreError) -> Self {
        TransferError::Open(StartError::Store(e))
    }
}

/// One cell, typed as the PostgreSQL column wants it.
enum Cell {
    Int(Option<i64>),
    Bool(Option<bool>),
    Timestamp(Option<DateTime<Utc>>),
    Day(Option<NaiveDate>),
    Text(Option<String>),
    Json(Option<String>),
    Bytes(Option<Vec<u8>>),
}

#[derive(Clone, Copy)]
enum Kind {
    Int,
    Bool,
    Timestamp,
    Day,
    Text,
    Json,
    Bytes,
}

impl Kind {
    fn of(data_type: &str) -> Option<Self> {
        Some(match data_type {
            "bigint" | "integer" | "smallint" => Kind::Int,
            "boolean" => Kind::Bool,
            "timestamp with time zone" => Kind::Timestamp,
            "date" => Kind::Day,
            "text" => Kind::Text,
            "jsonb" | "json" => Kind::Json,
            "bytea" => Kind::Bytes,
            _ => return None,
        })
    }

    fn read(self, row: &sqlx::sqlite::SqliteRow, i: usize) -> Result<Cell, sqlx::Error> {
        Ok(match self {
            Kind::Int => Cell::Int(row.try_get(i)?),
            Kind::Bool => Cell::Bool(row.try_get(i)?),
            Kind::Timestamp => Cell::Timestamp(row.try_get(i)?),
            Kind::Day => Cell::Day(row.try_get(i)?),
            Kind::Text => Cell::Text(row.try_get(i)?),
            Kind::Json => Cell::Json(row.try_get(i)?),
            Kind::Bytes => Cell::Bytes(row.try_get(i)?),
        })
    }
}

/// Rows and bind parameters per INSERT (PostgreSQL allows 65,535 parameters per statement).
const MAX_PARAMETERS: usize = 60_000;

/// What [`copy_to_postgres`] copied: `(table, rows)` in copy order.
pub type CopyReport = Vec<(String, i64)>;

/// Copies the SQLite database `from` (migrated first, so an older file is brought up to date)
/// into the PostgreSQL database `to` (migrated, and empty apart from its starting rows).
///
/// # Errors
/// [`TransferError`]; on any error nothing is written to `to`.
pub async fn copy_to_postgres(from: &str, to: &str) -> Result<CopyReport, TransferError> {
    use crate::database::Backend;
    if Backend::of_url(from)? != Backend::Sqlite {
        return Err(TransferError::Usage("the source (DATABASE_URL) must be a sqlite:// database".into()));
    }
    if Backend::of_url(to)? != Backend::Postgres {
        return Err(TransferError::Usage("the target (--to) must be a postgres:// database".into()));
    }
    // Opening runs each engine's migrations (and SQLite's start-up backfills).
    crate::database::open_database(from).await?;
    crate::database::open_database(to).await?;
    let source = SqlitePool::connect(from).await?;
    let target = PgPool::connect(to).await?;
    for table in MUST_BE_EMPTY {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&target).await?;
        if n > 0 {
            return Err(TransferError::TargetNotEmpty((*table).to_string()));
        }
    }
    let mut tx = target.begin().await?;
    for table in SEEDED_TABLES {
        sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *tx).await?;
    }
    let mut report = Vec::new();
    for table in TABLES {
        let columns: Vec<(String, String)> = sqlx::query_as(
            "SELECT column_name::text, data_type::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(table)
        .fetch_all(&mut *tx)
        .await?;
        let kinds = columns
            .iter()
            .map(|(column, kind)| Kind::of(kind).ok_or_else(|| TransferError::UnknownType { table: table.to_string(), column: column.clone(), kind: kind.clone() }))
            .collect::<Result<Vec<_>, _>>()?;
        let names: Vec<String> = columns.iter().map(|(c, _)| format!("\"{c}\"")).collect();
        let list = names.join(", ");
        let per_insert = (MAX_PARAMETERS / names.len().max(1)).max(1);
        let select = format!("SELECT {list} FROM {table}");
        let mut rows = sqlx::query(&select).fetch(&source);
        let mut batch: Vec<Vec<Cell>> = Vec::with_capacity(per_insert);
        let mut copied = 0i64;
        while let Some(row) = rows.try_next().await? {
            batch.push(kinds.iter().enumerate().map(|(i, k)| k.read(&row, i)).collect::<Result<_, _>>()?);
            if batch.len() == per_insert {
                copied += insert_batch(&mut tx, table, &list, &mut batch).await?;
            }
        }
        copied += insert_batch(&mut tx, table, &list, &mut batch).await?;
        let source_rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&source).await?;
        let target_rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&mut *tx).await?;
        if source_rows != target_rows || copied != target_rows {
            return Err(TransferError::CountMismatch { table: table.to_string(), source_rows, target_rows });
        }
        if columns.iter().any(|(c, _)| c == "id") {
            // Identity columns continue after the copied ids.
            sqlx::query(&format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"))
                .execute(&mut *tx)
                .await?;
        }
        report.push((table.to_string(), copied));
    }
    tx.commit().await?;
    source.close().await;
    target.close().await;
    Ok(report)
}

/// Inserts and empties `batch`; returns the number of rows inserted.
async fn insert_batch(tx: &mut sqlx::PgConnection, table: &str, list: &str, batch: &mut Vec<Vec<Cell>>) -> Result<i64, sqlx::Error> {
    if batch.is_empty() {
        return Ok(0);
    }
    let mut q = QueryBuilder::<Postgres>::new(format!("INSERT INTO {table} ({list}) "));
    q.push_values(batch.drain(..), |mut b, row| {
        for cell in row {
            match cell {
                Cell::Int(v) => b.push_bind(v),
                Cell::Bool(v) => b.push_bind(v),
                Cell::Timestamp(v) => b.push_bind(v),
                Cell::Day(v) => b.push_bind(v),
                Cell::Text(v) => b.push_bind(v),
                Cell::Json(v) => b.push_bind(v).push_unseparated("::jsonb"),
                Cell::Bytes(v) => b.push_bind(v),
            };
        }
    });
    Ok(q.build().execute(&mut *tx).await?.rows_affected() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every PostgreSQL migration, concatenated.
    fn schema() -> String {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/postgres");
        let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn every_column_type_of_the_schema_is_known() {
        let schema = schema();
        for kind in ["BIGINT", "BOOLEAN", "TIMESTAMPTZ", "DATE", "TEXT", "JSONB", "BYTEA"] {
            assert!(schema.contains(kind), "{kind}");
        }
        for data_type in ["bigint", "boolean", "timestamp with time zone", "date", "text", "jsonb", "bytea"] {
            assert!(Kind::of(data_type).is_some(), "{data_type}");
        }
        assert!(Kind::of("numeric").is_none());
    }

    #[test]
    fn every_table_of_the_schema_is_copied_once() {
        let schema = schema();
        let created: Vec<&str> = schema.lines().filter_map(|l| l.strip_prefix("CREATE TABLE ")).map(|l| l.split_whitespace().next().unwrap()).collect();
        let mut sorted_created = created.clone();
        sorted_created.sort_unstable();
        let mut sorted_tables = TABLES.to_vec();
        sorted_tables.sort_unstable();
        assert_eq!(sorted_created, sorted_tables);
    }
}
