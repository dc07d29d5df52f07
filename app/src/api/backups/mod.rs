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
    Ok(services
        .scheduler
        .backup_overview(&admin, &services.backups)
        .await?
        .into())
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
