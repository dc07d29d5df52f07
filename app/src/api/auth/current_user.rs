use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto::SessionUser;
use crate::AppError;

/// The signed-in user, or `None` for a visitor.
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    match crate::ssr::require_user().await {
        Ok(user) => Ok(Some(SessionUser::from(&user))),
        Err(AppError::Unauthorized(_)) => Ok(None),
        Err(other) => Err(other),
    }
}
