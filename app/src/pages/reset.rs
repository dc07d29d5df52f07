use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::users::CompletePasswordReset;
use crate::components::{FieldError, FormError};

/// Where a reset link an admin made leads: the user sets a new password, then signs in.
/// The link is checked when the form is sent (a wrong or used one is refused then).
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let action = ServerAction::<CompletePasswordReset>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Title text="Set a new password"/>
        <section class="card narrow">
            <h1>"Set a new password"</h1>
            <ActionForm action>
                <input type="hidden" name="token" value=token/>
                <label>"New password (at least 12 characters)"
                    <input type="password" name="new_password" autocomplete="new-password" required minlength="12" maxlength="256"/>
                </label>
                <FieldError error field="new_password"/>
                <FormError error fields=&["new_password"]/>
                <button type="submit" disabled=move || action.pending().get()>"Set password"</button>
            </ActionForm>
        </section>
    }
}
