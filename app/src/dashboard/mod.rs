//! Staff dashboard of the survey: respondents vs target per site, and for each closed question the
//! distribution, the satisfied share and its 95 % interval.

pub mod api;
pub mod page;
