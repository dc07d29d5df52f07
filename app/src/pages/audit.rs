//! The audit log (admins): who did what, to which thing, from where and when.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::audit::list_audit;
use crate::components::{page_result, url_param, Moment, Pager};
use crate::dto::AuditEventDto;
use vocab::AuditAction;

const PER_PAGE: u64 = 50;

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let action_param = url_param("action", String::new());
    let action = move || AuditAction::parse(&action_param.get());
    let page = url_param("page", 1_u64);
    let events = Resource::new(
        move || (action(), page.get()),
        |(action, page)| list_audit(action, page),
    );
    view! {
        <Title text="Audit log"/>
        <h1>"Audit log"</h1>
        <p class="subtitle">"Each event carries the hash of the one before; " <code>"switchyard audit verify"</code> " checks the chain."</p>
        <div class="filters">
            <label>"Action"
                <select on:change=move |ev| { action_param.set(event_target_value(&ev)); page.set(1); }
                    prop:value=move || action().map_or("", AuditAction::as_str)>
                    <option value="">"all actions"</option>
                    {AuditAction::ALL.iter().map(|a| view! {
                        <option value=a.as_str() selected=move || action() == Some(*a)>{a.as_str()}</option>
                    }).collect_view()}
                </select>
            </label>
        </div>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                page_result(events.await, |list| {
                    view! {
                        <AuditTable rows=list.rows/>
                        <Pager page total=list.total per_page=PER_PAGE noun="event(s)" labels=("Newer", "Older")/>
                    }
                    .into_any()
                })
            })}
        </Transition>
    }
}

#[component]
fn AuditTable(rows: Vec<AuditEventDto>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">"Nothing recorded yet."</p> }.into_any();
    }
    view! {
        <div class="table-scroll" tabindex="0"><table class="list" id="audit">
            <thead><tr><th>"#"</th><th>"Time"</th><th>"Who"</th><th>"Action"</th><th>"Target"</th><th>"Details"</th><th>"From"</th></tr></thead>
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
