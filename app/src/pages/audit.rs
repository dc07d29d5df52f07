//! The audit log (admins): who did what, to which thing, from where and when.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::audit::list_audit;
use crate::components::{
    page_result, page_size, url_param, EmptyList, ListView, Moment, PageSizeChoice, Pager, SearchBox,
    SortHeader,
};
use crate::dto::AuditEventDto;
use vocab::{AuditAction, LogOrder};

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let action_param = url_param("action", String::new());
    let action = move || AuditAction::parse(&action_param.get());
    // An order the audit log cannot be read in (slowest first, typed in the address) reads
    // as newest first.
    let list = ListView::among(LogOrder::Newest, LogOrder::reads_audit_log);
    let events = Resource::new(
        move || {
            (
                action(),
                list.search.get(),
                list.order.get(),
                list.page.get(),
                list.size(),
            )
        },
        |(action, search, order, page, per_page)| list_audit(action, page, search, order, per_page),
    );
    view! {
        <Title text="Audit log"/>
        <h1>"Audit log"</h1>
        <p class="subtitle">"Each event carries the hash of the one before; " <code>"switchyard audit verify"</code> " checks the chain."</p>
        <div class="filters">
            <label>"Action"
                <select on:change=move |ev| { action_param.set(event_target_value(&ev)); list.page.set(1); }
                    prop:value=move || action().map_or("", AuditAction::as_str)>
                    <option value="">"all actions"</option>
                    {AuditAction::ALL.iter().map(|a| view! {
                        <option value=a.as_str() selected=move || action() == Some(*a)>{a.as_str()}</option>
                    }).collect_view()}
                </select>
            </label>
            <SearchBox search=list.search page=list.page label="Search events"/>
            <PageSizeChoice list/>
        </div>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                page_result(events.await, |found| {
                    let filtered = action_param.get_untracked() != "" || list.searching();
                    let per_page = page_size(list.per_page.get_untracked());
                    let labels = match list.order.get_untracked() {
                        LogOrder::Oldest => ("Older", "Newer"),
                        _ => ("Newer", "Older"),
                    };
                    view! {
                        <AuditTable rows=found.rows list filtered/>
                        <Pager page=list.page total=found.total per_page noun="event(s)" labels/>
                    }
                    .into_any()
                })
            })}
        </Transition>
    }
}

#[component]
fn AuditTable(rows: Vec<AuditEventDto>, list: ListView<LogOrder>, filtered: bool) -> impl IntoView {
    if rows.is_empty() {
        return view! { <EmptyList filtered nothing_yet="Nothing recorded yet."/> }.into_any();
    }
    view! {
        <div class="table-scroll" tabindex="0"><table class="list" id="audit">
            <thead><tr>
                <th>"#"</th>
                <SortHeader list by=LogOrder::Newest reverse=LogOrder::Oldest label="Time" descending=true/>
                <th>"Who"</th><th>"Action"</th><th>"Target"</th><th>"Details"</th><th>"From"</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|e| { let action = e.action.clone(); view! {
                    <tr data-action=action>
                        <td>{e.seq}</td>
                        <td><Moment at=Some(e.created_at)/></td>
                        <td>{e.actor_email.unwrap_or_else(|| "system".to_owned())}</td>
                        <td class="action"><code>{e.action}</code></td>
                        <td>{e.details.get("name").and_then(|n| n.as_str()).map(str::to_owned).or(e.target)}</td>
                        <td class="details"><code>{e.details.to_string()}</code></td>
                        <td>{e.ip}</td>
                    </tr>
                }}).collect_view()}
            </tbody>
        </table></div>
    }
    .into_any()
}
