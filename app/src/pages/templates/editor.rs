use leptos::prelude::*;

use super::preview::TemplatePreview;
use crate::api::templates::UpdateTemplate;
use crate::components::{FieldError, FormError};
use crate::dto::{TemplateDto, TemplateFieldDto};
use crate::AppError;

/// The form's own fields, then the parts of a definition the domain names in its
/// errors (`fields[1].pattern`, `auth.name`, …).
const FIELDS: &[&str] = &[
    "name",
    "description",
    "default_base_url",
    "definition",
    "fields",
    "auth",
    "extraHeaders",
    "testRequest",
    "modelsRequest",
];
const DEFINITION_PARTS: &[&str] = FIELDS.split_at(4).1;

/// Edits a custom template. The definition is JSON (auth scheme, extra headers, fields,
/// test and model-list requests); the preview follows it as the admin types.
#[component]
pub fn TemplateEditor(template: TemplateDto, update: ServerAction<UpdateTemplate>) -> impl IntoView {
    let error = Signal::derive(move || update.value().get().and_then(Result::err));
    let saved = move || matches!(update.value().get(), Some(Ok(_)));
    let definition = RwSignal::new(serde_json::to_string_pretty(&template.definition).unwrap_or_default());
    let last_good = RwSignal::new(template.fields.clone());
    let parses = Memo::new(move |_| definition.with(|text| fields_in(text)));
    Effect::new(move |_| {
        if let Some(fields) = parses.get() {
            last_good.set(fields);
        }
    });
    view! {
        <div class="two-columns">
            <section class="card">
                <h2>"Edit"</h2>
                <ActionForm action=update attr:id="edit-template">
                    <input type="hidden" name="id" value=template.id.to_string()/>
                    <label>"Name" <input type="text" name="name" required maxlength="100" value=template.name/></label>
                    <FieldError error field="name"/>
                    <label>"Description" <textarea name="description" rows="2" maxlength="1000">{template.description}</textarea></label>
                    <FieldError error field="description"/>
                    <label>"Default base URL (empty: providers must give one)"
                        <input type="url" name="default_base_url" maxlength="2048" value=template.default_base_url/>
                    </label>
                    <FieldError error field="default_base_url"/>
                    <label>"Definition (JSON)"
                        <textarea name="definition" rows="22" spellcheck="false" class="code"
                            on:input=move |ev| definition.set(event_target_value(&ev))
                            prop:value=move || definition.get()>
                        </textarea>
                    </label>
                    <FieldError error field="definition"/>
                    <DefinitionError error/>
                    {move || parses.get().is_none().then(|| view! {
                        <span class="field-error">"Not a readable definition yet: the preview shows the last one that was."</span>
                    })}
                    <FormError error fields=FIELDS/>
                    <button type="submit" disabled=move || update.pending().get()>"Save template"</button>
                </ActionForm>
                {move || saved().then(|| view! { <p class="ok" role="status">"Saved."</p> })}
            </section>
            <TemplatePreview fields=last_good/>
        </div>
    }
}

/// An error about one part of the definition, with the part named.
#[component]
fn DefinitionError(error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().and_then(|e| match e {
            AppError::Validation { ref field, ref message } if DEFINITION_PARTS.iter().any(|p| e.is_about(p)) => {
                Some(view! {
                    <span class="field-error" data-field=field.clone()><code>{field.clone()}</code> ": " {message.clone()}</span>
                })
            }
            _ => None,
        })
    }
}

/// The credential fields of a definition being typed, once it parses.
fn fields_in(text: &str) -> Option<Vec<TemplateFieldDto>> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    serde_json::from_value(
        value
            .get("fields")
            .cloned()
            .unwrap_or_else(|| serde_json::json!([])),
    )
    .ok()
}
