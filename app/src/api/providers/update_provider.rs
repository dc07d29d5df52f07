use leptos::prelude::*;
use vocab::ProviderId;

use crate::dto::ProviderDto;
use crate::AppError;

/// Saves the provider's name, base URL, default priority, and whether users' connections
/// may use their own endpoint (a checkbox: left out when not ticked).
#[server(prefix = "/rpc")]
pub async fn update_provider(
    id: ProviderId,
    name: String,
    base_url: String,
    default_priority: String,
    #[server(default)] allow_endpoint_override: bool,
) -> Result<ProviderDto, AppError> {
    use domain::providers::ProviderPatch;
    let admin = crate::ssr::require_admin().await?;
    let patch = ProviderPatch {
        name: Some(name),
        base_url: Some(base_url),
        default_priority: Some(crate::ssr::whole_number("default_priority", &default_priority)?),
        enabled: None,
        allow_endpoint_override: Some(allow_endpoint_override),
    };
    let row = crate::ssr::services()?
        .providers
        .update(&admin, id, patch)
        .await?;
    Ok(row.into())
}
