//! The staff side of the complaint box: the list with filters, a complaint's page (deadlines,
//! history, status changes, the reply from a template, e-mails), the entry of complaints
//! received by letter, e-mail or paper slip, the printable letter, the reply templates and the
//! outbox. Site scope and roles are enforced on the server (`access.rs`).

pub mod api;
pub mod page;
pub mod templates;

#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod load;
