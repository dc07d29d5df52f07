use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use vocab::TemplateId;

use crate::dto::TemplateDto;
use crate::AppError;

#[server(prefix = "/rpc", input = GetUrl)]
pub async fn get_template(id: TemplateId) -> Result<TemplateDto, AppError> {
    let admin = crate::ssr::require_admin().await?;
    let row = crate::ssr::services()?.templates.get(&admin, id).await?;
    Ok(row.into())
}
