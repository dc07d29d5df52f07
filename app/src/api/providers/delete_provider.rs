use leptos::prelude::*;
use vocab::ProviderId;

use crate::AppError;

/// Deletes a custom provider; system providers and providers in use are refused.
#[server(prefix = "/rpc")]
pub async fn delete_provider(id: ProviderId) -> Result<(), AppError> {
    let admin = crate::ssr::require_admin().await?;
    Ok(crate::ssr::services()?.providers.delete(&admin, id).await?)
}
