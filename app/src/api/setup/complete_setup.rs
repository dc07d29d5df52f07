use leptos::prelude::*;

use crate::AppError;

/// Creates the first admin from the one-time link and signs them in.
#[server(prefix = "/rpc")]
pub async fn complete_setup(
    token: String,
    email: String,
    display_name: String,
    password: String,
) -> Result<(), AppError> {
    use crate::ssr::{request_client, services, start_session_cookie};
    use secrecy::SecretString;
    let signed_in = services()?
        .setup
        .complete(
            &SecretString::from(token),
            &email,
            &display_name,
            SecretString::from(password),
            &request_client(),
        )
        .await?;
    start_session_cookie(&signed_in);
    leptos_axum::redirect("/");
    Ok(())
}
