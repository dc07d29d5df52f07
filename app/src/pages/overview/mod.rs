//! The overview: for admins, the instance's counts and each provider's requests, tokens and
//! health over the last 24 hours or 7 days (charts and a table with the same numbers)
//! and what is out of rotation.

use leptos::prelude::*;
use leptos_meta::Title;

mod mine;

use mine::MyOverview;

use crate::api::auth::current_user;
use crate::api::overview::{get_figures, get_overview};
use crate::components::{page_result, url_param, BarChart, BarGroup, LineChart, LineSeries};
use crate::dto::{FiguresDto, HourDto, ProviderFiguresDto, SidelinedDto};
use crate::AppError;
use vocab::{DisabledReason, Window};

#[component]
pub fn OverviewPage() -> impl IntoView {
    // A user's overview is their own: the admins' figures are not even asked for.
    let me = Resource::new(|| (), |_| current_user());
    let is_admin = move || async move { me.await.map(|user| user.is_some_and(|u| u.is_admin())) };
    let overview = Resource::new(
        || (),
        move |_| async move {
            match is_admin().await? {
                true => get_overview().await.map(Some),
                false => Ok(None),
            }
        },
    );
    let window = url_param("window", Window::Day);
    let health = Resource::new(
        move || window.get(),
        move |window| async move {
            match is_admin().await? {
                true => get_figures(window).await.map(Some),
                false => Ok(None),
            }
        },
    );
    view! {
        <Title text="Overview"/>
        <h1>"Overview"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(Some(o)) => view! {
                        <div class="figures">
                            <Figure label="Providers" value=o.providers detail=format!("{} enabled", o.enabled_providers)/>
                            <Figure label="Credentials" value=o.credentials detail=format!("{} active", o.active_credentials)/>
                            <Figure label="Users" value=o.users detail=String::new()/>
                            <Figure label="Templates" value=o.templates detail=String::new()/>
                        </div>
                    }.into_any(),
                    // The instance's counts are the admins'; a user's own figures follow.
                    Ok(None) | Err(AppError::Forbidden) => ().into_any(),
                    Err(error) => page_result(Err::<(), _>(error), |_| ().into_any()),
                }
            })}
        </Suspense>
        // A Transition: switching the window keeps the section (and the focused link)
        // until the new figures are in.
        <Transition>
            {move || Suspend::new(async move {
                match health.await {
                    Ok(Some(health)) => view! { <HealthSection health/> }.into_any(),
                    // A user sees their own connections and requests instead.
                    Ok(None) | Err(AppError::Forbidden) => view! { <MyOverview/> }.into_any(),
                    Err(error) => page_result(Err::<(), _>(error), |_| ().into_any()),
                }
            })}
        </Transition>
    }
}

#[component]
pub(super) fn Figure(label: &'static str, value: u64, detail: String) -> impl IntoView {
    view! {
        <div class="figure" data-figure=label.to_lowercase()>
            <span class="figure-label">{label}</span>
            <span class="figure-value">{value}</span>
            <span class="figure-detail">{detail}</span>
        </div>
    }
}

/// What a window's charts say: its span, its bucket and how its x axis is labelled.
struct Span {
    span: &'static str,
    errors_title: &'static str,
    errors_unit: &'static str,
    tokens_title: &'static str,
    tokens_unit: &'static str,
    x_unit: &'static str,
    x_format: &'static str,
    label_every: usize,
    worst_title: &'static str,
}

fn span(window: Window) -> Span {
    match window {
        Window::Day => Span {
            span: "24 hours",
            errors_title: "Errors per hour",
            errors_unit: "errors / hour",
            tokens_title: "Tokens per hour",
            tokens_unit: "tokens / hour",
            x_unit: "hour (UTC)",
            x_format: "%H:00",
            label_every: 3,
            worst_title: "Most errors in an hour",
        },
        Window::Week => Span {
            span: "7 days",
            errors_title: "Errors per 6 hours",
            errors_unit: "errors / 6 h",
            tokens_title: "Tokens per 6 hours",
            tokens_unit: "tokens / 6 h",
            x_unit: "day (UTC)",
            x_format: "%a %d",
            label_every: 4,
            worst_title: "Most errors in 6 hours",
        },
    }
}

/// The two windows as links, so the choice is in the address (and works before the
/// page's script has loaded).
#[component]
fn WindowChoice(current: Window) -> impl IntoView {
    let choices = Window::ALL
        .iter()
        .map(|&window| {
            let href = match window {
                Window::Day => "/".to_owned(),
                other => format!("/?window={other}"),
            };
            view! {
                <a href=href aria-current=(window == current).then_some("page")>{span(window).span}</a>
            }
        })
        .collect_view();
    view! { <nav class="window-choice" aria-label="Time range">{choices}</nav> }
}

#[component]
fn HealthSection(health: FiguresDto) -> impl IntoView {
    let words = span(health.window);
    let busy: Vec<ProviderFiguresDto> = health
        .providers
        .iter()
        .filter(|p| p.requests > 0)
        .cloned()
        .collect();
    // A provider's colour is its place among the busy ones, the same in every chart.
    let labels: Vec<String> = busy
        .first()
        .map(|p| {
            p.hourly
                .iter()
                .map(|h| h.hour.format(words.x_format).to_string())
                .collect()
        })
        .unwrap_or_default();
    // One series or bar group per busy provider, in its colour.
    let lines = |value: fn(&HourDto) -> f64, keep: fn(&ProviderFiguresDto) -> bool| -> Vec<LineSeries> {
        (busy.iter().enumerate())
            .filter(|(_, p)| keep(p))
            .map(|(n, p)| LineSeries {
                name: p.provider.clone(),
                values: p.hourly.iter().map(value).collect(),
                colour: n,
            })
            .collect()
    };
    let bars = |values: fn(&ProviderFiguresDto) -> Vec<Option<f64>>| -> Vec<BarGroup> {
        (busy.iter().enumerate())
            .map(|(n, p)| BarGroup {
                label: p.provider.clone(),
                colour: n,
                values: values(p),
            })
            .collect()
    };
    let errors = lines(|h| h.errors as f64, |_| true);
    let latency = bars(|p| vec![p.avg_latency_ms, p.p95_latency_ms.map(|v| v as f64)]);
    let success = bars(|p| vec![p.success_rate.map(|r| r * 100.0)]);
    let tokens = lines(|h| h.tokens as f64, |p| p.tokens > 0);
    let token_chart = (!tokens.is_empty()).then(|| {
        let labels = labels.clone();
        view! {
            <LineChart title=words.tokens_title y_unit=words.tokens_unit x_unit=words.x_unit
                x_labels=labels label_every=words.label_every series=tokens/>
        }
    });
    let charts = (!busy.is_empty()).then(|| view! {
        <div class="charts">
            <LineChart title=words.errors_title y_unit=words.errors_unit x_unit=words.x_unit
                x_labels=labels label_every=words.label_every series=errors/>
            {token_chart}
            <BarChart title="Latency" unit="ms" series=vec!["average", "p95"] groups=latency/>
            <BarChart title="Success rate" unit="%" series=vec!["success rate"] groups=success fixed_max=100.0/>
        </div>
    });
    view! {
        <section class="health" id="health">
            <h2>"Health, last " {words.span}</h2>
            <WindowChoice current=health.window/>
            <p class="subtitle">
                "Since " {health.since.format("%Y-%m-%d %H:%M UTC").to_string()}
                ": every test, scheduled check and gateway call; an error is any outcome other than ok. \
                Tokens are the prompt and completion tokens the gateway's answers reported."
            </p>
            {charts}
            {busy.is_empty().then(|| view! { <p class="empty">"No requests in the last " {words.span} "."</p> })}
            <HealthTable providers=health.providers worst_title=words.worst_title/>
            <h2>"Out of rotation"</h2>
            <SidelinedTable rows=health.sidelined/>
        </section>
    }
}

/// `1234567` as `1,234,567`: token counts run into millions.
pub(super) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[component]
fn HealthTable(providers: Vec<ProviderFiguresDto>, worst_title: &'static str) -> impl IntoView {
    let rows = providers
        .into_iter()
        .map(|p| {
            let worst = p.hourly.iter().map(|h| h.errors).max().unwrap_or(0);
            view! {
                <tr data-provider=p.provider.clone()>
                    <td>{p.name.clone()} " " <code>{p.provider.clone()}</code></td>
                    <td class="num" data-col="requests">{p.requests}</td>
                    <td class="num" data-col="tokens">{thousands(p.tokens)}</td>
                    <td class="num" data-col="errors">{p.errors}</td>
                    <td class="num" data-col="success">{p.success_rate.map_or("–".to_owned(), |r| format!("{:.1} %", r * 100.0))}</td>
                    <td class="num" data-col="avg">{p.avg_latency_ms.map_or("–".to_owned(), |v| format!("{v:.0} ms"))}</td>
                    <td class="num" data-col="p95">{p.p95_latency_ms.map_or("–".to_owned(), |v| format!("{v} ms"))}</td>
                    <td class="num" data-col="worst-hour">{worst}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0"><table class="list health-table">
            <thead><tr>
                <th>"Provider"</th><th>"Requests"</th><th>"Tokens"</th><th>"Errors"</th><th>"Success rate"</th>
                <th>"Avg latency"</th><th>"p95 latency"</th><th>{worst_title}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table></div>
    }
}

#[component]
fn SidelinedTable(rows: Vec<SidelinedDto>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty" id="sidelined">"Every credential is in rotation."</p> }.into_any();
    }
    let rows = rows
        .into_iter()
        .map(|c| {
            let why = match (c.state.as_str(), c.disabled_reason) {
                ("cooldown", _) => format!(
                    "cooldown until {} after {} failed check(s)",
                    c.cooldown_until
                        .map(|t| t.format("%H:%M:%S UTC").to_string())
                        .unwrap_or_default(),
                    c.consecutive_failures
                ),
                (_, Some(DisabledReason::Health)) => format!(
                    "disabled by the health checks{} after {} failures in a row",
                    c.disabled_at
                        .map(|t| t.format(" at %Y-%m-%d %H:%M UTC").to_string())
                        .unwrap_or_default(),
                    c.consecutive_failures
                ),
                _ => "disabled by an admin".to_owned(),
            };
            view! {
                <tr data-credential=c.name.clone() data-state=c.state.clone()>
                    <td>{c.name.clone()}</td>
                    <td><code>{c.provider.clone()}</code></td>
                    <td>{c.scope.as_str()}</td>
                    <td class="why">{why}</td>
                    <td class="muted">{c.last_error.clone().unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0"><table class="list" id="sidelined">
            <thead><tr><th>"Credential"</th><th>"Provider"</th><th>"Scope"</th><th>"Why"</th><th>"Last error"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table></div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn big_counts_are_grouped_by_thousands() {
        assert_eq!(
            [0, 21, 999, 1_000, 1_234_567].map(thousands),
            ["0", "21", "999", "1,000", "1,234,567"]
        );
    }
}
