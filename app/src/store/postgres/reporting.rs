//! What is PostgreSQL's own in the reporting (the rest, shared with SQLite, is in
//! [`crate::store::sql::reporting`]): the aggregates of the responses stored, and the export of
//! the responses (the JSONB answers read key by key).
//!
//! The aggregates are kept by atomic upserts (`ON CONFLICT … DO UPDATE SET n = t.n + …`), so
//! concurrent responses on several app servers never lose a count (READ COMMITTED), in one lock
//! order (see `AggregateDeltas`).

use super::PgStore;
use crate::store::reporting::batched;
use crate::store::sql::push_response_filter;
use crate::store::sql::reporting::DIMENSIONS;
use crate::store::*;
use crate::time::paris_day;
use chrono::NaiveDate;
use futures::stream::BoxStream;
use sqlx::{PgConnection, Postgres, QueryBuilder, Row};
use std::collections::BTreeMap;

/// Storing responses (called by [`crate::store::sql::store::impl_store`]).
impl PgStore {
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
}

/// Inserts the `responses` row and the `response_answers` rows of `r`, and adds its counts to
/// `deltas`; returns the response id.
async fn insert_response_only(tx: &mut PgConnection, r: &NewResponse, import_id: Option<i64>, coded: bool, deltas: &mut AggregateDeltas) -> Result<i64, StoreError> {
    let day = paris_day(r.submitted_at);
    let procedure = r.dimensions.procedure.as_deref().unwrap_or("");
    let appointment = r.dimensions.appointment.as_deref().unwrap_or("");
    let id = PgStore::insert_response_and_answers(tx, r, import_id, coded).await?;
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

/// The export of the responses (called by [`crate::store::sql::reporting::impl_reporting_store`]).
impl PgStore {
    /// [`ReportingStore::stream_responses`] on this engine.
    pub(super) fn export_responses(&self, f: ResponseFilter, keys: Vec<String>) -> BoxStream<'static, Result<ExportedResponse, StoreError>> {
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
}
