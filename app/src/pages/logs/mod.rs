//! Request logs (admins): every request sent to a provider, newest first; the attempts
//! of one gateway request together, and `?request=<id>` to list one request alone.

mod table;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::logs::list_request_logs;
use crate::api::providers::list_providers;
use crate::components::{
    encode_query_value, page_result, page_size, url_param, ListView, PageSizeChoice, Pager, SearchBox,
};
use table::LogTable;
use vocab::{LogKind, LogOrder, Outcome};

/// How the page names each kind of request, in the filter and in the rows alike (the
/// stored words, `probe` and `health`, are the API's).
pub fn kind_label(kind: LogKind) -> &'static str {
    match kind {
        LogKind::Test => "test",
        LogKind::ScheduledCheck => "scheduled check",
        LogKind::Gateway => "gateway",
    }
}

/// The link that lists the attempts of one gateway request.
pub fn request_link(request_id: &str) -> String {
    format!("/logs?request={}", encode_query_value(request_id))
}

#[component]
pub fn RequestLogsPage() -> impl IntoView {
    let query = use_query_map();
    let request = Memo::new(move |_| query.read().get("request").unwrap_or_default());
    let provider = url_param("provider", String::new());
    // Every provider, disabled ones too: their old requests stay in the log.
    let providers = Resource::new(
        || (),
        |_| list_providers(String::new(), String::new(), String::new()),
    );
    let status_param = url_param("outcome", String::new());
    let status = move || Outcome::parse(&status_param.get());
    let kind_param = url_param("kind", String::new());
    let kind = move || LogKind::parse(&kind_param.get());
    let list = ListView::new(LogOrder::Newest);
    let logs = Resource::new(
        move || {
            (
                (provider.get(), status(), kind(), request.get()),
                (list.search.get(), list.order.get(), list.page.get(), list.size()),
            )
        },
        |((provider, status, kind, request), (search, order, page, per_page))| {
            list_request_logs(provider, status, kind, request, page, search, order, per_page)
        },
    );
    let refilter = move || list.page.set(1);
    let navigate = use_navigate();
    let find_request = move |ev| {
        let id = event_target_value(&ev);
        let target = match id.trim() {
            "" => "/logs".to_owned(),
            id => request_link(id),
        };
        navigate(&target, Default::default());
    };
    view! {
        <Title text="Request logs"/>
        <h1>"Request logs"</h1>
        <p class="subtitle">"Every request sent to a provider: tests, scheduled checks and gateway calls. Kept for the configured number of days. \
            The attempts of one gateway request are listed together, first attempt first; its request id lists them alone."</p>
        <div class="filters">
            <label>"Provider"
                <select on:change=move |ev| { provider.set(event_target_value(&ev)); refilter(); } prop:value=move || provider.get()>
                    <option value="">"all providers"</option>
                    <Suspense>
                        {move || Suspend::new(async move {
                            providers.await.unwrap_or_default().into_iter().map(|p| {
                                let identifier = p.identifier.clone();
                                view! {
                                    <option value=p.identifier.clone() selected=move || provider.get() == identifier>{p.name}</option>
                                }
                            }).collect_view()
                        })}
                    </Suspense>
                </select>
            </label>
            <label>"Outcome"
                <select on:change=move |ev| { status_param.set(event_target_value(&ev)); refilter(); }
                    prop:value=move || status().map_or("", Outcome::as_str)>
                    <option value="">"all outcomes"</option>
                    {Outcome::ALL.iter().map(|o| view! {
                        <option value=o.as_str() selected=move || status() == Some(*o)>{o.as_str().replace('_', " ")}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>"Kind"
                <select on:change=move |ev| { kind_param.set(event_target_value(&ev)); refilter(); }
                    prop:value=move || kind().map_or("", LogKind::as_str)>
                    <option value="">"all kinds"</option>
                    {LogKind::ALL.iter().map(|k| view! {
                        <option value=k.as_str() selected=move || kind() == Some(*k)>{kind_label(*k)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>"Request id"
                <input type="search" name="request" placeholder="x-request-id" on:change=find_request prop:value=move || request.get()/>
            </label>
            <SearchBox search=list.search page=list.page label="Search requests"/>
            <PageSizeChoice list/>
        </div>
        {move || {
            let id = request.get();
            (!id.is_empty()).then(|| view! {
                <p class="filter-note" id="request-filter">
                    "The attempts of request " <code>{id}</code> " · " <a href="/logs">"every request"</a>
                </p>
            })
        }}
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                page_result(logs.await, |found| {
                    let filtered = !provider.get_untracked().is_empty() || status_param.get_untracked() != ""
                        || kind_param.get_untracked() != "" || !request.get_untracked().is_empty() || list.searching();
                    let per_page = page_size(list.per_page.get_untracked());
                    let labels = match list.order.get_untracked() {
                        LogOrder::Newest => ("Newer", "Older"),
                        LogOrder::Oldest => ("Older", "Newer"),
                        LogOrder::Slowest => ("Slower", "Faster"),
                    };
                    view! {
                        <LogTable rows=found.rows list filtered/>
                        <Pager page=list.page total=found.total per_page noun="request(s)" labels/>
                    }
                    .into_any()
                })
            })}
        </Transition>
    }
}
