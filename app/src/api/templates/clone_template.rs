use leptos::prelude::*;

use crate::dto::TemplateDto;
use crate::AppError;

/// A custom template that starts as a copy of `source` (an id or key).
#[server(prefix = "/rpc")]
pub async fn clone_template(source: String, key: String, name: String) -> Result<TemplateDto, AppError> {
    use domain::templates::NewTemplate;
    let admin = crate::ssr::require_admin().await?;
    let new = NewTemplate {
        key,
        name,
        description: None,
        default_base_url: None,
        definition: None,
        clone_from: Some(source),
    };
    let row = crate::ssr::services()?.templates.create(&admin, new).await?;
    Ok(row.into())
}
