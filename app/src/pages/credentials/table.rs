use chrono::{DateTime, Utc};
use leptos::html;
use leptos::prelude::*;

use super::state::Actions;
use crate::api::credentials::{DeleteCredential, MoveCredential, SetCredentialActive, TestCredential};
use crate::components::{
    relative, Clipped, ConfirmButton, CopyButton, EmptyList, ListView, Moment, ProbeResult, RowMenu,
    SortHeader, StatusBadge, Tone,
};
use crate::dto::CredentialDto;
use vocab::{CredentialId, CredentialOrder, Direction, DisabledReason, Outcome, Scope};

/// Credentials in the order they are used; move buttons reorder within a provider.
#[component]
pub fn CredentialTable(
    rows: Vec<CredentialDto>,
    scope: Scope,
    actions: Actions,
    /// Whether a filter chose these rows: an empty list then means "nothing matches".
    filtered: bool,
    /// The list's view: the column headers that order it say which order is in force.
    list: ListView<CredentialOrder>,
) -> impl IntoView {
    if rows.is_empty() {
        let nothing_yet = match scope {
            Scope::Global => "No credentials yet: add the first one below.",
            Scope::Personal => "You have no connections yet: add one below.",
        };
        return view! { <EmptyList filtered nothing_yet/> }.into_any();
    }
    view! {
        <div class="table-scroll" tabindex="0"><table class="list" id="credentials">
            <thead><tr>
                <SortHeader list by=CredentialOrder::Priority label="Priority"/>
                <SortHeader list by=CredentialOrder::Name label="Name"/>
                <th>"Provider"</th><th>"Key"</th><th>"Status"</th><th>"Usage"</th>
                <SortHeader list by=CredentialOrder::LastUsed label="Last used" descending=true/>
                <th>"Last test"</th><th>"Actions"</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|c| view! { <CredentialRow credential=c scope actions/> }).collect_view()}
            </tbody>
        </table></div>
    }
    .into_any()
}

/// One row. Its buttons dispatch the list's actions directly: a row is a few hundred
/// bytes of markup instead of five forms with hidden fields (50 rows a page).
#[component]
fn CredentialRow(credential: CredentialDto, scope: Scope, actions: Actions) -> impl IntoView {
    let id = credential.id;
    let active = credential.active;
    let (tone, status) = status(&credential);
    let usage = usage(&credential);
    let last_used = credential.last_used_at;
    let last_test = last_test_view(&credential);
    let hint = credential.masked();
    let (can_move_up, can_move_down) = (credential.can_move_up, credential.can_move_down);
    let (priority, name, provider) = (
        credential.priority,
        credential.name.clone(),
        credential.provider_name.clone(),
    );
    let row_name = name.clone();
    let menu_name = name.clone();
    let copy_name = name.clone();
    let tested = move || {
        actions
            .test
            .value()
            .get()
            .and_then(Result::ok)
            .filter(|t| t.id == id)
            .map(|t| view! { <tr class="probe-row"><td colspan="9"><ProbeResult result=t.result/></td></tr> })
    };
    let step = move |direction, button| {
        actions.refocus.set_value(Some((id, button)));
        actions.reorder.dispatch(MoveCredential { scope, id, direction });
    };
    // This row's request is running: its button turns (the others only wait).
    let testing = move || {
        actions
            .test
            .input()
            .with(|i| i.as_ref().is_some_and(|t| t.id == id))
    };
    let switching = move || {
        actions
            .toggle
            .input()
            .with(|i| i.as_ref().is_some_and(|t| t.id == id))
    };
    let row = NodeRef::<html::Tr>::new();
    Effect::new(move |_| {
        if let Some(row) = row.get() {
            take_focus_back(&row, id, actions);
        }
    });
    view! {
        <tr data-name=row_name node_ref=row>
            <td class="priority">{priority}</td>
            <td class="name">{name}</td>
            <td>{provider}</td>
            <td class="hint"><code>{hint}</code></td>
            <td class="status"><StatusBadge tone text=status/></td>
            <td>{usage}</td>
            <td><Moment at=last_used/></td>
            <td class="last-test">{last_test}</td>
            <td class="actions">
                <button type="button" class="secondary" data-action="test" disabled=move || actions.test.pending().get()
                    aria-busy=move || testing().then_some("true")
                    on:click=move |_| {
                        actions.refocus.set_value(Some((id, "test")));
                        actions.test.dispatch(TestCredential { scope, id });
                    }>"Test"</button>
                {can_move_up.then(|| view! {
                    <button type="button" class="secondary" data-action="up" title="Move up" aria-label="Move up"
                        on:click=move |_| { step(Direction::Up, "up"); }>"↑"</button>
                })}
                {can_move_down.then(|| view! {
                    <button type="button" class="secondary" data-action="down" title="Move down" aria-label="Move down"
                        on:click=move |_| { step(Direction::Down, "down"); }>"↓"</button>
                })}
                <RowMenu label=format!("More actions for {menu_name}")>
                    <button type="button" class="secondary" data-action="toggle"
                        aria-busy=move || switching().then_some("true")
                        on:click=move |_| {
                            actions.refocus.set_value(Some((id, "toggle")));
                            actions.toggle.dispatch(SetCredentialActive { scope, id, active: !active });
                        }>
                        {if active { "Deactivate" } else { "Activate" }}
                    </button>
                    <button type="button" class="secondary" on:click=move |_| actions.editing.set(Some(credential.clone()))>
                        "Edit / replace key"
                    </button>
                    <CopyButton text=id.to_string() label="Copy id" about=format!("of {copy_name}")/>
                    <ConfirmButton label="Delete" confirm="Delete for good"
                        on_confirm=move || { actions.delete.dispatch(DeleteCredential { scope, id }); }/>
                </RowMenu>
            </td>
        </tr>
        {tested}
    }
}

/// Focuses the button of a newly drawn row that the last row action was taken with, when
/// the redraw left the focus nowhere (on the page's body).
fn take_focus_back(row: &leptos::web_sys::HtmlTableRowElement, id: CredentialId, actions: Actions) {
    use leptos::wasm_bindgen::JsCast;
    let Some((acted_on, button)) = actions.refocus.get_value() else {
        return;
    };
    let focus_lost = document()
        .active_element()
        .is_none_or(|el| el.tag_name().eq_ignore_ascii_case("body"));
    if acted_on != id || !focus_lost || !row.is_connected() {
        return;
    }
    // A move to the provider's end takes its arrow away: then the row's first button.
    let target = [format!("button[data-action=\"{button}\"]"), "button".to_owned()]
        .iter()
        .find_map(|selector| row.query_selector(selector).ok().flatten())
        .and_then(|el| el.dyn_into::<leptos::web_sys::HtmlElement>().ok());
    if let Some(target) = target {
        // A button in the row's menu: the menu opens again around it.
        if let Ok(Some(menu)) = target.closest("details") {
            let _ = menu.set_attribute("open", "");
        }
        let _ = target.focus();
        actions.refocus.set_value(None);
    }
}

/// "active", "active · cooling down, back in 5 min", "disabled: failing" or "inactive",
/// with the badge's tone.
pub(crate) fn status(credential: &CredentialDto) -> (Tone, String) {
    match (credential.active, credential.disabled_reason) {
        (true, _) => match credential.cooldown_until {
            Some(until) => (
                Tone::Warning,
                format!("active · cooling down, back {}", relative(until, Utc::now())),
            ),
            None => (Tone::Good, "active".to_owned()),
        },
        (false, Some(DisabledReason::Health)) => (Tone::Bad, "disabled: failing".to_owned()),
        (false, _) => (Tone::Off, "inactive".to_owned()),
    }
}

/// `3 this month of 100 · 42 in all`.
fn usage(credential: &CredentialDto) -> String {
    let quota = credential
        .monthly_quota
        .map(|q| format!(" of {q}"))
        .unwrap_or_default();
    format!(
        "{} this month{quota} · {} in all",
        credential.current_month_usage, credential.usage_count
    )
}

/// A test's outcome as the row shows it: short, or a failure's sentence (clipped to a
/// line), and when; "never" before the first test.
enum LastTest {
    Never,
    Short(String, DateTime<Utc>),
    Failed(String, DateTime<Utc>),
}

/// The last test as a row shows it: `ok · 45 ms · 5 min ago`, a failure clipped to a
/// line, or "never".
pub(crate) fn last_test_view(credential: &CredentialDto) -> AnyView {
    match last_test(credential) {
        LastTest::Never => "never".into_any(),
        LastTest::Short(text, at) => view! { {text} " · " <Moment at=Some(at)/> }.into_any(),
        LastTest::Failed(text, at) => view! { <Clipped text/> <Moment at=Some(at)/> }.into_any(),
    }
}

/// `ok · 45 ms`, or the failure's sentence, with the test's time.
fn last_test(credential: &CredentialDto) -> LastTest {
    let (Some(status), Some(at)) = (&credential.last_test_status, credential.last_test_at) else {
        return LastTest::Never;
    };
    match (status, &credential.last_test_error) {
        (Outcome::Ok, _) => LastTest::Short(
            format!("ok · {} ms", credential.last_test_latency_ms.unwrap_or(0)),
            at,
        ),
        (_, Some(error)) => LastTest::Failed(format!("failed: {error}"), at),
        (other, None) => LastTest::Short(other.as_str().replace('_', " "), at),
    }
}
