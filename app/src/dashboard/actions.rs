//! `POST /admin/rapport/actions` (add) and `POST /admin/rapport/actions/supprimer` (delete): the
//! actions of the users' committee report, plain forms that work without JavaScript. Quality
//! staff and admins only; one-time token against double submits; a refused input re-renders the
//! report (422) with everything typed kept.

use super::report::{ActionEcho, ACTION_MAX_CHARS, ACTION_TOKEN_PURPOSE};
use crate::complaints::staff::access::staff_of;
use crate::domain::survey_form::{form_value, normalize_text};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::CampaignAction;
use crate::survey::http::{read_form, render_page};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use tower_sessions::Session;

/// The posted form of a quality staff member, or the response to send instead.
async fn form(state: &AppState, session: &Session, req: Request) -> Result<(http::request::Parts, Vec<(String, String)>, i64, i64), Response> {
    let (parts, values) = read_form(req).await?;
    let staff = match staff_of(session, &state.store).await {
        Ok(s) => s,
        Err(AppError::Unauthorized) => return Err(Redirect::to("/admin/connexion").into_response()),
        Err(e) => return Err(render_page(state, parts, (), e.status()).await),
    };
    if let Err(e) = staff.require_template_manager() {
        return Err(render_page(state, parts, (), e.status()).await);
    }
    let campaign = match form_value(&values, "campagne").and_then(|c| c.parse::<i64>().ok()) {
        Some(id) => match state.store.campaign_by_id(id).await {
            Ok(Some(c)) => c.id,
            Ok(None) => return Err(render_page(state, parts, (), StatusCode::NOT_FOUND).await),
            Err(e) => return Err(render_page(state, parts, (), AppError::from(e).status()).await),
        },
        None => return Err(render_page(state, parts, (), StatusCode::NOT_FOUND).await),
    };
    Ok((parts, values, staff.user.id, campaign))
}

fn back(campaign: i64) -> Response {
    Redirect::to(&format!("/admin/rapport?campagne={campaign}")).into_response()
}

/// Consumes the form's one-time token; `false` when already used or invalid (double submit).
async fn consume(state: &AppState, values: &[(String, String)]) -> Result<bool, AppError> {
    let now = Utc::now();
    let Ok(nonce) = state.tokens.verify(ACTION_TOKEN_PURPOSE, form_value(values, "token").unwrap_or_default(), now) else { return Ok(false) };
    Ok(state.store.consume_token(&nonce, now).await?)
}

/// `POST /admin/rapport/actions`: `campagne`, `site` (slug or empty for every site), `dit`,
/// `fait` (each required, at most [`ACTION_MAX_CHARS`] characters). Added → 303 back to the
/// report.
pub async fn post_action(State(state): State<AppState>, session: Session, req: Request) -> Response {
    let (mut parts, values, user_id, campaign) = match form(&state, &session, req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let text = |name: &str| normalize_text(form_value(&values, name).unwrap_or_default());
    let (site_slug, said, done) = (form_value(&values, "site").unwrap_or_default().to_string(), text("dit"), text("fait"));
    let site = if site_slug.is_empty() {
        Ok(None)
    } else {
        match state.store.site_by_slug(&site_slug).await {
            Ok(Some(s)) => Ok(Some(s.id)),
            Ok(None) => Err("Choisissez un site de la liste.".to_string()),
            Err(e) => return render_page(&state, parts, (), AppError::from(e).status()).await,
        }
    };
    let too_long = |t: &str| t.chars().count() > ACTION_MAX_CHARS;
    let problem = match &site {
        Err(p) => Some(p.clone()),
        Ok(_) if said.is_empty() || done.is_empty() => Some("Écrivez ce que les usagers ont dit et ce qui a été fait.".to_string()),
        Ok(_) if too_long(&said) || too_long(&done) => Some(format!("Chaque texte doit faire au plus {ACTION_MAX_CHARS} caractères.")),
        Ok(_) => None,
    };
    // The report page reads the campaign from the query string.
    if let Ok(uri) = format!("/admin/rapport?campagne={campaign}").parse() {
        parts.uri = uri;
    }
    if let Some(problem) = problem {
        return render_page(&state, parts, ActionEcho { site: site_slug, said, done, problem }, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    match consume(&state, &values).await {
        Ok(true) => {}
        Ok(false) => {
            let problem = "Ce formulaire a déjà été envoyé ou a expiré : vérifiez la liste des actions, puis envoyez de nouveau si elle n'y est pas.".to_string();
            return render_page(&state, parts, ActionEcho { site: site_slug, said, done, problem }, StatusCode::CONFLICT).await;
        }
        Err(e) => return render_page(&state, parts, (), e.status()).await,
    }
    let action = CampaignAction { id: 0, campaign_id: campaign, site_id: site.ok().flatten(), said, done };
    match state.store.add_action(&action, user_id, Utc::now()).await {
        Ok(_) => back(campaign),
        Err(e) => render_page(&state, parts, (), AppError::from(e).status()).await,
    }
}

/// `POST /admin/rapport/actions/supprimer`: `campagne`, `action` (id). Deleted (or already gone)
/// → 303 back to the report.
pub async fn post_delete_action(State(state): State<AppState>, session: Session, req: Request) -> Response {
    let (parts, values, _, campaign) = match form(&state, &session, req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Some(id) = form_value(&values, "action").and_then(|a| a.parse::<i64>().ok()) else { return back(campaign) };
    match consume(&state, &values).await {
        Ok(true) => {}
        Ok(false) => return back(campaign),
        Err(e) => return render_page(&state, parts, (), e.status()).await,
    }
    match state.store.delete_action(campaign, id).await {
        Ok(_) => back(campaign),
        Err(e) => render_page(&state, parts, (), AppError::from(e).status()).await,
    }
}
