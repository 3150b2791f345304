//! Staff dashboards of the survey: respondents vs target per site with pace and expected date,
//! for each closed question the distribution, satisfied share with its 95 % interval, net
//! satisfaction and score out of 10, the comparison between sites, the monthly trend, the
//! complaint figures, the free-text remarks, and the exports (CSV, XLSX) of what is shown.

#[cfg(feature = "ssr")]
pub mod actions;
pub mod api;
pub mod charts;
#[cfg(feature = "ssr")]
pub mod download;
pub mod filters;
pub mod format;
pub mod page;
pub mod remarks;
pub mod report;
