use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto::UsageDto;
use crate::AppError;

/// The signed-in user's gateway use over the last 7 days (today included), through
/// every token of theirs and the UI.
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn get_my_usage() -> Result<UsageDto, AppError> {
    use domain::gateway::GatewayCaller;
    let user = crate::ssr::require_user().await?;
    let report = crate::ssr::services()?
        .gateway
        .usage(&GatewayCaller::session(&user), 7)
        .await?;
    Ok(report.into())
}
