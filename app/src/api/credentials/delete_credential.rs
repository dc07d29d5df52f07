use leptos::prelude::*;
use vocab::{CredentialId, Scope};

use crate::AppError;

#[server(prefix = "/rpc")]
pub async fn delete_credential(scope: Scope, id: CredentialId) -> Result<(), AppError> {
    let owner = crate::ssr::require_owner(scope).await?;
    Ok(crate::ssr::services()?.credentials.delete(&owner, id).await?)
}
