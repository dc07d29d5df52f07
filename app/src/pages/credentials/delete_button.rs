use leptos::prelude::*;

use super::table::ScopeField;
use crate::api::credentials::DeleteCredential;
use crate::components::ConfirmButton;
use crate::dto::CredentialScope;

/// Deleting asks once more: the first click arms the button, the second deletes.
#[component]
pub fn DeleteButton(
    id: String,
    scope: CredentialScope,
    delete: ServerAction<DeleteCredential>,
) -> impl IntoView {
    view! {
        <ActionForm action=delete>
            <ScopeField scope/>
            <input type="hidden" name="id" value=id/>
            <ConfirmButton label="Delete" confirm="Delete for good"/>
        </ActionForm>
    }
}
