use leptos::prelude::*;
use uuid::Uuid;

use crate::dto::{CredentialDto, CredentialScope};
use crate::AppError;

#[server(prefix = "/rpc")]
pub async fn set_credential_active(
    scope: CredentialScope,
    id: Uuid,
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
        .update(owner.owner(), id, patch)
        .await?;
    Ok(view.into())
}
