//! First-start data: the default questionnaire and a current campaign, and the bootstrap admin.
//! (The three Essonne sites are seeded by the first migration.)

use app::auth::password;
use app::domain::questionnaire::Questionnaire;
use app::store::{DynStore, CampaignSettings, NewUser, Role, StoreError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// The default questionnaire (French), as data.
pub const DEFAULT_QUESTIONNAIRE_JSON: &str = include_str!("../../migrations/seed/default_questionnaire.json");

/// The default questionnaire, parsed.
///
/// # Errors
/// The embedded JSON is invalid (caught by the unit test below).
pub fn default_questionnaire() -> Result<Questionnaire, StoreError> {
    Questionnaire::from_json(DEFAULT_QUESTIONNAIRE_JSON).map_err(StoreError::Corrupt)
}

/// When no campaign exists: stores the default questionnaire and a campaign covering the
/// calendar year of `today` (Europe/Paris) with `target` respondents per site. Idempotent.
///
/// # Errors
/// The database fails.
pub async fn ensure_defaults(store: &DynStore, today: NaiveDate, target: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
    if store.count_campaigns().await? > 0 {
        return Ok(());
    }
    let version = store.create_questionnaire("Enquête de satisfaction de l'accueil", &default_questionnaire()?, now).await?;
    let year = today.year();
    let (starts_on, ends_on) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31));
    let (Some(starts_on), Some(ends_on)) = (starts_on, ends_on) else {
        return Err(StoreError::Corrupt(format!("no calendar for year {year}")));
    };
    store
        .create_campaign(
            &CampaignSettings { name: format!("Enquête de satisfaction {year}"), starts_on, ends_on, target_per_site: target, is_demo: false, questionnaire_version_id: version },
            now,
        )
        .await?;
    tracing::info!(year, target, "seeded the default questionnaire and campaign");
    Ok(())
}

/// Gives every stored questionnaire version the seed's translations of the texts it shares with
/// the seed (same key, same French), for databases created before the translations existed
/// (issue 6). Texts changed by staff keep their French only. Idempotent; returns the number of
/// versions updated.
///
/// # Errors
/// The database fails.
pub async fn translate_stored_questionnaires(store: &DynStore) -> Result<usize, StoreError> {
    let seed = default_questionnaire()?;
    let mut updated = 0;
    for version in store.list_questionnaire_versions().await? {
        let mut definition = version.definition.clone();
        if app::domain::questionnaire::add_missing_translations(&mut definition, &seed) && store.add_questionnaire_translations(version.id, &definition).await? {
            updated += 1;
        }
    }
    if updated > 0 {
        tracing::info!(updated, "added the seed's translations to stored questionnaire versions");
    }
    Ok(updated)
}

/// Errors creating an account.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    /// The password breaks the policy.
    #[error("{0}")]
    Policy(#[from] password::PasswordPolicyError),
    /// The e-mail is not plausible.
    #[error("adresse électronique invalide : {0:?}")]
    Email(String),
    /// Database error or duplicate e-mail.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// A site slug given for an agent does not exist.
    #[error("site inconnu : {0} (sites : evry, palaiseau, etampes)")]
    UnknownSite(String),
    /// An agent must work for at least one site.
    #[error("un agent doit être rattaché à au moins un site (--site evry, --site palaiseau…)")]
    AgentWithoutSite,
}

/// Creates a staff account after checking the e-mail and the password policy (length, common
/// passwords, e-mail and name); the password is hashed with argon2id. Accounts made here (CLI,
/// bootstrap admin) are not asked to change their password: the person typed it themself.
///
/// # Errors
/// [`CreateUserError`].
pub async fn create_user(store: &DynStore, email: &str, display_name: &str, password: &str, role: Role) -> Result<i64, CreateUserError> {
    let email = email.trim().to_lowercase();
    if !validator::ValidateEmail::validate_email(&email) {
        return Err(CreateUserError::Email(email));
    }
    let name = if display_name.trim().is_empty() { email.clone() } else { display_name.trim().to_string() };
    password::check_policy(password, &email, &name)?;
    let pass = password.to_string();
    let hash = tokio::task::spawn_blocking(move || password::hash(&pass)).await.map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(store.create_user(&NewUser { email, display_name: name, password_hash: hash, role }, Utc::now()).await?)
}

/// Creates the bootstrap admin (`ADMIN_EMAIL`/`ADMIN_PASSWORD`) when no active admin exists.
///
/// Creates an account like [`create_user`] and, for an agent, attaches it to the sites `slugs`
/// (quality staff and admins see every site; slugs given for them are ignored). The slugs are
/// checked before anything is written.
///
/// # Errors
/// [`CreateUserError::UnknownSite`], [`CreateUserError::AgentWithoutSite`], or those of
/// [`create_user`].
pub async fn create_staff(store: &DynStore, email: &str, display_name: &str, password: &str, role: Role, slugs: &[String]) -> Result<i64, CreateUserError> {
    let mut site_ids = Vec::new();
    for slug in slugs {
        let site = store.site_by_slug(slug.trim()).await?.ok_or_else(|| CreateUserError::UnknownSite(slug.clone()))?;
        site_ids.push(site.id);
    }
    if role == Role::Agent && site_ids.is_empty() {
        return Err(CreateUserError::AgentWithoutSite);
    }
    let id = create_user(store, email, display_name, password, role).await?;
    if role == Role::Agent {
        store.set_user_sites(id, &site_ids).await?;
    }
    Ok(id)
}

/// # Errors
/// [`CreateUserError`].
pub async fn ensure_admin(store: &DynStore, email: &str, password: &str) -> Result<bool, CreateUserError> {
    if store.count_users_with_role(Role::Admin).await? > 0 {
        return Ok(false);
    }
    create_user(store, email, "Administrateur", password, Role::Admin).await?;
    tracing::info!(email, "created the bootstrap admin account");
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_questionnaire_is_the_issue_s_eight_questions() {
        let q = default_questionnaire().unwrap();
        assert_eq!(q.questions.len(), 8);
        assert_eq!(q.overall_satisfaction, "satisfaction_globale");
        let overall = q.question("satisfaction_globale").unwrap();
        assert!(overall.required);
        let satisfied: Vec<&str> = overall.options().iter().filter(|o| o.satisfied).map(|o| o.key.as_str()).collect();
        assert_eq!(satisfied, vec!["tres_satisfait", "plutot_satisfait"]);
        assert!(q.question("amabilite").unwrap().options().iter().any(|o| o.no_opinion));
        assert!(q.questions.iter().filter(|q| q.key != "satisfaction_globale").all(|q| !q.required));
    }
}
