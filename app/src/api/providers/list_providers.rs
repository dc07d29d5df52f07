use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto::ProviderDto;
use crate::AppError;

/// The whole registry, filtered: `kind` is `system` or `custom`, `status` is `enabled`
/// or `disabled`; anything else means all.
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn list_providers(
    kind: String,
    status: String,
    search: String,
) -> Result<Vec<ProviderDto>, AppError> {
    use domain::providers::ProviderFilter;
    let admin = crate::ssr::require_admin().await?;
    let is_system = match kind.as_str() {
        "system" => Some(true),
        "custom" => Some(false),
        _ => None,
    };
    let enabled = match status.as_str() {
        "enabled" => Some(true),
        "disabled" => Some(false),
        _ => None,
    };
    let filter = ProviderFilter {
        is_system,
        enabled,
        search: Some(search),
    };
    let rows = crate::ssr::services()?.providers.list(&admin, &filter).await?;
    Ok(rows.into_iter().map(ProviderDto::from).collect())
}
