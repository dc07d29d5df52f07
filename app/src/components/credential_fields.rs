use leptos::prelude::*;

use crate::components::FieldError;
use crate::dto::{CredentialDto, TemplateFieldDto};
use crate::AppError;

/// The inputs a template's field schema asks for, named `fields[<name>]` so a form posts
/// them as one map: secret fields are password inputs that browsers never autofill,
/// required ones are marked, patterns and help texts come from the template. The same
/// renderer draws the credential form, the model-sync form and the template preview.
#[component]
pub fn CredentialFields(
    fields: Vec<TemplateFieldDto>,
    /// Errors whose field is `fields.<name>` appear under that input.
    #[prop(optional, into)]
    error: Signal<Option<AppError>>,
    /// A preview: the inputs cannot be typed into.
    #[prop(optional)]
    disabled: bool,
    /// Editing a saved credential: plain values are filled in, and a secret left
    /// empty keeps the stored one.
    #[prop(optional)]
    saved: Option<CredentialDto>,
    /// Every input may stay empty, and says (as its placeholder) what empty means.
    #[prop(optional, into)]
    empty_means: Option<String>,
) -> impl IntoView {
    if fields.is_empty() {
        return view! { <p class="empty">"This template needs no credential fields."</p> }.into_any();
    }
    fields
        .into_iter()
        .map(|field| {
            let input_name = format!("fields[{}]", field.name);
            let error_name = format!("fields.{}", field.name);
            let value = saved
                .as_ref()
                .and_then(|c| c.fields.get(&field.name))
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            let keeps_secret = field.secret && saved.as_ref().is_some_and(|c| c.secret_fields.contains(&field.name));
            let placeholder = if keeps_secret {
                saved.as_ref().map(|c| format!("leave empty to keep {}", c.masked()))
            } else {
                empty_means.clone().or(field.placeholder)
            };
            let required = field.required && !keeps_secret && empty_means.is_none();
            view! {
                <label data-field=field.name.clone()>
                    <span>
                        {field.label}
                        {field.required.then(|| view! { <abbr class="required" title="required">" *"</abbr> })}
                        {field.secret.then(|| view! { <span class="badge">"secret"</span> })}
                    </span>
                    <input
                        type=if field.secret { "password" } else { "text" }
                        name=input_name
                        required=required
                        placeholder=placeholder
                        value=value
                        pattern=field.pattern
                        autocomplete=if field.secret { "new-password" } else { "off" }
                        spellcheck="false"
                        disabled=disabled
                    />
                    {field.help.map(|help| view! { <small class="help">{help}</small> })}
                </label>
                <FieldError error field=error_name/>
            }
        })
        .collect_view()
        .into_any()
}
