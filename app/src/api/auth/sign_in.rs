use leptos::prelude::*;

use crate::AppError;

/// Checks the password, sets the session cookie and goes back to the page that sent the
/// visitor here (`next`, a path on this site), else to the overview.
#[server(prefix = "/rpc")]
pub async fn sign_in(
    email: String,
    password: String,
    #[server(default)] next: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::{request_client, services, start_session_cookie};
    let signed_in = services()?
        .auth
        .sign_in(&email, &secrecy::SecretString::from(password), &request_client())
        .await?;
    start_session_cookie(&signed_in);
    leptos_axum::redirect(domain::auth::session::return_path(next.as_deref()));
    Ok(())
}
