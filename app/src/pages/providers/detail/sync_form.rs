use leptos::prelude::*;
use vocab::ProviderId;

use crate::api::models::SyncModels;
use crate::components::{CredentialFields, FormError};
use crate::dto::{SyncDiffDto, TemplateFieldDto};

/// Pulls the model list with the provider's first active saved key, or a key typed here
/// (sent once, never stored), shows what would change, and applies it when the admin
/// agrees. Both buttons post the same fields, so a key need not be typed twice.
#[component]
pub fn SyncModelsForm(
    provider_id: ProviderId,
    fields: Vec<TemplateFieldDto>,
    sync: ServerAction<SyncModels>,
) -> impl IntoView {
    let error = Signal::derive(move || sync.value().get().and_then(Result::err));
    let diff = move || sync.value().get().and_then(Result::ok);
    view! {
        <section class="card" id="sync-models">
            <h2>"Pull models from the provider"</h2>
            <p class="subtitle">
                "Left empty, the provider's first active saved key is used. A key typed here is used for this request only and never stored."
            </p>
            <ActionForm action=sync>
                <input type="hidden" name="provider_id" value=provider_id.to_string()/>
                <CredentialFields fields error empty_means="empty: use a saved key"/>
                <FormError error/>
                <div class="buttons">
                    <button type="submit" name="apply" value="false" class="secondary" disabled=move || sync.pending().get()>
                        "Preview changes"
                    </button>
                    {move || diff().filter(|d| !d.applied && d.changes()).map(|_| view! {
                        <button type="submit" name="apply" value="true" id="apply-sync" disabled=move || sync.pending().get()>
                            "Apply these changes"
                        </button>
                    })}
                </div>
            </ActionForm>
            {move || diff().map(|d| view! { <SyncDiffView diff=d/> })}
        </section>
    }
}

#[component]
fn SyncDiffView(diff: SyncDiffDto) -> impl IntoView {
    let summary = match (diff.applied, diff.changes()) {
        (true, _) => format!(
            "Applied: {} added, {} removed, {} unchanged.",
            diff.added.len(),
            diff.removed.len(),
            diff.unchanged
        ),
        (false, true) => format!(
            "The provider lists {} new model(s); {} would be removed, {} stay as they are.",
            diff.added.len(),
            diff.removed.len(),
            diff.unchanged
        ),
        (false, false) => format!(
            "Nothing to change: all {} model(s) are up to date.",
            diff.unchanged
        ),
    };
    view! {
        <div class="diff" role="status">
            <p class="summary">{summary}</p>
            {diff.saved_key.map(|name| view! { <p class="via">"Listed with the saved key “" {name} "”."</p> })}
            {(!diff.added.is_empty()).then(|| view! {
                <p>"Added"</p>
                <ul class="added">{diff.added.into_iter().map(|id| view! { <li><code>{id}</code></li> }).collect_view()}</ul>
            })}
            {(!diff.removed.is_empty()).then(|| view! {
                <p>"Removed (synced models the provider no longer lists; models added by hand stay)"</p>
                <ul class="removed">{diff.removed.into_iter().map(|id| view! { <li><code>{id}</code></li> }).collect_view()}</ul>
            })}
        </div>
    }
}
