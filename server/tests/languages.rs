//! The five languages of the public side (issue 6): chosen from the browser, changed with the
//! switcher (remembered by a cookie set only then), Arabic right to left, staff pages French,
//! the questionnaire and the acknowledgement e-mail in the visitor's language.

mod common;
use common::*;

/// The text of `path` (e.g. `home.title`) in `app/locales/<code>.json`.
fn locale_text(code: &str, path: &str) -> String {
    let file = format!("{}/../app/locales/{code}.json", env!("CARGO_MANIFEST_DIR"));
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).expect("locale file")).expect("locale JSON");
    path.split('.').fold(&json, |v, k| &v[k]).as_str().unwrap_or_else(|| panic!("{code}: no {path}")).to_string()
}

/// GET `path` with an `Accept-Language` header; returns the response.
async fn get_with_language(app: &TestApp, path: &str, accept_language: &str) -> reqwest::Response {
    app.client.get(format!("{}{path}", app.base)).header("accept-language", accept_language).send().await.expect("GET")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_language_chooses_the_page_language_without_a_cookie() {
    let app = spawn_app().await;
    for (accept, code, dir) in [("ar-MA,fr;q=0.5", "ar", "rtl"), ("pt-BR,pt;q=0.9", "pt", "ltr"), ("de-DE,en;q=0.7", "en", "ltr"), ("es", "es", "ltr"), ("zh-CN", "fr", "ltr")] {
        let r = get_with_language(&app, "/", accept).await;
        assert_eq!(r.status(), 200);
        assert!(r.headers().get("set-cookie").is_none(), "{accept}: no cookie unless the visitor picks a language");
        assert_eq!(r.headers()["content-language"], code);
        let vary: Vec<_> = r.headers().get_all("vary").iter().map(|v| v.to_str().unwrap().to_string()).collect();
        assert!(vary.iter().any(|v| v.contains("Accept-Language")), "{vary:?}");
        let body = r.text().await.unwrap();
        assert_eq!(attr_of(&body, "html", "lang").as_deref(), Some(code), "{accept}");
        assert_eq!(attr_of(&body, "html", "dir").as_deref(), Some(dir), "{accept}");
        assert_eq!(text_of(&body, "h1").as_deref(), Some(locale_text(code, "home.title").as_str()), "{accept}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_switcher_names_each_language_in_itself_and_keeps_the_page() {
    let app = spawn_app().await;
    let (status, body) = app.get("/enquete/evry?code=AB2C-DE3F").await;
    assert_eq!(status, 200);
    let doc = scraper::Html::parse_document(&body);
    let sel = scraper::Selector::parse(".language-switcher a").unwrap();
    let names: Vec<String> = doc.select(&sel).map(|a| a.text().collect::<String>()).collect();
    assert_eq!(names, ["Français", "English", "العربية", "Español", "Português"]);
    let hrefs: Vec<_> = doc.select(&sel).map(|a| (a.value().attr("href").unwrap().to_string(), a.value().attr("lang").unwrap().to_string(), a.value().attr("dir").unwrap().to_string())).collect();
    assert_eq!(hrefs[2], ("/enquete/evry?code=AB2C-DE3F&lang=ar".to_string(), "ar".to_string(), "rtl".to_string()));
    assert_eq!(attr_of(&body, ".language-switcher a[aria-current]", "lang").as_deref(), Some("fr"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chosen_language_is_remembered_over_the_browser_one() {
    let app = spawn_app().await;
    let r = app.client.get(format!("{}/enquete/evry?code=AB2C-DE3F&lang=es", app.base)).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/enquete/evry?code=AB2C-DE3F");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    for part in ["langue=es", "Path=/", "Max-Age=31536000", "HttpOnly", "SameSite=Lax"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP in tests: {cookie}");
    let body = get_with_language(&app, "/enquete/evry", "en").await.text().await.unwrap();
    assert_eq!(attr_of(&body, "html", "lang").as_deref(), Some("es"));

    // An unknown choice is dropped without touching the remembered one.
    let r = app.client.get(format!("{}/suivi?lang=klingon", app.base)).send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (303, "/suivi"));
    assert!(r.headers().get("set-cookie").is_none());
    let (_, body) = app.get("/suivi").await;
    assert_eq!(attr_of(&body, "html", "lang").as_deref(), Some("es"));

    // Back to French.
    let r = app.client.get(format!("{}/?lang=fr", app.base)).send().await.unwrap();
    assert!(r.headers()["set-cookie"].to_str().unwrap().starts_with("langue=fr"));
    let (_, body) = app.get("/").await;
    assert_eq!(attr_of(&body, "html", "lang").as_deref(), Some("fr"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_pages_stay_in_french_without_a_switcher() {
    let app = spawn_app().await;
    let _ = app.client.get(format!("{}/?lang=ar", app.base)).send().await.unwrap();
    let (_, public) = app.get("/reclamation").await;
    assert_eq!(attr_of(&public, "html", "dir").as_deref(), Some("rtl"));
    let (status, body) = app.get("/admin/connexion").await;
    assert_eq!(status, 200);
    assert_eq!(attr_of(&body, "html", "lang").as_deref(), Some("fr"));
    assert_eq!(attr_of(&body, "html", "dir").as_deref(), Some("ltr"));
    assert!(select(&body, ".language-switcher").is_empty());
    // `?lang=` is not a staff feature: no redirect, no cookie.
    let r = app.client.get(format!("{}/admin/connexion?lang=en", app.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("set-cookie").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_questionnaire_and_the_accessibility_statement_are_translated() {
    let app = spawn_app().await;
    let seed: serde_json::Value = serde_json::from_str(include_str!("../../migrations/seed/default_questionnaire.json")).unwrap();
    for code in ["fr", "en", "ar", "es", "pt"] {
        let body = get_with_language(&app, "/enquete/evry", code).await.text().await.unwrap();
        let legends = select(&body, "fieldset legend");
        let first_label = seed["questions"][0]["label"][code].as_str().unwrap_or_else(|| panic!("seed has no {code} label"));
        assert!(legends.iter().any(|l| l.contains(first_label)), "{code}: {legends:?}");
        let r = get_with_language(&app, "/accessibilite", code).await;
        assert_eq!(r.status(), 200);
        let body = r.text().await.unwrap();
        assert_eq!(text_of(&body, "h1").as_deref(), Some(locale_text(code, "accessibility.title").as_str()));
        assert!(body.contains(&locale_text(code, "accessibility.status_none")), "{code}: the legal status is stated");
        assert!(body.contains(&locale_text(code, "accessibility.footer_none")), "{code}: the footer mention");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_acknowledgement_is_written_in_the_language_of_the_form() {
    let app = spawn_app().await;
    let _ = app.client.get(format!("{}/?lang=pt", app.base)).send().await.unwrap();
    let token = complaint_token(&app).await;
    let fields = with(with(with(form(&token), "lang", "pt"), "reponse", "email"), "email", "usuario@exemplo.pt");
    let r = app.post_form("/reclamation/envoi", &fields).await;
    let status = r.status();
    let body = r.text().await.unwrap();
    assert_eq!(status, 303, "{:?}", select(&body, ".fr-error-text, .fr-message--error, [role=alert]"));
    let store = store_of(&app).await;
    let outbox = store.list_outbox(10).await.unwrap();
    assert_eq!(outbox.len(), 1);
    let expected_start = locale_text("pt", "complaint.ack_subject_reclamation").split("{reference}").next().unwrap().to_string();
    assert!(outbox[0].subject.starts_with(&expected_start), "{:?} / {expected_start:?}", outbox[0].subject);
    assert!(!outbox[0].subject.contains("{reference}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn questionnaires_stored_in_french_only_get_the_translations_at_start_up() {
    use app::domain::questionnaire::QuestionKind;
    let app = spawn_app().await;
    let store = store_of(&app).await;
    let version = store.list_questionnaire_versions().await.unwrap().remove(0);
    // A database from before the translations: French only.
    let mut french = version.definition.clone();
    for q in &mut french.questions {
        q.label.retain(|l, _| l == "fr");
        if let Some(h) = q.hint.as_mut() {
            h.retain(|l, _| l == "fr");
        }
        if let QuestionKind::SingleChoice { options } = &mut q.kind {
            options.iter_mut().for_each(|o| o.label.retain(|l, _| l == "fr"));
        }
    }
    assert!(store.add_questionnaire_translations(version.id, &french).await.unwrap());
    let first_fr = french.questions[0].label["fr"].clone();
    let first_en = version.definition.questions[0].label["en"].clone();
    let legends = |body: String| select(&body, "fieldset legend");
    let english = get_with_language(&app, "/enquete/evry", "en").await.text().await.unwrap();
    assert!(legends(english).iter().any(|l| l.contains(&first_fr)), "French only for now");

    assert_eq!(server::seed::translate_stored_questionnaires(&store).await.unwrap(), 1);
    let english = get_with_language(&app, "/enquete/evry", "en").await.text().await.unwrap();
    assert!(legends(english).iter().any(|l| l.contains(&first_en)), "English after the start-up step");
    assert_eq!(server::seed::translate_stored_questionnaires(&store).await.unwrap(), 0, "idempotent");
}
