//! Visit codes and QR posters (issue 6) over HTTP: batches created by quality staff (not agents),
//! a code counting once (also with two simultaneous submissions), another site's or an unknown
//! code, the dashboard share and the CSV of a batch.

mod common;
use app::domain::visit_code::{CodeState, VisitCode};
use app::store::{CodeBatchOutcome, DynStore, NewCodeBatch, Role};
use common::*;

const QUALITE_EMAIL: &str = "qualite.codes@essonne.gouv.fr";
const AGENT_EMAIL: &str = "agent.codes@essonne.gouv.fr";
const PASSWORD: &str = "mot de passe très long";

/// Creates a batch of `size` codes for `site` directly in the store; returns its codes.
async fn batch(store: &DynStore, site: &str, size: u32) -> Vec<VisitCode> {
    let site = store.site_by_slug(site).await.unwrap().unwrap();
    let admin = store.user_by_email(ADMIN_EMAIL).await.unwrap().unwrap();
    let nonce = format!("test-batch-{}-{}", site.slug, rand_suffix());
    let new = NewCodeBatch { site_id: site.id, label: "Test".into(), size, created_by: admin.id, created_at: chrono::Utc::now(), token_nonce: nonce };
    let mut rng = rand::rngs::OsRng;
    let mut next = move || VisitCode::from_random_bytes(|| rand::Rng::gen::<u8>(&mut rng));
    let CodeBatchOutcome::Created(id) = store.create_code_batch(&new, &mut next).await.unwrap() else { panic!("token reused") };
    store.batch_codes(id).await.unwrap().into_iter().map(|c| c.code).collect()
}

fn rand_suffix() -> u64 {
    rand::random()
}

/// Survey answers with the visit code `code` in the hidden field.
fn answers_with_code<'a>(token: &'a str, code: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut fields = survey_answers(token);
    fields.push(("code", code));
    fields
}

/// The token of the survey page of `site` opened with `?code=`.
async fn token_with_code(app: &TestApp, site: &str, code: &str) -> (String, String) {
    let (status, body) = app.get(&format!("/enquete/{site}?code={code}")).await;
    assert_eq!(status, 200, "{body}");
    let token = attr_of(&body, "form[method=post] input[name=token]", "value").expect("token");
    (token, body)
}

/// The dashboard's visit-code line for `query`.
async fn share_line(app: &TestApp, query: &str) -> String {
    let (status, body) = app.get(&format!("/admin?{query}")).await;
    assert_eq!(status, 200, "{body}");
    text_of(&body, ".visit-code-share").expect("share line").trim().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quality_staff_create_a_batch_once_and_agents_cannot() {
    let mut app = spawn_app().await;
    let store = store_of(&app).await;
    server::seed::create_staff(&store, QUALITE_EMAIL, "Qualité", PASSWORD, Role::Qualite, &[]).await.unwrap();
    server::seed::create_staff(&store, AGENT_EMAIL, "Agent Évry", PASSWORD, Role::Agent, &["evry".to_string()]).await.unwrap();
    login(&app, QUALITE_EMAIL, PASSWORD).await;
    let (status, page) = app.get("/admin/codes-visite").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Aucun lot de codes"), "{page}");
    // Without PUBLIC_BASE_URL, the page says the links are built from its own address.
    assert!(page.contains("PUBLIC_BASE_URL n&#x27;est pas réglée") || page.contains("PUBLIC_BASE_URL n'est pas réglée"), "{page}");
    let token = attr_of(&page, "form[action='/admin/codes-visite/creer'] input[name=token]", "value").unwrap();

    // Refused input comes back with what was typed and the errors.
    for (size, label) in [("0", "Guichet A"), ("1001", "Guichet A"), ("dix", "Guichet A"), ("5", "")] {
        let r = app.post_form("/admin/codes-visite/creer", &[("token", &token), ("site", "evry"), ("libelle", label), ("nombre", size)]).await;
        assert_eq!(r.status(), 422, "{size} {label}");
        let body = r.text().await.unwrap();
        assert_eq!(attr_of(&body, "input#nombre", "value").as_deref(), Some(size), "{body}");
        assert!(!select(&body, ".fr-error-text, .fr-message--error").is_empty(), "{body}");
    }
    let r = app.post_form("/admin/codes-visite/creer", &[("token", &token), ("site", "nulle-part"), ("libelle", "X"), ("nombre", "3")]).await;
    assert_eq!(r.status(), 422);

    let form = [("token", token.as_str()), ("site", "evry"), ("libelle", "Guichet titres de séjour"), ("nombre", "5")];
    let r = app.post_form("/admin/codes-visite/creer", &form).await;
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/admin/codes-visite/"), "{location}");
    // The same form again (double click, back button): one batch.
    let again = app.post_form("/admin/codes-visite/creer", &form).await;
    assert_eq!(again.status(), 303);
    assert_eq!(again.headers()["location"], "/admin/codes-visite");
    let batches = store.list_code_batches(&app::store::SiteScope::All).await.unwrap();
    assert_eq!(batches.len(), 1);
    assert_eq!((batches[0].size, batches[0].used, batches[0].label.as_str()), (5, 0, "Guichet titres de séjour"));

    // The slips: five codes, each with its QR code as a data: image and the survey link.
    let (status, slips) = app.get(&location).await;
    assert_eq!(status, 200, "{slips}");
    let codes: Vec<String> = select(&slips, "li.slip").iter().map(|li| attr_of(li, "li", "data-code").unwrap()).collect();
    assert_eq!(codes.len(), 5);
    for c in &codes {
        assert!(VisitCode::parse(c).is_some_and(|p| p.display() == *c), "{c}");
    }
    for src in select(&slips, "img.slip-qr").iter().map(|i| attr_of(i, "img", "src").unwrap()) {
        assert!(src.starts_with("data:image/svg+xml,"), "{src}");
    }
    assert!(!slips.contains("style="), "no inline style (CSP)");

    // An agent reaches none of it.
    app.fresh_cookie_jar();
    login(&app, AGENT_EMAIL, PASSWORD).await;
    assert_eq!(app.get("/admin/codes-visite").await.0, 403);
    assert_eq!(app.get(&location).await.0, 403);
    assert_eq!(app.get("/admin/affiches/evry").await.0, 403);
    let token = attr_of(&page, "form[action='/admin/codes-visite/creer'] input[name=token]", "value").unwrap();
    assert_eq!(app.post_form("/admin/codes-visite/creer", &[("token", &token), ("site", "evry"), ("libelle", "X"), ("nombre", "3")]).await.status(), 403);
    assert_eq!(store.list_code_batches(&app::store::SiteScope::All).await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visit_code_used_twice_counts_once() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    let codes = batch(&store, "evry", 3).await;
    let code = codes[0].display();
    let evry = store.site_by_slug("evry").await.unwrap().unwrap();

    // Typed in lower case without the dash: the same code.
    let typed = code.replace('-', "").to_lowercase();
    let (token, page) = token_with_code(&app, "evry", &typed).await;
    assert_eq!(text_of(&page, ".visit-code-line").as_deref(), Some(format!("Code de visite : {code}").as_str()), "{page}");
    assert_eq!(attr_of(&page, "form[method=post] input[name=code]", "value").as_deref(), Some(code.as_str()));
    assert_eq!(select(&page, "form[method=post] button[type=submit]").len(), 1);
    let r = app.post_form("/enquete/evry/reponses", &answers_with_code(&token, &code)).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.respondents("evry").await, 1);
    assert_eq!(store.visit_code_state(evry.id, &codes[0]).await.unwrap(), CodeState::Used);

    // Opened again: a polite notice, the questions, no submit button.
    let (token2, page) = token_with_code(&app, "evry", &code).await;
    assert!(page.contains("Ce code a déjà servi. Merci d&#x27;avoir déjà répondu !") || page.contains("Ce code a déjà servi. Merci d'avoir déjà répondu !"), "{page}");
    assert_eq!(select(&page, "form[method=post] fieldset legend").len(), 7);
    assert!(select(&page, "form[method=post] button[type=submit]").is_empty(), "{page}");

    // A crafted POST with the used code stores nothing and keeps the answers.
    let r = app.post_form("/enquete/evry/reponses", &answers_with_code(&token2, &code)).await;
    assert_eq!(r.status(), 409);
    let body = r.text().await.unwrap();
    assert!(body.contains("Ce code a déjà servi"), "{body}");
    assert_eq!(select(&body, "input#q_amabilite-tout_a_fait[checked]").len(), 1, "{body}");
    assert!(select(&body, "form[method=post] button[type=submit]").is_empty());
    assert_eq!(app.respondents("evry").await, 1);

    // The first form sent again (double click): still the thank-you page, still one response.
    let r = app.post_form("/enquete/evry/reponses", &answers_with_code(&token, &code)).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.respondents("evry").await, 1);
    let share = store.visit_code_share(&app::store::ResponseFilter::all()).await.unwrap();
    assert_eq!((share.coded, share.total), (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_simultaneous_submissions_with_one_code_store_one_response() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    let codes = batch(&store, "palaiseau", 1).await;
    let code = codes[0].display();
    let (a, _) = token_with_code(&app, "palaiseau", &code).await;
    let (b, _) = token_with_code(&app, "palaiseau", &code).await;
    let (fa, fb) = (answers_with_code(&a, &code), answers_with_code(&b, &code));
    let (ra, rb) = tokio::join!(app.post_form("/enquete/palaiseau/reponses", &fa), app.post_form("/enquete/palaiseau/reponses", &fb));
    let mut statuses = [ra.status().as_u16(), rb.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [303, 409]);
    assert_eq!(app.respondents("palaiseau").await, 1);
    let share = store.visit_code_share(&app::store::ResponseFilter::all()).await.unwrap();
    assert_eq!((share.coded, share.total), (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_sites_code_or_an_unknown_code_answers_normally_without_counting() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    let palaiseau = batch(&store, "palaiseau", 1).await;
    let other_site = palaiseau[0].display();
    let site = store.site_by_slug("palaiseau").await.unwrap().unwrap();
    for code in [other_site.as_str(), "ZZZZ-ZZZZ", "pas-un-code"] {
        let (token, page) = token_with_code(&app, "evry", code).await;
        assert!(page.contains("Ce code de visite n&#x27;est pas reconnu") || page.contains("Ce code de visite n'est pas reconnu"), "{code}: {page}");
        assert_eq!(select(&page, "form[method=post] button[type=submit]").len(), 1, "{code}");
        let r = app.post_form("/enquete/evry/reponses", &answers_with_code(&token, code)).await;
        assert_eq!(r.status(), 303, "{code}");
    }
    assert_eq!(app.respondents("evry").await, 3);
    let share = store.visit_code_share(&app::store::ResponseFilter::all()).await.unwrap();
    assert_eq!((share.coded, share.total), (0, 3));
    // Palaiseau's code was not spent at Évry.
    assert_eq!(store.visit_code_state(site.id, &palaiseau[0]).await.unwrap(), CodeState::Valid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_shows_the_share_of_responses_with_a_code() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    let codes = batch(&store, "evry", 2).await;
    for code in [Some(codes[0].display()), Some(codes[1].display()), None] {
        let token = app.survey_token("evry").await;
        let fields = match &code {
            Some(c) => answers_with_code(&token, c),
            None => survey_answers(&token),
        };
        assert_eq!(app.post_form("/enquete/evry/reponses", &fields).await.status(), 303);
    }
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(share_line(&app, "site=evry").await, "Réponses avec un code de visite : 67 % (2 sur 3)");
    // The fine aggregates (a channel filter) count the same.
    assert_eq!(share_line(&app, "site=evry&canal=web").await, "Réponses avec un code de visite : 67 % (2 sur 3)");
    // No response: no division by zero.
    assert_eq!(share_line(&app, "site=etampes").await, "Réponses avec un code de visite : —");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_csv_lists_the_codes_with_their_links() {
    let app = spawn_app_with(TestOptions { public_base_url: Some("https://avis.essonne.gouv.fr".into()), ..Default::default() }).await;
    let store = store_of(&app).await;
    let codes = batch(&store, "etampes", 4).await;
    let id = store.list_code_batches(&app::store::SiteScope::All).await.unwrap()[0].id;
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let r = app.client.get(format!("{}/admin/codes-visite/{id}/codes.csv", app.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains("codes-visite-etampes"));
    let bytes = r.bytes().await.unwrap();
    let text = std::str::from_utf8(&bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("Excel BOM");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "code;site;lien;utilise_le");
    assert_eq!(lines.len(), 5);
    for c in &codes {
        let line = format!("{};Sous-préfecture d'Étampes;https://avis.essonne.gouv.fr/enquete/etampes?code={};", c.display(), c.display());
        assert!(lines.contains(&line.as_str()), "{line} in {text}");
    }
    // The slips and the poster use PUBLIC_BASE_URL and say so.
    let (_, slips) = app.get(&format!("/admin/codes-visite/{id}")).await;
    assert!(slips.contains("https://avis.essonne.gouv.fr/enquete/etampes"), "{slips}");
    assert!(slips.contains("adresse réglée par PUBLIC_BASE_URL"), "{slips}");
    let (status, poster) = app.get("/admin/affiches/etampes?format=a3").await;
    assert_eq!(status, 200);
    assert_eq!(select(&poster, "article.poster.poster-a3 img.poster-qr").len(), 1, "{poster}");
    assert!(poster.contains("avis.essonne.gouv.fr/enquete/etampes"));
    // An unknown batch or site.
    assert_eq!(app.client.get(format!("{}/admin/codes-visite/999/codes.csv", app.base)).send().await.unwrap().status(), 404);
    assert_eq!(app.get("/admin/affiches/nulle-part").await.0, 404);
}
