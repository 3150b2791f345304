//! Import of paper questionnaires (`/admin/import`): quality staff upload a CSV typed from paper
//! forms; every row is checked ([`crate::domain::paper_import`]) and the file is imported whole
//! (channel `papier`, one transaction) or refused with a report of each bad row and column.

pub mod page;
#[cfg(feature = "ssr")]
pub mod http;
