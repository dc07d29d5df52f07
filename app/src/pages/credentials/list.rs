use leptos::prelude::*;
use uuid::Uuid;

use super::form::{CreateCredentialForm, EditCredentialForm};
use super::table::CredentialTable;
use crate::api::credentials::{
    credential_form_fields, list_credentials, CreateCredential, DeleteCredential, MoveCredential,
    SetCredentialActive, TestCredential, UpdateCredential,
};
use crate::api::providers::list_enabled_providers;
use crate::components::{page_result, FormError, Pager};
use crate::dto::{AvailableProviderDto, CredentialDto, CredentialPage, CredentialScope, TemplateFieldDto};
use crate::AppError;

/// The row actions of a list, handed to the table and the forms.
#[derive(Clone, Copy)]
pub struct Actions {
    pub create: ServerAction<CreateCredential>,
    pub update: ServerAction<UpdateCredential>,
    pub toggle: ServerAction<SetCredentialActive>,
    pub reorder: ServerAction<MoveCredential>,
    pub delete: ServerAction<DeleteCredential>,
    pub test: ServerAction<TestCredential>,
    /// The row being edited, if any.
    pub editing: RwSignal<Option<CredentialDto>>,
}

const PER_PAGE: u64 = 50;

/// Everything a list loads and changes. Pages make it outside their `Suspense`:
/// a `Suspense` runs its children again until they settle, and resources created
/// there would each be fetched and serialized into the page twice.
#[derive(Clone, Copy)]
pub struct ListState {
    scope: CredentialScope,
    actions: Actions,
    provider: RwSignal<String>,
    page: RwSignal<u64>,
    providers: Resource<Result<Vec<AvailableProviderDto>, AppError>>,
    credentials: Resource<Result<CredentialPage, AppError>>,
    form: FormState,
}

/// The create form's provider (none picked yet: the first one) and that provider's fields.
#[derive(Clone, Copy)]
pub struct FormState {
    pub selected: RwSignal<Option<Uuid>>,
    pub fields: Resource<Result<Vec<TemplateFieldDto>, AppError>>,
}

impl FormState {
    /// The provider the form is for: the one picked, else the first.
    pub fn provider(
        picked: Option<Uuid>,
        providers: &[AvailableProviderDto],
    ) -> Option<&AvailableProviderDto> {
        providers
            .iter()
            .find(|p| picked.is_none_or(|id| p.provider.id == id))
    }
}

impl ListState {
    pub fn new(scope: CredentialScope) -> Self {
        let actions = Actions {
            create: ServerAction::new(),
            update: ServerAction::new(),
            toggle: ServerAction::new(),
            reorder: ServerAction::new(),
            delete: ServerAction::new(),
            test: ServerAction::new(),
            editing: RwSignal::new(None),
        };
        let provider = RwSignal::new(String::new());
        let page = RwSignal::new(1_u64);
        let providers = Resource::new(|| (), |_| list_enabled_providers());
        let credentials = Resource::new(
            move || {
                (
                    provider.get(),
                    page.get(),
                    actions.create.version().get(),
                    actions.update.version().get(),
                    actions.toggle.version().get(),
                    actions.reorder.version().get(),
                    actions.delete.version().get(),
                    actions.test.version().get(),
                )
            },
            move |(provider, page, ..)| list_credentials(scope, provider, page),
        );
        let selected = RwSignal::new(None);
        let fields = Resource::new(
            move || selected.get(),
            move |picked| async move {
                let providers = providers.await.unwrap_or_default();
                match FormState::provider(picked, &providers) {
                    Some(p) => credential_form_fields(p.provider.id).await,
                    None => Ok(Vec::new()),
                }
            },
        );
        Self {
            scope,
            actions,
            provider,
            page,
            providers,
            credentials,
            form: FormState { selected, fields },
        }
    }
}

#[component]
pub fn CredentialList(state: ListState) -> impl IntoView {
    let (actions, provider, page, scope) = (state.actions, state.provider, state.page, state.scope);
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
                            providers.await.unwrap_or_default().into_iter().map(|p| view! {
                                <option value=p.provider.identifier.clone()>{p.provider.name}</option>
                            }).collect_view()
                        })}
                    </Suspense>
                </select>
            </label>
        </div>
        <FormError error=row_error/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                page_result(credentials.await, |list| {
                    view! {
                        <CredentialTable rows=list.rows scope actions/>
                        <Pager page total=list.total per_page=PER_PAGE noun="in all"/>
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
