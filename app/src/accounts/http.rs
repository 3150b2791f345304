//! Plain POST routes of the account pages (work without JavaScript). Admin routes go through
//! `admin::http::admin_staff_form` (403 for other roles, login page when logged out); every form
//! of an account's page carries the account's `revision` and applies only while it is current, so
//! a stale page or a double submit changes nothing (409 with the account as it is now). A refused
//! input comes back (422) with everything typed kept except passwords, which are never sent back.
//! Every change is written to the audit log (`account_changed`, never a password).

use super::page::{AccountEcho, CreateEcho};
use super::password::PasswordEcho;
use super::TOKEN_PURPOSE;
use crate::admin::http::admin_staff_form;
use crate::audit::record;
use crate::auth::password::{self, PasswordPolicyError};
use crate::auth::session::user_of;
use crate::auth::throttle::LoginAttempt;
use crate::domain::throttle::Verdict;
use crate::domain::account::{check_disable, describe_change, describe_creation, parse_display_name, AccountSnapshot, AdminGuardError, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
use crate::domain::audit::AuditAction;
use crate::domain::complaint::EMAIL_MAX_CHARS;
use crate::domain::survey_form::{form_value, FieldError, FieldErrorKind};
use crate::error::AppError;
use crate::form::FormState;
use crate::i18n::*;
use crate::state::AppState;
use crate::store::{Account, AccountChangeOutcome, AccountUpdate, AuditEntry, CreateAccountOutcome, NewAccount, NewUser, Role, Site, StoreError, User};
use crate::survey::http::{read_form, render_page};
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use http::request::Parts;
use tower_sessions::Session;

/// The French message of a broken password rule.
pub fn policy_message(e: PasswordPolicyError) -> String {
    match e {
        PasswordPolicyError::TooShort => td_string!(Locale::fr, accounts.password_too_short, min = MIN_PASSWORD_CHARS).to_string(),
        PasswordPolicyError::TooLong => td_string!(Locale::fr, accounts.password_too_long, max = MAX_PASSWORD_CHARS).to_string(),
        PasswordPolicyError::Common => td_string!(Locale::fr, accounts.password_common).to_string(),
        PasswordPolicyError::ContainsEmail => td_string!(Locale::fr, accounts.password_contains_email).to_string(),
        PasswordPolicyError::ContainsName => td_string!(Locale::fr, accounts.password_contains_name).to_string(),
    }
}

fn guard_message(e: AdminGuardError) -> String {
    match e {
        AdminGuardError::DisableSelf => td_string!(Locale::fr, accounts.error_disable_self).to_string(),
        AdminGuardError::LastAdmin => td_string!(Locale::fr, accounts.error_last_admin).to_string(),
    }
}

fn invalid(name: &str, message: String) -> FieldError {
    FieldError { question_key: name.to_string(), kind: FieldErrorKind::Invalid { message } }
}

fn error(name: &str, kind: FieldErrorKind) -> FieldError {
    FieldError { question_key: name.to_string(), kind }
}

/// The posted values without any password field (never echoed into a page).
fn without_passwords(values: &[(String, String)]) -> Vec<(String, String)> {
    const SECRET: [&str; 4] = ["mot_de_passe", "actuel", "nouveau", "confirmation"];
    values.iter().filter(|(k, _)| !SECRET.contains(&k.as_str())).cloned().collect()
}

fn refused_form(values: &[(String, String)], errors: Vec<FieldError>) -> FormState {
    FormState { values: without_passwords(values), errors, notice: None }
}

fn store_failure(e: StoreError) -> StatusCode {
    AppError::from(e).status()
}

/// Checks a new password for `email` / `name`; the error goes to `field`.
fn check_new_password(field: &str, pass: &str, email: &str, name: &str, errors: &mut Vec<FieldError>) {
    if pass.is_empty() {
        errors.push(error(field, FieldErrorKind::Required));
    } else if let Err(e) = password::check_policy(pass, email, name) {
        errors.push(invalid(field, policy_message(e)));
    }
}

/// argon2id hash of `pass` on a blocking thread (`None` if that thread failed).
async fn hash_password(pass: &str) -> Option<String> {
    let pass = pass.to_string();
    tokio::task::spawn_blocking(move || password::hash(&pass)).await.ok()
}

/// Name, role and sites of a posted account form, checked (errors pushed): the name is required,
/// the role one of the three, the sites known slugs, at least one for an agent (and dropped for
/// the other roles, who see every site).
struct Profile {
    name: Option<String>,
    role: Option<Role>,
    sites: Vec<Site>,
}

impl Profile {
    fn parse(values: &[(String, String)], all_sites: &[Site], errors: &mut Vec<FieldError>) -> Self {
        let name = match parse_display_name(form_value(values, "nom").unwrap_or_default()) {
            Ok(n) => Some(n),
            Err(kind) => {
                errors.push(error("nom", kind));
                None
            }
        };
        let role = match form_value(values, "role").unwrap_or_default().trim() {
            "" => {
                errors.push(error("role", FieldErrorKind::Required));
                None
            }
            r => {
                let role = Role::parse(r);
                if role.is_none() {
                    errors.push(error("role", FieldErrorKind::UnknownOption));
                }
                role
            }
        };
        let mut sites = Vec::new();
        for slug in values.iter().filter(|(k, _)| k == "sites").map(|(_, v)| v.trim()) {
            match all_sites.iter().find(|s| s.slug == slug) {
                Some(s) if !sites.iter().any(|x: &Site| x.id == s.id) => sites.push(s.clone()),
                Some(_) => {}
                None => errors.push(invalid("sites", td_string!(Locale::fr, accounts.error_unknown_site).to_string())),
            }
        }
        if role == Some(Role::Agent) && sites.is_empty() {
            errors.push(invalid("sites", td_string!(Locale::fr, accounts.error_agent_sites).to_string()));
        }
        if role != Some(Role::Agent) {
            sites.clear();
        }
        Profile { name, role, sites }
    }
}

/// An account as the audit log describes it.
fn snapshot(name: &str, role: Role, site_ids: &[i64], all_sites: &[Site], active: bool) -> AccountSnapshot {
    let sites = all_sites.iter().filter(|s| role == Role::Agent && site_ids.contains(&s.id)).map(|s| s.slug.clone()).collect();
    AccountSnapshot { name: name.to_string(), role: role.as_str().to_string(), sites, active }
}

fn snapshot_of(a: &Account, all_sites: &[Site]) -> AccountSnapshot {
    snapshot(&a.user.display_name, a.user.role, &a.site_ids, all_sites, a.user.active)
}

/// Records an account change by `actor` on the account `target` (e-mail).
async fn audit_change(state: &AppState, parts: &Parts, actor: &User, target: &str, details: String) {
    let entry = AuditEntry::new(AuditAction::AccountChanged, Utc::now()).by(actor).target(target).details(details).client(state.security.client_hash(parts));
    record(state, entry).await;
}

/// `POST /admin/comptes/creer`: `token`, `courriel`, `nom`, `role` (`admin`, `qualite`,
/// `agent`), `sites` (slugs, repeated; at least one for an agent), `mot_de_passe` (temporary,
/// checked by the password policy). Created → 303 to `/admin/comptes?enregistre=cree`; the user
/// must change the password at first login. A double submit creates one account; an e-mail
/// already used is refused on the `courriel` field (422).
pub async fn post_create(State(state): State<AppState>, session: Session, req: Request) -> Response {
    let (mut parts, values, staff) = match admin_staff_form(&state, &session, req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    if let Ok(uri) = "/admin/comptes".parse() {
        parts.uri = uri;
    }
    let all_sites = match state.store.list_sites().await {
        Ok(s) => s,
        Err(e) => return render_page(&state, parts, (), store_failure(e)).await,
    };
    let mut errors = Vec::new();
    let email = form_value(&values, "courriel").unwrap_or_default().trim().to_lowercase();
    if email.is_empty() {
        errors.push(error("courriel", FieldErrorKind::Required));
    } else if email.chars().count() > EMAIL_MAX_CHARS || !validator::ValidateEmail::validate_email(&email) {
        errors.push(error("courriel", FieldErrorKind::InvalidEmail));
    }
    let profile = Profile::parse(&values, &all_sites, &mut errors);
    let pass = form_value(&values, "mot_de_passe").unwrap_or_default().to_string();
    check_new_password("mot_de_passe", &pass, &email, profile.name.as_deref().unwrap_or_default(), &mut errors);
    let refuse = |errors: Vec<FieldError>, expired: bool| {
        let echo = CreateEcho(FormState { notice: expired.then_some(crate::form::FormNotice::Expired), ..refused_form(&values, errors) });
        let (state, parts) = (state.clone(), parts.clone());
        async move { render_page(&state, parts, echo, StatusCode::UNPROCESSABLE_ENTITY).await }
    };
    let (Some(name), Some(role), true) = (profile.name, profile.role, errors.is_empty()) else {
        return refuse(errors, false).await;
    };
    let now = Utc::now();
    let Ok(nonce) = state.tokens.verify(TOKEN_PURPOSE, form_value(&values, "token").unwrap_or_default(), now) else {
        return refuse(Vec::new(), true).await;
    };
    let Some(hash) = hash_password(&pass).await else {
        return render_page(&state, parts, (), StatusCode::SERVICE_UNAVAILABLE).await;
    };
    let site_ids: Vec<i64> = profile.sites.iter().map(|s| s.id).collect();
    let account = NewAccount { user: NewUser { email: email.clone(), display_name: name.clone(), password_hash: hash, role }, site_ids: site_ids.clone(), must_change_password: true };
    match state.store.create_account(&account, &nonce, now).await {
        Ok(CreateAccountOutcome::Created(id)) => {
            tracing::info!(account = id, "staff account created");
            let details = describe_creation(&snapshot(&name, role, &site_ids, &all_sites, true));
            audit_change(&state, &parts, &staff.user, &email, details).await;
            Redirect::to("/admin/comptes?enregistre=cree").into_response()
        }
        // A double submit: the first one created it.
        Ok(CreateAccountOutcome::TokenUsed) => Redirect::to("/admin/comptes?enregistre=cree").into_response(),
        Err(StoreError::Conflict(_)) => refuse(vec![invalid("courriel", td_string!(Locale::fr, accounts.error_email_taken).to_string())], false).await,
        Err(e) => render_page(&state, parts, (), store_failure(e)).await,
    }
}

/// An account form's common part: the admin, the request (its URI set to the account's page for
/// re-rendering), the values, the account as stored now, every site, and the `revision` posted.
struct AccountForm {
    state: AppState,
    parts: Parts,
    values: Vec<(String, String)>,
    actor: User,
    account: Account,
    sites: Vec<Site>,
    revision: Option<i64>,
}

impl AccountForm {
    async fn read(state: AppState, session: &Session, id: i64, req: Request) -> Result<Self, Response> {
        let (mut parts, values, staff) = admin_staff_form(&state, session, req).await?;
        if let Ok(uri) = format!("/admin/comptes/{id}").parse() {
            parts.uri = uri;
        }
        let loaded = async { Ok::<_, StoreError>((state.store.account(id).await?, state.store.list_sites().await?)) }.await;
        let (account, sites) = match loaded {
            Ok((Some(a), s)) => (a, s),
            Ok((None, _)) => return Err(render_page(&state, parts, (), StatusCode::NOT_FOUND).await),
            Err(e) => return Err(render_page(&state, parts, (), store_failure(e)).await),
        };
        let revision = form_value(&values, "revision").and_then(|r| r.trim().parse::<i64>().ok());
        Ok(AccountForm { state, parts, values, actor: staff.user, account, sites, revision })
    }

    /// The account's page again with `echo` and `status`.
    async fn page(self, echo: AccountEcho, status: StatusCode) -> Response {
        render_page(&self.state, self.parts, echo, status).await
    }

    /// The page with a refusal about the whole page (409).
    async fn problem(self, message: String) -> Response {
        self.page(AccountEcho { problem: Some(message), ..Default::default() }, StatusCode::CONFLICT).await
    }

    /// What to answer to the outcome of a change: on success the audit entry and a 303 to the
    /// account's page with `?enregistre={saved}`; otherwise the page with the reason.
    async fn conclude(self, outcome: Result<AccountChangeOutcome, StoreError>, details: String, saved: &str, form: Option<FormState>) -> Response {
        match outcome {
            Ok(AccountChangeOutcome::Changed) => {
                if !details.is_empty() {
                    audit_change(&self.state, &self.parts, &self.actor, &self.account.user.email, details).await;
                }
                Redirect::to(&format!("/admin/comptes/{}?enregistre={saved}", self.account.user.id)).into_response()
            }
            Ok(AccountChangeOutcome::Stale) => self.problem(td_string!(Locale::fr, accounts.stale).to_string()).await,
            Ok(AccountChangeOutcome::LastAdmin) => {
                let echo = AccountEcho { form, reset: None, problem: Some(guard_message(AdminGuardError::LastAdmin)) };
                self.page(echo, StatusCode::CONFLICT).await
            }
            Ok(AccountChangeOutcome::NotFound) => self.page(AccountEcho::default(), StatusCode::NOT_FOUND).await,
            Err(e) => {
                let status = store_failure(e);
                self.page(AccountEcho::default(), status).await
            }
        }
    }
}

/// `POST /admin/comptes/{id}/modifier`: `revision`, `nom`, `role`, `sites` (as for creation).
/// Saved → 303 to `/admin/comptes/{id}?enregistre=modifie`; stale revision → 409, nothing
/// changed; a change that would leave no active admin → 409.
pub async fn post_update(State(state): State<AppState>, session: Session, Path(id): Path<i64>, req: Request) -> Response {
    let f = match AccountForm::read(state, &session, id, req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let mut errors = Vec::new();
    let profile = Profile::parse(&f.values, &f.sites, &mut errors);
    let (Some(name), Some(role), true) = (profile.name, profile.role, errors.is_empty()) else {
        let echo = AccountEcho { form: Some(refused_form(&f.values, errors)), ..Default::default() };
        return f.page(echo, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let Some(revision) = f.revision else {
        return f.problem(td_string!(Locale::fr, accounts.stale).to_string()).await;
    };
    let change = AccountUpdate { display_name: name, role, site_ids: profile.sites.iter().map(|s| s.id).collect(), active: f.account.user.active };
    let details = describe_change(&snapshot_of(&f.account, &f.sites), &snapshot(&change.display_name, role, &change.site_ids, &f.sites, change.active));
    let outcome = f.state.store.update_account(id, revision, &change).await;
    let form = Some(refused_form(&f.values, Vec::new()));
    f.conclude(outcome, details, "modifie", form).await
}

/// `POST /admin/comptes/{id}/activation`: `revision`, `actif` (`0` disables, `1` re-enables).
/// A disabled account's open sessions end at once (every request checks the account). Refused
/// (409): disabling oneself, disabling the last active admin, a stale revision.
pub async fn post_activation(State(state): State<AppState>, session: Session, Path(id): Path<i64>, req: Request) -> Response {
    let f = match AccountForm::read(state, &session, id, req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let active = match form_value(&f.values, "actif").map(str::trim) {
        Some("1") => true,
        Some("0") => false,
        _ => return f.page(AccountEcho::default(), StatusCode::BAD_REQUEST).await,
    };
    if !active {
        if let Err(e) = check_disable(f.actor.id, id) {
            return f.problem(guard_message(e)).await;
        }
    }
    let Some(revision) = f.revision else {
        return f.problem(td_string!(Locale::fr, accounts.stale).to_string()).await;
    };
    let a = &f.account;
    let change = AccountUpdate { display_name: a.user.display_name.clone(), role: a.user.role, site_ids: a.site_ids.clone(), active };
    let details = describe_change(&snapshot_of(a, &f.sites), &AccountSnapshot { active, ..snapshot_of(a, &f.sites) });
    if !active {
        tracing::info!(account = id, "staff account disabled");
    }
    let outcome = f.state.store.update_account(id, revision, &change).await;
    f.conclude(outcome, details, if active { "reactive" } else { "desactive" }, None).await
}

/// `POST /admin/comptes/{id}/mot-de-passe`: `revision`, `mot_de_passe` (temporary, checked by the
/// policy against the account's e-mail and name). Saved → 303 to
/// `/admin/comptes/{id}?enregistre=mot-de-passe`; the user must change it at the next request.
pub async fn post_reset(State(state): State<AppState>, session: Session, Path(id): Path<i64>, req: Request) -> Response {
    let f = match AccountForm::read(state, &session, id, req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let pass = form_value(&f.values, "mot_de_passe").unwrap_or_default().to_string();
    let mut errors = Vec::new();
    check_new_password("mot_de_passe", &pass, &f.account.user.email, &f.account.user.display_name, &mut errors);
    if !errors.is_empty() {
        let echo = AccountEcho { reset: Some(refused_form(&[], errors)), ..Default::default() };
        return f.page(echo, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let Some(revision) = f.revision else {
        return f.problem(td_string!(Locale::fr, accounts.stale).to_string()).await;
    };
    let Some(hash) = hash_password(&pass).await else {
        return f.page(AccountEcho::default(), StatusCode::SERVICE_UNAVAILABLE).await;
    };
    let outcome = f.state.store.set_password(id, Some(revision), &hash, true, Utc::now()).await;
    f.conclude(outcome, "mot de passe réinitialisé par un administrateur ; changement exigé à la prochaine connexion".into(), "mot-de-passe", None).await
}

/// `POST /admin/mot-de-passe`: the logged-in user's own password — `actuel`, `nouveau`,
/// `confirmation`. The new one is checked by the policy (and must differ from the current one).
/// Changed → the session id is cycled, the must-change flag cleared, an audit entry written, and
/// 303 to `/admin/mot-de-passe?enregistre=1`. A wrong current password → 422, and it counts as a
/// failed login of the account (while the account or address is locked: 429). A double submit
/// (the current password is already the new one) → the same 303. Logged out → login page.
pub async fn post_own_password(State(state): State<AppState>, session: Session, req: Request) -> Response {
    let (parts, values) = match read_form(req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let user = match user_of(&session, &state.store).await {
        Ok(Some(u)) => u,
        Ok(None) => return Redirect::to("/admin/connexion").into_response(),
        Err(e) => return render_page(&state, parts, (), e.status()).await,
    };
    let field = |name: &str| form_value(&values, name).unwrap_or_default().to_string();
    let (current, new, confirm) = (field("actuel"), field("nouveau"), field("confirmation"));
    let done = Redirect::to("/admin/mot-de-passe?enregistre=1").into_response();
    // Wrong current passwords count as failed logins of the account (same counters and locks):
    // a borrowed session cannot be used to guess the password.
    let attempt = LoginAttempt::new(&state.security, &user.email, state.security.client_hash(&parts));
    match attempt.verdict(&state.store, Utc::now()).await {
        Ok(Verdict::Allowed) => {}
        Ok(v @ Verdict::Throttled { .. }) => {
            let message = match v.minutes_left(Utc::now()) {
                1 => td_string!(Locale::fr, login.throttled_one).to_string(),
                minutes => td_string!(Locale::fr, login.throttled, minutes = minutes).to_string(),
            };
            return render_page(&state, parts, PasswordEcho(refused_form(&[], vec![invalid("actuel", message)])), StatusCode::TOO_MANY_REQUESTS).await;
        }
        Err(e) => return render_page(&state, parts, (), store_failure(e)).await,
    }
    let hash = user.password_hash.clone();
    let (current_ok, already_new) = {
        let (current, new) = (current.clone(), new.clone());
        tokio::task::spawn_blocking(move || {
            let ok = !current.is_empty() && password::verify(&current, &hash);
            (ok, !ok && !new.is_empty() && password::verify(&new, &hash))
        })
        .await
        .unwrap_or((false, false))
    };
    if already_new && !user.must_change_password {
        return done;
    }
    let mut errors = Vec::new();
    if current.is_empty() {
        errors.push(error("actuel", FieldErrorKind::Required));
    } else if !current_ok {
        errors.push(invalid("actuel", td_string!(Locale::fr, accounts.error_current_wrong).to_string()));
        if let Err(e) = attempt.failed(&state.store, &state.security, Utc::now()).await {
            return render_page(&state, parts, (), store_failure(e)).await;
        }
    }
    check_new_password("nouveau", &new, &user.email, &user.display_name, &mut errors);
    if !new.is_empty() && new == current {
        errors.push(invalid("nouveau", td_string!(Locale::fr, accounts.error_same_as_current).to_string()));
    }
    if confirm.is_empty() {
        errors.push(error("confirmation", FieldErrorKind::Required));
    } else if confirm != new {
        errors.push(invalid("confirmation", td_string!(Locale::fr, accounts.error_confirm_mismatch).to_string()));
    }
    if !errors.is_empty() {
        return render_page(&state, parts, PasswordEcho(refused_form(&[], errors)), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let Some(new_hash) = hash_password(&new).await else {
        return render_page(&state, parts, (), StatusCode::SERVICE_UNAVAILABLE).await;
    };
    if let Err(e) = state.store.set_password(user.id, None, &new_hash, false, Utc::now()).await {
        return render_page(&state, parts, (), store_failure(e)).await;
    }
    if let Err(e) = session.cycle_id().await {
        tracing::error!(error = %e, "password change: session error");
    }
    let details = if user.must_change_password { "mot de passe provisoire remplacé par l'intéressé(e)" } else { "mot de passe changé par l'intéressé(e)" };
    audit_change(&state, &parts, &user, &user.email, details.to_string()).await;
    done
}
