use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::templates::CloneTemplate;
use crate::components::{FieldError, FormError};
use crate::dto::TemplateDto;

const FIELDS: &[&str] = &["key", "name"];

/// A custom template copied from another; the admin lands on it to change it.
#[component]
pub fn CloneTemplateForm(
    clone: ServerAction<CloneTemplate>,
    sources: Vec<TemplateDto>,
    /// The template to copy; without it the admin picks one.
    #[prop(optional)]
    source: Option<TemplateDto>,
) -> impl IntoView {
    let error = Signal::derive(move || clone.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(created)) = clone.value().get() {
            use_navigate()(&format!("/templates/{}", created.id), Default::default());
        }
    });
    let picker = match &source {
        Some(source) => view! { <input type="hidden" name="source" value=source.id.to_string()/> }.into_any(),
        None => view! {
            <label>"Copy"
                <select name="source" required>
                    {sources.into_iter().map(|t| view! { <option value=t.id.to_string()>{t.name}</option> }).collect_view()}
                </select>
            </label>
        }
        .into_any(),
    };
    view! {
        <section class="card">
            <h2>{match &source {
                Some(source) => format!("Clone {}", source.name),
                None => "New template from a copy".to_owned(),
            }}</h2>
            <ActionForm action=clone attr:id="clone-template">
                {picker}
                <label>"Name" <input type="text" name="name" required maxlength="100" placeholder="Acme gateway"/></label>
                <FieldError error field="name"/>
                <label>"Key (lowercase letters, digits, dashes)"
                    <input type="text" name="key" required maxlength="64" placeholder="acme-gateway"/>
                </label>
                <FieldError error field="key"/>
                <FormError error fields=FIELDS/>
                <button type="submit" disabled=move || clone.pending().get()>"Clone"</button>
            </ActionForm>
        </section>
    }
}
