use leptos::prelude::*;

use crate::components::FieldError;
use crate::dto::TemplateFieldDto;
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
) -> impl IntoView {
    if fields.is_empty() {
        return view! { <p class="empty">"This template needs no credential fields."</p> }.into_any();
    }
    fields
        .into_iter()
        .map(|field| {
            let input_name = format!("fields[{}]", field.name);
            let error_name = format!("fields.{}", field.name);
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
                        required=field.required
                        placeholder=field.placeholder
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
