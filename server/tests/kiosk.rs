//! On-site tablets (kiosk mode, issue 6): enrolment sets the device cookie and ends the admin's
//! session, revocation makes the cookie worthless, a tablet's survey and complaint are stored with
//! the channel `tablette`, its pages are sent `no-store` and without autofill, it is exempt from
//! the hourly limit per address, and only admins enrol or revoke.

mod common;
use app::form_guard::PublicLimits;
use app::store::Role;
use common::*;
use std::num::NonZeroU32;

const AGENT_EMAIL: &str = "agent.evry@essonne.gouv.fr";
const QUALITE_EMAIL: &str = "qualite.service@essonne.gouv.fr";
const PASSWORD: &str = "mot de passe très long";

/// The enrolment form's one-time token, from `/admin/tablettes` (the client must be an admin).
async fn enrol_token(app: &TestApp) -> String {
    let (status, body) = app.get("/admin/tablettes").await;
    assert_eq!(status, 200, "{body}");
    attr_of(&body, "form[action='/admin/tablettes/enroler'] input[name=token]", "value").expect("enrolment token")
}

/// Logs the admin in on `app`'s browser and enrols it as a tablet of `site`; returns the
/// enrolment response's `Set-Cookie` header.
async fn enrol(app: &TestApp, site: &str, label: &str) -> String {
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let token = enrol_token(app).await;
    let r = app.post_form("/admin/tablettes/enroler", &[("token", &token), ("site", site), ("libelle", label)]).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    assert_eq!(r.headers()["location"], "/borne");
    r.headers().get("set-cookie").expect("the tablet cookie").to_str().unwrap().to_string()
}

/// The only row of `sql`'s result, as text (see common::query_text).
async fn one_row(app: &TestApp, sql: &str) -> Vec<Option<String>> {
    let mut rows = query_text(&app.database_url, sql).await;
    assert_eq!(rows.len(), 1, "{sql}: {rows:?}");
    rows.remove(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrolment_sets_a_long_lived_cookie_and_ends_the_admin_session() {
    let app = spawn_app().await;
    let cookie = enrol(&app, "evry", "Accueil titres de séjour").await;
    assert!(cookie.starts_with("borne="), "{cookie}");
    for part in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=94608000"] {
        assert!(cookie.contains(part), "{part} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "no Secure over plain HTTP: {cookie}");
    let token = cookie.trim_start_matches("borne=").split(';').next().unwrap().to_string();
    assert_eq!(token.len(), 64);

    // The admin's session is over on this browser.
    let r = app.client.get(format!("{}/admin", app.base)).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/admin/connexion");

    // The start screen of Évry, not cached.
    let r = app.client.get(format!("{}/borne", app.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let body = r.text().await.unwrap();
    assert!(body.contains("Donner mon avis") && body.contains("Faire une réclamation ou une suggestion"), "{body}");
    assert!(body.contains("Préfecture d&#x27;Évry") || body.contains("Préfecture d'Évry"), "{body}");
    assert!(!select(&body, "a[href='/enquete/evry']").is_empty() && !select(&body, "a[href='/reclamation/evry']").is_empty());
    for (code, name) in [("fr", "Français"), ("en", "English"), ("ar", "العربية"), ("es", "Español"), ("pt", "Português")] {
        let link = select(&body, &format!("a[href='/borne?lang={code}'][lang={code}]"));
        assert!(link.len() == 1 && link[0].contains(name), "{code}: {link:?}");
    }
    assert!(select(&body, "a[lang=ar]")[0].contains("dir=\"rtl\""));
    // No public menu on a tablet, and the inactivity dialog is there (closed).
    assert!(select(&body, "nav.main-nav").is_empty());
    assert_eq!(select(&body, "dialog.kiosk-dialog[aria-modal=true]:not([open])").len(), 1, "{body}");

    // Only the token's hash is stored; the enrolment is in the audit log, without the token.
    let row = one_row(&app, "SELECT token_hash, label, last_seen_at FROM tablets").await;
    let (hash, label, seen) = (row[0].clone().unwrap(), row[1].clone().unwrap(), row[2].clone());
    assert_eq!(hash, app::domain::kiosk::token_hash(&token));
    assert_ne!(hash, token);
    assert_eq!(label, "Accueil titres de séjour");
    assert!(seen.is_some(), "its requests are seen");
    let row = one_row(&app, "SELECT details, target FROM audit_log WHERE action = 'tablet_enrolled'").await;
    let (details, target) = (row[0].clone().unwrap(), row[1].clone().unwrap());
    assert!(details.contains("Accueil titres de séjour") && target.starts_with("tablette "), "{details} {target}");
    let pattern = sql_quote(&format!("%{token}%"));
    let leaked = query_i64(&app.database_url, &format!("SELECT COUNT(*) FROM audit_log WHERE details LIKE {pattern} OR target LIKE {pattern}")).await;
    assert_eq!(leaked, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrolment_is_over_https_secure_and_refuses_bad_input() {
    let app = spawn_app_with(TestOptions { secure_cookies: true, ..Default::default() }).await;
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let token = enrol_token(&app).await;
    // No label, unknown site: the page again (422) with what was typed, nothing stored.
    let r = app.post_form("/admin/tablettes/enroler", &[("token", &token), ("site", "nulle-part"), ("libelle", "  ")]).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("resume-erreurs") || body.contains("fr-alert--error"), "{body}");
    let long = "x".repeat(101);
    let r = app.post_form("/admin/tablettes/enroler", &[("token", &token), ("site", "evry"), ("libelle", &long)]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains(&long), "the label typed is kept");
    let n = query_i64(&app.database_url, "SELECT COUNT(*) FROM tablets").await;
    assert_eq!(n, 0);
    // Then a good one: the cookie is Secure.
    let r = app.post_form("/admin/tablettes/enroler", &[("token", &token), ("site", "palaiseau"), ("libelle", "Hall")]).await;
    assert_eq!(r.status(), 303);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.ends_with("; Secure"), "{cookie}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_or_unknown_token_is_not_a_tablet() {
    let mut app = spawn_app().await;
    // Without any cookie: a clear page, 403.
    let (status, body) = app.get("/borne").await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("pas une tablette enregistrée"), "{body}");

    enrol(&app, "etampes", "Accueil").await;
    assert_eq!(app.get("/borne").await.0, 200);
    // The admin logs in again on the tablet (its pages are not kiosk pages) and revokes it.
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (_, list) = app.get("/admin/tablettes").await;
    let id = attr_of(&list, "tr[data-tablet]", "data-tablet").expect("a tablet row");
    assert!(list.contains("Active"), "{list}");
    let r = app.post_form(&format!("/admin/tablettes/{id}/revocation"), &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/admin/tablettes?revoquee=1");
    let (_, list) = app.get("/admin/tablettes?revoquee=1").await;
    assert!(list.contains("Révoquée le"), "{list}");
    assert!(select(&list, "form[action$='/revocation']").is_empty(), "no button for a revoked tablet");
    // Revoking twice changes nothing (one audit entry); an unknown id is 404.
    assert_eq!(app.post_form(&format!("/admin/tablettes/{id}/revocation"), &[]).await.status(), 303);
    assert_eq!(app.post_form("/admin/tablettes/999/revocation", &[]).await.status(), 404);
    let n = query_i64(&app.database_url, "SELECT COUNT(*) FROM audit_log WHERE action = 'tablet_revoked'").await;
    assert_eq!(n, 1);

    // The cookie is still in the jar, and worthless at once: no kiosk, and a response from that
    // browser is an ordinary web one.
    let r = app.client.get(format!("{}/borne", app.base)).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.headers().get("cache-control").is_none_or(|v| *v != "no-store"));
    let token = app.survey_token("etampes").await;
    assert_eq!(app.post_form("/enquete/etampes/reponses", &survey_answers(&token)).await.status(), 303);
    let channel = one_row(&app, "SELECT channel FROM responses").await[0].clone().unwrap();
    assert_eq!(channel, "web");

    // A made-up token is no tablet either.
    app.fresh_cookie_jar();
    let r = app.client.get(format!("{}/borne", app.base)).header("cookie", format!("borne={}", "ab".repeat(32))).send().await.unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tablets_survey_and_complaint_are_stored_with_channel_tablette() {
    let app = spawn_app().await;
    enrol(&app, "evry", "Accueil").await;

    // The survey: no-store, autofill off, stored as `tablette`; its thank-you page goes back to
    // the start screen after 10 s (no JavaScript needed) or at once with "Terminer".
    let r = app.client.get(format!("{}/enquete/evry", app.base)).send().await.unwrap();
    assert_eq!(r.headers()["cache-control"], "no-store");
    let body = r.text().await.unwrap();
    assert_eq!(select(&body, "form[action='/enquete/evry/reponses'][autocomplete=off]").len(), 1, "{body}");
    let token = app.survey_token("evry").await;
    let r = app.post_form("/enquete/evry/reponses", &survey_answers(&token)).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let r = app.client.get(format!("{}/enquete/evry/merci", app.base)).send().await.unwrap();
    let body = r.text().await.unwrap();
    assert_eq!(select(&body, "meta[http-equiv=refresh][content='10;url=/borne?lang=fr']").len(), 1, "{body}");
    assert!(select(&body, "a.kiosk-done[href='/borne?lang=fr']")[0].contains("Terminer"));
    let channel = one_row(&app, "SELECT channel FROM responses").await[0].clone().unwrap();
    assert_eq!(channel, "tablette");
    // The next visitor gets a fresh, empty form (nothing says "already answered").
    let (status, body) = app.get("/enquete/evry").await;
    assert_eq!(status, 200);
    assert!(select(&body, "input[type=radio][checked]").is_empty(), "nothing pre-selected");
    assert_ne!(app.survey_token("evry").await, token);

    // The complaint form: site preselected, autofill off on the form and on each field.
    let (_, body) = app.get("/reclamation/evry").await;
    assert_eq!(select(&body, "form.complaint-form[autocomplete=off]").len(), 1);
    for field in ["nom", "email", "code_postal"] {
        assert_eq!(attr_of(&body, &format!("input[name={field}]"), "autocomplete").as_deref(), Some("off"), "{field}");
    }
    assert!(select(&body, "input[name=site][value=evry][checked]").len() == 1);
    let token = attr_of(&body, "form[action='/reclamation/envoi'] input[name=token]", "value").unwrap();
    let location = file_ok(&app, &with(with(form(&token), "nom", "Amina Diallo"), "message", "Déposé sur la tablette")).await;
    let reference = reference_of(&location);
    let store = store_of(&app).await;
    let c = store.complaint_by_reference(&reference).await.unwrap().unwrap();
    assert_eq!(c.channel.as_str(), "tablette");
    // Its confirmation has "Terminer" (and no 10-second return: the reference must be noted).
    let (_, body) = app.get(&location).await;
    assert!(body.contains(&reference));
    assert!(!select(&body, "a.kiosk-done[href='/borne?lang=fr']").is_empty());
    assert!(select(&body, "meta[http-equiv=refresh]").is_empty());
    // The next visitor's form has nothing of Amina's.
    let (_, body) = app.get("/reclamation/evry").await;
    assert!(!body.contains("Amina") && !body.contains("Déposé sur la tablette"));

    // An ordinary browser is unaffected: channel `web`, cacheable pages, autofill allowed.
    let other = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap();
    let r = other.get(format!("{}/reclamation", app.base)).send().await.unwrap();
    assert!(r.headers().get("cache-control").is_none_or(|v| *v != "no-store"));
    let body = r.text().await.unwrap();
    assert_eq!(attr_of(&body, "input[name=nom]", "autocomplete").as_deref(), Some("name"));
    assert!(select(&body, "form.complaint-form[autocomplete=off]").is_empty());
    assert!(!select(&body, "nav.main-nav").is_empty() && select(&body, "dialog.kiosk-dialog").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tablets_are_exempt_from_the_hourly_limit_per_address() {
    let one = NonZeroU32::new(1).unwrap();
    let mut app = spawn_app_with(TestOptions { public_limits: Some(PublicLimits { submissions_per_hour: one, tracking_per_hour: one }), ..Default::default() }).await;
    enrol(&app, "evry", "Accueil").await;
    // Five visitors in a row on the tablet (one address): all recorded.
    for _ in 0..5 {
        let token = app.survey_token("evry").await;
        assert_eq!(app.post_form("/enquete/evry/reponses", &survey_answers(&token)).await.status(), 303);
    }
    let token = complaint_token(&app).await;
    file_ok(&app, &form(&token)).await;
    // A phone on the same address: its second submission is refused (429).
    app.fresh_cookie_jar();
    let token = app.survey_token("evry").await;
    assert_eq!(app.post_form("/enquete/evry/reponses", &survey_answers(&token)).await.status(), 303);
    let token = app.survey_token("evry").await;
    assert_eq!(app.post_form("/enquete/evry/reponses", &survey_answers(&token)).await.status(), 429);
    let n = query_i64(&app.database_url, "SELECT COUNT(*) FROM responses WHERE channel = 'tablette'").await;
    assert_eq!(n, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_admins_enrol_and_revoke() {
    let mut app = spawn_app().await;
    let store = store_of(&app).await;
    server::seed::create_staff(&store, AGENT_EMAIL, "Agent Évry", PASSWORD, Role::Agent, &["evry".to_string()]).await.expect("agent");
    server::seed::create_staff(&store, QUALITE_EMAIL, "Qualité", PASSWORD, Role::Qualite, &[]).await.expect("qualite");
    // An admin enrols one tablet, to have something to revoke.
    enrol(&app, "evry", "Accueil").await;
    app.fresh_cookie_jar();
    for email in [AGENT_EMAIL, QUALITE_EMAIL] {
        app.fresh_cookie_jar();
        login(&app, email, PASSWORD).await;
        assert_eq!(app.get("/admin/tablettes").await.0, 403, "{email}");
        let r = app.post_form("/admin/tablettes/enroler", &[("token", "x"), ("site", "evry"), ("libelle", "Pirate")]).await;
        assert_eq!(r.status(), 403, "{email}");
        assert!(r.headers().get("set-cookie").is_none_or(|c| !c.to_str().unwrap().starts_with("borne=")));
        assert_eq!(app.post_form("/admin/tablettes/1/revocation", &[]).await.status(), 403, "{email}");
        // Still logged in: refusing did not end their session.
        assert_eq!(app.get("/admin/reclamations").await.0, 200);
    }
    app.fresh_cookie_jar();
    let r = app.post_form("/admin/tablettes/enroler", &[("site", "evry"), ("libelle", "Pirate")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/admin/connexion");
    let row = one_row(&app, "SELECT COUNT(*), COUNT(revoked_at) FROM tablets").await;
    assert_eq!(row, vec![Some("1".to_string()), Some("0".to_string())]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrolling_a_tablet_again_replaces_it_and_a_double_submit_enrols_once() {
    let app = spawn_app().await;
    enrol(&app, "evry", "Première").await;
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let token = enrol_token(&app).await;
    let r = app.post_form("/admin/tablettes/enroler", &[("token", &token), ("site", "palaiseau"), ("libelle", "Seconde")]).await;
    assert_eq!(r.status(), 303);
    // The same form sent again: the session is over, nothing more is stored.
    let r = app.post_form("/admin/tablettes/enroler", &[("token", &token), ("site", "palaiseau"), ("libelle", "Seconde")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/admin/connexion");
    let rows = query_text(&app.database_url, "SELECT label, revoked_at FROM tablets ORDER BY id").await;
    assert_eq!(rows.len(), 2);
    assert!(rows[0][1].is_some(), "the browser's previous tablet is revoked");
    assert!(rows[1][1].is_none());
    let (_, body) = app.get("/borne").await;
    assert!(body.contains("Palaiseau"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kiosk_pages_do_not_use_a_staff_session() {
    let app = spawn_app().await;
    enrol(&app, "evry", "Accueil").await;
    // Someone logs in on the tablet: the kiosk pages still show no staff menu, and a response
    // sent from them is an anonymous tablet one.
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (_, body) = app.get("/borne").await;
    assert!(select(&body, ".staff-nav").is_empty() && !body.contains("/admin/deconnexion"));
    let token = app.survey_token("evry").await;
    assert_eq!(app.post_form("/enquete/evry/reponses", &survey_answers(&token)).await.status(), 303);
    let channel = one_row(&app, "SELECT channel FROM responses").await[0].clone().unwrap();
    assert_eq!(channel, "tablette");
    // The staff pages themselves are not kiosk pages (the admin can revoke from here).
    let r = app.client.get(format!("{}/admin/tablettes", app.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("cache-control").is_none_or(|v| *v != "no-store"));
}
