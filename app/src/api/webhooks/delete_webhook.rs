use leptos::prelude::*;
use uuid::Uuid;

use crate::AppError;

#[server(prefix = "/rpc")]
pub async fn delete_webhook(id: Uuid) -> Result<(), AppError> {
    let admin = crate::ssr::require_admin().await?;
    Ok(crate::ssr::services()?.webhooks.delete(&admin, id).await?)
}
