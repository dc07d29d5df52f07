use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto::Overview;
use crate::AppError;

/// The instance's counts on an admin's overview page.
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn get_overview() -> Result<Overview, AppError> {
    let admin = crate::ssr::require_admin().await?;
    Ok(crate::ssr::services()?.system.counts(&admin).await?.into())
}
