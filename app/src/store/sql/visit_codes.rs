//! [`VisitCodeStore`](crate::store::VisitCodeStore) on both engines, and the claim of a code
//! inside the response's transaction.

/// The batches with their site, creator and number of used codes; ends with `WHERE TRUE`, for
/// `AND …` conditions.
pub(crate) const BATCH_SELECT: &str = "SELECT b.id AS batch_id, b.label, b.size, b.created_at, u.display_name,
            s.id, s.slug, s.name, s.kind,
            (SELECT COUNT(*) FROM visit_codes c WHERE c.batch_id = b.id AND c.used_on IS NOT NULL) AS used
     FROM visit_code_batches b JOIN sites s ON s.id = b.site_id JOIN users u ON u.id = b.created_by WHERE TRUE";

/// `impl VisitCodeStore for $store`, and `$store::claim_code`, for a store type with a `pool()`
/// and a [`Dialect`](super::Dialect).
macro_rules! impl_visit_code_store {
    ($store:ty) => {
        const _: () = {
            use $crate::domain::visit_code::{CodeState, VisitCode};
            use $crate::store::reporting::coarse;
            use $crate::store::sql::visit_codes::BATCH_SELECT;
            use $crate::store::sql::{push_response_filter, push_site_scope, Conn, Dialect, DbRow};
            use $crate::store::visit_codes::BatchDbRow;
            use $crate::store::*;
            use $crate::time::paris_day;
            use chrono::{DateTime, NaiveDate, Utc};
            use sqlx::{FromRow, QueryBuilder, Row};

            fn batch_from_row(row: &DbRow<$store>) -> Result<CodeBatch, StoreError> {
                Ok(BatchDbRow::from_row(row)?.into())
            }

            impl $store {
                /// Marks `code` of site `site_id` used on the Europe/Paris day of `at` (inside the
                /// caller's transaction): `true` when it was unused, `false` when it was already
                /// used or is not a code of that site. One statement, `WHERE used_on IS NULL`, so
                /// two transactions cannot both claim it (on PostgreSQL, in READ COMMITTED, the
                /// second waits for the first and then re-checks `used_on IS NULL`).
                pub(crate) async fn claim_code(tx: &mut Conn<Self>, code: &VisitCode, site_id: i64, at: DateTime<Utc>) -> Result<bool, StoreError> {
                    let r = sqlx::query("UPDATE visit_codes SET used_on = $1 WHERE code = $2 AND site_id = $3 AND used_on IS NULL")
                        .bind(paris_day(at))
                        .bind(code.as_str())
                        .bind(site_id)
                        .execute(&mut *tx)
                        .await?;
                    Ok(r.rows_affected() == 1)
                }
            }

            #[async_trait::async_trait]
            impl VisitCodeStore for $store {
                async fn create_code_batch(&self, batch: &NewCodeBatch, next_code: &mut (dyn FnMut() -> VisitCode + Send)) -> Result<CodeBatchOutcome, StoreError> {
                    let mut tx = self.pool().begin().await?;
                    if !Self::claim_token(&mut tx, &batch.token_nonce, batch.created_at).await? {
                        return Ok(CodeBatchOutcome::TokenUsed);
                    }
                    let id: i64 = sqlx::query_scalar("INSERT INTO visit_code_batches (site_id, label, size, created_at, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                        .bind(batch.site_id)
                        .bind(&batch.label)
                        .bind(i64::from(batch.size))
                        .bind(batch.created_at)
                        .bind(batch.created_by)
                        .fetch_one(&mut *tx)
                        .await?;
                    for _ in 0..batch.size {
                        let mut attempts = 0;
                        loop {
                            let code = next_code();
                            let r = sqlx::query("INSERT INTO visit_codes (code, batch_id, site_id) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING")
                                .bind(code.as_str())
                                .bind(id)
                                .bind(batch.site_id)
                                .execute(&mut *tx)
                                .await?;
                            if r.rows_affected() == 1 {
                                break;
                            }
                            attempts += 1;
                            if attempts >= 100 {
                                return Err(StoreError::Conflict("no free visit code found".into()));
                            }
                        }
                    }
                    tx.commit().await?;
                    Ok(CodeBatchOutcome::Created(id))
                }

                async fn list_code_batches(&self, scope: &SiteScope) -> Result<Vec<CodeBatch>, StoreError> {
                    let mut q = QueryBuilder::<<Self as Dialect>::Db>::new(BATCH_SELECT);
                    push_site_scope(&mut q, "b.site_id", scope);
                    q.push(" ORDER BY b.id DESC");
                    let rows = q.build().fetch_all(self.pool()).await?;
                    rows.iter().map(batch_from_row).collect()
                }

                async fn code_batch(&self, id: i64, scope: &SiteScope) -> Result<Option<CodeBatch>, StoreError> {
                    let mut q = QueryBuilder::<<Self as Dialect>::Db>::new(BATCH_SELECT);
                    q.push(" AND b.id = ").push_bind(id);
                    push_site_scope(&mut q, "b.site_id", scope);
                    let row = q.build().fetch_optional(self.pool()).await?;
                    row.as_ref().map(batch_from_row).transpose()
                }

                async fn batch_codes(&self, id: i64) -> Result<Vec<BatchCode>, StoreError> {
                    // The creation order is not kept (SQLite's table is WITHOUT ROWID); print them
                    // sorted (byte order), which staff can check against the CSV.
                    let rows: Vec<(String, Option<NaiveDate>)> =
                        sqlx::query_as(&format!("SELECT code, used_on FROM visit_codes WHERE batch_id = $1 ORDER BY code{}", Self::BYTE_ORDER)).bind(id).fetch_all(self.pool()).await?;
                    rows.into_iter()
                        .map(|(code, used_on)| Ok(BatchCode { code: VisitCode::parse(&code).ok_or_else(|| StoreError::Corrupt(format!("bad visit code {code:?}")))?, used_on }))
                        .collect()
                }

                async fn visit_code_state(&self, site_id: i64, code: &VisitCode) -> Result<CodeState, StoreError> {
                    let row: Option<(Option<NaiveDate>,)> =
                        sqlx::query_as("SELECT used_on FROM visit_codes WHERE code = $1 AND site_id = $2").bind(code.as_str()).bind(site_id).fetch_optional(self.pool()).await?;
                    Ok(match row {
                        None => CodeState::Unknown,
                        Some((None,)) => CodeState::Valid,
                        Some((Some(_),)) => CodeState::Used,
                    })
                }

                async fn visit_code_share(&self, f: &ResponseFilter) -> Result<VisitCodeShare, StoreError> {
                    let table = if coarse(f) { "response_day" } else { "response_cube" };
                    let mut q = QueryBuilder::<<Self as Dialect>::Db>::new(format!(
                        "SELECT CAST(COALESCE(SUM(k.with_visit_code), 0) AS BIGINT) AS coded, CAST(COALESCE(SUM(k.respondents), 0) AS BIGINT) AS total FROM {table} k WHERE TRUE"
                    ));
                    push_response_filter(&mut q, "k", f);
                    let row = q.build().fetch_one(self.pool()).await?;
                    let (coded, total): (i64, i64) = (row.try_get("coded")?, row.try_get("total")?);
                    Ok(VisitCodeShare { coded: coded.max(0) as u64, total: total.max(0) as u64 })
                }
            }
        };
    };
}
pub(crate) use impl_visit_code_store;
