use leptos::prelude::*;

use crate::AppError;

/// Ends the session and goes to the sign-in page.
#[server(prefix = "/rpc")]
pub async fn sign_out() -> Result<(), AppError> {
    crate::ssr::sign_out_current().await?;
    leptos_axum::redirect("/login");
    Ok(())
}
