use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::AppError;

/// Whether resolve lists a caller's own connections before the global credentials.
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn personal_first() -> Result<bool, AppError> {
    crate::ssr::require_admin().await?;
    Ok(crate::ssr::services()?.resolve.personal_first().await?)
}

#[server(prefix = "/rpc")]
pub async fn set_personal_first(on: bool) -> Result<bool, AppError> {
    let admin = crate::ssr::require_admin().await?;
    let resolve = &crate::ssr::services()?.resolve;
    resolve.set_personal_first(&admin, on).await?;
    Ok(resolve.personal_first().await?)
}
