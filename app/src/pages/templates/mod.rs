//! Templates: how Switchyard talks to a kind of provider, and the form its credentials fill.

mod clone_form;
mod detail;
mod editor;
mod preview;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::templates::{list_templates, CloneTemplate};
use crate::components::page_result;
use crate::dto::TemplateDto;
use clone_form::CloneTemplateForm;
pub use detail::TemplateDetailPage;

#[component]
pub fn TemplatesPage() -> impl IntoView {
    let clone = ServerAction::<CloneTemplate>::new();
    let templates = Resource::new(move || clone.version().get(), |_| list_templates());
    view! {
        <Title text="Templates"/>
        <h1>"Templates"</h1>
        <p class="subtitle">"Built-in templates cannot be changed; clone one to describe an unusual provider."</p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                page_result(templates.await, |rows| view! {
                    <TemplateTable rows=rows.clone()/>
                    <CloneTemplateForm clone sources=rows/>
                }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn TemplateTable(rows: Vec<TemplateDto>) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0"><table class="list" id="templates">
            <thead><tr><th>"Template"</th><th>"Key"</th><th>"Kind"</th><th>"Auth"</th><th>"Fields"</th><th>"Default base URL"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|t| {
                    let fields = t.fields.iter().map(|f| f.name.clone()).collect::<Vec<_>>().join(", ");
                    let key = t.key.clone();
                    view! {
                        <tr data-key=key>
                            <td><a href=format!("/templates/{}", t.id)>{t.name}</a></td>
                            <td><code>{t.key}</code></td>
                            <td>{if t.builtin { "built-in" } else { "custom" }}</td>
                            <td>{t.auth_scheme}</td>
                            <td>{fields}</td>
                            <td class="url">{t.default_base_url}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    }
}
