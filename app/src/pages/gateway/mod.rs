//! "Use the gateway", for every signed-in user: the base URL, the models they can reach
//! and through which providers, examples to copy, and a test prompt sent as them.

mod models;
mod snippets;
mod test_prompt;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::current_user;
use crate::api::gateway::get_gateway_guide;
use crate::components::{page_result, CopyButton};
use crate::dto::GatewayGuideDto;
use models::ModelTable;
use snippets::Snippets;
use test_prompt::TestPrompt;

/// The model the examples name when the user can reach none.
const PLACEHOLDER_MODEL: &str = "your-model";

#[component]
pub fn GatewayPage() -> impl IntoView {
    let guide = Resource::new(|| (), |_| get_gateway_guide());
    let user = Resource::new(|| (), |_| current_user());
    view! {
        <Title text="Use the gateway"/>
        <h1>"Use the gateway"</h1>
        <p class="subtitle">"Services send OpenAI-style requests to Switchyard with an API token. It picks the credential by priority, keeps the key to itself and fails over to the next one when a provider breaks."</p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let admin = user.await.ok().flatten().is_some_and(|u| u.is_admin());
                page_result(guide.await, |guide| view! { <Guide guide admin/> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn Guide(guide: GatewayGuideDto, admin: bool) -> impl IntoView {
    let base = RwSignal::new(guide.base_url);
    // The server named the site as the request did; the browser knows the address its
    // user reached it at (a proxy's, https), which services use too.
    Effect::new(move |_| {
        if let Ok(origin) = window().location().origin() {
            base.set(format!("{origin}/v1"));
        }
    });
    let ids: Vec<String> = guide.models.iter().map(|m| m.id.clone()).collect();
    let model = RwSignal::new(
        ids.first()
            .cloned()
            .unwrap_or_else(|| PLACEHOLDER_MODEL.to_owned()),
    );
    // Erased: the page's view type is otherwise too deep for the compiler's layout query.
    let test = if ids.is_empty() {
        ().into_any()
    } else {
        view! { <TestPrompt model models=ids.clone() admin/> }.into_any()
    };
    view! {
        <section class="card" id="gateway-endpoint">
            <h2>"Base URL"</h2>
            <div class="copy-row">
                <code id="base-url">{move || base.get()}</code>
                <CopyButton text=base/>
            </div>
            <p>
                "Authenticate with an API token that has the " <code>"gateway"</code> " scope, as "
                <code>"Authorization: Bearer sy_…"</code> " (or " <code>"x-api-key"</code> "). "
                <a href="/tokens" id="make-token">"Make a token"</a> " on the API tokens page; it is shown once."
            </p>
            <ul class="endpoints">
                <li><code>"POST /v1/chat/completions"</code> " chat, streamed or not"</li>
                <li><code>"POST /v1/embeddings"</code> " embeddings"</li>
                <li><code>"POST /v1/messages"</code> " Anthropic's Messages API, through the providers that speak it"</li>
                <li><code>"GET /v1/models"</code> " the models the token can reach"</li>
            </ul>
            <p class="help">"Name a model as listed below, or " <code>"provider/model"</code> " to keep to one provider."</p>
        </section>
        <ModelTable models=guide.models model/>
        <Snippets base=base.into() model models=ids/>
        {test}
    }
}
