use leptos::prelude::*;

use crate::dto::ProviderDto;
use crate::AppError;

/// Creates a custom provider from a template. Empty base URL or priority means the default.
#[server(prefix = "/rpc")]
pub async fn create_provider(
    identifier: String,
    name: String,
    template_id: String,
    base_url: String,
    default_priority: String,
) -> Result<ProviderDto, AppError> {
    use domain::providers::NewProvider;
    let admin = crate::ssr::require_admin().await?;
    let default_priority = crate::ssr::optional_number("default_priority", &default_priority)?;
    let base_url = Some(base_url).filter(|url| !url.trim().is_empty());
    let new = NewProvider {
        identifier,
        name,
        template: template_id,
        base_url,
        default_priority,
        enabled: None,
        allow_endpoint_override: None,
    };
    let row = crate::ssr::services()?.providers.create(&admin, new).await?;
    Ok(row.into())
}
