use leptos::prelude::*;
use vocab::ProviderId;

use crate::dto::ModelDto;
use crate::AppError;

/// Adds a model by hand; an empty display name means the model id.
#[server(prefix = "/rpc")]
pub async fn add_model(
    provider_id: ProviderId,
    model_id: String,
    display_name: String,
) -> Result<ModelDto, AppError> {
    let admin = crate::ssr::require_admin().await?;
    let row = crate::ssr::services()?
        .models
        .add(&admin, provider_id, &model_id, Some(&display_name))
        .await?;
    Ok(row.into())
}
