use leptos::prelude::*;
use vocab::ProviderId;

use crate::dto::ProviderDto;
use crate::AppError;

#[server(prefix = "/rpc")]
pub async fn set_provider_enabled(id: ProviderId, enabled: bool) -> Result<ProviderDto, AppError> {
    use domain::providers::ProviderPatch;
    let admin = crate::ssr::require_admin().await?;
    let patch = ProviderPatch {
        enabled: Some(enabled),
        ..Default::default()
    };
    let row = crate::ssr::services()?
        .providers
        .update(&admin, id, patch)
        .await?;
    Ok(row.into())
}
