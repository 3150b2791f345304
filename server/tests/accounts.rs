//! Staff accounts over HTTP without JavaScript: admins create, change, disable, re-enable and
//! reset accounts on `/admin/comptes`; a password set by an admin must be changed before anything
//! else; the password policy; the last admin stays; every change is in the audit log (never a
//! password); sessions end after their absolute lifetime.

mod common;
use app::domain::audit::AuditAction;
use app::store::{Account, AuditFilter, DynStore, Role};
use common::*;

const PASSWORD: &str = "mot de passe très long";
const AGENT_EMAIL: &str = "agent.evry@essonne.gouv.fr";
const TEMPORARY: &str = "provisoire du lundi matin";
const CHOSEN: &str = "une phrase de passe solide";

/// A second browser (its own cookie jar) on the same server.
struct Browser {
    base: String,
    client: reqwest::Client,
}

impl Browser {
    fn new(app: &TestApp) -> Self {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().expect("client");
        Browser { base: app.base.clone(), client }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.base)).send().await.expect("GET")
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client.post(format!("{}{path}", self.base)).header("origin", &self.base).form(fields).send().await.expect("POST")
    }
}

fn location(r: &reqwest::Response) -> String {
    r.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_string()
}

async fn account_by_email(store: &DynStore, email: &str) -> Option<Account> {
    store.list_accounts().await.expect("accounts").into_iter().find(|a| a.user.email == email)
}

async fn revision(store: &DynStore, email: &str) -> String {
    account_by_email(store, email).await.expect("account").revision.to_string()
}

/// Every `account_changed` entry, as debug text.
async fn account_entries(store: &DynStore) -> Vec<String> {
    let filter = AuditFilter { action: Some(AuditAction::AccountChanged), ..AuditFilter::default() };
    store.audit_entries(&filter, 100, 0).await.expect("audit").0.iter().map(|r| format!("{:?}", r.entry)).collect()
}

async fn creation_token(app: &TestApp) -> String {
    let (status, body) = app.get("/admin/comptes").await;
    assert_eq!(status, 200, "{body}");
    attr_of(&body, "form.account-form input[name=token]", "value").expect("token")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_created_by_an_admin_changes_the_temporary_password_before_anything_else() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let token = creation_token(&app).await;
    let form = [("token", token.as_str()), ("courriel", " Agent.Evry@Essonne.gouv.fr "), ("nom", "Agent  Évry"), ("role", "agent"), ("sites", "evry"), ("sites", "palaiseau"), ("mot_de_passe", TEMPORARY)];
    let r = app.post_form("/admin/comptes/creer", &form).await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, "/admin/comptes?enregistre=cree".to_string()));
    let r = app.post_form("/admin/comptes/creer", &form).await;
    assert_eq!(r.status(), 303, "a double submit…");
    let accounts = store.list_accounts().await.unwrap();
    assert_eq!(accounts.iter().filter(|a| a.user.email == AGENT_EMAIL).count(), 1, "…creates one account");
    let agent = account_by_email(&store, AGENT_EMAIL).await.unwrap();
    assert_eq!((agent.user.display_name.as_str(), agent.user.role, agent.site_ids.len(), agent.user.must_change_password), ("Agent Évry", Role::Agent, 2, true));
    let (_, list) = app.get("/admin/comptes").await;
    let row = select(&list, &format!("tr[data-email='{AGENT_EMAIL}']")).join("");
    assert!(row.contains("Agent d'accueil") && row.contains("Palaiseau") && row.contains("À changer"), "{row}");

    // The agent logs in and is sent to the password page, from every staff page and route.
    let agent_browser = Browser::new(&app);
    let r = agent_browser.post("/admin/connexion", &[("email", AGENT_EMAIL), ("password", TEMPORARY)]).await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, "/admin/mot-de-passe".to_string()));
    for path in ["/admin", "/admin/reclamations", "/admin/courriers-types", "/admin/remarques", "/admin/export/reclamations?format=csv", "/admin/import/modele.csv"] {
        let r = agent_browser.get(path).await;
        assert_eq!((r.status().as_u16(), location(&r)), (303, "/admin/mot-de-passe".to_string()), "{path}");
    }
    let r = agent_browser.post("/admin/reclamations/saisie", &[("canal", "courrier")]).await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, "/admin/mot-de-passe".to_string()));
    let r = agent_browser.post("/srv/staff/complaints", &[]).await;
    assert_eq!(r.status(), 303, "server functions too");
    let r = agent_browser.get("/admin/mot-de-passe").await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("fixé par un administrateur"), "{page}");
    assert!(select(&page, "nav a[href='/admin/reclamations']").is_empty(), "no menu while the change is forced");

    // Every rule explained; no password sent back.
    let attempts: [(&str, &str, &str, &str); 6] = [
        ("", "une phrase de passe solide", CHOSEN, "Mot de passe actuel"),
        ("pas le bon mot de passe", CHOSEN, CHOSEN, "incorrect"),
        (TEMPORARY, "trop court", "trop court", "au moins 12 caractères"),
        (TEMPORARY, "Azertyuiop2026!", "Azertyuiop2026!", "plus courants"),
        (TEMPORARY, "je suis agent à Évry", "je suis agent à Évry", "adresse électronique du compte"),
        (TEMPORARY, CHOSEN, "une phrase de passe solid", "confirmation ne correspond pas"),
    ];
    for (current, new, confirm, message) in attempts {
        let r = agent_browser.post("/admin/mot-de-passe", &[("actuel", current), ("nouveau", new), ("confirmation", confirm)]).await;
        assert_eq!(r.status(), 422, "{message}");
        let body = r.text().await.unwrap();
        let summary = text_of(&body, "#resume-erreurs").unwrap_or_default();
        assert!(summary.contains(message), "{message}: {summary}");
        assert!(!body.contains(new) && !body.contains(TEMPORARY), "passwords are never sent back");
    }
    assert!(account_by_email(&store, AGENT_EMAIL).await.unwrap().user.must_change_password);

    let change = [("actuel", TEMPORARY), ("nouveau", CHOSEN), ("confirmation", CHOSEN)];
    let r = agent_browser.post("/admin/mot-de-passe", &change).await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, "/admin/mot-de-passe?enregistre=1".to_string()));
    let r = agent_browser.post("/admin/mot-de-passe", &change).await;
    assert_eq!(r.status(), 303, "a double submit changes nothing and says done");
    let agent = account_by_email(&store, AGENT_EMAIL).await.unwrap();
    assert!(!agent.user.must_change_password && agent.password_changed_at.is_some());
    let r = agent_browser.get("/admin/reclamations").await;
    assert_eq!(r.status(), 200, "the complaints are reachable now");
    let r = agent_browser.get("/admin/comptes").await;
    assert_eq!(r.status(), 403, "agents do not manage accounts");

    // The new password works, the temporary one no longer does.
    let other = Browser::new(&app);
    assert_eq!(other.post("/admin/connexion", &[("email", AGENT_EMAIL), ("password", TEMPORARY)]).await.status(), 401);
    let r = other.post("/admin/connexion", &[("email", AGENT_EMAIL), ("password", CHOSEN)]).await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, "/admin".to_string()));

    // Audit: the creation by the admin and the change by the agent, without any password.
    let entries = account_entries(&store).await;
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(entries.iter().any(|e| e.contains("création : rôle agent, sites : evry, palaiseau") && e.contains(ADMIN_EMAIL)), "{entries:?}");
    assert!(entries.iter().any(|e| e.contains("remplacé par l'intéressé")), "{entries:?}");
    for e in &entries {
        assert!(!e.contains(TEMPORARY) && !e.contains(CHOSEN), "{e}");
        assert!(e.contains(&format!("target: Some(\"{AGENT_EMAIL}\")")), "{e}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creation_errors_are_explained_with_the_input_kept() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let token = creation_token(&app).await;
    let cases: [(&str, &str, &str, &str, &str); 7] = [
        ("QUALITE@essonne.gouv.fr", "Doublon", "qualite", TEMPORARY, "Un compte existe déjà"),
        ("pas-une-adresse", "Agent", "qualite", TEMPORARY, "Adresse électronique"),
        ("nouvel.agent@essonne.gouv.fr", "Nouvel agent", "agent", TEMPORARY, "au moins un site"),
        ("nouvel.agent@essonne.gouv.fr", "Nouvel agent", "qualite", "court", "au moins 12 caractères"),
        ("nouvel.agent@essonne.gouv.fr", "Nouvel agent", "qualite", "1qaz2wsx3edc", "plus courants"),
        ("nouvel.agent@essonne.gouv.fr", "Bernadette Martin", "qualite", "bonjour bernadette !", "nom de la personne"),
        ("bernadette.martin@essonne.gouv.fr", "B. M.", "qualite", "martin-2026-essonne", "adresse électronique du compte"),
    ];
    for (email, name, role, pass, message) in cases {
        let r = app.post_form("/admin/comptes/creer", &[("token", token.as_str()), ("courriel", email), ("nom", name), ("role", role), ("mot_de_passe", pass)]).await;
        assert_eq!(r.status(), 422, "{message}");
        let body = r.text().await.unwrap();
        let summary = text_of(&body, "#resume-erreurs").unwrap_or_default();
        assert!(summary.contains(message), "{message}: {summary}");
        assert_eq!(attr_of(&body, "input#nom", "value").as_deref(), Some(name), "typed values kept");
        assert_eq!(attr_of(&body, "input#courriel", "value").as_deref(), Some(email));
        assert_eq!(attr_of(&body, "input#mot_de_passe", "value").unwrap_or_default(), "", "the password is not sent back");
    }
    assert_eq!(store.list_accounts().await.unwrap().len(), 1, "nothing created");
    assert!(account_entries(&store).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_admins_manage_accounts() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    server::seed::create_staff(&store, "mission.qualite@essonne.gouv.fr", "Mission qualité", PASSWORD, Role::Qualite, &[]).await.unwrap();
    server::seed::create_staff(&store, AGENT_EMAIL, "Agent Évry", PASSWORD, Role::Agent, &["evry".to_string()]).await.unwrap();
    let admin = account_by_email(&store, ADMIN_EMAIL).await.unwrap();
    let (id, rev) = (admin.user.id, admin.revision.to_string());
    for email in ["mission.qualite@essonne.gouv.fr", AGENT_EMAIL] {
        let b = Browser::new(&app);
        assert_eq!(b.post("/admin/connexion", &[("email", email), ("password", PASSWORD)]).await.status(), 303);
        for path in ["/admin/comptes".to_string(), format!("/admin/comptes/{id}")] {
            assert_eq!(b.get(&path).await.status(), 403, "{email} {path}");
        }
        let posts: [(String, Vec<(&str, &str)>); 4] = [
            ("/admin/comptes/creer".into(), vec![("courriel", "x@essonne.gouv.fr"), ("nom", "X"), ("role", "admin"), ("mot_de_passe", TEMPORARY)]),
            (format!("/admin/comptes/{id}/modifier"), vec![("revision", rev.as_str()), ("nom", "Pirate"), ("role", "agent"), ("sites", "evry")]),
            (format!("/admin/comptes/{id}/activation"), vec![("revision", rev.as_str()), ("actif", "0")]),
            (format!("/admin/comptes/{id}/mot-de-passe"), vec![("revision", rev.as_str()), ("mot_de_passe", TEMPORARY)]),
        ];
        for (path, fields) in posts {
            assert_eq!(b.post(&path, &fields).await.status(), 403, "{email} {path}");
        }
        // Their own password page is open to them.
        assert_eq!(b.get("/admin/mot-de-passe").await.status(), 200);
    }
    let after = account_by_email(&store, ADMIN_EMAIL).await.unwrap();
    assert_eq!((after.revision, after.user.active, after.user.role, after.user.display_name.as_str()), (admin.revision, true, Role::Admin, "Administrateur"));
    assert_eq!(store.list_accounts().await.unwrap().len(), 3);
    // Logged out: the login page.
    let anonymous = Browser::new(&app);
    assert_eq!(location(&anonymous.get("/admin/comptes").await), "/admin/connexion");
    assert_eq!(location(&anonymous.post("/admin/comptes/creer", &[]).await), "/admin/connexion");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabling_ends_sessions_and_admins_change_reenable_and_reset_accounts() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    let id = server::seed::create_staff(&store, AGENT_EMAIL, "Agent Évry", PASSWORD, Role::Agent, &["evry".to_string()]).await.unwrap();
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let agent = Browser::new(&app);
    assert_eq!(agent.post("/admin/connexion", &[("email", AGENT_EMAIL), ("password", PASSWORD)]).await.status(), 303);
    assert_eq!(agent.get("/admin/reclamations").await.status(), 200);

    // The page shows the account with its revision in every form.
    let (status, page) = app.get(&format!("/admin/comptes/{id}")).await;
    assert_eq!(status, 200, "{page}");
    let rev = revision(&store, AGENT_EMAIL).await;
    assert_eq!(attr_of(&page, "form.account-activation-form input[name=revision]", "value"), Some(rev.clone()));
    assert_eq!(attr_of(&page, "input#nom", "value").as_deref(), Some("Agent Évry"));

    // Disable: the open session ends at its next request, login fails.
    let disable = [("revision", rev.as_str()), ("actif", "0")];
    let r = app.post_form(&format!("/admin/comptes/{id}/activation"), &disable).await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, format!("/admin/comptes/{id}?enregistre=desactive")));
    let r = agent.get("/admin/reclamations").await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, "/admin/connexion".to_string()));
    assert_eq!(agent.post("/admin/connexion", &[("email", AGENT_EMAIL), ("password", PASSWORD)]).await.status(), 401);
    // The same form again (double submit, stale page): nothing more, a clear answer.
    let r = app.post_form(&format!("/admin/comptes/{id}/activation"), &disable).await;
    assert_eq!(r.status(), 409);
    assert!(text_of(&r.text().await.unwrap(), "#probleme").unwrap_or_default().contains("modifié entre-temps"));

    // Re-enable.
    let rev = revision(&store, AGENT_EMAIL).await;
    let r = app.post_form(&format!("/admin/comptes/{id}/activation"), &[("revision", rev.as_str()), ("actif", "1")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(agent.post("/admin/connexion", &[("email", AGENT_EMAIL), ("password", PASSWORD)]).await.status(), 303);
    assert_eq!(agent.get("/admin/reclamations").await.status(), 200);

    // Change name, role and sites: an agent needs a site; the input is kept.
    let rev = revision(&store, AGENT_EMAIL).await;
    let r = app.post_form(&format!("/admin/comptes/{id}/modifier"), &[("revision", rev.as_str()), ("nom", "Agent Palaiseau"), ("role", "agent")]).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(text_of(&body, "#resume-erreurs").unwrap_or_default().contains("au moins un site"));
    assert_eq!(attr_of(&body, "input#nom", "value").as_deref(), Some("Agent Palaiseau"));
    let change = [("revision", rev.as_str()), ("nom", "Agent Palaiseau"), ("role", "agent"), ("sites", "palaiseau")];
    let r = app.post_form(&format!("/admin/comptes/{id}/modifier"), &change).await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, format!("/admin/comptes/{id}?enregistre=modifie")));
    assert_eq!(app.post_form(&format!("/admin/comptes/{id}/modifier"), &change).await.status(), 409, "stale form");
    let a = store.account(id).await.unwrap().unwrap();
    let palaiseau = store.site_by_slug("palaiseau").await.unwrap().unwrap().id;
    assert_eq!((a.user.display_name.as_str(), a.site_ids.clone()), ("Agent Palaiseau", vec![palaiseau]));

    // Reset the password: the open session is sent to the password page; the temporary one works.
    let rev = revision(&store, AGENT_EMAIL).await;
    let r = app.post_form(&format!("/admin/comptes/{id}/mot-de-passe"), &[("revision", rev.as_str()), ("mot_de_passe", "azertyuiop")]).await;
    assert_eq!(r.status(), 422, "the policy applies to temporary passwords");
    let r = app.post_form(&format!("/admin/comptes/{id}/mot-de-passe"), &[("revision", rev.as_str()), ("mot_de_passe", TEMPORARY)]).await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, format!("/admin/comptes/{id}?enregistre=mot-de-passe")));
    let r = agent.get("/admin/reclamations").await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, "/admin/mot-de-passe".to_string()));
    let fresh = Browser::new(&app);
    let r = fresh.post("/admin/connexion", &[("email", AGENT_EMAIL), ("password", TEMPORARY)]).await;
    assert_eq!(location(&r), "/admin/mot-de-passe");

    let entries = account_entries(&store).await;
    let text = entries.join("\n");
    for expected in ["compte désactivé", "compte réactivé", "nom : Agent Évry → Agent Palaiseau ; sites : evry → palaiseau", "réinitialisé"] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    assert_eq!(entries.len(), 4, "{text}");
    assert!(!text.contains(TEMPORARY) && !text.contains(PASSWORD));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_admin_stays_and_nobody_disables_themself() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let me = account_by_email(&store, ADMIN_EMAIL).await.unwrap();
    let (id, rev) = (me.user.id, me.revision.to_string());
    let (_, dashboard) = app.get("/admin").await;
    assert_eq!(select(&dashboard, "nav a[href='/admin/comptes']").len(), 1, "admins have the menu link");
    assert_eq!(app.get("/admin/comptes/9999").await.0, 404);
    assert_eq!(app.post_form("/admin/comptes/9999/activation", &[("revision", "0"), ("actif", "0")]).await.status(), 404);
    let r = app.post_form(&format!("/admin/comptes/{id}/activation"), &[("revision", rev.as_str()), ("actif", "0")]).await;
    assert_eq!(r.status(), 409);
    assert!(text_of(&r.text().await.unwrap(), "#probleme").unwrap_or_default().contains("votre propre compte"));
    let r = app.post_form(&format!("/admin/comptes/{id}/modifier"), &[("revision", rev.as_str()), ("nom", "Administrateur"), ("role", "qualite")]).await;
    assert_eq!(r.status(), 409);
    assert!(text_of(&r.text().await.unwrap(), "#probleme").unwrap_or_default().contains("dernier compte administrateur"));
    let after = account_by_email(&store, ADMIN_EMAIL).await.unwrap();
    assert_eq!((after.user.role, after.user.active, after.revision), (Role::Admin, true, me.revision));

    // With a second admin, the first may become quality staff.
    server::seed::create_staff(&store, "admin2@essonne.gouv.fr", "Deuxième administrateur", PASSWORD, Role::Admin, &[]).await.unwrap();
    let r = app.post_form(&format!("/admin/comptes/{id}/modifier"), &[("revision", rev.as_str()), ("nom", "Administrateur"), ("role", "qualite")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(account_by_email(&store, ADMIN_EMAIL).await.unwrap().user.role, Role::Qualite);
    assert!(account_entries(&store).await.iter().any(|e| e.contains("rôle : admin → qualite")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_end_after_their_absolute_lifetime_whatever_the_activity() {
    let app = spawn_app_with(TestOptions { session_max_age: Some(chrono::TimeDelta::seconds(4)), ..TestOptions::default() }).await;
    let start = std::time::Instant::now();
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(app.get("/admin/reclamations").await.0, 200);
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert_eq!(app.get("/admin/reclamations").await.0, 200, "active and within the lifetime");
    assert!(start.elapsed() < std::time::Duration::from_secs(4), "the server answered too slowly for this test");
    tokio::time::sleep(std::time::Duration::from_millis(4500).saturating_sub(start.elapsed())).await;
    let r = app.client.get(format!("{}/admin/reclamations", app.base)).send().await.unwrap();
    assert_eq!((r.status().as_u16(), location(&r)), (303, "/admin/connexion".to_string()));
    let r = app.post_form("/admin/campagnes/enregistrer", &[("nom", "x")]).await;
    assert_eq!(location(&r), "/admin/connexion", "plain routes too");
    // A new login starts a new lifetime.
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(app.get("/admin/reclamations").await.0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_the_current_password_is_throttled_like_logins() {
    let app = spawn_app().await;
    let store = store_of(&app).await;
    server::seed::create_staff(&store, AGENT_EMAIL, "Agent Évry", PASSWORD, Role::Agent, &["evry".to_string()]).await.unwrap();
    let agent = Browser::new(&app);
    assert_eq!(agent.post("/admin/connexion", &[("email", AGENT_EMAIL), ("password", PASSWORD)]).await.status(), 303);
    for guess in ["essai numéro 1", "essai numéro 2", "essai numéro 3", "essai numéro 4", "essai numéro 5"] {
        let r = agent.post("/admin/mot-de-passe", &[("actuel", guess), ("nouveau", CHOSEN), ("confirmation", CHOSEN)]).await;
        assert_eq!(r.status(), 422, "{guess}");
    }
    let r = agent.post("/admin/mot-de-passe", &[("actuel", PASSWORD), ("nouveau", CHOSEN), ("confirmation", CHOSEN)]).await;
    assert_eq!(r.status(), 429, "locked, even with the right password");
    assert!(text_of(&r.text().await.unwrap(), "#resume-erreurs").unwrap_or_default().contains("réessayez"));
    let a = account_by_email(&store, AGENT_EMAIL).await.unwrap();
    assert!(app::auth::password::verify(PASSWORD, &a.user.password_hash), "unchanged");
    assert_eq!(Browser::new(&app).post("/admin/connexion", &[("email", AGENT_EMAIL), ("password", PASSWORD)]).await.status(), 429, "the login is locked too");
}
