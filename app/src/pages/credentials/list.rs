//! A credential list: its filter, table, pager, edit form and create form.

use leptos::prelude::*;

use super::form::{CreateCredentialForm, EditCredentialForm};
use super::state::{page_size, ListState, PAGE_SIZES};
use super::table::CredentialTable;
use crate::components::{page_result, FormError, Pager};
use vocab::Scope;

#[component]
pub fn CredentialList(state: ListState) -> impl IntoView {
    let (actions, provider, page, scope) = (state.actions, state.provider, state.page, state.scope);
    let (search, order, per_page) = (state.search, state.order, state.per_page);
    let (providers, credentials, form) = (state.providers, state.credentials, state.form);
    Effect::new(move |_| {
        if let Some(Ok(_)) = actions.update.value().get() {
            actions.editing.set(None);
        }
    });
    let row_error = Signal::derive(move || {
        (actions.toggle.value().get().and_then(Result::err))
            .or_else(|| actions.reorder.value().get().and_then(Result::err))
            .or_else(|| actions.delete.value().get().and_then(Result::err))
            .or_else(|| actions.test.value().get().and_then(Result::err))
    });
    view! {
        <div class="filters">
            <label>"Provider"
                <select on:change=move |ev| { provider.set(event_target_value(&ev)); page.set(1); } prop:value=move || provider.get()>
                    <option value="">"all providers"</option>
                    <Suspense>
                        {move || Suspend::new(async move {
                            providers.await.unwrap_or_default().into_iter().map(|p| {
                                let identifier = p.provider.identifier.clone();
                                view! {
                                    <option value=p.provider.identifier.clone()
                                        selected=move || provider.get() == identifier>{p.provider.name}</option>
                                }
                            }).collect_view()
                        })}
                    </Suspense>
                </select>
            </label>
            <label>"Search names"
                <input type="search" maxlength="100" prop:value=move || search.get()
                    on:change=move |ev| { search.set(event_target_value(&ev)); page.set(1); }/>
            </label>
            <label>"Per page"
                <select prop:value=move || per_page.get().to_string()
                    on:change=move |ev| {
                        if let Ok(size) = event_target_value(&ev).parse() { per_page.set(size); page.set(1); }
                    }>
                    {PAGE_SIZES.into_iter().map(|size| view! {
                        <option value=size.to_string() selected=move || per_page.get() == size>{size}</option>
                    }).collect_view()}
                </select>
            </label>
            // Metadata only: no key, no hint (the export is the domain's).
            {(scope == Scope::Global).then(|| view! {
                <a class="export" href="/api/admin/credentials/export.csv" rel="external" download="credentials.csv">
                    "Export CSV"
                </a>
            })}
        </div>
        <FormError error=row_error/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                page_result(credentials.await, |list| {
                    let filtered = !provider.get_untracked().is_empty() || !search.get_untracked().trim().is_empty();
                    view! {
                        <CredentialTable rows=list.rows scope actions order page filtered/>
                        <Pager page total=list.total per_page=page_size(per_page.get_untracked()) noun="in all"/>
                    }
                    .into_any()
                })
            })}
        </Transition>
        {move || actions.editing.get().map(|credential| view! { <EditCredentialForm credential scope actions/> })}
        <Suspense>
            {move || Suspend::new(async move {
                page_result(providers.await, |providers| view! { <CreateCredentialForm providers scope actions form/> }.into_any())
            })}
        </Suspense>
    }
}
