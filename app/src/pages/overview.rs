//! The overview: counts for everyone; for admins, each provider's requests, tokens and
//! health over the last 24 hours or 7 days (charts and a table with the same numbers)
//! and what is out of rotation.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::credentials::list_credentials;
use crate::api::overview::{get_figures, get_my_usage, get_overview};
use crate::components::{
    page_result, url_param, BarChart, BarGroup, LineChart, LineSeries, Moment, StatusBadge,
};
use crate::dto::{CredentialDto, FiguresDto, ProviderFiguresDto, SidelinedDto, UsageDto};
use crate::pages::credentials::{credential_status, last_test_view};
use crate::AppError;
use vocab::{CredentialOrder, DisabledReason, Scope, Window};

#[component]
pub fn OverviewPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_overview());
    let window = url_param("window", Window::Day);
    let health = Resource::new(move || window.get(), get_figures);
    view! {
        <Title text="Overview"/>
        <h1>"Overview"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                page_result(overview.await, |o| view! {
                    <div class="figures">
                        <Figure label="Providers" value=o.providers detail=format!("{} enabled", o.enabled_providers)/>
                        <Figure label="Credentials" value=o.credentials detail=format!("{} active", o.active_credentials)/>
                        <Figure label="Users" value=o.users detail=String::new()/>
                        <Figure label="Templates" value=o.templates detail=String::new()/>
                    </div>
                }.into_any())
            })}
        </Suspense>
        // A Transition: switching the window keeps the section (and the focused link)
        // until the new figures are in.
        <Transition>
            {move || Suspend::new(async move {
                match health.await {
                    Ok(health) => view! { <HealthSection health/> }.into_any(),
                    // A user sees their own connections and requests instead.
                    Err(AppError::Forbidden) => view! { <MyOverview/> }.into_any(),
                    Err(error) => page_result(Err::<(), _>(error), |_| ().into_any()),
                }
            })}
        </Transition>
    }
}

/// A user's own view: their gateway requests and how each of their connections does.
#[component]
fn MyOverview() -> impl IntoView {
    let usage = Resource::new(|| (), |_| get_my_usage());
    let connections = Resource::new(
        || (),
        |_| {
            list_credentials(
                Scope::Personal,
                String::new(),
                1,
                String::new(),
                CredentialOrder::Priority,
                0,
            )
        },
    );
    view! {
        <section id="my-usage">
            <h2>"Your requests through the gateway"</h2>
            <Suspense>
                {move || Suspend::new(async move {
                    page_result(usage.await, |u| view! { <MyUsage usage=u/> }.into_any())
                })}
            </Suspense>
        </section>
        <section id="my-connections">
            <h2>"Your connections"</h2>
            <Suspense>
                {move || Suspend::new(async move {
                    page_result(connections.await, |list| view! { <ConnectionHealth rows=list.rows/> }.into_any())
                })}
            </Suspense>
        </section>
    }
}

/// Today's and the week's requests and tokens, and a bar per day.
#[component]
fn MyUsage(usage: UsageDto) -> impl IntoView {
    let today = usage.days.iter().find(|d| d.day == usage.to);
    let figure = |requests: i64, prompt: i64, completion: i64| {
        let tokens = u64::try_from(prompt + completion).unwrap_or(0);
        (
            u64::try_from(requests).unwrap_or(0),
            format!("{} tokens", thousands(tokens)),
        )
    };
    let (today_requests, today_tokens) = today.map_or((0, "0 tokens".to_owned()), |d| {
        figure(d.requests, d.prompt_tokens, d.completion_tokens)
    });
    let (week_requests, week_tokens) = figure(usage.requests, usage.prompt_tokens, usage.completion_tokens);
    let per_day: Vec<BarGroup> = usage
        .days
        .iter()
        .map(|d| BarGroup {
            label: d.day.clone(),
            colour: 0,
            values: vec![Some(d.requests as f64)],
        })
        .collect();
    view! {
        <div class="figures">
            <Figure label="Today" value=today_requests detail=today_tokens/>
            <Figure label="Last 7 days" value=week_requests detail=week_tokens/>
        </div>
        {(!per_day.is_empty()).then(|| view! {
            <div class="charts">
                <BarChart title="Your requests per day" unit="requests" series=vec!["requests"] groups=per_day counts=true/>
            </div>
        })}
    }
}

/// Each connection's status, last test, use this month and last use.
#[component]
fn ConnectionHealth(rows: Vec<CredentialDto>) -> impl IntoView {
    if rows.is_empty() {
        return view! {
            <p class="empty">"No connections yet. " <a href="/connections">"Add your first key"</a> " to use the gateway with it."</p>
        }
        .into_any();
    }
    let rows = rows
        .into_iter()
        .map(|c| {
            let (tone, status) = credential_status(&c);
            let used = match c.monthly_quota {
                Some(quota) => format!("{} of {quota}", c.current_month_usage),
                None => c.current_month_usage.to_string(),
            };
            view! {
                <tr data-name=c.name.clone()>
                    <td>{c.name.clone()}</td>
                    <td>{c.provider_name.clone()}</td>
                    <td class="status"><StatusBadge tone text=status/></td>
                    <td class="last-test">{last_test_view(&c)}</td>
                    <td class="num">{used}</td>
                    <td><Moment at=c.last_used_at/></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0"><table class="list" id="connection-health">
            <thead><tr>
                <th>"Connection"</th><th>"Provider"</th><th>"Status"</th><th>"Last test"</th>
                <th>"Requests this month"</th><th>"Last used"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table></div>
        <p><a href="/connections">"Manage your connections"</a></p>
    }
    .into_any()
}

#[component]
fn Figure(label: &'static str, value: u64, detail: String) -> impl IntoView {
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
    let errors: Vec<LineSeries> = busy
        .iter()
        .enumerate()
        .map(|(n, p)| LineSeries {
            name: p.provider.clone(),
            values: p.hourly.iter().map(|h| h.errors as f64).collect(),
            colour: n,
        })
        .collect();
    let latency: Vec<BarGroup> = busy
        .iter()
        .enumerate()
        .map(|(n, p)| BarGroup {
            label: p.provider.clone(),
            colour: n,
            values: vec![p.avg_latency_ms, p.p95_latency_ms.map(|v| v as f64)],
        })
        .collect();
    let success: Vec<BarGroup> = busy
        .iter()
        .enumerate()
        .map(|(n, p)| BarGroup {
            label: p.provider.clone(),
            colour: n,
            values: vec![p.success_rate.map(|r| r * 100.0)],
        })
        .collect();
    let tokens: Vec<LineSeries> = busy
        .iter()
        .enumerate()
        .filter(|(_, p)| p.tokens > 0)
        .map(|(n, p)| LineSeries {
            name: p.provider.clone(),
            values: p.hourly.iter().map(|h| h.tokens as f64).collect(),
            colour: n,
        })
        .collect();
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
fn thousands(n: u64) -> String {
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
