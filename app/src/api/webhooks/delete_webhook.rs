use leptos::prelude::*;
use vocab::WebhookId;

use crate::AppError;

#[server(prefix = "/rpc")]
pub async fn delete_webhook(id: WebhookId) -> Result<(), AppError> {
    let admin = crate::ssr::require_admin().await?;
    Ok(crate::ssr::services()?.webhooks.delete(&admin, id).await?)
}
