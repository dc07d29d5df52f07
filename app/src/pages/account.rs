use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::{current_user, ChangePassword};
use crate::components::{page_result, signed_in, FieldError, FormError};

#[component]
pub fn AccountPage() -> impl IntoView {
    let user = Resource::new(|| (), |_| current_user());
    view! {
        <Title text="Account"/>
        <h1>"Account"</h1>
        <Suspense>
            {move || Suspend::new(async move {
                page_result(signed_in(user.await), |user| view! {
                    <p>"Signed in as " <strong>{user.email}</strong> " (" {user.role.as_str()} ")"</p>
                    <ChangePasswordForm/>
                }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let done = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <section class="card narrow">
            <h2>"Change password"</h2>
            <ActionForm action>
                <label>"Current password"
                    <input type="password" name="current_password" autocomplete="current-password" required/>
                </label>
                <FieldError error field="current_password"/>
                <label>"New password (at least 12 characters)"
                    <input type="password" name="new_password" autocomplete="new-password" required minlength="12"/>
                </label>
                <FieldError error field="new_password"/>
                <FormError error fields=&["current_password", "new_password"]/>
                <button type="submit" disabled=move || action.pending().get()>"Change password"</button>
            </ActionForm>
            <Show when=done>
                <p class="ok" role="status">"Password changed. Your other sessions were signed out."</p>
            </Show>
        </section>
    }
}
