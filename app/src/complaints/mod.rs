//! The complaint and suggestion box: the public form (`/reclamation`), the confirmation with the
//! reference, the visitor's follow-up (`/suivi`), and the staff side (`staff/`: list, detail with
//! history and deadlines, entry of letters / e-mails / paper slips, replies from templates,
//! printable letters, templates, outbox).
//!
//! Every form is a plain `<form method="post">` (works with JavaScript off); the handlers in
//! `http.rs` answer with a 303 on success or the page again (422) with what was typed.

pub mod api;
pub mod labels;
pub mod page;
pub mod staff;

#[cfg(feature = "ssr")]
pub mod filing;
#[cfg(feature = "ssr")]
pub mod http;
