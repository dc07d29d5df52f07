//! Request logs (admins): every request sent to a provider, newest first.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::logs::list_request_logs;
use crate::components::{page_result, Pager};
use crate::dto::RequestLogDto;
use vocab::{LogKind, Outcome};

const PER_PAGE: u64 = 50;
/// How the kind filter names each kind of request.
fn kind_label(kind: LogKind) -> &'static str {
    match kind {
        LogKind::Test => "tests",
        LogKind::ScheduledCheck => "scheduled checks",
        LogKind::Gateway => "gateway calls",
    }
}

#[component]
pub fn RequestLogsPage() -> impl IntoView {
    let provider = RwSignal::new(String::new());
    let status = RwSignal::new(None::<Outcome>);
    let kind = RwSignal::new(None::<LogKind>);
    let page = RwSignal::new(1_u64);
    let logs = Resource::new(
        move || (provider.get(), status.get(), kind.get(), page.get()),
        |(provider, status, kind, page)| list_request_logs(provider, status, kind, page),
    );
    let refilter = move || page.set(1);
    view! {
        <Title text="Request logs"/>
        <h1>"Request logs"</h1>
        <p class="subtitle">"Every request sent to a provider: tests, scheduled checks and gateway calls. Kept for the configured number of days."</p>
        <div class="filters">
            <label>"Provider"
                <input type="search" placeholder="identifier, e.g. gemini"
                    on:change=move |ev| { provider.set(event_target_value(&ev)); refilter(); } prop:value=move || provider.get()/>
            </label>
            <label>"Outcome"
                <select on:change=move |ev| { status.set(Outcome::parse(&event_target_value(&ev))); refilter(); }
                    prop:value=move || status.get().map_or("", Outcome::as_str)>
                    <option value="">"all outcomes"</option>
                    {Outcome::ALL.iter().map(|o| view! { <option value=o.as_str()>{o.as_str().replace('_', " ")}</option> }).collect_view()}
                </select>
            </label>
            <label>"Kind"
                <select on:change=move |ev| { kind.set(LogKind::parse(&event_target_value(&ev))); refilter(); }
                    prop:value=move || kind.get().map_or("", LogKind::as_str)>
                    <option value="">"all kinds"</option>
                    {LogKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{kind_label(*k)}</option> }).collect_view()}
                </select>
            </label>
        </div>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                page_result(logs.await, |list| {
                    view! {
                        <LogTable rows=list.rows/>
                        <Pager page total=list.total per_page=PER_PAGE noun="request(s)" labels=("Newer", "Older")/>
                    }
                    .into_any()
                })
            })}
        </Transition>
    }
}

#[component]
fn LogTable(rows: Vec<RequestLogDto>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">"No request matches."</p> }.into_any();
    }
    view! {
        <table class="list" id="request-logs">
            <thead><tr><th>"Time (UTC)"</th><th>"Kind"</th><th>"Provider"</th><th>"Credential"</th><th>"Outcome"</th><th>"HTTP"</th><th>"Latency"</th><th>"Error"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr data-status=r.status.as_str()>
                        <td>{r.created_at.format("%Y-%m-%d %H:%M:%S").to_string()}</td>
                        <td>{r.kind.as_str()}</td>
                        <td>{r.provider}</td>
                        <td class="credential">{r.credential_name.unwrap_or_else(|| "(unsaved)".to_owned())}</td>
                        <td class="outcome">{r.status.as_str().replace('_', " ")}</td>
                        <td>{r.http_status}</td>
                        <td>{format!("{} ms", r.latency_ms)}</td>
                        <td>{r.error}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
