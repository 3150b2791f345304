//! Staff login: a plain `<form method="post">` to `/admin/connexion` (works with JavaScript off),
//! argon2id password hashes, the session kept in the database by tower-sessions, failed logins
//! throttled per account and per client address (`throttle`, policy in `domain::throttle`).

pub mod api;
pub mod page;

#[cfg(feature = "ssr")]
pub mod client;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod throttle;
