use leptos::prelude::*;
use vocab::ProviderId;

use crate::dto::ImportResultDto;
use crate::AppError;

/// Tests each pasted key (one per line, or `name,key`) against the provider and saves
/// those that pass as global credentials; with `save_failed`, the others too, inactive.
#[server(prefix = "/rpc")]
pub async fn import_credentials(
    provider: ProviderId,
    keys: String,
    #[server(default)] save_failed: bool,
) -> Result<ImportResultDto, AppError> {
    use domain::values::ProviderRef;
    let admin = crate::ssr::require_admin().await?;
    let keys = secrecy::SecretString::from(keys);
    let rows = crate::ssr::services()?
        .credentials
        .import(&admin, ProviderRef::Id(provider), &keys, save_failed)
        .await?;
    Ok(rows.into())
}
