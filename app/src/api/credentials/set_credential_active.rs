use leptos::prelude::*;
use vocab::{CredentialId, Scope};

use crate::dto::CredentialDto;
use crate::AppError;

#[server(prefix = "/rpc")]
pub async fn set_credential_active(
    scope: Scope,
    id: CredentialId,
    active: bool,
) -> Result<CredentialDto, AppError> {
    use domain::credentials::CredentialPatch;
    let owner = crate::ssr::require_owner(scope).await?;
    let patch = CredentialPatch {
        active: Some(active),
        ..Default::default()
    };
    let view = crate::ssr::services()?
        .credentials
        .update(&owner, id, patch)
        .await?;
    Ok(view.into())
}
