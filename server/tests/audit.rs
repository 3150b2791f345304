//! The audit log over HTTP: logins, failed logins, logouts, complaint views, status changes and
//! replies are recorded; the journal `/admin/journal` is for admins only, filtered by GET
//! parameters and shows everything as text; the table refuses UPDATE and DELETE.

mod common;
use app::domain::audit::AuditAction;
use app::store::{AuditFilter, AuditRecord, DynStore, Role};
use common::*;

const QUALITE_EMAIL: &str = "mission.qualite@essonne.gouv.fr";
const PASSWORD: &str = "mot de passe très long";

async fn entries(store: &DynStore, action: AuditAction) -> Vec<AuditRecord> {
    let filter = AuditFilter { action: Some(action), ..AuditFilter::default() };
    store.audit_entries(&filter, 100, 0).await.expect("audit entries").0
}

/// The `data-action` of the journal's rows, in page order.
fn row_actions(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("tr[data-action]").expect("selector");
    doc.select(&sel).filter_map(|e| e.value().attr("data-action").map(str::to_string)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logins_views_and_changes_are_recorded_and_listed_for_admins_only() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    server::seed::create_staff(&store, QUALITE_EMAIL, "Mission qualité", PASSWORD, Role::Qualite, &[]).await.expect("qualite");
    let reference = file_with(&app, &[]).await;
    let complaint = store.complaint_by_reference(&reference).await.unwrap().unwrap();

    // A failed login records the e-mail typed, never the password.
    let r = app.post_form("/admin/connexion", &[("email", " Qualite@Essonne.gouv.fr "), ("password", "secret-qui-ne-doit-pas-fuir")]).await;
    assert_eq!(r.status(), 401);
    let failed = entries(&store, AuditAction::LoginFailed).await;
    assert_eq!(failed.len(), 1);
    let f = &failed[0].entry;
    assert_eq!((f.user_id, f.user_email.as_deref()), (None, Some(ADMIN_EMAIL)));
    assert!(f.client_hash.as_ref().is_some_and(|h| h.len() == 64), "{f:?}");
    assert!(!format!("{f:?}").contains("secret-qui-ne-doit-pas-fuir"));

    // Login, complaint view, status change, logout: one entry each, by the admin.
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (status, _) = app.get(&format!("/admin/reclamations/{}", complaint.id)).await;
    assert_eq!(status, 200);
    let r = app.post_form(&format!("/admin/reclamations/{}/statut", complaint.id), &[("attendu", complaint.status.as_str()), ("statut", "en_cours"), ("motif", ""), ("commentaire", "")]).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let logins = entries(&store, AuditAction::Login).await;
    assert_eq!(logins.len(), 1);
    assert_eq!(logins[0].entry.user_email.as_deref(), Some(ADMIN_EMAIL));
    assert!(logins[0].entry.user_id.is_some());
    let viewed = entries(&store, AuditAction::ComplaintViewed).await;
    assert_eq!(viewed.len(), 1, "{viewed:?}");
    assert_eq!(viewed[0].entry.target.as_deref(), Some(reference.as_str()));
    let changed = entries(&store, AuditAction::ComplaintStatusChanged).await;
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].entry.target.as_deref(), Some(reference.as_str()));
    assert_eq!(changed[0].entry.details.clone().unwrap_or_default(), format!("{} → en_cours", complaint.status.as_str()));

    // The journal, newest first, every entry as text.
    let (status, body) = app.get("/admin/journal").await;
    assert_eq!(status, 200, "{body}");
    let actions = row_actions(&body);
    assert_eq!(actions, vec!["complaint_status_changed", "complaint_viewed", "login", "login_failed"], "{body}");
    assert!(body.contains(&reference));
    // Filters: action, e-mail, days (Europe/Paris), in GET parameters.
    let (_, only_failed) = app.get("/admin/journal?action=login_failed").await;
    assert_eq!(select(&only_failed, "tr[data-action]").len(), 1);
    assert_eq!(select(&only_failed, "select#filtre-action option[value=login_failed][selected]").len(), 1, "{only_failed}");
    let (_, nobody) = app.get("/admin/journal?courriel=personne").await;
    assert_eq!(select(&nobody, "tr[data-action]").len(), 0);
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris).date_naive();
    let (_, today_rows) = app.get(&format!("/admin/journal?du={today}&au={today}&courriel=QUALITE")).await;
    assert_eq!(select(&today_rows, "tr[data-action]").len(), 4);
    let (_, yesterday) = app.get(&format!("/admin/journal?au={}", today.pred_opt().unwrap())).await;
    assert_eq!(select(&yesterday, "tr[data-action]").len(), 0);
    // Bad values are ignored (and said so), never an error; quotes stay data.
    let (status, odd) = app.get("/admin/journal?action=%27%3B%20DROP%20TABLE%20audit_log%3B--&du=hier&page=-3&courriel=%27%20OR%201%3D1--").await;
    assert_eq!(status, 200, "{odd}");
    assert!(odd.contains("Filtres non compris"), "{odd}");
    assert_eq!(select(&odd, "tr[data-action]").len(), 0);

    // A reply is recorded with the reference, without the text sent.
    let web = file_with(&app, &[("reponse", "email"), ("email", "visiteur@exemple.fr")]).await;
    let web = store.complaint_by_reference(&web).await.unwrap().unwrap();
    let r = app.post_form(&format!("/admin/reclamations/{}/reponse", web.id), &[("attendu", web.status.as_str()), ("objet", "Votre réclamation"), ("texte", "Texte confidentiel de la réponse"), ("envoi", "courriel")]).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let replied = entries(&store, AuditAction::ComplaintReplied).await;
    assert_eq!(replied.len(), 1);
    assert_eq!(replied[0].entry.target.as_deref(), Some(web.reference.as_str()));
    assert!(!format!("{:?}", replied[0].entry).contains("confidentiel"));

    // Logout is recorded too.
    assert_eq!(app.post_form("/admin/deconnexion", &[]).await.status(), 303);
    assert_eq!(entries(&store, AuditAction::Logout).await.len(), 1);

    // Logged out: to the login page. Quality staff (not admin): refused, and no link in the menu.
    let (status, _) = app.get("/admin/journal").await;
    assert_eq!(status, 303);
    login(&app, QUALITE_EMAIL, PASSWORD).await;
    let (status, body) = app.get("/admin/journal").await;
    assert_eq!(status, 403, "{body}");
    assert!(!body.contains(&reference));
    let (_, dashboard) = app.get("/admin").await;
    assert!(!dashboard.contains("href=\"/admin/journal\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journal_escapes_what_was_typed_and_pages_by_fifty() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    let typed = "<script>alert(1)</script>@example.fr";
    let r = app.post_form("/admin/connexion", &[("email", typed), ("password", "x")]).await;
    assert_eq!(r.status(), 401);
    // 60 more entries, straight into the store.
    for i in 0..60 {
        let entry = app::store::AuditEntry::new(AuditAction::Export, chrono::Utc::now()).email(ADMIN_EMAIL).details(format!("export {i}"));
        store.audit(&entry).await.unwrap();
    }
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (_, first) = app.get("/admin/journal").await;
    assert_eq!(select(&first, "tr[data-action]").len(), 50);
    assert_eq!(text_of(&first, "p.result-count").as_deref(), Some("62 entrée(s) – page 1 sur 2"));
    assert_eq!(select(&first, "a[rel=next][href='/admin/journal?page=2']").len(), 1, "{first}");
    let (_, second) = app.get("/admin/journal?page=2").await;
    assert_eq!(select(&second, "tr[data-action]").len(), 12);
    assert!(second.contains("&lt;script&gt;alert(1)&lt;/script&gt;@example.fr"), "{second}");
    assert!(!second.contains("<script>alert(1)"));
    assert_eq!(select(&second, "a[rel=prev]").len(), 1);
    // Filters survive paging.
    let (_, exports) = app.get("/admin/journal?action=export").await;
    assert_eq!(select(&exports, "a[rel=next][href='/admin/journal?action=export&page=2']").len(), 1, "{exports}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_refuses_updates_and_deletes() {
    let app = spawn_app().await;
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let url = &app.database_url;
    assert_eq!(query_i64(url, "SELECT COUNT(*) FROM audit_log").await, 1);
    for sql in ["UPDATE audit_log SET user_email = 'autre@example.fr'", "DELETE FROM audit_log", "INSERT INTO audit_log (at, action) VALUES ('2026-01-01T00:00:00Z', 'inventee')"] {
        let message = try_execute_sql(url, sql).await.expect_err(sql);
        assert!(message.contains("append-only") || message.contains("CHECK") || message.contains("check constraint"), "{sql}: {message}");
    }
    // Blanking the e-mail alone is the one change allowed (erasure); anything else with it is not.
    let message = try_execute_sql(url, "UPDATE audit_log SET user_email = NULL, target = 'x'").await.expect_err("target changed");
    assert!(message.contains("append-only"), "{message}");
    assert_eq!(query_i64(url, &format!("SELECT COUNT(*) FROM audit_log WHERE user_email = {}", sql_quote(ADMIN_EMAIL))).await, 1);
    if common::backend() == server::database::Backend::Postgres {
        let message = try_execute_sql(url, "TRUNCATE audit_log").await.expect_err("truncate");
        assert!(message.contains("append-only"), "{message}");
    }
}
