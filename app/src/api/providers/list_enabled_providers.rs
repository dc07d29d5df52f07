use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto::ProviderDto;
use crate::AppError;

/// What any signed-in user may use: enabled providers.
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn list_enabled_providers() -> Result<Vec<ProviderDto>, AppError> {
    crate::ssr::require_user().await?;
    let rows = crate::ssr::services()?.providers.list_enabled().await?;
    Ok(rows.into_iter().map(ProviderDto::from).collect())
}
