//! `/admin`: the survey dashboard (filters, target progress, indicators per question, site
//! comparison, monthly trend, complaint figures) and `/admin/remarques` (free-text remarks).

use super::api::{load_dashboard, Choice, ComplaintBlock, Dashboard, FilterForm, MonthPoint, SiteProgress, VisitCodeShareView};
use super::charts::{DistributionBar, IntervalChart, MonthBars};
use super::filters::FilterParams;
use super::format::{french_day, one_decimal, pct, share_text, signed_points};
use crate::complaints::labels;
use crate::complaints::staff::page::{filter_select, StaffNav};
use crate::components::{ErrorNotice, Loading};
use crate::domain::complaint::{ComplaintChannel, ComplaintKind, ComplaintStatus, Procedure};
use crate::domain::stats::{QuestionStats, ShareEstimate};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The filter parameters of the current URL.
pub(crate) fn query_params() -> Memo<FilterParams> {
    let query = use_query_map();
    Memo::new(move |_| {
        let q = query.read();
        let names = ["campagne", "du", "au", "site", "canal", "langue", "demarche", "rdv", "q", "page"];
        let pairs: Vec<(&str, String)> = names.iter().filter_map(|n| q.get(n).map(|v| (*n, v))).collect();
        FilterParams::from_pairs(pairs.iter().map(|(n, v)| (*n, v.as_str())))
    })
}

/// The dashboard; sends visitors who are not logged in to the login page.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = query_params();
    let data = Resource::new(move || params.get(), load_dashboard);
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, dashboard.page_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <DashboardView d /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DashboardView(d: Dashboard) -> impl IntoView {
    let i18n = use_i18n();
    let query = d.form.query.clone();
    let export = move |what: &str, format: &str| {
        let sep = if query.is_empty() { "" } else { "&" };
        format!("/admin/export/{what}?{query}{sep}format={format}")
    };
    let remarks_href = format!("/admin/remarques{}", if d.form.query.is_empty() { String::new() } else { format!("?{}", d.form.query) });
    let scope_label = d.scope_label.clone();
    view! {
        <StaffNav header=d.header.clone() />
        <h1>{t!(i18n, dashboard.title)}</h1>
        <p class="fr-text--lead">
            {match &d.campaign {
                Some(c) => format!("{} – {}", c.name, d.period_label),
                None => format!("{} – {}", t_string!(i18n, dashboard.all_campaigns), d.period_label),
            }}
            " · " {d.scope_label.clone()}
            {d.campaign.as_ref().filter(|c| c.is_demo).map(|_| view! { " " <span class="demo-badge">{t!(i18n, dashboard.demo)}</span> })}
        </p>
        {(!d.has_campaigns).then(|| view! { <p>{t!(i18n, dashboard.no_campaign)}</p> })}
        <FilterFormView form=d.form.clone() action="/admin" with_search=false />
        <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--sm export-links">
            <li><a class="fr-btn fr-btn--secondary" rel="external" download="" href=export("reponses", "csv")>{t!(i18n, dashboard.export_csv)}</a></li>
            <li><a class="fr-btn fr-btn--secondary" rel="external" download="" href=export("reponses", "rfc4180")>{t!(i18n, dashboard.export_csv_rfc)}</a></li>
            <li><a class="fr-btn fr-btn--secondary" rel="external" download="" href=export("reponses", "xlsx")>{t!(i18n, dashboard.export_xlsx)}</a></li>
            <li><a class="fr-btn fr-btn--tertiary" href=remarks_href>{t!(i18n, dashboard.remarks_link)}</a></li>
        </ul>
        <ProgressTable rows=d.progress.clone() />
        <VisitCodeShare share=d.visit_codes.clone() />
        <section class="fr-mb-6w" aria-labelledby="results-title">
            <h2 id="results-title">{t!(i18n, dashboard.results_title)} " – " {scope_label}</h2>
            <p class="fr-text--sm">{t!(i18n, dashboard.no_opinion_note)}</p>
            {d.questions.into_iter().map(|q| view! { <QuestionBlock question=q /> }).collect_view()}
        </section>
        {(!d.comparison.is_empty()).then(|| view! { <ComparisonSection comparison=d.comparison.clone() /> })}
        <TrendSection trend=d.trend.clone() />
        <ComplaintSection block=d.complaints.clone() export_href=export("reclamations", "csv") export_xlsx=export("reclamations", "xlsx") />
    }
}

/// "Réponses avec un code de visite : 42 % (63 sur 150)" for the filters shown ("—" without
/// responses).
#[component]
fn VisitCodeShare(share: VisitCodeShareView) -> impl IntoView {
    let i18n = use_i18n();
    let (coded, total) = (share.coded, share.total);
    view! {
        <section class="fr-mb-6w" aria-labelledby="visit-codes-title">
            <h2 id="visit-codes-title" class="fr-h5">{t!(i18n, dashboard.visit_code_title)}</h2>
            <p class="visit-code-share">
                {match share.percent {
                    Some(percent) => t!(i18n, dashboard.visit_code_share, percent = move || percent, coded = move || coded, total = move || total).into_any(),
                    None => t!(i18n, dashboard.visit_code_share_none).into_any(),
                }}
            </p>
        </section>
    }
}

/// The GET filter form shared by the dashboard and the remark list.
#[component]
pub(crate) fn FilterFormView(form: FilterForm, action: &'static str, with_search: bool) -> impl IntoView {
    let i18n = use_i18n();
    let all = t_string!(i18n, staff.filter_all).to_string();
    let pairs = |c: &[Choice]| c.iter().map(|c| (c.value.clone(), c.label.clone())).collect::<Vec<_>>();
    let p = form.params.clone();
    view! {
        {(!form.problems.is_empty()).then(|| view! {
            <div class="fr-alert fr-alert--warning fr-mb-3w" role="alert">
                <h2 class="fr-alert__title">{t!(i18n, dashboard.filter_problems)}</h2>
                <ul>{form.problems.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}</ul>
            </div>
        })}
        <form method="get" action=action class="filters fr-mb-3w" aria-label=move || t_string!(i18n, dashboard.filters_label).to_string()>
            <div class="filters-grid">
                <div class="fr-select-group">
                    <label class="fr-label" for="filtre-campagne">{t!(i18n, dashboard.filter_campaign)}</label>
                    <select class="fr-select" id="filtre-campagne" name="campagne">
                        {form.campaigns.iter().map(|c| {
                            let selected = c.value == form.campaign;
                            view! { <option value=c.value.clone() selected=selected>{c.label.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="fr-input-group">
                    <label class="fr-label" for="filtre-du">{t!(i18n, dashboard.filter_from)}<span class="fr-hint-text">{t!(i18n, dashboard.filter_date_hint)}</span></label>
                    <input class="fr-input" type="date" id="filtre-du" name="du" value=if p.du.is_empty() { form.from.clone() } else { p.du.clone() } />
                </div>
                <div class="fr-input-group">
                    <label class="fr-label" for="filtre-au">{t!(i18n, dashboard.filter_to)}<span class="fr-hint-text">{t!(i18n, dashboard.filter_date_hint)}</span></label>
                    <input class="fr-input" type="date" id="filtre-au" name="au" value=if p.au.is_empty() { form.to.clone() } else { p.au.clone() } />
                </div>
                {filter_select("site", t_string!(i18n, dashboard.filter_site).to_string(), pairs(&form.sites), p.site.clone(), t_string!(i18n, dashboard.all_sites).to_string())}
                {filter_select("canal", t_string!(i18n, dashboard.filter_channel).to_string(), pairs(&form.channels), p.canal.clone(), all.clone())}
                {filter_select("langue", t_string!(i18n, dashboard.filter_language).to_string(), pairs(&form.languages), p.langue.clone(), all.clone())}
                {(!form.procedures.is_empty()).then(|| filter_select("demarche", t_string!(i18n, dashboard.filter_procedure).to_string(), pairs(&form.procedures), p.demarche.clone(), all.clone()))}
                {(!form.appointments.is_empty()).then(|| filter_select("rdv", t_string!(i18n, dashboard.filter_appointment).to_string(), pairs(&form.appointments), p.rdv.clone(), all.clone()))}
                {with_search.then(|| view! {
                    <div class="fr-input-group">
                        <label class="fr-label" for="filtre-q">{t!(i18n, dashboard.filter_search)}</label>
                        <input class="fr-input" type="search" id="filtre-q" name="q" value=p.q.clone() maxlength="200" />
                    </div>
                })}
            </div>
            <button type="submit" class="fr-btn fr-btn--sm">{t!(i18n, staff.filter_apply)}</button>
            " "
            <a class="fr-link fr-ml-2w" href=action>{t!(i18n, staff.filter_reset)}</a>
        </form>
    }
}

/// Respondents against the target, pace and expected date, per site and all together.
#[component]
fn ProgressTable(rows: Vec<SiteProgress>) -> impl IntoView {
    let i18n = use_i18n();
    let has_target = rows.iter().any(|r| r.has_target);
    view! {
        <section class="fr-mb-6w" aria-labelledby="progress-title">
            <h2 id="progress-title">{t!(i18n, dashboard.progress_title)}</h2>
            <div class="table-scroll">
                <table class="stats-table progress-table">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, dashboard.col_site)}</th>
                            <th scope="col" class="num">{t!(i18n, dashboard.col_respondents)}</th>
                            {has_target.then(|| view! {
                                <th scope="col" class="num">{t!(i18n, dashboard.col_target)}</th>
                                <th scope="col">{t!(i18n, dashboard.col_progress)}</th>
                            })}
                            <th scope="col" class="num">{t!(i18n, dashboard.col_pace)}</th>
                            {has_target.then(|| view! { <th scope="col">{t!(i18n, dashboard.col_expected)}</th> })}
                        </tr>
                    </thead>
                    <tbody>
                        {rows.into_iter().map(|r| {
                            let p = r.progress.clone();
                            let expected = match (p.reached_on, p.projected_on, p.reachable_in_period) {
                                (Some(d), _, _) => format!("{} {}", t_string!(i18n, dashboard.reached_on), french_day(d)),
                                (None, Some(d), Some(true)) => format!("{} {}", t_string!(i18n, dashboard.expected_on), french_day(d)),
                                (None, Some(d), _) => format!("{} {} ({})", t_string!(i18n, dashboard.expected_on), french_day(d), t_string!(i18n, dashboard.after_end)),
                                (None, None, Some(false)) => t_string!(i18n, dashboard.not_reached).to_string(),
                                _ => "–".to_string(),
                            };
                            view! {
                                <tr data-site=r.slug.clone() class:total-row=r.slug.is_empty()>
                                    <th scope="row">{r.name.clone()}</th>
                                    <td class="num respondents">{p.respondents}</td>
                                    {r.has_target.then(|| view! {
                                        <td class="num">{p.target}</td>
                                        <td>
                                            <progress class="target-progress" max=p.target.max(1).to_string() value=p.respondents.min(p.target).to_string()
                                                aria-label=format!("{} : {} %", r.name, p.percent)>{format!("{} %", p.percent)}</progress>
                                            " " {format!("{} %", p.percent)}
                                            {(p.target > 0 && p.respondents >= p.target).then(|| view! { " " <span class="target-met">{t!(i18n, dashboard.target_met)}</span> })}
                                        </td>
                                    })}
                                    <td class="num">{one_decimal(p.per_day)}</td>
                                    {r.has_target.then(|| view! { <td>{expected}</td> })}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="fr-text--xs">{t!(i18n, dashboard.pace_note)}</p>
        </section>
    }
}

/// A closed question: distribution chart and table, then the indicators.
#[component]
fn QuestionBlock(question: QuestionStats) -> impl IntoView {
    let i18n = use_i18n();
    let caption_id = format!("q-{}", question.key);
    let no_answer = question.rows.iter().all(|r| r.count == 0);
    view! {
        <div class="question-block fr-mb-4w" data-question=question.key.clone()>
            <h3 class="fr-h6" id=caption_id.clone()>{question.label.clone()}</h3>
            {if no_answer {
                view! { <p class="no-answer">{t!(i18n, dashboard.no_answer)}</p> }.into_any()
            } else {
                view! {
                    {(question.answered > 0).then(|| view! { <DistributionBar rows=question.rows.clone() title=question.label.clone() /> })}
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
                    <Indicators question=question.clone() />
                }.into_any()
            }}
        </div>
    }
}

/// Satisfied share with interval and margin, net satisfaction and score out of 10.
#[component]
fn Indicators(question: QuestionStats) -> impl IntoView {
    let i18n = use_i18n();
    question.satisfied.map(|s| {
        let (share, low, high, margin, n) = (pct(s.share), pct(s.interval.low), pct(s.interval.high), format!("{:.0}", s.margin_points()), s.n);
        let net = signed_points(question.net_points);
        let score = one_decimal(question.score10);
        let band = question.band.map(|b| b.as_str()).unwrap_or("");
        view! {
            <ul class="indicators">
                <li class="satisfied">
                    {t!(i18n, dashboard.satisfied, share = move || share.clone(), low = move || low.clone(), high = move || high.clone(), margin = move || margin.clone(), n = move || n)}
                </li>
                <li class="net">{t!(i18n, dashboard.net, net = move || net.clone())}</li>
                <li class="score">{t!(i18n, dashboard.score, score = move || score.clone(), band = move || band)}</li>
            </ul>
        }
    })
}

/// Questions measuring satisfaction, site by site.
#[component]
fn ComparisonSection(comparison: Vec<super::api::Comparison>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="fr-mb-6w" aria-labelledby="comparison-title">
            <h2 id="comparison-title">{t!(i18n, dashboard.comparison_title)}</h2>
            <p class="fr-text--sm">{t!(i18n, dashboard.comparison_note)}</p>
            {comparison.into_iter().map(|c| {
                let id = format!("cmp-{}", c.key);
                let items: Vec<(String, Option<ShareEstimate>)> = c.sites.iter().map(|(name, s)| (name.clone(), s.satisfied)).collect();
                view! {
                    <div class="comparison-block fr-mb-4w" data-question=c.key.clone()>
                        <h3 class="fr-h6" id=id.clone()>{c.label.clone()}</h3>
                        <IntervalChart items title=c.label.clone() />
                        <table class="stats-table" aria-labelledby=id>
                            <thead>
                                <tr>
                                    <th scope="col">{t!(i18n, dashboard.col_site)}</th>
                                    <th scope="col" class="num">{t!(i18n, dashboard.col_answers)}</th>
                                    <th scope="col" class="num">{t!(i18n, dashboard.col_satisfied)}</th>
                                    <th scope="col" class="num">{t!(i18n, dashboard.col_net)}</th>
                                    <th scope="col" class="num">{t!(i18n, dashboard.col_score)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {c.sites.into_iter().map(|(name, s)| view! {
                                    <tr>
                                        <th scope="row">{name}</th>
                                        <td class="num">{s.answered}</td>
                                        <td class="num">{share_text(&s.satisfied)}</td>
                                        <td class="num">{signed_points(s.net_points)}</td>
                                        <td class="num">{one_decimal(s.score10)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
            }).collect_view()}
        </section>
    }
}

/// Overall satisfaction and respondents month by month.
#[component]
fn TrendSection(trend: Vec<MonthPoint>) -> impl IntoView {
    let i18n = use_i18n();
    if trend.is_empty() {
        return None;
    }
    let satisfaction: Vec<(String, Option<ShareEstimate>)> = trend.iter().map(|m| (m.label.clone(), m.satisfied)).collect();
    let respondents: Vec<(String, u64)> = trend.iter().map(|m| (m.short_label.clone(), m.respondents)).collect();
    Some(view! {
        <section class="fr-mb-6w" aria-labelledby="trend-title">
            <h2 id="trend-title">{t!(i18n, dashboard.trend_title)}</h2>
            <IntervalChart items=satisfaction title=t_string!(i18n, dashboard.trend_satisfaction).to_string() />
            <MonthBars items=respondents title=t_string!(i18n, dashboard.trend_respondents).to_string() />
            <div class="table-scroll">
                <table class="stats-table">
                    <caption>{t!(i18n, dashboard.trend_table)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, dashboard.col_month)}</th>
                            <th scope="col" class="num">{t!(i18n, dashboard.col_respondents)}</th>
                            <th scope="col" class="num">{t!(i18n, dashboard.col_satisfied)}</th>
                            <th scope="col" class="num">{t!(i18n, dashboard.col_net)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {trend.into_iter().map(|m| view! {
                            <tr>
                                <th scope="row">{m.label}</th>
                                <td class="num">{m.respondents}</td>
                                <td class="num">{share_text(&m.satisfied)}</td>
                                <td class="num">{signed_points(m.net_points)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    })
}

/// A small two-column count table.
fn count_table(caption: String, rows: Vec<(String, u64)>) -> impl IntoView {
    view! {
        <table class="stats-table count-table">
            <caption>{caption}</caption>
            <tbody>
                {rows.into_iter().map(|(label, n)| view! { <tr><th scope="row">{label}</th><td class="num">{n}</td></tr> }).collect_view()}
            </tbody>
        </table>
    }
}

/// Complaint figures: counts, deadlines kept, reply delays.
#[component]
fn ComplaintSection(block: ComplaintBlock, export_href: String, export_xlsx: String) -> impl IntoView {
    let i18n = use_i18n();
    let ind = block.indicators.clone();
    let label_of = |values: &[(String, u64)], f: &dyn Fn(&str) -> Option<String>| -> Vec<(String, u64)> {
        values.iter().map(|(v, n)| (f(v).unwrap_or_else(|| v.clone()), *n)).collect()
    };
    let by_site: Vec<(String, u64)> = ind
        .by_site
        .iter()
        .map(|(id, n)| (block.site_names.iter().find(|(i, _)| i == id).map(|(_, name)| name.clone()).unwrap_or_else(|| id.to_string()), *n))
        .collect();
    let by_kind = label_of(&ind.by_kind, &|v| ComplaintKind::parse(v).map(|k| labels::kind(i18n, k)));
    let by_channel = label_of(&ind.by_channel, &|v| ComplaintChannel::parse(v).map(|c| labels::channel(i18n, c)));
    let by_procedure = label_of(&ind.by_procedure, &|v| Procedure::parse(v).map(|p| labels::procedure(i18n, p)));
    let by_status = label_of(&ind.by_status, &|v| ComplaintStatus::parse(v).map(|s| labels::status(i18n, s)));
    let (median, p90, total, replied, reply_days) = (one_decimal(ind.reply_delay_median), one_decimal(ind.reply_delay_p90), ind.total, ind.replied, block.reply_days);
    view! {
        <section class="fr-mb-6w complaint-figures" aria-labelledby="complaints-title">
            <h2 id="complaints-title">{t!(i18n, dashboard.complaints_title)}</h2>
            <ul class="key-figures">
                <li><strong class="figure">{total}</strong> " " {t!(i18n, dashboard.complaints_total)}</li>
                <li><strong class="figure">{share_text(&ind.ack_on_time)}</strong> " " {t!(i18n, dashboard.ack_on_time)}</li>
                <li><strong class="figure">{share_text(&ind.reply_on_time)}</strong> " " {t!(i18n, dashboard.reply_on_time, days = move || reply_days)}</li>
                <li><strong class="figure">{median}</strong> " " {t!(i18n, dashboard.reply_median, replied = move || replied)}</li>
                <li><strong class="figure">{p90}</strong> " " {t!(i18n, dashboard.reply_p90)}</li>
            </ul>
            <div class="count-tables">
                {count_table(t_string!(i18n, dashboard.by_site).to_string(), by_site)}
                {count_table(t_string!(i18n, dashboard.by_kind).to_string(), by_kind)}
                {count_table(t_string!(i18n, dashboard.by_channel).to_string(), by_channel)}
                {count_table(t_string!(i18n, dashboard.by_procedure).to_string(), by_procedure)}
                {count_table(t_string!(i18n, dashboard.by_status).to_string(), by_status)}
            </div>
            <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--sm export-links">
                <li><a class="fr-btn fr-btn--secondary" rel="external" download="" href=export_href>{t!(i18n, dashboard.export_complaints_csv)}</a></li>
                <li><a class="fr-btn fr-btn--secondary" rel="external" download="" href=export_xlsx>{t!(i18n, dashboard.export_complaints_xlsx)}</a></li>
            </ul>
        </section>
    }
}
