use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::AppError;

/// Whether resolve lists a caller's own connections before the global credentials.
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn personal_first() -> Result<bool, AppError> {
    let admin = crate::ssr::require_admin().await?;
    let settings = crate::ssr::services()?.resolve.settings().get(&admin).await?;
    Ok(settings.personal_first)
}

#[server(prefix = "/rpc")]
pub async fn set_personal_first(on: bool) -> Result<bool, AppError> {
    use domain::routing::SettingsPatch;
    let admin = crate::ssr::require_admin().await?;
    let patch = SettingsPatch {
        personal_first: Some(on),
    };
    let settings = crate::ssr::services()?
        .resolve
        .settings()
        .update(&admin, patch)
        .await?;
    Ok(settings.personal_first)
}
