use leptos::prelude::*;

use crate::AppError;

/// Changes the caller's password; their other sessions end.
#[server(prefix = "/rpc")]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    use secrecy::SecretString;
    let user = crate::ssr::require_user().await?;
    crate::ssr::services()?
        .auth
        .change_password(
            &user,
            &SecretString::from(current_password),
            &SecretString::from(new_password),
        )
        .await?;
    Ok(())
}
