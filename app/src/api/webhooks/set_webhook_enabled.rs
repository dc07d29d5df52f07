use leptos::prelude::*;
use vocab::WebhookId;

use crate::dto::WebhookDto;
use crate::AppError;

#[server(prefix = "/rpc")]
pub async fn set_webhook_enabled(id: WebhookId, enabled: bool) -> Result<WebhookDto, AppError> {
    use domain::alerts::WebhookPatch;
    let admin = crate::ssr::require_admin().await?;
    let patch = WebhookPatch {
        enabled: Some(enabled),
        ..Default::default()
    };
    Ok(crate::ssr::services()?
        .webhooks
        .update(&admin, id, patch)
        .await?
        .into())
}
