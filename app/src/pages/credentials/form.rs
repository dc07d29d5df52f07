use leptos::prelude::*;
use vocab::ProviderId;

use super::state::{Actions, FormState, ScopeField};
use crate::api::credentials::{credential_form_fields, TestCredentialForm};
use crate::components::{after_save, CredentialFields, FieldError, FormError, ProbeResult, SavedNotice};
use crate::dto::{AvailableProviderDto, CredentialDto, TemplateFieldDto};
use crate::AppError;
use vocab::Scope;

const FIELDS: &[&str] = &[
    "name",
    "provider",
    "fields",
    "priority",
    "weight",
    "rate_limit_per_minute",
    "monthly_quota",
    "auto_disable_after",
    "endpoint",
];

/// A new credential: pick a provider, and its template draws the fields.
#[component]
pub fn CreateCredentialForm(
    providers: Vec<AvailableProviderDto>,
    scope: Scope,
    actions: Actions,
    form: FormState,
) -> impl IntoView {
    let error = Signal::derive(move || actions.create.value().get().and_then(Result::err));
    let FormState { selected, fields } = form;
    let (form, notice) = after_save(
        actions.create.value(),
        |saved: &CredentialDto| format!("Saved {}. The secret will not be shown again.", saved.name),
        // The provider list is back on its first entry: its fields follow.
        move || selected.set(None),
    );
    let default_priority = {
        let providers = providers.clone();
        move || {
            FormState::provider(selected.get(), &providers)
                .map(|p| format!("default: {}", p.provider.default_priority))
        }
    };
    let title = match scope {
        Scope::Global => "Add a credential",
        Scope::Personal => "Add a connection",
    };
    view! {
        <section class="card">
            <h2>{title}</h2>
            <ActionForm action=actions.create node_ref=form attr:id="create-credential">
                <ScopeField scope/>
                <label>"Provider"
                    <select name="provider" required on:change=move |ev| selected.set(event_target_value(&ev).parse::<ProviderId>().ok())>
                        {providers.into_iter().map(|p| view! {
                            <option value=p.provider.id.to_string()>{p.provider.name}</option>
                        }).collect_view()}
                    </select>
                </label>
                <FieldError error field="provider"/>
                <label>"Name" <input type="text" name="name" required maxlength="100" placeholder="Team key"/></label>
                <FieldError error field="name"/>
                <Transition>
                    {move || Suspend::new(async move {
                        match fields.await {
                            Ok(fields) => view! {
                                <CredentialFields fields=fields.clone() error/>
                                <EndpointOverride shown=!has_own_endpoint(&fields) error/>
                            }.into_any(),
                            Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                        }
                    })}
                </Transition>
                <SettingsInputs error priority_hint=Signal::derive(default_priority)/>
                <FormError error fields=FIELDS/>
                <div class="buttons">
                    <button type="submit" disabled=move || actions.create.pending().get()
                        aria-busy=move || actions.create.pending().get().then_some("true")>"Save"</button>
                    <TestFormButton/>
                </div>
            </ActionForm>
            <SavedNotice notice/>
        </section>
    }
}

/// Changes a saved credential; a secret typed here replaces the stored one.
#[component]
pub fn EditCredentialForm(credential: CredentialDto, scope: Scope, actions: Actions) -> impl IntoView {
    let error = Signal::derive(move || actions.update.value().get().and_then(Result::err));
    let fields = Resource::new(|| (), move |_| credential_form_fields(credential.provider_id));
    let saved = credential.clone();
    view! {
        <section class="card" id="edit-credential">
            <h2>"Edit " {credential.name.clone()}</h2>
            <ActionForm action=actions.update>
                <ScopeField scope/>
                <input type="hidden" name="id" value=credential.id.to_string()/>
                <label>"Name" <input type="text" name="name" required maxlength="100" value=credential.name.clone()/></label>
                <FieldError error field="name"/>
                <Suspense>
                    {move || {
                        let saved = saved.clone();
                        Suspend::new(async move {
                            let endpoint = saved.endpoint.clone().unwrap_or_default();
                            match fields.await {
                                Ok(fields) => view! {
                                    <CredentialFields fields=fields.clone() error saved/>
                                    <EndpointOverride shown=!has_own_endpoint(&fields) error saved=endpoint/>
                                }.into_any(),
                                Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                            }
                        })
                    }}
                </Suspense>
                <SettingsInputs error saved=credential.clone()/>
                <FormError error fields=FIELDS/>
                <div class="buttons">
                    <button type="submit" disabled=move || actions.update.pending().get()>"Save changes"</button>
                    <TestFormButton/>
                    <button type="button" class="secondary" on:click=move |_| actions.editing.set(None)>"Cancel"</button>
                </div>
            </ActionForm>
        </section>
    }
}

/// Tests the values the form holds, without saving them. It reads its form when
/// pressed, so it serves the create and the edit form alike.
#[component]
fn TestFormButton() -> impl IntoView {
    let test = ServerAction::<TestCredentialForm>::new();
    let run = move |ev: leptos::ev::MouseEvent| {
        use leptos::form::FromFormData;
        use leptos::wasm_bindgen::JsCast;
        use leptos::web_sys::{Element, FormData, HtmlFormElement};
        let form = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|el| el.closest("form").ok().flatten())
            .and_then(|f| f.dyn_into::<HtmlFormElement>().ok());
        let args = form
            .and_then(|f| FormData::new_with_form(&f).ok())
            .and_then(|data| TestCredentialForm::from_form_data(&data).ok());
        if let Some(args) = args {
            test.dispatch(args);
        }
    };
    view! {
        <button type="button" class="secondary test-button" on:click=run disabled=move || test.pending().get()>
            {move || if test.pending().get() { "Testing…" } else { "Test" }}
        </button>
        {move || match test.value().get() {
            Some(Ok(result)) => view! { <ProbeResult result/> }.into_any(),
            Some(Err(error)) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
            None => ().into_any(),
        }}
    }
}

/// Priority, weight, limits and endpoint, empty or as saved.
#[component]
fn SettingsInputs(
    error: Signal<Option<AppError>>,
    #[prop(optional)] saved: Option<CredentialDto>,
    #[prop(optional, into)] priority_hint: Signal<Option<String>>,
) -> impl IntoView {
    let number = |value: Option<i64>| value.map(|v| v.to_string()).unwrap_or_default();
    let priority = number(saved.as_ref().map(|c| i64::from(c.priority)));
    let weight = number(saved.as_ref().map(|c| i64::from(c.weight)));
    let rate = number(
        saved
            .as_ref()
            .and_then(|c| c.rate_limit_per_minute.map(i64::from)),
    );
    let quota = number(saved.as_ref().and_then(|c| c.monthly_quota));
    let failures = number(saved.as_ref().and_then(|c| c.auto_disable_after.map(i64::from)));
    let required = saved.is_some();
    view! {
        <div class="row-inputs">
            <label>"Priority (lower first)"
                <input type="number" name="settings[priority]" min="0" max="10000" required=required value=priority
                    placeholder=move || priority_hint.get()/>
            </label>
            <label>"Weight (for ties)" <input type="number" name="settings[weight]" min="1" max="1000" required=required value=weight placeholder="1"/></label>
            <label>"Requests per minute" <input type="number" name="settings[rate_limit_per_minute]" min="1" value=rate placeholder="no limit"/></label>
            <label>"Monthly quota" <input type="number" name="settings[monthly_quota]" min="0" value=quota placeholder="no quota"/></label>
            <label>"Disable after failed checks" <input type="number" name="settings[auto_disable_after]" min="1" max="1000" value=failures placeholder="instance setting"/></label>
        </div>
        <FieldError error field="priority"/>
        <FieldError error field="weight"/>
        <FieldError error field="rate_limit_per_minute"/>
        <FieldError error field="monthly_quota"/>
        <FieldError error field="auto_disable_after"/>
    }
}

/// Another address for this credential's requests than the provider's. Left out where the
/// template asks for an endpoint of its own (Azure): two "endpoint" inputs would leave
/// the user guessing which one counts.
#[component]
fn EndpointOverride(
    shown: bool,
    error: Signal<Option<AppError>>,
    #[prop(optional)] saved: String,
) -> impl IntoView {
    shown.then(|| {
        view! {
            <label>"Endpoint override (empty: the provider's base URL)"
                <input type="url" name="settings[endpoint]" maxlength="2048" value=saved/>
            </label>
            <FieldError error field="endpoint"/>
        }
    })
}

fn has_own_endpoint(fields: &[TemplateFieldDto]) -> bool {
    fields.iter().any(|f| f.name == "endpoint")
}
