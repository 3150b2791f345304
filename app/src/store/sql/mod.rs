//! The SQL of the stores, written once for both engines.
//!
//! Each submodule holds one storage trait's implementation as a `macro_rules!` macro (e.g.
//! [`tablets::impl_tablet_store`]) that expands `impl TabletStore for $store`;
//! [`impl_storage_traits`] invokes them all, once for [`super::sqlite::SqliteStore`] and once for
//! [`super::postgres::PgStore`] (in their `mod.rs`).
//! A macro rather than a function generic over `sqlx::Database`: every expansion works on
//! concrete pool, connection and row types, so no long `where` clauses and no higher-ranked
//! lifetime errors in the `Send` futures of `async_trait`.
//!
//! One SQL text serves both engines: `$1, $2, …` placeholders (which sqlx's SQLite driver accepts
//! too; `QueryBuilder::push_bind` writes each engine's own), `TRUE`/`FALSE`, `CAST(… AS BIGINT)`.
//! What truly differs between the engines comes from the [`Dialect`] of the store type (both
//! implementations side by side in `dialect.rs`).

pub mod accounts;
pub mod audit;
pub mod complaints;
mod dialect;
pub mod personal_data;
pub mod questionnaires;
pub mod reporting;
pub mod store;
pub mod tablets;
pub mod visit_codes;

pub use dialect::{Conn, DbRow, Dialect};

use super::SiteScope;
use sqlx::{Database, QueryBuilder};

/// Adds `AND <column> IN (…)` for a restricted scope (an empty scope matches nothing: `AND
/// FALSE`); nothing for [`SiteScope::All`]. Ids are bound.
pub fn push_site_scope<'a, DB: Database>(q: &mut QueryBuilder<'a, DB>, column: &str, scope: &SiteScope)
where
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    if let SiteScope::Sites(ids) = scope {
        if ids.is_empty() {
            q.push(" AND FALSE");
        } else {
            q.push(" AND ").push(column).push(" IN (");
            let mut list = q.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            q.push(")");
        }
    }
}

/// The `outbox` columns `OutboxRow` reads, in a `SELECT` list.
pub const OUTBOX_COLUMNS: &str = "id, to_address, subject, body, complaint_id, state, attempts, next_attempt_at, last_error, created_at, sent_at, erased_at";

/// Appends `(…)` with `values` bound (`(NULL)` when empty, which matches nothing), for `IN`.
pub fn push_list<'a, DB: Database, T>(q: &mut QueryBuilder<'a, DB>, values: &[T])
where
    T: 'a + sqlx::Encode<'a, DB> + sqlx::Type<DB> + Send + Clone,
{
    if values.is_empty() {
        q.push("(NULL)");
        return;
    }
    q.push("(");
    let mut list = q.separated(", ");
    for v in values {
        list.push_bind(v.clone());
    }
    q.push(")");
}


/// Adds the conditions of `f` on the columns of table alias `alias` (a `responses` row or an
/// aggregate row: `site_id`, `campaign_id`, `day`, `channel`, `language`, `procedure`,
/// `appointment`), each as `AND …` with its value bound.
pub fn push_response_filter<'a, DB: Database>(q: &mut QueryBuilder<'a, DB>, alias: &str, f: &super::ResponseFilter)
where
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    chrono::NaiveDate: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    push_site_scope(q, &format!("{alias}.site_id"), &f.sites);
    if let Some(id) = f.campaign_id {
        q.push(format!(" AND {alias}.campaign_id = ")).push_bind(id);
    }
    if let Some(from) = f.from {
        q.push(format!(" AND {alias}.day >= ")).push_bind(from);
    }
    if let Some(to) = f.to {
        q.push(format!(" AND {alias}.day <= ")).push_bind(to);
    }
    if let Some(channel) = f.channel {
        q.push(format!(" AND {alias}.channel = ")).push_bind(channel.as_str());
    }
    if let Some(language) = &f.language {
        q.push(format!(" AND {alias}.language = ")).push_bind(language.clone());
    }
    if let Some(procedure) = &f.procedure {
        q.push(format!(" AND {alias}.procedure = ")).push_bind(procedure.clone());
    }
    if let Some(appointment) = &f.appointment {
        q.push(format!(" AND {alias}.appointment = ")).push_bind(appointment.clone());
    }
}

/// Implements [`Store`](super::Store) and every storage trait it requires for the store type
/// `$store` (a type with a `pool()`, a [`Dialect`] and the engine-specific functions listed on
/// [`store::impl_store`] and [`reporting::impl_reporting_store`]).
macro_rules! impl_storage_traits {
    ($store:ty) => {
        $crate::store::sql::store::impl_store!($store);
        $crate::store::sql::tablets::impl_tablet_store!($store);
        $crate::store::sql::visit_codes::impl_visit_code_store!($store);
        $crate::store::sql::questionnaires::impl_questionnaire_store!($store);
        $crate::store::sql::accounts::impl_account_store!($store);
        $crate::store::sql::audit::impl_audit_store!($store);
        $crate::store::sql::complaints::impl_complaint_store!($store);
        $crate::store::sql::personal_data::impl_personal_data_store!($store);
        $crate::store::sql::reporting::impl_reporting_store!($store);
    };
}
pub(crate) use impl_storage_traits;
