//! Server functions and data shapes of the visit-code and poster pages.

use crate::complaints::staff::api::StaffHeader;
use crate::error::AppError;
use crate::form::FormState;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The base of the printed links and where it comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BaseNote {
    /// E.g. `https://avis.essonne.gouv.fr`.
    pub base: String,
    /// From `PUBLIC_BASE_URL` (else from the address this page was asked at).
    pub configured: bool,
}

/// A batch in the list and on its slips page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BatchRow {
    /// Id.
    pub id: i64,
    /// Site slug.
    pub site_slug: String,
    /// Site name.
    pub site_name: String,
    /// Staff label.
    pub label: String,
    /// Number of codes.
    pub size: u64,
    /// Codes used.
    pub used: u64,
    /// Creation day, `dd/mm/yyyy` (Europe/Paris).
    pub created_on: String,
    /// Who created it.
    pub created_by: String,
}

/// `/admin/codes-visite`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CodeBatchesView {
    /// Staff menu.
    pub header: StaffHeader,
    /// Base of the printed links.
    pub base: BaseNote,
    /// Batches, newest first.
    pub batches: Vec<BatchRow>,
    /// Sites (slug, name) for the form.
    pub sites: Vec<(String, String)>,
    /// Values and errors of the form.
    pub form: FormState,
    /// One-time token of the form.
    pub token: String,
}

/// What the POST hands back when it refuses the input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CodeBatchEcho {
    /// Values and errors.
    pub form: FormState,
}

/// One printable slip.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Slip {
    /// `ABCD-EFGH`.
    pub code: String,
    /// The survey link with the code.
    pub url: String,
    /// QR code of `url`, a `data:image/svg+xml` URL.
    pub qr: String,
    /// Already used.
    pub used: bool,
}

/// `/admin/codes-visite/{batch}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BatchSlipsView {
    /// Staff menu.
    pub header: StaffHeader,
    /// The batch.
    pub batch: BatchRow,
    /// Base of the printed links.
    pub base: BaseNote,
    /// The survey link without a code, written on each slip (`{base}/enquete/{site}`).
    pub survey_url: String,
    /// The slips of this page.
    pub slips: Vec<Slip>,
    /// Page shown (from 1) and number of pages.
    pub page: usize,
    /// Number of pages ([`super::SLIPS_PER_PAGE`] slips each).
    pub pages: usize,
}

/// A site on the posters page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PosterSite {
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Its survey link.
    pub url: String,
}

/// `/admin/affiches`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PostersView {
    /// Staff menu.
    pub header: StaffHeader,
    /// Base of the printed links.
    pub base: BaseNote,
    /// One entry per active site.
    pub sites: Vec<PosterSite>,
}

/// `/admin/affiches/{site}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PosterView {
    /// Staff menu.
    pub header: StaffHeader,
    /// Base of the printed links.
    pub base: BaseNote,
    /// Site slug.
    pub slug: String,
    /// Site name.
    pub site_name: String,
    /// `{base}/enquete/{site}`.
    pub url: String,
    /// The same without `https://` (written under the QR code).
    pub short_url: String,
    /// QR code of `url`, a `data:image/svg+xml` URL.
    pub qr: String,
    /// A3 (else A4).
    pub a3: bool,
}

/// The batches and the creation form (quality staff and admins).
///
/// # Errors
/// [`AppError::Unauthorized`], [`AppError::Forbidden`] (agents), [`AppError::Unavailable`].
#[server(prefix = "/srv", endpoint = "codes/batches")]
pub async fn load_code_batches() -> Result<CodeBatchesView, AppError> {
    let staff = super::require_code_manager().await?;
    let state = crate::state::app_state()?;
    let batches = state.store.list_code_batches(&staff.scope).await?;
    let sites = state.store.list_sites().await?;
    let form = use_context::<CodeBatchEcho>().map(|e| e.form).unwrap_or_else(|| FormState { values: vec![("nombre".into(), "100".into())], errors: Vec::new(), notice: None });
    Ok(CodeBatchesView {
        header: staff.header(),
        base: server::base_note(&state),
        batches: batches.iter().map(server::batch_row).collect(),
        sites: sites.into_iter().map(|s| (s.slug, s.name)).collect(),
        form,
        token: state.tokens.issue(super::TOKEN_PURPOSE, chrono::Utc::now()),
    })
}

/// The slips of batch `id`, page `page` (from 1; out of range → the last page).
///
/// # Errors
/// [`AppError::NotFound`] for an unknown batch, plus those of [`load_code_batches`].
#[server(prefix = "/srv", endpoint = "codes/batch")]
pub async fn load_code_batch(id: i64, page: Option<usize>) -> Result<BatchSlipsView, AppError> {
    use crate::domain::visit_code::survey_url;
    let staff = super::require_code_manager().await?;
    let state = crate::state::app_state()?;
    let batch = state.store.code_batch(id, &staff.scope).await?.ok_or(AppError::NotFound)?;
    let codes = state.store.batch_codes(id).await?;
    let base = server::base_note(&state);
    let pages = codes.len().div_ceil(super::SLIPS_PER_PAGE).max(1);
    let page = page.unwrap_or(1).clamp(1, pages);
    let slips = codes
        .iter()
        .skip((page - 1) * super::SLIPS_PER_PAGE)
        .take(super::SLIPS_PER_PAGE)
        .map(|c| {
            let url = survey_url(&base.base, &batch.site.slug, Some(&c.code));
            Ok(Slip { code: c.code.display(), qr: super::qr::qr_data_uri(&url)?, url, used: c.used_on.is_some() })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(BatchSlipsView {
        header: staff.header(),
        survey_url: survey_url(&base.base, &batch.site.slug, None),
        batch: server::batch_row(&batch),
        base,
        slips,
        page,
        pages,
    })
}

/// The sites whose poster can be printed.
///
/// # Errors
/// Those of [`load_code_batches`].
#[server(prefix = "/srv", endpoint = "codes/posters")]
pub async fn load_posters() -> Result<PostersView, AppError> {
    let staff = super::require_code_manager().await?;
    let state = crate::state::app_state()?;
    let base = server::base_note(&state);
    let sites = state.store.list_sites().await?;
    Ok(PostersView {
        header: staff.header(),
        sites: sites
            .into_iter()
            .map(|s| PosterSite { url: crate::domain::visit_code::survey_url(&base.base, &s.slug, None), slug: s.slug, name: s.name })
            .collect(),
        base,
    })
}

/// The poster of `site` (A3 when `a3`, else A4).
///
/// # Errors
/// [`AppError::NotFound`] for an unknown site, plus those of [`load_code_batches`].
#[server(prefix = "/srv", endpoint = "codes/poster")]
pub async fn load_poster(site: String, a3: bool) -> Result<PosterView, AppError> {
    let staff = super::require_code_manager().await?;
    let state = crate::state::app_state()?;
    let s = state.store.site_by_slug(&site).await?.ok_or(AppError::NotFound)?;
    let base = server::base_note(&state);
    let url = crate::domain::visit_code::survey_url(&base.base, &s.slug, None);
    Ok(PosterView {
        header: staff.header(),
        short_url: url.trim_start_matches("https://").trim_start_matches("http://").to_string(),
        qr: super::qr::qr_data_uri(&url)?,
        url,
        slug: s.slug,
        site_name: s.name,
        base,
        a3,
    })
}

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::state::AppState;
    use crate::store::CodeBatch;
    use crate::time::{french_date, paris_day};

    /// The base of the printed links for the current request.
    pub(super) fn base_note(state: &AppState) -> BaseNote {
        let parts = use_context::<http::request::Parts>();
        let (base, configured) = state.public_url.base(parts.as_ref());
        BaseNote { base, configured }
    }

    /// A stored batch as shown.
    pub(crate) fn batch_row(b: &CodeBatch) -> BatchRow {
        BatchRow {
            id: b.id,
            site_slug: b.site.slug.clone(),
            site_name: b.site.name.clone(),
            label: b.label.clone(),
            size: b.size,
            used: b.used,
            created_on: french_date(paris_day(b.created_at)),
            created_by: b.created_by.clone(),
        }
    }
}
