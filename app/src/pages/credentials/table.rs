use leptos::prelude::*;

use super::delete_button::DeleteButton;
use super::list::Actions;
use crate::components::ProbeResult;
use crate::dto::{CredentialDto, CredentialScope};

/// Credentials in the order they are used; move buttons reorder within a provider.
#[component]
pub fn CredentialTable(rows: Vec<CredentialDto>, scope: CredentialScope, actions: Actions) -> impl IntoView {
    if rows.is_empty() {
        let text = match scope {
            CredentialScope::Global => "No credentials yet: add the first one below.",
            CredentialScope::Personal => "You have no connections yet: add one below.",
        };
        return view! { <p class="empty">{text}</p> }.into_any();
    }
    view! {
        <table class="list" id="credentials">
            <thead><tr>
                <th>"Priority"</th><th>"Name"</th><th>"Provider"</th><th>"Key"</th><th>"Status"</th>
                <th>"Usage"</th><th>"Last used"</th><th>"Last test"</th><th></th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|c| view! { <CredentialRow credential=c scope actions/> }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn CredentialRow(credential: CredentialDto, scope: CredentialScope, actions: Actions) -> impl IntoView {
    let id = credential.id.to_string();
    let status = match (credential.active, credential.disabled_reason.as_deref()) {
        (true, _) => match credential.cooldown_until {
            Some(until) => format!("active · cooldown until {}", until.format("%m-%d %H:%M")),
            None => "active".to_owned(),
        },
        (false, Some("health")) => "disabled: failing".to_owned(),
        (false, _) => "inactive".to_owned(),
    };
    let quota = credential
        .monthly_quota
        .map(|q| format!(" of {q}"))
        .unwrap_or_default();
    let usage = format!(
        "{} this month{quota} · {} in all",
        credential.current_month_usage, credential.usage_count
    );
    let last_used = credential
        .last_used_at
        .map(|at| at.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "never".to_owned());
    let move_form = move |direction: &'static str, label: &'static str, id: String| {
        view! {
            <ActionForm action=actions.reorder>
                <ScopeField scope/>
                <input type="hidden" name="id" value=id/>
                <input type="hidden" name="direction" value=direction/>
                <button type="submit" class="secondary" title=format!("Move {direction}")>{label}</button>
            </ActionForm>
        }
    };
    let last_test = last_test(&credential);
    let edit = credential.clone();
    let credential_id = credential.id;
    let tested = move || {
        actions
            .test
            .value()
            .get()
            .and_then(Result::ok)
            .filter(|t| t.id == credential_id)
            .map(|t| view! { <tr class="probe-row"><td colspan="9"><ProbeResult result=t.result/></td></tr> })
    };
    let (id_up, id_down, id_toggle, id_test) = (id.clone(), id.clone(), id.clone(), id.clone());
    view! {
        <tr data-name=credential.name.clone()>
            <td class="priority">{credential.priority}</td>
            <td class="name">{credential.name.clone()}</td>
            <td>{credential.provider_name.clone()}</td>
            <td class="hint"><code>{credential.masked()}</code></td>
            <td class="status">{status}</td>
            <td>{usage}</td>
            <td>{last_used}</td>
            <td class="last-test">{last_test}</td>
            <td class="actions">
                <ActionForm action=actions.test>
                    <ScopeField scope/>
                    <input type="hidden" name="id" value=id_test/>
                    <button type="submit" class="secondary" disabled=move || actions.test.pending().get()>"Test"</button>
                </ActionForm>
                {move_form("up", "↑", id_up)}
                {move_form("down", "↓", id_down)}
                <ActionForm action=actions.toggle>
                    <ScopeField scope/>
                    <input type="hidden" name="id" value=id_toggle/>
                    <input type="hidden" name="active" value=(!credential.active).to_string()/>
                    <button type="submit" class="secondary">{if credential.active { "Deactivate" } else { "Activate" }}</button>
                </ActionForm>
                <button type="button" class="secondary" on:click=move |_| actions.editing.set(Some(edit.clone()))>
                    "Edit / replace key"
                </button>
                <DeleteButton id=id scope delete=actions.delete/>
            </td>
        </tr>
        {tested}
    }
}

/// `ok · 45 ms · 11-23 10:00`, or the failure's sentence; "never" before the first test.
fn last_test(credential: &CredentialDto) -> String {
    let (Some(status), Some(at)) = (&credential.last_test_status, credential.last_test_at) else {
        return "never".to_owned();
    };
    let when = at.format("%m-%d %H:%M");
    match (status.as_str(), &credential.last_test_error) {
        ("ok", _) => format!(
            "ok · {} ms · {when}",
            credential.last_test_latency_ms.unwrap_or(0)
        ),
        (_, Some(error)) => format!("failed: {error} · {when}"),
        (other, None) => format!("{} · {when}", other.replace('_', " ")),
    }
}

/// The hidden field every credential form posts its list's scope in.
#[component]
pub fn ScopeField(scope: CredentialScope) -> impl IntoView {
    view! { <input type="hidden" name="scope" value=scope.as_str()/> }
}
