//! The visitor's side of a tablet: the start screen `/borne`, the inactivity dialog shown on every
//! kiosk page, and the "Terminer" block of the thank-you pages.

use super::{kiosk, KioskInfo};
use crate::components::Loading;
use crate::domain::kiosk::{KioskTimings, RESET_URL, START_PATH, THANKS_RETURN_SECONDS};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_i18n::Locale as _;
use leptos_meta::{Meta, Title};

/// `/borne`: the start screen of the tablet's site (two big buttons and the language choice); on
/// a browser that is not an enrolled tablet (or a revoked one), a page saying so (403).
#[component]
pub fn StartPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, kiosk.start_page_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match kiosk().await {
                    Some(k) => view! { <StartScreen k /> }.into_any(),
                    None => view! { <NotATablet /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StartScreen(k: KioskInfo) -> impl IntoView {
    let i18n = use_i18n();
    let current = i18n.get_locale_untracked();
    let survey = format!("/enquete/{}", k.site_slug);
    let complaint = format!("/reclamation/{}", k.site_slug);
    view! {
        <div class="kiosk-start">
            <h1>{t!(i18n, kiosk.start_title)}</h1>
            <p class="fr-text--lead kiosk-site">{k.site_name.clone()}</p>
            <ul class="kiosk-actions">
                <li><a class="fr-btn fr-btn--lg kiosk-action" href=survey>{t!(i18n, kiosk.start_survey)}</a></li>
                <li><a class="fr-btn fr-btn--lg fr-btn--secondary kiosk-action" href=complaint>{t!(i18n, kiosk.start_complaint)}</a></li>
            </ul>
            <nav class="kiosk-languages" aria-labelledby="kiosk-langues">
                <h2 class="fr-h6" id="kiosk-langues">{t!(i18n, kiosk.languages_title)}</h2>
                <ul>
                    // Big buttons, each language named in itself; a full page load (`?lang=`), so
                    // that the server sets the language (`crate::language`).
                    {<Locale as leptos_i18n::Locale>::get_all().iter().copied().map(|locale| view! {
                        <li>
                            <a
                                class="fr-btn fr-btn--tertiary"
                                href=format!("{START_PATH}?{}={}", crate::language::QUERY_PARAM, locale.as_str())
                                rel="external"
                                lang=locale.as_str()
                                hreflang=locale.as_str()
                                dir=locale.direction().as_str()
                                aria-current=(locale == current).then_some("true")
                            >
                                {td_string!(locale, language.name)}
                            </a>
                        </li>
                    }).collect_view()}
                </ul>
            </nav>
        </div>
    }
}

/// The page of `/borne` on a browser that is not a working tablet (403).
#[component]
fn NotATablet() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::FORBIDDEN);
    }
    let i18n = use_i18n();
    view! {
        <div class="fr-alert fr-alert--info" role="status">
            <h1 class="fr-alert__title">{t!(i18n, kiosk.not_tablet_title)}</h1>
            <p>{t!(i18n, kiosk.not_tablet_text)}</p>
        </div>
        <p class="fr-mt-3w"><a class="fr-link" href="/">{t!(i18n, common.back_home)}</a></p>
    }
}

/// On a thank-you page of a tablet: the "Terminer" button back to the start screen at once and,
/// when `refresh`, a `<meta http-equiv="refresh">` that goes there after
/// [`THANKS_RETURN_SECONDS`] (works without JavaScript; allowed by the Content-Security-Policy,
/// which governs no navigation).
#[component]
pub fn KioskDone(
    /// Go back by itself after [`THANKS_RETURN_SECONDS`].
    refresh: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    // Back to the start screen in French: the next visitor starts afresh, language included.
    let content = format!("{THANKS_RETURN_SECONDS};url={RESET_URL}");
    view! {
        {refresh.then(|| view! { <Meta http_equiv="refresh" content=content.clone() /> })}
        {refresh.then(|| view! { <p class="kiosk-return">{t!(i18n, kiosk.thanks_return, seconds = move || THANKS_RETURN_SECONDS)}</p> })}
        // A full page load: it also cancels a pending refresh.
        <p><a class="fr-btn fr-btn--lg kiosk-done" href=RESET_URL rel="external">{t!(i18n, kiosk.done)}</a></p>
    }
}

/// The kiosk parts of the page frame (in `Layout`): on a tablet, the inactivity dialog.
#[component]
pub fn KioskFrame() -> impl IntoView {
    let lang = use_i18n().get_locale_untracked().as_str().to_string();
    view! {
        <Suspense>
            {move || {
                let lang = lang.clone();
                Suspend::new(async move { kiosk().await.map(|k| view! { <KioskIdle timings=k.timings lang /> }) })
            }}
        </Suspense>
    }
}

/// Empties every form of the page (back to the values the server sent), before the page is left
/// after inactivity: nothing typed survives even in a cached copy of the page.
#[cfg(feature = "hydrate")]
fn clear_forms() {
    use wasm_bindgen::JsCast;
    let forms = document().get_elements_by_tag_name("form");
    for i in 0..forms.length() {
        if let Some(form) = forms.item(i).and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok()) {
            form.reset();
        }
    }
}

/// Inactivity on a kiosk page (RGAA 13.1: the user can extend a time limit). Any `pointerdown`,
/// `keydown` or `input` restarts the count; after `timings.idle_seconds` a modal `<dialog>` opens
/// (focus on "Continuer"; its title and text, with a live countdown, are announced), saying the
/// page will be cleared in `timings.warning_seconds`. "Continuer" (or Escape) closes it and
/// restarts the count; without an answer the browser goes to `/borne?lang=fr` with
/// `location.replace` (the page leaves the history, French comes back for the next visitor; its
/// forms are emptied first, and a kiosk page restored from the back-forward cache reloads). Not
/// counted on the start screen already in French ([`crate::domain::kiosk::idle_reset_applies`]).
/// Rendered closed on the server; an island, it works once hydrated (wasm). `lang`: the page's
/// language code ([`crate::language::provide_i18n`]).
#[island]
pub fn KioskIdle(timings: KioskTimings, lang: String) -> impl IntoView {
    let i18n = crate::language::provide_i18n(&lang);
    let remaining = RwSignal::new(timings.warning_seconds);
    let open = RwSignal::new(false);
    let idle = StoredValue::new(0u32);
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let button = NodeRef::<leptos::html::Button>::new();
    #[cfg(feature = "hydrate")]
    {
        Effect::new(move |_| {
            let tick = move || {
                if open.get_untracked() {
                    let left = remaining.get_untracked().saturating_sub(1);
                    remaining.set(left);
                    if left == 0 {
                        clear_forms();
                        let _ = window().location().replace(crate::domain::kiosk::RESET_URL);
                    }
                    return;
                }
                let path = window().location().pathname().unwrap_or_default();
                if !crate::domain::kiosk::idle_reset_applies(&path, i18n.get_locale_untracked().as_str()) {
                    idle.set_value(0);
                    return;
                }
                let n = idle.get_value() + 1;
                idle.set_value(n);
                if n >= timings.idle_seconds {
                    remaining.set(timings.warning_seconds);
                    open.set(true);
                    if let Some(d) = dialog.get_untracked() {
                        let _ = d.show_modal();
                    }
                    if let Some(b) = button.get_untracked() {
                        let _ = b.focus();
                    }
                }
            };
            let interval = set_interval_with_handle(tick, std::time::Duration::from_secs(1)).ok();
            let activity = move |_| {
                if !open.get_untracked() {
                    idle.set_value(0);
                }
            };
            let listeners = [
                window_event_listener_untyped("pointerdown", activity),
                window_event_listener_untyped("keydown", activity),
                window_event_listener_untyped("input", activity),
                // A kiosk page restored from the back-forward cache could show the state a
                // previous visitor left it in: load it afresh instead (its answer is `no-store`).
                window_event_listener(leptos::ev::pageshow, |ev| {
                    if ev.persisted() {
                        let _ = window().location().reload();
                    }
                }),
            ];
            on_cleanup(move || {
                if let Some(i) = interval {
                    i.clear();
                }
                for l in listeners {
                    l.remove();
                }
            });
        });
    }
    // Closed by "Continuer" or by Escape: the visitor is there.
    let on_close = move |_| {
        open.set(false);
        idle.set_value(0);
        remaining.set(timings.warning_seconds);
    };
    let on_continue = move |_| {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };
    view! {
        <dialog node_ref=dialog class="kiosk-dialog" role="dialog" aria-modal="true" aria-labelledby="kiosk-inactivite-titre" aria-describedby="kiosk-inactivite-texte" on:close=on_close>
            <h2 class="fr-h4" id="kiosk-inactivite-titre">{t!(i18n, kiosk.idle_title)}</h2>
            <p id="kiosk-inactivite-texte">
                {t!(i18n, kiosk.idle_text)} " "
                <strong role="timer" class="kiosk-countdown">{t!(i18n, kiosk.idle_countdown, seconds = move || remaining.get())}</strong>
            </p>
            <button node_ref=button type="button" class="fr-btn fr-btn--lg" on:click=on_continue>{t!(i18n, kiosk.idle_continue)}</button>
        </dialog>
    }
}
