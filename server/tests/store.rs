//! The store against a real database (a SQLite file, or PostgreSQL with `TEST_DATABASE=postgres`):
//! token consumption, campaign choice, tallies, accounts.

mod common;

use app::domain::survey_form::SurveyAnswers;
use app::store::sqlite::SqliteStore;
use server::database::Backend;
use app::store::{Channel, DynStore, InsertOutcome, CampaignSettings, NewResponse, NewUser, Role, StoreError};
use chrono::{NaiveDate, Utc};

async fn store() -> (DynStore, common::TestDatabase) {
    let (s, db) = common::fresh_store().await;
    s.migrate().await.unwrap(); // idempotent
    (s, db)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn campaign(store: &DynStore, name: &str, from: NaiveDate, to: NaiveDate) -> i64 {
    let q = server::seed::default_questionnaire().unwrap();
    let v = store.create_questionnaire("q", &q, Utc::now()).await.unwrap();
    store.create_campaign(&CampaignSettings { name: name.into(), starts_on: from, ends_on: to, target_per_site: 150, is_demo: false, questionnaire_version_id: v }, Utc::now()).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sites_are_seeded_in_order() {
    let (s, _d) = store().await;
    let slugs: Vec<String> = s.list_sites().await.unwrap().into_iter().map(|s| s.slug).collect();
    assert_eq!(slugs, vec!["evry", "palaiseau", "etampes"]);
    assert_eq!(s.site_by_slug("etampes").await.unwrap().unwrap().name, "Sous-préfecture d'Étampes");
    assert!(s.site_by_slug("nope").await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn current_campaign_prefers_the_running_one() {
    let (s, _d) = store().await;
    assert!(s.current_campaign(day(2026, 6, 1)).await.unwrap().is_none());
    let year = campaign(&s, "2026", day(2026, 1, 1), day(2026, 12, 31)).await;
    let spring = campaign(&s, "printemps", day(2026, 3, 1), day(2026, 5, 31)).await;
    assert_eq!(s.current_campaign(day(2026, 4, 1)).await.unwrap().unwrap().id, spring);
    assert_eq!(s.current_campaign(day(2026, 7, 1)).await.unwrap().unwrap().id, year);
    // After every campaign: the last one that started.
    assert_eq!(s.current_campaign(day(2027, 2, 1)).await.unwrap().unwrap().id, spring);
    // Before every campaign: the first upcoming one.
    assert_eq!(s.current_campaign(day(2025, 2, 1)).await.unwrap().unwrap().id, year);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_nonce_is_consumed_once_and_tallies_count() {
    let (s, _d) = store().await;
    let c = campaign(&s, "c", day(2026, 1, 1), day(2026, 12, 31)).await;
    let camp = s.current_campaign(day(2026, 6, 1)).await.unwrap().unwrap();
    let evry = s.site_by_slug("evry").await.unwrap().unwrap();
    let mut answers = SurveyAnswers::default();
    answers.choices.insert("satisfaction_globale".into(), "tres_satisfait".into());
    answers.texts.insert("remarque".into(), "مرحبا 👍".into());
    let response = |nonce: Option<&str>| NewResponse {
        campaign_id: c,
        site_id: evry.id,
        questionnaire_version_id: camp.settings.questionnaire_version_id,
        channel: Channel::Web,
        language: "fr".into(),
        submitted_at: Utc::now(),
        dimensions: camp.questionnaire.dimensions(&answers.choices),
        answers: answers.clone(),
        token_nonce: nonce.map(str::to_string),
        visit_code: None,
    };
    assert!(matches!(s.insert_response(&response(Some("n1"))).await.unwrap(), InsertOutcome::Recorded(_)));
    assert_eq!(s.insert_response(&response(Some("n1"))).await.unwrap(), InsertOutcome::AlreadyRecorded);
    assert!(matches!(s.insert_response(&response(Some("n2"))).await.unwrap(), InsertOutcome::Recorded(_)));
    assert!(matches!(s.insert_response(&response(None)).await.unwrap(), InsertOutcome::Recorded(_)));
    assert_eq!(s.count_responses().await.unwrap(), 3);
    let tallies = s.campaign_tallies(c).await.unwrap();
    assert_eq!(tallies.len(), 3);
    assert_eq!(tallies[0].site.slug, "evry");
    assert_eq!(tallies[0].respondents, 3);
    assert_eq!(tallies[0].counts["satisfaction_globale"]["tres_satisfait"], 3);
    assert!(!tallies[0].counts.contains_key("remarque"), "free text is not tallied");
    assert_eq!(tallies[1].respondents, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_are_stable_and_accounts_unique() {
    let (s, _d) = store().await;
    let a = s.secret("k").await.unwrap();
    assert_eq!(a.len(), 32);
    assert_eq!(s.secret("k").await.unwrap(), a);
    assert_ne!(s.secret("other").await.unwrap(), a);
    let user = NewUser { email: "Agent@Essonne.gouv.fr".into(), display_name: "Agent".into(), password_hash: "$argon2id$x".into(), role: Role::Agent };
    let id = s.create_user(&user, Utc::now()).await.unwrap();
    assert!(matches!(s.create_user(&user, Utc::now()).await, Err(StoreError::Conflict(_))));
    let found = s.user_by_email("agent@essonne.gouv.fr ").await.unwrap().unwrap();
    assert_eq!((found.id, found.role, found.email.as_str()), (id, Role::Agent, "agent@essonne.gouv.fr"));
    assert_eq!(s.count_users_with_role(Role::Agent).await.unwrap(), 1);
    assert_eq!(s.count_users_with_role(Role::Admin).await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_seeding_fills_an_empty_database_only() {
    let (s, _d) = store().await;
    let today = day(2026, 11, 29);
    server::seed::ensure_defaults(&s, today, 150, Utc::now()).await.unwrap();
    server::seed::ensure_defaults(&s, today, 150, Utc::now()).await.unwrap();
    assert_eq!(s.count_campaigns().await.unwrap(), 1);
    let n = server::demo::seed_demo(&s, today, 2021).await.unwrap();
    assert_eq!(n, 380);
    let current = s.current_campaign(today).await.unwrap().unwrap();
    assert!(current.settings.is_demo, "the demo campaign is the one shown");
    let per_site: Vec<u64> = s.campaign_tallies(current.id).await.unwrap().iter().map(|t| t.respondents).collect();
    assert_eq!(per_site, vec![190, 110, 80]);
    assert!(matches!(server::demo::seed_demo(&s, today, 2021).await, Err(server::demo::DemoError::NotEmpty(380))));

    // Demonstration complaints: marked in their message, spread over the sites, some answered.
    assert_eq!(server::demo::seed_demo_complaints(&s, today, 15, 2021).await.unwrap(), server::demo::DEMO_COMPLAINTS);
    let all = s.list_complaints(&app::store::SiteScope::All, &Default::default(), 100).await.unwrap();
    assert_eq!(all.len(), server::demo::DEMO_COMPLAINTS);
    assert!(all.iter().all(|c| c.message.starts_with("[Démonstration]") && c.received_on <= today));
    assert!(all.iter().any(|c| c.status == app::domain::complaint::ComplaintStatus::Repondue));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_stored_before_the_aggregates_get_their_day_and_counts_back() {
    use app::store::ResponseFilter;
    use chrono::TimeZone;
    let (s, db) = store().await;
    let c = campaign(&s, "2025", day(2025, 1, 1), day(2025, 12, 31)).await;
    let camp = s.campaign_by_id(c).await.unwrap().unwrap();
    let evry = s.site_by_slug("evry").await.unwrap().unwrap();
    let mut answers = SurveyAnswers::default();
    answers.choices.insert("satisfaction_globale".into(), "tres_satisfait".into());
    answers.texts.insert("remarque".into(), "L'ACCUEIL ÉTAIT très bien, cœur sur vous".into());
    let response = NewResponse {
        campaign_id: c,
        site_id: evry.id,
        questionnaire_version_id: camp.settings.questionnaire_version_id,
        channel: Channel::Web,
        language: "fr".into(),
        // 00:30 in Paris on 31 March 2025 (summer time).
        submitted_at: Utc.with_ymd_and_hms(2025, 3, 30, 22, 30, 0).unwrap(),
        dimensions: camp.questionnaire.dimensions(&answers.choices),
        answers,
        token_nonce: None,
        visit_code: None,
    };
    s.insert_response(&response).await.unwrap();
    let before = s.respondents_by_day(&ResponseFilter::all()).await.unwrap();
    assert_eq!(before.len(), 1);
    assert_eq!(before[0].day, day(2025, 3, 31));

    let found = |q: &'static str| {
        let s = s.clone();
        async move { s.remarks(&ResponseFilter::all(), Some(q), 0, 10).await.unwrap().0 }
    };
    // Case, accents and ligatures do not matter in the remark search.
    assert_eq!(found("accueil etait").await, 1);
    assert_eq!(found("Coeur").await, 1);
    assert_eq!(found("était nul").await, 0);

    if common::backend() != Backend::Sqlite {
        return; // The rest is SQLite's start-up backfill (PostgreSQL's schema began complete).
    }
    let sqlite = SqliteStore::connect(&db.url).await.unwrap();
    // As a database migrated from 0002 looks: no day, empty aggregates, no folded text.
    for sql in [
        "UPDATE responses SET day = NULL",
        "DELETE FROM response_cube",
        "DELETE FROM answer_cube",
        "DELETE FROM response_day",
        "DELETE FROM answer_day",
        "UPDATE response_answers SET search_text = NULL",
        "INSERT INTO pending_backfills (name) VALUES ('remark_search_text'), ('response_day')",
    ] {
        sqlx::query(sql).execute(sqlite.pool()).await.unwrap();
    }
    assert!(s.respondents_by_day(&ResponseFilter::all()).await.unwrap().is_empty());
    s.migrate().await.unwrap();
    assert_eq!(s.respondents_by_day(&ResponseFilter::all()).await.unwrap(), before);
    let counts = s.answer_counts_by_month(&ResponseFilter::all()).await.unwrap();
    assert_eq!(counts.len(), 1);
    assert_eq!((counts[0].month, counts[0].count), ((2025, 3), 1));
    assert_eq!(s.rebuild_aggregates().await.unwrap(), 1);
    assert_eq!(found("ACCUEIL ÉTAIT").await, 1, "the folded text is filled at start-up");
}
