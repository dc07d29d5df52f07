//! API tokens: a user's own, created here and shown exactly once.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::current_user;
use crate::api::tokens::{list_tokens, CreateToken, RevokeToken};
use crate::components::{
    page_result, signed_in, ConfirmButton, CopyButton, FieldError, FormError, Moment, StatusBadge, Tone,
};
use crate::dto::ApiTokenDto;

const FIELDS: &[&str] = &[
    "name",
    "scopes",
    "expiresAt",
    "allowedModels",
    "allowedProviders",
    "rateLimitPerMinute",
];

#[component]
pub fn TokensPage() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let user = Resource::new(|| (), |_| current_user());
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_tokens(),
    );
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let revoke_error = Signal::derive(move || revoke.value().get().and_then(Result::err));
    view! {
        <Title text="API tokens"/>
        <h1>"API tokens"</h1>
        <p class="subtitle">"Services send a token as " <code>"Authorization: Bearer sy_…"</code> " or " <code>"x-api-key"</code> ". A token is shown once, when it is made."</p>
        {move || create.value().get().and_then(Result::ok).map(|made| {
            let token = made.token.clone();
            view! {
                <div class="card reveal" role="status" id="new-token">
                    <p>"Copy " <strong>{made.details.name}</strong> " now; it cannot be shown again."</p>
                    <div class="copy-row">
                        <code class="token">{made.token}</code>
                        <CopyButton text=token/>
                    </div>
                </div>
            }
        })}
        <FormError error=revoke_error/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                page_result(tokens.await, |rows| view! { <TokenTable rows revoke/> }.into_any())
            })}
        </Transition>
        <section class="card">
            <h2>"New token"</h2>
            <ActionForm action=create attr:id="create-token">
                <label>"Name" <input type="text" name="name" required maxlength="100" placeholder="billing-service"/></label>
                <FieldError error field="name"/>
                <fieldset class="scopes">
                    <legend>"Scopes"</legend>
                    <label class="inline"><input type="checkbox" name="scopes[resolve]" value="true" checked/>"resolve: ask which credential to use"</label>
                    <label class="inline"><input type="checkbox" name="scopes[gateway]" value="true" checked/>"gateway: send requests through Switchyard"</label>
                    <Suspense>
                        {move || Suspend::new(async move {
                            signed_in(user.await).ok().filter(|u| u.is_admin()).map(|_| view! {
                                <label class="inline"><input type="checkbox" name="scopes[secrets_read]" value="true"/>"secrets:read: receive the key itself (every read is audited)"</label>
                                <label class="inline"><input type="checkbox" name="scopes[metrics]" value="true"/>"metrics: read /metrics (Prometheus) on this address"</label>
                                <label class="inline"><input type="checkbox" name="kind" value="service"/>"service token (global credentials only, not your connections)"</label>
                            })
                        })}
                    </Suspense>
                </fieldset>
                <FieldError error field="scopes"/>
                <label>"Expires on (empty: never)" <input type="date" name="expires_on"/></label>
                <FieldError error field="expiresAt"/>
                <details class="limits">
                    <summary>"Gateway limits"</summary>
                    <label>"Models it may use (comma-separated; empty: any)" <input type="text" name="allowed_models" maxlength="5000" placeholder="gpt-4o-mini, groq/llama-3.1-8b-instant"/></label>
                    <FieldError error field="allowedModels"/>
                    <label>"Providers it may use (identifiers; empty: any)" <input type="text" name="allowed_providers" maxlength="5000" placeholder="openai, groq"/></label>
                    <FieldError error field="allowedProviders"/>
                    <label>"Requests per minute (empty: no limit)" <input type="number" name="rate_limit" min="1" max="1000000"/></label>
                    <FieldError error field="rateLimitPerMinute"/>
                </details>
                <FormError error fields=FIELDS/>
                <button type="submit" disabled=move || create.pending().get()>"Create token"</button>
            </ActionForm>
        </section>
    }
}

/// A token's allow-lists and rate limit, one line each; "none" without any.
fn limits(token: &ApiTokenDto) -> AnyView {
    let list = |items: &Option<Vec<String>>| items.as_ref().map(|items| items.join(", "));
    let lines: Vec<(&'static str, String)> = [
        (
            "models",
            list(&token.allowed_models).map(|m| format!("models: {m}")),
        ),
        (
            "providers",
            list(&token.allowed_providers).map(|p| format!("providers: {p}")),
        ),
        (
            "rate",
            token
                .rate_limit_per_minute
                .map(|n| format!("{n} requests / minute")),
        ),
    ]
    .into_iter()
    .filter_map(|(what, text)| Some((what, text?)))
    .collect();
    if lines.is_empty() {
        return view! { <span class="muted">"none"</span> }.into_any();
    }
    lines
        .into_iter()
        .map(|(what, text)| view! { <span class="limit" data-limit=what>{text}</span> })
        .collect_view()
        .into_any()
}

#[component]
fn TokenTable(rows: Vec<ApiTokenDto>, revoke: ServerAction<RevokeToken>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">"No tokens yet."</p> }.into_any();
    }
    view! {
        <div class="table-scroll" tabindex="0"><table class="list" id="tokens">
            <thead><tr><th>"Name"</th><th>"Token"</th><th>"Kind"</th><th>"Scopes"</th><th>"Gateway limits"</th><th>"Last used"</th><th>"Expires"</th><th>"Status"</th><th>"Actions"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|t| {
                    let name = t.name.clone();
                    let status = if t.revoked_at.is_some() { "revoked" } else { "active" };
                    let limits = limits(&t);
                    view! {
                        <tr data-name=name>
                            <td>{t.name}</td>
                            <td><code>{format!("{}…", t.prefix)}</code></td>
                            <td>{t.kind.as_str()}</td>
                            <td>{t.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")}</td>
                            <td class="limits">{limits}</td>
                            <td><Moment at=t.last_used_at/></td>
                            <td><Moment at=t.expires_at/></td>
                            <td class="status"><StatusBadge tone=Tone::on(t.revoked_at.is_none()) text=status/></td>
                            <td class="actions">
                                {t.revoked_at.is_none().then(|| view! {
                                    <ActionForm action=revoke>
                                        <input type="hidden" name="id" value=t.id.to_string()/>
                                        <ConfirmButton label="Revoke" confirm="Revoke it"
                                            question="Revoke this token? What uses it is refused at once."/>
                                    </ActionForm>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    }
    .into_any()
}
