//! `/admin`: the survey dashboard.

use super::api::{load_dashboard, SiteDashboard};
use crate::components::{ErrorNotice, Loading};
use crate::domain::stats::QuestionStats;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

/// The dashboard; sends visitors who are not logged in to the login page.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| load_dashboard());
    view! {
        <Title text=move || t_string!(i18n, dashboard.page_title).to_string() />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! {
                        <crate::complaints::staff::page::StaffNav header=d.header.clone() />
                        <h1>{t!(i18n, dashboard.title)}</h1>
                        {match d.campaign {
                            Some(c) => view! {
                                <p class="fr-text--lead">
                                    {t!(i18n, dashboard.campaign, name = { let v = c.name.clone(); move || v.clone() }, start = { let v = c.starts_on.clone(); move || v.clone() }, end = { let v = c.ends_on.clone(); move || v.clone() })}
                                    {c.is_demo.then(|| view! { " " <span class="demo-badge">{t!(i18n, dashboard.demo)}</span> })}
                                </p>
                            }.into_any(),
                            None => view! { <p>{t!(i18n, dashboard.no_campaign)}</p> }.into_any(),
                        }}
                        <p class="fr-text--sm">{t!(i18n, dashboard.no_opinion_note)}</p>
                        {d.sites.into_iter().map(|s| view! { <SiteBlock site=s /> }).collect_view()}
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One site: respondents vs target with a progress bar, then each closed question.
#[component]
fn SiteBlock(site: SiteDashboard) -> impl IntoView {
    let i18n = use_i18n();
    let (respondents, target) = (site.respondents, site.target);
    let heading_id = format!("site-{}", site.slug);
    view! {
        <section class="site-block fr-mb-6w" aria-labelledby=heading_id.clone() data-site=site.slug.clone()>
            <h2 id=heading_id.clone()>{site.name.clone()}</h2>
            <p class="respondents">
                <strong>{t!(i18n, dashboard.respondents, count = move || respondents, target = move || target)}</strong>
                {site.target_met.then(|| view! { " " <span class="target-met">{t!(i18n, dashboard.target_met)}</span> })}
            </p>
            <progress class="target-progress" max=site.target.to_string() value=site.respondents.min(site.target).to_string() aria-label=move || t_string!(i18n, dashboard.progress_label).to_string()>
                {format!("{} %", site.progress)}
            </progress>
            {site.questions.into_iter().map(|q| view! { <QuestionBlock question=q site=site.slug.clone() /> }).collect_view()}
        </section>
    }
}

fn pct(x: f64) -> String {
    format!("{:.0}", x * 100.0)
}

/// A closed question's distribution as a table (readable by screen readers and in print).
#[component]
fn QuestionBlock(question: QuestionStats, site: String) -> impl IntoView {
    let i18n = use_i18n();
    let caption_id = format!("{site}-{}", question.key);
    let no_answer = question.answered == 0 && question.rows.iter().all(|r| r.count == 0);
    view! {
        <div class="question-block fr-mb-3w">
            <h3 class="fr-h6" id=caption_id.clone()>{question.label.clone()}</h3>
            {if no_answer {
                view! { <p class="no-answer">{t!(i18n, dashboard.no_answer)}</p> }.into_any()
            } else {
                view! {
                    <table class="stats-table" aria-labelledby=caption_id>
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, dashboard.answer)}</th>
                                <th scope="col" class="num">{t!(i18n, dashboard.count)}</th>
                                <th scope="col" class="num">{t!(i18n, dashboard.share)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {question.rows.iter().map(|r| view! {
                                <tr>
                                    <th scope="row">{r.label.clone()}</th>
                                    <td class="num">{r.count}</td>
                                    <td class="num">{r.percent.map(|p| format!("{p} %")).unwrap_or_else(|| "–".to_string())}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    {question.satisfied.map(|s| {
                        let (share, low, high, margin, n) = (pct(s.share), pct(s.interval.low), pct(s.interval.high), format!("{:.0}", s.margin_points()), s.n);
                        view! {
                            <p class="satisfied">
                                {t!(i18n, dashboard.satisfied, share = move || share.clone(), low = move || low.clone(), high = move || high.clone(), margin = move || margin.clone(), n = move || n)}
                            </p>
                        }
                    })}
                }.into_any()
            }}
        </div>
    }
}
