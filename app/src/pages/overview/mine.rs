//! A regular user's overview: their own gateway use and how each of their connections
//! does.

use leptos::prelude::*;
use vocab::{CredentialOrder, Scope};

use super::{thousands, Figure};
use crate::api::credentials::list_credentials;
use crate::api::overview::get_my_usage;
use crate::components::{page_result, BarChart, BarGroup, Moment, StatusBadge};
use crate::dto::{CredentialDto, UsageDto};
use crate::pages::credentials::{credential_status, last_test_view};

/// A user's own view: their gateway requests and how each of their connections does.
#[component]
pub(super) fn MyOverview() -> impl IntoView {
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
    // A bar for every day of the report, idle days at zero: the report lists days with use.
    let per_day: Vec<BarGroup> = report_days(&usage.from, &usage.to)
        .into_iter()
        .map(|day| {
            let requests = usage.days.iter().find(|d| d.day == day).map_or(0, |d| d.requests);
            BarGroup {
                label: day,
                colour: 0,
                values: vec![Some(requests as f64)],
            }
        })
        .collect();
    let show_chart = usage.requests > 0 && !per_day.is_empty();
    view! {
        <div class="figures">
            <Figure label="Today" value=today_requests detail=today_tokens/>
            <Figure label="Last 7 days" value=week_requests detail=week_tokens/>
        </div>
        {show_chart.then(|| view! {
            <div class="charts">
                <BarChart title="Your requests per day" unit="requests" series=vec!["requests"] groups=per_day counts=true/>
            </div>
        })}
    }
}

/// Every day from `from` to `to` (`YYYY-MM-DD`, both included); none when either is
/// unreadable.
fn report_days(from: &str, to: &str) -> Vec<String> {
    let parse = |day: &str| chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").ok();
    let (Some(from), Some(to)) = (parse(from), parse(to)) else {
        return Vec::new();
    };
    from.iter_days()
        .take_while(|day| *day <= to)
        .map(|day| day.format("%Y-%m-%d").to_string())
        .collect()
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

#[cfg(test)]
mod tests {
    use super::report_days;

    #[test]
    fn every_day_of_the_report_has_a_bar() {
        assert_eq!(
            report_days("2026-02-27", "2026-03-02"),
            ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"]
        );
        assert!(report_days("someday", "2026-03-02").is_empty());
    }
}
