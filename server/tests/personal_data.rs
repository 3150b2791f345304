//! Personal-data protection (GDPR) over the real server and a real SQLite file: the retention
//! job (clock injected) erases only complaints closed longer ago than the period; quality staff
//! find, export and erase everything held about a person; afterwards the name and e-mail are in
//! no text column of any table, nor in pages, exports or the search; the complaint still counts;
//! erasures are audited without the erased data; agents are refused; the privacy and legal
//! notices are public and linked from every footer.

mod common;
use app::domain::audit::AuditAction;
use app::domain::complaint::ComplaintStatus;
use app::privacy::retention::run_retention;
use app::store::{AuditFilter, Complaint, ComplaintChange, ComplaintFactFilter, DynStore, Role, SiteScope};
use chrono::{DateTime, Months, Utc};
use common::*;

const AGENT_EMAIL: &str = "agent.evry@essonne.gouv.fr";
const PASSWORD: &str = "mot de passe très long";

async fn by_reference(store: &DynStore, reference: &str) -> Complaint {
    store.complaint_by_reference(reference).await.expect("store").expect("complaint")
}

/// A change of `c` at `at` from its status to "sans suite" (the system's, no e-mail).
fn change_for(c: &Complaint, at: DateTime<Utc>) -> ComplaintChange {
    ComplaintChange {
        complaint_id: c.id,
        expected_status: c.status,
        new_status: ComplaintStatus::SansSuite,
        user_id: None,
        at,
        action: "statut".into(),
        detail: None,
        acknowledged_on: None,
        replied_on: None,
        reply_subject: None,
        reply_text: None,
        dismissal_reason: None,
        email: None,
    }
}

/// Closes complaint `reference` ("sans suite", with a reason naming the person) at `at`.
async fn close_at(store: &DynStore, reference: &str, at: DateTime<Utc>, reason: &str) {
    let c = by_reference(store, reference).await;
    let change = ComplaintChange { detail: Some(reason.into()), dismissal_reason: Some(reason.into()), ..change_for(&c, at) };
    assert!(store.change_complaint(&change, &SiteScope::All).await.unwrap());
}

/// Every `table.column` of the test server's database containing `needle` (see common).
async fn columns_containing(app: &TestApp, needle: &str) -> Vec<String> {
    common::columns_containing(&app.database_url, needle).await
}

async fn download(app: &TestApp, path: &str) -> (u16, String) {
    let r = app.client.get(format!("{}{path}", app.base)).send().await.unwrap();
    let status = r.status().as_u16();
    (status, String::from_utf8_lossy(&r.bytes().await.unwrap()).to_string())
}

async fn complaint_count(store: &DynStore) -> usize {
    store.complaint_facts(&ComplaintFactFilter { sites: SiteScope::All, from: None, to: None, procedure: None }).await.unwrap().len()
}

/// Checks that `name` and `email` are gone from every table, the staff pages, the CSV export
/// and the person search, while `reference` still exists.
async fn assert_gone(app: &TestApp, store: &DynStore, reference: &str, needles: &[&str]) {
    for needle in needles {
        assert_eq!(columns_containing(app, needle).await, Vec::<String>::new(), "{needle} left in the database");
    }
    let c = by_reference(store, reference).await;
    assert!(c.erased_at.is_some());
    let (status, page) = app.get(&format!("/admin/reclamations/{}", c.id)).await;
    assert_eq!(status, 200);
    assert!(page.contains("Données effacées le"), "{page}");
    let (_, list) = app.get("/admin/reclamations").await;
    assert!(list.contains(reference));
    let (status, csv) = download(app, "/admin/export/reclamations?campagne=toutes&format=csv").await;
    assert_eq!(status, 200);
    assert!(csv.contains(reference), "the erased complaint is still exported");
    for needle in needles {
        let lower = needle.to_lowercase();
        for (what, body) in [("page", &page), ("list", &list), ("csv", &csv)] {
            assert!(!body.to_lowercase().contains(&lower), "{needle} in the {what}");
        }
        let (status, search) = app.get(&format!("/admin/donnees-personnelles?q={}", needle.replace('@', "%40"))).await;
        assert_eq!(status, 200);
        assert!(search.contains("Aucune donnée trouvée"), "{needle} still found: {search}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_erases_only_complaints_closed_longer_ago_than_the_period() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    let now = Utc::now();
    let old = file_with(&app, &[("nom", "Zoé Lefèvre-Ancienne"), ("reponse", "email"), ("email", "zoe.ancienne@example.org"), ("message", "Je suis Zoé Lefèvre-Ancienne, dossier 123.")]).await;
    let recent = file_with(&app, &[("nom", "Bruno Récent"), ("reponse", "courrier"), ("adresse", "3 rue Récente, Évry"), ("code_postal", "91000")]).await;
    let open = file_with(&app, &[("nom", "Carla Ouverte"), ("reponse", "email"), ("email", "carla.ouverte@example.org")]).await;
    close_at(&store, &old, now.checked_sub_months(Months::new(13)).unwrap(), "Doublon, vu avec Zoé Lefèvre-Ancienne").await;
    close_at(&store, &recent, now.checked_sub_months(Months::new(11)).unwrap(), "Doublon").await;
    // The person's e-mail typed at a failed login is in the audit log too.
    let r = app.post_form("/admin/connexion", &[("email", "zoe.ancienne@example.org"), ("password", "pas le bon")]).await;
    assert_eq!(r.status(), 401);
    assert!(!columns_containing(&app, "zoe.ancienne").await.is_empty());
    let counted = complaint_count(&store).await;

    assert_eq!(run_retention(&store, 12, now).await.unwrap(), vec![old.clone()]);
    assert_eq!(run_retention(&store, 12, now).await.unwrap(), Vec::<String>::new(), "idempotent");

    let erased = by_reference(&store, &old).await;
    assert_eq!((erased.requester_name, erased.email, erased.message.as_str(), erased.dismissal_reason), (None, None, "", None));
    assert_eq!(erased.status, ComplaintStatus::SansSuite, "the row stays with its status");
    assert!(erased.closed_at.is_some());
    for r in [&recent, &open] {
        let kept = by_reference(&store, r).await;
        assert!(kept.erased_at.is_none() && kept.requester_name.is_some(), "{r} kept");
    }
    assert_eq!(complaint_count(&store).await, counted, "still counted in the statistics");
    assert!(!columns_containing(&app, "Bruno Récent").await.is_empty(), "the scan finds what is kept");
    assert!(!columns_containing(&app, "carla.ouverte").await.is_empty());

    // Audited without the erased data.
    let (entries, _) = store.audit_entries(&AuditFilter { action: Some(AuditAction::Erasure), ..Default::default() }, 10, 0).await.unwrap();
    assert_eq!(entries.len(), 1);
    let details = entries[0].entry.details.clone().unwrap_or_default();
    assert!(details.contains(&old) && details.contains("12 mois"), "{details}");

    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_gone(&app, &store, &old, &["Lefèvre-Ancienne", "zoe.ancienne@example.org"]).await;
    // Reopened, the period stops; closed again, it runs from the new closing.
    let c = by_reference(&store, &recent).await;
    let reopen = ComplaintChange { expected_status: ComplaintStatus::SansSuite, new_status: ComplaintStatus::EnCours, dismissal_reason: None, detail: None, ..change_for(&c, now) };
    assert!(store.change_complaint(&reopen, &SiteScope::All).await.unwrap());
    assert_eq!(by_reference(&store, &recent).await.closed_at, None);
    close_at(&store, &recent, now, "Doublon").await;
    let closed_again = by_reference(&store, &recent).await.closed_at.expect("closed");
    assert!((closed_again - now).num_seconds().abs() < 1);
    let in_13_months = now.checked_add_months(Months::new(13)).unwrap();
    assert_eq!(run_retention(&store, 12, in_13_months).await.unwrap(), vec![recent.clone()]);
    assert!(by_reference(&store, &open).await.erased_at.is_none(), "an open complaint is never due");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quality_staff_find_export_and_erase_a_persons_data() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    let by_mail = file_with(&app, &[("nom", "Zoé Lefèvre-Personne"), ("reponse", "email"), ("email", "Zoe.Personne@Example.org"), ("message", "Message de Zoé.")]).await;
    let by_post = file_with(&app, &[("site", "etampes"), ("nom", "ZOE LEFEVRE-PERSONNE"), ("reponse", "courrier"), ("adresse", "1 rue des Tests, Étampes"), ("code_postal", "91150")]).await;
    let other = file_with(&app, &[("nom", "Marc Autre"), ("reponse", "email"), ("email", "marc.autre@example.org")]).await;
    let r = app.post_form("/admin/connexion", &[("email", "zoe.personne@example.org"), ("password", "pas le bon")]).await;
    assert_eq!(r.status(), 401);
    let counted = complaint_count(&store).await;
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    // Found by e-mail (case and accents ignored) and by name (words in any order).
    let (status, page) = app.get("/admin/donnees-personnelles?q=ZO%C3%89.personne%40example.org").await;
    assert_eq!(status, 200);
    assert!(page.contains(&by_mail) && !page.contains(&other), "{page}");
    assert!(page.contains("Journal d&#x27;audit") || page.contains("Journal d'audit"), "the failed login is listed");
    let (_, page) = app.get("/admin/donnees-personnelles?q=lefevre-personne+zo%C3%A9").await;
    assert!(page.contains(&by_mail) && page.contains(&by_post) && !page.contains(&other), "{page}");
    let (_, page) = app.get("/admin/donnees-personnelles?q=x").await;
    assert!(page.contains("Tapez au moins deux lettres"));

    // Export: everything about the person, audited with references only.
    let (status, json) = download(&app, "/admin/donnees-personnelles/export?q=lefevre-personne+zoe").await;
    assert_eq!(status, 200);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(doc["reclamations"].as_array().unwrap().len(), 2);
    assert!(json.contains("Message de Zoé.") && json.contains("1 rue des Tests"));
    assert_eq!(doc["courriels"].as_array().unwrap().len(), 1, "the acknowledgement e-mail");
    assert_eq!(doc["journal"].as_array().unwrap().len(), 1, "the failed login");
    let (status, _) = download(&app, "/admin/donnees-personnelles/export?q=").await;
    assert_eq!(status, 400);
    let (exports, _) = store.audit_entries(&AuditFilter { action: Some(AuditAction::Export), ..Default::default() }, 10, 0).await.unwrap();
    let export = exports.iter().find(|e| e.entry.target.as_deref() == Some("donnees-personnelles")).expect("export audited");
    let details = export.entry.details.clone().unwrap_or_default();
    assert!(details.contains(&by_mail) && details.contains(&by_post), "{details}");
    assert!(!details.to_lowercase().contains("lefevre") && !details.to_lowercase().contains("zoe"), "{details}");

    // The confirmation page; without the box ticked, the page comes back (422) with the search kept.
    let (status, confirm) = app.get("/admin/donnees-personnelles/effacement?q=lefevre-personne+zoe").await;
    assert_eq!(status, 200);
    let ids: Vec<String> = select(&confirm, "form input[name=reclamation]").iter().map(|i| attr_of(i, "input", "value").unwrap()).collect();
    assert_eq!(ids.len(), 2);
    let mut fields: Vec<(&str, &str)> = vec![("q", "lefevre-personne zoe")];
    fields.extend(ids.iter().map(|id| ("reclamation", id.as_str())));
    let r = app.post_form("/admin/donnees-personnelles/effacement", &fields).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert_eq!(attr_of(&body, "form input[name=q]", "value").as_deref(), Some("lefevre-personne zoe"));
    assert!(body.contains("Cochez la case"));
    assert!(by_reference(&store, &by_mail).await.erased_at.is_none(), "nothing erased yet");

    fields.push(("confirmation", "1"));
    let r = app.post_form("/admin/donnees-personnelles/effacement", &fields).await;
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/admin/donnees-personnelles?fait=1&efface="), "{location}");
    let (_, done) = app.get(&location).await;
    assert!(done.contains("Effacement effectué") && done.contains(&by_post));

    assert_gone(&app, &store, &by_mail, &["Lefèvre-Personne", "LEFEVRE-PERSONNE", "zoe.personne@example.org", "1 rue des Tests", "Message de Zoé"]).await;
    assert!(by_reference(&store, &by_post).await.erased_at.is_some());
    let kept = by_reference(&store, &other).await;
    assert_eq!(kept.requester_name.as_deref(), Some("Marc Autre"));
    assert_eq!(complaint_count(&store).await, counted);

    // Audited as an erasure, by whom, with the references only.
    let (entries, _) = store.audit_entries(&AuditFilter { action: Some(AuditAction::Erasure), ..Default::default() }, 10, 0).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].entry.user_email.as_deref(), Some(ADMIN_EMAIL));
    let details = entries[0].entry.details.clone().unwrap_or_default();
    assert!(details.contains(&by_mail) && details.contains(&by_post), "{details}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_are_refused_the_person_search_export_and_erasure() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    server::seed::create_staff(&store, AGENT_EMAIL, "Agent Évry", PASSWORD, Role::Agent, &["evry".to_string()]).await.expect("agent");
    let reference = file_with(&app, &[("nom", "Zoé Refus"), ("reponse", "email"), ("email", "zoe.refus@example.org")]).await;

    // Logged out: the login page.
    let (status, _) = app.get("/admin/donnees-personnelles?q=zoe.refus%40example.org").await;
    assert_eq!(status, 303);
    let (status, _) = download(&app, "/admin/donnees-personnelles/export?q=zoe.refus%40example.org").await;
    assert_eq!(status, 303);

    login(&app, AGENT_EMAIL, PASSWORD).await;
    for path in ["/admin/donnees-personnelles?q=zoe.refus%40example.org", "/admin/donnees-personnelles/effacement?q=zoe.refus%40example.org"] {
        let (status, body) = app.get(path).await;
        assert_eq!(status, 403, "{path}");
        assert!(!body.contains(&reference) && !body.contains("zoe.refus"), "{path}");
    }
    let (status, body) = download(&app, "/admin/donnees-personnelles/export?q=zoe.refus%40example.org").await;
    assert_eq!(status, 403);
    assert!(!body.contains("zoe.refus"));
    let id = by_reference(&store, &reference).await.id.to_string();
    let r = app.post_form("/admin/donnees-personnelles/effacement", &[("q", "zoe.refus@example.org"), ("reclamation", &id), ("confirmation", "1")]).await;
    assert_eq!(r.status(), 403);
    assert!(by_reference(&store, &reference).await.erased_at.is_none(), "nothing erased");
    // Nor is the menu entry shown to them.
    let (_, list) = app.get("/admin/reclamations").await;
    assert!(!list.contains("href=\"/admin/donnees-personnelles\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn privacy_and_legal_notices_are_public_and_in_every_footer() {
    let app = spawn_app_with(TestOptions { retention_months: Some(18), ..Default::default() }).await;
    let r = app.client.get(format!("{}/donnees-personnelles", app.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("set-cookie").is_none(), "no cookie for visitors");
    let notice = r.text().await.unwrap();
    let text = text_of(&notice, "main").unwrap_or_default();
    assert!(text.contains("18 mois après la clôture"), "the configured period is stated: {text}");
    for words in ["préfecture de l'Essonne", "mission d'intérêt public", "CNIL", "délégué à la protection des données du ministère de l'Intérieur", "aucun cookie", "anonyme"] {
        assert!(text.contains(words), "{words}");
    }
    assert_eq!(select(&notice, "main h1").len(), 1);
    let (status, legal) = app.get("/mentions-legales").await;
    assert_eq!(status, 200);
    let text = text_of(&legal, "main").unwrap_or_default();
    assert!(text.contains("Éditeur") && text.contains("Hébergement") && legal.contains("id=\"accessibilite\""), "{text}");

    let footer_links = |html: &str| select(html, "footer a").join(" ");
    let (_, home) = app.get("/").await;
    let (_, complaint_form) = app.get("/reclamation").await;
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (_, staff) = app.get("/admin/reclamations").await;
    for (what, html) in [("home", &home), ("complaint form", &complaint_form), ("staff list", &staff)] {
        let links = footer_links(html);
        assert!(links.contains("href=\"/donnees-personnelles\"") && links.contains("href=\"/mentions-legales\""), "{what}: {links}");
    }
    assert!(staff.contains("href=\"/admin/donnees-personnelles\""), "quality staff see the menu entry");
}
