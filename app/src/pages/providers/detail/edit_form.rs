use leptos::prelude::*;

use crate::api::providers::UpdateProvider;
use crate::components::{FieldError, FormError};
use crate::dto::ProviderDto;

const FIELDS: &[&str] = &["name", "base_url", "default_priority"];

/// Name, base URL and default priority; seeding never overwrites what is saved here.
#[component]
pub fn EditProviderForm(provider: ProviderDto, update: ServerAction<UpdateProvider>) -> impl IntoView {
    let error = Signal::derive(move || update.value().get().and_then(Result::err));
    let saved = move || matches!(update.value().get(), Some(Ok(_)));
    view! {
        <section class="card">
            <h2>"Settings"</h2>
            <ActionForm action=update attr:id="edit-provider">
                <input type="hidden" name="id" value=provider.id.to_string()/>
                <label>"Name" <input type="text" name="name" required maxlength="100" value=provider.name/></label>
                <FieldError error field="name"/>
                <label>"Base URL" <input type="url" name="base_url" required maxlength="2048" value=provider.base_url/></label>
                <FieldError error field="base_url"/>
                <label>"Default priority (lower is used first)"
                    <input type="number" name="default_priority" required min="0" max="10000" value=provider.default_priority/>
                </label>
                <FieldError error field="default_priority"/>
                <label class="inline">
                    <input type="checkbox" name="allow_endpoint_override" value="true" checked=provider.allow_endpoint_override/>
                    "Users' connections may use their own endpoint (private addresses still need SWITCHYARD_EGRESS_ALLOW)"
                </label>
                <FormError error fields=FIELDS/>
                <button type="submit" disabled=move || update.pending().get()>"Save"</button>
            </ActionForm>
            {move || saved().then(|| view! { <p class="ok" role="status">"Saved."</p> })}
        </section>
    }
}
