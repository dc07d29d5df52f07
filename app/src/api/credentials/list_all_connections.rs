use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto::ConnectionSummaryDto;
use crate::AppError;

/// Users' connections (the first 50 by owner), for admins: whose and in what state,
/// nothing secret.
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn list_all_connections() -> Result<Vec<ConnectionSummaryDto>, AppError> {
    let admin = crate::ssr::require_admin().await?;
    let rows = crate::ssr::services()?
        .credentials
        .first_connections(&admin, 50)
        .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}
