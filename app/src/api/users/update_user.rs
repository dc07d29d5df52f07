use leptos::prelude::*;
use vocab::{Role, UserId};

use crate::dto::UserDto;
use crate::AppError;

/// Changes another user's role or whether they may sign in.
#[server(prefix = "/rpc")]
pub async fn update_user(id: UserId, role: Option<Role>, active: Option<bool>) -> Result<UserDto, AppError> {
    use domain::users::UserPatch;
    let admin = crate::ssr::require_admin().await?;
    let patch = UserPatch {
        role,
        active,
        display_name: None,
    };
    let row = crate::ssr::services()?.users.update(&admin, id, patch).await?;
    Ok(row.into())
}
