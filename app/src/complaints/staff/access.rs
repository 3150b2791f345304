//! Who may see and change which complaints. Enforced on the server, in every read and write:
//! the site scope goes into the store's queries ([`SiteScope`]); pages only mirror it.
//!
//! - Agent (`agent`): the complaints of the sites they work for (`user_sites`), nothing else;
//!   a complaint of another site answers 404, as an unknown id.
//! - Quality staff (`qualite`) and admins: every site, and the reply templates.

use crate::auth::session::user_of;
use crate::error::AppError;
use crate::store::{DynStore, Role, SiteScope, User};
use tower_sessions::Session;

/// A logged-in staff member and the complaints they may reach.
#[derive(Clone, Debug)]
pub struct Staff {
    /// The account.
    pub user: User,
    /// Sites in reach.
    pub scope: SiteScope,
}

impl Staff {
    /// Whether this member manages reply templates (quality staff, admins).
    pub fn manages_templates(&self) -> bool {
        matches!(self.user.role, Role::Admin | Role::Qualite)
    }

    /// What the staff menu shows.
    pub fn header(&self) -> super::api::StaffHeader {
        header_of(&self.user)
    }

    /// [`AppError::Forbidden`] unless [`Staff::manages_templates`].
    ///
    /// # Errors
    /// [`AppError::Forbidden`].
    pub fn require_template_manager(&self) -> Result<(), AppError> {
        if self.manages_templates() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// What the staff menu shows to `user`.
pub fn header_of(user: &User) -> super::api::StaffHeader {
    super::api::StaffHeader {
        user_name: user.display_name.clone(),
        manages_templates: matches!(user.role, Role::Admin | Role::Qualite),
        is_admin: user.role == Role::Admin,
    }
}

/// The scope of `user`: every site for quality staff and admins, their own sites for an agent.
///
/// # Errors
/// [`AppError::Unavailable`] when the database fails.
pub async fn scope_of(user: &User, store: &DynStore) -> Result<SiteScope, AppError> {
    Ok(match user.role {
        Role::Admin | Role::Qualite => SiteScope::All,
        Role::Agent => SiteScope::Sites(store.user_site_ids(user.id).await?),
    })
}

/// The staff member of `session` (plain HTTP handlers).
///
/// # Errors
/// [`AppError::Unauthorized`] when nobody is logged in; [`AppError::Forbidden`] while the
/// password must be changed; [`AppError::Unavailable`].
pub async fn staff_of(session: &Session, store: &DynStore) -> Result<Staff, AppError> {
    let user = crate::auth::session::cleared(user_of(session, store).await?.ok_or(AppError::Unauthorized)?)?;
    let scope = scope_of(&user, store).await?;
    Ok(Staff { user, scope })
}

/// The staff member of the current request (server functions and SSR).
///
/// # Errors
/// [`AppError::Unauthorized`] when nobody is logged in; [`AppError::Unavailable`].
pub async fn require_staff() -> Result<Staff, AppError> {
    let user = crate::auth::session::require_user().await?;
    let state = crate::state::app_state()?;
    let scope = scope_of(&user, &state.store).await?;
    Ok(Staff { user, scope })
}
