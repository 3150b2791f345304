//! Staff login: a plain `<form method="post">` to `/admin/connexion` (works with JavaScript off),
//! argon2id password hashes, the session kept in the database by tower-sessions.

pub mod api;
pub mod page;

#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod session;
