use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto::ApiTokenDto;
use crate::AppError;

/// The caller's own tokens, newest first.
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn list_tokens() -> Result<Vec<ApiTokenDto>, AppError> {
    let user = crate::ssr::require_user().await?;
    let rows = crate::ssr::services()?.tokens.list_own(&user).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}
