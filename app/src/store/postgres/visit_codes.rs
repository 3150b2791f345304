//! [`VisitCodeStore`] on PostgreSQL, and the claim of a code inside the response's transaction.

use super::reporting::push_response_filter;
use super::{claim_token, PgStore};
use crate::domain::visit_code::{CodeState, VisitCode};
use crate::store::reporting::coarse;
use crate::store::visit_codes::BatchDbRow;
use crate::store::*;
use crate::time::paris_day;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::PgRow;
use sqlx::{FromRow, QueryBuilder, Row, Postgres, PgConnection};

/// Marks `code` of site `site_id` used on the Europe/Paris day of `at` (inside the caller's
/// transaction): `true` when it was unused, `false` when it was already used or is not a code of
/// that site. One statement, `WHERE used_on IS NULL`, so two transactions cannot both claim it
/// (in READ COMMITTED the second waits for the first and then re-checks `used_on IS NULL`).
pub(super) async fn claim_code(tx: &mut PgConnection, code: &VisitCode, site_id: i64, at: DateTime<Utc>) -> Result<bool, StoreError> {
    let r = sqlx::query("UPDATE visit_codes SET used_on = $1 WHERE code = $2 AND site_id = $3 AND used_on IS NULL")
        .bind(paris_day(at))
        .bind(code.as_str())
        .bind(site_id)
        .execute(&mut *tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

const BATCH_SELECT: &str = "SELECT b.id AS batch_id, b.label, b.size, b.created_at, u.display_name,
            s.id, s.slug, s.name, s.kind,
            (SELECT COUNT(*) FROM visit_codes c WHERE c.batch_id = b.id AND c.used_on IS NOT NULL) AS used
     FROM visit_code_batches b JOIN sites s ON s.id = b.site_id JOIN users u ON u.id = b.created_by WHERE TRUE";

fn batch_from_row(row: &PgRow) -> Result<CodeBatch, StoreError> {
    Ok(BatchDbRow::from_row(row)?.into())
}

#[async_trait]
impl VisitCodeStore for PgStore {
    async fn create_code_batch(&self, batch: &NewCodeBatch, next_code: &mut (dyn FnMut() -> VisitCode + Send)) -> Result<CodeBatchOutcome, StoreError> {
        let mut tx = self.pool.begin().await?;
        if !claim_token(&mut tx, &batch.token_nonce, batch.created_at).await? {
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
        let mut q = QueryBuilder::<Postgres>::new(BATCH_SELECT);
        super::push_site_scope(&mut q, "b.site_id", scope);
        q.push(" ORDER BY b.id DESC");
        let rows = q.build().fetch_all(&self.pool).await?;
        rows.iter().map(batch_from_row).collect()
    }

    async fn code_batch(&self, id: i64, scope: &SiteScope) -> Result<Option<CodeBatch>, StoreError> {
        let mut q = QueryBuilder::<Postgres>::new(BATCH_SELECT);
        q.push(" AND b.id = ").push_bind(id);
        super::push_site_scope(&mut q, "b.site_id", scope);
        let row = q.build().fetch_optional(&self.pool).await?;
        row.as_ref().map(batch_from_row).transpose()
    }

    async fn batch_codes(&self, id: i64) -> Result<Vec<BatchCode>, StoreError> {
        // The creation order is not kept (as on SQLite, whose table is WITHOUT ROWID); print them
        // sorted (byte order, as on SQLite), which staff can check against the CSV.
        let rows: Vec<(String, Option<NaiveDate>)> = sqlx::query_as("SELECT code, used_on FROM visit_codes WHERE batch_id = $1 ORDER BY code COLLATE \"C\"").bind(id).fetch_all(&self.pool).await?;
        rows.into_iter()
            .map(|(code, used_on)| Ok(BatchCode { code: VisitCode::parse(&code).ok_or_else(|| StoreError::Corrupt(format!("bad visit code {code:?}")))?, used_on }))
            .collect()
    }

    async fn visit_code_state(&self, site_id: i64, code: &VisitCode) -> Result<CodeState, StoreError> {
        let row: Option<(Option<NaiveDate>,)> = sqlx::query_as("SELECT used_on FROM visit_codes WHERE code = $1 AND site_id = $2").bind(code.as_str()).bind(site_id).fetch_optional(&self.pool).await?;
        Ok(match row {
            None => CodeState::Unknown,
            Some((None,)) => CodeState::Valid,
            Some((Some(_),)) => CodeState::Used,
        })
    }

    async fn visit_code_share(&self, f: &ResponseFilter) -> Result<VisitCodeShare, StoreError> {
        let table = if coarse(f) { "response_day" } else { "response_cube" };
        let mut q = QueryBuilder::<Postgres>::new(format!("SELECT COALESCE(SUM(k.with_visit_code), 0)::BIGINT AS coded, COALESCE(SUM(k.respondents), 0)::BIGINT AS total FROM {table} k WHERE TRUE"));
        push_response_filter(&mut q, "k", f);
        let row = q.build().fetch_one(&self.pool).await?;
        let (coded, total): (i64, i64) = (row.try_get("coded")?, row.try_get("total")?);
        Ok(VisitCodeShare { coded: coded.max(0) as u64, total: total.max(0) as u64 })
    }
}
