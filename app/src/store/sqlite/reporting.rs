//! What is SQLite's own in the reporting (the rest, shared with PostgreSQL, is in
//! [`crate::store::sql::reporting`]): the aggregates of each response stored with it, the export
//! of the responses (each batch built as one JSON array), and the data backfills of migrations
//! 0003 and 0004.

use super::SqliteStore;
use crate::domain::search;
use crate::store::reporting::batched;
use crate::store::sql::push_response_filter;
use crate::store::*;
use crate::time::paris_day;
use chrono::{DateTime, NaiveDate, Utc};
use futures::stream::BoxStream;
use sqlx::sqlite::SqlitePool;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

/// Storing responses (called by [`crate::store::sql::store::impl_store`]).
impl SqliteStore {
    /// Inserts a response, its answers and its share of the aggregates (inside the caller's
    /// transaction); returns the response id.
    /// `import_id`: the paper import the response comes from, if any. `coded`: the response came with
    /// a valid visit code, which the caller has marked used in the same transaction.
    pub(super) async fn insert_response_rows(tx: &mut SqliteConnection, r: &NewResponse, import_id: Option<i64>, coded: bool) -> Result<i64, StoreError> {
        let day = paris_day(r.submitted_at);
        let procedure = r.dimensions.procedure.as_deref().unwrap_or("");
        let appointment = r.dimensions.appointment.as_deref().unwrap_or("");
        let id = Self::insert_response_and_answers(tx, r, import_id, coded).await?;
        let coded = i64::from(coded);
        // The aggregates, in few statements per response (each costs a round trip to SQLite's worker
        // thread): one multi-row upsert per table.
        let choices: Vec<(&String, &String)> = r.answers.choices.iter().collect();
        sqlx::query(
            "INSERT INTO response_cube (site_id, day, campaign_id, channel, language, procedure, appointment, respondents, with_visit_code) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)
             ON CONFLICT (site_id, day, campaign_id, channel, language, procedure, appointment)
             DO UPDATE SET respondents = response_cube.respondents + 1, with_visit_code = response_cube.with_visit_code + excluded.with_visit_code",
        )
        .bind(r.site_id)
        .bind(day)
        .bind(r.campaign_id)
        .bind(r.channel.as_str())
        .bind(&r.language)
        .bind(procedure)
        .bind(appointment)
        .bind(coded)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO response_day (site_id, day, campaign_id, respondents, with_visit_code) VALUES (?, ?, ?, 1, ?)
             ON CONFLICT (site_id, day, campaign_id) DO UPDATE SET respondents = response_day.respondents + 1, with_visit_code = response_day.with_visit_code + excluded.with_visit_code",
        )
        .bind(r.site_id)
        .bind(day)
        .bind(r.campaign_id)
        .bind(coded)
        .execute(&mut *tx)
        .await?;
        if !choices.is_empty() {
            let mut q = QueryBuilder::<Sqlite>::new("INSERT INTO answer_day (site_id, day, campaign_id, question_key, option_key, answers) ");
            q.push_values(&choices, |mut b, (k, v)| {
                b.push_bind(r.site_id).push_bind(day).push_bind(r.campaign_id).push_bind((*k).clone()).push_bind((*v).clone()).push_bind(1_i64);
            });
            q.push(" ON CONFLICT (site_id, day, campaign_id, question_key, option_key) DO UPDATE SET answers = answer_day.answers + 1");
            q.build().execute(&mut *tx).await?;
            let mut q = QueryBuilder::<Sqlite>::new(
                "INSERT INTO answer_cube (site_id, day, campaign_id, channel, language, procedure, appointment, question_key, option_key, answers) ",
            );
            q.push_values(&choices, |mut b, (k, v)| {
                b.push_bind(r.site_id)
                    .push_bind(day)
                    .push_bind(r.campaign_id)
                    .push_bind(r.channel.as_str())
                    .push_bind(r.language.clone())
                    .push_bind(procedure.to_string())
                    .push_bind(appointment.to_string())
                    .push_bind((*k).clone())
                    .push_bind((*v).clone())
                    .push_bind(1_i64);
            });
            q.push(" ON CONFLICT (site_id, day, campaign_id, channel, language, procedure, appointment, question_key, option_key) DO UPDATE SET answers = answer_cube.answers + 1");
            q.build().execute(&mut *tx).await?;
        }
        Ok(id)
    }

    /// [`SqliteStore::insert_response_rows`] for each response (none with a visit code).
    pub(super) async fn insert_responses_rows(tx: &mut SqliteConnection, responses: &[NewResponse], import_id: Option<i64>) -> Result<(), StoreError> {
        for r in responses {
            Self::insert_response_rows(tx, r, import_id, false).await?;
        }
        Ok(())
    }
}

/// Whether the backfill `name` is still to run (see `pending_backfills`, migration 0004).
async fn backfill_pending(pool: &SqlitePool, name: &str) -> Result<bool, StoreError> {
    Ok(sqlx::query_scalar::<_, String>("SELECT name FROM pending_backfills WHERE name = ?").bind(name).fetch_optional(pool).await?.is_some())
}

/// Marks the backfill `name` as done.
async fn backfill_done(pool: &SqlitePool, name: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM pending_backfills WHERE name = ?").bind(name).execute(pool).await?;
    Ok(())
}

/// Fills `responses.day` (Europe/Paris day of `submitted_at`) where it is missing (rows stored
/// before migration 0003), once (while the `response_day` backfill is pending); returns the
/// number of rows filled.
pub(super) async fn fill_missing_days(pool: &SqlitePool) -> Result<u64, StoreError> {
    if !backfill_pending(pool, "response_day").await? {
        return Ok(0);
    }
    let mut filled = 0;
    loop {
        let rows: Vec<(i64, DateTime<Utc>)> = sqlx::query_as("SELECT id, submitted_at FROM responses WHERE day IS NULL LIMIT 5000").fetch_all(pool).await?;
        if rows.is_empty() {
            backfill_done(pool, "response_day").await?;
            return Ok(filled);
        }
        let mut tx = pool.begin().await?;
        for (id, at) in &rows {
            sqlx::query("UPDATE responses SET day = ? WHERE id = ?").bind(paris_day(*at)).bind(id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        filled += rows.len() as u64;
    }
}

/// Fills `response_answers.search_text` of the free-text answers stored before migration 0004,
/// once (while the `remark_search_text` backfill is pending); returns the number of answers filled.
pub(super) async fn fill_missing_search_text(pool: &SqlitePool) -> Result<u64, StoreError> {
    if !backfill_pending(pool, "remark_search_text").await? {
        return Ok(0);
    }
    let (mut filled, mut after) = (0, i64::MIN);
    loop {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT response_id, question_key, text_value FROM response_answers
             WHERE response_id >= ? AND text_value IS NOT NULL AND search_text IS NULL ORDER BY response_id LIMIT 5000",
        )
        .bind(after)
        .fetch_all(pool)
        .await?;
        let Some((last, _, _)) = rows.last() else { break };
        after = *last;
        let mut tx = pool.begin().await?;
        for (id, key, text) in &rows {
            sqlx::query("UPDATE response_answers SET search_text = ? WHERE response_id = ? AND question_key = ?").bind(search::fold(text)).bind(id).bind(key).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        filled += rows.len() as u64;
    }
    backfill_done(pool, "remark_search_text").await?;
    Ok(filled)
}

/// The export of the responses (called by [`crate::store::sql::reporting::impl_reporting_store`]).
impl SqliteStore {
    /// [`ReportingStore::stream_responses`] on this engine.
    pub(super) fn export_responses(&self, f: ResponseFilter, keys: Vec<String>) -> BoxStream<'static, Result<ExportedResponse, StoreError>> {
        let pool = self.pool.clone();
        // JSON paths of the asked answers. `json_extract` with two paths or more returns the JSON
        // array of their values (one parse of `answers` per row); with one path it would return the
        // bare value, so a path that matches nothing is added and its `null` dropped below.
        let mut paths: Vec<String> = keys.iter().map(|k| format!("$.\"{}\"", k.replace('"', ""))).collect();
        if paths.len() == 1 {
            paths.push("$.\"\"".to_string());
        }
        let wanted = keys.len();
        batched(move |after| {
            let (pool, f, paths) = (pool.clone(), f.clone(), paths.clone());
            async move {
                // One row per batch: SQLite builds the batch as one JSON array, so the rows do not
                // cross to this thread one by one (each crossing is a thread switch). `NOT INDEXED`:
                // walk the ids in order from the last batch (an index on site and day would make
                // SQLite gather and sort every matching row for each batch).
                let mut q = QueryBuilder::<Sqlite>::new("SELECT json_group_array(json_array(r.id, r.campaign_id, r.site_id, r.submitted_at, r.day, r.channel, r.language, ");
                if paths.is_empty() {
                    q.push("json('[]')");
                } else {
                    q.push("json_extract(r.answers");
                    for p in paths {
                        q.push(", ").push_bind(p);
                    }
                    q.push(")");
                }
                q.push(")) FROM (SELECT r.* FROM responses r NOT INDEXED WHERE r.id > ");
                q.push_bind(after);
                push_response_filter(&mut q, "r", &f);
                q.push(" ORDER BY r.id LIMIT ").push_bind(EXPORT_BATCH).push(") r");
                let json: String = q.build_query_scalar().fetch_one(&pool).await?;
                type Row = (i64, i64, i64, String, NaiveDate, String, String, Vec<Option<String>>);
                let rows: Vec<Row> = serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("export batch: {e}")))?;
                rows.into_iter()
                    .map(|(id, campaign_id, site_id, at, day, channel, language, mut answers)| {
                        let submitted_at = DateTime::parse_from_rfc3339(&at).map_err(|e| StoreError::Corrupt(format!("submitted_at {at:?}: {e}")))?.with_timezone(&Utc);
                        answers.resize(wanted, None);
                        Ok((id, ExportedResponse { id, campaign_id, site_id, submitted_at, day, channel, language, answers }))
                    })
                    .collect()
            }
        })
    }
}
