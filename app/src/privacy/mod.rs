//! Personal-data protection (GDPR): the public privacy and legal notices, the quality staff's
//! person search with export and erasure (art. 15 and 17), and the retention job that erases the
//! personal data of complaints closed longer ago than `RETENTION_MONTHS` (art. 5(1)(e)). The
//! pure rules (date maths, matching) are in [`crate::domain::personal_data`].

pub mod api;
pub mod page;

#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod retention;
#[cfg(feature = "ssr")]
pub mod search;
