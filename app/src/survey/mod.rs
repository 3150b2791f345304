//! The post-visit satisfaction survey: site choice, the form, the thank-you page, the public
//! results API.
//!
//! Submission works two ways, both ending in [`submit::submit_survey_form`]:
//! - JavaScript off (or not loaded yet): the `<form method="post">` posts to the page URL
//!   (`POST /enquete/{site}/reponses`, [`http::post_survey`]); success redirects (303) to the thank-you page,
//!   a validation error re-renders the page (422) with the answers kept and the errors listed.
//! - JavaScript on: the form is an island ([`page::SurveyFormIsland`], hydrated once the wasm
//!   has loaded); it calls the server function [`api::submit_survey`] and shows the errors or the
//!   thank-you message in place, without a page load.

pub mod api;
pub mod page;
pub mod published;

#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod results;
#[cfg(feature = "ssr")]
pub mod submit;
#[cfg(feature = "ssr")]
pub mod token;
