//! Plain POST routes of the admin pages (work without JavaScript): admins only, one-time token,
//! a refused input re-renders the page (422) with everything typed kept and each error next to
//! its field.

use super::campaigns::{CampaignEcho, NAME_MAX_CHARS, TARGET_MAX, TOKEN_PURPOSE as CAMPAIGN_TOKEN};
use super::questionnaires::{EditorEcho, TOKEN_PURPOSE as EDITOR_TOKEN};
use crate::complaints::staff::access::{staff_of, Staff};
use crate::dashboard::filters::parse_day;
use crate::domain::questionnaire_edit::{apply, question_from_input, Edit, QuestionInput};
use crate::domain::survey_form::{form_value, normalize_text, FieldError, FieldErrorKind};
use crate::error::AppError;
use crate::form::FormState;
use crate::state::AppState;
use crate::store::{CampaignSettings, Role, SavedVersion, StoreError};
use crate::survey::http::{read_form, render_page};
use crate::time::paris_day;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use tower_sessions::Session;

fn error(name: &str, kind: FieldErrorKind) -> FieldError {
    FieldError { question_key: name.to_string(), kind }
}

/// The posted form of an admin, with the admin, or the response to send instead: 403 page for
/// other roles, login page when logged out.
pub(crate) async fn admin_staff_form(state: &AppState, session: &Session, req: Request) -> Result<(http::request::Parts, Vec<(String, String)>, Staff), Response> {
    let (parts, values) = read_form(req).await?;
    match staff_of(session, &state.store).await {
        Ok(s) if s.user.role == Role::Admin => Ok((parts, values, s)),
        Ok(_) => Err(render_page(state, parts, (), StatusCode::FORBIDDEN).await),
        Err(AppError::Unauthorized) => Err(Redirect::to("/admin/connexion").into_response()),
        Err(e) => Err(render_page(state, parts, (), e.status()).await),
    }
}

/// The posted form of an admin, or the response to send instead.
async fn admin_form(state: &AppState, session: &Session, req: Request) -> Result<(http::request::Parts, Vec<(String, String)>), Response> {
    admin_staff_form(state, session, req).await.map(|(parts, values, _)| (parts, values))
}

fn unavailable(e: StoreError) -> StatusCode {
    AppError::from(e).status()
}

/// `POST /admin/campagnes/enregistrer`: `token`, `id` (absent for a new campaign), `nom`,
/// `debut`, `fin` (days, `AAAA-MM-JJ` or `JJ/MM/AAAA`, end ≥ start), `objectif` (1 to
/// [`TARGET_MAX`] respondents per site), `version` (questionnaire version id). Saved → 303 to
/// `/admin/campagnes`. A new campaign is created once even when the form is sent twice.
pub async fn post_campaign(State(state): State<AppState>, session: Session, req: Request) -> Response {
    let (mut parts, values) = match admin_form(&state, &session, req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let editing = form_value(&values, "id").and_then(|v| v.parse::<i64>().ok());
    let mut errors = Vec::new();
    let name = normalize_text(form_value(&values, "nom").unwrap_or_default());
    if name.is_empty() {
        errors.push(error("nom", FieldErrorKind::Required));
    } else if name.chars().count() > NAME_MAX_CHARS {
        errors.push(error("nom", FieldErrorKind::TooLong { max: NAME_MAX_CHARS, actual: name.chars().count() }));
    }
    let mut day = |field: &str| {
        let raw = form_value(&values, field).unwrap_or_default().trim().to_string();
        if raw.is_empty() {
            errors.push(error(field, FieldErrorKind::Required));
            return None;
        }
        let d = parse_day(&raw);
        if d.is_none() {
            errors.push(error(field, FieldErrorKind::InvalidDate));
        }
        d
    };
    let (start, end) = (day("debut"), day("fin"));
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            errors.push(error("fin", FieldErrorKind::EndBeforeStart));
        }
    }
    let target = match form_value(&values, "objectif").unwrap_or_default().trim().parse::<i64>() {
        Ok(t) if (1..=TARGET_MAX).contains(&t) => Some(t),
        _ => {
            errors.push(error("objectif", FieldErrorKind::OutOfRange { min: 1, max: TARGET_MAX }));
            None
        }
    };
    let version = match form_value(&values, "version").and_then(|v| v.parse::<i64>().ok()) {
        Some(id) => match state.store.questionnaire_version(id).await {
            Ok(Some(v)) => Some(v.id),
            Ok(None) => {
                errors.push(error("version", FieldErrorKind::UnknownOption));
                None
            }
            Err(e) => return render_page(&state, parts, (), unavailable(e)).await,
        },
        None => {
            errors.push(error("version", FieldErrorKind::Required));
            None
        }
    };
    let existing = match editing {
        Some(id) => match state.store.campaign_by_id(id).await {
            Ok(Some(c)) => Some(c),
            Ok(None) => return render_page(&state, parts, (), StatusCode::NOT_FOUND).await,
            Err(e) => return render_page(&state, parts, (), unavailable(e)).await,
        },
        None => None,
    };
    if let Ok(uri) = "/admin/campagnes".parse() {
        parts.uri = uri;
    }
    let (Some(starts_on), Some(ends_on), Some(target_per_site), Some(questionnaire_version_id), true) = (start, end, target, version, errors.is_empty()) else {
        let form = FormState { values, errors, notice: None };
        return render_page(&state, parts, CampaignEcho { editing, form }, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let settings = CampaignSettings { name, starts_on, ends_on, target_per_site, is_demo: existing.as_ref().is_some_and(|c| c.settings.is_demo), questionnaire_version_id };
    let now = Utc::now();
    let saved = match existing {
        Some(c) => state.store.update_campaign(c.id, &settings).await.map(|_| ()),
        None => {
            let Ok(nonce) = state.tokens.verify(CAMPAIGN_TOKEN, form_value(&values, "token").unwrap_or_default(), now) else {
                let form = FormState { values, errors: Vec::new(), notice: Some(crate::form::FormNotice::Expired) };
                return render_page(&state, parts, CampaignEcho { editing, form }, StatusCode::UNPROCESSABLE_ENTITY).await;
            };
            match state.store.consume_token(&nonce, now).await {
                Ok(true) => state.store.create_campaign(&settings, now).await.map(|_| ()),
                Ok(false) => Ok(()),
                Err(e) => Err(e),
            }
        }
    };
    match saved {
        Ok(()) => Redirect::to("/admin/campagnes").into_response(),
        Err(e) => render_page(&state, parts, (), unavailable(e)).await,
    }
}

/// `POST /admin/questionnaires/{id}/modifier`: `token`, `op` (`ajouter`, `modifier`, `monter`,
/// `descendre`, `retirer`), `cle`, and for `ajouter`/`modifier` the question's fields (`libelle`,
/// `aide`, `obligatoire`, `type` = `choix`|`texte`, `reponses` one per line, `longueur`). Saved →
/// 303 to the editor of the resulting version (`?enregistre=1`, or `=nouvelle` when the version
/// had answers and a new one was created).
pub async fn post_questionnaire(State(state): State<AppState>, session: Session, Path(id): Path<i64>, req: Request) -> Response {
    let (mut parts, values) = match admin_form(&state, &session, req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let version = match state.store.questionnaire_version(id).await {
        Ok(Some(v)) => v,
        Ok(None) => return render_page(&state, parts, (), StatusCode::NOT_FOUND).await,
        Err(e) => return render_page(&state, parts, (), unavailable(e)).await,
    };
    let field = |name: &str| form_value(&values, name).unwrap_or_default().to_string();
    let op = field("op");
    let key = field("cle").trim().to_string();
    let editing = (op == "modifier").then(|| key.clone());
    let page = if op == "modifier" { format!("/admin/questionnaires/{id}/question/{key}") } else { format!("/admin/questionnaires/{id}") };
    if let Ok(uri) = page.parse() {
        parts.uri = uri;
    }
    let refuse = |problem: Option<String>, errors: Vec<FieldError>, status: StatusCode| {
        let echo = EditorEcho { editing: editing.clone(), form: FormState { values: values.clone(), errors, notice: None }, problem };
        let (state, parts) = (state.clone(), parts.clone());
        async move { render_page(&state, parts, echo, status).await }
    };
    let edit = match op.as_str() {
        "ajouter" | "modifier" => {
            let input = QuestionInput {
                key: key.clone(),
                label: normalize_text(&field("libelle")),
                hint: normalize_text(&field("aide")),
                required: !field("obligatoire").is_empty(),
                kind: field("type"),
                options: field("reponses"),
                max_chars: field("longueur"),
            };
            match question_from_input(&input) {
                Ok(q) if op == "ajouter" => Edit::Add(q),
                Ok(q) => Edit::Update(q),
                Err(errors) => {
                    let errors = errors.into_iter().map(|(f, message)| error(f, FieldErrorKind::Invalid { message })).collect();
                    return refuse(None, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
                }
            }
        }
        "monter" => Edit::MoveUp(key),
        "descendre" => Edit::MoveDown(key),
        "retirer" => Edit::Retire(key),
        _ => return refuse(Some("Action inconnue.".into()), Vec::new(), StatusCode::BAD_REQUEST).await,
    };
    let next = match apply(&version.definition, edit) {
        Ok(q) => q,
        Err(problem) => return refuse(Some(problem), Vec::new(), StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let now = Utc::now();
    let nonce = match state.tokens.verify(EDITOR_TOKEN, &field("token"), now) {
        Ok(n) => n,
        Err(_) => return refuse(Some("Le formulaire a expiré : recommencez.".into()), Vec::new(), StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    match state.store.consume_token(&nonce, now).await {
        Ok(true) => {}
        Ok(false) => return refuse(Some("Cette modification a déjà été envoyée : vérifiez le questionnaire ci-dessus.".into()), Vec::new(), StatusCode::CONFLICT).await,
        Err(e) => return render_page(&state, parts, (), unavailable(e)).await,
    }
    match state.store.save_questionnaire_edit(id, &next, paris_day(now), now).await {
        Ok(SavedVersion::Updated { id }) => Redirect::to(&format!("/admin/questionnaires/{id}?enregistre=1")).into_response(),
        Ok(SavedVersion::Created { id, .. }) => Redirect::to(&format!("/admin/questionnaires/{id}?enregistre=nouvelle")).into_response(),
        Err(StoreError::Conflict(_)) => {
            refuse(Some("Une version plus récente de ce questionnaire existe : modifiez-la plutôt (liste des questionnaires).".into()), Vec::new(), StatusCode::CONFLICT).await
        }
        Err(e) => render_page(&state, parts, (), unavailable(e)).await,
    }
}
