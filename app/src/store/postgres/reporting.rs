//! [`ReportingStore`] on PostgreSQL, and the response rows with their aggregates.
//!
//! The aggregates are kept by atomic upserts (`ON CONFLICT … DO UPDATE SET n = t.n + …`), so
//! concurrent responses on several app servers never lose a count (READ COMMITTED), in one lock
//! order (see `AggregateDeltas`).

use crate::store::sql::complaints::{complaint_from_row, parsed, push_complaint_filter, COMPLAINT_COLUMNS};
use super::PgStore;
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
use sqlx::{FromRow, PgConnection, Postgres, QueryBuilder, Row};
use std::collections::BTreeMap;

/// Inserts a response, its answers and its share of the aggregates (inside the caller's
/// transaction); returns the response id.
/// `import_id`: the paper import the response comes from, if any. `coded`: the response came with
/// a valid visit code, which the caller has marked used in the same transaction.
pub(super) async fn insert_response_rows(tx: &mut PgConnection, r: &NewResponse, import_id: Option<i64>, coded: bool) -> Result<i64, StoreError> {
    let mut deltas = AggregateDeltas::default();
    let id = insert_response_only(tx, r, import_id, coded, &mut deltas).await?;
    deltas.upsert(tx).await?;
    Ok(id)
}

/// Inserts several responses (none with a visit code) and their answers, then their share of the
/// aggregates, summed (inside the caller's transaction): for imports and batches, whose
/// responses may fall on many days and sites.
pub(super) async fn insert_responses_rows(tx: &mut PgConnection, responses: &[NewResponse], import_id: Option<i64>) -> Result<(), StoreError> {
    let mut deltas = AggregateDeltas::default();
    for r in responses {
        insert_response_only(tx, r, import_id, false, &mut deltas).await?;
    }
    deltas.upsert(tx).await
}

/// Inserts the `responses` row and the `response_answers` rows of `r`, and adds its counts to
/// `deltas`; returns the response id.
async fn insert_response_only(tx: &mut PgConnection, r: &NewResponse, import_id: Option<i64>, coded: bool, deltas: &mut AggregateDeltas) -> Result<i64, StoreError> {
    let day = paris_day(r.submitted_at);
    let procedure = r.dimensions.procedure.as_deref().unwrap_or("");
    let appointment = r.dimensions.appointment.as_deref().unwrap_or("");
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO responses (campaign_id, site_id, questionnaire_version_id, channel, language, submitted_at, day, procedure, appointment, import_id, answers, with_visit_code)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12) RETURNING id",
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
    // Few statements per response (each is a round trip to the server): one multi-row INSERT.
    if !r.answers.choices.is_empty() || !r.answers.texts.is_empty() {
        let mut q = QueryBuilder::<Postgres>::new("INSERT INTO response_answers (response_id, question_key, option_key, text_value, search_text) ");
        q.push_values(r.answers.choices.iter().map(|(k, v)| (k, Some(v), None)).chain(r.answers.texts.iter().map(|(k, t)| (k, None, Some(t)))), |mut b, (k, option, text): (&String, Option<&String>, Option<&String>)| {
            b.push_bind(id).push_bind(k.clone()).push_bind(option.cloned()).push_bind(text.cloned()).push_bind(text.map(|t| search::fold(t)));
        });
        q.build().execute(&mut *tx).await?;
    }
    let coded = i64::from(coded);
    let cube = (r.site_id, day, r.campaign_id, r.channel.as_str().to_string(), r.language.clone(), procedure.to_string(), appointment.to_string());
    let c = deltas.response_cube.entry(cube.clone()).or_default();
    *c = (c.0 + 1, c.1 + coded);
    let d = deltas.response_day.entry((r.site_id, day, r.campaign_id)).or_default();
    *d = (d.0 + 1, d.1 + coded);
    for (question, option) in &r.answers.choices {
        *deltas.answer_day.entry((r.site_id, day, r.campaign_id, question.clone(), option.clone())).or_default() += 1;
        let (site_id, day, campaign_id, channel, language, procedure, appointment) = cube.clone();
        *deltas.answer_cube.entry((site_id, day, campaign_id, channel, language, procedure, appointment, question.clone(), option.clone())).or_default() += 1;
    }
    Ok(id)
}

/// Key of a `response_cube` row: site, day, campaign, channel, language, procedure, appointment.
type CubeKey = (i64, NaiveDate, i64, String, String, String, String);

/// What some responses add to the aggregate tables, keyed by each table's primary key.
///
/// Every transaction that changes the aggregates upserts them through [`Self::upsert`]: the
/// tables in one order (`response_cube`, `response_day`, `answer_day`, `answer_cube`), the rows of
/// each in ascending key order. So two transactions lock the rows they share in the same order
/// and never deadlock, whatever their number of responses (an import of a thousand paper
/// questionnaires while visitors answer online).
#[derive(Default)]
struct AggregateDeltas {
    /// (respondents, with a visit code).
    response_cube: BTreeMap<CubeKey, (i64, i64)>,
    /// Site, day, campaign → (respondents, with a visit code).
    response_day: BTreeMap<(i64, NaiveDate, i64), (i64, i64)>,
    /// Site, day, campaign, question, option → answers.
    answer_day: BTreeMap<(i64, NaiveDate, i64, String, String), i64>,
    /// Cube key, question, option → answers.
    #[allow(clippy::type_complexity)]
    answer_cube: BTreeMap<(i64, NaiveDate, i64, String, String, String, String, String, String), i64>,
}

/// Rows per multi-row upsert (PostgreSQL takes at most 65 535 parameters per statement).
const UPSERT_CHUNK: usize = 1_000;

impl AggregateDeltas {
    /// Adds the counts to the aggregate tables: atomic upserts (`n = t.n + EXCLUDED.n`).
    async fn upsert(&self, tx: &mut PgConnection) -> Result<(), StoreError> {
        let cube: Vec<_> = self.response_cube.iter().collect();
        for chunk in cube.chunks(UPSERT_CHUNK) {
            let mut q = QueryBuilder::<Postgres>::new(format!("INSERT INTO response_cube ({DIMENSIONS}, respondents, with_visit_code) "));
            q.push_values(chunk, |mut b, ((site_id, day, campaign_id, channel, language, procedure, appointment), (n, coded))| {
                b.push_bind(*site_id)
                    .push_bind(*day)
                    .push_bind(*campaign_id)
                    .push_bind(channel.clone())
                    .push_bind(language.clone())
                    .push_bind(procedure.clone())
                    .push_bind(appointment.clone())
                    .push_bind(*n)
                    .push_bind(*coded);
            });
            q.push(format!(
                " ON CONFLICT ({DIMENSIONS}) DO UPDATE SET respondents = response_cube.respondents + EXCLUDED.respondents, with_visit_code = response_cube.with_visit_code + EXCLUDED.with_visit_code"
            ));
            q.build().execute(&mut *tx).await?;
        }
        let days: Vec<_> = self.response_day.iter().collect();
        for chunk in days.chunks(UPSERT_CHUNK) {
            let mut q = QueryBuilder::<Postgres>::new("INSERT INTO response_day (site_id, day, campaign_id, respondents, with_visit_code) ");
            q.push_values(chunk, |mut b, ((site_id, day, campaign_id), (n, coded))| {
                b.push_bind(*site_id).push_bind(*day).push_bind(*campaign_id).push_bind(*n).push_bind(*coded);
            });
            q.push(
                " ON CONFLICT (site_id, day, campaign_id) DO UPDATE SET respondents = response_day.respondents + EXCLUDED.respondents, with_visit_code = response_day.with_visit_code + EXCLUDED.with_visit_code",
            );
            q.build().execute(&mut *tx).await?;
        }
        let answers: Vec<_> = self.answer_day.iter().collect();
        for chunk in answers.chunks(UPSERT_CHUNK) {
            let mut q = QueryBuilder::<Postgres>::new("INSERT INTO answer_day (site_id, day, campaign_id, question_key, option_key, answers) ");
            q.push_values(chunk, |mut b, ((site_id, day, campaign_id, question, option), n)| {
                b.push_bind(*site_id).push_bind(*day).push_bind(*campaign_id).push_bind(question.clone()).push_bind(option.clone()).push_bind(**n);
            });
            q.push(" ON CONFLICT (site_id, day, campaign_id, question_key, option_key) DO UPDATE SET answers = answer_day.answers + EXCLUDED.answers");
            q.build().execute(&mut *tx).await?;
        }
        let answers: Vec<_> = self.answer_cube.iter().collect();
        for chunk in answers.chunks(UPSERT_CHUNK) {
            let mut q = QueryBuilder::<Postgres>::new(format!("INSERT INTO answer_cube ({DIMENSIONS}, question_key, option_key, answers) "));
            q.push_values(chunk, |mut b, ((site_id, day, campaign_id, channel, language, procedure, appointment, question, option), n)| {
                b.push_bind(*site_id)
                    .push_bind(*day)
                    .push_bind(*campaign_id)
                    .push_bind(channel.clone())
                    .push_bind(language.clone())
                    .push_bind(procedure.clone())
                    .push_bind(appointment.clone())
                    .push_bind(question.clone())
                    .push_bind(option.clone())
                    .push_bind(**n);
            });
            q.push(format!(" ON CONFLICT ({DIMENSIONS}, question_key, option_key) DO UPDATE SET answers = answer_cube.answers + EXCLUDED.answers"));
            q.build().execute(&mut *tx).await?;
        }
        Ok(())
    }
}

/// Adds the remark search: the folded text contains the folded query ([`search::fold`]: case and
/// accents do not matter).
fn push_search(q: &mut QueryBuilder<'_, Postgres>, search: Option<&str>) {
    if let Some(s) = search.map(str::trim).filter(|s| !s.is_empty()) {
        // Both sides are folded, so PostgreSQL's case-sensitive LIKE matches like SQLite's.
        q.push(" AND a.search_text LIKE ").push_bind(like_pattern(&search::fold(s))).push(" ESCAPE '\\'");
    }
}

const REMARK_SELECT: &str = "SELECT r.id, r.site_id, r.day, r.channel, r.language, a.question_key, a.text_value
     FROM responses r JOIN response_answers a ON a.response_id = r.id WHERE a.text_value IS NOT NULL";

#[async_trait]
impl ReportingStore for PgStore {
    async fn list_campaigns(&self) -> Result<Vec<Campaign>, StoreError> {
        let rows = sqlx::query(&format!("{CAMPAIGN_SELECT} ORDER BY c.starts_on DESC, c.id DESC")).fetch_all(&self.pool).await?;
        rows.iter().map(campaign_from_row).collect()
    }

    async fn campaign_by_id(&self, id: i64) -> Result<Option<Campaign>, StoreError> {
        let row = sqlx::query(&format!("{CAMPAIGN_SELECT} WHERE c.id = $1")).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(campaign_from_row).transpose()
    }

    async fn respondents_by_day(&self, f: &ResponseFilter) -> Result<Vec<DayCount>, StoreError> {
        let table = if coarse(f) { "response_day" } else { "response_cube" };
        let mut q = QueryBuilder::<Postgres>::new(format!("SELECT k.site_id, k.day, SUM(k.respondents)::BIGINT AS n FROM {table} k WHERE TRUE"));
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
        let mut q = QueryBuilder::<Postgres>::new(format!(
            "SELECT k.site_id, to_char(k.day, 'YYYY-MM') AS month, k.question_key, k.option_key, SUM(k.answers)::BIGINT AS n FROM {table} k WHERE TRUE"
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
        let mut count = QueryBuilder::<Postgres>::new("SELECT COUNT(*) FROM responses r JOIN response_answers a ON a.response_id = r.id WHERE a.text_value IS NOT NULL");
        push_response_filter(&mut count, "r", f);
        push_search(&mut count, search);
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
        let mut q = QueryBuilder::<Postgres>::new(REMARK_SELECT);
        push_response_filter(&mut q, "r", f);
        push_search(&mut q, search);
        q.push(" ORDER BY r.day DESC, r.id DESC, a.question_key COLLATE \"C\" LIMIT ")
            .push_bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .push(" OFFSET ")
            .push_bind(i64::try_from(offset).unwrap_or(i64::MAX));
        let rows = q.build().fetch_all(&self.pool).await?;
        Ok((total.max(0) as u64, rows.iter().map(Remark::from_row).collect::<Result<_, _>>()?))
    }

    fn stream_responses(&self, f: ResponseFilter, keys: Vec<String>) -> BoxStream<'static, Result<ExportedResponse, StoreError>> {
        let pool = self.pool.clone();
        // The asked answers, read key by key from the JSONB `answers` (`->>`: the text of a
        // string value, NULL when the key is absent). Double quotes are dropped from the keys, as
        // in the JSON paths of the SQLite store.
        let keys: Vec<String> = keys.iter().map(|k| k.replace('"', "")).collect();
        batched(move |after| {
            let (pool, f, keys) = (pool.clone(), f.clone(), keys.clone());
            async move {
                let mut q = QueryBuilder::<Postgres>::new("SELECT r.id, r.campaign_id, r.site_id, r.submitted_at, r.day, r.channel, r.language");
                for key in keys.iter() {
                    q.push(", r.answers ->> ").push_bind(key.clone());
                }
                q.push(" FROM responses r WHERE r.id > ");
                q.push_bind(after);
                push_response_filter(&mut q, "r", &f);
                q.push(" ORDER BY r.id LIMIT ").push_bind(EXPORT_BATCH);
                let rows = q.build().fetch_all(&pool).await?;
                rows.iter()
                    .map(|row| {
                        let id: i64 = row.try_get("id")?;
                        let answers = (0..keys.len()).map(|i| row.try_get::<Option<String>, _>(7 + i)).collect::<Result<_, _>>()?;
                        Ok((
                            id,
                            ExportedResponse {
                                id,
                                campaign_id: row.try_get("campaign_id")?,
                                site_id: row.try_get("site_id")?,
                                submitted_at: row.try_get("submitted_at")?,
                                day: row.try_get("day")?,
                                channel: row.try_get("channel")?,
                                language: row.try_get("language")?,
                                answers,
                            },
                        ))
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
                let mut q = QueryBuilder::<Postgres>::new(REMARK_SELECT);
                q.push(" AND r.id IN (SELECT DISTINCT r.id FROM responses r JOIN response_answers a ON a.response_id = r.id WHERE a.text_value IS NOT NULL AND r.id > ");
                q.push_bind(after);
                push_response_filter(&mut q, "r", &f);
                push_search(&mut q, search.as_deref());
                q.push(" ORDER BY r.id LIMIT ").push_bind(EXPORT_BATCH).push(")");
                push_search(&mut q, search.as_deref());
                q.push(" ORDER BY r.id, a.question_key COLLATE \"C\"");
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
                let mut q = QueryBuilder::<Postgres>::new(format!("SELECT {COMPLAINT_COLUMNS} FROM complaints c JOIN sites s ON s.id = c.site_id WHERE c.id > "));
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
        let mut q = QueryBuilder::<Postgres>::new(
            "SELECT c.site_id, c.kind, c.channel, c.procedure, c.status, c.received_on, c.reply_days, c.acknowledged_on, c.replied_on FROM complaints c WHERE TRUE",
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
        let rows = sqlx::query("SELECT id, campaign_id, site_id, said, done FROM campaign_actions WHERE campaign_id = $1 ORDER BY id")
            .bind(campaign_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(CampaignAction::from_row).collect::<Result<_, _>>()?)
    }

    async fn add_action(&self, a: &CampaignAction, user_id: i64, now: DateTime<Utc>) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("INSERT INTO campaign_actions (campaign_id, site_id, said, done, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
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
        let r = sqlx::query("DELETE FROM campaign_actions WHERE campaign_id = $1 AND id = $2").bind(campaign_id).bind(id).execute(&self.pool).await?;
        Ok(r.rows_affected() > 0)
    }

    async fn rebuild_aggregates(&self) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        // SHARE blocks writes to `responses` (every transaction that changes the aggregates first
        // inserts a response) and waits for those under way, so the rebuilt counts are exact and
        // no response counted by a concurrent upsert is lost or counted twice. Reads go on.
        sqlx::query("LOCK TABLE responses IN SHARE MODE").execute(&mut *tx).await?;
        for table in ["response_cube", "answer_cube", "response_day", "answer_day"] {
            sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *tx).await?;
        }
        sqlx::query("INSERT INTO response_day (site_id, day, campaign_id, respondents, with_visit_code)
             SELECT site_id, day, campaign_id, COUNT(*), COUNT(*) FILTER (WHERE with_visit_code) FROM responses GROUP BY site_id, day, campaign_id")
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
            "INSERT INTO response_cube ({DIMENSIONS}, respondents, with_visit_code) SELECT {DIMENSIONS}, COUNT(*), COUNT(*) FILTER (WHERE with_visit_code) FROM responses GROUP BY {DIMENSIONS}"
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
