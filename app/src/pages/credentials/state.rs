//! What a credential list shares between its table and its forms: the actions they
//! dispatch, the resources they read, and the create form's provider.

use leptos::prelude::*;
use vocab::{CredentialId, CredentialOrder, ProviderId, Scope};

use crate::api::credentials::{
    credential_form_fields, list_credentials, CreateCredential, DeleteCredential, MoveCredential,
    SetCredentialActive, TestCredential, UpdateCredential,
};
use crate::api::providers::list_enabled_providers;
use crate::components::{url_param, ListView, UrlParam};
use crate::dto::{AvailableProviderDto, CredentialDto, Page, TemplateFieldDto};
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
    /// The row and button (`data-action`) a keyboard user acted with last: the list
    /// redraws its rows when the action's result arrives, and the new row takes the focus
    /// back, so the keyboard stays where it was.
    pub refocus: StoredValue<Option<(CredentialId, &'static str)>>,
}

/// Everything a list loads and changes. Pages make it outside their `Suspense`:
/// a `Suspense` runs its children again until they settle, and resources created
/// there would each be fetched and serialized into the page twice.
#[derive(Clone, Copy)]
pub struct ListState {
    pub scope: Scope,
    pub actions: Actions,
    /// The provider filter (an identifier; empty for all).
    pub provider: UrlParam<String>,
    /// The search (part of a name), order, page size and page.
    pub list: ListView<CredentialOrder>,
    /// Bumped when something outside the list's own actions changed its rows (a finished
    /// "Test all"), to load them again.
    pub reload: RwSignal<u32>,
    pub providers: Resource<Result<Vec<AvailableProviderDto>, AppError>>,
    pub credentials: Resource<Result<Page<CredentialDto>, AppError>>,
    pub form: FormState,
}

/// The create form's provider (none picked yet: the first one) and that provider's fields.
#[derive(Clone, Copy)]
pub struct FormState {
    pub selected: RwSignal<Option<ProviderId>>,
    pub fields: Resource<Result<Vec<TemplateFieldDto>, AppError>>,
}

impl FormState {
    /// The provider the form is for: the one picked, else the first.
    pub fn provider(
        picked: Option<ProviderId>,
        providers: &[AvailableProviderDto],
    ) -> Option<&AvailableProviderDto> {
        providers
            .iter()
            .find(|p| picked.is_none_or(|id| p.provider.id == id))
    }
}

impl ListState {
    pub fn new(scope: Scope) -> Self {
        let actions = Actions {
            create: ServerAction::new(),
            update: ServerAction::new(),
            toggle: ServerAction::new(),
            reorder: ServerAction::new(),
            delete: ServerAction::new(),
            test: ServerAction::new(),
            editing: RwSignal::new(None),
            refocus: StoredValue::new(None),
        };
        let provider = url_param("provider", String::new());
        let list = ListView::new(CredentialOrder::Priority);
        let reload = RwSignal::new(0_u32);
        let providers = Resource::new(|| (), |_| list_enabled_providers());
        let credentials = Resource::new(
            move || {
                (
                    (provider.get(), list.search.get(), list.order.get(), list.size()),
                    list.page.get(),
                    actions.create.version().get(),
                    actions.update.version().get(),
                    actions.toggle.version().get(),
                    actions.reorder.version().get(),
                    actions.delete.version().get(),
                    actions.test.version().get(),
                    reload.get(),
                )
            },
            move |((provider, search, order, per_page), page, ..)| {
                list_credentials(scope, provider, page, search, order, per_page)
            },
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
            list,
            reload,
            providers,
            credentials,
            form: FormState { selected, fields },
        }
    }
}

/// The hidden field every credential form posts its list's scope in.
#[component]
pub fn ScopeField(scope: Scope) -> impl IntoView {
    view! { <input type="hidden" name="scope" value=scope.as_str()/> }
}
