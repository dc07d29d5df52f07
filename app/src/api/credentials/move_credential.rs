use leptos::prelude::*;
use vocab::{CredentialId, Direction, Scope};

use crate::dto::CredentialDto;
use crate::AppError;

/// Moves a credential up or down in its provider's order.
#[server(prefix = "/rpc")]
pub async fn move_credential(
    scope: Scope,
    id: CredentialId,
    direction: Direction,
) -> Result<CredentialDto, AppError> {
    let owner = crate::ssr::require_owner(scope).await?;
    let view = crate::ssr::services()?
        .credentials
        .move_by(&owner, id, direction)
        .await?;
    Ok(view.into())
}
