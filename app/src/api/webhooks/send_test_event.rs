use leptos::prelude::*;
use vocab::WebhookId;

use crate::dto::WebhookDeliveryDto;
use crate::AppError;

/// Queues a test event; its outcome shows in the delivery log.
#[server(prefix = "/rpc")]
pub async fn send_test_event(id: WebhookId) -> Result<WebhookDeliveryDto, AppError> {
    let admin = crate::ssr::require_admin().await?;
    Ok(crate::ssr::services()?.alerts.send_test(&admin, id).await?.into())
}
