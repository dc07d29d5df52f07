use leptos::prelude::*;
use uuid::Uuid;

use crate::dto::{CredentialDto, CredentialScope};
use crate::AppError;

/// Moves a credential up (`up`) or down (`down`) in its provider's order.
#[server(prefix = "/rpc")]
pub async fn move_credential(
    scope: CredentialScope,
    id: Uuid,
    direction: String,
) -> Result<CredentialDto, AppError> {
    use domain::credentials::Direction;
    let owner = crate::ssr::require_owner(scope).await?;
    let direction = match direction.as_str() {
        "up" => Direction::Up,
        "down" => Direction::Down,
        _ => {
            return Err(AppError::Validation {
                field: "direction".into(),
                message: "use up or down".into(),
            })
        }
    };
    let view = crate::ssr::services()?
        .credentials
        .move_by(owner.owner(), id, direction)
        .await?;
    Ok(view.into())
}
