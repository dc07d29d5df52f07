use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};
use vocab::TemplateId;

use super::clone_form::CloneTemplateForm;
use super::editor::TemplateEditor;
use super::preview::TemplatePreview;
use crate::api::templates::{get_template, CloneTemplate, DeleteTemplate, UpdateTemplate};
use crate::components::{page_result, saves, FormError};
use crate::dto::TemplateDto;
use crate::AppError;

#[component]
pub fn TemplateDetailPage() -> impl IntoView {
    let params = use_params_map();
    let update = ServerAction::<UpdateTemplate>::new();
    let clone = ServerAction::<CloneTemplate>::new();
    let delete = ServerAction::<DeleteTemplate>::new();
    // A refused save keeps the definition as typed beside its error.
    let saved = saves(update.value(), |_| true);
    let template = Resource::new(
        move || (params.read().get("id"), saved.get()),
        |(id, _)| async move {
            let id = id
                .and_then(|id| id.parse::<TemplateId>().ok())
                .ok_or(AppError::NotFound)?;
            get_template(id).await
        },
    );
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            use_navigate()("/templates", Default::default());
        }
    });
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                page_result(template.await, |t| view! { <TemplateView template=t update clone delete/> }.into_any())
            })}
        </Transition>
    }
}

#[component]
fn TemplateView(
    template: TemplateDto,
    update: ServerAction<UpdateTemplate>,
    clone: ServerAction<CloneTemplate>,
    delete: ServerAction<DeleteTemplate>,
) -> impl IntoView {
    let delete_error = Signal::derive(move || delete.value().get().and_then(Result::err));
    let definition = serde_json::to_string_pretty(&template.definition).unwrap_or_default();
    let body = if template.builtin {
        view! {
            <div class="two-columns">
                <section class="card">
                    <h2>"Definition"</h2>
                    <pre class="definition">{definition}</pre>
                </section>
                <TemplatePreview fields=Signal::stored(template.fields.clone())/>
            </div>
        }
        .into_any()
    } else {
        view! {
            <TemplateEditor template=template.clone() update/>
            <section class="card">
                <ActionForm action=delete attr:id="delete-template">
                    <input type="hidden" name="id" value=template.id.to_string()/>
                    <button type="submit" class="secondary danger">"Delete this template"</button>
                </ActionForm>
                <FormError error=delete_error/>
            </section>
        }
        .into_any()
    };
    view! {
        <Title text=template.name.clone()/>
        <p class="crumbs"><a href="/templates">"Templates"</a> " / " {template.key.clone()}</p>
        <h1>{template.name.clone()}</h1>
        <p class="subtitle">
            {if template.builtin { "Built-in template" } else { "Custom template" }}
            " · auth: " {template.auth_scheme.clone()}
            {template.default_base_url.clone().map(|url| view! { " · " <code>{url}</code> })}
        </p>
        <p>{template.description.clone()}</p>
        {body}
        <CloneTemplateForm clone sources=Vec::new() source=template/>
    }
}
