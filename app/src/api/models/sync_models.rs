use std::collections::HashMap;

use leptos::prelude::*;
use vocab::ProviderId;

use crate::dto::SyncDiffDto;
use crate::AppError;

/// Lists the provider's models with credential fields typed for this request only
/// (never stored) and returns the difference; `apply` makes it so.
#[server(prefix = "/rpc")]
pub async fn sync_models(
    provider_id: ProviderId,
    #[server(default)] fields: HashMap<String, String>,
    apply: bool,
) -> Result<SyncDiffDto, AppError> {
    let admin = crate::ssr::require_admin().await?;
    let fields = crate::ssr::secret_values(fields);
    let diff = crate::ssr::services()?
        .models
        .sync(&admin, provider_id, &fields, apply)
        .await?;
    Ok(diff.into())
}
