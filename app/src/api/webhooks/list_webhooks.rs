use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto::WebhookDto;
use crate::AppError;

#[server(prefix = "/rpc", input = GetUrl)]
pub async fn list_webhooks() -> Result<Vec<WebhookDto>, AppError> {
    let admin = crate::ssr::require_admin().await?;
    let rows = crate::ssr::services()?.webhooks.list(&admin).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}
