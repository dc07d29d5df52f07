use leptos::prelude::*;
use vocab::ProviderId;

use crate::dto::ImportResultDto;
use crate::AppError;

/// Tests a batch of the pasted keys (one per line, or `name,key`), from the `from`th,
/// against the provider and saves those that pass as global credentials; with
/// `save_failed`, the others too, inactive. The answer says where the next batch starts.
#[server(prefix = "/rpc")]
pub async fn import_credentials(
    provider: ProviderId,
    keys: String,
    #[server(default)] save_failed: bool,
    #[server(default)] from: usize,
) -> Result<ImportResultDto, AppError> {
    use domain::values::ProviderRef;
    let admin = crate::ssr::require_admin().await?;
    let keys = secrecy::SecretString::from(keys);
    let batch = crate::ssr::services()?
        .credentials
        .import(&admin, ProviderRef::Id(provider), &keys, save_failed, from)
        .await?;
    Ok(batch.into())
}
