//! Pages of the visit codes and QR posters (quality staff and admins). Printing uses the
//! browser's own print command: menus, header and footer are hidden in print (`style/app.css`).

use super::api::*;
use crate::complaints::staff::page::StaffNav;
use crate::components::{ErrorNotice, Loading};
use crate::form::{ErrorSummary, Select, SummaryField, TextInput};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The one-line survey invitation printed under the French text of a poster, in the other
/// languages of the survey: (language, writing direction, text). Poster content, printed all at
/// once whatever the page's language, hence not in the locale files.
pub const POSTER_LINES: [(&str, &str, &str); 4] = [
    ("en", "ltr", "Tell us about your visit: scan the QR code (2 minutes, anonymous)."),
    ("ar", "rtl", "أخبرونا برأيكم في زيارتكم: امسحوا رمز QR (دقيقتان، دون ذكر الاسم)."),
    ("es", "ltr", "Cuéntenos su visita: escanee el código QR (2 minutos, anónimo)."),
    ("pt", "ltr", "Conte-nos como correu a sua visita: leia o código QR (2 minutos, anónimo)."),
];

/// Where the printed links lead, and where that address comes from.
#[component]
fn BaseNoteLine(base: BaseNote) -> impl IntoView {
    let i18n = use_i18n();
    let shown = base.base.clone();
    view! {
        <p class="fr-text--sm no-print base-note">
            {if base.configured {
                t!(i18n, codes.base_configured, base = move || shown.clone()).into_any()
            } else {
                t!(i18n, codes.base_from_request, base = move || shown.clone()).into_any()
            }}
        </p>
    }
}

/// `/admin/codes-visite`: the batches, and the form creating one.
#[component]
pub fn CodeBatchesPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| load_code_batches());
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, codes.batches_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <CodeBatches v /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CodeBatches(v: CodeBatchesView) -> impl IntoView {
    let i18n = use_i18n();
    let fields = vec![
        SummaryField { name: "site", focus_id: "site".into(), label: t_string!(i18n, codes.site).to_string(), choice: true },
        SummaryField { name: "libelle", focus_id: "libelle".into(), label: t_string!(i18n, codes.label).to_string(), choice: false },
        SummaryField { name: "nombre", focus_id: "nombre".into(), label: t_string!(i18n, codes.size).to_string(), choice: false },
    ];
    let empty = v.batches.is_empty();
    view! {
        <StaffNav header=v.header.clone() />
        <h1>{t!(i18n, codes.batches_title)}</h1>
        <p>{t!(i18n, codes.batches_intro)}</p>
        <p><a class="fr-link" href="/admin/affiches">{t!(i18n, codes.posters_link)}</a></p>
        <BaseNoteLine base=v.base.clone() />
        <h2>{t!(i18n, codes.list_title)}</h2>
        {if empty {
            view! { <p>{t!(i18n, codes.none_yet)}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="stats-table code-batches">
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, codes.label)}</th>
                                <th scope="col">{t!(i18n, codes.site)}</th>
                                <th scope="col" class="num">{t!(i18n, codes.col_size)}</th>
                                <th scope="col" class="num">{t!(i18n, codes.col_used)}</th>
                                <th scope="col">{t!(i18n, codes.col_created)}</th>
                                <th scope="col">{t!(i18n, codes.col_actions)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {v.batches.into_iter().map(|b| {
                                let (created_on, created_by) = (b.created_on.clone(), b.created_by.clone());
                                view! {
                                    <tr data-batch=b.id.to_string()>
                                        <th scope="row">{b.label.clone()}</th>
                                        <td>{b.site_name.clone()}</td>
                                        <td class="num">{b.size}</td>
                                        <td class="num">{b.used}</td>
                                        <td>{t!(i18n, codes.created_line, date = move || created_on.clone(), name = move || created_by.clone())}</td>
                                        <td>
                                            <a class="fr-link" href=format!("/admin/codes-visite/{}", b.id)>
                                                {t!(i18n, codes.print_slips)} <span class="fr-sr-only">{format!(" – {}", b.label)}</span>
                                            </a>
                                            " · "
                                            <a class="fr-link" href=format!("/admin/codes-visite/{}/codes.csv", b.id)>
                                                {t!(i18n, codes.download_csv)} <span class="fr-sr-only">{format!(" – {}", b.label)}</span>
                                            </a>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <h2 id="formulaire">{t!(i18n, codes.new_title)}</h2>
        <ErrorSummary state=v.form.clone() fields />
        <form method="post" action="/admin/codes-visite/creer" class="fr-mb-6w code-batch-form" novalidate=true>
            <input type="hidden" name="token" value=v.token.clone() />
            <Select name="site" label=t_string!(i18n, codes.site).to_string() options=v.sites.clone() state=v.form.clone() />
            <TextInput name="libelle" label=t_string!(i18n, codes.label).to_string() hint=t_string!(i18n, codes.label_hint).to_string() state=v.form.clone() maxlength=crate::domain::visit_code::LABEL_MAX_CHARS />
            <TextInput name="nombre" label=t_string!(i18n, codes.size).to_string() hint=t_string!(i18n, codes.size_hint).to_string() state=v.form.clone() input_type="number" />
            <button type="submit" class="fr-btn">{t!(i18n, codes.create)}</button>
        </form>
    }
}

/// `/admin/codes-visite/{batch}[?page=N]`: the printable slips of a batch.
#[component]
pub fn BatchSlipsPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let key = Memo::new(move |_| {
        let id = params.read().get("batch").and_then(|v| v.parse::<i64>().ok());
        let page = query.read().get("page").and_then(|v| v.parse::<usize>().ok());
        (id, page)
    });
    let data = Resource::new(move || key.get(), |(id, page)| async move {
        match id {
            Some(id) => load_code_batch(id, page).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, codes.slips_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <BatchSlips v /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn BatchSlips(v: BatchSlipsView) -> impl IntoView {
    let i18n = use_i18n();
    let b = v.batch.clone();
    let (label, site, size, used) = (b.label.clone(), b.site_name.clone(), b.size, b.used);
    let pager = (v.pages > 1).then(|| {
        let (page, pages, id) = (v.page, v.pages, b.id);
        view! {
            <nav class="no-print fr-mb-3w" aria-label=move || t_string!(i18n, codes.pages_label).to_string()>
                <p>{t!(i18n, codes.page_of, page = move || page, pages = move || pages)}</p>
                <ul class="fr-pagination__list">
                    {(1..=pages).map(|p| {
                        let current = p == page;
                        view! {
                            <li>
                                <a class="fr-link" href=format!("/admin/codes-visite/{id}?page={p}") aria-current=current.then_some("page")>{p}</a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </nav>
        }
    });
    let survey_url = v.survey_url.clone();
    let slip_site = b.site_name.clone();
    view! {
        <StaffNav header=v.header.clone() />
        <div class="no-print">
            <p><a class="fr-link" href="/admin/codes-visite">{t!(i18n, codes.back)}</a></p>
            <h1>{t!(i18n, codes.slips_heading, label = move || label.clone())}</h1>
            <p>{t!(i18n, codes.slips_intro, site = move || site.clone(), size = move || size, used = move || used)}</p>
            <p>
                <a class="fr-link" href=format!("/admin/codes-visite/{}/codes.csv", b.id)>{t!(i18n, codes.download_csv)}</a>
            </p>
            <p class="fr-text--sm">{t!(i18n, codes.print_hint)}</p>
            <BaseNoteLine base=v.base.clone() />
        </div>
        {pager}
        <ul class="slips">
            {v.slips.into_iter().map(|s| {
                let alt = t_string!(i18n, codes.qr_alt, url = s.url.clone()).to_string();
                view! {
                    <li class=if s.used { "slip slip-used" } else { "slip" } data-code=s.code.clone()>
                        <p class="slip-site">{slip_site.clone()}</p>
                        <img class="slip-qr" src=s.qr.clone() alt=alt width="240" height="240" />
                        <p class="slip-code">{s.code.clone()}</p>
                        <p class="slip-text">{t!(i18n, codes.slip_invite)}</p>
                        <p class="slip-url">{survey_url.clone()}</p>
                        {s.used.then(|| view! { <p class="slip-used-mark no-print">{t!(i18n, codes.slip_used)}</p> })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// `/admin/affiches`: one poster per site.
#[component]
pub fn PostersPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| load_posters());
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, codes.posters_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! {
                        <StaffNav header=v.header.clone() />
                        <h1>{t!(i18n, codes.posters_title)}</h1>
                        <p>{t!(i18n, codes.posters_intro)}</p>
                        <BaseNoteLine base=v.base.clone() />
                        <ul class="poster-sites">
                            {v.sites.into_iter().map(|s| {
                                let name = s.name.clone();
                                let name_a3 = s.name.clone();
                                view! {
                                    <li>
                                        <strong>{s.name.clone()}</strong> " – " <code>{s.url.clone()}</code>
                                        <br />
                                        <a class="fr-link" href=format!("/admin/affiches/{}", s.slug)>{t!(i18n, codes.poster_a4)} <span class="fr-sr-only">{format!(" – {name}")}</span></a>
                                        " · "
                                        <a class="fr-link" href=format!("/admin/affiches/{}?format=a3", s.slug)>{t!(i18n, codes.poster_a3)} <span class="fr-sr-only">{format!(" – {name_a3}")}</span></a>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <p><a class="fr-link" href="/admin/codes-visite">{t!(i18n, codes.batches_link)}</a></p>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/admin/affiches/{site}[?format=a3]`: the printable poster of a site (A4, or A3).
#[component]
pub fn PosterPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let key = Memo::new(move |_| (params.read().get("site").unwrap_or_default(), query.read().get("format").is_some_and(|f| f.eq_ignore_ascii_case("a3"))));
    let data = Resource::new(move || key.get(), |(site, a3)| load_poster(site, a3));
    view! {
        <Title text=crate::components::title_text(move || t_string!(i18n, codes.poster_page_title).to_string()) />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <Poster v /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Poster(v: PosterView) -> impl IntoView {
    let i18n = use_i18n();
    let alt = t_string!(i18n, codes.qr_alt, url = v.url.clone()).to_string();
    let other = if v.a3 { (format!("/admin/affiches/{}", v.slug), t_string!(i18n, codes.poster_a4).to_string()) } else { (format!("/admin/affiches/{}?format=a3", v.slug), t_string!(i18n, codes.poster_a3).to_string()) };
    view! {
        <StaffNav header=v.header.clone() />
        <div class="no-print">
            <p><a class="fr-link" href="/admin/affiches">{t!(i18n, codes.posters_back)}</a> " · " <a class="fr-link" href=other.0>{other.1}</a></p>
            <p class="fr-text--sm">{if v.a3 { t!(i18n, codes.print_hint_a3).into_any() } else { t!(i18n, codes.print_hint_a4).into_any() }}</p>
            <BaseNoteLine base=v.base.clone() />
        </div>
        <article class=if v.a3 { "poster poster-a3" } else { "poster poster-a4" }>
            <p class="poster-site">{v.site_name.clone()}</p>
            <h1 class="poster-title">{t!(i18n, codes.poster_heading)}</h1>
            <p class="poster-text">{t!(i18n, codes.poster_text)}</p>
            <img class="poster-qr" src=v.qr.clone() alt=alt width="240" height="240" />
            <p class="poster-url">{v.short_url.clone()}</p>
            <ul class="poster-lines">
                {POSTER_LINES.iter().map(|(lang, dir, text)| view! { <li lang=*lang dir=*dir>{*text}</li> }).collect_view()}
            </ul>
        </article>
    }
}
