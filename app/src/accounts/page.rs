//! `/admin/comptes` (the accounts and the creation form) and `/admin/comptes/{id}` (name, role and
//! sites; disable / re-enable; password reset). Admins only; plain forms posting to
//! [`super::http`].

use crate::complaints::staff::api::StaffHeader;
use crate::complaints::staff::page::StaffNav;
use crate::components::{ErrorNotice, Loading};
use crate::error::AppError;
use crate::form::{error_text, ErrorSummary, FormState, Select, SummaryField, TextInput};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

/// One account in the list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountRow {
    /// Account id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Login e-mail.
    pub email: String,
    /// Role key (`admin`, `qualite`, `agent`).
    pub role: String,
    /// Names of an agent's sites (empty for other roles, who see every site).
    pub sites: Vec<String>,
    /// May log in.
    pub active: bool,
    /// Must change the password at the next login.
    pub must_change: bool,
}

/// The list page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountsView {
    /// Staff menu.
    pub header: StaffHeader,
    /// Every account, by name.
    pub rows: Vec<AccountRow>,
    /// Sites: (slug, name).
    pub sites: Vec<(String, String)>,
    /// The creation form (values and errors; passwords are never sent back).
    pub form: FormState,
    /// One-time token of the creation form.
    pub token: String,
}

/// One account's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountView {
    /// Staff menu.
    pub header: StaffHeader,
    /// The account as stored now.
    pub account: AccountRow,
    /// Its revision (carried by every form of the page).
    pub revision: i64,
    /// Sites: (slug, name).
    pub sites: Vec<(String, String)>,
    /// The name/role/sites form.
    pub form: FormState,
    /// The password-reset form (errors only).
    pub reset: FormState,
    /// A refusal that concerns the whole page (stale form, last admin, disabling oneself).
    pub problem: Option<String>,
}

/// What the creation POST hands back when it refuses the input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreateEcho(pub FormState);

/// What the POSTs of an account's page hand back when they refuse.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountEcho {
    /// The name/role/sites form as posted (none: drawn from the account).
    pub form: Option<FormState>,
    /// The password-reset form's errors.
    pub reset: Option<FormState>,
    /// A refusal concerning the whole page.
    pub problem: Option<String>,
}

/// Names of the sites with these ids, in `sites` order.
#[cfg(feature = "ssr")]
fn site_names(ids: &[i64], sites: &[crate::store::Site]) -> Vec<String> {
    sites.iter().filter(|s| ids.contains(&s.id)).map(|s| s.name.clone()).collect()
}

#[cfg(feature = "ssr")]
fn row_of(a: &crate::store::Account, sites: &[crate::store::Site]) -> AccountRow {
    AccountRow {
        id: a.user.id,
        name: a.user.display_name.clone(),
        email: a.user.email.clone(),
        role: a.user.role.as_str().to_string(),
        sites: site_names(&a.site_ids, sites),
        active: a.user.active,
        must_change: a.user.must_change_password,
    }
}

#[cfg(feature = "ssr")]
fn site_options(sites: &[crate::store::Site]) -> Vec<(String, String)> {
    sites.iter().map(|s| (s.slug.clone(), s.name.clone())).collect()
}

/// The accounts page (admins).
///
/// # Errors
/// [`AppError::Unauthorized`], [`AppError::Forbidden`] (not an admin), [`AppError::Unavailable`].
#[server(prefix = "/srv", endpoint = "admin/accounts")]
pub async fn load_accounts() -> Result<AccountsView, AppError> {
    let staff = crate::admin::require_admin().await?;
    let state = crate::state::app_state()?;
    let sites = state.store.list_sites().await?;
    let rows = state.store.list_accounts().await?.iter().map(|a| row_of(a, &sites)).collect();
    let form = use_context::<CreateEcho>().map(|e| e.0).unwrap_or_else(|| FormState { values: vec![("role".into(), "agent".into())], ..Default::default() });
    Ok(AccountsView { header: staff.header(), rows, sites: site_options(&sites), form, token: state.tokens.issue(super::TOKEN_PURPOSE, chrono::Utc::now()) })
}

/// Account `id`'s page (admins).
///
/// # Errors
/// [`AppError::NotFound`] for an unknown id, [`AppError::Unauthorized`], [`AppError::Forbidden`],
/// [`AppError::Unavailable`].
#[server(prefix = "/srv", endpoint = "admin/account")]
pub async fn load_account(id: i64) -> Result<AccountView, AppError> {
    let staff = crate::admin::require_admin().await?;
    let state = crate::state::app_state()?;
    let account = state.store.account(id).await?.ok_or(AppError::NotFound)?;
    let sites = state.store.list_sites().await?;
    let echo = use_context::<AccountEcho>().unwrap_or_default();
    let form = echo.form.unwrap_or_else(|| {
        let mut values = vec![("nom".to_string(), account.user.display_name.clone()), ("role".to_string(), account.user.role.as_str().to_string())];
        values.extend(sites.iter().filter(|s| account.site_ids.contains(&s.id)).map(|s| ("sites".to_string(), s.slug.clone())));
        FormState { values, ..Default::default() }
    });
    Ok(AccountView {
        header: staff.header(),
        account: row_of(&account, &sites),
        revision: account.revision,
        sites: site_options(&sites),
        form,
        reset: echo.reset.unwrap_or_default(),
        problem: echo.problem,
    })
}

/// The French label of a role key.
pub fn role_label(i18n: I18nContext<Locale>, role: &str) -> String {
    match role {
        "admin" => t_string!(i18n, accounts.role_admin),
        "qualite" => t_string!(i18n, accounts.role_qualite),
        _ => t_string!(i18n, accounts.role_agent),
    }
    .to_string()
}

fn role_options(i18n: I18nContext<Locale>) -> Vec<(String, String)> {
    ["agent", "qualite", "admin"].iter().map(|r| (r.to_string(), role_label(i18n, r))).collect()
}

/// The sites as checkboxes (`name="sites"`, one value per site), with the field's error.
#[component]
fn SiteCheckboxes(sites: Vec<(String, String)>, state: FormState) -> impl IntoView {
    let i18n = use_i18n();
    let message = state.error("sites").map(|k| error_text(i18n, k, true));
    let invalid = message.is_some();
    let checked: Vec<String> = state.values.iter().filter(|(k, _)| k == "sites").map(|(_, v)| v.clone()).collect();
    view! {
        <fieldset class=if invalid { "fr-fieldset fr-fieldset--error" } else { "fr-fieldset" } id="sites-fieldset" aria-describedby="sites-hint sites-messages">
            <legend class="fr-fieldset__legend">
                {t!(i18n, accounts.field_sites)}
                <span class="fr-hint-text" id="sites-hint">{t!(i18n, accounts.field_sites_hint)}</span>
            </legend>
            {sites.into_iter().enumerate().map(|(i, (slug, name))| {
                let id = if i == 0 { "sites".to_string() } else { format!("sites-{slug}") };
                let on = checked.contains(&slug);
                view! {
                    <div class="fr-fieldset__element">
                        <div class="fr-checkbox-group">
                            <input type="checkbox" id=id.clone() name="sites" value=slug checked=on />
                            <label class="fr-label" for=id>{name}</label>
                        </div>
                    </div>
                }
            }).collect_view()}
            <div class="fr-messages-group" id="sites-messages" aria-live="polite">
                {message.map(|m| view! { <p class="fr-message fr-message--error">{m}</p> })}
            </div>
        </fieldset>
    }
}

fn summary_field(name: &'static str, label: String, choice: bool) -> SummaryField {
    SummaryField { name, focus_id: name.into(), label, choice }
}

/// `/admin/comptes`.
#[component]
pub fn AccountsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let created = Memo::new(move |_| query.read().get("enregistre").is_some());
    let data = Resource::new(|| (), |_| load_accounts());
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, accounts.page_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <AccountList v created=created.get_untracked() /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AccountList(v: AccountsView, created: bool) -> impl IntoView {
    let i18n = use_i18n();
    let fields = vec![
        summary_field("courriel", t_string!(i18n, accounts.field_email).to_string(), false),
        summary_field("nom", t_string!(i18n, accounts.field_name).to_string(), false),
        summary_field("role", t_string!(i18n, accounts.field_role).to_string(), true),
        summary_field("sites", t_string!(i18n, accounts.field_sites).to_string(), true),
        summary_field("mot_de_passe", t_string!(i18n, accounts.field_temporary_password).to_string(), false),
    ];
    view! {
        <StaffNav header=v.header.clone() />
        <h1>{t!(i18n, accounts.title)}</h1>
        <p>{t!(i18n, accounts.intro)}</p>
        {created.then(|| view! { <div class="fr-alert fr-alert--success fr-alert--sm fr-mb-3w" role="status"><p>{t!(i18n, accounts.created)}</p></div> })}
        <div class="table-scroll">
            <table class="stats-table accounts-table">
                <caption class="fr-sr-only">{t!(i18n, accounts.title)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, accounts.col_name)}</th>
                        <th scope="col">{t!(i18n, accounts.col_email)}</th>
                        <th scope="col">{t!(i18n, accounts.col_role)}</th>
                        <th scope="col">{t!(i18n, accounts.col_sites)}</th>
                        <th scope="col">{t!(i18n, accounts.col_state)}</th>
                        <th scope="col">{t!(i18n, accounts.col_password)}</th>
                        <th scope="col">{t!(i18n, accounts.col_action)}</th>
                    </tr>
                </thead>
                <tbody>
                    {v.rows.into_iter().map(|r| {
                        let sites = if r.role != "agent" { t_string!(i18n, accounts.all_sites).to_string() } else if r.sites.is_empty() { t_string!(i18n, accounts.no_site).to_string() } else { r.sites.join(", ") };
                        view! {
                            <tr data-account=r.id.to_string() data-email=r.email.clone()>
                                <th scope="row">{r.name.clone()}</th>
                                <td>{r.email.clone()}</td>
                                <td>{role_label(i18n, &r.role)}</td>
                                <td>{sites}</td>
                                <td class="state">{if r.active { t_string!(i18n, accounts.state_active) } else { t_string!(i18n, accounts.state_disabled) }}</td>
                                <td class="password">{if r.must_change { t_string!(i18n, accounts.must_change) } else { t_string!(i18n, accounts.password_ok) }}</td>
                                <td><a class="fr-link" href=format!("/admin/comptes/{}", r.id)>{t!(i18n, accounts.edit)} <span class="fr-sr-only">{format!(" {}", r.name)}</span></a></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <h2 id="formulaire">{t!(i18n, accounts.new_title)}</h2>
        <ErrorSummary state=v.form.clone() fields />
        <form method="post" action="/admin/comptes/creer" class="fr-mb-6w account-form">
            <input type="hidden" name="token" value=v.token.clone() />
            <TextInput name="courriel" label=t_string!(i18n, accounts.field_email).to_string() state=v.form.clone() input_type="email" autocomplete="off" maxlength=254 />
            <TextInput name="nom" label=t_string!(i18n, accounts.field_name).to_string() hint=t_string!(i18n, accounts.field_name_hint).to_string() state=v.form.clone() autocomplete="off" maxlength=crate::domain::account::NAME_MAX_CHARS />
            <Select name="role" label=t_string!(i18n, accounts.field_role).to_string() options=role_options(i18n) state=v.form.clone() />
            <p class="fr-hint-text">{t!(i18n, accounts.role_hint)}</p>
            <SiteCheckboxes sites=v.sites.clone() state=v.form.clone() />
            <TextInput name="mot_de_passe" label=t_string!(i18n, accounts.field_temporary_password).to_string() hint=t_string!(i18n, accounts.field_temporary_password_hint).to_string() state=v.form.clone() input_type="password" autocomplete="new-password" maxlength=crate::domain::account::MAX_PASSWORD_CHARS />
            <button type="submit" class="fr-btn">{t!(i18n, accounts.create)}</button>
        </form>
    }
}

/// `/admin/comptes/{id}`.
#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i64>().ok()));
    let saved = Memo::new(move |_| query.read().get("enregistre"));
    let data = Resource::new(move || id.get(), |id| async move {
        match id {
            Some(id) => load_account(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, accounts.page_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <AccountDetail v saved=saved.get_untracked() /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AccountDetail(v: AccountView, saved: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let a = v.account.clone();
    let id = a.id;
    let revision = v.revision.to_string();
    let notice = saved.and_then(|s| match s.as_str() {
        "modifie" => Some(t_string!(i18n, accounts.saved).to_string()),
        "desactive" => Some(t_string!(i18n, accounts.disabled_done).to_string()),
        "reactive" => Some(t_string!(i18n, accounts.enabled_done).to_string()),
        "mot-de-passe" => Some(t_string!(i18n, accounts.reset_done).to_string()),
        _ => None,
    });
    let fields = vec![
        summary_field("nom", t_string!(i18n, accounts.field_name).to_string(), false),
        summary_field("role", t_string!(i18n, accounts.field_role).to_string(), true),
        summary_field("sites", t_string!(i18n, accounts.field_sites).to_string(), true),
    ];
    let reset_fields = vec![summary_field("mot_de_passe", t_string!(i18n, accounts.field_temporary_password).to_string(), false)];
    let name = a.name.clone();
    view! {
        <StaffNav header=v.header.clone() />
        <p><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/admin/comptes">{t!(i18n, accounts.back_to_list)}</a></p>
        <h1>{t!(i18n, accounts.edit_title, name = move || name.clone())}</h1>
        <p class="account-email">{a.email.clone()} " – " {role_label(i18n, &a.role)}</p>
        {notice.map(|n| view! { <div class="fr-alert fr-alert--success fr-alert--sm fr-mb-3w" role="status"><p>{n}</p></div> })}
        {v.problem.clone().map(|p| view! { <div class="fr-alert fr-alert--error fr-mb-3w" role="alert" id="probleme" tabindex="-1"><p>{p}</p></div> })}

        <h2>{t!(i18n, accounts.details_title)}</h2>
        <ErrorSummary state=v.form.clone() fields />
        <form method="post" action=format!("/admin/comptes/{id}/modifier") class="fr-mb-6w account-edit-form">
            <input type="hidden" name="revision" value=revision.clone() />
            <TextInput name="nom" label=t_string!(i18n, accounts.field_name).to_string() hint=t_string!(i18n, accounts.field_name_hint).to_string() state=v.form.clone() autocomplete="off" maxlength=crate::domain::account::NAME_MAX_CHARS />
            <Select name="role" label=t_string!(i18n, accounts.field_role).to_string() options=role_options(i18n) state=v.form.clone() />
            <p class="fr-hint-text">{t!(i18n, accounts.role_hint)}</p>
            <SiteCheckboxes sites=v.sites.clone() state=v.form.clone() />
            <button type="submit" class="fr-btn">{t!(i18n, accounts.save)}</button>
        </form>

        <h2>{t!(i18n, accounts.activation_title)}</h2>
        <form method="post" action=format!("/admin/comptes/{id}/activation") class="fr-mb-6w account-activation-form">
            <input type="hidden" name="revision" value=revision.clone() />
            <input type="hidden" name="actif" value=if a.active { "0" } else { "1" } />
            <p>{if a.active { t_string!(i18n, accounts.active_text) } else { t_string!(i18n, accounts.disabled_text) }}</p>
            <button type="submit" class=if a.active { "fr-btn fr-btn--secondary" } else { "fr-btn" }>
                {if a.active { t_string!(i18n, accounts.disable) } else { t_string!(i18n, accounts.enable) }}
            </button>
        </form>

        <h2>{t!(i18n, accounts.reset_title)}</h2>
        <p>{t!(i18n, accounts.reset_intro)}</p>
        <ErrorSummary state=v.reset.clone() fields=reset_fields />
        <form method="post" action=format!("/admin/comptes/{id}/mot-de-passe") class="fr-mb-6w account-reset-form">
            <input type="hidden" name="revision" value=revision />
            <TextInput name="mot_de_passe" label=t_string!(i18n, accounts.field_temporary_password).to_string() hint=t_string!(i18n, accounts.field_temporary_password_hint).to_string() state=v.reset.clone() input_type="password" autocomplete="new-password" maxlength=crate::domain::account::MAX_PASSWORD_CHARS />
            <button type="submit" class="fr-btn fr-btn--secondary">{t!(i18n, accounts.reset)}</button>
        </form>
    }
}
