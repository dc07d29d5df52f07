use leptos::prelude::*;
use vocab::ProviderId;

use crate::api::models::{AddModel, SetModelEnabled};
use crate::components::{FieldError, FormError, StatusBadge, Tone};
use crate::dto::ModelDto;

/// The provider's models; users only ever see the enabled ones.
#[component]
pub fn ModelTable(
    provider_id: ProviderId,
    models: Vec<ModelDto>,
    set_model: ServerAction<SetModelEnabled>,
) -> impl IntoView {
    if models.is_empty() {
        return view! { <p class="empty">"No models yet: pull them from the provider or add one by hand."</p> }.into_any();
    }
    let last_synced = models
        .iter()
        .filter_map(|m| m.last_synced_at)
        .max()
        .map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string());
    view! {
        <p class="subtitle">{match last_synced {
            Some(at) => format!("Last synced {at}"),
            None => "Never synced".to_owned(),
        }}</p>
        <div class="table-scroll" tabindex="0"><table class="list" id="model-list">
            <thead><tr><th>"Model"</th><th>"Name"</th><th>"Source"</th><th>"Status"</th><th>"Actions"</th></tr></thead>
            <tbody>
                {models.into_iter().map(|m| { let key = m.model_id.clone(); view! {
                    <tr data-model=key>
                        <td><code>{m.model_id}</code></td>
                        <td>{m.display_name}</td>
                        <td>{m.source.as_str()}</td>
                        <td class="status"><StatusBadge tone=Tone::on(m.enabled) text=if m.enabled { "enabled" } else { "disabled" }/></td>
                        <td class="actions">
                            <ActionForm action=set_model>
                                <input type="hidden" name="provider_id" value=provider_id.to_string()/>
                                <input type="hidden" name="id" value=m.id.to_string()/>
                                <input type="hidden" name="enabled" value=(!m.enabled).to_string()/>
                                <button type="submit" class="secondary">{if m.enabled { "Disable" } else { "Enable" }}</button>
                            </ActionForm>
                        </td>
                    </tr>
                }}).collect_view()}
            </tbody>
        </table></div>
    }
    .into_any()
}

const FIELDS: &[&str] = &["model_id", "display_name"];

#[component]
pub fn AddModelForm(provider_id: ProviderId, add: ServerAction<AddModel>) -> impl IntoView {
    let error = Signal::derive(move || add.value().get().and_then(Result::err));
    view! {
        <h3>"Add a model by hand"</h3>
        <ActionForm action=add attr:id="add-model" attr:class="row">
            <input type="hidden" name="provider_id" value=provider_id.to_string()/>
            <label>"Model id" <input type="text" name="model_id" required maxlength="200" placeholder="gpt-4o-mini"/></label>
            <label>"Display name (optional)" <input type="text" name="display_name" maxlength="200"/></label>
            <button type="submit" disabled=move || add.pending().get()>"Add model"</button>
        </ActionForm>
        <FieldError error field="model_id"/>
        <FieldError error field="display_name"/>
        <FormError error fields=FIELDS/>
    }
}
