//! Staff login and the dashboard over HTTP, without JavaScript.

mod common;
use common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_needs_login_and_then_shows_counts() {
    let app = spawn_app().await;
    // Any client is sent to the login page, whatever it accepts.
    let r = app.client.get(format!("{}/admin", app.base)).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = app.client.get(format!("{}/admin", app.base)).header("accept", "text/html").send().await.unwrap();
    let status = r.status();
    let headers = format!("{:?}", r.headers());
    assert!(status.is_redirection(), "{status} {headers} {}", r.text().await.unwrap());
    assert_eq!(r.headers()["location"], "/admin/connexion");

    // Wrong password: same generic message, e-mail kept.
    let r = app.post_form("/admin/connexion", &[("email", ADMIN_EMAIL), ("password", "pas le bon mot de passe")]).await;
    assert_eq!(r.status(), 401);
    let body = r.text().await.unwrap();
    assert!(body.contains("Adresse électronique ou mot de passe incorrect."));
    assert_eq!(select(&body, &format!("input#email[value='{ADMIN_EMAIL}']")).len(), 1, "{body}");
    // Unknown account: the same message.
    let r = app.post_form("/admin/connexion", &[("email", "inconnu@example.fr"), ("password", "pas le bon mot de passe")]).await;
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("Adresse électronique ou mot de passe incorrect."));
    let r = app.post_form("/admin/connexion", &[("email", ""), ("password", "")]).await;
    assert_eq!(r.status(), 422);

    // One response at Évry.
    let token = app.survey_token("evry").await;
    assert_eq!(app.post_form("/enquete/evry/reponses", &[("token", token.as_str()), ("q_satisfaction_globale", "plutot_satisfait")]).await.status(), 303);

    let r = app.post_form("/admin/connexion", &[("email", "QUALITE@essonne.gouv.fr"), ("password", ADMIN_PASSWORD)]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/admin");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");

    let (status, body) = app.get("/admin").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(text_of(&body, "tr[data-site=evry] td.respondents").as_deref(), Some("1"), "{body}");
    assert_eq!(select(&body, "tr[data-site=evry] progress[max='150'][value='1']").len(), 1);
    assert_eq!(text_of(&body, "tr[data-site=palaiseau] td.respondents").as_deref(), Some("0"));
    let overall = text_of(&body, "div[data-question=satisfaction_globale]").unwrap();
    assert!(overall.contains("Satisfaits : 100 %"), "{overall}");
    let kindness = text_of(&body, "div[data-question=amabilite]").unwrap();
    assert!(kindness.contains("pas encore de réponse"), "{kindness}");
    assert!(!body.contains("NaN"));

    // Logout destroys the session.
    let r = app.post_form("/admin/deconnexion", &[]).await;
    assert_eq!(r.status(), 303);
    let r = app.client.get(format!("{}/admin", app.base)).header("accept", "text/html").send().await.unwrap();
    assert!(r.status().is_redirection());
}
