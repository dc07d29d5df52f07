use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto::UserDto;
use crate::AppError;

#[server(prefix = "/rpc", input = GetUrl)]
pub async fn list_users() -> Result<Vec<UserDto>, AppError> {
    let admin = crate::ssr::require_admin().await?;
    let rows = crate::ssr::services()?.users.list(&admin).await?;
    Ok(rows.into_iter().map(UserDto::from).collect())
}
