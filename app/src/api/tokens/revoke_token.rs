use leptos::prelude::*;
use vocab::TokenId;

use crate::dto::ApiTokenDto;
use crate::AppError;

#[server(prefix = "/rpc")]
pub async fn revoke_token(id: TokenId) -> Result<ApiTokenDto, AppError> {
    let user = crate::ssr::require_user().await?;
    let row = crate::ssr::services()?.tokens.revoke(&user, id).await?;
    Ok(row.into())
}
