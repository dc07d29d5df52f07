use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::setup::{check_setup_token, CompleteSetup};
use crate::components::{FieldError, FormError};
use crate::AppError;

/// The first-admin set-up behind the one-time link printed at start-up.
#[component]
pub fn SetupPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let valid = Resource::new(token, check_setup_token);
    view! {
        <Title text="Set up"/>
        <section class="card narrow">
            <h1>"Create the first admin"</h1>
            <Suspense>
                {move || Suspend::new(async move {
                    match valid.await {
                        Ok(()) => view! { <SetupForm token=token()/> }.into_any(),
                        Err(AppError::Forbidden) => view! {
                            <p class="error" role="alert">"Set-up is already done. "<a href="/login">"Sign in"</a></p>
                        }.into_any(),
                        Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SetupForm(token: String) -> impl IntoView {
    let action = ServerAction::<CompleteSetup>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <ActionForm action>
            <input type="hidden" name="token" value=token/>
            <label>"Email" <input type="email" name="email" autocomplete="username" required maxlength="254"/></label>
            <FieldError error field="email"/>
            <label>"Name" <input type="text" name="display_name" required maxlength="100"/></label>
            <FieldError error field="display_name"/>
            <label>"Password (at least 12 characters)"
                <input type="password" name="password" autocomplete="new-password" required minlength="12" maxlength="256"/>
            </label>
            <FieldError error field="password"/>
            <FormError error fields=&["email", "display_name", "password"]/>
            <button type="submit" disabled=move || action.pending().get()>"Create admin and sign in"</button>
        </ActionForm>
    }
}
