//! Page frame and small shared components (DSFR markup: header, footer, notices).

use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

/// A page title for `<Title text=…>`: evaluated once, now, on the server (pages are not
/// hydrated in islands mode; the survey's island sets the tab's title itself).
///
/// On the server, `leptos_meta` reads titles when it writes `<head>`, outside the reactive
/// arena of the request; a title closure that reads a signal there (the locale of `t_string!`,
/// an error signal) panics now and then on the multi-threaded runtime ("the `sandboxed-arenas`
/// feature is active, but no Arena is active", leptos issue #3729), which cut the response short.
/// Evaluating it while the component renders avoids that.
pub fn title_text(text: impl FnOnce() -> String) -> TextProp {
    TextProp::from(text())
}

/// A page's full title as the browser tab shows it: "`text` – `service`", or the service name
/// alone when `text` is empty (the home page).
pub fn full_title(text: &str, service: &str) -> String {
    if text.is_empty() { service.to_string() } else { format!("{text} – {service}") }
}

/// Skip link, header, the page's `<main id="contenu">`, footer.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    // Page titles read "<page> – <service>". The service name is read now, not in the
    // formatter: see `title_text`.
    let service = t_string!(i18n, common.service_name).to_string();
    let title_formatter = move |text: String| full_title(&text, &service);
    let pathname = leptos_router::hooks::use_location().pathname;
    let staff = Memo::new(move |_| crate::language::is_staff_path(&pathname.read()));
    view! {
        <Title formatter=title_formatter />
        <div class="fr-skiplinks">
            <nav class="fr-container" aria-label=move || t_string!(i18n, common.quick_access).to_string()>
                <ul class="fr-skiplinks__list">
                    <li>
                        <a class="fr-link" href="#contenu">{t!(i18n, common.skip_to_content)}</a>
                    </li>
                </ul>
            </nav>
        </div>
        <header role="banner" class="fr-header">
            <div class="fr-header__body">
                <div class="fr-container">
                    <div class="fr-header__body-row">
                        <div class="fr-header__brand fr-enlarge-link">
                            <div class="fr-header__brand-top">
                                <div class="fr-header__logo">
                                    <p class="fr-logo">"République" <br /> "Française"</p>
                                </div>
                            </div>
                            <div class="fr-header__service">
                                // On a tablet, "home" is its start screen.
                                <Suspense fallback=move || view! { <HomeLink href="/" /> }>
                                    {move || Suspend::new(async move { view! { <HomeLink href=if crate::kiosk::kiosk().await.is_some() { crate::domain::kiosk::START_PATH } else { "/" } /> } })}
                                </Suspense>
                                <p class="fr-header__service-tagline">{t!(i18n, common.prefecture)}</p>
                            </div>
                        </div>
                    </div>
                </div>
            </div>
            <div class="fr-container header-links">
                // Public pages; the tablet's start screen has its own, bigger, language buttons.
                <Show when=move || !staff.get() && *pathname.read() != crate::domain::kiosk::START_PATH>
                    <crate::language::LanguageSwitcher />
                </Show>
                // No menu on a tablet: its visitors stay on the start screen's two paths.
                <Suspense>
                    {move || Suspend::new(async move { crate::kiosk::kiosk().await.is_none().then(|| view! { <MainNav /> }) })}
                </Suspense>
            </div>
        </header>
        <main id="contenu" tabindex="-1" class="fr-container fr-py-4w">
            {children()}
        </main>
        <footer class="fr-footer" role="contentinfo">
            <div class="fr-container">
                <div class="fr-footer__body">
                    <div class="fr-footer__brand">
                        <p class="fr-logo">"République" <br /> "Française"</p>
                    </div>
                    <div class="fr-footer__content">
                        <p class="fr-footer__content-desc">{t!(i18n, common.footer_text)}</p>
                    </div>
                </div>
                <crate::privacy::page::FooterLinks />
            </div>
        </footer>
        <crate::kiosk::page::KioskFrame />
    }
}

/// The service name in the header, linking to `href` (the home page, or a tablet's start screen).
#[component]
fn HomeLink(href: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <a href=href rel=(href != "/").then_some("external") title=move || t_string!(i18n, common.home_link).to_string()>
            <p class="fr-header__service-title">{t!(i18n, common.service_name)}</p>
        </a>
    }
}

/// The public menu of the header (not on tablets).
#[component]
fn MainNav() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="main-nav" aria-label=move || t_string!(i18n, common.nav_label).to_string()>
            <ul>
                <li><a href="/">{t!(i18n, common.nav_survey)}</a></li>
                <li><a href="/reclamation">{t!(i18n, common.nav_complaint)}</a></li>
                <li><a href="/suivi">{t!(i18n, common.nav_tracking)}</a></li>
                <li><a href="/resultats">{t!(i18n, common.nav_results)}</a></li>
            </ul>
        </nav>
    }
}

/// The "page not found" content (also sets a 404 status when rendered on the server).
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, common.not_found_title).to_string()) />
        <h1>{t!(i18n, common.not_found_title)}</h1>
        <p>{t!(i18n, common.not_found_text)}</p>
        <p>
            <a class="fr-link" href="/">{t!(i18n, common.back_home)}</a>
        </p>
    }
}

/// Shows an error from a server function as a clear notice (never a raw error string).
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    match error {
        AppError::NotFound => view! { <NotFound /> }.into_any(),
        AppError::Unauthorized => view! { <ToLogin /> }.into_any(),
        AppError::Forbidden => {
            #[cfg(feature = "ssr")]
            if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
                resp.set_status(http::StatusCode::FORBIDDEN);
            }
            let i18n = use_i18n();
            view! {
                <div class="fr-alert fr-alert--error" role="alert">
                    <h2 class="fr-alert__title">{t!(i18n, common.forbidden_title)}</h2>
                    <p>{t!(i18n, common.forbidden_text)}</p>
                </div>
            }
            .into_any()
        }
        _ => {
            #[cfg(feature = "ssr")]
            if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
                resp.set_status(http::StatusCode::SERVICE_UNAVAILABLE);
            }
            let i18n = use_i18n();
            view! {
                <div class="fr-alert fr-alert--error" role="alert">
                    <h2 class="fr-alert__title">{t!(i18n, common.unavailable_title)}</h2>
                    <p>{t!(i18n, common.unavailable_text)}</p>
                </div>
            }
            .into_any()
        }
    }
}

/// Sends a visitor who is not logged in to the login page: a 303 for any client on the server
/// (not only for those that accept HTML), and a plain link.
#[component]
pub fn ToLogin() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::SEE_OTHER);
        resp.insert_header(http::header::LOCATION, http::HeaderValue::from_static("/admin/connexion"));
    }
    view! {
        <Redirect path="/admin/connexion" />
        <p>
            <a class="fr-link" href="/admin/connexion">{t!(i18n, login.title)}</a>
        </p>
    }
}

/// Placeholder while data loads. Pages are rendered whole on the server (`SsrMode::Async`) and
/// there is no client-side navigation (islands mode), so visitors do not see it.
#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p aria-busy="true">{t!(i18n, common.loading)}</p> }
}

#[cfg(test)]
mod tests {
    use super::full_title;

    #[test]
    fn a_title_ends_with_the_service_name_once() {
        assert_eq!(full_title("Merci pour votre avis", "Avis & Réclamations"), "Merci pour votre avis – Avis & Réclamations");
        assert_eq!(full_title("", "Avis & Réclamations"), "Avis & Réclamations");
        assert_eq!(full_title("شكرا", "Avis & Réclamations"), "شكرا – Avis & Réclamations");
    }
}
