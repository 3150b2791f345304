//! Administration over HTTP without JavaScript: campaigns and questionnaire versions (admins
//! only; a version with answers is never changed, the edit becomes the next version).

mod common;
use app::store::Role;
use common::*;

async fn token(app: &TestApp, path: &str, form: &str) -> String {
    let (status, body) = app.get(path).await;
    assert_eq!(status, 200, "{body}");
    attr_of(&body, &format!("{form} input[name=token]"), "value").expect("token")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_create_and_change_campaigns_with_every_error_explained() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let version = store.current_campaign(app::time::paris_day(chrono::Utc::now())).await.unwrap().unwrap().settings.questionnaire_version_id.to_string();

    let t = token(&app, "/admin/campagnes", "form.campaign-form").await;
    let bad = [("token", t.as_str()), ("nom", ""), ("debut", "2027-03-01"), ("fin", "2027-02-01"), ("objectif", "0"), ("version", "abc")];
    let r = app.post_form("/admin/campagnes/enregistrer", &bad).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    let summary = text_of(&body, "#resume-erreurs").unwrap();
    for field in ["Nom", "Fin", "Objectif", "Questionnaire"] {
        assert!(summary.contains(field), "{field}: {summary}");
    }
    assert_eq!(attr_of(&body, "input#debut", "value").as_deref(), Some("2027-03-01"), "typed values kept");

    let good = [("token", t.as_str()), ("nom", "Enquête 2027 – printemps"), ("debut", "01/03/2027"), ("fin", "2027-05-31"), ("objectif", "200"), ("version", version.as_str())];
    assert_eq!(app.post_form("/admin/campagnes/enregistrer", &good).await.status(), 303);
    assert_eq!(app.post_form("/admin/campagnes/enregistrer", &good).await.status(), 303, "a double submit…");
    let campaigns = store.list_campaigns().await.unwrap();
    assert_eq!(campaigns.iter().filter(|c| c.settings.name == "Enquête 2027 – printemps").count(), 1, "…creates one campaign");
    let spring = campaigns.iter().find(|c| c.settings.name == "Enquête 2027 – printemps").unwrap();
    assert_eq!((spring.settings.target_per_site, spring.settings.starts_on.to_string()), (200, "2027-03-01".to_string()));

    // Change it.
    let (_, body) = app.get(&format!("/admin/campagnes?modifier={}", spring.id)).await;
    assert_eq!(attr_of(&body, "input#nom", "value").as_deref(), Some("Enquête 2027 – printemps"));
    let id = spring.id.to_string();
    let change = [("token", "x"), ("id", id.as_str()), ("nom", "Enquête 2027"), ("debut", "2027-01-01"), ("fin", "2027-12-31"), ("objectif", "150"), ("version", version.as_str())];
    assert_eq!(app.post_form("/admin/campagnes/enregistrer", &change).await.status(), 303);
    let changed = store.campaign_by_id(spring.id).await.unwrap().unwrap();
    assert_eq!((changed.settings.name.as_str(), changed.settings.target_per_site), ("Enquête 2027", 150));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_a_questionnaire_with_answers_creates_a_new_version() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let today = app::time::paris_day(chrono::Utc::now());
    let v1 = store.current_campaign(today).await.unwrap().unwrap().settings.questionnaire_version_id;

    // No answer yet: changed in place.
    let t = token(&app, &format!("/admin/questionnaires/{v1}"), "form.question-form").await;
    let add = [("token", t.as_str()), ("op", "ajouter"), ("cle", "proprete"), ("libelle", "Les locaux étaient-ils propres ?"), ("type", "choix"), ("reponses", "oui ; Oui ; satisfait\nnon ; Non ; insatisfait"), ("longueur", "")];
    let r = app.post_form(&format!("/admin/questionnaires/{v1}/modifier"), &add).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], format!("/admin/questionnaires/{v1}?enregistre=1"));
    assert!(store.questionnaire_version(v1).await.unwrap().unwrap().definition.question("proprete").is_some());
    // The survey shows it at once.
    let (_, survey) = app.get("/enquete/evry").await;
    assert!(survey.contains("Les locaux étaient-ils propres ?"));

    // One answer: the next change creates version 2, the campaign moves to it, version 1 keeps its text.
    let token_survey = app.survey_token("evry").await;
    assert_eq!(app.post_form("/enquete/evry/reponses", &[("token", token_survey.as_str()), ("q_satisfaction_globale", "tres_satisfait"), ("q_amabilite", "tout_a_fait")]).await.status(), 303);
    let t = token(&app, &format!("/admin/questionnaires/{v1}"), "form.question-form").await;
    let r = app.post_form(&format!("/admin/questionnaires/{v1}/modifier"), &[("token", t.as_str()), ("op", "retirer"), ("cle", "amabilite")]).await;
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(location.ends_with("?enregistre=nouvelle"), "{location}");
    let v2 = store.current_campaign(today).await.unwrap().unwrap().settings.questionnaire_version_id;
    assert_ne!(v2, v1);
    assert!(store.questionnaire_version(v2).await.unwrap().unwrap().definition.question("amabilite").is_none());
    assert!(store.questionnaire_version(v1).await.unwrap().unwrap().definition.question("amabilite").is_some(), "old answers keep their meaning");
    let (_, survey) = app.get("/enquete/evry").await;
    assert!(!survey.contains("name=\"q_amabilite\""));

    // The old version is read only: an edit based on it is refused, nothing changes.
    let r = app.post_form(&format!("/admin/questionnaires/{v1}/modifier"), &[("token", t.as_str()), ("op", "retirer"), ("cle", "conseil")]).await;
    assert_eq!(r.status(), 409);

    // Bad input: every error named, the text kept; protected questions stay.
    let t = token(&app, &format!("/admin/questionnaires/{v2}"), "form.question-form").await;
    let r = app.post_form(&format!("/admin/questionnaires/{v2}/modifier"), &[("token", t.as_str()), ("op", "ajouter"), ("cle", "Clé!"), ("libelle", "Question ?"), ("type", "choix"), ("reponses", "a;A;très")]).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(text_of(&body, "#resume-erreurs").unwrap().contains("Clé"));
    assert_eq!(text_of(&body, "textarea#reponses").as_deref(), Some("a;A;très"));
    let r = app.post_form(&format!("/admin/questionnaires/{v2}/modifier"), &[("token", t.as_str()), ("op", "retirer"), ("cle", "satisfaction_globale")]).await;
    assert_eq!(r.status(), 422);
    assert!(store.questionnaire_version(v2).await.unwrap().unwrap().definition.question("satisfaction_globale").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_admins_administer() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    server::seed::create_staff(&store, "qualite2@essonne.gouv.fr", "Qualité", "mot de passe très long", Role::Qualite, &[]).await.unwrap();
    login(&app, "qualite2@essonne.gouv.fr", "mot de passe très long").await;
    for path in ["/admin/campagnes", "/admin/questionnaires", "/admin/questionnaires/1"] {
        assert_eq!(app.get(path).await.0, 403, "{path}");
    }
    let r = app.post_form("/admin/campagnes/enregistrer", &[("nom", "x")]).await;
    assert_eq!(r.status(), 403);
    let r = app.post_form("/admin/questionnaires/1/modifier", &[("op", "retirer"), ("cle", "amabilite")]).await;
    assert_eq!(r.status(), 403);
}
