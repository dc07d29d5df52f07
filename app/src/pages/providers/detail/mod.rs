//! One provider: its settings, its template and its models.

mod edit_form;
mod model_table;
mod sync_form;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use vocab::ProviderId;

use crate::api::models::{AddModel, SetModelEnabled, SyncModels};
use crate::api::providers::{get_provider, SetProviderEnabled, UpdateProvider};
use crate::components::{page_result, saves, ConfirmButton, CopyButton, FormError};
use crate::AppError;
use edit_form::EditProviderForm;
use model_table::{AddModelForm, ModelTable};
use sync_form::SyncModelsForm;

#[component]
pub fn ProviderDetailPage() -> impl IntoView {
    let params = use_params_map();
    let update = ServerAction::<UpdateProvider>::new();
    let toggle = ServerAction::<SetProviderEnabled>::new();
    let add = ServerAction::<AddModel>::new();
    let set_model = ServerAction::<SetModelEnabled>::new();
    let sync = ServerAction::<SyncModels>::new();
    // A refused edit keeps its form as typed; a sync preview keeps the key typed for it
    // until the admin applies: only saves and an applied sync read the provider again.
    let updated = saves(update.value(), |_| true);
    let models_added = saves(add.value(), |_| true);
    let models_synced = saves(sync.value(), |diff| diff.applied);
    let detail = Resource::new(
        move || {
            (
                params.read().get("id"),
                updated.get(),
                toggle.version().get(),
                models_added.get(),
                set_model.version().get(),
                models_synced.get(),
            )
        },
        |(id, ..)| async move {
            // A malformed id is as missing as an unknown one.
            let id = id
                .and_then(|id| id.parse::<ProviderId>().ok())
                .ok_or(AppError::NotFound)?;
            get_provider(id).await
        },
    );
    let row_error = Signal::derive(move || {
        toggle
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| set_model.value().get().and_then(Result::err))
    });
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                page_result(detail.await, |detail| {
                    let provider = detail.provider;
                    let id = provider.id;
                    view! {
                        <Title text=provider.name.clone()/>
                        <p class="crumbs"><a href="/providers">"Providers"</a> " / " {provider.identifier.clone()}</p>
                        <h1>{provider.name.clone()}</h1>
                        <p class="subtitle">
                            {if provider.is_system { "System provider" } else { "Custom provider" }}
                            " · template "
                            <a href=format!("/templates/{}", detail.template.id)>{detail.template.name.clone()}</a>
                            " · "
                            <span class="status" data-enabled=provider.enabled.to_string()>
                                {if provider.enabled { "enabled" } else { "disabled" }}
                            </span>
                        </p>
                        <p class="copy-row ids">
                            "id " <code>{id.to_string()}</code> " " <CopyButton text=id.to_string() label="Copy id"/>
                            " · identifier " <code>{provider.identifier.clone()}</code> " "
                            <CopyButton text=provider.identifier.clone() label="Copy identifier"/>
                        </p>
                        <ActionForm action=toggle>
                            <input type="hidden" name="id" value=id.to_string()/>
                            <input type="hidden" name="enabled" value=(!provider.enabled).to_string()/>
                            {if provider.enabled {
                                view! { <ConfirmButton label="Disable provider" confirm="Disable it" class="secondary"
                                    question="Disable? Its credentials stop being offered."/> }.into_any()
                            } else {
                                view! { <button type="submit" class="secondary" id="toggle-provider">"Enable provider"</button> }.into_any()
                            }}
                        </ActionForm>
                        <FormError error=row_error/>
                        <EditProviderForm provider update/>
                        <section class="card" id="models">
                            <h2>"Models"</h2>
                            <ModelTable provider_id=id models=detail.models set_model/>
                            <AddModelForm provider_id=id add/>
                        </section>
                        <SyncModelsForm provider_id=id fields=detail.template.fields sync/>
                    }
                    .into_any()
                })
            })}
        </Transition>
    }
}
