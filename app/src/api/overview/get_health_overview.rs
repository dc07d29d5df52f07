use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto::HealthOverviewDto;
use crate::AppError;

/// Per-provider health over the last 24 hours and the sidelined credentials (admins).
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn get_health_overview() -> Result<HealthOverviewDto, AppError> {
    let admin = crate::ssr::require_admin().await?;
    let services = crate::ssr::services()?;
    Ok(services.overview.health(&admin, chrono::Utc::now()).await?.into())
}
