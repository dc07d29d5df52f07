use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto::AvailableProviderDto;
use crate::AppError;

/// What any signed-in user may use: enabled providers and their enabled models.
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn list_enabled_providers() -> Result<Vec<AvailableProviderDto>, AppError> {
    crate::ssr::require_user().await?;
    let rows = crate::ssr::services()?.providers.list_enabled().await?;
    Ok(rows.into_iter().map(AvailableProviderDto::from).collect())
}
