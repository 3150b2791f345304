//! The [`Store`](crate::store::Store) trait's own methods (sites, campaigns, responses, form
//! tokens, secrets, users) on both engines.

/// `impl Store for $store`, and `$store::claim_token`, for a store type with a `pool()`, a
/// [`Dialect`](super::Dialect), and these engine-specific associated functions:
/// - `async fn migrate_schema(&self) -> Result<(), StoreError>`: the engine's migrations (and
///   data backfills);
/// - `async fn insert_response_rows(tx: &mut Conn<Self>, r: &NewResponse, import_id: Option<i64>,
///   coded: bool) -> Result<i64, StoreError>`: a response, its answers and aggregates, inside the
///   caller's transaction; returns its id;
/// - `async fn insert_responses_rows(tx: &mut Conn<Self>, responses: &[NewResponse], import_id:
///   Option<i64>) -> Result<(), StoreError>`: the same for several responses (none with a visit
///   code).
macro_rules! impl_store {
    ($store:ty) => {
        const _: () = {
            use $crate::domain::questionnaire::Questionnaire;
            use $crate::store::sql::reporting::{campaign_from_row, CAMPAIGN_SELECT};
            use $crate::store::sql::Conn;
            use $crate::store::*;
            use chrono::{DateTime, NaiveDate, Utc};
            use sqlx::Row;
            use std::collections::HashMap;

            impl $store {
                /// Consumes the one-time form token `nonce` on `conn` (inside the caller's
                /// transaction, if any): `true` the first time, `false` when it was already used.
                pub(crate) async fn claim_token(conn: &mut Conn<Self>, nonce: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
                    let r = sqlx::query("INSERT INTO used_form_tokens (nonce, used_at) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING").bind(nonce).bind(at).execute(&mut *conn).await?;
                    Ok(r.rows_affected() == 1)
                }
            }

            #[async_trait::async_trait]
            impl Store for $store {
                async fn migrate(&self) -> Result<(), StoreError> {
                    self.migrate_schema().await
                }

                async fn ping(&self) -> Result<(), StoreError> {
                    sqlx::query("SELECT 1").execute(self.pool()).await?;
                    Ok(())
                }

                async fn list_sites(&self) -> Result<Vec<Site>, StoreError> {
                    let rows = sqlx::query("SELECT id, slug, name, kind FROM sites WHERE active = TRUE ORDER BY position, id").fetch_all(self.pool()).await?;
                    Ok(rows.iter().map(site_from_row).collect::<Result<_, _>>()?)
                }

                async fn site_by_slug(&self, slug: &str) -> Result<Option<Site>, StoreError> {
                    let row = sqlx::query("SELECT id, slug, name, kind FROM sites WHERE active = TRUE AND slug = $1").bind(slug).fetch_optional(self.pool()).await?;
                    Ok(row.as_ref().map(site_from_row).transpose()?)
                }

                async fn create_questionnaire(&self, name: &str, definition: &Questionnaire, now: DateTime<Utc>) -> Result<i64, StoreError> {
                    let json = serde_json::to_string(definition).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    let mut tx = self.pool().begin().await?;
                    let qid: i64 = sqlx::query_scalar("INSERT INTO questionnaires (name, created_at) VALUES ($1, $2) RETURNING id").bind(name).bind(now).fetch_one(&mut *tx).await?;
                    let vid: i64 = sqlx::query_scalar("INSERT INTO questionnaire_versions (questionnaire_id, version, definition, created_at) VALUES ($1, 1, $2, $3) RETURNING id")
                        .bind(qid)
                        .bind(json)
                        .bind(now)
                        .fetch_one(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(vid)
                }

                async fn create_campaign(&self, c: &CampaignSettings, now: DateTime<Utc>) -> Result<i64, StoreError> {
                    let id = sqlx::query_scalar(
                        "INSERT INTO campaigns (name, questionnaire_version_id, starts_on, ends_on, target_per_site, is_demo, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    )
                    .bind(&c.name)
                    .bind(c.questionnaire_version_id)
                    .bind(c.starts_on)
                    .bind(c.ends_on)
                    .bind(c.target_per_site)
                    .bind(c.is_demo)
                    .bind(now)
                    .fetch_one(self.pool())
                    .await?;
                    Ok(id)
                }

                async fn count_campaigns(&self) -> Result<u64, StoreError> {
                    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM campaigns").fetch_one(self.pool()).await?;
                    Ok(n as u64)
                }

                async fn current_campaign(&self, today: NaiveDate) -> Result<Option<Campaign>, StoreError> {
                    let row = sqlx::query(&format!(
                        "{} ORDER BY
                           CASE WHEN c.starts_on <= $1 AND c.ends_on >= $1 THEN 0 WHEN c.starts_on <= $1 THEN 1 ELSE 2 END,
                           CASE WHEN c.starts_on <= $1 THEN c.starts_on END DESC,
                           c.starts_on ASC,
                           c.id DESC
                         LIMIT 1",
                        CAMPAIGN_SELECT
                    ))
                    .bind(today)
                    .fetch_optional(self.pool())
                    .await?;
                    row.as_ref().map(campaign_from_row).transpose()
                }

                async fn insert_response(&self, r: &NewResponse) -> Result<InsertOutcome, StoreError> {
                    let mut tx = self.pool().begin().await?;
                    if let Some(nonce) = &r.token_nonce {
                        if !Self::claim_token(&mut tx, nonce, r.submitted_at).await? {
                            tx.rollback().await?;
                            return Ok(InsertOutcome::AlreadyRecorded);
                        }
                    }
                    if let Some(code) = &r.visit_code {
                        if !Self::claim_code(&mut tx, code, r.site_id, r.submitted_at).await? {
                            tx.rollback().await?;
                            return Ok(InsertOutcome::CodeAlreadyUsed);
                        }
                    }
                    let id = Self::insert_response_rows(&mut tx, r, None, r.visit_code.is_some()).await?;
                    if let Some(nonce) = &r.token_nonce {
                        sqlx::query("UPDATE used_form_tokens SET response_id = $1 WHERE nonce = $2").bind(id).bind(nonce).execute(&mut *tx).await?;
                    }
                    tx.commit().await?;
                    Ok(InsertOutcome::Recorded(id))
                }

                async fn import_responses(&self, import: &PaperImport, responses: &[NewResponse]) -> Result<ImportOutcome, StoreError> {
                    let mut tx = self.pool().begin().await?;
                    let previous: Option<(DateTime<Utc>, i64)> = sqlx::query_as("SELECT imported_at, rows FROM paper_imports WHERE campaign_id = $1 AND file_sha256 = $2")
                        .bind(import.campaign_id)
                        .bind(&import.file_sha256)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if let Some((at, rows)) = previous {
                        return Ok(ImportOutcome::AlreadyImported { at, rows: rows.max(0) as u64 });
                    }
                    if !Self::claim_token(&mut tx, &import.token_nonce, import.at).await? {
                        return Ok(ImportOutcome::TokenUsed);
                    }
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO paper_imports (campaign_id, file_sha256, file_name, rows, user_id, imported_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    )
                    .bind(import.campaign_id)
                    .bind(&import.file_sha256)
                    .bind(&import.file_name)
                    .bind(responses.len() as i64)
                    .bind(import.user_id)
                    .bind(import.at)
                    .fetch_one(&mut *tx)
                    .await?;
                    // All rows, then their aggregates (on PostgreSQL summed, upserted once in a fixed lock
                    // order: no deadlock with visitors' submissions).
                    Self::insert_responses_rows(&mut tx, responses, Some(id)).await?;
                    tx.commit().await?;
                    Ok(ImportOutcome::Imported { id, rows: responses.len() as u64 })
                }

                async fn insert_responses_batch(&self, responses: &[NewResponse]) -> Result<u64, StoreError> {
                    let mut tx = self.pool().begin().await?;
                    Self::insert_responses_rows(&mut tx, responses, None).await?;
                    tx.commit().await?;
                    Ok(responses.len() as u64)
                }

                async fn list_imports(&self, limit: u32) -> Result<Vec<PaperImportRecord>, StoreError> {
                    let rows = sqlx::query(
                        "SELECT i.id, c.name AS campaign_name, i.file_name, i.rows, u.display_name, i.imported_at
                         FROM paper_imports i JOIN campaigns c ON c.id = i.campaign_id JOIN users u ON u.id = i.user_id
                         ORDER BY i.imported_at DESC, i.id DESC LIMIT $1",
                    )
                    .bind(i64::from(limit))
                    .fetch_all(self.pool())
                    .await?;
                    rows.iter()
                        .map(|row| {
                            let n: i64 = row.try_get("rows")?;
                            Ok(PaperImportRecord {
                                id: row.try_get("id")?,
                                campaign_name: row.try_get("campaign_name")?,
                                file_name: row.try_get("file_name")?,
                                rows: n.max(0) as u64,
                                user_name: row.try_get("display_name")?,
                                imported_at: row.try_get("imported_at")?,
                            })
                        })
                        .collect()
                }

                async fn consume_token(&self, nonce: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
                    let mut conn = self.pool().acquire().await?;
                    Self::claim_token(&mut conn, nonce, now).await
                }

                async fn count_responses(&self) -> Result<u64, StoreError> {
                    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM responses").fetch_one(self.pool()).await?;
                    Ok(n as u64)
                }

                async fn campaign_tallies(&self, campaign_id: i64) -> Result<Vec<SiteTally>, StoreError> {
                    let site_rows = sqlx::query(
                        "SELECT s.id, s.slug, s.name, s.kind, CAST(COALESCE(SUM(k.respondents), 0) AS BIGINT) AS respondents
                         FROM sites s LEFT JOIN response_day k ON k.site_id = s.id AND k.campaign_id = $1
                         WHERE s.active = TRUE GROUP BY s.id ORDER BY s.position, s.id",
                    )
                    .bind(campaign_id)
                    .fetch_all(self.pool())
                    .await?;
                    let mut tallies = Vec::with_capacity(site_rows.len());
                    for row in &site_rows {
                        let respondents: i64 = row.try_get("respondents")?;
                        tallies.push(SiteTally { site: site_from_row(row)?, respondents: respondents as u64, counts: HashMap::new() });
                    }
                    let count_rows = sqlx::query(
                        "SELECT k.site_id, k.question_key, k.option_key, CAST(SUM(k.answers) AS BIGINT) AS n
                         FROM answer_day k WHERE k.campaign_id = $1
                         GROUP BY k.site_id, k.question_key, k.option_key",
                    )
                    .bind(campaign_id)
                    .fetch_all(self.pool())
                    .await?;
                    for row in &count_rows {
                        let site_id: i64 = row.try_get("site_id")?;
                        let n: i64 = row.try_get("n")?;
                        if let Some(t) = tallies.iter_mut().find(|t| t.site.id == site_id) {
                            t.counts.entry(row.try_get("question_key")?).or_default().insert(row.try_get("option_key")?, n as u64);
                        }
                    }
                    Ok(tallies)
                }

                async fn secret(&self, name: &str) -> Result<Vec<u8>, StoreError> {
                    let fresh: [u8; 32] = rand::random();
                    sqlx::query("INSERT INTO app_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING")
                        .bind(name)
                        .bind(&fresh[..])
                        .bind(Utc::now())
                        .execute(self.pool())
                        .await?;
                    Ok(sqlx::query_scalar("SELECT value FROM app_secrets WHERE name = $1").bind(name).fetch_one(self.pool()).await?)
                }

                async fn create_user(&self, u: &NewUser, now: DateTime<Utc>) -> Result<i64, StoreError> {
                    let result = sqlx::query_scalar("INSERT INTO users (email, display_name, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                        .bind(u.email.trim().to_lowercase())
                        .bind(&u.display_name)
                        .bind(&u.password_hash)
                        .bind(u.role.as_str())
                        .bind(now)
                        .fetch_one(self.pool())
                        .await;
                    match result {
                        Ok(id) => Ok(id),
                        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(StoreError::Conflict(format!("account {}", u.email))),
                        Err(e) => Err(e.into()),
                    }
                }

                async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
                    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1")).bind(email.trim().to_lowercase()).fetch_optional(self.pool()).await?;
                    row.as_ref().map(user_from_row).transpose()
                }

                async fn user_by_id(&self, id: i64) -> Result<Option<User>, StoreError> {
                    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1")).bind(id).fetch_optional(self.pool()).await?;
                    row.as_ref().map(user_from_row).transpose()
                }

                async fn count_users_with_role(&self, role: Role) -> Result<u64, StoreError> {
                    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = $1 AND active = TRUE").bind(role.as_str()).fetch_one(self.pool()).await?;
                    Ok(n as u64)
                }
            }
        };
    };
}
pub(crate) use impl_store;
