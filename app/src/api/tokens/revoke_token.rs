use leptos::prelude::*;
use uuid::Uuid;

use crate::dto::ApiTokenDto;
use crate::AppError;

#[server(prefix = "/rpc")]
pub async fn revoke_token(id: Uuid) -> Result<ApiTokenDto, AppError> {
    let user = crate::ssr::require_user().await?;
    let row = crate::ssr::services()?.tokens.revoke(&user, id).await?;
    Ok(row.into())
}
