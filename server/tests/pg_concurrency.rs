//! Several app servers on one PostgreSQL database (READ COMMITTED): work that must happen once
//! happens once. Each test opens two stores (two connection pools, as two servers would) on a
//! fresh PostgreSQL database and races them. Run with `TEST_DATABASE=postgres` (skipped with
//! SQLite, which serialises writers anyway).

mod common;

use app::domain::complaint::{ComplaintChannel, ComplaintKind, ComplaintStatus, Procedure, ReplyMode};
use app::domain::throttle::{ThrottleKind, ThrottlePolicy};
use app::store::postgres::PgStore;
use app::store::*;
use chrono::{DateTime, Duration as ChronoDuration, NaiveDate, Utc};
use server::database::Backend;
use std::collections::HashSet;
use std::sync::Arc;

/// Two stores (separate pools) on one fresh, migrated PostgreSQL database; `None` unless
/// `TEST_DATABASE=postgres`.
async fn two_servers() -> Option<(DynStore, DynStore, common::TestDatabase)> {
    if !matches!(common::backend(), Backend::Postgres) {
        eprintln!("skipped: TEST_DATABASE is not postgres");
        return None;
    }
    let db = common::TestDatabase::new_postgres().await;
    let a = PgStore::connect(&db.url).await.unwrap();
    a.migrate().await.unwrap();
    let b = PgStore::connect(&db.url).await.unwrap();
    b.migrate().await.unwrap();
    Some((Arc::new(a), Arc::new(b), db))
}

fn complaint(site_id: i64, received_on: NaiveDate, created_at: DateTime<Utc>) -> NewComplaint {
    NewComplaint {
        kind: ComplaintKind::Reclamation,
        site_id,
        procedure: Procedure::Accueil,
        channel: ComplaintChannel::Web,
        message: "Message".into(),
        reply_mode: ReplyMode::Email,
        requester_name: Some("Usager".into()),
        email: Some("usager@exemple.fr".into()),
        postal_address: None,
        postal_code: None,
        language: "fr".into(),
        received_on,
        reply_days: 15,
        status: ComplaintStatus::Recue,
        acknowledged_on: None,
        created_at,
        created_by: None,
        token_nonce: None,
        acknowledgement: None,
    }
}

async fn file(store: &DynStore, c: &NewComplaint) -> (i64, String) {
    match store.file_complaint(c).await.unwrap() {
        FileOutcome::Filed { id, reference } => (id, reference),
        other => panic!("not filed: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn outbox_rows_are_claimed_by_one_server_only() {
    let Some((a, b, _db)) = two_servers().await else { return };
    let now = Utc::now();
    let lease = ChronoDuration::minutes(5);
    let mut all = HashSet::new();
    for n in 0..50 {
        let email = NewEmail { to: format!("u{n}@exemple.fr"), subject: "S".into(), body: "B".into() };
        all.insert(a.enqueue_email(&email, None, now - ChronoDuration::seconds(60 - n)).await.unwrap());
    }
    // Four senders per server, claiming small batches at the same instant until nothing is due.
    let mut tasks = Vec::new();
    for store in [a.clone(), b.clone()] {
        for _ in 0..4 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let batch = store.claim_outbox(now, lease, 3).await.unwrap();
                    if batch.is_empty() {
                        break;
                    }
                    assert!(batch.iter().all(|e| e.attempts == 1), "a row was claimed twice: {batch:?}");
                    mine.extend(batch.into_iter().map(|e| e.id));
                }
                mine
            }));
        }
    }
    let mut claimed = Vec::new();
    for t in tasks {
        claimed.extend(t.await.unwrap());
    }
    let distinct: HashSet<i64> = claimed.iter().copied().collect();
    assert_eq!(distinct.len(), claimed.len(), "the same row was handed to two claimers");
    assert_eq!(distinct, all, "every due row is claimed");
    // All leased: nothing due until the lease ends, then everything again (once).
    assert!(b.claim_outbox(now, lease, 100).await.unwrap().is_empty());
    let (x, y) = tokio::join!(a.claim_outbox(now + lease, lease, 100), b.claim_outbox(now + lease, lease, 100));
    let (x, y) = (x.unwrap(), y.unwrap());
    assert_eq!(x.len() + y.len(), 50);
    assert!(x.iter().chain(&y).all(|e| e.attempts == 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_filings_get_consecutive_references() {
    let Some((a, b, _db)) = two_servers().await else { return };
    let site = a.site_by_slug("evry").await.unwrap().unwrap().id;
    let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let mut tasks = Vec::new();
    for n in 0..30 {
        let store = if n % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move { file(&store, &complaint(site, day, Utc::now())).await.1 }));
    }
    let mut references = Vec::new();
    for t in tasks {
        references.push(t.await.unwrap());
    }
    references.sort();
    let expected: Vec<String> = (1..=30).map(|n| format!("REC-2026-{n:06}")).collect();
    assert_eq!(references, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_login_failures_are_all_counted() {
    let Some((a, b, _db)) = two_servers().await else { return };
    let keys = vec![
        ThrottleKey { kind: ThrottleKind::Account, subject: "a".repeat(64) },
        ThrottleKey { kind: ThrottleKind::Address, subject: "b".repeat(64) },
    ];
    // Half of them list the keys in the other order: no deadlock either.
    let policy = ThrottlePolicy { address_max_failures: 1000, ..ThrottlePolicy::default() };
    let now = Utc::now();
    let mut tasks = Vec::new();
    for n in 0..40 {
        let store = if n % 2 == 0 { a.clone() } else { b.clone() };
        let mut keys = keys.clone();
        if n % 4 < 2 {
            keys.reverse();
        }
        let policy = policy.clone();
        tasks.push(tokio::spawn(async move { store.record_login_failure(&keys, &policy, now).await.unwrap() }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let counters = a.throttle_counters(&keys).await.unwrap();
    let failures: Vec<u32> = counters.iter().map(|(_, c)| c.failures).collect();
    assert_eq!(failures, vec![40, 40]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_admins_disabling_each_other_leave_one() {
    let Some((a, b, _db)) = two_servers().await else { return };
    for round in 0..10 {
        let mk = |name: &str| NewUser { email: format!("{name}{round}@essonne.gouv.fr"), display_name: name.into(), password_hash: "x".into(), role: Role::Admin };
        let first = a.create_user(&mk("premier"), Utc::now()).await.unwrap();
        let second = a.create_user(&mk("second"), Utc::now()).await.unwrap();
        // Only these two are active admins.
        for acc in a.list_accounts().await.unwrap() {
            if acc.user.role == Role::Admin && acc.user.active && acc.user.id != first && acc.user.id != second {
                let off = AccountUpdate { display_name: acc.user.display_name.clone(), role: acc.user.role, site_ids: vec![], active: false };
                assert_eq!(a.update_account(acc.user.id, acc.revision, &off).await.unwrap(), AccountChangeOutcome::Changed);
            }
        }
        let disable = |store: DynStore, id: i64| async move {
            let acc = store.account(id).await.unwrap().unwrap();
            let off = AccountUpdate { display_name: acc.user.display_name.clone(), role: Role::Admin, site_ids: vec![], active: false };
            store.update_account(id, acc.revision, &off).await.unwrap()
        };
        let (x, y) = tokio::join!(tokio::spawn(disable(a.clone(), first)), tokio::spawn(disable(b.clone(), second)));
        let outcomes = [x.unwrap(), y.unwrap()];
        assert!(outcomes.contains(&AccountChangeOutcome::Changed) && outcomes.contains(&AccountChangeOutcome::LastAdmin), "round {round}: {outcomes:?}");
        assert_eq!(a.count_users_with_role(Role::Admin).await.unwrap(), 1, "round {round}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn retention_on_two_servers_erases_and_audits_each_complaint_once() {
    let Some((a, b, _db)) = two_servers().await else { return };
    let site = a.site_by_slug("evry").await.unwrap().unwrap().id;
    let long_ago = Utc::now() - ChronoDuration::days(3 * 365);
    let mut all = Vec::new();
    for _ in 0..60 {
        let (id, reference) = file(&a, &complaint(site, long_ago.date_naive(), long_ago)).await;
        let close = ComplaintChange {
            complaint_id: id,
            expected_status: ComplaintStatus::Recue,
            new_status: ComplaintStatus::SansSuite,
            user_id: None,
            at: long_ago,
            action: "statut".into(),
            detail: Some("Sans suite".into()),
            acknowledged_on: None,
            replied_on: None,
            reply_subject: None,
            reply_text: None,
            dismissal_reason: Some("Doublon".into()),
            email: None,
        };
        assert!(a.change_complaint(&close, &SiteScope::All).await.unwrap());
        all.push(reference);
    }
    let now = Utc::now();
    let (x, y) = tokio::join!(
        tokio::spawn({
            let a = a.clone();
            async move { app::privacy::retention::run_retention(&a, 12, now).await.unwrap() }
        }),
        tokio::spawn({
            let b = b.clone();
            async move { app::privacy::retention::run_retention(&b, 12, now).await.unwrap() }
        })
    );
    let mut erased: Vec<String> = x.unwrap().into_iter().chain(y.unwrap()).collect();
    erased.sort();
    all.sort();
    assert_eq!(erased, all, "each complaint erased by exactly one server");
    // The audit log lists each reference once.
    let filter = AuditFilter { action: Some(app::domain::audit::AuditAction::Erasure), ..AuditFilter::default() };
    let (entries, _) = a.audit_entries(&filter, 100, 0).await.unwrap();
    let mut audited: Vec<String> = entries
        .iter()
        .flat_map(|e| e.entry.details.as_deref().unwrap_or("").rsplit_once(" : ").map(|(_, refs)| refs.split(", ").map(str::to_string).collect::<Vec<_>>()).unwrap_or_default())
        .collect();
    audited.sort();
    assert_eq!(audited, all);
    assert!(a.complaints_closed_before(now, 100).await.unwrap().is_empty());
}
