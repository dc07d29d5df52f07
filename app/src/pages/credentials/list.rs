//! A credential list: its filter, table, pager, edit form and create form.

use leptos::prelude::*;

use super::form::{CreateCredentialForm, EditCredentialForm};
use super::state::ListState;
use super::table::CredentialTable;
use crate::components::{page_result, page_size, FormError, PageSizeChoice, Pager, SearchBox};
use vocab::Scope;

#[component]
pub fn CredentialList(state: ListState) -> impl IntoView {
    let (actions, provider, list, scope) = (state.actions, state.provider, state.list, state.scope);
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
                <select on:change=move |ev| { provider.set(event_target_value(&ev)); list.page.set(1); } prop:value=move || provider.get()>
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
            <SearchBox search=list.search page=list.page label="Search names"/>
            <PageSizeChoice list/>
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
                page_result(credentials.await, |found| {
                    let filtered = !provider.get_untracked().is_empty() || list.searching();
                    view! {
                        <CredentialTable rows=found.rows scope actions list filtered/>
                        <Pager page=list.page total=found.total per_page=page_size(list.per_page.get_untracked()) noun="in all"/>
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
