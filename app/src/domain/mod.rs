//! Pure domain code: types, validation and statistics. No I/O here, so everything is unit-tested
//! directly and compiled into both the server and the browser bundle.

pub mod accessibility;
pub mod account;
pub mod audit;
pub mod calendar;
pub mod complaint;
pub mod deadline;
pub mod indicators;
pub mod kiosk;
pub mod paper_import;
pub mod personal_data;
pub mod questionnaire;
pub mod questionnaire_edit;
pub mod reference;
pub mod search;
pub mod stats;
pub mod survey_form;
pub mod template;
pub mod throttle;
pub mod visit_code;
