//! Charts drawn as SVG on the server: readable without JavaScript, printable, scalable. Each
//! chart is an `<svg role="img">` with a `<title>` and a `<desc>` that state its figures in words,
//! and every chart sits next to a data table holding the same numbers (for screen readers and
//! print). Colour is never the only carrier of meaning: bars carry their value as text, and
//! intervals are drawn as whiskers with their bounds written out.

use crate::domain::stats::{OptionRow, ShareEstimate};
use leptos::prelude::*;

/// Width of the drawing area, in SVG user units (the SVG scales to its container).
const WIDTH: f64 = 640.0;

/// Fill colours of a distribution, best answer first (DSFR illustrative palette, all ≥ 3:1
/// against white so the segments stay distinct; the value written inside each bar carries the
/// meaning).
const SEGMENT_COLOURS: [&str; 6] = ["#18753c", "#68a532", "#b7a73f", "#e4794a", "#ce0500", "#666666"];

fn fmt_percent(share: f64) -> String {
    format!("{:.0}", share * 100.0)
}

/// One horizontal bar split into the shares of each answer (no-opinion answers excluded), with
/// each share written in its segment when it is wide enough, and a legend below.
#[component]
pub fn DistributionBar(
    /// The answers with their whole-percent shares (rows without a share are skipped).
    rows: Vec<OptionRow>,
    /// Accessible title, e.g. the question.
    title: String,
) -> impl IntoView {
    let shown: Vec<(usize, &OptionRow, u32)> = rows.iter().enumerate().filter_map(|(i, r)| r.percent.map(|p| (i, r, p))).collect();
    let desc = shown.iter().map(|(_, r, p)| format!("{} : {p} %", r.label)).collect::<Vec<_>>().join(", ");
    let mut x = 0.0;
    let segments = shown
        .iter()
        .map(|(i, r, p)| {
            let w = WIDTH * f64::from(*p) / 100.0;
            let colour = SEGMENT_COLOURS[(*i).min(SEGMENT_COLOURS.len() - 1)];
            let start = x;
            x += w;
            let label = (w >= 34.0).then(|| {
                view! { <text x=format!("{:.1}", start + w / 2.0) y="21" text-anchor="middle" class="chart-on-fill">{format!("{p} %")}</text> }
            });
            view! {
                <g>
                    <rect x=format!("{start:.1}") y="4" width=format!("{w:.1}") height="26" fill=colour>
                        <title>{format!("{} : {p} % ({})", r.label, r.count)}</title>
                    </rect>
                    {label}
                </g>
            }
        })
        .collect_view();
    let legend = shown
        .iter()
        .map(|(i, r, p)| {
            let colour = SEGMENT_COLOURS[(*i).min(SEGMENT_COLOURS.len() - 1)];
            view! { <li><svg class="legend-swatch" viewBox="0 0 14 14" aria-hidden="true"><rect width="14" height="14" fill=colour /></svg>{format!("{} {p} %", r.label)}</li> }
        })
        .collect_view();
    view! {
        <figure class="chart distribution-chart">
            <svg viewBox=format!("0 0 {WIDTH} 34") role="img" class="chart-bar">
                <title>{title}</title>
                <desc>{desc}</desc>
                {segments}
            </svg>
            <ul class="chart-legend" aria-hidden="true">{legend}</ul>
        </figure>
    }
}

/// Satisfied share with its 95 % interval, one row per item (e.g. per site or per month): a dot
/// at the share, a whisker from the low to the high bound, the figures written at the right.
#[component]
pub fn IntervalChart(
    /// `(label, estimate)`; items without an estimate are drawn as "pas de réponse".
    items: Vec<(String, Option<ShareEstimate>)>,
    /// Accessible title.
    title: String,
) -> impl IntoView {
    const LABEL_W: f64 = 190.0;
    const VALUE_W: f64 = 150.0;
    const ROW_H: f64 = 28.0;
    let plot_w = WIDTH - LABEL_W - VALUE_W;
    let x_of = |share: f64| LABEL_W + plot_w * share.clamp(0.0, 1.0);
    let height = ROW_H * items.len() as f64 + 24.0;
    let desc = items
        .iter()
        .map(|(label, e)| match e {
            Some(e) => format!("{label} : {} % (de {} à {} %)", fmt_percent(e.share), fmt_percent(e.interval.low), fmt_percent(e.interval.high)),
            None => format!("{label} : pas de réponse"),
        })
        .collect::<Vec<_>>()
        .join(" ; ");
    let grid = [0.0, 0.25, 0.5, 0.75, 1.0]
        .into_iter()
        .map(|t| {
            let x = format!("{:.1}", x_of(t));
            view! {
                <line x1=x.clone() x2=x.clone() y1="0" y2=format!("{:.1}", height - 18.0) class="chart-grid" />
                <text x=x y=format!("{:.1}", height - 4.0) text-anchor="middle" class="chart-axis">{format!("{:.0} %", t * 100.0)}</text>
            }
        })
        .collect_view();
    let rows = items
        .iter()
        .enumerate()
        .map(|(i, (label, e))| {
            let y = ROW_H * i as f64 + ROW_H / 2.0;
            let yt = format!("{:.1}", y + 5.0);
            let mark = match e {
                Some(e) => {
                    let (lo, hi, at) = (x_of(e.interval.low), x_of(e.interval.high), x_of(e.share));
                    view! {
                        <line x1=format!("{lo:.1}") x2=format!("{hi:.1}") y1=format!("{y:.1}") y2=format!("{y:.1}") class="chart-whisker" />
                        <line x1=format!("{lo:.1}") x2=format!("{lo:.1}") y1=format!("{:.1}", y - 6.0) y2=format!("{:.1}", y + 6.0) class="chart-whisker" />
                        <line x1=format!("{hi:.1}") x2=format!("{hi:.1}") y1=format!("{:.1}", y - 6.0) y2=format!("{:.1}", y + 6.0) class="chart-whisker" />
                        <circle cx=format!("{at:.1}") cy=format!("{y:.1}") r="6" class="chart-dot" />
                        <text x=format!("{:.1}", WIDTH - VALUE_W + 8.0) y=yt.clone() class="chart-value">
                            {format!("{} % [{}–{}]", fmt_percent(e.share), fmt_percent(e.interval.low), fmt_percent(e.interval.high))}
                        </text>
                    }
                    .into_any()
                }
                None => view! { <text x=format!("{:.1}", WIDTH - VALUE_W + 8.0) y=yt.clone() class="chart-value">"pas de réponse"</text> }.into_any(),
            };
            view! {
                <g>
                    <text x="0" y=yt class="chart-label">{truncate_label(label, 28)}</text>
                    {mark}
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart interval-chart">
            <svg viewBox=format!("0 0 {WIDTH} {height:.0}") role="img">
                <title>{title}</title>
                <desc>{desc}</desc>
                {grid}
                {rows}
            </svg>
        </figure>
    }
}

/// Respondents per month as bars (count written on each bar).
#[component]
pub fn MonthBars(
    /// `(short month label such as "03/25", respondents)`.
    items: Vec<(String, u64)>,
    /// Accessible title.
    title: String,
) -> impl IntoView {
    const H: f64 = 140.0;
    let max = items.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let n = items.len().max(1) as f64;
    let slot = WIDTH / n;
    let desc = items.iter().map(|(m, v)| format!("{m} : {v}")).collect::<Vec<_>>().join(", ");
    let bars = items
        .iter()
        .enumerate()
        .map(|(i, (month, v))| {
            let h = (H - 40.0) * (*v as f64) / max;
            let x = slot * i as f64 + slot * 0.15;
            let w = slot * 0.7;
            view! {
                <g>
                    <rect x=format!("{x:.1}") y=format!("{:.1}", H - 20.0 - h) width=format!("{w:.1}") height=format!("{h:.1}") class="chart-fill" />
                    <text x=format!("{:.1}", x + w / 2.0) y=format!("{:.1}", H - 24.0 - h) text-anchor="middle" class="chart-value">{v.to_string()}</text>
                    <text x=format!("{:.1}", x + w / 2.0) y=format!("{:.1}", H - 4.0) text-anchor="middle" class="chart-axis">{month.clone()}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart month-chart">
            <svg viewBox=format!("0 0 {WIDTH} {H}") role="img">
                <title>{title}</title>
                <desc>{desc}</desc>
                {bars}
            </svg>
        </figure>
    }
}

/// `label` cut to `max` characters with "…" (the full label is in the data table).
fn truncate_label(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        label.chars().take(max.saturating_sub(1)).collect::<String>() + "…"
    }
}

#[cfg(test)]
mod tests {
    use super::truncate_label;

    #[test]
    fn labels_are_cut_on_characters_not_bytes() {
        assert_eq!(truncate_label("Évry", 28), "Évry");
        assert_eq!(truncate_label("Sous-préfecture d'Étampes et environs", 10), "Sous-préf…");
        assert_eq!(truncate_label("مرحبا بكم في المحافظة", 5), "مرحب…");
    }
}
