//! Webhooks (admins): where alerts go, a test event per webhook, and each one's
//! delivery log, refreshed while a delivery is on its way.

use std::time::Duration;

use leptos::prelude::*;
use leptos_meta::Title;
use vocab::{AlertEvent, DeliveryStatus, WebhookId, WebhookKind};

use crate::api::webhooks::{
    form_key, list_deliveries, list_webhooks, CreateWebhook, DeleteWebhook, SendTestEvent, SetWebhookEnabled,
    UpdateWebhook,
};
use crate::components::{page_result, saves, ConfirmButton, FieldError, FormError, Moment};
use crate::dto::{WebhookDeliveryDto, WebhookDto};
use crate::AppError;

const FIELDS: &[&str] = &["url", "kind", "events", "secret"];
/// How the form describes each event a webhook can subscribe to.
fn event_label(event: AlertEvent) -> &'static str {
    match event {
        AlertEvent::AutoDisabled => "auto-disabled: failed its checks too often",
        AlertEvent::Recovered => "recovered: passed its check again",
        AlertEvent::QuotaExhausted => "quota exhausted: reached its monthly quota",
        AlertEvent::TestFailed => "test failed: the first failed scheduled check of a streak",
        AlertEvent::BackupFailed => "backup failed: a scheduled backup was not made or did not verify",
        AlertEvent::Test => "test event",
    }
}

/// An event's name without the `credential.` prefix, as the list shows it.
fn short_name(event: AlertEvent) -> &'static str {
    event.as_str().trim_start_matches("credential.")
}

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let create = ServerAction::<CreateWebhook>::new();
    let toggle = ServerAction::<SetWebhookEnabled>::new();
    let delete = ServerAction::<DeleteWebhook>::new();
    let update = ServerAction::<UpdateWebhook>::new();
    // The list is read again after a saved edit only: a refused one keeps its form open
    // with the error beside the field.
    let saved_edits = saves(update.value(), |_| true);
    let hooks = Resource::new(
        move || {
            (
                create.version().get(),
                toggle.version().get(),
                delete.version().get(),
                saved_edits.get(),
            )
        },
        |_| list_webhooks(),
    );
    let row_error = Signal::derive(move || {
        toggle
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| delete.value().get().and_then(Result::err))
    });
    view! {
        <Title text="Webhooks"/>
        <h1>"Webhooks"</h1>
        <p class="subtitle">
            "Scheduled checks and live traffic post an event when a credential is disabled automatically, recovers, "
            "runs out of quota or first fails its check. Manual tests and imports never do. With a secret, each delivery carries "
            <code>"X-Switchyard-Signature: sha256=…"</code> " (HMAC-SHA256 of " <code>"{X-Switchyard-Timestamp}.{body}"</code> ")."
        </p>
        <FormError error=row_error/>
        {move || update.value().get().and_then(Result::ok).map(|hook| view! {
            <p class="ok" role="status">"Saved the webhook to " <code>{hook.url}</code> "."</p>
        })}
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                // Users get 403 here, and no form below.
                page_result(hooks.await, |rows| {
                    let list = if rows.is_empty() {
                        view! { <p class="empty">"No webhooks yet."</p> }.into_any()
                    } else {
                        rows.into_iter()
                            .map(|hook| view! { <WebhookCard hook toggle delete update/> })
                            .collect_view()
                            .into_any()
                    };
                    view! { {list} <NewWebhook create/> }.into_any()
                })
            })}
        </Transition>
    }
}

#[component]
fn NewWebhook(create: ServerAction<CreateWebhook>) -> impl IntoView {
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    view! {
        <section class="card">
            <h2>"New webhook"</h2>
            <ActionForm action=create attr:id="create-webhook">
                <WebhookFields error/>
                <FormError error fields=FIELDS/>
                <button type="submit" disabled=move || create.pending().get()>"Add webhook"</button>
            </ActionForm>
        </section>
    }
}

/// The settings both forms hold, empty or as saved: URL, format, events and secret.
#[component]
fn WebhookFields(
    error: Signal<Option<AppError>>,
    #[prop(optional)] saved: Option<WebhookDto>,
    #[prop(optional)] url_input: Option<NodeRef<leptos::html::Input>>,
) -> impl IntoView {
    let url = saved.as_ref().map(|h| h.url.clone()).unwrap_or_default();
    let slack = saved.as_ref().is_some_and(|h| h.kind == WebhookKind::Slack);
    let ticked = saved.as_ref().map(|h| h.events.clone()).unwrap_or_default();
    let has_secret = saved.as_ref().is_some_and(|h| h.has_secret);
    let editing = saved.is_some();
    let url_input = url_input.unwrap_or_default();
    view! {
        <label>"URL" <input type="url" name="url" required maxlength="2048" value=url node_ref=url_input
            placeholder="https://hooks.slack.com/services/…"/></label>
        <FieldError error field="url"/>
        <label>"Format"
            <select name="kind">
                <option value="json" selected=!slack>"JSON event"</option>
                <option value="slack" selected=slack>"Slack-compatible text"</option>
            </select>
        </label>
        <fieldset class="scopes">
            <legend>"Events (none ticked: all of them)"</legend>
            {AlertEvent::SUBSCRIBABLE.iter().map(|event| view! {
                <label class="inline">
                    <input type="checkbox" name=format!("events[{}]", form_key(*event)) value="true"
                        checked=ticked.contains(event)/>
                    {event_label(*event)}
                </label>
            }).collect_view()}
        </fieldset>
        <FieldError error field="events"/>
        <label>{if editing { "New signing secret (empty: keep the one stored; 16 characters or more)" }
                else { "Signing secret (optional, 16 characters or more; never shown again)" }}
            <input type="password" name="secret" autocomplete="new-password" maxlength="256"/>
        </label>
        {has_secret.then(|| view! {
            <label class="inline"><input type="checkbox" name="remove_secret" value="true"/>"Remove the signing secret"</label>
        })}
        <FieldError error field="secret"/>
    }
}

/// Edits a webhook in its own card, with the focus on its first field.
#[component]
fn EditWebhook(hook: WebhookDto, update: ServerAction<UpdateWebhook>, close: Callback<()>) -> impl IntoView {
    let error = Signal::derive(move || update.value().get().and_then(Result::err));
    let url_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = url_input.get() {
            let _ = input.focus();
        }
    });
    let id = hook.id;
    view! {
        <ActionForm action=update attr:class="edit-webhook">
            <input type="hidden" name="id" value=id.to_string()/>
            <WebhookFields error saved=hook url_input/>
            <FormError error fields=FIELDS/>
            <div class="buttons">
                <button type="submit" disabled=move || update.pending().get()>"Save changes"</button>
                <button type="button" class="secondary" on:click=move |_| close.run(())>"Cancel"</button>
            </div>
        </ActionForm>
    }
}

#[component]
fn WebhookCard(
    hook: WebhookDto,
    toggle: ServerAction<SetWebhookEnabled>,
    delete: ServerAction<DeleteWebhook>,
    update: ServerAction<UpdateWebhook>,
) -> impl IntoView {
    let test = ServerAction::<SendTestEvent>::new();
    let id = hook.id;
    let editing = RwSignal::new(false);
    let edit_button = NodeRef::<leptos::html::Button>::new();
    // Cancel puts the focus back on "Edit".
    let close = Callback::new(move |()| {
        editing.set(false);
        if let Some(button) = edit_button.get_untracked() {
            let _ = button.focus();
        }
    });
    let saved = hook.clone();
    let events = hook
        .events
        .iter()
        .map(|e| short_name(*e).replace('_', " "))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <section class="card webhook" data-url=hook.url.clone() data-enabled=hook.enabled.to_string()>
            <div class="row">
                <code class="url">{hook.url.clone()}</code>
                <span class="badge">{hook.kind.as_str()}</span>
                <span class="status">{if hook.enabled { "enabled" } else { "disabled" }}</span>
                {hook.has_secret.then(|| view! { <span class="badge">"signed"</span> })}
            </div>
            <p class="subtitle">"Events: " {events}</p>
            {move || editing.get().then(|| view! { <EditWebhook hook=saved.clone() update close/> })}
            <div class="row actions">
                <button type="button" class="secondary" node_ref=edit_button aria-expanded=move || editing.get().to_string()
                    on:click=move |_| editing.update(|open| *open = !*open)>"Edit"</button>
                <ActionForm action=test>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <button type="submit" class="secondary" disabled=move || test.pending().get()>"Send test event"</button>
                </ActionForm>
                <ActionForm action=toggle>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="enabled" value=(!hook.enabled).to_string()/>
                    <button type="submit" class="secondary">{if hook.enabled { "Disable" } else { "Enable" }}</button>
                </ActionForm>
                <ActionForm action=delete>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <ConfirmButton label="Delete" confirm="Delete it and its delivery log"/>
                </ActionForm>
            </div>
            {move || test.value().get().and_then(Result::err).map(|e| view! { <p class="error" role="alert">{e.to_string()}</p> })}
            <DeliveryLog webhook=id sent=test.version()/>
        </section>
    }
}

/// The delivery log, re-read every second while a delivery is pending.
#[component]
fn DeliveryLog(webhook: WebhookId, sent: RwSignal<usize>) -> impl IntoView {
    let tick = RwSignal::new(0_u32);
    let log = Resource::new(
        move || (sent.get(), tick.get()),
        move |_| list_deliveries(webhook),
    );
    Effect::new(move |_| {
        if let Some(Ok(rows)) = log.get() {
            if rows.iter().any(|d| d.status == DeliveryStatus::Pending) {
                set_timeout(move || tick.update(|t| *t += 1), Duration::from_secs(1));
            }
        }
    });
    view! {
        <Transition>
            {move || Suspend::new(async move {
                page_result(log.await, |rows| view! { <DeliveryTable rows/> }.into_any())
            })}
        </Transition>
    }
}

#[component]
fn DeliveryTable(rows: Vec<WebhookDeliveryDto>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">"Nothing delivered yet."</p> }.into_any();
    }
    view! {
        <div class="table-scroll" tabindex="0"><table class="list deliveries">
            <thead><tr><th>"Queued"</th><th>"Event"</th><th>"Status"</th><th>"Attempts"</th><th>"Answer"</th><th>"Latency"</th><th>"Error"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|d| {
                    let answer = d.response_status.map(|s| s.to_string()).unwrap_or_else(|| "–".into());
                    let status = match (d.status, d.next_attempt_at) {
                        (DeliveryStatus::Pending, Some(at)) if d.attempts > 0 => format!("retrying at {}", at.format("%H:%M:%S")),
                        (status, _) => status.as_str().to_owned(),
                    };
                    view! {
                        <tr data-event=d.event.as_str() data-status=d.status.as_str()>
                            <td><Moment at=Some(d.created_at)/></td>
                            <td><code>{d.event.as_str()}</code></td>
                            <td class="status">{status}</td>
                            <td>{d.attempts}</td>
                            <td>{answer}</td>
                            <td>{d.latency_ms.map(|ms| format!("{ms} ms")).unwrap_or_default()}</td>
                            <td class="muted">{d.last_error.unwrap_or_default()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    }
    .into_any()
}
