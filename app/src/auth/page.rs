//! `/admin/connexion`: the staff login page.

use super::api::{load_login_state, LoginFailure};
use crate::components::{ErrorNotice, Loading};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

/// The login form (plain POST, works without JavaScript).
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = Resource::new(|| (), |_| load_login_state());
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, login.page_title).to_string()) />
        <div class="fr-grid-row fr-grid-row--center">
            <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
                <h1>{t!(i18n, login.title)}</h1>
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match state.await {
                            Ok(s) => {
                                let message = s.failure.map(|f| match f {
                                    LoginFailure::Missing => t_string!(i18n, login.missing).to_string(),
                                    LoginFailure::BadCredentials => t_string!(i18n, login.failed).to_string(),
                                    LoginFailure::Throttled { minutes: 1 } => t_string!(i18n, login.throttled_one).to_string(),
                                    LoginFailure::Throttled { minutes } => t_string!(i18n, login.throttled, minutes = minutes).to_string(),
                                });
                                view! {
                                    {message.map(|m| view! {
                                        <div class="fr-alert fr-alert--error fr-mb-3w" role="alert" id="erreur-connexion" tabindex="-1">
                                            <p>{m}</p>
                                        </div>
                                    })}
                                    <form method="post" action="/admin/connexion">
                                        <div class="fr-input-group">
                                            <label class="fr-label" for="email">{t!(i18n, login.email)}</label>
                                            <input class="fr-input" type="email" id="email" name="email" autocomplete="username" required=true value=s.email />
                                        </div>
                                        <div class="fr-input-group">
                                            <label class="fr-label" for="password">{t!(i18n, login.password)}</label>
                                            <input class="fr-input" type="password" id="password" name="password" autocomplete="current-password" required=true />
                                        </div>
                                        <button type="submit" class="fr-btn">{t!(i18n, login.submit)}</button>
                                    </form>
                                }.into_any()
                            }
                            Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </div>
    }
}
