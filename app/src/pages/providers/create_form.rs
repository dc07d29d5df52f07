use leptos::prelude::*;

use crate::api::providers::CreateProvider;
use crate::api::templates::list_templates;
use crate::components::{after_save, FieldError, FormError, SavedNotice};
use crate::dto::ProviderDto;

const FIELDS: &[&str] = &[
    "identifier",
    "name",
    "template_id",
    "base_url",
    "default_priority",
];

/// A custom provider from a template ("Acme internal LLM" from OpenAI-compatible).
#[component]
pub fn CreateProviderForm(create: ServerAction<CreateProvider>) -> impl IntoView {
    let templates = Resource::new(|| (), |_| list_templates());
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let (form, notice) = after_save(
        create.value(),
        |p: &ProviderDto| format!("Added {}", p.name),
        || (),
    );
    view! {
        <section class="card">
            <h2>"Add a provider"</h2>
            <ActionForm action=create node_ref=form attr:id="create-provider">
                <label>"Name" <input type="text" name="name" required maxlength="100" placeholder="Acme internal LLM"/></label>
                <FieldError error field="name"/>
                <label>"Identifier (lowercase letters, digits, dashes)"
                    <input type="text" name="identifier" required maxlength="64" placeholder="acme-llm"/>
                </label>
                <FieldError error field="identifier"/>
                <label>"Template"
                    <select name="template_id" required>
                        <Suspense>
                            {move || Suspend::new(async move {
                                templates.await.unwrap_or_default().into_iter().map(|t| view! {
                                    <option value=t.key.clone()>{t.name}</option>
                                }).collect_view()
                            })}
                        </Suspense>
                    </select>
                </label>
                <FieldError error field="template_id"/>
                <label>"Base URL (empty: the template's default)"
                    <input type="url" name="base_url" maxlength="2048" placeholder="https://llm.example.com/v1"/>
                </label>
                <FieldError error field="base_url"/>
                <label>"Default priority (lower is used first; empty: 100)"
                    <input type="number" name="default_priority" min="0" max="10000"/>
                </label>
                <FieldError error field="default_priority"/>
                <FormError error fields=FIELDS/>
                <button type="submit" disabled=move || create.pending().get()>"Add provider"</button>
            </ActionForm>
            <SavedNotice notice/>
        </section>
    }
}
