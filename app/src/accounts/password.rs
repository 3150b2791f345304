//! `/admin/mot-de-passe`: any logged-in staff member changes their own password (current, new,
//! confirmation). A user whose password was set by an admin is sent here and reaches nothing else
//! until it is done (`auth::session::password_change_guard`). Posts to the same URL
//! ([`super::http::post_own_password`]).

use crate::complaints::staff::api::StaffHeader;
use crate::complaints::staff::page::StaffNav;
use crate::components::{ErrorNotice, Loading};
use crate::error::AppError;
use crate::form::{ErrorSummary, FormState, SummaryField, TextInput};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// The page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PasswordView {
    /// Staff menu (none while the change is forced: every other page is closed).
    pub header: Option<StaffHeader>,
    /// The password was set by an admin and must be changed now.
    pub forced: bool,
    /// Errors of the previous attempt (passwords are never sent back).
    pub form: FormState,
}

/// What the POST hands back when it refuses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PasswordEcho(pub FormState);

/// The password page of the logged-in user (open to a user who must change their password: the
/// endpoint is under `/srv/auth/`).
///
/// # Errors
/// [`AppError::Unauthorized`] when logged out, [`AppError::Unavailable`].
#[server(prefix = "/srv", endpoint = "auth/password-state")]
pub async fn load_password_page() -> Result<PasswordView, AppError> {
    let user = crate::auth::session::current_user().await?;
    let forced = user.must_change_password;
    Ok(PasswordView {
        header: (!forced).then(|| crate::complaints::staff::access::header_of(&user)),
        forced,
        form: use_context::<PasswordEcho>().map(|e| e.0).unwrap_or_default(),
    })
}

/// `/admin/mot-de-passe`.
#[component]
pub fn PasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let done = Memo::new(move |_| query.read().get("enregistre").is_some());
    let data = Resource::new(|| (), |_| load_password_page());
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, accounts.password_page_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <PasswordForm v done=done.get_untracked() /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PasswordForm(v: PasswordView, done: bool) -> impl IntoView {
    let i18n = use_i18n();
    let field = |name: &'static str, label: String| SummaryField { name, focus_id: name.into(), label, choice: false };
    let fields = vec![
        field("actuel", t_string!(i18n, accounts.field_current).to_string()),
        field("nouveau", t_string!(i18n, accounts.field_new).to_string()),
        field("confirmation", t_string!(i18n, accounts.field_confirm).to_string()),
    ];
    view! {
        {v.header.clone().map(|header| view! { <StaffNav header /> })}
        <div class="fr-grid-row">
            <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
                <h1>{t!(i18n, accounts.password_title)}</h1>
                {(done && !v.forced).then(|| view! {
                    <div class="fr-alert fr-alert--success fr-alert--sm fr-mb-3w" role="status">
                        <p>{t!(i18n, accounts.password_changed)} " " <a class="fr-link" href="/admin">{t!(i18n, accounts.to_dashboard)}</a></p>
                    </div>
                })}
                {v.forced.then(|| view! { <div class="fr-alert fr-alert--warning fr-mb-3w"><p>{t!(i18n, accounts.password_forced)}</p></div> })}
                <ErrorSummary state=v.form.clone() fields />
                <p>{t!(i18n, accounts.password_rules)}</p>
                <form method="post" action="/admin/mot-de-passe" class="password-form">
                    <TextInput name="actuel" label=t_string!(i18n, accounts.field_current).to_string() state=v.form.clone() input_type="password" autocomplete="current-password" />
                    <TextInput name="nouveau" label=t_string!(i18n, accounts.field_new).to_string() state=v.form.clone() input_type="password" autocomplete="new-password" maxlength=crate::domain::account::MAX_PASSWORD_CHARS />
                    <TextInput name="confirmation" label=t_string!(i18n, accounts.field_confirm).to_string() state=v.form.clone() input_type="password" autocomplete="new-password" maxlength=crate::domain::account::MAX_PASSWORD_CHARS />
                    <button type="submit" class="fr-btn">{t!(i18n, accounts.change)}</button>
                </form>
            </div>
        </div>
    }
}
