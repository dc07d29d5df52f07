use leptos::prelude::*;

use crate::api::providers::list_enabled_providers;
use crate::components::page_result;

/// The providers a user may create connections to.
#[component]
pub fn EnabledProviders() -> impl IntoView {
    let providers = Resource::new(|| (), |_| list_enabled_providers());
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                page_result(providers.await, |rows| view! {
                    <p>"These providers are enabled for you."</p>
                    <div class="table-scroll" tabindex="0"><table class="list" id="providers">
                        <thead><tr><th>"Provider"</th><th>"Identifier"</th><th>"Models"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|p| {
                                let models = p.models.iter().map(|m| m.display_name.clone()).collect::<Vec<_>>().join(", ");
                                let p = p.provider;
                                let identifier = p.identifier.clone();
                                view! {
                                <tr data-identifier=identifier>
                                    <td>{p.name}</td>
                                    <td><code>{p.identifier}</code></td>
                                    <td class="models">{models}</td>
                                </tr>
                            }}).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any())
            })}
        </Suspense>
    }
}
