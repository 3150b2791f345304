//! The role × site × route matrix (issue 5): every staff page, export and state-changing route,
//! asked by a visitor who is not logged in, an agent of Palaiseau (about a Palaiseau complaint:
//! own site; about an Évry complaint: other site), quality staff and an admin. Each cell says
//! whether the server lets the request through, sends to the login page, refuses it (403) or
//! answers as if the complaint did not exist (404). Ids in URLs and site fields are the agent's
//! way around the menus, so they are in the matrix too. (The printable letter of a reply,
//! `/admin/reclamations/{id}/courrier`, exists only once a postal reply is written; its own-site /
//! other-site check is in `tests/staff.rs`.)
//!
//! POSTs are sent with empty or minimal fields: a request that passes the role and site checks
//! then gets a validation answer (422), a redirect, or a stale-form answer (409) — "allowed"
//! here means the gate let it through, not that it changed anything.

mod common;
use app::store::{DynStore, Role};
use common::*;

const AGENT_EMAIL: &str = "agent.palaiseau@essonne.gouv.fr";
const QUALITE_EMAIL: &str = "qualite.prefecture@essonne.gouv.fr";
const ADMIN2_EMAIL: &str = "admin.prefecture@essonne.gouv.fr";
const PASSWORD: &str = "mot de passe très long";

/// What the server did with a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Gate {
    /// Through the gate (2xx, 3xx elsewhere than the login page, 400/409/422 on the data).
    Allowed,
    /// Sent to the login page (303 to `/admin/connexion`) or 401.
    Login,
    /// 403.
    Forbidden,
    /// 404: the complaint does not exist for this user.
    NotFound,
}
use Gate::*;

fn gate_of(status: u16, location: Option<&str>) -> Gate {
    match status {
        401 => Login,
        303 | 302 | 307 if location.is_some_and(|l| l.starts_with("/admin/connexion")) => Login,
        403 => Forbidden,
        404 => NotFound,
        200..=399 | 400 | 409 | 422 => Allowed,
        other => panic!("unexpected status {other}"),
    }
}

/// Who asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anonymous,
    Agent,
    Qualite,
    Admin,
}

/// One row: a method, a path (`{own}` / `{other}` replaced by complaint ids of Palaiseau /
/// Évry), form fields, and the expected gate for [anonymous, agent on own site, agent on other
/// site, quality staff, admin].
struct Row {
    method: &'static str,
    path: &'static str,
    fields: &'static [(&'static str, &'static str)],
    expect: [Gate; 5],
}

const fn get(path: &'static str, expect: [Gate; 5]) -> Row {
    Row { method: "GET", path, fields: &[], expect }
}

const fn post(path: &'static str, fields: &'static [(&'static str, &'static str)], expect: [Gate; 5]) -> Row {
    Row { method: "POST", path, fields, expect }
}

/// Every staff page and route. For rows without an id the two agent columns are the same request.
const MATRIX: &[Row] = &[
    // Pages for every staff member (an agent within their sites).
    get("/admin", [Login, Allowed, Allowed, Allowed, Allowed]),
    get("/admin/reclamations", [Login, Allowed, Allowed, Allowed, Allowed]),
    get("/admin/reclamations/nouvelle", [Login, Allowed, Allowed, Allowed, Allowed]),
    get("/admin/reclamations/{own}", [Login, Allowed, NotFound, Allowed, Allowed]),
    get("/admin/reclamations/{other}", [Login, NotFound, NotFound, Allowed, Allowed]),
    get("/admin/remarques", [Login, Allowed, Allowed, Allowed, Allowed]),
    get("/admin/export/reponses?format=csv", [Login, Allowed, Allowed, Allowed, Allowed]),
    get("/admin/export/remarques?format=csv", [Login, Allowed, Allowed, Allowed, Allowed]),
    get("/admin/export/reclamations?campagne=toutes&format=csv", [Login, Allowed, Allowed, Allowed, Allowed]),
    // Agents read the reply templates; quality staff and admins manage them.
    get("/admin/courriers-types", [Login, Allowed, Allowed, Allowed, Allowed]),
    // Quality staff and admins.
    get("/admin/courriers-types/nouveau", [Login, Forbidden, Forbidden, Allowed, Allowed]),
    get("/admin/envois", [Login, Forbidden, Forbidden, Allowed, Allowed]),
    get("/admin/import", [Login, Forbidden, Forbidden, Allowed, Allowed]),
    get("/admin/rapport", [Login, Forbidden, Forbidden, Allowed, Allowed]),
    get("/admin/donnees-personnelles?q=personne%40example.fr", [Login, Forbidden, Forbidden, Allowed, Allowed]),
    get("/admin/donnees-personnelles/effacement?q=personne%40example.fr", [Login, Forbidden, Forbidden, Allowed, Allowed]),
    get("/admin/donnees-personnelles/export?q=personne%40example.fr", [Login, Forbidden, Forbidden, Allowed, Allowed]),
    // Visit codes and QR posters (batch 1 is made by `setup`, for Évry).
    get("/admin/codes-visite", [Login, Forbidden, Forbidden, Allowed, Allowed]),
    get("/admin/codes-visite/1", [Login, Forbidden, Forbidden, Allowed, Allowed]),
    get("/admin/codes-visite/1/codes.csv", [Login, Forbidden, Forbidden, Allowed, Allowed]),
    get("/admin/affiches", [Login, Forbidden, Forbidden, Allowed, Allowed]),
    get("/admin/affiches/evry", [Login, Forbidden, Forbidden, Allowed, Allowed]),
    get("/admin/affiches/evry?format=a3", [Login, Forbidden, Forbidden, Allowed, Allowed]),
    // Admins only.
    get("/admin/campagnes", [Login, Forbidden, Forbidden, Forbidden, Allowed]),
    get("/admin/journal", [Login, Forbidden, Forbidden, Forbidden, Allowed]),
    get("/admin/questionnaires", [Login, Forbidden, Forbidden, Forbidden, Allowed]),
    get("/admin/questionnaires/1", [Login, Forbidden, Forbidden, Forbidden, Allowed]),
    get("/admin/comptes", [Login, Forbidden, Forbidden, Forbidden, Allowed]),
    get("/admin/comptes/1", [Login, Forbidden, Forbidden, Forbidden, Allowed]),
    get("/admin/tablettes", [Login, Forbidden, Forbidden, Forbidden, Allowed]),
    // Everyone's own password.
    get("/admin/mot-de-passe", [Login, Allowed, Allowed, Allowed, Allowed]),
    post("/admin/mot-de-passe", &[], [Login, Allowed, Allowed, Allowed, Allowed]),
    // State changes on a complaint: the agent's other site answers as an unknown id.
    post("/admin/reclamations/{own}/statut", &[("attendu", "recue"), ("statut", "en_cours")], [Login, Allowed, NotFound, Allowed, Allowed]),
    post("/admin/reclamations/{other}/statut", &[("attendu", "recue"), ("statut", "en_cours")], [Login, NotFound, NotFound, Allowed, Allowed]),
    post("/admin/reclamations/{own}/reponse", &[("attendu", "recue")], [Login, Allowed, NotFound, Allowed, Allowed]),
    post("/admin/reclamations/{other}/reponse", &[("attendu", "recue")], [Login, NotFound, NotFound, Allowed, Allowed]),
    post("/admin/reclamations/saisie", &[], [Login, Allowed, Allowed, Allowed, Allowed]),
    post("/admin/courriers-types/enregistrer", &[], [Login, Forbidden, Forbidden, Allowed, Allowed]),
    // Without the confirmation box ticked: nothing is erased, the page comes back (422).
    post("/admin/donnees-personnelles/effacement", &[("q", "personne@example.fr")], [Login, Forbidden, Forbidden, Allowed, Allowed]),
    post("/admin/rapport/actions", &[("campagne", "1")], [Login, Forbidden, Forbidden, Allowed, Allowed]),
    post("/admin/codes-visite/creer", &[], [Login, Forbidden, Forbidden, Allowed, Allowed]),
    post("/admin/rapport/actions/supprimer", &[("campagne", "1"), ("id", "999999")], [Login, Forbidden, Forbidden, Allowed, Allowed]),
    post("/admin/campagnes/enregistrer", &[], [Login, Forbidden, Forbidden, Forbidden, Allowed]),
    post("/admin/questionnaires/1/modifier", &[], [Login, Forbidden, Forbidden, Forbidden, Allowed]),
    post("/admin/comptes/creer", &[], [Login, Forbidden, Forbidden, Forbidden, Allowed]),
    post("/admin/comptes/1/modifier", &[], [Login, Forbidden, Forbidden, Forbidden, Allowed]),
    post("/admin/comptes/1/activation", &[], [Login, Forbidden, Forbidden, Forbidden, Allowed]),
    post("/admin/comptes/1/mot-de-passe", &[], [Login, Forbidden, Forbidden, Forbidden, Allowed]),
    // Without a site nor a label: nothing enrolled (422), the admin's session goes on.
    post("/admin/tablettes/enroler", &[], [Login, Forbidden, Forbidden, Forbidden, Allowed]),
    // No such tablet.
    post("/admin/tablettes/999/revocation", &[], [Login, Forbidden, Forbidden, Forbidden, NotFound]),
];

/// A server with one account per role and a received complaint at Palaiseau and at Évry.
async fn setup() -> (TestApp, DynStore, i64, i64) {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    server::seed::create_staff(&store, AGENT_EMAIL, "Agent Palaiseau", PASSWORD, Role::Agent, &["palaiseau".to_string()]).await.expect("agent");
    server::seed::create_staff(&store, QUALITE_EMAIL, "Qualité", PASSWORD, Role::Qualite, &[]).await.expect("qualite");
    server::seed::create_staff(&store, ADMIN2_EMAIL, "Admin", PASSWORD, Role::Admin, &[]).await.expect("admin");
    let own = file_with(&app, &[("site", "palaiseau"), ("message", "Message de Palaiseau")]).await;
    let other = file_with(&app, &[("site", "evry"), ("message", "Message d'Évry")]).await;
    let id = |r: String| {
        let store = store.clone();
        async move { store.complaint_by_reference(&r).await.unwrap().unwrap().id }
    };
    let (own, other) = (id(own).await, id(other).await);
    let evry = store.site_by_slug("evry").await.unwrap().unwrap();
    let quality = store.user_by_email(QUALITE_EMAIL).await.unwrap().unwrap();
    let batch = app::store::NewCodeBatch { site_id: evry.id, label: "Lot".into(), size: 2, created_by: quality.id, created_at: chrono::Utc::now(), token_nonce: "matrix-batch".into() };
    let mut n = 0u8;
    let mut next = move || {
        n += 1;
        app::domain::visit_code::VisitCode::from_random_bytes(|| n)
    };
    assert_eq!(store.create_code_batch(&batch, &mut next).await.unwrap(), app::store::CodeBatchOutcome::Created(1));
    (app, store, own, other)
}

/// Sends `row` for the column `who` with the complaint ids; returns the gate and the body.
async fn ask(app: &TestApp, row: &Row, own: i64, other: i64) -> (Gate, String) {
    let path = row.path.replace("{own}", &own.to_string()).replace("{other}", &other.to_string());
    let url = format!("{}{path}", app.base);
    let r = match row.method {
        "GET" => app.client.get(&url).send().await.expect("GET"),
        _ => app.client.post(&url).header("origin", &app.base).header("accept", "text/html").form(row.fields).send().await.expect("POST"),
    };
    let status = r.status().as_u16();
    let location = r.headers().get("location").and_then(|l| l.to_str().ok()).map(str::to_string);
    let body = r.text().await.unwrap_or_default();
    (gate_of(status, location.as_deref()), body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_staff_route_checks_role_and_site_on_the_server() {
    let (mut app, store, own, other) = setup().await;
    let mut mismatches = Vec::new();
    for who in [Who::Anonymous, Who::Agent, Who::Qualite, Who::Admin] {
        app.fresh_cookie_jar();
        let user_app = &app;
        match who {
            Who::Anonymous => {}
            Who::Agent => login(user_app, AGENT_EMAIL, PASSWORD).await,
            Who::Qualite => login(user_app, QUALITE_EMAIL, PASSWORD).await,
            Who::Admin => login(user_app, ADMIN2_EMAIL, PASSWORD).await,
        }
        for row in MATRIX {
            let columns: &[usize] = match who {
                Who::Anonymous => &[0],
                // The agent column of a row with an id is its own or other site; rows without
                // ids are asked once.
                Who::Agent if row.path.contains("{own}") => &[1],
                Who::Agent if row.path.contains("{other}") => &[2],
                Who::Agent => &[1],
                Who::Qualite => &[3],
                Who::Admin => &[4],
            };
            for &col in columns {
                let (gate, body) = ask(user_app, row, own, other).await;
                if gate != row.expect[col] {
                    mismatches.push(format!("{who:?} {} {}: expected {:?}, got {gate:?}", row.method, row.path, row.expect[col]));
                }
                // Whatever the answer, an agent never sees the other site's complaint.
                if who == Who::Agent {
                    assert!(!body.contains("Message d&#x27;Évry") && !body.contains("Message d'Évry"), "{} {} leaks Évry's complaint", row.method, row.path);
                }
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    // The refused and not-found writes changed nothing on the other site's complaint.
    let events = store.complaint_events(other).await.unwrap();
    assert!(events.iter().all(|e| e.user_name.as_deref() != Some("Agent Palaiseau")), "{events:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_functions_check_the_site_too() {
    let (app, _store, own, other) = setup().await;
    login(&app, AGENT_EMAIL, PASSWORD).await;
    let call = |id: i64| {
        let app = &app;
        async move {
            let r = app.client.post(format!("{}/srv/staff/complaint", app.base)).header("origin", &app.base).form(&[("id", id.to_string())]).send().await.unwrap();
            r.text().await.unwrap()
        }
    };
    assert!(call(own).await.contains("Message de Palaiseau"));
    assert!(!call(other).await.contains("Message d"), "the server function refuses the other site's complaint");
}
