//! Import of paper questionnaires over HTTP (multipart upload, no JavaScript): a file with bad
//! rows is refused whole with a report of each row and column; a good file is imported once,
//! with the channel `papier`; agents may not import.

mod common;
use app::store::Role;
use chrono::Utc;
use common::*;

/// The import form's token and selected campaign.
async fn import_form(app: &TestApp) -> (String, String) {
    let (status, body) = app.get("/admin/import").await;
    assert_eq!(status, 200, "{body}");
    let token = attr_of(&body, "form[action='/admin/import'] input[name=token]", "value").expect("token");
    let campaign = attr_of(&body, "select#campagne option[selected]", "value").expect("campaign");
    (token, campaign)
}

async fn upload(app: &TestApp, token: &str, campaign: &str, file: &[u8]) -> (u16, Option<String>, String) {
    let form = reqwest::multipart::Form::new()
        .text("token", token.to_string())
        .text("campagne", campaign.to_string())
        .part("fichier", reqwest::multipart::Part::bytes(file.to_vec()).file_name("saisie papier.csv").mime_str("text/csv").unwrap());
    let r = app.client.post(format!("{}/admin/import", app.base)).header("origin", &app.base).multipart(form).send().await.unwrap();
    let status = r.status().as_u16();
    let location = r.headers().get("location").map(|l| l.to_str().unwrap().to_string());
    (status, location, r.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paper_file_is_imported_whole_or_refused_with_every_bad_row() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let today = app::time::paris_day(Utc::now()).format("%d/%m/%Y").to_string();

    // Two bad rows among good ones: nothing is stored, each problem is listed.
    let bad = format!(
        "\u{feff}site;date;langue;satisfaction_globale;remarque\r\nevry;{today};fr;1;Très bien\r\npalaiseau;{today};fr;bof;\r\nnulle-part;31/02/2026;fr;2;\r\n"
    );
    let (token, campaign) = import_form(&app).await;
    let (status, _, body) = upload(&app, &token, &campaign, bad.as_bytes()).await;
    assert_eq!(status, 422, "{body}");
    let report = text_of(&body, "table.row-errors").expect("report table");
    assert!(report.contains("bof"), "{report}");
    assert!(report.contains("nulle-part"), "{report}");
    assert_eq!(select(&body, "table.row-errors tbody tr").len(), 3, "unknown answer, unknown site, bad date: {report}");
    assert_eq!(store.count_responses().await.unwrap(), 0, "all or nothing");
    assert_eq!(attr_of(&body, "select#campagne option[selected]", "value").as_deref(), Some(campaign.as_str()), "choice kept");

    // A good file: every row stored, channel papier, counted on the dashboard.
    let good = format!("site;date;langue;satisfaction_globale;remarque\nevry;{today};fr;1;\"Ligne 1\nligne 2\"\npalaiseau;{today};ar;Plutôt satisfait(e);\n");
    let (token, campaign) = import_form(&app).await;
    let (status, location, body) = upload(&app, &token, &campaign, good.as_bytes()).await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(location.as_deref(), Some(format!("/admin/import?campagne={campaign}&importe=2").as_str()));
    assert_eq!(store.count_responses().await.unwrap(), 2);
    let (_, page) = app.get(location.as_deref().unwrap()).await;
    assert!(text_of(&page, ".fr-alert--success").unwrap().contains("2 réponse(s) importée(s)"));
    assert!(text_of(&page, "table.import-history").unwrap().contains("saisie papier.csv"));
    let (_, dashboard) = app.get(&format!("/admin?campagne={campaign}&canal=papier")).await;
    assert_eq!(text_of(&dashboard, "tr[data-site=''] td.respondents").as_deref(), Some("2"));

    // The same file again (fresh token): refused, nothing added. The same token again: refused.
    let (token2, _) = import_form(&app).await;
    let (status, _, body) = upload(&app, &token2, &campaign, good.as_bytes()).await;
    assert_eq!(status, 409);
    assert!(text_of(&body, "#import-problem").unwrap().contains("déjà été importé"));
    let other = format!("site;date;satisfaction_globale\netampes;{today};3\n");
    let (status, _, _) = upload(&app, &token, &campaign, other.as_bytes()).await;
    assert_eq!(status, 409, "a used token imports nothing");
    assert_eq!(store.count_responses().await.unwrap(), 2);

    // A spreadsheet saved in the wrong format gets a plain explanation.
    let (token, campaign) = import_form(&app).await;
    let (status, _, body) = upload(&app, &token, &campaign, b"site;date\r\n\xe9vry;01/01/2026\r\n").await;
    assert_eq!(status, 422);
    assert!(text_of(&body, ".import-report").unwrap().contains("UTF-8"), "{body}");

    // The template lists the questionnaire's columns.
    let r = app.client.get(format!("{}/admin/import/modele.csv", app.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let template = r.text().await.unwrap();
    assert!(template.starts_with('\u{feff}') && template.contains("satisfaction_globale"), "{template}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_may_not_import() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    server::seed::create_staff(&store, "agent@essonne.gouv.fr", "Agent", "mot de passe très long", Role::Agent, &["evry".to_string()]).await.unwrap();
    login(&app, "agent@essonne.gouv.fr", "mot de passe très long").await;
    let (status, _) = app.get("/admin/import").await;
    assert_eq!(status, 403);
    let (status, _, _) = upload(&app, "x", "1", b"site;date\n").await;
    assert_eq!(status, 403);
    let r = app.client.get(format!("{}/admin/import/modele.csv", app.base)).send().await.unwrap();
    assert_eq!(r.status(), 403);
}
