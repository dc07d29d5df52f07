use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto::Overview;
use crate::AppError;

/// The figures on the overview page; any signed-in user sees them.
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn get_overview() -> Result<Overview, AppError> {
    crate::ssr::require_user().await?;
    let counts = domain::status::counts(&crate::ssr::services()?.db).await?;
    Ok(counts.into())
}
