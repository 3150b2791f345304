//! The embedded SQLite implementation of [`Store`] (the default: a file under `data/`).
//! WAL journal, foreign keys on, a busy timeout so concurrent writers wait instead of failing.

mod complaints;

use super::*;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::Row;
use std::str::FromStr;
use std::time::Duration;

/// SQLite-backed [`Store`].
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating the file and its folder if needed) the database at `url`, e.g.
    /// `sqlite://data/app.db?mode=rwc`. Does not migrate: call [`Store::migrate`].
    ///
    /// # Errors
    /// The URL does not parse or the file cannot be opened.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        if let Some(parent) = options.get_filename().parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
            }
        }
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
        Ok(Self { pool })
    }

    /// The connection pool (shared with the session store).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

pub(crate) fn site_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Site, sqlx::Error> {
    Ok(Site { id: row.try_get("id")?, slug: row.try_get("slug")?, name: row.try_get("name")?, kind: row.try_get("kind")? })
}

fn user_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<User, StoreError> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        password_hash: row.try_get("password_hash")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("unknown role {role:?}")))?,
        active: row.try_get("active")?,
    })
}

const USER_COLUMNS: &str = "id, email, display_name, password_hash, role, active";

#[async_trait]
impl Store for SqliteStore {
    async fn migrate(&self) -> Result<(), StoreError> {
        sqlx::migrate!("../migrations/sqlite").run(&self.pool).await?;
        Ok(())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn list_sites(&self) -> Result<Vec<Site>, StoreError> {
        let rows = sqlx::query("SELECT id, slug, name, kind FROM sites WHERE active = 1 ORDER BY position, id").fetch_all(&self.pool).await?;
        Ok(rows.iter().map(site_from_row).collect::<Result<_, _>>()?)
    }

    async fn site_by_slug(&self, slug: &str) -> Result<Option<Site>, StoreError> {
        let row = sqlx::query("SELECT id, slug, name, kind FROM sites WHERE active = 1 AND slug = ?").bind(slug).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(site_from_row).transpose()?)
    }

    async fn create_questionnaire(&self, name: &str, definition: &Questionnaire, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let json = serde_json::to_string(definition).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.pool.begin().await?;
        let qid: i64 = sqlx::query_scalar("INSERT INTO questionnaires (name, created_at) VALUES (?, ?) RETURNING id").bind(name).bind(now).fetch_one(&mut *tx).await?;
        let vid: i64 = sqlx::query_scalar("INSERT INTO questionnaire_versions (questionnaire_id, version, definition, created_at) VALUES (?, 1, ?, ?) RETURNING id")
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
            "INSERT INTO campaigns (name, questionnaire_version_id, starts_on, ends_on, target_per_site, is_demo, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&c.name)
        .bind(c.questionnaire_version_id)
        .bind(c.starts_on)
        .bind(c.ends_on)
        .bind(c.target_per_site)
        .bind(c.is_demo)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    async fn count_campaigns(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM campaigns").fetch_one(&self.pool).await?;
        Ok(n as u64)
    }

    async fn current_campaign(&self, today: NaiveDate) -> Result<Option<Campaign>, StoreError> {
        let row = sqlx::query(
            "SELECT c.id, c.name, c.starts_on, c.ends_on, c.target_per_site, c.is_demo, c.questionnaire_version_id, v.definition
             FROM campaigns c JOIN questionnaire_versions v ON v.id = c.questionnaire_version_id
             ORDER BY
               CASE WHEN c.starts_on <= ?1 AND c.ends_on >= ?1 THEN 0 WHEN c.starts_on <= ?1 THEN 1 ELSE 2 END,
               CASE WHEN c.starts_on <= ?1 THEN c.starts_on END DESC,
               c.starts_on ASC,
               c.id DESC
             LIMIT 1",
        )
        .bind(today)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let definition: String = row.try_get("definition")?;
        Ok(Some(Campaign {
            id: row.try_get("id")?,
            settings: CampaignSettings {
                name: row.try_get("name")?,
                starts_on: row.try_get("starts_on")?,
                ends_on: row.try_get("ends_on")?,
                target_per_site: row.try_get("target_per_site")?,
                is_demo: row.try_get("is_demo")?,
                questionnaire_version_id: row.try_get("questionnaire_version_id")?,
            },
            questionnaire: Questionnaire::from_json(&definition).map_err(StoreError::Corrupt)?,
        }))
    }

    async fn insert_response(&self, r: &NewResponse) -> Result<InsertOutcome, StoreError> {
        let mut tx = self.pool.begin().await?;
        if let Some(nonce) = &r.token_nonce {
            let claimed = sqlx::query("INSERT INTO used_form_tokens (nonce, used_at) VALUES (?, ?) ON CONFLICT (nonce) DO NOTHING")
                .bind(nonce)
                .bind(r.submitted_at)
                .execute(&mut *tx)
                .await?;
            if claimed.rows_affected() == 0 {
                tx.rollback().await?;
                return Ok(InsertOutcome::AlreadyRecorded);
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO responses (campaign_id, site_id, questionnaire_version_id, channel, language, submitted_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(r.campaign_id)
        .bind(r.site_id)
        .bind(r.questionnaire_version_id)
        .bind(r.channel.as_str())
        .bind(&r.language)
        .bind(r.submitted_at)
        .fetch_one(&mut *tx)
        .await?;
        for (question, option) in &r.answers.choices {
            sqlx::query("INSERT INTO response_answers (response_id, question_key, option_key) VALUES (?, ?, ?)").bind(id).bind(question).bind(option).execute(&mut *tx).await?;
        }
        for (question, text) in &r.answers.texts {
            sqlx::query("INSERT INTO response_answers (response_id, question_key, text_value) VALUES (?, ?, ?)").bind(id).bind(question).bind(text).execute(&mut *tx).await?;
        }
        if let Some(nonce) = &r.token_nonce {
            sqlx::query("UPDATE used_form_tokens SET response_id = ? WHERE nonce = ?").bind(id).bind(nonce).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(InsertOutcome::Recorded(id))
    }

    async fn count_responses(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM responses").fetch_one(&self.pool).await?;
        Ok(n as u64)
    }

    async fn campaign_tallies(&self, campaign_id: i64) -> Result<Vec<SiteTally>, StoreError> {
        let site_rows = sqlx::query(
            "SELECT s.id, s.slug, s.name, s.kind, COUNT(r.id) AS respondents
             FROM sites s LEFT JOIN responses r ON r.site_id = s.id AND r.campaign_id = ?
             WHERE s.active = 1 GROUP BY s.id ORDER BY s.position, s.id",
        )
        .bind(campaign_id)
        .fetch_all(&self.pool)
        .await?;
        let mut tallies = Vec::with_capacity(site_rows.len());
        for row in &site_rows {
            let respondents: i64 = row.try_get("respondents")?;
            tallies.push(SiteTally { site: site_from_row(row)?, respondents: respondents as u64, counts: HashMap::new() });
        }
        let count_rows = sqlx::query(
            "SELECT r.site_id, a.question_key, a.option_key, COUNT(*) AS n
             FROM responses r JOIN response_answers a ON a.response_id = r.id
             WHERE r.campaign_id = ? AND a.option_key IS NOT NULL
             GROUP BY r.site_id, a.question_key, a.option_key",
        )
        .bind(campaign_id)
        .fetch_all(&self.pool)
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
        sqlx::query("INSERT INTO app_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(&fresh[..])
            .bind(Utc::now())
            .execute(&self.pool)
            .await?;
        Ok(sqlx::query_scalar("SELECT value FROM app_secrets WHERE name = ?").bind(name).fetch_one(&self.pool).await?)
    }

    async fn create_user(&self, u: &NewUser, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let result = sqlx::query_scalar("INSERT INTO users (email, display_name, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id")
            .bind(u.email.trim().to_lowercase())
            .bind(&u.display_name)
            .bind(&u.password_hash)
            .bind(u.role.as_str())
            .bind(now)
            .fetch_one(&self.pool)
            .await;
        match result {
            Ok(id) => Ok(id),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(StoreError::Conflict(format!("account {}", u.email))),
            Err(e) => Err(e.into()),
        }
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE email = ?")).bind(email.trim().to_lowercase()).fetch_optional(&self.pool).await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn user_by_id(&self, id: i64) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?")).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn count_users_with_role(&self, role: Role) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = ? AND active = 1").bind(role.as_str()).fetch_one(&self.pool).await?;
        Ok(n as u64)
    }
}
