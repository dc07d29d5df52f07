use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use vocab::ProviderId;

use crate::dto::TemplateFieldDto;
use crate::AppError;

/// The fields an enabled provider's credential form asks for.
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn credential_form_fields(provider: ProviderId) -> Result<Vec<TemplateFieldDto>, AppError> {
    let user = crate::ssr::require_user().await?;
    let fields = crate::ssr::services()?
        .providers
        .form_fields(&user, provider)
        .await?;
    Ok(fields.into_iter().map(Into::into).collect())
}
