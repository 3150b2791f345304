//! The quality dashboard, the remark list and the exports over HTTP, against the real server
//! and a real SQLite file: Europe/Paris days (DST), filters, agents' scope, CSV/XLSX files.

mod common;
use app::domain::survey_form::SurveyAnswers;
use app::store::{CampaignSettings, Channel, DynStore, NewResponse, Role};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use common::*;

const AGENT_EMAIL: &str = "agent.palaiseau@essonne.gouv.fr";
const PASSWORD: &str = "mot de passe très long";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A campaign over 2025 (target 2 per site) using the seeded questionnaire; returns its id.
async fn campaign_2025(store: &DynStore) -> i64 {
    let current = store.current_campaign(day(2025, 6, 1)).await.unwrap().expect("seeded campaign");
    store
        .create_campaign(
            &CampaignSettings {
                name: "Campagne 2025".into(),
                starts_on: day(2025, 1, 1),
                ends_on: day(2025, 12, 31),
                target_per_site: 2,
                is_demo: false,
                questionnaire_version_id: current.settings.questionnaire_version_id,
            },
            Utc::now(),
        )
        .await
        .unwrap()
}

/// Stores one response of campaign `campaign` at `site`, submitted at `at` (UTC).
async fn respond(store: &DynStore, campaign: i64, site: &str, at: DateTime<Utc>, channel: Channel, lang: &str, choices: &[(&str, &str)], remark: Option<&str>) {
    let c = store.campaign_by_id(campaign).await.unwrap().unwrap();
    let site = store.site_by_slug(site).await.unwrap().unwrap();
    let mut answers = SurveyAnswers::default();
    for (q, o) in choices {
        answers.choices.insert(q.to_string(), o.to_string());
    }
    if let Some(r) = remark {
        answers.texts.insert("remarque".into(), r.to_string());
    }
    let response = NewResponse {
        campaign_id: campaign,
        site_id: site.id,
        questionnaire_version_id: c.settings.questionnaire_version_id,
        channel,
        language: lang.into(),
        submitted_at: at,
        dimensions: c.questionnaire.dimensions(&answers.choices),
        answers,
        token_nonce: None,
        visit_code: None,
    };
    store.insert_response(&response).await.unwrap();
}

const FORMULA: &str = "=HYPERLINK(\"http://x.example\",\"clic\")\nligne 2; avec point-virgule";
const SCRIPT: &str = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";

/// Évry: 00:30 Paris time on 31 March 2025 (22:30 UTC on the 30th, summer time) and 23:30 on the
/// 30th (21:30 UTC); Palaiseau: one paper answer in October.
async fn fill(store: &DynStore, campaign: i64) {
    respond(
        store,
        campaign,
        "evry",
        Utc.with_ymd_and_hms(2025, 3, 30, 22, 30, 0).unwrap(),
        Channel::Web,
        "fr",
        &[("satisfaction_globale", "tres_satisfait"), ("demarche", "titre_sejour"), ("rendez_vous", "oui")],
        Some(FORMULA),
    )
    .await;
    respond(
        store,
        campaign,
        "evry",
        Utc.with_ymd_and_hms(2025, 3, 30, 21, 30, 0).unwrap(),
        Channel::Tablette,
        "ar",
        &[("satisfaction_globale", "pas_du_tout_satisfait"), ("demarche", "carte_grise")],
        Some(SCRIPT),
    )
    .await;
    respond(store, campaign, "palaiseau", Utc.with_ymd_and_hms(2025, 10, 26, 12, 0, 0).unwrap(), Channel::Papier, "en", &[("satisfaction_globale", "plutot_satisfait")], None).await;
}

fn respondents(body: &str, site: &str) -> Option<String> {
    text_of(body, &format!("tr[data-site='{site}'] td.respondents"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_counts_paris_days_and_applies_every_filter() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    let c = campaign_2025(&store).await;
    fill(&store, c).await;
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    let (status, body) = app.get(&format!("/admin?campagne={c}")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(respondents(&body, "evry").as_deref(), Some("2"));
    assert_eq!(respondents(&body, "palaiseau").as_deref(), Some("1"));
    assert_eq!(respondents(&body, "").as_deref(), Some("3"), "all sites together");
    // Évry reached its target of 2 on 31 March (its second response, at 00:30 Paris time).
    let evry = text_of(&body, "tr[data-site='evry']").unwrap();
    assert!(evry.contains("atteint le 31/03/2025"), "{evry}");
    let overall = text_of(&body, "div[data-question=satisfaction_globale]").unwrap();
    assert!(overall.contains("Satisfaits : 67 %"), "{overall}");
    assert!(overall.contains("+33 points"), "net satisfaction 67 − 33: {overall}");
    assert!(!body.contains("NaN"));
    // Site comparison, monthly trend and charts are there, each chart with a text alternative.
    assert!(!select(&body, "div.comparison-block[data-question=satisfaction_globale] svg[role=img] desc").is_empty());
    assert!(body.contains("mars 2025") && body.contains("octobre 2025"));

    // The Paris day, not the UTC one: 22:30 UTC on 30 March is 31 March.
    let (_, body) = app.get(&format!("/admin?campagne={c}&du=2025-03-31&au=2025-03-31")).await;
    assert_eq!(respondents(&body, "evry").as_deref(), Some("1"));
    let (_, body) = app.get(&format!("/admin?campagne={c}&du=30/03/2025&au=30/03/2025")).await;
    assert_eq!(respondents(&body, "evry").as_deref(), Some("1"));
    assert_eq!(respondents(&body, "palaiseau").as_deref(), Some("0"));

    // Channel, language, procedure, appointment, site.
    for (query, evry, palaiseau) in [
        ("canal=tablette", "1", "0"),
        ("canal=papier", "0", "1"),
        ("langue=ar", "1", "0"),
        ("demarche=titre_sejour", "1", "0"),
        ("demarche=sans", "0", "1"),
        ("rdv=oui", "1", "0"),
    ] {
        let (_, body) = app.get(&format!("/admin?campagne={c}&{query}")).await;
        assert_eq!(respondents(&body, "evry").as_deref(), Some(evry), "{query}");
        assert_eq!(respondents(&body, "palaiseau").as_deref(), Some(palaiseau), "{query}");
    }
    let (_, body) = app.get(&format!("/admin?campagne={c}&site=palaiseau")).await;
    assert_eq!(respondents(&body, "evry"), None);
    assert_eq!(respondents(&body, "palaiseau").as_deref(), Some("1"));

    // Every campaign over a free period.
    let (_, body) = app.get("/admin?campagne=toutes&du=2025-01-01&au=2025-12-31").await;
    assert_eq!(respondents(&body, "").as_deref(), Some("3"));

    // Bad values are explained, kept in the form and ignored; never a 500.
    let (status, body) = app.get(&format!("/admin?campagne={c}&du=31/02/2025&site=nulle-part&canal=pigeon&demarche=%3Cscript%3E")).await;
    assert_eq!(status, 200);
    let alert = text_of(&body, ".fr-alert").unwrap();
    assert!(alert.contains("Date de début invalide") && alert.contains("Site inconnu") && alert.contains("Canal inconnu"), "{alert}");
    assert_eq!(attr_of(&body, "input#filtre-du", "value").as_deref(), Some("31/02/2025"));
    assert!(alert.contains("« <script> »"), "{alert}");
    assert!(!body.contains("« <script> »"), "a typed value is shown as text, never as HTML");
    assert_eq!(respondents(&body, "").as_deref(), Some("3"));

    // Remarks: shown as text, searchable.
    let (status, body) = app.get(&format!("/admin/remarques?campagne={c}")).await;
    assert_eq!(status, 200);
    assert_eq!(select(&body, "li.remark").len(), 2);
    assert!(!body.contains("<script>alert(1)") && !body.contains("<img src=x"), "remark rendered as HTML");
    assert!(text_of(&body, "ol.remarks-list").unwrap().contains("<script>alert(1)</script>"));
    let (_, body) = app.get(&format!("/admin/remarques?campagne={c}&q=hyperlink")).await;
    assert_eq!(select(&body, "li.remark").len(), 1, "search ignores case");
    let (_, body) = app.get(&format!("/admin/remarques?campagne={c}&q=50%25_")).await;
    assert_eq!(select(&body, "li.remark").len(), 0, "wildcards are literal");
}

async fn download(app: &TestApp, path: &str) -> (u16, String, Vec<u8>) {
    let r = app.client.get(format!("{}{path}", app.base)).send().await.unwrap();
    let status = r.status().as_u16();
    let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (status, ct, r.bytes().await.unwrap().to_vec())
}

fn records(bytes: &[u8], sep: u8) -> Vec<csv::StringRecord> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    csv::ReaderBuilder::new().delimiter(sep).from_reader(body).records().map(|r| r.unwrap()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_hold_every_matching_row_safely() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    let c = campaign_2025(&store).await;
    fill(&store, c).await;

    // Logged out: to the login page, no data.
    let (status, _, body) = download(&app, &format!("/admin/export/reponses?campagne={c}")).await;
    assert_eq!(status, 303);
    assert!(body.is_empty());
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    // CSV for French Excel: BOM, `;`, one record per response, formulas neutralised, the
    // multi-line remark in one quoted field.
    let (status, ct, bytes) = download(&app, &format!("/admin/export/reponses?campagne={c}&format=csv")).await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/csv"), "{ct}");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.lines().next().unwrap().contains(";Globalement, êtes-vous satisfait(e)"), "{text}");
    let rows = records(&bytes, b';');
    assert_eq!(rows.len(), 3, "{text}");
    let remark_col = rows[0].len() - 1;
    let with_formula: Vec<&str> = rows.iter().map(|r| &r[remark_col]).filter(|v| v.contains("HYPERLINK")).collect();
    assert_eq!(with_formula, vec![format!("'{FORMULA}").as_str()]);
    assert!(rows.iter().any(|r| &r[remark_col] == SCRIPT), "other cells byte-identical");
    assert!(text.contains("Très satisfait(e)"), "answers as labels");

    // Streamed as is even when the browser accepts compression, and complete.
    let r = app.client.get(format!("{}/admin/export/reponses?campagne={c}&format=csv", app.base)).header("accept-encoding", "gzip, br").send().await.unwrap();
    assert!(r.headers().get("content-encoding").is_none());
    assert_eq!(records(&r.bytes().await.unwrap(), b';').len(), 3);

    // Filters apply to exports too.
    let (_, _, bytes) = download(&app, &format!("/admin/export/reponses?campagne={c}&site=palaiseau&format=csv")).await;
    assert_eq!(records(&bytes, b';').len(), 1);

    // RFC 4180: no BOM, commas.
    let (_, _, bytes) = download(&app, &format!("/admin/export/reponses?campagne={c}&format=rfc4180")).await;
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"));
    assert_eq!(records(&bytes, b',').len(), 3);

    // XLSX: a zip (Office Open XML).
    let (status, ct, bytes) = download(&app, &format!("/admin/export/reponses?campagne={c}&format=xlsx")).await;
    assert_eq!(status, 200);
    assert!(ct.contains("spreadsheetml"), "{ct}");
    assert!(bytes.starts_with(b"PK"));

    // Remarks, with the search.
    let (_, _, bytes) = download(&app, &format!("/admin/export/remarques?campagne={c}&format=csv")).await;
    assert_eq!(records(&bytes, b';').len(), 2);
    let (_, _, bytes) = download(&app, &format!("/admin/export/remarques?campagne={c}&q=script&format=csv")).await;
    assert_eq!(records(&bytes, b';').len(), 1);

    // Complaints of the period, with their reference.
    let reference = file_with(&app, &[("message", "=1+1 au guichet")]).await;
    let (_, _, bytes) = download(&app, "/admin/export/reclamations?campagne=toutes&format=csv").await;
    let rows = records(&bytes, b';');
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], reference.as_str());
    assert!(rows[0].iter().any(|v| v == "'=1+1 au guichet"));
    // Closed lists in French words, not stored codes.
    assert_eq!(&rows[0][1], "Réclamation");
    assert_eq!(&rows[0][4], "Formulaire en ligne");
    let status = &rows[0][6];
    assert!(status == "Reçue" || status == "Accusé de réception envoyé", "{status:?}");

    // Every export is in the audit log: who, which table, format and period.
    let filter = app::store::AuditFilter { action: Some(app::domain::audit::AuditAction::Export), ..Default::default() };
    let (entries, total) = store.audit_entries(&filter, 100, 0).await.unwrap();
    assert_eq!(total as usize, entries.len());
    let complaints = entries.iter().find(|e| e.entry.target.as_deref() == Some("reclamations")).expect("complaint export audited");
    assert_eq!(complaints.entry.user_email.as_deref(), Some(ADMIN_EMAIL));
    assert!(complaints.entry.details.as_deref().unwrap_or_default().starts_with("CSV, du "), "{:?}", complaints.entry.details);
    assert!(entries.iter().any(|e| e.entry.target.as_deref() == Some("reponses") && e.entry.details.as_deref().unwrap_or_default().starts_with("XLSX")));

    // Unknown format: a clear 400.
    let (status, _, body) = download(&app, "/admin/export/reponses?format=pdf").await;
    assert_eq!(status, 400);
    assert!(String::from_utf8(body).unwrap().contains("Format d'export inconnu"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_sees_and_exports_only_their_sites() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    server::seed::create_staff(&store, AGENT_EMAIL, "Agent Palaiseau", PASSWORD, Role::Agent, &["palaiseau".to_string()]).await.unwrap();
    let c = campaign_2025(&store).await;
    fill(&store, c).await;
    login(&app, AGENT_EMAIL, PASSWORD).await;

    let (status, body) = app.get(&format!("/admin?campagne={c}")).await;
    assert_eq!(status, 200);
    assert_eq!(respondents(&body, "evry"), None);
    assert_eq!(respondents(&body, "palaiseau").as_deref(), Some("1"));
    let (_, body) = app.get(&format!("/admin?campagne={c}&site=evry")).await;
    assert!(text_of(&body, ".fr-alert").unwrap().contains("Site inconnu"));
    assert_eq!(respondents(&body, "evry"), None);

    for query in [format!("campagne={c}"), format!("campagne={c}&site=evry")] {
        let (_, _, bytes) = download(&app, &format!("/admin/export/reponses?{query}&format=csv")).await;
        let rows = records(&bytes, b';');
        assert_eq!(rows.len(), 1, "{query}");
        assert!(rows[0].iter().any(|v| v.contains("Palaiseau")));
    }
    let (_, body) = app.get(&format!("/admin/remarques?campagne={c}")).await;
    assert_eq!(select(&body, "li.remark").len(), 0, "Évry's remarks stay hidden");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_users_committee_report_and_its_actions() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    server::seed::create_staff(&store, AGENT_EMAIL, "Agent Palaiseau", PASSWORD, Role::Agent, &["palaiseau".to_string()]).await.unwrap();
    let c = campaign_2025(&store).await;
    fill(&store, c).await;
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    let (status, body) = app.get(&format!("/admin/rapport?campagne={c}")).await;
    assert_eq!(status, 200, "{body}");
    let summary = text_of(&body, "table.report-summary tr[data-site=evry]").unwrap();
    assert!(summary.contains("50 %"), "1 satisfied of 2 at Évry: {summary}");
    assert_eq!(select(&body, "section.report-site").len(), 3, "one page per site");
    let token = attr_of(&body, "form.action-form input[name=token]", "value").unwrap();

    // Refused: everything typed is kept.
    let r = app.post_form("/admin/rapport/actions", &[("token", &token), ("campagne", &c.to_string()), ("site", "evry"), ("dit", "Trop d'attente"), ("fait", " ")]).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(text_of(&body, "#action-problem").is_some());
    assert_eq!(text_of(&body, "textarea#action-said").as_deref(), Some("Trop d'attente"));
    assert_eq!(attr_of(&body, "#action-site option[selected]", "value").as_deref(), Some("evry"));

    // Added once, even when sent twice.
    let fields = [("token", token.as_str()), ("campagne", &c.to_string()), ("site", "evry"), ("dit", "Trop d'attente <b>le lundi</b>"), ("fait", "Un guichet de plus le lundi matin")];
    let r = app.post_form("/admin/rapport/actions", &fields).await;
    assert_eq!(r.status(), 303);
    let r = app.post_form("/admin/rapport/actions", &fields).await;
    assert_eq!(r.status(), 409, "double submit refused, text kept");
    assert_eq!(store.list_actions(c).await.unwrap().len(), 1);
    let (_, body) = app.get(&format!("/admin/rapport?campagne={c}")).await;
    let evry_page = text_of(&body, "section.report-site[data-site=evry]").unwrap();
    assert!(evry_page.contains("Trop d'attente <b>le lundi</b>"), "shown as text: {evry_page}");
    let palaiseau_page = text_of(&body, "section.report-site[data-site=palaiseau]").unwrap();
    assert!(!palaiseau_page.contains("Trop d'attente"));

    // Deleted.
    let token = attr_of(&body, "form.action-form input[name=token]", "value").unwrap();
    let id = store.list_actions(c).await.unwrap()[0].id.to_string();
    let r = app.post_form("/admin/rapport/actions/supprimer", &[("token", &token), ("campagne", &c.to_string()), ("action", &id)]).await;
    assert_eq!(r.status(), 303);
    assert!(store.list_actions(c).await.unwrap().is_empty());

    // Agents do not prepare the report.
    app.post_form("/admin/deconnexion", &[]).await;
    login(&app, AGENT_EMAIL, PASSWORD).await;
    let (status, _) = app.get(&format!("/admin/rapport?campagne={c}")).await;
    assert_eq!(status, 403);
    let r = app.post_form("/admin/rapport/actions", &[("campagne", &c.to_string()), ("dit", "x"), ("fait", "y")]).await;
    assert_eq!(r.status(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_results_show_the_last_closed_and_the_running_campaign() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    let c = campaign_2025(&store).await;
    fill(&store, c).await;

    let (status, body) = app.get("/resultats").await;
    assert_eq!(status, 200, "{body}");
    let closed = text_of(&body, &format!("section[data-campaign='{c}']")).expect("last closed campaign");
    assert!(closed.contains("Dernière campagne terminée : Campagne 2025"), "{closed}");
    let evry = text_of(&body, &format!("section[data-campaign='{c}'] div[data-site=evry]")).unwrap();
    assert!(evry.contains("50 %"), "{evry}");
    assert!(body.contains("Campagne en cours"), "the seeded campaign of this year runs");
    assert!(!body.contains("HYPERLINK") && !body.contains("alert(1)"), "no free text is published");

    // The API answers for any campaign.
    let r = app.client.get(format!("{}/api/v1/results?campaign={c}", app.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let json: serde_json::Value = r.json().await.unwrap();
    assert_eq!(json["campaign"]["id"], c);
    let evry = json["sites"].as_array().unwrap().iter().find(|s| s["slug"] == "evry").unwrap().clone();
    assert_eq!((evry["respondents"].as_u64(), evry["target"].as_u64(), evry["share"].as_f64()), (Some(2), Some(2), Some(0.5)));
    assert_eq!(app.client.get(format!("{}/api/v1/results?campaign=999999", app.base)).send().await.unwrap().status(), 404);
    assert_eq!(app.client.get(format!("{}/api/v1/results?campaign=abc", app.base)).send().await.unwrap().status(), 400);
    // Without the parameter: the current campaign, as before.
    assert_ne!(app.results().await["campaign"]["id"], c);
}
