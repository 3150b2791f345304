//! Visit codes and QR posters (issue 6), for quality staff and admins:
//!
//! - `/admin/codes-visite`: the batches of single-use visit codes per site and the form creating
//!   one (site, label, 1 to 1,000 codes; one-time token); `POST /admin/codes-visite/creer`
//!   ([`http::post_batch`]).
//! - `/admin/codes-visite/{batch}`: the printable slips of a batch (A4 grid: site, code, its QR
//!   code to `{base}/enquete/{site}?code=ABCD-EFGH`, one sentence), and
//!   `/admin/codes-visite/{batch}/codes.csv` ([`http::get_batch_csv`]) to print them on receipts.
//! - `/admin/affiches` and `/admin/affiches/{site}` (`?format=a3`): one printable QR poster per
//!   site, pointing to `{base}/enquete/{site}`.
//!
//! `{base}` is `PUBLIC_BASE_URL`, or the request's own address (see
//! [`crate::state::PublicUrl::base`]); the pages say which. Agents do not reach these pages
//! (403): codes and posters are printed centrally. The survey side (a code counts once) is in
//! [`crate::survey::submit`], the rules in [`crate::domain::visit_code`].

pub mod api;
pub mod page;

#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod qr;

/// Purpose of the batch form's one-time token.
pub const TOKEN_PURPOSE: &str = "admin:visit-codes";

/// Slips per page of `/admin/codes-visite/{batch}` (ten A4 sheets of 12): a batch of 1,000 is
/// printed in 9 goes, and a page stays a few hundred kilobytes.
pub const SLIPS_PER_PAGE: usize = 120;

/// The logged-in staff member if they may print codes and posters (quality staff, admins).
///
/// # Errors
/// [`crate::error::AppError::Unauthorized`] when logged out, [`crate::error::AppError::Forbidden`]
/// for an agent.
#[cfg(feature = "ssr")]
pub async fn require_code_manager() -> Result<crate::complaints::staff::access::Staff, crate::error::AppError> {
    let staff = crate::complaints::staff::access::require_staff().await?;
    staff.require_template_manager()?;
    Ok(staff)
}
