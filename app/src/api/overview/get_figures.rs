use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use vocab::Window;

use crate::dto::FiguresDto;
use crate::AppError;

/// Per-provider figures over the window and the sidelined credentials (admins).
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn get_figures(window: Window) -> Result<FiguresDto, AppError> {
    let admin = crate::ssr::require_admin().await?;
    let services = crate::ssr::services()?;
    Ok(services
        .overview
        .figures(&admin, chrono::Utc::now(), window)
        .await?
        .into())
}
