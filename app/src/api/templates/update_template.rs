use leptos::prelude::*;
use vocab::TemplateId;

use crate::dto::TemplateDto;
use crate::AppError;

/// Saves a custom template; `definition` is the JSON text from the editor and an
/// empty base URL clears the default.
#[server(prefix = "/rpc")]
pub async fn update_template(
    id: TemplateId,
    name: String,
    description: String,
    default_base_url: String,
    definition: String,
) -> Result<TemplateDto, AppError> {
    use domain::templates::TemplatePatch;
    let admin = crate::ssr::require_admin().await?;
    let definition = serde_json::from_str(&definition).map_err(|err| AppError::Validation {
        field: "definition".into(),
        message: format!("not valid JSON: {err}"),
    })?;
    let patch = TemplatePatch {
        name: Some(name),
        description: Some(description),
        default_base_url: Some(Some(default_base_url).filter(|url| !url.trim().is_empty())),
        definition: Some(definition),
    };
    let row = crate::ssr::services()?
        .templates
        .update(&admin, id, patch)
        .await?;
    Ok(row.into())
}
