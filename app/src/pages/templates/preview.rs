use leptos::prelude::*;

use crate::components::CredentialFields;
use crate::dto::TemplateFieldDto;

/// The credential form this template asks for, exactly as the credential pages draw it.
#[component]
pub fn TemplatePreview(#[prop(into)] fields: Signal<Vec<TemplateFieldDto>>) -> impl IntoView {
    view! {
        <section class="card preview" id="template-preview">
            <h2>"Credential form preview"</h2>
            <form on:submit=|ev| ev.prevent_default()>
                {move || view! { <CredentialFields fields=fields.get() disabled=true/> }}
            </form>
        </section>
    }
}
