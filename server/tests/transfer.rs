//! `server copy-to-postgres`: a used SQLite database (demonstration campaign and complaints,
//! accounts, audit log, e-mails) moved into PostgreSQL serves the same pages and figures.
//! Always SQLite → PostgreSQL, whatever `TEST_DATABASE` says.

mod common;

use app::store::{ComplaintFilter, SiteScope};
use common::*;
use server::transfer::{copy_to_postgres, TransferError, TABLES};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_used_sqlite_database_moves_to_postgresql_whole() {
    let sqlite = TestDatabase::new_sqlite();
    let app = spawn_app_with(TestOptions { database_url: Some(sqlite.url.clone()), ..TestOptions::default() }).await;
    // Demonstration data, staff activity (login, audit log), a visitor's response and complaint.
    let store = store_of(&app).await;
    let today = app::time::paris_day(chrono::Utc::now());
    server::demo::seed_demo(&store, today, 7).await.unwrap();
    server::demo::seed_demo_complaints(&store, today, 15, 7).await.unwrap();
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let token = app.survey_token("evry").await;
    assert_eq!(app.post_form("/enquete/evry/reponses", &survey_answers(&token)).await.status(), 303);
    let reference = file_with(&app, &[("reponse", "email"), ("email", "usager@exemple.fr"), ("nom", "Zoé Ñandú مرحبا")]).await;
    let results_before = app.results().await;
    let complaints_before = store.list_complaints(&SiteScope::All, &ComplaintFilter::default(), 1000).await.unwrap();

    let pg = TestDatabase::new_postgres().await;
    let report = copy_to_postgres(&sqlite.url, &pg.url).await.unwrap();
    assert_eq!(report.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(), TABLES.to_vec());
    for (table, rows) in &report {
        assert_eq!(query_i64(&sqlite.url, &format!("SELECT COUNT(*) FROM {table}")).await, *rows, "{table}");
    }
    assert!(report.iter().any(|(t, n)| t == "responses" && *n > 300));
    assert!(report.iter().any(|(t, n)| t == "audit_log" && *n >= 1));

    // A server on PostgreSQL shows the same results, complaints and history, and logs in.
    let moved = spawn_app_with(TestOptions { database_url: Some(pg.url.clone()), ..TestOptions::default() }).await;
    assert_eq!(moved.results().await, results_before);
    let pg_store = store_of(&moved).await;
    let complaints_after = pg_store.list_complaints(&SiteScope::All, &ComplaintFilter::default(), 1000).await.unwrap();
    let summary = |list: &[app::store::Complaint]| list.iter().map(|c| (c.id, c.reference.clone(), c.status, c.received_on, c.message.clone(), c.requester_name.clone())).collect::<Vec<_>>();
    assert_eq!(summary(&complaints_after), summary(&complaints_before));
    login(&moved, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (status, journal) = moved.get("/admin/journal").await;
    assert_eq!(status, 200);
    assert!(journal.contains(ADMIN_EMAIL), "the audit log came along");
    // New rows continue after the copied ids (identity sequences moved on).
    let next = file_with(&moved, &[]).await;
    assert_ne!(next, reference);
    let after = pg_store.list_complaints(&SiteScope::All, &ComplaintFilter::default(), 1000).await.unwrap();
    assert_eq!(after.len(), complaints_before.len() + 1);

    // A second copy into the now used database is refused and changes nothing.
    match copy_to_postgres(&sqlite.url, &pg.url).await {
        Err(TransferError::TargetNotEmpty(_)) => {}
        other => panic!("expected TargetNotEmpty, got {other:?}"),
    }
    assert_eq!(pg_store.list_complaints(&SiteScope::All, &ComplaintFilter::default(), 1000).await.unwrap().len(), after.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_copy_refuses_the_wrong_engines() {
    let sqlite = TestDatabase::new_sqlite();
    let other = TestDatabase::new_sqlite();
    assert!(matches!(copy_to_postgres(&sqlite.url, &other.url).await, Err(TransferError::Usage(_))));
    assert!(matches!(copy_to_postgres("postgres://x@127.0.0.1/none", &other.url).await, Err(TransferError::Usage(_))));
}
