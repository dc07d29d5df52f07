use leptos::prelude::*;
use vocab::UserId;

use crate::AppError;

/// Deletes another user with their connections and tokens; answers their email.
#[server(prefix = "/rpc")]
pub async fn delete_user(id: UserId) -> Result<String, AppError> {
    let admin = crate::ssr::require_admin().await?;
    let deleted = crate::ssr::services()?.users.delete(&admin, id).await?;
    Ok(deleted.email)
}
