//! [`ReportingStore`] on SQLite, and the response rows with their aggregates.

use crate::store::sql::complaints::{complaint_from_row, parsed, push_complaint_filter, COMPLAINT_COLUMNS};
use super::SqliteStore;
use crate::store::sql::reporting::{campaign_from_row, CAMPAIGN_SELECT, DIMENSIONS};
use crate::store::sql::{push_response_filter, push_site_scope};
use crate::domain::complaint::{ComplaintChannel, ComplaintKind, ComplaintStatus, Procedure};
use crate::domain::indicators::ComplaintFact;
use crate::domain::search;
use crate::store::reporting::{answers_json, batched, coarse, like_pattern};
use crate::store::*;
use crate::time::paris_day;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use futures::stream::BoxStream;
use sqlx::sqlite::SqlitePool;
use sqlx::{FromRow, QueryBuilder, Row, Sqlite, SqliteConnection};

/// Inserts a response, its answers and its share of the aggregates (inside the caller's
/// transaction); returns the response id.
/// `import_id`: the paper import the response comes from, if any. `coded`: the response came with
/// a valid visit code, which the caller has marked used in the same transaction.
pub(super) async fn insert_response_rows(tx: &mut SqliteConnection, r: &NewResponse, import_id: Option<i64>, coded: bool) -> Result<i64, StoreError> {
    let day = paris_day(r.submitted_at);
    let procedure = r.dimensions.procedure.as_deref().unwrap_or("");
    let appointment = r.dimensions.appointment.as_deref().unwrap_or("");
    let coded = i64::from(coded);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO responses (campaign_id, site_id, questionnaire_version_id, channel, language, submitted_at, day, procedure, appointment, import_id, answers, with_visit_code)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(r.campaign_id)
    .bind(r.site_id)
    .bind(r.questionnaire_version_id)
    .bind(r.channel.as_str())
    .bind(&r.language)
    .bind(r.submitted_at)
    .bind(day)
    .bind(procedure)
    .bind(appointment)
    .bind(import_id)
    .bind(answers_json(r))
    .bind(coded)
    .fetch_one(&mut *tx)
    .await?;
    // Few statements per response (each costs a round trip to SQLite's worker thread): one
    // multi-row INSERT per table.
    let choices: Vec<(&String, &String)> = r.answers.choices.iter().collect();
    if !r.answers.choices.is_empty() || !r.answers.texts.is_empty() {
        let mut q = QueryBuilder::<Sqlite>::new("INSERT INTO response_answers (response_id, question_key, option_key, text_value, search_text) ");
        q.push_values(choices.iter().map(|(k, v)| (*k, Some(*v), None)).chain(r.answers.texts.iter().map(|(k, t)| (k, None, Some(t)))), |mut b, (k, option, text): (&String, Option<&String>, Option<&String>)| {
            b.push_bind(id).push_bind(k.clone()).push_bind(option.cloned()).push_bind(text.cloned()).push_bind(text.map(|t| search::fold(t)));
        });
        q.build().execute(&mut *tx).await?;
    }
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

/// Adds the remark search: the folded text contains the folded query ([`search::fold`]: case and
/// accents do not matter).
fn push_search(q: &mut QueryBuilder<'_, Sqlite>, search: Option<&str>) {
    if let Some(s) = search.map(str::trim).filter(|s| !s.is_empty()) {
        q.push(" AND a.search_text LIKE ").push_bind(like_pattern(&search::fold(s))).push(" ESCAPE '\\'");
    }
}

const REMARK_SELECT: &str = "SELECT r.id, r.site_id, r.day, r.channel, r.language, a.question_key, a.text_value
     FROM responses r JOIN response_answers a ON a.response_id = r.id WHERE a.text_value IS NOT NULL";

#[async_trait]
impl ReportingStore for SqliteStore {
    async fn list_campaigns(&self) -> Result<Vec<Campaign>, StoreError> {
        let rows = sqlx::query(&format!("{CAMPAIGN_SELECT} ORDER BY c.starts_on DESC, c.id DESC")).fetch_all(&self.pool).await?;
        rows.iter().map(campaign_from_row).collect()
    }

    async fn campaign_by_id(&self, id: i64) -> Result<Option<Campaign>, StoreError> {
        let row = sqlx::query(&format!("{CAMPAIGN_SELECT} WHERE c.id = ?")).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(campaign_from_row).transpose()
    }

    async fn respondents_by_day(&self, f: &ResponseFilter) -> Result<Vec<DayCount>, StoreError> {
        let table = if coarse(f) { "response_day" } else { "response_cube" };
        let mut q = QueryBuilder::<Sqlite>::new(format!("SELECT k.site_id, k.day, SUM(k.respondents) AS n FROM {table} k WHERE 1"));
        push_response_filter(&mut q, "k", f);
        q.push(" GROUP BY k.site_id, k.day ORDER BY k.day, k.site_id");
        let rows = q.build().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                let n: i64 = row.try_get("n")?;
                Ok(DayCount { site_id: row.try_get("site_id")?, day: row.try_get("day")?, respondents: n.max(0) as u64 })
            })
            .collect()
    }

    async fn answer_counts_by_month(&self, f: &ResponseFilter) -> Result<Vec<MonthAnswerCount>, StoreError> {
        let table = if coarse(f) { "answer_day" } else { "answer_cube" };
        let mut q = QueryBuilder::<Sqlite>::new(format!(
            "SELECT k.site_id, substr(k.day, 1, 7) AS month, k.question_key, k.option_key, SUM(k.answers) AS n FROM {table} k WHERE 1"
        ));
        push_response_filter(&mut q, "k", f);
        q.push(" GROUP BY k.site_id, month, k.question_key, k.option_key");
        let rows = q.build().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                let month: String = row.try_get("month")?;
                let parsed = month
                    .split_once('-')
                    .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)))
                    .ok_or_else(|| StoreError::Corrupt(format!("bad day {month:?}")))?;
                let n: i64 = row.try_get("n")?;
                Ok(MonthAnswerCount {
                    site_id: row.try_get("site_id")?,
                    month: parsed,
                    question_key: row.try_get("question_key")?,
                    option_key: row.try_get("option_key")?,
                    count: n.max(0) as u64,
                })
            })
            .collect()
    }

    async fn remarks(&self, f: &ResponseFilter, search: Option<&str>, offset: u64, limit: u64) -> Result<(u64, Vec<Remark>), StoreError> {
        let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM responses r JOIN response_answers a ON a.response_id = r.id WHERE a.text_value IS NOT NULL");
        push_response_filter(&mut count, "r", f);
        push_search(&mut count, search);
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
        let mut q = QueryBuilder::<Sqlite>::new(REMARK_SELECT);
        push_response_filter(&mut q, "r", f);
        push_search(&mut q, search);
        q.push(" ORDER BY r.day DESC, r.id DESC, a.question_key LIMIT ")
            .push_bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .push(" OFFSET ")
            .push_bind(i64::try_from(offset).unwrap_or(i64::MAX));
        let rows = q.build().fetch_all(&self.pool).await?;
        Ok((total.max(0) as u64, rows.iter().map(Remark::from_row).collect::<Result<_, _>>()?))
    }

    fn stream_responses(&self, f: ResponseFilter, keys: Vec<String>) -> BoxStream<'static, Result<ExportedResponse, StoreError>> {
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

    fn stream_remarks(&self, f: ResponseFilter, search: Option<String>) -> BoxStream<'static, Result<Remark, StoreError>> {
        let pool = self.pool.clone();
        // Keyed on the response id: a response has at most a few free-text answers, so a batch
        // holds every remark of its last response (the limit counts responses, not remarks).
        batched(move |after| {
            let (pool, f, search) = (pool.clone(), f.clone(), search.clone());
            async move {
                let mut q = QueryBuilder::<Sqlite>::new(REMARK_SELECT);
                q.push(" AND r.id IN (SELECT DISTINCT r.id FROM responses r NOT INDEXED JOIN response_answers a ON a.response_id = r.id WHERE a.text_value IS NOT NULL AND r.id > ");
                q.push_bind(after);
                push_response_filter(&mut q, "r", &f);
                push_search(&mut q, search.as_deref());
                q.push(" ORDER BY r.id LIMIT ").push_bind(EXPORT_BATCH).push(")");
                push_search(&mut q, search.as_deref());
                q.push(" ORDER BY r.id, a.question_key");
                let rows = q.build().fetch_all(&pool).await?;
                rows.iter().map(|row| Ok((row.try_get::<i64, _>("id")?, Remark::from_row(row)?))).collect()
            }
        })
    }

    fn stream_complaints(&self, scope: SiteScope, filter: ComplaintFilter, from: Option<NaiveDate>, to: Option<NaiveDate>) -> BoxStream<'static, Result<Complaint, StoreError>> {
        let pool = self.pool.clone();
        batched(move |after| {
            let (pool, scope, filter) = (pool.clone(), scope.clone(), filter.clone());
            async move {
                let mut q = QueryBuilder::<Sqlite>::new(format!("SELECT {COMPLAINT_COLUMNS} FROM complaints c NOT INDEXED JOIN sites s ON s.id = c.site_id WHERE c.id > "));
                q.push_bind(after);
                push_site_scope(&mut q, "c.site_id", &scope);
                push_complaint_filter(&mut q, &filter);
                if let Some(from) = from {
                    q.push(" AND c.received_on >= ").push_bind(from);
                }
                if let Some(to) = to {
                    q.push(" AND c.received_on <= ").push_bind(to);
                }
                q.push(" ORDER BY c.id LIMIT ").push_bind(EXPORT_BATCH);
                let rows = q.build().fetch_all(&pool).await?;
                rows.iter().map(|row| complaint_from_row(row).map(|c| (c.id, c))).collect()
            }
        })
    }

    async fn complaint_facts(&self, f: &ComplaintFactFilter) -> Result<Vec<ComplaintFact>, StoreError> {
        let mut q = QueryBuilder::<Sqlite>::new(
            "SELECT c.site_id, c.kind, c.channel, c.procedure, c.status, c.received_on, c.reply_days, c.acknowledged_on, c.replied_on FROM complaints c WHERE 1",
        );
        push_site_scope(&mut q, "c.site_id", &f.sites);
        if let Some(from) = f.from {
            q.push(" AND c.received_on >= ").push_bind(from);
        }
        if let Some(to) = f.to {
            q.push(" AND c.received_on <= ").push_bind(to);
        }
        if let Some(procedure) = &f.procedure {
            q.push(" AND c.procedure = ").push_bind(procedure.clone());
        }
        q.push(" ORDER BY c.received_on, c.id");
        let rows = q.build().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                let reply_days: i64 = row.try_get("reply_days")?;
                Ok(ComplaintFact {
                    site_id: row.try_get("site_id")?,
                    kind: parsed(row, "kind", ComplaintKind::parse)?,
                    channel: parsed(row, "channel", ComplaintChannel::parse)?,
                    procedure: parsed(row, "procedure", Procedure::parse)?,
                    status: parsed(row, "status", ComplaintStatus::parse)?,
                    received_on: row.try_get("received_on")?,
                    reply_days: u32::try_from(reply_days).map_err(|_| StoreError::Corrupt(format!("reply_days {reply_days}")))?,
                    acknowledged_on: row.try_get("acknowledged_on")?,
                    replied_on: row.try_get("replied_on")?,
                })
            })
            .collect()
    }

    async fn list_actions(&self, campaign_id: i64) -> Result<Vec<CampaignAction>, StoreError> {
        let rows = sqlx::query("SELECT id, campaign_id, site_id, said, done FROM campaign_actions WHERE campaign_id = ? ORDER BY id")
            .bind(campaign_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(CampaignAction::from_row).collect::<Result<_, _>>()?)
    }

    async fn add_action(&self, a: &CampaignAction, user_id: i64, now: DateTime<Utc>) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("INSERT INTO campaign_actions (campaign_id, site_id, said, done, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")
            .bind(a.campaign_id)
            .bind(a.site_id)
            .bind(&a.said)
            .bind(&a.done)
            .bind(user_id)
            .bind(now)
            .fetch_one(&self.pool)
            .await?)
    }

    async fn delete_action(&self, campaign_id: i64, id: i64) -> Result<bool, StoreError> {
        let r = sqlx::query("DELETE FROM campaign_actions WHERE campaign_id = ? AND id = ?").bind(campaign_id).bind(id).execute(&self.pool).await?;
        Ok(r.rows_affected() > 0)
    }

    async fn rebuild_aggregates(&self) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        for table in ["response_cube", "answer_cube", "response_day", "answer_day"] {
            sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *tx).await?;
        }
        sqlx::query("INSERT INTO response_day (site_id, day, campaign_id, respondents, with_visit_code)
             SELECT site_id, day, campaign_id, COUNT(*), SUM(with_visit_code) FROM responses GROUP BY site_id, day, campaign_id")
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO answer_day (site_id, day, campaign_id, question_key, option_key, answers)
             SELECT r.site_id, r.day, r.campaign_id, a.question_key, a.option_key, COUNT(*)
             FROM responses r JOIN response_answers a ON a.response_id = r.id WHERE a.option_key IS NOT NULL
             GROUP BY r.site_id, r.day, r.campaign_id, a.question_key, a.option_key",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query(&format!(
            "INSERT INTO response_cube ({DIMENSIONS}, respondents, with_visit_code) SELECT {DIMENSIONS}, COUNT(*), SUM(with_visit_code) FROM responses GROUP BY {DIMENSIONS}"
        ))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO answer_cube (site_id, day, campaign_id, channel, language, procedure, appointment, question_key, option_key, answers)
             SELECT r.site_id, r.day, r.campaign_id, r.channel, r.language, r.procedure, r.appointment, a.question_key, a.option_key, COUNT(*)
             FROM responses r JOIN response_answers a ON a.response_id = r.id WHERE a.option_key IS NOT NULL
             GROUP BY r.site_id, r.day, r.campaign_id, r.channel, r.language, r.procedure, r.appointment, a.question_key, a.option_key",
        )
        .execute(&mut *tx)
        .await?;
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM responses").fetch_one(&mut *tx).await?;
        tx.commit().await?;
        Ok(n.max(0) as u64)
    }
}
