use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto::GatewayGuideDto;
use crate::AppError;

/// The gateway's address as this request reached the site, and the models the caller
/// can reach through it (their own connections and the global credentials).
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn get_gateway_guide() -> Result<GatewayGuideDto, AppError> {
    use domain::gateway::GatewayCaller;
    let user = crate::ssr::require_user().await?;
    let models = crate::ssr::services()?
        .gateway
        .models(&GatewayCaller::session(&user))
        .await;
    Ok(GatewayGuideDto {
        base_url: format!("{}/v1", crate::ssr::request_origin().unwrap_or_default()),
        models: models.into_iter().map(Into::into).collect(),
    })
}
