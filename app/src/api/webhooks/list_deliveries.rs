use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use vocab::WebhookId;

use crate::dto::WebhookDeliveryDto;
use crate::AppError;

/// The latest 50 deliveries to a webhook, newest first.
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn list_deliveries(id: WebhookId) -> Result<Vec<WebhookDeliveryDto>, AppError> {
    let admin = crate::ssr::require_admin().await?;
    let rows = crate::ssr::services()?.webhooks.deliveries(&admin, id).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}
