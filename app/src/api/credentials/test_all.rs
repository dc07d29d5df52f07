use leptos::prelude::*;
use vocab::RunId;

use crate::dto::TestRunDto;
use crate::AppError;

/// Starts testing every global credential (or joins the run already going).
#[server(prefix = "/rpc")]
pub async fn start_test_all() -> Result<RunId, AppError> {
    let admin = crate::ssr::require_admin().await?;
    Ok(crate::ssr::services()?.test_all.start(&admin).await?)
}

#[server(prefix = "/rpc")]
pub async fn test_all_progress(job: RunId) -> Result<TestRunDto, AppError> {
    let admin = crate::ssr::require_admin().await?;
    Ok(crate::ssr::services()?
        .test_all
        .progress(&admin, job)
        .await?
        .into())
}

#[server(prefix = "/rpc")]
pub async fn cancel_test_all(job: RunId) -> Result<(), AppError> {
    let admin = crate::ssr::require_admin().await?;
    Ok(crate::ssr::services()?.test_all.cancel(&admin, job).await?)
}
