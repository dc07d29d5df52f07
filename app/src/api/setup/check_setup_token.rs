use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::AppError;

/// Whether a set-up link is still good, so the page can say so before the form.
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn check_setup_token(token: String) -> Result<(), AppError> {
    Ok(crate::ssr::services()?.setup.check_token(&token).await?)
}
