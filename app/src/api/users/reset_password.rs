use leptos::prelude::*;
use vocab::UserId;

use crate::dto::PasswordResetDto;
use crate::AppError;

/// A one-time link for another user to set a new password.
#[server(prefix = "/rpc")]
pub async fn issue_password_reset(id: UserId) -> Result<PasswordResetDto, AppError> {
    let admin = crate::ssr::require_admin().await?;
    let reset = crate::ssr::services()?
        .auth
        .issue_password_reset(&admin, id)
        .await?;
    let origin = crate::ssr::request_origin().unwrap_or_default();
    Ok(PasswordResetDto::of(&origin, reset))
}

/// Sets a new password through a reset link, then goes to the sign-in page.
#[server(prefix = "/rpc")]
pub async fn complete_password_reset(token: String, new_password: String) -> Result<(), AppError> {
    use secrecy::SecretString;
    crate::ssr::services()?
        .auth
        .complete_password_reset(
            &SecretString::from(token),
            &SecretString::from(new_password),
            &crate::ssr::request_client(),
        )
        .await?;
    leptos_axum::redirect("/login?reset=done");
    Ok(())
}
