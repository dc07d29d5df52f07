use std::collections::HashMap;

use leptos::prelude::*;
use vocab::{LogKind, LogOrder};

use super::{kind_label, request_link};
use crate::components::{EmptyList, ListView, Moment, SortHeader};
use crate::dto::RequestLogDto;

/// The rows in their order, except that the attempts of one gateway request are put
/// together where its first listed attempt was, first attempt first. Read slowest first,
/// rows stay apart: together they would break that order.
fn grouped(rows: Vec<RequestLogDto>, order: LogOrder) -> Vec<Vec<RequestLogDto>> {
    let mut groups: Vec<Vec<RequestLogDto>> = Vec::new();
    let mut by_request: HashMap<String, usize> = HashMap::new();
    for row in rows {
        let request =
            (row.request_id.clone()).filter(|_| row.kind == LogKind::Gateway && order != LogOrder::Slowest);
        if let Some(&at) = request.as_ref().and_then(|id| by_request.get(id)) {
            groups[at].push(row);
            continue;
        }
        if let Some(id) = request {
            by_request.insert(id, groups.len());
        }
        groups.push(vec![row]);
    }
    for group in &mut groups {
        group.sort_by_key(|r| (r.created_at, r.id));
    }
    groups
}

/// The end of a request id, enough to tell requests apart (the start of a UUIDv7 is a
/// time shared by the requests of a minute).
fn short_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    match chars.len() {
        0..=10 => id.to_owned(),
        n => format!("…{}", chars[n - 8..].iter().collect::<String>()),
    }
}

#[component]
pub fn LogTable(
    rows: Vec<RequestLogDto>,
    /// The list's view: its time and latency headers order it.
    list: ListView<LogOrder>,
    filtered: bool,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <EmptyList filtered nothing_yet="No requests yet."/> }.into_any();
    }
    let groups = grouped(rows, list.order.get_untracked())
        .into_iter()
        .map(|group| {
            let attempts = group.len();
            let request = group
                .first()
                .and_then(|r| r.request_id.clone())
                .unwrap_or_default();
            let class = if attempts > 1 { "attempts" } else { "single" };
            let rows = group
                .into_iter()
                .enumerate()
                .map(|(n, row)| view! { <LogRow row attempt=(n + 1, attempts)/> })
                .collect_view();
            view! { <tbody class=class data-request=request data-attempts=attempts>{rows}</tbody> }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0"><table class="list" id="request-logs">
            <thead><tr>
                <SortHeader list by=LogOrder::Newest reverse=LogOrder::Oldest label="Time" descending=true/>
                <th>"Kind"</th><th>"Request"</th><th>"Provider"</th><th>"Credential"</th><th>"Model"</th>
                <th>"Outcome"</th><th>"HTTP"</th>
                <SortHeader list by=LogOrder::Slowest label="Latency" descending=true/>
                <th>"Tokens"</th><th>"Error"</th>
            </tr></thead>
            {groups}
        </table></div>
    }
    .into_any()
}

/// One row; `attempt` is its place among its request's attempts (n of m).
#[component]
fn LogRow(row: RequestLogDto, attempt: (usize, usize)) -> impl IntoView {
    let r = row;
    let kind = match (&r.endpoint, r.kind) {
        (Some(endpoint), LogKind::Gateway) => format!("{} · {endpoint}", kind_label(r.kind)),
        _ => kind_label(r.kind).to_owned(),
    };
    let request = r
        .request_id
        .clone()
        .filter(|_| r.kind == LogKind::Gateway)
        .map(|id| {
            let numbered = (attempt.1 > 1).then(
                || view! { <span class="attempt">{format!("attempt {} of {}", attempt.0, attempt.1)}</span> },
            );
            view! {
                <a class="request-id" href=request_link(&id) title=id.clone()>{short_id(&id)}</a>
                {numbered}
            }
        });
    let tokens = match (r.prompt_tokens, r.completion_tokens) {
        (None, None) => String::new(),
        (prompt, completion) => format!("{} + {}", prompt.unwrap_or(0), completion.unwrap_or(0)),
    };
    view! {
        <tr data-status=r.status.as_str() data-kind=r.kind.as_str()>
            <td class="time"><Moment at=Some(r.created_at)/></td>
            <td class="kind">{kind}</td>
            <td class="request">{request}</td>
            <td>{r.provider}</td>
            <td class="credential">{r.credential_name.unwrap_or_else(|| "(unsaved)".to_owned())}</td>
            <td class="model">{r.model}</td>
            <td class="outcome">{r.status.as_str().replace('_', " ")}</td>
            <td>{r.http_status}</td>
            <td class="num latency">
                {format!("{} ms", r.latency_ms)}
                {r.ttfb_ms.map(|ms| view! { <span class="sub ttfb" title="time to the first byte">{format!("first byte {ms} ms")}</span> })}
            </td>
            <td class="num tokens" title="prompt + completion tokens">{tokens}</td>
            <td>{r.error}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, Utc};
    use uuid::Uuid;
    use vocab::Outcome;

    fn row(request: Option<&str>, seconds_ago: i64) -> RequestLogDto {
        RequestLogDto {
            id: Uuid::from_u128(seconds_ago as u128),
            kind: if request.is_some() {
                LogKind::Gateway
            } else {
                LogKind::Test
            },
            status: Outcome::Ok,
            http_status: Some(200),
            latency_ms: 5,
            provider: None,
            credential_id: None,
            credential_name: None,
            user_id: None,
            model: None,
            error: None,
            created_at: Utc::now() - Duration::seconds(seconds_ago),
            request_id: request.map(str::to_owned),
            endpoint: None,
            token_id: None,
            ttfb_ms: None,
            prompt_tokens: None,
            completion_tokens: None,
        }
    }

    #[test]
    fn the_attempts_of_a_request_stay_together_first_attempt_first() {
        // Newest first, as the page gets them: b's second attempt, a test, a, b's first.
        let rows = vec![
            row(Some("b"), 1),
            row(None, 2),
            row(Some("a"), 3),
            row(Some("b"), 4),
        ];
        let groups = grouped(rows.clone(), LogOrder::Newest);
        let shape: Vec<(Option<String>, usize)> = groups
            .iter()
            .map(|g| (g[0].request_id.clone(), g.len()))
            .collect();
        assert_eq!(
            shape,
            [(Some("b".to_owned()), 2), (None, 1), (Some("a".to_owned()), 1)]
        );
        assert!(groups[0][0].created_at < groups[0][1].created_at);
        // Slowest first, each row stays where the order put it.
        assert_eq!(grouped(rows, LogOrder::Slowest).len(), 4);
    }

    #[test]
    fn a_short_id_is_the_end_of_the_id() {
        assert_eq!(short_id("0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b"), "…3e4f5a6b");
        assert_eq!(short_id("abc"), "abc");
    }
}
