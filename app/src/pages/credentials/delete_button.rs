use leptos::prelude::*;

use super::table::ScopeField;
use crate::api::credentials::DeleteCredential;
use crate::dto::CredentialScope;

/// Deleting asks once more: the first click arms the button, the second deletes.
#[component]
pub fn DeleteButton(
    id: String,
    scope: CredentialScope,
    delete: ServerAction<DeleteCredential>,
) -> impl IntoView {
    let armed = RwSignal::new(false);
    view! {
        <ActionForm action=delete>
            <ScopeField scope/>
            <input type="hidden" name="id" value=id/>
            {move || if armed.get() {
                view! { <button type="submit" class="danger-solid">"Delete for good"</button> }.into_any()
            } else {
                view! { <button type="button" class="secondary danger" on:click=move |_| armed.set(true)>"Delete"</button> }.into_any()
            }}
        </ActionForm>
    }
}
