use leptos::prelude::*;
use vocab::TemplateId;

use crate::AppError;

/// Deletes a custom template no provider uses; built-ins are refused.
#[server(prefix = "/rpc")]
pub async fn delete_template(id: TemplateId) -> Result<(), AppError> {
    let admin = crate::ssr::require_admin().await?;
    Ok(crate::ssr::services()?.templates.delete(&admin, id).await?)
}
