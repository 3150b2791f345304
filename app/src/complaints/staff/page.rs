//! Staff pages of the complaint box: the list, a complaint with its deadlines, history and
//! actions, the entry form, the printable letter, and the staff menu.

use super::api::*;
use crate::complaints::labels;
use crate::complaints::page::ComplaintFields;
use crate::components::{ErrorNotice, Loading};
use crate::domain::complaint::{fields, ComplaintChannel, ComplaintKind, ComplaintStatus, Procedure, COMMENT_MAX_CHARS};
use crate::domain::deadline::DeadlineState;
use crate::form::{ErrorSummary, SummaryField, TextArea, TextInput};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The staff menu: dashboard, complaints, templates, outbox, and logout.
#[component]
pub fn StaffNav(header: StaffHeader) -> impl IntoView {
    let i18n = use_i18n();
    let name = header.user_name.clone();
    view! {
        <div class="staff-nav fr-mb-3w">
            <nav aria-label=move || t_string!(i18n, staff.nav_label).to_string()>
                <ul class="fr-links-group">
                    <li><a class="fr-link" href="/admin">{t!(i18n, staff.nav_dashboard)}</a></li>
                    <li><a class="fr-link" href="/admin/reclamations">{t!(i18n, staff.nav_complaints)}</a></li>
                    <li><a class="fr-link" href="/admin/courriers-types">{t!(i18n, staff.nav_templates)}</a></li>
                    {header.manages_templates.then(|| view! { <li><a class="fr-link" href="/admin/envois">{t!(i18n, staff.nav_outbox)}</a></li> })}
                    {header.manages_templates.then(|| view! { <li><a class="fr-link" href="/admin/import">{t!(i18n, staff.nav_import)}</a></li> })}
                    {header.manages_templates.then(|| view! { <li><a class="fr-link" href="/admin/rapport">{t!(i18n, staff.nav_report)}</a></li> })}
                    {header.manages_templates.then(|| view! { <li><a class="fr-link" href="/admin/codes-visite">{t!(i18n, codes.nav)}</a></li> })}
                    {header.manages_templates.then(|| view! { <li><a class="fr-link" href="/admin/donnees-personnelles">{t!(i18n, privacy.staff_nav)}</a></li> })}
                    {header.is_admin.then(|| view! { <li><a class="fr-link" href="/admin/campagnes">{t!(i18n, staff.nav_campaigns)}</a></li> })}
                    {header.is_admin.then(|| view! { <li><a class="fr-link" href="/admin/journal">{t!(i18n, staff.nav_journal)}</a></li> })}
                    {header.is_admin.then(|| view! { <li><a class="fr-link" href="/admin/comptes">{t!(i18n, accounts.nav_accounts)}</a></li> })}
                    {header.is_admin.then(|| view! { <li><a class="fr-link" href="/admin/tablettes">{t!(i18n, kiosk.nav_tablets)}</a></li> })}
                    <li><a class="fr-link" href="/admin/mot-de-passe">{t!(i18n, accounts.nav_password)}</a></li>
                </ul>
            </nav>
            <form method="post" action="/admin/deconnexion" class="logout">
                <span class="fr-text--sm">{t!(i18n, dashboard.logged_in_as, name = move || name.clone())}</span>
                " "
                <button type="submit" class="fr-btn fr-btn--tertiary fr-btn--sm">{t!(i18n, dashboard.logout)}</button>
            </form>
        </div>
    }
}

/// A deadline as a coloured badge with its due date. `working`: counts are working days
/// (reply) rather than calendar days (acknowledgement).
#[component]
pub fn DeadlineBadge(deadline: DeadlineView, working: bool) -> impl IntoView {
    let i18n = use_i18n();
    let unit = if working { t_string!(i18n, staff.unit_working_days).to_string() } else { t_string!(i18n, staff.unit_days).to_string() };
    let (class, text) = match deadline.state {
        DeadlineState::OnTime { remaining } => ("fr-badge fr-badge--sm fr-badge--info", t_string!(i18n, staff.deadline_on_time, n = remaining, unit = unit.clone()).to_string()),
        DeadlineState::DueSoon { remaining: 0 } => ("fr-badge fr-badge--sm fr-badge--warning", t_string!(i18n, staff.deadline_due_today).to_string()),
        DeadlineState::DueSoon { remaining } => ("fr-badge fr-badge--sm fr-badge--warning", t_string!(i18n, staff.deadline_due_soon, n = remaining, unit = unit.clone()).to_string()),
        DeadlineState::Late { by } => ("fr-badge fr-badge--sm fr-badge--error", t_string!(i18n, staff.deadline_late, n = by, unit = unit.clone()).to_string()),
        DeadlineState::Done { took } => ("fr-badge fr-badge--sm fr-badge--success", t_string!(i18n, staff.deadline_done, n = took, unit = unit.clone()).to_string()),
        DeadlineState::DoneLate { took, by } => ("fr-badge fr-badge--sm fr-badge--error", t_string!(i18n, staff.deadline_done_late, n = took, late = by, unit = unit.clone()).to_string()),
    };
    let due = deadline.due.clone();
    view! {
        <span class="deadline">
            <span class="due">{t!(i18n, staff.due_on, date = move || due.clone())}</span>
            " "
            <span class=class>{text}</span>
        </span>
    }
}

/// A `<select>` of a GET filter form, with an "all" first choice and `current` selected.
pub(crate) fn filter_select(name: &'static str, label: String, options: Vec<(String, String)>, current: String, all: String) -> impl IntoView {
    view! {
        <div class="fr-select-group">
            <label class="fr-label" for=format!("filtre-{name}")>{label}</label>
            <select class="fr-select" id=format!("filtre-{name}") name=name>
                <option value="" selected=current.is_empty()>{all}</option>
                {options.into_iter().map(|(v, l)| {
                    let selected = v == current;
                    view! { <option value=v selected=selected>{l}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// `/admin/reclamations`: complaints in the member's sites, with filters (a plain GET form).
#[component]
pub fn ComplaintListPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        let q = query.read();
        ["site", "statut", "type", "canal", "demarche", "retard"].iter().filter_map(|k| q.get(k).map(|v| (k.to_string(), v))).collect::<Vec<_>>()
    });
    let data = Resource::new(move || filters.get(), load_complaint_list);
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, staff.list_page_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <ComplaintList v /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ComplaintList(v: ComplaintListView) -> impl IntoView {
    let i18n = use_i18n();
    let current = |name: &str| crate::domain::survey_form::form_value(&v.filters, name).unwrap_or_default().to_string();
    let all = t_string!(i18n, staff.filter_all).to_string();
    let sites = v.sites.iter().map(|s| (s.slug.clone(), s.name.clone())).collect();
    let statuses = ComplaintStatus::ALL.iter().map(|s| (s.as_str().to_string(), labels::status(i18n, *s))).collect();
    let kinds = ComplaintKind::ALL.iter().map(|k| (k.as_str().to_string(), labels::kind(i18n, *k))).collect();
    let channels = ComplaintChannel::ALL.iter().map(|c| (c.as_str().to_string(), labels::channel(i18n, *c))).collect();
    let procedures = Procedure::ALL.iter().map(|p| (p.as_str().to_string(), labels::procedure(i18n, *p))).collect();
    let late_checked = current("retard") == "1";
    let count = v.rows.len();
    view! {
        <StaffNav header=v.header.clone() />
        <div class="list-head">
            <h1>{t!(i18n, staff.list_title)}</h1>
            <a class="fr-btn fr-btn--secondary" href="/admin/reclamations/nouvelle">{t!(i18n, staff.new_entry)}</a>
        </div>
        <form method="get" action="/admin/reclamations" class="filters fr-mb-3w" aria-label=move || t_string!(i18n, staff.filters_label).to_string()>
            <div class="filters-grid">
                {filter_select("site", t_string!(i18n, staff.col_site).to_string(), sites, current("site"), all.clone())}
                {filter_select("statut", t_string!(i18n, staff.col_status).to_string(), statuses, current("statut"), all.clone())}
                {filter_select("type", t_string!(i18n, staff.col_kind).to_string(), kinds, current("type"), all.clone())}
                {filter_select("canal", t_string!(i18n, staff.col_channel).to_string(), channels, current("canal"), all.clone())}
                {filter_select("demarche", t_string!(i18n, staff.col_procedure).to_string(), procedures, current("demarche"), all.clone())}
            </div>
            <div class="fr-checkbox-group fr-mb-2w">
                <input type="checkbox" id="filtre-retard" name="retard" value="1" checked=late_checked />
                <label class="fr-label" for="filtre-retard">{t!(i18n, staff.filter_late)}</label>
            </div>
            <button type="submit" class="fr-btn fr-btn--sm">{t!(i18n, staff.filter_apply)}</button>
            " "
            <a class="fr-link fr-ml-2w" href="/admin/reclamations">{t!(i18n, staff.filter_reset)}</a>
        </form>
        <p role="status" class="result-count">{t!(i18n, staff.result_count, count = move || count)}</p>
        {v.truncated.then(|| view! { <p class="fr-text--sm">{t!(i18n, staff.truncated)}</p> })}
        {if v.rows.is_empty() {
            view! { <p>{t!(i18n, staff.no_complaint)}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="complaints-table">
                        <caption class="fr-sr-only">{t!(i18n, staff.list_title)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, staff.col_reference)}</th>
                                <th scope="col">{t!(i18n, staff.col_received)}</th>
                                <th scope="col">{t!(i18n, staff.col_site)}</th>
                                <th scope="col">{t!(i18n, staff.col_procedure)}</th>
                                <th scope="col">{t!(i18n, staff.col_channel)}</th>
                                <th scope="col">{t!(i18n, staff.col_status)}</th>
                                <th scope="col">{t!(i18n, staff.col_ack)}</th>
                                <th scope="col">{t!(i18n, staff.col_reply)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {v.rows.into_iter().map(|r| view! {
                                <tr data-reference=r.reference.clone()>
                                    <th scope="row">
                                        <a href=format!("/admin/reclamations/{}", r.id)>{r.reference.clone()}</a>
                                        <br />
                                        <span class="fr-text--xs">{labels::kind(i18n, r.kind)}</span>
                                    </th>
                                    <td>{r.received_on.clone()}</td>
                                    <td>{r.site_name.clone()}</td>
                                    <td>{labels::procedure(i18n, r.procedure)}</td>
                                    <td>{labels::channel(i18n, r.channel)}</td>
                                    <td>{labels::status(i18n, r.status)}</td>
                                    <td><DeadlineBadge deadline=r.ack.clone() working=false /></td>
                                    <td>{match r.reply.clone() {
                                        Some(d) => view! { <DeadlineBadge deadline=d working=true /> }.into_any(),
                                        None => view! { <span class="fr-text--xs">{t!(i18n, staff.no_reply_wanted)}</span> }.into_any(),
                                    }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

fn id_param() -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("id").and_then(|v| v.parse().ok()))
}

/// `/admin/reclamations/{id}`: a complaint, its deadlines and history, and what can be done.
#[component]
pub fn ComplaintDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let query = use_query_map();
    let template = Memo::new(move |_| query.read().get("modele").and_then(|v| v.parse::<i64>().ok()));
    let data = Resource::new(
        move || (id.get(), template.get()),
        |(id, template)| async move {
            match id {
                Some(id) => load_complaint_detail(id, template).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, staff.detail_page_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <ComplaintDetail d /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A term and its description in the complaint's summary.
fn item(term: String, value: impl IntoView + 'static) -> impl IntoView {
    view! {
        <div class="dl-row">
            <dt>{term}</dt>
            <dd>{value}</dd>
        </div>
    }
}

#[component]
fn ComplaintDetail(d: ComplaintDetailView) -> impl IntoView {
    let i18n = use_i18n();
    let reference = d.reference.clone();
    let none = t_string!(i18n, staff.not_given).to_string();
    let or_none = move |v: Option<String>| v.unwrap_or_else(|| none.clone());
    view! {
        <Title text=format!("{} – {}", d.reference, t_string!(i18n, staff.detail_page_title)) />
        <StaffNav header=d.header.clone() />
        <p><a class="fr-link" href="/admin/reclamations">{t!(i18n, staff.back_to_list)}</a></p>
        <h1>{labels::kind(i18n, d.kind)} " " {reference}</h1>
        <p class="fr-text--lead">
            <span class="fr-badge fr-badge--info status-badge">{labels::status(i18n, d.status)}</span>
        </p>
        <div class="detail-grid">
            <section aria-labelledby="demande">
                <h2 id="demande" class="fr-h5">{t!(i18n, staff.section_request)}</h2>
                <dl class="summary-list">
                    {item(t_string!(i18n, staff.col_site).to_string(), d.site_name.clone())}
                    {item(t_string!(i18n, staff.col_procedure).to_string(), labels::procedure(i18n, d.procedure))}
                    {item(t_string!(i18n, staff.col_channel).to_string(), labels::channel(i18n, d.channel))}
                    {item(t_string!(i18n, staff.col_received).to_string(), d.received_on.clone())}
                    {item(t_string!(i18n, staff.col_ack).to_string(), view! { <DeadlineBadge deadline=d.ack.clone() working=false /> })}
                    {item(t_string!(i18n, staff.col_reply).to_string(), match d.reply.clone() {
                        Some(r) => view! { <DeadlineBadge deadline=r working=true /> }.into_any(),
                        None => view! { <span>{t!(i18n, staff.no_reply_wanted)}</span> }.into_any(),
                    })}
                </dl>
                <h3 class="fr-h6">{t!(i18n, staff.message)}</h3>
                {match d.erased_on.clone() {
                    Some(date) => view! { <p class="erased-data"><em>{t!(i18n, privacy.erased_on, date = move || date.clone())}</em></p> }.into_any(),
                    None => view! { <div class="message-text" dir="auto">{d.message.clone()}</div> }.into_any(),
                }}
            </section>
            <section aria-labelledby="contact">
                <h2 id="contact" class="fr-h5">{t!(i18n, staff.section_contact)}</h2>
                {match d.erased_on.clone() {
                    Some(date) => view! {
                        <dl class="summary-list">
                            {item(t_string!(i18n, staff.reply_mode).to_string(), labels::reply_mode(i18n, d.reply_mode))}
                        </dl>
                        <p class="erased-data"><em>{t!(i18n, privacy.erased_on, date = move || date.clone())}</em></p>
                    }.into_any(),
                    None => view! {
                        <dl class="summary-list">
                            {item(t_string!(i18n, staff.requester_name).to_string(), or_none(d.requester_name.clone()))}
                            {item(t_string!(i18n, staff.reply_mode).to_string(), labels::reply_mode(i18n, d.reply_mode))}
                            {item(t_string!(i18n, complaint.email_label).to_string(), or_none(d.email.clone()))}
                            {item(t_string!(i18n, complaint.address_label).to_string(), view! { <span class="address">{or_none(d.postal_address.clone())}</span> })}
                            {item(t_string!(i18n, complaint.postal_code_label).to_string(), or_none(d.postal_code.clone()))}
                        </dl>
                    }.into_any(),
                }}
            </section>
        </div>
        {d.dismissal_reason.clone().map(|r| view! {
            <div class="fr-callout fr-mb-3w"><p><strong>{t!(i18n, staff.dismissal_reason)}</strong> " " {r}</p></div>
        })}
        {d.reply_text.clone().map(|text| {
            let id = d.id;
            view! {
                <section class="fr-mb-4w" aria-labelledby="reponse-envoyee">
                    <h2 id="reponse-envoyee" class="fr-h5">{t!(i18n, staff.reply_sent)}</h2>
                    <p><strong>{d.reply_subject.clone().unwrap_or_default()}</strong></p>
                    <div class="reply-text">{text}</div>
                    <p><a class="fr-link" href=format!("/admin/reclamations/{id}/courrier")>{t!(i18n, staff.print_letter)}</a></p>
                </section>
            }
        })}
        {d.can_reply.then(|| view! { <ReplyForm d=d.clone() /> })}
        {(!d.targets.is_empty()).then(|| view! { <StatusForm d=d.clone() /> })}
        <section class="fr-mb-4w" aria-labelledby="historique">
            <h2 id="historique" class="fr-h5">{t!(i18n, staff.history)}</h2>
            <table class="history-table">
                <caption class="fr-sr-only">{t!(i18n, staff.history)}</caption>
                <thead><tr>
                    <th scope="col">{t!(i18n, staff.col_when)}</th>
                    <th scope="col">{t!(i18n, staff.col_who)}</th>
                    <th scope="col">{t!(i18n, staff.col_what)}</th>
                </tr></thead>
                <tbody>
                    {d.events.iter().map(|e| {
                        let who = e.who.clone().unwrap_or_else(|| t_string!(i18n, staff.who_visitor).to_string());
                        let what = match (e.from, e.to) {
                            (Some(f), Some(t)) if f != t => format!("{} → {}", labels::status(i18n, f), labels::status(i18n, t)),
                            (_, Some(t)) => labels::status(i18n, t),
                            _ => e.action.clone(),
                        };
                        view! {
                            <tr>
                                <td>{e.at.clone()}</td>
                                <td>{who}</td>
                                <td>{what}{e.detail.clone().map(|d| view! { <br /><span class="fr-text--sm">{d}</span> })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        {(!d.emails.is_empty()).then(|| view! {
            <section class="fr-mb-4w" aria-labelledby="courriels">
                <h2 id="courriels" class="fr-h5">{t!(i18n, staff.emails)}</h2>
                <EmailTable emails=d.emails.clone() />
            </section>
        })}
    }
}

/// The reply form: template choice (a GET that merges it into the draft), subject, text, and
/// how to send it.
#[component]
fn ReplyForm(d: ComplaintDetailView) -> impl IntoView {
    let i18n = use_i18n();
    let mut state = d.reply_state.clone();
    if state.values.is_empty() {
        state.values = vec![("objet".into(), d.draft.subject.clone()), ("texte".into(), d.draft.body.clone())];
    }
    let selected_template = d.draft.template_id;
    let has_email = d.email.is_some();
    let has_address = d.postal_address.is_some();
    let chosen = crate::domain::survey_form::form_value(&state.values, "envoi").map(str::to_string).unwrap_or_else(|| if has_email { "courriel".into() } else { "courrier".into() });
    let summary = vec![
        SummaryField { name: "objet", focus_id: "objet".into(), label: t_string!(i18n, staff.reply_subject).to_string(), choice: false },
        SummaryField { name: "texte", focus_id: "texte".into(), label: t_string!(i18n, staff.reply_text).to_string(), choice: false },
        SummaryField { name: "envoi", focus_id: "envoi-courriel".into(), label: t_string!(i18n, staff.send_by).to_string(), choice: true },
    ];
    let id = d.id;
    view! {
        <section class="fr-mb-4w reply-section" aria-labelledby="repondre">
            <h2 id="repondre" class="fr-h5">{t!(i18n, staff.reply_title)}</h2>
            <form method="get" action=format!("/admin/reclamations/{id}") class="template-choice fr-mb-2w">
                <div class="fr-select-group">
                    <label class="fr-label" for="modele">{t!(i18n, staff.template_choice)}</label>
                    <select class="fr-select" id="modele" name="modele">
                        <option value="">{t!(i18n, staff.template_none)}</option>
                        {d.templates.iter().map(|(tid, name)| {
                            let selected = selected_template == Some(*tid);
                            view! { <option value=tid.to_string() selected=selected>{name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="fr-btn fr-btn--secondary fr-btn--sm">{t!(i18n, staff.template_apply)}</button>
            </form>
            <ErrorSummary state=state.clone() fields=summary />
            <form method="post" action=format!("/admin/reclamations/{id}/reponse")>
                <input type="hidden" name="attendu" value=d.status.as_str() />
                <input type="hidden" name="modele" value=selected_template.map(|t| t.to_string()).unwrap_or_default() />
                <TextInput name="objet" label=t_string!(i18n, staff.reply_subject).to_string() state=state.clone() maxlength=200 />
                <TextArea name="texte" label=t_string!(i18n, staff.reply_text).to_string() state=state.clone() maxlength=10_000 rows=14 />
                <fieldset class="fr-fieldset" id="envoi-fieldset">
                    <legend class="fr-fieldset__legend">{t!(i18n, staff.send_by)}</legend>
                    <div class="fr-fieldset__element">
                        <div class="fr-radio-group">
                            <input type="radio" id="envoi-courriel" name="envoi" value="courriel" disabled=!has_email checked=chosen == "courriel" && has_email />
                            <label class="fr-label" for="envoi-courriel">
                                {t!(i18n, staff.send_email)}
                                {(!has_email).then(|| view! { <span class="fr-hint-text">{t!(i18n, staff.send_email_unavailable)}</span> })}
                            </label>
                        </div>
                    </div>
                    <div class="fr-fieldset__element">
                        <div class="fr-radio-group">
                            <input type="radio" id="envoi-courrier" name="envoi" value="courrier" disabled=!has_address checked=has_address && (chosen == "courrier" || !has_email) />
                            <label class="fr-label" for="envoi-courrier">
                                {t!(i18n, staff.send_post)}
                                {(!has_address).then(|| view! { <span class="fr-hint-text">{t!(i18n, staff.send_post_unavailable)}</span> })}
                            </label>
                        </div>
                    </div>
                </fieldset>
                <button type="submit" class="fr-btn">{t!(i18n, staff.reply_submit)}</button>
            </form>
        </section>
    }
}

/// The status form: the statuses reachable by hand, a reason (required for "sans suite") and a
/// comment.
#[component]
fn StatusForm(d: ComplaintDetailView) -> impl IntoView {
    let i18n = use_i18n();
    let state = d.status_state.clone();
    let summary = vec![
        SummaryField { name: "statut", focus_id: format!("statut-{}", d.targets.first().map(|s| s.as_str()).unwrap_or_default()), label: t_string!(i18n, staff.new_status).to_string(), choice: true },
        SummaryField { name: "motif", focus_id: "motif".into(), label: t_string!(i18n, staff.reason).to_string(), choice: false },
        SummaryField { name: "commentaire", focus_id: "commentaire".into(), label: t_string!(i18n, staff.comment).to_string(), choice: false },
    ];
    let options = d.targets.iter().map(|s| (s.as_str().to_string(), labels::status(i18n, *s), None)).collect::<Vec<_>>();
    let id = d.id;
    view! {
        <section class="fr-mb-4w" aria-labelledby="changer-statut">
            <h2 id="changer-statut" class="fr-h5">{t!(i18n, staff.status_title)}</h2>
            <ErrorSummary state=state.clone() fields=summary />
            <form method="post" action=format!("/admin/reclamations/{id}/statut")>
                <input type="hidden" name="attendu" value=d.status.as_str() />
                <crate::form::RadioGroup name="statut" legend=t_string!(i18n, staff.new_status).to_string() options state=state.clone() />
                <TextArea name="motif" label=t_string!(i18n, staff.reason).to_string() hint=t_string!(i18n, staff.reason_hint).to_string() state=state.clone() required=false maxlength=COMMENT_MAX_CHARS rows=2 />
                <TextArea name="commentaire" label=t_string!(i18n, staff.comment).to_string() state=state required=false maxlength=COMMENT_MAX_CHARS rows=2 />
                <button type="submit" class="fr-btn fr-btn--secondary">{t!(i18n, staff.status_submit)}</button>
            </form>
        </section>
    }
}

/// E-mails and their delivery state.
#[component]
pub fn EmailTable(emails: Vec<EmailView>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-scroll">
            <table class="outbox-table">
                <thead><tr>
                    <th scope="col">{t!(i18n, staff.col_queued)}</th>
                    <th scope="col">{t!(i18n, staff.col_to)}</th>
                    <th scope="col">{t!(i18n, staff.reply_subject)}</th>
                    <th scope="col">{t!(i18n, staff.col_delivery)}</th>
                </tr></thead>
                <tbody>
                    {emails.into_iter().map(|e| {
                        let attempts = e.attempts;
                        let state = if e.sent {
                            let at = e.sent_at.clone().unwrap_or_default();
                            view! { <span class="fr-badge fr-badge--sm fr-badge--success">{t!(i18n, staff.email_sent, at = move || at.clone())}</span> }.into_any()
                        } else if e.failed {
                            view! {
                                <span class="fr-badge fr-badge--sm fr-badge--error">{t!(i18n, staff.email_failed)}</span>
                                {e.last_error.clone().map(|err| view! { <br /><span class="fr-text--xs email-error">{err}</span> })}
                            }.into_any()
                        } else {
                            let next = e.next_attempt.clone().unwrap_or_default();
                            view! {
                                <span class="fr-badge fr-badge--sm fr-badge--warning">{t!(i18n, staff.email_pending)}</span>
                                <br />
                                <span class="fr-text--xs">{t!(i18n, staff.email_attempts, n = move || attempts, next = move || next.clone())}</span>
                                {e.last_error.clone().map(|err| view! { <br /><span class="fr-text--xs email-error">{err}</span> })}
                            }.into_any()
                        };
                        let erased = e.erased.then(|| t_string!(i18n, privacy.erased_short).to_string());
                        view! {
                            <tr>
                                <td>{e.created_at.clone()}</td>
                                <td>{erased.clone().unwrap_or_else(|| e.to.clone())}</td>
                                <td>{erased.unwrap_or_else(|| e.subject.clone())}</td>
                                <td>{state}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// `/admin/reclamations/nouvelle`: type in a complaint received by letter, e-mail or paper slip.
#[component]
pub fn EntryPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| load_entry_form());
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <EntryForm v /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
        <Title text=crate::components::title_text(move || t_string!(i18n, staff.entry_page_title).to_string()) />
    }
}

#[component]
fn EntryForm(v: EntryFormView) -> impl IntoView {
    let i18n = use_i18n();
    let state = v.form.state.clone();
    let channels = ComplaintChannel::STAFF_ENTRY.iter().map(|c| (c.as_str().to_string(), labels::channel(i18n, *c))).collect::<Vec<_>>();
    let first_site = v.form.sites.first().map(|s| s.slug.clone()).unwrap_or_default();
    let summary = vec![
        SummaryField { name: fields::CHANNEL, focus_id: fields::CHANNEL.into(), label: t_string!(i18n, staff.col_channel).to_string(), choice: true },
        SummaryField { name: fields::RECEIVED_ON, focus_id: fields::RECEIVED_ON.into(), label: t_string!(i18n, staff.received_on).to_string(), choice: false },
        SummaryField { name: fields::KIND, focus_id: crate::form::radio_id(fields::KIND, "reclamation"), label: t_string!(i18n, complaint.kind_legend).to_string(), choice: true },
        SummaryField { name: fields::SITE, focus_id: crate::form::radio_id(fields::SITE, &first_site), label: t_string!(i18n, complaint.site_legend).to_string(), choice: true },
        SummaryField { name: fields::PROCEDURE, focus_id: fields::PROCEDURE.into(), label: t_string!(i18n, complaint.procedure_label).to_string(), choice: true },
        SummaryField { name: fields::MESSAGE, focus_id: fields::MESSAGE.into(), label: t_string!(i18n, complaint.message_label).to_string(), choice: false },
        SummaryField { name: fields::NAME, focus_id: fields::NAME.into(), label: t_string!(i18n, complaint.name_label).to_string(), choice: false },
        SummaryField { name: fields::REPLY_MODE, focus_id: crate::form::radio_id(fields::REPLY_MODE, "email"), label: t_string!(i18n, complaint.reply_legend).to_string(), choice: true },
        SummaryField { name: fields::EMAIL, focus_id: fields::EMAIL.into(), label: t_string!(i18n, complaint.email_label).to_string(), choice: false },
        SummaryField { name: fields::ADDRESS, focus_id: fields::ADDRESS.into(), label: t_string!(i18n, complaint.address_label).to_string(), choice: false },
        SummaryField { name: fields::POSTAL_CODE, focus_id: fields::POSTAL_CODE.into(), label: t_string!(i18n, complaint.postal_code_label).to_string(), choice: false },
    ];
    view! {
        <StaffNav header=v.header.clone() />
        <h1>{t!(i18n, staff.entry_title)}</h1>
        <p>{t!(i18n, staff.entry_intro)}</p>
        <ErrorSummary state=state.clone() fields=summary />
        <form method="post" action="/admin/reclamations/saisie" novalidate=true>
            <input type="hidden" name=fields::TOKEN value=v.form.token.clone() />
            <crate::form::Select name=fields::CHANNEL label=t_string!(i18n, staff.col_channel).to_string() options=channels state=state.clone() />
            <div class="fr-input-group">
                <TextInput name=fields::RECEIVED_ON label=t_string!(i18n, staff.received_on).to_string() hint=t_string!(i18n, staff.received_on_hint).to_string() state=state.clone() input_type="date" />
            </div>
            <ComplaintFields form=v.form.clone() />
            <button type="submit" class="fr-btn">{t!(i18n, staff.entry_submit)}</button>
        </form>
    }
}

/// `/admin/reclamations/{id}/courrier`: the reply as a letter, ready to print (the staff menu
/// and the site's header are hidden in print).
#[component]
pub fn LetterPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let data = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => load_letter(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, staff.letter_page_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(l) => view! {
                        <p class="no-print">
                            <a class="fr-link" href=format!("/admin/reclamations/{}", l.id)>{t!(i18n, staff.back_to_complaint)}</a>
                            " – " {t!(i18n, staff.print_hint)}
                        </p>
                        <article class="letter">
                            <header class="letter-head">
                                <p class="letter-marianne">"RÉPUBLIQUE" <br /> "FRANÇAISE"</p>
                                <p class="letter-site"><strong>{l.site_name.clone()}</strong>
                                    {l.site_address.iter().map(|line| view! { <br />{line.clone()} }).collect_view()}
                                </p>
                            </header>
                            <p class="letter-recipient">
                                {l.recipient_name.clone().map(|n| view! { {n}<br /> })}
                                {l.recipient_address.iter().map(|line| view! { {line.clone()}<br /> }).collect_view()}
                            </p>
                            <p class="letter-date">{t!(i18n, staff.letter_date, date = { let d = l.date.clone(); move || d.clone() })}</p>
                            <p class="letter-ref">{t!(i18n, staff.letter_reference, reference = { let r = l.reference.clone(); move || r.clone() })}</p>
                            <p class="letter-subject"><strong>{t!(i18n, staff.letter_subject, subject = { let s = l.subject.clone(); move || s.clone() })}</strong></p>
                            <div class="letter-body">{l.body.clone()}</div>
                        </article>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
