use leptos::prelude::*;
use uuid::Uuid;

use crate::dto::CredentialScope;
use crate::AppError;

#[server(prefix = "/rpc")]
pub async fn delete_credential(scope: CredentialScope, id: Uuid) -> Result<(), AppError> {
    let owner = crate::ssr::require_owner(scope).await?;
    Ok(crate::ssr::services()?
        .credentials
        .delete(owner.owner(), id)
        .await?)
}
