//! The staff side of the complaint box over HTTP without JavaScript: who may read and change
//! what (enforced on the server, ids in URLs included), the agents' entry with a date of receipt,
//! status changes, replies from templates, and the templates themselves.

mod common;
use app::domain::complaint::ComplaintStatus;
use app::store::{Complaint, DynStore, OutboxState, Role, SiteScope};
use common::*;

const AGENT_EMAIL: &str = "agent.palaiseau@essonne.gouv.fr";
const PASSWORD: &str = "mot de passe très long";

/// A test server with an agent of Palaiseau.
async fn app_with_agent() -> (TestApp, DynStore) {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    server::seed::create_staff(&store, AGENT_EMAIL, "Agent Palaiseau", PASSWORD, Role::Agent, &["palaiseau".to_string()]).await.expect("agent");
    (app, store)
}

async fn by_reference(store: &DynStore, reference: &str) -> Complaint {
    store.complaint_by_reference(reference).await.expect("store").expect("complaint")
}

/// POST and return (status, location, body).
async fn post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> (u16, Option<String>, String) {
    let r = app.post_form(path, fields).await;
    let status = r.status().as_u16();
    let location = r.headers().get("location").map(|l| l.to_str().unwrap().to_string());
    (status, location, r.text().await.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_reaches_only_the_complaints_of_their_site() {
    let (app, store) = app_with_agent().await;
    let evry = file_with(&app, &[("site", "evry")]).await;
    let palaiseau = file_with(&app, &[("site", "palaiseau"), ("message", "Pas assez de places assises.")]).await;
    let evry_id = by_reference(&store, &evry).await.id;
    let palaiseau_id = by_reference(&store, &palaiseau).await.id;

    // Logged out: nothing is readable or changeable.
    let (status, location, _) = post(&app, &format!("/admin/reclamations/{evry_id}/statut"), &[("attendu", "accuse_envoye"), ("statut", "en_cours")]).await;
    assert_eq!((status, location.as_deref()), (303, Some("/admin/connexion")));
    let (status, _) = app.get("/admin/reclamations").await;
    assert_eq!(status, 303);

    login(&app, AGENT_EMAIL, PASSWORD).await;
    let (status, list) = app.get("/admin/reclamations").await;
    assert_eq!(status, 200);
    assert!(list.contains(&palaiseau) && !list.contains(&evry), "{list}");
    // Even when asked for Évry explicitly.
    let (_, list) = app.get("/admin/reclamations?site=evry").await;
    assert!(!list.contains(&evry));

    // By id in the URL: the Évry complaint does not exist for this agent.
    for path in [format!("/admin/reclamations/{evry_id}"), format!("/admin/reclamations/{evry_id}/courrier")] {
        let (status, body) = app.get(&path).await;
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("Trois heures"), "{path} leaks the message");
    }
    // Through the server function too.
    let r = app.client.post(format!("{}/srv/staff/complaint", app.base)).header("origin", &app.base).form(&[("id", evry_id.to_string())]).send().await.unwrap();
    let body = r.text().await.unwrap();
    assert!(!body.contains("Trois heures") && !body.contains(&evry), "{body}");

    // Writes are refused and change nothing.
    let (status, _, _) = post(&app, &format!("/admin/reclamations/{evry_id}/statut"), &[("attendu", "accuse_envoye"), ("statut", "en_cours")]).await;
    assert_eq!(status, 404);
    let (status, _, _) = post(&app, &format!("/admin/reclamations/{evry_id}/reponse"), &[("attendu", "accuse_envoye"), ("objet", "x"), ("texte", "y"), ("envoi", "courrier")]).await;
    assert_eq!(status, 404);
    let after = by_reference(&store, &evry).await;
    assert_eq!((after.status, after.reply_text), (ComplaintStatus::AccuseEnvoye, None));
    assert_eq!(store.complaint_events(evry_id).await.unwrap().len(), 2, "filed + acknowledged only");

    // Their own site's complaint: readable and changeable.
    let (status, body) = app.get(&format!("/admin/reclamations/{palaiseau_id}")).await;
    assert_eq!(status, 200);
    assert!(body.contains("Pas assez de places assises."));
    let (status, location, _) = post(&app, &format!("/admin/reclamations/{palaiseau_id}/statut"), &[("attendu", "accuse_envoye"), ("statut", "en_cours"), ("commentaire", "Transmis au chef d'accueil")]).await;
    assert_eq!((status, location), (303, Some(format!("/admin/reclamations/{palaiseau_id}"))));
    let events = store.complaint_events(palaiseau_id).await.unwrap();
    let last = events.last().unwrap();
    assert_eq!((last.user_name.as_deref(), last.to_status, last.detail.as_deref()), (Some("Agent Palaiseau"), Some(ComplaintStatus::EnCours), Some("Transmis au chef d'accueil")));

    // The entry form refuses a site out of reach (and stores nothing).
    let (_, page) = app.get("/admin/reclamations/nouvelle").await;
    let token = attr_of(&page, "form[action='/admin/reclamations/saisie'] input[name=token]", "value").expect("token");
    assert!(select(&page, "input[name=site][value=evry]").is_empty(), "Évry is not offered");
    let before = store.list_complaints(&SiteScope::All, &Default::default(), 100).await.unwrap().len();
    let (status, _, _) = post(
        &app,
        "/admin/reclamations/saisie",
        &[("token", &token), ("canal", "courrier"), ("date_reception", "2026-01-05"), ("type", "reclamation"), ("site", "evry"), ("demarche", "autre"), ("message", "x"), ("reponse", "aucune")],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(store.list_complaints(&SiteScope::All, &Default::default(), 100).await.unwrap().len(), before);

    // Templates and the outbox belong to quality staff.
    assert_eq!(app.get("/admin/courriers-types/nouveau").await.0, 403);
    assert_eq!(app.get("/admin/envois").await.0, 403);
    let (status, _, _) = post(&app, "/admin/courriers-types/enregistrer", &[("nom", "Pirate"), ("objet", "x"), ("texte", "y")]).await;
    assert_eq!(status, 403);
    assert!(store.list_templates(true).await.unwrap().iter().all(|t| t.name != "Pirate"));
    // …but every agent can read them.
    assert_eq!(app.get("/admin/courriers-types").await.0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quality_staff_enter_a_letter_and_reply_with_a_template() {
    let (app, store) = app_with_agent().await;
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let today = app::time::paris_day(chrono::Utc::now());
    let received = today - chrono::Duration::days(3);

    // Entry with a mistake: everything typed comes back.
    let (_, page) = app.get("/admin/reclamations/nouvelle").await;
    let token = attr_of(&page, "form[action='/admin/reclamations/saisie'] input[name=token]", "value").expect("token");
    let future = (today + chrono::Duration::days(1)).to_string();
    let mut fields = vec![
        ("token", token.as_str()),
        ("canal", "courrier"),
        ("date_reception", future.as_str()),
        ("type", "reclamation"),
        ("site", "etampes"),
        ("demarche", "permis_conduire"),
        ("message", "Lettre manuscrite : délai anormal pour mon permis."),
        ("nom", "Mme Nguyễn Thị Lan"),
        ("reponse", "courrier"),
        ("adresse", "12 avenue de Paris\r\n91150 Étampes"),
        ("code_postal", "91150"),
    ];
    let (status, _, body) = post(&app, "/admin/reclamations/saisie", &fields).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("La date ne peut pas être dans le futur."));
    assert!(body.contains("Mme Nguyễn Thị Lan") && body.contains("délai anormal"));
    let received_text = received.to_string();
    fields[2] = ("date_reception", received_text.as_str());
    let (status, location, body) = post(&app, "/admin/reclamations/saisie", &fields).await;
    assert_eq!(status, 303, "{body}");
    let location = location.unwrap();
    let id: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
    let c = store.complaint(id, &SiteScope::All).await.unwrap().unwrap();
    assert_eq!((c.received_on, c.status, c.acknowledged_on), (received, ComplaintStatus::Recue, None));
    assert_eq!(c.reference, format!("REC-{}-000001", chrono::Datelike::year(&received)));
    // The same entry posted again (double click) files nothing more.
    let (status, again, _) = post(&app, "/admin/reclamations/saisie", &fields).await;
    assert_eq!((status, again.as_deref()), (303, Some(location.as_str())));

    // The page shows the deadlines from the date of receipt: 14 calendar days for a letter.
    let (_, page) = app.get(&location).await;
    let ack_due = app::time::french_date(received + chrono::Duration::days(14));
    assert!(page.contains(&ack_due), "acknowledgement due {ack_due}");

    // "Sans suite" needs a reason; the stale form of a changed complaint does nothing.
    let (status, _, body) = post(&app, &format!("/admin/reclamations/{id}/statut"), &[("attendu", "recue"), ("statut", "sans_suite"), ("motif", "")]).await;
    assert_eq!(status, 422);
    assert!(body.contains("resume-erreurs"));
    let (status, _, _) = post(&app, &format!("/admin/reclamations/{id}/statut"), &[("attendu", "recue"), ("statut", "en_cours")]).await;
    assert_eq!(status, 303);
    let (status, _, _) = post(&app, &format!("/admin/reclamations/{id}/statut"), &[("attendu", "recue"), ("statut", "sans_suite"), ("motif", "Doublon")]).await;
    assert_eq!(status, 303);
    assert_eq!(store.complaint(id, &SiteScope::All).await.unwrap().unwrap().status, ComplaintStatus::EnCours, "stale form ignored");

    // The template is merged into the draft.
    let template = store.list_templates(false).await.unwrap().into_iter().find(|t| t.name == "Réclamation – réponse générale").unwrap();
    let (_, page) = app.get(&format!("{location}?modele={}", template.id)).await;
    let body = text_of(&page, "textarea#texte").unwrap();
    assert!(body.contains("Bonjour Mme Nguyễn Thị Lan,") && body.contains(&c.reference) && body.contains(&app::time::french_date(received)), "{body}");
    assert!(!body.contains("{{"), "{body}");

    // By e-mail is refused without an address; by post it opens the letter.
    let reply = format!("{body}\nNous avons accéléré votre dossier.");
    let tid = template.id.to_string();
    let (status, _, page) = post(&app, &format!("/admin/reclamations/{id}/reponse"), &[("attendu", "en_cours"), ("modele", &tid), ("objet", "Votre réclamation"), ("texte", &reply), ("envoi", "courriel")]).await;
    assert_eq!(status, 422);
    assert!(page.contains("resume-erreurs") && page.contains("Nous avons accéléré votre dossier."), "error shown, text kept");
    let (status, location, _) = post(&app, &format!("/admin/reclamations/{id}/reponse"), &[("attendu", "en_cours"), ("modele", &tid), ("objet", "Votre réclamation"), ("texte", &reply), ("envoi", "courrier")]).await;
    assert_eq!((status, location), (303, Some(format!("/admin/reclamations/{id}/courrier"))));
    let c = store.complaint(id, &SiteScope::All).await.unwrap().unwrap();
    assert_eq!((c.status, c.replied_on, c.acknowledged_on), (ComplaintStatus::Repondue, Some(today), Some(today)));
    assert_eq!(c.reply_text.as_deref(), Some(app::domain::survey_form::normalize_text(&reply).as_str()));
    let (status, letter) = app.get(&format!("/admin/reclamations/{id}/courrier")).await;
    assert_eq!(status, 200);
    assert!(letter.contains("10 rue Louis Moreau") && letter.contains("12 avenue de Paris") && letter.contains("Nous avons accéléré votre dossier."));
    // A second submit of the reply form changes nothing.
    let (status, _, _) = post(&app, &format!("/admin/reclamations/{id}/reponse"), &[("attendu", "en_cours"), ("objet", "Autre"), ("texte", "Autre"), ("envoi", "courrier")]).await;
    assert_eq!(status, 303);
    assert_eq!(store.complaint(id, &SiteScope::All).await.unwrap().unwrap().reply_subject.as_deref(), Some("Votre réclamation"));
    let history = store.complaint_events(id).await.unwrap();
    assert_eq!(history.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), vec!["saisie", "statut", "reponse"]);
    assert!(history[2].detail.as_deref().unwrap().contains("Réclamation – réponse générale"));

    // An e-mail reply goes to the outbox.
    let web = file_with(&app, &[("type", "suggestion"), ("reponse", "email"), ("email", "visiteur@exemple.fr")]).await;
    let web = by_reference(&store, &web).await;
    // No postal address: no letter.
    let (status, _, _) = post(&app, &format!("/admin/reclamations/{}/reponse", web.id), &[("attendu", "accuse_envoye"), ("objet", "Merci"), ("texte", "Merci !"), ("envoi", "courrier")]).await;
    assert_eq!(status, 422);
    let (status, _, _) = post(&app, &format!("/admin/reclamations/{}/reponse", web.id), &[("attendu", "accuse_envoye"), ("objet", "Merci pour votre suggestion"), ("texte", "Merci !"), ("envoi", "courriel")]).await;
    assert_eq!(status, 303);
    let emails = store.complaint_emails(web.id).await.unwrap();
    assert_eq!(emails.len(), 2, "acknowledgement + reply");
    assert_eq!((emails[1].to_address.as_str(), emails[1].subject.as_str(), emails[1].state), ("visiteur@exemple.fr", "Merci pour votre suggestion", OutboxState::Pending));
    let (_, outbox) = app.get("/admin/envois").await;
    assert!(outbox.contains("Merci pour votre suggestion") && outbox.contains("SMTP_URL"));

    // Overdue filter: the letter was answered, the web filing too; nothing is late.
    let (_, late) = app.get("/admin/reclamations?retard=1").await;
    assert!(!late.contains(&c.reference));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_are_validated_and_listed_for_the_committee() {
    let (app, store) = app_with_agent().await;
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (status, _, body) = post(&app, "/admin/courriers-types/enregistrer", &[("nom", "Carte grise – ANTS"), ("type", "reclamation"), ("demarche", "carte_grise"), ("objet", "Réf. {{reference}}"), ("texte", "Bonjour {{nom}}, {{inconnu}}"), ("actif", "1")]).await;
    assert_eq!(status, 422);
    assert!(body.contains("Carte grise – ANTS") && body.contains("{{inconnu}}"), "typed text kept");
    let (status, location, _) = post(&app, "/admin/courriers-types/enregistrer", &[("nom", "Carte grise – ANTS"), ("type", "reclamation"), ("demarche", "carte_grise"), ("objet", "Réf. {{reference}}"), ("texte", "Bonjour {{nom}},\nVotre dossier ANTS…\n{{signature}}"), ("actif", "1")]).await;
    assert_eq!((status, location.as_deref()), (303, Some("/admin/courriers-types")));
    // Same name again: refused, not duplicated.
    let (status, _, _) = post(&app, "/admin/courriers-types/enregistrer", &[("nom", "Carte grise – ANTS"), ("objet", "x"), ("texte", "y")]).await;
    assert_eq!(status, 409);
    let t = store.list_templates(true).await.unwrap().into_iter().find(|t| t.name == "Carte grise – ANTS").unwrap();
    // Deactivated: still listed for the committee, no longer offered to agents.
    let id = t.id.to_string();
    let (status, _, _) = post(&app, "/admin/courriers-types/enregistrer", &[("id", &id), ("nom", "Carte grise – ANTS"), ("type", "reclamation"), ("demarche", "carte_grise"), ("objet", "Réf. {{reference}}"), ("texte", "Texte revu"), ("actif", "")]).await;
    assert_eq!(status, 303);
    assert!(!store.list_templates(false).await.unwrap().iter().any(|t| t.name == "Carte grise – ANTS"));
    let (_, page) = app.get("/admin/courriers-types").await;
    assert!(page.contains("Carte grise – ANTS") && page.contains("Texte revu") && page.contains("Inactif"));
    assert!(page.contains("Suggestion – remerciement"), "seeded templates listed");
}
