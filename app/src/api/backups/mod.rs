//! The backups page: list, "Back up now", "Verify". Restoring is the command line's
//! (`switchyard backup restore`): it replaces every row under the running instances.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto::{BackupDto, BackupVerificationDto, BackupsDto};
use crate::AppError;

#[server(prefix = "/rpc", input = GetUrl)]
pub async fn list_backups() -> Result<BackupsDto, AppError> {
    let admin = crate::ssr::require_admin().await?;
    let services = crate::ssr::services()?;
    let rows = services.backups.list_as(&admin).await?;
    Ok(BackupsDto {
        data: rows.into_iter().map(Into::into).collect(),
        dir: services.backups.dir().display().to_string(),
        next_scheduled: services.scheduler.next_backup(&admin).await?,
    })
}

#[server(prefix = "/rpc")]
pub async fn back_up_now() -> Result<BackupDto, AppError> {
    let admin = crate::ssr::require_admin().await?;
    Ok(crate::ssr::services()?.backups.create_as(&admin).await?.into())
}

#[server(prefix = "/rpc")]
pub async fn verify_backup(name: String) -> Result<BackupVerificationDto, AppError> {
    let admin = crate::ssr::require_admin().await?;
    Ok(crate::ssr::services()?
        .backups
        .verify_as(&admin, &name)
        .await?
        .into())
}
