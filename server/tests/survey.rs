//! The survey end to end over HTTP, without JavaScript: the real server, a real SQLite file.

mod common;
use common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn survey_page_lists_the_questionnaire_with_a_token() {
    let app = spawn_app().await;
    let (status, body) = app.get("/enquete/evry").await;
    assert_eq!(status, 200);
    assert!(body.contains("Préfecture d&#x27;Évry-Courcouronnes") || body.contains("Préfecture d'Évry-Courcouronnes"), "{body}");
    // Seven closed questions as fieldsets with a legend, one textarea.
    assert_eq!(select(&body, "form[method=post] fieldset legend").len(), 7);
    assert_eq!(select(&body, "textarea[name=q_remarque]").len(), 1);
    assert_eq!(select(&body, "input[type=radio][name=q_satisfaction_globale]").len(), 4);
    let token = app.survey_token("evry").await;
    assert_eq!(token.split('.').count(), 3);
    assert_ne!(token, app.survey_token("evry").await, "every visitor gets a fresh token");
}

/// Islands mode: the survey page hydrates only its form. The island's props carry the form's
/// state (token, language, site), not the questions: they are rendered on the server as the
/// island's children, each in a small nested island for its error. The rest of the page, and
/// pages without interactive parts, carry no data for the browser; the loader script is a cached
/// file, not inline.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_survey_form_is_an_island() {
    let app = spawn_app().await;
    let (status, body) = app.get("/enquete/evry").await;
    assert_eq!(status, 200);
    assert!(attr_of(&body, "leptos-island", "data-component").unwrap().starts_with("SurveyFormIsland_"), "{body}");
    let props = island_props(&body);
    let token = attr_of(&body, "form[method=post] input[name=token]", "value").expect("token");
    assert_eq!(props["state"]["token"], token.as_str());
    assert_eq!(props["state"]["lang"], "fr");
    assert_eq!(props["state"]["site"]["slug"], "evry");
    // The questions are in the form, inside the island, and nowhere in its props.
    assert_eq!(select(&body, "leptos-island form[method=post] fieldset").len(), 7);
    let all_props = attrs_of(&body, "leptos-island", "data-props").join("\n");
    for legend in texts_of(&body, "fieldset legend") {
        let question = legend.split(" (").next().unwrap().trim().to_string();
        assert!(!question.is_empty() && !all_props.contains(&question), "{question} in {all_props}");
    }
    // Each legend is its fieldset's first child (its accessible name); one nested island per
    // question, for its error message; nothing else is an island.
    assert_eq!(select(&body, "fieldset > legend:first-child").len(), 7, "{body}");
    let messages = select(&body, "leptos-island leptos-children leptos-island[data-component^=FieldMessages_] > .fr-messages-group");
    assert_eq!(messages.len(), 8, "{body}");
    assert_eq!(select(&body, "leptos-island").len(), 1 + messages.len());
    // The page title is outside the island.
    assert_eq!(select(&body, "leptos-island title").len(), 0);
    // No resource is serialised for hydration (only islands are hydrated; Leptos' few bytes of
    // empty resource lists stay), and the only script file is the islands' loader, a file named
    // after its content: no inline loader, no module preloads.
    for script in select(&body, "script") {
        assert!(!script.contains("evry") && !script.contains("Évry") && !script.contains("import("), "{script}");
    }
    let loader = attr_of(&body, "script[defer]", "src").expect("loader");
    assert!(loader.starts_with("/pkg/islands.") && loader.ends_with(".js"), "{loader}");
    assert_eq!(select(&body, "script[src]").len(), 1, "{body}");
    assert!(select(&body, "link[rel=modulepreload], link[rel=preload]").is_empty(), "{body}");
    let r = app.client.get(format!("{}{loader}", app.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    assert!(r.text().await.unwrap().contains("leptos-island"));
    // In Arabic the island gets the page's language.
    let r = app.client.get(format!("{}/enquete/evry", app.base)).header("accept-language", "ar").send().await.unwrap();
    assert_eq!(island_props(&r.text().await.unwrap())["state"]["lang"], "ar");
    // Pages without interactive parts have no island.
    for path in ["/", "/admin/connexion", "/reclamation", "/suivi", "/donnees-personnelles"] {
        let (status, body) = app.get(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(select(&body, "leptos-island").is_empty(), "{path}: {body}");
    }
    // A complaint form with several errors: one island per error link, one loader script.
    let token = complaint_token(&app).await;
    let fields = with(with(form(&token), "message", ""), "reponse", "courriel");
    let r = app.post_form("/reclamation/envoi", &fields).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    let links = select(&body, "#resume-erreurs leptos-island[data-component^=ErrorLink_] a[href^='#']");
    assert!(links.len() >= 2, "{body}");
    assert_eq!(select(&body, "script[src]").len(), 1, "{body}");
}

/// The JSON props of the first island of `body`.
fn island_props(body: &str) -> serde_json::Value {
    serde_json::from_str(&attr_of(body, "leptos-island", "data-props").expect("island props")).expect("JSON props")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_lists_the_three_sites() {
    let app = spawn_app().await;
    let (status, body) = app.get("/").await;
    assert_eq!(status, 200);
    for slug in ["evry", "palaiseau", "etampes"] {
        assert_eq!(select(&body, &format!("a[href='/enquete/{slug}']")).len(), 1, "{slug}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_without_javascript_records_one_response_even_when_replayed() {
    let app = spawn_app().await;
    assert_eq!(app.respondents("evry").await, 0);
    let token = app.survey_token("evry").await;
    let r = app.post_form("/enquete/evry/reponses", &survey_answers(&token)).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/enquete/evry/merci");
    let (status, thanks) = app.get("/enquete/evry/merci").await;
    assert_eq!(status, 200);
    assert!(thanks.contains("Vos réponses ont bien été enregistrées."), "{thanks}");
    assert_eq!(app.respondents("evry").await, 1);

    // Double click, reload, back button + submit, replay: same token, still one response.
    for _ in 0..3 {
        let r = app.post_form("/enquete/evry/reponses", &survey_answers(&token)).await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/enquete/evry/merci");
    }
    assert_eq!(app.respondents("evry").await, 1);

    // Another visitor with identical answers is another response.
    let other = app.survey_token("evry").await;
    assert_eq!(app.post_form("/enquete/evry/reponses", &survey_answers(&other)).await.status(), 303);
    assert_eq!(app.respondents("evry").await, 2);
    assert_eq!(app.respondents("palaiseau").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_double_submit_records_once() {
    let app = spawn_app().await;
    let token = app.survey_token("palaiseau").await;
    let form = survey_answers(&token);
    let (a, b) = tokio::join!(app.post_form("/enquete/palaiseau/reponses", &form), app.post_form("/enquete/palaiseau/reponses", &form));
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (303, 303));
    assert_eq!(app.respondents("palaiseau").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_required_answer_keeps_everything_typed() {
    let app = spawn_app().await;
    let token = app.survey_token("etampes").await;
    let remark = "Très bien 👍 مرحبا\r\nDeuxième ligne";
    let fields: Vec<(&str, &str)> = survey_answers(&token).into_iter().filter(|(k, _)| *k != "q_satisfaction_globale" && *k != "q_remarque").chain([("q_remarque", remark)]).collect();
    let r = app.post_form("/enquete/etampes/reponses", &fields).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    // Every answer given is still selected, the text is still there.
    assert_eq!(select(&body, "input#q_amabilite-tout_a_fait[checked]").len(), 1, "{body}");
    assert_eq!(select(&body, "input#q_demarche-titre_sejour[checked]").len(), 1);
    assert_eq!(select(&body, "input[type=radio][checked]").len(), 6);
    let textarea = text_of(&body, "textarea#q_remarque").unwrap();
    assert!(textarea.contains("Très bien 👍 مرحبا") && textarea.contains("Deuxième ligne"), "{textarea}");
    // The same token is kept, so the corrected form can be sent.
    assert_eq!(select(&body, &format!("input[name=token][value='{token}']")).len(), 1);
    // Error summary at the top, linking to the field; message next to the field.
    let summary = select(&body, "#resume-erreurs a[href='#q_satisfaction_globale-tres_satisfait']");
    assert_eq!(summary.len(), 1, "{body}");
    assert!(select(&body, "#resume-erreurs[hidden]").is_empty());
    assert!(text_of(&body, "#q_satisfaction_globale-messages").unwrap().contains("Choisissez une réponse."));
    // The faulty question has the error style, the others not; the visitor's text is in the
    // textarea only, not in any island's props.
    assert_eq!(select(&body, "fieldset.fr-fieldset--error").len(), 1, "{body}");
    assert_eq!(select(&body, "#q_satisfaction_globale-fieldset.fr-fieldset--error").len(), 1);
    assert!(attrs_of(&body, "leptos-island", "data-props").iter().all(|p| !p.contains("Deuxième ligne")));
    let title = text_of(&body, "title").unwrap_or_default();
    assert!(title.starts_with("Erreur"), "{title:?}");
    assert_eq!(app.respondents("etampes").await, 0);

    // Corrected, it is recorded once.
    let r = app.post_form("/enquete/etampes/reponses", &survey_answers(&token)).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.respondents("etampes").await, 1);
}

/// The hydrated form's server function words its errors on the server, in the form's language,
/// in question order (the browser has no questionnaire data).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_function_words_its_errors_in_the_form_language() {
    let app = spawn_app().await;
    let token = app.survey_token("evry").await;
    let fields: Vec<(String, String)> = survey_answers(&token)
        .into_iter()
        .filter(|(k, _)| *k != "q_satisfaction_globale" && *k != "lang")
        .map(|(k, v)| (k.to_string(), if k == "q_amabilite" { "n_importe_quoi".to_string() } else { v.to_string() }))
        .chain([("lang".to_string(), "ar".to_string())])
        .collect();
    let r = app.client.post(format!("{}/srv/survey/submit", app.base)).json(&serde_json::json!({ "site": "evry", "fields": fields })).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let outcome: serde_json::Value = r.json().await.unwrap();
    let errors = outcome["Rejected"]["errors"].as_array().unwrap_or_else(|| panic!("{outcome}"));
    let fields: Vec<&str> = errors.iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["q_satisfaction_globale", "q_amabilite"], "{outcome}");
    assert_eq!(errors[0]["focus_id"], "q_satisfaction_globale-tres_satisfait");
    for e in errors {
        let (summary, message) = (e["summary"].as_str().unwrap(), e["message"].as_str().unwrap());
        assert!(!message.is_empty() && summary.contains(message), "{e}");
        assert!(message.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)), "not in Arabic: {message}");
    }
    assert_eq!(app.respondents("evry").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_long_remark_is_refused_with_its_length() {
    let app = spawn_app().await;
    let token = app.survey_token("evry").await;
    let long = "é".repeat(2001);
    let fields: Vec<(&str, &str)> = survey_answers(&token).into_iter().filter(|(k, _)| *k != "q_remarque").chain([("q_remarque", long.as_str())]).collect();
    let r = app.post_form("/enquete/evry/reponses", &fields).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(text_of(&body, "#q_remarque-messages").unwrap().contains("2001 caractères"), "{body}");
    assert_eq!(text_of(&body, "textarea#q_remarque").unwrap().trim(), long, "nothing is truncated");
    assert_eq!(app.respondents("evry").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_token_stores_nothing_and_keeps_answers() {
    let app = spawn_app().await;
    let r = app.post_form("/enquete/evry/reponses", &survey_answers("0123456789abcdef0123456789abcdef.1700000000.00")).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("Ce formulaire a expiré"), "{body}");
    assert_eq!(select(&body, "input#q_satisfaction_globale-tres_satisfait[checked]").len(), 1);
    // A fresh, valid token is in the page.
    let doc_token = select(&body, "input[name=token]");
    assert!(!doc_token[0].contains("1700000000"));
    assert_eq!(app.respondents("evry").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_site_is_404() {
    let app = spawn_app().await;
    let (status, body) = app.get("/enquete/marseille").await;
    assert_eq!(status, 404);
    assert!(body.contains("Page introuvable"));
    let r = app.post_form("/enquete/marseille/reponses", &survey_answers("x")).await;
    assert_eq!(r.status(), 404);
    let (status, _) = app.get("/nulle-part").await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_api_gives_shares_with_wilson_intervals_or_null() {
    let app = spawn_app().await;
    let json = app.results().await;
    let sites = json["sites"].as_array().unwrap();
    assert_eq!(sites.len(), 3);
    let evry = sites.iter().find(|s| s["slug"] == "evry").unwrap();
    assert_eq!(evry["name"], "Préfecture d'Évry-Courcouronnes");
    assert_eq!(evry["target"], 150);
    assert_eq!(evry["target_met"], false);
    assert!(evry["share"].is_null() && evry["ci_low"].is_null() && evry["ci_high"].is_null());

    // Two satisfied, one not.
    for answer in ["tres_satisfait", "plutot_satisfait", "pas_du_tout_satisfait"] {
        let token = app.survey_token("evry").await;
        let r = app.post_form("/enquete/evry/reponses", &[("token", token.as_str()), ("q_satisfaction_globale", answer)]).await;
        assert_eq!(r.status(), 303);
    }
    let json = app.results().await;
    let evry = json["sites"].as_array().unwrap().iter().find(|s| s["slug"] == "evry").unwrap().clone();
    assert_eq!(evry["respondents"], 3);
    let share = evry["share"].as_f64().unwrap();
    assert!((share - 2.0 / 3.0).abs() < 1e-9);
    let (low, high) = (evry["ci_low"].as_f64().unwrap(), evry["ci_high"].as_f64().unwrap());
    assert!(0.0 <= low && low < share && share < high && high <= 1.0, "{low} {high}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_post_is_refused() {
    let app = spawn_app().await;
    let token = app.survey_token("evry").await;
    let r = app.client.post(format!("{}/enquete/evry/reponses", app.base)).header("origin", "https://evil.example").form(&survey_answers(&token)).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(app.respondents("evry").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_security_headers() {
    let app = spawn_app().await;
    let r = app.client.get(format!("{}/healthz", app.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = app.client.get(format!("{}/enquete/evry", app.base)).send().await.unwrap();
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(r.headers()["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    assert!(r.headers().get("set-cookie").is_none(), "the anonymous survey sets no cookie");
}
