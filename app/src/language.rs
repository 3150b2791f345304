//! The visitor's language (issue 6): the public pages exist in French (reference), English,
//! Arabic (right to left), Spanish and Portuguese; staff pages stay in French.
//!
//! How a request's language is chosen (server side, [`negotiate`]):
//! 1. staff pages (`/admin…`, `/srv/admin…`) are always French;
//! 2. else the `langue` cookie, set only when the visitor picks a language with the switcher
//!    (a plain link `?lang=xx`, so it works without JavaScript: [`language_middleware`] stores
//!    the choice and redirects to the same address without the parameter);
//! 3. else the browser's `Accept-Language` (its order of preference, q-values honoured);
//! 4. else French.
//!
//! The chosen locale is handed to `leptos_i18n` through [`RequestLanguage`] in the request's
//! context; the server writes it as `<html lang=… dir=…>` and hands it to each island (the
//! parts hydrated in the browser) as a prop ([`provide_i18n`]), so both sides agree.
//! Switching language reloads the page (the switcher's links are `rel="external"`), which keeps
//! titles and server-rendered data (questionnaire texts) in the new language without any
//! client-side bookkeeping.

use crate::i18n::*;
use leptos::prelude::*;
use leptos_i18n::Locale as _;

/// Name of the cookie remembering a language the visitor chose (value: a code of
/// [`Locale`], e.g. `ar`). Functional cookie set at the visitor's request only: it carries no
/// identifier (privacy notice, "Cookies").
pub const COOKIE_NAME: &str = "langue";

/// How long the chosen language is remembered, in days (calendar days).
pub const COOKIE_MAX_AGE_DAYS: i64 = 365;

/// Query parameter of the language switcher's links (`?lang=en`).
pub const QUERY_PARAM: &str = "lang";

/// Sections of `locales/fr.json` shown on public pages: each of them must be translated whole
/// in every language (checked by this module's tests); the other sections are staff pages,
/// French only.
pub const PUBLIC_SECTIONS: &[&str] = &["common", "home", "survey", "thanks", "results", "form", "complaint", "privacy", "language", "accessibility", "kiosk"];

/// The language chosen for one request, put in the request's extensions by
/// [`language_middleware`] and provided to the Leptos context by
/// [`crate::state::provide_request_context`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestLanguage(pub Locale);

/// Provides the translations in language `lang` (a code such as `"ar"`; an unknown code gives
/// French) to the current owner and returns them, where the page's `I18nContextProvider` is out of
/// reach: inside an `#[island]` (islands are hydrated one by one in the browser, outside that
/// provider, a server-only component in islands mode; each receives the page's language as a prop)
/// and in a server function that words messages ([`crate::survey::api::submit_survey`]). No cookie
/// is read or written: the page's language was chosen on the server ([`negotiate`]).
pub fn provide_i18n(lang: &str) -> leptos_i18n::I18nContext<Locale> {
    let locale = parse_code(lang).unwrap_or(Locale::fr);
    let i18n = leptos_i18n::context::init_i18n_subcontext::<Locale>(Some(Signal::stored(locale)));
    provide_context(i18n);
    i18n
}

/// Whether `path` belongs to the staff area, whose pages and server functions stay in French.
pub fn is_staff_path(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/") || path.starts_with("/srv/admin")
}

/// Parses a language code as the switcher and the cookie write it (`fr`, `en`, `ar`, `es`,
/// `pt`; case and surrounding spaces ignored). `None` for anything else.
pub fn parse_code(code: &str) -> Option<Locale> {
    let code = code.trim().to_ascii_lowercase();
    Locale::get_all().iter().copied().find(|l| l.as_str() == code)
}

/// The language of a request to `path` (see the module documentation for the order of rules).
///
/// `cookie` is the raw value of the [`COOKIE_NAME`] cookie, `accept_language` the raw
/// `Accept-Language` header; unknown or malformed values are ignored, never an error.
#[cfg(feature = "ssr")]
pub fn negotiate(path: &str, cookie: Option<&str>, accept_language: Option<&str>) -> Locale {
    if is_staff_path(path) {
        return Locale::fr;
    }
    if let Some(locale) = cookie.and_then(parse_code) {
        return locale;
    }
    match accept_language {
        // `parse` sorts by q-value; `find_locale` takes the first tag we have (e.g. `ar-MA` → `ar`)
        // and falls back to French.
        Some(header) => Locale::find_locale(&accept_language::parse(header)),
        None => Locale::fr,
    }
}

/// The switcher's link to `locale` from the page at `path` with query `search` (with or without
/// its leading `?`): the same page and parameters (e.g. a visit code), plus `lang=<code>`.
pub fn switch_href(path: &str, search: &str, locale: Locale) -> String {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(search.trim_start_matches('?')).unwrap_or_default();
    let mut kept: Vec<(&str, &str)> = pairs.iter().filter(|(k, _)| k != QUERY_PARAM).map(|(k, v)| (k.as_str(), v.as_str())).collect();
    kept.push((QUERY_PARAM, locale.as_str()));
    format!("{path}?{}", serde_urlencoded::to_string(kept).unwrap_or_default())
}

/// Splits a query string into the language asked with `?lang=` and the rest of the query
/// (same order, re-encoded). Returns `None` when there is no `lang` parameter; `Some((None, rest))`
/// when its value is not one of ours (the parameter is dropped all the same).
#[cfg(feature = "ssr")]
pub fn take_choice(query: &str) -> Option<(Option<Locale>, String)> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).ok()?;
    let chosen = pairs.iter().find(|(k, _)| k == QUERY_PARAM)?.1.clone();
    let rest: Vec<&(String, String)> = pairs.iter().filter(|(k, _)| k != QUERY_PARAM).collect();
    let rest = serde_urlencoded::to_string(rest).unwrap_or_default();
    Some((parse_code(&chosen), rest))
}

/// Axum middleware choosing the language of every request (outermost application layer; the
/// state is whether cookies are `Secure`).
///
/// - A `GET` of a public page with `?lang=xx` answers `303 See Other` to the same address
///   without the parameter and, when `xx` is one of ours, sets the [`COOKIE_NAME`] cookie
///   (`Path=/`, [`COOKIE_MAX_AGE_DAYS`], `HttpOnly`, `SameSite=Lax`, `Secure` per
///   `COOKIE_SECURE`).
/// - Any other request gets its [`RequestLanguage`] in its extensions; the response says
///   `Content-Language` and `Vary: Accept-Language, Cookie` (shared caches must not mix
///   languages).
#[cfg(feature = "ssr")]
pub async fn language_middleware(
    axum::extract::State(secure_cookies): axum::extract::State<bool>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use http::header;
    let path = req.uri().path().to_owned();
    if req.method() == http::Method::GET && !is_staff_path(&path) && !path.starts_with("/srv/") {
        if let Some((chosen, rest)) = req.uri().query().and_then(take_choice) {
            let location = if rest.is_empty() { path } else { format!("{path}?{rest}") };
            let mut response = axum::response::Redirect::to(&location).into_response();
            if let Some(locale) = chosen {
                let cookie = tower_sessions::cookie::Cookie::build((COOKIE_NAME, locale.as_str()))
                    .path("/")
                    .max_age(tower_sessions::cookie::time::Duration::days(COOKIE_MAX_AGE_DAYS))
                    .http_only(true)
                    .same_site(tower_sessions::cookie::SameSite::Lax)
                    .secure(secure_cookies)
                    .build();
                if let Ok(value) = http::HeaderValue::from_str(&cookie.to_string()) {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
            }
            response.headers_mut().insert(header::CACHE_CONTROL, http::HeaderValue::from_static("no-store"));
            return response;
        }
    }
    let cookie = cookie_value(req.headers(), COOKIE_NAME);
    let accept = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let locale = negotiate(&path, cookie.as_deref(), accept);
    req.extensions_mut().insert(RequestLanguage(locale));
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_LANGUAGE, http::HeaderValue::from_static(locale.as_str()));
    headers.append(header::VARY, http::HeaderValue::from_static("Accept-Language, Cookie"));
    response
}

/// The value of cookie `name` in the request's `Cookie` headers, if any.
#[cfg(feature = "ssr")]
fn cookie_value(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(tower_sessions::cookie::Cookie::split_parse)
        .flatten()
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// The `Accept-Language` getter given to `leptos_i18n`: on the server it answers the language
/// [`language_middleware`] chose for this request (French outside a request).
pub fn locale_options() -> leptos_use::UseLocalesOptions {
    leptos_use::UseLocalesOptions::default().ssr_lang_header_getter(|| {
        #[cfg(feature = "ssr")]
        {
            Some(use_context::<RequestLanguage>().map_or(Locale::fr, |l| l.0).as_str().to_owned())
        }
        #[cfg(not(feature = "ssr"))]
        {
            None
        }
    })
}

/// The language switcher of the public pages: one link per language, each named in its own
/// language (`lang` and `dir` set on it, so screen readers pronounce it right), the current one
/// marked `aria-current`. Plain links (`?lang=xx`, full page load): it works without JavaScript.
#[component]
pub fn LanguageSwitcher() -> impl IntoView {
    let i18n = use_i18n();
    let current = i18n.get_locale_untracked();
    let location = leptos_router::hooks::use_location();
    view! {
        <nav class="language-switcher" aria-label=move || t_string!(i18n, language.switcher_label).to_string()>
            <ul>
                {Locale::get_all()
                    .iter()
                    .copied()
                    .map(|locale| {
                        let href = move || switch_href(&location.pathname.read(), &location.search.read(), locale);
                        let is_current = locale == current;
                        view! {
                            <li>
                                <a
                                    href=href
                                    rel="external"
                                    hreflang=locale.as_str()
                                    lang=locale.as_str()
                                    dir=locale.direction().as_str()
                                    aria-current=is_current.then_some("true")
                                >
                                    {td_string!(locale, language.name)}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn staff_pages_are_french_whatever_the_visitor_asks() {
        assert_eq!(negotiate("/admin", Some("ar"), Some("ar")), Locale::fr);
        assert_eq!(negotiate("/admin/reclamations/3", Some("en"), None), Locale::fr);
        assert_eq!(negotiate("/srv/admin/journal", None, Some("es")), Locale::fr);
        // Not the staff area, only a similar name.
        assert!(!is_staff_path("/administration"));
    }

    #[test]
    fn the_chosen_language_wins_over_the_browser() {
        assert_eq!(negotiate("/", Some("pt"), Some("en-GB,en;q=0.9")), Locale::pt);
        assert_eq!(negotiate("/", Some(" AR "), None), Locale::ar);
        // An unknown cookie value is ignored.
        assert_eq!(negotiate("/", Some("de"), Some("es-ES")), Locale::es);
    }

    #[test]
    fn the_browser_order_and_quality_are_honoured() {
        assert_eq!(negotiate("/", None, Some("ar-MA,fr;q=0.8")), Locale::ar);
        assert_eq!(negotiate("/", None, Some("de-DE,de;q=0.9,pt-BR;q=0.8,en;q=0.5")), Locale::pt);
        assert_eq!(negotiate("/", None, Some("fr;q=0.2, en;q=0.9")), Locale::en);
        assert_eq!(negotiate("/", None, Some("zh-CN")), Locale::fr);
        assert_eq!(negotiate("/", None, Some("")), Locale::fr);
        assert_eq!(negotiate("/", None, Some(";;,,q=")), Locale::fr);
        assert_eq!(negotiate("/", None, None), Locale::fr);
    }

    #[test]
    fn codes_are_exact_language_codes() {
        assert_eq!(parse_code("es"), Some(Locale::es));
        assert_eq!(parse_code("EN"), Some(Locale::en));
        assert_eq!(parse_code("en-US"), None);
        assert_eq!(parse_code(""), None);
        assert_eq!(Locale::get_all().len(), 5);
    }

    #[test]
    fn switch_links_keep_the_page_and_its_parameters() {
        assert_eq!(switch_href("/", "", Locale::ar), "/?lang=ar");
        assert_eq!(switch_href("/enquete/evry", "?code=AB2C-DE3F&lang=en", Locale::pt), "/enquete/evry?code=AB2C-DE3F&lang=pt");
        assert_eq!(switch_href("/suivi", "q=%C3%A9t%C3%A9", Locale::es), "/suivi?q=%C3%A9t%C3%A9&lang=es");
    }

    #[test]
    fn the_choice_is_taken_out_of_the_query() {
        assert_eq!(take_choice("lang=ar"), Some((Some(Locale::ar), String::new())));
        assert_eq!(take_choice("code=AB2C-DE3F&lang=en&x=%C3%A9"), Some((Some(Locale::en), "code=AB2C-DE3F&x=%C3%A9".to_string())));
        assert_eq!(take_choice("lang=klingon"), Some((None, String::new())));
        assert_eq!(take_choice("code=AB2C"), None);
        assert_eq!(take_choice(""), None);
    }

    /// `(path, text)` of every string of a locale file, paths like `survey.title`.
    fn flatten(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    flatten(&path, v, out);
                }
            }
            serde_json::Value::String(s) => out.push((prefix.to_string(), s.clone())),
            other => out.push((prefix.to_string(), other.to_string())),
        }
    }

    fn strings(json: &str) -> std::collections::BTreeMap<String, String> {
        let value: serde_json::Value = serde_json::from_str(json).expect("locale file is valid JSON");
        let mut out = Vec::new();
        flatten("", &value, &mut out);
        out.into_iter().collect()
    }

    /// The `{{ name }}` placeholders of a text, sorted.
    fn placeholders(text: &str) -> std::collections::BTreeSet<String> {
        text.split("{{").skip(1).filter_map(|rest| rest.split_once("}}")).map(|(name, _)| name.trim().to_string()).collect()
    }

    #[test]
    fn every_public_text_is_translated_with_the_same_placeholders() {
        let french = strings(include_str!("../locales/fr.json"));
        let translations = [
            ("en", include_str!("../locales/en.json")),
            ("ar", include_str!("../locales/ar.json")),
            ("es", include_str!("../locales/es.json")),
            ("pt", include_str!("../locales/pt.json")),
        ];
        let public: Vec<&String> = french.keys().filter(|k| PUBLIC_SECTIONS.iter().any(|s| k.split('.').next() == Some(s))).collect();
        assert!(public.len() > 250, "public keys: {}", public.len());
        let mut problems = Vec::new();
        for (code, json) in translations {
            let texts = strings(json);
            for key in &public {
                match texts.get(*key) {
                    None => problems.push(format!("{code}: {key} missing")),
                    Some(t) if t.trim().is_empty() => problems.push(format!("{code}: {key} empty")),
                    Some(t) if placeholders(t) != placeholders(&french[*key]) => problems.push(format!("{code}: {key} placeholders differ")),
                    Some(_) => {}
                }
            }
            for key in texts.keys().filter(|k| !french.contains_key(*k)) {
                problems.push(format!("{code}: {key} is not a French key"));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn the_survey_languages_are_the_locales() {
        let codes: Vec<&str> = Locale::get_all().iter().map(|l| l.as_str()).collect();
        assert_eq!(codes, crate::survey::submit::LANGUAGES);
    }

    #[test]
    fn each_language_is_named_in_itself() {
        let names: Vec<&str> = Locale::get_all().iter().map(|l| td_string!(*l, language.name)).collect();
        assert_eq!(names, ["Français", "English", "العربية", "Español", "Português"]);
    }
}
