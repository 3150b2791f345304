//! `/accessibilite`: the accessibility statement (déclaration d'accessibilité) required by
//! article 47 of loi n° 2005-102 and décret n° 2019-768, and the status line of the footer.
//! The status comes from [`crate::domain::accessibility::CURRENT_AUDIT`].

use crate::domain::accessibility::{conformity, Conformity, CURRENT_AUDIT, STATEMENT_DATE};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

/// Day format of the statement (the same in the five languages: `30/11/2026`).
const DAY_FORMAT: &str = "%d/%m/%Y";

/// The footer's mandatory mention ("Accessibilité : non conforme"), linking to the statement.
#[component]
pub fn FooterAccessibilityLink() -> impl IntoView {
    let i18n = use_i18n();
    let text = move || match conformity(CURRENT_AUDIT) {
        Conformity::None => t_string!(i18n, accessibility.footer_none).to_string(),
        Conformity::Partial(_) => t_string!(i18n, accessibility.footer_partial).to_string(),
        Conformity::Full(_) => t_string!(i18n, accessibility.footer_full).to_string(),
    };
    view! { <a class="fr-footer__bottom-link" href="/accessibilite">{text}</a> }
}

/// `/accessibilite`: status, what is tested, non-accessible content, how to report a problem,
/// recourse to the Défenseur des droits.
#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let i18n = use_i18n();
    let status = move || match conformity(CURRENT_AUDIT) {
        Conformity::None => t_string!(i18n, accessibility.status_none).to_string(),
        Conformity::Partial(a) => {
            t_string!(i18n, accessibility.status_partial, rate = a.rate_percent, date = a.date.format(DAY_FORMAT).to_string()).to_string()
        }
        Conformity::Full(a) => t_string!(i18n, accessibility.status_full, date = a.date.format(DAY_FORMAT).to_string()).to_string(),
    };
    let established = move || t_string!(i18n, accessibility.established, date = STATEMENT_DATE.format(DAY_FORMAT).to_string()).to_string();
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, accessibility.page_title).to_string()) />
        <div class="notice-text">
            <h1>{t!(i18n, accessibility.title)}</h1>
            <p>{t!(i18n, accessibility.commitment)}</p>
            <p>{t!(i18n, accessibility.scope)}</p>
            <h2>{t!(i18n, accessibility.status_title)}</h2>
            <p><strong>{status}</strong></p>
            <h2>{t!(i18n, accessibility.checks_title)}</h2>
            <p>{t!(i18n, accessibility.checks_text)}</p>
            <ul>
                <li>{t!(i18n, accessibility.check_axe)}</li>
                <li>{t!(i18n, accessibility.check_keyboard)}</li>
                <li>{t!(i18n, accessibility.check_nojs)}</li>
                <li>{t!(i18n, accessibility.check_zoom)}</li>
            </ul>
            <p>{t!(i18n, accessibility.checks_limit)}</p>
            <h2>{t!(i18n, accessibility.non_accessible_title)}</h2>
            <p>{t!(i18n, accessibility.non_accessible_text)}</p>
            <p>{t!(i18n, accessibility.other_ways)}</p>
            <h2>{t!(i18n, accessibility.established_title)}</h2>
            <p>{established}</p>
            <p>{t!(i18n, accessibility.technologies)}</p>
            <p>{t!(i18n, accessibility.environment)}</p>
            <h2>{t!(i18n, accessibility.feedback_title)}</h2>
            <p>{t!(i18n, accessibility.feedback_text)}</p>
            <ul>
                <li>
                    <a class="fr-link" href="/reclamation">{t!(i18n, accessibility.feedback_form)}</a>
                </li>
                <li>{t!(i18n, accessibility.feedback_desk)}</li>
            </ul>
            <p>{t!(i18n, accessibility.feedback_promise)}</p>
            <h2>{t!(i18n, accessibility.recourse_title)}</h2>
            <p>{t!(i18n, accessibility.recourse_intro)}</p>
            <ul>
                <li>{t!(i18n, accessibility.recourse_online)}</li>
                <li>{t!(i18n, accessibility.recourse_delegate)}</li>
                <li>{t!(i18n, accessibility.recourse_mail)}</li>
            </ul>
        </div>
    }
}
