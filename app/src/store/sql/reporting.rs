//! [`ReportingStore`](crate::store::ReportingStore) on both engines. What stays per engine
//! (`sqlite/reporting.rs`, `postgres/reporting.rs`): storing a response with its aggregates (one
//! writer at a time on SQLite; summed upserts in one lock order on PostgreSQL), the export of the
//! responses (SQLite builds each batch as one JSON array; PostgreSQL reads the JSONB answers key by
//! key), and SQLite's data backfills.

use crate::domain::search;
use crate::store::reporting::{like_pattern, CampaignDbRow};
use crate::store::{Campaign, StoreError};
use sqlx::{Database, QueryBuilder};

/// Dimension columns shared by `responses`, `response_cube` and `answer_cube`.
pub const DIMENSIONS: &str = "site_id, day, campaign_id, channel, language, procedure, appointment";

/// The campaigns (alias `c`) with their questionnaire version's definition, for `WHERE`/`ORDER BY`
/// to follow.
pub const CAMPAIGN_SELECT: &str = "SELECT c.id, c.name, c.starts_on, c.ends_on, c.target_per_site, c.is_demo, c.questionnaire_version_id, v.definition
     FROM campaigns c JOIN questionnaire_versions v ON v.id = c.questionnaire_version_id";

/// A row of [`CAMPAIGN_SELECT`] as a campaign (either engine).
///
/// # Errors
/// [`StoreError::Corrupt`] when the questionnaire definition does not parse.
pub fn campaign_from_row<'r, R: sqlx::Row>(row: &'r R) -> Result<Campaign, StoreError>
where
    CampaignDbRow: sqlx::FromRow<'r, R>,
{
    <CampaignDbRow as sqlx::FromRow<'r, R>>::from_row(row)?.into_campaign()
}

/// Adds the remark search: the folded text contains the folded query ([`search::fold`]: case and
/// accents do not matter).
pub fn push_search<'a, DB: Database>(q: &mut QueryBuilder<'a, DB>, search: Option<&str>)
where
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
 {
    if let Some(s) = search.map(str::trim).filter(|s| !s.is_empty()) {
        // Both sides are folded, so PostgreSQL's case-sensitive LIKE matches like SQLite's.
        q.push(" AND a.search_text LIKE ").push_bind(like_pattern(&search::fold(s))).push(" ESCAPE '\\'");
    }
}

/// The free-text answers (alias `a`) with their response (alias `r`), ending with a `WHERE`
/// condition for `AND …` to follow.
pub const REMARK_SELECT: &str = "SELECT r.id, r.site_id, r.day, r.channel, r.language, a.question_key, a.text_value
     FROM responses r JOIN response_answers a ON a.response_id = r.id WHERE a.text_value IS NOT NULL";

/// `impl ReportingStore for $store`, for a store type with a `pool()`, a
/// [`Dialect`](super::Dialect) and an engine-specific `fn export_responses(&self, f:
/// ResponseFilter, keys: Vec<String>) -> BoxStream<'static, Result<ExportedResponse, StoreError>>`
/// (see [`ReportingStore::stream_responses`](crate::store::ReportingStore::stream_responses)).
macro_rules! impl_reporting_store {
    ($store:ty) => {
        const _: () = {
            use $crate::domain::complaint::{ComplaintChannel, ComplaintKind, ComplaintStatus, Procedure};
            use $crate::domain::indicators::ComplaintFact;
            use $crate::store::reporting::{batched, coarse};
            use $crate::store::sql::complaints::{complaint_from_row, parsed, push_complaint_filter, COMPLAINT_COLUMNS};
            use $crate::store::sql::reporting::{campaign_from_row, push_search, CAMPAIGN_SELECT, DIMENSIONS, REMARK_SELECT};
            use $crate::store::sql::{push_response_filter, push_site_scope, Dialect};
            use $crate::store::*;
            use chrono::{DateTime, NaiveDate, Utc};
            use futures::stream::BoxStream;
            use sqlx::{FromRow, QueryBuilder, Row};

            impl $store {
                /// Inserts the `responses` row and the `response_answers` rows of `r` (inside the
                /// caller's transaction), not the aggregates; returns the response id.
                /// `import_id`: the paper import the response comes from, if any. `coded`: the
                /// response came with a valid visit code, which the caller has marked used in the
                /// same transaction.
                pub(crate) async fn insert_response_and_answers(tx: &mut $crate::store::sql::Conn<Self>, r: &NewResponse, import_id: Option<i64>, coded: bool) -> Result<i64, StoreError> {
                    let id: i64 = sqlx::query_scalar(&format!(
                        "INSERT INTO responses (campaign_id, site_id, questionnaire_version_id, channel, language, submitted_at, day, procedure, appointment, import_id, answers, with_visit_code)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, {}, $12) RETURNING id",
                        Self::json("$11")
                    ))
                    .bind(r.campaign_id)
                    .bind(r.site_id)
                    .bind(r.questionnaire_version_id)
                    .bind(r.channel.as_str())
                    .bind(&r.language)
                    .bind(r.submitted_at)
                    .bind($crate::time::paris_day(r.submitted_at))
                    .bind(r.dimensions.procedure.as_deref().unwrap_or(""))
                    .bind(r.dimensions.appointment.as_deref().unwrap_or(""))
                    .bind(import_id)
                    .bind($crate::store::reporting::answers_json(r))
                    .bind(coded)
                    .fetch_one(&mut *tx)
                    .await?;
                    // Few statements per response (each is a round trip to the server, or to
                    // SQLite's worker thread): one multi-row INSERT.
                    if !r.answers.choices.is_empty() || !r.answers.texts.is_empty() {
                        let mut q = QueryBuilder::<<Self as Dialect>::Db>::new("INSERT INTO response_answers (response_id, question_key, option_key, text_value, search_text) ");
                        q.push_values(r.answers.choices.iter().map(|(k, v)| (k, Some(v), None)).chain(r.answers.texts.iter().map(|(k, t)| (k, None, Some(t)))), |mut b, (k, option, text): (&String, Option<&String>, Option<&String>)| {
                            b.push_bind(id).push_bind(k.clone()).push_bind(option.cloned()).push_bind(text.cloned()).push_bind(text.map(|t| $crate::domain::search::fold(t)));
                        });
                        q.build().execute(&mut *tx).await?;
                    }
                    Ok(id)
                }
            }

            #[async_trait::async_trait]
            impl ReportingStore for $store {
                async fn list_campaigns(&self) -> Result<Vec<Campaign>, StoreError> {
                    let rows = sqlx::query(&format!("{CAMPAIGN_SELECT} ORDER BY c.starts_on DESC, c.id DESC")).fetch_all(self.pool()).await?;
                    rows.iter().map(campaign_from_row).collect()
                }

                async fn campaign_by_id(&self, id: i64) -> Result<Option<Campaign>, StoreError> {
                    let row = sqlx::query(&format!("{CAMPAIGN_SELECT} WHERE c.id = $1")).bind(id).fetch_optional(self.pool()).await?;
                    row.as_ref().map(campaign_from_row).transpose()
                }

                async fn respondents_by_day(&self, f: &ResponseFilter) -> Result<Vec<DayCount>, StoreError> {
                    let table = if coarse(f) { "response_day" } else { "response_cube" };
                    let mut q = QueryBuilder::<<Self as Dialect>::Db>::new(format!("SELECT k.site_id, k.day, CAST(SUM(k.respondents) AS BIGINT) AS n FROM {table} k WHERE TRUE"));
                    push_response_filter(&mut q, "k", f);
                    q.push(" GROUP BY k.site_id, k.day ORDER BY k.day, k.site_id");
                    let rows = q.build().fetch_all(self.pool()).await?;
                    rows.iter()
                        .map(|row| {
                            let n: i64 = row.try_get("n")?;
                            Ok(DayCount { site_id: row.try_get("site_id")?, day: row.try_get("day")?, respondents: n.max(0) as u64 })
                        })
                        .collect()
                }

                async fn answer_counts_by_month(&self, f: &ResponseFilter) -> Result<Vec<MonthAnswerCount>, StoreError> {
                    let table = if coarse(f) { "answer_day" } else { "answer_cube" };
                    let mut q = QueryBuilder::<<Self as Dialect>::Db>::new(format!(
                        "SELECT k.site_id, {} AS month, k.question_key, k.option_key, CAST(SUM(k.answers) AS BIGINT) AS n FROM {table} k WHERE TRUE",
                        Self::month("k.day")
                    ));
                    push_response_filter(&mut q, "k", f);
                    q.push(" GROUP BY k.site_id, month, k.question_key, k.option_key");
                    let rows = q.build().fetch_all(self.pool()).await?;
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
                    let mut count = QueryBuilder::<<Self as Dialect>::Db>::new("SELECT COUNT(*) FROM responses r JOIN response_answers a ON a.response_id = r.id WHERE a.text_value IS NOT NULL");
                    push_response_filter(&mut count, "r", f);
                    push_search(&mut count, search);
                    let total: i64 = count.build_query_scalar().fetch_one(self.pool()).await?;
                    let mut q = QueryBuilder::<<Self as Dialect>::Db>::new(REMARK_SELECT);
                    push_response_filter(&mut q, "r", f);
                    push_search(&mut q, search);
                    q.push(format!(" ORDER BY r.day DESC, r.id DESC, a.question_key{} LIMIT ", Self::BYTE_ORDER))
                        .push_bind(i64::try_from(limit).unwrap_or(i64::MAX))
                        .push(" OFFSET ")
                        .push_bind(i64::try_from(offset).unwrap_or(i64::MAX));
                    let rows = q.build().fetch_all(self.pool()).await?;
                    Ok((total.max(0) as u64, rows.iter().map(Remark::from_row).collect::<Result<_, _>>()?))
                }

                fn stream_responses(&self, f: ResponseFilter, keys: Vec<String>) -> BoxStream<'static, Result<ExportedResponse, StoreError>> {
                    self.export_responses(f, keys)
                }

                fn stream_remarks(&self, f: ResponseFilter, search: Option<String>) -> BoxStream<'static, Result<Remark, StoreError>> {
                    let pool = self.pool().clone();
                    // Keyed on the response id: a response has at most a few free-text answers, so a batch
                    // holds every remark of its last response (the limit counts responses, not remarks).
                    batched(move |after| {
                        let (pool, f, search) = (pool.clone(), f.clone(), search.clone());
                        async move {
                            let mut q = QueryBuilder::<<Self as Dialect>::Db>::new(REMARK_SELECT);
                            q.push(format!(" AND r.id IN (SELECT DISTINCT r.id FROM responses r{} JOIN response_answers a ON a.response_id = r.id WHERE a.text_value IS NOT NULL AND r.id > ", Self::NOT_INDEXED));
                            q.push_bind(after);
                            push_response_filter(&mut q, "r", &f);
                            push_search(&mut q, search.as_deref());
                            q.push(" ORDER BY r.id LIMIT ").push_bind(EXPORT_BATCH).push(")");
                            push_search(&mut q, search.as_deref());
                            q.push(format!(" ORDER BY r.id, a.question_key{}", Self::BYTE_ORDER));
                            let rows = q.build().fetch_all(&pool).await?;
                            rows.iter().map(|row| Ok((row.try_get::<i64, _>("id")?, Remark::from_row(row)?))).collect()
                        }
                    })
                }

                fn stream_complaints(&self, scope: SiteScope, filter: ComplaintFilter, from: Option<NaiveDate>, to: Option<NaiveDate>) -> BoxStream<'static, Result<Complaint, StoreError>> {
                    let pool = self.pool().clone();
                    batched(move |after| {
                        let (pool, scope, filter) = (pool.clone(), scope.clone(), filter.clone());
                        async move {
                            let mut q = QueryBuilder::<<Self as Dialect>::Db>::new(format!("SELECT {COMPLAINT_COLUMNS} FROM complaints c{} JOIN sites s ON s.id = c.site_id WHERE c.id > ", Self::NOT_INDEXED));
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
                    let mut q = QueryBuilder::<<Self as Dialect>::Db>::new(
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
                    let rows = q.build().fetch_all(self.pool()).await?;
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
                        .fetch_all(self.pool())
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
                        .fetch_one(self.pool())
                        .await?)
                }

                async fn delete_action(&self, campaign_id: i64, id: i64) -> Result<bool, StoreError> {
                    let r = sqlx::query("DELETE FROM campaign_actions WHERE campaign_id = $1 AND id = $2").bind(campaign_id).bind(id).execute(self.pool()).await?;
                    Ok(r.rows_affected() > 0)
                }

                async fn rebuild_aggregates(&self) -> Result<u64, StoreError> {
                    let mut tx = self.pool().begin().await?;
                    // No response may be stored meanwhile (every transaction that changes the aggregates
                    // first inserts a response), so the rebuilt counts are exact and no response counted by a
                    // concurrent upsert is lost or counted twice. PostgreSQL: a SHARE lock blocks writes to
                    // `responses` and waits for those under way (reads go on); SQLite: the first DELETE takes
                    // the database's write lock.
                    if let Some(lock) = Self::SHARE_LOCK_RESPONSES {
                        sqlx::query(lock).execute(&mut *tx).await?;
                    }
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
        };
    };
}
pub(crate) use impl_reporting_store;
