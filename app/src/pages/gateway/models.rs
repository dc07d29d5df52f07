use leptos::prelude::*;

use crate::dto::GatewayModelDto;

/// The models the user can reach, each with the providers that offer it to them (by
/// default priority); "Use" puts one into the examples and the test prompt.
#[component]
pub fn ModelTable(models: Vec<GatewayModelDto>, model: RwSignal<String>) -> impl IntoView {
    let body = if models.is_empty() {
        view! {
            <p class="empty">
                "No model is reachable yet: an admin has to enable a provider, add its models and a credential. "
                "You can also add your own connection to a provider with models on " <a href="/connections">"My connections"</a> "."
            </p>
        }
        .into_any()
    } else {
        let rows = models
            .into_iter()
            .map(|m| {
                let id = m.id;
                let chosen = {
                    let id = id.clone();
                    Signal::derive(move || model.with(|chosen| *chosen == id))
                };
                let pick = {
                    let id = id.clone();
                    move |_| model.set(id.clone())
                };
                let providers = m
                    .providers
                    .into_iter()
                    .enumerate()
                    .map(|(n, p)| view! { {(n > 0).then_some(" → ")}<code data-provider=p.clone()>{p.clone()}</code> })
                    .collect_view();
                view! {
                    <tr data-model=id data-chosen=move || chosen.get().to_string()>
                        <td><code>{id.clone()}</code></td>
                        <td class="providers">{providers}</td>
                        <td class="actions">
                            <button type="button" class="secondary" aria-pressed=move || chosen.get().to_string() on:click=pick>"Use"</button>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-scroll" tabindex="0"><table class="list" id="gateway-models">
                <thead><tr><th>"Model"</th><th>"Providers"</th><th>"Actions"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table></div>
        }
        .into_any()
    };
    view! {
        <section class="card" id="gateway-model-list">
            <h2>"Models you can reach"</h2>
            <p class="subtitle">"Each with the providers that offer it to you, by their default priority; the credentials' own priorities decide which one serves first."</p>
            {body}
        </section>
    }
}
