use leptos::prelude::*;

use super::create_form::CreateProviderForm;
use crate::api::providers::{list_providers, CreateProvider, DeleteProvider, SetProviderEnabled};
use crate::components::{
    page_result, url_param, ConfirmButton, CopyButton, EmptyList, FormError, SearchBox, StatusBadge, Tone,
};
use crate::dto::ProviderDto;

/// The admin's view: every provider, filters, enable/disable, delete, create.
#[component]
pub fn ProviderRegistry() -> impl IntoView {
    // Kept in the address, as every list's view is.
    let kind = url_param("kind", String::from("all"));
    let status = url_param("status", String::from("all"));
    let search = url_param("q", String::new());
    let create = ServerAction::<CreateProvider>::new();
    let toggle = ServerAction::<SetProviderEnabled>::new();
    let delete = ServerAction::<DeleteProvider>::new();
    let providers = Resource::new(
        move || {
            (
                kind.get(),
                status.get(),
                search.get(),
                create.version().get(),
                toggle.version().get(),
                delete.version().get(),
            )
        },
        |(kind, status, search, ..)| list_providers(kind, status, search),
    );
    let row_error = Signal::derive(move || {
        delete
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| toggle.value().get().and_then(Result::err))
    });
    view! {
        <div class="filters">
            <label>"Show"
                <select on:change=move |ev| kind.set(event_target_value(&ev)) prop:value=move || kind.get()>
                    <option value="all">"all providers"</option>
                    <option value="system">"system providers"</option>
                    <option value="custom">"custom providers"</option>
                </select>
            </label>
            <label>"Status"
                <select on:change=move |ev| status.set(event_target_value(&ev)) prop:value=move || status.get()>
                    <option value="all">"enabled and disabled"</option>
                    <option value="enabled">"enabled"</option>
                    <option value="disabled">"disabled"</option>
                </select>
            </label>
            <SearchBox search label="Search providers"/>
        </div>
        <FormError error=row_error/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                page_result(providers.await, |rows| {
                    let filtered = kind.get_untracked() != "all" || status.get_untracked() != "all"
                        || !search.get_untracked().trim().is_empty();
                    view! { <ProviderTable rows toggle delete filtered/> }.into_any()
                })
            })}
        </Transition>
        <CreateProviderForm create/>
    }
}

#[component]
fn ProviderTable(
    rows: Vec<ProviderDto>,
    toggle: ServerAction<SetProviderEnabled>,
    delete: ServerAction<DeleteProvider>,
    filtered: bool,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <EmptyList filtered nothing_yet="No providers yet: add the first one below."/> }
            .into_any();
    }
    view! {
        <div class="table-scroll" tabindex="0"><table class="list" id="providers">
            <thead><tr>
                <th>"Priority"</th><th>"Provider"</th><th>"Identifier"</th><th>"Base URL"</th><th>"Kind"</th><th>"Status"</th><th>"Actions"</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|p| {
                    let id = p.id.to_string();
                    let id_for_delete = id.clone();
                    let identifier = p.identifier.clone();
                    let copy_url = (p.base_url.clone(), format!("{}'s base URL", p.name));
                    view! {
                        <tr data-identifier=identifier>
                            <td class="priority">{p.default_priority}</td>
                            <td><a href=format!("/providers/{}", p.id)>{p.name}</a></td>
                            <td><code>{p.identifier}</code></td>
                            <td class="url">{p.base_url} " " <CopyButton text=copy_url.0 about=copy_url.1/></td>
                            <td>{if p.is_system { "system" } else { "custom" }}</td>
                            <td class="status"><StatusBadge tone=Tone::on(p.enabled) text=if p.enabled { "enabled" } else { "disabled" }/></td>
                            <td class="actions">
                                <ActionForm action=toggle>
                                    <input type="hidden" name="id" value=id/>
                                    <input type="hidden" name="enabled" value=(!p.enabled).to_string()/>
                                    {if p.enabled {
                                        view! { <ConfirmButton label="Disable" confirm="Disable it" class="secondary"
                                            question="Disable? Its credentials stop being offered."/> }.into_any()
                                    } else {
                                        view! { <button type="submit" class="secondary">"Enable"</button> }.into_any()
                                    }}
                                </ActionForm>
                                {(!p.is_system).then(|| view! {
                                    <ActionForm action=delete>
                                        <input type="hidden" name="id" value=id_for_delete.clone()/>
                                        <ConfirmButton label="Delete" confirm="Delete for good"
                                            question="Delete this provider?"/>
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
