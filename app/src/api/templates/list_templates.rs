use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto::TemplateDto;
use crate::AppError;

#[server(prefix = "/rpc", input = GetUrl)]
pub async fn list_templates() -> Result<Vec<TemplateDto>, AppError> {
    let admin = crate::ssr::require_admin().await?;
    let rows = crate::ssr::services()?.templates.list(&admin).await?;
    Ok(rows.into_iter().map(TemplateDto::from).collect())
}
