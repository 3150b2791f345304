//! Administration of the survey (admins only): campaigns (`/admin/campagnes`: name, period,
//! target per site, questionnaire version) and questionnaires (`/admin/questionnaires`: add,
//! change, reorder and retire questions; a version that has answers is never changed — the edit
//! becomes the next version, so old answers keep their meaning).

pub mod campaigns;
pub mod questionnaires;

#[cfg(feature = "ssr")]
pub mod http;

/// The logged-in staff member if they are an admin.
///
/// # Errors
/// [`AppError::Unauthorized`] when logged out, [`AppError::Forbidden`] unless admin.
#[cfg(feature = "ssr")]
pub async fn require_admin() -> Result<crate::complaints::staff::access::Staff, crate::error::AppError> {
    let staff = crate::complaints::staff::access::require_staff().await?;
    if staff.user.role == crate::store::Role::Admin {
        Ok(staff)
    } else {
        Err(crate::error::AppError::Forbidden)
    }
}
