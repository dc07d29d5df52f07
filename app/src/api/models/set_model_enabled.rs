use leptos::prelude::*;
use vocab::{ModelId, ProviderId};

use crate::dto::ModelDto;
use crate::AppError;

#[server(prefix = "/rpc")]
pub async fn set_model_enabled(
    provider_id: ProviderId,
    id: ModelId,
    enabled: bool,
) -> Result<ModelDto, AppError> {
    let admin = crate::ssr::require_admin().await?;
    let row = crate::ssr::services()?
        .models
        .set_enabled(&admin, provider_id, id, enabled)
        .await?;
    Ok(row.into())
}
