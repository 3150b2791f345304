//! Visit codes and their batches (issue 6; rules in [`crate::domain::visit_code`]).
//! Part of [`super::Store`] (a supertrait), so every backend implements it.
//!
//! Marking a code used happens inside [`super::Store::insert_response`], in the transaction that
//! stores the response, never here.

use super::{ResponseFilter, Site, SiteScope, StoreError};
use crate::domain::visit_code::{CodeState, VisitCode};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

/// A batch of codes to create.
#[derive(Clone, Debug)]
pub struct NewCodeBatch {
    /// Site the codes are for.
    pub site_id: i64,
    /// Staff label ("Guichet titres de séjour, mars"), at most
    /// [`crate::domain::visit_code::LABEL_MAX_CHARS`] characters.
    pub label: String,
    /// Number of codes, 1 to [`crate::domain::visit_code::BATCH_MAX`].
    pub size: u32,
    /// Staff member who creates it.
    pub created_by: i64,
    /// When (UTC).
    pub created_at: DateTime<Utc>,
    /// Nonce of the form's one-time token (a double submit creates one batch).
    pub token_nonce: String,
}

/// Result of [`VisitCodeStore::create_code_batch`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeBatchOutcome {
    /// Created with this id, with all its codes.
    Created(i64),
    /// The form token was already used (double submit): nothing created.
    TokenUsed,
}

/// A stored batch.
#[derive(Clone, Debug, PartialEq)]
pub struct CodeBatch {
    /// Id.
    pub id: i64,
    /// Its site.
    pub site: Site,
    /// Staff label.
    pub label: String,
    /// Number of codes.
    pub size: u64,
    /// How many are used.
    pub used: u64,
    /// When it was created (UTC).
    pub created_at: DateTime<Utc>,
    /// Who created it (display name).
    pub created_by: String,
}

/// A row of the backends' `BATCH_SELECT`: the batch, its site (`id`, `slug`, `name`, `kind`) and
/// the creator's display name.
#[derive(sqlx::FromRow)]
pub(crate) struct BatchDbRow {
    batch_id: i64,
    label: String,
    size: i64,
    used: i64,
    created_at: DateTime<Utc>,
    display_name: String,
    id: i64,
    slug: String,
    name: String,
    kind: String,
}

impl From<BatchDbRow> for CodeBatch {
    fn from(r: BatchDbRow) -> Self {
        CodeBatch {
            id: r.batch_id,
            site: Site { id: r.id, slug: r.slug, name: r.name, kind: r.kind },
            label: r.label,
            size: r.size.max(0) as u64,
            used: r.used.max(0) as u64,
            created_at: r.created_at,
            created_by: r.display_name,
        }
    }
}

/// One code of a batch.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchCode {
    /// The code.
    pub code: VisitCode,
    /// Europe/Paris day it was used, if it was.
    pub used_on: Option<NaiveDate>,
}

/// Responses with a valid visit code among all responses of a filter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VisitCodeShare {
    /// Responses sent with a valid code.
    pub coded: u64,
    /// All responses.
    pub total: u64,
}

/// Storage of visit codes.
#[async_trait]
pub trait VisitCodeStore {
    /// Creates a batch and its `size` codes in one transaction, consuming the token nonce in it.
    /// Codes come from `next_code` (random); one that already exists is drawn again (at most 100
    /// times in a row, then [`StoreError::Conflict`]).
    async fn create_code_batch(&self, batch: &NewCodeBatch, next_code: &mut (dyn FnMut() -> VisitCode + Send)) -> Result<CodeBatchOutcome, StoreError>;

    /// Batches of the sites in `scope`, newest first, with how many codes are used.
    async fn list_code_batches(&self, scope: &SiteScope) -> Result<Vec<CodeBatch>, StoreError>;

    /// Batch `id` if its site is in `scope`.
    async fn code_batch(&self, id: i64, scope: &SiteScope) -> Result<Option<CodeBatch>, StoreError>;

    /// The codes of batch `id`, in creation order.
    async fn batch_codes(&self, id: i64) -> Result<Vec<BatchCode>, StoreError>;

    /// What `code` is for the survey of site `site_id`: unused, used, or not a code of that site.
    async fn visit_code_state(&self, site_id: i64, code: &VisitCode) -> Result<CodeState, StoreError>;

    /// Responses with a valid code among the responses matching `filter` (from the aggregates).
    async fn visit_code_share(&self, filter: &ResponseFilter) -> Result<VisitCodeShare, StoreError>;
}
