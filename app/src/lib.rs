//! Avis & Réclamations — the Leptos application of the Préfecture de l'Essonne's satisfaction
//! survey and complaint box. Compiled twice: with `ssr` into the server, with `hydrate` to wasm.
//!
//! Folders by feature: `survey/` (public survey), `dashboard/` (staff results), `auth/` (staff
//! login); `domain/` holds the pure rules (questionnaire, validation, statistics); `store/`
//! (server only) the database behind one trait.

#![recursion_limit = "256"]

pub mod accessibility;
pub mod accounts;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod codes;
pub mod complaints;
pub mod components;
pub mod dashboard;
#[cfg(feature = "ssr")]
pub mod export;
pub mod domain;
pub mod error;
pub mod form;
pub mod form_guard;
pub mod import;
pub mod islands;
pub mod language;
pub mod kiosk;
pub mod privacy;
pub mod survey;

#[cfg(feature = "ssr")]
pub mod last_known;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod time;

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The HTML document around the app (server side only renders it).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="format-detection" content="telephone=no" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                // `/pkg/avis.<hash>.css` when the build names files after their content (see
                // the server's `assets` module), `/pkg/avis.css` otherwise.
                <HashedStylesheet options=options.clone() id="leptos" />
                <AutoReload options=options.clone() />
                // Islands mode: the loader script (a cached file) downloads the wasm only on a
                // page with an `#[island]` and hydrates the islands once the browser is idle.
                <islands::IslandScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: routes of the public survey and of the staff area.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Whether this browser is an enrolled tablet (kiosk mode), read once per page load.
    kiosk::provide_kiosk();
    view! {
        // leptos_i18n is built without its `cookie` feature (`enable_cookie=false` kept as a
        // safeguard): it would set a cookie for every visitor. The language comes from
        // `language::language_middleware` (a cookie only when the visitor picks one).
        <I18nContextProvider enable_cookie=false ssr_lang_header_getter=language::locale_options()>
            <Router>
                <components::Layout>
                    // Async: every page is rendered whole on the server, so it reads and works without JavaScript.
                    <Routes fallback=|| view! { <components::NotFound /> }>
                        <Route path=path!("/") view=survey::page::HomePage ssr=SsrMode::Async />
                        <Route path=path!("/enquete/:site") view=survey::page::SurveyPage ssr=SsrMode::Async />
                        // Where the form posts without JavaScript; a GET there shows the form.
                        <Route path=path!("/enquete/:site/reponses") view=survey::page::SurveyPage ssr=SsrMode::Async />
                        <Route path=path!("/enquete/:site/merci") view=survey::page::ThanksPage ssr=SsrMode::Async />
                        <Route path=path!("/reclamation") view=complaints::page::ComplaintPage ssr=SsrMode::Async />
                        <Route path=path!("/reclamation/envoi") view=complaints::page::ComplaintPage ssr=SsrMode::Async />
                        <Route path=path!("/reclamation/enregistree/:reference") view=complaints::page::FiledPage ssr=SsrMode::Async />
                        <Route path=path!("/reclamation/:site") view=complaints::page::ComplaintPage ssr=SsrMode::Async />
                        <Route path=path!("/suivi") view=complaints::page::TrackingPage ssr=SsrMode::Async />
                        <Route path=path!("/borne") view=kiosk::page::StartPage ssr=SsrMode::Async />
                        <Route path=path!("/resultats") view=survey::published::PublishedResultsPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/connexion") view=auth::page::LoginPage ssr=SsrMode::Async />
                        <Route path=path!("/admin") view=dashboard::page::DashboardPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/remarques") view=dashboard::remarks::RemarksPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/import") view=import::page::ImportPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/rapport") view=dashboard::report::ReportPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/campagnes") view=admin::campaigns::CampaignsPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/journal") view=audit::page::JournalPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/comptes") view=accounts::page::AccountsPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/comptes/:id") view=accounts::page::AccountPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/tablettes") view=kiosk::admin::TabletsPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/mot-de-passe") view=accounts::password::PasswordPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/questionnaires") view=admin::questionnaires::VersionsPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/questionnaires/:id") view=admin::questionnaires::EditorPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/questionnaires/:id/question/:key") view=admin::questionnaires::EditorPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/reclamations") view=complaints::staff::page::ComplaintListPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/reclamations/nouvelle") view=complaints::staff::page::EntryPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/reclamations/saisie") view=complaints::staff::page::EntryPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/reclamations/:id") view=complaints::staff::page::ComplaintDetailPage ssr=SsrMode::Async />
                        // Where the status and reply forms post; a rejected form is shown there again.
                        <Route path=path!("/admin/reclamations/:id/statut") view=complaints::staff::page::ComplaintDetailPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/reclamations/:id/reponse") view=complaints::staff::page::ComplaintDetailPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/reclamations/:id/courrier") view=complaints::staff::page::LetterPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/courriers-types") view=complaints::staff::templates::TemplatesPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/courriers-types/nouveau") view=complaints::staff::templates::TemplateFormPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/courriers-types/enregistrer") view=complaints::staff::templates::TemplateFormPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/courriers-types/:id") view=complaints::staff::templates::TemplateFormPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/envois") view=complaints::staff::templates::OutboxPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/codes-visite") view=codes::page::CodeBatchesPage ssr=SsrMode::Async />
                        // Where the batch form posts; a refused form is shown there again.
                        <Route path=path!("/admin/codes-visite/creer") view=codes::page::CodeBatchesPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/codes-visite/:batch") view=codes::page::BatchSlipsPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/affiches") view=codes::page::PostersPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/affiches/:site") view=codes::page::PosterPage ssr=SsrMode::Async />
                        <Route path=path!("/donnees-personnelles") view=privacy::page::PrivacyNoticePage ssr=SsrMode::Async />
                        <Route path=path!("/accessibilite") view=accessibility::AccessibilityPage ssr=SsrMode::Async />
                        <Route path=path!("/mentions-legales") view=privacy::page::LegalNoticePage ssr=SsrMode::Async />
                        <Route path=path!("/admin/donnees-personnelles") view=privacy::page::PersonSearchPage ssr=SsrMode::Async />
                        // Where the erasure form posts; a form without the confirmation is shown there again.
                        <Route path=path!("/admin/donnees-personnelles/effacement") view=privacy::page::ErasurePage ssr=SsrMode::Async />
                    </Routes>
                </components::Layout>
            </Router>
        </I18nContextProvider>
    }
}

/// Entry point of the wasm bundle. Islands mode: the page is not hydrated as a whole; the loader
/// script ([`islands`]) then hydrates each `<leptos-island>` of the page (the `#[island]` components:
/// [`survey::page::SurveyFormIsland`] and the error message of each of its questions,
/// [`kiosk::page::KioskIdle`], [`form::ErrorLink`]).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
