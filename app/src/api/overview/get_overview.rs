use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto::Overview;
use crate::AppError;

/// The counts on the overview page; any signed-in user sees them.
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn get_overview() -> Result<Overview, AppError> {
    let user = crate::ssr::require_user().await?;
    Ok(crate::ssr::services()?.system.counts(&user).await?.into())
}
