use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use vocab::ProviderId;

use crate::dto::ProviderDetailDto;
use crate::AppError;

#[server(prefix = "/rpc", input = GetUrl)]
pub async fn get_provider(id: ProviderId) -> Result<ProviderDetailDto, AppError> {
    let admin = crate::ssr::require_admin().await?;
    let detail = crate::ssr::services()?.providers.detail(&admin, id).await?;
    Ok(detail.into())
}
